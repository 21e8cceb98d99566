"""Who may see and do what: every endpoint x method x role, every cell asserted.

Each case runs once per role inside a savepoint that is rolled back, so every role meets the
same starting state. A case gives the expected status code per role and, for lists, exactly
which objects each role sees.
"""
from dataclasses import dataclass, field
from typing import Callable

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from research.models import Evidence, JoinRequest, Publication, PublicationTag
from research.models.choices import Status
from research.services.evidence import evidence_create
from research.models.notifications import Notification
from research.services.invitations import invitation_create
from research.services.members import join_request_create

from ..world import ROLES, write_dissemination, write_theory

pytestmark = pytest.mark.django_db

ALL_A = {f"A {s}" for s in Status}
PUBLISHED = {"A published", "B published"}


def row(anonymous, other, teacher, member, project_lead, alliance_lead, staff) -> dict:
    return dict(zip(ROLES, (anonymous, other, teacher, member, project_lead, alliance_lead, staff)))


def everyone(value) -> dict:
    return {role: value for role in ROLES}


VISIBLE_DRAFT = row(404, 404, 200, 200, 200, 200, 200)  # a draft of alliance A


@dataclass
class Case:
    name: str
    method: str
    url: Callable
    expect: dict
    body: Callable | dict | None = None
    setup: Callable | None = None
    listed: dict | None = None  # role -> set of identities in the response
    identity: Callable = field(default=lambda item: item["title"])
    multipart: bool = False


def project_url(status, suffix=""):
    return lambda w, ctx: f"/api/v1/projects/{w.projects[status].id}/{suffix}"


def add_evidence(world, status):
    """Three pieces of evidence, one per visibility, each with a small file."""
    project = world.projects[status]
    made = {}
    for visibility in ("group", "alliance", "public"):
        file = SimpleUploadedFile(f"{visibility}.txt", b"notes from the lesson", content_type="text/plain")
        if status == "published":
            # A published project takes no new evidence (read-only): these stand as added before publishing.
            made[visibility] = Evidence.objects.create(
                stage=project.stages.get(kind="theory"), kind="observation", title=visibility, visibility=visibility,
                uploader=world.user("member"), file=file, filename=file.name, content_type="text/plain",
                size=file.size)
            continue
        made[visibility] = evidence_create(
            actor=world.user("member"), project=project, stage_kind="theory", kind="observation",
            title=visibility, visibility=visibility, file=file,
        )
    return made


def teacher_asks_to_join(world):
    return {"request": join_request_create(actor=world.user("teacher"), project=world.projects["theory"])}


def evidence_url(status, visibility, suffix=""):
    return lambda w, ctx: f"/api/v1/projects/{w.projects[status].id}/evidence/{ctx[visibility].id}/{suffix}"


def import_job(world):
    """A queued import job the member started (nothing runs it here)."""
    from research.models import ImportJob

    return {"job": ImportJob.objects.create(project=world.projects["theory"], created_by=world.user("member"),
                                            options={"stage_kind": "theory"}, size=1, sha256="0" * 64)}


def one_notification_each(world):
    """Only these: one notification for each signed-in role, named after them (the world's own go)."""
    Notification.objects.all().delete()
    made = {role: Notification.objects.create(recipient=world.user(role), kind="stage_moved", text=f"for {role}",
                                              link="/") for role in ROLES if world.user(role) is not None}
    return {"notification": made["member"]}


def teacher_invited(world):
    """The theory project's lead invites the teacher."""
    return {"invitation": invitation_create(actor=world.user("project_lead"), project=world.projects["theory"],
                                            user_id=world.user("teacher").pk)}


SIGNED_IN = row(401, 200, 200, 200, 200, 200, 200)
ONLY_THE_TEACHER = row(401, 404, 200, 404, 404, 404, 404)


