"""Every chart on a page can be saved for a slide: PNG and SVG links beside it, named for the chart."""
import pytest
from playwright.sync_api import expect

from research.models import Publication

pytestmark = pytest.mark.browser

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _check_downloads(page, figures: int) -> None:
    charts = page.locator("figure.chart")
    expect(charts.first).to_be_visible()
    assert charts.count() >= figures
    for index in range(charts.count()):
        figure = charts.nth(index)
        caption = figure.locator("figcaption").inner_text().split(". Data behind")[0].strip()
        for fmt, content_type, start in (("PNG", "image/png", PNG_SIGNATURE), ("SVG", "image/svg+xml", b"<?xml")):
            # each chart has a real link named "Download <chart> as PNG" (and SVG), saving a file
            link = figure.get_by_role("link", name=f"Download {caption} as {fmt}", exact=True)
            expect(link).to_be_visible()
            assert link.get_attribute("download").endswith(f".{fmt.lower()}")
            response = page.request.get(link.get_attribute("href"))
            assert response.status == 200 and response.headers["content-type"] == content_type
            assert response.body().startswith(start)


def test_a_finding_and_the_alliance_page_offer_each_chart_as_png_and_svg(demo, visitor):
    finding = Publication.objects.get(title="The maths learning environment")
    # given a visitor on a published finding
    guest = visitor("guest")
    page = guest.visit(f"/findings/{finding.slug}/", "finding")
    # then each of its charts can be downloaded as PNG and SVG
    _check_downloads(page, figures=4)
    download = page.locator("figure.chart").first.get_by_role("link", name="as PNG")
    with page.expect_download() as saved:
        download.click()
    assert saved.value.suggested_filename.endswith(".png")

    # given the alliance lead on the alliance page: the forest, pipeline and collaboration charts too
    lead = visitor("alliance.lead")
    lead.sign_in("alliance.lead")
    page = lead.visit("/alliance/", "alliance")
    _check_downloads(page, figures=3)

    # and on the public evidence map, a strand's forest plot too
    page = guest.visit("/evidence/", "evidence-map")
    page.locator("main table a").first.click()
    guest.settle()
    _check_downloads(page, figures=1)
