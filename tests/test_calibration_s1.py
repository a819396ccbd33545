"""Issue 27, part S1: the gap's test keeps its size (seeded subset of the calibration).

The rates are counts of independent simulated surveys (or factor comparisons), so their
tolerance follows from the binomial distribution: a count is consistent with a rate of at
most 5% when it does not exceed the 99.9th percentile of Binomial(trials, 0.05).
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.calibration import size
from benchmarks.calibration.surveys import Cell, simulate
from ism_advisor.core.vocabulary import PERMUTATION_BELOW, PERMUTATIONS
from ism_advisor.stats import compare, permutation
from ism_advisor.stats.permutation import Sample

SURVEYS = 400
SEED = 27


def at_most_five_percent(count: int, trials: int) -> bool:
    return count <= stats.binom.ppf(0.999, trials, 0.05)


@pytest.fixture(scope="module")
def skewed_small():
    """Skewed answers, 20% users, n = 60: the issue's worst cell (12 users)."""
    cell = Cell(60, 0.2, "skewed")
    return size.measure(cell, SURVEYS, SEED), size.measure(cell, SURVEYS, SEED, welch_only=True)


def test_welch_alone_exceeds_five_percent_where_the_permutation_test_holds(skewed_small):
    shipped, welch = skewed_small
    assert shipped.tests_used == {"permutation_welch": SURVEYS * 7}
    assert at_most_five_percent(shipped.per_factor, shipped.tests)
    assert at_most_five_percent(shipped.family, SURVEYS)
    # the same surveys with Welch's p: the family-wise rate the issue measured (10.4%)
    assert welch.tests_used == {"welch": SURVEYS * 7}
    assert not at_most_five_percent(welch.family, SURVEYS)


def test_small_segments_of_10_to_20_hold_their_size():
    rates = size.measure(Cell((10, 20), 0.2, "skewed"), SURVEYS, SEED + 2)
    assert at_most_five_percent(rates.per_factor, rates.tests)
    assert at_most_five_percent(rates.family, SURVEYS)


def test_welch_stays_where_groups_are_large_and_finds_the_effect():
    rates = size.measure(Cell(200, 0.5, "normal"), SURVEYS, SEED + 4)
    assert rates.tests_used == {"welch": SURVEYS * 7}
    assert at_most_five_percent(rates.family, SURVEYS)
    # d = 0.5 with 100 per group: Welch's power at Holm's smallest threshold 0.05 / 7
    # (a lower bound of Holm's) is about 0.8; the count must not lie below its 0.1th
    # percentile
    power = stats.nct.sf(stats.t.ppf(1 - 0.05 / 14, 198), 198, 0.5 * math.sqrt(100 * 100 / 200))
    assert rates.power >= stats.binom.ppf(0.001, SURVEYS, power)


def test_the_quick_section_names_its_cells_and_its_target():
    text = size.run(False, SEED)
    assert text.startswith(f"## {size.TITLE}\n")
    assert "| skewed | 20% | 60 | permutation_welch 100% |" in text
    assert "| normal | 50% | 200 | welch 100% |" in text
    assert text.rstrip().endswith("Every cell within target.")


def test_p_is_the_same_whatever_else_is_in_the_file():
    survey = simulate(Cell(30, 0.2, "skewed"), 6, SEED)
    first = compare.compare_groups(survey).comparisons
    # run again: byte-identical
    again = compare.compare_groups(survey).comparisons
    pd.testing.assert_series_equal(first["p"], again["p"])
    codes = survey.segments["survey"].cat.codes.to_numpy()
    alone = compare.compare_groups(
        type(survey)(
            path=survey.path,
            codebook=survey.codebook,
            scores=survey.scores[codes == 3].reset_index(drop=True),
            is_user=survey.is_user[codes == 3],
            segments=survey.segments[codes == 3].reset_index(drop=True),
            segment_by=survey.segment_by,
        )
    ).comparisons
    in_file = first[first["segment"] == 4]["p"].to_numpy()  # row 0: all; segment 3 is row 4
    assert (alone[alone["segment"] == 0]["p"].to_numpy() == in_file).all()
    assert (first[first["segment"] > 0]["test"] == "permutation_welch").all()


def abs_welch_t(x, y, axis):
    return np.abs(stats.ttest_ind(x, y, equal_var=False, axis=axis).statistic)


