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
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special, stats

from ..core.errors import N_, AdvisorError
from .compare import _mann_whitney, holm

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

#: The groups of a change row, in output order; ``gap`` is the change in the gap.
GROUPS = ("users", "non_users", "all", "gap")

#: The heteroscedasticity-consistent covariance of the change in the gap (see the module
#: docstring for the reasons); statsmodels' ``cov_type`` of the same name gives the same
#: standard error.
GAP_COV_TYPE = "HC2"

#: The confidence level of every interval.
CONFIDENCE = 0.95

#: The columns of :attr:`WaveComparison.changes` and :attr:`WaveComparison.paired_changes`.
CHANGE_COLUMNS = (
    "segment",
    "factor",
    "group",
    "from_wave",
    "to_wave",
    "from_mean",
    "to_mean",
    "from_n",
    "to_n",
    "difference",
    "ci_low",
    "ci_high",
    "p",
    "p_holm",
    "significant",
    "improvement",
    "se",
    "df",
    "hedges_g",
    "hedges_g_ci_low",
    "hedges_g_ci_high",
    "check",
    "check_p",
    "from_users_n",
    "from_non_users_n",
    "to_users_n",
    "to_non_users_n",
)

#: The columns of :attr:`WaveComparison.adoption`.
ADOPTION_COLUMNS = ("segment", "wave", "users", "non_users", "respondents", "share")

#: The columns of :attr:`WaveComparison.adoption_change`.
ADOPTION_CHANGE_COLUMNS = (
    "segment",
    "from_wave",
    "to_wave",
    "from_users",
    "from_respondents",
    "from_share",
    "to_users",
    "to_respondents",
    "to_share",
    "difference",
    "ci_low",
    "ci_high",
    "p",
    "significant",
)

#: The columns of :attr:`WaveComparison.paired_adoption_change`.
PAIRED_ADOPTION_CHANGE_COLUMNS = (
    "segment",
    "from_wave",
    "to_wave",
    "pairs",
    "from_users",
    "to_users",
    "started",
    "stopped",
    "difference",
    "ci_low",
    "ci_high",
    "p",
    "significant",
    "from_only",
    "to_only",
)

#: The fields of one entry of a segment's ``changes`` list in the JSON document, each the
#: column of the same name in :attr:`WaveComparison.changes` (or ``paired_changes``).
JSON_CHANGE_FIELDS = (
    "factor",
    "group",
    "from_wave",
    "to_wave",
    "from_mean",
    "to_mean",
    "from_n",
    "to_n",
    "difference",
    "ci_low",
    "ci_high",
    "p",
    "p_holm",
)
#: The fields of one entry of a segment's ``adoption`` list (columns of ``adoption``).
JSON_ADOPTION_FIELDS = ("wave", "users", "respondents", "share")
#: The fields of a segment's ``adoption_change`` (columns of ``adoption_change``).
JSON_ADOPTION_CHANGE_FIELDS = ("from_wave", "to_wave", "difference", "ci_low", "ci_high", "p")

Array = np.ndarray
_HALF_ALPHA = (1 - CONFIDENCE) / 2
_Z = float(special.ndtri(1 - _HALF_ALPHA))


