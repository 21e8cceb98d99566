"""Every lifecycle guard, failing and passing (research.lifecycle, DESIGN section 3).

A refused transition raises Conflict with a stable code and every unmet condition at once, and
changes nothing: same status, no StageTransition, no PlanSnapshot. An accepted one writes
exactly one StageTransition (from, to, actor, comment).
"""
from datetime import date

import pytest

from research import lifecycle
from research.errors import Conflict, InvalidInput
from research.models import PlanSnapshot, Project, StageTransition
from research.models.choices import StageKind, Status
from research.services.stages import stage_update

from ..factories import SchoolFactory, UserFactory, member_of
from ..world import STATUSES, make_project, write_dissemination, write_progress, write_theory

pytestmark = pytest.mark.django_db

THEORY_UNMET_ALL = [
    "no agreed research question for the theory session",
    "members from 1 school, 2 needed",
    "no measure chosen",
    "no session date for the theory session",
]
# Which statuses each action may start from (the TRANSITIONS table, restated independently).
ALLOWED_FROM = {
    "accept": {"proposed"},
    "decline": {"proposed"},
    "advance": {"theory", "progress"},
    "publish": {"dissemination"},
    "unpublish": {"published"},
    "withdraw": {"proposed", "theory", "progress", "dissemination"},
}


def state(project):
    """Everything a refused transition must leave as it was."""
    project = Project.objects.get(pk=project.pk)
    return {
        "status": project.status,
        "updated_at": project.updated_at,
        "transitions": list(StageTransition.objects.filter(project=project).values_list("id", flat=True)),
        "snapshots": list(PlanSnapshot.objects.filter(project=project).values_list("id", flat=True)),
    }


def refuse(project, action, actor, **kwargs) -> Conflict:
    """Run a transition that must be refused; check nothing changed; return the error."""
    before = state(project)
    with pytest.raises(Conflict) as caught:
        lifecycle.project_transition(project_id=project.pk, action=action, actor=actor, **kwargs)
    assert state(project) == before
    return caught.value


def succeed(project, action, actor, comment="", **kwargs) -> StageTransition:
    """Run a transition that must pass; check exactly one audit row was written; return it."""
    before = set(StageTransition.objects.filter(project=project).values_list("id", flat=True))
    from_status = Project.objects.get(pk=project.pk).status
    result = lifecycle.project_transition(project_id=project.pk, action=action, actor=actor, comment=comment,
                                          **kwargs)
    new = StageTransition.objects.filter(project=project).exclude(id__in=before)
    assert new.count() == 1
    record = new.get()
    assert record == result.record
    assert (record.action, record.from_status, record.actor_id) == (action, from_status, actor.pk)
    assert Project.objects.get(pk=project.pk).status == record.to_status
    return record


@pytest.fixture
def bare_theory(world):
    """A theory-stage project led by one teacher, with no measure, no writing and no session."""
    return make_project(world.alliance, world.user("project_lead"), world.user("alliance_lead"), [], [],
                        status=Status.THEORY, title="Bare")


# --- theory -> progress -------------------------------------------------------------------------

def test_advance_from_theory_lists_all_four_unmet_conditions(world, bare_theory):
    # given a theory project with no agreed question, one school, no measure and no session date
    # when the project lead asks to advance
    error = refuse(bare_theory, "advance", world.user("project_lead"))
    # then all four conditions are named at once, in plain words
    assert error.code == "guard_failed"
    assert error.conditions == THEORY_UNMET_ALL
    assert error.message == "The project cannot advance yet: " + "; ".join(THEORY_UNMET_ALL) + "."


def test_advance_from_theory_lists_only_what_is_missing(world):
    # given the world's theory project: two schools and a measure, but nothing written yet
    project = world.projects["theory"]
    # when the project lead asks to advance
    error = refuse(project, "advance", world.user("project_lead"))
    # then only the agreed question and the session date are missing
    assert error.code == "guard_failed"
    assert error.conditions == ["no agreed research question for the theory session",
                                "no session date for the theory session"]


def test_a_blank_agreed_question_does_not_count(world):
    # given a theory session with a date but an agreed question of spaces only
    project = world.projects["theory"]
    stage_update(actor=world.user("project_lead"), project=project, kind=StageKind.THEORY,
                 session_date=date(2025, 9, 24), agreed_question="   ")
    # when advancing, then the question is still missing
    assert refuse(project, "advance", world.user("project_lead")).conditions == [
        "no agreed research question for the theory session"]


