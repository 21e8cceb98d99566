"""Every page at 360 px wide, and the keyboard alone."""
import pytest
from playwright.sync_api import expect

from research.models import Project, Publication

pytestmark = pytest.mark.browser


def test_pages_fit_a_phone_screen(demo, visitor):
    # given the alliance lead on a 360 px wide screen
    phone = visitor("alliance.lead", viewport={"width": 360, "height": 740})
    phone.sign_in("alliance.lead")
    project = Project.objects.get(title="Verbal or visual feedback")
    finding = Publication.objects.get(title="The maths learning environment")
    for path, heading in [("/", "Your research"), ("/projects/new/", "Propose a research question"),
                          (f"/projects/{project.id}/", project.title), ("/alliance/", "Alliance queue"),
                          ("/findings/", "Findings library"), (f"/findings/{finding.slug}/", finding.title),
                          (f"/findings/{finding.slug}/report", finding.title)]:
        # when they open each page
        page = phone.visit(path, f"phone-{path.strip('/').replace('/', '-') or 'dashboard'}")
        # then it has loaded, and nothing is wider than the screen (no sideways scrolling)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, path


def test_signing_in_and_proposing_work_with_the_keyboard_alone(demo, visitor):
    # given a visitor on the sign-in page
    person = visitor("teacher.b")
    page = person.visit("/login/", "login")

    # when they press Tab once, the skip link is first, and it takes them to the content
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    # when they tab to the fields, type, and press Enter
    page.keyboard.press("Tab")
    expect(page.get_by_label("Username")).to_be_focused()
    page.keyboard.type("teacher.b")
    page.keyboard.press("Tab")
    page.keyboard.type("demo")
    page.keyboard.press("Enter")

    # then they are signed in
    page.wait_for_url(lambda url: "/login/" not in url)
    person.settle()
    expect(page.locator("#account")).to_contain_text("Ben Carter")

    # and on the proposal form the focused control shows a visible focus ring
    page = person.visit("/projects/new/", "propose")
    page.get_by_label("Title").focus()
    page.keyboard.press("Tab")
    focused = page.evaluate("""() => {
        const style = getComputedStyle(document.activeElement);
        return [document.activeElement.id, style.outlineStyle, style.outlineWidth];
    }""")
    assert focused == ["field-research_question", "solid", "3px"]
    person.screenshot("focus-ring")

    # when they send the empty form with Enter from the title
    page.get_by_label("Title").press("Enter")
    # then the error summary takes the focus, and its first link moves focus to its field
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Title")).to_be_focused()
    person.screenshot("errors-by-keyboard")
