"""Change between survey waves, per segment, factor and group, for all segments at once.

Six months after the advice the client asks: did it work? For every segment (all
respondents first, then each segmentation), every factor and every pair of waves compared
(each wave against the one before, and the first against the last when there are three or
more), :func:`compare_waves` gives

- the change in the mean score of users, of non-users and of all respondents: both means
  and ns, the difference (later − earlier) with its 95% CI and Welch p, Mann-Whitney U as
  a check, and Hedges' g;
- the change in the users-minus-non-users **gap** (difference in differences), in the gap
  orientation of :mod:`ism_advisor.stats.compare` (positive gap = non-users lag; for a
  higher-is-worse factor the gap is non-users − users): the coefficient of the group ×
  wave interaction in an OLS of the score on group, wave and group × wave, with HC2
  standard errors (:data:`GAP_COV_TYPE`) and Welch–Satterthwaite degrees of freedom;
- the adoption share of each wave and its change, with Newcombe's hybrid score interval
  and the "N − 1" two-proportion z-test (see below);
- with a respondent key that links the waves, the same figures for the people who answered
  both waves: paired t-test, Wilcoxon signed-rank as the check, the change in the gap
  between the earlier wave's users and non-users, and the adoption change of the same
  people with Newcombe's paired interval and the exact McNemar test.

Holm's correction runs over the factors within one segment, comparison and group, as in
the single-wave comparison. Nothing here hides small groups: every figure is computed, and
each row carries the respondent counts the disclosure stage needs to decide what to show.

As in :mod:`ism_advisor.stats.compare`, the work is vectorised over segments: cell sums come
from ``numpy.bincount`` over segment × wave × group codes, every comparison, factor and
group is derived from those cells with array arithmetic, and each scipy distribution
function is called a fixed number of times per segmentation, whatever the number of
segments.

Why HC2 and Welch–Satterthwaite for the gap: the model of score on group × wave is
saturated (one mean per group and wave), so each respondent's leverage is 1/n of their cell
and the HC covariances have closed forms: the variance of the interaction coefficient is
Σ SS_c/n_c² (HC0), that times N/(N − 4) (HC1), Σ s_c²/n_c (HC2) or Σ s_c²/(n_c − 1) (HC3)
over the four cells c, with SS_c the cell's sum of squared deviations and s_c² = SS_c/(n_c −
1). Only HC2 is unbiased whatever the cell variances (HC0 and HC1 understate the variance
of small cells, HC3 overstates it), and it is the very variance Welch's test uses, so the
gap's interval is built from the same per-cell variances as the users' and non-users'
intervals (for one group, HC2 *is* Welch's standard error). statsmodels'
``OLS(...).fit(cov_type="HC2")`` gives the same coefficient and standard error. For the
reference distribution, statsmodels uses the normal one for robust covariances, which is
too optimistic for the small cells segments produce; we use Student's t with the
Welch–Satterthwaite degrees of freedom of the four cells' own variances, (Σ v_c)² /
Σ v_c²/(n_c − 1) with v_c = s_c²/n_c: Satterthwaite's (1946) approximation for a sum of
independent variance estimates, which reduces to Welch's (1947) for two cells.

These are not Bell and McCaffrey's (2002) degrees of freedom, which Imbens and Kolesár
(2016) recommend with HC2: those are Satterthwaite's under a homoscedastic working model,
for this contrast (Σ 1/n_c)² / Σ 1/(n_c²(n_c − 1)) — the same formula with one common
variance in place of the cells' own, so they depend on the cell sizes alone. The two
differ most where the cells are small and their variances unequal. The calibration suite
(``benchmarks/calibration/waves.py``, in ``benchmarks/CALIBRATION.md``) measured both on
cells of 5 and 6 respondents with the same HC2 standard error: the Welch–Satterthwaite
degrees of freedom keep the false-positive rate at 5% within Monte Carlo error (5.1%
[4.7; 5.5] with normal scores, 4.0% with skewed 5-point answers, 4.5% when the users' SD
is a third of the non-users'; 12,000 tests each), Bell and McCaffrey's exceed it with
normal scores (5.6% [5.2; 6.0]) and with unequal variances (5.7% [5.3; 6.1]), so the
Welch–Satterthwaite ones stay.

Why the "N − 1" z-test for adoption: the pooled two-proportion z-test (Pearson's χ²) is
too liberal in small segments. The calibration suite (``adoption_study`` in
``benchmarks/calibration/waves.py``, 100,000 surveys) measured 5.4% false positives [5.3;
5.5] for segments of 10–20 respondents per wave with half of them users; multiplying χ²
by (N − 1)/N, N the respondents of both waves, as Egon Pearson (1947) proposed and
Campbell (2007) recommends for 2 × 2 tables, brings it to 4.8% [4.7; 5.0] (20–40
respondents: 5.2% → 5.0%), at little cost in power (the factor is 0.995 at N = 100).
Where both waves have exactly the same size and the users' share is exactly a half, the
rate of either test depends on the lattice of possible counts (5.7% for 50 against 50,
5.6% for 100 against 100, the same for both tests); only an exact test would avoid that.

The package: :mod:`~ism_advisor.stats.waves.compare` (:func:`compare_waves`, its input),
:mod:`~ism_advisor.stats.waves.independent` and :mod:`~ism_advisor.stats.waves.paired` (the
two kinds of samples), :mod:`~ism_advisor.stats.waves.tables` (columns, labelled rows,
Holm); the tests themselves are in :mod:`ism_advisor.stats.tests`.
"""

from __future__ import annotations

from ..tests import CONFIDENCE
from .compare import GAP_COV_TYPE, WaveComparison, compare_waves
from .tables import (
    ADOPTION_CHANGE_COLUMNS,
    ADOPTION_COLUMNS,
    CHANGE_COLUMNS,
    GROUPS,
    JSON_ADOPTION_CHANGE_FIELDS,
    JSON_ADOPTION_FIELDS,
    JSON_CHANGE_FIELDS,
    PAIRED_ADOPTION_CHANGE_COLUMNS,
)

__all__ = [
    "ADOPTION_CHANGE_COLUMNS",
    "ADOPTION_COLUMNS",
    "CHANGE_COLUMNS",
    "CONFIDENCE",
    "GAP_COV_TYPE",
    "GROUPS",
    "JSON_ADOPTION_CHANGE_FIELDS",
    "JSON_ADOPTION_FIELDS",
    "JSON_CHANGE_FIELDS",
    "PAIRED_ADOPTION_CHANGE_COLUMNS",
    "WaveComparison",
    "compare_waves",
]
