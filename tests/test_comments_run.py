"""The run with --comments (part P of issue 32): the comments read, coded, published and
written into the document (C5) and the rule facts (C6). The reader (C2) and the coder
(C3) are the fakes of tests/comments_fakes.py until parts X and K are merged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from comments_fakes import Calls, fake_coder, fake_reader

from ism_advisor.app import run as run_module
from ism_advisor.app.run import document, run
from ism_advisor.app.settings import Settings, SettingsError

ROOT = Path(__file__).resolve().parents[1]
SCORES = ROOT / "sample_data" / "scores.csv"


@pytest.fixture
def calls(monkeypatch):
    found = Calls()
    fake_coder(monkeypatch, found)
    fake_reader(monkeypatch, found, run_module)
    return found


def _run(**options):
    settings = Settings.create([SCORES], segment_by=["organisation"], **options)
    return run(settings)


def test_without_comments_nothing_is_read_or_added(calls):
    found = _run()
    out = document(found)
    assert calls.reads == [{"comments": (), "redact_terms": (), "redact_segments": False}]
    assert calls.codes == [] and found.comments is None
    assert "comments" not in out and all("comments" not in s for s in out["segments"])
    for facts in found.facts:
        assert {(c["comment_n"], c["comment_share"]) for c in facts.comparisons} == {(0, None)}


def test_the_document_has_the_comments(calls):
    found = _run(comments=["wat_zou_helpen"], redact=["Acme"], redact_segments=True)
    out = json.loads(json.dumps(document(found)))
    assert calls.reads == [
        {"comments": ("wat_zou_helpen",), "redact_terms": ("Acme",), "redact_segments": True}
    ]
    summary = out["comments"]
    assert summary["columns"] == ["wat_zou_helpen"] and summary["min_comments"] == 10
    assert summary["n"] == 200  # every third of 600 respondents
    assert summary["codes"] == [
        {"code": "effort_expectancy", "kind": "factor", "label": "Effort expectancy"},
        {"code": "manager_influence", "kind": "factor", "label": "Manager influence"},
        {"code": "technical", "kind": "other", "label": "Technical problems"},
    ]
    # the themes are found over the uncoded comments of the shown overall groups
    ((texts, size),) = calls.themes
    assert size == 10 and texts and all("English" in t for t in texts)
    assert summary["themes"] == [{"theme": "T1", "terms": ["english", "post"], "n": len(texts)}]
    techno = next(s for s in out["segments"] if s["value"] == "TechnoBouw")
    group = techno["comments"]["non_users"]
    assert group["shown"] and group["dominant"] == "effort_expectancy"
    (code,) = group["codes"]
    assert code["code"] == "effort_expectancy" and sorted(code) == ["code", "n", "quotes", "share"]
    assert code["share"] == round(code["n"] / group["n"], 4)
    assert len(code["quotes"]) == 3 and len(set(code["quotes"])) == 3
    assert group["themes"] == [
        {"theme": "T1", "n": len(texts), "share": round(len(texts) / group["n"], 4)}
    ]
    # the rule facts: the segment's non-users' comments coded to the factor
    index = out["segments"].index(techno)
    facts = {c["factor"]: c for c in found.facts[index].comparisons}
    assert facts["effort_expectancy"]["comment_n"] == code["n"]
    assert facts["effort_expectancy"]["comment_share"] == code["n"] / group["n"]
    assert facts["reputation"]["comment_n"] == 0
    assert facts["reputation"]["comment_share"] == 0.0


def test_a_higher_threshold_hides_groups(calls):
    found = _run(comments=["wat_zou_helpen"], min_comments=40)
    out = document(found)
    for segment in out["segments"]:
        for group in segment["comments"].values():
            if group["shown"]:
                assert group["n"] >= 40
            else:
                assert group == {
                    "shown": False,
                    "n": None,
                    "codes": [],
                    "themes": [],
                    "dominant": None,
                }
    hidden = [s for s in out["segments"] if not s["comments"]["non_users"]["shown"]]
    assert hidden
    index = out["segments"].index(hidden[0])
    assert {(c["comment_n"], c["comment_share"]) for c in found.facts[index].comparisons} == {
        (0, None)
    }


def test_the_comments_options_are_checked():
    with pytest.raises(SettingsError, match="--min-comments 4 is below --min-group-size 5"):
        Settings.create([SCORES], comments=["x"], min_comments=4)
    with pytest.raises(SettingsError, match="add --comments COLUMN"):
        Settings.create([SCORES], redact=["Acme"])
    assert Settings.create([SCORES], comments=["x"], min_comments=7).comment_threshold == 7
    assert Settings(scores=(SCORES,), min_comments=3, min_group_size=6).comment_threshold == 6


def test_the_knowledge_folders_comments_yaml_is_used(calls, tmp_path):
    (tmp_path / "comments.yaml").write_text("codes: []\n", encoding="utf-8")
    settings = Settings.create([SCORES], knowledge=tmp_path, comments=["c"])
    assert settings.comment_codes == tmp_path / "comments.yaml"
    given = tmp_path / "mine.yaml"
    settings = Settings.create([SCORES], knowledge=tmp_path, comments=["c"], comment_codes=given)
    assert settings.comment_codes == given
    assert Settings.create([SCORES], comments=["c"]).comment_codes is None


def _facts(**figures):
    from ism_advisor.advice.ruletests import neutral_facts

    knowledge = run_module.read_knowledge(Settings(scores=()))
    return knowledge, neutral_facts(knowledge.codebook, {}, {"effort_expectancy": figures}, "en")


LEVER = {"users_mean": 2.2, "non_users_mean": 2.9, "hedges_g": 0.3, "p_holm": 0.02}


def test_the_default_rule_adds_what_the_comments_say():
    from ism_advisor.advice.decide import advice_of, decide

    knowledge, facts = _facts(**LEVER, comment_n=12, comment_share=0.4)
    (advice,) = advice_of(decide(knowledge, [facts], "en"))
    (plan,) = [
        r for r in advice.recommendations if r.intervention == "bring_platform_into_workflow"
    ]
    assert [(r.rule, r.because) for r in plan.reasons][1] == (
        "comments_name_effort",
        "40% of non-users' comments (12) name the effort the platform takes (Effort expectancy).",
    )
    knowledge, facts = _facts(**LEVER, comment_n=2, comment_share=0.4)  # too few comments
    (advice,) = advice_of(decide(knowledge, [facts], "nl"))
    (plan,) = [
        r for r in advice.recommendations if r.intervention == "bring_platform_into_workflow"
    ]
    assert [r.rule for r in plan.reasons] == ["effort_expected"]


def test_without_comments_the_rule_is_not_in_play():
    from ism_advisor.advice.decide import decide
    from ism_advisor.advice.whynot import why

    for figures, rules in (
        ({"hedges_g": 0.1, "p_holm": 0.3}, ["effort_expected"]),
        (
            {"hedges_g": 0.1, "p_holm": 0.3, "comment_n": 1, "comment_share": 0.1},
            ["effort_expected", "comments_name_effort"],
        ),
    ):
        knowledge, facts = _facts(**figures)
        (decision,) = decide(knowledge, [facts], "en")
        verdicts = why(knowledge, facts, decision.firings, "bring_platform_into_workflow")
        assert [v.rule.id for v in verdicts] == rules


def test_only_the_latest_waves_comments_are_read(calls):
    wave2 = ROOT / "sample_data" / "scores-wave2.csv"
    settings = Settings.create([SCORES, wave2], segment_by=["organisation"], comments=["w"])
    found = run(settings)
    assert [r["comments"] for r in calls.reads] == [(), ("w",)]
    assert document(found)["comments"]["columns"] == ["w"]
    assert found.latest.survey.path == str(wave2)
