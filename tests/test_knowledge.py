"""Knowledge-base validation, ``rules check``, ``init``, and the default advice."""

from __future__ import annotations

import pytest

from conftest import DATA, ROOT, SAMPLE_SCORES
from ism_advisor.advice.knowledge import check_knowledge, load_knowledge
from ism_advisor.app.pipeline import advise

RULES = DATA / "rules"
VALID_RULES = RULES / "valid.yaml"
CATALOGUE = RULES / "interventions.yaml"

RULE_CASES = {
    "alias_bomb.yaml": ["@:1:32: more than 200000 values (are aliases expanding without end?)"],
    "bad_priority.yaml": [
        "@:20:15: 'priority' must be high, medium, low or a number from 1 (most urgent), found 'urgent'"
    ],
    "because_missing_language.yaml": ["@:21:14: missing key 'en'"],
    # issue 24: texts that would outgrow memory or time, refused before they run
    "because_nested_loops.yaml": [
        "@:14:7: 'because' in 'en' puts a loop in a loop (a because text may loop once, through"
        " at most 10000 items)"
    ],
    "because_repeats_text.yaml": [
        "@:14:7: 'because' in 'en' repeats or raises by 300000000, more than the 10000 a"
        " because text may"
    ],
    "because_syntax.yaml": [
        "@:14:7: 'because' in 'en': template error on its line 1: unexpected '}'"
    ],
    "because_unknown_figure.yaml": [
        "@:14:7: 'because' in 'en': 'colleague_influence' has no figure 'hedge' (did you mean 'hedges_g'?)"
    ],
    "because_unknown_name.yaml": [
        "@:14:7: 'because' in 'en' uses 'colleague', which this rule does not match (did you mean 'colleague_influence'?) (available: colleague_influence, manager_influence, segment)"
    ],
    "conclusion_nobody_derives.yaml": [
        "@:2:9: no rule concludes 'social_proof_missing' (add a rule with 'conclude: social_proof_missing', or remove it)",
        "@:18:21: this rule can never fire: no rule concludes 'social_proof_missing'",
    ],
    "condition_not_text.yaml": [
        "@:10:13: expected a condition like 'hedges_g >= 0.2', found the number 3"
    ],
    "cycle.yaml": [
        "@:16:9: rule 'champions' depends on its own conclusion through other rules (a cycle)"
    ],
    "deep_nesting.yaml": ["@:22:43: nested deeper than 20 levels"],
    "duplicate_key.yaml": ["@:21:5: duplicate key 'priority' (first given on line 20)"],
    "duplicate_rule_id.yaml": ["@:16:9: duplicate rule id 'derive' (first given on line 5)"],
    "empty.yaml": ["@: the file is empty (expected a rule file)"],
    "in_without_list.yaml": ["@:8:27: 'in' needs a list, e.g. 'effect_size in [a, b]'"],
    "max_actions.yaml": [
        "@:2:16: 'max_actions' must be a whole number of at least 1, found the number 0"
    ],
    "never_fires_boolean.yaml": [
        "@:7:9: this rule can never fire: its conditions contradict each other or the possible range of a figure"
    ],
    "never_fires_contradiction.yaml": [
        "@:7:9: this rule can never fire: its conditions contradict each other or the possible range of a figure"
    ],
    "never_fires_range.yaml": [
        "@:7:9: this rule can never fire: its conditions contradict each other or the possible range of a figure"
    ],
    "no_action.yaml": ["@:16:5: a rule needs 'recommend' or 'conclude' (or both)"],
    "one_fact_two_patterns.yaml": [
        "@:6:9: this rule can never fire: its patterns on lines 6 and 8 can be met only by one"
        " fact (manager_influence), and a fact meets one pattern of a rule at most (give their"
        " conditions in one pattern)"
    ],
    "not_a_pattern.yaml": [
        "@:18:9: expected a pattern (factor:, segment:, conclusion:, all:, any: or not:), found 'social_proof_missing'"
    ],
    "same_name_twice.yaml": [
        "@:9:9: two patterns of this rule are both called 'colleague_influence': name one with 'as: …'"
    ],
    "single_equals.yaml": [
        "@:8:27: unknown operator '=' (did you mean '=='?) (expected one of: <, <=, >, >=, ==, !=, in)"
    ],
    "syntax_error.yaml": ["@:21:14: this { is not closed on its line (end it with })"],
    "pasted_at_column_1.yaml": [
        '@:22:1: this list item is not indented like the ones above it (2 spaces under "rules:")'
    ],
    "pasted_indented.yaml": [
        "@:22:3: this list item is not indented like the ones above it"
        ' (the - right under "rules:", no spaces)'
    ],
    "pattern_misindented.yaml": [
        '@:9:6: this list item is not indented like the ones above it (2 spaces under "when:")'
    ],
    "unclosed_quote.yaml": ['@:22:11: this quote (") is never closed'],
    "too_many_alternatives.yaml": [
        "@:5:7: this rule has 343 alternatives (the ways its any: and not: blocks can be met);"
        " the engine takes at most 256 in all: use fewer or smaller any: blocks"
    ],
    "quote_runs_on.yaml": [
        '@:14:11: this quote (") is not closed on its line: the text runs on to line 15'
    ],
    "colon_in_text.yaml": ['@:15:21: a ": " inside a text: put the whole text in quotes ("…")'],
    "tab_indent.yaml": ["@:20:1: a tab character; YAML indents with spaces only"],
    "unknown_conclusion_derived.yaml": [
        "@:2:9: no rule concludes 'social_proof_missing' (add a rule with 'conclude: social_proof_missing', or remove it)",
        "@:11:15: unknown conclusion 'social_proof' (did you mean 'social_proof_missing'?) (declare it under 'conclusions')",
        "@:18:21: this rule can never fire: no rule concludes 'social_proof_missing'",
    ],
    "unknown_conclusion_used.yaml": [
        "@:18:21: unknown conclusion 'social_proof' (did you mean 'social_proof_missing'?) (declare it under 'conclusions')"
    ],
    "unknown_effect_size.yaml": [
        "@:8:27: 'effect_size' is one of negligible, small, medium, large, not 'huge'"
    ],
    "unknown_factor.yaml": [
        "@:9:17: unknown factor 'manager_influense' (did you mean 'manager_influence'?)"
    ],
    "unknown_figure.yaml": ["@:8:27: unknown figure 'hedge_g' (did you mean 'hedges_g'?)"],
    "unknown_intervention.yaml": ["@:19:16: unknown intervention 'act_bb' (did you mean 'act_b'?)"],
    "unknown_operator.yaml": [
        "@:8:27: unknown operator 'gtt' (expected one of: <, <=, >, >=, ==, !=, in)"
    ],
    "unknown_rule_key.yaml": [
        "@:16:5: missing key 'priority'",
        "@:20:5: unknown key 'priorty' (did you mean 'priority'?)",
    ],
    "wrong_type_number.yaml": ["@:8:27: 'hedges_g' is a number; 'large' is not"],
    "wrong_type_text.yaml": ["@:8:27: 'effect_size' is a text: compare it with ==, != or in"],
}

