"""Matching names and texts the way people type them: case, accents and spacing do not count."""

from __future__ import annotations

import html
import re
import unicodedata

__all__ = ["answer_key", "folded", "normalize", "text_key"]

_SEPARATORS = re.compile(r"[\s_\-]+")
_TAGS = re.compile(r"<[^<>]{0,200}>")
#: The character references a survey tool's HTML may carry into an export: numeric ones
#: and the few named ones an editor writes (not HTML's legacy names without ";", which
#: would turn a plain "R&notes" into "R¬es").
_REFERENCES = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|amp|lt|gt|quot|apos|nbsp);")


def folded(text: str) -> str:
    """A text without its accents, case folded.

    >>> folded("Inspánning")
    'inspanning'
    """
    decomposed = unicodedata.normalize("NFKD", str(text))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def normalize(text: str) -> str:
    """``"  Verwachte  Inspánning "`` → ``"verwachte_inspanning"``.

    Accents are dropped, case is folded, and runs of spaces, underscores and hyphens
    become one underscore, so that an export's ``Department Name`` matches
    ``department_name``.
    """
    return _SEPARATORS.sub("_", folded(text)).strip("_")


def text_key(text: str) -> str:
    """How a question text or an answer text is compared: letters and digits only.

    ``"Mee  eens!"``, ``"mee-eens"`` and ``"Mée eens"`` all give ``"meeeens"``: survey
    tools differ in case, accents, spacing, punctuation and the odd HTML tag around a
    question, never in its words. (Dropping the spaces too is what makes ``N.v.t.`` equal
    ``nvt``.) Character references count as the characters they stand for, so that a text
    ism-advise wrote as ``&#61;`` or ``R&amp;D`` into a survey tool matches its wording.

    >>> text_key("Het platform helpt <b>mij</b>, écht.")
    'hetplatformhelptmijecht'
    >>> text_key("R&amp;D &#91;[x]]") == text_key("R&D [[x]]")
    True
    """
    text = _REFERENCES.sub(lambda m: html.unescape(m.group()), str(text))
    return "".join(ch for ch in folded(_TAGS.sub(" ", text)) if ch.isalnum())


#: Answer texts are compared exactly like question texts.
answer_key = text_key
