"""Checks a workbook's XML as it is unpacked, and stops at the first limit passed.

The .xlsx reader runs every part through it while making the copy calamine reads (xlsx_copy.py); the
limits were set against openpyxl, the reader before it, whose costs are described below. They bound
calamine too, which holds less per cell.

openpyxl builds each sheet row (and each shared text) as a tree before handing it over, keeps every
formatted row's attributes, pads each row out to its last column and fills in missing rows one by
one, so a small file can cost gigabytes or hours. The scanner sees every byte before the XML parser
does and refuses, with a message for the user, as soon as a part holds more than the limits allow.

It works on the raw bytes with regular expressions rather than a second parser. That is sound
because in well-formed XML a "<" always opens markup (it cannot occur inside a value), so counting
"<" counts elements and a tag's attributes end before the next "<"; markup inside comments or CDATA
can only make it count more, never less.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .limits import EXCEL_MAX_COLUMNS, EXCEL_MAX_ROWS, ReadLimits
from .specs import UnreadableFile
from .xml_scan_rows import count_plain_rows

_ANY_PREFIX = re.compile(rb"<[/A-Za-z_][\w.\-]*+:")  # openpyxl matches elements whatever their prefix is


@dataclass(frozen=True)
class _Tags:
    """Where the tags the scanner acts on start; a start tag's group 1 is its attributes (the text up to the
    next "<"). Separate literal-led patterns: one alternation tried at every "<" is three times slower."""

    row: re.Pattern[bytes]
    row_end: re.Pattern[bytes]
    text: re.Pattern[bytes]
    text_end: re.Pattern[bytes]
    section: re.Pattern[bytes]  # groups: "/" or "", name, attributes
    cell: re.Pattern[bytes]
    costly: re.Pattern[bytes]  # any tag but a row's or text's own: rich-text runs, phonetics, extensions


def _tags(prefix: bytes) -> _Tags:
    def start(name: bytes) -> bytes:
        return b"<" + prefix + name + rb"(?=[\s/>])"

    def end(name: bytes) -> bytes:
        return b"</" + prefix + name + rb"\s*>"

    return _Tags(
        row=re.compile(start(b"row") + rb"([^<]*)"), row_end=re.compile(end(b"row")),
        text=re.compile(start(b"si") + rb"([^<]*)"), text_end=re.compile(end(b"si")),
        section=re.compile(b"<(/?)" + prefix + rb"(sheetData|sst|dimension)(?=[\s/>])([^<]*)"),
        cell=re.compile(start(b"c")),
        costly=re.compile(b"<(?!/?" + prefix + rb"(?:c|v|f|is|t|row|si)[\s/>])"),
    )


_PLAIN = _tags(b"")
_PREFIXED = _tags(rb"(?:[A-Za-z_][\w.\-]*+:)?")
# A cell's column, from an r attribute shaped like a reference (openpyxl reads nothing else), looked for
# anywhere: a look-alike (in another value, or an attribute whose name ends in r) can only add a
# candidate, and the real one is always found.
_CELL_COLUMN = re.compile(rb"""r\s*+=\s*+["']\$?([A-Za-z]{1,3})\$?\d""")
_R_VALUE = re.compile(rb"""\sr\s*=\s*["']([^"']*)""")
_R_WITH_REFERENCE = re.compile(rb"""\sr\s*=\s*["'][^"'<]*&""")  # "&#65;1" is A1 to the parser, not to us
_UNIQUE_COUNT = re.compile(rb"""\suniqueCount\s*=\s*["']\s*(\d+)""")
_DIMENSION_END = re.compile(rb"""\sref\s*=\s*["'][^"']*?\$?([A-Za-z]{1,3})\$?(\d+)\s*["']""")
_LAST_COLUMN_OF_WIDTH = {1: 26, 2: 702, 3: 18_278}  # Z, ZZ, ZZZ
_PIECE = 256 * 1024  # scanned at a time (at most max_run: a long run of text then spans two pieces)
_RESAVE = "Open it in Excel and save it again as .xlsx, or save the data sheet as CSV, then upload that."