#: Rule files that pass the check and fail when a rule fires (issue 24: a because text
#: whose size only its figures decide); tests/test_bad_corpus.py runs them.
RULES_FAILING_WHEN_RUN = ("because_grows_when_filled_in.yaml",)

CATALOGUE_CASES = {
    "apostrophe_in_quotes.yaml": [
        "@:15:26: the text goes on after its closing quote ('): write '' for an apostrophe in '…'"
    ],
    "colon_in_title.yaml": ['@:23:63: a ": " inside a text: put the whole text in quotes ("…")'],
    "unclosed_brace.yaml": ["@:34:12: this { is not closed on its line (end it with })"],
    "bad_effort.yaml": ["@:9:13: 'effort' must be one of low, medium, high, found 'tiny'"],
    "duplicate_id.yaml": [
        "@:12:9: duplicate intervention id 'act_a' (first given on line 3)",
        f"{VALID_RULES}:19:16: unknown intervention 'act_b' (did you mean 'act_e'?)",
    ],
    "evidence_not_a_list.yaml": [
        "@:11:15: 'evidence' must be a non-empty list of sources, found 'Source A (2001).'"
    ],
    "missing_key.yaml": ["@:3:5: missing key 'evidence'"],
    "steps_mismatch.yaml": ["@:7:12: 'steps' has 2 steps in nl but 1 in en"],
    "title_not_texts.yaml": [
        "@:5:12: 'title' must give a text per language (nl: …, en: …), found 'Action A'"
    ],
    "unknown_factor.yaml": ["@:4:15: unknown factor 'managers'"],
    "unknown_owner.yaml": [
        "@:8:12: 'owner' must be one of management, communications, it, hr, community_manager, team_leads, found 'managers' (did you mean 'management'?)"
    ],
}


