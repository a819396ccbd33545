"""The driver stage in the pipeline: which segments get a model, what the JSON carries,
what the disclosure stage lets through, and how importance orders the action plan."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from attacker import attack
from scipy import special

from ism_advisor import compare_groups, load_codebook, load_survey
from ism_advisor.advice.decide import advise_segments
from ism_advisor.advice.document import to_json
from ism_advisor.advice.engine import FactSet
from ism_advisor.advice.knowledge import load_knowledge
from ism_advisor.app.pipeline import advise
from ism_advisor.app.write import render
from ism_advisor.core.errors import AdvisorError
from ism_advisor.protect import published_drivers as importance
from ism_advisor.protect.disclosure import publish
from ism_advisor.protect.published_drivers import SEED, analyse_drivers
from ism_advisor.stats.drivers import QUADRANTS, driver_analysis

SAMPLE = "sample_data/scores.csv"
FACTORS = [
    "performance_expectancy",
    "effort_expectancy",
    "reputation",
    "colleague_influence",
    "manager_influence",
    "collaboration_norms",
    "privacy_concern",
]
DRIVER_KEYS = [
    "factor",
    "odds_ratio",
    "ci_low",
    "ci_high",
    "p",
    "weight",
    "weight_ci_low",
    "weight_ci_high",
    "noise_diff_ci_low",
    "noise_diff_ci_high",
    "beats_noise",
    "rank",
    "quadrant",
]


@pytest.fixture(scope="module")
def sample_document():
    return advise(SAMPLE, segment_by=["organisation"]).document


def write_survey(path, segments: dict[str, tuple[int, int]], seed: int = 7, skip=None):
    """A score CSV: per department (users, non-users); manager_influence drives use.

    ``skip`` maps a department to how many of its users skip one factor each (in turn).
    """
    rng = np.random.default_rng(seed)
    rows = []
    for department, (users, non_users) in segments.items():
        for is_user, count in ((1, users), (0, non_users)):
            drive = rng.normal(size=count) + (0.8 if is_user else -0.8)
            for i in range(count):
                scores = np.clip(np.round(3 + 0.6 * rng.normal(size=7), 2), 1, 5)
                scores[4] = np.clip(round(3 + 0.7 * drive[i], 2), 1, 5)
                row = {"department": department, "user": "yes" if is_user else "no"}
                row.update(dict(zip(FACTORS, scores, strict=True)))
                if skip and is_user and i < skip.get(department, 0):
                    row[FACTORS[i % 7]] = ""
                rows.append(row)
    frame = pd.DataFrame(rows)
    frame.insert(0, "respondent", range(1, len(frame) + 1))
    frame.to_csv(path, index=False)
    return path


def test_every_shown_segment_has_the_issues_json(sample_document):
    for segment in sample_document["segments"]:
        model = segment["driver_model"]
        assert list(model) == ["n", "r2_mcfadden", "r2_nagelkerke", "r2_o", "warnings", "reason"]
        assert model["reason"] is None
        assert 0 < model["r2_mcfadden"] < model["r2_nagelkerke"] < 1
        assert 0 < model["r2_o"] < 1
        assert [d["factor"] for d in segment["drivers"]] == FACTORS
        for driver in segment["drivers"]:
            assert list(driver) == DRIVER_KEYS
            assert driver["ci_low"] < driver["odds_ratio"] < driver["ci_high"]
            assert driver["weight_ci_low"] <= driver["weight"] <= driver["weight_ci_high"]
            assert driver["quadrant"] in QUADRANTS
            assert driver["beats_noise"] is (driver["noise_diff_ci_low"] > 0)
            assert driver["noise_diff_ci_low"] <= driver["noise_diff_ci_high"]
            if driver["quadrant"] in ("act_first", "keep"):  # important: more than noise
                assert driver["beats_noise"] is True
        assert sorted(d["rank"] for d in segment["drivers"]) == list(range(1, 8))
        assert len(segment["factor_correlations"]) == 21  # 7 factors, 21 pairs


def test_the_json_figures_are_the_statistics_of_the_segments_respondents(sample_document):
    """Every respondent of the segment, a missing score counted at its factor's mean over
    all respondents; the JSON has three significant digits (a relative error of at most
    half a unit in the third digit, 0.5%)."""
    import statsmodels.api as sm

    survey = load_survey(SAMPLE, load_codebook(), ["organisation"])
    scores = survey.scores[FACTORS]
    assert scores.isna().any(axis=1).sum() == 6  # the sample has six respondents with a blank
    filled = scores.fillna(scores.mean())
    digits = 5e-3
    for index, segment in enumerate(sample_document["segments"]):
        rows = np.ones(survey.respondents, dtype=bool)
        if segment["column"] is not None:
            rows = (survey.segments["organisation"] == segment["value"]).to_numpy()
        assert segment["driver_model"]["n"] == segment["respondents"] == rows.sum(), index
        use = np.asarray(survey.is_user, dtype=float)[rows]
        x = filled.loc[rows]
        z = (x - x.mean()) / x.std()
        fit = sm.Logit(use, sm.add_constant(z.to_numpy())).fit(disp=0)
        assert segment["driver_model"]["r2_mcfadden"] == pytest.approx(fit.prsquared, rel=digits)
        r2_o = np.corrcoef(use, fit.predict())[0, 1] ** 2  # R²_O from statsmodels' fit
        assert segment["driver_model"]["r2_o"] == pytest.approx(r2_o, rel=digits)
        for j, driver in enumerate(segment["drivers"]):
            assert driver["odds_ratio"] == pytest.approx(np.exp(fit.params[j + 1]), rel=digits)
            assert driver["p"] == pytest.approx(fit.pvalues[j + 1], rel=digits)
        direct = driver_analysis(x, use, seed=SEED)
        expected = direct.drivers.set_index("factor")
        for driver in segment["drivers"]:
            row = expected.loc[driver["factor"]]
            # the same seed and the segment's own data: the same bootstrap
            assert driver["weight_ci_low"] == pytest.approx(row["weight_ci_low"], rel=digits)
            for column in ("noise_diff_ci_low", "noise_diff_ci_high"):
                assert driver[column] == pytest.approx(row[column], rel=digits, abs=1e-12)
            assert driver["beats_noise"] is bool(row["beats_noise"])
            assert driver["rank"] == row["rank"]
        pairs = {(c["factor_a"], c["factor_b"]): c for c in segment["factor_correlations"]}
        for (a, b), pair in pairs.items():
            assert pair["n"] == rows.sum()
            assert pair["r"] == pytest.approx(x[a].corr(x[b]), rel=digits, abs=1e-12)


def test_the_driver_figures_have_three_significant_digits(sample_document):
    for segment in sample_document["segments"]:
        figures = [v for d in segment["drivers"] for k, v in d.items() if isinstance(v, float)]
        figures += [c["r"] for c in segment["factor_correlations"]]
        figures += [r["use_r"] for r in segment["routes"]]
        figures += [segment["driver_model"]["r2_mcfadden"]]
        assert figures
        for value in figures:
            assert value == float(f"{value:.3g}")


def test_the_same_input_gives_byte_identical_json():
    first = to_json(advise(SAMPLE, segment_by=["organisation"]).document)
    second = to_json(advise(SAMPLE, segment_by=["organisation"]).document)
    assert first == second


def test_a_shown_segment_too_small_for_a_driver_analysis_says_so(tmp_path):
    path = write_survey(tmp_path / "s.csv", {"Large": (160, 160), "Small": (30, 40)})
    document = advise(path, segment_by=["department"]).document
    by_value = {s["value"]: s for s in document["segments"]}
    small = by_value["Small"]
    assert small["suppressed"] is False
    assert small["driver_model"] == {
        "n": 70,
        "r2_mcfadden": None,
        "r2_nagelkerke": None,
        "r2_o": None,
        "warnings": [],
        "reason": "too_small",
    }
    assert small["drivers"] == [] and small["factor_correlations"] == []
    # the planted driver leads where there is a model
    for value in (None, "Large"):
        drivers = by_value[value]["drivers"]
        assert [d["factor"] for d in drivers if d["rank"] == 1] == ["manager_influence"]
        assert by_value[value]["driver_model"]["reason"] is None


def test_no_model_is_fitted_or_shown_for_a_hidden_segment(tmp_path):
    path = write_survey(
        tmp_path / "s.csv", {"A": (150, 150), "B": (150, 150), "C": (3, 90), "D": (4, 90)}
    )
    survey = load_survey(path, load_codebook(), ["department"])
    comparison = compare_groups(survey)
    published = publish(survey, comparison)
    hidden = published.segments["suppressed"].to_numpy()
    assert hidden.tolist() == [False, False, False, True, True]  # C, D: 3 and 4 users
    drivers = analyse_drivers(survey, comparison, published, resamples=20)
    assert set(drivers.drivers["segment"]) == {0, 1, 2}
    assert drivers.models.loc[3:, ["n", "r2_mcfadden"]].isna().all().all()
    assert drivers.models.loc[3:, "reason"].isna().all()  # no model at all, not "too small"
    document = advise(path, segment_by=["department"]).document
    for segment in document["segments"][3:]:
        assert segment["driver_model"] is None and segment["drivers"] == []


def test_every_model_rests_on_every_respondent_of_its_segment(tmp_path):
    """17 of B's 20 users skipped a factor. On complete cases, all respondents' model minus
    A's would give B's 3 complete users (and through R², that they are users); on every
    respondent, each model's respondents are its segment's, counts published already."""
    path = write_survey(tmp_path / "s.csv", {"A": (150, 150), "B": (20, 30)}, skip={"B": 17})
    survey = load_survey(path, load_codebook(), ["department"])
    comparison = compare_groups(survey)
    published = publish(survey, comparison)
    assert not published.segments["suppressed"].any()
    assert not published.comparisons["suppressed"].any()
    cases = published.driver_cases
    assert cases["driver_reason"].tolist() == [None, None, None]
    assert cases["users"].tolist() == [170, 150, 20]
    assert cases["non_users"].tolist() == [180, 150, 30]
    document = advise(path, segment_by=["department"]).document
    models = [(s["value"], s["respondents"], s["driver_model"]) for s in document["segments"]]
    # 17 of 350 (4.9%) have a score filled in: within MAX_MISSING
    assert [(value, model["n"], model["reason"]) for value, _, model in models] == [
        (None, 350, None),
        ("A", 300, None),
        ("B", 50, "too_small"),
    ]
    assert all(model["n"] == respondents for _, respondents, model in models)


def test_the_attacker_recovers_nothing_from_the_models_and_would_from_complete_cases(
    tmp_path, monkeypatch
):
    path = write_survey(tmp_path / "s.csv", {"A": (150, 150), "B": (20, 30)}, skip={"B": 17})
    frame = pd.read_csv(path)
    frame["user"] = frame["user"] == "yes"
    document = advise(path, segment_by=["department"]).document
    assert attack(frame, document, FACTORS, 5) == []

    # the models fitted on complete cases, as before issue 24
    monkeypatch.setattr(importance, "filled_scores", lambda scores: scores)
    leaky = advise(path, segment_by=["department"]).document
    assert [s["driver_model"]["n"] for s in leaky["segments"]] == [333, 300, 33]
    assert "model's respondents: users [" in " ".join(attack(frame, leaky, FACTORS, 5))


def test_more_than_five_percent_filled_in_means_no_model(tmp_path):
    # 18 of 350 (5.1%) skipped a factor: all respondents' model is not published; A's is
    path = write_survey(tmp_path / "s.csv", {"A": (150, 150), "B": (20, 30)}, skip={"B": 18})
    document = advise(path, segment_by=["department"]).document
    overall, a, _ = document["segments"]
    assert overall["driver_model"] == {
        "n": 350,
        "r2_mcfadden": None,
        "r2_nagelkerke": None,
        "r2_o": None,
        "warnings": [],
        "reason": "missing_scores",
    }
    assert overall["drivers"] == overall["factor_correlations"] == overall["routes"] == []
    assert a["driver_model"]["reason"] is None and a["driver_model"]["n"] == 300
    for lang, expected in (
        (
            "en",
            "No driver analysis here: too many of its respondents (more than 5%) lack a score"
            " on some factor to count each at the factor's mean without distorting the model.",
        ),
        (
            "nl",
            "Hier geen driveranalyse: te veel respondenten (meer dan 5%) missen een score op"
            " een factor om die telkens op het gemiddelde van de factor te zetten zonder het"
            " model te vertekenen.",
        ),
    ):
        document = advise(path, segment_by=["department"], lang=lang).document
        text = render(document, "md", segment=0).decode("utf-8")
        assert expected in text
        assert "Priority matrix" not in text and "Prioriteitenmatrix" not in text


def test_a_hidden_comparison_means_no_driver_model(tmp_path):
    # B is shown (8 users), but only 4 of its users answered reputation: that comparison
    # is hidden, and a model would rest on those answers
    path = write_survey(tmp_path / "s.csv", {"A": (150, 150), "B": (8, 90), "C": (80, 90)})
    frame = pd.read_csv(path)
    b_users = frame.index[(frame["department"] == "B") & (frame["user"] == "yes")]
    frame.loc[b_users[:4], "reputation"] = np.nan  # 4 of 8 answer: too few to show
    frame.to_csv(path, index=False)
    survey = load_survey(path, load_codebook(), ["department"])
    comparison = compare_groups(survey)
    published = publish(survey, comparison)
    b = published.segments.index[published.segments["value"] == "B"][0]
    assert not published.segments.loc[b, "suppressed"]
    assert published.comparisons.query("segment == @b")["suppressed"].any()
    assert published.driver_cases.loc[b, "driver_reason"] == "comparison"
    drivers = analyse_drivers(survey, comparison, published, resamples=0)
    assert drivers.models.loc[b, "reason"] == "hidden"
    assert np.isnan(drivers.models.loc[b, "n"])


def importance_survey(tmp_path, effect_manager: float, effect_effort: float):
    """Users and non-users differ equally on two factors; one drives use more."""
    rng = np.random.default_rng(3)
    n = 1200
    manager, effort = rng.normal(size=n), rng.normal(size=n)
    use = rng.random(n) < special.expit(effect_manager * manager - effect_effort * effort)
    rows = pd.DataFrame({f: np.clip(3 + 0.6 * rng.normal(size=n), 1, 5) for f in FACTORS})
    rows["manager_influence"] = np.clip(3 + 0.7 * manager, 1, 5)
    rows["effort_expectancy"] = np.clip(3 + 0.7 * effort, 1, 5)  # higher is worse
    rows.insert(0, "user", np.where(use, "yes", "no"))
    rows.insert(0, "respondent", range(1, n + 1))
    path = tmp_path / f"s{effect_manager}.csv"
    rows.round(3).to_csv(path, index=False)
    return path


def plan(path) -> list[str]:
    segment = advise(path).document["segments"][0]
    return [r["intervention"] for r in segment["recommendations"]]


def test_importance_orders_the_default_action_plan_where_effect_sizes_tie(codebook):
    """Managers and expected effort lag equally (g 0.5); whichever matters more for use
    comes first, and without a driver model the plan is as before (effect, then id)."""
    knowledge = load_knowledge(codebook)

    def order(manager: float | None, effort: float | None) -> list[str]:
        facts = [
            comparison("manager_influence", manager, "act_first" if manager else None),
            comparison("effort_expectancy", effort, "act_first" if effort else None),
        ]
        (advice,) = advise_segments(knowledge, [FactSet(segment(), facts)], "en")
        return [r.intervention for r in advice.recommendations]

    managers_matter = order(60.0, 25.0)
    effort_matters = order(25.0, 60.0)
    without = order(None, None)
    assert managers_matter == [
        "executives_on_rollout_team",
        "leaders_work_out_loud",
        "bring_platform_into_workflow",
        "hands_on_onboarding",
    ]
    assert effort_matters == [
        "bring_platform_into_workflow",
        "hands_on_onboarding",
        "executives_on_rollout_team",
        "leaders_work_out_loud",
    ]
    assert without == sorted(managers_matter)  # ties on priority and g: by id

    def noisy(manager: float, effort: float, beats: tuple[bool, bool]) -> list[str]:
        facts = [
            comparison("manager_influence", manager, "watch", beats[0]),
            comparison("effort_expectancy", effort, "watch", beats[1]),
        ]
        (advice,) = advise_segments(knowledge, [FactSet(segment(), facts)], "en")
        return [r.intervention for r in advice.recommendations]

    # an importance no more than noise's orders nothing: the factor that beats noise leads,
    # and where neither does the plan is as without a driver model
    assert noisy(60.0, 25.0, (False, True)) == effort_matters
    assert noisy(60.0, 25.0, (False, False)) == without


def comparison(
    factor: str, importance: float | None, quadrant: str | None, beats_noise: bool = True
) -> dict:
    worse = factor == "effort_expectancy"
    return {
        "factor": factor,
        "label": factor,
        "direction": "higher_is_worse" if worse else "higher_is_better",
        "users_n": 100,
        "users_mean": 3.0 if worse else 3.6,
        "users_sd": 0.8,
        "non_users_n": 100,
        "non_users_mean": 3.4 if worse else 3.2,
        "non_users_sd": 0.8,
        "mean": 3.3,
        "gap": 0.4,
        "t": 3.5,
        "df": 198.0,
        "p": 0.001,
        "p_holm": 0.002,
        "significant": True,
        "hedges_g": 0.5,
        "hedges_g_ci_low": 0.2,
        "hedges_g_ci_high": 0.8,
        "effect_size": "medium",
        "rank": 1,
        "importance": importance,
        "importance_rank": None if importance is None else 1 if importance > 50 else 2,
        "importance_beats_noise": None if importance is None else beats_noise,
        "quadrant": quadrant,
    }


def segment() -> dict:
    return {
        "overall": True,
        "column": "",
        "value": "",
        "respondents": 200,
        "users": 100,
        "non_users": 100,
        "adoption_rate": 0.5,
    }


def test_the_action_plan_follows_importance_within_a_priority(tmp_path):
    # medium-priority actions: managers_less_visible (leaders_work_out_loud, …) and
    # effort_expected (bring_platform_into_workflow)
    managers_lead = plan(importance_survey(tmp_path, 1.6, 0.7))
    effort_leads = plan(importance_survey(tmp_path, 0.7, 1.6))
    manager_action, effort_action = "executives_on_rollout_team", "bring_platform_into_workflow"
    assert managers_lead.index(manager_action) < managers_lead.index(effort_action)
    assert effort_leads.index(effort_action) < effort_leads.index(manager_action)


# -- the report -----------------------------------------------------------------------------


def test_the_sample_report_shows_the_matrix_and_the_plan_follows_it(sample_document):
    html = render(sample_document, "html").decode("utf-8")
    section = html.split('<section id="drivers">')[1].split("</section>")[0]
    assert '<h2 id="drivers-title">What matters most for use</h2>' in section
    # the text alternative: which factors fall in which quadrant, most important first
    title = re.search(r"<title>(.*?)</title>", section).group(1).replace("&#39;", "'")
    drivers = sorted(sample_document["segments"][0]["drivers"], key=lambda d: -d["weight"])
    names = {f["id"]: f["label"] for f in sample_document["factors"]}
    expected_alt = ["Priority matrix: importance for use against the gap."]
    for key, label in (
        ("act_first", "Act first"),
        ("keep", "Keep"),
        ("watch", "Watch"),
        ("low_priority", "Low priority"),
    ):
        inside = [names[d["factor"]] for d in drivers if d["quadrant"] == key]
        if inside:
            expected_alt.append(f"{label}: {', '.join(inside)}.")
    assert title == " ".join(expected_alt)
    assert section.count('<svg role="img"') == 1
    for label in ("act first", "keep", "watch", "low priority"):
        assert f">{label}<" in section  # each quadrant named in its corner
    rows = re.findall(r'<tr class="quadrant-(\w+)"><td>([^<]+)</td><td class="num">(\d+)', section)
    overall = sample_document["segments"][0]
    weights = {d["factor"]: d["weight"] for d in overall["drivers"]}
    labels = {f["label"]: f["id"] for f in sample_document["factors"]}
    expected = sorted(weights, key=lambda f: -weights[f])
    assert [labels[label] for _, label, _ in rows] == expected  # most important first
    share = {f: 100 * w / sum(weights.values()) for f, w in weights.items()}
    assert [int(i) for _, _, i in rows] == [round(share[f]) for f in expected]
    quadrants = {d["factor"]: d["quadrant"] for d in overall["drivers"]}
    assert [q for q, _, _ in rows] == [quadrants[f] for f in expected]
    # the action plan follows the matrix: its first actions are for act-first factors
    first = overall["recommendations"][0]
    assert {quadrants[f] for f in first["factors"]} == {"act_first"}
    assert (
        "These are associations in this survey, not proof of cause" in section
    )  # association, not proof


def test_the_markdown_report_has_the_matrix_as_a_table_in_dutch():
    document = advise(SAMPLE, segment_by=["organisation"], lang="nl").document
    text = render(document, "md").decode("utf-8")
    part = text.split("## Wat het gebruik het meest bepaalt")[1].split("## Actieplan")[0]
    assert "| Factor | Belang | Verschil | Oddsratio (95%-BI) | Meer dan ruis | Kwadrant |" in part
    drivers = document["segments"][0]["drivers"]
    assert part.count("| eerst aanpakken |") == sum(d["quadrant"] == "act_first" for d in drivers)
    assert part.count(" | ja | ") == sum(d["beats_noise"] is True for d in drivers)
    assert part.count(" | nee | ") == sum(d["beats_noise"] is False for d in drivers)
    model = document["segments"][0]["driver_model"]
    r2o = f"{model['r2_o']:.2f}".replace(".", ",")
    assert (
        f"volgens Nagelkerke {model['r2_nagelkerke']:.2f}, R²_O {r2o} (".replace("0.", "0,") in part
    )
    assert (
        "Belangrijk betekent: minstens een gelijk aandeel in het belang én meer dan ruis." in part
    )
    assert "geen bewijs van oorzaak en gevolg" in part


def test_a_factor_no_more_than_noise_is_never_important_in_the_report(sample_document):
    """The sample's Gemeente Rivierstad: a factor with more than an even share of
    importance that does not beat the added random variable is not among the levers; the
    matrix draws it as an open dot and the table says 'no'."""
    segment = next(s for s in sample_document["segments"] if s["value"] == "Gemeente Rivierstad")
    index = sample_document["segments"].index(segment)
    drivers = segment["drivers"]
    share = {d["factor"]: d["weight"] / sum(x["weight"] for x in drivers) for d in drivers}
    above = [d for d in drivers if share[d["factor"]] >= 1 / len(drivers)]
    noisy = [d for d in above if d["beats_noise"] is False]
    assert noisy, "the sample no longer has the case this test is about"
    for d in noisy:
        assert d["weight_ci_low"] > 0  # its weight's interval lies above 0 all the same
        assert d["quadrant"] in ("watch", "low_priority")
    for d in drivers:
        assert (d["quadrant"] in ("act_first", "keep")) == (
            share[d["factor"]] >= 1 / len(drivers) and d["beats_noise"] is True
        )
    html = render(sample_document, "html", segment=index).decode("utf-8")
    section = html.split('<section id="drivers">')[1].split("</section>")[0]
    assert section.count('fill="#ffffff" stroke=') == sum(
        d["beats_noise"] is False for d in drivers
    )
    assert "<td>no</td><td>" in section and "<td>yes</td><td>" in section
    assert "An open dot: the factor does not contribute more than noise" in section


def test_a_segment_report_too_small_for_a_driver_analysis_says_so(tmp_path):
    path = write_survey(tmp_path / "s.csv", {"Large": (160, 160), "Small": (30, 40)})
    document = advise(path, segment_by=["department"]).document
    small = next(i for i, s in enumerate(document["segments"]) if s["value"] == "Small")
    for fmt in ("md", "html"):
        text = render(document, fmt, segment=small).decode("utf-8")
        assert (
            "Too small for a driver analysis: it needs at least 70 users and 70 non-users"
            " (10 per factor)." in text
        )
        assert "Priority matrix" not in text


# -- the rule language ---------------------------------------------------------------------

RULE = """\
rules:
- id: lever
  when:
    - factor: manager_influence
      if: [{condition}]
  recommend: leaders_work_out_loud
  priority: high
  because: {{nl: Omdat., en: Because.}}
