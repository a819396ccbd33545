"""The driver analysis against reference implementations, on data with a known structure.

References: statsmodels' Logit (coefficients, SEs, Wald p and CIs, log-likelihoods, R²),
an independent relative-weights implementation written here the way R's
``rwa::rwa_logit`` computes it (SVD, a second logistic fit on the orthogonal variables,
R² from a linear regression), a classical resampling bootstrap with full refits for the
CIs, scipy and pingouin for the correlations, statsmodels for the VIFs.
"""

from __future__ import annotations

import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pingouin
import pytest
import statsmodels.api as sm
from scipy import special, stats
from statsmodels.stats.outliers_influence import variance_inflation_factor
from statsmodels.tools.sm_exceptions import ConvergenceWarning

from ism_advisor.stats.drivers import (
    CORRELATION_COLUMNS,
    DRIVER_COLUMNS,
    MIN_PER_FACTOR,
    MODEL_COLUMNS,
    PRIORITY_COLUMNS,
    ROUTE_COLUMNS,
    driver_analysis,
    priority_matrix,
)
from ism_advisor.stats.drivers import bootstrap as driver_bootstrap
from ism_advisor.stats.drivers import weights as driver_weights

FACTORS = ["driver", "correlate", "noise"]


def planted(
    n: int,
    seed: int,
    *,
    effect: float = 1.2,
    r: float = 0.5,
    rate: float = 0.4,
    step: float | None = 0.25,
) -> tuple[pd.DataFrame, np.ndarray]:
    """Scores of three factors and use, with a known structure.

    ``driver`` drives use (log-odds ``effect`` per SD), ``correlate`` correlates with the
    driver (``r``) but has no effect of its own, ``noise`` does nothing. Scores look like
    a 1–5 scale's item means (rounded to ``step``), so that they have ties.
    """
    rng = np.random.default_rng(seed)
    driver = rng.normal(size=n)
    correlate = r * driver + np.sqrt(1 - r * r) * rng.normal(size=n)
    noise = rng.normal(size=n)
    use = rng.random(n) < special.expit(special.logit(rate) + effect * driver)

    def scale(v):
        v = np.clip(3.2 + 0.7 * v, 1.0, 5.0)
        return np.round(v / step) * step if step else v

    scores = pd.DataFrame(
        {"driver": scale(driver), "correlate": scale(correlate), "noise": scale(noise)}
    )
    return scores, use.astype(float)


def segmented(sizes, seed: int, **kwargs) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Several planted segments, their respondents shuffled together."""
    parts = [planted(size, seed + i, **kwargs) for i, size in enumerate(sizes)]
    scores = pd.concat([p[0] for p in parts], ignore_index=True)
    use = np.concatenate([p[1] for p in parts])
    codes = np.repeat(np.arange(len(sizes)), sizes)
    order = np.random.default_rng(seed).permutation(len(use))
    return scores.iloc[order].reset_index(drop=True), use[order], codes[order]


def standardise(x: np.ndarray) -> np.ndarray:
    return (x - x.mean(axis=0)) / x.std(axis=0, ddof=1)


def statsmodels_fit(x: np.ndarray, y: np.ndarray):
    return sm.Logit(y, sm.add_constant(standardise(x))).fit(
        disp=0, method="newton", tol=1e-12, maxiter=200
    )


def rwa_logit(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Relative weights for logistic regression, step by step as R's rwa::rwa_logit."""
    scaled = standardise(x)
    p, _d, qt = np.linalg.svd(scaled, full_matrices=False)
    z = standardise(p @ qt)
    lam = np.linalg.solve(z.T @ z, z.T @ scaled)  # Johnson (2000), equation 7
    fit = sm.Logit(y, sm.add_constant(z)).fit(disp=0, method="newton", tol=1e-12, maxiter=200)
    b = fit.params[1:]
    fitted = fit.predict()
    logit_fitted = np.log(fitted / (1 - fitted))
    r2 = sm.OLS(fitted, sm.add_constant(y)).fit().rsquared  # lm(LpredY ~ Y)
    beta = b * np.sqrt(r2) / logit_fitted.std(ddof=1)
    return (lam**2) @ (beta**2)


