"""Issue 13: the alliance's import aliases (and absence codes), for its lead: list, retarget, delete.
Role matrix (research/access.py: 404 outside the alliance, 403 to members who are not its lead), then
what each action does to the next upload."""
import pytest

from research.models import ImportAlias
from research.models.imports import AliasRole

from ..factories import MeasureFactory, SchoolFactory
from ..world import ROLES
from .import_mapping_support import OAKFIELD, RIVERSIDE, ST_FAITHS, post, school_export, setting

pytestmark = pytest.mark.django_db
__all__ = ["setting"]


def row(anonymous, other, teacher, member, project_lead, alliance_lead, staff) -> dict:
    return dict(zip(ROLES, (anonymous, other, teacher, member, project_lead, alliance_lead, staff)))


LEADS_ONLY = row(401, 404, 403, 403, 403, 200, 200)


def aliases_url(alliance_id, alias_id=None) -> str:
    return f"/api/v1/alliances/{alliance_id}/import-aliases/" + (f"{alias_id}/" if alias_id else "")


@pytest.fixture
def stored(world):
    """One alias of each role in alliance A, one in alliance B."""
    school = world.user("member").memberships.get().school
    made = {
        "school": ImportAlias.objects.create(alliance=world.alliance, role=AliasRole.SCHOOL, value="Oak Pri",
                                             value_normalised="oakpri", school=school,
                                             created_by=world.user("member")),
        "measure": ImportAlias.objects.create(alliance=world.alliance, role=AliasRole.MEASURE, value="Maths (EoT)",
                                              value_normalised="mathseot", measure=world.measure),
        "group": ImportAlias.objects.create(alliance=world.alliance, role=AliasRole.GROUP, value="Targeted",
                                            value_normalised="targeted", group="intervention"),
    }
    other_measure = world.other_alliance.measures.get()
    made["other"] = ImportAlias.objects.create(alliance=world.other_alliance, role=AliasRole.MEASURE, value="RT",
                                               value_normalised="rt", measure=other_measure)
    return made


