"""Effect-size intervals: does the 95% interval of Hedges' g, and of the gap, cover 95%?

Issue 27, part S2. Seeded surveys of one *cell* (n respondents, a users share, an answer
shape, an effect) are stacked as the segments of one survey and compared by
:func:`ism_advisor.stats.compare.compare_groups`, so what is measured is what ships. Every
factor of the packaged codebook is drawn independently, so each survey gives seven
intervals. An interval *covers* when it contains the true value of what it estimates,
computed exactly from the distributions drawn from:

- g's interval: δ = (μx − μy) / σp, the gap over the pooled SD of the two groups'
  population variances weighted as g weights them, (nx − 1) and (ny − 1);
- the gap's interval (Welch): μx − μy.

Answer shapes (as :mod:`benchmarks.calibration.surveys`, with one addition, the
direction of the effect):

- ``normal``: scores drawn from a normal distribution (mean 3.5, SD 0.8), not rounded;
- ``skewed``: one answer on a 5-point scale, most people answering 4 or 5 (1–5 with
  probabilities 3%, 5%, 12%, 40%, 40%), a latent standard normal cut at thresholds;
- an effect d shifts the users' latent score by d standard deviations, either towards
  the top of the scale (``skewed, users pushed up``: the users crowd at 5 and their
  variance shrinks) or down (``skewed, users pushed down``: their variance grows).

The former interval (``pingouin.compute_esci``: g ± t(0.975, nx + ny − 2) ×
√((nx + ny)/(nx ny) + g²/(2(nx + ny)))) is computed from the shipped g and the group
sizes, for the figures before the change.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from ism_advisor.stats.compare import compare_groups
from ism_advisor.survey.codebook import load_codebook
from ism_advisor.survey.reading.model import Survey

__all__ = ["TITLE", "Cell", "grid", "measure", "run", "simulate", "true_values"]

TITLE = "Effect-size intervals: Hedges' g and the gap"

#: the skewed shape's answer shares, 1 to 5
SKEWED_SHARES = (0.03, 0.05, 0.12, 0.40, 0.40)
_CUTS = stats.norm.ppf(np.cumsum(SKEWED_SHARES)[:-1])
_NORMAL_MEAN, _NORMAL_SD = 3.5, 0.8
#: surveys per cell: the full grid and the test suite's
SURVEYS_FULL = 2_000
SURVEYS_QUICK = 600
TARGET = 0.95


@dataclass(frozen=True)
class Cell:
    """n respondents per survey, round(share × n) of them users, an answer shape
    (``normal`` or ``skewed``) and the users' latent shift ``effect`` (negative: down)."""

    n: int
    share: float
    shape: str
    effect: float = 0.0

    @property
    def answers(self) -> str:
        if not self.effect:
            return f"{self.shape}, no effect"
        way = "up" if self.effect > 0 else "down"
        return f"{self.shape}, users pushed {way} (d = {abs(self.effect):g})"


def grid(full: bool) -> list[Cell]:
    shapes = [("normal", 0.0), ("normal", 0.5), ("skewed", 0.0), ("skewed", 0.5), ("skewed", -0.5)]
    if not full:  # the test suite's subset: the cells the issue found wrong, and controls
        return [
            Cell(60, 0.2, "normal", 0.5),
            Cell(60, 0.2, "skewed", 0.5),
            Cell(60, 0.2, "skewed", -0.5),
            Cell(200, 0.2, "skewed", 0.5),
            Cell(200, 0.2, "skewed", -0.5),
            Cell(60, 0.2, "skewed", 0.0),
        ]
    return [
        Cell(n, share, shape, effect)
        for shape, effect in shapes
        for share in (0.2, 0.5)
        for n in (60, 200, 1_000)
    ]


def simulate(cell: Cell, surveys: int, seed: int) -> Survey:
    """``surveys`` independent surveys of ``cell``, as the segments (column ``survey``)
    of one survey: the first round(share × n) respondents of each are users."""
    codebook = load_codebook()
    rng = np.random.default_rng(seed)
    users = round(cell.share * cell.n)
    is_user = np.tile(np.arange(cell.n) < users, surveys)
    total = cell.n * surveys
    scores = {}
    for factor in codebook.factors:
        latent = rng.standard_normal(total) + cell.effect * is_user
        if cell.shape == "normal":
            scores[factor.id] = _NORMAL_MEAN + _NORMAL_SD * latent
        else:
            scores[factor.id] = 1.0 + np.searchsorted(_CUTS, latent).astype(float)
    width = len(str(surveys - 1))
    names = [f"s{i:0{width}d}" for i in range(surveys)]
    survey_of = np.repeat(np.arange(surveys), cell.n)
    return Survey(
        path="<simulated>",
        codebook=codebook,
        scores=pd.DataFrame(scores),
        is_user=is_user,
        segments=pd.DataFrame({"survey": pd.Categorical.from_codes(survey_of, names)}),
        segment_by=(("survey",),),
    )