# -- the model ------------------------------------------------------------------------------


def test_tables_have_the_documented_columns():
    scores, use, codes = segmented([300, 50], seed=1)
    result = driver_analysis(scores, use, codes, resamples=20)
    assert tuple(result.models.columns) == MODEL_COLUMNS
    assert tuple(result.drivers.columns) == DRIVER_COLUMNS
    assert tuple(result.correlations.columns) == CORRELATION_COLUMNS
    assert tuple(result.routes.columns) == ROUTE_COLUMNS
    assert result.factors == tuple(FACTORS)
    assert result.drivers["segment"].tolist() == [0, 0, 0, 1, 1, 1]
    assert result.drivers["factor"].tolist() == FACTORS * 2
    assert str(result.drivers["rank"].dtype) == "Int64"


def test_the_planted_driver_comes_first_in_every_segment():
    scores, use, codes = segmented([400, 600, 900, 1500], seed=11)
    result = driver_analysis(scores, use, codes, resamples=100)
    first = result.drivers[result.drivers["rank"] == 1]
    assert first["factor"].tolist() == ["driver"] * 4
    by_factor = result.drivers.set_index(["segment", "factor"])
    for segment in range(4):
        driver = by_factor.loc[(segment, "driver")]
        # the driver's weight is clearly above the others', its CI well away from zero
        assert driver["weight_ci_low"] > by_factor.loc[(segment, "noise"), "weight_ci_high"]
        assert driver["weight_ci_low"] > 0.05
        assert driver["p"] < 1e-6
        assert by_factor.loc[(segment, "noise"), "p"] > 0.001


def test_coefficients_and_fit_match_statsmodels():
    scores, use, codes = segmented([200, 450, 1200, 9000], seed=3)
    result = driver_analysis(scores, use, codes, resamples=0)
    for segment in range(4):
        rows = codes == segment
        x, y = scores[rows].to_numpy(), use[rows]
        fit = statsmodels_fit(x, y)
        mine = result.drivers[result.drivers["segment"] == segment]
        model = result.models.iloc[segment]
        check = dict(rtol=1e-6, atol=1e-12)
        np.testing.assert_allclose(mine["coef"], fit.params[1:], **check)
        np.testing.assert_allclose(mine["se"], fit.bse[1:], **check)
        np.testing.assert_allclose(mine["z"], fit.tvalues[1:], **check)
        np.testing.assert_allclose(mine["p"], fit.pvalues[1:], **check)
        np.testing.assert_allclose(mine["odds_ratio"], np.exp(fit.params[1:]), **check)
        np.testing.assert_allclose(mine["ci_low"], np.exp(fit.conf_int()[1:, 0]), **check)
        np.testing.assert_allclose(mine["ci_high"], np.exp(fit.conf_int()[1:, 1]), **check)
        np.testing.assert_allclose(model["loglik"], fit.llf, **check)
        np.testing.assert_allclose(model["loglik_null"], fit.llnull, **check)
        np.testing.assert_allclose(model["llr"], fit.llr, **check)
        np.testing.assert_allclose(model["llr_p"], fit.llr_pvalue, **check)
        np.testing.assert_allclose(model["r2_mcfadden"], fit.prsquared, **check)
        n = len(y)
        cox_snell = 1 - np.exp(2 * (fit.llnull - fit.llf) / n)
        nagelkerke = cox_snell / (1 - np.exp(2 * fit.llnull / n))
        np.testing.assert_allclose(model["r2_nagelkerke"], nagelkerke, **check)
        assert model["n"] == n
        assert model["users"] == int(y.sum())
        assert model["non_users"] == n - int(y.sum())
        assert bool(model["fitted"]) and bool(model["converged"]) and model["reason"] is None
        assert 3 <= model["iterations"] <= 10


