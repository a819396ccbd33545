"""Building the report's context from the advice document: :func:`report_context`, the
factors' comparisons and findings, and the charts' figures."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from markupsafe import Markup

from ... import __version__
from ...core.errors import P_, Message
from ...core.formatting import format_figure, format_report_date
from ...core.i18n import translations
from ...core.vocabulary import COMPARISON, EFFECT_SIZE_BANDS, effect_size
from ..absent import REASON_NOT_ASKED, compared_note, latest_wave, not_asked_in
from ..charts import effects_chart as draw_effects
from ..charts import means_chart as draw_means
from .comments import comments_context, factor_comments
from .drivers import driver_section
from .evidence import evidence_appendix, ledger_lines
from .model import (
    LABELS,
    ChartData,
    FactorResult,
    Lever,
    ReportContext,
    Summary,
    compared_summary,
    segment_label,
)
from .norms import norms_context
from .sections import correlation_figures, method_appendix, ranked_action, segment_rows
from .since import since_context

__all__ = ["report_context"]


#: The figures a :class:`FactorResult` takes from the document's comparison.
_RESULT_FIGURES = (
    "users_n",
    "non_users_n",
    "users_mean",
    "non_users_mean",
    "gap",
    "gap_ci_low",
    "gap_ci_high",
    "hedges_g",
    "hedges_g_ci_low",
    "hedges_g_ci_high",
    "p_holm",
    "significant",
    "cronbach_alpha",
)


def report_context(
    document: Mapping[str, Any],
    *,
    title: str | None = None,
    client: str | None = None,
    date: str | None = None,
    segment: int = 0,
    charts: bool = True,
) -> ReportContext:
    """The context for a report on ``document['segments'][segment]`` (0: everyone)."""
    lang = document["settings"]["lang"]
    tr = translations(lang)

    def t(msgid: str, **params: Any) -> str:
        return Message(msgid, params).render(tr)

    factors = document["factors"]
    target = document["segments"][segment]
    conclusions = {c["conclusion"]: c["label"] for c in target.get("conclusions", [])}
    comparisons = tuple(_comparison(f, target, t, lang, document) for f in factors)
    if "comments" in document:
        comparisons = tuple(
            dataclasses.replace(c, comments=factor_comments(document, target, c.factor, t, lang))
            for c in comparisons
        )
    lines = ledger_lines(document, t, lang)
    actions = tuple(
        dataclasses.replace(action, ledger=lines.get(action.intervention, ""))
        if action.intervention in lines
        else action
        for action in (
            ranked_action(i, r, factors, t, lang, conclusions)
            for i, r in enumerate(target.get("recommendations", []), start=1)
        )
    )
    levers = sorted(
        (c for c in comparisons if c.shown and c.significant and (c.hedges_g or 0) > 0),
        key=lambda c: -(c.hedges_g or 0),
    )[:3]
    since = _since(document, target, t, lang, charts)
    summary = Summary(
        respondents=target["respondents"],
        users=target["users"],
        non_users=target["non_users"],
        adoption_rate=target["adoption_rate"],
        levers=tuple(
            Lever(c.label, c.hedges_g or 0.0, t(LABELS["effect_size"][c.effect_size]))
            for c in levers
        ),
        top_actions=tuple(a.title for a in actions[:3]),
        significant=sum(1 for c in comparisons if c.significant),
        **compared_summary(document, segment, t),
        factors_compared=sum(1 for c in comparisons if c.hidden_reason != REASON_NOT_ASKED),
        not_compared=compared_note(document, target["comparisons"], t),
        follow_up=since.lead if since is not None else (),
    )
    scope = (
        t("all respondents")
        if target["column"] is None
        else t("{column}: {value}", column=segment_label(target), value=target["value"])
    )
    correlations, table = correlation_figures(document, factors, t, lang)
    segments = () if segment else segment_rows(document, factors, t, lang)
    shown = [c for c in comparisons if c.shown]
    means_data, effects_data = _means_data(shown, t, lang), _effects_data(shown, t, lang)
    means_chart = effects_chart = Markup("")
    if charts:
        scale = document.get("scale")  # an older document has none: the usual 1 to 5
        means_chart = draw_means(
            shown, t, lang, means_data.alt, (scale["min"], scale["max"]) if scale else (1, 5)
        )
        effects_chart = draw_effects(shown, t, lang, effects_data.alt)
    return ReportContext(
        lang=lang,
        title=title or t("Getting staff onto the platform: advice"),
        client=client,
        date=format_report_date(date, lang),
        version=__version__,
        scope=scope,
        segment_report=bool(segment),
        summary=summary,
        comparisons=comparisons,
        actions=actions,
        segments=segments,
        factor_labels=tuple(f["label"] for f in factors),
        factor_short_labels=tuple(f.get("short") or f["label"] for f in factors),
        factor_key=tuple(
            (f["short"], f["label"]) for f in factors if f.get("short") and f["short"] != f["label"]
        ),
        correlations=correlations,
        correlation_table=table,
        method=method_appendix(document, comparisons, target, t),
        means_chart=means_chart,
        effects_chart=effects_chart,
        drivers=driver_section(
            target, factors, t, lang, chart=charts, not_asked=_not_in_model(document, target, t)
        ),
        document=document,
        means_data=means_data,
        effects_data=effects_data,
        since=since,
        norms=None if segment else norms_context(document, t, lang, charts),
        evidence=evidence_appendix(document, t, lang, charts),
        comments=comments_context(document, t, lang, segment or None),
    )


def _not_in_model(document: Mapping, target: Mapping, t) -> str:
    """The driver section's note on the factors the survey did not ask: "Privacy concern:
    not asked in wave October 2026, so not in the model." ('' when every factor was asked)."""
    labels = {f["id"]: f["label"] for f in document["factors"]}
    absent = [
        labels[c["factor"]]
        for c in target["comparisons"]
        if c["suppressed_reason"] == REASON_NOT_ASKED
    ]
    if not absent:
        return ""
    return t(
        "{factors}: {not_asked}, so not in the model.",
        factors=", ".join(absent),
        not_asked=not_asked_in(document, t),
    )


