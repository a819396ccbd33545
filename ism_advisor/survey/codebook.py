"""The codebook: factors, their survey items, the answer scale and the usage question.

The packaged default is ``rules/factors.yaml``; an organisation passes its own with
``--codebook FILE``. :func:`load_codebook` validates the whole file and reports every
problem with its line and column.

Besides what the analysis needs, the codebook says how a survey asks its questions: the
wording of every item, the texts of the answer scale (:mod:`ism_advisor.survey.scales`), the
question text of the usage question and of the segment questions with their answer
options, and the questionnaire's own texts (title, introduction, anonymity statement,
closing, the "don't know" answer). The loader matches an export's columns by these texts,
and ``ism-advise questionnaire`` writes the survey from them
(:mod:`ism_advisor.questionnaire`).
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..core.errors import N_
from ..core.resources import packaged_path
from ..core.shapes import (
    Choice,
    Custom,
    Entries,
    Flag,
    Id,
    Nested,
    Number,
    Shape,
    Text,
    Texts,
    Words,
)
from ..core.textnorm import answer_key, normalize
from ..core.yamlfile import Pos, Problems, YList, YMap, describe, did_you_mean, load_yaml
from .scales import AnswerPoint, AnswerScale, builtin_scale

__all__ = [
    "CODEBOOK",
    "DIRECTIONS",
    "PLACEHOLDERS",
    "Codebook",
    "DontKnow",
    "Factor",
    "Item",
    "QuestionnaireTexts",
    "Segment",
    "SegmentOption",
    "Usage",
    "default_codebook_path",
    "load_codebook",
    "usage_answer_key",
]

DIRECTIONS = ("higher_is_better", "higher_is_worse")

Direction = Literal["higher_is_better", "higher_is_worse"]


@dataclass(frozen=True)
class Item:
    """One survey statement; ``reverse`` items are mirrored on the scale before averaging."""

    id: str
    text: Mapping[str, str]
    reverse: bool = False
    #: the id of its answer scale, when it differs from its factor's
    answers: str | None = None
    #: where the item is in the codebook (for messages about it)
    pos: Pos | None = field(default=None, compare=False, repr=False)
    #: earlier or other wordings under which an export may still hold the statement
    aliases: tuple[str, ...] = ()

    def wordings(self) -> tuple[str, ...]:
        """Every wording an export's column header may hold it under: its texts, then its
        aliases (a statement reworded since an earlier survey wave still matches)."""
        return (*self.text.values(), *self.aliases)


@dataclass(frozen=True)
class Factor:
    """One adoption factor of the model, measured by its items."""

    id: str
    label: Mapping[str, str]
    definition: Mapping[str, str]
    direction: Direction
    items: tuple[Item, ...]
    aliases: tuple[str, ...] = ()
    #: the id of its items' answer scale, when it differs from the codebook's
    answers: str | None = None
    #: its short name per language, for dense tables and chart axes ({} when not given)
    short: Mapping[str, str] = field(default_factory=dict)
    #: where the factor is in the codebook (for messages about it)
    pos: Pos | None = field(default=None, compare=False, repr=False)

    @property
    def higher_is_better(self) -> bool:
        return self.direction == "higher_is_better"

    def short_label(self, lang: str) -> str:
        """Its name in a dense table or on a chart axis: the codebook's ``short`` text
        in ``lang``, else its full name."""
        return self.short.get(lang) or self.label.get(lang) or self.id

    def column_names(self) -> tuple[str, ...]:
        """Names under which an export may hold this factor's score."""
        return (self.id, *self.label.values(), *self.aliases)


@dataclass(frozen=True)
class Usage:
    """How to tell users from non-users.

    ``type`` "yes_no": the column holds one of ``users`` / ``non_users`` (compared
    without case, spaces or hyphens). ``type`` "numeric": a usage score; respondents at
    or above ``threshold`` are users.
    """

    column: str
    aliases: tuple[str, ...]
    type: Literal["yes_no", "numeric"]
    users: tuple[str, ...]
    non_users: tuple[str, ...]
    threshold: float | None = None
    #: the usage question's wording per language (matched against an export's questions)
    text: Mapping[str, str] = field(default_factory=dict)
    #: type numeric: the answer scale whose texts a text export holds (e.g. a frequency)
    answers: str | None = None
    #: where the usage question is in the codebook (for messages about it)
    pos: Pos | None = field(default=None, compare=False, repr=False)

    def column_names(self) -> tuple[str, ...]:
        return (self.column, *self.aliases)

    @property
    def user_keys(self) -> frozenset[str]:
        return frozenset(usage_answer_key(answer) for answer in self.users)

    @property
    def non_user_keys(self) -> frozenset[str]:
        return frozenset(usage_answer_key(answer) for answer in self.non_users)


