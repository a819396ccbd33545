"""Follow-up semantics (issue 26, part A): an intervention carried out (--done) is never
advised again as new; the action plan of a follow-up report says what was done and what
it did, then what next; the summary leads with the change in adoption; "Since the last
survey" comes before the action plan in every format; explain agrees with the report.

The walkthrough is the README's: the sample's two waves with done.yaml."""

from __future__ import annotations

import io
import json
import re
import subprocess

import pandas as pd
import pytest
from pptx import Presentation
from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep

from conftest import SAMPLE_SCORES
from ism_advisor.core.formatting import format_figure

WAVE2 = SAMPLE_SCORES.with_name("scores-wave2.csv")
DONE_IDS = ("bring_platform_into_workflow", "champions_network", "leaders_work_out_loud")
DONE = "".join(f"- {i}\n" for i in DONE_IDS)
NAMES = ("--wave-name", "March 2026", "--wave-name", "October 2026")
FOLLOW_UP = (
    "continue_what_works",
    "deepen_what_works",
    "adjust_what_did_not_land",
    "replace_what_backfired",
)


@pytest.fixture
def walk(cli, tmp_path):
    """The README's walkthrough: both waves, named, with done.yaml."""
    (tmp_path / "done.yaml").write_text(DONE, encoding="utf-8")
    return (SAMPLE_SCORES, WAVE2, *NAMES, "--done", "done.yaml")


def _title(intervention: str, lang: str) -> str:
    """An intervention's title in the packaged catalogue (the new advice after the
    follow-up steps; their wording is not this test's)."""
    from ism_advisor.advice.knowledge import load_knowledge
    from ism_advisor.survey.codebook import load_codebook

    return load_knowledge(load_codebook()).interventions[intervention].title[lang]


def _section(text: str, start: str, end: str = "\n## ") -> str:
    return text.split(start, 1)[1].split(end, 1)[0]


def _non_users_change(factor: str) -> tuple[float, float, float]:
    """The non-users' change between the waves, by scipy's Welch test (difference, CI)."""
    before = pd.read_csv(SAMPLE_SCORES)
    after = pd.read_csv(WAVE2)
    x = before.loc[before.user == "no", factor].dropna()
    y = after.loc[after.user == "no", factor].dropna()
    result = stats.ttest_ind(y, x, equal_var=False)
    interval = result.confidence_interval()
    return y.mean() - x.mean(), interval.low, interval.high


def _adoption(lang: str) -> dict[str, str]:
    """The adoption change between the waves: shares, and the difference with Newcombe's
    interval (statsmodels), as the report writes them."""
    before, after = pd.read_csv(SAMPLE_SCORES), pd.read_csv(WAVE2)
    users = [(f.user == "yes").sum() for f in (before, after)]
    low, high = confint_proportions_2indep(
        users[1], len(after), users[0], len(before), method="newcomb", compare="diff"
    )
    difference = users[1] / len(after) - users[0] / len(before)
    return {
        "before": format_figure(users[0] / len(before), "percent", lang),
        "after": format_figure(users[1] / len(after), "percent", lang),
        "change": format_figure(difference * 100, "signed", lang),
        "low": format_figure(low * 100, "signed", lang),
        "high": format_figure(high * 100, "signed", lang),
    }


def _row(factor: str, label: str, gap: str, verdict: str, lang: str = "en") -> str:
    difference, low, high = _non_users_change(factor)
    before = pd.read_csv(SAMPLE_SCORES)
    after = pd.read_csv(WAVE2)
    means = [f.loc[f.user == "no", factor].mean() for f in (before, after)]
    figure = lambda v, kind="number": format_figure(v, kind, lang)  # noqa: E731
    return (
        f"| {label} | {figure(means[0])} → {figure(means[1])} | {figure(difference, 'signed')}"
        f" | {figure(low, 'signed')} – {figure(high, 'signed')} | {gap} | {verdict} |"
    )


