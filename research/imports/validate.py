"""Every check over every row at once: each check builds a mask over a column, and the masked rows
become errors that name the row, the column, the value and how to fix it."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import columns as col
from .errors import ErrorLog
from .mapping import GROUP, MEASURE, NO_MAPS, SCHOOL, MappedValue, ValueMaps, absence_set, tally
from .pseudonym import normalise_pupil_id
from .specs import MeasureSpec, SchoolSpec
from .values import (THOUSANDS, absence_matcher, format_number, group_matcher, is_invalid, map_distinct,
                     measure_matcher, parse_numbers, parse_send, parse_year, parse_yes_no, school_matcher)

_GROUP_ADVICE = "write Intervention (or I, T, Treatment) or Comparison (or C, Control)"
_FLAG_LABELS = {col.DISADVANTAGED: "disadvantaged (Pupil Premium)", col.EAL: "EAL"}


@dataclass(frozen=True)
class ImportContext:
    """What the project allows; comes from the caller, never from settings or the database."""

    measures: list[MeasureSpec]
    schools: list[SchoolSpec]
    default_measure_id: int | None
    default_school_id: int | None
    maps: ValueMaps = NO_MAPS  # the alliance's aliases and the upload's own maps (research.imports.mapping)
    absence: frozenset[str] = field(default_factory=lambda: absence_set(None))  # normalised absence codes


@dataclass
class CheckedRows:
    """Parsed values for each kept data row, and the score records they produce.

    A record (entry) points at its row through entry_row; in the long layout there is one per row,
    in the wide layout one per non-blank measure cell.
    """

    row_numbers: np.ndarray
    pupil_ids: np.ndarray  # normalised ids ('' where blank)
    school_ids: np.ndarray  # object: int, or None where unknown
    groups: np.ndarray
    year_groups: np.ndarray
    flags: dict[str, np.ndarray] = field(default_factory=dict)  # role -> True / False / None
    entry_row: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    entry_measure: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    entry_score: np.ndarray = field(default_factory=lambda: np.empty(0, np.float64))


class RowChecker:
    """Runs the checks over the stripped cells of the columns the plan uses."""

    def __init__(self, cells: dict[int, np.ndarray], plan: col.ColumnPlan, row_numbers: np.ndarray,
                 context: ImportContext, log: ErrorLog) -> None:
        self.cells, self.plan, self.rows, self.context, self.log = cells, plan, row_numbers, context, log
        self.count = len(row_numbers)
        self.is_absent = absence_matcher(context.absence)
        # What the response reports beside the errors: values no map placed (role -> [(value, rows,
        # column, heading)]), values a map placed, absent score cells per measure id, and the reason
        # each unknown heading of a wide file ended up unused.
        self.unplaced: dict[str, list[tuple[str, int, str, bool]]] = {SCHOOL: [], MEASURE: [], GROUP: []}
        self.placed: dict[str, list[MappedValue]] = {SCHOOL: [], MEASURE: [], GROUP: []}
        self.absent: dict[int, int] = {}
        self.heading_reasons: dict[int, str] = {}

    def run(self) -> CheckedRows:
        checked = CheckedRows(
            row_numbers=self.rows,
            pupil_ids=self._pupil_ids(),
            groups=self._groups(),
            school_ids=self._schools(),
            year_groups=self._optional(col.YEAR_GROUP, parse_year, lambda v: (
                f"'{v}' is not a year group; write a number from 0 (Reception) to 13, such as 5, Y5 or Year 5."),
                problem="not_a_year_group",
                summary="Not a year group; write a number from 0 (Reception) to 13, such as 5, Y5 or Year 5."),
        )
        self._headings()
        for role in (col.DISADVANTAGED, col.EAL):
            checked.flags[role] = self._optional(role, parse_yes_no, lambda v, role=role: (
                f"'{v}' is not yes or no; write Y if the pupil is {_FLAG_LABELS[role]}, N if not, "
                "or leave it blank if unknown."), problem="not_yes_no", summary=(
                f"Not yes or no; write Y if the pupil is {_FLAG_LABELS[role]}, N if not, or leave it blank if "
                "unknown."))
        checked.flags[col.SEND] = self._optional(col.SEND, parse_send, lambda v: (
            f"'{v}' is not a SEN status this import understands; write K, E or Y for a pupil with SEN, "
            "N for none, or leave it blank if unknown."), problem="not_a_sen_status", summary=(
            "Not a SEN status this import understands; write K, E or Y for a pupil with SEN, N for none, or leave it "
            "blank if unknown."))
        if self.plan.layout == "wide":
            self._wide_entries(checked)
        else:
            self._long_entries(checked)
        self._duplicates(checked)
        return checked

    # -- helpers -------------------------------------------------------------------------------
    def _column(self, role: str) -> tuple[np.ndarray, str] | None:
        index = self.plan.roles.get(role)
        return None if index is None else (self.cells[index], self.plan.labels[index])

    def _report(self, mask: np.ndarray, values: np.ndarray, label: str | None,
                message: Callable[[str], str], rows: np.ndarray | None = None, *, problem: str = "invalid",
                summary: str | None = None) -> None:
        where = np.flatnonzero(mask)
        picked = values[where]
        self.log.add_rows((self.rows if rows is None else rows)[where], label, picked,
                          lambda i: message(picked[i]), problem=problem, summary=summary)

    def _place(self, role: str, values: np.ndarray, label: str, direct: Callable[[str], object],
               mapped: Callable[[str], object]) -> np.ndarray:
        """Each cell through `mapped` (direct matching, then the maps); notes the values only a map
        placed and those nothing placed (blank cells are neither)."""
        parsed = map_distinct(values, mapped)
        invalid = is_invalid(parsed)
        if invalid.any():
            self.unplaced[role].extend((v, n, label, False) for v, n in tally(values[invalid]))
        if self.context.maps.of(role):
            by_map = is_invalid(map_distinct(values, direct)) & ~invalid
            for value, rows in tally(values[by_map]):
                self.placed[role].append(MappedValue(role, value, rows, mapped(value),
                                                     self.context.maps.source(role, value)))
        return parsed

    def _optional(self, role: str, parse: Callable[[str], object], message: Callable[[str], str], *,
                  problem: str, summary: str) -> np.ndarray:
        found = self._column(role)
        if found is None:
            return np.full(self.count, None, dtype=object)
        values, label = found
        parsed = map_distinct(values, parse)
        invalid = is_invalid(parsed)
        self._report(invalid, values, label, message, problem=problem, summary=summary)
        parsed[invalid] = None
        return parsed

    def _absent_mask(self, values: np.ndarray) -> np.ndarray:
        return np.asarray(map_distinct(values, self.is_absent), dtype=bool) | (values == "")

    # -- headings a wide file's measures may hide under ------------------------------------------
    def _headings(self) -> None:
        """Unknown headings of a file without a score column: one holding mostly numbers (absence
        codes aside) is offered as a measure to match; any other is listed as not used, with why."""
        for index in self.plan.candidates:
            values = self.cells[index]
            label = self.plan.labels[index]
            filled = values != ""
            if not filled.any():
                self.heading_reasons[index] = col.REASON_EMPTY
                continue
            scored = filled & ~self._absent_mask(values)
            numbers, not_number = parse_numbers(values[scored])
            count = int(np.count_nonzero(~np.isnan(numbers)))
            if count and count >= int(np.count_nonzero(not_number)):
                self.unplaced[MEASURE].append((label, int(np.count_nonzero(filled)), label, True))
                self.heading_reasons[index] = col.REASON_NOT_A_MEASURE
            else:
                self.heading_reasons[index] = col.REASON_NOT_SCORES

    # -- required pupil-level columns ------------------------------------------------------------
    def _pupil_ids(self) -> np.ndarray:
        found = self._column(col.PUPIL_ID)
        if found is None:
            self.log.add("No pupil id column was found. Add a column headed UPN, Pupil ID or Admission No "
                         f"with each pupil's id. {self._headings_found()}")
            return np.full(self.count, "", dtype=object)
        values, label = found
        self._report(values == "", values, label, lambda v: (
            "The pupil id is blank. Every row needs the pupil's id (for example their UPN); "
            "fill it in or delete the row."), problem="blank_pupil_id")
        return map_distinct(values, normalise_pupil_id)

    def _groups(self) -> np.ndarray:
        found = self._column(col.GROUP)
        if found is None:
            self.log.add(f"No group column was found. Add a column headed Group and, for each pupil, {_GROUP_ADVICE}.")
            return np.full(self.count, None, dtype=object)
        values, label = found
        parsed = self._place(GROUP, values, label, group_matcher(), group_matcher(self.context.maps.group))
        self._report(values == "", values, label, lambda v: f"The group is blank; {_GROUP_ADVICE}.",
                     problem="blank_group")
        self._report(is_invalid(parsed), values, label,
                     lambda v: f"'{v}' is not a group this import knows; {_GROUP_ADVICE}.", problem="unknown_group",
                     summary=f"Not a group this import knows: match each value to a group, or {_GROUP_ADVICE}.")
        return parsed

    def _schools(self) -> np.ndarray:
        schools, default = self.context.schools, self.context.default_school_id
        known_ids = {s.id for s in schools}
        chosen_is_unknown = default is not None and default not in known_ids
        if chosen_is_unknown:
            self.log.add("The school chosen for this upload is not one of this project's schools.")
            default = None
        found = self._column(col.SCHOOL)
        if found is None:
            if default is None and not chosen_is_unknown:
                self.log.add("This file has no School column. Add one with each pupil's school name or 6-digit "
                             "URN, or choose the school when uploading.")
            return np.full(self.count, default, dtype=object)
        values, label = found
        parsed = self._place(SCHOOL, values, label, school_matcher(schools),
                             school_matcher(schools, self.context.maps.school))
        names = ", ".join(s.name for s in schools[:10]) + (", ..." if len(schools) > 10 else "")
        if default is None:
            self._report(values == "", values, label,
                         lambda v: "The school is blank; write the school's name or its 6-digit URN.",
                         problem="blank_school")
        else:
            parsed[values == ""] = default
        self._report(is_invalid(parsed), values, label, lambda v: (
            f"'{v}' is not one of this project's schools ({names}); write the school's name as the project "
            "lists it, or its 6-digit URN."), problem="unknown_school", summary=(
            f"Not one of this project's schools ({names}): match each spelling to a school, or write the "
            "school's name as the project lists it, or its 6-digit URN."))
        return parsed

    # -- score records ---------------------------------------------------------------------------
    def _measure_ids(self) -> np.ndarray:
        """Measure id per row for the long layout; -1 where it is unknown (already reported)."""
        measures, default = self.context.measures, self.context.default_measure_id
        names = ", ".join(m.name for m in measures)
        chosen_is_unknown = default is not None and default not in {m.id for m in measures}
        if chosen_is_unknown:
            self.log.add("The measure chosen for this upload is not one of this project's measures.")
            default = None
        found = self._column(col.MEASURE)
        if found is None:
            if default is None:
                if not chosen_is_unknown:
                    self.log.add(
                        f"Choose the measure these scores are for, or add a Measure column naming one of: {names}."
                    )
                return np.full(self.count, -1, dtype=np.int64)
            return np.full(self.count, default, dtype=np.int64)
        values, label = found
        parsed = self._place(MEASURE, values, label, measure_matcher(measures),
                             measure_matcher(measures, self.context.maps.measure))
        blank = values == ""
        if default is None:
            self._report(blank, values, label, lambda v: f"The measure is blank; write one of: {names}.",
                         problem="blank_measure")
        else:
            parsed[blank] = default
        invalid = is_invalid(parsed)
        self._report(invalid, values, label,
                     lambda v: f"'{v}' is not one of this project's measures; write one of: {names}.",
                     problem="unknown_measure",
                     summary=f"Not one of this project's measures: match each value to a measure, or write one of: "
                             f"{names}.")
        parsed[invalid | np.equal(parsed, None)] = -1
        return parsed.astype(np.int64)

    def _long_entries(self, checked: CheckedRows) -> None:
        found = self._column(col.SCORE)
        measure_ids = self._measure_ids() if found is not None else None  # no scores: which measure is moot
        if found is None:
            names = ", ".join(m.name for m in self.context.measures)
            offered = [v for v, _, _, heading in self.unplaced[MEASURE] if heading]
            match = (f" To import {_quoted(offered)}, match {'it' if len(offered) == 1 else 'each'} to one of "
                     "the project's measures." if offered else "")
            self.log.add("No score column was found. Add a column headed Score (or Mark, or Result), or head one "
                         f"column per measure with the measure's name ({names}). {self._headings_found()}{match}")
            return
        values, label = found
        absent = self._absent_mask(values)
        present = np.flatnonzero(~absent)
        scores, not_number = parse_numbers(values)
        self._report(not_number & ~absent, values, label, _not_a_number, problem="not_a_number",
                     summary=_NOT_A_NUMBER_SUMMARY)
        for measure in self.context.measures:
            self._check_scale(measure, scores, values, label, measure_ids == measure.id, self.rows)
        self._count_absent(measure_ids[absent])
        if self.count and not len(present):
            self.log.add(f"No row has a score: every score in '{label}' is blank or marks the pupil absent "
                         f"({_codes(self.context.absence)}). Fill in the scores.")
        checked.entry_row = present.astype(np.int64)
        checked.entry_measure = measure_ids[present]
        checked.entry_score = scores[present]

    def _wide_entries(self, checked: CheckedRows) -> None:
        rows_parts, measure_parts, score_parts = [], [], []
        for index, measure in self.plan.measure_columns.items():
            label = self.plan.labels[index]
            absent = self._absent_mask(self.cells[index])  # blank or a code: the pupil has no score here
            present = np.flatnonzero(~absent)
            values = self.cells[index][present]
            scores, not_number = parse_numbers(values)
            self._report(not_number, values, label, _not_a_number, rows=self.rows[present], problem="not_a_number",
                         summary=_NOT_A_NUMBER_SUMMARY)
            self._check_scale(measure, scores, values, label, np.ones(len(present), bool), self.rows[present])
            self._count_absent(np.full(int(np.count_nonzero(absent)), measure.id, dtype=np.int64))
            rows_parts.append(present)
            measure_parts.append(np.full(len(present), measure.id, dtype=np.int64))
            score_parts.append(scores)
        entry_row = np.concatenate(rows_parts)
        if self.count and not len(entry_row):
            names = ", ".join(self.plan.labels[i] for i in self.plan.measure_columns)
            self.log.add(f"No row has a score in the measure columns ({names}): every cell is blank or marks the "
                         f"pupil absent ({_codes(self.context.absence)}). Fill in the scores.")
        order = np.argsort(entry_row, kind="stable")  # records in sheet order, measures left to right
        checked.entry_row = entry_row[order]
        checked.entry_measure = np.concatenate(measure_parts)[order]
        checked.entry_score = np.concatenate(score_parts)[order]

    def _count_absent(self, measure_ids: np.ndarray) -> None:
        ids, counts = np.unique(measure_ids[measure_ids >= 0], return_counts=True)
        for measure_id, count in zip(ids.tolist(), counts.tolist()):
            self.absent[measure_id] = self.absent.get(measure_id, 0) + count

    def _headings_found(self) -> str:
        shown = [self.plan.labels[i] for i in range(len(self.plan.labels)) if i not in self.plan.dropped]
        return f"The file's headings are: {_quoted(shown)}." if shown else "The file has no headings."

    def _check_scale(self, measure: MeasureSpec, scores: np.ndarray, values: np.ndarray, label: str,
                     applies: np.ndarray, rows: np.ndarray) -> None:
        low, high = format_number(measure.scale_min), format_number(measure.scale_max)
        self._report(applies & (scores < measure.scale_min), values, label, lambda v: (
            f"Score {v} is below this measure's minimum of {low}; check the value or choose another measure."),
            rows=rows, problem="below_scale", summary=(
            f"Below the minimum of {measure.name} ({low}); check the values or choose another measure."))
        self._report(applies & (scores > measure.scale_max), values, label, lambda v: (
            f"Score {v} is above this measure's maximum of {high}; check the value or choose another measure."),
            rows=rows, problem="above_scale", summary=(
            f"Above the maximum of {measure.name} ({high}); check the values or choose another measure."))

    def _duplicates(self, checked: CheckedRows) -> None:
        """The same pupil twice for one measure: report every repeat, naming the first row too."""
        pupils = checked.pupil_ids[checked.entry_row]
        usable = (pupils != "") & (checked.entry_measure >= 0)
        positions = checked.entry_row[usable]
        keys = pd.DataFrame({"pupil": pupils[usable], "measure": checked.entry_measure[usable],
                             "row": self.rows[positions]})
        repeat = keys.duplicated(["pupil", "measure"], keep="first").to_numpy()
        if not repeat.any():
            return
        first_row = keys.groupby(["pupil", "measure"], sort=False)["row"].transform("min").to_numpy()[repeat]
        raw_ids, label = self._column(col.PUPIL_ID) or (np.full(self.count, "", dtype=object), None)
        rows = keys["row"].to_numpy()[repeat]
        measures = keys["measure"].to_numpy()[repeat]
        shown_ids = raw_ids[positions[repeat]]
        names = {m.id: m.name for m in self.context.measures}
        self.log.add_rows(rows, label, shown_ids, lambda i: (
            f"Pupil {shown_ids[i]} appears more than once for {names.get(int(measures[i]), 'this measure')} "
            f"(rows {first_row[i]} and {rows[i]}); keep one row per pupil for each measure."),
            problem="duplicate_pupil",
            summary="The same pupil appears more than once for one measure; keep one row per pupil for each measure.")


_NOT_A_NUMBER_SUMMARY = ("Not a number; enter each score as a number such as 42 or 42.5, or leave it blank (or write "
                         "an absence code) if the pupil was absent.")


def _quoted(items: list[str]) -> str:
    return ", ".join(f"'{item}'" for item in items)


def _codes(codes: frozenset[str]) -> str:
    return ", ".join(sorted(codes)) or "no codes"


def _not_a_number(value: str) -> str:
    if THOUSANDS.fullmatch(value.strip()):
        return (f"'{value}' could be read two ways (a thousands separator or a decimal comma); "
                "write it without the comma (1000) or with a decimal point (1.000).")
    return f"'{value}' is not a number; enter the score as a number such as 42 or 42.5."
