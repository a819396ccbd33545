"""The evidence ledger of a store (``ism-advise evidence``, a run's ``--evidence``): the
document (:func:`ledger`), its CSV (:func:`ledger_csv`) and the catalogue's check
(:func:`check_text`). The statistics are :mod:`ism_advisor.stats.evidence`; the HTML,
Markdown and PDF report :mod:`ism_advisor.render.evidence`.

The ledger is computed from the store's entries, which already are the aggregates a
client consented to share; nothing of it is stored.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any, Protocol

from ..advice.knowledge import Knowledge, load_knowledge
from ..core.errors import N_, P_, Message
from ..core.formatting import format_figure
from ..core.i18n import translations
from ..stats.evidence import LedgerFactor, LedgerIntervention, build_ledger
from ..survey.codebook import load_codebook
from .settings import knowledge_paths

__all__ = [
    "CAVEAT",
    "CSV_COLUMNS",
    "check_failed",
    "check_text",
    "ledger",
    "ledger_csv",
    "read_knowledge_files",
]

#: Every output of the ledger says it (docs/reference/json.md, ``caveat``).
CAVEAT = N_("Before and after, not proof: clients chose what to do.")

#: The CSV's columns (docs/reference/commands.md, ``ism-advise evidence``).
CSV_COLUMNS = (
    "intervention", "title", "factor", "label", "measure", "clients", "estimate", "ci_low",
    "ci_high", "i2", "comparison_clients", "comparison_estimate", "comparison_ci_low",
    "comparison_ci_high", "difference", "difference_ci_low", "difference_ci_high", "caveat",
)  # fmt: skip


class EntrySource(Protocol):
    """What the ledger needs of a store (:class:`ism_advisor.store.Store`)."""

    def entries(self) -> list[Any]: ...


def ledger(
    store: EntrySource,
    knowledge: Knowledge,
    lang: str,
    *,
    client: str | None = None,
    until: str | None = None,
    by: str | None = None,
) -> dict[str, Any]:
    """The store's evidence ledger for ``knowledge`` (its codebook version, factors and
    catalogue), titles and labels in ``lang``, with the ``caveat``; ``client``'s entries
    left out, only periods ending on or before ``until``, ``by`` a split of the clients
    (size, sector or platform)."""
    factors = [
        LedgerFactor(f.id, f.label.get(lang) or f.id, f.direction)
        for f in knowledge.codebook.factors
    ]
    interventions = [
        LedgerIntervention(i.id, i.title.get(lang) or i.id, tuple(i.factors))
        for i in knowledge.interventions.values()
    ]
    document = build_ledger(
        store.entries(),
        factors,
        interventions,
        codebook_version=knowledge.codebook.version,
        exclude_client=client,
        until=until,
        by=by,
    )
    document["caveat"] = Message(CAVEAT).render(translations(lang))
    return document


def ledger_csv(document: dict[str, Any], lang: str) -> str:
    """The ledger as CSV (:data:`CSV_COLUMNS`): per intervention a row of its adoption
    change, then per factor it addresses a row of the non-users' change (with the
    comparison and the difference) and one of the gap's change. Figures as the JSON has
    them (a point, 4 decimals; I² in percent); empty where not shown."""
    del lang  # the document's texts are in its language already
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    caveat = document["caveat"]
    for item in document["interventions"]:
        head = [item["intervention"], item["title"]]
        writer.writerow(
            [
                *head,
                "",
                "",
                "adoption_change",
                *_pooled(item["adoption_change"]),
                *_comparison(item["adoption_comparison"]),
                "",
                "",
                "",
                caveat,
            ]
        )
        for row in item["factors"]:
            place = [row["factor"], row["label"]]
            difference = row["difference"]
            writer.writerow(
                head
                + place
                + ["non_users_change"]
                + _pooled(row["non_users_change"])
                + _comparison(row["comparison"])
                + [_cell(difference[k]) for k in ("estimate", "ci_low", "ci_high")]
                + [caveat]
            )
            writer.writerow(
                head + place + ["gap_change"] + _pooled(row["gap_change"]) + [""] * 7 + [caveat]
            )
    return out.getvalue()


def _pooled(pooled: dict[str, Any]) -> list[str]:
    return [str(pooled["k"])] + [_cell(pooled[k]) for k in ("estimate", "ci_low", "ci_high", "i2")]


def _comparison(pooled: dict[str, Any]) -> list[str]:
    return [str(pooled["k"])] + [_cell(pooled[k]) for k in ("estimate", "ci_low", "ci_high")]


def _cell(value: float | None) -> str:
    return "" if value is None else repr(float(value))


def check_failed(document: dict[str, Any]) -> bool:
    """True when a pooled change is credibly negative (``ism-advise evidence --check``
    exits 1)."""
    return bool(document["check"]["negative"])


def check_text(document: dict[str, Any], lang: str) -> str:
    """The catalogue's check as lines of text: the interventions whose pooled non-users'
    change on a factor is credibly negative (its whole interval below 0), those never
    carried out, and the caveat."""
    catalogue = translations(lang)

    def say(template: str, **params: Any) -> str:
        return Message(template, params).render(catalogue)

    items = {item["intervention"]: item for item in document["interventions"]}
    lines = [
        say(
            P_(
                "the ledger holds {n} client with two waves or more",
                "the ledger holds {n} clients with two waves or more",
            ),
            n=document["clients"],
        )
    ]
    negative = document["check"]["negative"]
    if negative:
        lines.append(
            say(
                P_(
                    "{n} pooled change is credibly negative (its whole interval below 0):",
                    "{n} pooled changes are credibly negative (their whole interval below 0):",
                ),
                n=len(negative),
            )
        )
        for found in negative:
            item = items[found["intervention"]]
            row = next(r for r in item["factors"] if r["factor"] == found["factor"])
            pooled = row["non_users_change"]
            lines.append(
                "  "
                + say(
                    P_(
                        "{intervention} ({title}): non-users' {factor} {change} [{low}; {high}]"
                        " at {n} client",
                        "{intervention} ({title}): non-users' {factor} {change} [{low}; {high}]"
                        " at {n} clients",
                    ),
                    intervention=item["intervention"],
                    title=item["title"],
                    factor=row["label"],
                    change=format_figure(pooled["estimate"], "signed", lang),
                    low=format_figure(pooled["ci_low"], "number", lang),
                    high=format_figure(pooled["ci_high"], "number", lang),
                    n=pooled["k"],
                )
            )
    else:
        lines.append(say(N_("no pooled change is credibly negative")))
    never = document["check"]["never"]
    if never:
        lines.append(
            say(
                P_(
                    "{n} intervention was never carried out at a client in the ledger:",
                    "{n} interventions were never carried out at a client in the ledger:",
                ),
                n=len(never),
            )
        )
        lines.extend(f"  {i} ({items[i]['title']})" for i in never)
    else:
        lines.append(say(N_("every intervention was carried out at a client in the ledger")))
    lines.append(document["caveat"])
    return "\n".join(lines) + "\n"


def read_knowledge_files(
    folder: Path | None, codebook: Path | None, rules: Path | None, interventions: Path | None
) -> Knowledge:
    """The checked knowledge base of ``--knowledge`` and the explicit files (the packaged
    ones where none is given), as the ledger reads it."""
    codebook, rules, interventions, _ = knowledge_paths(folder, codebook, rules, interventions)
    return load_knowledge(load_codebook(codebook), rules, interventions)
