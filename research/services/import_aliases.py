"""Maps and aliases for outcome imports (issue 13), and the alliance's absence codes.

An upload may carry explicit maps (file value -> school id / measure id / group word). They are
checked against the project (an unknown target is a 400 naming the map and the value), overlaid on
the alliance's stored aliases for the parse, and stored as aliases when the upload succeeds, so the
next file with the same spellings needs none. The alliance lead lists, retargets and deletes them,
and edits the absence codes.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import Q

from ..errors import InvalidInput
from ..imports.mapping import (GROUP, MAX_ABSENCE_CODE_CHARS, MAX_ABSENCE_CODES, MEASURE, ROLES, SCHOOL, ValueMaps,
                               normalise_code, normalise_value)
from ..imports.specs import MeasureSpec, SchoolSpec
from ..imports.values import parse_number
from ..models import ImportAlias, ImportSettings, Measure, School
from ..models.imports import AliasRole
from ..selectors.import_aliases import require_alias_manager, stored_value_maps
from ..vocabulary import GROUP_LABELS, GROUPS
from .common import model_update

MAP_FIELDS = {SCHOOL: "school_map", MEASURE: "measure_map", GROUP: "group_map"}
MAX_MAP_ENTRIES = 500
MAX_VALUE_CHARS = 200

ExplicitMaps = dict[str, dict[str, Any]]  # role -> {file value as sent: target}


def _quote(value: str) -> str:
    return f"'{value[:80]}{'...' if len(value) > 80 else ''}'"


def _as_id(target: Any) -> int | None:
    if isinstance(target, bool):
        return None
    if isinstance(target, int):
        return target
    if isinstance(target, str) and target.strip().isdigit() and len(target.strip()) <= 18:
        return int(target.strip())
    return None


def import_maps_check(*, maps: Mapping[str, Mapping[str, Any] | None], measures: list[MeasureSpec],
                      schools: list[SchoolSpec]) -> ExplicitMaps:
    """The upload's maps, each target checked against the project: a school id of one of its schools,
    a measure id of one of its measures, `intervention` or `comparison`. Every problem at once, as a
    400 naming the map (school_map, measure_map, group_map) and the file value."""
    known = {SCHOOL: {s.id: s.name for s in schools}, MEASURE: {m.id: m.name for m in measures}}
    problems: dict[str, list[str]] = {}
    checked: ExplicitMaps = {role: {} for role in ROLES}
    for role in ROLES:
        entries = maps.get(role) or {}
        name = MAP_FIELDS[role]
        found: list[str] = []
        if len(entries) > MAX_MAP_ENTRIES:
            found.append(f"At most {MAX_MAP_ENTRIES} values can be matched in one upload.")
            entries = {}
        seen: dict[str, tuple[str, Any]] = {}
        for value, target in entries.items():
            text = str(value).strip()
            if not text or len(text) > MAX_VALUE_CHARS:
                found.append(f"{_quote(text) if text else 'A blank value'}: a value must be 1 to {MAX_VALUE_CHARS} "
                             "characters.")
                continue
            if role == GROUP:
                word = str(target).strip().lower() if isinstance(target, str) else None
                if word not in GROUPS:
                    found.append(f"{_quote(text)}: {target!r} is not a group; use 'intervention' or 'comparison'.")
                    continue
                resolved: Any = word
            else:
                ident = _as_id(target)
                if ident is None or ident not in known[role]:
                    what = "schools" if role == SCHOOL else "measures"
                    found.append(f"{_quote(text)}: {target!r} is not the id of one of this project's {what}.")
                    continue
                resolved = ident
            key = normalise_value(text)
            if key in seen and seen[key][1] != resolved:
                found.append(f"{_quote(seen[key][0])} and {_quote(text)} are the same spelling but are matched to "
                             "different targets; keep one.")
                continue
            seen[key] = (text, resolved)
            checked[role][text] = resolved
        if found:
            problems[name] = found
    if problems:
        first_field, first = next(iter(problems.items()))
        raise InvalidInput(f"{first_field}: {first[0]}", code="invalid_map", fields=problems)
    return checked


def import_value_maps(*, alliance_id: int, explicit: ExplicitMaps) -> ValueMaps:
    """The stored aliases of the alliance with the upload's own maps laid over them."""
    maps = stored_value_maps(alliance_id=alliance_id)
    chosen: set[tuple[str, str]] = set()
    for role in ROLES:
        for value, target in explicit.get(role, {}).items():
            key = normalise_value(value)
            maps.of(role)[key] = target
            chosen.add((role, key))
    return ValueMaps(school=maps.school, measure=maps.measure, group=maps.group, explicit=frozenset(chosen))


