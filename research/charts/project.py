"""Project charts by stage: trajectory (mean and 95% CI) and distribution (box summaries).

Input is project_results output (member view) or its non_member_view; a suppressed ("c")
or missing value is never plotted, and the table and alt text say why. Outsiders may see a
descriptive cell in part (n, mean and CI, but no range, and for small groups no quartiles):
the distribution chart then draws a box without whiskers, or the mean with its 95% CI.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from research.vocabulary import COMPARISON, INTERVENTION, STAGES

from .base import (
    SMALL, FONT, GROUP_HATCH, GROUP_STYLE, NO_DATA, STAGE_LABELS, STAGE_SHORT, ChartSpec, add_note, add_title,
    MARKER, cells_by_key, count, empty_chart, find_measure, fmt, is_suppressed, is_withheld, layout, listing,
    mark_missing, min_cell_of, new_figure, number, stage_index, subtitle, suppressed_message, table_value, unit_label,
    value_axis_from_scale,
)

TRAJECTORY_COLUMNS = ["measure", "stage", "group", "n", "mean", "ci_low", "ci_high", "note"]
DISTRIBUTION_COLUMNS = ["measure", "stage", "group", "n", "min", "q1", "median", "q3", "max", "note"]
BOX_KEYS = ("min", "q1", "median", "q3", "max")
RANGE_KEYS = ("min", "max")
QUARTILE_KEYS = ("q1", "median", "q3")
MEAN_KEYS = ("mean", "ci_low", "ci_high")  # drawn instead of a box when outsiders may not see the quartiles
RANGE_WITHHELD = "range (lowest and highest score) withheld"
QUARTILES_WITHHELD = "quartiles and range withheld"
BOX_KEY = "Box: lower to upper quartile, line at the median; whiskers: lowest to highest score."
OFFSET = {INTERVENTION: -0.08, COMPARISON: 0.08}
LABEL_BOX = {"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none", "alpha": 0.85}
BOX_OFFSET = {INTERVENTION: -0.17, COMPARISON: 0.17}


def suppressed_note(min_cell: int) -> str:
    return f"suppressed: fewer than {min_cell} pupils, or could be worked out from other figures"


def _note(cell: Mapping, plotted: bool, min_cell: int, withheld: bool = False) -> str | None:
    if is_suppressed(cell) or (withheld and not plotted):
        return suppressed_note(min_cell)
    if not plotted:
        return _reason(cell) or "no value"
    return _reason(cell)


def _reason(cell: Mapping) -> str | None:
    reason = cell.get("reason")
    return None if reason == MARKER else reason


def _stage_cells(measure_result: Mapping) -> list[tuple[str, str, dict]]:
    """(group, stage, descriptives cell) in plotting order, groups as the results give them."""
    cells = cells_by_key(measure_result.get("descriptives") or [], "stage", "group")
    groups = [group for group in measure_result.get("groups") or [] if group in GROUP_STYLE]
    return [(group, stage, cells[(stage, group)]) for group in groups for stage in STAGES if (stage, group) in cells]


# A stage x group that is not drawn: (group, stage, withheld by disclosure control?).
Missing = tuple[str, str, bool]


def _missing_sentence(missing: list[Missing], min_cell: int) -> str:
    hidden = [f"{group} at {STAGE_SHORT[stage]}" for group, stage, withheld in missing if withheld]
    absent = [f"{group} at {STAGE_SHORT[stage]}" for group, stage, withheld in missing if not withheld]
    sentences = []
    if hidden:
        sentences.append(f"Not shown, {suppressed_note(min_cell)}: {listing(hidden)}.")
    if absent:
        sentences.append(f"No value yet for {listing(absent)}.")
    return " ".join(sentences)


def _mark_missing(ax, missing: list[Missing], offsets: Mapping[str, float]) -> None:
    mark_missing(ax, [(stage, offsets[group]) for group, stage, withheld in missing if withheld], "withheld")


def _empty(title: str, missing: list[Missing], min_cell: int, table: list[dict], columns: list[str],
           what: str, question: str = "") -> ChartSpec:
    message = suppressed_message(min_cell) if any(withheld for *_, withheld in missing) else NO_DATA
    return empty_chart(title, message, table, columns, _missing_sentence(missing, min_cell), what, question)


def _change_phrase(values: list[tuple[str, float]]) -> str:
    (first_stage, first), (last_stage, last) = values[0], values[-1]
    if len(values) == 1 or first_stage == last_stage:
        return ""
    verb = "rose" if last > first else "fell" if last < first else "stayed level"
    return (f"; the mean {verb} from {fmt(first)} at {STAGE_SHORT[first_stage]} "
            f"to {fmt(last)} at {STAGE_SHORT[last_stage]}")


def trajectory(results: Mapping, measure_id: int | str, *, title: str, question: str = "") -> ChartSpec:
    """Mean score and 95% CI by group at each stage (baseline, progress, final)."""
    measure_result = find_measure(results, measure_id)
    measure, min_cell = measure_result["measure"], min_cell_of(results)
    table, missing, series = [], [], {}
    for group, stage, cell in _stage_cells(measure_result):
        mean, n = number(cell.get("mean")), count(cell.get("n"))
        low, high = number(cell.get("ci_low")), number(cell.get("ci_high"))
        withheld = is_withheld(cell, "mean")
        plotted = mean is not None and not withheld
        table.append({
            "measure": measure.get("name"), "stage": stage, "group": group, "n": table_value(cell, "n"),
            "mean": table_value(cell, "mean"), "ci_low": table_value(cell, "ci_low"),
            "ci_high": table_value(cell, "ci_high"), "note": _note(cell, plotted, min_cell, withheld),
        })
        if plotted:
            series.setdefault(group, []).append((stage, mean, low, high, n))
        else:
            missing.append((group, stage, withheld))
    if not series:
        return _empty(title, missing, min_cell, table, TRAJECTORY_COLUMNS,
                      f"line chart of mean {measure.get('name')} score by stage and group", question)

    figure = new_figure()
    layout(figure, add_title(figure, title, question))
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
        left = group == INTERVENTION
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
    value_axis_from_scale(ax, measure)
    subtitle(ax, "mean with 95% confidence interval", name=str(measure.get("name")))
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


@dataclass(frozen=True)
class Summary:
    """One stage x group of the distribution chart and how it is drawn.

    ``shape`` is "box" (quartiles and range), "box_no_range" (quartiles; the range withheld,
    so no whiskers) or "mean_ci" (quartiles withheld too: the mean as a point with its 95% CI).
    """

    group: str
    stage: str
    n: int | None
    values: dict[str, float | None]
    shape: str

    @property
    def top(self) -> float:
        """The highest drawn value (the n label goes just above it)."""
        key = {"box": "max", "box_no_range": "q3", "mean_ci": "ci_high"}[self.shape]
        return self.values[key]  # type: ignore[return-value]


def _shape(values: Mapping[str, float | None]) -> str | None:
    """How a cell's values can be drawn; None when there is nothing to draw."""
    if all(values[key] is not None for key in QUARTILE_KEYS):
        return "box" if all(values[key] is not None for key in RANGE_KEYS) else "box_no_range"
    if all(values[key] is not None for key in MEAN_KEYS):
        return "mean_ci"
    return None


