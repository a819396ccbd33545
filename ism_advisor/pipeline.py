"""The whole job in one call: survey file in, advice document out."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from .codebook import load_codebook
from .compare import compare_groups
from .document import advice_document, to_json
from .errors import Message
from .knowledge import load_knowledge
from .recommend import recommend
from .survey import load_survey

__all__ = ["Advice", "advise", "render", "segment_reports"]


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


def render(
    document: dict,
    fmt: str,
    *,
    title: str | None = None,
    client: str | None = None,
    date: str | None = None,
    templates: Path | None = None,
    segment: int = 0,
) -> bytes:
    """The document as a report (html, pdf, md) or as JSON."""
    if fmt == "json":
        return to_json(document).encode("utf-8")
    from .report import render_report, report_context

    context = report_context(
        document, title=title, client=client, date=date, segment=segment, charts=fmt != "md"
    )
    return render_report(context, fmt, templates)


def segment_reports(
    document: dict, fmt: str, **options: Any
) -> list[tuple[str, Callable[[], bytes]]]:
    """(file name, render function) for every shown segment's own report."""
    from .report import segment_file_names

    shown = [i for i, s in enumerate(document["segments"]) if i and not s["suppressed"]]
    labels = [(document["segments"][i]["column"], document["segments"][i]["value"]) for i in shown]
    names = segment_file_names(labels, fmt)
    return [
        (name, partial(render, document, fmt, segment=index, **options))
        for name, index in zip(names, shown, strict=True)
    ]
