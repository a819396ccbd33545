"""Driver analysis: which factors most decide *whether* someone uses the platform.

A gap says where users and non-users differ; it does not say which factor matters most
for use once the factors' overlap is taken into account. This module answers that per
segment, vectorised over segments like :mod:`ism_advisor.stats.compare`:

* :func:`driver_analysis` fits, for every segment large enough, a logistic regression of
  use (user = 1) on the standardised factor scores (complete cases) — odds ratios per SD
  with Wald CIs and p, McFadden and Nagelkerke R², warnings for separation and
  collinearity — and splits the explained variance over the factors with Johnson's
  relative weights for logistic regression (Tonidandel & LeBreton 2010, as R's
  ``rwa::rwa_logit``), with bootstrap CIs and whether each factor contributes more than
  noise (its weight against an added random variable's). It also gives the factors'
  correlations (Pearson with Fisher-z CIs, Spearman as a check) and the *indirect
  routes* the model supports: a factor that goes with use through another factor that
  drives it.
* :func:`priority_matrix` puts each factor's importance (its share of the explained
  variance, 0–100) against the gap from the comparison and labels the quadrant
  (``act_first``, ``keep``, ``watch``, ``low_priority``).

Everything user-facing is a code plus parameters (``reason``, ``warnings``, ``route``,
``quadrant``), never an English sentence: the report translates them.

Why relative weights and not general dominance
----------------------------------------------
Both split the explained variance over correlated factors so that the parts add up to
the model's R², and they rank factors almost identically (Johnson 2000; LeBreton,
Ployhart & Ladd 2004). General dominance needs a model for each of the 2^k − 1 subsets
of factors — 127 fits per segment for the seven factors, times the bootstrap resamples —
while relative weights need one fit and one eigendecomposition. With thousands of
segments and a bootstrap that must stay cheap, relative weights are the only one of the
two that fits the budget, and it is what Qualtrics' key driver analysis reports.

The algorithm (``rwa::rwa_logit``, Tonidandel & LeBreton 2010)
--------------------------------------------------------------
With X the standardised factors and R their correlation matrix, the orthogonal
counterparts Z of X (the least-squares closest orthonormal variables, from the SVD
X = P D Q', Z = P Q') relate to X through Λ = R^½ (the symmetric square root). Use is
regressed on Z (logistically) giving coefficients b; these are standardised as
β = b · R_O / SD(logit ŷ), where R_O² is the squared correlation between use and the
fitted probabilities, and the weight of factor j is ε_j = Σ_k Λ_jk² β_k². The weights add
up to R_O², which this module reports as ``r2_weights``. The fit on Z is the fit on X
in other coordinates, so b = Λ·(the coefficients on X) and SD(logit ŷ)² = b'b: one fit
per segment serves both the odds ratios and the weights.

The bootstrap
-------------
Percentile CIs from :data:`RESAMPLES` resamples of the segment's complete cases. Three
choices keep it from dominating a 5,000-segment run (benchmarks/RESULTS.md, "Driver
analysis", has the measurements behind them and behind the number of resamples):

* Poisson weights (Hanley & MacGibbon 2006; Chamandy et al. 2012): every respondent
  counts an independent Poisson(1) number of times in every resample, instead of
  drawing n respondents with replacement. For the segments analysed here (at least 20
  respondents per factor, 140 for the seven factors) the two bootstraps agree; the
  Poisson one needs no count of drawn indices and can be drawn block by block, and again
  for a second pass.
* One Newton step instead of a refit: a resample's coefficients are
  β* = β̂ + (n/Σw)·H⁻¹·Σ wᵢ(yᵢ − p̂ᵢ)x̃ᵢ, with the segment's estimate β̂ and Hessian H (the
  estimating-function bootstrap of Hu & Kalbfleisch 2000; the one-step bootstrap of
  Moulton & Zeger 1991 takes the resample's own Hessian, and measured no closer to a full
  refit here). It differs from a refit by O(1/n), against a spread of O(1/√n).
  Everything else is computed for the resample itself: the factors' SDs and correlation
  matrix, its square root, and R_O² from the resample's own fitted probabilities (a
  linearisation of those overstated R_O², and so the CIs, in small segments).
* Matrix products: per segment, pass 1 is one product of the resamples' weights with
  per-respondent features, pass 2 one product for the fitted probabilities, in single
  precision (rounding about 10⁻⁵ relative, far below the Monte Carlo error of a
  percentile); the square roots of the resamples' correlation matrices take a few
  small matrix products each (:func:`_sqrtm_near`).

Contributing more than noise
----------------------------
A relative weight is positive by construction, so a factor that has nothing to do with
use still has one, and its percentile CI never contains 0: a CI above 0 says nothing about
whether a factor matters. Tonidandel, LeBreton & Johnson (2009) answer that with a random
variable added to the model: each segment's model is fitted again with a standard normal
variable (drawn from a seed of the segment's data) as one more factor, bootstrapped as
above, and each factor's weight minus the random variable's gives a percentile CI
(``noise_diff_ci_low``, ``noise_diff_ci_high``); the factor *contributes more than
noise* (``beats_noise``) when that CI lies above 0. The weights themselves, their CIs and
the importances stay those of the model without the variable. This second fit and
bootstrap about doubles the driver stage's CPU time (1.45 → 2.93 s for 200,000
respondents in 1,000 teams). benchmarks/calibration/drivers.py measures the statement: a
pure-noise factor is called contributing in at most 0.2% of simulated surveys.

The tests check the CIs against a classical bootstrap that refits every resample, within
Monte Carlo error. The draws are seeded from ``seed`` and a hash of the segment's own
data, so the figures are byte-identical from run to run and do not depend on which other
segments are analysed in the same call.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, special, stats
from threadpoolctl import threadpool_limits

__all__ = [
    "ALPHA",
    "CONFIDENCE",
    "CORRELATION_COLUMNS",
    "DRIVER_COLUMNS",
    "GAP_THRESHOLD",
    "MAX_ITERATIONS",
    "MIN_PER_FACTOR",
    "MODEL_COLUMNS",
    "PRIORITY_COLUMNS",
    "QUADRANTS",
    "REASONS",
    "RESAMPLES",
    "ROUTE_COLUMNS",
    "ROUTE_MIN_R",
    "TOLERANCE",
    "VIF_LIMIT",
    "DriverAnalysis",
    "driver_analysis",
    "priority_matrix",
]

#: A segment gets a driver model when its smaller group (users or non-users, complete
#: cases) has at least this many respondents per factor — the usual events-per-variable
#: rule for logistic regression (Peduzzi et al. 1996).
MIN_PER_FACTOR = 10
#: A factor whose variance inflation factor exceeds this is reported as collinear.
VIF_LIMIT = 5.0
#: Bootstrap resamples per segment (chosen by measurement: benchmarks/RESULTS.md).
RESAMPLES = 200
#: Confidence level of every interval.
CONFIDENCE = 0.95
#: Significance level for "drives use" in the indirect routes.
ALPHA = 0.05
#: The smallest correlation (absolute) between two factors that counts as a route:
#: a moderate correlation in Cohen's terms.
ROUTE_MIN_R = 0.3
#: Newton–Raphson: at most this many steps per segment …
MAX_ITERATIONS = 50
#: … and converged when no coefficient moves by more than TOLERANCE × (1 + the largest).
TOLERANCE = 1e-10
#: A positive gap means non-users lag (the comparison's contract); by default any lag counts.
GAP_THRESHOLD = 0.0

#: Why a segment has no driver figures (the ``reason`` column of ``models``).
REASONS = ("too_small", "constant_factor", "singular", "separation", "no_convergence")
#: The priority matrix's quadrants: important and lagging, important and not lagging,
#: less important and lagging, less important and not lagging.
QUADRANTS = ("act_first", "keep", "watch", "low_priority")

#: Columns of :attr:`DriverAnalysis.models`, in order.
MODEL_COLUMNS = (
    "segment",
    "n",
    "users",
    "non_users",
    "needed",
    "fitted",
    "reason",
    "converged",
    "iterations",
    "loglik",
    "loglik_null",
    "llr",
    "llr_p",
    "r2_mcfadden",
    "r2_nagelkerke",
    "r2_weights",
    "resamples",
    "warnings",
)
#: Columns of :attr:`DriverAnalysis.drivers`, in order.
DRIVER_COLUMNS = (
    "segment",
    "factor",
    "coef",
    "se",
    "z",
    "p",
    "odds_ratio",
    "ci_low",
    "ci_high",
    "vif",
    "weight",
    "weight_ci_low",
    "weight_ci_high",
    "noise_diff_ci_low",
    "noise_diff_ci_high",
    "beats_noise",
    "importance",
    "rank",
)
#: Columns of :attr:`DriverAnalysis.correlations`, in order.
CORRELATION_COLUMNS = (
    "segment",
    "factor_a",
    "factor_b",
    "n",
    "r",
    "r_ci_low",
    "r_ci_high",
    "p",
    "spearman_rho",
    "spearman_p",
)
#: Columns of :attr:`DriverAnalysis.routes`, in order.
ROUTE_COLUMNS = (
    "segment",
    "factor",
    "via",
    "route",
    "direction",
    "r",
    "r_ci_low",
    "r_ci_high",
    "use_r",
    "use_p",
    "via_odds_ratio",
    "via_ci_low",
    "via_ci_high",
    "via_p",
    "factor_odds_ratio",
    "factor_p",
)
#: Columns of :func:`priority_matrix`'s table, in order.
PRIORITY_COLUMNS = (
    "segment",
    "factor",
    "importance",
    "importance_rank",
    "gap",
    "lagging",
    "quadrant",
)

# Rows per block when building the resamples' sums: bounds the memory of the weight
# matrices (RESAMPLES × _CHUNK_ROWS floats) whatever the size of a segment.
_CHUNK_ROWS = 8192
# Segments whose resamples' correlation matrices and weights are computed together: small
# enough for the arrays (this × RESAMPLES × factors² floats) to stay in the CPU's cache.
_SEGMENTS_PER_BATCH = 32
# The square root of a resample's correlation matrix: at most this many chord steps, and
# the largest error of its square that stands (far below the bootstrap's Monte Carlo
# error); beyond it, an eigendecomposition.
_SQRT_STEPS = 30
_SQRT_TOLERANCE = 1e-5
# Newton–Raphson: at most this many halvings of a step that lowers the log-likelihood.
_HALVINGS = 40
# Mixed into a segment's seed to draw its added random variable (:func:`_noise_contrast`).
_NOISE_STREAM = 0x6E6F6973


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
    with threadpool_limits(limits=1, user_api="blas"):
        parts = [
            _analyse(x, y, codes, offset, factors, resamples, seed, confidence, alpha)
            for codes, offset in _segmentations(segments, len(x))
        ]
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


def _starts(sizes: np.ndarray) -> np.ndarray:
    return np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)


@dataclass(frozen=True)
class _Block:
    """Complete cases of some segments, rows grouped by segment (original order within)."""

    local: np.ndarray  # each segment's code in its segmentation
    starts: np.ndarray  # row offsets, len(local) + 1
    x: np.ndarray  # raw scores, rows × factors
    y: np.ndarray  # use, 0/1
    design: np.ndarray  # 1, then the scores standardised within the segment (SD: n − 1)
    corr: np.ndarray  # segments × factors × factors

    @property
    def z(self) -> np.ndarray:
        return self.design[:, 1:]

    @property
    def sizes(self) -> np.ndarray:
        return np.diff(self.starts)

    @property
    def row_segment(self) -> np.ndarray:
        return np.repeat(np.arange(len(self.local)), self.sizes)

    def subset(self, keep: np.ndarray) -> _Block:
        if keep.all():
            return self
        rows = np.repeat(keep, self.sizes)
        return _Block(
            self.local[keep],
            _starts(self.sizes[keep]),
            self.x[rows],
            self.y[rows],
            self.design[rows],
            self.corr[keep],
        )


def _standardise(values: np.ndarray, starts: np.ndarray, *, design: bool = True):
    """Per segment: mean, SD (n − 1), the design matrix and the correlation matrix.

    The design matrix is a column of ones and the values standardised within their
    segment (None when ``design`` is False). Sums run over each segment's own rows (a
    bincount, a matrix product per segment), so a segment's figures do not depend on the
    others. A column without variance gives SD 0 and NaN correlations.
    """
    count, k = len(starts) - 1, values.shape[1]
    sizes = np.diff(starts)
    seg = np.repeat(np.arange(count), sizes)
    mean = (
        np.column_stack(
            [np.bincount(seg, weights=values[:, j], minlength=count) for j in range(k)]
        ).reshape(count, k)
        / sizes[:, None]
    )
    dev = values - mean[seg]
    cross = np.empty((count, k, k))
    for i in range(count):
        part = dev[starts[i] : starts[i + 1]]
        cross[i] = part.T @ part
    square = np.diagonal(cross, axis1=1, axis2=2)
    with np.errstate(invalid="ignore", divide="ignore"):
        sd = np.sqrt(square / (sizes[:, None] - 1))
        if design:
            matrix = np.empty((len(values), k + 1))
            matrix[:, 0] = 1.0
            np.divide(dev, sd[seg], out=matrix[:, 1:])
        root = np.sqrt(square)
        corr = cross / (root[:, :, None] * root[:, None, :])
    diagonal = np.arange(k)
    corr[:, diagonal, diagonal] = np.where(sd > 0, 1.0, np.nan)
    return mean, sd, (matrix if design else None), corr


def _analyse(x, y, codes, offset, factors, resamples, seed, confidence, alpha):
    """All tables of one segmentation."""
    k = len(factors)
    names = np.array(factors, dtype=object)
    count = int(codes.max()) + 1 if codes.size and codes.max() >= 0 else 0
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
    starts = _starts(n[local])
    raw = x[rows]
    mean, sd, design, corr = _standardise(raw, starts)
    block = _Block(local, starts, raw, y[rows], design, corr)
    del raw, design

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
    fit = _newton(design, block.y, block.starts)
    models.loc[block.local, "converged"] = fit.converged
    models.loc[block.local, "iterations"] = fit.iterations
    for i in np.flatnonzero(~fit.converged):
        s = block.local[i]
        lo, hi = block.starts[i], block.starts[i + 1]
        kind = _separation(design[lo:hi], block.y[lo:hi])
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
        models.loc[fitted, "llr_p"] = stats.chi2.sf(llr, k)
        models.loc[fitted, "r2_mcfadden"] = 1.0 - loglik / loglik_null
        cox_snell = -np.expm1(-llr / sizes)
        models.loc[fitted, "r2_nagelkerke"] = cox_snell / -np.expm1(2.0 * loglik_null / sizes)

        # Relative weights, their ranks and bootstrap CIs
        r2 = _r2_observed(prob, block.y, block.row_segment, count_fitted)
        roots = _sqrtm_eigh(block.corr)
        weight = _relative_weights(coef, roots, r2)
        figures["weight"][fitted] = weight
        figures["importance"][fitted] = 100.0 * weight / weight.sum(axis=1, keepdims=True)
        order = np.argsort(-weight, axis=1, kind="stable")
        ranks = np.empty_like(order)
        np.put_along_axis(ranks, order, np.arange(1, k + 1)[None, :], axis=1)
        figures["rank"][fitted] = ranks
        models.loc[fitted, "r2_weights"] = weight.sum(axis=1)
        if resamples:
            low, high, used = _bootstrap(
                block, design, beta, hessian, prob, resamples, seed, confidence, roots
            )
            figures["weight_ci_low"][fitted] = low
            figures["weight_ci_high"][fitted] = high
            models.loc[fitted, "resamples"] = used
            low, high = _noise_contrast(block, resamples, seed, confidence)
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
    correlations = _correlation_table(block, offset, names, confidence)
    routes = _route_table(block, figures, offset, names, confidence, alpha)
    return models, drivers, correlations, routes


# -- logistic regression ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Fit:
    beta: np.ndarray  # segments × (1 + factors): intercept first
    hessian: np.ndarray  # the information matrix at beta
    loglik: np.ndarray
    converged: np.ndarray
    iterations: np.ndarray
    p: np.ndarray  # fitted probability per row


def _sigmoid(eta: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        out = np.exp(-eta)
    out += 1.0
    return np.reciprocal(out, out=out)


def _newton(design: np.ndarray, y: np.ndarray, starts: np.ndarray) -> _Fit:
    """Logistic regression of ``y`` on ``design`` in every segment at once.

    Newton–Raphson from zero. A step that would lower the log-likelihood is halved (the
    log-likelihood is concave, so a short enough step always raises it); a segment
    stops when no coefficient would move by more than :data:`TOLERANCE` × (1 + the
    largest), or after :data:`MAX_ITERATIONS` steps. Elementwise work is done for the
    rows of all active segments at once; each segment's Hessian, score and linear
    predictor come from a matrix product on its own rows, so a segment's figures do not
    depend on the other segments.
    """
    count, width = len(starts) - 1, design.shape[1]
    sizes = np.diff(starts)
    beta = np.zeros((count, width))
    eta = np.zeros(len(y))
    loglik = -sizes * np.log(2.0)
    converged = np.zeros(count, dtype=bool)
    iterations = np.zeros(count, dtype=np.int64)
    hessian = np.zeros((count, width, width))
    active = np.arange(count)
    while active.size:
        rows = _rows_of(active, starts)
        part = design[rows]
        p = _sigmoid(eta[rows])
        weighted = np.empty((len(p), width + 1))
        np.multiply(part, (p * (1.0 - p))[:, None], out=weighted[:, :width])
        np.subtract(y[rows], p, out=weighted[:, width])
        local = _starts(sizes[active])
        products = np.empty((len(active), width, width + 1))
        for a in range(len(active)):
            lo, hi = local[a], local[a + 1]
            products[a] = part[lo:hi].T @ weighted[lo:hi]
        hessian[active] = products[:, :, :width]
        with np.errstate(invalid="ignore", divide="ignore"):
            step = _solve_stack(products[:, :, :width], products[:, :, width])
        finite = np.isfinite(step).all(axis=1)
        largest = np.abs(np.where(finite[:, None], step, 0.0)).max(axis=1)
        done = finite & (largest <= TOLERANCE * (1.0 + np.abs(beta[active]).max(axis=1)))
        converged[active[done]] = True
        going = finite & ~done & (iterations[active] < MAX_ITERATIONS)
        active, step = active[going], step[going]
        iterations[active] += 1
        _line_search(design, y, starts, active, step, beta, eta, loglik)
    return _Fit(beta, hessian, loglik, converged, iterations, _sigmoid(eta))


def _line_search(design, y, starts, active, step, beta, eta, loglik) -> None:
    """Move ``beta``, ``eta`` and ``loglik`` of ``active`` along ``step``, halving it
    where the full step would lower the log-likelihood."""
    sizes = np.diff(starts)
    scale = np.ones(len(active))
    pending = np.arange(len(active))
    for _ in range(_HALVINGS):
        if not pending.size:
            return
        segments = active[pending]
        trial = beta[segments] + scale[pending, None] * step[pending]
        rows = _rows_of(segments, starts)
        local = _starts(sizes[segments])
        trial_eta = np.empty(local[-1])
        for a, s in enumerate(segments):
            trial_eta[local[a] : local[a + 1]] = design[starts[s] : starts[s + 1]] @ trial[a]
        terms = y[rows] * trial_eta - np.logaddexp(0.0, trial_eta)
        segment_of_row = np.repeat(np.arange(len(segments)), sizes[segments])
        trial_ll = np.bincount(segment_of_row, weights=terms, minlength=len(segments))
        old = loglik[segments]
        better = trial_ll >= old - 1e-12 * np.abs(old)
        accepted = segments[better]
        beta[accepted] = trial[better]
        loglik[accepted] = trial_ll[better]
        take = np.repeat(better, sizes[segments])
        if isinstance(rows, slice):
            eta[take] = trial_eta[take]
        else:
            eta[rows[take]] = trial_eta[take]
        pending = pending[~better]
        scale[pending] /= 2.0


def _rows_of(segments: np.ndarray, starts: np.ndarray):
    """The rows of ``segments`` (ascending): a slice when they are all the segments."""
    if len(segments) == len(starts) - 1:
        return slice(None)
    lengths = starts[segments + 1] - starts[segments]
    shift = starts[segments] - _starts(lengths)[:-1]
    return np.arange(int(lengths.sum())) + np.repeat(shift, lengths)


def _separation(design: np.ndarray, y: np.ndarray) -> str | None:
    """``"complete"``, ``"quasi_complete"`` or None: is use (quasi-)perfectly predicted?

    The linear-programming check of Konis (2007), as in R's ``detectseparation``: with
    s = 2y − 1, the data are separated when some coefficient vector b ≠ 0 has
    s_i·x̃_i'b ≥ 0 for every respondent (the likelihood then keeps rising along b), and
    completely separated when some b makes every s_i·x̃_i'b > 0.
    """
    signed = design * (2.0 * y - 1.0)[:, None]
    n, width = signed.shape
    bounds = [(-1.0, 1.0)] * width
    # maximise Σ s_i x̃_i'b subject to s_i x̃_i'b ≥ 0
    quasi = optimize.linprog(
        -signed.sum(axis=0), A_ub=-signed, b_ub=np.zeros(n), bounds=bounds, method="highs"
    )
    if quasi.status != 0 or -quasi.fun <= 1e-7 * n:
        return None
    # maximise t subject to s_i x̃_i'b ≥ t
    objective = np.zeros(width + 1)
    objective[-1] = -1.0
    complete = optimize.linprog(
        objective,
        A_ub=np.hstack([-signed, np.ones((n, 1))]),
        b_ub=np.zeros(n),
        bounds=[*bounds, (None, 1.0)],
        method="highs",
    )
    if complete.status == 0 and -complete.fun > 1e-7:
        return "complete"
    return "quasi_complete"


def _solve_stack(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Solve a stack of systems a·x = b; NaN for the singular ones."""
    try:
        return np.linalg.solve(a, b[..., None])[..., 0]
    except np.linalg.LinAlgError:
        out = np.full(b.shape, np.nan)
        for i in range(len(a)):
            with contextlib.suppress(np.linalg.LinAlgError):
                out[i] = np.linalg.solve(a[i], b[i])
        return out


