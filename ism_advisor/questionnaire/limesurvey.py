"""LimeSurvey's tab-separated survey structure (``.txt``), as *Import survey* reads it.

The layout is LimeSurvey's own (its manual, "Tab Separated Value survey structure", and
``TSVImportSurvey`` / ``tsvSurveyExport`` in ``application/helpers/admin``): a header
row naming the columns of :data:`COLUMNS`, then one row per survey setting (class ``S``),
per language setting (``SL``), and — for the base language first, then the same rows for
each further language — per group (``G``), question (``Q``), subquestion (``SQ``) and answer
(``A``). Relationships are inferred by proximity: a question belongs to the group above
it, subquestions and answers to the question above them. Rows of the same group or
question in another language carry the same ``id``.

What reads back with no mapping: a factor's statements are the subquestions of one array
question (type ``F``) whose codes are the item ids, so a response export names their
columns ``CODE[pe1]``; the answers are coded with the scale's values (``1`` … ``5``) and
"don't know" with its missing-value code (``9``); the usage question is a list (``L``)
answered with codes the codebook lists for users and non-users; a segment question lists
its options (codes ``1``, ``2``, …), or is a short free text without options.

Every text cell holds HTML, as LimeSurvey's do: escaped, on one line, with no
ExpressionScript braces and no first character a spreadsheet reads as a formula
(:func:`ism_advisor.core.inert.limesurvey_text`: ``=`` becomes ``&#61;``, which LimeSurvey
shows as ``=``; a quote in front would show, because its importer keeps cells as
written). The other cells are our own settings and codes LimeSurvey's rules keep to
letters and digits.
"""

from __future__ import annotations

import csv
import io

from ..core.errors import N_, Message
from ..core.i18n import translations
from ..core.inert import limesurvey_text
from .model import ChoiceQuestion, Grid, Questionnaire, translated

__all__ = ["COLUMNS", "SETTINGS", "write_limesurvey"]

#: The columns LimeSurvey's export writes first and its importer reads by name; the
#: question attributes it may add after them are left to their defaults.
COLUMNS = (
    "id",
    "related_id",
    "class",
    "type/scale",
    "name",
    "relevance",
    "text",
    "help",
    "language",
    "validation",
    "mandatory",
    "other",
    "default",
    "same_default",
)

#: The survey's settings (class ``S``): anonymised responses (no link to a participant,
#: no date stamps, no IP address, no referrer URL, no timings — nothing that could tell
#: who answered), one page per group, progress shown, no extra "No answer" option beside
#: the questionnaire's own "don't know".
SETTINGS = (
    ("anonymized", "Y"),
    ("datestamp", "N"),
    ("ipaddr", "N"),
    ("refurl", "N"),
    ("savetimings", "N"),
    ("format", "G"),
    ("showwelcome", "Y"),
    ("showprogress", "Y"),
    ("allowprev", "Y"),
    ("shownoanswer", "N"),
)

ABOUT_YOU = N_("About you")
STATEMENTS = N_("Statements ({number} of {total})")

#: LimeSurvey's question types used here.
LIST, ARRAY, SHORT_TEXT = "L", "F", "S"


def write_limesurvey(questionnaire: Questionnaire) -> bytes:
    """The survey structure as UTF-8 with a byte-order mark, as LimeSurvey writes it."""
    rows: list[dict[str, str]] = []
    langs = questionnaire.langs
    rows.append(_row("S", name="language", text=langs[0]))
    rows.append(_row("S", name="additional_languages", text=" ".join(langs[1:])))
    rows += [_row("S", name=name, text=value) for name, value in SETTINGS]
    for lang in langs:
        welcome = _paragraphs(questionnaire.intro[lang], questionnaire.anonymity[lang])
        for name, text in (
            ("surveyls_language", lang),
            ("surveyls_title", _html(questionnaire.title[lang])),
            ("surveyls_description", ""),
            ("surveyls_welcometext", welcome),
            ("surveyls_endtext", _paragraphs(questionnaire.closing[lang])),
        ):
            rows.append(_row("SL", name=name, text=text, language=lang))
    for lang in langs:
        rows += _structure(questionnaire, lang)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows([row.get(column, "") for column in COLUMNS] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _row(kind: str, **cells: str) -> dict[str, str]:
    return {"class": kind, **cells}


def _html(text: str) -> str:
    """A text as LimeSurvey's HTML fields hold it: escaped, on one line, inert."""
    return limesurvey_text(text)


def _paragraphs(*texts: str) -> str:
    return "".join(f"<p>{_html(text)}</p>" for text in texts if text.strip())


def _structure(questionnaire: Questionnaire, lang: str) -> list[dict[str, str]]:
    """The groups, questions, subquestions and answers in ``lang``; ids are the same in
    every language, so that LimeSurvey joins the translations."""
    rows: list[dict[str, str]] = []
    counter = iter(range(1, 100_000))
    total = len(questionnaire.grids)
    groups: list[tuple[str, list]] = [
        (translated(ABOUT_YOU, [lang])[lang], list(questionnaire.questions))
    ]
    for number, grid in enumerate(questionnaire.grids, start=1):
        name = _statements_title(number, total, lang)
        groups.append((name, [grid]))
    for order, (name, questions) in enumerate(groups, start=1):
        # type/scale of a group is its order, the same in every language
        group = {"type/scale": str(order)}
        rows.append(
            _row("G", id=str(order), name=_html(name), relevance="1", language=lang, **group)
        )
        for question in questions:
            if isinstance(question, Grid):
                rows += _grid(question, lang, counter)
            else:
                rows += _choice_question(question, lang, counter)
    return rows


def _statements_title(number: int, total: int, lang: str) -> str:
    return Message(STATEMENTS, {"number": number, "total": total}).render(translations(lang))


def _question(qid: int, kind: str, code: str, text: str, lang: str, mandatory: bool):
    return _row(
        "Q",
        id=str(qid),
        name=code,
        relevance="1",
        text=_html(text),
        language=lang,
        mandatory="Y" if mandatory else "N",
        other="N",
        same_default="0",
        **{"type/scale": kind},
    )


def _choice_question(question: ChoiceQuestion, lang: str, counter) -> list[dict[str, str]]:
    qid = next(counter)
    kind = SHORT_TEXT if question.open else LIST
    rows = [_question(qid, kind, question.code, question.texts[lang], lang, question.mandatory)]
    for choice in question.choices:
        rows.append(_answer(qid, choice.code, choice.texts[lang], lang))
    return rows


def _grid(grid: Grid, lang: str, counter) -> list[dict[str, str]]:
    qid = next(counter)
    rows = [_question(qid, ARRAY, grid.code, grid.lead[lang], lang, False)]
    for statement in grid.statements:
        rows.append(
            _row(
                "SQ",
                id=str(next(counter)),
                name=statement.item,
                relevance="1",
                text=_html(statement.texts[lang]),
                language=lang,
                mandatory="N",
                other="N",
                same_default="0",
            )
        )
    choices = [*grid.points, *([grid.dont_know] if grid.dont_know else [])]
    for choice in choices:
        rows.append(_answer(qid, choice.code, choice.texts[lang], lang))
    return rows


def _answer(qid: int, code: str, text: str, lang: str) -> dict[str, str]:
    return _row("A", id=str(qid), name=code, text=_html(text), language=lang, **{"type/scale": "0"})
