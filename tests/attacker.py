"""An attacker who knows every respondent's segments and solves the published sums exactly.

Written apart from ``ism_advisor.protect.disclosure`` (respondent-level vectors, dense rational
elimination, brute force over subsets) to judge it. Given the survey as a DataFrame (the
segment columns, ``user`` as bool, one column per factor with NaN for no answer) and the
advice document, :func:`attack` lists every group it can isolate:

* a set of 1 to k−1 users (or non-users) whose count follows from the shown segments;
* a set of 1 to k−1 users (or non-users) who answered a factor, whose count and sums
  (n, n × mean, sum of squares) follow from the shown comparisons of that factor;
* a region (segment figures added and subtracted) with respondents but no users, or no
  non-users, among them;
* the answers of a segment hidden to protect others (it has at least k users and k
  non-users, yet it is hidden): neither group's answers to a factor may follow from the
  shown comparisons (a cell protected in one table is protected in every table).

:func:`intervals` goes beyond sums: it bounds each pattern's number of users between 0
and its size and by whatever else the document says about hidden segments, and solves
linear programs for the least and the most users each pattern can have.
* a set of 1 to k−1 users (or non-users) whose count follows from the shown segments
  and the driver models' respondents together (``driver_model.n``, and through the R²,
  the users among them: the attacker is granted both).
"""

from __future__ import annotations

import math
import operator
from fractions import Fraction

import numpy as np
import pandas as pd
from scipy.optimize import linprog


class Span:
    """The span of 0/1 vectors over respondents, in reduced row echelon form.

    Rows are sparse (column → Fraction), each with a pivot column where it is 1 and every
    other row is 0.
    """

    def __init__(self, vectors: list[np.ndarray]) -> None:
        self.rows: dict[int, dict[int, Fraction]] = {}
        for vector in vectors:
            self.add({int(i): Fraction(1) for i in np.flatnonzero(vector)})

    def reduce(self, vector: dict[int, Fraction]) -> dict[int, Fraction]:
        """``vector`` minus its part in the span: empty exactly when it lies in the span.
        (Linear: the remainder of a sum is the sum of the remainders.)"""
        out = dict(vector)
        for pivot in [c for c in vector if c in self.rows]:
            factor = out.get(pivot)
            if not factor:
                continue
            for column, value in self.rows[pivot].items():
                out[column] = out.get(column, 0) - factor * value
        return {c: v for c, v in out.items() if v}

    def add(self, vector: dict[int, Fraction]) -> None:
        vector = self.reduce(vector)
        if not vector:
            return
        pivot = min(vector)
        scale = vector[pivot]
        vector = {c: v / scale for c, v in vector.items()}
        for row in self.rows.values():
            factor = row.get(pivot)
            if factor:
                for column, value in vector.items():
                    row[column] = row.get(column, 0) - factor * value
                for column in [c for c, v in row.items() if not v]:
                    del row[column]
        self.rows[pivot] = vector

    def contains(self, vector) -> bool:
        return not self.reduce({int(i): Fraction(1) for i in np.flatnonzero(vector)})


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


def keys_of(cells: list[np.ndarray], n: int, atoms: list[list[int]]) -> list[tuple[int, ...]]:
    """Per atom, what is left of its indicator vector once its part in the span of the
    cells is taken away (scaled by one common denominator, so in integers).

    That remainder is linear, so a union of atoms follows from the cells exactly when its
    atoms' remainders add up to zero: one exact elimination, then only additions.
    """
    span = Span([c.astype(int) for c in cells])
    rests = [span.reduce(dict.fromkeys(atom, Fraction(1))) for atom in atoms]
    columns = sorted({c for rest in rests for c in rest})
    scale = math.lcm(1, *(v.denominator for rest in rests for v in rest.values()))
    out = []
    for rest in rests:
        out.append(tuple(int(rest.get(c, 0) * scale) for c in columns))
    return out


def useful(keys: list[tuple[int, ...]]) -> list[int]:
    """The atoms that can be part of a union whose keys add up to zero.

    Where every key is zero or of one sign in some coordinate, an atom nonzero there
    would leave that coordinate nonzero: it is left out, until nothing more goes.
    """
    keep = list(range(len(keys)))
    while True:
        dropped = set()
        for column in range(len(keys[0]) if keys else 0):
            values = [keys[i][column] for i in keep if keys[i][column]]
            if values and (min(values) > 0 or max(values) < 0):
                dropped.update(i for i in keep if keys[i][column])
        if not dropped:
            return keep
        keep = [i for i in keep if i not in dropped]


