"""Reading projects: always scoped to what the user may see (research.access)."""
import django_filters
from django.db.models import Prefetch, QuerySet

from .. import access
from ..errors import NotFound
from ..models import Project, ProjectMember, Theme
from ..models.choices import Phase, Status, Subject


class ProjectFilter(django_filters.FilterSet):
    alliance = django_filters.NumberFilter(field_name="alliance_id")
    status = django_filters.MultipleChoiceFilter(choices=Status.choices)
    subject = django_filters.ChoiceFilter(choices=Subject.choices)
    phase = django_filters.ChoiceFilter(choices=Phase.choices)
    theme = django_filters.ModelChoiceFilter(
        field_name="themes", queryset=Theme.objects.all(), to_field_name="slug", label="Theme (slug)"
    )
    school = django_filters.NumberFilter(method="filter_school", label="School id (a member's school)")
    academic_year = django_filters.CharFilter()
    lead = django_filters.NumberFilter(field_name="lead_id")
    member = django_filters.NumberFilter(method="filter_member", label="User id of a project member")

    class Meta:
        model = Project
        fields = ["alliance", "status", "subject", "phase", "theme", "school", "academic_year", "lead", "member"]

    def filter_school(self, queryset, name, value):
        return queryset.filter(id__in=ProjectMember.objects.filter(school_id=value).values("project_id"))

    def filter_member(self, queryset, name, value):
        return queryset.filter(id__in=ProjectMember.objects.filter(user_id=value).values("project_id"))


def projects_for(user) -> QuerySet[Project]:
    """Every project the user may see, ready to serialise without further queries per row."""
    return (
        Project.objects.filter(access.projects_visible_q(user))
        .select_related("alliance", "lead")
        .prefetch_related(
            "themes",
            "measures",
            Prefetch("memberships", queryset=ProjectMember.objects.select_related("school", "user")),
        )
        .order_by("-created_at", "-id")
    )


def project_get(*, user, project_id) -> Project:
    """A project the user may see, or NotFound (existence of others' drafts never leaks)."""
    try:
        return projects_for(user).get(pk=project_id)
    except (Project.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such project, or you do not have access to it.") from None
