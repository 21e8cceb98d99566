"""Shared chart pieces: palette, figure setup, title, empty state, reading result cells.

Layout is fixed (subplots_adjust with margins sized from the title's line count) rather
than tight_layout or constrained layout, which measure every text artist on each render.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from numbers import Real

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.transforms import offset_copy

from research.analysis.disclosure import DEFAULT_MIN_CELL, LABEL_FIELDS, MARKER
from research.vocabulary import COMPARISON, DISSEMINATION, GROUP_LABELS, INTERVENTION, PROGRESS, STAGES, THEORY

from .spec import FIGSIZE, ChartSpec, ensure_rc_settings
from .text import ellipsize, text_width, wrap_to_width

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
BLUE, ORANGE, SKY, GREEN = "#0072B2", "#E69F00", "#56B4E9", "#009E73"
YELLOW, VERMILLION, PURPLE, BLACK, GREY = "#F0E442", "#D55E00", "#CC79A7", "#000000", "#6B6B6B"

# Colour, marker and line style differ per group, so the chart also reads in greyscale.
GROUP_STYLE: dict[str, dict] = {
    INTERVENTION: {"color": BLUE, "marker": "o", "linestyle": "-", "label": GROUP_LABELS[INTERVENTION]},
    COMPARISON: {"color": ORANGE, "marker": "s", "linestyle": "--", "label": GROUP_LABELS[COMPARISON]},
}
GROUP_HATCH = {INTERVENTION: "", COMPARISON: "///"}

# On charts a stage is named by its part in the analysis (research.vocabulary names the session).
STAGE_LABELS = {THEORY: "Baseline (theory)", PROGRESS: "Progress", DISSEMINATION: "Final (dissemination)"}
STAGE_SHORT = {THEORY: "baseline", PROGRESS: "progress", DISSEMINATION: "final"}

NO_DATA = "No data to show yet"
TITLE_MAX_LINES = 3
FONT = 9
SMALL = 7  # n labels and notes; few distinct font sizes keep the first render's font lookups down


def new_figure() -> Figure:
    """A 16:9 figure with its own Agg canvas (no pyplot, nothing shared between threads)."""
    ensure_rc_settings()  # every Text made from here on reads text.parse_math (off: text is never maths)
    figure = Figure(figsize=FIGSIZE, dpi=100)
    FigureCanvasAgg(figure)
    return figure


TITLE_SIZE, QUESTION_SIZE = 12, FONT
TEXT_WIDTH_IN = FIGSIZE[0] - 0.3  # title, question and notes: the figure's width less its margins
QUESTION_MAX_LINES = 3
LINE_IN = 1.25 / 72  # a line's height per point of font size, in inches


def add_title(figure: Figure, title: str, question: str = "") -> float:
    """A short bold title at the top left, the research question under it as a smaller subtitle.

    Both are wrapped to the figure's width (measured, so never cut at the edge); a question
    longer than three lines ends with an ellipsis (it is in full on the page and in the alt
    text). Returns the figure fraction below them.
    """
    lines = wrap_to_width(title, TEXT_WIDTH_IN, TITLE_SIZE, weight="bold", max_lines=TITLE_MAX_LINES)
    text = figure.text(0.015, 0.975, "\n".join(lines), ha="left", va="top", fontsize=TITLE_SIZE, fontweight="bold")
    text.set_gid("chart-title")
    height_in = 0.12 + 0.21 * len(lines)
    question = " ".join(str(question or "").split())
    if question:
        question_lines = wrap_to_width(question, TEXT_WIDTH_IN, QUESTION_SIZE, max_lines=QUESTION_MAX_LINES)
        top = 1.0 - (height_in - 0.04) / FIGSIZE[1]
        subtitle_text = figure.text(0.015, top, "\n".join(question_lines), ha="left", va="top",
                                    fontsize=QUESTION_SIZE, color=GREY)
        subtitle_text.set_gid("chart-question")
        height_in += 0.02 + QUESTION_SIZE * LINE_IN * len(question_lines)
    return 1.0 - height_in / FIGSIZE[1]


def layout(figure: Figure, top: float, *, left: float = 0.09, right: float = 0.97, bottom: float = 0.17,
           subtitle: bool = True, **kwargs) -> float:
    """Fixed margins below the title (leaving room for a one-line axes subtitle); returns the axes top."""
    axes_top = top - (0.07 if subtitle else 0.03)
    figure.subplots_adjust(left=left, right=right, bottom=bottom, top=axes_top, **kwargs)
    return axes_top


LEGEND_IN = 2.9  # room kept for a two-entry legend drawn above the axes' right end


def subtitle(ax, text: str, *, name: str = "", reserve_in: float = LEGEND_IN) -> None:
    """A one-line label above the axes, left-aligned: "``name``: ``text``".

    It must fit between the axes' left edge and the legend (``reserve_in`` inches at the right
    of the plotting area): a long name is shortened at a word boundary with an ellipsis (it is
    whole in the table and alt text). Drawn as plain text rather than ax.set_title: an axes
    title makes matplotlib measure every tick label on each draw to place it, which costs
    about a tenth of a render.
    """
    figure = ax.figure
    pars = figure.subplotpars
    room = (pars.right - pars.left) * figure.get_figwidth() - reserve_in
    line = f"{name}: {text}" if name else text
    if text_width(line, FONT) > room:
        if name:
            short = ellipsize(name, max(room - text_width(f": {text}", FONT), 0.5), FONT)
            line = f"{short}: {text}"
        line = wrap_to_width(line, room, FONT, max_lines=1)[0]
    label = ax.text(0.0, 1.0, line, transform=offset_copy(ax.transAxes, fig=figure, y=6, units="points"),
                    ha="left", va="bottom", fontsize=FONT)
    label.set_gid("subtitle")


NOTE_MAX_LINES = 8


def add_note(figure: Figure, text: str) -> None:
    """A small grey note at the bottom left, wrapped to the figure's width and never cut short.

    The axes' bottom margin leaves room for two lines; a longer note raises it by its extra
    lines (call after ``layout``). Only a note past eight lines ends in an ellipsis, pointing
    to the table, which holds every value and reason.
    """
    if not text:
        return
    lines = wrap_to_width(text, TEXT_WIDTH_IN, SMALL)
    if len(lines) > NOTE_MAX_LINES:
        lines = wrap_to_width(text, TEXT_WIDTH_IN, SMALL, max_lines=NOTE_MAX_LINES - 1)
        lines.append("The table behind the chart has the rest.")
    note = figure.text(0.015, 0.012, "\n".join(lines), ha="left", va="bottom", fontsize=SMALL, color=GREY)
    note.set_gid("chart-note")
    if len(lines) > 2:
        extra = (len(lines) - 2) * SMALL * LINE_IN / FIGSIZE[1]
        figure.subplots_adjust(bottom=figure.subplotpars.bottom + extra)


def empty_chart(title: str, message: str, table: list[dict], columns: list[str], detail: str = "",
                what: str = "", question: str = "") -> ChartSpec:
    """A valid chart that says why there is nothing to plot; the alt text says the same.

    ``what`` names the chart that would have been drawn, e.g. "line chart of mean Reading age by stage".
    """
    figure = new_figure()
    add_title(figure, title, question)
    text = figure.text(0.5, 0.5, message, ha="center", va="center", fontsize=14, color=GREY)
    text.set_gid("empty-message")
    alt = f"{message} ({what})." if what else f"{message}."
    if detail:
        alt = f"{alt} {detail}"
    return ChartSpec(figure, alt, table, columns, title)


def mark_withheld(ax, x: float, gid: str) -> None:
    """A grey 'withheld' label at the foot of the axes where a suppressed value would be."""
    text = ax.text(x, 0.02, "withheld", transform=ax.get_xaxis_transform(), ha="center", va="bottom",
                   fontsize=SMALL, color=GREY, style="italic")
    text.set_gid(gid)


def mark_missing(ax, withheld: Sequence[tuple[str, float]], gid_prefix: str) -> None:
    """Label withheld values, given as (stage, x offset); one centred label if a stage has several."""
    offsets: dict[str, list[float]] = {}
    for stage, offset in withheld:
        offsets.setdefault(stage, []).append(offset)
    for stage, stage_offsets in offsets.items():
        x = stage_index(stage) + (stage_offsets[0] if len(stage_offsets) == 1 else 0.0)
        mark_withheld(ax, x, f"{gid_prefix}-{stage}")


def suppressed_message(min_cell: int) -> str:
    return f"Suppressed: fewer than {min_cell} pupils"


def min_cell_of(results: Mapping) -> int:
    value = results.get("min_cell", (results.get("disclosure") or {}).get("min_cell", DEFAULT_MIN_CELL))
    return int(value) if isinstance(value, Real) and not isinstance(value, bool) else DEFAULT_MIN_CELL


def find_measure(results: Mapping, measure_id: int | str) -> dict:
    """The measure's results; LookupError if the project has no such measure."""
    for measure_result in results.get("measures", []):
        if str(measure_result.get("measure", {}).get("id")) == str(measure_id):
            return measure_result
    raise LookupError(f"no results for measure {measure_id!r}")


