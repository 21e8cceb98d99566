"""Excel .xlsx: pick the sheet that holds the data, find its header row, read cells as text."""
from __future__ import annotations

import datetime as dt
from itertools import islice
from typing import Any

import pandas as pd

from .limits import ReadLimits
from .specs import UnreadableFile
from .table import (HEADER_SEARCH_ROWS, ColumnSelector, HeaderRank, RawTable, find_header, too_many_rows_message,
                    trim_blank_columns)
from .xlsx_archive import open_workbook
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


def cell_text(cell: Any) -> str:
    """A cell as the text a CSV export would hold: 5.0 -> "5", a 45% cell -> "45", dates ISO."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        if "%" in (getattr(cell, "number_format", None) or ""):
            value = round(value * 100, 9)  # stored as 0.45, shown (and meant) as 45%
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def _row_texts(row: tuple[Any, ...]) -> list[str]:
    texts = [cell_text(cell) for cell in row]
    while texts and not texts[-1].strip():
        texts.pop()
    return texts


def read_xlsx_table(data: bytes, rank: HeaderRank, select: ColumnSelector, max_rows: int,
                    limits: ReadLimits) -> RawTable:
    # Sizes first (from the zip's table of contents), then every part is checked as openpyxl unpacks it.
    with open_zip(data, limits) as archive:
        check_unpacked_sizes(archive, limits)
    budget = ScanBudget(limits, sheet_rows=limits.max_sheet_rows(max_rows))
    try:
        workbook = open_workbook(data, budget)
    except UnreadableFile:
        raise
    except Exception:  # openpyxl raises many kinds for a bad archive; all mean the same to the user
        budget.raise_if_refused()
        raise UnreadableFile(_DAMAGED, {"format": "xlsx"}) from None
    try:
        table = _read_workbook(workbook, rank, select, max_rows)
    except UnreadableFile:
        raise
    except Exception:
        budget.raise_if_refused()
        raise UnreadableFile(_DAMAGED, {"format": "xlsx"}) from None
    finally:
        workbook.close()
    budget.raise_if_refused()
    return table


def _read_workbook(workbook: Any, rank: HeaderRank, select: ColumnSelector, max_rows: int) -> RawTable:
    chosen = None
    for sheet in workbook.worksheets:
        sheet.reset_dimensions()  # some exporters write a wrong size; read what is really there
        top = [_row_texts(row) for row in islice(sheet.iter_rows(), HEADER_SEARCH_ROWS)]
        index = find_header(top, rank)
        if index is None:
            continue
        if rank(top[index]) == 2:  # a pupil-id column: this is the data sheet
            chosen = (sheet, index, top[index])
            break
        chosen = chosen or (sheet, index, top[index])
    if chosen is None:
        raise UnreadableFile(NO_HEADER_MESSAGE, {"format": "xlsx"})
    sheet, header_index, headers = chosen
    read_as = {"format": "xlsx", "encoding": None, "delimiter": None, "sheet": sheet.title,
               "header_row": header_index + 1}

    wanted = select(headers) or [0]
    rows: list[list[str]] = []
    pending_blank = 0  # blank rows are kept only when data follows, so trailing formatting costs nothing
    data_rows = 0
    for row in sheet.iter_rows(min_row=header_index + 2):
        # Only the wanted cells are turned into text: identifying columns never leave openpyxl.
        texts = [cell_text(row[i]) if i < len(row) else "" for i in wanted]
        if not any(text.strip() for text in texts):
            pending_blank += 1
            continue
        data_rows += 1
        if data_rows > max_rows:
            raise UnreadableFile(too_many_rows_message(None, max_rows), read_as)
        rows.extend([""] * len(wanted) for _ in range(pending_blank))
        pending_blank = 0
        rows.append(texts)

    cells = pd.DataFrame(rows, columns=wanted, dtype=object) if rows else pd.DataFrame(columns=wanted, dtype=object)
    headers, cells = trim_blank_columns(headers, cells)
    return RawTable(headers=headers, cells=cells, header_row=header_index + 1, read_as=read_as)
