"""The opening slides: title, summary, the means and effects charts and a slide per factor."""

from __future__ import annotations

from typing import Any

from ..charts import capital, label_range
from ..facts import DeckFacts
from ..kit import Deck, Para
from ..textfit import EMU_PER_PT, text_width


def title_slide(deck: Deck, facts: DeckFacts) -> None:
    """Title, client, whose figures (everyone or a segment) and the date of the data."""
    report = facts.report
    slide = deck.slide("title", report.title)
    summary = report.summary
    lines = [report.client] if report.client else []
    lines.append(capital(report.scope))
    lines.append(
        deck.t(
            "A survey of {respondents} respondents",
            respondents=deck.figure(summary.respondents, "count"),
        )
    )
    if report.date:
        lines.append(report.date)
    deck.subtitle(slide, lines)
    deck.notes(
        slide,
        [
            deck.t(
                "Made with ism-advisor {version} from {survey}. Every figure in this deck is"
                " published: no figure of a group of fewer than {k} users or non-users is"
                " shown.",
                version=report.version,
                survey=facts.survey,
                k=report.method.min_group_size,
            ),
            deck.t(
                "The notes of each action say which rule advised it, on which figures, and"
                " the sources of the intervention."
            ),
        ],
    )


def summary_slide(deck: Deck, facts: DeckFacts) -> None:
    """Adoption, the three biggest gaps and the first actions."""
    report = facts.report
    summary = report.summary
    slide = deck.slide("content", deck.t("Summary"))
    # a report over several waves leads with what changed since the previous survey
    paragraphs = [Para(sentence) for sentence in summary.follow_up]
    paragraphs += [
        Para(
            deck.t(
                "{rate} of {respondents} respondents use the platform ({users} users,"
                " {non_users} non-users).",
                rate=deck.figure(summary.adoption_rate, "percent"),
                respondents=deck.figure(summary.respondents, "count"),
                users=deck.figure(summary.users, "count"),
                non_users=deck.figure(summary.non_users, "count"),
            ),
            lead=deck.t("Adoption: "),
        )
    ]
    if summary.compared and summary.compared_rate is not None:
        paragraphs.append(
            Para(
                deck.t(
                    "{whole}: {rate} use the platform.",
                    whole=summary.compared[:1].upper() + summary.compared[1:],
                    rate=deck.figure(summary.compared_rate, "percent"),
                ),
                level=1,
            )
        )
    if summary.levers:
        paragraphs.append(
            Para(
                deck.t(
                    "users and non-users differ significantly on {count} of {factors}"
                    " factors; non-users lag furthest behind on:",
                    count=summary.significant,
                    factors=summary.factors_compared,
                ),
                lead=deck.t("The biggest gaps: "),
            )
        )
        paragraphs += [
            Para(
                deck.t(
                    "{factor} (g = {g}, {size})",
                    factor=lever.label,
                    g=deck.figure(lever.hedges_g),
                    size=lever.effect_size,
                ),
                level=1,
            )
            for lever in summary.levers
        ]
    else:
        paragraphs.append(
            Para(
                deck.t("users and non-users do not differ significantly on any factor."),
                lead=deck.t("The biggest gaps: "),
            )
        )
    if summary.not_compared:
        paragraphs.append(Para(summary.not_compared))
    if summary.top_actions:
        paragraphs.append(Para("", lead=deck.t("Start with:")))
        paragraphs += [
            Para(f"{rank}. {title}", level=1, bullet=False)
            for rank, title in enumerate(summary.top_actions, start=1)
        ]
    else:
        paragraphs.append(
            Para(
                deck.t("the rules advise no action: no lever met their conditions."),
                lead=deck.t("Actions: "),
            )
        )
    deck.body(slide, paragraphs)
    deck.notes(
        slide,
        [
            deck.t(
                "A gap is how far non-users lag behind users on a factor, in the favourable"
                " direction. Its size is Hedges' g: from 0.2 small, from 0.5 medium, from 0.8"
                " large. Significant means: after Holm correction over the factors, p is"
                " below alpha = {alpha}.",
                alpha=deck.figure(report.method.alpha, "decimal"),
            ),
        ],
    )


def _shown(facts: DeckFacts) -> list[Any]:
    return [c for c in facts.report.comparisons if c.shown]


def means_slide(deck: Deck, facts: DeckFacts) -> None:
    """Users' and non-users' mean per factor, in one clustered bar chart."""
    shown = [c for c in _shown(facts) if c.users_mean is not None]
    if not shown:
        return
    slide = deck.slide("title_only", deck.t("Users and non-users compared"))
    deck.bar_chart(
        slide,
        deck.area,
        [c.label for c in shown],
        [
            (deck.t("Users"), [c.users_mean for c in shown]),
            (deck.t("Non-users"), [c.non_users_mean for c in shown]),
        ],
        horizontal=True,
        minimum=facts.scale[0],
        maximum=facts.scale[1],
    )
    worse = [c.label for c in shown if not c.higher_is_better]
    deck.notes(
        slide,
        [
            deck.t("The mean score per factor of users and of non-users."),
            *(
                [deck.t("Higher is worse for: {factors}.", factors=", ".join(worse))]
                if worse
                else []
            ),
            *[
                deck.t(
                    "{factor}: users {users} (n = {users_n}), non-users {non_users}"
                    " (n = {non_users_n}).",
                    factor=c.label,
                    users=deck.figure(c.users_mean),
                    users_n=deck.figure(c.users_n, "count"),
                    non_users=deck.figure(c.non_users_mean),
                    non_users_n=deck.figure(c.non_users_n, "count"),
                )
                for c in shown
            ],
        ],
    )


