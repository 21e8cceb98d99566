"""The public evidence map (issue 15): published findings from every alliance pooled by strand.

Findings are published through the real API (findings_support); the pool is recomputed here from
the g and variance each strand's detail lists, with the textbook REML/HKSJ of the analysis tests.
"""
import pytest
from django.core.cache import cache

from research.models.choices import Status

from ..research.analysis.test_evidence_map import textbook_pool
from ..world import make_project
from .findings_support import NEGATIVE, POSITIVE, UNCLEAR, published_finding, spread, theme, unpublish

pytestmark = pytest.mark.django_db

MAP = "/api/v1/evidence-map/"
STRAND = "oracy--attainment--ks2"


def strand_url(key=STRAND, suffix=""):
    return f"{MAP}{key}/{suffix}"


@pytest.fixture
def findings(world, api):
    """Four published findings on oracy, attainment, key stage 2 (a positive, a negative, a null from
    alliance A, and a positive English one from alliance B), and one on oracy in key stage 3."""
    cache.clear()
    oracy = theme("oracy", "Oracy")
    made = {}
    for key, cells, extra in (("better", POSITIVE, {}), ("worse", NEGATIVE, {}), ("null", UNCLEAR, {}),
                              ("english", POSITIVE, {"alliance": world.other_alliance, "subject": "english"}),
                              ("ks3", POSITIVE, {"phase": "ks3"})):
        made[key] = published_finding(api, world, cells=cells, title=f"Talk {key}", themes=[oracy], **extra)[1]
    return made


def strand_of(response, key=STRAND):
    assert response.status_code == 200, response.content
    return next((s for s in response.json()["strands"] if s["key"] == key), None)


