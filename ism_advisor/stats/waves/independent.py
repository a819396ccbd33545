"""The change between waves of independent samples (every respondent of each wave): the
``changes`` and adoption tables of :func:`ism_advisor.stats.waves.compare_waves`."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..tests import (
    gap_change,
    hedges_g_esci,
    mann_whitney_p,
    newcombe,
    pooled_z,
    t_interval,
    t_test,
    welch,
)
from .tables import to_frame

Array = np.ndarray


# -- independent samples -------------------------------------------------------------------


@dataclass(frozen=True)
class Cells:
    """n, mean and SS per segment × factor × wave × group (0 non-users, 1 users, 2 all).

    Also the usage counts per segment × wave, for adoption.
    """

    n: np.ndarray  # (segments, factors, waves, 3)
    mean: np.ndarray
    ss: np.ndarray
    respondents: np.ndarray  # (segments, waves)
    users: np.ndarray

    @classmethod
    def build(
        cls,
        codes: np.ndarray,
        count: int,
        wave_code: np.ndarray,
        count_w: int,
        is_user: np.ndarray,
        values: list[np.ndarray],
    ) -> Cells:
        inside = codes >= 0
        seg_wave = codes * count_w + wave_code
        respondents = np.bincount(seg_wave[inside], minlength=count * count_w)
        users = np.bincount(seg_wave[inside], weights=is_user[inside], minlength=count * count_w)
        size = count * count_w * 2
        factors = len(values)
        moments = np.empty((3, factors, size))
        for f in range(factors):
            ok = inside & ~np.isnan(values[f])
            key = seg_wave[ok] * 2 + is_user[ok]
            moments[:, f] = cell_moments(key, values[f][ok], size)
        n, mean, ss = moments.reshape(3, factors, count, count_w, 2).transpose(0, 2, 1, 3, 4)
        pooled = pool_cells(
            n[..., 0], mean[..., 0], ss[..., 0], n[..., 1], mean[..., 1], ss[..., 1]
        )
        n, mean, ss = (
            np.concatenate([part, whole[..., None]], axis=-1)
            for part, whole in zip((n, mean, ss), pooled, strict=True)
        )
        return cls(
            n=n,
            mean=mean,
            ss=ss,
            respondents=respondents.reshape(count, count_w).astype(float),
            users=users.reshape(count, count_w),
        )


def cell_moments(key: Array, v: Array, size: int) -> tuple[Array, Array, Array]:
    """n, mean and the sum of squared deviations from the mean, per key (two passes)."""
    n = np.bincount(key, minlength=size).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.bincount(key, weights=v, minlength=size) / n
    ss = np.bincount(key, weights=(v - mean[key]) ** 2, minlength=size)
    return n, mean, ss


def pool_cells(
    n_a: Array, mean_a: Array, ss_a: Array, n_b: Array, mean_b: Array, ss_b: Array
) -> tuple[Array, Array, Array]:
    """n, mean and SS of two cells taken together (Chan, Golub & LeVeque's update)."""
    n = n_a + n_b
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (n_a * np.nan_to_num(mean_a) + n_b * np.nan_to_num(mean_b)) / n
        between = n_a * n_b / n * (np.nan_to_num(mean_b) - np.nan_to_num(mean_a)) ** 2
    return n, mean, ss_a + ss_b + np.nan_to_num(between)


def independent_changes(
    cells: Cells,
    codes: np.ndarray,
    wave_code: np.ndarray,
    is_user: np.ndarray,
    values: list[np.ndarray],
    sign: np.ndarray,
    pairs: list[tuple[int, int]],
) -> pd.DataFrame:
    """The ``changes`` rows of one segmentation (codes for labels, see :func:`finish_table`)."""
    count, factors = cells.n.shape[:2]
    a = [p[0] for p in pairs]
    b = [p[1] for p in pairs]

    def at(array: np.ndarray, waves: list[int]) -> np.ndarray:
        # (segments, factors, waves, groups) → (segments, comparisons, factors, groups)
        return array[:, :, waves, :].transpose(0, 2, 1, 3)

    n0, m0, ss0 = at(cells.n, a), at(cells.mean, a), at(cells.ss, a)
    n1, m1, ss1 = at(cells.n, b), at(cells.mean, b), at(cells.ss, b)
    with np.errstate(invalid="ignore", divide="ignore"):
        v0, v1 = ss0 / (n0 - 1), ss1 / (n1 - 1)
    diff = m1 - m0
    se, df, _, p = welch(diff, n1, v1, n0, v0)
    low, high = t_interval(diff, se, df)
    g, g_low, g_high = hedges_g_esci(diff, n1, v1, n0, v0)
    check_p = np.empty(n0.shape)
    for f in range(factors):
        check_p[:, :, f] = _mwu_by_comparison(
            codes, count, wave_code, is_user, values[f], pairs, cells.n[:, f]
        )

    s = sign[None, None, :]
    gap0 = s * (m0[..., 1] - m0[..., 0])
    gap1 = s * (m1[..., 1] - m1[..., 0])
    gap_se, gap_df = gap_change(n0[..., :2], v0[..., :2], n1[..., :2], v1[..., :2])
    _, gap_p = t_test(gap1 - gap0, gap_se, gap_df)
    gap_low, gap_high = t_interval(gap1 - gap0, gap_se, gap_df)
    nan = np.full(gap0.shape, np.nan)
    zero = np.zeros(gap0.shape)

    def rows(groups: np.ndarray, gap: np.ndarray) -> np.ndarray:
        """users, non-users, all, gap on the last axis."""
        return np.concatenate([groups[..., [1, 0, 2]], gap[..., None]], axis=-1)

    block = {
        "from_mean": rows(m0, gap0),
        "to_mean": rows(m1, gap1),
        "from_n": rows(n0, n0[..., 2]),
        "to_n": rows(n1, n1[..., 2]),
        "difference": rows(diff, gap1 - gap0),
        "ci_low": rows(low, gap_low),
        "ci_high": rows(high, gap_high),
        "p": rows(p, gap_p),
        "improvement": rows(s[..., None] * diff, gap0 - gap1),
        "se": rows(se, gap_se),
        "df": rows(df, gap_df),
        "hedges_g": rows(g, nan),
        "hedges_g_ci_low": rows(g_low, nan),
        "hedges_g_ci_high": rows(g_high, nan),
        "check_p": rows(check_p, nan),
        "from_users_n": group_counts(n0[..., 1], zero, n0[..., 1]),
        "from_non_users_n": group_counts(zero, n0[..., 0], n0[..., 0]),
        "to_users_n": group_counts(n1[..., 1], zero, n1[..., 1]),
        "to_non_users_n": group_counts(zero, n1[..., 0], n1[..., 0]),
    }
    frame = to_frame(block, ("segment", "comparison", "factor", "group"))
    frame["check"] = pd.Series(np.where(frame["group"] < 3, "mann_whitney", None), dtype=object)
    return frame


def group_counts(users: np.ndarray, non_users: np.ndarray, both: np.ndarray) -> np.ndarray:
    """A count per group row: the users' row, the non-users' row, all, gap (= all)."""
    return np.stack([users, non_users, both, both], axis=-1)


def _mwu_by_comparison(
    codes: Array,
    count: int,
    wave_code: Array,
    is_user: Array,
    v: Array,
    pairs: list[tuple[int, int]],
    n: Array,
) -> Array:
    """Mann-Whitney p of the later against the earlier wave: (segments, comparisons, 3).

    ``n`` is the factor's cell counts (segments, waves, groups). Users and non-users are
    ranked in one call, with segment × group as the segment code.
    """
    out = np.empty((count, len(pairs), 3))
    base = (codes >= 0) & ~np.isnan(v)
    for c, (a, b) in enumerate(pairs):
        ok = base & ((wave_code == a) | (wave_code == b))
        seg, values, later = codes[ok], v[ok], wave_code[ok] == b
        by_group = mann_whitney_p(
            seg * 2 + is_user[ok],
            values,
            later,
            n[:, b, :2].reshape(-1),
            n[:, a, :2].reshape(-1),
            2 * count,
        )
        out[:, c, :2] = by_group.reshape(count, 2)
        out[:, c, 2] = mann_whitney_p(seg, values, later, n[:, b, 2], n[:, a, 2], count)
    return out


def adoption_table(cells: Cells) -> pd.DataFrame:
    """Users and respondents per segment and wave."""
    users = cells.users
    respondents = cells.respondents
    with np.errstate(invalid="ignore", divide="ignore"):
        share = users / respondents
    block = {
        "users": users,
        "non_users": respondents - users,
        "respondents": respondents,
        "share": share,
    }
    return to_frame(block, ("segment", "wave"))


def adoption_change_table(cells: Cells, pairs: list[tuple[int, int]]) -> pd.DataFrame:
    a = [p[0] for p in pairs]
    b = [p[1] for p in pairs]
    users0, n0 = cells.users[:, a], cells.respondents[:, a]
    users1, n1 = cells.users[:, b], cells.respondents[:, b]
    diff, low, high = newcombe(users1, n1, users0, n0)
    with np.errstate(invalid="ignore", divide="ignore"):
        share0, share1 = users0 / n0, users1 / n1
    block = {
        "from_users": users0,
        "from_respondents": n0,
        "from_share": share0,
        "to_users": users1,
        "to_respondents": n1,
        "to_share": share1,
        "difference": diff,
        "ci_low": low,
        "ci_high": high,
        "p": pooled_z(users1, n1, users0, n0),
    }
    return to_frame(block, ("segment", "comparison"))
