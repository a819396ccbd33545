"""The advice as a PowerPoint deck (``--format pptx``), on the organisation's own template.

A consultant presents the deck as it is, and can still edit it on the morning of the
meeting: every chart is a native PowerPoint chart whose data sheet holds the published
figures (the client can restyle it), every text is plain text in the template's own
placeholders, fonts and colours.

How the deck is made
--------------------
:func:`render_deck` reads the advice document through :func:`deck_facts` — the one place
that knows the document's and the report context's field names — and hands the facts to
the slide builders in :data:`SLIDES`, in order. A builder is a plain function
``builder(deck, facts)`` that adds zero or more slides with the helpers of :class:`Deck`
(``deck.slide``, ``deck.body``, ``deck.bar_chart``, ``deck.table``, ``deck.notes``) and
adds nothing when its figures are absent (no actions: no action slides; a segment's deck:
no segment overview).

To add a slide kind: where the report context does not carry its figures yet, give
:class:`DeckFacts` a field for them and fill it in :func:`deck_facts` from the document
(None when the document lacks them); write ``def kind_slides(deck, facts)`` that returns
at once when its figures are absent, and put it into :data:`SLIDES` where it belongs in
the story. Fixed texts go through ``deck.t`` (the gettext catalogue), or
``deck.report_text`` for a text the report's templates show too, in their wording; texts
from the survey or the knowledge base are passed as values, never as templates, so a
segment called ``{{ 7*7 }}`` stays literal. Every chart takes its data from
:func:`chart_data` (which keeps the clock out of the embedded workbook) and goes into
``deck.area`` on a "title_only" slide: bars and columns (``deck.bar_chart``), lines
(``deck.line_chart``: the wave trends) and XY scatters (``deck.scatter_chart``: the
priority matrix, one series per quadrant so that the legend names them, the axes crossing
at the even share 100/k and at a gap of 0).

The priority matrix (:func:`priority_slide`), the section "Since the last survey"
(:func:`since_slides`), the slide "Compared with N organisations"
(:func:`~ism_advisor.render.deck.slides.norms.norms_slide`) and the slide "What staff
wrote" (:func:`~ism_advisor.render.deck.slides.comments.comments_slide`) read the report
context's ``drivers``, ``since``, ``norms`` and ``comments``, the same objects the report's
sections are made from; a run over one survey has no ``since``, a run without ``--norms``
no ``norms``, one without ``--comments`` no ``comments``, and its deck no such slides.

Templates
---------
The packaged template (``templates/deck.pptx``, 16:9, made by
:mod:`ism_advisor.render.deck.build_template`) or an organisation's
``--pptx-template FILE.pptx``. Its
slide layouts are found by name (:data:`LAYOUTS`: "Title Slide", "Title and Content",
"Title Only"), or else by PowerPoint's built-in layout kind, which a template in another
language keeps when its layouts are named in that language. Slides already in the template
are left out of the deck. Charts use the theme's first two accent colours for users and
non-users.

Same input, same bytes: the document's date is ``--date`` (never the clock), the
package's and the embedded workbooks' timestamps are fixed, and the zip entries are
written in a fixed order with a fixed date.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

from .charts import SCATTER_MARKER, boxes_overlap, chart_data, scatter_label_box
from .facts import DeckFacts, deck_facts
from .kit import Deck, Para, SlideBuilder
from .package import as_datetime, deterministic_package
from .slides import SLIDES
from .slides.priority import priority_slide
from .slides.since import since_slides
from .template import LAYOUTS, DeckTemplate, load_deck_template
from .textfit import text_width

__all__ = [
    "LAYOUTS",
    "SCATTER_MARKER",
    "SLIDES",
    "Deck",
    "DeckFacts",
    "DeckTemplate",
    "Para",
    "SlideBuilder",
    "boxes_overlap",
    "chart_data",
    "deck_facts",
    "deterministic_package",
    "load_deck_template",
    "priority_slide",
    "render_deck",
    "scatter_label_box",
    "self_test",
    "since_slides",
    "text_width",
]


def render_deck(
    document: Mapping[str, Any],
    *,
    title: str | None = None,
    client: str | None = None,
    date: str | None = None,
    segment: int = 0,
    template: DeckTemplate | None = None,
    slides: Sequence[SlideBuilder] = SLIDES,
) -> bytes:
    """The deck on ``document['segments'][segment]`` (0: everyone) as .pptx bytes."""
    facts = deck_facts(document, title=title, client=client, date=date, segment=segment)
    deck = Deck(template or load_deck_template(), facts.lang, as_datetime(date))
    for build in slides:
        build(deck, facts)
    return deck.save(facts)


def self_test(template: DeckTemplate) -> int:
    """Make a small deck with a chart on ``template`` and read it back (``ism-advise
    doctor``): the number of slides read."""
    from pptx import Presentation

    deck = Deck(template, "en")
    for layout in LAYOUTS:
        slide = deck.slide(layout.role, "ism-advisor")
        if layout.role == "title_only":
            deck.bar_chart(slide, deck.area, ["a", "b"], [("x", [1.0, 2.0])], horizontal=True)
    buffer = io.BytesIO()
    deck.presentation.save(buffer)
    return len(Presentation(io.BytesIO(deterministic_package(buffer.getvalue()))).slides)
