"""The advice report: HTML, PDF and Markdown from Jinja2 templates.

The report's data is the advice document (the JSON output). :func:`report_context` turns
it into one documented :class:`ReportContext`; :func:`render_report` renders it with the
packaged templates or an organisation's (``--templates DIR``), which may
``{% extends "default:report.html" %}`` and replace single blocks. Every template runs in a
sandbox with ``StrictUndefined``; HTML is autoescaped, Markdown escapes markup.
"""

from __future__ import annotations

import dataclasses
import os
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import (
    ChoiceLoader,
    FileSystemLoader,
    PrefixLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
    UndefinedError,
)
from jinja2.exceptions import SecurityError
from markupsafe import Markup

from .. import __version__
from ..core.errors import N_, P_, AdvisorError, Message
from ..core.formatting import format_figure, format_report_date, join_sources
from ..core.i18n import translations
from ..core.resources import packaged_path
from ..core.sandbox import BoundedImmutableSandbox, LimitExceeded, Limits
from ..core.vocabulary import (
    COMPARISON,
    EFFECT_SIZE_BANDS,
    EFFECT_SIZE_LABELS,
    PERMUTATION_BELOW,
    PERMUTATIONS,
    SEGMENT,
    effect_level,
    effect_size,
)
from .absent import REASON_NOT_ASKED, compared_note, latest_wave, not_asked_in
from .colours import PALETTE
from .report_drivers import DriverRow, DriverSection, driver_section

__all__ = [
    "DEFAULT_PDF_VARIANT",
    "PDF_VARIANTS",
    "ChartData",
    "FactorResult",
    "ReportContext",
    "hidden_counts",
    "pdf_pages",
    "render_report",
    "render_template",
    "render_text",
    "report_context",
    "segment_file_names",
]

TEMPLATE_FOR = {"html": "report.html", "pdf": "report.html", "md": "report.md"}
#: The PDFs ``--pdf-variant`` writes, as WeasyPrint's options (README, "Accessibility"):
#: ``pdf/ua-1`` (the default) a tagged PDF declared PDF/UA-1 (ISO 14289-1): structure,
#: reading order, the document's language and title, header cells and the charts'
#: alternative texts for screen readers; ``pdf/a-3b`` PDF/A-3b (ISO 19005-3) for
#: archives, with the same tags; ``plain`` an untagged PDF that claims no standard.
PDF_VARIANTS: dict[str, dict[str, Any]] = {
    "pdf/ua-1": {"pdf_variant": "pdf/ua-1"},
    "pdf/a-3b": {"pdf_variant": "pdf/a-3b", "pdf_tags": True},
    "plain": {},
}
DEFAULT_PDF_VARIANT = "pdf/ua-1"
RELIABILITY_FLOOR = 0.7

#: Fixed labels, translated in the catalogue.
LABELS = {
    "owner": {
        "management": N_("Management"),
        "communications": N_("Communications"),
        "it": N_("IT"),
        "hr": N_("HR"),
        "community_manager": N_("Community manager"),
        "team_leads": N_("Team leads"),
    },
    "effort": {"low": N_("low"), "medium": N_("medium"), "high": N_("high")},
    "horizon": {
        "short": N_("within a month"),
        "medium": N_("1–3 months"),
        "long": N_("3–12 months"),
    },
    "priority": {"high": N_("high"), "medium": N_("medium"), "low": N_("low")},
    "effect_size": EFFECT_SIZE_LABELS,
    "strength": {
        "negligible": N_("negligible"),
        "weak": N_("weak"),
        "moderate": N_("moderate"),
        "strong": N_("strong"),
    },
}


def _help(text: str) -> Any:
    """A dataclass field with help text (the template authors' contract)."""
    return field(metadata={"help": text})


def _figure(name: str, hidden: str = "None when hidden") -> Any:
    """A field for a figure of the vocabulary: its meaning comes from there."""
    meaning = COMPARISON[name].help
    if "_" not in meaning.split()[0]:  # a sentence, not a figure's name
        meaning = meaning[0].upper() + meaning[1:]
    return _help(f"{meaning}; {hidden}.")


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


