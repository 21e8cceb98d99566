"""Issue 14, guards that protect the finding (research.lifecycle's conditions, research.services.stages).

- A finding rests on pupil scores for at least one measure at the baseline (theory) and the final
  session (dissemination): baseline scores to move into dissemination (final ones can only be given
  once there), both to publish; or the group's explicit choice of a qualitative enquiry, which the
  finding states.
- A session date falls in the project's academic year (1 September to 31 August), or is confirmed.
"""
import pytest

from research.models import Project

from ..world import write_progress
from .findings_support import spread, transition, upload_scores, write_dissemination

pytestmark = pytest.mark.django_db

NO_BASELINE = ("no baseline pupil scores (theory session) for any measure: upload them, or record that the "
               "project is a qualitative enquiry")
NO_FINAL = ("no pupil scores for any measure at both the baseline (theory session) and the final session "
            "(dissemination): upload them, or record that the project is a qualitative enquiry")
SCORES = {"intervention": spread(50, 8), "comparison": spread(49, 8)}


@pytest.fixture
def progress(world, api):
    """The world's progress project, its update written, not (or no longer) a qualitative enquiry."""
    project = world.projects["progress"]
    write_progress(project, world.user("member"))
    response = api(world.user("project_lead")).patch(f"/api/v1/projects/{project.pk}/", {"qualitative_enquiry": False},
                                                     format="json")
    assert response.status_code == 200 and response.json()["qualitative_enquiry"] is False
    return project


def advance(api, world, project):
    return transition(api, world.user("project_lead"), project, "advance")


def test_no_scores_and_no_qualitative_choice_keeps_the_project_out_of_dissemination(progress, world, api):
    # given a progress project with no pupil scores / when its lead moves it on
    response = advance(api, world, progress)
    # then 409, naming the missing scores, and the page's next step says the same
    assert response.status_code == 409
    assert response.json()["code"] == "guard_failed" and response.json()["conditions"] == [NO_BASELINE]
    detail = api(world.user("project_lead")).get(f"/api/v1/projects/{progress.pk}/").json()
    assert detail["next_step"] == {"action": "advance", "unmet": [NO_BASELINE]}
    assert Project.objects.get(pk=progress.pk).status == "progress"


def test_baseline_scores_open_dissemination_and_final_ones_are_needed_to_publish(progress, world, api):
    # given progress-update scores only (no baseline) / when the lead moves on / then still refused
    upload_scores(api, world, progress, world.measure, SCORES, stage="progress")
    assert advance(api, world, progress).json()["conditions"] == [NO_BASELINE]
    # and with baseline scores for the measure, it moves on
    upload_scores(api, world, progress, world.measure, SCORES, stage="theory")
    response = advance(api, world, progress)
    assert response.status_code == 200, response.content
    assert response.json()["to_status"] == "dissemination"
    # when the alliance lead publishes, its findings written, before the final scores / then refused
    write_dissemination(api, world, progress)
    publish = transition(api, world.user("alliance_lead"), progress, "publish")
    assert publish.status_code == 409 and publish.json()["conditions"] == [NO_FINAL]
    preview = api(world.user("alliance_lead")).get(f"/api/v1/projects/{progress.pk}/publication-preview/").json()
    assert preview["unmet"] == [NO_FINAL]
    # and with the final scores it is published
    upload_scores(api, world, progress, world.measure, SCORES, stage="dissemination")
    assert transition(api, world.user("alliance_lead"), progress, "publish").status_code == 200


def test_a_qualitative_enquiry_moves_on_without_scores_and_the_finding_says_so(progress, world, api):
    # given no scores; when a member (not the lead) tries to record a qualitative enquiry / then refused
    member = api(world.user("member")).patch(f"/api/v1/projects/{progress.pk}/", {"qualitative_enquiry": True},
                                             format="json")
    assert member.status_code == 403
    # when the project lead records it
    lead = api(world.user("project_lead")).patch(f"/api/v1/projects/{progress.pk}/", {"qualitative_enquiry": True},
                                                 format="json")
    assert lead.status_code == 200 and lead.json()["qualitative_enquiry"] is True
    # then the project moves on, and (once written) is published without scores, the finding stating the choice
    assert advance(api, world, progress).status_code == 200
    write_dissemination(api, world, progress)
    preview = api(world.user("alliance_lead")).get(f"/api/v1/projects/{progress.pk}/publication-preview/").json()
    assert preview["unmet"] == [] and preview["finding"]["qualitative_enquiry"] is True
    published = transition(api, world.user("alliance_lead"), progress, "publish")
    assert published.status_code == 200, published.content


def stage_patch(api, world, project, body):
    return api(world.user("member")).patch(f"/api/v1/projects/{project.pk}/stages/theory/", body, format="json")


def test_a_session_outside_the_academic_year_is_refused_naming_the_years_dates(world, api):
    # given the 2025/26 theory project / when a member dates its session in 2027
    project = world.projects["theory"]
    response = stage_patch(api, world, project, {"session_date": "2027-01-14", "reading": "EEF guidance"})
    # then 400, naming the year's first and last days, and nothing is stored
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "session_outside_academic_year"
    assert "2025/26 (1 September 2025 to 31 August 2026)" in body["detail"]
    assert body["errors"]["session_date"] == [body["detail"]]
    assert project.stages.get(kind="theory").session_date is None
    assert project.stages.get(kind="theory").reading == ""
    # and the day before the year starts is outside too; its last day is inside
    assert stage_patch(api, world, project, {"session_date": "2025-08-31"}).status_code == 400
    assert stage_patch(api, world, project, {"session_date": "2026-08-31"}).status_code == 200


def test_a_confirmed_date_outside_the_year_is_kept_and_not_asked_about_again(world, api):
    # given the theory project / when a member confirms a session held outside the year
    project = world.projects["theory"]
    response = stage_patch(api, world, project, {"session_date": "2026-09-03", "confirm_outside_year": True})
    # then it is kept
    assert response.status_code == 200 and response.json()["session_date"] == "2026-09-03"
    # and saving the stage again with the same date needs no second confirmation
    again = stage_patch(api, world, project, {"session_date": "2026-09-03", "reading": "More reading."})
    assert again.status_code == 200 and again.json()["writing"]["reading"] == "More reading."