def test_relative_weights_match_an_independent_rwa_logit():
    scores, use, codes = segmented([150, 400, 2500], seed=5, r=0.7)
    result = driver_analysis(scores, use, codes, resamples=0)
    for segment in range(3):
        rows = codes == segment
        reference = rwa_logit(scores[rows].to_numpy(), use[rows])
        mine = result.drivers[result.drivers["segment"] == segment]
        np.testing.assert_allclose(mine["weight"], reference, rtol=1e-6, atol=1e-12)
        model = result.models.iloc[segment]
        np.testing.assert_allclose(model["r2_weights"], reference.sum(), rtol=1e-9)
        np.testing.assert_allclose(mine["importance"], 100 * reference / reference.sum())
        assert mine["rank"].tolist() == list(stats.rankdata(-reference).astype(int))


def test_relative_weights_with_the_seven_model_factors(codebook):
    """The packaged codebook's factors, from the sample generator's model."""
    from ism_advisor.survey.sample import generate_large

    frame = generate_large(codebook, 3000, 2, seed=7)
    factors = list(codebook.factor_ids)
    use = (frame["user"] == "yes").to_numpy(dtype=float)
    codes = frame["team"].cat.codes.to_numpy()
    result = driver_analysis(frame[factors], use, codes, resamples=0)
    for segment in range(2):
        rows = codes == segment
        x = frame.loc[rows, factors].to_numpy()
        mine = result.drivers[result.drivers["segment"] == segment]
        np.testing.assert_allclose(mine["weight"], rwa_logit(x, use[rows]), rtol=1e-6)
        fit = statsmodels_fit(x, use[rows])
        np.testing.assert_allclose(mine["coef"], fit.params[1:], rtol=1e-6)
        np.testing.assert_allclose(mine["se"], fit.bse[1:], rtol=1e-6)


# -- the bootstrap --------------------------------------------------------------------------


def reference_bootstrap(x, y, resamples, seed) -> np.ndarray:
    """rwa_logit's weights in classical resamples, each refitted: resamples × factors."""
    rng = np.random.default_rng(seed)
    replicates = []
    for _ in range(resamples):
        pick = rng.integers(0, len(y), len(y))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            replicates.append(rwa_logit(x[pick], y[pick]))
    return np.array(replicates)


def quantile_error(replicates: np.ndarray, q: float, resamples: int) -> np.ndarray:
    """Monte Carlo SE of a q-quantile from ``resamples`` draws: √(q(1−q)/B) / density,
    the density read from the replicates' quantiles around q (the weights are skewed)."""
    h = 0.0125
    below, above = np.quantile(replicates, [q - h, q + h], axis=0)
    return np.sqrt(q * (1 - q) / resamples) * (above - below) / (2 * h)


@pytest.mark.parametrize(("n", "seed"), [(160, 21), (250, 23), (600, 22)])
def test_weight_cis_agree_with_a_refitting_bootstrap_within_its_error(n, seed):
    scores, use = planted(n, seed, effect=0.9, r=0.6)
    ours, theirs = 2000, 600
    result = driver_analysis(scores, use, resamples=ours)
    replicates = reference_bootstrap(scores.to_numpy(), use, theirs, seed)
    for q, column in ((0.025, "weight_ci_low"), (0.975, "weight_ci_high")):
        error = np.hypot(quantile_error(replicates, q, ours), quantile_error(replicates, q, theirs))
        difference = result.drivers[column].to_numpy() - np.quantile(replicates, q, axis=0)
        assert np.all(np.abs(difference) <= 4 * error), (column, difference / error)
    assert result.models.loc[0, "resamples"] == ours


def test_r2_o_is_the_squared_correlation_of_use_and_statsmodels_fitted_values():
    scores, use, codes = segmented([200, 900], seed=31)
    result = driver_analysis(scores, use, codes, resamples=0)
    for segment in range(2):
        rows = codes == segment
        fitted = statsmodels_fit(scores[rows].to_numpy(), use[rows]).predict()
        direct = np.corrcoef(use[rows], fitted)[0, 1] ** 2
        np.testing.assert_allclose(result.models.loc[segment, "r2_weights"], direct, rtol=1e-7)
        weights = result.drivers.loc[result.drivers["segment"] == segment, "weight"]
        np.testing.assert_allclose(weights.sum(), direct, rtol=1e-7)


