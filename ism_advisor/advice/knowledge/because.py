"""``because`` texts: a rule's reason, a Jinja2 template filled with the figures it matched.

One sandboxed environment and one parse serve both jobs: :func:`check` (when the rule
file is read: the syntax, and every name the text uses is one the rule matches) and
:func:`render` (when the rule fires: the figures printed the way the report shows them,
in the report's language). A text is parsed once per process (:func:`parse`), however
many segments the rule fires in.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, Protocol

from jinja2 import StrictUndefined, Template, TemplateSyntaxError, meta, nodes
from jinja2.exceptions import SecurityError, TemplateError

from ...core.errors import N_, AdvisorError, Message
from ...core.formatting import format_figure
from ...core.i18n import translations
from ...core.sandbox import BoundedImmutableSandbox, LimitExceeded, Limits
from ...core.vocabulary import COMPARISON, EFFECT_SIZE_LABELS, FACT_KINDS, KINDS_BY_NAME, FactKind
from ...core.yamlfile import Pos, Problems, did_you_mean
from .conditions import renamed
from .model import Alternative, Conclusion

__all__ = ["Figure", "Label", "Parsed", "available", "check", "parse", "render"]


#: What one because text may do when it is filled in: a reason is a sentence or two.
LIMITS = Limits(size=10_000, steps=10_000, digits=100, output=10_000)


@cache
def environment() -> BoundedImmutableSandbox:
    """The one sandbox every because text is parsed and rendered in: it cannot change a
    list in place either (``l.extend(l)`` would double it at every step)."""
    return BoundedImmutableSandbox(LIMITS, autoescape=False, undefined=StrictUndefined)


@dataclass(frozen=True)
class Parsed:
    """A because text parsed once: its syntax tree, the compiled template, the names it
    reads from its context (only those are put in it), and for a text that only prints
    names and their figures (most do) a plain function that fills it in without Jinja2's
    machinery (:meth:`~ism_advisor.core.sandbox.BoundedSandbox.plain_renderer`: None where
    it cannot be sure of Jinja2's text, and then the template renders it)."""

    tree: nodes.Template
    template: Template
    names: frozenset[str]
    plain: Callable[[Mapping[str, Any]], str | None] | None = None


@lru_cache(maxsize=4096)
def parse(text: str) -> Parsed:
    """Parse a because text (raises jinja2's TemplateSyntaxError)."""
    env = environment()
    tree = env.parse(text)
    return Parsed(
        tree,
        env.from_string(tree),
        frozenset(meta.find_undeclared_variables(tree)),
        env.plain_renderer(tree, _attribute),
    )


# -- checking ------------------------------------------------------------------------------


def available(rule_alternatives: Sequence[Alternative]) -> dict[str, str]:
    """Names a because text may use, and the kind of fact each names (a pattern key, or
    "figure" for a figure of the rule's one comparison).

    Only names matched in every alternative of the rule are safe to use; a single
    matched comparison also lends its figures by their own names (``{{ gap }}``).
    """
    common: dict[str, str] | None = None
    for alternative in rule_alternatives:
        names = {t.pattern.name: t.pattern.kind for t in alternative if t.positive}
        names["segment"] = "segment"
        common = names if common is None else {k: v for k, v in common.items() if names.get(k) == v}
    names = dict(common or {"segment": "segment"})
    comparisons = [n for n, kind in names.items() if kind == "factor"]
    if len(comparisons) == 1:
        names.update(dict.fromkeys(COMPARISON.testable, "figure"))
    return names


def check(problems: Problems, pos: Pos, text: str, lang: str, names: Mapping[str, str]) -> None:
    """Report the first problem of a rule's because text in ``lang``: its syntax, a name
    the rule does not match, a figure the named fact does not have."""
    try:
        tree = parse(text).tree
    except TemplateSyntaxError as error:
        problems.add(
            N_("'because' in '{lang}': template error on its line {number}: {problem}"),
            pos,
            lang=lang,
            number=error.lineno,
            problem=error.message or "",
        )
        return
    if not _within_limits(problems, pos, tree, lang):
        return
    defined = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
    single = "figure" in names.values()
    for node in tree.find_all(nodes.Name):
        if node.ctx != "load" or node.name in names or node.name in defined:
            continue
        if single and node.name in COMPARISON.former:
            renamed(problems, node.name, COMPARISON.former[node.name].name, pos)
            continue
        problems.add(
            N_(
                "'because' in '{lang}' uses '{name}', which this rule does not"
                " match{hint} (available: {names})"
            ),
            pos,
            lang=lang,
            name=node.name,
            hint=did_you_mean(node.name, names),
            names=", ".join(sorted(names)),
        )
        return
    for node in tree.find_all(nodes.Getattr):
        if not isinstance(node.node, nodes.Name) or node.node.name not in names:
            continue
        kind = FACT_KINDS.get(names[node.node.name])
        if kind is None or node.attr in kind.testable:
            continue
        if node.attr in kind.former:
            renamed(problems, node.attr, kind.former[node.attr].name, pos)
            continue
        problems.add(
            N_("'because' in '{lang}': '{name}' has no figure '{field}'{hint}"),
            pos,
            lang=lang,
            name=node.node.name,
            field=node.attr,
            hint=did_you_mean(node.attr, kind.testable),
        )
        return


def _within_limits(problems: Problems, pos: Pos, tree: nodes.Template, lang: str) -> bool:
    """Report what makes a because text outgrow :data:`LIMITS` however it is filled in:
    repeating a text (or raising a number) by a number beyond the size limit, or a loop in
    a loop. Rendering checks the limits again, whatever the text."""
    for node in tree.find_all((nodes.Mul, nodes.Pow)):
        for operand in (node.left, node.right):
            value = operand.value if isinstance(operand, nodes.Const) else None
            number = isinstance(value, (int, float)) and not isinstance(value, bool)
            if number and abs(value) > LIMITS.size:
                problems.add(
                    N_(
                        "'because' in '{lang}' repeats or raises by {number}, more than"
                        " the {limit} a because text may"
                    ),
                    pos,
                    lang=lang,
                    number=value,
                    limit=LIMITS.size,
                )
                return False
    for loop in tree.find_all(nodes.For):
        inner = [*loop.body, *loop.else_]
        if loop.recursive or any(
            isinstance(node, nodes.For) or next(node.find_all(nodes.For), None) is not None
            for node in inner
        ):
            problems.add(
                N_(
                    "'because' in '{lang}' puts a loop in a loop (a because text may loop once,"
                    " through at most {limit} items)"
                ),
                pos,
                lang=lang,
                limit=LIMITS.steps,
            )
            return False
    return True


# -- rendering ---------------------------------------------------------------------------


class MatchedFact(Protocol):
    """A fact a rule matched (see engine.Fact)."""

    kind: str
    figures: Mapping[str, Any]


class Figure(float):
    """A number that prints the way a report shows it (2 decimals, p < 0.001, 40%)."""

    format: str
    lang: str

    def __new__(cls, value: float, format_: str, lang: str) -> Figure:
        figure = super().__new__(cls, value)
        figure.format = format_
        figure.lang = lang
        return figure

    def __str__(self) -> str:
        return format_figure(float(self), self.format, self.lang)


class Label:
    """A text figure that prints in the report's language and compares as its value.

    ``{{ effect_size }}`` in a Dutch because text reads "middelgroot", while
    ``{% if effect_size == 'medium' %}`` still tests the value rules use.
    """

    def __init__(self, value: str, text: str) -> None:
        self.value = value
        self.text = text

    def __str__(self) -> str:
        return self.text

    def __eq__(self, other: object) -> bool:
        return self.value == (other.value if isinstance(other, Label) else other)

    def __hash__(self) -> int:
        return hash(self.value)


class _FactView(Mapping):
    """A matched fact as a because text sees it: figures formatted, names attribute-style;
    a missing figure (None, NaN) is not there.

    Figures are wrapped when a text reads them, not before (a text reads few of them).
    """

    def __init__(self, figures: Mapping[str, Any], kind: FactKind, lang: str) -> None:
        self._figures = figures
        self._kind = kind
        self._usable = kind.usable
        self._lang = lang

    def __getitem__(self, key: str) -> Any:
        spec = self._usable.get(key)
        if spec is None:
            raise KeyError(key)
        value = self._figures.get(spec.name)
        if _missing(value):
            raise KeyError(key)
        if spec.name == "effect_size" and value in EFFECT_SIZE_LABELS:
            return Label(value, Message(EFFECT_SIZE_LABELS[value]).render(translations(self._lang)))
        return Figure(value, spec.format, self._lang) if spec.kind == "number" else value

    def __getattr__(self, key: str) -> Any:
        if key.startswith("_"):
            raise AttributeError(key)
        try:
            return self[key]
        except KeyError:
            raise AttributeError(key) from None

    def __contains__(self, key: object) -> bool:
        spec = self._usable.get(key)  # type: ignore[call-overload]
        return spec is not None and not _missing(self._figures.get(spec.name))

    def __iter__(self) -> Iterator[str]:
        return (key for key in self._kind.testable if key in self)

    def __len__(self) -> int:
        return sum(1 for _ in self)


#: What a _FactView has as a Python attribute (a Mapping's methods, ...): not figures
_VIEW_ATTRIBUTES = frozenset(dir(_FactView))


def _attribute(value: Any, name: str) -> Any:
    """``environment().getattr(value, name)``, the sandbox's attribute lookup, taking
    the short way for a figure of a fact (which the sandbox would return as it is: a
    _FactView is no mutable container, and a figure no method)."""
    if type(value) is _FactView and name not in _VIEW_ATTRIBUTES and name[:1] != "_":
        try:
            return value[name]
        except KeyError:
            pass
    return environment().getattr(value, name)


_ABSENT = object()


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and not math.isfinite(value))


