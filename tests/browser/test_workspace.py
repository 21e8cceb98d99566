"""Issue 14: a project's page is a workspace, not a scroll. The stages are tabs (mouse and keyboard, the
current stage open, the address keeping the open tab); every save says so beside its button, read out;
evidence is edited and deleted in place (recorded); the plan is edited in the page (a revision once frozen)."""
import pytest
from playwright.sync_api import expect

from research.models import EvidenceChange, PlanSnapshot, Project

pytestmark = pytest.mark.browser

PROJECT = "Verbal or visual feedback"  # the demo's project in dissemination, led by project.lead


def open_project(visitor, who="project.lead", suffix=""):
    project = Project.objects.get(title=PROJECT)
    person = visitor(who)
    person.sign_in(who)
    return project, person, person.visit(f"/projects/{project.id}/{suffix}", "workspace")


def expect_open(page, label, kind):
    expect(page.get_by_role("tab", name=label)).to_have_attribute("aria-selected", "true")
    expect(page.get_by_role("tabpanel", name=label)).to_be_visible()
    for other in {"theory", "progress", "dissemination"} - {kind}:
        expect(page.locator(f"#stage-{other}")).to_be_hidden()


def test_the_stages_are_tabs_by_mouse_and_the_address_keeps_the_open_one(demo, visitor):
    # given the lead opens a project in dissemination
    project, lead, page = open_project(visitor)
    # then the current stage is open, the others hidden
    expect(page.get_by_role("tablist", name="Stages").get_by_role("tab")).to_have_text(
        ["Theory session", "Progress update", "Dissemination"])
    expect_open(page, "Dissemination", "dissemination")
    # when they click the theory session's tab
    page.get_by_role("tab", name="Theory session").click()
    # then its panel shows, with its form, and the address says so
    expect_open(page, "Theory session", "theory")
    expect(page.locator("form[data-stage='theory']").get_by_label("Agreed question")).to_be_visible()
    assert page.url.endswith("#stage-theory")
    lead.screenshot("theory-tab")
    # and opening that address again opens the same tab
    page.reload()
    lead.settle()
    expect_open(page, "Theory session", "theory")


def test_the_stages_are_tabs_by_keyboard(demo, visitor):
    project, lead, page = open_project(visitor)
    tab = page.get_by_role("tab", name="Dissemination")
    # given focus on the open tab (the only one in the tab order)
    expect(page.get_by_role("tab", name="Theory session")).to_have_attribute("tabindex", "-1")
    tab.focus()
    # when they press the arrow keys, Home and End / then each moves focus and opens that stage
    page.keyboard.press("ArrowLeft")
    expect(page.get_by_role("tab", name="Progress update")).to_be_focused()
    expect_open(page, "Progress update", "progress")
    page.keyboard.press("Home")
    expect(page.get_by_role("tab", name="Theory session")).to_be_focused()
    expect_open(page, "Theory session", "theory")
    page.keyboard.press("ArrowLeft")  # wraps round to the last
    expect(page.get_by_role("tab", name="Dissemination")).to_be_focused()
    expect_open(page, "Dissemination", "dissemination")
    page.keyboard.press("ArrowRight")
    expect_open(page, "Theory session", "theory")
    page.keyboard.press("End")
    expect_open(page, "Dissemination", "dissemination")
    # and Tab leaves the tab list for the open panel
    page.keyboard.press("Tab")
    expect(page.locator("#stage-dissemination")).to_be_focused()


