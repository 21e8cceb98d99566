"""The shared taxonomy: the common language every school in an alliance uses.

Stages, project statuses and measure kinds are built from research.vocabulary (plain Python,
which the analysis and the charts import too), so each value and label is written once.
"""
from django.db import models

from .. import vocabulary


def vocabulary_choices(name: str, labels: dict[str, str]) -> type[models.TextChoices]:
    """TextChoices with one member per value of research.vocabulary, named after it in capitals
    ("well-being" -> WELL_BEING), labelled as there, in the same order."""
    members = [(value.upper().replace("-", "_"), (value, label)) for value, label in labels.items()]
    return models.TextChoices(name, members, module=__name__)


class Phase(models.TextChoices):
    EARLY_YEARS = "early_years", "Early years"
    KS1 = "ks1", "Key stage 1"
    KS2 = "ks2", "Key stage 2"
    KS3 = "ks3", "Key stage 3"
    KS4 = "ks4", "Key stage 4"
    POST16 = "post16", "Post-16"
    ALL_THROUGH = "all_through", "All-through"


class SchoolPhase(models.TextChoices):
    NURSERY = "nursery", "Nursery"
    PRIMARY = "primary", "Primary"
    SECONDARY = "secondary", "Secondary"
    ALL_THROUGH = "all_through", "All-through"
    SPECIAL = "special", "Special"
    POST16 = "post16", "Post-16"


class Subject(models.TextChoices):
    MATHS = "maths", "Mathematics"
    ENGLISH = "english", "English"
    READING = "reading", "Reading"
    WRITING = "writing", "Writing"
    SCIENCE = "science", "Science"
    HUMANITIES = "humanities", "Humanities"
    LANGUAGES = "languages", "Languages"
    ARTS = "arts", "Arts"
    PE = "pe", "Physical education"
    COMPUTING = "computing", "Computing"
    PSHE = "pshe", "PSHE and well-being"
    LEADERSHIP = "leadership", "Leadership and management"
    CROSS_CURRICULAR = "cross_curricular", "Cross-curricular"


class Term(models.TextChoices):
    AUTUMN = "autumn", "Autumn"
    SPRING = "spring", "Spring"
    SUMMER = "summer", "Summer"


# PROPOSED, DECLINED, THEORY, PROGRESS, DISSEMINATION, PUBLISHED, WITHDRAWN
Status = vocabulary_choices("Status", vocabulary.STATUS_LABELS)
# What each status allows (the status sets) is research/statuses.py, beside the lifecycle.


# THEORY, PROGRESS, DISSEMINATION
StageKind = vocabulary_choices("StageKind", vocabulary.STAGE_LABELS)

STAGE_ORDER = (StageKind.THEORY, StageKind.PROGRESS, StageKind.DISSEMINATION)


class Role(models.TextChoices):
    MEMBER = "member", "Member"
    LEAD = "lead", "Lead"


# ATTAINMENT, WELL_BEING, ATTITUDE, ENGAGEMENT, ATTENDANCE, BEHAVIOUR, OTHER
MeasureKind = vocabulary_choices("MeasureKind", vocabulary.MEASURE_KIND_LABELS)


class EvidenceKind(models.TextChoices):
    OBSERVATION = "observation", "Observation"
    PUPIL_WORK = "pupil_work", "Pupil work"
    SURVEY = "survey", "Survey"
    PUPIL_VOICE = "pupil_voice", "Pupil voice"
    REFLECTIVE_LOG = "reflective_log", "Reflective log"
    READING = "reading", "Reading"
    OTHER = "other", "Other"


class Visibility(models.TextChoices):
    GROUP = "group", "Project group only"
    ALLIANCE = "alliance", "Whole alliance"
    PUBLIC = "public", "Public"


class JoinRequestStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"