@dataclass(frozen=True)
class FactorResult:
    """One factor in the report's population: users against non-users."""

    factor: str = _help("The factor's id, e.g. 'manager_influence'.")
    label: str = _help("The factor's name in the report's language.")
    short_label: str = _help(
        "Its short name (the codebook's 'short', else its name) for dense tables and axes."
    )
    definition: str = _help("What the factor means, in the report's language.")
    higher_is_better: bool = _help("True if a higher score is favourable.")
    shown: bool = _help("False when the figures are suppressed for anonymity.")
    hidden_reason: str | None = _help(
        "Why the figures are hidden: 'anonymity' (a group is below the minimum, or with other"
        " figures they would reveal one; which of the two is not said), 'segment' (the"
        " segment is hidden), 'not_asked' (the survey did not ask the factor); None if shown."
    )
    users_n: int | None = _figure("users_n")
    non_users_n: int | None = _figure("non_users_n")
    users_mean: float | None = _figure("users_mean")
    non_users_mean: float | None = _figure("non_users_mean")
    gap: float | None = _figure("gap")
    gap_ci_low: float | None = _figure("gap_ci_low")
    gap_ci_high: float | None = _figure("gap_ci_high")
    hedges_g: float | None = _figure("hedges_g")
    hedges_g_ci_low: float | None = _figure("hedges_g_ci_low")
    hedges_g_ci_high: float | None = _figure("hedges_g_ci_high")
    p_holm: float | None = _figure("p_holm")
    significant: bool | None = _figure("significant")
    effect_size: str = _figure("effect_size", "negligible when hidden")
    cronbach_alpha: float | None = _figure("cronbach_alpha", "None for scores, or when hidden")
    finding: str = _help("The finding in one or two plain sentences.")

    @property
    def ci_low(self) -> float | None:
        """Former name of :attr:`hedges_g_ci_low` (templates written for 0.1 use it)."""
        return self.hedges_g_ci_low

    @property
    def ci_high(self) -> float | None:
        """Former name of :attr:`hedges_g_ci_high`."""
        return self.hedges_g_ci_high


@dataclass(frozen=True)
class Action:
    """One recommended intervention, ranked."""

    rank: int = _help("1 for the first action.")
    intervention: str = _help("The intervention's id.")
    title: str = _help("Its title in the report's language.")
    description: str = _help("What it is and why it works.")
    steps: tuple[str, ...] = _help("The concrete steps.")
    priority: str = _help("high, medium or low (translated label in priority_label).")
    priority_label: str = _help("The priority in the report's language.")
    owner: str = _help("Who owns it, in the report's language.")
    effort: str = _help("The effort, in the report's language.")
    horizon: str = _help("The time horizon, in the report's language.")
    because: tuple[str, ...] = _help("Why: the texts of the rules that led to it.")
    factors: tuple[str, ...] = _help("The labels of the factors behind it.")
    evidence: tuple[str, ...] = _help("The sources it rests on.")
    rules: tuple[Fired, ...] = _help("The rules that fired and the figures they matched.")


@dataclass(frozen=True)
class Fired:
    """A rule that fired, with the figures it matched (the explanation)."""

    rule: str = _help("The rule's id.")
    because: str = _help("The rule's reason, with its figures.")
    figures: tuple[MatchedFigures, ...] = _help("The facts the rule matched.")


@dataclass(frozen=True)
class MatchedFigures:
    """The key figures of one fact a rule matched."""

    name: str = _help("What the rule calls the fact: a factor id, 'segment' or a conclusion.")
    label: str = _help("A readable name for the fact.")
    figures: tuple[tuple[str, str], ...] = _help("(figure, formatted value) pairs.")


@dataclass(frozen=True)
class Lever:
    """A factor on which non-users significantly lag behind."""

    label: str = _help("The factor's name.")
    hedges_g: float = _help("Its effect size.")
    effect_size: str = _help("Its effect size label, translated.")