def test_the_walkthrough_in_english(cli, walk):
    result = cli(*walk, "--format", "md", "-o", "-")
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    summary = _section(text, "## Executive summary\n\n")
    first, second = summary.split("\n\n")[:2]
    assert first == (
        "Adoption rose from {before} to {after} ({change} percentage points, 95% CI {low} to"
        " {high}): a measurable rise.".format(**_adoption("en"))
    )
    assert first == (
        "Adoption rose from 41% to 50% (+9.50 percentage points, 95% CI +3.85 to +15.07):"
        " a measurable rise."
    )
    assert second == (
        "Significant changes since March 2026: Effort expectancy, non-users: −0.31 (better);"
        " Effort expectancy, everyone: −0.22 (better); Effort expectancy, the gap: −0.26"
        " (better); Colleague influence, non-users: +0.23 (better); Colleague influence,"
        " everyone: +0.22 (better)."
    )
    plan = _section(text, "## Action plan\n\n")
    done = _section(plan, "### What was done and what it did\n\n", "### What next")
    assert done.split("\n\n")[0] == (
        "Each intervention carried out since the previous survey, with the change between"
        " March 2026 and October 2026 on each factor it addresses: among non-users and in the"
        " gap between users and non-users, with its 95% confidence interval. The verdict rests"
        " on the Holm-adjusted p-values (see Method)."
    )
    assert re.findall(r"^#### (.*)$", done, re.M) == [
        "Bring the platform to where people already work",
        "Build a network of champions across all teams",
        "Have managers and senior leaders post and reply visibly every week",
    ]
    rows = [line for line in done.splitlines() if line.startswith("| ") and "→" in line]
    assert rows == [
        _row(
            "effort_expectancy",
            "Effort expectancy",
            "0.40 → 0.13 | −0.26 | −0.42 – −0.11",
            "improved",
        ),
        _row(
            "colleague_influence",
            "Colleague influence",
            "0.55 → 0.44 | −0.11 | −0.26 – +0.04",
            "improved",
        ),
        _row(
            "manager_influence",
            "Manager influence",
            "0.57 → 0.47 | −0.10 | −0.27 – +0.07",
            "no measurable change",
        ),
    ]
    assert rows[0] == (
        "| Effort expectancy | 3.05 → 2.74 | −0.31 | −0.41 – −0.21 | 0.40 → 0.13 | −0.26"
        " | −0.42 – −0.11 | improved |"
    )
    assert "stays hidden here" not in done  # nothing hidden among everyone
    after = plan.split("### What next\n\n", 1)[1]
    assert after.startswith(
        "The follow-up rules' next step for what was done (continue, deepen, adjust or"
        " replace), and the advice on the latest survey; nothing carried out is advised again"
        " as new.\n\n"
    )
    assert re.findall(r"^#### (\d+\. .*)$", after, re.M) == [
        "1. Deepen what worked and reach the rest",
        "2. Find out why the action did not land, and adjust it",
        "3. Continue what worked and make it part of the routine",
        f"4. {_title('start_in_team_groups', 'en')}",
        f"5. {_title('executives_on_rollout_team', 'en')}",
    ]
    assert (
        "- Since the action “Build a network of champions across all teams” on Colleague"
        " influence, non-users improved by 0.23 points and the gap with users changed by −0.11,"
        " but the gap remains (g = 0.66, p < 0.001)." in after
    )
    assert (
        "- Since the action “Have managers and senior leaders post and reply visibly every"
        " week” on Manager influence, nothing changed measurably (the gap with users changed by"
        " −0.10, p = 0.835) and the gap remains (g = 0.65)." in after
    )
    assert (
        "- Since the action “Bring the platform to where people already work” on Effort"
        " expectancy, non-users improved by 0.31 points and the gap with users changed by −0.26;"
        " there is no measurable gap any more (p = 0.052)." in after
    )
    # nothing carried out comes back as new: not its title, not its first step
    for title in (
        "Build a network of champions across all teams",
        "Have managers and senior leaders post and reply visibly every week",
        "Bring the platform to where people already work",
    ):
        assert f". {title}\n" not in text
    assert "Recruit at least one champion per team" not in text
    assert "More of the same rarely helps" in after  # the adjust step's own text, not review's
    assert "review_what_did_not_land" not in text and "keep_up_what_works" not in text
    method = _section(text, "## Method\n\n")
    assert (
        "What was done and what it did: a factor addressed by an intervention carried out"
        " improved when the non-users' change between the last two waves is significant after"
        " Holm correction (below alpha = 0.05) and for the better, or, when theirs is not"
        " significant, when the gap between users and non-users narrowed significantly;"
    ) in method


