"""What a file really is, judged by its first bytes, not by its name."""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass


@dataclass(frozen=True)
class FileType:
    label: str
    content_type: str
    extensions: tuple[str, ...]


PDF = FileType("PDF", "application/pdf", (".pdf",))
PNG = FileType("PNG image", "image/png", (".png",))
JPEG = FileType("JPEG image", "image/jpeg", (".jpg", ".jpeg"))
GIF = FileType("GIF image", "image/gif", (".gif",))
DOCX = FileType("Word document", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",))
XLSX = FileType("Excel workbook", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",))
PPTX = FileType("PowerPoint presentation",
                "application/vnd.openxmlformats-officedocument.presentationml.presentation", (".pptx",))
ODT = FileType("OpenDocument text", "application/vnd.oasis.opendocument.text", (".odt",))
MP3 = FileType("MP3 audio", "audio/mpeg", (".mp3",))
M4A = FileType("MP4 audio or video", "video/mp4", (".m4a", ".mp4"))
WAV = FileType("WAV audio", "audio/wav", (".wav",))
TEXT = FileType("plain text", "text/plain", (".txt", ".csv", ".md"))

ALLOWED_EVIDENCE_TYPES = (PDF, PNG, JPEG, GIF, DOCX, XLSX, PPTX, ODT, MP3, M4A, WAV, TEXT)

# Recognised so the error can say what the file really is.
_DANGEROUS = (
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a Linux program"),
    (b"\xcf\xfa\xed\xfe", "a Mac program"),
    (b"#!", "a script"),
    (b"\xd0\xcf\x11\xe0", "an old Office file (.doc/.xls/.ppt)"),
)


def _sniff_zip(head: bytes, data: io.BufferedIOBase | None) -> FileType | None:
    if data is None:
        return None
    try:
        data.seek(0)
        names = set(zipfile.ZipFile(data).namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        data.seek(0)
    if "[Content_Types].xml" in names:
        if any(n.startswith("word/") for n in names):
            return DOCX
        if any(n.startswith("xl/") for n in names):
            return XLSX
        if any(n.startswith("ppt/") for n in names):
            return PPTX
    if "mimetype" in names and "content.xml" in names:
        return ODT
    return None


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the end of the sample is still text.
        if error.start < len(head) - 3:
            return False
    return True


def sniff(stream) -> FileType | None:
    """The allowed type the content matches, or None."""
    stream.seek(0)
    head = stream.read(2048)
    stream.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head.startswith(b"ID3") or head[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return MP3
    if head[4:8] == b"ftyp":
        return M4A
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return WAV
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(head, stream)
    if head and _looks_like_text(head):
        return TEXT
    return None


def describe_unknown(stream) -> str:
    stream.seek(0)
    head = stream.read(16)
    stream.seek(0)
    for magic, label in _DANGEROUS:
        if head.startswith(magic):
            return label
    return "a type we do not accept"


def human_size(size: int) -> str:
    """'600 KB', '1.5 MB', '20 MB': sizes as a teacher reads them (never '0 MB')."""
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= scale:
            value = f"{size / scale:.1f}".removesuffix(".0")
            return f"{value} {unit}"
    return f"{size} bytes"