@dataclass(frozen=True)
class WaveComparison:
    """The change tables of a run over several waves.

    Attributes
    ----------
    segments : one row per segment, all respondents first, in the order and with the labels
        of :func:`ism_advisor.stats.compare.compare_groups`: ``spec`` (tuple of segment columns,
        ``()`` for all respondents), ``column`` and ``value`` (labels, None for all
        respondents) and ``where`` (column → value). A segment present in any wave is
        listed. A respondent with a blank segment value is left out of that segmentation.
    changes : independent samples; one row per segment × comparison × factor × group (in
        that order: comparisons as in ``comparisons``, factors as given, groups as
        :data:`GROUPS`), with :data:`CHANGE_COLUMNS`:

        - ``segment``: row number in ``segments``; ``factor``: the factor column;
          ``group``: ``users``, ``non_users``, ``all`` or ``gap``;
        - ``from_wave``, ``to_wave``: the wave labels (text) compared, earlier first;
        - ``from_mean``, ``to_mean``: the group's mean score in each wave; for ``gap`` the
          gap in each wave (gap orientation: positive = non-users lag);
        - ``from_n``, ``to_n``: respondents with a score in each wave (for ``gap``: users
          plus non-users);
        - ``difference`` = ``to_mean`` − ``from_mean``, with the 95% interval ``ci_low``,
          ``ci_high``, two-sided ``p``, its standard error ``se`` and degrees of freedom
          ``df``. Groups: Welch's test of the later against the earlier wave, as
          ``scipy.stats.ttest_ind(later, earlier, equal_var=False)`` and its
          ``confidence_interval``. ``gap``: the difference in differences, the group ×
          wave coefficient (signed to the gap orientation) of an OLS with
          :data:`GAP_COV_TYPE` errors, t with the Welch–Satterthwaite degrees of freedom of
          the four cells' own variances (not Bell–McCaffrey's; see the module docstring);
        - ``p_holm``: Holm over the factors of one segment, comparison and group;
          ``significant`` = ``p_holm < alpha`` (nullable boolean, NA without a p);
        - ``improvement``: the difference in the favourable direction: ``difference`` for
          a higher-is-better factor, −``difference`` for a higher-is-worse one, and
          −``difference`` for ``gap`` (a gap that shrinks is an improvement);
        - ``hedges_g`` of the later against the earlier wave and its 95% interval, as
          ``pingouin.compute_effsize(later, earlier, eftype="hedges")`` and
          ``pingouin.compute_esci``; NaN for ``gap``;
        - ``check``, ``check_p``: the rank-based check and its p: ``mann_whitney``
          (``scipy.stats.mannwhitneyu(later, earlier)``, asymptotic, tie- and
          continuity-corrected) for the groups, None and NaN for ``gap``;
        - ``from_users_n``, ``from_non_users_n``, ``to_users_n``, ``to_non_users_n``:
          the respondents with a score behind the row, per wave and group (for the
          disclosure stage; ``users`` rows count no non-users, and so on).
    adoption : one row per segment × wave, :data:`ADOPTION_COLUMNS`: ``users``,
        ``non_users``, ``respondents`` (everyone with a usage answer in the segment) and
        ``share`` = users / respondents (NaN without respondents).
    adoption_change : one row per segment × comparison, :data:`ADOPTION_CHANGE_COLUMNS`:
        both waves' counts and shares, ``difference`` = later − earlier share, Newcombe's
        hybrid score interval (``ci_low``, ``ci_high``; statsmodels'
        ``confint_proportions_2indep(..., method="newcomb")``), ``p`` of the "N − 1"
        two-proportion z-test (Pearson's χ² of the 2 × 2 table, as
        ``scipy.stats.chi2_contingency(table, correction=False)``, times (N − 1)/N;
        Campbell 2007), ``significant`` = ``p < alpha``.
    paired_changes : with a respondent key, the same rows and columns as ``changes`` for
        the people who answered both waves of a comparison (None without a key). A pair
        counts in the segment and group (user or non-user) it had in the *earlier* wave,
        so that ``users`` and ``non_users`` are the same people in both waves; ``from_n`` =
        ``to_n`` = the pairs with a score in both waves. Groups: the paired t-test
        (``scipy.stats.ttest_rel(later, earlier)``), ``hedges_g`` as
        ``pingouin.compute_effsize(later, earlier, paired=True, eftype="hedges")`` with
        ``compute_esci(..., paired=True)``, check ``wilcoxon``
        (``scipy.stats.wilcoxon(later, earlier, correction=True,
        method="asymptotic")``). ``gap``: the change in the gap between the earlier
        wave's users and non-users, i.e. the difference of their mean changes, Welch's
        test on the changes (the same as an OLS of the change on the group with HC2
        errors); check ``mann_whitney`` on the changes. The counts ``to_users_n`` and
        ``to_non_users_n`` repeat the earlier wave's groups.

        Why the earlier wave's groups: people move between the groups (they start or stop
        using the platform), so "users in both waves" would select people by the outcome
        the campaign aims at, and a gap between the later wave's groups compares other
        people than the earlier gap. Fixed groups (cohorts) make the paired gap a true
        difference in differences of the same people; those who started using the
        platform stay in ``non_users`` and their change counts there (the cohort analysis
        of an intervention).
    paired_adoption_change : with a respondent key, one row per segment × comparison,
        :data:`PAIRED_ADOPTION_CHANGE_COLUMNS`: ``pairs``, users among them in each wave,
        ``started`` (non-user → user) and ``stopped`` (user → non-user), ``difference`` =
        (started − stopped) / pairs, Newcombe's paired interval (method 10, Newcombe
        1998), ``p`` of the exact McNemar test (statsmodels'
        ``mcnemar(table, exact=True)``), and the respondents left out: ``from_only``
        (earlier wave, no answer in the later one; counted in their earlier segment) and
        ``to_only`` (the reverse; counted in their later segment).
    waves : the wave labels in time order.
    comparisons : the (earlier, later) wave labels compared, in output order.
    factors : the factor columns, in output order.
    higher_is_worse : the factors where a higher score is worse.
    alpha : the significance level of ``significant``.
    segment_by : the segmentations after all respondents.
    """

    segments: pd.DataFrame
    changes: pd.DataFrame
    adoption: pd.DataFrame
    adoption_change: pd.DataFrame
    paired_changes: pd.DataFrame | None
    paired_adoption_change: pd.DataFrame | None
    waves: tuple[str, ...]
    comparisons: tuple[tuple[str, str], ...]
    factors: tuple[str, ...]
    higher_is_worse: frozenset[str]
    alpha: float
    segment_by: tuple[tuple[str, ...], ...]


