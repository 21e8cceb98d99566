"""append vs replace, and DELETE of one upload: which rows exist afterwards, and the audit trail."""
import pytest

from research.models import OutcomeRecord, OutcomeUpload

from ..factories import member_of
from .test_outcomes_support import (counts, csv_bytes, expected_keys, keys_of, long_rows, post_file,
                                    project_urns, pupils, second_measure, upload_url)

pytestmark = pytest.mark.django_db


def upload(client, project, ids, measure, **kwargs):
    """POST a long-format file for `ids`; returns the stored upload's id."""
    response = post_file(client, project, csv_bytes(long_rows(ids, project_urns(project))), measure=measure,
                         **kwargs)
    assert response.status_code == 201, response.json()
    return response.json()["upload"]["id"]


def test_append_adds_new_pupils(world, api):
    # given 4 pupils stored at baseline
    project = world.projects["theory"]
    client = api(world.user("member"))
    first = upload(client, project, pupils(4), world.measure)
    # when 3 more pupils are appended
    second = upload(client, project, pupils(3, start=4), world.measure, mode="append")
    # then all 7 are stored, each under its own upload
    assert OutcomeRecord.objects.filter(upload_id=first).count() == 4
    assert OutcomeRecord.objects.filter(upload_id=second).count() == 3
    assert len(keys_of(project=project)) == 7


def test_append_refuses_pupils_already_stored(world, api):
    # given pupils 0-3 stored at baseline
    project = world.projects["theory"]
    client = api(world.user("member"))
    upload(client, project, pupils(4), world.measure)
    stored = keys_of(project=project)
    # when a file with new pupils on rows 2 and 4 and already-stored pupils on rows 3 and 5 is appended
    ids = ["DEMO900001", "DEMO000001", "DEMO900002", "DEMO000003"]
    response = post_file(client, project, csv_bytes(long_rows(ids, project_urns(project))), measure=world.measure)
    # then rows 3 and 5 are named, and nothing at all is written (not even the new pupils)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_file" and body["error_total"] == 2
    assert [(e["row"], e["column"]) for e in body["row_errors"]] == [(3, "UPN"), (5, "UPN")]
    assert "mode 'replace'" in body["row_errors"][0]["message"]
    assert counts() == (1, 4) and keys_of(project=project) == stored


def test_same_pupils_may_be_appended_at_another_stage_or_measure(world, api):
    # given pupils 0-3 stored at baseline for the maths test, in a project with a second measure
    project = world.projects["progress"]
    reading = second_measure(world, project)
    client = api(world.user("member"))
    upload(client, project, pupils(4), world.measure)
    # when the same pupils are appended at the progress stage, and for the other measure
    upload(client, project, pupils(4), world.measure, stage="progress")
    upload(client, project, pupils(4), reading)
    # then each stage+measure holds the same 4 keys
    assert keys_of(stage__kind="theory", measure=world.measure) == keys_of(stage__kind="progress",
                                                                         measure=world.measure)
    assert keys_of(stage__kind="theory", measure=reading) == keys_of(stage__kind="theory", measure=world.measure)
    assert OutcomeRecord.objects.count() == 12


def test_replace_swaps_the_stage_and_measure_rows(world, api):
    # given two baseline uploads (4 + 3 pupils) for the maths test
    project = world.projects["theory"]
    client = api(world.user("member"))
    first = upload(client, project, pupils(4), world.measure)
    second = upload(client, project, pupils(3, start=4), world.measure)
    # when a 5-pupil file (2 old pupils, 3 new) replaces the stage's maths data
    ids = ["DEMO000000", "DEMO000005", "DEMO700001", "DEMO700002", "DEMO700003"]
    response = post_file(client, project, csv_bytes(long_rows(ids, project_urns(project))), measure=world.measure,
                         mode="replace")
    # then exactly the new file's rows are there, and the earlier uploads are marked replaced with no rows
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["upload"]["replaced_count"] == 7 and body["would_replace"] == 7
    new = body["upload"]["id"]
    assert set(OutcomeRecord.objects.values_list("upload_id", flat=True)) == {new}
    assert OutcomeRecord.objects.count() == 5 and keys_of(project=project) == expected_keys(project, ids)
    for earlier in (first, second):
        row = OutcomeUpload.objects.get(pk=earlier)
        assert (row.status, row.record_count) == ("replaced", 0)
    assert OutcomeUpload.objects.get(pk=new).status == "imported"
    listed = {u["id"]: u["status"] for u in client.get(f"/api/v1/projects/{project.pk}/outcome-uploads/").json()}
    assert listed == {first: "replaced", second: "replaced", new: "imported"}


def test_replace_leaves_other_measures_and_stages_alone(world, api):
    # given maths and reading rows at baseline, and maths rows at the progress update
    project = world.projects["progress"]
    reading = second_measure(world, project)
    client = api(world.user("member"))
    upload(client, project, pupils(4), world.measure)
    reading_upload = upload(client, project, pupils(5), reading)
    progress_upload = upload(client, project, pupils(6), world.measure, stage="progress")
    reading_keys = keys_of(measure=reading)
    progress_keys = keys_of(stage__kind="progress")
    # when baseline maths is replaced with 2 new pupils
    upload(client, project, pupils(2, start=500), world.measure, mode="replace")
    # then baseline maths holds the 2 new rows; reading and progress rows are untouched
    assert keys_of(stage__kind="theory", measure=world.measure) == keys_of(upload__status="imported",
                                                                          stage__kind="theory",
                                                                          measure=world.measure)
    assert OutcomeRecord.objects.filter(stage__kind="theory", measure=world.measure).count() == 2
    assert keys_of(measure=reading) == reading_keys
    assert keys_of(stage__kind="progress") == progress_keys
    assert OutcomeUpload.objects.get(pk=reading_upload).status == "imported"
    assert OutcomeUpload.objects.get(pk=progress_upload).record_count == 6