def test_two_members_from_one_school_count_as_one_school(world, bare_theory):
    # given a second member who teaches at the lead's school, and the theory stage written
    lead = world.user("project_lead")
    colleague = member_of(world.alliance, UserFactory(), lead.memberships.get().school)
    bare_theory.memberships.create(user=colleague, school=lead.memberships.get().school)
    bare_theory.measures.add(world.measure)
    write_theory(bare_theory, lead)
    # when advancing, then the only unmet condition is the number of schools
    assert refuse(bare_theory, "advance", lead).conditions == ["members from 1 school, 2 needed"]


def test_the_alliance_minimum_number_of_schools_is_used(world):
    # given an alliance that asks for three schools, and a written-up project with two
    world.alliance.min_schools_per_project = 3
    world.alliance.save()
    project = world.projects["theory"]
    write_theory(project, world.user("project_lead"))
    # when advancing, then the message uses the alliance's minimum and the plural
    assert refuse(project, "advance", world.user("project_lead")).conditions == ["members from 2 schools, 3 needed"]
    # and a third school clears it
    third = member_of(world.alliance, UserFactory(), SchoolFactory())
    project.memberships.create(user=third, school=third.memberships.get().school)
    assert succeed(project, "advance", world.user("project_lead")).to_status == Status.PROGRESS


def test_advance_from_theory_passes_once_every_condition_is_met(world):
    # given the theory project written up (agreed question and session date)
    project = world.projects["theory"]
    write_theory(project, world.user("project_lead"))
    # when the project lead advances it with a comment
    record = succeed(project, "advance", world.user("project_lead"), comment="  Theory session held.  ")
    # then one audit row from theory to progress, with the trimmed comment, and the plan frozen
    assert (record.from_status, record.to_status, record.comment) == ("theory", "progress", "Theory session held.")
    assert PlanSnapshot.objects.filter(project=project).count() == 1


# --- progress -> dissemination ------------------------------------------------------------------

def test_advance_from_progress_needs_key_learning_and_impact(world):
    # given the progress project with nothing written for the progress update
    project = world.projects["progress"]
    # when the project lead asks to advance, then both conditions are named
    error = refuse(project, "advance", world.user("project_lead"))
    assert error.code == "guard_failed"
    assert error.conditions == ["no key learning written for the progress update",
                                "no impact on practice written for the progress update"]
    # and with the key learning written, only the impact remains
    stage_update(actor=world.user("member"), project=project, kind=StageKind.PROGRESS, key_learning="Learned.")
    assert refuse(project, "advance", world.user("project_lead")).conditions == [
        "no impact on practice written for the progress update"]


def test_advance_from_progress_passes_when_written(world):
    # given the progress update written
    project = world.projects["progress"]
    write_progress(project, world.user("member"))
    # when the alliance lead advances it, then one audit row from progress to dissemination
    record = succeed(project, "advance", world.user("alliance_lead"), comment="Progress session held.")
    assert (record.from_status, record.to_status, record.comment) == ("progress", "dissemination",
                                                                      "Progress session held.")
    # and no second plan snapshot (only theory -> progress freezes)
    assert PlanSnapshot.objects.filter(project=project).count() == 1


# --- publish / unpublish ------------------------------------------------------------------------

def test_publish_needs_findings_and_conclusions(world):
    # given the dissemination project with nothing written
    project = world.projects["dissemination"]
    # when the alliance lead publishes, then both conditions are named
    error = refuse(project, "publish", world.user("alliance_lead"))
    assert error.code == "guard_failed"
    assert error.conditions == ["no findings written for dissemination", "no conclusions written for dissemination"]
    # and with findings only, the conclusions remain
    stage_update(actor=world.user("member"), project=project, kind=StageKind.DISSEMINATION, findings="Found.")
    assert refuse(project, "publish", world.user("alliance_lead")).conditions == [
        "no conclusions written for dissemination"]


def test_publish_passes_when_written(world):
    # given findings and conclusions written
    project = world.projects["dissemination"]
    write_dissemination(project, world.user("member"))
    # when the alliance lead publishes, then one audit row to published
    record = succeed(project, "publish", world.user("alliance_lead"), comment="Shared at the conference.")
    assert (record.from_status, record.to_status, record.comment) == ("dissemination", "published",
                                                                      "Shared at the conference.")


