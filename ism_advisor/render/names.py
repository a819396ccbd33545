"""Safe, distinct file names for the per-segment reports and briefs."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

__all__ = ["segment_file_names"]


def segment_file_names(
    labels: Sequence[tuple[str, str]], suffix: str, reserved: Sequence[str] = ()
) -> list[str]:
    """Safe, distinct file names for segments, from their (column, value) labels.

    Letters and digits only (accents dropped), joined by hyphens; no path separators,
    no leading dots; clashes (with each other or with a ``reserved`` name) get -2, -3, ….
    """
    names: list[str] = []
    seen: set[str] = {name.casefold() for name in reserved}
    for column, value in labels:
        stem = "-".join(filter(None, (_slug(column), _slug(value)))) or "segment"
        stem = stem[:80].rstrip("-")
        name, n = f"{stem}.{suffix}", 1
        while name.casefold() in seen:
            n += 1
            name = f"{stem}-{n}.{suffix}"
        seen.add(name.casefold())
        names.append(name)
    return names


def _slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text or "")
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", "-", plain.casefold()).strip("-")
