"""Rules with many alternatives compile whole or are refused; one fact meets one pattern.

A rule's ``any:`` and ``not:`` blocks multiply into alternatives (its disjunctive normal
form). Every alternative is compiled, up to the documented limit of 256 for the rules
that run together; the rule that goes over is refused by ``rules check`` with its
position and the count — never accepted and cut. And since the engine lets a fact meet
one pattern of a rule at most, patterns that only the same fact could meet are reported.
"""

from __future__ import annotations

import itertools
import time

import pytest

from builders import comparison, segment
from conftest import DATA, FACTORS, ROOT
from ism_advisor.advice.decide import advise_segments
from ism_advisor.advice.engine import FactSet
from ism_advisor.advice.knowledge import MAX_ALTERNATIVES, check_knowledge, load_knowledge
from ism_advisor.advice.knowledge.conditions import Language
from ism_advisor.advice.knowledge.meaning import alternatives, count_alternatives
from ism_advisor.core.errors import AdvisorError
from ism_advisor.core.yamlfile import Problems, load_yaml

CATALOGUE = DATA / "rules" / "interventions.yaml"


def blocks_rule(blocks: int, per_block: int, rule_id: str = "big") -> str:
    """A rule of ``blocks`` any: blocks of ``per_block`` patterns: block b looks at factor
    b with ``rank == k`` for k = 1 … per_block, so it has per_block ** blocks alternatives,
    and exactly one of them holds for given ranks."""
    lines = [f"- id: {rule_id}", "  when:"]
    for b in range(blocks):
        lines.append("    - any:")
        for k in range(1, per_block + 1):
            lines += [f"        - factor: {FACTORS[b]}", f"          if: rank == {k}"]
    lines += [
        "  recommend: act_a",
        "  priority: high",
        "  because: {nl: Omdat., en: Because.}",
    ]
    return "\n".join(lines) + "\n"


def write_rules(tmp_path, *rules: str, name: str = "advice.yaml"):
    path = tmp_path / name
    path.write_text("rules:\n" + "".join(rules), encoding="utf-8")
    return path


def facts_with_ranks(ranks) -> FactSet:
    """A segment whose factor b has rank ranks[b] (and no other figure that matters)."""
    return FactSet(segment(), [comparison(FACTORS[b], rank=r) for b, r in enumerate(ranks)])


def fired_rules(knowledge, fact_sets) -> list[list[str]]:
    advice = advise_segments(knowledge, fact_sets, "en")
    return [[rule for r in a.recommendations for rule in r.rules] for a in advice]


def test_three_any_blocks_of_five_fire_through_every_alternative(tmp_path, codebook):
    """The issue's rule: 5 × 5 × 5 = 125 alternatives, all compiled. Each of 125 segments
    meets exactly one alternative — the last one included — and the rule fires in each."""
    path = write_rules(tmp_path, blocks_rule(3, 5))
    knowledge = load_knowledge(codebook, path, CATALOGUE)
    (rule,) = knowledge.rules
    assert len(rule.alternatives) == 125
    combinations = list(itertools.product(range(1, 6), repeat=3))
    assert combinations[-1] == (5, 5, 5)  # the last alternative in reading order
    fired = fired_rules(knowledge, [facts_with_ranks(c) for c in combinations])
    assert fired == [["big"]] * 125
    # and not where no alternative holds
    assert fired_rules(knowledge, [facts_with_ranks((5, 5, 6))]) == [[]]


def test_the_limit_itself_compiles_whole(tmp_path, codebook):
    """4 × 4 × 4 × 4 = 256 = MAX_ALTERNATIVES: accepted, and its last alternative fires."""
    assert MAX_ALTERNATIVES == 256
    path = write_rules(tmp_path, blocks_rule(4, 4))
    knowledge = load_knowledge(codebook, path, CATALOGUE)
    assert len(knowledge.rules[0].alternatives) == 256
    assert fired_rules(knowledge, [facts_with_ranks((4, 4, 4, 4))]) == [["big"]]
    assert fired_rules(knowledge, [facts_with_ranks((1, 1, 1, 1))]) == [["big"]]