@dataclass(frozen=True)
class Summary:
    """The executive summary's figures."""

    respondents: int = _help("Respondents in the report's population.")
    users: int = _help("Users among them.")
    non_users: int = _help("Non-users among them.")
    adoption_rate: float = _help("users / respondents.")
    levers: tuple[Lever, ...] = _help("Up to three factors with the largest significant gaps.")
    top_actions: tuple[str, ...] = _help("The titles of the first three actions.")
    significant: int = _help("How many factors differ significantly.")
    compared: str | None = _help(
        "A segment's report: what it is compared with ('your organisation': its parent;"
        " 'all respondents' at the top); None in the report on all respondents."
    )
    compared_rate: float | None = _help("The adoption of what it is compared with.")
    factors_compared: int = _help(
        "How many factors were compared: all but those the survey did not ask."
    )
    not_compared: str | None = _help(
        "'6 of 7 factors compared; Privacy concern: not asked in wave October 2026.' when"
        " the survey did not ask some factor; None when every factor was compared."
    )
    follow_up: tuple[str, ...] = _help(
        "A report over several waves: its first sentences, the change in adoption and the"
        " significant changes since the previous survey; empty with one survey."
    )


@dataclass(frozen=True)
class HeatCell:
    """One segment × factor cell of the overview."""

    text: str = _help("The formatted g, or a mark when suppressed or missing.")
    shade: str = _help("A CSS class for the cell's colour: pos1-pos3, neg1-neg3, none, hidden.")
    title: str = _help("A tooltip with the figures.")


def _compared(document: Mapping[str, Any], segment: int, t: Any) -> dict[str, Any]:
    """A shown segment's summary: what it is compared with and its adoption."""
    if not segment or document["segments"][segment]["suppressed"]:
        return {"compared": None, "compared_rate": None}
    _, whole, base = comparison_words(document, segment, t)
    return {"compared": whole, "compared_rate": document["segments"][base]["adoption_rate"]}


def comparison_words(document: Mapping[str, Any], segment: int, t: Any) -> tuple[str, str, int]:
    """How a segment's own report and brief name it and what it is compared with, and
    the row of that: ("your department", "your organisation", its organisation's row) for
    a department within an organisation, ("your organisation", "all respondents", 0) at
    the top of a hierarchy; a column without a segment question in the codebook is
    named as in the file ("your site")."""
    from ..advice.document import compared_with, segment_noun

    base = compared_with(document, segment)
    segments = document["segments"]
    unit = t("your {unit}", unit=segment_noun(segments[segment]))
    whole = t("your {unit}", unit=segment_noun(segments[base])) if base else t("all respondents")
    return unit, whole, base


def _label(segment: Mapping[str, Any]) -> str:
    """A segment's question as reports name it: the document's ``label`` (a document
    written before labels: the column)."""
    return segment.get("label") or segment["column"]


@dataclass(frozen=True)
class SegmentRow:
    """One segment in the overview."""

    column: str = _help("The segment column (or combination).")
    value: str = _help("The segment's value.")
    suppressed: bool = _help("True when hidden for anonymity.")
    hidden_reason: str | None = _help(
        "Why it is hidden: 'anonymity' (see FactorResult.hidden_reason); None if shown."
    )
    respondents: int | None = _help("Respondents (None when suppressed).")
    adoption_rate: float | None = _help("users / respondents (None when suppressed).")
    cells: tuple[HeatCell, ...] = _help("One cell per factor, in factor order.")
    top_action: str | None = _help("The title of the segment's first action.")
    label: str = _help(
        "The segment question's name in the report's language (the codebook's label;"
        " the column without one)."
    )


@dataclass(frozen=True)
class Correlation:
    """A notable correlation between two factors."""

    first: str = _help("One factor's name.")
    second: str = _help("The other factor's name.")
    r: float = _help("Pearson's r.")
    strength: str = _help("weak, moderate or strong, translated.")
    reading: str = _help("A one-line reading.")