@dataclass(frozen=True)
class SegmentOption:
    """One answer to a segment question: "Verkoop" / "Sales".

    A column's value means this option when it is the option's id, one of its texts in
    either language, one of its ``codes``, or its position (``1`` for the first option:
    how a survey tool numbers the answers of a questionnaire written from the codebook).
    """

    id: str
    texts: Mapping[str, str]
    codes: tuple[str, ...] = ()

    def label(self, lang: str) -> str:
        """The option as a report in ``lang`` shows it."""
        return self.texts.get(lang) or next(iter(self.texts.values()), self.id)


@dataclass(frozen=True)
class Segment:
    """A question that splits respondents into segments (department, organisation, …).

    ``--segment-by ID`` finds its column by the id, an alias or the question's wording.
    With ``options``, the questionnaire offers them as its answers, and a column's values
    are read as those options (whatever language or code the export holds them in).
    """

    id: str
    text: Mapping[str, str] = field(default_factory=dict)
    aliases: tuple[str, ...] = ()
    options: tuple[SegmentOption, ...] = ()
    #: where the segment question is in the codebook (for messages about it)
    pos: Pos | None = field(default=None, compare=False, repr=False)
    #: its name per language ("Afdeling" / "Department"): titles and labels in reports
    label: Mapping[str, str] = field(default_factory=dict)

    def column_names(self) -> tuple[str, ...]:
        return (self.id, *self.aliases)

    def name(self, lang: str) -> str:
        """The segment question's name in ``lang`` (its label; its id without one)."""
        return self.label.get(lang) or self.id

    def option_lookup(self) -> dict[str, SegmentOption]:
        """Every way an export may hold an option, compared as :func:`answer_key`
        compares: ids, texts and codes first, then the positions ``1``, ``2``, …"""
        out: dict[str, SegmentOption] = {}
        for option in self.options:
            for text in (option.id, *option.texts.values(), *option.codes):
                out.setdefault(answer_key(text), option)
        for number, option in enumerate(self.options, start=1):
            out.setdefault(str(number), option)
        return out


#: The placeholders a questionnaire text may hold, filled in when it is written.
PLACEHOLDERS = ("minutes", "min_group_size")


@dataclass(frozen=True)
class DontKnow:
    """The "don't know" answer a questionnaire offers beside the scale: its text per
    language and the missing-value code a tool exports for it."""

    texts: Mapping[str, str]
    code: float


#: Offered when the codebook says nothing, if its missing values read it back.
DEFAULT_DONT_KNOW = DontKnow({"nl": "Weet niet", "en": "Don't know"}, 9.0)


@dataclass(frozen=True)
class QuestionnaireTexts:
    """The organisation's own texts for ``ism-advise questionnaire`` (``questionnaire:``
    in the codebook); an absent text is the packaged default. ``dont_know`` is None when
    the questionnaire offers no "don't know" answer."""

    title: Mapping[str, str] = field(default_factory=dict)
    intro: Mapping[str, str] = field(default_factory=dict)
    anonymity: Mapping[str, str] = field(default_factory=dict)
    closing: Mapping[str, str] = field(default_factory=dict)
    dont_know: DontKnow | None = None
    #: where each given text is in the codebook: "intro" → its position
    pos: Mapping[str, Pos] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Codebook:
    """A validated codebook."""

    path: str
    factors: tuple[Factor, ...]
    scale_min: float
    scale_max: float
    missing_numbers: frozenset[float]
    missing_texts: frozenset[str]
    usage: Usage
    #: the organisation's own answer scales by id (the built-in ``agreement`` is not here)
    answer_scales: Mapping[str, AnswerScale] = field(default_factory=dict)
    #: the id of the items' answer scale (None: the built-in agreement scale)
    scale_answers: str | None = None
    segments: tuple[Segment, ...] = ()
    questionnaire: QuestionnaireTexts = field(default_factory=QuestionnaireTexts)

    def factor(self, factor_id: str) -> Factor:
        for factor in self.factors:
            if factor.id == factor_id:
                return factor
        raise KeyError(factor_id)

    @property
    def factor_ids(self) -> tuple[str, ...]:
        return tuple(f.id for f in self.factors)

    @property
    def missing_keys(self) -> frozenset[str]:
        """The missing-value texts as :func:`~ism_advisor.core.textnorm.answer_key` compares."""
        return frozenset(answer_key(text) for text in self.missing_texts)

    def answer_scale(self, scale_id: str | None) -> AnswerScale | None:
        """The scale called ``scale_id`` (None: the codebook's default for items)."""
        scale_id = scale_id or self.scale_answers
        if scale_id is not None and scale_id in self.answer_scales:
            return self.answer_scales[scale_id]
        if scale_id in (None, "agreement"):
            return builtin_scale(self.scale_min, self.scale_max)
        return None

    def item_scale(self, factor: Factor, item: Item) -> AnswerScale | None:
        """The answer texts of ``item``: its own scale, else its factor's, else the default."""
        return self.answer_scale(item.answers or factor.answers)

    def segment(self, name: str) -> Segment | None:
        """The codebook's segment question called ``name`` (by id or alias)."""
        key = normalize(name)
        for segment in self.segments:
            if key in {normalize(n) for n in segment.column_names()}:
                return segment
        return None


