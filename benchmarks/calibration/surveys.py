"""Seeded simulated surveys for the calibration suite, shared by its modules.

A simulated study is many independent surveys of one *cell* (n respondents, a users
share, an answer shape, an effect), stacked as the segments of ONE survey (column
``survey``): :func:`ism_advisor.stats.compare.compare_groups` analyses each segment on its own,
vectorised, so that 2,000 surveys cost one call. Every factor of the packaged codebook is
simulated independently; with ``effect`` = 0 users and non-users answer alike (no true
difference anywhere).

Answer shapes:

- ``normal``: each score drawn from a normal distribution (mean 3.5, SD 0.8), not rounded;
- ``skewed``: each score one answer on a 5-point scale, most people answering 4 or 5
  (1–5 with probabilities 3%, 5%, 12%, 40%, 40%): a latent standard normal cut at the
  thresholds that give these shares.

An effect ``d`` shifts the users' latent score by ``d`` standard deviations (for the
normal shape: the score itself, by d × 0.8) on the factors listed in ``shifted`` (by
default all), in the direction that makes non-users lag behind.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from ism_advisor.survey.codebook import load_codebook
from ism_advisor.survey.reading.model import Survey

__all__ = ["SHAPES", "SKEWED_SHARES", "Cell", "simulate"]

SHAPES = ("normal", "skewed")
#: the skewed shape's answer shares, 1 to 5
SKEWED_SHARES = (0.03, 0.05, 0.12, 0.40, 0.40)
_CUTS = stats.norm.ppf(np.cumsum(SKEWED_SHARES)[:-1])
_NORMAL_MEAN, _NORMAL_SD = 3.5, 0.8


@dataclass(frozen=True)
class Cell:
    """One cell of a calibration grid.

    ``n``: respondents per survey, or a ``(low, high)`` range drawn per survey (segments of
    10–20); ``share``: the users' share, applied exactly (round(share × n) users, at least
    ``min_group`` of each group); ``shape``: ``normal`` or ``skewed``; ``effect``: d.
    """

    n: int | tuple[int, int]
    share: float
    shape: str
    effect: float = 0.0
    min_group: int = 5

    @property
    def label(self) -> str:
        n = f"{self.n[0]}–{self.n[1]}" if isinstance(self.n, tuple) else f"{self.n:,}"
        return n


def simulate(
    cell: Cell, surveys: int, seed: int, *, shifted: tuple[str, ...] | None = None
) -> Survey:
    """``surveys`` independent surveys of ``cell``, as the segments of one survey."""
    if cell.shape not in SHAPES:
        raise ValueError(f"unknown answer shape {cell.shape!r}")
    codebook = load_codebook()
    rng = np.random.default_rng(seed)
    if isinstance(cell.n, tuple):
        sizes = rng.integers(cell.n[0], cell.n[1] + 1, surveys)
    else:
        sizes = np.full(surveys, cell.n)
    users = np.clip(np.rint(sizes * cell.share), cell.min_group, sizes - cell.min_group)
    survey_of = np.repeat(np.arange(surveys), sizes)
    starts = np.repeat(np.cumsum(sizes) - sizes, sizes)
    is_user = (np.arange(len(survey_of)) - starts) < users[survey_of]
    total = len(survey_of)
    scores = {}
    for factor in codebook.factors:
        latent = rng.standard_normal(total)
        if cell.effect and (shifted is None or factor.id in shifted):
            sign = 1.0 if factor.higher_is_better else -1.0
            latent = latent + sign * cell.effect * is_user
        if cell.shape == "normal":
            scores[factor.id] = _NORMAL_MEAN + _NORMAL_SD * latent
        else:
            scores[factor.id] = 1.0 + np.searchsorted(_CUTS, latent).astype(float)
    width = len(str(surveys - 1))
    segments = pd.DataFrame(
        {
            "survey": pd.Categorical.from_codes(
                survey_of, [f"s{i:0{width}d}" for i in range(surveys)]
            )
        }
    )
    return Survey(
        path="<simulated>",
        codebook=codebook,
        scores=pd.DataFrame(scores),
        is_user=is_user,
        segments=segments,
        segment_by=(("survey",),),
    )


def wilson(successes: int, trials: int) -> tuple[float, float]:
    """The Monte Carlo 95% interval of a rate (Wilson)."""
    from statsmodels.stats.proportion import proportion_confint

    low, high = proportion_confint(successes, trials, alpha=0.05, method="wilson")
    return float(low), float(high)
