"""Issue 5: a publication is frozen. Later edits to the project never change it; publishing again
after an unpublish makes version 2 at a new address, and the old address points to it.
"""
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from research.models import Evidence, Publication, PublicationChart

from ..factories import MeasureFactory
from .findings_support import (FINDINGS, POSITIVE, UNCLEAR, body_bytes, chart_names, chart_url, finding_url,
                               project_in_dissemination, public_responses, publish, results_url, slugs, spread,
                               theme, transition, unpublish, upload_scores, uploader)
from .test_outcomes_support import csv_bytes, post_file

pytestmark = pytest.mark.django_db

FILE_BYTES = b"Lesson plan v1: synthetic, for the published finding.\n"


@pytest.fixture
def finding(world, api):
    """A published finding with scores at baseline and final, a theme, and one public file."""
    project = project_in_dissemination(api, world, title="Worked examples", question="Do worked examples help?",
                                       themes=[theme("worked-examples")])
    upload_scores(api, world, project, world.measure, {"intervention": spread(48.3, 20, 10),
                                                       "comparison": spread(48.1, 20, 12)}, stage="theory")
    upload_scores(api, world, project, world.measure, POSITIVE)
    response = api(uploader(world, project)).post(
        f"/api/v1/projects/{project.pk}/evidence/",
        {"stage": "dissemination", "kind": "pupil_work", "title": "Lesson plan", "visibility": "public",
         "file": SimpleUploadedFile("plan.txt", FILE_BYTES)}, format="multipart")
    assert response.status_code == 201, response.content
    publication = publish(api, world, project, findings="Worked examples helped.", conclusions="Keep them.",
                          what_did_not_work="Long examples.")
    return project, publication, response.json()["id"]


def snapshot(client, publication) -> dict:
    """{label: (status, content type, disposition, body bytes)} of every public response but the list."""
    out = {}
    for label, response in public_responses(client, publication.slug, publication).items():
        if label != "list":
            out[label] = (response.status_code, response["Content-Type"], response.get("Content-Disposition"),
                          body_bytes(response))
    return out


def edit_everything(api, world, project, evidence_id, django_capture_on_commit_callbacks):
    """Every edit of the writing, through the API: each refused while published (issue 14: read-only)."""
    lead, member = world.user("project_lead"), uploader(world, project)
    extra = MeasureFactory(alliance=world.alliance, name="Times tables")
    responses = [api(lead).patch(f"/api/v1/projects/{project.pk}/", {
        "title": "Renamed project", "research_question": "A different question?", "rationale": "New rationale.",
        "success_notes": "New criteria.", "themes": ["renamed-theme"], "measures": [world.measure.pk, extra.pk],
        "success_criteria": [{"measure": extra.pk, "statistic": "effect_size", "comparison": ">=", "threshold": 0.3}],
        "planned_pupils_per_group": 40, "planned_schools": 3,
        "revision_reason": "Edited after publishing."}, format="json")]
    for kind, writing in (("theory", {"agreed_question": "Changed agreed question?", "revision_reason": "x"}),
                          ("progress", {"key_learning": "Changed learning."}),
                          ("dissemination", {"findings": "Changed findings.", "conclusions": "Changed.",
                                             "what_did_not_work": "Changed."})):
        responses.append(api(member).patch(f"/api/v1/projects/{project.pk}/stages/{kind}/", writing, format="json"))
    with django_capture_on_commit_callbacks(execute=True):
        responses.append(api(member).delete(f"/api/v1/projects/{project.pk}/evidence/{evidence_id}/"))
    assert [(r.status_code, r.json()["code"]) for r in responses] == [(409, "published_read_only")] * 5


def test_editing_a_published_project_leaves_every_public_response_byte_for_byte_the_same(
        finding, world, api, django_capture_on_commit_callbacks):
    # given a published finding, every public response fetched once (charts drawn then)
    project, publication, evidence_id = finding
    theme("renamed-theme")
    client = api(None)
    before = snapshot(client, publication)
    assert len(before) == 3 + 4 * 4 + 1 and all(status == 200 for status, *_ in before.values())
    listed_before = client.get(FINDINGS).json()["results"]
    original = Evidence.objects.get(pk=evidence_id).file.path
    # when the title, question, rationale, themes, measures and every stage's writing are edited, and the
    # public file is deleted from the project: all refused (read-only while published)
    edit_everything(api, world, project, evidence_id, django_capture_on_commit_callbacks)
    assert Evidence.objects.filter(pk=evidence_id).exists() and os.path.exists(original)
    # then the detail, results, charts (every format) and the file answer exactly as before
    after = snapshot(client, publication)
    assert after.keys() == before.keys()
    changed = [label for label in before if before[label] != after[label]]
    assert changed == []
    # and the list shows the finding as published
    assert client.get(FINDINGS).json()["results"] == listed_before
    detail = client.get(finding_url(publication.slug)).json()
    assert detail["title"] == "Worked examples" and detail["stages"]["dissemination"]["findings"] == \
        "Worked examples helped."


