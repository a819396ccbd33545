"""The section "Compared with N organisations" (``document["norms"]``, contract C3) in the
report (HTML, Markdown, PDF), the deck and the brief.

The norms are built here from other organisations' figures with the reference
implementations the contract names (scipy's ``percentileofscore(kind="mean")``, numpy's
linear quantiles) and added to a real run's document, so that these tests do not depend
on the store or on how the norms are computed.
"""

from __future__ import annotations

import copy
import html as html_module
import io
import re
import shutil
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pytest
from scipy.stats import percentileofscore

from conftest import SAMPLE_SCORES, Cli
from ism_advisor.core.errors import Message
from ism_advisor.core.i18n import translations
from ism_advisor.render.brief import brief_context, render_brief
from ism_advisor.render.context.build import report_context
from ism_advisor.render.context.model import NormFactor, NormPosition
from ism_advisor.render.context.norms import norms_line
from ism_advisor.render.deck import render_deck
from ism_advisor.render.report import render_report

MEASURES = ("non_users_mean", "users_mean", "gap")


def _figures(values: list[float], client: float | None, digits: int) -> dict:
    """One measure's norm figures as contract C3 defines them."""
    n = len(values)
    out = {"value": client, "n": n, "percentile": None}
    out |= dict.fromkeys(("p10", "p25", "median", "p75", "p90"))
    if n >= 5 and client is not None:
        out["percentile"] = round(percentileofscore(values, client, kind="mean"))
    for key, q, least in (
        ("p10", 0.1, 20),
        ("p25", 0.25, 10),
        ("median", 0.5, 10),
        ("p75", 0.75, 10),
        ("p90", 0.9, 20),
    ):
        if n >= least:
            out[key] = round(float(np.quantile(values, q, method="linear")), digits)
    return out


def other_organisations(document: dict, count: int, seed: int = 30) -> list[dict]:
    """``count`` made-up organisations' figures around the client's own."""
    rng = np.random.default_rng(seed)
    overall = {c["factor"]: c for c in document["segments"][0]["comparisons"]}
    direction = {f["id"]: f["direction"] for f in document["factors"]}
    out = []
    for _ in range(count):
        factors = {}
        for factor, c in overall.items():
            non_users = float(np.clip(c["non_users_mean"] + rng.normal(0.25, 0.35), 1, 5))
            users = float(np.clip(c["users_mean"] + rng.normal(0.1, 0.3), 1, 5))
            factors[factor] = {
                "non_users_mean": non_users,
                "users_mean": users,
                # the gap is oriented: positive where non-users lag behind
                "gap": users - non_users
                if direction[factor] == "higher_is_better"
                else non_users - users,
            }
        out.append({"adoption": float(rng.uniform(0.2, 0.7)), "factors": factors})
    return out


def with_norms(document: dict, count: int, seed: int = 30) -> dict:
    """The document with ``norms`` from ``count`` other organisations (contract C3)."""
    document = copy.deepcopy(document)
    others = other_organisations(document, count, seed)
    shown = count >= 5
    overall = {c["factor"]: c for c in document["segments"][0]["comparisons"]}

    def measure(values, client, digits):
        figures = _figures(values, client, digits)
        if not shown:
            figures = {k: None for k in figures} | {"n": figures["n"]}
        return figures

    document["norms"] = {
        "organisations": count,
        "min_organisations": 5,
        "window_months": 36,
        "since": "2023-12-07",
        "until": "2026-12-07",
        "codebook_version": "6f78349a03fbe58e",
        "shown": shown,
        "reason": None if shown else "too_few_organisations",
        "adoption": measure(
            [o["adoption"] for o in others], document["segments"][0]["adoption_rate"], 3
        ),
        "factors": [
            {
                "factor": f["id"],
                "direction": f["direction"],
                **{
                    m: measure([o["factors"][f["id"]][m] for o in others], overall[f["id"]][m], 2)
                    for m in MEASURES
                },
            }
            for f in document["factors"]
        ],
    }
    return document


# -- fixtures: a real run of the sample, in both languages --------------------------------


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, dict]:
    """The sample's JSON document per language, segmented by department (for briefs)."""
    folder = tmp_path_factory.mktemp("norms-render")
    shutil.copyfile(SAMPLE_SCORES, folder / "scores.csv")
    cli = Cli(folder)
    return {
        lang: cli.json("scores.csv", "--lang", lang, "--segment-by", "department")
        for lang in ("en", "nl")
    }


def section(html: str) -> str:
    start = html.index('<section id="norms">')
    return html[start : html.index("</section>", start) + len("</section>")]


