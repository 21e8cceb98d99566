"""Notifications, invitations, partnerships between alliances and hubs."""
from __future__ import annotations

from django.db.models import Q

from ..models import Project

from .roles import *  # noqa: F401,F403
from .projects import *  # noqa: F401,F403
from .data import *  # noqa: F401,F403
from .roles import _checked_for, _has_group_row, _in_project_alliance  # noqa: F401

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
