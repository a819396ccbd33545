"""Reports everyone can read: WCAG 2.1 AA HTML (axe-core in Chromium), reflow at 400% zoom,
a skip link and a visible focus, charts with a text alternative and their figures, colours
with enough contrast (also an organisation's), and tagged PDFs (PDF/UA-1, PDF/A-3b)."""

from __future__ import annotations

import copy
import re
import shutil
from html import unescape

import pytest

from accessibility import (
    assert_accessible,
    assert_reflows,
    axe,
    console,
    pdfinfo,
    structure,
)
from conftest import SAMPLE_RESPONSES, SAMPLE_SCORES
from ism_advisor import cli as command
from ism_advisor.app.pipeline import advise
from ism_advisor.core.formatting import format_figure
from ism_advisor.render.colours import (
    GRAPHIC_PAIRS,
    PALETTE,
    TEXT_PAIRS,
    Declaration,
    contrast_problems,
    contrast_ratio,
    css_declarations,
    parse_colour,
    relative_luminance,
)
from ism_advisor.render.context.build import report_context
from ism_advisor.render.pdf import PDF_VARIANTS

LANGS = ("en", "nl")


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """The sample's report with hidden segments, in English and Dutch, as HTML (with its
    per-segment reports) and as PDF."""
    from click.testing import CliRunner

    folder = tmp_path_factory.mktemp("accessible")
    out = {}
    for lang in LANGS:
        for fmt in ("html", "pdf"):
            target = folder / f"report-{lang}.{fmt}"
            per_segment = (
                ["--per-segment", str(folder / f"segments-{lang}")] if fmt == "html" else []
            )
            result = CliRunner().invoke(
                command.main,
                [
                    str(SAMPLE_RESPONSES),
                    "--segment-by",
                    "organisation+department",
                    "--lang",
                    lang,
                    *per_segment,
                    "-o",
                    str(target),
                ],
                catch_exceptions=False,
            )
            assert result.exit_code == 0, result.stderr
            out[lang, fmt] = target
    return out


def html_of(written, lang: str, segment: str | None = None) -> str:
    path = written[lang, "html"]
    if segment is not None:
        path = path.parent / f"segments-{lang}" / segment
    return path.read_text(encoding="utf-8")


SEGMENT = "organisation-department-technobouw-sales.html"

# -- axe-core in Chromium ---------------------------------------------------------------------


def test_the_axe_harness_finds_violations(tmp_path):
    page = (
        "<!DOCTYPE html><html><head><title>bad</title></head><body>"
        '<p style="color:#aaaaaa;background:#ffffff">faint text</p>'
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
        "</body></html>"
    )
    result = axe(page, tmp_path)
    found = {rule["id"]: [n["target"] for n in rule["nodes"]] for rule in result.violations}
    assert found == {"color-contrast": ["p"], "image-alt": ["img"], "html-has-lang": ["html"]}
    with pytest.raises(AssertionError) as failure:
        assert_accessible(page, tmp_path, "bad page")
    assert "image-alt: Images must have alternative text\n  img: Fix any of the following:" in (
        str(failure.value)
    )


@pytest.mark.parametrize("lang", LANGS)
def test_the_report_passes_axe(written, tmp_path, lang):
    result = assert_accessible(html_of(written, lang), tmp_path, f"report ({lang})")
    # the rules ran on what they are about: text colours, the charts, the skip link, the
    # tables' header cells (at this width the tables wrap inside the column and nothing
    # scrolls, issue 19; test_the_report_reflows checks the scrolling at 320 px)
    for rule in (
        "color-contrast",
        "svg-img-alt",
        "bypass",
        "td-headers-attr",
        "th-has-data-cells",
        "html-lang-valid",
        "document-title",
    ):
        assert rule in result.passes, rule


@pytest.mark.parametrize("lang", LANGS)
def test_a_segment_report_passes_axe(written, tmp_path, lang):
    assert_accessible(html_of(written, lang, SEGMENT), tmp_path, f"{SEGMENT} ({lang})")


