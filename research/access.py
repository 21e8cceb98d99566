"""Who may see and do what. Every queryset and permission in the product asks this module.

Roles, from least to most: anonymous; a user of another alliance; an alliance member (teacher);
a project member; the project lead; the alliance lead; staff.

- Published projects are visible to everyone. Anything else is visible only to members of its
  alliance (and staff); to everyone else it does not exist (the API answers 404, not 403).
- Evidence: `group` = project members, the alliance lead and staff; `alliance` = members of the
  alliance; `public` = anyone who can see the project.
- Raw pupil rows are for project members only (not even staff or the alliance lead).
- Every right that comes from a project (member, lead) also needs a current place in the project's
  alliance: a group row left behind by a membership ended some other way grants nothing. Ending a
  membership (research/services/memberships.py) removes those rows too.
- A project lead who leaves the alliance keeps their name on the project (its history) and loses
  every lead right; the alliance lead, who holds all of them, acts for the project.
"""
from __future__ import annotations

from django.db.models import Exists, Max, OuterRef, Q, QuerySet, Subquery, Value

from .errors import NotFound
from .models import Evidence, ImportJob, Membership, OutcomeUpload, Project, ProjectMember
from .models.choices import JoinRequestStatus, Role, Status, Visibility
from .statuses import EDITABLE_STATUSES, JOINABLE_STATUSES, UPLOADABLE_STATUSES

# Which role may run which lifecycle action (staff may run any).
ALLIANCE_LEAD = "alliance_lead"
PROJECT_LEAD = "project_lead"
TRANSITION_ROLES = {
    "accept": {ALLIANCE_LEAD},
    "decline": {ALLIANCE_LEAD},
    "advance": {PROJECT_LEAD, ALLIANCE_LEAD},
    "publish": {ALLIANCE_LEAD},
    "unpublish": {ALLIANCE_LEAD},
    "withdraw": {PROJECT_LEAD, ALLIANCE_LEAD},
}
RAW_ROWS_ONLY = "Pupil-level data is visible to members of the project group only."


def is_authenticated(user) -> bool:
    return bool(user and user.is_authenticated)


def is_staff(user) -> bool:
    return is_authenticated(user) and user.is_staff


def alliance_roles(user) -> dict[int, str]:
    """{alliance id: role} for the user, read once per user object (one query per request)."""
    if not is_authenticated(user):
        return {}
    cached = getattr(user, "_alliance_roles", None)
    if cached is None:
        cached = dict(user.memberships.values_list("alliance_id", "role"))
        user._alliance_roles = cached
    return cached


def is_alliance_member(user, alliance_id: int) -> bool:
    return alliance_id in alliance_roles(user)


def is_alliance_lead(user, alliance_id: int) -> bool:
    return alliance_roles(user).get(alliance_id) == Role.LEAD


def project_member_ids(project: Project) -> set[int]:
    """User ids of the project group, cached on the project object."""
    cached = getattr(project, "_member_ids", None)
    if cached is None:
        prefetched = getattr(project, "_prefetched_objects_cache", {}).get("memberships")
        if prefetched is not None:  # the selectors prefetch the group: no second query
            cached = {m.user_id for m in prefetched}
        else:
            cached = set(project.memberships.order_by().values_list("user_id", flat=True))
        project._member_ids = cached
    return cached


def forget_alliance_roles(user) -> None:
    """Drop the roles cached on this user object, after their memberships changed."""
    if user is not None:
        user.__dict__.pop("_alliance_roles", None)


VIEWER_IN_GROUP = "viewer_in_group"


def with_viewer_in_group(projects: QuerySet[Project], user) -> QuerySet[Project]:
    """The projects, each knowing whether `user` has a row in its group and their role in its
    alliance: folded into the query that finds them, instead of queries of their own (a cached chart
    or results answer needs nothing more)."""
    if not is_authenticated(user):
        return projects
    return projects.annotate(**{
        VIEWER_IN_GROUP: Exists(ProjectMember.objects.filter(project=OuterRef("pk"), user_id=user.pk)),
        "viewer_role": Subquery(Membership.objects.filter(user_id=user.pk, alliance_id=OuterRef("alliance_id"))
                                .values("role")[:1]),
        "viewer_checked": Value(user.pk),
    })


def _checked_for(user, project: Project) -> bool:
    return getattr(project, "viewer_checked", None) == user.pk


def _has_group_row(user, project: Project) -> bool:
    if _checked_for(user, project):
        return getattr(project, VIEWER_IN_GROUP)
    return user.pk in project_member_ids(project)


def shared_alliance_ids(project: Project) -> set[int]:
    """The partner alliances the project is open to (issue 15), read once per project object."""
    cached = getattr(project, "_shared_alliance_ids", None)
    if cached is None:
        from .models import SharedProject

        cached = set(SharedProject.objects.filter(project_id=project.pk).values_list("alliance_id", flat=True))
        project._shared_alliance_ids = cached
    return cached


PARTNER_MIN_CELL = "partner_min_cell_size"


