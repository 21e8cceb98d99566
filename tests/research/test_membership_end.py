"""Leaving an alliance ends every place in its projects, at once (issue 11, item 6: revocation).

Ending a membership goes through research.services.memberships.membership_end, which removes the
person from the alliance's project groups and declines their pending requests in one transaction;
and access never trusts a project-group row alone: a current alliance membership is required too.
"""
import pytest

from research import access, lifecycle
from research.errors import Forbidden
from research.models import JoinRequest, Membership, ProjectMember
from research.models.choices import Role
from research.services.members import join_request_create
from research.services.memberships import membership_create, membership_end, membership_update

from ..api.test_outcomes_support import csv_bytes, long_rows, outcomes_url, post_file, project_urns, pupils
from ..factories import SchoolFactory, UserFactory, member_of
from ..world import make_project, write_theory

pytestmark = pytest.mark.django_db


def fresh(user):
    """The user as a new request would load it (nothing cached from earlier checks)."""
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def rows(world, api):
    """Pupil rows in the theory project, uploaded by the member; the member can read them."""
    project = world.projects["theory"]
    response = post_file(api(world.user("member")), project, csv_bytes(long_rows(pupils(6), project_urns(project))),
                         measure=world.measure)
    assert response.status_code == 201
    assert api(world.user("member")).get(outcomes_url(project)).status_code == 200
    return project


def membership(user, alliance):
    return Membership.objects.get(user=user, alliance=alliance)


def test_ending_a_membership_ends_every_project_place_in_that_alliance_and_with_it_pupil_rows(world, api, rows):
    # given the member, in every project of alliance A, who also belongs to alliance B and one of its projects
    member = world.user("member")
    member_of(world.other_alliance, member, SchoolFactory())
    b_project = world.other_projects["theory"]
    ProjectMember.objects.create(project=b_project, user=member, school=membership(member, world.other_alliance).school)
    in_a = ProjectMember.objects.filter(user=member, project__alliance=world.alliance).count()
    assert in_a == len(world.projects)
    # when staff end their membership of alliance A
    ended = membership_end(actor=world.user("staff"), membership=membership(member, world.alliance))
    # then they are in no project of A, still in B's, and no longer in A
    assert not ProjectMember.objects.filter(user=member, project__alliance=world.alliance).exists()
    assert ProjectMember.objects.filter(user=member, project=b_project).exists()
    assert not Membership.objects.filter(user=member, alliance=world.alliance).exists()
    assert sorted(ended.projects_left) == sorted(p.pk for p in world.projects.values())
    # and the pupil rows (JSON and CSV) are gone for them: 404, as for anyone outside the group
    client = api(fresh(member))
    assert client.get(outcomes_url(rows)).status_code == 404
    assert client.get(outcomes_url(rows), {"format": "csv"}).status_code == 404


def test_pending_join_requests_in_that_alliance_are_declined(world):
    # given a teacher who asked to join a project of alliance A
    teacher = world.user("teacher")
    request = join_request_create(actor=teacher, project=world.projects["theory"])
    # when their membership ends
    ended = membership_end(actor=world.user("staff"), membership=membership(teacher, world.alliance))
    # then the request is declined (the lead cannot approve it later), recording who ended it
    request.refresh_from_db()
    assert request.status == "declined" and request.decided_by == world.user("staff")
    assert ended.requests_declined == 1


