"""Qualtrics' Advanced-format TXT import (*Import survey* → a ``.txt`` file).

The file starts with ``[[AdvancedFormat]]``; each question starts with its type tag
(``[[Question:Text]]`` descriptive text, ``[[Question:MC:SingleAnswer:Vertical]]``,
``[[Question:TE:SingleLine]]``, ``[[Question:Matrix]]``) and an ``[[ID:…]]`` tag, then its
text; ``[[AdvancedChoices]]`` lists choices (a matrix's statements) as ``[[Choice:N]]``
followed by the text, and ``[[AdvancedAnswers]]`` a matrix's scale points as
``[[Answer:N]]``; ``[[PageBreak]]`` starts a page. The import holds one language: a
translation is added in Qualtrics itself.

What reads back with no mapping: every question and statement carries the codebook's
wording, which Qualtrics writes into the export's second header row ("Question -
Statement"), and ism-advise matches columns by that wording. An export with choice text
("Use choice text") therefore reads back as it is. Numeric values are Qualtrics' recode
values: the file numbers each scale point with its value (``[[Answer:5]]``), "don't know"
with its missing-value code (``[[Answer:9]]``) and the usage answers with the codes the
codebook lists (Ja 1, Nee 0) — check them under *Recode values* after importing, because
Qualtrics documents those numbers as the choices' ids, not explicitly as recode values.

Texts are HTML, which Qualtrics renders: each is escaped and kept on one line, the first
``[`` of a ``[[`` is written ``&#91;`` (a text never starts a tag of the file, and
Qualtrics shows the brackets), ``${`` as ``$&#123;`` (no piped text), and a first
character a spreadsheet reads as a formula as its character reference, because Qualtrics
writes question texts into its CSV exports (:func:`ism_advisor.core.inert.qualtrics_text`).
An ``[[ID:…]]`` is a column name; its brackets and line breaks are left out.
"""

from __future__ import annotations

import re

from ..core.errors import N_, AdvisorError
from ..core.inert import qualtrics_text
from .model import ChoiceQuestion, Grid, Questionnaire

__all__ = ["write_qualtrics"]


def write_qualtrics(questionnaire: Questionnaire) -> bytes:
    """The survey as an Advanced-format TXT file (UTF-8)."""
    if len(questionnaire.langs) != 1:
        raise AdvisorError(
            N_(
                "Qualtrics' TXT import holds one language: write one file per language"
                " (--lang nl or --lang en) and add the other as a translation in Qualtrics"
            )
        )
    (lang,) = questionnaire.langs
    blocks: list[list[str]] = [["[[AdvancedFormat]]"]]
    intro = f"{_line(questionnaire.intro[lang])}<br><br>{_line(questionnaire.anonymity[lang])}"
    blocks.append(["[[Question:Text]]", "[[ID:intro]]", intro])
    for question in questionnaire.questions:
        blocks.append(_choice_question(question, lang))
    for grid in questionnaire.grids:
        blocks.append(["[[PageBreak]]"])
        blocks.append(_matrix(grid, lang))
    blocks.append(["[[PageBreak]]"])
    blocks.append(["[[Question:Text]]", "[[ID:closing]]", _line(questionnaire.closing[lang])])
    return ("\n\n".join("\n".join(block) for block in blocks) + "\n").encode("utf-8")


def _line(text: str) -> str:
    """A text on one line (a line of its own would be read as a new part of the
    question), as inert HTML."""
    return qualtrics_text(text)


def _id(code: str) -> str:
    """An ``[[ID:…]]`` tag: the code on one line, without brackets (which would end the
    tag or start another)."""
    plain = re.sub(r"[\[\]]", "", " ".join(code.split()))
    return f"[[ID:{plain}]]"


def _choice_question(question: ChoiceQuestion, lang: str) -> list[str]:
    if question.open:
        kind = "[[Question:TE:SingleLine]]"
        return [kind, _id(question.code), _line(question.texts[lang])]
    lines = [
        "[[Question:MC:SingleAnswer:Vertical]]",
        _id(question.code),
        _line(question.texts[lang]),
        "[[AdvancedChoices]]",
    ]
    for choice in question.choices:
        lines += [f"[[Choice:{choice.code}]]", _line(choice.texts[lang])]
    return lines


def _matrix(grid: Grid, lang: str) -> list[str]:
    lines = ["[[Question:Matrix]]", _id(grid.code), _line(grid.lead[lang])]
    lines.append("[[AdvancedChoices]]")
    for number, statement in enumerate(grid.statements, start=1):
        lines += [f"[[Choice:{number}]]", _line(statement.texts[lang])]
    lines.append("[[AdvancedAnswers]]")
    for choice in [*grid.points, *([grid.dont_know] if grid.dont_know else [])]:
        lines += [f"[[Answer:{choice.code}]]", _line(choice.texts[lang])]
    return lines
