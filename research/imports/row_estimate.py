"""How many rows an outcome file holds, counted without parsing it (issue 13).

Enough to decide, before the slow part, whether an upload is imported in the request or by a
background job (IMPORT_JOB_ROWS): parsing is what takes the time (a 100k-row .xlsx takes about 20 s
through openpyxl), so deciding after parsing would keep the request waiting for exactly what the job
is for. A CSV's rows are its line breaks (a quoted line break counts twice, title rows count: an
estimate, slightly high); an .xlsx's are the <row> elements of its longest sheet, streamed through
the unpacker without building anything. A file that cannot be counted cheaply (not a sheet, a damaged
archive, a sheet beyond the unpacking limits) counts 0, so the request's own reader refuses it with
its usual message, as before.
"""
from __future__ import annotations

import io
import re
import zipfile

from .limits import ReadLimits

_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")
_TAG_LONGEST = 64  # no row tag start is longer: a match never straddles more than this
_CHUNK = 1 << 20
_SHEET = re.compile(r"xl/worksheets/[^/]+\.xml", re.IGNORECASE)


def estimate_rows(data: bytes, limits: ReadLimits) -> int:
    """Rows in the file, header and title rows included; 0 when it cannot be counted cheaply."""
    if data.startswith(b"PK\x03\x04"):
        return _xlsx_rows(data, limits)
    return _text_rows(data)


def _text_rows(data: bytes) -> int:
    if not data:
        return 0
    if data.startswith(b"\xff\xfe") or (not data.startswith(b"\xfe\xff") and data[1:200:2].count(0) > 50):
        newline = b"\n\x00"  # UTF-16 little-endian (Excel's "Unicode text")
    elif data.startswith(b"\xfe\xff") or data[0:200:2].count(0) > 50:
        newline = b"\x00\n"
    else:
        newline = b"\n" if b"\n" in data else b"\r"  # LF or CRLF; old Mac files end lines with CR alone
    lines = data.count(newline)
    return lines if data.rstrip(b"\x00 \t").endswith((b"\n", b"\r")) else lines + 1


def _xlsx_rows(data: bytes, limits: ReadLimits) -> int:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            sheets = [info for info in archive.infolist() if _SHEET.fullmatch(info.filename)]
            if len(archive.infolist()) > limits.max_zip_entries:
                return 0
            if sum(info.file_size for info in sheets) > limits.max_unzipped_bytes:
                return 0
            if any(info.file_size > limits.max_zip_ratio * max(info.compress_size, 1) for info in sheets):
                return 0
            return max((_count_rows(archive, info) for info in sheets), default=0)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, RuntimeError,
            NotImplementedError):
        return 0
    except Exception:  # zlib.error and the like: a damaged archive is the reader's to explain
        return 0


def _count_rows(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> int:
    """<row> start tags in one sheet, read a chunk at a time (ZipExtFile stops at the declared size)."""
    count, carry = 0, b""
    with archive.open(info) as stream:
        while chunk := stream.read(_CHUNK):
            buffer = carry + chunk
            cut = max(len(buffer) - _TAG_LONGEST, 0)
            count += sum(1 for match in _ROW_TAG.finditer(buffer) if match.start() < cut)
            carry = buffer[cut:]
    return count + len(_ROW_TAG.findall(carry))
