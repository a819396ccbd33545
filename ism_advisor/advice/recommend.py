"""From the published comparison to ranked, explained recommendations per segment.

Each shown segment becomes a set of facts (:mod:`ism_advisor.advice.facts`); the rules engine
fires rules on them; every firing that recommends an intervention (by its id, or by the
name of an intervention pattern: the intervention of the fact it matched) adds its rule, its
rendered ``because`` text and the figures it matched to that intervention's
recommendation. Recommendations are ranked by priority, then by the importance for use
of the most important factor behind them that contributes more than noise (the driver
analysis: where a segment has a driver model, the action plan follows its priority matrix
within each priority), then by
the largest effect size behind them, and cut at the rule base's ``max_actions``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .engine import Fact, Firing
from .facts import explained
from .knowledge import Knowledge
from .knowledge.because import render
from .knowledge.model import Rule

__all__ = [
    "DerivedConclusion",
    "Reason",
    "Recommendation",
    "SegmentAdvice",
    "priority_label",
    "segment_advice",
]


@dataclass(frozen=True)
class Reason:
    """One firing behind a recommendation or conclusion: rule, text, matched figures."""

    rule: str
    because: str
    matched: Mapping[str, Mapping[str, Any]]


@dataclass(frozen=True)
class Recommendation:
    """An intervention recommended for a segment, with every reason that led to it."""

    intervention: str
    priority: float
    effect: float | None
    factors: tuple[str, ...]
    reasons: tuple[Reason, ...]
    #: the largest importance for use (driver analysis, 0-100) of the factors behind it
    #: that contribute more than noise (None: none does)
    importance: float | None = None

    @property
    def rules(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.rule for r in self.reasons))

    @property
    def because(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.because for r in self.reasons))


@dataclass(frozen=True)
class DerivedConclusion:
    """A conclusion a rule derived in a segment."""

    conclusion: str
    reason: Reason


@dataclass(frozen=True)
class SegmentAdvice:
    """What the rules concluded and recommend for one segment (empty when suppressed)."""

    recommendations: tuple[Recommendation, ...] = ()
    conclusions: tuple[DerivedConclusion, ...] = ()
    considered: int = field(default=0)


def _recommended(rule: Rule, firing: Firing) -> list[str]:
    """The interventions a firing recommends: the ids its rule names, and for a name of
    an intervention pattern, the intervention of the fact that pattern matched."""
    out = []
    for entry in rule.recommend:
        if entry in rule.recommend_names:
            fact = firing.matched.get(entry)
            if fact is None:  # not matched in this firing (the reader refuses such rules)
                continue
            entry = str(fact.figures["intervention"])
        if entry not in out:
            out.append(entry)
    return out


def priority_label(priority: float) -> str:
    """high (≤ 1), medium (≤ 2) or low."""
    return "high" if priority <= 1 else "medium" if priority <= 2 else "low"


def segment_advice(
    knowledge: Knowledge, firings: Sequence[Firing], lang: str, done: frozenset[str] = frozenset()
) -> SegmentAdvice:
    """One segment's advice from the rules that fired on its facts
    (:func:`~ism_advisor.advice.decide.decide` keeps both)."""
    rulebase = knowledge.rulebase
    factor_order = {f: i for i, f in enumerate(knowledge.codebook.factor_ids)}
    reasons: dict[int, Reason] = {}
    produced: dict[str, Firing] = {}
    shown: dict[str, dict[str, Any]] = {}  # fact id → what explanations show of it

    def published(fact: Fact) -> dict[str, Any]:
        if fact.id not in shown:
            shown[fact.id] = explained(fact, rulebase.tested)
        return shown[fact.id]

    for firing in firings:
        rule = rulebase.by_id[firing.rule]
        reasons[id(firing)] = Reason(
            rule=rule.id,
            because=render(
                rule.because[lang],
                firing.matched,
                rulebase.conclusions,
                lang,
                rule.id,
                rulebase.path,
            ),
            matched={name: published(fact) for name, fact in firing.matched.items()},
        )
        for fact_id in firing.conclusion_ids:
            produced[fact_id] = firing

    def comparisons(
        firing: Firing, seen: frozenset = frozenset()
    ) -> list[tuple[Mapping[str, Any], Fact]]:
        """The comparisons behind a firing, through the conclusions it matched: what the
        explanation shows of each, and the fact."""
        found = []
        matched = reasons[id(firing)].matched
        for name, fact in firing.matched.items():
            if fact.kind == "comparison":
                found.append((matched[name], fact))
            elif fact.kind == "conclusion" and fact.id in produced:
                origin = produced[fact.id]
                if origin.rule not in seen:
                    found.extend(comparisons(origin, seen | {firing.rule}))
        return found

    builders: dict[str, dict[str, Any]] = {}
    conclusions = []
    for firing in firings:
        rule = rulebase.by_id[firing.rule]
        reason = reasons[id(firing)]
        for conclusion in rule.conclude:
            conclusions.append(DerivedConclusion(conclusion, reason))
        if not rule.recommend:
            continue
        found = comparisons(firing)
        facts = [shown for shown, _ in found]
        effects = [f["hedges_g"] for f in facts if "hedges_g" in f]
        # a factor matters only when it contributes more than noise (its weight's own
        # interval lies above 0 whether it does or not)
        importances = [
            value
            for _, fact in found
            if isinstance(value := fact.figures.get("importance"), float)
            and math.isfinite(value)
            and fact.figures.get("importance_beats_noise") is True
        ]
        for intervention in _recommended(rule, firing):
            if intervention in done:
                continue
            builder = builders.setdefault(
                intervention,
                {
                    "priority": rule.priority,
                    "effects": [],
                    "importances": [],
                    "factors": set(),
                    "reasons": [],
                },
            )
            builder["priority"] = min(builder["priority"], rule.priority)
            builder["effects"].extend(effects)
            builder["importances"].extend(importances)
            builder["factors"].update(f["factor"] for f in facts)
            if reason not in builder["reasons"]:
                builder["reasons"].append(reason)
    recommendations = []
    for intervention, builder in builders.items():
        factors = builder["factors"] or set(knowledge.interventions[intervention].factors)
        recommendations.append(
            Recommendation(
                intervention=intervention,
                priority=builder["priority"],
                effect=max(builder["effects"]) if builder["effects"] else None,
                importance=max(builder["importances"]) if builder["importances"] else None,
                factors=tuple(sorted(factors, key=lambda f: factor_order.get(f, 99))),
                reasons=tuple(builder["reasons"]),
            )
        )
    recommendations.sort(
        key=lambda r: (
            r.priority,
            -(r.importance if r.importance is not None else -math.inf),
            -(r.effect if r.effect is not None else -math.inf),
            r.intervention,
        )
    )
    return SegmentAdvice(
        recommendations=tuple(recommendations[: knowledge.max_actions]),
        conclusions=tuple(conclusions),
        considered=len(recommendations),
    )
