"""parse_outcome_file: read -> map columns -> drop identifying columns -> validate -> pseudonymise.

Pure: bytes and the project's settings in, rows ready to store (or every problem) out. No ORM, no
HTTP; django.conf only for the read limits when the caller passes none. The storing service calls
this and writes `records` only when `ok`.
"""
from __future__ import annotations

import logging
from dataclasses import replace
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from ..vocabulary import GROUP_LABELS
from . import columns as col
from .columns import ColumnPlan, columns_to_read, header_rank, plan_columns
from .errors import ErrorLog
from .limits import ReadLimits, configured_limits
from .mapping import (GROUP, MAX_UNMATCHED, MEASURE, NO_MAPS, ROLES, SCHOOL, MappedValue, UnplacedValue, ValueMaps,
                      absence_set)
from .pseudonym import pupil_keys
from .readers import read_table
from .specs import FileRejected, MeasureSpec, ParsedOutcomes, SchoolSpec, UnreadableFile, empty_records
from .suggest import suggest_groups, suggest_measures, suggest_schools
from .table import RawTable, too_many_rows_message
from .validate import CheckedRows, ImportContext, RowChecker
from .values import strip_cells

logger = logging.getLogger(__name__)  # counts only: cell values are never logged

SPLIT_ROW_MESSAGE = (
    "This row has more cells than the header row, so its values cannot be matched to columns. A comma inside "
    "a value splits it (for example a decimal comma in 12,5): put such values in quotes, write decimals with a "
    "full stop, or save the file from Excel again."
)
HEADER_ONLY_MESSAGE = "The file has a header row but no data rows. Add one row per pupil below the header."


def parse_outcome_file(
    *,
    data: bytes,
    filename: str,
    measures: list[MeasureSpec],
    default_measure_id: int | None,
    schools: list[SchoolSpec],
    default_school_id: int | None,
    secret: bytes,
    alliance_key: str,
    max_rows: int,
    max_errors: int = 100,
    limits: ReadLimits | None = None,
    maps: ValueMaps | None = None,
    absence_codes: list[str] | tuple[str, ...] | None = None,
) -> ParsedOutcomes:
    """Parse one uploaded outcome file. Problems with the file come back as data (a FileRejected
    or errors on the result), never as exceptions; only an empty `secret` raises ValueError.

    `filename` is not trusted for the format (the content decides) and is never echoed back.
    `limits` bound what the readers take on inside the file; by default the OUTCOME_MAX_* settings.
    `maps` place the values a file spells its own way (research.imports.mapping); `absence_codes`
    mark a pupil absent where a score belongs (None: the defaults; a blank cell always does).
    """
    if not secret:
        raise ValueError("a non-empty secret is required to pseudonymise pupil ids")
    measures, schools = list(measures), list(schools)
    maps = maps or NO_MAPS
    try:
        table = read_table(data, partial(header_rank, measures=measures, measure_aliases=maps.measure),
                           partial(columns_to_read, measures=measures, measure_aliases=maps.measure),
                           max_rows, limits or configured_limits())
    except UnreadableFile as problem:
        logger.info("outcome file rejected while reading (%d bytes)", len(data))
        return FileRejected.because(problem.message, read_as=problem.read_as)

    plan = plan_columns(table.headers, measures, maps.measure)
    columns_read = list(plan.labels)
    columns_dropped = [plan.labels[i] for i in plan.dropped]
    read_as = _describe_read(table, plan)

    # The readers loaded only the used (and blank-header) columns, and in a file without a score column
    # the unknown headings: identifying ones were never read.
    used = sorted(set(plan.roles.values()) | set(plan.measure_columns))
    stripped = {index: strip_cells(table.cells[index]) for index in used}
    keep = _non_blank_rows(table.cells, stripped, skip=set(plan.candidates))
    stripped.update({index: strip_cells(table.cells[index]) for index in plan.candidates})
    if table.unheaded is not None:
        keep |= table.unheaded
    overflow = table.overflow if table.overflow is not None else np.zeros(len(keep), dtype=bool)
    keep |= overflow
    checkable = keep & ~overflow  # a row split by a stray comma is reported whole, never read cell by cell
    all_row_numbers = table.row_numbers()
    row_numbers = all_row_numbers[checkable]
    stripped = {index: values[checkable] for index, values in stripped.items()}
    del table
    row_count = int(keep.sum())

    def reject(message: str) -> FileRejected:
        return FileRejected.because(message, read_as=read_as, columns_read=columns_read,
                                    columns_dropped=columns_dropped, row_count=row_count)

    if row_count == 0:
        return reject(HEADER_ONLY_MESSAGE)
    if row_count > max_rows:
        return reject(too_many_rows_message(row_count, max_rows))

    log = ErrorLog(max_errors)
    for problem in plan.problems:
        log.add(problem)
    log.add_rows(all_row_numbers[overflow], None, None, lambda i: SPLIT_ROW_MESSAGE, problem="split_row")
    context = ImportContext(measures, schools, default_measure_id, default_school_id, maps, absence_set(absence_codes))
    checker = RowChecker(stripped, plan, row_numbers, context, log)
    checked = checker.run()
    read_as["columns_not_used"] = _not_used(plan, checker.heading_reasons)
    unmatched, unmatched_total = _unmatched(checker.unplaced, measures, schools)
    mapped = _mapped(checker.placed, plan, stripped, maps, measures, schools)
    logger.info("outcome file read: %s, %d rows, %d errors", read_as.get("format"), row_count, log.total)
    if log.total:
        records = empty_records()
    else:
        records = _records(checked, secret, alliance_key)
    return ParsedOutcomes(records=records, errors=log.errors(), error_total=log.total, columns_read=columns_read,
                          columns_dropped=columns_dropped, read_as=read_as, row_count=row_count,
                          error_groups=log.groups(), unmatched=unmatched, unmatched_total=unmatched_total,
                          mapped=mapped, absent=dict(checker.absent))


