"""Charts a lead can put on a slide: every piece of text inside the figure, whole or shortened readably.

Every chart kind in the registry (research.selectors.charts), and the evidence map's strand
charts, is drawn for a world with long names: measures, projects and schools named as people
name them, wide letters included, a long research question and project title, many rows. The
canvas is drawn and each visible Text artist's window extent (measured by the figure's renderer)
must lie inside the figure. No text may end in "..." or an ellipsis unless it is the readable
shortening the charts use: the start of a real name, cut at a word boundary.
"""

from dataclasses import replace
from functools import cache, partial

import pytest
from matplotlib.text import Text

from research.analysis import ProjectEffect, pool_effects
from research.analysis.evidence_map import StrandFinding, strand_summary
from research.charts.evidence_map import funnel, strand_forest
from research.selectors.charts import ALLIANCE_CHARTS, PROJECT_CHART_KINDS, alliance_chart, project_chart_from_results

from .builders import GAP_FLAGS, GAP_SCORES, READING, SCORES, WELLBEING, member_results, public_results

MEASURE_NAMES = [
    "How the maths learning environment affects progress in maths across the whole school",
    "Warwick-Edinburgh Mental Wellbeing Scale (short form, pupil self-report, WWW edition)",
    "Writing assessment", "MMMMMMMMMM WWWWWWWWWW mmmmmmmmmm wwwwwwwwww MMMMMMMMMM WWWWWWWWWW",
]
SCHOOL_NAMES = [
    "St Aidan's Church of England Voluntary Aided Primary School and Nursery",
    "Hollins Brook Community Primary School", "Northfield Academy",
    "The Whitworth-Wimbledon Multi-Academy Trust's Woodmansterne Primary", "Riverside Junior School",
    "Bishop Wordsworth's Grammar School for Boys (Sixth Form Centre)",
]
PROJECT_NAMES = [f"{name} {index}" for index, name in enumerate([
    "The maths learning environment and its effect on progress in maths for Year 5",
    "Is verbal or visual feedback more powerful in moving children's learning on?",
    "Effective feedback for writing", "Succession planning and talent management in rural schools",
], 1)]
TITLE = "Whole-school maths learning environments: working walls, manipulatives and talk (Years 3-6) 2025/26"
QUESTION = ("How does the maths learning environment (working walls, manipulatives, talk partners and "
            "displays) affect pupils' progress in maths in Key Stage 2 classrooms across our partner schools, "
            "and does it matter more for disadvantaged pupils, pupils with SEND and pupils who speak English as "
            "an additional language than for their classmates, over one academic year?")
MANY = 30
PROJECT_LABELS = [f"{PROJECT_NAMES[i % len(PROJECT_NAMES)]} (cohort {i})" for i in range(MANY)]
SCHOOL_LABELS = [SCHOOL_NAMES[i % len(SCHOOL_NAMES)] + (f" ({i})" if i >= len(SCHOOL_NAMES) else "")
                 for i in range(MANY)]
KNOWN = MEASURE_NAMES + SCHOOL_LABELS + PROJECT_LABELS + [TITLE, QUESTION]
ELLIPSES = ("\u2026", "...")


def _measures(count: int):
    return tuple(replace(READING if index % 2 == 0 else WELLBEING, id=index + 1, name=name, scale_min=0,
                         scale_max=100) for index, name in enumerate(MEASURE_NAMES[:count]))


@cache
def _results(count: int, view: str) -> dict:
    measures = _measures(count)
    if view == "member":
        return member_results(GAP_SCORES, GAP_FLAGS, measures=measures)
    return public_results(SCORES if count else {}, None, measures=measures or _measures(1))


def _project_chart(count: int, view: str, name: str, measure_id: int):
    return project_chart_from_results(_results(count, view), TITLE, name, measure_id, question=QUESTION)


def _project_specs():
    """(case id, how to draw it) for each project chart, for members and outsiders, with one and four measures."""
    for count in (1, 4):
        measures = _measures(count)
        for view in ("member", "public"):
            for name in PROJECT_CHART_KINDS:
                for measure in measures if PROJECT_CHART_KINDS[name].per_measure else measures[:1]:
                    yield f"{name}-{view}-{count}m-{measure.id}", partial(_project_chart, count, view, name, measure.id)
    yield "empty", partial(_project_chart, 0, "public", "trajectory", 1)


def _alliance_data(name: str, count: int) -> dict:
    title = "Northfield and Riverside Teaching School Alliance (Whitworth Learning Partnership)"
    if name == "forest":
        projects = [ProjectEffect(i, PROJECT_LABELS[i], 0.05 * (i % 9), 0.02 + 0.001 * i, 60 + i) for i in range(count)]
        return {"pooled": pool_effects(projects), "title": f"{title}: pooled effect on attainment measures"}
    if name == "pipeline":
        counts = [{"term_label": f"{term} {year}", "status": status, "count": 1 + i % 3}
                  for i, (term, year, status) in enumerate(
                      (t, y, s) for y in ("2024/25", "2025/26") for t in ("Autumn", "Spring", "Summer")
                      for s in ("proposed", "theory", "progress", "dissemination", "published", "withdrawn"))]
        return {"counts": counts[:count * 3], "title": f"{title}: projects by stage and term"}
    schools = [{"id": i, "name": SCHOOL_LABELS[i]} for i in range(count)]
    edges = [{"a": i, "b": (i + step) % count, "projects": 1 + (i + step) % 3} for i in range(count) for step in (1, 2)]
    return {"edges": edges, "schools": schools, "title": f"{title}: schools working together"}


