"""Issue 5: every public response about a finding, walked, shows no value from a cell below the minimum.

One finding, two measures, alliance minimum cell size 6:
- Maths test: 26 intervention pupils, 3 of them disadvantaged with distinctive scores (a small
  subgroup inside a shown total: the other 23 must not be shown either, or total - others gives
  the 3 away), and 22 comparison pupils (10 + 12, both shown);
- Reading age: 23 intervention pupils and a comparison group of 4 (every comparison value, the
  effect sizes built on it and any total over both groups must be withheld).
The statistics of the small cells are computed here from the synthetic scores and looked for in
the list (with facets), the detail, results.csv, results.json, every chart as SVG (its text),
PNG (its text metadata; pixels are not read), JSON and CSV, and the public evidence file.
"""
import math
import re
import struct
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from scipy import stats

from ..factories import MeasureFactory
from .findings_support import (as_json, as_text, body_bytes, csv_table, project_in_dissemination, public_responses,
                               publish, spread, upload_scores, uploader)

pytestmark = pytest.mark.django_db
MIN_CELL = 6

# Maths test: (score, disadvantaged). The 3 disadvantaged intervention pupils sit mid-range, so
# no total's min or max is one of theirs.
SMALL_DIS = {"theory": [37.61, 41.27, 33.19], "dissemination": [55.83, 58.27, 51.19]}
OTHERS = {"theory": spread(45.73, 23, 30.4), "dissemination": spread(62.29, 23, 36.2)}
COMPARISON_M1 = {"theory": spread(44, 22, 30), "dissemination": spread(52, 22, 30)}
# Reading age: a comparison group of 4.
SMALL_COMP = {"theory": [27.83, 33.29, 24.17, 36.41], "dissemination": [56.93, 49.71, 61.27, 53.39]}
INTERVENTION_M2 = {"theory": spread(31.37, 23, 20.6), "dissemination": spread(41.83, 23, 20.2)}


def maths_cells(stage):
    return {"intervention": [(s, True) for s in SMALL_DIS[stage]] + [(s, False) for s in OTHERS[stage]],
            "comparison": [(s, i % 2 == 0 and i < 20) for i, s in enumerate(COMPARISON_M1[stage])]}


def describe(values) -> list[float]:
    """What a cell of these scores would publish: mean, sd, median, quartiles, min, max, 95% CI."""
    a = np.array(values, dtype=float)
    mean, sd = float(a.mean()), float(a.std(ddof=1))
    half = stats.t.ppf(0.975, a.size - 1) * sd / math.sqrt(a.size)
    return [mean, sd, *map(float, np.quantile(a, [0.5, 0.25, 0.75])), float(a.min()), float(a.max()),
            mean - half, mean + half]


def hedges_g(treated, control) -> float:
    t, c = np.array(treated), np.array(control)
    pooled = math.sqrt(((t.size - 1) * t.var(ddof=1) + (c.size - 1) * c.var(ddof=1)) / (t.size + c.size - 2))
    return (1 - 3 / (4 * (t.size + c.size) - 9)) * (t.mean() - c.mean()) / pooled


def forbidden_values() -> list[float]:
    """Every statistic of a cell below the minimum, and what could be derived from one."""
    values = []
    for stage in ("theory", "dissemination"):
        values += describe(SMALL_DIS[stage]) + describe(SMALL_COMP[stage])
        # the disadvantaged gap rests on the 3 (others minus disadvantaged, and its reverse)
        gap = float(np.mean(OTHERS[stage]) - np.mean(SMALL_DIS[stage]))
        values += [gap, -gap]
        # the 23 others (shown, they would give the 3 away by differencing)
        values += describe(OTHERS[stage])[:2]
    gains = np.array(SMALL_COMP["dissemination"]) - np.array(SMALL_COMP["theory"])
    values += [float(gains.mean()), float(gains.std(ddof=1))]
    values += [hedges_g(INTERVENTION_M2["dissemination"], SMALL_COMP["dissemination"]),
               hedges_g(INTERVENTION_M2["theory"], SMALL_COMP["theory"]),
               hedges_g(np.array(INTERVENTION_M2["dissemination"]) - np.array(INTERVENTION_M2["theory"]), gains)]
    return values


