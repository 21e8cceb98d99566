"""The Django admin cannot grant pupil-row access (issue 11, items 11 and 6).

Project groups change only through join requests and member removal (the API's rules); the admin
shows them read-only. Alliance memberships are added, changed and ended in the admin through
research.services.memberships: nobody gives themselves a place, and ending one ends the person's
project places in that alliance.
"""
import pytest
from django.test import Client

from research.models import Membership, ProjectMember
from research.models.choices import Role

from ..api.test_outcomes_support import outcomes_url
from ..factories import SchoolFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(world):
    """The world's staff user, with every admin permission (as the demo's `admin` has)."""
    staff = world.user("staff")
    staff.is_superuser = True
    staff.save()
    return staff


@pytest.fixture
def admin_client(superuser):
    client = Client()
    client.force_login(superuser)
    return client


def form_data(response) -> dict:
    """The POST a browser would send back for an admin change page, unchanged."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            key = form.add_prefix(name)
            data[key] = [str(v) for v in value] if isinstance(value, (list, tuple)) else ("on" if value is True else value)
    return data


def rows_status(api, user, project) -> int:
    return api(type(user).objects.get(pk=user.pk)).get(outcomes_url(project)).status_code


# --- item 11: staff cannot add themselves to a project group ------------------------------------

def test_the_project_member_add_form_is_refused(world, api, admin_client, superuser):
    # given staff in the admin; when they post the add form for a project member, naming themselves
    project = world.projects["theory"]
    response = admin_client.post("/admin/research/projectmember/add/",
                                 {"project": project.pk, "user": superuser.pk, "school": SchoolFactory().pk})
    # then it is refused, nothing is stored, and the pupil rows stay hidden (404)
    assert response.status_code == 403
    assert not ProjectMember.objects.filter(user=superuser).exists()
    assert rows_status(api, superuser, project) == 404


def test_project_members_cannot_be_changed_or_deleted_in_the_admin(world, admin_client):
    place = ProjectMember.objects.filter(project=world.projects["theory"], user=world.user("member")).get()
    # the change form shows the row read-only and refuses a change; the delete page is refused
    assert admin_client.get(f"/admin/research/projectmember/{place.pk}/change/").status_code == 200
    other = UserFactory()
    response = admin_client.post(f"/admin/research/projectmember/{place.pk}/change/",
                                 {"project": place.project_id, "user": other.pk, "school": place.school_id})
    assert response.status_code == 403
    assert admin_client.post(f"/admin/research/projectmember/{place.pk}/delete/", {"post": "yes"}).status_code == 403
    place.refresh_from_db()
    assert place.user == world.user("member")


def test_the_project_pages_member_inline_adds_no_one(world, api, admin_client, superuser):
    # given the project's change page, whose group is shown inline
    project = world.projects["theory"]
    page = admin_client.get(f"/admin/research/project/{project.pk}/change/")
    assert page.status_code == 200
    data = form_data(page)
    assert "memberships-TOTAL_FORMS" in data
    # when staff post it back with one more group row naming themselves, and the member's row deleted
    total = int(data["memberships-TOTAL_FORMS"])
    data.update({"memberships-TOTAL_FORMS": str(total + 1), f"memberships-{total}-user": str(superuser.pk),
                 f"memberships-{total}-school": str(SchoolFactory().pk), f"memberships-{total}-project": str(project.pk),
                 "memberships-0-DELETE": "on"})
    admin_client.post(f"/admin/research/project/{project.pk}/change/", data)
    # then the group is unchanged, and the pupil rows stay hidden from staff
    assert not ProjectMember.objects.filter(project=project, user=superuser).exists()
    assert ProjectMember.objects.filter(project=project).count() == 2  # the lead and the member
    assert rows_status(api, superuser, project) == 404


# --- alliance memberships through the service ---------------------------------------------------

def membership_form(user, alliance, school, role=Role.MEMBER) -> dict:
    return {"user": user.pk, "alliance": alliance.pk, "school": school.pk, "role": role}


def test_staff_cannot_give_themselves_a_place_in_an_alliance(world, api, admin_client, superuser):
    # when staff add a membership for themselves (as alliance lead, which could approve their own join)
    response = admin_client.post("/admin/research/membership/add/",
                                 membership_form(superuser, world.alliance, SchoolFactory(), Role.LEAD))
    # then the form says why and nothing is stored
    assert response.status_code == 200
    assert "Nobody can give themselves" in response.content.decode()
    assert not Membership.objects.filter(user=superuser).exists()
    assert rows_status(api, superuser, world.projects["theory"]) == 404


def test_staff_add_someone_else_through_the_service(world, admin_client):
    newcomer = UserFactory()
    response = admin_client.post("/admin/research/membership/add/",
                                 membership_form(newcomer, world.alliance, SchoolFactory()))
    assert response.status_code == 302
    assert Membership.objects.filter(user=newcomer, alliance=world.alliance, role=Role.MEMBER).exists()


def test_a_membership_cannot_be_moved_to_another_person_or_alliance(world, admin_client):
    # given the member's membership; when staff post its change form naming another user and alliance
    place = Membership.objects.get(user=world.user("member"), alliance=world.alliance)
    admin_client.post(f"/admin/research/membership/{place.pk}/change/",
                      membership_form(UserFactory(), world.other_alliance, place.school, Role.LEAD))
    # then who and which alliance stay as they were (ending it is a delete); the role may change
    place.refresh_from_db()
    assert (place.user, place.alliance) == (world.user("member"), world.alliance)
    assert place.role == Role.LEAD


def test_staff_cannot_promote_themselves(world, admin_client, superuser):
    own = Membership.objects.create(user=superuser, alliance=world.alliance, school=SchoolFactory())
    response = admin_client.post(f"/admin/research/membership/{own.pk}/change/",
                                 membership_form(superuser, world.alliance, own.school, Role.LEAD))
    assert response.status_code == 200 and "Nobody can give themselves" in response.content.decode()
    own.refresh_from_db()
    assert own.role == Role.MEMBER


def test_deleting_a_membership_in_the_admin_ends_the_project_places(world, api, admin_client):
    # given the member, in every project of alliance A
    member = world.user("member")
    place = Membership.objects.get(user=member, alliance=world.alliance)
    # when staff delete the membership in the admin
    response = admin_client.post(f"/admin/research/membership/{place.pk}/delete/", {"post": "yes"})
    # then it went through the service: no project place in A is left, and no pupil rows
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=place.pk).exists()
    assert not ProjectMember.objects.filter(user=member, project__alliance=world.alliance).exists()
    assert rows_status(api, member, world.projects["theory"]) == 404


def test_deleting_memberships_in_bulk_ends_the_project_places(world, admin_client):
    member, lead = world.user("member"), world.user("project_lead")
    ids = list(Membership.objects.filter(user__in=[member, lead], alliance=world.alliance).values_list("pk", flat=True))
    response = admin_client.post("/admin/research/membership/", {"action": "delete_selected", "_selected_action": ids,
                                                                 "post": "yes"})
    assert response.status_code == 302
    assert not Membership.objects.filter(pk__in=ids).exists()
    assert not ProjectMember.objects.filter(user__in=[member, lead], project__alliance=world.alliance).exists()


def test_the_alliance_pages_membership_inline_is_read_only(world, admin_client):
    # given the alliance's change page, with its memberships inline
    page = admin_client.get(f"/admin/research/alliance/{world.alliance.pk}/change/")
    data = form_data(page)
    # when staff post it back with the first membership marked deleted and a new one for a stranger
    stranger = UserFactory()
    total = int(data.get("memberships-TOTAL_FORMS", 0))
    data.update({"memberships-0-DELETE": "on", "memberships-TOTAL_FORMS": str(total + 1),
                 f"memberships-{total}-user": str(stranger.pk), f"memberships-{total}-school": str(SchoolFactory().pk),
                 f"memberships-{total}-role": Role.LEAD, f"memberships-{total}-alliance": str(world.alliance.pk)})
    before = set(Membership.objects.filter(alliance=world.alliance).values_list("pk", flat=True))
    admin_client.post(f"/admin/research/alliance/{world.alliance.pk}/change/", data)
    # then the memberships are as they were (they change on the membership's own admin page)
    assert set(Membership.objects.filter(alliance=world.alliance).values_list("pk", flat=True)) == before
    assert not Membership.objects.filter(user=stranger).exists()
