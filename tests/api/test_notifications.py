"""Issue 14: notifications. Each event tells the right people and nobody else; an inbox is its owner's
alone; read, read-all and the unread filter; email as each person chose (immediately, daily digest, off),
sent by background tasks through Django's in-memory email backend (mail.outbox)."""
import pytest
from django.core import mail
from django.core.management import call_command

from research.models import Follow, Notification, NotificationSettings
from research.models.choices import Status

from ..factories import SchoolFactory, member_of
from ..task_workers import BACKENDS, run_queued_tasks
from ..world import make_project, person, write_theory
from .findings_support import project_in_dissemination, publish, transition, unpublish

pytestmark = pytest.mark.django_db

LIST, UNREAD_COUNT = "/api/v1/notifications/", "/api/v1/notifications/unread-count/"
READ_ALL, SETTINGS = "/api/v1/notifications/read-all/", "/api/v1/notifications/settings/"


def told(kind=None) -> dict[str, set[str]]:
    """{username: {notification kinds}} of everything told since the last clear (or of one kind)."""
    rows = Notification.objects.select_related("recipient")
    if kind:
        rows = rows.filter(kind=kind)
    result: dict[str, set[str]] = {}
    for row in rows:
        result.setdefault(row.recipient.username, set()).add(row.kind)
    return result


def recipients(kind) -> set[str]:
    return set(told(kind))


@pytest.fixture
def quiet(world):
    """The world without the notifications its own making produced."""
    Notification.objects.all().delete()
    return world


def propose(api, world, user, title="Oracy across schools"):
    response = api(user).post("/api/v1/projects/", {
        "alliance": world.alliance.id, "title": title, "research_question": "Does talk help?", "subject": "maths",
        "phase": "ks2", "academic_year": "2025/26"}, format="json")
    assert response.status_code == 201, response.content
    return response.json()["id"]


# --- who is told ---------------------------------------------------------------------------------

def test_a_proposal_tells_the_alliance_leads_only(quiet, api):
    # given a second lead in alliance A and a teacher proposing
    world = quiet
    second_lead = member_of(world.alliance, person("second_lead"), SchoolFactory(), role="lead")
    # when the teacher proposes a question
    project_id = propose(api, world, world.user("teacher"))
    # then both alliance leads (and nobody else: not the proposer, not alliance B's lead) are told, with a link
    assert told() == {"alliance_lead": {"proposal_submitted"}, second_lead.username: {"proposal_submitted"}}
    item = api(world.user("alliance_lead")).get(LIST).json()["results"][0]
    assert item["link"] == f"/projects/{project_id}/" and "teacher proposed “Oracy across schools”" in item["text"]
    assert item["project"] == {"id": project_id, "title": "Oracy across schools"} and item["unread"] is True


@pytest.mark.parametrize("action,kind", [("accept", "proposal_accepted"), ("decline", "proposal_declined")])
def test_accepting_or_declining_tells_the_proposer_and_the_members(quiet, api, action, kind):
    world = quiet
    project = world.projects["proposed"]
    # when the alliance lead decides
    assert transition(api, world.user("alliance_lead"), project, action).status_code == 200
    # then the proposer (the project lead) and the member are told; not the alliance lead who acted
    assert told() == {"project_lead": {kind}, "member": {kind}}


def test_a_stage_moving_on_tells_members_and_followers_who_may_see_it(quiet, api):
    # given the theory project followed by a teacher of A (the project), and by B's lead (alliance A)
    world = quiet
    project = world.projects["theory"]
    Follow.objects.create(user=world.user("teacher"), kind="project", target_id=project.pk)
    Follow.objects.create(user=world.user("other"), kind="alliance", target_id=world.alliance.pk)
    write_theory(project, world.user("project_lead"))
    # when the project lead moves it on
    assert transition(api, world.user("project_lead"), project, "advance").status_code == 200
    # then the member and the following teacher are told; not the lead who acted, not B's lead (a draft)
    assert told() == {"member": {"stage_moved"}, "teacher": {"stage_moved"}}
    assert "moved on to progress update" in Notification.objects.get(recipient=world.user("teacher")).text


