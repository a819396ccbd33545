"""Mapping files: which column of an export feeds which item, written by ``ism-advise map``
and edited by the consultant.

::

    columns:
      - column: Q5_1
        question: "Hoe kijkt u aan tegen het platform? - Het helpt mij in mijn werk"
        use: pe1              # an item id, usage, segment NAME, score FACTOR, or ignore
        match: guess 0.82     # what map found: certain, guess SCORE, unmatched, ...

Only ``column`` and ``use`` count; ``question`` and ``match`` are there for the reader.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ...core.errors import N_, AdvisorError
from ...core.yamlfile import Pos, YList, YMap, describe, did_you_mean, load_yaml

__all__ = ["USES", "Mapping", "MappingEntry", "load_mapping", "parse_use"]

_TOP_KEYS = ("export", "format", "codebook", "columns")
_ENTRY_KEYS = ("column", "question", "use", "match")
#: the words of ``use`` besides an item id
USES = ("usage", "ignore", "segment", "score")


@dataclass(frozen=True)
class MappingEntry:
    column: str
    use: str
    column_pos: Pos
    use_pos: Pos


@dataclass(frozen=True)
class Mapping:
    path: str
    entries: tuple[MappingEntry, ...]
    pos: Pos

    def fail(self, template: str, pos: Pos | None = None, **params) -> AdvisorError:
        pos = pos or self.pos
        return AdvisorError(template, path=self.path, line=pos.line, column=pos.column, **params)


def parse_use(use: str) -> tuple[str, str]:
    """``"pe1"`` → ("item", "pe1"); ``"segment department"`` → ("segment", "department");
    ``"usage"``, ``"ignore"``; ``"score reputation"`` → ("score", "reputation")."""
    words = use.replace(":", " ").split()
    if not words:
        return "ignore", ""
    head = words[0].casefold()
    if head in ("usage", "ignore") and len(words) == 1:
        return head, ""
    if head in ("segment", "score") and len(words) >= 2:
        return head, " ".join(words[1:]) if head == "segment" else words[1]
    if len(words) == 1:
        return "item", words[0]
    return "invalid", use


def load_mapping(path: str | Path) -> Mapping:
    """Read a mapping file; the first problem of its form is raised with its position.

    Whether its columns exist and its items fit the codebook is checked when it is
    applied to an export.
    """
    path = Path(path)
    data = load_yaml(path, N_("a mapping file (made by 'ism-advise map')"))
    name = str(path)

    def fail(template: str, pos: Pos, **params) -> AdvisorError:
        return AdvisorError(template, path=name, line=pos.line, column=pos.column, **params)

    if not isinstance(data, YMap):
        raise fail(
            N_("expected a mapping file with a list of columns, found {found}"),
            getattr(data, "pos", Pos(1, 1)),
            found=describe(data),
        )
    for key in data:
        if key not in _TOP_KEYS:
            raise fail(
                N_("unknown key '{key}'{hint}"),
                data.key_pos[key],
                key=key,
                hint=did_you_mean(str(key), _TOP_KEYS),
            )
    columns = data.get("columns")
    if not isinstance(columns, YList) or not columns:
        raise fail(
            N_("'columns' must be a non-empty list of columns, found {found}"),
            data.where("columns"),
            found=describe(columns),
        )
    entries = []
    for index, entry in enumerate(columns):
        if not isinstance(entry, YMap):
            raise fail(
                N_("expected a column (column: NAME, use: …), found {found}"),
                columns.where(index),
                found=describe(entry),
            )
        for key in entry:
            if key not in _ENTRY_KEYS:
                raise fail(
                    N_("unknown key '{key}'{hint}"),
                    entry.key_pos[key],
                    key=key,
                    hint=did_you_mean(str(key), _ENTRY_KEYS),
                )
        for key in ("column", "use"):
            if key not in entry:
                raise fail(N_("missing key '{key}'"), entry.pos, key=key)
            value = entry[key]
            if isinstance(value, bool) or not isinstance(value, (str, int, float)):
                raise fail(
                    N_("'{key}' must be a text, found {found}"),
                    entry.where(key),
                    key=key,
                    found=describe(value),
                )
        entries.append(
            MappingEntry(
                str(entry["column"]),
                str(entry["use"]).strip(),
                entry.where("column"),
                entry.where("use"),
            )
        )
    return Mapping(name, tuple(entries), data.where("columns"))
