"""The section "Since the last survey": adoption, trends, changes and the follow-up."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ....core.errors import N_
from ..facts import DeckFacts
from ..kit import Deck, Para
from ..textfit import table_layout, table_pages, unbroken

#: Rows of the table of significant changes per slide.
CHANGE_ROWS = 8


def since_slides(deck: Deck, facts: DeckFacts) -> None:
    """Since the last survey (a run over two or more waves): adoption per wave, each
    factor's means per wave, the significant changes and the follow-up advice — the
    report's section, from the same context
    (:func:`ism_advisor.render.context.since.since_context`). Nothing with one survey."""
    since = facts.report.since
    if since is None:
        return
    context = _since_context(deck, since)
    _adoption_slide(deck, since, context)
    _trend_slides(deck, since, context, facts.scale)
    _changes_slides(deck, since, context, facts.short_label)
    _follow_up_slide(deck, since)


def _since_context(deck: Deck, since: Any) -> list[str]:
    """What every slide of the section says in its notes: which waves, what was done, and
    that a change after an action is not proof the action caused it."""
    lines = [
        deck.report_text(N_("Survey waves compared: %(waves)s."), waves=" → ".join(since.waves))
    ]
    if since.done:
        lines.append(
            deck.report_text(
                N_("Carried out since the previous survey: %(done)s."),
                done="; ".join(since.done),
            )
        )
    lines.append(
        deck.report_text(
            N_(
                "A survey shows what changed after an action, not that the action caused it:"
                " other events, and who answered each time, can explain a change too."
            )
        )
    )
    if since.left_out:
        lines.append(
            deck.report_text(
                N_("Left out of the change figures (no scores in every wave): %(factors)s."),
                factors=", ".join(since.left_out),
            )
        )
    return lines


def _adoption_slide(deck: Deck, since: Any, context: Sequence[str]) -> None:
    """Adoption per wave as columns, each labelled with its share and counts; the change
    between the last two waves, with its interval, under the chart."""
    points = [a for a in since.adoption if a.share is not None]
    if not points:
        return
    slide = deck.slide("title_only", deck.t("Since the last survey: adoption"))
    left, top, width, height = deck.area
    caption = int(height * 0.16)
    labels = [
        deck.t(
            "{share} ({users} of {respondents})",
            share=deck.figure(a.share, "percent"),
            users=deck.figure(a.users, "count"),
            respondents=deck.figure(a.respondents, "count"),
        )
        for a in points
    ]
    chart = deck.bar_chart(
        slide,
        (left, top, width, height - caption),
        [a.wave for a in points],
        [(deck.t("Adoption"), [a.share for a in points])],
        horizontal=False,
        minimum=0,
        maximum=1.0,
        labels=[labels],
        colours=[["users" for _ in points]],
        legend=False,
    )
    chart.value_axis.tick_labels.number_format = "0%"
    text = deck.report_text(N_("Adoption per survey wave"))
    change = since.adoption_change
    if change is not None and len(points) > 1:
        text += ": " + deck.report_text(
            N_(
                "from %(before)s to %(after)s, a change of %(change)s percentage points (95%%"
                " CI %(low)s to %(high)s, p %(p)s)."
            ),
            before=deck.figure(points[-2].share, "percent"),
            after=deck.figure(points[-1].share, "percent"),
            change=_signed(deck, change["difference"], 100),
            low=_signed(deck, change["ci_low"], 100),
            high=_signed(deck, change["ci_high"], 100),
            p=deck.figure(change["p"], "p"),
        )
    deck.text_box(slide, (left, top + height - caption, width, caption), [Para(text)], largest=14)
    deck.notes(slide, [*context, text])


def _signed(deck: Deck, value: float | None, scale: float = 1.0) -> str:
    return deck.figure(None if value is None else value * scale, "signed")


def _trend_slides(
    deck: Deck, since: Any, context: Sequence[str], scale: tuple[float, float]
) -> None:
    """One slide per factor: users' and non-users' mean per wave as lines on the answer
    scale, each point labelled with its mean and 95% interval; the factor's significant
    changes in the notes."""
    by_factor: dict[str, list[Any]] = {}
    for point in since.trend:
        by_factor.setdefault(point.label, []).append(point)
    caption = deck.report_text(
        N_("Mean score per survey wave: users and non-users, with 95%% confidence intervals.")
    )
    for label, points in by_factor.items():
        if all(p.users_mean is None and p.non_users_mean is None for p in points):
            continue
        title = deck.t("{factor} per survey wave", factor=label)
        slide = deck.slide("title_only", title)
        left, top, width, height = deck.area
        below = int(height * 0.1)
        groups = (
            (deck.t("Users"), [(p.users_mean, p.users_ci) for p in points]),
            (deck.t("Non-users"), [(p.non_users_mean, p.non_users_ci) for p in points]),
        )
        labels = [[_mean_label(deck, mean, ci) for mean, ci in values] for _, values in groups]
        rows = [
            f"{p.wave}: "
            + "; ".join(f"{name} {labels[g][i] or '–'}" for g, (name, _) in enumerate(groups))
            for i, p in enumerate(points)
        ]
        deck.line_chart(
            slide,
            (left, top, width, height - below),
            [p.wave for p in points],
            [(name, [mean for mean, _ in values]) for name, values in groups],
            labels=labels,
            y_range=scale,
            description=f"{deck.t('Chart: {title}.', title=title)} {'. '.join(rows)}.",
        )
        deck.text_box(
            slide, (left, top + height - below, width, below), [Para(caption)], largest=12
        )
        changes = [_change_line(deck, c) for c in since.changes if c.label == label]
        deck.notes(
            slide,
            [
                caption,
                *rows,
                *(
                    [deck.report_text(N_("Significant changes")) + ":", *changes]
                    if changes
                    else [deck.report_text(N_("No change is significant after Holm correction."))]
                ),
                *context,
            ],
        )


def _mean_label(deck: Deck, mean: float | None, ci: tuple[float, float] | None) -> str:
    if mean is None:
        return ""
    if ci is None:
        return deck.figure(mean)
    return deck.t(
        "{g} [{low}; {high}]",
        g=deck.figure(mean),
        low=deck.figure(ci[0]),
        high=deck.figure(ci[1]),
    )


def _better(deck: Deck, change: Any) -> str:
    return deck.report_text(N_("(better)") if change.better else N_("(worse)"))


def _change_line(deck: Deck, change: Any) -> str:
    return deck.t(
        "{group}, {waves}: {before} → {after}, {change} {better} (95% CI {low} to {high},"
        " p (Holm) {p}).",
        group=change.group,
        waves=f"{change.from_wave} → {change.to_wave}",
        before=deck.figure(change.from_mean),
        after=deck.figure(change.to_mean),
        change=deck.figure(change.difference, "signed"),
        better=_better(deck, change),
        low=deck.figure(change.ci_low, "signed"),
        high=deck.figure(change.ci_high, "signed"),
        p=deck.figure(change.p_holm, "p"),
    )


def _changes_slides(
    deck: Deck, since: Any, context: Sequence[str], short: Callable[[str], str]
) -> None:
    """The significant changes (Holm) as the report's table (factors by their short
    names), as many rows a slide as fit, eight at most."""
    title = deck.t("Since the last survey: significant changes")
    if not since.changes:
        slide = deck.slide("content", title)
        text = deck.report_text(N_("No change is significant after Holm correction."))
        deck.body(slide, [Para(text)])
        deck.notes(slide, [text, *context])
        return
    header = [
        deck.report_text(N_(name))
        for name in ("Factor", "Group", "Waves", "Before", "After", "Change", "95%% CI")
    ] + ["p (Holm)"]
    rows = [
        [
            short(c.label),
            c.group,
            f"{c.from_wave} → {c.to_wave}",
            deck.figure(c.from_mean),
            deck.figure(c.to_mean),
            f"{deck.figure(c.difference, 'signed')} {_better(deck, c)}",
            unbroken(f"{deck.figure(c.ci_low, 'signed')} – {deck.figure(c.ci_high, 'signed')}"),
            unbroken(deck.figure(c.p_holm, "p")),
        ]
        for c in since.changes
    ]
    widths = [2.2, 1.3, 2.2, 0.9, 0.9, 1.6, 1.6, 1.0]
    layout = table_layout(header, rows, widths, deck.area[2], 12)
    pages = table_pages(layout, deck.area[3], CHANGE_ROWS)
    for page, indices in enumerate(pages):
        chunk = [since.changes[i] for i in indices]
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
        deck.notes(slide, [*[_change_line(deck, c) for c in chunk], *context])


def _follow_up_slide(deck: Deck, since: Any) -> None:
    """What the follow-up rules advised or concluded, with their reasons."""
    slide = deck.slide("content", deck.t("Since the last survey: follow-up advice"))
    if since.advice:
        paragraphs = [Para(a.because, lead=f"{a.title}: ") for a in since.advice]
        lines = [f"{a.title}: {a.because}" for a in since.advice]
    else:
        text = deck.report_text(
            N_(
                "The follow-up rules found nothing to act on (they need --done to know what"
                " was carried out)."
            )
        )
        paragraphs, lines = [Para(text)], [text]
    deck.body(slide, paragraphs)
    deck.notes(slide, lines)