def compare_waves(
    data: pd.DataFrame,
    factors: Sequence[str],
    *,
    wave: str = "wave",
    user: str = "is_user",
    segment_by: Sequence[str | Sequence[str]] = (),
    waves: Sequence[Hashable] | None = None,
    higher_is_worse: Iterable[str] = (),
    respondent: str | None = None,
    alpha: float = 0.05,
) -> WaveComparison:
    """Compare survey waves: change per segment, factor and group, and adoption growth.

    Parameters
    ----------
    data : one row per respondent per wave (all waves stacked), never modified.
    factors : the factor score columns (float; NaN where a respondent has no score).
    wave : the column naming each row's wave.
    user : the column telling users (True) from non-users (False); boolean, no blanks.
    segment_by : segmentations, each a column or a sequence of columns (a combination,
        e.g. ``["organisation", ["organisation", "department"]]``). Segment values are
        ordered as the column's categories, or sorted when it is not categorical.
    waves : the wave labels in time order. By default the categories of a categorical
        ``wave`` column, else the order in which the labels first appear in ``data``.
    higher_is_worse : the factors where a higher score is worse (for the gap orientation
        and ``improvement``).
    respondent : a column with a key that identifies a respondent across waves; adds the
        paired tables. A blank key is never matched.
    alpha : the significance level for ``significant``.

    Returns
    -------
    WaveComparison
        See its attributes for every table and column.

    Raises
    ------
    AdvisorError
        When the data name fewer than two waves, a respondent key appears twice in one
        wave, or ``alpha`` is not between 0 and 1.
    ValueError
        When a column is missing, ``user`` is not boolean, or a wave label is blank or
        not among ``waves`` (the loader validates these with the file's row numbers).

    Examples
    --------
    >>> data = pd.DataFrame(
    ...     {
    ...         "wave": ["spring"] * 4 + ["autumn"] * 4,
    ...         "is_user": [True, True, False, False] * 2,
    ...         "effort": [2.0, 3.0, 4.0, 5.0, 2.0, 3.0, 3.0, 4.0],
    ...     }
    ... )
    >>> result = compare_waves(data, ["effort"], higher_is_worse=["effort"])
    >>> result.changes[["group", "from_mean", "to_mean", "difference"]]
           group  from_mean  to_mean  difference
    0      users        2.5      2.5         0.0
    1  non_users        4.5      3.5        -1.0
    2        all        3.5      3.0        -0.5
    3        gap        2.0      1.0        -1.0
    >>> result.adoption_change[["from_wave", "to_wave", "difference"]]
      from_wave to_wave  difference
    0    spring  autumn         0.0
    """
    if not 0 < alpha < 1:
        raise AdvisorError(N_("alpha must lie between 0 and 1, got {value}"), value=alpha)
    factors = tuple(factors)
    worse = frozenset(higher_is_worse)
    specs: list[tuple[str, ...]] = [()]
    for spec in segment_by:
        spec = (spec,) if isinstance(spec, str) else tuple(spec)
        if spec and spec not in specs:
            specs.append(spec)
    _check_columns(data, factors, worse, wave, user, specs, respondent)
    wave_code, labels = _wave_codes(data[wave], waves)
    if len(labels) < 2:
        raise AdvisorError(
            N_("comparing survey waves needs at least two waves, got {count}"),
            count=len(labels),
        )
    is_user = _booleans(data[user], user)
    values = [data[f].to_numpy(dtype=float) for f in factors]  # views where already float
    sign = np.array([-1.0 if f in worse else 1.0 for f in factors])
    count_w = len(labels)
    pairs = [(a, a + 1) for a in range(count_w - 1)]
    if count_w > 2:
        pairs.append((0, count_w - 1))
    matched = None
    if respondent is not None:
        keys = _respondent_codes(data[respondent], wave_code, labels)
        matched = _match(keys, wave_code, count_w, pairs)

    seg_rows: list[dict] = []
    found: dict[str, list[pd.DataFrame]] = {}
    for spec in specs:
        codes, seg_labels = _segment_codes(data, spec)
        offset = len(seg_rows)
        for values_ in seg_labels:
            seg_rows.append(
                {
                    "spec": spec,
                    "column": "+".join(spec) if spec else None,
                    "value": " / ".join(values_) if spec else None,
                    "where": dict(zip(spec, values_, strict=True)),
                }
            )
        count = len(seg_labels)
        cells = _Cells.build(codes, count, wave_code, count_w, is_user, values)
        frames = {
            "changes": _independent_changes(cells, codes, wave_code, is_user, values, sign, pairs),
            "adoption": _adoption(cells),
            "adoption_change": _adoption_change(cells, pairs),
        }
        if matched is not None:
            frames["paired_changes"] = _paired_changes(matched, codes, count, is_user, values, sign)
            frames["paired_adoption_change"] = _paired_adoption(matched, codes, count, is_user)
        for name, frame in frames.items():
            frame["segment"] += offset
            found.setdefault(name, []).append(frame)

    segments = pd.DataFrame(seg_rows)
    for label in ("column", "value"):  # keep None, not NaN, for all respondents
        segments[label] = pd.Series([row[label] for row in seg_rows], dtype=object)
    wave_text = tuple(str(label) for label in labels)
    tables = {
        name: _finish(pd.concat(frames, ignore_index=True), factors, wave_text, pairs, alpha)
        for name, frames in found.items()
    }
    return WaveComparison(
        segments=segments,
        changes=tables["changes"],
        adoption=tables["adoption"],
        adoption_change=tables["adoption_change"],
        paired_changes=tables.get("paired_changes"),
        paired_adoption_change=tables.get("paired_adoption_change"),
        waves=wave_text,
        comparisons=tuple((wave_text[a], wave_text[b]) for a, b in pairs),
        factors=factors,
        higher_is_worse=worse,
        alpha=alpha,
        segment_by=tuple(specs[1:]),
    )