def test_the_walkthrough_in_dutch(cli, walk):
    names = ("--wave-name", "maart 2026", "--wave-name", "oktober 2026")
    result = cli(*walk[:2], *names, *walk[6:], "--lang", "nl", "--format", "md", "-o", "-")
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    summary = _section(text, "## Samenvatting\n\n")
    first, second = summary.split("\n\n")[:2]
    assert first == (
        "Het gebruik steeg van {before} naar {after} ({change} procentpunt, 95%-BI {low} tot"
        " {high}): een aantoonbare stijging.".format(**_adoption("nl"))
    )
    assert first == (
        "Het gebruik steeg van 41% naar 50% (+9,50 procentpunt, 95%-BI +3,85 tot +15,07):"
        " een aantoonbare stijging."
    )
    assert second.startswith(
        "Significante veranderingen sinds maart 2026: Verwachte inspanning, niet-gebruikers:"
        " −0,31 (beter); "
    )
    plan = _section(text, "## Actieplan\n\n")
    done = _section(plan, "### Wat is gedaan en wat het opleverde\n\n", "### Wat nu")
    assert re.findall(r"^#### (.*)$", done, re.M) == [
        "Breng het platform naar de plek waar al gewerkt wordt",
        "Bouw een netwerk van ambassadeurs in alle teams",
        "Laat leidinggevenden wekelijks zichtbaar actief zijn",
    ]
    rows = [line for line in done.splitlines() if line.startswith("| ") and "→" in line]
    assert rows == [
        _row(
            "effort_expectancy",
            "Verwachte inspanning",
            "0,40 → 0,13 | −0,26 | −0,42 – −0,11",
            "verbeterd",
            "nl",
        ),
        _row(
            "colleague_influence",
            "Ervaren groepsdruk (collega's)",
            "0,55 → 0,44 | −0,11 | −0,26 – +0,04",
            "verbeterd",
            "nl",
        ),
        _row(
            "manager_influence",
            "Ervaren groepsdruk (managers)",
            "0,57 → 0,47 | −0,10 | −0,27 – +0,07",
            "geen aantoonbare verandering",
            "nl",
        ),
    ]
    after = plan.split("### Wat nu\n\n", 1)[1]
    assert after.startswith(
        "De volgende stap die de vervolgregels adviseren voor wat is gedaan (voortzetten,"
        " verdiepen, bijstellen of vervangen), en het advies op de laatste meting; niets wat is"
        " uitgevoerd, wordt opnieuw als nieuw geadviseerd.\n\n"
    )
    assert re.findall(r"^#### (\d+\. .*)$", after, re.M) == [
        "1. Bouw verder op wat werkte en bereik ook de rest",
        "2. Zoek uit waarom de aanpak niet aansloeg, en stel hem bij",
        "3. Zet voort wat werkte en maak het vast onderdeel van het werk",
        f"4. {_title('start_in_team_groups', 'nl')}",
        f"5. {_title('executives_on_rollout_team', 'nl')}",
    ]
    assert (
        "- Sinds de aanpak “Laat leidinggevenden wekelijks zichtbaar actief zijn” op Ervaren"
        " groepsdruk (managers) veranderde er niets aantoonbaar (het verschil met gebruikers"
        " veranderde met −0,10, p = 0,835) en het verschil is er nog (g = 0,65)." in after
    )


def test_no_measurable_adoption_change_is_said_so(cli, walk):
    """Gemeente Rivierstad's adoption rose by ten points, but its interval includes zero."""
    document = cli.json(*walk, "--segment-by", "organisation")
    (segment,) = [s for s in document["segments"] if s["value"] == "Gemeente Rivierstad"]
    change = segment["adoption_change"]
    assert change["ci_low"] < 0 < change["difference"]
    result = cli(
        *walk,
        "--segment-by",
        "organisation",
        "--per-segment",
        "briefs",
        "--brief",
        "--format",
        "md",
        "-o",
        "all.md",
    )
    assert result.exit_code == 0, result.stderr
    brief = (cli.folder / "briefs" / "organisation-gemeente-rivierstad.md").read_text(
        encoding="utf-8"
    )
    since = _section(brief, "## Since the last survey\n\n")
    assert since.splitlines()[0].endswith("): no measurable change.")
    assert since.splitlines()[0].startswith("- Adoption went from ")