# -- relative weights ------------------------------------------------------------------------


def _r2_observed(p: np.ndarray, y: np.ndarray, seg: np.ndarray, count: int) -> np.ndarray:
    """R_O²: the squared correlation of use and the fitted probabilities, per segment."""
    n = np.bincount(seg, minlength=count).astype(float)
    sp = np.bincount(seg, weights=p, minlength=count)
    sy = np.bincount(seg, weights=y, minlength=count)
    spp = np.bincount(seg, weights=p * p, minlength=count)
    spy = np.bincount(seg, weights=p * y, minlength=count)
    return _r2_from_sums(n, sy, sp, spp, spy)


def _r2_from_sums(n, sy, sp, spp, spy):
    with np.errstate(invalid="ignore", divide="ignore"):
        return (n * spy - sp * sy) ** 2 / ((n * spp - sp * sp) * (n * sy - sy * sy))


def _relative_weights(coef: np.ndarray, roots: np.ndarray, r2: np.ndarray) -> np.ndarray:
    """Johnson's relative weights for logistic regression, for a stack of models.

    ``coef``: (..., k) coefficients per SD of the factors; ``roots``: (..., k, k) the
    symmetric square roots Λ of the factors' correlation matrices; ``r2``: (...) R_O².
    """
    b = (roots @ coef[..., None])[..., 0]  # the coefficients on the orthogonal Z
    square = b * b
    with np.errstate(invalid="ignore", divide="ignore"):
        beta2 = square * (r2 / square.sum(axis=-1))[..., None]  # b'b = SD(logit ŷ)²
    return ((roots * roots) @ beta2[..., None])[..., 0]