# -- input ---------------------------------------------------------------------------------


def _check_columns(
    data: pd.DataFrame,
    factors: tuple[str, ...],
    worse: frozenset[str],
    wave: str,
    user: str,
    specs: list[tuple[str, ...]],
    respondent: str | None,
) -> None:
    if not factors:
        raise ValueError("no factors to compare")
    if len(set(factors)) != len(factors):
        raise ValueError(f"factors named twice: {factors}")
    unknown = sorted(worse - set(factors))
    if unknown:
        raise ValueError(f"higher_is_worse names columns that are not factors: {unknown}")
    wanted = [wave, user, *factors, *(c for spec in specs for c in spec)]
    if respondent is not None:
        wanted.append(respondent)
    missing = [c for c in dict.fromkeys(wanted) if c not in data.columns]
    if missing:
        raise ValueError(f"columns missing from the data: {missing}")


def _wave_codes(column: pd.Series, waves: Sequence[Hashable] | None) -> tuple[np.ndarray, list]:
    """Each row's wave number (0 = earliest) and the wave labels in time order."""
    if waves is not None:
        labels = list(waves)
        if len(set(labels)) != len(labels):
            raise ValueError(f"waves named twice: {labels}")
        codes = pd.Index(labels).get_indexer(column).astype(np.int64)
    elif isinstance(column.dtype, pd.CategoricalDtype):
        labels = list(column.cat.categories)
        codes = column.cat.codes.to_numpy().astype(np.int64)
    else:
        codes, uniques = pd.factorize(column, sort=False)
        labels = list(uniques)
    if (codes < 0).any():
        raise ValueError(
            f"{int((codes < 0).sum())} rows have a blank wave or one not among {labels}"
        )
    return codes, labels


def _booleans(column: pd.Series, name: str) -> np.ndarray:
    if column.dtype == bool or (str(column.dtype) == "boolean" and not column.isna().any()):
        return column.to_numpy(dtype=bool)
    raise ValueError(f"column {name!r} must be boolean without blanks, got {column.dtype}")


def _respondent_codes(column: pd.Series, wave_code: np.ndarray, labels: list) -> np.ndarray:
    """Each row's respondent number (-1: no key); a key may appear once per wave."""
    keys, uniques = pd.factorize(column, sort=False)
    keys = keys.astype(np.int64)
    count_w = len(labels)
    known = keys >= 0
    seen = np.bincount(keys[known] * count_w + wave_code[known], minlength=len(uniques) * count_w)
    twice = (seen > 1).reshape(len(uniques), count_w)
    if twice.any():
        first = int(np.flatnonzero(twice.any(axis=0))[0])
        # the key itself may be personal data (an e-mail address): name only the wave
        raise AdvisorError(
            N_(
                "respondent ids occur more than once in wave '{wave}';"
                " each respondent answers a wave once"
            ),
            wave=str(labels[first]),
        )
    return keys


