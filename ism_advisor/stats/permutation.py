"""The permutation Welch test: Welch's |t| against its distribution over relabellings of the
respondents, for all segments of all factors at once (:func:`permutation_welch`).

:func:`ism_advisor.stats.compare.compare_groups` uses its p where a group is smaller than
:data:`ism_advisor.core.vocabulary.PERMUTATION_BELOW`.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations
from math import comb
from typing import NamedTuple

import numpy as np

from ..core.vocabulary import PERMUTATIONS

__all__ = ["PERMUTATIONS", "Sample", "permutation_welch", "relabellings"]

#: comparisons whose relabellings are computed in one matrix product
_BATCH = 1_024


_SEED = 27  # mixed with the group sizes: see permutation_welch


class Sample(NamedTuple):
    """One factor's scores for :func:`permutation_welch`: per respondent its segment
    (``seg``), score (``v``) and group (``in_x``); per segment the group sizes and whether
    to test it (``chosen``)."""

    seg: np.ndarray
    v: np.ndarray
    in_x: np.ndarray
    n_x: np.ndarray
    n_y: np.ndarray
    chosen: np.ndarray


def permutation_welch(samples: Sequence[Sample]) -> list[np.ndarray]:
    """Per sample, the two-sided permutation p-values of Welch's t for its ``chosen``
    segments (NaN for the others), vectorised over segments and samples.

    The statistic is |t| of Welch's test; its null distribution comes from relabelling the
    respondents of a segment: every split into groups of ``n_x`` and ``n_y`` when there are
    at most :data:`PERMUTATIONS` of them (an exact p, the observed split counted), otherwise
    :data:`PERMUTATIONS` random splits and p = (1 + at least as extreme) / (1 +
    PERMUTATIONS), as ``scipy.stats.permutation_test`` computes it (one-sided on |t|, with
    its relative tolerance for ties). The random splits are drawn from
    ``numpy.random.default_rng([27, smaller, larger])`` (group sizes; |t| is the same
    whichever group is called x): the same group sizes get the same splits,
    whatever else is in the file, so that the same input gives the same p. Respondents keep
    the file's order within their segment. Segments with the same group sizes, of every
    sample, are computed together, as matrix products of their (centred) scores with the
    splits' indicators.

    Examples
    --------
    >>> seg = np.zeros(8, dtype=np.int64)
    >>> v = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 9.0])
    >>> in_x = np.array([0, 0, 0, 0, 1, 1, 1, 1], dtype=bool)
    >>> four, yes = np.array([4.0]), np.array([True])
    >>> permutation_welch([Sample(seg, v, in_x, four, four, yes)])
    [array([0.02857143])]
    """
    outs = [np.full(len(sample.n_x), np.nan) for sample in samples]
    work: dict[tuple[int, int], list[tuple[int, np.ndarray, np.ndarray, bool]]] = {}
    sorted_samples = []
    for number, sample in enumerate(samples):
        wanted = sample.chosen & (sample.n_x >= 2) & (sample.n_y >= 2)
        if not wanted.any():
            sorted_samples.append(None)
            continue
        order = np.argsort(sample.seg, kind="stable")
        seg = sample.seg[order]
        start = np.searchsorted(seg, np.arange(len(sample.n_x)))
        sorted_samples.append((sample.v[order], sample.in_x[order]))
        rows = np.flatnonzero(wanted)
        sizes = np.stack([sample.n_x[rows], sample.n_y[rows]], axis=1).astype(np.int64)
        keys, inverse = np.unique(sizes, axis=0, return_inverse=True)
        for k, (size_x, size_y) in enumerate(keys.tolist()):
            mine = rows[inverse.reshape(-1) == k]
            # |t| is the same whichever group is x: the smaller one is, so that both
            # orientations (higher-is-better and higher-is-worse factors) share the splits
            flip = size_x > size_y
            pair = (size_y, size_x) if flip else (size_x, size_y)
            work.setdefault(pair, []).append((number, mine, start[mine], flip))
    for (size_x, size_y), parts in sorted(work.items()):
        n = size_x + size_y
        splits, exact = relabellings(size_x, size_y)
        added = 0.0 if exact else 1.0  # a random set: the observed split counts too
        # every sample's segments of these sizes, as rows of one matrix
        values = np.concatenate(
            [
                sorted_samples[number][0][starts[:, None] + np.arange(n)]
                for number, _, starts, _ in parts
            ]
        )
        labels = np.concatenate(
            [
                sorted_samples[number][1][starts[:, None] + np.arange(n)] != flip
                for number, _, starts, flip in parts
            ]
        ).astype(float)
        values -= values.mean(axis=1, keepdims=True)
        p = np.empty(len(values))
        for batch in range(0, len(values), _BATCH):
            part = slice(batch, batch + _BATCH)
            observed = _welch_abs_t(values[part], labels[part], size_x, size_y, each=True)
            null = _welch_abs_t(values[part], splits, size_x, size_y)
            # scipy's tolerance for ties; an infinite |t| (both groups without variance) is
            # matched by the splits that give it too
            gamma = np.abs(np.finfo(float).eps * 100 * observed)
            with np.errstate(invalid="ignore"):
                bound = np.where(np.isinf(observed), observed, observed - gamma)
                extreme = (null >= bound[:, None]).sum(axis=1)
            p[part] = np.where(
                np.isnan(observed), np.nan, (extreme + added) / (len(splits) + added)
            )
        done = 0
        for number, rows, _, _ in parts:
            outs[number][rows] = p[done : done + len(rows)]
            done += len(rows)
    return outs


def relabellings(size_x: int, size_y: int) -> tuple[np.ndarray, bool]:
    """The x-indicators (splits × respondents) of the relabellings: all of them if there
    are at most :data:`PERMUTATIONS`, otherwise that many seeded random ones (x: the
    ``size_x`` smallest of uniform random keys)."""
    n = size_x + size_y
    if comb(n, size_x) <= PERMUTATIONS:
        splits = np.zeros((comb(n, size_x), n))
        for row, members in enumerate(combinations(range(n), size_x)):
            splits[row, list(members)] = 1.0
        return splits, True
    rng = np.random.default_rng([_SEED, size_x, size_y])
    keys = rng.random((PERMUTATIONS, n))
    kth = np.partition(keys, size_x - 1, axis=1)[:, size_x - 1 : size_x]
    return (keys <= kth).astype(float), False


def _welch_abs_t(
    values: np.ndarray, labels: np.ndarray, size_x: int, size_y: int, *, each: bool = False
) -> np.ndarray:
    """|Welch's t| of each row of ``values`` (centred scores) under each split of
    ``labels`` (splits × respondents: rows × splits), or, with ``each``, under its own row
    of ``labels`` (one figure per row)."""
    total = values.sum(axis=1, keepdims=True)
    squares = (values**2).sum(axis=1, keepdims=True)
    if each:
        sum_x = (values * labels).sum(axis=1, keepdims=True)
        sq_x = (values**2 * labels).sum(axis=1, keepdims=True)
    else:  # one pass over the splits for both sums
        sum_x, sq_x = np.split(np.concatenate([values, values**2]) @ labels.T, 2)
    mean_x = sum_x / size_x
    mean_y = (total - sum_x) / size_y
    with np.errstate(invalid="ignore", divide="ignore"):
        var_x = np.maximum(sq_x - size_x * mean_x**2, 0.0) / (size_x - 1)
        var_y = np.maximum(squares - sq_x - size_y * mean_y**2, 0.0) / (size_y - 1)
        t = np.abs(mean_x - mean_y) / np.sqrt(var_x / size_x + var_y / size_y)
    return t[:, 0] if each else t
