"""Suggestions for a value the import could not place: the project's schools, measures or groups ranked
by how alike they are (rapidfuzz), best first, at most three.

Schools: a URN in the value comes first (a 6-digit run that is a school's URN scores 100; a value of
digits alone is compared with the URNs, so a mistyped digit still finds its school), then names.
Names are compared after folding case and apostrophes and spelling out the abbreviations school
exports use (Jnr, Inf, Pri, CE, RC...), scored as the mean of rapidfuzz's WRatio (good with a part
of a name, "Oakfield Pri") and token-set ratio (good with the words in another order or some
missing, "St Faith's Infants"), so a name that only shares "St" does not tie with the right one.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from rapidfuzz import fuzz

from ..vocabulary import COMPARISON, GROUP_LABELS, INTERVENTION
from .mapping import Suggestion
from .specs import MeasureSpec, SchoolSpec

MAX_SUGGESTIONS = 3
MIN_SCORE = 50  # below this a name is no more alike than any other: the full list is offered instead

_ABBREVIATIONS = {
    "jnr": "junior", "jun": "junior", "jnrs": "junior", "inf": "infant", "infs": "infant", "infants": "infant",
    "pri": "primary", "prim": "primary", "sch": "school", "acad": "academy", "sec": "secondary",
    "ce": "c of e", "cofe": "c of e", "rc": "catholic", "cath": "catholic", "wellbeing": "well being",
}
_GROUP_WORDS = {INTERVENTION: ("Intervention", "Treatment", "Treated"), COMPARISON: ("Comparison", "Control")}
_URN_RUN = re.compile(r"(?<!\d)\d{6}(?!\d)")


def fold(text: str) -> str:
    """Lower case, no apostrophes, punctuation as spaces, abbreviations spelt out."""
    folded = unicodedata.normalize("NFKC", str(text)).casefold()
    folded = re.sub(r"['\u2019\u2018`]", "", folded)
    return " ".join(_ABBREVIATIONS.get(word, word) for word in re.sub(r"[\W_]+", " ", folded).split())


def similarity(a: str, b: str) -> int:
    """0-100: how alike two names are after folding."""
    left, right = fold(a), fold(b)
    if not left or not right:
        return 0
    return round((fuzz.WRatio(left, right) + fuzz.token_set_ratio(left, right)) / 2)


def _ranked(value: str, options: Iterable[tuple[int | str, str]], limit: int) -> list[Suggestion]:
    scored = []
    for ident, name in options:
        score = similarity(value, name)
        if score >= MIN_SCORE:
            tiebreak = -fuzz.ratio(fold(value), fold(name))
            scored.append((-score, tiebreak, name.casefold(), Suggestion(ident, name, score)))
    scored.sort(key=lambda item: item[:3])
    return [item[3] for item in scored[:limit]]


def suggest_schools(value: str, schools: list[SchoolSpec], limit: int = MAX_SUGGESTIONS) -> list[Suggestion]:
    text = str(value).strip()
    by_urn: list[tuple[int, Suggestion]] = []
    runs = set(_URN_RUN.findall(text))
    digits_only = text.isdigit() and 4 <= len(text) <= 8
    for school in schools:
        urn = (school.urn or "").strip()
        if not urn:
            continue
        if urn in runs:
            by_urn.append((100, Suggestion(school.id, school.name, 100)))
        elif digits_only:
            score = round(fuzz.ratio(text, urn))
            if score >= 80:  # one digit wrong, missing or extra in a 6-digit URN
                by_urn.append((score, Suggestion(school.id, school.name, score)))
    by_urn.sort(key=lambda item: (-item[0], item[1].name.casefold()))
    found = [s for _, s in by_urn][:limit]
    taken = {s.id for s in found}
    names = _ranked(text, ((s.id, s.name) for s in schools if s.id not in taken), limit - len(found))
    return found + names


def suggest_measures(value: str, measures: list[MeasureSpec], limit: int = MAX_SUGGESTIONS) -> list[Suggestion]:
    return _ranked(value, ((m.id, m.name) for m in measures), limit)


def suggest_groups(value: str, limit: int = MAX_SUGGESTIONS) -> list[Suggestion]:
    best: list[Suggestion] = []
    for group, words in _GROUP_WORDS.items():
        score = max(similarity(value, word) for word in words)
        if score >= MIN_SCORE:
            best.append(Suggestion(group, GROUP_LABELS[group], score))
    best.sort(key=lambda s: (-s.score, s.name))
    return best[:limit]