def _segment_codes(data: pd.DataFrame, spec: tuple[str, ...]) -> tuple[np.ndarray, list[tuple]]:
    """Each row's segment number in ``spec`` (-1: a blank value) and the segments' values.

    Numbered and labelled as :func:`ism_advisor.stats.compare.compare_groups` does, so that the
    two results line up segment by segment.
    """
    n = len(data)
    if not spec:
        return np.zeros(n, dtype=np.int64), [()]
    combined = np.zeros(n, dtype=np.int64)
    valid = np.ones(n, dtype=bool)
    categories = []
    for column in spec:
        values = pd.Categorical(data[column])
        codes = values.codes.astype(np.int64)
        valid &= codes >= 0
        combined = combined * (len(values.categories) + 1) + codes
        categories.append(values.categories)
    present, inverse = np.unique(combined[valid], return_inverse=True)
    codes = np.full(n, -1, dtype=np.int64)
    codes[valid] = inverse
    labels = []
    for key in present.tolist():
        parts = []
        for cats in reversed(categories):
            key, code = divmod(key, len(cats) + 1)
            parts.append(str(cats[code]))
        labels.append(tuple(reversed(parts)))
    return codes, labels


# -- the tests, on arrays of any shape ----------------------------------------------------


def _t_interval(diff: Array, se: Array, df: Array) -> tuple[Array, Array, Array]:
    """Two-sided p and the interval of ``diff`` with standard error ``se``, Student's t."""
    with np.errstate(invalid="ignore", divide="ignore"):
        t = diff / se
        p = 2.0 * stats.t.sf(np.abs(t), df)
        margin = stats.t.ppf(1 - _HALF_ALPHA, df) * se
        return p, diff - margin, diff + margin


