"""Who is in what: a project's group and the requests to join it, and a user's alliances."""
from __future__ import annotations

from django.db.models import QuerySet

from .. import access
from ..models import JoinRequest, Membership, Project, ProjectMember


def project_member_list(*, project: Project) -> QuerySet[ProjectMember]:
    """The project group, oldest member first (from the prefetch when the project came from project_get)."""
    return project.memberships.all()


def join_request_list(*, user, project: Project) -> QuerySet[JoinRequest]:
    """Requests to join, each with its asker and school: every one for those who manage the group
    (research.access.can_view_join_requests), only the user's own for anyone else."""
    rows = JoinRequest.objects.filter(project=project).select_related("user", "school")
    if not access.can_view_join_requests(user, project):
        rows = rows.filter(user=user)
    return rows


def join_request_latest(*, user, project: Project) -> JoinRequest | None:
    """The user's latest request to join the project, if any (so the page can say it is pending)."""
    return project.join_requests.filter(user=user).order_by("-created_at", "-id").first()


def membership_list(*, user) -> QuerySet[Membership]:
    """The user's places in alliances, by alliance name, each with its alliance and school."""
    return Membership.objects.filter(user=user).select_related("alliance", "school").order_by("alliance__name")