def _sqrtm_eigh(matrices: np.ndarray) -> np.ndarray:
    """Symmetric square roots of symmetric positive definite matrices."""
    values, vectors = np.linalg.eigh(matrices)
    root = np.sqrt(np.clip(values, 0.0, None))
    return (vectors * root[..., None, :]) @ np.swapaxes(vectors, -1, -2)


def _sqrtm_near(matrices: np.ndarray, roots: np.ndarray) -> np.ndarray:
    """Square roots of resamples' correlation matrices, near their segment's.

    ``matrices``: (segments, resamples, k, k); ``roots``: (segments, k, k), each
    segment's Λ = R^½. A resample's R* differs from R by O(1/√n), so its root is found by
    the chord (simplified Newton) method for X² = R*: in the eigenbasis of R, where Λ is
    the diagonal D, each step solves D·E + E·D = R* − X² — a division by d_i + d_j — and
    adds E to X. In single precision this costs a quarter of an eigendecomposition per
    matrix. Steps stop when every X² matches its R* within :data:`_SQRT_TOLERANCE` (an
    error far below the bootstrap's Monte Carlo error); a matrix that does not by
    :data:`_SQRT_STEPS` steps (one far from R) gets an eigendecomposition instead.
    Non-finite matrices give NaN.
    """
    k = matrices.shape[-1]
    values, vectors = np.linalg.eigh(roots)
    basis = vectors[:, None]
    finite = np.isfinite(matrices).all(axis=(2, 3))
    diagonal = np.arange(k)
    start = np.zeros(matrices.shape, dtype=np.float32)
    start[..., diagonal, diagonal] = values[:, None, :]
    with np.errstate(invalid="ignore", over="ignore"):
        target = (np.swapaxes(basis, -1, -2) @ matrices @ basis).astype(np.float32)
        target[~finite] = start[~finite] @ start[~finite]  # converged from the start
        denominator = (values[:, None, :, None] + values[:, None, None, :]).astype(np.float32)
        x = start
        for _ in range(_SQRT_STEPS):
            residual = target - x @ x
            # a matrix stops at its own convergence, whatever the others in the batch do
            going = ~(np.abs(residual).max(axis=(2, 3)) <= _SQRT_TOLERANCE)
            if not going.any():
                break
            x += np.where(going[..., None, None], residual / denominator, 0.0)
        converged = np.abs(target - x @ x).max(axis=(2, 3)) <= _SQRT_TOLERANCE
    out = basis @ x.astype(float) @ np.swapaxes(basis, -1, -2)
    out[~finite] = np.nan
    redo = finite & ~converged
    if redo.any():
        out[redo] = _sqrtm_eigh(matrices[redo])
    return out


