"""A finding's charts: drawn once from the frozen results, kept, cached by ETag; bad requests refused."""
import pytest

from research.models import PublicationChart

from ..factories import MeasureFactory
from .findings_support import POSITIVE, chart_url, project_in_dissemination, publish, upload_scores

pytestmark = pytest.mark.django_db


@pytest.fixture
def finding(world, api):
    reading = MeasureFactory(alliance=world.alliance, name="Reading age")
    project = project_in_dissemination(api, world, title="Two measures", measures=[world.measure, reading])
    upload_scores(api, world, project, world.measure, POSITIVE)
    upload_scores(api, world, project, reading, POSITIVE)
    return publish(api, world, project), reading


def test_a_chart_is_drawn_once_and_then_served_as_drawn(finding, api):
    # given a published finding whose trajectory chart nobody has asked for
    publication, reading = finding
    client = api(None)
    # when it is asked for twice, by default (first measure) and by naming that measure
    first = client.get(chart_url(publication.slug, "trajectory", "svg"))
    first_measure = publication.content["charts"][1]["measure"]
    again = client.get(chart_url(publication.slug, "trajectory", "svg"), {"measure": first_measure})
    # then both are the same drawing, stored once; the other measure is a different drawing
    assert first.status_code == again.status_code == 200 and first.content == again.content
    assert PublicationChart.objects.filter(publication=publication, name="trajectory").count() == 1
    other = client.get(chart_url(publication.slug, "trajectory", "svg"), {"measure": reading.pk})
    assert other.status_code == 200 and other.content != first.content
    assert b"Reading age" in other.content


def test_a_chart_answers_304_to_its_etag(finding, api):
    # given a chart fetched once, with its ETag
    publication, _ = finding
    client = api(None)
    first = client.get(chart_url(publication.slug, "effects", "png"))
    assert first.status_code == 200 and first["ETag"]
    # when asked again with that ETag / then 304 with no body; another format has another ETag
    again = client.get(chart_url(publication.slug, "effects", "png"), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    svg = client.get(chart_url(publication.slug, "effects", "svg"), HTTP_IF_NONE_MATCH=first["ETag"])
    assert svg.status_code == 200 and svg["ETag"] != first["ETag"]


def test_unknown_charts_and_measures_are_refused_without_drawing(finding, api):
    # given a published finding
    publication, _ = finding
    client = api(None)
    # when a chart that does not exist, a measure that is not the finding's, or a bad measure is asked for
    unknown = client.get(chart_url(publication.slug, "pipeline", "svg"))
    foreign = client.get(chart_url(publication.slug, "trajectory", "svg"), {"measure": 999999})
    bad = client.get(chart_url(publication.slug, "gap", "svg"), {"measure": "first"})
    # then 404, 400, 400, and nothing is stored
    assert (unknown.status_code, foreign.status_code, bad.status_code) == (404, 400, 400)
    assert not PublicationChart.objects.filter(publication=publication).exists()


def test_asking_for_the_effects_chart_with_any_measure_stores_one_drawing(finding, api):
    # given a published finding
    publication, _ = finding
    client = api(None)
    # when anonymous readers ask for its effects chart with made-up measure ids
    answers = [client.get(chart_url(publication.slug, "effects", "svg"), {"measure": m} if m else {}).status_code
               for m in (None, 424242, 424243, 424244)]
    # then at most one drawing is stored (made-up measures drawn the same, or refused)
    assert set(answers) <= {200, 400}
    assert PublicationChart.objects.filter(publication=publication, name="effects").count() == 1


def test_a_findings_chart_is_titled_by_the_project_with_the_question_under_it(finding, api):
    # given a published finding
    publication, _ = finding
    # when its trajectory chart is fetched as JSON and SVG
    body = api(None).get(chart_url(publication.slug, "trajectory", "json")).json()
    svg = api(None).get(chart_url(publication.slug, "trajectory", "svg")).content.decode()
    # then its title is the project's short title, and the research question is drawn under it
    assert body["title"] == publication.title == "Two measures"
    assert f"<title>{publication.title}</title>" in svg and publication.research_question in svg
