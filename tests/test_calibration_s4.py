"""The wave comparison's calibration (part S4 of issue 27), on a small seeded grid.

Each false-positive rate must hold at 5% and each coverage at 95 ± 1.5% *within its Monte
Carlo error*: the tolerance is the rate's own Wilson 95% interval over the simulated
tests (a rate passes when that interval reaches down to 5%; a coverage when it meets the
band), the verdicts :mod:`benchmarks.calibration.waves` prints in CALIBRATION.md.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from benchmarks.calibration import waves as calibration
from ism_advisor.stats import tests as stat_tests
from ism_advisor.stats.waves import compare_waves

SEED = 20261207
SURVEYS = 300


@pytest.mark.parametrize(
    "cell", calibration.CELLS_QUICK, ids=lambda c: f"{c.label}-{c.share}-{c.shape}-{c.change}"
)
def test_each_change_holds_its_size_and_coverage(cell):
    tallies = calibration.study(cell, SURVEYS, SEED)
    for row, tally in tallies.items():
        # enough tests that a miscalibration of a few points would show
        assert tally.tests >= SURVEYS * (1 if row == "adoption" else 3) * 0.9, row
        assert calibration.verdict_coverage(tally.covered, tally.tests), (row, tally)
        if not cell.change or row == "users":  # no true change in this row
            assert calibration.verdict_rate(tally.rejected, tally.tests), (row, tally)
        if tally.families and (not cell.change or row == "users"):
            assert calibration.verdict_rate(tally.family_rejected, tally.families)


def test_verdicts_fail_outside_the_target():
    # 6% of 6,000 is above 5% beyond Monte Carlo error; 92.5% or 97.5% of 6,000 miss 95 ± 1.5%
    assert not calibration.verdict_rate(360, 6000)
    assert calibration.verdict_rate(300, 6000)
    assert not calibration.verdict_coverage(5550, 6000)
    assert not calibration.verdict_coverage(5850, 6000)
    assert calibration.verdict_coverage(5700, 6000)


def test_the_truth_of_a_skewed_change_is_the_mean_of_its_answer_shares():
    # the skewed answer shares, shifted by 0.5 latent SD, integrated numerically
    cuts = np.concatenate([[-np.inf], calibration._CUTS, [np.inf]])
    shares = np.diff(stats.norm.cdf(cuts - 0.5))
    mean = float(np.dot(shares, np.arange(1, 6)))
    base = float(np.dot(calibration.SKEWED_SHARES, np.arange(1, 6)))
    cell = calibration.Cell(100, 0.5, "skewed", True)
    assert calibration._truth(cell)["non_users"] == pytest.approx(mean - base, abs=1e-12)


def _bell_mccaffrey_by_matrices(n: list[int]) -> float:
    """K_BM = (Σλ)²/Σλ², λ the eigenvalues of G'G (Imbens & Kolesár 2016, eq. 9): the
    interaction of an OLS of score on group, wave and group × wave, HC2."""
    cell = np.repeat(np.arange(4), n)  # earlier non-users, earlier users, later ...
    user = (cell % 2).astype(float)
    later = (cell // 2).astype(float)
    x = np.column_stack([np.ones(len(cell)), user, later, user * later])
    xtx_inv = np.linalg.inv(x.T @ x)
    hat = x @ xtx_inv @ x.T
    residual = np.eye(len(cell)) - hat
    a = x @ xtx_inv @ np.array([0.0, 0.0, 0.0, 1.0])
    g = residual * (a / np.sqrt(1 - np.diag(hat)))[None, :]  # column i: (I − H)_i a_i/√(1−h_ii)
    lam = np.linalg.eigvalsh(g.T @ g)
    return float(lam.sum() ** 2 / (lam**2).sum())


@pytest.mark.parametrize("n", [[5, 6, 6, 5], [5, 5, 6, 6], [3, 12, 7, 40]])
def test_bell_mccaffrey_df_is_the_published_formula(n):
    assert calibration.bell_mccaffrey_df(np.array(n)) == pytest.approx(
        _bell_mccaffrey_by_matrices(n), rel=1e-9
    )


def test_the_gap_df_compare_waves_gives_is_welch_satterthwaite_of_the_cells_own_variances():
    rng = np.random.default_rng(3)
    sizes = (5, 6, 6, 5)  # earlier users, earlier non-users, later users, later non-users
    user = np.concatenate([np.full(k, u) for k, u in zip(sizes, (1, 0, 1, 0), strict=True)])
    wave = np.repeat([0, 0, 1, 1], sizes)
    scores = rng.normal(3.5, 0.8, sum(sizes)) * np.where(user == 1, 0.5, 1.5)
    data = pd.DataFrame({"wave": wave, "is_user": user.astype(bool), "f": scores})
    gap = compare_waves(data, ["f"]).changes.set_index("group").loc["gap"]
    cells = [scores[(wave == w) & (user == u)] for w in (0, 1) for u in (1, 0)]
    variances = np.array([c.var(ddof=1) for c in cells])
    expected = calibration.welch_satterthwaite_df(np.array(sizes, dtype=float), variances)
    assert gap["df"] == pytest.approx(float(expected), rel=1e-12)
    # and it differs from Bell–McCaffrey's where the variances differ
    assert abs(gap["df"] - calibration.bell_mccaffrey_df(np.array(sizes))) > 1


@pytest.mark.parametrize("shape", calibration.DF_SHAPES)
def test_welch_satterthwaite_holds_in_cells_of_5_to_6(shape):
    tallies = calibration.df_study(shape, 1000, SEED)
    shipped = tallies["welch_satterthwaite"]
    assert shipped.tests >= 2900
    assert calibration.verdict_rate(shipped.rejected, shipped.tests)
    assert calibration.verdict_coverage(shipped.covered, shipped.tests)


def test_the_section_is_seeded_and_names_its_cells():
    text = calibration.run(False, SEED)
    assert text.startswith(f"## {calibration.TITLE}\n")
    assert "| 20–40 | 50% | skewed | gap |" in text
    assert "| 50–100 | 20% | normal | adoption |" in text
    assert "### The gap's degrees of freedom in cells of 5–6" in text
    assert text.endswith("Cells outside their target: none.\n")
    assert calibration.run(False, SEED) == text


def test_the_adoption_test_holds_its_size_in_segments_of_10_to_20():
    """The shipped "N − 1" z-test of the adoption change, on 400,000 simulated pairs of
    waves of 10–20 respondents with half of them users: its false-positive rate holds at
    5% within Monte Carlo error where the pooled z-test's (statsmodels' formula, the test
    shipped before) does not."""
    rng = np.random.default_rng(SEED)
    size = 400_000
    n0 = rng.integers(10, 21, size).astype(float)
    n1 = rng.integers(10, 21, size).astype(float)
    u0 = rng.binomial(n0.astype(int), 0.5).astype(float)
    u1 = rng.binomial(n1.astype(int), 0.5).astype(float)
    shipped = stat_tests.pooled_z(u1, n1, u0, n0)
    with np.errstate(invalid="ignore", divide="ignore"):
        pooled = (u0 + u1) / (n0 + n1)
        z = (u1 / n1 - u0 / n0) / np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0))
    before = 2 * stats.norm.sf(np.abs(z))
    tested = ~np.isnan(shipped)
    assert tested.sum() > 0.999 * size
    assert calibration.verdict_rate(int((shipped[tested] < 0.05).sum()), int(tested.sum()))
    assert not calibration.verdict_rate(int((before[tested] < 0.05).sum()), int(tested.sum()))
