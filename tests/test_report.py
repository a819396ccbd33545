"""The advice report: every section's content, in both languages, in every format."""

from __future__ import annotations

import decimal
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pingouin as pg
import pytest
from babel.numbers import format_percent
from scipy import stats

from accessibility import chromium, need
from conftest import ROOT, SAMPLE_RESPONSES, SAMPLE_SCORES
from ism_advisor import load_codebook, load_survey
from ism_advisor.app.pipeline import advise
from ism_advisor.render.context.model import context_help
from ism_advisor.render.names import segment_file_names

ARTIFACTS = ROOT / "tests" / "artifacts"
SECTIONS = [
    "summary",
    "charts",
    "findings",
    "drivers",
    "actions",
    "segments",
    "correlations",
    "method",
    "explanation",
]
HEADINGS = {
    "en": [
        "Executive summary",
        "Users and non-users compared",
        "Findings per factor",
        "What matters most for use",
        "Action plan",
        "Segment overview",
        "How the factors hang together",
        "Method",
        "Why these actions: the rules that fired",
    ],
    "nl": [
        "Samenvatting",
        "Gebruikers en niet-gebruikers vergeleken",
        "Bevindingen per factor",
        "Wat het gebruik het meest bepaalt",
        "Actieplan",
        "Overzicht per segment",
        "Hoe de factoren samenhangen",
        "Methode",
        "Waarom deze acties: de regels die van toepassing waren",
    ],
}


def reference(path: Path) -> dict:
    """The figures of all respondents computed here with pandas, scipy and pingouin (not
    read from our own output): per factor, users' and non-users' means, the gap, Hedges'
    g, the Holm-adjusted p-value and Cronbach's α of its items; and the correlations."""
    survey = load_survey(path, load_codebook(), [])
    scores, users = survey.scores, np.asarray(survey.is_user, dtype=bool)
    out: dict = {"respondents": len(scores), "factors": {}}
    for factor in survey.codebook.factors:
        column = scores[factor.id]
        user, non_user = column[users].dropna(), column[~users].dropna()
        better, worse = (user, non_user) if factor.higher_is_better else (non_user, user)
        out["factors"][factor.id] = {
            "label": factor.label,
            "users_mean": user.mean(),
            "non_users_mean": non_user.mean(),
            "gap": better.mean() - worse.mean(),
            "g": pg.compute_effsize(better, worse, eftype="hedges"),
            "p": stats.ttest_ind(better, worse, equal_var=False).pvalue,
            "alpha": (
                pg.cronbach_alpha(survey.items[factor.id].dropna())[0]
                if factor.id in survey.items
                else None
            ),
        }
    p_holm = pg.multicomp([f["p"] for f in out["factors"].values()], method="holm")[1]
    for figures, adjusted in zip(out["factors"].values(), p_holm, strict=True):
        figures["p_holm"] = adjusted
    out["correlations"] = scores.corr()
    return out


def number(value: float, lang: str = "en") -> str:
    """Two decimals the way the report writes them (a true minus sign; nl: comma)."""
    text = f"{abs(value):.2f}"
    text = text.replace(".", ",") if lang == "nl" else text
    return ("\u2212" if value < 0 else "") + text


@pytest.fixture(scope="module")
def responses() -> dict:
    return reference(SAMPLE_RESPONSES)


