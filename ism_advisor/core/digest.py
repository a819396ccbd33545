"""Digests of JSON values: the one way the codebook's version, a store entry's content
hash and a run's record id are made from their content."""

from __future__ import annotations

import hashlib
import json
from typing import Any

__all__ = ["canonical_json", "json_digest"]


def canonical_json(value: Any, *, ascii: bool = True) -> str:
    """``value`` as canonical JSON: sorted keys, no spaces, no NaN (``ascii`` False: other
    characters written as they are rather than as ``\\u`` escapes).

    >>> canonical_json({"b": 1, "a": [2.5, None], "é": True})
    '{"a":[2.5,null],"b":1,"\\\\u00e9":true}'
    """
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=ascii, allow_nan=False
    )


def json_digest(value: Any, *, ascii: bool = True) -> str:
    """SHA-256 (hex) of ``value``'s :func:`canonical_json`: the same content, the same
    digest."""
    return hashlib.sha256(canonical_json(value, ascii=ascii).encode("utf-8")).hexdigest()
