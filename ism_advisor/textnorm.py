"""Matching names and texts the way people type them: case, accents and spacing do not count."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["answer_key", "normalize", "text_key"]

_SEPARATORS = re.compile(r"[\s_\-]+")
_TAGS = re.compile(r"<[^<>]{0,200}>")


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", str(text))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def normalize(text: str) -> str:
    """``"  Verwachte  Inspánning "`` → ``"verwachte_inspanning"``.

    Accents are dropped, case is folded, and runs of spaces, underscores and hyphens
    become one underscore, so that an export's ``Department Name`` matches
    ``department_name``.
    """
    return _SEPARATORS.sub("_", _plain(text)).strip("_")


def text_key(text: str) -> str:
    """How a question text or an answer text is compared: letters and digits only.

    ``"Mee  eens!"``, ``"mee-eens"`` and ``"Mée eens"`` all give ``"meeeens"``: survey
    tools differ in case, accents, spacing, punctuation and the odd HTML tag around a
    question, never in its words. (Dropping the spaces too is what makes ``N.v.t.`` equal
    ``nvt``.)

    >>> text_key("Het platform helpt <b>mij</b>, écht.")
    'hetplatformhelptmijecht'
    """
    return "".join(ch for ch in _plain(_TAGS.sub(" ", str(text))) if ch.isalnum())


#: Answer texts are compared exactly like question texts.
answer_key = text_key
