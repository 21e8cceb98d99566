"""A project's results as the viewer may see them, and the fingerprint of the data behind them.

Project members see every cell of the live rows. Everyone else sees the view frozen at the
project's last status change (research.services.disclosed), never one computed from the live
rows: see research.analysis.public_view for what it holds and why.
"""
from __future__ import annotations

import hashlib
import json

import pandas as pd

from .. import access
from ..analysis import MeasureInfo, project_results
from ..analysis.disclosure import collect_cells, redact_measure, suppression_plan
from ..analysis.public_view import public_results
from ..errors import InvalidInput
from ..models import DisclosedResults, Measure, OutcomeRecord, Project

# Bump when the analysis or charts change what they compute from the same data.
ANALYSIS_VERSION = "2"
FRAME_COLUMNS = ["pupil_key", "school_id", "group", "stage", "measure_id", "score", "disadvantaged", "send", "eal",
                 "year_group"]


def measure_infos(project: Project, measure_id: int | None = None) -> list[MeasureInfo]:
    measures = list(project.measures.all())
    if measure_id is not None:
        measures = [m for m in measures if m.id == measure_id]
        if not measures:
            raise InvalidInput("That measure is not one of this project's measures.",
                               fields={"measure": ["Choose one of the project's measures."]})
    # Attainment first: it is what a lead looks for, and the default for single-measure charts.
    return [measure_info(m) for m in sorted(measures, key=lambda m: (m.kind != "attainment", m.name))]


def measure_info(measure: Measure) -> MeasureInfo:
    return MeasureInfo(id=measure.id, name=measure.name, kind=measure.kind, scale_min=measure.scale_min,
                       scale_max=measure.scale_max, higher_is_better=measure.higher_is_better, unit=measure.unit)


def outcome_frame(project: Project, measure_ids: list[int] | None = None) -> pd.DataFrame:
    """The project's pupil rows as the analysis layer expects them."""
    rows = OutcomeRecord.objects.filter(project=project)
    if measure_ids is not None:
        rows = rows.filter(measure_id__in=measure_ids)
    values = rows.values_list("pupil_key", "school_id", "group", "stage__kind", "measure_id", "score",
                              "disadvantaged", "send", "eal", "year_group")
    frame = pd.DataFrame.from_records(list(values), columns=FRAME_COLUMNS)
    return frame.astype({"score": "float64"})


def viewer_kind(user, project: Project) -> str:
    return "member" if access.can_see_raw_rows(user, project) else "public"


def results_for(*, user, project: Project, measure_id: int | None = None) -> dict:
    """The one entry point for a viewer's results (the results endpoint, charts, publications)."""
    measures = measure_infos(project, measure_id)
    if viewer_kind(user, project) == "member":
        frame = outcome_frame(project, [m.id for m in measures])
        return project_results(frame, measures, access.min_cell_size_for(project), criteria=project.success_criteria)
    return disclosed_view(project=project, measures=measures)


def _latest_disclosed(project: Project) -> DisclosedResults | None:
    return (DisclosedResults.objects.filter(project=project).exclude(reason=DisclosedResults.PREVIEW)
            .order_by("-id").first())


def disclosed_view(*, project: Project, measures: list[MeasureInfo] | None = None,
                   frozen: DisclosedResults | None = None) -> dict:
    """The frozen non-member view, for the project's current measures and cell size.

    A measure chosen since the view was frozen shows as having no data yet; a higher minimum cell
    size than the view was frozen under is applied to it (a lower one waits for the next freeze).
    `frozen`: a view not stored yet (the publication preview) instead of the latest stored one; its
    `frozen_at` is then null (it is known when the view is stored).
    """
    measures = measure_infos(project) if measures is None else measures
    min_cell = access.min_cell_size_for(project)
    frozen = _latest_disclosed(project) if frozen is None else frozen
    view = public_results(outcome_frame_empty(), measures, min_cell).view
    if frozen is None:
        return view
    stored = {m["measure"]["id"]: m for m in frozen.results["measures"]}
    stricter = min_cell > frozen.min_cell_size
    view["measures"] = [
        fresh if m.id not in stored else _tightened(stored[m.id], min_cell) if stricter else stored[m.id]
        for m, fresh in zip(measures, view["measures"])
    ]
    view["frozen_at"] = frozen.created_at.isoformat() if frozen.created_at else None
    return view


def _tightened(measure_result: dict, min_cell: int) -> dict:
    plan = suppression_plan(collect_cells(measure_result), measure_result.get("partitions", ()), min_cell)
    return redact_measure(measure_result, plan)


def outcome_frame_empty() -> pd.DataFrame:
    return pd.DataFrame(columns=FRAME_COLUMNS).astype({"score": "float64"})


def data_fingerprint(*, user, project: Project, extra: tuple = ()) -> str:
    """Changes whenever anything behind the viewer's results changes, and only then.

    Members: uploads and deletes bump the project's updated_at in their transaction. Everyone else:
    only a new frozen view (disclosed_at), the measures, the cell size or the question change it,
    so the ETag cannot tell a reader when an upload happened. No query beyond finding the project.
    """
    kind = viewer_kind(user, project)
    version = project.updated_at if kind == "member" else project.disclosed_at
    measures = [(m.id, m.name, m.kind, m.scale_min, m.scale_max, m.higher_is_better, m.unit)
                for m in project.measures.all()]
    payload = json.dumps([
        ANALYSIS_VERSION, project.pk, project.research_question, version,
        access.min_cell_size_for(project), kind, sorted(measures), list(extra),
    ], default=str)
    return hashlib.sha256(payload.encode()).hexdigest()[:32]
