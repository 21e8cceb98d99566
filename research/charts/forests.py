"""Forest plots: a project's headline effects across measures, and the alliance synthesis.

Both draw one row per estimate (marker at g, line across the 95% CI) with a vertical line
at 0; the alliance version sizes markers by pooling weight and adds the pooled diamond.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from matplotlib.lines import Line2D
from matplotlib.patches import Polygon

from research.vocabulary import GROUPS

from .base import (
    BLACK, BLUE, FONT, GREY, NO_DATA, ChartSpec, add_note, add_title, count, empty_chart, is_suppressed,
    layout, listing, min_cell_of, new_figure, number, suppressed_message, table_value,
)
from .project import suppressed_note
from .text import wrap_label, wrap_to_width

EFFECT_COLUMNS = ["measure_id", "measure", "kind", "metric", "design", "n", "n_intervention", "n_comparison",
                  "g", "ci_low", "ci_high", "months", "weaker_evidence", "note"]
METRIC_LABELS = {"adjusted": "final scores adjusted for baseline", "final": "final scores", "gain": "gains from baseline",
                 "within_group": "change within group"}
WEAKER = "within-group: weaker evidence"
X_LABEL = "Hedges' g with 95% CI (positive = better for the intervention group)"


@dataclass(frozen=True)
class ForestRow:
    """One estimate: ``label`` (a name, wrapped to the label column), ``suffix`` kept whole after
    it (e.g. "(n=60)"), ``detail`` on a line of its own underneath."""

    label: str
    g: float
    low: float
    high: float
    hollow: bool = False
    size: float = 45.0  # marker area, points^2
    suffix: str = ""
    detail: str = ""


def _font_size(rows: int) -> float:
    return 8.0 if rows <= 10 else 7.0 if rows <= 18 else 6.0


def _row_label(figure, row: ForestRow, width_in: float, size: float, name_lines: int) -> str:
    label = wrap_label(row.label, width_in, size, max_lines=name_lines, suffix=row.suffix)
    if row.detail:
        label += "\n" + wrap_to_width(row.detail, width_in, size, max_lines=1)[0]
    return label


def draw_forest(ax, rows: Sequence[ForestRow], *, pooled: tuple[float, float, float, str] | None = None,
                gids: tuple[str, str] = ("effects", "effects-weaker")) -> None:
    """Rows top to bottom; ``pooled`` = (g, low, high, label) adds a diamond underneath.

    Labels are wrapped to the space left of the axes (measured), so a long measure or project
    name is never cut at the figure's edge; the full names are in the table and alt text.
    """
    total = len(rows) + (1 if pooled else 0)
    ys = [total - 1 - index for index in range(len(rows))]
    size = _font_size(total)
    ci = ax.hlines(ys, [r.low for r in rows], [r.high for r in rows], color=BLUE, linewidth=1.4)
    ci.set_gid("ci")
    for hollow, gid in ((False, gids[0]), (True, gids[1])):
        chosen = [(y, r) for y, r in zip(ys, rows) if r.hollow == hollow]
        if chosen:
            dots = ax.scatter([r.g for _, r in chosen], [y for y, _ in chosen], s=[r.size for _, r in chosen],
                              marker="o" if hollow else "s", facecolors="white" if hollow else BLUE,
                              edgecolors=BLUE, linewidths=1.4, zorder=3)
            dots.set_gid(gid)
    figure = ax.figure
    label_width = figure.subplotpars.left * figure.get_figwidth() - 0.15
    name_lines = 2 if total <= 6 else 1
    labels = [_row_label(figure, r, label_width, size, name_lines) for r in rows]
    positions = list(ys)
    lows, highs = [r.low for r in rows], [r.high for r in rows]
    if pooled:
        g, low, high, label = pooled
        diamond = Polygon([(low, 0), (g, 0.3), (high, 0), (g, -0.3)], closed=True, facecolor=BLACK, edgecolor=BLACK)
        diamond.set_gid("pooled-estimate")
        ax.add_patch(diamond)
        ax.axhline(0.6, color=GREY, linewidth=0.6)
        labels.append(label)
        positions.append(0)
        lows.append(low)
        highs.append(high)
        estimates = [(r.g, r.low, r.high, y) for r, y in zip(rows, ys)] + [(g, low, high, 0)]
    else:
        estimates = [(r.g, r.low, r.high, y) for r, y in zip(rows, ys)]
    zero = ax.axvline(0, color=BLACK, linewidth=0.9, linestyle=":")
    zero.set_gid("zero-line")
    ax.set_yticks(positions, labels, fontsize=size)
    ax.set_ylim(-0.7, total - 0.3)
    span_low, span_high = min(min(lows), 0.0), max(max(highs), 0.0)
    pad = max(0.1, 0.08 * (span_high - span_low))
    ax.set_xlim(span_low - pad, span_high + pad)
    transform = ax.get_yaxis_transform()
    for g, low, high, y in estimates:
        ax.text(1.01, y, f"{g:.2f} [{low:.2f}, {high:.2f}]", transform=transform, ha="left", va="center",
                fontsize=size, clip_on=False)
    ax.text(1.01, 1.0, "g [95% CI]", transform=ax.transAxes, ha="left", va="bottom", fontsize=size, color=GREY)
    ax.set_xlabel(X_LABEL, fontsize=FONT)
    ax.tick_params(axis="x", labelsize=FONT)
    ax.tick_params(axis="y", length=0)
    ax.spines[["top", "right", "left"]].set_visible(False)


def _months_text(months: object) -> str:
    months = count(months)
    if months is None:
        return ""
    return f"{months:+d} month{'s' if abs(months) != 1 else ''}' progress" if months else "0 months' progress"


def _effect_row(measure_result: Mapping, min_cell: int) -> tuple[dict, ForestRow | None, str]:
    """(table row, plotted row or None, sentence for the alt text)."""
    measure = measure_result.get("measure") or {}
    effects = measure_result.get("effects") or {}
    headline, design = effects.get("headline"), effects.get("design")
    if headline == "c" or (headline is None and effects.get("below_min_cell")):
        # Withheld: the headline rests on hidden cells, or a group is under the minimum cell size.
        cell = {key: "c" for key in ("g", "ci_low", "ci_high", "n", "n_intervention", "n_comparison", "months")}
    else:
        cell = effects.get(headline) if isinstance(headline, str) else None
        cell = cell if isinstance(cell, Mapping) else {}
    name = measure.get("name") or f"Measure {measure.get('id')}"
    weaker = headline == "within_group"
    g, low, high = (number(cell.get(key)) for key in ("g", "ci_low", "ci_high"))
    plotted = bool(cell) and not is_suppressed(cell) and None not in (g, low, high)
    if is_suppressed(cell):
        note = suppressed_note(min_cell)
    elif not plotted:
        reason = cell.get("reason") or effects.get("headline_reason") or measure_result.get("reason")
        note = reason if reason and reason != "c" else "No effect size could be computed."
    else:
        note = WEAKER if weaker else None
    row = {
        "measure_id": measure.get("id"), "measure": name, "kind": measure.get("kind"), "metric": headline,
        "design": design, "n": table_value(cell, "n") if cell else None,
        "n_intervention": table_value(cell, "n_intervention") if "n_intervention" in cell else None,
        "n_comparison": table_value(cell, "n_comparison") if "n_comparison" in cell else None,
        "g": table_value(cell, "g") if cell else None, "ci_low": table_value(cell, "ci_low") if cell else None,
        "ci_high": table_value(cell, "ci_high") if cell else None,
        "months": table_value(cell, "months") if cell else None, "weaker_evidence": weaker, "note": note,
    }
    if not plotted:
        return row, None, f"{name}: not shown ({note.rstrip('.')})."
    n, months = count(cell.get("n")), _months_text(cell.get("months"))
    detail = " · ".join(filter(None, [f"n={n}", WEAKER if weaker else months]))
    forest_row = ForestRow(name, g, low, high, hollow=weaker, detail=detail)
    groups = [f"{group} {cell[f'n_{group}']}" for group in GROUPS if f"n_{group}" in cell]
    sentence = (f"{name}: g = {g:.2f} (95% CI {low:.2f} to {high:.2f}), n={n} ({', '.join(groups)}), "
                f"{METRIC_LABELS.get(headline, headline)}")
    sentence += ", measured within the intervention group only (weaker evidence: no comparison group)" if weaker else ""
    return row, forest_row, sentence + (f", {months}." if months else ".")


def effects(results: Mapping, *, title: str, question: str = "") -> ChartSpec:
    """Forest plot of each measure's headline Hedges' g with 95% CI; within-group rows hollow."""
    min_cell = min_cell_of(results)
    table, rows, sentences, hidden = [], [], [], False
    for measure_result in results.get("measures") or []:
        row, forest_row, sentence = _effect_row(measure_result, min_cell)
        table.append(row)
        sentences.append(sentence)
        hidden = hidden or row["note"] == suppressed_note(min_cell)
        if forest_row:
            rows.append(forest_row)
    if not rows:
        return empty_chart(title, suppressed_message(min_cell) if hidden else NO_DATA, table, EFFECT_COLUMNS,
                           " ".join(sentences), "forest plot of the headline effect size for each measure", question)

    figure = new_figure()
    axes_top = layout(figure, add_title(figure, title, question), left=0.3, right=0.84)
    ax = figure.add_subplot()
    draw_forest(ax, rows)
    handles = [Line2D([], [], color=BLUE, marker="s", linestyle="-", label="Headline: intervention vs comparison")]
    if any(r.hollow for r in rows):
        handles.append(Line2D([], [], color=BLUE, marker="o", markerfacecolor="white", linestyle="-",
                              label="Within group (weaker evidence)"))
    legend = figure.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.01, axes_top), ncols=2,
                           frameon=False, fontsize=FONT - 1, borderaxespad=0.2)
    legend.set_gid("legend")
    not_shown = [r["measure"] for r in table if r["note"] and r["note"] != WEAKER]
    if not_shown:
        add_note(figure, f"Not shown: {listing(not_shown)} (see the table for why).")
    alt = (f"Forest plot of the headline effect size (Hedges' g with 95% confidence interval) for "
           f"{len(table)} measure{'s' if len(table) != 1 else ''}; a vertical line marks 0 (no difference) and "
           "positive values favour the intervention. " + " ".join(sentences))
    return ChartSpec(figure, alt, table, EFFECT_COLUMNS, title)

