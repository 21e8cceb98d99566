"""Plain value types shared by the analysis modules (no Django, no ORM)."""

from __future__ import annotations

from dataclasses import dataclass

from ..vocabulary import COMPARISON, GROUPS, INTERVENTION, STAGES, Group, Stage

__all__ = ["BASELINE", "COMPARISON", "FINAL", "GROUPS", "INTERVENTION", "PROGRESS", "STAGES", "Group", "Stage",
           "MeasureInfo", "ProjectEffect", "Summary"]

# Stages and groups are research.vocabulary's. Stage order matters: theory is the baseline,
# dissemination the final measurement; the analysis names them by that role.
BASELINE, PROGRESS, FINAL = STAGES


@dataclass(frozen=True)
class MeasureInfo:
    """Metadata for one measure; mirrors the Measure model without depending on it."""

    id: int
    name: str
    kind: str
    scale_min: float | None = None
    scale_max: float | None = None
    higher_is_better: bool = True
    unit: str = ""

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "unit": self.unit,
            "scale_min": self.scale_min,
            "scale_max": self.scale_max,
            "higher_is_better": self.higher_is_better,
        }


@dataclass(frozen=True)
class Summary:
    """n, mean and sd (ddof=1) of one set of scores or gains; None where undefined."""

    n: int
    mean: float | None
    sd: float | None


@dataclass(frozen=True)
class ProjectEffect:
    """One project's effect size for alliance pooling."""

    project_id: int | str
    label: str
    g: float
    variance: float
    n: int | None = None
