"""Projects, their lifecycle actions, group membership and alliance membership."""
from __future__ import annotations

from django.db.models import Q

from ..models import Membership, Project
from ..models.choices import JoinRequestStatus, Status
from ..statuses import EDITABLE_STATUSES, JOINABLE_STATUSES

from .roles import *  # noqa: F401,F403
from .roles import _checked_for, _has_group_row, _in_project_alliance  # noqa: F401

# --- projects -------------------------------------------------------------------------------

def projects_visible_q(user, *, in_query: bool = False) -> Q:
    """Filter for the projects a user may see. ``in_query``: read the user's alliances inside the
    query that uses the filter, not in one of their own (where that query is all a request needs)."""
    if is_staff(user):
        return Q()
    from ..models import SharedProject

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
