"""From the comparison to ranked, explained recommendations per segment.

Each shown segment becomes a set of facts (the segment, one comparison per shown factor);
the rules engine fires rules on them; every firing that recommends an intervention adds
its rule, its rendered ``because`` text and the figures it matched to that
intervention's recommendation. Recommendations are ranked by priority, then by the
largest effect size behind them, and cut at the rule base's ``max_actions``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

import numpy as np
import pandas as pd
from jinja2 import StrictUndefined, Template, meta
from jinja2.exceptions import SecurityError, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from .disclosure import Published
from .engine import FactSet, Firing, run_rules
from .errors import N_, AdvisorError, Message
from .formatting import EFFECT_SIZE_LABELS, format_figure
from .i18n import translations
from .knowledge import (
    COMPARISON_FIELDS,
    CONCLUSION_FIELDS,
    SEGMENT_FIELDS,
    Field,
    Knowledge,
)

__all__ = [
    "DerivedConclusion",
    "Recommendation",
    "SegmentAdvice",
    "advise_segments",
    "effect_size_label",
    "priority_label",
    "recommend",
    "segment_facts",
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


def effect_size_label(g: float) -> str:
    """Cohen's bands on |g|: negligible < 0.2 ≤ small < 0.5 ≤ medium < 0.8 ≤ large."""
    size = abs(g)
    if size < 0.2:
        return "negligible"
    if size < 0.5:
        return "small"
    if size < 0.8:
        return "medium"
    return "large"


def priority_label(priority: float) -> str:
    """high (≤ 1), medium (≤ 2) or low."""
    return "high" if priority <= 1 else "medium" if priority <= 2 else "low"


def segment_facts(published: Published, lang: str) -> list[FactSet | None]:
    """The facts of every segment, None for a suppressed one: published figures only."""
    table = published.comparisons
    labels = {f.id: f.label[lang] for f in published.factors}
    directions = {f.id: f.direction for f in published.factors}
    records = table.to_dict("records")
    per_segment = len(published.factors)
    out: list[FactSet | None] = []
    for index, segment in enumerate(published.segments.to_dict("records")):
        if segment["suppressed"]:
            out.append(None)
            continue
        rows = [
            r
            for r in records[index * per_segment : (index + 1) * per_segment]
            if not r["suppressed"]
        ]
        ranks = _ranks([r["hedges_g"] for r in rows])
        facts = []
        for row, rank in zip(rows, ranks, strict=True):
            fact = {key: row[key] for key in COMPARISON_FIELDS if key in row}
            fact["users_n"], fact["non_users_n"] = int(row["users_n"]), int(row["non_users_n"])
            fact["label"] = labels[row["factor"]]
            fact["direction"] = directions[row["factor"]]
            fact["hedges_g_low"] = row["hedges_g_ci_low"]
            fact["hedges_g_high"] = row["hedges_g_ci_high"]
            n = row["users_n"] + row["non_users_n"]
            fact["mean"] = (
                row["users_n"] * row["users_mean"] + row["non_users_n"] * row["non_users_mean"]
            ) / n
            g = row["hedges_g"]
            fact["effect_size"] = effect_size_label(g) if _finite(g) else None
            fact["rank"] = rank
            fact["significant"] = None if pd.isna(row["significant"]) else bool(row["significant"])
            facts.append(fact)
        column = segment["column"]
        out.append(
            FactSet(
                segment={
                    "overall": column is None,
                    "column": column or "",
                    "value": segment["value"] or "",
                    "respondents": int(segment["respondents"]),
                    "users": int(segment["users"]),
                    "non_users": int(segment["non_users"]),
                    "adoption_rate": segment["adoption_rate"],
                },
                comparisons=facts,
            )
        )
    return out


def recommend(published: Published, knowledge: Knowledge, lang: str) -> list[SegmentAdvice]:
    """Run the rule base on every shown segment; advice per segment, in segment order."""
    return advise_segments(knowledge, segment_facts(published, lang), lang)


def advise_segments(
    knowledge: Knowledge, facts: Sequence[FactSet | None], lang: str
) -> list[SegmentAdvice]:
    """Advice for segments given as facts (None: a suppressed segment, no advice)."""
    shown = [f for f in facts if f is not None]
    firings = iter(run_rules(knowledge, shown))
    advice = []
    for fact_set in facts:
        if fact_set is None:
            advice.append(SegmentAdvice())
        else:
            advice.append(_advise(knowledge, next(firings), lang))
    return advice