@pytest.mark.parametrize(("n", "seed"), [(200, 41), (600, 42)])
def test_the_noise_contrast_agrees_with_a_refitting_bootstrap_within_its_error(n, seed):
    """Tonidandel, LeBreton & Johnson (2009) done by hand: the same random variable added
    to the data, every resample refitted (rwa_logit), each factor's weight minus the
    random variable's; the percentile interval's ends agree within Monte Carlo error."""
    scores, use = planted(n, seed, effect=0.9, r=0.6)
    ours, theirs = 2000, 600
    result = driver_analysis(scores, use, resamples=ours, seed=7)
    x = scores.to_numpy()
    rng = np.random.default_rng(
        [*driver_bootstrap.segment_seed(7, x, use), driver_bootstrap.NOISE_STREAM]
    )
    augmented = np.column_stack([x, rng.standard_normal(n)])
    replicates = reference_bootstrap(augmented, use, theirs, seed)
    difference = replicates[:, :-1] - replicates[:, -1:]
    for q, column in ((0.025, "noise_diff_ci_low"), (0.975, "noise_diff_ci_high")):
        error = np.hypot(quantile_error(difference, q, ours), quantile_error(difference, q, theirs))
        gap = result.drivers[column].to_numpy() - np.quantile(difference, q, axis=0)
        assert np.all(np.abs(gap) <= 4 * error), (column, gap / error)
    beats = result.drivers["beats_noise"]
    assert str(beats.dtype) == "boolean"
    assert beats.tolist() == (result.drivers["noise_diff_ci_low"] > 0).tolist()
    assert beats.tolist()[0] is True  # the planted driver
    assert beats.tolist()[2] is False  # the noise factor


def test_beats_noise_is_missing_without_a_model_or_a_bootstrap():
    scores, use, codes = segmented([300, 50], seed=1)
    result = driver_analysis(scores, use, codes, resamples=0)
    assert result.drivers["beats_noise"].isna().all()
    assert result.drivers["noise_diff_ci_low"].isna().all()
    result = driver_analysis(scores, use, codes, resamples=50)
    assert result.drivers["beats_noise"].notna().tolist() == [True] * 3 + [False] * 3


def test_the_bootstrap_is_reproducible_byte_for_byte():
    scores, use, codes = segmented([300, 500], seed=9)
    first = driver_analysis(scores, use, codes)
    second = driver_analysis(scores.copy(), use.copy(), codes.copy())
    assert first.drivers.to_csv() == second.drivers.to_csv()
    assert first.models.to_csv() == second.models.to_csv()
    for column in ("weight_ci_low", "weight_ci_high", "noise_diff_ci_low", "noise_diff_ci_high"):
        assert (
            first.drivers[column].to_numpy().tobytes()
            == second.drivers[column].to_numpy().tobytes()
        )
    other_seed = driver_analysis(scores, use, codes, seed=1)
    assert not np.array_equal(other_seed.drivers["weight_ci_low"], first.drivers["weight_ci_low"])
    np.testing.assert_array_equal(other_seed.drivers["weight"], first.drivers["weight"])


def test_a_segment_alone_and_among_many_gives_identical_figures():
    """Vectorisation: the figures of a segment do not depend on the other segments."""
    sizes = [180, 10_000, 350, 60, 700]  # 10,000 takes the bootstrap's block path
    scores, use, codes = segmented(sizes, seed=13)
    together = driver_analysis(scores, use, codes, resamples=100)
    for segment in range(len(sizes)):
        rows = codes == segment
        alone = driver_analysis(scores[rows].reset_index(drop=True), use[rows], resamples=100)
        for name in ("models", "drivers", "correlations", "routes"):
            mine = getattr(together, name)
            mine = mine[mine["segment"] == segment].reset_index(drop=True)
            theirs = getattr(alone, name).assign(segment=segment)
            pd.testing.assert_frame_equal(mine, theirs, check_exact=True, check_dtype=False)
    assert together.models["fitted"].tolist() == [True, True, True, False, True]


