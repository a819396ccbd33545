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
    "file_error",
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
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise file_error(path, exc, what) from None
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


def file_error(path: Path, error: OSError, what: str) -> AdvisorError:
    """The one-line error for a file that cannot be read: missing, a folder, or why not.

    ``what`` is a message id describing the expected content ("a codebook"); every
    reader of files (YAML, survey exports) says it the same way.
    """
    if isinstance(error, FileNotFoundError):
        return AdvisorError(
            N_("no such file (expected {what})"), path=str(path), what=Message(what)
        )
    if isinstance(error, IsADirectoryError):
        return AdvisorError(N_("is a folder (expected {what})"), path=str(path), what=Message(what))
    return AdvisorError(
        N_("cannot be read: {reason}"), path=str(path), reason=error.strerror or str(error)
    )


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
        raise syntax_error(text, exc, name) from None
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


def syntax_error(text: str, exc: yaml.MarkedYAMLError, path: str) -> AdvisorError:
    """Our own one-line message for a YAML syntax error, with the likely cause.

    PyYAML's own wording ("expected <block end>, but found '-'") names the parser's state,
    not the slip that caused it. The slips people make when they edit or paste into a
    knowledge file are few: a list item indented unlike its neighbours, a tab, a quote
    that is not closed (or closed too early by an apostrophe), a ": " inside a text that
    is not in quotes, a { or [ that is not closed. Anything else keeps PyYAML's wording.
    """
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or exc.context or "syntax error"

    def at(template: str, where: yaml.Mark, **params: Any) -> AdvisorError:
        return AdvisorError(
            template, path=path, line=where.line + 1, column=where.column + 1, **params
        )

    if mark is None:
        return AdvisorError(N_("YAML syntax error: {problem}"), path=path, problem=problem)
    if "'\\t'" in problem or "\t" in problem:
        return at(N_("a tab character; YAML indents with spaces only"), mark)
    if exc.context == "while scanning a quoted scalar" and exc.context_mark is not None:
        # the file ends inside the quoted text: point at the quote that opened it
        opening = exc.context_mark
        return at(N_("this quote ({quote}) is never closed"), opening, quote=text[opening.index])
    hint = (
        _quote_hint(text, mark, at, path) or _flow_hint(exc, mark, at) or _list_hint(text, mark, at)
    )
    if hint is None and problem == "mapping values are not allowed here":
        hint = _colon_hint(text, mark, at)
    if hint is None and problem.endswith("'<block mapping start>'"):
        hint = _key_hint(text, mark, at)
    return hint or at(N_("YAML syntax error: {problem}"), mark, problem=problem)


def _colon_hint(text: str, mark: yaml.Mark, at) -> AdvisorError | None:
    """A ": " inside an unquoted text (or a key indented under one that has a value)."""
    if ": " in _line(text, mark)[: mark.column].lstrip("- "):
        return at(N_('a ": " inside a text: put the whole text in quotes ("…")'), mark)
    return _key_hint(text, mark, at)


def _key_hint(text: str, mark: yaml.Mark, at) -> AdvisorError | None:
    """A key indented deeper than the key on the line above, which has its value."""
    line = _line(text, mark)
    indent = len(line) - len(line.lstrip(" "))
    for above in reversed(text.splitlines()[: mark.line]):
        if above.strip() and not above.lstrip().startswith("#"):
            if len(above) - len(above.lstrip(" ")) < indent:
                return at(
                    N_(
                        "this key is indented more than the key above it, which already has a value"
                    ),
                    Mark(mark.line, indent),
                )
            break
    return None


@dataclass(frozen=True)
class Mark:
    """A 0-based position, like PyYAML's marks."""

    line: int
    column: int


def _line(text: str, mark: yaml.Mark) -> str:
    lines = text.splitlines()
    return lines[mark.line] if mark.line < len(lines) else ""


