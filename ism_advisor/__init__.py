"""ism-advisor: why staff stay off the internal social media platform, and what to do.

The library is the product; the ``ism-advise`` command is a thin shell around it::

    from ism_advisor import advise, compare_groups, load_codebook, load_survey, publish

    survey = load_survey("scores.csv", load_codebook(), ["organisation"])
    comparison = compare_groups(survey)  # every figure
    published = publish(survey, comparison)  # what may be shown
    document = advise("scores.csv", segment_by=["organisation"]).document

The names are imported on first use, so that ``import ism_advisor`` (and the command's
``--help``) does not load pandas and scipy.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "AdvisorError": "errors",
    "Advice": "pipeline",
    "advise": "pipeline",
    "Codebook": "codebook",
    "load_codebook": "codebook",
    "Survey": "survey",
    "load_survey": "survey",
    "Comparison": "compare",
    "compare_groups": "compare",
    "Published": "disclosure",
    "publish": "disclosure",
    "WaveComparison": "waves",
    "compare_waves": "waves",
    "advice_document": "document",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module 'ism_advisor' has no attribute {name!r}")
