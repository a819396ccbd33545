"""Issue 27, part S2: the gap's own 95% interval (Welch) in the JSON document, for rules
and in the report's findings."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from conftest import SAMPLE_SCORES
from ism_advisor.render.context.build import factor_finding
from ism_advisor.render.context.model import FactorResult


def welch_interval(frame: pd.DataFrame, factor: str, higher_is_better: bool):
    values = frame[factor].to_numpy(dtype=float)
    user = (frame["user"] == "yes").to_numpy()
    ok = ~np.isnan(values)
    x, y = values[ok & user], values[ok & ~user]
    if not higher_is_better:
        x, y = y, x
    return stats.ttest_ind(x, y, equal_var=False).confidence_interval(0.95)


def test_the_json_document_carries_the_gaps_welch_interval(cli, codebook):
    document = cli.json(SAMPLE_SCORES, "--segment-by", "organisation")
    frame = pd.read_csv(SAMPLE_SCORES)
    checked = 0
    for segment in document["segments"]:
        part = (
            frame if segment["column"] is None else frame[frame["organisation"] == segment["value"]]
        )
        for comparison in segment["comparisons"]:
            factor = codebook.factor(comparison["factor"])
            ci = welch_interval(part, factor.id, factor.higher_is_better)
            low, high = comparison["gap_ci"]  # the interval's ends, as one pair
            assert low == pytest.approx(ci.low, rel=1e-9, abs=1e-12)
            assert high == pytest.approx(ci.high, rel=1e-9, abs=1e-12)
            assert low < comparison["gap"] < high
            checked += 1
    assert checked == 4 * 7


RULES = """
- id: colleague_gap_surely_positive
  when:
    - factor: colleague_influence
      if: gap_ci_low > 0
  recommend: champions_network
  priority: high
  because:
    en: "Colleagues: the gap is at least {{ gap_ci_low }} (up to {{ gap_ci_high }})."
    nl: "Collega's: het verschil is minstens {{ gap_ci_low }} (tot {{ gap_ci_high }})."
- id: privacy_gap_surely_positive
  when:
    - factor: privacy_concern
      if: gap_ci_low > 0
  recommend: publish_usage_policy
  priority: high
  because:
    en: "Privacy: the gap is at least {{ gap_ci_low }}."
    nl: "Privacy: het verschil is minstens {{ gap_ci_low }}."
"""


def test_rules_can_test_the_ends_of_the_gaps_interval(cli):
    """Of all respondents, the colleague gap's interval lies above 0 (0.44 to 0.66) and
    privacy's does not (−0.09 to 0.14): one rule fires, the other does not."""
    assert cli("init", "ours").exit_code == 0
    advice = cli.folder / "ours" / "advice.yaml"
    advice.write_text(advice.read_text(encoding="utf-8") + RULES, encoding="utf-8")
    document = cli.json(SAMPLE_SCORES, "--knowledge", "ours")
    fired = {
        e["rule"]: e["because"]
        for r in document["segments"][0]["recommendations"]
        for e in r["explanation"]
    }
    assert fired["colleague_gap_surely_positive"] == (
        "Colleagues: the gap is at least 0.44 (up to 0.66)."
    )
    assert "privacy_gap_surely_positive" not in fired


def result(gap: float, low: float, high: float, higher_is_better: bool = True) -> FactorResult:
    return FactorResult(
        factor="reputation",
        label="Reputation",
        short_label="Reputation",
        definition="",
        higher_is_better=higher_is_better,
        shown=True,
        hidden_reason=None,
        users_n=40,
        non_users_n=60,
        users_mean=3.5,
        non_users_mean=3.5 - gap,
        gap=gap,
        gap_ci_low=low,
        gap_ci_high=high,
        hedges_g=gap,
        hedges_g_ci_low=low,
        hedges_g_ci_high=high,
        p_holm=0.02,
        significant=True,
        effect_size="small",
        cronbach_alpha=None,
        finding="",
    )


def test_the_finding_gives_the_gaps_interval_in_its_own_orientation():
    """A lag of 0.3 (0.1 to 0.5) is said as it is; non-users ahead by 0.3 (the gap −0.3,
    −0.5 to −0.1) is said as ahead by 0.3, 95% CI 0.1 to 0.5."""
    t = lambda text, **values: text.format(**values)  # noqa: E731 - English as written
    lag = factor_finding(result(0.3, 0.1, 0.5), t, "en")
    assert lag.startswith(
        "Non-users score 3.20 against 3.50 for users: they lag behind by 0.30 points"
        " (95% CI 0.10 to 0.50)."
    )
    ahead = factor_finding(result(-0.3, -0.5, -0.1), t, "en")
    assert ahead.startswith(
        "Non-users score 3.80 against 3.50 for users: here non-users are ahead by 0.30"
        " points (95% CI 0.10 to 0.50)."
    )
    worse = factor_finding(result(0.3, -0.05, 0.65, higher_is_better=False), t, "en")
    assert "so they lag behind by 0.30 points (95% CI −0.05 to 0.65)." in worse
