"""Schema fragments the declared shapes of the rule file refer to.

A condition and a pattern are defined once, under ``$defs`` of the rule file's JSON Schema
(:mod:`.schema`); the rule file's shapes (:mod:`.rules`) point at them with these
references. They live apart so that the shapes and the schema each import them without
importing each other.
"""

from __future__ import annotations

__all__ = ["CONDITION", "PATTERN"]

#: A condition, for a shape's option (defined once under ``$defs``).
CONDITION = {"$ref": "#/$defs/condition"}
#: A pattern, for a shape's option.
PATTERN = {"$ref": "#/$defs/pattern"}
