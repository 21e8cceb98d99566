"""Which column is which: header variants, identifying columns to drop, measure-named columns.

Headers are compared after `normalise_header`: any case, and spaces, underscores, hyphens and
other punctuation ignored, so "Pupil ID", "pupil_id", "PupilID" and " PUPIL-ID " are one header.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .mapping import normalise_value
from .specs import MeasureSpec

PUPIL_ID = "pupil_id"
SCORE = "score"
MEASURE = "measure"
GROUP = "group"
SCHOOL = "school"
YEAR_GROUP = "year_group"
DISADVANTAGED = "disadvantaged"
SEND = "send"
EAL = "eal"

# Role -> accepted normalised headers, best first: when a file has both "UPN" and "Adno", the
# UPN is the pupil id and the other column is ignored.
ROLE_HEADERS: dict[str, tuple[str, ...]] = {
    PUPIL_ID: ("upn", "pupilupn", "pupilid", "pupilidentifier", "pupilno", "pupilnumber", "pupilref",
               "pupilreference", "studentid", "studentno", "studentnumber", "studentref", "learnerid",
               "admissionno", "admissionnumber", "admno", "adno", "misid", "id"),
    SCORE: ("score", "mark", "marks", "result", "value", "rawscore", "totalscore", "totalmark"),
    MEASURE: ("measure", "measurename", "assessment", "assessmentname", "test", "testname"),
    GROUP: ("group", "arm", "condition", "studygroup", "trialgroup", "trialarm"),
    SCHOOL: ("school", "schoolname", "urn", "schoolurn", "establishment", "establishmentname"),
    YEAR_GROUP: ("year", "yeargroup", "ncyear", "yr", "yeargrp", "nationalcurriculumyear"),
    DISADVANTAGED: ("pp", "pupilpremium", "disadvantaged", "fsm", "ever6fsm", "fsmever6", "ever6",
                    "ppeligible", "pupilpremiumeligible"),
    SEND: ("sen", "send", "senstatus", "sendstatus", "senprovision", "sencode"),
    EAL: ("eal", "englishasanadditionallanguage"),
}
_ROLE_OF_HEADER: dict[str, tuple[str, int]] = {
    header: (role, priority) for role, headers in ROLE_HEADERS.items() for priority, header in enumerate(headers)
}

# Identifying columns are dropped, never read. Matching errs on the side of dropping: a header
# that merely contains one of these parts goes too ("Parent/carer contact", "Home address").
_IDENTIFYING_EXACT = frozenset({
    "name", "names", "dob", "initials", "knownas", "mobile", "phone", "telephone", "tel",
    "email", "parent", "parents", "carer", "carers", "guardian", "mother", "father",
})
_IDENTIFYING_PARTS = (
    "name", "forename", "surname", "dateofbirth", "birthdate", "birthday", "postcode", "postalcode",
    "zipcode", "address", "email", "phone", "mobile", "contact", "parent", "carer", "guardian",
)
# Headers that contain "name" but name a school or a measure, not a person.
_NOT_IDENTIFYING = frozenset({"schoolname", "establishmentname", "measurename", "assessmentname", "testname"})


def normalise_header(text: str) -> str:
    """Lower case with everything but letters and digits removed."""
    return re.sub(r"[\W_]+", "", str(text).lower())


def is_identifying(header: str) -> bool:
    norm = normalise_header(header)
    if not norm or norm in _NOT_IDENTIFYING:
        return False
    return norm in _IDENTIFYING_EXACT or any(part in norm for part in _IDENTIFYING_PARTS)


def role_of(header: str) -> str | None:
    found = _ROLE_OF_HEADER.get(normalise_header(header))
    return found[0] if found else None


def _measure_names(measures: list[MeasureSpec], aliases: dict[str, int] | None) -> dict[str, MeasureSpec]:
    """Normalised heading -> measure: the measures' own names, and the aliases (keys already
    normalised by research.imports.mapping.normalise_value) that name one of them."""

    by_id = {m.id: m for m in measures}
    names = {key: by_id[target] for key, target in (aliases or {}).items() if target in by_id}
    names.update({normalise_value(m.name): m for m in measures})
    return names


def _is_measure_heading(header: str, names: dict[str, MeasureSpec]) -> MeasureSpec | None:
    return names.get(normalise_value(header)) if header.strip() else None


def header_rank(cells: list[str], measures: list[MeasureSpec], measure_aliases: dict[str, int] | None = None) -> int:
    """How much a row looks like the header row: 2 = has a pupil-id column, 1 = has some other
    recognised column, 0 = none. Readers use it to skip title rows and to pick the data sheet."""
    names = _measure_names(measures, measure_aliases)
    rank = 0
    for cell in cells:
        if is_identifying(cell):
            continue
        role = role_of(cell)
        if role == PUPIL_ID:
            return 2
        if role is not None or _is_measure_heading(cell, names) is not None:
            rank = 1
    return rank


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: how a spreadsheet names the column."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


# Columns a school's export often carries that the analysis has no use for: named as such in
# columns_not_used, and never offered as measures (their values may be numbers: "Age", "Set").
_PUPIL_DETAILS = frozenset({
    "gender", "sex", "ethnicity", "ethnicgroup", "ethnicorigin", "class", "classname", "form", "formgroup",
    "tutorgroup", "tutor", "reggroup", "registrationgroup", "regform", "teacher", "classteacher", "set", "house",
    "age", "dateofentry", "entrydate", "admissiondate", "leavingdate", "religion", "firstlanguage", "language",
    "lookedafter", "cla", "lac", "attendancecode", "notes", "note", "comments", "comment", "gifted",
    "giftedandtalented", "gt", "mostable", "ks1prior", "priorattainment",
})

# Why a column was not used, as columns_not_used says it.
REASON_DUPLICATE_ROLE = "another column holds the same information ('{best}'), and that one was used"
REASON_SCORE_WINS = "the file has a score column ('{score}'), so columns named after measures are not read as scores"
REASON_DUPLICATE_MEASURE = "a second column for '{measure}' (the first one, '{first}', was used)"
REASON_DETAIL = "a pupil detail the analysis does not use"
REASON_UNKNOWN = "not a column this import knows"
REASON_BLANK_HEADING = "the column has no heading, so its values cannot be placed"
REASON_NOT_A_MEASURE = "not one of this project's measures; match it to a measure to import its scores"
REASON_NOT_SCORES = "not a column this import knows, and its values are not scores"
REASON_EMPTY = "not a column this import knows, and it holds nothing"


@dataclass(frozen=True)
class ColumnPlan:
    """What to do with each column of the file (by position)."""

    labels: list[str]  # the header as the user wrote it, or "(column D)" when blank
    roles: dict[str, int] = field(default_factory=dict)
    measure_columns: dict[int, MeasureSpec] = field(default_factory=dict)  # wide layout only
    dropped: list[int] = field(default_factory=list)
    ignored: list[int] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # whole-file problems found in the headers
    not_used: dict[int, str] = field(default_factory=dict)  # position -> why it was not used
    # Wide files (no score column): headings the import does not know, read so that the ones holding
    # scores can be offered as measures (their reason in not_used is settled once the values are seen).
    candidates: list[int] = field(default_factory=list)
    aliased: dict[int, MeasureSpec] = field(default_factory=dict)  # measure columns placed by an alias or map

    @property
    def layout(self) -> str:
        return "wide" if self.measure_columns else "long"

    def label(self, role: str) -> str | None:
        index = self.roles.get(role)
        return None if index is None else self.labels[index]


def plan_columns(headers: list[str], measures: list[MeasureSpec],
                 measure_aliases: dict[str, int] | None = None) -> ColumnPlan:
    """`measure_aliases`: normalised heading -> measure id (stored aliases and the upload's map), so a
    wide file's "Maths test" column can hold the scores of the library's "Maths attainment test"."""
    labels = [h.strip() if h.strip() else f"(column {column_letter(i)})" for i, h in enumerate(headers)]
    own_names = {normalise_value(m.name): m for m in measures}
    measure_by_name = _measure_names(measures, measure_aliases)
    dropped: list[int] = []
    ignored: list[int] = []
    not_used: dict[int, str] = {}
    unknown: list[int] = []
    candidates: dict[str, list[tuple[int, int]]] = {}
    measure_candidates: list[tuple[int, MeasureSpec]] = []
    for index, header in enumerate(headers):
        norm = normalise_header(header)
        if is_identifying(header):
            dropped.append(index)
        elif norm in _ROLE_OF_HEADER:
            role, priority = _ROLE_OF_HEADER[norm]
            candidates.setdefault(role, []).append((priority, index))
        elif _is_measure_heading(header, measure_by_name) is not None:
            measure_candidates.append((index, _is_measure_heading(header, measure_by_name)))
        else:
            ignored.append(index)
            if not header.strip():
                not_used[index] = REASON_BLANK_HEADING
            elif norm in _PUPIL_DETAILS:
                not_used[index] = REASON_DETAIL
            else:
                unknown.append(index)
                not_used[index] = REASON_UNKNOWN

    problems: list[str] = []
    roles: dict[str, int] = {}
    for role, found in candidates.items():
        found.sort()
        best_priority, best_index = found[0]
        roles[role] = best_index
        for priority, index in found[1:]:
            ignored.append(index)
            not_used[index] = REASON_DUPLICATE_ROLE.format(best=labels[best_index])
            if priority == best_priority:
                problems.append(
                    f"There are two '{labels[best_index]}' columns (columns {column_letter(best_index)} and "
                    f"{column_letter(index)}); keep one and delete or rename the other."
                )

    measure_columns: dict[int, MeasureSpec] = {}
    wide_candidates: list[int] = []
    if SCORE in roles:
        for index, _ in measure_candidates:  # long layout: the score column wins
            ignored.append(index)
            not_used[index] = REASON_SCORE_WINS.format(score=labels[roles[SCORE]])
    else:
        first_column_of: dict[int, int] = {}
        for index, measure in measure_candidates:
            if measure.id in first_column_of:
                first = first_column_of[measure.id]
                ignored.append(index)
                not_used[index] = REASON_DUPLICATE_MEASURE.format(measure=measure.name, first=labels[first])
                problems.append(
                    f"Columns {column_letter(first)} and {column_letter(index)} both hold '{measure.name}'; "
                    "keep one and delete or rename the other."
                )
            else:
                first_column_of[measure.id] = index
                measure_columns[index] = measure
        wide_candidates = unknown
    aliased = {i: m for i, m in measure_columns.items() if normalise_value(headers[i]) not in own_names}
    return ColumnPlan(labels=labels, roles=roles, measure_columns=measure_columns, dropped=sorted(dropped),
                      ignored=sorted(ignored), problems=problems, not_used=not_used, candidates=wide_candidates,
                      aliased=aliased)


def columns_to_read(headers: list[str], measures: list[MeasureSpec],
                    measure_aliases: dict[str, int] | None = None) -> list[int]:
    """Positions the readers should load: the columns the import uses, plus blank-header columns (so
    a data column without a header can still be reported), plus, in a file without a score column,
    headings it does not know (so one holding scores can be offered as a measure). Identifying columns
    and known pupil details are never loaded."""
    plan = plan_columns(headers, measures, measure_aliases)
    used = set(plan.roles.values()) | set(plan.measure_columns) | set(plan.candidates)
    blank = {i for i, header in enumerate(headers) if not header.strip()}
    return sorted(used | blank)
