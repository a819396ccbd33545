"""Reading a whole knowledge base: the codebook's factors, the catalogue, the rule file.

The catalogue is read first (rules name its interventions); each file's problems are
collected with their positions and reported in reading order, catalogue first.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ...core.errors import N_, P_, AdvisorError, Message
from ...core.resources import packaged_path
from ...core.yamlfile import Problems, load_yaml
from ...survey.codebook import Codebook
from .catalogue import read_catalogue
from .model import Knowledge
from .rules import read_rules

__all__ = [
    "check_knowledge",
    "contents",
    "default_interventions_path",
    "default_rules_path",
    "load_knowledge",
]


def default_rules_path() -> Path:
    return packaged_path("rules", "advice.yaml")


def default_interventions_path() -> Path:
    return packaged_path("rules", "interventions.yaml")


def load_knowledge(
    codebook: Codebook,
    rules: str | Path | None = None,
    interventions: str | Path | None = None,
) -> Knowledge:
    """Read and validate the rules and interventions against ``codebook``.

    Raises :class:`~ism_advisor.core.errors.AdvisorError` carrying every problem found (in
    ``problems``); warnings are on the result.
    """
    knowledge, problems = check_knowledge(codebook, rules, interventions)
    if problems:
        first = problems[0]
        first.problems = tuple(problems)
        raise first
    assert knowledge is not None  # no problems means every part was read
    return knowledge


def check_knowledge(
    codebook: Codebook,
    rules: str | Path | None = None,
    interventions: str | Path | None = None,
) -> tuple[Knowledge | None, list[AdvisorError]]:
    """Validate without raising: the knowledge base (or None) and every problem found."""
    rules_path = Path(rules) if rules is not None else default_rules_path()
    interventions_path = (
        Path(interventions) if interventions is not None else default_interventions_path()
    )
    catalogue_problems = Problems(str(interventions_path))
    catalogue = None
    try:
        data = load_yaml(interventions_path, N_("an intervention catalogue"))
        catalogue = read_catalogue(data, catalogue_problems, codebook)
    except AdvisorError as error:
        catalogue_problems.errors.append(error)
    rule_problems = Problems(str(rules_path))
    rulebase = None
    try:
        data = load_yaml(rules_path, N_("a rule file"))
        rulebase = read_rules(data, rule_problems, codebook, catalogue)
    except AdvisorError as error:
        rule_problems.errors.append(error)
    errors = [*_in_reading_order(catalogue_problems), *_in_reading_order(rule_problems)]
    if errors or rulebase is None or catalogue is None:
        return None, errors
    warnings = [
        *_in_reading_order(catalogue_problems.warnings),
        *_in_reading_order(rule_problems.warnings),
    ]
    knowledge = Knowledge(
        codebook=codebook,
        rulebase=rulebase,
        interventions_path=str(interventions_path),
        interventions=catalogue,
        warnings=tuple(warnings),
    )
    return knowledge, []


def _in_reading_order(problems: Iterable[AdvisorError]) -> list[AdvisorError]:
    return sorted(
        problems, key=lambda e: (e.line or 0, e.column if isinstance(e.column, int) else 0)
    )


def contents(book: Codebook, knowledge: Knowledge) -> dict[str, Message]:
    """What a knowledge base holds, counted in words ("7 factors", "1 conclusion"): the
    parameters ``factors``, ``items``, ``rules``, ``conclusions`` and ``interventions`` of
    ``rules check``'s and ``doctor``'s summaries."""
    counts = {
        "factors": (P_("{n} factor", "{n} factors"), len(book.factors)),
        "items": (P_("{n} item", "{n} items"), sum(len(f.items) for f in book.factors)),
        "rules": (P_("{n} rule", "{n} rules"), len(knowledge.rules)),
        "conclusions": (
            P_("{n} conclusion", "{n} conclusions"),
            len(knowledge.conclusions),
        ),
        "interventions": (
            P_("{n} intervention", "{n} interventions"),
            len(knowledge.interventions),
        ),
    }
    return {key: Message(template, {"n": n}) for key, (template, n) in counts.items()}
