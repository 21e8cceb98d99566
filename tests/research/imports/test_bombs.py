"""Upload bombs (issue 11): every file under the byte cap is answered in bounded memory and time.

Each bomb from tests/bench/bombs.py is built in tmp_path and parsed in a fresh interpreter whose
address space may grow by at most 500 MB after its imports: a reader that tried to hold a bomb would
fail there with MemoryError, not take the machine. Files near the limits must still import.
"""
import io
import random
import zipfile
from functools import partial

import openpyxl
import pytest

from research.imports import ReadLimits
from research.imports.limits import configured_limits
from research.imports.xml_scan import PartScanner, ScanBudget
from tests.api.test_outcomes_support import counts, long_rows, post_file, project_urns, pupils
from tests.api.test_outcomes_support import csv_bytes as upload_bytes
from tests.bench.bombs import (BOMBS, SHEET_HEAD, SHEET_TAIL, as_expected, dense_cells, many_texts, packed,
                               parse_in_child, workbook_parts, zip_bytes)

from .helpers import csv_bytes, messages, parse, xlsx_bytes

MEMORY_MB = 500
SECONDS = 30

# The two slow bombs at a tenth of their size, against limits lowered to match: the same code path.
SCALED = {
    "xlsx 4 million cells": (partial(dense_cells, rows=20_000, columns=10), {"max_cells": 100_000},
                             "more than 100,000 cells"),
    "xlsx 2 million shared strings": (partial(many_texts, count=100_000), {"max_shared_strings": 40_000},
                                      "more than 40,000 different texts"),
}


@pytest.mark.parametrize("bomb", [b for b in BOMBS if b.expect is not None], ids=lambda b: b.name)
def test_each_bomb_is_refused_in_bounded_memory_and_time(bomb, tmp_path):
    # given the bomb, built on disk
    path = tmp_path / "upload"
    build, limits, expect = SCALED.get(bomb.name, (bomb.build, {}, bomb.expect))
    build(path)
    assert path.stat().st_size <= 20 * 1024 * 1024  # under the upload cap: only the readers can stop it
    # when a fresh process parses it, allowed 500 MB more than it needs idle
    outcome = parse_in_child(path, memory_limit_mb=MEMORY_MB, limits=limits)
    # then it is refused with the message for its limit, without running out of memory or time
    assert "crashed" not in outcome and not outcome.get("memory_error"), outcome
    assert expect in outcome["message"], outcome
    assert outcome["seconds"] < SECONDS and outcome["peak_mb"] < MEMORY_MB


def test_the_bench_corpus_expectations_hold_for_a_refused_and_a_read_file():
    # given outcomes as the child reports them / then as_expected tells refused from read
    refused = next(b for b in BOMBS if b.expect is not None)
    within = next(b for b in BOMBS if b.expect is None)
    assert as_expected(refused, {"message": f"... {refused.expect} ...", "rows": 0})
    assert not as_expected(refused, {"message": "something else", "rows": 0})
    assert as_expected(within, {"message": "", "rows": 10})
    assert not as_expected(within, {"message": "refused", "rows": 0})


# --- no false refusals: files near the limits import ------------------------------------------------


def _wide_rows(columns: int, rows: int = 50, long_cell: str = "") -> list[list[str]]:
    header = ["UPN", "Group", "Score"] + [f"Note {n}" for n in range(columns - 3)]
    body = [[f"A{i}", "I" if i % 2 else "C", str(i % 90)] + ["x"] * (columns - 3) for i in range(rows)]
    if long_cell:
        body[0][-1] = long_cell
    return [header, *body]


@pytest.mark.parametrize("make", [csv_bytes, lambda rows: xlsx_bytes({"Pupils": rows})], ids=["csv", "xlsx"])
def test_200_columns_and_a_long_cell_import(make):
    # given 200 columns and a 30,000-character note
    data = make(_wide_rows(200, long_cell="n" * 30_000))
    # when parsed with the default limits / then every row is read
    result = parse(data, limits=ReadLimits())
    assert result.ok, messages(result)
    assert result.row_count == 50


@pytest.mark.parametrize("make", [csv_bytes, lambda rows: xlsx_bytes({"Pupils": rows})], ids=["csv", "xlsx"])
def test_the_column_limit_is_inclusive(make):
    # given files 500 and 501 columns wide / then 500 imports and 501 is refused naming both numbers
    assert parse(make(_wide_rows(500, rows=3)), limits=ReadLimits()).ok
    refused = parse(make(_wide_rows(501, rows=3)), limits=ReadLimits())
    assert not refused.ok and refused.records.empty
    assert "501" in refused.message and "at most 500" in refused.message


def test_the_cell_length_limit_is_excels():
    # given a CSV note of 32,767 characters (Excel's most) and one of 32,768
    fits = csv_bytes([["UPN", "Group", "Score", "Notes"], ["A1", "I", "5", "n" * 32_767]])
    too_long = csv_bytes([["UPN", "Group", "Score", "Notes"], ["A1", "I", "5", "n" * 32_768]])
    # then the first imports and the second is refused at its row
    assert parse(fits, limits=ReadLimits()).ok
    refused = parse(too_long, limits=ReadLimits())
    assert refused.message.startswith("Row 2 has a cell longer than 32,767 characters")


