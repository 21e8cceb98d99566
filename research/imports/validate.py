"""Every check over every row at once: each check builds a mask over a column, and the masked rows
become errors that name the row, the column, the value and how to fix it."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import columns as col
from .errors import ErrorLog
from .pseudonym import normalise_pupil_id
from .specs import MeasureSpec, SchoolSpec
from .values import (THOUSANDS, format_number, is_invalid, map_distinct, measure_matcher, parse_group,
                     parse_numbers, parse_send, parse_year, parse_yes_no, school_matcher)

_GROUP_ADVICE = "write Intervention (or I, T, Treatment) or Comparison (or C, Control)"
_FLAG_LABELS = {col.DISADVANTAGED: "disadvantaged (Pupil Premium)", col.EAL: "EAL"}


@dataclass(frozen=True)
class ImportContext:
    """What the project allows; comes from the caller, never from settings or the database."""

    measures: list[MeasureSpec]
    schools: list[SchoolSpec]
    default_measure_id: int | None
    default_school_id: int | None


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

    def run(self) -> CheckedRows:
        checked = CheckedRows(
            row_numbers=self.rows,
            pupil_ids=self._pupil_ids(),
            groups=self._groups(),
            school_ids=self._schools(),
            year_groups=self._optional(col.YEAR_GROUP, parse_year, lambda v: (
                f"'{v}' is not a year group; write a number from 0 (Reception) to 13, such as 5, Y5 or Year 5.")),
        )
        for role in (col.DISADVANTAGED, col.EAL):
            checked.flags[role] = self._optional(role, parse_yes_no, lambda v, role=role: (
                f"'{v}' is not yes or no; write Y if the pupil is {_FLAG_LABELS[role]}, N if not, "
                "or leave it blank if unknown."))
        checked.flags[col.SEND] = self._optional(col.SEND, parse_send, lambda v: (
            f"'{v}' is not a SEN status this import understands; write K, E or Y for a pupil with SEN, "
            "N for none, or leave it blank if unknown."))
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
                message: Callable[[str], str], rows: np.ndarray | None = None) -> None:
        where = np.flatnonzero(mask)
        picked = values[where]
        self.log.add_rows((self.rows if rows is None else rows)[where], label, picked,
                          lambda i: message(picked[i]))

    def _optional(self, role: str, parse: Callable[[str], object], message: Callable[[str], str]) -> np.ndarray:
        found = self._column(role)
        if found is None:
            return np.full(self.count, None, dtype=object)
        values, label = found
        parsed = map_distinct(values, parse)
        invalid = is_invalid(parsed)
        self._report(invalid, values, label, message)
        parsed[invalid] = None
        return parsed

    # -- required pupil-level columns ------------------------------------------------------------
    def _pupil_ids(self) -> np.ndarray:
        found = self._column(col.PUPIL_ID)
        if found is None:
            self.log.add("No pupil id column was found. Add a column headed UPN, Pupil ID or Admission No "
                         "with each pupil's id.")
            return np.full(self.count, "", dtype=object)
        values, label = found
        self._report(values == "", values, label, lambda v: (
            "The pupil id is blank. Every row needs the pupil's id (for example their UPN); "
            "fill it in or delete the row."))
        return map_distinct(values, normalise_pupil_id)

    def _groups(self) -> np.ndarray:
        found = self._column(col.GROUP)
        if found is None:
            self.log.add(f"No group column was found. Add a column headed Group and, for each pupil, {_GROUP_ADVICE}.")
            return np.full(self.count, None, dtype=object)
        values, label = found
        parsed = map_distinct(values, parse_group)
        self._report(values == "", values, label, lambda v: f"The group is blank; {_GROUP_ADVICE}.")
        self._report(is_invalid(parsed), values, label,
                     lambda v: f"'{v}' is not a group this import knows; {_GROUP_ADVICE}.")
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
        parsed = map_distinct(values, school_matcher(schools))
        names = ", ".join(s.name for s in schools[:10]) + (", ..." if len(schools) > 10 else "")
        if default is None:
            self._report(values == "", values, label,
                         lambda v: "The school is blank; write the school's name or its 6-digit URN.")
        else:
            parsed[values == ""] = default
        self._report(is_invalid(parsed), values, label, lambda v: (
            f"'{v}' is not one of this project's schools ({names}); write the school's name as the project "
            "lists it, or its 6-digit URN."))
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
        parsed = map_distinct(values, measure_matcher(measures))
        blank = values == ""
        if default is None:
            self._report(blank, values, label, lambda v: f"The measure is blank; write one of: {names}.")
        else:
            parsed[blank] = default
        invalid = is_invalid(parsed)
        self._report(invalid, values, label,
                     lambda v: f"'{v}' is not one of this project's measures; write one of: {names}.")
        parsed[invalid | np.equal(parsed, None)] = -1
        return parsed.astype(np.int64)

    def _long_entries(self, checked: CheckedRows) -> None:
        measure_ids = self._measure_ids()
        found = self._column(col.SCORE)
        if found is None:
            names = ", ".join(m.name for m in self.context.measures)
            self.log.add("No score column was found. Add a column headed Score (or Mark, or Result), or head one "
                         f"column per measure with the measure's name ({names}).")
            return
        values, label = found
        scores, not_number = parse_numbers(values)
        self._report(values == "", values, label,
                     lambda v: "The score is blank; enter the pupil's score, or delete the row if there is none.")
        self._report(not_number, values, label, _not_a_number)
        for measure in self.context.measures:
            self._check_scale(measure, scores, values, label, measure_ids == measure.id, self.rows)
        checked.entry_row = np.arange(self.count, dtype=np.int64)
        checked.entry_measure = measure_ids
        checked.entry_score = scores

    def _wide_entries(self, checked: CheckedRows) -> None:
        rows_parts, measure_parts, score_parts = [], [], []
        for index, measure in self.plan.measure_columns.items():
            label = self.plan.labels[index]
            present = np.flatnonzero(self.cells[index] != "")  # a blank cell means no score for this measure
            values = self.cells[index][present]
            scores, not_number = parse_numbers(values)
            self._report(not_number, values, label, _not_a_number, rows=self.rows[present])
            self._check_scale(measure, scores, values, label, np.ones(len(present), bool), self.rows[present])
            rows_parts.append(present)
            measure_parts.append(np.full(len(present), measure.id, dtype=np.int64))
            score_parts.append(scores)
        entry_row = np.concatenate(rows_parts)
        if self.count and not len(entry_row):
            names = ", ".join(self.plan.labels[i] for i in self.plan.measure_columns)
            self.log.add(f"No row has a score in the measure columns ({names}); fill in the scores.")
        order = np.argsort(entry_row, kind="stable")  # records in sheet order, measures left to right
        checked.entry_row = entry_row[order]
        checked.entry_measure = np.concatenate(measure_parts)[order]
        checked.entry_score = np.concatenate(score_parts)[order]

    def _check_scale(self, measure: MeasureSpec, scores: np.ndarray, values: np.ndarray, label: str,
                     applies: np.ndarray, rows: np.ndarray) -> None:
        low, high = format_number(measure.scale_min), format_number(measure.scale_max)
        self._report(applies & (scores < measure.scale_min), values, label, lambda v: (
            f"Score {v} is below this measure's minimum of {low}; check the value or choose another measure."),
            rows=rows)
        self._report(applies & (scores > measure.scale_max), values, label, lambda v: (
            f"Score {v} is above this measure's maximum of {high}; check the value or choose another measure."),
            rows=rows)

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
            f"(rows {first_row[i]} and {rows[i]}); keep one row per pupil for each measure."))

def _not_a_number(value: str) -> str:
    if THOUSANDS.fullmatch(value.strip()):
        return (f"'{value}' could be read two ways (a thousands separator or a decimal comma); "
                "write it without the comma (1000) or with a decimal point (1.000).")
    return f"'{value}' is not a number; enter the score as a number such as 42 or 42.5."
