"""Issue 13 on the project page: a school's own export (three spellings of the project's schools) and a
wide file with headings that are not the library's names go through the mapping screen once; the next
file spelt the same way is stored without asking. Synthetic pupils only (MAP0001...)."""
import pytest
from playwright.sync_api import expect

from research.models import ImportAlias, OutcomeRecord, Project, School

pytestmark = pytest.mark.browser

SPELLINGS = {"Hollins Brook": "900002", "St Aidans CE": "900003", "ST AIDAN'S PRIMARY": "900003"}


def school_export(start: int) -> dict:
    """A long file, four pupils per spelling; the School column as the school's system writes it."""
    lines = ["UPN,Group,School,Score"]
    for n, spelling in enumerate(SPELLINGS):
        for i in range(4):
            pupil = start + n * 4 + i
            lines.append(f"MAP{pupil:04d},{'Intervention' if i % 2 == 0 else 'Comparison'},{spelling},{40 + i}")
    return {"name": "export.csv", "mimeType": "text/csv", "buffer": ("\n".join(lines) + "\n").encode()}


def wide_export() -> dict:
    lines = ["UPN,Group,School,Writing (summer),Wellbeing (WEMWBS)"]
    lines += [f"MAP{100 + i:04d},{'I' if i % 2 else 'C'},Hollins Brook,{50 + i},{30 + i}" for i in range(6)]
    return {"name": "wide.csv", "mimeType": "text/csv", "buffer": ("\n".join(lines) + "\n").encode()}


def test_unknown_spellings_are_matched_once_and_remembered(demo, visitor):
    # given a member of the project in dissemination, on its outcome data form
    project = Project.objects.get(title="Verbal or visual feedback")
    before = OutcomeRecord.objects.filter(stage__project=project).count()
    school_id = {urn: School.objects.get(urn=urn).id for urn in set(SPELLINGS.values())}
    measures = {m.name: m.id for m in project.measures.all()}
    member = visitor("teacher.a")
    member.sign_in("teacher.a")
    page = member.visit(f"/projects/{project.id}/", "project")
    form = page.locator("#outcome-form")
    form.get_by_label("Measure").select_option(label="Writing assessment (0–100)")

    # when they check a file whose School column spells the two schools three ways
    form.get_by_label("File", exact=True).set_input_files(school_export(1))
    form.get_by_role("button", name="Check first (dry run)").click()

    # then the problems are one collapsed group (not twelve rows), worst first
    errors = page.locator("#outcome-errors")
    expect(errors).to_be_focused()
    expect(errors).to_contain_text("The file has 1 problem in 12 rows; nothing was saved.")
    groups = errors.locator("details.error-group")
    expect(groups).to_have_count(1)
    expect(groups.first.locator("summary")).to_contain_text("School: 12 rows (2-13)")
    expect(groups.first).not_to_have_attribute("open", "")
    # and the mapping screen lists each spelling with a choice of schools, the most alike first
    mapping = page.locator("#outcome-mapping")
    expect(mapping).to_be_visible()
    for spelling in SPELLINGS:
        expect(mapping.get_by_label(f"“{spelling}”")).to_be_visible()
    expect(mapping.get_by_text("4 rows, in column School")).to_have_count(3)
    member.screenshot("mapping-schools")

    # when they choose each school and upload with these matches
    for spelling, urn in SPELLINGS.items():
        mapping.get_by_label(f"“{spelling}”").select_option(str(school_id[urn]))
    mapping.get_by_role("button", name="Upload with these matches").click()

    # then the file is stored under the right schools, and the matches are the alliance's now
    preview = page.locator("#outcome-preview")
    expect(preview).to_contain_text("12 rows read: 12 scores were stored.")
    expect(preview.locator("#outcome-mapped")).to_contain_text("“Hollins Brook” (4 rows) is Hollins Brook Primary")
    expect(mapping).to_be_hidden()
    member.screenshot("stored-with-matches")
    stored = OutcomeRecord.objects.filter(stage__project=project, pupil_key__isnull=False).count()
    assert stored == before + 12
    assert {(a.value, a.school_id) for a in ImportAlias.objects.filter(role="school")} == {
        (spelling, school_id[urn]) for spelling, urn in SPELLINGS.items()}

    # when they check a wide file whose measure headings are not the library's names
    form.get_by_label("Measure").select_option(label="Several: one column per measure")
    form.get_by_label("File", exact=True).set_input_files(wide_export())
    form.get_by_role("button", name="Check first (dry run)").click()
    # then the error names the headings found, and the mapping screen offers both as measures
    expect(errors).to_contain_text("'Writing (summer)', 'Wellbeing (WEMWBS)'")
    expect(mapping.get_by_label("Column “Writing (summer)”")).to_be_visible()
    expect(mapping.get_by_label("Column “Wellbeing (WEMWBS)”")).to_be_visible()
    expect(mapping).not_to_contain_text("Hollins Brook")  # the school spelling is already known
    member.screenshot("mapping-measures")
    # when they match them, check again, then upload
    mapping.get_by_label("Column “Writing (summer)”").select_option(str(measures["Writing assessment"]))
    mapping.get_by_label("Column “Wellbeing (WEMWBS)”").select_option(str(measures["Pupil well-being scale"]))
    mapping.get_by_role("button", name="Check again with these matches").click()
    expect(preview).to_contain_text("6 rows read: 12 scores would be stored.")
    expect(errors).to_be_hidden()
    form.get_by_role("button", name="Upload", exact=True).click()
    expect(preview).to_contain_text("6 rows read: 12 scores were stored.")
    assert {a.value for a in ImportAlias.objects.filter(role="measure")} == {"Writing (summer)", "Wellbeing (WEMWBS)"}

    # when the next file with the same spellings is uploaded straight away
    form.get_by_label("Measure").select_option(label="Writing assessment (0–100)")
    form.get_by_label("File", exact=True).set_input_files(school_export(200))
    form.get_by_role("button", name="Upload", exact=True).click()
    # then it is stored without asking, saying the alliance's matches placed the schools
    expect(preview).to_contain_text("12 rows read: 12 scores were stored.")
    expect(preview.locator("#outcome-mapped")).to_contain_text("as your alliance matched it before")
    expect(mapping).to_be_hidden()
    expect(errors).to_be_hidden()
    member.screenshot("stored-without-asking")
    assert OutcomeRecord.objects.filter(stage__project=project).count() == before + 36
