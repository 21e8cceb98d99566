"""Plain value types for the outcome import: what the caller passes in and what it gets back."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd


@dataclass(frozen=True)
class MeasureSpec:
    """One of the project's chosen measures; a score must lie within [scale_min, scale_max]."""

    id: int
    name: str
    scale_min: float
    scale_max: float


@dataclass(frozen=True)
class SchoolSpec:
    """One of the project's schools; a file names it by name or by 6-digit URN."""

    id: int
    name: str
    urn: str


@dataclass(frozen=True)
class RowError:
    """One problem, placed where the user will look for it.

    `row` is the row number as a spreadsheet shows it (header = row 1 when it is the first row),
    or None for a problem with the whole file; `column` is the column's original header.
    """

    row: int | None
    column: str | None
    value: str | None
    message: str
    problem: str = "invalid"  # the kind of problem, a stable code: errors group by (column, problem)

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "value": self.value, "message": self.message,
                "problem": self.problem}


# Column -> dtype of the records frame handed to the storing service.
RECORD_DTYPES: dict[str, str] = {
    "pupil_key": "str",
    "school_id": "int64",
    "group": "str",
    "measure_id": "int64",
    "score": "float64",
    "year_group": "Int64",
    "disadvantaged": "boolean",
    "send": "boolean",
    "eal": "boolean",
    "source_row": "int64",
}


def empty_records() -> pd.DataFrame:
    """A records frame with the right columns and dtypes and no rows."""
    return pd.DataFrame({name: pd.Series([], dtype=dtype) for name, dtype in RECORD_DTYPES.items()})


@dataclass(frozen=True)
class ParsedOutcomes:
    """The outcome of parsing one file. All or nothing: when `errors` is non-empty, `records` is empty.

    `error_groups` (research.imports.errors.ErrorGroup) count every error, one per column and problem;
    `unmatched` lists, per role (school, measure, group), the values no map placed
    (research.imports.mapping.UnplacedValue) and `unmatched_total` how many there were; `mapped` the
    values an alias or the upload's own map placed; `absent` the score cells left blank or holding an
    absence code, per measure id.
    """

    records: pd.DataFrame
    errors: list[RowError]
    error_total: int
    columns_read: list[str]
    columns_dropped: list[str]
    read_as: dict[str, Any]
    row_count: int
    error_groups: list[Any] = field(default_factory=list)
    unmatched: dict[str, list[Any]] = field(default_factory=dict)
    unmatched_total: dict[str, int] = field(default_factory=dict)
    mapped: dict[str, list[Any]] = field(default_factory=dict)
    absent: dict[int, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.error_total == 0 and not self.errors  # error_total counts even when max_errors=0


@dataclass(frozen=True)
class FileRejected(ParsedOutcomes):
    """The file as a whole could not be used (not a spreadsheet, empty, too many rows...).

    Same shape as ParsedOutcomes, with no records and a single error whose row is None.
    """

    @classmethod
    def because(
        cls,
        message: str,
        *,
        read_as: dict[str, Any] | None = None,
        columns_read: list[str] | None = None,
        columns_dropped: list[str] | None = None,
        row_count: int = 0,
        unmatched: dict[str, list[Any]] | None = None,
        unmatched_total: dict[str, int] | None = None,
    ) -> FileRejected:
        from .errors import FILE, ErrorGroup  # errors imports this module

        return cls(
            records=empty_records(),
            errors=[RowError(row=None, column=None, value=None, message=message, problem=FILE)],
            error_total=1,
            columns_read=list(columns_read or []),
            columns_dropped=list(columns_dropped or []),
            read_as=dict(read_as or {}),
            row_count=row_count,
            error_groups=[ErrorGroup(column=None, problem=FILE, message=message, count=1)],
            unmatched=dict(unmatched or {}),
            unmatched_total=dict(unmatched_total or {}),
        )

    @property
    def message(self) -> str:
        return self.errors[0].message


@dataclass
class UnreadableFile(Exception):
    """Raised inside the readers only; the pipeline turns it into a FileRejected result."""

    message: str
    read_as: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.message
