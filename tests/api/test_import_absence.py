"""Issue 13, absence codes: blank, abs, A, X, N/A and - (any case; the alliance lead edits the list) where
a score belongs mean the pupil was absent at that stage: not an error, no score stored, counted in the
answer (per measure) and, like any missing score, in attrition."""
import pytest

from research.models import OutcomeRecord

from .import_mapping_support import ids, post, setting
from .results_support import cell, results_url
from .test_outcomes_support import csv_bytes

pytestmark = pytest.mark.django_db
__all__ = ["setting"]

SETTINGS_URL = "/api/v1/alliances/{}/import-settings/"


def test_absence_codes_in_a_long_file_are_counted_not_errors(world, api, setting):
    # given ten pupils, eight of them absent in every way a school writes it
    codes = ["", "abs", "ABS", "A", "x", "N/A", "n/a ", "-"]
    rows = [["UPN", "Group", "Score"]] + [[pid, "I" if i % 2 else "C", code]
                                          for i, (pid, code) in enumerate(zip(ids(8), codes))]
    rows += [["MAP0100", "I", 55], ["MAP0101", "C", 47]]
    # when the file is uploaded
    response = post(api(world.user("member")), setting.project, csv_bytes(rows), measure=setting.maths)
    # then it is stored: two scores, eight pupils counted absent, no error
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["records"] == 2 and body["rows_read"] == 10
    assert body["absent"] == 8 and body["absent_by_measure"] == [{"measure": setting.maths.id, "absent": 8}]
    assert body["error_groups"] == [] and body["error_summary"]["problems"] == 0
    assert sorted(OutcomeRecord.objects.values_list("score", flat=True)) == [47.0, 55.0]


def test_a_wide_file_counts_absence_per_measure(world, api, setting):
    rows = [["UPN", "Group", "Maths test", "Pupil well-being scale"],
            ["MAP0001", "I", "abs", 30], ["MAP0002", "C", 40, ""], ["MAP0003", "I", "-", "X"], ["MAP0004", "C", 41, 33]]
    response = post(api(world.user("member")), setting.project, csv_bytes(rows))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["absent"] == 4
    assert body["absent_by_measure"] == sorted([{"measure": setting.maths.id, "absent": 2},
                                                {"measure": setting.wellbeing.id, "absent": 2}],
                                               key=lambda e: e["measure"])
    assert OutcomeRecord.objects.count() == 4


def test_a_word_that_is_not_an_absence_code_is_still_an_error(world, api, setting):
    rows = [["UPN", "Group", "Score"], ["MAP0001", "I", "absent"], ["MAP0002", "C", "ill"], ["MAP0003", "C", 40]]
    response = post(api(world.user("member")), setting.project, csv_bytes(rows), measure=setting.maths)
    assert response.status_code == 400
    [group] = response.json()["error_groups"]
    assert (group["problem"], group["rows"], group["values"]) == ("not_a_number", "2-3", ["absent", "ill"])
    assert "absence code" in group["message"]


def test_a_file_where_every_pupil_is_absent_has_nothing_to_store(world, api, setting):
    rows = [["UPN", "Group", "Score"], ["MAP0001", "I", "abs"], ["MAP0002", "C", ""]]
    response = post(api(world.user("member")), setting.project, csv_bytes(rows), measure=setting.maths)
    assert response.status_code == 400
    [group] = response.json()["error_groups"]
    assert group["whole_file"] and "blank or marks the pupil absent" in group["message"]
    assert response.json()["absent"] == 2


def test_the_alliance_lead_edits_the_codes_and_the_import_follows(world, api, setting):
    lead = api(world.user("alliance_lead"))
    url = SETTINGS_URL.format(world.alliance.id)
    assert lead.get(url).json() == {"absence_codes": ["abs", "A", "X", "N/A", "-"],
                                    "default_absence_codes": ["abs", "A", "X", "N/A", "-"]}
    # when the lead replaces the list ("X" is a grade in their schools; "Absent" and "ill" mean absent)
    response = lead.patch(url, {"absence_codes": ["abs", "Absent", "ill", " ABS "]}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["absence_codes"] == ["abs", "Absent", "ill"]  # repeats (any case) once
    # then "absent" and "ill" are absences, "X" is now an error, and a blank is absent whatever the list
    rows = [["UPN", "Group", "Score"], ["MAP0001", "I", "ABSENT"], ["MAP0002", "C", "ill"], ["MAP0003", "I", ""],
            ["MAP0004", "C", "X"], ["MAP0005", "C", 40]]
    response = post(api(world.user("member")), setting.project, csv_bytes(rows), measure=setting.maths, dry_run=True)
    assert response.status_code == 400
    assert [(g["problem"], g["rows"]) for g in response.json()["error_groups"]] == [("not_a_number", "5")]
    assert response.json()["absent"] == 3
    # and another alliance keeps the defaults
    assert api(world.user("other")).get(SETTINGS_URL.format(world.other_alliance.id)).json()["absence_codes"] == [
        "abs", "A", "X", "N/A", "-"]


@pytest.mark.parametrize(("codes", "says"), [
    (["abs", "0"], "is a number"),
    (["abs", ""], "blank cell always"),
    (["x" * 21], "longer than 20"),
    ([f"code{i}" for i in range(21)], "At most 20"),
    ("abs", "list"),
])
def test_absence_codes_that_cannot_work_are_refused(world, api, codes, says):
    response = api(world.user("alliance_lead")).patch(SETTINGS_URL.format(world.alliance.id),
                                                      {"absence_codes": codes}, format="json")
    assert response.status_code == 400
    assert says in str(response.json())


def test_absent_pupils_count_in_attrition_as_no_score_at_that_stage(world, api):
    # given a project at the dissemination stage: 8 pupils at the baseline
    project = world.projects["dissemination"]
    client = api(world.user("member"))
    pupils = ids(8)
    baseline = [["UPN", "Group", "Score"]] + [[pid, "I" if i < 4 else "C", 40 + i] for i, pid in enumerate(pupils)]
    assert post(client, project, csv_bytes(baseline), measure=world.measure).status_code == 201
    # when the final file marks two intervention pupils absent
    final = [["UPN", "Group", "Score"]] + [[pid, "I" if i < 4 else "C", "abs" if i in (0, 1) else 50 + i]
                                           for i, pid in enumerate(pupils)]
    response = post(client, project, csv_bytes(final), stage="dissemination", measure=world.measure)
    assert response.status_code == 201 and response.json()["absent"] == 2
    # then the results count them as lost by the end, as a missing score would be
    measure = client.get(results_url(project)).json()["measures"][0]
    attrition = cell(measure["attrition"], group="intervention")
    assert (attrition["n_baseline"], attrition["n_final"], attrition["n_retained"]) == (4, 2, 2)
    assert cell(measure["attrition"], group="comparison")["n_retained"] == 4
