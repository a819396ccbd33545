"""Charts that fit their data, and no section of absent figures (issue 25).

Read from the HTML report as written for the sample, in Dutch and English: the means
chart's axis covers the answer scale, the priority matrix's range fits its points, the
legends follow the order of the series, no two texts of a chart overprint each other
(their boxes measured with DejaVu Sans, the charts' font), the trend chart's figures are
hidden on screen as the other charts' are; and the report of a survey of scores says in
one sentence why it has no reliability table instead of a table of dashes.
"""

from __future__ import annotations

import copy
import json
import re
import xml.etree.ElementTree as ET
from functools import lru_cache
from pathlib import Path

import pytest

from conftest import SAMPLE_RESPONSES, SAMPLE_SCORES, Cli
from ism_advisor.render.context.build import report_context
from ism_advisor.render.report import render_report

SVG = "{http://www.w3.org/2000/svg}"
LANGS = ("nl", "en")
RELIABILITY = {
    "en": "The reliability of the scales (Cronbach's α) needs the answers per item; this"
    " survey gave a score per factor, so it is not reported.",
    "nl": "De betrouwbaarheid van de schalen (Cronbachs α) vraagt om de antwoorden per vraag;"
    " deze enquête bevat een score per factor, dus die wordt hier niet vermeld.",
}
NO_CHART = {
    "en": "No chart: every comparison is hidden, to protect small groups (anonymity).",
    "nl": "Geen grafiek: elke vergelijking is verborgen, om kleine groepen te beschermen"
    " (anonimiteit).",
}


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> dict[str, Path]:
    """The sample's report (html, md, json) in both languages, over one wave and two."""
    folder = tmp_path_factory.mktemp("charts")
    cli = Cli(folder)
    second = SAMPLE_SCORES.with_name("scores-wave2.csv")
    for lang in LANGS:
        for fmt in ("html", "md", "json"):
            args = ("--segment-by", "organisation", "--lang", lang, "-q")
            assert cli(SAMPLE_SCORES, *args, "-o", f"one-{lang}.{fmt}").exit_code == 0
        per = ("--per-segment", f"per-{lang}", "-o", f"all-{lang}.html")
        assert cli(SAMPLE_SCORES, *args, *per).exit_code == 0
        result = cli(SAMPLE_SCORES, second, "--lang", lang, "-q", "-o", f"two-{lang}.html")
        assert result.exit_code == 0, result.stderr
        result = cli(SAMPLE_RESPONSES, "--lang", lang, "-q", "-o", f"items-{lang}.html")
        assert result.exit_code == 0, result.stderr
        result = cli(SAMPLE_RESPONSES, "--lang", lang, "-q", "-o", f"items-{lang}.md")
        assert result.exit_code == 0, result.stderr
    return {p.name: p for p in folder.iterdir()}


def _figure(html: str, name: str) -> str:
    return re.search(rf'<figure class="chart {name}">(.*?)</figure>', html, re.S).group(1)


def _svg(html: str, name: str) -> ET.Element:
    figure = _figure(html, name)
    return ET.fromstring(figure[figure.index("<svg") : figure.index("</svg>") + 6])


def _html(written, name: str) -> str:
    return written[name].read_text(encoding="utf-8")


def _axes(svg: ET.Element) -> tuple[float, float, float, float]:
    """(left, top, bottom, right) of the axes' frame, from its path "M l t V b H r"."""
    path = svg.find(f"{SVG}g[@class='axes']/{SVG}path").get("d")
    return tuple(float(v) for v in re.fullmatch(r"M(\S+) (\S+)V(\S+)H(\S+)", path).groups())


def _xticks(svg: ET.Element) -> list[tuple[float, str]]:
    """(x, text) of the horizontal axis' tick labels."""
    ticks = svg.find(f"{SVG}g[@class='ticks']")
    return [(float(t.get("x")), t.text) for t in ticks if t.get("text-anchor") == "middle"]


def _number(text: str) -> float:
    return float(text.replace(",", ".").replace("\u2212", "-"))


@lru_cache(maxsize=4096)
def _width(text: str, size: float, bold: bool) -> float:
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    weight = "bold" if bold else "normal"
    font = FontProperties(family="DejaVu Sans", size=size, weight=weight)
    return TextToPath().get_text_width_height_descent(text, font, ismath=False)[0]


def _boxes(svg: ET.Element) -> list[tuple[str, tuple[float, float, float, float]]]:
    """Every text of the chart (but the rotated axis label) and every dot, as boxes in
    points: a text's width measured in DejaVu Sans, from its ascent to its descent."""
    out = []
    for text in svg.iter(f"{SVG}text"):
        if text.get("transform") or not text.text:
            continue
        size = float(text.get("font-size", "9"))
        width = _width(text.text, size, text.get("font-weight") == "bold")
        x, y = float(text.get("x")), float(text.get("y"))
        left = {"start": x, "middle": x - width / 2, "end": x - width}[
            text.get("text-anchor", "start")
        ]
        out.append((text.text, (left, y - 0.73 * size, left + width, y + 0.2 * size)))
    for dot in svg.iter(f"{SVG}circle"):
        x, y, r = (float(dot.get(k)) for k in ("cx", "cy", "r"))
        out.append(("dot", (x - r, y - r, x + r, y + r)))
    return out


