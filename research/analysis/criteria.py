"""Success criteria agreed before the data: their labels and their verdicts against the results.

A criterion says a statistic of a measure should be `>=` or `<=` a threshold. The verdict reads
the 95% confidence interval, not the estimate alone, so chance cannot pass or fail a criterion:

- **met**: every value in the interval satisfies the comparison
  (`>=`: ci_low >= threshold; `<=`: ci_high <= threshold);
- **not met**: no value in the interval satisfies it
  (`>=`: ci_high < threshold; `<=`: ci_low > threshold);
- **inconclusive**: otherwise, i.e. the interval reaches both sides of the threshold. A bound
  exactly on the threshold counts as satisfying it (the comparisons include equality), so
  [0.20, 0.50] meets `>= 0.20` while [0.10, 0.20] is inconclusive, not "not met".

No estimate (no data, a group below the minimum cell size...) or no interval is inconclusive,
with a reason saying so. Nothing here touches the database or knows how estimates are made.
"""

from __future__ import annotations

import math
from numbers import Real

MET, NOT_MET, INCONCLUSIVE = "met", "not_met", "inconclusive"
VERDICTS = (MET, NOT_MET, INCONCLUSIVE)
COMPARISONS = (">=", "<=")
STATISTICS = ("effect_size", "mean_change", "percent_at_or_above")
SUBGROUPS = ("disadvantaged", "send", "eal")

SUBGROUP_PHRASES = {"disadvantaged": "disadvantaged pupils", "send": "pupils with SEND",
                    "eal": "pupils with English as an additional language"}
SIDE = {">=": ("at or above", "below"), "<=": ("at or below", "above")}


def _number(value) -> float | None:
    if value is None or isinstance(value, bool) or not isinstance(value, Real):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _text(value: float, *others: float) -> str:
    """`value` to 2 dp, or as many more as it takes not to look equal to any of `others`."""
    for digits in range(2, 7):
        text = f"{value:.{digits}f}"
        if all(text != f"{other:.{digits}f}" or other == value for other in others):
            break
    return text.replace("-", "\u2212")


def criterion_verdict(*, estimate, ci_low, ci_high, comparison: str, threshold) -> tuple[str, str]:
    """(`met` | `not_met` | `inconclusive`, a plain-English reason with the numbers); see the module."""
    if comparison not in COMPARISONS:
        raise ValueError(f"comparison must be one of {', '.join(COMPARISONS)}, not {comparison!r}.")
    limit = _number(threshold)
    if limit is None:
        raise ValueError(f"threshold must be a finite number, not {threshold!r}.")
    value, low, high = _number(estimate), _number(ci_low), _number(ci_high)
    if low is not None and high is not None and low > high:
        raise ValueError(f"ci_low ({low}) is above ci_high ({high}).")
    good_side, bad_side = SIDE[comparison]
    target = _text(limit)
    if value is None:
        return INCONCLUSIVE, (f"Inconclusive: there is no estimate (no data for it, or too few pupils), so whether "
                              f"it is {good_side} {target} cannot be judged.")
    shown = _text(value, limit)
    if low is None or high is None:
        return INCONCLUSIVE, (f"Inconclusive: the estimate is {shown} but it has no 95% confidence interval, so "
                              f"how sure it is to be {good_side} {target} is unknown.")
    interval = f"the 95% confidence interval, {_text(low, limit)} to {_text(high, limit)}"
    satisfies = (lambda x: x >= limit) if comparison == ">=" else (lambda x: x <= limit)
    if satisfies(low) and satisfies(high):
        return MET, f"Met: {interval}, lies wholly {good_side} {target} (estimate {shown})."
    if not satisfies(low) and not satisfies(high):
        return NOT_MET, f"Not met: {interval}, lies wholly {bad_side} {target} (estimate {shown})."
    return INCONCLUSIVE, (f"Inconclusive: {interval}, includes {target} (estimate {shown}), so the data cannot "
                          f"say which side of it the true value lies.")


def _plain(value: float) -> str:
    return f"{value:g}".replace("-", "\u2212")


def criterion_label(criterion: dict, measure_name: str) -> str:
    """'Effect size on Maths test >= 0.20 for disadvantaged pupils', from a stored criterion."""
    statistic, comparison = criterion["statistic"], criterion["comparison"]
    threshold = float(criterion["threshold"])
    if statistic == "effect_size":
        text = f"Effect size on {measure_name} {comparison} {_text(threshold)}"
    elif statistic == "mean_change":
        text = f"Mean change on {measure_name} {comparison} {_plain(threshold)} points"
    elif statistic == "percent_at_or_above":
        text = (f"Pupils scoring {_plain(float(criterion['score']))} or more on {measure_name} "
                f"{comparison} {_plain(threshold)}%")
    else:
        raise ValueError(f"statistic must be one of {', '.join(STATISTICS)}, not {statistic!r}.")
    subgroup = criterion.get("subgroup")
    return f"{text} for {SUBGROUP_PHRASES[subgroup]}" if subgroup else text
