"""How much of an uploaded file the readers take on (issue 11: memory and time bombs).

The byte cap alone bounds nothing: 150 KB of zip can unpack to gigabytes, and one 20 MB CSV line can
hold ten million columns. Every reader checks these limits before (or while) it builds anything in
memory, so any file under the byte cap is answered in bounded time and memory, with a message that
says which limit was hit and how to fix the file.
"""
from __future__ import annotations

from dataclasses import dataclass

# Excel's own grid: a real workbook never goes beyond it.
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384


@dataclass(frozen=True)
class ReadLimits:
    # Settings (config/settings.py, OUTCOME_MAX_*): what a user may reasonably need.
    max_columns: int = 500
    max_cell_chars: int = 32_767  # Excel's own limit for one cell
    max_cells: int = 1_000_000  # cells in one sheet's XML
    max_unzipped_bytes: int = 200 * 1024 * 1024  # a million cells of sheet XML take about 40 MB
    # Fixed: no real file comes near them, they only keep a crafted one in bounds.
    max_zip_entries: int = 1_000  # an Excel workbook has a few dozen parts
    max_zip_ratio: int = 200  # sheet XML packs 5-30 times smaller; a bomb 1,000 times
    max_shared_strings: int = 250_000  # distinct texts in a workbook, all kept in memory
    max_row_chars: int = 1_048_576  # one CSV row; bounds what the csv module splits at once
    max_row_tags: int = 20_000  # XML tags in one sheet row or one shared text (built as a tree)
    max_other_tags: int = 150_000  # tags openpyxl makes objects of (styles, merges, names, formatted text):
    #                                 a cell style costs it 40 µs and 1 KB, so 150,000 cost 6 s and 140 MB
    max_tags: int = 20_000_000  # XML tags in all: bounds the parse time of whatever they are
    max_grid_cells: int = 4_000_000  # a sheet's extent, first row to last value, as calamine lays it out
    #                                   (32 bytes a cell: 128 MB); cells with values are max_cells at most

    def max_sheet_rows(self, max_rows: int) -> int:
        """Rows in a file counting blank ones: room for title and spacer rows, never beyond Excel's grid.

        Blank rows are skipped, not counted as data, but each still costs memory (openpyxl keeps every
        formatted row's attributes), so a sheet formatted down to row 1,048,576 is refused.
        """
        return min(max_rows * 5 // 4 + 1_000, EXCEL_MAX_ROWS)


def configured_limits() -> ReadLimits:
    """The limits from the OUTCOME_MAX_* settings, or the defaults outside Django."""
    from django.conf import settings  # late: the readers stay usable (and testable) without Django

    defaults = ReadLimits()
    if not settings.configured:
        return defaults
    return ReadLimits(
        max_columns=getattr(settings, "OUTCOME_MAX_COLUMNS", defaults.max_columns),
        max_cell_chars=getattr(settings, "OUTCOME_MAX_CELL_CHARS", defaults.max_cell_chars),
        max_cells=getattr(settings, "OUTCOME_MAX_CELLS", defaults.max_cells),
        max_unzipped_bytes=getattr(settings, "OUTCOME_MAX_UNZIPPED_BYTES", defaults.max_unzipped_bytes),
    )
