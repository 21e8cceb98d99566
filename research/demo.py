"""A fictional alliance for trying the product: deterministic, built through the real services.

All people, schools and pupils here are invented. URNs start with 9 so they match no real school.
"""
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.text import slugify

from . import lifecycle
from .models import Alliance, AllianceSchool, Hub, Measure, Membership, Project, School, Theme
from .demo_scores import synthetic_scores
from .models.choices import MeasureKind, Role, SchoolPhase, StageKind, Status
from .services.outcomes import outcomes_import
from .services.partnerships import partnership_answer, partnership_propose, project_share
from .services.projects import project_propose
from .services.stages import stage_update

DEMO_PASSWORD = "demo"
OUTCOME_FILES = Path(__file__).resolve().parent.parent / "fixtures" / "outcomes"
ALLIANCE_SLUG = "northfield"

SCHOOLS = [
    ("Northfield Primary School", "900001", SchoolPhase.PRIMARY, "North Yorkshire"),
    ("Hollins Brook Primary", "900002", SchoolPhase.PRIMARY, "North Yorkshire"),
    ("St Aidan's C of E Primary", "900003", SchoolPhase.PRIMARY, "North Yorkshire"),
    ("Fellside Academy", "900004", SchoolPhase.SECONDARY, "North Yorkshire"),
    ("Moorland Federation", "900005", SchoolPhase.ALL_THROUGH, "North Yorkshire"),
    ("Beckside Special School", "900006", SchoolPhase.SPECIAL, "North Yorkshire"),
    ("Wensley Nursery School", "900007", SchoolPhase.NURSERY, "North Yorkshire"),
]
OTHER_SCHOOLS = [
    ("Riverside Primary", "900101", SchoolPhase.PRIMARY, "Somerset"),
    ("Quayside Academy", "900102", SchoolPhase.SECONDARY, "Somerset"),
]
# username: (first, last, alliance slug, school URN, role, is_staff)
USERS = {
    "alliance.lead": ("Alex", "Morgan", ALLIANCE_SLUG, "900001", Role.LEAD, False),
    "project.lead": ("Priya", "Shah", ALLIANCE_SLUG, "900002", Role.MEMBER, False),
    "teacher.a": ("Amira", "Hussain", ALLIANCE_SLUG, "900003", Role.MEMBER, False),
    "teacher.b": ("Ben", "Carter", ALLIANCE_SLUG, "900004", Role.MEMBER, False),
    "teacher.c": ("Chloe", "Evans", ALLIANCE_SLUG, "900005", Role.MEMBER, False),
    "other.teacher": ("Owen", "Price", "riverside", "900101", Role.LEAD, False),
    "hub.lead": ("Hana", "Lee", None, None, None, False),
    "admin": ("Site", "Admin", None, None, None, True),
}
THEMES = ["Feedback", "Learning environment", "Metacognition", "Oracy", "Writing", "Well-being",
          "Leadership", "Retrieval practice", "Parental engagement"]
MEASURES = [
    # name, kind, min, max, higher is better, unit
    ("Maths attainment test", MeasureKind.ATTAINMENT, 0, 100, True, "marks"),
    ("Writing assessment", MeasureKind.ATTAINMENT, 0, 100, True, "marks"),
    ("Pupil well-being scale", MeasureKind.WELL_BEING, 12, 60, True, "points"),
    ("Attitude to maths survey", MeasureKind.ATTITUDE, 0, 40, True, "points"),
    ("Attendance", MeasureKind.ATTENDANCE, 0, 100, True, "%"),
]


@dataclass(frozen=True)
class DemoProject:
    title: str
    question: str
    subject: str
    phase: str
    themes: tuple[str, ...]
    measures: tuple[str, ...]
    lead: str
    members: tuple[str, ...]
    target: str
    alliance: str = ALLIANCE_SLUG
    data: str = ""  # prefix of its outcome files in fixtures/outcomes/
    # Or synthetic scores drawn here (research.demo_scores): the true effect in SD, and its seed.
    effect: float | None = None
    seed: int = 0
    findings: str = ""  # what the group found, if not the usual sentence


