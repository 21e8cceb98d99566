"""News of what a user follows (their own projects included): status changes and publications, newest first."""
from __future__ import annotations

from django.db.models import Q, QuerySet

from .. import access
from ..models import Follow, Project, ProjectMember, Publication, StageTransition
from ..models.publication import FollowKind, PublicationStatus


def follow_list(*, user) -> QuerySet[Follow]:
    """What the user follows."""
    return Follow.objects.filter(user=user)


def followed_projects_q(user) -> Q:
    """The projects the user follows: those they chose (a project, a theme, an alliance) and, without
    asking, their own (in whose group they are, or which they lead)."""
    follows = Follow.objects.filter(user=user)
    ids = {kind: list(follows.filter(kind=kind).values_list("target_id", flat=True)) for kind in FollowKind.values}
    own = Q(pk__in=ProjectMember.objects.filter(user=user).values("project_id")) | Q(lead=user)
    return (Q(pk__in=ids[FollowKind.PROJECT]) | Q(themes__in=ids[FollowKind.THEME])
            | Q(alliance_id__in=ids[FollowKind.ALLIANCE]) | own)


def feed_for(*, user, limit: int = 50) -> list[dict]:
    projects = (Project.objects.filter(followed_projects_q(user)).filter(access.projects_visible_q(user))
                .values_list("pk", flat=True).distinct())
    project_ids = list(projects)
    transitions = (StageTransition.objects.filter(project_id__in=project_ids).select_related("project")
                   .order_by("-at", "-id")[:limit])
    publications = (Publication.objects.filter(project_id__in=project_ids, status=PublicationStatus.PUBLISHED)
                    .order_by("-published_at", "-id")[:limit])
    items = [
        {"type": "transition", "at": t.at, "project": {"id": t.project_id, "title": t.project.title},
         "action": t.action, "from_status": t.from_status, "to_status": t.to_status}
        for t in transitions
    ] + [
        {"type": "publication", "at": p.published_at, "project": {"id": p.project_id, "title": p.title},
         "finding": p.slug}
        for p in publications
    ]
    return sorted(items, key=lambda item: item["at"], reverse=True)[:limit]
