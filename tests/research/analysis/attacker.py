"""An attacker who reads every figure a non-member is shown and tries to recover pupils' scores.

Written independently of research.analysis.differencing: it models each published figure as a
linear equation over the pupils' true scores (it knows who is in each set, the worst case: a
teacher who knows which pupils left, joined or are disadvantaged) and asks linear algebra which
single scores the equations determine. It also uses the ends of the scale and the sds, as anyone
with a pencil would. It checks its own reading of each figure against the data it generated,
so a figure it misreads fails loudly instead of passing quietly.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from research.analysis.types import BASELINE, FINAL, GROUPS, STAGES, MeasureInfo

FLAG_OF = {"disadvantaged": True, "not disadvantaged": False, "unknown": None}


@dataclass(frozen=True)
class Score:
    pupil: str
    group: str
    stage: str
    value: float
    disadvantaged: bool | None


@dataclass
class Findings:
    exposed: list[str] = field(default_factory=list)  # how each recovered score was recovered
    misread: list[str] = field(default_factory=list)  # figures the attacker could not account for


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def cohort(scores: list[Score], group: str) -> set[str]:
    """Pupils with baseline and final scores; those with a final score if nobody has a baseline."""
    pupils = {s.pupil for s in scores if s.group == group}
    at = {stage: {s.pupil for s in scores if s.group == group and s.stage == stage} for stage in STAGES}
    if not any(s.stage == BASELINE for s in scores):
        return at[FINAL]
    return {p for p in pupils if p in at[BASELINE] and p in at[FINAL]}


def _lookup(scores: list[Score]) -> dict[tuple[str, str, str], Score]:
    return {(s.group, s.stage, s.pupil): s for s in scores}


class Equations:
    """Rows of coefficients over score variables (one per distinct (pupil, stage, value))."""

    def __init__(self):
        self.variables: dict[tuple, int] = {}
        self.rows: list[dict[int, float]] = []

    def variable(self, score: Score) -> int:
        return self.variables.setdefault((score.pupil, score.stage, score.value), len(self.variables))

    def add(self, coefficients: dict[int, float]) -> None:
        if coefficients:
            self.rows.append(coefficients)

    def determined(self) -> set[tuple]:
        """Variables whose value the rows fix exactly (unit vector in the row space)."""
        if not self.rows:
            return set()
        matrix = np.zeros((len(self.rows), len(self.variables)))
        for index, row in enumerate(self.rows):
            for column, coefficient in row.items():
                matrix[index, column] += coefficient
        _, singular, vt = np.linalg.svd(matrix, full_matrices=False)
        rank = int((singular > 1e-9 * max(1.0, singular[0])).sum())
        basis = vt[:rank]
        norms = (basis**2).sum(axis=0)
        names = {index: key for key, index in self.variables.items()}
        return {names[i] for i in np.flatnonzero(norms > 1 - 1e-7)}


def _check_sum(findings: Findings, label: str, members: list[Score], n, mean) -> bool:
    if len(members) != n or not math.isclose(sum(s.value for s in members) / max(n, 1), mean, abs_tol=1e-6):
        findings.misread.append(f"{label}: published n={n} mean={mean}, attacker's set n={len(members)}")
        return False
    return True


def _pinned(members: list[Score], n: int, mean: float, sd, measure: MeasureInfo) -> bool:
    """Would the scale's ends or the sd narrow some pupil of this set to +-1?"""
    low, high = measure.scale_min, measure.scale_max
    if n * (high - mean) <= 2 or n * (mean - low) <= 2:
        return True
    return _number(sd) and n > 1 and sd * (n - 1) / math.sqrt(n) <= 1


