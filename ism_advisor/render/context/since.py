"""The report's section "Since the last survey": its context, made from the document.

Only a run over two or more waves has it (the document's ``waves``); with one survey the
report's ``since`` is None and the templates leave the section out. Everything comes
from the published document: the changes, adoption and trend of the segment, and the
follow-up rules' advice (the rules that test a change figure, ``waves.rules``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from ...core.errors import N_
from ...core.formatting import format_figure
from ..absent import not_asked_waves
from ..charts import adoption_chart as draw_adoption
from ..charts import trend_chart as draw_trend

__all__ = ["AdoptionPoint", "Change", "FollowUpAdvice", "Since", "TrendPoint", "since_context"]


def _help(text: str) -> Any:
    return field(metadata={"help": text})


@dataclass(frozen=True)
class AdoptionPoint:
    """One wave's adoption in the segment."""

    wave: str = _help("The wave's name.")
    users: int = _help("Users in the wave.")
    respondents: int = _help("Respondents in the wave.")
    share: float | None = _help("Users / respondents.")


@dataclass(frozen=True)
class TrendPoint:
    """One factor's means in one wave (the trend chart's data table)."""

    wave: str = _help("The wave's name.")
    label: str = _help("The factor's name.")
    users_mean: float | None = _help("The users' mean; None when hidden.")
    users_ci: tuple[float, float] | None = _help("Its 95% interval; None when not computed.")
    non_users_mean: float | None = _help("The non-users' mean; None when hidden.")
    non_users_ci: tuple[float, float] | None = _help("Its 95% interval; None when not computed.")


@dataclass(frozen=True)
class Change:
    """A significant change (Holm) between two waves."""

    label: str = _help("The factor's name.")
    group: str = _help("Users, non-users, everyone, or the gap, in the report's language.")
    from_wave: str = _help("The earlier wave.")
    to_wave: str = _help("The later wave.")
    from_mean: float | None = _help("The earlier mean (for the gap: the earlier gap).")
    to_mean: float | None = _help("The later mean (for the gap: the later gap).")
    difference: float | None = _help("Later minus earlier.")
    ci_low: float | None = _help("The difference's 95% interval, lower end.")
    ci_high: float | None = _help("The difference's 95% interval, upper end.")
    p_holm: float | None = _help("Holm-adjusted p of the difference.")
    better: bool = _help("True when the change is for the better.")


@dataclass(frozen=True)
class FollowUpAdvice:
    """What a follow-up rule concluded or advised."""

    title: str = _help("The advised intervention's title, or the conclusion's name.")
    because: str = _help("The rule's reason, with its figures.")


@dataclass(frozen=True)
class DoneChange:
    """A change between the last two waves behind a verdict on what was done."""

    from_mean: float | None = _help("The earlier mean (for the gap: the earlier gap).")
    to_mean: float | None = _help("The later mean (for the gap: the later gap).")
    difference: float | None = _help("Later minus earlier.")
    ci_low: float | None = _help("The difference's 95% interval, lower end.")
    ci_high: float | None = _help("The difference's 95% interval, upper end.")
    p_holm: float | None = _help("Holm-adjusted p of the difference.")


@dataclass(frozen=True)
class DoneFactor:
    """What one factor did after an intervention addressing it was carried out."""

    label: str = _help("The factor's name.")
    outcome: str = _help("improved, no_change, worse, hidden (anonymity) or not_measured.")
    verdict: str = _help("The outcome in words, in the report's language.")
    non_users: DoneChange | None = field(
        metadata={"help": "The non-users' change; None when not shown."}
    )
    gap: DoneChange | None = field(metadata={"help": "The change in the gap; None when not shown."})


@dataclass(frozen=True)
class DoneEffect:
    """An intervention carried out since the previous survey (--done) and what it did."""

    intervention: str = _help("The intervention's id.")
    title: str = _help("Its title.")
    factors: tuple[DoneFactor, ...] = _help("Each factor it addresses, with the verdict.")


