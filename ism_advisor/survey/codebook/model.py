"""The codebook's data: factors and their items, the usage question, the segment
questions, the questionnaire's texts, and :class:`Codebook` that holds them.

Read and validated by :mod:`.reader` against the declared shapes of :mod:`.shape`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ...core.digest import json_digest
from ...core.resources import packaged_path
from ...core.textnorm import answer_key, normalize
from ...core.yamlfile import Pos
from ..scales import AnswerScale, builtin_scale

__all__ = [
    "DEFAULT_DONT_KNOW",
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
    "default_dont_know",
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

    @property
    def version(self) -> str:
        """The codebook's version for the store: 16 hex digits of a SHA-256 over what makes
        two surveys' scores comparable — the scale's ends, and per factor its id, direction
        and items (id, reverse coding, wording in each language). Labels, definitions,
        aliases, answer texts and the questionnaire's own texts do not count.

        >>> from ism_advisor.survey.codebook import load_codebook
        >>> len(load_codebook().version)
        16
        """
        content = {
            "scale": [self.scale_min, self.scale_max],
            "factors": [
                {
                    "id": f.id,
                    "direction": f.direction,
                    "items": [
                        {"id": i.id, "reverse": i.reverse, "text": dict(sorted(i.text.items()))}
                        for i in f.items
                    ],
                }
                for f in sorted(self.factors, key=lambda f: f.id)
            ],
        }
        return json_digest(content)[:16]

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


def default_dont_know(numbers: frozenset[float], missing: frozenset[str]) -> DontKnow | None:
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
