"""Issue 31, part R: the evidence ledger's intervention facts, the ``intervention:``
pattern (``as``, ``addresses``, ``if``), ``recommend`` by a pattern's name, and the
default rules that use them."""

from __future__ import annotations

import json

import jsonschema
import pytest

from builders import comparison, segment
from conftest import DATA, SAMPLE_SCORES
from ism_advisor import compare_groups, load_survey, publish
from ism_advisor.advice.decide import advise_segments
from ism_advisor.advice.engine import FactSet, run_rules
from ism_advisor.advice.facts import intervention_facts, segment_facts
from ism_advisor.advice.knowledge import check_knowledge, load_knowledge
from ism_advisor.advice.knowledge.schema import json_schema
from ism_advisor.advice.ruletests import load_cases, neutral_facts, run_cases
from ism_advisor.advice.whynot import why, why_not_all
from ism_advisor.core.errors import AdvisorError

CATALOGUE = DATA / "rules" / "interventions.yaml"

RULES = """
rules:
  - id: worked_elsewhere
    when:
      - factor: any
        if: [gap > 0]
      - intervention: any
        as: alternative
        addresses: factor
        if: [evidence_clients >= 3, evidence_ci_low > 0]
    recommend: alternative
    priority: 1.5
    because:
      nl: "{{ alternative.title }}: {{ alternative.evidence_change }} bij {{ factor.label }}"
      en: "{{ alternative.title }}: {{ alternative.evidence_change }} on {{ factor.label }}"
  - id: plain_medium
    when:
      - factor: colleague_influence
        if: [gap > 0]
    recommend: act_b
    priority: medium
    because: {nl: "b", en: "b"}
  - id: plain_high
    when:
      - factor: effort_expectancy
        if: [gap > 0]
    recommend: act_c
    priority: high
    because: {nl: "c", en: "c"}
"""


def offer(intervention, factor, clients=6, change=0.31, low=0.12, high=0.5, i2=12.5):
    """An intervention fact as :func:`intervention_facts` builds it."""
    shown = clients >= 3
    return {
        "intervention": intervention,
        "title": intervention.replace("_", " ").title(),
        "factor": factor,
        "label": factor.replace("_", " "),
        "evidence_clients": clients,
        "evidence_change": change if shown else None,
        "evidence_ci_low": low if shown else None,
        "evidence_ci_high": high if shown else None,
        "evidence_i2": i2 if shown else None,
    }


@pytest.fixture
def knowledge(tmp_path, codebook):
    path = tmp_path / "advice.yaml"
    path.write_text(RULES, encoding="utf-8")
    return load_knowledge(codebook, path, CATALOGUE)


def advise(knowledge, comparisons, offers, lang="en", done=frozenset()):
    (advice,) = advise_segments(
        knowledge, [FactSet(segment(), comparisons, offers)], lang, done=done
    )
    return advice


def test_the_join_matches_only_the_factor_the_factor_pattern_matched(knowledge):
    # act_a addresses manager_influence, whose gap is 0: no lever there; the evidence
    # about act_a on another factor (a fact of another factor) must never match
    comparisons = [
        comparison("manager_influence", gap=-0.1),
        comparison("colleague_influence", gap=0.3),
    ]
    offers = [offer("act_a", "manager_influence")]
    (firings,) = run_rules(knowledge.rulebase, [FactSet(segment(), comparisons, offers)])
    assert [f.rule for f in firings] == ["plain_medium"]
    offers = [offer("act_a", "manager_influence")]
    comparisons[0] = comparison("manager_influence", gap=0.2)
    (firings,) = run_rules(knowledge.rulebase, [FactSet(segment(), comparisons, offers)])
    fired = [(f.rule, f.matched.get("alternative")) for f in firings]
    assert [rule for rule, _ in fired] == ["worked_elsewhere", "plain_medium"]
    matched = fired[0][1]
    assert (matched.kind, matched.id) == ("intervention", "intervention:act_a:manager_influence")
    assert firings[0].matched["factor"].figures["factor"] == "manager_influence"


