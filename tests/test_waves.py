"""Change between survey waves: every figure against scipy, pingouin and statsmodels, to 1e-6.

The data are generated with planted changes (an improvement in effort expectancy among
non-users, a rise in colleague influence for everyone, no change in manager influence,
adoption from 30% to 45%); the tests check that the planted changes are found and the
absent ones are not, and that every figure agrees with the reference libraries.
"""

from __future__ import annotations

import io
import math
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
import statsmodels.api as sm
from hypothesis import given
from hypothesis import strategies as st
from scipy import special, stats
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
    proportions_ztest,
)

from conftest import FACTORS, SAMPLE_RESPONSES, SAMPLE_SCORES
from ism_advisor.core.errors import AdvisorError
from ism_advisor.stats import tests as stat_tests
from ism_advisor.stats import waves
from ism_advisor.stats.waves import (
    ADOPTION_CHANGE_COLUMNS,
    ADOPTION_COLUMNS,
    CHANGE_COLUMNS,
    GAP_COV_TYPE,
    GROUPS,
    JSON_ADOPTION_CHANGE_FIELDS,
    JSON_ADOPTION_FIELDS,
    JSON_CHANGE_FIELDS,
    PAIRED_ADOPTION_CHANGE_COLUMNS,
    compare_waves,
)
from ism_advisor.survey.sample import FOLLOWUP_CHANGES, generate_followup, generate_sample

WORSE = ("effort_expectancy", "privacy_concern")
#: Planted change per wave, in scale points: (users, non-users).
PLANTED = {
    "effort_expectancy": (0.0, -0.5),  # non-users expect less effort: an improvement
    "colleague_influence": (0.4, 0.4),  # everyone sees more colleagues on it; gap unchanged
}
UNCHANGED = ("performance_expectancy", "reputation", "manager_influence", "collaboration_norms")
DEPARTMENTS = ("North", "South", "West")


def close(actual, expected) -> bool:
    return actual == pytest.approx(expected, rel=1e-6, abs=1e-9, nan_ok=True)


def make_waves(
    seed: int,
    sizes=(400, 420),
    shares=(0.30, 0.45),
    *,
    planted=PLANTED,
    missing: float = 0.05,
    ties: bool = True,
) -> pd.DataFrame:
    """Independent waves; wave k's true scores move by k × the planted change."""
    rng = np.random.default_rng(seed)
    frames = []
    for k, (size, share) in enumerate(zip(sizes, shares, strict=True)):
        user = rng.random(size) < share
        frame = pd.DataFrame(
            {
                "wave": f"wave {k + 1}",
                "is_user": user,
                "dept": rng.choice(DEPARTMENTS, size, p=[0.5, 0.3, 0.2]),
                "respondent": [f"r{seed}-{k}-{i}" for i in range(size)],
            }
        )
        for factor in FACTORS:
            favourable = -1.0 if factor in WORSE else 1.0
            users_change, non_users_change = planted.get(factor, (0.0, 0.0))
            change = k * np.where(user, users_change, non_users_change)
            advantage = 0.0 if factor == "privacy_concern" else 0.4
            values = rng.normal(3.0 + favourable * advantage * user + change, 0.8, size)
            values = np.clip(np.round(values * 4) / 4 if ties else values, 1, 5)
            values[rng.random(size) < missing] = np.nan
            frame[factor] = values
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def make_panel(seed: int, people: int = 500, *, planted=PLANTED, ties: bool = True) -> pd.DataFrame:
    """Two waves of largely the same people: some leave, some join, some start using it.

    A person keeps a personal level across waves; the planted change applies to the
    groups of the first wave (cohorts).
    """
    rng = np.random.default_rng(seed)
    person = rng.normal(0, 0.6, (people, len(FACTORS)))
    first_user = rng.random(people) < 0.3
    later_user = np.where(first_user, rng.random(people) < 0.95, rng.random(people) < 0.25)
    dept = rng.choice(DEPARTMENTS, people, p=[0.5, 0.3, 0.2])
    answered = [rng.random(people) < 0.9, rng.random(people) < 0.8]
    frames = []
    for k, (user, present) in enumerate(((first_user, answered[0]), (later_user, answered[1]))):
        frame = pd.DataFrame(
            {
                "wave": f"wave {k + 1}",
                "is_user": user,
                "dept": dept,
                "respondent": [f"p{i}" for i in range(people)],
            }
        )
        for j, factor in enumerate(FACTORS):
            favourable = -1.0 if factor in WORSE else 1.0
            users_change, non_users_change = planted.get(factor, (0.0, 0.0))
            change = k * np.where(first_user, users_change, non_users_change)
            advantage = 0.0 if factor == "privacy_concern" else 0.4
            true = 3.0 + favourable * advantage * user + change + person[:, j]
            values = true + rng.normal(0, 0.5, people)
            values = np.clip(np.round(values * 4) / 4 if ties else values, 1, 5)
            values[rng.random(people) < 0.04] = np.nan
            frame[factor] = values
        frames.append(frame[present])
    newcomers = pd.DataFrame(
        {
            "wave": "wave 2",
            "is_user": rng.random(40) < 0.5,
            "dept": rng.choice(DEPARTMENTS, 40),
            "respondent": [f"new{i}" for i in range(40)],
        }
    )
    for factor in FACTORS:
        newcomers[factor] = np.clip(np.round(rng.normal(3, 0.8, 40) * 4) / 4, 1, 5)
    return pd.concat([*frames, newcomers], ignore_index=True)


def run(data: pd.DataFrame, **options) -> waves.WaveComparison:
    options.setdefault("higher_is_worse", WORSE)
    return compare_waves(data, FACTORS, **options)


