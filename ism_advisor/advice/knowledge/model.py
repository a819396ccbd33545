"""The knowledge base as data: rules, their patterns and conditions, conclusions,
interventions, and the validated whole.

Everything here is a frozen dataclass that the readers build (:mod:`.catalogue`,
:mod:`.rules`, :mod:`.conditions`) and the rest of the program only reads. A rule arrives
already expanded into its alternatives (:attr:`Rule.alternatives`, made once by
:mod:`.meaning` when the file is read): the checks, the engine and the explanations all
work on that one expansion.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

from ...core.errors import AdvisorError
from ...core.yamlfile import Pos
from ...survey.codebook import Codebook

__all__ = [
    "Alternative",
    "Conclusion",
    "Condition",
    "Intervention",
    "Knowledge",
    "Pattern",
    "Rule",
    "RuleBase",
    "Term",
]


@dataclass(frozen=True)
class Condition:
    """A test on the figures of one fact, or all/any/not of such tests.

    ``kind`` "test": ``field op value``, with ``op`` one of ``<  <=  >  >=  ==  !=  in``
    (and ``not in`` once negation is pushed down, see :func:`.meaning.normal`).
    """

    kind: Literal["test", "all", "any", "not"]
    pos: Pos
    field: str = ""
    op: str = ""
    value: Any = None
    parts: tuple[Condition, ...] = ()


@dataclass(frozen=True)
class Pattern:
    """What a rule looks for in a segment.

    ``kind`` is the pattern key of a kind of fact (``factor``: a comparison fact, where
    ``factors`` empty means any factor; ``segment``; ``conclusion``; ``intervention``: an
    intervention fact, where ``interventions`` empty means any intervention and
    ``addresses`` names the factor pattern whose factor it must be about), or
    "all"/"any"/"not" of patterns. ``name`` is how the ``because`` text refers to the
    matched fact.
    """

    kind: Literal["factor", "segment", "conclusion", "intervention", "all", "any", "not"]
    pos: Pos
    name: str = ""
    factors: tuple[str, ...] = ()
    conclusion: str = ""
    condition: Condition | None = None
    parts: tuple[Pattern, ...] = ()
    interventions: tuple[str, ...] = ()
    addresses: str = ""


@dataclass(frozen=True)
class Term:
    """One pattern of an alternative: a fact that must match it, or (``positive`` false)
    that no fact may match."""

    positive: bool
    pattern: Pattern


#: One way a rule can fire: every term holds at once.
Alternative = tuple[Term, ...]


@dataclass(frozen=True)
class Rule:
    """One advice rule."""

    id: str
    pos: Pos
    when: Pattern
    segments: Condition | None
    recommend: tuple[str, ...]
    conclude: tuple[str, ...]
    priority: float
    because: Mapping[str, str]
    description: Mapping[str, str] = field(default_factory=dict)
    #: ``when`` as a disjunction of conjunctions of terms (see :mod:`.meaning`); empty
    #: only in a rule that was refused for having too many
    alternatives: tuple[Alternative, ...] = ()
    #: the entries of ``recommend`` that name an intervention pattern of the rule: each
    #: recommends the intervention of the fact that pattern matched
    recommend_names: frozenset[str] = frozenset()

    def can_recommend(self, intervention: str) -> bool:
        """Whether the rule can recommend ``intervention``: by its id, or through an
        intervention pattern that ``recommend`` names and that can match its facts."""
        if intervention in self.recommend and intervention not in self.recommend_names:
            return True
        for alternative in self.alternatives:
            for term in alternative:
                pattern = term.pattern
                if (
                    term.positive
                    and pattern.kind == "intervention"
                    and pattern.name in self.recommend_names
                    and (not pattern.interventions or intervention in pattern.interventions)
                ):
                    return True
        return False


@dataclass(frozen=True)
class Conclusion:
    """An intermediate conclusion that rules derive and other rules use."""

    id: str
    label: Mapping[str, str]
    pos: Pos


@dataclass(frozen=True)
class Intervention:
    """One action from the catalogue."""

    id: str
    factors: tuple[str, ...]
    title: Mapping[str, str]
    description: Mapping[str, str]
    steps: Mapping[str, tuple[str, ...]]
    owner: str
    effort: str
    horizon: str
    evidence: tuple[str, ...]
    #: where its entry starts in the catalogue (for ``rules check``'s warnings)
    pos: Pos | None = None


@dataclass(frozen=True)
class RuleBase:
    """A validated rule file: what the engine runs."""

    path: str
    rules: tuple[Rule, ...]
    conclusions: Mapping[str, Conclusion]
    max_actions: int
    #: rule id → its evaluation layer (1 first): a rule that needs a conclusion to be
    #: absent runs after every rule that could conclude it
    strata: Mapping[str, int]
    #: every figure some condition tests, and ``factor`` (the engine passes only these)
    tested: frozenset[str]

    @cached_property
    def by_id(self) -> Mapping[str, Rule]:
        return {rule.id: rule for rule in self.rules}


@dataclass(frozen=True)
class Knowledge:
    """A validated knowledge base: codebook, rules and interventions."""

    codebook: Codebook
    rulebase: RuleBase
    interventions_path: str
    interventions: Mapping[str, Intervention]
    #: problems that do not stop a run (``rules check`` and the run show them)
    warnings: tuple[AdvisorError, ...] = ()

    @property
    def rules_path(self) -> str:
        return self.rulebase.path

    @property
    def rules(self) -> tuple[Rule, ...]:
        return self.rulebase.rules

    @property
    def conclusions(self) -> Mapping[str, Conclusion]:
        return self.rulebase.conclusions

    @property
    def max_actions(self) -> int:
        return self.rulebase.max_actions

    @property
    def files(self) -> tuple[str, str, str]:
        return (self.codebook.path, self.rulebase.path, self.interventions_path)