def test_publishing_and_unpublishing_tell_members_and_followers(quiet, api):
    # given a project in dissemination followed by a teacher of alliance B (the project, once public)
    world = quiet
    project = project_in_dissemination(api, world, title="Feedback that travels")
    b_teacher = member_of(world.other_alliance, person("b_teacher"), SchoolFactory())
    Follow.objects.create(user=b_teacher, kind="project", target_id=project.pk)
    Notification.objects.all().delete()
    # when it is published
    publication = publish(api, world, project)
    # then the group and the follower (who may now see it) are told, linked to the finding
    assert recipients("findings_published") == {"project_lead", "member", "b_teacher"}
    assert {n.link for n in Notification.objects.filter(kind="findings_published")} == {
        f"/findings/{publication.slug}/"}
    # and when it is unpublished, the group is told with the reason; the outside follower no longer may see it
    unpublish(api, world, project, reason="A school's data was entered twice.")
    assert recipients("findings_unpublished") == {"project_lead", "member"}
    assert Notification.objects.filter(kind="findings_unpublished").first().text.endswith(
        "A school's data was entered twice.")


def test_a_join_request_tells_the_project_lead_and_the_decision_tells_the_requester(quiet, api):
    world = quiet
    project = world.projects["theory"]
    # when the teacher asks to join
    response = api(world.user("teacher")).post(f"/api/v1/projects/{project.pk}/join-requests/", {}, format="json")
    assert response.status_code == 201
    # then only the project lead is told, linked to the members section
    assert told() == {"project_lead": {"join_requested"}}
    assert Notification.objects.get().link == f"/projects/{project.pk}/#members"
    # and when the lead approves, only the teacher is told
    Notification.objects.all().delete()
    decided = api(world.user("project_lead")).post(
        f"/api/v1/projects/{project.pk}/join-requests/{response.json()['id']}/approve/")
    assert decided.status_code == 200
    assert told() == {"teacher": {"join_approved"}}


def test_a_finished_and_a_failed_upload_tell_the_uploader_and_never_quote_the_file(quiet, api, settings):
    from .test_import_jobs import big_file
    from .test_outcomes_support import post_file

    # given background imports run at once, and a member uploading a good file then a bad one
    world = quiet
    settings.IMPORT_JOB_ROWS, settings.TASKS = 20, BACKENDS["immediate"]
    project = world.projects["theory"]
    ids, data = big_file(project)
    client = api(world.user("member"))
    assert post_file(client, project, data, measure=world.measure).status_code == 202
    _, bad = big_file(project, score=lambda i: 999)  # off the measure's scale
    assert post_file(client, project, bad, measure=world.measure, mode="replace").status_code == 202
    # then the uploader alone is told of each end, linked to the project's outcome data
    assert told() == {"member": {"upload_finished", "upload_failed"}}
    assert set(Notification.objects.values_list("link", flat=True)) == {f"/projects/{project.pk}/#outcome-data"}
    texts = " ".join(Notification.objects.values_list("text", flat=True))
    assert "has been imported" in texts and "could not be imported" in texts
    # and no pupil identifier or score of the file is in any notification
    assert not any(pupil in texts for pupil in ids) and "999" not in texts


# --- the inbox -------------------------------------------------------------------------------------

def test_an_inbox_is_its_owners_alone(quiet, api):
    world = quiet
    mine = Notification.objects.create(recipient=world.user("member"), kind="stage_moved", text="Mine", link="/")
    # staff and the alliance lead cannot read or mark another's
    for role in ("staff", "alliance_lead", "teacher"):
        client = api(world.user(role))
        assert client.post(f"{LIST}{mine.pk}/read/").status_code == 404
        assert client.get(LIST).json()["count"] == 0
    mine.refresh_from_db()
    assert mine.read_at is None
    assert api().get(LIST).status_code == 401


