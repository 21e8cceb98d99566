"""Evidence uploads: type judged by content, size limit, one of file/link/text; good files round-trip.

Bad uploads answer 400 with a stable code and a message a teacher can act on, and leave no row
and no stored file behind.
"""
import io
import struct
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from research.models import Evidence

pytestmark = pytest.mark.django_db

PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
       b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")


def png_bytes() -> bytes:
    """A real 1x1 white PNG."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff"))
            + chunk(b"IEND", b""))


def docx_bytes() -> bytes:
    """A minimal Word document: a zip with [Content_Types].xml and word/document.xml."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml",
                         '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                         'content-types"><Override PartName="/word/document.xml" ContentType="application/'
                         'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
        archive.writestr("word/document.xml",
                         '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
                         'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Lesson notes</w:t></w:r></w:p>'
                         '</w:body></w:document>')
    return buffer.getvalue()


def stored_files(media_root) -> list:
    return [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []


def upload(api, user, project, filename=None, content=None, **fields):
    body = {"stage": "theory", "kind": "pupil_work", "title": "Work sample", **fields}
    if filename is not None:
        body["file"] = SimpleUploadedFile(filename, content)
    return api(user).post(f"/api/v1/projects/{project.id}/evidence/", body, format="multipart")


@pytest.fixture
def refused(world, api, media_root):
    """Upload as a project member; assert 400 with nothing stored; return the JSON body."""
    def run(filename=None, content=None, **fields):
        project = world.projects["theory"]
        response = upload(api, world.user("member"), project, filename, content, **fields)
        assert response.status_code == 400, response.content
        assert not Evidence.objects.exists()
        assert stored_files(media_root) == []
        return response.json()
    return run


# --- refused ------------------------------------------------------------------------------------

def test_an_oversized_file_is_refused(refused, settings):
    # given a 1 MB limit, when a 1.5 MB PDF is uploaded
    settings.EVIDENCE_MAX_BYTES = 1_048_576
    data = refused("big.pdf", PDF + b"0" * 1_572_864)
    # then file_too_large, saying both sizes and what to do
    assert data["code"] == "file_too_large"
    assert data["detail"] == "The file is 1.5 MB; the limit is 1 MB. Compress it or share a link instead."
    assert data["errors"] == {"file": ["File too large."]}


def test_a_file_exactly_at_the_limit_is_accepted(world, api, settings):
    # given a limit equal to the file's size, when it is uploaded, then it is accepted
    settings.EVIDENCE_MAX_BYTES = len(PDF)
    assert upload(api, world.user("member"), world.projects["theory"], "exact.pdf", PDF).status_code == 201


def test_a_small_limit_is_reported_in_a_unit_a_teacher_can_read(refused, settings):
    # BUG (found by this test, fixed with research.files.human_size): _check_file in
    # research/services/evidence.py formatted sizes as MB with {:.0f}, so a 500 KB limit read
    # "The file is 0.6 MB; the limit is 0 MB".
    # given a 500 KB limit, when a 600 KB file is uploaded
    settings.EVIDENCE_MAX_BYTES = 500_000
    data = refused("big.pdf", PDF + b"0" * 600_000)
    # then the message never claims the limit is zero
    assert data["code"] == "file_too_large"
    assert "limit is 0 MB" not in data["detail"]


@pytest.mark.parametrize("magic, label", [
    (b"MZ\x90\x00\x03\x00\x00\x00", "a Windows program"),
    (b"\x7fELF\x02\x01\x01\x00", "a Linux program"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office file (.doc/.xls/.ppt)"),
], ids=["exe", "elf", "old-office"])
def test_a_program_renamed_pdf_is_refused_saying_what_it_is(refused, magic, label):
    # given a file with a program's (or old Office file's) first bytes, named lesson.pdf
    data = refused("lesson.pdf", magic + b"\x00" * 200)
    # then file_type_not_allowed, saying what the file really is and what is accepted
    assert data["code"] == "file_type_not_allowed"
    assert data["detail"].startswith(f"This file looks like {label}. Accepted files: ")
    assert ".pdf" in data["detail"] and ".docx" in data["detail"]


def test_an_executable_renamed_pdf_mentions_a_windows_program(refused):
    # given an .exe renamed report.pdf, when uploaded, then the teacher is told it is a Windows program
    data = refused("report.pdf", b"MZ" + b"\x90\x00\x03\x00" + b"\x00" * 60 + b"This program cannot be run in DOS mode")
    assert data["code"] == "file_type_not_allowed"
    assert "Windows program" in data["detail"]
    assert data["errors"] == {"file": ["File type not accepted."]}


def test_binary_noise_is_refused(refused):
    # given bytes that are no known type, when uploaded, then refused as a type we do not accept
    data = refused("noise.pdf", bytes(range(256)) * 4)
    assert data["code"] == "file_type_not_allowed"
    assert "a type we do not accept" in data["detail"]


@pytest.mark.parametrize("filename, content, label, rename", [
    ("photo.png", PDF, "PDF", ".pdf"),
    ("notes.pdf", b"Plain notes from the lesson.\n", "plain text", ".txt"),
    ("scan.pdf", png_bytes(), "PNG image", ".png"),
    ("report.pdf", docx_bytes(), "Word document", ".docx"),
    ("no_extension", PDF, "PDF", ".pdf"),
], ids=["pdf-named-png", "text-named-pdf", "png-named-pdf", "docx-named-pdf", "pdf-without-extension"])
def test_a_name_that_does_not_match_the_contents_is_refused(refused, filename, content, label, rename):
    # given a real file under the wrong name, when uploaded
    data = refused(filename, content)
    # then file_type_mismatch, saying what it really is and how to fix it
    assert data["code"] == "file_type_mismatch"
    assert f"its contents are a {label}" in data["detail"]
    assert f"Rename it to {rename}" in data["detail"]


def test_an_empty_file_is_refused(refused):
    # given a zero-byte file, when uploaded, then empty_file
    data = refused("empty.pdf", b"")
    assert (data["code"], data["detail"]) == ("empty_file", "The file is empty.")


@pytest.mark.parametrize("filename, content, fields", [
    ("work.pdf", PDF, {"link": "https://example.org/work"}),
    ("work.pdf", PDF, {"text": "Also some notes."}),
    (None, None, {"link": "https://example.org/work", "text": "Notes."}),
    (None, None, {}),
], ids=["file+link", "file+text", "link+text", "nothing"])
def test_exactly_one_of_file_link_or_text(refused, filename, content, fields):
    # given none or more than one kind of content, when uploaded, then evidence_content
    data = refused(filename, content, **fields)
    assert (data["code"], data["detail"]) == ("evidence_content", "Give exactly one of a file, a link or a text.")


@pytest.mark.parametrize("fields, field", [
    ({"kind": "gossip"}, "kind"),
    ({"visibility": "everyone"}, "visibility"),
    ({"stage": "finale"}, "stage"),
    ({"title": "t" * 201}, "title"),
    ({"title": ""}, "title"),
    ({"link": "not a web address"}, "link"),
])
def test_bad_evidence_fields_are_400_naming_them(refused, fields, field):
    # given a good file but one bad field, when uploaded, then 400 invalid naming that field
    data = refused("work.pdf", PDF, **fields)
    assert data["code"] == "invalid"
    assert list(data["errors"]) == [field]


def test_evidence_for_a_stage_not_reached_is_refused(world, api):
    # BUG (found by this test, fixed in research/services/evidence.py evidence_create): evidence
    # was accepted for a stage not yet reached, while writing that stage is refused with 409.
    # given a theory project, when a member attaches evidence to the dissemination stage
    response = upload(api, world.user("member"), world.projects["theory"], "work.pdf", PDF, stage="dissemination")
    # then it is refused like stage writing is, and nothing is stored
    assert (response.status_code, response.json()["code"]) == (409, "stage_not_reached")
    assert not Evidence.objects.exists()


# --- accepted -----------------------------------------------------------------------------------

@pytest.mark.parametrize("filename, content, content_type", [
    ("lesson-plan.pdf", PDF, "application/pdf"),
    ("board.png", png_bytes(), "image/png"),
    ("notes.docx", docx_bytes(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("reflections.txt", "Pupils talked more.\nCafé discussion – ünïcode.\n".encode(), "text/plain"),
], ids=["pdf", "png", "docx", "txt"])
def test_a_good_file_is_stored_and_downloaded_unchanged(world, api, filename, content, content_type):
    # given a member of the theory project
    member, project = world.user("member"), world.projects["theory"]
    # when they upload a real file
    response = upload(api, member, project, filename, content)
    # then 201 with the type found by its content
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["filename"], data["content_type"], data["size"]) == (filename, content_type, len(content))
    assert Evidence.objects.get(pk=data["id"]).uploader == member
    # and downloading it gives the same bytes, as an attachment, never sniffed by the browser
    download = api(member).get(data["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == content
    assert download["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert download["Content-Type"] == content_type
    assert download["X-Content-Type-Options"] == "nosniff"


def test_the_stored_name_is_not_the_uploaded_name(world, api, media_root):
    # given a file with a name that tries to escape the media folder
    response = upload(api, world.user("member"), world.projects["theory"], "../../evil.txt", b"notes\n")
    # then it is stored under an opaque name inside the media folder, the original kept for download
    assert response.status_code == 201
    [stored] = stored_files(media_root)
    assert stored.is_relative_to(media_root) and "evil" not in stored.name
    assert response.json()["filename"] == "evil.txt"


def test_a_link_or_text_is_evidence_without_a_download(world, api):
    # given a member, when they add a link and a note (as JSON)
    client, project = api(world.user("member")), world.projects["theory"]
    url = f"/api/v1/projects/{project.id}/evidence/"
    link = client.post(url, {"stage": "theory", "kind": "reading", "title": "EEF guidance",
                             "link": "https://educationendowmentfoundation.org.uk/"}, format="json")
    note = client.post(url, {"stage": "theory", "kind": "reflective_log", "title": "Week 1", "text": "Calm room."},
                       format="json")
    # then both are stored with no file to download
    assert (link.status_code, note.status_code) == (201, 201)
    assert (link.json()["download_url"], note.json()["download_url"]) == (None, None)
    download = client.get(f"{url}{note.json()['id']}/download/")
    assert (download.status_code, download.json()["code"]) == (404, "not_found")
