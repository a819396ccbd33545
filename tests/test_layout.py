"""The layout suite (issue 25): the sample's outputs, and those of a survey with 40
segments with names up to 60 characters, rendered as a reader sees them and measured
(tests/layout.py says how). Each output is rendered once per module; a failing check
keeps PNGs of what it measured under tests/artifacts/."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from layout import (
    hyphenated,
    keep_html,
    keep_pdf_pages,
    measure_html,
    office_pdfs,
    overlapping_words,
    page_count,
    page_fill,
)

from conftest import SAMPLE_SCORES, Cli
from ism_advisor.core.i18n import translations
from ism_advisor.render.pdf import html_to_pdf
from ism_advisor.render.templates import environment
from ism_advisor.survey.codebook import load_codebook
from ism_advisor.survey.sample import generate_large

LANGS = ("nl", "en")
SURVEYS = ("sample", "forty")
#: The report's @page margins (templates/report.css), top and bottom, in millimetres.
REPORT_MARGINS = (18, 20)
#: The least share of a page but the last that is filled (issue 25).
MIN_FILL = 0.60

_PLACES = [
    "Rivierstad", "Oosterhout-Noord", "Zuidwijk", "Bergen op Zoom", "Westervoort",
    "Lagedijk", "Hoogeveen", "Middelburg", "Noordoostpolder", "Krimpenerwaard",
]  # fmt: skip
_KINDS = [
    "Gemeente {place}",
    "Zorggroep {place}, wijkteams ouderenzorg",
    "Hoogheemraadschap {place}, afdeling vergunningverlening en handhaving",
    "Stichting Welzijn {place}",
]


def forty_names() -> list[str]:
    """40 segment names of 8 to 60 characters, the longest exactly 60."""
    names = []
    for index in range(40):
        name = _KINDS[index % 4].format(place=_PLACES[index // 4])
        names.append(name[:60].rstrip(" ,"))
    return names


def _run(folder: Path, *args) -> None:
    result = Cli(folder)(*args)
    assert result.exit_code == 0, result.stderr


@pytest.fixture(scope="module")
def surveys(tmp_path_factory) -> dict[str, tuple[Path, str, list[str]]]:
    """Per survey: the CSV, its segment column and the names a PDF must not hyphenate."""
    folder = tmp_path_factory.mktemp("forty")
    names = forty_names()
    frame = generate_large(load_codebook(), 1600, 40)
    frame["team"] = frame["team"].cat.rename_categories(names)
    frame = frame.drop(columns=["organisation", "location"])
    path = folder / "forty.csv"
    frame.to_csv(path, index=False, lineterminator="\n")
    sample = ["Gemeente Rivierstad", "TechnoBouw", "Zorggroep Oost"]
    return {
        "sample": (SAMPLE_SCORES, "organisation", [*sample, "organisation"]),
        "forty": (path, "team", [*names, "team"]),
    }


@pytest.fixture(scope="module")
def outputs(surveys, tmp_path_factory) -> dict[tuple[str, str], Path]:
    """Per survey and language, a folder with advice.html, advice.pdf, advice.pptx and
    the briefs as HTML (html/) and, for the sample, as PDF (pdf/)."""
    folders = {}
    for survey, (path, column, _) in surveys.items():
        for lang in LANGS:
            folder = tmp_path_factory.mktemp(f"{survey}-{lang}")
            common = [path, "--segment-by", column, "--lang", lang, "--date", "2026-03-01"]
            _run(folder, *common, "-o", "advice.html", "--per-segment", "html", "--brief")
            if survey == "sample":
                _run(folder, *common, "-o", "advice.pdf", "--per-segment", "pdf", "--brief")
            else:  # 40 one-page PDFs per language would cost a minute: the report only
                _run(folder, *common, "-o", "advice.pdf")
            _run(folder, *common, "-o", "advice.pptx")
            folders[survey, lang] = folder
    return folders


def _briefs(folder: Path, survey: str) -> list[Path]:
    """The briefs measured: all of the sample's, the four longest names of the forty."""
    briefs = sorted(p for p in folder.iterdir() if p.name != "index.html")
    briefs = [p for p in briefs if p.suffix in (".html", ".pdf")]
    if survey == "forty":
        briefs = sorted(briefs, key=lambda p: (-len(p.name), p.name))[:4]
    return briefs


