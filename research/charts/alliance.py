"""Alliance charts from plain counts: project pipeline by term, school collaboration matrix."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib
import numpy as np

from research.vocabulary import (
    DECLINED, DISSEMINATION, PROGRESS, PROPOSED, PUBLISHED, STATUS_LABELS, STATUS_LIFECYCLE_ORDER, THEORY, WITHDRAWN,
)

from .base import (
    SMALL, BLUE, FONT, GREEN, NO_DATA, ORANGE, PURPLE, SKY, VERMILLION, ChartSpec, add_note, add_title, empty_chart,
    LINE_IN, layout, listing, new_figure,
)
from .text import text_width, wrap_label

PIPELINE_COLUMNS = ["term_label", "status", "status_label", "count"]
COLLABORATION_COLUMNS = ["school_a_id", "school_a", "school_b_id", "school_b", "projects"]

# Statuses in lifecycle order, named as everywhere (research.vocabulary, which the models use too).
STATUS_ORDER = STATUS_LIFECYCLE_ORDER
STATUS_COLOURS = {
    PROPOSED: SKY, THEORY: BLUE, PROGRESS: GREEN, DISSEMINATION: ORANGE, PUBLISHED: VERMILLION,
    DECLINED: "#999999", WITHDRAWN: PURPLE,
}
HATCHES = ("", "//", "..", "xx", "\\\\", "--", "++", "oo")
EXTRA_COLOURS = ("#F0E442", "#000000", "#8C564B", "#17BECF")
ANNOTATE_MAX_SCHOOLS = 20


def _count(value: object) -> int:
    number = int(value)  # type: ignore[arg-type]
    if number < 0:
        raise ValueError("counts cannot be negative")
    return number


def status_label(status: str) -> str:
    """The lifecycle stage's name; an unknown status is made readable, underscores as spaces
    (matplotlib leaves a legend label that starts with "_" out of the legend)."""
    if status in STATUS_LABELS:
        return STATUS_LABELS[status]
    return status.replace("_", " ").strip().capitalize() or "Unnamed status"


def pipeline(counts: Sequence[Mapping], *, title: str) -> ChartSpec:
    """Stacked bars: projects by status in each term. Input rows {term_label, status, count};
    terms keep the order given, statuses follow the project lifecycle."""
    totals: dict[tuple[str, str], int] = {}
    for row in counts:
        key = (str(row["term_label"]), str(row["status"]))
        totals[key] = totals.get(key, 0) + _count(row.get("count", 0))
    terms = list(dict.fromkeys(term for term, _ in totals))
    seen = {status for _, status in totals}
    statuses = [s for s in STATUS_ORDER if s in seen] + sorted(seen - set(STATUS_ORDER))
    table = [{"term_label": term, "status": status, "status_label": status_label(status),
              "count": totals[(term, status)]} for term in terms for status in statuses if (term, status) in totals]
    if not table or sum(totals.values()) == 0:
        return empty_chart(title, NO_DATA, table, PIPELINE_COLUMNS, "No projects in any term yet.",
                           "stacked bar chart of projects by status in each term")

    figure = new_figure()
    layout(figure, add_title(figure, title), right=0.78, subtitle=False)
    ax = figure.add_subplot()
    xs = np.arange(len(terms))
    bottoms = np.zeros(len(terms))
    width = 0.6 if len(terms) > 1 else 0.35
    for index, status in enumerate(statuses):
        heights = np.array([totals.get((term, status), 0) for term in terms], dtype=float)
        colour = STATUS_COLOURS.get(status, EXTRA_COLOURS[index % len(EXTRA_COLOURS)])
        bars = ax.bar(xs, heights, width, bottom=bottoms, color=colour, edgecolor="white", linewidth=0.8,
                      hatch=HATCHES[index % len(HATCHES)], label=status_label(status))
        for term, bar, height in zip(terms, bars, heights):
            bar.set_gid(f"bar-{status}-{term}")
        labels = [f"{int(h)}" if h and h >= 0.06 * max(bottoms.max() + heights.max(), 1) else "" for h in heights]
        ax.bar_label(bars, labels=labels, label_type="center", fontsize=SMALL,
                     bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.85})
        bottoms += heights
    for x, total in zip(xs, bottoms):
        ax.annotate(f"n={int(total)}", (x, total), xytext=(0, 3), textcoords="offset points", ha="center",
                    va="bottom", fontsize=FONT - 1)
    ax.set_xticks(xs, terms, fontsize=FONT if len(terms) <= 8 else FONT - 2, rotation=0 if len(terms) <= 8 else 45,
                  ha="center" if len(terms) <= 8 else "right")
    ax.set_xlabel("Term", fontsize=FONT)
    ax.set_ylabel("Projects (count)", fontsize=FONT)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.tick_params(axis="y", labelsize=FONT)
    ax.margins(y=0.1)
    ax.spines[["top", "right"]].set_visible(False)
    handles, labels = ax.get_legend_handles_labels()
    ax.legend(handles[::-1], labels[::-1], loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False,
              fontsize=FONT, title="Status", title_fontsize=FONT).set_gid("legend")

    described = []
    for term, total in zip(terms, bottoms):
        parts = [f"{totals[(term, s)]} {status_label(s).lower()}" for s in statuses if totals.get((term, s))]
        described.append(f"{term}: {int(total)} project{'s' if total != 1 else ''} ({', '.join(parts)})")
    alt = (f"Stacked bar chart of projects by status in each of {len(terms)} term{'s' if len(terms) != 1 else ''}. "
           + "; ".join(described) + ".")
    return ChartSpec(figure, alt, table, PIPELINE_COLUMNS, title)


ROW_LABEL_IN = 2.1  # label widths, inches
MANY_SCHOOLS = 12  # beyond this, column names stand upright (slanted ones would overlap) and are shorter


def _column_style(size: int) -> tuple[float, int]:
    """(label width in inches, angle in degrees): slanted up to the right, or upright for many schools."""
    return (1.3, 40) if size <= MANY_SCHOOLS else (0.9, 90)


def _school_labels(figure, names: Sequence[str], font: float) -> tuple[list[str], list[str], float]:
    """Row labels, column labels (school names wrapped, at most two lines, a longer name ending in
    an ellipsis at a word boundary) and the column labels' height once turned, in inches."""
    lines = 2 if len(names) <= 8 else 1
    width, degrees = _column_style(len(names))
    rows = [wrap_label(name, ROW_LABEL_IN, font, max_lines=lines) for name in names]
    columns = [wrap_label(name, width, font, max_lines=lines) for name in names]
    widest = max(text_width(line, font) for label in columns for line in label.split("\n"))
    deepest = max(label.count("\n") + 1 for label in columns) * font * LINE_IN
    angle = np.radians(degrees)
    return rows, columns, widest * np.sin(angle) + deepest * np.cos(angle)


