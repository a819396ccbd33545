"""The section "Compared with N organisations": the document's ``norms`` (``--norms`` with a
store) as the report, deck and brief show it.

The norms come computed and already protected (:mod:`ism_advisor.stats.norms`): nothing
below 5 organisations, quantiles only from 10, P10 and P90 only from 20, never a minimum
or maximum. This module only words and formats them, and lays out their charts: the
non-users' mean per factor on the answer scale and the gap per factor, each with the
client's position within the organisations' middle half.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from markupsafe import Markup

from ...core.errors import N_, P_
from ...core.formatting import format_figure, format_report_date
from ..charts import norms_chart
from .model import ChartData, NormFactor, NormPosition, NormRow, Norms

__all__ = ["brief_norms_line", "norms_context", "norms_line"]

#: The measures of a factor, in the table's order, with their names there (short, so
#: that the table fits a page in Dutch too: the note under it says they are means).
MEASURES = {
    "non_users_mean": N_("Non-users"),
    "users_mean": N_("Users"),
    "gap": N_("Gap"),
}


def norms_context(
    document: Mapping[str, Any],
    t: Callable[..., str],
    lang: str,
    charts: bool = True,
) -> Norms | None:
    """The section from ``document["norms"]``; None when the document has none (a run
    without ``--norms``), or for a segment's report (the norms compare organisations)."""
    norms = document.get("norms")
    if not norms:
        return None
    count = norms["organisations"]
    factors = _factors(document)
    adoption = _position(norms["adoption"])
    heading = t(P_("Compared with {n} organisation", "Compared with {n} organisations"), n=count)
    worse = [f.label for f in factors if not f.higher_is_better]
    direction_note = (
        t(
            "Higher is worse for {factors}: there a lower percentile rank of the means is"
            " the more favourable.",
            factors="; ".join(worse),
        )
        if worse
        else ""
    )
    number = _formatter(lang)
    rows = _rows(factors, adoption, t, number, lang)
    shown = bool(norms["shown"])
    scale = document.get("scale") or {"min": 1, "max": 5}
    chart_data = _chart_data(factors, "non_users_mean", t, number)
    gap_data = _chart_data(factors, "gap", t, number)
    chart = gap_chart = Markup("")
    if charts and shown and _banded(factors, "non_users_mean"):
        chart = norms_chart(
            [(_row_label(f, t), f.non_users_mean) for f in factors],
            t,
            lang,
            chart_data.alt,
            (scale["min"], scale["max"]),
            t("non-users' mean score"),
        )
    if charts and shown and _banded(factors, "gap"):
        gap_chart = norms_chart(
            [(f.short_label, f.gap) for f in factors],
            t,
            lang,
            gap_data.alt,
            (0.0, 0.0),
            t("gap (positive: non-users lag behind)"),
            digits="0.0",
        )
    return Norms(
        organisations=count,
        shown=shown,
        heading=heading,
        about=_about(norms, t, lang),
        not_shown="" if shown else _not_shown(norms, t),
        factors=factors,
        adoption=adoption,
        rows=rows if shown else (),
        outer=shown and any(r.outer != "–" for r in rows),
        direction_note=direction_note if shown else "",
        line=norms_line(norms, factors, t),
        chart=chart,
        chart_data=chart_data,
        gap_chart=gap_chart,
        gap_data=gap_data,
    )


def brief_norms_line(document: Mapping[str, Any], t) -> str:
    """The norms' one sentence (:func:`norms_line`) for the brief: '' without norms."""
    norms = document.get("norms")
    if not norms:
        return ""
    return norms_line(norms, _factors(document), t)


def _factors(document: Mapping[str, Any]) -> tuple[NormFactor, ...]:
    labels = {f["id"]: f for f in document["factors"]}
    return tuple(
        NormFactor(
            factor=f["factor"],
            label=labels.get(f["factor"], {}).get("label", f["factor"]),
            short_label=_short(labels.get(f["factor"], {}), f["factor"]),
            higher_is_better=f["direction"] == "higher_is_better",
            non_users_mean=_position(f["non_users_mean"]),
            users_mean=_position(f["users_mean"]),
            gap=_position(f["gap"]),
        )
        for f in document["norms"]["factors"]
    )


