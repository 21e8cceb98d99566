"""Disadvantaged gap chart: mean of disadvantaged vs other pupils by stage, one panel per group.

Reads the results' gap section: ``subgroups`` cells (stage x group x subgroup, n and mean)
and ``gaps`` cells (others minus disadvantaged, oriented so a positive gap always means
disadvantaged pupils are behind). Pupils of unknown status are not plotted.
"""

from __future__ import annotations

from collections.abc import Mapping

from research.vocabulary import STAGES

from .base import (
    SMALL, FONT, GREEN, GROUP_STYLE, NO_DATA, STAGE_LABELS, STAGE_SHORT, VERMILLION, ChartSpec, add_note, add_title,
    cells_by_key, count, empty_chart, find_measure, fmt, is_suppressed, layout, listing, mark_missing, min_cell_of,
    new_figure, number, stage_index, subtitle, suppressed_message, table_value, unit_label,
    value_axis_from_scale,
)
from .project import suppressed_note

GAP_COLUMNS = ["measure", "stage", "group", "subgroup", "n", "mean", "gap", "note"]
SUBGROUP_STYLE = {
    "disadvantaged": {"color": VERMILLION, "marker": "^", "linestyle": "--", "label": "Disadvantaged pupils"},
    "not disadvantaged": {"color": GREEN, "marker": "o", "linestyle": "-", "label": "Other pupils"},
}
SUBGROUP_KEY = {"disadvantaged": "disadvantaged", "not disadvantaged": "others"}
OFFSET = {"disadvantaged": 0.06, "not disadvantaged": -0.06}


def _gap_phrase(gap_cell: Mapping | None, unit: str) -> str:
    gap = number(gap_cell.get("gap")) if gap_cell and not is_suppressed(gap_cell) else None
    if gap is None:
        return "gap not available"
    if gap == 0:
        return "no gap"
    return f"disadvantaged pupils {fmt(abs(gap))}{unit} {'behind' if gap > 0 else 'ahead'}"


def _read(measure_result: Mapping, min_cell: int) -> tuple[list[dict], dict, list[tuple[str, str, str, dict]]]:
    """(table rows, plotted points per group and subgroup, missing cells)."""
    subgroups = cells_by_key((measure_result.get("gap") or {}).get("subgroups") or [], "stage", "group", "subgroup")
    gaps = cells_by_key((measure_result.get("gap") or {}).get("gaps") or [], "stage", "group")
    name = measure_result["measure"].get("name")
    table, points, missing = [], {}, []
    for group in [g for g in measure_result.get("groups") or [] if g in GROUP_STYLE]:
        for stage in STAGES:
            gap_cell = gaps.get((stage, group))
            for subgroup in SUBGROUP_STYLE:
                cell = subgroups.get((stage, group, subgroup))
                if cell is None:
                    continue
                mean = number(cell.get("mean"))
                plotted = mean is not None and not is_suppressed(cell)
                note = suppressed_note(min_cell) if is_suppressed(cell) else (
                    cell.get("reason") or ("no value" if not plotted else None))
                table.append({
                    "measure": name, "stage": stage, "group": group, "subgroup": subgroup,
                    "n": table_value(cell, "n"), "mean": table_value(cell, "mean"),
                    "gap": table_value(gap_cell, "gap") if gap_cell else None, "note": note,
                })
                if plotted:
                    points.setdefault(group, {}).setdefault(subgroup, []).append((stage, mean, count(cell.get("n"))))
                else:
                    missing.append((group, stage, subgroup, cell))
    return table, points, missing


def _highest_per_stage(series_by_subgroup: Mapping[str, list]) -> dict[str, str]:
    """Which subgroup has the higher mean at each stage (its n label goes above the point)."""
    best: dict[str, tuple[float, str]] = {}
    for subgroup, series in series_by_subgroup.items():
        for stage, mean, _ in series:
            if stage not in best or mean > best[stage][0]:
                best[stage] = (mean, subgroup)
    return {stage: subgroup for stage, (_, subgroup) in best.items()}


def _missing_sentence(missing: list[tuple[str, str, str, dict]], min_cell: int) -> str:
    def label(group: str, stage: str, subgroup: str) -> str:
        return f"{SUBGROUP_KEY[subgroup]} in the {group} group at {STAGE_SHORT[stage]}"

    hidden = [label(g, s, sub) for g, s, sub, cell in missing if is_suppressed(cell)]
    absent = [label(g, s, sub) for g, s, sub, cell in missing if not is_suppressed(cell)]
    sentences = []
    if hidden:
        sentences.append(f"Not shown, {suppressed_note(min_cell)}: {listing(hidden)}.")
    if absent:
        sentences.append(f"No value for {listing(absent)}.")
    return " ".join(sentences)


