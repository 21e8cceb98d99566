"""Evidence, measures, schools, import aliases, pupil data and outcome uploads."""
from __future__ import annotations

from django.db.models import Q

from ..errors import NotFound
from ..models import Evidence, ImportJob, OutcomeUpload, Project
from ..models.choices import Role, Status, Visibility
from ..statuses import EDITABLE_STATUSES, UPLOADABLE_STATUSES

from .roles import *  # noqa: F401,F403
from .projects import *  # noqa: F401,F403
from .roles import _checked_for, _has_group_row, _in_project_alliance  # noqa: F401

# --- evidence -------------------------------------------------------------------------------

def evidence_visible_q(user, project: Project) -> Q:
    """Filter over one visible project's evidence."""
    if is_staff(user) or is_project_member(user, project) or is_alliance_lead(user, project.alliance_id):
        return Q()
    if is_alliance_member(user, project.alliance_id):
        return Q(visibility__in=[Visibility.ALLIANCE, Visibility.PUBLIC])
    return Q(visibility=Visibility.PUBLIC)


def can_add_evidence(user, project: Project) -> bool:
    return project.status in EDITABLE_STATUSES and (is_project_member(user, project) or is_staff(user))


def can_delete_evidence(user, evidence: Evidence, project: Project) -> bool:
    if project.status not in EDITABLE_STATUSES:
        return False
    return (
        is_staff(user)
        or (is_authenticated(user) and evidence.uploader_id == user.pk)
        or is_project_lead(user, project)
    )


# --- measures -------------------------------------------------------------------------------

def can_manage_measures(user, alliance_id: int) -> bool:
    return is_staff(user) or is_alliance_lead(user, alliance_id)


# --- schools (per alliance) ------------------------------------------------------------------

def can_manage_alliance_schools(user, alliance_id: int) -> bool:
    """Add schools to the alliance, one at a time or from a list, and confirm changes to a known
    school's details: the alliance lead (who answers for who is in the alliance) and staff. Others in
    the alliance get 403; anyone outside it 404."""
    return is_staff(user) or is_alliance_lead(user, alliance_id)


def can_create_schools(user) -> bool:
    """Make a new school (one per URN, shared by every alliance it joins): staff, or the lead of an
    alliance, who then adds it to theirs."""
    return is_staff(user) or Role.LEAD in alliance_roles(user).values()


# --- import aliases and absence codes (per alliance) -----------------------------------------

def can_see_import_aliases(user, alliance_id: int) -> bool:
    """Whether the alliance's import aliases exist for the user at all: its members and staff (anyone
    else gets 404, as for the alliance's drafts)."""
    return is_staff(user) or is_alliance_member(user, alliance_id)


def can_manage_import_aliases(user, alliance_id: int) -> bool:
    """List, retarget and delete the alliance's import aliases and edit its absence codes: the alliance
    lead (who answers for the alliance's data) and staff. Members create aliases only by confirming a
    match in a successful upload; other members get 403."""
    return is_staff(user) or is_alliance_lead(user, alliance_id)


# --- pupil data -----------------------------------------------------------------------------

def can_read_pupil_row_audit(user, project: Project) -> bool:
    """Who read the project's pupil rows, when and how many: the alliance lead (who answers for the
    alliance's data) and staff; not the group whose reads it records. Call only for a project the user
    may see (others get 404 before this)."""
    return is_staff(user) or is_alliance_lead(user, project.alliance_id)


def can_see_raw_rows(user, project: Project) -> bool:
    """Pseudonymised pupil rows: the project group only, and only while in the project's alliance
    (is_project_member checks both: a stale group row alone never opens them). Everyone else gets
    suppressed aggregates."""
    return is_project_member(user, project) and _in_project_alliance(user, project)


def require_raw_rows(user, project: Project, message: str = RAW_ROWS_ONLY) -> None:
    """can_see_raw_rows or NotFound: 404, not 403, because for anyone outside the group pupil rows
    (and uploads of them) are treated as not there at all. Reading, uploading and removing rows
    all start here."""
    if not can_see_raw_rows(user, project):
        raise NotFound(message)


def accepts_outcome_data(project: Project) -> bool:
    """Whether pupil data may be uploaded at the project's status (not before the theory session,
    not once published or closed)."""
    return project.status in UPLOADABLE_STATUSES


def outcome_data_locked(project: Project) -> bool:
    """A published finding's figures rest on its pupil rows: changing them under it would let the
    finding and its next version be subtracted. Unpublishing (with a reason) unlocks them."""
    return project.status == Status.PUBLISHED


def writing_locked(project: Project) -> bool:
    """While a finding is public its writing (question, plan, stages, evidence) is read-only: the
    page and the published finding must say the same. Unpublishing (with a reason) unlocks it."""
    return project.status == Status.PUBLISHED


def can_preview_publication(user, project: Project) -> bool:
    """See exactly what publishing would make public: whoever may publish (the alliance lead, staff)."""
    return can_transition(user, project, "publish")


def can_follow_import_job(user, job: ImportJob) -> bool:
    """An import job (its progress, and its report, which can quote cells of the file): only the person
    who uploaded the file, and only while they may still see the project's pupil rows. Not staff, not
    the alliance lead: the report is pupil-level data, like the rows. Everyone else gets 404."""
    return (is_authenticated(user) and job.created_by_id == user.pk and can_see_raw_rows(user, job.project))


def can_delete_outcome_upload(user, upload: OutcomeUpload, project: Project) -> bool:
    """Remove an upload's rows: within the group, the person who uploaded the file or the project lead."""
    return can_see_raw_rows(user, project) and (
        (is_authenticated(user) and upload.uploaded_by_id == user.pk) or is_project_lead(user, project)
    )
