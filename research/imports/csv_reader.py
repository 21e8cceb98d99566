"""CSV / delimited text: encoding and delimiter detection, title rows, then one pandas read."""
from __future__ import annotations

import csv
import io
import re

import numpy as np
import pandas as pd

from .sniff import EMPTY_MESSAGE, decode_text
from .specs import UnreadableFile
from .table import HEADER_SEARCH_ROWS, ColumnSelector, HeaderRank, RawTable, find_header, trim_blank_columns
from .values import strip_cells

DELIMITERS = (",", ";", "\t")
_SAMPLE_CHARS = 65536
_SEP_HINT = re.compile(r"sep=(.)\r?\n", re.IGNORECASE)  # Excel's "sep=;" first line
NO_HEADER_MESSAGE = (
    "Could not find the header row. The first row (or one of the first few) should name the columns, "
    "including a pupil id column such as UPN, Pupil ID or Admission No, a Group column and a Score column."
)


def read_csv_table(data: bytes, rank: HeaderRank, select: ColumnSelector) -> RawTable:
    text, encoding = decode_text(data)
    read_as = {"format": "csv", "encoding": encoding, "delimiter": None, "sheet": None, "header_row": None}
    if not text.strip():
        raise UnreadableFile(EMPTY_MESSAGE, read_as)

    # Excel hides a "sep=" line and honours it, so it neither counts as a row nor is guessed over.
    hint = _SEP_HINT.match(text)
    if hint:
        text = text[hint.end():]
    delimiter, header_index, header_offset, headers = _find_delimiter_and_header(
        text, rank, (hint.group(1),) if hint else DELIMITERS
    )
    read_as["delimiter"] = delimiter if delimiter in text[:_SAMPLE_CHARS] else None
    read_as["header_row"] = header_index + 1

    wanted = select(headers) or [0]
    cells, overflow = _read_body(text[header_offset:], delimiter, len(headers), wanted)
    headers, cells = trim_blank_columns(headers, cells)
    return RawTable(headers=headers, cells=cells, header_row=header_index + 1, read_as=read_as, overflow=overflow)


def _find_delimiter_and_header(
    text: str, rank: HeaderRank, delimiters: tuple[str, ...]
) -> tuple[str, int, int, list[str]]:
    """(delimiter, index of the header record, character offset where it starts, its cells).

    Every candidate delimiter splits the first rows; the one whose header row is best recognised
    (a pupil-id column, then most columns) wins, so "12,5" in a semicolon file cannot mislead it.
    """
    lines = list(io.StringIO(text[:_SAMPLE_CHARS], newline=""))
    line_offsets = [0]
    for line in lines:
        line_offsets.append(line_offsets[-1] + len(line))

    best: tuple[tuple[int, int], str, int, int, list[str]] | None = None
    for delimiter in delimiters:
        reader = csv.reader(iter(lines), delimiter=delimiter)
        records: list[list[str]] = []
        starts: list[int] = []
        try:
            for _ in range(HEADER_SEARCH_ROWS):
                starts.append(reader.line_num)
                records.append(next(reader))
        except (StopIteration, csv.Error):
            del starts[len(records):]
        index = find_header(records, rank)
        if index is None:
            continue
        quality = (rank(records[index]), len(records[index]))
        if best is None or quality > best[0]:
            best = (quality, delimiter, index, line_offsets[starts[index]], records[index])
    if best is None:
        raise UnreadableFile(NO_HEADER_MESSAGE, {"format": "csv"})
    return best[1], best[2], best[3], best[4]


def _read_body(body: str, delimiter: str, width: int, wanted: list[int]) -> tuple[pd.DataFrame, np.ndarray | None]:
    """(cells of the wanted columns below the header, rows split by a stray delimiter or None).

    Fast path, when some columns are not wanted: with no quote marks a line is a record, so if no
    line has more delimiters than the header, no row can overflow and pandas may skip every unwanted
    column (identifying ones included). Otherwise read everything, find overflowing rows exactly,
    then keep the wanted columns.
    """
    if len(wanted) < width and '"' not in body and _most_delimiters_on_a_line(body, delimiter) < width:
        frame = _read_frame(body, delimiter, usecols=wanted)
        return frame.iloc[1:].reset_index(drop=True), None
    frame = _read_frame(body, delimiter)
    cells = frame.iloc[1:].reset_index(drop=True)
    overflow = None
    if cells.shape[1] > width:
        # Cells beyond the header are a row split by an unquoted comma ("12,5", "Smith, Ann"): none of
        # that row's cells can be trusted to be in their column, so the row is flagged and not read.
        overflow = np.zeros(len(cells), dtype=bool)
        for column in cells.columns[width:]:
            overflow |= strip_cells(cells[column]) != ""
    return cells.loc[:, wanted], overflow


def _most_delimiters_on_a_line(body: str, delimiter: str) -> int:
    """Vectorised over the UTF-8 bytes (an ASCII delimiter byte never occurs inside another character)."""
    raw = np.frombuffer(body.encode("utf-8"), dtype=np.uint8)
    delimiters = np.flatnonzero(raw == ord(delimiter))
    newlines = np.flatnonzero(raw == ord("\n"))
    before_each_newline = np.searchsorted(delimiters, newlines)
    per_line = np.diff(np.concatenate(([0], before_each_newline, [len(delimiters)])))
    return int(per_line.max())


def _read_frame(body: str, delimiter: str, usecols: list[int] | None = None) -> pd.DataFrame:
    options = dict(
        sep=delimiter, header=None, dtype=str, na_filter=False, keep_default_na=False,
        skip_blank_lines=False,  # blank lines stay, so row numbers match what a spreadsheet shows
        engine="c", quotechar='"', doublequote=True, index_col=False, usecols=usecols,
    )
    try:
        return pd.read_csv(io.StringIO(body), **options)
    except pd.errors.ParserError:
        pass
    # Some rows have more cells than the header: allow as many columns as the longest line could hold.
    width = max(line.count(delimiter) for line in body.splitlines()) + 1
    try:
        return pd.read_csv(io.StringIO(body), names=list(range(width)), **options)
    except (pd.errors.ParserError, ValueError):
        raise UnreadableFile(
            'The file could not be read as CSV: a quote mark (") seems to be left open. '
            "Check the cells that contain quote marks, or save the file again from Excel as CSV.",
            {"format": "csv"},
        ) from None
