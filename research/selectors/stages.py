"""Reading a project's three stages (sessions and writing)."""
from __future__ import annotations

from ..errors import NotFound
from ..models import Project, Stage
from ..models.choices import STAGE_ORDER


def known_stage_kind(kind: str) -> str:
    """`kind` if it names a stage, else NotFound (stages are addressed by kind in the API)."""
    if kind not in STAGE_ORDER:
        raise NotFound(f"There is no '{kind}' stage: stages are {', '.join(STAGE_ORDER)}.")
    return kind


def stage_list(*, project: Project) -> list[Stage]:
    """The project's stages in session order: theory, progress, dissemination."""
    return sorted(project.stages.all(), key=lambda s: STAGE_ORDER.index(s.kind))


def stage_get(*, project: Project, kind: str) -> Stage:
    return project.stages.get(kind=known_stage_kind(kind))