def test_recommend_by_name_recommends_the_matched_intervention(knowledge):
    comparisons = [comparison("manager_influence", gap=0.2)]
    advice = advise(knowledge, comparisons, [offer("act_a", "manager_influence")])
    (recommendation,) = advice.recommendations
    assert recommendation.intervention == "act_a"
    assert recommendation.priority == 1.5
    assert recommendation.factors == ("manager_influence",)
    (reason,) = recommendation.reasons
    assert reason.rule == "worked_elsewhere"
    assert reason.because == "Act A: +0.31 on manager influence"
    assert reason.matched["alternative"] == {
        "intervention": "act_a",
        "title": "Act A",
        "factor": "manager_influence",
        "evidence_clients": 6,
        "evidence_change": 0.31,
        "evidence_ci_low": 0.12,
        "evidence_ci_high": 0.5,
    }
    dutch = advise(knowledge, comparisons, [offer("act_a", "manager_influence")], lang="nl")
    assert dutch.recommendations[0].reasons[0].because == "Act A: +0,31 bij manager influence"


def test_an_evidence_backed_medium_action_ranks_after_the_high_before_the_medium(knowledge):
    comparisons = [
        comparison("manager_influence", gap=0.2, hedges_g=0.1),
        comparison("colleague_influence", gap=0.3, hedges_g=0.9),
        comparison("effort_expectancy", gap=0.3, hedges_g=0.2),
    ]
    advice = advise(knowledge, comparisons, [offer("act_a", "manager_influence")])
    assert [(r.intervention, r.priority) for r in advice.recommendations] == [
        ("act_c", 1.0),
        ("act_a", 1.5),
        ("act_b", 2.0),
    ]
    # without the evidence, act_a is not advised at all
    advice = advise(knowledge, comparisons, [])
    assert [r.intervention for r in advice.recommendations] == ["act_c", "act_b"]


@pytest.mark.parametrize(
    "evidence",
    [
        offer("act_a", "manager_influence", clients=2),  # below 3: not shown
        offer("act_a", "manager_influence", low=0.0),  # the interval touches 0
        offer("act_a", "manager_influence", low=-0.05),
    ],
)
def test_evidence_that_is_not_shown_or_not_above_0_recommends_nothing(knowledge, evidence):
    advice = advise(knowledge, [comparison("manager_influence", gap=0.2)], [evidence])
    assert advice.recommendations == ()


def test_an_intervention_carried_out_is_not_advised_again(knowledge):
    comparisons = [comparison("manager_influence", gap=0.2)]
    offers = [offer("act_a", "manager_influence")]
    assert advise(knowledge, comparisons, offers, done=frozenset({"act_a"})).recommendations == ()


def test_after_a_failed_action_the_alternative_that_worked_elsewhere(codebook):
    """The packaged rules: acted_on + outcome no_change or worse, and another intervention
    for the factor that worked at 3 or more other clients → that one, at high priority; the
    failed one is not advised again."""
    knowledge = load_knowledge(codebook)
    for outcome in ("no_change", "worse"):
        facts = neutral_facts(
            codebook,
            factors={
                "manager_influence": {
                    "acted_on": True,
                    "outcome": outcome,
                    "done_actions": "Executives on the rollout team",
                    "non_users_change": -0.1,
                    "gap_change": 0.1,
                    "gap_change_p": 0.5,
                }
            },
        )
        offers = intervention_facts(ledger())
        done = frozenset({"executives_on_rollout_team"})
        (advice,) = advise_segments(
            knowledge,
            [FactSet(facts.segment, facts.comparisons, offers)],
            "en",
            done=done,
        )
        advised = {r.intervention: r for r in advice.recommendations}
        assert "executives_on_rollout_team" not in advised
        alternative = advised["leaders_work_out_loud"]
        assert alternative.priority == 1.0
        (reason,) = [r for r in alternative.reasons if r.rule == "alternative_after_failed_action"]
        assert reason.because == (
            "After “Executives on the rollout team”, Manager influence did not change for the"
            " better here; at 6 other clients, non-users' scores on it changed by +0.31 points"
            " after “Leaders work out loud” [0.12; 0.50] (before and after, not proof:"
            " clients chose what to do)."
        )
        # without the evidence: no such alternative
        (advice,) = advise_segments(knowledge, [facts], "en", done=done)
        assert "leaders_work_out_loud" not in {r.intervention for r in advice.recommendations}