def in_segment(data: pd.DataFrame, segment: pd.Series) -> pd.Series:
    mask = pd.Series(True, index=data.index)
    for column, value in segment["where"].items():
        mask &= data[column].astype(str) == value
    return mask


# -- references ----------------------------------------------------------------------------


def welch_reference(later: np.ndarray, earlier: np.ndarray) -> dict:
    test = stats.ttest_ind(later, earlier, equal_var=False)
    ci = test.confidence_interval(0.95)
    g = pg.compute_effsize(later, earlier, eftype="hedges")
    g_ci = pg.compute_esci(g, len(later), len(earlier), eftype="hedges", decimals=15)
    mwu = stats.mannwhitneyu(later, earlier, alternative="two-sided", method="asymptotic")
    diff = np.mean(later) - np.mean(earlier)
    return {
        "from_mean": np.mean(earlier),
        "to_mean": np.mean(later),
        "from_n": len(earlier),
        "to_n": len(later),
        "difference": diff,
        "ci_low": ci.low,
        "ci_high": ci.high,
        "p": test.pvalue,
        "se": diff / test.statistic,
        "df": test.df,
        "hedges_g": g,
        "hedges_g_ci_low": g_ci[0],
        "hedges_g_ci_high": g_ci[1],
        "check": "mann_whitney",
        "check_p": mwu.pvalue,
    }


def did_reference(part: pd.DataFrame, factor: str, later: str, sign: float) -> dict:
    """OLS of score on group × wave, HC2 (statsmodels); p and CI with the cells' df."""
    part = part.dropna(subset=[factor])
    user = part["is_user"].to_numpy(dtype=float)
    after = (part["wave"] == later).to_numpy(dtype=float)
    design = np.column_stack([np.ones(len(part)), user, after, user * after])
    fit = sm.OLS(part[factor].to_numpy(), design).fit(cov_type=GAP_COV_TYPE)
    coef, se = sign * fit.params[3], fit.bse[3]
    # Welch-Satterthwaite degrees of freedom of the four cells, from their variances
    cells = [part[factor][(user == u) & (after == w)] for u in (0, 1) for w in (0, 1)]
    v = np.array([c.var(ddof=1) / len(c) for c in cells])
    df = v.sum() ** 2 / sum(vi**2 / (len(c) - 1) for vi, c in zip(v, cells, strict=True))
    margin = stats.t.ppf(0.975, df) * se
    means = {
        (u, w): c.mean() for (u, w), c in zip([(0, 0), (0, 1), (1, 0), (1, 1)], cells, strict=True)
    }
    return {
        "from_mean": sign * (means[1, 0] - means[0, 0]),
        "to_mean": sign * (means[1, 1] - means[0, 1]),
        "from_n": len(cells[0]) + len(cells[2]),
        "to_n": len(cells[1]) + len(cells[3]),
        "difference": coef,
        "se": se,
        "t": sign * fit.tvalues[3],
        "df": df,
        "p": 2 * stats.t.sf(abs(coef / se), df),
        "ci_low": coef - margin,
        "ci_high": coef + margin,
    }


def check_row(row: pd.Series, expected: dict, where: str) -> int:
    for column, value in expected.items():
        if column == "t":
            assert close(row["difference"] / row["se"], value), (where, column)
        elif column == "check":
            assert row[column] == value, (where, column)
        else:
            assert close(row[column], value), (where, column, row[column], value)
    return len(expected)


def assert_independent(result: waves.WaveComparison, data: pd.DataFrame) -> int:
    checked = 0
    changes = result.changes.set_index(["segment", "from_wave", "to_wave", "factor", "group"])
    changes = changes.sort_index()
    for index, segment in result.segments.iterrows():
        part = data[in_segment(data, segment)]
        for earlier, later in result.comparisons:
            pair = part[part["wave"].isin([earlier, later])]
            group_p: dict[str, list[float]] = {g: [] for g in GROUPS}
            for factor in FACTORS:
                sign = -1.0 if factor in WORSE else 1.0
                for group, mask in (
                    ("users", pair["is_user"]),
                    ("non_users", ~pair["is_user"]),
                    ("all", pair["is_user"] | True),
                ):
                    values = pair[mask]
                    x = values.loc[values["wave"] == later, factor].dropna().to_numpy()
                    y = values.loc[values["wave"] == earlier, factor].dropna().to_numpy()
                    row = changes.loc[(index, earlier, later, factor, group)]
                    expected = welch_reference(x, y)
                    expected["improvement"] = sign * expected["difference"]
                    checked += check_row(row, expected, (index, earlier, factor, group))
                    group_p[group].append(expected["p"])
                row = changes.loc[(index, earlier, later, factor, "gap")]
                expected = did_reference(pair, factor, later, sign)
                checked += check_row(row, expected, (index, earlier, factor, "gap"))
                assert close(row["improvement"], -expected["difference"])
                assert math.isnan(row["hedges_g"]) and math.isnan(row["check_p"])
                assert row["check"] is None
                group_p["gap"].append(expected["p"])
            for group, expected_p in group_p.items():
                rows = changes.loc[(index, earlier, later)].xs(group, level="group")
                _, adjusted = pg.multicomp(np.array(expected_p), method="holm")
                assert close(rows.loc[list(FACTORS), "p_holm"].to_numpy(), adjusted)
                assert list(rows.loc[list(FACTORS), "significant"]) == list(adjusted < 0.05)
    return checked


