"""The manager's brief: one A4 page per shown segment (``--per-segment DIR --brief``).

A team manager gets the team's adoption and size, the factors as one compact chart (the
team against the whole organisation, and the team's users against its non-users where
both are shown), what goes well, the team's first three actions with one line of reason
each, and where to read more. Every figure comes from the advice document, which the
disclosure stage (:mod:`ism_advisor.protect.disclosure`) has already checked: a hidden segment gets
no brief, a hidden comparison no figures. The team's mean on a factor is worked out from
its users' and non-users' published means and counts only (nothing the document hides).

The chart is inline SVG drawn by a Jinja2 macro (``templates/brief-chart.html``), not a
matplotlib figure: thousands of briefs at a hundred a second leave no room for a figure
each. It keeps the report's accessibility contract
(:class:`~ism_advisor.render.context.model.ChartData`).
"""

from __future__ import annotations

import csv
import io
import math
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .. import __version__
from ..core.errors import Message
from ..core.formatting import format_figure, format_report_date
from ..core.i18n import translations
from ..core.inert import spreadsheet_cell
from .absent import REASON_NOT_ASKED, compared_note
from .context.comments import brief_comments_line
from .context.model import ChartData, comparison_words
from .context.norms import brief_norms_line
from .context.since import since_context
from .deck import render_deck
from .deck.kit import Para, fill
from .names import segment_file_names
from .pdf import DEFAULT_PDF_VARIANT, PDF_VARIANTS, pdf_pages
from .report import render_template
from .templates import render_text

__all__ = [
    "BETTER_BY",
    "GOES_WELL_SHOWN",
    "INDEX_NAMES",
    "BriefAction",
    "BriefContext",
    "BriefFactor",
    "brief_context",
    "brief_file_names",
    "brief_index",
    "render_brief",
    "render_brief_deck",
]

#: How far (in scale points) the team must be ahead of the organisation for a factor to
#: count as going well: less is within what a team's sampling varies by.
BETTER_BY = 0.1
#: At most this many factors under "what goes well", those most ahead (the page stays one
#: page; the chart shows every factor).
GOES_WELL_SHOWN = 3
#: The index files of a folder of briefs; no brief takes these names.
INDEX_NAMES = ("index.html", "index.csv")
_TEMPLATE_FOR = {"html": "brief.html", "pdf": "brief.html", "md": "brief.md"}


@dataclass(frozen=True)
class BriefFactor:
    """One factor of the brief's chart; a figure is None where it is hidden or missing."""

    label: str
    #: the factor's name wrapped for the chart's label column
    lines: tuple[str, ...]
    higher_is_better: bool
    team: float | None
    organisation: float | None
    users: float | None
    non_users: float | None


@dataclass(frozen=True)
class BriefAction:
    """One of the team's first actions, with one line saying why."""

    rank: int
    title: str
    reason: str


@dataclass(frozen=True)
class BriefContext:
    """Everything a brief template receives, as ``brief`` (plus ``_`` for translation)."""

    lang: str
    title: str
    team: str
    #: what the segment is called in running text: "your department", "your team"
    unit: str
    #: what it is compared with: "your organisation" (its parent), "all respondents"
    whole: str
    client: str | None
    date: str | None
    version: str
    respondents: int
    users: int
    non_users: int
    adoption_rate: float
    #: the adoption of what it is compared with (``whole``)
    organisation_adoption_rate: float | None
    factors: tuple[BriefFactor, ...]
    #: the factors where the team does better than the organisation, most ahead first (at
    #: most GOES_WELL_SHOWN)
    goes_well: tuple[BriefFactor, ...]
    actions: tuple[BriefAction, ...]
    #: the file of the full report, when there is one to name
    report_name: str | None
    chart: ChartData
    #: the chart's axis: (lowest, highest) tick
    axis: tuple[int, int]
    #: "6 of 7 factors compared; Privacy concern: not asked in wave October 2026." when the
    #: survey did not ask a factor (left out of the chart and its table), else None
    not_compared: str | None = None
    #: a run over several waves: the change in the team's adoption, then per intervention
    #: carried out and factor, what it did (the report's verdict); empty with one survey
    since: tuple[str, ...] = ()
    #: a run with --norms: one sentence on the whole organisation against the other
    #: organisations in the store ("Compared with 12 other organisations, the
    #: organisation's non-users score lower on Manager influence than at three quarters
    #: of them."); '' without
    norms: str = ""
    #: a run with --comments: "Non-users' comments most often name Effort expectancy (35%
    #: of 34 comments)."; '' without, for a group not shown, or when nothing is coded
    comments: str = ""