def with_partner_min_cell(projects: QuerySet[Project]) -> QuerySet[Project]:
    """The projects, each knowing the largest minimum cell size of the partner alliances it is open to
    (in the query that finds them: results and charts need no query of their own for it)."""
    from .models import SharedProject

    strictest = SharedProject.objects.filter(project=OuterRef("pk")).order_by("-alliance__min_cell_size")
    return projects.annotate(**{PARTNER_MIN_CELL: Subquery(strictest.values("alliance__min_cell_size")[:1])})


def min_cell_size_for(project: Project) -> int:
    """The minimum cell size the project's figures obey: its alliance's, or a partner alliance's it is open
    to if stricter (issue 15: the stricter of the two applies)."""
    if not hasattr(project, PARTNER_MIN_CELL):
        from .models import SharedProject

        setattr(project, PARTNER_MIN_CELL, SharedProject.objects.filter(project_id=project.pk).aggregate(
            strictest=Max("alliance__min_cell_size"))["strictest"])
    return max(project.alliance.min_cell_size, getattr(project, PARTNER_MIN_CELL) or 0)


def taking_part_alliance_id(user, project: Project) -> int | None:
    """The alliance through which `user` takes part in the project: its own, or a partner it is open to."""
    roles = alliance_roles(user)
    if project.alliance_id in roles:
        return project.alliance_id
    if not roles:
        return None  # in no alliance: no partner either (and no query)
    return next((alliance_id for alliance_id in sorted(shared_alliance_ids(project)) if alliance_id in roles), None)


def _in_project_alliance(user, project: Project) -> bool:
    """In the project's alliance, or in a partner alliance the project is open to (as if it were theirs)."""
    if _checked_for(user, project):
        if project.viewer_role is not None:
            return True
    elif is_alliance_member(user, project.alliance_id):
        return True
    return taking_part_alliance_id(user, project) is not None


def is_project_member(user, project: Project) -> bool:
    """In the project group now: a group row and a current place in the project's alliance."""
    return is_authenticated(user) and _has_group_row(user, project) and _in_project_alliance(user, project)


def is_project_lead(user, project: Project) -> bool:
    """The project's lead, while still in its alliance (see the module docstring)."""
    return is_authenticated(user) and project.lead_id == user.pk and is_alliance_member(user, project.alliance_id)


# --- projects -------------------------------------------------------------------------------

def projects_visible_q(user, *, in_query: bool = False) -> Q:
    """Filter for the projects a user may see. ``in_query``: read the user's alliances inside the
    query that uses the filter, not in one of their own (where that query is all a request needs)."""
    if is_staff(user):
        return Q()
    from .models import SharedProject

    visible = Q(status=Status.PUBLISHED)
    if in_query and is_authenticated(user) and getattr(user, "_alliance_roles", None) is None:
        alliances = Membership.objects.filter(user_id=user.pk).values("alliance_id")
        return visible | Q(alliance_id__in=alliances) | Q(
            pk__in=SharedProject.objects.filter(alliance_id__in=alliances).values("project_id"))
    alliances = list(alliance_roles(user))
    if alliances:
        # Their alliances' projects, and projects opened to them by a partner alliance (issue 15).
        visible |= Q(alliance_id__in=alliances) | Q(
            pk__in=SharedProject.objects.filter(alliance_id__in=alliances).values("project_id"))
    return visible


def can_view_project(user, project: Project) -> bool:
    return (
        project.status == Status.PUBLISHED
        or is_staff(user)
        or (is_authenticated(user) and _in_project_alliance(user, project))
    )


def can_propose(user, alliance_id: int) -> bool:
    return is_alliance_member(user, alliance_id)


def can_edit_project(user, project: Project) -> bool:
    """The plan (title, question, measures...): the project lead, the alliance lead, staff."""
    if project.status not in EDITABLE_STATUSES:
        return False
    return is_staff(user) or is_project_lead(user, project) or is_alliance_lead(user, project.alliance_id)


def can_write_stage(user, project: Project) -> bool:
    """Stage writing and sessions: the whole group, the alliance lead, staff."""
    if project.status not in EDITABLE_STATUSES:
        return False
    return (
        is_staff(user)
        or is_project_member(user, project)
        or is_project_lead(user, project)
        or is_alliance_lead(user, project.alliance_id)
    )


def can_transition(user, project: Project, action: str) -> bool:
    roles = TRANSITION_ROLES.get(action, set())
    return (
        is_staff(user)
        or (ALLIANCE_LEAD in roles and is_alliance_lead(user, project.alliance_id))
        or (PROJECT_LEAD in roles and is_project_lead(user, project))
    )


def allowed_actions(user, project: Project) -> list[str]:
    return [action for action in TRANSITION_ROLES if can_transition(user, project, action)]


# --- membership -----------------------------------------------------------------------------

def can_manage_members(user, project: Project) -> bool:
    """Approve join requests and remove members: the project lead, the alliance lead, staff."""
    return is_staff(user) or is_project_lead(user, project) or is_alliance_lead(user, project.alliance_id)