def assert_adoption(result: waves.WaveComparison, data: pd.DataFrame) -> int:
    checked = 0
    adoption = result.adoption.set_index(["segment", "wave"])
    change = result.adoption_change.set_index(["segment", "from_wave", "to_wave"])
    for index, segment in result.segments.iterrows():
        part = data[in_segment(data, segment)]
        for wave in result.waves:
            users = part.loc[part["wave"] == wave, "is_user"]
            row = adoption.loc[(index, wave)]
            assert (row["users"], row["respondents"]) == (users.sum(), len(users))
            assert row["non_users"] == len(users) - users.sum()
            assert close(row["share"], users.mean())
        for earlier, later in result.comparisons:
            u1 = int(part.loc[part["wave"] == later, "is_user"].sum())
            n1 = int((part["wave"] == later).sum())
            u0 = int(part.loc[part["wave"] == earlier, "is_user"].sum())
            n0 = int((part["wave"] == earlier).sum())
            low, high = confint_proportions_2indep(
                u1, n1, u0, n0, method="newcomb", compare="diff", alpha=0.05
            )
            z, _ = proportions_ztest([u1, u0], [n1, n0])
            # the pooled z-test is Pearson's chi-square without continuity correction; the
            # "N − 1" test multiplies that chi-square by (N − 1)/N (Campbell 2007)
            chi2 = stats.chi2_contingency([[u1, n1 - u1], [u0, n0 - u0]], correction=False)
            assert close(z**2, chi2.statistic)
            total = n0 + n1
            p = stats.chi2.sf(chi2.statistic * (total - 1) / total, 1)
            row = change.loc[(index, earlier, later)]
            expected = {
                "from_users": u0,
                "from_respondents": n0,
                "to_users": u1,
                "to_respondents": n1,
                "from_share": u0 / n0,
                "to_share": u1 / n1,
                "difference": u1 / n1 - u0 / n0,
                "ci_low": low,
                "ci_high": high,
                "p": p,
            }
            checked += check_row(row, expected, (index, earlier))
            assert row["significant"] == (p < 0.05)
    return checked


# -- independent samples -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seed", "sizes", "shares", "missing", "ties"),
    [
        (1, (400, 420), (0.30, 0.45), 0.05, True),
        (2, (150, 260, 200), (0.2, 0.5, 0.6), 0.15, False),  # three waves: 1→2, 2→3, 1→3
        (3, (90, 70), (0.5, 0.5), 0.0, True),  # small waves, heavy ties
    ],
)
def test_every_independent_figure_matches_the_references(seed, sizes, shares, missing, ties):
    data = make_waves(seed, sizes, shares, missing=missing, ties=ties)
    result = run(data, segment_by=["dept"])
    assert list(result.segments["value"].fillna("all")) == ["all", *sorted(DEPARTMENTS)]
    pairs = len(sizes) - 1 + (len(sizes) > 2)
    assert len(result.changes) == 4 * pairs * len(FACTORS) * len(GROUPS)
    checked = assert_independent(result, data)
    assert checked == 4 * pairs * len(FACTORS) * (3 * 16 + 11)
    assert assert_adoption(result, data) == 4 * pairs * 10
    assert list(result.changes.columns) == list(CHANGE_COLUMNS)
    assert list(result.adoption.columns) == list(ADOPTION_COLUMNS)
    assert list(result.adoption_change.columns) == list(ADOPTION_CHANGE_COLUMNS)
    assert result.paired_changes is None and result.paired_adoption_change is None


def test_three_waves_compare_each_with_the_previous_and_the_first_with_the_last():
    data = make_waves(4, (80, 90, 100), (0.3, 0.4, 0.5))
    result = run(data)
    expected = (("wave 1", "wave 2"), ("wave 2", "wave 3"), ("wave 1", "wave 3"))
    assert result.comparisons == expected
    assert result.waves == ("wave 1", "wave 2", "wave 3")
    order = result.changes[["from_wave", "to_wave"]].drop_duplicates()
    assert list(order.itertuples(index=False, name=None)) == list(expected)
    first = result.changes.iloc[: len(FACTORS) * 4]
    assert list(first["factor"]) == [f for f in FACTORS for _ in GROUPS]
    assert list(first["group"]) == list(GROUPS) * len(FACTORS)


def test_the_gap_standard_error_is_hc2_and_welch_is_hc2_for_one_group():
    """For one group's change, HC2 in an OLS on the wave dummy is Welch's standard error."""
    data = make_waves(5)
    result = run(data)
    row = result.changes.query("factor == 'reputation' and group == 'non_users'").iloc[0]
    part = data[~data["is_user"]].dropna(subset=["reputation"])
    design = sm.add_constant((part["wave"] == "wave 2").to_numpy(dtype=float))
    fit = sm.OLS(part["reputation"].to_numpy(), design).fit(cov_type="HC2")
    assert close(row["difference"], fit.params[1])
    assert close(row["se"], fit.bse[1])


@pytest.mark.parametrize("cov_type", ["HC0", "HC1", "HC3"])
def test_the_other_hc_types_would_differ(cov_type):
    """The choice matters: HC0, HC1 and HC3 give other standard errors than ours."""
    data = make_waves(6, (60, 50))
    result = run(data)
    row = result.changes.query("factor == 'reputation' and group == 'gap'").iloc[0]
    part = data.dropna(subset=["reputation"])
    user = part["is_user"].to_numpy(dtype=float)
    after = (part["wave"] == "wave 2").to_numpy(dtype=float)
    design = np.column_stack([np.ones(len(part)), user, after, user * after])
    fit = sm.OLS(part["reputation"].to_numpy(), design).fit(cov_type=cov_type)
    assert close(row["difference"], fit.params[3])
    assert abs(row["se"] - fit.bse[3]) > 1e-4