def test_large_rules_share_the_limit(cli, tmp_path, codebook):
    """Two rules of 125 alternatives (250) compile and fire; a third goes over the 256
    the rules that run together may have, and is refused where it starts, with the
    count. Without the check the engine refuses such a rule base itself."""
    two = write_rules(tmp_path, *(blocks_rule(3, 5, f"big_{i}") for i in range(2)))
    knowledge = load_knowledge(codebook, two, CATALOGUE)
    assert fired_rules(knowledge, [facts_with_ranks((5, 5, 5))]) == [["big_0", "big_1"]]
    three = write_rules(
        tmp_path, *(blocks_rule(3, 5, f"big_{i}") for i in range(3)), name="three.yaml"
    )
    result = cli("rules", "check", "--rules", three, "--interventions", CATALOGUE)
    assert (result.exit_code, result.stdout) == (1, "")
    start = 2 + 2 * len(blocks_rule(3, 5).splitlines()) + 2  # big_2's first pattern
    assert result.stderr == (
        f"{three}:{start}:5: with this rule, the rules that run together have 375"
        " alternatives (the ways their any: and not: blocks can be met); the engine takes at"
        " most 256 in all: use fewer or smaller any: blocks\n"
    )


def test_without_the_limit_the_engine_refuses_clearly(tmp_path, codebook, monkeypatch):
    """The limit is the engine's: past it, creating the rule set fails (one line, no
    traceback, were the check ever wrong)."""
    from ism_advisor.advice.knowledge import meaning as analysis

    monkeypatch.setattr(analysis, "over_limit", lambda rules, layers: [])
    three = write_rules(tmp_path, *(blocks_rule(3, 5, f"big_{i}") for i in range(3)))
    knowledge = load_knowledge(codebook, three, CATALOGUE)
    with pytest.raises(AdvisorError) as caught:
        fired_rules(knowledge, [facts_with_ranks((5, 5, 5))])
    assert str(caught.value) == (
        f"{three}: the rules engine cannot take this rule base (Could not create ruleset,"
        " error code: 108); rules with many alternatives that share a pattern are the likely"
        " cause: split them"
    )


def test_the_packaged_rules_leave_room_for_large_rules(tmp_path, codebook):
    """The packaged rules use 25 of the 256: a rule of 125 pasted at the end of them
    compiles with them and fires through its last alternative."""
    packaged = (ROOT / "rules" / "advice.yaml").read_text(encoding="utf-8")
    path = tmp_path / "advice.yaml"
    path.write_text(packaged + "\n" + blocks_rule(3, 5).replace("act_a", "champions_network"))
    knowledge = load_knowledge(codebook, path)
    assert sum(len(r.alternatives) for r in knowledge.rules) == 25 + 125
    (advice,) = advise_segments(knowledge, [facts_with_ranks((5, 5, 5))], "en")
    assert any("big" in r.rules for r in advice.recommendations)


def test_a_rule_above_the_limit_is_refused_with_its_position_and_count(cli, tmp_path):
    """7 × 7 × 7 = 343 alternatives: refused by rules check (and by the main command),
    pointing at the rule's 'when', with the count."""
    path = write_rules(tmp_path, blocks_rule(3, 7))
    result = cli("rules", "check", "--rules", path, "--interventions", CATALOGUE)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"{path}:4:5: this rule has 343 alternatives (the ways its any: and not: blocks can be"
        " met); the engine takes at most 256 in all: use fewer or smaller any: blocks\n"
    )


def test_alternatives_are_counted_before_they_are_made(tmp_path, codebook):
    """5 ** 7 = 78,125 alternatives (and 2 ** 40 through not:) are refused at once, without
    expanding them."""
    rules = blocks_rule(7, 5)
    not_blocks = "".join(
        "    - not:\n"
        "        all:\n"
        f"          - factor: {FACTORS[b % 7]}\n            if: rank == 1\n"
        f"          - segment: respondents > {b}\n"
        for b in range(40)
    )
    wide = (
        "- id: wide\n  when:\n"
        + not_blocks
        + "  recommend: act_a\n  priority: high\n  because: {nl: x, en: x}\n"
    )
    path = write_rules(tmp_path, rules, wide)
    start = time.perf_counter()
    knowledge, problems = check_knowledge(codebook, path, CATALOGUE)
    assert time.perf_counter() - start < 10  # generous: expanding would not end
    assert knowledge is None
    counts = [p.message.params["count"] for p in problems]
    assert counts == [5**7, 2**40]


