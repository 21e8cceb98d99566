"""GET /alliances/{id}/synthesis/: DerSimonian-Laird pooling across projects, as each viewer may see it.

Three projects with comparison groups (8 v 8 pupils at the final stage) give the pooled effect;
one with a 4-pupil comparison group and one with no comparison group must be left out, saying why.
"""
import math

import pytest

from research.models import Alliance
from research.models.choices import MeasureKind

from ..factories import MeasureFactory
from .results_support import (POOLED, dersimonian_laird, dissemination_project, final_pupils,
                              freeze_for_outsiders, group, hedges, leaked, make_pupils, numbers_in, publish, scores_of, strings_in, synthesis_url, upload,
                              upload_all)
from .results_support import pooled_projects  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

TOL = 1e-9


def add_left_out_projects(world, api) -> dict:
    """A project whose comparison group has 4 pupils, and one with no comparison group."""
    member = api(world.user("member"))
    small = dissemination_project(world, "Small comparison")
    small_data = final_pupils(49.0, 41.0, 3.7, comparison_n=4, start=7000)
    upload(member, small, small_data, "dissemination", world.measure)
    alone = dissemination_project(world, "No comparison")
    upload_all(member, alone, make_pupils(8, group="intervention", start=8000, base=30.0), world.measure)
    freeze_for_outsiders(small)
    freeze_for_outsiders(alone)
    return {"small": (small, small_data), "alone": (alone, None)}


@pytest.fixture
def left_out(world, api):
    return add_left_out_projects(world, api)


def by_hand(made: dict, titles) -> dict[int, tuple[float, float]]:
    return {made[t][0].pk: hedges(scores_of(made[t][1], "dissemination", "intervention"),
                                  scores_of(made[t][1], "dissemination", "comparison")) for t in titles}


@pytest.mark.parametrize("role", ["teacher", "member", "alliance_lead", "staff"])
def test_pooled_effect_is_dersimonian_laird(world, api, pooled_projects, role):
    # given three projects with comparison groups
    # when an alliance member (or staff) asks for the synthesis
    response = api(world.user(role)).get(synthesis_url(world))
    assert response.status_code == 200, response.json()
    attainment = group(response.json())
    # then each project's g and variance are Hedges' g by hand on its final scores
    expected = by_hand(pooled_projects, POOLED)
    assert attainment["k"] == 3
    reported = {p["project_id"]: (p["g"], p["variance"]) for p in attainment["projects"]}
    assert reported.keys() == expected.keys()
    for project_id, (g, variance) in expected.items():
        assert math.isclose(reported[project_id][0], g, abs_tol=TOL)
        assert math.isclose(reported[project_id][1], variance, abs_tol=TOL)
    # and the pooled g, its se and CI, tau^2, Q and I^2 are DerSimonian-Laird by hand from the reported values
    dl = dersimonian_laird(list(reported.values()))
    for key in ("g", "se", "tau2", "q", "i2_percent"):
        assert math.isclose(attainment[key], dl[key], abs_tol=TOL), key
    assert math.isclose(attainment["ci_low"], dl["g"] - 1.959963984540054 * dl["se"], abs_tol=TOL)
    assert attainment["method"] == "random effects (DerSimonian-Laird)"
    assert sum(p["weight"] for p in attainment["projects"]) == pytest.approx(1.0)


