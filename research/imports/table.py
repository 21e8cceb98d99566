"""The grid a reader hands on: header cells, data cells as text, and where the header sat."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

# How far down a sheet the header row may sit below title rows.
HEADER_SEARCH_ROWS = 20

HeaderRank = Callable[[list[str]], int]  # 2 = has a pupil-id column, 1 = other known column, 0 = none
ColumnSelector = Callable[[list[str]], list[int]]  # header cells -> positions of the columns worth reading


@dataclass(frozen=True)
class RawTable:
    """Cells as text ('' when empty), one row per sheet row below the header, blank rows included, so
    the spreadsheet row number of cells row i is header_row + 1 + i.

    `headers` names every column of the file; `cells` holds only the columns the selector asked for,
    labelled by their position in `headers`. Identifying and unknown columns are never read into it; a
    CSV's blank-header columns neither (`unheaded` flags the rows with content there instead).
    """

    headers: list[str]
    cells: pd.DataFrame
    header_row: int
    read_as: dict[str, Any] = field(default_factory=dict)
    overflow: np.ndarray | None = None  # rows with more cells than the header (CSV only); not to be read
    unheaded: np.ndarray | None = None  # rows with content in blank-header columns left out of cells (CSV only)

    def row_numbers(self) -> np.ndarray:
        return np.arange(len(self.cells), dtype=np.int64) + self.header_row + 1


def find_header(rows: list[list[str]], rank: HeaderRank) -> int | None:
    """Index of the header among the first rows: the first with a pupil-id column, else the first
    with any recognised column, else None (then no row can be trusted to be a header)."""
    ranks = [rank(row) for row in rows[:HEADER_SEARCH_ROWS]]
    for wanted in (2, 1):
        if wanted in ranks:
            return ranks.index(wanted)
    return None


def trim_blank_columns(headers: list[str], cells: pd.DataFrame) -> tuple[list[str], pd.DataFrame]:
    """Drop trailing columns with no header and no data ('a,b,,,' rows; formatted Excel cells)."""
    width = len(headers)
    while width > 0 and not headers[width - 1].strip():
        label = width - 1
        if label in cells.columns and (cells[label].to_numpy(dtype=object) != "").any():
            break
        width -= 1
    return headers[:width], cells.loc[:, [c for c in cells.columns if c < width]]


def too_many_rows_message(count: int | None, max_rows: int) -> str:
    found = f"{count:,} data rows" if count is not None else f"more than {max_rows:,} data rows"
    return (f"The file has {found}; the limit is {max_rows:,} rows per upload. "
            "Split it into smaller files (for example one per school or per year group) and upload each.")
