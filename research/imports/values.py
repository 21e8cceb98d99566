"""Cell parsers for one column at a time, vectorised.

Each parser works on the distinct values of a column (a pupil-level column has few: "Y", "N",
"Intervention"...), then spreads the answers back over the rows with the factorize codes, so
Python runs once per distinct value instead of once per row.

Accepted values (any case, surrounding spaces ignored):
- group: Intervention, I, Treatment, T -> intervention; Comparison, Control, C -> comparison.
- yes/no flags (PP, EAL): yes, y, true, 1 -> yes; no, n, false, 0 -> no; blank, n/a, unknown -> unknown.
- SEN/SEND: K (SEN support), E (EHC plan), S (statement), Y, yes, true, 1, EHCP, SEN support -> yes;
  N, no, none, false, 0 -> no; blank, n/a, unknown -> unknown.
- year group: 5, Y5, Yr 5, Year 5, NC Year 5 -> 5; R, YR, Rec, Reception -> 0; must be 0-13.
- score: 12, 12.5, 12,5 (decimal comma), 45% (-> 45), 1e2; anything else is not a number.
  "1,000" is refused: it could be a thousand or one (decimal comma), and a wrong guess is silent.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from ..vocabulary import COMPARISON, INTERVENTION
from .specs import MeasureSpec, SchoolSpec

INVALID: Any = object()  # a parser's answer for a value it does not accept (blank gives None)

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+")
_YEAR = re.compile(r"(?:(?:nc)?(?:year|yr|y)|nc)?(\d{1,2})(?:\.0+)?")
_RECEPTION = frozenset({"r", "rec", "reception", "yr", "yrr", "yearr", "yearreception", "ncyearr"})
_UNKNOWN = frozenset({"", "na", "n/a", "unknown"})

GROUP_WORDS = {  # what teachers write -> the group (research.vocabulary)
    INTERVENTION: INTERVENTION, "i": INTERVENTION, "treatment": INTERVENTION, "t": INTERVENTION,
    COMPARISON: COMPARISON, "control": COMPARISON, "c": COMPARISON,
}
_YES = frozenset({"y", "yes", "true", "1"})
_NO = frozenset({"n", "no", "false", "0"})
_SEND_YES = frozenset({"k", "e", "s", "y", "yes", "true", "1", "ehcp", "ehc", "sensupport", "ehcplan"})
_SEND_NO = frozenset({"n", "no", "none", "false", "0"})


def strip_cells(column: pd.Series) -> np.ndarray:
    """Stripped cell texts as an object array (NaN never occurs: readers give '' for empty)."""
    codes, uniques = pd.factorize(column.to_numpy(dtype=object))  # numpy uniques iterate fastest
    stripped = np.array([str(u).strip() for u in uniques] + [""], dtype=object)
    return stripped[codes]  # code -1 (missing) picks the trailing ""


def map_distinct(values: np.ndarray, parse: Callable[[str], Any]) -> np.ndarray:
    """parse() applied to every cell, calling it once per distinct value."""
    codes, uniques = pd.factorize(values)
    answers = np.empty(len(uniques) + 1, dtype=object)
    answers[:-1] = [parse(u) for u in uniques]
    answers[-1] = None
    return answers[codes]


def is_invalid(parsed: np.ndarray) -> np.ndarray:
    return np.asarray(parsed == INVALID, dtype=bool)  # elementwise identity-based == on objects


def _token(text: str) -> str:
    return text.strip().lower()


def parse_number(text: str) -> float | None:
    """A finite float from a cell, or None; "12,5" is 12.5 and "45%" is 45."""
    cleaned = text.strip()
    if cleaned.endswith("%"):
        cleaned = cleaned[:-1].rstrip()
    if THOUSANDS.fullmatch(cleaned):
        return None  # "1,000": a thousands separator or a decimal comma? Refuse rather than guess.
    if cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    if not _NUMBER.fullmatch(cleaned):
        return None
    number = float(cleaned)
    return number if math.isfinite(number) else None


def parse_numbers(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(scores as float64 with NaN where not a number, mask of non-blank cells that are not numbers)."""
    parsed = map_distinct(values, lambda text: parse_number(text) if text else None)
    missing = np.asarray(np.equal(parsed, None), dtype=bool)
    numbers = np.where(missing, np.nan, parsed).astype(np.float64)
    return numbers, missing & (values != "")