def _team_mean(comparison: Mapping | None) -> float | None:
    """The segment's mean from its users' and non-users' published means and counts."""
    if comparison is None or comparison["suppressed"]:
        return None
    n_users, n_non = comparison["users_n"], comparison["non_users_n"]
    users, non_users = comparison["users_mean"], comparison["non_users_mean"]
    if None in (n_users, n_non, users, non_users) or not n_users + n_non:
        return None
    return (n_users * users + n_non * non_users) / (n_users + n_non)


def _shown(comparison: Mapping | None, name: str) -> float | None:
    if comparison is None or comparison["suppressed"]:
        return None
    return comparison[name]


def brief_context(
    document: Mapping[str, Any],
    segment: int,
    *,
    title: str | None = None,
    client: str | None = None,
    date: str | None = None,
    report_name: str | None = None,
) -> BriefContext:
    """The brief on ``document['segments'][segment]`` (a shown segment, not 0)."""
    lang = document["settings"]["lang"]
    tr = translations(lang)

    def t(msgid: str, **params: Any) -> str:
        return Message(msgid, params).render(tr)

    target = document["segments"][segment]
    if segment == 0 or target["suppressed"]:
        raise ValueError("a brief is written for a shown segment only")
    unit, compared, base = comparison_words(document, segment, t)
    whole = document["segments"][base]
    team = {c["factor"]: c for c in target["comparisons"]}
    organisation = {c["factor"]: c for c in whole["comparisons"]}
    absent = {f for f, c in team.items() if c["suppressed_reason"] == REASON_NOT_ASKED}
    factors = tuple(
        BriefFactor(
            label=f["label"],
            lines=tuple(textwrap.wrap(f["label"], 26, max_lines=2, placeholder=" …")),
            higher_is_better=f["direction"] == "higher_is_better",
            team=_team_mean(team.get(f["id"])),
            organisation=_team_mean(organisation.get(f["id"])),
            users=_shown(team.get(f["id"]), "users_mean"),
            non_users=_shown(team.get(f["id"]), "non_users_mean"),
        )
        for f in document["factors"]
        if f["id"] not in absent  # not asked: said in not_compared, not drawn as hidden
    )
    goes_well = tuple(
        f
        for f in sorted(factors, key=_advantage, reverse=True)
        if f.team is not None and f.organisation is not None and _advantage(f) >= BETTER_BY
    )[:GOES_WELL_SHOWN]
    actions = _actions((target.get("recommendations") or [])[:3])
    name = t(
        "{column}: {value}", column=target.get("label") or target["column"], value=target["value"]
    )
    return BriefContext(
        lang=lang,
        title=title or t("Overview: getting {unit} onto the platform", unit=unit),
        team=name,
        unit=unit,
        whole=compared,
        client=client,
        date=format_report_date(date, lang),
        version=__version__,
        respondents=target["respondents"],
        users=target["users"],
        non_users=target["non_users"],
        adoption_rate=target["adoption_rate"],
        organisation_adoption_rate=None if whole["suppressed"] else whole["adoption_rate"],
        factors=factors,
        goes_well=goes_well,
        actions=actions,
        report_name=report_name,
        chart=_chart_data(factors, t, lang, unit, compared),
        axis=_axis(factors),
        not_compared=compared_note(document, target["comparisons"], t),
        since=_since_lines(document, target, t, lang),
        norms=brief_norms_line(document, t),
        comments=brief_comments_line(document, target, t, lang),
    )


def _since_lines(
    document: Mapping[str, Any], target: Mapping[str, Any], t: Any, lang: str
) -> tuple[str, ...]:
    """The brief's "Since the last survey": the change in adoption (the report summary's
    first sentence) and what each intervention carried out did, one line per factor."""
    since = since_context(document, target, t, lang, charts=False)
    if since is None:
        return ()
    lines = [since.lead[0]]
    lines += [
        t("{action} – {factor}: {verdict}", action=d.title, factor=f.label, verdict=f.verdict)
        for d in since.done_effects
        for f in d.factors
    ]
    return tuple(lines)


def _actions(recommendations: Sequence[Mapping]) -> tuple[BriefAction, ...]:
    """The actions with one reason each: the first of an action's reasons that an earlier
    action does not already give (two actions of one rule share their reasons)."""
    used: set[str] = set()
    actions = []
    for rank, r in enumerate(recommendations, start=1):
        reasons = list(r["because"]) or [r["description"]]
        reason = next((text for text in reasons if text not in used), reasons[0])
        used.add(reason)
        actions.append(BriefAction(rank, r["title"], reason))
    return tuple(actions)


def _advantage(f: BriefFactor) -> float:
    """How far the team is ahead of the organisation (negative: behind), rounded as shown."""
    if f.team is None or f.organisation is None:
        return -math.inf
    ahead = f.team - f.organisation if f.higher_is_better else f.organisation - f.team
    return round(ahead, 2)


