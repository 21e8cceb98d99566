"""Structured success criteria on a project: the API's contract, the checks, who may set them."""
import pytest

from research.models import Project

from ..factories import MeasureFactory
from ..world import ROLES

pytestmark = pytest.mark.django_db

EFFECT = {"measure": None, "statistic": "effect_size", "comparison": ">=", "threshold": 0.2}


@pytest.fixture
def project(world):
    """The theory project, with the Maths test (0-100) and a well-being scale (12-60)."""
    project = world.projects["theory"]
    scale = MeasureFactory(alliance=world.alliance, name="Well-being scale", kind="well-being", scale_min=12,
                           scale_max=60)
    project.measures.add(scale)
    project.scale = scale
    return project


def patch(api, user, project, body):
    return api(user).patch(f"/api/v1/projects/{project.id}/", body, format="json")


def stored(project) -> list:
    return Project.objects.get(pk=project.pk).success_criteria


def test_the_lead_sets_criteria_and_reads_them_back_with_labels(world, api, project):
    # given the theory project, when its lead sends three criteria
    body = {"success_criteria": [
        {**EFFECT, "measure": world.measure.id, "subgroup": "disadvantaged"},
        {"measure": project.scale.id, "statistic": "mean_change", "comparison": ">=", "threshold": 3},
        {"measure": world.measure.id, "statistic": "percent_at_or_above", "comparison": ">=", "threshold": 75,
         "score": 60, "subgroup": None},
    ]}
    response = patch(api, world.user("project_lead"), project, body)
    # then they are stored in a normal form (score only where it applies, subgroup null for all pupils)
    assert response.status_code == 200, response.json()
    assert stored(project) == [
        {"measure": world.measure.id, "statistic": "effect_size", "comparison": ">=", "threshold": 0.2,
         "score": None, "subgroup": "disadvantaged"},
        {"measure": project.scale.id, "statistic": "mean_change", "comparison": ">=", "threshold": 3.0,
         "score": None, "subgroup": None},
        {"measure": world.measure.id, "statistic": "percent_at_or_above", "comparison": ">=", "threshold": 75.0,
         "score": 60.0, "subgroup": None},
    ]
    # and the detail answers with each criterion's label
    assert [c["label"] for c in response.json()["success_criteria"]] == [
        "Effect size on Maths test >= 0.20 for disadvantaged pupils",
        "Mean change on Well-being scale >= 3 points",
        "Pupils scoring 60 or more on Maths test >= 75%",
    ]
    assert api(world.user("teacher")).get(f"/api/v1/projects/{project.id}/").json()["success_criteria"] == \
        response.json()["success_criteria"]


def test_free_text_stays_as_success_notes(world, api, project):
    # given the project, when the lead writes notes beside the criteria
    response = patch(api, world.user("project_lead"), project, {"success_notes": "Pupils say they enjoy maths more."})
    # then the notes are kept and shown, and the criteria list is untouched (empty)
    assert response.status_code == 200
    assert (response.json()["success_notes"], response.json()["success_criteria"]) == (
        "Pupils say they enjoy maths more.", [])


def test_the_old_free_text_form_is_refused_with_a_pointer(world, api, project):
    # given the project, when a script still sends success_criteria as text
    response = patch(api, world.user("project_lead"), project, {"success_criteria": "Scores rise."})
    # then it is a 400 saying a list is expected, and nothing changes
    assert response.status_code == 400
    assert response.json()["errors"] == {"success_criteria": ["Send a list of criteria (an empty list for none)."]}
    assert stored(project) == []