def read_measure(view_measure: dict, scores: list[Score], measure: MeasureInfo, equations: Equations,
                 findings: Findings, everyone: bool = False) -> None:
    """Turn every figure of one measure into equations (and direct exposures).

    ``everyone``: the figures cover every pupil of a group (the old view), not the cohort.
    """
    by_key = _lookup(scores)
    cohorts = {group: {s.pupil for s in scores if s.group == group} if everyone else cohort(scores, group)
               for group in GROUPS}

    def stage_set(group: str, stage: str, subgroup: str | None = None) -> list[Score]:
        members = [by_key[(group, stage, p)] for p in sorted(cohorts[group]) if (group, stage, p) in by_key]
        if subgroup is not None:
            members = [s for s in members if s.disadvantaged is FLAG_OF[subgroup]]
        return members

    def add_set(label, members, n, mean, sd):
        if not _check_sum(findings, label, members, n, mean):
            return
        equations.add({equations.variable(s): 1.0 for s in members})
        if _pinned(members, n, mean, sd, measure):
            findings.exposed.append(f"{label}: n={n}, mean {mean}, sd {sd} pin its pupils")

    for cell in view_measure["descriptives"]:
        if any(_number(cell.get(key)) for key in ("min", "max")):
            findings.exposed.append(f"{cell['cell']}: min/max shown (each is a pupil's score)")
        if _number(cell.get("median")) and cell["n"] < 20:
            findings.exposed.append(f"{cell['cell']}: quartiles shown for {cell['n']} pupils")
        if _number(cell.get("n")) and _number(cell.get("mean")):
            add_set(cell["cell"], stage_set(cell["group"], cell["stage"]), cell["n"], cell["mean"], cell.get("sd"))
    for cell in view_measure["gap"]["subgroups"]:
        if _number(cell.get("n")) and _number(cell.get("mean")):
            add_set(cell["cell"], stage_set(cell["group"], cell["stage"], cell["subgroup"]), cell["n"], cell["mean"],
                    cell.get("sd"))
    for cell in view_measure["gap"]["gaps"]:
        if not _number(cell.get("gap")):
            continue
        sign = 1.0 if measure.higher_is_better else -1.0
        others = stage_set(cell["group"], cell["stage"], "not disadvantaged")
        disadvantaged = stage_set(cell["group"], cell["stage"], "disadvantaged")
        row: dict[int, float] = {}
        for s in others:
            row[equations.variable(s)] = sign / len(others)
        for s in disadvantaged:
            row[equations.variable(s)] = row.get(equations.variable(s), 0.0) - sign / len(disadvantaged)
        equations.add(row)
    for cell in view_measure["gains"]:
        if not (_number(cell.get("n")) and _number(cell.get("mean_gain"))):
            continue
        after = stage_set(cell["group"], cell["to_stage"])
        matched = {s.pupil for s in after}
        before = [s for s in stage_set(cell["group"], BASELINE) if s.pupil in matched]
        after = [s for s in after if s.pupil in {b.pupil for b in before}]
        gain = (sum(s.value for s in after) - sum(s.value for s in before)) / max(len(after), 1)
        if len(after) != cell["n"] or not math.isclose(gain, cell["mean_gain"], abs_tol=1e-6):
            findings.misread.append(f"{cell['cell']}: published gain n={cell['n']}, attacker's n={len(after)}")
            continue
        row = {equations.variable(s): 1.0 for s in after}
        for s in before:
            row[equations.variable(s)] = row.get(equations.variable(s), 0.0) - 1.0
        equations.add(row)
    _check_derived(view_measure, findings)


def _check_derived(view_measure: dict, findings: Findings) -> None:
    """Effects and gaps shown only when every figure they are computed from is shown."""
    shown = {cell["cell"] for table in ("descriptives", "gains") for cell in view_measure[table]
             if _number(cell.get("n"))}
    shown |= {cell["cell"] for cell in view_measure["gap"]["subgroups"] if _number(cell.get("n"))}
    effects = view_measure.get("effects") or {}
    for key in ("final", "gain", "within_group"):
        cell = effects.get(key)
        if isinstance(cell, dict) and _number(cell.get("g")):
            hidden = [dep for dep in cell.get("depends_on", []) if dep not in shown]
            if hidden:
                findings.exposed.append(f"effect {key} shown over withheld {hidden}")
    for cell in view_measure["gap"]["gaps"]:
        if _number(cell.get("gap")):
            hidden = [dep for dep in cell.get("depends_on", []) if dep not in shown]
            if hidden:
                findings.exposed.append(f"{cell['cell']} shown over withheld {hidden}")


def attack(views: list[dict], data_versions: list[list[Score]], measure: MeasureInfo,
           everyone: bool = False) -> Findings:
    """Everything every view showed, combined (a reader keeps copies)."""
    findings = Findings()
    equations = Equations()
    for view, scores in zip(views, data_versions):
        for view_measure in view["measures"]:
            if view_measure["measure"]["id"] == measure.id:
                read_measure(view_measure, scores, measure, equations, findings, everyone)
    for pupil, stage, value in sorted(equations.determined()):
        findings.exposed.append(f"pupil {pupil} at {stage}: score {value} follows from the figures")
    return findings
