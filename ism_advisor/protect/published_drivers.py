"""The driver stage: which shown segments get a driver model, and what of it is published.

:func:`~ism_advisor.stats.drivers.driver_analysis` and
:func:`~ism_advisor.stats.drivers.priority_matrix`
are the statistics; this stage applies them to the survey's segments under the
disclosure stage's decisions (:attr:`~ism_advisor.protect.disclosure.Published.driver_cases`):

* a model is computed only for a segment that is shown and whose comparisons are all
  shown — nothing is fitted on a hidden segment, nor on hidden answers;
* a model rests on **every** respondent of its segment: a missing factor score counts at
  that factor's mean over all respondents (:func:`~ism_advisor.stats.compare.filled_scores`,
  the data the correlation matrix of all respondents is computed on as well);
* such a segment whose smaller group has fewer than
  :data:`~ism_advisor.stats.drivers.MIN_PER_FACTOR` respondents per factor is "too small for a
  driver analysis" (reason ``too_small``), and one where more than :data:`MAX_MISSING` of
  the respondents lack a score on some factor has no model either (reason
  :data:`REASON_MISSING`): both publish only the number of respondents;
* the priority matrix puts each factor's importance against the *published* gap and
  its Holm-adjusted significance, so a quadrant never rests on a hidden figure.

Why every respondent, and not the complete cases
------------------------------------------------
A model fitted on the respondents with a score on every factor (the complete cases) rests
on a set of people that differs from every other published set — the segment, a factor's
comparison, the correlation matrix of all respondents, another segment's model — by
whoever skipped a factor. When that is one person, the two sets' correlations are
equations in that person's answers, and solving them gives the answers (issue 24: one
respondent who left a few items blank, recovered exactly from the JSON). Two remedies
keep every difference of published sets at zero or at least the minimum group size: not
publishing a model whose complete cases differ from some published set by 1 to k − 1
people, or fitting it on a set that differs from the segment by none. The first would
take the driver analysis away from nearly every real survey (a few blanks are the rule;
the sample's 600 respondents have six), and the other differences it must rule out
(another factor's answers, another segment's model, sums over segments) multiply. The
second is chosen: the model's respondents *are* the segment's, whose counts, and every
factor's sums, are published and checked already; a filled-in score is the factor's
mean over all respondents, a figure that follows from the published comparisons, the
same in every segment, so it adds nothing a reader could set against another figure.
Filling in the mean shrinks correlations where many scores are missing, so a model is
published only where at most :data:`MAX_MISSING` of its respondents have a score filled
in (a missing rate of 5% or less is inconsequential: Schafer 1999, "Multiple imputation:
a primer"). The driver figures are published to three significant digits
(:data:`ism_advisor.protect.published_drivers.MODEL_DIGITS`).

The bootstrap is seeded (:data:`SEED`) and each segment's draws depend on its own data
only, so the same input gives byte-identical figures.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..stats.compare import Comparison, filled_scores
from ..stats.drivers import MIN_PER_FACTOR, RESAMPLES, driver_analysis, priority_matrix
from ..survey import Survey
from .disclosure import Published

__all__ = [
    "MAX_MISSING",
    "MODEL_DIGITS",
    "REASON_HIDDEN",
    "REASON_MISSING",
    "SEED",
    "PublishedDrivers",
    "analyse_drivers",
    "significant",
    "significant_array",
]

#: The bootstrap's seed (mixed with a hash of each segment's data).
SEED = 20150701
#: A shown segment without a driver model because the disclosure stage hides some of the
#: figures it would rest on (a comparison).
REASON_HIDDEN = "hidden"
#: A shown segment without a driver model because too many of its respondents lack a
#: score on some factor: more than :data:`MAX_MISSING` of them.
REASON_MISSING = "missing_scores"
#: The largest share of a segment's respondents with a factor score filled in for which
#: its driver model is published.
MAX_MISSING = 0.05
#: Significant digits of every published driver figure (the JSON, and so every report,
#: deck and brief; the rule facts too). Three: a figure's last digit then lies well inside
#: its own uncertainty — at the smallest model, 70 users and 70 non-users, a correlation's
#: 95% interval spans about ±0.16, an odds ratio's about ±20%, a relative weight's
#: bootstrap interval more — which is all a reader can use (the reports show two
#: decimals). Coarser figures also carry less of the data into equations a reader could
#: solve, and keep the bytes the same on every numpy build (2.4 on Python 3.11 and 2.5 on
#: 3.13 give relative weights 1e-15 apart: tests/test_pythons.py).
MODEL_DIGITS = 3


@dataclass(frozen=True)
class PublishedDrivers:
    """The published driver figures, by segment row (as :attr:`Published.segments`).

    Attributes
    ----------
    models : one row per segment: ``n`` (the model's respondents: every respondent of the
        segment; NaN where not published), ``fitted``, ``reason`` (None when fitted, else
        ``too_small``, :data:`REASON_MISSING`, the model's own reasons —
        ``constant_factor``, ``singular``, ``separation``, ``no_convergence`` — or
        :data:`REASON_HIDDEN`; None for a hidden segment, which has no model at all),
        ``needed`` (respondents the smaller group needs), ``r2_mcfadden``,
        ``r2_nagelkerke``, ``r2_o`` (R²_O, the squared correlation of use and the fitted
        probabilities: what the relative weights add up to), ``warnings`` (tuple of dicts
        with a ``code``).
    drivers : one row per fitted segment × factor, factors in codebook order:
        ``segment``, ``factor``, ``odds_ratio``, ``ci_low``, ``ci_high``, ``p``,
        ``weight``, ``weight_ci_low``, ``weight_ci_high``, ``noise_diff_ci_low``,
        ``noise_diff_ci_high``, ``beats_noise`` (True/False, None without a bootstrap:
        the factor contributes more than noise), ``importance`` (0–100), ``rank``,
        ``gap`` (the published gap) and ``quadrant`` (important only when it beats
        noise).
    correlations : the factors' correlations of each fitted segment (Pearson with CI,
        Spearman as a check), as :attr:`~ism_advisor.stats.drivers.DriverAnalysis.correlations`.
    routes : the indirect routes the models support, as
        :attr:`~ism_advisor.stats.drivers.DriverAnalysis.routes`.
    """

    models: pd.DataFrame
    drivers: pd.DataFrame
    correlations: pd.DataFrame
    routes: pd.DataFrame


def analyse_drivers(
    survey: Survey,
    comparison: Comparison,
    published: Published,
    *,
    resamples: int = RESAMPLES,
    workers: int = 1,
) -> PublishedDrivers:
    """The driver models of the segments that may have one, and the priority matrix.

    ``workers``: processes for the driver models (see ``driver_analysis``); the tables
    are the same whatever the number.
    """
    # a factor the survey did not ask (a wave without it) is left out of every model
    factors = [f.id for f in published.factors if f.id not in survey.not_asked]
    count = len(published.segments)
    cases = published.driver_cases
    if cases is None:
        raise ValueError("published has no driver cases: make it with disclosure.publish")
    reason = cases["driver_reason"].to_numpy(dtype=object)
    eligible = reason == None  # noqa: E711 - elementwise
    n = survey.respondents
    scores = survey.scores[factors]
    # too many scores to fill in: no model (a segment too small says so first)
    incomplete = scores.isna().any(axis=1).to_numpy()
    respondents = np.zeros(count, dtype=np.int64)
    filled = np.zeros(count, dtype=np.int64)
    respondents[0], filled[0] = n, int(incomplete.sum())
    for codes in comparison.codes:
        inside = codes >= 0
        respondents += np.bincount(codes[inside], minlength=count)
        filled += np.bincount(codes[inside], weights=incomplete[inside], minlength=count).astype(
            np.int64
        )
    users = published.segments["users"].to_numpy(dtype=float)
    large = np.minimum(users, respondents - users) >= MIN_PER_FACTOR * len(factors)
    missing = eligible & large & (filled > MAX_MISSING * respondents)
    eligible &= ~missing
    # the segmentations as driver_analysis numbers them: eligible segments only, so that
    # nothing is fitted on a segment that is not shown
    segmentations = [np.full(n, 0 if eligible[0] else -1, dtype=np.int64)]
    rows = [np.array([0] if eligible[0] else [], dtype=np.int64)]
    for codes in comparison.codes:
        local = np.full(count, -1, dtype=np.int64)
        chosen = np.flatnonzero(eligible & (np.arange(count) > 0))
        chosen = chosen[np.isin(chosen, codes)]
        local[chosen] = np.arange(len(chosen))
        segmentations.append(np.where(codes >= 0, local[np.maximum(codes, 0)], -1))
        rows.append(chosen)
    row_of = np.concatenate(rows).astype(np.int64)
    result = driver_analysis(
        filled_scores(scores),
        np.asarray(survey.is_user, dtype=float),
        segmentations,
        resamples=resamples,
        seed=SEED,
        workers=workers,
    )

    # back to the published segment rows
    def renumbered(table: pd.DataFrame) -> pd.DataFrame:
        return table.assign(segment=row_of[table["segment"].to_numpy(dtype=np.int64)])

    fitted_models = renumbered(result.models)
    drivers = renumbered(result.drivers)
    correlations = renumbered(result.correlations)
    routes = renumbered(result.routes)

    models = _models(count, published, fitted_models, reason)
    models.loc[missing, "reason"] = REASON_MISSING
    models.loc[missing, "n"] = respondents[missing]
    models.loc[missing, "needed"] = MIN_PER_FACTOR * len(factors)
    fitted = set(fitted_models.loc[fitted_models["fitted"], "segment"].tolist())
    drivers = drivers[drivers["segment"].isin(fitted)].reset_index(drop=True)
    gaps = published.comparisons.set_index(["segment", "factor"])
    keys = pd.MultiIndex.from_arrays([drivers["segment"], drivers["factor"]])
    gap = gaps["gap"].reindex(keys).to_numpy(dtype=float)
    significant = gaps["significant"].reindex(keys).to_numpy()
    matrix = priority_matrix(
        drivers, gap, significant=significant, beats_noise=drivers["beats_noise"]
    )
    table = pd.DataFrame(
        {
            "segment": drivers["segment"].to_numpy(dtype=np.int64),
            "factor": drivers["factor"].to_numpy(),
            **{
                name: drivers[name].to_numpy(dtype=float)
                for name in (
                    "odds_ratio",
                    "ci_low",
                    "ci_high",
                    "p",
                    "weight",
                    "weight_ci_low",
                    "weight_ci_high",
                    "noise_diff_ci_low",
                    "noise_diff_ci_high",
                    "importance",
                )
            },
            "beats_noise": pd.Series(
                [None if pd.isna(v) else bool(v) for v in drivers["beats_noise"]], dtype=object
            ),
            "rank": matrix["importance_rank"].to_numpy(),
            "gap": gap,
            "quadrant": matrix["quadrant"].to_numpy(dtype=object),
        }
    )
    return PublishedDrivers(
        models=_rounded(models),
        drivers=_rounded(table),
        correlations=_rounded(
            correlations[correlations["segment"].isin(fitted)].reset_index(drop=True)
        ),
        routes=_rounded(routes[routes["segment"].isin(fitted)].reset_index(drop=True)),
    )


def significant(value: float) -> float:
    """``value`` at :data:`MODEL_DIGITS` significant digits (NaN and infinities as they
    are); decimal rounding of the shortest representation, the same on every platform.

    >>> significant(0.0123456), significant(1234.5), significant(-0.9996)
    (0.0123, 1230.0, -1.0)
    """
    return float(f"{value:.{MODEL_DIGITS}g}")


def significant_array(values: np.ndarray) -> np.ndarray:
    """:func:`significant` of every value of a float array, bit for bit, in whole-array
    operations: ``m / 10**k`` (or ``m * 10**-k``) for the integer ``m`` of
    :data:`MODEL_DIGITS` digits, one correctly rounded operation on two exact numbers,
    which is the float the decimal text ``significant`` parses stands for. Where the
    whole-array rounding could pick another ``m`` than decimal rounding — a value within
    1e-9 of a half (ties, and what the scaling's own rounding could move across one), a
    power of ten the logarithm misjudges, a magnitude whose power of ten is not exact in
    binary (outside 1e-20 … 1e20), zero, NaN, infinities — the value goes through
    :func:`significant` itself."""
    values = np.asarray(values, dtype=np.float64)
    magnitude = np.abs(values)
    digits = MODEL_DIGITS - 1
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        exponent = np.floor(np.log10(magnitude))
        shift = digits - exponent  # scaled = magnitude * 10**shift has MODEL_DIGITS digits
        usable = np.isfinite(shift) & (np.abs(shift) <= 20)
        shift = np.where(usable, shift, 0.0)
        powers = _POWERS[np.abs(shift).astype(np.int64)]
        up = shift >= 0
        scaled = np.where(up, magnitude * powers, magnitude / powers)
        whole = np.rint(scaled)  # half to even, as decimal rounding of an exact half
        near_half = np.abs(np.abs(scaled - np.floor(scaled)) - 0.5) <= 1e-9
        low, high = 10.0**digits, 10.0 ** (digits + 1)
        usable &= (scaled >= low) & (scaled < high) & ~near_half
        rounded = np.where(up, whole / powers, whole * powers)
    out = np.where(values < 0, -rounded, rounded)
    rest = np.flatnonzero(~usable)
    if len(rest):
        out[rest] = [significant(v) for v in values[rest].tolist()]
    return out


#: 10**0 … 10**20 as floats, each exact (10**20 = 5**20 * 2**20, and 5**20 < 2**53)
_POWERS = np.array([float(10**i) for i in range(21)])

# counts, and the comparison's own figure (the gap: published as the comparison has it)
_NOT_ROUNDED = frozenset({"segment", "n", "needed", "rank", "gap"})


def _rounded(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with every float figure, and every VIF in its warnings, at
    :data:`MODEL_DIGITS` significant digits: the figures as published."""
    out = table.copy()
    for column in out.columns:
        if column not in _NOT_ROUNDED and out[column].dtype == float:
            out[column] = significant_array(out[column].to_numpy())
    if "warnings" in out.columns:
        out["warnings"] = pd.Series(
            [tuple(_rounded_warning(w) for w in ws) for ws in out["warnings"]], dtype=object
        )
    return out


def _rounded_warning(warning: dict) -> dict:
    return {
        key: tuple(significant(v) for v in value) if key == "vif" else value
        for key, value in warning.items()
    }


def _models(
    count: int, published: Published, fitted: pd.DataFrame, reason: np.ndarray
) -> pd.DataFrame:
    """One row per published segment; what a hidden model would have shown stays NaN."""
    out = pd.DataFrame(
        {
            "n": np.full(count, np.nan),
            "fitted": np.zeros(count, dtype=bool),
            "reason": pd.Series([None] * count, dtype=object),
            "needed": np.full(count, np.nan),
            "r2_mcfadden": np.full(count, np.nan),
            "r2_nagelkerke": np.full(count, np.nan),
            "r2_o": np.full(count, np.nan),
            "warnings": pd.Series([()] * count, dtype=object),
        }
    )
    shown = ~published.segments["suppressed"].to_numpy(dtype=bool)
    out.loc[shown & (reason != None), "reason"] = REASON_HIDDEN  # noqa: E711
    if len(fitted) == 0:
        return out
    # each fitted segment's row, column by column (as cell by cell, in row order)
    rows = fitted["segment"].to_numpy(dtype=np.int64)
    done = fitted["fitted"].to_numpy(dtype=bool)
    columns = {
        "n": fitted["n"],
        "needed": fitted["needed"],
        "r2_mcfadden": fitted["r2_mcfadden"],
        "r2_nagelkerke": fitted["r2_nagelkerke"],
        "r2_o": fitted["r2_weights"],
    }
    for name, values in columns.items():
        column = out[name].to_numpy(dtype=float, copy=True)
        chosen = rows if name in ("n", "needed") else rows[done]
        picked = (
            values.to_numpy(dtype=float)
            if name in ("n", "needed")
            else (values.to_numpy(dtype=float)[done])
        )
        column[chosen] = picked
        out[name] = column
    flags = out["fitted"].to_numpy(dtype=bool, copy=True)
    flags[rows] = done
    out["fitted"] = flags
    reasons = out["reason"].to_numpy(dtype=object, copy=True)
    warnings = out["warnings"].to_numpy(dtype=object, copy=True)
    for row, why, found in zip(
        rows.tolist(), fitted["reason"].tolist(), fitted["warnings"].tolist(), strict=True
    ):
        reasons[row] = why
        warnings[row] = tuple(found)
    out["reason"] = pd.Series(reasons, dtype=object)
    out["warnings"] = pd.Series(warnings, dtype=object)
    return out