# -- the bootstrap ---------------------------------------------------------------------------


def _bootstrap(
    block, design, beta, hessian, prob, resamples, seed, confidence, roots, *, contrast=False
):
    """Percentile CIs of the relative weights of every segment of ``block``.

    Returns the lower and upper limits (segments × factors) and, per segment, the
    resamples behind them (those in which every factor varies). With ``contrast`` the
    last column of ``block`` is the added random variable and the limits are those of
    each other factor's weight minus its weight, resample by resample (segments ×
    (factors − 1)).
    """
    count, k = len(block.local), block.z.shape[1]
    upper = np.triu_indices(k)
    inverse = np.linalg.inv(hessian)
    width = k - 1 if contrast else k
    low = np.full((count, width), np.nan)
    high = np.full((count, width), np.nan)
    used = np.zeros(count, dtype=np.int64)
    quantiles = np.array([0.5 - confidence / 2, 0.5 + confidence / 2])
    for first in range(0, count, _SEGMENTS_PER_BATCH):
        batch = np.arange(first, min(count, first + _SEGMENTS_PER_BATCH))
        moments = np.empty((len(batch), resamples, 1 + k + len(upper[0])))
        slopes = np.empty((len(batch), resamples, k))
        r2 = np.empty((len(batch), resamples))
        for b, s in enumerate(batch):
            lo, hi = block.starts[s], block.starts[s + 1]
            moments[b], slopes[b], r2[b] = _resample(
                _seed(seed, block.x[lo:hi], block.y[lo:hi]),
                resamples,
                design[lo:hi],
                block.y[lo:hi],
                prob[lo:hi],
                beta[s],
                inverse[s],
                upper,
            )
        weights = _replicate_weights(moments, slopes, r2, roots[batch], upper)
        if contrast:
            weights = weights[..., :-1] - weights[..., -1:]
        ok = np.isfinite(weights).all(axis=2)
        used[batch] = ok.sum(axis=1)
        complete = used[batch] == resamples
        if complete.any():
            low[batch[complete]], high[batch[complete]] = np.quantile(
                weights[complete], quantiles, axis=1
            )
        for b in np.flatnonzero(~complete & (used[batch] > 0)):
            low[batch[b]], high[batch[b]] = np.quantile(weights[b][ok[b]], quantiles, axis=0)
    return low, high, used


