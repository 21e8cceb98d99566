"""Opening an uploaded zip (an .xlsx is one) without trusting it: how many parts, and how big unpacked.

Python's zipfile never returns more than an entry's declared size (and fails the CRC if the data
disagrees), so checking the declared sizes from the central directory bounds every later read. Only
stored and deflated entries are read: zipfile unpacks bzip2 and LZMA input without an output bound per
call, so a few kilobytes of either could become gigabytes before the size is enforced.
"""
from __future__ import annotations

import io
import struct
import zipfile

from ..files import human_size
from .limits import ReadLimits
from .specs import UnreadableFile

_END_RECORD = b"PK\x05\x06"
_END_RECORD_SIZE = 22
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_END_RECORD = b"PK\x06\x06"
_ZIP64_END_RECORD_SIZE = 56
_CENTRAL_RECORD_BYTES = 1024  # a generous average for one entry's central-directory record
_SMALL_PART = 1024 * 1024  # below this a high packing ratio costs nothing
_RESAVE = "Open it in Excel and save it again as .xlsx, or save it as CSV, then upload that."


def open_zip(data: bytes, limits: ReadLimits) -> zipfile.ZipFile:
    """A ZipFile over `data`, refused first if its table of contents is too long to be a workbook's.

    zipfile builds an object per entry as it opens the archive, so the entry count is read from the
    end record before that (20 MB of tiny entries would otherwise make 400,000 of them).
    """
    declared = _declared_directory(data)
    if declared is not None:
        entries, directory_bytes = declared
        if entries > limits.max_zip_entries or directory_bytes > limits.max_zip_entries * _CENTRAL_RECORD_BYTES:
            raise UnreadableFile(_too_many_entries(max(entries, directory_bytes // _CENTRAL_RECORD_BYTES), limits))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception:  # zipfile raises many kinds for a broken file; all mean the same to the user
        raise UnreadableFile(f"This file looks like a damaged Excel workbook or zip archive. {_RESAVE}") from None
    count = len(archive.infolist())
    if count > limits.max_zip_entries:
        archive.close()
        raise UnreadableFile(_too_many_entries(count, limits))
    return archive


def check_unpacked_sizes(archive: zipfile.ZipFile, limits: ReadLimits) -> None:
    """Refuse a workbook whose parts would unpack to more than the readers take on."""
    total = 0
    for entry in archive.infolist():
        _check_method(entry)
        total += entry.file_size
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > _SMALL_PART and ratio > limits.max_zip_ratio:
            raise UnreadableFile(
                f"Part of this workbook unpacks to {human_size(entry.file_size)} from "
                f"{human_size(entry.compress_size)} ({ratio:,.0f} times smaller when packed); real workbooks pack "
                f"at most about {limits.max_zip_ratio} times smaller, so it is not read. {_RESAVE}",
                {"format": "xlsx"},
            )
    if total > limits.max_unzipped_bytes:
        raise UnreadableFile(
            f"This workbook unpacks to {human_size(total)}; at most {human_size(limits.max_unzipped_bytes)} are "
            "read. Delete the empty rows and columns around the data and any sheets the import does not need, "
            "or save the data sheet as CSV, and upload that.",
            {"format": "xlsx"},
        )


def read_head(archive: zipfile.ZipFile, name: str, size: int) -> bytes:
    """The first `size` bytes of an entry, never unpacking more (an 8 GB entry costs nothing)."""
    _check_method(archive.getinfo(name))
    with archive.open(name) as entry:
        return entry.read(size)


def _check_method(entry: zipfile.ZipInfo) -> None:
    if entry.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise UnreadableFile(
            "This file is packed with a zip method Excel never uses, so it is not read. "
            "Upload the pupil data as a CSV file or an Excel .xlsx workbook saved by Excel."
        )


def _declared_directory(data: bytes) -> tuple[int, int] | None:
    """(entries, central directory bytes) from the end record, found as zipfile finds it; None if
    there is none (zipfile then refuses the file itself)."""
    at = len(data) - _END_RECORD_SIZE
    if not (at >= 0 and data[at:at + 4] == _END_RECORD and data[-2:] == b"\x00\x00"):
        at = data.rfind(_END_RECORD, max(len(data) - _END_RECORD_SIZE - 65_535, 0))
    if at < 0 or len(data) - at < _END_RECORD_SIZE:
        return None
    entries, directory_bytes = struct.unpack("<HI", data[at + 10:at + 16])
    locator = at - 20
    if locator >= _ZIP64_END_RECORD_SIZE and data[locator:locator + 4] == _ZIP64_LOCATOR:
        record = locator - _ZIP64_END_RECORD_SIZE
        if data[record:record + 4] == _ZIP64_END_RECORD:
            entries, directory_bytes = struct.unpack("<QQ", data[record + 32:record + 48])
    return entries, directory_bytes


def _too_many_entries(count: int, limits: ReadLimits) -> str:
    return (f"This zip file holds {count:,} files; an Excel workbook holds a few dozen (at most "
            f"{limits.max_zip_entries:,} are read), so it is not a spreadsheet this import can read. "
            "Upload the pupil data as a CSV file or an Excel .xlsx workbook.")
