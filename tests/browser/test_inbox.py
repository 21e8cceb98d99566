"""Issue 14, in Chromium: a project lead invites a colleague by name; the colleague sees the unread count in
the header, opens the inbox, accepts, and lands on the project as a member; the count drops."""
import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from research.demo import ALLIANCE_SLUG
from research.models import Invitation, Notification, Project, ProjectMember

pytestmark = pytest.mark.browser


def test_a_lead_invites_a_colleague_who_accepts_from_the_inbox(demo, visitor, axe):
    # given the demo's theory-stage project led by Priya Shah, without Chloe Evans (teacher.c) in its group,
    # and Chloe with nothing unread
    project = Project.objects.get(status="theory", lead__username="project.lead", alliance__slug=ALLIANCE_SLUG)
    chloe = get_user_model().objects.get(username="teacher.c")
    assert not ProjectMember.objects.filter(project=project, user=chloe).exists()
    Notification.objects.filter(recipient=chloe).update(read_at=timezone.now())

    # when the lead finds Chloe by name in the project's members section and invites her
    lead = visitor("project.lead")
    lead.sign_in("project.lead")
    page = lead.visit(f"/projects/{project.pk}/", "project")
    members = page.locator("#members")
    members.get_by_label("Colleague's name").fill("Chloe")
    members.get_by_role("button", name="Find colleagues").click()
    members.get_by_role("button", name="Invite Chloe Evans").click()
    # then the lead is told beside the button, and the button says she is invited
    expect(page.locator("#invite-status")).to_have_text(
        "Chloe Evans has been invited. They will see it in their inbox.")
    expect(members.get_by_role("button", name="Chloe Evans: invited")).to_be_disabled()
    expect(page.locator("#invitations-waiting")).to_contain_text("Chloe Evans, invited on")
    lead.screenshot("invited")
    assert Invitation.objects.get(project=project, invitee=chloe).status == "pending"

    # when Chloe signs in, the header shows one unread notification
    colleague = visitor("teacher.c")
    page = colleague.sign_in("teacher.c")
    expect(page.locator("#inbox-count")).to_have_text(" (1 unread)")
    expect(page.locator("#inbox-count")).to_have_attribute("aria-live", "polite")
    # and she opens the inbox from the header: the invitation and its notification are there
    page.get_by_role("link", name="Inbox (1 unread)").click()
    page.wait_for_url("**/inbox/")
    colleague.settle()
    colleague.screenshot("inbox")
    expect(page.locator("#invitation-list")).to_contain_text(project.title)
    expect(page.locator("#notification-list")).to_contain_text(f"Priya Shah invites you to join “{project.title}”.")
    assert axe.check(page, "inbox: an invitation and its notification") == []

    # when she accepts
    page.get_by_role("button", name=f"Accept and join “{project.title}”").click()
    # then she lands on the project, listed in its group, and the header's count has dropped
    page.wait_for_url(f"**/projects/{project.pk}/")
    colleague.settle()
    colleague.screenshot("member")
    expect(page.locator("#member-list")).to_contain_text("Chloe Evans")
    expect(page.locator("#inbox-count")).to_have_text("")
    assert ProjectMember.objects.filter(project=project, user=chloe).exists()
    # and the lead is told she accepted
    assert Notification.objects.filter(recipient__username="project.lead", kind="invitation_accepted",
                                       project=project).count() == 1
