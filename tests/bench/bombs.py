"""Upload bombs (issue 11): files under the 20 MB cap built to exhaust a worker's memory or time.

Each is parsed in a fresh process (parse_outcome_file, default limits, the 200,000-row cap), whose
peak resident memory above its idle size after imports and whose parse time are measured. `make
bench` prints the worst of each; tests/research/imports/test_bombs.py runs the same corpus under a
memory limit and checks every bomb is refused with the right message.

The multi-gigabyte parts are built from one deflated block repeated: a full flush makes each copy
independent of the bytes before it, so an 8 GB entry takes milliseconds to write.
"""
from __future__ import annotations

import json
import struct
import subprocess
import sys
import tempfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
_ZIP64 = 0xFFFFFFFF

# --- a zip writer that takes deflated data as it is -------------------------------------------------------


@dataclass(frozen=True)
class Part:
    name: str
    deflated: bytes
    crc: int
    size: int


def packed(name: str, content: bytes) -> Part:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return Part(name, compressor.compress(content) + compressor.flush(), zlib.crc32(content), len(content))


def repeated(name: str, unit: bytes, times: int, head: bytes = b"", tail: bytes = b"") -> Part:
    """head + unit * times + tail, deflated without ever holding it."""
    per_block = max(1, (1 << 20) // len(unit))
    block = unit * per_block
    blocks, rest = divmod(times, per_block)
    start = zlib.compressobj(9, zlib.DEFLATED, -15)
    middle = zlib.compressobj(9, zlib.DEFLATED, -15)
    end = zlib.compressobj(9, zlib.DEFLATED, -15)
    deflated = (start.compress(head) + start.flush(zlib.Z_FULL_FLUSH)
                + (middle.compress(block) + middle.flush(zlib.Z_FULL_FLUSH)) * blocks
                + end.compress(unit * rest + tail) + end.flush())
    crc = _crc_repeated(zlib.crc32(block), len(block), blocks, zlib.crc32(head))
    crc = zlib.crc32(unit * rest + tail, crc)
    return Part(name, deflated, crc, len(head) + len(unit) * times + len(tail))


def write_zip(path: Path, parts: list[Part]) -> None:
    path.write_bytes(zip_bytes(parts))


def zip_bytes(parts: list[Part]) -> bytes:
    local, central = bytearray(), bytearray()
    for part in parts:
        name = part.name.encode()
        big = part.size >= _ZIP64 or len(part.deflated) >= _ZIP64
        extra = struct.pack("<HHQQ", 1, 16, part.size, len(part.deflated)) if big else b""
        sizes = (_ZIP64, _ZIP64) if big else (len(part.deflated), part.size)
        central += struct.pack("<4s6H3I5H2I", b"PK\x01\x02", 45, 45, 0, 8, 0, 0x21, part.crc, *sizes, len(name),
                               len(extra), 0, 0, 0, 0, len(local)) + name + extra
        local += struct.pack("<4s5H3I2H", b"PK\x03\x04", 45, 0, 8, 0, 0x21, part.crc, *sizes, len(name),
                             len(extra)) + name + extra + part.deflated
    end = struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, len(parts), len(parts), len(central), len(local), 0)
    return bytes(local + central) + end


def _crc_repeated(crc: int, length: int, times: int, before: int) -> int:
    """crc32(before-data + block * times) from crc32(block), by doubling (zlib's crc32_combine)."""
    result = before
    while times:
        if times & 1:
            result = _crc_combine(result, crc, length)
        crc, length, times = _crc_combine(crc, crc, length), length * 2, times >> 1
    return result


def _crc_combine(crc1: int, crc2: int, length2: int) -> int:
    def times(matrix: list[int], vector: int) -> int:
        total, i = 0, 0
        while vector:
            if vector & 1:
                total ^= matrix[i]
            vector, i = vector >> 1, i + 1
        return total

    def square(matrix: list[int]) -> list[int]:
        return [times(matrix, matrix[n]) for n in range(32)]

    odd = [0xEDB88320] + [1 << n for n in range(31)]  # one zero bit
    even = square(odd)
    odd = square(even)
    while length2:
        even = square(odd)
        if length2 & 1:
            crc1 = times(even, crc1)
        length2 >>= 1
        if not length2:
            break
        odd = square(even)
        if length2 & 1:
            crc1 = times(odd, crc1)
        length2 >>= 1
    return crc1 ^ crc2


# --- the workbook around a sheet ------------------------------------------------------------------------

