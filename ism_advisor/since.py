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

from .errors import N_

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
    trend_chart: Markup = field(
        metadata={"help": "Inline SVG: means per wave, users and non-users, with 95% CIs."}
    )
    adoption_chart: Markup = field(metadata={"help": "Inline SVG: adoption per wave."})


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
        from .charts import adoption_chart as draw_adoption
        from .charts import trend_chart as draw_trend

        scale = document.get("scale")  # an older document has none: the usual 1 to 5
        trend_chart = draw_trend(
            trend, waves["names"], t, lang, (scale["min"], scale["max"]) if scale else (1, 5)
        )
        if adoption:
            adoption_chart = draw_adoption(adoption, t, lang)
    return Since(
        waves=tuple(waves["names"]),
        adoption=adoption,
        adoption_change=segment.get("adoption_change"),
        trend=trend,
        changes=changes,
        advice=tuple(advice),
        done=tuple(d["title"] for d in waves["done"]),
        left_out=tuple(_left_out(document, waves["left_out"], labels, t)),
        trend_chart=trend_chart,
        adoption_chart=adoption_chart,
    )


def _left_out(
    document: Mapping[str, Any], left_out: Sequence[str], labels: Mapping[str, str], t
) -> list[str]:
    """Each factor left out of the change figures, with the waves that did not ask it (a
    document made before waves listed them: the factor's name alone)."""
    from .absent import not_asked_waves

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