@pytest.fixture(scope="module")
def html_pages(outputs) -> dict[str, str]:
    pages = {}
    for (survey, lang), folder in outputs.items():
        pages[f"{survey}-{lang}-report"] = (folder / "advice.html").read_text("utf-8")
        for brief in _briefs(folder / "html", survey):
            pages[f"{survey}-{lang}-brief-{brief.stem}"] = brief.read_text("utf-8")
    return pages


@pytest.fixture(scope="module")
def html_layout(html_pages, tmp_path_factory):
    """Every HTML page measured at 375, 1280 and 1920 px, in one browser."""
    return measure_html(html_pages, tmp_path_factory.mktemp("chromium"))


@pytest.fixture(scope="module")
def deck_pdfs(outputs, tmp_path_factory) -> dict[tuple[str, str], Path]:
    decks = {key: folder / "advice.pptx" for key, folder in outputs.items()}
    printed = office_pdfs(list(decks.values()), tmp_path_factory.mktemp("office"))
    return {key: printed[deck] for key, deck in decks.items()}


def _layouts(html_layout, survey, lang, width):
    prefix = f"{survey}-{lang}-"
    return [m for (label, w), m in html_layout.items() if label.startswith(prefix) and w == width]


def _fail_html(layouts, html_pages, tmp_path, what: str) -> str:
    shots = [keep_html(m, html_pages[m.label], tmp_path) for m in layouts]
    return f"{what}; screenshots: {', '.join(str(s) for s in shots)}"


@pytest.mark.parametrize("width", [375, 1280, 1920])
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("survey", SURVEYS)
def test_no_figure_in_a_table_is_on_two_lines(
    html_layout, html_pages, tmp_path, survey, lang, width
):
    layouts = _layouts(html_layout, survey, lang, width)
    bad = [m for m in layouts if m.figures]
    if bad:
        found = {m.label: m.figures for m in bad}
        total = sum(len(m.figures) for m in bad)
        pytest.fail(_fail_html(bad, html_pages, tmp_path, f"{total} figures wrapped: {found}"))


@pytest.mark.parametrize("width", [1280, 1920])
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("survey", SURVEYS)
def test_no_word_in_a_table_is_broken_over_two_lines(
    html_layout, html_pages, tmp_path, survey, lang, width
):
    layouts = _layouts(html_layout, survey, lang, width)
    bad = [m for m in layouts if m.words]
    if bad:
        found = {m.label: m.words for m in bad}
        total = sum(len(m.words) for m in bad)
        pytest.fail(_fail_html(bad, html_pages, tmp_path, f"{total} words broken: {found}"))