def norms_line(norms: Mapping[str, Any], factors: Sequence[NormFactor], t) -> str:
    """One sentence for the brief and the deck, on the whole organisation (a team's brief
    shows it too, so it names its subject): the factor whose non-users' mean is least
    favourable against the other organisations, said as a share of them ("below three
    quarters of them" under the 25th percentile rank, "below half of them" under the
    50th), or that none lies below the middle."""
    count = norms["organisations"]
    if not norms["shown"]:
        return _not_shown(norms, t)
    ranked = [
        (_favourable(f), i, f)
        for i, f in enumerate(factors)
        if f.non_users_mean.percentile is not None
    ]
    if not ranked:
        return t(
            P_(
                "Compared with {n} other organisation: no factor's figures can be compared.",
                "Compared with {n} other organisations: no factor's figures can be compared.",
            ),
            n=count,
        )
    rank, _, worst = min(ranked, key=lambda item: (item[0], item[1]))
    if rank >= 50:
        return t(
            P_(
                "Compared with {n} other organisation, the organisation's non-users score"
                " at or above the middle on every factor.",
                "Compared with {n} other organisations, the organisation's non-users score"
                " at or above the middle on every factor.",
            ),
            n=count,
        )
    share = t("three quarters of them") if rank < 25 else t("half of them")
    if worst.higher_is_better:
        return t(
            P_(
                "Compared with {n} other organisation, the organisation's non-users score"
                " lower on {factor} than at {share}.",
                "Compared with {n} other organisations, the organisation's non-users score"
                " lower on {factor} than at {share}.",
            ),
            n=count,
            factor=worst.label,
            share=share,
        )
    return t(
        P_(
            "Compared with {n} other organisation, the organisation's non-users score higher"
            " on {factor} (higher is worse) than at {share}.",
            "Compared with {n} other organisations, the organisation's non-users score higher"
            " on {factor} (higher is worse) than at {share}.",
        ),
        n=count,
        factor=worst.label,
        share=share,
    )


def _favourable(f: NormFactor) -> int:
    """The non-users' mean's percentile rank turned to the favourable direction."""
    rank = f.non_users_mean.percentile or 0
    return rank if f.higher_is_better else 100 - rank


def _position(figures: Mapping[str, Any]) -> NormPosition:
    return NormPosition(
        value=figures.get("value"),
        n=figures.get("n") or 0,
        percentile=figures.get("percentile"),
        p10=figures.get("p10"),
        p25=figures.get("p25"),
        median=figures.get("median"),
        p75=figures.get("p75"),
        p90=figures.get("p90"),
    )


def _short(factor: Mapping[str, Any], default: str) -> str:
    return factor.get("short") or factor.get("label") or default


def _row_label(f: NormFactor, t) -> str:
    """A chart row's name: the short name, and the direction in words where higher is
    worse."""
    if f.higher_is_better:
        return f.short_label
    return t("{factor} (higher is worse)", factor=f.short_label)


def _formatter(lang: str) -> Callable[[float | None], str]:
    return lambda v: "–" if v is None else format_figure(v, "number", lang)


def _between(low: float | None, high: float | None, fmt: Callable) -> str:
    if low is None or high is None:
        return "–"
    return f"{fmt(low)} – {fmt(high)}"  # as the report's other ranges (done effects)


