"""Values a file names in its own way: the maps that place them, absence codes, and what is left over.

A school's export writes "St Faith's Infants" for the project's "St Faith's C of E Infant School",
"Maths test" for the library's "Maths attainment test", "Targeted" for the intervention group. The
import places such a value through a map (file value -> school id, measure id or group word): the
alliance's stored aliases overlaid with the upload's own explicit maps. What no map places is
reported once per distinct value, with how many rows hold it and suggestions (suggest.py), so the
uploader confirms a match instead of editing the file.

Pure: no ORM, no HTTP. The storing service reads and writes the aliases (research.models.ImportAlias).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

SCHOOL, MEASURE, GROUP = "school", "measure", "group"
ROLES: tuple[str, ...] = (SCHOOL, MEASURE, GROUP)

# A pupil with one of these where a score belongs was absent at that stage: no score is stored and
# the row is not an error (attrition counts it as "no score at that stage"). Any case. A blank cell
# always means the same and is not in the list (it cannot be taken out of it: it holds no score).
DEFAULT_ABSENCE_CODES: tuple[str, ...] = ("abs", "A", "X", "N/A", "-")
MAX_ABSENCE_CODES = 20
MAX_ABSENCE_CODE_CHARS = 20

MAX_UNMATCHED = 100  # distinct values reported per role (the rest are counted in unmatched_total)


def normalise_value(text: str) -> str:
    """How a file value is compared with an alias: Unicode-normalised, any case, and only letters and
    digits ("St. Faith's  Infants" = "st faiths infants" = "STFAITHSINFANTS"); a value that is all
    punctuation keeps it, so "-" stays "-"."""
    folded = unicodedata.normalize("NFKC", str(text)).casefold()
    compact = re.sub(r"[\W_]+", "", folded)
    return compact or " ".join(folded.split())


def normalise_code(text: str) -> str:
    """How an absence code is compared: any case, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", str(text)).casefold().split())


def absence_set(codes: list[str] | tuple[str, ...] | None) -> frozenset[str]:
    return frozenset(normalise_code(c) for c in (DEFAULT_ABSENCE_CODES if codes is None else codes))


@dataclass(frozen=True)
class ValueMaps:
    """Normalised file value -> target, per role (school id, measure id, group word).

    `explicit` holds the (role, normalised value) pairs that came with this upload rather than from
    the alliance's stored aliases, so the response can say which is which.
    """

    school: dict[str, int] = field(default_factory=dict)
    measure: dict[str, int] = field(default_factory=dict)
    group: dict[str, str] = field(default_factory=dict)
    explicit: frozenset[tuple[str, str]] = frozenset()

    def of(self, role: str) -> dict[str, Any]:
        return getattr(self, role)

    def lookup(self, role: str, text: str) -> Any:
        return self.of(role).get(normalise_value(text)) if text else None

    def source(self, role: str, text: str) -> str:
        return "map" if (role, normalise_value(text)) in self.explicit else "alias"


NO_MAPS = ValueMaps()


@dataclass(frozen=True)
class Suggestion:
    id: int | str
    name: str
    score: int

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "score": self.score}


@dataclass(frozen=True)
class UnplacedValue:
    """One distinct value (or a measure-like heading) the import could not place."""

    value: str  # the spelling most rows use
    rows: int
    column: str  # the column it was found in (for a heading: the heading itself)
    heading: bool = False  # a column heading offered as a measure (wide files), not a cell value
    suggestions: tuple[Suggestion, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"value": self.value, "rows": self.rows, "column": self.column, "heading": self.heading,
                "suggestions": [s.as_dict() for s in self.suggestions]}


@dataclass(frozen=True)
class MappedValue:
    """A value placed through a map: which target, how many rows, and whether a stored alias or
    this upload's own map did it."""

    role: str
    value: str
    rows: int
    target: int | str
    source: str  # "alias" or "map"
    heading: bool = False
    name: str = ""  # the target's name

    def as_dict(self) -> dict[str, Any]:
        return {"value": self.value, "rows": self.rows, "id": self.target, "name": self.name, "source": self.source,
                "heading": self.heading}


def tally(values: np.ndarray) -> list[tuple[str, int]]:
    """Distinct values with their row counts, spellings that normalise alike counted together under
    the most common one; most rows first, then alphabetically."""
    if not len(values):
        return []
    counts = pd.Series(values, dtype=object).value_counts(sort=False)
    merged: dict[str, list] = {}  # normalised -> [rows, best spelling, its rows]
    for text, count in counts.items():
        key = normalise_value(text)
        entry = merged.setdefault(key, [0, text, -1])
        entry[0] += int(count)
        if count > entry[2] or (count == entry[2] and str(text) < str(entry[1])):
            entry[1], entry[2] = text, int(count)
    found = [(str(best), rows) for rows, best, _ in merged.values()]
    return sorted(found, key=lambda item: (-item[1], item[0].casefold()))