def test_unread_filter_read_and_read_all(quiet, api):
    # given three notifications for the member, created in order
    world = quiet
    member = world.user("member")
    made = [Notification.objects.create(recipient=member, kind="stage_moved", text=f"N{i}", link="/")
            for i in range(3)]
    client = api(member)
    # then they are listed newest first, and all unread
    body = client.get(LIST).json()
    assert [i["text"] for i in body["results"]] == ["N2", "N1", "N0"] and body["count"] == 3
    assert client.get(UNREAD_COUNT).json() == {"unread": 3}
    # when one is read
    read = client.post(f"{LIST}{made[1].pk}/read/")
    assert read.status_code == 200 and read.json()["unread"] is False and read.json()["read_at"]
    # then the filter splits them and the count drops
    assert [i["text"] for i in client.get(LIST, {"unread": "true"}).json()["results"]] == ["N2", "N0"]
    assert [i["text"] for i in client.get(LIST, {"unread": "false"}).json()["results"]] == ["N1"]
    assert client.get(UNREAD_COUNT).json() == {"unread": 2}
    assert client.get(LIST, {"unread": "maybe"}).status_code == 400
    # and read-all marks the rest, and only the member's
    other = Notification.objects.create(recipient=world.user("teacher"), kind="stage_moved", text="T", link="/")
    assert client.post(READ_ALL).json() == {"marked": 2}
    assert client.get(UNREAD_COUNT).json() == {"unread": 0}
    other.refresh_from_db()
    assert other.read_at is None


def test_the_list_is_paginated_in_a_fixed_number_of_queries(quiet, api, django_assert_num_queries):
    world = quiet
    member = world.user("member")
    project = world.projects["theory"]
    Notification.objects.bulk_create([Notification(recipient=member, kind="stage_moved", project=project,
                                                   text=f"N{i}", link="/") for i in range(25)])
    client = api(member)
    with django_assert_num_queries(2):  # the count and the page (with its projects)
        body = client.get(LIST).json()
    assert body["count"] == 25 and len(body["results"]) == 20 and body["next"]


def test_the_delivery_choice(quiet, api):
    client = api(quiet.user("member"))
    assert client.get(SETTINGS).json()["delivery"] == "immediately"
    assert client.patch(SETTINGS, {"delivery": "daily"}, format="json").json()["delivery"] == "daily"
    assert client.get(SETTINGS).json()["delivery"] == "daily"
    assert client.patch(SETTINGS, {"delivery": "hourly"}, format="json").status_code == 400
    assert NotificationSettings.objects.get(user=quiet.user("member")).delivery == "daily"


# --- email -----------------------------------------------------------------------------------------

def with_email(user, delivery=None):
    user.email = f"{user.username}@school.example"
    user.save(update_fields=["email"])
    if delivery:
        NotificationSettings.objects.create(user=user, delivery=delivery)
    return user


@pytest.mark.django_db(transaction=True)  # real commits: the task is queued on commit, the worker takes it
def test_immediately_sends_one_email_per_notification_by_a_background_task(quiet, api, settings):
    # given tasks queued in the database, and the project lead and member wanting email at once
    world = quiet
    settings.TASKS = BACKENDS["database"]
    with_email(world.user("project_lead"))
    with_email(world.user("member"))
    # when the alliance lead accepts the proposal (its transaction commits)
    assert transition(api, world.user("alliance_lead"), world.projects["proposed"], "accept").status_code == 200
    # then nothing is sent in the request; the worker sends one email to each
    assert mail.outbox == []
    run_queued_tasks()
    assert sorted(m.to[0] for m in mail.outbox) == ["member@school.example", "project_lead@school.example"]
    message = mail.outbox[0]
    assert "“A proposed” was accepted" in message.subject
    assert f"http://127.0.0.1:8000/projects/{world.projects['proposed'].pk}/" in message.body
    assert Notification.objects.filter(emailed_at__isnull=False).count() == 2
    # and running the worker again sends nothing more
    run_queued_tasks()
    assert len(mail.outbox) == 2


