"""A teacher proposes a research question; a failed save keeps everything typed."""
import re

import pytest
from playwright.sync_api import expect

from research.models import Project

pytestmark = pytest.mark.browser

QUESTION = "Does pre-teaching vocabulary help Year 5 pupils write better explanations?"


def test_teacher_proposes_after_fixing_the_errors_the_api_reports(demo, visitor):
    # given teacher.a, signed in, on the proposal form
    teacher = visitor("teacher.a")
    page = teacher.sign_in("teacher.a")
    expect(page.get_by_role("heading", name="My projects")).to_be_visible()
    page = teacher.visit("/projects/new/", "propose-empty")
    too_long_title = "Vocabulary " * 25

    # when they send a title over 200 characters and no research question
    page.get_by_label("Title").fill(too_long_title)
    page.get_by_label("Subject").select_option(label="Writing")
    page.get_by_label("Phase").select_option(label="Key stage 2")
    page.get_by_label("Feedback").check()
    page.get_by_label(re.compile(r"^Writing assessment")).check()
    page.get_by_role("button", name="Send proposal").click()

    # then a focused summary lists both problems, each linking to its field, and nothing is lost
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("There is a problem")
    expect(summary.get_by_role("link", name=re.compile(r"^Title: .*200 characters"))).to_be_visible()
    expect(summary.get_by_role("link", name=re.compile(r"^Research question: This field (is required|may not be blank)"))).to_be_visible()
    expect(page.locator("#field-title-error")).to_contain_text("200 characters")
    expect(page.get_by_label("Title")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Title")).to_have_value(too_long_title)
    expect(page.get_by_label("Feedback")).to_be_checked()
    teacher.screenshot("propose-errors")
    assert not Project.objects.filter(research_question=QUESTION).exists()

    # when they follow the summary's link to the question field
    summary.get_by_role("link", name=re.compile(r"^Research question")).click()
    # then that field has the focus
    expect(page.get_by_label("Research question")).to_be_focused()

    # when they reload the page before fixing anything
    page = teacher.visit("/projects/new/", "propose-restored")
    # then the draft kept in the browser is back
    expect(page.get_by_label("Title")).to_have_value(too_long_title)
    expect(page.get_by_label(re.compile(r"^Writing assessment"))).to_be_checked()

    # when they fix both fields and send again
    page.get_by_label("Title").fill("Pre-teaching vocabulary for explanation writing")
    page.get_by_label("Research question").fill(QUESTION)
    page.get_by_role("button", name="Send proposal").click()

    # then they land on the new project's page, proposed, with what they chose
    page.wait_for_url(re.compile(r"/projects/\d+/$"))
    teacher.settle()
    teacher.screenshot("proposed-project")
    project = Project.objects.get(research_question=QUESTION)
    assert page.url.endswith(f"/projects/{project.id}/")
    assert project.lead.username == "teacher.a"
    assert [m.name for m in project.measures.all()] == ["Writing assessment"]
    assert [t.slug for t in project.themes.all()] == ["feedback"]
    expect(page.get_by_role("heading", level=1)).to_have_text("Pre-teaching vocabulary for explanation writing")
    expect(page.locator("#project-status")).to_have_text("Proposed")
    expect(page.locator("#next-step")).to_contain_text("The alliance lead accepts or declines")

    # and the draft is gone: a new proposal starts empty
    page = teacher.visit("/projects/new/", "propose-after-success")
    expect(page.get_by_label("Title")).to_have_value("")


def test_signed_out_visitor_is_sent_to_sign_in_and_back(demo, visitor):
    # given nobody signed in
    guest = visitor("guest")
    # when they open the proposal form
    page = guest.visit("/projects/new/", "redirected")
    # then they are asked to sign in, and come back to the form afterwards
    expect(page).to_have_url(re.compile(r"/login/\?next=/projects/new/$"))
    page.get_by_label("Username").fill("teacher.b")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".error-summary")).to_contain_text("do not match")
    guest.screenshot("wrong-password")
    page.get_by_label("Password").fill("demo")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/projects/new/$"))
    guest.settle()
    expect(page.get_by_role("heading", level=1)).to_have_text("Propose a research question")
    expect(page.locator("#account")).to_contain_text("Ben Carter")
    guest.screenshot("back-on-form")

    # when they sign out from the header
    page.get_by_role("button", name="Sign out").click()
    # then they are on the sign-in page and the API no longer knows them
    page.wait_for_url(re.compile(r"/login/$"))
    guest.settle()
    assert page.request.get("/api/v1/me/").status in (401, 403)
