"""Disclosure control: what a non-member may see.

Three rules, applied until nothing changes:
1. primary: a cell with n < min_cell is suppressed (n = 0 too: an empty subgroup tells
   you something about every pupil in its complement);
2. derived: a cell computed from a suppressed cell (``depends_on``) is suppressed;
3. secondary (differencing): for each partition (a shown total whose parts add up to it),
   the suppressed parts together must hold at least min_cell pupils, otherwise
   total - shown parts would reveal them; the smallest shown part is suppressed next
   (the total itself if no part is left). A suppressed total with every part shown would
   be their sum, so the smallest part is suppressed too.

Suppressed cells keep their labels (stage, group, ...) and every other field, n included,
becomes the marker "c". Protection is per partition: the results only publish totals
that sit in a declared partition, so no wider system of equations exists to solve.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterable, Mapping, Sequence
from numbers import Real

import pandas as pd

from .verdict import verdict_sentence

MARKER = "c"
DEFAULT_MIN_CELL = 6

# Fields that describe which cell this is rather than what it says about pupils.
LABEL_FIELDS = frozenset({
    "cell", "stage", "group", "subgroup", "comparison", "from_stage", "to_stage", "metric",
    "label", "design", "criterion", "met", "threshold", "sample", "depends_on", "public", "model", "standardiser",
})


def _n(cell: Mapping) -> int:
    """Pupils in a cell; anything that is not a count (None, "c", NaN) counts as 0, i.e. suppress."""
    n = cell.get("n")
    if type(n) is int:  # the usual case, checked first: the Real check below is slow
        return n
    if isinstance(n, bool) or not isinstance(n, Real) or not math.isfinite(n):
        return 0
    return int(n)


def _protect_partition(partition: Mapping, counts: Mapping[str, int], suppressed: set[str], min_cell: int) -> bool:
    """Apply rule 3 to one partition (``counts``: pupils per cell id); True if it suppressed anything."""
    parts = [part for part in partition["parts"] if part in counts]
    total = partition.get("total") if partition.get("total") in counts else None
    hidden = [part for part in parts if part in suppressed]
    shown = sorted((part for part in parts if part not in suppressed), key=lambda part: (counts[part], part))
    if total is None:
        return False  # no published total, so no differencing equation
    if total in suppressed:
        if parts and not hidden:
            suppressed.add(shown[0])
            return True
        return False
    hidden_pupils = sum(counts[part] for part in hidden)
    if not hidden or hidden_pupils >= min_cell:
        return False
    while shown and hidden_pupils < min_cell:
        part = shown.pop(0)
        suppressed.add(part)
        hidden_pupils += counts[part]
    if hidden_pupils < min_cell:
        suppressed.add(total)
    return True


def suppression_plan(
    cells: Iterable[Mapping], partitions: Iterable[Mapping] = (), min_cell: int = DEFAULT_MIN_CELL,
    forced: Iterable[str] = (),
) -> set[str]:
    """Ids of every cell a non-member must not see (primary, derived and secondary).

    ``forced``: cells withheld for another reason (the differencing audit, scores too alike),
    treated like primary suppressions.
    """
    if min_cell < 1:
        raise ValueError("min_cell must be at least 1")
    by_id = {cell["cell"]: cell for cell in cells}
    partitions = list(partitions)
    counts = {cell_id: _n(cell) for cell_id, cell in by_id.items()}
    suppressed = {cell_id for cell_id, cell in by_id.items() if "n" in cell and counts[cell_id] < min_cell}
    suppressed |= set(forced) & set(by_id)
    # Only cells with dependencies can be caught by rule 2. They are scanned in the same
    # order, one pass at a time, because which part rule 3 picks depends on what is hidden.
    # An empty list can never trigger rule 2 (anything else is kept, so bad input fails as before).
    dependants = [(cell_id, cell) for cell_id, cell in by_id.items() if cell.get("depends_on", ()) != []]
    changed = True
    while changed:
        changed = False
        for cell_id, cell in dependants:
            if cell_id not in suppressed and any(dep in suppressed for dep in cell.get("depends_on", ())):
                suppressed.add(cell_id)
                changed = True
        for partition in partitions:
            changed = _protect_partition(partition, counts, suppressed, min_cell) or changed
    return suppressed


# Values that need no copying: a copy of the results may share them.
_IMMUTABLE = (str, int, float, bool, type(None))
# Exact types of nearly every leaf; a set lookup skips the calls below for them.
_PLAIN_LEAF_TYPES = frozenset(_IMMUTABLE)


def _copy_tree(node: object) -> object:
    """A deep copy of JSON-like results (dicts and lists rebuilt, other leaves deep-copied).

    Same result as copy.deepcopy for results data, without its per-object memo bookkeeping.
    """
    if isinstance(node, dict):
        return {key: value if type(value) in _PLAIN_LEAF_TYPES else _copy_tree(value) for key, value in node.items()}
    if isinstance(node, list):
        return [item if type(item) in _PLAIN_LEAF_TYPES else _copy_tree(item) for item in node]
    if isinstance(node, _IMMUTABLE):
        return node
    return copy.deepcopy(node)


def redact(cell: Mapping, label_fields: frozenset[str] = LABEL_FIELDS) -> dict:
    """The cell with every non-label value replaced by the marker."""
    redacted = {key: (value if key in label_fields else MARKER) for key, value in cell.items()}
    if "public" in cell:
        redacted["public"] = False
    return redacted


def _collect_into(node: object, found: list[dict]) -> None:
    if isinstance(node, dict):
        if "cell" in node:
            found.append(node)
        values: Iterable[object] = node.values()
    elif isinstance(node, list):
        values = node
    else:
        return
    for value in values:
        if type(value) not in _PLAIN_LEAF_TYPES and isinstance(value, (dict, list)):
            _collect_into(value, found)


def collect_cells(node: object) -> list[dict]:
    """Every cell (a dict with a "cell" id) anywhere inside a results structure."""
    found: list[dict] = []
    _collect_into(node, found)
    return found


def _apply(node: object, suppressed: set[str]) -> object:
    """A copy of ``node`` with suppressed cells redacted (shares nothing mutable with it)."""
    if isinstance(node, dict):
        if "cell" in node and node["cell"] in suppressed:
            return _copy_tree(redact(node))
        return {
            key: value if type(value) in _PLAIN_LEAF_TYPES else _apply(value, suppressed)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [item if type(item) in _PLAIN_LEAF_TYPES else _apply(item, suppressed) for item in node]
    return _copy_tree(node)


def mark_public(measure_result: dict, min_cell: int) -> None:
    """Annotate each cell in place with ``public``: whether a non-member would see it."""
    cells = collect_cells(measure_result)
    suppressed = suppression_plan(cells, measure_result.get("partitions", ()), min_cell)
    for cell in cells:
        cell["public"] = cell["cell"] not in suppressed


def _hiding_pupils(cells: list[dict], suppressed: set[str]) -> set[str]:
    """Suppressed cells that hide real pupils, and cells derived from them. An empty cell (n=0,
    e.g. no baseline was taken) is suppressed too, but there is nothing in it to protect."""
    by_id = {cell["cell"]: cell for cell in cells}
    hiding = {cid for cid in suppressed if "n" in by_id.get(cid, {}) and _n(by_id[cid]) > 0}
    changed = True
    while changed:
        changed = False
        for cid in suppressed - hiding:
            if hiding.intersection(by_id.get(cid, {}).get("depends_on") or ()):
                hiding.add(cid)
                changed = True
    return hiding


def _withhold_criteria(strength: dict | None, cells: list[dict], hiding: set[str]) -> None:
    """A criterion resting on hidden pupils shows neither its reason nor its rating (each says
    something about them). Padlocks are the lowest of the ratings less the deductions, so with
    any part withheld the count is withheld too, never overstated."""
    if not isinstance(strength, dict):
        return
    criteria = strength.get("criteria") or []
    for criterion in criteria:
        if criterion.get("cell") in hiding:
            criterion["met"] = MARKER
    withheld = sum(1 for c in criteria if c.get("met") == MARKER)
    if withheld and strength.get("padlocks") is not None:
        strength["padlocks"] = MARKER
        strength["padlocks_withheld"] = withheld


def redact_measure(measure_result: dict, suppressed: set[str]) -> dict:
    """A copy of one measure's results with the suppressed cells (and what rests on them) withheld."""
    cells = collect_cells(measure_result)
    public = _apply(measure_result, suppressed)
    hiding = _hiding_pupils(cells, suppressed)
    _withhold_criteria(public.get("evidence_strength"), cells, hiding)
    if "verdict" in public:  # said again from what is shown: a withheld headline has no verdict
        public["verdict"] = verdict_sentence(public.get("effects") or {},
                                             (public.get("evidence_strength") or {}).get("padlocks"))
    return public


