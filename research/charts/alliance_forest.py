"""Alliance forest plot: each project's g with 95% CI (marker area = pooling weight) and the
random-effects pooled diamond, with tau^2 and I^2 in a note. Input: pool_effects output."""

from __future__ import annotations

from collections.abc import Mapping

from .base import (
    NO_DATA, ChartSpec, add_note, add_title, count, empty_chart, layout, listing, new_figure, number, subtitle,
)
from .forests import ForestRow, draw_forest

FOREST_COLUMNS = ["row", "project_id", "label", "n", "g", "ci_low", "ci_high", "weight", "tau2", "i2_percent",
                  "plotted", "note"]
MAX_ROWS = 25  # more would not be legible on a 16:9 slide; the rest are in the table
MIN_SIZE, MAX_SIZE = 18.0, 260.0


def _project_table_row(project: Mapping, plotted: bool) -> dict:
    return {
        "row": "project", "project_id": project.get("project_id"), "label": project.get("label"),
        "n": project.get("n"), "g": project.get("g"), "ci_low": project.get("ci_low"),
        "ci_high": project.get("ci_high"), "weight": project.get("weight"), "tau2": None, "i2_percent": None,
        "plotted": plotted, "note": None if plotted else f"Not drawn: only the {MAX_ROWS} largest-weight projects are.",
    }


def _heterogeneity(pooled: Mapping) -> str:
    tau2, i2, q, df, p = (number(pooled.get(key)) for key in ("tau2", "i2_percent", "q", "q_df", "q_pvalue"))
    if tau2 is None or i2 is None:
        return ""
    text = f"\u03c4\u00b2 = {tau2:.3f}, I\u00b2 = {i2:.0f}%"
    if q is not None and df is not None and p is not None:
        text += f" (Q = {q:.2f}, df = {df:.0f}, p = {p:.3f})"
    return text


def forest(pooled: Mapping, *, title: str) -> ChartSpec:
    """Forest plot of projects and the pooled estimate from research.analysis.pool_effects."""
    projects = [p for p in pooled.get("projects") or []
                if None not in (number(p.get(key)) for key in ("g", "ci_low", "ci_high"))]
    excluded = list(pooled.get("excluded") or [])
    ranked = sorted(range(len(projects)), key=lambda i: -(number(projects[i].get("weight")) or 0.0))
    drawn = set(ranked[:MAX_ROWS])
    table = [_project_table_row(p, i in drawn) for i, p in enumerate(projects)]
    table += [{"row": "excluded", "project_id": e.get("project_id"), "label": e.get("label"), "n": None, "g": None,
               "ci_low": None, "ci_high": None, "weight": None, "tau2": None, "i2_percent": None, "plotted": False,
               "note": e.get("reason")} for e in excluded]
    excluded_text = (f" {len(excluded)} project{'s' if len(excluded) != 1 else ''} left out: "
                     f"{listing([str(e.get('label')) for e in excluded])}." if excluded else "")
    if not projects:
        return empty_chart(title, NO_DATA, table, FOREST_COLUMNS, (pooled.get("reason") or "") + excluded_text,
                           "forest plot of effect sizes across projects with the pooled estimate")

    k, g = len(projects), number(pooled.get("g"))
    ns = [count(p.get("n")) for p in projects]
    total_n = sum(ns) if None not in ns else None
    pooled_row = None
    if k >= 2 and g is not None:
        pooled_row = (g, float(pooled["ci_low"]), float(pooled["ci_high"]),
                      f"Pooled (k={k}" + (f", n={total_n})" if total_n is not None else ")"))
        table.append({"row": "pooled", "project_id": None, "label": "Pooled estimate (random effects)", "n": total_n,
                      "g": g, "ci_low": pooled.get("ci_low"), "ci_high": pooled.get("ci_high"), "weight": 1.0,
                      "tau2": pooled.get("tau2"), "i2_percent": pooled.get("i2_percent"), "plotted": True,
                      "note": pooled.get("method")})
    biggest = max(number(p.get("weight")) or 0.0 for p in projects) or 1.0
    rows = [ForestRow(str(p.get("label")), float(p["g"]), float(p["ci_low"]), float(p["ci_high"]),
                      size=MIN_SIZE + (MAX_SIZE - MIN_SIZE) * (number(p.get("weight")) or 0.0) / biggest,
                      suffix=f"(n={p.get('n') if p.get('n') is not None else '?'})")
            for i, p in enumerate(projects) if i in drawn]

    figure = new_figure()
    layout(figure, add_title(figure, title), left=0.28, right=0.84)
    ax = figure.add_subplot()
    draw_forest(ax, rows, pooled=pooled_row, gids=("projects", "projects-weaker"))
    subtitle(ax, f"{k} project{'s' if k != 1 else ''}; marker area shows each project's weight", reserve_in=0.0)
    heterogeneity = _heterogeneity(pooled)
    hidden = f" {k - len(rows)} smaller projects not drawn (see the table)." if k > len(rows) else ""
    if pooled_row:
        summary = (f"Pooled g = {g:.2f} (95% CI {pooled_row[1]:.2f} to {pooled_row[2]:.2f}), "
                   f"{pooled.get('method') or 'random effects'}; {heterogeneity}.")
    else:
        summary = pooled.get("reason") or "Pooling needs at least two projects."
    add_note(figure, summary + hidden + excluded_text)

    described = "; ".join(
        f"{p.get('label')}: g = {float(p['g']):.2f} ({float(p['ci_low']):.2f} to {float(p['ci_high']):.2f}), "
        f"n={p.get('n')}, weight {100 * (number(p.get('weight')) or 0):.0f}%" for p in projects[:MAX_ROWS]
    )
    more = f"; and {k - MAX_ROWS} more projects (in the table)" if k > MAX_ROWS else ""
    alt = (f"Forest plot of the effect size (Hedges' g with 95% confidence interval) in {k} project"
           f"{'s' if k != 1 else ''}, with a vertical line at 0 (no difference); positive values favour the "
           f"intervention. {summary} Projects: {described}{more}.{excluded_text}")
    return ChartSpec(figure, alt, table, FOREST_COLUMNS, title)
