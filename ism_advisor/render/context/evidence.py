"""The evidence ledger as the reports show it (``document["evidence"]``, from ``--evidence``
with a store, or the ledger document of ``ism-advise evidence``): the action cards' line
"Carried out at 6 earlier clients: …", the advice report's appendix "What worked
elsewhere" and the consultancy's own "What works" report.

The ledger comes computed (:mod:`ism_advisor.stats.evidence`): per intervention and
factor the clients' changes pooled with random effects, shown only from
``min_clients`` clients. This module only words and formats it and lays out its forest
plots. The clients' own changes come without any label, in the ledger's order (by
change, then standard error): a plot names them "Client 1" to "Client k" in that order,
so that no report names or orders another client.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from ...core.errors import N_, P_
from ...core.formatting import format_figure, format_report_date
from ..charts import forest_chart

__all__ = [
    "CAVEAT",
    "Evidence",
    "EvidenceReport",
    "Forest",
    "ForestRow",
    "LedgerRow",
    "evidence_appendix",
    "evidence_report",
    "ledger_lines",
]

#: The short caveat (contract C6): every output of the ledger says it.
CAVEAT = N_("Before and after, not proof: clients chose what to do.")
#: The caveat in plain words, where a report explains the ledger.
CAVEAT_LONG = N_(
    "Before and after, not proof: clients chose what to do, and things may have improved"
    " everywhere. The comparison with the clients that did not carry it out in their"
    " periods shows how much changed without it."
)


def _help(text: str) -> Any:
    return field(metadata={"help": text})


@dataclass(frozen=True)
class ForestRow:
    """One row of a forest plot and of its table."""

    label: str = _help("'Client 1' … 'Client k' (in the ledger's order), 'Pooled', 'Comparison'.")
    kind: str = _help("'study' (one client), 'pooled' or 'comparison'.")
    change: str = _help("The change, signed with 2 decimals, in the report's language.")
    interval: str = _help("Its 95% confidence interval, '[low; high]'.")


@dataclass(frozen=True)
class Forest:
    """One intervention's pooled change on one factor, with the clients' own changes."""

    intervention: str = _help("The intervention's id.")
    title: str = _help("The intervention's title in the report's language.")
    factor: str = _help("The factor's id.")
    label: str = _help("The factor's name in the report's language.")
    heading: str = _help("'Leaders work out loud: Manager influence'.")
    chart: Markup = _help("Inline SVG: the forest plot ('' without charts).")
    alt: str = _help("The plot's text alternative, one sentence from the figures.")
    rows: tuple[ForestRow, ...] = _help("The plot's rows, top to bottom: its table.")
    note: str = _help("How many clients and the heterogeneity between them (I²).")
    difference: str = _help(
        "The difference with the comparison and its interval ('' unless both are shown)."
    )


@dataclass(frozen=True)
class Evidence:
    """The appendix "What worked elsewhere" of the advice report (``--evidence``)."""

    heading: str = _help("'What worked elsewhere'.")
    about: str = _help("What the ledger is: periods, pooling, the minimum of clients.")
    caveat: str = _help("Before and after, not proof, in plain words.")
    forests: tuple[Forest, ...] = _help(
        "A forest plot per factor shown, for each intervention of the action plan (any"
        " segment) in the ledger."
    )
    none: str = _help("Why there is no plot ('' when there is one).")


@dataclass(frozen=True)
class LedgerRow:
    """One row of the "What works" report's summary: an intervention × factor."""

    title: str = _help("The intervention's title (on its first row only, else '').")
    span: int = _help("Rows the title heads (on the first row; 0 on the others).")
    label: str = _help("The factor's name, a subgroup's name, or 'never carried out'.")
    clients: str = _help("How many clients.")
    change: str = _help("The pooled non-users' change ('–' when not shown).")
    interval: str = _help("Its 95% interval ('–' when not shown).")
    i2: str = _help("I² in percent ('–' when not shown).")
    comparison: str = _help("The comparison's pooled change and interval ('–' if not shown).")
    difference: str = _help("The difference and its interval ('–' unless both are shown).")
    subgroup: bool = _help("True for a subgroup's row (ism-advise evidence --by).")


