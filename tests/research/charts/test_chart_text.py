"""Chart text is shown as typed: never parsed as mathtext or LaTeX, in every chart and field.

Titles, research questions, measure and school names and project titles are typed by people;
matplotlib would read a string with two ``$`` as maths and fail on ``$\\foo$`` (a 500, and for
a published finding a permanent one). Each chart is drawn with hostile text in every text
field it takes, to SVG and PNG, and the text must come out literally. SVG is written with
svg.fonttype "none", so the text is in <text> elements and can be read back.
"""

import io
import re
from dataclasses import replace

import matplotlib
import pytest
from PIL import Image

from research.analysis import ProjectEffect, pool_effects
from research.charts import base, collaboration, distribution, effects, forest, gap, pipeline, render, trajectory
from research.charts.alliance import status_label

from .builders import GAP_FLAGS, GAP_SCORES, READING, WELLBEING, by_id, member_results, parse_svg, public_results, texts

LONG = "$\\foo$ and" + " a very long name for a school or a project" * 8
ARABIC = "\u0642\u0631\u0627\u0621\u0629 \u0627\u0644\u0637\u0644\u0627\u0628"  # "pupils' reading", right to left
HEBREW = "\u05e7\u05e8\u05d9\u05d0\u05d4"  # "reading"
EMOJI = "\U0001F4DA\u270F\uFE0F"  # books, pencil (with a variation selector)
HOSTILE = [
    "$\\foo$", "$x^2$", "\\", "%", "{}", "_", "^", "$$", EMOJI, ARABIC, HEBREW, "50% of $x_1$ {pupils} \\ ^_^ $", LONG,
]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Emoji have no glyph in the bundled DejaVu fonts: matplotlib warns and draws a box, which is fine.
pytestmark = pytest.mark.filterwarnings("ignore:Glyph .* missing from font")


def shown(text: str) -> str:
    """The part of ``text`` every chart shows whole (long labels are shortened with an ellipsis)."""
    return text if len(text) <= 20 else text[:20]


def question(text: str) -> str:
    return f"Does {text} raise reading age?"


# Each builder draws one chart with ``text`` in every field it takes, and returns the chart
# with what must appear as SVG text: (element id or None for anywhere, text).
def _trajectory(text):
    measure = replace(READING, name=text, unit=text)
    spec = trajectory(public_results(measures=(measure,)), measure.id, title=question(text))
    return spec, [("subtitle", shown(text)), ("subtitle", ": mean with 95% confidence interval"), (None, f"Mean score ({text})")]


def _distribution(text):
    measure = replace(READING, name=text, unit=text)
    spec = distribution(public_results(measures=(measure,)), measure.id, title=question(text))
    return spec, [("subtitle", shown(text)), ("subtitle", ": scores by stage"), (None, f"Score ({text})")]


def _gap(text):
    measure = replace(READING, name=text, unit=text)
    spec = gap(public_results(GAP_SCORES, GAP_FLAGS, measures=(measure,)), measure.id, title=question(text))
    return spec, [("subtitle", shown(text)), ("subtitle", ": mean by stage"), (None, f"Mean score ({text})")]


def _effects(text):
    measures = (replace(READING, name=text, unit=text), replace(WELLBEING, name=f"Also {text}", unit=text))
    spec = effects(member_results(measures=measures), title=question(text))
    return spec, [(None, shown(text)), (None, shown(f"Also {text}"))]


def _forest(text):
    projects = [ProjectEffect(1, text, 0.3, 0.05, 60), ProjectEffect(2, f"Also {text}", 0.5, 0.04, 70),
                ProjectEffect(3, f"Left out {text}", 0.4, 0.0, 50)]  # zero variance: excluded, named in the note
    spec = forest(pool_effects(projects), title=question(text))
    return spec, [(None, shown(text)), (None, shown(f"Also {text}"))]


def _pipeline(text):
    counts = [{"term_label": text, "status": "proposed", "count": 2}, {"term_label": text, "status": text, "count": 1}]
    spec = pipeline(counts, title=question(text))
    return spec, [(None, shown(text)), ("legend", status_label(text))]


def _collaboration(text):
    schools = [{"id": 1, "name": text}, {"id": 2, "name": f"Also {text}"}, {"id": 3, "name": "Plain"}]
    spec = collaboration([{"a": 1, "b": 2, "projects": 2}, {"a": 2, "b": 3, "projects": 1}], schools,
                         title=question(text))
    return spec, [(None, shown(text)), (None, shown(f"Also {text}"))]


def _empty(text):
    # No data yet: the title and the empty message only.
    measure = replace(READING, name=text, unit=text)
    return trajectory(public_results({}, measures=(measure,)), measure.id, title=question(text)), []