def test_several_segmentations_are_numbered_on():
    scores, use, codes = segmented([300, 400], seed=15)
    everyone = np.zeros(len(use), dtype=np.int64)
    result = driver_analysis(scores, use, [everyone, codes], resamples=50)
    assert result.models["segment"].tolist() == [0, 1, 2]
    assert result.models["n"].tolist() == [700, 300, 400]
    alone = driver_analysis(scores, use, codes, resamples=50)
    mine = result.drivers[result.drivers["segment"] >= 1].reset_index(drop=True)
    pd.testing.assert_frame_equal(
        mine.assign(segment=mine["segment"] - 1), alone.drivers, check_exact=True
    )


def test_respondents_outside_every_segment_are_left_out():
    scores, use, codes = segmented([300, 400], seed=17)
    codes = codes.copy()
    codes[codes == 0] = -1
    result = driver_analysis(scores, use, codes, resamples=0)
    assert result.models["segment"].tolist() == [0, 1]
    assert result.models["n"].tolist() == [0, 400]
    assert result.models["reason"].tolist() == ["too_small", None]


# -- sizes, separation, collinearity, missing values ----------------------------------------


def test_a_segment_below_ten_per_factor_in_the_smaller_group_is_too_small():
    scores, use = planted(400, seed=19)
    users = np.flatnonzero(use == 1)
    non_users = np.flatnonzero(use == 0)
    needed = MIN_PER_FACTOR * 3
    assert MIN_PER_FACTOR == 10
    # exactly enough users, then one fewer
    just = np.sort(np.concatenate([users[:needed], non_users]))
    short = np.sort(np.concatenate([users[: needed - 1], non_users]))
    fitted = driver_analysis(scores.iloc[just], use[just], resamples=0)
    too_small = driver_analysis(scores.iloc[short], use[short], resamples=0)
    assert fitted.models.loc[0, "fitted"]
    model = too_small.models.iloc[0]
    assert not model["fitted"]
    assert model["reason"] == "too_small"
    assert (model["users"], model["needed"]) == (needed - 1, needed)
    assert model["warnings"] == ()
    assert model["resamples"] == 0
    assert too_small.drivers[list(DRIVER_COLUMNS[2:])].isna().all().all()
    assert too_small.correlations.empty and too_small.routes.empty


def test_complete_separation_is_detected_and_no_figures_are_shown():
    scores, _ = planted(300, seed=23, step=None)
    use = (scores["driver"] > 3.2).to_numpy(dtype=float)
    result = driver_analysis(scores, use, resamples=0)
    model = result.models.iloc[0]
    assert not model["fitted"] and not model["converged"]
    assert model["reason"] == "separation"
    assert model["warnings"] == ({"code": "separation", "kind": "complete"},)
    assert result.drivers["odds_ratio"].isna().all()
    # statsmodels cannot fit it either
    with pytest.warns(ConvergenceWarning, match="failed to converge"), np.errstate(over="ignore"):
        statsmodels_fit(scores.to_numpy(), use)


def test_quasi_complete_separation_is_detected():
    scores, use = planted(400, seed=29)
    low, high = scores["driver"] < 2.8, scores["driver"] > 3.6
    scores["driver"] = np.where(low, 2.0, np.where(high, 4.0, 3.0))
    use = use.copy()
    use[low] = 0  # nobody with a low score uses it, everyone with a high score does:
    use[high] = 1  # only the middle score has users and non-users
    result = driver_analysis(scores, use, resamples=0)
    model = result.models.iloc[0]
    assert model["reason"] == "separation"
    assert model["warnings"] == ({"code": "separation", "kind": "quasi_complete"},)


def test_collinear_factors_are_named_with_their_vif():
    scores, use = planted(800, seed=31, r=0.95, step=None)
    result = driver_analysis(scores, use, resamples=0)
    model = result.models.iloc[0]
    assert model["fitted"]
    exog = sm.add_constant(standardise(scores.to_numpy()))
    vif = [variance_inflation_factor(exog, j) for j in range(1, 4)]
    np.testing.assert_allclose(result.drivers["vif"], vif, rtol=1e-9)
    assert vif[0] > 5 and vif[1] > 5 and vif[2] < 5
    (warning,) = model["warnings"]
    assert warning["code"] == "collinearity"
    assert warning["factors"] == ("driver", "correlate")
    np.testing.assert_allclose(warning["vif"], vif[:2], rtol=1e-9)