def _alliance_specs():
    for name in ALLIANCE_CHARTS:
        for count in (4, 12, MANY):
            yield f"{name}-{count}", partial(lambda name, count: alliance_chart(_alliance_data(name, count), name),
                                             name, count)


def _strand(count: int) -> dict:
    findings = [StrandFinding(slug=f"f{i}", project_id=i, title=PROJECT_LABELS[i], alliance=SCHOOL_NAMES[0],
                              theme="feedback", measure_kind="attainment", phase="ks2", subject="maths",
                              measure=MEASURE_NAMES[0], g=0.05 * (i % 9) - 0.1, variance=0.02 + 0.003 * i, n=90 + i,
                              schools=2, padlocks=3) for i in range(count)]
    return strand_summary("feedback--attainment--ks2", findings, detail=True)


def _evidence_map_specs():
    """The public evidence map's strand charts (forest with the prediction interval; funnel from 10 findings)."""
    title = f"{TITLE}: feedback, attainment measures, key stage 2"
    for count in (4, 12, MANY):
        yield f"evidence-forest-{count}", partial(lambda count: strand_forest(_strand(count), title=title), count)
        if count >= 10:
            yield f"evidence-funnel-{count}", partial(lambda count: funnel(_strand(count), title=title), count)


# Drawn when a test asks (collecting this module draws nothing).
CASES = dict(list(_project_specs()) + list(_alliance_specs()) + list(_evidence_map_specs()))


def _ticks_in_view(axis) -> list:
    """The ticks the draw places: one per tick location inside the view limits."""
    low, high = sorted(axis.get_view_interval())
    ticks = []
    for locations, getter in ((axis.get_majorticklocs(), axis.get_major_ticks),
                              (axis.get_minorticklocs(), axis.get_minor_ticks)):
        for location, tick in zip(locations, getter(len(locations))):
            if low - 1e-9 <= location <= high + 1e-9:
                ticks.append(tick)
    return ticks


def _drawn_texts(figure) -> list[Text]:
    """Every Text the draw put on the canvas: visible, not empty, and (tick labels) on a tick in view."""
    drawn, tick_labels = [], set()
    for ax in figure.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                tick_labels |= {id(tick.label1), id(tick.label2)}
            for tick in _ticks_in_view(axis):
                drawn += [label for label in (tick.label1, tick.label2) if label.get_visible()]
    drawn += [text for text in figure.findobj(Text) if id(text) not in tick_labels and text.get_visible()]
    return [text for text in drawn if text.get_text().strip()]


def _one_line(text: str) -> str:
    """The text as one line (a line ending in a hyphen joins the next without a space)."""
    return " ".join(text.replace("-\n", "-").split())


def _readable_shortening(text: str) -> bool:
    """True when each ellipsis ends the start of a known name, cut at a word boundary."""
    flat = _one_line(text)
    if flat.endswith("..."):
        return False
    for head in flat.split("\u2026")[:-1]:
        words = head.strip().split(" ")
        # the shortened name may follow other words on its line ("n=24 · Effective...")
        starts = [" ".join(words[index:]) for index in range(len(words))]
        if not any(len(full) > len(start) and full.startswith(start) and full[len(start)] in " ,;:-("
                   for full in KNOWN for start in starts if start):
            return False
    return True


@pytest.mark.parametrize("case", list(CASES))
def test_every_text_lies_inside_the_figure(case):
    # given a chart drawn for a world with long names
    figure = CASES[case]().figure
    # when its canvas is drawn
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    box = figure.bbox
    texts = _drawn_texts(figure)
    assert texts, "the chart draws text"
    # then every visible text's extent lies inside the figure (1 px of anti-aliasing allowed)
    outside = []
    for text in texts:
        extent = text.get_window_extent(renderer)
        if extent.x0 < box.x0 - 1 or extent.y0 < box.y0 - 1 or extent.x1 > box.x1 + 1 or extent.y1 > box.y1 + 1:
            outside.append((text.get_text()[:60], text.get_gid(), [round(v) for v in extent.extents]))
    assert not outside, f"text outside the {box.width:.0f}x{box.height:.0f} figure: {outside}"


@pytest.mark.parametrize("case", list(CASES))
def test_no_text_is_cut_short_except_names_shortened_at_a_word(case):
    # given a chart drawn for a world with long names
    figure = CASES[case]().figure
    figure.canvas.draw()
    # then no text ends in "..." or an ellipsis, except a long name shortened at a word boundary
    cut = [text.get_text() for text in _drawn_texts(figure)
           if any(mark in text.get_text() for mark in ELLIPSES) and not _readable_shortening(text.get_text())]
    assert not cut, f"text cut short: {cut}"