def _noise_contrast(block, resamples, seed, confidence):
    """Each factor's weight against that of an added random variable, bootstrapped.

    Tonidandel, LeBreton & Johnson (2009): a standard normal variable, unrelated to
    use by construction, is added to every segment's model; the model with it is fitted
    and bootstrapped as the model itself (the same one-step resamples), and the
    percentile CI of, resample by resample, each factor's weight minus the random
    variable's is returned (segments × factors; NaN where the augmented model does not
    converge). The random variable is drawn from a seed of ``seed`` and the segment's
    own data, so it, and everything that follows, is the same for the same data.
    """
    count = len(block.local)
    noise = np.empty(len(block.y))
    for i in range(count):
        lo, hi = block.starts[i], block.starts[i + 1]
        rng = np.random.default_rng([*_seed(seed, block.x[lo:hi], block.y[lo:hi]), _NOISE_STREAM])
        noise[lo:hi] = rng.standard_normal(hi - lo)
    raw = np.column_stack([block.x, noise])
    _, _, design, corr = _standardise(raw, block.starts)
    augmented = _Block(block.local, block.starts, raw, block.y, design, corr)
    fit = _newton(design, block.y, block.starts)
    k = block.x.shape[1]
    low = np.full((count, k), np.nan)
    high = np.full((count, k), np.nan)
    ok = fit.converged
    if ok.any():
        kept = augmented.subset(ok)
        low[ok], high[ok], _ = _bootstrap(
            kept,
            kept.design,
            fit.beta[ok],
            fit.hessian[ok],
            fit.p[np.repeat(ok, block.sizes)],
            resamples,
            seed,
            confidence,
            _sqrtm_eigh(kept.corr),
            contrast=True,
        )
    return low, high


