"""Fitting chart text to a width: measured word wrapping and word-boundary shortening.

Widths come from each character's advance in the chart font (DejaVu Sans, matplotlib's
default), cached per character, size and weight: wrapping a title costs microseconds, not a
text layout per try. The text-fit test draws every chart and checks the result lies inside
the figure, so the small differences from kerning and hinting are covered by WIDTH_MARGIN.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

from matplotlib.font_manager import FontProperties, findfont, get_font
from matplotlib.ft2font import LoadFlags

WIDTH_MARGIN = 1.03  # hinting and rounding at small sizes draw a line a little wider than its advances


@lru_cache(maxsize=4)
def _font_file(weight: str) -> str:
    return findfont(FontProperties(weight=weight))


_advance_lock = threading.Lock()  # one FT2Font per weight, shared: loading a glyph sets its size


@lru_cache(maxsize=8192)
def _advance_points(char: str, size: float, weight: str) -> float:
    """A character's advance in points; a character the font lacks (emoji, control characters) counts
    as wide as "M" (matplotlib draws a box for it, or a space)."""
    with _advance_lock:
        font = get_font(_font_file(weight))
        font.set_size(size, 72)
        try:
            return font.load_char(ord(char), flags=LoadFlags.NO_HINTING).linearHoriAdvance / 65536
        except RuntimeError:
            return font.load_char(ord("M"), flags=LoadFlags.NO_HINTING).linearHoriAdvance / 65536


def text_width(text: str, size: float, weight: str = "normal") -> float:
    """The width of one line of text in inches: its characters' advances in the chart font (cached
    per character, so wrapping costs microseconds rather than a text layout per try)."""
    return WIDTH_MARGIN * sum(_advance_points(char, size, weight) for char in text) / 72


def _fits(text: str, width_in: float, size: float, weight: str) -> bool:
    return text_width(text, size, weight) <= width_in


def _break_word(word: str, width_in: float, size: float, weight: str) -> list[str]:
    """A word wider than the line, cut into pieces that fit (only ever a URL-like run of letters)."""
    pieces, piece = [], ""
    for char in word:
        if piece and not _fits(piece + char, width_in, size, weight):
            pieces.append(piece)
            piece = ""
        piece += char
    return pieces + [piece] if piece else pieces


def ellipsize(line: str, width_in: float, size: float, weight: str = "normal") -> str:
    """The line shortened at a word boundary, ending in an ellipsis, so it fits the width."""
    words = line.split(" ")
    while words:
        candidate = " ".join(words).rstrip(" ,;:-\u2013") + "\u2026"
        if _fits(candidate, width_in, size, weight) or len(words) == 1:
            break
        words.pop()
    candidate = " ".join(words).rstrip(" ,;:-\u2013") + "\u2026"
    while len(candidate) > 1 and not _fits(candidate, width_in, size, weight):
        candidate = candidate[:-2] + "\u2026"  # one word wider than the line: cut it
    return candidate


def _break_opportunities(text: str) -> list[tuple[str, str]]:
    """(piece, what joins it to the piece before): words, and hyphenated words after each hyphen."""
    pieces = []
    for word in " ".join(str(text).split()).split(" "):
        parts = re.findall(r"[^-]+-*|-+", word) or [word]
        pieces += [(part, "" if index else " ") for index, part in enumerate(parts)]
    return pieces


def wrap_to_width(text: str, width_in: float, size: float, *, weight: str = "normal",
                  max_lines: int | None = None) -> list[str]:
    """Word-wrapped lines each at most ``width_in`` inches wide when drawn.

    Measured rather than counted in characters, so wide letters (W, m) and other scripts fit
    too. Past ``max_lines`` the last line ends at a word boundary with an ellipsis: names
    stay readable, and the whole text is in the chart's table and alt text.
    """
    lines: list[str] = []
    current = ""
    for word, glue in _break_opportunities(text):
        candidate = f"{current}{glue}{word}" if current else word
        if _fits(candidate, width_in, size, weight):
            current = candidate
            continue
        if current:
            lines.append(current)
        pieces = _break_word(word, width_in, size, weight) or [""]
        lines.extend(pieces[:-1])
        current = pieces[-1]
    lines.append(current)
    if max_lines is not None and len(lines) > max_lines:
        kept = lines[:max_lines]
        kept[-1] = ellipsize(f"{kept[-1]} {lines[max_lines]}", width_in, size, weight)
        lines = kept
    return lines


def wrap_label(text: str, width_in: float, size: float, *, max_lines: int = 2,
               suffix: str = "") -> str:
    """A label wrapped to ``width_in`` in at most ``max_lines`` lines, ``suffix`` (e.g. "(n=60)") kept whole."""
    lines = wrap_to_width(text, width_in, size, max_lines=max_lines)
    if not suffix:
        return "\n".join(lines)
    if _fits(f"{lines[-1]} {suffix}", width_in, size, "normal"):
        lines[-1] = f"{lines[-1]} {suffix}"
    elif len(lines) < max_lines:
        lines.append(suffix)
    else:
        room = width_in - text_width(f" {suffix}", size)
        last = lines[-1].removesuffix("\u2026")
        lines[-1] = f"{ellipsize(last, room, size)} {suffix}"
    return "\n".join(lines)
