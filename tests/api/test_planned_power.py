"""Planned power on a project: the numbers the theory session records and the MDES the detail shows."""
import pytest

from research.analysis.power import mdes
from research.models import Project

from ..world import ROLES

pytestmark = pytest.mark.django_db

PLANNED = {"planned_pupils_per_group": 50, "planned_schools": 4}


def patch(api, user, project, body):
    return api(user).patch(f"/api/v1/projects/{project.id}/", body, format="json")


def detail(api, user, project) -> dict:
    return api(user).get(f"/api/v1/projects/{project.id}/").json()


def test_without_planned_numbers_power_says_what_is_missing(world, api):
    # given a project with no planned numbers (the defaults for the assumptions)
    data = detail(api, world.user("member"), world.projects["theory"])
    # then the assumptions show their defaults and power has no MDES but a reason
    assert (data["planned_pupils_per_group"], data["planned_schools"]) == (None, None)
    assert (data["assumed_icc"], data["pre_post_correlation"]) == (0.15, 0.7)
    assert data["power"] == {"mdes": None, "reason": (
        "Enter the planned pupils per group and the planned number of schools to see the smallest effect this "
        "project could detect.")}


def test_planned_numbers_give_the_mdes_of_the_blocked_design(world, api):
    # given the theory project, when the lead records 50 pupils per group in 4 schools
    project = world.projects["theory"]
    response = patch(api, world.user("project_lead"), project, PLANNED)
    # then the detail's power is the analysis function's answer for those numbers and the defaults
    assert response.status_code == 200, response.json()
    power = response.json()["power"]
    expected = mdes(pupils_per_group=50, schools=4, icc=0.15, pre_post_correlation=0.7)
    assert power == {**expected, "reason": None}
    # about 0.373 (worked by hand in tests/research/analysis/test_power.py), labelled, no warning
    assert power["mdes"] == pytest.approx(0.3728, abs=1e-4)
    assert power["design"] == "blocked_by_school" and "inside each of 4 schools" in power["label"]
    assert power["warning"] is None
    # and the numbers are stored
    stored = Project.objects.values(*PLANNED, "assumed_icc", "pre_post_correlation").get(pk=project.pk)
    assert stored == {**PLANNED, "assumed_icc": 0.15, "pre_post_correlation": 0.7}


def test_editing_the_assumptions_changes_the_mdes_and_a_small_plan_is_warned(world, api):
    # given 15 pupils per group in 3 schools and a weaker baseline (r = 0.5)
    project = world.projects["theory"]
    response = patch(api, world.user("project_lead"), project,
                     {"planned_pupils_per_group": 15, "planned_schools": 3, "assumed_icc": 0.2,
                      "pre_post_correlation": 0.5})
    # then the MDES is above 0.5 and the warning says so with the numbers
    power = response.json()["power"]
    assert power["mdes"] == pytest.approx(
        mdes(pupils_per_group=15, schools=3, icc=0.2, pre_post_correlation=0.5)["mdes"])
    assert power["mdes"] > 0.5
    assert power["warning"].startswith("With 15 pupils per group in 3 schools, the smallest effect")
    assert f"{power['mdes']:.2f} SD, above 0.5" in power["warning"]


def test_one_school_is_the_individual_design_without_the_icc(world, api):
    project = world.projects["theory"]
    power = patch(api, world.user("project_lead"), project,
                  {"planned_pupils_per_group": 60, "planned_schools": 1, "assumed_icc": 0.3}).json()["power"]
    assert (power["design"], power["icc_used"]) == ("one_school", False)
    assert power["mdes"] == pytest.approx(mdes(pupils_per_group=60, schools=1, icc=0, pre_post_correlation=0.7)["mdes"])


def test_fewer_pupils_per_group_than_schools_gives_a_reason_not_an_mdes(world, api):
    project = world.projects["theory"]
    response = patch(api, world.user("project_lead"), project, {"planned_pupils_per_group": 3, "planned_schools": 5})
    assert response.status_code == 200
    assert response.json()["power"] == {"mdes": None, "reason": (
        "Every school needs pupils in both groups: plan at least as many pupils per group as schools (5).")}


@pytest.mark.parametrize("body, field", [
    ({"assumed_icc": 1}, "assumed_icc"),
    ({"assumed_icc": -0.1}, "assumed_icc"),
    ({"assumed_icc": None}, "assumed_icc"),
    ({"pre_post_correlation": 0.995}, "pre_post_correlation"),
    ({"pre_post_correlation": "strong"}, "pre_post_correlation"),
    ({"planned_pupils_per_group": 1}, "planned_pupils_per_group"),
    ({"planned_pupils_per_group": 12.5}, "planned_pupils_per_group"),
    ({"planned_schools": 0}, "planned_schools"),
])
def test_impossible_numbers_are_refused_and_nothing_changes(world, api, body, field):
    # given the project, when an impossible number is sent
    project = world.projects["theory"]
    response = patch(api, world.user("project_lead"), project, {**PLANNED, **body})
    # then 400 names the field, and neither it nor the others were stored
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert Project.objects.values_list("planned_pupils_per_group", flat=True).get(pk=project.pk) is None


def test_the_service_refuses_impossible_numbers_too(world):
    # given a call that does not come through the API's serializer
    from research.errors import InvalidInput
    from research.services.projects import project_update

    # when the ICC is 1, then the service names it (the database is never asked)
    with pytest.raises(InvalidInput) as refused:
        project_update(actor=world.user("project_lead"), project=world.projects["theory"], assumed_icc=1.0,
                       planned_schools=0)
    assert refused.value.fields == {"assumed_icc": ["Assumed ICC must be from 0 to below 1."],
                                    "planned_schools": ["Planned number of schools must be from 1 to 1,000."]}


def test_planned_numbers_can_be_cleared(world, api):
    project = world.projects["theory"]
    patch(api, world.user("project_lead"), project, PLANNED)
    response = patch(api, world.user("project_lead"), project, {"planned_schools": None})
    assert response.status_code == 200
    assert response.json()["power"]["mdes"] is None


EXPECTED = dict(zip(ROLES, (401, 404, 403, 403, 200, 200, 200)))


@pytest.mark.parametrize("role", ROLES)
def test_only_those_who_edit_the_plan_record_the_numbers(world, api, role):
    project = world.projects["theory"]
    response = patch(api, world.user(role), project, PLANNED)
    assert response.status_code == EXPECTED[role]
    stored = Project.objects.values_list("planned_schools", flat=True).get(pk=project.pk)
    assert stored == (4 if EXPECTED[role] == 200 else None)


def test_the_detail_costs_no_query_for_power_or_criteria(world, api, django_assert_max_num_queries):
    # given a project with planned numbers and a criterion
    project = world.projects["theory"]
    lead = world.user("project_lead")
    patch(api, lead, project, {**PLANNED, "success_criteria": [
        {"measure": world.measure.id, "statistic": "effect_size", "comparison": ">=", "threshold": 0.2}]})
    client = api(lead)
    client.get(f"/api/v1/projects/{project.id}/")  # warm whatever is cached per process
    with django_assert_max_num_queries(50) as captured:
        client.get(f"/api/v1/projects/{project.id}/")
    baseline = len(captured)
    # when the plan is cleared, then the detail makes exactly as many queries
    patch(api, lead, project, {"planned_schools": None, "success_criteria": []})
    with django_assert_max_num_queries(50) as captured:
        client.get(f"/api/v1/projects/{project.id}/")
    assert len(captured) == baseline
