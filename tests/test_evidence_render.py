"""The evidence ledger rendered (contracts C2, C5, C6): the action cards' line, the advice
report's appendix "What worked elsewhere" (HTML, Markdown, PDF, the deck) and the
consultancy's "What works" report (``render_evidence``).

The ledger is built by hand (tests/evidence_ledger.py, pooled by statsmodels) and added to
a real run's document, so that these tests do not depend on the store or on how the
ledger is computed. Expected numbers are formatted here, independently of the report's
formatting code.
"""

from __future__ import annotations

import copy
import html as html_module
import io
import re
import shutil
import subprocess
from decimal import ROUND_HALF_UP, Decimal

import pytest
from evidence_ledger import PLAN, ledger

from conftest import SAMPLE_SCORES, Cli
from ism_advisor.render.charts import forest_chart
from ism_advisor.render.context.build import report_context
from ism_advisor.render.deck import render_deck
from ism_advisor.render.evidence import render_evidence
from ism_advisor.render.report import render_report

MINUS = "\u2212"
CAVEAT = {
    "en": "Before and after, not proof: clients chose what to do.",
    "nl": "Voor en na, geen bewijs: klanten kozen zelf wat ze deden.",
}


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, dict]:
    """The sample's JSON document per language, segmented by department."""
    folder = tmp_path_factory.mktemp("evidence-render")
    shutil.copyfile(SAMPLE_SCORES, folder / "scores.csv")
    cli = Cli(folder)
    return {
        lang: cli.json("scores.csv", "--lang", lang, "--segment-by", "department")
        for lang in ("en", "nl")
    }


def with_ledger(document: dict, subgroups: bool = False) -> dict:
    document = copy.deepcopy(document)
    document["evidence"] = ledger(document, subgroups)
    return document


