"""Builders for the import tests: made-up files in every shape, never real pupil data."""
from __future__ import annotations

import io
from typing import Any

import openpyxl

from research.imports import MeasureSpec, ParsedOutcomes, SchoolSpec, parse_outcome_file

READING = MeasureSpec(id=1, name="Reading", scale_min=0, scale_max=100)
MATHS = MeasureSpec(id=2, name="Maths", scale_min=0, scale_max=60)
WELLBEING = MeasureSpec(id=3, name="Well-being", scale_min=1, scale_max=5)
MEASURES = [READING, MATHS, WELLBEING]
ALPHA = SchoolSpec(id=10, name="Alpha Primary", urn="100001")
BETA = SchoolSpec(id=11, name="Beta Academy", urn="100002")
SCHOOLS = [ALPHA, BETA]
SECRET = b"test-secret-not-for-production"
ALLIANCE = "alliance-north"


def parse(data: bytes, **overrides: Any) -> ParsedOutcomes:
    """parse_outcome_file with the test project's settings; one school and Reading by default."""
    arguments: dict[str, Any] = dict(
        data=data, filename="upload.csv", measures=MEASURES, default_measure_id=READING.id,
        schools=SCHOOLS, default_school_id=ALPHA.id, secret=SECRET, alliance_key=ALLIANCE,
        max_rows=1000, max_errors=100,
    )
    arguments.update(overrides)
    return parse_outcome_file(**arguments)


def csv_text(rows: list[list[str]], delimiter: str = ",", newline: str = "\n") -> str:
    return newline.join(delimiter.join(cells) for cells in rows) + newline


def csv_bytes(rows: list[list[str]], delimiter: str = ",", encoding: str = "utf-8", newline: str = "\n") -> bytes:
    return csv_text(rows, delimiter, newline).encode(encoding)


def xlsx_bytes(sheets: dict[str, list[list[Any]]], percent_cells: tuple[str, ...] = ()) -> bytes:
    """A workbook with the given sheets in order; cells named in percent_cells get a 0% format."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
        for ref in percent_cells:
            sheet[ref].number_format = "0%"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


BASIC_ROWS = [
    ["UPN", "Group", "Score"],
    ["A100", "Intervention", "55"],
    ["A101", "Comparison", "47.5"],
]


def messages(result: ParsedOutcomes) -> list[str]:
    return [e.message for e in result.errors]


def located(result: ParsedOutcomes) -> list[tuple[int | None, str | None, str | None]]:
    """(row, column, value) of every error, for exact-position assertions."""
    return [(e.row, e.column, e.value) for e in result.errors]
