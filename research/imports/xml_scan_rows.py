"""xml_scan's counts for a stretch of plain sheet rows, worked out with numpy in one go.

PartScanner counts tags, cells, rows and each row's elements by walking the row tags one at a time (about
10 µs a row: most of reading a 100,000-row sheet). Most of a sheet is rows as Excel writes them, where
every tag is one of a row's or a cell's own (`<row r="7" spans="1:7">`, `<c r="B7" t="s">`, `<v>`,
`</c>`...). For such a region this module gives the same counts at once; for anything else, or anything the
scanner would refuse (it then refuses with its own message, naming the row), it answers None and the
scanner walks the region itself. tests/research/imports/test_xml_scan_rows.py holds the two to the same
answers.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .limits import ReadLimits

_PAD = 16
_LT, _GT, _SLASH, _QUOTE, _EQUALS, _DOLLAR = 60, 62, 47, 34, 61, 36
_SPACE = np.zeros(256, dtype=bool)  # \s in a bytes pattern
_SPACE[[9, 10, 11, 12, 13, 32]] = True
_NAME_END = _SPACE.copy()  # what ends a tag name: (?=[\s/>])
_NAME_END[[_SLASH, _GT]] = True
_DIGITS = np.arange(8)
_ONE_LETTER_NAME = np.zeros(256, dtype=bool)  # <c>, <v>, <f>, <t> (and their ends)
_ONE_LETTER_NAME[list(b"cvft")] = True


@dataclass(frozen=True)
class RowsCount:
    cells: int  # cell start tags
    row_numbers: np.ndarray  # each row tag's r, in order
    other_tags: int  # tags outside rows (between them)
    stretch_tags: int | None  # elements in the row open at the end (None: unchanged)
    in_row: bool | None  # open at the end (None: unchanged)


def count_plain_rows(region: bytes, in_data: bool, stretch_tags: int, limits: ReadLimits,
                     cells_so_far: int) -> RowsCount | None:
    """The region's counts if it holds only rows' and cells' own unprefixed tags and passes the limits on
    cells, a row's elements and columns; None otherwise. `in_data`: a row (or text) is open as it starts."""
    size = len(region)
    data = np.frombuffer(region + bytes(_PAD), dtype=np.uint8)
    opens = np.flatnonzero(data[:size] == _LT)
    if opens.size == 0 or opens[0] != 0:
        return None
    closing = data[opens + 1] == _SLASH
    name = opens + 1 + closing
    first, second, third, fourth = data[name], data[name + 1], data[name + 2], data[name + 3]
    one_letter = _ONE_LETTER_NAME[first] & _NAME_END[second]
    inline = (first == ord("i")) & (second == ord("s")) & _NAME_END[third]
    row = (first == ord("r")) & (second == ord("o")) & (third == ord("w")) & _NAME_END[fourth]
    # Every tag is one a row holds cheaply (no shared text: <si> is left to the scanner's walk).
    if not (one_letter | inline | row).all():
        return None
    if (row & closing & (fourth != _GT)).any():  # "</row >" is matched by the scanner's pattern, not here
        return None
    cells = int((one_letter & ~closing & (first == ord("c"))).sum())
    if cells_so_far + cells > limits.max_cells:
        return None
    starts = opens[row & ~closing]
    numbers = _row_numbers(data, size, opens, starts)
    if numbers is None or _widest_column(data, size) > limits.max_columns:
        return None
    # Stretches between markers (a row's start, just after a row's end tag "<"), and which lie in a row.
    is_start = row[row] & ~closing[row]
    markers = np.where(is_start, opens[row], opens[row] + 1)
    bounds = np.concatenate(([0], markers, [size]))
    tags = np.diff(np.searchsorted(opens, bounds))
    in_rows = np.concatenate(([in_data], is_start))
    other = int(tags[~in_rows].sum())
    row_tags = tags.copy()
    row_tags[0] += stretch_tags if in_data else 0
    if in_rows.any() and int(row_tags[in_rows].max()) > limits.max_row_tags:
        return None
    in_row_stretches = np.flatnonzero(in_rows)
    last_stretch = int(row_tags[in_row_stretches[-1]]) if in_row_stretches.size else None
    if markers.size == 0:
        return RowsCount(cells, numbers, other, last_stretch, None)
    # After the last marker: a row's end leaves the count of the row it ended.
    return RowsCount(cells, numbers, other, last_stretch if last_stretch is not None else stretch_tags,
                     bool(is_start[-1]))


def _row_numbers(data: np.ndarray, size: int, opens: np.ndarray, starts: np.ndarray) -> np.ndarray | None:
    """Each row's r when every row tag starts `<row r="123"` and has no other r; else None."""
    if starts.size == 0:
        return np.zeros(0, dtype=np.int64)
    if not ((data[starts + 4] == 32) & (data[starts + 5] == ord("r")) & (data[starts + 6] == _EQUALS)
            & (data[starts + 7] == _QUOTE)).all():
        return None
    # No other r after whitespace before the tag's end (the next "<"): the scanner takes the largest r.
    letters_r = np.flatnonzero(data[:size] == ord("r"))
    letters_r = letters_r[(letters_r > 0) & _SPACE[data[letters_r - 1]]]
    owner = np.searchsorted(starts, letters_r, side="right") - 1
    next_open = np.append(opens, size)[np.searchsorted(opens, starts, side="right")]
    inside = (owner >= 0) & (letters_r < next_open[np.maximum(owner, 0)])
    if int(inside.sum()) != starts.size:
        return None
    window = data[(starts + 8)[:, None] + _DIGITS]
    digit = (window >= 48) & (window <= 57)
    length = np.argmin(digit, axis=1)
    if not ((length >= 1) & (window[np.arange(starts.size), length] == _QUOTE)).all():
        return None
    numbers = np.zeros(starts.size, dtype=np.int64)
    for k in range(7):
        numbers = np.where(k < length, numbers * 10 + window[:, k].astype(np.int64) - 48, numbers)
    return numbers


def _widest_column(data: np.ndarray, size: int) -> int:
    """The widest column named by anything shaped like r="AB7" (the scanner's _CELL_COLUMN); past any limit
    (so the scanner walks the region and names the row) if an "=" has whitespace beside it."""
    equals = np.flatnonzero(data[:size] == _EQUALS)
    if equals.size == 0:
        return 0
    if (_SPACE[data[equals - 1]] | _SPACE[data[equals + 1]]).any():
        return 1 << 30
    equals = equals[(data[equals - 1] == ord("r")) & ((data[equals + 1] == _QUOTE) | (data[equals + 1] == 39))]
    start = equals + 2 + (data[equals + 2] == _DOLLAR)
    window = data[start[:, None] + np.arange(5)]
    upper = window & 0xDF
    letter = (upper >= 65) & (upper <= 90)
    letters = np.argmin(letter, axis=1)
    after = window[np.arange(start.size), letters]
    after = np.where(after == _DOLLAR, window[np.arange(start.size), np.minimum(letters + 1, 4)], after)
    match = (letters >= 1) & (letters <= 3) & (after >= 48) & (after <= 57)
    if not match.any():
        return 0
    column = np.zeros(start.size, dtype=np.int64)
    for k in range(3):
        column = np.where(k < letters, column * 26 + upper[:, k].astype(np.int64) - 64, column)
    return int(column[match].max())
