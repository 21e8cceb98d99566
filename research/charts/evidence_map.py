"""Evidence-map strand charts: the forest plot of its findings (with the pooled diamond and the 95%
prediction interval as a bar under it) and, with 10 or more pooled findings, the funnel plot.
Input: research.analysis.evidence_map.strand_summary(..., detail=True)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ..analysis.numbers import Z_95
from .alliance_forest import FOREST_COLUMNS, forest
from .base import BLACK, BLUE, FONT, GREY, VERMILLION, ChartSpec, add_note, add_title, layout, new_figure, subtitle

FUNNEL_COLUMNS = ["row", "slug", "label", "n", "g", "se", "note"]


def _pool_for_forest(strand: Mapping) -> dict:
    """The strand in pool_effects' shape (what the alliance forest plot draws): findings as rows."""
    rows = strand.get("rows") or []
    return {**strand["pool"],
            "projects": [{"project_id": r["project_id"], "label": r["title"], "n": r["n"], "g": r["g"],
                          "ci_low": r["ci_low"], "ci_high": r["ci_high"], "weight": r["weight"]}
                         for r in rows if r["pooled"]],
            "excluded": [{"project_id": r["project_id"], "label": r["title"], "reason": r["reason"]}
                         for r in rows if not r["pooled"]]}


def strand_forest(strand: Mapping, *, title: str) -> ChartSpec:
    """Each pooled finding's g with its 95% CI, the REML/HKSJ pooled diamond and, as a thin bar
    through it, the 95% prediction interval (the likely effect in a new setting)."""
    spec = forest(_pool_for_forest(strand), title=title)
    interval = strand["pool"].get("prediction_interval")
    if interval and spec.figure.axes:
        ax = spec.figure.axes[0]
        bar = ax.hlines([0], [interval["low"]], [interval["high"]], color=VERMILLION, linewidth=2.0, zorder=2)
        bar.set_gid("prediction-interval")  # clipped at the axes: with few findings it can run far past them
        text = (f" 95% prediction interval {interval['low']:.2f} to {interval['high']:.2f} "
                f"({interval['distribution']}), drawn as the red bar through the pooled diamond.")
        spec.alt_text += text
        spec.table.append({column: None for column in FOREST_COLUMNS} | {
            "row": "prediction_interval", "label": "95% prediction interval", "ci_low": interval["low"],
            "ci_high": interval["high"], "plotted": True, "note": interval["distribution"]})
    return spec


def funnel(strand: Mapping, *, title: str) -> ChartSpec:
    """Funnel plot: each pooled finding's g against its standard error (0 at the top), the pooled
    estimate, and the region where 95% of findings would fall if only chance varied them."""
    rows = [r for r in strand.get("rows") or [] if r["pooled"]]
    pooled = strand["pool"]["g"]
    se = np.array([r["se"] for r in rows], dtype=float)
    g = np.array([r["g"] for r in rows], dtype=float)
    figure = new_figure()
    layout(figure, add_title(figure, title), left=0.1, right=0.95)
    ax = figure.add_subplot()
    top = float(se.max()) * 1.1
    edge = np.linspace(0.0, top, 50)
    ax.plot(pooled - Z_95 * edge, edge, color=GREY, linestyle="--", linewidth=0.9, gid="funnel-left")
    ax.plot(pooled + Z_95 * edge, edge, color=GREY, linestyle="--", linewidth=0.9, gid="funnel-right")
    ax.axvline(pooled, color=BLACK, linewidth=1.0, gid="pooled-line")
    ax.axvline(0, color=BLACK, linewidth=0.9, linestyle=":", gid="zero-line")
    dots = ax.scatter(g, se, s=30, color=BLUE, edgecolors=BLUE, zorder=3)
    dots.set_gid("findings")
    ax.set_ylim(top, 0)
    ax.set_xlabel("Hedges' g (positive = better for the intervention group)", fontsize=FONT)
    ax.set_ylabel("Standard error", fontsize=FONT)
    ax.tick_params(labelsize=FONT)
    ax.spines[["top", "right"]].set_visible(False)
    subtitle(ax, f"{len(rows)} findings; dashed lines: pooled g \u00b1 1.96 se")
    egger = strand.get("egger")
    note = ""
    if egger:
        note = (f"Egger's test: intercept {egger['intercept']:.2f} (95% CI {egger['ci_low']:.2f} to "
                f"{egger['ci_high']:.2f}), p = {egger['p_value']:.3f}.")
        add_note(figure, note + " An intercept away from 0 suggests small findings differ from large ones.")
    table = [{"row": "finding", "slug": r["slug"], "label": r["title"], "n": r["n"], "g": r["g"], "se": r["se"],
              "note": None} for r in rows]
    table.append({"row": "pooled", "slug": None, "label": "Pooled estimate", "n": None, "g": pooled, "se": None,
                  "note": strand["pool"]["method"]})
    alt = (f"Funnel plot of {len(rows)} findings: each finding's effect size (Hedges' g) against its standard "
           f"error, largest findings at the top, with the pooled effect g = {pooled:.2f} as a vertical line and "
           f"dashed lines at the pooled g plus or minus 1.96 standard errors. {note}").strip()
    return ChartSpec(figure, alt, table, FUNNEL_COLUMNS, title)
