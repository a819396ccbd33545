"""The one adapter to durable-rules: compiling rules, asserting facts, collecting firings.

durable-rules (a C Rete engine) does the matching and the forward chaining. This module
drives its C extension (``durable_rules_engine``) directly — the package's Python
``Host`` adds a JSON round trip, timer threads and swallowed errors to every action — and
handles every measured hazard (see the README), so no other module sees them:

- floats whose JSON form has an exponent but no ``.`` (``1e-05``) break the engine: facts
  and thresholds are nudged by one ulp into a form it reads, tinier ones become 0;
- numpy types are not JSON: facts are cleaned into plain Python values;
- NaN, infinities and None make every condition false: such fields are left out of the
  fact, and the rule language defines a test on a missing figure as false;
- a fact no rule matches is refused: a join that never completes takes in every fact;
- exceptions inside actions are swallowed by the package's ``Host``: actions run in our
  own dispatch loop, and an error stops the run with the rule's name;
- the same fact asserted twice is refused: every fact carries an explicit ``id``, and a
  conclusion is asserted once per segment;
- a negated pattern does not take back an activation made before the negated fact
  arrived: the segment fact, which every rule needs, is asserted after the comparisons,
  and rules that need a conclusion to be absent run in a later layer;
- ruleset names are global: a ruleset is named after the hash of its compiled form and
  created once per process;
- the package's ``Host`` starts timer threads that never stop: no ``Host`` is used;
- more than 1,024 live sessions crash it: each segment is one session, deleted as soon as
  its facts are processed;
- deleting a session with a half-matched join and no fired action crashes it: the segment
  fact fires one (empty) action in every session;
- one pattern node takes at most 256 joins (error 108 when a ruleset is created), and
  every alternative of every rule in a ruleset joins the segment pattern: the rule reader
  refuses rules that together have more than 256 alternatives in one layer; any other
  refusal to create a ruleset becomes one clear error naming the rule file. (Giving each
  rule a segment node of its own would lift that limit, but 65 sibling nodes on one
  property corrupt the engine's memory: measured, so not done.)
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import os
import platform
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..core.errors import N_, AdvisorError
from ..core.vocabulary import FACT_KINDS
from .knowledge.meaning import conclusions_used, factors_used, normal, uses_interventions
from .knowledge.model import Condition, Pattern, Rule, RuleBase

__all__ = [
    "Fact",
    "FactSet",
    "Firing",
    "clean_value",
    "compile_rules",
    "intervention_id",
    "run_rules",
    "self_test",
]

_CATCH_ALL_PRIORITY = 1_000_000
#: Every fact is taken in by a join that never completes (so no fact is "not handled"),
#: and the segment fact fires one cheap action per segment (so that no session ends with
#: a half-matched join and no action, which crashes delete_state).
_CATCH_ALL = {
    "__every_fact__": {
        "all": [{"m": {"$ex": {"kind": 1}}}, {"z": {"kind": "__never__"}}],
        "pri": _CATCH_ALL_PRIORITY,
    },
    "__segment__": {"all": [{"m": {"kind": "segment"}}], "pri": _CATCH_ALL_PRIORITY},
}
_TINY = 1e-300


@dataclass(frozen=True)
class Fact:
    """A fact a rule matched: its kind (``comparison``, ``segment``, ``conclusion``,
    ``intervention``), its id
    in the segment, and its figures as they were given (for a conclusion: its id and the
    rule that derived it first). What of it an explanation shows is decided elsewhere
    (:func:`ism_advisor.advice.facts.explained`)."""

    kind: str
    id: str
    figures: Mapping[str, Any]


@dataclass(frozen=True)
class Firing:
    """One rule firing in one segment: the rule and the facts it matched, by name."""

    rule: str
    matched: Mapping[str, Fact]
    conclusion_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class FactSet:
    """The facts of one segment: its segment fact, its comparison facts and (a run with
    ``--evidence`` only) its intervention facts, one per catalogue intervention and factor
    it addresses."""

    segment: Mapping[str, Any]
    comparisons: Sequence[Mapping[str, Any]]
    interventions: Sequence[Mapping[str, Any]] = ()


def run_rules(rulebase: RuleBase, segments: Sequence[FactSet]) -> list[list[Firing]]:
    """Run the rule base over each segment's facts; the firings per segment, in order.

    Rules that need a conclusion to be absent run in a later layer (a ruleset of its
    own), after every rule that could conclude it; durable-rules does not take back an
    activation when a negated fact arrives later. Conclusions are asserted into their own
    layer (where durable-rules chains them) and into every later layer, before that
    layer's facts.

    Firings are ordered by rule (as in the file) and then by the facts matched, so the
    same input always gives the same result.
    """
    engine = _engine()
    layers = _registered(rulebase)
    order = {rule.id: index for index, rule in enumerate(rulebase.rules)}
    used = rulebase.tested
    results: list[list[Firing]] = []
    for index, facts in enumerate(segments):
        sid = str(index)
        run = _Run(rulebase, layers, sid)
        segment = _fact(sid, "segment", "segment", facts.segment, used)
        comparisons = [
            _fact(sid, "comparison", f"comparison:{c['factor']}", c, used)
            for c in facts.comparisons
        ]
        run.sources = {"segment": ("segment", facts.segment)}
        run.sources.update(
            (f"comparison:{c['factor']}", ("comparison", c)) for c in facts.comparisons
        )
        offers = [
            _fact(sid, "intervention", intervention_id(i), i, used) for i in facts.interventions
        ]
        run.sources.update((intervention_id(i), ("intervention", i)) for i in facts.interventions)
        # each fact's JSON once, whatever the number of layers it goes into
        texts = [_json(c) for c in comparisons]
        offered = [_json(i) for i in offers]
        last = _json(segment)
        try:
            for level, layer in enumerate(layers):
                # The segment fact last: every rule needs it, so no rule can fire before
                # all comparisons are in, and a negated pattern sees them all.
                batch = [
                    text
                    for c, text in zip(comparisons, texts, strict=True)
                    if layer.factors is None or c["factor"] in layer.factors
                ]
                if layer.interventions:
                    batch.extend(offered)
                batch.append(last)
                run.dispatch(engine, level, engine.assert_facts, _json_list(batch))
        finally:
            for layer in layers:
                engine.delete_state(layer.handle, sid)
        run.firings.sort(key=lambda f: (order[f.rule], _matched_key(f)))
        results.append(run.firings)
    return results


def intervention_id(fact: Mapping[str, Any]) -> str:
    """An intervention fact's id in its segment: one per intervention and factor."""
    return f"intervention:{fact['intervention']}:{fact['factor']}"


