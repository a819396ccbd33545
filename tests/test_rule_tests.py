"""``ism-advise rules test``: test cases beside the rules, run on the engine.

The packaged rule base's own cases run here, so CI (which runs this suite) runs them.
"""

from __future__ import annotations

import json
import shutil

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from conftest import ROOT, SAMPLE_SCORES
from ism_advisor.advice.engine import run_rules
from ism_advisor.advice.knowledge import load_knowledge
from ism_advisor.advice.ruletests import neutral_facts
from ism_advisor.advice.whynot import _Context
from ism_advisor.core.vocabulary import COMPARISON, SEGMENT
from ism_advisor.survey.codebook import load_codebook

CASES = ROOT / "rules" / "tests" / "advice.yaml"


def test_the_packaged_rule_base_passes_its_own_tests_with_every_rule_covered(cli):
    result = cli("rules", "test", "--coverage")
    assert result.exit_code == 0, result.stdout
    lines = result.stdout.splitlines()
    count = CASES.read_text(encoding="utf-8").count("\n- name: ")
    assert count >= 18
    rules = len(load_knowledge(load_codebook()).rules)
    assert lines == [
        f"<packaged>/tests/advice.yaml {'.' * count}",  # not its place in the installation
        f"coverage: {rules} of {rules} rules fired in a test case",
        f"{count} passed",
    ]


def break_rule(folder, old: str, new: str) -> None:
    rules = folder / "advice.yaml"
    text = rules.read_text(encoding="utf-8")
    assert old in text
    rules.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_wrong_comparison_is_caught_with_what_was_expected_and_what_fired(cli, tmp_path):
    assert cli("init", "ours").exit_code == 0
    # managers_less_visible, with <= where >= was meant
    break_rule(
        tmp_path / "ours",
        "factor: manager_influence\n      if: [significant, hedges_g >= 0.2]\n  recommend: [lead",
        "factor: manager_influence\n      if: [significant, hedges_g <= 0.2]\n  recommend: [lead",
    )
    result = cli("rules", "test", "ours")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    # the last nine: the evidence ledger's cases (four of them rely on managers_less_visible)
    assert lines[0] == "ours/tests/advice.yaml .FF...FF............F.FF....F.FFF......"
    assert lines[1:5] == [
        "ours/tests/advice.yaml:20:3: case 'a significant but negligible gap is no reason to"
        " act': expected recommended, in this order: nothing; got: executives_on_rollout_team,"
        " leaders_work_out_loud",
        "  fired: managers_less_visible (manager_influence)",
        "ours/tests/advice.yaml:25:3: case 'managers seen less active': expected recommended,"
        " in this order: executives_on_rollout_team, leaders_work_out_loud; got: nothing",
        "  fired: no rule",
    ]
    assert lines[-1] == "11 failed, 28 passed"  # the follow-up cases on managers too


def test_coverage_lists_the_rules_no_case_fired(cli, tmp_path):
    cli("init", "ours")
    cases = tmp_path / "ours" / "tests" / "advice.yaml"
    text = cases.read_text(encoding="utf-8")
    cases.write_text(text[: text.index("\n- name: a significant")] + "\n", encoding="utf-8")
    result = cli("rules", "test", "ours", "--coverage")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "ours/tests/advice.yaml ."
    assert lines[1] == "ours/advice.yaml:59:7: rule 'social_proof_missing' fired in no test case"
    assert lines[-2:] == ["coverage: 0 of 24 rules fired in a test case", "1 passed"]
    assert len(lines) == 24 + 3


def test_messages_in_dutch(cli, tmp_path):
    cli("init", "ours")
    break_rule(tmp_path / "ours", "adoption_rate < 0.5", "adoption_rate > 0.5")
    result = cli("rules", "test", "ours", "--lang", "nl")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[1:] == [
        "ours/tests/advice.yaml:61:3: geval 'social proof missing where few use the platform':"
        " verwacht aanbevolen, in willekeurige volgorde: champions_network,"
        " leaders_work_out_loud, visible_relaunch, executives_on_rollout_team,"
        " start_in_team_groups; gekregen: champions_network, leaders_work_out_loud,"
        " executives_on_rollout_team, start_in_team_groups",
        "  van toepassing: social_proof_missing (colleague_influence, manager_influence),"
        " social_influence_leads (social_proof_missing, colleague_influence),"
        " managers_less_visible (manager_influence), colleagues_less_visible"
        " (colleague_influence)",
        "  waarom niet visible_relaunch: relaunch_when_adoption_low: vraagt adoption_rate van"
        " het segment boven 0.5; het is 0.3",
        "1 mislukt, 38 geslaagd",
    ]


