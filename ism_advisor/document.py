"""The advice document: the JSON contract that scripts and the report templates read.

``schema_version`` 1. Field names are a contract; see the README's "JSON output".
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pandas as pd

from .compare import COMPARISON_COLUMNS, Comparison
from .survey import Survey

__all__ = ["SCHEMA_VERSION", "advice_document", "to_json"]

SCHEMA_VERSION = 1

_SEGMENT_COUNTS = ("respondents", "users", "non_users")


def advice_document(survey: Survey, comparison: Comparison, *, lang: str = "en") -> dict:
    """The document for one run: input, settings, factors, correlations, segments."""
    factors = comparison.factors
    correlations = {
        a.id: {b.id: _number(comparison.correlations.at[a.id, b.id]) for b in factors}
        for a in factors
    }
    by_segment = comparison.comparisons.groupby("segment", sort=True)
    segments = []
    for index, row in comparison.segments.iterrows():
        suppressed = bool(row["suppressed"])
        entry: dict[str, Any] = {
            "column": None if pd.isna(row["column"]) else row["column"],
            "value": None if pd.isna(row["value"]) else row["value"],
            "where": row["where"],
            "suppressed": suppressed,
        }
        for key in _SEGMENT_COUNTS:
            entry[key] = None if suppressed else int(row[key])
        entry["adoption_rate"] = None if suppressed else _number(row["adoption_rate"])
        rows = [] if suppressed else by_segment.get_group(index).to_dict("records")
        entry["comparisons"] = [_comparison(c) for c in rows]
        segments.append(entry)
    return {
        "schema_version": SCHEMA_VERSION,
        "input": {
            "path": survey.path,
            "respondents": survey.respondents,
            "users": survey.users,
            "non_users": survey.respondents - survey.users,
            "excluded": survey.excluded,
        },
        "settings": {
            "alpha": comparison.alpha,
            "min_group_size": comparison.min_group_size,
            "segment_by": ["+".join(spec) for spec in comparison.segment_by],
            "lang": lang,
        },
        "factors": [
            {"id": f.id, "label": f.label[lang], "direction": f.direction} for f in factors
        ],
        "correlations": correlations,
        "segments": segments,
    }


def _comparison(record: dict) -> dict:
    out: dict[str, Any] = {"factor": record["factor"], "suppressed": bool(record["suppressed"])}
    for column in COMPARISON_COLUMNS:
        if column == "hedges_g_ci_low":
            out["hedges_g_ci"] = (
                None
                if _number(record["hedges_g_ci_low"]) is None
                else [_number(record["hedges_g_ci_low"]), _number(record["hedges_g_ci_high"])]
            )
        elif column == "hedges_g_ci_high":
            continue
        elif column == "significant":
            value = record["significant"]
            out[column] = None if pd.isna(value) else bool(value)
        elif column in ("users_n", "non_users_n"):
            value = _number(record[column])
            out[column] = None if value is None else int(value)
        else:
            out[column] = _number(record[column])
    return out


def _number(value: Any) -> float | int | None:
    """A JSON-safe number: NaN and infinities become null, numpy types plain Python."""
    if value is None:
        return None
    if isinstance(value, (np.integer, int)) and not isinstance(value, bool):
        return int(value)
    value = float(value)
    return value if math.isfinite(value) else None


def to_json(document: dict) -> str:
    """The document as JSON text: UTF-8, indented, one trailing newline."""
    return json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
