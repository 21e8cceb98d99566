"""GET /alliances/{id}/synthesis/?method=: DerSimonian-Laird (default) or REML with the
Hartung-Knapp-Sidik-Jonkman CI, each with a 95% prediction interval; one effect per project, and
each project left out listed once.

Expected values are computed by hand here from the g and variance each project reports (REML by
Fisher scoring, where the product maximises the restricted likelihood with scipy).
"""
import math

import pytest
from scipy import stats

from ..factories import MeasureFactory
from ..research.analysis.test_synthesis_reml import hartung_knapp_by_hand, reml_by_fisher_scoring
from .results_support import (dersimonian_laird, dissemination_project, final_pupils, freeze_for_outsiders, group,
                              hedges, scores_of, synthesis_url, upload)
from .results_support import pooled_projects  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

TOL = 1e-9


def reported(attainment) -> tuple[list[float], list[float]]:
    return [p["g"] for p in attainment["projects"]], [p["variance"] for p in attainment["projects"]]


def i2_by_hand(tau2: float, v: list[float]) -> float:
    """100 tau^2 / (tau^2 + s^2), s^2 = (k - 1) sum w / ((sum w)^2 - sum w^2), w = 1 / v."""
    w = [1 / vi for vi in v]
    typical = (len(v) - 1) * sum(w) / (sum(w) ** 2 - sum(wi ** 2 for wi in w))
    return 100 * tau2 / (tau2 + typical)


def test_reml_pool_is_reml_with_hartung_knapp(world, api, pooled_projects):
    # given three projects with comparison groups
    # when an alliance member asks for the REML synthesis
    response = api(world.user("teacher")).get(synthesis_url(world, method="reml"))
    assert response.status_code == 200, response.json()
    body = response.json()
    attainment = group(body)
    # then the answer says which method, and the CI's distribution
    assert body["method"] == "reml" and attainment["method_code"] == "reml"
    assert attainment["method"] == "random effects (REML, Hartung-Knapp-Sidik-Jonkman)"
    assert attainment["ci_distribution"] == "t, k - 1 = 2 df"
    # and tau^2 is REML by Fisher scoring, the estimate and CI Hartung-Knapp by hand, from the reported effects
    g, v = reported(attainment)
    assert attainment["k"] == 3
    tau2 = reml_by_fisher_scoring(g, v)
    assert math.isclose(attainment["tau2"], tau2, abs_tol=1e-8)
    for key, value in hartung_knapp_by_hand(g, v, tau2).items():
        assert math.isclose(attainment[key], value, abs_tol=1e-8), key
    assert math.isclose(attainment["i2_percent"], i2_by_hand(tau2, v), abs_tol=1e-6)
    assert math.isclose(attainment["q"], dersimonian_laird(list(zip(g, v)))["q"], abs_tol=TOL)
    # and the prediction interval is pooled +- t(1) sqrt(tau^2 + se^2)
    half = stats.t.ppf(0.975, 1) * math.sqrt(attainment["tau2"] + attainment["se"] ** 2)
    interval = attainment["prediction_interval"]
    assert interval["distribution"] == "t, k - 2 = 1 df"
    assert math.isclose(interval["low"], attainment["g"] - half, abs_tol=TOL)
    assert math.isclose(interval["high"], attainment["g"] + half, abs_tol=TOL)
    assert sum(p["weight"] for p in attainment["projects"]) == pytest.approx(1.0)


