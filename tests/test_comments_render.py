"""What staff wrote (``document["comments"]``, contract C5) in the report (HTML, Markdown),
the deck and the brief.

The comments are added by hand, following contract C5, to a real run's document of the
sample (segmented by department), so that these tests do not depend on the reader, the
coder or the anonymity stage (parts X, K, P).
"""

from __future__ import annotations

import copy
import html as html_module
import io
import re
import shutil

import pytest

from conftest import SAMPLE_SCORES, Cli
from ism_advisor.render.brief import brief_context, render_brief
from ism_advisor.render.context.build import report_context
from ism_advisor.render.context.model import context_help
from ism_advisor.render.report import render_report

LABELS = {
    "en": {
        "effort_expectancy": "Effort expectancy",
        "manager_influence": "Manager influence",
        "technical": "Technical problems",
        "purpose_unclear": "Purpose unclear",
    },
    "nl": {
        "effort_expectancy": "Verwachte inspanning",
        "manager_influence": "Invloed van de leidinggevende",
        "technical": "Technische problemen",
        "purpose_unclear": "Doel onduidelijk",
    },
}

QUOTES = [
    "Geen tijd, te druk met <klanten> & [naam] vraagt er nooit naar",
    "It takes too much time to find anything",
    "Kost te veel tijd om in te loggen",
]


def hidden() -> dict:
    return {"shown": False, "n": None, "codes": [], "themes": [], "dominant": None}


def group(n: int, codes: list[tuple[str, int]], themes=(), dominant=None) -> dict:
    """A shown group (C5): codes as (code, n), largest first."""
    return {
        "shown": True,
        "n": n,
        "codes": [
            {
                "code": code,
                "n": k,
                "share": round(k / n, 4),
                "quotes": list(QUOTES) if code == "effort_expectancy" else [],
            }
            for code, k in codes
        ],
        "themes": [{"theme": t, "n": k, "share": round(k / n, 4)} for t, k in themes],
        "dominant": dominant,
    }


def with_comments(document: dict) -> dict:
    """The document with comments as part P would write them (C5)."""
    document = copy.deepcopy(document)
    lang = document["settings"]["lang"]
    document["comments"] = {
        "columns": ["wat_zou_helpen"],
        "min_comments": 10,
        "n": 300,
        "codes": [
            {
                "code": code,
                "kind": "factor" if "_" in code and code != "purpose_unclear" else "other",
                "label": label,
            }
            for code, label in LABELS[lang].items()
        ],
        "themes": [{"theme": "T1", "terms": ["english", "dutch", "translate"], "n": 37}],
    }
    for index, segment in enumerate(document["segments"]):
        if segment["suppressed"]:
            segment["comments"] = None
        elif index == 0:
            segment["comments"] = {
                "non_users": group(
                    34,
                    [("effort_expectancy", 12), ("technical", 5)],
                    [("T1", 3)],
                    "effort_expectancy",
                ),
                "users": group(40, [("manager_influence", 8)], (), "manager_influence"),
            }
        elif segment["value"] == "Engineering":
            segment["comments"] = {
                "non_users": group(20, [("technical", 2)], [("T1", 9)], "T1"),
                "users": hidden(),
            }
        else:
            segment["comments"] = {"non_users": hidden(), "users": hidden()}
    return document


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, dict]:
    folder = tmp_path_factory.mktemp("comments-render")
    shutil.copyfile(SAMPLE_SCORES, folder / "scores.csv")
    cli = Cli(folder)
    return {
        lang: cli.json("scores.csv", "--lang", lang, "--segment-by", "department")
        for lang in ("en", "nl")
    }


def text(html: str) -> str:
    return html_module.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def finding(html: str, factor: str) -> str:
    match = re.search(rf'<div class="finding" id="finding-{factor}">(.*?)\n</div>\n', html, re.S)
    assert match, factor
    return match.group(1)


def report(document: dict, fmt: str, segment: int = 0) -> str:
    return render_report(report_context(document, segment=segment, charts=False), fmt).decode()


