"""The shared taxonomy: the common language every school in an alliance uses."""
from django.db import models


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


class Status(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    DECLINED = "declined", "Declined"
    THEORY = "theory", "Theory session"
    PROGRESS = "progress", "Progress update"
    DISSEMINATION = "dissemination", "Dissemination"
    PUBLISHED = "published", "Published"
    WITHDRAWN = "withdrawn", "Withdrawn"


ACTIVE_STATUSES = (Status.PROPOSED, Status.THEORY, Status.PROGRESS, Status.DISSEMINATION)


class StageKind(models.TextChoices):
    THEORY = "theory", "Theory session"
    PROGRESS = "progress", "Progress update"
    DISSEMINATION = "dissemination", "Dissemination"


STAGE_ORDER = (StageKind.THEORY, StageKind.PROGRESS, StageKind.DISSEMINATION)


class Role(models.TextChoices):
    MEMBER = "member", "Member"
    LEAD = "lead", "Lead"


class MeasureKind(models.TextChoices):
    ATTAINMENT = "attainment", "Attainment"
    WELL_BEING = "well-being", "Well-being"
    ATTITUDE = "attitude", "Attitude"
    ENGAGEMENT = "engagement", "Engagement"
    ATTENDANCE = "attendance", "Attendance"
    BEHAVIOUR = "behaviour", "Behaviour"
    OTHER = "other", "Other"


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