def _add(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(map(operator.add, a, b))


def small_sets(cells: list[np.ndarray], people: np.ndarray, k: int) -> list[list[int]]:
    """Sets of 1..k−1 of ``people`` whose indicator lies in the span of ``cells``: one
    example for each size that occurs (none when no such set exists).

    Every union of atoms of fewer than k members is reached by adding atoms one at a time;
    two unions of the same size and key extend alike, so one of them is kept (exact, and
    far fewer states than subsets).
    """
    atoms = [a for a in atoms_of(cells, people) if len(a) < k]
    keys = keys_of(cells, len(people), atoms)
    zero = (0,) * len(keys[0]) if keys else ()
    keep = useful(keys)
    atoms, keys = [atoms[i] for i in keep], [keys[i] for i in keep]
    states: dict[tuple[int, tuple], list[int]] = {(0, zero): []}
    for atom, key in zip(atoms, keys, strict=True):
        for (size, total), chosen in list(states.items()):
            grown = (size + len(atom), _add(total, key))
            if grown[0] < k and grown not in states:
                states[grown] = [*chosen, *atom]
    return [
        sorted(m)
        for (size, total), m in sorted(states.items(), key=lambda s: s[0][0])
        if size and not any(total)
    ]


def regions_without(
    cells: list[np.ndarray], present: np.ndarray, group: np.ndarray
) -> list[list[int]]:
    """Regions that follow from ``cells``, have respondents, and have none of ``group``
    (one example, or none).

    A cell publishes its users and its non-users separately, so the same combination of
    cells tells how many of each a region has.
    """
    atoms = [a for a in atoms_of(cells, present) if not group[a].any()]
    keys = keys_of(cells, len(present), atoms)
    zero = (0,) * len(keys[0]) if keys else ()
    keep = useful(keys)
    atoms, keys = [atoms[i] for i in keep], [keys[i] for i in keep]
    states: dict[tuple, list[int]] = {zero: []}
    for atom, key in zip(atoms, keys, strict=True):
        if not any(key):
            return [sorted(atom)]
        for total, chosen in list(states.items()):
            grown = _add(total, key)
            if not any(grown):
                return [sorted([*chosen, *atom])]
            states.setdefault(grown, [*chosen, *atom])
    return []


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
    hidden = [s for s in document["segments"] if s["suppressed"]]
    protecting = []  # hidden, yet both groups are large: hidden to protect others
    for segment in hidden:
        mask = members(frame, segment["where"])
        if (mask & user).sum() >= k and (mask & ~user).sum() >= k:
            protecting.append((segment, mask))
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
            span = Span([c & group for c in cells_f])
            everyone = group & answered
            for segment, mask in protecting:
                target = mask & everyone
                if target.any() and (target != everyone).any() and span.contains(target):
                    found.append(f"{factor}: answers of the {name} of hidden {segment['where']}")
    # the driver models' respondents: the JSON's ``driver_model.n`` says which they are
    # (every respondent of the segment, or those with a score on every factor), and
    # through the R², how many of them are users (the attacker is granted both)
    complete = frame[list(factors)].notna().all(axis=1).to_numpy()
    cells_m = []
    for segment, mask in zip(shown, inside, strict=True):
        n = (segment.get("driver_model") or {}).get("n")
        if n is None:
            continue
        if n == mask.sum():
            cells_m.append(mask)
        elif n == (mask & complete).sum():
            cells_m.append(mask & complete)
        else:
            raise AssertionError(f"a model of {n} respondents in {segment['where']}")
    if cells_m:
        cells = [*inside, *cells_m]
        for name, group in (("users", user), ("non-users", ~user)):
            for subset in small_sets([c & group for c in cells], group, k):
                found.append(f"model's respondents: {name} {subset}")
            for region in regions_without(cells, present, group):
                found.append(f"model's respondents: {name}: none in {region}")
    return found


def intervals(
    frame: pd.DataFrame, document: dict, k: int, factors=(), scale=(1.0, 5.0)
) -> list[str]:
    """Patterns whose number of users, or whose users' (non-users') sum of answers to one
    of ``factors``, is pinned by the published figures and the bounds a reader knows,
    where that reveals something about a group below k or everyone's usage.

    A pattern is a set of respondents with the same segments (shown or hidden). Its
    number of users lies between 0 and its size; a hidden segment whose reason says it was
    hidden to protect others (``"overlap"``) has at least k users and k non-users. The
    least and the most users a pattern can have (linear programs; integers, so the bounds
    are rounded inwards) pin it when they meet: a disclosure when the pinned number or
    its complement is between 1 and k−1, or is 0 (all users, or all non-users). The sum
    of n answers lies between n × the scale's ends; pinned for fewer than k people, it
    gives their answers away (all at one end), unless they are in a shown group whose mean
    is at that end: that group's figures say so already (k or more people who all gave the
    same answer; the guarantee is about groups, not about what a group has in common).
    """
    found = _pinned_counts(frame, document, k)
    for factor in factors:
        for name, is_user in (("users", True), ("non-users", False)):
            found += _pinned_sums(frame, document, k, factor, name, is_user, scale)
    return found


def _patterns(frame: pd.DataFrame, segments: list[dict], people: np.ndarray) -> dict:
    inside = [members(frame, s["where"]) for s in segments]
    patterns: dict[tuple, list[int]] = {}
    for i in np.flatnonzero(people):
        patterns.setdefault(tuple(bool(m[i]) for m in inside), []).append(int(i))
    return patterns


def _extremes(objective_count, a, upper_rows, upper_values, equal_rows, equal_values, bounds):
    extremes = []
    for sign in (1, -1):
        objective = np.zeros(objective_count)
        objective[a] = sign
        result = linprog(
            objective,
            A_ub=np.array(upper_rows) if upper_rows else None,
            b_ub=np.array(upper_values) if upper_rows else None,
            A_eq=np.array(equal_rows),
            b_eq=np.array(equal_values, dtype=float),
            bounds=bounds,
            method="highs",
        )
        if result.status != 0:
            raise AssertionError(f"the published figures admit no solution: {result.message}")
        extremes.append(sign * result.fun)
    return extremes


def _pinned_sums(frame, document, k, factor, name, is_user, scale) -> list[str]:
    frame = frame.reset_index(drop=True)
    user = frame["user"].to_numpy(dtype=bool)
    people = (user == is_user) & frame[factor].notna().to_numpy()
    segments = document["segments"]
    patterns = _patterns(frame, segments, people)
    keys = list(patterns)
    n = np.array([len(patterns[p]) for p in keys], dtype=float)
    prefix = "users" if is_user else "non_users"
    equal_rows, equal_values = [], []
    published = np.zeros(len(keys), dtype=bool)  # in a shown group with all answers at one end
    for j, segment in enumerate(segments):
        if segment["suppressed"]:
            continue
        c = next(c for c in segment["comparisons"] if c["factor"] == factor)
        if c["suppressed"] or not c[f"{prefix}_n"]:
            continue
        equal_rows.append(np.array([float(p[j]) for p in keys]))
        equal_values.append(c[f"{prefix}_n"] * c[f"{prefix}_mean"])
        if min(abs(c[f"{prefix}_mean"] - end) for end in scale) < 1e-9:
            published |= equal_rows[-1] > 0
    if not equal_rows:
        return []
    bounds = [(scale[0] * size, scale[1] * size) for size in n]
    found = []
    scores = frame[factor].to_numpy(dtype=float)
    for a, key in enumerate(keys):
        if n[a] >= k or published[a]:
            continue
        low, high = _extremes(len(keys), a, [], [], equal_rows, equal_values, bounds)
        if high - low < 1e-6:
            truth = scores[patterns[key]].sum()
            if abs(truth - low) > 1e-6:
                raise AssertionError(f"pinned {low} for {patterns[key]}, truly {truth}")
            found.append(f"{factor}: answers of {name} {patterns[key]} pinned at {low:g}")
    return found


def _pinned_counts(frame: pd.DataFrame, document: dict, k: int) -> list[str]:
    frame = frame.reset_index(drop=True)
    user = frame["user"].to_numpy(dtype=bool)
    segments = document["segments"]
    patterns = _patterns(frame, segments, np.ones(len(frame), dtype=bool))
    keys = list(patterns)
    size = np.array([len(patterns[p]) for p in keys], dtype=float)
    equal_rows, equal_values, upper_rows, upper_values = [], [], [], []
    for j, segment in enumerate(segments):
        row = np.array([float(p[j]) for p in keys])
        if not segment["suppressed"]:
            equal_rows.append(row)
            equal_values.append(segment["users"])
        elif segment["suppressed_reason"] == "overlap":
            upper_rows.append(-row)  # users >= k
            upper_values.append(-k)
            upper_rows.append(row)  # non-users >= k: users <= size - k
            upper_values.append(row @ size - k)
    found = []
    bounds = [(0, s) for s in size]
    for a, key in enumerate(keys):
        people = patterns[key]
        extremes = _extremes(
            len(keys), a, upper_rows, upper_values, equal_rows, equal_values, bounds
        )
        low, high = int(np.ceil(extremes[0] - 1e-7)), int(np.floor(extremes[1] + 1e-7))
        if low != high:
            continue
        truth = int(user[people].sum())
        if truth != low:
            raise AssertionError(f"pinned {low} users in {people}, truly {truth}")
        rest = len(people) - low
        if low == 0 or rest == 0 or low < k or rest < k:
            what = "usage of everyone" if low in (0, len(people)) else "a small group's count"
            found.append(f"{what} in {people}: {low} users of {len(people)}")
    return found
