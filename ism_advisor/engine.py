"""The one adapter to durable-rules: compiling rules, asserting facts, collecting firings.

durable-rules (a C Rete engine) does the matching and the forward chaining. Its measured
hazards (see the README) are all handled here, so no other module sees them:

- floats whose JSON form has an exponent but no ``.`` (``1e-05``) break the engine: facts
  and thresholds are nudged by one ulp into a form it reads, tinier ones become 0;
- numpy types are not JSON: facts are cleaned into plain Python values;
- NaN, infinities and None make every condition false: such fields are left out of the
  fact, and the rule language defines a test on a missing figure as false;
- a fact no rule matches raises, and in a batch defers the others' actions to a
  background thread: a lowest-priority catch-all rule matches every fact;
- exceptions inside actions are swallowed by the engine: each action records its own
  error, which is raised after the assert;
- the same fact asserted twice is refused: every fact carries an explicit ``id``, and a
  conclusion is asserted once per segment;
- a negated pattern does not take back an activation made before the negated fact
  arrived: the segment fact, which every rule needs, is asserted after the comparisons,
  and rules that need a conclusion to be absent run in a later layer;
- ruleset names are global and cannot be unregistered: a ruleset is named after the hash
  of its compiled form and registered once per process; its actions report to whichever
  run is active;
- the default ``Host`` starts timer threads that never stop: :class:`_QuietHost` starts none;
- more than 1,024 live sessions crash it: each segment is one session, deleted as soon as
  its facts are processed.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .errors import N_, AdvisorError
from .knowledge import Condition, Knowledge, Pattern, Rule, alternatives

__all__ = ["FactSet", "Firing", "clean_value", "compile_rules", "run_rules"]

_CATCH_ALL = "__every_fact__"
_CATCH_ALL_PRIORITY = 1_000_000
_TINY = 1e-300


@dataclass(frozen=True)
class Firing:
    """One rule firing in one segment: the rule and the facts it matched, by name."""

    rule: str
    matched: Mapping[str, Mapping[str, Any]]
    conclusion_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class FactSet:
    """The facts of one segment: its segment fact and its comparison facts."""

    segment: Mapping[str, Any]
    comparisons: Sequence[Mapping[str, Any]]


def run_rules(knowledge: Knowledge, segments: Sequence[FactSet]) -> list[list[Firing]]:
    """Run the rule base over each segment's facts; the firings per segment, in order.

    Rules that need a conclusion to be absent run in a later layer (a ruleset of its
    own), after every rule that could conclude it; durable-rules does not take back an
    activation when a negated fact arrives later. Conclusions are asserted into their own
    layer (where durable-rules chains them) and into every later layer, before that
    layer's facts.

    Firings are ordered by rule (as in the file) and then by the facts matched, so the
    same input always gives the same result.
    """
    layers = _registered(knowledge)
    order = {rule.id: index for index, rule in enumerate(knowledge.rules)}
    results: list[list[Firing]] = []
    for index, facts in enumerate(segments):
        run = _Run(layers)
        sid = str(index)
        segment = _fact(sid, "segment", "segment", facts.segment)
        comparisons = [
            _fact(sid, "comparison", f"comparison:{c['factor']}", c) for c in facts.comparisons
        ]
        run.originals = {
            fact["id"]: _plain(fact, source)
            for fact, source in zip(
                [segment, *comparisons], [facts.segment, *facts.comparisons], strict=True
            )
        }
        _ACTIVE.append(run)
        try:
            for layer in layers:
                # The segment fact last: every rule needs it, so no rule can fire before
                # all comparisons are in, and a negated pattern sees them all (durable
                # does not take back an activation when a negated fact arrives later).
                batch = [
                    c for c in comparisons if layer.factors is None or c["factor"] in layer.factors
                ] + [segment]
                layer.host.assert_facts(layer.name, [dict(fact) for fact in batch])
        finally:
            _ACTIVE.pop()
            for layer in layers:
                layer.host.delete_state(layer.name, sid)
        if run.error is not None:
            rule_id, error = run.error
            raise AdvisorError(
                N_("rule '{rule}' failed while running: {problem}"),
                path=knowledge.rules_path,
                rule=rule_id,
                problem=error,
            )
        run.firings.sort(key=lambda f: (order[f.rule], _matched_key(f)))
        results.append(run.firings)
    return results


def clean_value(value: Any) -> Any:
    """A value durable-rules handles: plain types, no NaN, no exponent-only floats.

    Returns None for a value that must be left out (NaN, infinity, None).
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()  # numpy scalar → Python
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        if abs(value) < _TINY:
            return 0.0
        while "e" in repr(value) and "." not in repr(value):
            value = math.nextafter(value, math.inf if value > 0 else -math.inf)
        return value
    if isinstance(value, str):
        return value
    raise TypeError(f"cannot pass {type(value).__name__} to the rules engine")