def tagged_finding(world):
    """The published project's finding, given a theme: a strand of the evidence map."""
    publication = Publication.objects.get(project=world.projects["published"], status="published")
    PublicationTag.objects.create(publication=publication, kind="theme", value="oracy")
    return {"strand": f"oracy--{world.measure.kind}--{publication.phase}"}


def partnership_of(status):
    """A partnership alliance A's lead proposed to alliance B, left at `status` (proposed or active)."""
    def setup(world):
        from research.services.partnerships import partnership_answer, partnership_propose

        made = partnership_propose(actor=world.user("alliance_lead"), alliance=world.alliance,
                                   partner=world.other_alliance)
        if status == "active":
            made = partnership_answer(actor=world.user("other"), partnership=made, accept=True)
        return {"partnership": made}
    return setup


def theory_shared_with_b(world):
    """Alliances A and B in partnership, and A's theory project opened to B."""
    from research.services.partnerships import project_share

    partnership_of("active")(world)
    return {"share": project_share(actor=world.user("alliance_lead"), project=world.projects["theory"],
                                   alliance=world.other_alliance)}


def hub_led_by_the_alliance_lead(world):
    """A hub of alliances A and B; A's lead also leads the hub."""
    from research.models import Hub

    hub = Hub.objects.create(name="North hub", slug="north")
    hub.alliances.set([world.alliance, world.other_alliance])
    hub.leads.add(world.user("alliance_lead"))
    return {"hub": hub}


def propose_body(w, ctx):
    return {"alliance": w.alliance.id, "title": "New", "research_question": "Does it work?", "subject": "maths",
            "phase": "ks2", "academic_year": "2025/26"}


