"""The bootstrap of segments of N_STAR complete cases or more: normal sums instead of
Poisson-weighted rows (stats/drivers/bootstrap.py, ``_normal_sums``).

Checked against the refitting reference of tests/test_drivers.py (rwa_logit refitted in
classical resamples), at the threshold against the row bootstrap, and guarded: a large
segment weights no row."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest
from test_drivers import planted, quantile_error, reference_bootstrap, segmented

from ism_advisor.stats.drivers import N_STAR, driver_analysis
from ism_advisor.stats.drivers import bootstrap as driver_bootstrap
from ism_advisor.stats.drivers import logistic as driver_logistic

OURS, THEIRS = 2000, 600

# Segments for the workers' tests: two above N*, and 25,000 rows below it in all.
SIZES = [300, 25_000, 500, 1_000, 40, 700, 30_000, 900, *[3_000] * 7]


def _largest_z(label, result_columns, replicates, ours, theirs):
    """|z| of each CI limit against the reference's quantile; asserts |z| ≤ 4."""
    largest = 0.0
    for q, values in zip((0.025, 0.975), result_columns, strict=True):
        error = np.hypot(quantile_error(replicates, q, ours), quantile_error(replicates, q, theirs))
        gap = values - np.quantile(replicates, q, axis=0)
        # a limit at exactly 0 on both sides (the noise factor's weight) has no spread
        z = np.divide(gap, error, out=np.zeros_like(gap), where=error > 0)
        assert np.all(np.abs(gap) <= 4 * error), (label, q, z)
        largest = max(largest, float(np.abs(z).max()))
    print(f"{label}: largest |z| = {largest:.2f}")
    return largest


@pytest.mark.parametrize(
    ("n", "seed"), [(20_000, 51), pytest.param(100_000, 52, marks=pytest.mark.slow)]
)
def test_large_weight_cis_agree_with_a_refitting_bootstrap_within_its_error(n, seed):
    scores, use = planted(n, seed, effect=0.9, r=0.6)
    result = driver_analysis(scores, use, resamples=OURS)
    replicates = reference_bootstrap(scores.to_numpy(), use, THEIRS, seed)
    drivers = result.drivers
    _largest_z(
        f"weights, n = {n}",
        (drivers["weight_ci_low"].to_numpy(), drivers["weight_ci_high"].to_numpy()),
        replicates,
        OURS,
        THEIRS,
    )
    assert result.models.loc[0, "resamples"] == OURS


@pytest.mark.parametrize(
    ("n", "seed"), [(20_000, 61), pytest.param(100_000, 62, marks=pytest.mark.slow)]
)
def test_large_noise_contrast_agrees_with_a_refitting_bootstrap_within_its_error(n, seed):
    scores, use = planted(n, seed, effect=0.9, r=0.6)
    result = driver_analysis(scores, use, resamples=OURS, seed=7)
    x = scores.to_numpy()
    rng = np.random.default_rng(
        [*driver_bootstrap.segment_seed(7, x, use), driver_bootstrap.NOISE_STREAM]
    )
    augmented = np.column_stack([x, rng.standard_normal(n)])
    replicates = reference_bootstrap(augmented, use, THEIRS, seed)
    difference = replicates[:, :-1] - replicates[:, -1:]
    drivers = result.drivers
    _largest_z(
        f"noise contrast, n = {n}",
        (drivers["noise_diff_ci_low"].to_numpy(), drivers["noise_diff_ci_high"].to_numpy()),
        difference,
        OURS,
        THEIRS,
    )
    beats = drivers["beats_noise"].tolist()
    assert beats[0] is True  # the planted driver
    assert beats[2] is False  # the noise factor


