"""Knowledge-base validation, ``rules check``, ``init``, and the default advice."""

from __future__ import annotations

import pytest

from bad_cases import CATALOGUE_CASES, RULE_CASES, VALID_RULES
from conftest import DATA, ROOT, SAMPLE_SCORES
from ism_advisor.advice.knowledge import check_knowledge, load_knowledge
from ism_advisor.app.pipeline import advise

RULES = DATA / "rules"
CATALOGUE = RULES / "interventions.yaml"


#: Rule files that pass the check and fail when a rule fires (issue 24: a because text
#: whose size only its figures decide); tests/test_bad_corpus.py runs them.
RULES_FAILING_WHEN_RUN = ("because_grows_when_filled_in.yaml",)


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
        "ok: 7 factors, 24 rules, 2 conclusions, 21 interventions, 9 comment codes"
        " (<packaged>/factors.yaml, <packaged>/advice.yaml, <packaged>/interventions.yaml,"
        " <packaged>/comments.yaml)\n"
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
        "ours/comments.yaml",
        "ours/templates/report.html",
        "ours/tests/advice.yaml",
        "ours/README.md",
    ]
    for name in ("factors.yaml", "advice.yaml", "interventions.yaml", "comments.yaml"):
        assert (tmp_path / "ours" / name).read_bytes() == (ROOT / "rules" / name).read_bytes()
    assert "ism-advise scores.csv --knowledge ours" in (tmp_path / "ours" / "README.md").read_text()
    check = cli("rules", "check", "--knowledge", "ours")
    assert check.exit_code == 0
    assert check.stdout.startswith(
        "ok: 7 factors, 24 rules, 2 conclusions, 21 interventions, 9 comment codes (ours/"
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