@pytest.mark.parametrize("width", [375, 1280, 1920])
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("survey", SURVEYS)
def test_nothing_is_wider_than_the_page_column(
    html_layout, html_pages, tmp_path, survey, lang, width
):
    layouts = _layouts(html_layout, survey, lang, width)
    assert layouts  # the report and its briefs were measured
    bad = [m for m in layouts if m.too_wide()]
    if bad:
        found = [
            f"{m.label}: page {m.scroll_width} in {m.width}, column"
            f" {m.column_scroll_width} in {m.column_width}"
            for m in bad
        ]
        pytest.fail(_fail_html(bad, html_pages, tmp_path, f"too wide: {found}"))


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("survey", SURVEYS)
def test_every_report_page_but_the_last_is_at_least_60_percent_filled(outputs, survey, lang):
    top, bottom = REPORT_MARGINS
    assert f"margin: {top}mm 16mm {bottom}mm;" in _print_css()  # the text area measured
    pdf = outputs[survey, lang] / "advice.pdf"
    fills = page_fill(pdf, *REPORT_MARGINS)
    assert len(fills) == page_count(pdf)
    thin = [number for number, fill in enumerate(fills[:-1], start=1) if fill < MIN_FILL]
    if thin:
        kept = keep_pdf_pages(pdf, thin, f"{survey}-{lang}-report")
        pytest.fail(
            f"pages filled less than {MIN_FILL:.0%}: "
            + ", ".join(f"{n} ({fills[n - 1]:.0%})" for n in thin)
            + f"; all pages: {[f'{f:.0%}' for f in fills]}; PNGs: {[str(k) for k in kept]}"
        )


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("survey", SURVEYS)
def test_no_segment_name_is_hyphenated_in_a_pdf(outputs, surveys, survey, lang):
    names = surveys[survey][2]
    folder = outputs[survey, lang]
    pdfs = [folder / "advice.pdf"]
    if survey == "sample":
        pdfs += _briefs(folder / "pdf", survey)
    found = {}
    for pdf in pdfs:
        split = hyphenated(pdf, names)
        if split:
            found[pdf.name] = split
            pages = sorted({int(s.rsplit("page ", 1)[1].rstrip(")")) for s in split})
            keep_pdf_pages(pdf, pages, f"{survey}-{lang}-{pdf.stem}")
    assert found == {}


@pytest.mark.parametrize("lang", LANGS)
def test_each_brief_is_one_page(outputs, lang):
    briefs = _briefs(outputs["sample", lang] / "pdf", "sample")
    assert len(briefs) == 3
    pages = {brief.name: page_count(brief) for brief in briefs}
    assert pages == {brief.name: 1 for brief in briefs}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("survey", SURVEYS)
def test_no_text_overlaps_on_a_slide(deck_pdfs, survey, lang):
    pdf = deck_pdfs[survey, lang]
    found = overlapping_words(pdf)
    if found:
        slides = sorted({int(s.rsplit("slide ", 1)[1].rstrip(")")) for s in found})
        kept = keep_pdf_pages(pdf, slides, f"{survey}-{lang}-deck")
        pytest.fail(f"{len(found)} overlapping words: {found}; PNGs: {[str(k) for k in kept]}")


def _page_texts(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True)
    return [" ".join(page.split()) for page in text.stdout.split("\f")]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("survey", SURVEYS)
def test_page_one_is_the_summary_with_the_headline_chart(outputs, survey, lang):
    """A director reads page 1 alone: the summary, and the means chart with its caption
    and its table of figures (the effect sizes begin page 2)."""
    t = translations(lang).gettext
    pages = _page_texts(outputs[survey, lang] / "advice.pdf")
    first = pages[0]
    for text in (
        t("Executive summary"),
        t("Users and non-users compared"),
        t("Mean score per factor: users and non-users"),
        t("The figures of this chart"),
    ):
        assert text in first
    assert first.count(t("The figures of this chart")) == 1  # the means' table, whole
    effects = t(
        "Effect size per factor (Hedges' g) with 95%% confidence interval; filled dots are"
        " significant after Holm correction."
    )
    assert effects.replace("%%", "%")[:40] in pages[1]


def _print_css() -> str:
    return environment("en", "pdf").get_template("report.css").render()