PROJECTS = [
    DemoProject("The maths learning environment",
                "How does the maths learning environment affect progress in maths?",
                "maths", "ks2", ("learning-environment",), ("Maths attainment test", "Attitude to maths survey"),
                "project.lead", ("teacher.a",), Status.PUBLISHED,
                data="maths-learning-environment"),
    DemoProject("Verbal or visual feedback",
                "Is verbal or visual feedback more powerful in moving children's learning on?",
                "english", "ks2", ("feedback",), ("Writing assessment", "Pupil well-being scale"),
                "project.lead", ("teacher.a",), Status.DISSEMINATION,
                data="verbal-or-visual-feedback"),
    DemoProject("Effective feedback for writing",
                "What makes feedback on writing effective for pupils in Years 3 to 6?",
                "writing", "ks2", ("feedback", "writing"), ("Writing assessment",),
                "project.lead", ("teacher.c",), Status.PROGRESS,
                data="effective-feedback-for-writing"),
    DemoProject("Succession planning in rural schools",
                "How can small rural schools plan succession and manage talent?",
                "leadership", "all_through", ("leadership",), ("Pupil well-being scale",),
                "project.lead", ("teacher.a",), Status.THEORY),
    DemoProject("Retrieval quizzes in Year 9 history",
                "Do weekly low-stakes retrieval quizzes improve recall in Year 9 history?",
                "humanities", "ks3", ("retrieval-practice",), (),
                "project.lead", (), Status.PROPOSED),
    DemoProject("Talk partners in Reception",
                "Do structured talk partners build vocabulary in Reception?",
                "english", "early_years", ("oracy",), (),
                "teacher.c", (), Status.PROPOSED),
    DemoProject("Homework clubs and attainment",
                "Does an after-school homework club raise attainment for disadvantaged pupils?",
                "cross_curricular", "ks3", ("parental-engagement",), ("Attendance",),
                "project.lead", ("teacher.c",), Status.WITHDRAWN),
    DemoProject("Outdoor learning and well-being",
                "Does a weekly outdoor learning session improve pupils' well-being?",
                "pshe", "ks2", ("well-being",), (), "other.teacher", (), Status.THEORY, alliance="riverside"),
    # Last, so the projects above keep the ids the README's examples use.
    DemoProject("Daily times tables practice",
                "Does ten minutes of daily times-tables practice raise maths attainment in Year 4?",
                "maths", "ks2", ("retrieval-practice",), ("Maths attainment test",),
                "project.lead", ("teacher.a",), Status.PUBLISHED,
                data="times-tables-practice"),
    # Three more published findings, so two strands of the public evidence map (retrieval practice and
    # the learning environment, in key stage 2 maths) each pool three; one a null, one a negative result.
    DemoProject("Retrieval starters in Year 5 maths",
                "Do five-minute retrieval starters in a maths-rich classroom raise attainment in Year 5?",
                "maths", "ks2", ("retrieval-practice", "learning-environment"), ("Maths attainment test",),
                "project.lead", ("teacher.c",), Status.PUBLISHED, effect=0.3, seed=51),
    DemoProject("Times-tables apps at home",
                "Does practising times tables on an app at home, instead of in class, raise attainment in Year 4?",
                "maths", "ks2", ("retrieval-practice",), ("Maths attainment test",),
                "project.lead", ("teacher.a",), Status.PUBLISHED, effect=-0.45, seed=52,
                findings="Pupils who practised at home did worse than those who practised in class."),
    DemoProject("Maths working walls",
                "Do working walls built with pupils during the unit improve progress in maths?",
                "maths", "ks2", ("learning-environment",), ("Maths attainment test",),
                "project.lead", ("teacher.c",), Status.PUBLISHED, effect=0.0, seed=53,
                findings="We found no clear difference between classes with and without working walls."),
]

