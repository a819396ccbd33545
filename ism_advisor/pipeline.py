"""The whole job in one call: survey file in, advice document out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .codebook import load_codebook
from .compare import compare_groups
from .document import advice_document
from .errors import Message
from .knowledge import load_knowledge
from .recommend import recommend
from .survey import load_survey

__all__ = ["Advice", "advise"]


@dataclass(frozen=True)
class Advice:
    """What one run produced: the document and the warnings to show."""

    document: dict
    warnings: tuple[Message, ...]


def advise(
    scores: str | Path,
    *,
    codebook: str | Path | None = None,
    rules: str | Path | None = None,
    interventions: str | Path | None = None,
    segment_by: Sequence[str] = (),
    alpha: float = 0.05,
    min_group_size: int = 5,
    lang: str = "en",
) -> Advice:
    """Validate the knowledge base, load the survey, compare, and advise.

    The packaged codebook, rules and interventions are used where no path is given.
    """
    book = load_codebook(codebook)
    knowledge = load_knowledge(book, rules, interventions)
    survey = load_survey(scores, book, segment_by)
    comparison = compare_groups(survey, alpha=alpha, min_group_size=min_group_size)
    advice = recommend(comparison, knowledge, lang)
    document = advice_document(survey, comparison, lang=lang, knowledge=knowledge, advice=advice)
    return Advice(document=document, warnings=survey.warnings)