def table_rows(html: str) -> list[list[str]]:
    """The norms table's rows as texts (the factor's name only on its first row)."""
    body = section(html)
    body = body[body.index('<table class="norms">') :]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    return [
        [
            html_module.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r)
        ]
        for r in rows
    ]


def percent(share: float) -> str:
    """A quantile of adoption as contract C3 rounds it (3 decimals), as a whole percent
    rounded half up, as the report rounds."""
    rounded = Decimal(str(round(float(share), 3))) * 100
    return f"{rounded.quantize(Decimal(1), rounding=ROUND_HALF_UP)}%"


def favourable(factor: dict) -> int:
    rank = factor["non_users_mean"]["percentile"]
    return rank if factor["direction"] == "higher_is_better" else 100 - rank


# -- the report ----------------------------------------------------------------------------


def test_html_section_follows_the_findings_with_both_charts(runs):
    document = with_norms(runs["en"], 12)
    html = render_report(report_context(document), "html").decode("utf-8")
    order = [html.index(f'<section id="{name}">') for name in ("findings", "norms", "actions")]
    assert order == sorted(order)
    part = section(html)
    assert '<h2 id="norms-title">Compared with 12 organisations</h2>' in part
    assert (
        "between December 7, 2023 and December 7, 2026: each organisation counts once, with"
        " its latest survey, and this organisation is left out." in part
    )
    assert "not a random sample of organisations." in part
    assert (
        "Higher is worse for Effort expectancy; Privacy concern: there a lower percentile"
        " rank of the means is the more favourable." in part
    )
    # two charts, each an <svg role="img"> whose <title> is its text alternative
    titles = re.findall(r'<svg role="img"[^>]*>\s*<title>([^<]+)</title>', part)
    assert len(titles) == 2
    worst = min((f for f in document["norms"]["factors"]), key=lambda f: favourable(f))
    label = next(f["label"] for f in document["factors"] if f["id"] == worst["factor"])
    assert titles[0] == (
        "Non-users&#39; mean per factor against the other organisations, with their median"
        f" and middle half: least favourable compared with them on {label} (percentile rank"
        f" {worst['non_users_mean']['percentile']})."
    )
    # a band per factor in each chart (12 organisations: P25-P75, no P10-P90)
    assert part.count('<g class="norm">') == 14
    assert part.count("<rect x=") == 14 + 2  # the bands and the legends' swatches


def test_html_table_holds_the_reference_figures(runs):
    document = with_norms(runs["en"], 12)
    others = other_organisations(runs["en"], 12)
    html = render_report(report_context(document), "html").decode("utf-8")
    rows = table_rows(html)
    assert rows[0] == [
        "Factor",
        "Figure",
        "Your organisation",
        "Percentile rank",
        "Median",
        "P25–P75",
    ]
    overall = {c["factor"]: c for c in runs["en"]["segments"][0]["comparisons"]}
    values = [o["factors"]["manager_influence"]["non_users_mean"] for o in others]
    client = overall["manager_influence"]["non_users_mean"]
    index = next(i for i, r in enumerate(rows) if r[0] == "Manager influence")
    assert rows[index] == [
        "Manager influence",
        "Non-users",
        f"{client:.2f}",
        str(round(percentileofscore(values, client, kind="mean"))),
        f"{np.quantile(values, 0.5):.2f}",
        f"{np.quantile(values, 0.25):.2f} – {np.quantile(values, 0.75):.2f}",
    ]
    assert rows[index + 1][0] == "Users"  # the factor heads its three rows
    assert rows[index + 2][0] == "Gap"
    adoption = [o["adoption"] for o in others]
    assert rows[-1] == [
        "Adoption",
        "share of users",
        "41%",
        str(round(percentileofscore(adoption, 0.405, kind="mean"))),
        percent(np.quantile(adoption, 0.5)),
        f"{percent(np.quantile(adoption, 0.25))} – {percent(np.quantile(adoption, 0.75))}",
    ]


def test_p10_p90_only_from_20_organisations(runs):
    twelve = render_report(report_context(with_norms(runs["en"], 12)), "html").decode()
    twenty = render_report(report_context(with_norms(runs["en"], 25)), "html").decode()
    assert "P10–P90</th>" not in section(twelve)
    assert table_rows(twenty)[0][-1] == "P10–P90"
    # and the thin P10-P90 line in the charts: one per factor and chart
    assert section(twenty).count('stroke-width=".8"/>\n<rect') == 14