def _axis(factors: Sequence[BriefFactor]) -> tuple[int, int]:
    """Whole-point ticks covering every figure, at least 1 to 5 (the usual scale)."""
    values = [
        v for f in factors for v in (f.team, f.organisation, f.users, f.non_users) if v is not None
    ]
    return min(1, math.floor(min(values, default=1))), max(5, math.ceil(max(values, default=5)))


def capital(text: str) -> str:
    """``text`` with a capital first letter (a heading, a table's column)."""
    return text[:1].upper() + text[1:]


def _chart_data(factors: Sequence[BriefFactor], t, lang: str, unit: str, whole: str) -> ChartData:
    """The chart's sentence and table: on how many factors the team does better, where most."""
    number = lambda v: "–" if v is None else format_figure(v, "number", lang)  # noqa: E731
    drawn = [f for f in factors if f.team is not None and f.organisation is not None]
    better = [f for f in drawn if _advantage(f) >= BETTER_BY]
    if not drawn:
        alt = t("Mean score per factor: nothing to show, every comparison is hidden (anonymity).")
    elif better:
        most = max(better, key=_advantage)
        alt = t(
            "Mean score per factor, {unit} against {whole}: {unit} does clearly better on"
            " {better} of {factors} factors, most on {label} ({team} against {organisation}).",
            unit=unit,
            whole=whole,
            better=len(better),
            factors=len(drawn),
            label=most.label,
            team=number(most.team),
            organisation=number(most.organisation),
        )
    else:
        alt = t(
            "Mean score per factor, {unit} against {whole}: {unit} does clearly better on"
            " none of the {factors} factors.",
            unit=unit,
            whole=whole,
            factors=len(drawn),
        )
    return ChartData(
        title=t("Mean score per factor: {unit} and {whole}", unit=unit, whole=whole),
        alt=alt,
        columns=(t("Factor"), capital(unit), capital(whole), t("Users"), t("Non-users")),
        rows=tuple(
            (f.label, tuple(number(v) for v in (f.team, f.organisation, f.users, f.non_users)))
            for f in factors
            if f.team is not None or f.organisation is not None
        ),
    )


def render_brief(
    context: BriefContext, fmt: str, templates=None, pdf_variant: str | None = None
) -> bytes:
    """The brief as HTML or Markdown text, or a one-page PDF (tagged PDF/UA-1 by default).

    A PDF page that would run over (a long team name, long reasons in an organisation's
    rules and every factor going well) is laid out again compact: a smaller chart and
    table (the template's ``compact``), so that a manager still gets one page.
    """
    name = _TEMPLATE_FOR[fmt]
    if fmt != "pdf":
        return render_template(name, fmt, context.lang, templates, "", brief=context, compact=False)
    variant = pdf_variant or DEFAULT_PDF_VARIANT
    for compact in (False, True):
        html = render_text(name, fmt, context.lang, templates, brief=context, compact=compact)
        pages = pdf_pages(html, variant)
        if len(pages.pages) == 1:
            break
    return pages.write_pdf(**PDF_VARIANTS[variant])


def render_brief_deck(
    document: Mapping[str, Any],
    segment: int,
    *,
    title: str | None = None,
    client: str | None = None,
    date: str | None = None,
    report_name: str | None = None,
    template: Any = None,
) -> bytes:
    """The brief as a one-slide PowerPoint deck, built with the deck's own helpers
    (:class:`ism_advisor.render.deck.Deck`): a native bar chart of the team against the
    organisation, what goes well and the first actions beside it, every figure in the
    notes."""
    context = brief_context(
        document, segment, title=title, client=client, date=date, report_name=report_name
    )
    return render_deck(
        document,
        title=context.title,
        client=client,
        date=date,
        segment=segment,
        template=template,
        slides=(lambda deck, facts: _brief_slide(deck, context, facts.scale),),
    )


