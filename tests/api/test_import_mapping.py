"""Issue 13, mapping remembered: a file's own spellings of schools, measures and groups come back as
`unmatched` with suggestions; maps sent with the upload place them; a successful upload keeps them as
the alliance's aliases, so the next file with the same spellings needs none."""
import pytest

from research.models import ImportAlias, OutcomeRecord
from research.models.imports import AliasRole

from .import_mapping_support import (OAKFIELD, RIVERSIDE, ST_FAITHS, aliases, groups_of, ids, post, school_export,
                                     setting, stored_schools)
from .test_outcomes_support import counts, csv_bytes

pytestmark = pytest.mark.django_db
__all__ = ["setting"]  # the fixture, used by name

SPELLINGS = ["St Faith's Infants", "Oakfield Pri", "Riverside Jnr"]


def unmatched(body, role="school") -> dict[str, dict]:
    return {entry["value"]: entry for entry in body["unmatched"][role]}


def test_a_dry_run_lists_each_unknown_spelling_once_with_rows_and_ranked_suggestions(world, api, setting):
    # given a file whose School column spells the three schools its own way (4, 4 and 4 rows)
    data = school_export(SPELLINGS)
    before = counts()
    # when it is checked
    response = post(api(world.user("member")), setting.project, data, measure=setting.maths, dry_run=True)
    # then each spelling comes back once, with its rows and the right school suggested first
    assert response.status_code == 400
    body = response.json()
    found = unmatched(body)
    assert list(found) == ["Oakfield Pri", "Riverside Jnr", "St Faith's Infants"]  # same rows: alphabetical
    assert {v: e["rows"] for v, e in found.items()} == dict.fromkeys(SPELLINGS, 4)
    expected = {"St Faith's Infants": ST_FAITHS, "Oakfield Pri": OAKFIELD, "Riverside Jnr": RIVERSIDE}
    for value, school in expected.items():
        first = found[value]["suggestions"][0]
        assert first["name"] == school and first["id"] == setting.schools[school].id
        assert 0 < first["score"] <= 100
        assert len(found[value]["suggestions"]) <= 3
        assert [s["score"] for s in found[value]["suggestions"]] == sorted(
            (s["score"] for s in found[value]["suggestions"]), reverse=True)
        assert found[value]["column"] == "School" and found[value]["heading"] is False
    assert body["unmatched"]["measure"] == [] and body["unmatched"]["group"] == []
    assert body["unmatched_total"] == {"school": 3, "measure": 0, "group": 0}
    # and the twelve rows are one problem, not twelve
    assert groups_of(body) == [("School", "unknown_school", 12, "2-13")]
    assert counts() == before and not ImportAlias.objects.exists()


def test_an_upload_with_a_school_map_stores_every_row_and_remembers_the_spellings(world, api, setting):
    # given the same file and the uploader's confirmed matches
    school_map = {"St Faith's Infants": setting.schools[ST_FAITHS].id, "Oakfield Pri": setting.schools[OAKFIELD].id,
                  "Riverside Jnr": str(setting.schools[RIVERSIDE].id)}  # an id as text is fine too
    client = api(world.user("member"))
    # when it is uploaded with them
    response = post(client, setting.project, school_export(SPELLINGS), measure=setting.maths, school_map=school_map)
    # then every row is stored under the right school, the answer says which values the map placed...
    assert response.status_code == 201, response.json()
    body = response.json()
    assert stored_schools(setting.project) == {s.id: 4 for s in setting.schools.values()}
    assert {(m["value"], m["id"], m["source"]) for m in body["mapped"]["school"]} == {
        (value, int(target), "map") for value, target in school_map.items()}
    assert all(m["name"] for m in body["mapped"]["school"])
    assert body["unmatched"]["school"] == []
    # ...and the alliance now knows the three spellings, created by the uploader
    assert aliases(setting.alliance_id) == {("school", value): int(target) for value, target in school_map.items()}
    assert set(ImportAlias.objects.values_list("created_by__username", flat=True)) == {"member"}

    # when the next file (other pupils, the same spellings, any case) is uploaded without maps
    second = school_export([s.upper() for s in SPELLINGS], start=100)
    response = post(client, setting.project, second, measure=setting.maths)
    # then it is stored without asking, and the answer says stored aliases placed the values
    assert response.status_code == 201, response.json()
    assert stored_schools(setting.project) == {s.id: 8 for s in setting.schools.values()}
    assert {m["source"] for m in response.json()["mapped"]["school"]} == {"alias"}
    assert ImportAlias.objects.count() == 3