def test_counting_agrees_with_expanding(tmp_path, codebook):
    path = write_rules(
        tmp_path,
        """\
- id: mixed
  when:
    - any:
        - factor: manager_influence
          if: rank == 1
        - all:
            - factor: colleague_influence
            - not:
                any:
                  - factor: reputation
                    if: significant
                  - segment: overall
    - not:
        all:
          - factor: privacy_concern
            if: significant
          - conclusion: unused
  recommend: act_a
  priority: high
  because: {nl: x, en: x}
""",
    )
    data = load_yaml(path, "a rule file")
    rule_when = Language(Problems(str(path)), codebook).when(
        data["rules"][0]["when"], data["rules"][0].where("when")
    )
    expanded = alternatives(rule_when)
    assert count_alternatives(rule_when) == len(expanded) == 2 * 2
    signs = [[(t.positive, t.pattern.kind) for t in alt] for alt in expanded]
    assert signs == [
        [(True, "factor"), (False, "factor")],
        [(True, "factor"), (False, "conclusion")],
        [(True, "factor"), (False, "factor"), (False, "segment"), (False, "factor")],
        [(True, "factor"), (False, "factor"), (False, "segment"), (False, "conclusion")],
    ]


# -- one fact, one pattern -----------------------------------------------------------------

SAME_FACTOR_TWICE = """\
- id: twice
  when:
    - factor: manager_influence
      if: significant
    - factor: manager_influence
      as: managers_again
      if: hedges_g >= 0.5
  recommend: act_a
  priority: high
  because: {nl: x, en: x}
"""

ANY_OVERLAP = """\
- id: overlap
  when:
    - any:
        - factor: manager_influence
          if: significant
        - factor: colleague_influence
          if: significant
    - factor: manager_influence
      as: managers
      if: hedges_g >= 0.5
  recommend: act_a
  priority: high
  because: {nl: x, en: x}
"""


def test_two_patterns_only_one_fact_can_meet_is_an_error(cli, tmp_path, codebook):
    path = write_rules(tmp_path, SAME_FACTOR_TWICE)
    result = cli("rules", "check", "--rules", path, "--interventions", CATALOGUE)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"{path}:4:7: this rule can never fire: its patterns on lines 4 and 6 can be met only"
        " by one fact (manager_influence), and a fact meets one pattern of a rule at most"
        " (give their conditions in one pattern)\n"
    )


def test_that_really_is_how_the_engine_behaves(tmp_path, codebook, monkeypatch):
    """Without the check the rule compiles, and a fact that meets both patterns does not
    make it fire: the check reports what the engine does."""
    from ism_advisor.advice.knowledge import rules as reader

    monkeypatch.setattr(reader.RuleReader, "check_fires", lambda *args, **kwargs: None)
    path = write_rules(tmp_path, SAME_FACTOR_TWICE)
    knowledge = load_knowledge(codebook, path, CATALOGUE)
    managers = comparison("manager_influence", significant=True, hedges_g=0.8)
    assert fired_rules(knowledge, [FactSet(segment(), [managers])]) == [[]]


def own_warnings(stderr: str) -> str:
    """The warnings about the rule file: the test catalogue has interventions these small
    rule files do not recommend, which ``rules check`` also warns about."""
    return "".join(
        line for line in stderr.splitlines(keepends=True) if "no rule recommends" not in line
    )


def test_a_combination_only_one_fact_can_meet_is_a_warning(cli, tmp_path, codebook):
    """The rule fires through colleagues (a second fact), never through managers alone."""
    path = write_rules(tmp_path, ANY_OVERLAP)
    result = cli("rules", "check", "--rules", path, "--interventions", CATALOGUE)
    assert result.exit_code == 0
    assert own_warnings(result.stderr) == (
        f"warning: {path}:5:11: where its patterns on lines 5 and 9 must all hold, this rule"
        " never fires: only one fact (manager_influence) can meet them, and a fact meets one"
        " pattern of a rule at most (give their conditions in one pattern)\n"
    )
    assert result.stdout.startswith("ok: 7 factors, 1 rule, 0 conclusions")
    knowledge = load_knowledge(codebook, path, CATALOGUE)
    managers = comparison("manager_influence", significant=True, hedges_g=0.8)
    colleagues = comparison("colleague_influence", significant=True)
    assert fired_rules(knowledge, [FactSet(segment(), [managers])]) == [[]]
    assert fired_rules(knowledge, [FactSet(segment(), [managers, colleagues])]) == [["overlap"]]