def test_planted_changes_are_found_and_absent_ones_are_not():
    data = make_waves(7, (3000, 3000), (0.30, 0.45))
    result = run(data)
    table = result.changes.set_index(["factor", "group"])
    # effort: non-users improve by 0.5, users do not; the gap closes by 0.5
    effort = table.loc["effort_expectancy"]
    assert effort.at["non_users", "significant"]
    assert effort.at["non_users", "difference"] == pytest.approx(-0.5, abs=0.1)
    assert effort.at["non_users", "improvement"] > 0
    assert not effort.at["users", "significant"]
    assert effort.at["gap", "significant"]
    assert effort.at["gap", "difference"] == pytest.approx(-0.5, abs=0.1)
    assert effort.at["gap", "ci_low"] < -0.5 < effort.at["gap", "ci_high"]
    # colleagues: both groups rise by 0.4; the gap stays
    colleagues = table.loc["colleague_influence"]
    assert colleagues.loc[["users", "non_users", "all"], "significant"].all()
    assert not colleagues.at["gap", "significant"]
    assert colleagues.at["gap", "ci_low"] < 0 < colleagues.at["gap", "ci_high"]
    # no change planted anywhere else: not in users, non-users or the gap ...
    for factor in UNCHANGED:
        assert not table.loc[factor].loc[["users", "non_users", "gap"], "significant"].any()
        # ... but all respondents move with the mix: 15% more users, 0.4 ahead
        assert table.at[(factor, "all"), "difference"] == pytest.approx(0.15 * 0.4, abs=0.04)
    assert not table.loc["privacy_concern", "significant"].any()  # no users' advantage
    change = result.adoption_change.iloc[0]
    assert change["significant"]
    assert change["ci_low"] < 0.15 < change["ci_high"]
    assert change["difference"] == pytest.approx(0.15, abs=0.03)


def test_segments_alone_and_together_give_identical_figures():
    data = make_waves(8)
    together = run(data, segment_by=["dept"])
    for index, segment in together.segments.iloc[1:].iterrows():
        alone = run(data[data["dept"] == segment["value"]])
        for name in ("changes", "adoption", "adoption_change"):
            mine = getattr(together, name)
            mine = mine[mine["segment"] == index].drop(columns="segment").reset_index(drop=True)
            theirs = getattr(alone, name)
            theirs = theirs[theirs["segment"] == 0].drop(columns="segment")
            pd.testing.assert_frame_equal(mine, theirs.reset_index(drop=True), check_exact=True)


def test_combined_segmentations_are_labelled_as_in_compare():
    data = make_waves(9)
    data["site"] = np.where(np.arange(len(data)) % 3 == 0, "HQ", "Plant")
    result = run(data, segment_by=["dept", ("dept", "site"), "dept"])
    assert result.segment_by == (("dept",), ("dept", "site"))
    combined = result.segments[result.segments["column"] == "dept+site"]
    assert list(combined["value"])[:2] == ["North / HQ", "North / Plant"]
    assert combined.iloc[0]["where"] == {"dept": "North", "site": "HQ"}
    assert result.segments.iloc[0]["column"] is None


def test_missing_scores_and_blank_segments():
    data = make_waves(10, missing=0.2)
    data.loc[::7, "dept"] = None
    before = data.copy()
    result = run(data, segment_by=["dept"])
    pd.testing.assert_frame_equal(data, before)  # the input is not modified
    # blank segment values count for all respondents only
    north = result.segments.index[result.segments["value"] == "North"][0]
    counts = result.adoption[result.adoption["segment"] == north]["respondents"].sum()
    assert counts == (data["dept"] == "North").sum()
    assert result.adoption[result.adoption["segment"] == 0]["respondents"].sum() == len(data)
    assert assert_independent(result, data) == 4 * len(FACTORS) * (3 * 16 + 11)


def test_a_factor_missing_in_one_wave_has_no_change_figures():
    data = make_waves(10)
    data.loc[data["wave"] == "wave 2", "privacy_concern"] = np.nan  # not asked in wave 2
    result = run(data)
    privacy = result.changes[result.changes["factor"] == "privacy_concern"]
    assert (privacy["to_n"] == 0).all() and (privacy["from_n"] > 0).all()
    assert privacy[["to_mean", "difference", "p", "p_holm", "ci_low", "check_p"]].isna().all().all()
    assert privacy["significant"].isna().all()
    # Holm counts only the factors with a test
    overall = result.changes[result.changes["group"] == "all"]
    p = overall["p"].to_numpy()
    _, adjusted = pg.multicomp(p[:-1], method="holm")
    assert close(overall["p_holm"].to_numpy()[:-1], adjusted)


def test_tiny_groups_give_nan_not_errors():
    data = make_waves(11, (40, 40), missing=0.0)
    one_user = data.index[(data["wave"] == "wave 1") & data["is_user"]]
    data = data.drop(one_user[1:])  # one user left in wave 1
    data = data.drop(data.index[(data["wave"] == "wave 2") & ~data["is_user"]])  # no non-users
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = run(data, segment_by=["dept"])
    overall = result.changes[result.changes["segment"] == 0].set_index(["factor", "group"])
    users = overall.xs("users", level="group")
    assert (users["from_n"] == 1).all()
    assert users[["p", "ci_low", "se", "hedges_g"]].isna().all().all()
    assert users["difference"].notna().all()  # both means exist
    # the rank check is defined for one person, as in scipy
    x = data.loc[(data["wave"] == "wave 2") & data["is_user"], "reputation"].dropna()
    y = data.loc[(data["wave"] == "wave 1") & data["is_user"], "reputation"].dropna()
    expected = stats.mannwhitneyu(x, y, method="asymptotic").pvalue
    assert close(users.at["reputation", "check_p"], expected)
    non_users = overall.xs("non_users", level="group")
    assert (non_users["to_n"] == 0).all()
    assert non_users[["to_mean", "difference", "p", "check_p"]].isna().all().all()
    gap = overall.xs("gap", level="group")
    assert gap[["difference", "p", "ci_low"]].isna().all().all()
    assert (gap["from_users_n"] == 1).all() and (gap["to_non_users_n"] == 0).all()