def test_the_two_methods_agree_at_the_threshold(monkeypatch):
    """N* − 1 rows (Poisson rows) and N* rows (normal sums) of the same data: each
    method's limits against the other's, within 4 combined Monte Carlo SEs (each side's SE
    from the rows' own 2,000 weights, as quantile_error does)."""
    scores, use = planted(N_STAR, 71, effect=0.9, r=0.6)
    calls = {"rows": 0, "normal": 0}
    for name, key in (("_resample", "rows"), ("_normal_sums", "normal")):
        original = getattr(driver_bootstrap, name)

        def counted(*args, _original=original, _key=key):
            calls[_key] += 1
            return _original(*args)

        monkeypatch.setattr(driver_bootstrap, name, counted)
    below = driver_analysis(scores.iloc[:-1], use[:-1], resamples=OURS)
    assert calls == {"rows": 2, "normal": 0}  # the weights and the noise contrast
    at = driver_analysis(scores, use, resamples=OURS)
    assert calls == {"rows": 2, "normal": 2}
    # the reference spread: a row bootstrap's replicate weights at N* − 1, drawn again
    x, y = scores.to_numpy()[:-1], use[:-1]
    replicates = reference_bootstrap(x, y, 200, 71)
    largest = 0.0
    for q, column in ((0.025, "weight_ci_low"), (0.975, "weight_ci_high")):
        error = np.hypot(quantile_error(replicates, q, OURS), quantile_error(replicates, q, OURS))
        gap = at.drivers[column].to_numpy() - below.drivers[column].to_numpy()
        z = np.divide(gap, error, out=np.zeros_like(gap), where=error > 0)
        assert np.all(np.abs(gap) <= 4 * error), (column, z)
        largest = max(largest, float(np.abs(z).max()))
    for column in ("noise_diff_ci_low", "noise_diff_ci_high"):
        np.testing.assert_allclose(at.drivers[column], below.drivers[column], atol=0.003)
    print(f"threshold: largest |z| = {largest:.2f}")


def test_a_large_segment_is_reproducible_byte_for_byte():
    scores, use, codes = segmented([300, 25_000], seed=19)
    first = driver_analysis(scores, use, codes)
    second = driver_analysis(scores.copy(), use.copy(), codes.copy())
    for column in ("weight_ci_low", "weight_ci_high", "noise_diff_ci_low", "noise_diff_ci_high"):
        assert (
            first.drivers[column].to_numpy().tobytes()
            == second.drivers[column].to_numpy().tobytes()
        )
    assert first.models.to_csv() == second.models.to_csv()
    other_seed = driver_analysis(scores, use, codes, seed=1)
    large = (other_seed.drivers["segment"] == 1).to_numpy()
    assert not np.array_equal(
        other_seed.drivers["weight_ci_low"][large], first.drivers["weight_ci_low"][large]
    )
    np.testing.assert_array_equal(other_seed.drivers["weight"], first.drivers["weight"])


def test_a_large_segment_alone_and_among_others_gives_identical_figures():
    sizes = [180, 25_000, 600]
    scores, use, codes = segmented(sizes, seed=23)
    together = driver_analysis(scores, use, codes, resamples=100)
    for segment in range(len(sizes)):
        rows = codes == segment
        alone = driver_analysis(scores[rows].reset_index(drop=True), use[rows], resamples=100)
        for name in ("models", "drivers", "correlations", "routes"):
            mine = getattr(together, name)
            mine = mine[mine["segment"] == segment].reset_index(drop=True)
            theirs = getattr(alone, name).assign(segment=segment)
            pd.testing.assert_frame_equal(mine, theirs, check_exact=True, check_dtype=False)
    assert together.models["resamples"].tolist() == [100, 100, 100]


def _count_draws(monkeypatch):
    """Counters of the row-draws (n × resamples per call of ``resample_weights``) and of
    the covariance sample's rows, patched where they are called (bootstrap.py)."""
    counts = {"row_draws": 0, "calls": 0, "covariance_rows": []}
    draw, sample = driver_bootstrap.resample_weights, driver_bootstrap.covariance_rows

    def counted_draw(seed, n, resamples):
        counts["row_draws"] += n * resamples
        counts["calls"] += 1
        return draw(seed, n, resamples)

    def counted_sample(rng, y, *args):
        picked, scale = sample(rng, y, *args)
        counts["covariance_rows"].append(len(picked))
        return picked, scale

    monkeypatch.setattr(driver_bootstrap, "resample_weights", counted_draw)
    monkeypatch.setattr(driver_bootstrap, "covariance_rows", counted_sample)
    return counts


