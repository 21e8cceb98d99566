"""One sentence per measure that agrees with the headline estimate, its interval and its padlocks."""

from __future__ import annotations

from numbers import Real


def _number(value: object) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool)


def verdict_sentence(effects: dict, padlocks: object) -> str:
    """E.g. "Positive but uncertain: the 95% interval includes no effect (2 of 5 padlocks)."."""
    key = effects.get("headline")
    cell = effects.get(key) if isinstance(key, str) else None
    if not isinstance(cell, dict) or not all(_number(cell.get(k)) for k in ("g", "ci_low", "ci_high")):
        return f"No headline effect: {effects.get('headline_reason') or 'not estimated.'}"
    g, low, high = cell["g"], cell["ci_low"], cell["ci_high"]
    weaker = " (change within one group: weaker evidence, it cannot separate the approach from ordinary progress)" \
        if key == "within_group" else ""
    if low > 0:
        text = "Positive: the 95% interval lies above no effect"
    elif high < 0:
        text = "Negative: the 95% interval lies below no effect"
    elif g >= 0:
        text = "Positive but uncertain: the 95% interval includes no effect"
    else:
        text = "Negative but uncertain: the 95% interval includes no effect"
    security = f", with {padlocks} of 5 padlocks" if _number(padlocks) else ""
    return f"{text}{weaker}{security}."
