"""The plan editor: structured success criteria and the planned numbers' MDES, on the project page."""
import pytest
from playwright.sync_api import expect

from research.models import Measure, Project

from .test_project_page import accepted_project

pytestmark = pytest.mark.browser


def test_the_lead_adds_a_criterion_and_sees_the_mdes(demo, visitor):
    # given teacher.a leads an accepted project with no criteria or planned numbers
    project = accepted_project("Shared reading and writing")
    lead = visitor("teacher.a")
    lead.sign_in("teacher.a")
    page = lead.visit(f"/projects/{project.id}/", "plan-empty")
    expect(page.locator("#plan-criteria")).to_have_text("None agreed yet")
    expect(page.locator("#plan-power")).to_contain_text("Enter the planned pupils per group")
    form = page.locator("#plan-form")

    # when they add a criterion, fill it in, and record 50 pupils per group in 4 schools
    form.get_by_role("button", name="Add a criterion").click()
    expect(form.get_by_label("Measure (criterion 1)")).to_be_focused()
    form.get_by_label("Measure (criterion 1)").select_option(label="Writing assessment")
    form.get_by_label("Statistic (criterion 1)").select_option("effect_size")
    form.get_by_label("Comparison (criterion 1)").select_option(">=")
    form.get_by_label("Threshold (criterion 1)").fill("0.2")
    form.get_by_label("Pupils (criterion 1)").select_option(label="Disadvantaged pupils")
    expect(form.get_by_label("Score (criterion 1)")).to_be_hidden()
    form.get_by_label("Pupils per group").fill("50")
    form.get_by_label("Schools").fill("4")
    lead.screenshot("plan-filled")
    form.get_by_role("button", name="Save the plan").click()

    # then the plan shows the criterion in words and the MDES with its design, without a warning
    expect(form.locator(".feedback")).to_have_text("Plan saved.")
    expect(page.locator("#plan-criteria li")).to_have_text(
        ["Effect size on Writing assessment >= 0.20 for disadvantaged pupils"])
    expect(page.locator("#plan-power")).to_contain_text("0.37 SD")
    expect(page.locator("#plan-power")).to_contain_text("Pupils in both groups inside each of 4 schools")
    expect(page.locator("#plan-power .error-text")).to_have_count(0)
    expect(page.locator("#plan-power-preview")).to_contain_text("0.37 SD")
    lead.screenshot("plan-saved")
    # and the project holds them
    project.refresh_from_db()
    measure = Measure.objects.get(alliance=project.alliance, name="Writing assessment")
    assert project.success_criteria == [{"measure": measure.id, "statistic": "effect_size", "comparison": ">=",
                                         "threshold": 0.2, "score": None, "subgroup": "disadvantaged"}]
    assert (project.planned_pupils_per_group, project.planned_schools) == (50, 4)

    # when a smaller plan is saved, then the MDES is over 0.5 and the page warns
    form.get_by_label("Pupils per group").fill("12")
    form.get_by_label("Schools").fill("2")
    form.get_by_role("button", name="Save the plan").click()
    expect(page.locator("#plan-power .error-text")).to_contain_text("above 0.5")
    lead.screenshot("plan-warned")


def test_a_criterion_missing_its_score_is_named_and_reachable_from_the_summary(demo, visitor):
    # given the lead adds a percentage criterion and leaves out the score
    project = accepted_project("Percent reaching the standard")
    lead = visitor("teacher.a")
    lead.sign_in("teacher.a")
    page = lead.visit(f"/projects/{project.id}/", "plan")
    form = page.locator("#plan-form")
    form.get_by_role("button", name="Add a criterion").click()
    form.get_by_label("Measure (criterion 1)").select_option(label="Writing assessment")
    form.get_by_label("Statistic (criterion 1)").select_option("percent_at_or_above")
    form.get_by_label("Threshold (criterion 1)").fill("75")
    expect(form.get_by_label("Score (criterion 1)")).to_be_visible()
    # and a second criterion they then remove
    form.get_by_role("button", name="Add a criterion").click()
    form.get_by_role("button", name="Remove criterion 2").click()
    expect(form.locator(".criterion")).to_have_count(1)
    form.get_by_role("button", name="Save the plan").click()

    # then the error summary is focused and links to the score field, which is marked
    summary = form.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Score (criterion 1): Give the score pupils should reach")
    summary.get_by_role("link", name="Score (criterion 1): Give the score pupils should reach, as a number.").click()
    score = form.get_by_label("Score (criterion 1)")
    expect(score).to_be_focused()
    expect(score).to_have_attribute("aria-invalid", "true")
    lead.screenshot("criterion-error")
    assert Project.objects.get(pk=project.pk).success_criteria == []

    # when the score is given, then it saves and reads as agreed
    score.fill("65")
    form.get_by_role("button", name="Save the plan").click()
    expect(page.locator("#plan-criteria li")).to_have_text(["Pupils scoring 65 or more on Writing assessment >= 75%"])
    expect(form.locator(".error-summary")).to_have_count(0)


def test_people_who_cannot_edit_the_plan_read_it_and_the_finding_shows_the_criteria(demo, visitor):
    # given the demo's projects, planned (30 per group, 2 schools) with one criterion each
    reader = visitor("teacher.b")
    reader.sign_in("teacher.b")
    project = Project.objects.get(title="Succession planning in rural schools")
    page = reader.visit(f"/projects/{project.id}/", "plan-read-only")
    # then a teacher outside the group sees the criterion and the MDES, and no editor
    expect(page.locator("#plan-criteria li")).to_have_text(["Effect size on Pupil well-being scale >= 0.20"])
    expect(page.locator("#plan-power")).to_contain_text("0.48 SD")
    expect(page.locator("#plan-form")).to_be_hidden()
    # and the published finding shows the criterion frozen with its plan
    page = reader.visit("/findings/the-maths-learning-environment-"
                        f"{Project.objects.get(title='The maths learning environment').id}/", "finding-plan")
    expect(page.locator("#finding-criteria li")).to_have_text(["Effect size on Maths attainment test >= 0.20"])