@dataclass(frozen=True)
class Reliability:
    """Cronbach's α of one factor's items."""

    label: str = _help("The factor's name.")
    cronbach_alpha: float | None = _help("Cronbach's α, or None for score input.")
    low: bool = _help("True when α is below 0.7.")
    not_asked: str = _help(
        "'3 of 4 items: pe4 not asked' when the survey did not ask some of the factor's items"
        " (its score and α rest on the others), 'not asked in wave October 2026' when it did"
        " not ask the factor; '' otherwise."
    )

    @property
    def alpha(self) -> float | None:
        """Former name of :attr:`cronbach_alpha` (templates written for 0.1 use it)."""
        return self.cronbach_alpha


@dataclass(frozen=True)
class Method:
    """The method appendix."""

    respondents: int = _help("Respondents analysed.")
    excluded: int = _help("Rows left out for want of a usage answer.")
    alpha: float = _help("The significance level.")
    min_group_size: int = _help("The anonymity threshold.")
    segment_by: tuple[str, ...] = _help("The segmentations asked for.")
    suppressed: int = _help("How many segments were hidden.")
    hidden: Mapping[str, int] = _help(
        "Hidden cells: hidden['segments'], hidden['comparisons'] (of shown segments only)."
    )
    reliability: tuple[Reliability, ...] = _help("Cronbach's α per factor.")
    files: tuple[tuple[str, str], ...] = _help("(role, file) of the knowledge base used.")
    input: str = _help("The survey file.")
    columns: tuple[tuple[str, str], ...] = _help(
        "(column, what it fed: an item id, usage, segment NAME) for a survey tool's export or"
        " a mapping file; empty for a plain CSV."
    )


@dataclass(frozen=True)
class ChartData:
    """What a chart says, for readers who cannot see it: the accessibility contract.

    Every chart of a report, however it is drawn (SVG from the Jinja2 macros of
    ``templates/report-charts.html`` today; matplotlib for the charts of survey waves), keeps
    these parts:

    - its colours are roles of :data:`ism_advisor.render.colours.PALETTE` (the stylesheet's CSS
      variables of the same names), and users and non-users, or significant and not, differ
      by more than colour: lightness, a pattern or a label;
    - ``alt`` is its text alternative — what it shows, in one sentence generated from the
      figures in the report's language — and is the chart's accessible name: the SVG's
      ``<title>`` (first child of an ``<svg role="img">``), which WeasyPrint writes as the
      ``/Alt`` of the tagged PDF's ``Figure``;
    - ``columns`` and ``rows`` are the figures behind it, a table with header cells right
      after the chart and its caption, inside its ``<figure>``: read by screen readers and
      printed, not shown on screen (never ``display: none`` or ``aria-hidden``).

    ``tests/test_accessibility.py`` holds every report to it (axe-core in Chromium, the
    PDF's structure tree); a new way of drawing passes the same ``ChartData``.
    """

    title: str = _help("The chart's name, as its caption says it.")
    alt: str = _help("What the chart shows, in one sentence generated from the figures.")
    columns: tuple[str, ...] = _help("The table's column headers; the first heads the rows.")
    rows: tuple[tuple[str, tuple[str, ...]], ...] = _help(
        "(factor name, formatted figures) per row, top to bottom as in the chart."
    )


