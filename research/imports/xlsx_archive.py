"""openpyxl, read-only, with every part of the workbook checked by xml_scan as it is unpacked.

openpyxl reads all of a workbook through its ZipFile, so a ZipFile whose `open` hands back a checked
stream puts every byte it parses under the limits, whatever the parts are called. The reader reads
only what the import uses: no chartsheets, external links, document properties or theme.
"""
from __future__ import annotations

import io
import zipfile
from typing import Any

from openpyxl.reader.excel import ExcelReader
from openpyxl.workbook import Workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from .xml_scan import PartScanner, ScanBudget


class CheckedPart:
    """An unpacking stream whose bytes reach the caller only once the scanner has passed them.

    `read(n)` may return more or fewer than n bytes (the tail of an unfinished tag waits for the
    next read); b"" means the end, as parsers expect.
    """

    def __init__(self, raw: Any, scanner: PartScanner) -> None:
        self._raw = raw
        self._scanner = scanner

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            return b"".join(iter(lambda: self.read(64 * 1024), b""))
        while True:
            data = self._raw.read(max(size, 1))
            if not data:
                return self._scanner.finish()
            ready = self._scanner.feed(data)
            if ready:
                return ready

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self._raw.close()

    def __enter__(self) -> CheckedPart:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class CheckedArchive(zipfile.ZipFile):
    def __init__(self, data: bytes, budget: ScanBudget) -> None:
        super().__init__(io.BytesIO(data))
        self.budget = budget

    def open(self, name: Any, mode: str = "r", pwd: bytes | None = None, **options: Any) -> Any:
        stream = super().open(name, mode, pwd, **options)
        if mode != "r":
            return stream
        part = name.filename if isinstance(name, zipfile.ZipInfo) else name
        return CheckedPart(stream, PartScanner(part, self.budget))


class _UnsizedSheet(ReadOnlyWorksheet):
    def _get_size(self) -> None:
        # openpyxl parses a whole sheet that has no <dimension> just to size it; the reader resets the
        # size anyway (exporters write wrong ones), so that second parse is skipped.
        pass


class _CheckedReader(ExcelReader):
    def __init__(self, data: bytes, budget: ScanBudget) -> None:
        super().__init__(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
        self.archive.close()
        self.archive = CheckedArchive(data, budget)
        self.valid_files = self.archive.namelist()
        self.budget = budget

    def read_properties(self) -> None:
        pass

    def read_custom(self) -> None:
        pass

    def read_theme(self) -> None:
        pass

    def read_worksheets(self) -> None:
        for sheet, rel in self.parser.find_sheets():
            if rel.target not in self.valid_files or "chartsheet" in rel.Type:
                continue
            self.budget.sheet_titles[rel.target] = sheet.name
            worksheet = _UnsizedSheet(self.wb, sheet.name, rel.target, self.shared_strings)
            worksheet.sheet_state = sheet.state
            self.wb._sheets.append(worksheet)


def open_workbook(data: bytes, budget: ScanBudget) -> Workbook:
    """A read-only workbook whose every later read is checked too; close it when done."""
    reader = _CheckedReader(data, budget)
    reader.read()
    budget.raise_if_refused()
    return reader.wb