def test_an_organisation_colour_that_fails_contrast_fails_axe(written, tmp_path):
    """The contrast check reaches colours set through the stylesheet's variables."""
    html = html_of(written, "en").replace("</style>", ":root { --accent: #e07a1f; }</style>", 1)
    result = axe(html, tmp_path)
    assert [rule["id"] for rule in result.violations] == ["color-contrast"]
    targets = [node["target"] for node in result.violations[0]["nodes"]]
    # the figures of the summary (large text: 2.5:1 of 3:1); the headings reach 3.0:1
    assert targets == [f".summary-figures > li:nth-child({i}) > strong" for i in (1, 2, 3)]
    # and doctor says the same, with the skip link (hidden until focused) too
    problems = contrast_problems({"accent": Declaration("#e07a1f")})
    assert [p.message.params["where"].template for p in problems] == [
        "the summary's figures",
        "the skip link",
    ]


# -- zoom and keyboard -------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("width", [320, 640])
def test_no_sideways_scrolling_at_200_and_400_percent_zoom(written, tmp_path, lang, width):
    """A 1280-pixel window at 200% zoom is 640 CSS pixels wide, at 400% 320 (WCAG 1.4.10);
    the wide tables scroll inside their own column, nothing else sticks out."""
    assert_reflows(html_of(written, lang), tmp_path, f"report ({lang})", width)


def test_a_segment_report_reflows(written, tmp_path):
    assert_reflows(html_of(written, "nl", SEGMENT), tmp_path, SEGMENT)


def test_the_reflow_check_sees_a_page_that_scrolls_sideways(tmp_path):
    from accessibility import reflow

    page = (
        "<!DOCTYPE html><html lang='en'><title>wide</title><body>"
        "<p style='width:600px'>a wide paragraph</p></body></html>"
    )
    measured = reflow(page, tmp_path, 320)
    assert measured["width"] == 320
    assert measured["scroll_width"] > 600
    assert measured["offenders"][0].startswith("p right ")


_FOCUS = """
(function check(tries) {
  // :focus matches only once the headless window has the system's focus: wait for it
  if (!document.hasFocus() && tries < 100) { setTimeout(function () { check(tries + 1); }, 50); return; }
  var first = document.querySelector('a[href], [tabindex]');
  first.focus();
  var style = getComputedStyle(first), box = first.getBoundingClientRect();
  console.log('FOCUS ' + JSON.stringify({
    text: first.textContent, href: first.getAttribute('href'),
    target: !!document.querySelector(first.getAttribute('href')),
    outline: style.outlineStyle + ' ' + style.outlineWidth, top: box.top, height: box.height
  }));
  var region = document.querySelector('.table-scroll');
  region.focus();
  console.log('REGION ' + JSON.stringify({
    focused: document.activeElement === region,
    outline: getComputedStyle(region).outlineStyle + ' ' + getComputedStyle(region).outlineWidth
  }));
})(0);
"""


@pytest.mark.parametrize(
    ("lang", "text"), [("en", "Skip to the action plan"), ("nl", "Naar het actieplan")]
)
def test_the_first_stop_on_the_keyboard_skips_to_the_action_plan(written, tmp_path, lang, text):
    import json

    messages = console(html_of(written, lang), tmp_path, [_FOCUS])
    focus = json.loads(next(m for m in messages if m.startswith("FOCUS "))[6:])
    assert focus["text"] == text and focus["href"] == "#actions" and focus["target"]
    assert focus["outline"] == "solid 3px"  # a visible focus
    assert focus["top"] >= 0 and focus["height"] > 10  # shown when focused
    region = json.loads(next(m for m in messages if m.startswith("REGION "))[7:])
    assert region == {"focused": True, "outline": "solid 3px"}


# -- charts ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def documents():
    return {lang: advise(SAMPLE_SCORES, segment_by=["organisation"], lang=lang) for lang in LANGS}


