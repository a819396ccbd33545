"""Why (not)? For one intervention in one segment: the rules that could recommend it, and
for each the first condition that failed with the figure that failed it — or, where the
intervention was recommended, the rules that fired and the facts they matched.

Conditions are evaluated with :func:`.analysis.holds`, which decides as the engine does
(and is property-tested against it); the engine's own firings say which rules fired.
Everything here is plain data in, :class:`~ism_advisor.core.errors.Message` out: the command
line and the JSON document render it in the reader's language.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..core.errors import N_, Message
from ..core.i18n import translations
from .decide import Decision
from .engine import FactSet, Firing
from .facts import explained
from .knowledge.meaning import figures_tested, holds, needs_interventions, normal
from .knowledge.model import Alternative, Condition, Knowledge, Pattern, Rule, Term

__all__ = ["Verdict", "join", "why", "why_not_all", "why_not_entries"]

#: How each operator reads in a "needs" sentence.
_RELATIONS = {
    "<": N_("below {value}"),
    "<=": N_("at most {value}"),
    ">": N_("above {value}"),
    ">=": N_("at least {value}"),
    "==": N_("equal to {value}"),
    "!=": N_("other than {value}"),
    "in": N_("one of {value}"),
    "not in": N_("none of {value}"),
}


@dataclass(frozen=True)
class Verdict:
    """One rule that recommends the intervention: whether it fired, and why (not)."""

    rule: Rule
    fired: bool
    #: why it did not fire (one reason per way it could have fired), or what it fired on
    reasons: tuple[Message, ...]


def join(parts: Sequence[Message | str], separator: str = "; ") -> Message:
    """Messages joined into one (each rendered in the reader's language)."""
    template = separator.join(f"{{p{i}}}" for i in range(len(parts)))
    return Message(template, {f"p{i}": part for i, part in enumerate(parts)})


def why(
    knowledge: Knowledge,
    facts: FactSet,
    firings: Sequence[Firing],
    intervention: str,
    recommended: Sequence[str] = (),
    done: Collection[str] = (),
) -> tuple[Verdict, ...]:
    """Every rule that recommends ``intervention``, in file order, with its verdict; a rule
    that recommends the intervention of the fact its intervention pattern matched counts
    where that pattern can match the intervention. Without intervention facts (a run
    without ``--evidence``) rules that need one are left out: they are not in play; so are,
    without the comments' figures (a run without ``--comments``), rules that test them.

    ``recommended`` is the segment's action plan: a rule that fired for an intervention
    that the plan left out (cut at ``max_actions``, or carried out already: ``done``)
    says so.
    """
    context = _Context(knowledge, facts, firings, intervention)
    commented = any(c.get("comment_share") is not None for c in facts.comparisons)
    verdicts = []
    for rule in knowledge.rules:
        if not rule.can_recommend(intervention):
            continue
        if not facts.interventions and needs_interventions(rule):
            continue  # without the evidence ledger such a rule is not in play
        if not commented and not _COMMENTS.isdisjoint(figures_tested([rule])):
            continue  # nor one on the comments' figures without comments
        fired = [f for f in firings if f.rule == rule.id and _recommends(rule, f, intervention)]
        if fired:
            reasons = [context.chain(firing) for firing in fired]
            if intervention in done:
                reasons.append(
                    Message(
                        N_(
                            "it was carried out since the previous survey (--done), so it is"
                            " not advised again as new: the report says what it did"
                        )
                    )
                )
            elif intervention not in recommended:
                reasons.append(
                    Message(
                        N_("the action plan is cut at {max} actions, and this one came later"),
                        {"max": knowledge.max_actions},
                    )
                )
            verdicts.append(Verdict(rule, True, tuple(reasons)))
        else:
            verdicts.append(Verdict(rule, False, context.why_not(rule)))
    return tuple(verdicts)


#: The comments' figures (``--comments``).
_COMMENTS = frozenset({"comment_n", "comment_share"})


def why_not_all(
    knowledge: Knowledge,
    facts: FactSet,
    firings: Sequence[Firing],
    recommended: Sequence[str],
    done: Collection[str] = (),
) -> dict[str, tuple[Verdict, ...]]:
    """For every intervention of the catalogue not in the action plan that some rule
    recommends: its verdicts, in catalogue order."""
    out = {}
    for intervention in knowledge.interventions:
        if intervention in recommended:
            continue
        verdicts = why(knowledge, facts, firings, intervention, recommended, done)
        if verdicts:
            out[intervention] = verdicts
    return out


def why_not_entries(
    knowledge: Knowledge,
    decisions: Sequence[Decision | None],
    lang: str,
    done: Sequence[str] = (),
) -> list[list[dict[str, Any]] | None]:
    """Per segment (None where hidden): for every intervention of the catalogue that is
    not advised and that some rule recommends, why not — for the JSON document.
    ``decisions`` are the segments' decisions (:func:`~ism_advisor.advice.decide.decide`, on
    the facts with the change figures of a run over several waves)."""
    tr = translations(lang)
    out: list[list[dict[str, Any]] | None] = []
    for decision in decisions:
        if decision is None:
            out.append(None)
            continue
        verdicts = why_not_all(knowledge, decision.facts, decision.firings, decision.plan, done)
        out.append(
            [
                {
                    "intervention": intervention,
                    "rules": [
                        {
                            "rule": v.rule.id,
                            "fired": v.fired,
                            "reasons": [m.render(tr) for m in v.reasons],
                        }
                        for v in rule_verdicts
                    ],
                }
                for intervention, rule_verdicts in verdicts.items()
            ]
        )
    return out


def _recommends(rule: Rule, firing: Firing, intervention: str) -> bool:
    """Whether the firing recommends ``intervention`` (by id, or through the fact that a
    named intervention pattern matched)."""
    if intervention in rule.recommend and intervention not in rule.recommend_names:
        return True
    return any(
        (fact := firing.matched.get(name)) is not None
        and fact.figures.get("intervention") == intervention
        for name in rule.recommend_names
    )


class _Context:
    """One segment's facts and firings, and what follows from them."""

    def __init__(
        self,
        knowledge: Knowledge,
        facts: FactSet,
        firings: Sequence[Firing],
        intervention: str = "",
    ) -> None:
        self.knowledge = knowledge
        self.segment = facts.segment
        self.comparisons = {c["factor"]: c for c in facts.comparisons}
        self.interventions = facts.interventions
        #: the intervention being explained
        self.intervention = intervention
        self.firings = firings
        self.drawn: dict[str, Firing] = {}
        for firing in firings:
            for conclusion in knowledge.rulebase.by_id[firing.rule].conclude:
                self.drawn.setdefault(conclusion, firing)

    # -- a rule that fired -----------------------------------------------------------------

    def chain(self, firing: Firing, seen: frozenset[str] = frozenset()) -> Message:
        """``applies on F (figures); through the conclusion C: …`` for a firing."""
        parts: list[Message | str] = []
        for fact in firing.matched.values():
            if fact.kind == "comparison":
                shown = explained(fact, self.knowledge.rulebase.tested)
                figures = ", ".join(
                    f"{name} {_value(value)}"
                    for name, value in shown.items()
                    if name not in ("factor", "label")
                )
                parts.append(f"{fact.figures['factor']} ({figures})")
            elif fact.kind == "intervention":
                shown = explained(fact, self.knowledge.rulebase.tested)
                figures = ", ".join(
                    f"{name} {_value(value)}"
                    for name, value in shown.items()
                    if name.startswith("evidence_")
                )
                parts.append(
                    f"{fact.figures['intervention']} / {fact.figures['factor']} ({figures})"
                )
            elif fact.kind == "conclusion":
                conclusion = fact.id.split(":", 1)[1]
                origin = self.drawn.get(conclusion)
                if origin is not None and origin.rule not in seen:
                    parts.append(
                        Message(
                            N_("the conclusion '{conclusion}' of rule '{rule}', which {chain}"),
                            {
                                "conclusion": conclusion,
                                "rule": origin.rule,
                                "chain": self.chain(origin, seen | {firing.rule}),
                            },
                        )
                    )
        if not parts:
            return Message(N_("applies to the segment"))
        return Message(N_("applies on {facts}"), {"facts": join(parts)})

    # -- a rule that did not fire ----------------------------------------------------------

    def why_not(self, rule: Rule, seen: frozenset[str] = frozenset()) -> tuple[Message, ...]:
        """One reason per alternative of the rule (the first term that fails in each)."""
        if rule.segments is not None and not holds(rule.segments, self.segment):
            return (self.failing(rule.segments, self.segment, None),)
        reasons = []
        for alternative in rule.alternatives:
            reason = self.alternative(alternative, seen | {rule.id}, rule)
            if reason is not None and reason not in reasons:
                reasons.append(reason)
        if not reasons:
            reasons.append(
                Message(
                    N_(
                        "each of its patterns is met, but not each by a fact of its own"
                        " (one fact meets one pattern)"
                    )
                )
            )
        return tuple(reasons)

    def alternative(
        self, alternative: Alternative, seen: frozenset[str], rule: Rule | None = None
    ) -> Message | None:
        """Why the alternative fails (its first term that fails), or None when it holds;
        ``rule``: the rule it belongs to (for an intervention pattern it recommends by)."""
        for term in alternative:
            if term.pattern.kind == "intervention":
                reason = self.intervention_term(term, alternative, rule)
            else:
                reason = self.term(term, seen)
            if reason is not None:
                return reason
        return None

    def term(self, term: Term, seen: frozenset[str]) -> Message | None:
        """Why the term fails, or None when it holds."""
        pattern = term.pattern
        if pattern.kind == "segment":
            figures = self.segment
            met = pattern.condition is None or holds(pattern.condition, figures)
            if met == term.positive:
                return None
            if term.positive:
                return self.failing(pattern.condition, figures, None)
            return Message(N_("needs the segment not to meet its condition, and it does"))
        if pattern.kind == "conclusion":
            drawn = pattern.conclusion in self.drawn
            if drawn == term.positive:
                return None
            if not term.positive:
                return Message(
                    N_("needs the conclusion '{conclusion}' not drawn; rule '{rule}' drew it"),
                    {
                        "conclusion": pattern.conclusion,
                        "rule": self.drawn[pattern.conclusion].rule,
                    },
                )
            return self.conclusion_missing(pattern.conclusion, seen)
        return self.factor_term(term, pattern)

    def factor_term(self, term: Term, pattern: Pattern) -> Message | None:
        candidates = [
            self.comparisons[f]
            for f in (pattern.factors or self.comparisons)
            if f in self.comparisons
        ]
        meeting = [
            c for c in candidates if pattern.condition is None or holds(pattern.condition, c)
        ]
        if term.positive and meeting:
            return None
        if not term.positive and not meeting:
            return None
        if not term.positive:
            return Message(
                N_("needs no factor of {factors} to meet its condition; {met} does"),
                {
                    "factors": ", ".join(pattern.factors) or "*",
                    "met": ", ".join(c["factor"] for c in meeting),
                },
            )
        if not candidates:
            return Message(
                N_("needs figures of {factors}, which are not shown in this segment"),
                {"factors": ", ".join(pattern.factors)},
            )
        assert pattern.condition is not None  # a pattern without one meets every candidate
        return join([self.failing(pattern.condition, c, c["factor"]) for c in candidates])

    def intervention_term(
        self, term: Term, alternative: Alternative, rule: Rule | None
    ) -> Message | None:
        """Why an intervention pattern fails: no intervention fact of its interventions
        (about a factor that meets the pattern it ``addresses``) meets its condition."""
        pattern = term.pattern
        wanted = set(pattern.interventions)
        if self.intervention and rule is not None and pattern.name in rule.recommend_names:
            wanted = {self.intervention}  # the one it would recommend
        factors = None
        if pattern.addresses:
            factors = set()
            for other in alternative:
                if other.positive and other.pattern.name == pattern.addresses:
                    factors.update(
                        f
                        for f in (other.pattern.factors or self.comparisons)
                        if f in self.comparisons
                        and (
                            other.pattern.condition is None
                            or holds(other.pattern.condition, self.comparisons[f])
                        )
                    )
        candidates = [
            fact
            for fact in self.interventions
            if (not wanted or fact["intervention"] in wanted)
            and (factors is None or fact["factor"] in factors)
        ]
        meeting = [
            fact
            for fact in candidates
            if pattern.condition is None or holds(pattern.condition, fact)
        ]
        if bool(meeting) == term.positive:
            return None
        names = ", ".join(sorted(wanted)) or "*"
        if not term.positive:
            return Message(
                N_(
                    "needs no intervention fact of {interventions} to meet its condition;"
                    " {met} does"
                ),
                {
                    "interventions": names,
                    "met": ", ".join(f"{f['intervention']} / {f['factor']}" for f in meeting),
                },
            )
        if not candidates:
            return Message(
                N_(
                    "needs an intervention fact of {interventions} about a factor it looks at;"
                    " the evidence ledger has none, so no intervention fact met the pattern"
                ),
                {"interventions": names},
            )
        assert pattern.condition is not None  # a pattern without one meets every candidate
        return Message(
            N_("needs an intervention fact that meets the pattern, and none does: {reasons}"),
            {
                "reasons": join(
                    [
                        self.failing(pattern.condition, f, f"{f['intervention']} / {f['factor']}")
                        for f in candidates
                    ]
                )
            },
        )

    def conclusion_missing(self, conclusion: str, seen: frozenset[str]) -> Message:
        producers = [
            r for r in self.knowledge.rules if conclusion in r.conclude and r.id not in seen
        ]
        if not producers:
            return Message(
                N_("needs the conclusion '{conclusion}', which was not drawn"),
                {"conclusion": conclusion},
            )
        because = [
            Message(
                N_("rule '{rule}' {reasons}"),
                {"rule": r.id, "reasons": join(self.why_not(r, seen | {r.id}), " / ")},
            )
            for r in producers
        ]
        return Message(
            N_("needs the conclusion '{conclusion}', which was not drawn ({because})"),
            {"conclusion": conclusion, "because": join(because)},
        )

    def failing(
        self, condition: Condition | None, figures: Mapping[str, Any], factor: str | None
    ) -> Message:
        """The first test of ``condition`` that the figures fail, as a "needs" sentence;
        for an ``any:`` none of whose parts hold, each part's."""
        assert condition is not None
        condition = normal(condition)
        if condition.kind == "all":
            for part in condition.parts:
                if not holds(part, figures):
                    return self.failing(part, figures, factor)
        if condition.kind == "any":
            parts = [self.failing(part, figures, factor) for part in condition.parts]
            return Message(
                N_("needs one of these, and none holds: {parts}"), {"parts": join(parts, " / ")}
            )
        return _needs(condition, figures, factor)


def _needs(test: Condition, figures: Mapping[str, Any], factor: str | None) -> Message:
    value = figures.get(test.field)
    missing = value is None or (isinstance(value, float) and value != value)
    shown: Message | str = Message(N_("missing")) if missing else _value(value)
    wanted = test.value
    if isinstance(wanted, (list, tuple)):
        wanted = "[" + ", ".join(_value(v) for v in wanted) + "]"
    else:
        wanted = _value(wanted)
    if isinstance(test.value, bool) and test.op in ("==", "!="):
        relation = Message(N_("to be {value}"), {"value": _value(test.value == (test.op == "=="))})
    else:
        relation = Message(_RELATIONS[test.op], {"value": wanted})
    params = {"figure": test.field, "relation": relation, "actual": shown, "factor": factor}
    if factor is None:
        return Message(N_("needs the segment's {figure} {relation}; it is {actual}"), params)
    return Message(N_("needs {figure} of {factor} {relation}; it is {actual}"), params)


def _value(value: Any) -> str:
    """A figure as the rule language writes it: 0.4, true, Sales."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 1000 else f"{value:.0f}"
    return str(value)
