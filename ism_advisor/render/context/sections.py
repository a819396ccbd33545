"""The report context's sections: the actions and the rules behind them, the segment
overview, the correlations and the method appendix."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ...core.errors import N_
from ...core.formatting import format_figure
from ...core.vocabulary import COMPARISON, INTERVENTION, SEGMENT, effect_level
from ..absent import REASON_NOT_ASKED, not_asked_in
from .model import (
    LABELS,
    RELIABILITY_FLOOR,
    Action,
    Correlation,
    Fired,
    HeatCell,
    MatchedFigures,
    Method,
    Reliability,
    SegmentRow,
    segment_label,
)

__all__ = ["hidden_counts"]


def ranked_action(
    rank: int, r: Mapping, factors: Sequence[Mapping], t, lang: str, conclusions: Mapping
) -> Action:
    labels = {f["id"]: f["label"] for f in factors}
    return Action(
        rank=rank,
        intervention=r["intervention"],
        title=r["title"],
        description=r["description"],
        steps=tuple(r["steps"]),
        priority=r["priority"],
        priority_label=t(LABELS["priority"][r["priority"]]),
        owner=t(LABELS["owner"][r["owner"]]),
        effort=t(LABELS["effort"][r["effort"]]),
        horizon=t(LABELS["horizon"][r["horizon"]]),
        because=tuple(r["because"]),
        factors=tuple(labels.get(f, f) for f in r["factors"]),
        evidence=tuple(r["evidence"]),
        rules=tuple(
            Fired(e["rule"], e["because"], _matched(e["matched"], labels, t, lang, conclusions))
            for e in r["explanation"]
        ),
    )


def _matched(
    matched: Mapping, labels: Mapping, t, lang: str, conclusions: Mapping
) -> tuple[MatchedFigures, ...]:
    out = []
    for name, fact in matched.items():
        if "intervention" in fact:  # the evidence ledger's (--evidence): by its title
            shown = INTERVENTION.labelled
            label = fact.get("title") or fact["intervention"]
        elif "factor" in fact:
            shown = COMPARISON.labelled
            label = labels.get(fact["factor"], fact["factor"])
        elif "conclusion" in fact:
            shown = ()
            # a matched conclusion carries its id; its label is the segment's
            name = conclusions.get(fact["conclusion"]) or fact["conclusion"]
            label = t("conclusion: {name}", name=name)
        else:
            shown = SEGMENT.labelled
            label = fact.get("value") or t("all respondents")
        figures = tuple(
            (t(f.label or f.name), format_figure(fact[f.name], f.format, lang))
            for f in shown
            if fact.get(f.name) is not None
        )
        out.append(MatchedFigures(name, label, figures))
    return tuple(out)


def segment_rows(document: Mapping, factors: Sequence[Mapping], t, lang: str):
    rows = []
    for segment in document["segments"][1:]:
        cells = []
        by_factor = {c["factor"]: c for c in segment["comparisons"]}
        for f in factors:
            c = by_factor.get(f["id"])
            if segment["suppressed"] or c is None or c["suppressed"]:
                reason = segment["suppressed_reason"] or (c or {}).get("suppressed_reason")
                if reason == REASON_NOT_ASKED:  # no anonymity matter: said as it is
                    cells.append(HeatCell(t("n/a"), "none", not_asked_in(document, t)))
                    continue
                cells.append(HeatCell("·", "hidden", _hidden_text(reason, t)))
                continue
            g = c["hedges_g"]
            if g is None:
                cells.append(HeatCell("–", "none", t("not computed")))
                continue
            level = effect_level(g)
            shade = "none" if level == 0 else ("pos" if g > 0 else "neg") + str(level)
            mark = "*" if c["significant"] else ""
            cells.append(
                HeatCell(
                    format_figure(g, "number", lang) + mark,
                    shade,
                    t(
                        "g = {g}, p {p}",
                        g=format_figure(g, "number", lang),
                        p=format_figure(c["p_holm"], "p", lang),
                    ),
                )
            )
        recommendations = segment.get("recommendations") or []
        rows.append(
            SegmentRow(
                column=segment["column"],
                value=segment["value"],
                suppressed=segment["suppressed"],
                hidden_reason=segment["suppressed_reason"],
                respondents=segment["respondents"],
                adoption_rate=segment["adoption_rate"],
                cells=tuple(cells),
                top_action=recommendations[0]["title"] if recommendations else None,
                label=segment_label(segment),
            )
        )
    return tuple(rows)


def _hidden_text(reason: str | None, t) -> str:
    return t(
        "hidden (anonymity): a group is too small, or with other figures it would reveal a"
        " smaller group"
    )


def hidden_counts(document: Mapping) -> dict[str, int]:
    """Hidden segments, and hidden comparisons of shown segments (totals: counts by
    reason would give bounds away, see :mod:`ism_advisor.protect.disclosure`).

    The same for every report of a run, and a walk over all segments: a ``--per-segment``
    run over thousands of segments asks for it once per report, so the last document's
    counts are kept (by identity: the document is not changed once made)."""
    last = _HIDDEN_COUNTS.get("document")
    if last is document:
        return dict(_HIDDEN_COUNTS["counts"])
    out = _hidden_counts(document)
    _HIDDEN_COUNTS.update(document=document, counts=dict(out))
    return out


_HIDDEN_COUNTS: dict[str, Any] = {}


def _hidden_counts(document: Mapping) -> dict[str, int]:
    out = {"segments": 0, "comparisons": 0}
    for segment in document["segments"]:
        if segment["suppressed"]:
            out["segments"] += 1
            continue
        out["comparisons"] += sum(
            bool(c["suppressed"]) and c["suppressed_reason"] != REASON_NOT_ASKED
            for c in segment["comparisons"]
        )
    return out


def _strength(r: float) -> str:
    size = abs(r)
    return (
        "negligible"
        if size < 0.1
        else "weak"
        if size < 0.3
        else "moderate"
        if size < 0.5
        else "strong"
    )


def correlation_figures(document: Mapping, factors: Sequence[Mapping], t, lang: str):
    matrix = document["correlations"]
    labels = {f["id"]: f["label"] for f in factors}
    pairs = []
    for i, a in enumerate(factors):
        for b in factors[i + 1 :]:
            r = matrix[a["id"]][b["id"]]
            if r is not None and abs(r) >= 0.3:
                pairs.append((a, b, r))
    pairs.sort(key=lambda item: -abs(item[2]))
    notable = []
    for a, b, r in pairs[:5]:
        # what a higher score on one means for the other, in the favourable sense
        same = (a["direction"] == b["direction"]) == (r > 0)
        reading = (
            t(
                "Who scores better on {a} also tends to score better on {b}.",
                a=labels[a["id"]],
                b=labels[b["id"]],
            )
            if same
            else t(
                "Who scores better on {a} tends to score worse on {b}.",
                a=labels[a["id"]],
                b=labels[b["id"]],
            )
        )
        notable.append(
            Correlation(
                labels[a["id"]], labels[b["id"]], r, t(LABELS["strength"][_strength(r)]), reading
            )
        )
    table = tuple(
        (
            labels[a["id"]],
            tuple(
                ""
                if matrix[a["id"]][b["id"]] is None
                else format_figure(matrix[a["id"]][b["id"]], "r", lang)
                for b in factors
            ),
        )
        for a in factors
    )
    return tuple(notable), table


def _items_not_asked(factor: Mapping, t) -> str:
    """The note on a factor whose survey left items out ("3 of 4 items: pe4 not asked"),
    else ''."""
    missing = factor.get("items_not_asked") or []
    if not missing:
        return ""
    return t(
        "{count} of {total} items: {items} not asked",
        count=factor["items"] - len(missing),
        total=factor["items"],
        items=", ".join(missing),
    )


def method_appendix(document: Mapping, comparisons, target: Mapping, t) -> Method:
    settings = document["settings"]
    knowledge = document.get("knowledge", {})
    roles = {"codebook": N_("Codebook"), "rules": N_("Rules"), "interventions": N_("Interventions")}
    # the JSON names the packaged files "<packaged>/factors.yaml"; a reader gets words
    packaged = {
        "codebook": N_("ism-advisor's default codebook ({file})"),
        "rules": N_("ism-advisor's default rules ({file})"),
        "interventions": N_("ism-advisor's default interventions ({file})"),
    }

    def source(key: str, value: str) -> str:
        name = value.removeprefix("<packaged>/")
        return t(packaged[key], file=name) if name != value else value

    return Method(
        respondents=document["input"]["respondents"],
        excluded=document["input"]["excluded"],
        alpha=settings["alpha"],
        min_group_size=settings["min_group_size"],
        segment_by=tuple(settings["segment_by"]),
        suppressed=sum(1 for s in document["segments"] if s["suppressed"]),
        hidden=hidden_counts(document),
        reliability=tuple(
            Reliability(
                c.label,
                c.cronbach_alpha,
                c.cronbach_alpha is not None and c.cronbach_alpha < RELIABILITY_FLOOR,
                not_asked_in(document, t)
                if c.hidden_reason == REASON_NOT_ASKED
                else _items_not_asked(f, t),
            )
            for c, f in zip(comparisons, document["factors"], strict=True)
        ),
        # the knowledge base's files only (not its codebook_version, which is for the store)
        files=tuple(
            (t(roles[key]), source(key, knowledge[key])) for key in roles if key in knowledge
        ),
        input=document["input"]["path"],
        columns=tuple((c["column"], c["use"]) for c in document["input"].get("columns", ())),
    )
