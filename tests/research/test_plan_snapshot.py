"""The pre-registered plan: frozen at theory -> progress, never overwritten, later edits as revisions."""
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from research import lifecycle
from research.errors import Conflict
from research.models import Measure, PlanSnapshot
from research.models.choices import StageKind
from research.services.projects import project_update
from research.services.stages import stage_update

from ..factories import MeasureFactory

pytestmark = pytest.mark.django_db

FROZEN_REASON = "Frozen when the theory stage closed."


def snapshot_values(project) -> list[dict]:
    return list(PlanSnapshot.objects.filter(project=project).order_by("revision").values())


@pytest.fixture
def frozen(world):
    """The theory project with a full plan, advanced to progress (revision 1 frozen)."""
    project = world.projects["theory"]
    lead = world.user("project_lead")
    project_update(actor=lead, project=project, success_notes="Scores rise by 5 points.",
                   rationale="Pupils struggle with fractions.")
    stage_update(actor=lead, project=project, kind=StageKind.THEORY, session_date=date(2025, 9, 24),
                 agreed_question="Does a maths-rich room raise attainment?", rationale="From the reading.")
    lifecycle.project_transition(project_id=project.pk, action="advance", actor=lead)
    project.refresh_from_db()
    return project


def patch(api, user, project, body):
    return api(user).patch(f"/api/v1/projects/{project.id}/", body, format="json")


def test_advancing_from_theory_freezes_revision_one(world, frozen):
    # given the project advanced from theory (fixture), then exactly one snapshot holds the plan
    [snapshot] = PlanSnapshot.objects.filter(project=frozen)
    assert snapshot.revision == 1
    assert snapshot.research_question == "Does theory work?"
    assert snapshot.agreed_question == "Does a maths-rich room raise attainment?"
    assert snapshot.rationale == "From the reading."
    assert snapshot.success_notes == "Scores rise by 5 points."
    assert snapshot.reason == FROZEN_REASON
    assert snapshot.created_by == world.user("project_lead")
    # and the measures as copied data, not links
    assert snapshot.measures == [{"id": world.measure.id, "name": "Maths test", "kind": "attainment",
                                  "scale_min": 0.0, "scale_max": 100.0, "higher_is_better": True, "unit": ""}]


def test_a_refused_advance_freezes_nothing(world):
    # given a theory project whose guards are not met
    project = world.projects["theory"]
    # when advancing is refused, then no snapshot exists
    with pytest.raises(Conflict):
        lifecycle.project_transition(project_id=project.pk, action="advance", actor=world.user("project_lead"))
    assert not PlanSnapshot.objects.filter(project=project).exists()


def test_the_snapshot_keeps_its_copy_when_the_library_changes(world, frozen):
    # given the frozen plan
    before = snapshot_values(frozen)
    # when the alliance renames the measure in its library
    Measure.objects.filter(pk=world.measure.pk).update(name="Maths test (renamed)", scale_max=50)
    # then the pre-registration still says what was chosen then
    assert snapshot_values(frozen) == before
    assert before[0]["measures"][0]["name"] == "Maths test"


def test_a_snapshot_cannot_be_edited(frozen):
    # given revision 1
    snapshot = PlanSnapshot.objects.get(project=frozen)
    before = snapshot_values(frozen)
    # when someone changes it and saves
    snapshot.research_question = "Something else entirely?"
    with pytest.raises(ValidationError, match="cannot be edited"):
        snapshot.save()
    # then the stored row is unchanged
    assert snapshot_values(frozen) == before


def test_a_snapshot_cannot_be_deleted(frozen):
    # given revision 1, when someone deletes it, then it refuses and the row is still there
    snapshot = PlanSnapshot.objects.get(project=frozen)
    with pytest.raises(ValidationError, match="cannot be deleted"):
        snapshot.delete()
    assert PlanSnapshot.objects.filter(pk=snapshot.pk).exists()