@dataclass(frozen=True)
class EvidenceReport:
    """The consultancy's "What works" report (``ism-advise evidence --format html|md|pdf``)."""

    lang: str = _help("'en' or 'nl'.")
    title: str = _help("'What works: the evidence ledger'.")
    caveat: str = _help("Before and after, not proof, in plain words.")
    about: str = _help("What the ledger is.")
    scope: str = _help("How many clients and periods, the questionnaire's version, the date.")
    columns: tuple[str, ...] = _help("The summary table's column headers.")
    rows: tuple[LedgerRow, ...] = _help("The summary: every intervention, in catalogue order.")
    forests: tuple[Forest, ...] = _help("A forest plot per intervention × factor shown.")
    negative: tuple[str, ...] = _help("'intervention: factor' credibly negative (the check).")
    never: tuple[str, ...] = _help("The titles of the interventions never carried out.")


def ledger_lines(document: Mapping[str, Any], t: Callable[..., str], lang: str) -> dict[str, str]:
    """Per intervention with a shown non-users' change: the action card's line
    "Carried out at 6 earlier clients: non-users' manager influence +0.31 [0.12; 0.50]"
    (each factor shown, joined by "; "). Empty without the ledger."""
    evidence = document.get("evidence")
    if not evidence:
        return {}
    lines = {}
    for item in evidence["interventions"]:
        parts = [
            t(
                "non-users' {factor} {change} [{low}; {high}]",
                factor=_lower(f["label"]),
                change=_signed(f["non_users_change"]["estimate"], lang),
                low=_number(f["non_users_change"]["ci_low"], lang),
                high=_number(f["non_users_change"]["ci_high"], lang),
            )
            for f in item["factors"]
            if f["non_users_change"]["shown"]
        ]
        if parts:
            lines[item["intervention"]] = t(
                P_(
                    "Carried out at {n} earlier client: {figures}",
                    "Carried out at {n} earlier clients: {figures}",
                ),
                n=item["clients"],
                figures="; ".join(parts),
            )
    return lines


def evidence_appendix(
    document: Mapping[str, Any], t: Callable[..., str], lang: str, charts: bool = True
) -> Evidence | None:
    """The appendix "What worked elsewhere": a forest plot per shown factor of each
    intervention the action plan recommends (in any segment); None without the ledger."""
    evidence = document.get("evidence")
    if not evidence:
        return None
    planned = _planned(document)
    items = {item["intervention"]: item for item in evidence["interventions"]}
    forests = tuple(
        _forest(items[i], f, t, lang, charts)
        for i in planned
        if i in items
        for f in items[i]["factors"]
        if f["non_users_change"]["shown"]
    )
    return Evidence(
        heading=t("What worked elsewhere"),
        about=_about(evidence, t),
        caveat=t(CAVEAT_LONG),
        forests=forests,
        none=""
        if forests
        else t(
            "No intervention of the action plan was carried out at {minimum} or more other"
            " clients with a measured change: nothing to show yet.",
            minimum=evidence["min_clients"],
        ),
    )


def evidence_report(
    document: Mapping[str, Any], t: Callable[..., str], lang: str
) -> EvidenceReport:
    """The consultancy's "What works" report from the ledger document."""
    rows: list[LedgerRow] = []
    forests: list[Forest] = []
    for item in document["interventions"]:
        rows += _summary_rows(item, t, lang)
        forests += [
            _forest(item, f, t, lang, True)
            for f in item["factors"]
            if f["non_users_change"]["shown"]
        ]
    titles = {item["intervention"]: item["title"] for item in document["interventions"]}
    labels = {
        (item["intervention"], f["factor"]): f["label"]
        for item in document["interventions"]
        for f in item["factors"]
    }
    check = document.get("check") or {"negative": [], "never": []}
    return EvidenceReport(
        lang=lang,
        title=t("What works: the evidence ledger"),
        caveat=t(CAVEAT_LONG),
        about=_about(document, t, others=False),
        scope=_scope(document, t, lang),
        columns=(
            t("Intervention"),
            t("Factor"),
            t("Clients"),
            t("Pooled change"),
            t("95% CI"),
            "I²",
            t("Comparison"),
            t("Difference"),
        ),
        rows=tuple(rows),
        forests=tuple(forests),
        negative=tuple(
            f"{titles.get(c['intervention'], c['intervention'])}: "
            f"{labels.get((c['intervention'], c['factor']), c['factor'])}"
            for c in check["negative"]
        ),
        never=tuple(titles.get(i, i) for i in check["never"]),
    )