def test_charts_first_drawn_after_the_edits_still_show_the_publication(finding, world, api,
                                                                        django_capture_on_commit_callbacks):
    # given a published finding whose charts nobody has asked for yet
    project, publication, evidence_id = finding
    theme("renamed-theme")
    assert not PublicationChart.objects.filter(publication=publication).exists()
    frozen_rows = api(None).get(results_url(publication.slug, "json")).json()["rows"]
    # when the project is edited (a new measure added, the question changed) and only then the charts drawn
    edit_everything(api, world, project, evidence_id, django_capture_on_commit_callbacks)
    client = api(None)
    effects = client.get(chart_url(publication.slug, "effects", "json")).json()
    trajectory = client.get(chart_url(publication.slug, "trajectory", "json")).json()
    svg = client.get(chart_url(publication.slug, "trajectory", "svg")).content.decode()
    # then they are drawn from the frozen results: the old question, one measure, the frozen means
    assert "Do worked examples help?" in svg and "A different question?" not in svg
    assert [row["measure"] for row in effects["table"]] == ["Maths test"]
    frozen_means = {(r["stage"], r["group"]): r["mean"] for r in frozen_rows if r["section"] == "descriptives"}
    assert {(r["stage"], r["group"]): r["mean"] for r in trajectory["table"]} == frozen_means
    assert [name for name, _ in chart_names(publication)] == ["effects", "trajectory", "distribution", "gap"]


def test_search_and_filters_use_what_was_published_not_the_later_edits(finding, world, api,
                                                                        django_capture_on_commit_callbacks):
    # given a published finding, then edited (renamed, new theme, new findings text)
    project, publication, evidence_id = finding
    theme("renamed-theme")
    edit_everything(api, world, project, evidence_id, django_capture_on_commit_callbacks)
    client = api(None)
    # when readers search and filter
    # then the published words and theme find it, the later ones do not
    assert slugs(client.get(FINDINGS, {"search": "examples"})) == [publication.slug]
    assert slugs(client.get(FINDINGS, {"search": "renamed"})) == []
    assert slugs(client.get(FINDINGS, {"search": "different"})) == []
    assert slugs(client.get(FINDINGS, {"theme": "worked-examples"})) == [publication.slug]
    assert slugs(client.get(FINDINGS, {"theme": "renamed-theme"})) == []


def test_no_pupil_data_can_be_added_while_published(finding, world, api):
    # given a published finding / when a member uploads more scores
    project, publication, _ = finding
    rows = [["UPN", "Group", "Score"], ["X000001", "Intervention", "50"]]
    response = post_file(api(uploader(world, project)), project, csv_bytes(rows), stage="dissemination",
                         measure=world.measure)
    # then it is refused until the alliance lead unpublishes, and the finding is unchanged
    assert response.status_code == 409 and response.json()["code"] == "project_closed_for_data"
    assert Publication.objects.get(pk=publication.pk).content == publication.content


def test_publishing_again_after_unpublishing_makes_version_2_at_a_new_address(finding, world, api):
    # given a published finding, unpublished with a reason, the data changed and the project renamed
    project, v1, _ = finding
    unpublish(api, world, project, "Scores from one school were wrong.")
    upload_scores(api, world, project, world.measure, UNCLEAR, start=100)
    client = api(None)
    assert client.get(results_url(v1.slug, "csv")).status_code == 410
    response = api(world.user("project_lead")).patch(f"/api/v1/projects/{project.pk}/", {"title": "Worked examples II"},
                                                     format="json")
    assert response.status_code == 200
    # when the alliance lead publishes again
    v2 = publish(api, world, project, findings="Corrected findings.")
    # then version 2 has its own address and the corrected content
    assert (v1.version, v2.version) == (1, 2)
    assert v2.slug != v1.slug and v2.slug.endswith("-v2")
    detail = client.get(finding_url(v2.slug)).json()
    assert detail["version"] == 2 and detail["title"] == "Worked examples II"
    assert detail["stages"]["dissemination"]["findings"] == "Corrected findings."
    # and the old address shows the withdrawal notice pointing to version 2
    old = client.get(finding_url(v1.slug)).json()
    assert old["status"] == "withdrawn" and old["newer_version"] == v2.slug
    assert old["withdrawn_reason"] == "Scores from one school were wrong."
    assert "Worked examples helped." not in client.get(finding_url(v1.slug)).content.decode()
    # and the list holds version 2 only; the old parts stay gone
    listed = slugs(client.get(FINDINGS))
    assert v2.slug in listed and v1.slug not in listed
    assert client.get(chart_url(v1.slug, "effects", "svg")).status_code == 410
    assert client.get(results_url(v2.slug, "json")).status_code == 200


def test_a_third_version_is_what_every_older_notice_points_to(finding, world, api):
    # given versions 1 and 2, both unpublished, and version 3 published
    project, v1, _ = finding
    unpublish(api, world, project)
    v2 = publish(api, world, project)
    unpublish(api, world, project, "Second correction.")
    v3 = publish(api, world, project)
    client = api(None)
    # when readers open the old addresses / then both point to version 3, each with its own reason
    assert [v.version for v in (v1, v2, v3)] == [1, 2, 3] and len({v1.slug, v2.slug, v3.slug}) == 3
    assert client.get(finding_url(v1.slug)).json()["newer_version"] == v3.slug
    second = client.get(finding_url(v2.slug)).json()
    assert second["newer_version"] == v3.slug and second["withdrawn_reason"] == "Second correction."
    # and while nothing is published, the notices point nowhere
    unpublish(api, world, project, "Paused.")
    assert client.get(finding_url(v1.slug)).json()["newer_version"] is None
    assert slugs(client.get(FINDINGS, {"search": "examples"})) == []


def test_unpublishing_needs_a_reason_and_the_alliance_lead(finding, world, api):
    # given a published finding
    project, publication, _ = finding
    # when the alliance lead gives no reason, or the project lead tries
    no_reason = transition(api, world.user("alliance_lead"), project, "unpublish", "  ")
    by_project_lead = transition(api, world.user("project_lead"), project, "unpublish", "Mistake.")
    # then both are refused and the finding stays live
    assert no_reason.status_code == 409 and no_reason.json()["code"] == "guard_failed"
    assert by_project_lead.status_code == 403
    assert api(None).get(finding_url(publication.slug)).json()["status"] == "published"
