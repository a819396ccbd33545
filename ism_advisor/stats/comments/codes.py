"""The comment codes of the knowledge base (``comments.yaml``): reading and checking.

The file gives the negators and sentiment words per language and, per code, its id, kind,
label and the terms that signal it per language and direction (see the packaged
``rules/comments.yaml``, whose comments explain the format to an organisation). Every
problem is an :class:`~ism_advisor.core.errors.AdvisorError` naming the file, line and
column and what was expected; all problems are collected (``error.problems``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ...core.errors import N_
from ...core.resources import packaged_path
from ...core.yamlfile import Pos, Problems, YList, YMap, describe, did_you_mean, load_yaml
from .text import LANGS, lemmas, normalise, tokens

__all__ = [
    "DIRECTIONS",
    "Code",
    "CommentCodes",
    "Term",
    "default_comment_codes_path",
    "load_comment_codes",
]

#: the directions a term is listed under
DIRECTIONS = ("favourable", "unfavourable", "neutral")
_KINDS = ("factor", "other")
PACKAGED = "<packaged comments.yaml>"


@dataclass(frozen=True)
class Code:
    """One code: a factor (its id is the codebook's factor id) or another code."""

    id: str
    kind: Literal["factor", "other"]
    label: Mapping[str, str]


@dataclass(frozen=True)
class Term:
    """A term or phrase of a code (or a sentiment word, ``code`` ""), as lemmas."""

    code: str
    direction: str | None  # "favourable" | "unfavourable" | None (neutral)
    text: str  # as written in the file
    lemmas: tuple[str, ...]


@dataclass(frozen=True)
class CommentCodes:
    """The codes of a ``comments.yaml``, with what the coder needs per language."""

    codes: tuple[Code, ...]
    path: str
    negators: Mapping[str, frozenset[str]] = field(default_factory=dict)
    #: per language: the codes' terms, longest phrases first
    terms: Mapping[str, tuple[Term, ...]] = field(default_factory=dict)
    #: per language: sentiment words (code "")
    sentiment: Mapping[str, tuple[Term, ...]] = field(default_factory=dict)

    def ids(self) -> tuple[str, ...]:
        return tuple(code.id for code in self.codes)


def default_comment_codes_path() -> Path:
    return packaged_path("rules", "comments.yaml")


def load_comment_codes(path: str | Path | None, factors: Sequence[str]) -> CommentCodes:
    """The comment codes of ``path`` (None: the packaged file), checked; a factor code's
    id must be one of ``factors`` (the codebook's factor ids)."""
    file = Path(path) if path is not None else default_comment_codes_path()
    shown = str(path) if path is not None else PACKAGED
    data = load_yaml(file, N_("a comment codes file (comments.yaml)"))
    problems = Problems(shown)
    result = _validate(data, problems, list(factors), shown)
    if problems:
        raise problems.error()
    assert result is not None
    return result


def _validate(data: object, problems: Problems, factors: list[str], shown: str):
    top = problems.mapping(data, getattr(data, "pos", Pos(1, 1)), N_("a mapping"))
    if top is None:
        return None
    problems.keys(top, ("negators", "sentiment", "codes"), required=("negators", "codes"))
    negators = {}
    raw_neg = top.get("negators")
    if (
        "negators" in top
        and (
            neg := problems.mapping(
                raw_neg, top.where("negators"), N_("negators per language (nl: [...], en: [...])")
            )
        )
        is not None
    ):
        problems.keys(neg, LANGS, required=LANGS)
        for lang in LANGS:
            words = _words(problems, neg, lang)
            negators[lang] = frozenset(normalise(w) for w in words)
    sentiment: dict[str, list[Term]] = {lang: [] for lang in LANGS}
    if "sentiment" in top:
        sent = problems.mapping(
            top["sentiment"],
            top.where("sentiment"),
            N_("sentiment words per language (nl: ..., en: ...)"),
        )
        if sent is not None:
            problems.keys(sent, LANGS)
            for lang in LANGS:
                if lang in sent:
                    sentiment[lang] += _directed(
                        problems, sent, lang, "", ("favourable", "unfavourable")
                    )
    codes: list[Code] = []
    terms: dict[str, list[Term]] = {lang: [] for lang in LANGS}
    items = top.get("codes")
    if "codes" in top:
        if not isinstance(items, YList) or not items:
            problems.add(
                N_("'codes' must be a list of codes, found {found}"),
                top.where("codes"),
                found=describe(items),
            )
            items = YList()
            items.item_pos = []
        seen: dict[str, Pos] = {}
        for index, item in enumerate(items):
            entry = problems.mapping(
                item, items.where(index), N_("a code (id, kind, label, terms)")
            )
            if entry is None:
                continue
            problems.keys(
                entry, ("id", "kind", "label", "terms"), required=("id", "kind", "label", "terms")
            )
            code_id = problems.identifier(entry, seen, N_("code"))
            kind = entry.get("kind")
            if "kind" in entry and kind not in _KINDS:
                problems.add(
                    N_("'kind' must be factor or other, found {found}"),
                    entry.where("kind"),
                    found=describe(kind),
                )
            if kind == "factor" and code_id and code_id not in factors:
                problems.add(
                    N_("'{id}' is not a factor of the codebook{hint}"),
                    entry.where("id"),
                    id=code_id,
                    hint=did_you_mean(code_id, factors),
                )
            label = problems.texts(entry, "label")
            code_terms = (
                problems.mapping(
                    entry.get("terms"),
                    entry.where("terms"),
                    N_("terms per language (nl: ..., en: ...)"),
                )
                if "terms" in entry
                else None
            )
            if code_terms is not None:
                problems.keys(code_terms, LANGS, required=LANGS)
                for lang in LANGS:
                    if lang in code_terms:
                        terms[lang] += _directed(problems, code_terms, lang, code_id, DIRECTIONS)
            if code_id and kind in _KINDS:
                codes.append(Code(code_id, kind, label))
    if problems:
        return None
    order = {code.id: i for i, code in enumerate(codes)}
    return CommentCodes(
        codes=tuple(codes),
        path=shown,
        negators=negators,
        terms={
            lang: tuple(sorted(terms[lang], key=lambda t: (-len(t.lemmas), order[t.code])))
            for lang in LANGS
        },
        sentiment={lang: tuple(sentiment[lang]) for lang in LANGS},
    )


def _words(problems: Problems, mapping: YMap, key: str) -> list[str]:
    """The list of words under ``key`` (reported when not a list of texts)."""
    value = mapping.get(key)
    if key not in mapping:
        return []
    if value is None:
        return []
    if not isinstance(value, YList):
        problems.add(
            N_("'{key}' must be a list of words, found {found}"),
            mapping.where(key),
            key=key,
            found=describe(value),
        )
        return []
    out = []
    for index, word in enumerate(value):
        if isinstance(word, (int, float)) and not isinstance(word, bool):
            word = str(word)
        if not isinstance(word, str) or not normalise(word):
            problems.add(
                N_("expected a word or phrase, found {found}"),
                value.where(index),
                found=describe(word),
            )
        else:
            out.append(word)
    return out


def _directed(
    problems: Problems, mapping: YMap, lang: str, code: str, allowed: tuple[str, ...]
) -> list[Term]:
    """The terms of one language, listed per direction, as lemmas in that language."""
    per_direction = problems.mapping(
        mapping[lang],
        mapping.where(lang),
        N_("terms per direction (favourable, unfavourable, neutral)"),
    )
    if per_direction is None:
        return []
    problems.keys(per_direction, allowed)
    out = []
    for direction in allowed:
        for word in _words(problems, per_direction, direction):
            toks = [t for t in tokens(normalise(word)) if t[0].isalnum()]
            out.append(
                Term(
                    code,
                    None if direction == "neutral" else direction,
                    word.strip(),
                    tuple(lemmas(toks, lang)),
                )
            )
    return out