def _overlaps(svg: ET.Element) -> list[tuple[str, str]]:
    boxes = _boxes(svg)
    return [
        (a, b)
        for i, (a, one) in enumerate(boxes)
        for b, other in boxes[i + 1 :]
        if one[0] < other[2] and other[0] < one[2] and one[1] < other[3] and other[1] < one[3]
        and not (a == "dot" and b == "dot")  # two factors may have almost the same figures
    ]  # fmt: skip


@pytest.mark.parametrize("lang", LANGS)
def test_the_means_chart_covers_the_whole_scale(written, lang):
    svg = _svg(_html(written, f"one-{lang}.html"), "means")
    left, _, _, right = _axes(svg)
    ticks = _xticks(svg)
    assert [text for _, text in ticks] == ["1", "2", "3", "4", "5"]
    assert ticks[0][0] == left and ticks[-1][0] == right
    # a bar's length is its mean on that axis: 1 at the left, 5 at the right
    document = json.loads(written[f"one-{lang}.json"].read_text(encoding="utf-8"))
    assert document["scale"] == {"min": 1.0, "max": 5.0}
    first = document["segments"][0]["comparisons"][0]["users_mean"]
    bar = next(r for r in svg.iter(f"{SVG}rect") if r.get("x") == str(left))
    assert float(bar.get("width")) == pytest.approx((first - 1) / 4 * (right - left), abs=0.02)


@pytest.mark.parametrize("lang", LANGS)
def test_legends_follow_the_order_of_the_series(written, lang):
    names = {"en": ["users", "non-users"], "nl": ["gebruikers", "niet-gebruikers"]}[lang]
    svg = _svg(_html(written, f"one-{lang}.html"), "means")
    legend = svg.find(f"{SVG}g[@class='legend']")
    assert [t.text for t in legend.iter(f"{SVG}text")] == names
    swatches = [r.get("fill") for r in legend.iter(f"{SVG}rect")]
    bars = [r for r in svg.findall(f"{SVG}rect") if r.get("x") == str(_axes(svg)[0])]
    top_two = sorted(bars, key=lambda r: float(r.get("y")))[:2]
    assert [r.get("fill") for r in top_two] == swatches  # users' bar on top, as listed
    # the trend chart (matplotlib): its legend lists users, then non-users, as drawn
    trend = _figure(_html(written, f"two-{lang}.html"), "trend")
    legend = trend[trend.index('<g id="trend-legend_1">') :]
    assert re.findall(r"<text[^>]*>([^<]*)</text>", legend)[:2] == names
    # and in the colours of the series drawn: users' first
    colours = re.findall(r"stroke: (#[0-9a-f]{6})", legend)
    assert colours[0] == "#0072b2" and "#e69f00" in colours


@pytest.mark.parametrize("lang", LANGS)
def test_the_priority_matrix_fits_its_points(written, lang):
    html = _html(written, f"one-{lang}.html")
    svg = _svg(html, "priority")
    left, top, bottom, right = _axes(svg)
    ticks = _xticks(svg)
    (x0, t0), (x1, t1) = ticks[0], ticks[-1]
    per_point = (_number(t1) - _number(t0)) / (x1 - x0)
    low, high = _number(t0) - (x0 - left) * per_point, _number(t1) + (right - x1) * per_point
    document = json.loads(written[f"one-{lang}.json"].read_text(encoding="utf-8"))
    gaps = [c["gap"] for c in document["segments"][0]["comparisons"] if c["gap"] is not None]
    assert min(gaps) > -0.05 and max(gaps) > 0.5  # the sample: every gap to the right
    # every point inside with a margin; the left of the zero line only as wide as the
    # quadrants' names need (it was half of the chart)
    assert low < min(0.0, min(gaps)) and high > max(gaps)
    assert high - max(gaps) <= 0.15 * (high - low)
    zero = next(
        float(line.get("x1"))
        for line in svg.iter(f"{SVG}line")
        if line.get("x1") == line.get("x2") and line.get("stroke") == "#333333"
    )
    assert (zero - left) / (right - left) < 0.25
    for dot in svg.iter(f"{SVG}circle"):
        assert left < float(dot.get("cx")) < right and top < float(dot.get("cy")) < bottom


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("chart", ["means", "effects", "priority"])
def test_no_two_texts_of_a_chart_overprint(written, lang, chart):
    svg = _svg(_html(written, f"one-{lang}.html"), chart)
    assert _overlaps(svg) == []
    # every factor is named in the priority matrix or, where its name was left out, in
    # the driver table after it
    if chart == "priority":
        texts = {t.text for t in svg.iter(f"{SVG}text")}
        document = json.loads(written[f"one-{lang}.json"].read_text(encoding="utf-8"))
        labels = {f["short"] for f in document["factors"]}  # the matrix shows short names
        assert labels <= texts  # the sample: room for all of them


