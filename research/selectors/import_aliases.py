"""Reads of an alliance's import aliases and absence codes (issue 13)."""
from __future__ import annotations

import django_filters
from django.db.models import QuerySet

from .. import access
from ..errors import Forbidden, NotFound
from ..imports.mapping import DEFAULT_ABSENCE_CODES, GROUP, MEASURE, SCHOOL, ValueMaps
from ..models import Alliance, ImportAlias, ImportSettings
from ..models.imports import AliasRole
from .filtering import Filters, filtered

NOT_FOUND = "Not found, or you do not have access to it."
LEADS_ONLY = "Only the alliance lead can see and change the alliance's import aliases and absence codes."


class ImportAliasFilter(django_filters.FilterSet):
    role = django_filters.ChoiceFilter(choices=AliasRole.choices)

    class Meta:
        model = ImportAlias
        fields = ["role"]


def require_alias_manager(user, alliance_id: int) -> None:
    """404 for anyone outside the alliance (and for an alliance that does not exist: staff see every
    alliance, so for them it is looked up), 403 for its members who are not its lead."""
    if not access.can_see_import_aliases(user, alliance_id):
        raise NotFound(NOT_FOUND)
    if access.is_staff(user) and not Alliance.objects.filter(pk=alliance_id).exists():
        raise NotFound(NOT_FOUND)
    if not access.can_manage_import_aliases(user, alliance_id):
        raise Forbidden(LEADS_ONLY)


def import_alias_list(*, user, alliance_id: int, filters: Filters | None = None) -> QuerySet[ImportAlias]:
    """The alliance's aliases by role, then spelling, with their targets and creators (one query)."""
    require_alias_manager(user, alliance_id)
    aliases = ImportAlias.objects.filter(alliance_id=alliance_id).select_related("school", "measure", "created_by")
    return filtered(ImportAliasFilter, filters, aliases)


def import_alias_get(*, user, alliance_id: int, alias_id: int) -> ImportAlias:
    require_alias_manager(user, alliance_id)
    try:
        return ImportAlias.objects.select_related("school", "measure", "created_by").get(
            pk=alias_id, alliance_id=alliance_id)
    except ImportAlias.DoesNotExist:
        raise NotFound(NOT_FOUND) from None


def absence_codes_for(*, alliance_id: int) -> list[str]:
    """The alliance's absence codes: its own list if its lead set one, else the defaults."""
    stored = ImportSettings.objects.filter(alliance_id=alliance_id).values_list("absence_codes", flat=True).first()
    return list(DEFAULT_ABSENCE_CODES) if stored is None else list(stored)


def import_settings_get(*, user, alliance_id: int) -> list[str]:
    require_alias_manager(user, alliance_id)
    return absence_codes_for(alliance_id=alliance_id)


def stored_value_maps(*, alliance_id: int) -> ValueMaps:
    """The alliance's aliases as the import reads them (normalised value -> target, per role)."""
    maps = ValueMaps()
    rows = ImportAlias.objects.filter(alliance_id=alliance_id).values_list(
        "role", "value_normalised", "school_id", "measure_id", "group")
    for role, value, school_id, measure_id, group in rows:
        target = {SCHOOL: school_id, MEASURE: measure_id, GROUP: group}[role]
        maps.of(role)[value] = target
    return maps