def pooled(k, estimate=None, low=None, high=None, i2=None):
    """A POOLED entry of the ledger (C2)."""
    shown = k >= 3
    return {
        "k": k,
        "shown": shown,
        "estimate": estimate if shown else None,
        "se": 0.07 if shown else None,
        "ci_low": low if shown else None,
        "ci_high": high if shown else None,
        "tau2": 0.004 if shown else None,
        "q": 5.12 if shown else None,
        "i2": i2 if shown else None,
        "studies": [],
    }


def ledger():
    """A hand-built ledger document (C2): one intervention shown, one below 3 clients,
    one never carried out."""

    def entry(intervention, title, clients, factors):
        return {
            "intervention": intervention,
            "title": title,
            "clients": clients,
            "adoption_change": pooled(clients),
            "adoption_comparison": pooled(0),
            "factors": [
                {
                    "factor": factor,
                    "label": label,
                    "direction": "higher_is_better",
                    "non_users_change": change,
                    "gap_change": pooled(clients),
                    "comparison": pooled(0),
                    "difference": {"estimate": None, "ci_low": None, "ci_high": None},
                    "subgroups": [],
                }
                for factor, label, change in factors
            ],
        }

    return {
        "clients": 9,
        "periods": 12,
        "min_clients": 3,
        "codebook_version": "6f78349a03fbe58e",
        "until": None,
        "by": None,
        "caveat": "Before and after, not proof: clients chose what to do.",
        "interventions": [
            entry(
                "leaders_work_out_loud",
                "Leaders work out loud",
                6,
                [("manager_influence", "Manager influence", pooled(6, 0.312, 0.12, 0.5, 23.4))],
            ),
            entry(
                "executives_on_rollout_team",
                "Executives on the rollout team",
                2,
                [("manager_influence", "Manager influence", pooled(2))],
            ),
            entry(
                "visible_relaunch",
                "A visible relaunch",
                0,
                [
                    ("colleague_influence", "Colleague influence", pooled(0)),
                    ("manager_influence", "Manager influence", pooled(0)),
                ],
            ),
        ],
        "check": {"negative": [], "never": ["visible_relaunch"]},
    }


def test_the_facts_of_a_ledger_document():
    assert intervention_facts(ledger()) == (
        {
            "intervention": "leaders_work_out_loud",
            "title": "Leaders work out loud",
            "factor": "manager_influence",
            "label": "Manager influence",
            "evidence_clients": 6,
            "evidence_change": 0.312,
            "evidence_ci_low": 0.12,
            "evidence_ci_high": 0.5,
            "evidence_i2": 23.4,
        },
        {
            "intervention": "executives_on_rollout_team",
            "title": "Executives on the rollout team",
            "factor": "manager_influence",
            "label": "Manager influence",
            "evidence_clients": 2,
            "evidence_change": None,
            "evidence_ci_low": None,
            "evidence_ci_high": None,
            "evidence_i2": None,
        },
        *(
            {
                "intervention": "visible_relaunch",
                "title": "A visible relaunch",
                "factor": factor,
                "label": label,
                "evidence_clients": 0,
                "evidence_change": None,
                "evidence_ci_low": None,
                "evidence_ci_high": None,
                "evidence_i2": None,
            }
            for factor, label in (
                ("colleague_influence", "Colleague influence"),
                ("manager_influence", "Manager influence"),
            )
        ),
    )


def test_every_shown_segment_gets_the_ledgers_facts_and_nothing_else_changes(codebook):
    survey = load_survey(SAMPLE_SCORES, codebook, ["organisation"])
    published = publish(survey, compare_groups(survey))
    without = segment_facts(published, "en")
    with_ = segment_facts(published, "en", evidence=ledger())
    expected = intervention_facts(ledger())
    assert len(without) == len(with_) > 1
    for plain, evidenced in zip(without, with_, strict=True):
        assert (plain is None) == (evidenced is None)
        if plain is None:
            continue
        assert plain.interventions == ()
        assert evidenced.interventions == expected
        # (repr: a figure not computed is NaN, which equals nothing)
        assert repr((evidenced.segment, evidenced.comparisons)) == repr(
            (plain.segment, plain.comparisons)
        )


