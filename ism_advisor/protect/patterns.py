"""Respondent patterns: the cells of every segmentation as sums of atoms (:class:`Model`),
the small-set checks and the bounds a figure can be pinned at (see
:mod:`ism_advisor.protect.disclosure`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..stats.compare import Comparison
from ..survey import Survey

# -- respondent patterns ------------------------------------------------------------------


@dataclass(frozen=True)
class Model:
    """Atoms (distinct combinations of segments) and the counts every check needs.

    ``coords[a, j]`` is atom ``a``'s segment (row number) in segmentation ``j``, or -1
    for a blank value; ``users[a]``/``non_users[a]`` count its respondents, and
    ``answered[g][a, f]`` those of group ``g`` (1: users, 0: non-users) who answered
    factor ``f``, ``lowest[g][a, f]`` and ``highest[g][a, f]`` those of them whose score is
    the scale's lowest or highest. ``spec_of[s]`` is segment ``s``'s segmentation (-1: all
    respondents).
    """

    coords: np.ndarray
    users: np.ndarray
    non_users: np.ndarray
    answered: tuple[np.ndarray, np.ndarray]
    lowest: tuple[np.ndarray, np.ndarray]
    highest: tuple[np.ndarray, np.ndarray]
    spec_of: np.ndarray
    segment_users: np.ndarray
    segment_non_users: np.ndarray
    factor_users: np.ndarray  # segments × factors
    factor_non_users: np.ndarray

    @classmethod
    def build(cls, survey: Survey, comparison: Comparison) -> Model:
        n = survey.respondents
        spec_of = np.full(len(comparison.segments), -1, dtype=np.int64)
        columns = list(comparison.codes)
        for j, column in enumerate(columns):
            spec_of[np.unique(column[column >= 0])] = j
        if len(columns) != len(comparison.segment_by) or (spec_of[1:] < 0).any():
            raise AssertionError("the segments do not match the segmentations")
        # one id per distinct combination of segments
        table = np.stack(columns, axis=1) + 1 if columns else np.zeros((n, 1), dtype=np.int64)
        coords, atom = unique_rows(table)
        coords = coords[:, : len(columns)] - 1
        count = len(coords)
        is_user = np.asarray(survey.is_user, dtype=bool)
        users = np.bincount(atom, weights=is_user, minlength=count).astype(np.int64)
        total = np.bincount(atom, minlength=count).astype(np.int64)
        scores = survey.scores[[f.id for f in comparison.factors]].to_numpy(dtype=float)
        key = atom * 2 + is_user

        def per_group(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            by = np.stack(
                [
                    np.bincount(key, weights=mask[:, f], minlength=2 * count)
                    for f in range(mask.shape[1])
                ],
                axis=1,
            ).astype(np.int64)
            return by[0::2], by[1::2]

        codebook = survey.codebook
        present = ~np.isnan(scores)
        answered = per_group(present)
        table = comparison.comparisons
        shape = (len(comparison.segments), len(comparison.factors))
        return cls(
            coords=coords,
            users=users,
            non_users=total - users,
            answered=answered,
            lowest=per_group(scores == codebook.scale_min),
            highest=per_group(scores == codebook.scale_max),
            spec_of=spec_of,
            segment_users=comparison.segments["users"].to_numpy(dtype=np.int64),
            segment_non_users=comparison.segments["non_users"].to_numpy(dtype=np.int64),
            factor_users=table["users_n"].to_numpy(dtype=float).reshape(shape).astype(np.int64),
            factor_non_users=table["non_users_n"]
            .to_numpy(dtype=float)
            .reshape(shape)
            .astype(np.int64),
        )

    def segment_sums(self, per_atom: np.ndarray) -> np.ndarray:
        """Per segment, the sum of ``per_atom`` over its atoms."""
        out = np.zeros(len(self.spec_of), dtype=per_atom.dtype)
        out[0] = per_atom.sum()
        for j in range(self.specs):
            rows = self.coords[:, j]
            keep = rows >= 0
            np.add.at(out, rows[keep], per_atom[keep])
        return out

    @property
    def specs(self) -> int:
        return self.coords.shape[1]


@dataclass(frozen=True)
class Check:
    """One kind of disclosure: atoms that exist for it and what including each costs.

    A set of atoms is disclosed if it is derivable and its cost (the atoms' counts of
    users, or of non-users) is below k.
    """

    atoms: np.ndarray  # indices into the model's atoms
    cost: np.ndarray


@dataclass(frozen=True)
class Bounds:
    """Where each atom's figure lies between the bounds every reader knows.

    An atom's number of users lies between 0 and its size; the sum of its answers between
    n × the scale's lowest and n × its highest. ``side`` is -1 where the figure is at its
    lower bound (no users; every answer the lowest), +1 at its upper bound (no non-users;
    every answer the highest), 0 in between. Such bounds can pin a figure that no
    combination of sums isolates (see "Bounds" in the module docstring).
    """

    atoms: np.ndarray  # indices into the model's atoms
    side: np.ndarray
    people: np.ndarray  # whose figure it is, per atom
    #: Counts: a pinned count always says that a group has no users or no non-users.
    #: Answers: pinned answers of k or more people are what a shown group whose answers
    #: all lie at one end of the scale says anyway (its mean and SD do).
    any_size: bool
    #: Answers: the small-set check of the same group (an index into the checks), run
    #: again with the pinned atoms' sums known.
    check: int = -1


def count_bounds(users: np.ndarray, non_users: np.ndarray) -> Bounds:
    atoms = np.flatnonzero(users + non_users > 0)
    side = np.where(users[atoms] == 0, -1, np.where(non_users[atoms] == 0, 1, 0))
    return Bounds(atoms, side, users[atoms] + non_users[atoms], True)


def scale_end_bounds(
    answered: np.ndarray, lowest: np.ndarray, highest: np.ndarray, check: int
) -> Bounds:
    atoms = np.flatnonzero(answered > 0)
    n = answered[atoms]
    side = np.where(lowest[atoms] == n, -1, np.where(highest[atoms] == n, 1, 0))
    return Bounds(atoms, side, n, False, check)


def signatures(model: Model, checks: Sequence[Check | Bounds]) -> np.ndarray:
    """A number per segment that is equal for segments with the same cells in ``checks``."""
    rng = np.random.default_rng(20151)  # fixed: the same input gives the same output
    out = np.zeros(len(model.spec_of), dtype=np.uint64)
    for check in checks:
        salt = rng.integers(1, 2**63, size=len(model.coords), dtype=np.uint64)
        for j in range(model.specs):
            rows = model.coords[check.atoms, j]
            keep = rows >= 0
            with np.errstate(over="ignore"):
                np.add.at(out, rows[keep], salt[check.atoms[keep]])
    return out


def small_set_checks(users: np.ndarray, non_users: np.ndarray) -> list[Check]:
    """The small-set checks of one kind of cell: of its users, then of its non-users.

    (Regions without users or without non-users are counts pinned at a bound: the
    caller's :func:`count_bounds`.)
    """
    return [Check(np.flatnonzero(counts > 0), counts[counts > 0]) for counts in (users, non_users)]


def unique_rows(table: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of a table of non-negative integers, and each row's index among
    them (in order of first appearance: hashing, not sorting)."""
    if table.shape[1] == 0:
        return np.zeros((1, 0), dtype=np.int64), np.zeros(len(table), dtype=np.int64)
    key = np.zeros(len(table), dtype=np.int64)
    for column in table.T:
        key, _ = pd.factorize(key * (int(column.max()) + 1) + column)
        key = key.astype(np.int64)
    first = np.zeros(int(key.max()) + 1 if len(key) else 0, dtype=np.int64)
    first[key[::-1]] = np.arange(len(key) - 1, -1, -1)
    return table[first], key