@pytest.mark.parametrize("item, field, words", [
    ({"statistic": "effect_size", "comparison": ">=", "threshold": 0.2}, "measure", "Choose one of the project's"),
    ({**EFFECT, "measure": 999999}, "measure", "not one of this project's measures (Maths test, Well-being scale)"),
    ({**EFFECT, "statistic": "median"}, "statistic", "Choose effect_size, mean_change or percent_at_or_above"),
    ({**EFFECT, "comparison": ">"}, "comparison", "Choose >= (at least) or <= (at most)"),
    ({**EFFECT, "comparison": "<=", "threshold": "high"}, "threshold", "Give the threshold as a number"),
    ({**EFFECT, "threshold": True}, "threshold", "Give the threshold as a number"),
    ({**EFFECT, "threshold": 4}, "threshold", "between \u22123 and 3 SD"),
    ({**EFFECT, "subgroup": "boys"}, "subgroup", "Choose disadvantaged, send, eal"),
    ({**EFFECT, "score": 50}, "score", "Only a percent_at_or_above criterion takes a score"),
    ({**EFFECT, "statistic": "percent_at_or_above", "threshold": 70}, "score", "Give the score pupils should reach"),
    ({**EFFECT, "statistic": "percent_at_or_above", "threshold": 101, "score": 50}, "threshold", "from 0 to 100"),
    ({**EFFECT, "statistic": "percent_at_or_above", "threshold": 70, "score": 101}, "score",
     "Must be within the Maths test scale, 0 to 100, not 101"),
    ({**EFFECT, "statistic": "mean_change", "threshold": -150}, "threshold", "at most 100 points either way"),
], ids=["no measure", "foreign measure", "statistic", "comparison", "text threshold", "boolean threshold",
        "huge effect", "subgroup", "score on effect size", "percent without score", "percent over 100",
        "score off the scale", "change beyond the scale"])
def test_each_bad_criterion_is_named_by_its_place_and_field(world, api, project, item, field, words):
    # given a good first criterion and a bad second one
    item = {**item, "measure": world.measure.id} if item.get("measure", 0) is None else item
    body = {"success_criteria": [{**EFFECT, "measure": world.measure.id}, item]}
    # when the lead sends them
    response = patch(api, world.user("project_lead"), project, body)
    # then the answer is 400 naming success_criteria[1].<field> with a message a teacher can act on
    assert response.status_code == 400
    data = response.json()
    assert data["code"] == "invalid"
    assert list(data["errors"]) == [f"success_criteria[1].{field}"]
    assert words in data["errors"][f"success_criteria[1].{field}"][0]
    assert f"success_criteria[1].{field}: " in data["detail"]
    # and nothing was stored
    assert stored(project) == []


def test_every_problem_in_every_criterion_is_listed_at_once(world, api, project):
    # given two criteria with two problems each
    body = {"success_criteria": [
        {"measure": world.measure.id, "statistic": "percent_at_or_above", "comparison": "=", "threshold": 70},
        {"measure": project.scale.id, "statistic": "percent_at_or_above", "comparison": ">=", "threshold": -5,
         "score": 70},
    ]}
    # when sent, then all four are named
    response = patch(api, world.user("project_lead"), project, body)
    assert response.status_code == 400
    assert sorted(response.json()["errors"]) == [
        "success_criteria[0].comparison", "success_criteria[0].score",
        "success_criteria[1].score", "success_criteria[1].threshold"]
    assert "Well-being scale scale, 12 to 60, not 70" in response.json()["errors"]["success_criteria[1].score"][0]


def test_items_that_are_not_objects_or_carry_unknown_fields_are_refused(world, api, project):
    # given a list holding a string and an object with a stray field
    body = {"success_criteria": ["0.2 SD", {**EFFECT, "measure": world.measure.id, "colour": "red"}]}
    response = patch(api, world.user("project_lead"), project, body)
    # then both items are named
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "success_criteria[0]": ["Each criterion is an object with measure, statistic, comparison and threshold."],
        "success_criteria[1]": ["Unknown field: colour."],
    }


def test_a_repeated_criterion_is_refused(world, api, project):
    criterion = {**EFFECT, "measure": world.measure.id}
    response = patch(api, world.user("project_lead"), project, {"success_criteria": [criterion, dict(criterion)]})
    assert response.status_code == 400
    assert response.json()["errors"] == {"success_criteria[1]": ["Repeats criterion 1."]}


