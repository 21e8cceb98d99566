"""CSV / delimited text: encoding and delimiter detection, title rows, the shape, then one pandas read."""
from __future__ import annotations

import csv
import io
import re

import pandas as pd

from .csv_shape import CsvShape, read_csv_shape
from .limits import ReadLimits
from .sniff import EMPTY_MESSAGE, decode_text
from .specs import UnreadableFile
from .table import HEADER_SEARCH_ROWS, ColumnSelector, HeaderRank, RawTable, find_header

DELIMITERS = (",", ";", "\t")
_SAMPLE_CHARS = 65536
_SEP_HINT = re.compile(r"sep=(.)\r?\n", re.IGNORECASE)  # Excel's "sep=;" first line
_OPEN_QUOTE = ('The file could not be read as CSV: a quote mark (") seems to be left open. '
               "Check the cells that contain quote marks, or save the file again from Excel as CSV.")
NO_HEADER_MESSAGE = (
    "Could not find the header row. The first row (or one of the first few) should name the columns, "
    "including a pupil id column such as UPN, Pupil ID or Admission No, a Group column and a Score column."
)


def read_csv_table(data: bytes, rank: HeaderRank, select: ColumnSelector, max_rows: int,
                   limits: ReadLimits) -> RawTable:
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

    body = text[header_offset:]
    try:
        shape = read_csv_shape(body, delimiter, header_index + 1, headers, max_rows, limits)
    except UnreadableFile as problem:
        raise UnreadableFile(problem.message, read_as) from None
    # Columns with a blank header are never read: the shape says which rows have content under one.
    wanted = [i for i in select(headers) if headers[i].strip()] or [0]
    cells = _read_cells(body, delimiter, len(headers), wanted, shape)
    return RawTable(headers=headers[:shape.width], cells=cells, header_row=header_index + 1, read_as=read_as,
                    overflow=shape.split if shape.split.any() else None, unheaded=shape.unheaded)


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


def _read_cells(body: str, delimiter: str, width: int, wanted: list[int], shape: CsvShape) -> pd.DataFrame:
    """The wanted columns below the header, one row per row of the shape.

    When some rows have more cells than the header (split by a stray delimiter: the shape flags them),
    pandas is told how many columns to expect, so that it reads those rows instead of failing.
    """
    names = list(range(shape.widest)) if shape.widest > width else None
    options = dict(
        sep=delimiter, header=None, dtype=str, na_filter=False, keep_default_na=False,
        skip_blank_lines=False,  # blank lines stay, so row numbers match what a spreadsheet shows
        engine="c", quotechar='"', doublequote=True, index_col=False, names=names, usecols=wanted,
    )
    try:
        frame = pd.read_csv(io.StringIO(body), **options)
    except (pd.errors.ParserError, ValueError):
        raise UnreadableFile(_OPEN_QUOTE, {"format": "csv"}) from None
    cells = frame.iloc[1:].reset_index(drop=True)
    if len(cells) != shape.rows:  # pandas and the csv module split rows differently: only odd quoting does that
        raise UnreadableFile(_OPEN_QUOTE, {"format": "csv"})
    return cells
