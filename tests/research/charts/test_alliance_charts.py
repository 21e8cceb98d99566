"""Alliance charts: forest of projects with the pooled estimate, pipeline, collaboration."""

import json

import pytest

from research.analysis import ProjectEffect, pool_effects
from research.charts import collaboration, forest, pipeline, render

from .builders import by_id, ids_with_prefix, parse_svg, shapes, texts

G, V = [0.2, 0.5, 0.9], [0.04, 0.09, 0.0625]


def project_effects(g=G, v=V):
    return [ProjectEffect(i + 1, f"Project {i + 1}", gi, vi, 60 + i) for i, (gi, vi) in enumerate(zip(g, v))]


def test_forest_draws_each_project_and_the_pooled_diamond():
    # Given three heterogeneous projects (the hand-worked DL example: tau^2 0.0849, I^2 58.2%)
    pooled = pool_effects(project_effects())
    spec = forest(pooled, title="Reading projects across the alliance")
    root = parse_svg(render(spec, "svg"))
    # Then three project markers, a pooled diamond and a line at 0 are drawn
    assert shapes(by_id(root, "projects")) == 3
    assert by_id(root, "pooled-estimate") is not None and by_id(root, "zero-line") is not None
    labels = texts(root)
    assert "Project 1 (n=60)" in labels and "Pooled (k=3, n=183)" in labels
    # And tau^2 and I^2 are in the note and the alt text
    note = " ".join(texts(by_id(root, "chart-note")))
    assert "\u03c4\u00b2 = 0.085" in note and "I\u00b2 = 58%" in note
    assert "I\u00b2 = 58%" in spec.alt_text and "Project 3: g = 0.90" in spec.alt_text
    # And the table has a row per project plus the pooled row, with n and the same numbers
    assert [row["row"] for row in spec.table] == ["project"] * 3 + ["pooled"]
    assert spec.table[-1]["g"] == pooled["g"] and spec.table[-1]["n"] == 183
    assert spec.table[-1]["tau2"] == pytest.approx(0.08487, abs=1e-5)
    assert [row["weight"] for row in spec.table[:3]] == [p["weight"] for p in pooled["projects"]]
    json.dumps(spec.table, allow_nan=False)


def test_forest_marker_area_follows_weight():
    spec = forest(pool_effects(project_effects()), title="t")
    dots = next(c for c in spec.figure.axes[0].collections if c.get_gid() == "projects")
    weights = [p["weight"] for p in spec.table[:3]]
    sizes = list(dots.get_sizes())
    assert sorted(range(3), key=weights.__getitem__) == sorted(range(3), key=sizes.__getitem__)


def test_forest_single_project_excluded_and_empty():
    # Given one usable project and one with zero variance
    pooled = pool_effects(project_effects([0.3, 0.4], [0.05, 0.0]))
    spec = forest(pooled, title="t")
    root = parse_svg(render(spec, "svg"))
    # Then the project is drawn, there is no diamond, and the left-out project is said
    assert shapes(by_id(root, "projects")) == 1
    assert not ids_with_prefix(root, "pooled-estimate")
    assert "Pooling needs 2+ projects" in spec.alt_text and "left out: Project 2" in spec.alt_text
    assert [row["row"] for row in spec.table] == ["project", "excluded"]
    # Given nothing to pool
    empty = forest(pool_effects([]), title="t")
    assert texts(by_id(parse_svg(render(empty, "svg")), "empty-message")) == ["No data to show yet"]


def test_forest_caps_drawn_rows_and_keeps_all_in_the_table():
    effects = [ProjectEffect(i, f"P{i}", 0.01 * i, 0.02 + 0.001 * i, 50) for i in range(40)]
    spec = forest(pool_effects(effects), title="t")
    root = parse_svg(render(spec, "svg"))
    assert shapes(by_id(root, "projects")) == 25
    projects = [row for row in spec.table if row["row"] == "project"]
    assert len(projects) == 40 and sum(row["plotted"] for row in projects) == 25
    assert "15 more projects" in spec.alt_text


COUNTS = [
    {"term_label": "Autumn 2025", "status": "theory", "count": 3},
    {"term_label": "Autumn 2025", "status": "proposed", "count": 4},
    {"term_label": "Spring 2026", "status": "progress", "count": 2},
    {"term_label": "Spring 2026", "status": "proposed", "count": 1},
    {"term_label": "Spring 2026", "status": "theory", "count": 5},
]