def _poisson_thresholds() -> np.ndarray:
    """16-bit thresholds: a uniform u ∈ [0, 2¹⁶) exceeds k of them with probability
    P(X = k), X ~ Poisson(1), to within 2⁻¹⁶ (counts above 8, p ≈ 10⁻⁶, are cut at 8)."""
    cdf = stats.poisson.cdf(np.arange(8), 1.0)
    return np.round(cdf * 65536).astype(np.uint16)


_POISSON = _poisson_thresholds()


def _resample_weights(seed, n: int, resamples: int):
    """Poisson(1) bootstrap weights in blocks of rows: (first row, resamples × rows).

    Every respondent's weight in every resample is an independent Poisson(1) count: the
    Poisson bootstrap (Hanley & MacGibbon 2006), which for segments of the sizes
    analysed here behaves as resampling n respondents with replacement,
    and needs neither the whole segment at once nor a count of drawn indices. Memory is
    bounded by :data:`_CHUNK_ROWS` rows; the same seed gives the same weights, so a second
    pass can draw them again.
    """
    rng = np.random.default_rng(seed)
    for lo in range(0, n, _CHUNK_ROWS):
        size = min(n - lo, _CHUNK_ROWS)
        uniform = np.frombuffer(rng.bytes(2 * resamples * size), dtype="<u2")
        counts = (uniform >= _POISSON[0]).view(np.uint8)
        for threshold in _POISSON[1:]:
            counts += uniform >= threshold
        yield lo, counts.reshape(resamples, size).astype(np.float32)