def import_aliases_store(*, actor, alliance_id: int, explicit: ExplicitMaps) -> int:
    """Store (or retarget) an alias for every entry of the upload's maps; called inside the upload's
    transaction once it has succeeded. Returns how many were created or changed."""
    changed = 0
    for role in ROLES:
        for value, target in explicit.get(role, {}).items():
            targets = {"school_id": target if role == SCHOOL else None,
                       "measure_id": target if role == MEASURE else None,
                       "group": target if role == GROUP else ""}
            alias, created = ImportAlias.objects.get_or_create(
                alliance_id=alliance_id, role=role, value_normalised=normalise_value(value),
                defaults={"value": value, "created_by": actor, **targets})
            if created:
                changed += 1
            elif any(getattr(alias, field) != wanted for field, wanted in targets.items()):
                for field, wanted in targets.items():
                    setattr(alias, field, wanted)
                alias.save(update_fields=[*targets, "updated_at"])
                changed += 1
    return changed


def _target_fields(*, alias: ImportAlias, target: Any) -> dict[str, Any]:
    """The alias's new target, checked against the alliance (not just one project)."""
    if alias.role == AliasRole.GROUP:
        word = str(target).strip().lower() if isinstance(target, str) else None
        if word not in GROUPS:
            raise InvalidInput("Choose intervention or comparison.",
                               fields={"target": [f"{target!r} is not a group; use "
                                                  f"{' or '.join(repr(g) for g in GROUPS)}."]})
        return {"group": word}
    ident = _as_id(target)
    if alias.role == AliasRole.SCHOOL:
        in_alliance = Q(alliances__id=alias.alliance_id) | Q(memberships__alliance_id=alias.alliance_id)
        school = School.objects.filter(in_alliance, pk=ident).first() if ident is not None else None
        if school is None:
            raise InvalidInput("That is not one of the alliance's schools.",
                               fields={"target": [f"{target!r} is not the id of a school in this alliance."]})
        return {"school": school}
    measure = Measure.objects.filter(pk=ident, alliance_id=alias.alliance_id).first() if ident is not None else None
    if measure is None:
        raise InvalidInput("That is not one of the alliance's measures.",
                           fields={"target": [f"{target!r} is not the id of a measure in this alliance's library."]})
    return {"measure": measure}


@transaction.atomic
def import_alias_update(*, actor, alias: ImportAlias, target: Any) -> ImportAlias:
    """Point an alias at another school, measure or group of its alliance (the alliance lead)."""
    require_alias_manager(actor, alias.alliance_id)
    data = _target_fields(alias=alias, target=target)
    alias, _ = model_update(instance=alias, fields=list(data), data=data)
    return alias


@transaction.atomic
def import_alias_delete(*, actor, alias: ImportAlias) -> None:
    """Forget an alias: the next file with that spelling asks again (the alliance lead)."""
    require_alias_manager(actor, alias.alliance_id)
    alias.delete()


def check_absence_codes(codes: Any) -> list[str]:
    """A list of at most 20 short codes, none of them a number (a number is a score), no repeats
    (any case). A blank cell marks a pupil absent whatever the list says."""
    if not isinstance(codes, list) or not all(isinstance(code, str) for code in codes):
        raise InvalidInput("Absence codes must be a list of texts.",
                           fields={"absence_codes": ["Send a list of texts."]})
    problems, kept, seen = [], [], set()
    for code in codes:
        text = " ".join(code.split())
        key = normalise_code(text)
        if not text:
            problems.append("A blank cell always marks a pupil absent; leave blanks out of the list.")
        elif len(text) > MAX_ABSENCE_CODE_CHARS:
            problems.append(f"{_quote(text)} is longer than {MAX_ABSENCE_CODE_CHARS} characters.")
        elif parse_number(text) is not None:
            problems.append(f"{_quote(text)} is a number, and would be read as a score.")
        elif key not in seen:
            seen.add(key)
            kept.append(text)
    if len(kept) > MAX_ABSENCE_CODES:
        problems.append(f"At most {MAX_ABSENCE_CODES} codes.")
    if problems:
        raise InvalidInput(problems[0], fields={"absence_codes": problems})
    return kept


@transaction.atomic
def import_settings_update(*, actor, alliance_id: int, absence_codes: Any) -> list[str]:
    """Replace the alliance's absence codes (the alliance lead); returns the list as stored."""
    require_alias_manager(actor, alliance_id)
    codes = check_absence_codes(absence_codes)
    settings_row, _ = ImportSettings.objects.select_for_update().get_or_create(
        alliance_id=alliance_id, defaults={"absence_codes": codes, "updated_by": actor})
    model_update(instance=settings_row, fields=("absence_codes", "updated_by"),
                 data={"absence_codes": codes, "updated_by": actor})
    return codes


def group_label(word: str) -> str:
    return GROUP_LABELS.get(word, word)
