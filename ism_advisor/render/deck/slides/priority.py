"""The priority matrix: what matters most for use against where non-users lag."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from ....core.errors import N_
from ..charts import capital, plot_box
from ..facts import DeckFacts
from ..kit import Deck, Para
from ..textfit import EMU_PER_PT, LINE, text_width

#: The type size (points, bold) of the quadrants' names in the priority matrix.
QUADRANT_SIZE = 12

#: The priority matrix's quadrants: the corner of the plot each is named in (x, y as
#: shares of the plot from its left and top) and the colour of its points.
QUADRANTS = {
    "act_first": ((1.0, 0.0), "users"),
    "keep": ((0.0, 0.0), "non_users"),
    "watch": ((1.0, 1.0), "accent3"),
    "low_priority": ((0.0, 1.0), "muted"),
}


def priority_slide(deck: Deck, facts: DeckFacts) -> None:
    """What matters most for use: the priority matrix (importance against the gap) as a
    native scatter, one series per quadrant, the factors' names as labels; the model's n
    and R² and what the matrix does not say in the notes. Without a driver model, the
    report's one line why (too small, hidden), or nothing where the report says nothing."""
    drivers = facts.report.drivers
    title = deck.t("What matters most for use")
    if not drivers.shown:
        if drivers.note:
            slide = deck.slide("content", title)
            deck.body(slide, [Para(drivers.note)])
            deck.notes(slide, [drivers.note])
        return
    rows = [r for r in drivers.rows if r.quadrant and r.importance is not None]
    rows = [r for r in rows if r.gap is not None]
    slide = deck.slide("title_only", title)
    threshold = drivers.threshold
    span = math.ceil(max([abs(r.gap) for r in rows] + [0.2]) * 1.25 * 10) / 10
    top = min(
        100.0, math.ceil(max([r.importance for r in rows] + [threshold * 2]) * 1.15 / 10) * 10
    )
    names = drivers.quadrant_labels
    series = [
        (
            names[key],
            colour,
            [(r.gap, r.importance, facts.short_label(r.label)) for r in rows if r.quadrant == key],
        )
        for key, (_, colour) in QUADRANTS.items()
        if any(r.quadrant == key for r in rows)
    ]
    left, top_edge, width, height = deck.area
    caption = int(height * 0.13)
    chart_box = (left, top_edge, width, height - caption)
    description = " ".join(
        [
            deck.t(
                "Chart: {title}.",
                title=deck.t("Priority matrix: importance for use against the gap"),
            ),
            *[
                deck.t(
                    "{factor}: importance {importance} (more than noise: {noise}), gap {gap},"
                    " {quadrant}.",
                    factor=r.label,
                    importance=deck.figure(r.importance, "count"),
                    noise=r.noise_label,
                    gap=deck.figure(r.gap, "signed"),
                    quadrant=r.quadrant_label,
                )
                for r in rows
            ],
        ]
    )
    # the quadrants' names in the plot's corners, each box as wide as its name
    from pptx.enum.text import MSO_AUTO_SIZE, PP_ALIGN

    p_left, p_top, p_width, p_height = plot_box(chart_box)
    corners = []
    for key, ((x, y), _) in QUADRANTS.items():
        name = capital(names[key])
        box_width = int((text_width(name, QUADRANT_SIZE, bold=True) + 2 * 7.2 + 2) * EMU_PER_PT)
        box_height = int((QUADRANT_SIZE * LINE + 2 * 3.6 + 2) * EMU_PER_PT)
        box = (
            p_left + int(x * (p_width - box_width)),
            p_top + int(y * (p_height - box_height)),
            box_width,
            box_height,
        )
        corners.append((box, name, x))
    deck.scatter_chart(
        slide,
        chart_box,
        series,
        x_range=(-span, span),
        y_range=(0.0, top),
        cross=(0.0, threshold),
        titles=(
            deck.t("gap (positive: non-users lag behind)"),
            deck.t("importance for use (0–100)"),
        ),
        description=description,
        avoid=[box for box, _, _ in corners],
    )
    for box, name, x in corners:
        deck.text_box(slide, box, [Para(name)], largest=QUADRANT_SIZE)
        frame = slide.shapes[-1].text_frame
        frame.word_wrap = False
        frame.auto_size = MSO_AUTO_SIZE.NONE
        frame.paragraphs[0].alignment = PP_ALIGN.RIGHT if x else PP_ALIGN.LEFT
        frame.paragraphs[0].runs[0].font.bold = True
    shorts = "; ".join(
        f"{facts.short_label(r.label)}: {r.label}"
        for r in rows
        if facts.short_label(r.label) != r.label
    )
    deck.text_box(
        slide,
        (left, top_edge + height - caption, width, caption),
        [
            Para(
                deck.t(
                    "Importance for use (its share of what the model explains, 0–100) against"
                    " the gap. The axes cross at an even share of importance ({threshold})"
                    " and at no gap; right of the vertical axis non-users lag behind. A"
                    " factor that does not contribute more than noise does not count as"
                    " important, wherever its dot lies.",
                    threshold=deck.figure(threshold),
                )
            ),
            *([Para(shorts)] if shorts else []),
        ],
        largest=12,
    )
    deck.notes(slide, _priority_notes(deck, drivers, rows))


