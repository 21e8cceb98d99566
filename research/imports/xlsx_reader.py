"""Excel .xlsx: pick the sheet that holds the data, find its header row, read cells as text.

Read by calamine (Rust, through python-calamine): a 100,000-row sheet in about half a second, where openpyxl
took 8-20 s. calamine is only ever given the checked copy xlsx_copy.py makes (every byte through
xml_scan's limits first, the sheets' extent checked), never the upload itself.
"""
from __future__ import annotations

import datetime as dt
from operator import itemgetter
from typing import Any

import numpy as np
import pandas as pd
import python_calamine

from .limits import ReadLimits
from .specs import UnreadableFile
from .table import (HEADER_SEARCH_ROWS, ColumnSelector, HeaderRank, RawTable, find_header, too_many_rows_message,
                    trim_blank_columns)
from .xlsx_copy import checked_copy
from .xml_scan import ScanBudget
from .zip_checks import check_unpacked_sizes, open_zip

_DAMAGED = (
    "The Excel file could not be opened; it may be damaged or password-protected. "
    "Open it in Excel and save it again as .xlsx (or as CSV), then upload that."
)
NO_HEADER_MESSAGE = (
    "Could not find the header row on any sheet. One of the first rows should name the columns, "
    "including a pupil id column such as UPN, Pupil ID or Admission No, a Group column and a Score column."
)
_NOT_READ = (python_calamine.SheetTypeEnum.ChartSheet, python_calamine.SheetTypeEnum.Vba)


def cell_text(value: Any) -> str:
    """A cell as the text a CSV export would hold: 5.0 -> "5", TRUE, dates ISO. (Percent cells arrive
    already multiplied by 100, and error cells as their text: xlsx_copy.py.)"""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def read_xlsx_table(data: bytes, rank: HeaderRank, select: ColumnSelector, max_rows: int,
                    limits: ReadLimits) -> RawTable:
    # Sizes first (from the zip's table of contents), then every part is checked as it is copied for calamine.
    with open_zip(data, limits) as archive:
        check_unpacked_sizes(archive, limits)
    budget = ScanBudget(limits, sheet_rows=limits.max_sheet_rows(max_rows))
    copy = checked_copy(data, limits, budget)
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(_Bytes(copy.data))
        with workbook:
            return _read_workbook(workbook, rank, select, max_rows)
    except UnreadableFile:
        raise
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # calamine's errors, and a Rust panic (pyo3 raises those as a BaseException)
        raise UnreadableFile(_DAMAGED, {"format": "xlsx"}) from None


class _Bytes:
    """What python-calamine's from_filelike reads (read and seek), without a second copy of the bytes."""

    def __init__(self, data: bytes) -> None:
        self._view = memoryview(data)
        self._at = 0

    def read(self, size: int = -1) -> bytes:
        end = len(self._view) if size is None or size < 0 else min(self._at + size, len(self._view))
        chunk = self._view[self._at:end].tobytes()
        self._at = end
        return chunk

    def seek(self, offset: int, whence: int = 0) -> int:
        self._at = max(0, min(len(self._view), {0: 0, 1: self._at, 2: len(self._view)}[whence] + offset))
        return self._at

    def tell(self) -> int:
        return self._at


def _rows(sheet: Any) -> list[list[Any]]:
    """The sheet's rows from row 1, each from column A (calamine starts at its first value's row and column;
    xlsx_copy.py has bounded that extent)."""
    if sheet.start is None:
        return []
    top, left = sheet.start
    rows = sheet.to_python(skip_empty_area=True)
    if left:
        pad = [""] * left
        rows = [pad + row for row in rows]
    return [[] for _ in range(top)] + rows if top else rows


def _row_texts(row: list[Any]) -> list[str]:
    texts = [cell_text(value) for value in row]
    while texts and not texts[-1].strip():
        texts.pop()
    return texts


def _read_workbook(workbook: Any, rank: HeaderRank, select: ColumnSelector, max_rows: int) -> RawTable:
    chosen = None
    for metadata in workbook.sheets_metadata:
        if metadata.typ in _NOT_READ:
            continue
        rows = _rows(workbook.get_sheet_by_name(metadata.name))
        top = [_row_texts(row) for row in rows[:HEADER_SEARCH_ROWS]]
        index = find_header(top, rank)
        if index is None:
            continue
        if rank(top[index]) == 2:  # a pupil-id column: this is the data sheet
            chosen = (metadata.name, rows, top, index)
            break
        chosen = chosen or (metadata.name, rows, top, index)
    if chosen is None:
        raise UnreadableFile(NO_HEADER_MESSAGE, {"format": "xlsx"})
    title, rows, top, header_index = chosen
    headers = top[header_index]
    read_as = {"format": "xlsx", "encoding": None, "delimiter": None, "sheet": title,
               "header_row": header_index + 1}
    wanted = select(headers) or [0]
    cells = _cells(rows[header_index + 1:], wanted, max_rows, read_as)
    headers, cells = trim_blank_columns(headers, cells)
    return RawTable(headers=headers, cells=cells, header_row=header_index + 1, read_as=read_as)


def _cells(rows: list[list[Any]], wanted: list[int], max_rows: int, read_as: dict[str, Any]) -> pd.DataFrame:
    """The wanted columns as text, a column at a time; blank rows kept only when data follows them, so
    trailing formatting costs nothing. Only the wanted cells are turned into text: identifying columns are
    never read into the table."""
    # Below the header every row is as wide as calamine's extent (plus the padding from column A).
    count = len(rows)
    width = min(map(len, rows), default=0)
    blank = [""] * count
    columns = {i: _column_texts(list(map(itemgetter(i), rows)) if i < width else blank) for i in wanted}
    filled = np.zeros(count, dtype=bool)
    for texts in columns.values():
        if filled.all():
            break
        filled |= np.fromiter((bool(text) and not text.isspace() for text in texts), dtype=bool, count=count)
    if int(filled.sum()) > max_rows:
        raise UnreadableFile(too_many_rows_message(None, max_rows), read_as)
    if not filled.any():
        return pd.DataFrame(columns=wanted, dtype=object)
    last = count - 1 - int(np.argmax(filled[::-1]))
    return pd.DataFrame({i: values[:last + 1] for i, values in columns.items()}, columns=wanted, dtype=object)


def _column_texts(values: list[Any]) -> list[str]:
    """cell_text for a whole column. A column of whole numbers (scores, years, URNs: most of a sheet) is
    turned into text by numpy at once; anything else cell by cell."""
    kinds = set(map(type, values))
    if kinds <= {str}:
        return values
    if kinds == {float}:
        numbers = np.array(values, dtype=np.float64)
        # Below 2**53 every whole float is exact as an int64; NaN and infinities fail the test and go below.
        if bool((np.abs(numbers) < 2.0 ** 53).all() and (numbers == np.trunc(numbers)).all()):
            return numbers.astype(np.int64).astype(str).tolist()
    return [value if value.__class__ is str else cell_text(value) for value in values]
