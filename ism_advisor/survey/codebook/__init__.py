"""The codebook: factors, their survey items, the answer scale and the usage question.

The packaged default is ``rules/factors.yaml``; an organisation passes its own with
``--codebook FILE``. :func:`load_codebook` validates the whole file and reports every
problem with its line and column.

Besides what the analysis needs, the codebook says how a survey asks its questions: the
wording of every item, the texts of the answer scale (:mod:`ism_advisor.survey.scales`), the
question text of the usage question and of the segment questions with their answer
options, and the questionnaire's own texts (title, introduction, anonymity statement,
closing, the "don't know" answer). The loader matches an export's columns by these texts,
and ``ism-advise questionnaire`` writes the survey from them
(:mod:`ism_advisor.questionnaire`).
"""

from __future__ import annotations

from .model import (
    DIRECTIONS,
    PLACEHOLDERS,
    Codebook,
    DontKnow,
    Factor,
    Item,
    QuestionnaireTexts,
    Segment,
    SegmentOption,
    Usage,
    default_codebook_path,
    usage_answer_key,
)
from .reader import load_codebook
from .shape import CODEBOOK

__all__ = [
    "CODEBOOK",
    "DIRECTIONS",
    "PLACEHOLDERS",
    "Codebook",
    "DontKnow",
    "Factor",
    "Item",
    "QuestionnaireTexts",
    "Segment",
    "SegmentOption",
    "Usage",
    "default_codebook_path",
    "load_codebook",
    "usage_answer_key",
]
