"""Pupil-outcome import, parsing half: bytes -> validated, pseudonymised rows (DESIGN section 4).

The storing service calls `parse_outcome_file`; nothing here touches the ORM or HTTP, and settings
only for the read limits (limits.py) when the caller passes none.
"""
from .limits import ReadLimits
from .pipeline import parse_outcome_file
from .pseudonym import normalise_pupil_id, pupil_key
from .specs import FileRejected, MeasureSpec, ParsedOutcomes, RowError, SchoolSpec

__all__ = [
    "FileRejected",
    "MeasureSpec",
    "ParsedOutcomes",
    "ReadLimits",
    "RowError",
    "SchoolSpec",
    "normalise_pupil_id",
    "parse_outcome_file",
    "pupil_key",
]