"""


def rule_errors(tmp_path, codebook, condition: str) -> list[str]:
    path = tmp_path / "advice.yaml"
    path.write_text(RULE.format(condition=condition), encoding="utf-8")
    try:
        load_knowledge(codebook, path)
    except AdvisorError as error:
        return [str(e) for e in getattr(error, "errors", ())] or [str(error)]
    return []


def test_rules_test_the_driver_facts_and_rules_check_knows_them(tmp_path, codebook):
    assert rule_errors(tmp_path, codebook, "quadrant == act_first, importance_rank <= 2") == []
    assert rule_errors(tmp_path, codebook, "importance >= 20") == []
    (error,) = rule_errors(tmp_path, codebook, "quadrant == act_frist")
    assert error.endswith(
        "'quadrant' is one of act_first, keep, watch, low_priority, not 'act_frist'"
        " (did you mean 'act_first'?)"
    )
    (error,) = rule_errors(tmp_path, codebook, "importance > 100")
    assert "this rule can never fire" in error
    assert rule_errors(tmp_path, codebook, "importance_beats_noise, importance >= 20") == []
    assert rule_errors(tmp_path, codebook, "not importance_beats_noise") == []


def test_a_rule_on_beats_noise_fires_where_the_factor_beats_noise(tmp_path):
    """The sample: colleague influence beats noise for all respondents and in Zorggroep
    Oost, not in Gemeente Rivierstad or TechnoBouw (whatever its share)."""
    path = tmp_path / "advice.yaml"
    rule = RULE.format(condition="importance_beats_noise").replace(
        "manager_influence", "colleague_influence"
    )
    path.write_text(rule, encoding="utf-8")
    document = advise(SAMPLE, segment_by=["organisation"], rules=path).document
    fired = {s["value"]: bool(s["recommendations"]) for s in document["segments"]}
    beats = {
        s["value"]: next(
            d["beats_noise"] for d in s["drivers"] if d["factor"] == "colleague_influence"
        )
        for s in document["segments"]
    }
    assert fired == beats
    assert {v for v, b in beats.items() if b} == {None, "Zorggroep Oost"}
    matched = document["segments"][0]["recommendations"][0]["explanation"][0]["matched"]
    assert matched["colleague_influence"]["importance_beats_noise"] is True  # tested, so shown


def test_a_rule_on_the_quadrant_fires_on_the_sample(tmp_path):
    path = tmp_path / "advice.yaml"
    path.write_text(RULE.format(condition="quadrant == act_first"), encoding="utf-8")
    document = advise(SAMPLE, segment_by=["organisation"], rules=path).document
    fired = {
        s["value"]: [r["intervention"] for r in s["recommendations"]] for s in document["segments"]
    }
    quadrants = {
        s["value"]: next(d["quadrant"] for d in s["drivers"] if d["factor"] == "manager_influence")
        for s in document["segments"]
    }
    assert fired == {
        v: ["leaders_work_out_loud"] if q == "act_first" else [] for v, q in quadrants.items()
    }
    matched = document["segments"][0]["recommendations"][0]["explanation"][0]["matched"]
    assert matched["manager_influence"]["quadrant"] == "act_first"  # tested, so shown
