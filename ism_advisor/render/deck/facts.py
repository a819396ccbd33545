"""What the slides are made from: :func:`deck_facts` reads the advice document and the
report's context (the one place that knows their field names)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..absent import REASON_NOT_ASKED
from ..context.build import report_context

__all__ = ["DeckFacts", "deck_facts"]


@dataclass(frozen=True)
class Hidden:
    """Something the deck leaves out for anonymity (no figures, no reason of its own)."""

    label: str


@dataclass(frozen=True)
class DeckFacts:
    """Everything the slide builders read, made from the advice document.

    ``report`` is the report's context (:class:`ism_advisor.render.context.model.ReportContext`: the
    published figures, formatted sentences and the action plan); the other fields are
    what the deck shows beyond the report.
    """

    report: Any
    lang: str
    #: the survey file's name, for the title slide's notes and the appendix
    survey: str
    #: --date as an ISO date (the deck's document date), or None
    date: str | None
    #: what this deck leaves out for anonymity: hidden segments (the deck on everyone)
    #: or this segment's hidden comparisons (a segment's deck)
    hidden: tuple[Hidden, ...]
    #: the answer scale's lowest and highest value (the codebook's): every chart of
    #: means covers it
    scale: tuple[float, float]
    #: each factor's short name (the codebook's, else its name) by its name, for dense
    #: tables and the priority matrix's labels
    short: Mapping[str, str] = field(default_factory=dict)

    def short_label(self, label: str) -> str:
        return self.short.get(label, label)


def deck_facts(
    document: Mapping[str, Any],
    *,
    title: str | None = None,
    client: str | None = None,
    date: str | None = None,
    segment: int = 0,
) -> DeckFacts:
    """The facts for the deck on ``document['segments'][segment]`` (0: everyone).

    The one place that reads the document for the deck: the published figures only, as
    the report context has them.
    """
    report = report_context(
        document, title=title, client=client, date=date, segment=segment, charts=False
    )
    lang = document["settings"]["lang"]
    target = document["segments"][segment]
    labels = {f["id"]: f["label"] for f in document["factors"]}
    hidden: list[Hidden] = []
    if segment == 0:
        for entry in document["segments"][1:]:
            if entry["suppressed"]:
                label = f"{entry['value']} ({entry.get('label') or entry['column']})"
                hidden.append(Hidden(label))
    for comparison in target["comparisons"]:
        # a factor not asked is no anonymity matter: the summary says it was not asked
        if comparison["suppressed"] and comparison["suppressed_reason"] != REASON_NOT_ASKED:
            name = labels.get(comparison["factor"], comparison["factor"])
            hidden.append(Hidden(name))
    scale = document["scale"]
    return DeckFacts(
        report=report,
        lang=lang,
        survey=Path(str(document["input"]["path"])).name,
        date=date,
        hidden=tuple(hidden),
        scale=(float(scale["min"]), float(scale["max"])),
        short={f["label"]: f.get("short") or f["label"] for f in document["factors"]},
    )