def test_a_folder_without_tests_is_an_error(cli, tmp_path):
    (tmp_path / "ours").mkdir()
    result = cli("rules", "test", "ours")
    assert result.exit_code == 1
    assert result.stderr == "ours: no test cases (expected tests/*.yaml in this folder)\n"


def test_neutral_figures_come_from_the_vocabulary_and_derived_ones_follow_the_given():
    book = load_codebook()
    facts = neutral_facts(
        book,
        {"column": "department", "value": "Sales", "users": 20, "non_users": 60},
        {
            "privacy_concern": {"users_mean": 3.0, "non_users_mean": 4.0, "hedges_g": 0.9},
            "reputation": {"hedges_g": 0.3, "p_holm": 0.01},
        },
    )
    assert facts.segment == {
        "overall": False,
        "column": "department",
        "value": "Sales",
        "respondents": 80,
        "users": 20,
        "non_users": 60,
        "adoption_rate": 0.25,
    }
    by_factor = {c["factor"]: c for c in facts.comparisons}
    assert list(by_factor) == list(book.factor_ids)
    privacy = by_factor["privacy_concern"]
    # privacy: higher is worse, so non-users' higher concern is a positive gap
    assert privacy["gap"] == 1.0
    assert privacy["mean"] == 3.5
    assert privacy["effect_size"] == "large"
    assert privacy["rank"] == 1
    assert privacy["significant"] is False
    assert by_factor["reputation"]["significant"] is True
    assert by_factor["reputation"]["rank"] == 2
    neutral = by_factor["manager_influence"]
    assert neutral["users_mean"] == neutral["non_users_mean"] == 3.0  # the 1-5 midpoint
    derived = ("factor", "label", "direction", "users_mean", "non_users_mean", "mean", "rank")
    for name, f in COMPARISON.testable.items():
        if f.change:  # only a run over several waves has them
            assert name not in neutral, name
        elif name not in derived:
            assert neutral[name] == f.neutral, name
    assert neutral["significant"] is False and neutral["p_holm"] == 1.0
    assert set(facts.segment) == {n for n, f in SEGMENT.testable.items() if not f.change}


# -- why not? --------------------------------------------------------------------------------


def test_explain_names_the_failing_condition_and_its_figure(cli, tmp_path):
    shutil.copyfile(SAMPLE_SCORES, tmp_path / "scores.csv")
    result = cli("explain", "scores.csv", "--intervention", "publish_visibility_rules")
    assert result.exit_code == 0, result.stderr
    rules = "advice.yaml"  # by its file name only (no folders in any output)
    assert result.stdout.splitlines() == [
        "'publish_visibility_rules' is not advised for all respondents",
        f"  {rules}:268:7: privacy_gap: needs significant of privacy_concern to be true;"
        " it is false",
        f"  {rules}:282:7: privacy_concern_everywhere: needs users_mean of privacy_concern"
        " at least 3.5; it is 2.9",
    ]


def test_the_figure_in_explain_is_the_published_one(cli, tmp_path):
    """The 2.9 above is the users' mean of privacy concern as the JSON document has it."""
    shutil.copyfile(SAMPLE_SCORES, tmp_path / "scores.csv")
    document = cli.json("scores.csv")
    privacy = next(
        c for c in document["segments"][0]["comparisons"] if c["factor"] == "privacy_concern"
    )
    assert f"{privacy['users_mean']:.2g}" == "2.9"
    assert privacy["significant"] is False