def text_forms(value: float) -> list[str]:
    """How a value may be printed (sign dropped: charts print a minus sign as U+2212)."""
    v = abs(value)
    forms = [repr(v), f"{v:.4f}", f"{v:.3f}", f"{v:.2f}"]
    return forms + ([f"{v:.1f}"] if v >= 10 else [])


FORBIDDEN = forbidden_values()
PATTERNS = [re.compile(r"(?<![\d.])" + re.escape(form) + r"(?!\d)") for v in FORBIDDEN for form in text_forms(v)]


def close_to_forbidden(number: float) -> bool:
    return any(math.isclose(number, v, rel_tol=1e-9, abs_tol=1e-9) for v in FORBIDDEN)


def leaks_in_text(text: str) -> list[str]:
    return [p.pattern for p in PATTERNS if p.search(text)]


def count_key(key: str) -> bool:
    return key == "n" or key.startswith("n_")


def check_json(node, where: str, problems: list):
    """Numbers near a forbidden value, texts printing one, and pupil counts below the minimum."""
    if isinstance(node, dict):
        for key, value in node.items():
            if count_key(str(key)) and isinstance(value, (int, float)) and not isinstance(value, bool) \
                    and value < MIN_CELL:
                problems.append(f"{where}: {key}={value} below the minimum cell size in {node}")
            check_json(value, f"{where}.{key}", problems)
    elif isinstance(node, list):
        for i, item in enumerate(node):
            check_json(item, f"{where}[{i}]", problems)
    elif isinstance(node, float) and close_to_forbidden(node):
        problems.append(f"{where}: {node}")
    elif isinstance(node, str) and leaks_in_text(node):
        problems.append(f"{where}: {node!r} prints {leaks_in_text(node)}")


def check_csv(rows: list[list[str]], where: str, problems: list):
    header, body = rows[0], rows[1:]
    for r, row in enumerate(body):
        for key, cell in zip(header, row):
            try:
                number = float(cell)
            except ValueError:
                if leaks_in_text(cell):
                    problems.append(f"{where} row {r} {key}: {cell!r}")
                continue
            if close_to_forbidden(number) or (count_key(key) and number < MIN_CELL):
                problems.append(f"{where} row {r} {key}: {cell}")


def svg_text(svg: bytes) -> str:
    """Everything an SVG says in words (text, title, desc, metadata), not its path coordinates."""
    return "\n".join(ET.fromstring(svg).itertext())


def png_text(png: bytes) -> str:
    """The tEXt/iTXt chunks of a PNG (title and description)."""
    out, at = [], 8
    while at < len(png):
        length, kind = struct.unpack(">I4s", png[at:at + 8])
        if kind in (b"tEXt", b"iTXt", b"zTXt"):
            out.append(png[at + 8:at + 8 + length].decode("latin-1"))
        at += 12 + length
    return "\n".join(out)


@pytest.fixture
def small_cell_finding(world, api):
    reading = MeasureFactory(alliance=world.alliance, name="Reading age", scale_min=0, scale_max=100)
    project = project_in_dissemination(api, world, measures=[world.measure, reading], title="Small cells")
    for stage in ("theory", "dissemination"):
        upload_scores(api, world, project, world.measure, maths_cells(stage), stage=stage)
        upload_scores(api, world, project, reading, {"intervention": INTERVENTION_M2[stage],
                                                     "comparison": SMALL_COMP[stage]}, stage=stage)
    evidence = api(uploader(world, project)).post(
        f"/api/v1/projects/{project.pk}/evidence/",
        {"stage": "dissemination", "kind": "other", "title": "Summary", "visibility": "public",
         "file": SimpleUploadedFile("summary.txt", b"What we did, in words; no pupil data.\n")}, format="multipart")
    assert evidence.status_code == 201, evidence.content
    return project, publish(api, world, project, findings="Mixed results.", conclusions="More work needed.")


