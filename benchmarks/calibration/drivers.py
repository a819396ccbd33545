"""Driver importance: do the relative weights' intervals and "contributes more than noise"
keep their promises?

Each simulated survey has five factors: a known *driver* (use depends on it: the log-odds
of use rise by :data:`EFFECT` per SD of its latent score), a *correlate* (correlation
:data:`CORRELATION` with the driver, no effect of its own on use) and three pure *noise*
factors (independent of everything). Answers are ``normal`` (the latent scores
themselves) or ``skewed`` 5-point answers (the latent score cut so that 1–5 are answered
by 3%, 5%, 12%, 40% and 40%). The users' share is set by the model's intercept, so it
varies from survey to survey around the cell's share.

Many surveys of a cell are analysed in one call of
:func:`ism_advisor.stats.drivers.driver_analysis` (one segment per survey, each analysed on its
own) with the product's own seed (:data:`ism_advisor.protect.published_drivers.SEED`) and number of
resamples, so what is measured is what ships. A survey whose smaller group is too small
for a model is not counted (the tables give the surveys with a model).

Measured per cell:

* **coverage** of the weight's bootstrap 95% interval for the driver and the correlate: how
  often it contains the factor's true weight, the weight of the same model in a survey of
  :data:`TRUTH_N` respondents (target 95 ± 1.5%);
* how often a **noise** factor's weight interval contains 0, its true weight: never, as a
  relative weight is positive by construction — why an interval above 0 says nothing;
* how often a noise factor is called **contributing more than noise** (``beats_noise``:
  the interval of its weight minus an added random variable's lies above 0; target ≤ 5%),
  over the three noise factors of every survey; and how often it would have been
  *important* in the priority matrix before (at least an even share of importance) and
  is now (that, and more than noise);
* the **power**: how often the driver is called contributing more than noise, and how
  often the correlate is (its true relative weight is positive: relative weights credit a
  factor for its overlap with a driver).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from ism_advisor.protect.published_drivers import SEED
from ism_advisor.stats.drivers import RESAMPLES, driver_analysis

__all__ = ["CORRELATION", "EFFECT", "TITLE", "TRUTH_N", "Cell", "Counts", "measure", "run"]

TITLE = "Driver importance: weight intervals and contributing more than noise"
#: The driver's effect: log-odds of use per SD of its latent score.
EFFECT = 0.5
#: The correlate's correlation with the driver (latent scores).
CORRELATION = 0.5
#: Respondents of the survey whose weights count as the true weights.
TRUTH_N = 400_000
FACTORS = ("driver", "correlate", "noise_1", "noise_2", "noise_3")
NOISE = FACTORS[2:]
SHARES = (0.03, 0.05, 0.12, 0.40, 0.40)  # the skewed shape's answers 1-5
_CUTS = stats.norm.ppf(np.cumsum(SHARES)[:-1])
# surveys simulated per call (bounds memory: this x n x 5 floats)
_BATCH = 250


@dataclass(frozen=True)
class Cell:
    """n respondents per survey, the expected users' share and the answer shape."""

    n: int
    share: float
    shape: str


@dataclass(frozen=True)
class Counts:
    """What one cell's surveys gave: ``surveys`` with a model, and per measure a count of
    successes out of ``trials``."""

    surveys: int
    covered: dict  # factor -> surveys whose weight interval holds the true weight
    noise_zero: int  # noise factors whose weight interval contains 0 (of 3 × surveys)
    noise_beats: int  # noise factors called contributing more than noise (of 3 × surveys)
    noise_even: int  # noise factors with at least an even share of importance (of 3 × surveys)
    noise_important: int  # ... and contributing more than noise: the matrix's "important"
    beats: dict  # driver/correlate -> surveys where it is called contributing


def _simulate(cell: Cell, surveys: int, rng: np.random.Generator):
    n = cell.n * surveys
    latent = rng.standard_normal((n, len(FACTORS)))
    latent[:, 1] = CORRELATION * latent[:, 0] + np.sqrt(1 - CORRELATION**2) * latent[:, 1]
    intercept = _intercept(cell.share)
    use = (rng.random(n) < 1.0 / (1.0 + np.exp(-(intercept + EFFECT * latent[:, 0])))).astype(float)
    if cell.shape == "skewed":
        scores = 1.0 + np.searchsorted(_CUTS, latent).astype(float)
    else:
        scores = latent
    return pd.DataFrame(scores, columns=list(FACTORS)), use


def _intercept(share: float) -> float:
    """The intercept that gives the users' share ``share`` (the mean of the logistic over
    the driver's normal latent score)."""
    nodes, weights = np.polynomial.hermite_e.hermegauss(60)
    weights = weights / weights.sum()

    def gap(a: float) -> float:
        return float(weights @ (1.0 / (1.0 + np.exp(-(a + EFFECT * nodes))))) - share

    from scipy.optimize import brentq

    return brentq(gap, -10.0, 10.0)


def true_weights(share: float, shape: str, seed: int) -> dict:
    """The weights of the model in one survey of :data:`TRUTH_N` respondents."""
    rng = np.random.default_rng([seed, 1, int(share * 100), len(shape)])
    scores, use = _simulate(Cell(TRUTH_N, share, shape), 1, rng)
    result = driver_analysis(scores, use, resamples=0)
    return dict(zip(result.drivers["factor"], result.drivers["weight"], strict=True))