def number(value: float, lang: str, signed: bool = False) -> str:
    """Two decimals rounded half up, the language's decimal sign and a real minus."""
    text = str(Decimal(str(abs(value))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
    if lang == "nl":
        text = text.replace(".", ",")
    sign = MINUS if value < 0 and text.strip("0.,") else ("+" if signed else "")
    return sign + text


def lower(label: str) -> str:
    return label[:1].lower() + label[1:]


def expected_line(item: dict, lang: str) -> str:
    parts = []
    for f in item["factors"]:
        c = f["non_users_change"]
        if not c["shown"]:
            continue
        figures = (
            f"{number(c['estimate'], lang, True)} "
            f"[{number(c['ci_low'], lang)}; {number(c['ci_high'], lang)}]"
        )
        if lang == "nl":
            parts.append(f"{lower(f['label'])} bij niet-gebruikers {figures}")
        else:
            parts.append(f"non-users' {lower(f['label'])} {figures}")
    lead = (
        f"Uitgevoerd bij {item['clients']} eerdere klanten: "
        if lang == "nl"
        else f"Carried out at {item['clients']} earlier clients: "
    )
    return lead + "; ".join(parts)


def text_of(fragment: str) -> str:
    return html_module.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


def section(html: str) -> str:
    start = html.index('<section id="evidence">')
    return html[start : html.index("</section>", start) + len("</section>")]


def table_rows(fragment: str, cls: str) -> list[list[str]]:
    out = []
    for table in re.findall(rf'<table class="{cls}">(.*?)</table>', fragment, re.S):
        out.append(
            [
                [text_of(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
                for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)
            ]
        )
    return out


# -- the action cards ----------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_cards_say_what_the_ledger_measured_with_the_caveat(runs, lang):
    document = with_ledger(runs[lang])
    items = {i["intervention"]: i for i in document["evidence"]["interventions"]}
    html = render_report(report_context(document), "html").decode("utf-8")
    markdown = render_report(report_context(document), "md").decode("utf-8")
    planned = [r["intervention"] for r in document["segments"][0]["recommendations"]]
    lines = re.findall(r'<p class="ledger">(.*?)</p>', html)
    # only the interventions with a shown factor: champions network (both factors) and
    # executives on the roll-out team; never leaders work out loud (2 clients) or the
    # relaunch (never carried out)
    with_line = [i for i in planned if i in ("champions_network", "executives_on_rollout_team")]
    assert len(lines) == len(with_line) == 2
    for intervention, line in zip(with_line, lines, strict=True):
        expected = f"{expected_line(items[intervention], lang)}. {CAVEAT[lang]}"
        assert html_module.unescape(line) == expected
        assert f"\n{expected}\n" in markdown
        card = html[html.index(f'id="action-{intervention}"') :]
        assert card.index('<p class="ledger">') < card.index("</div>")
    champions = expected_line(items["champions_network"], lang)
    assert champions.count("]; ") == 1  # two factors, one after the other
    if lang == "en":
        assert champions == (
            "Carried out at 6 earlier clients: non-users' colleague influence +0.38"
            " [0.09; 0.68]; non-users' manager influence +0.15 [−0.17; 0.46]"
        )
    else:
        assert "+0,38 [0,09; 0,68]" in champions


def test_without_the_ledger_nothing_changes_but_with_it_only_the_lines_and_appendix(runs):
    document = runs["en"]
    plain = {fmt: render_report(report_context(document), fmt).decode() for fmt in ("html", "md")}
    assert "ledger" not in plain["html"] and 'id="evidence"' not in plain["html"]
    assert "Carried out at" not in plain["md"] and "What worked elsewhere" not in plain["md"]
    with_it = with_ledger(document)
    html = render_report(report_context(with_it), "html").decode()
    assert "</section>\n" + section(html) + "\n\n</main>" in html  # the last in <main>
    stripped = re.sub(r'<p class="ledger">.*?</p>\n', "", html).replace(section(html) + "\n", "")
    assert stripped == plain["html"]
    markdown = render_report(report_context(with_it), "md").decode()
    start = markdown.index("## What worked elsewhere")
    markdown = markdown[:start] + markdown[markdown.index("---\nMade with", start) :]
    markdown = re.sub(r"Carried out at [^\n]*\n\n", "", markdown)
    assert markdown == plain["md"]


# -- the appendix --------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_appendix_has_a_forest_plot_and_table_per_shown_factor(runs, lang):
    document = with_ledger(runs[lang])
    context = report_context(document)
    html = render_report(context, "html").decode("utf-8")
    part = section(html)
    assert html.index('<section id="explanation">') < html.index('<section id="evidence">')
    heading = "Wat elders werkte" if lang == "nl" else "What worked elsewhere"
    assert f'<h2 id="evidence-title">{heading}</h2>' in part
    caveat = (
        "Voor en na, geen bewijs: klanten kozen zelf wat ze deden, en het kan overal beter"
        " zijn gegaan."
        if lang == "nl"
        else "Before and after, not proof: clients chose what to do, and things may have"
        " improved everywhere."
    )
    assert caveat in html_module.unescape(part)
    shown = [
        (i, f)
        for i in document["evidence"]["interventions"]
        for f in i["factors"]
        if f["non_users_change"]["shown"]
    ]
    assert len(shown) == 3
    assert part.count('<svg role="img"') == 3
    tables = table_rows(part, "forest")
    assert len(tables) == 3
    client, pooled_word, comparison_word = (
        ("Klant", "Gecombineerd", "Vergelijking")
        if lang == "nl"
        else ("Client", "Pooled", "Comparison")
    )
    for (_, f), rows in zip(shown, tables, strict=True):
        c = f["non_users_change"]
        expected = [
            [
                f"{client} {n}",
                number(s["change"], lang, True),
                f"[{number(s['ci_low'], lang)}; {number(s['ci_high'], lang)}]",
            ]
            for n, s in enumerate(c["studies"], start=1)
        ]
        expected.append(
            [
                pooled_word,
                number(c["estimate"], lang, True),
                f"[{number(c['ci_low'], lang)}; {number(c['ci_high'], lang)}]",
            ]
        )
        if f["comparison"]["shown"]:
            k = f["comparison"]
            expected.append(
                [
                    comparison_word,
                    number(k["estimate"], lang, True),
                    f"[{number(k['ci_low'], lang)}; {number(k['ci_high'], lang)}]",
                ]
            )
        assert rows[1:] == expected
    # the studies in the ledger's order (by change): the first table's changes ascend
    changes = [s["change"] for s in shown[0][1]["non_users_change"]["studies"]]
    assert changes == sorted(changes)
    # the comparison's row only where shown: champions network x colleague influence
    assert [len(t) - 1 for t in tables] == [8, 6, 5]


def test_each_forest_plot_says_what_it_shows(runs):
    document = with_ledger(runs["en"])
    forests = report_context(document).evidence.forests
    first = forests[0]
    c = document["evidence"]["interventions"][0]["factors"][0]
    assert first.alt == (
        "Forest plot: the non-users' change in colleague influence at 6 clients that carried"
        f" out Build a champions network, pooled {number(c['non_users_change']['estimate'], 'en', True)}"
        f" [{number(c['non_users_change']['ci_low'], 'en')};"
        f" {number(c['non_users_change']['ci_high'], 'en')}]. Where it was not carried out:"
        f" {number(c['comparison']['estimate'], 'en', True)}"
        f" [{number(c['comparison']['ci_low'], 'en')}; {number(c['comparison']['ci_high'], 'en')}]."
    )
    svg = str(first.chart)
    title = re.search(r"<svg [^>]*>\s*<title>(.*?)</title>", svg, re.S).group(1)
    assert html_module.unescape(title) == first.alt
    assert svg.count('<g class="study">') == 6
    assert svg.count('<g class="pooled">') == 1 and svg.count('<g class="comparison">') == 1
    assert first.note == "Pooled over 6 clients; heterogeneity between clients (I²): 81.7%."
    d = c["difference"]
    assert first.difference == (
        f"Difference with the comparison: {number(d['estimate'], 'en', True)}"
        f" [{number(d['ci_low'], 'en')}; {number(d['ci_high'], 'en')}]."
    )
    assert forests[1].difference == ""  # the comparison has 2 clients: not shown


def test_forest_chart_places_the_marks_on_its_scale():
    svg = str(
        forest_chart(
            [("Client 1", -0.2, -0.5, 0.1, "study"), ("Pooled", 0.3, 0.1, 0.5, "pooled")],
            "en",
            "alt <text>",
            "change",
        )
    )
    assert "<title>alt &lt;text&gt;</title>" in svg
    square = re.search(r'<g class="study">\s*<line x1="([\d.]+)".*?x2="([\d.]+)"', svg, re.S)
    zero = float(re.search(r'<line x1="([\d.]+)"', svg).group(1))
    low, high = float(square.group(1)), float(square.group(2))
    points = re.search(r'<polygon points="([^"]+)"', svg).group(1).split()
    left, tip, right = (float(p.split(",")[0]) for p in points[:3])
    # one scale: -0.5 … 0.5 is 1.0 wide; 0 sits 5/6 of the way from the whisker's left end
    assert low < zero < high < right and left < tip < right
    assert abs((zero - low) / (high - low) - 0.5 / 0.6) < 0.01
    assert abs((right - low) - (high - low) * 1.0 / 0.6) < 0.02


def test_no_client_is_named_or_ordered_by_name(runs):
    """The rows are numbered in the ledger's order only; nothing of the document's studies
    other than their figures reaches the report."""
    document = with_ledger(runs["en"])
    for item in document["evidence"]["interventions"]:
        for f in item["factors"]:
            for s in f["non_users_change"]["studies"]:
                s["client"] = "Acme Secret BV"  # a key the contract does not have
    html = render_report(report_context(document), "html").decode()
    markdown = render_report(report_context(document), "md").decode()
    assert "Acme" not in html and "Acme" not in markdown
    labels = {row[0] for table in table_rows(section(html), "forest") for row in table[1:]}
    assert all(re.fullmatch(r"Client \d|Pooled|Comparison", label) for label in labels)


def test_an_action_plan_without_a_shown_intervention_says_so(runs):
    document = with_ledger(runs["nl"])
    for item in document["evidence"]["interventions"]:
        for f in item["factors"]:
            f["non_users_change"] = {**f["non_users_change"], "shown": False}
    html = render_report(report_context(document), "html").decode()
    assert '<p class="ledger">' not in html
    assert (
        "Geen interventie uit het actieplan is bij 3 of meer andere klanten uitgevoerd met een"
        " gemeten verandering: nog niets te tonen." in section(html)
    )


def test_the_deck_shows_the_line_on_the_action_slide(runs):
    from pptx import Presentation

    document = with_ledger(runs["en"])
    deck = Presentation(io.BytesIO(render_deck(document, date="2026-12-07")))
    texts = [
        "\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)
        for slide in deck.slides
    ]
    item = document["evidence"]["interventions"][0]
    line = f"{expected_line(item, 'en')}. {CAVEAT['en']}"
    assert sum(line in text for text in texts) == 1
    assert sum("Carried out at" in text for text in texts) == 2
    plain = Presentation(io.BytesIO(render_deck(runs["en"], date="2026-12-07")))
    assert not any(
        "Carried out at" in shape.text_frame.text
        for slide in plain.slides
        for shape in slide.shapes
        if shape.has_text_frame
    )


# -- the "What works" report -----------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_what_works_report_summary_check_and_plots(runs, lang):
    document = ledger(runs[lang], subgroups=True)
    html = render_evidence(document, "html", lang).decode("utf-8")
    assert render_evidence(document, "html", lang).decode("utf-8") == html  # byte-identical
    assert f'<html lang="{lang}">' in html
    title = (
        "Wat werkt: het resultatenregister" if lang == "nl" else "What works: the evidence ledger"
    )
    assert f"<h1>{title}</h1>" in html
    caveat = (
        "Voor en na, geen bewijs: klanten kozen zelf wat ze deden"
        if lang == "nl"
        else "Before and after, not proof: clients chose what to do"
    )
    # the caveat at the top, before the summary
    assert html_module.unescape(html).index(caveat) < html.index('<section id="summary">')
    [rows] = table_rows(html, "ledger")
    champions = document["interventions"][0]["factors"][0]
    c, k, d = champions["non_users_change"], champions["comparison"], champions["difference"]

    def interval(x, low="ci_low", high="ci_high"):
        return f"[{number(x[low], lang)}; {number(x[high], lang)}]"

    i2 = f"{c['i2']}%".replace(".", "," if lang == "nl" else ".")
    assert rows[1] == [
        "Bouw een netwerk van ambassadeurs" if lang == "nl" else "Build a champions network",
        champions["label"],
        "6",
        number(c["estimate"], lang, True),
        interval(c),
        i2,
        f"{number(k['estimate'], lang, True)} {interval(k)}",
        f"{number(d['estimate'], lang, True)} {interval(d)}",
    ]
    small = "minder dan 250 medewerkers" if lang == "nl" else "fewer than 250 employees"
    assert rows[2][0] == f"{champions['label']}, {small}"
    assert rows[2][1] == "3"
    # the change in adoption, in percentage points, after the factors
    a, ac = (
        document["interventions"][0]["adoption_change"],
        document["interventions"][0]["adoption_comparison"],
    )

    def points(x):
        return {n: x[n] * 100 for n in ("estimate", "ci_low", "ci_high")}

    adoption = next(r for r in rows if r[0].startswith(("Adoption", "Gebruik")))
    assert rows.index(adoption) == 7  # the header, two factors with two subgroups each
    assert adoption == [
        "Gebruik (procentpunt)" if lang == "nl" else "Adoption (percentage points)",
        "4",
        number(a["estimate"] * 100, lang, True),
        interval(points(a)),
        f"{a['i2']}%".replace(".", "," if lang == "nl" else "."),
        f"{number(ac['estimate'] * 100, lang, True)} {interval(points(ac))}",
        "–",
    ]
    never = "nooit uitgevoerd" if lang == "nl" else "never carried out"
    relaunch = PLAN["visible_relaunch"][1 if lang == "nl" else 0]
    assert [relaunch, never, "0", "–", "–", "–", "–", "–"] in rows
    # every intervention of the ledger has a row heading
    headed = [r[0] for r in rows[1:] if len(r) == 8]
    assert headed == [i["title"] for i in document["interventions"]]
    # one forest plot per shown intervention x factor, none for subgroups
    assert html.count('<svg role="img"') == 3
    check = html[html.index('<section id="check">') :]
    executives = PLAN["executives_on_rollout_team"][1 if lang == "nl" else 0]
    manager = next(f["label"] for f in runs[lang]["factors"] if f["id"] == "manager_influence")
    assert f"<li>{html_module.escape(executives)}: {html_module.escape(manager)}</li>" in check
    assert f"<li>{relaunch}</li>" in check


def test_what_works_markdown_and_pdf(runs, tmp_path):
    document = ledger(runs["en"], subgroups=True)
    markdown = render_evidence(document, "md", "en").decode("utf-8")
    assert markdown.startswith(
        "# What works: the evidence ledger\n\n12 clients, 15 periods, up to December 1, 2026.\n"
    )
    assert "**Before and after, not proof: clients chose what to do," in markdown
    assert "\nThe ledger takes the clients in the store that consented" in markdown  # not "other"
    assert "| A visible relaunch | never carried out | 0 | – | – | – | – | – |" in markdown
    assert markdown.count("| Pooled | ") == 3
    assert "- Executives on the roll-out team: Manager influence" in markdown
    pdf = tmp_path / "what-works.pdf"
    pdf.write_bytes(render_evidence(document, "pdf", "en"))
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "What works: the evidence ledger" in text
    assert "Before and after, not proof" in text
    from accessibility import structure

    _, elements = structure(pdf)
    alts = [str(e["/Alt"]) for tag, e in elements if tag == "/Figure"]
    assert len(alts) == 3 and alts[0].startswith("Forest plot: the non-users' change")


# -- accessibility -------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_appendix_and_the_report_pass_axe_and_reflow(runs, tmp_path, lang):
    from accessibility import assert_accessible, assert_reflows

    html = render_report(report_context(with_ledger(runs[lang])), "html").decode("utf-8")
    result = assert_accessible(html, tmp_path / "axe", f"evidence appendix ({lang})")
    assert "svg-img-alt" in result.passes
    assert_reflows(html, tmp_path / "reflow", f"evidence appendix ({lang})")
    page = render_evidence(ledger(runs[lang], subgroups=True), "html", lang).decode("utf-8")
    result = assert_accessible(page, tmp_path / "axe-ledger", f"what works ({lang})")
    assert "svg-img-alt" in result.passes
    assert_reflows(page, tmp_path / "reflow-ledger", f"what works ({lang})")


def test_the_report_pdf_tags_the_forest_plots(runs, tmp_path):
    from accessibility import structure

    context = report_context(with_ledger(runs["nl"]))
    path = tmp_path / "advice.pdf"
    path.write_bytes(render_report(context, "pdf"))
    _, elements = structure(path)
    alts = [str(e["/Alt"]) for tag, e in elements if tag == "/Figure"]
    # the forest plots are the last figures: the appendix ends the report
    assert alts[-3:] == [f.alt for f in context.evidence.forests]
    assert alts[-1].startswith("Forestplot: de verandering in ervaren groepsdruk (managers)")
