"""The workbook calamine reads: a fresh archive made only of bytes xml_scan has passed, its sheets' extent checked.

calamine (Rust, through python-calamine) reads a sheet ten times faster than openpyxl, but differently, and
three of its habits would let a small file take the worker down if it saw the upload itself:

- It lays each sheet out as one dense grid from its top-left to its bottom-right value. Two cells, A1 and
  SF251000, make a 125-million-cell grid (4 GB); the allocation fails inside Rust, which aborts the whole
  process (no Python exception, no message). Cell positions come from each cell's own `r` (row and
  column), or, without one, from a running count, so this module works them out as calamine does and
  refuses a grid over `max_grid_cells`, or rows past the sheet-row limit, before calamine runs.
- It reserves room for as many shared texts as the workbook declares (xml_scan refuses a declared count
  over the limit).
- It reads the zip with its own code (names matched case-insensitively, its own view of sizes). So it is
  never given the upload: every part it could read is unpacked here by Python's zipfile (declared sizes,
  CRC checked), passed through xml_scan's PartScanner, and written into a new archive, stored uncompressed
  (compressing it again for calamine to unpack took a fifth of an .xlsx import; the copy is at most
  OUTCOME_MAX_UNZIPPED_BYTES, and `make bench` prints the peak memory of a workbook at the limits). Parts
  it never reads (images, themes, document properties, drawings...) are left out.

Two rewrites keep what the openpyxl reader gave: an error cell (`#N/A`, `#DIV/0!`) is kept as its text
(python-calamine would hand it over as an empty cell, which the import would take for a missing score),
and a number with a percent format is multiplied by 100 (a 45% cell means 45, not 0.45).
"""
from __future__ import annotations

import html
import io
import re
import zipfile
from dataclasses import dataclass, field


from .limits import ReadLimits
from .specs import UnreadableFile
from .xml_scan import PartScanner, ScanBudget
from .xlsx_sheet_cells import _ATTRIBUTES, _CHUNK, _PERCENT_BUILTINS, _PREFIX, _RESAVE, _SheetCells, _UNREAD_FOLDERS  # noqa: F401


@dataclass
class CheckedWorkbook:
    data: bytes  # the new archive, for calamine
    sheet_titles: dict[str, str] = field(default_factory=dict)  # part name -> title


def checked_copy(data: bytes, limits: ReadLimits, budget: ScanBudget) -> CheckedWorkbook:
    """Raises UnreadableFile (with the limit and the fix) for a workbook past any limit, or damaged."""
    try:
        source = zipfile.ZipFile(io.BytesIO(data))
    except Exception:
        raise UnreadableFile(_damaged(), {"format": "xlsx"}) from None
    with source:
        entries = _entries(source)
        output = io.BytesIO()
        with zipfile.ZipFile(output, "w", zipfile.ZIP_STORED) as target:
            copier = _Copier(source, target, limits, budget)
            xl_folder = _folder_of(_office_document(copier.copy_kept(entries.pop("_rels/.rels", None))))
            book = copier.copy_kept(entries.pop(f"{xl_folder}workbook.xml", None))
            links = copier.copy_kept(entries.pop(f"{xl_folder}_rels/workbook.xml.rels", None))
            sheets = _sheet_parts(book, links, xl_folder)
            budget.sheet_titles.update({entries[key].filename: title for key, title in sheets.items() if key in entries})
            copier.percent_styles = _percent_styles(copier.copy_kept(entries.pop(f"{xl_folder}styles.xml", None)))
            for key, entry in entries.items():
                if _is_read(key, xl_folder):
                    copier.copy(entry)
    budget.raise_if_refused()
    return CheckedWorkbook(output.getvalue(), dict(budget.sheet_titles))


