"""Jinja2's sandbox, bounded: texts and templates an organisation supplies run in limited
time and memory.

Jinja2's :class:`~jinja2.sandbox.SandboxedEnvironment` keeps a template away from
Python's internals, but not from the machine's memory and time: ``{{ label * 300000000 }}``
asks for gigabytes, and nine nested loops over a text never end. :class:`BoundedSandbox`
adds what the sandbox leaves to its user (Jinja2's documentation, "Operator
Interception"):

- ``*``, ``**``, ``+`` and ``%`` are intercepted (``intercepted_binops``): a text or list
  they would make longer than :attr:`Limits.size`, or a number with more than
  :attr:`Limits.digits` digits, is refused before it is made;
- a call (a method, a macro, a filter) may not take a number larger than
  :attr:`Limits.size` (``center(1000000000)``, ``slice(…)``);
- every loop's items and every call count against :attr:`Limits.steps` per rendering
  (the parser wraps each ``for`` loop's items, also a recursive loop's ``loop(…)``);
- :meth:`BoundedSandbox.render_bounded` stops once the output passes
  :attr:`Limits.output`, and turns a macro that calls itself without end (Python's
  recursion limit) into the same error.

A limit hit raises :class:`LimitExceeded`, a Jinja2 ``TemplateError`` carrying a
translatable :class:`~ism_advisor.core.errors.Message` that says which limit.
"""

from __future__ import annotations

import contextvars
import functools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from jinja2 import Undefined, nodes
from jinja2.exceptions import TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedEnvironment

from .errors import N_, Message

__all__ = ["BoundedImmutableSandbox", "BoundedSandbox", "LimitExceeded", "Limits"]


@dataclass(frozen=True)
class Limits:
    """How much one rendering may do."""

    #: the longest text or list an operator or a call may make (characters or items); also
    #: the largest number a call may take
    size: int
    #: loop items and calls, together, in one rendering
    steps: int
    #: the most digits a number may have
    digits: int
    #: the longest output (characters)
    output: int


class LimitExceeded(TemplateError):
    """A rendering went past one of its :class:`Limits`; ``message`` says which."""

    def __init__(self, template: str, **params: Any) -> None:
        self.message_ = Message(template, params)
        super().__init__(self.message_.render())


class _Budget:
    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.steps = 0

    def step(self) -> None:
        self.steps += 1
        if self.steps > self.limits.steps:
            raise LimitExceeded(
                N_("more than {limit} loop steps and calls"), limit=self.limits.steps
            )


_BUDGET: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar(
    "ism_advisor_sandbox_budget", default=None
)
_BOUNDED = "ism_advisor_bounded"  # the filter the parser wraps around loops' items


def _length(value: Any) -> int | None:
    return len(value) if isinstance(value, (str, bytes, list, tuple)) else None


