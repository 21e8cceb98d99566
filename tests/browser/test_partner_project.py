"""A partner alliance's teacher joins a cross-alliance project (issue 15), and loses it when the partnership ends."""
import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from research.models import Partnership, Project
from research.services.partnerships import partnership_end

pytestmark = pytest.mark.browser


def test_a_partner_teacher_joins_a_shared_project(demo, visitor):
    # given the demo: Northfield and Riverside in partnership, a Northfield project at its theory session opened
    # to Riverside
    users = {u.username: u for u in get_user_model().objects.all()}
    partnership = Partnership.objects.get(status="active")
    project = Project.objects.get(title="Succession planning in rural schools", shares__alliance__slug="riverside")

    # when Riverside's teacher opens it and asks to join
    partner = visitor("other.teacher")
    partner.sign_in("other.teacher")
    page = partner.visit(f"/projects/{project.id}/", "shared-project")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Succession planning in rural schools")
    page.get_by_label("Message to the project lead (optional)").fill("Our rural schools face the same question.")
    page.get_by_role("button", name="Ask to join").click()
    expect(page.locator("#join-pending")).to_contain_text("The project lead will answer")
    partner.screenshot("asked")

    # and the project lead approves
    lead = visitor("project.lead")
    lead.sign_in("project.lead")
    lead_page = lead.visit(f"/projects/{project.id}/", "join-request")
    expect(lead_page.locator("#join-requests")).to_contain_text("Our rural schools face the same question.")
    lead_page.get_by_role("button", name="Approve Owen Price").click()
    # then the partner's teacher is in the group, from their own school
    expect(lead_page.locator("#member-list")).to_contain_text("Owen Price")
    expect(lead_page.locator("#member-list")).to_contain_text("Riverside Primary")
    lead.screenshot("partner-in-group")

    # when the partnership ends, the project is closed to them again
    partnership_end(actor=users["other.teacher"], partnership=partnership)
    page = partner.visit(f"/projects/{project.id}/", "after-the-partnership")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.get_by_role("button", name="Ask to join")).to_have_count(0)
    assert project.memberships.filter(user=users["other.teacher"]).count() == 0
    assert partner.errors == [] and lead.errors == []