def test_a_revision_number_cannot_be_written_twice(frozen):
    # given revision 1, when a second row claims revision 1, then the database refuses it
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanSnapshot.objects.create(project=frozen, revision=1, research_question="Overwrite?")
    assert PlanSnapshot.objects.filter(project=frozen).count() == 1


@pytest.mark.parametrize("body, changed", [
    ({"research_question": "Does a maths-rich room raise attainment in Year 4?"},
     {"research_question": "Does a maths-rich room raise attainment in Year 4?"}),
    ({"success_notes": "Scores rise by 8 points."}, {"success_notes": "Scores rise by 8 points."}),
])
def test_editing_the_plan_after_the_freeze_records_revision_two(world, frozen, api, body, changed):
    # given revision 1
    revision_one = snapshot_values(frozen)
    # when the project lead edits a plan field with a reason
    response = patch(api, world.user("project_lead"), frozen, {**body, "revision_reason": "Agreed at the review."})
    # then revision 2 holds the new plan and the reason; revision 1 is untouched
    assert response.status_code == 200
    snapshots = snapshot_values(frozen)
    assert [s["revision"] for s in snapshots] == [1, 2]
    assert snapshots[0] == revision_one[0]
    for name, value in changed.items():
        assert snapshots[1][name] == value
        assert snapshots[0][name] != value
    assert snapshots[1]["reason"] == "Agreed at the review."
    assert snapshots[1]["created_by_id"] == world.user("project_lead").id


def test_changing_the_measures_after_the_freeze_records_a_revision(world, frozen, api):
    # given revision 1 with the maths test, and a well-being scale in the library
    scale = MeasureFactory(alliance=world.alliance, name="Well-being scale", kind="well-being", scale_max=10)
    revision_one = snapshot_values(frozen)
    # when the alliance lead adds the scale to the project's measures
    response = patch(api, world.user("alliance_lead"), frozen,
                     {"measures": [world.measure.id, scale.id], "revision_reason": "Pupil voice asked for it."})
    # then revision 2 lists both measures (sorted by name), revision 1 only the first
    assert response.status_code == 200
    snapshots = snapshot_values(frozen)
    assert snapshots[0] == revision_one[0]
    assert [m["name"] for m in snapshots[1]["measures"]] == ["Maths test", "Well-being scale"]
    assert snapshots[1]["created_by_id"] == world.user("alliance_lead").id


def test_a_revision_without_a_reason_gets_a_default_one(world, frozen, api):
    # given revision 1, when the plan changes without a reason
    assert patch(api, world.user("project_lead"), frozen, {"success_notes": "Any rise."}).status_code == 200
    # then the revision says it was edited after the freeze
    assert PlanSnapshot.objects.get(project=frozen, revision=2).reason == "Plan edited after the freeze."


def test_two_plan_fields_in_one_edit_make_one_revision(world, frozen, api):
    # given revision 1, when the question and the criteria change together
    response = patch(api, world.user("project_lead"), frozen,
                     {"research_question": "New question?", "success_notes": "New criteria."})
    # then one new revision holds both
    assert response.status_code == 200
    assert [(s["revision"], s["research_question"], s["success_notes"]) for s in snapshot_values(frozen)][1:] == [
        (2, "New question?", "New criteria.")]


@pytest.mark.parametrize("body", [
    {"title": "A better title"},
    {"research_question": "Does theory work?"},  # the same question again
    {"themes": ["feedback"]},
], ids=["title", "same question", "themes"])
def test_edits_that_do_not_change_the_plan_make_no_revision(world, frozen, api, body):
    # given revision 1, when something outside the plan (or nothing) changes
    revision_one = snapshot_values(frozen)
    response = patch(api, world.user("project_lead"), frozen, body)
    # then there is still only revision 1, unchanged
    assert response.status_code == 200
    assert snapshot_values(frozen) == revision_one


