"""What a rule base means, worked out once when it is read.

Pure functions over the model, reused by the rule reader's checks, by the engine and (for
explaining why a rule did not fire) by whatever asks:

- **Negation.** :data:`NEGATION` says what each operator becomes under ``not``;
  :func:`normal` pushes ``not`` down to the tests, for the engine and the checks alike.
- **Alternatives.** A rule's ``when`` in disjunctive normal form over patterns: the ways
  it can fire, each a conjunction of :class:`~.model.Term` (a pattern a fact must match,
  or one no fact may match). :func:`count_alternatives` counts them without expanding,
  so that a rule with more than :data:`MAX_ALTERNATIVES` is refused with its count —
  never compiled in part. :func:`alternatives` expands the rest, once per rule.
- **Evaluation.** Whether given figures meet a condition, as the engine decides it
  (:func:`holds`).
- **Satisfiability.** Whether a condition can hold at all, given the possible range of
  each figure (:func:`satisfiable`, :func:`never_fires`).
- **One fact, one pattern.** In the engine a fact meets one pattern of a rule at most, so
  two patterns that only the same fact could meet are never met together
  (:func:`shared_fact`).
- **Ordering for negation.** A rule that needs a conclusion to be absent runs in a later
  layer than every rule that could conclude it (:func:`strata`).
- What a rule base uses: the figures it tests, the factors and conclusions it looks at.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from ...core.vocabulary import COMPARISON, FACT_KINDS, SEGMENT, Field
from ...core.yamlfile import Pos
from ...survey.codebook import Codebook
from .model import Alternative, Condition, Pattern, Rule, Term

__all__ = [
    "MAX_ALTERNATIVES",
    "NEGATION",
    "SATISFIABILITY_BUDGET",
    "Cycle",
    "alternatives",
    "conclusions_used",
    "count_alternatives",
    "factors_used",
    "figures_tested",
    "holds",
    "never_fires",
    "normal",
    "over_limit",
    "ranges",
    "satisfiable",
    "shared_fact",
    "strata",
    "tests",
]

#: The most alternatives the rules of one layer (see :func:`strata`) may have together.
#: The engine (durable-rules 2.0.28) links at most 256 joins to one pattern node, and
#: every alternative of every rule in a layer joins the segment fact's pattern (see
#: engine.compile_rules), so more cannot be compiled whole. ``rules check`` refuses the
#: rule that goes over, with the count; nothing is ever compiled in part.
MAX_ALTERNATIVES = 256
#: How many combinations of a condition's tests :func:`satisfiable` tries before it
#: gives up and calls the condition satisfiable (only the "can never fire" check is
#: skipped then; the engine evaluates the condition whole, whatever its size).
SATISFIABILITY_BUDGET = 100_000

_INFINITY = float("inf")

#: What each operator becomes under ``not`` (the one negation table).
NEGATION = {
    "<": ">=",
    "<=": ">",
    ">": "<=",
    ">=": "<",
    "==": "!=",
    "!=": "==",
    "in": "not in",
    "not in": "in",
}


# -- negation ------------------------------------------------------------------------------


def normal(condition: Condition, negate: bool = False) -> Condition:
    """The condition with every ``not`` pushed down to its tests (De Morgan, and
    :data:`NEGATION` for the operators): only "all", "any" and "test" remain."""
    if condition.kind == "not":
        return normal(condition.parts[0], not negate)
    if condition.kind == "test":
        if not negate:
            return condition
        return Condition(
            "test",
            condition.pos,
            field=condition.field,
            op=NEGATION[condition.op],
            value=condition.value,
        )
    conjunctive = (condition.kind == "all") != negate
    parts = tuple(normal(part, negate) for part in condition.parts)
    return Condition("all" if conjunctive else "any", condition.pos, parts=parts)


def holds(condition: Condition, figures: Mapping[str, Any]) -> bool:
    """Whether a fact's figures meet the condition, as the engine decides it: a test on a
    missing figure (absent, None, NaN) is false, under ``not`` too.

    The engine does the matching in a run; this says the same in Python, for explaining
    which condition of a rule did not hold.
    """
    condition = normal(condition)
    if condition.kind == "all":
        return all(holds(part, figures) for part in condition.parts)
    if condition.kind == "any":
        return any(holds(part, figures) for part in condition.parts)
    value = figures.get(condition.field)
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return False
    op, wanted = condition.op, condition.value
    if op == "in":
        return any(value == item for item in wanted)
    if op == "not in":
        return all(value != item for item in wanted)
    return _COMPARE[op](value, wanted)


_COMPARE = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}


def tests(condition: Condition | None) -> Iterator[Condition]:
    """Every test in ``condition``."""
    if condition is None:
        return
    if condition.kind == "test":
        yield condition
    for part in condition.parts:
        yield from tests(part)


# -- alternatives ----------------------------------------------------------------------------


def count_alternatives(pattern: Pattern, negate: bool = False) -> int:
    """How many alternatives :func:`alternatives` gives, without making them."""
    if pattern.kind == "not":
        return count_alternatives(pattern.parts[0], not negate)
    if pattern.kind in ("all", "any"):
        counts = [count_alternatives(part, negate) for part in pattern.parts]
        if (pattern.kind == "all") != negate:
            product = 1
            for count in counts:
                product *= count
            return product
        return sum(counts)
    return 1


def over_limit(rules: Sequence[Rule], layers: Mapping[str, int]) -> list[tuple[Rule, int]]:
    """Per layer, the rule with which the layer's alternatives go over
    :data:`MAX_ALTERNATIVES`, and the count they reach with it (in reading order)."""
    totals: dict[int, int] = {}
    over = []
    for rule in rules:
        layer = layers.get(rule.id, 1)
        before = totals.get(layer, 0)
        totals[layer] = before + len(rule.alternatives)
        if before <= MAX_ALTERNATIVES < totals[layer]:
            over.append((rule, totals[layer]))
    return over


def alternatives(pattern: Pattern, negate: bool = False) -> tuple[Alternative, ...]:
    """The pattern as a disjunction of conjunctions of terms, in reading order.

    ``not`` is pushed down to the base patterns (De Morgan): not all = any of the
    negations, not any = all of them. Every alternative is made: count them first
    (:func:`count_alternatives`) before expanding a rule someone else wrote.
    """
    kind = pattern.kind
    if kind == "not":
        return alternatives(pattern.parts[0], not negate)
    if kind in ("all", "any"):
        parts = [alternatives(part, negate) for part in pattern.parts]
        if (kind == "all") == negate:  # a disjunction
            return tuple(alt for part in parts for alt in part)
        result: list[Alternative] = [()]
        for part in parts:
            result = [left + right for left in result for right in part]
        return tuple(result)
    return ((Term(not negate, pattern),),)


# -- satisfiability -----------------------------------------------------------------------


def ranges(codebook: Codebook) -> dict[str, tuple[float, float]]:
    """The possible range of every number rules test (means and gap from the scale)."""
    out = {}
    for kind in (COMPARISON, SEGMENT):
        for name, f in kind.testable.items():
            low = -_INFINITY if f.low is None else f.low
            high = _INFINITY if f.high is None else f.high
            out[name] = (low, high)
    for name in ("users_mean", "non_users_mean", "mean"):
        out[name] = (codebook.scale_min, codebook.scale_max)
    span = codebook.scale_max - codebook.scale_min
    out["gap"] = (-span, span)
    out["rank"] = (1, len(codebook.factors))  # 1 = the largest g … the last factor
    return out


def satisfiable(
    condition: Condition, fields: Mapping[str, Field], limits: Mapping[str, tuple[float, float]]
) -> bool:
    """Whether some figures could meet the condition.

    Numbers: the interval each conjunction leaves for a figure, within its possible
    range. Texts and yes/no figures: at most one required value, not also excluded.
    Tries at most :data:`SATISFIABILITY_BUDGET` conjunctions, then answers True.
    """
    for count, conjunct in enumerate(_conjunctions(normal(condition))):
        if count >= SATISFIABILITY_BUDGET or _consistent(conjunct, fields, limits):
            return True
    return False


def never_fires(
    segments: Condition | None,
    rule_alternatives: Sequence[Alternative],
    limits: Mapping[str, tuple[float, float]],
) -> Pos | None:
    """Where a rule's conditions make it impossible (None if some alternative can hold):
    its ``segments``, else the first impossible pattern of the first alternative."""
    if segments is not None and not satisfiable(segments, SEGMENT.testable, limits):
        return segments.pos
    impossible = None
    for alternative in rule_alternatives:
        blocked = blocked_terms(alternative, limits)
        if not blocked:
            return None
        impossible = impossible or blocked[0].pattern.pos
    return impossible


def blocked_terms(
    alternative: Alternative, limits: Mapping[str, tuple[float, float]]
) -> list[Term]:
    """The positive terms of an alternative whose condition can never hold."""
    return [
        term
        for term in alternative
        if term.positive
        and term.pattern.condition is not None
        and not satisfiable(term.pattern.condition, FACT_KINDS[term.pattern.kind].testable, limits)
    ]


def _conjunctions(condition: Condition) -> Iterator[tuple[tuple[str, str, Any], ...]]:
    """A normal condition's disjunctive normal form, lazily: (figure, op, value) tests;
    ``in`` becomes one equality per value, ``not in`` one inequality per value."""
    if condition.kind == "test":
        field, op, value = condition.field, condition.op, condition.value
        if op == "in":
            yield from (((field, "==", v),) for v in value)
        elif op == "not in":
            yield tuple((field, "!=", v) for v in value)
        else:
            yield ((field, op, value),)
    elif condition.kind == "any":
        for part in condition.parts:
            yield from _conjunctions(part)
    else:
        yield from _product(condition.parts)


def _product(parts: Sequence[Condition]) -> Iterator[tuple[tuple[str, str, Any], ...]]:
    if not parts:
        yield ()
        return
    for first in _conjunctions(parts[0]):
        for rest in _product(parts[1:]):
            yield first + rest


def _consistent(
    conjunct: Iterable[tuple[str, str, Any]],
    fields: Mapping[str, Field],
    limits: Mapping[str, tuple[float, float]],
) -> bool:
    intervals: dict[str, list] = {}
    equal: dict[str, set] = {}
    unequal: dict[str, set] = {}
    for name, op, value in conjunct:
        if fields[name].kind != "number" or op in ("==", "!="):
            (equal if op == "==" else unequal).setdefault(name, set()).add(
                float(value) if fields[name].kind == "number" else value
            )
            if op == "!=" or fields[name].kind != "number":
                continue
        low, high = limits.get(name, (-_INFINITY, _INFINITY))
        state = intervals.setdefault(name, [low, True, high, True])
        value = float(value)
        if op in (">", ">=") and (value > state[0] or (value == state[0] and op == ">")):
            state[0], state[1] = value, op == ">="
        elif op in ("<", "<=") and (value < state[2] or (value == state[2] and op == "<")):
            state[2], state[3] = value, op == "<="
        elif op == "==":
            if value > state[0] or (value == state[0] and not state[1]):
                state[0], state[1] = value, True
            if value < state[2] or (value == state[2] and not state[3]):
                state[2], state[3] = value, True
    possible = all(
        not (low > high or (low == high and not (low_in and high_in)))
        for low, low_in, high, high_in in intervals.values()
    )
    for name, values in equal.items():
        if len(values) > 1 or values & unequal.get(name, set()):
            possible = False
        elif name in intervals and fields[name].kind == "number":
            low, low_in, high, high_in = intervals[name]
            (value,) = values
            inside = (low < value or (low == value and low_in)) and (
                value < high or (value == high and high_in)
            )
            possible = possible and inside
    return possible


# -- one fact, one pattern ----------------------------------------------------------------


def shared_fact(
    alternative: Alternative, factor_ids: Sequence[str]
) -> tuple[tuple[Term, ...], tuple[str, ...]]:
    """Positive terms of the alternative that cannot each have a fact of their own.

    A segment has one comparison fact per factor and one fact per conclusion, and a fact
    meets one pattern of a rule at most. The alternative can hold only if its positive
    patterns can be given distinct facts (a matching). When they cannot, the patterns
    returned are those the search could not separate, with the facts that can meet them
    (fewer than the patterns; as ``comparison:FACTOR`` or ``conclusion:ID``). Empty when
    every pattern can have its own fact. Segment patterns test the one segment fact
    together and are not counted.
    """
    candidates: list[tuple[Term, tuple[str, ...]]] = []
    for term in alternative:
        pattern = term.pattern
        if not term.positive:
            continue
        if pattern.kind == "factor":
            facts = tuple(f"comparison:{f}" for f in (pattern.factors or factor_ids))
            candidates.append((term, facts))
        elif pattern.kind == "conclusion":
            candidates.append((term, (f"conclusion:{pattern.conclusion}",)))
    owner: dict[str, int] = {}
    for index in range(len(candidates)):
        seen: set[str] = set()
        if not _augment(index, candidates, owner, seen):
            involved = {index} | {owner[fact] for fact in seen if fact in owner}
            facts = [fact for i in sorted(involved) for fact in candidates[i][1]]
            return (
                tuple(candidates[i][0] for i in sorted(involved)),
                tuple(dict.fromkeys(facts)),
            )
    return (), ()


def _augment(
    index: int,
    candidates: Sequence[tuple[Term, tuple[str, ...]]],
    owner: dict[str, int],
    seen: set[str],
) -> bool:
    """Kuhn's augmenting path: give candidate ``index`` a fact, moving others if need be."""
    for fact in candidates[index][1]:
        if fact in seen:
            continue
        seen.add(fact)
        if fact not in owner or _augment(owner[fact], candidates, owner, seen):
            owner[fact] = index
            return True
    return False


