"""ChartSpec (a Figure with its alt text and data table) and rendering to SVG or PNG bytes.

Rendering uses the Figure's own canvas (Agg for PNG, the SVG backend for SVG); pyplot is
never imported, so nothing here touches pyplot's global figure registry and charts can be
rendered from several server threads at once (each request builds its own Figure).

Two SVG settings are read by matplotlib from the process-wide rcParams at draw time and
cannot be passed per call: ``svg.hashsalt`` (clip-path and marker ids; without a salt they
are random, so the same chart would differ byte for byte) and ``svg.fonttype``. They are set
once, here, at import, to constants and never changed again, so no thread ever sees them
mid-change. ``svg.fonttype = "none"`` writes text as <text> elements instead of glyph
outlines: selectable and readable by screen readers, about a third smaller, and cheaper
to draw.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Literal

import matplotlib
from matplotlib.figure import Figure

SVG_HASH_SALT = "research-charts"
FIGSIZE = (8.0, 4.5)  # inches, 16:9
PNG_DPI = 150  # 1200 x 675 pixels: sharp on a projected slide

SVG_SETTINGS = {"svg.hashsalt": SVG_HASH_SALT, "svg.fonttype": "none"}


def _ensure_svg_settings() -> None:
    """Set the SVG rcParams if anything (e.g. rcdefaults()) has reset them; a no-op otherwise."""
    for key, value in SVG_SETTINGS.items():
        if matplotlib.rcParams[key] != value:
            matplotlib.rcParams[key] = value


_ensure_svg_settings()

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
    if fmt == "svg":
        _ensure_svg_settings()
        metadata = {"Date": None, "Title": spec.title or None, "Description": spec.alt_text or None}
        spec.figure.savefig(buffer, format="svg", metadata=metadata)
    elif fmt == "png":
        metadata = {"Title": spec.title, "Description": spec.alt_text}
        spec.figure.savefig(buffer, format="png", dpi=PNG_DPI, metadata=metadata)
    else:
        raise ValueError(f"unknown chart format {fmt!r}: use 'svg' or 'png'")
    return buffer.getvalue()
