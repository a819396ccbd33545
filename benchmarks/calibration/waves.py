"""Calibration of the comparison of two survey waves
(:func:`ism_advisor.stats.waves.compare_waves`).

What is measured, per cell (respondents per wave, users' share, answer shape, true change):

- with no true change: the false-positive rate (``p < 0.05``) of each change — users,
  non-users, the gap (difference in differences) and adoption — and the family-wise rate
  of the users', non-users' and gap rows after Holm over the survey's three factors
  (``significant``);
- with and without a true change: the coverage of each change's 95% interval (the share
  of intervals that contain the true change), and under a true change the power
  (``p < 0.05``) beside it;
- the gap's degrees of freedom where its cells hold 5–6 respondents: the coverage of the
  gap's interval with the Welch–Satterthwaite degrees of freedom of the cells' own
  variances (what :mod:`ism_advisor.stats.waves` computes) against that with Bell and
  McCaffrey's (2002) degrees of freedom for the same contrast and the same HC2 standard
  error;
- the adoption change's false-positive rate in small segments and at the lattice points
  of two equal waves with half of them users, with many more surveys: the shipped
  "N − 1" z-test against the pooled z-test it replaced.

A study is many independent surveys of one cell, stacked as the segments of ONE data set
(column ``survey``): ``compare_waves`` analyses each segment on its own, vectorised, so
2,000 surveys cost one call. Each survey has two waves, ``n`` respondents per wave (or a
number drawn per survey from a range), users drawn per respondent with the wave's users'
share (so the adoption change is binomial, as in a real survey), and three factors drawn
independently. Answer shapes as in the rest of the suite: ``normal`` (a score from a
normal distribution with mean 3.5 and SD 0.8, unrounded) and ``skewed`` (one answer on a
5-point scale, most people answering 4 or 5: a latent standard normal cut at the
thresholds that give 3%, 5%, 12%, 40%, 40%). Users stand 0.5 latent SD above non-users
in both waves (a gap that does not change); a *true change* moves the non-users up by
0.5 latent SD in the later wave (so the gap narrows by the same amount, the users do not
change) and the users' share up by 10 points. The true means follow from the latent
shift exactly (for ``skewed``: 1 + Σ Φ(shift − cut)).

A group row counts where both waves' users and non-users are at least
:data:`MIN_GROUP` (the default anonymity threshold: what a report would show); the
adoption rows count in every survey. The Monte Carlo interval of each rate is Wilson's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from ism_advisor.stats.waves import compare_waves

__all__ = [
    "CELLS_FULL",
    "CELLS_QUICK",
    "MIN_GROUP",
    "TITLE",
    "Cell",
    "bell_mccaffrey_df",
    "df_study",
    "run",
    "study",
    "wilson",
]

TITLE = "Wave comparisons: false positives and interval coverage of each change"

#: the smallest group counted (the default ``--min-group-size``)
MIN_GROUP = 5
#: the nominal rate and coverage
ALPHA = 0.05
LEVEL = 0.95
#: coverage target band of the issue: 95 ± 1.5%
BAND = 0.015
FACTORS = ("f1", "f2", "f3")
SKEWED_SHARES = (0.03, 0.05, 0.12, 0.40, 0.40)
_CUTS = stats.norm.ppf(np.cumsum(SKEWED_SHARES)[:-1])
_NORMAL_MEAN, _NORMAL_SD = 3.5, 0.8
#: users' latent lead over non-users (both waves); the non-users' latent rise and the
#: users' share's rise of a true change
GAP = 0.5
RISE = 0.5
SHARE_RISE = 0.10
ROWS = ("users", "non_users", "gap", "adoption")


@dataclass(frozen=True)
class Cell:
    """``n``: respondents per wave, or a (low, high) range drawn per survey and wave."""

    n: int | tuple[int, int]
    share: float
    shape: str
    change: bool

    @property
    def label(self) -> str:
        return f"{self.n[0]}–{self.n[1]}" if isinstance(self.n, tuple) else f"{self.n:,}"


def _grid(sizes: list[tuple[int | tuple[int, int], float]]) -> tuple[Cell, ...]:
    return tuple(
        Cell(n, share, shape, change)
        for change in (False, True)
        for shape in ("normal", "skewed")
        for n, share in sizes
    )


#: the full grid: segments of 10–20 (groups of 5–10), groups of 10–20 (50% and 20%
#: users), 100 and 500 respondents per wave
CELLS_FULL = _grid(
    [
        ((10, 20), 0.5),
        ((20, 40), 0.5),
        ((50, 100), 0.2),
        (100, 0.5),
        (100, 0.2),
        (500, 0.5),
        (500, 0.2),
    ]
)
#: the test suite's grid: the small groups, where calibration is at stake
CELLS_QUICK = _grid([((20, 40), 0.5), ((50, 100), 0.2)])


def wilson(successes: int, trials: int) -> tuple[float, float]:
    """The Monte Carlo 95% interval of a rate (Wilson, statsmodels)."""
    low, high = proportion_confint(successes, trials, alpha=0.05, method="wilson")
    return float(low), float(high)


def _mean(shape: str, shift: float) -> float:
    """The true mean score of a group whose latent score is shifted by ``shift``."""
    if shape == "normal":
        return _NORMAL_MEAN + _NORMAL_SD * shift
    return 1.0 + float(stats.norm.sf(_CUTS - shift).sum())


def _scores(rng: np.random.Generator, shape: str, shift: np.ndarray) -> np.ndarray:
    latent = rng.standard_normal(len(shift)) + shift
    if shape == "normal":
        return _NORMAL_MEAN + _NORMAL_SD * latent
    return 1.0 + np.searchsorted(_CUTS, latent).astype(float)


def _simulate(cell: Cell, surveys: int, rng: np.random.Generator) -> pd.DataFrame:
    """``surveys`` surveys of ``cell``, two waves each, stacked (segment ``survey``)."""
    parts = []
    for wave in (0, 1):
        if isinstance(cell.n, tuple):
            sizes = rng.integers(cell.n[0], cell.n[1] + 1, surveys)
        else:
            sizes = np.full(surveys, cell.n)
        survey = np.repeat(np.arange(surveys), sizes)
        share = cell.share + (SHARE_RISE if cell.change and wave == 1 else 0.0)
        is_user = rng.random(len(survey)) < share
        rise = RISE if cell.change and wave == 1 else 0.0
        shift = np.where(is_user, GAP, rise)
        frame = {"survey": survey, "wave": np.full(len(survey), wave), "is_user": is_user}
        for factor in FACTORS:
            frame[factor] = _scores(rng, cell.shape, shift)
        parts.append(pd.DataFrame(frame))
    data = pd.concat(parts, ignore_index=True)
    width = len(str(surveys - 1))
    data["survey"] = pd.Categorical.from_codes(
        data["survey"].to_numpy(), [f"s{i:0{width}d}" for i in range(surveys)]
    )
    return data


def _truth(cell: Cell) -> dict[str, float]:
    """The true change of each row (later − earlier wave)."""
    users = 0.0
    non_users = _mean(cell.shape, RISE) - _mean(cell.shape, 0.0) if cell.change else 0.0
    return {
        "users": users,
        "non_users": non_users,
        "gap": users - non_users,  # gap orientation: users − non-users (higher is better)
        "adoption": SHARE_RISE if cell.change else 0.0,
    }


@dataclass(frozen=True)
class Tally:
    """Counts of one row kind in one cell: tests, p < alpha, intervals covering."""

    tests: int
    rejected: int
    covered: int
    families: int = 0
    family_rejected: int = 0


def study(cell: Cell, surveys: int, seed: int) -> dict[str, Tally]:
    """Simulate ``surveys`` surveys of ``cell`` and tally each row kind (see the module)."""
    rng = np.random.default_rng(seed)
    data = _simulate(cell, surveys, rng)
    result = compare_waves(data, FACTORS, segment_by=["survey"], waves=[0, 1])
    truth = _truth(cell)
    changes = result.changes[result.changes["segment"] > 0]
    tallies = {}
    for row in ("users", "non_users", "gap"):
        part = changes[changes["group"] == row].set_index("segment")
        # every group of the survey at the threshold in both waves (what a report shows)
        ok = _shown(result, part.index.unique())
        part = part[part.index.isin(ok)]
        true = truth[row]
        p = part["p"].to_numpy()
        covered = (part["ci_low"] <= true) & (true <= part["ci_high"])
        family = part.groupby(level=0)["significant"].any()
        tallies[row] = Tally(
            tests=len(part),
            rejected=int((p < ALPHA).sum()),
            covered=int(covered.sum()),
            families=len(family),
            family_rejected=int(family.sum()),
        )
    adoption = result.adoption_change[result.adoption_change["segment"] > 0]
    true = truth["adoption"]
    tallies["adoption"] = Tally(
        tests=len(adoption),
        rejected=int((adoption["p"] < ALPHA).sum()),
        covered=int(((adoption["ci_low"] <= true) & (true <= adoption["ci_high"])).sum()),
    )
    return tallies


def _shown(result, segments: pd.Index) -> np.ndarray:
    """The segments whose users and non-users are at least MIN_GROUP in both waves."""
    adoption = result.adoption.set_index("segment")
    small = (adoption["users"] < MIN_GROUP) | (adoption["non_users"] < MIN_GROUP)
    hidden = small.groupby(level=0).any()
    hidden = hidden[hidden].index
    return np.setdiff1d(segments.to_numpy(), hidden.to_numpy())


# -- the gap's degrees of freedom in cells of 5–6 -------------------------------------------


def bell_mccaffrey_df(n: np.ndarray) -> np.ndarray:
    """Bell and McCaffrey's (2002) degrees of freedom of the gap change's HC2 error.

    ``n``: the four cells' sizes on the last axis. Their Satterthwaite approximation under
    a homoscedastic working model (Imbens & Kolesár 2016, K_BM = (Σλ)²/Σλ² over the
    eigenvalues λ of G'G): for a contrast of cell means in the saturated group × wave
    model the HC2 variance is Σ SS_c/(n_c(n_c − 1)), whose working-model mean and
    variance give (Σ 1/n_c)² / Σ 1/(n_c²(n_c − 1)) — Welch–Satterthwaite with one common
    variance in place of the cells' own.
    """
    n = np.asarray(n, dtype=float)
    return (1 / n).sum(axis=-1) ** 2 / (1 / (n**2 * (n - 1))).sum(axis=-1)


def welch_satterthwaite_df(n: np.ndarray, var: np.ndarray) -> np.ndarray:
    """(Σ v_c)² / Σ v_c²/(n_c − 1), v_c = s_c²/n_c: what ``compare_waves`` computes."""
    v = np.asarray(var, dtype=float) / n
    return v.sum(axis=-1) ** 2 / (v**2 / (n - 1)).sum(axis=-1)


#: the cells of the df study: (users, non-users) in the earlier and in the later wave
DF_SIZES = ((5, 6), (6, 5))
#: the answer shapes of the df study: ``unequal`` is ``normal`` with the users' SD a third
#: of the non-users' (0.4 against 1.2), where the two degrees of freedom differ most
DF_SHAPES = ("normal", "skewed", "unequal")


def df_study(shape: str, surveys: int, seed: int) -> dict[str, Tally]:
    """Coverage of the gap change's interval in cells of 5–6: Welch–Satterthwaite's df
    (``compare_waves``) against Bell–McCaffrey's, the same difference and HC2 error."""
    rng = np.random.default_rng(seed)
    parts = []
    for wave, (users, non_users) in enumerate(DF_SIZES):
        size = users + non_users
        survey = np.repeat(np.arange(surveys), size)
        is_user = np.tile(np.arange(size) < users, surveys)
        shift = np.where(is_user, GAP, 0.0)
        frame = {"survey": survey, "wave": np.full(len(survey), wave), "is_user": is_user}
        for factor in FACTORS:
            if shape == "unequal":  # normal, the users' SD a third of the non-users'
                spread = np.where(is_user, 0.5, 1.5)
                frame[factor] = _NORMAL_MEAN + _NORMAL_SD * spread * rng.standard_normal(len(shift))
            else:
                frame[factor] = _scores(rng, shape, shift)
        parts.append(pd.DataFrame(frame))
    data = pd.concat(parts, ignore_index=True)
    data["survey"] = pd.Categorical.from_codes(data["survey"].to_numpy(), range(surveys))
    result = compare_waves(data, FACTORS, segment_by=["survey"], waves=[0, 1])
    gap = result.changes[(result.changes["segment"] > 0) & (result.changes["group"] == "gap")]
    gap = gap[gap["se"] > 0]  # every cell answered alike: no interval
    cells = np.array([[*DF_SIZES[0], *DF_SIZES[1]]], dtype=float)
    tallies = {}
    for name, df in (
        ("welch_satterthwaite", gap["df"].to_numpy()),
        ("bell_mccaffrey", np.broadcast_to(bell_mccaffrey_df(cells), len(gap))),
    ):
        margin = stats.t.ppf(1 - ALPHA / 2, df) * gap["se"].to_numpy()
        diff = gap["difference"].to_numpy()
        covered = np.abs(diff) <= margin  # the true change is 0
        tallies[name] = Tally(
            tests=len(gap), rejected=int((~covered).sum()), covered=int(covered.sum())
        )
    return tallies


# -- adoption in small segments ------------------------------------------------------------

#: (respondents per wave, users' share) of the adoption study: where the pooled z-test was
#: too liberal, and the lattice points of equal waves with half of them users
ADOPTION_CELLS = (((10, 20), 0.5), ((10, 20), 0.2), ((20, 40), 0.5), (50, 0.5), (100, 0.5))


def adoption_study(n: int | tuple[int, int], share: float, surveys: int, seed: int) -> dict:
    """False positives of the adoption change with no true change, in every survey: the
    shipped "N − 1" test (``compare_waves``) against the pooled z-test it replaced
    (Pearson's χ² without the (N − 1)/N factor, from the same counts)."""
    rng = np.random.default_rng(seed)
    cell = Cell(n, share, "normal", False)
    data = _simulate(cell, surveys, rng)[["survey", "wave", "is_user", "f1"]]
    result = compare_waves(data, ["f1"], segment_by=["survey"], waves=[0, 1])
    rows = result.adoption_change[result.adoption_change["segment"] > 0]
    u1, n1 = rows["to_users"].to_numpy(float), rows["to_respondents"].to_numpy(float)
    u0, n0 = rows["from_users"].to_numpy(float), rows["from_respondents"].to_numpy(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        pooled = (u0 + u1) / (n0 + n1)
        z = (u1 / n1 - u0 / n0) / np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0))
    before = 2 * stats.norm.sf(np.abs(z))
    tested = ~np.isnan(rows["p"].to_numpy())  # every survey all users or none: no test
    return {
        "shipped": Tally(int(tested.sum()), int((rows["p"].to_numpy()[tested] < ALPHA).sum()), 0),
        "pooled": Tally(int(tested.sum()), int((before[tested] < ALPHA).sum()), 0),
    }