STAGE_WRITING = {
    StageKind.THEORY: {
        "rationale": "Colleagues across our schools saw the same pattern and agreed to test it together.",
        "reading": "EEF guidance reports; Hattie and Timperley (2007) on feedback.",
    },
    StageKind.PROGRESS: {
        "key_learning": "Pupils respond to the change within a few weeks; consistency across classes matters.",
        "impact_on_practice": "Teachers now plan the routine into every lesson and share resources weekly.",
        "adjustments": "We shortened the routine for younger pupils.",
    },
    StageKind.DISSEMINATION: {
        "findings": "Intervention classes made more progress than comparison classes on the main measure.",
        "conclusions": "The approach is worth continuing; the effect on attitudes was smaller than hoped.",
        "recommendations": "Start with one year group; agree the routine across schools before the baseline.",
        "what_did_not_work": "Homework-based parts of the routine were rarely completed.",
    },
}
SESSION_DATES = {StageKind.THEORY: date(2025, 9, 24), StageKind.PROGRESS: date(2025, 11, 19),
                 StageKind.DISSEMINATION: date(2026, 2, 11)}
PATH = {  # actions that take a proposed project to each status
    Status.PROPOSED: [], Status.THEORY: ["accept"], Status.PROGRESS: ["accept", "advance"],
    Status.DISSEMINATION: ["accept", "advance", "advance"],
    Status.PUBLISHED: ["accept", "advance", "advance", "publish"], Status.WITHDRAWN: ["withdraw"],
}


def _users() -> dict:
    User = get_user_model()
    users = {}
    for username, (first, last, _, _, _, is_staff) in USERS.items():
        user, _ = User.objects.get_or_create(username=username, defaults={
            "first_name": first, "last_name": last, "email": f"{username}@example.org",
            "is_staff": is_staff, "is_superuser": is_staff,
        })
        user.set_password(DEMO_PASSWORD)
        user.save()
        users[username] = user
    return users


def _write_stage(project: Project, kind: str, actor, question: str, findings: str = "") -> None:
    writing = dict(STAGE_WRITING[kind])
    if kind == StageKind.THEORY:
        writing["agreed_question"] = question
    if kind == StageKind.DISSEMINATION and findings:
        writing["findings"] = findings
    stage_update(actor=actor, project=project, kind=kind, session_date=SESSION_DATES[kind],
                 attendees=["Priya Shah", "Amira Hussain", "Chloe Evans"], **writing)


def _import_stage_data(project: Project, spec: DemoProject, actor) -> None:
    """Upload the demo files for the stage the project has just reached, through the real import."""
    if project.status not in (StageKind.THEORY, StageKind.PROGRESS, StageKind.DISSEMINATION):
        return
    for measure in project.measures.all():
        if spec.effect is not None:
            schools = sorted(project.memberships.values_list("school__urn", flat=True).distinct())
            data, filename = synthetic_scores(spec.seed, spec.effect, project.status, schools), f"{spec.seed}.csv"
        else:
            path = OUTCOME_FILES / f"{spec.data}--{project.status}--{slugify(measure.name)}.csv"
            if not spec.data or not path.exists():
                continue
            data, filename = path.read_bytes(), path.name
        result = outcomes_import(actor=actor, project=project, stage_kind=project.status,
                                 data=data, filename=filename, measure_id=measure.id)
        if not result.ok:
            raise ValueError(f"demo file {filename} does not import: {result.errors[:3]}")