@pytest.mark.parametrize("lang", LANGS)
def test_no_text_overprints_in_the_reports_per_segment(written, lang):
    reports = sorted(written[f"per-{lang}"].glob("*.html"))
    assert len(reports) == 3
    for report in reports:
        html = report.read_text(encoding="utf-8")
        for chart in ("means", "effects", "priority"):
            assert _overlaps(_svg(html, chart)) == [], (report.name, chart)
        # the sample's segments: room for every factor's name in the matrix
        texts = {t.text for t in _svg(html, "priority").iter(f"{SVG}text")}
        table = html[html.index('<table class="drivers">') :]
        names = re.findall(r'<tr class="quadrant-[^"]*"><td>([^<]*)</td>', table)
        document = json.loads(written[f"one-{lang}.json"].read_text(encoding="utf-8"))
        short = {f["label"]: f["short"] for f in document["factors"]}
        assert len(names) == 7 and {short[n.replace("&#39;", "'")] for n in names} <= texts


def test_a_label_that_cannot_be_placed_is_left_out():
    from types import SimpleNamespace

    from ism_advisor.render.charts import priority_chart

    # eight factors on the very same spot: one name fits there, and a few above and below
    rows = [
        SimpleNamespace(
            label=f"Factor number {i}",
            short_label=f"Factor number {i}",  # the matrix shows the short name
            importance=20.0,
            gap=0.3,
            quadrant="act_first",
        )
        for i in range(8)
    ]
    quadrants = {"act_first": "act first", "keep": "keep", "watch": "watch", "low_priority": "low"}
    svg = ET.fromstring(str(priority_chart(rows, 12.5, quadrants, lambda m, **k: m, "en")))
    named = [t.text for t in svg.iter(f"{SVG}text") if t.text.startswith("Factor number")]
    assert 1 <= len(named) < 8
    assert _overlaps(svg) == []


@pytest.mark.parametrize("lang", LANGS)
def test_the_trend_charts_figures_are_hidden_on_screen_like_the_others(written, lang):
    html = _html(written, f"two-{lang}.html")
    trend = _figure(html, "trend")
    table = trend[trend.index('<div class="chart-data">') :]
    assert table.index('<table class="trend">') < table.index("</table>")
    assert "hidden" not in table  # still read by screen readers
    caption = {"en": "The chart's figures", "nl": "De cijfers van de grafiek"}[lang]
    assert f'<caption id="since-trend-caption">{caption}</caption>' in table
    # the same rule hides it as the means chart's table: clipped on screen, printed
    assert _figure(html, "means").count('<div class="chart-data">') == 1
    css = html[html.index("<style>") : html.index("</style>")]
    rule = re.search(r"@media screen \{\s*\.chart-data \{([^}]*)\}", css).group(1)
    assert "clip: rect(0 0 0 0)" in rule and "display" not in rule
    # the trend chart's axis covers the scale too
    assert re.findall(r"<text[^>]*>(\d[.,]0)</text>", trend)[:5] == [
        f"{v}{',' if lang == 'nl' else '.'}0" for v in range(1, 6)
    ]


@pytest.mark.parametrize("lang", LANGS)
def test_scores_get_one_sentence_instead_of_a_reliability_table(written, lang):
    heading = {"en": "Scale reliability", "nl": "Betrouwbaarheid van de schalen"}[lang]
    html = _html(written, f"one-{lang}.html")
    assert '<table class="reliability">' not in html and heading not in html
    assert f"<p>{RELIABILITY[lang]}</p>" in html
    markdown = _html(written, f"one-{lang}.md")
    assert heading not in markdown
    assert f"\n{RELIABILITY[lang]}\n" in markdown
    # item-level answers: the table, a figure in every row, and no such sentence
    items = _html(written, f"items-{lang}.html")
    table = items[items.index('<table class="reliability">') :]
    table = table[: table.index("</table>")]
    assert f"<h3>{heading}</h3>" in items and RELIABILITY[lang] not in items
    cells = re.findall(r'<td class="num">([^<]*)', table)
    assert len(cells) == 7 and all(re.match(r"0[.,]\d\d", c) for c in cells)
    assert f"### {heading}" in _html(written, f"items-{lang}.md")


@pytest.mark.parametrize("lang", LANGS)
def test_no_empty_charts_when_every_comparison_is_hidden(written, lang):
    document = json.loads(written[f"one-{lang}.json"].read_text(encoding="utf-8"))
    shown = report_context(copy.deepcopy(document))
    html = render_report(shown, "html").decode("utf-8")
    assert '<figure class="chart means">' in html and NO_CHART[lang] not in html
    for comparison in document["segments"][0]["comparisons"]:
        for key in comparison:
            if key not in ("factor", "suppressed", "suppressed_reason"):
                comparison[key] = None
        comparison["suppressed"], comparison["suppressed_reason"] = True, "anonymity"
    html = render_report(report_context(document), "html").decode("utf-8")
    section = html[html.index('<section id="charts">') :]
    section = section[: section.index("</section>")]
    assert '<figure class="chart means">' not in section and "<svg" not in section
    assert f"<p>{NO_CHART[lang]}</p>" in section