def expected_alts(document, lang):
    """The two sentences, with the figures taken from the advice document."""
    labels = {f["id"]: f["label"] for f in document["factors"]}
    comparisons = [c for c in document["segments"][0]["comparisons"] if not c["suppressed"]]
    n = lambda v: format_figure(v, "number", lang)  # noqa: E731
    lagging = [c for c in comparisons if c["gap"] > 0]
    most = max(lagging, key=lambda c: c["gap"])
    largest = max(comparisons, key=lambda c: abs(c["hedges_g"]))
    low, high = largest["hedges_g_ci"]
    significant = sum(c["significant"] for c in comparisons)
    if lang == "en":
        return (
            f"Mean score of users and non-users per factor: non-users lag behind on"
            f" {len(lagging)} of {len(comparisons)} factors, most on {labels[most['factor']]}"
            f" (users {n(most['users_mean'])}, non-users {n(most['non_users_mean'])}).",
            f"Effect size (Hedges' g) per factor with its confidence interval (95%):"
            f" {significant} of {len(comparisons)} differences"
            f" {'is' if significant == 1 else 'are'} significant after Holm"
            f" correction; the largest is on {labels[largest['factor']]}:"
            f" g = {n(largest['hedges_g'])} (95% CI {n(low)} to {n(high)}).",
        )
    return (
        f"Gemiddelde score van gebruikers en niet-gebruikers per factor: niet-gebruikers lopen"
        f" achter op {len(lagging)} van de {len(comparisons)} factoren, het meest op"
        f" {labels[most['factor']]} (gebruikers {n(most['users_mean'])}, niet-gebruikers"
        f" {n(most['non_users_mean'])}).",
        f"Effectgrootte (Hedges' g) per factor met het betrouwbaarheidsinterval (95%):"
        f" {significant} van de {len(comparisons)} verschillen"
        f" {'is' if significant == 1 else 'zijn'} significant na"
        f" Holm-correctie; het grootste is dat op {labels[largest['factor']]}:"
        f" g = {n(largest['hedges_g'])} (95%-BI {n(low)} tot {n(high)}).",
    )


@pytest.mark.parametrize("lang", LANGS)
def test_each_chart_says_what_it_shows_in_one_sentence(documents, lang):
    document = documents[lang].document
    context = report_context(document)
    means, effects = expected_alts(document, lang)
    assert (context.means_data.alt, context.effects_data.alt) == (means, effects)
    # the sentence is the chart's accessible name: the SVG's title, its first child
    for svg, alt in ((context.means_chart, means), (context.effects_chart, effects)):
        assert str(svg).startswith('<svg role="img" ')
        title = re.search(r"<svg [^>]*>\s*<title>(.*?)</title>", str(svg), re.S)
        assert title is not None and unescape(title.group(1)) == alt


def test_the_sample_sentences_read_well():
    """The sentences as a reader gets them, for the sample (one fixed example each)."""
    context = report_context(advise(SAMPLE_SCORES).document)
    assert context.means_data.alt == (
        "Mean score of users and non-users per factor: non-users lag behind on 7 of 7"
        " factors, most on Manager influence (users 3.44, non-users 2.86)."
    )
    assert context.effects_data.alt == (
        "Effect size (Hedges' g) per factor with its confidence interval (95%): 6 of 7"
        " differences are significant after Holm correction; the largest is on Colleague"
        " influence: g = 0.82 (95% CI 0.65 to 0.99)."
    )


@pytest.mark.parametrize("lang", LANGS)
def test_the_figures_behind_each_chart_are_a_table(documents, written, lang):
    document = documents[lang].document
    context = report_context(document)
    n = lambda v: format_figure(v, "number", lang)  # noqa: E731
    shown = [c for c in document["segments"][0]["comparisons"] if not c["suppressed"]]
    labels = {f["id"]: f["label"] for f in document["factors"]}
    yes = {"en": "yes", "nl": "ja"}[lang]
    no = {"en": "no", "nl": "nee"}[lang]
    to = {"en": "to", "nl": "tot"}[lang]
    assert context.means_data.rows == tuple(
        (labels[c["factor"]], (n(c["users_mean"]), n(c["non_users_mean"]))) for c in shown
    )
    assert context.effects_data.rows == tuple(
        (
            labels[c["factor"]],
            (
                n(c["hedges_g"]),
                f"{n(c['hedges_g_ci'][0])} {to} {n(c['hedges_g_ci'][1])}",
                yes if c["significant"] else no,
            ),
        )
        for c in shown
    )
    # in the page: right after each chart, with a caption and header cells, not hidden
    # from screen readers (no aria-hidden, no display: none)
    html = html_of(written, lang)
    figures = re.findall(r'<figure class="chart (\w+)">(.*?)</figure>', html, re.S)
    assert [name for name, _ in figures] == ["means", "effects", "priority"]
    # the priority matrix's figures are the driver table that follows it (issue 15)
    after = html[html.index('<figure class="chart priority">') :]
    assert after.index("</figure>") < after.index('<table class="drivers">')
    assert after.index('<table class="drivers">') < after.index("</section>")
    for _, figure in figures[:2]:
        table = figure[figure.index('<div class="chart-data">') :]
        assert "aria-hidden" not in table and "hidden" not in table
        assert table.count('<th scope="row">') == 7
        caption = {"en": "The figures of this chart", "nl": "De cijfers van deze grafiek"}
        assert f"<caption>{caption[lang]}</caption>" in table
    css = html[html.index("<style>") : html.index("</style>")]
    rule = re.search(r"@media screen \{\s*\.chart-data \{([^}]*)\}", css).group(1)
    assert "clip: rect(0 0 0 0)" in rule and "display" not in rule and "visibility" not in rule


