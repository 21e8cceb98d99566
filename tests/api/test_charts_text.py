"""Chart endpoints answer 200 and draw names as typed when they look like maths ($...$).

matplotlib reads a string with two "$" as mathtext; a research question or project title
such as "$\\foo$" used to make every chart that shows it answer 500.
"""
import io
import xml.etree.ElementTree as ET

import pytest
from PIL import Image

from research.models import Project, School

from .results_support import (CHARTS, chart_url, dissemination_project, final_pupils, freeze_for_outsiders,
                              make_pupils, upload)

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore:Glyph .* missing from font")]

QUESTION = "Does $\\foo$ raise $x^2$ scores by 50%?"
TITLES = ("$\\foo$ reading", "$x^2$ {maths} \\ _^")


def _svg_text(response) -> str:
    assert response.status_code == 200, response.content[:300]
    return " ".join(ET.fromstring(response.content).itertext())


def _png_ok(response) -> bool:
    return response.status_code == 200 and Image.open(io.BytesIO(response.content)).size == (1200, 675)


def test_project_charts_draw_a_question_that_looks_like_maths(world, api):
    # given a project whose research question (the charts' title) has $...$ in it, with data at every stage
    project = dissemination_project(world, "Plain title")
    Project.objects.filter(pk=project.pk).update(research_question=QUESTION)
    pupils = (make_pupils(8, group="intervention", start=0, disadvantaged=4)
              + make_pupils(8, group="comparison", start=100, disadvantaged=4, base=38.0))
    member = api(world.user("member"))
    for stage in ("theory", "progress", "dissemination"):
        upload(member, project, pupils, stage, world.measure)
    for name in CHARTS:
        # when each chart is fetched as SVG and PNG
        svg = member.get(chart_url(project, name, "svg"))
        png = member.get(chart_url(project, name, "png"))
        # then both answer, and the SVG has the question as typed
        assert "$\\foo$ raise $x^2$" in _svg_text(svg), name
        assert _png_ok(png), name


def test_alliance_charts_draw_titles_and_school_names_that_look_like_maths(world, api):
    # given two projects with data whose titles look like maths, and a school named the same way
    member = api(world.user("member"))
    for index, title in enumerate(TITLES):
        project = dissemination_project(world, title)
        upload(member, project, final_pupils(50.0 + index, 45.0, 1.9, start=index * 1000), "dissemination",
               world.measure)
        freeze_for_outsiders(project)  # pooled figures follow the view frozen for outsiders
    school = School.objects.get(pk=world.user("member").memberships.get(alliance=world.alliance).school_id)
    School.objects.filter(pk=school.pk).update(name="$\\foo$ Primary")
    client = api(world.user("teacher"))
    base = f"/api/v1/alliances/{world.alliance.pk}/charts"
    # when the forest plot and the collaboration map are fetched as SVG and PNG
    forest = _svg_text(client.get(f"{base}/forest.svg"))
    collaboration = _svg_text(client.get(f"{base}/collaboration.svg"))
    # then they answer and show the names as typed
    assert "$\\foo$ reading" in forest and "$x^2$ {maths} \\ _^" in forest
    assert "$\\foo$ Primary" in collaboration
    assert _png_ok(client.get(f"{base}/forest.png")) and _png_ok(client.get(f"{base}/collaboration.png"))