def test_too_few_organisations_say_why_and_show_nothing(runs):
    for lang, heading, sentence in (
        (
            "en",
            "Compared with 4 organisations",
            "Fewer than 5 comparable organisations in the store (4): no comparison is shown.",
        ),
        (
            "nl",
            "Vergeleken met 4 organisaties",
            "Minder dan 5 vergelijkbare organisaties in de opslag (4): er wordt geen"
            " vergelijking getoond.",
        ),
    ):
        document = with_norms(runs[lang], 4)
        html = render_report(report_context(document), "html").decode("utf-8")
        assert section(html) == (
            f'<section id="norms">\n<h2 id="norms-title">{heading}</h2>\n'
            f"<p>{sentence}</p>\n</section>"
        )
        md = render_report(report_context(document), "md").decode("utf-8")
        assert f"## {heading}\n\n{sentence}\n\n## " in md


def test_between_5_and_9_organisations_no_band_but_ranks(runs):
    html = render_report(report_context(with_norms(runs["en"], 7)), "html").decode("utf-8")
    part = section(html)
    assert "<svg" not in part
    assert "No chart: the middle half of the organisations is shown from 10" in part
    rows = table_rows(html)
    assert all(r[-2:] == ["–", "–"] for r in rows[1:])  # no median, no quartiles
    assert all(r[-3].isdigit() for r in rows[1:])  # but every percentile rank


def test_markdown_and_dutch(runs):
    document = with_norms(runs["nl"], 12)
    md = render_report(report_context(document), "md").decode("utf-8")
    part = md[md.index("## Vergeleken met 12 organisaties") :]
    part = part[: part.index("\n## ", 5)]
    assert "| Factor | Cijfer | Je organisatie | Percentielrang | Mediaan | P25–P75 |" in part
    assert "tussen 7 december 2023 en 7 december 2026" in part
    assert re.search(r"\| Privacy \(hoger is slechter\) \| Niet-gebruikers \| 2,93 \|", part)
    html = render_report(report_context(document), "html").decode("utf-8")
    assert "je organisatie</text>" in section(html)
    assert "mediaan</text>" in section(html)


def test_no_norms_no_section_and_segments_have_none(runs):
    assert report_context(runs["en"]).norms is None
    html = render_report(report_context(runs["en"]), "html").decode("utf-8")
    assert 'id="norms"' not in html and "organisations" not in html
    document = with_norms(runs["en"], 12)
    assert report_context(document, segment=1).norms is None


# -- the one sentence: the brief and the deck's notes ---------------------------------------


def expected_line(document: dict, count: int) -> str:
    factors = document["norms"]["factors"]
    worst = min(range(len(factors)), key=lambda i: (favourable(factors[i]), i))
    f = factors[worst]
    label = next(x["label"] for x in document["factors"] if x["id"] == f["factor"])
    rank = favourable(f)
    if rank >= 50:
        return (
            f"Compared with {count} other organisations, the organisation's non-users score"
            " at or above the middle on every factor."
        )
    share = "three quarters of them" if rank < 25 else "half of them"
    if f["direction"] == "higher_is_better":
        return (
            f"Compared with {count} other organisations, the organisation's non-users score"
            f" lower on {label} than at {share}."
        )
    return (
        f"Compared with {count} other organisations, the organisation's non-users score"
        f" higher on {label} (higher is worse) than at {share}."
    )


@pytest.mark.parametrize("seed", [30, 1, 2, 3])
def test_brief_line_names_the_least_favourable_factor(runs, seed):
    document = with_norms(runs["en"], 12, seed=seed)
    context = brief_context(document, 1)
    assert context.norms == expected_line(document, 12)
    md = render_brief(context, "md").decode("utf-8")
    assert f"\n{context.norms}\n\n## How " in md
    html = render_brief(context, "html").decode("utf-8")
    assert f'<p class="norms">{context.norms}</p>' in html.replace("&#39;", "'")


def test_brief_line_wordings():

    def factor(rank, better=True, label="Managers"):
        p = NormPosition(3.0, 12, rank, None, 2.9, 3.1, 3.3, None)
        return NormFactor("f", label, label, better, p, p, p)

    norms = {"organisations": 12, "min_organisations": 5, "shown": True}
    t = lambda msgid, **params: _render(msgid, params)  # noqa: E731
    assert norms_line(norms, [factor(60), factor(24, label="Privacy")], t) == (
        "Compared with 12 other organisations, the organisation's non-users score lower on"
        " Privacy than at three quarters of them."
    )
    # higher is worse: a high rank is the unfavourable one
    assert norms_line(norms, [factor(70, better=False, label="Effort"), factor(55)], t) == (
        "Compared with 12 other organisations, the organisation's non-users score higher on"
        " Effort (higher is worse) than at half of them."
    )
    assert norms_line(norms, [factor(50), factor(20, better=False)], t) == (
        "Compared with 12 other organisations, the organisation's non-users score at or"
        " above the middle on every factor."
    )
    one = {"organisations": 1, "min_organisations": 5, "shown": False}
    assert norms_line(one, [], t) == (
        "Fewer than 5 comparable organisations in the store (1): no comparison is shown."
    )