def _entries(source: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """Entries by the name calamine looks them up by (lower case, forward slashes); two alike are refused."""
    entries: dict[str, zipfile.ZipInfo] = {}
    for entry in source.infolist():
        key = entry.filename.replace("\\", "/").lower()
        if key in entries:
            raise UnreadableFile(f"This workbook holds two parts called '{entry.filename}', which Excel never "
                                 f"writes. {_RESAVE}", {"format": "xlsx"})
        entries[key] = entry
    return entries


def _is_read(key: str, xl_folder: str) -> bool:
    if not key.endswith((".xml", ".rels")) or key.startswith(("docprops/", "customxml/", "[content_types]")):
        return False
    inside = key[len(xl_folder):] if key.startswith(xl_folder) else key
    return not inside.startswith(_UNREAD_FOLDERS)


class _Copier:
    def __init__(self, source: zipfile.ZipFile, target: zipfile.ZipFile, limits: ReadLimits,
                 budget: ScanBudget) -> None:
        self.source, self.target, self.limits, self.budget = source, target, limits, budget
        self.percent_styles: set[int] = set()

    def copy_kept(self, entry: zipfile.ZipInfo | None) -> bytes:
        """Copy a small part the workbook is found by, and hand back its checked bytes."""
        if entry is None:
            return b""
        kept: list[bytes] = []
        self.copy(entry, kept)
        return b"".join(kept)

    def copy(self, entry: zipfile.ZipInfo, kept: list[bytes] | None = None) -> None:
        scanner = PartScanner(entry.filename, self.budget)
        sheet = _SheetCells(entry.filename, self.limits, self.budget, self.percent_styles)
        try:
            with self.source.open(entry) as unpacking, self.target.open(entry.filename, "w") as packing:
                pending = b""
                while True:
                    data = unpacking.read(_CHUNK)
                    checked = scanner.feed(data) if data else scanner.finish()
                    pending += checked
                    cut = len(pending) if not data else sheet.cut(pending)
                    piece, pending = pending[:cut], pending[cut:]
                    piece = sheet.feed(piece)
                    packing.write(piece)
                    if kept is not None:
                        kept.append(piece)
                    if not data:
                        break
        except UnreadableFile:
            raise
        except Exception:  # a bad CRC, a broken deflate stream: zipfile raises many kinds
            self.budget.raise_if_refused()
            raise UnreadableFile(_damaged(), {"format": "xlsx"}) from None
        if sheet.needs_replay:
            # Some cells have no reference: place every cell in order, as calamine will.
            with self.source.open(entry) as unpacking:
                sheet.replay(unpacking)
        sheet.check()


# --- the parts the workbook is found by ------------------------------------------------------------

def _tags(xml: bytes, name: bytes) -> list[dict[bytes, str]]:
    found = []
    for attributes in re.findall(b"<" + _PREFIX + name + rb"(?=[\s/>])([^<]*)", xml):
        found.append({key.rsplit(b":", 1)[-1]: html.unescape((double or single).decode("utf-8", "replace"))
                      for key, double, single in _ATTRIBUTES.findall(attributes)})
    return found


def _office_document(rels: bytes) -> str:
    for relationship in _tags(rels, b"Relationship"):
        if relationship.get(b"Type", "").endswith("/relationships/officeDocument"):
            return relationship.get(b"Target", "")
    return ""


def _folder_of(target: str) -> str:
    """The workbook's folder as calamine takes it: the target up to its last '/', without a leading one."""
    folder = target[:target.rfind("/") + 1] if "/" in target else ""
    return folder.removeprefix("/").lower()


def _sheet_parts(book: bytes, links: bytes, xl_folder: str) -> dict[str, str]:
    """Lower-case part name -> sheet title, resolved as calamine resolves them."""
    targets = {link.get(b"Id", ""): link.get(b"Target", "") for link in _tags(links, b"Relationship")}
    parts = {}
    for sheet in _tags(book, b"sheet"):
        target = targets.get(sheet.get(b"id", ""))
        if target:
            path = target[1:] if target.startswith("/") else f"{xl_folder}{target}"
            parts[path.replace("\\", "/").lower()] = sheet.get(b"name", "")
    return parts


def _percent_styles(styles: bytes) -> set[int]:
    """Positions in cellXfs of the styles whose number format shows a percent (as openpyxl judged it)."""
    if not styles:
        return set()
    custom = {tag.get(b"numFmtId", ""): tag.get(b"formatCode", "") for tag in _tags(styles, b"numFmt")}
    start = re.search(b"<" + _PREFIX + rb"cellXfs(?=[\s/>])", styles)
    end = re.search(b"</" + _PREFIX + rb"cellXfs\s*>", styles)
    if start is None:
        return set()
    section = styles[start.end():end.start() if end is not None else len(styles)]
    percent = set()
    for position, xf in enumerate(_tags(section, b"xf")):
        number_format = xf.get(b"numFmtId", "0").strip()
        if "%" in custom.get(number_format, "") or (number_format not in custom and number_format.isdigit()
                                                     and int(number_format) in _PERCENT_BUILTINS):
            percent.add(position)
    return percent


def _damaged() -> str:
    return ("The Excel file could not be opened; it may be damaged or password-protected. "
            "Open it in Excel and save it again as .xlsx (or as CSV), then upload that.")
