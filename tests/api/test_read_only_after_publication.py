"""Issue 14: once the findings are published, the writing is read-only until the alliance lead
unpublishes (with a reason). Every refusal is a 409 `published_read_only` saying so."""
import pytest

from research.models import Evidence, EvidenceChange, Project

from .findings_support import publish, transition, unpublish, write_dissemination

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(world, api):
    """A dissemination project with a note by the member, published."""
    project = world.projects["dissemination"]
    response = api(world.user("member")).post(f"/api/v1/projects/{project.pk}/evidence/", {
        "stage": "dissemination", "kind": "observation", "title": "Lesson notes", "text": "What we saw.",
        "visibility": "public"}, format="json")
    assert response.status_code == 201
    publish(api, world, project)
    project.refresh_from_db()
    return project, response.json()["id"]


def edits(world, project, evidence_id):
    """(who, method, url, body) for every kind of writing."""
    base = f"/api/v1/projects/{project.pk}/"
    return [
        ("project_lead", "patch", base, {"research_question": "A new question?"}),
        ("project_lead", "patch", base, {"success_notes": "New notes."}),
        ("project_lead", "patch", base, {"planned_pupils_per_group": 50}),
        ("member", "patch", base + "stages/theory/", {"agreed_question": "Changed?"}),
        ("member", "patch", base + "stages/progress/", {"key_learning": "Changed."}),
        ("member", "patch", base + "stages/dissemination/", {"findings": "Changed."}),
        ("member", "patch", base + "stages/dissemination/", {"session_date": "2026-03-01"}),
        ("member", "post", base + "evidence/", {"stage": "dissemination", "kind": "observation", "title": "New",
                                                "text": "More."}),
        ("member", "patch", base + f"evidence/{evidence_id}/", {"title": "Renamed"}),
        ("member", "delete", base + f"evidence/{evidence_id}/", None),
    ]


def test_every_edit_of_the_writing_is_refused_while_published(published, world, api):
    # given a published project
    project, evidence_id = published
    # when its lead and a member try to change the question, plan, stages and evidence
    for role, method, url, body in edits(world, project, evidence_id):
        response = getattr(api(world.user(role)), method)(url, body, format="json")
        # then each is refused with 409 published_read_only, saying a change needs unpublishing with a reason
        assert response.status_code == 409, (url, body, response.content)
        error = response.json()
        assert error["code"] == "published_read_only"
        assert "unpublishes the findings, giving a reason" in error["detail"]
    # and nothing changed
    project.refresh_from_db()
    assert project.research_question == "Does dissemination work?"
    assert project.stages.get(kind="dissemination").findings == "Pupils improved."
    assert Evidence.objects.get(pk=evidence_id).title == "Lesson notes"
    assert not EvidenceChange.objects.filter(project=project).exists()


def test_the_project_says_it_is_read_only_and_offers_no_editing(published, world, api):
    project, _ = published
    for role in ("project_lead", "member", "alliance_lead"):
        detail = api(world.user(role)).get(f"/api/v1/projects/{project.pk}/").json()
        assert detail["writing_locked"] is True
        assert (detail["permissions"]["edit"], detail["permissions"]["write_stages"],
                detail["permissions"]["add_evidence"]) == (False, False, False)
    items = api(world.user("member")).get(f"/api/v1/projects/{project.pk}/evidence/").json()
    assert [item["can_change"] for item in items] == [False]


def test_unpublishing_needs_a_non_blank_reason_and_then_the_writing_opens(published, world, api):
    project, evidence_id = published
    # when the alliance lead unpublishes with a blank reason / then refused, still published
    response = transition(api, world.user("alliance_lead"), project, "unpublish", "   ")
    assert response.status_code == 409 and "a reason is needed to unpublish" in response.json()["conditions"]
    assert Project.objects.get(pk=project.pk).status == "published"
    # when with a reason / then the writing can be changed again
    unpublish(api, world, project, "The findings need a correction.")
    write_dissemination(api, world, project, findings="Corrected findings.")
    response = api(world.user("member")).patch(f"/api/v1/projects/{project.pk}/evidence/{evidence_id}/",
                                               {"title": "Lesson notes (corrected)"}, format="json")
    assert response.status_code == 200 and response.json()["can_change"] is True
    detail = api(world.user("project_lead")).get(f"/api/v1/projects/{project.pk}/").json()
    assert detail["writing_locked"] is False and detail["permissions"]["edit"] is True