_MAIN = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SHEET_HEAD = b'<?xml version="1.0" encoding="UTF-8"?><worksheet ' + _MAIN + b"><sheetData>"
SHEET_TAIL = b"</sheetData></worksheet>"
STRINGS_HEAD = b'<?xml version="1.0" encoding="UTF-8"?><sst ' + _MAIN + b">"


def workbook_parts(sheet: Part, strings: Part | None = None) -> list[Part]:
    types = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
             b'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
             b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
             b'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"'
             b'/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
             b'officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType='
             b'"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    root = (b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            b'2006/relationships"><Relationship Id="rId1" Type="' + _REL + b'/officeDocument" Target="xl/workbook.'
            b'xml"/></Relationships>')
    book = (b'<?xml version="1.0" encoding="UTF-8"?><workbook ' + _MAIN + b' xmlns:r="' + _REL + b'"><sheets>'
            b'<sheet name="Pupils" sheetId="1" r:id="rId1"/></sheets></workbook>')
    links = (b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
             b'2006/relationships"><Relationship Id="rId1" Type="' + _REL + b'/worksheet" Target="worksheets/sheet1.'
             b'xml"/><Relationship Id="rId2" Type="' + _REL + b'/sharedStrings" Target="sharedStrings.xml"/>'
             b'</Relationships>')
    strings = strings or packed("xl/sharedStrings.xml", STRINGS_HEAD + b"</sst>")
    return [packed("[Content_Types].xml", types), packed("_rels/.rels", root), packed("xl/workbook.xml", book),
            packed("xl/_rels/workbook.xml.rels", links), sheet, strings]


def _header_row() -> bytes:
    return b'<row r="1"><c r="A1" t="inlineStr"><is><t>UPN</t></is></c><c r="B1" t="inlineStr"><is><t>Group</t>' \
           b'</is></c><c r="C1" t="inlineStr"><is><t>Score</t></is></c></row>'


def _sheet_xlsx(path: Path, rows: bytes) -> None:
    write_zip(path, workbook_parts(packed("xl/worksheets/sheet1.xml", SHEET_HEAD + rows + SHEET_TAIL)))


# --- the corpus ----------------------------------------------------------------------------------------


def _empty_rows(gigabytes: float) -> Callable[[Path], None]:
    def build(path: Path) -> None:
        unit = b'<row spans="1:3"/>'
        sheet = repeated("xl/worksheets/sheet1.xml", unit, int(gigabytes * 1e9) // len(unit),
                         SHEET_HEAD + _header_row(), SHEET_TAIL)
        write_zip(path, workbook_parts(sheet))
    return build


def _one_huge_row(path: Path) -> None:
    unit = b"<c><v>7</v></c>"
    sheet = repeated("xl/worksheets/sheet1.xml", unit, 300_000_000 // len(unit),
                     SHEET_HEAD + _header_row() + b'<row r="2">', b"</row>" + SHEET_TAIL)
    write_zip(path, workbook_parts(sheet))


def _formatted_rows(path: Path) -> None:
    rows = b"".join(b'<row r="%d" spans="1:3" ht="20" customHeight="1"/>' % n for n in range(2, 1_048_577))
    _sheet_xlsx(path, _header_row() + rows)


def _wide_row(path: Path) -> None:
    from research.imports.xml_scan import column_letters

    cells = b"".join(b'<c r="%s2"><v>%d</v></c>' % (column_letters(n).encode(), n) for n in range(1, 16_385))
    _sheet_xlsx(path, _header_row() + b'<row r="2">' + cells + b"</row>")


