"""The knowledge base: the rules, the intervention catalogue, and what they mean.

One job per module:

- :mod:`.model` — the data: rules, patterns, conditions, conclusions, interventions;
- :mod:`.catalogue` — reads ``interventions.yaml``;
- :mod:`.rules` — reads ``advice.yaml`` and checks the rule base as a whole;
- :mod:`.conditions` — the rule language: patterns and conditions;
- :mod:`.meaning` — what rules mean: negation, alternatives (one expansion per rule),
  satisfiability, one fact per pattern, layers for negation;
- :mod:`.because` — ``because`` texts, checked and rendered in one sandbox;
- :mod:`.load` — the whole knowledge base, every problem in reading order;
- :mod:`.schema` — JSON Schemas of the files, for editors;
- :mod:`.fragments` — the condition and pattern references the rule file's shapes and
  the schema share.

The figures rules test are named in :mod:`ism_advisor.core.vocabulary`;
:mod:`ism_advisor.advice.engine` runs the result.
"""

from __future__ import annotations

from .catalogue import EFFORTS, HORIZONS, OWNERS
from .conditions import OPERATORS
from .load import check_knowledge, default_interventions_path, default_rules_path, load_knowledge
from .meaning import MAX_ALTERNATIVES
from .model import (
    Alternative,
    Conclusion,
    Condition,
    Intervention,
    Knowledge,
    Pattern,
    Rule,
    RuleBase,
    Term,
)
from .rules import PRIORITIES

__all__ = [
    "EFFORTS",
    "HORIZONS",
    "MAX_ALTERNATIVES",
    "OPERATORS",
    "OWNERS",
    "PRIORITIES",
    "Alternative",
    "Conclusion",
    "Condition",
    "Intervention",
    "Knowledge",
    "Pattern",
    "Rule",
    "RuleBase",
    "Term",
    "check_knowledge",
    "default_interventions_path",
    "default_rules_path",
    "load_knowledge",
]
