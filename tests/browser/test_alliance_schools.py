"""The alliance lead's schools (issue 13): import a list, see it; a list with a mistake stores nothing."""
import pytest
from playwright.sync_api import expect

from research.models import AllianceSchool, School

pytestmark = pytest.mark.browser

LIST = ("URN,School name,Phase,Region\n"
        "910101,Ashgrove Primary,Primary,North East\n"
        "910102,Beckside Academy,Secondary,North East\n")


def test_the_lead_imports_a_list_of_schools_and_sees_them(demo, visitor, tmp_path):
    lead = visitor("alliance.lead")
    lead.sign_in("alliance.lead")
    page = lead.visit("/alliance/", "alliance")
    schools = page.locator("section.alliance-schools").first
    expect(schools.get_by_role("heading", name="Schools in Northfield Teaching School Alliance")).to_be_visible()

    # given a list with a mistake (a five-digit URN)
    broken = tmp_path / "broken.csv"
    broken.write_text(LIST + "91010,Cliffe Infants,Primary,\n")
    schools.get_by_label("CSV or Excel file").set_input_files(str(broken))
    schools.get_by_role("button", name="Import", exact=True).click()
    # then the summary names the row and nothing is stored
    alert = schools.get_by_role("alert")
    expect(alert).to_contain_text("Nothing was stored: the list has 1 problem.")
    problems = alert.get_by_role("table", name="Problems in the list (row 1 is the header)")
    expect(problems.get_by_role("row", name="4 URN 91010")).to_contain_text("6-digit")
    lead.screenshot("list-with-a-mistake")
    assert not School.objects.filter(urn="910101").exists()

    # when the lead fixes it, checks it first, then imports it
    fixed = tmp_path / "schools.csv"
    fixed.write_text(LIST)
    schools.get_by_label("CSV or Excel file").set_input_files(str(fixed))
    schools.get_by_role("button", name="Check the list first").click()
    expect(schools.locator("[id$=-report]")).to_contain_text("Checked: nothing stored. 2 rows read: 2 new schools would be added.")
    assert not School.objects.filter(urn="910101").exists()
    schools.get_by_label("CSV or Excel file").set_input_files(str(fixed))
    schools.get_by_role("button", name="Import", exact=True).click()

    # then the schools are in the alliance's list, and the page said so
    expect(page.locator("#status")).to_contain_text("2 rows read: 2 new schools were added.")
    listed = schools.get_by_role("table", name="Schools in Northfield Teaching School Alliance")
    expect(listed.get_by_role("row", name="Ashgrove Primary 910101 Primary North East")).to_be_visible()
    expect(listed.get_by_role("row", name="Beckside Academy 910102 Secondary North East")).to_be_visible()
    lead.screenshot("imported")
    assert set(AllianceSchool.objects.filter(alliance__slug="northfield", school__urn__in=["910101", "910102"])
               .values_list("school__urn", flat=True)) == {"910101", "910102"}


def test_the_lead_adds_one_school_and_a_wrong_urn_is_shown_at_its_field(demo, visitor):
    lead = visitor("alliance.lead")
    lead.sign_in("alliance.lead")
    page = lead.visit("/alliance/", "alliance")
    schools = page.locator("section.alliance-schools").first
    schools.get_by_label("URN", exact=True).fill("12345")
    schools.get_by_label("Name", exact=True).fill("Dunmore Primary")
    schools.get_by_label("Phase").select_option(label="Primary")
    schools.get_by_role("button", name="Add school").click()
    expect(schools.get_by_role("alert")).to_contain_text("URN: A URN is the school's 6-digit unique reference number")
    expect(schools.get_by_label("URN", exact=True)).to_have_attribute("aria-invalid", "true")
    schools.get_by_label("URN", exact=True).fill("910199")
    schools.get_by_role("button", name="Add school").click()
    expect(page.locator("#status")).to_contain_text("Dunmore Primary (910199) has been added.")
    expect(schools.get_by_role("table", name="Schools in Northfield Teaching School Alliance")
           .get_by_role("row", name="Dunmore Primary 910199 Primary")).to_be_visible()
