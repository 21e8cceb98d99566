"""Project charts by stage: trajectory (mean and 95% CI) and distribution (box summaries).

Input is project_results output (member view) or its non_member_view; a suppressed ("c")
or missing value is never plotted, and the table and alt text say why.
"""

from __future__ import annotations

from collections.abc import Mapping

from matplotlib.patches import Patch

from research.analysis.types import STAGES

from .base import (
    SMALL, FONT, GROUP_HATCH, GROUP_STYLE, NO_DATA, STAGE_LABELS, STAGE_SHORT, ChartSpec, add_note, add_title,
    cells_by_key, count, empty_chart, find_measure, fmt, is_suppressed, layout, listing, mark_missing, min_cell_of,
    new_figure, number, stage_index, subtitle, suppressed_message, table_value, unit_label,
)

TRAJECTORY_COLUMNS = ["measure", "stage", "group", "n", "mean", "ci_low", "ci_high", "note"]
DISTRIBUTION_COLUMNS = ["measure", "stage", "group", "n", "min", "q1", "median", "q3", "max", "note"]
BOX_KEYS = ("min", "q1", "median", "q3", "max")
BOX_KEY = "Box: lower to upper quartile, line at the median; whiskers: lowest to highest score."
OFFSET = {"intervention": -0.08, "comparison": 0.08}
LABEL_BOX = {"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none", "alpha": 0.85}
BOX_OFFSET = {"intervention": -0.17, "comparison": 0.17}


def suppressed_note(min_cell: int) -> str:
    return f"suppressed: fewer than {min_cell} pupils, or could be worked out from other figures"


def _note(cell: Mapping, plotted: bool, min_cell: int) -> str | None:
    if is_suppressed(cell):
        return suppressed_note(min_cell)
    if not plotted:
        return cell.get("reason") or "no value"
    return cell.get("reason")


def _stage_cells(measure_result: Mapping) -> list[tuple[str, str, dict]]:
    """(group, stage, descriptives cell) in plotting order, groups as the results give them."""
    cells = cells_by_key(measure_result.get("descriptives") or [], "stage", "group")
    groups = [group for group in measure_result.get("groups") or [] if group in GROUP_STYLE]
    return [(group, stage, cells[(stage, group)]) for group in groups for stage in STAGES if (stage, group) in cells]


def _missing_sentence(missing: list[tuple[str, str, dict]], min_cell: int) -> str:
    hidden = [f"{group} at {STAGE_SHORT[stage]}" for group, stage, cell in missing if is_suppressed(cell)]
    absent = [f"{group} at {STAGE_SHORT[stage]}" for group, stage, cell in missing if not is_suppressed(cell)]
    sentences = []
    if hidden:
        sentences.append(f"Not shown, {suppressed_note(min_cell)}: {listing(hidden)}.")
    if absent:
        sentences.append(f"No value yet for {listing(absent)}.")
    return " ".join(sentences)


def _mark_missing(ax, missing: list[tuple[str, str, dict]], offsets: Mapping[str, float]) -> None:
    mark_missing(ax, [(stage, offsets[group]) for group, stage, cell in missing if is_suppressed(cell)], "withheld")


def _empty(title: str, missing: list, min_cell: int, table: list[dict], columns: list[str], what: str) -> ChartSpec:
    any_hidden = any(is_suppressed(cell) for _, _, cell in missing)
    message = suppressed_message(min_cell) if any_hidden else NO_DATA
    return empty_chart(title, message, table, columns, _missing_sentence(missing, min_cell), what)


def _change_phrase(values: list[tuple[str, float]]) -> str:
    (first_stage, first), (last_stage, last) = values[0], values[-1]
    if len(values) == 1 or first_stage == last_stage:
        return ""
    verb = "rose" if last > first else "fell" if last < first else "stayed level"
    return (f"; the mean {verb} from {fmt(first)} at {STAGE_SHORT[first_stage]} "
            f"to {fmt(last)} at {STAGE_SHORT[last_stage]}")


