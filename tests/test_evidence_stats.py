"""The evidence ledger's statistics (ism_advisor.stats.evidence) against statsmodels'
``combine_effects``, scipy's Welch test and a run's own follow-up."""

from __future__ import annotations

import math

import numpy as np
import pytest
from evidence_ledger import statsmodels_pooled
from scipy import stats
from statsmodels.stats.meta_analysis import combine_effects

from conftest import ROOT
from ism_advisor.stats.evidence import (
    MIN_CLIENTS,
    Study,
    adoption_change,
    gap_change,
    non_users_change,
    pooled_json,
    random_effects,
)
from ism_advisor.store.model import FactorEntry


def _random_sets():
    rng = np.random.default_rng(31)
    for index in range(240):
        k = int(rng.integers(3, 31))
        tau2 = 0.0 if index % 3 == 0 else float(rng.uniform(0.001, 0.3))
        if index % 4 == 0:  # very unequal variances
            v = np.exp(rng.uniform(np.log(1e-4), np.log(2.0), k))
        else:
            v = rng.uniform(0.002, 0.05, k)
        y = rng.normal(0.2, np.sqrt(v + tau2))
        yield y, v


@pytest.mark.filterwarnings("ignore::RuntimeWarning", "ignore::UserWarning")
@pytest.mark.parametrize(("y", "v"), list(_random_sets()))
def test_random_effects_is_statsmodels_combine_effects(y, v):
    pooled = random_effects(y, v)
    result, row = statsmodels_pooled(y, v)
    assert pooled.k == len(y)
    assert pooled.estimate == pytest.approx(row["eff"], abs=1e-6)
    assert pooled.se == pytest.approx(row["sd_eff"], abs=1e-6)
    assert pooled.ci_low == pytest.approx(row["ci_low"], abs=1e-6)
    assert pooled.ci_high == pytest.approx(row["ci_upp"], abs=1e-6)
    assert pooled.q == pytest.approx(result.q, abs=1e-6)
    assert pooled.tau2 == pytest.approx(max(0.0, result.tau2), abs=1e-6)
    assert pooled.i2 == pytest.approx(100 * max(0.0, result.i2), abs=1e-6)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_both_sides_of_the_truncation_are_tested():
    kinds = {combine_effects(y, v, method_re="chi2").tau2 >= 0 for y, v in _random_sets()}
    assert kinds == {True, False}


def test_all_studies_equal_give_q_and_i2_zero():
    pooled = random_effects([0.3, 0.3, 0.3], [0.01, 0.02, 0.04])
    assert (pooled.q, pooled.i2, pooled.tau2) == (0.0, 0.0, 0.0)
    assert pooled.estimate == pytest.approx(0.3)
    # Hartung–Knapp's SE is 0 here; the modification keeps DerSimonian–Laird's
    assert pooled.se == pytest.approx(1 / math.sqrt(100 + 50 + 25))
    half = stats.t.ppf(0.975, 2) * pooled.se
    assert (pooled.ci_low, pooled.ci_high) == pytest.approx((0.3 - half, 0.3 + half))


@pytest.mark.filterwarnings("ignore::RuntimeWarning", "ignore::UserWarning")
def test_both_standard_errors_are_tested():
    kinds = set()
    for y, v in _random_sets():
        result, _ = statsmodels_pooled(y, v)
        frame = result.summary_frame()
        kind = "random effect" if result.tau2 >= 0 else "fixed effect"
        kinds.add(frame.loc[f"{kind} wls", "sd_eff"] >= frame.loc[kind, "sd_eff"])
    assert kinds == {True, False}


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_three_studies_use_t_with_two_degrees_of_freedom():
    y, v = [0.1, 0.5, 0.9], [0.01, 0.01, 0.01]
    pooled = random_effects(y, v)
    _, row = statsmodels_pooled(y, v)
    assert pooled.ci_high - pooled.estimate == pytest.approx(stats.t.ppf(0.975, 2) * pooled.se)
    assert pooled.estimate == pytest.approx(row["eff"], abs=1e-9)
    assert pooled.tau2 == pytest.approx((pooled.q - 2) / (300 - 30000 / 300))


def _figures(users, non_users, factor="f"):
    return FactorEntry(factor, *users, *non_users, None, None)


def test_non_users_change_is_welch():
    earlier = _figures((50, 3.2, 0.9), (40, 3.0, 0.8))
    later = _figures((60, 3.6, 0.7), (30, 3.4, 1.1))
    study = non_users_change(earlier, later, higher_is_worse=False)
    test = stats.ttest_ind_from_stats(3.4, 1.1, 30, 3.0, 0.8, 40, equal_var=False)
    assert study.change == pytest.approx(0.4)
    assert study.se == pytest.approx(0.4 / test.statistic)
    df = (1.21 / 30 + 0.64 / 40) ** 2 / ((1.21 / 30) ** 2 / 29 + (0.64 / 40) ** 2 / 39)
    margin = stats.t.ppf(0.975, df) * study.se
    assert (study.ci_low, study.ci_high) == pytest.approx((0.4 - margin, 0.4 + margin))
    worse = non_users_change(earlier, later, higher_is_worse=True)
    assert worse.change == pytest.approx(-0.4)
    assert (worse.ci_low, worse.ci_high) == pytest.approx((-0.4 - margin, -0.4 + margin))


