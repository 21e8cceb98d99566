"""Issue 5: only evidence marked public is copied into a finding; its file downloads unchanged.

Group and alliance evidence (files, links, notes) never appears in a finding, in any response.
"""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from research.models import PublicationFile

from .findings_support import (as_text, body_bytes, file_url, finding_url, project_in_dissemination,
                               public_responses, publish, uploader)
from .test_evidence_files import PDF, png_bytes

pytestmark = pytest.mark.django_db


def add_evidence(api, world, project, visibility, title, stage="dissemination", **content):
    body = {"stage": stage, "kind": "pupil_work", "title": title, "visibility": visibility, **content}
    response = api(uploader(world, project)).post(f"/api/v1/projects/{project.pk}/evidence/", body,
                                                  format="multipart")
    assert response.status_code == 201, response.content
    return response.json()


@pytest.fixture
def mixed_evidence(world, api):
    """A finding published with evidence at every visibility: files, a link and a note."""
    project = project_in_dissemination(api, world, title="Visualisers in science")
    added = {
        "public pdf": add_evidence(api, world, project, "public", "Public worksheet", stage="theory",
                                   file=SimpleUploadedFile("worksheet.pdf", PDF)),
        "public png": add_evidence(api, world, project, "public", "Public photo of a display",
                                   file=SimpleUploadedFile("display.png", png_bytes())),
        "public link": add_evidence(api, world, project, "public", "Public reading list",
                                    link="https://example.org/reading"),
        "public note": add_evidence(api, world, project, "public", "Public note", text="Shared with everyone."),
        "group file": add_evidence(api, world, project, "group", "Group-only marking grid",
                                   file=SimpleUploadedFile("grid.txt", b"GROUP ONLY: marking grid\n")),
        "alliance file": add_evidence(api, world, project, "alliance", "Alliance-only timetable",
                                      file=SimpleUploadedFile("timetable.txt", b"ALLIANCE ONLY: timetable\n")),
        "group note": add_evidence(api, world, project, "group", "Group-only reflections",
                                   text="GROUP ONLY: candid reflections on a colleague."),
        "alliance link": add_evidence(api, world, project, "alliance", "Alliance-only drive",
                                      link="https://example.org/alliance-drive"),
    }
    return project, publish(api, world, project), added


def test_only_public_evidence_is_in_the_finding(mixed_evidence, api):
    # given evidence at every visibility, published
    _, publication, _ = mixed_evidence
    # when the finding is read anonymously
    detail = api(None).get(finding_url(publication.slug)).json()
    # then its evidence is the four public items, in the order they were added, with their stages
    assert [(e["title"], e["stage"]) for e in detail["evidence"]] == [
        ("Public worksheet", "theory"), ("Public photo of a display", "dissemination"),
        ("Public reading list", "dissemination"), ("Public note", "dissemination")]
    assert detail["evidence"][2]["link"] == "https://example.org/reading" and detail["evidence"][2]["file"] is None
    assert detail["evidence"][3]["text"] == "Shared with everyone."
    # and two copies of files exist, no more
    assert PublicationFile.objects.filter(publication=publication).count() == 2


def test_group_and_alliance_evidence_appears_in_no_public_response(mixed_evidence, api):
    # given evidence at every visibility, published
    _, publication, _ = mixed_evidence
    # when every public response about the finding is fetched
    responses = public_responses(api(None), publication.slug, publication)
    # then none names or contains the group or alliance evidence
    assert len([label for label in responses if label.startswith("file:")]) == 2
    for label, response in responses.items():
        assert response.status_code == 200, label
        if response["Content-Type"].startswith("image/png") or label.startswith("file:"):
            body = body_bytes(response)
            assert b"GROUP ONLY" not in body and b"ALLIANCE ONLY" not in body, label
            continue
        text = as_text(response)
        for hidden in ("Group-only", "Alliance-only", "GROUP ONLY", "ALLIANCE ONLY", "alliance-drive", "grid.txt",
                       "timetable.txt"):
            assert hidden not in text, (label, hidden)


def test_a_public_file_downloads_with_the_same_bytes_as_an_attachment(mixed_evidence, api):
    # given public PDF and PNG evidence, published
    _, publication, _ = mixed_evidence
    files = {e["title"]: e["file"] for e in publication.content["evidence"] if e["file"]}
    expected = {"Public worksheet": ("worksheet.pdf", "application/pdf", PDF),
                "Public photo of a display": ("display.png", "image/png", png_bytes())}
    assert files.keys() == expected.keys()
    for title, (filename, content_type, content) in expected.items():
        # when an anonymous reader downloads the copy
        response = api(None).get(file_url(publication.slug, files[title]["id"]))
        # then it is the very bytes uploaded, as an attachment with its name and real type, not sniffed
        assert response.status_code == 200
        assert body_bytes(response) == content
        assert response["Content-Type"] == content_type
        assert response["Content-Disposition"].startswith("attachment")
        assert f'filename="{filename}"' in response["Content-Disposition"]
        assert response["X-Content-Type-Options"] == "nosniff"


def test_a_file_is_served_only_under_its_own_finding(mixed_evidence, world, api):
    # given two published findings, each with a public file
    _, first, _ = mixed_evidence
    other = project_in_dissemination(api, world, title="Second finding")
    add_evidence(api, world, other, "public", "Other file", file=SimpleUploadedFile("other.txt", b"other\n"))
    second = publish(api, world, other)
    first_file = first.content["evidence"][0]["file"]["id"]
    second_file = second.content["evidence"][0]["file"]["id"]
    client = api(None)
    # when a file id is asked for under the other finding, or an id that is no file at all
    crossed = [client.get(file_url(second.slug, first_file)), client.get(file_url(first.slug, second_file)),
               client.get(file_url(first.slug, 999999))]
    # then each is 404, while the right pairing works
    assert [r.status_code for r in crossed] == [404, 404, 404]
    assert body_bytes(client.get(file_url(second.slug, second_file))) == b"other\n"
