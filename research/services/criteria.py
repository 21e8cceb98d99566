"""Checking the plan's structured success criteria and planned-power numbers before they are stored.

Criteria live as a JSON list on Project (not a model of their own): they are edited and frozen as
one list with the plan, never queried one by one, and a criterion's place in the list is how
errors name it ("success_criteria[1].score"). So this module is the one gate they pass through.
"""
from __future__ import annotations

import math
from numbers import Integral, Real

from ..analysis.criteria import COMPARISONS, STATISTICS, SUBGROUPS
from ..errors import InvalidInput
from ..models import Measure

MAX_CRITERIA = 20
EFFECT_SIZE_LIMIT = 3.0
CRITERION_KEYS = {"measure", "statistic", "comparison", "threshold", "score", "subgroup"}
READ_ONLY_KEYS = {"label"}  # sent back by clients that PATCH what they read: ignored
POWER_LIMITS = {  # name: (lowest, highest or below, whole number, may be empty, label)
    "planned_pupils_per_group": (2, 100_000, True, True, "Planned pupils per group"),
    "planned_schools": (1, 1_000, True, True, "Planned number of schools"),
    "assumed_icc": (0.0, 1.0, False, False, "Assumed ICC"),
    "pre_post_correlation": (0.0, 1.0, False, False, "Pre/post correlation"),
}


def _number(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        return None
    return float(value)


def _raise(errors: dict[str, list[str]], what: str) -> None:
    if errors:
        listed = " ".join(f"{name}: {' '.join(messages)}" for name, messages in errors.items())
        raise InvalidInput(f"Please correct the {what}. {listed}", fields=errors)


def _criterion(item, measures: dict[int, Measure]) -> tuple[dict | None, dict[str, str]]:
    """(the stored form, {field: message}) for one criterion."""
    if not isinstance(item, dict):
        return None, {"": "Each criterion is an object with measure, statistic, comparison and threshold."}
    errors = {}
    unknown = sorted(set(item) - CRITERION_KEYS - READ_ONLY_KEYS)
    if unknown:
        errors[""] = f"Unknown field{'s' if len(unknown) > 1 else ''}: {', '.join(map(str, unknown))}."
    measure_id = item.get("measure")
    measure = None
    if isinstance(measure_id, bool) or not isinstance(measure_id, Integral):
        errors["measure"] = "Choose one of the project's measures (its id)."
    elif measure_id not in measures:
        chosen = ", ".join(m.name for m in measures.values()) or "none chosen yet"
        errors["measure"] = f"Measure {measure_id} is not one of this project's measures ({chosen})."
    else:
        measure = measures[measure_id]
    statistic = item.get("statistic")
    if statistic not in STATISTICS:
        errors["statistic"] = "Choose effect_size, mean_change or percent_at_or_above."
    if item.get("comparison") not in COMPARISONS:
        errors["comparison"] = "Choose >= (at least) or <= (at most)."
    subgroup = item.get("subgroup") or None
    if subgroup is not None and subgroup not in SUBGROUPS:
        errors["subgroup"] = "Choose disadvantaged, send, eal, or null for all pupils."

    threshold = _number(item.get("threshold"))
    if threshold is None:
        errors["threshold"] = "Give the threshold as a number."
    elif statistic == "effect_size" and abs(threshold) > EFFECT_SIZE_LIMIT:
        errors["threshold"] = (f"An effect size criterion lies between \u2212{EFFECT_SIZE_LIMIT:g} and "
                               f"{EFFECT_SIZE_LIMIT:g} SD; {threshold:g} is beyond any realistic effect.")
    elif statistic == "percent_at_or_above" and not 0 <= threshold <= 100:
        errors["threshold"] = f"A percentage of pupils is from 0 to 100, not {threshold:g}."
    elif statistic == "mean_change" and measure is not None:
        span = measure.scale_max - measure.scale_min
        if abs(threshold) > span:
            errors["threshold"] = (f"A change on {measure.name} ({measure.scale_min:g} to {measure.scale_max:g}) "
                                   f"is at most {span:g} points either way, not {threshold:g}.")

    raw_score = item.get("score")
    score = _number(raw_score)
    if statistic == "percent_at_or_above":
        if score is None:
            errors["score"] = "Give the score pupils should reach, as a number."
        elif measure is not None and not measure.scale_min <= score <= measure.scale_max:
            errors["score"] = (f"Must be within the {measure.name} scale, {measure.scale_min:g} to "
                               f"{measure.scale_max:g}, not {score:g}.")
    elif raw_score is not None:
        errors["score"] = "Only a percent_at_or_above criterion takes a score; leave it out."
    if errors:
        return None, errors
    return {"measure": measure_id, "statistic": statistic, "comparison": item["comparison"],
            "threshold": threshold, "score": score if statistic == "percent_at_or_above" else None,
            "subgroup": subgroup}, {}


def success_criteria_clean(*, criteria, measures: list[Measure]) -> list[dict]:
    """The criteria as stored, or InvalidInput naming every problem ("success_criteria[1].score")."""
    if not isinstance(criteria, list):
        _raise({"success_criteria": ["Send a list of criteria (an empty list for none)."]}, "success criteria")
    if len(criteria) > MAX_CRITERIA:
        _raise({"success_criteria": [f"At most {MAX_CRITERIA} criteria; agree on the ones that matter most."]},
               "success criteria")
    by_id = {m.id: m for m in measures}
    cleaned, errors = [], {}
    for index, item in enumerate(criteria):
        criterion, problems = _criterion(item, by_id)
        for field, message in problems.items():
            errors.setdefault(f"success_criteria[{index}]{'.' + field if field else ''}", []).append(message)
        if criterion is not None and criterion in cleaned:
            errors.setdefault(f"success_criteria[{index}]", []).append(
                f"Repeats criterion {cleaned.index(criterion) + 1}.")
        cleaned.append(criterion)
    _raise(errors, "success criteria")
    return cleaned


def criteria_measures_check(*, criteria: list[dict], measures: list[Measure], names: dict[int, str]) -> None:
    """Refuse a change of measures that would leave a stored criterion on a measure the project dropped."""
    kept = {m.id for m in measures}
    messages = [f"Success criterion {index + 1} is on {names.get(c['measure'], 'a measure')}, which this change "
                f"removes: change or remove the criterion first (or in the same request)."
                for index, c in enumerate(criteria) if c["measure"] not in kept]
    _raise({"measures": messages} if messages else {}, "measures")


def planned_power_clean(values: dict) -> dict:
    """The planned-power fields among `values`, checked; InvalidInput naming each bad one."""
    cleaned, errors = {}, {}
    for name, (low, high, whole, may_be_empty, label) in POWER_LIMITS.items():
        if name not in values:
            continue
        value = values[name]
        if value is None and may_be_empty:
            cleaned[name] = None
            continue
        number = _number(value)
        if number is None or (whole and not (isinstance(value, Integral) or number.is_integer())):
            errors[name] = [f"{label} must be a {'whole ' if whole else ''}number."]
        elif whole and not low <= number <= high:
            errors[name] = [f"{label} must be from {low:,} to {high:,}."]
        elif not whole and not low <= number < high:
            errors[name] = [f"{label} must be from {low:g} to below {high:g}."]
        else:
            cleaned[name] = int(number) if whole else number
    _raise(errors, "planned numbers")
    return cleaned