def non_member_view(results: dict, plans: Sequence[set[str]] | None = None) -> dict:
    """The results with every cell a non-member must not see withheld (project_results output in).

    ``plans``: the cells to suppress per measure, when the caller has worked them out (see
    public_view.public_results, the only route to what non-members are shown); by default each
    measure's suppression_plan.
    """
    min_cell = int(results.get("min_cell", DEFAULT_MIN_CELL))
    # Measures are copied by _apply as it redacts; everything else is copied here.
    view = {key: value if key == "measures" else _copy_tree(value) for key, value in results.items()}
    measures = []
    for index, measure_result in enumerate(results.get("measures", [])):
        suppressed = (plans[index] if plans is not None else
                      suppression_plan(collect_cells(measure_result), measure_result.get("partitions", ()), min_cell))
        measures.append(redact_measure(measure_result, suppressed))
    view["measures"] = measures
    view["view"] = "non-member"
    view["disclosure"] = {
        "min_cell": min_cell,
        "marker": MARKER,
        "note": f"'{MARKER}' marks a value withheld because it rests on fewer than {min_cell} pupils "
        "or could be worked out from other figures.",
    }
    return view


def suppress_rows(
    rows: Sequence[Mapping], min_cell: int = DEFAULT_MIN_CELL, partitions: Iterable[Mapping] = (),
    label_fields: Iterable[str] = LABEL_FIELDS,
) -> list[dict]:
    """Suppress a plain table (e.g. a chart's data). Rows without a "cell" id get their index.

    Each row needs an ``n``; partitions refer to row ids: {"total": id, "parts": [ids]}.
    """
    labels = frozenset(label_fields) | {"cell"}
    keyed = [dict(row) if "cell" in row else {"cell": str(index), **row} for index, row in enumerate(rows)]
    suppressed = suppression_plan(keyed, partitions, min_cell)
    out = []
    for original, row in zip(rows, keyed):
        shown = redact(row, labels) if row["cell"] in suppressed else row
        out.append({key: shown[key] for key in original} if "cell" not in original else shown)
    return out


def suppress_frame(
    frame: pd.DataFrame, min_cell: int = DEFAULT_MIN_CELL, partitions: Iterable[Mapping] = (),
    label_columns: Iterable[str] = LABEL_FIELDS,
) -> pd.DataFrame:
    """DataFrame version of suppress_rows (suppressed values become "c", object dtype)."""
    rows = suppress_rows(frame.to_dict("records"), min_cell, partitions, label_columns)
    return pd.DataFrame(rows, columns=frame.columns, index=frame.index).astype(object)