def _brief_slide(deck: Any, context: BriefContext, scale: tuple[float, float]) -> None:
    slide = deck.slide("title_only", context.team)
    left, top, width, height = deck.area
    drawn = [f for f in context.factors if f.team is not None and f.organisation is not None]
    chart_width = width * 11 // 20
    if drawn:
        chart = deck.bar_chart(
            slide,
            (left, top, chart_width, height),
            [f.label for f in drawn],
            [
                (capital(context.unit), [f.team for f in drawn]),
                (capital(context.whole), [f.organisation for f in drawn]),
            ],
            horizontal=True,
            minimum=scale[0],
            maximum=scale[1],
        )
        # the organisation in grey, as in the HTML brief (its legend entry too); the deck
        # holds a horizontal chart's series bottom-up, so it is found by its name
        (organisation,) = [
            series for series in chart.plots[0].series if series.name == capital(context.whole)
        ]
        fill(organisation.format.fill, "muted")
    rate = deck.figure(context.adoption_rate, "percent")
    # what it is compared with is always shown (its parent, or all respondents)
    figures = deck.t(
        "{rate} use the platform ({whole}: {whole_rate}); {respondents} respondents:"
        " {users} users, {non_users} non-users.",
        rate=rate,
        whole=context.whole,
        whole_rate=deck.figure(context.organisation_adoption_rate, "percent"),
        respondents=deck.figure(context.respondents, "count"),
        users=deck.figure(context.users, "count"),
        non_users=deck.figure(context.non_users, "count"),
    )
    paragraphs = [
        Para(figures, lead=capital(context.unit) + ": "),
        *([Para(context.not_compared)] if context.not_compared else []),
        *([Para(context.norms)] if context.norms else []),
        *([Para(context.comments)] if context.comments else []),
        Para("", lead=deck.t("What goes well")),
    ]
    paragraphs += [
        Para(
            deck.t(
                "{team} against {organisation}",
                team=deck.figure(f.team),
                organisation=deck.figure(f.organisation),
            ),
            level=1,
            lead=f"{f.label}: ",
        )
        for f in context.goes_well
    ] or [
        Para(
            deck.t(
                "On no factor does {unit} score clearly better than {whole}.",
                unit=context.unit,
                whole=context.whole,
            ),
            level=1,
        )
    ]
    if context.since:
        paragraphs.append(Para("", lead=deck.t("Since the last survey")))
        paragraphs += [Para(line, level=1) for line in context.since]
    paragraphs.append(Para("", lead=deck.t("What you can do")))
    paragraphs += [
        Para(a.reason, level=1, lead=f"{a.rank}. {a.title}: ", bullet=False)
        for a in context.actions
    ] or [Para(deck.t("The rules found no gap that calls for an action."), level=1)]
    gap = width // 40
    box = (left + chart_width + gap, top, width - chart_width - gap, height)
    deck.text_box(slide, box, paragraphs, largest=16)
    number = lambda v: "–" if v is None else deck.figure(v)  # noqa: E731
    deck.notes(
        slide,
        [
            context.chart.alt,
            *[
                deck.t(
                    "{factor}: {unit} {team}, {whole} {organisation}, users {users},"
                    " non-users {non_users}.",
                    factor=f.label,
                    unit=context.unit,
                    whole=context.whole,
                    team=number(f.team),
                    organisation=number(f.organisation),
                    users=number(f.users),
                    non_users=number(f.non_users),
                )
                for f in context.factors
                if f.team is not None or f.organisation is not None
            ],
            deck.t("Figures hidden for anonymity are left out."),
        ],
    )


def brief_file_names(document: Mapping[str, Any], fmt: str) -> list[tuple[str, int]]:
    """(file name, segment number) for every shown segment's brief; never an index's name."""
    shown = [i for i, s in enumerate(document["segments"]) if i and not s["suppressed"]]
    labels = [(document["segments"][i]["column"], document["segments"][i]["value"]) for i in shown]
    names = segment_file_names(labels, fmt, reserved=INDEX_NAMES)
    return list(zip(names, shown, strict=True))


def brief_index(
    document: Mapping[str, Any],
    briefs: Sequence[tuple[str, int]],
    *,
    title: str | None = None,
    templates=None,
) -> tuple[bytes, bytes]:
    """The index of a folder of briefs: an HTML page and a CSV file (UTF-8, comma,
    a header row), one row per brief: segment column, value, respondents, adoption, file.
    A text cell a spreadsheet would run as a formula (a team called ``=HYPERLINK(…)``)
    starts with a single quote (:func:`~ism_advisor.core.inert.spreadsheet_cell`); the
    figures stay numbers."""
    lang = document["settings"]["lang"]
    tr = translations(lang)
    t = lambda msgid, **params: Message(msgid, params).render(tr)  # noqa: E731
    segments = document["segments"]
    rows = tuple(
        (
            segments[i]["column"],
            segments[i]["value"],
            segments[i]["respondents"],
            segments[i]["adoption_rate"],
            name,
        )
        for name, i in briefs
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(("segment", "value", "respondents", "adoption_rate", "file"))
    for column, value, respondents, rate, name in rows:
        # a segment's name is the survey's text: a spreadsheet must not run it
        cells = (column, value, respondents, f"{rate:.4f}", name)
        writer.writerow([spreadsheet_cell(cell) for cell in cells])
    html = render_template(
        "brief-index.html",
        "html",
        lang,
        templates,
        DEFAULT_PDF_VARIANT,
        index={
            "lang": lang,
            "title": title or t("Team overviews"),
            # the segment question by its label, as the briefs name it (the CSV keeps
            # the column: scripts read it)
            "rows": tuple(
                (segments[i].get("label") or row[0], *row[1:])
                for row, (_, i) in zip(rows, briefs, strict=True)
            ),
            "version": __version__,
        },
    )
    return html, buffer.getvalue().encode("utf-8")
