"""The .xlsx reader (calamine behind xlsx_copy.py): what openpyxl gave is kept, and calamine never sees a file
the checks have not passed. The shared reader tests (test_readers.py, test_layouts.py, test_bombs.py) run
unchanged against it; these cover what is particular to calamine."""
import datetime as dt
import io
import subprocess
import sys
import zipfile

import openpyxl
import pytest

from research.imports import ReadLimits
from research.imports.xlsx_copy import checked_copy
from research.imports.xml_scan import ScanBudget
from tests.bench.bombs import PROJECT_ROOT, SHEET_HEAD, SHEET_TAIL, packed, workbook_parts, zip_bytes

from .helpers import located, messages, parse, xlsx_bytes


def _sheet(rows: bytes) -> bytes:
    return zip_bytes(workbook_parts(packed("xl/worksheets/sheet1.xml", SHEET_HEAD + rows + SHEET_TAIL)))


def _text(ref: str, text: str) -> bytes:
    return b'<c r="%s" t="inlineStr"><is><t>%s</t></is></c>' % (ref.encode(), text.encode())


HEADER = b'<row r="1">' + _text("A1", "UPN") + _text("B1", "Group") + _text("C1", "Score") + b"</row>"


def test_an_error_cell_is_reported_not_taken_for_a_blank():
    # given a score cell holding Excel's #N/A (python-calamine hands error cells over as empty)
    data = _sheet(HEADER + b'<row r="2">' + _text("A2", "A1") + _text("B2", "I")
                  + b'<c r="C2" t="e"><f>VLOOKUP(A2,X!A:B,2,0)</f><v>#N/A</v></c></row>')
    # then it is an error naming the value, as with any text in a score column
    result = parse(data)
    assert located(result) == [(2, "Score", "#N/A")]


def test_percent_formats_builtin_and_custom():
    # given 0.45 formatted "0%", 0.125 formatted "0.0%" (a custom format) and 30 unformatted
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in (["UPN", "Group", "Score"], ["A1", "I", 0.45], ["A2", "C", 0.125], ["A3", "C", 30]):
        sheet.append(row)
    sheet["C2"].number_format = "0%"
    sheet["C3"].number_format = "0.0%"
    buffer = io.BytesIO()
    workbook.save(buffer)
    # then the scores are as Excel shows them
    assert parse(buffer.getvalue()).records["score"].tolist() == [45.0, 12.5, 30.0]