def test_the_bootstrap_of_a_large_segment_draws_no_rows(monkeypatch):
    """Issue 29, item 5: the bootstrap's cost stops growing with the segment's size."""
    counts = _count_draws(monkeypatch)
    scores, use = planted(100_000, 81, effect=0.9, r=0.6)
    result = driver_analysis(scores, use, resamples=200)
    assert counts["row_draws"] == 0 and counts["calls"] == 0
    assert counts["covariance_rows"] == [N_STAR, N_STAR]  # the weights, the noise contrast
    assert result.models.loc[0, "resamples"] == 200
    assert result.drivers["weight_ci_low"].notna().all()


def test_a_segment_below_the_threshold_draws_every_row_as_before(monkeypatch):
    counts = _count_draws(monkeypatch)
    n = N_STAR - 1
    scores, use = planted(n, 82, effect=0.9, r=0.6)
    driver_analysis(scores, use, resamples=200)
    # two passes (a segment of more than one block draws its weights again for pass 2),
    # for the weights and for the noise contrast
    assert counts["row_draws"] == 2 * 2 * 200 * n
    assert counts["covariance_rows"] == []


def test_the_covariance_sample_is_stratified_by_use():
    rng = np.random.default_rng(3)
    y = np.zeros(100_000)
    y[:30_000] = 1.0
    picked, scale = driver_bootstrap.covariance_rows(rng, y)
    assert len(picked) == N_STAR and len(np.unique(picked)) == N_STAR
    assert (y[picked] == 1).sum() == 6_000
    np.testing.assert_allclose(scale.sum(), len(y))  # Σ n_h/m_h over the sample = n
    rare = np.zeros(100_000)
    rare[:2_000] = 1.0  # under N*/4 users: all of them
    picked, scale = driver_bootstrap.covariance_rows(rng, rare)
    assert (rare[picked] == 1).sum() == 2_000 and len(picked) == N_STAR
    np.testing.assert_allclose(scale[rare[picked] == 1], 1.0)
    picked, scale = driver_bootstrap.covariance_rows(rng, rare[:N_STAR])
    np.testing.assert_array_equal(picked, np.arange(N_STAR))


@pytest.mark.parametrize("n", [1, 70_000, 140_001])
def test_the_feature_sums_equal_the_sum_of_the_features(n):
    # S and pass 2's slopes from matrix products (no rows × features array) against
    # adding up _features row by row, on data that spans several blocks (and a single row).
    rng = np.random.default_rng(n)
    k = 4
    design = np.column_stack([np.ones(n), rng.standard_normal((n, k)) * [1.0, 2.0, 0.5, 3.0]])
    use = (rng.random(n) < 0.3).astype(float)
    fitted = rng.uniform(0.05, 0.95, n)
    hessian = design.T @ (design * (fitted * (1 - fitted))[:, None]) + np.eye(k + 1)
    inverse = np.linalg.inv(hessian)
    upper = np.triu_indices(k)
    totals, slopes = driver_bootstrap._feature_sums(design, use, fitted, inverse, upper)
    features = driver_bootstrap._features(design, use, fitted, inverse, upper)
    spread = fitted * (1 - fitted)
    expected = np.stack([spread, spread * fitted, spread * use]) @ design
    # rounding bound of a sum of n terms: relative to the sum of their absolute values
    assert totals.shape == (features.shape[1],)
    assert np.all(np.abs(totals - features.sum(axis=0)) <= 1e-9 * np.abs(features).sum(axis=0))
    assert np.all(np.abs(slopes - expected) <= 1e-9 * (np.abs(spread) @ np.abs(design)))
    # and the one row exactly: the sums of one row are the row
    if n == 1:
        np.testing.assert_allclose(totals, features[0], rtol=1e-15, atol=0)