class BoundedSandbox(SandboxedEnvironment):
    """A :class:`~jinja2.sandbox.SandboxedEnvironment` with :class:`Limits`."""

    intercepted_binops = frozenset(["*", "**", "+", "%"])

    def __init__(self, limits: Limits, **options: Any) -> None:
        super().__init__(**options)
        self.limits = limits
        self.filters = {
            name: self._bounded_filter(function) for name, function in self.filters.items()
        }
        self.filters[_BOUNDED] = self._bounded_items

    # -- operators ---------------------------------------------------------------------

    def call_binop(self, context: Any, operator_: str, left: Any, right: Any) -> Any:
        size, digits = self.limits.size, self.limits.digits
        if operator_ == "*":
            for text, times in ((left, right), (right, left)):
                n = _length(text)
                if n is not None and isinstance(times, int) and n * times > size:
                    raise self._too_long()
            if _both_ints(left, right) and left.bit_length() + right.bit_length() > 3.33 * digits:
                raise self._too_many_digits()
        elif operator_ == "**":
            if _both_ints(left, right) and (
                right > 0 and abs(left) > 1 and abs(left).bit_length() * right > 3.33 * digits
            ):
                raise self._too_many_digits()
            if isinstance(right, (int, float)) and abs(right) > digits:
                raise self._too_many_digits()
        elif operator_ == "+":
            a, b = _length(left), _length(right)
            if a is not None and b is not None and a + b > size:
                raise self._too_long()
        elif operator_ == "%" and isinstance(left, str):
            self._check_format(left)
            if "*" in left:  # '%*d': the width is an argument
                self._check_arguments(right if isinstance(right, tuple) else (right,), {})
        return super().call_binop(context, operator_, left, right)

    def _too_long(self) -> LimitExceeded:
        return LimitExceeded(
            N_("a text or list longer than {limit} characters or items"), limit=self.limits.size
        )

    def _too_many_digits(self) -> LimitExceeded:
        return LimitExceeded(N_("a number with more than {limit} digits"), limit=self.limits.digits)

    # -- calls -------------------------------------------------------------------------

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        budget = _BUDGET.get()
        if budget is not None:
            budget.step()
        if not getattr(__obj, _FORMATS, False):  # a format's arguments are values
            __self._check_arguments(args, kwargs)
        text = getattr(__obj, "__self__", None)
        if isinstance(text, str) and args:
            name = getattr(__obj, "__name__", "")
            if name == "join":  # its parts counted as they come, not all made first
                args = (__self._parts(args[0], len(text)), *args[1:])
            elif name == "replace":
                __self._check_replace(text, args[1] if len(args) > 1 else "")
        return super().call(__context, __obj, *args, **kwargs)

    def _parts(self, items: Iterable[Any], separator: int) -> list[Any]:
        """``items`` as a list, refused as soon as they and their separators would make a
        text longer than the size limit."""
        parts: list[Any] = []
        total = 0
        for item in items:
            total += len(item if isinstance(item, str) else str(item)) + separator
            if total > self.limits.size + separator:
                raise self._too_long()
            parts.append(item)
        return parts

    def _check_replace(self, text: Any, new: Any) -> None:
        """``text.replace(old, new)`` at its longest: ``new`` between every character."""
        longest = len(text) + (len(text) + 1) * len(new) if isinstance(new, str) else 0
        if isinstance(text, str) and longest > self.limits.size:
            raise self._too_long()

    def _check_arguments(self, args: Iterable[Any], kwargs: Mapping[str, Any]) -> None:
        for value in (*args, *kwargs.values()):
            number = isinstance(value, (int, float)) and not isinstance(value, bool)
            if number and abs(value) > self.limits.size:
                raise LimitExceeded(
                    N_("a number larger than {limit} given to a function or filter"),
                    limit=self.limits.size,
                )

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """A text's ``format`` method, once its widths are checked (Jinja2 wraps it when
        a template reads it, so that is where it is checked)."""
        text = getattr(value, "__self__", None)
        wrapped = super().wrap_str_format(value)
        if wrapped is not None and isinstance(text, str):
            self._check_format(text)
            # '{:{}}'.format(1, 10**9): a width among the arguments, which call() checks
            if not _NESTED_FIELD.search(text):
                setattr(wrapped, _FORMATS, True)
        return wrapped

    def _check_format(self, text: str) -> None:
        """A width or precision in a format string (``%1000000000d``, ``{:>1000000000}``)."""
        widths = [n for spec in _PERCENT_SPEC.findall(text) for n in spec if n]
        widths += [n for spec in _BRACE_SPEC.findall(text) for n in _DIGITS.findall(spec)]
        for digits in widths:
            if len(digits) > 12 or int(digits) > self.limits.size:
                raise LimitExceeded(
                    N_("a number larger than {limit} in a format"), limit=self.limits.size
                )

    def _bounded_filter(self, function: Callable[..., Any]) -> Callable[..., Any]:
        """``function`` (a filter), refusing a number larger than the size limit among its
        arguments (not the value it filters, which may be any figure)."""
        pass_arg = _pass_arg(function)

        @functools.wraps(function)
        def bounded(*args: Any, **kwargs: Any) -> Any:
            value = 1 if pass_arg else 0
            name = function.__name__
            if name == "do_join":
                separator = args[value + 1] if len(args) > value + 1 else kwargs.get("d", "")
                parts = self._parts(args[value], len(str(separator)))
                args = (*args[:value], parts, *args[value + 1 :])
            elif name == "do_replace" and len(args) > value + 2:
                self._check_replace(str(args[value]), args[value + 2])
            if name == "do_format" and isinstance(args[value], str):
                self._check_format(args[value])  # its arguments are values, but for '%*d'
                if "*" in args[value]:
                    self._check_arguments(args[value + 1 :], kwargs)
            else:
                self._check_arguments(args[value + 1 :], kwargs)
            return function(*args, **kwargs)

        return bounded

    def _bounded_items(self, items: Any) -> Iterator[Any]:
        budget = _BUDGET.get()
        for item in items:
            if budget is not None:
                budget.step()
            yield item

    # -- parsing and rendering ---------------------------------------------------------

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        """The template's syntax tree, every loop's items counted against the steps."""
        tree = super()._parse(source, name, filename)
        for loop in tree.find_all(nodes.For):
            loop.iter = self._wrap(loop.iter)
            if loop.recursive:
                for call in loop.find_all(nodes.Call):
                    if isinstance(call.node, nodes.Name) and call.node.name == "loop" and call.args:
                        call.args[0] = self._wrap(call.args[0])
        return tree

    @staticmethod
    def _wrap(node: nodes.Expr) -> nodes.Expr:
        return nodes.Filter(node, _BOUNDED, [], [], None, None, lineno=node.lineno)

    def plain_renderer(
        self,
        tree: nodes.Template,
        attribute: Callable[[Any, str], Any] | None = None,
    ) -> Callable[[Mapping[str, Any]], str | None] | None:
        """A plain Python function that renders ``tree`` (parsed in this environment) as
        :meth:`render_bounded` does, for a template that only prints text, names and their
        attributes (``In {{ segment.value }}, g = {{ hedges_g }}``): None for any other.

        The function returns the rendered text, or None where it cannot be sure of
        Jinja2's result — a name not in the context (Jinja2 looks in its globals, or has
        an undefined value), an attribute the sandbox does not give, a value whose text
        fails, an output past :attr:`Limits.output` — so that the caller renders the
        template with :meth:`render_bounded`, which gives the text or the error it always
        gave. A name is looked up in the context as Jinja2 does, an attribute through
        this environment's :meth:`getattr` (the sandbox's checks) or ``attribute``, a
        caller's shortcut that must return what :meth:`getattr` returns, and each value
        printed with ``str`` (no autoescape, no finalize: checked here)."""
        if self.autoescape is not False or self.finalize is not None:
            return None
        parts: list[tuple[int, str, str]] = []
        for statement in tree.body:
            if type(statement) is not nodes.Output:
                return None
            for node in statement.nodes:
                if type(node) is nodes.TemplateData:
                    parts.append((_TEXT, node.data, ""))
                elif type(node) is nodes.Name and _plain_name(node):
                    parts.append((_NAME, node.name, ""))
                elif (
                    type(node) is nodes.Getattr
                    and type(node.node) is nodes.Name
                    and _plain_name(node.node)
                ):
                    parts.append((_ATTRIBUTE, node.node.name, node.attr))
                else:
                    return None
        getattr_ = self.getattr if attribute is None else attribute
        longest = self.limits.output

        def render(context: Mapping[str, Any]) -> str | None:
            out = []
            try:
                for kind, name, attribute in parts:
                    if kind == _TEXT:
                        out.append(name)
                        continue
                    if name not in context:
                        return None
                    value = context[name]
                    if kind == _ATTRIBUTE:
                        value = getattr_(value, attribute)
                        if isinstance(value, Undefined):
                            return None
                    out.append(str(value))
            except Exception:  # Jinja2 says what went wrong, its own way
                return None
            text = "".join(out)
            return text if len(text) <= longest else None

        return render

    def render_bounded(self, template: Any, context: Mapping[str, Any]) -> str:
        """``template`` rendered with ``context`` within the limits."""
        token = _BUDGET.set(_Budget(self.limits))
        try:
            parts: list[str] = []
            length = 0
            for part in template.generate(context):
                length += len(part)
                if length > self.limits.output:
                    raise LimitExceeded(
                        N_("an output longer than {limit} characters"), limit=self.limits.output
                    )
                parts.append(part)
            return "".join(parts)
        except RecursionError as error:  # a macro that calls itself: Python's own limit
            raise LimitExceeded(
                N_("calls nested too deeply (a macro that calls itself without end?)")
            ).with_traceback(error.__traceback__) from None
        finally:
            _BUDGET.reset(token)


