"""Issue 5: the findings library's filters, ordering and facet counts.

Each filter is tested with a finding that matches and one that does not; ordering by date and by
effect size in both directions (findings with no effect size last); each facet's count equals the
number of findings its filter value leaves.
"""
import pytest
from django.utils.dateparse import parse_datetime

from research.models import Measure, Publication

from ..factories import MeasureFactory
from .findings_support import (FINDINGS, NEGATIVE, POSITIVE, UNCLEAR, facet, published_finding, slugs, spread,
                               theme)

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelf(world, api):
    """Three findings with data besides the world's two (A published, B published: no data, no effect).

    positive: maths ks2 2025/26, alliance A, theme feedback, attainment, baseline + final (2 padlocks: a
              matched design earns 3, less 1 for a single school)
    negative: english ks3 2024/25, alliance A, theme oracy, a well-being measure, final only (0 padlocks: the
              smallest detectable effect of 20 per group with no baseline is above 0.6 SD)
    unclear:  science ks1 2025/26, alliance B, attainment, final only (0 padlocks)
    """
    wellbeing = MeasureFactory(alliance=world.alliance, name="Wellbeing scale", kind="well-being")
    b_measure = Measure.objects.get(alliance=world.other_alliance)
    baseline = {"intervention": spread(50.3, 20, 8), "comparison": spread(50.3, 20, 8)}
    _, positive = published_finding(api, world, title="Positive", cells=POSITIVE, baseline=baseline,
                                    themes=[theme("feedback")])
    _, negative = published_finding(api, world, title="Negative", cells=NEGATIVE, measures=[wellbeing],
                                    measure=wellbeing, subject="english", phase="ks3", academic_year="2024/25",
                                    themes=[theme("oracy")])
    _, unclear = published_finding(api, world, title="Unclear", cells=UNCLEAR, alliance=world.other_alliance,
                                   measure=b_measure, subject="science", phase="ks1")
    untested = {p.slug: p for p in Publication.objects.exclude(pk__in=[positive.pk, negative.pk, unclear.pk])}
    assert len(untested) == 2
    return {"positive": positive.slug, "negative": negative.slug, "unclear": unclear.slug,
            "world_a": Publication.objects.get(project=world.projects["published"]).slug,
            "world_b": Publication.objects.get(project=world.other_projects["published"]).slug}


def test_the_shelf_has_the_directions_and_padlocks_the_filters_rely_on(shelf):
    # given the fixture / then each finding has the direction and padlocks the tests below assume
    found = {p.slug: (p.effect_direction, p.evidence_strength) for p in Publication.objects.all()}
    assert found == {shelf["positive"]: ("positive", 2), shelf["negative"]: ("negative", 0),
                     shelf["unclear"]: ("unclear", 0), shelf["world_a"]: ("not_estimated", None),
                     shelf["world_b"]: ("not_estimated", None)}


FILTER_CASES = [
    ("subject", "english", {"negative"}), ("subject", "science", {"unclear"}), ("subject", "pe", set()),
    ("phase", "ks3", {"negative"}), ("phase", "ks1", {"unclear"}), ("phase", "post16", set()),
    ("theme", "feedback", {"positive"}), ("theme", "oracy", {"negative"}), ("theme", "no-such-theme", set()),
    ("measure_kind", "well-being", {"negative"}), ("measure_kind", "behaviour", set()),
    ("measure_kind", "attainment", {"positive", "unclear", "world_a", "world_b"}),
    ("academic_year", "2024/25", {"negative"}), ("academic_year", "2019/20", set()),
    ("alliance", "B", {"unclear", "world_b"}), ("alliance", "A", {"positive", "negative", "world_a"}),
    ("alliance", "999999", set()),
    ("evidence_strength", "2", {"positive"}), ("evidence_strength", "1", {"positive"}),
    ("evidence_strength", "3", set()), ("evidence_strength", "0", {"positive", "negative", "unclear"}),
    ("direction", "positive", {"positive"}), ("direction", "negative", {"negative"}),
    ("direction", "unclear", {"unclear"}), ("direction", "not_estimated", {"world_a", "world_b"}),
]


def test_each_filter_keeps_the_findings_that_match_and_drops_the_rest(shelf, world, api):
    # given five published findings (one fixture for every case: building it is the slow part)
    client = api(None)
    alliances = {"A": str(world.alliance.pk), "B": str(world.other_alliance.pk)}
    wrong = []
    for name, value, expected in FILTER_CASES:
        # when readers filter by one value
        response = client.get(FINDINGS, {name: alliances.get(value, value) if name == "alliance" else value})
        # then exactly the matching findings come back, and the count says so
        found = set(slugs(response))
        if found != {shelf[key] for key in expected} or response.json()["count"] != len(expected):
            wrong.append((name, value, sorted(found)))
    assert wrong == []


