"""Issue 31, part R: the evidence ledger's intervention facts, the ``intervention:``
pattern (``as``, ``addresses``, ``if``), ``recommend`` by a pattern's name, and the
default rules that use them."""

from __future__ import annotations

import pytest

from builders import comparison, segment
from conftest import DATA
from ism_advisor.advice.decide import advise_segments
from ism_advisor.advice.engine import FactSet, run_rules
from ism_advisor.advice.facts import intervention_facts
from ism_advisor.advice.knowledge import load_knowledge
from ism_advisor.advice.whynot import why
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