#: :meth:`BoundedSandbox.plain_renderer`'s parts: text, a name's value, an attribute's
_TEXT, _NAME, _ATTRIBUTE = 0, 1, 2
#: Names a template does not look up in its context (Jinja2 gives them meanings)
_SPECIAL_NAMES = frozenset({"self", "loop", "caller", "varargs", "kwargs", "super"})


def _plain_name(node: nodes.Name) -> bool:
    return node.ctx == "load" and node.name not in _SPECIAL_NAMES


_DIGITS = re.compile(r"\d+")
#: printf-style conversions' width and precision ('%-12.3f', '%(name)10s')
_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[#0 +-]*(\d*)(?:\.(\d*))?[a-zA-Z%]")
#: str.format's specs ('{:>12}', '{0:.3f}'): the text after the colon
_BRACE_SPEC = re.compile(r"\{[^{}:]*:([^{}]*)\}")
_NESTED_FIELD = re.compile(r"\{[^{}]*\{")
_FORMATS = "ism_advisor_formats"  # marks a text's format method whose arguments are values


def _pass_arg(function: Callable[..., Any]) -> bool:
    """Whether Jinja2 passes the context, eval context or environment first."""
    return getattr(function, "jinja_pass_arg", None) is not None


def _both_ints(left: Any, right: Any) -> bool:
    return all(isinstance(v, int) and not isinstance(v, bool) for v in (left, right))


class BoundedImmutableSandbox(BoundedSandbox, ImmutableSandboxedEnvironment):
    """:class:`BoundedSandbox` in which a template cannot change a list or a dict it is
    given (Jinja2's :class:`~jinja2.sandbox.ImmutableSandboxedEnvironment`)."""
