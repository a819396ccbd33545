"""The change between waves of the people who answered both (a respondent key): the
``paired_changes`` and ``paired_adoption_change`` tables of
:func:`ism_advisor.stats.waves.compare_waves`."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..tests import (
    hedges_g_esci,
    mann_whitney_p,
    mcnemar_exact,
    newcombe_paired,
    t_interval,
    t_test,
    welch,
    wilcoxon,
)
from .independent import cell_moments, group_counts, pool_cells
from .tables import to_frame

Array = np.ndarray


# -- paired samples ------------------------------------------------------------------------


@dataclass(frozen=True)
class Pairs:
    """The respondents of one comparison: rows of the pairs and of those left out."""

    earlier: np.ndarray  # row numbers, in row order of the earlier wave
    later: np.ndarray  # the same respondents' rows in the later wave
    earlier_only: np.ndarray  # rows of the earlier wave without a later answer
    later_only: np.ndarray


def match_pairs(
    keys: Array, wave_code: Array, count_w: int, pairs: list[tuple[int, int]]
) -> list[Pairs]:
    """Per comparison: who answered both waves, and who answered only one of them.

    Pairs are kept in the row order of the earlier wave, so that a subset of the data (one
    segment alone) sums its figures in the same order as the whole.
    """
    known = keys >= 0
    size = int(keys.max()) + 1 if known.any() else 0
    position = np.full((count_w, size + 1), -1, dtype=np.int64)  # last column: no key
    position[wave_code[known], keys[known]] = np.flatnonzero(known)
    key = np.where(known, keys, size)
    matched = []
    for a, b in pairs:
        in_a = np.flatnonzero(wave_code == a)
        in_b = np.flatnonzero(wave_code == b)
        partner = position[b][key[in_a]]
        back = position[a][key[in_b]]
        matched.append(
            Pairs(
                earlier=in_a[partner >= 0],
                later=partner[partner >= 0],
                earlier_only=in_a[partner < 0],
                later_only=in_b[back < 0],
            )
        )
    return matched


def paired_changes(
    matched: list[Pairs],
    codes: np.ndarray,
    count: int,
    is_user: np.ndarray,
    values: list[np.ndarray],
    sign: np.ndarray,
) -> pd.DataFrame:
    """The ``paired_changes`` rows of one segmentation.

    A pair belongs to its segment and group in the earlier wave (a cohort).
    """
    factors = len(values)
    shape = (count, len(matched), factors)
    # per cohort (0 non-users, 1 users, 2 all): n; mean and SS of earlier, later, change
    n = np.empty((*shape, 3))
    means = np.empty((3, *shape, 3))
    ss = np.empty((3, *shape, 3))
    check = np.empty((*shape, 4))
    for c, pair in enumerate(matched):
        seg = codes[pair.earlier]
        cohort = is_user[pair.earlier]
        for f in range(factors):
            before, after = values[f][pair.earlier], values[f][pair.later]
            ok = (seg >= 0) & ~np.isnan(before) & ~np.isnan(after)
            s, u, x0, x1 = seg[ok], cohort[ok], before[ok], after[ok]
            d = x1 - x0
            key = s * 2 + u
            for i, x in enumerate((x0, x1, d)):
                cell_n, cell_mean, cell_ss = cell_moments(key, x, 2 * count)
                cell_n, cell_mean, cell_ss = (
                    a.reshape(count, 2) for a in (cell_n, cell_mean, cell_ss)
                )
                whole = pool_cells(
                    cell_n[:, 0], cell_mean[:, 0], cell_ss[:, 0],
                    cell_n[:, 1], cell_mean[:, 1], cell_ss[:, 1],
                )  # fmt: skip
                n[:, c, f] = np.column_stack([cell_n, whole[0]])
                means[i, :, c, f] = np.column_stack([cell_mean, whole[1]])
                ss[i, :, c, f] = np.column_stack([cell_ss, whole[2]])
            group_n = n[:, c, f]
            check[:, c, f, :2] = wilcoxon(key, d, 2 * count).reshape(count, 2)
            check[:, c, f, 2] = wilcoxon(s, d, count)
            check[:, c, f, 3] = mann_whitney_p(s, d, u, group_n[:, 1], group_n[:, 0], count)

    with np.errstate(invalid="ignore", divide="ignore"):
        var = ss / (n - 1)
    m0, m1, md = means
    v0, v1, vd = var
    with np.errstate(invalid="ignore", divide="ignore"):
        se = np.sqrt(vd / n)
    df = n - 1
    _, p = t_test(md, se, df)
    low, high = t_interval(md, se, df)
    g, g_low, g_high = hedges_g_esci(m1 - m0, n, v1, n, v0, paired=True)

    s = sign[None, None, :]
    gap0 = s * (m0[..., 1] - m0[..., 0])
    gap1 = s * (m1[..., 1] - m1[..., 0])
    gap_diff = s * (md[..., 1] - md[..., 0])
    gap_se, gap_df, _, gap_p = welch(gap_diff, n[..., 1], vd[..., 1], n[..., 0], vd[..., 0])
    gap_low, gap_high = t_interval(gap_diff, gap_se, gap_df)
    nan = np.full(gap0.shape, np.nan)
    zero = np.zeros(gap0.shape)

    def rows(groups: np.ndarray, gap: np.ndarray) -> np.ndarray:
        return np.concatenate([groups[..., [1, 0, 2]], gap[..., None]], axis=-1)

    users_n = group_counts(n[..., 1], zero, n[..., 1])
    non_users_n = group_counts(zero, n[..., 0], n[..., 0])
    block = {
        "from_mean": rows(m0, gap0),
        "to_mean": rows(m1, gap1),
        "from_n": rows(n, n[..., 2]),
        "to_n": rows(n, n[..., 2]),
        "difference": rows(md, gap_diff),
        "ci_low": rows(low, gap_low),
        "ci_high": rows(high, gap_high),
        "p": rows(p, gap_p),
        "improvement": rows(s[..., None] * md, -gap_diff),
        "se": rows(se, gap_se),
        "df": rows(df, gap_df),
        "hedges_g": rows(g, nan),
        "hedges_g_ci_low": rows(g_low, nan),
        "hedges_g_ci_high": rows(g_high, nan),
        "check_p": check[..., [1, 0, 2, 3]],
        "from_users_n": users_n,
        "from_non_users_n": non_users_n,
        "to_users_n": users_n,
        "to_non_users_n": non_users_n,
    }
    frame = to_frame(block, ("segment", "comparison", "factor", "group"))
    frame["check"] = np.where(frame["group"] < 3, "wilcoxon", "mann_whitney")
    return frame


def paired_adoption_table(
    matched: list[Pairs], codes: np.ndarray, count: int, is_user: np.ndarray
) -> pd.DataFrame:
    shape = (count, len(matched))
    columns = ("pairs", "from_users", "to_users", "started", "stopped", "from_only", "to_only")
    block = {name: np.empty(shape) for name in columns}
    for c, pair in enumerate(matched):
        seg = codes[pair.earlier]
        ok = seg >= 0
        seg = seg[ok]
        before, after = is_user[pair.earlier][ok], is_user[pair.later][ok]

        def tally(weights: np.ndarray | None, seg=seg) -> np.ndarray:
            return np.bincount(seg, weights=weights, minlength=count)

        block["pairs"][:, c] = tally(None)
        block["from_users"][:, c] = tally(before)
        block["to_users"][:, c] = tally(after)
        block["started"][:, c] = tally(~before & after)
        block["stopped"][:, c] = tally(before & ~after)
        for name, rows in (("from_only", pair.earlier_only), ("to_only", pair.later_only)):
            seg_rows = codes[rows]
            block[name][:, c] = np.bincount(seg_rows[seg_rows >= 0], minlength=count)
    started, stopped = block["started"], block["stopped"]
    both = block["from_users"] - stopped
    neither = block["pairs"] - both - started - stopped
    diff, low, high = newcombe_paired(both, started, stopped, neither)
    block["difference"] = diff
    block["ci_low"] = low
    block["ci_high"] = high
    block["p"] = np.where(block["pairs"] > 0, mcnemar_exact(started, stopped), np.nan)
    return to_frame(block, ("segment", "comparison"))
