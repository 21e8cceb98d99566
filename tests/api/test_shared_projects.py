"""Cross-alliance projects (issue 15): a project opened to a partner alliance; partner teachers see and join it
as if it were their own alliance's, see nothing else of that alliance, and lose it when the partnership ends."""
import pytest

from research.models import ProjectMember, SharedProject

pytestmark = pytest.mark.django_db


@pytest.fixture
def partners(world, api):
    """Alliances A and B in an active partnership."""
    proposal = api(world.user("alliance_lead")).post("/api/v1/partnerships/", {
        "alliance": world.alliance.id, "partner": world.other_alliance.id}, format="json").json()
    assert api(world.user("other")).post(f"/api/v1/partnerships/{proposal['id']}/accept/").status_code == 200
    return proposal["id"]


def partner_teacher(world):
    """A teacher of alliance B (not its lead)."""
    return world.other_projects["published"].memberships.exclude(user=world.user("other")).first().user


def project_url(project, suffix=""):
    return f"/api/v1/projects/{project.id}/{suffix}"


def test_a_partner_teacher_sees_and_joins_the_shared_project_and_nothing_else(world, api, partners):
    theory, progress = world.projects["theory"], world.projects["progress"]
    teacher = partner_teacher(world)
    # given a draft of alliance A that B's teacher cannot see
    assert api(teacher).get(project_url(theory)).status_code == 404
    # when A's project lead opens it to alliance B
    shared = api(world.user("project_lead")).post(project_url(theory, "shares/"), {"alliance": world.other_alliance.id},
                                                  format="json")
    assert shared.status_code == 201 and shared.json()["alliance"]["name"] == world.other_alliance.name
    # then B's teacher sees it (in the list too), but no other draft of alliance A
    assert api(teacher).get(project_url(theory)).status_code == 200
    assert api(teacher).get(project_url(progress)).status_code == 404
    listed = {p["id"] for p in api(teacher).get("/api/v1/projects/", {"page_size": 100}).json()["results"]}
    assert theory.id in listed and progress.id not in listed
    # and asks to join; the project lead approves; they are in the group with their own school
    asked = api(teacher).post(project_url(theory, "join-requests/"), {"message": "We teach this too."}, format="json")
    assert asked.status_code == 201, asked.content
    approved = api(world.user("project_lead")).post(project_url(theory, f"join-requests/{asked.json()['id']}/approve/"))
    assert approved.status_code == 200, approved.content
    place = ProjectMember.objects.get(project=theory, user=teacher)
    assert place.school == teacher.memberships.get(alliance=world.other_alliance).school


def test_ending_the_partnership_ends_the_access_it_gave(world, api, partners):
    theory, teacher = world.projects["theory"], partner_teacher(world)
    api(world.user("project_lead")).post(project_url(theory, "shares/"), {"alliance": world.other_alliance.id},
                                         format="json")
    ProjectMember.objects.create(project=theory, user=teacher,
                                 school=teacher.memberships.get(alliance=world.other_alliance).school)
    assert api(teacher).get(project_url(theory)).status_code == 200
    # when B's lead ends the partnership
    assert api(world.user("other")).post(f"/api/v1/partnerships/{partners}/end/").status_code == 200
    # then the project is closed to B, its teacher's place in the group is gone, and they see it no more
    assert not SharedProject.objects.exists()
    assert not ProjectMember.objects.filter(project=theory, user=teacher).exists()
    assert api(teacher).get(project_url(theory)).status_code == 404
    # while alliance A's published finding stays public
    assert api(teacher).get(project_url(world.projects["published"])).status_code == 200


def test_only_leads_share_and_only_with_an_active_partner(world, api):
    theory = world.projects["theory"]
    body = {"alliance": world.other_alliance.id}
    # without a partnership: refused
    refused = api(world.user("project_lead")).post(project_url(theory, "shares/"), body, format="json")
    assert refused.status_code == 409 and refused.json()["code"] == "not_a_partner"
    # a teacher of the group who leads nothing: forbidden; someone outside the alliance: not found
    assert api(world.user("member")).post(project_url(theory, "shares/"), body, format="json").status_code == 403
    assert api(world.user("other")).post(project_url(theory, "shares/"), body, format="json").status_code == 404
    assert not SharedProject.objects.exists()


def test_closing_a_share_removes_the_partner_teacher(world, api, partners):
    theory, teacher = world.projects["theory"], partner_teacher(world)
    api(world.user("alliance_lead")).post(project_url(theory, "shares/"), {"alliance": world.other_alliance.id},
                                          format="json")
    assert [s["alliance"]["id"] for s in api(world.user("member")).get(project_url(theory, "shares/")).json()] == [
        world.other_alliance.id]
    closed = api(world.user("alliance_lead")).delete(project_url(theory, f"shares/{world.other_alliance.id}/"))
    assert closed.status_code == 204
    assert api(teacher).get(project_url(theory)).status_code == 404


def test_the_stricter_minimum_cell_size_applies_while_shared(world, api, partners):
    from research import access
    from research.models import Alliance, Project

    theory = world.projects["theory"]

    def minimum():
        return access.min_cell_size_for(Project.objects.select_related("alliance").get(pk=theory.pk))

    def etag():
        return api(world.user("teacher")).get(project_url(theory, "results/"))["ETag"]

    # given alliance A's minimum of 6, and alliance B's of 10
    Alliance.objects.filter(pk=world.other_alliance.pk).update(min_cell_size=10)
    before = etag()
    assert minimum() == 6
    # when the project is opened to B, B's stricter minimum applies (and outsiders' results change with it)
    api(world.user("project_lead")).post(project_url(theory, "shares/"), {"alliance": world.other_alliance.id},
                                         format="json")
    assert minimum() == 10 and etag() != before
    # and once it is closed to B, A's own again
    api(world.user("project_lead")).delete(project_url(theory, f"shares/{world.other_alliance.id}/"))
    assert minimum() == 6 and etag() == before


def test_the_project_lead_invites_a_partner_teacher(world, api, partners):
    theory, teacher, lead = world.projects["theory"], partner_teacher(world), world.user("project_lead")
    # before the project is open to B, its teachers cannot be invited
    refused = api(lead).post(project_url(theory, "invitations/"), {"user": teacher.pk}, format="json")
    assert refused.status_code in (400, 409)
    api(lead).post(project_url(theory, "shares/"), {"alliance": world.other_alliance.id}, format="json")
    # once it is, they are offered and invited, and accepting puts them in the group with their own school
    offered = api(lead).get(project_url(theory, "invitable-members/"), {"search": teacher.username}).json()
    assert teacher.pk in {row["user"]["id"] for row in offered}
    invited = api(lead).post(project_url(theory, "invitations/"), {"user": teacher.pk}, format="json")
    assert invited.status_code == 201, invited.content
    accepted = api(teacher).post(f"/api/v1/invitations/{invited.json()['id']}/accept/")
    assert accepted.status_code == 200, accepted.content
    assert ProjectMember.objects.get(project=theory, user=teacher).school == teacher.memberships.get().school