def _summary_withheld(cell: Mapping) -> bool:
    """True when a cell cannot be drawn because disclosure control withheld what it needs."""
    return any(is_withheld(cell, key) for key in QUARTILE_KEYS + MEAN_KEYS)


def _distribution_note(cell: Mapping, summary: Summary | None, min_cell: int) -> str | None:
    if summary is None:
        return _note(cell, False, min_cell, _summary_withheld(cell))
    if summary.shape == "box_no_range":
        return RANGE_WITHHELD
    if summary.shape == "mean_ci":
        v = summary.values
        return (f"{QUARTILES_WITHHELD}; shown as the mean {fmt(v['mean'])} with 95% CI "
                f"{fmt(v['ci_low'])} to {fmt(v['ci_high'])}")
    return _reason(cell)


def _box_table_value(cell: Mapping, key: str) -> object:
    """The marker for a withheld value (left out counts as withheld), else the number or None."""
    return MARKER if is_withheld(cell, key) else cell.get(key)


def _read_distribution(measure_result: Mapping, min_cell: int) -> tuple[list[dict], list[Summary], list[Missing]]:
    """(table rows, drawable summaries, missing stage x groups)."""
    name = measure_result["measure"].get("name")
    table, summaries, missing = [], [], []
    for group, stage, cell in _stage_cells(measure_result):
        values = {key: None if is_withheld(cell, key) else number(cell.get(key)) for key in BOX_KEYS + MEAN_KEYS}
        shape = _shape(values)
        summary = Summary(group, stage, count(cell.get("n")), values, shape) if shape else None
        table.append({
            "measure": name, "stage": stage, "group": group, "n": table_value(cell, "n"),
            **{key: _box_table_value(cell, key) for key in BOX_KEYS},
            "note": _distribution_note(cell, summary, min_cell),
        })
        if summary:
            summaries.append(summary)
        else:
            missing.append((group, stage, _summary_withheld(cell)))
    return table, summaries, missing


