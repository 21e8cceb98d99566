"""The domain: alliances, schools, projects through three stages, and their evidence."""
from .alliance import Alliance, AllianceSchool, Membership, School
from .audit import PupilRowRead
from .disclosed import DisclosedResults
from .evidence import Evidence, EvidenceChange
from .imports import ImportAlias, ImportSettings
from .invitations import Invitation
from .jobs import ImportJob
from .measure import Measure
from .network import Hub, Partnership, SharedProject
from .notifications import Notification, NotificationSettings
from .outcomes import OutcomeRecord, OutcomeUpload
from .project import JoinRequest, PlanSnapshot, Project, ProjectMember, StageTransition, Theme
from .publication import Follow, Publication, PublicationChart, PublicationFile, PublicationTag
from .publication_effect import PublicationEffect
from .stage import Stage
from .summary import EffectSummary

__all__ = [
    "Alliance",
    "EffectSummary",
    "AllianceSchool",
    "DisclosedResults",
    "Evidence",
    "EvidenceChange",
    "Follow",
    "Hub",
    "ImportAlias",
    "ImportSettings",
    "ImportJob",
    "Invitation",
    "JoinRequest",
    "Measure",
    "Membership",
    "Notification",
    "NotificationSettings",
    "OutcomeRecord",
    "OutcomeUpload",
    "Partnership",
    "PlanSnapshot",
    "Project",
    "Publication",
    "PublicationChart",
    "PublicationEffect",
    "PublicationFile",
    "PublicationTag",
    "PupilRowRead",
    "ProjectMember",
    "School",
    "SharedProject",
    "Stage",
    "StageTransition",
    "Theme",
]
