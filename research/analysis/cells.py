"""Result cells: one dict per reported quantity, each carrying its n.

A cell is a dict with a unique ``cell`` id (within one measure), an ``n`` (pupils behind
it, where that makes sense), the values, a ``reason`` (None, or why a value is missing)
and ``depends_on`` (ids of the cells it was computed from). Disclosure control works on
these ids, so every table in the results uses this shape.
"""

from __future__ import annotations

from collections.abc import Iterable


def make_cell(cell_id: str, n: int | None, depends_on: Iterable[str] = (), **fields: object) -> dict:
    cell: dict = {"cell": cell_id}
    if n is not None:
        cell["n"] = int(n)
    cell.update(fields)
    cell.setdefault("reason", None)
    cell["depends_on"] = list(depends_on)
    return cell


def desc_id(stage: str, group: str) -> str:
    return f"desc:{stage}:{group}"


def gain_id(to_stage: str, group: str) -> str:
    return f"gain:{to_stage}:{group}"


def attrition_id(group: str) -> str:
    return f"attrition:{group}"


def subgroup_id(stage: str, group: str, subgroup: str) -> str:
    return f"sub:{stage}:{group}:{subgroup}"


def gap_id(stage: str, group: str) -> str:
    return f"gap:{stage}:{group}"