def _describe_read(table: RawTable, plan: ColumnPlan) -> dict[str, Any]:
    return {
        **table.read_as,
        "layout": plan.layout,
        "measures": [{"column": plan.labels[i], "measure_id": m.id, "measure": m.name}
                     for i, m in plan.measure_columns.items()],
        "columns_used": {role: plan.labels[i] for role, i in plan.roles.items()},
        "columns_ignored": [plan.labels[i] for i in plan.ignored],
        "columns_not_used": _not_used(plan, {}),
    }


def _not_used(plan: ColumnPlan, settled: dict[int, str]) -> list[dict[str, str]]:
    """Every column neither used nor dropped as identifying, in file order, with why."""
    reasons = {**plan.not_used, **settled}
    return [{"column": plan.labels[i], "reason": reasons[i]} for i in sorted(reasons)]


def _unmatched(unplaced: dict[str, list[tuple[str, int, str, bool]]], measures: list[MeasureSpec],
               schools: list[SchoolSpec]) -> tuple[dict[str, list[UnplacedValue]], dict[str, int]]:
    suggest = {SCHOOL: lambda v: suggest_schools(v, schools), MEASURE: lambda v: suggest_measures(v, measures)}
    found: dict[str, list[UnplacedValue]] = {}
    for role in ROLES:
        entries = unplaced.get(role, [])
        propose = suggest.get(role, suggest_groups)
        found[role] = [UnplacedValue(value, rows, column, heading, tuple(propose(value)))
                       for value, rows, column, heading in entries[:MAX_UNMATCHED]]
    return found, {role: len(unplaced.get(role, [])) for role in ROLES}


def _mapped(placed: dict[str, list[MappedValue]], plan: ColumnPlan, cells: dict[int, np.ndarray],
            maps: ValueMaps, measures: list[MeasureSpec], schools: list[SchoolSpec]) -> dict[str, list[MappedValue]]:
    """Values a map placed, with their targets' names; for measures, first the headings (wide files)."""
    names = {SCHOOL: {s.id: s.name for s in schools}, MEASURE: {m.id: m.name for m in measures},
             GROUP: dict(GROUP_LABELS)}
    headings = [MappedValue(MEASURE, plan.labels[i], int(np.count_nonzero(cells[i] != "")), m.id,
                            maps.source(MEASURE, plan.labels[i]), heading=True) for i, m in plan.aliased.items()]
    found = {role: ([*headings, *placed.get(role, [])] if role == MEASURE else list(placed.get(role, [])))
             for role in ROLES}
    return {role: [replace(v, name=names[role].get(v.target, str(v.target))) for v in values]
            for role, values in found.items()}


def _non_blank_rows(cells: pd.DataFrame, stripped: dict[int, np.ndarray], skip: set[int]) -> np.ndarray:
    """Rows with content in any column that was read. Rows blank there (',,,,' lines, spacer rows,
    a name with nothing else) hold nothing to import and are skipped silently; a row with a score
    but no pupil id is kept, so that it is reported. Columns in `skip` (headings that may or may not
    turn out to hold a measure) decide nothing."""
    keep = np.zeros(len(cells), dtype=bool)
    for values in stripped.values():
        keep |= values != ""
    others = [c for c in cells.columns if c not in stripped and c not in skip]
    undecided = np.flatnonzero(~keep)
    if others and len(undecided):
        rest = cells.iloc[undecided].loc[:, others]
        for column in others:
            keep[undecided] |= strip_cells(rest[column]) != ""
    return keep


def _records(checked: CheckedRows, secret: bytes, alliance_key: str) -> pd.DataFrame:
    codes, unique_ids = pd.factorize(checked.pupil_ids)
    keys_by_row = np.asarray(pupil_keys(secret, alliance_key, unique_ids), dtype=object)[codes]
    at = checked.entry_row
    flags = checked.flags
    return pd.DataFrame({
        "pupil_key": pd.array(keys_by_row[at], dtype="str"),
        "school_id": checked.school_ids[at].astype(np.int64),
        "group": pd.array(checked.groups[at], dtype="str"),
        "measure_id": checked.entry_measure.astype(np.int64),
        "score": checked.entry_score.astype(np.float64),
        "year_group": _nullable(checked.year_groups[at], np.int64),
        "disadvantaged": _nullable(flags[col.DISADVANTAGED][at], np.bool_),
        "send": _nullable(flags[col.SEND][at], np.bool_),
        "eal": _nullable(flags[col.EAL][at], np.bool_),
        "source_row": checked.row_numbers[at].astype(np.int64),
    })


def _nullable(values: np.ndarray, kind: type) -> pd.api.extensions.ExtensionArray:
    """An object array of ints/bools with None -> Int64 / boolean, built from a mask (no per-item parsing)."""
    unknown = np.asarray(np.equal(values, None), dtype=bool)
    filled = np.where(unknown, 0, values).astype(kind)
    if kind is np.bool_:
        return pd.arrays.BooleanArray(filled, unknown)
    return pd.arrays.IntegerArray(filled, unknown)