CASES = [
    Case("me", "get", lambda w, c: "/api/v1/me/", row(401, 200, 200, 200, 200, 200, 200)),
    Case("taxonomy", "get", lambda w, c: "/api/v1/taxonomy/", everyone(200)),
    Case("alliances", "get", lambda w, c: "/api/v1/alliances/", everyone(200),
         listed=everyone({"Alliance A", "Alliance B"}), identity=lambda i: i["name"]),
    Case("alliance detail", "get", lambda w, c: f"/api/v1/alliances/{w.alliance.id}/", everyone(200)),
    Case("schools", "get", lambda w, c: f"/api/v1/schools/?alliance={w.alliance.id}", everyone(200),
         listed=everyone({"A school 0", "A school 1", "A school 2"}), identity=lambda i: i["name"]),
    Case("themes", "get", lambda w, c: "/api/v1/themes/", everyone(200)),
    Case("measures", "get", lambda w, c: "/api/v1/measures/", everyone(200),
         listed=everyone({"Maths test", "Reading test"}), identity=lambda i: i["name"]),
    Case("measure create", "post", lambda w, c: "/api/v1/measures/", row(401, 403, 403, 403, 403, 201, 201),
         body=lambda w, c: {"alliance": w.alliance.id, "name": "Well-being", "kind": "well-being",
                            "scale_min": 0, "scale_max": 10}),
    # the public evidence map (issue 15): anyone reads it; it has nothing to write
    Case("evidence map", "get", lambda w, c: "/api/v1/evidence-map/", everyone(200), setup=tagged_finding),
    Case("evidence strand", "get", lambda w, c: f"/api/v1/evidence-map/{c['strand']}/", everyone(200),
         setup=tagged_finding),
    Case("evidence strand chart", "get", lambda w, c: f"/api/v1/evidence-map/{c['strand']}/charts/forest.json",
         everyone(200), setup=tagged_finding),
    Case("evidence map write", "post", lambda w, c: "/api/v1/evidence-map/", everyone(405), body={}),
    # partnerships (issue 15): A's lead proposes to B; B's lead answers; either lead ends; members of either read
    Case("partnerships", "get", lambda w, c: "/api/v1/partnerships/", SIGNED_IN, setup=partnership_of("proposed"),
         identity=lambda i: i["partner"]["name"], listed={role: {"Alliance B"} for role in ROLES if role != "anonymous"}),
    Case("propose partnership", "post", lambda w, c: "/api/v1/partnerships/", row(401, 403, 403, 403, 403, 201, 403),
         body=lambda w, c: {"alliance": w.alliance.id, "partner": w.other_alliance.id}),
    Case("partnership detail", "get", lambda w, c: f"/api/v1/partnerships/{c['partnership'].id}/", SIGNED_IN,
         setup=partnership_of("proposed")),
    Case("accept partnership", "post", lambda w, c: f"/api/v1/partnerships/{c['partnership'].id}/accept/",
         row(401, 200, 403, 403, 403, 403, 403), setup=partnership_of("proposed")),
    Case("decline partnership", "post", lambda w, c: f"/api/v1/partnerships/{c['partnership'].id}/decline/",
         row(401, 200, 403, 403, 403, 403, 403), setup=partnership_of("proposed")),
    Case("end partnership", "post", lambda w, c: f"/api/v1/partnerships/{c['partnership'].id}/end/",
         row(401, 200, 403, 403, 403, 200, 403), setup=partnership_of("active")),
    # hubs (issue 15): their leads (and staff) see aggregates; nobody else knows a hub is there
    Case("hubs", "get", lambda w, c: "/api/v1/hubs/", SIGNED_IN, setup=hub_led_by_the_alliance_lead,
         identity=lambda i: i["name"], listed={role: {"North hub"} if role in ("alliance_lead", "staff") else set()
                                               for role in ROLES if role != "anonymous"}),
    Case("hub pipeline", "get", lambda w, c: f"/api/v1/hubs/{c['hub'].id}/pipeline/",
         row(401, 404, 404, 404, 404, 200, 200), setup=hub_led_by_the_alliance_lead),
    Case("hub synthesis", "get", lambda w, c: f"/api/v1/hubs/{c['hub'].id}/synthesis/",
         row(401, 404, 404, 404, 404, 200, 200), setup=hub_led_by_the_alliance_lead),
    # a project opened to partner B: B's teachers ("other", B's lead) see it, leads of A open and close it
    Case("shared draft", "get", project_url("theory"), row(404, 200, 200, 200, 200, 200, 200),
         setup=theory_shared_with_b),
    Case("other draft of the sharing alliance", "get", project_url("progress"), VISIBLE_DRAFT,
         setup=theory_shared_with_b),
    Case("project shares", "get", project_url("theory", "shares/"), row(401, 200, 200, 200, 200, 200, 200),
         setup=theory_shared_with_b),
    Case("share project", "post", project_url("theory", "shares/"), row(401, 404, 403, 403, 201, 201, 403),
         body=lambda w, c: {"alliance": w.other_alliance.id}, setup=partnership_of("active")),
    Case("close share", "delete", lambda w, c: f"/api/v1/projects/{w.projects['theory'].id}/shares/"
         f"{w.other_alliance.id}/", row(401, 403, 403, 403, 204, 204, 403), setup=theory_shared_with_b),
    # the alliance's schools (issue 13): its lead and staff add them; other members 403, outsiders 404
    Case("add school", "post", lambda w, c: f"/api/v1/alliances/{w.alliance.id}/schools/",
         row(401, 404, 403, 403, 403, 201, 201),
         body={"urn": "123456", "name": "Hilltop Primary", "phase": "primary", "region": "North East"}),
    Case("import schools", "post", lambda w, c: f"/api/v1/alliances/{w.alliance.id}/schools/import/",
         row(401, 404, 403, 403, 403, 201, 201), multipart=True,
         body=lambda w, c: {"file": SimpleUploadedFile("schools.csv", b"URN,Name,Phase\n200001,Alder Primary,Primary\n")}),
    Case("project list", "get", lambda w, c: "/api/v1/projects/?page_size=100", everyone(200),
         listed=row(PUBLISHED, PUBLISHED | {"B theory"}, ALL_A | PUBLISHED, ALL_A | PUBLISHED,
                    ALL_A | PUBLISHED, ALL_A | PUBLISHED, ALL_A | PUBLISHED | {"B theory"})),
    Case("project detail (draft)", "get", project_url("theory"), VISIBLE_DRAFT),
    Case("project detail (proposed)", "get", project_url("proposed"), VISIBLE_DRAFT),
    Case("project detail (withdrawn)", "get", project_url("withdrawn"), VISIBLE_DRAFT),
    Case("project detail (published)", "get", project_url("published"), everyone(200)),
    Case("project detail (other alliance's draft)", "get",
         lambda w, c: f"/api/v1/projects/{w.other_projects['theory'].id}/", row(404, 200, 404, 404, 404, 404, 200)),
    Case("propose", "post", lambda w, c: "/api/v1/projects/", row(401, 400, 201, 201, 201, 201, 400),
         body=propose_body),
    Case("edit plan (theory)", "patch", project_url("theory"), row(401, 404, 403, 403, 200, 200, 200),
         body={"title": "Renamed"}),
    # published: read-only for those who could otherwise edit (409 published_read_only, issue 14)
    Case("edit plan (published)", "patch", project_url("published"), row(401, 403, 403, 403, 409, 409, 409),
         body={"title": "Renamed"}),
    Case("edit plan (declined)", "patch", project_url("declined"), row(401, 404, 403, 403, 403, 403, 403),
         body={"title": "Renamed"}),
    Case("delete project", "delete", project_url("theory"), row(405, 405, 405, 405, 405, 405, 405)),
    Case("accept", "post", project_url("proposed", "transitions/"), row(401, 404, 403, 403, 403, 200, 200),
         body={"action": "accept"}),
    Case("decline", "post", project_url("proposed", "transitions/"), row(401, 404, 403, 403, 403, 200, 200),
         body={"action": "decline"}),
    Case("advance theory", "post", project_url("theory", "transitions/"), row(401, 404, 403, 403, 200, 200, 200),
         body={"action": "advance"},
         setup=lambda w: write_theory(w.projects["theory"], w.user("project_lead")) or {}),
    Case("advance progress", "post", project_url("progress", "transitions/"),
         row(401, 404, 403, 403, 409, 409, 409), body={"action": "advance"}),  # allowed, but guards unmet
    Case("publish", "post", project_url("dissemination", "transitions/"), row(401, 404, 403, 403, 403, 200, 200),
         body={"action": "publish"},
         setup=lambda w: write_dissemination(w.projects["dissemination"], w.user("project_lead")) or {}),
    Case("unpublish", "post", project_url("published", "transitions/"), row(401, 403, 403, 403, 403, 200, 200),
         body={"action": "unpublish", "comment": "Data error found."}),
    Case("withdraw", "post", project_url("progress", "transitions/"), row(401, 404, 403, 403, 200, 200, 200),
         body={"action": "withdraw"}),
    Case("history (draft)", "get", project_url("progress", "transitions/"), VISIBLE_DRAFT),
    Case("history (published)", "get", project_url("published", "transitions/"), everyone(200)),
    Case("plan snapshots (draft)", "get", project_url("progress", "plan-snapshots/"), VISIBLE_DRAFT),
    Case("stages (draft)", "get", project_url("theory", "stages/"), VISIBLE_DRAFT),
    Case("stage (published)", "get", project_url("published", "stages/dissemination/"), everyone(200)),
    Case("write stage (theory)", "patch", project_url("theory", "stages/theory/"),
         row(401, 404, 403, 200, 200, 200, 200), body={"reading": "EEF guidance"}),
    Case("write stage (published)", "patch", project_url("published", "stages/dissemination/"),
         row(401, 403, 403, 409, 409, 409, 409), body={"findings": "Updated"}),
    # what publishing would make public (issue 14): whoever may publish, and only from dissemination
    Case("publication preview", "get", project_url("dissemination", "publication-preview/"),
         row(401, 404, 403, 403, 403, 200, 200)),
    Case("publication preview (published)", "get", project_url("published", "publication-preview/"),
         row(401, 403, 403, 403, 403, 409, 409)),
    Case("write stage (withdrawn)", "patch", project_url("withdrawn", "stages/theory/"),
         row(401, 404, 403, 403, 403, 403, 403), body={"reading": "x"}),
    Case("members (draft)", "get", project_url("theory", "members/"), VISIBLE_DRAFT,
         listed={r: {"project_lead", "member"} for r in ROLES if VISIBLE_DRAFT[r] == 200},
         identity=lambda i: i["user"]["name"]),
    Case("remove member", "delete", lambda w, c: f"/api/v1/projects/{w.projects['theory'].id}/members/"
         f"{w.user('member').id}/", row(401, 404, 403, 204, 204, 204, 204)),
    Case("ask to join (theory)", "post", project_url("theory", "join-requests/"),
         row(401, 404, 201, 409, 409, 201, 409), body={"message": "May I join?"}),
    Case("ask to join (progress)", "post", project_url("progress", "join-requests/"),
         row(401, 404, 409, 409, 409, 409, 409), body={}),
    Case("join requests", "get", project_url("theory", "join-requests/"), row(401, 404, 200, 200, 200, 200, 200),
         setup=teacher_asks_to_join, identity=lambda i: i["user"]["name"],
         listed={"teacher": {"teacher"}, "member": set(), "project_lead": {"teacher"},
                 "alliance_lead": {"teacher"}, "staff": {"teacher"}}),
    Case("approve join", "post", lambda w, c: f"/api/v1/projects/{w.projects['theory'].id}/join-requests/"
         f"{c['request'].id}/approve/", row(401, 404, 403, 403, 200, 200, 200), setup=teacher_asks_to_join),
    Case("decline join", "post", lambda w, c: f"/api/v1/projects/{w.projects['theory'].id}/join-requests/"
         f"{c['request'].id}/decline/", row(401, 404, 403, 403, 200, 200, 200), setup=teacher_asks_to_join),
    Case("evidence (published)", "get", project_url("published", "evidence/"), everyone(200),
         setup=lambda w: add_evidence(w, "published"),
         listed=row({"public"}, {"public"}, {"alliance", "public"}, {"group", "alliance", "public"},
                    {"group", "alliance", "public"}, {"group", "alliance", "public"},
                    {"group", "alliance", "public"})),
    Case("evidence (draft)", "get", project_url("theory", "evidence/"), VISIBLE_DRAFT,
         setup=lambda w: add_evidence(w, "theory"),
         listed={"teacher": {"alliance", "public"}, "member": {"group", "alliance", "public"},
                 "project_lead": {"group", "alliance", "public"}, "alliance_lead": {"group", "alliance", "public"},
                 "staff": {"group", "alliance", "public"}}),
    Case("add evidence", "post", project_url("theory", "evidence/"), row(401, 404, 403, 201, 201, 403, 201),
         body={"stage": "theory", "kind": "observation", "title": "Notes", "text": "What we saw."}),
    Case("add evidence file", "post", project_url("theory", "evidence/"), row(401, 404, 403, 201, 201, 403, 201),
         multipart=True,
         body=lambda w, c: {"stage": "theory", "kind": "pupil_work", "title": "Work", "visibility": "group",
                            "file": SimpleUploadedFile("work.txt", b"A sample of writing.")}),
    Case("group evidence detail", "get", evidence_url("published", "group"),
         row(404, 404, 404, 200, 200, 200, 200), setup=lambda w: add_evidence(w, "published")),
    Case("group evidence download", "get", evidence_url("published", "group", "download/"),
         row(404, 404, 404, 200, 200, 200, 200), setup=lambda w: add_evidence(w, "published")),
    Case("alliance evidence download", "get", evidence_url("published", "alliance", "download/"),
         row(404, 404, 200, 200, 200, 200, 200), setup=lambda w: add_evidence(w, "published")),
    Case("public evidence download", "get", evidence_url("published", "public", "download/"), everyone(200),
         setup=lambda w: add_evidence(w, "published")),
    Case("public evidence of a draft", "get", evidence_url("theory", "public", "download/"), VISIBLE_DRAFT,
         setup=lambda w: add_evidence(w, "theory")),
    Case("delete evidence", "delete", evidence_url("theory", "group"), row(401, 404, 404, 204, 204, 403, 204),
         setup=lambda w: add_evidence(w, "theory")),
    # edit and delete (issue 14): its uploader (member) or the project lead; none while published (409)
    Case("edit evidence", "patch", evidence_url("theory", "group"), row(401, 404, 404, 200, 200, 403, 200),
         body={"title": "Renamed"}, setup=lambda w: add_evidence(w, "theory")),
    Case("edit evidence (published)", "patch", evidence_url("published", "public"),
         row(401, 403, 403, 409, 409, 403, 409), body={"title": "Renamed"},
         setup=lambda w: add_evidence(w, "published")),
    Case("delete evidence (published)", "delete", evidence_url("published", "public"),
         row(401, 403, 403, 409, 409, 403, 409), setup=lambda w: add_evidence(w, "published")),
    # who read the pupil rows: the alliance lead and staff; others who see the project get 403 (issue 11)
    Case("pupil-row reads (draft)", "get", project_url("theory", "pupil-row-reads/"),
         row(401, 404, 403, 403, 403, 200, 200)),
    Case("pupil-row reads (published)", "get", project_url("published", "pupil-row-reads/"),
         row(401, 403, 403, 403, 403, 200, 200)),
    # an import job (issue 13): its uploader only; its report can quote the file's cells, like pupil rows
    Case("import job (the member's)", "get", lambda w, c: f"/api/v1/jobs/{c['job'].id}/",
         row(401, 404, 404, 200, 404, 404, 404), setup=import_job),
    # notifications (issue 14): everyone's inbox is their own, whoever asks (staff and leads included)
    Case("notifications", "get", lambda w, c: "/api/v1/notifications/", SIGNED_IN, setup=one_notification_each,
         identity=lambda i: i["text"], listed={role: {f"for {role}"} for role in ROLES if role != "anonymous"}),
    Case("notification read (the member's)", "post",
         lambda w, c: f"/api/v1/notifications/{c['notification'].id}/read/", row(401, 404, 404, 200, 404, 404, 404),
         setup=one_notification_each),
    Case("notifications read-all", "post", lambda w, c: "/api/v1/notifications/read-all/", SIGNED_IN),
    Case("notifications unread count", "get", lambda w, c: "/api/v1/notifications/unread-count/", SIGNED_IN),
    Case("notification settings", "get", lambda w, c: "/api/v1/notifications/settings/", SIGNED_IN),
    Case("notification settings change", "patch", lambda w, c: "/api/v1/notifications/settings/", SIGNED_IN,
         body={"delivery": "daily"}),
    # invitations (issue 14): the project lead invites; only the invitee answers
    Case("invitable members (theory)", "get", project_url("theory", "invitable-members/?search=teach"),
         row(401, 404, 403, 403, 200, 403, 403), identity=lambda i: i["user"]["name"],
         listed={"project_lead": {"teacher"}}),
    Case("invite (theory)", "post", project_url("theory", "invitations/"), row(401, 404, 403, 403, 201, 403, 403),
         body=lambda w, c: {"user": w.user("teacher").pk}),
    Case("invite (progress)", "post", project_url("progress", "invitations/"), row(401, 404, 403, 403, 409, 403, 403),
         body=lambda w, c: {"user": w.user("teacher").pk}),
    Case("project invitations", "get", project_url("theory", "invitations/"), row(401, 404, 403, 403, 200, 200, 200),
         setup=teacher_invited, identity=lambda i: i["invitee"]["name"],
         listed={"project_lead": {"teacher"}, "alliance_lead": {"teacher"}, "staff": {"teacher"}}),
    Case("my invitations", "get", lambda w, c: "/api/v1/invitations/", SIGNED_IN, setup=teacher_invited,
         identity=lambda i: i["project"]["title"],
         listed={"other": set(), "teacher": {"A theory"}, "member": set(), "project_lead": set(),
                 "alliance_lead": set(), "staff": set()}),
    Case("accept invitation", "post", lambda w, c: f"/api/v1/invitations/{c['invitation'].id}/accept/",
         ONLY_THE_TEACHER, setup=teacher_invited),
    Case("decline invitation", "post", lambda w, c: f"/api/v1/invitations/{c['invitation'].id}/decline/",
         ONLY_THE_TEACHER, setup=teacher_invited),
]


