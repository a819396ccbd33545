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

import numpy as np
import pandas as pd

from ..core.errors import N_, AdvisorError
from ..core.vocabulary import COMPARISON, PERMUTATION_BELOW
from ..survey import Survey
from ..survey.codebook import Factor
from .permutation import Sample, permutation_welch
from .segments import segment_codes, segment_parents
from .tests import hedges_g_delta, holm, mann_whitney, t_interval, welch

__all__ = [
    "COMPARISON_COLUMNS",
    "Comparison",
    "compare_groups",
    "filled_scores",
]

#: The statistics of one segment × factor comparison, in output order (the ``column``
#: figures of :data:`ism_advisor.core.vocabulary.COMPARISON`).
COMPARISON_COLUMNS = COMPARISON.columns


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
        :func:`~ism_advisor.stats.segments.segment_parents`; 0 for all respondents, None for row 0),
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
    u, mwu_p = mann_whitney(seg, v, in_x, n[1::2], n[0::2], count)
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
        diff = mean_x - mean_y
        gap_se, df, t, p = welch(diff, n_x, var_x, n_y, var_y)
        small = np.minimum(n_x, n_y) < PERMUTATION_BELOW
        # the permutation p replaces Welch's for these in compare_groups (NaN stays NaN)
        test = np.where(np.isnan(p), None, np.where(small, "permutation_welch", "welch"))
        samples.append(Sample(seg, v, in_x, n_x, n_y, small & ~np.isnan(p)))
        # the gap's 95% interval, as ttest_ind(equal_var=False).confidence_interval()
        gap_ci_low, gap_ci_high = t_interval(diff, gap_se, df)
        # Hedges' g: pooled SD, small-sample correction
        g, ci_low, ci_high = hedges_g_delta(
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
        "gap_ci_low": gap_ci_low,
        "gap_ci_high": gap_ci_high,
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