def test_a_chart_with_every_comparison_hidden_says_so(documents):
    document = copy.deepcopy(documents["nl"].document)
    for comparison in document["segments"][0]["comparisons"]:
        comparison["suppressed"], comparison["suppressed_reason"] = True, "anonymity"
    context = report_context(document)
    assert context.means_data.alt == (
        "Gemiddelde score per factor: niets te tonen, elke vergelijking is verborgen (anonimiteit)."
    )
    assert context.effects_data.alt == (
        "Effectgrootte per factor: niets te tonen, elke vergelijking is verborgen (anonimiteit)."
    )
    assert context.means_data.rows == context.effects_data.rows == ()


def test_users_and_non_users_differ_by_more_than_colour(documents):
    svg = str(report_context(documents["en"].document).means_chart)
    users = PALETTE["users"].lower()
    non_users = PALETTE["non-users"].lower()
    assert svg.count(f'fill="{users}"') == 8  # seven bars and the legend
    # the non-users' seven bars and their legend are filled with one hatch pattern: the
    # non-users' colour crossed by lines in the chart's edge colour
    assert svg.count("<pattern ") == 1 and svg.count('fill="url(#means-hatch)"') == 8
    pattern = re.search(r"<pattern .*?</pattern>", svg, re.S).group()
    assert f'fill="{non_users}"' in pattern
    assert f'stroke="{PALETTE["chart-edge"].lower()}"' in pattern
    assert len(re.findall(r">\d\.\d\d</text>", svg)) == 14  # a value label on each bar
    # the two colours differ in lightness too (greyscale print): luminance 0.16 against 0.44
    assert contrast_ratio(parse_colour(users), parse_colour(non_users)) > 2


def test_significant_effects_differ_by_more_than_colour(documents):
    """Filled dots on solid lines for significant effects, hollow dots on dashed lines for
    the others, each dot labelled with its value."""
    document = documents["en"].document
    svg = str(report_context(document).effects_chart)
    shown = [c for c in document["segments"][0]["comparisons"] if not c["suppressed"]]
    groups = re.findall(r'<g class="(significant|not-significant)">(.*?)</g>', svg, re.S)
    assert [kind == "significant" for kind, _ in groups] == [c["significant"] for c in shown]
    colour = PALETTE["significant"].lower()
    for kind, marks in groups:
        line, circle = re.search(r"<line [^>]*>", marks), re.search(r"<circle [^>]*>", marks)
        if kind == "significant":
            assert "stroke-dasharray" not in line.group()
            assert f'fill="{colour}"' in circle.group()
        else:
            assert "stroke-dasharray" in line.group()
            assert f'fill="{PALETTE["background"]}"' in circle.group()
        assert re.search(r">−?\d\.\d\d</text>", marks)


# -- colours ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second", "ratio"),
    [
        ("#000000", "#ffffff", 21.0),
        ("#767676", "#ffffff", 4.54),  # WebAIM's contrast checker: the lightest grey at 4.5:1
        ("#777777", "#ffffff", 4.48),
        ("#ffffff", "#5fa3bb", 2.82),  # axe-core 4.14 on the old heat map (the run)
        ("rgb(0 114 178)", "white", 5.19),
        ("hsl(0 0% 100%)", "#fff", 1.0),
    ],
)
def test_contrast_ratio_by_the_wcag_formula(first, second, ratio):
    assert round(contrast_ratio(parse_colour(first), parse_colour(second)), 2) == ratio