# -- ordering for negation ----------------------------------------------------------------


class Cycle(Exception):
    """A rule depends on its own conclusion through other rules."""

    def __init__(self, rule: Rule) -> None:
        super().__init__(rule.id)
        self.rule = rule


def strata(rules: Sequence[Rule]) -> dict[str, int]:
    """Evaluation layers for negation, by rule id (1 first).

    A rule that needs a conclusion to be absent runs in a later layer than every rule
    that could conclude it; the engine does not take back an activation when a negated
    fact arrives later. Rules that use a conclusion only positively share their
    producers' layer (the engine chains them). Raises :class:`Cycle`.
    """
    producers: dict[str, list[Rule]] = {}
    for rule in rules:
        for conclusion in rule.conclude:
            producers.setdefault(conclusion, []).append(rule)
    layers: dict[str, int] = {}
    visiting: set[str] = set()

    def layer(rule: Rule) -> int:
        if rule.id in layers:
            return layers[rule.id]
        if rule.id in visiting:
            raise Cycle(rule)
        visiting.add(rule.id)
        level = 1
        for alternative in rule.alternatives:
            for term in alternative:
                if term.pattern.kind != "conclusion":
                    continue
                for producer in producers.get(term.pattern.conclusion, ()):
                    level = max(level, layer(producer) + (0 if term.positive else 1))
        visiting.discard(rule.id)
        layers[rule.id] = level
        return level

    for rule in rules:
        layer(rule)
    return layers


