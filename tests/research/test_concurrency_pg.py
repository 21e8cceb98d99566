"""Simultaneous writes on PostgreSQL keep the data consistent: one winner, a clear domain error for
the others, never a duplicate row and never an IntegrityError or a 500.

Each racer runs in its own thread with its own database connection (closed when it ends); a
threading.Barrier releases them together, and every race is repeated ROUNDS times. SQLite is
skipped: it has a single writer, so these interleavings cannot happen there.
"""
import threading

import pytest
from django.db import IntegrityError, connection
from django.test import Client
from rest_framework.authtoken.models import Token

from research import lifecycle
from research.errors import Conflict, DomainError, NotFound
from research.models import (EffectSummary, JoinRequest, OutcomeRecord, OutcomeUpload, PlanSnapshot, Project,
                             ProjectMember, Publication, Stage, StageTransition)
from research.models.choices import Status
from research.services import plans, stages
from research.services.members import join_request_create, join_request_decide, member_remove
from research.services.outcomes import outcomes_import
from research.services.projects import project_update
from research.services.stages import stage_update
from research.services.summaries import effect_summaries_refresh

from ..api.test_outcomes_support import csv_bytes, long_rows, project_urns, pupils
from ..factories import member_of
from ..world import build_world, make_project, write_dissemination, write_theory

pytestmark = pytest.mark.postgres

ROUNDS = 4
STALE = {"stale_status", "transition_not_allowed"}


@pytest.fixture(autouse=True)
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: concurrent writers and row locks (SQLite has a single writer, so these "
                    "races cannot interleave there)")


