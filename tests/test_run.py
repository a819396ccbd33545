"""One run for every entry point: ``ism-advise explain`` agrees with the advice document.

The rule base tests/data/rules/run_agreement/ decides on the figures that only some
stages of a run make: the driver analysis (``importance``, ``importance_rank``,
``quadrant``) and, over two waves with ``--done``, the change figures (``gap_change``,
``acted_on``, ``outcome``, ``done_actions``). For every intervention of its catalogue in
every shown segment, explain's headline says "advised … action k of n" exactly where the
document's ``recommendations[k-1]`` is that intervention (of n), and "carried out" exactly
where it is in ``--done``. An entry point that skipped a stage (explain without the driver
figures, or without the change figures) or reordered one would disagree.
"""

from __future__ import annotations

import re

import pytest

from conftest import DATA, ROOT, Cli

RULES = DATA / "rules" / "run_agreement"
SAMPLE = ROOT / "sample_data"
KNOWLEDGE = ("--rules", RULES / "advice.yaml", "--interventions", RULES / "interventions.yaml")
DONE = ("champions_network", "bring_platform_into_workflow")
ONE_FILE = (SAMPLE / "scores.csv",)
TWO_WAVES = (
    SAMPLE / "scores.csv",
    SAMPLE / "scores-wave2.csv",
    "--wave-name",
    "March 2026",
    "--wave-name",
    "October 2026",
    "--done",
    "done.yaml",
)
ADVISED = re.compile(
    r"'(?P<id>\w+)' is advised for (?P<segment>.+): action (?P<k>\d+) of (?P<n>\d+)"
)
CARRIED_OUT = re.compile(
    r"'(?P<id>\w+)' was carried out since the previous survey \(--done\): it is not advised"
    r" again as new for (?P<segment>.+); the report's action plan says what it did"
)
NOT_ADVISED = re.compile(
    r"'(?P<id>\w+)' is not advised for (?P<segment>.+?)(: no rule recommends it)?"
)
#: each document's action plan per segment (all respondents first), and the rules behind
#: it: the driver rules and (two waves) the change rules decide, so a run without those
#: stages would advise otherwise; max_actions (4) cuts a plan where more fired
PLANS = {
    "one file": [
        (
            [
                "leaders_work_out_loud",
                "champions_network",
                "bring_platform_into_workflow",
                "hands_on_onboarding",
            ],
            {"managers_first", "colleagues_act_first", "effort_gap", "effort_act_first"},
        ),
        (
            ["leaders_work_out_loud", "spotlight_expertise"],
            {"managers_first", "reputation_important"},
        ),
        (
            ["bring_platform_into_workflow", "hands_on_onboarding"],
            {"effort_gap", "effort_act_first"},
        ),
        (
            ["champions_network", "working_out_loud_circles"],
            {"colleagues_act_first", "norms_not_low"},
        ),
    ],
    "two waves": [
        (
            ["continue_what_works", "working_out_loud_circles"],
            {"acted_and_closing", "norms_not_low"},
        ),
        (
            ["continue_what_works", "use_case_workshops", "spotlight_expertise"],
            {"acted_and_closing", "performance_matters_most", "reputation_important"},
        ),
        (
            [
                "leaders_work_out_loud",
                "continue_what_works",
                "adjust_what_did_not_land",
                "working_out_loud_circles",
            ],
            {"managers_first", "acted_and_closing", "widening_without_action", "norms_not_low"},
        ),
        (
            [
                "leaders_work_out_loud",
                "continue_what_works",
                "use_case_workshops",
                "deepen_what_works",
            ],
            {
                "managers_first",
                "acted_and_closing",
                "performance_matters_most",
                "done_without_change",
            },
        ),
    ],
}


def _headline(cli: Cli, scores: tuple, intervention: str, segment: str | None) -> str:
    where = () if segment is None else ("--segment", segment)
    result = cli(
        "explain",
        *scores,
        "--segment-by",
        "organisation",
        *KNOWLEDGE,
        "--intervention",
        intervention,
        *where,
    )
    assert (result.exit_code, result.stderr) == (0, ""), result.stderr
    return result.stdout.splitlines()[0]


@pytest.mark.parametrize("case", ["one file", "two waves"])
def test_explain_agrees_with_the_document_on_every_intervention_and_segment(cli, case):
    (cli.folder / "done.yaml").write_text("".join(f"- {i}\n" for i in DONE), encoding="utf-8")
    scores = ONE_FILE if case == "one file" else TWO_WAVES
    done = DONE if case == "two waves" else ()
    document = cli.json(*scores, "--segment-by", "organisation", *KNOWLEDGE)
    catalogue = [
        line.removeprefix("- id: ")
        for line in (RULES / "interventions.yaml").read_text(encoding="utf-8").splitlines()
        if line.startswith("- id: ")
    ]
    assert len(catalogue) == 10
    segments = document["segments"]
    assert [s["value"] for s in segments] == [
        None,
        "Gemeente Rivierstad",
        "TechnoBouw",
        "Zorggroep Oost",
    ]
    assert not any(s["suppressed"] for s in segments)
    assert [
        (
            [r["intervention"] for r in s["recommendations"]],
            {rule for r in s["recommendations"] for rule in r["rules"]},
        )
        for s in segments
    ] == PLANS[case]
    for segment in segments:
        plan = [r["intervention"] for r in segment["recommendations"]]
        assert not set(plan) & set(done)  # never advised again as new
        name = "all respondents" if segment["value"] is None else segment["value"]
        for intervention in catalogue:
            headline = _headline(cli, scores, intervention, segment["value"])
            advised = ADVISED.fullmatch(headline)
            carried_out = CARRIED_OUT.fullmatch(headline)
            assert (advised is not None) == (intervention in plan), (name, headline, plan)
            assert (carried_out is not None) == (intervention in done), (name, headline)
            if advised is not None:
                assert advised["id"] == intervention
                assert advised["segment"] == name
                assert int(advised["k"]) == plan.index(intervention) + 1
                assert int(advised["n"]) == len(plan)
            elif carried_out is None:
                found = NOT_ADVISED.fullmatch(headline)
                assert found is not None, headline
                assert (found["id"], found["segment"]) == (intervention, name)
