"""Issue 14, safe publishing: the alliance lead previews exactly what publishing will make public.

The preview is built by the code that publishes (the outsiders' view the publish transition
freezes, the finding drawn from it) and writes nothing but the record of the view it showed (so a
later preview or the publication cannot be subtracted from it; tests/api/test_attacks_issue14_15.py),
which nobody is served. Once published, an anonymous reader gets
the same finding, field by field; only what exists from the moment of publication differs:
`published_at`, the results' `frozen_at` and the ids of the copied evidence files.
"""
import copy

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile

from research.models import DisclosedResults

from .findings_support import (POSITIVE, finding_url, project_in_dissemination, publish, spread, theme, transition,
                               unpublish, upload_scores, uploader, write_dissemination)

pytestmark = pytest.mark.django_db


def preview_url(project) -> str:
    return f"/api/v1/projects/{project.pk}/publication-preview/"


def row_counts() -> dict:
    """Rows in every table of the product (and its users)."""
    return {model._meta.label: model.objects.count() for model in apps.get_models()
            if model._meta.app_label in ("research", "auth")}


def known_only_once_published(finding: dict) -> dict:
    """The finding without what is set at the moment of publication."""
    finding = copy.deepcopy(finding)
    finding.pop("published_at")
    finding["results"].pop("frozen_at")
    for item in finding["evidence"]:
        if item["file"]:
            item["file"].pop("id")
    return finding


@pytest.fixture
def ready(world, api):
    """A project in dissemination with baseline and final scores, its writing, a public file and a public note."""
    project = project_in_dissemination(api, world, title="Worked examples", question="Do worked examples help?",
                                       themes=[theme("worked-examples")])
    upload_scores(api, world, project, world.measure, {"intervention": spread(48.3, 20, 10),
                                                       "comparison": spread(48.1, 20, 12)}, stage="theory")
    upload_scores(api, world, project, world.measure, POSITIVE)
    # (the world's projects are qualitative enquiries; this one has scores)
    response = api(world.user("project_lead")).patch(f"/api/v1/projects/{project.pk}/", {"qualitative_enquiry": False},
                                                     format="json")
    assert response.status_code == 200 and response.json()["qualitative_enquiry"] is False
    member = api(uploader(world, project))
    for body in ({"stage": "dissemination", "kind": "pupil_work", "title": "Lesson plan", "visibility": "public",
                  "file": SimpleUploadedFile("plan.txt", b"Lesson plan: synthetic.\n")},
                 {"stage": "progress", "kind": "pupil_voice", "title": "What pupils said", "visibility": "public",
                  "text": "They liked seeing the steps."},
                 {"stage": "progress", "kind": "observation", "title": "Group only", "visibility": "group",
                  "text": "Not for the public."}):
        assert member.post(f"/api/v1/projects/{project.pk}/evidence/", body, format="multipart").status_code == 201
    write_dissemination(api, world, project, findings="Worked examples helped.", conclusions="Keep them.",
                        what_did_not_work="Long examples.")
    return project


def test_the_preview_is_what_an_anonymous_reader_then_reads_field_by_field(ready, world, api):
    # given a project ready to publish
    lead = api(world.user("alliance_lead"))
    # when the alliance lead asks for the preview
    before = row_counts()
    outsiders_before = api(None).get(f"/api/v1/projects/{ready.pk}/results/")
    response = lead.get(preview_url(ready))
    # then it answers, and no row has changed but the record of the view it showed
    assert response.status_code == 200, response.content
    assert row_counts() == {**before, "research.DisclosedResults": before["research.DisclosedResults"] + 1}
    assert DisclosedResults.objects.filter(project=ready).first().reason == DisclosedResults.PREVIEW
    # and what outsiders read of the project has not changed with it
    outsiders_after = api(None).get(f"/api/v1/projects/{ready.pk}/results/")
    assert outsiders_after.status_code == outsiders_before.status_code
    assert outsiders_after.content == outsiders_before.content
    # and previewing again with nothing new records nothing more
    assert lead.get(preview_url(ready)).status_code == 200
    assert row_counts()["research.DisclosedResults"] == before["research.DisclosedResults"] + 1
    preview = response.json()
    assert preview["unmet"] == []
    finding = preview["finding"]
    assert finding["published_at"] is None and finding["results"]["frozen_at"] is None
    assert [(e["title"], e["file"] and e["file"]["id"]) for e in finding["evidence"]] == [
        ("Lesson plan", None), ("What pupils said", None)]
    # and when the lead publishes and an anonymous reader opens the finding
    publication = publish(api, world, ready)
    public = api(None).get(finding_url(publication.slug)).json()
    # then every field is the preview's, but the three known only from publication on
    assert finding["slug"] == publication.slug
    assert public.keys() == finding.keys()
    expected, actual = known_only_once_published(finding), known_only_once_published(public)
    for name in expected:
        assert actual[name] == expected[name], name
    assert public["published_at"] and public["results"]["frozen_at"]
    assert all(isinstance(e["file"]["id"], int) for e in public["evidence"] if e["file"])
    # (the preview was not vacuous: it held the results, the writing and the headline effect)
    assert finding["results"]["measures"][0]["measure"]["name"] == "Maths test"
    assert finding["stages"]["dissemination"]["findings"] == "Worked examples helped."
    assert finding["headline"]["direction"] == "positive" and finding["qualitative_enquiry"] is False


def test_a_second_version_is_previewed_at_its_own_address(ready, world, api):
    # given version 1 published, then unpublished with a reason and the findings corrected
    publish(api, world, ready)
    unpublish(api, world, ready, "The findings overstated the effect.")
    write_dissemination(api, world, ready, findings="Worked examples helped a little.")
    # when the alliance lead previews again
    finding = api(world.user("alliance_lead")).get(preview_url(ready)).json()["finding"]
    # then it is version 2, at the address publishing will give it, with the corrected text
    v2 = publish(api, world, ready)
    assert (finding["version"], finding["slug"]) == (2, v2.slug)
    public = api(None).get(finding_url(v2.slug)).json()
    assert known_only_once_published(public) == known_only_once_published(finding)
    assert public["stages"]["dissemination"]["findings"] == "Worked examples helped a little."


def test_the_preview_names_what_still_stands_in_the_way(world, api):
    # given the world's project in dissemination, with nothing written for dissemination
    project = world.projects["dissemination"]
    # when the alliance lead previews it
    preview = api(world.user("alliance_lead")).get(preview_url(project)).json()
    # then the guards' conditions come with it, and the qualitative enquiry is stated in the finding
    assert preview["unmet"] == ["no findings written for dissemination", "no conclusions written for dissemination"]
    assert preview["finding"]["qualitative_enquiry"] is True
    assert preview["finding"]["results"]["measures"][0]["reason"]


def test_only_whoever_may_publish_previews_and_only_from_dissemination(world, api):
    # given the dissemination and published projects
    dissemination, published = world.projects["dissemination"], world.projects["published"]
    # when the project lead or a member asks / then refused (the lead publishes, not the group)
    for role in ("project_lead", "member", "teacher"):
        response = api(world.user(role)).get(preview_url(dissemination))
        assert response.status_code == 403 and response.json()["code"] == "permission_denied", role
    # and an already published project has nothing to preview
    response = api(world.user("alliance_lead")).get(preview_url(published))
    assert response.status_code == 409 and response.json()["code"] == "transition_not_allowed"
    # and a failed publish attempt afterwards still writes nothing extra (the preview left no trace)
    assert transition(api, world.user("alliance_lead"), dissemination, "publish").status_code == 409
