"""The front door: a visitor learns what this is, sees the latest findings, and signs in from there."""
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from research.models.publication import Publication, PublicationStatus

pytestmark = pytest.mark.browser


def test_a_visitor_reads_what_this_is_sees_the_latest_findings_and_signs_in(demo, visitor):
    newest = list(Publication.objects.filter(status=PublicationStatus.PUBLISHED)
                  .order_by("-published_at", "-id").values_list("title", flat=True)[:5])
    # given a visitor who is not signed in
    guest = visitor("guest")
    # when they open the site's address
    page = guest.visit("/", "landing")
    # then they read what the product is, in plain words for teachers
    expect(page.get_by_role("heading", level=1)).to_have_text("Research by teachers, across schools")
    expect(page.locator("main")).to_contain_text("agree a research question about their own classrooms")
    # and see the latest published findings, newest first, each linking to its page
    cards = page.locator("#latest-findings .card-title a")
    expect(cards).to_have_count(len(newest))
    assert cards.all_inner_texts() == newest
    cards.first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(newest[0])
    # when they go back and choose Sign in
    page = guest.visit("/", "landing-again")
    page.locator("main").get_by_role("link", name="Sign in").click()
    page.get_by_label("Username").fill("teacher.a")
    page.get_by_label("Password").fill("demo")
    page.get_by_role("button", name="Sign in").click()
    # then they arrive at their dashboard, at the same address the visitor saw the front door
    expect(page.get_by_role("heading", level=1)).to_have_text("Your research")
    assert urlparse(page.url).path == "/"
    guest.screenshot("dashboard")


def test_the_front_door_fits_a_phone_screen(demo, visitor):
    # given a visitor on a 360 px wide screen
    phone = visitor("guest", viewport={"width": 360, "height": 740})
    # when they open the front door
    page = phone.visit("/", "phone-landing")
    # then it has loaded its findings and nothing is wider than the screen
    expect(page.locator("#latest-findings .card")).to_have_count(5)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