def trajectory(results: Mapping, measure_id: int | str, *, title: str) -> ChartSpec:
    """Mean score and 95% CI by group at each stage (baseline, progress, final)."""
    measure_result = find_measure(results, measure_id)
    measure, min_cell = measure_result["measure"], min_cell_of(results)
    table, missing, series = [], [], {}
    for group, stage, cell in _stage_cells(measure_result):
        mean, n = number(cell.get("mean")), count(cell.get("n"))
        low, high = number(cell.get("ci_low")), number(cell.get("ci_high"))
        plotted = mean is not None and not is_suppressed(cell)
        table.append({
            "measure": measure.get("name"), "stage": stage, "group": group, "n": table_value(cell, "n"),
            "mean": table_value(cell, "mean"), "ci_low": table_value(cell, "ci_low"),
            "ci_high": table_value(cell, "ci_high"), "note": _note(cell, plotted, min_cell),
        })
        if plotted:
            series.setdefault(group, []).append((stage, mean, low, high, n))
        else:
            missing.append((group, stage, cell))
    if not series:
        return _empty(title, missing, min_cell, table, TRAJECTORY_COLUMNS,
                      f"line chart of mean {measure.get('name')} score by stage and group")

    figure = new_figure()
    layout(figure, add_title(figure, title))
    ax = figure.add_subplot()
    for group, points in series.items():
        style = GROUP_STYLE[group]
        xs = [stage_index(stage) + OFFSET[group] for stage, *_ in points]
        (line,) = ax.plot(xs, [p[1] for p in points], markersize=6, linewidth=1.8, **style)
        line.set_gid(f"series-{group}")
        with_ci = [(x, p) for x, p in zip(xs, points) if p[2] is not None and p[3] is not None]
        if with_ci:
            bars = ax.vlines([x for x, _ in with_ci], [p[2] for _, p in with_ci], [p[3] for _, p in with_ci],
                             color=style["color"], linewidth=1.2, linestyle="-")
            bars.set_gid(f"ci-{group}")
        left = group == "intervention"
        for x, (stage, mean, _, _, n) in zip(xs, points):
            label = ax.annotate(f"n={n}", (x, mean), xytext=(-7 if left else 7, 0), textcoords="offset points",
                                ha="right" if left else "left", va="center", fontsize=SMALL, color=style["color"],
                                bbox=LABEL_BOX)
            label.set_gid(f"n-{group}-{stage}")
    ax.set_xticks(range(len(STAGES)), [STAGE_LABELS[stage] for stage in STAGES], fontsize=FONT)
    ax.set_xlim(-0.45, len(STAGES) - 0.55)
    ax.set_xlabel("Stage", fontsize=FONT)
    ax.set_ylabel(unit_label(measure), fontsize=FONT)
    ax.tick_params(axis="y", labelsize=FONT)
    subtitle(ax, f"{measure.get('name')}: mean with 95% confidence interval")
    ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=2, frameon=False, fontsize=FONT,
              borderaxespad=0.2).set_gid("legend")
    ax.spines[["top", "right"]].set_visible(False)
    _mark_missing(ax, missing, OFFSET)
    add_note(figure, _missing_sentence(missing, min_cell))

    described = []
    for group, points in series.items():
        values = ", ".join(f"{STAGE_SHORT[stage]} {fmt(mean)} (n={n})" for stage, mean, _, _, n in points)
        described.append(f"{group.capitalize()} group: {values}"
                          f"{_change_phrase([(p[0], p[1]) for p in points])}.")
    alt = (f"Line chart of mean {measure.get('name')} score ({measure.get('unit') or 'score'}) by stage for the "
           f"{listing([f'{g} group' for g in series])}, with 95% confidence intervals. " + " ".join(described))
    if missing:
        alt += " " + _missing_sentence(missing, min_cell)
    return ChartSpec(figure, alt, table, TRAJECTORY_COLUMNS, title)


