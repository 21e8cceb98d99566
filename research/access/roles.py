"""Roles: who is staff, an alliance member or lead, a project member or lead; cell sizes with partners."""
from __future__ import annotations

from django.db.models import Exists, Max, OuterRef, QuerySet, Subquery, Value

from ..models import Membership, Project, ProjectMember
from ..models.choices import Role



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
        from ..models import SharedProject

        cached = set(SharedProject.objects.filter(project_id=project.pk).values_list("alliance_id", flat=True))
        project._shared_alliance_ids = cached
    return cached


PARTNER_MIN_CELL = "partner_min_cell_size"


def with_partner_min_cell(projects: QuerySet[Project]) -> QuerySet[Project]:
    """The projects, each knowing the largest minimum cell size of the partner alliances it is open to
    (in the query that finds them: results and charts need no query of their own for it)."""
    from ..models import SharedProject

    strictest = SharedProject.objects.filter(project=OuterRef("pk")).order_by("-alliance__min_cell_size")
    return projects.annotate(**{PARTNER_MIN_CELL: Subquery(strictest.values("alliance__min_cell_size")[:1])})


def min_cell_size_for(project: Project) -> int:
    """The minimum cell size the project's figures obey: its alliance's, or a partner alliance's it is open
    to if stricter (issue 15: the stricter of the two applies)."""
    if not hasattr(project, PARTNER_MIN_CELL):
        from ..models import SharedProject

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
