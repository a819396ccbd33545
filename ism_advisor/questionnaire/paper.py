"""The questionnaire on paper (HTML, and the same HTML as an A4 PDF), as Markdown to paste
into Microsoft Forms or Google Forms (neither has an import format), and the consultant's
key.

The paper form is the respondent's copy: the title, the introduction and the anonymity
statement first, then the usage question, the segment questions and the statements in
grids of tick boxes; two languages (``--lang nl,en``) print each text in both. Nothing on
it tells which statements are reverse-coded. The key is the consultant's copy: every
question's code and answer codes, which statements are reverse-coded, the column names for
typing paper answers into a CSV file, and the survey checks' warnings.

The templates are ``templates/questionnaire.html`` (with ``questionnaire.css``),
``questionnaire.md`` and ``questionnaire-key.md``; they receive one object, ``q`` (a
:class:`PaperContext`).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass

from jinja2 import TemplateError

from ..core.errors import N_, AdvisorError, Message
from ..core.i18n import translations
from ..core.resources import file_name
from .model import (
    SECONDS_FOR_TEXTS,
    SECONDS_PER_QUESTION,
    SECONDS_PER_STATEMENT,
    Questionnaire,
    translated,
)

__all__ = ["PaperContext", "render_key", "render_markdown", "render_paper"]

#: Fixed texts of the respondent's copy, per language.
LABELS = {
    "how": N_("Tick one box for each question."),
    "grid_how": N_("Tick one box for each statement."),
    "write": N_("Write your answer on the line."),
}

PACKAGED = N_("ism-advisor's default codebook ({file})")

#: Fixed texts of the consultant's key (in the first language only).
KEY_LABELS = {
    "key": N_("Key"),
    "not_for_respondents": N_(
        "For the consultant: do not hand this out. It shows which statements are"
        " reverse-coded and how the answers are coded."
    ),
    "codebook": N_("Codebook"),
    "languages": N_("Languages"),
    "time": N_("Estimated time"),
    "minutes": N_("{minutes} minutes"),
    "time_how": N_(
        "{statements} statements × {per_statement} s, {questions} questions × {per_question}"
        " s, and {texts} s for the introduction and closing, rounded up to whole minutes"
    ),
    "min_group": N_("Smallest group shown"),
    "min_group_value": N_("{size} users and {size} non-users"),
    "questions": N_("Questions"),
    "number": N_("No."),
    "code": N_("Code"),
    "question": N_("Question"),
    "answers": N_("Answers (code)"),
    "open": N_("open answer"),
    "statements": N_("Statements"),
    "item": N_("Item"),
    "factor": N_("Factor"),
    "statement": N_("Statement"),
    "reverse": N_("Reverse-coded"),
    "yes": N_("yes"),
    "scales": N_("Answer codes"),
    "missing": N_("read as no answer"),
    "entry": N_("Typing in paper forms"),
    "entry_how": N_(
        "Type one row per form into a CSV file with this header, each answer as its code,"
        " a blank where nothing was ticked; then run ism-advise on that file:"
    ),
    "checks": N_("Checks"),
    "no_checks": N_("No warnings."),
    "grid": N_("Grid"),
}


@dataclass(frozen=True)
class PaperContext:
    """What the paper, Markdown and key templates receive as ``q``."""

    questionnaire: Questionnaire
    langs: tuple[str, ...]
    #: the respondent's fixed texts: key → {lang: text}
    labels: Mapping[str, Mapping[str, str]]
    #: the key's fixed texts in the first language: key → text
    key: Mapping[str, str]
    #: the survey checks' warnings, rendered in the first language
    warnings: tuple[str, ...]
    #: the CSV header for typing paper forms in
    header: str
    #: the codebook's file, or the packaged one named in words
    codebook: str
    factors: Mapping[str, str]  # factor id → its label in the first language


def _context(questionnaire: Questionnaire, factor_labels: Mapping[str, str]) -> PaperContext:
    langs = questionnaire.langs
    first = translations(langs[0])
    statements = questionnaire.statements
    params = {
        "minutes": questionnaire.minutes,
        "statements": len(statements),
        "per_statement": SECONDS_PER_STATEMENT,
        "questions": len(questionnaire.questions),
        "per_question": SECONDS_PER_QUESTION,
        "texts": SECONDS_FOR_TEXTS,
        "size": questionnaire.min_group_size,
    }
    columns = [q.code for q in questionnaire.questions] + [s.item for s in statements]
    return PaperContext(
        questionnaire=questionnaire,
        langs=langs,
        labels={key: translated(text, langs) for key, text in LABELS.items()},
        key={key: Message(text, params).render(first) for key, text in KEY_LABELS.items()},
        warnings=tuple(_by_file_name(w, first) for w in questionnaire.warnings),
        header=",".join(columns),
        factors=factor_labels,
        codebook=questionnaire.codebook
        or Message(PACKAGED, {"file": "factors.yaml"}).render(first),
    )


def _render(name: str, fmt: str, context: PaperContext) -> str:
    from ..render.templates import environment

    env = environment(context.langs[0], fmt)
    try:
        return env.get_template(name).render(q=context)
    except TemplateError as error:  # only the packaged templates are used
        raise AdvisorError(N_("template error: {problem}"), path=name, problem=str(error)) from None


def render_paper(questionnaire: Questionnaire, fmt: str, factor_labels: Mapping[str, str]) -> bytes:
    """The respondent's copy as HTML, or as an A4 PDF."""
    html = _render("questionnaire.html", "html", _context(questionnaire, factor_labels))
    if fmt == "pdf":
        from ..render.pdf import html_to_pdf

        return html_to_pdf(html)
    return html.encode("utf-8")


def render_markdown(questionnaire: Questionnaire, factor_labels: Mapping[str, str]) -> bytes:
    """The questionnaire in Markdown, one version per language, for pasting into a form."""
    context = _context(questionnaire, factor_labels)
    return _render("questionnaire.md", "md", context).encode("utf-8")


def render_key(questionnaire: Questionnaire, factor_labels: Mapping[str, str]) -> bytes:
    """The consultant's key in Markdown."""
    context = _context(questionnaire, factor_labels)
    return _render("questionnaire-key.md", "md", context).encode("utf-8")


def _by_file_name(warning: AdvisorError, first) -> str:
    """A check's warning as the key shows it: the codebook named by its file name (the
    terminal shows the path as given; a key may be handed on)."""
    shown = copy.copy(warning)
    if warning.path is not None:
        shown.path = file_name(warning.path)
    return shown.render(first)