def test_findings_show_the_share_and_escaped_quotes(runs):
    html = report(with_comments(runs["en"]), "html")
    effort = finding(html, "effort_expectancy")
    assert "What non-users wrote: 35% of 34 comments name it." in effort
    # the markers stay, the text is escaped
    assert (
        '<blockquote class="quote"><p>Geen tijd, te druk met &lt;klanten&gt; &amp; [naam]'
        " vraagt er nooit naar</p></blockquote>"
    ) in effort
    assert effort.count("<blockquote") == 3
    other = finding(html, "privacy_concern")
    assert "What non-users wrote: none of 34 comments name it." in other
    assert "<blockquote" not in other


def test_findings_in_dutch_and_markdown(runs):
    md = report(with_comments(runs["nl"]), "md")
    assert "Wat niet-gebruikers schreven: 35% van 34 opmerkingen noemt het." in md
    assert "> Kost te veel tijd om in te loggen" in md
    assert "## Wat medewerkers schreven" in md


def test_a_hidden_group_shows_one_quiet_line_and_no_quote(runs):
    document = with_comments(runs["en"])
    burgerzaken = next(i for i, s in enumerate(document["segments"]) if s["value"] == "Burgerzaken")
    html = report(document, "html", burgerzaken)
    effort = finding(html, "effort_expectancy")
    assert '<p class="note">Fewer than 10 comments: not shown.</p>' in effort
    assert "<blockquote" not in html
    assert not any(q in text(html) for q in QUOTES)


def test_the_section_lists_codes_dominant_and_themes(runs):
    html = report(with_comments(runs["en"]), "html")
    section = html[
        html.index('<section id="comments">') : html.index(
            "</section>", html.index('<section id="comments">')
        )
    ]
    words = text(section)
    assert "What staff wrote" in words
    assert "Most often named by non-users: Effort expectancy." in words
    assert (
        "Most often named by non-users in Department: Engineering: T1 (english, dutch,"
        " translate)." in words
    )
    assert (
        '<h3 id="comments-0-non_users-title">All respondents, non-users: 34 comments</h3>'
        in section
    )
    assert (
        '<tr><th scope="row">Effort expectancy</th><td class="num">12</td>'
        '<td class="num">35%</td></tr>'
    ) in section
    assert "T1 (english, dutch, translate): 3 comments (9%)" in words
    assert "<li><strong>T1</strong>: english, dutch, translate (37 comments)</li>" in section
    assert "turn it into a code in comments.yaml" in words
    assert (
        "Not shown (fewer than 10 comments): Department: Burgerzaken (non-users, users);"
        " Department: Engineering (users); Department: ICT (non-users, users);" in words
    )
    # the section sits after the findings
    assert html.index('id="findings"') < html.index('id="comments"')


def test_the_section_in_dutch_markdown(runs):
    md = report(with_comments(runs["nl"]), "md")
    assert "| Verwachte inspanning | 12 | 35% |" in md
    assert "- **T1**: english, dutch, translate (37 opmerkingen)" in md


def test_brief_line(runs):
    document = with_comments(runs["en"])
    engineering = next(i for i, s in enumerate(document["segments"]) if s["value"] == "Engineering")
    brief = brief_context(document, engineering)
    assert brief.comments == (
        "Non-users' comments most often name T1 (english, dutch, translate) (45% of 20 comments)."
    )
    assert brief.comments in render_brief(brief, "md").decode()
    nl = brief_context(with_comments(runs["nl"]), engineering)
    assert nl.comments.startswith("De opmerkingen van niet-gebruikers noemen het vaakst T1")
    burgerzaken = next(i for i, s in enumerate(document["segments"]) if s["value"] == "Burgerzaken")
    assert brief_context(document, burgerzaken).comments == ""


def test_without_comments_nothing_changes(runs):
    context = report_context(runs["en"], charts=False)
    assert context.comments is None
    assert all(c.comments is None for c in context.comparisons)
    html = render_report(context, "html").decode()
    assert "What non-users wrote" not in html and 'id="comments"' not in html


def test_the_context_is_documented():
    documented = context_help()
    for name in ("Comments", "CommentGroup", "CommentCodeRow", "CommentTheme", "FactorComments"):
        assert name in documented and all(documented[name].values())
    assert documented["ReportContext"]["comments"]
    assert documented["FactorResult"]["comments"]