# -- the report ------------------------------------------------------------------------------


def _rate(count: int, trials: int) -> str:
    if not trials:
        return "—"
    low, high = wilson(count, trials)
    return f"{100 * count / trials:.1f}% [{100 * low:.1f}; {100 * high:.1f}]"


def verdict_rate(count: int, trials: int) -> bool:
    """A false-positive rate holds when its Monte Carlo interval reaches down to 5%."""
    return wilson(count, trials)[0] <= ALPHA


def verdict_coverage(count: int, trials: int) -> bool:
    """A coverage holds when its Monte Carlo interval meets 95 ± 1.5%."""
    low, high = wilson(count, trials)
    return high >= LEVEL - BAND and low <= LEVEL + BAND


def run(full: bool, seed: int) -> str:
    """The Markdown section (see the module docstring)."""
    cells = CELLS_FULL if full else CELLS_QUICK
    surveys = 2000 if full else 300
    df_surveys = 4000 if full else 1000
    lines = [
        f"## {TITLE}",
        "",
        f"`ism_advisor.stats.waves.compare_waves`, two waves, {len(FACTORS)} independent factors"
        f" per survey, {surveys:,} surveys per cell (seed {seed}); see"
        " `benchmarks/calibration/waves.py` for the design. Rates and coverages with their"
        " Monte Carlo 95% interval (Wilson). Target: false positives ≤ 5%, coverage"
        " 95 ± 1.5%. ✓: the target lies within the Monte Carlo interval's reach.",
        "",
    ]
    failed = []
    for change in (False, True):
        lines += [
            "### No true change" if not change else "### A true change",
            "",
        ]
        if not change:
            lines += [
                "| n per wave | users | answers | row | tests | p < 0.05 | Holm, any factor"
                " | 95% interval covers |",
                "|---|---|---|---|---|---|---|---|",
            ]
        else:
            lines += [
                "| n per wave | users | answers | row | true change | tests | power (p < 0.05)"
                " | 95% interval covers |",
                "|---|---|---|---|---|---|---|---|",
            ]
        for i, cell in enumerate(c for c in cells if c.change == change):
            tallies = study(cell, surveys, seed + 1000 * change + i)
            truth = _truth(cell)
            for row in ROWS:
                tally = tallies[row]
                cover_ok = verdict_coverage(tally.covered, tally.tests)
                mark = "✓" if cover_ok else "✗"
                share = f"{cell.share:.0%}"
                if cell.change:
                    share += f" → {cell.share + SHARE_RISE:.0%}" if row == "adoption" else ""
                head = f"| {cell.label} | {share} | {cell.shape} | {row.replace('_', '-')}"
                cover = f"{_rate(tally.covered, tally.tests)} {mark}"
                if not change:
                    rate_ok = verdict_rate(tally.rejected, tally.tests)
                    holm = (
                        _rate(tally.family_rejected, tally.families)
                        + (" ✓" if verdict_rate(tally.family_rejected, tally.families) else " ✗")
                        if tally.families
                        else "—"
                    )
                    lines.append(
                        f"{head} | {tally.tests:,} | {_rate(tally.rejected, tally.tests)}"
                        f" {'✓' if rate_ok else '✗'} | {holm} | {cover} |"
                    )
                    if not rate_ok:
                        failed.append(f"{cell.label}, {cell.share:.0%}, {cell.shape}, {row}: rate")
                else:
                    lines.append(
                        f"{head} | {truth[row]:+.3f} | {tally.tests:,}"
                        f" | {_rate(tally.rejected, tally.tests)} | {cover} |"
                    )
                if not cover_ok:
                    failed.append(f"{cell.label}, {cell.share:.0%}, {cell.shape}, {row}: coverage")
        lines.append("")
    lines += [
        "### The gap's degrees of freedom in cells of 5–6",
        "",
        "Users and non-users 5 and 6 in the earlier wave, 6 and 5 in the later; no true"
        f" change; {df_surveys:,} surveys × {len(FACTORS)} factors. The same difference and"
        " HC2 standard error, with Student's t on the Welch–Satterthwaite degrees of freedom"
        " of the cells' own variances (what `compare_waves` computes) or on Bell and"
        " McCaffrey's (2002) degrees of freedom for the same contrast"
        f" ({bell_mccaffrey_df(np.array([5, 6, 6, 5])):.2f} here, whatever the data).",
        "",
        "| answers | degrees of freedom | tests | p < 0.05 | 95% interval covers |",
        "|---|---|---|---|---|",
    ]
    for j, shape in enumerate(DF_SHAPES):
        tallies = df_study(shape, df_surveys, seed + 5000 + j)
        for name, label in (
            ("welch_satterthwaite", "Welch–Satterthwaite (shipped)"),
            ("bell_mccaffrey", "Bell–McCaffrey"),
        ):
            tally = tallies[name]
            rate_mark = "✓" if verdict_rate(tally.rejected, tally.tests) else "✗"
            mark = "✓" if verdict_coverage(tally.covered, tally.tests) else "✗"
            lines.append(
                f"| {shape} | {label} | {tally.tests:,} | {_rate(tally.rejected, tally.tests)}"
                f" {rate_mark} | {_rate(tally.covered, tally.tests)} {mark} |"
            )
    adoption_surveys = 40_000 if full else 2_000
    lines += [
        "",
        "### Adoption in small segments",
        "",
        f"No true change, {adoption_surveys:,} surveys per cell, every survey counted. The"
        ' shipped "N − 1" two-proportion z-test (Pearson\'s χ² times (N − 1)/N; Campbell'
        " 2007) against the pooled z-test it replaced (issue 27), on the same counts.",
        "",
        "| n per wave | users | test | tests | p < 0.05 |",
        "|---|---|---|---|---|",
    ]
    for k, (n, share) in enumerate(ADOPTION_CELLS):
        tallies = adoption_study(n, share, adoption_surveys, seed + 7000 + k)
        label = Cell(n, share, "normal", False).label
        for name, test in (("shipped", '"N − 1" (shipped)'), ("pooled", "pooled z (before)")):
            tally = tallies[name]
            mark = "✓" if verdict_rate(tally.rejected, tally.tests) else "✗"
            lines.append(
                f"| {label} | {share:.0%} | {test} | {tally.tests:,}"
                f" | {_rate(tally.rejected, tally.tests)} {mark} |"
            )
            if name == "shipped" and mark == "✗":
                failed.append(f"{label}, {share:.0%}, adoption (lattice)")
    lines += [
        "",
        "Cells outside their target: " + ("; ".join(failed) if failed else "none") + ".",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    import sys
    import time

    start = time.perf_counter()
    print(run(full="--full" in sys.argv, seed=20261207))
    print(f"{time.perf_counter() - start:.0f} s", file=sys.stderr)