@dataclass(frozen=True)
class ReportContext:
    """Everything a report template receives, as ``report`` (plus ``_`` for translation)."""

    lang: str = _help("The report's language: 'en' or 'nl'.")
    title: str = _help("The report's title (--title, or a default).")
    client: str | None = _help("The client organisation (--client), if given.")
    date: str | None = _help("The report date (--date), formatted; None if not given.")
    version: str = _help("The ism-advisor version that made the report.")
    scope: str = _help("Whose figures these are: all respondents, or one segment.")
    segment_report: bool = _help("True for a report on one segment (--per-segment).")
    summary: Summary = _help("The executive summary.")
    comparisons: tuple[FactorResult, ...] = _help("Per factor, in the codebook's order.")
    actions: tuple[Action, ...] = _help("The action plan, ranked.")
    segments: tuple[SegmentRow, ...] = _help("The segment overview (empty without segments).")
    factor_labels: tuple[str, ...] = _help("The factors' names, in order (heat map header).")
    factor_short_labels: tuple[str, ...] = _help(
        "The factors' short names, in the same order (the dense tables' headers)."
    )
    factor_key: tuple[tuple[str, str], ...] = _help(
        "(short name, name) of each factor whose short name differs: the key under the"
        " dense tables and the charts."
    )
    correlations: tuple[Correlation, ...] = _help("Notable correlations, strongest first.")
    correlation_table: tuple[tuple[str, tuple[str, ...]], ...] = _help(
        "(factor name, formatted r per factor) rows of the correlation matrix."
    )
    method: Method = _help("The method appendix.")
    means_chart: Markup = _help("Inline SVG: users' and non-users' means per factor.")
    effects_chart: Markup = _help("Inline SVG: Hedges' g with 95% CIs, significant marked.")
    drivers: DriverSection = _help(
        "What matters most for use: the driver analysis and the priority matrix."
    )
    document: Mapping[str, Any] = _help("The whole advice document (the JSON output).")
    means_data: ChartData = _help("The means chart's text alternative and figures.")
    effects_data: ChartData = _help("The effect chart's text alternative and figures.")
    since: Any = _help(
        'The section "Since the last survey" (a Since, see below); None with one survey.'
    )


def context_help() -> dict[str, dict[str, str]]:
    """Every context class and its fields' help texts (for the docs and their test)."""
    out = {}
    for cls in (
        ReportContext,
        Summary,
        Lever,
        FactorResult,
        Action,
        Fired,
        MatchedFigures,
        SegmentRow,
        HeatCell,
        Correlation,
        Reliability,
        Method,
        ChartData,
        DriverSection,
        DriverRow,
        *_since_classes(),
    ):
        out[cls.__name__] = {f.name: f.metadata.get("help", "") for f in dataclasses.fields(cls)}
    return out


def _since_classes() -> tuple[type, ...]:
    from .since import (
        AdoptionPoint,
        Change,
        DoneChange,
        DoneEffect,
        DoneFactor,
        FollowUpAdvice,
        Since,
        TrendPoint,
    )

    return (
        Since,
        AdoptionPoint,
        TrendPoint,
        Change,
        FollowUpAdvice,
        DoneEffect,
        DoneFactor,
        DoneChange,
    )


# -- building the context ------------------------------------------------------------------


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
    actions = tuple(
        _action(i, r, factors, t, lang, conclusions)
        for i, r in enumerate(target.get("recommendations", []), start=1)
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
        **_compared(document, segment, t),
        factors_compared=sum(1 for c in comparisons if c.hidden_reason != REASON_NOT_ASKED),
        not_compared=compared_note(document, target["comparisons"], t),
        follow_up=since.lead if since is not None else (),
    )
    scope = (
        t("all respondents")
        if target["column"] is None
        else t("{column}: {value}", column=_label(target), value=target["value"])
    )
    correlations, table = _correlations(document, factors, t, lang)
    segments = () if segment else _segment_rows(document, factors, t, lang)
    shown = [c for c in comparisons if c.shown]
    means_data, effects_data = _means_data(shown, t, lang), _effects_data(shown, t, lang)
    means_chart = effects_chart = Markup("")
    if charts:
        from .charts import effects_chart as draw_effects
        from .charts import means_chart as draw_means

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
        method=_method(document, comparisons, target, t),
        means_chart=means_chart,
        effects_chart=effects_chart,
        drivers=driver_section(
            target, factors, t, lang, chart=charts, not_asked=_not_in_model(document, target, t)
        ),
        document=document,
        means_data=means_data,
        effects_data=effects_data,
        since=since,
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
    from .since import since_context

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
    return dataclasses.replace(result, finding=_finding(result, t, lang))