@dataclass(frozen=True)
class Since:
    """The section "Since the last survey"."""

    waves: tuple[str, ...] = _help("The waves' names, in time order.")
    adoption: tuple[AdoptionPoint, ...] = _help("Adoption per wave (shown waves only).")
    adoption_change: Mapping[str, Any] | None = _help(
        "The adoption change between the last two waves (the JSON's adoption_change)."
    )
    trend: tuple[TrendPoint, ...] = _help("Per factor and wave, the means behind the chart.")
    changes: tuple[Change, ...] = _help("The significant changes (Holm), factor by factor.")
    advice: tuple[FollowUpAdvice, ...] = _help("The follow-up rules' advice and conclusions.")
    done: tuple[str, ...] = _help("The titles of the interventions carried out (--done).")
    left_out: tuple[str, ...] = _help(
        "Factors some wave did not ask, left out: 'Privacy concern (not asked in wave"
        " October 2026)'."
    )
    done_effects: tuple[DoneEffect, ...] = _help(
        "What each intervention carried out did: the action plan's first part."
    )
    done_hidden: bool = _help(
        "Whether a change behind what was done is hidden for anonymity (no verdict)."
    )
    lead: tuple[str, ...] = _help(
        "The executive summary's first sentences: the change in adoption, then the"
        " significant changes."
    )
    trend_chart: Markup = field(
        metadata={"help": "Inline SVG: means per wave, users and non-users, with 95% CIs."}
    )
    adoption_chart: Markup = field(metadata={"help": "Inline SVG: adoption per wave."})


#: The verdicts on what was done, in words (the JSON's ``outcome`` of a ``done`` factor).
VERDICTS = {
    "improved": N_("improved"),
    "no_change": N_("no measurable change"),
    "worse": N_("worse"),
    "hidden": N_("not shown (anonymity)"),
    "not_measured": N_("not measured in both waves"),
}

_GROUPS = {
    "users": N_("users"),
    "non_users": N_("non-users"),
    "all": N_("everyone"),
    "gap": N_("the gap"),
}


def since_context(
    document: Mapping[str, Any],
    segment: Mapping[str, Any],
    t: Callable[..., str],
    lang: str,
    charts: bool,
) -> Since | None:
    """The section's context for one segment of the document, or None with one wave."""
    waves = document.get("waves")
    if waves is None:
        return None
    labels = {f["id"]: f["label"] for f in document["factors"]}
    worse = {f["id"] for f in document["factors"] if f["direction"] == "higher_is_worse"}
    alpha = document["settings"]["alpha"]
    trend = tuple(
        TrendPoint(
            wave=p["wave"],
            label=labels[p["factor"]],
            users_mean=p["users_mean"],
            users_ci=tuple(p["users_ci"]) if p["users_ci"] else None,
            non_users_mean=p["non_users_mean"],
            non_users_ci=tuple(p["non_users_ci"]) if p["non_users_ci"] else None,
        )
        for p in sorted(
            segment.get("trend", []),
            key=lambda p: (list(labels).index(p["factor"]), waves["names"].index(p["wave"])),
        )
    )
    changes = tuple(
        Change(
            label=labels[c["factor"]],
            group=t(_GROUPS[c["group"]]),
            from_wave=c["from_wave"],
            to_wave=c["to_wave"],
            from_mean=c["from_mean"],
            to_mean=c["to_mean"],
            difference=c["difference"],
            ci_low=c["ci_low"],
            ci_high=c["ci_high"],
            p_holm=c["p_holm"],
            better=_better(c, worse),
        )
        for c in segment.get("changes", [])
        if c["p_holm"] is not None and c["p_holm"] < alpha
    )
    rules = set(waves.get("rules", []))
    advice = [
        FollowUpAdvice(r["title"], e["because"])
        for r in segment.get("recommendations", [])
        for e in r["explanation"]
        if e["rule"] in rules
    ]
    given = {a.because for a in advice}  # a rule that concludes and advises: once
    advice += [
        FollowUpAdvice(c["label"], c["because"])
        for c in segment.get("conclusions", [])
        if c["rule"] in rules and c["because"] not in given
    ]
    adoption = tuple(AdoptionPoint(**a) for a in segment.get("adoption", []))
    trend_chart = adoption_chart = Markup("")
    if charts and trend:
        scale = document.get("scale")  # an older document has none: the usual 1 to 5
        trend_chart = draw_trend(
            trend, waves["names"], t, lang, (scale["min"], scale["max"]) if scale else (1, 5)
        )
        if adoption:
            adoption_chart = draw_adoption(adoption, t, lang)
    done_effects = tuple(
        DoneEffect(
            intervention=d["intervention"],
            title=d["title"],
            factors=tuple(
                DoneFactor(
                    label=labels.get(f["factor"], f["factor"]),
                    outcome=f["outcome"],
                    verdict=t(VERDICTS[f["outcome"]]),
                    non_users=DoneChange(**f["non_users"]) if f["non_users"] else None,
                    gap=DoneChange(**f["gap"]) if f["gap"] else None,
                )
                for f in d["factors"]
            ),
        )
        for d in segment.get("done", [])
    )
    return Since(
        waves=tuple(waves["names"]),
        adoption=adoption,
        adoption_change=segment.get("adoption_change"),
        trend=trend,
        changes=changes,
        advice=tuple(advice),
        done=tuple(d["title"] for d in waves["done"]),
        left_out=tuple(_left_out(document, waves["left_out"], labels, t)),
        done_effects=done_effects,
        done_hidden=any(f.outcome == "hidden" for d in done_effects for f in d.factors),
        lead=_lead(segment, changes, tuple(waves["names"]), alpha, t, lang),
        trend_chart=trend_chart,
        adoption_chart=adoption_chart,
    )


