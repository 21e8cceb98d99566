"""A CSV's shape, read before pandas reads its cells: how many rows and cells, and which rows are odd.

pandas makes a column object for every column it meets and a string for every cell it reads, so one
20 MB line of commas, or 500 columns of short distinct values under blank headers, would cost
gigabytes. Here the csv module splits the body one row at a time, each physical line's length checked
first, so no row it builds can be large; it refuses a file beyond the limits, and notes what pandas
then need not read: rows split by a stray delimiter (cells beyond the header) and rows with content
only under blank headers. pandas then reads the named columns the import uses, and nothing else.
"""
from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from operator import itemgetter

import numpy as np

from .limits import ReadLimits
from .specs import UnreadableFile

_LINE = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+")  # CR, LF or CRLF, as pandas splits lines
_QUOTE_ADVICE = ('Often a quote mark (") left open joins many rows into one cell: check the quote marks in that row, '
                 "or save the file again from Excel.")


@dataclass(frozen=True)
class CsvShape:
    rows: int  # rows below the header, blank ones included
    widest: int  # most cells in any row, the header's included
    split: np.ndarray  # per row: cells beyond the header's last column (a stray delimiter split it)
    unheaded: np.ndarray  # per row: content in a column with a blank header
    width: int  # the header's columns, less trailing ones with a blank header and no content


class _RowTooLong(Exception):
    def __init__(self, line: str) -> None:
        super().__init__()
        self.line = line


def _counted_lines(body: str, limit: int, row_chars: list[int]) -> Iterator[str]:
    """The body's physical lines, refusing a row (quoted line breaks can spread one over several lines)
    longer than `limit` characters before the csv module splits it. row_chars[0] counts the current
    row's characters; the reader zeroes it after each row."""
    for match in _LINE.finditer(body):
        line = match.group()
        row_chars[0] += len(line)
        if row_chars[0] > limit:
            raise _RowTooLong(line)
        yield line


def read_csv_shape(body: str, delimiter: str, header_row: int, headers: list[str], max_rows: int,
                   limits: ReadLimits) -> CsvShape:
    """The shape of `body` (the header row first, at spreadsheet row `header_row`), or UnreadableFile if
    it has too many rows, a row with too many cells or characters, or a cell longer than Excel allows."""
    row_chars = [0]
    records = csv.reader(_counted_lines(body, limits.max_row_chars, row_chars), delimiter=delimiter)
    last_row = header_row + limits.max_sheet_rows(max_rows)
    width, max_columns, max_cell_chars = len(headers), limits.max_columns, limits.max_cell_chars
    unheaded = _Unheaded(headers)
    widest, split, content = width, [], []
    row = header_row - 1
    try:
        for row, cells in enumerate(records, start=header_row):
            count = len(cells)
            if count > max_columns:
                raise UnreadableFile(_too_many_cells(row, header_row, count, limits))
            if row_chars[0] > max_cell_chars and max(map(len, cells)) > max_cell_chars:  # only a long row can
                raise UnreadableFile(_long_cell(row, limits))
            row_chars[0] = 0
            if row > last_row:
                raise UnreadableFile(
                    f"This file has more than {last_row - header_row:,} rows, blank ones included; at most "
                    f"{max_rows:,} data rows are read per upload. Delete the blank rows, or split the file (for "
                    "example one per school or per year group), and upload each part.")
            if row == header_row or not count:
                continue
            if count > width:
                widest = max(widest, count)
                if "".join(cells[width:]).strip():
                    split.append(row - header_row - 1)
            if unheaded.any and unheaded.has_content(cells):
                content.append(row - header_row - 1)
    except _RowTooLong as too_long:
        row += 1
        columns = too_long.line.count(delimiter) + 1
        if '"' not in too_long.line and columns > max_columns:
            raise UnreadableFile(_too_many_cells(row, header_row, columns, limits)) from None
        raise UnreadableFile(
            f"Row {row:,} is more than {limits.max_row_chars:,} characters long, the most read in one row. "
            f"Check that row for a very long value. {_QUOTE_ADVICE}") from None
    except csv.Error:  # the csv module's own cell limit (131,072 characters), far past ours
        raise UnreadableFile(_long_cell(row + 1, limits)) from None
    rows = max(row - header_row, 0)
    return CsvShape(rows=rows, widest=widest, split=_flags(split, rows), unheaded=_flags(content, rows),
                    width=unheaded.width())


class _Unheaded:
    """Finds content under blank headers a row at a time, with C-speed joins rather than a Python loop
    per cell: the blank columns between named ones (picked out together), then the trailing ones."""

    def __init__(self, headers: list[str]) -> None:
        named = [i for i, header in enumerate(headers) if header.strip()]
        self.any = len(named) < len(headers)
        self._columns = len(headers)
        self._tail = named[-1] + 1 if named else 0  # first of the trailing blank-header columns
        inner = [i for i in range(self._tail) if not headers[i].strip()]
        self._inner = itemgetter(*inner) if inner else None
        self._single = len(inner) == 1
        self._last_filled = self._tail - 1  # trailing columns up to here hold content: they are kept

    def has_content(self, cells: list[str]) -> bool:
        if len(cells) < self._columns:
            cells = cells + [""] * (self._columns - len(cells))
        found = False
        if self._inner is not None:
            picked = self._inner(cells)
            found = bool((picked if self._single else "".join(picked)).strip())
        tail = "".join(cells[self._tail:self._columns])
        if tail:
            # A cell of spaces keeps its column (the table's width is what the file has), yet leaves the row blank.
            found = found or bool(tail.strip())
            if "".join(cells[self._last_filled + 1:self._columns]):
                self._last_filled = max(i for i in range(self._last_filled + 1, self._columns) if cells[i])
        return found

    def width(self) -> int:
        return self._last_filled + 1


def _flags(rows: list[int], count: int) -> np.ndarray:
    flags = np.zeros(count, dtype=bool)
    flags[rows] = True
    return flags


def _too_many_cells(row: int, header_row: int, count: int, limits: ReadLimits) -> str:
    if row == header_row:
        return (f"This file has {count:,} columns; at most {limits.max_columns:,} are read. Remove the empty "
                "columns (often a stray formatting range in Excel) and upload it again.")
    return (f"Row {row:,} has {count:,} cells; at most {limits.max_columns:,} columns are read. Remove the extra "
            "cells at the end of that row (often a stray formatting range in Excel, or commas that belong inside "
            "quotes) and upload it again.")


def _long_cell(row: int, limits: ReadLimits) -> str:
    return (f"Row {row:,} has a cell longer than {limits.max_cell_chars:,} characters, the most read in one cell "
            f"(Excel's own limit). {_QUOTE_ADVICE}")