def race(*calls) -> list:
    """Run every call at once, each in its own thread and connection; its result or the exception it raised."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except BaseException as error:  # judged by the test in the main thread
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a racer never finished (deadlock?)"
    return results


def split(results) -> tuple[list, list]:
    """(successes, failures); any failure that is not a domain error (IntegrityError, a crash) fails the test."""
    failures = [r for r in results if isinstance(r, BaseException)]
    unexpected = [f for f in failures if not isinstance(f, DomainError)]
    assert not unexpected, f"not a domain error: {unexpected!r}"
    return [r for r in results if not isinstance(r, BaseException)], failures


@pytest.fixture
def world(transactional_db):
    return build_world()


def theory_project_ready(world, title):
    """A project at the theory stage with every guard for `advance` met."""
    lead = world.user("project_lead")
    project = make_project(world.alliance, lead, world.user("alliance_lead"), [world.user("member")],
                           [world.measure], status=Status.THEORY, title=title)
    write_theory(project, lead)
    return project


def test_simultaneous_advances_move_the_project_once(world):
    lead, alliance_lead = world.user("project_lead"), world.user("alliance_lead")
    for round_number in range(ROUNDS):
        # given a theory-stage project ready to advance
        project = theory_project_ready(world, f"Race {round_number}")
        # when its lead and the alliance lead both advance it from 'theory' at the same moment
        results = race(*(lambda actor=actor: lifecycle.project_transition(
            project_id=project.pk, action="advance", actor=actor, expected_status=Status.THEORY)
            for actor in (lead, alliance_lead)))
        # then exactly one succeeds and the other is told the project has moved on
        wins, losses = split(results)
        assert len(wins) == 1 and len(losses) == 1, results
        assert isinstance(losses[0], Conflict) and losses[0].code in STALE, (losses[0].code, losses[0].message)
        # and the project moved exactly one step, with one audit row and one frozen plan
        project.refresh_from_db()
        assert project.status == Status.PROGRESS
        assert list(StageTransition.objects.filter(project=project, action="advance")
                    .values_list("from_status", "to_status")) == [("theory", "progress")]
        assert PlanSnapshot.objects.filter(project=project).count() == 1


def test_double_publish_over_http_publishes_once(world):
    alliance_lead = world.user("alliance_lead")
    token = Token.objects.create(user=alliance_lead).key
    for round_number in range(ROUNDS):
        # given a project in dissemination with its findings written
        lead = world.user("project_lead")
        project = make_project(world.alliance, lead, alliance_lead, [world.user("member")], [world.measure],
                               status=Status.DISSEMINATION, title=f"Publish race {round_number}")
        write_dissemination(project, lead)
        url = f"/api/v1/projects/{project.pk}/transitions/"

        def publish():
            # a separate django.test.Client per request, as two browser tabs would be
            response = Client().post(url, {"action": "publish", "from_status": "dissemination"},
                                     content_type="application/json", HTTP_AUTHORIZATION=f"Token {token}")
            return response.status_code, response.json()

        # when the alliance lead's publish request is sent twice at the same moment
        results = race(publish, publish)
        # then one is 200 and the other 409 with a stable code, never a 500
        codes = sorted(status for status, _ in results)
        assert codes == [200, 409], results
        refused = next(body for status, body in results if status == 409)
        assert refused["code"] in STALE, refused
        # and there is one publication and one publish transition
        project.refresh_from_db()
        assert project.status == Status.PUBLISHED
        assert Publication.objects.filter(project=project).count() == 1
        assert StageTransition.objects.filter(project=project, action="publish").count() == 1


def pending_request(world, round_number, teacher=None):
    """A teacher (new unless given) of the alliance with a pending request to join the theory project."""
    teacher = teacher or member_of(world.alliance)
    project = world.projects[Status.THEORY]
    return teacher, join_request_create(actor=teacher, project=project, message=f"Round {round_number}")


def decide(actor, project_id, request_id, approve):
    """A decision as a request makes it: with its own fresh copy of the project."""
    return join_request_decide(actor=actor, project=Project.objects.get(pk=project_id), request_id=request_id,
                               approve=approve)


@pytest.mark.parametrize("approvals", [(True, True), (True, False)], ids=["approve+approve", "approve+decline"])
def test_simultaneous_decisions_on_one_join_request(world, approvals):
    deciders = (world.user("project_lead"), world.user("alliance_lead"))
    for round_number in range(ROUNDS):
        # given a pending join request
        teacher, join_request = pending_request(world, round_number)
        # when the project lead and the alliance lead decide it at the same moment
        results = race(*(lambda actor=actor, approve=approve: decide(actor, join_request.project_id, join_request.pk,
                                                                   approve)
                         for actor, approve in zip(deciders, approvals)))
        # then one decision wins; the other is told it is already decided
        wins, losses = split(results)
        assert len(wins) == 1 and len(losses) == 1, results
        assert isinstance(losses[0], Conflict) and losses[0].code == "already_decided"
        # and the stored request and the group agree with the winning decision, the member at most once
        join_request.refresh_from_db()
        assert join_request.status == wins[0].status
        members = ProjectMember.objects.filter(project_id=join_request.project_id, user=teacher).count()
        assert members == (1 if join_request.status == "approved" else 0)


def test_simultaneous_join_requests_by_one_teacher_make_one(world):
    project = world.projects[Status.THEORY]
    for round_number in range(ROUNDS):
        # given a teacher of the alliance who is not in the project
        teacher = member_of(world.alliance)
        # when they ask to join twice at the same moment (a double click)
        results = race(*(lambda: join_request_create(actor=teacher, project=Project.objects.get(pk=project.pk))
                         for _ in range(2)))
        # then one request is made; the other is refused as already requested (not an IntegrityError)
        wins, losses = split(results)
        assert len(wins) == 1 and len(losses) == 1, results
        assert isinstance(losses[0], Conflict) and losses[0].code == "already_requested"
        assert JoinRequest.objects.filter(project=project, user=teacher, status="pending").count() == 1


def test_simultaneous_removal_and_readmission_of_a_member(world):
    project = world.projects[Status.THEORY]
    lead, alliance_lead = world.user("project_lead"), world.user("alliance_lead")
    for round_number in range(ROUNDS * 2):
        # given a teacher who joined the project, left it, and asked to join again
        teacher, first = pending_request(world, round_number)
        decide(lead, project.pk, first.pk, True)
        member_remove(actor=teacher, project=Project.objects.get(pk=project.pk), user_id=teacher.pk)
        teacher, join_request = pending_request(world, round_number, teacher)
        # when the project lead readmits them while the alliance lead removes them, at the same moment
        readmit = lambda: decide(lead, project.pk, join_request.pk, True)  # noqa: E731
        remove = lambda: member_remove(actor=alliance_lead, project=Project.objects.get(pk=project.pk),  # noqa: E731
                                       user_id=teacher.pk)
        approved, removed = race(readmit, remove)
        # then the readmission always succeeds and the removal either succeeds or finds no member (404),
        # never an IntegrityError or a crash
        split([approved, removed])
        assert not isinstance(approved, BaseException), approved
        assert removed is None or isinstance(removed, NotFound), removed
        # and the membership is what the order of the two says: at most one row
        members = ProjectMember.objects.filter(project=project, user=teacher).count()
        assert members == (0 if removed is None else 1)


def import_file(actor, project_id, measure, ids, urns, stage="theory"):
    project = Project.objects.get(pk=project_id)
    return outcomes_import(actor=actor, project=project, stage_kind=stage, data=csv_bytes(long_rows(ids, urns)),
                           filename="scores.csv", measure_id=measure.pk, mode="append")


def test_simultaneous_append_imports_of_overlapping_pupils(world):
    uploaders = (world.user("member"), world.user("project_lead"))
    for round_number in range(ROUNDS):
        # given a theory-stage project with no data yet, and two files that share 300 pupils
        project = theory_project_ready(world, f"Append race {round_number}")
        urns = project_urns(project)
        files = (pupils(800), pupils(600, start=500))
        # when both are imported with mode=append at the same moment
        results = race(*(lambda actor=actor, ids=ids: import_file(actor, project.pk, world.measure, ids, urns)
                         for actor, ids in zip(uploaders, files)))
        # then neither raises (no IntegrityError): one is stored, the other reports the shared pupils as row errors
        wins, _ = split(results)
        assert len(wins) == 2
        stored = [r for r in results if r.upload is not None]
        refused = [r for r in results if r.upload is None]
        assert len(stored) == 1 and len(refused) == 1, [(r.upload, r.error_total) for r in results]
        assert refused[0].error_total == 300
        assert all("already has a score" in e.message for e in refused[0].errors)
        # and the stage holds exactly the stored file's rows, each pupil once
        rows = OutcomeRecord.objects.filter(project=project, measure=world.measure)
        assert rows.count() == stored[0].upload.record_count == len(stored[0].parsed.records)
        assert rows.values("pupil_key").distinct().count() == rows.count()
        assert OutcomeUpload.objects.filter(project=project).count() == 1


def test_simultaneous_imports_into_two_stages_keep_the_effect_summary_current(world):
    member, lead = world.user("member"), world.user("project_lead")
    for round_number in range(ROUNDS):
        # given a project in dissemination, and a baseline file and a final file for it
        project = make_project(world.alliance, lead, world.user("alliance_lead"), [member], [world.measure],
                               status=Status.DISSEMINATION, title=f"Two stages {round_number}")
        urns = project_urns(project)
        ids = pupils(60)
        # when the baseline (theory) and the final scores (dissemination) are imported at the same moment
        results = race(lambda: import_file(member, project.pk, world.measure, ids, urns, stage="theory"),
                       lambda: import_file(lead, project.pk, world.measure, ids, urns, stage="dissemination"))
        # then both are stored
        wins, _ = split(results)
        assert [r.upload is not None for r in wins] == [True, True]
        assert OutcomeRecord.objects.filter(project=project).count() == 120
        # and the stored headline effect is the one computed from all the rows now there (no lost update)
        stored = list(EffectSummary.objects.filter(project=project).values("measure_id", "g", "variance", "n",
                                                                            "usable", "reason"))
        effect_summaries_refresh(project=Project.objects.get(pk=project.pk))
        fresh = list(EffectSummary.objects.filter(project=project).values("measure_id", "g", "variance", "n",
                                                                           "usable", "reason"))
        assert stored == fresh


def test_race_harness_reports_integrity_errors(world):
    # given two racers that insert the same member twice, bypassing the services
    project = world.projects[Status.THEORY]
    teacher = member_of(world.alliance)
    school = teacher.memberships.get().school
    add = lambda: ProjectMember.objects.create(project=project, user=teacher, school=school)  # noqa: E731
    # when they run together
    results = race(add, add)
    # then the harness sees the constraint's IntegrityError (the services must never let one through)
    assert sum(isinstance(r, IntegrityError) for r in results) == 1
    with pytest.raises(AssertionError, match="not a domain error"):
        split(results)



class Rendezvous:
    """Makes the racers meet inside chosen functions, so that one legal interleaving happens every time.

    Each racer waits there once, for at most `patience` seconds: if the code under test makes one
    racer wait for the other's lock (as a fix would), the other goes on alone after that.
    """

    def __init__(self, monkeypatch, targets, patience=3.0):
        self.barrier, self.patience, self.passed = None, patience, set()
        for module, name in targets:
            monkeypatch.setattr(module, name, self._wrap(getattr(module, name)))

    def _wrap(self, original):
        def meet_then_call(*args, **kwargs):
            barrier = self.barrier
            if barrier is not None and threading.get_ident() not in self.passed:
                self.passed.add(threading.get_ident())
                try:
                    barrier.wait(timeout=self.patience)
                except threading.BrokenBarrierError:
                    pass
            return original(*args, **kwargs)
        return meet_then_call

    def arm(self):
        self.barrier, self.passed = threading.Barrier(2), set()

    def disarm(self):
        self.barrier = None


def plan_state(project):
    theory = Stage.objects.get(project=project, kind="theory")
    project = Project.objects.get(pk=project.pk)
    snapshots = list(PlanSnapshot.objects.filter(project=project).order_by("revision"))
    return project, theory, snapshots


def test_simultaneous_plan_edits_after_the_freeze_record_two_revisions(world, monkeypatch):
    lead, member = world.user("project_lead"), world.user("member")
    rendezvous = Rendezvous(monkeypatch, [(plans, "plan_content")])
    for round_number in range(ROUNDS):
        # given a project past the freeze (plan revision 1)
        project = make_project(world.alliance, lead, world.user("alliance_lead"), [member], [world.measure],
                               status=Status.PROGRESS, title=f"Revisions {round_number}")
        # when the lead edits the research question while a member edits the agreed question, at once
        rendezvous.arm()
        results = race(
            lambda: project_update(actor=lead, project=Project.objects.get(pk=project.pk),
                                   research_question=f"Sharper question {round_number}?", revision_reason="Sharper."),
            lambda: stage_update(actor=member, project=Project.objects.get(pk=project.pk), kind="theory",
                                 agreed_question=f"Agreed again {round_number}?", revision_reason="Agreed again."),
        )
        rendezvous.disarm()
        # then neither fails with a database error, and every edit is recorded as its own revision
        wins, _ = split(results)
        project, theory, snapshots = plan_state(project)
        assert [s.revision for s in snapshots] == list(range(1, 2 + len(wins)))
        # and the latest revision is the plan as it now stands
        assert (snapshots[-1].research_question, snapshots[-1].agreed_question) == (
            project.research_question, theory.agreed_question)


def test_an_edit_at_the_moment_of_the_freeze_is_in_the_pre_registration(world, monkeypatch):
    lead, member = world.user("project_lead"), world.user("member")
    rendezvous = Rendezvous(monkeypatch, [(plans, "plan_content"), (stages, "plan_is_frozen")])
    for round_number in range(ROUNDS):
        # given a theory-stage project ready to advance
        project = theory_project_ready(world, f"Freeze {round_number}")
        # when the lead advances it (freezing the plan) while a member edits the agreed question, at once
        rendezvous.arm()
        results = race(
            lambda: lifecycle.project_transition(project_id=project.pk, action="advance", actor=lead,
                                                 expected_status=Status.THEORY),
            lambda: stage_update(actor=member, project=Project.objects.get(pk=project.pk), kind="theory",
                                 agreed_question=f"Edited at the freeze {round_number}?"),
        )
        rendezvous.disarm()
        # then both succeed
        wins, losses = split(results)
        assert not losses, losses
        # and the latest plan revision holds the agreed question as it now stands
        project, theory, snapshots = plan_state(project)
        assert project.status == Status.PROGRESS
        assert snapshots[-1].agreed_question == theory.agreed_question == f"Edited at the freeze {round_number}?"
