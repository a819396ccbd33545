"""Reading a codebook file: :func:`load_codebook` validates the whole file against its
shapes (:mod:`.shape`) and reports every problem with its line and column."""

from __future__ import annotations

import string
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ...core.errors import N_
from ...core.shapes import Words
from ...core.textnorm import answer_key, normalize
from ...core.yamlfile import Pos, Problems, YList, YMap, describe, did_you_mean, load_yaml
from ..scales import AnswerPoint, AnswerScale, builtin_scale
from .model import (
    PLACEHOLDERS,
    Codebook,
    DontKnow,
    Factor,
    Item,
    QuestionnaireTexts,
    Segment,
    SegmentOption,
    Usage,
    default_codebook_path,
    default_dont_know,
    usage_answer_key,
)
from .shape import (
    ANSWER_SCALE,
    CODEBOOK,
    DONT_KNOW,
    FACTOR,
    ITEM,
    OPTION,
    POINT,
    QUESTIONNAIRE,
    SCALE,
    SEGMENT,
    USAGE,
)

__all__ = ["MAX_FACTORS", "MAX_ITEMS", "load_codebook"]

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


class _CodebookReader:
    def __init__(self, problems: Problems) -> None:
        self.problems = problems
        self.scales: Mapping[str, AnswerScale] = {}
        self.low, self.high = SCALE["min"].default, SCALE["max"].default

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
            return SCALE["min"].default, SCALE["max"].default
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
        fallback = Usage(**USAGE.defaults())
        if "usage" not in top:
            return fallback
        usage = CODEBOOK.read(self.problems, top, "usage")
        if usage is None:
            return fallback
        p = self.problems
        column, kind = USAGE.fields(p, usage, "column", "type").values()
        threshold = None
        users: tuple[str, ...] = ()
        non_users: tuple[str, ...] = ()
        if kind == "yes_no":
            users, non_users = USAGE.fields(p, usage, "users", "non_users").values()
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
            type=kind,
            users=users,
            non_users=non_users,
            threshold=threshold,
            answers=answers,
            pos=usage.pos,
            **USAGE.fields(p, usage, "aliases", "text"),
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
            first = FACTOR.fields(p, entry, "id", "direction", seen=seen)
            items = self.items(entry, seen_items)
            factors.append(
                Factor(
                    **first,
                    items=items,
                    **FACTOR.fields(p, entry, "label", "short", "definition", "aliases"),
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
            first = ITEM.fields(p, entry, "id", "reverse", "text", seen=seen)
            items.append(
                Item(
                    **first,
                    answers=self.reference(entry),
                    pos=entry.where("id"),
                    **ITEM.fields(p, entry, "aliases"),
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
            read = ANSWER_SCALE.fields(p, entry, "id", seen=seen)
            first = ANSWER_SCALE.read(p, entry, "first")
            points = self.points(entry, low if first is None else first)
            if read["id"] and points:
                scales[read["id"]] = AnswerScale(**read, points=points)
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
            codes = POINT.fields(p, entry, "codes")["codes"]
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
            first = SEGMENT.fields(p, entry, "id", "text", "aliases", seen=seen)
            segments.append(
                Segment(
                    **first,
                    options=self.options(entry),
                    pos=entry.pos,
                    **SEGMENT.fields(p, entry, "label"),
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
            first = OPTION.fields(p, entry, "id", seen=seen_ids)
            texts = {}
            for lang in ("nl", "en"):
                text = OPTION.read(p, entry, lang)
                if text is not None:
                    texts[lang] = text.strip()
            codes = OPTION.fields(p, entry, "codes")["codes"]
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
            options.append(SegmentOption(**first, texts=texts, codes=codes))
        return tuple(options)

    # -- the questionnaire's own texts ----------------------------------------------------

    def questionnaire(
        self, top: YMap, numbers: frozenset[float], missing: frozenset[str]
    ) -> QuestionnaireTexts:
        """``questionnaire:``: texts per language (placeholders checked) and the "don't
        know" answer, which must be one of the codebook's missing values so that a tool's
        export of it reads as no answer."""
        default = default_dont_know(numbers, missing)
        if "questionnaire" not in top:
            return QuestionnaireTexts(dont_know=default)
        p = self.problems
        section = CODEBOOK.read(p, top, "questionnaire")
        if section is None:
            return QuestionnaireTexts(dont_know=default)
        found: dict[str, Mapping[str, str]] = {}
        where: dict[str, Pos] = {}
        for key in QUESTIONNAIRE.field_keys:  # each text's placeholders after its reading
            found.update(QUESTIONNAIRE.fields(p, section, key))
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