def test_three_patterns_two_facts(cli, tmp_path):
    """Three patterns over two factors need three facts: never (Hall's condition)."""
    path = write_rules(
        tmp_path,
        """\
- id: three
  when:
    - factor: [manager_influence, colleague_influence]
      as: one
    - factor: [manager_influence, colleague_influence]
      as: two
    - factor: manager_influence
  recommend: act_a
  priority: high
  because: {nl: x, en: x}
""",
    )
    result = cli("rules", "check", "--rules", path, "--interventions", CATALOGUE)
    assert result.stderr == (
        f"{path}:4:7: this rule can never fire: its patterns on lines 4, 6 and 8 can be met"
        " only by 2 facts (manager_influence, colleague_influence), and a fact meets one"
        " pattern of a rule at most (give their conditions in one pattern)\n"
    )


def test_a_pattern_on_any_factor_can_use_another_fact(tmp_path, codebook):
    path = write_rules(
        tmp_path,
        """\
- id: fine
  when:
    - factor: manager_influence
    - factor: any
      if: rank == 1
  recommend: act_a
  priority: high
  because: {nl: x, en: x}
""",
    )
    knowledge = load_knowledge(codebook, path, CATALOGUE)
    assert knowledge.warnings == ()
    managers = comparison("manager_influence", rank=2)
    assert fired_rules(knowledge, [FactSet(segment(), [managers])]) == [[]]
    first = comparison("reputation", rank=1)
    assert fired_rules(knowledge, [FactSet(segment(), [managers, first])]) == [["fine"]]


def test_the_main_command_shows_the_warning(cli, tmp_path):
    from conftest import SAMPLE_SCORES

    path = write_rules(tmp_path, ANY_OVERLAP)
    result = cli(SAMPLE_SCORES, "--rules", path, "--interventions", CATALOGUE, "-o", "x.json")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith(f"warning: {path}:5:11: where its patterns on lines 5 and 9")


@pytest.mark.parametrize("name", ["hedges_g_low", "hedges_g_high"])
def test_former_figure_names_still_work_with_a_warning(cli, tmp_path, codebook, name):
    new = name.replace("hedges_g_", "hedges_g_ci_")
    path = write_rules(
        tmp_path,
        f"""\
- id: interval
  when:
    - factor: manager_influence
      if: {name} > 0.3
  recommend: act_a
  priority: high
  because: {{nl: "{{{{ {name} }}}}", en: "{{{{ manager_influence.{name} }}}}"}}
""",
    )
    result = cli("rules", "check", "--rules", path, "--interventions", CATALOGUE)
    assert result.exit_code == 0
    message = f"'{name}' is now called '{new}' (the old name still works; rename it)"
    assert own_warnings(result.stderr).splitlines() == [
        f"warning: {path}:5:11: {message}",
        f"warning: {path}:8:12: {message}",
        f"warning: {path}:8:12: {message}",
    ]
    knowledge = load_knowledge(codebook, path, CATALOGUE)
    fact = comparison("manager_influence", **{new: 0.45})
    (advice,) = advise_segments(knowledge, [FactSet(segment(), [fact])], "nl")
    (reason,) = advice.recommendations[0].reasons
    assert reason.because == "0,45"
    assert reason.matched["manager_influence"][new] == 0.45
    low = comparison("manager_influence", **{new: 0.25})
    assert advise_segments(knowledge, [FactSet(segment(), [low])], "en")[0].recommendations == ()


def test_a_missing_figure_in_a_because_text_fails_clearly(tmp_path, codebook):
    """A because text may show a figure no rule tests; when the segment lacks it, the run
    stops with the rule's name (as for any figure that is missing)."""
    path = write_rules(
        tmp_path,
        """\
- id: sd
  when:
    - factor: manager_influence
  recommend: act_a
  priority: high
  because: {nl: "{{ users_sd }}", en: "{{ users_sd }}"}
""",
    )
    knowledge = load_knowledge(codebook, path, CATALOGUE)
    shown = comparison("manager_influence", users_sd=0.6543)
    (advice,) = advise_segments(knowledge, [FactSet(segment(), [shown])], "en")
    assert advice.recommendations[0].because == ("0.65",)
    missing = comparison("manager_influence", users_sd=float("nan"))
    with pytest.raises(AdvisorError) as caught:
        advise_segments(knowledge, [FactSet(segment(), [missing])], "en")
    assert str(caught.value) == (
        f"{path}: rule 'sd': its 'because' text in 'en' failed: 'users_sd' is undefined"
    )
