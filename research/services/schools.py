"""Schools in an alliance: the alliance lead adds them one at a time or imports a list (issue 13).

A school is one row per URN, shared by every alliance it belongs to (AllianceSchool). Adding a URN that
is already known links that school to the alliance rather than making a second one, and keeps its name,
phase and region: another alliance may know it by them, and a typing slip in one list should not rename a
school everywhere. The answer says where the given details differ; the lead confirms an update with
`update_existing` (the change then shows wherever the school appears, as a school has one name).

A list is all or nothing, like the pupil import: every row's problems are listed with their row number
(header = row 1), and nothing is stored if any row fails. `dry_run` says what would happen and stores
nothing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from .. import access
from ..errors import Forbidden, InvalidInput, NotFound
from ..imports.limits import configured_limits
from ..imports.readers import read_table
from ..imports.specs import UnreadableFile
from ..models import Alliance, AllianceSchool, School
from ..models.choices import SchoolPhase
from .common import model_update

SCHOOL_LIST_MAX_BYTES = 2 * 1024 * 1024
SCHOOL_LIST_MAX_ROWS = 5_000
MAX_ERRORS = 200
UPDATABLE = ("name", "phase", "region")
URN_MESSAGE = "A URN is the school's 6-digit unique reference number (for example 100001)."

# Column headings as people and exports write them, compared in lower case with letters and digits only
# (GIAS, the DfE's register, exports "URN", "EstablishmentName", "PhaseOfEducation (name)", "GOR (name)").
_HEADINGS = {
    "urn": ("urn", "schoolurn", "uniquereferencenumber", "establishmenturn"),
    "name": ("name", "school", "schoolname", "establishmentname", "establishment"),
    "phase": ("phase", "schoolphase", "phaseofeducation", "phaseofeducationname", "educationphase"),
    "region": ("region", "gorname", "gor", "governmentofficeregion", "area", "localauthority", "laname", "la"),
}
_COLUMN_OF = {heading: column for column, headings in _HEADINGS.items() for heading in headings}


def _key(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", str(text).lower())


# Phase words -> SchoolPhase (GIAS's own included: middle schools are deemed primary or secondary).
_PHASES = {
    **{_key(value): value for value in SchoolPhase.values},
    **{_key(label): value for value, label in SchoolPhase.choices},
    "middledeemedprimary": SchoolPhase.PRIMARY, "infant": SchoolPhase.PRIMARY, "junior": SchoolPhase.PRIMARY,
    "firstschool": SchoolPhase.PRIMARY, "middledeemedsecondary": SchoolPhase.SECONDARY,
    "16plus": SchoolPhase.POST16, "sixthform": SchoolPhase.POST16, "post16": SchoolPhase.POST16,
    "allthrough": SchoolPhase.ALL_THROUGH, "nurseryschool": SchoolPhase.NURSERY,
}
_PHASE_WORDS = ", ".join(label for _, label in SchoolPhase.choices)


def _require_manager(actor, alliance: Alliance) -> None:
    """404 outside the alliance (as for its drafts), 403 for its members who are not its lead."""
    if access.can_manage_alliance_schools(actor, alliance.id):
        return
    if not access.is_alliance_member(actor, alliance.id):
        raise NotFound("Not found, or you do not have access to it.")
    raise Forbidden("Only the alliance lead can add schools to the alliance.")


def normalise_urn(value: Any) -> str:
    """'100001', ' 100 001 ', 100001.0 -> '100001'; anything else comes back as written (and fails)."""
    text = str(value).strip()
    if re.fullmatch(r"\d{6}\.0+", text):
        text = text.split(".")[0]
    return re.sub(r"[\s\u00a0]", "", text)


def _check_details(*, urn: str, name: str, phase: str, region: str) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    if not re.fullmatch(r"\d{6}", urn):
        problems["urn"] = [URN_MESSAGE if urn else "Give the school's URN."]
    if not name.strip():
        problems["name"] = ["Give the school's name."]
    elif len(name.strip()) > 200:
        problems["name"] = ["At most 200 characters."]
    if phase not in SchoolPhase.values:
        problems["phase"] = [f"Choose one of: {_PHASE_WORDS}." if phase else "Give the school's phase."]
    if len(region.strip()) > 100:
        problems["region"] = ["At most 100 characters."]
    return problems


@transaction.atomic
def school_create(*, actor, urn: str, name: str, phase: str, region: str = "") -> School:
    """A new school (one per URN); alliance_school_add and schools_import link it to an alliance."""
    if not access.can_create_schools(actor):
        raise Forbidden("Only an alliance lead or staff can add schools.")
    urn = normalise_urn(urn)
    problems = _check_details(urn=urn, name=name, phase=phase, region=region)
    if not problems and School.objects.filter(urn=urn).exists():
        problems["urn"] = [f"A school with URN {urn} already exists."]
    if problems:
        raise InvalidInput("The school's details need correcting.", fields=problems)
    school = School(urn=urn, name=name.strip(), phase=phase, region=region.strip())
    school.full_clean()
    school.save()
    return school


@dataclass
class SchoolAdded:
    school: School
    result: str  # created | linked (known school, now in the alliance) | already_in_alliance
    updated: list[str] = field(default_factory=list)  # fields replaced (update_existing)
    differences: dict[str, dict[str, str]] = field(default_factory=dict)  # field -> {"given", "kept"}: kept


def _differences(school: School, details: dict[str, str]) -> dict[str, dict[str, str]]:
    """What the given details would change (a blank region changes nothing)."""
    found = {}
    for name in UPDATABLE:
        given = details[name].strip()
        if name == "region" and not given:
            continue
        if given != getattr(school, name):
            found[name] = {"given": given, "kept": getattr(school, name)}
    return found


@transaction.atomic
def alliance_school_add(*, actor, alliance: Alliance, urn: str, name: str, phase: str, region: str = "",
                        update_existing: bool = False) -> SchoolAdded:
    """Add a school to the alliance: a new URN makes the school; a known one is linked to the alliance,
    its details kept unless `update_existing` (then those given replace them)."""
    _require_manager(actor, alliance)
    urn = normalise_urn(urn)
    details = {"name": name, "phase": phase, "region": region}
    problems = _check_details(urn=urn, **details)
    if problems:
        raise InvalidInput("The school's details need correcting.", fields=problems)
    school = School.objects.select_for_update().filter(urn=urn).first()
    if school is None:
        school = school_create(actor=actor, urn=urn, **details)
        AllianceSchool.objects.create(alliance=alliance, school=school)
        return SchoolAdded(school, "created")
    _, linked = AllianceSchool.objects.get_or_create(alliance=alliance, school=school)
    result = "linked" if linked else "already_in_alliance"
    differences = _differences(school, details)
    if update_existing and differences:
        try:
            school, changed = model_update(instance=school, fields=UPDATABLE,
                                           data={key: details[key].strip() for key in differences})
        except ValidationError as error:
            raise InvalidInput("The school's details need correcting.", fields=error.message_dict) from None
        return SchoolAdded(school, result, updated=changed)
    return SchoolAdded(school, result, differences=differences)


# --- a list of schools -----------------------------------------------------------------------------


@dataclass
class SchoolRowError:
    row: int | None  # spreadsheet row (header = 1); None for the whole file
    column: str | None
    value: str | None
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "value": self.value, "message": self.message}


@dataclass
class SchoolsImport:
    ok: bool
    dry_run: bool
    rows: int = 0
    created: list[dict[str, Any]] = field(default_factory=list)
    linked: list[dict[str, Any]] = field(default_factory=list)
    already_in_alliance: list[dict[str, Any]] = field(default_factory=list)
    updated: list[dict[str, Any]] = field(default_factory=list)
    differences: list[dict[str, Any]] = field(default_factory=list)  # known schools whose details were kept
    errors: list[SchoolRowError] = field(default_factory=list)
    error_total: int = 0
    columns: dict[str, str] = field(default_factory=dict)  # role -> the file's heading
    read_as: dict[str, Any] = field(default_factory=dict)

    @property
    def stored(self) -> bool:
        return self.ok and not self.dry_run and bool(self.created or self.linked or self.updated)


def check_school_list_size(size: int) -> None:
    """Before the file is read into memory."""
    if size > SCHOOL_LIST_MAX_BYTES:
        raise InvalidInput(f"The file is larger than {SCHOOL_LIST_MAX_BYTES // (1024 * 1024)} MB; a list of "
                           "schools is far smaller. Check it is the right file.", code="file_too_large",
                           fields={"file": ["File too large."]})


def _rank(headers: list[str]) -> int:
    roles = {_COLUMN_OF.get(_key(header)) for header in headers}
    return 2 if "urn" in roles else 1 if roles & {"name", "phase"} else 0


def _select(headers: list[str]) -> list[int]:
    return [i for i, header in enumerate(headers) if _key(header) in _COLUMN_OF]


def _read(data: bytes) -> tuple[list[dict[str, Any]], dict[str, str], dict[str, Any]]:
    """(rows, role -> heading, read_as); raises UnreadableFile."""
    table = read_table(data, _rank, _select, SCHOOL_LIST_MAX_ROWS, configured_limits())
    positions: dict[str, int] = {}
    for position in table.cells.columns:
        role = _COLUMN_OF.get(_key(table.headers[position]))
        if role and role not in positions:
            positions[role] = position
    missing = [role for role in ("urn", "name", "phase") if role not in positions]
    if missing:
        found = ", ".join(f"'{h}'" for h in table.headers if h.strip()) or "none"
        raise UnreadableFile(f"The list needs columns for the URN, name and phase of each school (region is "
                             f"optional); missing: {', '.join(missing)}. Headings found: {found}.", table.read_as)
    rows = []
    for index, (number, values) in enumerate(zip(table.row_numbers(), table.cells.itertuples(index=False))):
        cells = dict(zip(table.cells.columns, values))
        row = {role: str(cells.get(position, "") or "") for role, position in positions.items()}
        if not any(value.strip() for value in row.values()):
            continue
        row["row"] = int(number)
        rows.append(row)
    return rows, {role: table.headers[position] for role, position in positions.items()}, table.read_as


def _row_errors(rows: list[dict[str, Any]], headings: dict[str, str]) -> list[SchoolRowError]:
    errors: list[SchoolRowError] = []
    first_row: dict[str, int] = {}
    for row in rows:
        urn = normalise_urn(row["urn"])
        phase = _PHASES.get(_key(row["phase"]), "")
        row.update(urn=urn, phase_value=phase)
        problems = _check_details(urn=urn, name=row["name"], phase=phase, region=row.get("region", ""))
        for role, messages in problems.items():
            value = row["phase"] if role == "phase" else row.get(role, "")
            message = messages[0]
            if role == "phase" and row["phase"].strip():
                message = f"'{row['phase'].strip()}' is not a phase this list knows. {message}"
            errors.append(SchoolRowError(row["row"], headings.get(role, role), value, message))
        if "urn" not in problems:
            if urn in first_row:
                errors.append(SchoolRowError(row["row"], headings["urn"], row["urn"],
                                             f"URN {urn} is also on row {first_row[urn]}: list each school once."))
            else:
                first_row[urn] = row["row"]
    return errors


def _school_out(school: School, row: int | None = None) -> dict[str, Any]:
    out = {"id": school.pk, "urn": school.urn, "name": school.name, "phase": school.phase, "region": school.region}
    if row is not None:
        out["row"] = row
    return out


@transaction.atomic
def schools_import(*, actor, alliance: Alliance, data: bytes, dry_run: bool = False,
                   update_existing: bool = False) -> SchoolsImport:
    """Import a list of schools (CSV or .xlsx; columns URN, name, phase, optional region) into the alliance."""
    _require_manager(actor, alliance)
    check_school_list_size(len(data))
    try:
        rows, headings, read_as = _read(data)
    except UnreadableFile as problem:
        message = _school_message(problem.message)
        return SchoolsImport(ok=False, dry_run=dry_run, errors=[SchoolRowError(None, None, None, message)],
                             error_total=1, read_as=problem.read_as)
    result = SchoolsImport(ok=True, dry_run=dry_run, rows=len(rows), columns=headings, read_as=read_as)
    errors = _row_errors(rows, headings)
    if not rows and not errors:
        errors.append(SchoolRowError(None, None, None, "The list has a header row but no schools below it."))
    if errors:
        result.ok, result.error_total, result.errors = False, len(errors), errors[:MAX_ERRORS]
        return result
    if not access.can_create_schools(actor):
        raise Forbidden("Only an alliance lead or staff can add schools.")
    known = {school.urn: school for school in School.objects.select_for_update().filter(
        urn__in=[row["urn"] for row in rows])}
    new_schools: list[School] = []
    linked_ids = set(AllianceSchool.objects.filter(alliance=alliance, school__in=known.values())
                     .values_list("school_id", flat=True))
    for row in rows:
        details = {"name": row["name"].strip(), "phase": row["phase_value"], "region": row.get("region", "").strip()}
        school = known.get(row["urn"])
        if school is None:
            school = School(urn=row["urn"], **details)
            new_schools.append(school)
            result.created.append(_school_out(school, row["row"]))
            continue
        differences = _differences(school, details)
        in_alliance = school.pk in linked_ids
        if not in_alliance and not dry_run:
            AllianceSchool.objects.create(alliance=alliance, school=school)
        if update_existing and differences:
            if not dry_run:
                school, _ = model_update(instance=school, fields=UPDATABLE,
                                         data={key: details[key] for key in differences})
            else:
                for key in differences:
                    setattr(school, key, details[key])
            result.updated.append({**_school_out(school, row["row"]), "changed": differences})
            if not in_alliance:
                result.linked.append(_school_out(school, row["row"]))
            continue
        (result.already_in_alliance if in_alliance else result.linked).append(_school_out(school, row["row"]))
        if differences:
            result.differences.append({**_school_out(school, row["row"]), "differences": differences})
    if new_schools and not dry_run:
        # Checked above (URN, name, phase, region; no URN twice, none already known): one insert each.
        School.objects.bulk_create(new_schools)
        made = {school.urn: school for school in School.objects.filter(urn__in=[s.urn for s in new_schools])}
        AllianceSchool.objects.bulk_create([AllianceSchool(alliance=alliance, school=made[s.urn])
                                            for s in new_schools])
        for out in result.created:
            out["id"] = made[out["urn"]].pk
    return result


def _school_message(message: str) -> str:
    if message.startswith("Could not find the header row"):
        return ("Could not find the header row. One of the first rows should name the columns: URN, name and "
                "phase (region is optional).")
    return message.replace("the pupil data", "the list of schools").replace("pupil-data", "school-list")
