"""Issue 14, safe publishing: the alliance lead first sees the finding as the public will read it, then
confirms; the result is said beside the buttons (focus there), and the writing is then read-only."""
import pytest
from playwright.sync_api import expect

from research.models import Project, Publication

pytestmark = pytest.mark.browser

PROJECT = "Verbal or visual feedback"  # the demo's project in dissemination: scores and writing in place
FINDINGS = "Intervention classes made more progress than comparison classes on the main measure."


def test_the_lead_previews_confirms_and_the_writing_is_then_read_only(demo, visitor, axe):
    # given the alliance lead on the project's page
    project = Project.objects.get(title=PROJECT)
    lead = visitor("alliance.lead")
    lead.sign_in("alliance.lead")
    page = lead.visit(f"/projects/{project.id}/", "before-publishing")

    # when they choose to publish
    page.get_by_role("button", name="Publish the findings").click()
    # then the dialog shows what will be public, as the finding reads, before anything is published
    dialog = page.get_by_role("dialog")
    preview = dialog.get_by_role("region", name="What will be public")
    expect(dialog.get_by_role("heading", name=f"Publish “{PROJECT}”?")).to_be_visible()
    expect(preview.get_by_role("heading", name=PROJECT)).to_be_visible()
    expect(preview).to_contain_text(project.research_question)
    expect(preview).to_contain_text(FINDINGS)
    expect(preview).to_contain_text("Pupil scores at the baseline and the final session")
    expect(preview).to_contain_text("Writing assessment: g = ")
    expect(preview).to_contain_text(f"to be published at /findings/verbal-or-visual-feedback-{project.pk}/ (version 1)")
    lead.screenshot("preview")
    assert axe.check(page, "publication preview dialog (alliance lead)") == []
    assert not Publication.objects.filter(project=project).exists()

    # when they cancel / then nothing is published
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    assert Project.objects.get(pk=project.pk).status == "dissemination"

    # when they open it again and confirm
    page.get_by_role("button", name="Publish the findings").click()
    headline = preview.locator("h4:has-text('In short') + p").inner_text()
    dialog.get_by_role("button", name="Publish these findings").click()
    # then the result is said beside the decision buttons, read out, with focus there
    said = page.locator("#action-feedback")
    expect(said).to_have_text(f"{PROJECT}: The findings are published.")
    expect(said).to_be_focused()
    expect(said).to_have_attribute("role", "status")
    expect(page.locator("#action-buttons").locator("xpath=following-sibling::*[1]")).to_have_id("action-feedback")
    expect(page.locator("#project-status")).to_have_text("Published")
    lead.screenshot("published")
    assert axe.check(page, "project just published, read-only (alliance lead)") == []

    # and the writing is read-only: said so, no stage form, no evidence or plan form
    expect(page.locator("#read-only")).to_contain_text("read-only")
    expect(page.locator("#read-only")).to_contain_text("unpublish the findings, giving a reason")
    expect(page.locator("form[data-stage]")).to_have_count(0)
    expect(page.locator("#stage-dissemination")).to_contain_text(FINDINGS)
    expect(page.locator("#evidence-form")).to_be_hidden()
    expect(page.locator("#plan-form")).to_be_hidden()

    # and an anonymous reader reads what the preview showed
    publication = Publication.objects.get(project=project)
    guest = visitor("guest")
    finding = guest.visit(f"/findings/{publication.slug}/", "finding")
    expect(finding.get_by_role("heading", level=1)).to_have_text(PROJECT)
    expect(finding.locator("#finding-headline p").first).to_have_text(headline)
    expect(finding.locator("#finding")).to_contain_text(FINDINGS)
    expect(finding.locator("#finding-context")).to_contain_text("Pupil scores at the baseline and the final session")


def test_a_member_sees_the_published_project_read_only(demo, visitor):
    # given a published demo project and one of its members
    project = Project.objects.get(title="The maths learning environment")
    member = visitor("teacher.a")
    member.sign_in("teacher.a")
    page = member.visit(f"/projects/{project.id}/", "published-member")
    # then the page says it is read-only and offers no way to write, while showing the writing
    expect(page.locator("#read-only")).to_be_visible()
    expect(page.locator("form[data-stage]")).to_have_count(0)
    expect(page.locator("#evidence-form")).to_be_hidden()
    expect(page.locator("#evidence-list").get_by_role("button")).to_have_count(0)
    expect(page.get_by_role("tabpanel", name="Dissemination")).to_contain_text("Findings")