def _render(msgid, params):
    return Message(msgid, params).render(translations("en"))


def test_without_norms_the_brief_has_no_line(runs):
    context = brief_context(runs["en"], 1)
    assert context.norms == ""
    assert 'class="norms"' not in render_brief(context, "html").decode("utf-8")


# -- the deck -------------------------------------------------------------------------------


def slides(document: dict):
    from pptx import Presentation

    deck = Presentation(io.BytesIO(render_deck(document, date="2026-12-07")))
    return {s.shapes.title.text: s for s in deck.slides if s.shapes.title is not None}


def test_deck_slide_charts_the_published_figures(runs):
    document = with_norms(runs["nl"], 12)
    slide = slides(document)["Vergeleken met 12 organisaties"]
    (frame,) = [s for s in slide.shapes if s.has_chart]
    band, median, client = frame.chart.plots[0].series
    assert [band.name, median.name, client.name] == [
        "middelste helft (P25–P75)",
        "mediaan",
        "je organisatie",
    ]
    factors = document["norms"]["factors"]
    assert list(client.values)[::-1] == list(range(1, 8))  # a row per factor, first on top
    xs = [float(v) for v in frame.chart.plots[0].series[2]._element.xpath("./c:xVal//c:v/text()")]
    assert xs == [f["non_users_mean"]["value"] for f in factors]
    medians = [float(v) for v in median._element.xpath("./c:xVal//c:v/text()")]
    assert medians == [f["non_users_mean"]["median"] for f in factors]
    ends = [float(v) for v in band._element.xpath("./c:xVal//c:v/text()")]
    assert ends == [
        v for f in factors for v in (f["non_users_mean"]["p25"], f["non_users_mean"]["p75"])
    ]
    descr = frame._element.nvGraphicFramePr.cNvPr.get("descr")
    assert descr.startswith("Gemiddelde van niet-gebruikers per factor tegenover de andere")
    names = [
        s.text_frame.text for s in slide.shapes if s.has_text_frame and s != slide.shapes.title
    ]
    assert "Privacy (hoger is slechter)" in names
    notes = slide.notes_slide.notes_text_frame.text
    # the notes open with the brief's sentence, then what the norms are
    line = brief_context(document, 1).norms
    assert line.startswith("Vergeleken met 12 andere organisaties scoren de niet-gebruikers van")
    assert notes.startswith(line + "\nDe normen zijn de cijfers van 12 andere organisaties")


def test_deck_says_why_not(runs):
    slide = slides(with_norms(runs["en"], 4))["Compared with 4 organisations"]
    assert not any(s.has_chart for s in slide.shapes)
    texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
    assert (
        "Fewer than 5 comparable organisations in the store (4): no comparison is shown." in texts
    )


def test_deck_without_norms_has_no_such_slide(runs):
    assert not any("organisations" in title for title in slides(runs["en"]))


# -- accessibility and the PDF ----------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_norms_section_passes_axe_and_reflows(runs, tmp_path, lang):
    """The section under the report's checks: no axe-core violation (the charts' names,
    the colours' contrast, the table's headers), and at 320 pixels nothing scrolls sideways
    but its table inside its own column."""
    from accessibility import assert_accessible, assert_reflows

    html = render_report(report_context(with_norms(runs[lang], 25)), "html").decode("utf-8")
    result = assert_accessible(html, tmp_path / "axe", f"norms ({lang})")
    assert "svg-img-alt" in result.passes
    assert_reflows(html, tmp_path / "reflow", f"norms ({lang})")


def test_the_pdf_carries_the_section_and_the_charts_alternatives(runs, tmp_path):
    from accessibility import structure

    document = with_norms(runs["en"], 12)
    context = report_context(document)
    path = tmp_path / "norms.pdf"
    path.write_bytes(render_report(context, "pdf"))
    _, elements = structure(path)
    alts = [str(e["/Alt"]) for tag, e in elements if tag == "/Figure"]
    # after the means and the effects: the norms' two charts, before the priority matrix
    assert alts[2:4] == [context.norms.chart_data.alt, context.norms.gap_data.alt]