def _build_project(spec: DemoProject, alliances: dict, users: dict, themes: dict, measures: dict) -> Project:
    alliance = alliances[spec.alliance]
    lead = users[spec.lead]
    project = project_propose(
        actor=lead, alliance=alliance, title=spec.title, research_question=spec.question, subject=spec.subject,
        phase=spec.phase, academic_year="2025/26", term="autumn",
        rationale="Agreed through professional dialogue between practitioners from several schools.",
        success_notes="A difference of at least 0.2 SD between groups on the main measure.",
        themes=[themes[slug] for slug in spec.themes], measures=[measures[(spec.alliance, m)] for m in spec.measures],
        # Agreed in the theory session: the main measure's effect, and the planned numbers for the MDES.
        success_criteria=[{"measure": measures[(spec.alliance, spec.measures[0])].id, "statistic": "effect_size",
                           "comparison": ">=", "threshold": 0.2}] if spec.measures else [],
        planned_pupils_per_group=30 if spec.measures else None, planned_schools=2 if spec.measures else None,
    )
    for username in spec.members:
        membership = Membership.objects.get(user=users[username], alliance=alliance)
        project.memberships.create(user=users[username], school=membership.school)
    alliance_lead = users["alliance.lead"] if spec.alliance == ALLIANCE_SLUG else users["other.teacher"]
    stage_of_action = iter([StageKind.THEORY, StageKind.PROGRESS, StageKind.DISSEMINATION])
    for action in PATH[spec.target]:
        if action in ("advance", "publish"):
            _write_stage(project, next(stage_of_action), lead, spec.question, spec.findings)
        actor = alliance_lead if action in ("accept", "publish") else lead
        lifecycle.project_transition(project_id=project.pk, action=action, actor=actor,
                                     comment="Demo history.")
        project.refresh_from_db()
        _import_stage_data(project, spec, lead)
    if spec.target in (Status.THEORY, Status.PROGRESS, Status.DISSEMINATION):
        _write_stage(project, next(stage_of_action), lead, spec.question)
    return project


@transaction.atomic
def load_demo() -> bool:
    """Build the demo alliance. Returns False (and changes nothing) if it is already there."""
    if Alliance.objects.filter(slug=ALLIANCE_SLUG).exists():
        return False
    alliances = {
        ALLIANCE_SLUG: Alliance.objects.create(name="Northfield Teaching School Alliance", slug=ALLIANCE_SLUG),
        "riverside": Alliance.objects.create(name="Riverside Learning Trust", slug="riverside"),
    }
    schools = {}
    for slug, rows in ((ALLIANCE_SLUG, SCHOOLS), ("riverside", OTHER_SCHOOLS)):
        for name, urn, phase, region in rows:
            schools[urn] = School.objects.create(name=name, urn=urn, phase=phase, region=region)
            AllianceSchool.objects.create(alliance=alliances[slug], school=schools[urn])
    users = _users()
    for username, (_, _, slug, urn, role, _) in USERS.items():
        if slug:
            Membership.objects.create(user=users[username], alliance=alliances[slug], school=schools[urn], role=role)
    themes = {}
    for name in THEMES:
        slug = name.lower().replace(" ", "-")
        themes[slug], _ = Theme.objects.get_or_create(slug=slug, defaults={"name": name})
    measures = {}
    for slug, alliance in alliances.items():
        for name, kind, low, high, higher_better, unit in MEASURES:
            measures[(slug, name)] = Measure.objects.create(
                alliance=alliance, name=name, kind=kind, scale_min=low, scale_max=high,
                higher_is_better=higher_better, unit=unit,
            )
    for spec in PROJECTS:
        _build_project(spec, alliances, users, themes, measures)
    _build_network(alliances, users)
    return True


def _build_network(alliances: dict, users: dict) -> None:
    """Riverside partners Northfield (each lead agrees), a Northfield project at its theory session is opened to
    Riverside's teachers, and a hub groups both alliances (issue 15)."""
    partnership = partnership_propose(actor=users["alliance.lead"], alliance=alliances[ALLIANCE_SLUG],
                                      partner=alliances["riverside"])
    partnership_answer(actor=users["other.teacher"], partnership=partnership, accept=True)
    project_share(actor=users["project.lead"], alliance=alliances["riverside"],
                  project=Project.objects.get(alliance=alliances[ALLIANCE_SLUG],
                                              title="Succession planning in rural schools"))
    hub = Hub.objects.create(name="Pennine and South West hub", slug="pennine-south-west")
    hub.alliances.set(alliances.values())
    hub.leads.add(users["hub.lead"])