def _welch(diff: Array, n_x: Array, var_x: Array, n_y: Array, var_y: Array) -> tuple[Array, ...]:
    """Welch's test of x against y, as ``scipy.stats.ttest_ind(x, y, equal_var=False)``.

    Returns ``se``, ``df``, ``p``, ``ci_low``, ``ci_high``.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        vn_x, vn_y = var_x / n_x, var_y / n_y
        df = (vn_x + vn_y) ** 2 / (vn_x**2 / (n_x - 1) + vn_y**2 / (n_y - 1))
        se = np.sqrt(vn_x + vn_y)
    df = np.where(np.isnan(df), 1.0, df)  # scipy's convention (zero variances)
    return (se, df, *_t_interval(diff, se, df))


def _hedges(
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
        margin = stats.t.ppf(1 - _HALF_ALPHA, dof) * se
        return g, g - margin, g + margin


def _gap_change(n0: Array, v0: Array, n1: Array, v1: Array) -> tuple[Array, Array]:
    """The HC2 standard error and Welch–Satterthwaite df (the cells' own variances, not
    Bell–McCaffrey's) of a 2 × 2 difference in differences.

    ``n0``, ``v0`` (earlier wave) and ``n1``, ``v1`` (later wave) hold the cells' n and
    variance with the two groups on the last axis. See the module docstring.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        n = np.concatenate([n0, n1], axis=-1)
        part = np.concatenate([v0, v1], axis=-1) / n  # s_c² / n_c: HC2
        var = part.sum(axis=-1)
        df = var**2 / (part**2 / (n - 1)).sum(axis=-1)
    df = np.where(np.isnan(df), 1.0, df)  # zero variances: as Welch
    return np.sqrt(var), df


def _wilson(count: Array, n: Array) -> tuple[Array, Array]:
    """Wilson's score interval of count / n, as statsmodels' ``proportion_confint``."""
    with np.errstate(invalid="ignore", divide="ignore"):
        q = count / n
        z2 = _Z**2
        denominator = 1 + z2 / n
        center = (q + z2 / (2 * n)) / denominator
        half = _Z * np.sqrt(q * (1 - q) / n + z2 / (4 * n**2)) / denominator
    return center - half, center + half


def _newcombe(count1: Array, n1: Array, count2: Array, n2: Array) -> tuple[Array, Array, Array]:
    """p1 − p2 and Newcombe's hybrid score interval (independent samples, method 10)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        p1, p2 = count1 / n1, count2 / n2
    low1, high1 = _wilson(count1, n1)
    low2, high2 = _wilson(count2, n2)
    diff = p1 - p2
    low = diff - np.sqrt((p1 - low1) ** 2 + (high2 - p2) ** 2)
    high = diff + np.sqrt((p2 - low2) ** 2 + (high1 - p1) ** 2)
    return diff, low, high


def _newcombe_paired(
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
    low1, high1 = _wilson(row1, n)
    low2, high2 = _wilson(col1, n)
    diff = p1 - p2
    d1, d2 = p1 - low1, high2 - p2
    low = diff - np.sqrt(d1**2 + d2**2 - 2 * phi * d1 * d2)
    d1, d2 = p2 - low2, high1 - p1
    high = diff + np.sqrt(d1**2 + d2**2 - 2 * phi * d1 * d2)
    return diff, low, high


def _pooled_z(count1: Array, n1: Array, count2: Array, n2: Array) -> Array:
    """Two-sided p of the "N − 1" two-proportion z-test (see the module docstring): the
    pooled z (statsmodels' ``proportions_ztest``; z² is Pearson's χ²) times √((N − 1)/N)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        total = n1 + n2
        pooled = (count1 + count2) / total
        z = (count1 / n1 - count2 / n2) / np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
        z = z * np.sqrt((total - 1) / total)
    return 2.0 * special.ndtr(-np.abs(z))


def _mcnemar_exact(first_only: Array, second_only: Array) -> Array:
    """p of the exact McNemar test, as statsmodels' ``mcnemar(table, exact=True)``."""
    smaller = np.minimum(first_only, second_only)
    return np.minimum(1.0, 2.0 * stats.binom.cdf(smaller, first_only + second_only, 0.5))


def _wilcoxon(seg: np.ndarray, d: np.ndarray, count: int) -> np.ndarray:
    """p of the signed-rank test of ``d`` per segment code.

    As ``scipy.stats.wilcoxon(d, zero_method="wilcox", correction=True,
    method="asymptotic")``: zeros dropped, average ranks for ties with the tie-corrected
    variance, a continuity correction of one half. The rank sum of the positive
    differences is the Mann-Whitney rank sum of "positive" among the absolute differences,
    so the ranks come from :func:`ism_advisor.stats.compare._mann_whitney`.
    """
    nonzero = d != 0
    seg, d = seg[nonzero], d[nonzero]
    if len(d) == 0:
        return np.full(count, np.nan)
    positive = d > 0
    size = np.abs(d)
    n = np.bincount(seg, minlength=count).astype(float)
    n_pos = np.bincount(seg, weights=positive, minlength=count)
    u, _ = _mann_whitney(seg, size, positive, n_pos, n - n_pos, count)
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


def _mwu_p(seg: Array, v: Array, in_x: Array, n_x: Array, n_y: Array, count: int) -> Array:
    """Mann-Whitney p per segment code; NaN where a group is empty."""
    if len(v) == 0:
        return np.full(count, np.nan)
    _, p = _mann_whitney(seg, v, in_x, n_x, n_y, count)
    return np.where((n_x > 0) & (n_y > 0), p, np.nan)


# -- independent samples -------------------------------------------------------------------


@dataclass(frozen=True)
class _Cells:
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
    ) -> _Cells:
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
            moments[:, f] = _cell_moments(key, values[f][ok], size)
        n, mean, ss = moments.reshape(3, factors, count, count_w, 2).transpose(0, 2, 1, 3, 4)
        pooled = _pool(n[..., 0], mean[..., 0], ss[..., 0], n[..., 1], mean[..., 1], ss[..., 1])
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


def _cell_moments(key: Array, v: Array, size: int) -> tuple[Array, Array, Array]:
    """n, mean and the sum of squared deviations from the mean, per key (two passes)."""
    n = np.bincount(key, minlength=size).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.bincount(key, weights=v, minlength=size) / n
    ss = np.bincount(key, weights=(v - mean[key]) ** 2, minlength=size)
    return n, mean, ss


def _pool(
    n_a: Array, mean_a: Array, ss_a: Array, n_b: Array, mean_b: Array, ss_b: Array
) -> tuple[Array, Array, Array]:
    """n, mean and SS of two cells taken together (Chan, Golub & LeVeque's update)."""
    n = n_a + n_b
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (n_a * np.nan_to_num(mean_a) + n_b * np.nan_to_num(mean_b)) / n
        between = n_a * n_b / n * (np.nan_to_num(mean_b) - np.nan_to_num(mean_a)) ** 2
    return n, mean, ss_a + ss_b + np.nan_to_num(between)


