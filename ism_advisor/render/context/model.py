"""The report's context: the documented classes a report template receives (the template
authors' contract, :func:`context_help`), and the fixed labels."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from ...core.errors import N_
from ...core.vocabulary import COMPARISON, EFFECT_SIZE_LABELS
from .comments import CommentCodeRow, CommentGroup, Comments, CommentTheme, FactorComments
from .drivers import DriverRow, DriverSection
from .evidence import Evidence, Forest, ForestRow
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

__all__ = ["ChartData", "FactorResult", "ReportContext"]


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
    comments: FactorComments | None = field(
        default=None,
        metadata={
            "help": "With --comments: what the non-users wrote about it (a"
            " FactorComments); None without, or for a hidden segment."
        },
    )

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
    ledger: str = field(
        default="",
        metadata={
            "help": "With --evidence: 'Carried out at 6 earlier clients: non-users' manager"
            " influence +0.31 [0.12; 0.50]' where the ledger shows a change; else ''."
        },
    )


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


def compared_summary(document: Mapping[str, Any], segment: int, t: Any) -> dict[str, Any]:
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
    from ...advice.document import compared_with, segment_noun

    base = compared_with(document, segment)
    segments = document["segments"]
    unit = t("your {unit}", unit=segment_noun(segments[segment]))
    whole = t("your {unit}", unit=segment_noun(segments[base])) if base else t("all respondents")
    return unit, whole, base


def segment_label(segment: Mapping[str, Any]) -> str:
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
class NormPosition:
    """One figure of the client against the other organisations (``document["norms"]``)."""

    value: float | None = _help("The client's own figure; None when hidden.")
    n: int = _help("How many organisations have this figure.")
    percentile: int | None = _help(
        "The client's percentile rank among them (0-100: the share below plus half the"
        " ties); None below 5 organisations or without the client's figure."
    )
    p10: float | None = _help("The 10th percentile of the organisations; None below 20.")
    p25: float | None = _help("The 25th percentile of the organisations; None below 10.")
    median: float | None = _help("The organisations' median; None below 10.")
    p75: float | None = _help("The 75th percentile of the organisations; None below 10.")
    p90: float | None = _help("The 90th percentile of the organisations; None below 20.")


@dataclass(frozen=True)
class NormFactor:
    """One factor's figures against the other organisations."""

    factor: str = _help("The factor's id.")
    label: str = _help("The factor's name in the report's language.")
    short_label: str = _help("Its short name, for the chart's axis.")
    higher_is_better: bool = _help("True if a higher score is favourable.")
    non_users_mean: NormPosition = _help("The non-users' mean against the organisations'.")
    users_mean: NormPosition = _help("The users' mean against the organisations'.")
    gap: NormPosition = _help("The gap (positive: non-users lag behind) against theirs.")


@dataclass(frozen=True)
class NormRow:
    """One row of the norms' table: one figure of the client, formatted."""

    label: str = _help("The factor's name, or 'Adoption'.")
    measure: str = _help("Which figure: the non-users' mean, the users' mean, the gap.")
    client: str = _help("The client's figure ('–' when hidden).")
    percentile: str = _help("The client's percentile rank ('–' when not given).")
    median: str = _help("The organisations' median ('–' below 10 organisations).")
    middle: str = _help("P25 to P75 ('–' below 10 organisations).")
    outer: str = _help("P10 to P90 ('–' below 20 organisations).")
    note: str = _help(
        "'higher is worse' on the first row of a factor that is better low (its means'"
        " percentile ranks read the other way round), else ''."
    )
    span: int = _help(
        "Rows the label heads: 3 on a factor's first row, 0 on its others, 1 for adoption."
    )


@dataclass(frozen=True)
class Norms:
    """The section "Compared with N organisations" (``document["norms"]``, from --norms)."""

    organisations: int = _help("How many other organisations the client is compared with.")
    shown: bool = _help("False below the minimum number of organisations: no figures then.")
    heading: str = _help("'Compared with 12 organisations'.")
    about: str = _help(
        "What the norms are: how many organisations, which questionnaire version, the"
        " window's dates, each organisation's latest survey, the client left out; and that"
        " they are not a random sample."
    )
    not_shown: str = _help("Why nothing is shown ('' when shown).")
    factors: tuple[NormFactor, ...] = _help("Per factor, in the codebook's order.")
    adoption: NormPosition = _help("Adoption against the organisations'.")
    rows: tuple[NormRow, ...] = _help("The table: per factor its three figures, then adoption.")
    outer: bool = _help("True when some figure has P10 and P90 (20 organisations or more).")
    direction_note: str = _help(
        "Which factors are better low, in words ('' when none): their percentile ranks"
        " read the other way round."
    )
    line: str = _help(
        "One sentence from the overall figures, for the brief and the deck:"
        " 'Compared with 12 other organisations, the organisation's non-users score lower"
        " on Manager influence than at three quarters of them.'"
    )
    chart: Markup = _help("Inline SVG: the non-users' mean per factor within the P25-P75 band.")
    chart_data: ChartData = _help("That chart's text alternative and figures.")
    gap_chart: Markup = _help("Inline SVG: the gap per factor within the P25-P75 band.")
    gap_data: ChartData = _help("That chart's text alternative and figures.")


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
    norms: Norms | None = _help(
        'The section "Compared with N organisations" (--norms with a store); None without.'
    )
    evidence: Evidence | None = field(
        default=None,
        metadata={
            "help": 'The appendix "What worked elsewhere" (an Evidence, --evidence with a'
            " store); None without."
        },
    )
    comments: Comments | None = field(
        default=None,
        metadata={"help": 'The section "What staff wrote" (a Comments, --comments); None without.'},
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
        Norms,
        NormFactor,
        NormPosition,
        NormRow,
        Evidence,
        Forest,
        ForestRow,
        Comments,
        CommentGroup,
        CommentCodeRow,
        CommentTheme,
        FactorComments,
    ):
        out[cls.__name__] = {f.name: f.metadata.get("help", "") for f in dataclasses.fields(cls)}
    return out


def _since_classes() -> tuple[type, ...]:
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