def test_anyone_reads_the_map_and_null_and_negative_findings_are_counted(findings, api):
    # when an anonymous visitor reads the map
    response = api(None).get(MAP)
    strand = strand_of(response)
    # then the strand pools all four findings, from both alliances, and counts each by its result
    assert strand["findings"] == strand["projects"] == 4 and strand["pool"]["k"] == 4
    assert strand["directions"] == {"positive": 2, "negative": 1, "null": 1, "not_estimated": 0}
    assert strand["pupils"] == 4 * 40 and strand["schools"] > 0
    assert strand["pool"]["method_code"] == "reml" and strand["pool"]["prediction_interval"] is not None
    assert strand["months"] is not None and strand["theme_label"] == "Oracy"
    assert strand_of(response, "oracy--attainment--ks3")["findings"] == 1
    # and the map counts the five published findings behind its strands
    assert response.json()["findings"] == 5
    # and the answer is tagged for revalidation
    assert response["ETag"] and api(None).get(MAP, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_the_strand_lists_g_and_variance_that_recompute_the_pool(findings, api):
    # when the strand's detail is read
    detail = api(None).get(strand_url()).json()
    rows = detail["rows"]
    # then every finding is there, with a link, g, variance and n
    assert {row["slug"] for row in rows} == {findings[k].slug for k in ("better", "worse", "null", "english")}
    assert all(row["link"] == f"/findings/{row['slug']}/" and row["n"] == 40 for row in rows)
    # and the pool recomputed from them by the textbook formulas is the one published
    expected = textbook_pool([r["g"] for r in rows], [r["variance"] for r in rows])
    pool = detail["pool"]
    assert pool["g"] == pytest.approx(expected["g"], rel=1e-6, abs=1e-6)
    assert (pool["ci_low"], pool["ci_high"]) == pytest.approx(expected["ci"], rel=1e-6, abs=1e-6)
    pi = pool["prediction_interval"]
    assert (pi["low"], pi["high"]) == pytest.approx(expected["pi"], rel=1e-6, abs=1e-6)
    assert detail["egger"] is None and "10 or more" in detail["egger_reason"]


def test_filters_choose_strands_and_subject_narrows_the_pool(findings, api):
    client = api(None)
    # phase keeps the strands of that phase only
    keys = {s["key"] for s in client.get(MAP, {"phase": "ks3"}).json()["strands"]}
    assert "oracy--attainment--ks3" in keys and STRAND not in keys
    # subject pools only that subject's findings
    maths = strand_of(client.get(MAP, {"subject": "maths"}))
    assert maths["findings"] == 3 and maths["directions"]["positive"] == 1
    assert {r["slug"] for r in client.get(strand_url(), {"subject": "english"}).json()["rows"]} == {
        findings["english"].slug}
    # a minimum of padlocks above any strand's rating leaves none; theme and kind choose strands
    assert client.get(MAP, {"min_padlocks": 5}).json()["strands"] == []
    assert client.get(MAP, {"theme": "feedback"}).json()["strands"] == []
    assert client.get(MAP, {"measure_kind": "attainment", "theme": "oracy"}).json()["count"] >= 2
    # and a bad filter is a 400 naming it
    response = client.get(MAP, {"phase": "year-12", "min_padlocks": 9})
    assert response.status_code == 400 and set(response.json()["errors"]) == {"phase", "min_padlocks"}


def test_a_withdrawn_finding_leaves_the_map_and_nothing_stale_is_served(findings, world, api):
    # given the map and the strand read (and cached)
    client = api(None)
    before = client.get(MAP)
    assert strand_of(before)["findings"] == 4 and len(client.get(strand_url()).json()["rows"]) == 4
    # when the negative finding is withdrawn by its alliance
    unpublish(api, world, findings["worse"].project)
    # then the map and the strand no longer count it, at once
    after = client.get(MAP)
    assert after["ETag"] != before["ETag"]
    strand = strand_of(after)
    assert strand["findings"] == 3 and strand["directions"]["negative"] == 0
    assert after.json()["findings"] == before.json()["findings"] - 1
    assert findings["worse"].slug not in {r["slug"] for r in client.get(strand_url()).json()["rows"]}
    # and the old ETag no longer answers 304
    assert client.get(MAP, HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 200


def test_a_finding_without_an_effect_is_counted_not_dropped(findings, world, api):
    # given a published finding on the strand whose groups are too small to show an effect
    published_finding(api, world, cells={"intervention": spread(60, 3), "comparison": spread(50, 3)},
                      title="Talk tiny", themes=[theme("oracy")])
    strand = strand_of(api(None).get(MAP))
    # then it is in the strand's findings, as not estimated, and not in the pool
    assert strand["findings"] == 5 and strand["pool"]["k"] == 4 and strand["directions"]["not_estimated"] == 1
    tiny = next(r for r in api(None).get(strand_url()).json()["rows"] if r["title"] == "Talk tiny")
    assert tiny["pooled"] is False and tiny["g"] is None and tiny["reason"]


def test_drafts_never_enter_the_map(findings, world, api):
    # given a project of the strand still in dissemination
    make_project(world.alliance, world.user("project_lead"), world.user("alliance_lead"), [world.user("member")],
                 [world.measure], status=Status.DISSEMINATION, title="Talk draft", themes=[theme("oracy")])
    # then no reader, signed in or not, sees it in the strand
    for user in (None, world.user("alliance_lead")):
        assert "Talk draft" not in {r["title"] for r in api(user).get(strand_url()).json()["rows"]}


def test_the_strand_charts(findings, api):
    client = api(None)
    # the forest plot in every format, its table naming every pooled finding and the prediction interval
    svg = client.get(strand_url(suffix="charts/forest.svg"))
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    assert client.get(strand_url(suffix="charts/forest.png")).content[:8] == b"\x89PNG\r\n\x1a\n"
    table = client.get(strand_url(suffix="charts/forest.json")).json()["table"]
    assert {r["label"] for r in table if r["row"] == "project"} == {"Talk better", "Talk worse", "Talk null",
                                                                     "Talk english"}
    assert any(r["row"] == "prediction_interval" for r in table)
    assert b"Talk worse" in client.get(strand_url(suffix="charts/forest.csv")).content
    # a funnel plot needs 10 findings; unknown charts and strands are 404s
    funnel = client.get(strand_url(suffix="charts/funnel.svg"))
    assert funnel.status_code == 404 and funnel.json()["code"] == "too_few_findings"
    assert client.get(strand_url(suffix="charts/pie.svg")).status_code == 404
    assert client.get(strand_url("oracy--attainment--ks5")).status_code == 404
    assert client.get(strand_url("not-a-strand")).status_code == 404


def test_the_map_takes_a_pinned_number_of_queries(findings, api, django_assert_num_queries):
    client = api(None)
    cache.clear()
    # cold: the fingerprint, the findings, their themes, the theme names
    with django_assert_num_queries(4):
        assert client.get(MAP).status_code == 200
    # warm: the fingerprint only
    with django_assert_num_queries(1):
        assert client.get(MAP).status_code == 200
    # a strand's detail likewise: the findings of its strand, their themes, the theme names; then 1
    with django_assert_num_queries(4):
        assert client.get(strand_url()).status_code == 200
    with django_assert_num_queries(1):
        assert client.get(strand_url()).status_code == 200