def test_no_warning_without_collinearity():
    scores, use = planted(800, seed=33, r=0.3)
    assert driver_analysis(scores, use, resamples=0).models.loc[0, "warnings"] == ()


def test_a_factor_without_variance_and_duplicated_factors():
    scores, use, codes = segmented([300, 300], seed=37)
    scores.loc[codes == 0, "noise"] = 3.0
    scores["copy"] = scores["driver"]
    scores.loc[codes == 0, "copy"] = scores.loc[codes == 0, "correlate"]
    result = driver_analysis(scores, use, codes, resamples=0)
    assert result.models["reason"].tolist() == ["constant_factor", "singular"]
    assert result.models.loc[0, "warnings"] == ({"code": "constant_factor", "factors": ("noise",)},)
    assert result.models.loc[1, "warnings"] == ()
    assert not result.models["fitted"].any()


def test_missing_values_leave_out_the_respondent():
    scores, use = planted(500, seed=41)
    holes = scores.copy()
    holes.loc[[3, 40, 41], "correlate"] = np.nan
    holes.loc[[7], "noise"] = np.nan
    use_holes = use.copy()
    use_holes[[11, 12]] = np.nan
    kept = np.setdiff1d(np.arange(500), [3, 40, 41, 7, 11, 12])
    before = (holes.copy(), use_holes.copy())
    with_holes = driver_analysis(holes, use_holes)
    complete = driver_analysis(scores.iloc[kept].reset_index(drop=True), use[kept])
    pd.testing.assert_frame_equal(with_holes.drivers, complete.drivers, check_exact=True)
    pd.testing.assert_frame_equal(with_holes.models, complete.models, check_exact=True)
    assert with_holes.models.loc[0, "n"] == 494
    # the inputs are not modified
    pd.testing.assert_frame_equal(holes, before[0])
    np.testing.assert_array_equal(use_holes, before[1])


def test_boolean_and_series_inputs():
    scores, use = planted(300, seed=43)
    as_float = driver_analysis(scores, use, resamples=30)
    as_bool = driver_analysis(scores, pd.Series(use == 1), resamples=30)
    pd.testing.assert_frame_equal(as_float.drivers, as_bool.drivers, check_exact=True)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda s, u: driver_analysis(s, u[:-1]), "is_user has 299 values for 300 respondents"),
        (
            lambda s, u: driver_analysis(s, u * 2),
            r"is_user must hold 0/1 \(or True/False\), or NaN when unknown",
        ),
        (
            lambda s, u: driver_analysis(s, u, np.zeros(10)),
            "segment codes have 10 values for 300 respondents",
        ),
        (lambda s, u: driver_analysis(s, u, np.full(300, 0.5)), "segment codes must be integers"),
        (lambda s, u: driver_analysis(s.iloc[:, :0], u), "scores needs at least one factor column"),
        (
            lambda s, u: driver_analysis(s, u, confidence=1.0),
            "confidence must lie between 0 and 1, got 1.0",
        ),
        (lambda s, u: driver_analysis(s, u, alpha=0), "alpha must lie between 0 and 1, got 0"),
        (lambda s, u: driver_analysis(s, u, resamples=-1), "resamples must be 0 or more, got -1"),
    ],
)
def test_bad_arguments(call, message):
    scores, use = planted(300, seed=47)
    with pytest.raises(ValueError, match=f"^{message}$"):
        call(scores, use)


# -- correlations and routes ----------------------------------------------------------------


