"""The admin is not a second write path (issue 16): what has domain effects goes through the services.

Staff edit a project through project_update (plan revisions after the freeze, effect summaries
refreshed, success criteria checked), a stage through stage_update; lead, alliance and status are
read-only; join requests are read-only; evidence is deleted through evidence_delete.
"""
import json

import pytest
from django.core.files.base import ContentFile

from research.models import Evidence, JoinRequest, PlanSnapshot, Project, Stage
from research.models.choices import JoinRequestStatus, StageKind

from ..factories import MeasureFactory, UserFactory
from .test_admin_memberships import admin_client, form_data, superuser  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def change_url(model: str, pk: int) -> str:
    return f"/admin/research/{model}/{pk}/change/"


def project_form(client, project) -> dict:
    page = client.get(change_url("project", project.pk))
    assert page.status_code == 200
    return form_data(page)


def revisions(project) -> list[int]:
    return list(PlanSnapshot.objects.filter(project=project).order_by("revision").values_list("revision", flat=True))


@pytest.fixture
def refreshes(monkeypatch):
    """The projects whose effect summaries were refreshed by project_update."""
    from research.services import projects

    seen = []
    original = projects.effect_summaries_refresh
    monkeypatch.setattr(projects, "effect_summaries_refresh",
                        lambda *, project, **kw: seen.append(project.pk) or original(project=project, **kw))
    return seen


# --- projects -----------------------------------------------------------------------------------

def test_adding_a_measure_to_a_frozen_plan_in_the_admin_records_a_revision(world, admin_client, refreshes):
    # Given a project past the theory stage (plan frozen as revision 1) and a second measure
    project = world.projects["progress"]
    assert revisions(project) == [1]
    extra = MeasureFactory(alliance=world.alliance, name="Spelling test")
    data = project_form(admin_client, project)
    # When staff add the measure in the admin, giving a reason
    data["measures"] = [str(world.measure.pk), str(extra.pk)]
    data["revision_reason"] = "Spelling added after the first half term."
    response = admin_client.post(change_url("project", project.pk), data)
    # Then it is stored through project_update: a new revision with the reason, summaries refreshed
    assert response.status_code == 302, response.content.decode()[:2000]
    assert set(project.measures.values_list("pk", flat=True)) == {world.measure.pk, extra.pk}
    assert revisions(project) == [1, 2]
    latest = PlanSnapshot.objects.get(project=project, revision=2)
    assert latest.reason == "Spelling added after the first half term."
    assert latest.created_by.username == "staff"
    assert {m["name"] for m in latest.measures} == {"Maths test", "Spelling test"}
    assert refreshes == [project.pk]


def test_saving_a_frozen_project_unchanged_records_no_revision(world, admin_client, refreshes):
    project = world.projects["progress"]
    updated_at = Project.objects.get(pk=project.pk).updated_at
    response = admin_client.post(change_url("project", project.pk), project_form(admin_client, project))
    assert response.status_code == 302
    assert revisions(project) == [1]
    assert refreshes == []
    assert Project.objects.get(pk=project.pk).updated_at == updated_at


def test_a_measure_from_another_alliance_is_refused_as_a_form_error(world, admin_client):
    project = world.projects["theory"]
    foreign = MeasureFactory(alliance=world.other_alliance, name="Their test")
    data = project_form(admin_client, project)
    data["measures"] = [str(world.measure.pk), str(foreign.pk)]
    response = admin_client.post(change_url("project", project.pk), data)
    assert response.status_code == 200
    assert "belongs to another alliance" in response.content.decode()
    assert list(project.measures.all()) == [world.measure]