def test_maps_are_not_stored_by_a_dry_run_or_a_failed_upload(world, api, setting):
    school_map = {value: setting.schools[name].id for value, name in zip(SPELLINGS, (ST_FAITHS, OAKFIELD, RIVERSIDE))}
    client = api(world.user("member"))
    # given a dry run with maps: it passes, and stores nothing
    response = post(client, setting.project, school_export(SPELLINGS), measure=setting.maths, dry_run=True,
                    school_map=school_map)
    assert response.status_code == 200 and response.json()["stored"] is False
    assert response.json()["unmatched"]["school"] == []
    # given a real upload with maps but a score out of scale: refused, and nothing is remembered
    broken = school_export(SPELLINGS, score=lambda i: 500 if i == 3 else 50)
    response = post(client, setting.project, broken, measure=setting.maths, school_map=school_map)
    assert response.status_code == 400
    assert not ImportAlias.objects.exists() and not OutcomeRecord.objects.exists()


def test_the_explicit_map_wins_over_a_stored_alias_and_retargets_it(world, api, setting):
    client = api(world.user("member"))
    wrong, right = setting.schools[OAKFIELD].id, setting.schools[ST_FAITHS].id
    assert post(client, setting.project, school_export(["St F"], start=1), measure=setting.maths,
                school_map={"St F": wrong}).status_code == 201
    # when a later upload maps the same spelling elsewhere
    response = post(client, setting.project, school_export(["St F"], start=50), measure=setting.maths,
                    school_map={"st f": right})
    # then its rows follow the new map and the alias now points there
    assert response.status_code == 201
    assert OutcomeRecord.objects.filter(school_id=right).count() == 4
    assert aliases(setting.alliance_id) == {("school", "St F"): right}


def test_a_stored_alias_for_a_school_outside_the_project_is_not_applied(world, api, setting):
    # given an alias to an alliance school that is not among this project's schools
    outsider = world.user("teacher").memberships.get().school
    ImportAlias.objects.create(alliance=world.alliance, role=AliasRole.SCHOOL, value="Elsewhere",
                               value_normalised="elsewhere", school=outsider)
    # when a file uses that spelling
    response = post(api(world.user("member")), setting.project, school_export(["Elsewhere"]), measure=setting.maths,
                    dry_run=True)
    # then the value is unmatched, as if there were no alias
    assert response.status_code == 400
    assert list(unmatched(response.json())) == ["Elsewhere"]


def test_a_urn_in_the_value_is_suggested_first(world, api, setting):
    # given school values holding a URN among words, and a URN with one digit wrong
    data = school_export(["Oakfield (URN 100002)", "100009"], per_school=2)
    response = post(api(world.user("member")), setting.project, data, measure=setting.maths, dry_run=True)
    found = unmatched(response.json())
    # then the school with that URN comes first, scoring 100; the near URN is suggested too
    assert found["Oakfield (URN 100002)"]["suggestions"][0] == {
        "id": setting.schools[OAKFIELD].id, "name": OAKFIELD, "score": 100}
    near = [s["id"] for s in found["100009"]["suggestions"]]
    assert set(near) == {s.id for s in setting.schools.values()}  # 100001-100003 are each one digit off


def test_unknown_groups_are_offered_and_mapped(world, api, setting):
    rows = [["UPN", "Group", "Score"]] + [[pid, "Targeted" if i < 3 else "Business as usual", 50]
                                          for i, pid in enumerate(ids(6))]
    client = api(world.user("member"))
    response = post(client, setting.project, csv_bytes(rows), measure=setting.maths, dry_run=True)
    assert response.status_code == 400
    found = unmatched(response.json(), "group")
    assert {v: e["rows"] for v, e in found.items()} == {"Targeted": 3, "Business as usual": 3}
    assert found["Targeted"]["suggestions"][0]["id"] == "intervention"
    assert found["Targeted"]["suggestions"][0]["name"] == "Intervention"
    # when they are mapped
    response = post(client, setting.project, csv_bytes(rows), measure=setting.maths,
                    group_map={"Targeted": "intervention", "Business as usual": "Comparison"})
    # then the rows are stored in those groups and the words remembered
    assert response.status_code == 201, response.json()
    assert sorted(OutcomeRecord.objects.values_list("group", flat=True)) == ["comparison"] * 3 + ["intervention"] * 3
    assert aliases(setting.alliance_id) == {("group", "Targeted"): "intervention",
                                            ("group", "Business as usual"): "comparison"}


def test_a_measure_column_value_is_offered_and_mapped(world, api, setting):
    rows = [["UPN", "Group", "Measure", "Score"]] + [[pid, "I", "Maths tst", 50] for pid in ids(3)]
    client = api(world.user("member"))
    response = post(client, setting.project, csv_bytes(rows), dry_run=True)
    found = unmatched(response.json(), "measure")
    assert found["Maths tst"]["heading"] is False and found["Maths tst"]["rows"] == 3
    assert found["Maths tst"]["suggestions"][0]["id"] == setting.maths.id
    response = post(client, setting.project, csv_bytes(rows), measure_map={"Maths tst": setting.maths.id})
    assert response.status_code == 201, response.json()
    assert set(OutcomeRecord.objects.values_list("measure_id", flat=True)) == {setting.maths.id}


