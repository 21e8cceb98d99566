"""The success criteria, planned numbers and MDES are frozen with the plan; later edits are revisions."""
from datetime import date

import pytest

from research import lifecycle
from research.analysis.power import mdes
from research.models import Measure, PlanSnapshot
from research.models.choices import StageKind
from research.services.projects import project_update
from research.services.stages import stage_update

pytestmark = pytest.mark.django_db

CRITERION = {"statistic": "effect_size", "comparison": ">=", "threshold": 0.2, "score": None,
             "subgroup": "disadvantaged"}


def revisions(project) -> list[PlanSnapshot]:
    return list(PlanSnapshot.objects.filter(project=project).order_by("revision"))


@pytest.fixture
def frozen(world):
    """The theory project with criteria and planned numbers, advanced to progress (revision 1)."""
    project = world.projects["theory"]
    lead = world.user("project_lead")
    project_update(actor=lead, project=project, success_notes="Pupils enjoy maths more.",
                   success_criteria=[{**CRITERION, "measure": world.measure.id}],
                   planned_pupils_per_group=50, planned_schools=4, assumed_icc=0.15, pre_post_correlation=0.7)
    stage_update(actor=lead, project=project, kind=StageKind.THEORY, session_date=date(2025, 9, 24),
                 agreed_question="Does a maths-rich room raise attainment?")
    lifecycle.project_transition(project_id=project.pk, action="advance", actor=lead)
    project.refresh_from_db()
    return project


def test_the_freeze_holds_the_criteria_the_numbers_and_the_mdes(world, frozen):
    # given the project advanced from theory, then revision 1 holds the labelled criteria
    [snapshot] = revisions(frozen)
    assert snapshot.success_criteria == [{**CRITERION, "measure": world.measure.id,
                                          "label": "Effect size on Maths test >= 0.20 for disadvantaged pupils"}]
    assert snapshot.success_notes == "Pupils enjoy maths more."
    # and the planned numbers with the MDES the group saw
    assert (snapshot.planned_pupils_per_group, snapshot.planned_schools, snapshot.assumed_icc,
            snapshot.pre_post_correlation) == (50, 4, 0.15, 0.7)
    expected = mdes(pupils_per_group=50, schools=4, icc=0.15, pre_post_correlation=0.7)
    assert snapshot.power == {**expected, "reason": None}
    assert snapshot.power["mdes"] == pytest.approx(0.3728, abs=2e-4)


def test_the_frozen_label_keeps_the_measure_name_of_the_day(world, frozen):
    # given revision 1, when the library renames the measure
    Measure.objects.filter(pk=world.measure.pk).update(name="Maths test (renamed)")
    # then the frozen criterion still reads as agreed
    assert revisions(frozen)[0].success_criteria[0]["label"].startswith("Effect size on Maths test >= 0.20")


@pytest.mark.parametrize("change", [
    {"success_criteria": [{"measure": None, "statistic": "effect_size", "comparison": ">=", "threshold": 0.3}]},
    {"planned_pupils_per_group": 80},
    {"planned_schools": 2},
    {"assumed_icc": 0.2},
    {"pre_post_correlation": 0.5},
    {"success_notes": "Attendance holds up too."},
], ids=["criteria", "pupils", "schools", "icc", "correlation", "notes"])
def test_a_change_after_the_freeze_is_a_new_revision(world, frozen, api, change):
    # given revision 1
    if "success_criteria" in change:
        change = {"success_criteria": [{**change["success_criteria"][0], "measure": world.measure.id}]}
    before = PlanSnapshot.objects.filter(project=frozen).values().get()
    # when the lead changes one part of the plan through the API
    response = api(world.user("project_lead")).patch(
        f"/api/v1/projects/{frozen.id}/", {**change, "revision_reason": "Agreed at the review."}, format="json")
    # then revision 2 holds it, and revision 1 is untouched
    assert response.status_code == 200, response.json()
    first, second = revisions(frozen)
    assert PlanSnapshot.objects.filter(pk=first.pk).values().get() == before
    assert (second.revision, second.reason) == (2, "Agreed at the review.")
    name, value = next(iter(change.items()))
    if name == "success_criteria":
        assert second.success_criteria[0]["threshold"] == 0.3 != first.success_criteria[0]["threshold"]
    else:
        assert getattr(second, name) == value != getattr(first, name)
    # and the MDES frozen with it follows the new numbers
    assert second.power["inputs"]["pupils_per_group"] == second.planned_pupils_per_group
    assert second.power["inputs"]["schools"] == second.planned_schools


def test_the_same_criteria_and_numbers_again_make_no_revision(world, frozen, api):
    # given revision 1, when the same plan is sent again (the label as read back, too)
    body = {"success_criteria": api(world.user("project_lead")).get(
        f"/api/v1/projects/{frozen.id}/").json()["success_criteria"],
        "planned_pupils_per_group": 50, "planned_schools": 4, "assumed_icc": 0.15, "pre_post_correlation": 0.7}
    response = api(world.user("project_lead")).patch(f"/api/v1/projects/{frozen.id}/", body, format="json")
    # then nothing new is frozen
    assert response.status_code == 200
    assert [s.revision for s in revisions(frozen)] == [1]


def test_the_plan_snapshots_endpoint_shows_them(world, frozen, api):
    # given revision 1, when an alliance member reads the frozen plans
    [data] = api(world.user("teacher")).get(f"/api/v1/projects/{frozen.id}/plan-snapshots/").json()
    # then the criteria with labels, the numbers and the MDES are there
    assert data["success_criteria"][0]["label"] == "Effect size on Maths test >= 0.20 for disadvantaged pupils"
    assert data["success_notes"] == "Pupils enjoy maths more."
    assert (data["planned_pupils_per_group"], data["planned_schools"]) == (50, 4)
    assert data["power"]["mdes"] == pytest.approx(0.3728, abs=2e-4)
    assert data["power"]["label"].startswith("Pupils in both groups inside each of 4 schools")


def test_a_freeze_without_planned_numbers_keeps_the_reason(world):
    # given the progress project, frozen before anyone planned numbers, then its snapshot says why there is no MDES
    [snapshot] = revisions(world.projects["progress"])
    assert snapshot.power["mdes"] is None and "Enter the planned pupils per group" in snapshot.power["reason"]
    assert snapshot.success_criteria == []