def test_it_is_all_or_nothing(world, monkeypatch):
    # given the membership row cannot be deleted (a failure at the last step)
    member = world.user("member")

    def fail(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(Membership, "delete", fail)
    # when staff try to end the membership
    with pytest.raises(RuntimeError):
        membership_end(actor=world.user("staff"), membership=membership(member, world.alliance))
    # then nothing changed: every project place is still there
    assert ProjectMember.objects.filter(user=member, project__alliance=world.alliance).count() == len(world.projects)


def test_only_staff_end_memberships(world):
    # given the alliance lead (alliances are kept by staff in the admin)
    with pytest.raises(Forbidden):
        membership_end(actor=world.user("alliance_lead"), membership=membership(world.user("member"), world.alliance))
    assert Membership.objects.filter(user=world.user("member"), alliance=world.alliance).exists()


def test_a_stale_project_row_alone_never_grants_pupil_rows(world, api, rows):
    # given the member's alliance membership deleted behind the service's back (a raw delete, an old database)
    member = world.user("member")
    Membership.objects.filter(user=member, alliance=world.alliance).delete()
    assert ProjectMember.objects.filter(user=member, project=rows).exists()
    # when they read the pupil rows
    member = fresh(member)
    # then the group row alone does not let them in
    assert not access.can_see_raw_rows(member, rows)
    assert not access.is_project_member(member, rows)
    assert api(member).get(outcomes_url(rows)).status_code == 404
    assert api(member).get(outcomes_url(rows), {"format": "csv"}).status_code == 404


def test_a_project_lead_who_leaves_the_alliance_loses_the_lead_rights_and_the_alliance_lead_acts(world, api):
    # given a project at the theory stage, its agreed question written, whose lead leaves the alliance
    lead = world.user("project_lead")
    project = make_project(world.alliance, lead, world.user("alliance_lead"), [world.user("member")], [world.measure],
                           status="theory", title="Lead leaves")
    write_theory(project, lead)
    membership_end(actor=world.user("staff"), membership=membership(lead, world.alliance))
    project.refresh_from_db()
    # then the project keeps its history (lead unchanged) but the former lead holds no right over it
    assert project.lead_id == lead.pk
    former = fresh(lead)
    assert not access.is_project_lead(former, project)
    assert not access.can_edit_project(former, project)
    assert not access.can_transition(former, project, "withdraw")
    assert api(former).post(f"/api/v1/projects/{project.pk}/transitions/", {"action": "withdraw"}).status_code == 404
    # and the alliance lead can still move it on or withdraw it
    alliance_lead = fresh(world.user("alliance_lead"))
    assert access.can_transition(alliance_lead, project, "advance")
    assert access.can_manage_members(alliance_lead, project)
    lifecycle.project_transition(project_id=project.pk, action="withdraw", actor=alliance_lead)
    project.refresh_from_db()
    assert project.status == "withdrawn"


def test_nobody_grants_themselves_a_place_or_a_role(world):
    # given a member of staff with no place in alliance A
    staff = world.user("staff")
    school = SchoolFactory()
    # when they try to give themselves one, then it is refused and nothing is stored
    with pytest.raises(Forbidden):
        membership_create(actor=staff, user=staff, alliance=world.alliance, school=school, role=Role.LEAD)
    assert not Membership.objects.filter(user=staff).exists()
    # and they can add someone else, but not promote themselves once added by a colleague
    newcomer = UserFactory()
    made = membership_create(actor=staff, user=newcomer, alliance=world.alliance, school=school)
    assert made.role == Role.MEMBER and made.school == school
    colleague = UserFactory(is_staff=True)
    own = membership_create(actor=colleague, user=staff, alliance=world.alliance, school=school)
    with pytest.raises(Forbidden):
        membership_update(actor=staff, membership=own, school=school, role=Role.LEAD)
    own.refresh_from_db()
    assert own.role == Role.MEMBER
    # and a teacher cannot add anyone
    with pytest.raises(Forbidden):
        membership_create(actor=world.user("teacher"), user=UserFactory(), alliance=world.alliance, school=school)


def test_a_join_request_cannot_be_approved_by_its_own_author(world):
    # given staff who were given a place in alliance A and asked to join a project
    staff = world.user("staff")
    membership_create(actor=UserFactory(is_staff=True), user=staff, alliance=world.alliance, school=SchoolFactory())
    staff = fresh(staff)
    request = join_request_create(actor=staff, project=world.projects["theory"])
    # when they approve their own request (staff may answer requests), then it is refused
    from research.services.members import join_request_decide

    with pytest.raises(Forbidden):
        join_request_decide(actor=staff, project=world.projects["theory"], request_id=request.pk, approve=True)
    assert not ProjectMember.objects.filter(user=staff).exists()
    assert JoinRequest.objects.get(pk=request.pk).status == "pending"
