"""Charts of project results and alliance synthesis: analysis output in, ChartSpec out.

Pure (no Django) and pyplot-free: each function builds its own matplotlib Figure with the
object API, so charts can be drawn from threaded servers. ``render`` turns a ChartSpec into
SVG (deterministic bytes) or PNG bytes; ``ChartSpec.alt_text`` describes the chart and
``ChartSpec.table`` / ``columns`` hold the data behind it (for JSON or CSV).

Project charts (input: project_results output or its non_member_view):
    trajectory(results, measure_id, *, title), distribution(results, measure_id, *, title),
    effects(results, *, title), gap(results, measure_id, *, title)
Alliance charts:
    forest(pooled, *, title), pipeline(counts, *, title), collaboration(edges, schools, *, title)
"""

from .alliance import collaboration, pipeline
from .alliance_forest import forest
from .forests import effects
from .gap import gap
from .project import distribution, trajectory
from .spec import CONTENT_TYPES, ChartSpec, render

__all__ = [
    "CONTENT_TYPES", "ChartSpec", "collaboration", "distribution", "effects", "forest", "gap", "pipeline", "render",
    "trajectory",
]
