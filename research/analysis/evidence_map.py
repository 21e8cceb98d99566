"""The public evidence map: published findings pooled by strand (theme x measure kind x phase).

Pure (no Django). A finding enters a strand once per theme it has and per kind of measure it
reports, through its headline between-group effect on that kind (the largest sample if it has two
measures of one kind), the same effect alliance synthesis pools (synthesis_effect), so every pool
is on the one headline g scale. Pooling is pool_effects with REML and the
Hartung-Knapp-Sidik-Jonkman CI, with its 95% prediction interval.

Only figures a finding already publishes are used: g, its variance and n from the non-member view
frozen at publication, the padlocks, and the number of schools in its context. Findings with no
usable effect stay in the strand, counted as "not estimated" with their reason.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd
import statsmodels.api as sm

from ..vocabulary import ATTAINMENT
from .effects import months_progress
from .numbers import Z_95
from .synthesis import pool_arrays, pool_effects, synthesis_effect
from .types import ProjectEffect

METHOD = "reml"
EGGER_MIN_FINDINGS = 10  # fewer and the test has too little power to mean anything (Sterne et al. 2011)
KEY_SEPARATOR = "--"
NO_BETWEEN_GROUP = "No between-group effect published on this kind of measure (suppressed, or no comparison group)."

POSITIVE, NEGATIVE, NULL, NOT_ESTIMATED = "positive", "negative", "null", "not_estimated"
DIRECTIONS = (POSITIVE, NULL, NEGATIVE, NOT_ESTIMATED)

# Strand padlocks: the median of its pooled findings' padlocks (rounded down), capped by how many
# findings it pools and by how much they disagree. (k, most padlocks) and (I^2 above, most padlocks).
CAP_BY_FINDINGS = ((1, 1), (2, 2), (4, 3), (9, 4))
CAP_BY_HETEROGENEITY = ((75.0, 2), (50.0, 3))
PADLOCK_RULE = ("The median of the pooled findings' padlocks (rounded down), at most 1 with one finding, 2 with two, "
                "3 with three or four, 4 with five to nine; at most 3 when I\u00b2 is over 50% and 2 when over 75%.")


class StrandFinding(NamedTuple):
    """One published finding in one strand, with the figures it published for that strand. (A named
    tuple: the map builds one per finding, theme and kind, 100,000 at national scale.)"""

    slug: str
    project_id: int
    title: str
    alliance: str
    theme: str
    measure_kind: str
    phase: str
    subject: str
    measure: str | None
    g: float | None
    variance: float | None
    n: int | None
    schools: int | None
    padlocks: int | None
    reason: str | None = None  # why there is no effect to pool


def strand_key(theme: str, measure_kind: str, phase: str) -> str:
    return KEY_SEPARATOR.join((theme, measure_kind, phase))


def parse_strand_key(key: str) -> tuple[str, str, str] | None:
    parts = key.split(KEY_SEPARATOR)
    return (parts[0], parts[1], parts[2]) if len(parts) == 3 and all(parts) else None


def _padlocks(measure_result: Mapping) -> int | None:
    value = (measure_result.get("evidence_strength") or {}).get("padlocks")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def kind_effects(measures: Sequence[Mapping], project_id: int, title: str) -> dict[str, dict]:
    """Per kind of measure in a finding's frozen results: its headline effect (the measure with the
    largest sample when two of one kind have one), or no effect with the reason."""
    chosen: dict[str, dict] = {}
    for measure_result in measures or []:
        info = measure_result.get("measure") or {}
        kind = info.get("kind")
        if not kind:
            continue
        effect = synthesis_effect(measure_result, project_id, title)
        candidate = {"measure": info.get("name"), "g": None, "variance": None, "n": None,
                     "padlocks": _padlocks(measure_result), "reason": NO_BETWEEN_GROUP}
        if effect is not None:
            candidate.update(g=effect.g, variance=effect.variance, n=effect.n, reason=None)
        current = chosen.get(kind)
        if current is None or (candidate["g"] is not None and
                               (current["g"] is None or (candidate["n"] or 0) > (current["n"] or 0))):
            chosen[kind] = candidate
    return chosen


def strand_findings(*, slug: str, project_id: int, title: str, alliance: str, phase: str, subject: str,
                    themes: Iterable[str], effects: Mapping[str, Mapping], schools: int | None) -> list[StrandFinding]:
    """The finding's place in every strand it belongs to (each theme x each kind of measure), from its
    effects per kind (kind_effects' shape: measure, g, variance, n, padlocks, reason)."""
    return [StrandFinding(slug=slug, project_id=project_id, title=title, alliance=alliance, theme=theme,
                          measure_kind=kind, phase=phase, subject=subject, schools=schools,
                          measure=effect["measure"], g=effect["g"], variance=effect["variance"], n=effect["n"],
                          padlocks=effect["padlocks"], reason=effect["reason"] or None)
            for theme in sorted(set(themes)) for kind, effect in sorted(effects.items())]


def direction(g: float | None, variance: float | None) -> str:
    """positive / negative when the finding's 95% CI excludes 0; null when it includes 0."""
    if g is None or variance is None or variance <= 0:
        return NOT_ESTIMATED
    half = Z_95 * math.sqrt(variance)
    return POSITIVE if g - half > 0 else NEGATIVE if g + half < 0 else NULL


def egger_test(g: Sequence[float], variance: Sequence[float]) -> dict:
    """Egger's regression test for small-study effects: OLS of g/se on 1/se; the intercept is the
    asymmetry (0 when small and large findings agree), with its 95% CI and two-sided p."""
    se = np.sqrt(np.asarray(variance, dtype=float))
    y = np.asarray(g, dtype=float) / se
    fit = sm.OLS(y, sm.add_constant(1.0 / se)).fit()
    low, high = (float(x) for x in fit.conf_int(alpha=0.05)[0])
    return {"k": int(len(se)), "intercept": float(fit.params[0]), "ci_low": low, "ci_high": high,
            "p_value": float(fit.pvalues[0]), "slope": float(fit.params[1]),
            "method": "Egger's test: OLS of g/se on 1/se (intercept 0 = no small-study effect), t with k - 2 df"}


def strand_padlocks(padlocks: Sequence[int | None], i2_percent: float | None) -> tuple[int, list[str]]:
    """The strand's rating (0-5) under PADLOCK_RULE, and each step that set it."""
    k = len(padlocks)
    if k == 0:
        return 0, ["No finding in this strand has an effect to pool."]
    median = math.floor(statistics.median(p if p is not None else 0 for p in padlocks))
    rating, reasons = median, [f"Median padlocks of the {k} pooled finding{'s' if k != 1 else ''}: {median}."]
    for most_k, cap in CAP_BY_FINDINGS:
        if k <= most_k:
            if rating > cap:
                reasons.append(f"At most {cap} with {k} finding{'s' if k != 1 else ''}.")
            rating = min(rating, cap)
            break
    for above, cap in CAP_BY_HETEROGENEITY:
        if i2_percent is not None and i2_percent > above:
            if rating > cap:
                reasons.append(f"At most {cap}: the findings disagree (I\u00b2 = {i2_percent:.0f}% > {above:.0f}%).")
            rating = min(rating, cap)
            break
    return rating, reasons


def _pooled_row_weights(pool: Mapping) -> dict:
    return {row["project_id"]: row["weight"] for row in pool.get("projects") or []}


def strand_summary(key: str, findings: Sequence[StrandFinding], theme_label: str = "",
                   detail: bool = False) -> dict:
    """A strand: the REML/HKSJ pool with its 95% prediction interval, months (attainment), counts,
    directions, padlocks; with detail, each finding, and Egger's test with 10 or more pooled."""
    usable = [f for f in findings if f.g is not None and f.variance is not None and f.variance > 0]
    pool = pool_effects([ProjectEffect(f.project_id, f.title, f.g, f.variance, f.n) for f in usable], method=METHOD)
    pooled_ids = {row["project_id"] for row in pool["projects"]}
    pooled = [f for f in usable if f.project_id in pooled_ids]
    counts = {d: 0 for d in DIRECTIONS}
    for finding in findings:
        counts[direction(finding.g, finding.variance) if finding.project_id in pooled_ids else NOT_ESTIMATED] += 1
    summary = _summary(key, theme_label, pool, counts, [f.padlocks for f in pooled], findings=len(findings),
                       projects=len({f.project_id for f in findings}), schools=sum(f.schools or 0 for f in findings),
                       pupils=sum(f.n or 0 for f in pooled))
    if detail:
        if len(pooled) >= EGGER_MIN_FINDINGS:
            summary["egger"] = egger_test([f.g for f in pooled], [f.variance for f in pooled])
        weights = _pooled_row_weights(pool)
        summary["rows"] = [_finding_row(f, weights.get(f.project_id) if f.project_id in pooled_ids else None,
                                        f.project_id in pooled_ids) for f in findings]
    return summary


def _summary(key: str, theme_label: str, pool: Mapping, counts: dict, pooled_padlocks: Sequence[int | None], *,
             findings: int, projects: int, schools: int, pupils: int) -> dict:
    theme, measure_kind, phase = parse_strand_key(key) or ("", "", "")
    rating, rating_reasons = strand_padlocks(pooled_padlocks, pool["i2_percent"])
    g = pool["g"]
    months = (months_progress(round(g, 2)) if measure_kind == ATTAINMENT and g is not None and len(pooled_padlocks)
              else None)
    return {
        "key": key, "theme": theme, "theme_label": theme_label or theme, "measure_kind": measure_kind,
        "phase": phase,
        "pool": {key_: pool[key_] for key_ in ("method", "method_code", "k", "g", "se", "ci_low", "ci_high",
                                               "ci_distribution", "tau2", "i2_percent", "q", "q_df", "q_pvalue",
                                               "prediction_interval", "prediction_interval_reason", "reason")},
        "months": months, "findings": findings, "projects": projects, "schools": schools, "pupils": pupils,
        "directions": counts, "padlocks": rating, "padlock_reasons": rating_reasons,
        "egger": None,
        "egger_reason": (None if len(pooled_padlocks) >= EGGER_MIN_FINDINGS else
                         f"Egger's test and the funnel plot need {EGGER_MIN_FINDINGS} or more pooled findings."),
    }


FRAME_COLUMNS = ("project_id", "theme", "measure_kind", "phase", "g", "variance", "n", "schools", "padlocks")


def strand_summaries(frame: pd.DataFrame) -> dict[str, dict]:
    """strand_summary (without detail) of every strand in a frame of FRAME_COLUMNS, a row per finding, theme
    and kind of measure: the map's list, at national scale, without an object per finding. The same pool
    (pool_arrays, as pool_effects uses) and the same figures; a strand where one project appears twice goes
    through strand_summary itself (it picks one effect per project)."""
    columns = {name: frame[name].to_numpy(dtype=float, na_value=np.nan)
               for name in ("project_id", "g", "variance", "n", "schools", "padlocks")}
    summaries = {}
    for (theme, kind, phase), at in frame.groupby(["theme", "measure_kind", "phase"], sort=False).indices.items():
        key = strand_key(theme, kind, phase)
        summaries[key] = _frame_summary(key, {name: values[at] for name, values in columns.items()})
    return summaries


def _frame_summary(key: str, rows: dict[str, np.ndarray]) -> dict:
    g, variance, ids = rows["g"], rows["variance"], rows["project_id"].astype(np.int64)
    usable = np.isfinite(g) & np.isfinite(variance) & (variance > 0)
    if len(np.unique(ids[usable])) != int(usable.sum()):
        return strand_summary(key, [_frame_finding(key, *row) for row in zip(*(rows[name].tolist() for name in (
            "project_id", "g", "variance", "n", "schools", "padlocks")))])
    g, variance = g[usable], variance[usable]
    n = rows["n"][usable]
    if len(g) >= 2:
        pool, _ = pool_arrays(g, variance, METHOD)
    else:
        pool = pool_effects([ProjectEffect(int(ids[usable][i]), "", float(g[i]), float(variance[i]))
                             for i in range(len(g))], method=METHOD)
    half = Z_95 * np.sqrt(variance)
    positive, negative = int((g - half > 0).sum()), int((g + half < 0).sum())
    counts = {POSITIVE: positive, NULL: len(g) - positive - negative, NEGATIVE: negative,
              NOT_ESTIMATED: len(ids) - len(g)}
    padlocks = [None if math.isnan(p) else int(p) for p in rows["padlocks"][usable].tolist()]
    return _summary(key, "", pool, counts, padlocks, findings=len(ids), projects=len(np.unique(ids)),
                    schools=int(np.nansum(rows["schools"])), pupils=int(np.nansum(n)))


def _frame_finding(key: str, project_id: float, g: float, variance: float, n: float, schools: float,
                   padlocks: float) -> StrandFinding:
    theme, kind, phase = parse_strand_key(key)
    n, schools, padlocks = (None if math.isnan(x) else int(x) for x in (n, schools, padlocks))
    return StrandFinding("", int(project_id), "", "", theme, kind, phase, "", None,
                         None if math.isnan(g) else g, None if math.isnan(variance) else variance, n, schools, padlocks)


def _finding_row(finding: StrandFinding, weight: float | None, pooled: bool) -> dict:
    se = math.sqrt(finding.variance) if finding.variance is not None and finding.variance > 0 else None
    estimated = se is not None and finding.g is not None
    return {
        "slug": finding.slug, "project_id": finding.project_id, "title": finding.title,
        "alliance": finding.alliance, "subject": finding.subject, "measure": finding.measure,
        "g": finding.g, "variance": finding.variance, "se": se,
        "ci_low": finding.g - Z_95 * se if estimated else None, "ci_high": finding.g + Z_95 * se if estimated else None,
        "n": finding.n, "schools": finding.schools, "padlocks": finding.padlocks,
        "direction": direction(finding.g, finding.variance) if pooled else NOT_ESTIMATED,
        "pooled": pooled, "weight": weight,
        "reason": None if pooled else (finding.reason or NO_BETWEEN_GROUP),
    }


def group_by_strand(findings: Iterable[StrandFinding]) -> dict[str, list[StrandFinding]]:
    strands: dict[str, list[StrandFinding]] = {}
    for finding in findings:
        strands.setdefault(strand_key(finding.theme, finding.measure_kind, finding.phase), []).append(finding)
    return strands
