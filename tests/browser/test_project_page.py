"""A project's page: the theory session, what is still needed to move on, joining, evidence."""
import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from research import lifecycle
from research.models import Alliance, Evidence, Measure, PlanSnapshot, Project
from research.services.projects import project_propose

pytestmark = pytest.mark.browser

AGREED = "Do shared reading routines improve Year 4 writing across our schools?"


def user(username):
    return get_user_model().objects.get(username=username)


def accepted_project(title):
    """teacher.a's proposal, accepted: at the theory stage, with a measure and one school."""
    alliance = Alliance.objects.get(slug="northfield")
    project = project_propose(actor=user("teacher.a"), alliance=alliance, title=title,
                              research_question="Does shared reading help writing?", subject="writing", phase="ks2",
                              academic_year="2025/26", measures=[Measure.objects.get(alliance=alliance,
                                                                                    name="Writing assessment")])
    lifecycle.project_transition(project_id=project.pk, action="accept", actor=user("alliance.lead"))
    return project


def test_project_lead_records_the_theory_session_then_advances_once_all_is_met(demo, visitor):
    # given teacher.a leads an accepted project with nothing recorded yet
    project = accepted_project("Shared reading routines")
    lead = visitor("teacher.a")
    lead.sign_in("teacher.a")
    page = lead.visit(f"/projects/{project.id}/", "theory-empty")
    next_step = page.locator("#next-step")
    expect(next_step).to_contain_text("no agreed research question for the theory session")
    expect(next_step).to_contain_text("no session date for the theory session")
    expect(next_step).to_contain_text("members from 1 school, 2 needed")

    # when they record the session date, attendees and agreed question
    theory = page.locator("form[data-stage='theory']")
    theory.get_by_label("Session date").fill("2025-10-01")
    theory.get_by_label("Attendees").fill("Amira Hussain\nBen Carter")
    theory.get_by_label("Agreed question").fill(AGREED)
    theory.get_by_role("button", name="Save the theory session").click()

    # then the page says it is saved, beside the button, and lists only what is still missing
    expect(theory.locator(".feedback")).to_have_text("Theory session saved.")
    expect(next_step).not_to_contain_text("no agreed research question")
    expect(next_step).not_to_contain_text("no session date")
    expect(page.locator("#unmet-conditions li")).to_have_text(["members from 1 school, 2 needed"])
    lead.screenshot("theory-saved")
    theory_stage = project.stages.get(kind="theory")
    assert theory_stage.agreed_question == AGREED
    assert theory_stage.attendees == ["Amira Hussain", "Ben Carter"]

    # when they try to move on anyway
    page.get_by_role("button", name="Move on to the progress update").click()
    # then the refusal names the unmet condition, and nothing moved
    expect(page.locator("#action-error")).to_contain_text("members from 1 school, 2 needed")
    expect(page.locator("#action-error")).to_be_focused()
    lead.screenshot("advance-refused")
    project.refresh_from_db()
    assert project.status == "theory"

    # when a teacher from another school asks to join
    colleague = visitor("teacher.b")
    colleague.sign_in("teacher.b")
    other_page = colleague.visit(f"/projects/{project.id}/", "before-joining")
    other_page.get_by_label("Message to the project lead (optional)").fill("I teach Year 4 at Fellside.")
    other_page.get_by_role("button", name="Ask to join").click()
    expect(other_page.locator("#join-pending")).to_contain_text("The project lead will answer")
    colleague.screenshot("asked-to-join")

    # and the project lead approves the request
    page = lead.visit(f"/projects/{project.id}/", "join-request")
    expect(page.locator("#join-requests")).to_contain_text("I teach Year 4 at Fellside.")
    page.get_by_role("button", name="Approve Ben Carter").click()

    # then Ben is in the group and nothing stands in the way
    expect(page.locator("#member-list")).to_contain_text("Ben Carter")
    expect(next_step).to_contain_text("Everything needed is in place")
    lead.screenshot("ready-to-advance")

    # when they move on
    page.get_by_role("button", name="Move on to the progress update").click()
    # then the project is at the progress update, and the plan is frozen with the agreed question
    expect(page.locator("#project-status")).to_have_text("Progress update")
    expect(page.locator("#timeline .step-current")).to_contain_text("Progress update")
    expect(page.locator("form[data-stage='progress']")).to_be_visible()
    lead.screenshot("advanced")
    project.refresh_from_db()
    assert project.status == "progress"
    assert PlanSnapshot.objects.get(project=project).agreed_question == AGREED