def _left_out(
    document: Mapping[str, Any], left_out: Sequence[str], labels: Mapping[str, str], t
) -> list[str]:
    """Each factor left out of the change figures, with the waves that did not ask it (a
    document made before waves listed them: the factor's name alone)."""
    waves = not_asked_waves(document)
    out = []
    for factor in left_out:
        said = ", ".join(t(N_("not asked in wave {wave}"), wave=w) for w in waves.get(factor, ()))
        out.append(f"{labels[factor]} ({said})" if said else labels[factor])
    return out


def _better(change: Mapping[str, Any], worse: set[str]) -> bool:
    """Whether a change is for the better: a gap that narrows, a higher score on a factor
    where higher is better, a lower one where higher is worse."""
    difference = change["difference"] or 0.0
    if change["group"] == "gap":
        return difference < 0
    return difference < 0 if change["factor"] in worse else difference > 0


def _lead(
    segment: Mapping[str, Any],
    changes: tuple[Change, ...],
    waves: tuple[str, ...],
    alpha: float,
    t: Callable[..., str],
    lang: str,
) -> tuple[str, ...]:
    """The executive summary's first sentences in a follow-up report: how adoption changed
    between the last two waves, and whether measurably (the two-proportion z-test's p
    against alpha), then the significant changes (Holm)."""

    def pct(value: float) -> str:
        return format_figure(value, "percent", lang)

    def signed(value: float) -> str:
        return format_figure(value, "signed", lang)

    out = []
    change = segment.get("adoption_change")
    if change is None or change.get("difference") is None:
        out.append(t("The change in adoption since the previous survey is not shown (anonymity)."))
    else:
        shares = {a["wave"]: a["share"] for a in segment.get("adoption", [])}
        before, after = shares.get(change["from_wave"]), shares.get(change["to_wave"])
        params = {
            "before": pct(before) if before is not None else "–",
            "after": pct(after) if after is not None else "–",
            "change": signed(change["difference"] * 100),
            "low": signed(change["ci_low"] * 100),
            "high": signed(change["ci_high"] * 100),
        }
        measurable = change["p"] is not None and change["p"] < alpha
        if not measurable:
            text = N_(
                "Adoption went from {before} to {after} ({change} percentage points, 95% CI"
                " {low} to {high}): no measurable change."
            )
        elif change["difference"] > 0:
            text = N_(
                "Adoption rose from {before} to {after} ({change} percentage points, 95% CI"
                " {low} to {high}): a measurable rise."
            )
        else:
            text = N_(
                "Adoption fell from {before} to {after} ({change} percentage points, 95% CI"
                " {low} to {high}): a measurable fall."
            )
        out.append(t(text, **params))
    last = [c for c in changes if (c.from_wave, c.to_wave) == waves[-2:]]
    if last:
        items = "; ".join(
            f"{c.label}, {c.group}: "
            f"{signed(c.difference) if c.difference is not None else '–'}"
            f" {t(N_('(better)') if c.better else N_('(worse)'))}"
            for c in last
        )
        out.append(
            t(N_("Significant changes since {wave}: {changes}."), wave=waves[-2], changes=items)
        )
    elif not any((c["from_wave"], c["to_wave"]) == waves[-2:] for c in segment.get("changes", [])):
        out.append(t(N_("The changes since {wave} are not shown (anonymity)."), wave=waves[-2]))
    else:
        out.append(t(N_("No factor changed significantly since {wave}."), wave=waves[-2]))
    return tuple(out)
