"""Invitations to project groups: a person's own pending ones; a project's, for its lead; whom the lead can invite."""
from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from .. import access
from ..errors import Forbidden
from ..models import Invitation, Membership, Project
from ..models.invitations import InvitationStatus

INVITABLE_LIMIT = 20


def my_invitation_list(*, user) -> QuerySet[Invitation]:
    """The invitations waiting for the user's answer, newest first."""
    # Only to projects they may see: one whose share closed (or whose alliance they left) says nothing more.
    visible = Project.objects.filter(access.projects_visible_q(user, in_query=True)).values("pk")
    return (Invitation.objects.filter(invitee_id=user.pk, status=InvitationStatus.PENDING, project_id__in=visible)
            .select_related("project", "invited_by").order_by("-created_at", "-id"))


def project_invitation_list(*, user, project: Project) -> QuerySet[Invitation]:
    """The project's invitations (every status), for those who manage its group."""
    if not access.can_manage_members(user, project):
        raise Forbidden("Only the project lead sees the project's invitations.")
    return Invitation.objects.filter(project=project).select_related("project", "invitee", "invited_by")


def invitable_member_list(*, user, project: Project, search: str = "") -> QuerySet[Membership]:
    """Teachers of the project's alliance who are not in the group, matching `search` (name or username),
    each marked `invited` if an invitation waits for them; at most INVITABLE_LIMIT, by name."""
    if not access.can_invite(user, project):
        raise Forbidden("Only the project lead can invite colleagues, while the project takes new members.")
    # Its own alliance's teachers, and those of partner alliances it is open to (issue 15).
    rows = (Membership.objects.filter(alliance_id__in={project.alliance_id, *access.shared_alliance_ids(project)})
            .exclude(user_id__in=project.memberships.values("user_id"))
            .select_related("user", "school")
            .annotate(invited=Exists(Invitation.objects.filter(project=project, invitee_id=OuterRef("user_id"),
                                                               status=InvitationStatus.PENDING))))
    for word in search.split()[:5]:
        rows = rows.filter(Q(user__first_name__icontains=word) | Q(user__last_name__icontains=word)
                           | Q(user__username__icontains=word))
    return rows.order_by("user__first_name", "user__last_name", "user__username")[:INVITABLE_LIMIT]