def test_what_is_not_an_opaque_colour():
    assert parse_colour("var(--accent)") is None
    assert parse_colour("transparent") is None
    assert parse_colour("rgb(0 0 0 / 50%)") is None
    assert parse_colour("#12345") is None
    assert parse_colour("rebeccapurple") == (0.4, 0.2, 0.6)
    assert relative_luminance(parse_colour("#808080")) == pytest.approx(0.2158605)


def test_the_packaged_palette_passes_every_pair():
    for pairs in (TEXT_PAIRS, GRAPHIC_PAIRS):
        for foreground, background, least, where in pairs:
            ratio = contrast_ratio(
                parse_colour(PALETTE[foreground]), parse_colour(PALETTE[background])
            )
            assert ratio >= least, (foreground, background, where, ratio)
    assert contrast_problems({}) == []


def test_the_stylesheet_declares_the_palette_and_uses_only_its_variables(cli):
    from ism_advisor.render.templates import environment

    css = environment("en", "html").get_template("report.css").render()
    declared = css_declarations(css)
    assert {name: d.value for name, d in declared.items()} == PALETTE
    body = css[css.index("}") :]  # after :root
    # no colour written outside the palette (the page-number colour is the palette's)
    hexes = set(re.findall(r"#[0-9a-fA-F]{3,6}\b", body))
    assert hexes <= {PALETTE["muted"]}
    used = set(re.findall(r"var\(--([\w-]+)\)", body))
    assert used <= set(PALETTE)
    every = {name for pair in (*TEXT_PAIRS, *GRAPHIC_PAIRS) for name in pair[:2]}
    assert {pair[2] for pair in TEXT_PAIRS} == {4.5, 3.0}
    assert {pair[2] for pair in GRAPHIC_PAIRS} == {3.0}
    assert every <= set(PALETTE)


def test_custom_properties_are_read_with_their_lines():
    text = (
        "{% block style %}\n:root {\n  --accent: #7a1f5c;\n  --accent-soft:#fff }\n--accent: red;"
    )
    found = css_declarations(text, "ours/report.html")
    assert found == {
        "accent": Declaration("red", "ours/report.html", 5),
        "accent-soft": Declaration("#fff", "ours/report.html", 4),
    }


def test_contrast_problems_name_the_declaration():
    problems = contrast_problems(
        {
            "accent": Declaration("#e07a1f", "ours/report.html", 9),
            "muted": Declaration("var(--nothing)", "ours/report.css", 2),
            "heat-pos3": Declaration("var(--accent)", "ours/report.css", 3),
        },
        "nl",
    )
    assert [p.render() for p in problems] == [
        "ours/report.css:2: --muted: var(--nothing) is not an opaque colour, so its contrast"
        " cannot be checked",
        "ours/report.html:9: --accent #e07a1f on --accent-soft #e3f0f4 (the summary's"
        " figures) has a contrast of 2,5:1; WCAG 2.1 asks at least 3,0:1",
        "ours/report.html:9: --background #ffffff on --accent #e07a1f (the skip link) has a"
        " contrast of 3,0:1; WCAG 2.1 asks at least 4,5:1",
        "ours/report.css:3: --heat-pos3-text #ffffff on --heat-pos3 var(--accent) (the heat"
        " map) has a contrast of 3,0:1; WCAG 2.1 asks at least 4,5:1",
    ]


