"""The segment overview."""

from __future__ import annotations

from ..facts import DeckFacts
from ..kit import Deck, Para
from ..textfit import table_layout, table_pages
from .method import hidden_label

#: Rows of the segment overview per slide.
SEGMENT_ROWS = 10


def segment_slides(deck: Deck, facts: DeckFacts) -> None:
    """The segments side by side: g per factor (shaded), respondents, adoption, first
    action; hidden segments marked, with no figure. Only in the deck on everyone.

    The factors are headed by their short names (the full names under the table); a
    segment's name wraps between words; as many segments go on a slide as fit."""
    segments = facts.report.segments
    if not segments:
        return
    labels = facts.report.factor_labels
    header = [
        deck.t("Segment"),
        deck.t("Respondents"),
        deck.t("Adoption"),
        *[facts.short_label(label) for label in labels],
    ]
    rows, shades = [], []
    for row in segments:
        name = f"{row.value} ({row.label})"
        if row.suppressed:
            rows.append([name, deck.t("hidden"), deck.t("hidden"), *["·" for _ in row.cells]])
            shades.append([None, None, None, *["hidden" for _ in row.cells]])
        else:
            rows.append(
                [
                    name,
                    deck.figure(row.respondents, "count"),
                    deck.figure(row.adoption_rate, "percent"),
                    *[cell.text for cell in row.cells],
                ]
            )
            shades.append([None, None, None, *[cell.shade for cell in row.cells]])
    left, top, width, height = deck.area
    note = int(height * 0.16)
    widths = [3.0, 1.1, 1.0, *[1.0 for _ in labels]]
    layout = table_layout(header, rows, widths, width, 11)
    pages = table_pages(layout, height - note, SEGMENT_ROWS)
    legend = "; ".join(
        f"{facts.short_label(label)}: {label}"
        for label in labels
        if facts.short_label(label) != label
    )
    caption = deck.t(
        "Hedges' g per segment and factor; positive: non-users lag behind;"
        " * significant after Holm correction; ·: hidden because a group is"
        " smaller than {k} (or to protect such a group).",
        k=facts.report.method.min_group_size,
    )
    if facts.report.summary.not_compared:
        caption += " " + deck.t("n/a: not asked in this wave.")
    for page, indices in enumerate(pages):
        chunk = [segments[i] for i in indices]
        title = deck.t("Segments compared")
        if len(pages) > 1:
            title = deck.t(
                "{title} ({page} of {pages})", title=title, page=page + 1, pages=len(pages)
            )
        slide = deck.slide("title_only", title)
        deck.table(
            slide,
            (left, top, width, height - note),
            header,
            [rows[i] for i in indices],
            widths=widths,
            shades=[shades[i] for i in indices],
            layout=layout.page(indices),
        )
        deck.text_box(
            slide,
            (left, top + height - note, width, note),
            [Para(caption), *([Para(legend)] if legend else [])],
            largest=12,
        )
        lines = []
        for row in chunk:
            if row.suppressed:
                lines.append(f"{row.value} ({row.label}): {hidden_label(deck)}")
            elif row.top_action:
                lines.append(
                    deck.t(
                        "{segment}: first action: {action}",
                        segment=f"{row.value} ({row.label})",
                        action=row.top_action,
                    )
                )
        deck.notes(slide, lines or [deck.t("No segment here has an action.")])
