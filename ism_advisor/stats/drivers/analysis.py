"""The driver analysis: :func:`driver_analysis` and its result, and :func:`priority_matrix`
(see :mod:`ism_advisor.stats.drivers`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special
from threadpoolctl import threadpool_limits

from ...core.parallel import fork_map
from .blocks import Block, segment_starts, standardise
from .bootstrap import bootstrap, noise_contrast
from .columns import (
    ALPHA,
    CONFIDENCE,
    CORRELATION_COLUMNS,
    DRIVER_COLUMNS,
    GAP_THRESHOLD,
    MIN_PER_FACTOR,
    MODEL_COLUMNS,
    N_STAR,
    PRIORITY_COLUMNS,
    QUADRANTS,
    RESAMPLES,
    ROUTE_COLUMNS,
    VIF_LIMIT,
)
from .logistic import newton, separation
from .routes import correlation_table, route_table
from .weights import r2_observed, relative_weights, sqrtm_eigh

#: With several workers, a survey whose segments below :data:`N_STAR` hold fewer complete
#: cases than this (summed over the segmentations) is analysed in one process: forking
#: and handing back the tables cost more than the row bootstraps of so few rows (the
#: sample's 1,200), and large segments gain nothing from it (see :func:`_pieces`).
PARALLEL_MIN_ROWS = 20_000


@dataclass(frozen=True)
class DriverAnalysis:
    """The tables of a driver analysis; segments are numbered as in the input.

    Attributes
    ----------
    factors : the factor ids, in the order of the input columns.
    models : one row per segment (:data:`MODEL_COLUMNS`):

        - ``segment``: the segment's number.
        - ``n``, ``users``, ``non_users``: complete cases (use and every factor known).
        - ``needed``: the smaller group's minimum, :data:`MIN_PER_FACTOR` × factors.
        - ``fitted``: whether the segment has driver figures.
        - ``reason``: why not (one of :data:`REASONS`), else None. ``too_small``: the
          smaller group is under ``needed``; ``constant_factor``: a factor does not vary
          in the segment; ``singular``: the factors are exactly collinear; ``separation``:
          the factors predict use (quasi-)perfectly, so the maximum-likelihood estimates
          do not exist; ``no_convergence``: Newton–Raphson did not converge in
          :data:`MAX_ITERATIONS` steps.
        - ``converged``, ``iterations``: of Newton–Raphson (False/0 when not run).
        - ``loglik``, ``loglik_null``: log-likelihood of the model and of the
          intercept-only model; ``llr``, ``llr_p``: likelihood-ratio χ² against the null
          model (df = factors) and its p.
        - ``r2_mcfadden``: 1 − loglik/loglik_null; ``r2_nagelkerke``: Cox–Snell R²
          divided by its maximum; ``r2_weights``: R_O², the squared correlation between
          use and the fitted probabilities — the sum of the relative weights.
        - ``resamples``: the bootstrap resamples behind the weights' CIs — those in
          which every factor varies; 0 when not fitted or without a bootstrap.
        - ``warnings``: a tuple of dicts, each with a ``code`` and its parameters:
          ``{"code": "collinearity", "factors": (...), "vif": (...)}`` for factors with a
          VIF above :data:`VIF_LIMIT` (the model stands; the odds ratios of these factors
          are unstable, the weights are not); ``{"code": "separation", "kind":
          "complete" | "quasi_complete"}``; ``{"code": "constant_factor", "factors":
          (...)}``; ``{"code": "no_convergence", "iterations": int}``.

    drivers : one row per segment × factor (:data:`DRIVER_COLUMNS`), segments in order,
        factors in input order; NaN where the segment has no driver figures:

        - ``coef``, ``se``, ``z``, ``p``: the log-odds coefficient per SD of the factor
          (standardised within the segment), its standard error, Wald z and p.
        - ``odds_ratio``, ``ci_low``, ``ci_high``: exp(coef) and its Wald CI.
        - ``vif``: the variance inflation factor.
        - ``weight``, ``weight_ci_low``, ``weight_ci_high``: the relative weight (the
          factor's part of ``r2_weights``) and its bootstrap percentile CI.
        - ``noise_diff_ci_low``, ``noise_diff_ci_high``: the bootstrap percentile CI of
          the weight minus that of a random variable added to the model (Tonidandel,
          LeBreton & Johnson 2009; the model with the variable, resampled as the model
          itself); ``beats_noise`` (nullable boolean): the factor contributes more than
          noise, that CI lies above 0. A weight's own CI never contains 0 (a relative
          weight is positive by construction), so it cannot say this. NA without a
          bootstrap.
        - ``importance``: the weight as a percentage of ``r2_weights`` (sums to 100);
        - ``rank``: 1 for the largest weight in the segment (nullable integer).

    correlations : one row per fitted segment × pair of factors
        (:data:`CORRELATION_COLUMNS`), complete cases: Pearson ``r`` with its Fisher-z CI
        and p (t-test, n − 2 df), and Spearman's ``spearman_rho`` with its p, as a check
        that no outlier or odd distribution makes the Pearson figure.
    routes : indirect routes (:data:`ROUTE_COLUMNS`), an association and not proof of a
        cause. A row says that ``factor`` goes with use (``use_r``, its point-biserial
        correlation with use, significant at :data:`ALPHA`) and correlates with ``via``
        (``r`` with CI, \\|r\\| ≥ :data:`ROUTE_MIN_R`, CI excluding 0), which drives use in
        the model (``via_p`` < :data:`ALPHA`), and that the signs agree: ``direction``
        (+1 or −1) is sign(r) × sign(via's coefficient) and equals the sign of ``use_r``.
        ``route`` is ``"indirect"`` when ``factor`` has no significant effect of its own
        in the model (``factor_p`` ≥ :data:`ALPHA`) — its link with use may run through
        ``via`` — and ``"direct_and_indirect"`` when it has.
    """

    factors: tuple[str, ...]
    models: pd.DataFrame
    drivers: pd.DataFrame
    correlations: pd.DataFrame
    routes: pd.DataFrame


def driver_analysis(
    scores: pd.DataFrame,
    is_user: Sequence[float] | np.ndarray | pd.Series,
    segments: np.ndarray | Sequence[np.ndarray] | None = None,
    *,
    resamples: int = RESAMPLES,
    seed: int = 0,
    confidence: float = CONFIDENCE,
    alpha: float = ALPHA,
    workers: int = 1,
) -> DriverAnalysis:
    """Fit the driver model, relative weights, correlations and routes of every segment.

    Parameters
    ----------
    scores : one numeric column per factor (the column name is the factor id), one row
        per respondent; NaN for a missing score. Not modified.
    is_user : per respondent 1/True for a user, 0/False for a non-user, NaN if unknown.
    segments : which respondents form which segment. None: one segment of everyone.
        An integer array of segment codes (0, 1, …; −1 for a respondent in no segment)
        is one segmentation, numbered 0 … max. A list of such arrays is several
        segmentations whose segments are numbered on, in order — pass
        ``[np.zeros(n), team_codes]`` to number them as the comparison's ``segments``
        table does (all respondents first).
    resamples : bootstrap resamples per segment for the weights' CIs (0: no CIs).
    seed : mixed with a hash of each segment's data to seed its resamples.
    confidence : level of the odds ratios', weights' and correlations' intervals.
    alpha : significance level for the indirect routes.
    workers : with 2 or more, the segments are cut into that many contiguous pieces of
        about equal work, analysed in forked processes (:func:`ism_advisor.core.parallel.fork_map`);
        the tables are the same, bit for bit, whatever the number. A survey whose
        segments below :data:`N_STAR` hold fewer than :data:`PARALLEL_MIN_ROWS` complete
        cases is analysed here: forking saves nothing there (measured).

    Returns
    -------
    DriverAnalysis
        ``models``, ``drivers``, ``correlations`` and ``routes``; see its docstring for
        every column.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> scores = pd.DataFrame(rng.normal(size=(400, 3)), columns=["pe", "ee", "priv"])
    >>> use = rng.random(400) < 1 / (1 + np.exp(-1.5 * scores["pe"]))
    >>> result = driver_analysis(scores, use, resamples=100)
    >>> model = result.models.iloc[0]
    >>> print(model["n"], model["fitted"], model["reason"])
    400 True None
    >>> result.drivers.loc[result.drivers["rank"] == 1, "factor"].item()
    'pe'
    >>> bool(np.isclose(result.drivers["weight"].sum(), result.models.loc[0, "r2_weights"]))
    True
    """
    factors = tuple(str(c) for c in scores.columns)
    if not factors:
        raise ValueError("scores needs at least one factor column")
    if len(set(factors)) != len(factors):
        raise ValueError("the factor columns must have distinct names")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must lie between 0 and 1, got {confidence}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must lie between 0 and 1, got {alpha}")
    if resamples < 0:
        raise ValueError(f"resamples must be 0 or more, got {resamples}")
    x = scores.to_numpy(dtype=float)  # read only: the input is never modified
    y = np.asarray(pd.Series(is_user).astype(float), dtype=float)
    if y.shape != (len(x),):
        raise ValueError(f"is_user has {y.size} values for {len(x)} respondents")
    known = ~np.isnan(y)
    if not np.isin(y[known], (0.0, 1.0)).all():
        raise ValueError("is_user must hold 0/1 (or True/False), or NaN when unknown")
    # Thousands of small matrix products: handing each to BLAS threads costs more than
    # it saves (three times the CPU time on a busy two-core machine: benchmarks/RESULTS.md).
    settings = (factors, resamples, seed, confidence, alpha)
    pieces = _pieces(x, y, list(_segmentations(segments, len(x))), workers)

    def analyse(piece):
        with threadpool_limits(limits=1, user_api="blas"):
            return [_analyse(x, y, *part, *settings) for part in piece]

    parts = [part for done in fork_map(analyse, pieces, len(pieces)) for part in done]
    return DriverAnalysis(
        factors=factors,
        models=_concat([p[0] for p in parts], MODEL_COLUMNS),
        drivers=_concat([p[1] for p in parts], DRIVER_COLUMNS),
        correlations=_concat([p[2] for p in parts], CORRELATION_COLUMNS),
        routes=_concat([p[3] for p in parts], ROUTE_COLUMNS),
    )


def priority_matrix(
    drivers: pd.DataFrame,
    gap: Sequence[float] | np.ndarray | pd.Series,
    *,
    gap_threshold: float = GAP_THRESHOLD,
    significant: Sequence[bool | None] | np.ndarray | pd.Series | None = None,
    beats_noise: Sequence[bool | None] | np.ndarray | pd.Series | None = None,
) -> pd.DataFrame:
    """Importance (y) against the gap (x), and each factor's quadrant.

    Parameters
    ----------
    drivers : :attr:`DriverAnalysis.drivers` (its ``segment``, ``factor``,
        ``importance`` and ``rank`` columns are used). Not modified.
    gap : one gap per row of ``drivers``, as the comparison gives it: positive means
        non-users lag (users − non-users for a higher-is-better factor, non-users − users
        for a higher-is-worse one). NaN (e.g. a suppressed cell) gives no quadrant.
    gap_threshold : a factor lags when its gap exceeds this (default 0: any lag).
    significant : optionally, per row whether the gap is significant (the comparison's
        Holm-adjusted ``significant``); then a factor lags only when it is also
        significant, so that noise does not put a factor among the levers. None/NA
        counts as not significant.
    beats_noise : optionally, per row whether the factor contributes more than noise
        (:attr:`DriverAnalysis.drivers`' ``beats_noise``); then a factor is important
        only when it also does, so that a weight no larger than a random variable's does
        not put a factor among the levers. None/NA counts as not contributing.

    Returns
    -------
    pandas.DataFrame
        One row per row of ``drivers`` (:data:`PRIORITY_COLUMNS`): ``segment``,
        ``factor``, ``importance`` (0–100, the factor's share of what the segment's model
        explains), ``importance_rank`` (1 = most important), ``gap``, ``lagging``
        (nullable boolean) and ``quadrant`` (one of :data:`QUADRANTS`, None without
        importance or gap).

    Notes
    -----
    The cut points. *Important* means an importance of at least the segment's mean
    importance, the crosshair of an importance-performance grid (Martilla & James 1977).
    Importances are shares that add up to 100, so that mean is always 100/k for k factors:
    at least an even share of what the model explains — a line that reads the same in
    every segment — and, when ``beats_noise`` is given, a weight that beats a random
    variable's (Tonidandel, LeBreton & Johnson 2009): a relative weight is positive by
    construction, so even a factor that does nothing has one, and in a segment where the
    model explains little an even share can be no more than noise. *Lagging* means a gap
    above ``gap_threshold`` (and significant, when given): the gap's sign already says
    whether non-users lag (a mean gap as the line would call a real, significant lag "not
    lagging" whenever other gaps are larger), and significance says whether the lag is
    more than noise. ``act_first``: important and lagging — the lever to pull; ``keep``:
    important, not lagging — a strength to maintain; ``watch``: lagging but less
    important for use; ``low_priority``: neither.

    Examples
    --------
    >>> drivers = pd.DataFrame({"segment": [0, 0, 0], "factor": ["pe", "ee", "priv"],
    ...                         "importance": [60.0, 35.0, 5.0], "rank": [1, 2, 3]})
    >>> priority_matrix(drivers, [0.4, -0.1, 0.3])["quadrant"].tolist()
    ['act_first', 'keep', 'watch']
    """
    gap = np.asarray(pd.Series(gap, dtype=float), dtype=float)
    if gap.shape != (len(drivers),):
        raise ValueError(f"gap has {gap.size} values for {len(drivers)} driver rows")
    importance = drivers["importance"].to_numpy(dtype=float)
    segment = drivers["segment"].to_numpy()
    # k: the factors with an importance in the segment
    has = ~np.isnan(importance)
    codes, uniques = pd.factorize(segment)
    k = np.bincount(codes, weights=has, minlength=len(uniques))[codes]
    with np.errstate(invalid="ignore", divide="ignore"):
        important = importance >= 100.0 / k
    if beats_noise is not None:
        flags = pd.array(pd.Series(beats_noise, dtype="boolean"), dtype="boolean")
        if len(flags) != len(drivers):
            raise ValueError(f"beats_noise has {len(flags)} values for {len(drivers)} driver rows")
        important &= flags.fillna(False).to_numpy(dtype=bool)
    lagging = gap > gap_threshold
    if significant is not None:
        flags = pd.array(pd.Series(significant, dtype="boolean"), dtype="boolean")
        if len(flags) != len(drivers):
            raise ValueError(f"significant has {len(flags)} values for {len(drivers)} driver rows")
        lagging &= flags.fillna(False).to_numpy(dtype=bool)
    known = has & ~np.isnan(gap)
    quadrant = np.where(
        important,
        np.where(lagging, QUADRANTS[0], QUADRANTS[1]),
        np.where(lagging, QUADRANTS[2], QUADRANTS[3]),
    ).astype(object)
    quadrant[~known] = None  # kept as None (object dtype), as the comparison does
    return pd.DataFrame(
        {
            "segment": segment,
            "factor": drivers["factor"].to_numpy(),
            "importance": importance,
            "importance_rank": pd.array(drivers["rank"], dtype="Int64"),
            "gap": gap,
            "lagging": pd.array(np.where(np.isnan(gap), None, lagging), dtype="boolean"),
            "quadrant": pd.Series(quadrant, dtype=object),
        },
        columns=list(PRIORITY_COLUMNS),
    )


# -- segments and blocks ---------------------------------------------------------------------


def _segmentations(segments, n: int):
    """Each segmentation's codes and the number of its first segment."""
    if segments is None:
        arrays = [np.zeros(n, dtype=np.int64)]
    elif isinstance(segments, np.ndarray | pd.Series) and np.ndim(segments) == 1:
        arrays = [np.asarray(segments)]
    else:
        arrays = [np.asarray(s) for s in segments]
    offset = 0
    for codes in arrays:
        if codes.shape != (n,):
            raise ValueError(f"segment codes have {codes.size} values for {n} respondents")
        integral = np.issubdtype(codes.dtype, np.integer)
        if codes.size and not integral and not np.array_equal(codes, np.round(codes)):
            raise ValueError("segment codes must be integers")
        codes = codes.astype(np.int64)
        yield codes, offset
        offset += int(codes.max()) + 1 if codes.size and codes.max() >= 0 else 0


def _pieces(x, y, segmentations, workers: int):
    """The work cut into up to ``workers`` contiguous pieces of about equal cost.

    A piece is a list of (codes, offset, count): segments ``offset`` … ``offset + count
    − 1`` of one segmentation, renumbered from 0 in ``codes`` (−1 for the others). A
    segment's cost is taken as its complete cases plus 2.5 times those of the row
    bootstrap (at most :data:`N_STAR`) and a constant (measured: ≈ 2.7 µs per row above
    N*, ≈ 10 µs below); the cuts fall between segments, so every segment is analysed
    whole. One piece (the segmentations as they are) with one worker, or when the
    segments below N* hold fewer than :data:`PARALLEL_MIN_ROWS` complete cases: the work
    of large segments (normal sums, fits) is passes over long arrays, which two
    processes do no faster (measured at 1M respondents × 10 teams: 5.4 s in one process,
    5.9 s in two, and 250 MB more), while the small segments' row bootstraps split well
    (200,000 × 1,000 teams: 3.0 → 2.7 s on a busy machine).
    """
    whole = [[(codes, offset, _count(codes)) for codes, offset in segmentations]]
    if workers <= 1:
        return whole
    complete = ~np.isnan(y) & ~np.isnan(x).any(axis=1)
    units = []  # (segmentation, segment, cost)
    small = 0
    for index, (codes, _offset) in enumerate(segmentations):
        sizes = np.bincount(codes[complete & (codes >= 0)], minlength=_count(codes))
        small += int(sizes[sizes < N_STAR].sum())
        cost = sizes + 2.5 * np.minimum(sizes, N_STAR) + 300.0
        units += [(index, segment, c) for segment, c in enumerate(cost.tolist())]
    if len(units) < 2 or small < PARALLEL_MIN_ROWS:
        return whole
    total, pieces, running = sum(c for *_, c in units), [], 0.0
    groups: list[list[tuple[int, int]]] = [[] for _ in range(workers)]
    for index, segment, c in units:
        group = min(workers - 1, int(workers * (running + c / 2) / total))
        groups[group].append((index, segment))
        running += c
    for group in groups:
        piece = []
        for index in sorted({i for i, _ in group}):
            segs = [s for i, s in group if i == index]
            first, stop = segs[0], segs[-1] + 1
            codes, offset = segmentations[index]
            inside = (codes >= first) & (codes < stop)
            piece.append((np.where(inside, codes - first, -1), offset + first, stop - first))
        if piece:
            pieces.append(piece)
    return pieces


def _count(codes: np.ndarray) -> int:
    """The number of segments of a segmentation (codes 0 … max)."""
    return int(codes.max()) + 1 if codes.size and codes.max() >= 0 else 0


def _analyse(x, y, codes, offset, count, factors, resamples, seed, confidence, alpha):
    """All tables of ``count`` segments of a segmentation (``codes`` 0 … count − 1)."""
    k = len(factors)
    names = np.array(factors, dtype=object)
    complete = (codes >= 0) & ~np.isnan(y) & ~np.isnan(x).any(axis=1)
    c = codes[complete]
    n = np.bincount(c, minlength=count)
    users = np.bincount(c, weights=y[complete], minlength=count).astype(np.int64)
    needed = MIN_PER_FACTOR * k
    eligible = np.minimum(users, n - users) >= needed
    reasons = np.full(count, None, dtype=object)
    reasons[~eligible] = "too_small"
    notes: list[list[dict]] = [[] for _ in range(count)]
    figures = {column: np.full((count, k), np.nan) for column in DRIVER_COLUMNS[2:]}
    models = pd.DataFrame(
        {
            "segment": np.arange(count, dtype=np.int64) + offset,
            "n": n,
            "users": users,
            "non_users": n - users,
            "needed": np.full(count, needed, dtype=np.int64),
            "fitted": np.zeros(count, dtype=bool),
            "reason": reasons,
            "converged": np.zeros(count, dtype=bool),
            "iterations": np.zeros(count, dtype=np.int64),
        }
    )
    fit_columns = ("loglik", "loglik_null", "llr", "llr_p", "r2_mcfadden", "r2_nagelkerke")
    for column in (*fit_columns, "r2_weights"):
        models[column] = np.nan
    models["resamples"] = np.zeros(count, dtype=np.int64)

    # The complete cases of the eligible segments, grouped by segment.
    rows = np.flatnonzero(complete)
    rows = rows[eligible[codes[rows]]]
    rows = rows[np.argsort(codes[rows], kind="stable")]
    local = np.flatnonzero(eligible)
    starts = segment_starts(n[local])
    raw = x[rows]
    mean, sd, design, corr = standardise(raw, starts)
    block = Block(local, starts, raw, y[rows], design, corr)
    del raw, design, rows, c, complete  # memory: the block holds what is needed

    # A factor without variance cannot be standardised; exactly collinear factors
    # cannot be separated.
    constant = sd <= 1e-10 * np.maximum(1.0, np.abs(mean))
    for i in np.flatnonzero(constant.any(axis=1)):
        reasons[local[i]] = "constant_factor"
        notes[local[i]].append({"code": "constant_factor", "factors": tuple(names[constant[i]])})
    block = block.subset(~constant.any(axis=1))
    smallest = np.linalg.eigvalsh(block.corr)[:, 0] if len(block.local) else np.empty(0)
    singular = smallest <= 1e-10 * k
    reasons[block.local[singular]] = "singular"
    block = block.subset(~singular)

    design = block.design
    fit = newton(design, block.y, block.starts)
    models.loc[block.local, "converged"] = fit.converged
    models.loc[block.local, "iterations"] = fit.iterations
    for i in np.flatnonzero(~fit.converged):
        s = block.local[i]
        lo, hi = block.starts[i], block.starts[i + 1]
        kind = separation(design[lo:hi], block.y[lo:hi])
        if kind is None:
            reasons[s] = "no_convergence"
            notes[s].append({"code": "no_convergence", "iterations": int(fit.iterations[i])})
        else:
            reasons[s] = "separation"
            notes[s].append({"code": "separation", "kind": kind})
    keep = fit.converged
    rows_kept = np.repeat(keep, block.sizes)
    block = block.subset(keep)
    prob = fit.p[rows_kept]
    design = block.design
    beta, hessian, loglik = fit.beta[keep], fit.hessian[keep], fit.loglik[keep]
    fitted = block.local
    count_fitted = len(fitted)

    if count_fitted:
        # Coefficients, Wald tests and intervals
        vif = np.diagonal(np.linalg.inv(block.corr), axis1=1, axis2=2)
        se = np.sqrt(np.diagonal(np.linalg.inv(hessian), axis1=1, axis2=2))[:, 1:]
        coef = beta[:, 1:]
        zstat = coef / se
        crit = special.ndtri(0.5 + confidence / 2)
        figures["coef"][fitted] = coef
        figures["se"][fitted] = se
        figures["z"][fitted] = zstat
        figures["p"][fitted] = 2.0 * special.ndtr(-np.abs(zstat))
        figures["odds_ratio"][fitted] = np.exp(coef)
        figures["ci_low"][fitted] = np.exp(coef - crit * se)
        figures["ci_high"][fitted] = np.exp(coef + crit * se)
        figures["vif"][fitted] = vif

        # Model fit
        sizes = block.sizes.astype(float)
        rate = np.bincount(block.row_segment, weights=block.y, minlength=count_fitted) / sizes
        loglik_null = sizes * (rate * np.log(rate) + (1 - rate) * np.log1p(-rate))
        llr = 2.0 * (loglik - loglik_null)
        models.loc[fitted, "fitted"] = True
        models.loc[fitted, "loglik"] = loglik
        models.loc[fitted, "loglik_null"] = loglik_null
        models.loc[fitted, "llr"] = llr
        models.loc[fitted, "llr_p"] = special.chdtrc(k, llr)  # = stats.chi2.sf(llr, k)
        models.loc[fitted, "r2_mcfadden"] = 1.0 - loglik / loglik_null
        cox_snell = -np.expm1(-llr / sizes)
        models.loc[fitted, "r2_nagelkerke"] = cox_snell / -np.expm1(2.0 * loglik_null / sizes)

        # Relative weights, their ranks and bootstrap CIs
        r2 = r2_observed(prob, block.y, block.row_segment, count_fitted)
        roots = sqrtm_eigh(block.corr)
        weight = relative_weights(coef, roots, r2)
        figures["weight"][fitted] = weight
        figures["importance"][fitted] = 100.0 * weight / weight.sum(axis=1, keepdims=True)
        order = np.argsort(-weight, axis=1, kind="stable")
        ranks = np.empty_like(order)
        np.put_along_axis(ranks, order, np.arange(1, k + 1)[None, :], axis=1)
        figures["rank"][fitted] = ranks
        models.loc[fitted, "r2_weights"] = weight.sum(axis=1)
        if resamples:
            low, high, used = bootstrap(
                block, design, beta, hessian, prob, resamples, seed, confidence, roots
            )
            figures["weight_ci_low"][fitted] = low
            figures["weight_ci_high"][fitted] = high
            models.loc[fitted, "resamples"] = used
            low, high = noise_contrast(block, resamples, seed, confidence, beta)
            figures["noise_diff_ci_low"][fitted] = low
            figures["noise_diff_ci_high"][fitted] = high
            with np.errstate(invalid="ignore"):
                figures["beats_noise"][fitted] = np.where(np.isnan(low), np.nan, low > 0)
        for i, s in enumerate(fitted):
            high_vif = vif[i] > VIF_LIMIT
            if high_vif.any():
                notes[s].append(
                    {
                        "code": "collinearity",
                        "factors": tuple(names[high_vif]),
                        "vif": tuple(float(v) for v in vif[i][high_vif]),
                    }
                )
    reasons[fitted] = None
    models["reason"] = pd.Series(reasons, dtype=object)
    models["warnings"] = pd.Series([tuple(w) for w in notes], dtype=object)

    drivers = pd.DataFrame(
        {
            "segment": np.repeat(np.arange(count, dtype=np.int64) + offset, k),
            "factor": np.tile(names, count),
        }
    )
    for column, values in figures.items():
        drivers[column] = values.reshape(-1)
    rank = drivers["rank"].to_numpy()
    drivers["rank"] = pd.array(np.where(np.isnan(rank), None, rank), dtype="Int64")
    beats = drivers["beats_noise"].to_numpy()
    drivers["beats_noise"] = pd.array(
        np.where(np.isnan(beats), None, beats == 1.0), dtype="boolean"
    )
    correlations = correlation_table(block, offset, names, confidence)
    routes = route_table(block, figures, offset, names, confidence, alpha)
    return models, drivers, correlations, routes


def _concat(frames: list[pd.DataFrame], columns) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame({c: [] for c in columns})
    return pd.concat(frames, ignore_index=True)[list(columns)]