def test_doctor_checks_an_organisations_colours(cli):
    cli("init", "ours")
    result = cli("doctor", "--knowledge", "ours")
    assert result.exit_code == 0, result.stdout
    assert (
        "ok       report colours: the colours ours/templates sets reach WCAG 2.1 AA's"
        " contrast: 4.5:1 for text, 3:1 for graphics\n"
    ) in result.stdout
    template = cli.folder / "ours" / "templates" / "report.html"
    text = template.read_text(encoding="utf-8")
    template.write_text(text.replace("--accent: #1f6f8b;", "--accent: #e07a1f;"), "utf-8")
    line = text[: text.index("--accent: #1f6f8b;")].count("\n") + 1
    result = cli("doctor", "--knowledge", "ours", "--lang", "nl")
    assert result.exit_code == 0  # a warning: the reports are still written
    report = [row for row in result.stdout.splitlines() if "colours" in row or "kleuren" in row]
    assert report == [
        f"waarschuwing rapportkleuren: ours/templates/report.html:{line}: --accent #e07a1f op"
        " --accent-soft #e3f0f4 (de cijfers van de samenvatting) heeft een contrast van 2,5:1;"
        " WCAG 2.1 vraagt minstens 3,0:1;"
        f" ours/templates/report.html:{line}: --background #ffffff op --accent #e07a1f (de"
        " link naar het actieplan) heeft een contrast van 3,0:1; WCAG 2.1 vraagt minstens"
        " 4,5:1 — oplossing: kies donkerdere tekstkleuren of lichtere achtergronden in je"
        " sjablonen: WCAG 2.1 vraagt een contrast van minstens 4,5:1 voor tekst en 3:1 voor"
        " grafische elementen"
    ]


# -- tagged PDF -------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_the_pdf_is_tagged_with_language_headings_tables_and_chart_alternatives(
    written, documents, lang
):
    path = written[lang, "pdf"]
    info = pdfinfo(path)
    assert info["Tagged"] == "yes"
    catalogue, elements = structure(path)
    assert catalogue["/Lang"] == lang
    assert bool(catalogue["/ViewerPreferences"]["/DisplayDocTitle"]) is True
    tags = [tag for tag, _ in elements]
    assert tags[0] == "/Document"
    for tag in ("/H1", "/H2", "/H3", "/Table", "/TH", "/TD", "/L", "/Caption"):
        assert tag in tags, tag
    assert tags.count("/H1") == 1 and tags.count("/H2") == 9  # the drivers' section too
    figures = [element for tag, element in elements if tag == "/Figure"]
    context = report_context(
        advise(SAMPLE_RESPONSES, segment_by=["organisation+department"], lang=lang).document
    )
    priority = re.search(r"<title>(.*?)</title>", str(context.drivers.chart)).group(1)
    assert [str(f["/Alt"]) for f in figures] == [
        context.means_data.alt,
        context.effects_data.alt,
        unescape(priority),
    ]
    # a heat-map cell is tied to its row header (the segment) and its column (the factor)
    headers = [len(e["/A"].get("/Headers", [])) for tag, e in elements if tag == "/TD"]
    assert max(headers) == 2
    title = {"en": "Getting staff onto the platform: advice", "nl": "Medewerkers actief op"}
    assert info["Title"].startswith(title[lang])


def test_a_segment_pdf_is_tagged_too(documents, tmp_path):
    from ism_advisor.app.write import render, segment_reports

    document = documents["nl"].document
    name, index = segment_reports(document, "pdf")[0]
    path = tmp_path / name
    path.write_bytes(render(document, "pdf", segment=index))
    assert pdfinfo(path)["Tagged"] == "yes"
    _, elements = structure(path)
    figures = [element for tag, element in elements if tag == "/Figure"]
    matrix = 1 if document["segments"][index]["drivers"] else 0  # the priority matrix
    assert len(figures) == 2 + matrix and all(str(f["/Alt"]).strip() for f in figures)


@pytest.mark.parametrize(
    ("variant", "tagged", "claims"),
    [
        ("pdf/ua-1", "yes", [b'pdfuaid:part="1"']),
        ("pdf/a-3b", "yes", [b'pdfaid:part="3" pdfaid:conformance="B"']),
        ("plain", "no", []),
    ],
)
def test_pdf_variants(cli, tmp_path, variant, tagged, claims):
    shutil.copyfile(SAMPLE_SCORES, tmp_path / "scores.csv")
    result = cli("scores.csv", "-o", "advice.pdf", "--pdf-variant", variant)
    assert result.exit_code == 0, result.stderr
    path = tmp_path / "advice.pdf"
    assert pdfinfo(path)["Tagged"] == tagged
    data = path.read_bytes()
    from pypdf import PdfReader

    metadata = PdfReader(path).trailer["/Root"].get("/Metadata")
    xmp = metadata.get_object().get_data() if metadata is not None else b""
    for claim in claims:
        assert claim in xmp, xmp
    if variant == "plain":
        assert b"pdfuaid" not in xmp and b"pdfaid" not in xmp
    # the same input gives the same bytes
    cli("scores.csv", "-o", "again.pdf", "--pdf-variant", variant)
    assert (tmp_path / "again.pdf").read_bytes() == data


