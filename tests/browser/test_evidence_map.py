"""A visitor explores the public evidence map (issue 15): strands, a filter, a strand's forest plot and findings."""
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

STRAND = "Retrieval practice: attainment, Key stage 2"


def test_a_visitor_filters_the_map_and_opens_a_strand(demo, visitor):
    # given an anonymous visitor who follows the library's link to the evidence map
    guest = visitor("guest")
    page = guest.visit("/findings/", "library")
    page.get_by_role("link", name="evidence map").click()
    page.wait_for_url(re.compile(r"/evidence/$"))
    guest.settle()
    # then the demo's strands are tabled, each with its pooled effect and its findings counted by result
    strands = page.get_by_role("table", name=re.compile("^Strands"))
    row = strands.get_by_role("row").filter(has_text=STRAND)
    expect(row).to_contain_text("1 better, 1 no clear difference, 1 worse")
    expect(row.get_by_role("cell").nth(3)).to_have_text("3")  # findings
    expect(strands.get_by_role("row").filter(has_text="Learning environment: attainment, Key stage 2")).to_be_visible()
    guest.screenshot("map")

    # when they keep key stage 3 only: there is no strand
    page.get_by_label("Phase").select_option(label="Key stage 3")
    page.get_by_role("button", name="Show strands").click()
    page.wait_for_url(re.compile(r"phase=ks3"))
    guest.settle()
    expect(page.locator("#strands")).to_contain_text("No strand matches these filters")
    expect(page.get_by_label("Phase")).to_have_value("ks3")
    # and key stage 2: the strands are back, the filter keeps its choice
    page.get_by_label("Phase").select_option(label="Key stage 2")
    page.get_by_role("button", name="Show strands").click()
    page.wait_for_url(re.compile(r"phase=ks2"))
    guest.settle()
    expect(page.get_by_label("Phase")).to_have_value("ks2")
    guest.screenshot("key-stage-2")

    # when they open the retrieval practice strand
    page.get_by_role("link", name=STRAND).click()
    page.wait_for_url(re.compile(r"/evidence/retrieval-practice--attainment--ks2/"))
    guest.settle()
    # then the strand's forest plot is drawn, with its text alternative
    expect(page.get_by_role("heading", level=1)).to_have_text(STRAND)
    forest = page.locator("#chart-forest")
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=forest.element_handle())
    expect(forest).to_have_attribute("alt", re.compile("^Forest plot"))
    # and the table lists every finding with its g and variance, each linking to the finding
    findings = page.get_by_role("table", name=re.compile("^Every published finding in this strand"))
    expect(findings.get_by_role("row")).to_have_count(4)  # a header and three findings
    worse = findings.get_by_role("row").filter(has_text="Times-tables apps at home")
    expect(worse).to_contain_text("Worse")
    expect(page.locator("dl")).to_contain_text("95% prediction interval")
    guest.screenshot("strand")
    worse.get_by_role("link", name="Times-tables apps at home").click()
    page.wait_for_url(re.compile(r"/findings/times-tables-apps-at-home-\d+/"))
    guest.settle()
    expect(page.get_by_role("heading", level=1)).to_have_text("Times-tables apps at home")
    assert guest.errors == []
