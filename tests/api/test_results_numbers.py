"""GET /projects/{id}/results/: every number checked against an independent computation.

Data go in through the upload API; expected values come from the statistics module and the
textbook formulas (Hedges' g = d * J, J = 1 - 3 / (4 (n1 + n2) - 9)), never from the app's code.
"""
import math
import statistics

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import stats

from .results_support import (Pupil, cell, describe, hedges, make_pupils, results_url, scores_of, upload,
                              upload_all)
from .test_outcomes_support import project_urns, second_measure

pytestmark = pytest.mark.django_db

TOL = 1e-9


def close(a, b) -> bool:
    return a is not None and b is not None and math.isclose(a, b, rel_tol=0, abs_tol=TOL)


def unequal_groups() -> list[Pupil]:
    """12 intervention pupils (6 disadvantaged), 9 comparison (3); two intervention pupils leave
    before the final stage and one comparison pupil misses the progress test."""
    intervention = make_pupils(12, group="intervention", start=0, disadvantaged=6, base=44.0, rise=4.4137)
    comparison = make_pupils(9, group="comparison", start=500, disadvantaged=3, base=45.5, step=1.9373, rise=1.2291)
    for pupil in intervention[10:]:
        del pupil.scores["dissemination"]
    del comparison[8].scores["progress"]
    return intervention + comparison


def matched(pupils, group, to_stage):
    both = [p for p in pupils if p.group == group and "theory" in p.scores and to_stage in p.scores]
    return [p.scores["theory"] for p in both], [p.scores[to_stage] for p in both]


def eef_months(g: float) -> int:
    """The EEF table read from g as the page shows it (2 dp)."""
    shown = round(g, 2)
    bands = [(0.96, 12), (0.88, 11), (0.79, 10), (0.70, 9), (0.62, 8), (0.53, 7), (0.45, 6), (0.36, 5),
             (0.27, 4), (0.19, 3), (0.10, 2), (0.02, 1)]
    months = next((m for bound, m in bands if abs(shown) >= bound), 0)
    return months if shown > 0 else -months


@pytest.fixture
def unequal(world, api):
    project = world.projects["dissemination"]
    data = unequal_groups()
    upload_all(api(world.user("member")), project, data, world.measure)
    return project, data


def member_results(world, api, project, **params):
    response = api(world.user("member")).get(results_url(project), params)
    assert response.status_code == 200, response.json()
    return response.json()


@pytest.mark.parametrize("stage", ["theory", "progress", "dissemination"])
@pytest.mark.parametrize("group", ["intervention", "comparison"])
def test_descriptives_match_the_statistics_module(world, api, unequal, stage, group):
    # given unequal groups with a pupil missing here and there
    project, data = unequal
    # when a member reads the results
    measure = member_results(world, api, project)["measures"][0]
    found = cell(measure["descriptives"], stage=stage, group=group)
    # then n, mean, sd, quartiles, range and the t-based 95% CI match an independent computation
    scores = scores_of(data, stage, group)
    expected = describe(scores)
    q1, median, q3 = statistics.quantiles(scores, n=4, method="inclusive")  # = numpy's linear (type 7)
    half = stats.t.ppf(0.975, len(scores) - 1) * expected["sd"] / math.sqrt(len(scores))
    assert found["n"] == expected["n"] == len(scores)
    for key, value in {"mean": expected["mean"], "sd": expected["sd"], "median": median, "q1": q1, "q3": q3,
                       "min": min(scores), "max": max(scores), "ci_low": expected["mean"] - half,
                       "ci_high": expected["mean"] + half}.items():
        assert close(found[key], value), (key, found[key], value)
    assert found["reason"] is None


def test_missing_pupils_change_n_per_stage(world, api, unequal):
    # given two intervention pupils without a final score and one comparison pupil without progress
    project, _ = unequal
    measure = member_results(world, api, project)["measures"][0]
    # then each stage counts only the pupils it has
    counts = {(c["stage"], c["group"]): c["n"] for c in measure["descriptives"]}
    assert counts == {("theory", "intervention"): 12, ("progress", "intervention"): 12,
                      ("dissemination", "intervention"): 10, ("theory", "comparison"): 9,
                      ("progress", "comparison"): 8, ("dissemination", "comparison"): 9}