def effects_slide(deck: Deck, facts: DeckFacts) -> None:
    """Hedges' g per factor, its 95% interval as the bar's label, significant ones in colour."""
    shown = [c for c in _shown(facts) if c.hedges_g is not None]
    if not shown:
        return
    slide = deck.slide("title_only", deck.t("How large the gaps are"))
    left, top, width, height = deck.area
    caption = int(height * 0.14)
    labels = [_interval_label(deck, c) for c in shown]
    names = [c.label for c in shown]
    # the plot is the chart less its factor names (at its left edge) and margins
    plot_width = width / EMU_PER_PT - max(text_width(name, 12) for name in names) - 40
    low, high = label_range([c.hedges_g for c in shown], labels, plot_width, 12)
    chart = deck.bar_chart(
        slide,
        (left, top, width, height - caption),
        names,
        [(deck.t("Hedges' g"), [c.hedges_g for c in shown])],
        horizontal=True,
        minimum=low,
        maximum=high,
        labels=[labels],
        colours=[["users" if c.significant else "muted" for c in shown]],
        legend=False,
    )
    # the factors' names at the plot's left edge, clear of a bar that runs left of 0
    from pptx.enum.chart import XL_TICK_LABEL_POSITION

    chart.category_axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    deck.text_box(
        slide,
        (left, top + height - caption, width, caption),
        [
            Para(
                deck.t(
                    "Hedges' g per factor (positive: non-users lag behind), in brackets its"
                    " confidence interval (95%); in colour: significant after Holm correction."
                )
            )
        ],
        largest=14,
    )
    deck.notes(
        slide,
        [
            deck.t(
                "g below 0.2 is negligible, from 0.2 small, from 0.5 medium, from 0.8 large."
                " The interval shows how sure the estimate is: an interval that contains 0"
                " does not rule out that there is no gap."
            ),
            *[f"{c.label}: {c.finding}" for c in shown],
        ],
    )


def _interval_label(deck: Deck, comparison: Any) -> str:
    if comparison.ci_low is None or comparison.ci_high is None:
        return deck.figure(comparison.hedges_g)
    return deck.t(
        "{g} [{low}; {high}]",
        g=deck.figure(comparison.hedges_g),
        low=deck.figure(comparison.ci_low),
        high=deck.figure(comparison.ci_high),
    )


def factor_slides(deck: Deck, facts: DeckFacts) -> None:
    """One slide per factor: users against non-users (with n), and the finding."""
    for c in facts.report.comparisons:
        if not c.shown or c.users_mean is None or c.non_users_mean is None:
            slide = deck.slide("content", c.label)
            deck.body(slide, [Para(c.finding), *([Para(c.definition)] if c.definition else [])])
            deck.notes(slide, [c.finding])
            continue
        slide = deck.slide("title_only", c.label)
        left, top, width, height = deck.area
        chart_width = int(width * 0.55)
        gap = int(width * 0.04)
        deck.bar_chart(
            slide,
            (left, top, chart_width, height),
            [
                deck.t("Users (n = {n})", n=deck.figure(c.users_n, "count")),
                deck.t("Non-users (n = {n})", n=deck.figure(c.non_users_n, "count")),
            ],
            [(deck.t("Mean score"), [c.users_mean, c.non_users_mean])],
            horizontal=False,
            minimum=facts.scale[0],
            maximum=facts.scale[1],
            colours=[["users", "non_users"]],
            title=_gap_title(deck, c),
            legend=False,
        )
        paragraphs = [Para(c.finding)]
        if c.definition:
            paragraphs.append(Para(c.definition, lead=deck.t("What it measures: ")))
        deck.text_box(
            slide, (left + chart_width + gap, top, width - chart_width - gap, height), paragraphs
        )
        lines = [c.finding]
        if c.definition:
            lines.append(deck.t("What it measures: {definition}", definition=c.definition))
        if c.cronbach_alpha is not None:
            lines.append(
                deck.t(
                    "Reliability of its items: Cronbach's α = {alpha}.",
                    alpha=deck.figure(c.cronbach_alpha),
                )
            )
        deck.notes(slide, lines)


def _gap_title(deck: Deck, comparison: Any) -> str:
    if comparison.hedges_g is None:
        return deck.t("Mean score")
    if comparison.ci_low is None or comparison.ci_high is None:
        return deck.t("Mean score; g = {g}", g=deck.figure(comparison.hedges_g))
    return deck.t(
        "Mean score; g = {g} (95% CI {low} to {high})",
        g=deck.figure(comparison.hedges_g),
        low=deck.figure(comparison.ci_low),
        high=deck.figure(comparison.ci_high),
    )