def test_member_uploads_a_text_file_as_evidence_and_sees_it_listed(demo, visitor):
    # given teacher.a, a member (not the lead) of a project at the theory stage
    project = Project.objects.get(title="Succession planning in rural schools")
    member = visitor("teacher.a")
    member.sign_in("teacher.a")
    page = member.visit(f"/projects/{project.id}/", "project")
    expect(page.locator("#actions")).to_be_hidden()  # only leads take decisions
    form = page.locator("#evidence-form")

    # when they upload a reflective log as a plain-text file, for the whole alliance
    form.get_by_label("Kind").select_option(label="Reflective log")
    form.get_by_label("Title").fill("Reflective log, week 3")
    form.get_by_label("Who can see it").select_option(label="Whole alliance")
    form.get_by_label("File", exact=True).set_input_files(
        {"name": "week3.txt", "mimeType": "text/plain", "buffer": b"Pupils asked better questions this week.\n"})
    form.get_by_role("button", name="Add evidence").click()

    # then it is listed with who can see it and a working download link
    item = page.locator("#evidence-list li").filter(has_text="Reflective log, week 3")
    expect(item).to_contain_text("Whole alliance")
    expect(item).to_contain_text("Theory session")
    link = item.get_by_role("link", name="Download week3.txt")
    expect(link).to_be_visible()
    expect(form.locator(".feedback")).to_contain_text("has been added")
    member.screenshot("evidence-listed")
    evidence = Evidence.objects.get(title="Reflective log, week 3")
    assert (evidence.visibility, evidence.filename, evidence.uploader.username) == ("alliance", "week3.txt", "teacher.a")
    download = page.request.get(link.get_attribute("href"))
    assert download.status == 200
    assert download.body() == b"Pupils asked better questions this week.\n"


def test_evidence_upload_errors_are_shown_in_place(demo, visitor):
    # given a member on the evidence form
    project = Project.objects.get(title="Succession planning in rural schools")
    member = visitor("teacher.a")
    member.sign_in("teacher.a")
    page = member.visit(f"/projects/{project.id}/", "project")
    form = page.locator("#evidence-form")
    # when they send a program disguised as a PDF, with no title
    form.get_by_label("File", exact=True).set_input_files(
        {"name": "notes.pdf", "mimeType": "application/pdf", "buffer": b"MZ\x90\x00" + b"\x00" * 64})
    form.get_by_role("button", name="Add evidence").click()
    # then the title's error shows beside it, and nothing was stored
    expect(form.locator(".error-summary")).to_contain_text("There is a problem")
    expect(form.locator("#evidence-title-error")).to_be_visible()
    member.screenshot("evidence-errors")
    # when they give a title and send the disguised file again
    form.get_by_label("Title").fill("Lesson notes")
    form.get_by_role("button", name="Add evidence").click()
    # then the summary says what the file really is, the file field is marked, and the title is kept
    expect(form.locator(".error-summary")).to_contain_text("looks like a Windows program")
    expect(form.locator("#evidence-file-error")).to_contain_text("File type not accepted")
    expect(form.locator("#evidence-title-error")).to_have_count(0)
    expect(form.get_by_label("Title")).to_have_value("Lesson notes")
    member.screenshot("evidence-file-refused")
    assert not Evidence.objects.exists()


def test_teacher_of_another_alliance_sees_not_found_and_nothing_of_the_draft(demo, visitor):
    # given a proposed project in Northfield, and a teacher from Riverside
    draft = Project.objects.get(title="Retrieval quizzes in Year 9 history")
    outsider = visitor("other.teacher")
    outsider.sign_in("other.teacher")
    # when they open its page
    page = outsider.visit(f"/projects/{draft.id}/", "draft-of-another-alliance")
    # then they read "not found or you do not have access", and none of the project's text
    expect(page.locator("#not-found")).to_be_visible()
    expect(page.locator("#not-found")).to_contain_text("not found, or you do not have access")
    html = page.content()
    for secret in (draft.title, draft.research_question, draft.lead.get_full_name()):
        assert secret not in html
    assert page.title().startswith("Page not found")

    # but a published project of that alliance is open to them
    published = Project.objects.get(title="The maths learning environment")
    page = outsider.visit(f"/projects/{published.id}/", "published-project")
    expect(page.get_by_role("heading", level=1)).to_have_text("The maths learning environment")
    expect(page.locator("#not-found")).to_be_hidden()