def test_small_cells_and_no_comparison_are_excluded_without_moving_the_pool(world, api, pooled_projects):
    # given the pooled value of the three projects
    client = api(world.user("teacher"))
    before = group(client.get(synthesis_url(world)).json())
    # when a project with a 4-pupil comparison group and one with no comparison group add their data
    added = add_left_out_projects(world, api)
    (small, small_data), (alone, _) = added["small"], added["alone"]
    after = group(client.get(synthesis_url(world)).json())
    # then both are listed as excluded with a reason, and the pooled value is exactly as before
    excluded = {e["project_id"]: e["reason"] for e in after["excluded"]}
    assert set(excluded) == {small.pk, alone.pk}
    assert "comparison" in excluded[alone.pk].lower()
    assert excluded[small.pk]
    assert after["k"] == 3 and after["g"] == before["g"] and after["tau2"] == before["tau2"]
    # and nothing computed from the small project's cells appears anywhere in the answer
    small_g, small_variance = hedges(scores_of(small_data, "dissemination", "intervention"),
                                     scores_of(small_data, "dissemination", "comparison"))
    small_mean = sum(scores_of(small_data, "dissemination", "comparison")) / 4
    assert leaked(numbers_in(after), [small_g, small_variance, small_mean]) == []


def test_measure_kind_filter(world, api, pooled_projects):
    # given a fourth project measuring well-being
    wellbeing = MeasureFactory(alliance=world.alliance, name="Well-being scale", kind=MeasureKind.WELL_BEING)
    project = dissemination_project(world, "Well-being project")
    response = api(world.user("project_lead")).patch(f"/api/v1/projects/{project.pk}/",
                                                     {"measures": [wellbeing.pk]}, format="json")
    assert response.status_code == 200, response.json()
    upload(api(world.user("member")), project, final_pupils(60.0, 55.0, 1.1, start=9000), "dissemination",
           wellbeing)
    freeze_for_outsiders(project)
    client = api(world.user("teacher"))
    # when the synthesis is asked for in all, and for each kind
    everything = client.get(synthesis_url(world)).json()
    attainment = client.get(synthesis_url(world, measure_kind="attainment")).json()
    wellbeing_only = client.get(synthesis_url(world, measure_kind="well-being")).json()
    # then each kind is pooled on its own, and the filter keeps only the kind asked for
    assert [g["measure_kind"] for g in everything["groups"]] == ["attainment", "well-being"]
    assert [g["measure_kind"] for g in attainment["groups"]] == ["attainment"]
    assert group(attainment)["k"] == 3 and group(attainment)["g"] == group(everything)["g"]
    assert group(wellbeing_only, "well-being")["k"] == 1
    assert [p["project_id"] for p in group(wellbeing_only, "well-being")["projects"]] == [project.pk]


@pytest.mark.parametrize("value", ["reading", "ATTAINMENT"])
def test_unknown_measure_kind_is_400(world, api, value):
    # when the synthesis is asked for a measure kind that does not exist
    response = api(world.user("teacher")).get(synthesis_url(world, measure_kind=value))
    # then the answer is a 400 about that parameter
    assert response.status_code == 400
    assert "measure_kind" in str(response.json())


def test_theme_filter(world, api, pooled_projects):
    # given two of the three projects on the 'feedback' theme
    client = api(world.user("teacher"))
    # when the synthesis is asked for that theme
    body = client.get(synthesis_url(world, theme="feedback")).json()
    # then only those two are pooled, and the pool is DerSimonian-Laird of their two effects
    attainment = group(body)
    two = by_hand(pooled_projects, ["Pooled one", "Pooled two"])
    assert body["theme"] == "feedback" and attainment["k"] == 2
    assert {p["project_id"] for p in attainment["projects"]} == set(two)
    assert math.isclose(attainment["g"], dersimonian_laird(list(two.values()))["g"], abs_tol=TOL)
    # and an unknown theme is refused
    assert client.get(synthesis_url(world, theme="no-such-theme")).status_code == 400