def test_csv_trailing_empty_columns_and_headerless_data():
    # given trailing commas (stray Excel formatting) and one value under a blank header
    rows = [["UPN", "Group", "Score", "", "", ""], ["A1", "I", "5", "", "", ""], ["", "", "", "", "stray", ""],
            ["A2", "C", "6", "", "", ""]]
    result = parse(csv_bytes(rows), limits=ReadLimits())
    # then the empty columns are trimmed, the column with a value is kept, and that row is reported
    assert result.columns_read == ["UPN", "Group", "Score", "(column D)", "(column E)"]
    # (its pupil id and group are blank; its blank score only marks the pupil absent)
    assert result.row_count == 3 and [e.row for e in result.errors] == [3, 3]


# --- limits in each reader, small ------------------------------------------------------------------


def test_blank_rows_count_towards_the_sheet_row_limit():
    # given max_rows 10 (so 1,012 sheet rows) and a workbook whose last row is 1,012, then 1,013
    def workbook(last_row: int) -> bytes:
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(["UPN", "Group", "Score"])
        sheet.append(["A1", "I", 5])
        sheet.cell(row=last_row, column=1, value="A2")
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()

    assert ReadLimits().max_sheet_rows(10) == 1_012
    read = parse(workbook(1_012), max_rows=10, limits=ReadLimits())
    assert read.row_count == 2 and "rows down to" not in " ".join(messages(read))
    refused = parse(workbook(1_013), max_rows=10, limits=ReadLimits())
    assert "rows down to row 1,013; at most 1,012 rows are read" in refused.message


def test_a_workbook_over_the_unpacked_size_is_refused_before_parsing():
    data = xlsx_bytes({"Pupils": _wide_rows(3)})
    refused = parse(data, limits=ReadLimits(max_unzipped_bytes=2_000))
    assert "unpacks to" in refused.message and "at most 2 KB are read" in refused.message


def test_a_workbook_with_a_document_type_declaration_is_refused():
    sheet = (b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY u "UPN">]>'
             + SHEET_HEAD.split(b"?>", 1)[1] + b'<row r="1"><c r="A1" t="inlineStr"><is><t>&u;</t></is></c></row>'
             + SHEET_TAIL)
    assert "XML declarations Excel never writes" in parse(_workbook(sheet)).message


def test_prefixed_sheet_xml_is_read_and_checked_alike():
    # given sheet XML that names its elements with a prefix (some exporters do)
    def sheet(cells: bytes) -> bytes:
        return (b'<?xml version="1.0"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/'
                b'main"><x:sheetData><x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>UPN</x:t></x:is></x:c>'
                b'<x:c r="B1" t="inlineStr"><x:is><x:t>Group</x:t></x:is></x:c><x:c r="C1" t="inlineStr"><x:is>'
                b'<x:t>Score</x:t></x:is></x:c></x:row><x:row r="2"><x:c r="A2" t="inlineStr"><x:is><x:t>A1</x:t>'
                b'</x:is></x:c><x:c r="B2" t="inlineStr"><x:is><x:t>I</x:t></x:is></x:c><x:c r="C2"><x:v>5</x:v>'
                b"</x:c>" + cells + b"</x:row></x:sheetData></x:worksheet>")

    # then it imports, and a cell past the column limit is found as in plain XML
    assert parse(_workbook(sheet(b""))).ok
    wide = parse(_workbook(sheet(b'<x:c r="SG2"><x:v>1</x:v></x:c>')), limits=ReadLimits())
    assert "column SG (column 501, row 2)" in wide.message


def test_a_zip_with_more_entries_than_a_workbook_has_is_refused_unopened():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for n in range(1_001):
            archive.writestr(f"part{n}.xml", b"")
    assert "holds 1,001 files" in parse(buffer.getvalue(), limits=ReadLimits()).message


def test_the_scanner_hands_on_every_byte_once_in_order():
    # given sheet XML cut into random pieces, some ending inside a tag
    xml = SHEET_HEAD + b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (n, n, n) for n in range(1, 3000)) \
        + SHEET_TAIL
    rng = random.Random(5)
    scanner = PartScanner("sheet.xml", ScanBudget(ReadLimits(), sheet_rows=5_000))
    handed, at = [], 0
    while at < len(xml):
        size = rng.randint(1, 300)
        handed.append(scanner.feed(xml[at:at + size]))
        at += size
    handed.append(scanner.finish())
    # then the parser gets exactly the input, and every row and cell was counted
    assert b"".join(handed) == xml
    assert (scanner.rows, scanner.cells) == (2999, 2999)


def test_limits_come_from_settings(settings):
    settings.OUTCOME_MAX_COLUMNS = 7
    settings.OUTCOME_MAX_CELL_CHARS = 100
    assert (configured_limits().max_columns, configured_limits().max_cell_chars) == (7, 100)


# --- through the API: the usual 400 -----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("dry_run", [False, True])
def test_a_file_past_a_limit_is_a_400_naming_it_and_nothing_is_written(world, api, settings, dry_run):
    # given a 4-column limit and a 5-column file
    settings.OUTCOME_MAX_COLUMNS = 4
    project = world.projects["theory"]
    data = upload_bytes(long_rows(pupils(3), project_urns(project)))
    # when a member uploads it (or tries it with dry_run)
    response = post_file(api(world.user("member")), project, data, measure=world.measure, dry_run=dry_run)
    # then the answer is the usual invalid_file 400 with the limit and the fix, and nothing is stored
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_file" and body["error_total"] == 1 and body["row_errors"][0]["row"] is None
    assert body["row_errors"][0]["message"].startswith("This file has 5 columns; at most 4 are read. Remove")
    assert counts() == (0, 0)


def _workbook(sheet: bytes) -> bytes:
    """A one-sheet workbook around `sheet` XML (the bench's minimal parts)."""
    return zip_bytes(workbook_parts(packed("xl/worksheets/sheet1.xml", sheet)))