def _since(document: Mapping, target: Mapping, t, lang: str, charts: bool) -> Any:
    """The section "Since the last survey" (None with one survey: see since.py)."""
    return since_context(document, target, t, lang, charts)


def _comparison(
    factor: Mapping, segment: Mapping, t, lang: str, document: Mapping | None = None
) -> FactorResult:
    found = next((c for c in segment["comparisons"] if c["factor"] == factor["id"]), None)
    shown = found is not None and not found["suppressed"]
    if found is not None:
        hidden_reason = found["suppressed_reason"]
    else:
        hidden_reason = segment.get("suppressed_reason") and "segment"
    figures = {
        name: COMPARISON.from_json(found, name) if shown else None for name in _RESULT_FIGURES
    }
    g = figures["hedges_g"]
    result = FactorResult(
        factor=factor["id"],
        label=factor["label"],
        short_label=factor.get("short") or factor["label"],
        definition=factor.get("definition", ""),
        higher_is_better=factor["direction"] == "higher_is_better",
        shown=shown,
        hidden_reason=None if shown else hidden_reason,
        effect_size=effect_size(g) if g is not None else EFFECT_SIZE_BANDS[0].name,
        finding="",
        **figures,
    )
    if result.hidden_reason == REASON_NOT_ASKED:
        wave = latest_wave(document or {})
        finding = (
            t("Not compared: this factor was not asked in wave {wave}.", wave=wave)
            if wave is not None
            else t("Not compared: this factor was not asked in this survey.")
        )
        return dataclasses.replace(result, finding=finding)
    return dataclasses.replace(result, finding=factor_finding(result, t, lang))


def factor_finding(c: FactorResult, t, lang: str) -> str:
    if not c.shown:
        return t(
            "Not shown (anonymity): too few users or non-users answered, or together with"
            " other figures in this report it would reveal a smaller group."
        )
    if c.gap is None or c.hedges_g is None:
        return t("No comparison could be computed.")
    number = lambda v: format_figure(v, "number", lang)  # noqa: E731 - local shorthand
    # The gap is the unrounded difference, rounded once, as statistics offices (CBS,
    # Eurostat, ONS) publish differences: subtracting two rounded means adds a second
    # rounding error, and a rule's condition (gap >= 0.4) tests the unrounded gap, so the
    # text shows what the rule saw. The report says so once under the findings and in the
    # method ("can differ by 0.01 from the difference between the rounded means").
    # the gap's 95% interval (Welch), in the sentence's orientation: how far non-users lag
    # behind, or how far they are ahead
    ends = (c.gap_ci_low, c.gap_ci_high) if c.gap > 0 else (c.gap_ci_high, c.gap_ci_low)
    sign = 1 if c.gap > 0 else -1
    means = {
        "users": number(c.users_mean),
        "non_users": number(c.non_users_mean),
        "gap": number(abs(c.gap)),
        "low": "–" if ends[0] is None else number(sign * ends[0]),
        "high": "–" if ends[1] is None else number(sign * ends[1]),
    }
    if c.gap > 0:
        first = (
            t(
                "Non-users score {non_users} against {users} for users: they lag behind by"
                " {gap} points (95% CI {low} to {high}).",
                **means,
            )
            if c.higher_is_better
            else t(
                "Non-users score {non_users} against {users} for users; higher is worse"
                " here, so they lag behind by {gap} points (95% CI {low} to {high}).",
                **means,
            )
        )
    elif c.gap < 0:
        first = t(
            "Non-users score {non_users} against {users} for users: here non-users are"
            " ahead by {gap} points (95% CI {low} to {high}).",
            **means,
        )
    else:
        first = t("Users and non-users both score {users}.", **means)
    size = t(LABELS["effect_size"][c.effect_size])
    interval = {
        "size": size,
        "g": format_figure(c.hedges_g, "number", lang),
        "low": format_figure(c.hedges_g_ci_low, "number", lang)
        if c.hedges_g_ci_low is not None
        else "–",
        "high": format_figure(c.hedges_g_ci_high, "number", lang)
        if c.hedges_g_ci_high is not None
        else "–",
        "p": format_figure(c.p_holm, "p", lang) if c.p_holm is not None else "",
    }
    second = (
        t(
            "The difference is {size} (g = {g}, 95% CI {low} to {high}) and significant"
            " after Holm correction (p {p}).",
            **interval,
        )
        if c.significant
        else t(
            "The difference is {size} (g = {g}, 95% CI {low} to {high}) and not"
            " significant after Holm correction (p {p}).",
            **interval,
        )
    )
    return f"{first} {second}"