def _default_dont_know(numbers: frozenset[float], missing: frozenset[str]) -> DontKnow | None:
    """The packaged "don't know" answer, when the codebook's missing values read it back."""
    known = DEFAULT_DONT_KNOW.code in numbers and all(
        normalize(text) in missing for text in DEFAULT_DONT_KNOW.texts.values()
    )
    return DEFAULT_DONT_KNOW if known else None


def usage_answer_key(text: str) -> str:
    """How a yes/no usage answer is compared: ``"Niet - Gebruiker"`` → ``"nietgebruiker"``."""
    return normalize(text).replace("_", "")


def default_codebook_path() -> Path:
    return packaged_path("rules", "factors.yaml")


#: The most items (statements) and factors a codebook may have. The questionnaire's
#: PDF takes about 5 seconds per 100 items (1,000 took 54 s and 420 MB, 10,000 took 268 s
#: and 3.1 GB): 300 items keep it, and every analysis, well inside a minute and a
#: gigabyte; the packaged codebook has 25 items in 7 factors.
MAX_ITEMS = 300
MAX_FACTORS = 50


def load_codebook(path: str | Path | None = None) -> Codebook:
    """Read and validate a codebook (the packaged default when ``path`` is None).

    Raises :class:`~ism_advisor.core.errors.AdvisorError` listing every problem found.
    """
    path = Path(path) if path is not None else default_codebook_path()
    data = load_yaml(path, N_("a codebook"))
    problems = Problems(str(path))
    codebook = _CodebookReader(problems).read(data, str(path))
    if problems:
        raise problems.error()
    assert codebook is not None  # no problems means every part was read
    return codebook


