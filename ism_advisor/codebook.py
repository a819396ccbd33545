"""The codebook: factors, their survey items, the answer scale and the usage question.

The packaged default is ``rules/factors.yaml``; an organisation passes its own with
``--codebook FILE``. :func:`load_codebook` validates the whole file and reports every
problem with its line and column.

Besides what the analysis needs, the codebook says how a survey asks its questions: the
wording of every item, the texts of the answer scale (:mod:`ism_advisor.scales`), the
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

from .errors import N_
from .resources import packaged_path
from .scales import AnswerPoint, AnswerScale, builtin_scale
from .textnorm import answer_key, normalize
from .yamlfile import Pos, Problems, YList, YMap, describe, did_you_mean, load_yaml

__all__ = [
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
    #: where the factor is in the codebook (for messages about it)
    pos: Pos | None = field(default=None, compare=False, repr=False)

    @property
    def higher_is_better(self) -> bool:
        return self.direction == "higher_is_better"

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

    def column_names(self) -> tuple[str, ...]:
        return (self.id, *self.aliases)

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
        """The missing-value texts as :func:`~ism_advisor.textnorm.answer_key` compares."""
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


def load_codebook(path: str | Path | None = None) -> Codebook:
    """Read and validate a codebook (the packaged default when ``path`` is None).

    Raises :class:`~ism_advisor.errors.AdvisorError` listing every problem found.
    """
    path = Path(path) if path is not None else default_codebook_path()
    data = load_yaml(path, N_("a codebook"))
    problems = Problems(str(path))
    codebook = _CodebookReader(problems).read(data, str(path))
    if problems:
        raise problems.error()
    assert codebook is not None  # no problems means every part was read
    return codebook


_TOP_KEYS = (
    "scale",
    "missing",
    "usage",
    "factors",
    "answer_scales",
    "segments",
    "questionnaire",
)
_FACTOR_KEYS = ("id", "label", "definition", "direction", "items", "aliases", "answers")
_ITEM_KEYS = ("id", "text", "reverse", "answers")
_USAGE_KEYS = (
    "column",
    "aliases",
    "type",
    "users",
    "non_users",
    "threshold",
    "text",
    "answers",
)
_SCALE_KEYS = ("id", "first", "points")
_POINT_KEYS = ("nl", "en", "codes")
_SEGMENT_KEYS = ("id", "text", "aliases", "options")
_OPTION_KEYS = ("id", "nl", "en", "codes")
_QUESTIONNAIRE_KEYS = ("title", "intro", "anonymity", "closing", "dont_know")
_DONT_KNOW_KEYS = ("nl", "en", "code")


class _CodebookReader:
    def __init__(self, problems: Problems) -> None:
        self.problems = problems
        self.scales: Mapping[str, AnswerScale] = {}
        self.low, self.high = 1.0, 5.0

    def read(self, data: Any, path: str) -> Codebook | None:
        p = self.problems
        top = p.mapping(data, getattr(data, "pos", Pos(1, 1)), N_("a codebook mapping"))
        if top is None:
            return None
        p.keys(top, _TOP_KEYS, required=("factors", "usage"))
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

    def number(self, mapping: YMap, key: str, default: float) -> float:
        value = mapping.get(key, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.problems.add(
                N_("'{key}' must be a number, found {found}"),
                mapping.where(key),
                key=key,
                found=describe(value),
            )
            return default
        return float(value)

    def scale(self, top: YMap) -> tuple[float, float]:
        scale = top.get("scale")
        if scale is None:
            return 1.0, 5.0
        scale = self.problems.mapping(scale, top.where("scale"), N_("a mapping with min and max"))
        if scale is None:
            return 1.0, 5.0
        self.problems.keys(scale, ("min", "max", "answers"), required=("min", "max"))
        low, high = self.number(scale, "min", 1.0), self.number(scale, "max", 5.0)
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
        value = mapping.get(key, YList())
        if not isinstance(value, YList):
            self.problems.add(
                N_("'{key}' must be a list of texts, found {found}"),
                mapping.where(key),
                key=key,
                found=describe(value),
            )
            return ()
        out = []
        for index, entry in enumerate(value):
            if isinstance(entry, bool):
                self.problems.add(
                    N_(
                        "an unquoted yes/no word in '{key}': put it in quotes"
                        " (YAML reads yes, no, on and off as true or false)"
                    ),
                    value.where(index),
                    key=key,
                )
            elif isinstance(entry, (str, int, float)) and str(entry).strip():
                out.append(str(entry).strip())
            else:
                self.problems.add(
                    N_("'{key}' must be a list of texts, found {found}"),
                    value.where(index),
                    key=key,
                    found=describe(entry),
                )
        return tuple(out)

    def usage(self, top: YMap) -> Usage:
        fallback = Usage("user", (), "yes_no", (), ())
        if "usage" not in top:
            return fallback
        usage = self.problems.mapping(
            top["usage"], top.where("usage"), N_("a mapping describing the usage column")
        )
        if usage is None:
            return fallback
        p = self.problems
        p.keys(usage, _USAGE_KEYS, required=("column", "type"))
        column = usage.get("column", "user")
        if not isinstance(column, str) or not column.strip():
            p.add(
                N_("'column' must be the usage column's name, found {found}"),
                usage.where("column"),
                found=describe(column),
            )
            column = "user"
        kind = usage.get("type", "yes_no")
        threshold = None
        users: tuple[str, ...] = ()
        non_users: tuple[str, ...] = ()
        if kind == "yes_no":
            users = self.string_list(usage, "users")
            non_users = self.string_list(usage, "non_users")
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
            threshold = self.number(usage, "threshold", 0.0)
        else:
            p.add(
                N_("unknown usage type {found} (expected yes_no or numeric)"),
                usage.where("type"),
                found=describe(kind),
            )
            kind = "yes_no"
        answers = self.reference(usage, "answers", for_items=False)
        if answers is not None and kind != "numeric":
            p.add(N_("'answers' only applies to type numeric"), usage.key_pos["answers"])
        return Usage(
            column=column.strip(),
            aliases=self.string_list(usage, "aliases"),
            type=kind,
            users=users,
            non_users=non_users,
            threshold=threshold,
            text=p.texts(usage, "text"),
            answers=answers,
            pos=usage.pos,
        )

    def factors(self, top: YMap) -> tuple[Factor, ...]:
        p = self.problems
        entries = p.non_empty_list(
            top, "factors", N_("'factors' must be a non-empty list of factors, found {found}")
        )
        if entries is None:
            return ()
        factors: list[Factor] = []
        seen: dict[str, Pos] = {}
        seen_items: dict[str, Pos] = {}
        for index, entry in enumerate(entries):
            entry = p.mapping(entry, entries.where(index), N_("a factor (a mapping with an id)"))
            if entry is None:
                continue
            p.keys(entry, _FACTOR_KEYS, required=("id", "label", "direction", "items"))
            factor_id = p.identifier(entry, seen, N_("factor"))
            direction = entry.get("direction")
            if "direction" in entry and direction not in DIRECTIONS:
                p.add(
                    N_("direction must be higher_is_better or higher_is_worse, found {found}"),
                    entry.where("direction"),
                    found=describe(direction),
                )
            items = self.items(entry, seen_items)
            factors.append(
                Factor(
                    id=factor_id,
                    label=p.texts(entry, "label"),
                    definition=p.texts(entry, "definition"),
                    direction=direction if direction in DIRECTIONS else "higher_is_better",
                    items=items,
                    aliases=self.string_list(entry, "aliases"),
                    answers=self.reference(entry),
                    pos=entry.pos,
                )
            )
        return tuple(factors)

    def items(self, factor: YMap, seen: dict[str, Pos]) -> tuple[Item, ...]:
        p = self.problems
        entries = p.non_empty_list(
            factor, "items", N_("'items' must be a non-empty list of survey items, found {found}")
        )
        if entries is None:
            return ()
        items = []
        for index, entry in enumerate(entries):
            entry = p.mapping(entry, entries.where(index), N_("an item (a mapping with an id)"))
            if entry is None:
                continue
            p.keys(entry, _ITEM_KEYS, required=("id", "text"))
            item_id = p.identifier(entry, seen, N_("item"))
            reverse = entry.get("reverse", False)
            if not isinstance(reverse, bool):
                p.add(
                    N_("'reverse' must be true or false, found {found}"),
                    entry.where("reverse"),
                    found=describe(reverse),
                )
            items.append(
                Item(
                    item_id,
                    p.texts(entry, "text"),
                    reverse is True,
                    answers=self.reference(entry),
                    pos=entry.where("id"),
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
        entries = p.non_empty_list(
            top,
            "answer_scales",
            N_("'answer_scales' must be a non-empty list of answer scales, found {found}"),
        )
        if entries is None:
            return {}
        scales: dict[str, AnswerScale] = {}
        seen: dict[str, Pos] = {}
        for index, entry in enumerate(entries):
            entry = p.mapping(
                entry, entries.where(index), N_("an answer scale (a mapping with an id)")
            )
            if entry is None:
                continue
            p.keys(entry, _SCALE_KEYS, required=("id", "points"))
            scale_id = p.identifier(entry, seen, N_("answer scale"))
            first = self.number(entry, "first", low)
            points = self.points(entry, first)
            if scale_id and points:
                scales[scale_id] = AnswerScale(scale_id, points)
        return scales

    def points(self, scale: YMap, first: float) -> tuple[AnswerPoint, ...]:
        p = self.problems
        entries = p.non_empty_list(
            scale,
            "points",
            N_("'points' must be a non-empty list of answer texts, lowest first, found {found}"),
        )
        if entries is None:
            return ()
        points = []
        seen: dict[str, int] = {}
        for index, entry in enumerate(entries):
            entry = p.mapping(
                entry, entries.where(index), N_("a point of the scale (nl: …, en: …)")
            )
            if entry is None:
                continue
            p.keys(entry, _POINT_KEYS, required=("nl", "en"))
            texts = {}
            for lang in ("nl", "en"):
                if lang in entry:
                    texts[lang] = self.text_or_texts(entry, lang)
            codes = self.string_list(entry, "codes")
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
        entries = p.non_empty_list(
            top,
            "segments",
            N_("'segments' must be a non-empty list of segment questions, found {found}"),
        )
        if entries is None:
            return ()
        segments = []
        seen: dict[str, Pos] = {}
        for index, entry in enumerate(entries):
            entry = p.mapping(
                entry, entries.where(index), N_("a segment question (a mapping with an id)")
            )
            if entry is None:
                continue
            p.keys(entry, _SEGMENT_KEYS, required=("id",))
            segment_id = p.identifier(entry, seen, N_("segment"))
            segments.append(
                Segment(
                    segment_id,
                    p.texts(entry, "text"),
                    self.string_list(entry, "aliases"),
                    self.options(entry),
                    pos=entry.pos,
                )
            )
        return tuple(segments)

    def options(self, segment: YMap) -> tuple[SegmentOption, ...]:
        """A segment question's answer options, each with an id and a text per language;
        no text or code may mean two options."""
        p = self.problems
        entries = p.non_empty_list(
            segment,
            "options",
            N_("'options' must be a non-empty list of answers (id, nl, en), found {found}"),
        )
        if entries is None:
            return ()
        options = []
        seen_ids: dict[str, Pos] = {}
        seen: dict[str, int] = {}
        for index, entry in enumerate(entries):
            entry = p.mapping(
                entry, entries.where(index), N_("an answer option (id: …, nl: …, en: …)")
            )
            if entry is None:
                continue
            p.keys(entry, _OPTION_KEYS, required=("id", "nl", "en"))
            option_id = p.identifier(entry, seen_ids, N_("answer option"))
            texts = {}
            for lang in ("nl", "en"):
                if lang not in entry:
                    continue
                value = entry[lang]
                if isinstance(value, str) and value.strip():
                    texts[lang] = value.strip()
                else:
                    p.add(
                        N_("'{key}' must be a text, found {found}"),
                        entry.where(lang),
                        key=lang,
                        found=describe(value),
                    )
            codes = self.string_list(entry, "codes")
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
        section = p.mapping(
            top["questionnaire"],
            top.where("questionnaire"),
            N_("a mapping of the questionnaire's texts"),
        )
        if section is None:
            return QuestionnaireTexts(dont_know=default)
        p.keys(section, _QUESTIONNAIRE_KEYS)
        found: dict[str, Mapping[str, str]] = {}
        where: dict[str, Pos] = {}
        for key in ("title", "intro", "anonymity", "closing"):
            texts = p.texts(section, key)
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
        entry = p.mapping(
            value,
            section.where("dont_know"),
            N_("the don't-know answer (nl: …, en: …, code: …) or false"),
        )
        if entry is None:
            return None
        p.keys(entry, _DONT_KNOW_KEYS, required=_DONT_KNOW_KEYS)
        texts = {}
        for lang in ("nl", "en"):
            if lang not in entry:
                continue
            text = entry[lang]
            if not isinstance(text, str) or not text.strip():
                p.add(
                    N_("'{key}' must be a text, found {found}"),
                    entry.where(lang),
                    key=lang,
                    found=describe(text),
                )
            elif normalize(text) not in missing:
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
        code = entry.get("code")
        if "code" in entry:
            if isinstance(code, bool) or not isinstance(code, (int, float)):
                p.add(
                    N_("'{key}' must be a number, found {found}"),
                    entry.where("code"),
                    key="code",
                    found=describe(code),
                )
                code = None
            elif float(code) not in numbers:
                p.add(
                    N_(
                        "the don't-know code {code:g} is not one of the missing values (add it"
                        " under missing, or its answers are read as scores)"
                    ),
                    entry.where("code"),
                    code=code,
                )
        if len(texts) < 2 or code is None or isinstance(code, bool):
            return None
        return DontKnow(texts, float(code))