def test_zero_variance_follows_scipy():
    data = pd.DataFrame(
        {
            "wave": ["a"] * 6 + ["b"] * 6,
            "is_user": [True, False] * 6,
            **{f: [3.0] * 6 + [4.0] * 6 for f in FACTORS},
        }
    )
    result = run(data)
    row = result.changes.query("factor == 'reputation' and group == 'users'").iloc[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        ref = stats.ttest_ind([4.0] * 3, [3.0] * 3, equal_var=False)
    assert (row["p"], row["df"]) == (ref.pvalue, ref.df)
    gap = result.changes.query("factor == 'reputation' and group == 'gap'").iloc[0]
    assert gap["difference"] == 0 and math.isnan(gap["p"])


def test_counts_for_the_disclosure_stage():
    data = make_waves(12, (120, 130))
    result = run(data, segment_by=["dept"])
    row = result.changes.query("segment == 1 and factor == 'reputation' and group == 'all'")
    row = row.iloc[0]
    part = data[data["dept"] == "North"].dropna(subset=["reputation"])
    counts = part.groupby(["wave", "is_user"]).size()
    assert row["from_users_n"] == counts["wave 1", True]
    assert row["from_non_users_n"] == counts["wave 1", False]
    assert row["to_users_n"] == counts["wave 2", True]
    assert row["to_non_users_n"] == counts["wave 2", False]
    users = result.changes.query("segment == 1 and factor == 'reputation' and group == 'users'")
    assert users.iloc[0]["from_non_users_n"] == 0 and users.iloc[0]["to_non_users_n"] == 0
    for column in ("from_n", "to_n", "from_users_n", "to_non_users_n"):
        assert result.changes[column].dtype == np.int64


def test_repeat_runs_are_byte_identical():
    data = make_panel(13)
    texts = []
    for _ in range(2):
        result = run(data.copy(), segment_by=["dept"], respondent="respondent")
        texts.append(
            "".join(
                getattr(result, name).to_csv(float_format="%.17g")
                for name in (
                    "changes",
                    "adoption",
                    "adoption_change",
                    "paired_changes",
                    "paired_adoption_change",
                )
            )
        )
    assert texts[0] == texts[1]


def test_json_fields_map_onto_columns():
    assert set(JSON_CHANGE_FIELDS) <= set(CHANGE_COLUMNS)
    assert set(JSON_ADOPTION_FIELDS) <= set(ADOPTION_COLUMNS)
    assert set(JSON_ADOPTION_CHANGE_FIELDS) <= set(ADOPTION_CHANGE_COLUMNS)
    assert set(JSON_ADOPTION_CHANGE_FIELDS) <= set(PAIRED_ADOPTION_CHANGE_COLUMNS)
    assert GROUPS == ("users", "non_users", "all", "gap")


# -- paired samples ------------------------------------------------------------------------


def paired_reference(pairs: pd.DataFrame, factor: str, sign: float) -> dict[str, dict]:
    pairs = pairs.dropna(subset=[f"{factor}_0", f"{factor}_1"])
    expected = {}
    for group, mask in (
        ("users", pairs["is_user_0"]),
        ("non_users", ~pairs["is_user_0"]),
        ("all", pairs["is_user_0"] | True),
    ):
        x = pairs.loc[mask, f"{factor}_1"].to_numpy()
        y = pairs.loc[mask, f"{factor}_0"].to_numpy()
        test = stats.ttest_rel(x, y)
        ci = test.confidence_interval(0.95)
        g = pg.compute_effsize(x, y, paired=True, eftype="hedges")
        g_ci = pg.compute_esci(g, len(x), len(y), paired=True, eftype="hedges", decimals=15)
        check = stats.wilcoxon(
            x, y, zero_method="wilcox", correction=True, method="asymptotic"
        ).pvalue
        expected[group] = {
            "from_mean": y.mean(),
            "to_mean": x.mean(),
            "from_n": len(x),
            "to_n": len(x),
            "difference": np.mean(x - y),
            "ci_low": ci.low,
            "ci_high": ci.high,
            "p": test.pvalue,
            "df": test.df,
            "hedges_g": g,
            "hedges_g_ci_low": g_ci[0],
            "hedges_g_ci_high": g_ci[1],
            "check": "wilcoxon",
            "check_p": check,
            "improvement": sign * np.mean(x - y),
        }
    change = pairs[f"{factor}_1"] - pairs[f"{factor}_0"]
    d_users = change[pairs["is_user_0"]].to_numpy()
    d_non_users = change[~pairs["is_user_0"]].to_numpy()
    test = stats.ttest_ind(d_users, d_non_users, equal_var=False)
    ci = test.confidence_interval(0.95)
    # the same as an OLS of the change on the cohort with HC2 errors
    design = sm.add_constant(pairs["is_user_0"].to_numpy(dtype=float))
    fit = sm.OLS(change.to_numpy(), design).fit(cov_type="HC2")
    low, high = sorted((sign * ci.low, sign * ci.high))
    users, non_users = expected["users"], expected["non_users"]
    expected["gap"] = {
        "from_mean": sign * (users["from_mean"] - non_users["from_mean"]),
        "to_mean": sign * (users["to_mean"] - non_users["to_mean"]),
        "from_n": len(pairs),
        "difference": sign * fit.params[1],
        "se": fit.bse[1],
        "ci_low": low,
        "ci_high": high,
        "p": test.pvalue,
        "df": test.df,
        "check": "mann_whitney",
        "check_p": stats.mannwhitneyu(d_users, d_non_users, method="asymptotic").pvalue,
        "improvement": -sign * fit.params[1],
    }
    return expected


def newcombe_paired_reference(both, first_only, second_only, neither) -> tuple[float, float]:
    """Newcombe (1998) method 10 from statsmodels' Wilson intervals."""
    n = both + first_only + second_only + neither
    p1, p2 = (both + first_only) / n, (both + second_only) / n
    l1, u1 = proportion_confint(both + first_only, n, method="wilson")
    l2, u2 = proportion_confint(both + second_only, n, method="wilson")
    margins = (both + first_only, second_only + neither, both + second_only, first_only + neither)
    a = both * neither - first_only * second_only
    if min(margins) == 0:
        phi = 0.0
    elif a > n / 2:
        phi = (a - n / 2) / math.sqrt(math.prod(margins))
    elif a < 0:
        phi = a / math.sqrt(math.prod(margins))
    else:
        phi = 0.0
    low = p1 - p2 - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2))
    high = p1 - p2 + math.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2 - 2 * phi * (p2 - l2) * (u1 - p1))
    return low, high


