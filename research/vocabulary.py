"""The product's vocabulary, each value and label written once: stages, groups, project statuses
and measure kinds.

Plain Python, no Django: the models build their TextChoices from it (research.models.choices,
research.models.outcomes), and the analysis (research.analysis.types) and the charts
(research.charts) import it directly. tests/research/test_vocabulary.py checks they agree.
Changing a value here changes stored data: it needs a migration.
"""
from __future__ import annotations

from typing import Literal, get_args

# --- stages: the three sessions, in order (theory is the baseline, dissemination the final) -----
Stage = Literal["theory", "progress", "dissemination"]
STAGES: tuple[Stage, ...] = get_args(Stage)
THEORY, PROGRESS, DISSEMINATION = STAGES
STAGE_LABELS: dict[str, str] = {THEORY: "Theory session", PROGRESS: "Progress update", DISSEMINATION: "Dissemination"}

# --- groups of pupils -----------------------------------------------------------------------------
Group = Literal["intervention", "comparison"]
GROUPS: tuple[Group, ...] = get_args(Group)
INTERVENTION, COMPARISON = GROUPS
GROUP_LABELS: dict[str, str] = {INTERVENTION: "Intervention", COMPARISON: "Comparison"}

# --- project statuses (research.lifecycle moves between them) -----------------------------------
# A project at a stage has that stage's name as its status.
PROPOSED, DECLINED, PUBLISHED, WITHDRAWN = "proposed", "declined", "published", "withdrawn"
STATUS_LABELS: dict[str, str] = {
    PROPOSED: "Proposed",
    DECLINED: "Declined",
    THEORY: STAGE_LABELS[THEORY],
    PROGRESS: STAGE_LABELS[PROGRESS],
    DISSEMINATION: STAGE_LABELS[DISSEMINATION],
    PUBLISHED: "Published",
    WITHDRAWN: "Withdrawn",
}
STATUSES: tuple[str, ...] = tuple(STATUS_LABELS)
# The lifecycle's order (under way, then published, then ended): how lists and charts sort statuses.
STATUS_LIFECYCLE_ORDER: tuple[str, ...] = (PROPOSED, *STAGES, PUBLISHED, DECLINED, WITHDRAWN)

# --- kinds of measure ----------------------------------------------------------------------------
ATTAINMENT = "attainment"  # the only kind EEF months' progress applies to
MEASURE_KIND_LABELS: dict[str, str] = {
    ATTAINMENT: "Attainment",
    "well-being": "Well-being",
    "attitude": "Attitude",
    "engagement": "Engagement",
    "attendance": "Attendance",
    "behaviour": "Behaviour",
    "other": "Other",
}
MEASURE_KINDS: tuple[str, ...] = tuple(MEASURE_KIND_LABELS)
