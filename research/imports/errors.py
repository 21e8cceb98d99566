"""Collects validation errors from vectorised checks, keeping only what the response will show.

Two views of the same problems: the flat list (one RowError per failing cell, capped) and the groups
(one per column and kind of problem, never capped: its rows as ranges, how many, the first values),
which is what a person reads first when 80 rows share one spelling.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .specs import RowError

FILE = "file"  # the problem code of a whole-file problem
MAX_RANGES_SHOWN = 20
MAX_VALUES_SHOWN = 3


def format_row_ranges(rows: Iterable[int] | np.ndarray, limit: int = MAX_RANGES_SHOWN) -> str:
    """Row numbers as a spreadsheet user writes them: [2, 3, 4, 7, 9, 10] -> "2-4, 7, 9-10".

    Repeats and order do not matter. Past `limit` ranges the rest is counted: "2, 4, 6 and 40 more rows".
    """
    numbers = np.unique(np.asarray(list(rows) if not isinstance(rows, np.ndarray) else rows, dtype=np.int64))
    if not len(numbers):
        return ""
    breaks = np.flatnonzero(np.diff(numbers) != 1)
    starts = numbers[np.concatenate(([0], breaks + 1))]
    ends = numbers[np.concatenate((breaks, [len(numbers) - 1]))]
    shown = [f"{a}" if a == b else f"{a}-{b}" for a, b in zip(starts[:limit], ends[:limit])]
    text = ", ".join(shown)
    if len(starts) > limit:
        rest = int(np.sum(ends[limit:] - starts[limit:] + 1))
        text += f" and {rest:,} more row{'s' if rest != 1 else ''}"
    return text


@dataclass
class ErrorGroup:
    """Every row with one kind of problem in one column (or one whole-file problem)."""

    column: str | None
    problem: str
    message: str  # says what is wrong and how to fix it, without naming one row's value
    rows: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))  # sorted, distinct
    count: int = 0
    values: list[str] = field(default_factory=list)

    @property
    def whole_file(self) -> bool:
        return self.problem == FILE or (not len(self.rows) and self.count > 0)

    def merge(self, rows: np.ndarray, values: Sequence[str] | np.ndarray | None) -> None:
        rows = np.asarray(rows, dtype=np.int64)
        self.count += len(rows)
        order = np.argsort(rows, kind="stable")
        if values is not None and len(self.values) < MAX_VALUES_SHOWN:
            seen = set(self.values)
            for i in order:
                text = str(values[i])
                if text not in seen:
                    seen.add(text)
                    self.values.append(text)
                    if len(self.values) == MAX_VALUES_SHOWN:
                        break
        self.rows = np.union1d(self.rows, rows)

    def as_dict(self) -> dict[str, Any]:
        return {
            "column": self.column,
            "problem": self.problem,
            "message": self.message,
            "count": self.count,
            "rows": None if self.whole_file else format_row_ranges(self.rows),
            "row_count": int(len(self.rows)),
            "whole_file": self.whole_file,
            "values": list(self.values),
        }


def sort_groups(groups: Iterable[ErrorGroup]) -> list[ErrorGroup]:
    """Whole-file problems first (nothing else can be checked properly before they are fixed), then
    the worst: most rows, then the earliest row."""
    return sorted(groups, key=lambda g: (not g.whole_file, -len(g.rows), int(g.rows[0]) if len(g.rows) else 0))


def error_summary(groups: list[ErrorGroup]) -> dict[str, Any]:
    """{"problems": 3, "rows": 92, "whole_file": 0, "text": "3 problems in 92 rows"}."""
    file_level = sum(1 for g in groups if g.whole_file)
    row_groups = [g for g in groups if not g.whole_file]
    rows = len(np.unique(np.concatenate([g.rows for g in row_groups]))) if row_groups else 0
    plural = lambda n, word: f"{n:,} {word}{'s' if n != 1 else ''}"  # noqa: E731
    if row_groups and file_level:
        text = (f"{plural(len(groups), 'problem')}: {len(row_groups):,} in {plural(rows, 'row')}, "
                f"{file_level:,} with the whole file")
    elif row_groups:
        text = f"{plural(len(row_groups), 'problem')} in {plural(rows, 'row')}"
    elif file_level:
        text = f"{plural(file_level, 'problem')} with the whole file"
    else:
        text = "no problems"
    return {"problems": len(groups), "rows": rows, "whole_file": file_level, "text": text}


def group_row_errors(errors: Iterable[RowError], problem: str, message: str) -> list[ErrorGroup]:
    """Groups for a complete list of errors of one kind (made outside the parser, e.g. pupils already
    stored), one per column."""
    by_column: dict[str | None, list[RowError]] = {}
    for error in errors:
        by_column.setdefault(error.column, []).append(error)
    groups = []
    for column, items in by_column.items():
        group = ErrorGroup(column=column, problem=problem, message=message)
        group.merge(np.array([e.row for e in items], dtype=np.int64),
                    None if all(e.value is None for e in items) else [e.value or "" for e in items])
        groups.append(group)
    return groups


class ErrorLog:
    """Errors from every check, capped at `limit` but counted (and grouped) in full.

    Each check hands over all of its failing rows at once; only the `limit` lowest row numbers of
    each check can ever be shown, so messages are built for those alone (a file where every row
    fails stays fast). `errors()` merges the checks in row order; `groups()` one per column and problem.
    """

    def __init__(self, limit: int) -> None:
        self.limit = max(int(limit), 0)
        self.total = 0
        self._kept: list[RowError] = []
        self._groups: dict[tuple, ErrorGroup] = {}

    def add(self, message: str, *, row: int | None = None, column: str | None = None,
            value: str | None = None, problem: str = FILE) -> None:
        self.total += 1
        self._kept.append(RowError(row=row, column=column, value=value, message=message, problem=problem))
        if row is None:
            key: tuple = (column, problem, message)
            self._groups.setdefault(key, ErrorGroup(column=column, problem=problem, message=message)).count += 1
        else:
            self._group(column, problem, message).merge(np.array([row]), None if value is None else [value])

    def add_rows(
        self,
        rows: np.ndarray,
        column: str | None,
        values: Sequence[str] | np.ndarray | None,
        describe: Callable[[int], str],
        *,
        problem: str = "invalid",
        summary: str | None = None,
    ) -> None:
        """Record one error per entry of `rows`; `describe(i)` writes the message for entry i, and
        `summary` the group's (by default the first row's message)."""
        count = len(rows)
        if count == 0:
            return
        self.total += count
        order = np.argsort(np.asarray(rows), kind="stable")[: self.limit]
        for i in order:
            self._kept.append(
                RowError(row=int(rows[i]), column=column, value=None if values is None else str(values[i]),
                         message=describe(int(i)), problem=problem)
            )
        first = int(np.argmin(np.asarray(rows)))
        self._group(column, problem, summary or describe(first)).merge(np.asarray(rows), values)

    def _group(self, column: str | None, problem: str, message: str) -> ErrorGroup:
        return self._groups.setdefault((column, problem), ErrorGroup(column=column, problem=problem, message=message))

    def errors(self) -> list[RowError]:
        # Whole-file problems (row None) first, then by row; a stable sort keeps check order within a row.
        ordered = sorted(self._kept, key=lambda e: (e.row is not None, e.row or 0))
        return ordered[: self.limit]

    def groups(self) -> list[ErrorGroup]:
        return sort_groups(self._groups.values())

    def __bool__(self) -> bool:
        return self.total > 0