def _shared_strings_bomb(path: Path) -> None:
    strings = repeated("xl/sharedStrings.xml", b"<si><t>x</t></si>", 1_000_000_000 // 17, STRINGS_HEAD, b"</sst>")
    sheet = packed("xl/worksheets/sheet1.xml", SHEET_HEAD + _header_row() + SHEET_TAIL)
    write_zip(path, workbook_parts(sheet, strings))


def many_texts(path: Path, count: int = 2_000_000) -> None:
    texts = b"".join(b"<si><t>T%d</t></si>" % n for n in range(count))
    sheet = packed("xl/worksheets/sheet1.xml", SHEET_HEAD + _header_row() + SHEET_TAIL)
    write_zip(path, workbook_parts(sheet, packed("xl/sharedStrings.xml", STRINGS_HEAD + texts + b"</sst>")))


def dense_cells(path: Path, rows: int = 100_000, columns: int = 40) -> None:
    """Numeric cells, `columns` a row: by default 4 million, past the million the reader parses."""
    from research.imports.xml_scan import column_letters

    template = b'<row r="%d">' + b"".join(b'<c r="' + column_letters(n).encode() + b'%d"><v>4</v></c>'
                                          for n in range(1, columns + 1)) + b"</row>"
    body = b"".join(template % ((n,) * (columns + 1)) for n in range(2, rows + 2))
    _sheet_xlsx(path, _header_row() + body)


def _merged_cells(path: Path) -> None:
    merges = b"".join(b'<mergeCell ref="D%d:E%d"/>' % (n, n) for n in range(1, 500_001))
    sheet = SHEET_HEAD + _header_row() + b"</sheetData><mergeCells>" + merges + b"</mergeCells></worksheet>"
    write_zip(path, workbook_parts(packed("xl/worksheets/sheet1.xml", sheet)))


def _cell_styles(path: Path) -> None:
    """400,000 cell styles (Excel allows 64,000): openpyxl spends 40 µs and 1 KB on each."""
    xfs = b"".join(b'<xf numFmtId="%d" fontId="0" fillId="0" borderId="0" applyNumberFormat="1"/>' % (n % 200)
                   for n in range(400_000))
    styles = (b'<?xml version="1.0"?><styleSheet ' + _MAIN + b'><fonts count="1"><font><sz val="11"/></font></fonts>'
              b'<fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/>'
              b"</borders><cellXfs>" + xfs + b"</cellXfs></styleSheet>")
    sheet = packed("xl/worksheets/sheet1.xml", SHEET_HEAD + _header_row() + SHEET_TAIL)
    write_zip(path, [*workbook_parts(sheet), packed("xl/styles.xml", styles)])  # openpyxl reads it by this name


def _entity_expansion(path: Path) -> None:
    entities = b'<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">'
    for level in "bcdefgh":
        previous = chr(ord(level) - 1)
        entities += f'<!ENTITY {level} "{("&" + previous + ";") * 10}">'.encode()
    strings = (b'<?xml version="1.0"?><!DOCTYPE sst [' + entities + b"]><sst " + _MAIN + b"><si><t>&h;</t></si></sst>")
    sheet = packed("xl/worksheets/sheet1.xml", SHEET_HEAD + _header_row() + SHEET_TAIL)
    write_zip(path, workbook_parts(sheet, packed("xl/sharedStrings.xml", strings)))


def _long_text(path: Path) -> None:
    text = b"".join(b"%d " % n for n in range(120_000))  # ~700 KB, little repetition
    _sheet_xlsx(path, _header_row() + b'<row r="2"><c r="A2" t="inlineStr"><is><t>' + text + b"</t></is></c></row>")


def _rich_text(path: Path) -> None:
    run = b'<r><rPr><b/><sz val="11"/><color rgb="FF000000"/><rFont val="Calibri"/></rPr><t>ab</t></r>'
    rows = b"".join(b'<row r="%d"><c r="A%d" t="inlineStr"><is>' % (n, n) + run * 20 + b"</is></c></row>"
                    for n in range(2, 20_002))
    _sheet_xlsx(path, _header_row() + rows)


def _workbook_at_the_limits(path: Path) -> None:
    """Not a bomb: what the reader still takes, 950,000 cells (13 columns) and 240,000 texts."""
    from research.imports.xml_scan import column_letters

    texts = b"".join(b"<si><t>P%d</t></si>" % n for n in range(240_000))
    cells = b"".join(b'<c r="' + column_letters(n).encode() + b'%d"><v>4</v></c>' for n in range(4, 14))
    template = b'<row r="%d"><c r="A%d" t="s"><v>%d</v></c><c r="B%d" t="s"><v>0</v></c><c r="C%d"><v>5</v></c>'
    body = b"".join((template + cells + b"</row>") % ((n, n, n % 240_000 + 1, n, n) + (n,) * 10)
                    for n in range(2, 73_002))
    header = (b'<row r="1"><c r="A1" t="inlineStr"><is><t>UPN</t></is></c><c r="B1" t="inlineStr"><is><t>Group'
              b'</t></is></c><c r="C1" t="inlineStr"><is><t>Score</t></is></c></row>')
    sheet = packed("xl/worksheets/sheet1.xml", SHEET_HEAD + header + body + SHEET_TAIL)
    strings = packed("xl/sharedStrings.xml", STRINGS_HEAD + b"<si><t>Intervention</t></si>" + texts + b"</sst>")
    write_zip(path, workbook_parts(sheet, strings))


def _csv_at_the_limits(path: Path) -> None:
    """Not a bomb: 20 MB, 500 columns, one quoted cell (so pandas reads every column)."""
    header = "UPN,Group,Score," + ",".join(f"Note {n}" for n in range(497)) + "\n"
    row = ",I,5," + ",".join("1" for _ in range(497)) + "\n"
    path.write_text(header + 'A0,I,5,"quoted"\n' + "".join(f"A{n}{row}" for n in range(1, 20_000)))


def _far_apart_cells(path: Path) -> None:
    """Two values, A2 and SF251000: within every count, but a 125-million-cell grid if laid out densely
    (calamine's way: given this file unchecked, it aborts the process)."""
    _sheet_xlsx(path, _header_row() + b'<row r="2"><c r="A2"><v>1</v></c></row>'
                b'<row r="3"><c r="SF251000"><v>2</v></c></row>')


def _cell_far_below(path: Path) -> None:
    """A cell whose own reference (A1048576) is far below the row it sits in (row 3)."""
    _sheet_xlsx(path, _header_row() + b'<row r="2"><c r="A2"><v>1</v></c></row>'
                b'<row r="3"><c r="A1048576"><v>2</v></c></row>')


def _unreferenced_far_cell(path: Path) -> None:
    """A cell without a reference, placed by the running count in row 250,999, and one in column SF."""
    _sheet_xlsx(path, _header_row() + b'<row r="2"><c r="SF2"><v>1</v></c></row>'
                b'<row r="250999"><c><v>2</v></c></row>')


def _duplicate_sheet(path: Path) -> None:
    """Two parts of one name: one reader may take the first, another the last."""
    harmless = packed("xl/worksheets/sheet1.xml", SHEET_HEAD + _header_row() + SHEET_TAIL)
    parts = workbook_parts(harmless)
    far = packed("xl/worksheets/sheet1.xml", SHEET_HEAD + _header_row() + b'<row r="2"><c r="A2"><v>1</v></c>'
                 b'</row><row r="3"><c r="SF251000"><v>2</v></c></row>' + SHEET_TAIL)
    write_zip(path, [*parts, far])


def _mimetype_8gb(path: Path) -> None:
    write_zip(path, [repeated("mimetype", b"a" * 1024, 8 * 1024 * 1024), packed("content.xml", b"<x/>")])


def _many_entries(path: Path) -> None:
    write_zip(path, [packed(f"{n:x}", b"") for n in range(60_000)])


def _csv_wide_header(path: Path) -> None:
    path.write_bytes(b"UPN,Group,Score" + b"," * 10_000_000 + b"\nA1,I,5\n")


def _csv_wide_row(path: Path) -> None:
    path.write_bytes(b"UPN,Group,Score\nA1,I,5" + b"," * 10_000_000 + b"\n")


def _csv_blank_lines(path: Path) -> None:
    path.write_bytes(b"UPN,Group,Score\nA1,I,5\n" + b"\n" * 20_000_000)


def _csv_long_cell(path: Path) -> None:
    path.write_bytes(b"UPN,Group,Score,Notes\nA1,I,5," + b"x" * 500_000 + b"\n")


@dataclass(frozen=True)
class Bomb:
    name: str
    build: Callable[[Path], None]
    expect: str | None  # part of the message it must be refused with; None: it must be read to the end


BOMBS = [
    Bomb("xlsx sheet of 1.1 GB empty rows", _empty_rows(1.1), "times smaller when packed"),
    Bomb("xlsx 100 MB of empty rows in 150 KB", _empty_rows(0.1), "times smaller when packed"),
    Bomb("xlsx one row of 300 MB", _one_huge_row, "times smaller when packed"),
    Bomb("xlsx rows formatted down to 1,048,576", _formatted_rows, "rows down to row 251,001"),
    Bomb("xlsx a row 16,384 cells wide", _wide_row, "at most 500 columns are read"),
    Bomb("xlsx shared strings of 1 GB", _shared_strings_bomb, "times smaller when packed"),
    Bomb("xlsx 2 million shared strings", many_texts, "more than 250,000 different texts"),
    Bomb("xlsx 4 million cells", dense_cells, "more than 1,000,000 cells"),
    Bomb("xlsx 500,000 merged cells", _merged_cells, "merged cells"),
    Bomb("xlsx 400,000 cell styles", _cell_styles, "styles, merged cells"),
    Bomb("xlsx entity expansion", _entity_expansion, "XML declarations"),
    Bomb("xlsx one cell of 700 KB", _long_text, "longer than 32,767 characters"),
    Bomb("xlsx 4.5 million tags of formatted text", _rich_text, "formatted runs of text"),
    Bomb("xlsx two values 125 million cells apart", _far_apart_cells, "cells to lay out"),
    Bomb("xlsx a cell referenced far below its row", _cell_far_below, "rows down to row 1,048,576"),
    Bomb("xlsx an unreferenced cell far below", _unreferenced_far_cell, "cells to lay out"),
    Bomb("xlsx two parts of one name", _duplicate_sheet, "two parts called"),
    Bomb("zip with an 8 GB mimetype", _mimetype_8gb, "zip archive"),
    Bomb("zip with 60,000 entries", _many_entries, "holds 60,000 files"),
    Bomb("csv header of 10 million columns", _csv_wide_header, "10,000,003 columns; at most 500"),
    Bomb("csv row of 10 million cells", _csv_wide_row, "Row 2 has 10,000,003 cells"),
    Bomb("csv 20 million blank lines", _csv_blank_lines, "more than 251,000 rows"),
    Bomb("csv cell of 500,000 characters", _csv_long_cell, "a cell longer than 32,767 characters"),
    Bomb("xlsx at the limits (not a bomb)", _workbook_at_the_limits, None),
    Bomb("csv at the limits (not a bomb)", _csv_at_the_limits, None),
]


def as_expected(bomb: Bomb, outcome: dict) -> bool:
    """Refused with the expected message, or (for a file within the limits) read to its last row."""
    if bomb.expect is None:
        return outcome.get("rows", 0) > 0 and "crashed" not in outcome
    return bomb.expect in outcome.get("message", "")

# --- parsing in a fresh process ------------------------------------------------------------------------

_CHILD = """
import json, resource, sys, time
from research.imports import MeasureSpec, ReadLimits, SchoolSpec, parse_outcome_file

def status(field):
    with open("/proc/self/status") as lines:
        return next(int(line.split()[1]) * 1024 for line in lines if line.startswith(field))

path, extra_bytes, limits = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
idle = status("VmRSS:")
if extra_bytes:
    resource.setrlimit(resource.RLIMIT_AS, (status("VmSize:") + extra_bytes, resource.RLIM_INFINITY))
with open(path, "rb") as upload:
    data = upload.read()
started, cpu_started = time.perf_counter(), time.process_time()
try:
    result = parse_outcome_file(
        data=data, filename="upload", measures=[MeasureSpec(1, "Reading", 0, 100)], default_measure_id=1,
        schools=[SchoolSpec(10, "Alpha Primary", "100001")], default_school_id=10, secret=b"bench",
        alliance_key="bench", max_rows=200_000, limits=ReadLimits(**limits))
    outcome = {"ok": result.ok, "rows": result.row_count,
               "message": result.errors[0].message if result.errors else ""}
except MemoryError:
    outcome = {"ok": False, "rows": 0, "message": "", "memory_error": True}
outcome.update(seconds=time.perf_counter() - started, cpu_seconds=time.process_time() - cpu_started,
               peak_mb=(status("VmHWM:") - idle) / 1_048_576)
print(json.dumps(outcome))
"""


def parse_in_child(path: Path, *, memory_limit_mb: int = 0, limits: dict | None = None,
                   timeout: float = 300) -> dict:
    """Parse `path` in a new interpreter; its peak memory is measured above its own idle size.

    With `memory_limit_mb`, the child's address space may grow by at most that much after its imports
    (RLIMIT_AS), so a reader that tries to take more fails there instead of taking the machine.
    """
    completed = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path), str(memory_limit_mb * 1_048_576), json.dumps(limits or {})],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=timeout, check=False,
    )
    if completed.returncode != 0:
        return {"ok": False, "message": "", "crashed": completed.returncode, "stderr": completed.stderr[-2000:]}
    return json.loads(completed.stdout.strip().splitlines()[-1])


def run() -> list[str]:
    details = []
    worst_mb = worst_seconds = 0.0
    with tempfile.TemporaryDirectory(prefix="bombs-") as folder:
        for bomb in BOMBS:
            path = Path(folder) / "upload"
            bomb.build(path)
            size = path.stat().st_size
            outcome = parse_in_child(path)
            path.unlink()
            worst_mb = max(worst_mb, outcome.get("peak_mb", float("inf")))
            worst_seconds = max(worst_seconds, outcome.get("seconds", float("inf")))
            verdict = "read" if bomb.expect is None else "refused"
            verdict = verdict if as_expected(bomb, outcome) else f"WRONG: {outcome}"
            details.append(f"  {bomb.name} ({size / 1_048_576:.1f} MB): {outcome.get('peak_mb', 0):.0f} MB, "
                           f"{outcome.get('seconds', 0):.1f} s ({outcome.get('cpu_seconds', 0):.1f} s CPU), {verdict}")
    return [f"upload bombs worst peak memory MB {worst_mb:.0f} (target < 500)",
            f"upload bombs worst seconds {worst_seconds:.1f} (target < 30)", *details]


if __name__ == "__main__":
    for line in run():
        print(line, flush=True)
