"""The report's driver section: what matters most for use, and the priority matrix.

Built from the advice document's ``drivers`` and ``driver_model`` of the report's segment
(see :func:`ism_advisor.protect.published_drivers.analyse_drivers`); the templates ``drivers.html``
and
``drivers.md`` show it. Importance is each factor's relative weight as a share of what the
model explains (0–100), the priority matrix's y axis; its x axis is the published gap.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from ...core.errors import C_, N_
from ...core.formatting import format_figure
from ...protect.published_drivers import MAX_MISSING
from ...stats.drivers import MIN_PER_FACTOR
from ..charts import priority_chart

__all__ = ["QUADRANT_LABELS", "DriverRow", "DriverSection", "driver_section"]

#: The priority matrix's quadrants as the report names them.
QUADRANT_LABELS = {
    "act_first": C_("quadrant", "act first"),
    "keep": C_("quadrant", "keep"),
    "watch": C_("quadrant", "watch"),
    "low_priority": C_("quadrant", "low priority"),
}
#: Why a shown segment has no driver figures, as the report says it.
REASON_TEXTS = {
    "too_small": N_(
        "Too small for a driver analysis: it needs at least {needed} users and {needed}"
        " non-users ({per} per factor)."
    ),
    "hidden": N_(
        "No driver analysis here: some of the figures it would rest on are hidden to"
        " protect small groups."
    ),
    "missing_scores": N_(
        "No driver analysis here: too many of its respondents (more than {share}%) lack a"
        " score on some factor to count each at the factor's mean without distorting the"
        " model."
    ),
    "constant_factor": N_("No driver analysis here: a factor has the same score for everyone."),
    "singular": N_("No driver analysis here: some factors are exact combinations of others."),
    "separation": N_(
        "No driver analysis here: the scores separate users from non-users (almost)"
        " perfectly, so the model cannot be estimated."
    ),
    "no_convergence": N_("No driver analysis here: the model did not converge."),
}


def _help(text: str) -> Any:
    return field(metadata={"help": text})


@dataclass(frozen=True)
class DriverRow:
    """One factor in the driver analysis and the priority matrix."""

    factor: str = _help("The factor's id.")
    label: str = _help("The factor's name.")
    short_label: str = _help("Its short name, beside its dot in the priority matrix.")
    importance: float | None = _help(
        "Its share of what the model explains, 0-100 (relative weights)."
    )
    rank: int | None = _help("1 for the factor that matters most for use.")
    gap: float | None = _help("The gap (positive: non-users lag behind); None when hidden.")
    odds_ratio: float | None = _help("Odds ratio of use per standard deviation of the factor.")
    ci_low: float | None = _help("Lower end of the odds ratio's 95% confidence interval.")
    ci_high: float | None = _help("Upper end of the odds ratio's 95% confidence interval.")
    p: float | None = _help("The odds ratio's p-value (Wald).")
    weight: float | None = _help("The relative weight (its part of R²).")
    weight_ci_low: float | None = _help("Lower end of the weight's bootstrap 95% interval.")
    weight_ci_high: float | None = _help("Upper end of the weight's bootstrap 95% interval.")
    beats_noise: bool | None = _help(
        "Whether it contributes more than noise: its weight beats that of a random variable"
        " added to the model (bootstrap 95% interval of the difference above 0)."
    )
    noise_label: str = _help("beats_noise in the report's language: yes, no ('' without one).")
    quadrant: str | None = _help("act_first, keep, watch or low_priority; None without a gap.")
    quadrant_label: str = _help("The quadrant in the report's language ('' without one).")


@dataclass(frozen=True)
class DriverSection:
    """What matters most for use in the report's population (the driver analysis)."""

    shown: bool = _help("True when the segment has a driver model (else see ``note``).")
    note: str = _help("Why there is no driver analysis, in the report's language ('' if there is).")
    n: int | None = _help("Respondents in the model (every respondent of the segment).")
    r2_mcfadden: float | None = _help("McFadden's R² of the model.")
    r2_nagelkerke: float | None = _help("Nagelkerke's R² of the model.")
    r2_o: float | None = _help(
        "R²_O: the squared correlation of use with the fitted probabilities, the R² the"
        " relative weights add up to."
    )
    warnings: tuple[str, ...] = _help("Notes on the model (collinearity), translated.")
    rows: tuple[DriverRow, ...] = _help("One row per factor, most important first.")
    routes: tuple[str, ...] = _help("Indirect routes the model supports, in plain words.")
    threshold: float | None = _help("The matrix's importance line: an even share, 100/factors.")
    chart: Markup = _help("Inline SVG: the priority matrix (empty in Markdown).")
    quadrant_labels: Mapping[str, str] = _help("Each quadrant id's name, translated.")