def test_the_small_cells_really_are_small_and_distinct(small_cell_finding):
    # given the data / then the test's premise holds: the small cells are below the minimum and the
    # values looked for are not plain round numbers that any chart could print by chance
    assert len(SMALL_DIS["dissemination"]) < MIN_CELL and len(SMALL_COMP["dissemination"]) < MIN_CELL
    assert all(abs(v - round(v)) > 1e-3 for v in FORBIDDEN)
    # and the member's own (unsuppressed) results do contain them, so the search below can find them
    project, _ = small_cell_finding
    from research.analysis import project_results
    from research.selectors.results import measure_infos, outcome_frame
    member = project_results(outcome_frame(project), measure_infos(project), MIN_CELL)
    found = []
    check_json(member["measures"], "member", found)
    assert len(found) > 20


def test_no_public_response_shows_a_value_from_a_small_cell(small_cell_finding, api):
    # given a published finding with a subgroup of 3 and a comparison group of 4
    _, publication = small_cell_finding
    # when an anonymous reader fetches everything public about it
    responses = public_responses(api(None), publication.slug, publication)
    # then every response is there: list, detail, 2 results, 7 charts x 4 formats, 1 file
    assert len(responses) == 4 + (1 + 3 * 2) * 4 + 1
    assert {label: r.status_code for label, r in responses.items()} == {label: 200 for label in responses}
    problems = []
    for label, response in responses.items():
        kind = response["Content-Type"]
        if kind.startswith("application/json"):
            check_json(as_json(response), label, problems)
        elif kind.startswith("text/csv"):
            check_csv(csv_table(response), label, problems)
        elif kind.startswith("image/svg"):
            text = svg_text(body_bytes(response))
            assert "Reading age" in text or "Maths test" in text or label.startswith("effects")
            problems += [f"{label} (SVG text): {p}" for p in leaks_in_text(text)]
        elif kind == "image/png":
            problems += [f"{label} (PNG text): {p}" for p in leaks_in_text(png_text(body_bytes(response)))]
        else:
            problems += [f"{label} ({kind}): {p}" for p in leaks_in_text(as_text(response))]
    # and none of them shows a value of a small cell, a count below 6, or a part that differencing reveals
    assert problems == [], "\n".join(problems)


def test_small_cells_are_marked_c_and_no_total_gives_them_away(small_cell_finding, api):
    # given the published finding's results table
    _, publication = small_cell_finding
    rows = as_json(api(None).get(f"/api/v1/findings/{publication.slug}/results.json"))["rows"]
    # then the 3 disadvantaged intervention pupils and the comparison group of 4 are "c" everywhere
    for row in rows:
        small = ((row["measure"] == "Maths test" and row.get("group") == "intervention"
                  and row.get("subgroup") == "disadvantaged")
                 or (row["measure"] == "Reading age" and row.get("group") == "comparison"))
        if small:
            assert row["n"] == "c" and row["mean"] == "c", row
    # and for every shown total, the hidden parts hold no pupils or at least the minimum
    for row in rows:
        if row["section"] != "descriptives" or not isinstance(row["n"], int):
            continue
        parts = [p for p in rows if p["section"] == "disadvantaged gap" and p["measure"] == row["measure"]
                 and p["stage"] == row["stage"] and p["group"] == row["group"]]
        hidden = row["n"] - sum(p["n"] for p in parts if isinstance(p["n"], int))
        assert parts and (hidden == 0 or hidden >= MIN_CELL), (row, parts)
    # and no effect involving the comparison group of 4 is published
    reading_effects = [r for r in rows if r["measure"] == "Reading age" and r["section"].startswith("effect")]
    assert reading_effects and all(r["g"] == "c" and r["n"] == "c" for r in reading_effects)
