"""Every statistic of the comparison against scipy and pingouin, to 1e-6."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from scipy import stats

from conftest import FACTORS, write_csv
from ism_advisor.core.vocabulary import PERMUTATION_BELOW, PERMUTATIONS
from ism_advisor.stats.compare import compare_groups
from ism_advisor.stats.tests import holm
from ism_advisor.survey import load_survey


def close(actual, expected):
    return actual == pytest.approx(expected, rel=1e-6, abs=1e-9)


#: scipy's relabellings for a randomised reference p (its own Monte Carlo error is small)
REFERENCE_PERMUTATIONS = 20_000


def abs_welch_t(x, y, axis):
    return np.abs(stats.ttest_ind(x, y, equal_var=False, axis=axis).statistic)


def permutation_reference(x, y) -> tuple[float, float]:
    """scipy's permutation p of |Welch's t| and how far ours may lie from it: nothing where
    scipy enumerates every split (exact, as ours), otherwise four standard errors of the
    difference of two Monte Carlo estimates (ours from PERMUTATIONS splits)."""
    exact = math.comb(len(x) + len(y), len(x)) <= PERMUTATIONS
    result = stats.permutation_test(
        (x, y),
        abs_welch_t,
        alternative="greater",
        permutation_type="independent",
        vectorized=True,
        n_resamples=PERMUTATIONS if exact else REFERENCE_PERMUTATIONS,
        random_state=np.random.default_rng(0),
    )
    p = result.pvalue
    if exact:
        return p, 0.0
    error = math.sqrt(p * (1 - p) * (1 / PERMUTATIONS + 1 / REFERENCE_PERMUTATIONS))
    return p, 4 * error + 1 / PERMUTATIONS


def scores_dataset(seed: int, n: int, user_rate: float, ties: bool, missing: float):
    """Score-level data: two departments of unequal size, optional ties and blanks."""
    rng = np.random.default_rng(seed)
    user = rng.random(n) < user_rate
    dept = np.where(rng.random(n) < 0.3, "Small unit", "Large unit")
    frame = pd.DataFrame({"dept": dept, "user": np.where(user, "yes", "no")})
    for i, factor in enumerate(FACTORS):
        values = rng.normal(3.0 + 0.3 * user * (i % 3), 0.8, n)
        values = np.clip(np.rint(values) if ties else values, 1, 5)
        values[rng.random(n) < missing] = np.nan
        frame[factor] = values
    return frame


def write_scores(path: Path, frame: pd.DataFrame) -> Path:
    rows = [
        [row.dept, row.user, *("" if np.isnan(v) else repr(float(v)) for v in row[3:])]
        for row in frame.itertuples()
    ]
    return write_csv(path, ["dept", "user", *FACTORS], rows)


def hedges_g_interval(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """g's 95% interval by hand, one comparison at a time: the delta method for
    d = (mean(x) − mean(y)) / s_p with moments from scipy.stats.moment, without assuming
    equal variances or normal answers (Hsu's min(nx, ny) − 1 degrees of freedom)."""
    n_x, n_y = len(x), len(y)
    v_x, v_y = np.var(x, ddof=1), np.var(y, ddof=1)
    w_x, w_y = (n_x - 1) / (n_x + n_y - 2), (n_y - 1) / (n_x + n_y - 2)
    pooled = w_x * v_x + w_y * v_y
    diff = np.mean(x) - np.mean(y)
    # the variance of a sample variance, and its covariance with the sample mean
    var_vx = (stats.moment(x, 4) - v_x**2 * (n_x - 3) / (n_x - 1)) / n_x
    var_vy = (stats.moment(y, 4) - v_y**2 * (n_y - 3) / (n_y - 1)) / n_y
    cov = w_x * stats.moment(x, 3) / n_x - w_y * stats.moment(y, 3) / n_y
    # gradient of D / sqrt(V) at (D, V), and the covariance matrix of (D, V)
    gradient = np.array([1 / np.sqrt(pooled), -diff / (2 * pooled**1.5)])
    covariance = np.array([[v_x / n_x + v_y / n_y, cov], [cov, w_x**2 * var_vx + w_y**2 * var_vy]])
    se = np.sqrt(gradient @ covariance @ gradient)
    j = 1 - 3 / (4 * (n_x + n_y) - 9)
    g = j * diff / np.sqrt(pooled)
    margin = stats.t.ppf(0.975, min(n_x, n_y) - 1) * j * se
    return g - margin, g + margin


def reference(frame: pd.DataFrame, factor: str, higher_is_better: bool):
    values = frame[factor].to_numpy(dtype=float)
    user = (frame["user"] == "yes").to_numpy()
    ok = ~np.isnan(values)
    users, non_users = values[ok & user], values[ok & ~user]
    x, y = (users, non_users) if higher_is_better else (non_users, users)
    welch = stats.ttest_ind(x, y, equal_var=False)
    if min(len(x), len(y)) < PERMUTATION_BELOW:
        p, tolerance = permutation_reference(x, y)
        test = "permutation_welch"
    else:
        p, tolerance, test = welch.pvalue, 0.0, "welch"
    g = pg.compute_effsize(x, y, eftype="hedges")
    ci = hedges_g_interval(x, y)
    gap_ci = welch.confidence_interval(0.95)
    mwu = stats.mannwhitneyu(x, y, alternative="two-sided", method="asymptotic")
    return {
        "users_n": len(users),
        "users_mean": np.mean(users),
        "users_sd": np.std(users, ddof=1),
        "non_users_n": len(non_users),
        "non_users_mean": np.mean(non_users),
        "non_users_sd": np.std(non_users, ddof=1),
        "gap": np.mean(x) - np.mean(y),
        "gap_ci_low": gap_ci.low,
        "gap_ci_high": gap_ci.high,
        "t": welch.statistic,
        "df": welch.df,
        "p": (p, tolerance),
        "test": test,
        "hedges_g": g,
        "hedges_g_ci_low": ci[0],
        "hedges_g_ci_high": ci[1],
        "mwu_u": mwu.statistic,
        "mwu_p": mwu.pvalue,
        "rank_biserial": 2 * mwu.statistic / (len(x) * len(y)) - 1,
    }


def assert_matches(result, frame: pd.DataFrame, codebook) -> int:
    checked = 0
    for seg_index, segment in result.segments.iterrows():
        part = frame if segment["spec"] == () else frame[frame["dept"] == segment["value"]]
        rows = result.comparisons[result.comparisons["segment"] == seg_index]
        expected_p = []
        for factor in codebook.factors:
            row = rows[rows["factor"] == factor.id].iloc[0]
            ref = reference(part, factor.id, factor.higher_is_better)
            for column, value in ref.items():
                if column == "p":
                    value, tolerance = value
                    where = (segment["value"], factor.id, ref["test"])
                    if tolerance:
                        assert abs(row["p"] - value) <= tolerance, where
                    else:
                        assert close(row["p"], value), where
                elif column == "test":
                    assert row["test"] == value, (segment["value"], factor.id)
                else:
                    assert close(row[column], value), (segment["value"], factor.id, column)
                checked += 1
            expected_p.append(row["p"])  # Holm against pingouin, on our p-values
        _, adjusted = pg.multicomp(np.array(expected_p), method="holm")
        assert close(rows["p_holm"].to_numpy(), adjusted)
        assert list(rows["significant"]) == list(adjusted < 0.05)
    return checked


@pytest.mark.parametrize(
    ("seed", "n", "user_rate", "ties", "missing"),
    [
        (1, 240, 0.15, False, 0.0),  # very unequal groups, continuous scores
        (2, 300, 0.5, True, 0.0),  # heavy ties
        (3, 180, 0.35, True, 0.12),  # ties and blanks
        (4, 90, 0.6, False, 0.2),  # more users than non-users, many blanks
    ],
)
def test_score_statistics_match_scipy_and_pingouin(
    tmp_path, codebook, seed, n, user_rate, ties, missing
):
    frame = scores_dataset(seed, n, user_rate, ties, missing)
    path = write_scores(tmp_path / "scores.csv", frame)
    result = compare_groups(load_survey(path, codebook, ["dept"]))
    assert list(result.segments["value"].fillna("all")) == ["all", "Large unit", "Small unit"]
    checked = assert_matches(result, frame, codebook)
    assert checked == 3 * 7 * 19


def test_higher_is_worse_factors_are_oriented_towards_non_users(tmp_path, codebook):
    """For effort and privacy, non-users scoring higher is a positive gap."""
    rows = [["a", "yes", 3, 2, 3, 3, 3, 3, 2] for _ in range(6)]
    rows += [["a", "no", 3, 4, 3, 3, 3, 3, 4] for _ in range(6)]
    rows[0][3] = 1  # break the zero variance
    rows[6][3] = 5
    rows[1][8] = 1
    rows[7][8] = 5
    path = write_csv(tmp_path / "s.csv", ["dept", "user", *FACTORS], rows)
    result = compare_groups(load_survey(path, codebook))
    table = result.comparisons.set_index("factor")
    # non-users 4,4,4,4,4,5 against users 1,2,2,2,2,2
    assert table.at["effort_expectancy", "gap"] == pytest.approx(25 / 6 - 11 / 6)
    assert table.at["privacy_concern", "gap"] == pytest.approx(25 / 6 - 11 / 6)
    assert table.at["effort_expectancy", "t"] > 0
    assert table.at["effort_expectancy", "hedges_g"] > 0
    assert table.at["effort_expectancy", "rank_biserial"] > 0
    assert table.at["effort_expectancy", "users_mean"] == pytest.approx(2 - 1 / 6)


@pytest.mark.filterwarnings("ignore:Precision loss occurred:RuntimeWarning")
def test_zero_variance_follows_scipy(tmp_path, codebook):
    rows = [["a", "yes", *[4] * 7] for _ in range(5)] + [["a", "no", *[2] * 7] for _ in range(5)]
    path = write_csv(tmp_path / "s.csv", ["dept", "user", *FACTORS], rows)
    result = compare_groups(load_survey(path, codebook))
    row = result.comparisons.iloc[0]
    ref = stats.ttest_ind([4.0] * 5, [2.0] * 5, equal_var=False)
    assert row["t"] == ref.statistic == np.inf
    assert ref.pvalue == 0.0  # Welch's; groups of 5 get the permutation test instead
    assert row["df"] == ref.df
    # of the 252 splits of ten people into two groups of five, two give an infinite |t|
    # (every 4 on one side): the observed split and its mirror
    assert row["test"] == "permutation_welch"
    assert row["p"] == 2 / math.comb(10, 5)


def items_dataset(codebook, seed: int, n: int, missing: float) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    user = rng.random(n) < 0.4
    frame = pd.DataFrame(
        {
            "dept": np.where(rng.random(n) < 0.5, "North", "South"),
            "user": np.where(user, "yes", "no"),
        }
    )
    for factor in codebook.factors:
        trait = rng.normal(3 + 0.4 * user, 0.7, n)
        for item in factor.items:
            answer = np.clip(np.rint(trait + rng.normal(0, 0.7, n)), 1, 5)
            if item.reverse:
                answer = 6 - answer
            answer[rng.random(n) < missing] = np.nan
            frame[item.id] = answer
    return frame


def test_item_input_scores_and_cronbach_alpha(tmp_path, codebook):
    frame = items_dataset(codebook, seed=7, n=260, missing=0.1)
    items = [i.id for f in codebook.factors for i in f.items]
    rows = [
        [r["dept"], r["user"], *("" if np.isnan(r[i]) else int(r[i]) for i in items)]
        for r in frame.to_dict("records")
    ]
    path = write_csv(tmp_path / "responses.csv", ["dept", "user", *items], rows)
    result = compare_groups(load_survey(path, codebook, ["dept"]))
    scores = frame[["dept", "user"]].copy()
    for factor in codebook.factors:
        answers = pd.DataFrame(
            {i.id: (6 - frame[i.id]) if i.reverse else frame[i.id] for i in factor.items}
        )
        enough = answers.notna().sum(axis=1) * 2 >= len(factor.items)
        scores[factor.id] = answers.mean(axis=1).where(enough)
        for seg_index, segment in result.segments.iterrows():
            mask = (frame["dept"] == segment["value"]) if segment["spec"] else frame["dept"].notna()
            expected, _ = pg.cronbach_alpha(data=answers[mask], nan_policy="listwise")
            row = result.comparisons[
                (result.comparisons["segment"] == seg_index)
                & (result.comparisons["factor"] == factor.id)
            ].iloc[0]
            assert close(row["cronbach_alpha"], expected)
    assert assert_matches(result, scores, codebook) == 3 * 7 * 19


def test_score_input_has_no_cronbach_alpha(tmp_path, codebook):
    path = write_scores(tmp_path / "s.csv", scores_dataset(5, 60, 0.5, False, 0.0))
    result = compare_groups(load_survey(path, codebook))
    assert result.comparisons["cronbach_alpha"].isna().all()


def test_correlations_are_pearson_of_every_respondent_a_missing_score_at_its_mean(
    tmp_path, codebook
):
    """Every respondent, as the driver models (issue 24): a missing score counts at its
    factor's mean over the respondents who have one."""
    frame = scores_dataset(11, 150, 0.4, False, 0.15)
    assert frame[list(FACTORS)].isna().any().all()  # every factor has blanks
    path = write_scores(tmp_path / "s.csv", frame)
    result = compare_groups(load_survey(path, codebook))
    for a in FACTORS:
        for b in FACTORS:
            x = frame[a].fillna(frame[a].mean()).to_numpy()
            y = frame[b].fillna(frame[b].mean()).to_numpy()
            expected = 1.0 if a == b else stats.pearsonr(x, y).statistic
            assert close(result.correlations.at[a, b], expected)


def test_holm_matches_pingouin_with_gaps_and_ties():
    rng = np.random.default_rng(3)
    p = rng.random((50, 7)) ** 3
    p[::4, 2] = np.nan
    p[1, :3] = 0.02  # ties
    adjusted = holm(p)
    for row, out in zip(p, adjusted, strict=True):
        present = ~np.isnan(row)
        _, expected = pg.multicomp(row[present], method="holm")
        assert close(out[present], expected)
        assert np.isnan(out[~present]).all()


def answers_5_point(rng, n: int, shift: float) -> np.ndarray:
    """5-point answers, most people answering 4 or 5 (a latent normal shifted by
    ``shift`` and cut)."""
    cuts = stats.norm.ppf(np.cumsum([0.03, 0.05, 0.12, 0.40]))
    return 1.0 + np.searchsorted(cuts, rng.standard_normal(n) + shift).astype(float)


@pytest.mark.parametrize(
    ("seed", "users", "non_users", "shape"),
    [
        (11, 400, 1_600, "top"),  # few users, crowded at the top: a smaller variance
        (12, 400, 1_600, "down"),  # few users, pushed down: a larger variance
        (13, 300, 1_700, "normal"),  # normal answers, the users' SD twice the others'
    ],
)
def test_hedges_g_interval_agrees_with_scipys_bootstrap(codebook, seed, users, non_users, shape):
    """g's interval is as wide as scipy.stats.bootstrap's (each group resampled on its
    own), with unequal variances and skewed answers alike: its half-width over t is the
    bootstrap's standard error within 5% — the bootstrap's own Monte Carlo error at 4,000
    resamples is about 1/sqrt(2 × 4,000) = 1.1% (3 of them: 3.4%), the rest is the
    delta method's O(1/n). The former interval (pingouin's compute_esci, equal variances)
    misses it by more than 7% (twice the bootstrap's error) in each of these cases."""
    from ism_advisor.survey.reading.model import Survey

    rng = np.random.default_rng(seed)
    if shape == "normal":
        x = rng.normal(3.8, 1.2, users)
        y = rng.normal(3.5, 0.6, non_users)
    else:
        x = answers_5_point(rng, users, 0.5 if shape == "top" else -0.5)
        y = answers_5_point(rng, non_users, 0.0)
    values = np.concatenate([x, y])
    survey = Survey(
        path="<test>",
        codebook=codebook,
        scores=pd.DataFrame({f.id: values for f in codebook.factors}),
        is_user=np.arange(len(values)) < users,
        segments=pd.DataFrame(index=range(len(values))),
    )
    row = compare_groups(survey).comparisons.set_index("factor").loc["performance_expectancy"]

    boot = stats.bootstrap(
        (x, y), _g, n_resamples=4_000, vectorized=True, random_state=np.random.default_rng(seed)
    )
    critical = stats.t.ppf(0.975, min(users, non_users) - 1)
    half = (row["hedges_g_ci_high"] - row["hedges_g_ci_low"]) / 2
    assert row["hedges_g"] == pytest.approx(pg.compute_effsize(x, y, eftype="hedges"), rel=1e-9)
    assert half / critical == pytest.approx(boot.standard_error, rel=0.05)
    former = pg.compute_esci(row["hedges_g"], users, non_users, eftype="hedges", decimals=15)
    former_se = (former[1] - former[0]) / 2 / stats.t.ppf(0.975, users + non_users - 2)
    assert abs(former_se / boot.standard_error - 1) > 0.07


def _g(x: np.ndarray, y: np.ndarray, axis: int = -1) -> np.ndarray:
    """Hedges' g along ``axis`` (pooled SD, J), for scipy.stats.bootstrap."""
    n_x, n_y = x.shape[axis], y.shape[axis]
    pooled = (
        (n_x - 1) * np.var(x, ddof=1, axis=axis) + (n_y - 1) * np.var(y, ddof=1, axis=axis)
    ) / (n_x + n_y - 2)
    diff = np.mean(x, axis=axis) - np.mean(y, axis=axis)
    return diff / np.sqrt(pooled) * (1 - 3 / (4 * (n_x + n_y) - 9))
