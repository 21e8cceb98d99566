"""The shared vocabulary, public to everyone: alliances, schools, themes and the measure library."""
from __future__ import annotations

import django_filters
from django.db.models import QuerySet

from .. import access
from ..errors import Forbidden, NotFound
from ..models import Alliance, Measure, School, Theme
from .filtering import Filters, filtered, searched
from .id_filter import WholeNumberFilter


class SchoolFilter(django_filters.FilterSet):
    alliance = WholeNumberFilter(field_name="alliances")

    class Meta:
        model = School
        fields = ["alliance", "phase"]


class MeasureFilter(django_filters.FilterSet):
    alliance = WholeNumberFilter(field_name="alliance_id")

    class Meta:
        model = Measure
        fields = ["alliance", "kind"]


ALLIANCE_SEARCH_FIELDS = ("name",)
SCHOOL_SEARCH_FIELDS = ("name", "urn")


def alliance_list(*, filters: Filters | None = None) -> QuerySet[Alliance]:
    """Alliances by name; `search` finds words in the name."""
    return searched(Alliance.objects.all(), (filters or {}).get("search", ""), ALLIANCE_SEARCH_FIELDS)


def alliance_get(*, alliance_id: int) -> Alliance:
    try:
        return Alliance.objects.get(pk=alliance_id)
    except Alliance.DoesNotExist:
        raise NotFound("Not found, or you do not have access to it.") from None


def alliance_for_school_admin(*, user, alliance_id: int) -> Alliance:
    """The alliance whose schools `user` manages (research.access.can_manage_alliance_schools): 404
    outside it, 403 for its other members, before any form or file is looked at."""
    alliance = alliance_get(alliance_id=alliance_id)
    if access.can_manage_alliance_schools(user, alliance.id):
        return alliance
    if not access.is_alliance_member(user, alliance.id):
        raise NotFound("Not found, or you do not have access to it.")
    raise Forbidden("Only the alliance lead can add schools to the alliance.")


def school_list(*, filters: Filters | None = None) -> QuerySet[School]:
    """Schools by name, narrowed by SchoolFilter; `search` finds words in the name or URN."""
    schools = filtered(SchoolFilter, filters, School.objects.all())
    return searched(schools, (filters or {}).get("search", ""), SCHOOL_SEARCH_FIELDS)


def theme_list() -> QuerySet[Theme]:
    return Theme.objects.all()


def measure_list(*, filters: Filters | None = None) -> QuerySet[Measure]:
    """The measure libraries of every alliance (by alliance, then name), narrowed by MeasureFilter."""
    return filtered(MeasureFilter, filters, Measure.objects.all())