def test_filters_combine(shelf, world, api):
    # given the shelf / when two filters are given, then only findings matching both remain
    client = api(None)
    assert slugs(client.get(FINDINGS, {"subject": "maths", "theme": "feedback"})) == [shelf["positive"]]
    assert slugs(client.get(FINDINGS, {"subject": "english", "theme": "feedback"})) == []
    assert set(slugs(client.get(FINDINGS, {"alliance": world.alliance.pk, "evidence_strength": 0}))) == {
        shelf["positive"], shelf["negative"]}
    assert set(slugs(client.get(FINDINGS, {"alliance": world.alliance.pk, "evidence_strength": 1}))) == {
        shelf["positive"]}


BAD_VALUES = [("subject", "astrology"), ("direction", "sideways"), ("phase", "ks9"), ("measure_kind", "iq"),
              ("evidence_strength", "many"), ("alliance", "first")]


def test_a_bad_filter_value_is_a_400_naming_the_filter(shelf, api):
    for name, value in BAD_VALUES:
        # given the shelf / when a filter value is not one of its choices
        response = api(None).get(FINDINGS, {name: value})
        # then the answer is 400 invalid, naming the filter
        assert response.status_code == 400, (name, value)
        assert response.json()["code"] == "invalid" and name in response.json()["errors"], (name, value)


def published_at(slug):
    return Publication.objects.get(slug=slug).published_at


def test_ordering_by_date_both_ways(shelf, api):
    # given five findings published one after another
    client = api(None)
    by_date = sorted(Publication.objects.values_list("published_at", "id", "slug"))
    oldest_first = [slug for *_, slug in by_date]
    # when readers order by date / then oldest first, newest first, and newest first by default
    assert slugs(client.get(FINDINGS, {"ordering": "published"})) == oldest_first
    assert slugs(client.get(FINDINGS, {"ordering": "-published"})) == oldest_first[::-1]
    assert slugs(client.get(FINDINGS)) == oldest_first[::-1]
    listed = client.get(FINDINGS).json()["results"]
    assert [parse_datetime(row["published_at"]) for row in listed] == [published_at(s) for s in oldest_first[::-1]]


def test_ordering_by_effect_size_both_ways_with_no_effect_last(shelf, api):
    # given a positive, an unclear and a negative finding, and two with no effect size
    client = api(None)
    no_effect = [shelf["world_b"], shelf["world_a"]]  # newest first among themselves
    # when readers order by effect size
    largest_first = slugs(client.get(FINDINGS, {"ordering": "-effect"}))
    smallest_first = slugs(client.get(FINDINGS, {"ordering": "effect"}))
    # then the effect sizes decide, both ways, and the findings without one come last either way
    assert largest_first == [shelf["positive"], shelf["unclear"], shelf["negative"], *no_effect]
    assert smallest_first == [shelf["negative"], shelf["unclear"], shelf["positive"], *no_effect]
    effects = [row["headline"]["g"] for row in client.get(FINDINGS, {"ordering": "-effect"}).json()["results"]]
    assert effects[0] > 0 > effects[2] and effects[3:] == [None, None]
    # and paging keeps the order
    pages = [slugs(client.get(FINDINGS, {"ordering": "-effect", "page_size": 2, "page": n})) for n in (1, 2, 3)]
    assert sum(pages, []) == largest_first


FACET_TO_FILTER = {"subject": "subject", "phase": "phase", "academic_year": "academic_year", "theme": "theme",
                   "measure_kind": "measure_kind", "alliance": "alliance", "direction": "direction"}


@pytest.mark.parametrize("query", [{}, {"alliance": "A"}, {"measure_kind": "attainment"}, {"search": "positive"}])
def test_each_facet_count_is_the_number_of_findings_its_value_leaves(shelf, world, api, query):
    # given the shelf, unfiltered or narrowed
    query = {k: (world.alliance.pk if v == "A" else v) for k, v in query.items()}
    client = api(None)
    response = client.get(FINDINGS, query)
    total = response.json()["count"]
    checked = 0
    for facet_name, param in FACET_TO_FILTER.items():
        rows = response.json()["facets"][facet_name]
        # then single-valued facets add up to the results
        if facet_name not in ("theme", "measure_kind"):
            assert sum(row["count"] for row in rows) == total, facet_name
        for row in rows:
            # and choosing a facet value leaves exactly as many findings as its count
            narrowed = client.get(FINDINGS, {**query, param: row["value"]})
            assert narrowed.json()["count"] == row["count"], (facet_name, row)
            checked += 1
    assert checked >= 7


def test_the_evidence_strength_facet_counts_what_its_filter_leaves(shelf, api):
    # given padlocks 4, 1, 1 and two findings with none
    client = api(None)
    rows = client.get(FINDINGS).json()["facets"]["evidence_strength"]
    assert rows
    for row in rows:
        # when a reader picks a padlock value from the facets
        narrowed = client.get(FINDINGS, {"evidence_strength": row["value"]})
        # then as many findings remain as the facet said
        assert narrowed.json()["count"] == row["count"], row


def test_evidence_strength_facet_values_are_those_published(shelf, api):
    # given padlocks 4, 1, 1 and two findings with none / then the facet lists the values published,
    # counting "at least N" as the filter does: 1 or more (x3), 4 or more (x1)
    assert facet(api(None).get(FINDINGS), "evidence_strength") == {0: 3, 2: 1}