def test_newcombe_paired_interval_matches_the_published_example():
    """Fagerland, Lydersen & Laake (2017), table 8.x (Cavo et al. 2012): -0.0621 (-0.1186 to
    -0.0046), as printed by their R package contingencytables."""
    diff, low, high = stat_tests.newcombe_paired(
        np.array([59]), np.array([6]), np.array([16]), np.array([80])
    )
    assert (round(diff[0], 4), round(low[0], 4), round(high[0], 4)) == (-0.0621, -0.1186, -0.0046)
    for table in ((1, 1, 7, 12), (10, 0, 0, 5), (0, 3, 9, 0), (30, 2, 1, 30), (5, 5, 5, 5)):
        _, low, high = stat_tests.newcombe_paired(*(np.array([v]) for v in table))
        assert close((low[0], high[0]), newcombe_paired_reference(*table))


@pytest.mark.parametrize(("seed", "ties"), [(21, True), (22, False)])
def test_every_paired_figure_matches_the_references(seed, ties):
    data = make_panel(seed, ties=ties)
    result = run(data, segment_by=["dept"], respondent="respondent")
    changes = result.paired_changes.set_index(["segment", "factor", "group"])
    adoption = result.paired_adoption_change.set_index("segment")
    earlier = data[data["wave"] == "wave 1"]
    later = data[data["wave"] == "wave 2"]
    merged = earlier.merge(later, on="respondent", suffixes=("_0", "_1"))
    checked = 0
    for index, segment in result.segments.iterrows():
        mask = pd.Series(True, index=merged.index)
        for column, value in segment["where"].items():
            mask &= merged[f"{column}_0"] == value  # the segment of the earlier wave
        pairs = merged[mask]
        expected_p = {g: [] for g in GROUPS}
        for factor in FACTORS:
            sign = -1.0 if factor in WORSE else 1.0
            for group, expected in paired_reference(pairs, factor, sign).items():
                checked += check_row(changes.loc[(index, factor, group)], expected, (index, group))
                expected_p[group].append(expected["p"])
        for group, p in expected_p.items():
            _, adjusted = pg.multicomp(np.array(p), method="holm")
            rows = changes.loc[index].xs(group, level="group").loc[list(FACTORS)]
            assert close(rows["p_holm"].to_numpy(), adjusted)
        before, after = pairs["is_user_0"], pairs["is_user_1"]
        both, started = int((before & after).sum()), int((~before & after).sum())
        stopped, neither = int((before & ~after).sum()), int((~before & ~after).sum())
        row = adoption.loc[index]
        low, high = newcombe_paired_reference(both, started, stopped, neither)
        table = [[both, started], [stopped, neither]]  # rows: later wave; columns: earlier
        in_earlier = in_segment(earlier, segment)
        in_later = in_segment(later, segment)
        expected = {
            "pairs": len(pairs),
            "from_users": before.sum(),
            "to_users": after.sum(),
            "started": started,
            "stopped": stopped,
            "difference": (started - stopped) / len(pairs),
            "ci_low": low,
            "ci_high": high,
            "p": mcnemar(table, exact=True).pvalue,
            "from_only": (~earlier[in_earlier]["respondent"].isin(later["respondent"])).sum(),
            "to_only": (~later[in_later]["respondent"].isin(earlier["respondent"])).sum(),
        }
        checked += check_row(row, expected, index)
    assert checked == 4 * (len(FACTORS) * (3 * 15 + 12) + 11)
    assert list(result.paired_changes.columns) == list(CHANGE_COLUMNS)
    assert list(result.paired_adoption_change.columns) == list(PAIRED_ADOPTION_CHANGE_COLUMNS)


def test_paired_counts_leave_out_who_answered_once():
    data = make_panel(23)
    result = run(data, respondent="respondent")
    row = result.paired_adoption_change.iloc[0]
    first = set(data.loc[data["wave"] == "wave 1", "respondent"])
    second = set(data.loc[data["wave"] == "wave 2", "respondent"])
    assert row["pairs"] == len(first & second)
    assert row["from_only"] == len(first - second)
    assert row["to_only"] == len(second - first) >= 40  # the newcomers
    # the independent figures still use everyone
    assert result.adoption_change.iloc[0]["from_respondents"] == len(first)


