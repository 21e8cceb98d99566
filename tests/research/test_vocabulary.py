"""One vocabulary (issue 16): the models, the analysis and the charts name stages, groups, statuses
and measure kinds as research.vocabulary does, values and labels alike."""
import subprocess
import sys
from pathlib import Path

import pytest

from research import vocabulary as v
from research.analysis import types
from research.charts import alliance, base
from research.imports.values import GROUP_WORDS
from research.models.choices import STAGE_ORDER, MeasureKind, StageKind, Status
from research.models.outcomes import OutcomeGroup


@pytest.mark.parametrize("choices, labels", [
    (StageKind, v.STAGE_LABELS), (OutcomeGroup, v.GROUP_LABELS), (Status, v.STATUS_LABELS),
    (MeasureKind, v.MEASURE_KIND_LABELS),
], ids=["stages", "groups", "statuses", "measure kinds"])
def test_model_choices_are_the_vocabulary(choices, labels):
    # values, labels and order as the vocabulary gives them (the migrations record the same)
    assert choices.choices == list(labels.items())


def test_the_values_and_labels_are_the_ones_stored_and_shown():
    # Given the values already in databases and the labels already on pages: unchanged
    assert v.STAGES == ("theory", "progress", "dissemination")
    assert v.GROUPS == ("intervention", "comparison")
    assert v.STATUS_LABELS == {
        "proposed": "Proposed", "declined": "Declined", "theory": "Theory session", "progress": "Progress update",
        "dissemination": "Dissemination", "published": "Published", "withdrawn": "Withdrawn"}
    assert v.MEASURE_KIND_LABELS == {
        "attainment": "Attainment", "well-being": "Well-being", "attitude": "Attitude", "engagement": "Engagement",
        "attendance": "Attendance", "behaviour": "Behaviour", "other": "Other"}
    # And the model members keep their names
    assert (Status.PUBLISHED, StageKind.THEORY, MeasureKind.WELL_BEING, OutcomeGroup.COMPARISON) == (
        "published", "theory", "well-being", "comparison")
    assert STAGE_ORDER == v.STAGES


def test_the_analysis_constants_are_the_vocabulary():
    assert types.STAGES == v.STAGES and types.GROUPS == v.GROUPS
    assert (types.BASELINE, types.PROGRESS, types.FINAL) == (v.THEORY, v.PROGRESS, v.DISSEMINATION)
    assert (types.INTERVENTION, types.COMPARISON) == (v.INTERVENTION, v.COMPARISON)


def test_the_charts_label_with_the_vocabulary():
    # Groups: one style per group, labelled as the models label them
    assert tuple(base.GROUP_STYLE) == v.GROUPS == tuple(base.GROUP_HATCH)
    assert {group: style["label"] for group, style in base.GROUP_STYLE.items()} == v.GROUP_LABELS
    # Stages: the chart's own names (baseline, final) for every stage of the vocabulary
    assert tuple(base.STAGE_LABELS) == tuple(base.STAGE_SHORT) == v.STAGES
    # Statuses: every status in the pipeline's order, colour and label as the models label them
    assert sorted(alliance.STATUS_ORDER) == sorted(v.STATUSES) == sorted(alliance.STATUS_COLOURS)
    assert {s: alliance.status_label(s) for s in v.STATUSES} == v.STATUS_LABELS == dict(Status.choices)


def test_the_import_reads_group_words_into_vocabulary_groups():
    assert set(GROUP_WORDS.values()) == set(v.GROUPS)


def test_the_vocabulary_analysis_and_charts_need_no_django():
    code = ("import sys, research.vocabulary, research.analysis, research.charts.base, research.charts.alliance; "
            "sys.exit(any(name.split('.')[0] == 'django' for name in sys.modules))")
    assert subprocess.run([sys.executable, "-c", code], check=False, cwd=Path(__file__).resolve().parents[2]).returncode == 0