def test_text_that_looks_like_a_number_dates_and_merged_title_cells():
    # given a merged title row, pupil ids stored as text with leading zeros and a date in a kept column
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Scores, autumn"])
    sheet.merge_cells("A1:D1")
    sheet.append(["UPN", "Group", "Score", "Year"])
    sheet.append(["007", "I", 5, dt.date(2024, 3, 1)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = parse(buffer.getvalue())
    # then the header is found under the title, the id keeps its zeros and the date reads as ISO text
    assert result.read_as["header_row"] == 2
    assert located(result) == [(3, "Year", "2024-03-01")]


def test_data_starting_in_column_c_keeps_its_column_letters():
    # given a sheet whose first two columns are empty
    data = xlsx_bytes({"Pupils": [[None, None, "UPN", "Group", "Score"], [None, None, "A1", "I", "lots"]]})
    result = parse(data)
    # then errors still name the sheet's own columns and rows
    assert located(result) == [(2, "Score", "lots")]
    assert result.columns_read == ["(column A)", "(column B)", "UPN", "Group", "Score"]


def test_cells_without_references_are_placed_as_excel_would():
    # given rows and cells with no r attributes (some exporters write none)
    rows = (b"<row><c t=\"inlineStr\"><is><t>UPN</t></is></c><c t=\"inlineStr\"><is><t>Group</t></is></c>"
            b"<c t=\"inlineStr\"><is><t>Score</t></is></c></row>"
            b"<row><c t=\"inlineStr\"><is><t>A1</t></is></c><c t=\"inlineStr\"><is><t>I</t></is></c><c><v>5</v></c>"
            b"</row><row/><row><c t=\"inlineStr\"><is><t>A2</t></is></c><c t=\"inlineStr\"><is><t>C</t></is></c>"
            b"<c><v>500</v></c></row>")
    result = parse(_sheet(rows))
    # then they are read in place, the blank row counted in the row numbers
    assert located(result) == [(4, "Score", "500")]
    assert result.row_count == 2


def test_the_grid_limit_counts_the_extent_not_the_cells():
    # given two values far apart, and a grid limit of 1,000 cells
    data = _sheet(HEADER + b'<row r="2">' + _text("A2", "A1") + b'<c r="J200"><v>1</v></c></row>')
    # then the 200 x 10 extent is refused before calamine reads it, with the fix
    refused = parse(data, limits=ReadLimits(max_grid_cells=1_000))
    assert "spreads its values over 200 rows and 10 columns, 2,000 cells to lay out; at most 1,000" \
        in refused.message
    assert parse(data, limits=ReadLimits(max_grid_cells=2_000)).row_count == 1


def test_formatted_empty_cells_far_away_do_not_count_towards_the_grid():
    # given data in A-C and formatting-only cells (no value) out to column SF on every row
    body = b"".join(b'<row r="%d">' % n + _text(f"A{n}", f"P{n}") + _text(f"B{n}", "I")
                    + b'<c r="C%d"><v>5</v></c><c r="SF%d" s="0"/></row>' % (n, n) for n in range(2, 1002))
    # then it is read (calamine lays out values only: 1,001 x 3 cells)
    result = parse(_sheet(HEADER + body), limits=ReadLimits(max_grid_cells=5_000))
    assert result.ok, messages(result)


@pytest.mark.parametrize("cell", [b'<c r="A2" r="SF9"><v>1</v></c>', b'<c r="AAAA2"><v>1</v></c>',
                                  b'<c r="A99999999"><v>1</v></c>', b"<c r='A2' s='1\"'><v>1</v></c>"])
def test_cells_written_as_excel_never_does_are_refused(cell):
    # given a cell with two references, a four-letter column, an eight-digit row, a quote inside a value
    data = _sheet(HEADER + b'<row r="2">' + cell + b"</row>")
    refused = parse(data)
    assert "Excel never" in refused.message and refused.records.empty


def test_calamine_only_sees_the_checked_parts():
    # given a workbook with a picture, a theme and document properties beside the data
    data = xlsx_bytes({"Pupils": [["UPN", "Group", "Score"], ["A1", "I", 5]]})
    limits = ReadLimits()
    copy = checked_copy(data, limits, ScanBudget(limits, sheet_rows=1_000))
    names = zipfile.ZipFile(io.BytesIO(copy.data)).namelist()
    # then only the parts calamine reads for values are copied
    assert "xl/worksheets/sheet1.xml" in names and "xl/workbook.xml" in names
    assert not [name for name in names if name.startswith(("docProps/", "xl/theme/"))]
    assert copy.sheet_titles == {"xl/worksheets/sheet1.xml": "Pupils"}


_UNCHECKED = """
import io, resource, sys
import python_calamine
resource.setrlimit(resource.RLIMIT_AS, (1_500_000_000, resource.RLIM_INFINITY))
book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(open(sys.argv[1], "rb").read()))
book.get_sheet_by_index(0)
print("read")
"""


def test_calamine_given_the_upload_itself_would_abort_the_worker(tmp_path):
    # given the two-cell grid bomb, handed to python-calamine directly (what the checked copy prevents)
    from tests.bench.bombs import BOMBS

    path = tmp_path / "upload.xlsx"
    next(b for b in BOMBS if b.name == "xlsx two values 125 million cells apart").build(path)
    completed = subprocess.run([sys.executable, "-c", _UNCHECKED, str(path)], cwd=PROJECT_ROOT,
                               capture_output=True, text=True, timeout=120, check=False)
    # then the process dies (Rust aborts on the failed allocation: no exception to catch), while the reader
    # refuses the same file with a message (test_bombs.py)
    assert completed.returncode != 0 and "read" not in completed.stdout
