"""The alliance lead's queue: deciding proposals, what dissemination projects still need, the pipeline."""
import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from research.models import Alliance, Project, StageTransition
from research.services.projects import project_propose

pytestmark = pytest.mark.browser


def propose(username, title):
    teacher = get_user_model().objects.get(username=username)
    return project_propose(actor=teacher, alliance=Alliance.objects.get(slug="northfield"), title=title,
                           research_question=f"{title}: does it work?", subject="maths", phase="ks2",
                           academic_year="2025/26")


def test_alliance_lead_accepts_a_proposal_from_the_queue(demo, visitor):
    # given a teacher's fresh proposal
    project = propose("teacher.a", "Maths talk in Year 4")
    lead = visitor("alliance.lead")
    lead.sign_in("alliance.lead")

    # when the alliance lead opens the queue
    page = lead.visit("/alliance/", "queue")
    proposals = page.locator("section.queue").filter(has_text="Proposals to decide")
    # then the proposal is there with its question, among the others waiting
    expect(proposals).to_contain_text("Maths talk in Year 4")
    expect(proposals).to_contain_text("Maths talk in Year 4: does it work?")
    pipeline = page.get_by_role("table", name="Projects at each status")
    expect(pipeline.get_by_role("row", name=re.compile(r"^Proposed 3$"))).to_be_visible()

    # when they accept it
    page.get_by_role("button", name="Accept the proposal: Maths talk in Year 4").click()

    # then it leaves the queue, the change is announced, and the project is at the theory stage
    said = page.locator("section.alliance > .feedback")
    expect(said).to_contain_text("Maths talk in Year 4: The proposal has been accepted")
    expect(said).to_be_focused()
    expect(proposals).not_to_contain_text("Maths talk in Year 4")
    expect(pipeline.get_by_role("row", name=re.compile(r"^Proposed 2$"))).to_be_visible()
    lead.screenshot("accepted")
    project.refresh_from_db()
    assert project.status == "theory"
    assert StageTransition.objects.filter(project=project, action="accept").count() == 1


def test_declining_asks_first_and_cancel_changes_nothing(demo, visitor):
    # given a proposal in the queue
    project = propose("teacher.b", "Reading dogs")
    lead = visitor("alliance.lead")
    lead.sign_in("alliance.lead")
    page = lead.visit("/alliance/", "queue")

    # when the lead clicks decline, then cancels the confirmation
    page.get_by_role("button", name="Decline the proposal: Reading dogs").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Decline this proposal?")
    lead.screenshot("confirm-decline")
    dialog.get_by_role("button", name="Cancel").click()
    # then nothing happened
    expect(dialog).to_be_hidden()
    project.refresh_from_db()
    assert project.status == "proposed"

    # when they decline and confirm
    page.get_by_role("button", name="Decline the proposal: Reading dogs").click()
    dialog.get_by_role("button", name="Decline the proposal").click()
    # then the proposal is declined
    expect(page.locator("section.alliance > .feedback")).to_contain_text("Reading dogs: The proposal has been declined")
    lead.screenshot("declined")
    project.refresh_from_db()
    assert project.status == "declined"


def test_queue_lists_dissemination_projects_with_what_they_still_need(demo, visitor):
    # given the demo project in dissemination, with its findings removed
    project = Project.objects.get(title="Verbal or visual feedback")
    project.stages.filter(kind="dissemination").update(findings="")
    lead = visitor("alliance.lead")
    lead.sign_in("alliance.lead")

    # when the alliance lead opens the queue
    page = lead.visit("/alliance/", "queue")
    publishing = page.locator("section.queue").filter(has_text="In dissemination")

    # then the project is listed with the unmet condition, and publishing it is refused clearly
    expect(publishing).to_contain_text("Verbal or visual feedback")
    expect(publishing).to_contain_text("no findings written for dissemination")
    page.get_by_role("button", name="Publish the findings: Verbal or visual feedback").click()
    # (the preview says it first: tests/browser/test_safe_publishing.py)
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Not ready to publish")
    expect(dialog.locator(".conditions")).to_contain_text("no findings written for dissemination")
    dialog.get_by_role("button", name="Publish these findings").click()
    refusal = publishing.locator("li.card").filter(has_text="Verbal or visual feedback").locator(".error-summary")
    expect(refusal).to_contain_text("cannot publish yet")
    expect(refusal).to_be_focused()
    lead.screenshot("publish-refused")
    project.refresh_from_db()
    assert project.status == "dissemination"


def test_queue_is_for_alliance_leads_only(demo, visitor):
    # given a teacher who leads no alliance
    teacher = visitor("teacher.b")
    teacher.sign_in("teacher.b")
    # when they open the queue
    page = teacher.visit("/alliance/", "queue")
    # then they are told it is not for them, and no proposal is shown
    expect(page.locator("#not-lead")).to_contain_text("This page is for alliance leads")
    expect(page.locator("main")).not_to_contain_text("Retrieval quizzes")
    expect(page.locator("#nav-alliance")).to_be_hidden()


def test_lead_sees_the_pooled_synthesis_pipeline_and_collaboration_charts(demo, visitor):
    # given the alliance lead, whose alliance has two attainment projects with between-group results
    lead = visitor("alliance.lead")
    lead.sign_in("alliance.lead")
    # when they open the queue
    page = lead.visit("/alliance/", "synthesis")
    # then the pooled effect is tabled with its spread between projects and which projects count
    pooled = page.get_by_role("table", name="Effect pooled across projects (random effects)")
    attainment = pooled.get_by_role("row").filter(has_text="Attainment")
    expect(attainment).to_contain_text("The maths learning environment")
    expect(attainment).to_contain_text("Verbal or visual feedback")
    expect(attainment).to_contain_text("τ² =")
    expect(attainment).to_contain_text("not pooled: Effective feedback for writing (No comparison group")
    # and the counts come from the pipeline endpoint
    counts = page.get_by_role("table", name="Projects at each status")
    expect(counts.get_by_role("row", name=re.compile(r"^Published 5$"))).to_be_visible()
    # and the forest, pipeline and collaboration charts are drawn, each with its data
    for name in ("forest", "pipeline", "collaboration"):
        image = page.locator(f"img[src$='/charts/{name}.svg']")
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
        csv = page.request.get(image.get_attribute("src").replace(".svg", ".csv"))
        assert csv.status == 200
    lead.screenshot("charts")


def test_alliance_charts_carry_their_alt_text(demo, visitor):
    # given the alliance lead on the queue
    lead = visitor("alliance.lead")
    lead.sign_in("alliance.lead")
    page = lead.visit("/alliance/", "queue")
    # then each chart's alt text is the description the API gives for it
    for name in ("forest", "pipeline", "collaboration"):
        image = page.locator(f"img[src$='/charts/{name}.svg']")
        described = page.request.get(image.get_attribute("src").replace(".svg", ".json"))
        assert described.status == 200, f"{name}.json answered {described.status}"
        expect(image).to_have_attribute("alt", described.json()["alt_text"])