def test_explain_through_a_conclusion_and_the_chain_of_an_advised_one(cli, tmp_path):
    shutil.copyfile(SAMPLE_SCORES, tmp_path / "scores.csv")
    args = ("scores.csv", "--segment-by", "organisation", "--segment", "TechnoBouw")
    result = cli("explain", *args, "--intervention", "hands_on_onboarding", "--lang", "nl")
    assert result.exit_code == 0, result.stderr
    rules = "advice.yaml"  # by its file name only (no folders in any output)
    assert result.stdout.splitlines() == [
        "'hands_on_onboarding' wordt niet geadviseerd voor TechnoBouw",
        f"  {rules}:198:7: effort_needs_onboarding: vraagt dat de conclusie"
        " 'effort_and_value_doubt' niet getrokken is; regel 'effort_and_value_doubt' trok haar",
    ]
    advised = cli("explain", *args, "--intervention", "visible_relaunch")
    lines = advised.stdout.splitlines()
    assert lines[0] == "'visible_relaunch' is advised for TechnoBouw: action 5 of 5"
    assert lines[1].startswith(
        f"  {rules}:100:7: relaunch_when_adoption_low: applies on the conclusion"
        " 'social_proof_missing' of rule 'social_proof_missing', which applies on"
        " colleague_influence (users_n 98, users_mean 3.52, non_users_n 140,"
    )
    assert len(lines) == 2


def test_explain_refuses_an_unknown_intervention_or_segment(cli, tmp_path):
    shutil.copyfile(SAMPLE_SCORES, tmp_path / "scores.csv")
    result = cli("explain", "scores.csv", "--intervention", "visible_relaunh")
    assert result.exit_code == 1
    assert result.stderr == (
        "--intervention: unknown intervention 'visible_relaunh'"
        " (did you mean 'visible_relaunch'?)\n"
    )
    result = cli(
        "explain",
        "scores.csv",
        "--segment-by",
        "organisation",
        "--segment",
        "Nowhere",
        "--intervention",
        "visible_relaunch",
    )
    assert result.exit_code == 1
    assert result.stderr == (
        "--segment: no segment 'Nowhere' (segments: Gemeente Rivierstad, TechnoBouw,"
        " Zorggroep Oost; choose them with --segment-by)\n"
    )


def test_explain_finds_a_segment_written_in_other_capitals(cli, tmp_path):
    """Issue 26, part D: technobouw is TechnoBouw; two segments that differ only in capitals
    are refused, naming both."""
    shutil.copyfile(SAMPLE_SCORES, tmp_path / "scores.csv")
    args = ("scores.csv", "--segment-by", "organisation", "--intervention", "visible_relaunch")
    result = cli("explain", *args, "--segment", "technobouw")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == (
        "'visible_relaunch' is advised for TechnoBouw: action 5 of 5"
    )
    frame = pd.read_csv(SAMPLE_SCORES, dtype=str)
    frame.loc[frame["organisation"] == "TechnoBouw", "organisation"] = [
        "Technobouw" if i % 2 else "TechnoBouw"
        for i in range(int((frame["organisation"] == "TechnoBouw").sum()))
    ]
    frame.to_csv(tmp_path / "scores.csv", index=False)
    for lang, message in {
        "en": "--segment: 'technobouw' could be any of the segments 'TechnoBouw', 'Technobouw',"
        " which differ only in capitals (give one as it is written)\n",
        "nl": "--segment: 'technobouw' past bij de segmenten 'TechnoBouw', 'Technobouw', die"
        " alleen in hoofdletters verschillen (schrijf het segment zoals het in de gegevens"
        " staat)\n",
    }.items():
        result = cli("explain", *args, "--segment", "technobouw", "--lang", lang)
        assert (result.exit_code, result.stderr) == (1, message)
    exact = cli("explain", *args, "--segment", "Technobouw")
    assert exact.exit_code == 0, exact.stderr


HIDDEN = {
    "en": "--segment: the segment {segment} is hidden (anonymity): one of its groups (users or"
    " non-users) is smaller than 5, or with the other figures it would reveal a smaller group;"
    " which of the two is not said, as that too could reveal a count",
    "nl": "--segment: het segment {segment} is verborgen (anonimiteit): een van zijn groepen"
    " (gebruikers of niet-gebruikers) is kleiner dan 5, of samen met de andere cijfers zou het"
    " een kleinere groep zichtbaar maken; welke van de twee het is, wordt niet vermeld: ook dat"
    " kan een aantal verraden",
}