def test_a_save_is_said_beside_its_button_and_read_out(demo, visitor):
    project, lead, page = open_project(visitor)
    form = page.locator("form[data-stage='dissemination']")
    # when the lead changes the conclusions and saves
    form.get_by_label("Conclusions").fill("Worth continuing in Year 5.")
    button = form.get_by_role("button", name="Save the dissemination")
    button.click()
    # then the message is the element right after the button, a live region
    beside = button.locator("xpath=following-sibling::*[1]")
    expect(beside).to_have_text("Dissemination saved.")
    expect(beside).to_have_attribute("role", "status")
    expect(page.locator("#status")).to_have_text("")  # not at the top of the page
    lead.screenshot("saved-beside-button")
    assert project.stages.get(kind="dissemination").conclusions == "Worth continuing in Year 5."

    # when a session is dated outside the project's academic year
    page.get_by_role("tab", name="Theory session").click()
    theory = page.locator("form[data-stage='theory']")
    theory.get_by_label("Session date").fill("2027-01-14")
    save = theory.get_by_role("button", name="Save the theory session")
    save.click()
    # then the refusal names the year's dates beside the date and the button, and asks to confirm
    expect(theory.locator("#theory-session_date-error")).to_contain_text("1 September 2025 to 31 August 2026")
    expect(save.locator("xpath=following-sibling::*[1]")).to_contain_text("Not saved")
    theory.get_by_label("The session really was held outside the academic year").check()
    save.click()
    expect(save.locator("xpath=following-sibling::*[1]")).to_have_text("Theory session saved.")
    assert project.stages.get(kind="theory").session_date.isoformat() == "2027-01-14"


def test_evidence_is_edited_and_deleted_in_place_and_each_change_is_recorded(demo, visitor):
    project, lead, page = open_project(visitor)
    form = page.locator("#evidence-form")
    # given a note the lead adds
    form.get_by_label("Title").fill("Pupil voice, Year 5")
    form.get_by_label("A note").check()
    form.get_by_label("Note", exact=True).fill("Pupils liked the visual marks.")
    form.get_by_role("button", name="Add evidence").click()
    expect(form.locator(".feedback")).to_contain_text("has been added")
    item = page.locator("#evidence-list li").filter(has_text="Pupil voice, Year 5")
    # when they edit its title and note
    item.get_by_role("button", name="Edit “Pupil voice, Year 5”").click()
    edit = item.locator("form")
    expect(edit.get_by_label("Title")).to_be_focused()
    edit.get_by_label("Title").fill("Pupil voice, Year 5 (spring)")
    edit.get_by_label("Note").fill("Pupils liked the visual marks best.")
    edit.get_by_role("button", name="Save “Pupil voice, Year 5”").click()
    # then the list shows the edit, and it is said (and focused) above the list
    expect(page.locator("#evidence-feedback")).to_have_text("“Pupil voice, Year 5 (spring)” saved.")
    expect(page.locator("#evidence-feedback")).to_be_focused()
    item = page.locator("#evidence-list li").filter(has_text="Pupil voice, Year 5 (spring)")
    expect(item).to_contain_text("Pupils liked the visual marks best.")
    lead.screenshot("evidence-edited")
    # when they delete it, confirming in the dialog
    item.get_by_role("button", name="Delete “Pupil voice, Year 5 (spring)”").click()
    page.get_by_role("dialog").get_by_role("button", name="Delete").click()
    # then it is gone, said so, and both changes are recorded with who made them
    expect(page.locator("#evidence-feedback")).to_have_text("“Pupil voice, Year 5 (spring)” has been deleted.")
    expect(page.locator("#evidence-list")).not_to_contain_text("Pupil voice, Year 5")
    assert list(EvidenceChange.objects.filter(project=project).values_list("action", "actor__username")) == [
        ("edited", "project.lead"), ("deleted", "project.lead")]


def test_the_plan_is_edited_in_the_page_and_saved_as_a_new_revision(demo, visitor):
    project, lead, page = open_project(visitor)
    revisions = PlanSnapshot.objects.filter(project=project).count()
    form = page.locator("#plan-form")
    expect(form.locator("#plan-frozen")).to_be_visible()
    # when the lead sharpens the question and says why
    form.get_by_label("Research question").fill("Is verbal or visual feedback more powerful for Year 5 writing?")
    form.get_by_label("Why the plan changed").fill("Narrowed to Year 5 after the progress update.")
    form.get_by_role("button", name="Save the plan").click()
    # then it is saved as a new revision, said beside the button, and the plan shows the question
    expect(form.locator(".feedback")).to_contain_text("new revision")
    expect(page.locator("dl.plan").first).to_contain_text("more powerful for Year 5 writing?")
    latest = PlanSnapshot.objects.filter(project=project).order_by("-revision").first()
    assert PlanSnapshot.objects.filter(project=project).count() == revisions + 1
    assert latest.research_question == "Is verbal or visual feedback more powerful for Year 5 writing?"
    assert latest.reason == "Narrowed to Year 5 after the progress update."