def driver_section(
    segment: Mapping[str, Any],
    factors: Sequence[Mapping[str, Any]],
    t: Callable[..., str],
    lang: str,
    *,
    chart: bool = True,
    not_asked: str = "",
) -> DriverSection:
    """The driver section of a report on ``segment`` (an entry of the document);
    ``not_asked`` says which factors the survey did not ask (left out of the model)."""
    labels = {f["id"]: f["label"] for f in factors}
    shorts = {f["id"]: f.get("short", "") for f in factors}
    quadrant_labels = {key: t(label) for key, label in QUADRANT_LABELS.items()}
    model = segment.get("driver_model")
    empty = DriverSection(
        shown=False,
        note="",
        n=None,
        r2_mcfadden=None,
        r2_nagelkerke=None,
        r2_o=None,
        warnings=(),
        rows=(),
        routes=(),
        threshold=None,
        chart=Markup(""),
        quadrant_labels=quadrant_labels,
    )
    if model is None:  # a hidden segment, or a document without a driver analysis
        return empty
    drivers = segment.get("drivers", [])
    if not drivers:
        reason = model.get("reason") or "hidden"
        needed = MIN_PER_FACTOR * len(factors)
        template = REASON_TEXTS.get(reason, REASON_TEXTS["hidden"])
        note = t(template, needed=needed, per=MIN_PER_FACTOR, share=round(100 * MAX_MISSING))
        return DriverSection(**{**empty.__dict__, "note": note, "n": model.get("n")})
    gaps = {c["factor"]: c.get("gap") for c in segment.get("comparisons", [])}
    # fsum: correctly rounded, so the same on every Python (3.12's sum() compensates, and
    # the deck's matrix would differ in the last digit from 3.11's)
    total = math.fsum(d["weight"] or 0.0 for d in drivers)
    rows = [
        DriverRow(
            factor=d["factor"],
            label=labels.get(d["factor"], d["factor"]),
            short_label=shorts.get(d["factor"]) or labels.get(d["factor"], d["factor"]),
            importance=None if d["weight"] is None or not total else 100 * d["weight"] / total,
            rank=d["rank"],
            gap=gaps.get(d["factor"]),
            odds_ratio=d["odds_ratio"],
            ci_low=d["ci_low"],
            ci_high=d["ci_high"],
            p=d["p"],
            weight=d["weight"],
            weight_ci_low=d["weight_ci_low"],
            weight_ci_high=d["weight_ci_high"],
            beats_noise=d.get("beats_noise"),
            noise_label=""
            if d.get("beats_noise") is None
            else t("yes")
            if d["beats_noise"]
            else t("no"),
            quadrant=d["quadrant"],
            quadrant_label=quadrant_labels.get(d["quadrant"], "") if d["quadrant"] else "",
        )
        for d in drivers
    ]
    rows.sort(key=lambda r: (r.rank if r.rank is not None else len(rows) + 1, r.factor))
    threshold = 100 / len(rows)
    warnings = tuple(_warning(w, labels, t) for w in model.get("warnings", []))
    routes = tuple(_route(r, labels, t, lang) for r in segment.get("routes", []))
    drawn = Markup("")
    if chart:
        drawn = priority_chart(rows, threshold, quadrant_labels, t, lang)
    return DriverSection(
        shown=True,
        note="",
        n=model["n"],
        r2_mcfadden=model["r2_mcfadden"],
        r2_nagelkerke=model["r2_nagelkerke"],
        r2_o=model.get("r2_o"),
        warnings=(*(w for w in warnings if w), *([not_asked] if not_asked else [])),
        rows=tuple(rows),
        routes=routes,
        threshold=threshold,
        chart=drawn,
        quadrant_labels=quadrant_labels,
    )


def _warning(warning: Mapping[str, Any], labels: Mapping[str, str], t) -> str:
    if warning.get("code") == "collinearity":
        names = ", ".join(labels.get(f, f) for f in warning.get("factors", []))
        return t(
            N_(
                "{factors}: variance inflation above 5. These factors overlap so much that"
                " their odds ratios are unstable; their importance is not."
            ),
            factors=names,
        )
    return ""


def _route(route: Mapping[str, Any], labels: Mapping[str, str], t, lang: str) -> str:
    factor = labels.get(route["factor"], route["factor"])
    via = labels.get(route["via"], route["via"])
    r = format_figure(route["r"], "r", lang)
    if route["route"] == "indirect":
        template = N_(
            "The factor {factor} goes with use, but has no clear effect of its own in the model;"
            " it correlates with {via} (r = {r}), which does. Its link with use may run"
            " through {via}: an association, not proof of cause."
        )
    else:
        template = N_(
            "The factor {factor} goes with use directly and also correlates with {via}"
            " (r = {r}), which drives use too: an association, not proof of cause."
        )
    return t(template, factor=factor, via=via, r=r)