def _rows(
    factors: Sequence[NormFactor], adoption: NormPosition, t, number: Callable, lang: str
) -> tuple[NormRow, ...]:
    def row(
        label: str, measure: str, p: NormPosition, fmt: Callable, note: str, span: int
    ) -> NormRow:
        return NormRow(
            label=label,
            measure=measure,
            client=fmt(p.value),
            percentile="–" if p.percentile is None else str(p.percentile),
            median=fmt(p.median),
            middle=_between(p.p25, p.p75, fmt),
            outer=_between(p.p10, p.p90, fmt),
            note=note,
            span=span,
        )

    out = []
    for f in factors:
        worse = "" if f.higher_is_better else t("higher is worse")
        for index, (name, title) in enumerate(MEASURES.items()):
            # said once, under the factor's name that heads its rows
            note, span = (worse, len(MEASURES)) if index == 0 else ("", 0)
            out.append(row(f.label, t(title), getattr(f, name), number, note, span))
    percent = lambda v: "–" if v is None else format_figure(v, "percent", lang)  # noqa: E731
    out.append(row(t("Adoption"), t("share of users"), adoption, percent, "", 1))
    return tuple(out)


def _banded(factors: Sequence[NormFactor], measure: str) -> bool:
    """Whether some factor has a P25-P75 band for ``measure`` (10 organisations or more)."""
    return any(getattr(f, measure).p25 is not None for f in factors)


def _chart_data(factors: Sequence[NormFactor], measure: str, t, number: Callable) -> ChartData:
    """A norms chart's sentence and table: where the client stands per factor."""
    positions = [(f.label, getattr(f, measure)) for f in factors]
    rows = tuple(
        (
            label,
            (
                number(p.value),
                "–" if p.percentile is None else str(p.percentile),
                number(p.median),
                _between(p.p25, p.p75, number),
            ),
        )
        for label, p in positions
    )
    ranked = [f for f in factors if getattr(f, measure).percentile is not None]
    if measure == "gap":
        title = t("Gap per factor against the other organisations")
        if ranked:
            widest = max(ranked, key=lambda f: f.gap.percentile or 0)
            alt = t(
                "Gap between users and non-users per factor against the other organisations,"
                " with their median and middle half: the gap is widest compared with them on"
                " {factor} (percentile rank {rank}).",
                factor=widest.label,
                rank=widest.gap.percentile,
            )
        else:
            alt = t("Gap per factor against the other organisations: nothing to compare.")
    else:
        title = t("Non-users' mean per factor against the other organisations")
        if ranked:
            worst = min(ranked, key=_favourable)
            alt = t(
                "Non-users' mean per factor against the other organisations, with their"
                " median and middle half: least favourable compared with them on {factor}"
                " (percentile rank {rank}).",
                factor=worst.label,
                rank=worst.non_users_mean.percentile,
            )
        else:
            alt = t(
                "Non-users' mean per factor against the other organisations: nothing to compare."
            )
    return ChartData(
        title=title,
        alt=alt,
        columns=(t("Factor"), t("Your organisation"), t("Percentile rank"), t("Median"), "P25–P75"),
        rows=rows,
    )


def _about(norms: Mapping[str, Any], t, lang: str) -> str:
    """What the norms are, and what they are not."""
    return t(
        P_(
            "The norms are the figures of {n} other organisation in the store that used the"
            " same version of the questionnaire ({version}) between {since} and {until}:"
            " each organisation counts once, with its latest survey, and this organisation"
            " is left out. They are the consultancy's earlier clients who consented, not a"
            " random sample of organisations.",
            "The norms are the figures of {n} other organisations in the store that used the"
            " same version of the questionnaire ({version}) between {since} and {until}:"
            " each organisation counts once, with its latest survey, and this organisation"
            " is left out. They are the consultancy's earlier clients who consented, not a"
            " random sample of organisations.",
        ),
        n=norms["organisations"],
        version=norms["codebook_version"],
        since=format_report_date(norms["since"], lang) or norms["since"],
        until=format_report_date(norms["until"], lang) or norms["until"],
    )


def _not_shown(norms: Mapping[str, Any], t) -> str:
    return t(
        "Fewer than {minimum} comparable organisations in the store ({n}): no comparison is shown.",
        minimum=norms["min_organisations"],
        n=norms["organisations"],
    )