WIDE = [["UPN", "Group", "School", "Maths (end of term)", "Wellbeing (WEMWBS)", "Class"]]


def wide_rows(start: int = 1):
    return WIDE + [[pid, "I" if i % 2 else "C", "100001", 30 + i, 20 + i, "5B"] for i, pid in enumerate(ids(4, start))]


def test_a_wide_file_offers_unknown_headings_as_measures_and_names_them_in_its_error(world, api, setting):
    # given a wide file whose measure headings are not the library's names
    response = post(api(world.user("member")), setting.project, csv_bytes(wide_rows()), dry_run=True)
    # then both headings are offered as measures, with suggestions from the project's measures
    assert response.status_code == 400
    body = response.json()
    found = unmatched(body, "measure")
    assert list(found) == ["Maths (end of term)", "Wellbeing (WEMWBS)"]
    assert all(e["heading"] and e["rows"] == 4 for e in found.values())
    assert found["Maths (end of term)"]["suggestions"][0]["id"] == setting.maths.id
    assert found["Wellbeing (WEMWBS)"]["suggestions"][0]["id"] == setting.wellbeing.id
    # and the one whole-file error names the headings it found (no row, no "null")
    [group] = body["error_groups"]
    assert group["whole_file"] and group["rows"] is None
    assert "'Maths (end of term)', 'Wellbeing (WEMWBS)'" in group["message"] and "'Class'" in group["message"]
    # and every column is accounted for: "Class" is a pupil detail, the headings await a match
    not_used = {c["column"]: c["reason"] for c in body["read_as"]["columns_not_used"]}
    assert not_used["Class"] == "a pupil detail the analysis does not use"
    assert "match it to a measure" in not_used["Maths (end of term)"]


def test_a_wide_file_with_a_measure_map_is_stored_and_the_headings_remembered(world, api, setting):
    client = api(world.user("member"))
    measure_map = {"Maths (end of term)": setting.maths.id, "Wellbeing (WEMWBS)": setting.wellbeing.id}
    response = post(client, setting.project, csv_bytes(wide_rows()), measure_map=measure_map)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["read_as"]["layout"] == "wide"
    assert {m["column"]: m["measure_id"] for m in body["read_as"]["measures"]} == measure_map
    assert OutcomeRecord.objects.filter(measure=setting.maths).count() == 4
    assert OutcomeRecord.objects.filter(measure=setting.wellbeing).count() == 4
    assert {(m["value"], m["heading"]) for m in body["mapped"]["measure"]} == {(h, True) for h in measure_map}
    # the next wide file with those headings needs no map
    response = post(client, setting.project, csv_bytes(wide_rows(start=20)))
    assert response.status_code == 201, response.json()
    assert OutcomeRecord.objects.count() == 16
    assert {m["source"] for m in response.json()["mapped"]["measure"]} == {"alias"}


@pytest.mark.parametrize(("field", "value", "says"), [
    ("school_map", "{not json", "Not valid JSON"),
    ("school_map", "[1, 2]", "JSON object"),
    ("measure_map", '{"Maths": {"id": 1}}', "flat JSON object"),
    ("group_map", '{"Targeted": "both"}', "'Targeted'"),
    ("school_map", '{"St Faith\'s Infants": 999999}', "'St Faith's Infants'"),
    ("measure_map", '{"Maths (end of term)": "reading"}', "'Maths (end of term)'"),
])
def test_a_bad_map_is_a_400_naming_the_field_and_the_value(world, api, setting, field, value, says):
    before = counts()
    response = post(api(world.user("member")), setting.project, school_export(SPELLINGS), measure=setting.maths,
                    **{field: value})
    assert response.status_code == 400
    body = response.json()
    assert field in body["errors"] and says in " ".join(body["errors"][field])
    assert field in body["detail"]
    assert counts() == before and not ImportAlias.objects.exists()


def test_a_school_map_target_outside_the_project_is_refused(world, api, setting):
    outsider = world.user("teacher").memberships.get().school  # in the alliance, not in this project
    response = post(api(world.user("member")), setting.project, school_export(SPELLINGS), measure=setting.maths,
                    school_map={"Oakfield Pri": outsider.id})
    assert response.status_code == 400
    assert "'Oakfield Pri'" in response.json()["errors"]["school_map"][0]


def test_two_spellings_that_normalise_alike_cannot_map_to_different_targets(world, api, setting):
    response = post(api(world.user("member")), setting.project, school_export(SPELLINGS), measure=setting.maths,
                    school_map={"Oakfield Pri": setting.schools[OAKFIELD].id,
                                "OAKFIELD  pri.": setting.schools[RIVERSIDE].id})
    assert response.status_code == 400
    assert "same spelling" in response.json()["errors"]["school_map"][0]
