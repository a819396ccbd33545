"""Loading a survey export into a tidy, validated :class:`Survey`.

The reading itself lives in :mod:`ism_advisor.survey.reading` (a plain CSV file, or what a
survey tool exports); this module keeps the names the rest of the code imports.
"""

from __future__ import annotations

from .reading import Source, Survey, load_survey
from .redact import MARKERS, Redactor, redact

__all__ = ["MARKERS", "Redactor", "Source", "Survey", "load_survey", "redact"]