def _position(summary: Summary) -> float:
    return stage_index(summary.stage) + BOX_OFFSET[summary.group]


def _draw_boxes(ax, boxes: list[Summary]) -> None:
    """Boxes at the quartiles; whiskers to min and max, or none where the range is withheld."""
    stats = [{"med": b.values["median"], "q1": b.values["q1"], "q3": b.values["q3"],
              "whislo": b.values["min"] if b.shape == "box" else b.values["q1"],
              "whishi": b.values["max"] if b.shape == "box" else b.values["q3"], "fliers": []} for b in boxes]
    drawn = ax.bxp(stats, positions=[_position(b) for b in boxes], widths=0.28, patch_artist=True,
                   showfliers=False, medianprops={"color": "black", "linewidth": 1.6}, manage_ticks=False)
    for index, (summary, box) in enumerate(zip(boxes, drawn["boxes"])):
        colour = GROUP_STYLE[summary.group]["color"]
        box.set(facecolor=colour + "59", edgecolor=colour, hatch=GROUP_HATCH[summary.group], linewidth=1.2)
        box.set_gid(f"box-{summary.group}-{summary.stage}")
        if summary.shape == "box_no_range":
            # Zero-length whiskers would still leave caps at the quartiles: hide both.
            for artist in drawn["whiskers"][2 * index:2 * index + 2] + drawn["caps"][2 * index:2 * index + 2]:
                artist.set_visible(False)


def _draw_means(ax, points: list[Summary]) -> None:
    """The mean as a point with a line across its 95% CI, in the group's colour and marker."""
    for summary in points:
        style, x, v = GROUP_STYLE[summary.group], _position(summary), summary.values
        ci = ax.vlines([x], [v["ci_low"]], [v["ci_high"]], color=style["color"], linewidth=1.4)
        ci.set_gid(f"mean-ci-{summary.group}-{summary.stage}")
        (point,) = ax.plot([x], [v["mean"]], linestyle="none", marker=style["marker"], markersize=6,
                           color=style["color"])
        point.set_gid(f"mean-{summary.group}-{summary.stage}")


def _label_n(ax, summaries: list[Summary]) -> None:
    for summary in summaries:
        label = ax.annotate(f"n={summary.n}", (_position(summary), summary.top), xytext=(0, 3),
                            textcoords="offset points", ha="center", va="bottom", fontsize=SMALL,
                            color=GROUP_STYLE[summary.group]["color"])
        label.set_gid(f"n-{summary.group}-{summary.stage}")


def _legend_handle(group: str, summaries: list[Summary]):
    """A box swatch for the group, or its point marker if all it has are means."""
    style = GROUP_STYLE[group]
    if any(s.group == group and s.shape != "mean_ci" for s in summaries):
        return Patch(facecolor=style["color"] + "59", edgecolor=style["color"], hatch=GROUP_HATCH[group],
                     label=style["label"])
    return Line2D([], [], color=style["color"], marker=style["marker"], linestyle="none", label=style["label"])


def _cell_names(summaries: list[Summary]) -> str:
    return listing([f"{s.group} at {STAGE_SHORT[s.stage]}" for s in summaries])


def _key_line(summaries: list[Summary]) -> str:
    """What the marks mean, including where the range or the quartiles are withheld."""
    full = [s for s in summaries if s.shape == "box"]
    rangeless = [s for s in summaries if s.shape == "box_no_range"]
    parts = []
    if full and not rangeless:
        parts.append(BOX_KEY)
    elif full:
        parts.append(f"{BOX_KEY[:-1]}; range withheld (no whiskers) for {_cell_names(rangeless)}.")
    elif rangeless:
        parts.append("Box: lower to upper quartile, line at the median; no whiskers: the lowest and highest scores "
                     "are withheld.")
    if any(s.shape == "mean_ci" for s in summaries):
        parts.append("Point and bar: mean with 95% confidence interval, where the quartiles are withheld.")
    return " ".join(parts)