# -- what a rule base uses ------------------------------------------------------------------


def figures_tested(rules: Iterable[Rule]) -> frozenset[str]:
    """Every figure a condition of the rules names, and the factor id."""
    names = {"factor"}
    rules = tuple(rules)
    if uses_interventions(rules):
        names.add("intervention")
    for rule in rules:
        names.update(test.field for test in tests(rule.segments))
        for alternative in rule.alternatives:
            for term in alternative:
                names.update(test.field for test in tests(term.pattern.condition))
    return frozenset(names)


def factors_used(rules: Iterable[Rule]) -> frozenset[str] | None:
    """The factors the rules can match; None when one matches any factor."""
    factors: set[str] = set()
    for rule in rules:
        for alternative in rule.alternatives:
            for term in alternative:
                if term.pattern.kind != "factor":
                    continue
                if not term.pattern.factors:
                    return None
                factors.update(term.pattern.factors)
    return frozenset(factors)


def intervention_names(pattern: Pattern) -> dict[str, Pattern]:
    """The names of the intervention patterns anywhere in ``pattern`` → the pattern."""
    if pattern.kind == "intervention":
        return {pattern.name: pattern}
    out: dict[str, Pattern] = {}
    for part in pattern.parts:
        out.update(intervention_names(part))
    return out


def uses_interventions(rules: Iterable[Rule]) -> bool:
    """Whether some rule has an intervention pattern (needs the intervention facts)."""
    return any(
        term.pattern.kind == "intervention"
        for rule in rules
        for alternative in rule.alternatives
        for term in alternative
    )


def needs_interventions(rule: Rule) -> bool:
    """Whether every way of meeting the rule needs an intervention fact (so that without
    the evidence ledger, ``--evidence``, it can never fire)."""
    return bool(rule.alternatives) and all(
        any(t.positive and t.pattern.kind == "intervention" for t in alternative)
        for alternative in rule.alternatives
    )


def conclusions_used(rules: Iterable[Rule]) -> frozenset[str]:
    """The conclusions the rules look at (to have or to lack)."""
    return frozenset(
        term.pattern.conclusion
        for rule in rules
        for alternative in rule.alternatives
        for term in alternative
        if term.pattern.kind == "conclusion"
    )