def _request(world, case, role, context):
    from rest_framework.test import APIClient

    client = APIClient()
    user = world.user(role)
    if user is not None:
        # A fresh object per request: nothing cached on the user leaks between roles.
        client.force_authenticate(get_user_model().objects.get(pk=user.pk))
    body = case.body(world, context) if callable(case.body) else case.body
    kwargs = {"format": "multipart" if case.multipart else "json"} if body is not None else {}
    return getattr(client, case.method)(case.url(world, context), body, **kwargs) if body is not None else \
        getattr(client, case.method)(case.url(world, context))


def _identities(response, case) -> set:
    data = response.json()
    items = data["results"] if isinstance(data, dict) and "results" in data else data
    return {case.identity(item) for item in items}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_role_matrix(world, case):
    # given the same starting state for every role (a savepoint rolled back after each)
    statuses, listings = {}, {}
    for role in ROLES:
        with transaction.atomic():
            context = case.setup(world) if case.setup else {}
            # when the role makes the request
            response = _request(world, case, role, context)
            statuses[role] = response.status_code
            if case.listed and role in case.listed and response.status_code == 200:
                listings[role] = _identities(response, case)
            transaction.set_rollback(True)
    # then every cell is as the access rules say
    assert statuses == case.expect
    if case.listed:
        assert listings == case.listed


