"""The action plan and the interventions carried out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ....core.errors import N_
from ....core.formatting import join_sources
from ...context.evidence import CAVEAT
from ..facts import DeckFacts
from ..kit import Deck, Para
from ..textfit import table_layout, table_pages, unbroken


def action_slides(deck: Deck, facts: DeckFacts) -> None:
    """The action plan: an overview, then one slide per action (what, why, who, first
    steps), with the rules that fired, their figures and the sources in the notes."""
    actions = facts.report.actions
    if not actions:
        slide = deck.slide("content", deck.t("Action plan"))
        deck.body(
            slide, [Para(deck.t("The rules advise no action: no lever met their conditions."))]
        )
        deck.notes(
            slide,
            [
                deck.t(
                    "No rule of the knowledge base found its conditions met in these figures;"
                    " the appendix names the knowledge base used."
                )
            ],
        )
        return
    since = facts.report.since
    follow = since is not None and bool(since.done_effects)
    if follow:
        _done_slides(deck, since, facts.short_label)
    title = deck.t("Action plan: what next") if follow else deck.t("Action plan")
    slide = deck.slide("title_only", title)
    deck.table(
        slide,
        deck.area,
        [deck.t("Action"), deck.t("Priority"), deck.t("Owner"), deck.t("Time horizon")],
        [[f"{a.rank}. {a.title}", a.priority_label, a.owner, a.horizon] for a in actions],
        widths=[4.2, 1.2, 1.8, 1.6],
        size=14,
    )
    deck.notes(
        slide,
        [
            deck.t(
                "The actions are ranked by priority, then by the largest gap behind them."
                " Each has its own slide; its notes say which rule advised it and why."
            )
        ],
    )
    for action in actions:
        slide = deck.slide("content", f"{action.rank}. {action.title}")
        paragraphs = [
            Para(action.description, lead=deck.t("What: ")),
            Para("", lead=deck.t("Why:")),
            *[Para(text, level=1) for text in action.because],
            # with --evidence: what the ledger measured where others carried it out
            *([Para(f"{action.ledger}. {deck.t(CAVEAT)}", level=1)] if action.ledger else []),
            Para(
                deck.t(
                    "{owner} · effort {effort} · {horizon} · priority {priority}",
                    owner=action.owner,
                    effort=action.effort,
                    horizon=action.horizon,
                    priority=action.priority_label,
                ),
                lead=deck.t("Who: "),
            ),
        ]
        if action.steps:
            paragraphs.append(Para("", lead=deck.t("First steps:")))
            paragraphs += [
                Para(f"{n}. {step}", level=1, bullet=False)
                for n, step in enumerate(action.steps, start=1)
            ]
        deck.body(slide, paragraphs)
        deck.notes(slide, _action_notes(deck, action))


#: Rows of the table of what was done per slide.
DONE_ROWS = 8


def _done_slides(deck: Deck, since: Any, short: Callable[[str], str]) -> None:
    """The action plan's first part in a report over several waves: each intervention
    carried out, per factor it addresses the non-users' change and the gap's change with
    their 95% intervals, and the verdict (the report's "What was done and what it did")."""
    title = deck.report_text(N_("What was done and what it did"))

    def change(value: Any) -> str:
        if value is None:
            return "–"
        interval = f"{deck.figure(value.ci_low, 'signed')} – {deck.figure(value.ci_high, 'signed')}"
        return f"{deck.figure(value.difference, 'signed')} ({unbroken(interval)})"

    entries = [(d, f) for d in since.done_effects for f in d.factors]
    header = [
        deck.t("Action"),
        deck.report_text(N_("Factor")),
        deck.t("Non-users' change (95% CI)"),
        deck.t("Change in the gap (95% CI)"),
        deck.report_text(N_("Verdict")),
    ]
    rows = [
        [d.title, short(f.label), change(f.non_users), change(f.gap), f.verdict] for d, f in entries
    ]
    widths = [3.0, 1.8, 2.0, 2.0, 1.6]
    layout = table_layout(header, rows, widths, deck.area[2], 12)
    pages = table_pages(layout, deck.area[3], DONE_ROWS)
    method = [
        deck.report_text(
            N_(
                "Each intervention carried out since the previous survey, with the change"
                " between %(before)s and %(after)s on each factor it addresses: among non-users"
                " and in the gap between users and non-users, with its 95%% confidence"
                " interval. The verdict rests on the Holm-adjusted p-values (see Method)."
            ),
            before=since.waves[-2],
            after=since.waves[-1],
        )
    ]
    if since.done_hidden:
        method.append(
            deck.report_text(
                N_(
                    "A change hidden to protect small groups (anonymity) stays hidden here:"
                    " it gets no verdict."
                )
            )
        )
    for page, indices in enumerate(pages):
        heading = title
        if len(pages) > 1:
            heading = deck.t(
                "{title} ({page} of {pages})", title=title, page=page + 1, pages=len(pages)
            )
        slide = deck.slide("title_only", heading)
        deck.table(
            slide,
            deck.area,
            header,
            [rows[i] for i in indices],
            widths=widths,
            layout=layout.page(indices),
        )
        lines = [
            f"{entries[i][0].title} – {entries[i][1].label}: {rows[i][2]}; {rows[i][3]};"
            f" {entries[i][1].verdict}"
            for i in indices
        ]
        deck.notes(slide, [*lines, *method])


def _action_notes(deck: Deck, action: Any) -> list[str]:
    """Why this action: every rule that fired, its reason and the figures it matched;
    the factors; the sources."""
    lines = [deck.t("Why this action: the rules that fired, and the figures they matched.")]
    for fired in action.rules:
        lines.append(deck.t("Rule '{rule}': {because}", rule=fired.rule, because=fired.because))
        for fact in fired.figures:
            figures = "; ".join(f"{name} {value}" for name, value in fact.figures)
            lines.append(f"– {fact.label}: {figures}" if figures else f"– {fact.label}")
    if action.factors:
        lines.append(deck.t("Factors: {factors}.", factors=", ".join(action.factors)))
    lines.append(
        deck.t(
            "Priority {priority}; owner {owner}; effort {effort}; time horizon {horizon}.",
            priority=action.priority_label,
            owner=action.owner,
            effort=action.effort,
            horizon=action.horizon,
        )
    )
    if action.evidence:
        lines.append(deck.t("Sources: {sources}", sources=join_sources(action.evidence)))
    return lines
