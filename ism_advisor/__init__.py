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
    "AdvisorError": "core.errors",
    "Advice": "app.pipeline",
    "advise": "app.pipeline",
    "Codebook": "survey.codebook",
    "load_codebook": "survey.codebook",
    "Survey": "survey",
    "load_survey": "survey",
    "Comparison": "stats.compare",
    "compare_groups": "stats.compare",
    "Published": "protect.disclosure",
    "publish": "protect.disclosure",
    "WaveComparison": "stats.waves",
    "compare_waves": "stats.waves",
    "advice_document": "advice.document",
    "driver_analysis": "stats.drivers",
    "priority_matrix": "stats.drivers",
    "SLIDES": "render.deck",
    "load_deck_template": "render.deck",
    "render_deck": "render.deck",
    "build_questionnaire": "questionnaire",
    "write_key": "questionnaire",
    "write_questionnaire": "questionnaire",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module 'ism_advisor' has no attribute {name!r}")