def _effect_size(g: float | None) -> str:
    from ..advice.recommend import effect_size_label

    return "negligible" if g is None else effect_size_label(g)


def _finding(c: FactorResult, t, lang: str) -> str:
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


def _action(
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
        if "factor" in fact:
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


def _segment_rows(document: Mapping, factors: Sequence[Mapping], t, lang: str):
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
                label=_label(segment),
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


def _correlations(document: Mapping, factors: Sequence[Mapping], t, lang: str):
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


def _method(document: Mapping, comparisons, target: Mapping, t) -> Method:
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
        files=tuple((t(roles[key]), source(key, value)) for key, value in knowledge.items()),
        input=document["input"]["path"],
        columns=tuple((c["column"], c["use"]) for c in document["input"].get("columns", ())),
    )


# -- rendering -------------------------------------------------------------------------------

#: What one rendering of a report template (packaged or an organisation's) may do: ten
#: times what a report of 5,000 segments needs, and within a gigabyte and a minute.
TEMPLATE_LIMITS = Limits(size=10_000_000, steps=5_000_000, digits=100, output=50_000_000)


def environment(lang: str, fmt: str, templates: Path | None = None) -> BoundedImmutableSandbox:
    """The sandboxed Jinja2 environment for a report format and language.

    The organisation's folder is searched first; ``default:NAME`` always names a packaged
    template, so an override can extend it. Environments are kept per (language, format,
    folder), so that a run with many reports (``--per-segment``) compiles each template
    once, not once per report (a fifth of a report's time); Jinja2 still reloads a
    template whose file changed. A relative folder is kept per working folder.
    """
    if templates is not None and not templates.is_dir():
        raise AdvisorError(
            N_("no such folder (expected a folder of report templates)"), path=str(templates)
        )
    relative_to = os.getcwd() if templates is not None and not templates.is_absolute() else None
    return _environment(lang, fmt, templates, relative_to)


@lru_cache(maxsize=16)
def _environment(
    lang: str, fmt: str, templates: Path | None, relative_to: str | None
) -> BoundedImmutableSandbox:
    packaged = str(packaged_path("templates"))
    loaders: list[Any] = []
    if templates is not None:
        loaders.append(FileSystemLoader(str(templates)))
    loaders.append(PrefixLoader({"default": FileSystemLoader(packaged)}, delimiter=":"))
    loaders.append(FileSystemLoader(packaged))
    env = BoundedImmutableSandbox(
        TEMPLATE_LIMITS,
        loader=ChoiceLoader(loaders),
        autoescape=fmt != "md",
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_markdown_text if fmt == "md" else None,
    )
    env.install_gettext_translations(translations(lang), newstyle=True)
    env.globals["palette"] = dict(PALETTE)  # the stylesheet's CSS variables
    # where the method section's p-values come from a permutation test (compare.py)
    env.globals["permutation"] = {"below": PERMUTATION_BELOW, "splits": PERMUTATIONS}
    env.filters["num"] = lambda v: "–" if v is None else format_figure(v, "number", lang)
    env.filters["capital"] = lambda v: str(v)[:1].upper() + str(v)[1:]  # keeps "ICT"
    env.filters["signed"] = lambda v: "–" if v is None else format_figure(v, "signed", lang)
    env.filters["pct"] = lambda v: "–" if v is None else format_figure(v, "percent", lang)
    env.filters["count"] = lambda v: "–" if v is None else format_figure(v, "count", lang)
    env.filters["pval"] = lambda v: "–" if v is None else format_figure(v, "p", lang)
    env.filters["decimal"] = lambda v: "–" if v is None else format_figure(v, "decimal", lang)
    env.filters["sources"] = join_sources
    return env


def render_report(
    context: ReportContext,
    fmt: str,
    templates: Path | None = None,
    pdf_variant: str = DEFAULT_PDF_VARIANT,
) -> bytes:
    """The report as bytes: HTML or Markdown text, or a PDF (of ``pdf_variant``, one of
    :data:`PDF_VARIANTS`)."""
    return render_template(
        TEMPLATE_FOR[fmt], fmt, context.lang, templates, pdf_variant, report=context
    )


