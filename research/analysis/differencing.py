"""The differencing audit: can published sums be combined to reveal a few pupils' scores?

Every mean, sd and gain shown outside a project is a sum over a set of pupil scores (a gain
is a sum at one stage minus a sum at another). Suppressing small cells one at a time is not
enough: two shown sums over overlapping sets subtract to the pupils in one but not the other.
This module checks, over everything ever shown for a project (earlier views included, since a
reader can keep a copy), whether any linear combination of the shown sums equals the sum of
the scores of 1 to min_cell - 1 pupils at one stage.

Method: pupil scores that appear in exactly the same shown sums (with the same signs) form an
atom; every combination of shown sums is constant on atoms, so only unions of atoms can be
revealed. A union J is revealed exactly when its indicator lies in the row space of the
(sums x atoms) matrix, i.e. is orthogonal to the matrix's null space. Only atoms smaller than
min_cell can be part of a small union, so the search is over few candidates. The same sets
carry the sums of squares behind every sd, so the check covers sds too.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

Term = tuple[str, int, frozenset[str]]  # (stage, coefficient, score ids)
# Unions tried before giving up and treating the view as exposed (never reached in practice:
# unions are of atoms under min_cell pupils whose sizes add up to under min_cell).
MAX_UNIONS = 200_000
TOLERANCE = 1e-9


@dataclass(frozen=True)
class Exposure:
    """Scores of fewer than min_cell pupils at one stage that the shown sums reveal."""

    stage: str
    score_ids: frozenset[str]
    rows: frozenset[int]  # the shown sums a reader would combine (one least-squares combination)


def _atoms(rows: Sequence[Sequence[Term]]) -> tuple[list[tuple[str, frozenset[str]]], np.ndarray]:
    """Atoms (stage, score ids) and the rows x atoms coefficient matrix."""
    signature: dict[str, list[tuple[int, int]]] = defaultdict(list)
    stage_of: dict[str, str] = {}
    for index, row in enumerate(rows):
        for stage, coefficient, ids in row:
            for score in ids:
                signature[score].append((index, coefficient))
                stage_of[score] = stage
    members: dict[tuple, set[str]] = defaultdict(set)
    for score, sig in signature.items():
        members[(stage_of[score], tuple(sig))].add(score)
    atoms = [(stage, frozenset(ids)) for (stage, _), ids in members.items()]
    matrix = np.zeros((len(rows), len(atoms)))
    for column, ((_, sig), _) in enumerate(members.items()):
        for index, coefficient in sig:
            matrix[index, column] = coefficient
    return atoms, matrix


def _null_space(matrix: np.ndarray) -> np.ndarray:
    """Columns spanning {z : matrix @ z = 0}."""
    if matrix.size == 0:
        return np.eye(matrix.shape[1])
    _, singular, vt = np.linalg.svd(matrix)
    rank = int((singular > TOLERANCE * max(1.0, singular[0])).sum())
    return vt[rank:].T


def _small_unions(candidates: list[int], sizes: list[int], limit: int) -> Iterable[tuple[int, ...]]:
    """Non-empty sets of candidate atoms whose sizes add up to under `limit` (smallest first)."""
    stack: list[tuple[tuple[int, ...], int, int]] = [((), 0, 0)]
    produced = 0
    while stack:
        chosen, total, start = stack.pop()
        for position in range(start, len(candidates)):
            atom = candidates[position]
            if total + sizes[atom] >= limit:
                continue
            union = (*chosen, atom)
            produced += 1
            if produced > MAX_UNIONS:
                raise OverflowError("too many candidate unions")
            yield union
            stack.append((union, total + sizes[atom], position + 1))


def exposures(rows: Sequence[Sequence[Term]], min_cell: int) -> list[Exposure]:
    """Every smallest revealed set of under min_cell pupils' scores at one stage (empty: safe)."""
    if not rows:
        return []
    atoms, matrix = _atoms(rows)
    null = _null_space(matrix)
    sizes = [len(ids) for _, ids in atoms]
    by_stage: dict[str, list[int]] = defaultdict(list)
    for index, (stage, ids) in enumerate(atoms):
        if len(ids) < min_cell:
            by_stage[stage].append(index)
    found: list[Exposure] = []
    for stage, candidates in by_stage.items():
        revealed: list[frozenset[int]] = []
        try:
            for union in _small_unions(candidates, sizes, min_cell):
                members = frozenset(union)
                if any(smaller <= members for smaller in revealed):
                    continue
                if np.all(np.abs(null[list(union)].sum(axis=0)) <= 1e-7):
                    revealed.append(members)
        except OverflowError:
            revealed = [frozenset(candidates)]
        for members in revealed:
            found.append(Exposure(stage, frozenset().union(*(atoms[i][1] for i in members)),
                                  _combining_rows(matrix, members)))
    return found


def _combining_rows(matrix: np.ndarray, members: frozenset[int]) -> frozenset[int]:
    target = np.zeros(matrix.shape[1])
    target[list(members)] = 1.0
    weights = np.linalg.lstsq(matrix.T, target, rcond=None)[0]
    return frozenset(int(i) for i in np.flatnonzero(np.abs(weights) > 1e-9))


def cells_to_hide(shown: Mapping[str, Sequence[Term]], earlier: Sequence[Sequence[Term]], min_cell: int,
                  sizes: Mapping[str, int]) -> list[str]:
    """Cells (of `shown`) to withhold, one per exposure found: the smallest of those a reader would combine.

    `earlier` are sums already published and so beyond recall. Call again after hiding these
    (and whatever they force): hiding one cell can leave another combination open.
    """
    ids = list(shown)
    first = len(earlier)
    found = exposures([*earlier, *(shown[cell] for cell in ids)], min_cell)
    hide: list[str] = []
    for exposure in found:
        touching = [ids[row - first] for row in exposure.rows if row >= first]
        if not touching:
            # Revealed by earlier views alone: nothing now can undo it, but nothing new adds to it.
            continue
        # Smallest first; among equals the one with most terms (a gain before the stage it is built on).
        hide.append(min(touching, key=lambda cell: (sizes.get(cell, 0), -len(shown[cell]), cell)))
    return sorted(set(hide))