def test_the_cli_offers_the_report_modules_pdf_variants():
    assert tuple(PDF_VARIANTS) == command.PDF_VARIANTS


@pytest.mark.parametrize("lang", LANGS)
def test_every_id_in_the_page_is_unique(written, lang):
    """Several charts in one page: each names its ids after itself (a duplicate id breaks
    the charts' own references, and the PDF's anchors)."""
    ids = re.findall(r'\sid="([^"]+)"', html_of(written, lang))
    assert "means-hatch" in ids and len(ids) > 20 and len(ids) == len(set(ids))


# -- the questionnaire (issue 17): the same checks -------------------------------------------


@pytest.fixture(scope="module")
def questionnaires(tmp_path_factory):
    """The paper questionnaire of the packaged codebook (its segment questions given
    options) as HTML in each language and in two, and as PDF."""
    from click.testing import CliRunner

    from instruments import packaged_with_options

    folder = tmp_path_factory.mktemp("questionnaire")
    ours = packaged_with_options(folder / "ours.yaml")
    out = {}
    for lang, fmt in (("nl", "html"), ("en", "html"), ("nl,en", "html"), ("nl", "pdf")):
        target = folder / f"form-{lang.replace(',', '-')}.{fmt}"
        result = CliRunner().invoke(
            command.main,
            ["questionnaire", "--codebook", str(ours), "--lang", lang, "-o", str(target)],
            catch_exceptions=False,
        )
        assert result.exit_code == 0, result.stderr
        out[lang, fmt] = target
    return out


@pytest.mark.parametrize("lang", ["nl", "en", "nl,en"])
def test_the_paper_questionnaire_passes_axe_and_reflows(questionnaires, tmp_path, lang):
    html = questionnaires[lang, "html"].read_text(encoding="utf-8")
    result = assert_accessible(html, tmp_path / "axe", f"questionnaire ({lang})")
    assert "color-contrast" in result.passes and "html-lang-valid" in result.passes
    assert_reflows(html, tmp_path / "reflow", f"questionnaire ({lang})")


def test_the_questionnaire_pdf_is_tagged(questionnaires):
    path = questionnaires["nl", "pdf"]
    assert pdfinfo(path)["Tagged"] == "yes"
    catalogue, elements = structure(path)
    tags = [tag for tag, _ in elements]
    assert catalogue["/Lang"] == "nl"
    assert "/H1" in tags and "/Table" in tags and "/TH" in tags


@pytest.mark.parametrize("lang", LANGS)
def test_a_report_over_two_waves_passes_axe_and_reflows(tmp_path, lang):
    """The sections of issues 14 and 15 (what changed since the last survey, what matters
    most for use) under the same checks as the rest: no axe-core violation, and at 320
    pixels their tables scroll inside their own column."""
    from click.testing import CliRunner

    from ism_advisor.survey.codebook import load_codebook
    from ism_advisor.survey.sample import generate_followup

    second = tmp_path / "autumn.csv"
    second.write_text(generate_followup(load_codebook()).scores_csv, encoding="utf-8")
    target = tmp_path / f"waves-{lang}.html"
    done = tmp_path / "done.yaml"  # with what was done: its tables in the action plan (issue 26)
    done.write_text("- champions_network\n- leaders_work_out_loud\n", encoding="utf-8")
    result = CliRunner().invoke(
        command.main,
        [
            str(SAMPLE_SCORES),
            str(second),
            "--lang",
            lang,
            "-o",
            str(target),
            "--quiet",
            "--done",
            str(done),
        ],
    )
    assert result.exit_code == 0, result.output
    html = target.read_text(encoding="utf-8")
    assert 'id="since"' in html and 'id="drivers"' in html
    assert html.count('<table class="done-effects">') == 2
    assert_accessible(html, tmp_path / "axe", f"two waves ({lang})")
    assert_reflows(html, tmp_path / "reflow", f"two waves ({lang})")