CHARTS = {
    "trajectory": _trajectory, "distribution": _distribution, "gap": _gap, "effects": _effects, "forest": _forest,
    "pipeline": _pipeline, "collaboration": _collaboration, "empty": _empty,
}
# Text that the alt text carries in full (the title is the chart's title, not in its alt text).
IN_ALT_TEXT = {
    "trajectory": lambda t: [t], "distribution": lambda t: [t], "gap": lambda t: [t],
    "effects": lambda t: [t, f"Also {t}"], "forest": lambda t: [t, f"Also {t}", f"Left out {t}"],
    "pipeline": lambda t: [t], "collaboration": lambda t: [t, f"Also {t}"], "empty": lambda t: [t],
}


def _contains(strings: list[str], wanted: str) -> bool:
    return any(wanted in string for string in strings)


@pytest.mark.parametrize("text", HOSTILE, ids=lambda t: ascii(t)[1:25])
@pytest.mark.parametrize("name", list(CHARTS))
def test_chart_shows_hostile_text_literally_in_svg_and_png(name, text):
    # Given a chart whose title, names and labels are hostile text
    spec, expected = CHARTS[name](text)
    # When it is rendered to SVG and PNG (no exception: nothing is parsed as maths)
    root = parse_svg(render(spec, "svg"))
    png = render(spec, "png")
    # Then the title is drawn as typed (wrapped over lines) and is the SVG's <title>
    assert shown(" ".join(question(text).split())) in " ".join(texts(by_id(root, "chart-title")))
    assert root.find("{http://www.w3.org/2000/svg}title").text == question(text)
    # And every data label is drawn as typed
    for gid, wanted in expected:
        drawn = texts(root if gid is None else by_id(root, gid))
        assert _contains(drawn, wanted), f"{wanted!r} not in {drawn}"
    # And the alt text carries the names in full
    assert all(wanted in spec.alt_text for wanted in IN_ALT_TEXT[name](text))
    # And the PNG is whole, with the title unchanged in its metadata
    with Image.open(io.BytesIO(png)) as image:
        image.load()
        assert image.size == (1200, 675)
        assert image.text.get("Title") == question(text)


CONTROL = "Pasted\x0bfrom\x01Word"  # Word's line break and a stray control character


def _as_spaces(text: str) -> str:
    return re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f]", " ", text)


@pytest.mark.parametrize("name", list(CHARTS))
def test_control_characters_are_drawn_as_spaces_and_the_svg_stays_valid(name):
    # Given text pasted with control characters XML does not allow
    spec, expected = CHARTS[name](CONTROL)
    # When rendered, the SVG still parses (one such character would make the whole file unreadable)
    root = parse_svg(render(spec, "svg"))
    # Then each is drawn as a space, the <title> too
    assert root.find("{http://www.w3.org/2000/svg}title").text == _as_spaces(question(CONTROL))
    for gid, wanted in expected:
        drawn = texts(root if gid is None else by_id(root, gid))
        assert _contains(drawn, _as_spaces(wanted)), f"{_as_spaces(wanted)!r} not in {drawn}"
    assert render(spec, "png").startswith(PNG_SIGNATURE)


def _turn_maths_on() -> None:
    matplotlib.rcParams["text.parse_math"] = True


@pytest.mark.parametrize("name", list(CHARTS))
def test_render_turns_maths_off_on_text_made_under_other_settings(name, monkeypatch):
    # Given a chart built while something had turned mathtext back on (new_figure could not stop it)
    with matplotlib.rc_context():
        monkeypatch.setattr(base, "ensure_rc_settings", _turn_maths_on)
        spec, _ = CHARTS[name]("$\\foo$")
        assert any(text.get_parse_math() for text in spec.figure.findobj(matplotlib.text.Text))
        monkeypatch.undo()
        # When it is rendered, to both formats
        svg, png = render(spec, "svg"), render(spec, "png")
    # Then neither fails and the SVG has the text as typed
    assert png.startswith(PNG_SIGNATURE)
    assert _contains(texts(by_id(parse_svg(svg), "chart-title")), "$\\foo$")


def test_charts_built_after_rcdefaults_still_show_text_literally():
    # Given something in the process reset matplotlib's settings (mathtext on again)
    with matplotlib.rc_context():
        matplotlib.rcdefaults()
        assert matplotlib.rcParams["text.parse_math"] is True
        # When a chart with a $-wrapped title is built and rendered
        spec, _ = _trajectory("$x^2$")
        root = parse_svg(render(spec, "svg"))
    # Then the title is drawn as typed
    assert _contains(texts(by_id(root, "chart-title")), "$x^2$")
