"""The four differencing attacks an outside test made on the running product, made again here
through the API as an outsider would (issue 11, findings 1-4). Each failed before the analysed
cohort, frozen views and the differencing audit; each must fail for the attacker now.
"""
import math

import pytest

from .results_support import (cell, delete_upload, dissemination_project, make_pupils, publish, results_url,
                              upload)

pytestmark = pytest.mark.django_db


def _numbers(*values) -> bool:
    return all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)


def _measure(body):
    return body["measures"][0]


def _leaver_pupils():
    """Intervention: 8 at baseline, one of whom (scoring 73.0) leaves; 7 at the end. Comparison 8 and 8."""
    intervention = make_pupils(8, group="intervention", start=0, base=45.0)
    intervention[7].scores["theory"] = 73.0
    del intervention[7].scores["dissemination"]
    comparison = make_pupils(8, group="comparison", start=100, base=44.0, step=1.913)
    return intervention + comparison


def _published_with(world, api, pupils, title):
    project = dissemination_project(world, title)
    member = api(world.user("member"))
    upload(member, project, pupils, "theory", world.measure)
    upload(member, project, pupils, "dissemination", world.measure)
    publish(api, world, project)
    return project


def test_a_leavers_score_cannot_be_worked_out_from_baseline_final_and_gain(world, api):
    # Given a published project whose intervention group lost one pupil (baseline 73)
    project = _published_with(world, api, _leaver_pupils(), "Leaver")
    body = api().get(results_url(project)).json()
    result = _measure(body)
    baseline = cell(result["descriptives"], stage="theory", group="intervention")
    final = cell(result["descriptives"], stage="dissemination", group="intervention")
    gain = cell(result["gains"], to_stage="dissemination", group="intervention")
    # When an anonymous reader does the subtraction that used to work
    assert _numbers(baseline["n"], baseline["mean"], final["n"], final["mean"], gain["mean_gain"])
    recovered = baseline["n"] * baseline["mean"] - final["n"] * (final["mean"] - gain["mean_gain"])
    # Then every figure covers the same 7 pupils, so the leaver is in none of them
    assert baseline["n"] == final["n"] == gain["n"] == 7
    assert math.isclose(recovered, 0.0, abs_tol=1e-6)
    # And the one leaver's count is not published either (fewer than 6 left)
    attrition = cell(result["attrition"], group="intervention")
    assert attrition["n_baseline"] == "c" and attrition["attrition_rate"] == "c"
    assert attrition["n_retained"] == 7
    assert 73.0 not in [c.get("min") for c in result["descriptives"]] + [c.get("max") for c in result["descriptives"]]


def test_a_late_joiners_score_cannot_be_worked_out(world, api):
    # Given a comparison pupil who joined at the end (final score 91.5) and has no baseline
    pupils = _leaver_pupils()
    joiner = make_pupils(1, group="comparison", start=500, base=80.0)[0]
    joiner.scores = {"dissemination": 91.5}
    project = _published_with(world, api, pupils + [joiner], "Joiner")
    result = _measure(api().get(results_url(project)).json())
    final = cell(result["descriptives"], stage="dissemination", group="comparison")
    baseline = cell(result["descriptives"], stage="theory", group="comparison")
    gain = cell(result["gains"], to_stage="dissemination", group="comparison")
    # Then the final figures leave the joiner out, like the baseline and the gain
    assert final["n"] == baseline["n"] == gain["n"] == 8
    recovered = final["n"] * final["mean"] - baseline["n"] * (baseline["mean"] + gain["mean_gain"])
    assert math.isclose(recovered, 0.0, abs_tol=1e-6)
    assert cell(result["attrition"], group="comparison")["n_final"] == "c"