def test_without_evidence_the_packaged_rules_decide_and_explain_as_before(codebook):
    """No intervention facts: no firing of the evidence rules, and the why-not leaves
    them out (they are not in play); a ledger with nothing shown changes no decision."""
    knowledge = load_knowledge(codebook)
    survey = load_survey(SAMPLE_SCORES, codebook, ["organisation"])
    facts = [f for f in segment_facts(publish(survey, compare_groups(survey)), "en") if f]
    nothing = {**ledger(), "interventions": ledger()["interventions"][1:]}
    empty = [FactSet(f.segment, f.comparisons, intervention_facts(nothing)) for f in facts]
    plain = advise_segments(knowledge, facts, "en")
    assert advise_segments(knowledge, empty, "en") == plain
    evidence_rules = {"worked_elsewhere_first", "alternative_after_failed_action"}
    for fact_set, firings in zip(facts, run_rules(knowledge.rulebase, facts), strict=True):
        assert evidence_rules.isdisjoint(f.rule for f in firings)
        for verdicts in why_not_all(knowledge, fact_set, firings, []).values():
            assert evidence_rules.isdisjoint(v.rule.id for v in verdicts)


def test_why_not_says_no_intervention_fact_met_the_pattern(knowledge):
    comparisons = [comparison("manager_influence", gap=0.2)]
    offers = [offer("act_a", "manager_influence", clients=2)]
    facts = FactSet(segment(), comparisons, offers)
    (firings,) = run_rules(knowledge.rulebase, [facts])
    (verdict,) = why(knowledge, facts, firings, "act_a")
    assert (verdict.rule.id, verdict.fired) == ("worked_elsewhere", False)
    assert [str(m) for m in verdict.reasons] == [
        "needs an intervention fact that meets the pattern, and none does: needs"
        " evidence_clients of act_a / manager_influence at least 3; it is 2"
    ]
    facts = FactSet(segment(), comparisons, [offer("act_b", "colleague_influence")])
    (firings,) = run_rules(knowledge.rulebase, [facts])
    (verdict,) = why(knowledge, facts, firings, "act_a")
    assert [str(m) for m in verdict.reasons] == [
        "needs an intervention fact of act_a about a factor it looks at; the evidence ledger"
        " has none, so no intervention fact met the pattern"
    ]
    # fired: the chain names the intervention and its ledger figures
    facts = FactSet(segment(), comparisons, [offer("act_a", "manager_influence")])
    (firings,) = run_rules(knowledge.rulebase, [facts])
    (verdict,) = why(knowledge, facts, firings, "act_a", recommended=["act_a"])
    assert verdict.fired
    assert str(verdict.reasons[0]).startswith("applies on manager_influence (")
    assert str(verdict.reasons[0]).endswith(
        "; act_a / manager_influence (evidence_clients 6, evidence_change 0.31,"
        " evidence_ci_low 0.12, evidence_ci_high 0.5)"
    )


BAD = """
rules:
  - id: bad
    when:
      - factor: any
        as: lever
{pattern}
    recommend: {recommend}
    priority: high
    because: {{nl: x, en: x}}
"""


@pytest.mark.parametrize(
    ("pattern", "recommend", "message"),
    [
        (
            "      - intervention: act_aa\n        as: alt",
            "alt",
            "@:7:23: unknown intervention 'act_aa' (did you mean 'act_a'?)",
        ),
        (
            "      - intervention: any\n        as: alt\n        addresses: levr",
            "alt",
            "@:7:9: 'addresses: levr' must name a factor pattern of the same rule (a 'factor:'"
            " pattern, by its 'as' name) (did you mean 'lever'?)",
        ),
        (
            "      - intervention: any\n        as: alt\n        addresses: [lever]",
            "alt",
            "@:9:20: 'addresses' must name a factor pattern of the rule (its 'as' name), found a"
            " list",
        ),
        (
            "      - intervention: any\n        if: evidence_chnage > 0",
            "act_a",
            "@:8:13: unknown figure 'evidence_chnage' (did you mean 'evidence_change'?)",
        ),
        (
            "      - any:\n          - intervention: act_a\n            as: alt\n"
            "          - segment: overall",
            "alt",
            "@:11:16: 'recommend: alt' names an intervention pattern that not every way of"
            " meeting this rule matches (it is under any: or not:)",
        ),
        (
            "      - intervention: any\n        as: alt",
            "alts",
            "@:9:16: unknown intervention 'alts' (did you mean 'alt'?)",
        ),
        (
            "      - intervention: any\n        if: [evidence_clients >= 3, evidence_clients < 3]",
            "act_a",
            "@:7:9: this rule can never fire: its conditions contradict each other or the"
            " possible range of a figure",
        ),
    ],
)
def test_every_error_of_the_intervention_pattern(tmp_path, codebook, pattern, recommend, message):
    path = tmp_path / "advice.yaml"
    path.write_text(BAD.format(pattern=pattern, recommend=recommend), encoding="utf-8")
    _, problems = check_knowledge(codebook, path, CATALOGUE)
    assert [str(p).replace(str(path), "@") for p in problems] == [message]


