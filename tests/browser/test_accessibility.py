"""axe-core on every page, in each state that shows something different, at WCAG 2.2 AA: 0 violations.

Each person opens the pages they would (a visitor, a teacher in no project, project members,
the alliance lead), with the forms also shown with their errors, and each stage of a project
opened where the page shows stages one at a time. Every violation is listed with its rule,
impact, element and the fix; the run's summary (pages checked, violations) is printed at the end
and written to test-output/axe-summary.json.
"""
from pathlib import Path

import pytest
from django.urls import NoReverseMatch, reverse

from research.models import Project, Publication
from research.models.choices import Status

pytestmark = pytest.mark.browser

SAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "samples"
PROJECTS_BY_STATUS = {  # the demo's project at each status (research/demo.py)
    Status.PROPOSED: "Retrieval quizzes in Year 9 history", Status.THEORY: "Succession planning in rural schools",
    Status.PROGRESS: "Effective feedback for writing", Status.DISSEMINATION: "Verbal or visual feedback",
    Status.PUBLISHED: "The maths learning environment", Status.WITHDRAWN: "Homework clubs and attainment",
}


class Checker:
    """Runs axe on each page state and keeps every violation, so one run reports them all."""

    def __init__(self, axe):
        self.axe = axe
        self.found: dict[str, list[str]] = {}

    def check(self, person, label: str):
        person.settle()
        lines = self.axe.check(person.page, label)
        if lines:
            self.found[label] = lines
        return person.page

    def visit(self, person, path: str, label: str):
        person.visit(path, label.replace(" ", "-").replace("/", "-")[:60])
        return self.check(person, label)

    def each_tab(self, person, label: str) -> None:
        """Where a page shows parts one at a time (tabs), each part open in turn."""
        tabs = person.page.get_by_role("tab")
        for index in range(tabs.count()):
            tab = tabs.nth(index)
            if tab.is_visible():
                tab.click()
                self.check(person, f"{label}, tab {tab.inner_text().strip()[:40]}")


def reveal(page, selector: str):
    """The element, shown: its tab chosen if it sits in a closed tab panel, its <details> opened."""
    target = page.locator(selector).first
    if not target.is_visible():
        panel = target.evaluate("node => node.closest('[role=tabpanel]')?.id || ''")
        if panel:
            page.locator(f"[role=tab][aria-controls='{panel}']").first.click()
        target.evaluate("node => { const details = node.closest('details'); if (details) details.open = true; }")
    return target


def _optional_paths() -> list[tuple[str, str]]:
    """Pages another part of the product adds (the public evidence map), when this build has them."""
    paths = []
    for name, label in (("evidence-map", "evidence map"),):
        try:
            paths.append((reverse(name), label))
        except NoReverseMatch:
            pass
    return paths