def render(
    text: str,
    matched: Mapping[str, MatchedFact],
    conclusions: Mapping[str, Conclusion],
    lang: str,
    rule_id: str,
    path: str,
) -> str:
    """Fill a rule's because text with the figures it matched (sandboxed Jinja2)."""
    context: dict[str, Any] = {}
    comparisons = []
    for name, fact in matched.items():
        kind = KINDS_BY_NAME.get(fact.kind)
        if kind is None:
            continue
        figures = fact.figures
        if kind.pattern == "conclusion":
            conclusion = conclusions[figures["conclusion"]]
            figures = {"conclusion": conclusion.id, "label": conclusion.label[lang]}
        context[name] = _FactView(figures, kind, lang)
        if kind is COMPARISON:
            comparisons.append(context[name])
    try:
        parsed = parse(text)
        if len(comparisons) == 1:
            single = comparisons[0]
            for name in parsed.names:
                if name not in context:  # not a figure, or missing: StrictUndefined
                    figure = single.get(name, _ABSENT)
                    if figure is not _ABSENT:
                        context[name] = figure
        if parsed.plain is not None:
            filled = parsed.plain(context)
            if filled is not None:
                return filled.strip()
        return environment().render_bounded(parsed.template, context).strip()
    except LimitExceeded as error:
        raise AdvisorError(
            N_("rule '{rule}': its 'because' text in '{lang}' went past a limit: {limit}"),
            path=path,
            rule=rule_id,
            lang=lang,
            limit=error.message_,
        ) from None
    except (SecurityError, TemplateError, TypeError, ValueError, ArithmeticError) as error:
        # a text the check could not fault fails on the figures it gets ('segment * 3')
        raise AdvisorError(
            N_("rule '{rule}': its 'because' text in '{lang}' failed: {problem}"),
            path=path,
            rule=rule_id,
            lang=lang,
            problem=str(error),
        ) from None
