"""Matching an export's columns to the codebook: by name or by question wording.

A column matches an item for certain when its name is the item's id (also as a LimeSurvey
subquestion code, ``PE[pe1]``) or when one of its question texts is the item's wording in
one of the codebook's languages — the whole text, the matrix statement after ``" - "``
(Qualtrics, SurveyMonkey) or inside ``[…]`` (Google Forms, LimeSurvey) — compared without
regard to case, accents, spacing or punctuation. :func:`similarity` scores the rest for a
proposed mapping.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator

from ...core.textnorm import normalize, text_key
from .model import Column

__all__ = ["name_keys", "similarity", "statement_parts", "text_keys"]

_SUBQUESTION = re.compile(r"^\s*(.+?)\s*\[\s*([^\[\]]+?)\s*\]\s*$")
_BRACKETED = re.compile(r"\[\s*([^\[\]]+?)\s*\]\s*$")
_SPLITS = (" - ", " – ", " — ")


def name_keys(column: Column) -> list[str]:
    """The keys a column's name is matched by: the name, and a subquestion code."""
    keys = [normalize(column.name)]
    found = _SUBQUESTION.match(column.name)
    if found:
        keys.append(normalize(found.group(2)))
    return keys


def statement_parts(text: str) -> Iterator[str]:
    """The whole text and every part that may be a matrix row's statement."""
    yield text
    for separator in _SPLITS:
        pieces = text.split(separator)
        for start in range(1, len(pieces)):
            yield separator.join(pieces[start:])
    found = _BRACKETED.search(text)
    if found:
        yield found.group(1)
    elif text.rstrip().endswith("]"):
        # a statement with brackets of its own ("Lead [[x] y]"): from each "[" to the end
        end = text.rstrip()[:-1]
        for start in (i for i, ch in enumerate(end) if ch == "["):
            yield end[start + 1 :]


def text_keys(column: Column) -> list[str]:
    """The keys a column's question texts are matched by."""
    keys = []
    for text in column.texts:
        for part in statement_parts(text):
            key = text_key(part)
            if key and key not in keys:
                keys.append(key)
    return keys


def _words(text: str) -> str:
    return " ".join(normalize(text).replace("_", " ").split())


def similarity(column: Column, wordings: Iterable[str]) -> float:
    """How close a column's question texts come to any of ``wordings`` (0 to 1).

    difflib's ratio over the words (case, accents and punctuation ignored), the best over
    every statement part of every text of the column.
    """
    best = 0.0
    targets = [_words(w) for w in wordings if w.strip()]
    for text in column.texts:
        for part in statement_parts(text):
            words = _words(part)
            if not words:
                continue
            for target in targets:
                matcher = difflib.SequenceMatcher(None, words, target, autojunk=False)
                if matcher.real_quick_ratio() <= best or matcher.quick_ratio() <= best:
                    continue
                best = max(best, matcher.ratio())
    return best
