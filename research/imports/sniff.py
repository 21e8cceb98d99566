"""What the uploaded bytes really are, judged by content (never by the file name), and how the
text of a CSV is encoded."""
from __future__ import annotations

from .limits import ReadLimits
from .specs import UnreadableFile
from .zip_checks import open_zip, read_head

_SAVE_AS = "Open it in Excel and use Save As to save it as an Excel Workbook (.xlsx) or as CSV, then upload that."
_UPLOAD = "Upload the pupil data as a CSV file or an Excel .xlsx workbook."

# Leading bytes of formats people upload by mistake -> what to tell them.
_NOT_SPREADSHEETS: tuple[tuple[bytes, str], ...] = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
     f"This is an old-style Excel file (.xls) or a password-protected workbook, which cannot be read. {_SAVE_AS}"),
    (b"%PDF", f"This is a PDF, not a spreadsheet. {_UPLOAD}"),
    (b"\x89PNG", f"This is a PNG image, not a spreadsheet. {_UPLOAD}"),
    (b"\xff\xd8\xff", f"This is a JPEG image, not a spreadsheet. {_UPLOAD}"),
    (b"GIF8", f"This is a GIF image, not a spreadsheet. {_UPLOAD}"),
    (b"{\\rtf", f"This is a rich-text (RTF) document, not a spreadsheet. {_UPLOAD}"),
    (b"MZ", f"This is a program, not a spreadsheet. {_UPLOAD}"),
    (b"\x7fELF", f"This is a program, not a spreadsheet. {_UPLOAD}"),
)
_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_SAMPLE_BYTES = 65536
# Bytes no text file contains (tab, LF, FF, CR and ESC excepted); a few may be stray, many mean binary.
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27))
EMPTY_MESSAGE = "The file is empty. Upload a spreadsheet with a header row and one row per pupil."
_BINARY_MESSAGE = f"This file is not a spreadsheet (its content is not text or an Excel workbook). {_UPLOAD}"


def detect_format(data: bytes, limits: ReadLimits) -> str:
    """'xlsx' or 'csv'; raises UnreadableFile, with advice, for anything else."""
    if not data.strip(b" \t\r\n\x00") or data in (bom for bom, _ in _BOMS):
        raise UnreadableFile(EMPTY_MESSAGE)
    for magic, message in _NOT_SPREADSHEETS:
        if data.startswith(magic):
            raise UnreadableFile(message)
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_kind(data, limits)
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<table")):
        raise UnreadableFile(
            f"This is a web page (HTML) saved with a spreadsheet name, as some systems export. {_SAVE_AS}"
        )
    if head.startswith(b"<?xml"):
        raise UnreadableFile(f"This is an XML file (perhaps an old 'XML Spreadsheet'), not CSV or .xlsx. {_SAVE_AS}")
    return "csv"


def _zip_kind(data: bytes, limits: ReadLimits) -> str:
    with open_zip(data, limits) as archive:
        names = set(archive.namelist())
        try:
            # Only the head: an OpenDocument mimetype is one line, a crafted one can unpack to gigabytes.
            mimetype = read_head(archive, "mimetype", 100) if "mimetype" in names else b""
        except UnreadableFile:
            raise
        except Exception:  # zipfile raises many kinds (bad CRC, unsupported version, encryption) for a broken file
            raise UnreadableFile(f"This file looks like a damaged Excel workbook or zip archive. {_SAVE_AS}") from None
    if "xl/workbook.xml" in names:
        return "xlsx"
    if b"opendocument.spreadsheet" in mimetype:
        raise UnreadableFile(f"This is an OpenDocument spreadsheet (.ods). {_SAVE_AS}")
    if "word/document.xml" in names or b"opendocument.text" in mimetype:
        raise UnreadableFile(f"This is a word-processor document, not a spreadsheet. {_UPLOAD}")
    raise UnreadableFile("This is a zip archive, not a spreadsheet. Unzip it and upload the CSV or .xlsx file inside.")


def _looks_binary(sample: bytes) -> bool:
    if b"\x00" in sample:
        return True
    control = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return control > max(2, len(sample) // 100)


def _utf16_without_bom(sample: bytes) -> str | None:
    """Mostly-ASCII UTF-16 shows as NUL in every other byte; which half tells the byte order."""
    even, odd = sample[0::2], sample[1::2]
    if len(sample) < 4 or len(sample) % 2:
        return None
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, encoding used). Tries BOMs, then UTF-8, then Windows-1252, in that order."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _decode_known(data[len(bom):], encoding)
    encoding = _utf16_without_bom(data[:_SAMPLE_BYTES])
    if encoding:
        return _decode_known(data, encoding)
    if _looks_binary(data[:_SAMPLE_BYTES]):
        raise UnreadableFile(_BINARY_MESSAGE)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        # Windows-1252 maps every byte but five; those become U+FFFD rather than failing the upload.
        return data.decode("cp1252", errors="replace"), "windows-1252"


def _decode_known(body: bytes, encoding: str) -> tuple[str, str]:
    codec = "utf-8" if encoding == "utf-8-sig" else encoding
    try:
        text = body.decode(codec)
    except UnicodeDecodeError:
        if encoding != "utf-8-sig":
            raise UnreadableFile(f"The file says it is {encoding.upper()} text but is not. {_SAVE_AS}") from None
        # A UTF-8 mark in front of Windows-1252 text: an editor's doing; the text is still readable.
        text, encoding = body.decode("cp1252", errors="replace"), "windows-1252"
    if "\x00" in text[:_SAMPLE_BYTES]:
        raise UnreadableFile(_BINARY_MESSAGE)
    return text, encoding