def test_explain_gives_a_hidden_segment_the_reason_every_output_gives(cli, tmp_path):
    """Directie is hidden because its users are too few, Facilitair (14 users, 31 non-users)
    to protect Directie. explain said of both "too few users or non-users", wrong for
    Facilitair; naming the reason of each would tell that Facilitair has at least 5 of each
    and so narrow Directie down (disclosure.py, "Why one reason"): both get the reason
    every output gives, which is true of each."""
    from ism_advisor import compare_groups, load_survey
    from ism_advisor.protect import disclosure, patterns

    shutil.copyfile(SAMPLE_SCORES, tmp_path / "scores.csv")
    survey = load_survey(tmp_path / "scores.csv", load_codebook(), ["department"])
    comparison = compare_groups(survey)
    model = patterns.Model.build(survey, comparison)
    reasons = dict(
        zip(comparison.segments["value"], disclosure.protect_segments(model, 5), strict=True)
    )
    assert {v: r for v, r in reasons.items() if r} == {
        "Directie": "too_small",
        "Facilitair": "overlap",
    }
    for segment in ("Directie", "Facilitair"):
        for lang, text in HIDDEN.items():
            result = cli(
                "explain",
                "scores.csv",
                "--segment-by",
                "department",
                "--segment",
                segment,
                "--intervention",
                "visible_relaunch",
                "--lang",
                lang,
            )
            assert (result.exit_code, result.stdout) == (1, "")
            assert result.stderr == text.format(segment=segment) + "\n"


def test_explain_all_adds_why_not_and_nothing_else(cli, tmp_path):
    shutil.copyfile(SAMPLE_SCORES, tmp_path / "scores.csv")
    plain = cli("scores.csv", "--format", "json", "-o", "-").stdout
    explained = cli.json("scores.csv", "--explain-all")
    document = json.loads(plain)
    for segment in explained["segments"]:
        why_not = segment.pop("why_not")
        advised = {r["intervention"] for r in segment["recommendations"]}
        assert advised.isdisjoint(entry["intervention"] for entry in why_not)
    assert explained == document
    entry = next(
        e
        for e in json.loads(
            cli("scores.csv", "--format", "json", "-o", "-", "--explain-all").stdout
        )["segments"][0]["why_not"]
        if e["intervention"] == "publish_visibility_rules"
    )
    assert entry["rules"][1] == {
        "rule": "privacy_concern_everywhere",
        "fired": False,
        "reasons": ["needs users_mean of privacy_concern at least 3.5; it is 2.9"],
    }


# -- rules check: warnings about a valid rule base ------------------------------------------

SHUT_OUT = """
- id: onboarding_for_everyone
  when:
    - factor: effort_expectancy
      if: [significant, hedges_g >= 0.5]
    - factor: performance_expectancy
      if: [significant, hedges_g >= 0.5]
    - not:
        conclusion: effort_and_value_doubt
  recommend: hands_on_onboarding
  priority: low
  because: {en: "Onboarding.", nl: "Onboarding."}
"""
HALF_DEAD = """
- id: privacy_either_way
  when:
    - any:
        - factor: privacy_concern
          if: [users_mean >= 3.5, users_mean < 2]
        - factor: privacy_concern
          if: [significant, rank == 1]
  recommend: publish_visibility_rules
  priority: low
  because: {en: "Privacy.", nl: "Privacy."}
"""
UNREAD = """
- id: reputation_gap
  when:
    - factor: reputation
      if: [significant, hedges_g >= 0.2]
  conclude: reputation_gap
  priority: low
  because: {en: "Reputation.", nl: "Reputatie."}
"""


def edited(tmp_path, *additions: str) -> None:
    rules = tmp_path / "ours" / "advice.yaml"
    text = rules.read_text(encoding="utf-8")
    text = text.replace(
        "- id: effort_and_value_doubt\n  label",
        "- id: reputation_gap\n  label: {nl: Reputatiekloof, en: Reputation gap}\n"
        "- id: effort_and_value_doubt\n  label",
    )
    # privacy_gap no longer recommends the usage policy: nothing else does
    text = text.replace(
        "recommend: [publish_visibility_rules, publish_usage_policy]",
        "recommend: publish_visibility_rules",
    )
    rules.write_text(text + "".join(additions), encoding="utf-8")