def test_invalid_success_criteria_cannot_be_saved(world, admin_client):
    # Given a criterion on a measure the project does not use, and one with a statistic that does not exist
    project = world.projects["theory"]
    data = project_form(admin_client, project)
    data["success_criteria"] = json.dumps([
        {"measure": 999999, "statistic": "effect_size", "comparison": ">=", "threshold": 0.2},
        {"measure": world.measure.pk, "statistic": "vibes", "comparison": ">=", "threshold": 1},
    ])
    # When staff save it
    response = admin_client.post(change_url("project", project.pk), data)
    # Then the form shows the service's errors beside the field and nothing is stored
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["success_criteria"]
    assert any(e.startswith("success_criteria[0].measure") for e in errors)
    assert any(e.startswith("success_criteria[1].statistic") for e in errors)
    assert Project.objects.get(pk=project.pk).success_criteria == []


def test_valid_success_criteria_are_stored_as_the_service_cleans_them(world, admin_client):
    # Given a valid criterion sent with the read-only label a client may echo back
    project = world.projects["theory"]
    data = project_form(admin_client, project)
    criterion = {"measure": world.measure.pk, "statistic": "effect_size", "comparison": ">=", "threshold": 0.2}
    data["success_criteria"] = json.dumps([{**criterion, "label": "anything"}])
    response = admin_client.post(change_url("project", project.pk), data)
    assert response.status_code == 302
    stored = Project.objects.get(pk=project.pk).success_criteria
    assert len(stored) == 1 and "label" not in stored[0] and stored[0]["threshold"] == 0.2
    # And the change page shows the criterion in words
    page = admin_client.get(change_url("project", project.pk)).content.decode()
    assert "Success criteria in words" in page


def test_lead_alliance_and_status_cannot_be_changed_in_the_admin(world, admin_client):
    project = world.projects["theory"]
    data = project_form(admin_client, project)
    assert not {"lead", "alliance", "status"} & set(data)
    intruder = UserFactory()
    data.update(lead=str(intruder.pk), alliance=str(world.other_alliance.pk), status="published")
    response = admin_client.post(change_url("project", project.pk), data)
    assert response.status_code == 302
    stored = Project.objects.get(pk=project.pk)
    assert (stored.lead_id, stored.alliance_id, stored.status) == (project.lead_id, project.alliance_id, "theory")