def test_a_hidden_group_gives_no_change():
    shown = _figures((50, 3.2, 0.9), (40, 3.0, 0.8))
    hidden = _figures((50, 3.2, 0.9), (None, None, None))
    assert non_users_change(shown, hidden, higher_is_worse=False) is None
    assert non_users_change(None, shown, higher_is_worse=False) is None
    assert gap_change(shown, hidden, higher_is_worse=False) is None
    assert gap_change(hidden, shown, higher_is_worse=False) is None
    users_hidden = _figures((None, None, None), (40, 3.0, 0.8))
    assert gap_change(shown, users_hidden, higher_is_worse=False) is None
    assert non_users_change(shown, users_hidden, higher_is_worse=False) is not None


def test_gap_change_sign_and_error():
    earlier = _figures((50, 3.2, 0.9), (40, 3.0, 0.8))  # gap 0.2
    later = _figures((60, 3.6, 0.7), (30, 3.5, 1.1))  # gap 0.1
    study = gap_change(earlier, later, higher_is_worse=False)
    assert study.change == pytest.approx(-0.1)  # narrowed: negative
    var = 0.81 / 50 + 0.64 / 40 + 0.49 / 60 + 1.21 / 30
    assert study.se == pytest.approx(math.sqrt(var))
    assert gap_change(earlier, later, higher_is_worse=True).change == pytest.approx(0.1)


def test_adoption_change_of_two_proportions():
    class E:
        def __init__(self, adoption, respondents):
            self.adoption, self.respondents = adoption, respondents

    study = adoption_change(E(0.4, 200), E(0.55, 100))
    se = math.sqrt(0.4 * 0.6 / 200 + 0.55 * 0.45 / 100)
    assert study.change == pytest.approx(0.15)
    assert study.se == pytest.approx(se)
    assert study.ci_low == pytest.approx(0.15 - stats.norm.ppf(0.975) * se)
    assert adoption_change(E(None, 200), E(0.5, 100)) is None


def test_pooled_json_hides_below_three_and_sorts_studies_without_labels():
    two = pooled_json([Study(0.1, 0.1, -0.1, 0.3), Study(0.2, 0.1, 0.0, 0.4)])
    assert two == {
        "k": 2, "shown": False, "estimate": None, "se": None, "ci_low": None,
        "ci_high": None, "tau2": None, "q": None, "i2": None, "studies": [],
    }  # fmt: skip
    studies = [Study(0.3, 0.2, -0.1, 0.7), Study(-0.1, 0.1, -0.3, 0.1), Study(0.3, 0.1, 0.1, 0.5)]
    out = pooled_json(studies)
    assert out["k"] == MIN_CLIENTS and out["shown"]
    assert [(s["change"], s["se"]) for s in out["studies"]] == [(-0.1, 0.1), (0.3, 0.1), (0.3, 0.2)]
    assert all(set(s) == {"change", "se", "ci_low", "ci_high"} for s in out["studies"])
    pooled = random_effects([0.3, -0.1, 0.3], [0.04, 0.01, 0.01])
    assert out["estimate"] == round(pooled.estimate, 4)
    assert out["i2"] == round(pooled.i2, 1)


def test_the_ledger_of_one_client_is_the_follow_up_of_its_two_waves(codebook):
    """Two entries made from the sample's two waves, and a run over both files: the
    ledger's per-client change on every factor is the follow-up's."""
    from ism_advisor.app.pipeline import advise, advise_waves
    from ism_advisor.stats.evidence import LedgerFactor, _periods
    from ism_advisor.store import entry_from_document

    first = ROOT / "sample_data" / "scores.csv"
    second = ROOT / "sample_data" / "scores-wave2.csv"
    entries = []
    for path, date in ((first, "2026-01-01"), (second, "2026-06-01")):
        document = advise(path, date=date).document
        entries.append(
            entry_from_document(
                document, client="A", sector="S", size_band="1-49", platform="teams", consent=True
            )
        )
    follow = advise_waves([first, second], date="2026-06-01").document["segments"][0]
    factors = [LedgerFactor(f.id, f.id, f.direction) for f in codebook.factors]
    (period,) = _periods(
        entries, factors, codebook_version=entries[0].codebook_version,
        exclude_client=None, until=None,
    )  # fmt: skip
    changes = {(c["factor"], c["group"]): c for c in follow["changes"]}
    checked = 0
    for factor in codebook.factors:
        sign = -1 if factor.direction == "higher_is_worse" else 1
        row = changes[(factor.id, "non_users")]
        mine = period.non_users[factor.id]
        assert mine.change == pytest.approx(sign * row["difference"], abs=1e-9)
        low, high = sorted((sign * row["ci_low"], sign * row["ci_high"]))
        assert (mine.ci_low, mine.ci_high) == pytest.approx((low, high), abs=1e-9)
        row = changes[(factor.id, "gap")]
        mine = period.gap[factor.id]
        assert mine.change == pytest.approx(row["difference"], abs=1e-9)
        assert (mine.ci_low, mine.ci_high) == pytest.approx(
            (row["ci_low"], row["ci_high"]), abs=1e-9
        )
        checked += 1
    assert checked == len(codebook.factors) == 7
    adoption = follow["adoption_change"]
    assert period.adoption.change == pytest.approx(adoption["difference"], abs=1e-9)