def _means_data(shown: Sequence[FactorResult], t, lang: str) -> ChartData:
    """The means chart's sentence and table: who lags, and where most (in scale points)."""
    number = lambda v: format_figure(v, "number", lang)  # noqa: E731 - local shorthand
    rows = tuple(
        (c.label, (number(c.users_mean), number(c.non_users_mean)))
        for c in shown
        if c.users_mean is not None and c.non_users_mean is not None
    )
    drawn = [c for c in shown if c.users_mean is not None and c.non_users_mean is not None]
    lagging = [c for c in drawn if c.gap is not None and c.gap > 0]
    if not drawn:
        alt = t("Mean score per factor: nothing to show, every comparison is hidden (anonymity).")
    elif lagging:
        most = max(lagging, key=lambda c: c.gap or 0.0)
        alt = t(
            "Mean score of users and non-users per factor: non-users lag behind on {lagging}"
            " of {factors} factors, most on {label} (users {users}, non-users {non_users}).",
            lagging=len(lagging),
            factors=len(drawn),
            label=most.label,
            users=number(most.users_mean),
            non_users=number(most.non_users_mean),
        )
    else:
        alt = t(
            "Mean score of users and non-users per factor: non-users lag behind on none of"
            " the {factors} factors.",
            factors=len(drawn),
        )
    return ChartData(
        title=t("Mean score per factor: users and non-users"),
        alt=alt,
        columns=(t("Factor"), t("Users"), t("Non-users")),
        rows=rows,
    )


def _effects_data(shown: Sequence[FactorResult], t, lang: str) -> ChartData:
    """The effect chart's sentence and table: how many differences are significant, and
    the largest effect with its interval."""
    number = lambda v: "–" if v is None else format_figure(v, "number", lang)  # noqa: E731
    drawn = [c for c in shown if c.hedges_g is not None]
    rows = tuple(
        (
            c.label,
            (
                number(c.hedges_g),
                t(
                    "{low} to {high}",
                    low=number(c.hedges_g_ci_low),
                    high=number(c.hedges_g_ci_high),
                ),
                t("yes") if c.significant else t("no"),
            ),
        )
        for c in drawn
    )
    if drawn:
        largest = max(drawn, key=lambda c: abs(c.hedges_g or 0.0))
        alt = t(
            P_(
                "Effect size (Hedges' g) per factor with its confidence interval (95%):"
                " {n} of {factors} differences is significant after Holm correction;"
                " the largest is on {label}: g = {g} (95% CI {low} to {high}).",
                "Effect size (Hedges' g) per factor with its confidence interval (95%):"
                " {n} of {factors} differences are significant after Holm correction;"
                " the largest is on {label}: g = {g} (95% CI {low} to {high}).",
            ),
            n=sum(1 for c in drawn if c.significant),
            factors=len(drawn),
            label=largest.label,
            g=number(largest.hedges_g),
            low=number(largest.hedges_g_ci_low),
            high=number(largest.hedges_g_ci_high),
        )
    else:
        alt = t("Effect size per factor: nothing to show, every comparison is hidden (anonymity).")
    return ChartData(
        title=t("Effect size per factor, with confidence intervals"),
        alt=alt,
        columns=(t("Factor"), "Hedges' g", t("Confidence interval (95%)"), t("Significant")),
        rows=rows,
    )