def _resample(seed, resamples, design, y, p, beta, inverse, upper):
    """One segment's resamples: weighted sums of 1, z and z_j·z_k, the coefficients (per
    the segment's SD) and R_O².

    Pass 1 sums, per resample, the weights, z, the products z_j·z_k, use, and each
    respondent's part of the one-step β* − β̂ = (n/Σw)·H⁻¹·Σ w(y − p̂)x̃. Pass 2 goes
    over the same weights again for the resamples' fitted probabilities, whose
    correlation with use is R_O². The row-level work is in single precision (rounding
    about 10⁻⁵ relative, far below the Monte Carlo error of the percentiles); the sums
    over blocks and everything after them are in double precision.
    """
    n, width = design.shape
    z = design[:, 1:]
    pairs = len(upper[0])
    # A segment of one block keeps its weights for pass 2; a larger one draws them again.
    kept = list(_resample_weights(seed, n, resamples)) if n <= _CHUNK_ROWS else None
    sums = np.zeros((resamples, width + pairs + width + 1))
    for lo, weights in kept or _resample_weights(seed, n, resamples):
        rows = slice(lo, lo + weights.shape[1])
        part = design[rows]
        features = np.hstack(
            [
                part,
                z[rows, upper[0]] * z[rows, upper[1]],
                ((y[rows] - p[rows])[:, None] * part) @ inverse,
                y[rows, None],
            ]
        ).astype(np.float32)
        sums += weights @ features
    total = sums[:, 0]
    with np.errstate(invalid="ignore", divide="ignore"):
        step = beta + sums[:, width + pairs : -1] * (n / total)[:, None]
    step[total == 0] = beta
    step32 = step.astype(np.float32)
    design32 = design.astype(np.float32)
    both = np.ones((n, 2), dtype=np.float32)
    both[:, 1] = y
    spread = np.zeros((resamples, 2))  # Σ w·p*, Σ w·p*·y
    square = np.zeros(resamples)  # Σ w·p*²
    for lo, weights in kept or _resample_weights(seed, n, resamples):
        rows = slice(lo, lo + weights.shape[1])
        fitted = _sigmoid(step32 @ design32[rows].T)
        weighted = weights * fitted
        spread += weighted @ both[rows]
        square += np.einsum("ij,ij->i", weighted, fitted)
    r2 = _r2_from_sums(total, sums[:, -1], spread[:, 0], square, spread[:, 1])
    return sums[:, : width + pairs], step[:, 1:], r2