def test_the_rule_files_schema_knows_the_intervention_pattern():
    schema = json_schema("rules")
    validator = jsonschema.Draft202012Validator(schema)
    rule = {
        "id": "r",
        "when": [
            {"factor": "any", "as": "lever"},
            {"intervention": "any", "as": "alt", "addresses": "lever", "if": "evidence_ci_low > 0"},
        ],
        "recommend": "alt",
        "priority": 1.5,
        "because": {"nl": "x", "en": "x"},
    }
    assert list(validator.iter_errors({"rules": [rule]})) == []
    rule["when"][1]["adresses"] = "lever"
    assert list(validator.iter_errors({"rules": [rule]})) != []
    condition = json.dumps(schema["$defs"]["condition"])
    assert "Of an intervention (--evidence): intervention, title, factor, label," in condition


CASES = """
cases:
- name: evidence given wrongly
  evidence:
    leaders_work_out_lout:
      manager_influence: {evidence_clients: 6}
    champions_network:
      manager_influence: {evidence_clients: 6}
    start_in_team_groups:
      colleague_influence: {evidence_chnage: 0.3, evidence_clients: -1, title: x}
    appoint_community_manager: 3
  recommended: []
- name: evidence not a mapping
  evidence: [leaders_work_out_loud]
  recommended: []
"""


def test_every_error_of_a_rule_test_cases_evidence(tmp_path, codebook):
    path = tmp_path / "cases.yaml"
    path.write_text(CASES, encoding="utf-8")
    with pytest.raises(AdvisorError) as caught:
        load_cases([path], load_knowledge(codebook))
    assert [str(p).replace(str(path), "@") for p in caught.value.problems] == [
        "@:5:5: unknown intervention 'leaders_work_out_lout' (did you mean"
        " 'leaders_work_out_loud'?)",
        "@:8:7: 'champions_network' does not address the factor 'manager_influence' (it"
        " addresses: colleague_influence)",
        "@:10:29: unknown figure 'evidence_chnage' of colleague_influence (did you mean"
        " 'evidence_change'?)",
        "@:10:69: 'evidence_clients' must lie between 0 and ∞, found -1",
        "@:10:73: unknown figure 'title' of colleague_influence",
        "@:11:32: 'appoint_community_manager' must map the factors it addresses to their"
        " figures, found the number 3",
        "@:14:13: 'evidence' must map intervention ids to the factors they address and their"
        " figures, found a list",
    ]


def test_a_rule_test_cases_evidence_becomes_the_intervention_facts(tmp_path, codebook):
    knowledge = load_knowledge(codebook)
    path = tmp_path / "cases.yaml"
    path.write_text(
        "cases:\n- name: x\n  evidence: {leaders_work_out_loud: {manager_influence:"
        " {evidence_clients: 4, evidence_change: 0.2, evidence_ci_low: 0.1,"
        " evidence_ci_high: 0.3}}}\n  recommended: []\n- name: y\n  recommended: []\n",
        encoding="utf-8",
    )
    cases = load_cases([path], knowledge)
    with_, without = run_cases(knowledge, cases)
    assert without.facts.interventions == ()
    offers = {(o["intervention"], o["factor"]): o for o in with_.facts.interventions}
    assert len(offers) == sum(len(i.factors) for i in knowledge.interventions.values())
    assert offers["leaders_work_out_loud", "manager_influence"] == {
        "intervention": "leaders_work_out_loud",
        "title": knowledge.interventions["leaders_work_out_loud"].title["en"],
        "factor": "manager_influence",
        "label": "Manager influence",
        "evidence_clients": 4,
        "evidence_change": 0.2,
        "evidence_ci_low": 0.1,
        "evidence_ci_high": 0.3,
        "evidence_i2": None,
    }
    assert offers["champions_network", "colleague_influence"]["evidence_clients"] == 0
