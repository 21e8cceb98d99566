"""Headless Debian Chromium (through Playwright) against pytest-django's live server.

Playwright's sync API runs an event loop in this thread, so Django would refuse ORM calls made
here while it is active; the tests build their data with the ORM, hence the flag below.
"""
import os
import re
from pathlib import Path

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
PASSWORD = "demo"


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        message = f"Chromium is not installed at {CHROMIUM}"
        if os.environ.get("CHROMIUM_REQUIRED") == "1":
            pytest.fail(message + " (CHROMIUM_REQUIRED=1)")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


class Visitor:
    """One person's browser: signs in, visits pages and keeps a screenshot of every page seen."""

    def __init__(self, browser, base_url, test_name, who, viewport=None):
        self.context = browser.new_context(base_url=base_url, viewport=viewport or {"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.page.set_default_timeout(10_000)
        self.errors = []
        # An uncaught exception in a page module fails the test, whatever else it checks.
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.prefix = f"{re.sub(r'[^A-Za-z0-9_]+', '-', test_name)}-{who}"
        self.shots = 0

    def screenshot(self, label):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.shots += 1
        path = SCREENSHOTS / f"{self.prefix}-{self.shots:02d}-{label}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def settle(self):
        # Every page fetches its data as it loads; once the network is quiet it has rendered.
        self.page.wait_for_load_state("networkidle")

    def visit(self, path, label=None):
        self.page.goto(path)
        self.settle()
        self.screenshot(label or (path.strip("/").replace("/", "-") or "dashboard"))
        return self.page

    def sign_in(self, username):
        page = self.visit("/login/", "login")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(lambda url: "/login/" not in url)
        self.settle()
        self.screenshot("signed-in")
        return page


@pytest.fixture
def visitor(browser, live_server, request):
    """visitor("teacher.a") -> a fresh browser context for that person (not yet signed in)."""
    opened = []

    def open_for(who, **kwargs):
        person = Visitor(browser, live_server.url, request.node.name, who, **kwargs)
        opened.append(person)
        return person

    yield open_for
    for person in opened:
        person.context.close()
    for person in opened:
        assert person.errors == [], f"JavaScript errors in {person.prefix}: {person.errors}"


@pytest.fixture
def axe():
    """axe-core's record for this run: axe.check(page, label) -> violation lines (tests/browser/axe.py)."""
    from .axe import RECORD

    return RECORD


def pytest_terminal_summary(terminalreporter):
    """The accessibility run's summary (pages checked, violations), printed whether or not -s is given."""
    from .axe import RECORD

    if RECORD.checked:
        terminalreporter.section("accessibility (axe-core)")
        for line in RECORD.summary():
            terminalreporter.write_line(line)
        RECORD.write()


@pytest.fixture
def demo(transactional_db):
    """The demo alliance, built through the real services (logins with password 'demo')."""
    from research.demo import load_demo

    load_demo()