CASES = {
    "list": ("get", lambda w, s: aliases_url(w.alliance.id), None, LEADS_ONLY),
    "detail": ("get", lambda w, s: aliases_url(w.alliance.id, s["group"].id), None, LEADS_ONLY),
    "retarget": ("patch", lambda w, s: aliases_url(w.alliance.id, s["group"].id), {"target": "comparison"},
                 LEADS_ONLY),
    "delete": ("delete", lambda w, s: aliases_url(w.alliance.id, s["group"].id), None,
               row(401, 404, 403, 403, 403, 204, 204)),
    "settings": ("get", lambda w, s: f"/api/v1/alliances/{w.alliance.id}/import-settings/", None, LEADS_ONLY),
    "settings edit": ("patch", lambda w, s: f"/api/v1/alliances/{w.alliance.id}/import-settings/",
                      {"absence_codes": ["abs"]}, LEADS_ONLY),
    # an alias of alliance B named under alliance A's address does not exist there
    "B's alias under A": ("get", lambda w, s: aliases_url(w.alliance.id, s["other"].id), None,
                          row(401, 404, 403, 403, 403, 404, 404)),
    "no such alias": ("delete", lambda w, s: aliases_url(w.alliance.id, 999999), None,
                      row(401, 404, 403, 403, 403, 404, 404)),
    # staff too: an alliance that does not exist has no aliases to list
    "no such alliance": ("get", lambda w, s: aliases_url(999999), None, row(401, 404, 404, 404, 404, 404, 404)),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", list(CASES))
def test_role_matrix(world, api, stored, case, role):
    method, url, body, expect = CASES[case]
    client = api(world.user(role))
    response = getattr(client, method)(url(world, stored), body, format="json") if body is not None else \
        getattr(client, method)(url(world, stored))
    assert response.status_code == expect[role], (case, role, response.content[:300])
    if response.status_code >= 400:
        assert "code" in response.json()
    # nothing changes for anyone refused
    if response.status_code >= 400 and method != "get":
        assert ImportAlias.objects.get(pk=stored["group"].pk).group == "intervention"


def test_the_list_shows_each_alias_with_its_target_and_who_made_it(world, api, stored, django_assert_num_queries):
    client = api(world.user("alliance_lead"))
    client.get(aliases_url(world.alliance.id))  # warm: the user's alliance roles, read once per user object
    with django_assert_num_queries(2):  # the count, the page (targets and creators joined)
        response = client.get(aliases_url(world.alliance.id))
    body = response.json()
    assert body["count"] == 3
    by_role = {a["role"]: a for a in body["results"]}
    school = world.user("member").memberships.get().school
    assert by_role["school"]["value"] == "Oak Pri" and by_role["school"]["target"] == {"id": school.id,
                                                                                      "name": school.name}
    assert by_role["school"]["created_by"] == "member"
    assert by_role["measure"]["target"] == {"id": world.measure.id, "name": world.measure.name}
    assert by_role["group"]["target"] == {"id": "intervention", "name": "Intervention"}
    assert by_role["group"]["created_by"] is None
    # and ?role= narrows it
    assert [a["value"] for a in client.get(aliases_url(world.alliance.id), {"role": "group"}).json()["results"]] == [
        "Targeted"]
    assert client.get(aliases_url(world.alliance.id), {"role": "pupil"}).status_code == 400


def test_retargeting_checks_the_target_against_the_alliance(world, api, stored):
    client = api(world.user("alliance_lead"))
    other_school = SchoolFactory(name="Not in alliance A")
    other_measure = world.other_alliance.measures.get()
    for alias, target in ((stored["school"], other_school.id), (stored["measure"], other_measure.id),
                          (stored["group"], "both"), (stored["school"], "Oakfield")):
        response = client.patch(aliases_url(world.alliance.id, alias.id), {"target": target}, format="json")
        assert response.status_code == 400 and "target" in response.json()["errors"], target
    # a school of the alliance and a measure of its library are fine
    lead_school = world.user("alliance_lead").memberships.get().school
    response = client.patch(aliases_url(world.alliance.id, stored["school"].id), {"target": lead_school.id},
                            format="json")
    assert response.status_code == 200 and response.json()["target"]["id"] == lead_school.id
    reading = MeasureFactory(alliance=world.alliance, name="Reading age")
    response = client.patch(aliases_url(world.alliance.id, stored["measure"].id), {"target": reading.id},
                            format="json")
    assert response.status_code == 200 and response.json()["target"] == {"id": reading.id, "name": "Reading age"}


def test_a_retargeted_alias_places_the_next_file_there_and_a_deleted_one_asks_again(world, api, setting):
    member, lead = api(world.user("member")), api(world.user("alliance_lead"))
    wrong, right = setting.schools[OAKFIELD], setting.schools[RIVERSIDE]
    assert post(member, setting.project, school_export(["Riverside"]), measure=setting.maths,
                school_map={"Riverside": wrong.id}).status_code == 201
    alias = ImportAlias.objects.get()
    # when the lead sees the mistake and retargets the alias
    assert lead.patch(aliases_url(world.alliance.id, alias.id), {"target": right.id},
                      format="json").status_code == 200
    # then the next file's "Riverside" goes to Riverside
    response = post(member, setting.project, school_export(["Riverside"], start=50), measure=setting.maths,
                    dry_run=True)
    assert response.status_code == 200
    assert [(m["value"], m["id"], m["name"]) for m in response.json()["mapped"]["school"]] == [
        ("Riverside", right.id, RIVERSIDE)]
    # when the lead deletes it, the next file asks again
    assert lead.delete(aliases_url(world.alliance.id, alias.id)).status_code == 204
    response = post(member, setting.project, school_export(["Riverside"], start=50), measure=setting.maths,
                    dry_run=True)
    assert response.status_code == 400
    assert [u["value"] for u in response.json()["unmatched"]["school"]] == ["Riverside"]
    assert not ImportAlias.objects.exists()
    assert ST_FAITHS in setting.schools  # (the fixture's three schools are all there)