@pytest.mark.parametrize("role", ["anonymous", "other"])
def test_outsiders_pool_published_projects_only(world, api, pooled_projects, left_out, role):
    # given one of the three pooled projects published, the rest still active
    published, _ = pooled_projects["Pooled one"]
    publish(api, world, published)
    # when someone outside the alliance asks for the synthesis
    response = api(world.user(role)).get(synthesis_url(world))
    # then only the published project counts; the active ones are not even named
    assert response.status_code == 200
    attainment = group(response.json())
    assert attainment["k"] == 1 and [p["project_id"] for p in attainment["projects"]] == [published.pk]
    assert attainment["excluded"] == []
    g, _ = by_hand(pooled_projects, ["Pooled one"])[published.pk]
    assert math.isclose(attainment["g"], g, abs_tol=TOL)
    assert "2+" in attainment["reason"]  # a single project is shown, not pooled
    names = " ".join(strings_in(response.json()))
    for hidden in ("Pooled two", "Pooled three", "Small comparison", "No comparison"):
        assert hidden not in names
    # and an alliance member still pools all three
    assert group(api(world.user("teacher")).get(synthesis_url(world)).json())["k"] == 3


def test_no_data_means_no_groups(world, api):
    # given an alliance in which no project has uploaded data
    # when the synthesis is asked for
    body = api(world.user("teacher")).get(synthesis_url(world)).json()
    # then there is nothing to pool, and the answer says which alliance it is about
    assert body["groups"] == [] and body["alliance"] == {"id": world.alliance.pk, "name": world.alliance.name}


def test_raising_the_minimum_cell_size_excludes_projects_now_too_small(world, api, pooled_projects):
    # given the three pooled projects, each with 8 pupils per group
    client = api(world.user("teacher"))
    assert group(client.get(synthesis_url(world)).json())["k"] == 3
    # when staff raise the alliance's minimum cell size to 10 (in the admin, which saves the model)
    alliance = Alliance.objects.get(pk=world.alliance.pk)
    alliance.min_cell_size = 10
    alliance.save()
    # then no project's cells pass disclosure any more, so none may count in the synthesis
    attainment = group(client.get(synthesis_url(world)).json())
    assert attainment["k"] == 0
    assert {e["project_id"] for e in attainment["excluded"]} == {p.pk for p, _ in pooled_projects.values()}


def test_the_minimum_cell_size_service_recomputes_and_lowering_it_pools_again(world, api, pooled_projects):
    # given the three pooled projects (8 pupils per group), raised to a minimum of 10 through the service
    from research.services.summaries import alliance_min_cell_size_update

    client = api(world.user("teacher"))
    alliance_min_cell_size_update(actor=world.user("staff"), alliance=world.alliance, min_cell_size=10)
    # then every stored effect was recomputed under 10: none usable, none pooled
    assert group(client.get(synthesis_url(world)).json())["k"] == 0
    # when it is lowered again to 6, they pool again
    alliance_min_cell_size_update(actor=world.user("staff"), alliance=world.alliance, min_cell_size=6)
    assert group(client.get(synthesis_url(world)).json())["k"] == 3


def test_only_staff_change_the_minimum_cell_size(world, pooled_projects):
    from research.errors import Forbidden
    from research.services.summaries import alliance_min_cell_size_update

    with pytest.raises(Forbidden):
        alliance_min_cell_size_update(actor=world.user("alliance_lead"), alliance=world.alliance, min_cell_size=3)
    assert Alliance.objects.get(pk=world.alliance.pk).min_cell_size == 6


def test_the_admin_form_goes_through_the_service(world, client, pooled_projects):
    # given staff signed in to the admin
    staff = world.user("staff")
    staff.is_superuser = True
    staff.save()
    client.force_login(staff)
    alliance = world.alliance
    form = {"name": alliance.name, "slug": alliance.slug, "min_schools_per_project": 2, "min_cell_size": 10,
            "allianceschool_set-TOTAL_FORMS": 0, "allianceschool_set-INITIAL_FORMS": 0,
            "memberships-TOTAL_FORMS": 0, "memberships-INITIAL_FORMS": 0}
    # when they raise the minimum in the admin form
    response = client.post(f"/admin/research/alliance/{alliance.pk}/change/", form)
    # then it is saved and every stored effect records the new minimum
    assert response.status_code == 302, response.content[:500]
    from research.models import EffectSummary

    assert set(EffectSummary.objects.filter(project__alliance=alliance).values_list("min_cell_size", flat=True)) == {10}
