"""ChartSpec (a Figure with its alt text and data table) and rendering to SVG or PNG bytes.

Rendering uses the Figure's own canvas (Agg for PNG, the SVG backend for SVG); pyplot is
never imported, so nothing here touches pyplot's global figure registry and charts can be
rendered from several server threads at once (each request builds its own Figure).

Some settings are read by matplotlib from the process-wide rcParams and cannot be passed
per call: ``svg.hashsalt`` (clip-path and marker ids; without a salt they are random, so the
same chart would differ byte for byte) and ``svg.fonttype`` at draw time, and the text
settings whenever a Text is made (tick labels can be made during the draw). They are set
once, here, at import, to constants and never changed again, so no thread ever sees them
mid-change (``rc_context`` would change them per render, racing other threads).
``svg.fonttype = "none"`` writes text as <text> elements instead of glyph outlines:
selectable and readable by screen readers, about a third smaller, and cheaper to draw.

Chart text is never maths: titles, questions, measure and school names are typed by people,
and matplotlib would parse any string with two ``$`` as mathtext (raising on ``$\\foo$``).
``text.parse_math`` and ``text.usetex`` are off for every Text made, and ``render`` turns
them off again on every Text in the figure, in case one was made under other settings.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Literal

import matplotlib
from matplotlib.figure import Figure
from matplotlib.text import Text

SVG_HASH_SALT = "research-charts"
FIGSIZE = (8.0, 4.5)  # inches, 16:9
PNG_DPI = 150  # 1200 x 675 pixels: sharp on a projected slide

RC_SETTINGS = {
    "svg.hashsalt": SVG_HASH_SALT, "svg.fonttype": "none",
    # Text as typed: no mathtext, no LaTeX (and no $-wrapped tick numbers that would then show raw).
    "text.parse_math": False, "text.usetex": False, "axes.formatter.use_mathtext": False,
}


def ensure_rc_settings() -> None:
    """Set the rcParams above if anything (e.g. rcdefaults()) has reset them; a no-op otherwise."""
    for key, value in RC_SETTINGS.items():
        if matplotlib.rcParams[key] != value:
            matplotlib.rcParams[key] = value


ensure_rc_settings()


def _plain_text_only(figure: Figure) -> None:
    """Turn off maths and LaTeX on every Text in the figure (titles, ticks, legends, annotations)."""
    for text in figure.findobj(Text):
        text.set_parse_math(False)
        text.set_usetex(False)


Format = Literal["svg", "png"]
CONTENT_TYPES = {"svg": "image/svg+xml", "png": "image/png"}


@dataclass
class ChartSpec:
    """A chart: the Figure, a text alternative, and the data behind it.

    ``table`` has one JSON-serialisable row per plotted point or bar (plus rows for values
    that could not be plotted, marked "c" when suppressed), with the same values as plotted
    and each with its n; ``columns`` is the column order for CSV. The alt text is also written
    into the file (SVG dc:description, PNG Description) so it travels with a downloaded chart.
    """

    figure: Figure
    alt_text: str
    table: list[dict]
    columns: list[str]
    title: str = ""  # also written into the SVG <title> and the PNG/SVG metadata


def render(spec: ChartSpec, fmt: Format = "svg") -> bytes:
    """The chart as SVG (deterministic bytes) or PNG (150 dpi, 1200 x 675 px)."""
    buffer = io.BytesIO()
    ensure_rc_settings()
    _plain_text_only(spec.figure)
    if fmt == "svg":
        metadata = {"Date": None, "Title": spec.title or None, "Description": spec.alt_text or None}
        spec.figure.savefig(buffer, format="svg", metadata=metadata)
        return _xml_safe(buffer.getvalue())
    if fmt == "png":
        metadata = {"Title": spec.title, "Description": spec.alt_text}
        spec.figure.savefig(buffer, format="png", dpi=PNG_DPI, metadata=metadata)
        return buffer.getvalue()
    raise ValueError(f"unknown chart format {fmt!r}: use 'svg' or 'png'")


# Control characters XML 1.0 forbids (tab, newline and carriage return are allowed). Pasted
# text brings them (Word's line break is \x0b); matplotlib writes them into the SVG as they
# are, and one makes the whole file unreadable. In UTF-8 these bytes only ever stand for
# themselves, so they can be replaced in the bytes.
XML_FORBIDDEN = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xml_safe(svg: bytes) -> bytes:
    """The SVG with each forbidden control character written as a space."""
    return XML_FORBIDDEN.sub(b" ", svg)