def gap(results: Mapping, measure_id: int | str, *, title: str, question: str = "") -> ChartSpec:
    """Mean score of disadvantaged and other pupils at each stage, per group, with n."""
    measure_result = find_measure(results, measure_id)
    measure, min_cell = measure_result["measure"], min_cell_of(results)
    table, points, missing = _read(measure_result, min_cell)
    if not points:
        message = suppressed_message(min_cell) if any(is_suppressed(m[3]) for m in missing) else NO_DATA
        return empty_chart(title, message, table, GAP_COLUMNS, _missing_sentence(missing, min_cell),
                           f"line chart of mean {measure.get('name')} score for disadvantaged and other pupils",
                           question)

    groups = [g for g in measure_result.get("groups") or [] if g in points or any(m[0] == g for m in missing)]
    figure = new_figure()
    layout(figure, add_title(figure, title, question), bottom=0.23, wspace=0.08)
    axes = figure.subplots(1, len(groups), sharey=True, squeeze=False)[0]
    for ax, group in zip(axes, groups):
        highest = _highest_per_stage(points.get(group, {}))
        for subgroup, series in points.get(group, {}).items():
            style = SUBGROUP_STYLE[subgroup]
            xs = [stage_index(stage) + OFFSET[subgroup] for stage, _, _ in series]
            (line,) = ax.plot(xs, [mean for _, mean, _ in series], markersize=6, linewidth=1.8, **style)
            line.set_gid(f"series-{group}-{SUBGROUP_KEY[subgroup]}")
            for x, (stage, mean, n) in zip(xs, series):
                above = highest.get(stage) == subgroup
                text = ax.annotate(f"n={n}", (x, mean), xytext=(0, 8 if above else -10), textcoords="offset points",
                                   ha="center", va="center", fontsize=SMALL, color=style["color"])
                text.set_gid(f"n-{group}-{SUBGROUP_KEY[subgroup]}-{stage}")
        withheld = [(stage, OFFSET[subgroup]) for g, stage, subgroup, cell in missing
                    if g == group and is_suppressed(cell)]
        mark_missing(ax, withheld, f"withheld-{group}")
        ax.set_xticks(range(len(STAGES)), [STAGE_LABELS[s].replace(" (", "\n(") for s in STAGES], fontsize=FONT - 1)
        ax.set_xlim(-0.4, len(STAGES) - 0.6)
        ax.margins(y=0.15)
        ax.tick_params(axis="y", labelsize=FONT)
        ax.set_xlabel(f"Stage: {group} group", fontsize=FONT)
        ax.spines[["top", "right"]].set_visible(False)
    axes[0].set_ylabel(unit_label(measure), fontsize=FONT)
    value_axis_from_scale(axes[0], measure)  # shared: every panel starts there
    handles = [line for line in axes[0].get_lines()]
    for ax in axes[1:]:
        handles += [line for line in ax.get_lines() if line.get_label() not in {h.get_label() for h in handles}]
    axes[-1].legend(handles=handles, loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=2, frameon=False,
                    fontsize=FONT, borderaxespad=0.2).set_gid("legend")
    subtitle(axes[0], "mean by stage", name=str(measure.get("name")), reserve_in=3.1)
    note = "Gap = other pupils' mean minus disadvantaged pupils' mean; positive means disadvantaged pupils are behind."
    add_note(figure, " ".join(filter(None, [note, _missing_sentence(missing, min_cell)])))

    gaps = cells_by_key((measure_result.get("gap") or {}).get("gaps") or [], "stage", "group")
    unit = f" {measure.get('unit')}" if measure.get("unit") else ""
    described = []
    for group in [g for g in groups if g in points]:
        stages = [s for s in STAGES if any(p[0] == s for series in points[group].values() for p in series)]
        parts = []
        for stage in stages:
            values = [f"{SUBGROUP_KEY[sub]} {fmt(mean)} (n={n})" for sub, series in points[group].items()
                      for s, mean, n in series if s == stage]
            parts.append(f"at {STAGE_SHORT[stage]} {', '.join(values)}, {_gap_phrase(gaps.get((stage, group)), unit)}")
        described.append(f"{group.capitalize()} group: " + "; ".join(parts) + ".")
    alt = (f"Line chart of mean {measure.get('name')} score ({measure.get('unit') or 'score'}) by stage for "
           f"disadvantaged and other pupils, one panel each for the {listing([f'{g} group' for g in groups])}. "
           + " ".join(described))
    if missing:
        alt += " " + _missing_sentence(missing, min_cell)
    return ChartSpec(figure, alt, table, GAP_COLUMNS, title)