def rendered(problems, path) -> list[str]:
    return [str(p).replace(str(path), "@") for p in problems]


@pytest.mark.parametrize("name", sorted(RULE_CASES))
def test_every_rule_file_problem_is_reported_with_its_position(codebook, name):
    path = DATA / "bad" / "rules" / name
    knowledge, problems = check_knowledge(codebook, path, CATALOGUE)
    assert knowledge is None
    assert rendered(problems, path) == RULE_CASES[name]


@pytest.mark.parametrize("name", sorted(CATALOGUE_CASES))
def test_every_catalogue_problem_is_reported_with_its_position(codebook, name):
    path = DATA / "bad" / "interventions" / name
    knowledge, problems = check_knowledge(codebook, VALID_RULES, path)
    assert knowledge is None
    assert rendered(problems, path) == CATALOGUE_CASES[name]


@pytest.mark.parametrize("name", RULES_FAILING_WHEN_RUN)
def test_a_text_whose_size_its_figures_decide_passes_the_check(codebook, name):
    knowledge, _ = check_knowledge(codebook, DATA / "bad" / "rules" / name, CATALOGUE)
    assert knowledge is not None


def test_every_bad_file_has_a_case():
    assert sorted([*RULE_CASES, *RULES_FAILING_WHEN_RUN]) == sorted(
        p.name for p in (DATA / "bad" / "rules").glob("*.yaml")
    )
    assert sorted(CATALOGUE_CASES) == sorted(
        p.name for p in (DATA / "bad" / "interventions").glob("*.yaml")
    )


def test_the_valid_test_rules_load(codebook):
    knowledge = load_knowledge(codebook, VALID_RULES, CATALOGUE)
    assert [r.id for r in knowledge.rules] == ["derive", "champions"]


def test_rules_check_on_the_packaged_defaults(cli):
    result = cli("rules", "check")
    assert result.exit_code == 0
    # named as packaged, never by their place in the installation (issue 26)
    assert result.stdout == (
        "ok: 7 factors, 20 rules, 2 conclusions, 21 interventions"
        " (<packaged>/factors.yaml, <packaged>/advice.yaml, <packaged>/interventions.yaml)\n"
    )
    assert result.stderr == ""


def test_rules_check_lists_every_problem_and_exits_1(cli):
    bad = DATA / "bad" / "rules" / "unknown_rule_key.yaml"
    result = cli("rules", "check", "--rules", bad, "--interventions", CATALOGUE)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"{bad}:16:5: missing key 'priority'\n"
        f"{bad}:20:5: unknown key 'priorty' (did you mean 'priority'?)\n"
    )


def test_the_main_command_validates_the_rules_first(cli):
    bad = DATA / "bad" / "rules" / "unknown_rule_key.yaml"
    result = cli(SAMPLE_SCORES, "--rules", bad, "--interventions", CATALOGUE)
    assert result.exit_code == 1
    assert result.stderr == (
        f"{bad}:16:5: missing key 'priority' (+1 more; 'ism-advise rules check' lists every"
        " problem)\n"
    )
    assert cli.files == []


