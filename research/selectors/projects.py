"""Reading projects: always scoped to what the user may see (research.access)."""
from collections import defaultdict

import django_filters
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Prefetch, QuerySet

from .. import access
from ..errors import NotFound
from ..models import Alliance, Project, ProjectMember, School, StageTransition, Theme
from ..models.choices import Phase, Status, Subject
from .filtering import Filters, filtered, ordered, searched
from .id_filter import WholeNumberFilter


class ProjectFilter(django_filters.FilterSet):
    alliance = WholeNumberFilter(field_name="alliance_id")
    status = django_filters.MultipleChoiceFilter(choices=Status.choices)
    subject = django_filters.ChoiceFilter(choices=Subject.choices)
    phase = django_filters.ChoiceFilter(choices=Phase.choices)
    theme = django_filters.ModelChoiceFilter(
        field_name="themes", queryset=Theme.objects.all(), to_field_name="slug", label="Theme (slug)"
    )
    school = WholeNumberFilter(method="filter_school", label="School id (a member's school)")
    academic_year = django_filters.CharFilter()
    lead = WholeNumberFilter(field_name="lead_id")
    member = WholeNumberFilter(method="filter_member", label="User id of a project member")

    class Meta:
        model = Project
        fields = ["alliance", "status", "subject", "phase", "theme", "school", "academic_year", "lead", "member"]

    def filter_school(self, queryset, name, value):
        return queryset.filter(id__in=ProjectMember.objects.filter(school_id=value).values("project_id"))

    def filter_member(self, queryset, name, value):
        return queryset.filter(id__in=ProjectMember.objects.filter(user_id=value).values("project_id"))


def projects_visible(user) -> QuerySet[Project]:
    """The projects a user may see, newest first, with nothing joined (lists add what they show)."""
    return Project.objects.filter(access.projects_visible_q(user)).order_by("-created_at", "-id")


def projects_for(user) -> QuerySet[Project]:
    """Projects the user may see, ready to serialise one in full without further queries."""
    return projects_visible(user).select_related("alliance", "lead").prefetch_related(
        "themes", "measures",
        Prefetch("memberships", queryset=ProjectMember.objects.select_related("school", "user")),
    )


LIST_FIELDS = ("id", "title", "research_question", "subject", "phase", "academic_year", "term", "status",
               "created_at", "updated_at", "alliance_id", "lead_id")
# `search`: every word in the title or the question; `ordering`: any of these, `-` for descending.
SEARCH_FIELDS = ("title", "research_question")
ORDERING_FIELDS = ("created_at", "updated_at", "title", "academic_year", "status")


def project_list(*, user, filters: Filters | None = None) -> QuerySet[dict]:
    """The projects a user may see as `values(*LIST_FIELDS)` rows, newest first, narrowed by
    ProjectFilter and `search`, sorted by `ordering` (the raw query parameters in `filters`).
    project_list_rows completes a page of them."""
    filters = filters or {}
    projects = filtered(ProjectFilter, filters, projects_visible(user))
    projects = searched(projects, filters.get("search", ""), SEARCH_FIELDS)
    return ordered(projects, filters.get("ordering"), ORDERING_FIELDS).values(*LIST_FIELDS)


def project_list_rows(*, page: list[dict]) -> list[dict]:
    """A page of `values(*LIST_FIELDS)` rows with their alliance, lead, themes, measures and schools,
    and no model instances (a list page is read far more than written). The page itself joins
    nothing: joins before the sort and in the count cost more. On PostgreSQL the rest comes in one
    query (each round trip there costs more than the aggregation); elsewhere in five small ones."""
    if connection.vendor == "postgresql" and page:
        return _rows_in_one_query(page)
    ids = [row["id"] for row in page]
    alliances = {a["id"]: a for a in Alliance.objects.filter(
        id__in={row["alliance_id"] for row in page}).order_by().values("id", "name", "slug")}
    leads = {u["id"]: u for u in get_user_model().objects.filter(
        id__in={row["lead_id"] for row in page}).values("id", "username", "first_name", "last_name")}
    themes, measures, schools = defaultdict(list), defaultdict(list), defaultdict(dict)
    for project_id, slug in Project.themes.through.objects.filter(project_id__in=ids).values_list(
            "project_id", "theme__slug").order_by("theme__slug"):
        themes[project_id].append(slug)
    for project_id, measure_id in Project.measures.through.objects.filter(project_id__in=ids).values_list(
            "project_id", "measure_id").order_by("measure_id"):
        measures[project_id].append(measure_id)
    for project_id, school_id, name, urn in ProjectMember.objects.filter(project_id__in=ids).order_by().values_list(
            "project_id", "school_id", "school__name", "school__urn"):
        schools[project_id][school_id] = {"id": school_id, "name": name, "urn": urn}
    return [{**row, "alliance": alliances[row["alliance_id"]], "lead": leads[row["lead_id"]],
             "themes": themes[row["id"]], "measures": measures[row["id"]],
             "schools": sorted(schools[row["id"]].values(), key=lambda s: s["name"])} for row in page]