def render_template(
    name: str,
    fmt: str,
    lang: str,
    templates: Path | None,
    pdf_variant: str,
    **variables: Any,
) -> bytes:
    """Template ``name`` rendered with ``variables`` (and ``format``) as bytes: HTML or
    Markdown text, or a PDF; a template's error as one :class:`AdvisorError`."""
    text = render_text(name, fmt, lang, templates, **variables)
    if fmt == "pdf":
        return html_to_pdf(text, pdf_variant)
    return text.encode("utf-8")


def render_text(name: str, fmt: str, lang: str, templates: Path | None, **variables: Any) -> str:
    """Template ``name`` rendered with ``variables`` (and ``format``): HTML (also for a
    PDF) or Markdown text; a template's error as one :class:`AdvisorError`."""
    env = environment(lang, fmt, templates)
    try:
        template = env.get_template(name)
        text = env.render_bounded(template, {"format": fmt, **variables})
    except LimitExceeded as error:
        path, line = _template_location(error, name)
        raise AdvisorError(
            N_("template went past a limit: {limit}"), path=path, line=line, limit=error.message_
        ) from None
    except TemplateSyntaxError as error:
        raise AdvisorError(
            N_("template error: {problem}"),
            path=error.filename or name,
            line=error.lineno,
            problem=error.message or "",
        ) from None
    except TemplateNotFound as error:
        path, line = _template_location(error, name)
        raise AdvisorError(
            N_(
                "template not found: {name} (templates can include only files in their own"
                " folder or 'default:' templates)"
            ),
            path=path,
            line=line,
            name=error.name,
        ) from None
    except SecurityError as error:
        path, line = _template_location(error, name)
        raise AdvisorError(
            N_("template refused by the sandbox: {problem}"),
            path=path,
            line=line,
            problem=str(error),
        ) from None
    except UndefinedError as error:
        path, line = _template_location(error, name)
        raise AdvisorError(
            N_("template uses something the report does not have: {problem}"),
            path=path,
            line=line,
            problem=str(error),
        ) from None
    except (TemplateError, TypeError, ValueError, ArithmeticError) as error:
        # also an operation the data does not allow ({{ 1 / 0 }}, {{ report.lang * 2.5 }})
        path, line = _template_location(error, name)
        raise AdvisorError(
            N_("template error: {problem}"), path=path, line=line, problem=str(error)
        ) from None
    return text


def _template_location(error: BaseException, name: str) -> tuple[str, int | None]:
    """The template file and line where a rendering error happened (Jinja2 rewrites the
    traceback so that template frames carry the template's own file name and line)."""
    found: tuple[str, int | None] = (name, None)
    frame = error.__traceback__
    while frame is not None:
        filename = frame.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".md", ".css")):
            found = (filename, frame.tb_lineno)
        frame = frame.tb_next
    return found


#: How to install Pango, the system library WeasyPrint draws text with, on each system
#: (WeasyPrint's installation guide).
PANGO_INSTALL = N_(
    "Debian/Ubuntu: sudo apt install libpango-1.0-0 libpangoft2-1.0-0; Fedora: sudo dnf"
    " install pango; macOS: brew install pango; Windows: install the GTK3 runtime (see"
    " WeasyPrint's installation guide) or use WSL"
)


def weasyprint() -> Any:
    """The WeasyPrint module, or one line saying what is missing and how to install it.

    WeasyPrint is a Python package (installed with ism-advisor) but draws text with Pango,
    a system library pip cannot install: loading it fails with OSError where Pango is
    missing.
    """
    try:
        import weasyprint as module
    except ImportError as error:
        raise AdvisorError(
            N_(
                "PDF output needs the Python package WeasyPrint, which cannot be imported"
                " ({problem}); install it with 'pip install weasyprint', or choose"
                " --format html, md or json"
            ),
            problem=str(error),
        ) from None
    except OSError as error:
        raise AdvisorError(
            N_(
                "PDF output needs the system library Pango, which WeasyPrint cannot load"
                " ({problem}); install it ({install}), or choose --format html, md or json"
            ),
            problem=str(error),
            install=Message(PANGO_INSTALL),
        ) from None
    return module