def clean_value(value: Any) -> Any:
    """A value durable-rules handles: plain types, no NaN, no exponent-only floats.

    Returns None for a value that must be left out (NaN, infinity, None).
    """
    kind = type(value)
    if kind is str or kind is int or kind is bool:  # most values: no attribute lookups
        return value
    if kind is not float and hasattr(value, "item"):
        value = value.item()  # numpy scalar → Python
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        size = abs(value)
        if size < _TINY:
            return 0.0
        if 1e-4 <= size < 1e16 and type(value) is float:  # repr writes no exponent
            return value
        while "e" in (text := repr(value)) and "." not in text:
            value = math.nextafter(value, math.inf if value > 0 else -math.inf)
        return value
    raise TypeError(f"cannot pass {type(value).__name__} to the rules engine")


def _fact(
    sid: str, kind: str, fact_id: str, fields: Mapping[str, Any], used: frozenset[str]
) -> dict[str, Any]:
    """The fact as the engine gets it: only the figures some rule tests, cleaned."""
    fact = {"sid": sid, "id": fact_id, "kind": kind}
    for key in used:
        if key in fields:
            value = clean_value(fields[key])
            if value is not None:
                fact[key] = value
    return fact


def _matched_key(firing: Firing) -> tuple:
    return tuple(sorted((name, fact.id) for name, fact in firing.matched.items()))


# -- the active run: where actions report ----------------------------------------------------