def test_a_table_split_over_pages_repeats_its_header_and_leaves_no_row_alone(tmp_path):
    """The report's print stylesheet, a table of 8 rows after 150 to 240 mm of other
    content: wherever the page ends, each page the table is on starts with its header
    and holds at least two of its rows."""
    rows = "".join(f"<tr><td>row{i}</td></tr>" for i in range(1, 9))
    splits = 0
    for space_mm in range(150, 250, 10):
        html = (
            "<!DOCTYPE html><html lang='en'><title>t</title><style>"
            + _print_css()
            + " td, th { height: 10mm; padding: 0 }</style><body>"
            f"<div style='height: {space_mm}mm'></div><table class='heatmap'><thead><tr><th>"
            f"head</th></tr></thead><tbody>{rows}</tbody></table></body></html>"
        )
        pdf = tmp_path / f"table-{space_mm}.pdf"
        pdf.write_bytes(html_to_pdf(html, "plain"))
        pages = [
            [w for w in page.split() if w.startswith(("head", "row"))] for page in _page_texts(pdf)
        ]
        pages = [page for page in pages if page]  # the page numbers left out
        assert [w for page in pages for w in page if w != "head"] == [
            f"row{i}" for i in range(1, 9)
        ]
        for words in pages:
            assert words[0] == "head" and len(words) >= 3, (space_mm, pages)
        splits += len(pages) > 1
    assert splits >= 3  # the table was split over two pages at several places


# The checks themselves: each finds what it looks for.


def test_the_html_checks_find_wrapped_figures_broken_words_and_a_wide_page(tmp_path):
    page = (
        "<!DOCTYPE html><html lang='en'><title>t</title><body><main>"
        "<style>td, th { overflow-wrap: anywhere }</style><table style='table-layout:"
        " fixed; width: 5em'><tr><th style='width: 3em'>Respondents</th><td>"
        "−0.06 44%</td></tr></table><div style='width:2000px'>wide</div>"
        "</main></body></html>"
    )
    clean = (
        "<!DOCTYPE html><html lang='en'><title>t</title><body><main>"
        "<table><tr><th>Respondents</th><td>−0.06</td></tr></table></main></body></html>"
    )
    measured = measure_html({"bad": page, "clean": clean}, tmp_path, widths=(1280,))
    bad = measured["bad", 1280]
    assert bad.words == ['Respondents in "Respondents"']
    assert bad.figures == ['−0.06 in "−0.06 44%"', '44% in "−0.06 44%"']
    assert bad.too_wide()
    clean = measured["clean", 1280]
    assert (clean.words, clean.figures, clean.too_wide()) == ([], [], False)


def test_the_pdf_checks_measure_fill_and_find_a_hyphenated_name(tmp_path):
    html = (
        "<!DOCTYPE html><html lang='nl'><title>t</title><style>@page { size: A4;"
        " margin: 18mm 16mm 20mm } p { width: 18mm; hyphens: auto; font-size: 14pt }"
        " div { height: 60mm }</style><body><div></div><p>Rivierstad Noord-Holland</p>"
        "<p style='break-before: page'>x</p></body></html>"
    )
    pdf = tmp_path / "t.pdf"
    pdf.write_bytes(html_to_pdf(html, "plain"))
    fills = page_fill(pdf, *REPORT_MARGINS)
    assert len(fills) == page_count(pdf) == 2
    assert 0.25 < fills[0] < 0.40  # 60 mm of the 259 mm text area, and two lines
    assert fills[1] < 0.05
    assert hyphenated(pdf, ["Gemeente Rivierstad", "Noord-Holland"]) == [
        "Rivier\u2010/stad (page 1)"
    ]


def test_the_overlap_check_finds_words_drawn_over_each_other(tmp_path):
    html = (
        "<!DOCTYPE html><html lang='en'><title>t</title><style>p { position: absolute;"
        " margin: 0 } </style><body><p style='top: 0; left: 0'>Performance expectancy</p>"
        "<p style='top: 4px; left: 30px'>Collaboration</p>"
        "<p style='top: 200px; left: 0'>alone</p></body></html>"
    )
    pdf = tmp_path / "t.pdf"
    pdf.write_bytes(html_to_pdf(html, "plain"))
    assert overlapping_words(pdf) == [
        "'Performance' over 'Collaboration' (slide 1)",
        "'expectancy' over 'Collaboration' (slide 1)",
    ]


def test_the_forty_names_are_up_to_60_characters():
    names = forty_names()
    assert len(set(names)) == 40
    assert max(len(n) for n in names) == 60
    assert min(len(n) for n in names) < 20
