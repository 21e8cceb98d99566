"""The whole journey in one browser run: a teacher proposes; the alliance lead accepts; the group records
the theory session and uploads a baseline file (checked first: the name columns are dropped); advances;
uploads final data; writes dissemination; the lead publishes; an anonymous visitor finds the finding by
search in the library, sees its chart and alt text, and opens the printable report."""
import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from research.models import OutcomeRecord, Project, Publication
from research.services.members import join_request_create, join_request_decide

pytestmark = pytest.mark.browser

TITLE = "Sentence stems for explanation writing"
QUESTION = "Do sentence stems help Year 5 pupils write clearer science explanations?"
NOT_WORKED = "Stems for the conclusion paragraph made every explanation sound the same."
PUPILS = 12  # per group: comfortably above the alliance's minimum cell size of 6


def scores(stage, *, names=False):
    """Intervention pupils at St Aidan's (teacher.a's school), comparison at Fellside (teacher.b's)."""
    rows = ["UPN,First name,Surname,Date of birth,Group,School,Pupil Premium,Score" if names
            else "UPN,Group,School,Pupil Premium,Score"]
    for i in range(2 * PUPILS):
        intervention = i < PUPILS
        score = 40 + i % PUPILS + (0 if stage == "baseline" else 14 + i % 3 if intervention else 4 + i % 2)
        person = f"Pupil{i},Example{i},2015-0{1 + i % 9}-1{i % 10}," if names else ""
        rows.append(f"JRNY{i:04d},{person}{'Intervention' if intervention else 'Comparison'},"
                    f"{900003 if intervention else 900004},{'Yes' if i % 4 == 0 else 'No'},{score}")
    return ("\n".join(rows) + "\n").encode()


def csv_file(name, content):
    return {"name": name, "mimeType": "text/csv", "buffer": content}


def save_stage(page, kind, values, button):
    form = page.locator(f"form[data-stage='{kind}']")
    for label, value in values.items():
        form.get_by_label(label, exact=True).fill(value)
    form.get_by_role("button", name=button).click()
    expect(form.locator(".feedback")).to_contain_text("saved")


def move_on(page, button, status):
    page.get_by_role("button", name=button).click()
    expect(page.locator("#project-status")).to_have_text(status)


