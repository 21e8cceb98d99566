"""Rendering: valid deterministic SVG, 16:9 PNG at 150 dpi, thread safety, no pyplot or Django."""

import io
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from PIL import Image

from research.analysis import ProjectEffect, pool_effects
from research.charts import (
    collaboration, distribution, effects, forest, gap, pipeline, render, trajectory,
)

from .builders import GAP_FLAGS, GAP_SCORES, READING, TITLE, member_results, parse_svg, public_results

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _pooled():
    return pool_effects([ProjectEffect(i, f"P{i}", 0.1 * i, 0.04, 60) for i in range(1, 4)])


# Builders, not charts: each test builds its own Figure (a Figure is never shared between renders).
CHARTS = {
    "trajectory": lambda: trajectory(public_results(), READING.id, title=TITLE),
    "distribution": lambda: distribution(public_results(), READING.id, title=TITLE),
    "effects": lambda: effects(member_results(), title=TITLE),
    "gap": lambda: gap(public_results(GAP_SCORES, GAP_FLAGS), READING.id, title=TITLE),
    "forest": lambda: forest(_pooled(), title="Pooled"),
    "pipeline": lambda: pipeline([{"term_label": "Autumn", "status": "proposed", "count": 2}], title="Pipeline"),
    "collaboration": lambda: collaboration([{"a": 1, "b": 2, "projects": 1}],
                                           [{"id": 1, "name": "A"}, {"id": 2, "name": "B"}], title="Schools"),
    "empty": lambda: trajectory(public_results({}), READING.id, title=TITLE),
}
NAMES = list(CHARTS)


@pytest.mark.parametrize("name", NAMES)
def test_svg_is_valid_and_identical_when_rendered_again(name):
    # Given the same chart built twice from the same data
    first = render(CHARTS[name](), "svg")
    second = render(CHARTS[name](), "svg")
    # Then both are valid SVG and byte for byte the same (no dates, no random ids)
    parse_svg(first)
    assert first == second
    assert b"<dc:date>" not in first


@pytest.mark.parametrize("name", NAMES)
def test_png_is_16_by_9_at_150_dpi(name):
    spec = CHARTS[name]()
    data = render(spec, "png")
    assert data.startswith(PNG_SIGNATURE)
    with Image.open(io.BytesIO(data)) as image:
        image.load()  # decodes the whole image
        assert image.size == (1200, 675)
        assert image.text.get("Title") == spec.title  # alt text and title travel with the file
        assert image.text.get("Description") == spec.alt_text


@pytest.mark.parametrize("name", NAMES)
def test_every_chart_has_alt_text_and_a_table_matching_its_columns(name):
    spec = CHARTS[name]()
    assert len(spec.alt_text) > 40 and spec.alt_text.strip() == spec.alt_text
    assert all(set(row) == set(spec.columns) for row in spec.table)
    assert spec.figure.get_size_inches().tolist() == [8.0, 4.5]


def test_unknown_format_is_refused():
    with pytest.raises(ValueError, match="svg"):
        render(CHARTS["pipeline"](), "pdf")


THREADED = ("trajectory", "effects", "forest", "collaboration")


def test_concurrent_renders_match_serial_ones():
    # Given the SVG each chart gives when rendered alone
    expected = {name: render(CHARTS[name](), "svg") for name in THREADED}
    results: dict[tuple[str, int], bytes] = {}
    errors: list[BaseException] = []

    def work(copy: int) -> None:
        try:
            for name in THREADED:
                spec = CHARTS[name]()
                results[(name, copy)] = render(spec, "svg")
                if name == "trajectory":
                    assert render(spec, "png").startswith(PNG_SIGNATURE)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    # When three threads build and render those charts at once
    threads = [threading.Thread(target=work, args=(copy,)) for copy in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Then nothing failed and every output is the serial one
    assert not errors
    assert all(results[(name, copy)] == expected[name] for name in expected for copy in range(3))


def test_charts_import_neither_pyplot_nor_django():
    # Given a fresh interpreter that builds and renders a chart
    code = (
        "import sys\n"
        "from research.charts import pipeline, render\n"
        "render(pipeline([{'term_label': 'A', 'status': 'proposed', 'count': 1}], title='t'), 'png')\n"
        "bad = sorted(m for m in sys.modules if m == 'matplotlib.pyplot' or m.split('.')[0] == 'django')\n"
        "print(','.join(bad))\n"
    )
    root = Path(__file__).resolve().parents[3]
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=120)
    # Then it worked and neither module was loaded
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""


def test_svg_stays_deterministic_after_rcdefaults():
    # Given something in the process reset matplotlib's settings (the hash salt among them)
    import matplotlib

    before = render(CHARTS["pipeline"](), "svg")
    with matplotlib.rc_context():
        matplotlib.rcdefaults()
        # Then rendering still gives the same bytes (the salt is put back)
        assert render(CHARTS["pipeline"](), "svg") == before