def _moments(shape: str, shift: float) -> tuple[float, float]:
    """The mean and variance of one answer whose latent score is shifted by ``shift``."""
    if shape == "normal":
        return _NORMAL_MEAN + _NORMAL_SD * shift, _NORMAL_SD**2
    upper = np.append(stats.norm.cdf(_CUTS - shift), 1.0)
    probs = np.diff(np.concatenate([[0.0], upper]))
    values = np.arange(1.0, 6.0)
    mean = float(np.sum(probs * values))
    return mean, float(np.sum(probs * (values - mean) ** 2))


def true_values(cell: Cell, higher_is_better: bool) -> tuple[float, float]:
    """The true (gap, δ) of a factor in ``cell``: x the users for a higher-is-better
    factor, the non-users otherwise (compare.py's orientation)."""
    users = round(cell.share * cell.n)
    x = (users, *_moments(cell.shape, cell.effect))
    y = (cell.n - users, *_moments(cell.shape, 0.0))
    if not higher_is_better:
        x, y = y, x
    gap = x[1] - y[1]
    pooled = ((x[0] - 1) * x[2] + (y[0] - 1) * y[2]) / (cell.n - 2)
    return gap, gap / np.sqrt(pooled)


def former_interval(g: np.ndarray, n_x: np.ndarray, n_y: np.ndarray) -> tuple:
    """g's interval before issue 27, as pingouin.compute_esci(eftype="hedges")."""
    se = np.sqrt((n_x + n_y) / (n_x * n_y) + g**2 / (2 * (n_x + n_y)))
    margin = stats.t.ppf(0.975, n_x + n_y - 2) * se
    return g - margin, g + margin


def measure(cell: Cell, surveys: int, seed: int) -> dict[str, tuple[int, int]]:
    """(intervals covering, intervals) of the former g, g with the normal point, the
    shipped g and the gap."""
    result = compare_groups(simulate(cell, surveys, seed))
    table = result.comparisons[result.comparisons["segment"] > 0]
    truth = {f.id: true_values(cell, f.higher_is_better) for f in result.factors}
    gap = table["factor"].map({k: v[0] for k, v in truth.items()}).to_numpy()
    delta = table["factor"].map({k: v[1] for k, v in truth.items()}).to_numpy()
    g = table["hedges_g"].to_numpy()
    n_x, n_y = table["users_n"].to_numpy(), table["non_users_n"].to_numpy()
    low, high = former_interval(g, n_x, n_y)

    def covered(low: np.ndarray, high: np.ndarray, true: np.ndarray) -> tuple[int, int]:
        ok = np.isfinite(low) & np.isfinite(high)
        return int(np.sum(ok & (low <= true) & (true <= high))), len(true)

    g_low, g_high = table["hedges_g_ci_low"].to_numpy(), table["hedges_g_ci_high"].to_numpy()
    # the same interval with the normal point instead of Hsu's t (the candidate not chosen)
    half = (
        (g_high - g_low) / 2 * stats.norm.ppf(0.975) / stats.t.ppf(0.975, np.minimum(n_x, n_y) - 1)
    )
    return {
        "former": covered(low, high, delta),
        "normal_point": covered(g - half, g + half, delta),
        "g": covered(g_low, g_high, delta),
        "gap": covered(table["gap_ci_low"].to_numpy(), table["gap_ci_high"].to_numpy(), gap),
    }


def wilson(successes: int, trials: int) -> tuple[float, float]:
    """The Monte Carlo 95% interval of a rate (Wilson)."""
    from statsmodels.stats.proportion import proportion_confint

    low, high = proportion_confint(successes, trials, alpha=0.05, method="wilson")
    return float(low), float(high)


def _rate(counts: tuple[int, int]) -> str:
    low, high = wilson(*counts)
    return f"{counts[0] / counts[1]:.1%} [{low:.1%}; {high:.1%}]"


def run(full: bool, seed: int) -> str:
    """This module's section of benchmarks/CALIBRATION.md (Markdown)."""
    surveys = SURVEYS_FULL if full else SURVEYS_QUICK
    lines = [
        f"## {TITLE}",
        "",
        f"{surveys:,} seeded surveys per cell, seven independent factors each: the share of"
        " 95% intervals that contain the true value (Monte Carlo 95% interval, Wilson)."
        " *g, former*: the interval before issue 27 (pingouin's `compute_esci`, which"
        " assumes equal variances and normal answers); *g*: the shipped"
        " `hedges_g_ci_low/high` (delta method with each group's own variance, skew and"
        " kurtosis, Hsu's min(nx, ny) − 1 degrees of freedom); *g, normal point*: the same"
        " interval with the normal 97.5% point, the candidate not chosen (it undercovers"
        " where a small group's answers are skewed); *gap*: the shipped"
        " `gap_ci_low/high` (Welch). Target 95% (± 1.5 points).",
        "",
        "| n | users | answers | g, former | g, normal point | g | gap (Welch) | target |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for i, cell in enumerate(grid(full)):
        counts = measure(cell, surveys, seed + i)
        lines.append(
            f"| {cell.n:,} | {cell.share:.0%} | {cell.answers} | {_rate(counts['former'])}"
            f" | {_rate(counts['normal_point'])} | {_rate(counts['g'])}"
            f" | {_rate(counts['gap'])} | 95% |"
        )
    return "\n".join(lines) + "\n"