def test_projects_are_not_added_or_deleted_in_the_admin(world, admin_client):
    response = admin_client.post("/admin/research/project/add/", {"title": "Sneaked in"})
    assert response.status_code == 403
    assert not Project.objects.filter(title="Sneaked in").exists()
    # deleting would take the frozen plans and the audit rows with it: projects are withdrawn instead
    project = world.projects["progress"]
    assert admin_client.post(f"/admin/research/project/{project.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Project.objects.filter(pk=project.pk).exists() and revisions(project) == [1]


def test_a_project_the_service_would_not_edit_is_read_only(world, admin_client):
    # Given a withdrawn project (project_update refuses to edit it)
    project = world.projects["withdrawn"]
    # Then its page can be read but a change is refused
    assert admin_client.get(change_url("project", project.pk)).status_code == 200
    response = admin_client.post(change_url("project", project.pk), {"title": "Renamed"})
    assert response.status_code == 403
    assert Project.objects.get(pk=project.pk).title == project.title


# --- stages -------------------------------------------------------------------------------------

def test_changing_the_agreed_question_after_the_freeze_records_a_revision(world, admin_client):
    # Given the theory stage of a project whose plan is frozen
    project = world.projects["progress"]
    stage = Stage.objects.get(project=project, kind=StageKind.THEORY)
    page = admin_client.get(change_url("stage", stage.pk))
    assert page.status_code == 200
    data = form_data(page)
    # The page offers only the theory stage's own writing
    assert "agreed_question" in data and "findings" not in page.context["adminform"].form.fields
    # When staff change the agreed question
    data["agreed_question"] = "Does a maths-rich room raise attainment in year 5?"
    data["revision_reason"] = "Narrowed to year 5."
    response = admin_client.post(change_url("stage", stage.pk), data)
    # Then stage_update stored it and recorded revision 2 with the reason
    assert response.status_code == 302, response.content.decode()[:2000]
    stage.refresh_from_db()
    assert stage.agreed_question.endswith("year 5?")
    assert revisions(project) == [1, 2]
    latest = PlanSnapshot.objects.get(project=project, revision=2)
    assert latest.reason == "Narrowed to year 5." and latest.agreed_question.endswith("year 5?")


def test_a_stage_the_project_has_not_reached_is_read_only(world, admin_client):
    stage = Stage.objects.get(project=world.projects["theory"], kind=StageKind.DISSEMINATION)
    assert admin_client.get(change_url("stage", stage.pk)).status_code == 200
    response = admin_client.post(change_url("stage", stage.pk), {"findings": "Written too early."})
    assert response.status_code == 403
    stage.refresh_from_db()
    assert stage.findings == ""


def test_stages_on_the_project_page_are_read_only(world, admin_client):
    # Given the project page posted back with the theory stage's inline changed
    project = world.projects["progress"]
    data = project_form(admin_client, project)
    data["stages-0-agreed_question"] = "Changed inline."
    admin_client.post(change_url("project", project.pk), data)
    # Then the stage is untouched and no revision recorded
    assert Stage.objects.get(project=project, kind=StageKind.THEORY).agreed_question != "Changed inline."
    assert revisions(project) == [1]


# --- join requests, evidence, measures ----------------------------------------------------------

def test_join_requests_are_read_only_in_the_admin(world, admin_client):
    # Given a pending request
    project = world.projects["theory"]
    asker = world.user("teacher")
    request = JoinRequest.objects.create(project=project, user=asker, school=asker.memberships.get().school)
    # Then the admin shows it and refuses to approve it or add one
    assert admin_client.get(change_url("joinrequest", request.pk)).status_code == 200
    response = admin_client.post(change_url("joinrequest", request.pk),
                                 {"project": project.pk, "user": asker.pk, "school": request.school_id,
                                  "status": JoinRequestStatus.APPROVED})
    assert response.status_code == 403
    assert admin_client.post("/admin/research/joinrequest/add/", {}).status_code == 403
    request.refresh_from_db()
    assert request.status == JoinRequestStatus.PENDING
    assert not project.memberships.filter(user=asker).exists()


def evidence_with_file(world, project) -> Evidence:
    evidence = Evidence(stage=project.stages.get(kind=StageKind.THEORY), kind="observation", title="Notes",
                        uploader=world.user("member"), filename="notes.pdf", content_type="application/pdf")
    evidence.file.save("notes.pdf", ContentFile(b"%PDF-1.4 notes"), save=False)
    evidence.save()
    return evidence


def test_evidence_content_is_read_only_and_deleting_removes_the_file(world, admin_client,
                                                                    django_capture_on_commit_callbacks):
    project = world.projects["theory"]
    evidence = evidence_with_file(world, project)
    stored = evidence.file.name
    storage = evidence.file.storage
    page = admin_client.get(change_url("evidence", evidence.pk))
    assert page.status_code == 200
    assert {"file", "link", "text", "stage", "uploader"}.isdisjoint(page.context["adminform"].form.fields)
    assert admin_client.get("/admin/research/evidence/add/").status_code == 403
    # When staff delete it, the file goes with the row (evidence_delete, on commit)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/admin/research/evidence/{evidence.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Evidence.objects.filter(pk=evidence.pk).exists()
    assert not storage.exists(stored)


def test_evidence_of_a_project_past_editing_cannot_be_deleted(world, admin_client):
    evidence = evidence_with_file(world, world.projects["withdrawn"])
    response = admin_client.post(f"/admin/research/evidence/{evidence.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert Evidence.objects.filter(pk=evidence.pk).exists()


def test_a_measure_in_use_keeps_what_the_analysis_reads(world, admin_client):
    page = admin_client.get(change_url("measure", world.measure.pk))
    fields = page.context["adminform"].form.fields
    assert {"kind", "scale_min", "scale_max", "higher_is_better", "alliance"}.isdisjoint(fields)
    assert "name" in fields
    unused = MeasureFactory(alliance=world.alliance)
    assert "kind" in admin_client.get(change_url("measure", unused.pk)).context["adminform"].form.fields