def slides(document: dict, segment: int = 0):
    from pptx import Presentation

    from ism_advisor.render.deck import render_deck

    deck = Presentation(io.BytesIO(render_deck(document, date="2026-12-07", segment=segment)))
    return {s.shapes.title.text: s for s in deck.slides if s.shapes.title is not None}


@pytest.mark.parametrize(
    ("lang", "title", "header", "dominant", "theme"),
    [
        (
            "en",
            "What staff wrote",
            ["All respondents, non-users: 34 comments", "Comments", "Share"],
            "Most often named by non-users: Effort expectancy.",
            "T1: english, dutch, translate (37 comments)",
        ),
        (
            "nl",
            "Wat medewerkers schreven",
            ["Alle respondenten, niet-gebruikers: 34 opmerkingen", "Opmerkingen", "Aandeel"],
            "Het vaakst genoemd door niet-gebruikers: Verwachte inspanning.",
            "T1: english, dutch, translate (37 opmerkingen)",
        ),
    ],
)
def test_deck_slide(runs, lang, title, header, dominant, theme):
    slide = slides(with_comments(runs[lang]))[title]
    (table,) = [s.table for s in slide.shapes if s.has_table]
    cells = [[cell.text for cell in row.cells] for row in table.rows]
    label = LABELS[lang]
    assert cells == [
        header,
        [label["effort_expectancy"], "12", "35%"],
        [label["technical"], "5", "15%"],
    ]
    texts = "\n".join(
        s.text_frame.text for s in slide.shapes if s.has_text_frame and s != slide.shapes.title
    )
    assert dominant in texts and theme in texts
    assert slide.notes_slide.notes_text_frame.text.startswith(dominant)


def test_deck_without_comments_has_no_such_slide(runs):
    assert "What staff wrote" not in slides(runs["en"])


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_comments_pass_axe_and_reflow(runs, tmp_path, lang):
    """The findings' comments and the section under the report's checks: no axe-core
    violation (the tables' captions and headers, the colours' contrast), and at 320 pixels
    nothing scrolls sideways but a table inside its own column."""
    from accessibility import assert_accessible, assert_reflows

    html = render_report(report_context(with_comments(runs[lang])), "html").decode("utf-8")
    assert_accessible(html, tmp_path / "axe", f"comments ({lang})")
    assert_reflows(html, tmp_path / "reflow", f"comments ({lang})")


def test_the_pdf_carries_the_quotes_and_the_section(runs, tmp_path):
    from pypdf import PdfReader

    path = tmp_path / "comments.pdf"
    path.write_bytes(render_report(report_context(with_comments(runs["en"])), "pdf"))
    words = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(path).pages))
    assert "What non-users wrote: 35% of 34 comments name it." in words
    assert "What staff wrote" in words
    assert "[naam]" in words


def test_dutch_number_format_and_exact_brief_line():
    from ism_advisor.core.errors import Message
    from ism_advisor.core.i18n import translations
    from ism_advisor.render.context.comments import brief_comments_line, factor_comments

    tr = translations("nl")

    def t(msgid, **params):
        return Message(msgid, params).render(tr)

    document = {
        "comments": {
            "columns": ["open"],
            "min_comments": 12,
            "n": 2000,
            "codes": [{"code": "effort_expectancy", "kind": "factor", "label": "Inspanning"}],
            "themes": [],
        }
    }
    segment = {
        "column": "afdeling",
        "value": "Productie",
        "comments": {
            "non_users": group(1234, [("effort_expectancy", 432)], (), "effort_expectancy"),
            "users": hidden(),
        },
    }
    found = factor_comments(document, segment, "effort_expectancy", t, "nl")
    assert found.line == "Wat niet-gebruikers schreven: 35% van 1.234 opmerkingen noemt het."
    assert found.quotes == tuple(QUOTES)
    assert brief_comments_line(document, segment, t, "nl") == (
        "De opmerkingen van niet-gebruikers noemen het vaakst Inspanning (35% van 1.234"
        " opmerkingen)."
    )
    segment["comments"]["non_users"] = hidden()
    assert factor_comments(document, segment, "effort_expectancy", t, "nl") == (
        type(found)(shown=False, line="Minder dan 12 opmerkingen: niet getoond.", quotes=())
    )
    assert brief_comments_line(document, segment, t, "nl") == ""