class _Run:
    """One segment's pass through the layers: dispatches actions, records firings."""

    def __init__(self, rulebase: RuleBase, layers: Sequence[_Layer], sid: str) -> None:
        self.rulebase = rulebase
        self.layers = layers
        self.sid = sid
        self.firings: list[Firing] = []
        self.sources: dict[str, tuple[str, Mapping[str, Any]]] = {}
        self.originals: dict[str, Fact] = {}
        self.concluded: set[str] = set()

    def dispatch(self, engine: Any, level: int, insert: Any, payload: str) -> None:
        """Assert into layer ``level`` and run every action that becomes due."""
        layer = self.layers[level]
        state = _state(engine, insert(layer.handle, payload))
        result = engine.start_action_for_state(layer.handle, state) if state else None
        if not result:
            return
        message = json.loads(result[1])
        while True:
            name, matched = next(iter(message.items()))
            rule = layer.rules.get(name)
            if rule is not None:
                try:
                    self.fire(engine, level, rule, matched)
                except BaseException:
                    engine.abandon_action(layer.handle, state)
                    raise
            following = engine.complete_and_start_action(layer.handle, state)
            if not following:
                return
            message = json.loads(following)

    def fire(self, engine: Any, level: int, rule: Rule, matched: Mapping[str, Any]) -> None:
        names = self.layers[level].names[rule.id]
        try:
            originals, original = self.originals, self.original
            facts = {
                names[key]: originals.get(fact.get("id")) or original(fact)
                for key, fact in matched.items()
                if key in names
            }
            conclusion_ids = []
            for conclusion in rule.conclude:
                fact_id = f"conclusion:{conclusion}"
                conclusion_ids.append(fact_id)
                if fact_id in self.concluded:
                    continue  # concluded before in this segment: nothing new to chain
                self.concluded.add(fact_id)
                fact = {
                    "id": fact_id,
                    "kind": "conclusion",
                    "conclusion": conclusion,
                    "rule": rule.id,
                }
                figures = {"conclusion": conclusion, "rule": rule.id}
                self.originals[fact_id] = Fact("conclusion", fact_id, figures)
                payload = _json(dict(fact, sid=self.sid))
                # into this layer (the dispatch loop runs what it activates) and every
                # later layer that uses it (before that layer's facts arrive)
                for later, layer in enumerate(self.layers[level:], start=level):
                    if later == level or conclusion in layer.conclusions:
                        _state(engine, engine.assert_fact(layer.handle, payload))
            self.firings.append(Firing(rule.id, facts, tuple(conclusion_ids)))
        except AdvisorError:
            raise
        except Exception as error:
            raise AdvisorError(
                N_("rule '{rule}' failed while running: {problem}"),
                path=self.rulebase.path,
                rule=rule.id,
                problem=f"{type(error).__name__}: {error}",
            ) from None

    def original(self, fact: Mapping[str, Any]) -> Fact:
        """The fact as given behind one the engine matched (made once per run)."""
        fact_id = str(fact.get("id"))
        if fact_id not in self.originals:
            if fact_id not in self.sources:  # not one of ours: as the engine has it
                figures = {k: v for k, v in fact.items() if k not in ("sid", "id", "kind")}
                return Fact(str(fact.get("kind")), fact_id, figures)
            kind, source = self.sources[fact_id]
            self.originals[fact_id] = Fact(kind, fact_id, source)
        return self.originals[fact_id]


def _state(engine: Any, result: Sequence[Any]) -> int:
    """The session handle an assert returned; refusals become errors (they are bugs)."""
    code = result[0]
    if code == 0:
        return result[1]
    if code == 3:  # queued, nothing to run now
        return 0
    raise AdvisorError(
        N_("the rules engine refused a fact (code {code}); please report this"), code=code
    )


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def _json_list(texts: Sequence[str]) -> str:
    """The JSON of a list whose items' JSON is ``texts``: as :func:`_json` writes the list."""
    return "[" + ", ".join(texts) + "]"


# -- compiling -----------------------------------------------------------------------------


