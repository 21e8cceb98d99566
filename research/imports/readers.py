"""Bytes in, RawTable out: decide the format by content, then hand over to the right reader."""
from __future__ import annotations

from .csv_reader import read_csv_table
from .limits import ReadLimits
from .sniff import detect_format
from .table import ColumnSelector, HeaderRank, RawTable
from .xlsx_reader import read_xlsx_table


def read_table(data: bytes, rank: HeaderRank, select: ColumnSelector, max_rows: int, limits: ReadLimits) -> RawTable:
    """Raises UnreadableFile (with a message for the user) for anything that is not a usable sheet,
    including one beyond the limits (too wide, too long, too big unpacked).

    The file name is deliberately not consulted: a CSV called .xlsx, or an .xlsx called .csv, is
    read for what it is.
    """
    if detect_format(data, limits) == "xlsx":
        return read_xlsx_table(data, rank, select, max_rows, limits)
    return read_csv_table(data, rank, select, max_rows, limits)
