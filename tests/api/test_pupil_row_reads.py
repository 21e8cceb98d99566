"""Every read of pupil-level rows is recorded, and the alliance lead can read the trail (issue 11).

GET /api/v1/projects/{id}/outcomes/ (JSON pages and the CSV export) is the one route that returns
pupil rows; each read leaves a PupilRowRead (who, when, which project, endpoint and format, how
many rows). GET /api/v1/projects/{id}/pupil-row-reads/ lists them for the alliance lead and staff.
"""
import pytest
from django.contrib.auth import get_user_model

from research.models import PupilRowRead

from .test_outcomes_support import csv_bytes, long_rows, outcomes_url, post_file, project_urns, pupils
from .test_query_counts import assert_queries

pytestmark = pytest.mark.django_db

PUPILS = 6


def trail_url(project) -> str:
    return f"/api/v1/projects/{project.pk}/pupil-row-reads/"


def reads_of(project):
    return list(PupilRowRead.objects.filter(project=project).order_by("id"))


@pytest.fixture
def rows(world, api):
    """The theory project with 6 pupils uploaded by the member (uploading is not a read)."""
    project = world.projects["theory"]
    response = post_file(api(world.user("member")), project,
                         csv_bytes(long_rows(pupils(PUPILS), project_urns(project))), measure=world.measure)
    assert response.status_code == 201
    assert reads_of(project) == []
    return project


def test_each_read_of_the_rows_is_recorded(world, api, rows):
    # given a project member; when they read the rows twice
    member = world.user("member")
    client = api(member)
    for _ in range(2):
        assert client.get(outcomes_url(rows)).json()["count"] == PUPILS
    # then two audit rows say who, which project, how and how many
    reads = reads_of(rows)
    assert [(r.user_id, r.username, r.project_id, r.endpoint, r.format, r.row_count) for r in reads] == [
        (member.pk, "member", rows.pk, "outcomes", "json", PUPILS)] * 2
    assert reads[0].at <= reads[1].at


def test_a_page_records_the_rows_on_it_and_the_csv_every_row(world, api, rows):
    client = api(world.user("project_lead"))
    # when the lead reads a page of 2, then downloads the CSV, then filters to nothing
    assert len(client.get(outcomes_url(rows), {"page_size": 2}).json()["results"]) == 2
    csv = client.get(outcomes_url(rows), {"format": "csv"})
    assert csv.status_code == 200 and len(csv.content.decode().strip().splitlines()) == PUPILS + 1
    assert client.get(outcomes_url(rows), {"group": "comparison", "school": 999999}).json()["count"] == 0
    # then each read is recorded with what it returned
    assert [(r.format, r.row_count) for r in reads_of(rows)] == [("json", 2), ("csv", PUPILS), ("json", 0)]


@pytest.mark.parametrize("role, status", [("teacher", 404), ("alliance_lead", 404), ("staff", 404), ("other", 404),
                                          ("anonymous", 401)])
def test_a_refused_read_records_nothing(world, api, rows, role, status):
    assert api(world.user(role)).get(outcomes_url(rows)).status_code == status
    assert reads_of(rows) == []


def test_the_trail_outlives_the_reader_account(world, api, rows):
    reader = world.user("member")
    # given a read by the member; when their account is deleted
    api(reader).get(outcomes_url(rows))
    get_user_model().objects.filter(pk=reader.pk).delete()
    # then the read is still there, naming them
    (read,) = reads_of(rows)
    assert read.user_id is None and read.username == "member"


# --- the trail, for the alliance lead ------------------------------------------------------------

@pytest.mark.parametrize("role", ["alliance_lead", "staff"])
def test_the_alliance_lead_and_staff_read_the_trail_newest_first(world, api, rows, role):
    # given reads by the member (JSON) and the lead (CSV)
    api(world.user("member")).get(outcomes_url(rows))
    api(world.user("project_lead")).get(outcomes_url(rows), {"format": "csv"})
    # when the alliance lead (or staff) opens the trail
    response = api(world.user(role)).get(trail_url(rows))
    # then both reads are listed, newest first, paginated
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2 and body["next"] is None
    assert [(r["user"]["name"], r["username"], r["endpoint"], r["format"], r["row_count"]) for r in body["results"]] == [
        ("project_lead", "project_lead", "outcomes", "csv", PUPILS), ("member", "member", "outcomes", "json", PUPILS)]
    assert all(r["at"] for r in body["results"])
    # and reading the trail is not itself a read of pupil rows
    assert len(reads_of(rows)) == 2


@pytest.mark.parametrize("role, status", [
    ("member", 403), ("project_lead", 403), ("teacher", 403),  # can see the project, not its trail
    ("other", 404),  # another alliance: the draft does not exist for them
    ("anonymous", 401),
])
def test_everyone_else_is_refused(world, api, rows, role, status):
    api(world.user("member")).get(outcomes_url(rows))
    response = api(world.user(role)).get(trail_url(rows))
    assert response.status_code == status
    assert "member" not in response.content.decode().replace('"code"', "")


def test_another_alliance_lead_sees_a_published_project_but_not_its_trail(world, api):
    # a published project is visible to everyone; its trail is still the alliance lead's
    project = world.projects["published"]
    assert api(world.user("other")).get(f"/api/v1/projects/{project.pk}/").status_code == 200
    assert api(world.user("other")).get(trail_url(project)).status_code == 403


def test_the_trail_pages(world, api, rows):
    client = api(world.user("member"))
    for _ in range(3):
        client.get(outcomes_url(rows))
    first = api(world.user("alliance_lead")).get(trail_url(rows), {"page_size": 2}).json()
    assert first["count"] == 3 and len(first["results"]) == 2 and first["next"]


# --- pinned query count ---------------------------------------------------------------------------

TRAIL_QUERIES = 1 + 1 + 1 + 1  # the lead's alliance roles, the project, the count, the page with its readers


@pytest.mark.parametrize("readers", [1, 4])
def test_the_trail_costs_the_same_whatever_its_length(world, api, rows, readers):
    # given reads by `readers` different people (each row names its reader)
    from ..factories import UserFactory

    for i in range(readers):
        user = UserFactory(username=f"reader{i}")
        PupilRowRead.objects.create(project=rows, user=user, username=user.username, endpoint="outcomes",
                                    format="json", row_count=i)
    # then the trail costs a fixed number of queries
    assert_queries(world.user("alliance_lead"), trail_url(rows), TRAIL_QUERIES)