def _quote_hint(text: str, mark: yaml.Mark, at, path: str) -> AdvisorError | None:
    """A quoted text that swallowed what follows, or that an apostrophe closed too early.

    The token just before the error tells: a quoted text that starts on an earlier line
    and ends on the error's line took the next text's opening quote as its end; a quoted
    text followed on its line by more text was closed early (``'zo'n groep'``).
    """
    before = None
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if token.start_mark.index >= mark.index:
                break
            if token.end_mark.index > token.start_mark.index:  # skip structural markers
                before = token
    except yaml.YAMLError:
        pass
    if not isinstance(before, yaml.ScalarToken) or before.style not in ("'", '"'):
        return None
    start, end = before.start_mark, before.end_mark
    quote = before.style
    if start.line < end.line and end.line == mark.line:
        return at(
            N_("this quote ({quote}) is not closed on its line: the text runs on to line {end}"),
            start,
            quote=quote,
            end=mark.line + 1,
        )
    if end.line == mark.line and not text[end.index : mark.index].strip():
        # point at the quote that ended the text too early
        template = (
            N_("the text goes on after its closing quote ('): write '' for an apostrophe in '…'")
            if quote == "'"
            else N_(
                'the text goes on after its closing quote ("): write \\" for a quote inside "…"'
            )
        )
        return AdvisorError(template, path=path, line=end.line + 1, column=end.column)
    return None


def _flow_hint(exc: yaml.MarkedYAMLError, mark: yaml.Mark, at) -> AdvisorError | None:
    """A { … } or [ … ] not closed on its line, or a ": " inside a text within one."""
    opening = exc.context_mark
    if opening is None or exc.context not in (
        "while parsing a flow mapping",
        "while parsing a flow sequence",
    ):
        return None
    bracket = "{" if exc.context.endswith("mapping") else "["
    if opening.line < mark.line or "<stream end>" in (exc.problem or ""):
        return at(
            N_("this {bracket} is not closed on its line (end it with {closing})"),
            opening,
            bracket=bracket,
            closing="}" if bracket == "{" else "]",
        )
    if (exc.problem or "").endswith("but got ':'"):
        return at(N_('a ": " inside a text: put the whole text in quotes ("…")'), mark)
    return None


def _list_hint(text: str, mark: yaml.Mark, at) -> AdvisorError | None:
    """A list item indented unlike the items above it (typically pasted at column 1).

    The lines before the item are parsed on their own; of the lists still open at their
    end, the item was meant for the one whose items start nearest its column (the outer
    one on a tie: a pasted entry belongs to the file's top-level list).
    """
    problem_token = text[mark.index : mark.index + 1]
    if problem_token != "-":
        return None
    lines = text.splitlines(keepends=True)
    try:
        node = yaml.compose("".join(lines[: mark.line]), Loader=yaml.SafeLoader)
    except (yaml.YAMLError, RecursionError):
        return None
    open_lists: list[tuple[int, yaml.Node | None]] = []
    key: yaml.Node | None = None
    while node is not None:
        if isinstance(node, yaml.SequenceNode) and node.value:
            if node.flow_style is not True:
                open_lists.append((node.start_mark.column, key))
            node, key = node.value[-1], None
        elif isinstance(node, yaml.MappingNode) and node.value:
            key, node = node.value[-1]
        else:
            break
    if not open_lists:
        return None
    _, (column, key) = min(
        enumerate(open_lists), key=lambda item: (abs(item[1][0] - mark.column), item[0])
    )
    if column == mark.column:
        return None
    if key is None or not isinstance(key, yaml.ScalarNode):
        return at(
            N_(
                "this list item is not indented like the ones above it (they start in"
                " column {start})"
            ),
            mark,
            start=column + 1,
        )
    spaces = column - key.start_mark.column
    if spaces == 0:
        template = N_(
            'this list item is not indented like the ones above it (the - right under "{key}:",'
            " no spaces)"
        )
    elif spaces == 1:
        template = N_(
            'this list item is not indented like the ones above it (1 space under "{key}:")'
        )
    else:
        template = N_(
            'this list item is not indented like the ones above it ({spaces} spaces under "{key}:")'
        )
    return at(template, mark, key=key.value, spaces=spaces)


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
    #: problems that do not make the file invalid (shown, never raised)
    warnings: list[AdvisorError] = field(default_factory=list)

    def add(self, template: str, pos: Pos | None, **params: Any) -> None:
        self.errors.append(self._at(template, pos, params))

    def warn(self, template: str, pos: Pos | None, **params: Any) -> None:
        self.warnings.append(self._at(template, pos, params))

    def _at(self, template: str, pos: Pos | None, params: dict[str, Any]) -> AdvisorError:
        return AdvisorError(
            template,
            path=self.path,
            line=pos.line if pos else None,
            column=pos.column if pos else None,
            **params,
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