def is_suppressed(cell: Mapping | None) -> bool:
    """True for a cell withheld as a whole by disclosure control (its n replaced by the marker).

    A cell that keeps its n but withholds some values (a descriptive cell shown to outsiders
    without its range, or without its quartiles) is not suppressed: each chart checks the
    values it draws with ``is_withheld``. Cells without an n count as suppressed if any value is.
    """
    if not cell:
        return False
    if "n" in cell:
        return cell["n"] == MARKER
    return any(value == MARKER for key, value in cell.items() if key not in LABEL_FIELDS)


def is_withheld(cell: Mapping, key: str) -> bool:
    """True when disclosure control withheld this value: the marker, or (for outsiders) left out."""
    return is_suppressed(cell) or cell.get(key, MARKER) == MARKER


def number(value: object) -> float | None:
    """A finite float, or None (for None, "c", NaN, booleans)."""
    if isinstance(value, bool) or not isinstance(value, Real):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def count(value: object) -> int | None:
    number_value = number(value)
    return None if number_value is None else int(number_value)


def table_value(cell: Mapping, key: str) -> object:
    """A cell's value for a chart table: the marker when suppressed, else number or None."""
    if is_suppressed(cell):
        return MARKER
    return cell.get(key)


def fmt(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def unit_label(measure: Mapping, prefix: str = "Mean score") -> str:
    unit = (measure.get("unit") or "").strip()
    return f"{prefix} ({unit})" if unit else prefix


def cells_by_key(cells: Sequence[Mapping], *keys: str) -> dict[tuple, dict]:
    return {tuple(cell.get(key) for key in keys): cell for cell in cells}


def listing(parts: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    parts = list(parts)
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def value_axis_from_scale(ax, measure: Mapping) -> None:
    """Start the value axis at the measure's scale minimum (0 on a 0-100 test), not at the lowest
    mean: an axis cut just below the data makes small differences look large. Call after plotting
    (the top stays where the data and margins put it)."""
    low, high = number(measure.get("scale_min")), number(measure.get("scale_max"))
    if low is None:
        return
    top = ax.get_ylim()[1]
    if top <= low:
        top = high if high is not None and high > low else low + 1.0
    ax.set_ylim(low, top)


def stage_index(stage: str) -> int:
    return STAGES.index(stage)
