"""Microsoft Forms: "Open in Excel" (XLSX), in English or Dutch.

One header row: ``Id, Start time, Completion time, Email, Name`` (and, in newer exports,
``Last modified time``), then one column per question headed by its text; a Likert
question gives one column per statement. Answers are the choices' texts. Only submitted
responses are exported.
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
    keys = [text_key(name) for name in records[0]]
    found = set(keys)
    english = {"starttime", "completiontime"} <= found
    if keys[:1] != ["id"] or not (english or {"begintijd", "tijdvanvoltooien"} <= found):
        return None
    names = unique_names([name.strip() for name in records[0]])
    columns = tuple(
        Column(position, name, (name,), role_of(name)) for position, name in enumerate(names)
    )
    return Layout("msforms", N_("Microsoft Forms export"), 1, columns)
