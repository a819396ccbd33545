"""Warnings about a valid rule base that ``rules check`` gives (``--strict``: errors).

The rule reader already refuses a rule that can never fire at all (contradictory
conditions, a figure outside its range, patterns only one fact could meet). These are
the things a valid rule base can still get wrong without any run noticing:

- a way a rule can fire (an ``any:`` branch) whose conditions can never hold: the rule
  fires only through its other branches;
- a rule shadowed by another: whenever it could fire, the other fires too and draws a
  conclusion it needs absent, so it never fires;
- an intervention of the catalogue that no rule recommends;
- a conclusion that rules draw but no rule reads.

Every check works on the one expansion of each rule into alternatives and decides with
:func:`.meaning.satisfiable`, over the figures' possible ranges.
"""

from __future__ import annotations

from collections.abc import Mapping

from ...core.errors import N_, AdvisorError
from ...core.vocabulary import FACT_KINDS, SEGMENT
from ...core.yamlfile import Pos
from .meaning import blocked_terms, conclusions_used, ranges, satisfiable
from .model import Alternative, Condition, Knowledge, Rule, Term

__all__ = ["lint"]


def lint(knowledge: Knowledge) -> list[AdvisorError]:
    """Every warning about the knowledge base, in file order (rules, then interventions)."""
    limits = ranges(knowledge.codebook)
    rules_path = knowledge.rules_path
    found: list[AdvisorError] = []

    def warn(template: str, pos: Pos | None, path: str = rules_path, **params) -> None:
        found.append(
            AdvisorError(
                template,
                path=path,
                line=pos.line if pos else None,
                column=pos.column if pos else None,
                **params,
            )
        )

    for rule in knowledge.rules:
        dead = [a for a in rule.alternatives if blocked_terms(a, limits)]
        if dead and len(dead) < len(rule.alternatives):
            reported: set[Pos] = set()
            for alternative in dead:
                pos = blocked_terms(alternative, limits)[0].pattern.pos
                if pos not in reported:
                    reported.add(pos)
                    warn(
                        N_(
                            "this pattern can never be met: its conditions contradict each"
                            " other or the possible range of a figure (rule '{rule}' fires"
                            " only through its other alternatives)"
                        ),
                        pos,
                        rule=rule.id,
                    )
        shadow = _shadowed_by(rule, knowledge.rules, limits)
        if shadow is not None:
            other, conclusion = shadow
            warn(
                N_(
                    "rule '{rule}' never fires: whenever it could, rule '{other}'"
                    " (line {other_line}) fires too and draws '{conclusion}', which this rule"
                    " needs absent"
                ),
                rule.pos,
                rule=rule.id,
                other=other.id,
                other_line=other.pos.line,
                conclusion=conclusion,
            )
    read = conclusions_used(knowledge.rules)
    for conclusion in knowledge.conclusions.values():
        if conclusion.id not in read:
            warn(
                N_("no rule reads the conclusion '{conclusion}' (use it with 'conclusion:')"),
                conclusion.pos,
                conclusion=conclusion.id,
            )
    recommended = {i for rule in knowledge.rules for i in rule.recommend}
    for intervention in knowledge.interventions.values():
        if intervention.id not in recommended:
            warn(
                N_("no rule recommends the intervention '{intervention}'"),
                intervention.pos,
                path=knowledge.interventions_path,
                intervention=intervention.id,
            )
    return sorted(
        found,
        key=lambda e: (
            e.path != rules_path,
            e.line or 0,
            e.column if isinstance(e.column, int) else 0,
        ),
    )


def _shadowed_by(
    rule: Rule, rules: tuple[Rule, ...], limits: Mapping[str, tuple[float, float]]
) -> tuple[Rule, str] | None:
    """The rule and conclusion that block every alternative of ``rule``, if one does."""
    if not rule.alternatives:
        return None
    blocker: tuple[Rule, str] | None = None
    for alternative in rule.alternatives:
        found = None
        for term in alternative:
            if term.positive or term.pattern.kind != "conclusion":
                continue
            conclusion = term.pattern.conclusion
            for other in rules:
                if other is rule or conclusion not in other.conclude:
                    continue
                if _segments_implied(rule.segments, other.segments, limits) and any(
                    _implies(alternative, theirs, limits) for theirs in other.alternatives
                ):
                    found = (other, conclusion)
                    break
            if found:
                break
        if found is None:
            return None
        blocker = blocker or found
    return blocker


def _segments_implied(
    ours: Condition | None, theirs: Condition | None, limits: Mapping[str, tuple[float, float]]
) -> bool:
    """Whether every segment that meets ``ours`` meets ``theirs``."""
    if theirs is None:
        return True
    return not satisfiable(_and_not(ours, theirs), SEGMENT.testable, limits)


def _implies(
    ours: Alternative, theirs: Alternative, limits: Mapping[str, tuple[float, float]]
) -> bool:
    """Whether facts meeting ``ours`` always meet ``theirs``: each of their terms is
    implied by a term of ours of its own (one fact, one pattern)."""
    used: set[int] = set()
    for term in theirs:
        match = next(
            (
                i
                for i, mine in enumerate(ours)
                if i not in used and _term_implied(mine, term, limits)
            ),
            None,
        )
        if match is None:
            return False
        used.add(match)
    return True


def _term_implied(mine: Term, theirs: Term, limits: Mapping[str, tuple[float, float]]) -> bool:
    a, b = mine.pattern, theirs.pattern
    if not (mine.positive and theirs.positive) or a.kind != b.kind:
        return False
    if a.kind == "conclusion":
        return a.conclusion == b.conclusion
    if a.kind == "factor" and (
        not a.factors or (b.factors and not set(a.factors) <= set(b.factors))
    ):
        return False
    if a.kind == "intervention" and (
        a.addresses != b.addresses
        or not a.interventions
        or (b.interventions and not set(a.interventions) <= set(b.interventions))
    ):
        return False
    if b.condition is None:
        return True
    return not satisfiable(_and_not(a.condition, b.condition), FACT_KINDS[a.kind].testable, limits)


def _and_not(condition: Condition | None, other: Condition) -> Condition:
    """``condition and not other``."""
    negated = Condition("not", other.pos, parts=(other,))
    if condition is None:
        return negated
    return Condition("all", condition.pos, parts=(condition, negated))
