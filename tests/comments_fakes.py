"""Small fakes of the comments' reader (part X) and coder (part K) that follow contracts
C2 and C3, for the pipeline's tests until those parts are merged: a module standing in
for ``ism_advisor.stats.comments`` and a survey reader that adds ``Survey.comments``."""

from __future__ import annotations

import sys
import types
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from ism_advisor.survey import Survey, load_survey

#: the fake coder's terms: code id -> words that signal it
TERMS = {
    "effort_expectancy": ("tijd", "time"),
    "manager_influence": ("manager",),
    "technical": ("inloggen", "login"),
}


@dataclass(frozen=True)
class Code:
    id: str
    kind: str
    label: Mapping[str, str]


@dataclass(frozen=True)
class CommentCodes:
    codes: tuple[Code, ...]
    path: str


@dataclass(frozen=True)
class Coded:
    codes: tuple[str, ...]
    direction: str | None
    directions: Mapping[str, str | None]
    terms: Mapping[str, tuple[str, ...]]
    lang: str


@dataclass(frozen=True)
class Theme:
    id: str
    terms: tuple[str, ...]
    members: tuple[int, ...]


@dataclass
class Calls:
    """What the fakes were called with."""

    codes: list[Any] = field(default_factory=list)
    examples: list[Any] = field(default_factory=list)
    themes: list[tuple[tuple[str, ...], int]] = field(default_factory=list)
    reads: list[dict[str, Any]] = field(default_factory=list)


def load_comment_codes(path: Any, factors: Sequence[str]) -> CommentCodes:
    labels = {
        "effort_expectancy": {"en": "Effort expectancy", "nl": "Verwachte inspanning"},
        "manager_influence": {"en": "Manager influence", "nl": "Invloed van de manager"},
        "technical": {"en": "Technical problems", "nl": "Technische problemen"},
    }
    kinds = {"technical": "other"}
    codes = tuple(Code(c, kinds.get(c, "factor"), labels[c]) for c in TERMS)
    assert {c.id for c in codes if c.kind == "factor"} <= set(factors)
    return CommentCodes(codes, str(path) if path else "<packaged comments.yaml>")


def code_comments(texts: Sequence[str], codes: CommentCodes, examples: Any = None) -> list:
    out = []
    for text in texts:
        words = text.lower().replace(".", " ").split()
        found = {c: tuple(t for t in TERMS[c] if t in words) for c in TERMS}
        ids = tuple(c for c in TERMS if found[c])
        good = "goed" in words or "good" in words
        direction = ("favourable" if good else "unfavourable") if ids else None
        out.append(
            Coded(
                ids,
                direction,
                {c: direction for c in ids},
                {c: found[c] for c in ids},
                "en" if "the" in words or "no" in words else "nl",
            )
        )
    return out


def fake_coder(monkeypatch, calls: Calls) -> types.ModuleType:
    """Put the fake coder where ``ism_advisor.stats.comments`` is imported from."""
    module = types.ModuleType("ism_advisor.stats.comments")

    def load(path, factors):
        calls.codes.append(path)
        return load_comment_codes(path, factors)

    def themes(texts, *, min_size, max_themes=5):
        calls.themes.append((tuple(texts), min_size))
        members = tuple(i for i, t in enumerate(texts) if "english" in t.lower())
        return [Theme("T1", ("english", "post"), members)] if len(members) >= min_size else []

    def examples(path):
        calls.examples.append(path)
        return ("examples", str(path))

    module.load_comment_codes = load
    module.code_comments = code_comments
    module.emerging_themes = themes
    module.read_examples = examples
    monkeypatch.setitem(sys.modules, "ism_advisor.stats.comments", module)
    import ism_advisor.stats as stats

    monkeypatch.setattr(stats, "comments", module, raising=False)
    return module


def planted(survey: Survey) -> pd.DataFrame:
    """One comment column: every third respondent writes; TechnoBouw's non-users mostly
    about time, some about the English posts; others about logging in or their manager."""
    texts = []
    org = (
        survey.segments["organisation"].astype(object).tolist()
        if len(survey.segments.columns)
        else [None] * survey.respondents
    )
    for i, (user, where) in enumerate(zip(survey.is_user, org, strict=True)):
        if i % 3:
            texts.append(None)
        elif where == "TechnoBouw" and not user:
            texts.append(
                "All the posts are in English, I do not read them"
                if i % 2
                else f"I have no time for it, really no time ({i % 5})"
            )
        elif i % 2:
            texts.append("Inloggen lukt nooit, het is te traag")
        else:
            texts.append("Mijn manager doet er niets mee, waarom ik dan wel")
    return pd.DataFrame({"wat_zou_helpen": texts}, index=survey.scores.index)


def fake_reader(monkeypatch, calls: Calls, target: Any, write=planted) -> None:
    """Replace ``load_survey`` in ``target`` by one that takes C2's options."""

    def read(
        path, book, segment_by=(), *, comments=(), redact_terms=(), redact_segments=False, **options
    ):
        calls.reads.append(
            {
                "comments": tuple(comments),
                "redact_terms": tuple(redact_terms),
                "redact_segments": redact_segments,
            }
        )
        survey = load_survey(path, book, segment_by, **options)
        out = replace(survey, comments=None)
        if comments:
            out = replace(
                out, comments=write(survey).rename(columns={"wat_zou_helpen": comments[0]})
            )
        return out

    monkeypatch.setattr(target, "load_survey", read)