def _replicate_weights(moments, slopes, r2, roots, upper):
    """Relative weights of every resample of a batch of segments: (segments, resamples, k).

    ``moments``: the resamples' sums of the weights, of z and of z_j·z_k (``upper``
    pairs); ``slopes``: the coefficients per the segment's SD; ``roots``: each segment's
    Λ.
    """
    k = slopes.shape[-1]
    with np.errstate(invalid="ignore", divide="ignore"):
        scaled = moments[..., 1:] / moments[..., :1]
        mean = scaled[..., :k]
        pairs = scaled[..., k:] - mean[..., upper[0]] * mean[..., upper[1]]
        cov = np.empty((*slopes.shape, k))
        cov[..., upper[0], upper[1]] = pairs
        cov[..., upper[1], upper[0]] = pairs
        sd = np.sqrt(np.diagonal(cov, axis1=-2, axis2=-1))
        corr = cov / (sd[..., :, None] * sd[..., None, :])
        coef = slopes * sd  # per the resample's own SD
    return _relative_weights(coef, _sqrtm_near(corr, roots), r2)


def _seed(seed: int, x: np.ndarray, y: np.ndarray) -> list[int]:
    """A seed from ``seed`` and the segment's data: the same data, the same resamples."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(np.ascontiguousarray(x, dtype=float).tobytes())
    digest.update(np.ascontiguousarray(y, dtype=float).tobytes())
    return [int(seed), *(int(w) for w in np.frombuffer(digest.digest(), dtype="<u4"))]


# -- correlations and routes -----------------------------------------------------------------


def _correlation_table(block, offset, names, confidence) -> pd.DataFrame:
    k = len(names)
    count = len(block.local)
    a, b = np.triu_indices(k, 1)
    n = np.repeat(block.sizes.astype(float), len(a))
    r = block.corr[:, a, b].reshape(-1)
    ranks = np.column_stack([_segment_ranks(block.x[:, j], block.starts) for j in range(k)])
    rank_corr = _standardise(ranks, block.starts, design=False)[3]
    rho = rank_corr[:, a, b].reshape(-1)
    low, high = _fisher_ci(r, n, confidence)
    return pd.DataFrame(
        {
            "segment": np.repeat(block.local + offset, len(a)).astype(np.int64),
            "factor_a": np.tile(names[a], count),
            "factor_b": np.tile(names[b], count),
            "n": n.astype(np.int64),
            "r": r,
            "r_ci_low": low,
            "r_ci_high": high,
            "p": _correlation_p(r, n),
            "spearman_rho": rho,
            "spearman_p": _correlation_p(rho, n),
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


def _fisher_ci(r, n, confidence):
    crit = special.ndtri(0.5 + confidence / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        centre = np.arctanh(r)
        half = crit / np.sqrt(n - 3)
    return np.tanh(centre - half), np.tanh(centre + half)


def _correlation_p(r, n):
    """Two-sided p of a correlation (t-test with n − 2 df), as scipy.stats.pearsonr."""
    with np.errstate(invalid="ignore", divide="ignore"):
        t = r * np.sqrt((n - 2) / ((1 - r) * (1 + r)))
        return np.clip(2.0 * stats.t.sf(np.abs(t), n - 2), 0.0, 1.0)


def _route_table(block, figures, offset, names, confidence, alpha) -> pd.DataFrame:
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
    use_p = _correlation_p(use_r, size[:, None])
    local = block.local
    coef, p = figures["coef"][local], figures["p"][local]
    r_low, r_high = _fisher_ci(block.corr, size[:, None, None], confidence)
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


def _concat(frames: list[pd.DataFrame], columns) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame({c: [] for c in columns})
    return pd.concat(frames, ignore_index=True)[list(columns)]
