"""Pure analysis of pupil outcomes: pandas in, JSON-serialisable dicts out (no Django).

Entry points for the API layer:
- results.project_results(frame, measures, min_cell) -> member view of a project's results
- disclosure.non_member_view(results) -> what anyone outside the project may see
- synthesis.synthesis_effect(measure_result, project_id, label) -> ProjectEffect | None
- synthesis.pool_effects(effects) -> DerSimonian-Laird random-effects pooling
"""

from .disclosure import non_member_view, suppress_frame, suppress_rows
from .results import project_results
from .synthesis import pool_effects, synthesis_effect
from .types import MeasureInfo, ProjectEffect

__all__ = [
    "MeasureInfo",
    "ProjectEffect",
    "non_member_view",
    "pool_effects",
    "project_results",
    "suppress_frame",
    "suppress_rows",
    "synthesis_effect",
]