def test_every_page_and_state_has_no_wcag_violations(demo, visitor, axe):
    check = Checker(axe)
    projects = {status: Project.objects.get(title=title) for status, title in PROJECTS_BY_STATUS.items()}
    finding = Publication.objects.get(title="The maths learning environment")

    # given a visitor who is not signed in
    guest = visitor("guest")
    check.visit(guest, "/", "landing (visitor)")
    page = check.visit(guest, "/login/", "sign in")
    page.get_by_role("button", name="Sign in").click()
    page.locator(".error-summary").wait_for()
    check.check(guest, "sign in, with errors")
    page.get_by_label("Username").fill("teacher.a")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    page.locator(".error-summary").wait_for()
    check.check(guest, "sign in, wrong password")
    check.visit(guest, "/findings/", "findings library")
    check.visit(guest, "/findings/?search=maths", "findings library, a search")
    check.visit(guest, f"/findings/{finding.slug}/", "a finding")
    check.visit(guest, f"/findings/{finding.slug}/report", "a finding's report")
    check.visit(guest, f"/projects/{projects[Status.PUBLISHED].id}/", "published project (visitor)")
    check.visit(guest, "/no-such-page/", "404")
    check.visit(guest, f"/projects/{projects[Status.THEORY].id}/", "a project the visitor may not see")
    for path, label in _optional_paths():
        page = check.visit(guest, path, label)
        strands = page.locator("main table a")
        if strands.count():
            strands.first.click()
            check.check(guest, f"{label}, a strand")

    # given a teacher in no project
    outsider = visitor("teacher.b")
    outsider.sign_in("teacher.b")
    check.check(outsider, "dashboard (teacher in no project)")
    page = check.visit(outsider, "/projects/new/", "propose")
    page.get_by_role("button", name="Send proposal").click()
    page.locator(".error-summary").first.wait_for()
    check.check(outsider, "propose, with errors")
    for status, project in projects.items():
        label = f"{status} project (non-member)"
        check.visit(outsider, f"/projects/{project.id}/", label)
        check.each_tab(outsider, label)

    # given the project lead, a member of every project
    member = visitor("project.lead")
    member.sign_in("project.lead")
    check.check(member, "dashboard (project lead)")
    check.visit(member, "/inbox/", "inbox (project lead)")
    for status, project in projects.items():
        label = f"{status} project (member)"
        check.visit(member, f"/projects/{project.id}/", label)
        check.each_tab(member, label)
    page = check.visit(member, f"/projects/{projects[Status.THEORY].id}/", "theory project (lead)")
    invite = reveal(page, "#invite-form")
    invite.get_by_label("Colleague's name").fill("Chloe")
    invite.get_by_role("button", name="Find colleagues").click()
    page.get_by_role("button", name="Invite Chloe Evans").wait_for()
    check.check(member, "theory project, colleagues found to invite")

    # given a member working on the project in dissemination: forms showing their errors
    teacher = visitor("teacher.a")
    teacher.sign_in("teacher.a")
    page = check.visit(teacher, f"/projects/{projects[Status.DISSEMINATION].id}/", "dissemination project (teacher)")
    evidence = reveal(page, "#evidence-form")
    evidence.get_by_role("button", name="Add evidence").click()
    evidence.locator(".error-summary").wait_for()
    check.check(teacher, "evidence form, with errors")
    outcome = reveal(page, "#outcome-form")
    outcome.get_by_label("Measure").select_option(label="Writing assessment (0–100)")
    outcome.get_by_label("File", exact=True).set_input_files(str(SAMPLES / "broken.csv"))
    outcome.get_by_role("button", name="Check first (dry run)").click()
    page.locator("#outcome-errors details.error-group").first.wait_for()
    page.locator("#outcome-errors details.error-group summary").first.click()
    check.check(teacher, "outcome upload, a broken file's problems and the matching screen")

    # given the alliance lead
    lead = visitor("alliance.lead")
    lead.sign_in("alliance.lead")
    check.check(lead, "dashboard (alliance lead)")
    page = check.visit(lead, "/alliance/", "alliance page (lead)")
    for action in ("decline", "publish"):  # the confirmation, and the publication preview, open in a dialog
        page.locator(f"button[data-action='{action}']").first.click()
        dialog = page.get_by_role("dialog")
        dialog.get_by_role("button", name="Cancel").wait_for()
        check.check(lead, f"alliance page, the {action} dialog open")
        dialog.get_by_role("button", name="Cancel").click()
        dialog.wait_for(state="hidden")
    schools = page.locator("section.alliance-schools").first
    schools.get_by_label("URN", exact=True).fill("12345")
    schools.get_by_role("button", name="Add school").click()
    schools.get_by_role("alert").wait_for()
    check.check(lead, "alliance page, a school form with errors")
    check.visit(lead, f"/projects/{projects[Status.PROPOSED].id}/", "proposed project (alliance lead)")
    check.visit(lead, f"/projects/{projects[Status.DISSEMINATION].id}/", "dissemination project (alliance lead)")

    # then no page state has a violation
    report = [f"{label}:\n  " + "\n  ".join(lines) for label, lines in check.found.items()]
    assert not check.found, f"{len(report)} page states with violations:\n" + "\n".join(report)
    assert len(axe.checked) >= 36


def test_the_check_names_each_violation_with_rule_impact_element_and_fix(browser, live_server):
    # given a page with an image without alt text and a field without a label
    from .axe import describe, violations

    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_content('<html lang="en"><head><title>t</title></head><body><main><h1>t</h1>'
                     '<img src="/static/frontend/favicon.svg"><input id="x"></main></body></html>')
    # when axe runs on it
    lines = describe(violations(page))
    context.close()
    # then each violation is listed with its rule id, impact, target and what to do
    assert any(line.startswith("image-alt (critical) at img: Images must have alternative text") for line in lines)
    assert any(line.startswith("label (critical) at #x") for line in lines)