def test_replace_of_one_measure_keeps_the_rest_of_a_wide_upload(world, api):
    # given a wide upload of maths and reading for 3 pupils (6 records)
    project = world.projects["theory"]
    reading = second_measure(world, project)
    urns = project_urns(project)
    client = api(world.user("member"))
    wide = csv_bytes([["UPN", "Group", "School", "Maths test", "Reading age"],
                      *[[pid, "Intervention", urns[0], 50, 20] for pid in pupils(3)]])
    wide_id = post_file(client, project, wide).json()["upload"]["id"]
    # when maths alone is replaced
    upload(client, project, pupils(2, start=10), world.measure, mode="replace")
    # then the wide upload keeps its 3 reading rows and says so
    kept = OutcomeUpload.objects.get(pk=wide_id)
    assert (kept.status, kept.record_count) == ("imported", 3)
    assert set(OutcomeRecord.objects.filter(upload_id=wide_id).values_list("measure_id", flat=True)) == {reading.pk}


def test_delete_removes_exactly_its_rows_and_keeps_the_audit(world, api):
    # given two baseline uploads and one at the progress update
    project = world.projects["progress"]
    client = api(world.user("member"))
    doomed = upload(client, project, pupils(4), world.measure)
    kept = upload(client, project, pupils(3, start=4), world.measure)
    other_stage = upload(client, project, pupils(4), world.measure, stage="progress")
    kept_ids = set(OutcomeRecord.objects.exclude(upload_id=doomed).values_list("id", flat=True))
    # when the uploader deletes the first upload
    response = client.delete(upload_url(project, doomed))
    # then its rows are gone, every other row is intact, and the upload stays as a deleted audit record
    assert response.status_code == 200, response.json()
    assert not OutcomeRecord.objects.filter(upload_id=doomed).exists()
    assert set(OutcomeRecord.objects.values_list("id", flat=True)) == kept_ids
    assert OutcomeRecord.objects.filter(upload_id=kept).count() == 3
    assert OutcomeRecord.objects.filter(upload_id=other_stage).count() == 4
    audit = OutcomeUpload.objects.get(pk=doomed)
    assert (audit.status, audit.record_count) == ("deleted", 0)
    assert audit.deleted_by == world.user("member") and audit.deleted_at is not None
    assert audit.row_count == 4 and len(audit.sha256) == 64
    assert response.json()["status"] == "deleted" and response.json()["deleted_by"] == "member"
    # and the deleted pupils may now be appended again
    upload(client, project, pupils(4), world.measure)


def test_project_lead_may_delete_a_members_upload(world, api):
    # given an upload by a member
    project = world.projects["theory"]
    target = upload(api(world.user("member")), project, pupils(3), world.measure)
    # when the project lead deletes it
    response = api(world.user("project_lead")).delete(upload_url(project, target))
    # then it is deleted, by the lead
    assert response.status_code == 200
    assert OutcomeUpload.objects.get(pk=target).deleted_by == world.user("project_lead")
    assert counts() == (1, 0)


def test_another_member_may_not_delete(world, api):
    # given an upload by the project lead, and a second ordinary member of the group
    project = world.projects["theory"]
    target = upload(api(world.user("project_lead")), project, pupils(3), world.measure)
    colleague = member_of(world.alliance)
    project.memberships.create(user=colleague, school=colleague.memberships.get().school)
    # when the other member (not uploader, not lead) tries to delete it
    response = api(colleague).delete(upload_url(project, target))
    # then it is 403 and the rows stay
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert OutcomeUpload.objects.get(pk=target).status == "imported"
    assert counts() == (1, 3)


def test_deleting_twice_is_a_conflict(world, api):
    # given a deleted upload
    project = world.projects["theory"]
    client = api(world.user("member"))
    target = upload(client, project, pupils(3), world.measure)
    assert client.delete(upload_url(project, target)).status_code == 200
    deleted_at = OutcomeUpload.objects.get(pk=target).deleted_at
    # when it is deleted again
    response = client.delete(upload_url(project, target))
    # then it is 409 already_deleted and the audit record is unchanged
    assert response.status_code == 409
    assert response.json()["code"] == "already_deleted"
    assert OutcomeUpload.objects.get(pk=target).deleted_at == deleted_at


def test_delete_of_another_projects_upload_is_404(world, api):
    # given an upload in the theory project, and the member also in the progress project
    theory, progress = world.projects["theory"], world.projects["progress"]
    target = upload(api(world.user("member")), theory, pupils(3), world.measure)
    # when it is addressed under the progress project
    response = api(world.user("member")).delete(upload_url(progress, target))
    # then it is 404 and nothing is deleted
    assert response.status_code == 404
    assert counts() == (1, 3)
