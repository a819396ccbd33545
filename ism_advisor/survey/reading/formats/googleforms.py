"""Google Forms: the responses sheet downloaded as CSV (or XLSX), in English or Dutch.

One header row: ``Timestamp`` (``Tijdstempel``), ``Email Address`` when the form collects
it, then one column per question headed by its text; a grid gives one column per row,
headed ``Question [Row]``. Linear scales give numbers, grids and choices their texts.
"""

from __future__ import annotations

from ....core.errors import N_
from ....core.textnorm import text_key
from ..model import Column
from ..roles import role_of
from .layout import Layout, unique_names

__all__ = ["recognise"]


def recognise(records: list[list[str]]) -> Layout | None:
    if not records:
        return None
    if text_key(records[0][0]) not in ("timestamp", "tijdstempel"):
        return None
    names = unique_names([name.strip() for name in records[0]])
    columns = tuple(
        Column(position, name, (name,), role_of(name)) for position, name in enumerate(names)
    )
    return Layout("googleforms", N_("Google Forms export"), 1, columns)
