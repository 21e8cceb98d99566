"""Issue 14: the project lead invites colleagues of the alliance; only the invitee answers; accepting joins
the group as an approved request to join would (its school, the project's status rules)."""
import pytest

from research.models import Invitation, JoinRequest, Membership, Notification, ProjectMember
from research.services.members import join_request_create
from research.services.memberships import membership_end

from ..factories import SchoolFactory, member_of
from ..world import person, write_theory
from .findings_support import transition

pytestmark = pytest.mark.django_db


def invitations_url(project) -> str:
    return f"/api/v1/projects/{project.pk}/invitations/"


def invite(api, actor, project, user):
    return api(actor).post(invitations_url(project), {"user": user.pk}, format="json")


def answer(api, user, invitation_id, verb):
    return api(user).post(f"/api/v1/invitations/{invitation_id}/{verb}/")


@pytest.fixture
def quiet(world):
    Notification.objects.all().delete()
    return world


def test_the_lead_invites_a_colleague_who_alone_is_told(quiet, api):
    world = quiet
    project, teacher = world.projects["theory"], world.user("teacher")
    # when the project lead invites the teacher
    response = invite(api, world.user("project_lead"), project, teacher)
    # then the invitation is pending, and only the teacher is told, linked to the inbox
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["invitee"]["name"], body["invited_by"]["name"]) == ("pending", "teacher",
                                                                                       "project_lead")
    assert body["project"]["title"] == "A theory"
    told = Notification.objects.get()
    assert (told.recipient, told.kind, told.link) == (teacher, "invited", "/inbox/#invitations")
    assert told.text == "project_lead invites you to join “A theory”."
    # and the teacher sees it waiting for their answer; nobody else does
    assert [i["id"] for i in api(teacher).get("/api/v1/invitations/").json()] == [body["id"]]
    assert api(world.user("member")).get("/api/v1/invitations/").json() == []


@pytest.mark.parametrize("who,message", [
    ("other", "Only teachers in this project's alliance can be invited."),
    ("member", "member is already a member of this project."),
    ("project_lead", "project_lead is already a member of this project."),
])
def test_refused_with_a_clear_message(world, api, who, message):
    response = invite(api, world.user("project_lead"), world.projects["theory"], world.user(who))
    assert response.status_code == 400
    assert response.json()["detail"] == message and response.json()["errors"]["user"] == [message]
    assert not Invitation.objects.exists()


def test_inviting_twice_is_refused_while_the_first_waits(world, api):
    lead, project, teacher = world.user("project_lead"), world.projects["theory"], world.user("teacher")
    assert invite(api, lead, project, teacher).status_code == 201
    again = invite(api, lead, project, teacher)
    assert again.status_code == 400
    assert again.json()["detail"] == "teacher has already been invited and has not answered yet."
    assert api(lead).post(invitations_url(project), {"user": 10**9}, format="json").status_code == 400
    assert Invitation.objects.count() == 1


def test_only_the_project_lead_invites(world, api):
    project, teacher = world.projects["theory"], world.user("teacher")
    for role in ("member", "alliance_lead", "staff", "teacher"):
        assert invite(api, world.user(role), project, teacher).status_code == 403, role
    assert invite(api, world.user("other"), project, teacher).status_code == 404  # a draft of another alliance
    assert not Invitation.objects.exists()


def test_invitable_members_are_found_by_name(world, api):
    # given two teachers of alliance A outside the group, one already invited
    lead, project = world.user("project_lead"), world.projects["theory"]
    chloe = member_of(world.alliance, person("chloe"), SchoolFactory(name="Hill School"))
    chloe.first_name, chloe.last_name = "Chloe", "Evans"
    chloe.save()
    assert invite(api, lead, project, world.user("teacher")).status_code == 201
    url = f"/api/v1/projects/{project.pk}/invitable-members/"
    # when the lead searches
    everyone = api(lead).get(url).json()
    found = api(lead).get(url, {"search": "evans"}).json()
    # then alliance A's teachers outside the group are offered (never members, never alliance B), by name
    assert {(i["user"]["name"], i["invited"]) for i in everyone} == {
        ("alliance_lead", False), ("Chloe Evans", False), ("teacher", True)}
    assert found == [{"user": {"id": chloe.pk, "name": "Chloe Evans"},
                      "school": {"id": chloe.memberships.get().school_id, "name": "Hill School",
                                 "urn": chloe.memberships.get().school.urn},
                      "invited": False}]
    assert api(world.user("member")).get(url).status_code == 403