def test_correlations_match_scipy_and_pingouin():
    scores, use, codes = segmented([250, 800], seed=53)
    result = driver_analysis(scores, use, codes, resamples=0)
    assert len(result.correlations) == 2 * 3
    for row in result.correlations.itertuples():
        rows = codes == row.segment
        a, b = scores.loc[rows, row.factor_a], scores.loc[rows, row.factor_b]
        r, p = stats.pearsonr(a, b)
        rho, rho_p = stats.spearmanr(a, b)
        ci = pingouin.compute_esci(stat=r, nx=row.n, eftype="r", decimals=12)
        assert row.n == rows.sum()
        np.testing.assert_allclose([row.r, row.p], [r, p], rtol=1e-9, atol=1e-15)
        np.testing.assert_allclose([row.r_ci_low, row.r_ci_high], ci, rtol=1e-9)
        np.testing.assert_allclose([row.spearman_rho, row.spearman_p], [rho, rho_p], rtol=1e-9)
        tidy = pingouin.corr(a, b, method="spearman")
        np.testing.assert_allclose(row.spearman_rho, tidy["r"].iloc[0], rtol=1e-9)


def test_the_correlate_reaches_use_through_the_driver():
    scores, use = planted(1500, seed=59, r=0.6)
    result = driver_analysis(scores, use, resamples=0)
    routes = result.routes
    assert routes[["factor", "via", "route", "direction"]].values.tolist() == [
        ["correlate", "driver", "indirect", 1]
    ]
    route = routes.iloc[0]
    drivers_ = result.drivers.set_index("factor")
    assert route["via_p"] == drivers_.loc["driver", "p"] < 0.05
    assert route["factor_p"] == drivers_.loc["correlate", "p"] >= 0.05
    assert route["via_odds_ratio"] == drivers_.loc["driver", "odds_ratio"]
    r, _ = stats.pearsonr(scores["correlate"], scores["driver"])
    np.testing.assert_allclose(route["r"], r, rtol=1e-9)
    use_r, use_p = stats.pearsonr(scores["correlate"], use)
    np.testing.assert_allclose([route["use_r"], route["use_p"]], [use_r, use_p], rtol=1e-9)


def test_a_route_follows_the_sign_of_the_correlation():
    """Like effort expectancy: more of it goes with less of the driver, and less use."""
    scores, use = planted(1500, seed=61, r=0.6)
    scores["correlate"] = 6.0 - scores["correlate"]
    routes = driver_analysis(scores, use, resamples=0).routes
    assert routes[["factor", "via", "direction"]].values.tolist() == [["correlate", "driver", -1]]
    assert routes.loc[0, "r"] < 0 and routes.loc[0, "use_r"] < 0


def test_no_route_without_a_correlation():
    scores, use = planted(1500, seed=67, r=0.0)
    assert driver_analysis(scores, use, resamples=0).routes.empty


# -- the priority matrix --------------------------------------------------------------------


def test_priority_matrix_quadrants_and_cut_points():
    drivers_ = pd.DataFrame(
        {
            "segment": [0] * 4 + [1] * 4,
            "factor": ["a", "b", "c", "d"] * 2,
            "importance": [40.0, 25.0, 20.0, 15.0, np.nan, np.nan, np.nan, np.nan],
            "rank": pd.array([1, 2, 3, 4, None, None, None, None], dtype="Int64"),
        }
    )
    gap = [0.5, 0.0, 0.3, -0.2, 0.4, 0.4, 0.4, 0.4]
    table = priority_matrix(drivers_, gap)
    assert tuple(table.columns) == PRIORITY_COLUMNS
    # important: at least 100/4 = 25; lagging: gap above 0
    assert table["quadrant"].tolist() == ["act_first", "keep", "watch", "low_priority"] + [None] * 4
    assert table["importance_rank"].tolist()[:4] == [1, 2, 3, 4]
    assert table["lagging"].tolist()[:4] == [True, False, True, False]
    raised = priority_matrix(drivers_, gap, gap_threshold=0.35)
    assert raised["quadrant"].tolist()[:4] == ["act_first", "keep", "low_priority", "low_priority"]
    significant = pd.array([False, True, True, None, True, True, True, True], dtype="boolean")
    only = priority_matrix(drivers_, gap, significant=significant)
    assert only["quadrant"].tolist()[:4] == ["keep", "keep", "watch", "low_priority"]
    # important only when it also contributes more than noise (NA: it does not)
    beats = pd.array([True, None, True, True, False, True, True, True], dtype="boolean")
    noisy = priority_matrix(drivers_, gap, beats_noise=beats)
    assert noisy["quadrant"].tolist()[:4] == ["act_first", "low_priority", "watch", "low_priority"]
    with pytest.raises(ValueError, match=r"^beats_noise has 3 values for 8 driver rows$"):
        priority_matrix(drivers_, gap, beats_noise=[True, True, True])
    hidden = priority_matrix(drivers_, [np.nan, 0.0, 0.3, -0.2, 0, 0, 0, 0])
    assert hidden["quadrant"].tolist()[:4] == [None, "keep", "watch", "low_priority"]
    assert hidden["lagging"].isna().tolist()[:4] == [True, False, False, False]