@pytest.mark.parametrize(("n_x", "n_y"), [(5, 7), (6, 9), (12, 48), (40, 160)])
def test_permutation_p_is_scipys(n_x, n_y):
    rng = np.random.default_rng(n_x * 100 + n_y)
    x = rng.choice([2.0, 3.0, 4.0, 5.0], n_x, p=[0.1, 0.2, 0.4, 0.3])
    y = rng.choice([1.0, 2.0, 3.0, 4.0, 5.0], n_y, p=[0.05, 0.1, 0.2, 0.35, 0.3])
    v = np.concatenate([y[: n_y // 2], x, y[n_y // 2 :]])  # groups interleaved in the file
    in_x = np.zeros(len(v), dtype=bool)
    in_x[n_y // 2 : n_y // 2 + n_x] = True
    sample = Sample(
        np.zeros(len(v), dtype=np.int64),
        v,
        in_x,
        np.array([float(n_x)]),
        np.array([float(n_y)]),
        np.array([True]),
    )
    ours = permutation.permutation_welch([sample])[0][0]
    exact = math.comb(n_x + n_y, n_x) <= PERMUTATIONS
    resamples = PERMUTATIONS if exact else 50_000
    reference = stats.permutation_test(
        (x, y),
        abs_welch_t,
        alternative="greater",
        vectorized=True,
        n_resamples=resamples,
        random_state=np.random.default_rng(1),
    ).pvalue
    if exact:
        assert ours == pytest.approx(reference, rel=1e-12)
    else:  # two Monte Carlo estimates: four standard errors of their difference
        error = math.sqrt(reference * (1 - reference) * (1 / PERMUTATIONS + 1 / resamples))
        assert abs(ours - reference) <= 4 * error + 1 / PERMUTATIONS
    assert min(n_x, n_y) < PERMUTATION_BELOW


def run_cli(*args: str) -> None:
    import subprocess

    root = Path(__file__).resolve().parent.parent
    result = subprocess.run(
        [sys.executable, "-m", "ism_advisor", *args], capture_output=True, text=True, cwd=root
    )
    assert result.returncode == 0, result.stderr


def test_the_json_says_which_test_gave_p_and_the_method_says_why(tmp_path):
    import json

    out = tmp_path / "advice.json"
    args = ("sample_data/scores.csv", "--segment-by", "organisation", "--segment-by")
    run_cli(*args, "department", "-o", str(out))
    tests = {}
    for segment in json.loads(out.read_text(encoding="utf-8"))["segments"]:
        for row in segment.get("comparisons") or []:
            if row["p"] is None:
                assert row["test"] is None
                continue
            smaller = min(row["users_n"], row["non_users_n"])
            expected = "permutation_welch" if smaller < PERMUTATION_BELOW else "welch"
            assert row["test"] == expected, (segment["value"], row["factor"])
            tests[expected] = tests.get(expected, 0) + 1
    assert set(tests) == {"welch", "permutation_welch"}  # the sample's departments are small
    for lang, sentence in (
        (
            "en",
            "Where the smaller of the two groups has fewer than 50 people, the p-value comes "
            "from a permutation test of Welch's t instead of Welch's own: 2,000 random "
            "reshufflings of who is a user",
        ),
        (
            "nl",
            "Als de kleinste van de twee groepen minder dan 50 mensen telt, komt de p-waarde "
            "niet uit de t-toets van Welch zelf maar uit een permutatietoets van de t van "
            "Welch: 2.000 willekeurige herverdelingen",
        ),
    ):
        for suffix in ("md", "html"):
            report = tmp_path / f"advice-{lang}.{suffix}"
            run_cli("sample_data/scores.csv", "--lang", lang, "-o", str(report))
            text = " ".join(report.read_text(encoding="utf-8").split())
            assert sentence in text.replace("&#39;", "'"), (lang, suffix)


def test_the_permutation_work_grows_with_group_sizes_not_segments(monkeypatch):
    """One set of relabellings and one matrix product per distinct pair of group sizes,
    for all segments and factors that have it."""
    calls = []
    splits = permutation.relabellings

    def counted(size_x, size_y):
        calls.append((size_x, size_y))
        return splits(size_x, size_y)

    monkeypatch.setattr(permutation, "relabellings", counted)
    for surveys in (10, 1_000):
        calls.clear()
        result = compare.compare_groups(simulate(Cell(30, 0.2, "skewed"), surveys, SEED))
        table = result.comparisons[result.comparisons["segment"] > 0]
        assert (table["test"] == "permutation_welch").all()
        # 6 users, 24 non-users: higher-is-worse factors put the non-users first, and
        # share the splits of the higher-is-better ones
        assert calls == [(6, 24)]