def test_dl_is_the_default_and_can_be_asked_for(world, api, pooled_projects):
    # given three projects
    client = api(world.user("teacher"))
    # when the synthesis is asked for without a method, and with method=dl
    default = client.get(synthesis_url(world)).json()
    explicit = client.get(synthesis_url(world, method="dl")).json()
    # then both are the same DerSimonian-Laird pool with a normal CI
    assert default == explicit and default["method"] == "dl"
    attainment = group(default)
    assert attainment["method"] == "random effects (DerSimonian-Laird)" and attainment["ci_distribution"] == "normal"
    g, v = reported(attainment)
    dl = dersimonian_laird(list(zip(g, v)))
    for key in ("g", "se", "tau2", "q", "i2_percent"):
        assert math.isclose(attainment[key], dl[key], abs_tol=TOL), key
    # and its prediction interval is t with k - 2 = 1 df around the DL estimate
    half = stats.t.ppf(0.975, 1) * math.sqrt(dl["tau2"] + dl["se"] ** 2)
    assert math.isclose(attainment["prediction_interval"]["low"], dl["g"] - half, abs_tol=TOL)
    assert attainment["prediction_interval"]["distribution"] == "t, k - 2 = 1 df"


@pytest.mark.parametrize("method", ["dl", "reml"])
def test_two_projects_have_no_prediction_interval(world, api, pooled_projects, method):
    # given the two projects on the 'feedback' theme
    # when they are pooled
    attainment = group(api(world.user("teacher")).get(synthesis_url(world, theme="feedback", method=method)).json())
    # then there is a pooled estimate, but no prediction interval (t with k - 2 = 0 df), and it says why
    assert attainment["k"] == 2 and attainment["g"] is not None
    assert attainment["prediction_interval"] is None
    assert "3+" in attainment["prediction_interval_reason"]


@pytest.mark.parametrize("value", ["pm", "REML", "hksj"])
def test_unknown_method_is_400_saying_which_methods_exist(world, api, value):
    # when the synthesis is asked for with a method that does not exist
    response = api(world.user("teacher")).get(synthesis_url(world, method=value))
    # then the answer is a 400 about that parameter, naming the methods there are
    assert response.status_code == 400
    message = " ".join(response.json()["errors"]["method"])
    assert "dl" in message and "reml" in message and "DerSimonian-Laird" in message


@pytest.mark.parametrize("method", ["dl", "reml"])
def test_a_project_counts_once_and_is_left_out_once(world, api, pooled_projects, method):
    # given a project with two attainment measures, both with a 4-pupil comparison group (not usable)
    lead, member = api(world.user("project_lead")), api(world.user("member"))
    second = MeasureFactory(alliance=world.alliance, name="Spelling test")
    twice_small = dissemination_project(world, "Two small measures")
    assert lead.patch(f"/api/v1/projects/{twice_small.pk}/", {"measures": [world.measure.pk, second.pk]},
                      format="json").status_code == 200
    for measure in (world.measure, second):
        upload(member, twice_small, final_pupils(49.0, 41.0, 3.7, comparison_n=4, start=7000), "dissemination",
               measure)
    # and a project with two usable attainment measures, 8 v 8 and 8 v 10 pupils
    twice_usable = dissemination_project(world, "Two usable measures")
    assert lead.patch(f"/api/v1/projects/{twice_usable.pk}/", {"measures": [world.measure.pk, second.pk]},
                      format="json").status_code == 200
    smaller = final_pupils(51.0, 47.0, 1.7, start=8000)
    larger = final_pupils(53.0, 47.5, 1.6, comparison_n=10, start=8500)
    upload(member, twice_usable, smaller, "dissemination", world.measure)
    upload(member, twice_usable, larger, "dissemination", second)
    freeze_for_outsiders(twice_small)
    freeze_for_outsiders(twice_usable)
    # when the synthesis is asked for
    attainment = group(api(world.user("teacher")).get(synthesis_url(world, method=method)).json())
    # then the first project is listed once as left out, with its reason
    assert [e["project_id"] for e in attainment["excluded"]] == [twice_small.pk]
    assert attainment["excluded"][0]["reason"]
    # and the second is pooled once, through its larger sample (18 pupils)
    rows = [p for p in attainment["projects"] if p["project_id"] == twice_usable.pk]
    assert len(rows) == 1 and attainment["k"] == 4
    g, _ = hedges(scores_of(larger, "dissemination", "intervention"), scores_of(larger, "dissemination", "comparison"))
    assert math.isclose(rows[0]["g"], g, abs_tol=TOL)
