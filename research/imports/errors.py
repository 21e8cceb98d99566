"""Collects validation errors from vectorised checks, keeping only what the response will show."""
from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from .specs import RowError


class ErrorLog:
    """Errors from every check, capped at `limit` but counted in full.

    Each check hands over all of its failing rows at once; only the `limit` lowest row numbers of
    each check can ever be shown, so messages are built for those alone (a file where every row
    fails stays fast). `errors()` merges the checks in row order.
    """

    def __init__(self, limit: int) -> None:
        self.limit = max(int(limit), 0)
        self.total = 0
        self._kept: list[RowError] = []

    def add(self, message: str, *, row: int | None = None, column: str | None = None,
            value: str | None = None) -> None:
        self.total += 1
        self._kept.append(RowError(row=row, column=column, value=value, message=message))

    def add_rows(
        self,
        rows: np.ndarray,
        column: str | None,
        values: Sequence[str] | np.ndarray | None,
        describe: Callable[[int], str],
    ) -> None:
        """Record one error per entry of `rows`; `describe(i)` writes the message for entry i."""
        count = len(rows)
        if count == 0:
            return
        self.total += count
        order = np.argsort(np.asarray(rows), kind="stable")[: self.limit]
        for i in order:
            self._kept.append(
                RowError(row=int(rows[i]), column=column, value=None if values is None else str(values[i]),
                         message=describe(int(i)))
            )

    def errors(self) -> list[RowError]:
        # Whole-file problems (row None) first, then by row; a stable sort keeps check order within a row.
        ordered = sorted(self._kept, key=lambda e: (e.row is not None, e.row or 0))
        return ordered[: self.limit]

    def __bool__(self) -> bool:
        return self.total > 0
