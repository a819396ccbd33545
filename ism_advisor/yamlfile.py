"""Reading the knowledge base's YAML files with a position for every value.

The files are composed into nodes first (``yaml.compose``) so that every mapping key,
value and list item keeps its line and column; validators use those positions to point at
the exact spot of a problem. Loading refuses what a hand-edited or hostile file can do
wrong: duplicate keys, alias bombs, absurd nesting, non-UTF-8 text.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import N_, AdvisorError, Message
from .i18n import LANGUAGES

__all__ = [
    "ID_PATTERN",
    "MAX_DEPTH",
    "MAX_VALUES",
    "Pos",
    "Problems",
    "YList",
    "YMap",
    "load_yaml",
    "read_text",
]

# libyaml when PyYAML has it (ten times faster; the same nodes and positions)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_DEPTH = 20
MAX_VALUES = 200_000


@dataclass(frozen=True)
class Pos:
    """A 1-based line and column in a file."""

    line: int
    column: int

    @classmethod
    def of(cls, node: yaml.Node) -> Pos:
        return cls(node.start_mark.line + 1, node.start_mark.column + 1)


class YMap(dict):
    """A YAML mapping that remembers where it, its keys and its values are."""

    pos: Pos
    key_pos: dict[Any, Pos]
    value_pos: dict[Any, Pos]

    def where(self, key: Any) -> Pos:
        """The value's position for ``key`` if present, else the mapping's own."""
        return self.value_pos.get(key, self.pos)


class YList(list):
    """A YAML sequence that remembers where it and each item are."""

    pos: Pos
    item_pos: list[Pos]

    def where(self, index: int) -> Pos:
        return self.item_pos[index]


def read_text(path: Path, what: str) -> str:
    """The UTF-8 text of ``path`` (a BOM is allowed), or an :class:`AdvisorError`.

    ``what`` is a message id describing the expected content ("a codebook").
    """
    what_text = Message(what)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise AdvisorError(
            N_("no such file (expected {what})"), path=str(path), what=what_text
        ) from None
    except IsADirectoryError:
        raise AdvisorError(
            N_("is a folder (expected {what})"), path=str(path), what=what_text
        ) from None
    except OSError as exc:
        raise AdvisorError(
            N_("cannot be read: {reason}"), path=str(path), reason=exc.strerror or str(exc)
        ) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise AdvisorError(
            N_("is not UTF-8 text (byte {byte} at offset {offset}; save the file as UTF-8)"),
            path=str(path),
            line=line,
            byte=f"0x{data[exc.start]:02x}",
            offset=exc.start,
        ) from None


def load_yaml(path: Path, what: str) -> Any:
    """Parse ``path`` into :class:`YMap`, :class:`YList` and plain scalars.

    ``what`` is a message id describing the expected content ("a codebook").
    """
    text = read_text(path, what)
    name = str(path)
    try:
        try:
            node = yaml.compose(text, Loader=_LOADER)
        except yaml.YAMLError:
            # report the pure-Python parser's error: it words problems better
            node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "syntax error"
        if "\t" in problem or "'\\t'" in problem:
            problem = N_("a tab character; YAML indents with spaces only")
            raise AdvisorError(
                problem, path=name, line=mark.line + 1, column=mark.column + 1
            ) from None
        raise AdvisorError(
            N_("YAML syntax error: {problem}"),
            path=name,
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
            problem=problem,
        ) from None
    except yaml.YAMLError as exc:
        raise AdvisorError(
            N_("YAML syntax error: {problem}"), path=name, problem=str(exc)
        ) from None
    except RecursionError:
        raise AdvisorError(
            N_("nested deeper than {limit} levels"), path=name, limit=MAX_DEPTH
        ) from None
    if node is None:
        raise AdvisorError(N_("the file is empty (expected {what})"), path=name, what=Message(what))
    return _Converter(name).convert(node)


class _Converter:
    def __init__(self, path: str) -> None:
        self.path = path
        self.budget = MAX_VALUES
        self.constructor = yaml.SafeLoader("")

    def fail(self, template: str, node: yaml.Node, **params: Any) -> AdvisorError:
        pos = Pos.of(node)
        return AdvisorError(template, path=self.path, line=pos.line, column=pos.column, **params)

    def convert(self, node: yaml.Node, depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            raise self.fail(N_("nested deeper than {limit} levels"), node, limit=MAX_DEPTH)
        self.budget -= 1
        if self.budget < 0:
            raise self.fail(
                N_("more than {limit} values (are aliases expanding without end?)"),
                node,
                limit=MAX_VALUES,
            )
        if isinstance(node, yaml.ScalarNode):
            return self.constructor.construct_object(node)
        if isinstance(node, yaml.SequenceNode):
            items = YList()
            items.pos = Pos.of(node)
            items.item_pos = []
            for child in node.value:
                items.append(self.convert(child, depth + 1))
                items.item_pos.append(Pos.of(child))
            return items
        assert isinstance(node, yaml.MappingNode)  # the only other node kind
        try:
            self.constructor.flatten_mapping(node)
        except yaml.MarkedYAMLError as exc:
            raise self.fail(N_("YAML syntax error: {problem}"), node, problem=exc.problem) from None
        mapping = YMap()
        mapping.pos = Pos.of(node)
        mapping.key_pos, mapping.value_pos = {}, {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.fail(N_("a key must be a plain word"), key_node)
            key = self.constructor.construct_object(key_node)
            if key in mapping.key_pos:
                first = mapping.key_pos[key]
                raise self.fail(
                    N_("duplicate key '{key}' (first given on line {first})"),
                    key_node,
                    key=key,
                    first=first.line,
                )
            mapping[key] = self.convert(value_node, depth + 1)
            mapping.key_pos[key] = Pos.of(key_node)
            mapping.value_pos[key] = Pos.of(value_node)
        return mapping


@dataclass
class Problems:
    """Collects every problem found in one file, so that validation reports them all."""

    path: str
    errors: list[AdvisorError] = field(default_factory=list)

    def add(self, template: str, pos: Pos | None, **params: Any) -> None:
        self.errors.append(
            AdvisorError(
                template,
                path=self.path,
                line=pos.line if pos else None,
                column=pos.column if pos else None,
                **params,
            )
        )

    def __bool__(self) -> bool:
        return bool(self.errors)

    def __iter__(self) -> Iterator[AdvisorError]:
        return iter(self.errors)

    # -- checks shared by every file's validator ------------------------------------

    def error(self) -> AdvisorError:
        """The first problem, carrying all of them in ``problems``."""
        first = self.errors[0]
        first.problems = tuple(self.errors)
        return first

    def mapping(self, value: Any, pos: Pos, what: str) -> YMap | None:
        """``value`` if it is a mapping; else report that ``what`` was expected."""
        if isinstance(value, YMap):
            return value
        self.add(
            N_("expected {what}, found {found}"), pos, what=Message(what), found=describe(value)
        )
        return None

    def keys(self, mapping: YMap, allowed: Iterable[str], required: Iterable[str] = ()) -> None:
        """Report unknown keys (with a did-you-mean) and missing required ones."""
        allowed = list(allowed)
        for key in mapping:
            if key not in allowed:
                self.add(
                    N_("unknown key '{key}'{hint}"),
                    mapping.key_pos[key],
                    key=key,
                    hint=did_you_mean(str(key), allowed),
                )
        for key in required:
            if key not in mapping:
                self.add(N_("missing key '{key}'"), mapping.pos, key=key)

    def non_empty_list(self, mapping: YMap, key: str, template: str) -> YList | None:
        """The list under ``key``; None when absent, or (reported with ``template``, which
        gets ``key`` and ``found``) when it is not a list or is empty."""
        if key not in mapping:
            return None
        value = mapping[key]
        if not isinstance(value, YList) or not value:
            self.add(template, mapping.where(key), key=key, found=describe(value))
            return None
        return value

    def texts(self, mapping: YMap, key: str) -> dict[str, str]:
        """A text per language, ``{nl: …, en: …}``; {} when absent (the caller's
        required-keys check reports a missing one)."""
        if key not in mapping:
            return {}
        value = mapping[key]
        if not isinstance(value, YMap):
            self.add(
                N_("'{key}' must give a text per language (nl: …, en: …), found {found}"),
                mapping.where(key),
                key=key,
                found=describe(value),
            )
            return {}
        self.keys(value, LANGUAGES, required=LANGUAGES)
        out = {}
        for lang in LANGUAGES:
            if lang not in value:
                continue
            text = value[lang]
            if not isinstance(text, str) or not text.strip():
                self.add(
                    N_("'{key}' in '{lang}' must be a text, found {found}"),
                    value.where(lang),
                    key=key,
                    lang=lang,
                    found=describe(text),
                )
            else:
                out[lang] = text.strip()
        return out

    def identifier(self, mapping: YMap, seen: dict[str, Pos], what: str) -> str:
        """The mapping's ``id``, checked for its form and against the ids ``seen``;
        "" when absent or malformed. ``what`` names the kind of thing ("factor")."""
        if "id" not in mapping:
            return ""
        value = mapping["id"]
        if not isinstance(value, str) or not ID_PATTERN.match(value):
            self.add(
                N_(
                    "an id must be lower-case letters, digits and underscores,"
                    " starting with a letter, found {found}"
                ),
                mapping.where("id"),
                found=describe(value),
            )
            return ""
        if value in seen:
            self.add(
                N_("duplicate {what} id '{id}' (first given on line {first})"),
                mapping.where("id"),
                what=Message(what),
                id=value,
                first=seen[value].line,
            )
        else:
            seen[value] = mapping.where("id")
        return value


#: What an id looks like: lower-case letters, digits and underscores, a letter first.
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")


def did_you_mean(name: str, choices: Iterable[str]) -> Message | str:
    """`` (did you mean 'x'?)`` for the closest choice, or an empty string."""
    close = difflib.get_close_matches(name, [str(c) for c in choices], n=1, cutoff=0.6)
    return Message(N_(" (did you mean '{name}'?)"), {"name": close[0]}) if close else ""


def describe(value: Any) -> Message:
    """A short description of a YAML value for messages ("a list", "the number 3")."""
    if value is None:
        return Message(N_("nothing"))
    if isinstance(value, bool):
        return Message(N_("'{value}' (yes/no)"), {"value": str(value).lower()})
    if isinstance(value, Mapping):
        return Message(N_("a mapping"))
    if isinstance(value, list):
        return Message(N_("a list"))
    if isinstance(value, (int, float)):
        return Message(N_("the number {value}"), {"value": value})
    return Message(N_("'{value}'"), {"value": value})