class Page(HTMLParser):
    """Text per section, headings, and every element seen."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.sections: dict[str, list[str]] = {}
        self.order: list[str] = []
        self.headings: list[tuple[str, str]] = []
        self.tags: list[tuple[str, dict]] = []
        self._section: str | None = None
        self._heading: str | None = None
        self._text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if self._section:
            self.sections[self._section].append(" ")
        if tag == "section":
            self._section = attributes.get("id")
            self.order.append(self._section)
            self.sections[self._section] = []
        if tag in ("h1", "h2", "h3"):
            self._heading, self._text = tag, []

    def handle_endtag(self, tag):
        if tag == self._heading:
            self.headings.append((tag, "".join(self._text).strip()))
            self._heading = None
        if tag == "section":
            self._section = None

    def handle_data(self, data):
        if self._heading:
            self._text.append(data)
        if self._section:
            self.sections[self._section].append(data)

    def text(self, section: str) -> str:
        return re.sub(r"\s+", " ", "".join(self.sections[section]))


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """The segmented sample report in both languages, rendered once."""
    from click.testing import CliRunner

    from ism_advisor.cli import main

    folder = tmp_path_factory.mktemp("reports")
    out = {}
    for lang in ("en", "nl"):
        target = folder / f"report-{lang}.html"
        result = CliRunner().invoke(
            main,
            [
                str(SAMPLE_RESPONSES),
                "--segment-by",
                "organisation+department",
                "--lang",
                lang,
                "--title",
                "ISM-advies",
                "--client",
                "Zorggroep & Co",
                "--date",
                "2026-11-27",
                "-o",
                str(target),
            ],
            catch_exceptions=False,
        )
        assert result.exit_code == 0, result.stderr
        out[lang] = target.read_text(encoding="utf-8")
    return out


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_sections_come_in_order_with_translated_headings(reports, lang):
    page = Page(reports[lang])
    assert page.order == SECTIONS
    assert [text for tag, text in page.headings if tag == "h2"] == HEADINGS[lang]
    assert ("html", {"lang": lang}) in page.tags


@pytest.mark.parametrize(
    ("lang", "date"), [("en", "November 27, 2026"), ("nl", "27 november 2026")]
)
def test_title_block(reports, lang, date):
    page = Page(reports[lang])
    assert page.headings[0] == ("h1", "ISM-advies")
    assert "Zorggroep &amp; Co" in reports[lang]
    assert f'<p class="date">{date}</p>' in reports[lang]


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_executive_summary(reports, responses, lang):
    text = Page(reports[lang]).text("summary")
    document = advise(SAMPLE_RESPONSES, lang=lang).document
    overall = document["segments"][0]
    with decimal.localcontext() as context:  # halves away from zero, as reports round
        context.rounding = decimal.ROUND_HALF_UP
        rate = format_percent(overall["adoption_rate"], format="0%", locale=lang)
    significant = sum(f["p_holm"] < 0.05 for f in responses["factors"].values())
    assert str(responses["respondents"]) in text and rate in text
    assert f"{significant} / 7" in text
    labels = {f["id"]: f["label"] for f in document["factors"]}
    lever = text.index(labels["colleague_influence"]), text.index(labels["manager_influence"])
    assert lever[0] < lever[1]
    for recommendation in overall["recommendations"][:3]:
        assert recommendation["title"] in text


def test_charts_are_inline_svg(reports):
    page = Page(reports["en"])
    svgs = [attrs for tag, attrs in page.tags if tag == "svg"]
    assert len(svgs) == 3  # means, effects, and the priority matrix (tests/test_importance.py)
    assert all(attrs.get("role") == "img" for attrs in svgs)
    # the size the matplotlib figures had: 7 inches wide, in points
    assert all(attrs.get("width") == "504.0pt" for attrs in svgs)
    charts = reports["en"].split('<section id="charts">')[1].split("</section>")[0]
    assert "Colleague influence" in charts and "mean score" in charts
    # axes with round-numbered ticks, in the report's language: the means' whole points of
    # the scale (1 to 5, issue 25), then the effect sizes'
    ticks = re.findall(r'text-anchor="middle">(\d(?:[.,]\d)?)</text>', charts)
    assert ticks[:8] == ["1", "2", "3", "4", "5", "0.0", "0.2", "0.4"]
    nl = reports["nl"].split('id="charts"')[1].split("</section>")[0]
    ticks = re.findall(r'text-anchor="middle">(\d(?:[.,]\d)?)</text>', nl)
    assert ticks[:8] == ["1", "2", "3", "4", "5", "0,0", "0,2", "0,4"]
    assert "Ervaren groepsdruk (collega" in reports["nl"].split('id="charts"')[1]
    assert "gemiddelde score" in reports["nl"]


@pytest.mark.parametrize(
    ("lang", "significant", "not_significant"),
    [
        ("en", "significant after Holm correction", "not significant after Holm correction"),
        ("nl", "significant na Holm-correctie", "niet significant na Holm-correctie"),
    ],
)
def test_findings_per_factor(reports, lang, significant, not_significant):
    text = Page(reports[lang]).text("findings")
    parts = re.split(r"(?=Non-users score|Niet-gebruikers scoren)", text)[1:]
    assert len(parts) == 7
    assert all(significant in part for part in parts[:6])
    assert not_significant in parts[6]


def test_action_plan_in_both_languages(reports, responses):
    en, nl = Page(reports["en"]).text("actions"), Page(reports["nl"]).text("actions")
    assert en.index("1. Build a network of champions across all teams") < en.index(
        "2. Have managers and senior leaders post and reply visibly every week"
    )
    assert "1. Bouw een netwerk van ambassadeurs in alle teams" in nl
    for text, words in (
        (en, ["Priority: high", "Owner: Community manager", "Why", "Steps", "Evidence:"]),
        (
            nl,
            [
                "Prioriteit: hoog",
                "Eigenaar: Communitymanager",
                "Waarom",
                "Stappen",
                "Onderbouwing:",
            ],
        ),
    ):
        for word in words:
            assert word in text
    # the champions' reason: the gap in visible colleagues
    g = responses["factors"]["colleague_influence"]["g"]
    assert f"g = {number(g)}" in en and f"g = {number(g, 'nl')}" in nl


def test_segment_overview_marks_hidden_segments(reports):
    page = Page(reports["en"])
    text = page.text("segments")
    assert "Gemeente Rivierstad / Directie" in text
    rows = reports["en"].split('<table class="heatmap">')[1].split("</table>")[0].split("<tr")
    hidden = [r for r in rows if 'class="suppressed"' in r]
    assert len(hidden) == 2
    for row in hidden:
        assert "not shown (anonymity)" in row
        assert not re.search(r"\d\.\d\d", row)  # no figure of a hidden segment
    shown = [
        r
        for r in rows
        if '<th scope="row">' in r and 'class="suppressed"' not in r and "Respondents" not in r
    ]
    assert len(shown) == 8
    assert all('class="cell pos' in r or 'class="cell none' in r for r in shown)


@pytest.mark.parametrize(
    ("lang", "header", "key"),
    [
        (
            "nl",
            '<th scope="col" class="factor"><abbr title="Ervaren groepsdruk (collega&#39;s)">'
            "Collega&#39;s</abbr></th>",
            "<strong>Leiding</strong>: Ervaren groepsdruk (managers)",
        ),
        (
            "en",
            '<th scope="col" class="factor"><abbr title="Colleague influence">Colleagues</abbr>'
            "</th>",
            "<strong>Managers</strong>: Manager influence",
        ),
    ],
)
def test_dense_tables_show_short_labels_with_the_full_name_beside_them(reports, lang, header, key):
    html = reports[lang]
    segments = html.split('<section id="segments">')[1].split("</section>")[0]
    assert header in segments
    # a short name that is the full name ("Privacy" in Dutch) needs no abbr
    privacy = '<th scope="col" class="factor">Privacy</th>'
    assert (privacy in segments) == (lang == "nl")
    assert '<p class="note factor-key">' in segments and key in segments
    correlations = html.split('<section id="correlations">')[1].split("</section>")[0]
    assert header.replace(' class="factor"', ' class="num"') in correlations
    # the proper names are marked so that they are never hyphenated
    assert '<th scope="row"><span class="name">Gemeente Rivierstad / Directie</span>' in segments
    assert '<p class="client name">Zorggroep &amp; Co</p>' in html


def test_correlations_with_a_reading(reports, responses):
    en, nl = Page(reports["en"]).text("correlations"), Page(reports["nl"]).text("correlations")
    r = responses["correlations"].loc["performance_expectancy", "effort_expectancy"]
    assert f"Performance expectancy — Effort expectancy: r = {number(r)}" in en
    assert (
        "Who scores better on Performance expectancy also tends to score better on Effort expectancy."
        in en
    )
    assert (
        "Wie gunstiger scoort op Verwachte prestatieverbetering, scoort doorgaans ook gunstiger op Verwachte inspanning."
        in nl
    )


def test_method_appendix(reports, responses):
    text = Page(reports["en"]).text("method")
    assert f"Respondents analysed: {responses['respondents']}" in text
    assert "alpha = 0.05" in text and "fewer than 5 users or non-users" in text
    for factor, figures in responses["factors"].items():
        label, alpha = figures["label"]["en"], figures["alpha"]
        flag = " below 0.7" if alpha < 0.7 else ""
        assert f"{label} {number(alpha)}{flag}" in text, factor
        if not flag:
            assert f"{label} {number(alpha)} below" not in text
    assert any(f["alpha"] < 0.7 for f in responses["factors"].values())  # one is flagged
    assert "Rules: ism-advisor's default rules (advice.yaml)" in text
    assert "Segments: organisation+department" in text
    assert "Onder 0,7" not in Page(reports["nl"]).text("method")
    assert "Samenwerking" not in text


def test_explanation_names_rules_and_figures(reports, responses):
    text = Page(reports["en"]).text("explanation")
    assert "social_influence_leads: Social proof is missing" in text
    assert "colleagues_less_visible: Non-users see fewer colleagues" in text
    c = responses["factors"]["colleague_influence"]
    assert (
        f"Colleague influence users' mean {number(c['users_mean'])}; non-users' mean"
        f" {number(c['non_users_mean'])}; gap {number(c['gap'])}; g {number(c['g'])}"
    ) in text


def test_no_english_left_in_the_dutch_report(reports):
    page = Page(reports["nl"])
    text = " ".join(page.text(s) for s in SECTIONS)
    # ("users" alone may appear: the cited sources keep their own titles)
    for english in (
        "Priority",
        "Owner",
        "Steps",
        "Evidence",
        "respondents",
        "non-users",
        "users' mean",
        "hidden",
        "significant after",
        "Why",
        "Start with",
        "below 0.7",
        "all respondents",
    ):
        assert english not in text, english


def test_markdown_has_the_content_without_charts(cli, tmp_path):
    shutil.copyfile(SAMPLE_SCORES, tmp_path / "scores.csv")
    result = cli("scores.csv", "--segment-by", "organisation", "--format", "md", "--lang", "nl")
    assert result.exit_code == 0
    text = (tmp_path / "scores-advice.md").read_text(encoding="utf-8")
    for heading in HEADINGS["nl"]:
        if heading != HEADINGS["nl"][1]:  # no charts in Markdown
            assert f"## {heading}" in text
    assert "<svg" not in text
    c = reference(SAMPLE_SCORES)["factors"]["colleague_influence"]
    assert c["p_holm"] < 0.001
    row = " | ".join(number(c[key], "nl") for key in ("users_mean", "non_users_mean", "g"))
    assert f"| Ervaren groepsdruk (collega's) | {row} | < 0,001 |" in text
    assert "### 1. Bouw een netwerk van ambassadeurs in alle teams" in text


@pytest.fixture
def hostile(tmp_path):
    """A survey with markup in a segment name, and a rule whose text holds markup."""
    text = SAMPLE_SCORES.read_text(encoding="utf-8").replace(
        "Zorggroep Oost", "<script>alert(1)</script>"
    )
    (tmp_path / "scores.csv").write_text(text, encoding="utf-8")
    rules = (ROOT / "rules" / "advice.yaml").read_text(encoding="utf-8")
    (tmp_path / "advice.yaml").write_text(
        rules.replace(
            "Non-users see fewer colleagues active on the platform",
            "Non-users see <b onclick='x()'>fewer</b> colleagues active on the platform",
        ),
        encoding="utf-8",
    )
    return tmp_path


def test_markup_in_data_and_rules_shows_as_text(cli, hostile):
    result = cli("scores.csv", "--segment-by", "organisation", "--rules", "advice.yaml")
    assert result.exit_code == 0, result.stderr
    html = (hostile / "scores-advice.html").read_text(encoding="utf-8")
    page = Page(html)
    assert [tag for tag, _ in page.tags if tag in ("script", "b")] == []
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b onclick=&#39;x()&#39;&gt;fewer&lt;/b&gt;" in html
    result = cli(
        "scores.csv", "--segment-by", "organisation", "--rules", "advice.yaml", "--format", "md"
    )
    markdown = (hostile / "scores-advice.md").read_text(encoding="utf-8")
    assert "<script>" not in markdown and "<b " not in markdown
    assert "&lt;script>alert(1)&lt;/script>" in markdown


@pytest.mark.parametrize(
    ("template", "message"),
    [
        (
            '{% extends "default:report.html" %}{% block intro %}'
            "{{ report.__class__.__mro__ }}{% endblock %}",
            "ours/report.html:1: template refused by the sandbox: access to attribute"
            " '__class__' of 'ReportContext' object is unsafe.",
        ),
        (
            '{% extends "default:report.html" %}{% block intro %}'
            '{% include "/etc/passwd" %}{% endblock %}',
            "ours/report.html:1: template not found: /etc/passwd (templates can include only"
            " files in their own folder or 'default:' templates)",
        ),
        (
            '{% extends "default:report.html" %}{% block intro %}'
            '{% include "../../../../etc/passwd" %}{% endblock %}',
            "ours/report.html:1: template not found: ../../../../etc/passwd (templates can"
            " include only files in their own folder or 'default:' templates)",
        ),
        (
            '{% extends "default:report.html" %}{% block intro %}{{ report.nothing }}'
            "{% endblock %}",
            "ours/report.html:1: template uses something the report does not have:"
            " 'ism_advisor.render.context.model.ReportContext object' has no attribute 'nothing'",
        ),
        (
            '{% extends "default:report.html" %}{% block intro %}{% if %}{% endblock %}',
            "ours/report.html:1: template error: Expected an expression, got 'end of statement"
            " block'",
        ),
    ],
    ids=["python-internals", "absolute-path", "parent-path", "undefined", "syntax"],
)
def test_organisation_templates_are_sandboxed(cli, tmp_path, template, message):
    shutil.copyfile(SAMPLE_SCORES, tmp_path / "scores.csv")
    (tmp_path / "ours").mkdir()
    (tmp_path / "ours" / "report.html").write_text(template, encoding="utf-8")
    result = cli("scores.csv", "--templates", "ours")
    assert (result.exit_code, result.stderr) == (1, message + "\n")
    assert cli.files == ["ours", "scores.csv"]


def test_a_block_override_through_templates(cli, tmp_path):
    shutil.copyfile(SAMPLE_SCORES, tmp_path / "scores.csv")
    (tmp_path / "ours").mkdir()
    (tmp_path / "ours" / "report.html").write_text(
        '{% extends "default:report.html" %}'
        '{% block logo %}<img class="logo" alt="ACME" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">{% endblock %}'
        '{% block intro %}<p class="intro">{{ report.client }} asked us why.</p>{% endblock %}'
        "{% block style %}:root { --accent: #aa0000; }{% endblock %}",
        encoding="utf-8",
    )
    result = cli("scores.csv", "--templates", "ours", "--client", "ACME")
    assert result.exit_code == 0, result.stderr
    html = (tmp_path / "scores-advice.html").read_text(encoding="utf-8")
    page = Page(html)
    assert (
        "img",
        {"class": "logo", "alt": "ACME", "src": "data:image/gif;base64,R0lGODlhAQABAAAAACw="},
    ) in page.tags
    assert '<p class="intro">ACME asked us why.</p>' in html
    assert ":root { --accent: #aa0000; }" in html
    assert page.order == [s for s in SECTIONS if s != "segments"]  # everything else still there


def test_init_starter_override_renders(cli, tmp_path):
    shutil.copyfile(SAMPLE_SCORES, tmp_path / "scores.csv")
    cli("init", "ours")
    result = cli("scores.csv", "--knowledge", "ours")
    assert result.exit_code == 0, result.stderr
    assert Page((tmp_path / "scores-advice.html").read_text(encoding="utf-8")).order == [
        s for s in SECTIONS if s != "segments"
    ]


def test_one_report_per_shown_segment(cli, tmp_path):
    shutil.copyfile(SAMPLE_SCORES, tmp_path / "scores.csv")
    result = cli("scores.csv", "--segment-by", "organisation+department", "--per-segment", "depts")
    assert result.exit_code == 0, result.stderr
    files = sorted(p.name for p in (tmp_path / "depts").iterdir())
    assert files == [
        ".ism-advisor-reports",
        "organisation-department-gemeente-rivierstad-burgerzaken.html",
        "organisation-department-gemeente-rivierstad-ict.html",
        "organisation-department-gemeente-rivierstad-ruimte.html",
        "organisation-department-technobouw-engineering.html",
        "organisation-department-technobouw-operations.html",
        "organisation-department-technobouw-sales.html",
        "organisation-department-zorggroep-oost-staf.html",
        "organisation-department-zorggroep-oost-zorg.html",
    ]
    assert result.stderr == ("8 segment reports written to depts (2 hidden segments skipped)\n")
    html = (tmp_path / "depts" / files[4]).read_text(encoding="utf-8")
    assert '<p class="scope">Organisation / Department: TechnoBouw / Engineering</p>' in html
    assert "segments" not in Page(html).order
    # a rerun with other segments replaces the earlier set
    result = cli("scores.csv", "--segment-by", "organisation", "--per-segment", "depts")
    assert sorted(p.name for p in (tmp_path / "depts").iterdir()) == [
        ".ism-advisor-reports",
        "organisation-gemeente-rivierstad.html",
        "organisation-technobouw.html",
        "organisation-zorggroep-oost.html",
    ]


@pytest.mark.parametrize(
    ("labels", "names"),
    [
        ([("department", "Sales")], ["department-sales.html"]),
        ([("department", "../../etc/passwd")], ["department-etc-passwd.html"]),
        (
            [("d", "Financiën"), ("d", "financien"), ("d", "FINANCIËN")],
            ["d-financien.html", "d-financien-2.html", "d-financien-3.html"],
        ),
        ([("d", "...")], ["d.html"]),
        ([("", "")], ["segment.html"]),
        ([("d", "a/b\\c:d")], ["d-a-b-c-d.html"]),
    ],
)
def test_segment_file_names_are_safe_and_distinct(labels, names):
    assert segment_file_names(labels, "html") == names


def test_every_context_field_is_documented():
    undocumented = [
        f"{cls}.{name}"
        for cls, fields in context_help().items()
        for name, text in fields.items()
        if len(text.strip()) < 5
    ]
    assert undocumented == []


def test_templates_command_lists_the_context(cli):
    result = cli("templates")
    assert result.exit_code == 0
    assert "ReportContext\n  lang: The report's language: 'en' or 'nl'.\n" in result.stdout
    assert "  finding: The finding in one or two plain sentences.\n" in result.stdout


# -- real renderers: PDF text, and the page in a browser ------------------------------------


@pytest.mark.parametrize(
    ("lang", "headings", "action"),
    [
        ("en", HEADINGS["en"], "Build a network of champions across all teams"),
        ("nl", HEADINGS["nl"], "Bouw een netwerk van ambassadeurs in alle teams"),
    ],
)
def test_pdf_text_has_the_headings_and_the_top_action(cli, tmp_path, lang, headings, action):
    shutil.copyfile(SAMPLE_SCORES, tmp_path / "scores.csv")
    result = cli("scores.csv", "--segment-by", "organisation", "--lang", lang, "-o", "advice.pdf")
    assert result.exit_code == 0, result.stderr
    pdf = tmp_path / "advice.pdf"
    assert pdf.read_bytes().startswith(b"%PDF-")
    text = subprocess.run(
        [need("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = re.sub(r"\s+", " ", text)
    for heading in headings:
        assert heading in flat, heading
    assert f"1. {action}" in flat
    assert re.search(r"\b1 / \d+\b", text)  # page numbers


def browse(html_path: Path, work: Path, screenshot: Path | None = None) -> tuple[list, list]:
    """Open the page in headless Chromium; its console messages and network requests."""
    netlog = work / "netlog.json"
    command = [
        *chromium(work / "profile"),
        "--disable-quic",
        "--enable-logging=stderr",
        "--v=0",
        f"--log-net-log={netlog}",
        "--virtual-time-budget=3000",
        "--window-size=1200,3000",
    ]
    command += [f"--screenshot={screenshot}"] if screenshot else ["--dump-dom"]
    result = subprocess.run(
        [*command, html_path.as_uri()], capture_output=True, text=True, timeout=120
    )
    console = [line for line in result.stderr.splitlines() if ":CONSOLE" in line]
    log = json.loads(netlog.read_text(encoding="utf-8"))
    names = {number: name for name, number in log["constants"]["logEventTypes"].items()}
    requests = [
        event["params"]["url"]
        for event in log["events"]
        if names.get(event["type"]) == "URL_REQUEST_START_JOB"
        and "url" in event.get("params", {})
        # the browser's own background requests are "not an origin"; the page's are
        and event["params"].get("initiator") != "not an origin"
    ]
    return console, requests


def test_browser_harness_sees_console_errors_and_requests(tmp_path):
    page = tmp_path / "bad.html"
    page.write_text(
        '<!DOCTYPE html><img src="http://example.com/x.png">'
        '<script>console.error("deliberate")</script>',
        encoding="utf-8",
    )
    console, requests = browse(page, tmp_path)
    assert any('"deliberate"' in line for line in console)
    assert requests == ["http://example.com/x.png"]


def test_report_opens_in_chromium_offline_without_errors(reports, tmp_path):
    page = tmp_path / "report.html"
    page.write_text(reports["nl"], encoding="utf-8")
    ARTIFACTS.mkdir(exist_ok=True)
    screenshot = ARTIFACTS / "report-nl.png"
    console, requests = browse(page, tmp_path, screenshot)
    assert console == []
    assert requests == []
    assert screenshot.stat().st_size > 50_000
    print(f"screenshot: {screenshot}")


def test_segment_reports_in_parallel_are_the_same_as_one_by_one():
    from ism_advisor.app.write import render_segments, segment_reports

    document = advise(SAMPLE_SCORES, segment_by=["organisation+department"]).document
    segments = [index for _, index in segment_reports(document, "md")]
    assert len(segments) == 8
    serial = list(render_segments(document, "md", segments, workers=1))
    parallel = list(render_segments(document, "md", segments, workers=2))
    assert parallel == serial


def test_quiet_leaves_out_the_summary_line(cli, tmp_path):
    shutil.copyfile(SAMPLE_SCORES, tmp_path / "scores.csv")
    result = cli(
        "scores.csv",
        "--segment-by",
        "organisation",
        "--per-segment",
        "out",
        "--quiet",
        "--format",
        "md",
    )
    assert result.exit_code == 0
    assert result.stderr == ""
    assert len(list((tmp_path / "out").glob("*.md"))) == 3


def test_progress_shows_stages_on_one_line(capsys):
    from ism_advisor.cli.messages import Progress as _Progress
    from ism_advisor.core.errors import Message

    progress = _Progress("nl")
    progress(Message("reading {path}", {"path": "scores.csv"}))
    progress(Message("writing the advice"))
    assert capsys.readouterr().err == (
        "\r\x1b[2Kscores.csv inlezen …\r\x1b[2Khet advies schrijven …\r\x1b[2K"
    )


def test_chart_texts_are_escaped_and_a_missing_figure_draws_no_bar():
    """The chart macros run outside the reports' sandbox, but still autoescaped: a factor
    named like markup is text (on the axis its short name); a hidden mean has no bar and no
    value label."""
    from types import SimpleNamespace

    from ism_advisor.render.charts import means_chart

    factor = SimpleNamespace(
        label="Long name",
        short_label="<script>x</script> & co",
        users_mean=3.2,
        non_users_mean=None,
    )
    svg = str(means_chart([factor], lambda text, **_: text, "en", "alt <b>"))
    assert "<script>" not in svg and "&lt;script&gt;x&lt;/script&gt; &amp; co</text>" in svg
    assert "<title>alt &lt;b&gt;</title>" in svg
    bars = re.findall(r'<rect x="[^"]+" y="[^"]+" width="[^"]+" height="[^"]+" fill="([^"]+)"', svg)
    # the legend's two swatches, and the users' bar alone
    assert bars.count("url(#means-hatch)") == 1 and len(bars) == 3
    assert re.findall(r">(\d\.\d\d)</text>", svg) == ["3.20"]