def _advise(knowledge: Knowledge, firings: Sequence[Firing], lang: str) -> SegmentAdvice:
    rules = {rule.id: rule for rule in knowledge.rules}
    factor_order = {f: i for i, f in enumerate(knowledge.codebook.factor_ids)}
    produced: dict[str, Firing] = {}
    for firing in firings:
        for fact_id in firing.conclusion_ids:
            produced[fact_id] = firing

    def comparisons(firing: Firing, seen: frozenset = frozenset()) -> list[Mapping[str, Any]]:
        found = []
        for fact in firing.matched.values():
            if fact.get("kind") == "comparison":
                found.append(fact)
            elif fact.get("kind") == "conclusion" and fact.get("id") in produced:
                origin = produced[fact["id"]]
                if origin.rule not in seen:
                    found.extend(comparisons(origin, seen | {firing.rule}))
        return found

    builders: dict[str, dict[str, Any]] = {}
    conclusions = []
    for firing in firings:
        rule = rules[firing.rule]
        reason = Reason(
            rule=rule.id,
            because=render_because(rule.because[lang], firing.matched, knowledge, lang, rule.id),
            matched={name: _public(fact) for name, fact in firing.matched.items()},
        )
        for conclusion in rule.conclude:
            conclusions.append(DerivedConclusion(conclusion, reason))
        if not rule.recommend:
            continue
        facts = comparisons(firing)
        effects = [f["hedges_g"] for f in facts if "hedges_g" in f]
        for intervention in rule.recommend:
            builder = builders.setdefault(
                intervention,
                {"priority": rule.priority, "effects": [], "factors": set(), "reasons": []},
            )
            builder["priority"] = min(builder["priority"], rule.priority)
            builder["effects"].extend(effects)
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
                factors=tuple(sorted(factors, key=lambda f: factor_order.get(f, 99))),
                reasons=tuple(builder["reasons"]),
            )
        )
    recommendations.sort(
        key=lambda r: (
            r.priority,
            -(r.effect if r.effect is not None else -math.inf),
            r.intervention,
        )
    )
    return SegmentAdvice(
        recommendations=tuple(recommendations[: knowledge.max_actions]),
        conclusions=tuple(conclusions),
        considered=len(recommendations),
    )


def _public(fact: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in fact.items() if k not in ("id", "kind")}


# -- because texts ---------------------------------------------------------------------------


@cache
def _environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(autoescape=False, undefined=StrictUndefined)


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
    """A matched fact as a because text sees it: figures formatted, names attribute-style.

    Figures are wrapped when a text reads them, not before (a text reads few of them).
    """

    def __init__(self, fact: Mapping[str, Any], fields: Mapping[str, Field], lang: str) -> None:
        self._fact = fact
        self._fields = fields
        self._lang = lang

    def __getitem__(self, key: str) -> Any:
        spec = self._fields.get(key)
        if spec is None or key not in self._fact:
            raise KeyError(key)
        value = self._fact[key]
        if key == "effect_size" and value in EFFECT_SIZE_LABELS:
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
        return key in self._fields and key in self._fact

    def __iter__(self):
        return (key for key in self._fields if key in self._fact)

    def __len__(self) -> int:
        return sum(1 for _ in self)


@lru_cache(maxsize=4096)
def _template(text: str) -> tuple[Template, frozenset[str]]:
    """A because text compiled once (a rule fires in many segments), and the names it
    reads (only those are put in its context)."""
    environment = _environment()
    names = frozenset(meta.find_undeclared_variables(environment.parse(text)))
    return environment.from_string(text), names


def render_because(
    text: str,
    matched: Mapping[str, Mapping[str, Any]],
    knowledge: Knowledge,
    lang: str,
    rule_id: str,
) -> str:
    """Fill a rule's ``because`` text with the figures it matched (sandboxed Jinja2)."""
    context: dict[str, Any] = {}
    comparisons = []
    for name, fact in matched.items():
        kind = fact.get("kind")
        if kind == "comparison":
            context[name] = _FactView(fact, COMPARISON_FIELDS, lang)
            comparisons.append(context[name])
        elif kind == "segment":
            context[name] = _FactView(fact, SEGMENT_FIELDS, lang)
        elif kind == "conclusion":
            conclusion = knowledge.conclusions[fact["conclusion"]]
            context[name] = _FactView(
                {"conclusion": conclusion.id, "label": conclusion.label[lang]},
                CONCLUSION_FIELDS,
                lang,
            )
    try:
        template, names = _template(text)
        if len(comparisons) == 1:
            single = comparisons[0]
            for name in names:
                if name not in context and name in single:  # missing: StrictUndefined
                    context[name] = single[name]
        return template.render(context).strip()
    except (SecurityError, TemplateError) as error:
        raise AdvisorError(
            N_("rule '{rule}': its 'because' text in '{lang}' failed: {problem}"),
            path=knowledge.rules_path,
            rule=rule_id,
            lang=lang,
            problem=str(error),
        ) from None


def _ranks(values: Sequence[float]) -> list[int | None]:
    """1 for the largest value, 2 for the next, …; ties by position; None if missing."""
    present = [(i, v) for i, v in enumerate(values) if _finite(v)]
    order = sorted(present, key=lambda item: (-item[1], item[0]))
    ranks: list[int | None] = [None] * len(values)
    for rank, (index, _) in enumerate(order, start=1):
        ranks[index] = rank
    return ranks


def _finite(value: Any) -> bool:
    return (
        value is not None and isinstance(value, (int, float, np.floating)) and math.isfinite(value)
    )
