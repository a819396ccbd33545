"""The questionnaire as every format writes it: built once from a codebook.

:func:`build_questionnaire` turns a validated codebook into a :class:`Questionnaire` —
the texts in each requested language, the usage question, the segment questions with their
answer options, and one grid of statements per factor with its answer scale and codes —
after the survey checks of :mod:`.checks` (errors stop it, warnings travel with it). The
writers (:mod:`.limesurvey`, :mod:`.qualtrics`, :mod:`.paper`) only lay it out.

Every text is kept on one line (its runs of spaces, tabs and line breaks one space): a
line break in a codebook's wording would start a new row, tag or heading in a format that
is laid out in lines (the Markdown, Qualtrics' TXT), and HTML shows it as a space anyway.

The codes are chosen so that a tool's export of the questionnaire reads back with no
mapping: statements keep their item ids, answers on the scale are coded with their values,
"don't know" with its missing-value code, and the usage question's answers with codes the
codebook lists for users and non-users.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ..core.errors import N_, AdvisorError, Message
from ..core.i18n import translations
from ..core.resources import file_name
from ..survey.codebook import Codebook, Factor, Item, Segment, default_codebook_path
from ..survey.scales import AnswerScale
from .checks import check_codebook
from .codes import NO, YES, question_code, usage_code

__all__ = [
    "FORMATS",
    "Choice",
    "ChoiceQuestion",
    "Grid",
    "Questionnaire",
    "Statement",
    "build_questionnaire",
    "estimate_minutes",
]

#: What ``ism-advise questionnaire`` writes.
FORMATS = ("limesurvey", "qualtrics", "html", "pdf", "md")

# How long answering takes, for the introduction's "about N minutes". Planning figures
# for self-completion questionnaires: about 8 seconds to read a short agreement statement
# and tick a box (6-10 s in the usual rules of thumb; a paper form is no faster), about
# 15 seconds for a question with a handful of answers (usage, department), and a minute
# for the introduction, the anonymity statement and the closing together. The total is
# rounded up to whole minutes, so the estimate errs on the long side.
SECONDS_PER_STATEMENT = 8
SECONDS_PER_QUESTION = 15
SECONDS_FOR_TEXTS = 60


def estimate_minutes(statements: int, questions: int) -> int:
    """The minutes answering takes, rounded up.

    >>> estimate_minutes(25, 3)  # the packaged codebook: 305 seconds
    6
    """
    seconds = SECONDS_FOR_TEXTS + SECONDS_PER_STATEMENT * statements
    return math.ceil((seconds + SECONDS_PER_QUESTION * questions) / 60)


@dataclass(frozen=True)
class Choice:
    """An answer a respondent can tick: its text per language, and the code a survey tool
    exports for it (LimeSurvey's answer code, Qualtrics' recode value)."""

    code: str
    texts: Mapping[str, str]
    #: a "don't know" answer: set apart from the scale on paper
    dont_know: bool = False


@dataclass(frozen=True)
class ChoiceQuestion:
    """One question with one answer: the usage question, a segment question. Without
    choices it would be an open question, which :func:`build_questionnaire` never makes:
    a segment question without answer options is an error of the codebook."""

    id: str  # "usage", or the segment's id
    code: str  # the question code in a survey tool (an export's column name)
    texts: Mapping[str, str]
    choices: tuple[Choice, ...]
    mandatory: bool = False
    number: int = 0  # its number on the paper form: the usage question is 1

    @property
    def open(self) -> bool:
        return not self.choices


@dataclass(frozen=True)
class Statement:
    """One survey item, as a row of a grid."""

    item: str  # the item id: LimeSurvey's subquestion code
    texts: Mapping[str, str]
    reverse: bool
    number: int  # its number on the paper form, after the usage and segment questions


@dataclass(frozen=True)
class Grid:
    """A factor's statements with one answer scale (a LimeSurvey array, a Qualtrics
    matrix, a table of tick boxes on paper)."""

    code: str  # the question code in a survey tool
    factor: str
    lead: Mapping[str, str]  # the question above the statements
    statements: tuple[Statement, ...]
    points: tuple[Choice, ...]  # lowest first; codes are the scale's values
    dont_know: Choice | None


@dataclass(frozen=True)
class Questionnaire:
    """Everything a format writes, texts already in each language of ``langs``."""

    langs: tuple[str, ...]
    title: Mapping[str, str]
    intro: Mapping[str, str]
    anonymity: Mapping[str, str]
    closing: Mapping[str, str]
    minutes: int
    min_group_size: int
    usage: ChoiceQuestion
    segments: tuple[ChoiceQuestion, ...]
    grids: tuple[Grid, ...]
    #: the survey checks' warnings (each with its place in the codebook)
    warnings: tuple[AdvisorError, ...]
    #: the codebook's file as the key names it; None for the packaged one
    codebook: str | None

    @property
    def statements(self) -> tuple[Statement, ...]:
        return tuple(s for grid in self.grids for s in grid.statements)

    @property
    def questions(self) -> tuple[ChoiceQuestion, ...]:
        return (self.usage, *self.segments)


def build_questionnaire(
    codebook: Codebook,
    langs: Sequence[str] = ("nl",),
    *,
    fmt: str = "html",
    min_group_size: int = 5,
    source: str | None = None,
) -> Questionnaire:
    """The questionnaire of ``codebook`` in ``langs`` for format ``fmt``.

    Raises :class:`~ism_advisor.core.errors.AdvisorError` carrying every problem that would
    keep a tool's export of the questionnaire from reading back (each with its place in
    the codebook), a segment question without answer options among them; the warnings (a
    factor with fewer than three items) travel in ``warnings``. ``source`` names the codebook in
    the key (default: its path, or nothing for the packaged one).
    """
    if min_group_size < 3:
        raise AdvisorError(
            N_("the minimum group size is {size}; it can never be below 3"), size=min_group_size
        )
    langs = tuple(dict.fromkeys(langs))
    errors, warnings = check_codebook(codebook, langs, fmt)
    if errors:
        first = errors[0]
        first.problems = tuple(errors)
        raise first
    usage = _usage_question(codebook, langs)
    segments = tuple(
        replace(_segment_question(segment, langs), number=number)
        for number, segment in enumerate(codebook.segments, start=2)
    )
    grids = _grids(codebook, langs, {usage.code, *(s.code for s in segments)}, 1 + len(segments))
    statements = sum(len(grid.statements) for grid in grids)
    minutes = estimate_minutes(statements, 1 + len(segments))
    params = {"minutes": minutes, "min_group_size": min_group_size}
    own = codebook.questionnaire
    texts = {
        key: _texts(getattr(own, key), default, langs, params)
        for key, default in DEFAULT_TEXTS.items()
    }
    return Questionnaire(
        langs=langs,
        **texts,
        minutes=minutes,
        min_group_size=min_group_size,
        usage=usage,
        segments=segments,
        grids=grids,
        warnings=tuple(warnings),
        codebook=file_name(source or codebook.path) if source or not _packaged(codebook) else None,
    )


def _packaged(codebook: Codebook) -> bool:
    return Path(codebook.path) == default_codebook_path()


#: The packaged texts; an organisation gives its own under ``questionnaire:``.
DEFAULT_TEXTS = {
    "title": N_("Questionnaire: the internal social platform"),
    "intro": N_(
        "We would like to know how you see the internal social platform: what it brings"
        " you, what holds you back, and how colleagues and managers use it. Your answers"
        " help make the platform fit your work better. There are no right or wrong"
        " answers. Answering takes about {minutes} minutes."
    ),
    "anonymity": N_(
        "Your answers are anonymous. We do not ask for your name, and results are only"
        " shown for groups of at least {min_group_size} users and {min_group_size}"
        " non-users of the platform, so no answer can be traced back to you."
    ),
    "closing": N_("Thank you for taking part."),
}


def _texts(
    own: Mapping[str, str], default: str, langs: Sequence[str], params: Mapping[str, int]
) -> dict[str, str]:
    """A text in each language: the codebook's own (its placeholders filled in; the
    loader checked them), else the packaged one in that language."""
    out = {}
    for lang in langs:
        if lang in own:
            out[lang] = _line(own[lang].format(**params))
        else:
            out[lang] = Message(default, params).render(translations(lang))
    return out


def _line(text: str) -> str:
    """A text on one line: its runs of whitespace one space, none at either end."""
    return " ".join(text.split())


def translated(template: str, langs: Sequence[str]) -> dict[str, str]:
    """A fixed text of ours in each language."""
    return {lang: Message(template).render(translations(lang)) for lang in langs}


# -- the questions ---------------------------------------------------------------------------


def _usage_question(codebook: Codebook, langs: Sequence[str]) -> ChoiceQuestion:
    usage = codebook.usage
    texts = {lang: _line(usage.text[lang]) for lang in langs}
    if usage.type == "numeric":
        scale = codebook.answer_scale(usage.answers)
        assert scale is not None  # the checks require an answer scale
        choices = tuple(_points(scale, langs))
    else:
        choices = (
            Choice(usage_code(usage.users), translated(YES, langs)),
            Choice(usage_code(usage.non_users), translated(NO, langs)),
        )
    code = question_code(usage.column_names())
    return ChoiceQuestion("usage", code, texts, choices, mandatory=True, number=1)


def _segment_question(segment: Segment, langs: Sequence[str]) -> ChoiceQuestion:
    choices = tuple(
        Choice(str(number), {lang: _line(option.label(lang)) for lang in langs})
        for number, option in enumerate(segment.options, start=1)
    )
    texts = {lang: _line(segment.text[lang]) for lang in langs}
    return ChoiceQuestion(segment.id, question_code(segment.column_names()), texts, choices)


def _points(scale: AnswerScale, langs: Sequence[str]) -> list[Choice]:
    return [
        Choice(f"{point.value:g}", {lang: _line(point.text(lang)) for lang in langs})
        for point in scale.points
    ]


AGREE_LEAD = N_("To what extent do you agree with the following statements?")
OTHER_LEAD = N_("For each statement, choose the answer that fits you best.")


def _grids(
    codebook: Codebook, langs: Sequence[str], taken: set[str], number: int
) -> tuple[Grid, ...]:
    """One grid per factor; a factor whose items use different answer scales gets one
    grid per run of items on the same scale (a grid has one set of answers). Statements
    are numbered on from ``number``, the last question's."""
    known = {code.casefold() for code in taken}
    grids: list[Grid] = []
    dont_know = codebook.questionnaire.dont_know
    extra = (
        Choice(f"{dont_know.code:g}", {lang: _line(dont_know.texts[lang]) for lang in langs}, True)
        if dont_know is not None
        else None
    )
    for factor in codebook.factors:
        for part, (scale_id, items) in enumerate(_runs(codebook, factor), start=1):
            scale = codebook.answer_scale(scale_id)
            assert scale is not None  # the codebook's loader checked every reference
            statements = []
            for item in items:
                number += 1
                texts = {lang: _line(item.text[lang]) for lang in langs}
                statements.append(Statement(item.id, texts, item.reverse, number))
            code = _unique_code(_compact(factor.id) + (str(part) if part > 1 else ""), known)
            lead = AGREE_LEAD if scale.id == "agreement" else OTHER_LEAD
            grids.append(
                Grid(
                    code,
                    factor.id,
                    translated(lead, langs),
                    tuple(statements),
                    tuple(_points(scale, langs)),
                    extra,
                )
            )
    return tuple(grids)


def _runs(codebook: Codebook, factor: Factor) -> list[tuple[str | None, list[Item]]]:
    runs: list[tuple[str | None, list[Item]]] = []
    for item in factor.items:
        scale_id = codebook.item_scale(factor, item)
        key = scale_id.id if scale_id is not None else None
        if runs and runs[-1][0] == key:
            runs[-1][1].append(item)
        else:
            runs.append((key, [item]))
    return [(key, items) for key, items in runs]


def _compact(identifier: str) -> str:
    """A factor id as a question code: letters and digits, at most 18."""
    return re.sub(r"[^A-Za-z0-9]", "", identifier)[:18]


def _unique_code(code: str, known: set[str]) -> str:
    candidate, n = code, 1
    while candidate.casefold() in known:
        n += 1
        candidate = f"{code}{n}"
    known.add(candidate.casefold())
    return candidate