def test_daily_digest_sends_one_email_listing_the_unread_items(quiet, api, settings):
    world = quiet
    member = with_email(world.user("member"), delivery="daily")
    for i in range(3):
        Notification.objects.create(recipient=member, kind="stage_moved", text=f"Item number {i}",
                                    link=f"/projects/{i}/")
    read = Notification.objects.create(recipient=member, kind="stage_moved", text="Already read", link="/")
    api(member).post(f"{LIST}{read.pk}/read/")
    # when the daily command runs
    call_command("send_digests")
    # then one email lists the three unread items with their links, and not the read one
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["member@school.example"] and "3 unread notifications" in message.subject
    assert all(f"Item number {i}" in message.body and f"/projects/{i}/" in message.body for i in range(3))
    assert "Already read" not in message.body
    # and the next run sends nothing: each item goes in one digest
    call_command("send_digests")
    assert len(mail.outbox) == 1


def test_off_sends_nothing_and_digest_people_get_no_immediate_email(
        quiet, api, settings, django_capture_on_commit_callbacks):
    world = quiet
    settings.TASKS = BACKENDS["immediate"]
    with_email(world.user("project_lead"), delivery="off")
    with_email(world.user("member"), delivery="daily")
    with django_capture_on_commit_callbacks(execute=True):
        assert transition(api, world.user("alliance_lead"), world.projects["proposed"], "accept").status_code == 200
    # the inbox has it for both, no email went at once
    assert recipients("proposal_accepted") == {"project_lead", "member"}
    assert mail.outbox == []
    # and the digest goes to the daily member only
    call_command("send_digests")
    assert [m.to for m in mail.outbox] == [["member@school.example"]]


def test_a_rolled_back_event_tells_nobody(quiet, api, django_capture_on_commit_callbacks):
    world = quiet
    project = world.projects["progress"]  # its guards are unmet: the advance is refused (409)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert transition(api, world.user("project_lead"), project, "advance").status_code == 409
    assert Notification.objects.count() == 0 and callbacks == []
    assert project.status == Status.PROGRESS


def test_the_world_tells_each_role_of_its_own_projects_only(world):
    # the world's making (proposals, decisions, stages) told nobody outside alliance A's projects
    people = set(Notification.objects.values_list("recipient__username", flat=True))
    assert people <= {"alliance_lead", "project_lead", "member", "other", "other_member"}
    assert "teacher" not in people and "staff" not in people
    assert make_project  # (the world is built through the real lifecycle: tests/world.py)


def test_the_digest_runs_as_a_task_too(quiet, settings):
    # given tasks run at once, and a daily reader with one unread item
    settings.TASKS = BACKENDS["immediate"]
    member = with_email(quiet.user("member"), delivery="daily")
    Notification.objects.create(recipient=member, kind="stage_moved", text="Moved on.", link="/projects/1/")
    # when the command queues the digest task instead of sending itself
    call_command("send_digests", "--enqueue")
    # then the task sent it
    assert [m.subject for m in mail.outbox] == ["Action research: 1 unread notification"]


def test_a_partner_alliances_member_of_a_shared_project_is_told_too(quiet, api):
    from research.services.partnerships import partnership_answer, partnership_propose, project_share

    # given alliance A's theory project shared with partner alliance B, whose teacher has joined its group
    world = quiet
    project = world.projects["theory"]
    partnership = partnership_propose(actor=world.user("alliance_lead"), alliance=world.alliance,
                                      partner=world.other_alliance)
    partnership_answer(actor=world.user("other"), partnership=partnership, accept=True)
    project_share(actor=world.user("project_lead"), project=project, alliance=world.other_alliance)
    b_teacher = member_of(world.other_alliance, person("b_teacher"), SchoolFactory())
    project.memberships.create(user=b_teacher, school=b_teacher.memberships.get().school)
    Notification.objects.all().delete()
    write_theory(project, world.user("project_lead"))
    # when the project moves on
    assert transition(api, world.user("project_lead"), project, "advance").status_code == 200
    # then the partner's teacher in the group is told with the rest of the group
    assert recipients("stage_moved") == {"member", "b_teacher"}