def _full_hash_seed(seed, x, y):
    """segment_seed as it was for every segment: a blake2b of every row."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(np.ascontiguousarray(x, dtype=float).tobytes())
    digest.update(np.ascontiguousarray(y, dtype=float).tobytes())
    return [seed, *(int(w) for w in np.frombuffer(digest.digest(), dtype="<u4"))]


def test_a_segment_below_the_threshold_keeps_its_seed_bit_for_bit():
    rng = np.random.default_rng(12)
    for n in (1, 600, N_STAR - 1):
        x = rng.integers(1, 6, (n, 7)).astype(float)
        y = (rng.random(n) < 0.4).astype(float)
        assert driver_bootstrap.segment_seed(7, x, y) == _full_hash_seed(7, x, y)


def test_the_normal_root_handles_a_singular_covariance():
    rng = np.random.default_rng(4)
    f = rng.normal(size=(500, 4))
    f = np.column_stack([f, f[:, 0] - f[:, 1]])  # an exact linear relation
    cov = f.T @ f
    root = driver_bootstrap._normal_root(cov)
    np.testing.assert_allclose(root @ root.T, cov, rtol=1e-8, atol=1e-8 * np.trace(cov))


def test_the_warm_started_noise_model_converges_to_the_same_fit():
    scores, use = planted(30_000, 91, effect=0.9, r=0.6)
    x = np.column_stack([scores.to_numpy(), np.random.default_rng(1).standard_normal(len(use))])
    design = np.column_stack([np.ones(len(use)), (x - x.mean(0)) / x.std(0, ddof=1)])
    starts = np.array([0, len(use)])
    cold = driver_logistic.newton(design, use, starts)
    plain = driver_logistic.newton(design[:, :-1], use, starts)
    start = np.append(plain.beta[0], 0.0)[None, :]
    warm = driver_logistic.newton(design, use, starts, start)
    assert warm.converged[0] and warm.iterations[0] < cold.iterations[0]
    np.testing.assert_allclose(warm.beta, cold.beta, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(warm.loglik, cold.loglik, rtol=1e-12)
    same = driver_logistic.newton(design, use, starts, np.zeros((1, design.shape[1])))
    assert same.beta.tobytes() == cold.beta.tobytes()


def test_two_workers_give_the_same_tables_bit_for_bit(monkeypatch):
    """Segmentations cut into two pieces of about equal work, analysed in forked
    processes: the tables equal one process's exactly (a segment above N* included)."""
    from ism_advisor.stats.drivers import analysis as driver_module

    scores, use, codes = segmented(SIZES, seed=3)
    teams = codes.copy()
    teams[::97] = -1  # respondents in no team
    segmentations = [np.zeros(len(use), dtype=np.int64), teams, codes % 3]
    one = driver_analysis(scores, use, segmentations, resamples=50, workers=1)
    forked = []
    fork_map = driver_module.fork_map

    def counted(function, items, workers):
        forked.append((len(items), workers))
        return fork_map(function, items, workers)

    monkeypatch.setattr(driver_module, "fork_map", counted)
    two = driver_analysis(scores, use, segmentations, resamples=50, workers=2)
    assert forked == [(2, 2)]
    for name in ("models", "drivers", "correlations", "routes"):
        pd.testing.assert_frame_equal(getattr(one, name), getattr(two, name), check_exact=True)
    assert len(one.models) == 1 + len(SIZES) + 3


def test_the_pieces_are_contiguous_and_cover_every_segment_once():
    from ism_advisor.stats.drivers.analysis import _pieces

    scores, use, codes = segmented(SIZES, seed=3)
    x = scores.to_numpy()
    segmentations = [
        (np.zeros(len(use), dtype=np.int64), 0),
        (codes, 1),
        (codes % 3, 1 + len(SIZES)),
    ]
    pieces = _pieces(x, use, segmentations, 2)
    assert len(pieces) == 2
    numbers = []
    for piece in pieces:
        for part_codes, offset, count in piece:
            numbers += list(range(offset, offset + count))
            assert part_codes.max() < count
    assert numbers == list(range(1 + len(SIZES) + 3))
    small = _pieces(x[:1000], use[:1000], [(np.zeros(1000, dtype=np.int64), 0)], 2)
    assert len(small) == 1  # under PARALLEL_MIN_ROWS: one process
    # large segments only (two of 30,000 and the survey of 60,000): one process
    large = np.repeat([0, 1], 30_000)
    x2, use2 = np.tile(x[:30_000], (2, 1)), np.tile(use[:30_000], 2)
    whole = np.zeros(60_000, dtype=np.int64)
    assert len(_pieces(x2, use2, [(whole, 0), (large, 1)], 2)) == 1