@pytest.mark.parametrize("group", ["intervention", "comparison"])
def test_matched_gains_and_attrition(world, api, unequal, group):
    # given the unequal groups
    project, data = unequal
    measure = member_results(world, api, project)["measures"][0]
    # then gains are over matched pupils only, and attrition counts baseline pupils lost by the end
    for to_stage in ("progress", "dissemination"):
        before, after = matched(data, group, to_stage)
        gains = [b - a for a, b in zip(before, after)]
        found = cell(measure["gains"], group=group, to_stage=to_stage)
        assert found["n"] == len(gains)
        assert close(found["mean_gain"], statistics.fmean(gains)) and close(found["sd_gain"], statistics.stdev(gains))
    attrition = cell(measure["attrition"], group=group)
    n_baseline = len(scores_of(data, "theory", group))
    n_final = len(scores_of(data, "dissemination", group))
    retained = len(matched(data, group, "dissemination")[0])
    assert (attrition["n_baseline"], attrition["n_final"], attrition["n_retained"]) == (n_baseline, n_final, retained)
    assert close(attrition["attrition_rate"], (n_baseline - retained) / n_baseline)


def test_hedges_g_by_hand(world, api, unequal):
    # given the unequal groups (10 vs 9 at the final stage)
    project, data = unequal
    effects = member_results(world, api, project)["measures"][0]["effects"]
    # then g on final scores is d * J with its variance, to 1e-9, and the 95% CI is g +/- 1.96 se
    g, variance = hedges(scores_of(data, "dissemination", "intervention"),
                         scores_of(data, "dissemination", "comparison"))
    final = effects["final"]
    assert (final["n_intervention"], final["n_comparison"], final["n"]) == (10, 9, 19)
    assert close(final["g"], g) and close(final["variance"], variance)
    z = stats.norm.ppf(0.975)
    assert close(final["ci_low"], g - z * math.sqrt(variance)) and close(final["ci_high"], g + z * math.sqrt(variance))
    assert final["months"] == eef_months(g)
    # and the difference in matched gains on the baseline-sd scale (J x difference / pooled baseline sd)
    gains = {group: [b - a for a, b in zip(*matched(data, group, "dissemination"))]
             for group in ("intervention", "comparison")}
    baselines = {group: matched(data, group, "dissemination")[0] for group in gains}
    n1, n2 = len(gains["intervention"]), len(gains["comparison"])
    pooled = math.sqrt(((n1 - 1) * statistics.variance(baselines["intervention"])
                        + (n2 - 1) * statistics.variance(baselines["comparison"])) / (n1 + n2 - 2))
    g_gain = ((1 - 3 / (4 * (n1 + n2) - 9))
              * (statistics.fmean(gains["intervention"]) - statistics.fmean(gains["comparison"])) / pooled)
    assert close(effects["gain"]["g"], g_gain)
    assert effects["gain"]["months"] == eef_months(g_gain)


def test_baseline_equivalence_and_headline(world, api, unequal):
    # given groups that start apart (intervention base 44, comparison 45.5)
    project, data = unequal
    measure = member_results(world, api, project)["measures"][0]
    # then the baseline difference is g on baseline scores of pupils with a final score (WWC analytic sample)
    baseline_g, _ = hedges(matched(data, "intervention", "dissemination")[0],
                           matched(data, "comparison", "dissemination")[0])
    equivalence = measure["baseline_equivalence"]
    assert close(equivalence["difference_sd"], baseline_g)
    band = "satisfied" if abs(baseline_g) <= 0.05 else "adjustment needed" if abs(baseline_g) <= 0.25 else \
        "not satisfied"
    assert equivalence["band"] == band
    # and when the groups started apart the headline is still the baseline-adjusted effect (OLS by hand:
    # final ~ group + baseline over the pupils with both scores, g = J x difference / pooled final sd)
    assert band != "satisfied"
    assert measure["effects"]["headline"] == "adjusted"
    # (the upload spreads pupils over the project's schools by their place in the file: school fixed effects)
    schools = len(project_urns(project))
    rows = [(1.0 if p.group == "intervention" else 0.0, p.scores["theory"], p.scores["dissemination"], i % schools)
            for i, p in enumerate(data) if "theory" in p.scores and "dissemination" in p.scores]
    treated, baseline, final, school = (np.array(column) for column in zip(*rows))
    dummies = [(school == k).astype(float) for k in range(1, schools)]
    fit = sm.OLS(final, np.column_stack([np.ones(len(final)), treated, baseline, *dummies])).fit()
    assert measure["effects"]["adjusted"]["schools"] == schools
    finals = [final[treated == 1.0], final[treated == 0.0]]
    n1, n2 = len(finals[0]), len(finals[1])
    pooled = math.sqrt(((n1 - 1) * statistics.variance(finals[0]) + (n2 - 1) * statistics.variance(finals[1]))
                       / (n1 + n2 - 2))
    adjusted = measure["effects"]["adjusted"]
    assert close(adjusted["difference"], fit.params[1])
    assert close(adjusted["g"], (1 - 3 / (4 * (n1 + n2) - 9)) * fit.params[1] / pooled)