def join_refusal(user, project: Project) -> tuple[str, str] | None:
    """(code, why) this user may not ask to join, or None if they may."""
    if taking_part_alliance_id(user, project) is None:
        return "cannot_join", "Only teachers in this project's alliance (or a partner it is open to) can join it."
    if is_project_member(user, project):
        return "cannot_join", "You are already a member of this project."
    if not is_joinable(project):
        return "cannot_join", "Projects can be joined only while proposed or at the theory stage."
    if project.join_requests.filter(user=user, status=JoinRequestStatus.PENDING).exists():
        return "already_requested", "You have already asked to join this project; the project lead will answer."
    return None


def is_joinable(project: Project) -> bool:
    """Whether the group takes new members at this status (asking, and approving a request)."""
    return project.status in JOINABLE_STATUSES


def can_remove_member(user, project: Project, user_id: int) -> bool:
    """Remove `user_id` from the group: any member may leave; others are removed by those who manage
    members. (That the project lead cannot leave is a rule of the group, checked by the service.)"""
    leaving = is_authenticated(user) and user.pk == user_id
    return leaving or can_manage_members(user, project)


def can_view_join_requests(user, project: Project) -> bool:
    return can_manage_members(user, project)


def can_decide_join_request(user, project: Project, requester_id: int) -> bool:
    """Approve or decline a request: those who manage members, but never for their own request
    (staff or an alliance lead could otherwise let themselves into a group, and its pupil rows)."""
    return can_manage_members(user, project) and is_authenticated(user) and user.pk != requester_id


# --- alliance membership --------------------------------------------------------------------

def can_manage_alliance_memberships(user) -> bool:
    """Who belongs to which alliance, with which school and role: staff, in the admin."""
    return is_staff(user)


def membership_grant_refusal(actor, user_id: int) -> str | None:
    """Why `actor` may not give `user_id` a place in an alliance, or change theirs (None if they may).

    A place opens the alliance's drafts and project groups (and through them pupil rows), and the
    lead role approves joins: nobody grants either to themselves; it takes a second person.
    """
    if not can_manage_alliance_memberships(actor):
        return "Only staff can change who belongs to an alliance."
    if actor.pk == user_id:
        return ("Nobody can give themselves a place in an alliance or change their own place or role: "
                "ask another member of staff.")
    return None


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


# --- notifications and invitations (issue 14) ------------------------------------------------

def notifications_visible_q(user) -> Q:
    """A person's inbox is theirs alone: not staff, not an alliance lead; anyone else's item is a 404."""
    return Q(recipient_id=user.pk) if is_authenticated(user) else Q(pk__in=[])


def can_invite(user, project: Project) -> bool:
    """Invite colleagues into the group: the project lead (while in the alliance), while the group takes
    new members (the statuses joining allows)."""
    return is_project_lead(user, project) and is_joinable(project)


def invitation_refusal(project: Project, invitee) -> str | None:
    """Why `invitee` cannot be invited to the project, or None if they can."""
    if invitee is None or taking_part_alliance_id(invitee, project) is None:
        return "Only teachers in this project's alliance can be invited."  # or of a partner it is open to
    if _has_group_row(invitee, project):
        return f"{invitee.get_full_name() or invitee.username} is already a member of this project."
    if project.invitations.filter(invitee=invitee, status="pending").exists():
        return f"{invitee.get_full_name() or invitee.username} has already been invited and has not answered yet."
    return None


def can_answer_invitation(user, invitation) -> bool:
    """Accept or decline: the person invited, and nobody else (not the lead, not staff)."""
    return is_authenticated(user) and invitation.invitee_id == user.pk


# --- partnerships between alliances (issue 15) -----------------------------------------------

def partnerships_visible_q(user) -> Q:
    """Staff see every partnership; anyone else those of the alliances they belong to (others: 404)."""
    if is_staff(user):
        return Q()
    alliances = list(alliance_roles(user))
    return Q(proposer_id__in=alliances) | Q(partner_id__in=alliances) if alliances else Q(pk__in=[])


def can_propose_partnership(user, alliance_id: int) -> bool:
    """Propose a partnership on an alliance's behalf: its lead."""
    return is_alliance_lead(user, alliance_id)


def can_answer_partnership(user, partnership) -> bool:
    """Accept or decline: the lead of the alliance asked (not the one that asked, not staff)."""
    return is_alliance_lead(user, partnership.partner_id)


def can_share_project(user, project: Project) -> bool:
    """Open a project to a partner alliance, or close it again: the project lead or its alliance's lead."""
    return is_project_lead(user, project) or is_alliance_lead(user, project.alliance_id)


def can_end_partnership(user, partnership) -> bool:
    """End it (or withdraw a proposal): the lead of either alliance."""
    return is_alliance_lead(user, partnership.proposer_id) or is_alliance_lead(user, partnership.partner_id)


# --- hubs (issue 15) -------------------------------------------------------------------------

def hubs_visible_q(user) -> Q:
    """A hub's leads (and staff) see it; nobody else knows it is there (404)."""
    if is_staff(user):
        return Q()
    return Q(leads=user.pk) if is_authenticated(user) else Q(pk__in=[])