#: A point of an answer scale: its texts per language, and codes a tool exports instead.
POINT = Shape(
    N_("a point of the scale (nl: …, en: …)"),
    nl=Custom(
        "The Dutch text; a list gives the questionnaire's text first, then variants read too.",
        required=True,
        schema={"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
    ),
    en=Custom(
        "The English text, or a list of texts (the questionnaire's first).",
        required=True,
        schema={"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
    ),
    codes=Words("Answer codes a survey tool exports instead of the text."),
)

#: An organisation's own answer scale.
ANSWER_SCALE = Shape(
    N_("an answer scale (a mapping with an id)"),
    id=Id(N_("answer scale"), "The scale's id, named by 'answers:'.", required=True),
    first=Number("The value of its first point (default: the scale's min)."),
    points=Entries(
        POINT,
        "Its points, lowest first.",
        required=True,
        message=N_(
            "'points' must be a non-empty list of answer texts, lowest first, found {found}"
        ),
    ),
)

_SCALE_NAME = {"type": "string", "description": "agreement, or the id of one of answer_scales."}

#: One survey item.
ITEM = Shape(
    N_("an item (a mapping with an id)"),
    id=Id(N_("item"), "The item's id (a column of item-level input).", required=True),
    text=Texts("The statement as the questionnaire asks it.", required=True),
    reverse=Flag(
        "true: the item is mirrored on the scale before averaging.",
        message=N_("'reverse' must be true or false, found {found}"),
    ),
    answers=Custom("Its answer scale, when it differs from its factor's.", schema=_SCALE_NAME),
    aliases=Words("Earlier or other wordings of the statement, under which an export may hold it."),
)

#: One factor of the model.
FACTOR = Shape(
    N_("a factor (a mapping with an id)"),
    id=Id(N_("factor"), "The factor's id, named by rules and interventions.", required=True),
    label=Texts("Its name.", required=True),
    short=Texts(
        "Its short name (one or two words) for dense tables and chart axes; default: its name."
    ),
    definition=Texts("What it means."),
    direction=Choice(
        DIRECTIONS,
        "Whether a higher score is better or worse.",
        required=True,
        default="higher_is_better",
        message=N_("direction must be higher_is_better or higher_is_worse, found {found}"),
    ),
    items=Entries(
        ITEM,
        "Its survey items.",
        required=True,
        message=N_("'items' must be a non-empty list of survey items, found {found}"),
    ),
    aliases=Words("Other column names of its score."),
    answers=Custom(
        "Its items' answer scale, when it differs from the codebook's.", schema=_SCALE_NAME
    ),
)

#: The usage question: how to tell users from non-users.
USAGE = Shape(
    N_("a mapping describing the usage column"),
    column=Text(
        "The usage column's name.",
        required=True,
        default="user",
        message=N_("'column' must be the usage column's name, found {found}"),
    ),
    aliases=Words("Other names of the column."),
    type=Choice(
        ("yes_no", "numeric"),
        "yes_no: the column holds yes/no answers; numeric: a score with a threshold.",
        required=True,
        default="yes_no",
        invalid=None,
        message=N_("unknown usage type {found} (expected yes_no or numeric)"),
    ),
    users=Words("type yes_no: the answers of users."),
    non_users=Words("type yes_no: the answers of non-users."),
    threshold=Number("type numeric: users score at least this.", default=0.0),
    text=Texts("The usage question's wording."),
    answers=Custom(
        "type numeric: the answer scale whose texts an export holds.", schema=_SCALE_NAME
    ),
)

#: The numeric answer scale.
SCALE = Shape(
    N_("a mapping with min and max"),
    min=Number("The lowest answer.", required=True, default=1.0),
    max=Number("The highest answer.", required=True, default=5.0),
    answers=Custom("The items' answer scale (default: agreement).", schema=_SCALE_NAME),
)

#: One answer option of a segment question.
OPTION = Shape(
    N_("an answer option (id: …, nl: …, en: …)"),
    id=Id(N_("answer option"), "The option's id (the segment's name in reports).", required=True),
    nl=Text("The Dutch answer text.", required=True),
    en=Text("The English answer text.", required=True),
    codes=Words("Answer codes a survey tool exports instead of the text."),
)

#: A question that splits respondents into segments.
SEGMENT = Shape(
    N_("a segment question (a mapping with an id)"),
    id=Id(N_("segment"), "The segment's id, for --segment-by.", required=True),
    label=Texts("Its name in reports' titles and labels (default: its id)."),
    text=Texts("The question's wording."),
    aliases=Words("Other names of its column."),
    options=Entries(
        OPTION,
        "Its answer options (the questionnaire asks them; an export's values are read as them).",
        message=N_("'options' must be a non-empty list of answers (id, nl, en), found {found}"),
    ),
)

#: The questionnaire's "don't know" answer.
DONT_KNOW = Shape(
    N_("the don't-know answer (nl: …, en: …, code: …) or false"),
    nl=Text("Its Dutch text (one of the missing values).", required=True),
    en=Text("Its English text (one of the missing values).", required=True),
    code=Number("Its code (one of the missing values).", required=True),
)

#: The questionnaire's own texts.
QUESTIONNAIRE = Shape(
    N_("a mapping of the questionnaire's texts"),
    title=Texts("The questionnaire's title."),
    intro=Texts("The introduction ({minutes} and {min_group_size} are filled in)."),
    anonymity=Texts("The anonymity statement."),
    closing=Texts("The closing text."),
    dont_know=Custom(
        "The don't-know answer, or false for none.",
        schema={"oneOf": [DONT_KNOW.schema(), {"const": False}]},
    ),
)

#: The codebook file.
CODEBOOK = Shape(
    N_("a codebook mapping"),
    scale=Nested(SCALE, "The numeric answer scale (default 1 to 5).", blank=True),
    missing=Custom(
        "Missing-value codes: numbers outside the scale, or texts.",
        schema={"type": "array", "items": {"type": ["number", "string"]}},
    ),
    factors=Entries(
        FACTOR,
        "The factors of the model.",
        required=True,
        message=N_("'factors' must be a non-empty list of factors, found {found}"),
    ),
    usage=Nested(USAGE, "The usage question.", required=True),
    answer_scales=Entries(
        ANSWER_SCALE,
        "The organisation's own answer scales.",
        message=N_("'answer_scales' must be a non-empty list of answer scales, found {found}"),
    ),
    segments=Entries(
        SEGMENT,
        "The segment questions.",
        message=N_("'segments' must be a non-empty list of segment questions, found {found}"),
    ),
    questionnaire=Nested(QUESTIONNAIRE, "The questionnaire's own texts."),
)


class _CodebookReader:
    def __init__(self, problems: Problems) -> None:
        self.problems = problems
        self.scales: Mapping[str, AnswerScale] = {}
        self.low, self.high = 1.0, 5.0

    def read(self, data: Any, path: str) -> Codebook | None:
        p = self.problems
        top = CODEBOOK.mapping(p, data, getattr(data, "pos", Pos(1, 1)))
        if top is None:
            return None
        scale_min, scale_max = self.scale(top)
        numbers, texts = self.missing(top, scale_min, scale_max)
        scales = self.answer_scales(top, scale_min)
        self.scales, self.low, self.high = scales, scale_min, scale_max
        default = self.scale_reference(top)
        usage = self.usage(top)
        factors = self.factors(top)
        segments = self.segments(top)
        own = self.questionnaire(top, numbers, texts)
        if p:
            return None
        return Codebook(
            path,
            factors,
            scale_min,
            scale_max,
            numbers,
            texts,
            usage,
            answer_scales=scales,
            scale_answers=default,
            segments=segments,
            questionnaire=own,
        )

    def scale(self, top: YMap) -> tuple[float, float]:
        scale = CODEBOOK.read(self.problems, top, "scale")
        if scale is None:
            return 1.0, 5.0
        low, high = SCALE.read(self.problems, scale, "min"), SCALE.read(self.problems, scale, "max")
        if low >= high:
            self.problems.add(
                N_("the scale's min ({low:g}) must be below its max ({high:g})"),
                scale.pos,
                low=low,
                high=high,
            )
        return low, high

    def missing(
        self, top: YMap, low: float, high: float
    ) -> tuple[frozenset[float], frozenset[str]]:
        codes = top.get("missing", YList())
        if not isinstance(codes, YList):
            self.problems.add(
                N_("'missing' must be a list of codes, found {found}"),
                top.where("missing"),
                found=describe(codes),
            )
            return frozenset(), frozenset()
        numbers, texts = set(), set()
        for index, code in enumerate(codes):
            if isinstance(code, bool) or code is None:
                self.problems.add(
                    N_("missing code {found} must be a number or a quoted text"),
                    codes.where(index),
                    found=describe(code),
                )
            elif isinstance(code, (int, float)):
                if low <= code <= high:
                    self.problems.add(
                        N_(
                            "missing code {code:g} lies on the answer scale {low:g}–{high:g}"
                            " (a missing code must be outside it)"
                        ),
                        codes.where(index),
                        code=code,
                        low=low,
                        high=high,
                    )
                numbers.add(float(code))
            else:
                texts.add(normalize(str(code)))
        return frozenset(numbers), frozenset(texts)

    def string_list(self, mapping: YMap, key: str) -> tuple[str, ...]:
        """A list of answer-like texts (see :class:`~ism_advisor.core.shapes.Words`)."""
        return _WORDS.read(self.problems, mapping, key)

    def usage(self, top: YMap) -> Usage:
        fallback = Usage("user", (), "yes_no", (), ())
        if "usage" not in top:
            return fallback
        usage = CODEBOOK.read(self.problems, top, "usage")
        if usage is None:
            return fallback
        p = self.problems
        column = USAGE.read(p, usage, "column")
        kind = USAGE.read(p, usage, "type")
        threshold = None
        users: tuple[str, ...] = ()
        non_users: tuple[str, ...] = ()
        if kind == "yes_no":
            users = USAGE.read(p, usage, "users")
            non_users = USAGE.read(p, usage, "non_users")
            for key, answers in (("users", users), ("non_users", non_users)):
                if not answers and key not in usage:
                    p.add(N_("missing key '{key}'"), usage.pos, key=key)
            both = {usage_answer_key(a) for a in users} & {usage_answer_key(a) for a in non_users}
            if both:
                p.add(
                    N_("the answers {answers} are listed for both users and non-users"),
                    usage.where("non_users"),
                    answers=", ".join(sorted(both)),
                )
            if "threshold" in usage:
                p.add(N_("'threshold' only applies to type numeric"), usage.key_pos["threshold"])
        elif kind == "numeric":
            if "threshold" not in usage:
                p.add(N_("type numeric needs a 'threshold'"), usage.pos)
            threshold = USAGE.read(p, usage, "threshold")
        else:  # an unknown type, reported
            kind = "yes_no"
        answers = self.reference(usage, "answers", for_items=False)
        if answers is not None and kind != "numeric":
            p.add(N_("'answers' only applies to type numeric"), usage.key_pos["answers"])
        return Usage(
            column=column.strip(),
            aliases=USAGE.read(p, usage, "aliases"),
            type=kind,
            users=users,
            non_users=non_users,
            threshold=threshold,
            text=USAGE.read(p, usage, "text"),
            answers=answers,
            pos=usage.pos,
        )

    def factors(self, top: YMap) -> tuple[Factor, ...]:
        p = self.problems
        entries = CODEBOOK.read(p, top, "factors")
        if entries is None:
            return ()
        if len(entries) > MAX_FACTORS:
            p.add(
                N_(
                    "the codebook has {count} factors, more than the {limit} a codebook may"
                    " have (split the survey into several)"
                ),
                top.where("factors"),
                count=len(entries),
                limit=MAX_FACTORS,
            )
            return ()
        factors: list[Factor] = []
        seen: dict[str, Pos] = {}
        seen_items: dict[str, Pos] = {}
        for index, value in enumerate(entries):
            entry = FACTOR.mapping(p, value, entries.where(index))
            if entry is None:
                continue
            factor_id = FACTOR.read(p, entry, "id", seen=seen)
            direction = FACTOR.read(p, entry, "direction")
            items = self.items(entry, seen_items)
            factors.append(
                Factor(
                    id=factor_id,
                    label=FACTOR.read(p, entry, "label"),
                    short=FACTOR.read(p, entry, "short"),
                    definition=FACTOR.read(p, entry, "definition"),
                    direction=direction,
                    items=items,
                    aliases=FACTOR.read(p, entry, "aliases"),
                    answers=self.reference(entry),
                    pos=entry.pos,
                )
            )
        count = sum(len(factor.items) for factor in factors)
        if count > MAX_ITEMS:
            p.add(
                N_(
                    "the codebook has {count} items, more than the {limit} a codebook may have"
                    " (a questionnaire that long takes over an hour to answer; split the"
                    " survey into several)"
                ),
                top.where("factors"),
                count=count,
                limit=MAX_ITEMS,
            )
            return ()
        return tuple(factors)

    def items(self, factor: YMap, seen: dict[str, Pos]) -> tuple[Item, ...]:
        p = self.problems
        entries = FACTOR.read(p, factor, "items")
        if entries is None:
            return ()
        items = []
        for index, value in enumerate(entries):
            entry = ITEM.mapping(p, value, entries.where(index))
            if entry is None:
                continue
            item_id = ITEM.read(p, entry, "id", seen=seen)
            reverse = ITEM.read(p, entry, "reverse")
            items.append(
                Item(
                    item_id,
                    ITEM.read(p, entry, "text"),
                    reverse,
                    answers=self.reference(entry),
                    pos=entry.where("id"),
                    aliases=ITEM.read(p, entry, "aliases"),
                )
            )
        return tuple(items)

    # -- answer scales and segment questions --------------------------------------------

    def reference(self, mapping: YMap, key: str = "answers", for_items: bool = True) -> str | None:
        """The id of the answer scale given under ``key``, checked: it exists and, for
        items, runs over the codebook's numeric scale."""
        if key not in mapping:
            return None
        p = self.problems
        value = mapping[key]
        if not isinstance(value, str) or not value.strip():
            p.add(
                N_("'{key}' must name an answer scale, found {found}"),
                mapping.where(key),
                key=key,
                found=describe(value),
            )
            return None
        scale_id = value.strip()
        known = ("agreement", *self.scales)
        if scale_id not in known:
            p.add(
                N_(
                    "unknown answer scale '{name}'{hint} (expected agreement or one of"
                    " answer_scales)"
                ),
                mapping.where(key),
                name=scale_id,
                hint=did_you_mean(scale_id, known),
            )
            return None
        if not for_items:
            return scale_id
        low, high = self.low, self.high
        scale = self.scales.get(scale_id)
        if scale is None and builtin_scale(low, high) is None:
            p.add(
                N_(
                    "the built-in agreement scale has 5 or 7 points, the answer scale from"
                    " {low:g} to {high:g} has not (give your own in answer_scales)"
                ),
                mapping.where(key),
                low=low,
                high=high,
            )
        elif scale is not None and (
            len(scale.points) != high - low + 1 or scale.points[0].value != low
        ):
            p.add(
                N_(
                    "answer scale '{name}' runs from {first:g} to {last:g}, the items' scale"
                    " from {low:g} to {high:g}"
                ),
                mapping.where(key),
                name=scale_id,
                first=scale.points[0].value,
                last=scale.points[-1].value,
                low=low,
                high=high,
            )
        return scale_id

    def scale_reference(self, top: YMap) -> str | None:
        scale = top.get("scale")
        return self.reference(scale) if isinstance(scale, YMap) else None

    def answer_scales(self, top: YMap, low: float) -> dict[str, AnswerScale]:
        p = self.problems
        entries = CODEBOOK.read(p, top, "answer_scales")
        if entries is None:
            return {}
        scales: dict[str, AnswerScale] = {}
        seen: dict[str, Pos] = {}
        for index, value in enumerate(entries):
            entry = ANSWER_SCALE.mapping(p, value, entries.where(index))
            if entry is None:
                continue
            scale_id = ANSWER_SCALE.read(p, entry, "id", seen=seen)
            first = ANSWER_SCALE.read(p, entry, "first")
            points = self.points(entry, low if first is None else first)
            if scale_id and points:
                scales[scale_id] = AnswerScale(scale_id, points)
        return scales

    def points(self, scale: YMap, first: float) -> tuple[AnswerPoint, ...]:
        p = self.problems
        entries = ANSWER_SCALE.read(p, scale, "points")
        if entries is None:
            return ()
        points = []
        seen: dict[str, int] = {}
        for index, value in enumerate(entries):
            entry = POINT.mapping(p, value, entries.where(index))
            if entry is None:
                continue
            texts = {}
            for lang in ("nl", "en"):
                if lang in entry:
                    texts[lang] = self.text_or_texts(entry, lang)
            codes = POINT.read(p, entry, "codes")
            for text in (*(t for ts in texts.values() for t in ts), *codes):
                key = answer_key(text)
                if key in seen and seen[key] != index:
                    p.add(
                        N_("the answer '{text}' is given for points {first} and {second}"),
                        entry.pos,
                        text=text,
                        first=seen[key] + 1,
                        second=index + 1,
                    )
                seen.setdefault(key, index)
            points.append(AnswerPoint(first + index, texts, codes))
        return tuple(points)

    def text_or_texts(self, mapping: YMap, key: str) -> tuple[str, ...]:
        value = mapping[key]
        if isinstance(value, str) and value.strip():
            return (value.strip(),)
        if isinstance(value, YList) and value:
            texts = self.string_list(mapping, key)
            return texts
        self.problems.add(
            N_("'{key}' must be a text or a list of texts, found {found}"),
            mapping.where(key),
            key=key,
            found=describe(value),
        )
        return ()

    def segments(self, top: YMap) -> tuple[Segment, ...]:
        p = self.problems
        entries = CODEBOOK.read(p, top, "segments")
        if entries is None:
            return ()
        segments = []
        seen: dict[str, Pos] = {}
        for index, value in enumerate(entries):
            entry = SEGMENT.mapping(p, value, entries.where(index))
            if entry is None:
                continue
            segment_id = SEGMENT.read(p, entry, "id", seen=seen)
            segments.append(
                Segment(
                    segment_id,
                    SEGMENT.read(p, entry, "text"),
                    SEGMENT.read(p, entry, "aliases"),
                    self.options(entry),
                    pos=entry.pos,
                    label=SEGMENT.read(p, entry, "label") or {},
                )
            )
        return tuple(segments)

    def options(self, segment: YMap) -> tuple[SegmentOption, ...]:
        """A segment question's answer options, each with an id and a text per language;
        no text or code may mean two options."""
        p = self.problems
        entries = SEGMENT.read(p, segment, "options")
        if entries is None:
            return ()
        options = []
        seen_ids: dict[str, Pos] = {}
        seen: dict[str, int] = {}
        for index, value in enumerate(entries):
            entry = OPTION.mapping(p, value, entries.where(index))
            if entry is None:
                continue
            option_id = OPTION.read(p, entry, "id", seen=seen_ids)
            texts = {}
            for lang in ("nl", "en"):
                text = OPTION.read(p, entry, lang)
                if text is not None:
                    texts[lang] = text.strip()
            codes = OPTION.read(p, entry, "codes")
            for text in dict.fromkeys((*texts.values(), *codes)):
                key = answer_key(text)
                if key in seen and seen[key] != index:
                    p.add(
                        N_("the answer '{text}' is given for options {first} and {second}"),
                        entry.pos,
                        text=text,
                        first=seen[key] + 1,
                        second=index + 1,
                    )
                seen.setdefault(key, index)
            options.append(SegmentOption(option_id, texts, codes))
        return tuple(options)

    # -- the questionnaire's own texts ----------------------------------------------------

    def questionnaire(
        self, top: YMap, numbers: frozenset[float], missing: frozenset[str]
    ) -> QuestionnaireTexts:
        """``questionnaire:``: texts per language (placeholders checked) and the "don't
        know" answer, which must be one of the codebook's missing values so that a tool's
        export of it reads as no answer."""
        default = _default_dont_know(numbers, missing)
        if "questionnaire" not in top:
            return QuestionnaireTexts(dont_know=default)
        p = self.problems
        section = CODEBOOK.read(p, top, "questionnaire")
        if section is None:
            return QuestionnaireTexts(dont_know=default)
        found: dict[str, Mapping[str, str]] = {}
        where: dict[str, Pos] = {}
        for key in ("title", "intro", "anonymity", "closing"):
            texts = QUESTIONNAIRE.read(p, section, key)
            found[key] = texts
            if key in section:
                where[key] = section.where(key)
                self.placeholders(section[key], key)
        dont_know = default
        if "dont_know" in section:
            dont_know = self.dont_know(section, numbers, missing)
        return QuestionnaireTexts(**found, dont_know=dont_know, pos=where)

    def placeholders(self, texts: Any, key: str) -> None:
        if not isinstance(texts, YMap):
            return
        for lang, text in texts.items():
            if not isinstance(text, str):
                continue
            try:
                names = [name for _, name, _, _ in string.Formatter().parse(text) if name]
            except ValueError:
                self.problems.add(
                    N_(
                        "'{key}' in '{lang}' has a brace that is not closed (placeholders are"
                        " written {{minutes}} and {{min_group_size}}; write {{{{ for a brace)"
                    ),
                    texts.where(lang),
                    key=key,
                    lang=lang,
                )
                continue
            for name in names:
                if name not in PLACEHOLDERS:
                    self.problems.add(
                        N_(
                            "unknown placeholder {{{name}}} in '{key}'{hint} (expected"
                            " {{minutes}} or {{min_group_size}})"
                        ),
                        texts.where(lang),
                        name=name,
                        key=key,
                        hint=did_you_mean(name, PLACEHOLDERS),
                    )

    def dont_know(
        self, section: YMap, numbers: frozenset[float], missing: frozenset[str]
    ) -> DontKnow | None:
        p = self.problems
        value = section["dont_know"]
        if value is False:
            return None
        entry = DONT_KNOW.mapping(p, value, section.where("dont_know"))
        if entry is None:
            return None
        texts = {}
        for lang in ("nl", "en"):
            text = DONT_KNOW.read(p, entry, lang)
            if text is None:
                continue
            if normalize(text) not in missing:
                p.add(
                    N_(
                        "the don't-know answer '{text}' is not one of the missing values (add"
                        " it under missing, or an export holding it cannot be read)"
                    ),
                    entry.where(lang),
                    text=text.strip(),
                )
            else:
                texts[lang] = text.strip()
        code = DONT_KNOW.read(p, entry, "code")
        if code is not None and code not in numbers:
            p.add(
                N_(
                    "the don't-know code {code:g} is not one of the missing values (add it"
                    " under missing, or its answers are read as scores)"
                ),
                entry.where("code"),
                code=code,
            )
        if len(texts) < 2 or code is None:
            return None
        return DontKnow(texts, float(code))


#: A list of answer-like texts (numbers read as texts; unquoted yes/no refused).
_WORDS = Words()