def test_disadvantaged_gap_per_stage_and_group(world, api, unequal):
    # given disadvantaged pupils in both groups
    project, data = unequal
    measure = member_results(world, api, project)["measures"][0]
    # then the gap is mean(others) - mean(disadvantaged), with the subgroup means behind it
    for stage in ("theory", "progress", "dissemination"):
        for group in ("intervention", "comparison"):
            poor, others = (scores_of(data, stage, group, flag) for flag in (True, False))
            gap = cell(measure["gap"]["gaps"], stage=stage, group=group)
            assert (gap["n_disadvantaged"], gap["n_others"]) == (len(poor), len(others))
            assert close(gap["gap"], statistics.fmean(others) - statistics.fmean(poor))
            sub = cell(measure["gap"]["subgroups"], stage=stage, group=group, subgroup="disadvantaged")
            assert close(sub["mean"], statistics.fmean(poor)) and close(sub["sd"], statistics.stdev(poor))


def test_measure_filter(world, api, unequal):
    # given a second measure with its own (final-stage) data in the same project
    project, data = unequal
    reading = second_measure(world, project, name="Reading age", scale_max=50)
    extra = make_pupils(7, group="intervention", start=900, base=21.0, step=0.8123, stages=("dissemination",))
    upload(api(world.user("member")), project, extra, "dissemination", reading)
    # when a member asks for all measures, then for ?measure= each one
    both = member_results(world, api, project)
    only_reading = member_results(world, api, project, measure=reading.pk)
    only_maths = member_results(world, api, project, measure=world.measure.pk)
    # then all lists both (attainment, by name), and the filter keeps just the one asked for
    assert [m["measure"]["name"] for m in both["measures"]] == ["Maths test", "Reading age"]
    assert [m["measure"]["id"] for m in only_reading["measures"]] == [reading.pk]
    reading_final = cell(only_reading["measures"][0]["descriptives"], stage="dissemination", group="intervention")
    assert reading_final["n"] == 7
    assert close(reading_final["mean"], statistics.fmean(scores_of(extra, "dissemination", "intervention")))
    assert only_maths["measures"] == [both["measures"][0]]


@pytest.mark.parametrize("value", ["not-a-number", "999999"])
def test_bad_measure_is_400(world, api, unequal, value):
    # given a measure id that is not one of the project's (or not an id at all)
    project, _ = unequal
    # when the results are asked for with it
    response = api(world.user("member")).get(results_url(project), {"measure": value})
    # then the answer is a 400 naming the field
    assert response.status_code == 400
    assert "measure" in str(response.json())


def test_measure_of_another_project_is_400(world, api, unequal):
    # given an alliance measure the project did not choose
    project, _ = unequal
    other = second_measure(world, world.projects["theory"], name="Spelling")
    # when a member filters on it
    response = api(world.user("member")).get(results_url(project), {"measure": other.pk})
    # then it is refused
    assert response.status_code == 400


def test_no_comparison_group_gives_weaker_within_group_change(world, api):
    # given only intervention pupils, measured at baseline and final
    project = world.projects["dissemination"]
    data = make_pupils(8, group="intervention", start=0, base=30.0, step=3.1177, rise=2.0719,
                       stages=("theory", "dissemination"))
    upload_all(api(world.user("member")), project, data, world.measure)
    effects = member_results(world, api, project)["measures"][0]["effects"]
    # then the only effect is the within-group change, labelled as weaker, with J = 1 - 3 / (4 (n - 1) - 1)
    before, after = matched(data, "intervention", "dissemination")
    n = len(before)
    expected = (1 - 3 / (4 * (n - 1) - 1)) * statistics.fmean([b - a for a, b in zip(before, after)]) \
        / statistics.stdev(before)
    assert effects["design"].startswith("within-group") and "weaker" in effects["design"]
    assert "final" not in effects and "gain" not in effects
    assert close(effects["within_group"]["g"], expected)


def test_all_equal_scores_give_null_with_reason(world, api):
    # given every pupil in both groups scoring exactly the same at the final stage
    project = world.projects["dissemination"]
    data = [Pupil(f"EQ{i:04d}", "intervention" if i < 6 else "comparison", False, {"dissemination": 50.5})
            for i in range(12)]
    upload(api(world.user("member")), project, data, "dissemination", world.measure)
    measure = member_results(world, api, project)["measures"][0]
    # then sd is 0 (not a float crumb), g is null and the reason says why
    final = cell(measure["descriptives"], stage="dissemination", group="comparison")
    assert final["sd"] == 0.0 and final["mean"] == 50.5
    assert measure["effects"]["final"]["g"] is None
    assert "sd 0" in measure["effects"]["final"]["reason"]
    assert measure["effects"]["headline"] is None