def test_init_writes_an_editable_copy_that_checks_clean(cli, tmp_path):
    result = cli("init", "ours")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "ours/factors.yaml",
        "ours/advice.yaml",
        "ours/interventions.yaml",
        "ours/templates/report.html",
        "ours/tests/advice.yaml",
        "ours/README.md",
    ]
    for name in ("factors.yaml", "advice.yaml", "interventions.yaml"):
        assert (tmp_path / "ours" / name).read_bytes() == (ROOT / "rules" / name).read_bytes()
    assert "ism-advise scores.csv --knowledge ours" in (tmp_path / "ours" / "README.md").read_text()
    check = cli("rules", "check", "--knowledge", "ours")
    assert check.exit_code == 0
    assert check.stdout.startswith(
        "ok: 7 factors, 20 rules, 2 conclusions, 21 interventions (ours/"
    )
    again = cli("init", "ours")
    assert again.exit_code == 1
    assert (
        again.stderr
        == "ours/factors.yaml: already exists; init never overwrites (choose a new folder)\n"
    )


def test_an_edited_init_copy_changes_the_advice(cli, tmp_path):
    cli("init", "ours")
    rules = tmp_path / "ours" / "advice.yaml"
    text = rules.read_text(encoding="utf-8")
    # the organisation drops the champions network from the social-influence rule
    rules.write_text(
        text.replace(
            "recommend: [champions_network, leaders_work_out_loud]",
            "recommend: leaders_work_out_loud",
        ),
        encoding="utf-8",
    )
    default = cli.json(SAMPLE_SCORES)
    edited = cli.json(SAMPLE_SCORES, "--knowledge", "ours")
    first = [r["intervention"] for r in default["segments"][0]["recommendations"]]
    second = [r["intervention"] for r in edited["segments"][0]["recommendations"]]
    assert first[:2] == ["champions_network", "leaders_work_out_loud"]
    assert second[0] == "leaders_work_out_loud"
    champions = next(
        r
        for r in edited["segments"][0]["recommendations"]
        if r["intervention"] == "champions_network"
    )
    assert champions["rules"] == ["colleagues_less_visible"]


def test_default_advice_on_the_sample_data():
    document = advise(SAMPLE_SCORES, segment_by=["organisation"]).document
    overall = document["segments"][0]
    recommendations = overall["recommendations"]
    assert [r["intervention"] for r in recommendations[:2]] == [
        "champions_network",
        "leaders_work_out_loud",
    ]
    assert recommendations[0]["priority"] == "high"
    assert recommendations[0]["rules"] == ["social_influence_leads", "colleagues_less_visible"]
    assert len(recommendations) == 5
    for segment in document["segments"]:
        for recommendation in segment["recommendations"]:
            assert "privacy_concern" not in recommendation["factors"]
            assert recommendation["rules"] and recommendation["because"]
            assert recommendation["evidence"]
            for reason in recommendation["explanation"]:
                figures = [f for f in reason["matched"].values() if "hedges_g" in f]
                conclusions = [f for f in reason["matched"].values() if "conclusion" in f]
                assert figures or conclusions
    assert [c["conclusion"] for c in overall["conclusions"]] == [
        "social_proof_missing",
        "effort_and_value_doubt",
    ]
    # where the effort gap dominates, the combined training replaces separate actions
    techno = next(s for s in document["segments"] if s["value"] == "TechnoBouw")
    actions = [r["intervention"] for r in techno["recommendations"]]
    assert actions[:2] == ["bring_platform_into_workflow", "use_case_training"]
    assert "hands_on_onboarding" not in actions and "use_case_workshops" not in actions


def test_suppressed_segments_get_no_advice():
    document = advise(SAMPLE_SCORES, segment_by=["department"]).document
    hidden = [s for s in document["segments"] if s["suppressed"]]
    assert hidden
    assert all(s["recommendations"] == [] and s["conclusions"] == [] for s in hidden)
