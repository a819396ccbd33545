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
Percentile CIs from :data:`RESAMPLES` resamples of the segment's complete cases. Four
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
  small matrix products each (:func:`~ism_advisor.stats.drivers.weights.sqrtm_near`).
* Normal sums for large segments: a segment of :data:`N_STAR` (20,000) complete cases or
  more weights no row. A resample's pass-1 sums Σ wᵢfᵢ have mean S = Σ fᵢ and covariance
  C = Σ fᵢfᵢᵀ (a Poisson(1) weight has mean 1 and variance 1), and at that size they are
  close to normal: each resample's sums are drawn from N(S, C), C estimated on N* rows
  drawn without replacement, stratified by use (the smaller group whole when it has fewer
  than N*/4), its root by Cholesky (eigenvalues clipped at 0 when that fails). Pass 2 is
  linearised around β̂ (Σw p* ≈ Σw p̂ + (Σ p̂(1 − p̂)x̃)'(β* − β̂), likewise for Σw p*² and
  Σw p*y, the Σw p̂… drawn with the rest), and everything after the sums is the same as
  for the rows. The cost is one pass over the rows plus O(N*·m²) and O(resamples·m²)
  for m features (48 for seven factors), whatever the segment's size. Why this: the
  alternatives either break where the answer matters (an m-out-of-n bootstrap scaled by
  √(m/n) is off by √(n/m) for a factor without effect, whose weight ∝ β² is not smooth
  at 0) or need the weights' Jacobian through the matrix square root (a delta-method
  interval, symmetric around a weight near 0); normal sums are the asymptotic
  distribution of exactly the sums the row bootstrap draws, pushed through the same
  non-linear map, and drop only their skewness (O(1/√n)) and pass 2's second-order term.
  Why 20,000: below, the linearisation overstates R_O² (by one SD at n = 150) and the
  sums' skewness shows (at 600 the driver's lower limit moves by a tenth of the CI's
  width); at 20,000 and 100,000 the limits agree with a refitting bootstrap within 4
  combined Monte Carlo SEs (tests/test_bootstrap_large.py prints the largest \\|z\\|;
  against 600 refits: weights 3.5 at 20,000 and 1.0 at 100,000, noise contrast 2.2 and
  1.3; against 1,200 refits at 20,000: 3.1, the row bootstrap 2.2), and N* − 1 rows
  against N* normal sums of the same data agree within 0.7 SE. Below N* the row
  bootstrap is unchanged, bit for bit. The noise contrast's model of such a segment
  starts Newton–Raphson from (β̂, 0).

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

The package: :mod:`~ism_advisor.stats.drivers.analysis` (:func:`driver_analysis`,
:func:`priority_matrix`), :mod:`~ism_advisor.stats.drivers.columns` (settings and table
columns), :mod:`~ism_advisor.stats.drivers.blocks`, :mod:`~ism_advisor.stats.drivers.logistic`,
:mod:`~ism_advisor.stats.drivers.weights`, :mod:`~ism_advisor.stats.drivers.bootstrap` and
:mod:`~ism_advisor.stats.drivers.routes`.
"""

from __future__ import annotations

from .analysis import DriverAnalysis, driver_analysis, priority_matrix
from .columns import (
    ALPHA,
    CONFIDENCE,
    CORRELATION_COLUMNS,
    DRIVER_COLUMNS,
    GAP_THRESHOLD,
    MAX_ITERATIONS,
    MIN_PER_FACTOR,
    MODEL_COLUMNS,
    N_STAR,
    PRIORITY_COLUMNS,
    QUADRANTS,
    REASONS,
    RESAMPLES,
    ROUTE_COLUMNS,
    ROUTE_MIN_R,
    TOLERANCE,
    VIF_LIMIT,
)

__all__ = [
    "ALPHA",
    "CONFIDENCE",
    "CORRELATION_COLUMNS",
    "DRIVER_COLUMNS",
    "GAP_THRESHOLD",
    "MAX_ITERATIONS",
    "MIN_PER_FACTOR",
    "MODEL_COLUMNS",
    "N_STAR",
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