def _priority_notes(deck: Deck, drivers: Any, rows: Sequence[Any]) -> list[str]:
    """What the matrix says (each factor's place), and what it does not (cause)."""
    lines = [
        deck.report_text(
            N_(
                "A gap says where non-users lag behind; it does not say which factor most"
                " decides whether someone uses the platform. A logistic regression of use on"
                " all factors together answers that: each factor's importance is its share of"
                " what the model explains (relative weights, 0 to 100), which stays meaningful"
                " when factors overlap. The priority matrix puts importance against the gap:"
                " act first where a factor matters and non-users lag significantly."
            )
        ),
        *[
            deck.t(
                "{factor}: importance {importance} (more than noise: {noise}), gap {gap},"
                " {quadrant}.",
                factor=r.label,
                importance=deck.figure(r.importance, "count"),
                noise=r.noise_label,
                gap=deck.figure(r.gap, "signed"),
                quadrant=r.quadrant_label,
            )
            for r in rows
        ],
        deck.report_text(
            N_(
                "Model: %(n)s respondents, a missing score counted at its factor's mean;"
                " McFadden's R² %(mcfadden)s, Nagelkerke's R² %(nagelkerke)s, R²_O %(r2o)s"
                " (the squared correlation of use with the model's predictions: what the"
                " importances share out). Odds ratios per standard deviation of the factor;"
                " importance from Johnson's relative weights, with bootstrap intervals in the"
                " data file."
            ),
            n=deck.figure(drivers.n, "count"),
            mcfadden=deck.figure(drivers.r2_mcfadden),
            nagelkerke=deck.figure(drivers.r2_nagelkerke),
            r2o=deck.figure(drivers.r2_o),
        ),
        deck.report_text(
            N_(
                "Important means at least an even share of importance and more than noise:"
                " the factor's weight beats that of a random variable added to the model (the"
                " bootstrap 95%% interval of the difference lies above 0). A weight's own"
                " interval always lies above 0, even for a factor that does nothing, so it"
                " cannot say this."
            )
        ),
        *drivers.warnings,
        *drivers.routes,
        deck.report_text(
            N_(
                "These are associations in this survey, not proof of cause: a factor that"
                " matters here goes together with use, and may also follow from it."
            )
        ),
    ]
    left_out = [r.label for r in drivers.rows if r not in rows]
    if left_out:
        lines.append(
            deck.t(
                "Not in the matrix (its gap is hidden or not computed): {factors}.",
                factors=", ".join(left_out),
            )
        )
    return lines
