"""Every statistical test of the tool, once: on arrays of any shape, vectorised.

The group comparison (:mod:`ism_advisor.stats.compare`), the comparison of waves
(:mod:`ism_advisor.stats.waves`) and the driver models (:mod:`ism_advisor.stats.drivers`)
call these; each docstring names the scipy, statsmodels or pingouin function it reproduces.
Two Hedges' g intervals stand side by side on purpose: :func:`hedges_g_delta` (the group
comparison: delta method, no assumption of equal variances or normal answers) and
:func:`hedges_g_esci` (the waves: pingouin's ``compute_esci``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special

__all__ = [
    "CONFIDENCE",
    "correlation_p",
    "fisher_ci",
    "gap_change",
    "hedges_g_delta",
    "hedges_g_esci",
    "holm",
    "mann_whitney",
    "mann_whitney_p",
    "mcnemar_exact",
    "newcombe",
    "newcombe_paired",
    "pooled_z",
    "t_interval",
    "t_test",
    "welch",
    "wilcoxon",
    "wilson",
]

#: The confidence level of every interval of the comparison of waves.
CONFIDENCE = 0.95

Array = np.ndarray
_HALF_ALPHA = (1 - CONFIDENCE) / 2
_Z = float(special.ndtri(1 - _HALF_ALPHA))


def holm(p: np.ndarray) -> np.ndarray:
    """Holm-adjusted p-values, row by row; NaN entries are not counted as tests.

    Examples
    --------
    >>> holm(np.array([[0.01, 0.04, np.nan, 0.03]]))
    array([[0.03, 0.06,  nan, 0.06]])
    """
    p = np.asarray(p, dtype=float)
    order = np.argsort(np.where(np.isnan(p), np.inf, p), axis=1, kind="stable")
    ranked = np.take_along_axis(p, order, axis=1)
    tests = (~np.isnan(p)).sum(axis=1, keepdims=True)
    factor = tests - np.arange(p.shape[1])[None, :]
    adjusted = np.minimum(1.0, np.fmax.accumulate(factor * ranked, axis=1))
    adjusted[np.isnan(ranked)] = np.nan
    out = np.empty_like(p)
    np.put_along_axis(out, order, adjusted, axis=1)
    return out


def t_test(diff: Array, se: Array, df: Array) -> tuple[Array, Array]:
    """t = ``diff`` / ``se`` and its two-sided p, Student's t with ``df`` degrees of freedom."""
    with np.errstate(invalid="ignore", divide="ignore"):
        t = diff / se
        p = 2.0 * special.stdtr(df, -np.abs(t))  # scipy.stats.t.sf(|t|, df), bit for bit
    return t, p


def t_interval(diff: Array, se: Array, df: Array) -> tuple[Array, Array]:
    """The 95% interval of ``diff`` with standard error ``se``, Student's t with ``df``
    degrees of freedom (``scipy.stats.t.ppf(0.975, df)`` is ``special.stdtrit(df, 0.975)``)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        margin = special.stdtrit(df, 1 - _HALF_ALPHA) * se
        return diff - margin, diff + margin


def welch(diff: Array, n_x: Array, var_x: Array, n_y: Array, var_y: Array) -> tuple[Array, ...]:
    """Welch's test of x against y, as ``scipy.stats.ttest_ind(x, y, equal_var=False)``:
    ``diff`` = mean(x) − mean(y), each group's n and variance.

    Returns ``se``, ``df``, ``t`` and the two-sided ``p`` (the interval:
    :func:`t_interval` of ``diff``, ``se``, ``df``).
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        vn_x, vn_y = var_x / n_x, var_y / n_y
        df = (vn_x + vn_y) ** 2 / (vn_x**2 / (n_x - 1) + vn_y**2 / (n_y - 1))
        se = np.sqrt(vn_x + vn_y)
    df = np.where(np.isnan(df), 1.0, df)  # scipy's convention (zero variances)
    return (se, df, *t_test(diff, se, df))


