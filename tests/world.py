"""One alliance with a project in every status, and a person in every role.

Roles: anonymous, other (lead of another alliance), teacher (alliance member, in no project),
member (in every project), project_lead, alliance_lead, staff.
"""
from dataclasses import dataclass, field
from datetime import date

from research import lifecycle
from research.models import Alliance, Measure
from research.models.choices import Role, StageKind, Status
from research.services.projects import project_propose, project_update
from research.services.stages import stage_update

from .factories import AllianceFactory, MeasureFactory, SchoolFactory, ThemeFactory, UserFactory, member_of

ROLES = ["anonymous", "other", "teacher", "member", "project_lead", "alliance_lead", "staff"]
STATUSES = [s.value for s in Status]


@dataclass
class World:
    alliance: Alliance
    other_alliance: Alliance
    measure: Measure
    users: dict = field(default_factory=dict)
    projects: dict = field(default_factory=dict)  # status -> Project in `alliance`
    other_projects: dict = field(default_factory=dict)  # status -> Project in `other_alliance`

    def user(self, role):
        return self.users.get(role)


def write_theory(project, actor):
    # In the project's academic year (a session outside it must be confirmed).
    stage_update(actor=actor, project=project, kind=StageKind.THEORY,
                 session_date=date(int(project.academic_year[:4]), 9, 24),
                 agreed_question=project.research_question, attendees=["A", "B"])


def write_progress(project, actor):
    stage_update(actor=actor, project=project, kind=StageKind.PROGRESS, key_learning="Learned.",
                 impact_on_practice="Changed practice.")


def write_dissemination(project, actor):
    stage_update(actor=actor, project=project, kind=StageKind.DISSEMINATION, findings="Found.",
                 conclusions="Concluded.")


ROUTE = {
    Status.PROPOSED: [], Status.DECLINED: ["decline"], Status.THEORY: ["accept"],
    Status.PROGRESS: ["accept", "advance"], Status.DISSEMINATION: ["accept", "advance", "advance"],
    Status.PUBLISHED: ["accept", "advance", "advance", "publish"], Status.WITHDRAWN: ["withdraw"],
}
WRITERS = {Status.THEORY: write_theory, Status.PROGRESS: write_progress, Status.DISSEMINATION: write_dissemination}


def make_project(alliance, lead, alliance_lead, members, measures, status=Status.PROPOSED, title=None, **extra):
    """A project taken to `status` through the real lifecycle, with guards satisfied on the way."""
    project = project_propose(
        actor=lead, alliance=alliance, title=title or f"Project {status}", research_question=f"Does {status} work?",
        subject=extra.pop("subject", "maths"), phase=extra.pop("phase", "ks2"),
        academic_year=extra.pop("academic_year", "2025/26"), measures=measures, **extra,
    )
    for user in members:
        membership = user.memberships.get(alliance=alliance)
        project.memberships.create(user=user, school=membership.school)
    for action in ROUTE[status]:
        project.refresh_from_db()
        if action in ("advance", "publish"):
            WRITERS[project.status](project, lead)
        actor = alliance_lead if action in ("accept", "decline", "publish") else lead
        lifecycle.project_transition(project_id=project.pk, action=action, actor=actor)
        if action == "advance" and project.status == Status.THEORY:
            # No pupil scores here: from progress on, the group says it is a qualitative enquiry (which
            # the guard into dissemination accepts instead of baseline and final scores).
            project_update(actor=lead, project=project, qualitative_enquiry=True)
    project.refresh_from_db()
    return project


def person(username):
    """A user whose display name is their username, so tests can name who they see."""
    return UserFactory(username=username, first_name="", last_name="")


def build_world() -> World:
    alliance = AllianceFactory(name="Alliance A", slug="a")
    other_alliance = AllianceFactory(name="Alliance B", slug="b")
    measure = MeasureFactory(alliance=alliance, name="Maths test")
    other_measure = MeasureFactory(alliance=other_alliance, name="Reading test")
    ThemeFactory(name="Feedback", slug="feedback")
    schools = [SchoolFactory(name=f"A school {i}") for i in range(3)]
    world = World(alliance=alliance, other_alliance=other_alliance, measure=measure)
    u = world.users
    u["anonymous"] = None
    u["alliance_lead"] = member_of(alliance, person("alliance_lead"), schools[0], Role.LEAD)
    u["project_lead"] = member_of(alliance, person("project_lead"), schools[1])
    u["member"] = member_of(alliance, person("member"), schools[2])
    u["teacher"] = member_of(alliance, person("teacher"), schools[0])
    u["other"] = member_of(other_alliance, person("other"), SchoolFactory(name="B school"), Role.LEAD)
    u["staff"] = UserFactory(username="staff", first_name="", last_name="", is_staff=True)
    other_member = member_of(other_alliance, person("other_member"), SchoolFactory(name="B2"))
    for status in STATUSES:
        world.projects[status] = make_project(alliance, u["project_lead"], u["alliance_lead"], [u["member"]],
                                              [measure], status=status, title=f"A {status}")
    for status in (Status.THEORY, Status.PUBLISHED):
        world.other_projects[status] = make_project(other_alliance, u["other"], u["other"], [other_member],
                                                    [other_measure], status=status, title=f"B {status}")
    return world