def test_priority_matrix_from_a_driver_analysis():
    scores, use, codes = segmented([500, 40], seed=71)
    result = driver_analysis(scores, use, codes, resamples=0)
    table = priority_matrix(result.drivers, np.tile([0.4, 0.3, 0.0], 2))
    assert table.loc[:2, "quadrant"].tolist() == ["act_first", "watch", "low_priority"]
    assert table.loc[3:, "quadrant"].isna().all()
    np.testing.assert_array_equal(table["importance"], result.drivers["importance"])
    np.testing.assert_allclose(table.loc[:2, "importance"].sum(), 100.0)
    with pytest.raises(ValueError, match=r"^gap has 5 values for 6 driver rows$"):
        priority_matrix(result.drivers, np.zeros(5))


def test_more_importance_moves_a_factor_up():
    """The priority follows the model: shift the effect to another factor and it moves."""
    rng = np.random.default_rng(73)
    scores, _ = planted(3000, seed=73, step=None)
    z = standardise(scores.to_numpy())
    before_use = rng.random(3000) < special.expit(-0.4 + 1.2 * z[:, 0])
    after_use = rng.random(3000) < special.expit(-0.4 + 0.2 * z[:, 0] + 1.2 * z[:, 1])
    gap = [0.3, 0.3, 0.3]
    before = priority_matrix(driver_analysis(scores, before_use, resamples=0).drivers, gap)
    after = priority_matrix(driver_analysis(scores, after_use, resamples=0).drivers, gap)
    assert before["quadrant"].tolist() == ["act_first", "watch", "watch"]
    assert after["quadrant"].tolist() == ["watch", "act_first", "watch"]
    assert before["importance_rank"].tolist()[:2] == [1, 2]
    assert after["importance_rank"].tolist()[:2] == [2, 1]


# -- internals ------------------------------------------------------------------------------


def test_square_roots_near_and_far_match_an_eigendecomposition():
    rng = np.random.default_rng(79)
    base = np.corrcoef(rng.normal(size=(200, 4)).T)
    near = np.stack([np.corrcoef(rng.normal(size=(200, 4)).T) for _ in range(6)])
    far = np.eye(4) * 0.02 + 0.98  # nearly collinear: the chord steps do not converge
    matrices = np.concatenate([near, far[None], np.full((1, 4, 4), np.nan)])[None]
    roots = driver_weights.sqrtm_near(matrices, driver_weights.sqrtm_eigh(base)[None])[0]
    expected = driver_weights.sqrtm_eigh(matrices[0, :7])
    np.testing.assert_allclose(roots[:7], expected, atol=1e-5)
    np.testing.assert_allclose(roots[6] @ roots[6], far, atol=1e-12)  # the eigh fallback
    assert np.isnan(roots[7]).all()


def test_poisson_weights_have_the_poisson_distribution():
    weights = np.concatenate(
        [w for _, w in driver_bootstrap.resample_weights([1, 2], 50_000, 40)], axis=1
    )
    values, counts = np.unique(weights, return_counts=True)
    expected = stats.poisson.pmf(values, 1.0) * weights.size
    assert values.tolist() == list(range(len(values)))
    chi2 = ((counts - expected) ** 2 / expected)[:6].sum()
    assert chi2 < stats.chi2.ppf(0.999, 5)


def test_the_product_does_not_import_statsmodels():
    code = "import sys, ism_advisor.stats.drivers; print('statsmodels' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