def _planned(document: Mapping[str, Any]) -> list[str]:
    """The interventions the action plan recommends, in any segment, each once, in the
    order of the segments' plans."""
    seen: dict[str, None] = {}
    for segment in document.get("segments", ()):
        for r in segment.get("recommendations") or ():
            seen.setdefault(r["intervention"], None)
    return list(seen)


def _forest(
    item: Mapping[str, Any], f: Mapping[str, Any], t: Callable[..., str], lang: str, charts: bool
) -> Forest:
    pooled = f["non_users_change"]
    comparison = f.get("comparison") or {}
    rows = [
        (t("Client {n}", n=index), s["change"], s["ci_low"], s["ci_high"], "study")
        for index, s in enumerate(pooled["studies"], start=1)
    ]
    rows.append((t("Pooled"), pooled["estimate"], pooled["ci_low"], pooled["ci_high"], "pooled"))
    if comparison.get("shown"):
        rows.append(
            (
                t("Comparison"),
                comparison["estimate"],
                comparison["ci_low"],
                comparison["ci_high"],
                "comparison",
            )
        )
    alt = t(
        P_(
            "Forest plot: the non-users' change in {factor} at {n} client that carried out"
            " {intervention}, pooled {change} [{low}; {high}].",
            "Forest plot: the non-users' change in {factor} at {n} clients that carried out"
            " {intervention}, pooled {change} [{low}; {high}].",
        ),
        n=pooled["k"],
        factor=_lower(f["label"]),
        intervention=item["title"],
        change=_signed(pooled["estimate"], lang),
        low=_number(pooled["ci_low"], lang),
        high=_number(pooled["ci_high"], lang),
    )
    if comparison.get("shown"):
        alt += " " + t(
            "Where it was not carried out: {change} [{low}; {high}].",
            change=_signed(comparison["estimate"], lang),
            low=_number(comparison["ci_low"], lang),
            high=_number(comparison["ci_high"], lang),
        )
    difference = f.get("difference") or {}
    chart = (
        forest_chart(rows, lang, alt, t("non-users' change (positive: better)"))
        if charts
        else Markup("")
    )
    return Forest(
        intervention=item["intervention"],
        title=item["title"],
        factor=f["factor"],
        label=f["label"],
        heading=t("{intervention}: {factor}", intervention=item["title"], factor=f["label"]),
        chart=chart,
        alt=alt,
        rows=tuple(
            ForestRow(label, kind, _signed(change, lang), _interval(low, high, lang))
            for label, change, low, high, kind in rows
        ),
        note=t(
            P_(
                "Pooled over {n} client; heterogeneity between clients (I²): {i2}.",
                "Pooled over {n} clients; heterogeneity between clients (I²): {i2}.",
            ),
            n=pooled["k"],
            i2=_percent(pooled["i2"], lang),
        ),
        difference=""
        if difference.get("estimate") is None
        else t(
            "Difference with the comparison: {change} [{low}; {high}].",
            change=_signed(difference["estimate"], lang),
            low=_number(difference["ci_low"], lang),
            high=_number(difference["ci_high"], lang),
        ),
    )


def _summary_rows(item: Mapping[str, Any], t: Callable[..., str], lang: str) -> list[LedgerRow]:
    """An intervention's rows of the summary: per factor its pooled change, comparison
    and difference, and its subgroups' rows; one row "never carried out" without clients."""
    if not item["clients"]:
        return [LedgerRow(item["title"], 1, t("never carried out"), "0", *("–",) * 5, False)]
    rows = []
    for f in item["factors"]:
        rows.append(_row(f["label"], f["non_users_change"], f, lang, subgroup=False))
        rows += [
            _row(
                t("{factor}, {group}", factor=f["label"], group=_group(g["group"], t)),
                g["non_users_change"],
                {},
                lang,
                subgroup=True,
            )
            for g in f.get("subgroups") or ()
        ]
    if (item.get("adoption_change") or {}).get("shown"):
        comparison = item.get("adoption_comparison") or {}
        rows.append(
            _row(
                t("Adoption (percentage points)"),
                _points(item["adoption_change"]),
                {"comparison": _points(comparison) if comparison.get("shown") else {}},
                lang,
                subgroup=False,
            )
        )
    first = rows[0]
    rows[0] = LedgerRow(item["title"], len(rows), *_fields(first)[2:])
    return rows


def _fields(row: LedgerRow) -> tuple[Any, ...]:
    return (
        row.title,
        row.span,
        row.label,
        row.clients,
        row.change,
        row.interval,
        row.i2,
        row.comparison,
        row.difference,
        row.subgroup,
    )


