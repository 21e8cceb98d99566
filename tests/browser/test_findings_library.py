"""The public findings library: filters with counts, null results on equal terms, pages, withdrawal notices."""
import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from research import lifecycle
from research.models import Project, Publication

pytestmark = pytest.mark.browser


def options_of(select):
    return select.locator("option").all_inner_texts()


@pytest.fixture
def two_findings(demo):
    """The demo's published maths finding (intervention did better) and a null result published beside it.

    The demo publishes four more maths findings (daily times tables and working walls: no clear
    difference; retrieval starters: better; times-tables apps: worse), so the library holds six."""
    lead = get_user_model().objects.get(username="alliance.lead")
    project = Project.objects.get(title="Verbal or visual feedback")
    lifecycle.project_transition(project_id=project.pk, action="publish", actor=lead)
    return Publication.objects.get(title="The maths learning environment"), Publication.objects.get(project=project)


def test_filters_offer_counts_and_a_null_result_is_found_like_any_other(two_findings, visitor):
    positive, null_result = two_findings
    # given an anonymous visitor in the library
    guest = visitor("guest")
    page = guest.visit("/findings/", "library")
    # then all six findings are listed, each filter's values carry their counts
    expect(page.locator("#findings-count")).to_have_text("6 findings")
    expect(page.locator("#findings-list > li")).to_have_count(6)
    assert sorted(options_of(page.get_by_label("Subject"))) == ["Any", "English (1)", "Mathematics (5)"]
    result_options = options_of(page.get_by_label("Result"))
    assert "No clear difference (3)" in result_options and "Intervention did better (2)" in result_options
    assert "Intervention did worse (1)" in result_options
    assert "At least 2 padlocks (3)" in options_of(page.get_by_label("Evidence strength"))

    # when they keep only the findings with no clear difference
    page.get_by_label("Result").select_option(label="No clear difference (3)")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"direction=unclear"))
    guest.settle()
    # then the null results are listed, worded like the rest, and the filter keeps its choice
    expect(page.locator("#findings-count")).to_have_text("3 findings")
    card = page.locator("#findings-list > li").filter(has_text=null_result.title)
    expect(card).to_contain_text(null_result.title)
    expect(card).to_contain_text("No clear difference.")
    expect(card).to_contain_text("Writing assessment: effect size g =")
    expect(page.get_by_label("Result")).to_have_value("unclear")
    guest.screenshot("null-results")


def test_pages_follow_the_query(two_findings, visitor):
    # given a library listing one finding a page
    guest = visitor("guest")
    page = guest.visit("/findings/?ordering=published&page_size=1", "page-1")
    # then it says which page this is and links to the next, keeping the order
    pages = page.get_by_role("navigation", name="Pages of findings")
    expect(pages).to_contain_text("Page 1 of 6")
    expect(page.locator("#findings-list")).to_contain_text(two_findings[0].title)
    pages.get_by_role("link", name="Next page").click()
    page.wait_for_url(re.compile(r"page=2"))
    guest.settle()
    expect(pages).to_contain_text("Page 2 of 6")
    expect(page.locator("#findings-list")).to_contain_text("Daily times tables practice")
    expect(pages.get_by_role("link", name="Previous page")).to_be_visible()
    guest.screenshot("page-2")


def test_a_withdrawn_finding_shows_its_notice_and_reason(two_findings, visitor):
    # given the maths finding, unpublished by the alliance lead with a reason
    finding = two_findings[0]
    lifecycle.project_transition(project_id=finding.project_id, action="unpublish",
                                 actor=get_user_model().objects.get(username="alliance.lead"),
                                 comment="A school asked us to check the consent forms.")
    guest = visitor("guest")
    # when a visitor follows an old link to it, or to its report
    for path in (f"/findings/{finding.slug}/", f"/findings/{finding.slug}/report"):
        page = guest.visit(path, "withdrawn")
        # then the notice says it was withdrawn and why, and nothing of the finding shows
        notice = page.locator("#withdrawn")
        expect(notice).to_contain_text("This finding has been withdrawn by its alliance")
        expect(notice).to_contain_text("A school asked us to check the consent forms.")
        expect(page.locator("#finding")).to_be_hidden()
    # and it is gone from the library
    page = guest.visit("/findings/", "library-after")
    expect(page.locator("#findings-count")).to_have_text("5 findings")