def html_to_pdf(html: str, variant: str = DEFAULT_PDF_VARIANT) -> bytes:
    """The HTML as an A4 PDF of ``variant`` (WeasyPrint is imported only here).

    The tags come from the HTML's structure (headings, lists, tables with their header
    cells, ``<html lang>``, ``<title>``), a chart's alternative text from its SVG
    ``<title>`` (WeasyPrint 70 and later).
    """
    return pdf_pages(html, variant).write_pdf(**PDF_VARIANTS[variant])


def pdf_pages(html: str, variant: str = DEFAULT_PDF_VARIANT) -> Any:
    """The HTML laid out as A4 pages for a PDF of ``variant``: a WeasyPrint document
    (``len(pages.pages)``; ``pages.write_pdf(**PDF_VARIANTS[variant])`` writes it, as
    WeasyPrint's own ``HTML.write_pdf`` does)."""
    options = PDF_VARIANTS[variant]
    return (
        weasyprint().HTML(string=html, base_url=None).render(font_config=_font_config(), **options)
    )


@lru_cache(maxsize=1)
def _font_config() -> Any:
    """One WeasyPrint font configuration per process: making one per document is a third
    of a one-page PDF's time (the manager briefs), and the PDFs are byte-identical."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def pdf_fonts(templates: Path | None = None) -> tuple[bytes, tuple[str, ...]]:
    """Render one small page with the report's stylesheet: the PDF and the font families
    it embeds (what ``ism-advise doctor`` shows)."""
    css = environment("en", "pdf", templates).get_template("report.css").render()
    html = (
        f"<!DOCTYPE html><html lang='en'><head><style>{css}</style></head><body>"
        "<h1>ism-advisor</h1><p>PDF <strong>check</strong> 0,47 − 1.5</p></body></html>"
    )
    document = weasyprint().HTML(string=html, base_url=None).render()
    data = document.write_pdf()
    # Document.fonts is filled while writing; it is not a documented API, so read it
    # defensively
    fonts = getattr(document, "fonts", {}) or {}
    families = sorted({str(getattr(font, "family", "")) for font in fonts.values()} - {""})
    return data, tuple(families)


# what would become markup: an HTML tag or comment, an entity, a table cell's end
_MARKDOWN_SPECIAL = re.compile(r"<(?=[A-Za-z/!?])|&(?=#?\w+;)|\|")


def _markdown_text(value: Any) -> Any:
    """Escape what Markdown renderers would turn into markup; keep "p < 0.001" readable."""
    if value is None or isinstance(value, (int, float, bool, Markup)):
        return value
    return _MARKDOWN_SPECIAL.sub(
        lambda m: {"<": "&lt;", "&": "&amp;", "|": "\\|"}[m.group()], str(value)
    )


def segment_file_names(
    labels: Sequence[tuple[str, str]], suffix: str, reserved: Sequence[str] = ()
) -> list[str]:
    """Safe, distinct file names for segments, from their (column, value) labels.

    Letters and digits only (accents dropped), joined by hyphens; no path separators,
    no leading dots; clashes (with each other or with a ``reserved`` name) get -2, -3, ….
    """
    names: list[str] = []
    seen: set[str] = {name.casefold() for name in reserved}
    for column, value in labels:
        stem = "-".join(filter(None, (_slug(column), _slug(value)))) or "segment"
        stem = stem[:80].rstrip("-")
        name, n = f"{stem}.{suffix}", 1
        while name.casefold() in seen:
            n += 1
            name = f"{stem}-{n}.{suffix}"
        seen.add(name.casefold())
        names.append(name)
    return names


def _slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text or "")
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", "-", plain.casefold()).strip("-")
