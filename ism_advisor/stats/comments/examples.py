"""Coded examples: a coding sheet corrected by the consultant, or a labelled CSV.

Columns ``id,lang,text,codes,direction`` (a coding sheet's ``terms`` column is ignored):
``codes`` ";"-joined code ids, ``none`` (or blank) for none; ``direction`` favourable,
unfavourable, mixed or blank.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ...core.errors import N_, AdvisorError
from ...core.yamlfile import read_text
from .text import normalise

__all__ = ["DIRECTIONS", "Example", "Examples", "read_examples"]

#: a comment's directions as a sheet writes them ("" = none)
DIRECTIONS = ("favourable", "unfavourable", "mixed", "")
_REQUIRED = ("id", "lang", "text", "codes", "direction")


@dataclass(frozen=True)
class Example:
    id: str
    lang: str
    text: str
    codes: tuple[str, ...]
    direction: str | None


@dataclass(frozen=True)
class Examples:
    items: tuple[Example, ...]

    def __add__(self, other: Examples) -> Examples:
        return Examples(self.items + other.items)

    def by_text(self) -> Mapping[str, tuple[tuple[str, ...], str | None]]:
        """Codes and direction by normalised text (a later example wins)."""
        return {normalise(e.text): (e.codes, e.direction) for e in self.items}


def read_examples(path: str | Path) -> Examples:
    """The examples of a coding sheet or labelled CSV (UTF-8); AdvisorError naming the
    file, line and column of a problem."""
    shown = str(path)
    text = read_text(Path(path), N_("a coding sheet (CSV)"))
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None:
        raise AdvisorError(
            N_("is empty (expected a coding sheet with the columns {columns})"),
            path=shown,
            columns=", ".join(_REQUIRED),
        )
    header = [h.strip().casefold() for h in header]
    missing = [c for c in _REQUIRED if c not in header]
    if missing:
        raise AdvisorError(
            N_("missing column '{name}' (expected {columns})"),
            path=shown,
            line=1,
            name=missing[0],
            columns=", ".join(_REQUIRED),
        )
    at = {c: header.index(c) for c in _REQUIRED}
    items = []
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < len(header):
            raise AdvisorError(N_("a row has fewer fields than the header"), path=shown, line=line)
        direction = row[at["direction"]].strip().casefold()
        if direction not in DIRECTIONS:
            raise AdvisorError(
                N_("expected favourable, unfavourable, mixed or nothing, found '{found}'"),
                path=shown,
                line=line,
                column="direction",
                found=direction[:40],
            )
        codes = tuple(c.strip() for c in row[at["codes"]].split(";") if c.strip())
        codes = tuple(c for c in codes if c != "none")
        items.append(
            Example(
                row[at["id"]].strip(),
                row[at["lang"]].strip(),
                row[at["text"]],
                codes,
                direction or None,
            )
        )
    return Examples(tuple(items))