def test_a_done_intervention_is_never_advised_as_new_in_any_segment(cli, walk):
    document = cli.json(*walk, "--segment-by", "organisation", "--explain-all")
    shown = [s for s in document["segments"] if not s["suppressed"]]
    assert len(shown) == 4
    for segment in shown:
        advised = [r["intervention"] for r in segment["recommendations"]]
        assert not set(advised) & set(DONE_IDS), (segment["value"], advised)
        # explain-all says why, for a done intervention a rule recommended
        for entry in segment["why_not"]:
            if entry["intervention"] in DONE_IDS:
                fired = [r for r in entry["rules"] if r["fired"]]
                for rule in fired:
                    assert rule["reasons"][-1] == (
                        "it was carried out since the previous survey (--done), so it is not"
                        " advised again as new: the report says what it did"
                    )
    overall = document["segments"][0]
    whys = {e["intervention"]: e for e in overall["why_not"]}
    assert [r["rule"] for r in whys["champions_network"]["rules"] if r["fired"]] == [
        "social_influence_leads",
        "colleagues_less_visible",
    ]
    # without --done the same rule advises the champions again: the filter is --done's
    plain = cli.json(SAMPLE_SCORES, WAVE2, *NAMES)
    assert "champions_network" in [
        r["intervention"] for r in plain["segments"][0]["recommendations"]
    ]


def test_the_json_done_part(cli, walk):
    document = cli.json(*walk, "--segment-by", "organisation")
    overall = document["segments"][0]
    assert [d["intervention"] for d in overall["done"]] == list(DONE_IDS)
    assert [list(d) for d in overall["done"]] == [["intervention", "title", "factors"]] * 3
    effort = overall["done"][0]["factors"]
    assert [list(f) for f in effort] == [["factor", "outcome", "non_users", "gap"]]
    assert effort[0]["factor"] == "effort_expectancy"
    assert effort[0]["outcome"] == "improved"
    assert list(effort[0]["non_users"]) == [
        "from_mean",
        "to_mean",
        "difference",
        "ci_low",
        "ci_high",
        "p_holm",
    ]
    difference, low, high = _non_users_change("effort_expectancy")
    assert effort[0]["non_users"]["difference"] == pytest.approx(difference, abs=1e-12)
    assert effort[0]["non_users"]["ci_low"] == pytest.approx(low, abs=1e-9)
    assert effort[0]["non_users"]["ci_high"] == pytest.approx(high, abs=1e-9)
    assert [[f["outcome"] for f in d["factors"]] for d in overall["done"]] == [
        ["improved"],
        ["improved"],
        ["no_change"],
    ]
    # the same figures as the segment's change rows (the last two waves)
    gap = next(
        c for c in overall["changes"] if c["factor"] == "effort_expectancy" and c["group"] == "gap"
    )
    assert effort[0]["gap"] == {k: gap[k] for k in effort[0]["gap"]}
    # a hidden segment has nothing to say: every factor hidden
    for segment in document["segments"]:
        if segment["suppressed"]:
            assert {f["outcome"] for d in segment["done"] for f in d["factors"]} == {"hidden"}
    # one survey: no done part at all (the document as it always was)
    single = cli.json(SAMPLE_SCORES)
    assert "done" not in single["segments"][0]


def _order(text: str, *markers: str) -> list[int]:
    return [text.index(m) for m in markers]


