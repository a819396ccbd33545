"""An attacker who knows every respondent's segments and solves the published sums exactly.

Written apart from ``ism_advisor.disclosure`` (respondent-level vectors, dense rational
elimination, brute force over subsets) to judge it. Given the survey as a DataFrame (the
segment columns, ``user`` as bool, one column per factor with NaN for no answer) and the
advice document, :func:`attack` lists every group it can isolate:

* a set of 1 to k−1 users (or non-users) whose count follows from the shown segments;
* a set of 1 to k−1 users (or non-users) who answered a factor, whose count and sums
  (n, n × mean, sum of squares) follow from the shown comparisons of that factor;
* a region (segment figures added and subtracted) with respondents but no users, or no
  non-users, among them;
* a set of 1 to k−1 users (or non-users) with a score for every factor, whose count
  follows from the driver models' complete cases (``driver_model.n``, and through the
  R², the users among them: the attacker is granted both).
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pandas as pd


class Span:
    """The span of 0/1 vectors over respondents, in reduced row echelon form."""

    def __init__(self, vectors: list[np.ndarray]) -> None:
        self.rows: list[tuple[int, list[Fraction]]] = []
        for vector in vectors:
            self.add([Fraction(int(v)) for v in vector])

    def reduce(self, vector: list[Fraction]) -> list[Fraction]:
        vector = list(vector)
        for pivot, row in self.rows:
            if vector[pivot]:
                factor = vector[pivot]
                vector = [a - factor * b for a, b in zip(vector, row, strict=True)]
        return vector

    def add(self, vector: list[Fraction]) -> None:
        vector = self.reduce(vector)
        pivot = next((i for i, v in enumerate(vector) if v), None)
        if pivot is None:
            return
        vector = [v / vector[pivot] for v in vector]
        self.rows = [
            (p, [a - row[pivot] * b for a, b in zip(row, vector, strict=True)])
            for p, row in self.rows
        ]
        self.rows.append((pivot, vector))

    def contains(self, vector) -> bool:
        return not any(self.reduce([Fraction(int(v)) for v in vector]))


def members(frame: pd.DataFrame, where: dict) -> np.ndarray:
    mask = np.ones(len(frame), dtype=bool)
    for column, value in where.items():
        mask &= (frame[column] == value).to_numpy()
    return mask


def atoms_of(cells: list[np.ndarray], people: np.ndarray) -> list[list[int]]:
    """``people`` grouped by the cells they are in. Two people in the same cells differ by
    a vector orthogonal to every cell, so a set that follows from the cells holds both or
    neither: only unions of these groups need trying."""
    groups: dict[tuple, list[int]] = {}
    for i in np.flatnonzero(people):
        groups.setdefault(tuple(bool(c[i]) for c in cells), []).append(int(i))
    return list(groups.values())


def small_sets(cells: list[np.ndarray], people: np.ndarray, k: int) -> list[list[int]]:
    """Every set of 1..k−1 of ``people`` whose indicator lies in the span of ``cells``."""
    span = Span([c.astype(int) for c in cells])
    atoms = [a for a in atoms_of(cells, people) if len(a) < k]
    found = []
    for size in range(1, k):
        for chosen in itertools.combinations(atoms, size):
            members = [i for atom in chosen for i in atom]
            if len(members) >= k:
                continue
            vector = np.zeros(len(people), dtype=int)
            vector[members] = 1
            if span.contains(vector):
                found.append(members)
    return found


def regions_without(
    cells: list[np.ndarray], present: np.ndarray, group: np.ndarray
) -> list[list[int]]:
    """Regions that follow from ``cells``, have respondents, and have none of ``group``.

    A cell publishes its users and its non-users separately, so the same combination of
    cells tells how many of each a region has.
    """
    span = Span([c.astype(int) for c in cells])
    atoms = [a for a in atoms_of(cells, present) if not group[a].any()]
    found = []
    for size in range(1, len(atoms) + 1):
        for chosen in itertools.combinations(atoms, size):
            members = [i for atom in chosen for i in atom]
            vector = np.zeros(len(present), dtype=int)
            vector[members] = 1
            if span.contains(vector):
                found.append(members)
    return found


def attack(frame: pd.DataFrame, document: dict, factors, k: int) -> list[str]:
    """Every group the attacker isolates, described; empty when the outputs are safe."""
    frame = frame.reset_index(drop=True)
    n = len(frame)
    user = frame["user"].to_numpy(dtype=bool)
    found = []
    shown = [s for s in document["segments"] if not s["suppressed"]]
    inside = [members(frame, s["where"]) for s in shown]
    # counts
    for name, group in (("users", user), ("non-users", ~user)):
        for subset in small_sets([m & group for m in inside], group, k):
            found.append(f"count of {name} {subset}")
    present = np.ones(n, dtype=bool)
    for name, group in (("users", user), ("non-users", ~user)):
        for region in regions_without(inside, present, group):
            found.append(f"region without {name} {region}")
    # answers, factor by factor
    for factor in factors:
        answered = frame[factor].notna().to_numpy()
        cells_f = []
        for segment, mask in zip(shown, inside, strict=True):
            comparison = next(c for c in segment["comparisons"] if c["factor"] == factor)
            if not comparison["suppressed"]:
                cells_f.append(mask & answered)
        for name, group in (("users", user), ("non-users", ~user)):
            for subset in small_sets([c & group for c in cells_f], group & answered, k):
                found.append(f"{factor}: answers of {name} {subset}")
            for region in regions_without(cells_f, answered, group):
                found.append(f"{factor}: {name} answering: none in {region}")
    # the driver models' complete cases
    complete = frame[list(factors)].notna().all(axis=1).to_numpy()
    cells_m = [
        mask & complete
        for segment, mask in zip(shown, inside, strict=True)
        if (segment.get("driver_model") or {}).get("n") is not None
    ]
    if cells_m:
        for name, group in (("users", user), ("non-users", ~user)):
            for subset in small_sets([c & group for c in cells_m], group & complete, k):
                found.append(f"complete cases of {name} {subset}")
            for region in regions_without(cells_m, complete, group):
                found.append(f"complete cases: {name}: none in {region}")
    return found
