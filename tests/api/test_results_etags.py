"""ETag and 304 on results and charts; what changes the fingerprint, and what does not."""
import pytest

from research.models import Alliance

from .results_support import (CHARTS, chart_url, delete_upload, freeze_for_outsiders, make_pupils, results_url,
                              upload, upload_all)
from .test_outcomes_support import second_measure

pytestmark = pytest.mark.django_db

FORMATS = ["svg", "png", "json", "csv"]


def pupils():
    return (make_pupils(8, group="intervention", start=0, base=45.0)
            + make_pupils(8, group="comparison", start=100, base=44.0, step=1.3331))


@pytest.fixture
def loaded(world, api):
    """The dissemination project with baseline data; (project, upload id)."""
    project = world.projects["dissemination"]
    upload_id = upload(api(world.user("member")), project, pupils(), "theory", world.measure)
    return project, upload_id


def etag(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    assert response["Cache-Control"] == "private, no-cache"
    return response["ETag"]


def urls(project) -> list[str]:
    return [results_url(project), chart_url(project, "trajectory", "svg"), chart_url(project, "effects", "csv")]


def etags(client, project) -> list[str]:
    return [etag(client, url) for url in urls(project)]


def test_results_answer_304_to_a_matching_etag(world, api, loaded):
    # given a first answer and its ETag
    project, _ = loaded
    client = api(world.user("teacher"))
    tag = etag(client, results_url(project))
    # when the same request is repeated with If-None-Match (also as a weak tag, in a list)
    again = client.get(results_url(project), HTTP_IF_NONE_MATCH=tag)
    weak = client.get(results_url(project), HTTP_IF_NONE_MATCH=f'"other", W/{tag}')
    stale = client.get(results_url(project), HTTP_IF_NONE_MATCH='"not-the-tag"')
    # then it is 304 with no body and the same ETag; a tag that does not match gets the full answer
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == tag
    assert weak.status_code == 304
    assert stale.status_code == 200 and stale.json()["measures"]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", CHARTS)
def test_charts_answer_304_to_a_matching_etag(world, api, loaded, name, fmt):
    # given a chart fetched once
    project, _ = loaded
    client = api(world.user("member"))
    first = client.get(chart_url(project, name, fmt))
    assert first.status_code == 200 and first.content
    # when it is fetched again with its ETag
    again = client.get(chart_url(project, name, fmt), HTTP_IF_NONE_MATCH=first["ETag"])
    # then the answer is 304, empty, with the same tag; and the formats have different tags
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"]
    other_format = "csv" if fmt != "csv" else "svg"
    assert etag(client, chart_url(project, name, other_format)) != first["ETag"]


def test_a_new_upload_changes_the_etag(world, api, loaded):
    # given the tags of the results and two charts
    project, _ = loaded
    client = api(world.user("member"))
    before = etags(client, project)
    # when another stage's data is uploaded
    upload(api(world.user("member")), project, pupils(), "dissemination", world.measure)
    # then every tag changes, and the old tag now gets the new data, not a 304
    after = etags(client, project)
    assert all(a != b for a, b in zip(before, after))
    response = client.get(results_url(project), HTTP_IF_NONE_MATCH=before[0])
    assert response.status_code == 200
    final = [c for c in response.json()["measures"][0]["descriptives"] if c["stage"] == "dissemination"]
    assert [c["n"] for c in final] == [8, 8]


def test_deleting_an_upload_changes_the_etag(world, api, loaded):
    # given the tags with the upload in place
    project, upload_id = loaded
    client = api(world.user("member"))
    before = etags(client, project)
    # when the upload is deleted
    delete_upload(api(world.user("member")), project, upload_id)
    # then every tag changes and the results no longer count its pupils
    after = etags(client, project)
    assert all(a != b for a, b in zip(before, after))
    measure = client.get(results_url(project)).json()["measures"][0]
    assert measure["groups"] == [] and measure["descriptives"] == []
    assert measure["reason"] == "No scores for this measure yet."


def test_changing_the_measures_changes_the_etag(world, api, loaded):
    # given the tags before the plan changes
    project, _ = loaded
    client = api(world.user("teacher"))
    before = etags(client, project)
    # when the project lead adds a measure to the project
    reading = second_measure(world, world.projects["theory"], name="Reading age")
    response = api(world.user("project_lead")).patch(f"/api/v1/projects/{project.pk}/",
                                                     {"measures": [world.measure.pk, reading.pk]}, format="json")
    assert response.status_code == 200, response.json()
    # then every tag changes and the results list the new measure
    after = etags(client, project)
    assert all(a != b for a, b in zip(before, after))
    names = [m["measure"]["name"] for m in client.get(results_url(project)).json()["measures"]]
    assert names == ["Maths test", "Reading age"]


def test_changing_the_minimum_cell_size_changes_the_etag(world, api, loaded):
    # given a non-member's tags, with both groups of 8 shown (baseline and final, frozen for outsiders)
    project, _ = loaded
    upload(api(world.user("member")), project, pupils(), "dissemination", world.measure)
    freeze_for_outsiders(project)
    client = api(world.user("teacher"))
    before = etags(client, project)
    first = client.get(results_url(project)).json()["measures"][0]["descriptives"][0]
    assert first["n"] == 8
    # when the alliance raises its minimum cell size to 10 (set by staff in the admin; no API for it)
    alliance = Alliance.objects.get(pk=world.alliance.pk)
    alliance.min_cell_size = 10
    alliance.save()
    # then every tag changes and the old tag gets the newly suppressed answer
    after = etags(client, project)
    assert all(a != b for a, b in zip(before, after))
    response = client.get(results_url(project), HTTP_IF_NONE_MATCH=before[0])
    assert response.status_code == 200
    assert response.json()["measures"][0]["descriptives"][0]["n"] == "c"
    assert response.json()["disclosure"]["min_cell"] == 10


def test_members_and_non_members_get_different_etags(world, api, loaded):
    # given one project
    project, _ = loaded
    # when members and non-members fetch the same results and charts
    tags = {role: etags(api(world.user(role)), project)
            for role in ("member", "project_lead", "teacher", "alliance_lead", "staff")}
    # then the tags differ between the two views (different numbers) and agree within each view
    assert all(m != t for m, t in zip(tags["member"], tags["teacher"]))
    assert tags["member"] == tags["project_lead"]
    assert tags["teacher"] == tags["alliance_lead"] == tags["staff"]
    # and a member's tag does not earn a non-member a 304
    response = api(world.user("teacher")).get(results_url(project), HTTP_IF_NONE_MATCH=tags["member"][0])
    assert response.status_code == 200 and response.json()["view"] == "non-member"


def test_measure_filter_has_its_own_etag(world, api, loaded):
    # given results for all measures and for one
    project, _ = loaded
    client = api(world.user("member"))
    # when both are fetched
    everything = etag(client, results_url(project))
    one = etag(client, results_url(project, world.measure))
    # then their tags differ, so a 304 for one is never served for the other
    assert everything != one
    assert client.get(results_url(project, world.measure), HTTP_IF_NONE_MATCH=everything).status_code == 200


def test_unrelated_changes_keep_the_etag(world, api, loaded):
    # given the results' tag
    project, _ = loaded
    client = api(world.user("member"))
    tag = etag(client, results_url(project))
    # when data are uploaded to another project
    other = world.projects["theory"]
    upload_all(api(world.user("member")), other, pupils(), world.measure, stages=("theory",))
    # then this project's results are still current: 304
    assert client.get(results_url(project), HTTP_IF_NONE_MATCH=tag).status_code == 304