def compile_rules(rulebase: RuleBase) -> dict[str, dict[str, Any]]:
    """The rule base as durable-rules rule definitions, without actions.

    Each rule becomes ``{"all": [patterns]}`` or, for alternatives, ``{"any": [{"aN$all":
    [patterns]}]}``, from the alternatives expanded when the rules were read: every one
    of them (the rule reader refuses rules with more than the engine can take). The
    segment fact is matched once, first in every alternative (so that facts join within
    the segment and negated patterns have something to follow); the rule's ``segments``
    and any segment patterns become conditions on it.
    """
    rules: dict[str, dict[str, Any]] = {}
    for rule in rulebase.rules:
        groups = []
        for a, alternative in enumerate(rule.alternatives):
            segment_tests = [] if rule.segments is None else [_condition(rule.segments, False)]
            patterns = []
            # a factor pattern's compiled name, for the intervention patterns that join
            # on its factor (``addresses``); those come after every other pattern, so
            # that the fact they refer to is matched before them
            joins = {
                term.pattern.name: f"a{a}p{index}"
                for index, term in enumerate(alternative)
                if term.positive and term.pattern.kind == "factor"
            }
            ordered = sorted(
                enumerate(alternative), key=lambda item: item[1].pattern.kind == "intervention"
            )
            for index, term in ordered:
                pattern = term.pattern
                if pattern.kind == "segment":
                    if pattern.condition is not None:
                        segment_tests.append(_condition(pattern.condition, not term.positive))
                    continue
                name = f"a{a}p{index}" if term.positive else f"a{a}n{index}$not"
                patterns.append({name: _pattern(pattern, joins)})
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
    for a, alternative in enumerate(rule.alternatives):
        for index, term in enumerate(alternative):
            if term.positive and term.pattern.kind != "segment":
                names[f"a{a}p{index}"] = term.pattern.name
    return names


def _pattern(pattern: Pattern, joins: Mapping[str, str]) -> dict[str, Any]:
    """A base pattern as a durable expression on a fact of its kind; ``joins`` are the
    compiled names of the alternative's factor patterns, by their names."""
    kind = FACT_KINDS[pattern.kind].name
    if pattern.kind == "conclusion":
        return _and([{"kind": kind}, {"conclusion": pattern.conclusion}])
    parts: list[dict[str, Any]] = [{"kind": kind}]
    if pattern.factors:
        parts.append(_or([{"factor": f} for f in pattern.factors]))
    if pattern.interventions:
        parts.append(_or([{"intervention": i} for i in pattern.interventions]))
    if pattern.addresses:
        # the join: this fact's factor is the factor of the fact the named pattern
        # matched (durable-rules' form of ``m.factor == c.first.factor``)
        parts.append({"factor": {joins[pattern.addresses]: "factor"}})
    if pattern.condition is not None:
        parts.append(_condition(pattern.condition, False))
    return _and(parts)


_DURABLE_OPS = {"<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte", "!=": "$neq"}


def _condition(condition: Condition, negate: bool) -> dict[str, Any]:
    """A condition as a durable expression, with ``not`` pushed down to its tests.

    A test on a missing figure is false, negated or not: ``!=`` and ``not in`` also
    require the figure to exist.
    """
    return _expression(normal(condition, negate))


def _expression(condition: Condition) -> dict[str, Any]:
    if condition.kind in ("all", "any"):
        parts = [_expression(part) for part in condition.parts]
        return _and(parts) if condition.kind == "all" else _or(parts)
    field, op, value = condition.field, condition.op, condition.value
    if op == "not in":
        values = [clean_value(v) for v in value]
        return _and([{"$ex": {field: 1}}, *({"$neq": {field: v}} for v in values)])
    if op == "in":
        return _or([{field: clean_value(v)} for v in value])
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
    """One created ruleset: the rules of one evaluation layer."""

    handle: int
    name: str
    rules: Mapping[str, Rule]  # its rules by id
    names: Mapping[str, Mapping[str, str]]  # per rule: compiled pattern → because name
    factors: frozenset[str] | None  # the factors its rules look at; None: any
    conclusions: frozenset[str]  # the conclusions its rules use
    interventions: bool = False  # whether its rules look at intervention facts


_ENGINE: list[Any] = []
_REGISTERED: dict[str, list[_Layer]] = {}


def _engine() -> Any:
    """durable-rules' C extension, or a clear error when it cannot be loaded."""
    if not _ENGINE:
        try:
            engine = _import_extension()
        except ImportError as error:
            raise AdvisorError(
                N_(
                    "the rules engine durable-rules cannot be loaded on Python {python}"
                    " ({problem}); reinstall it in this environment with 'pip install"
                    " --force-reinstall --no-cache-dir durable-rules==2.0.28' (it needs a C"
                    " compiler and the Python headers: see the README's Requirements)"
                ),
                python=platform.python_version(),
                problem=str(error),
            ) from None
        _ENGINE.append(engine)
    return _ENGINE[0]


