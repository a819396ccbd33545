"""The driver stage's settings and the columns of its tables (see
:mod:`ism_advisor.stats.drivers`)."""

from __future__ import annotations

#: A segment gets a driver model when its smaller group (users or non-users, complete
#: cases) has at least this many respondents per factor — the usual events-per-variable
#: rule for logistic regression (Peduzzi et al. 1996).
MIN_PER_FACTOR = 10


#: A factor whose variance inflation factor exceeds this is reported as collinear.
VIF_LIMIT = 5.0


#: Bootstrap resamples per segment (chosen by measurement: benchmarks/RESULTS.md).
RESAMPLES = 200


#: A segment with at least this many complete cases draws its bootstrap's sums from their
#: normal approximation instead of weighting every row (see :mod:`ism_advisor.stats.drivers`,
#: *The bootstrap*): its cost stops growing with its size. Below it, every resample weights
#: every row. Chosen by measurement (docs/statistics/computed.md): at this size both
#: methods agree with a refitting bootstrap within its Monte Carlo error; do not lower it
#: without rerunning ``test_the_two_methods_agree_at_the_threshold``.
N_STAR = 20_000


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
