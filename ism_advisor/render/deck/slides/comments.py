"""The slide "What staff wrote" (a run with --comments): the non-users' codes of the
deck's population as a table with their shares, and the emerging themes' top terms."""

from __future__ import annotations

from ..facts import DeckFacts
from ..kit import Deck, Para

#: The codes the slide's table shows at most (the report's section has them all).
MOST_CODES = 6
#: The share of the content area's height the table may take; the themes go below it.
TABLE_SHARE = 0.62


def comments_slide(deck: Deck, facts: DeckFacts) -> None:
    """One slide from the report's ``comments`` (the same object as the report's section):
    the first shown non-users' group (the whole population's in the deck of everyone, the
    segment's in a segment's deck) as a table of code, comments and share, its dominant
    code or theme and the emerging themes as their top terms below; without shown
    non-users, the sentence saying why. Nothing without --comments."""
    comments = facts.report.comments
    if comments is None:
        return
    group = next((g for g in comments.groups if g.id.endswith("-non_users")), None)
    themes = [f"{th.theme}: {th.line}" for th in comments.themes]
    if group is None or not group.rows:
        slide = deck.slide("content", comments.heading)
        lines = [comments.about]
        if comments.hidden:
            lines.append(comments.hidden)
        lines += themes
        deck.body(slide, [Para(line) for line in lines])
        deck.notes(slide, lines)
        return
    slide = deck.slide("title_only", comments.heading)
    left, top, width, height = deck.area
    table_height = int(height * TABLE_SHARE)
    table = deck.table(
        slide,
        (left, top, width, table_height),
        [group.caption, *comments.columns[1:3]],
        [[r.label, r.n, r.share] for r in group.rows[:MOST_CODES]],
        widths=[4.6, 1.4, 1.4],
        size=14,
    )
    below = [Para(group.dominant)] if group.dominant else []
    if themes:
        below.append(Para("", lead=deck.t("Emerging themes")))
        below += [Para(line) for line in themes]
    if below:
        # right under the table (its rows' heights as laid out), a line's gap between
        under = top + sum(row.height for row in table.rows) + int(height * 0.04)
        deck.text_box(
            slide,
            (left, under, width, top + height - under),
            below,
            largest=16,
        )
    notes = [group.dominant, comments.about, *themes]
    if comments.themes_note:
        notes.append(comments.themes_note)
    deck.notes(slide, [line for line in notes if line])
