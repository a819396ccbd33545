"""Users against non-users, per segment and factor, computed for all segments at once.

Every statistic is oriented so that positive means "non-users lag behind": ``x`` is the
group that should score better (users for a higher-is-better factor, non-users for a
higher-is-worse one) and ``y`` the other. The work is vectorised over segments: sums,
squares and rank sums come from ``numpy.bincount`` over segment codes, and each scipy
distribution function is called once per factor and segmentation, whatever the number of
segments.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations
from math import comb
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import special, stats

from ..core.errors import N_, AdvisorError
from ..core.vocabulary import COMPARISON, PERMUTATION_BELOW, PERMUTATIONS
from ..survey import Survey
from ..survey.codebook import Factor

__all__ = [
    "COMPARISON_COLUMNS",
    "PERMUTATIONS",
    "PERMUTATION_BELOW",
    "Comparison",
    "Sample",
    "compare_groups",
    "filled_scores",
    "holm",
    "permutation_welch",
    "segment_codes",
    "segment_parents",
]

#: The statistics of one segment × factor comparison, in output order (the ``column``
#: figures of :data:`ism_advisor.core.vocabulary.COMPARISON`).
COMPARISON_COLUMNS = COMPARISON.columns

#: comparisons whose relabellings are computed in one matrix product
_BATCH = 1_024
_SEED = 27  # mixed with the group sizes: see permutation_welch


@dataclass(frozen=True)
class Comparison:
    """Every figure of every segment, complete: nothing is hidden here.

    What may be shown is decided by :func:`ism_advisor.protect.disclosure.publish`; only its
    result reaches the rules, the document and the reports.

    Attributes
    ----------
    segments : one row per segment, all respondents first. Columns: ``spec`` (tuple of
        segment columns, ``()`` for all respondents), ``column`` and ``value`` (labels,
        None for all respondents), ``where`` (column → value), ``respondents``,
        ``users``, ``non_users``, ``parent`` (the row of the segment it lies within, see
        :func:`segment_parents`; 0 for all respondents, None for row 0),
        ``adoption_rate``.
    comparisons : one row per segment × factor (``segment`` is the row number in
        ``segments``, ``factor`` the factor id), with :data:`COMPARISON_COLUMNS`;
        ``p_holm`` and ``significant`` over all factors of the segment. Figures that
        cannot be computed (an empty group, zero variance) are NaN or infinite, as scipy
        gives them.
    correlations : Pearson correlations of the factor scores of all respondents, a missing
        score counted at its factor's mean (:func:`filled_scores`: the data the driver
        models use, so that no two published correlations rest on sets of respondents
        that differ by a few people).
    codes : per segmentation, each respondent's segment (its row number in ``segments``),
        or -1 for a blank value; the disclosure stage works on these.
    """

    segments: pd.DataFrame
    comparisons: pd.DataFrame
    correlations: pd.DataFrame
    factors: tuple[Factor, ...]
    alpha: float
    segment_by: tuple[tuple[str, ...], ...]
    codes: tuple[np.ndarray, ...] = ()


def compare_groups(
    survey: Survey,
    segment_by: Sequence[Sequence[str]] | None = None,
    *,
    alpha: float = 0.05,
) -> Comparison:
    """Compare users with non-users for all respondents and every segment (pure: every
    figure is computed; :func:`ism_advisor.protect.disclosure.publish` decides what is shown).

    Parameters
    ----------
    survey : a loaded survey.
    segment_by : segmentations; each is one column or a combination of columns
        (``[["organisation"], ["organisation", "department"]]``), named as in
        ``survey.segments``. By default the survey's own ``segment_by``.
    alpha : significance level for the Holm-adjusted p-values.

    Examples
    --------
    >>> from ism_advisor import load_codebook, load_survey
    >>> survey = load_survey("sample_data/scores.csv", load_codebook(), ["organisation"])
    >>> result = compare_groups(survey)
    >>> list(result.segments["value"])
    [None, 'Gemeente Rivierstad', 'TechnoBouw', 'Zorggroep Oost']
    """
    if not 0 < alpha < 1:
        raise AdvisorError(N_("alpha must lie between 0 and 1, got {value}"), value=alpha)
    specs: list[tuple[str, ...]] = [()]
    for spec in survey.segment_by if segment_by is None else segment_by:
        spec = tuple(spec)
        if spec and spec not in specs:
            specs.append(spec)
    factors = survey.codebook.factors
    is_user = np.asarray(survey.is_user, dtype=bool)

    seg_rows: list[dict] = []
    blocks: list[dict[str, np.ndarray]] = []
    rows_of: list[np.ndarray] = []
    for spec in specs:
        codes, labels = segment_codes(survey, spec)
        count = len(labels)
        if spec:
            rows_of.append(np.where(codes >= 0, codes + len(seg_rows), -1))
        users = np.bincount(codes[codes >= 0], weights=is_user[codes >= 0], minlength=count)
        respondents = np.bincount(codes[codes >= 0], minlength=count)
        for i, values in enumerate(labels):
            seg_rows.append(
                {
                    "spec": spec,
                    "column": "+".join(spec) if spec else None,
                    "value": " / ".join(values) if spec else None,
                    "where": dict(zip(spec, values, strict=True)),
                    "respondents": int(respondents[i]),
                    "users": int(users[i]),
                    "non_users": int(respondents[i] - users[i]),
                }
            )
        samples: list[Sample] = []
        for factor in factors:
            block = _factor_statistics(survey, factor, codes, count, is_user, samples)
            block["cronbach_alpha"] = _cronbach(survey, factor, codes, count)
            blocks.append(block)
        # one pass of the permutation test for all factors: they share its relabellings
        for block, p in zip(blocks[-len(factors) :], permutation_welch(samples), strict=True):
            block["p"] = np.where(block["permuted"], p, block["p"])
            del block["permuted"]

    parents = segment_parents(rows_of, len(seg_rows))
    segments = pd.DataFrame(seg_rows)
    segments["parent"] = pd.Series(parents, dtype=object)  # None, not NaN, for row 0
    for label in ("column", "value"):  # keep None, not NaN, for all respondents
        segments[label] = pd.Series([row[label] for row in seg_rows], dtype=object)
    segments["adoption_rate"] = segments["users"] / segments["respondents"]
    comparisons = _assemble(blocks, specs, segments, factors)
    p = comparisons["p"].to_numpy().reshape(len(segments), len(factors))
    p_holm = holm(p).reshape(-1)
    comparisons["p_holm"] = p_holm
    comparisons["significant"] = pd.array(
        np.where(np.isnan(p_holm), None, p_holm < alpha), dtype="boolean"
    )
    correlations = filled_scores(survey.scores).corr(method="pearson")
    return Comparison(
        segments=segments,
        comparisons=comparisons,
        correlations=correlations,
        factors=factors,
        alpha=alpha,
        segment_by=tuple(specs[1:]),
        codes=tuple(rows_of),
    )


def segment_parents(codes: Sequence[np.ndarray], count: int) -> list[int | None]:
    """Each segment's parent: the row of the segment it lies within, found from the data.

    ``codes`` holds, per segmentation, each respondent's segment row (-1: a blank value);
    ``count`` is the number of segment rows (all respondents first, row 0). Segmentation
    B *nests* in segmentation A when every segment of B lies within one segment of A
    (every department belongs to one organisation) and A is coarser (fewer segments; two
    segmentations that split the respondents alike nest in neither). A combination
    ``organisation+department`` always nests in ``organisation``; ``department`` nests in
    ``organisation`` only when no department name occurs under two organisations (then the
    path ``organisation/department`` makes them two segments). A segment's parent is a
    segment of the finest segmentation it nests in; the top of a hierarchy, and every
    segment of a segmentation that nests in none, has all respondents (row 0) as its
    parent. Row 0 has none.

    Examples
    --------
    >>> organisation = np.array([1, 1, 2, 2])
    >>> department = np.array([3, 4, 5, 5])
    >>> segment_parents([organisation, department], 6)
    [None, 0, 0, 1, 1, 2]
    >>> shared = np.array([3, 4, 3, 4])  # the same names under both organisations
    >>> segment_parents([organisation, shared], 5)
    [None, 0, 0, 0, 0]
    """
    parents: list[int | None] = [None] + [0] * (count - 1)
    sizes = [len(np.unique(c[c >= 0])) for c in codes]
    # a segmentation's single parent within each candidate coarser segmentation
    for b, child in enumerate(codes):
        shown = child >= 0
        best: tuple[int, dict[int, int]] | None = None
        for a, parent in enumerate(codes):
            if a == b or sizes[a] >= sizes[b]:
                continue
            # the distinct (segment, parent) pairs, as one number each
            pairs = np.unique(child[shown] * (count + 1) + parent[shown] + 1)
            segment, parent_row = np.divmod(pairs, count + 1)
            parent_row -= 1
            if (parent_row < 0).any() or len(np.unique(segment)) != len(pairs):
                continue  # a segment spans two parents, or respondents without one
            if best is None or sizes[a] > best[0]:
                best = (sizes[a], dict(zip(segment.tolist(), parent_row.tolist(), strict=True)))
        if best is not None:
            for segment, parent_row in best[1].items():
                parents[segment] = parent_row
    return parents


def filled_scores(scores: pd.DataFrame) -> pd.DataFrame:
    """``scores`` with each missing score replaced by its factor's mean over every
    respondent who has one (a new frame; the input is not modified).

    Every correlation the tool publishes — the correlation matrix of all respondents and
    each driver model's figures — is computed on these scores, so each rests on *every*
    respondent of its segment. Computed on the respondents with a score (pairwise or
    complete cases), the matrix of all respondents and a driver model would rest on sets
    that differ by whoever skipped a factor, and comparing the two gives that person's
    answers (see the README's *Anonymity*). The filled-in value is the same figure in
    every segment, and a factor's mean follows from its published comparisons, so a
    filled-in score says nothing about its respondent; the driver stage publishes a model
    only where at most :data:`ism_advisor.protect.published_drivers.MAX_MISSING` of its respondents
    have
    a score filled in, few enough not to bend the figures (Schafer 1999).

    Examples
    --------
    >>> frame = pd.DataFrame({"pe": [1.0, None, 3.0], "ee": [2.0, 4.0, None]})
    >>> filled_scores(frame).to_numpy().tolist()
    [[1.0, 2.0], [2.0, 4.0], [3.0, 3.0]]
    """
    return scores.fillna(scores.mean())


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


def segment_codes(survey: Survey, spec: tuple[str, ...]) -> tuple[np.ndarray, list[tuple]]:
    """Each respondent's segment number in ``spec`` (-1: a blank value) and the values."""
    n = survey.respondents
    if not spec:
        return np.zeros(n, dtype=np.int64), [()]
    combined = np.zeros(n, dtype=np.int64)
    valid = np.ones(n, dtype=bool)
    categories = []
    for column in spec:
        values = survey.segments[column].cat
        codes = values.codes.to_numpy().astype(np.int64)
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


def _factor_statistics(
    survey: Survey,
    factor: Factor,
    codes: np.ndarray,
    count: int,
    is_user: np.ndarray,
    samples: list[Sample],
) -> dict[str, np.ndarray]:
    """The factor's figures per segment; appends to ``samples`` what the permutation test
    needs (its p replaces Welch's for the segments it marks)."""
    values = survey.scores[factor.id].to_numpy(dtype=float)
    ok = (codes >= 0) & ~np.isnan(values)
    seg, v = codes[ok], values[ok]
    # x: the group that should score better
    in_x = is_user[ok] if factor.higher_is_better else ~is_user[ok]
    key = seg * 2 + in_x  # 2s + 1: x, 2s: y
    n = np.bincount(key, minlength=2 * count).astype(float)
    u, mwu_p = _mann_whitney(seg, v, in_x, n[1::2], n[0::2], count)
    # Empty and one-person groups give NaN and infinities, as scipy does; such groups are
    # never published (see disclosure).
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.bincount(key, weights=v, minlength=2 * count) / n
        centred = v - mean[key]
        square = centred**2
        var = np.bincount(key, weights=square, minlength=2 * count) / (n - 1)
        # third and fourth central moments (divided by n), for g's interval
        m3 = np.bincount(key, weights=square * centred, minlength=2 * count) / n
        m4 = np.bincount(key, weights=square * square, minlength=2 * count) / n
        n_y, n_x = n[0::2], n[1::2]
        mean_y, mean_x = mean[0::2], mean[1::2]
        var_y, var_x = var[0::2], var[1::2]
        # Welch's t-test, as scipy.stats.ttest_ind(x, y, equal_var=False)
        vn_x, vn_y = var_x / n_x, var_y / n_y
        df = (vn_x + vn_y) ** 2 / (vn_x**2 / (n_x - 1) + vn_y**2 / (n_y - 1))
        df = np.where(np.isnan(df), 1.0, df)  # scipy's convention for zero variances
        diff = mean_x - mean_y
        gap_se = np.sqrt(vn_x + vn_y)
        t = diff / gap_se
        p = 2.0 * stats.t.sf(np.abs(t), df)
        small = np.minimum(n_x, n_y) < PERMUTATION_BELOW
        # the permutation p replaces Welch's for these in compare_groups (NaN stays NaN)
        test = np.where(np.isnan(p), None, np.where(small, "permutation_welch", "welch"))
        samples.append(Sample(seg, v, in_x, n_x, n_y, small & ~np.isnan(p)))
        # the gap's 95% interval, as ttest_ind(equal_var=False).confidence_interval()
        gap_margin = special.stdtrit(df, 0.975) * gap_se
        # Hedges' g: pooled SD, small-sample correction
        g, ci_low, ci_high = _hedges_g(
            diff, (n_x, var_x, m3[1::2], m4[1::2]), (n_y, var_y, m3[0::2], m4[0::2])
        )
        rank_biserial = 2 * u / (n_x * n_y) - 1
    users, non_users = ((n_x, mean_x, var_x), (n_y, mean_y, var_y))
    if not factor.higher_is_better:
        users, non_users = non_users, users
    return {
        "users_n": users[0],
        "users_mean": users[1],
        "users_sd": np.sqrt(users[2]),
        "non_users_n": non_users[0],
        "non_users_mean": non_users[1],
        "non_users_sd": np.sqrt(non_users[2]),
        "gap": diff,
        "gap_ci_low": diff - gap_margin,
        "gap_ci_high": diff + gap_margin,
        "t": t,
        "df": df,
        "p": p,
        "permuted": small & ~np.isnan(p),
        "test": test.astype(object),
        "hedges_g": g,
        "hedges_g_ci_low": ci_low,
        "hedges_g_ci_high": ci_high,
        "mwu_u": u,
        "mwu_p": mwu_p,
        "rank_biserial": rank_biserial,
    }


def _hedges_g(
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


class Sample(NamedTuple):
    """One factor's scores for :func:`permutation_welch`: per respondent its segment
    (``seg``), score (``v``) and group (``in_x``); per segment the group sizes and whether
    to test it (``chosen``)."""

    seg: np.ndarray
    v: np.ndarray
    in_x: np.ndarray
    n_x: np.ndarray
    n_y: np.ndarray
    chosen: np.ndarray


def permutation_welch(samples: Sequence[Sample]) -> list[np.ndarray]:
    """Per sample, the two-sided permutation p-values of Welch's t for its ``chosen``
    segments (NaN for the others), vectorised over segments and samples.

    The statistic is |t| of Welch's test; its null distribution comes from relabelling the
    respondents of a segment: every split into groups of ``n_x`` and ``n_y`` when there are
    at most :data:`PERMUTATIONS` of them (an exact p, the observed split counted), otherwise
    :data:`PERMUTATIONS` random splits and p = (1 + at least as extreme) / (1 +
    PERMUTATIONS), as ``scipy.stats.permutation_test`` computes it (one-sided on |t|, with
    its relative tolerance for ties). The random splits are drawn from
    ``numpy.random.default_rng([27, smaller, larger])`` (group sizes; |t| is the same
    whichever group is called x): the same group sizes get the same splits,
    whatever else is in the file, so that the same input gives the same p. Respondents keep
    the file's order within their segment. Segments with the same group sizes, of every
    sample, are computed together, as matrix products of their (centred) scores with the
    splits' indicators.

    Examples
    --------
    >>> seg = np.zeros(8, dtype=np.int64)
    >>> v = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 9.0])
    >>> in_x = np.array([0, 0, 0, 0, 1, 1, 1, 1], dtype=bool)
    >>> four, yes = np.array([4.0]), np.array([True])
    >>> permutation_welch([Sample(seg, v, in_x, four, four, yes)])
    [array([0.02857143])]
    """
    outs = [np.full(len(sample.n_x), np.nan) for sample in samples]
    work: dict[tuple[int, int], list[tuple[int, np.ndarray, np.ndarray, bool]]] = {}
    sorted_samples = []
    for number, sample in enumerate(samples):
        wanted = sample.chosen & (sample.n_x >= 2) & (sample.n_y >= 2)
        if not wanted.any():
            sorted_samples.append(None)
            continue
        order = np.argsort(sample.seg, kind="stable")
        seg = sample.seg[order]
        start = np.searchsorted(seg, np.arange(len(sample.n_x)))
        sorted_samples.append((sample.v[order], sample.in_x[order]))
        rows = np.flatnonzero(wanted)
        sizes = np.stack([sample.n_x[rows], sample.n_y[rows]], axis=1).astype(np.int64)
        keys, inverse = np.unique(sizes, axis=0, return_inverse=True)
        for k, (size_x, size_y) in enumerate(keys.tolist()):
            mine = rows[inverse.reshape(-1) == k]
            # |t| is the same whichever group is x: the smaller one is, so that both
            # orientations (higher-is-better and higher-is-worse factors) share the splits
            flip = size_x > size_y
            pair = (size_y, size_x) if flip else (size_x, size_y)
            work.setdefault(pair, []).append((number, mine, start[mine], flip))
    for (size_x, size_y), parts in sorted(work.items()):
        n = size_x + size_y
        splits, exact = _splits(size_x, size_y)
        added = 0.0 if exact else 1.0  # a random set: the observed split counts too
        # every sample's segments of these sizes, as rows of one matrix
        values = np.concatenate(
            [
                sorted_samples[number][0][starts[:, None] + np.arange(n)]
                for number, _, starts, _ in parts
            ]
        )
        labels = np.concatenate(
            [
                sorted_samples[number][1][starts[:, None] + np.arange(n)] != flip
                for number, _, starts, flip in parts
            ]
        ).astype(float)
        values -= values.mean(axis=1, keepdims=True)
        p = np.empty(len(values))
        for batch in range(0, len(values), _BATCH):
            part = slice(batch, batch + _BATCH)
            observed = _welch_abs_t(values[part], labels[part], size_x, size_y, each=True)
            null = _welch_abs_t(values[part], splits, size_x, size_y)
            # scipy's tolerance for ties; an infinite |t| (both groups without variance) is
            # matched by the splits that give it too
            gamma = np.abs(np.finfo(float).eps * 100 * observed)
            with np.errstate(invalid="ignore"):
                bound = np.where(np.isinf(observed), observed, observed - gamma)
                extreme = (null >= bound[:, None]).sum(axis=1)
            p[part] = np.where(
                np.isnan(observed), np.nan, (extreme + added) / (len(splits) + added)
            )
        done = 0
        for number, rows, _, _ in parts:
            outs[number][rows] = p[done : done + len(rows)]
            done += len(rows)
    return outs


def _splits(size_x: int, size_y: int) -> tuple[np.ndarray, bool]:
    """The x-indicators (splits × respondents) of the relabellings: all of them if there
    are at most :data:`PERMUTATIONS`, otherwise that many seeded random ones (x: the
    ``size_x`` smallest of uniform random keys)."""
    n = size_x + size_y
    if comb(n, size_x) <= PERMUTATIONS:
        splits = np.zeros((comb(n, size_x), n))
        for row, members in enumerate(combinations(range(n), size_x)):
            splits[row, list(members)] = 1.0
        return splits, True
    rng = np.random.default_rng([_SEED, size_x, size_y])
    keys = rng.random((PERMUTATIONS, n))
    kth = np.partition(keys, size_x - 1, axis=1)[:, size_x - 1 : size_x]
    return (keys <= kth).astype(float), False


def _welch_abs_t(
    values: np.ndarray, labels: np.ndarray, size_x: int, size_y: int, *, each: bool = False
) -> np.ndarray:
    """|Welch's t| of each row of ``values`` (centred scores) under each split of
    ``labels`` (splits × respondents: rows × splits), or, with ``each``, under its own row
    of ``labels`` (one figure per row)."""
    total = values.sum(axis=1, keepdims=True)
    squares = (values**2).sum(axis=1, keepdims=True)
    if each:
        sum_x = (values * labels).sum(axis=1, keepdims=True)
        sq_x = (values**2 * labels).sum(axis=1, keepdims=True)
    else:  # one pass over the splits for both sums
        sum_x, sq_x = np.split(np.concatenate([values, values**2]) @ labels.T, 2)
    mean_x = sum_x / size_x
    mean_y = (total - sum_x) / size_y
    with np.errstate(invalid="ignore", divide="ignore"):
        var_x = np.maximum(sq_x - size_x * mean_x**2, 0.0) / (size_x - 1)
        var_y = np.maximum(squares - sq_x - size_y * mean_y**2, 0.0) / (size_y - 1)
        t = np.abs(mean_x - mean_y) / np.sqrt(var_x / size_x + var_y / size_y)
    return t[:, 0] if each else t


def _mann_whitney(
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


def _cronbach(survey: Survey, factor: Factor, codes: np.ndarray, count: int) -> np.ndarray:
    """Cronbach's α of the factor's items per segment (listwise deletion); NaN if none."""
    answers = survey.items.get(factor.id)
    if answers is not None:  # an item no one was asked is no item of this survey's scale
        answers = answers.loc[:, answers.notna().any().to_numpy()]
    if answers is None or answers.shape[1] < 2:
        return np.full(count, np.nan)
    matrix = answers.to_numpy(dtype=float)
    ok = (codes >= 0) & ~np.isnan(matrix).any(axis=1)
    seg, matrix = codes[ok], matrix[ok]
    k = matrix.shape[1]
    n = np.bincount(seg, minlength=count).astype(float)

    def variance(column: np.ndarray) -> np.ndarray:
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.bincount(seg, weights=column, minlength=count) / n
            return np.bincount(seg, weights=(column - mean[seg]) ** 2, minlength=count) / (n - 1)

    item_var = sum(variance(matrix[:, j]) for j in range(k))
    total_var = variance(matrix.sum(axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        alpha = k / (k - 1) * (1 - item_var / total_var)
    alpha[~np.isfinite(alpha)] = np.nan
    return alpha


def _assemble(
    blocks: list[dict[str, np.ndarray]],
    specs: list[tuple[str, ...]],
    segments: pd.DataFrame,
    factors: tuple[Factor, ...],
) -> pd.DataFrame:
    """One row per segment × factor, segments in order, factors in codebook order."""
    frames = []
    offset = 0
    per_spec = len(factors)
    for s, _spec in enumerate(specs):
        spec_blocks = blocks[s * per_spec : (s + 1) * per_spec]
        count = len(spec_blocks[0]["gap"])
        segment_index = np.repeat(np.arange(offset, offset + count), len(factors))
        data = {"segment": segment_index, "factor": np.tile([f.id for f in factors], count)}
        for column in COMPARISON_COLUMNS:
            if column in ("p_holm", "significant"):
                continue
            data[column] = np.stack([b[column] for b in spec_blocks], axis=1).reshape(-1)
        frames.append(pd.DataFrame(data))
        offset += count
    table = pd.concat(frames, ignore_index=True)
    assert offset == len(segments)  # every segment has its comparisons
    table["p_holm"] = np.nan
    table["significant"] = pd.array([None] * len(table), dtype="boolean")
    return table[["segment", "factor", *COMPARISON_COLUMNS]]