def test_pipeline_stacks_statuses_in_lifecycle_order():
    spec = pipeline(COUNTS, title="Projects by status")
    root = parse_svg(render(spec, "svg"))
    # Then there is a bar segment per term x status, totals as n, and a legend of statuses
    assert len(ids_with_prefix(root, "bar-")) == 2 * 3
    labels = texts(root)
    assert "n=7" in labels and "n=8" in labels
    assert texts(by_id(root, "legend")) == ["Status", "Progress update", "Theory session", "Proposed"]
    assert {"Projects (count)", "Term"} <= set(labels)
    # And the table follows term order, then lifecycle order, with each count
    assert [(r["term_label"], r["status"], r["count"]) for r in spec.table] == [
        ("Autumn 2025", "proposed", 4), ("Autumn 2025", "theory", 3),
        ("Spring 2026", "proposed", 1), ("Spring 2026", "theory", 5), ("Spring 2026", "progress", 2),
    ]
    assert "Spring 2026: 8 projects (1 proposed, 5 theory session, 2 progress update)" in spec.alt_text


def test_pipeline_empty_and_bad_counts():
    assert texts(by_id(parse_svg(render(pipeline([], title="t"), "svg")), "empty-message")) == ["No data to show yet"]
    zero = pipeline([{"term_label": "Autumn", "status": "proposed", "count": 0}], title="t")
    assert zero.alt_text.startswith("No data to show yet") and zero.table[0]["count"] == 0
    with pytest.raises(ValueError):
        pipeline([{"term_label": "Autumn", "status": "proposed", "count": -1}], title="t")


SCHOOLS = [{"id": 10, "name": "Hillside Primary"}, {"id": 20, "name": "Oakfield Academy"},
           {"id": 30, "name": "Riverside Junior"}, {"id": 40, "name": "Northgate Primary"}]


def test_collaboration_matrix_counts_shared_projects():
    # Given two pairs (one listed twice, either way round), a self-edge and an unknown school
    edges = [{"a": 10, "b": 20, "projects": 2}, {"a": 20, "b": 10, "projects": 1}, {"a": 20, "b": 30, "projects": 1},
             {"a": 30, "b": 30, "projects": 5}, {"a": 10, "b": 99, "projects": 4}]
    spec = collaboration(edges, SCHOOLS, title="Which schools work together")
    root = parse_svg(render(spec, "svg"))
    # Then the matrix is drawn with each count in both symmetric cells
    assert by_id(root, "collaboration-matrix") is not None
    assert texts(by_id(root, "cell-0-1")) == ["3"] and texts(by_id(root, "cell-1-0")) == ["3"]
    assert texts(by_id(root, "cell-1-2")) == ["1"] and len(ids_with_prefix(root, "cell-")) == 4
    assert "Shared projects (count)" in texts(root)
    assert texts(root).count("Hillside Primary") == 2  # school names on its row and its column, not numbers
    # And the table has one row per pair, most shared first
    assert [(r["school_a_id"], r["school_b_id"], r["projects"]) for r in spec.table] == [(10, 20, 3), (20, 30, 1)]
    assert "Hillside Primary and Oakfield Academy (3 projects)" in spec.alt_text
    assert "No shared projects yet: Northgate Primary." in spec.alt_text


def test_collaboration_large_alliance_and_empty():
    schools = [{"id": i, "name": f"School {i}"} for i in range(40)]
    edges = [{"a": i, "b": (i + 1) % 40, "projects": 1 + i % 3} for i in range(40)]
    spec = collaboration(edges, schools, title="t")
    root = parse_svg(render(spec, "svg"))
    assert len(spec.table) == 40 and not ids_with_prefix(root, "cell-")  # too many to label each cell
    assert "30 more pairs" not in spec.alt_text and "35 more pairs are in the table" in spec.alt_text
    lonely = collaboration([], SCHOOLS, title="t")
    assert texts(by_id(parse_svg(render(lonely, "svg")), "empty-message")) == ["No data to show yet"]
    assert "4 schools; none share a project yet." in lonely.alt_text
    assert collaboration([], [], title="t").table == []
