"""Issue 14: evidence can be edited and deleted by its uploader or the project lead; each change is
recorded (who, when, what) in research.models.EvidenceChange, which outlives a deleted item."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from research.models import Evidence, EvidenceChange

pytestmark = pytest.mark.django_db


def add(api, user, project, **body):
    response = api(user).post(f"/api/v1/projects/{project.pk}/evidence/", {
        "stage": "theory", "kind": "observation", "title": "Lesson notes", "visibility": "group", **body},
        format="multipart")
    assert response.status_code == 201, response.content
    return response.json()["id"]


def url(project, evidence_id):
    return f"/api/v1/projects/{project.pk}/evidence/{evidence_id}/"


def test_the_uploader_edits_title_visibility_and_note_and_the_change_is_recorded(world, api):
    # given a note added by the member
    project, member = world.projects["theory"], world.user("member")
    evidence_id = add(api, member, project, text="What we saw.")
    # when the member edits it
    response = api(member).patch(url(project, evidence_id), {"title": "Year 4 lesson notes", "visibility": "alliance",
                                                             "text": "What we saw, in full."}, format="json")
    # then the evidence shows the edit, and who changed what is recorded
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["title"], body["visibility"], body["text"], body["can_change"]) == (
        "Year 4 lesson notes", "alliance", "What we saw, in full.", True)
    change = EvidenceChange.objects.get(evidence_id=evidence_id)
    assert (change.action, change.actor, change.actor_name, change.project) == ("edited", member, "member", project)
    assert change.changes == {"title": ["Lesson notes", "Year 4 lesson notes"], "visibility": ["group", "alliance"],
                              "text": ["What we saw.", "What we saw, in full."]}
    assert change.at is not None
    # and an edit that changes nothing records nothing
    again = api(member).patch(url(project, evidence_id), {"title": "Year 4 lesson notes"}, format="json")
    assert again.status_code == 200
    assert EvidenceChange.objects.filter(evidence_id=evidence_id).count() == 1


def test_the_project_lead_edits_and_deletes_someone_elses_evidence_and_both_are_recorded(world, api):
    project, lead = world.projects["theory"], world.user("project_lead")
    evidence_id = add(api, world.user("member"), project, link="https://example.org/plan")
    # when the project lead edits the link, then deletes it
    assert api(lead).patch(url(project, evidence_id), {"link": "https://example.org/plan-v2"},
                           format="json").status_code == 200
    assert api(lead).delete(url(project, evidence_id)).status_code == 204
    # then it is gone, and the record keeps both changes with the lead's name and the title
    assert not Evidence.objects.filter(pk=evidence_id).exists()
    changes = EvidenceChange.objects.filter(evidence_id=evidence_id).values_list("action", "actor_name", "title")
    assert list(changes) == [("edited", "project_lead", "Lesson notes"), ("deleted", "project_lead", "Lesson notes")]


def test_another_member_and_the_alliance_lead_may_not_edit_and_are_told(world, api):
    # given the lead's note, seen by the member and the alliance lead
    project = world.projects["theory"]
    evidence_id = add(api, world.user("project_lead"), project, text="Lead's note.")
    items = {role: api(world.user(role)).get(f"/api/v1/projects/{project.pk}/evidence/").json()
             for role in ("member", "alliance_lead", "project_lead")}
    assert {role: [i["can_change"] for i in rows] for role, rows in items.items()} == {
        "member": [False], "alliance_lead": [False], "project_lead": [True]}
    # when the member edits or deletes it / then 403 with a clear message, nothing changed or recorded
    for method in ("patch", "delete"):
        response = getattr(api(world.user("member")), method)(url(project, evidence_id), {"title": "Mine now"},
                                                              format="json")
        assert response.status_code == 403
        assert "the person who added this evidence or the project lead" in response.json()["detail"]
    assert Evidence.objects.get(pk=evidence_id).title == "Lesson notes"
    assert not EvidenceChange.objects.exists()


def test_content_stays_of_its_kind(world, api):
    # given a file and a note
    project, member = world.projects["theory"], world.user("member")
    file_id = add(api, member, project, file=SimpleUploadedFile("work.txt", b"A sample of writing."))
    note_id = add(api, member, project, text="A note.")
    # when the file is given a text, or the note a link or an empty text / then 400, field by field
    as_text = api(member).patch(url(project, file_id), {"text": "Now a note"}, format="json")
    assert as_text.status_code == 400 and list(as_text.json()["errors"]) == ["text"]
    assert "This evidence is a file" in as_text.json()["detail"]
    as_link = api(member).patch(url(project, note_id), {"link": "https://example.org"}, format="json")
    assert as_link.status_code == 400 and list(as_link.json()["errors"]) == ["link"]
    emptied = api(member).patch(url(project, note_id), {"text": ""}, format="json")
    assert emptied.status_code == 400
    assert Evidence.objects.get(pk=note_id).text == "A note." and not EvidenceChange.objects.exists()


def test_staff_read_the_record_in_the_admin_and_cannot_change_it(world, api, client):
    # given an edit recorded by the member
    project, member = world.projects["theory"], world.user("member")
    evidence_id = add(api, member, project, text="A note.")
    assert api(member).patch(url(project, evidence_id), {"title": "Renamed note"}, format="json").status_code == 200
    change = EvidenceChange.objects.get()
    # when staff open the admin's list and the record
    world.user("staff").is_superuser = True
    world.user("staff").save()
    client.force_login(world.user("staff"))
    listing = client.get("/admin/research/evidencechange/")
    detail = client.get(f"/admin/research/evidencechange/{change.pk}/change/")
    # then they read who changed what, and the record offers no saving or adding
    assert listing.status_code == 200 and "Renamed note" in listing.content.decode()
    assert detail.status_code == 200 and 'name="_save"' not in detail.content.decode()
    assert client.get("/admin/research/evidencechange/add/").status_code == 403