def _independent_changes(
    cells: _Cells,
    codes: np.ndarray,
    wave_code: np.ndarray,
    is_user: np.ndarray,
    values: list[np.ndarray],
    sign: np.ndarray,
    pairs: list[tuple[int, int]],
) -> pd.DataFrame:
    """The ``changes`` rows of one segmentation (codes for labels, see :func:`_finish`)."""
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
    se, df, p, low, high = _welch(diff, n1, v1, n0, v0)
    g, g_low, g_high = _hedges(diff, n1, v1, n0, v0)
    check_p = np.empty(n0.shape)
    for f in range(factors):
        check_p[:, :, f] = _mwu_by_comparison(
            codes, count, wave_code, is_user, values[f], pairs, cells.n[:, f]
        )

    s = sign[None, None, :]
    gap0 = s * (m0[..., 1] - m0[..., 0])
    gap1 = s * (m1[..., 1] - m1[..., 0])
    gap_se, gap_df = _gap_change(n0[..., :2], v0[..., :2], n1[..., :2], v1[..., :2])
    gap_p, gap_low, gap_high = _t_interval(gap1 - gap0, gap_se, gap_df)
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
        "from_users_n": _group_counts(n0[..., 1], zero, n0[..., 1]),
        "from_non_users_n": _group_counts(zero, n0[..., 0], n0[..., 0]),
        "to_users_n": _group_counts(n1[..., 1], zero, n1[..., 1]),
        "to_non_users_n": _group_counts(zero, n1[..., 0], n1[..., 0]),
    }
    frame = _frame(block, ("segment", "comparison", "factor", "group"))
    frame["check"] = pd.Series(np.where(frame["group"] < 3, "mann_whitney", None), dtype=object)
    return frame


def _group_counts(users: np.ndarray, non_users: np.ndarray, both: np.ndarray) -> np.ndarray:
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
        by_group = _mwu_p(
            seg * 2 + is_user[ok],
            values,
            later,
            n[:, b, :2].reshape(-1),
            n[:, a, :2].reshape(-1),
            2 * count,
        )
        out[:, c, :2] = by_group.reshape(count, 2)
        out[:, c, 2] = _mwu_p(seg, values, later, n[:, b, 2], n[:, a, 2], count)
    return out


def _adoption(cells: _Cells) -> pd.DataFrame:
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
    return _frame(block, ("segment", "wave"))


def _adoption_change(cells: _Cells, pairs: list[tuple[int, int]]) -> pd.DataFrame:
    a = [p[0] for p in pairs]
    b = [p[1] for p in pairs]
    users0, n0 = cells.users[:, a], cells.respondents[:, a]
    users1, n1 = cells.users[:, b], cells.respondents[:, b]
    diff, low, high = _newcombe(users1, n1, users0, n0)
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
        "p": _pooled_z(users1, n1, users0, n0),
    }
    return _frame(block, ("segment", "comparison"))


# -- paired samples ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Pairs:
    """The respondents of one comparison: rows of the pairs and of those left out."""

    earlier: np.ndarray  # row numbers, in row order of the earlier wave
    later: np.ndarray  # the same respondents' rows in the later wave
    earlier_only: np.ndarray  # rows of the earlier wave without a later answer
    later_only: np.ndarray


def _match(
    keys: Array, wave_code: Array, count_w: int, pairs: list[tuple[int, int]]
) -> list[_Pairs]:
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
            _Pairs(
                earlier=in_a[partner >= 0],
                later=partner[partner >= 0],
                earlier_only=in_a[partner < 0],
                later_only=in_b[back < 0],
            )
        )
    return matched