def test_the_shortening_rule_itself_refuses_a_cut_mid_word():
    # the check above would catch a name cut mid-word, or a note ending in "..."
    assert _readable_shortening("St Aidan's Church of\nEngland\u2026")
    assert not _readable_shortening("St Aidan's Chu\u2026")
    assert not _readable_shortening("Gap = other pupils' mean minus disadvantaged pupils'...")


@pytest.mark.parametrize("name", [name for name, kind in PROJECT_CHART_KINDS.items() if kind.per_measure])
@pytest.mark.parametrize("scale_min", [0, 12])
def test_value_axes_start_at_the_measure_scale_minimum(name, scale_min):
    # given scores of 40-59 on a measure whose scale starts well below them
    measure = replace(READING, scale_min=scale_min, scale_max=100)
    results = member_results(GAP_SCORES, GAP_FLAGS, measures=(measure,))
    # when the chart is drawn
    spec = project_chart_from_results(results, TITLE, name, measure.id, question=QUESTION)
    # then every value axis starts at the scale's minimum, not just below the lowest mean
    for ax in spec.figure.axes:
        assert ax.get_ylim()[0] == scale_min
        assert ax.get_ylim()[1] > 50  # the top still fits the data (means up to about 53)


def test_collaboration_matrix_names_its_columns_and_rows_by_school():
    # given four schools with long names, two of them sharing projects
    spec = alliance_chart(_alliance_data("collaboration", 4), "collaboration")
    ax = spec.figure.axes[0]
    spec.figure.canvas.draw()
    columns = [_one_line(label.get_text()) for label in ax.get_xticklabels()]
    rows = [_one_line(label.get_text()) for label in ax.get_yticklabels()]
    # then columns carry the school names (not 1-4), shortened only at a word boundary, like the rows
    assert not any(label.isdigit() for label in columns)
    assert columns[2] == "Northfield Academy" and rows[2] == "Northfield Academy"
    for label, full in zip(columns + rows, SCHOOL_LABELS[:4] * 2):
        assert full.startswith(label.removesuffix("\u2026"))
    assert columns[1] == "Hollins Brook Community Primary School" or columns[1].endswith("\u2026")
    # and the slanted column names sit wholly below the matrix, each clear of the next
    renderer = spec.figure.canvas.get_renderer()
    matrix = ax.get_window_extent(renderer)
    boxes = [label.get_window_extent(renderer) for label in ax.get_xticklabels()]
    assert all(box.y1 <= matrix.y0 + 0.5 for box in boxes)
    assert all(left.x0 < right.x0 for left, right in zip(boxes, boxes[1:]))


def test_project_charts_have_a_short_title_and_the_question_as_subtitle():
    # given a project with a title and a long research question
    results = member_results(measures=_measures(1))
    for name in PROJECT_CHART_KINDS:
        spec = project_chart_from_results(results, "Paired reading", name, 1, question=QUESTION)
        by_gid = {text.get_gid(): text for text in spec.figure.findobj(Text) if text.get_gid()}
        # then the title is the project's title, bold and larger than the question under it
        assert spec.title == "Paired reading" and by_gid["chart-title"].get_text() == "Paired reading"
        question = by_gid["chart-question"]
        assert question.get_fontsize() < by_gid["chart-title"].get_fontsize()
        assert _one_line(question.get_text()).startswith(QUESTION[:80])
        assert question.get_window_extent(spec.figure.canvas.get_renderer()).y1 < \
            by_gid["chart-title"].get_window_extent(spec.figure.canvas.get_renderer()).y0


def test_the_gap_chart_note_is_wrapped_in_full_never_cut():
    # given outsiders' results where the comparison group's subgroups cannot be shown (3 disadvantaged of 12)
    measure = replace(READING, name=MEASURE_NAMES[0])
    flags = {"intervention": [index < 6 for index in range(12)], "comparison": [index < 3 for index in range(12)]}
    results = public_results(GAP_SCORES, flags, measures=(measure,))
    spec = project_chart_from_results(results, TITLE, "gap", measure.id, question=QUESTION)
    note = next(text for text in spec.figure.findobj(Text) if text.get_gid() == "chart-note")
    spec.figure.canvas.draw()
    # then the note says what the gap is and names every hidden cell, to its last word, inside the figure
    text = _one_line(note.get_text())
    assert text.startswith("Gap = other pupils' mean minus disadvantaged pupils' mean;")
    assert text.endswith("and others in the comparison group at final.") and "\u2026" not in text
    assert note.get_text().count("\n") >= 1
    assert note.get_window_extent(spec.figure.canvas.get_renderer()).y0 >= 0
    # and the axes were raised above it
    axes_bottom = min(ax.get_position().y0 for ax in spec.figure.axes) * spec.figure.bbox.height
    assert axes_bottom > note.get_window_extent(spec.figure.canvas.get_renderer()).y1