def test_planted_changes_are_found_in_pairs():
    data = make_panel(24, people=3000)
    result = run(data, respondent="respondent")
    table = result.paired_changes.set_index(["factor", "group"])
    assert table.at[("effort_expectancy", "non_users"), "significant"]
    assert table.at[("effort_expectancy", "gap"), "significant"]
    assert table.at[("effort_expectancy", "gap"), "difference"] < -0.3
    assert table.loc["colleague_influence"].loc[["users", "non_users"], "significant"].all()
    for factor in UNCHANGED:
        assert not table.at[(factor, "users"), "significant"]
        # a quarter of the first wave's non-users started using it and gained 0.4
        expected = 0.25 * 0.4
        assert table.at[(factor, "non_users"), "difference"] == pytest.approx(expected, abs=0.04)
    assert not table.loc["privacy_concern", "significant"].any()  # no users' advantage
    change = result.paired_adoption_change.iloc[0]
    assert change["significant"] and change["started"] > change["stopped"]


def test_blank_respondent_keys_are_never_matched():
    data = make_panel(25)
    data["respondent"] = data["respondent"].where(data.index % 5 != 0)
    result = run(data, respondent="respondent")
    row = result.paired_adoption_change.iloc[0]
    keyed = data.dropna(subset=["respondent"])
    first = set(keyed.loc[keyed["wave"] == "wave 1", "respondent"])
    second = set(keyed.loc[keyed["wave"] == "wave 2", "respondent"])
    assert row["pairs"] == len(first & second)
    assert row["from_only"] == (data["wave"] == "wave 1").sum() - len(first & second)


def test_a_respondent_twice_in_one_wave_is_an_error():
    data = make_panel(26)
    data.loc[data.index[:3], "respondent"] = "jan.jansen@example.org"
    with pytest.raises(AdvisorError) as raised:
        run(data, respondent="respondent")
    assert str(raised.value) == (
        "respondent ids occur more than once in wave 'wave 1'; each respondent answers a wave once"
    )
    assert "jansen" not in str(raised.value)


# -- input ---------------------------------------------------------------------------------


def test_one_wave_is_an_error():
    data = make_waves(30)
    with pytest.raises(AdvisorError) as raised:
        run(data[data["wave"] == "wave 1"])
    assert str(raised.value) == "comparing survey waves needs at least two waves, got 1"


def test_wave_order_from_the_option_then_the_categories_then_appearance():
    data = make_waves(31, (50, 60, 70), (0.3, 0.3, 0.3))
    assert run(data).waves == ("wave 1", "wave 2", "wave 3")
    reordered = run(data, waves=["wave 3", "wave 1", "wave 2"])
    assert reordered.comparisons[0] == ("wave 3", "wave 1")
    categorical = data.assign(
        wave=pd.Categorical(data["wave"], categories=["wave 2", "wave 1", "wave 3"])
    )
    assert run(categorical).waves == ("wave 2", "wave 1", "wave 3")
    with pytest.raises(ValueError, match="rows have a blank wave or one not among"):
        run(data, waves=["wave 1", "wave 2"])
    with pytest.raises(AdvisorError, match=r"alpha must lie between 0 and 1, got 1\.5"):
        run(data, alpha=1.5)
    with pytest.raises(ValueError, match=r"columns missing from the data: \['team'\]"):
        run(data, segment_by=["team"])
    with pytest.raises(ValueError, match="must be boolean without blanks"):
        run(data.assign(is_user=np.where(data["is_user"], "yes", "no")))


def test_alpha_sets_significant():
    data = make_waves(32)
    strict = run(data, alpha=0.001).changes
    assert list(strict["significant"].fillna(False)) == list(strict["p_holm"] < 0.001)


def test_statsmodels_is_for_the_tests_only():
    code = "import sys, ism_advisor.stats.waves; print('statsmodels' in sys.modules)"
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout == "False\n"


@st.composite
def small_waves(draw):
    """Two or three small waves: tiny and empty groups, blanks, ties, repeated keys."""
    rows = draw(st.integers(0, 40))
    labels = draw(st.sampled_from([("a", "b"), ("a", "b", "c")]))
    score = st.one_of(st.just(np.nan), st.sampled_from([1.0, 2.0, 3.0, 5.0]), st.floats(1, 5))
    frame = pd.DataFrame(
        {
            "wave": draw(st.lists(st.sampled_from(labels), min_size=rows, max_size=rows)),
            "is_user": draw(st.lists(st.booleans(), min_size=rows, max_size=rows)),
            "dept": draw(st.lists(st.sampled_from(["x", "y", None]), min_size=rows, max_size=rows)),
            "respondent": draw(
                st.lists(st.integers(0, 12) | st.none(), min_size=rows, max_size=rows)
            ),
            **{f: draw(st.lists(score, min_size=rows, max_size=rows)) for f in FACTORS[:3]},
        }
    )
    return frame, labels