def _paired_changes(
    matched: list[_Pairs],
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
                cell_n, cell_mean, cell_ss = _cell_moments(key, x, 2 * count)
                cell_n, cell_mean, cell_ss = (
                    a.reshape(count, 2) for a in (cell_n, cell_mean, cell_ss)
                )
                whole = _pool(
                    cell_n[:, 0], cell_mean[:, 0], cell_ss[:, 0],
                    cell_n[:, 1], cell_mean[:, 1], cell_ss[:, 1],
                )  # fmt: skip
                n[:, c, f] = np.column_stack([cell_n, whole[0]])
                means[i, :, c, f] = np.column_stack([cell_mean, whole[1]])
                ss[i, :, c, f] = np.column_stack([cell_ss, whole[2]])
            group_n = n[:, c, f]
            check[:, c, f, :2] = _wilcoxon(key, d, 2 * count).reshape(count, 2)
            check[:, c, f, 2] = _wilcoxon(s, d, count)
            check[:, c, f, 3] = _mwu_p(s, d, u, group_n[:, 1], group_n[:, 0], count)

    with np.errstate(invalid="ignore", divide="ignore"):
        var = ss / (n - 1)
    m0, m1, md = means
    v0, v1, vd = var
    with np.errstate(invalid="ignore", divide="ignore"):
        se = np.sqrt(vd / n)
    df = n - 1
    p, low, high = _t_interval(md, se, df)
    g, g_low, g_high = _hedges(m1 - m0, n, v1, n, v0, paired=True)

    s = sign[None, None, :]
    gap0 = s * (m0[..., 1] - m0[..., 0])
    gap1 = s * (m1[..., 1] - m1[..., 0])
    gap_diff = s * (md[..., 1] - md[..., 0])
    gap_se, gap_df, gap_p, gap_low, gap_high = _welch(
        gap_diff, n[..., 1], vd[..., 1], n[..., 0], vd[..., 0]
    )
    nan = np.full(gap0.shape, np.nan)
    zero = np.zeros(gap0.shape)

    def rows(groups: np.ndarray, gap: np.ndarray) -> np.ndarray:
        return np.concatenate([groups[..., [1, 0, 2]], gap[..., None]], axis=-1)

    users_n = _group_counts(n[..., 1], zero, n[..., 1])
    non_users_n = _group_counts(zero, n[..., 0], n[..., 0])
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
    frame = _frame(block, ("segment", "comparison", "factor", "group"))
    frame["check"] = np.where(frame["group"] < 3, "wilcoxon", "mann_whitney")
    return frame


def _paired_adoption(
    matched: list[_Pairs], codes: np.ndarray, count: int, is_user: np.ndarray
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
    diff, low, high = _newcombe_paired(both, started, stopped, neither)
    block["difference"] = diff
    block["ci_low"] = low
    block["ci_high"] = high
    block["p"] = np.where(block["pairs"] > 0, _mcnemar_exact(started, stopped), np.nan)
    return _frame(block, ("segment", "comparison"))


# -- tables --------------------------------------------------------------------------------


def _frame(block: dict[str, np.ndarray], axes: tuple[str, ...]) -> pd.DataFrame:
    """One row per element of the arrays in ``block``, with their index on ``axes``."""
    shape = next(iter(block.values())).shape
    index = np.indices(shape).reshape(len(shape), -1)
    data = {axis: index[i] for i, axis in enumerate(axes)}
    data.update({name: array.reshape(-1) for name, array in block.items()})
    return pd.DataFrame(data)


_COUNTS = frozenset(
    {
        "from_n",
        "to_n",
        "from_users_n",
        "from_non_users_n",
        "to_users_n",
        "to_non_users_n",
        "users",
        "non_users",
        "respondents",
        "from_users",
        "from_respondents",
        "to_users",
        "to_respondents",
        "pairs",
        "started",
        "stopped",
        "from_only",
        "to_only",
    }
)


def _finish(
    frame: pd.DataFrame,
    factors: tuple[str, ...],
    waves: tuple[str, ...],
    pairs: list[tuple[int, int]],
    alpha: float,
) -> pd.DataFrame:
    """Labels for the index codes, Holm and ``significant``, counts as integers."""
    frame = frame.copy()
    for name in _COUNTS.intersection(frame.columns):
        frame[name] = frame[name].astype(np.int64)
    if "wave" in frame:
        frame["wave"] = np.array(waves, dtype=object)[frame["wave"].to_numpy()]
        return frame[list(ADOPTION_COLUMNS)]
    comparison = frame.pop("comparison").to_numpy()
    frame["from_wave"] = np.array([waves[a] for a, _ in pairs], dtype=object)[comparison]
    frame["to_wave"] = np.array([waves[b] for _, b in pairs], dtype=object)[comparison]
    if "factor" not in frame:
        p = frame["p"].to_numpy()
        frame["significant"] = pd.array(np.where(np.isnan(p), None, p < alpha), dtype="boolean")
        columns = PAIRED_ADOPTION_CHANGE_COLUMNS if "pairs" in frame else ADOPTION_CHANGE_COLUMNS
        return frame[list(columns)]
    frame["factor"] = np.array(factors, dtype=object)[frame["factor"].to_numpy()]
    frame["group"] = np.array(GROUPS, dtype=object)[frame["group"].to_numpy()]
    # Holm over the factors of one segment, comparison and group
    shape = (-1, len(pairs), len(factors), len(GROUPS))
    p = frame["p"].to_numpy().reshape(shape).transpose(0, 1, 3, 2)
    adjusted = holm(p.reshape(-1, len(factors))).reshape(p.shape).transpose(0, 1, 3, 2)
    frame["p_holm"] = adjusted.reshape(-1)
    frame["significant"] = pd.array(
        np.where(np.isnan(frame["p_holm"]), None, frame["p_holm"] < alpha), dtype="boolean"
    )
    return frame[list(CHANGE_COLUMNS)]
