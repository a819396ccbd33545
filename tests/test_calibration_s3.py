"""Part S3 of the calibration suite, seeded and small: the driver weights' intervals and
"contributes more than noise" (benchmarks/calibration/drivers.py).

Tolerances come from the binomial Monte Carlo error of the counts (a 99.9% quantile, so a
correct implementation fails about once in a thousand seeds; the seed is fixed): a
coverage passes when it is consistent with 95 ± 1.5%, a false-positive rate when it is
consistent with at most 5%.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from scipy import stats

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.calibration import drivers as calibration  # noqa: E402

SEED = 2027


@pytest.fixture(scope="module")
def measured():
    cells, surveys = calibration.grid(full=False)
    truths = {}
    out = []
    for cell in cells:
        key = (cell.share, cell.shape)
        truths.setdefault(key, calibration.true_weights(cell.share, cell.shape, SEED))
        out.append((cell, calibration.measure(cell, surveys, SEED, truths[key])))
    return out


def test_the_small_grid_analyses_every_survey(measured):
    cells, surveys = calibration.grid(full=False)
    assert [cell for cell, _ in measured] == cells
    for _, counts in measured:
        assert counts.surveys == surveys  # 50% users: the smaller group is always large enough


def test_weight_intervals_cover_the_true_weight(measured):
    for cell, counts in measured:
        s = counts.surveys
        low, high = stats.binom.ppf(0.001, s, 0.935), stats.binom.ppf(0.999, s, 0.965)
        for factor in ("driver", "correlate"):
            assert low <= counts.covered[factor] <= high, (cell, factor, counts.covered)


def test_a_noise_factors_weight_interval_never_contains_zero(measured):
    for _, counts in measured:
        assert counts.noise_zero == 0


def test_a_noise_factor_is_called_contributing_at_most_five_percent_of_the_time(measured):
    for cell, counts in measured:
        # the three noise factors of a survey share its random variable, so their count
        # is judged as the mean of three dependent binomials (variance at most one's)
        limit = stats.binom.ppf(0.999, counts.surveys, 0.05)
        assert counts.noise_beats / len(calibration.NOISE) <= limit, (cell, counts.noise_beats)


def test_a_noise_factor_is_important_in_the_matrix_at_most_five_percent_of_the_time(measured):
    for cell, counts in measured:
        limit = stats.binom.ppf(0.999, counts.surveys, 0.05)
        assert counts.noise_important <= counts.noise_beats
        assert counts.noise_important <= counts.noise_even
        assert counts.noise_important / len(calibration.NOISE) <= limit, cell


def test_the_known_driver_is_found(measured):
    (small_cell, small), (large_cell, large) = measured
    # at 175 respondents more often than noise is; at 600 in most surveys
    assert small.beats["driver"] > stats.binom.ppf(0.999, small.surveys, 0.05), small_cell
    assert large.beats["driver"] > stats.binom.ppf(0.999, large.surveys, 0.5), large_cell


def test_the_section_is_markdown_with_a_table_per_measure(measured):
    text = calibration.run(False, SEED)
    assert text.startswith(f"## {calibration.TITLE}\n")
    assert text.count("| n | users share | answer shape | surveys |") == 8
    # seeded: the section's figures are the counts measured separately with the same seed
    (_, counts), _ = measured
    rate = 100 * counts.covered["driver"] / counts.surveys
    assert f"| 175 | 50% | normal | {counts.surveys} | {rate:.1f}% | [" in text
