"""Files that are not usable spreadsheets are rejected with one plain message, never an exception."""
import io
import zipfile

import numpy as np
import pytest

from research.imports import FileRejected

from .helpers import csv_bytes, parse, xlsx_bytes


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _assert_rejected(result, *phrases):
    assert isinstance(result, FileRejected)
    assert result.records.empty and list(result.records.columns)[0] == "pupil_key"
    assert result.error_total == 1 and len(result.errors) == 1
    assert result.errors[0].row is None
    for phrase in phrases:
        assert phrase in result.message


@pytest.mark.parametrize("data, phrases", [
    (b"", ["empty"]),
    (b" \r\n\r\n  ", ["empty"]),
    (b"\xef\xbb\xbf", ["empty"]),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", ["PDF", "CSV", ".xlsx"]),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ["PNG image"]),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", ["JPEG image"]),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, [".xls", "Save As", ".xlsx", "CSV"]),
    (b"<html><body><table><tr><td>UPN</td></tr></table></body></html>", ["web page", ".xlsx"]),
])
def test_not_a_spreadsheet(data, phrases):
    # given bytes that are not a CSV or an xlsx / then one clear message says what to do
    _assert_rejected(parse(data, filename="scores.xlsx"), *phrases)


def test_binary_garbage():
    # given random bytes (seeded) / then rejected as not a spreadsheet
    data = np.random.default_rng(3).integers(0, 256, 4000, dtype=np.uint8).tobytes()
    _assert_rejected(parse(b"\x01\x02" + data), "not a spreadsheet")


def test_zip_that_is_not_a_workbook():
    _assert_rejected(parse(_zip({"notes.txt": b"hello"})), "zip archive")


def test_opendocument_spreadsheet_gets_save_as_advice():
    data = _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"})
    _assert_rejected(parse(data), ".ods", "Save As")


def test_damaged_xlsx():
    # given a zip that claims to be a workbook but holds nonsense
    _assert_rejected(parse(_zip({"xl/workbook.xml": b"not xml at all"})), "could not be opened")


def test_header_only_csv_and_xlsx():
    # given a header row and no data rows (blank lines do not count)
    for data in (b"UPN,Group,Score\n\n,,\n", xlsx_bytes({"S": [["UPN", "Group", "Score"]]})):
        result = parse(data)
        # then rejected, and the columns it found are still reported
        _assert_rejected(result, "no data rows")
        assert result.columns_read == ["UPN", "Group", "Score"]


def test_no_recognisable_header_row():
    # given rows with no header at all / then rejected without guessing one
    _assert_rejected(parse(b"x,y,z\n1,2,3\n"), "header row")
    _assert_rejected(parse(xlsx_bytes({"S": [["x", "y"], [1, 2]]})), "header row")


def test_unclosed_quote():
    # given a quote mark opened and never closed, in a row longer than the header
    _assert_rejected(parse(b'UPN,Group,Score\nA1,I,5,extra\nA2,C,"6\n'), "quote mark")


@pytest.mark.parametrize("make", [
    lambda rows: csv_bytes(rows),
    lambda rows: xlsx_bytes({"S": rows}),
])
def test_max_rows(make):
    # given 3 data rows against a limit of 2
    rows = [["UPN", "Group", "Score"]] + [[f"A{i}", "I", "5"] for i in range(3)]
    result = parse(make(rows), max_rows=2)
    # then the whole file is refused with the limit in the message
    _assert_rejected(result, "limit is 2 rows", "Split it")
    # and exactly at the limit it is fine
    assert parse(make(rows), max_rows=3).ok


def test_blank_rows_do_not_count_towards_max_rows():
    rows = [["UPN", "Group", "Score"], ["A1", "I", "5"]] + [["", "", ""]] * 50 + [["A2", "C", "6"]]
    result = parse(csv_bytes(rows), max_rows=2)
    assert result.ok and result.row_count == 2