def _alt_intro(measure: Mapping, summaries: list[Summary], groups: list[str]) -> str:
    full = [s for s in summaries if s.shape == "box"]
    rangeless = [s for s in summaries if s.shape == "box_no_range"]
    means = [s for s in summaries if s.shape == "mean_ci"]
    subject = (f"{measure.get('name')} scores ({measure.get('unit') or 'score'}) by stage for the "
               f"{listing([f'{g} group' for g in groups])}")
    if not full and not rangeless:
        return (f"Chart of {subject}: the quartiles and range are withheld, so each stage shows the mean as a "
                "point with its 95% confidence interval.")
    intro = (f"Box plot of {subject}: each box spans the middle half of pupils (lower to upper quartile) with a "
             "line at the median")
    if full and not rangeless:
        intro += ", and whiskers reach the lowest and highest score."
    elif full:
        intro += (", and whiskers reach the lowest and highest score where those are shown; the range is withheld "
                  f"for {_cell_names(rangeless)}.")
    else:
        intro += "; the lowest and highest scores are withheld, so there are no whiskers."
    if means:
        intro += (f" The quartiles are withheld too for {_cell_names(means)}: there the mean is shown as a point "
                  "with its 95% confidence interval.")
    return intro


def _describe(summary: Summary) -> str:
    v, stage = summary.values, STAGE_SHORT[summary.stage]
    if summary.shape == "mean_ci":
        return (f"{stage} mean {fmt(v['mean'])} (95% CI {fmt(v['ci_low'])} to {fmt(v['ci_high'])}), quartiles and "
                f"range withheld (n={summary.n})")
    spread = f"range {fmt(v['min'])} to {fmt(v['max'])}" if summary.shape == "box" else "range withheld"
    return f"{stage} median {fmt(v['median'])}, quartiles {fmt(v['q1'])} to {fmt(v['q3'])}, {spread} (n={summary.n})"


def distribution(results: Mapping, measure_id: int | str, *, title: str, question: str = "") -> ChartSpec:
    """Box summaries (min, quartiles, median, max) per stage and group from the descriptives.

    Outsiders may see a cell without its range (drawn as a box without whiskers) or without
    its quartiles either (drawn as the mean with its 95% CI); the key and alt text say which.
    """
    measure_result = find_measure(results, measure_id)
    measure, min_cell = measure_result["measure"], min_cell_of(results)
    table, summaries, missing = _read_distribution(measure_result, min_cell)
    if not summaries:
        return _empty(title, missing, min_cell, table, DISTRIBUTION_COLUMNS,
                      f"box plot of {measure.get('name')} scores by stage and group", question)

    figure = new_figure()
    layout(figure, add_title(figure, title, question))
    ax = figure.add_subplot()
    boxes = [s for s in summaries if s.shape != "mean_ci"]
    if boxes:
        _draw_boxes(ax, boxes)
    _draw_means(ax, [s for s in summaries if s.shape == "mean_ci"])
    _label_n(ax, summaries)
    ax.set_xticks(range(len(STAGES)), [STAGE_LABELS[stage] for stage in STAGES], fontsize=FONT)
    ax.set_xlim(-0.5, len(STAGES) - 0.5)
    ax.set_xlabel("Stage", fontsize=FONT)
    ax.set_ylabel(unit_label(measure, "Score"), fontsize=FONT)
    ax.tick_params(axis="y", labelsize=FONT)
    ax.margins(y=0.12)
    value_axis_from_scale(ax, measure)
    subtitle(ax, "scores by stage", name=str(measure.get("name")))
    groups = list(dict.fromkeys(s.group for s in summaries))
    ax.legend(handles=[_legend_handle(group, summaries) for group in groups], loc="lower right",
              bbox_to_anchor=(1.0, 1.0), ncols=2, frameon=False, fontsize=FONT, borderaxespad=0.2).set_gid("legend")
    ax.spines[["top", "right"]].set_visible(False)
    _mark_missing(ax, missing, BOX_OFFSET)
    add_note(figure, " ".join(filter(None, [_key_line(summaries), _missing_sentence(missing, min_cell)])))

    described = [f"{group.capitalize()} group: " + "; ".join(_describe(s) for s in summaries if s.group == group)
                 + "." for group in groups]
    alt = _alt_intro(measure, summaries, groups) + " " + " ".join(described)
    if missing:
        alt += " " + _missing_sentence(missing, min_cell)
    return ChartSpec(figure, alt, table, DISTRIBUTION_COLUMNS, title)


__all__ = ["distribution", "trajectory"]