def _page_details_sql() -> str:
    """One statement for a page's alliance, lead, themes, measures and schools (PostgreSQL). Written
    out: the ORM's version of it costs more to build than to run (5.4 ms against 3.0 ms a page)."""
    table = {model: model._meta.db_table for model in (Project, Alliance, Theme, ProjectMember, School)}
    themes, measures = Project.themes.through._meta.db_table, Project.measures.through._meta.db_table
    users = get_user_model()._meta.db_table
    return f"""
        SELECT p.id, a.name, a.slug, u.username, u.first_name, u.last_name,
          (SELECT array_agg(t.slug ORDER BY t.slug) FROM {themes} pt JOIN {table[Theme]} t ON t.id = pt.theme_id
            WHERE pt.project_id = p.id),
          (SELECT array_agg(pm.measure_id ORDER BY pm.measure_id) FROM {measures} pm WHERE pm.project_id = p.id),
          (SELECT json_agg(json_build_array(s.id, s.name, s.urn))
             FROM (SELECT DISTINCT school_id FROM {table[ProjectMember]} WHERE project_id = p.id) m
             JOIN {table[School]} s ON s.id = m.school_id)
        FROM {table[Project]} p JOIN {table[Alliance]} a ON a.id = p.alliance_id JOIN {users} u ON u.id = p.lead_id
        WHERE p.id = ANY(%s)"""


def _rows_in_one_query(page: list[dict]) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(_page_details_sql(), [[row["id"] for row in page]])
        details = {found[0]: found for found in cursor.fetchall()}
    rows = []
    for row in page:
        _, alliance_name, alliance_slug, username, first_name, last_name, themes, measures, schools = details[row["id"]]
        rows.append({
            **row, "alliance": {"id": row["alliance_id"], "name": alliance_name, "slug": alliance_slug},
            "lead": {"id": row["lead_id"], "username": username, "first_name": first_name, "last_name": last_name},
            "themes": themes or [], "measures": measures or [],
            # sorted here, as the other path does: the database's collation may order names differently
            "schools": sorted(({"id": i, "name": name, "urn": urn} for i, name, urn in (schools or [])),
                              key=lambda school: school["name"]),
        })
    return rows


def project_get(*, user, project_id) -> Project:
    """A project the user may see, or NotFound (existence of others' drafts never leaks)."""
    return _visible_one(projects_for(user), project_id)


def project_schools(*, project: Project) -> list[dict]:
    """The schools of the project's group, by name (from the group project_get prefetched)."""
    schools = {m.school_id: m.school for m in project.memberships.all()}
    return [{"id": s.id, "name": s.name, "urn": s.urn} for s in sorted(schools.values(), key=lambda s: s.name)]


def project_for_results(*, user, project_id) -> Project:
    """The same check, loading only what results, charts and their fingerprint read (the alliance's
    cell size and the measures): a cached chart costs little more than finding its project."""
    projects = (Project.objects.filter(access.projects_visible_q(user, in_query=True))
                .select_related("alliance").prefetch_related("measures"))
    return _visible_one(access.with_partner_min_cell(access.with_viewer_in_group(projects, user)), project_id)


def _visible_one(projects: QuerySet[Project], project_id) -> Project:
    try:
        return projects.get(pk=project_id)
    except (Project.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such project, or you do not have access to it.") from None


def transition_list(*, project: Project) -> QuerySet[StageTransition]:
    """The project's history of status changes, oldest first, each with its actor."""
    return StageTransition.objects.filter(project=project).select_related("actor")