def _fact(sid: str, kind: str, fact_id: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    fact = {"sid": sid, "id": fact_id, "kind": kind}
    for key, value in fields.items():
        value = clean_value(value)
        if value is not None:
            fact[key] = value
    return fact


def _plain(fact: Mapping[str, Any], source: Mapping[str, Any]) -> dict[str, Any]:
    """The fact as asserted, but with the unnudged values of ``source``."""
    return {key: source.get(key, value) for key, value in fact.items() if key != "sid"}


def _matched_key(firing: Firing) -> tuple:
    return tuple(sorted((name, str(fact.get("id"))) for name, fact in firing.matched.items()))


# -- the active run: where actions report ----------------------------------------------------


class _Run:
    def __init__(self, layers: Sequence[_Layer]) -> None:
        self.layers = layers
        self.firings: list[Firing] = []
        self.error: tuple[str, str] | None = None
        self.originals: dict[str, dict[str, Any]] = {}
        self.concluded: set[str] = set()


_ACTIVE: list[_Run] = []


def _action(rule: Rule, names: Mapping[str, str], layer: int):
    """The action durable calls when ``rule`` fires: record, and assert conclusions."""

    def act(c) -> None:
        run = _ACTIVE[-1] if _ACTIVE else None
        if run is None:  # pragma: no cover - durable only fires inside run_rules
            return
        try:
            matched = {
                names[key]: run.originals.get(
                    fact.get("id"), {k: v for k, v in fact.items() if k != "sid"}
                )
                for key, fact in (c._m or {}).items()
                if key in names
            }
            conclusion_ids = []
            for conclusion in rule.conclude:
                fact_id = f"conclusion:{conclusion}"
                conclusion_ids.append(fact_id)
                if fact_id in run.concluded:
                    continue  # concluded before in this segment: nothing new to chain
                run.concluded.add(fact_id)
                fact = {
                    "id": fact_id,
                    "kind": "conclusion",
                    "conclusion": conclusion,
                    "rule": rule.id,
                }
                run.originals[fact_id] = dict(fact)
                c.assert_fact(dict(fact, sid=c.s.sid))
                for later in run.layers[layer + 1 :]:
                    if conclusion in later.conclusions:
                        c.assert_fact(later.name, dict(fact, sid=c.s.sid))
            run.firings.append(Firing(rule.id, matched, tuple(conclusion_ids)))
        except BaseException as error:  # the engine would swallow it
            if run.error is None:
                run.error = (rule.id, f"{type(error).__name__}: {error}")

    return act


def _ignore(c) -> None:
    """The catch-all rule's action: nothing (the rule exists so every fact matches)."""


# -- compiling -----------------------------------------------------------------------------


def compile_rules(knowledge: Knowledge) -> dict[str, dict[str, Any]]:
    """The rule base as durable-rules rule definitions, without actions.

    Each rule becomes ``{"all": [patterns]}`` or, for alternatives, ``{"any": [{"aN$all":
    [patterns]}]}``. The segment fact is matched once, first in every alternative (so
    that facts join within the segment and negated patterns have something to follow);
    the rule's ``segments`` and any segment patterns become conditions on it.
    """
    rules: dict[str, dict[str, Any]] = {}
    for rule in knowledge.rules:
        groups = []
        for a, alternative in enumerate(alternatives(rule.when)):
            segment_tests = [] if rule.segments is None else [_condition(rule.segments, False)]
            patterns = []
            for index, (positive, pattern) in enumerate(alternative):
                if pattern.kind == "segment":
                    if pattern.condition is not None:
                        segment_tests.append(_condition(pattern.condition, not positive))
                    continue
                name = f"a{a}p{index}" if positive else f"a{a}n{index}$not"
                patterns.append({name: _pattern(pattern)})
            groups.append([{"s": _and([{"kind": "segment"}, *segment_tests])}, *patterns])
        definition: dict[str, Any] = {"pri": 1}
        if len(groups) == 1:
            definition["all"] = groups[0]
        else:
            definition["any"] = [{f"a{i}$all": group} for i, group in enumerate(groups)]
        rules[rule.id] = definition
    return rules


def _names(rule: Rule) -> dict[str, str]:
    """Compiled pattern names → the names a because text uses."""
    names = {"s": "segment"}
    for a, alternative in enumerate(alternatives(rule.when)):
        for index, (positive, pattern) in enumerate(alternative):
            if positive and pattern.kind != "segment":
                names[f"a{a}p{index}"] = pattern.name
    return names


def _pattern(pattern: Pattern) -> dict[str, Any]:
    if pattern.kind == "conclusion":
        return _and([{"kind": "conclusion"}, {"conclusion": pattern.conclusion}])
    parts: list[dict[str, Any]] = [{"kind": "comparison"}]
    if pattern.factors:
        parts.append(_or([{"factor": f} for f in pattern.factors]))
    if pattern.condition is not None:
        parts.append(_condition(pattern.condition, False))
    return _and(parts)


_NEGATED = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "=="}
_DURABLE_OPS = {"<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte", "!=": "$neq"}


