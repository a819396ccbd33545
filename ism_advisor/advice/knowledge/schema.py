"""JSON Schemas of the knowledge base's files, for editors.

Made from the declared shapes (:mod:`ism_advisor.core.shapes`) of the codebook, the rule
file and the catalogue, plus the rule language's patterns and conditions (which a schema
can describe only loosely: a condition is a text the reader parses). ``ism-advise rules
schema KIND`` prints one; an editor with a YAML language server (VS Code's YAML
extension, for one) then completes keys and flags unknown ones and wrong types as you
type. ``rules check`` remains the judge: it knows the factors, the figures and the ids
the files name in each other.
"""

from __future__ import annotations

from typing import Any

from ...core.vocabulary import COMPARISON, INTERVENTION, SEGMENT
from ...core.yamlfile import ID_PATTERN
from ...survey.codebook import CODEBOOK
from .catalogue import CATALOGUE
from .fragments import CONDITION, PATTERN
from .rules import RULE_FILE

__all__ = ["KINDS", "json_schema"]


def _one_key(key: str, value: dict[str, Any], help: str) -> dict[str, Any]:
    return {
        "type": "object",
        "description": help,
        "properties": {key: value},
        "required": [key],
        "additionalProperties": False,
    }


def _list_of(ref: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": ref, "minItems": 1}


def _definitions() -> dict[str, Any]:
    figures = ", ".join(COMPARISON.testable)
    segment = ", ".join(SEGMENT.testable)
    offered = ", ".join(INTERVENTION.testable)
    condition = {
        "oneOf": [
            {
                "type": "string",
                "description": "figure operator value (< <= > >= == != in, not in), e.g."
                " 'hedges_g >= 0.2', or a yes/no figure alone ('significant', 'not"
                f" significant'). Figures of a factor: {figures}. Of a segment: {segment}."
                f" Of an intervention (--evidence): {offered}.",
            },
            _list_of(CONDITION),
            _one_key("all", _list_of(CONDITION), "All of these hold."),
            _one_key("any", _list_of(CONDITION), "At least one of these holds."),
            _one_key("not", CONDITION, "This does not hold."),
        ]
    }
    ids = {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}
    factor = {
        "type": "object",
        "description": "A factor's comparison of users with non-users.",
        "properties": {
            "factor": {**ids, "description": "A factor id, a list of them, or any."},
            "if": {**CONDITION, "description": "Conditions on its figures."},
            "as": {
                "type": "string",
                "pattern": ID_PATTERN.pattern,
                "description": "The name the because text uses for it.",
            },
        },
        "required": ["factor"],
        "additionalProperties": False,
    }
    intervention = {
        "type": "object",
        "description": "An intervention of the catalogue and a factor it addresses, with the"
        " evidence ledger's figures from other clients (only a run with --evidence has"
        " these facts).",
        "properties": {
            "intervention": {**ids, "description": "An intervention id, a list of them, or any."},
            "if": {**CONDITION, "description": "Conditions on its figures."},
            "as": {
                "type": "string",
                "pattern": ID_PATTERN.pattern,
                "description": "The name the because text and 'recommend' use for it.",
            },
            "addresses": {
                "type": "string",
                "pattern": ID_PATTERN.pattern,
                "description": "The name of a factor pattern of the rule: only facts about"
                " the factor it matched.",
            },
        },
        "required": ["intervention"],
        "additionalProperties": False,
    }
    pattern = {
        "oneOf": [
            factor,
            intervention,
            _one_key("segment", CONDITION, "Conditions on the segment."),
            _one_key("conclusion", {"type": "string"}, "A conclusion another rule derived."),
            _one_key("all", _list_of(PATTERN), "All of these patterns match."),
            _one_key("any", _list_of(PATTERN), "One of these patterns matches."),
            _one_key("not", PATTERN, "No fact matches this pattern."),
        ]
    }
    return {"condition": condition, "pattern": pattern}


def _shapes() -> dict[str, Any]:
    return {"codebook": CODEBOOK, "rules": RULE_FILE, "interventions": CATALOGUE}


#: The files there is a schema for.
KINDS = ("codebook", "rules", "interventions")
_TITLES = {
    "codebook": "ism-advisor codebook (factors.yaml)",
    "rules": "ism-advisor rule file (advice.yaml)",
    "interventions": "ism-advisor intervention catalogue (interventions.yaml)",
}


def json_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a ``codebook``, ``rules`` or ``interventions``
    file."""
    out = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": _TITLES[kind],
        **_shapes()[kind].schema(),
    }
    if kind == "rules":
        out["$defs"] = _definitions()
    return out
