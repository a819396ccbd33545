"""Coding comments: the knowledge base's terms, negation and direction, plus examples.

Per comment: its language (function-word counts), its lemmas, the terms and phrases of
every code that occur (a phrase's words in order, at most :data:`GAP` other words between
them), each with a direction: the term's own, flipped by a negator in its scope (up to
:data:`SCOPE` tokens before it, and in Dutch up to the clause's end after it); a neutral
term takes the direction of the sentiment words in its clause. A code's direction is that
of its terms (both: "mixed"); the comment's is that of its codes.

Examples (:class:`~ism_advisor.stats.comments.examples.Examples`): a comment whose
normalised text equals an example's takes the example's codes and direction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from .codes import CommentCodes, Term
from .examples import Examples, read_examples
from .learn import THRESHOLD, Model, features
from .text import CLAUSE_ENDS, detect_language, lemmas, normalise, tokens

__all__ = ["GAP", "SCOPE", "Coded", "code_comment", "code_comments"]

#: at most this many other words between the words of a phrase
GAP = 2
#: a negator flips a term up to this many tokens before it (within the clause)
SCOPE = 3

_FLIP = {"favourable": "unfavourable", "unfavourable": "favourable"}


@dataclass(frozen=True)
class Coded:
    """The codes of one comment (see the module's docstring)."""

    codes: tuple[str, ...]
    direction: str | None
    directions: Mapping[str, str | None]
    terms: Mapping[str, tuple[str, ...]]
    lang: str


def code_comments(
    texts: Sequence[str],
    codes: CommentCodes,
    examples: Examples | None = None,
    *,
    learn: bool = True,
) -> list[Coded]:
    """The codes of every text, in order (a blank text: no codes).

    With ``learn`` (the default) the lexicon's hits are weighed by the supervised layer
    (:mod:`~ism_advisor.stats.comments.learn`) trained on the packaged examples and
    ``examples``; without it the lexicon alone decides. A text equal to an example's
    (normalised) takes the example's codes and direction.
    """
    index = _Index.of(codes)
    known = examples.by_text() if examples is not None else {}
    model = _model(codes, index, examples) if learn else None
    out: list[Coded] = []
    for begin in range(0, len(texts), CHUNK):
        found = [_lexicon(text, index) for text in texts[begin : begin + CHUNK]]
        probs = model.predict([f.features() for f in found]) if model else [{}] * len(found)
        for hit, p in zip(found, probs, strict=False):
            out.append(known_coded(hit, known, index) or _decide(hit, p, index, model))
    return out


#: comments coded at a time (bounds the memory of the supervised layer)
CHUNK = 5000


def _model(codes: CommentCodes, index: _Index, examples: Examples | None) -> Model | None:
    # the index belongs to one CommentCodes; the model to the examples it learnt from
    key = (examples,)
    if index.model_key is not None and index.model_key[0] is examples:
        return index.model
    training = packaged_examples() + (examples or Examples(()))
    hits = [_lexicon(e.text, index) for e in training.items]
    model = Model.fit(
        [h.features() for h in hits], [set(e.codes) for e in training.items], codes.ids()
    )
    index.model, index.model_key = model, key
    return model


def packaged_examples() -> Examples:
    """The labelled corpus packaged with the coder (``training.csv``)."""
    return read_examples(Path(__file__).with_name("training.csv"))


@dataclass
class _Hits:
    """What the lexicon found in one comment."""

    norm: str
    lang: str
    lemmas: list[str]
    found: dict[str, list[tuple[str, str | None, bool]]]  # code -> (term, direction, directed)
    mood: str | None  # the sentiment words of the whole comment

    def features(self) -> list[str]:
        directed = {c: any(d for _, _, d in hits) for c, hits in self.found.items()}
        return features(self.lemmas, self.found, directed)


def known_coded(hit: _Hits, known, index: _Index) -> Coded | None:
    if not known or hit.norm not in known:
        return None
    ids, direction = known[hit.norm]
    ids = tuple(sorted((i for i in ids if i in index.order), key=index.order.__getitem__))
    return Coded(ids, direction, {i: direction for i in ids}, {i: () for i in ids}, hit.lang)


def _decide(hit: _Hits, probs: dict[str, float], index: _Index, model: Model | None) -> Coded:
    chosen = []
    for code_id in index.order:
        if model is not None and code_id in model.classifiers:
            directed = any(d for _, _, d in hit.found.get(code_id, ()))
            if probs.get(code_id, 0.0) >= THRESHOLD or directed:
                chosen.append(code_id)
        elif code_id in hit.found:
            chosen.append(code_id)
    directions = {}
    for code_id in chosen:
        own = _combine(d for _, d, _ in hit.found.get(code_id, ()))
        directions[code_id] = own if own is not None else hit.mood
    terms = {c: tuple(dict.fromkeys(t for t, _, _ in hit.found.get(c, ()))) for c in chosen}
    direction = _combine(directions.values()) if chosen else hit.mood
    return Coded(tuple(chosen), direction, directions, terms, hit.lang)


def code_comment(text: str, codes: CommentCodes) -> Coded:
    """The codes of one text by the lexicon alone."""
    index = _Index.of(codes)
    return _decide(_lexicon(text, index), {}, index, None)


class _Index:
    """The terms per language, by their first lemma, built once per CommentCodes."""

    _cache: ClassVar[dict[int, tuple[CommentCodes, _Index]]] = {}

    def __init__(self, codes: CommentCodes) -> None:
        self.order = {code_id: i for i, code_id in enumerate(codes.ids())}
        self.first: dict[str, dict[str, list[Term]]] = {}
        self.sentiment: dict[str, dict[str, list[Term]]] = {}
        for lang, terms in codes.terms.items():
            self.first[lang] = _by_first(terms)
            self.sentiment[lang] = _by_first(codes.sentiment.get(lang, ()))
        self.negators = codes.negators
        self.model: Model | None = None
        self.model_key: tuple[Examples | None] | None = None

    @classmethod
    def of(cls, codes: CommentCodes) -> _Index:
        hit = cls._cache.get(id(codes))
        if hit is None or hit[0] is not codes:
            hit = (codes, cls(codes))
            cls._cache = {id(codes): hit}
        return hit[1]


def _by_first(terms: Sequence[Term]) -> dict[str, list[Term]]:
    out: dict[str, list[Term]] = {}
    for term in terms:
        if term.lemmas:
            out.setdefault(term.lemmas[0], []).append(term)
    return out


def _lexicon(text: str, index: _Index) -> _Hits:
    """The terms of every code found in ``text``, each with its direction in context."""
    norm = normalise(text or "")
    toks = tokens(norm)
    lang = detect_language(toks)
    lems = lemmas(toks, lang)
    negators = index.negators.get(lang, frozenset())
    negated = [tok in negators or tok.endswith("n't") for tok in toks]
    clause = _clauses(toks)
    found: dict[str, list[tuple[str, str | None, bool]]] = {}
    used: set[int] = set()
    for start in range(len(toks)):
        for term in _candidates(index.first.get(lang, {}), lems, toks, start):
            span = _match(term, lems, toks, start)
            if span is None or (span[0] in used and len(term.lemmas) == 1):
                continue
            used.update(span)
            direction = _directed(term.direction, span, negated, clause, lang, lems, toks, index)
            found.setdefault(term.code, []).append(
                (term.text, direction, term.direction is not None)
            )
    return _Hits(norm, lang, lems, found, _mood(lems, toks, negated, clause, lang, index))


def _mood(lems, toks, negated, clause, lang, index) -> str | None:
    """The direction of the sentiment words of a whole comment (negation flips)."""
    votes = []
    sentiment = index.sentiment.get(lang, {})
    for i in range(len(toks)):
        for term in sentiment.get(lems[i], ()):
            span = _match(term, lems, toks, i)
            if span is not None:
                flips = any(
                    negated[j] and clause[j] == clause[i] for j in range(max(0, i - SCOPE), i)
                )
                votes.append(_FLIP[term.direction] if flips else term.direction)
                break
    return _combine(votes)


def _candidates(first: dict[str, list[Term]], lems: list[str], toks: list[str], start: int):
    seen = first.get(lems[start], [])
    if toks[start] != lems[start]:
        seen = seen + first.get(toks[start], [])
    return seen


def _match(term: Term, lems: list[str], toks: list[str], start: int) -> list[int] | None:
    """The token positions of ``term`` starting at ``start``, or None."""
    span = [start]
    pos = start
    for word in term.lemmas[1:]:
        for nxt in range(pos + 1, min(pos + 2 + GAP, len(toks))):
            if not toks[nxt][0].isalnum():
                return None  # a phrase does not cross punctuation
            if lems[nxt] == word or toks[nxt] == word:
                pos = nxt
                span.append(nxt)
                break
        else:
            return None
    return span


def _clauses(toks: list[str]) -> list[int]:
    """The clause number of every token."""
    out, number = [], 0
    for tok in toks:
        if tok in CLAUSE_ENDS:
            number += 1
        out.append(number)
    return out


def _directed(direction, span, negated, clause, lang, lems, toks, index) -> str | None:
    """The direction of a matched term in its context (see the module's docstring)."""
    inside = set(span)
    here = clause[span[0]]
    first, last = span[0], span[-1]
    before = range(max(0, first - SCOPE), first)
    flips = any(negated[i] and clause[i] == here for i in before)
    if lang == "nl" and not flips:
        after = range(last + 1, len(toks))
        flips = any(negated[i] and clause[i] == here for i in after)
    flips = flips and not any(negated[i] for i in inside)
    if direction is not None:
        return _FLIP[direction] if flips else direction
    # a neutral term: the sentiment words of its clause decide
    votes = []
    sentiment = index.sentiment.get(lang, {})
    for i in range(len(toks)):
        if clause[i] != here or i in inside:
            continue
        for term in sentiment.get(lems[i], ()):
            if _match(term, lems, toks, i) is not None:
                votes.append(term.direction)
                break
    if not votes:
        clause_negated = any(negated[i] and clause[i] == here for i in range(len(toks)))
        return "unfavourable" if clause_negated else None
    mood = _combine(votes)
    if flips and mood in _FLIP:
        return _FLIP[mood]
    return mood


def _combine(directions) -> str | None:
    """ "favourable", "unfavourable", "mixed" or None for the given directions."""
    kinds = {d for d in directions if d is not None}
    if "mixed" in kinds or {"favourable", "unfavourable"} <= kinds:
        return "mixed"
    return kinds.pop() if kinds else None
