"""The correlations between the factors and the indirect routes factor → via → use."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..tests import correlation_p, fisher_ci
from .blocks import standardise
from .columns import CORRELATION_COLUMNS, ROUTE_COLUMNS, ROUTE_MIN_R

# -- correlations and routes -----------------------------------------------------------------


def correlation_table(block, offset, names, confidence) -> pd.DataFrame:
    k = len(names)
    count = len(block.local)
    a, b = np.triu_indices(k, 1)
    n = np.repeat(block.sizes.astype(float), len(a))
    r = block.corr[:, a, b].reshape(-1)
    ranks = np.column_stack([_segment_ranks(block.x[:, j], block.starts) for j in range(k)])
    rank_corr = standardise(ranks, block.starts, design=False)[3]
    rho = rank_corr[:, a, b].reshape(-1)
    low, high = fisher_ci(r, n, confidence)
    return pd.DataFrame(
        {
            "segment": np.repeat(block.local + offset, len(a)).astype(np.int64),
            "factor_a": np.tile(names[a], count),
            "factor_b": np.tile(names[b], count),
            "n": n.astype(np.int64),
            "r": r,
            "r_ci_low": low,
            "r_ci_high": high,
            "p": correlation_p(r, n),
            "spearman_rho": rho,
            "spearman_p": correlation_p(rho, n),
        },
        columns=list(CORRELATION_COLUMNS),
    )


def _segment_ranks(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Ranks within each segment (rows grouped by segment), ties sharing the mean rank.

    As in :mod:`ism_advisor.stats.compare`: the distinct values are hashed and sorted once, and
    a value's rank is the count of smaller values in its segment plus (ties + 1) / 2.
    """
    count = len(starts) - 1
    seg = np.repeat(np.arange(count), np.diff(starts))
    codes, distinct = pd.factorize(values, sort=False)
    width = max(len(distinct), 1)
    level = np.empty(len(distinct), dtype=np.int64)
    level[np.argsort(distinct, kind="stable")] = np.arange(len(distinct))
    key = seg * width + level[codes]
    if count * width <= 4 * len(values) + 1024:
        ties = np.bincount(key, minlength=count * width)
        grid = ties.reshape(count, width)
        before = (np.cumsum(grid, axis=1) - grid).reshape(-1)
        return before[key] + (ties[key] + 1) / 2.0
    cells, cell, ties = np.unique(key, return_inverse=True, return_counts=True)
    cell_seg = cells // width
    running = np.cumsum(ties) - ties
    before = running - running[np.searchsorted(cell_seg, cell_seg, side="left")]
    return (before + (ties + 1) / 2.0)[cell]


def route_table(block, figures, offset, names, confidence, alpha) -> pd.DataFrame:
    """Indirect routes factor → via → use in every fitted segment (see DriverAnalysis)."""
    k = len(names)
    count = len(block.local)
    if not count:
        return pd.DataFrame({c: [] for c in ROUTE_COLUMNS})
    seg = block.row_segment
    size = block.sizes.astype(float)
    # each factor's point-biserial correlation with use (z has mean 0 and SD 1)
    rate = np.bincount(seg, weights=block.y, minlength=count) / size
    sd_y = np.sqrt(rate * (1 - rate) * size / (size - 1))
    use_r = (
        np.column_stack(
            [np.bincount(seg, weights=block.z[:, j] * block.y, minlength=count) for j in range(k)]
        )
        / ((size - 1) * sd_y)[:, None]
    )
    use_p = correlation_p(use_r, size[:, None])
    local = block.local
    coef, p = figures["coef"][local], figures["p"][local]
    r_low, r_high = fisher_ci(block.corr, size[:, None, None], confidence)
    s, a, b = np.nonzero(np.ones((count, k, k), dtype=bool))
    r = block.corr[s, a, b]
    direction = np.sign(r) * np.sign(coef[s, b])
    ok = (
        (a != b)
        & (p[s, b] < alpha)
        & (np.abs(r) >= ROUTE_MIN_R)
        & ((r_low[s, a, b] > 0) | (r_high[s, a, b] < 0))
        & (use_p[s, a] < alpha)
        & (np.sign(use_r[s, a]) == direction)
    )
    s, a, b, direction = s[ok], a[ok], b[ok], direction[ok]
    figure = {c: figures[c][local] for c in ("odds_ratio", "ci_low", "ci_high")}
    return pd.DataFrame(
        {
            "segment": (local[s] + offset).astype(np.int64),
            "factor": names[a],
            "via": names[b],
            "route": np.where(p[s, a] < alpha, "direct_and_indirect", "indirect").astype(object),
            "direction": direction.astype(np.int64),
            "r": block.corr[s, a, b],
            "r_ci_low": r_low[s, a, b],
            "r_ci_high": r_high[s, a, b],
            "use_r": use_r[s, a],
            "use_p": use_p[s, a],
            "via_odds_ratio": figure["odds_ratio"][s, b],
            "via_ci_low": figure["ci_low"][s, b],
            "via_ci_high": figure["ci_high"][s, b],
            "via_p": p[s, b],
            "factor_odds_ratio": figure["odds_ratio"][s, a],
            "factor_p": p[s, a],
        },
        columns=list(ROUTE_COLUMNS),
    )