def _condition(condition: Condition, negate: bool) -> dict[str, Any]:
    """A condition as a durable expression; ``not`` is pushed down (De Morgan).

    A test on a missing figure is false, negated or not: ``!=`` and ``not in`` also
    require the figure to exist.
    """
    if condition.kind == "not":
        return _condition(condition.parts[0], not negate)
    if condition.kind in ("all", "any"):
        parts = [_condition(part, negate) for part in condition.parts]
        conjunctive = (condition.kind == "all") != negate
        return _and(parts) if conjunctive else _or(parts)
    field, op, value = condition.field, condition.op, condition.value
    if op == "in":
        values = [clean_value(v) for v in value]
        if negate:
            return _and([{"$ex": {field: 1}}, *({"$neq": {field: v}} for v in values)])
        return _or([{field: v} for v in values])
    if negate:
        op = _NEGATED[op]
    value = clean_value(value)
    if op == "==":
        return {field: value}
    if op == "!=":
        return _and([{"$ex": {field: 1}}, {"$neq": {field: value}}])
    return {_DURABLE_OPS[op]: {field: value}}


def _and(parts: list[dict[str, Any]]) -> dict[str, Any]:
    return parts[0] if len(parts) == 1 else {"$and": parts}


def _or(parts: list[dict[str, Any]]) -> dict[str, Any]:
    return parts[0] if len(parts) == 1 else {"$or": parts}


# -- registration ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Layer:
    """One registered ruleset: the rules of one evaluation layer."""

    host: Any
    name: str
    factors: frozenset[str] | None  # the factors its rules look at; None: any
    conclusions: frozenset[str]  # the conclusions its rules use


_HOST: list[Any] = []
_REGISTERED: dict[str, list[_Layer]] = {}


def _host() -> Any:
    if not _HOST:
        try:
            import durable.engine as durable_engine
        except ImportError as error:  # e.g. Python 3.13 without the build flag
            raise AdvisorError(
                N_(
                    "the rules engine durable-rules cannot be loaded ({problem}); see the"
                    " README on installing it"
                ),
                problem=str(error),
            ) from None

        class _QuietHost(durable_engine.Host):
            """A host without the background timer threads (we need no timers)."""

            def _run(self) -> None:
                pass

        _HOST.append(_QuietHost())
    return _HOST[0]


def _registered(knowledge: Knowledge) -> list[_Layer]:
    """The rule base's layers, registered once per process under a content hash."""
    definition = compile_rules(knowledge)
    signature = [
        (r.id, knowledge.strata.get(r.id, 1), r.conclude, sorted(_names(r).items()))
        for r in knowledge.rules
    ]
    digest = hashlib.sha256(
        json.dumps([definition, signature], sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()[:20]
    if digest in _REGISTERED:
        return _REGISTERED[digest]
    host = _host()
    depth = max((knowledge.strata.get(r.id, 1) for r in knowledge.rules), default=1)
    layers = []
    for level in range(1, depth + 1):
        members = [r for r in knowledge.rules if knowledge.strata.get(r.id, 1) == level]
        layers.append(
            _Layer(
                host=host,
                name=f"ism_{digest}_{level}",
                factors=_factors_used(members),
                conclusions=frozenset(
                    p.conclusion
                    for r in members
                    for alt in alternatives(r.when)
                    for _, p in alt
                    if p.kind == "conclusion"
                ),
            )
        )
    for level, layer in enumerate(layers):
        members = [r for r in knowledge.rules if knowledge.strata.get(r.id, 1) == level + 1]
        runnable = {
            r.id: {**definition[r.id], "run": _action(r, _names(r), level)} for r in members
        }
        runnable[_CATCH_ALL] = {
            "all": [{"m": {"$ex": {"kind": 1}}}],
            "pri": _CATCH_ALL_PRIORITY,
            "run": _ignore,
        }
        host.set_rulesets({layer.name: runnable})
    _REGISTERED[digest] = layers
    return layers


def _factors_used(rules: Sequence[Rule]) -> frozenset[str] | None:
    """The factors a layer's rules can match; None when one matches any factor."""
    factors: set[str] = set()
    for rule in rules:
        for alternative in alternatives(rule.when):
            for _, pattern in alternative:
                if pattern.kind != "factor":
                    continue
                if not pattern.factors:
                    return None
                factors.update(pattern.factors)
    return frozenset(factors)
