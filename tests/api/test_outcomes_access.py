"""Who may see and touch pupil rows: the project group only; everyone else is told nothing exists."""
import json

import pytest

from research.models import OutcomeUpload

from .test_outcomes_support import (counts, csv_bytes, long_rows, outcomes_url, post_file, project_urns, pupils,
                                    upload_url, uploads_url)

pytestmark = pytest.mark.django_db

NON_MEMBERS = ["teacher", "alliance_lead", "staff", "other"]
MEMBERS = ["member", "project_lead"]


@pytest.fixture
def stored(world, api):
    """The theory project with one upload of 4 pupils by the member."""
    project = world.projects["theory"]
    response = post_file(api(world.user("member")), project, csv_bytes(long_rows(pupils(4), project_urns(project))),
                         measure=world.measure)
    assert response.status_code == 201
    return project, response.json()["upload"]["id"]


def reads(client, project, upload_id):
    """Every read route for the project's pupil data."""
    return {
        "outcomes": client.get(outcomes_url(project)),
        "outcomes.csv": client.get(outcomes_url(project), {"format": "csv"}),
        "uploads": client.get(uploads_url(project)),
        "upload": client.get(upload_url(project, upload_id)),
    }


@pytest.mark.parametrize("role", NON_MEMBERS)
def test_non_members_get_404_on_every_read(world, api, stored, role):
    # given stored rows in a project the user is not in
    project, upload_id = stored
    # when they read the rows, the CSV, the uploads list and one upload
    responses = reads(api(world.user(role)), project, upload_id)
    # then every answer is 404: the data is not there for them
    assert {name: r.status_code for name, r in responses.items()} == dict.fromkeys(responses, 404)
    # and no pupil key leaks into any answer
    stored_key = OutcomeUpload.objects.get(pk=upload_id).records.first().pupil_key
    assert all(stored_key not in r.content.decode() for r in responses.values())


def test_anonymous_gets_401_on_every_read(world, api, stored):
    # given stored rows
    project, upload_id = stored
    # when an anonymous visitor reads them
    responses = reads(api(None), project, upload_id)
    # then every answer is 401
    assert {name: r.status_code for name, r in responses.items()} == dict.fromkeys(responses, 401)


@pytest.mark.parametrize("role", MEMBERS)
def test_members_read_everything(world, api, stored, role):
    # given stored rows in the user's project
    project, upload_id = stored
    # when they read them
    responses = reads(api(world.user(role)), project, upload_id)
    # then every answer is 200 with the rows
    assert {name: r.status_code for name, r in responses.items()} == dict.fromkeys(responses, 200)
    assert responses["outcomes"].json()["count"] == 4
    assert len(responses["outcomes.csv"].content.decode().strip().splitlines()) == 5


@pytest.mark.parametrize("role", NON_MEMBERS + ["anonymous"])
def test_non_members_cannot_upload(world, api, role):
    # given a valid file for the theory project
    project = world.projects["theory"]
    data = csv_bytes(long_rows(pupils(3), project_urns(project)))
    # when someone outside the group posts it
    response = post_file(api(world.user(role)), project, data, measure=world.measure)
    # then it is 404 (401 anonymous) and nothing is written
    assert response.status_code == (401 if role == "anonymous" else 404)
    assert counts() == (0, 0)


@pytest.mark.parametrize("role", ["teacher", "alliance_lead", "staff"])
def test_non_members_get_404_before_the_form_is_checked(world, api, settings, role):
    # given a project the user can see but is not in, and a 10-byte upload limit
    project = world.projects["theory"]
    settings.OUTCOME_MAX_BYTES = 10
    client = api(world.user(role))
    # when they post an oversized file, or a form with an unknown stage
    oversized = post_file(client, project, csv_bytes(long_rows(pupils(3), project_urns(project))),
                          measure=world.measure)
    bad_form = post_file(client, project, b"UPN", stage="final")
    # then both are 404, like every other request of theirs to the project's pupil data
    assert (oversized.status_code, bad_form.status_code) == (404, 404)
    assert counts() == (0, 0)


@pytest.mark.parametrize("role", NON_MEMBERS + ["anonymous"])
def test_non_members_cannot_delete(world, api, stored, role):
    # given a stored upload
    project, upload_id = stored
    # when someone outside the group deletes it
    response = api(world.user(role)).delete(upload_url(project, upload_id))
    # then it is 404 (401 anonymous) and the rows stay
    assert response.status_code == (401 if role == "anonymous" else 404)
    assert OutcomeUpload.objects.get(pk=upload_id).status == "imported"
    assert counts() == (1, 4)


@pytest.mark.parametrize("role", MEMBERS)
def test_members_can_upload_and_delete(world, api, role):
    # given a valid file
    project = world.projects["theory"]
    client = api(world.user(role))
    # when a member of the group uploads it and then deletes it
    created = post_file(client, project, csv_bytes(long_rows(pupils(3), project_urns(project))),
                        measure=world.measure)
    deleted = client.delete(upload_url(project, created.json()["upload"]["id"]))
    # then both succeed
    assert (created.status_code, deleted.status_code) == (201, 200)
    assert counts() == (1, 0)


@pytest.mark.parametrize("role", ["other", "teacher", "alliance_lead", "staff"])
def test_published_project_rows_stay_private(world, api, role):
    # given a published project, which everyone may see
    project = world.projects["published"]
    # when someone outside its group asks for its rows or its CSV
    client = api(world.user(role))
    rows = client.get(outcomes_url(project))
    export = client.get(outcomes_url(project), {"format": "csv"})
    # then both are 404, while the project itself is visible
    assert (rows.status_code, export.status_code) == (404, 404)
    assert client.get(f"/api/v1/projects/{project.pk}/").status_code == 200
    assert api(world.user("member")).get(outcomes_url(project)).status_code == 200


def test_other_alliance_project_rows_are_404_for_this_alliance(world, api):
    # given a running project in another alliance
    project = world.other_projects["theory"]
    # when this alliance's members and leads ask for its rows
    codes = {role: api(world.user(role)).get(outcomes_url(project)).status_code
             for role in ["member", "project_lead", "alliance_lead"]}
    # then every answer is 404
    assert codes == {"member": 404, "project_lead": 404, "alliance_lead": 404}


@pytest.mark.parametrize("role, status, code", [("teacher", 404, "not_found"), ("anonymous", 401, "not_authenticated")])
def test_csv_refusal_is_a_readable_json_error(world, api, stored, role, status, code):
    # given stored rows and a user refused the CSV export
    project, _ = stored
    # when they ask for ?format=csv
    response = api(world.user(role)).get(outcomes_url(project), {"format": "csv"})
    # then the refusal is JSON that says what happened (found by these tests: it was once the bytes "codedetail",
    # the error dict's keys, served as text/csv; fixed in 3bd9d69)
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert json.loads(response.content)["code"] == code
