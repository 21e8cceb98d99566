"""Small synthetic results and SVG helpers for the chart tests (no database)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pandas as pd

from research.analysis import MeasureInfo, non_member_view, project_results

READING = MeasureInfo(1, "Reading age", "attainment", 0, 100, True, "marks")
WELLBEING = MeasureInfo(2, "Well-being scale", "well-being", 0, 40, True, "points")
TITLE = "Does daily paired reading raise reading age in Year 4 compared with usual lessons?"

# 8 pupils per group and stage, except 3 comparison pupils at progress (below min_cell 6).
SCORES = {
    "intervention": {
        "theory": [40, 41, 42, 43, 44, 45, 46, 47],
        "progress": [44, 45, 46, 47, 48, 49, 50, 51],
        "dissemination": [50, 51, 52, 53, 54, 55, 56, 57],
    },
    "comparison": {
        "theory": [40, 41, 42, 43, 44, 45, 46, 47],
        "progress": [42, 43, 44],
        "dissemination": [43, 44, 45, 46, 47, 48, 49, 50],
    },
}
# Disadvantaged: pupils 0-3 in each group (4 of 8: a small subgroup, suppressed for non-members).
FLAGS = {group: [index < 4 for index in range(8)] for group in SCORES}
# Larger groups so every gap cell is public: 6 disadvantaged and 6 other pupils per group.
GAP_SCORES = {
    group: {stage: [base + shift + index for index in range(12)] for stage, shift in stages.items()}
    for group, base, stages in (
        ("intervention", 40, {"theory": 0, "dissemination": 8}),
        ("comparison", 40, {"theory": 0, "dissemination": 3}),
    )
}
GAP_FLAGS = {group: [index < 6 for index in range(12)] for group in GAP_SCORES}


def outcome_frame(scores: dict, measure_id: int = 1, flags: dict | None = None) -> pd.DataFrame:
    """scores[group][stage][i] is pupil i's score (None = absent at that stage)."""
    rows = [
        {
            "pupil_key": f"{group[:3]}-{index}", "school_id": 1, "group": group, "stage": stage,
            "measure_id": measure_id, "score": float(score),
            "disadvantaged": flags[group][index] if flags and group in flags else None,
        }
        for group, stages in scores.items()
        for stage, values in stages.items()
        for index, score in enumerate(values)
        if score is not None
    ]
    columns = ["pupil_key", "school_id", "group", "stage", "measure_id", "score", "disadvantaged"]
    return pd.DataFrame(rows, columns=columns)


def member_results(scores: dict = SCORES, flags: dict | None = FLAGS, measures=(READING,), min_cell: int = 6) -> dict:
    frames = [outcome_frame(scores, m.id, flags) for m in measures]
    return project_results(pd.concat(frames, ignore_index=True), list(measures), min_cell)


def public_results(scores: dict = SCORES, flags: dict | None = FLAGS, measures=(READING,), min_cell: int = 6) -> dict:
    return non_member_view(member_results(scores, flags, measures, min_cell))


# --- SVG helpers ---------------------------------------------------------------------------

SVG = "{http://www.w3.org/2000/svg}"


def parse_svg(data: bytes) -> ET.Element:
    """Parse and check the root is <svg> (fails the test on invalid XML)."""
    root = ET.fromstring(data)
    assert root.tag == f"{SVG}svg"
    return root


def by_id(root: ET.Element, gid: str) -> ET.Element:
    found = [element for element in root.iter() if element.get("id") == gid]
    assert len(found) == 1, f"expected one element with id {gid!r}, found {len(found)}"
    return found[0]


def ids(root: ET.Element) -> set[str]:
    return {element.get("id") for element in root.iter() if element.get("id")}


def ids_with_prefix(root: ET.Element, prefix: str) -> set[str]:
    return {gid for gid in ids(root) if gid.startswith(prefix)}


def texts(element: ET.Element) -> list[str]:
    """Text of every <text> element inside (SVG text is written as text, not glyph paths)."""
    return ["".join(text.itertext()).strip() for text in element.iter(f"{SVG}text")]


def markers(element: ET.Element) -> int:
    """Plotted marker count: matplotlib draws each marker as a <use> of one shared path."""
    return sum(1 for _ in element.iter(f"{SVG}use"))


def shapes(element: ET.Element) -> int:
    """Items of a scatter (PathCollection): <use> elements when sizes are equal, else one <path> each."""
    uses = markers(element)
    return uses or sum(1 for _ in element.iter(f"{SVG}path"))