@pytest.mark.parametrize("comment", ["", "   "])
def test_unpublish_needs_a_reason(world, comment):
    # given a published project
    project = world.projects["published"]
    # when the alliance lead unpublishes without a reason, then the reason is the unmet condition
    error = refuse(project, "unpublish", world.user("alliance_lead"), comment=comment)
    assert error.code == "guard_failed"
    assert error.conditions == ["a reason is needed to unpublish"]


def test_unpublish_with_a_reason_returns_to_dissemination(world):
    # given a published project
    project = world.projects["published"]
    # when the alliance lead unpublishes with a reason
    record = succeed(project, "unpublish", world.user("alliance_lead"), comment="A data error was found.")
    # then it is back in dissemination and the reason is on the audit row
    assert (record.from_status, record.to_status, record.comment) == ("published", "dissemination",
                                                                      "A data error was found.")


# --- accept / decline / withdraw ----------------------------------------------------------------

@pytest.mark.parametrize("action, target", [("accept", "theory"), ("decline", "declined")])
def test_alliance_lead_accepts_or_declines_a_proposal(world, action, target):
    # given a proposed project, when the alliance lead decides
    record = succeed(world.projects["proposed"], action, world.user("alliance_lead"), comment="Discussed.")
    # then one audit row from proposed to the decision
    assert (record.from_status, record.to_status, record.comment) == ("proposed", target, "Discussed.")


@pytest.mark.parametrize("status", ["proposed", "theory", "progress", "dissemination"])
def test_withdraw_from_each_active_status(world, status):
    # given a project in an active status, when its lead withdraws it
    record = succeed(world.projects[status], "withdraw", world.user("project_lead"), comment="No longer feasible.")
    # then one audit row from that status to withdrawn
    assert (record.from_status, record.to_status) == (status, "withdrawn")


# --- impossible, stale and unknown --------------------------------------------------------------

@pytest.mark.parametrize("action", list(ALLOWED_FROM))
def test_an_action_impossible_from_the_status_is_refused(world, action):
    # given staff (who may run any action) and a project in every status
    refused = []
    for status in STATUSES:
        if status in ALLOWED_FROM[action]:
            continue
        # when staff asks for the action from a status that does not allow it
        error = refuse(world.projects[status], action, world.user("staff"), comment="reason")
        # then it is refused as not allowed, naming the action and the status
        assert error.code == "transition_not_allowed"
        assert error.conditions == [f"{action} is not possible from status {status}"]
        refused.append(status)
    assert refused == [s for s in STATUSES if s not in ALLOWED_FROM[action]]


def test_the_table_allows_exactly_the_documented_moves():
    # given the lifecycle table, then each action starts from exactly the documented statuses
    assert {a: {t.source for t in lifecycle.TRANSITIONS if t.action == a} for a in lifecycle.ACTIONS} == ALLOWED_FROM


def test_a_stale_status_is_refused_and_nothing_changes(world):
    # given a project that has moved on to progress since the user loaded it at theory
    project = world.projects["progress"]
    write_progress(project, world.user("member"))  # even with the guards met
    # when the lead advances, saying they saw it at theory
    error = refuse(project, "advance", world.user("project_lead"), expected_status="theory")
    # then it is refused as stale, with a hint to reload
    assert error.code == "stale_status"
    assert error.conditions == ["status is progress, expected theory"]
    assert "Reload" in error.message


def test_a_double_click_on_advance_moves_the_project_only_once(world):
    # given a written-up theory project
    project = world.projects["theory"]
    write_theory(project, world.user("project_lead"))
    # when two "advance" requests arrive, both from the page that showed "theory"
    succeed(project, "advance", world.user("project_lead"), expected_status="theory")
    error = refuse(project, "advance", world.user("project_lead"), expected_status="theory")
    # then the second is refused as stale and the project is in progress, not further
    assert error.code == "stale_status"
    assert Project.objects.get(pk=project.pk).status == "progress"


def test_the_matching_expected_status_is_accepted(world):
    # given a proposed project, when accepted with the status the user saw, then it passes
    assert succeed(world.projects["proposed"], "accept", world.user("alliance_lead"),
                   expected_status="proposed").to_status == "theory"