def distribution(results: Mapping, measure_id: int | str, *, title: str) -> ChartSpec:
    """Box summaries (min, quartiles, median, max) per stage and group from the descriptives."""
    measure_result = find_measure(results, measure_id)
    measure, min_cell = measure_result["measure"], min_cell_of(results)
    table, missing, boxes = [], [], []
    for group, stage, cell in _stage_cells(measure_result):
        values = {key: number(cell.get(key)) for key in BOX_KEYS}
        plotted = not is_suppressed(cell) and all(value is not None for value in values.values())
        table.append({
            "measure": measure.get("name"), "stage": stage, "group": group, "n": table_value(cell, "n"),
            **{key: table_value(cell, key) for key in BOX_KEYS}, "note": _note(cell, plotted, min_cell),
        })
        if plotted:
            boxes.append((group, stage, values, count(cell.get("n"))))
        else:
            missing.append((group, stage, cell))
    if not boxes:
        return _empty(title, missing, min_cell, table, DISTRIBUTION_COLUMNS,
                      f"box plot of {measure.get('name')} scores by stage and group")

    figure = new_figure()
    layout(figure, add_title(figure, title))
    ax = figure.add_subplot()
    stats = [{"med": v["median"], "q1": v["q1"], "q3": v["q3"], "whislo": v["min"], "whishi": v["max"],
              "fliers": []} for _, _, v, _ in boxes]
    positions = [stage_index(stage) + BOX_OFFSET[group] for group, stage, _, _ in boxes]
    drawn = ax.bxp(stats, positions=positions, widths=0.28, patch_artist=True, showfliers=False,
                   medianprops={"color": "black", "linewidth": 1.6}, manage_ticks=False)
    for (group, stage, values, n), box, position in zip(boxes, drawn["boxes"], positions):
        colour = GROUP_STYLE[group]["color"]
        box.set(facecolor=colour + "59", edgecolor=colour, hatch=GROUP_HATCH[group], linewidth=1.2)
        box.set_gid(f"box-{group}-{stage}")
        label = ax.annotate(f"n={n}", (position, values["max"]), xytext=(0, 3), textcoords="offset points",
                            ha="center", va="bottom", fontsize=SMALL, color=colour)
        label.set_gid(f"n-{group}-{stage}")
    ax.set_xticks(range(len(STAGES)), [STAGE_LABELS[stage] for stage in STAGES], fontsize=FONT)
    ax.set_xlim(-0.5, len(STAGES) - 0.5)
    ax.set_xlabel("Stage", fontsize=FONT)
    ax.set_ylabel(unit_label(measure, "Score"), fontsize=FONT)
    ax.tick_params(axis="y", labelsize=FONT)
    ax.margins(y=0.12)
    subtitle(ax, f"{measure.get('name')}: scores by stage")
    groups = list(dict.fromkeys(group for group, *_ in boxes))
    handles = [Patch(facecolor=GROUP_STYLE[g]["color"] + "59", edgecolor=GROUP_STYLE[g]["color"], hatch=GROUP_HATCH[g],
                     label=GROUP_STYLE[g]["label"]) for g in groups]
    ax.legend(handles=handles, loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=2, frameon=False,
              fontsize=FONT, borderaxespad=0.2).set_gid("legend")
    ax.spines[["top", "right"]].set_visible(False)
    _mark_missing(ax, missing, BOX_OFFSET)
    add_note(figure, " ".join(filter(None, [BOX_KEY, _missing_sentence(missing, min_cell)])))

    described = []
    for group in groups:
        parts = [f"{STAGE_SHORT[stage]} median {fmt(v['median'])}, quartiles {fmt(v['q1'])} to {fmt(v['q3'])}, "
                 f"range {fmt(v['min'])} to {fmt(v['max'])} (n={n})" for g, stage, v, n in boxes if g == group]
        described.append(f"{group.capitalize()} group: " + "; ".join(parts) + ".")
    alt = (f"Box plot of {measure.get('name')} scores ({measure.get('unit') or 'score'}) by stage for the "
           f"{listing([f'{g} group' for g in groups])}: each box spans the middle half of pupils (lower to upper "
           "quartile) with a line at the median, and whiskers reach the lowest and highest score. "
           + " ".join(described))
    if missing:
        alt += " " + _missing_sentence(missing, min_cell)
    return ChartSpec(figure, alt, table, DISTRIBUTION_COLUMNS, title)


__all__ = ["distribution", "trajectory"]