def test_since_comes_before_the_action_plan_in_every_format(cli, walk):
    """HTML, PDF, Markdown, the deck and the briefs (html, md, pptx)."""
    assert cli(*walk, "-o", "f.html", "-q").exit_code == 0
    html = (cli.folder / "f.html").read_text(encoding="utf-8")
    since, actions = _order(html, '<section id="since">', '<section id="actions">')
    assert since < actions
    done, next_ = _order(html, ">What was done and what it did</h3>", "<h3>What next</h3>")
    assert actions < done < next_ < html.index("<h4>1. Deepen what worked and reach the rest</h4>")
    summary = html.split('<section id="summary">')[1].split("</section>")[0]
    assert summary.index('<p class="lead">Adoption rose from 41% to 50%') < summary.index(
        '<ul class="summary-figures">'
    )

    assert cli(*walk, "-o", "f.md", "-q").exit_code == 0
    md = (cli.folder / "f.md").read_text(encoding="utf-8")
    assert md.index("## Since the last survey") < md.index("## Action plan")

    assert cli(*walk, "-o", "f.pdf", "-q").exit_code == 0
    pdf = subprocess.run(
        ["pdftotext", str(cli.folder / "f.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert pdf.index("Since the last survey") < pdf.index("Action plan")
    assert (
        pdf.index("Action plan")
        < pdf.index("What was done and what it did")
        < pdf.index("What next")
    )

    assert cli(*walk, "-o", "f.pptx", "-q").exit_code == 0
    deck = Presentation(io.BytesIO((cli.folder / "f.pptx").read_bytes()))
    titles = [s.shapes.title.text for s in deck.slides]
    first_since = titles.index("Since the last survey: adoption")
    assert first_since < titles.index("What was done and what it did")
    assert titles.index("What was done and what it did") + 1 == titles.index(
        "Action plan: what next"
    )
    summary = next(s for s in deck.slides if s.shapes.title.text == "Summary")
    body = [p.text for shape in summary.placeholders for p in shape.text_frame.paragraphs]
    assert body[1].startswith("Adoption rose from 41% to 50% (+9.50 percentage points")
    assert body[2].startswith("Significant changes since March 2026: ")

    for fmt in ("md", "html"):
        result = cli(
            *walk,
            "--segment-by",
            "organisation",
            "--per-segment",
            f"b-{fmt}",
            "--brief",
            "--format",
            fmt,
            "-o",
            f"all.{fmt}",
            "-q",
        )
        assert result.exit_code == 0, result.stderr
        brief = (cli.folder / f"b-{fmt}" / f"organisation-technobouw.{fmt}").read_text(
            encoding="utf-8"
        )
        assert brief.index("Since the last survey") < brief.index("What you can do")
    brief_md = (cli.folder / "b-md" / "organisation-technobouw.md").read_text(encoding="utf-8")
    assert _section(brief_md, "## Since the last survey\n\n").splitlines()[1:] == [
        "- Bring the platform to where people already work – Effort expectancy: improved",
        "- Build a network of champions across all teams – Colleague influence: improved",
        "- Have managers and senior leaders post and reply visibly every week – Manager"
        " influence: no measurable change",
    ]
    result = cli(
        *walk,
        "--segment-by",
        "organisation",
        "--per-segment",
        "b-pptx",
        "--brief",
        "--format",
        "pptx",
        "-o",
        "all.pptx",
        "-q",
    )
    assert result.exit_code == 0, result.stderr
    slide = Presentation(
        io.BytesIO((cli.folder / "b-pptx" / "organisation-technobouw.pptx").read_bytes())
    ).slides[0]
    texts = [
        p.text
        for shape in slide.shapes
        if shape.has_text_frame
        for p in shape.text_frame.paragraphs
    ]
    assert texts.index("Since the last survey") < texts.index("What you can do")


def test_explain_agrees_with_the_report(cli, walk):
    document = cli.json(*walk)
    plan = [r["intervention"] for r in document["segments"][0]["recommendations"]]
    result = cli("explain", *walk, "--intervention", "champions_network")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "'champions_network' was carried out since the previous survey (--done): it is not"
        " advised again as new for all respondents; the report's action plan says what it did"
    )
    done = (
        ": it was carried out since the previous survey (--done), so it is not advised again"
        " as new: the report says what it did"
    )
    assert [line.split(": ", 2)[1] for line in lines if line.endswith(done)] == [
        "social_influence_leads",
        "colleagues_less_visible",
    ]
    for place, intervention in enumerate(plan, start=1):
        result = cli("explain", *walk, "--intervention", intervention)
        assert result.exit_code == 0, result.stderr
        assert result.stdout.splitlines()[0] == (
            f"'{intervention}' is advised for all respondents: action {place} of {len(plan)}"
        )
    dutch = cli("explain", *walk, "--intervention", "leaders_work_out_loud", "--lang", "nl")
    assert dutch.stdout.splitlines()[0] == (
        "'leaders_work_out_loud' is sinds de vorige meting uitgevoerd (--done): het wordt niet"
        " opnieuw als nieuw geadviseerd voor alle respondenten; het actieplan van het rapport"
        " zegt wat het opleverde"
    )
    # --done needs waves, as for the advice
    alone = cli("explain", SAMPLE_SCORES, "--intervention", "x", "--done", "done.yaml")
    assert alone.exit_code == 2
    assert alone.stderr.splitlines()[-1] == (
        "Error: --done needs two or more survey files, or --wave-by COL"
    )


@pytest.mark.parametrize(
    ("figures", "outcome"),
    [
        # the non-users' own change decides when it is significant
        (
            {
                "non_users_change": 0.3,
                "non_users_significant": True,
                "gap_change": 0.1,
                "change_significant": True,
            },
            "improved",
        ),
        (
            {
                "non_users_change": -0.3,
                "non_users_significant": True,
                "gap_change": -0.2,
                "change_significant": True,
            },
            "worse",
        ),
        # else a significant change in the gap
        (
            {
                "non_users_change": 0.1,
                "non_users_significant": False,
                "gap_change": -0.2,
                "change_significant": True,
            },
            "improved",
        ),
        (
            {
                "non_users_change": -0.1,
                "non_users_significant": False,
                "gap_change": 0.2,
                "change_significant": True,
            },
            "worse",
        ),
        (
            {
                "non_users_change": 0.1,
                "non_users_significant": False,
                "gap_change": -0.2,
                "change_significant": False,
            },
            "no_change",
        ),
        # a figure missing (not shown, or no p-value): no verdict
        ({"gap_change": -0.2, "change_significant": True}, None),
        (
            {
                "non_users_change": 0.1,
                "non_users_significant": None,
                "gap_change": -0.2,
                "change_significant": True,
            },
            None,
        ),
        (
            {
                "non_users_change": 0.1,
                "non_users_significant": False,
                "gap_change": -0.2,
                "change_significant": None,
            },
            None,
        ),
    ],
)
def test_the_verdict(figures, outcome):
    from ism_advisor.protect.followup import outcome as verdict

    assert verdict(figures) == outcome


def test_a_factor_hidden_or_not_measured_gets_no_verdict():
    """The done part of a segment whose change of one factor is not shown (anonymity) and
    whose other factor has no scores in a wave."""
    from types import SimpleNamespace

    from ism_advisor.advice.document import done_effects
    from ism_advisor.advice.knowledge import load_knowledge
    from ism_advisor.survey.codebook import load_codebook

    knowledge = load_knowledge(load_codebook())
    document = {"factors": [{"id": f} for f in knowledge.codebook.factor_ids]}
    follow = SimpleNamespace(
        waves=("a", "b"),
        left_out=("privacy_concern",),
        done=("leaders_work_out_loud", "publish_usage_policy", "champions_network"),
    )
    row = {
        "from_wave": "a",
        "to_wave": "b",
        "from_mean": 3.0,
        "to_mean": 3.2,
        "difference": 0.2,
        "ci_low": 0.1,
        "ci_high": 0.3,
        "p_holm": 0.01,
    }
    entry = {
        "changes": [
            {**row, "factor": "colleague_influence", "group": "non_users"},
            {**row, "factor": "colleague_influence", "group": "gap", "difference": -0.2},
        ],
        "outcomes": {"colleague_influence": "improved"},
    }
    done = done_effects(document, follow, entry, knowledge, "en")
    assert [
        (d["intervention"], [(f["factor"], f["outcome"]) for f in d["factors"]]) for d in done
    ] == [
        ("leaders_work_out_loud", [("manager_influence", "hidden")]),
        ("publish_usage_policy", [("privacy_concern", "not_measured")]),
        ("champions_network", [("colleague_influence", "improved")]),
    ]
    assert done[0]["factors"][0]["non_users"] is None
    assert done[2]["factors"][0]["gap"]["difference"] == -0.2
    json.dumps(done)  # plain JSON


def test_a_hidden_change_says_so_in_the_report():
    document = {
        "settings": {"lang": "en", "alpha": 0.05},
        "factors": [],
        "waves": {"names": ["a", "b"], "files": [], "left_out": [], "rules": [], "done": []},
    }
    segment = {
        "done": [
            {
                "intervention": "leaders_work_out_loud",
                "title": "Managers",
                "factors": [
                    {
                        "factor": "manager_influence",
                        "outcome": "hidden",
                        "non_users": None,
                        "gap": None,
                    }
                ],
            }
        ],
        "adoption_change": None,
    }
    from ism_advisor.render.context.since import since_context

    since = since_context(
        document, segment, lambda m, **p: m.format(**p) if p else m, "en", charts=False
    )
    assert since is not None and since.done_hidden
    assert since.done_effects[0].factors[0].verdict == "not shown (anonymity)"
    assert since.lead == (
        "The change in adoption since the previous survey is not shown (anonymity).",
        "The changes since a are not shown (anonymity).",  # not: no significant change
    )


def test_the_waves_reversed_give_worse_and_replace(cli, walk):
    """The sample's waves in the other order: what improved now got worse, adoption fell,
    and the follow-up step is to stop and replace (the non-users' change decides)."""
    names = ("--wave-name", "October 2026", "--wave-name", "April 2027")
    result = cli(WAVE2, SAMPLE_SCORES, *names, "--done", "done.yaml", "--format", "md", "-o", "-")
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    summary = _section(text, "## Executive summary\n\n")
    assert summary.split("\n\n")[0] == (
        "Adoption fell from 50% to 41% (−9.50 percentage points, 95% CI −15.07 to −3.85): a"
        " measurable fall."
    )
    done = _section(text, "### What was done and what it did\n\n", "### What next")
    verdicts = [line.split(" | ")[-1].rstrip(" |") for line in done.splitlines() if "→" in line]
    assert verdicts == ["worse", "worse", "no measurable change"]
    document = cli.json(WAVE2, SAMPLE_SCORES, *names, "--done", "done.yaml")
    plan = {r["intervention"]: r for r in document["segments"][0]["recommendations"]}
    assert sorted(plan["replace_what_backfired"]["factors"]) == [
        "colleague_influence",
        "effort_expectancy",
    ]
    assert plan["replace_what_backfired"]["rules"] == ["replace_after_worsening"]
    assert "adjust_what_did_not_land" in plan  # the managers: no change, the gap remains
    assert not set(plan) & set(DONE_IDS)
    assert not set(plan) & {"continue_what_works", "deepen_what_works"}


def test_explain_agrees_with_the_report_on_one_survey_too(cli):
    """explain ranks the plan as the advice does, with the driver analysis: on the sample
    the team groups come fifth, after the relaunch and the executives (they were third)."""
    document = cli.json(SAMPLE_SCORES)
    plan = [r["intervention"] for r in document["segments"][0]["recommendations"]]
    assert plan.index("start_in_team_groups") == 4
    for place, intervention in enumerate(plan, start=1):
        result = cli("explain", SAMPLE_SCORES, "--intervention", intervention)
        assert result.exit_code == 0, result.stderr
        assert result.stdout.splitlines()[0] == (
            f"'{intervention}' is advised for all respondents: action {place} of {len(plan)}"
        )


def test_changes_hidden_for_anonymity_stay_hidden_and_say_so(cli, walk):
    """Departments within organisations at a minimum group of 10: a department shown in the
    latest wave whose changes are hidden gets no verdict, and its report says why."""
    args = (*walk, "--segment-by", "organisation+department", "--min-group-size", "10")
    document = cli.json(*args)
    (segment,) = [s for s in document["segments"] if s["value"] == "Zorggroep Oost / Facilitair"]
    assert not segment["suppressed"] and segment["changes"] == []
    assert [[f["outcome"] for f in d["factors"]] for d in segment["done"]] == [["hidden"]] * 3
    assert all(
        f["non_users"] is None and f["gap"] is None for d in segment["done"] for f in d["factors"]
    )
    result = cli(*args, "--per-segment", "each", "--format", "md", "-o", "all.md", "-q")
    assert result.exit_code == 0, result.stderr
    report = cli.folder / "each" / "organisation-department-zorggroep-oost-facilitair.md"
    text = report.read_text(encoding="utf-8")
    summary = _section(text, "## Executive summary\n\n").split("\n\n")
    assert summary[:2] == [
        "The change in adoption since the previous survey is not shown (anonymity).",
        "The changes since March 2026 are not shown (anonymity).",
    ]
    done = _section(text, "### What was done and what it did\n\n", "### What next")
    assert done.count("| – | – | – | – | – | – | not shown (anonymity) |") == 3
    assert done.rstrip().endswith(
        "A change hidden to protect small groups (anonymity) stays hidden here: it gets no verdict."
    )