def test_the_same_measures_in_another_order_make_no_revision(world, frozen, api):
    # given a frozen plan with two measures
    scale = MeasureFactory(alliance=world.alliance, name="Well-being scale", scale_max=10)
    patch(api, world.user("project_lead"), frozen, {"measures": [world.measure.id, scale.id]})
    revisions = snapshot_values(frozen)
    # when the same measures are sent in another order, then no new revision
    assert patch(api, world.user("project_lead"), frozen,
                 {"measures": [scale.id, world.measure.id]}).status_code == 200
    assert snapshot_values(frozen) == revisions


def test_editing_before_the_freeze_makes_no_snapshot(world, api):
    # given a theory project (not yet frozen)
    project = world.projects["theory"]
    # when its plan is edited
    response = patch(api, world.user("project_lead"), project,
                     {"research_question": "Sharper question?", "success_notes": "Clear criteria."})
    # then the edit is saved and nothing is frozen yet
    assert response.status_code == 200
    assert response.json()["research_question"] == "Sharper question?"
    assert not PlanSnapshot.objects.filter(project=project).exists()


def test_the_snapshots_are_listed_oldest_first(world, frozen, api):
    # given revisions 1 and 2
    patch(api, world.user("project_lead"), frozen, {"success_notes": "Revised.", "revision_reason": "Review."})
    # when a member of the alliance lists them
    response = api(world.user("teacher")).get(f"/api/v1/projects/{frozen.id}/plan-snapshots/")
    # then both appear in order with their content
    assert response.status_code == 200
    data = response.json()
    assert [(s["revision"], s["success_notes"], s["reason"]) for s in data] == [
        (1, "Scores rise by 5 points.", FROZEN_REASON), (2, "Revised.", "Review.")]
    assert data[0]["agreed_question"] == "Does a maths-rich room raise attainment?"
    assert data[0]["measures"][0]["name"] == "Maths test"
    assert data[0]["created_by"] == "project_lead"


def test_a_project_not_yet_frozen_lists_no_snapshots(world, api):
    # given a proposed project, when its snapshots are listed, then the list is empty
    response = api(world.user("member")).get(f"/api/v1/projects/{world.projects['proposed'].id}/plan-snapshots/")
    assert (response.status_code, response.json()) == (200, [])


def test_rewriting_the_agreed_question_after_the_freeze_is_recorded(world, frozen, api):
    # BUG (found by this test, fixed in research/services/stages.py stage_update): the agreed
    # question (part of the frozen plan) could be rewritten after the freeze with no revision,
    # so the next unrelated revision silently carried the new question.
    # given revision 1, when the agreed question is rewritten in the progress stage
    revision_one = snapshot_values(frozen)
    response = api(world.user("member")).patch(f"/api/v1/projects/{frozen.id}/stages/theory/",
                                               {"agreed_question": "A different question?"}, format="json")
    # then a revision records it, and revision 1 still holds the question agreed at the session
    assert response.status_code == 200
    snapshots = snapshot_values(frozen)
    assert snapshots[0] == revision_one[0]
    assert [s["agreed_question"] for s in snapshots] == [
        "Does a maths-rich room raise attainment?", "A different question?"]
    assert snapshots[1]["reason"] and snapshots[1]["created_by_id"] == world.user("member").id


def test_rewriting_the_project_rationale_after_the_freeze_is_recorded(world, api):
    # The frozen plan holds `theory.rationale or project.rationale`, so the project's rationale is plan.
    # given the progress project, frozen with an empty rationale (none on the project or the stage)
    project = world.projects["progress"]
    assert [s["rationale"] for s in snapshot_values(project)] == [""]
    # when the lead rewrites the project's rationale
    response = patch(api, world.user("project_lead"), project, {"rationale": "A new reason for the study."})
    # then a revision records the new rationale
    assert response.status_code == 200
    assert [s["rationale"] for s in snapshot_values(project)] == ["", "A new reason for the study."]