def parse_group(text: str) -> Any:
    if not text:
        return None
    return GROUP_WORDS.get(_token(text), INVALID)


def group_matcher(aliases: dict[str, str] | None = None) -> Callable[[str], Any]:
    """parse_group, then the aliases (normalised value -> group word) for what it does not know."""
    from .mapping import normalise_value

    aliases = aliases or {}

    def match(text: str) -> Any:
        found = parse_group(text)
        if found is INVALID:
            return aliases.get(normalise_value(text), INVALID)
        return found

    return match


def parse_yes_no(text: str) -> Any:
    token = _token(text)
    if token in _UNKNOWN:
        return None
    return True if token in _YES else False if token in _NO else INVALID


def parse_send(text: str) -> Any:
    token = _token(text)
    if token in _UNKNOWN:
        return None
    compact = re.sub(r"\s+", "", token)
    return True if compact in _SEND_YES else False if compact in _SEND_NO else INVALID


def parse_year(text: str) -> Any:
    if not text:
        return None
    if text.startswith(("-", "+")):  # a sign is never part of a year; "-1" must not become 1
        return INVALID
    compact = re.sub(r"[\s_-]+", "", text.lower())
    if compact in _RECEPTION:
        return 0
    match = _YEAR.fullmatch(compact)
    if not match:
        return INVALID
    year = int(match.group(1))
    return year if 0 <= year <= 13 else INVALID


def school_matcher(schools: list[SchoolSpec], aliases: dict[str, int] | None = None) -> Callable[[str], Any]:
    """Cell text -> school id by URN (6 digits) or by name (any case, spaces collapsed), then by the
    aliases (normalised value -> school id) naming one of these schools."""
    from .mapping import normalise_value

    by_urn = {s.urn.strip(): s.id for s in schools if s.urn and s.urn.strip()}
    by_name = {" ".join(s.name.lower().split()): s.id for s in schools}
    known = {s.id for s in schools}
    by_alias = {key: target for key, target in (aliases or {}).items() if target in known}

    def match(text: str) -> Any:
        if not text:
            return None
        if text.isdigit() and text in by_urn:
            return by_urn[text]
        found = by_name.get(" ".join(text.lower().split()), by_urn.get(text, INVALID))
        return by_alias.get(normalise_value(text), INVALID) if found is INVALID else found

    return match


def measure_matcher(measures: list[MeasureSpec], aliases: dict[str, int] | None = None) -> Callable[[str], Any]:
    """Cell text -> measure id by name, compared like headers (any case, punctuation ignored), then by
    the aliases (normalised value -> measure id) naming one of these measures."""
    from .columns import normalise_header  # local: columns imports nothing from here, keep it that way
    from .mapping import normalise_value

    by_name = {normalise_header(m.name): m.id for m in measures}
    known = {m.id for m in measures}
    by_alias = {key: target for key, target in (aliases or {}).items() if target in known}

    def match(text: str) -> Any:
        if not text:
            return None
        found = by_name.get(normalise_header(text), INVALID)
        return by_alias.get(normalise_value(text), INVALID) if found is INVALID else found

    return match


def absence_matcher(codes: frozenset[str]) -> Callable[[str], bool]:
    """Cell text -> whether it says the pupil was absent (blank, or one of the normalised codes)."""
    from .mapping import normalise_code

    def match(text: str) -> bool:
        return not text or normalise_code(text) in codes

    return match


def format_number(number: float) -> str:
    """100.0 -> "100", 2.5 -> "2.5": scale limits as a person would write them."""
    return f"{number:g}" if abs(number) < 1e15 else str(number)