def test_join_request_approved_makes_a_member(world, api):
    # given the teacher's pending request
    join = join_request_create(actor=world.user("teacher"), project=world.projects["theory"])
    # when the project lead approves it
    response = api(world.user("project_lead")).post(
        f"/api/v1/projects/{world.projects['theory'].id}/join-requests/{join.id}/approve/")
    # then the teacher is in the group, with their school
    assert response.status_code == 200
    assert JoinRequest.objects.get(pk=join.pk).status == "approved"
    member = world.projects["theory"].memberships.get(user=world.user("teacher"))
    assert member.school == world.user("teacher").memberships.get().school


def test_a_pending_request_shows_on_the_project_and_stops_another(world, api):
    # given the teacher's pending request
    project = world.projects["theory"]
    join = join_request_create(actor=world.user("teacher"), project=project)
    # when they open the project
    detail = api(world.user("teacher")).get(f"/api/v1/projects/{project.id}/").json()
    # then the page knows it is pending and offers no second request
    assert {k: detail["my_join_request"][k] for k in ("id", "status")} == {"id": join.id, "status": "pending"}
    assert detail["my_join_request"]["created_at"]
    assert detail["permissions"]["join"] is False


def test_pipeline_counts_what_the_user_may_see(world, api):
    # a teacher of alliance A sees every status once; someone from another alliance only the published one
    url = f"/api/v1/alliances/{world.alliance.id}/pipeline/"
    mine = api(world.user("teacher")).get(url).json()["statuses"]
    theirs = api(world.user("other")).get(url).json()["statuses"]
    assert all(mine[status] == 1 for status in mine)
    assert theirs["published"] == 1 and sum(theirs.values()) == 1