@given(small_waves())
def test_any_small_waves_give_tables_or_one_clean_error(case):
    data, labels = case
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            result = compare_waves(
                data.astype({"is_user": bool, **{f: float for f in FACTORS[:3]}}),
                FACTORS[:3],
                waves=labels,
                segment_by=["dept"],
                higher_is_worse=["effort_expectancy"],
                respondent="respondent",
            )
        except AdvisorError as error:
            assert str(error).startswith("respondent ids occur more than once in wave")
            return
    comparisons = len(labels) - 1 + (len(labels) > 2)
    segments = len(result.segments)
    assert len(result.changes) == len(result.paired_changes) == segments * comparisons * 3 * 4
    assert len(result.adoption) == segments * len(labels)
    for table in (result.changes, result.paired_changes, result.adoption_change):
        p = table["p"].to_numpy()
        assert ((p >= 0) & (p <= 1) | np.isnan(p)).all()
        shown = table[table["ci_low"].notna() & np.isfinite(table["difference"])]
        assert (shown["ci_low"] <= shown["difference"] + 1e-12).all()
        assert (shown["difference"] <= shown["ci_high"] + 1e-12).all()
    for table in (result.changes, result.paired_changes):
        p_holm = table["p_holm"].to_numpy()
        assert (np.isnan(p_holm) | (p_holm >= table["p"].to_numpy() - 1e-15)).all()


# -- speed: calls do not grow with the segments --------------------------------------------


class Counter:
    def __init__(self, function):
        self.function = function
        self.calls = 0

    def __call__(self, *args, **kwargs):
        self.calls += 1
        return self.function(*args, **kwargs)


def test_calls_do_not_grow_with_the_number_of_segments(monkeypatch):
    counters = {
        "stdtr": Counter(special.stdtr),
        "stdtrit": Counter(special.stdtrit),
        "ndtr": Counter(special.ndtr),
        "binom.cdf": Counter(stats.binom.cdf),
    }
    # every test of the waves is called in ism_advisor.stats.tests: scipy.special looked up
    # there at each call, scipy.stats imported inside mcnemar_exact (the same binom object)
    monkeypatch.setattr(stat_tests.special, "stdtr", counters["stdtr"])
    monkeypatch.setattr(stat_tests.special, "stdtrit", counters["stdtrit"])
    monkeypatch.setattr(stats.binom, "cdf", counters["binom.cdf"])
    monkeypatch.setattr(stat_tests.special, "ndtr", counters["ndtr"])

    def forbidden(*args, **kwargs):
        raise AssertionError("a per-sample scipy test was called")

    for name in ("ttest_ind", "ttest_rel", "mannwhitneyu", "wilcoxon"):
        monkeypatch.setattr(stats, name, forbidden)

    def calls(segments: int) -> dict[str, int]:
        data = make_panel(40, people=4000)
        data["team"] = np.arange(len(data)) % segments
        for counter in counters.values():
            counter.calls = 0
        run(data, segment_by=["team"], respondent="respondent")
        return {name: counter.calls for name, counter in counters.items()}

    few, many = calls(10), calls(400)
    assert few == many
    assert few["stdtr"] == 2 * 4  # per segmentation: changes and paired changes, 2 each
    assert min(few.values()) > 0  # each patch is where the calls are


# -- the sample's second wave --------------------------------------------------------------


def sample_waves(codebook) -> pd.DataFrame:
    first = pd.read_csv(io.StringIO(generate_sample(codebook).scores_csv))
    second = pd.read_csv(io.StringIO(generate_followup(codebook).scores_csv))
    data = pd.concat([first.assign(wave="spring"), second.assign(wave="autumn")])
    return data.assign(is_user=data["user"] == "yes").reset_index(drop=True)


def test_the_sample_stays_the_first_wave(codebook):
    sample = generate_sample(codebook)
    assert sample.scores_csv == SAMPLE_SCORES.read_text(encoding="utf-8")
    assert sample.responses_csv == SAMPLE_RESPONSES.read_text(encoding="utf-8")
    again = generate_followup(codebook)
    assert again == generate_followup(codebook)
    header = again.responses_csv.split("\n", 1)[0]
    assert header == sample.responses_csv.split("\n", 1)[0]


def test_the_sample_second_wave_shows_the_planted_story(codebook):
    data = sample_waves(codebook)
    result = compare_waves(
        data,
        [f.id for f in codebook.factors],
        higher_is_worse=[f.id for f in codebook.factors if not f.higher_is_better],
        segment_by=["organisation"],
        respondent="respondent",
    )
    overall = result.changes[result.changes["segment"] == 0].set_index(["factor", "group"])
    significant = set(overall.index[overall["significant"].fillna(False)])
    assert significant == {
        ("effort_expectancy", "non_users"),
        ("effort_expectancy", "all"),
        ("effort_expectancy", "gap"),
        ("colleague_influence", "non_users"),
        ("colleague_influence", "all"),
    }
    assert overall.at[("effort_expectancy", "non_users"), "improvement"] > 0.2
    assert set(FOLLOWUP_CHANGES) >= {"effort_expectancy", "manager_influence"}
    assert FOLLOWUP_CHANGES["manager_influence"] == (0.0, 0.0)
    adoption = result.adoption[result.adoption["segment"] == 0]
    assert list(adoption["share"].round(2)) == [0.40, 0.50]
    assert result.adoption_change.iloc[0]["significant"]
    paired = result.paired_adoption_change.iloc[0]
    assert 450 < paired["pairs"] < 550 and paired["to_only"] > 50


@pytest.mark.parametrize("ties", [True, False], ids=["few values", "many values"])
def test_signed_ranks_per_segment_match_scipy(ties):
    """Both ways of counting ties: densely (few distinct values) and sparsely."""
    rng = np.random.default_rng(41)
    seg = rng.integers(0, 150, 3000)
    d = rng.normal(0.1, 1, 3000)
    d = np.round(d * 2) / 2 if ties else np.where(rng.random(3000) < 0.05, 0.0, d)
    p = stat_tests.wilcoxon(seg, d, 150)
    for s in range(150):
        part = d[seg == s]
        expected = stats.wilcoxon(part, correction=True, method="asymptotic").pvalue
        assert close(p[s], expected), s