def _row(
    label: str, pooled: Mapping[str, Any], f: Mapping[str, Any], lang: str, subgroup: bool
) -> LedgerRow:
    shown = bool(pooled.get("shown"))
    comparison = f.get("comparison") or {}
    difference = f.get("difference") or {}
    return LedgerRow(
        title="",
        span=0,
        label=label,
        clients=str(pooled.get("k") or 0),
        change=_signed(pooled["estimate"], lang) if shown else "–",
        interval=_interval(pooled["ci_low"], pooled["ci_high"], lang) if shown else "–",
        i2=_percent(pooled["i2"], lang) if shown else "–",
        comparison=(
            f"{_signed(comparison['estimate'], lang)} "
            f"{_interval(comparison['ci_low'], comparison['ci_high'], lang)}"
            if comparison.get("shown")
            else "–"
        ),
        difference=(
            f"{_signed(difference['estimate'], lang)} "
            f"{_interval(difference['ci_low'], difference['ci_high'], lang)}"
            if difference.get("estimate") is not None
            else "–"
        ),
        subgroup=subgroup,
    )


def _points(pooled: Mapping[str, Any]) -> dict[str, Any]:
    """A pooled change in adoption (a fraction) in percentage points."""
    scaled = {name: pooled[name] * 100 for name in ("estimate", "ci_low", "ci_high")}
    return {**pooled, **scaled}


#: The subgroups' names (``ism-advise evidence --by size``); sectors and platforms are
#: the store's own words.
GROUPS = {"small": N_("fewer than 250 employees"), "large": N_("250 employees or more")}


def _group(group: str, t: Callable[..., str]) -> str:
    return t(GROUPS[group]) if group in GROUPS else group


def _about(evidence: Mapping[str, Any], t: Callable[..., str], others: bool = True) -> str:
    """What the ledger is; ``others``: said in a client's report (the client left out)."""
    if not others:
        return t(
            "The ledger takes the clients in the store that consented and used the same"
            " version of the questionnaire ({version}), and their periods between two"
            " consecutive surveys: what they carried out in between, and how their"
            " non-users' figures changed on the factors it addresses (positive: better)."
            " Each client counts once per intervention, with its latest such period; the"
            " clients' changes are pooled with a random-effects meta-analysis, and a figure"
            " is shown only from {minimum} clients. The clients are not named: a plot"
            " numbers them by their change.",
            version=evidence["codebook_version"],
            minimum=evidence["min_clients"],
        )
    return t(
        "The ledger takes the other clients in the store that consented and used the same"
        " version of the questionnaire ({version}), and their periods between two"
        " consecutive surveys: what they carried out in between, and how their non-users'"
        " figures changed on the factors it addresses (positive: better). Each client"
        " counts once per intervention, with its latest such period; the clients' changes"
        " are pooled with a random-effects meta-analysis, and a figure is shown only from"
        " {minimum} clients. The clients are not named: a plot numbers them by their change.",
        version=evidence["codebook_version"],
        minimum=evidence["min_clients"],
    )


def _scope(document: Mapping[str, Any], t: Callable[..., str], lang: str) -> str:
    clients = t(P_("{n} client", "{n} clients"), n=document["clients"])
    periods = t(P_("{n} period", "{n} periods"), n=document["periods"])
    if document.get("until"):
        return t(
            "{clients}, {periods}, up to {until}.",
            clients=clients,
            periods=periods,
            until=format_report_date(document["until"], lang) or document["until"],
        )
    return t("{clients}, {periods}.", clients=clients, periods=periods)


def _lower(label: str) -> str:
    """A factor's name inside a sentence: its first letter lower case, unless the name
    starts with an abbreviation ('ICT support' stays)."""
    if label[1:2].isupper():
        return label
    return label[:1].lower() + label[1:]


def _signed(value: float | None, lang: str) -> str:
    return "–" if value is None else format_figure(value, "signed", lang)


def _number(value: float | None, lang: str) -> str:
    return "–" if value is None else format_figure(value, "number", lang)


def _interval(low: float | None, high: float | None, lang: str) -> str:
    if low is None or high is None:
        return "–"
    return f"[{_number(low, lang)}; {_number(high, lang)}]"


def _percent(value: float | None, lang: str) -> str:
    if value is None:
        return "–"
    return format_figure(value, "decimal", lang) + "%"
