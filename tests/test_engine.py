"""The durable-rules adapter: every measured hazard of the engine, handled."""

from __future__ import annotations

import math
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from builders import comparison, segment
from conftest import DATA, ROOT
from ism_advisor.advice import engine
from ism_advisor.advice.decide import advise_segments
from ism_advisor.advice.engine import FactSet, clean_value, run_rules
from ism_advisor.advice.knowledge import load_knowledge
from ism_advisor.core.errors import AdvisorError

CATALOGUE = DATA / "rules" / "interventions.yaml"

RULES = """
rules:
  - id: significant_managers
    when:
      - factor: manager_influence
        if: [p_holm < 0.05, hedges_g >= 0.2]
    recommend: act_a
    priority: high
    because: {nl: "p {{ p_holm }}", en: "p {{ p_holm }}"}
  - id: very_significant
    when:
      - factor: manager_influence
        if: p_holm < 1e-05
    recommend: act_b
    priority: medium
    because: {nl: "zeer", en: "very"}
"""


@pytest.fixture
def knowledge(tmp_path, codebook):
    path = tmp_path / "advice.yaml"
    path.write_text(RULES, encoding="utf-8")
    return load_knowledge(codebook, path, CATALOGUE)


def interventions(knowledge, *comparisons, **segment_fields):
    (advice,) = advise_segments(
        knowledge, [FactSet(segment(**segment_fields), list(comparisons))], "en"
    )
    return [r.intervention for r in advice.recommendations]


@pytest.mark.parametrize(
    ("p", "expected"),
    [
        (1e-05, ["act_a"]),  # not below the rule's 1e-05
        (1e-20, ["act_a", "act_b"]),
        (1e-300, ["act_a", "act_b"]),
        (5e-324, ["act_a", "act_b"]),
        (1e-06, ["act_a", "act_b"]),
        (0.0, ["act_a", "act_b"]),
        (0.01, ["act_a"]),
    ],
)
def test_tiny_p_values_with_exponents(knowledge, p, expected):
    result = interventions(knowledge, comparison("manager_influence", p_holm=p, p=p))
    assert result == expected


def test_p_value_at_the_threshold(knowledge):
    assert interventions(knowledge, comparison("manager_influence", p_holm=2e-05)) == ["act_a"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1e-05, math.nextafter(1e-05, 1)),
        (-1e-05, math.nextafter(-1e-05, -1)),
        (1e20, math.nextafter(1e20, math.inf)),
        (1.5e-07, 1.5e-07),
        (1e-301, 0.0),
        (float("nan"), None),
        (float("inf"), None),
        (None, None),
        (np.int64(7), 7),
        (np.float64(0.25), 0.25),
        (np.bool_(True), True),
        ("text", "text"),
    ],
)
def test_clean_value(value, expected):
    cleaned = clean_value(value)
    assert cleaned == expected and type(cleaned) is type(expected)
    if isinstance(cleaned, float):
        assert "." in repr(cleaned) or "e" not in repr(cleaned)


def test_numpy_values_in_facts(knowledge):
    fact = comparison(
        "manager_influence",
        users_n=np.int64(40),
        non_users_n=np.int32(60),
        p_holm=np.float64(0.001),
        hedges_g=np.float32(0.5),
        significant=np.bool_(True),
    )
    assert interventions(knowledge, fact, respondents=np.int64(100)) == ["act_a"]


def test_nan_and_missing_figures_make_conditions_false(knowledge):
    assert interventions(knowledge, comparison("manager_influence", p_holm=float("nan"))) == []
    assert interventions(knowledge, comparison("manager_influence", hedges_g=None)) == []


def test_a_failing_action_is_reported_not_swallowed(knowledge, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(engine, "Firing", broken)
    with pytest.raises(AdvisorError) as caught:
        interventions(knowledge, comparison("manager_influence"))
    assert str(caught.value) == (
        f"{knowledge.rules_path}: rule 'significant_managers' failed while running:"
        " RuntimeError: boom"
    )


def test_two_rule_files_in_one_process_stay_independent(knowledge, tmp_path, codebook):
    other_path = tmp_path / "other.yaml"
    other_path.write_text(
        RULES.replace("act_a", "act_c").replace("hedges_g >= 0.2", "hedges_g >= 0.6"),
        encoding="utf-8",
    )
    other = load_knowledge(codebook, other_path, CATALOGUE)
    fact = comparison("manager_influence", hedges_g=0.5, p_holm=0.001)
    for _ in range(3):
        assert interventions(knowledge, fact) == ["act_a"]
        assert interventions(other, fact) == []
    strong = comparison("manager_influence", hedges_g=0.7, p_holm=0.001)
    assert interventions(other, strong) == ["act_c"]
    # the same rules loaded again reuse the registered ruleset and agree
    again = load_knowledge(codebook, tmp_path / "advice.yaml", CATALOGUE)
    assert interventions(again, strong) == interventions(knowledge, strong) == ["act_a"]


def test_thousands_of_segments_in_one_run(knowledge):
    segments = []
    for i in range(2500):
        g = 0.5 if i % 3 == 0 else 0.1
        segments.append(
            FactSet(
                segment(overall=False, column="team", value=f"team {i}"),
                [comparison("manager_influence", hedges_g=g)],
            )
        )
    firings = run_rules(knowledge.rulebase, segments)
    assert len(firings) == 2500
    assert [bool(f) for f in firings] == [i % 3 == 0 for i in range(2500)]
    assert run_rules(knowledge.rulebase, segments) == firings  # the same run twice


def test_no_background_threads_are_left(knowledge):
    script = textwrap.dedent(
        """
        import threading
        from ism_advisor.survey.codebook import load_codebook
        from ism_advisor.advice.knowledge import load_knowledge
        from ism_advisor.advice.decide import advise_segments
        from ism_advisor.advice.engine import FactSet
        from test_rules import comparison, segment
        k = load_knowledge(load_codebook(), None, None)
        advise_segments(k, [FactSet(segment(), [comparison("manager_influence")])], "en")
        print(threading.active_count())
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT / "tests",
        check=True,
    )
    assert result.stdout.strip() == "1"


def test_a_batch_is_the_json_of_its_facts_list():
    """The engine gets each layer's batch as the JSON of the list of facts, joined from
    each fact's own JSON (made once per segment)."""
    facts = [
        {"sid": "0", "id": "segment", "kind": "segment", "value": "Zorg “Oost” é", "n": 3},
        {"sid": "0", "id": "comparison:x", "kind": "comparison", "gap": -0.125, "ok": True},
        {"sid": "0", "id": "c", "kind": "comparison", "nested": [1, {"a": None}], "p": 1e-300},
    ]
    for batch in (facts, facts[:1], []):
        texts = [engine._json(fact) for fact in batch]
        assert engine._json_list(texts) == engine._json(batch)


def test_clean_value_leaves_a_float_alone_unless_its_text_is_exponent_only():
    rng = np.random.default_rng(29)
    values = rng.uniform(-10, 10, 20_000) * 10.0 ** rng.integers(-310, 300, 20_000)
    edges = [1e-4, 9.999999999999999e-05, 1e16, 9999999999999998.0, -1e-4, 1e-300, 1e-301]
    for value in [*values.tolist(), *edges]:
        cleaned = clean_value(value)
        text = repr(value)
        if abs(value) < 1e-300:
            assert cleaned == 0.0
        elif "e" in text and "." not in text:
            assert cleaned != value and abs(cleaned - value) <= abs(value) * 1e-15
            assert "." in repr(cleaned)
        else:
            assert cleaned is value
