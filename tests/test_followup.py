"""Several survey waves in one run: the command line, the JSON contract, anonymity, and
the follow-up rules on generated waves with planted changes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from conftest import FACTORS, SAMPLE_SCORES, write_csv
from ism_advisor.survey.codebook import load_codebook
from ism_advisor.survey.sample import generate_followup

CHANGE_KEYS = [
    "factor",
    "group",
    "from_wave",
    "to_wave",
    "from_mean",
    "to_mean",
    "from_n",
    "to_n",
    "difference",
    "ci_low",
    "ci_high",
    "p",
    "p_holm",
]


@pytest.fixture(scope="module")
def second_wave(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("waves")
    path = folder / "autumn.csv"
    path.write_text(generate_followup(load_codebook()).scores_csv, encoding="utf-8")
    return str(path)


def test_two_files_add_changes_adoption_and_the_change_between_the_last_two(cli, second_wave):
    document = cli.json(
        SAMPLE_SCORES, second_wave, "--wave-name", "spring", "--wave-name", "autumn"
    )
    assert document["waves"] == {
        "names": ["spring", "autumn"],
        "files": ["scores.csv", "autumn.csv"],  # by file name only (issue 25)
        "left_out": [],
        "rules": [
            "continue_after_improvement",
            "deepen_after_improvement",
            "adjust_after_no_change",
            "replace_after_worsening",
        ],
        "done": [],
        "not_asked": {"spring": [], "autumn": []},
    }
    overall = document["segments"][0]
    assert [list(c) for c in overall["changes"]] == [CHANGE_KEYS] * (len(FACTORS) * 4)
    assert [(c["factor"], c["group"]) for c in overall["changes"][:4]] == [
        ("performance_expectancy", g) for g in ("users", "non_users", "all", "gap")
    ]
    assert [a["wave"] for a in overall["adoption"]] == ["spring", "autumn"]
    assert list(overall["adoption"][0]) == ["wave", "users", "respondents", "share"]
    assert list(overall["adoption_change"]) == [
        "from_wave",
        "to_wave",
        "difference",
        "ci_low",
        "ci_high",
        "p",
    ]
    # the wiring: the users' change in effort expectancy is Welch's test on the two files
    first = pd.read_csv(SAMPLE_SCORES)
    second = pd.read_csv(second_wave)
    row = next(
        c
        for c in overall["changes"]
        if (c["factor"], c["group"]) == ("effort_expectancy", "non_users")
    )
    earlier = first.loc[first.user == "no", "effort_expectancy"].dropna()
    later = second.loc[second.user == "no", "effort_expectancy"].dropna()
    test = stats.ttest_ind(later, earlier, equal_var=False)
    low, high = test.confidence_interval(0.95)
    assert row["difference"] == pytest.approx(later.mean() - earlier.mean(), abs=1e-9)
    assert (row["p"], row["ci_low"], row["ci_high"]) == pytest.approx(
        (test.pvalue, low, high), abs=1e-9
    )
    assert (row["from_n"], row["to_n"]) == (len(earlier), len(later))
    shares = [first.user.eq("yes").mean(), second.user.eq("yes").mean()]
    assert [a["share"] for a in overall["adoption"]] == pytest.approx(shares, abs=1e-12)
    assert overall["adoption_change"]["difference"] == pytest.approx(shares[1] - shares[0])


def test_the_planted_change_is_found(cli, second_wave):
    overall = cli.json(SAMPLE_SCORES, second_wave)["segments"][0]
    gaps = {c["factor"]: c for c in overall["changes"] if c["group"] == "gap"}
    # effort: non-users expect 0.40 less effort, users 0.05: the gap closes by about 0.35
    assert gaps["effort_expectancy"]["difference"] < -0.2
    assert gaps["effort_expectancy"]["p_holm"] < 0.05
    assert gaps["manager_influence"]["p_holm"] > 0.05
    assert overall["adoption_change"]["p"] < 0.05


def test_wave_by_reads_the_same_waves_from_one_file(cli, second_wave, tmp_path):
    first = pd.read_csv(SAMPLE_SCORES, dtype=str)
    second = pd.read_csv(second_wave, dtype=str)
    stacked = pd.concat([first.assign(wave="2026-04"), second.assign(wave="2026-10")])
    path = tmp_path / "stacked.csv"
    stacked.to_csv(path, index=False)
    options = ("--segment-by", "organisation")
    one = cli.json(path, "--wave-by", "wave", *options)
    two = cli.json(
        SAMPLE_SCORES, second_wave, "--wave-name", "2026-04", "--wave-name", "2026-10", *options
    )
    for document in (one, two):
        del document["input"], document["waves"]["files"]
    assert one == two
    # --wave-name orders the column's values (here against their sorted order)
    reverse = cli.json(
        path, "--wave-by", "wave", "--wave-name", "2026-10", "--wave-name", "2026-04"
    )
    assert reverse["waves"]["names"] == ["2026-10", "2026-04"]


def test_one_file_has_no_wave_keys(cli):
    document = cli.json(SAMPLE_SCORES)
    assert "waves" not in document
    assert not {"changes", "adoption", "adoption_change"} & set(document["segments"][0])


def test_a_factor_missing_in_one_wave_is_left_out_with_a_warning(cli, second_wave, tmp_path):
    path = tmp_path / "autumn.csv"
    pd.read_csv(second_wave, dtype=str).drop(columns="privacy_concern").to_csv(path, index=False)
    result = cli(SAMPLE_SCORES, path, "--format", "json", "-o", "out.json")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == (
        "warning: factor 'privacy_concern' was not asked in wave 'autumn' (no column, or no"
        " answer in any row): left out of the change figures and of the latest wave's"
        " comparison of users and non-users\n"
    )
    document = pd.read_json(tmp_path / "out.json", typ="series")
    changes = document["segments"][0]["changes"]
    assert {c["factor"] for c in changes} == set(FACTORS) - {"privacy_concern"}
    assert document["waves"]["left_out"] == ["privacy_concern"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--wave-name", "a"),
            "Error: --wave-name needs two or more survey files, or --wave-by COL",
        ),
        (("--done", "done.yaml"), "Error: --done needs two or more survey files, or --wave-by COL"),
    ],
)
def test_wave_options_need_waves(cli, args, message):
    result = cli(SAMPLE_SCORES, *args)
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines()[-1] == message


def test_wave_names_must_fit_the_files(cli, second_wave):
    result = cli(SAMPLE_SCORES, second_wave, "--wave-name", "spring", "-o", "x.json")
    assert result.exit_code == 1
    assert result.stderr == "--wave-name is given 1 times for 2 survey files (one per file)\n"
    same = cli(SAMPLE_SCORES, SAMPLE_SCORES, "-o", "x.json")
    assert same.exit_code == 1
    assert same.stderr == "two waves are called 'scores' (name each wave with --wave-name)\n"
    assert "x.json" not in cli.files


def _wave(path, rng, units):
    """A survey of ``units``: (department, users, non-users, users' mean, non-users' mean)."""
    rows = []
    for department, users, non_users, user_mean, non_user_mean in units:
        for is_user, count, mean in ((True, users, user_mean), (False, non_users, non_user_mean)):
            for _ in range(count):
                scores = np.clip(rng.normal(mean, 0.6, len(FACTORS)), 1, 5).round(3)
                rows.append([department, "yes" if is_user else "no", *scores])
    return write_csv(path, ["department", "user", *FACTORS], rows)


def test_no_change_figure_where_either_wave_hides_the_comparison(cli, tmp_path):
    rng = np.random.default_rng(7)
    first = _wave(
        tmp_path / "w1.csv",
        rng,
        [("A", 30, 30, 3.5, 3.0), ("B", 30, 30, 3.5, 3.0), ("C", 3, 9, 3.5, 3.0)],
    )
    second = _wave(
        tmp_path / "w2.csv",
        rng,
        [("A", 30, 30, 3.5, 3.2), ("B", 30, 30, 3.5, 3.2), ("C", 9, 9, 3.5, 3.2)],
    )
    document = cli.json(first, second, "--segment-by", "department")
    alone = [cli.json(path, "--segment-by", "department") for path in (first, second)]
    by_value = {s["value"]: s for s in document["segments"]}
    c = by_value["C"]
    assert not c["suppressed"]  # shown in the second wave, hidden in the first
    assert alone[0]["segments"][3]["suppressed"]
    assert c["changes"] == []
    assert c["adoption"] == [{"wave": "w2", "users": 9, "respondents": 18, "share": 0.5}]
    assert c["adoption_change"] is None
    # every change figure shown is a figure both waves show on their own
    for index, segment in enumerate(document["segments"]):
        for change in segment["changes"]:
            if change["group"] not in ("users", "non_users"):
                continue
            for wave, end in ((alone[0], "from"), (alone[1], "to")):
                compared = next(
                    x
                    for x in wave["segments"][index]["comparisons"]
                    if x["factor"] == change["factor"]
                )
                assert compared[f"{change['group']}_mean"] == pytest.approx(change[f"{end}_mean"])
                assert compared[f"{change['group']}_n"] == change[f"{end}_n"]
    # C hidden in the first wave hides another department there too (else overall − A − B
    # would give C away): the change figures are then shown for all respondents only
    assert [s["suppressed_reason"] for s in alone[0]["segments"]] == [
        None,
        "anonymity",
        None,
        "anonymity",
    ]
    assert [bool(s["changes"]) for s in document["segments"]] == [True, False, True, False]


FOLLOW_UP_RULES = (
    "continue_after_improvement",
    "deepen_after_improvement",
    "adjust_after_no_change",
    "replace_after_worsening",
)


def _follow_up_firings(document: dict, segment: int = 0) -> dict[str, set[str]]:
    """rule → the factors the follow-up rules fired on in one segment."""
    found: dict[str, set[str]] = {}
    entry = document["segments"][segment]
    reasons = [e for r in entry["recommendations"] for e in r["explanation"]]
    reasons += [{"rule": c["rule"], "matched": c["matched"]} for c in entry["conclusions"]]
    for reason in reasons:
        if reason["rule"] in FOLLOW_UP_RULES:
            factor = reason["matched"]["factor"]["factor"]
            found.setdefault(reason["rule"], set()).add(factor)
    return found


DONE = "- bring_platform_into_workflow\n- champions_network\n- leaders_work_out_loud\n"


def test_the_follow_up_rules_fire_where_the_planted_changes_say(cli, second_wave, tmp_path):
    """The second wave: effort improved among non-users (the platform in the workflow), so
    did colleague influence (champions), manager influence did not move (the manager
    programme did not land): continue the workflow (the effort gap is gone), deepen the
    champions (the colleague gap remains), adjust the manager programme."""
    (tmp_path / "done.yaml").write_text(DONE, encoding="utf-8")
    document = cli.json(SAMPLE_SCORES, second_wave, "--done", "done.yaml")
    assert _follow_up_firings(document) == {
        "continue_after_improvement": {"effort_expectancy"},
        "deepen_after_improvement": {"colleague_influence"},
        "adjust_after_no_change": {"manager_influence"},
    }
    assert document["waves"]["done"] == [
        {"intervention": "bring_platform_into_workflow", "title": _title(document, 0)},
        {"intervention": "champions_network", "title": _title(document, 1)},
        {"intervention": "leaders_work_out_loud", "title": _title(document, 2)},
    ]
    # only what was done is followed up: without the manager programme, no escalation
    (tmp_path / "done.yaml").write_text("- bring_platform_into_workflow\n", encoding="utf-8")
    document = cli.json(SAMPLE_SCORES, second_wave, "--done", "done.yaml")
    assert _follow_up_firings(document) == {"continue_after_improvement": {"effort_expectancy"}}


def _title(document: dict, index: int) -> str:
    from ism_advisor.advice.knowledge import load_knowledge

    knowledge = load_knowledge(load_codebook())
    return knowledge.interventions[document["waves"]["done"][index]["intervention"]].title["en"]


def test_the_follow_up_rules_stay_silent_without_done_or_with_one_wave(cli, second_wave):
    assert _follow_up_firings(cli.json(SAMPLE_SCORES, second_wave)) == {}
    assert _follow_up_firings(cli.json(second_wave)) == {}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "- champions_netwerk\n",
            "done.yaml:1:3: unknown intervention 'champions_netwerk' (did you mean"
            " 'champions_network'?)\n",
        ),
        (
            "done: champions_network\n",
            "done.yaml:1:1: expected a list of intervention ids (- id on each line), found a"
            " mapping\n",
        ),
    ],
)
def test_a_bad_done_file_is_one_line(cli, second_wave, tmp_path, text, message):
    (tmp_path / "done.yaml").write_text(text, encoding="utf-8")
    result = cli(SAMPLE_SCORES, second_wave, "--done", "done.yaml", "-o", "out.html")
    assert result.exit_code == 1
    assert result.stderr == message
    assert "out.html" not in cli.files


def test_over_two_waves_the_engine_gets_every_change_figure(second_wave):
    from ism_advisor.advice.changes import add_change_facts
    from ism_advisor.advice.facts import segment_facts
    from ism_advisor.core.vocabulary import COMPARISON, SEGMENT
    from ism_advisor.protect.disclosure import publish
    from ism_advisor.protect.followup import Wave, follow_up
    from ism_advisor.stats.compare import compare_groups
    from ism_advisor.survey import load_survey

    book = load_codebook()
    waves = []
    for name, path in (("spring", SAMPLE_SCORES), ("autumn", second_wave)):
        survey = load_survey(path, book, absent_ok=True)
        waves.append(Wave(name, survey, publish(survey, compare_groups(survey))))
    acted = frozenset({"colleague_influence"})
    follow = follow_up(waves, alpha=0.05, done=("champions_network",), done_factors=acted)
    titles = {"colleague_influence": "Build a network of champions across all teams"}
    facts = add_change_facts(segment_facts(waves[-1].published, "en"), follow, titles)[0]
    assert facts is not None
    for fact in facts.comparisons:
        if fact["factor"] == "colleague_influence":
            assert set(fact) == set(COMPARISON.testable)
            assert fact["acted_on"] is True
            assert fact["done_actions"] == "Build a network of champions across all teams"
        else:  # the titles of what was done: only on a factor acted on
            assert set(fact) == set(COMPARISON.testable) - {"done_actions"}
            assert fact["acted_on"] is False
    assert set(facts.segment) == set(SEGMENT.testable)


def test_the_report_has_a_since_section_only_over_several_waves(cli, second_wave, tmp_path):
    (tmp_path / "done.yaml").write_text(DONE, encoding="utf-8")
    waves = (SAMPLE_SCORES, second_wave, "--wave-name", "March", "--wave-name", "October")
    result = cli(*waves, "--done", "done.yaml", "-o", "two.html", "-q")
    assert result.exit_code == 0, result.stderr
    html = (tmp_path / "two.html").read_text(encoding="utf-8")
    section = html.split('<section id="since">')[1].split("</section>")[0]
    assert "<h2>Since the last survey</h2>" in section
    assert "Survey waves compared: March → October." in section
    assert "a survey shows what changed after an action, not that the action caused it" in (
        section.lower()
    )
    assert section.count('<svg role="img"') == 2  # the adoption line and the trend chart
    assert "<title>Mean score per survey wave: users and non-users</title>" in section
    assert "<title>Adoption per survey wave</title>" in section
    assert '<caption id="since-trend-caption">The chart\'s figures</caption>' in section
    # the table of significant changes: effort (non-users, everyone, the gap), colleagues
    rows = section.split('<table class="changes">')[1].split("</table>")[0]
    assert rows.count('<tr class="better">') == 5
    assert '<tr class="worse">' not in rows
    assert "<strong>Find out why the action did not land, and adjust it</strong>" in section
    one = cli(SAMPLE_SCORES, "-o", "one.html", "-q")
    assert one.exit_code == 0
    assert 'id="since"' not in (tmp_path / "one.html").read_text(encoding="utf-8")


def test_the_since_section_in_dutch_markdown(cli, second_wave):
    result = cli(SAMPLE_SCORES, second_wave, "--lang", "nl", "--format", "md", "-o", "-")
    assert result.exit_code == 0, result.stderr
    section = result.stdout.split("## Sinds de vorige meting\n")[1].split("\n## ")[0]
    assert "Vergeleken metingen: scores → autumn." in section
    assert "| Meting | Gebruikers | Respondenten | Gebruik |" in section
    assert "### Significante veranderingen" in section
    # without --done the follow-up rules have nothing to go on, and say so
    assert "zij hebben --done nodig" in section


@pytest.mark.parametrize(
    ("names", "message"),
    [
        (
            ("--wave-name", "2026-04"),
            "stacked.csv: wave '2026-10' in column \"wave\" is not among --wave-name 2026-04\n",
        ),
        (
            ("--wave-name", "2026-04", "--wave-name", "2026-10", "--wave-name", "2027-04"),
            "stacked.csv: no respondent of wave '2027-04' in column \"wave\"\n",
        ),
    ],
)
def test_wave_by_names_must_be_the_columns_values(cli, second_wave, tmp_path, names, message):
    first = pd.read_csv(SAMPLE_SCORES, dtype=str)
    second = pd.read_csv(second_wave, dtype=str)
    stacked = pd.concat([first.assign(wave="2026-04"), second.assign(wave="2026-10")])
    stacked.to_csv(tmp_path / "stacked.csv", index=False)
    result = cli("stacked.csv", "--wave-by", "wave", *names, "-o", "out.json")
    assert result.exit_code == 1
    assert result.stderr == message
    one = cli("stacked.csv", "--wave-by", "organisation", "-o", "out.json")
    assert one.exit_code == 0  # any column can name the waves; one with one value cannot:
    first.assign(wave="2026-04").to_csv(tmp_path / "single.csv", index=False)
    single = cli("single.csv", "--wave-by", "wave", "-o", "out.json")
    assert single.exit_code == 1
    assert single.stderr == (
        'single.csv: column "wave" names 1 wave; comparing waves needs at least two\n'
    )


def test_wave_names_name_the_wave_columns_values(cli, second_wave, tmp_path):
    """Issue 26, part D: names that are not the column's values name them, in their sorted
    order; the report then calls the waves by these names, and the figures stay those of
    the waves named by their values."""
    first = pd.read_csv(SAMPLE_SCORES, dtype=str)
    second = pd.read_csv(second_wave, dtype=str)
    stacked = pd.concat([first.assign(wave="1"), second.assign(wave="2")])
    stacked.to_csv(tmp_path / "stacked.csv", index=False)
    names = ("--wave-name", "March 2026", "--wave-name", "October 2026")
    named = cli.json("stacked.csv", "--wave-by", "wave", *names)
    assert named["waves"]["names"] == ["March 2026", "October 2026"]
    plain = cli.json("stacked.csv", "--wave-by", "wave")
    assert plain["waves"]["names"] == ["1", "2"]
    changes = [c for s in named["segments"] for c in s.get("changes", [])]
    assert changes and {(c["from_wave"], c["to_wave"]) for c in changes} == {
        ("March 2026", "October 2026")
    }
    plain_changes = [c for s in plain["segments"] for c in s.get("changes", [])]
    assert [c["difference"] for c in changes] == [c["difference"] for c in plain_changes]
    result = cli("stacked.csv", "--wave-by", "wave", "--wave-name", "March 2026", "-o", "x.json")
    assert (result.exit_code, result.stderr) == (
        1,
        'stacked.csv: column "wave" holds 2 waves, and --wave-name names 1 (one name per wave,'
        " for its values in sorted order; or list the values themselves in time order)\n",
    )
    result = cli("stacked.csv", "--wave-by", "wave", *names, "--lang", "nl", "-o", "ok.json")
    assert result.exit_code == 0, result.stderr
    result = cli(
        "stacked.csv", "--wave-by", "wave", "--wave-name", "Maart", "--lang", "nl", "-o", "x.json"
    )
    assert (result.exit_code, result.stderr) == (
        1,
        'stacked.csv: kolom "wave" bevat 2 metingen, en --wave-name noemt er 1 (één naam per'
        " meting, in de gesorteerde volgorde van haar waarden; of noem de waarden zelf, in de"
        " volgorde van de tijd)\n",
    )
    assert not (tmp_path / "x.json").exists()
    # the values themselves, in other capitals, still order the waves (not name them)
    stacked.assign(wave=stacked["wave"].map({"1": "Spring", "2": "Autumn"})).to_csv(
        tmp_path / "seasons.csv", index=False
    )
    seasons = cli.json(
        "seasons.csv", "--wave-by", "wave", "--wave-name", "spring", "--wave-name", "AUTUMN"
    )
    assert seasons["waves"]["names"] == ["Spring", "Autumn"]
    seasons_changes = [c for s in seasons["segments"] for c in s.get("changes", [])]
    assert [c["difference"] for c in seasons_changes] == [c["difference"] for c in plain_changes]


def test_holm_runs_over_the_shown_factors_of_each_group(cli, second_wave):
    from statsmodels.stats.multitest import multipletests

    overall = cli.json(SAMPLE_SCORES, second_wave)["segments"][0]
    for group in ("users", "non_users", "all", "gap"):
        rows = [c for c in overall["changes"] if c["group"] == group]
        assert len(rows) == len(FACTORS)
        expected = multipletests([c["p"] for c in rows], method="holm")[1]
        assert [c["p_holm"] for c in rows] == pytest.approx(list(expected), abs=1e-12)


def test_over_several_waves_the_driver_analysis_is_the_latest_waves(cli, second_wave):
    """The priority matrix and the rules' importance figures come from the latest wave,
    exactly as a run over that wave alone gives them."""
    both = cli.json(SAMPLE_SCORES, second_wave, "--segment-by", "organisation")
    latest = cli.json(second_wave, "--segment-by", "organisation")
    for over_waves, alone in zip(both["segments"], latest["segments"], strict=True):
        assert over_waves["driver_model"] == alone["driver_model"]
        assert over_waves["drivers"] == alone["drivers"]
    assert both["segments"][0]["driver_model"]["n"] > 0