def hedges_g_delta(
    diff: np.ndarray,
    x: tuple[np.ndarray, ...],
    y: tuple[np.ndarray, ...],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Hedges' g of ``diff`` = mean(x) − mean(y) and its 95% interval, per segment.

    ``x`` and ``y`` are each group's (n, variance, third and fourth central moment divided
    by n). g is the gap over the pooled SD with Hedges' small-sample correction J, as
    ``pingouin.compute_effsize(eftype="hedges")``. Its interval is for that same quantity,
    δ = (μx − μy) / σp with σp² = ((nx − 1)σx² + (ny − 1)σy²) / (nx + ny − 2), and
    assumes neither equal variances nor normal answers: the delta method on the mean
    difference D and the pooled variance V (the variance of each group's variance from its
    fourth moment, its covariance with the group's mean from its third), so that

        var(d) = var(D) / V + D² var(V) / (4 V³) − D cov(D, V) / V²,

    and the interval g ± t · J · √var(d), t the 97.5% point of Student's t with
    min(nx, ny) − 1 degrees of freedom (Hsu's conservative degrees of freedom for unequal
    variances: with a small group near the top of the scale, a sample whose mean comes out
    high tends to have a small variance, and the normal point undercovers). For normal
    answers with equal variances var(d) is 1/nx + 1/ny + d² / (2 (nx + ny − 2)), nearly
    the formula of ``pingouin.compute_esci``; that formula, which assumes equal variances
    and normal answers, covers 98% where the small group is near the top of the scale and
    92-93% where it is not (benchmarks/CALIBRATION.md measures both).
    """
    n_x, var_x, m3_x, m4_x = x
    n_y, var_y, m3_y, m4_y = y
    total = n_x + n_y
    w_x, w_y = (n_x - 1) / (total - 2), (n_y - 1) / (total - 2)
    pooled_var = w_x * var_x + w_y * var_y
    d = diff / np.sqrt(pooled_var)
    correction = 1 - 3 / (4 * total - 9)
    # var(s²) = (μ4 − σ⁴ (n − 3) / (n − 1)) / n and cov(mean, s²) = μ3 / n
    var_var_x = (m4_x - var_x**2 * (n_x - 3) / (n_x - 1)) / n_x
    var_var_y = (m4_y - var_y**2 * (n_y - 3) / (n_y - 1)) / n_y
    var_diff = var_x / n_x + var_y / n_y
    var_pooled = w_x**2 * var_var_x + w_y**2 * var_var_y
    cov = w_x * m3_x / n_x - w_y * m3_y / n_y
    var_d = (
        var_diff / pooled_var
        + diff**2 * var_pooled / (4 * pooled_var**3)
        - diff * cov / pooled_var**2
    )
    g = d * correction
    critical = special.stdtrit(np.minimum(n_x, n_y) - 1, 0.975)
    margin = critical * correction * np.sqrt(np.maximum(var_d, 0.0))
    return g, g - margin, g + margin


def hedges_g_esci(
    diff: Array, n_x: Array, var_x: Array, n_y: Array, var_y: Array, *, paired: bool = False
) -> tuple[Array, Array, Array]:
    """Hedges' g of x against y and its interval, as pingouin.

    Independent: pooled SD, as ``compute_effsize(x, y, eftype="hedges")``; paired: the
    average of the two variances (Cumming's d_av), as ``compute_effsize(..., paired=True)``;
    intervals as ``compute_esci``.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        if paired:
            d = diff / np.sqrt((var_x + var_y) / 2)
            dof = n_x - 1
            se_n = 1 / n_x
        else:
            dof = n_x + n_y - 2
            d = diff / np.sqrt(((n_x - 1) * var_x + (n_y - 1) * var_y) / dof)
            se_n = (n_x + n_y) / (n_x * n_y)
        g = d * (1 - 3 / (4 * (n_x + n_y) - 9))
        se = np.sqrt(se_n + g**2 / (2 * (n_x if paired else n_x + n_y)))
        margin = special.stdtrit(dof, 1 - _HALF_ALPHA) * se
        return g, g - margin, g + margin


def mann_whitney(
    seg: np.ndarray,
    v: np.ndarray,
    in_x: np.ndarray,
    n_x: np.ndarray,
    n_y: np.ndarray,
    count: int,
) -> tuple[np.ndarray, np.ndarray]:
    """U of x and its two-sided asymptotic p, as scipy.stats.mannwhitneyu.

    Ranks come from counting: within a segment, the tied values ``v`` share the average
    rank ``before + (c + 1) / 2`` where ``c`` counts them and ``before`` counts smaller
    values, so no per-segment sort or rank call is needed.
    """
    # Hash, then sort only the distinct values: survey scores take few distinct values.
    codes, distinct = pd.factorize(v, sort=False)
    order = np.argsort(distinct, kind="stable")
    level = np.empty(len(distinct), dtype=np.int64)
    level[order] = np.arange(len(distinct))
    key = seg * len(distinct) + level[codes]
    if count * len(distinct) <= 4 * len(v) + 1024:
        counts = np.bincount(key, minlength=count * len(distinct))
        cells = np.flatnonzero(counts)
        lookup = np.empty(len(counts), dtype=np.int64)
        lookup[cells] = np.arange(len(cells))
        cell = lookup[key]
    else:
        cells, cell = np.unique(key, return_inverse=True)
    levels = distinct
    c = np.bincount(cell).astype(float)
    c_x = np.bincount(cell, weights=in_x.astype(float), minlength=len(cells))
    cell_seg = cells // len(levels)
    running = np.cumsum(c) - c
    first = np.searchsorted(cell_seg, cell_seg, side="left")
    before = running - running[first]
    rank_sum = np.bincount(cell_seg, weights=c_x * (before + (c + 1) / 2), minlength=count)
    ties = np.bincount(cell_seg, weights=c**3 - c, minlength=count)
    with np.errstate(invalid="ignore", divide="ignore"):
        u1 = rank_sum - n_x * (n_x + 1) / 2
        big = np.maximum(u1, n_x * n_y - u1)
        n = n_x + n_y
        s = np.sqrt(n_x * n_y / 12 * ((n + 1) - ties / (n * (n - 1))))
        z = (big - n_x * n_y / 2 - 0.5) / s
        p = np.clip(2.0 * special.ndtr(-z), 0.0, 1.0)
    return u1, p


def mann_whitney_p(seg: Array, v: Array, in_x: Array, n_x: Array, n_y: Array, count: int) -> Array:
    """Mann-Whitney p per segment code; NaN where a group is empty."""
    if len(v) == 0:
        return np.full(count, np.nan)
    _, p = mann_whitney(seg, v, in_x, n_x, n_y, count)
    return np.where((n_x > 0) & (n_y > 0), p, np.nan)


def wilcoxon(seg: np.ndarray, d: np.ndarray, count: int) -> np.ndarray:
    """p of the signed-rank test of ``d`` per segment code.

    As ``scipy.stats.wilcoxon(d, zero_method="wilcox", correction=True,
    method="asymptotic")``: zeros dropped, average ranks for ties with the tie-corrected
    variance, a continuity correction of one half. The rank sum of the positive
    differences is the Mann-Whitney rank sum of "positive" among the absolute differences,
    so the ranks come from :func:`mann_whitney`.
    """
    nonzero = d != 0
    seg, d = seg[nonzero], d[nonzero]
    if len(d) == 0:
        return np.full(count, np.nan)
    positive = d > 0
    size = np.abs(d)
    n = np.bincount(seg, minlength=count).astype(float)
    n_pos = np.bincount(seg, weights=positive, minlength=count)
    u, _ = mann_whitney(seg, size, positive, n_pos, n - n_pos, count)
    r_plus = u + n_pos * (n_pos + 1) / 2
    codes, distinct = pd.factorize(size, sort=False)
    key = seg * len(distinct) + codes
    if count * len(distinct) <= 4 * len(key) + 1024:  # few distinct values: count densely
        tied = np.bincount(key, minlength=count * len(distinct)).astype(float)
        ties = (tied**3 - tied).reshape(count, len(distinct)).sum(axis=1)
    else:
        cell, tied = np.unique(key, return_counts=True)
        tied = tied.astype(float)
        ties = np.bincount(cell // len(distinct), weights=tied**3 - tied, minlength=count)
    with np.errstate(invalid="ignore", divide="ignore"):
        se = np.sqrt((n * (n + 1) * (2 * n + 1) - ties / 2) / 24)
        z = (r_plus - n * (n + 1) / 4) / se
        z = z - np.sign(z) * 0.5 / se
    return 2.0 * special.ndtr(-np.abs(z))


def gap_change(n0: Array, v0: Array, n1: Array, v1: Array) -> tuple[Array, Array]:
    """The HC2 standard error and Welch–Satterthwaite df (the cells' own variances, not
    Bell–McCaffrey's) of a 2 × 2 difference in differences.

    ``n0``, ``v0`` (earlier wave) and ``n1``, ``v1`` (later wave) hold the cells' n and
    variance with the two groups on the last axis. See :mod:`ism_advisor.stats.waves`.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        n = np.concatenate([n0, n1], axis=-1)
        part = np.concatenate([v0, v1], axis=-1) / n  # s_c² / n_c: HC2
        var = part.sum(axis=-1)
        df = var**2 / (part**2 / (n - 1)).sum(axis=-1)
    df = np.where(np.isnan(df), 1.0, df)  # zero variances: as Welch
    return np.sqrt(var), df


def wilson(count: Array, n: Array) -> tuple[Array, Array]:
    """Wilson's score interval of count / n, as statsmodels' ``proportion_confint``."""
    with np.errstate(invalid="ignore", divide="ignore"):
        q = count / n
        z2 = _Z**2
        denominator = 1 + z2 / n
        center = (q + z2 / (2 * n)) / denominator
        half = _Z * np.sqrt(q * (1 - q) / n + z2 / (4 * n**2)) / denominator
    return center - half, center + half


def newcombe(count1: Array, n1: Array, count2: Array, n2: Array) -> tuple[Array, Array, Array]:
    """p1 − p2 and Newcombe's hybrid score interval (independent samples, method 10)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        p1, p2 = count1 / n1, count2 / n2
    low1, high1 = wilson(count1, n1)
    low2, high2 = wilson(count2, n2)
    diff = p1 - p2
    low = diff - np.sqrt((p1 - low1) ** 2 + (high2 - p2) ** 2)
    high = diff + np.sqrt((p2 - low2) ** 2 + (high1 - p1) ** 2)
    return diff, low, high


def newcombe_paired(
    both: Array, first_only: Array, second_only: Array, neither: Array
) -> tuple[Array, Array, Array]:
    """p1 − p2 of a paired 2 × 2 table and Newcombe's interval (paired, method 10).

    ``p1`` = (both + first_only) / n, ``p2`` = (both + second_only) / n. The correlation
    correction φ is Newcombe's (1998), as in Fagerland, Lydersen & Laake (2017).
    """
    n = both + first_only + second_only + neither
    row1, row2 = both + first_only, second_only + neither
    col1, col2 = both + second_only, first_only + neither
    with np.errstate(invalid="ignore", divide="ignore"):
        p1, p2 = row1 / n, col1 / n
        a = both * neither - first_only * second_only
        product = np.sqrt(row1.astype(float) * row2 * col1 * col2)
        phi = np.where(a > n / 2, (a - n / 2) / product, np.where(a < 0, a / product, 0.0))
    phi = np.where(product > 0, phi, 0.0)
    low1, high1 = wilson(row1, n)
    low2, high2 = wilson(col1, n)
    diff = p1 - p2
    d1, d2 = p1 - low1, high2 - p2
    low = diff - np.sqrt(d1**2 + d2**2 - 2 * phi * d1 * d2)
    d1, d2 = p2 - low2, high1 - p1
    high = diff + np.sqrt(d1**2 + d2**2 - 2 * phi * d1 * d2)
    return diff, low, high


def pooled_z(count1: Array, n1: Array, count2: Array, n2: Array) -> Array:
    """Two-sided p of the "N − 1" two-proportion z-test (see :mod:`ism_advisor.stats.waves`): the
    pooled z (statsmodels' ``proportions_ztest``; z² is Pearson's χ²) times √((N − 1)/N)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        total = n1 + n2
        pooled = (count1 + count2) / total
        z = (count1 / n1 - count2 / n2) / np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
        z = z * np.sqrt((total - 1) / total)
    return 2.0 * special.ndtr(-np.abs(z))


def mcnemar_exact(first_only: Array, second_only: Array) -> Array:
    """p of the exact McNemar test, as statsmodels' ``mcnemar(table, exact=True)``."""
    # scipy.stats' binomial CDF (Boost) differs from special.bdtr in the 12th digit, so
    # it stays, imported here: scipy.stats costs ~0.6 s of start-up and only waves need it
    from scipy import stats

    smaller = np.minimum(first_only, second_only)
    return np.minimum(1.0, 2.0 * stats.binom.cdf(smaller, first_only + second_only, 0.5))


def correlation_p(r, n):
    """Two-sided p of a correlation (t-test with n − 2 df), as scipy.stats.pearsonr."""
    with np.errstate(invalid="ignore", divide="ignore"):
        t = r * np.sqrt((n - 2) / ((1 - r) * (1 + r)))
        return np.clip(2.0 * special.stdtr(n - 2, -np.abs(t)), 0.0, 1.0)


def fisher_ci(r, n, confidence):
    crit = special.ndtri(0.5 + confidence / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        centre = np.arctanh(r)
        half = crit / np.sqrt(n - 3)
    return np.tanh(centre - half), np.tanh(centre + half)
