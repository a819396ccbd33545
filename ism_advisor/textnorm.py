"""Matching names the way people type them: case, accents and spacing do not count."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalize"]

_SEPARATORS = re.compile(r"[\s_\-]+")


def normalize(text: str) -> str:
    """``"  Verwachte  Inspánning "`` → ``"verwachte_inspanning"``.

    Accents are dropped, case is folded, and runs of spaces, underscores and hyphens
    become one underscore, so that an export's ``Department Name`` matches
    ``department_name``.
    """
    decomposed = unicodedata.normalize("NFKD", str(text))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SEPARATORS.sub("_", plain.casefold()).strip("_")