@dataclass
class ScanBudget:
    """What every part read from one workbook shares: the limits, and the running totals."""

    limits: ReadLimits
    sheet_rows: int  # rows a sheet may have, blank ones included
    sheet_titles: dict[str, str] = field(default_factory=dict)  # part name -> sheet title, for messages
    tags: int = 0
    other_tags: int = 0
    refusal: UnreadableFile | None = None  # kept in case a library swallows the exception

    def refuse(self, message: str) -> None:
        self.refusal = UnreadableFile(message, {"format": "xlsx"})
        raise self.refusal

    def raise_if_refused(self) -> None:
        if self.refusal is not None:
            raise self.refusal


def column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


def column_letters(number: int) -> str:
    letters = ""
    while number > 0:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


class PartScanner:
    """Scans one read of one XML part. `feed` takes bytes as they are unpacked and returns those that
    are checked; the tail after the last "<" waits until its tag is complete."""

    def __init__(self, part: str, budget: ScanBudget) -> None:
        self.budget = budget
        self.limits = budget.limits
        title = budget.sheet_titles.get(part)
        self.where = f"The sheet '{title}'" if title is not None else "This workbook"
        self.max_run = self.limits.max_cell_chars * 10 + 1024  # a full cell even if every character is "&#x...;"
        self.pending = b""
        self.finished = False
        self.tags = _PLAIN  # or _PREFIXED, for each stretch that has prefixed names
        self.in_row = self.in_text = False  # inside a sheet row / a shared text: counted as data
        self.stretch_tags = 0
        self.costly_here = True
        self.rows = self.row = 0
        self.cells = self.strings = 0

    def feed(self, data: bytes) -> bytes:
        ready = []
        piece = min(_PIECE, self.max_run)
        for start in range(0, len(data), piece):
            buffer = self.pending + data[start:start + piece]
            cut = buffer.rfind(b"<")
            if cut <= 0:
                self.pending = buffer
            else:
                ready.append(buffer[:cut])
                self.pending = buffer[cut:]
                self._scan(ready[-1])
            if len(self.pending) > self.max_run:
                self._refuse_long_run()
        return b"".join(ready)

    def finish(self) -> bytes:
        """The held-back tail, checked, once the part has been read to its end."""
        if self.finished:
            return b""
        self.finished = True
        tail, self.pending = self.pending, b""
        self._scan(tail)
        return tail

    # -- one checked stretch of bytes, starting at a "<" and ending before one -----------------------

    def _scan(self, region: bytes) -> None:
        self.budget.raise_if_refused()
        if b"<!" in region and (b"<!DOCTYPE" in region or b"<!ENTITY" in region):
            self.budget.refuse(f"This workbook holds XML declarations Excel never writes, so it is not read. {_RESAVE}")
        # Only the first run can be long: later ones lie inside one piece; the first may go on from the tail.
        if len(region) > self.max_run and not 0 < region.find(b"<", 1) <= self.max_run:
            self._refuse_long_run()
        if b"&" in region and _R_WITH_REFERENCE.search(region):
            self.budget.refuse(f"{self.where} writes a cell or row number in a way Excel never does. {_RESAVE}")
        self.budget.tags += region.count(b"<")
        if self.budget.tags > self.limits.max_tags:
            self.budget.refuse(f"This workbook holds more than {self.limits.max_tags:,} XML elements, more than "
                               f"any pupil-data sheet needs. {_RESAVE}")
        if self._counted_at_once(region):
            return
        # Most workbooks use no prefixes, and the plain patterns are twice as fast.
        self.tags = _PREFIXED if _ANY_PREFIX.search(region) else _PLAIN
        # Rows of plain cells hold none of the tags that count as costly there: found once, not row by row.
        self.costly_here = self.tags.costly.search(region) is not None
        markers = self._markers(region)
        self._count_cells(region, markers)
        position = 0
        for at, name, attributes in markers:
            self._count(region, position, at)
            position = at
            if name.startswith(b"/"):
                self.in_row = self.in_text = False
            elif name == b"row":
                self._start_row(attributes)
            elif name == b"si":
                self._start_text()
            elif name == b"sst":
                self._check_declared_texts(attributes)
            elif name == b"dimension":
                self._check_dimension(attributes)
        self._count(region, position, len(region))

    def _counted_at_once(self, region: bytes) -> bool:
        """A region of plain rows, counted by xml_scan_rows.py; False (nothing counted) for any other, or one
        past a limit, which the walk below refuses naming the row."""
        counted = count_plain_rows(region, self.in_row or self.in_text, self.stretch_tags, self.limits, self.cells)
        if counted is None:
            return False
        numbers, most = counted.row_numbers, self.budget.sheet_rows
        if numbers.size and (int(numbers.max()) > most or self.rows + numbers.size > most):
            return False
        if self.budget.other_tags + counted.other_tags > self.limits.max_other_tags:
            return False
        self.tags, self.costly_here = _PLAIN, False
        self.cells += counted.cells
        self.budget.other_tags += counted.other_tags
        self.rows += int(numbers.size)
        if numbers.size:
            self.row = int(numbers[-1])
        if counted.stretch_tags is not None:
            self.stretch_tags = counted.stretch_tags
        if counted.in_row is not None:
            self.in_row, self.in_text = counted.in_row, False
        return True

    def _markers(self, region: bytes) -> list[tuple[int, bytes, bytes]]:
        """(position, name, attributes) of the tags that start or end a stretch, in order. An end tag's
        position is after it, so it is counted with the stretch it ends."""
        tags = self.tags
        found = [(m.start(), b"row", m.group(1)) for m in tags.row.finditer(region)]
        found += [(m.end(), b"/row", b"") for m in tags.row_end.finditer(region)]
        found += [(m.start(), b"si", b"") for m in tags.text.finditer(region)]
        found += [(m.end(), b"/si", b"") for m in tags.text_end.finditer(region)]
        if b"sheetData" in region or b"sst" in region or b"dimension" in region:
            found += [(m.end() if m.group(1) else m.start(), m.group(1) + m.group(2), m.group(3))
                      for m in tags.section.finditer(region)]
        found.sort()
        return found

    def _count(self, region: bytes, start: int, end: int) -> None:
        if start >= end:
            return
        tags = region.count(b"<", start, end)
        in_data = self.in_row or self.in_text
        # Styles, merged cells, names, runs of formatted text...: openpyxl makes an object of each (or keeps
        # the element), at several microseconds apiece, so their number is what costs. In a row or a text
        # only the cells' and texts' own tags are cheap.
        if not in_data:
            self.budget.other_tags += tags
        elif self.costly_here:
            self.budget.other_tags += len(self.tags.costly.findall(region, start, end))
        if self.budget.other_tags > self.limits.max_other_tags:
            self.budget.refuse(f"This workbook holds more than {self.limits.max_other_tags:,} styles, merged cells, "
                               f"formatted runs of text or other settings, more than any pupil-data sheet needs. "
                               f"{_RESAVE}")
        if not in_data:
            return
        self.stretch_tags += tags
        if self.stretch_tags > self.limits.max_row_tags:
            what = f"row {self.row:,}" if self.in_row else "one of its texts"
            self.budget.refuse(f"{self.where} has more than {self.limits.max_row_tags:,} XML elements in {what}, "
                               f"far more than its cells need. {_RESAVE}")

    def _count_cells(self, region: bytes, markers: list[tuple[int, bytes, bytes]]) -> None:
        """Cells (each costs openpyxl a few microseconds) and their columns, counted for the whole region
        at once; row by row only to name the row when a column is past the limit.

        openpyxl pads each row out to its last cell's column and drops cells beyond it, so the columns in
        r attributes are what matter. (A cell without r gets the next column; with the per-row element
        limit that can cost a little padding, never much.)
        """
        limits = self.limits
        self.cells += len(self.tags.cell.findall(region))
        if self.cells > limits.max_cells:
            self.budget.refuse(
                f"{self.where} has more than {limits.max_cells:,} cells; at most {limits.max_cells:,} are read. "
                "Delete the columns the import does not need, or save the sheet as CSV (which has no such "
                "limit), and upload that.")
        columns = _CELL_COLUMN.findall(region)
        if not columns or _LAST_COLUMN_OF_WIDTH[max(map(len, columns))] <= limits.max_columns:
            return  # Z is column 26, ZZ 702: no column this wide can pass the limit
        row, start = self.row, 0
        for at, name, attributes in [*markers, (len(region), b"", b"")]:
            widest = max(map(column_number, _CELL_COLUMN.findall(region, start, at)), default=0)
            if widest > limits.max_columns:
                self.budget.refuse(
                    f"{self.where} has cells in column {column_letters(widest)} (column {widest:,}, row {row:,}); "
                    f"at most {limits.max_columns:,} columns are read. Delete the columns to the right of the data "
                    "(often a stray formatting range in Excel) and upload it again.")
            if name == b"row":
                row = self._row_after(row, attributes)
            start = at

    def _start_row(self, attributes: bytes) -> None:
        self.in_row, self.in_text = True, False
        self.stretch_tags = 0
        self.rows += 1
        self.row = self._row_after(self.row, attributes)
        most = self.budget.sheet_rows
        if self.row > most or self.rows > most:
            self.budget.refuse(
                f"{self.where} has rows down to row {max(self.row, self.rows):,}; at most {most:,} rows are read, "
                "blank ones included. Delete the empty rows below the data (often formatting applied to whole "
                "rows) and upload it again.")

    @staticmethod
    def _row_after(previous: int, attributes: bytes) -> int:
        """The number openpyxl gives a row: its r when readable, else one more than the last. Every
        r-like value in the tag is a candidate, and the largest is taken."""
        numbers = [_row_number(value) for value in _R_VALUE.findall(attributes)]
        return max(numbers) if numbers else previous + 1

    def _start_text(self) -> None:
        self.in_text, self.in_row = True, False
        self.stretch_tags = 0
        self.strings += 1
        if self.strings > self.limits.max_shared_strings:
            self._refuse_texts(f"more than {self.limits.max_shared_strings:,}")

    def _check_declared_texts(self, attributes: bytes) -> None:
        declared = _UNIQUE_COUNT.search(attributes)
        if declared and int(declared.group(1)) > self.limits.max_shared_strings:
            self._refuse_texts(f"{int(declared.group(1)):,}")

    def _check_dimension(self, attributes: bytes) -> None:
        # Not trusted for anything (the reader ignores it and counts rows and cells itself); only a size
        # beyond Excel's own grid is refused at once, as no spreadsheet program writes one.
        end = _DIMENSION_END.search(attributes)
        if end and (column_number(end.group(1)) > EXCEL_MAX_COLUMNS or int(end.group(2)) > EXCEL_MAX_ROWS):
            self.budget.refuse(f"{self.where} says it is larger than Excel allows, so it is not read. {_RESAVE}")

    def _refuse_texts(self, count: str) -> None:
        self.budget.refuse(
            f"This workbook holds {count} different texts; at most {self.limits.max_shared_strings:,} are read. "
            "Delete the columns the import does not need, or save the data sheet as CSV, and upload that.")

    def _refuse_long_run(self) -> None:
        self.budget.refuse(
            f"{self.where} holds a value longer than {self.limits.max_cell_chars:,} characters, the most one Excel "
            f"cell can hold. {_RESAVE}")


def _row_number(value: bytes) -> int:
    """A row's r as openpyxl reads it (an integer, or a float with nothing after the point); 0 when it
    cannot, as openpyxl then refuses the sheet itself."""
    try:
        return int(value)
    except ValueError:
        pass
    try:
        number = float(value)
    except ValueError:
        return 0
    return int(number) if number.is_integer() else 0