def test_order_statistics_are_not_pupils_scores(world, api):
    # Given groups of 8 (small) and 24 (large)
    pupils = (make_pupils(24, group="intervention", start=0, base=40.0)
              + make_pupils(8, group="comparison", start=100, base=44.0, step=1.913))
    project = _published_with(world, api, pupils, "Order statistics")
    result = _measure(api().get(results_url(project)).json())
    small = cell(result["descriptives"], stage="theory", group="comparison")
    large = cell(result["descriptives"], stage="theory", group="intervention")
    # Then nobody outside sees a minimum or maximum, and quartiles only for the group of 24
    for described in (small, large):
        assert described["min"] == "c" and described["max"] == "c"
    assert small["q1"] == small["median"] == small["q3"] == "c" and _numbers(small["mean"], small["sd"])
    assert _numbers(large["q1"], large["median"], large["q3"])
    # rounded to the scores' precision (they have 4 decimals; quartiles to 2 at most)
    assert all(round(large[key], 2) == large[key] for key in ("q1", "median", "q3"))
    # And members still see everything
    member_view = _measure(api(world.user("member")).get(results_url(project)).json())
    assert _numbers(cell(member_view["descriptives"], stage="theory", group="comparison")["min"])


def test_published_data_is_locked_and_a_republished_finding_cannot_be_subtracted_from_the_first(world, api):
    # Given a published finding: intervention 9 pupils, comparison 9
    pupils = (make_pupils(9, group="intervention", start=0, base=41.0)
              + make_pupils(9, group="comparison", start=100, base=44.0, step=1.913))
    project = dissemination_project(world, "Published then changed")
    member = api(world.user("member"))
    upload(member, project, pupils, "theory", world.measure)
    final_upload = upload(member, project, pupils, "dissemination", world.measure)
    publish(api, world, project)
    first = _measure(api().get(f"/api/v1/findings/{project.publications.get().slug}/").json()["results"])
    # When a member tries to delete an upload behind the finding
    response = member.delete(f"/api/v1/projects/{project.pk}/outcome-uploads/{final_upload}/")
    # Then it is refused: the data of a published finding is locked
    assert response.status_code == 409 and response.json()["code"] == "published_data_locked"
    # When the alliance lead unpublishes (with a reason), a member removes one pupil's final score,
    lead = api(world.user("alliance_lead"))
    assert lead.post(f"/api/v1/projects/{project.pk}/transitions/",
                     {"action": "unpublish", "comment": "A score was entered twice."}, format="json").status_code == 200
    delete_upload(member, project, final_upload)
    upload(member, project, pupils[:8] + pupils[9:], "dissemination", world.measure)
    # and the finding is published again
    publish(api, world, project)
    second_slug = project.publications.order_by("-version").first().slug
    second = _measure(api().get(f"/api/v1/findings/{second_slug}/").json()["results"])
    # Then the two versions cannot be subtracted to give the removed pupil's scores
    before = cell(first["descriptives"], stage="dissemination", group="intervention")
    after = cell(second["descriptives"], stage="dissemination", group="intervention")
    assert before["n"] == 9
    assert not _numbers(after["n"], after["mean"]), "8 x mean2 - 9 x mean1 would give the removed pupil's score"
    before_baseline = cell(first["descriptives"], stage="theory", group="intervention")
    after_baseline = cell(second["descriptives"], stage="theory", group="intervention")
    assert not (_numbers(after_baseline["mean"]) and after_baseline["n"] != before_baseline["n"])


def test_an_upload_between_two_reads_changes_nothing_a_non_member_sees(world, api):
    # Given an unpublished project in dissemination, with data, read by an alliance teacher outside it
    pupils = (make_pupils(8, group="intervention", start=0, base=41.0)
              + make_pupils(8, group="comparison", start=100, base=44.0, step=1.913))
    project = dissemination_project(world, "Read twice")
    member = api(world.user("member"))
    upload(member, project, pupils, "theory", world.measure)
    upload(member, project, pupils, "dissemination", world.measure)
    teacher = api(world.user("teacher"))
    first = teacher.get(results_url(project))
    # When a member appends one pupil, and the teacher reads again (with the ETag, and without)
    newcomer = make_pupils(1, group="intervention", start=900, base=47.0)
    upload(member, project, newcomer, "theory", world.measure)
    upload(member, project, newcomer, "dissemination", world.measure)
    again = teacher.get(results_url(project), HTTP_IF_NONE_MATCH=first["ETag"])
    second = teacher.get(results_url(project))
    # Then the answer has not moved, and the ETag does not say when an upload happened
    assert again.status_code == 304
    assert second.json() == first.json()
    # While the project's members see the new pupil at once
    assert cell(_measure(member.get(results_url(project)).json())["descriptives"],
                stage="theory", group="intervention")["n"] == 9