def test_rules_check_warns_about_what_no_run_would_notice(cli, tmp_path):
    cli("init", "ours")
    edited(tmp_path, SHUT_OUT, HALF_DEAD, UNREAD)
    result = cli("rules", "check", "--knowledge", "ours")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("ok: 7 factors, 27 rules, 3 conclusions, 21 interventions")
    assert result.stderr.splitlines() == [
        "warning: ours/advice.yaml:51:7: no rule reads the conclusion 'reputation_gap' (use it"
        " with 'conclusion:')",
        "warning: ours/advice.yaml:531:7: rule 'onboarding_for_everyone' never fires: whenever"
        " it could, rule 'effort_and_value_doubt' (line 164) fires too and draws"
        " 'effort_and_value_doubt', which this rule needs absent",
        "warning: ours/advice.yaml:546:11: this pattern can never be met: its conditions"
        " contradict each other or the possible range of a figure (rule 'privacy_either_way'"
        " fires only through its other alternatives)",
        "warning: ours/interventions.yaml:589:7: no rule recommends the intervention"
        " 'publish_usage_policy'",
    ]
    strict = cli("rules", "check", "--knowledge", "ours", "--strict", "--lang", "nl")
    assert strict.exit_code == 1
    assert strict.stdout == ""
    assert strict.stderr.splitlines()[0] == (
        "ours/advice.yaml:51:7: geen regel leest de conclusie 'reputation_gap' (gebruik haar"
        " met 'conclusion:')"
    )
    assert len(strict.stderr.splitlines()) == 4


def test_a_rule_that_needs_more_than_the_shutting_rule_is_not_shut_out(cli, tmp_path):
    """effort_needs_onboarding needs only the effort gap: effort_and_value_doubt needs the
    performance gap too, so it does not always fire first — no warning."""
    result = cli("rules", "check", "--strict")
    assert result.exit_code == 0
    assert result.stderr == ""


def test_rank_beyond_the_number_of_factors_can_never_hold(cli, tmp_path):
    cli("init", "ours")
    rules = tmp_path / "ours" / "advice.yaml"
    text = rules.read_text(encoding="utf-8")
    rules.write_text(text.replace("if: rank == 1\n", "if: rank == 8\n", 1), encoding="utf-8")
    result = cli("rules", "check", "--knowledge", "ours")
    assert result.exit_code == 0
    assert result.stderr == (
        "warning: ours/advice.yaml:86:11: this pattern can never be met: its conditions"
        " contradict each other or the possible range of a figure (rule"
        " 'social_influence_leads' fires only through its other alternatives)\n"
    )


BOOK = load_codebook()
KNOWLEDGE = load_knowledge(BOOK)
_figures = st.fixed_dictionaries(
    {
        "hedges_g": st.sampled_from([-0.3, 0.0, 0.15, 0.2, 0.3, 0.45, 0.5, 0.8, 1.1]),
        "p_holm": st.sampled_from([0.001, 0.04, 0.05, 0.3]),
        "users_mean": st.sampled_from([2.0, 3.0, 3.5, 4.2]),
        "non_users_mean": st.sampled_from([2.5, 3.4, 3.5, 4.0]),
    }
)


@given(
    st.dictionaries(st.sampled_from(BOOK.factor_ids), _figures),
    st.sampled_from([(50, 50), (20, 80), (29, 71), (30, 70), (60, 40)]),
    st.booleans(),
)
def test_why_not_agrees_with_the_engine(factors, counts, overall):
    """A rule the engine did not fire gets a reason that names a failing condition; a rule
    it fired holds in one of its alternatives by the same evaluation."""
    segment = {"users": counts[0], "non_users": counts[1]}
    if not overall:
        segment.update(column="department", value="Sales")
    facts = neutral_facts(BOOK, segment, factors)
    firings = run_rules(KNOWLEDGE.rulebase, [facts])[0]
    context = _Context(KNOWLEDGE, facts, firings)
    fired = {f.rule for f in firings}
    for rule in KNOWLEDGE.rules:
        if rule.id in fired:
            assert any(context.alternative(a, frozenset()) is None for a in rule.alternatives)
        else:
            reasons = context.why_not(rule)
            assert reasons
            for reason in map(str, reasons):
                assert reason.startswith("needs"), (rule.id, reason)
