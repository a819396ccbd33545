"""The rule language: what a rule looks for (``when``, ``segments``, ``if``).

A rule's ``when`` is a list of **patterns**, each matching one fact of the segment::

    - factor: manager_influence          # a comparison fact (``as: name`` renames it)
      if: [significant, hedges_g >= 0.2]  # conditions on that fact's figures
    - segment: adoption_rate < 0.5       # conditions on the segment fact
    - conclusion: social_proof_missing   # a conclusion another rule derived
    - intervention: any                  # an intervention fact (--evidence): ids or any,
      as: alternative                    # ``as: name``, ``addresses: factor`` (only facts
      addresses: factor                  # about the factor the pattern named ``factor``
      if: [evidence_clients >= 3]        # matched), and conditions on its figures
    - any: [pattern, pattern]            # one of them
    - not: pattern                       # no fact matches it

A **condition** is a text ``figure operator value`` — operators ``<  <=  >  >=  ==  !=``,
``in [a, b]`` and ``not in [a, b]`` — or a yes/no figure alone (``significant``,
``not significant``); a list of conditions must all hold, and ``all:``, ``any:``, ``not:``
combine them. The figures are those of the fact's kind in
:mod:`ism_advisor.core.vocabulary`. A test on a missing figure is false, negated or not.

This module reads both into :class:`~.model.Pattern` and :class:`~.model.Condition`,
reporting every problem with its position; what they mean when negated or combined is
worked out in :mod:`.meaning`.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

import yaml

from ...core.errors import N_, Message
from ...core.shapes import Ids
from ...core.vocabulary import COMPARISON, INTERVENTION, SEGMENT, FactKind, Field
from ...core.yamlfile import ID_PATTERN, Pos, Problems, YList, YMap, describe, did_you_mean
from ...survey.codebook import Codebook
from .model import Condition, Pattern

__all__ = [
    "OPERATORS",
    "Language",
    "check_factor",
    "parse_value",
    "renamed",
]

#: The operators of a condition, as written (``not in`` is ``in`` under ``not``).
OPERATORS = ("<", "<=", ">", ">=", "==", "!=", "in")
_PATTERN_KEYS = {
    "factor": ("factor", "if", "as"),
    "segment": ("segment",),
    "conclusion": ("conclusion",),
    "intervention": ("intervention", "if", "as", "addresses"),
}
_CONDITION = re.compile(
    r"^\s*(?P<field>[A-Za-z_]\w*)\s*"
    r"(?:(?P<op><=|>=|==|!=|<|>|=>|=<|=(?!=))\s*(?P<value>.+?)"
    r"|\s+(?P<word>not\s+in|in|\S+)\s+(?P<wvalue>.+?))\s*$"
)
_BARE = re.compile(r"^\s*(?P<neg>not\s+)?(?P<field>[A-Za-z_]\w*)\s*$")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_INVALID = object()
#: A pattern's ``factor:``: one factor id, a list of them, or ``any``.
_FACTORS = Ids()


def check_factor(problems: Problems, codebook: Codebook, factor: str, pos: Pos) -> bool:
    """Whether ``factor`` is one of the codebook's; if not, report it (the one check of a
    factor id, for patterns, ``factor ==`` conditions and the catalogue alike)."""
    if factor in codebook.factor_ids:
        return True
    problems.add(
        N_("unknown factor '{factor}'{hint}"),
        pos,
        factor=factor,
        hint=did_you_mean(factor, codebook.factor_ids),
    )
    return False


class Language:
    """Reads patterns and conditions of one rule file into the model, reporting problems."""

    def __init__(
        self, problems: Problems, codebook: Codebook, catalogue: Collection[str] | None = None
    ) -> None:
        self.problems = problems
        self.codebook = codebook
        #: the intervention ids an ``intervention:`` pattern may name (None: not checked)
        self.catalogue = catalogue

    # -- patterns (what a rule looks for) --------------------------------------------------

    def when(self, value: Any, pos: Pos) -> Pattern | None:
        """``when``: a list of patterns that must all match, or one pattern."""
        if isinstance(value, YList):
            if not value:
                self.problems.add(N_("'when' needs at least one pattern"), pos)
                return None
            parts = [self.pattern(v, value.where(i)) for i, v in enumerate(value)]
            if any(part is None for part in parts):
                return None
            return Pattern("all", pos, parts=tuple(parts))
        return self.pattern(value, pos)

    def pattern(self, value: Any, pos: Pos) -> Pattern | None:
        p = self.problems
        if not isinstance(value, YMap):
            p.add(
                N_(
                    "expected a pattern (factor:, segment:, conclusion:, all:, any: or not:),"
                    " found {found}"
                ),
                pos,
                found=describe(value),
            )
            return None
        for logic in ("all", "any"):
            if logic in value:
                p.keys(value, (logic,))
                items = p.non_empty_list(
                    value, logic, N_("'{key}' must be a non-empty list, found {found}")
                )
                if items is None:
                    return None
                parts = [self.pattern(v, items.where(i)) for i, v in enumerate(items)]
                if any(part is None for part in parts):
                    return None
                return Pattern(logic, pos, parts=tuple(parts))
        if "not" in value:
            p.keys(value, ("not",))
            inner = self.pattern(value["not"], value.where("not"))
            return None if inner is None else Pattern("not", pos, parts=(inner,))
        kinds = [k for k in _PATTERN_KEYS if k in value]
        if len(kinds) != 1:
            known = [*_PATTERN_KEYS, "all", "any", "not"]
            for key in value:
                if key not in known and key not in ("if", "as", "addresses"):
                    p.add(
                        N_("unknown key '{key}'{hint}"),
                        value.key_pos[key],
                        key=key,
                        hint=did_you_mean(str(key), known),
                    )
            if not kinds:
                p.add(
                    N_("a pattern needs one of factor:, segment:, conclusion:, all:, any: or not:"),
                    pos,
                )
            else:
                p.add(
                    N_("a pattern tests one thing: give {keys} as separate patterns"),
                    pos,
                    keys=" and ".join(kinds),
                )
            return None
        kind = kinds[0]
        p.keys(value, _PATTERN_KEYS[kind])
        if kind == "segment":
            condition = self.condition(value["segment"], value.where("segment"), SEGMENT)
            return Pattern("segment", pos, name="segment", condition=condition)
        if kind == "conclusion":
            conclusion = value["conclusion"]
            if not isinstance(conclusion, str):
                p.add(
                    N_("'conclusion' must be a conclusion id, found {found}"),
                    value.where("conclusion"),
                    found=describe(conclusion),
                )
                return None
            return Pattern(
                "conclusion", value.where("conclusion"), name=conclusion, conclusion=conclusion
            )
        if kind == "intervention":
            return self.intervention_pattern(value, pos)
        return self.factor_pattern(value, pos)

    def factor_pattern(self, value: YMap, pos: Pos) -> Pattern:
        factors = []
        for factor, factor_pos in _FACTORS.read(self.problems, value, "factor"):
            if factor == "any":
                factors = []
                break
            check_factor(self.problems, self.codebook, factor, factor_pos)
            factors.append(factor)
        condition = None
        if "if" in value:
            condition = self.condition(value["if"], value.where("if"), COMPARISON)
        name = self.name(value, factors[0] if len(factors) == 1 else "factor", "factor")
        return Pattern("factor", pos, name=name, factors=tuple(factors), condition=condition)

    def intervention_pattern(self, value: YMap, pos: Pos) -> Pattern:
        """``intervention: ID | [IDs] | any`` with ``as``, ``addresses`` and ``if``."""
        interventions = []
        for intervention, where in _FACTORS.read(self.problems, value, "intervention"):
            if intervention == "any":
                interventions = []
                break
            if self.catalogue is not None and intervention not in self.catalogue:
                self.problems.add(
                    N_("unknown intervention '{id}'{hint}"),
                    where,
                    id=intervention,
                    hint=did_you_mean(intervention, self.catalogue),
                )
            interventions.append(intervention)
        condition = None
        if "if" in value:
            condition = self.condition(value["if"], value.where("if"), INTERVENTION)
        addresses = value.get("addresses", "")
        if "addresses" in value and (
            not isinstance(addresses, str) or not ID_PATTERN.match(addresses)
        ):
            self.problems.add(
                N_(
                    "'addresses' must name a factor pattern of the rule (its 'as' name),"
                    " found {found}"
                ),
                value.where("addresses"),
                found=describe(addresses),
            )
            addresses = ""
        default = interventions[0] if len(interventions) == 1 else "intervention"
        name = self.name(value, default, "intervention")
        return Pattern(
            "intervention",
            pos,
            name=name,
            interventions=tuple(interventions),
            addresses=addresses,
            condition=condition,
        )

    def name(self, value: YMap, default: str, fallback: str) -> str:
        """A pattern's ``as:`` name (``default`` without one; ``fallback`` if wrong)."""
        name = value.get("as", default)
        if not isinstance(name, str) or not ID_PATTERN.match(name):
            self.problems.add(
                N_(
                    "'as' must be a name of lower-case letters, digits and underscores,"
                    " found {found}"
                ),
                value.where("as"),
                found=describe(name),
            )
            return fallback
        return name

    # -- conditions (tests on one fact) ------------------------------------------------------

    def condition(self, value: Any, pos: Pos, kind: FactKind) -> Condition | None:
        """A condition on the figures of a fact of ``kind``: a text, a list (all must hold),
        or all:/any:/not:."""
        p = self.problems
        if isinstance(value, YList):
            if not value:
                p.add(N_("an empty list of conditions"), pos)
                return None
            parts = [self.condition(v, value.where(i), kind) for i, v in enumerate(value)]
            if any(part is None for part in parts):
                return None
            return parts[0] if len(parts) == 1 else Condition("all", pos, parts=tuple(parts))
        if isinstance(value, YMap):
            logic = [k for k in ("all", "any", "not") if k in value]
            if len(logic) != 1 or len(value) != 1:
                for key in value:
                    if key not in ("all", "any", "not"):
                        p.add(
                            N_(
                                "unknown key '{key}'{hint} (a condition is a text like"
                                " 'hedges_g >= 0.2', or all:, any:, not:)"
                            ),
                            value.key_pos[key],
                            key=key,
                            hint=did_you_mean(str(key), ("all", "any", "not")),
                        )
                if len(logic) > 1:
                    p.add(N_("give all:, any: and not: as separate conditions"), pos)
                return None
            key = logic[0]
            if key == "not":
                part = self.condition(value["not"], value.where("not"), kind)
                return None if part is None else Condition("not", pos, parts=(part,))
            inner = p.non_empty_list(
                value, key, N_("'{key}' must be a non-empty list, found {found}")
            )
            if inner is None:
                return None
            parts = [self.condition(v, inner.where(i), kind) for i, v in enumerate(inner)]
            if any(part is None for part in parts):
                return None
            return Condition(key, pos, parts=tuple(parts))
        if isinstance(value, bool) or not isinstance(value, str):
            p.add(
                N_("expected a condition like 'hedges_g >= 0.2', found {found}"),
                pos,
                found=describe(value),
            )
            return None
        return self.test(value, pos, kind)

    def test(self, text: str, pos: Pos, kind: FactKind) -> Condition | None:
        """One condition text: ``figure operator value``, or a yes/no figure alone."""
        p = self.problems
        bare = _BARE.match(text)
        if bare:
            field_ = self.field(bare["field"], pos, kind)
            if field_ is None:
                return None
            if field_.kind != "bool":
                p.add(
                    N_("'{field}' is not a yes/no figure: compare it, e.g. '{field} >= …'"),
                    pos,
                    field=bare["field"],
                )
                return None
            condition = Condition("test", pos, field=field_.name, op="==", value=True)
            return Condition("not", pos, parts=(condition,)) if bare["neg"] else condition
        match = _CONDITION.match(text)
        if not match:
            p.add(
                N_(
                    "cannot read the condition '{text}' (expected 'figure operator value',"
                    " e.g. 'hedges_g >= 0.2')"
                ),
                pos,
                text=text,
            )
            return None
        op = match["op"] or match["word"]
        raw = match["value"] if match["op"] else match["wvalue"]
        negate = False
        if re.fullmatch(r"not\s+in", op or ""):
            op, negate = "in", True
        if op not in OPERATORS:
            fix = {"=": "==", "=>": ">=", "=<": "<="}.get(op)
            hint = Message(N_(" (did you mean '{name}'?)"), {"name": fix}) if fix else ""
            p.add(
                N_("unknown operator '{op}'{hint} (expected one of: {ops})"),
                pos,
                op=op,
                hint=hint,
                ops=", ".join(OPERATORS),
            )
            return None
        field_ = self.field(match["field"], pos, kind)
        if field_ is None:
            return None
        value = self.value(field_, op, parse_value(raw), raw, pos)
        if value is _INVALID:
            return None
        condition = Condition("test", pos, field=field_.name, op=op, value=value)
        return Condition("not", pos, parts=(condition,)) if negate else condition

    def field(self, name: str, pos: Pos, kind: FactKind) -> Field | None:
        """The figure called ``name`` (also by a former name, with a warning)."""
        if name in kind.testable:
            return kind.testable[name]
        if name in kind.former:
            renamed(self.problems, name, kind.former[name].name, pos)
            return kind.former[name]
        self.problems.add(
            N_("unknown figure '{field}'{hint}"),
            pos,
            field=name,
            hint=did_you_mean(name, kind.testable),
        )
        return None

    def value(self, field_: Field, op: str, value: Any, raw: str, pos: Pos) -> Any:
        """The value side checked against the figure's type (``_INVALID`` if wrong)."""
        p = self.problems
        values = value if op == "in" else [value]
        if op == "in" and not isinstance(value, list):
            p.add(N_("'in' needs a list, e.g. '{field} in [a, b]'"), pos, field=field_.name)
            return _INVALID
        if op == "in" and not value:
            p.add(
                N_("'{field} in []' can never be true: the list is empty"), pos, field=field_.name
            )
            return _INVALID
        for item in values:
            problem = self.item_problem(field_, op, item, raw, pos)
            if problem:
                return _INVALID
        if field_.kind == "text":
            return [str(v) for v in value] if op == "in" else str(value)
        return value

    def item_problem(self, field_: Field, op: str, item: Any, raw: str, pos: Pos) -> bool:
        """Report (and say) whether one value does not fit the figure."""
        p = self.problems
        if field_.kind == "number":
            if isinstance(item, bool) or not isinstance(item, (int, float)):
                p.add(
                    N_("'{field}' is a number; '{value}' is not"),
                    pos,
                    field=field_.name,
                    value=raw.strip(),
                )
                return True
            return False
        if field_.kind == "bool":
            if not isinstance(item, bool) or op not in ("==", "!="):
                p.add(
                    N_("'{field}' is yes/no: write '{field}' or 'not {field}'"),
                    pos,
                    field=field_.name,
                )
                return True
            return False
        if op in ("<", "<=", ">", ">="):
            p.add(N_("'{field}' is a text: compare it with ==, != or in"), pos, field=field_.name)
            return True
        if isinstance(item, bool):
            p.add(N_("'{field}' is a text; put yes/no words in quotes"), pos, field=field_.name)
            return True
        if field_.values is not None and str(item) not in field_.values:
            p.add(
                N_("'{field}' is one of {values}, not '{value}'{hint}"),
                pos,
                field=field_.name,
                values=", ".join(field_.values),
                value=item,
                hint=did_you_mean(str(item), field_.values),
            )
            return True
        if field_.name == "factor":
            return not check_factor(p, self.codebook, str(item), pos)
        return False


def renamed(problems: Problems, old: str, new: str, pos: Pos) -> None:
    """Warn that a rule uses a figure's former name."""
    problems.warn(
        N_("'{old}' is now called '{new}' (the old name still works; rename it)"),
        pos,
        old=old,
        new=new,
    )


def parse_value(raw: str) -> Any:
    """The value side of a condition: a number (also 1e-05), a list, or a word."""
    text = raw.strip()
    if _NUMBER.match(text):
        number = float(text)
        return (
            int(number)
            if number.is_integer() and "." not in text and "e" not in text.lower()
            else number
        )
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        return text
    if isinstance(value, list):
        return [
            parse_value(str(v)) if isinstance(v, str) and _NUMBER.match(v) else v for v in value
        ]
    return value