def test_more_than_twenty_criteria_are_refused(world, api, project):
    criteria = [{**EFFECT, "measure": world.measure.id, "threshold": i / 100} for i in range(21)]
    response = patch(api, world.user("project_lead"), project, {"success_criteria": criteria})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["success_criteria"]


def test_labels_sent_back_are_ignored(world, api, project):
    # given a client that PATCHes back what it read, label included
    criterion = {**EFFECT, "measure": world.measure.id, "label": "Anything at all"}
    response = patch(api, world.user("project_lead"), project, {"success_criteria": [criterion]})
    # then it is accepted and the label is the product's own
    assert response.status_code == 200
    assert response.json()["success_criteria"][0]["label"] == "Effect size on Maths test >= 0.20"
    assert "label" not in stored(project)[0]


def test_criteria_are_checked_against_the_measures_sent_in_the_same_request(world, api, project):
    # given a new measure that the project does not have yet
    attendance = MeasureFactory(alliance=world.alliance, name="Attendance")
    body = {"measures": [world.measure.id, attendance.id],
            "success_criteria": [{**EFFECT, "measure": attendance.id, "comparison": "<=", "threshold": -0.1}]}
    # when both arrive together, then the criterion on the new measure is accepted
    response = patch(api, world.user("project_lead"), project, body)
    assert response.status_code == 200, response.json()
    assert response.json()["success_criteria"][0]["label"] == "Effect size on Attendance <= \u22120.10"


def test_dropping_a_measure_a_criterion_uses_is_refused_until_the_criterion_goes(world, api, project):
    # given a criterion on the well-being scale
    lead = world.user("project_lead")
    assert patch(api, lead, project, {"success_criteria": [{**EFFECT, "measure": project.scale.id}]}).status_code == 200
    # when the scale is removed from the measures alone, then 400 on measures, and nothing changes
    response = patch(api, lead, project, {"measures": [world.measure.id]})
    assert response.status_code == 400
    assert response.json()["errors"]["measures"] == [
        "Success criterion 1 is on Well-being scale, which this change removes: change or remove the criterion "
        "first (or in the same request)."]
    assert set(project.measures.values_list("id", flat=True)) == {world.measure.id, project.scale.id}
    # and removing both together works
    response = patch(api, lead, project, {"measures": [world.measure.id], "success_criteria": []})
    assert response.status_code == 200
    assert (response.json()["measures"], stored(project)) == ([world.measure.id], [])


def test_proposing_with_criteria_checks_them_against_the_proposed_measures(world, api):
    # given a proposal with a criterion on a measure it does not choose
    other = MeasureFactory(alliance=world.alliance, name="Spelling test")
    body = {"alliance": world.alliance.id, "title": "Spelling", "research_question": "Does it help?",
            "subject": "english", "phase": "ks2", "academic_year": "2025/26", "measures": [world.measure.id],
            "success_criteria": [{**EFFECT, "measure": other.id}]}
    response = api(world.user("teacher")).post("/api/v1/projects/", body, format="json")
    # then 400 names the criterion's measure, and no project is made
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["success_criteria[0].measure"]
    assert not Project.objects.filter(title="Spelling").exists()
    # and with the measure chosen, the project is proposed with its criterion
    response = api(world.user("teacher")).post(
        "/api/v1/projects/", {**body, "measures": [world.measure.id, other.id]}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["success_criteria"][0]["label"] == "Effect size on Spelling test >= 0.20"


# anonymous, other alliance's lead, teacher, member, project lead, alliance lead, staff
EXPECTED = dict(zip(ROLES, (401, 404, 403, 403, 200, 200, 200)))


@pytest.mark.parametrize("role", ROLES)
def test_only_those_who_edit_the_plan_set_criteria(world, api, project, role):
    # given each role, when they send a criterion
    body = {"success_criteria": [{**EFFECT, "measure": world.measure.id}]}
    response = patch(api, world.user(role), project, body)
    # then the plan's editors (project lead, alliance lead, staff) may; the group's members may not
    assert response.status_code == EXPECTED[role]
    assert len(stored(project)) == (1 if EXPECTED[role] == 200 else 0)
