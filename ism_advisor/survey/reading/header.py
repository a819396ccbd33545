"""Which row of a sheet is its header: the one whose cells name the codebook's roles best.

A workbook saved by hand often has a title row or two above the header ("Survey 2026",
a date), or keeps the answers on another sheet than the first. The header is the row,
among the first :data:`SEARCHED_ROWS` rows holding something, whose cells match the most
of the codebook's usage question, items, factor scores and segment questions, by name
or wording as :mod:`.matching` matches them; the first such row wins a tie, and a sheet
where no row matches anything keeps its first row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ...core.textnorm import normalize, text_key
from ..codebook import Codebook
from .matching import name_keys, text_keys
from .model import Column

__all__ = ["SEARCHED_ROWS", "RoleKeys", "best_header"]

#: How many rows holding something are tried as the header, from the sheet's top.
SEARCHED_ROWS = 20


@dataclass(frozen=True)
class RoleKeys:
    """The codebook's roles as the keys a column is matched by."""

    names: frozenset[str]
    texts: frozenset[str]

    @classmethod
    def of(cls, codebook: Codebook) -> RoleKeys:
        names: set[str] = set()
        texts: set[str] = set()
        names.update(normalize(n) for n in codebook.usage.column_names())
        texts.update(text_key(t) for t in codebook.usage.text.values())
        for factor in codebook.factors:
            names.update(normalize(n) for n in factor.column_names())
            for item in factor.items:
                names.add(normalize(item.id))
                texts.update(text_key(t) for t in item.wordings())
        for segment in codebook.segments:
            names.update(normalize(n) for n in segment.column_names())
            texts.update(text_key(t) for t in segment.text.values())
        return cls(frozenset(names - {""}), frozenset(texts - {""}))

    def score(self, cells: Sequence[str]) -> int:
        """How many of ``cells`` (a row read as a header) name a role."""
        return self.score_columns([Column(0, cell, (cell,)) for cell in cells if cell])

    def score_columns(self, columns: Sequence[Column]) -> int:
        """How many of ``columns`` (by name, or any of their question texts) name a role."""
        return sum(
            1
            for column in columns
            if any(k in self.names for k in name_keys(column))
            or any(k in self.texts for k in text_keys(column))
        )


def best_header(rows: Sequence[tuple[int, Sequence[str]]], keys: RoleKeys) -> tuple[int, int]:
    """The header among ``rows`` ((row index, cells), rows holding something, in sheet
    order): its index and its score. The first row unless a later one (within
    :data:`SEARCHED_ROWS`) names more roles."""
    best, best_score = rows[0][0], -1
    for index, cells in rows[:SEARCHED_ROWS]:
        score = keys.score(cells)
        if score > best_score:
            best, best_score = index, score
    return best, best_score
