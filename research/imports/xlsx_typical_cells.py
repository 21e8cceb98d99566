"""Where a piece of sheet XML places its cells, in a few array operations, when every cell is written as Excel
writes it: `<c r="B7" t="s">`, the reference first, attributes in double quotes, one line.

A regular expression costs a match object per cell (a 100,000-row sheet holds 700,000 cells); numpy reads
every cell's reference at once. The answer must be what calamine will read, so anything that could make it
read a cell differently sends the piece back (None) to xlsx_sheet_cells.py, which places it the careful
way: a cell tag holding a quote other than '"', a tab or line break, an odd number of '"' (a '>' inside a
value), a '<', a second name `r`, or a reference that is not 1-3 letters and 1-7 digits.
"""
from __future__ import annotations

import numpy as np

_PAD = 16  # look-ahead past the end reads zeros, never past the array
_REFERENCE_WINDOW = np.arange(11)  # 3 letters, 7 digits, the closing quote
_LT, _GT, _QUOTE, _SLASH = 60, 62, 34, 47
_TAG_NAME_END = np.zeros(256, dtype=bool)  # what may follow "<c" for the parser to take it as a cell
_TAG_NAME_END[[9, 10, 11, 12, 13, 32, _SLASH, _GT]] = True
_NAME_CHAR = np.zeros(256, dtype=bool)  # an attribute name's characters, so "r" alone is the name r
_NAME_CHAR[[*range(48, 59), *range(65, 91), *range(97, 123), 95, 45, 46]] = True  # 0-9 : A-Z a-z _ - .


def typical_extent(piece: bytes) -> tuple[int, int, int, int] | tuple[()] | None:
    """(top, bottom, left, right), 0-based, of the cells that may hold a value; () if none may; None if not
    every cell is typical. The piece starts at a tag and ends before one (xml_scan hands on whole tags)."""
    size = len(piece)
    data = np.frombuffer(piece + bytes(_PAD), dtype=np.uint8)
    opens = np.flatnonzero(data[:size] == _LT)
    cells = opens[(data[opens + 1] == ord("c")) & _TAG_NAME_END[data[opens + 2]]]
    if cells.size == 0:
        return ()
    if not ((data[cells + 2] == 32) & (data[cells + 3] == ord("r")) & (data[cells + 4] == ord("="))
            & (data[cells + 5] == _QUOTE)).all():
        return None
    closes = np.flatnonzero(data[:size] == _GT)
    end_at = np.searchsorted(closes, cells)
    if end_at[-1] >= closes.size:
        return None
    ends = closes[end_at]
    next_open = np.append(opens, size)[np.searchsorted(opens, cells, side="right")]
    if (next_open < ends).any():
        return None
    if not _tags_are_plain(data, size, cells, ends):
        return None
    rows, columns = _references(data, cells)
    if rows is None:
        return None
    full = data[ends - 1] != _SLASH
    if not full.any():
        return ()
    rows, columns = rows[full], columns[full]
    return int(rows.min()) - 1, int(rows.max()) - 1, int(columns.min()) - 1, int(columns.max()) - 1


def _inside(positions: np.ndarray, cells: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Which positions lie inside a cell's start tag."""
    owner = np.searchsorted(cells, positions, side="right") - 1
    return (owner >= 0) & (positions < ends[np.maximum(owner, 0)])


def _tags_are_plain(data: np.ndarray, size: int, cells: np.ndarray, ends: np.ndarray) -> bool:
    body = data[:size]
    # Another quote, or a control character (tabs, line breaks, NUL): none of them is in Excel's cell tags.
    if _inside(np.flatnonzero((body < 32) | (body == 39)), cells, ends).any():
        return False
    quotes = np.flatnonzero(body == _QUOTE)
    if ((np.searchsorted(quotes, ends) - np.searchsorted(quotes, cells)) % 2).any():
        return False
    # Every "r" that stands alone as a name inside a cell tag: exactly one per cell, its own reference's.
    letters_r = np.flatnonzero(body == ord("r"))
    letters_r = letters_r[(letters_r > 0) & ~_NAME_CHAR[data[letters_r - 1]] & ~_NAME_CHAR[data[letters_r + 1]]]
    return int(_inside(letters_r, cells, ends).sum()) == cells.size


def _references(data: np.ndarray, cells: np.ndarray) -> tuple[np.ndarray, np.ndarray] | tuple[None, None]:
    """Each cell's row and column (1-based) from r="B7", or (None, None) if one is not 1-3 letters, 1-7 digits."""
    window = data[(cells + 6)[:, None] + _REFERENCE_WINDOW]
    upper = window & 0xDF
    letter = (upper >= 65) & (upper <= 90)
    digit = (window >= 48) & (window <= 57)
    letters = np.argmin(letter, axis=1)  # the first non-letter (0 when there is none: refused below)
    length = np.argmin(letter | digit, axis=1)
    before = _REFERENCE_WINDOW[None, :] < length[:, None]
    digits = length - letters
    rows_index = np.arange(len(cells))
    good = ((letters >= 1) & (letters <= 3) & (digits >= 1) & (digits <= 7)
            & ((letter & before).sum(axis=1) == letters) & (window[rows_index, length] == _QUOTE))
    if not good.all():
        return None, None
    column = np.zeros(len(cells), dtype=np.int64)
    for k in range(3):
        column = np.where(k < letters, column * 26 + upper[:, k].astype(np.int64) - 64, column)
    row = np.zeros(len(cells), dtype=np.int64)
    for k in range(7):
        at = np.minimum(letters + k, _REFERENCE_WINDOW[-1])
        row = np.where(k < digits, row * 10 + window[rows_index, at].astype(np.int64) - 48, row)
    return row, column
