"""The alliance lead adds schools, one at a time or from a list (issue 13): POST /alliances/{id}/schools/ and
/alliances/{id}/schools/import/. Who may (the role matrix has the rest), URN checks, known schools linked not
duplicated (their details kept unless confirmed), and a list with any error storing nothing."""
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from research.models import AllianceSchool, School
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db


def add_url(world, alliance=None):
    return f"/api/v1/alliances/{(alliance or world.alliance).id}/schools/"


def import_url(world, alliance=None):
    return f"/api/v1/alliances/{(alliance or world.alliance).id}/schools/import/"


def school_body(**overrides):
    body = {"urn": "123456", "name": "Hilltop Primary", "phase": "primary", "region": "North East"}
    body.update(overrides)
    return body


def upload(client, world, text, *, name="schools.csv", encoding="utf-8", **fields):
    data = text.encode(encoding) if isinstance(text, str) else text
    return client.post(import_url(world), {"file": SimpleUploadedFile(name, data), **fields}, format="multipart")


def in_alliance(world) -> set[str]:
    return set(AllianceSchool.objects.filter(alliance=world.alliance).values_list("school__urn", flat=True))


# --- one school -------------------------------------------------------------------------------------


def test_the_lead_adds_a_new_school(world, api):
    # when the alliance lead adds a school by URN, name, phase and region
    response = api(world.user("alliance_lead")).post(add_url(world), school_body(), format="json")
    # then it is made and in the alliance, and the public list of the alliance's schools shows it
    assert response.status_code == 201
    body = response.json()
    assert body["result"] == "created" and body["school"]["urn"] == "123456" and body["differences"] == {}
    assert "123456" in in_alliance(world)
    listed = api().get(f"/api/v1/schools/?alliance={world.alliance.id}&page_size=100").json()["results"]
    assert "Hilltop Primary" in {school["name"] for school in listed}


