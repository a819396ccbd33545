"""The rule language: each feature decides exactly which recommendations fire."""

from __future__ import annotations

import textwrap

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from builders import comparison, segment
from conftest import DATA
from ism_advisor.advice.decide import advise_segments
from ism_advisor.advice.engine import FactSet
from ism_advisor.advice.knowledge import check_knowledge, load_knowledge
from ism_advisor.core.errors import AdvisorError

CATALOGUE = DATA / "rules" / "interventions.yaml"


def knowledge_from(tmp_path, codebook, text: str, name: str = "advice.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return load_knowledge(codebook, path, CATALOGUE)


def fired(knowledge, *comparisons, lang="en", **segment_fields) -> list[str]:
    """The interventions recommended, in rank order, for one segment."""
    facts = FactSet(segment(**segment_fields), list(comparisons))
    (advice,) = advise_segments(knowledge, [facts], lang)
    return [r.intervention for r in advice.recommendations]


def one_rule(condition: str) -> str:
    return f"""
    rules:
      - id: test
        when:
          - factor: manager_influence
            if: "{condition}"
        recommend: act_a
        priority: high
        because: {{nl: Omdat., en: Because.}}
    """


@pytest.mark.parametrize(
    ("condition", "fields", "fires"),
    [
        ("hedges_g < 0.5", {"hedges_g": 0.49}, True),
        ("hedges_g < 0.5", {"hedges_g": 0.5}, False),
        ("hedges_g <= 0.5", {"hedges_g": 0.5}, True),
        ("hedges_g <= 0.5", {"hedges_g": 0.51}, False),
        ("gap > 0.3", {"gap": 0.31}, True),
        ("gap > 0.3", {"gap": 0.3}, False),
        ("gap >= 0.3", {"gap": 0.3}, True),
        ("gap >= 0.3", {"gap": 0.29}, False),
        ("effect_size == large", {"effect_size": "large"}, True),
        ("effect_size == large", {"effect_size": "medium"}, False),
        ("effect_size != small", {"effect_size": "medium"}, True),
        ("effect_size != small", {"effect_size": "small"}, False),
        ("effect_size in [medium, large]", {"effect_size": "large"}, True),
        ("effect_size in [medium, large]", {"effect_size": "small"}, False),
        ("effect_size not in [medium, large]", {"effect_size": "small"}, True),
        ("effect_size not in [medium, large]", {"effect_size": "large"}, False),
        ("rank == 1", {"rank": 1}, True),
        ("rank == 1", {"rank": 2}, False),
        ("significant", {"significant": True}, True),
        ("significant", {"significant": False}, False),
        ("not significant", {"significant": False}, True),
        ("cronbach_alpha < 0.7", {"cronbach_alpha": 0.6}, True),
        ("users_mean >= 3.5", {"users_mean": 3.6}, True),
        ("non_users_n > 50", {"non_users_n": 50}, False),
        # issue 27, part S1: which test gave p
        ("test == permutation_welch", {"test": "permutation_welch"}, True),
        ("test == permutation_welch", {"test": "welch"}, False),
    ],
)
def test_each_operator(tmp_path, codebook, condition, fields, fires):
    knowledge = knowledge_from(tmp_path, codebook, one_rule(condition))
    result = fired(knowledge, comparison("manager_influence", **fields))
    assert result == (["act_a"] if fires else [])


@pytest.mark.parametrize(
    "condition", ["cronbach_alpha < 0.7", "cronbach_alpha != 0.7", "cronbach_alpha in [0.5]"]
)
def test_a_test_on_a_missing_figure_is_false_negated_or_not(tmp_path, codebook, condition):
    for text in (condition, f"{condition.split()[0]} >= 0"):
        positive = knowledge_from(tmp_path, codebook, one_rule(text))
        assert fired(positive, comparison("manager_influence", cronbach_alpha=None)) == []
    negated = knowledge_from(
        tmp_path,
        codebook,
        """
        rules:
          - id: test
            when:
              - factor: manager_influence
                if: {not: cronbach_alpha >= 0.7}
            recommend: act_a
            priority: high
            because: {nl: Omdat., en: Because.}
        """,
    )
    assert fired(negated, comparison("manager_influence", cronbach_alpha=float("nan"))) == []
    assert fired(negated, comparison("manager_influence", cronbach_alpha=0.6)) == ["act_a"]


def test_all_any_not_in_conditions(tmp_path, codebook):
    knowledge = knowledge_from(
        tmp_path,
        codebook,
        """
        rules:
          - id: test
            when:
              - factor: manager_influence
                if:
                  all:
                    - significant
                    - any: [hedges_g >= 0.8, gap >= 0.5]
                    - not: users_mean < 3
            recommend: act_a
            priority: high
            because: {nl: Omdat., en: Because.}
        """,
    )

    def run(**fields):
        return fired(knowledge, comparison("manager_influence", **fields)) == ["act_a"]

    assert run(hedges_g=0.9, gap=0.1)
    assert run(hedges_g=0.3, gap=0.6)
    assert not run(hedges_g=0.3, gap=0.2)
    assert not run(hedges_g=0.9, users_mean=2.9)
    assert not run(hedges_g=0.9, significant=False)


def test_any_and_not_over_patterns(tmp_path, codebook):
    knowledge = knowledge_from(
        tmp_path,
        codebook,
        """
        rules:
          - id: either
            when:
              - any:
                  - factor: manager_influence
                    if: hedges_g >= 0.5
                  - factor: colleague_influence
                    if: hedges_g >= 0.5
            recommend: act_a
            priority: high
            because: {nl: Omdat., en: Because.}
          - id: no_privacy_gap
            when:
              - factor: effort_expectancy
              - not:
                  factor: privacy_concern
                  if: significant
            recommend: act_c
            priority: medium
            because: {nl: Omdat., en: Because.}
        """,
    )
    strong, weak = {"hedges_g": 0.6}, {"hedges_g": 0.2}
    assert fired(
        knowledge,
        comparison("manager_influence", **weak),
        comparison("colleague_influence", **strong),
    ) == ["act_a"]
    assert (
        fired(
            knowledge,
            comparison("manager_influence", **weak),
            comparison("colleague_influence", **weak),
        )
        == []
    )
    # both branches match: one recommendation, with the rule once
    facts = FactSet(
        segment(),
        [comparison("manager_influence", **strong), comparison("colleague_influence", **strong)],
    )
    (advice,) = advise_segments(knowledge, [facts], "en")
    assert [(r.intervention, r.rules) for r in advice.recommendations] == [("act_a", ("either",))]
    effort = comparison("effort_expectancy")
    assert fired(knowledge, effort, comparison("privacy_concern", significant=False)) == ["act_c"]
    assert fired(knowledge, effort, comparison("privacy_concern", significant=True)) == []
    assert fired(knowledge, effort) == ["act_c"]  # no privacy figures: nothing significant


def test_several_factors_in_one_rule(tmp_path, codebook):
    knowledge = knowledge_from(
        tmp_path,
        codebook,
        """
        rules:
          - id: both
            when:
              - factor: effort_expectancy
                if: hedges_g >= 0.3
              - factor: performance_expectancy
                if: hedges_g >= 0.3
            recommend: act_e
            priority: high
            because:
              en: "Effort {{ effort_expectancy.hedges_g }}, benefit {{ performance_expectancy.hedges_g }}."
              nl: "Moeite {{ effort_expectancy.hedges_g }}, nut {{ performance_expectancy.hedges_g }}."
        """,
    )
    effort = comparison("effort_expectancy", hedges_g=0.45)
    assert fired(knowledge, effort, comparison("performance_expectancy", hedges_g=0.31)) == [
        "act_e"
    ]
    assert fired(knowledge, effort, comparison("performance_expectancy", hedges_g=0.29)) == []
    assert fired(knowledge, effort) == []
    facts = FactSet(segment(), [effort, comparison("performance_expectancy", hedges_g=0.3)])
    (advice,) = advise_segments(knowledge, [facts], "nl")
    assert advice.recommendations[0].because == ("Moeite 0,45, nut 0,30.",)
    assert advice.recommendations[0].factors == ("performance_expectancy", "effort_expectancy")


CHAINING = """
conclusions:
  - id: social_proof_missing
    label: {nl: Sociaal bewijs ontbreekt, en: Social proof is missing}
rules:
  - id: derive
    when:
      - factor: colleague_influence
        if: significant
      - factor: manager_influence
        if: significant
    conclude: social_proof_missing
    priority: high
    because: {nl: Beide., en: Both.}
  - id: use_once
    when:
      - conclusion: social_proof_missing
    recommend: act_b
    priority: high
    because: {nl: "{{ social_proof_missing.label }}.", en: "{{ social_proof_missing.label }}."}
  - id: use_twice
    when:
      - conclusion: social_proof_missing
      - segment: adoption_rate < 0.5
    recommend: act_a
    priority: medium
    because: {nl: Weinig gebruik., en: Little use.}
  - id: without_it
    when:
      - factor: colleague_influence
      - not:
          conclusion: social_proof_missing
    recommend: act_e
    priority: low
    because: {nl: Alleen collega's., en: Colleagues only.}
"""


def test_conclusions_chain_into_other_rules(tmp_path, codebook):
    knowledge = knowledge_from(tmp_path, codebook, CHAINING)
    colleagues = comparison("colleague_influence", hedges_g=0.7)
    managers = comparison("manager_influence", hedges_g=0.6)
    facts = FactSet(segment(adoption_rate=0.3), [colleagues, managers])
    (advice,) = advise_segments(knowledge, [facts], "en")
    assert [r.intervention for r in advice.recommendations] == ["act_b", "act_a"]
    assert [(c.conclusion, c.reason.rule) for c in advice.conclusions] == [
        ("social_proof_missing", "derive")
    ]
    assert advice.recommendations[0].because == ("Social proof is missing.",)
    # the figures behind the conclusion count as the recommendation's effect
    assert advice.recommendations[0].effect == 0.7
    assert fired(knowledge, colleagues, managers, adoption_rate=0.6) == ["act_b"]
    # without the conclusion, the negated rule fires instead
    assert fired(knowledge, colleagues, comparison("manager_influence", significant=False)) == [
        "act_e"
    ]


def test_absolute_level_without_a_gap(tmp_path, codebook):
    knowledge = knowledge_from(
        tmp_path,
        codebook,
        """
        rules:
          - id: worried_everywhere
            when:
              - factor: privacy_concern
                if: [users_mean >= 3.5, non_users_mean >= 3.5, not significant]
            recommend: act_d
            priority: medium
            because: {nl: Iedereen., en: "Everyone: {{ users_mean }} and {{ non_users_mean }}."}
        """,
    )
    high = comparison(
        "privacy_concern",
        users_mean=3.8,
        non_users_mean=3.7,
        gap=-0.1,
        hedges_g=-0.1,
        significant=False,
    )
    facts = FactSet(segment(), [high])
    (advice,) = advise_segments(knowledge, [facts], "en")
    assert advice.recommendations[0].because == ("Everyone: 3.80 and 3.70.",)
    assert (
        fired(
            knowledge,
            comparison("privacy_concern", users_mean=3.8, non_users_mean=3.2, significant=False),
        )
        == []
    )


def test_priority_then_effect_size_then_cap(tmp_path, codebook):
    knowledge = knowledge_from(
        tmp_path,
        codebook,
        """
        settings:
          max_actions: 3
        rules:
          - {id: r_a, when: [{factor: manager_influence}], recommend: act_a, priority: low,
             because: {nl: a, en: a}}
          - {id: r_b, when: [{factor: colleague_influence}], recommend: act_b, priority: medium,
             because: {nl: b, en: b}}
          - {id: r_c, when: [{factor: effort_expectancy}], recommend: act_c, priority: medium,
             because: {nl: c, en: c}}
          - {id: r_d, when: [{factor: privacy_concern}], recommend: act_d, priority: 1.5,
             because: {nl: d, en: d}}
          - {id: r_e, when: [{factor: performance_expectancy}], recommend: act_e, priority: high,
             because: {nl: e, en: e}}
        """,
    )
    facts = [
        comparison("manager_influence", hedges_g=0.9),
        comparison("colleague_influence", hedges_g=0.3),
        comparison("effort_expectancy", hedges_g=0.6),
        comparison("privacy_concern", hedges_g=0.1),
        comparison("performance_expectancy", hedges_g=0.2),
    ]
    (advice,) = advise_segments(knowledge, [FactSet(segment(), facts)], "en")
    assert [(r.intervention, r.priority) for r in advice.recommendations] == [
        ("act_e", 1.0),
        ("act_d", 1.5),
        ("act_c", 2.0),
    ]
    assert advice.considered == 5


def test_rules_restricted_to_segments(tmp_path, codebook):
    knowledge = knowledge_from(
        tmp_path,
        codebook,
        """
        rules:
          - id: departments_only
            segments: [not overall, column == department, "value in [Sales, 'R&D']"]
            when:
              - factor: manager_influence
            recommend: act_a
            priority: high
            because: {nl: "In {{ segment.value }}.", en: "In {{ segment.value }}."}
        """,
    )
    managers = comparison("manager_influence")
    assert fired(knowledge, managers) == []
    assert fired(knowledge, managers, overall=False, column="department", value="R&D") == ["act_a"]
    assert fired(knowledge, managers, overall=False, column="department", value="HR") == []
    assert fired(knowledge, managers, overall=False, column="region", value="Sales") == []


def test_because_placeholders_in_both_languages(tmp_path, codebook):
    knowledge = knowledge_from(
        tmp_path,
        codebook,
        """
        rules:
          - id: test
            when:
              - factor: manager_influence
            recommend: act_a
            priority: high
            because:
              en: >-
                Non-users score {{ non_users_mean }} against {{ users_mean }} (g = {{ hedges_g }},
                p {{ p_holm }}; {{ users_n }} users; {{ segment.adoption_rate }} use it;
                {{ label }}).
              nl: >-
                Niet-gebruikers scoren {{ non_users_mean }} tegen {{ users_mean }}
                (g = {{ hedges_g }}, p {{ p_holm }}; {{ manager_influence.users_n }} gebruikers;
                {{ segment.adoption_rate }} gebruikt het).
        """,
    )
    facts = FactSet(
        segment(adoption_rate=0.405),  # 40.5%: shown as 41% (halves away from zero)
        [
            comparison(
                "manager_influence",
                non_users_mean=3.0,
                users_mean=3.48,
                hedges_g=0.8123,
                p_holm=2.5e-21,
                users_n=1234,
                label="Manager influence",
            )
        ],
    )
    texts = {
        lang: advise_segments(knowledge, [facts], lang)[0].recommendations[0].because[0]
        for lang in ("en", "nl")
    }
    assert texts == {
        "en": "Non-users score 3.00 against 3.48 (g = 0.81, p < 0.001; 1,234 users; 41% use it;"
        " Manager influence).",
        "nl": "Niet-gebruikers scoren 3,00 tegen 3,48 (g = 0,81, p < 0,001; 1.234 gebruikers;"
        " 41% gebruikt het).",
    }


def test_because_is_sandboxed(tmp_path, codebook):
    knowledge = knowledge_from(
        tmp_path,
        codebook,
        """
        rules:
          - id: test
            when:
              - factor: manager_influence
            recommend: act_a
            priority: high
            because:
              en: "{{ hedges_g.__class__.__mro__ }}"
              nl: "x"
        """,
    )
    with pytest.raises(AdvisorError) as caught:
        fired(knowledge, comparison("manager_influence"))
    assert str(caught.value).startswith(
        f"{tmp_path / 'advice.yaml'}: rule 'test': its 'because' text in 'en' failed: "
        "access to attribute '__class__' of 'Figure' object is unsafe"
    )


@pytest.mark.parametrize(
    ("lang", "size", "text"),
    [
        ("nl", "medium", "Het verschil is middelgroot (ja)."),
        ("nl", "large", "Het verschil is groot (nee)."),
        ("en", "medium", "The gap is medium (yes)."),
    ],
)
def test_because_texts_name_the_effect_size_in_the_reports_language(
    tmp_path, codebook, lang, size, text
):
    knowledge = knowledge_from(
        tmp_path,
        codebook,
        """
        rules:
          - id: sized
            when:
              - factor: manager_influence
                if: significant
            recommend: act_a
            priority: high
            because:
              en: "The gap is {{ effect_size }} ({{ 'yes' if effect_size == 'medium' else 'no' }})."
              nl: "Het verschil is {{ effect_size }} ({{ 'ja' if effect_size == 'medium' else 'nee' }})."
        """,
    )
    facts = FactSet(segment(), [comparison("manager_influence", effect_size=size)])
    (advice,) = advise_segments(knowledge, [facts], lang)
    assert advice.recommendations[0].because == (text,)


# -- the engine and the analysis agree on what a condition means ---------------------------

_TESTS = {
    "hedges_g": st.sampled_from([-0.5, 0.0, 0.2, 0.35, 0.8]),
    "gap": st.sampled_from([-0.25, 0.0, 0.1, 0.4]),
    "cronbach_alpha": st.sampled_from([0.6, 0.7, 0.85]),
    "effect_size": st.sampled_from(["negligible", "small", "medium", "large"]),
}


def _texts(field: str, value) -> list[str]:
    if field == "effect_size":
        return [
            f"{field} == {value}",
            f"{field} != {value}",
            f"{field} in [{value}, large]",
            f"{field} not in [{value}]",
        ]
    return [f"{field} {op} {value}" for op in ("<", "<=", ">", ">=", "==", "!=")]


@st.composite
def condition_trees(draw, depth: int = 0):
    """A condition as YAML data: a text, a list, or all:/any:/not: of conditions."""
    if depth >= 2 or draw(st.booleans()):
        if draw(st.integers(0, 5)) == 0:
            return draw(st.sampled_from(["significant", "not significant"]))
        field = draw(st.sampled_from(sorted(_TESTS)))
        return draw(st.sampled_from(_texts(field, draw(_TESTS[field]))))
    parts = draw(st.lists(condition_trees(depth + 1), min_size=1, max_size=3))
    shape = draw(st.sampled_from(["list", "all", "any", "not"]))
    if shape == "list":
        return parts
    if shape == "not":
        return {"not": parts[0]}
    return {shape: parts}


@settings(deadline=None)
@given(tree=condition_trees(), data=st.data())
def test_the_engine_fires_exactly_when_the_condition_holds(tmp_path_factory, codebook, tree, data):
    """Compiled into durable-rules and run, a rule fires exactly when
    analysis.holds says its condition holds — missing figures and negation included."""
    from ism_advisor.advice.knowledge.meaning import holds

    rules = {
        "rules": [
            {
                "id": "test",
                "when": [{"factor": "manager_influence", "if": tree}],
                "recommend": "act_a",
                "priority": "high",
                "because": {"nl": "Omdat.", "en": "Because."},
            }
        ]
    }
    folder = tmp_path_factory.mktemp("holds")
    path = folder / "advice.yaml"
    path.write_text(yaml.safe_dump(rules, allow_unicode=True), encoding="utf-8")
    knowledge, problems = check_knowledge(codebook, path, CATALOGUE)
    if knowledge is None:  # a contradiction the check refuses: nothing to run
        assert all("can never fire" in str(p) for p in problems), problems
        return
    figures = {field: data.draw(st.one_of(st.none(), values)) for field, values in _TESTS.items()}
    figures["significant"] = data.draw(st.one_of(st.none(), st.booleans()))
    fact = comparison("manager_influence", **figures)
    condition = knowledge.rules[0].alternatives[0][0].pattern.condition
    assert (fired(knowledge, fact) == ["act_a"]) == holds(condition, fact)