def test_an_unknown_action_is_invalid_input(world):
    # given a project
    project = world.projects["theory"]
    before = state(project)
    # when asked for an action that does not exist
    with pytest.raises(InvalidInput) as caught:
        lifecycle.project_transition(project_id=project.pk, action="fly", actor=world.user("staff"))
    # then it is refused with the list of real actions, and nothing changed
    assert caught.value.code == "unknown_action"
    assert "accept, decline, advance, publish, unpublish, withdraw" in caught.value.message
    assert state(project) == before


def test_detail_next_step_shows_the_same_conditions_as_the_guard(world, bare_theory, api):
    # given the bare theory project, when its lead reads it
    response = api(world.user("project_lead")).get(f"/api/v1/projects/{bare_theory.id}/")
    # then the page can show what stands in the way, exactly as the guard would say it
    assert response.status_code == 200
    assert response.json()["next_step"] == {"action": "advance", "unmet": THEORY_UNMET_ALL}


# --- through the HTTP API -----------------------------------------------------------------------

def post_transition(api, user, project, body, **kwargs):
    return api(user).post(f"/api/v1/projects/{project.id}/transitions/", body, format="json", **kwargs)


def test_http_guard_failure_is_409_with_every_condition(world, bare_theory, api):
    # given the bare theory project
    before = state(bare_theory)
    # when its lead posts "advance"
    response = post_transition(api, world.user("project_lead"), bare_theory, {"action": "advance"})
    # then 409 with a stable code, a readable detail and every condition; nothing changed
    assert response.status_code == 409
    assert response.json() == {
        "code": "guard_failed",
        "detail": "The project cannot advance yet: " + "; ".join(THEORY_UNMET_ALL) + ".",
        "conditions": THEORY_UNMET_ALL,
    }
    assert state(bare_theory) == before


@pytest.mark.parametrize("status, body, code, conditions", [
    ("progress", {"action": "advance", "from_status": "theory"}, "stale_status",
     ["status is progress, expected theory"]),
    ("declined", {"action": "accept"}, "transition_not_allowed", ["accept is not possible from status declined"]),
    ("published", {"action": "unpublish"}, "guard_failed", ["a reason is needed to unpublish"]),
    ("dissemination", {"action": "publish"}, "guard_failed",
     ["no findings written for dissemination", "no conclusions written for dissemination"]),
])
def test_http_refusals_are_409_json(world, api, status, body, code, conditions):
    # given a project in `status`
    project = world.projects[status]
    before = state(project)
    # when the alliance lead posts the transition
    response = post_transition(api, world.user("alliance_lead"), project, body)
    # then 409 {"code", "detail", "conditions"} and nothing changed
    assert response.status_code == 409
    data = response.json()
    assert (data["code"], data["conditions"]) == (code, conditions)
    assert isinstance(data["detail"], str) and data["detail"]
    assert state(project) == before


def test_http_unknown_action_is_400_naming_the_field(world, api):
    # given a project, when an action that does not exist is posted
    project = world.projects["theory"]
    before = state(project)
    response = post_transition(api, world.user("project_lead"), project, {"action": "fly"})
    # then 400 with the field named, and nothing changed
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["errors"] == {"action": ['"fly" is not a valid choice.']}
    assert state(project) == before


def test_http_success_returns_the_audit_row(world, api):
    # given a proposed project
    project = world.projects["proposed"]
    # when the alliance lead accepts it with a comment and the status they saw
    response = post_transition(api, world.user("alliance_lead"), project,
                               {"action": "accept", "comment": "Welcome.", "from_status": "proposed"})
    # then 200 with the single new audit row
    assert response.status_code == 200
    data = response.json()
    assert {k: data[k] for k in ("action", "from_status", "to_status", "actor", "comment")} == {
        "action": "accept", "from_status": "proposed", "to_status": "theory", "actor": "alliance_lead",
        "comment": "Welcome.",
    }
    assert list(StageTransition.objects.filter(project=project).values_list("id", flat=True)) == [data["id"]]
    # and the history lists it
    history = api(world.user("member")).get(f"/api/v1/projects/{project.id}/transitions/").json()
    assert [(h["from_status"], h["to_status"]) for h in history] == [("proposed", "theory")]