def test_from_proposal_to_a_published_finding_found_by_an_anonymous_visitor(demo, visitor):
    # given teacher.a proposes a question on the form
    teacher = visitor("teacher.a")
    teacher.sign_in("teacher.a")
    page = teacher.visit("/projects/new/", "propose")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Research question").fill(QUESTION)
    page.get_by_label("Subject").select_option(label="Writing")
    page.get_by_label("Phase").select_option(label="Key stage 2")
    page.get_by_label("Feedback").check()
    page.get_by_label(re.compile(r"^Writing assessment")).check()
    page.get_by_role("button", name="Send proposal").click()
    page.wait_for_url(re.compile(r"/projects/\d+/$"))
    teacher.settle()
    teacher.screenshot("proposed")
    project = Project.objects.get(title=TITLE)

    # when the alliance lead accepts it from the queue
    lead = visitor("alliance.lead")
    lead.sign_in("alliance.lead")
    queue = lead.visit("/alliance/", "queue")
    queue.get_by_role("button", name=f"Accept the proposal: {TITLE}").click()
    expect(queue.locator("section.alliance > .feedback")).to_contain_text("The proposal has been accepted")
    lead.screenshot("accepted")

    # and a colleague from a second school joins (the join screens have their own tests), and
    # teacher.c, outside the project, follows it from its page
    users = get_user_model().objects
    request = join_request_create(actor=users.get(username="teacher.b"), project=project)
    join_request_decide(actor=users.get(username="teacher.a"), project=project, request_id=request.id, approve=True)
    follower = visitor("teacher.c")
    follower.sign_in("teacher.c")
    follower_page = follower.visit(f"/projects/{project.id}/", "before-following")
    follower_page.get_by_role("button", name="Follow this project").click()
    expect(follower_page.locator(".project-head .feedback")).to_contain_text("You follow this project")
    expect(follower_page.get_by_role("button", name="Stop following this project")).to_be_visible()
    expect(follower_page.locator("#outcome-data")).to_be_hidden()

    # when the group records the theory session
    page = teacher.visit(f"/projects/{project.id}/", "theory")
    save_stage(page, "theory", {"Session date": "2026-09-23", "Attendees": "Amira Hussain\nBen Carter",
                                "Agreed question": QUESTION}, "Save the theory session")

    # and checks its baseline file first (a dry run)
    upload = page.locator("#outcome-form")
    expect(upload.get_by_label("Stage")).to_have_value("theory")
    upload.get_by_label("Measure").select_option(label="Writing assessment (0–100)")
    upload.get_by_label("File", exact=True).set_input_files(csv_file("baseline.csv", scores("baseline", names=True)))
    upload.get_by_role("button", name="Check first (dry run)").click()

    # then the preview says what would be stored, and that the name columns were removed, not stored
    preview = page.locator("#outcome-preview")
    expect(preview).to_contain_text("Checked: nothing has been stored yet")
    expect(preview).to_contain_text(f"{2 * PUPILS} rows read: {2 * PUPILS} scores would be stored")
    expect(preview.locator("#columns-dropped")).to_have_text(
        "These identifying columns were removed and not stored: First name, Surname, Date of birth.")
    expect(preview.get_by_role("table", name="Scores by measure and group")).to_contain_text("Intervention")
    expect(preview).to_contain_text("Read as csv in long format")
    teacher.screenshot("baseline-dry-run")
    assert not OutcomeRecord.objects.filter(stage__project=project).exists()

    # when they upload it
    upload.get_by_role("button", name="Upload", exact=True).click()
    expect(preview).to_contain_text("Uploaded")
    expect(page.locator("#outcome-uploads")).to_contain_text("Theory session: Writing assessment")
    expect(page.locator("#results")).to_be_visible()
    teacher.screenshot("baseline-uploaded")
    assert OutcomeRecord.objects.filter(stage__project=project, stage__kind="theory").count() == 2 * PUPILS

    # and move on, write the progress update, and move on again
    move_on(page, "Move on to the progress update", "Progress update")
    save_stage(page, "progress", {"Key learning": "Stems help most when pupils choose them.",
                                  "Impact on practice": "We model one stem a lesson."}, "Save the progress update")
    move_on(page, "Move on to dissemination", "Dissemination")

    # and upload the final scores for dissemination, and write up what they found
    expect(upload.get_by_label("Stage")).to_have_value("dissemination")
    upload.get_by_label("Measure").select_option(label="Writing assessment (0–100)")
    upload.get_by_label("File", exact=True).set_input_files(csv_file("final.csv", scores("final")))
    upload.get_by_role("button", name="Upload", exact=True).click()
    expect(preview).to_contain_text("Uploaded")
    expect(page.locator("#results")).to_contain_text("Final scores, intervention vs comparison")
    save_stage(page, "dissemination", {
        "Findings": "Pupils using sentence stems improved their explanation writing more than the comparison classes.",
        "Conclusions": "Worth continuing in Year 5.", "Recommendations": "Introduce three stems at a time.",
        "What did not work": NOT_WORKED}, "Save the dissemination")
    teacher.screenshot("ready-to-publish")

    # when the alliance lead publishes it
    queue = lead.visit("/alliance/", "publish")
    queue.get_by_role("button", name=f"Publish the findings: {TITLE}").click()
    # (first what will be public, then the confirmation: tests/browser/test_safe_publishing.py)
    dialog = queue.get_by_role("dialog")
    expect(dialog.get_by_role("region", name="What will be public")).to_contain_text(NOT_WORKED)
    dialog.get_by_role("button", name="Publish these findings").click()
    expect(queue.locator("section.alliance > .feedback")).to_contain_text("The findings are published")
    lead.screenshot("published")
    finding = Publication.objects.get(project=project)

    # then an anonymous visitor finds it by searching the library
    guest = visitor("guest")
    library = guest.visit("/findings/", "library")
    library.get_by_label("Search").fill("sentence stems")
    library.get_by_role("button", name="Search").click()
    library.wait_for_url(re.compile(r"/findings/\?search=sentence\+stems"))
    guest.settle()
    expect(library.locator("#findings-count")).to_have_text("1 finding for “sentence stems”")
    result = library.locator("#findings-list li").first
    expect(result).to_contain_text(QUESTION)
    expect(result).to_contain_text("Intervention did better")
    expect(result).to_contain_text("Northfield Teaching School Alliance")
    guest.screenshot("search-results")

    # and opens it: question, what did not work, and its charts, each drawn and described
    result.get_by_role("link", name=TITLE).click()
    library.wait_for_url(f"**/findings/{finding.slug}/")
    guest.settle()
    expect(library.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(library.locator("#finding")).to_contain_text(NOT_WORKED)
    expect(library.locator("#finding-context")).to_contain_text("fewer than 30")
    chart = library.locator("#finding-results figure img").first
    alt_text = library.request.get(chart.get_attribute("src").replace(".svg", ".json")).json()["alt_text"]
    expect(chart).to_have_attribute("alt", alt_text)
    library.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=chart.element_handle())
    guest.screenshot("finding")

    # and opens the printable report, which prints without the site's navigation or buttons
    library.get_by_role("link", name="Printable report").click()
    library.wait_for_url(f"**/findings/{finding.slug}/report")
    guest.settle()
    expect(library.locator("#finding")).to_contain_text("What did not work")
    expect(library.get_by_role("link", name="Results table (CSV, for a spreadsheet)")).to_be_visible()
    guest.screenshot("report")
    library.emulate_media(media="print")
    for hidden in (".site-header", "nav", "#print-button", "a.button"):
        expect(library.locator(hidden).first).to_be_hidden()
    expect(library.locator("#finding-results figure img").first).to_be_visible()
    guest.screenshot("report-printed")

    # and teacher.c's dashboard has the news, newest first
    dashboard = follower.visit("/", "dashboard-feed")
    expect(dashboard.locator("#feed-list li").first).to_contain_text(f"{TITLE} was published")