def measure(cell: Cell, surveys: int, seed: int, truth: dict) -> Counts:
    """Simulate ``surveys`` surveys of ``cell`` and count what their intervals say."""
    rng = np.random.default_rng([seed, cell.n, int(cell.share * 100), len(cell.shape)])
    parts = []
    for first in range(0, surveys, _BATCH):
        count = min(_BATCH, surveys - first)
        scores, use = _simulate(cell, count, rng)
        codes = np.repeat(np.arange(count), cell.n)
        result = driver_analysis(scores, use, codes, resamples=RESAMPLES, seed=SEED)
        fitted = result.models.loc[result.models["fitted"], "segment"]
        parts.append(result.drivers[result.drivers["segment"].isin(fitted)])
    drivers = pd.concat(parts, ignore_index=True)
    by = {f: drivers[drivers["factor"] == f] for f in FACTORS}
    noise = drivers[drivers["factor"].isin(NOISE)]
    return Counts(
        surveys=len(by["driver"]),
        covered={
            f: int(
                ((by[f]["weight_ci_low"] <= truth[f]) & (truth[f] <= by[f]["weight_ci_high"])).sum()
            )
            for f in ("driver", "correlate")
        },
        noise_zero=int((noise["weight_ci_low"] <= 0).sum()),
        noise_beats=int(noise["beats_noise"].fillna(False).sum()),
        noise_even=int((noise["importance"] >= 100 / len(FACTORS)).sum()),
        noise_important=int(
            ((noise["importance"] >= 100 / len(FACTORS)) & noise["beats_noise"].fillna(False)).sum()
        ),
        beats={f: int(by[f]["beats_noise"].fillna(False).sum()) for f in ("driver", "correlate")},
    )


def grid(full: bool) -> tuple[list[Cell], int]:
    """The cells and the surveys per cell."""
    if not full:
        return [Cell(175, 0.5, "normal"), Cell(600, 0.5, "skewed")], 400
    cells = [
        Cell(n, share, shape)
        for shape in ("normal", "skewed")
        for share in (0.5, 0.3)
        for n in (175, 300, 600, 1_500)
        if not (share == 0.3 and n == 175)  # the smaller group is then mostly too small
    ]
    return cells, 1_500


def _percent(successes: int, trials: int) -> tuple[str, str]:
    if not trials:
        return "–", "–"
    low, high = proportion_confint(successes, trials, alpha=0.05, method="wilson")
    return f"{100 * successes / trials:.1f}%", f"[{100 * low:.1f}; {100 * high:.1f}]"


def run(full: bool, seed: int) -> str:
    """This module's section of ``benchmarks/CALIBRATION.md``."""
    cells, surveys = grid(full)
    truths = {}
    results = []
    for cell in cells:
        key = (cell.share, cell.shape)
        if key not in truths:
            truths[key] = true_weights(cell.share, cell.shape, seed)
        results.append((cell, measure(cell, surveys, seed, truths[key])))
    lines = [
        f"## {TITLE}",
        "",
        f"{surveys:,} simulated surveys per cell, each with a known driver (log-odds of use"
        f" +{EFFECT} per SD), a correlate (r = {CORRELATION} with the driver, no effect of its"
        " own) and three pure-noise factors; the product's driver analysis"
        f" ({RESAMPLES} bootstrap resamples, its own seed). *Surveys*: those with a model"
        " (the smaller group large enough). The true weights are those of one survey of"
        f" {TRUTH_N:,} respondents. Intervals in brackets: Monte Carlo 95% (Wilson); the noise"
        " rows pool the three noise factors of every survey.",
        "",
        "True weights (R²_O shares): "
        + "; ".join(
            f"{shape} answers, {share:.0%} users: driver {t['driver']:.4f}, correlate"
            f" {t['correlate']:.4f}, noise {max(t[f] for f in NOISE):.1e} at most"
            for (share, shape), t in truths.items()
        )
        + ".",
        "",
    ]
    header = "| n | users share | answer shape | surveys | {} | Monte Carlo 95% | target |"
    rule = "|---|---|---|---|---|---|---|"

    def table(title: str, name: str, target: str, count) -> None:
        lines.extend([f"**{title}**", "", header.format(name), rule])
        for cell, counts in results:
            rate, interval = _percent(*count(counts))
            lines.append(
                f"| {cell.n:,} | {cell.share:.0%} | {cell.shape} | {counts.surveys:,} |"
                f" {rate} | {interval} | {target} |"
            )
        lines.append("")

    for factor in ("driver", "correlate"):
        table(
            f"Coverage of the {factor}'s weight interval (the true weight inside)",
            "coverage",
            "95 ± 1.5%",
            lambda c, f=factor: (c.covered[f], c.surveys),
        )
    table(
        "A noise factor's weight interval contains 0 (its true weight)",
        "rate",
        "none: a weight is > 0",
        lambda c: (c.noise_zero, len(NOISE) * c.surveys),
    )
    table(
        "A noise factor called contributing more than noise (false positives)",
        "rate",
        "≤ 5%",
        lambda c: (c.noise_beats, len(NOISE) * c.surveys),
    )
    table(
        "A noise factor important before this change: at least an even share of importance",
        "rate",
        "–",
        lambda c: (c.noise_even, len(NOISE) * c.surveys),
    )
    table(
        "A noise factor important now: an even share and more than noise",
        "rate",
        "≤ 5%",
        lambda c: (c.noise_important, len(NOISE) * c.surveys),
    )
    table(
        "Power: the driver called contributing more than noise",
        "rate",
        "as high as may be",
        lambda c: (c.beats["driver"], c.surveys),
    )
    table(
        "The correlate called contributing more than noise (its true weight is > 0)",
        "rate",
        "–",
        lambda c: (c.beats["correlate"], c.surveys),
    )
    return "\n".join(lines)
