"""The differencing attack, randomised: thousands of small projects, every non-member figure
combined (all stages, gains, attrition, subgroups, gaps, effects, padlocks), over two frozen
views a reader could keep, through the function the API uses for non-members.

Target: no pupil's score can be recovered to within +-1 scale point. The test prints how many
projects expose someone (0 expected) and, for comparison, how many the old cell-by-cell view
exposed on the same projects.
"""
from __future__ import annotations

import random

import pandas as pd
import pytest

from research.analysis import non_member_view, project_results
from research.analysis.public_view import public_results
from research.analysis.types import BASELINE, FINAL, PROGRESS, MeasureInfo

from .attacker import Score, attack

PROJECTS = int(__import__('os').environ.get('ATTACK_PROJECTS', 3000))
MIN_CELL = 6
OLD_VIEW_EVERY = 10  # the old view is attacked on a sample, for comparison only
MEASURES = (
    MeasureInfo(1, "Maths test", "attainment", 0, 100, True, "marks"),
    MeasureInfo(2, "Well-being", "well-being", 1, 5, True, "points"),
    MeasureInfo(3, "Anxiety", "well-being", 0, 40, False, "points"),
)
COLUMNS = ["pupil_key", "school_id", "group", "stage", "measure_id", "score", "disadvantaged", "send", "eal",
           "year_group"]


def _value(rng: random.Random, measure: MeasureInfo, centre: float) -> float:
    spread = (measure.scale_max - measure.scale_min) / 6
    return float(min(measure.scale_max, max(measure.scale_min, round(rng.gauss(centre, spread)))))


def random_scores(rng: random.Random, measure: MeasureInfo) -> list[Score]:
    """One measure of a small project: groups of 0-14, leavers, joiners, gaps at progress."""
    scores = []
    centre = rng.uniform(measure.scale_min, measure.scale_max)
    no_baseline = rng.random() < 0.1  # a final-scores-only design
    for group in ("intervention", "comparison"):
        for index in range(rng.randint(0, 14)):
            pupil = f"{group[0]}{index}"
            flag = rng.choice([True, False, False, None])
            base = _value(rng, measure, centre)
            kind = rng.random()
            stages = {BASELINE: base, PROGRESS: _value(rng, measure, base), FINAL: _value(rng, measure, base + 1)}
            if kind < 0.15:
                del stages[FINAL]  # a leaver
            elif kind < 0.25:
                del stages[BASELINE]  # a joiner
            if rng.random() < 0.3:
                stages.pop(PROGRESS, None)
            if no_baseline:
                stages.pop(BASELINE, None)
            scores += [Score(pupil, group, stage, value, flag) for stage, value in stages.items()]
    return scores


def changed(rng: random.Random, scores: list[Score], measure: MeasureInfo) -> list[Score]:
    """The next version: one pupil added (baseline and final), or one pupil's final removed, or a
    corrected score; what a member's upload or delete does between two frozen views."""
    roll = rng.random()
    if roll < 0.4 or not scores:
        group = rng.choice(["intervention", "comparison"])
        return scores + [Score("new", group, BASELINE, _value(rng, measure, 50), rng.choice([True, False])),
                         Score("new", group, FINAL, _value(rng, measure, 50), rng.choice([True, False]))]
    finals = [s for s in scores if s.stage == FINAL]
    if roll < 0.8 and finals:
        gone = rng.choice(finals)
        return [s for s in scores if s != gone]
    target = rng.choice(scores)
    fixed = Score(target.pupil, target.group, target.stage, _value(rng, measure, target.value), target.disadvantaged)
    return [fixed if s == target else s for s in scores]


def as_frame(scores: list[Score], measure: MeasureInfo) -> pd.DataFrame:
    rows = [(s.pupil, 1, s.group, s.stage, measure.id, s.value, s.disadvantaged, None, None, 5) for s in scores]
    return pd.DataFrame(rows, columns=COLUMNS)


def old_view(frame: pd.DataFrame, measure: MeasureInfo) -> dict:
    """What non-members were shown before this model: every pupil, cell by cell."""
    return non_member_view(project_results(frame, [measure], MIN_CELL))


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_no_pupil_score_recoverable_from_everything_a_non_member_sees(capsys):
    rng = random.Random(20261129)
    exposed, exposed_before, misread, examples = 0, 0, [], []
    for project in range(PROJECTS):
        measure = MEASURES[project % len(MEASURES)]
        first = random_scores(rng, measure)
        second = changed(rng, first, measure)
        # Given two frozen views, the second audited against the first (as the service stores them)
        view_one = public_results(as_frame(first, measure), [measure], MIN_CELL)
        view_two = public_results(as_frame(second, measure), [measure], MIN_CELL, earlier=[view_one.terms])
        # When the attacker combines every figure of both
        findings = attack([view_one.view, view_two.view], [first, second], measure)
        misread += findings.misread
        if findings.exposed:
            exposed += 1
            examples.append((project, findings.exposed[:3]))
        if project % OLD_VIEW_EVERY == 0:
            before = attack([old_view(as_frame(first, measure), measure)], [first], measure, everyone=True)
            exposed_before += bool(before.exposed)
    with capsys.disabled():
        sampled = len(range(0, PROJECTS, OLD_VIEW_EVERY))
        print(f"\ndifferencing attack: {exposed} of {PROJECTS} projects expose a pupil's score (target 0); "
              f"the old cell-by-cell view exposed {exposed_before} of {sampled} of the same projects")
    # Then the attacker read every figure, and recovered nobody
    assert not misread, misread[:5]
    assert exposed == 0, examples[:5]
    # And the attack is real: it finds what the old view gave away
    assert exposed_before > sampled // 4
