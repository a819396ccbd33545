"""Declared shapes of the knowledge base's YAML files: keys, types, choices, defaults.

In the spirit of mkdocs' ``config_options``: each file's reader declares, next to itself,
the :class:`Shape` of every mapping it reads — each key an :class:`Option` with its type,
whether it is required, its default and a line of help. The shape checks the keys
(unknown ones with a did-you-mean, missing required ones) and reads each value with its
option, adding every problem with its position to the file's
:class:`~ism_advisor.core.yamlfile.Problems`; the reader keeps only what a shape cannot say
(references across files, the rule language, checks between keys).

:meth:`Shape.schema` turns a declaration into a JSON Schema, which ``ism-advise rules
schema`` prints for editors' completion and checking.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any

from .errors import N_
from .i18n import LANGUAGES
from .yamlfile import ID_PATTERN, Pos, Problems, YList, YMap, describe, did_you_mean

__all__ = [
    "Choice",
    "Custom",
    "Entries",
    "Flag",
    "Id",
    "Ids",
    "Nested",
    "Number",
    "Option",
    "Shape",
    "Text",
    "TextList",
    "Texts",
    "WholeNumber",
    "Words",
]


class Option:
    """One key of a mapping: how its value is read, whether it must be there, its default.

    ``message`` (where an option has one) is the problem reported for a value of the
    wrong type; it may use ``{key}`` and ``{found}``. A wrong value reads as ``default``,
    or as ``invalid`` where that is given. With ``blank``, a key given without a value
    (``settings:``) counts as absent. With ``field``, the value fills the field of the same
    name of the dataclass the mapping is read into: :meth:`Shape.fields` reads it there,
    so that the declaration is the field's type, default and help at once.
    """

    message = ""

    def __init__(
        self,
        help: str = "",
        *,
        required: bool = False,
        default: Any = None,
        message: str = "",
        blank: bool = False,
        invalid: Any = ...,
        field: bool = False,
    ) -> None:
        self.help = help
        #: whether the value fills the dataclass field of the key's name (:meth:`Shape.fields`)
        self.field = field
        self.required = required
        self.default = default
        self.blank = blank
        self.invalid = default if invalid is ... else invalid
        if message:
            self.message = message

    def read(self, problems: Problems, mapping: YMap, key: str, **context: Any) -> Any:
        """The value under ``key``, checked; the default when absent or wrong."""
        if key not in mapping or (self.blank and mapping[key] is None):
            return self.default
        return self.check(problems, mapping, key, **context)

    def check(self, problems: Problems, mapping: YMap, key: str, **context: Any) -> Any:
        raise NotImplementedError

    def wrong(self, problems: Problems, mapping: YMap, key: str, value: Any) -> Any:
        """Report a value of the wrong type; what a wrong value reads as."""
        problems.add(self.message, mapping.where(key), key=key, found=describe(value))
        return self.invalid

    def type_schema(self) -> dict[str, Any]:
        return {}

    def schema(self) -> dict[str, Any]:
        """The option as JSON Schema."""
        out = self.type_schema()
        if self.blank:  # a key without a value counts as absent
            out = {"oneOf": [out, {"type": "null"}]}
        if self.help:
            out = {"description": self.help, **out}
        if self.default not in (None, "") and not isinstance(self.default, (dict, list, tuple)):
            out["default"] = self.default
        return out


class Text(Option):
    """A text that is not empty."""

    message = N_("'{key}' must be a text, found {found}")

    def check(self, problems: Problems, mapping: YMap, key: str, **context: Any) -> Any:
        value = mapping[key]
        if not isinstance(value, str) or not value.strip():
            return self.wrong(problems, mapping, key, value)
        return value

    def type_schema(self) -> dict[str, Any]:
        return {"type": "string", "minLength": 1}


class Texts(Option):
    """A text per language: ``{nl: …, en: …}``."""

    def __init__(self, help: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("default", {})
        super().__init__(help, **kwargs)

    def read(self, problems: Problems, mapping: YMap, key: str, **context: Any) -> Any:
        return problems.texts(mapping, key)

    def type_schema(self) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {lang: {"type": "string", "minLength": 1} for lang in LANGUAGES},
            "required": list(LANGUAGES),
            "additionalProperties": False,
        }


class Id(Option):
    """The entry's id: lower-case letters, digits and underscores, unique in its list.

    ``what`` names the kind of thing ("rule"); read with ``seen`` (the ids before it).
    """

    def __init__(self, what: str, help: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("default", "")
        super().__init__(help, **kwargs)
        self.what = what

    def read(self, problems: Problems, mapping: YMap, key: str, **context: Any) -> Any:
        return problems.identifier(mapping, context["seen"], self.what)

    def type_schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": ID_PATTERN.pattern}


class Ids(Option):
    """One id or a list of ids; read as ``[(id, position)]``."""

    message = N_("'{key}' must be an id or a list of ids, found {found}")

    def __init__(self, help: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("default", [])
        super().__init__(help, **kwargs)

    def check(self, problems: Problems, mapping: YMap, key: str, **context: Any) -> Any:
        value = mapping[key]
        if isinstance(value, str):
            return [(value, mapping.where(key))]
        if isinstance(value, YList) and value and all(isinstance(v, str) for v in value):
            return [(v, value.where(i)) for i, v in enumerate(value)]
        self.wrong(problems, mapping, key, value)
        return []

    def type_schema(self) -> dict[str, Any]:
        word = {"type": "string"}
        return {"oneOf": [word, {"type": "array", "items": word, "minItems": 1}]}


class Choice(Option):
    """One of a few words."""

    message = N_("'{key}' must be one of {choices}, found {found}{hint}")

    def __init__(self, choices: Iterable[str], help: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("default", "")
        super().__init__(help, **kwargs)
        self.choices = tuple(choices)

    def check(self, problems: Problems, mapping: YMap, key: str, **context: Any) -> Any:
        value = mapping[key]
        if value in self.choices:
            return value
        problems.add(
            self.message,
            mapping.where(key),
            key=key,
            choices=", ".join(self.choices),
            found=describe(value),
            hint=did_you_mean(str(value), self.choices),
        )
        return self.invalid

    def type_schema(self) -> dict[str, Any]:
        return {"enum": list(self.choices)}


class Number(Option):
    """A number."""

    message = N_("'{key}' must be a number, found {found}")

    def check(self, problems: Problems, mapping: YMap, key: str, **context: Any) -> Any:
        value = mapping[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return self.wrong(problems, mapping, key, value)
        return float(value)

    def type_schema(self) -> dict[str, Any]:
        return {"type": "number"}


class WholeNumber(Option):
    """A whole number of at least ``minimum``."""

    def __init__(self, minimum: int, help: str = "", **kwargs: Any) -> None:
        super().__init__(help, **kwargs)
        self.minimum = minimum

    def check(self, problems: Problems, mapping: YMap, key: str, **context: Any) -> Any:
        value = mapping[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < self.minimum:
            return self.wrong(problems, mapping, key, value)
        return value

    def type_schema(self) -> dict[str, Any]:
        return {"type": "integer", "minimum": self.minimum}


class Flag(Option):
    """true or false."""

    def __init__(self, help: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("default", False)
        super().__init__(help, **kwargs)

    def check(self, problems: Problems, mapping: YMap, key: str, **context: Any) -> Any:
        value = mapping[key]
        if not isinstance(value, bool):
            return self.wrong(problems, mapping, key, value)
        return value

    def type_schema(self) -> dict[str, Any]:
        return {"type": "boolean"}


class TextList(Option):
    """A non-empty list of texts (stripped)."""

    def __init__(self, help: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("default", ())
        super().__init__(help, **kwargs)

    def check(self, problems: Problems, mapping: YMap, key: str, **context: Any) -> Any:
        value = mapping[key]
        if (
            not isinstance(value, YList)
            or not value
            or not all(isinstance(v, str) and v.strip() for v in value)
        ):
            return self.wrong(problems, mapping, key, value)
        return tuple(v.strip() for v in value)

    def type_schema(self) -> dict[str, Any]:
        text = {"type": "string", "minLength": 1}
        return {"type": "array", "items": text, "minItems": 1}


class Words(Option):
    """A list of texts as a survey's answers are written: numbers are read as texts, an
    unquoted yes/no word (which YAML reads as true or false) is refused."""

    message = N_("'{key}' must be a list of texts, found {found}")

    def __init__(self, help: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("default", ())
        super().__init__(help, **kwargs)

    def check(self, problems: Problems, mapping: YMap, key: str, **context: Any) -> Any:
        value = mapping[key]
        if not isinstance(value, YList):
            self.wrong(problems, mapping, key, value)
            return ()
        out = []
        for index, entry in enumerate(value):
            if isinstance(entry, bool):
                problems.add(
                    N_(
                        "an unquoted yes/no word in '{key}': put it in quotes"
                        " (YAML reads yes, no, on and off as true or false)"
                    ),
                    value.where(index),
                    key=key,
                )
            elif isinstance(entry, (str, int, float)) and str(entry).strip():
                out.append(str(entry).strip())
            else:
                problems.add(self.message, value.where(index), key=key, found=describe(entry))
        return tuple(out)

    def type_schema(self) -> dict[str, Any]:
        return {"type": "array", "items": {"type": ["string", "number"]}}


class Nested(Option):
    """A mapping of its own shape; read as the mapping (None when it is not one)."""

    def __init__(self, shape: Shape, help: str = "", **kwargs: Any) -> None:
        super().__init__(help, **kwargs)
        self.shape = shape

    def check(self, problems: Problems, mapping: YMap, key: str, **context: Any) -> Any:
        return self.shape.mapping(problems, mapping[key], mapping.where(key))

    def type_schema(self) -> dict[str, Any]:
        return self.shape.schema()


class Entries(Option):
    """A list of mappings of one shape; read as the list (None when absent or wrong).

    The entries are read by the reader (they often depend on each other); an empty list
    is refused unless ``empty`` allows it.
    """

    message = N_("'{key}' must be a non-empty list, found {found}")

    def __init__(self, shape: Shape, help: str = "", *, empty: bool = False, **kwargs: Any):
        super().__init__(help, **kwargs)
        self.shape = shape
        self.empty = empty

    def check(self, problems: Problems, mapping: YMap, key: str, **context: Any) -> Any:
        value = mapping[key]
        if not isinstance(value, YList) or (not value and not self.empty):
            return self.wrong(problems, mapping, key, value)
        return value

    def type_schema(self) -> dict[str, Any]:
        return {
            "type": "array",
            "items": self.shape.schema(),
            **({} if self.empty else {"minItems": 1}),
        }


class Custom(Option):
    """A value the reader reads itself (the rule language, answer texts, …); the shape
    still knows the key, and ``schema`` describes it for editors."""

    def __init__(self, help: str = "", *, schema: Mapping[str, Any] | None = None, **kwargs):
        super().__init__(help, **kwargs)
        self._schema = dict(schema or {})

    def read(self, problems: Problems, mapping: YMap, key: str, **context: Any) -> Any:
        raise TypeError(f"'{key}' is read by its reader, not by the shape")

    def type_schema(self) -> dict[str, Any]:
        return dict(self._schema)


class Shape:
    """The keys a mapping may have, each with its option, in the order they are listed
    (and required keys are reported missing)."""

    def __init__(self, what: str, **options: Option) -> None:
        #: a message id saying what the mapping is ("a rule (a mapping with an id)")
        self.what = what
        self.options = options

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(key for key, option in self.options.items() if option.required)

    def __getitem__(self, key: str) -> Option:
        return self.options[key]

    def mapping(self, problems: Problems, value: Any, pos: Pos) -> YMap | None:
        """``value`` if it is a mapping, with its keys checked; else report it."""
        mapping = problems.mapping(value, pos, self.what)
        if mapping is not None:
            self.check_keys(problems, mapping)
        return mapping

    def check_keys(self, problems: Problems, mapping: YMap) -> None:
        """Report unknown keys (with a did-you-mean) and missing required ones."""
        problems.keys(mapping, self.options, required=self.required)

    def read(self, problems: Problems, mapping: YMap, key: str, **context: Any) -> Any:
        """The value under ``key``, read by its option."""
        return self.options[key].read(problems, mapping, key, **context)

    @property
    def field_keys(self) -> tuple[str, ...]:
        """The keys that fill a dataclass field of their name, in the order they are listed."""
        return tuple(key for key, option in self.options.items() if option.field)

    def fields(
        self, problems: Problems, mapping: YMap, *keys: str, **context: Any
    ) -> dict[str, Any]:
        """The dataclass's keyword arguments read from ``mapping``: each of ``keys`` (every
        field key when none is given) read by its option, in that order (so that problems
        are reported in it), absent ones as their option's default."""
        out: dict[str, Any] = {}
        for key in keys or self.field_keys:
            if not self.options[key].field:
                raise ValueError(f"'{key}' fills no field, it is read by its reader")
            out[key] = self.read(problems, mapping, key, **context)
        return out

    def defaults(self) -> dict[str, Any]:
        """What each field key reads as when the mapping does not give it (a copy of each
        mutable default, so that no two dataclasses share one)."""
        return {key: copy.copy(self.options[key].default) for key in self.field_keys}

    def schema(self) -> dict[str, Any]:
        """The mapping as JSON Schema (unknown keys refused, required ones listed)."""
        out: dict[str, Any] = {
            "type": "object",
            "properties": {key: option.schema() for key, option in self.options.items()},
            "additionalProperties": False,
        }
        if self.required:
            out["required"] = list(self.required)
        return out
