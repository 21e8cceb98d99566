"""Issue 5: null and negative results publish on equal terms and are found like any other.

A finding with no clear difference (the 95% CI of g spans 0), one where the intervention did
worse, and one with no scores at all all publish, are listed, found by search and by direction,
and show their numbers as numbers.
"""
import csv
import io

import pytest

from .findings_support import (FINDINGS, NEGATIVE, POSITIVE, UNCLEAR, finding_url, published_finding, results_url,
                               slugs, spread)

pytestmark = pytest.mark.django_db


@pytest.fixture
def results(world, api):
    _, null = published_finding(api, world, title="Colour overlays", question="Do coloured overlays help reading?",
                                cells=UNCLEAR, writing={"findings": "No clear difference between the groups.",
                                                        "what_did_not_work": "Overlays made no measurable odds."})
    _, worse = published_finding(api, world, title="Silent reading blocks",
                                 question="Does silent reading raise fluency?", cells=NEGATIVE,
                                 writing={"findings": "The comparison classes did better.",
                                          "what_did_not_work": "Unguided silent reading lost momentum."})
    _, better = published_finding(api, world, title="Choral reading", cells=POSITIVE)
    return {"null": null, "worse": worse, "better": better}


def test_null_and_negative_findings_publish_and_are_listed_like_a_positive_one(results, api):
    # given an unclear, a negative and a positive finding, each published by the alliance lead
    listed = {row["slug"]: row for row in api(None).get(FINDINGS).json()["results"]}
    # then all three are listed, with their direction and the effect size behind it
    for key in ("null", "worse", "better"):
        assert results[key].slug in listed
    null, worse = listed[results["null"].slug], listed[results["worse"].slug]
    assert null["effect_direction"] == "unclear"
    assert null["headline"]["ci_low"] < 0 < null["headline"]["ci_high"]
    assert worse["effect_direction"] == "negative"
    assert worse["headline"]["g"] < 0 and worse["headline"]["ci_high"] < 0
    assert listed[results["better"].slug]["effect_direction"] == "positive"
    # and each detail page is a full finding, like the positive one
    for key in ("null", "worse"):
        detail = api(None).get(finding_url(results[key].slug)).json()
        assert detail["status"] == "published" and detail["results"]["measures"][0]["descriptives"]


def test_null_and_negative_findings_are_found_by_search(results, api):
    # given what did not work is part of the published writing
    for text, key in [("overlays", "null"), ("momentum", "worse"), ("fluency", "worse"), ("measurable", "null")]:
        # when readers search for a word of the title, question or writing
        found = slugs(api(None).get(FINDINGS, {"search": text}))
        # then the finding comes back like any other
        assert found == [results[key].slug], text


def test_filtering_by_direction_finds_each_kind_of_result(results, api):
    # given the three findings and the world's two without data
    client = api(None)
    # when readers filter by direction / then each kind is found
    assert slugs(client.get(FINDINGS, {"direction": "unclear"})) == [results["null"].slug]
    assert slugs(client.get(FINDINGS, {"direction": "negative"})) == [results["worse"].slug]
    assert slugs(client.get(FINDINGS, {"direction": "positive"})) == [results["better"].slug]
    assert len(slugs(client.get(FINDINGS, {"direction": "not_estimated"}))) == 2


def test_a_negative_effect_is_a_plain_negative_number_in_the_results_download(results, api):
    # given the negative finding / when its results are downloaded as CSV
    response = api(None).get(results_url(results["worse"].slug, "csv"))
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    final = next(row for row in rows if row["section"] == "effect (final)")
    # then g and its CI are negative numbers, not escaped text
    assert float(final["g"]) < 0 and final["g"].startswith("-")
    assert float(final["ci_high"]) < 0


def test_a_finding_with_no_scores_publishes_too(world, api):
    # given a project with findings but no pupil data / when published
    _, finding = published_finding(api, world, title="Staff coaching", question="Does coaching change practice?",
                                   writing={"findings": "Teachers reported changed practice."})
    detail = api(None).get(finding_url(finding.slug)).json()
    # then it is a finding whose effect is "not estimated", and it is found
    assert detail["effect_direction"] == "not_estimated" and detail["headline"]["g"] is None
    assert slugs(api(None).get(FINDINGS, {"search": "coaching"})) == [finding.slug]


def test_equal_gains_publish_no_absurd_effect_size(world, api):
    # given every intervention pupil gaining 20 points and every comparison pupil none, on scores with decimals
    baseline = {"intervention": spread(50, 20), "comparison": spread(50, 20)}
    final = {"intervention": spread(70, 20), "comparison": spread(50, 20)}
    _, finding = published_finding(api, world, title="Equal gains", baseline=baseline, cells=final)
    # when the results are read
    rows = api(None).get(results_url(finding.slug, "json")).json()["rows"]
    gain = next(row for row in rows if row["section"] == "effect (gain)")
    # then no effect size of gains is claimed (the gains do not vary), let alone one of 10^15
    assert gain["g"] is None or abs(gain["g"]) < 100, (gain["g"], gain["months"])