def collaboration(edges: Sequence[Mapping], schools: Sequence[Mapping], *, title: str) -> ChartSpec:
    """Adjacency matrix of schools; each cell is the number of projects two schools share.

    ``schools`` [{id, name}] give the order; ``edges`` [{a, b, projects}] use school ids.
    Edges naming an unknown school or a school with itself are ignored; a pair listed twice
    (either way round) is added up.
    """
    order = {school["id"]: index for index, school in enumerate(schools)}
    names = [str(school.get("name") or school["id"]) for school in schools]
    shared: dict[tuple[int, int], int] = {}
    for edge in edges:
        a, b = order.get(edge.get("a")), order.get(edge.get("b"))
        if a is None or b is None or a == b:
            continue
        key = (min(a, b), max(a, b))
        shared[key] = shared.get(key, 0) + _count(edge.get("projects", 0))
    pairs = sorted(((i, j, n) for (i, j), n in shared.items() if n > 0), key=lambda p: (-p[2], p[0], p[1]))
    table = [{"school_a_id": schools[i]["id"], "school_a": names[i], "school_b_id": schools[j]["id"],
              "school_b": names[j], "projects": n} for i, j, n in pairs]
    if not schools or not pairs:
        plural = "s" if len(schools) != 1 else ""
        detail = f"{len(schools)} school{plural}; none share a project yet." if schools else ""
        return empty_chart(title, NO_DATA, table, COLLABORATION_COLUMNS, detail,
                           "matrix of the projects each pair of schools share")

    size = len(schools)
    matrix = np.full((size, size), np.nan)
    matrix[~np.eye(size, dtype=bool)] = 0.0
    for i, j, n in pairs:
        matrix[i, j] = matrix[j, i] = n
    figure = new_figure()
    font = FONT if size <= 12 else max(5.0, FONT * 12 / size)
    row_labels, column_labels, column_depth = _school_labels(figure, names, font)
    width, height = figure.get_size_inches()
    layout(figure, add_title(figure, title), left=(ROW_LABEL_IN + 0.2) / width, right=0.9,
           bottom=(column_depth + 0.45) / height, subtitle=False)
    ax = figure.add_subplot()
    cmap = matplotlib.colormaps["Blues"].with_extremes(bad="#EEEEEE")  # a copy: the registry is not touched
    image = ax.imshow(np.ma.masked_invalid(matrix), cmap=cmap, vmin=0, vmax=max(n for *_, n in pairs),
                      interpolation="nearest", aspect="equal")
    image.set_gid("collaboration-matrix")
    ax.set_yticks(range(size), row_labels, fontsize=font)
    ax.set_xticks(range(size), column_labels, fontsize=font, rotation=_column_style(size)[1], ha="right",
                  va="center" if size > MANY_SCHOOLS else "top", rotation_mode="anchor")
    ax.tick_params(length=0)
    ax.set_xticks(np.arange(size + 1) - 0.5, minor=True)
    ax.set_yticks(np.arange(size + 1) - 0.5, minor=True)
    ax.grid(which="minor", color="white", linewidth=0.8)
    ax.tick_params(which="minor", length=0)
    ax.spines[:].set_visible(False)
    threshold = 0.6 * max(n for *_, n in pairs)
    if size <= ANNOTATE_MAX_SCHOOLS:
        for i, j, n in pairs:
            for row, col in ((i, j), (j, i)):
                text = ax.text(col, row, str(n), ha="center", va="center", fontsize=font - 0.5,
                               color="white" if n >= threshold else "black")
                text.set_gid(f"cell-{row}-{col}")
    colourbar = figure.colorbar(image, ax=ax, fraction=0.04, pad=0.03)
    colourbar.set_label("Shared projects (count)", fontsize=FONT)
    colourbar.ax.tick_params(labelsize=FONT - 1)
    colourbar.ax.yaxis.get_major_locator().set_params(integer=True)
    add_note(figure, "Rows and columns are the same schools; a cell counts the projects both schools work on. "
             "Grey: a school with itself.")

    partnered = {i for i, j, _ in pairs} | {j for i, j, _ in pairs}
    alone = [names[i] for i in range(size) if i not in partnered]
    top = "; ".join(f"{names[i]} and {names[j]} ({n} project{'s' if n != 1 else ''})" for i, j, n in pairs[:5])
    alt = (f"Matrix (heatmap) of shared projects between {size} schools: {len(pairs)} pair"
           f"{'s' if len(pairs) != 1 else ''} of schools work together. Most shared: {top}.")
    if len(pairs) > 5:
        alt += f" {len(pairs) - 5} more pairs are in the table."
    if alone:
        more = f" and {len(alone) - 10} more." if len(alone) > 10 else "."
        alt += f" No shared projects yet: {listing(alone[:10])}{more}"
    return ChartSpec(figure, alt, table, COLLABORATION_COLUMNS, title)