@pytest.mark.parametrize("urn", ["12345", "1234567", "12a456", ""])
def test_a_urn_that_is_not_six_digits_is_refused(world, api, urn):
    response = api(world.user("alliance_lead")).post(add_url(world), school_body(urn=urn), format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["urn"] in (
        ["A URN is the school's 6-digit unique reference number (for example 100001)."],
        ["Give the school's URN."], ["This field may not be blank."])
    assert not School.objects.filter(name="Hilltop Primary").exists()


def test_spaces_in_a_urn_are_ignored(world, api):
    response = api(world.user("alliance_lead")).post(add_url(world), school_body(urn=" 123 456 "), format="json")
    assert response.status_code == 201 and response.json()["school"]["urn"] == "123456"


def test_a_known_urn_is_linked_not_duplicated_and_its_name_kept(world, api):
    # given a school of the other alliance, known by its URN
    known = SchoolFactory(urn="654321", name="St Faith's C of E Infant School", phase="primary", region="")
    # when the lead adds the same URN with the name their staff use
    response = api(world.user("alliance_lead")).post(
        add_url(world), school_body(urn="654321", name="St Faith's Infants"), format="json")
    # then the one school joins the alliance, keeps its name, and the answer says what differed
    assert response.status_code == 201
    body = response.json()
    assert body["result"] == "linked" and body["school"]["id"] == known.id
    assert body["differences"] == {"name": {"given": "St Faith's Infants", "kept": "St Faith's C of E Infant School"},
                                   "region": {"given": "North East", "kept": ""}}
    assert School.objects.filter(urn="654321").count() == 1
    known.refresh_from_db()
    assert known.name == "St Faith's C of E Infant School" and "654321" in in_alliance(world)


def test_the_lead_confirms_an_update_of_a_known_school(world, api):
    known = SchoolFactory(urn="654321", name="Old Name", phase="primary")
    client = api(world.user("alliance_lead"))
    client.post(add_url(world), school_body(urn="654321", name="Old Name", region=""), format="json")
    # when the lead adds it again with update_existing and a new name
    response = client.post(add_url(world), school_body(urn="654321", name="New Name", update_existing=True),
                           format="json")
    # then it was already in the alliance (200) and its details are replaced
    assert response.status_code == 200
    assert response.json()["result"] == "already_in_alliance"
    assert response.json()["updated"] == ["name", "region"]
    known.refresh_from_db()
    assert (known.name, known.region) == ("New Name", "North East")


def test_a_school_already_in_the_alliance_is_a_200_with_nothing_new(world, api):
    client = api(world.user("alliance_lead"))
    first = client.post(add_url(world), school_body(), format="json")
    again = client.post(add_url(world), school_body(), format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["result"] == "already_in_alliance" and again.json()["differences"] == {}


@pytest.mark.parametrize("role, status", [(None, 401), ("other", 404), ("teacher", 403), ("member", 403),
                                          ("staff", 201)])
def test_who_may_add_a_school(world, api, role, status):
    # given each role / when they add a school to alliance A / then only its lead and staff may
    response = api(world.user(role)).post(add_url(world), school_body(), format="json")
    assert response.status_code == status
    assert School.objects.filter(urn="123456").exists() == (status == 201)


def test_the_other_alliance_does_not_exist_for_this_lead(world, api):
    response = api(world.user("alliance_lead")).post(add_url(world, world.other_alliance), school_body(),
                                                      format="json")
    assert response.status_code == 404


# --- a list -----------------------------------------------------------------------------------------

GOOD_LIST = ("URN,School name,Phase,Region\n"
             "200001,Alder Primary,Primary,North East\n"
             "200002,Birch Academy,Secondary,North East\n"
             "200003,Cedar School,All-through,\n")


def test_the_lead_imports_a_list(world, api):
    response = upload(api(world.user("alliance_lead")), world, GOOD_LIST)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert [s["urn"] for s in body["created"]] == ["200001", "200002", "200003"]
    assert [s["row"] for s in body["created"]] == [2, 3, 4]
    assert body["columns"] == {"urn": "URN", "name": "School name", "phase": "Phase", "region": "Region"}
    assert {"200001", "200002", "200003"} <= in_alliance(world)
    assert School.objects.get(urn="200003").phase == "all_through"


def test_a_dry_run_says_what_would_happen_and_stores_nothing(world, api):
    response = upload(api(world.user("alliance_lead")), world, GOOD_LIST, dry_run=True)
    assert response.status_code == 200
    assert len(response.json()["created"]) == 3 and response.json()["created"][0]["id"] is None
    assert not School.objects.filter(urn__startswith="20000").exists()


def test_a_list_with_errors_stores_nothing_and_names_every_row(world, api):
    # given good rows and bad ones: a short URN, a missing name, an unknown phase, a URN twice
    text = ("URN,Name,Phase\n"
            "200001,Alder Primary,Primary\n"
            "20002,Birch Academy,Secondary\n"
            "200003,,Primary\n"
            "200004,Dale School,Grammar\n"
            "200001,Alder Primary again,Primary\n")
    response = upload(api(world.user("alliance_lead")), world, text)
    # then nothing is stored and each problem has its row, column, value and message
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_file" and body["error_total"] == 4
    assert [(e["row"], e["column"], e["value"]) for e in body["errors"]] == [
        (3, "URN", "20002"), (4, "Name", ""), (5, "Phase", "Grammar"), (6, "URN", "200001")]
    assert "6-digit" in body["errors"][0]["message"]
    assert "'Grammar' is not a phase" in body["errors"][2]["message"]
    assert "also on row 2" in body["errors"][3]["message"]
    assert not School.objects.filter(urn="200001").exists()


def test_known_schools_in_a_list_are_linked_with_their_names_kept_unless_confirmed(world, api):
    SchoolFactory(urn="200001", name="Alder Community Primary School", phase="primary", region="North East")
    client = api(world.user("alliance_lead"))
    # when the list spells the known school its own way
    kept = upload(client, world, GOOD_LIST).json()
    # then the known school is linked, its name kept and the difference reported
    assert [s["urn"] for s in kept["linked"]] == ["200001"]
    assert kept["differences"][0]["differences"] == {
        "name": {"given": "Alder Primary", "kept": "Alder Community Primary School"}}
    assert School.objects.get(urn="200001").name == "Alder Community Primary School"
    # and a second upload with update_existing replaces it
    updated = upload(client, world, GOOD_LIST, update_existing=True).json()
    assert [s["urn"] for s in updated["updated"]] == ["200001"]
    assert School.objects.get(urn="200001").name == "Alder Primary"
    assert School.objects.filter(urn="200001").count() == 1


def test_header_variants_encodings_and_xlsx(world, api):
    client = api(world.user("alliance_lead"))
    # a GIAS-style export, semicolon-separated Windows-1252 with a title row
    gias = ("Schools in the trust;;;\nURN;EstablishmentName;PhaseOfEducation (name);GOR (name)\n"
            "200011;Ælfric's Primary;Middle deemed primary;South West\n")
    assert upload(client, world, gias, encoding="cp1252", dry_run=True).json()["created"][0]["name"] == \
        "Ælfric's Primary"
    # UTF-16 with tabs
    tabs = "urn\tname\tphase\n200012\tOak Infants\tprimary\n"
    assert upload(client, world, tabs, encoding="utf-16", dry_run=True).json()["created"][0]["urn"] == "200012"
    # an .xlsx whose URNs are numbers
    book = openpyxl.Workbook()
    book.active.append(["URN", "Name", "Phase"])
    book.active.append([200013, "Pine Academy", "Secondary"])
    buffer = io.BytesIO()
    book.save(buffer)
    created = upload(client, world, buffer.getvalue(), name="schools.xlsx", dry_run=True).json()["created"]
    assert created[0]["urn"] == "200013"


def test_a_file_without_the_columns_says_which_are_missing(world, api):
    response = upload(api(world.user("alliance_lead")), world, "URN,Town\n200001,Leeds\n")
    assert response.status_code == 400
    message = response.json()["errors"][0]["message"]
    assert "missing: name, phase" in message and "'Town'" in message


@pytest.mark.parametrize("role, status", [(None, 401), ("other", 404), ("teacher", 403), ("project_lead", 403),
                                          ("staff", 201)])
def test_who_may_import_a_list(world, api, role, status):
    response = upload(api(world.user(role)), world, GOOD_LIST)
    assert response.status_code == status
    assert School.objects.filter(urn="200001").exists() == (status == 201)