def _import_extension() -> Any:
    """Import ``durable_rules_engine`` with lazy symbol binding where the platform has it.

    Python 3.13 removed ``PyEval_CallObject``, which durable-rules 2.0.28 (its last
    release, 2020) still references. Only the extension's callbacks for external stores,
    queues and idle state call it (``src/rulespy/rules.c``), and this adapter never sets
    them: no call can reach the missing symbol. With lazy binding the loader resolves a
    symbol at its first call instead of at import, so the extension loads and runs on
    3.13 as on 3.10-3.12. Never set those callbacks here: a call through them would end
    the process with "symbol lookup error". Remove this once a durable-rules release
    with the upstream fix (merged in 2025) is on PyPI, or once we no longer support 3.13
    with 2.0.28. ``LD_BIND_NOW`` in the environment overrides lazy binding.
    """
    set_flags = getattr(sys, "setdlopenflags", None)
    if set_flags is None or not hasattr(os, "RTLD_LAZY"):  # Windows: no dlopen flags
        import durable_rules_engine

        return durable_rules_engine
    flags = sys.getdlopenflags()
    set_flags((flags & ~os.RTLD_NOW) | os.RTLD_LAZY)
    try:
        import durable_rules_engine
    finally:
        set_flags(flags)
    return durable_rules_engine


def self_test() -> str:
    """Load the engine and fire one trivial rule; its version (for ``ism-advise doctor``).

    Raises :class:`~ism_advisor.core.errors.AdvisorError` when the extension cannot be loaded
    or the rule does not fire.
    """
    from importlib.metadata import version

    engine = _engine()
    if not _SELF_TEST:
        rules = {"probe": {"all": [{"m": {"kind": "probe"}}], "pri": 1}}
        _SELF_TEST.append(engine.create_ruleset("ism_self_test", _json(rules)))
    handle = _SELF_TEST[0]
    sid = f"self-test-{next(_SELF_TEST_SESSIONS)}"  # a fact is refused a second time
    fired: list[str] = []
    try:
        state = _state(engine, engine.assert_fact(handle, _json({"sid": sid, "kind": "probe"})))
        result = engine.start_action_for_state(handle, state) if state else None
        message = result[1] if result else None
        while message:
            fired.extend(json.loads(message))
            message = engine.complete_and_start_action(handle, state)
    finally:
        engine.delete_state(handle, sid)
    if fired != ["probe"]:
        raise AdvisorError(
            N_("the rules engine loaded but did not fire a trivial rule (it fired {fired})"),
            fired=fired,
        )
    return version("durable_rules")


_SELF_TEST: list[int] = []
_SELF_TEST_SESSIONS = itertools.count()


def _registered(rulebase: RuleBase) -> list[_Layer]:
    """The rule base's layers, created once per process under a content hash."""
    engine = _engine()
    definition = compile_rules(rulebase)
    signature = [
        (r.id, rulebase.strata.get(r.id, 1), r.conclude, sorted(_names(r).items()))
        for r in rulebase.rules
    ]
    digest = hashlib.sha256(
        json.dumps([definition, signature], sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()[:20]
    if digest in _REGISTERED:
        return _REGISTERED[digest]
    depth = max((rulebase.strata.get(r.id, 1) for r in rulebase.rules), default=1)
    layers = []
    for level in range(1, depth + 1):
        members = [r for r in rulebase.rules if rulebase.strata.get(r.id, 1) == level]
        rules = {r.id: definition[r.id] for r in members} | _CATCH_ALL
        name = f"ism_{digest}_{level}"
        layers.append(
            _Layer(
                handle=_create_ruleset(engine, name, rules, rulebase.path),
                name=name,
                rules={r.id: r for r in members},
                names={r.id: _names(r) for r in members},
                factors=factors_used(members),
                conclusions=conclusions_used(members),
                interventions=uses_interventions(members),
            )
        )
    _REGISTERED[digest] = layers
    return layers


def _create_ruleset(engine: Any, name: str, rules: dict[str, Any], path: str) -> int:
    """Register one layer; a refusal (an engine limit) becomes one clear error."""
    try:
        return engine.create_ruleset(name, _json(rules))
    except Exception as error:  # the extension raises its own error type
        raise AdvisorError(
            N_(
                "the rules engine cannot take this rule base ({problem}); rules with many"
                " alternatives that share a pattern are the likely cause: split them"
            ),
            path=path,
            problem=str(error),
        ) from None
