"""A sheet's cells as calamine will place them: counted, placed and bounded before calamine sees the
sheet (its extent), error cells kept as their text and percent cells x100 (split from xlsx_copy.py)."""
from __future__ import annotations

import io
import re
from dataclasses import dataclass

import numpy as np

from .limits import ReadLimits
from .xml_scan import ScanBudget, column_letters, column_number
from .xlsx_typical_cells import typical_extent

_RESAVE = "Open it in Excel and save it again as .xlsx, or save the data sheet as CSV, then upload that."
_CHUNK = 1 << 20
_PREFIX = rb"(?:[A-Za-z_][\w.\-]*:)?"
# An attribute as Excel writes one in a cell tag: no quotes or brackets inside the value, so a text such as
# ' r="A1"' can only ever be a real attribute, never part of another's value.
_ATTRIBUTE = rb"""\s+[A-Za-z_][\w:.\-]*\s*=\s*(?:"[^"'<>\x00]*"|'[^"'<>\x00]*')"""
_ANY_CELL = re.compile(b"<" + _PREFIX + rb"c(?=[\s/>])")
_FULL_CELL = re.compile(b"<" + _PREFIX + b"c((?:" + _ATTRIBUTE + rb")*)\s*>")  # has content: may hold a value
_EMPTY_CELL = re.compile(b"<" + _PREFIX + b"c(?:" + _ATTRIBUTE + rb")*\s*/>")  # <c r="Z5" s="3"/>: never a value
_R = re.compile(rb"""\sr\s*=\s*["']([^"']*)["']""")
_TWO_RS = re.compile(rb"""\sr\s*=[^\x00]*\sr\s*=""")
_REFERENCE = re.compile(rb"([A-Za-z]{1,3})([0-9]{1,7})")
_ROW_REFERENCE = re.compile(rb"[A-Za-z]{0,3}([0-9]{1,7})")
_TOKEN = re.compile(b"<(/?)" + _PREFIX + rb"(row|c)(?=[\s/>])([^<]*)")
# What Excel writes, unprefixed, r first: placed a whole piece at a time (other attributes may not be r).
_TYPICAL_ATTRIBUTE = rb' (?!r=)[A-Za-z_][\w:.\-]*="[^"\'<>\x00]*"'
_TYPICAL_FULL = re.compile(rb'<c r="([A-Za-z]{1,3})([0-9]{1,7})"(?:' + _TYPICAL_ATTRIBUTE + rb")*>")
_TYPICAL_EMPTY = re.compile(rb'<c r="[A-Za-z]{1,3}[0-9]{1,7}"(?:' + _TYPICAL_ATTRIBUTE + rb")*/>")
_PREFIXED_CELL = re.compile(rb":c[\s/>]")
_CELL_STARTS = (b"<c ", b"<c>", b"<c/")
_ODD_CELL_START = re.compile(rb"<c[\t\n\r]")
_ERROR_CELL = re.compile(b"(<" + _PREFIX + rb"""c\s[^<>]*?\st\s*=\s*)(["'])e\2""")
_CELL_END = re.compile(b"</" + _PREFIX + rb"(?:c|row)\s*>")
_ATTRIBUTES = re.compile(rb"""([A-Za-z_][\w:.\-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_PERCENT_BUILTINS = {9, 10}  # "0%", "0.00%"
# Parts calamine never reads for a sheet's values (relative to the workbook's folder, lower case).
_UNREAD_FOLDERS = ("theme/", "drawings/", "charts/", "media/", "externallinks/", "pivotcache/", "pivottables/",
                   "printersettings/", "richdata/", "tables/", "threadedcomments/", "persons/", "ctrlprops/",
                   "activex/", "embeddings/", "comments", "calcchain.xml", "querytables/", "slicer", "timeline")


@dataclass
class Extent:
    """Where a sheet's cells lie, as calamine places them (0-based); rows only count cells that may hold a value."""

    top: int | None = None
    bottom: int = -1
    left: int | None = None
    right: int = -1
    widest: int = -1  # furthest column any cell, empty or not, is placed in

    def add(self, row: int, column: int) -> None:
        self.top = row if self.top is None else min(self.top, row)
        self.left = column if self.left is None else min(self.left, column)
        self.bottom, self.right = max(self.bottom, row), max(self.right, column)

    def grid_cells(self) -> int:
        """The cells python-calamine makes: rows from the first (it hands blank rows above as empty lists)."""
        if self.left is None:
            return 0
        return (self.bottom + 1) * (self.right - self.left + 1)


class _SheetCells:
    """Counts and places the cells of one part as it is copied; rewrites error and percent cells.

    Cells with exactly one reference each (what Excel writes) are placed from their references, a whole
    piece at a time; a part with any cell without one is placed again cell by cell (`replay`)."""

    def __init__(self, part: str, limits: ReadLimits, budget: ScanBudget, percent_styles: set[int]) -> None:
        self.part, self.limits, self.budget = part, limits, budget
        title = budget.sheet_titles.get(part)
        self.where = f"The sheet '{title}'" if title is not None else "This workbook"
        self.extent = Extent()
        self.needs_replay = False
        self.percent = None
        if percent_styles:
            styles = b"|".join(b"0*%d" % style for style in sorted(percent_styles))
            self.percent = re.compile(b"(<" + _PREFIX + rb"""c\s(?:[^<>]*?\s)?s\s*=\s*["'](?:""" + styles
                                      + rb""")["'][^<>]*>(?:(?!</?""" + _PREFIX + rb"c[\s>]).)*?<" + _PREFIX
                                      + rb"v>)([^<]*)(<)", re.S)

    def cut(self, pending: bytes) -> int:
        """Where to end the piece handed on: after the last complete cell when percent cells are rewritten
        (a cell and its value in one piece), else everything (each piece already ends before a tag)."""
        if self.percent is None or len(pending) > 16 * _CHUNK:
            return len(pending)
        for window in (1 << 16, len(pending)):
            ends = list(_CELL_END.finditer(pending, max(0, len(pending) - window)))
            if ends:
                return ends[-1].end()
        return 0

    def feed(self, piece: bytes) -> bytes:
        if b"<c" not in piece and b":c" not in piece:
            return piece
        if not self.needs_replay and not (b":c" in piece and _PREFIXED_CELL.search(piece)):
            placed = typical_extent(piece)
            if placed is not None:
                if placed:
                    top, bottom, left, right = placed
                    self._add(top, left)
                    self._add(bottom, right)
                return self._rewrite(piece)
            # Every "<c" in the piece (even one inside a comment or a value) is a cell as Excel writes it, so
            # whatever calamine takes for a cell is one of these, placed by its own reference.
            typical = _TYPICAL_FULL.findall(piece)
            starts = piece.count(b"<c ") + piece.count(b"<c>") + piece.count(b"<c/")
            if _ODD_CELL_START.search(piece) is None and starts == len(typical) + len(_TYPICAL_EMPTY.findall(piece)):
                if typical:
                    self._place_typical(typical)
                return self._rewrite(piece)
        cells = len(_ANY_CELL.findall(piece))
        if not cells:
            return self._rewrite(piece)
        full = _FULL_CELL.findall(piece)
        if len(full) + len(_EMPTY_CELL.findall(piece)) != cells:
            self.budget.refuse(f"{self.where} writes its cells in a way Excel never does. {_RESAVE}")
        if not self.needs_replay and full:
            joined = b"\x00".join(full)
            references = _R.findall(joined)
            if _TWO_RS.search(joined):
                self._refuse_two_references()
            if len(references) != len(full):
                self.needs_replay = True
            else:
                self._place(references)
        return self._rewrite(piece)

    def _rewrite(self, piece: bytes) -> bytes:
        if (b'"e"' in piece or b"'e'" in piece) and _ERROR_CELL.search(piece):
            piece = _ERROR_CELL.sub(rb"\1\2str\2", piece)
        if self.percent is not None:
            piece = self.percent.sub(_times_100, piece)
        return piece

    def _place_typical(self, typical: list[tuple[bytes, bytes]]) -> None:
        rows = np.array([row for _, row in typical]).astype(np.int64)
        widths = [column_number(letters.upper()) for letters in {letters for letters, _ in typical}]
        self._add(int(rows.min()) - 1, min(widths) - 1)
        self._add(int(rows.max()) - 1, max(widths) - 1)

    def _place(self, references: list[bytes]) -> None:
        columns, rows = set(), set()
        for reference in set(references):
            match = _REFERENCE.fullmatch(reference)
            if match is None:
                self._refuse_reference(reference)
            columns.add(match.group(1).upper())
            rows.add(match.group(2))
        numbers = [int(row) for row in rows]
        widths = [column_number(letters) for letters in columns]
        self._add(min(numbers) - 1, min(widths) - 1)
        self._add(max(numbers) - 1, max(widths) - 1)

    def _add(self, row: int, column: int) -> None:
        if row < 0:
            self.budget.refuse(f"{self.where} has a cell in row 0, which Excel never writes. {_RESAVE}")
        self.extent.add(row, column)
        self.extent.widest = max(self.extent.widest, column)

    def replay(self, unpacking: io.BufferedIOBase) -> None:
        """Every cell placed in order: its own reference, else the row's running count (calamine's rule)."""
        self.extent = Extent()
        row = column = 0
        pending = b""
        while True:
            data = unpacking.read(_CHUNK)
            pending += data
            cut = pending.rfind(b"<") if data else len(pending)
            piece, pending = pending[:max(cut, 0)], pending[max(cut, 0):]
            for end, name, attributes in _TOKEN.findall(piece):
                closes = attributes.rstrip().endswith(b"/>")
                if name == b"row":
                    references = _R.findall(b" " + attributes) if not end else []
                    if references:  # the largest if several: never less than calamine's
                        row = max(self._row_number(value) for value in references)
                    if end or closes:
                        row, column = row + 1, 0
                    continue
                if end:
                    continue
                references = _R.findall(b" " + attributes)
                if len(references) > 1:
                    self._refuse_two_references()
                if references:
                    match = _REFERENCE.fullmatch(references[0])
                    if match is None:
                        self._refuse_reference(references[0])
                    place = (int(match.group(2)) - 1, column_number(match.group(1).upper()) - 1)
                else:
                    place = (row, column)
                self.extent.widest = max(self.extent.widest, place[1])
                if place[0] < 0:
                    self._add(place[0], place[1])
                if not closes:
                    self.extent.add(*place)
                column = place[1] + 1
                self._check_bounds()
            if not data:
                break

    def _row_number(self, value: bytes) -> int:
        match = _ROW_REFERENCE.fullmatch(value)
        if match is None:
            self._refuse_reference(value)
        return int(match.group(1)) - 1

    def _refuse_two_references(self) -> None:
        self.budget.refuse(f"{self.where} gives a cell two positions, which Excel never writes. {_RESAVE}")

    def _refuse_reference(self, value: bytes) -> None:
        shown = value[:20].decode("ascii", "replace")
        self.budget.refuse(f"{self.where} places a cell at '{shown}', a reference Excel never writes. {_RESAVE}")

    def _check_bounds(self) -> None:
        extent, limits = self.extent, self.limits
        if extent.widest + 1 > limits.max_columns:
            self.budget.refuse(
                f"{self.where} has cells in column {column_letters(extent.widest + 1)} (column "
                f"{extent.widest + 1:,}); at most {limits.max_columns:,} columns are read. Delete the columns to the "
                "right of the data (often a stray formatting range in Excel) and upload it again.")
        if extent.bottom + 1 > self.budget.sheet_rows:
            self.budget.refuse(
                f"{self.where} has rows down to row {extent.bottom + 1:,}; at most {self.budget.sheet_rows:,} rows "
                "are read, blank ones included. Delete the empty rows below the data (often formatting applied to "
                "whole rows) and upload it again.")

    def check(self) -> None:
        self._check_bounds()
        grid = self.extent.grid_cells()
        if grid > self.limits.max_grid_cells:
            extent = self.extent
            self.budget.refuse(
                f"{self.where} spreads its values over {extent.bottom + 1:,} rows and "
                f"{extent.right - extent.left + 1:,} columns, {grid:,} cells to lay out; at most "
                f"{self.limits.max_grid_cells:,} are read. Delete values far below or to the right of the data "
                "and upload it again.")


def _times_100(match: re.Match[bytes]) -> bytes:
    tag = match.group(1)
    type_ = re.search(rb"""\st\s*=\s*["']([^"']*)""", tag[:tag.find(b">")])
    if type_ is not None and type_.group(1) != b"n":
        return match.group(0)
    try:
        value = float(match.group(2))
    except ValueError:
        return match.group(0)
    return tag + repr(round(value * 100, 9)).encode() + b"<"
