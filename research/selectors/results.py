"""A project's results as the viewer may see them, and the fingerprint of the data behind them.

Project members see every cell; everyone else sees the disclosure-controlled view (cells under
the alliance's minimum size suppressed as "c", with secondary suppression).
"""
from __future__ import annotations

import hashlib
import json

import pandas as pd

from .. import access
from ..analysis import MeasureInfo, non_member_view, project_results
from ..errors import InvalidInput
from ..models import Measure, OutcomeRecord, Project

# Bump when the analysis or charts change what they compute from the same data.
ANALYSIS_VERSION = "1"
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


def outcome_frame(project: Project, measure_ids: list[int] | None = None,
                  exclude_upload_id: int | None = None) -> pd.DataFrame:
    """The project's pupil rows as the analysis layer expects them."""
    rows = OutcomeRecord.objects.filter(project=project)
    if measure_ids is not None:
        rows = rows.filter(measure_id__in=measure_ids)
    if exclude_upload_id is not None:
        rows = rows.exclude(upload_id=exclude_upload_id)
    values = rows.values_list("pupil_key", "school_id", "group", "stage__kind", "measure_id", "score",
                              "disadvantaged", "send", "eal", "year_group")
    frame = pd.DataFrame.from_records(list(values), columns=FRAME_COLUMNS)
    return frame.astype({"score": "float64"})


def viewer_kind(user, project: Project) -> str:
    return "member" if access.can_see_raw_rows(user, project) else "public"


def results_for(*, user, project: Project, measure_id: int | None = None) -> dict:
    measures = measure_infos(project, measure_id)
    frame = outcome_frame(project, [m.id for m in measures])
    results = project_results(frame, measures, project.alliance.min_cell_size)
    return results if viewer_kind(user, project) == "member" else non_member_view(results)


def data_fingerprint(*, user, project: Project, extra: tuple = ()) -> str:
    """Changes whenever anything behind the results changes: uploads, deletes, the plan, measures,
    the alliance's cell size, and who is looking (members and others see different numbers).

    Uploads and deletes bump the project's updated_at in their transaction, so no extra query is
    needed here: a warm request costs only the reads that find the project.
    """
    measures = [(m.id, m.name, m.kind, m.scale_min, m.scale_max, m.higher_is_better, m.unit)
                for m in project.measures.all()]
    payload = json.dumps([
        ANALYSIS_VERSION, project.pk, project.research_question, project.updated_at.isoformat(),
        project.alliance.min_cell_size, viewer_kind(user, project), sorted(measures), list(extra),
    ], default=str)
    return hashlib.sha256(payload.encode()).hexdigest()[:32]