def test_a_stale_page_is_told_the_project_has_moved_on(demo, visitor):
    # given the project lead's page, loaded while the project is at the theory stage
    project = Project.objects.get(title="Succession planning in rural schools")
    lead = visitor("project.lead")
    lead.sign_in("project.lead")
    page = lead.visit(f"/projects/{project.id}/", "project")
    # when the alliance lead withdraws it meanwhile, and the stale page asks to advance
    lifecycle.project_transition(project_id=project.pk, action="withdraw", actor=user("alliance.lead"))
    page.get_by_role("button", name="Move on to the progress update").click()
    # then the page says someone else moved it on and offers a reload; nothing else changed
    error = page.locator("#action-error")
    expect(error).to_contain_text("someone else has moved it on")
    expect(error.get_by_role("link", name=re.compile("Reload the page"))).to_be_visible()
    lead.screenshot("stale")
    project.refresh_from_db()
    assert project.status == "withdrawn"


def test_unpublishing_needs_a_reason_which_is_recorded(demo, visitor):
    # given the alliance lead on a published project's page
    project = Project.objects.get(title="The maths learning environment")
    lead = visitor("alliance.lead")
    lead.sign_in("alliance.lead")
    page = lead.visit(f"/projects/{project.id}/", "published")

    # when they unpublish and confirm without giving a reason
    page.get_by_role("button", name="Unpublish").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("button", name="Unpublish").click()
    # then the dialog stays open asking for one, and nothing changed
    expect(dialog.locator("#confirm-reason-error")).to_have_text("Give a reason.")
    expect(dialog.get_by_label("Reason")).to_be_focused()
    lead.screenshot("reason-needed")
    project.refresh_from_db()
    assert project.status == "published"

    # when they give the reason and confirm
    dialog.get_by_label("Reason").fill("A school asked us to check the consent forms.")
    dialog.get_by_role("button", name="Unpublish").click()
    # then the project is back in dissemination, with the reason on its record
    expect(page.locator("#project-status")).to_have_text("Dissemination")
    expect(page.locator("#action-feedback")).to_contain_text("The findings have been unpublished")
    expect(page.locator("#action-feedback")).to_be_focused()
    lead.screenshot("unpublished")
    project.refresh_from_db()
    assert project.status == "dissemination"
    assert project.transitions.last().comment == "A school asked us to check the consent forms."


def test_member_adds_a_note_and_an_empty_one_is_refused_beside_the_note(demo, visitor):
    # given a member choosing to add a note rather than a file
    project = Project.objects.get(title="Succession planning in rural schools")
    member = visitor("teacher.a")
    member.sign_in("teacher.a")
    page = member.visit(f"/projects/{project.id}/", "project")
    form = page.locator("#evidence-form")
    form.get_by_label("Title").fill("Pupil voice, Year 6")
    form.get_by_label("A note").check()
    expect(form.get_by_label("File", exact=True)).to_be_hidden()

    # when they send it empty
    form.get_by_role("button", name="Add evidence").click()
    # then the error is beside the note they can see, not the hidden file field
    expect(form.locator("#evidence-text-error")).to_contain_text("exactly one of a file, a link or a text")
    expect(form.locator("#evidence-file-error")).to_have_count(0)
    member.screenshot("empty-note")

    # when they write the note and send it
    form.get_by_label("Note", exact=True).fill("Pupils said the new routine made them braver about asking.")
    form.get_by_role("button", name="Add evidence").click()
    # then the note is listed with its text, visible to the group only by default
    item = page.locator("#evidence-list li").filter(has_text="Pupil voice, Year 6")
    expect(item).to_contain_text("Pupils said the new routine made them braver about asking.")
    expect(item).to_contain_text("Project group only")
    member.screenshot("note-listed")
    assert Evidence.objects.get(title="Pupil voice, Year 6").visibility == "group"
