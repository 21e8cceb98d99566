"""Each project's stored headline effect (EffectSummary, what the synthesis pools) follows the view
people outside the project see: refreshed when that view is frozen (at a status change) and when
the project's measures change, never by an upload alone (else the pool, read before and after an
upload, would tell outsiders what it added).

Data changes are made through the API; the stored row is read back to check it, and the synthesis
endpoint is checked to agree.
"""
import math

import pytest

from research.models import EffectSummary
from research.services.summaries import effect_summaries_refresh

from ..factories import MeasureFactory
from .results_support import (delete_upload, dissemination_project, final_pupils, freeze_for_outsiders, group,
                              hedges, scores_of, synthesis_url, upload)

pytestmark = pytest.mark.django_db


def summary(project, measure):
    return EffectSummary.objects.get(project=project, measure=measure)


def set_measures(api, world, project, measures):
    response = api(world.user("project_lead")).patch(f"/api/v1/projects/{project.pk}/",
                                                     {"measures": [m.pk for m in measures]}, format="json")
    assert response.status_code == 200, response.json()


@pytest.fixture
def project_with_data(world, api):
    """A dissemination project with 8 v 8 final scores; (project, pupils, upload id)."""
    project = dissemination_project(world, "Summarised")
    data = final_pupils(51.0, 47.0, 1.7)
    upload_id = upload(api(world.user("member")), project, data, "dissemination", world.measure)
    freeze_for_outsiders(project)
    return project, data, upload_id


def test_a_frozen_view_stores_the_headline_effect(world, api, project_with_data):
    # given a project whose data were uploaded, then its view frozen
    project, data, _ = project_with_data
    # when its summary is read, and the results a non-member sees
    stored = summary(project, world.measure)
    results = api(world.user("teacher")).get(f"/api/v1/projects/{project.pk}/results/").json()
    effects = results["measures"][0]["effects"]
    # then it is usable, and holds the headline g (Hedges' g by hand), its variance and n
    g, variance = hedges(scores_of(data, "dissemination", "intervention"),
                         scores_of(data, "dissemination", "comparison"))
    assert stored.usable is True and stored.reason == ""
    assert math.isclose(stored.g, g, abs_tol=1e-9) and math.isclose(stored.variance, variance, abs_tol=1e-9)
    assert stored.n == 16 and stored.measure_kind == "attainment"
    assert effects["headline"] == "final" and effects["final"]["g"] == stored.g
    # and the synthesis pools it
    pooled = group(api(world.user("teacher")).get(synthesis_url(world)).json())
    assert [p["project_id"] for p in pooled["projects"]] == [project.pk]


def test_an_upload_alone_stores_nothing(world, api):
    # given a project with data uploaded but no status change since
    project = dissemination_project(world, "Not yet frozen")
    upload(api(world.user("member")), project, final_pupils(51.0, 47.0, 1.7), "dissemination", world.measure)
    # then there is no summary, and the synthesis has nothing from it
    assert not EffectSummary.objects.filter(project=project).exists()
    body = api(world.user("teacher")).get(synthesis_url(world)).json()
    assert [g for g in body["groups"] if g["measure_kind"] == "attainment"] == []


def test_deleting_the_upload_changes_the_summary_at_the_next_freeze_only(world, api, project_with_data):
    # given a usable summary
    project, _, upload_id = project_with_data
    before = summary(project, world.measure)
    assert before.usable
    # when the upload is deleted
    delete_upload(api(world.user("member")), project, upload_id)
    # then the pool is as it was until the view is frozen again
    assert summary(project, world.measure).g == before.g
    assert group(api(world.user("teacher")).get(synthesis_url(world)).json())["k"] == 1
    freeze_for_outsiders(project)
    # and then the measure has no data: no summary, nothing pooled, nobody excluded
    assert not EffectSummary.objects.filter(project=project).exists()
    body = api(world.user("teacher")).get(synthesis_url(world)).json()
    assert [g for g in body["groups"] if g["measure_kind"] == "attainment"] == []


def test_a_replacing_upload_refreshes_the_effect_when_frozen(world, api, project_with_data):
    # given a summary from the first upload
    project, _, _ = project_with_data
    first = summary(project, world.measure).g
    # when the final stage is re-uploaded with other scores (mode=replace) and the view frozen
    data = final_pupils(44.0, 47.0, 1.7)
    upload(api(world.user("member")), project, data, "dissemination", world.measure, mode="replace")
    assert summary(project, world.measure).g == first
    freeze_for_outsiders(project)
    # then the stored effect is the new data's
    g, _ = hedges(scores_of(data, "dissemination", "intervention"), scores_of(data, "dissemination", "comparison"))
    stored = summary(project, world.measure)
    assert stored.g != first and math.isclose(stored.g, g, abs_tol=1e-9) and stored.g < 0


def test_dropping_a_measure_drops_its_summary_and_adding_it_back_restores_it(world, api, project_with_data):
    # given a usable summary for the project's measure
    project, data, _ = project_with_data
    other = MeasureFactory(alliance=world.alliance, name="Times tables")
    # when the project lead swaps that measure for another
    set_measures(api, world, project, [other])
    # then the dropped measure's summary is gone, the new one (no data) has none, and the synthesis forgets it
    assert not EffectSummary.objects.filter(project=project).exists()
    body = api(world.user("teacher")).get(synthesis_url(world)).json()
    assert [g for g in body["groups"] if g["measure_kind"] == "attainment"] == []
    # when the measure is chosen again (its rows, and its frozen figures, were kept)
    set_measures(api, world, project, [world.measure, other])
    # then its summary is rebuilt from the frozen view
    g, _ = hedges(scores_of(data, "dissemination", "intervention"), scores_of(data, "dissemination", "comparison"))
    restored = summary(project, world.measure)
    assert restored.usable and math.isclose(restored.g, g, abs_tol=1e-9)
    assert group(api(world.user("teacher")).get(synthesis_url(world)).json())["k"] == 1


def test_a_small_group_is_stored_unusable(world, api):
    # given a project whose comparison group has 4 pupils (below the minimum cell of 6)
    project = dissemination_project(world, "Small")
    upload(api(world.user("member")), project, final_pupils(49.0, 41.0, 3.7, comparison_n=4), "dissemination",
           world.measure)
    freeze_for_outsiders(project)
    # when its summary is read
    stored = summary(project, world.measure)
    # then nothing from the suppressed cells is stored: no g, no variance, no n
    assert (stored.usable, stored.g, stored.variance, stored.n) == (False, None, None, 0)
    assert stored.reason


def stored_summaries(project) -> list[tuple]:
    return sorted(EffectSummary.objects.filter(project=project).values_list(
        "measure_id", "usable", "g", "variance", "n", "reason"))


def test_the_summary_a_freeze_stores_equals_one_rebuilt_from_the_stored_view(world, api, project_with_data):
    # given the summaries the freeze stored from the view it had just computed
    project, _, _ = project_with_data
    from_freeze = stored_summaries(project)
    # when they are rebuilt from the view as stored in the database
    effect_summaries_refresh(project=project)
    # then they are exactly the same, and usable (so the comparison compares numbers)
    assert stored_summaries(project) == from_freeze
    assert [row[1] for row in from_freeze] == [True]