def test_accepting_joins_the_group_with_the_alliance_school_and_tells_the_lead(quiet, api):
    world = quiet
    project, teacher = world.projects["theory"], world.user("teacher")
    invitation = invite(api, world.user("project_lead"), project, teacher).json()
    assert Notification.objects.filter(kind="invited", recipient=teacher, read_at__isnull=True).count() == 1
    # when someone else tries to answer it: it does not exist for them
    for role in ("project_lead", "alliance_lead", "staff", "member", "other"):
        assert answer(api, world.user(role), invitation["id"], "accept").status_code == 404, role
    # when the teacher accepts
    response = answer(api, teacher, invitation["id"], "accept")
    # then they are a member with the school of their place in the alliance, their invitation read
    assert response.status_code == 200 and response.json()["status"] == "accepted"
    member = ProjectMember.objects.get(project=project, user=teacher)
    assert member.school_id == Membership.objects.get(user=teacher, alliance=world.alliance).school_id
    assert not Notification.objects.filter(recipient=teacher, read_at__isnull=True).exists()
    # and the lead is told (the teacher is not told of their own answer)
    assert list(Notification.objects.filter(kind="invitation_accepted").values_list("recipient__username",
                                                                                    flat=True)) == ["project_lead"]
    # and it cannot be answered again
    assert answer(api, teacher, invitation["id"], "decline").status_code == 409
    assert api(teacher).get("/api/v1/invitations/").json() == []


def test_declining_leaves_the_group_as_it_was(quiet, api):
    world = quiet
    project, teacher = world.projects["theory"], world.user("teacher")
    invitation = invite(api, world.user("project_lead"), project, teacher).json()
    assert answer(api, teacher, invitation["id"], "decline").json()["status"] == "declined"
    assert not ProjectMember.objects.filter(project=project, user=teacher).exists()
    assert Notification.objects.filter(kind="invitation_declined", recipient__username="project_lead").count() == 1
    # and a new invitation may follow the declined one
    assert invite(api, world.user("project_lead"), project, teacher).status_code == 201


def test_accepting_honours_the_joining_rules(world, api):
    # given an invitation, then the project moving on to progress (joining closes)
    lead, project, teacher = world.user("project_lead"), world.projects["theory"], world.user("teacher")
    invitation = invite(api, lead, project, teacher).json()
    write_theory(project, lead)
    assert transition(api, lead, project, "advance").status_code == 200
    # when the teacher accepts: refused, and not a member
    response = answer(api, teacher, invitation["id"], "accept")
    assert response.status_code == 409 and response.json()["code"] == "cannot_join"
    assert not ProjectMember.objects.filter(project=project, user=teacher).exists()


def test_an_invitee_who_left_the_alliance_cannot_accept(world, api):
    lead, project, teacher = world.user("project_lead"), world.projects["proposed"], world.user("teacher")
    invitation = invite(api, lead, project, teacher).json()
    Membership.objects.filter(user=teacher).delete()
    # the invitation no longer exists for them (as it is no longer listed): neither answer tells the title
    for action in ("accept", "decline"):
        response = answer(api, teacher, invitation["id"], action)
        assert response.status_code == 404 and response.json()["detail"] == "No such invitation."
        assert project.title not in response.content.decode()
    assert not ProjectMember.objects.filter(project=project, user=teacher).exists()


def test_accepting_answers_a_waiting_request_to_join(world, api):
    # given the teacher asked to join, and the lead invited them instead of answering
    lead, project, teacher = world.user("project_lead"), world.projects["theory"], world.user("teacher")
    join_request_create(actor=teacher, project=project)
    invitation = invite(api, lead, project, teacher).json()
    # when they accept the invitation, their request is answered too (approved by whoever invited them)
    assert answer(api, teacher, invitation["id"], "accept").status_code == 200
    request = JoinRequest.objects.get(project=project, user=teacher)
    assert (request.status, request.decided_by) == ("approved", lead)


def test_ending_a_place_in_the_alliance_declines_its_invitations(world, api):
    lead, project, teacher = world.user("project_lead"), world.projects["theory"], world.user("teacher")
    invite(api, lead, project, teacher)
    membership_end(actor=world.user("staff"), membership=Membership.objects.get(user=teacher, alliance=world.alliance))
    assert Invitation.objects.get(invitee=teacher).status == "declined"
    assert api(teacher).get("/api/v1/invitations/").json() == []
