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

The priority matrix (:func:`priority_slide`) and the section "Since the last survey"
(:func:`since_slides`) read the report context's ``drivers`` and ``since``, the same
objects the report's sections are made from; a run over one survey has no ``since`` and
its deck no such slides.

Templates
---------
The packaged template (``templates/deck.pptx``, 16:9, made by
:mod:`ism_advisor.render.deck_template`) or an organisation's ``--pptx-template FILE.pptx``. Its
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

import contextlib
import datetime
import io
import math
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.errors import N_, P_, AdvisorError, Message
from ..core.formatting import format_figure, join_sources
from ..core.i18n import translations
from ..core.inert import formula_like
from ..core.resources import packaged_path
from ..core.vocabulary import PERMUTATION_BELOW, PERMUTATIONS
from ..core.zipfiles import TEMPLATE_LIMITS, check_zip, stream_member
from .absent import REASON_NOT_ASKED

__all__ = [
    "LAYOUTS",
    "SLIDES",
    "Deck",
    "DeckFacts",
    "DeckTemplate",
    "chart_data",
    "deck_facts",
    "deterministic_package",
    "load_deck_template",
    "render_deck",
    "self_test",
]

#: The packaged template's file name (in ``templates/``).
DEFAULT_TEMPLATE = "deck.pptx"


@dataclass(frozen=True)
class Layout:
    """A slide layout the deck needs: its role, name, built-in kind and what it carries."""

    role: str
    name: str
    kind: str  # the ``type`` attribute PowerPoint gives its built-in layouts
    use: str  # what the deck puts on it (a message)
    body: bool  # it needs a content placeholder besides the title


#: The layouts a template must have (found by name, else by built-in kind).
LAYOUTS = (
    Layout("title", "Title Slide", "title", N_("the title slide"), False),
    Layout(
        "content",
        "Title and Content",
        "obj",
        N_("the text slides: summary, actions, appendix"),
        True,
    ),
    Layout("title_only", "Title Only", "titleOnly", N_("the chart and table slides"), False),
)

#: The timestamp of every zip entry (the zip format's earliest date), and of the embedded
#: workbooks and the deck when no --date is given.
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_EPOCH = datetime.datetime(1980, 1, 1)

_EMU_PER_PT = 12700
# a text with characters XML cannot hold (C0 controls other than tab and line feed)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTENT_TYPES = {
    "presentationml.template.main+xml": "template",
    "presentationml.slideshow.main+xml": "slideshow",
    "presentation.macroEnabled.main+xml": "macros",
    "template.macroEnabledTemplate.main+xml": "template",
    "slideshow.macroEnabled.main+xml": "slideshow",
}


# -- the template ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DeckTemplate:
    """A checked PowerPoint template: its bytes and which layout plays which role."""

    data: bytes = field(repr=False)
    path: str
    #: role ("title", "content", "title_only") -> the layout's name in the template
    layouts: Mapping[str, str]


def load_deck_template(path: Path | None = None) -> DeckTemplate:
    """Read and check a template (None: the packaged one).

    Raises :class:`AdvisorError` with one line naming the file and what is wrong: not a
    .pptx, a PowerPoint template (.potx) or macro file, unreadable, a needed layout
    missing, or a layout without the placeholder the deck writes into.
    """
    source = packaged_path("templates", DEFAULT_TEMPLATE) if path is None else Path(path)
    where = str(source)
    suffix = source.suffix.lower()
    if suffix in (".potx", ".potm", ".pot"):
        raise AdvisorError(
            N_(
                "is a PowerPoint template ({suffix}); open it in PowerPoint and save it as a"
                " presentation (.pptx), then give that file"
            ),
            path=where,
            suffix=suffix,
        )
    if path is None and not source.is_file():
        raise AdvisorError(
            N_(
                "the packaged PowerPoint template is missing (reinstall ism-advisor: pip"
                " install --force-reinstall ism-advisor)"
            ),
            path=where,
        )
    if source.is_dir():
        raise AdvisorError(N_("is a folder (expected a PowerPoint file .pptx)"), path=where)
    if not source.is_file():
        raise AdvisorError(N_("no such file (expected a PowerPoint file .pptx)"), path=where)
    if suffix != ".pptx":
        raise AdvisorError(
            N_(
                "is not a .pptx file (expected a PowerPoint presentation; save the template"
                " as .pptx in PowerPoint or LibreOffice Impress)"
            ),
            path=where,
        )
    try:
        data = source.read_bytes()
    except OSError as error:
        raise AdvisorError(
            N_("cannot be read: {reason}"), path=where, reason=error.strerror
        ) from None
    # python-pptx reads every part into memory and parses each XML part: refuse a zip bomb
    # before it does, from the zip's directory and by streaming every part once
    check_zip(data, where, TEMPLATE_LIMITS, N_("a PowerPoint presentation"), verify=True)
    presentation = _open(data, where)
    return DeckTemplate(data, where, _resolve_layouts(presentation, where))


def _open(data: bytes, where: str) -> Any:
    """The presentation in ``data``, or one line saying why it cannot be used."""
    from pptx import Presentation

    kind = _main_content_type(data)
    if kind is None:
        raise AdvisorError(
            N_(
                "cannot be read as a PowerPoint presentation (expected a .pptx file saved by"
                " PowerPoint, LibreOffice Impress or Keynote)"
            ),
            path=where,
        )
    if kind in ("template", "slideshow", "macros"):
        raise AdvisorError(
            N_(
                "is a PowerPoint {kind} renamed to .pptx; open it in PowerPoint and save it as"
                " a presentation (.pptx), then give that file"
            ),
            path=where,
            kind=Message(
                {
                    "template": N_("template (.potx)"),
                    "slideshow": N_("slide show (.ppsx)"),
                    "macros": N_("presentation with macros (.pptm)"),
                }[kind]
            ),
        )
    try:
        return Presentation(io.BytesIO(data))
    except Exception:  # python-pptx raises whatever the broken part makes lxml or zipfile raise
        raise AdvisorError(
            N_(
                "cannot be read as a PowerPoint presentation (expected a .pptx file saved by"
                " PowerPoint, LibreOffice Impress or Keynote)"
            ),
            path=where,
        ) from None


def _main_content_type(data: bytes) -> str | None:
    """'presentation', 'template', 'slideshow' or 'macros' from [Content_Types].xml; None
    when the bytes are no zip package."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            types = package.read("[Content_Types].xml").decode("utf-8", "replace")
    except (zipfile.BadZipFile, KeyError, OSError, EOFError):
        return None
    for ending, kind in _CONTENT_TYPES.items():
        if ending in types:
            return kind
    return "presentation" if "presentationml.presentation.main+xml" in types else None


def _layouts(presentation: Any) -> list[Any]:
    """Every slide layout of every slide master, in the template's order."""
    return [layout for master in presentation.slide_masters for layout in master.slide_layouts]


def _resolve_layouts(presentation: Any, where: str) -> dict[str, str]:
    found: dict[str, str] = {}
    layouts = _layouts(presentation)
    for need in LAYOUTS:
        layout = _find_layout(layouts, need)
        if layout is None:
            raise AdvisorError(
                N_(
                    "the template has no slide layout '{name}' (the deck puts {use} on it);"
                    " its layouts are: {layouts} (rename or add one in the slide master view)"
                ),
                path=where,
                name=need.name,
                use=Message(need.use),
                layouts=", ".join(f"'{item.name}'" for item in layouts) or "–",
            )
        if _placeholder(layout, "title") is None:
            raise AdvisorError(
                N_(
                    "slide layout '{name}' has no title placeholder (the deck writes the"
                    " titles there)"
                ),
                path=where,
                name=layout.name,
            )
        if need.body and _placeholder(layout, "body") is None:
            raise AdvisorError(
                N_(
                    "slide layout '{name}' has no content placeholder (the deck writes the"
                    " summary, the actions and the appendix there)"
                ),
                path=where,
                name=layout.name,
            )
        found[need.role] = layout.name
    return found


def _find_layout(layouts: Sequence[Any], need: Layout) -> Any | None:
    for layout in layouts:
        if layout.name.strip().casefold() == need.name.casefold():
            return layout
    for layout in layouts:
        if layout._element.get("type") == need.kind:
            return layout
    return None


def _placeholder(container: Any, kind: str) -> Any | None:
    """The title, subtitle or body (content) placeholder of a layout or slide."""
    from pptx.enum.shapes import PP_PLACEHOLDER

    kinds = {
        "title": (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE),
        "subtitle": (PP_PLACEHOLDER.SUBTITLE, PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT),
        "body": (PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT),
    }[kind]
    for shape in container.placeholders:
        if shape.placeholder_format.type in kinds:
            return shape
    return None


def _place_chart(
    slide: Any,
    kind: Any,
    box: tuple[int, int, int, int],
    data: Any,
    description: str,
    legend: bool,
    titled: bool = False,
) -> Any:
    """A native chart on ``slide`` in ``box``, as every chart of the deck has it: its text
    alternative (``description``), the deck's type size, no title of its own unless
    ``titled`` (the caller writes it), and the legend, if any, above the plot."""
    from pptx.enum.chart import XL_LEGEND_POSITION
    from pptx.util import Pt

    left, top, width, height = box
    frame = slide.shapes.add_chart(kind, left, top, width, height, data)
    frame._element.nvGraphicFramePr.cNvPr.set("descr", description)
    chart = frame.chart
    chart.font.size = Pt(12)
    if not titled:
        chart.has_title = False
    chart.has_legend = legend
    if legend:
        chart.legend.position = XL_LEGEND_POSITION.TOP
        chart.legend.include_in_layout = False
    return chart


# -- what the deck shows --------------------------------------------------------------------


@dataclass(frozen=True)
class Hidden:
    """Something the deck leaves out for anonymity (no figures, no reason of its own)."""

    label: str


@dataclass(frozen=True)
class DeckFacts:
    """Everything the slide builders read, made from the advice document.

    ``report`` is the report's context (:class:`ism_advisor.render.report.ReportContext`: the
    published figures, formatted sentences and the action plan); the other fields are
    what the deck shows beyond the report.
    """

    report: Any
    lang: str
    #: the survey file's name, for the title slide's notes and the appendix
    survey: str
    #: --date as an ISO date (the deck's document date), or None
    date: str | None
    #: what this deck leaves out for anonymity: hidden segments (the deck on everyone)
    #: or this segment's hidden comparisons (a segment's deck)
    hidden: tuple[Hidden, ...]
    #: the answer scale's lowest and highest value (the codebook's): every chart of
    #: means covers it
    scale: tuple[float, float]
    #: each factor's short name (the codebook's, else its name) by its name, for dense
    #: tables and the priority matrix's labels
    short: Mapping[str, str] = field(default_factory=dict)

    def short_label(self, label: str) -> str:
        return self.short.get(label, label)


def deck_facts(
    document: Mapping[str, Any],
    *,
    title: str | None = None,
    client: str | None = None,
    date: str | None = None,
    segment: int = 0,
) -> DeckFacts:
    """The facts for the deck on ``document['segments'][segment]`` (0: everyone).

    The one place that reads the document for the deck: the published figures only, as
    the report context has them.
    """
    from .report import report_context

    report = report_context(
        document, title=title, client=client, date=date, segment=segment, charts=False
    )
    lang = document["settings"]["lang"]
    target = document["segments"][segment]
    labels = {f["id"]: f["label"] for f in document["factors"]}
    hidden: list[Hidden] = []
    if segment == 0:
        for entry in document["segments"][1:]:
            if entry["suppressed"]:
                label = f"{entry['value']} ({entry.get('label') or entry['column']})"
                hidden.append(Hidden(label))
    for comparison in target["comparisons"]:
        # a factor not asked is no anonymity matter: the summary says it was not asked
        if comparison["suppressed"] and comparison["suppressed_reason"] != REASON_NOT_ASKED:
            name = labels.get(comparison["factor"], comparison["factor"])
            hidden.append(Hidden(name))
    scale = document["scale"]
    return DeckFacts(
        report=report,
        lang=lang,
        survey=Path(str(document["input"]["path"])).name,
        date=date,
        hidden=tuple(hidden),
        scale=(float(scale["min"]), float(scale["max"])),
        short={f["label"]: f.get("short") or f["label"] for f in document["factors"]},
    )


# -- the deck ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Para:
    """A paragraph of a text slide: an optional bold lead-in, the text, its indent level."""

    text: str
    level: int = 0
    lead: str = ""
    #: False for a line that carries its own number ("1. …"): no bullet before it
    bullet: bool = True


class Deck:
    """A presentation being built on a template, with the helpers the slide builders use.

    ``t(msgid, **params)`` translates a fixed text; ``figure(value, kind)`` formats a figure
    in the deck's language (kinds as :func:`ism_advisor.core.formatting.format_figure`).
    """

    def __init__(self, template: DeckTemplate, lang: str, when: datetime.datetime = _EPOCH) -> None:
        from pptx.enum.lang import MSO_LANGUAGE_ID

        self.template = template
        self.lang = lang
        #: the date the embedded workbooks carry (--date, never the clock)
        self.when = when
        self.presentation = _open(template.data, template.path)
        _drop_slides(self.presentation)
        by_name = {layout.name: layout for layout in _layouts(self.presentation)}
        self.layouts = {role: by_name[name] for role, name in template.layouts.items()}
        self._translations = translations(lang)
        self._language = MSO_LANGUAGE_ID.DUTCH if lang == "nl" else MSO_LANGUAGE_ID.ENGLISH_UK
        body = _placeholder(self.layouts["content"], "body")
        #: the content area (left, top, width, height in EMU): where the content layout
        #: puts its text; charts and tables go there on the title-only slides
        self.area = (body.left, body.top, body.width, body.height)

    # -- texts

    def t(self, msgid: str, **params: Any) -> str:
        return Message(msgid, params).render(self._translations)

    def figure(self, value: float | None, kind: str = "number") -> str:
        return "–" if value is None else format_figure(value, kind, self.lang)

    # -- slides

    def slide(self, role: str, title: str) -> Any:
        """A new slide on the layout of ``role``, with its title."""
        slide = self.presentation.slides.add_slide(self.layouts[role])
        title_shape = _placeholder(slide, "title")
        # the template's title size where the title fits, a smaller one where it would not
        styled = _title_size(self.layouts[role])
        fitting = _fitting_size(
            [Para(title)], title_shape.width, title_shape.height, styled, line=1.1, smallest=18
        )
        self._write(
            title_shape.text_frame, [Para(title)], size=None if fitting == styled else fitting
        )
        keep = {id(title_shape._element)}
        filled = {"content": "body", "title": "subtitle"}.get(role)
        if filled is not None and _placeholder(slide, filled) is not None:
            keep.add(id(_placeholder(slide, filled)._element))
        for shape in list(slide.placeholders):
            # a placeholder the deck does not fill would say "Click to add text"
            if id(shape._element) not in keep:
                shape._element.getparent().remove(shape._element)
        return slide

    def body(self, slide: Any, paragraphs: Sequence[Para], *, largest: int = 20) -> None:
        """Fill the slide's content placeholder, sized so that the text fits."""
        shape = _placeholder(slide, "body")
        size = _fitting_size(paragraphs, shape.width, shape.height, largest)
        self._write(shape.text_frame, paragraphs, size=size)

    def subtitle(self, slide: Any, lines: Sequence[str]) -> None:
        """The title slide's subtitle lines (a text box when the layout has no subtitle)."""
        shape = _placeholder(slide, "subtitle")
        if shape is None:
            left, top, width, height = self.area
            shape = slide.shapes.add_textbox(left, top + height // 2, width, height // 2)
        self._write(shape.text_frame, [Para(line) for line in lines], size=None)

    def text_box(
        self, slide: Any, box: tuple[int, int, int, int], paragraphs: Sequence[Para], largest=18
    ) -> None:
        left, top, width, height = box
        shape = slide.shapes.add_textbox(left, top, width, height)
        frame = shape.text_frame
        frame.word_wrap = True
        size = _fitting_size(paragraphs, width, height, largest)
        self._write(frame, paragraphs, size=size)

    def notes(self, slide: Any, lines: Sequence[str]) -> None:
        """The speaker notes: one paragraph per line."""
        frame = slide.notes_slide.notes_text_frame
        if frame is None:  # a notes master without a notes placeholder
            raise AdvisorError(
                N_("the template's notes master has no notes placeholder (for the speaker notes)"),
                path=self.template.path,
            )
        self._write(frame, [Para(line) for line in lines], size=None)

    def _write(self, frame: Any, paragraphs: Sequence[Para], *, size: int | None) -> None:
        from pptx.enum.text import MSO_AUTO_SIZE
        from pptx.util import Pt

        frame.clear()
        if size is not None:
            frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
        for index, item in enumerate(paragraphs):
            paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
            paragraph.level = item.level
            if not item.bullet:
                _no_bullet(paragraph)
            parts = [(item.lead, True), (item.text, False)] if item.lead else [(item.text, False)]
            for text, bold in parts:
                run = paragraph.add_run()
                run.text = _plain(text)
                run.font.language_id = self._language
                if bold:
                    run.font.bold = True
                if size is not None:
                    run.font.size = Pt(size)

    # -- charts and tables

    def bar_chart(
        self,
        slide: Any,
        box: tuple[int, int, int, int],
        categories: Sequence[str],
        series: Sequence[tuple[str, Sequence[float]]],
        *,
        horizontal: bool,
        minimum: float | None = None,
        maximum: float | None = None,
        labels: Sequence[Sequence[str]] | None = None,
        colours: Sequence[Sequence[str]] | None = None,
        title: str | None = None,
        legend: bool = True,
    ) -> Any:
        """A native clustered bar (or column) chart with its data sheet.

        ``minimum``, ``maximum``: where the value axis starts and ends (means: the answer
        scale's ends), else the application's choice.
        ``labels[s][i]``: a data label's own text (e.g. an interval), else the value with
        two decimals. ``colours[s][i]``: a point's fill: "users", "non_users" (the theme's
        first two accents) or "muted" (grey); by default series s takes accent s + 1.

        Horizontal bars read from the top: the first category on top, and in each the
        first series on top. With a legend, the chart holds the categories and the series
        bottom-up (the last first) instead of reversing its category axis: LibreOffice
        lists a bar chart's legend bottom-up whichever way the axis runs, so only then
        does the legend read in the series' order, as the bars do.
        """
        from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION
        from pptx.util import Pt

        shown_legend = legend and len(series) > 1
        bottom_up = horizontal and shown_legend
        category_order = list(range(len(categories)))[:: -1 if bottom_up else 1]
        series_order = list(range(len(series)))[:: -1 if bottom_up else 1]
        data = chart_data("category", self.when)
        data.categories = [_plain(categories[i]) for i in category_order]
        for s in series_order:
            name, values = series[s]
            data.add_series(_plain(name), [values[i] for i in category_order], number_format="0.00")
        kind = XL_CHART_TYPE.BAR_CLUSTERED if horizontal else XL_CHART_TYPE.COLUMN_CLUSTERED

        # the text alternative a screen reader reads: what the chart shows, with its figures
        def shown(s: int, i: int) -> str:
            return labels[s][i] if labels and labels[s][i] else self.figure(series[s][1][i])

        rows = [
            f"{_plain(category)}: "
            + "; ".join(f"{_plain(name)} {shown(s, i)}" for s, (name, _) in enumerate(series))
            for i, category in enumerate(categories)
        ]
        heading = slide.shapes.title.text + (f" – {title}" if title else "")
        description = self.t("Chart: {title}.", title=_plain(heading))
        chart = _place_chart(
            slide,
            kind,
            box,
            data,
            f"{description} {'. '.join(rows)}.",
            legend=shown_legend,
            titled=bool(title),
        )
        if title:
            chart.has_title = True
            chart.chart_title.text_frame.text = _plain(title)
            chart.chart_title.text_frame.paragraphs[0].runs[0].font.size = Pt(14)
        plot = chart.plots[0]
        plot.gap_width = 60
        plot.overlap = -10 if len(series) > 1 else 0
        plot.has_data_labels = True
        plot.data_labels.number_format = "0.00"
        plot.data_labels.number_format_is_linked = False
        plot.data_labels.position = XL_LABEL_POSITION.OUTSIDE_END
        value_axis = chart.value_axis
        value_axis.has_major_gridlines = True
        value_axis.tick_labels.number_format = "0.0"
        value_axis.tick_labels.number_format_is_linked = False
        if minimum is not None:
            value_axis.minimum_scale = minimum
        if maximum is not None:
            value_axis.maximum_scale = maximum
        if minimum is not None and maximum is not None:
            value_axis.major_unit = _major_unit(maximum - minimum)
        if horizontal and not bottom_up:  # the first category on top, as it is read
            chart.category_axis.reverse_order = True
        for plotted, s in zip(plot.series, series_order, strict=True):
            _fill(plotted.format.fill, ("users", "non_users", "muted")[min(s, 2)])
            for point, i in enumerate(category_order):
                if colours is not None and colours[s][i]:
                    _fill(plotted.points[point].format.fill, colours[s][i])
                if labels is not None and labels[s][i]:
                    label = plotted.points[point].data_label
                    label.text_frame.text = _plain(labels[s][i])
                    label.text_frame._bodyPr.set("wrap", "none")  # one line, as measured
                    label.position = XL_LABEL_POSITION.OUTSIDE_END
        return chart

    def report_text(self, msgid: str, **params: Any) -> str:
        """A text the report's templates also show, in their wording: their messages are
        written for Jinja2's gettext, with ``%(name)s`` placeholders and ``%%``."""
        return self._translations.gettext(msgid) % params

    def scatter_chart(
        self,
        slide: Any,
        box: tuple[int, int, int, int],
        series: Sequence[tuple[str, str, Sequence[tuple[float, float, str]]]],
        *,
        x_range: tuple[float, float],
        y_range: tuple[float, float],
        cross: tuple[float, float],
        titles: tuple[str, str],
        description: str,
        avoid: Sequence[tuple[int, int, int, int]] = (),
    ) -> Any:
        """A native XY scatter: ``series`` as (name, colour, [(x, y, label), ...]), each
        point labelled with its own text, the axes crossing at ``cross`` (x, y) so that
        they split the plot into quadrants, tick labels at the plot's edges.

        The plot area has a fixed place in the chart (:func:`plot_box`, returned), so that
        texts can be put in its corners. Each label goes where its box on the slide
        (:func:`scatter_label_box`) overlaps no point, no label placed before it and none
        of the boxes in ``avoid`` (EMU), inside the plot; a label that fits nowhere is
        left out (the notes and the text alternative carry every point)."""
        from pptx.enum.chart import (
            XL_CHART_TYPE,
            XL_LABEL_POSITION,
            XL_MARKER_STYLE,
            XL_TICK_LABEL_POSITION,
        )
        from pptx.util import Pt

        data = chart_data("xy", self.when)
        for name, _, points in series:
            plotted = data.add_series(_plain(name), number_format="0.00")
            for x, y, _ in points:
                plotted.add_data_point(x, y)
        chart = _place_chart(
            slide, XL_CHART_TYPE.XY_SCATTER, box, data, _plain(description), legend=True
        )
        x_axis, y_axis = chart.category_axis, chart.value_axis
        for axis, (low, high), title, cut in (
            (x_axis, x_range, titles[0], cross[0]),
            (y_axis, y_range, titles[1], cross[1]),
        ):
            axis.minimum_scale, axis.maximum_scale = low, high
            axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW
            axis.tick_labels.number_format = "0.0" if axis is x_axis else "0"
            axis.tick_labels.number_format_is_linked = False
            axis.has_title = True
            axis.axis_title.text_frame.text = _plain(title)
            axis.crosses_at = cut  # the value on this axis where the other one crosses it
        x_axis.has_major_gridlines = False
        y_axis.has_major_gridlines = False
        plot = plot_box(box)
        to_slide = _scatter_position(plot, x_range, y_range)
        markers = [
            _square(to_slide(x, y), SCATTER_MARKER / 2)
            for _, _, points in series
            for x, y, _ in points
        ]
        taken = [*markers, *avoid]
        for plotted, (_, colour, points) in zip(chart.plots[0].series, series, strict=True):
            plotted.marker.style = XL_MARKER_STYLE.CIRCLE
            plotted.marker.size = SCATTER_MARKER
            _fill(plotted.marker.format.fill, colour)
            plotted.marker.format.line.fill.background()
            for index, (x, y, label) in enumerate(points):
                text = _plain(label)
                at = to_slide(x, y)
                # labels point inwards, as in the report's chart; else to the other side,
                # above or below, wherever they overprint nothing; else none
                sides = ("left", "right") if x > 0 else ("right", "left")
                for side in (*sides, "above", "below"):
                    found = scatter_label_box(at, side, text)
                    if _inside(found, plot) and not any(_overlap(found, o) for o in taken):
                        break
                else:
                    continue
                taken.append(found)
                data_label = plotted.points[index].data_label
                data_label.text_frame.text = text
                data_label.text_frame.paragraphs[0].runs[0].font.size = Pt(SCATTER_LABEL)
                data_label.text_frame._bodyPr.set("wrap", "none")
                data_label.position = getattr(XL_LABEL_POSITION, side.upper())
        _manual_layout(chart, _PLOT_AREA)
        return plot

    def line_chart(
        self,
        slide: Any,
        box: tuple[int, int, int, int],
        categories: Sequence[str],
        series: Sequence[tuple[str, Sequence[float | None]]],
        *,
        labels: Sequence[Sequence[str]],
        y_range: tuple[float, float],
        description: str,
    ) -> Any:
        """A native line chart with markers (series s in theme accent s + 1), each point
        labelled with its own text (e.g. the mean and its interval): at each category the
        higher point's label above it, the lower one's below, so that a label never
        stands between the two points, nearer the other one."""
        from pptx.enum.chart import (
            XL_CHART_TYPE,
            XL_LABEL_POSITION,
            XL_MARKER_STYLE,
        )
        from pptx.util import Pt

        data = chart_data("category", self.when)
        data.categories = [_plain(c) for c in categories]
        for name, values in series:
            data.add_series(_plain(name), list(values), number_format="0.00")
        chart = _place_chart(
            slide, XL_CHART_TYPE.LINE_MARKERS, box, data, _plain(description), legend=True
        )
        axis = chart.value_axis
        axis.minimum_scale, axis.maximum_scale = y_range
        axis.major_unit = _major_unit(y_range[1] - y_range[0])
        axis.has_major_gridlines = True
        axis.tick_labels.number_format = "0.0"
        axis.tick_labels.number_format_is_linked = False
        for s, plotted in enumerate(chart.plots[0].series):
            colour = ("users", "non_users", "muted")[min(s, 2)]
            plotted.smooth = False
            plotted.marker.style = XL_MARKER_STYLE.CIRCLE
            plotted.marker.size = 8
            _fill(plotted.marker.format.fill, colour)
            _fill(plotted.format.line.fill, colour)
            plotted.format.line.width = Pt(2.25)
            for i in range(len(categories)):
                if labels[s][i]:
                    label = plotted.points[i].data_label
                    label.text_frame.text = _plain(labels[s][i])
                    label.position = (
                        XL_LABEL_POSITION.BELOW if _lower(series, s, i) else XL_LABEL_POSITION.ABOVE
                    )
        return chart

    def table(
        self,
        slide: Any,
        box: tuple[int, int, int, int],
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        *,
        widths: Sequence[float],
        shades: Sequence[Sequence[str | None]] | None = None,
        size: int = 12,
        layout: TableLayout | None = None,
    ) -> Any:
        """A native table: a header row, then ``rows``; ``widths`` are shares of the
        width, each column widened to its widest word (see :func:`table_layout`, or give
        ``layout`` for the rows of one page of a longer table); ``shades[r][c]`` a cell's
        fill (see :func:`_shade`). Text wraps at spaces only and is never shrunk by the
        application: the type sizes are set."""
        from pptx.enum.text import MSO_AUTO_SIZE
        from pptx.util import Pt

        left, top, width, _ = box
        header = [_plain(value) for value in header]
        rows = [[_plain(value) for value in row] for row in rows]
        if layout is None:
            layout = table_layout(header, rows, widths, width, size)
        heights = [layout.heights[0], *layout.heights[1 : len(rows) + 1]]
        shape = slide.shapes.add_table(len(rows) + 1, len(header), left, top, width, sum(heights))
        table = shape.table
        for c, column_width in enumerate(layout.widths):
            table.columns[c].width = column_width
        for r, values in enumerate([header, *rows]):
            table.rows[r].height = heights[r]
            for c, value in enumerate(values):
                cell = table.cell(r, c)
                cell.margin_left = cell.margin_right = Pt(_CELL_SIDE)
                cell.margin_top = cell.margin_bottom = Pt(_CELL_END)
                frame = cell.text_frame
                frame.word_wrap = True
                frame.auto_size = MSO_AUTO_SIZE.NONE
                run = frame.paragraphs[0].add_run()
                run.text = value
                run.font.size = Pt(layout.header_size if r == 0 else layout.size)
                run.font.language_id = self._language
                if r and shades is not None and shades[r - 1][c]:
                    _shade(cell, shades[r - 1][c])
        return table

    def save(self, facts: DeckFacts) -> bytes:
        """The deck as bytes, with fixed document properties and timestamps."""
        _core_properties(self.presentation, facts)
        buffer = io.BytesIO()
        self.presentation.save(buffer)
        return deterministic_package(buffer.getvalue())


# -- the slides ------------------------------------------------------------------------------


SlideBuilder = Callable[[Deck, DeckFacts], None]


def title_slide(deck: Deck, facts: DeckFacts) -> None:
    """Title, client, whose figures (everyone or a segment) and the date of the data."""
    report = facts.report
    slide = deck.slide("title", report.title)
    summary = report.summary
    lines = [report.client] if report.client else []
    lines.append(_capital(report.scope))
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
    plot_width = width / _EMU_PER_PT - max(text_width(name, 12) for name in names) - 40
    low, high = _label_range([c.hedges_g for c in shown], labels, plot_width, 12)
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
        name = _capital(names[key])
        box_width = int((text_width(name, QUADRANT_SIZE, bold=True) + 2 * 7.2 + 2) * _EMU_PER_PT)
        box_height = int((QUADRANT_SIZE * _LINE + 2 * 3.6 + 2) * _EMU_PER_PT)
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


#: Rows of the table of significant changes per slide.
CHANGE_ROWS = 8


def since_slides(deck: Deck, facts: DeckFacts) -> None:
    """Since the last survey (a run over two or more waves): adoption per wave, each
    factor's means per wave, the significant changes and the follow-up advice — the
    report's section, from the same context (:func:`ism_advisor.render.since.since_context`).
    Nothing with one survey."""
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
            _unbroken(f"{deck.figure(c.ci_low, 'signed')} – {deck.figure(c.ci_high, 'signed')}"),
            _unbroken(deck.figure(c.p_holm, "p")),
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
                lines.append(f"{row.value} ({row.label}): {_hidden(deck)}")
            elif row.top_action:
                lines.append(
                    deck.t(
                        "{segment}: first action: {action}",
                        segment=f"{row.value} ({row.label})",
                        action=row.top_action,
                    )
                )
        deck.notes(slide, lines or [deck.t("No segment here has an action.")])


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
        return f"{deck.figure(value.difference, 'signed')} ({_unbroken(interval)})"

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


def method_slide(deck: Deck, facts: DeckFacts) -> None:
    """Appendix: how the figures were made, and from which files."""
    method = facts.report.method
    slide = deck.slide("content", deck.t("Appendix: method"))
    paragraphs = [
        Para(
            deck.t(
                P_(
                    "{respondents} respondents analysed; {excluded} row left out for want of a"
                    " usage answer.",
                    "{respondents} respondents analysed; {excluded} rows left out for want of"
                    " a usage answer.",
                ),
                respondents=deck.figure(method.respondents, "count"),
                excluded=deck.figure(method.excluded, "count"),
                n=method.excluded,
            )
        ),
        Para(
            deck.t(
                "Per factor, users are compared with non-users by Welch's t-test; the p-values"
                " of a segment's factors are adjusted by Holm's method and called significant"
                " below alpha = {alpha}.",
                alpha=deck.figure(method.alpha, "decimal"),
            )
        ),
        Para(
            deck.t(
                "The size of a gap is Hedges' g with its confidence interval (95%): below 0.2"
                " negligible, from 0.2 small, from 0.5 medium, from 0.8 large."
            )
        ),
        Para(deck.t("survey {survey}", survey=facts.survey), lead=deck.t("Sources: ")),
        *[Para(f"{role}: {path}", level=1) for role, path in method.files],
    ]
    if method.segment_by:
        paragraphs.append(Para(", ".join(method.segment_by), lead=deck.t("Segments: ")))
    deck.body(slide, paragraphs, largest=18)
    lines = [
        deck.t(
            "Where the smaller group has fewer than {below} people, p comes from a permutation"
            " test of Welch's t ({splits} random reshufflings of who is a user, the same for"
            " the same data): Welch's own p is too often too small there.",
            below=PERMUTATION_BELOW,
            splits=deck.figure(PERMUTATIONS, "count"),
        ),
        deck.t(
            "A Mann-Whitney U test and the rank-biserial correlation check each comparison"
            " without assuming normal scores. Gaps are computed from the unrounded means, so a"
            " gap can differ by 0.01 from the difference between the rounded means."
        ),
    ]
    for item in method.reliability:
        if item.alpha is not None:
            lines.append(
                deck.t(
                    "Cronbach's α of {factor}: {alpha}{flag}",
                    factor=item.label,
                    alpha=deck.figure(item.alpha),
                    flag=deck.t(" (below 0.7)") if item.low else "",
                )
                + (f", {item.not_asked}" if item.not_asked else "")
            )
    deck.notes(slide, lines)


#: Hidden items listed by name on the anonymity slide; more are counted.
HIDDEN_LISTED = 12


def anonymity_slide(deck: Deck, facts: DeckFacts) -> None:
    """Appendix: the anonymity threshold, what was hidden and why (never a figure)."""
    method = facts.report.method
    hidden = method.hidden
    slide = deck.slide("content", deck.t("Appendix: anonymity"))
    paragraphs = [
        Para(
            deck.t(
                "No figure of a group of fewer than {k} users or non-users is shown, counts"
                " included; figures that together would reveal such a group are hidden too.",
                k=method.min_group_size,
            )
        ),
        Para(
            deck.t(
                "Hidden to protect groups smaller than {k}, because such a group is in the"
                " figures or could be worked out from them: segments {segments}, comparisons"
                " {comparisons}. Which of the two applies is not said per figure, as that too"
                " could give a group away.",
                k=method.min_group_size,
                segments=hidden["segments"],
                comparisons=hidden["comparisons"],
            )
        ),
    ]
    if facts.hidden:
        paragraphs.append(Para("", lead=deck.t("Hidden in this deck:")))
        paragraphs += [
            Para(f"{item.label}: {_hidden(deck)}", level=1) for item in facts.hidden[:HIDDEN_LISTED]
        ]
        if len(facts.hidden) > HIDDEN_LISTED:
            paragraphs.append(
                Para(deck.t("and {count} more", count=len(facts.hidden) - HIDDEN_LISTED), level=1)
            )
    else:
        paragraphs.append(Para(deck.t("Nothing in this deck is hidden.")))
    deck.body(slide, paragraphs, largest=18)
    deck.notes(
        slide,
        [
            deck.t(
                "Figures can be added and subtracted: all respondents minus some departments,"
                " or a department minus a location that almost coincides with it. Every figure"
                " of this survey's outputs is therefore checked together, and more are hidden"
                " until no group of fewer than {k} people can be worked out from what is shown.",
                k=method.min_group_size,
            ),
            *[f"{item.label}: {_hidden(deck)}" for item in facts.hidden],
        ],
    )


def _hidden(deck: Deck) -> str:
    """What a hidden segment or comparison is called: one reason for all, since saying
    which group a figure protects could give that group away (see the disclosure stage)."""
    return deck.t("hidden for anonymity")


#: The slide builders, in the deck's order. Each adds its slides, or none when its
#: figures are absent; see the module's docstring for adding one.
SLIDES: tuple[SlideBuilder, ...] = (
    title_slide,
    summary_slide,
    means_slide,
    effects_slide,
    factor_slides,
    priority_slide,
    since_slides,
    segment_slides,
    action_slides,
    method_slide,
    anonymity_slide,
)


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
    deck = Deck(template or load_deck_template(), facts.lang, _as_datetime(date))
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


# -- helpers -------------------------------------------------------------------------------


def _plain(text: Any) -> str:
    """Text as a slide can hold it: characters XML cannot carry become spaces."""
    return _CONTROL.sub(" ", str(text))


def _title_size(layout: Any) -> int:
    """The title's font size (points) the template sets: the layout's title placeholder's
    own style, else the slide master's title style, else PowerPoint's default of 44."""
    sizes = []
    title = _placeholder(layout, "title")
    if title is not None:
        sizes += title._element.xpath("./p:txBody/a:lstStyle/a:lvl1pPr/a:defRPr/@sz")
    master = layout.slide_master._element
    sizes += master.xpath("./p:txStyles/p:titleStyle/a:lvl1pPr/a:defRPr/@sz")
    return int(sizes[0]) // 100 if sizes else 44


def _no_bullet(paragraph: Any) -> None:
    """No bullet before this paragraph (the template's list style may have one)."""
    from pptx.oxml.ns import qn

    properties = paragraph._p.get_or_add_pPr()
    for child in list(properties):
        if child.tag in (qn("a:buNone"), qn("a:buChar"), qn("a:buAutoNum")):
            properties.remove(child)
    properties.set("indent", "0")
    bullet = properties.makeelement(qn("a:buNone"), {})
    # a:buNone comes before a:tabLst and a:defRPr in a paragraph's properties
    later = [properties.find(qn(tag)) for tag in ("a:tabLst", "a:defRPr", "a:extLst")]
    following = next((node for node in later if node is not None), None)
    if following is not None:
        following.addprevious(bullet)
    else:
        properties.append(bullet)


def _lower(series: Sequence[tuple[str, Sequence[float | None]]], s: int, i: int) -> bool:
    """Whether series ``s``'s point at category ``i`` lies below another series' point
    there (the second of two equal points counts as the lower)."""
    value = series[s][1][i]
    others = [
        (other[1][i], t) for t, other in enumerate(series) if t != s and other[1][i] is not None
    ]
    return value is not None and any(v > value or (v == value and t < s) for v, t in others)


def _label_range(
    values: Sequence[float], labels: Sequence[str], plot_width: float, size: float
) -> tuple[float, float]:
    """A bar chart's value range (from 0 or beyond) with room for each bar's label at its
    end: a plot ``plot_width`` points wide, labels set in ``size`` points, the ends
    rounded out to the axis's ticks."""
    low, high = min(0.0, *values), max(0.0, *values)
    width = max(plot_width, 50.0)
    room = [(text_width(label, size) + 8) / width for label in labels]  # shares of the plot

    def short(low: float, high: float) -> tuple[bool, bool]:
        """Whether a label lacks room on the left, on the right."""
        span = high - low
        left = any(v < 0 and v - low < r * span - 1e-12 for v, r in zip(values, room, strict=True))
        right = any(
            v >= 0 and high - v < r * span - 1e-12 for v, r in zip(values, room, strict=True)
        )
        return left, right

    # the ends each label needs at the range's scale, until that scale holds them all
    for _ in range(200):
        span = high - low
        ends = [v - r * span if v < 0 else v + r * span for v, r in zip(values, room, strict=True)]
        wider = min(0.0, *values, *ends), max(0.0, *values, *ends)
        if wider == (low, high) or wider[1] - wider[0] > 100 * (span or 1.0):
            break
        low, high = wider
    unit = _major_unit(max(high - low, 1e-9))
    low, high = math.floor(low / unit) * unit, math.ceil(high / unit) * unit
    for _ in range(20):  # rounding out widens the scale: a unit more where still short
        left, right = short(low, high)
        if not (left or right):
            break
        low, high = low - unit * left, high + unit * right
    return low, high


def _major_unit(span: float) -> float:
    """The step between a value axis's ticks: a few ticks over ``span``, on round values."""
    for unit in (0.1, 0.2, 0.25, 0.5, 1.0, 2.0, 2.5, 5.0, 10.0, 20.0, 25.0, 50.0):
        if span / unit <= 10:
            return unit
    return 10 ** math.ceil(math.log10(span / 10))


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _fitting_size(
    paragraphs: Sequence[Para],
    width: int,
    height: int,
    largest: int,
    *,
    line: float = 1.25,
    smallest: int = 10,
) -> int:
    """The largest font size (points, from ``largest`` down to ``smallest``) at which the
    paragraphs are estimated to fit the box.

    An estimate (an average character is half the font size wide, a line ``line`` times
    its height); the placeholder also shrinks text on overflow where the application does.
    """
    usable_width = max(width / _EMU_PER_PT - 40, 50)  # insets and bullet indents
    usable_height = max(height / _EMU_PER_PT - 10, 10)
    for size in range(largest, smallest - 1, -1):
        per_line = max(8, int(usable_width / (size * 0.5)))
        lines = sum(
            max(1, math.ceil(len(p.lead + p.text) / (per_line - 4 * p.level))) for p in paragraphs
        )
        if lines * size * line <= usable_height:
            return size
    return smallest


_MUTED = "A6A6A6"


def _fill(fill: Any, colour: str) -> None:
    """A theme colour for users and non-users (the template's own), grey for "muted"."""
    from pptx.dml.color import RGBColor
    from pptx.enum.dml import MSO_THEME_COLOR

    fill.solid()
    if colour == "users":
        fill.fore_color.theme_color = MSO_THEME_COLOR.ACCENT_1
    elif colour == "non_users":
        fill.fore_color.theme_color = MSO_THEME_COLOR.ACCENT_2
    elif colour in ("accent3", "accent4"):
        fill.fore_color.theme_color = getattr(MSO_THEME_COLOR, f"ACCENT_{colour[-1]}")
    else:
        fill.fore_color.rgb = RGBColor.from_string(_MUTED)


#: A heat-map cell's tint by level: theme accent 1 for a lag of non-users, accent 2 for a
#: lead, lighter for a smaller g.
_TINTS = {"1": 0.8, "2": 0.6, "3": 0.4}


def _shade(cell: Any, shade: str) -> None:
    from pptx.dml.color import RGBColor
    from pptx.enum.dml import MSO_THEME_COLOR

    cell.fill.solid()
    if shade == "hidden":
        cell.fill.fore_color.rgb = RGBColor.from_string("D9D9D9")
    elif shade[:3] in ("pos", "neg") and shade[3:] in _TINTS:
        accent = MSO_THEME_COLOR.ACCENT_1 if shade.startswith("pos") else MSO_THEME_COLOR.ACCENT_2
        cell.fill.fore_color.theme_color = accent
        cell.fill.fore_color.brightness = _TINTS[shade[3:]]
    else:
        cell.fill.fore_color.rgb = RGBColor.from_string("FFFFFF")


#: Where a scatter's inner plot area sits in its chart (x, y, width, height as shares),
#: so that the quadrants' names can be put in its corners.
_PLOT_AREA = (0.09, 0.1, 0.88, 0.76)
#: A scatter's markers (their width, points) and its labels' type size (points).
SCATTER_MARKER = 9
SCATTER_LABEL = 11
#: The room between a marker and its label, and around a label's text (points).
_LABEL_GAP = 3.0
_LABEL_PAD = 2.0

Box = tuple[int, int, int, int]


def plot_box(box: Box) -> Box:
    """The inner plot area of a scatter placed in ``box`` (left, top, width, height; EMU)."""
    left, top, width, height = box
    x, y, w, h = _PLOT_AREA
    return (left + int(width * x), top + int(height * y), int(width * w), int(height * h))


def _scatter_position(
    plot: Box, x_range: tuple[float, float], y_range: tuple[float, float]
) -> Callable[[float, float], tuple[int, int]]:
    """Where a point (x, y) of a scatter is on the slide (EMU)."""
    left, top, width, height = plot

    def at(x: float, y: float) -> tuple[int, int]:
        across = (x - x_range[0]) / (x_range[1] - x_range[0])
        up = (y - y_range[0]) / (y_range[1] - y_range[0])
        return left + int(width * across), top + int(height * (1 - up))

    return at


def _square(centre: tuple[int, int], half: float) -> Box:
    side = int(half * _EMU_PER_PT)
    return (centre[0] - side, centre[1] - side, 2 * side, 2 * side)


def scatter_label_box(at: tuple[int, int], side: str, text: str) -> Box:
    """The box (EMU) of a scatter's data label ``text`` set on one line at the side
    ("left", "right", "above", "below") of the point at ``at`` (EMU on the slide)."""
    width = int((text_width(text, SCATTER_LABEL) + 2 * _LABEL_PAD) * _EMU_PER_PT)
    height = int((SCATTER_LABEL * _LINE + 2 * _LABEL_PAD) * _EMU_PER_PT)
    away = int((SCATTER_MARKER / 2 + _LABEL_GAP) * _EMU_PER_PT)
    x, y = at
    return {
        "right": (x + away, y - height // 2, width, height),
        "left": (x - away - width, y - height // 2, width, height),
        "above": (x - width // 2, y - away - height, width, height),
        "below": (x - width // 2, y + away, width, height),
    }[side]


def boxes_overlap(a: Box, b: Box) -> bool:
    """Whether two boxes (left, top, width, height) share more than an edge."""
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


_overlap = boxes_overlap


def _inside(inner: Box, outer: Box) -> bool:
    return (
        inner[0] >= outer[0]
        and inner[1] >= outer[1]
        and inner[0] + inner[2] <= outer[0] + outer[2]
        and inner[1] + inner[3] <= outer[1] + outer[3]
    )


def _manual_layout(chart: Any, box: tuple[float, float, float, float]) -> None:
    """Fix the inner plot area's place in the chart (c:manualLayout, shares of the chart)."""
    from pptx.oxml.ns import qn

    plot_area = chart._chartSpace.find(f"{qn('c:chart')}/{qn('c:plotArea')}")
    for old in plot_area.findall(qn("c:layout")):
        plot_area.remove(old)
    layout = plot_area.makeelement(qn("c:layout"), {})
    manual = layout.makeelement(qn("c:manualLayout"), {})
    for tag, value in (("c:layoutTarget", "inner"), ("c:xMode", "edge"), ("c:yMode", "edge")):
        manual.append(manual.makeelement(qn(tag), {"val": value}))
    for tag, value in zip(("c:x", "c:y", "c:w", "c:h"), box, strict=True):
        manual.append(manual.makeelement(qn(tag), {"val": repr(value)}))
    layout.append(manual)
    plot_area.insert(0, layout)


def _drop_slides(presentation: Any) -> None:
    """Leave the template's own slides out of the deck (their parts are then not saved)."""
    slide_ids = presentation.slides._sldIdLst
    for slide_id in list(slide_ids):
        presentation.part.drop_rel(slide_id.rId)
        slide_ids.remove(slide_id)


def _as_datetime(date: str | None) -> datetime.datetime:
    if not date:
        return _EPOCH
    try:
        return datetime.datetime.combine(datetime.date.fromisoformat(date), datetime.time())
    except ValueError:
        return _EPOCH


def _core_properties(presentation: Any, facts: DeckFacts) -> None:
    """The document properties: the deck's own, none of the template's, no clock."""
    properties = presentation.core_properties
    report = facts.report
    properties.title = _plain(report.title)
    properties.subject = _plain(report.scope)
    properties.author = _plain(report.client or "")
    properties.last_modified_by = "ism-advisor"
    properties.revision = 1
    properties.language = {"nl": "nl-NL", "en": "en-GB"}[facts.lang]
    for name in ("keywords", "comments", "category", "content_status", "identifier", "version"):
        setattr(properties, name, "")
    element = properties._element
    if facts.date:
        when = _as_datetime(facts.date)
        properties.created = when
        properties.modified = when
    else:
        for tag in ("created", "modified"):
            for node in element.findall(f"{{http://purl.org/dc/terms/}}{tag}"):
                element.remove(node)
    for node in element.findall(
        "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}lastPrinted"
    ):
        element.remove(node)


def deterministic_package(data: bytes) -> bytes:
    """The same zip package with every entry dated 1980-01-01 and no host-specific
    attributes, in the order it was written (``[Content_Types].xml`` first)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, _ZIP_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 0
            entry.external_attr = 0
            # part by part in chunks, each no bigger than a template's part may be: a
            # template's big part (media) is never held twice
            with target.open(entry, "w") as sink:
                for chunk in stream_member(
                    source, info, "deck", TEMPLATE_LIMITS.member, N_("a PowerPoint presentation")
                ):
                    sink.write(chunk)
    return out.getvalue()


def _text_cell_writer(workbook: Any) -> Callable[..., Any]:
    """XlsxWriter's handler for text cells: a formula-like text as a string with the
    quote prefix (its format made on first use, so other workbooks stay as they were);
    any other text left to XlsxWriter (None), which writes it as a string."""
    quoted: list[Any] = []

    def write(worksheet: Any, row: int, col: int, text: str, *_: Any) -> Any:
        if not formula_like(text):
            return None
        if not quoted:
            quoted.append(workbook.add_format({"quote_prefix": True}))
        return worksheet.write_string(row, col, text, quoted[0])

    return write


def chart_data(kind: str, when: datetime.datetime = _EPOCH) -> Any:
    """python-pptx chart data ("category": bars, columns, lines; "xy": scatter; "bubble")
    whose embedded workbook carries ``when`` instead of the clock: XlsxWriter dates a
    workbook's properties now unless told otherwise, and that would make two runs differ.
    Every chart of the deck takes its data from here.

    Its category and series names are a survey's texts (a team, a factor's label), so
    the workbook writes every text as a string cell: never a formula (XlsxWriter reads a
    text starting with ``=`` as one), never a link; one a spreadsheet would read as a
    formula once someone edits it gets Excel's quote prefix, the stored form of a leading
    ``'`` that Excel does not show (:mod:`ism_advisor.core.inert`)."""
    from pptx.chart import data, xlsx

    base, writer = {
        "category": (data.CategoryChartData, xlsx.CategoryWorkbookWriter),
        "xy": (data.XyChartData, xlsx.XyWorkbookWriter),
        "bubble": (data.BubbleChartData, xlsx.BubbleWorkbookWriter),
    }[kind]

    class _Writer(writer):  # type: ignore[misc, valid-type]
        @contextlib.contextmanager
        def _open_worksheet(self, xlsx_file: Any) -> Iterator[tuple[Any, Any]]:
            from xlsxwriter import Workbook

            workbook = Workbook(
                xlsx_file,
                {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False},
            )
            workbook.set_properties({"created": when})
            worksheet = workbook.add_worksheet()
            worksheet.add_write_handler(str, _text_cell_writer(workbook))
            yield workbook, worksheet
            workbook.close()

    class _Data(base):  # type: ignore[misc, valid-type]
        @property
        def _workbook_writer(self) -> Any:
            found = self.__dict__.get("_writer")
            if found is None:
                found = self.__dict__["_writer"] = _Writer(self)
            return found

    return _Data()


# -- measuring text ------------------------------------------------------------------------

#: The advance of the printable ASCII characters (space to ~) in DejaVu Sans, in
#: thousandths of an em: the font LibreOffice draws a deck in where the template's Calibri
#: is not installed, and wider than Calibri, so a text measured with it fits in either.
#: Measured once with Pillow's ImageFont (a table, so that the deck's layout is the same
#: on every machine, whatever fonts it has).
_ADVANCE = (
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636,
    636, 636, 636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 684,
    686, 698, 770, 632, 575, 775, 752, 295, 295, 656, 557, 863, 748, 787, 603, 787, 695,
    635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838, 500, 500, 613, 635, 550,
    635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612, 635, 635, 411, 521, 392,
    634, 592, 818, 592, 592, 525, 636, 337, 636, 838,
)  # fmt: skip
#: Characters beyond ASCII that the deck writes itself (minus, dashes, arrow, dot, α).
_ADVANCE_MORE = {
    "\u00a0": 318,
    "\u2212": 838,
    "\u2013": 500,
    "\u2014": 1000,
    "\u2192": 838,
    "\u00b7": 318,
}
#: Where a line may break: at a space (a no-break space keeps a figure together).
_SPACES = re.compile(r"[ \t]+")
#: Bold text is at most this much wider than regular (DejaVu Sans Bold against Book,
#: averaged over a word; its widest letters are 26% wider).
_BOLD = 1.15


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """How wide ``text`` is set in ``size`` points, in points (see :data:`_ADVANCE`); a
    letter with an accent as its letter, any other character an em."""
    total = 0
    for char in text:
        code = ord(char)
        if 32 <= code < 127:
            total += _ADVANCE[code - 32]
        elif char in _ADVANCE_MORE:
            total += _ADVANCE_MORE[char]
        else:
            base = unicodedata.normalize("NFD", char)[:1]
            total += _ADVANCE[ord(base) - 32] if base and 32 <= ord(base) < 127 else 1000
    return total * size / 1000 * (_BOLD if bold else 1.0)


def wrapped_lines(text: str, width: float, size: float, *, bold: bool = False) -> int:
    """How many lines ``text`` takes in a column ``width`` points wide, broken at spaces
    only (a word wider than the column counts as a line of its own: it is never broken)."""
    lines, current = 0, 0.0
    space = text_width(" ", size, bold=bold)
    for paragraph in text.split("\n"):
        lines += 1
        current = 0.0
        for word in _words(paragraph):
            wide = text_width(word, size, bold=bold)
            if current and current + space + wide > width:
                lines += 1
                current = wide
            else:
                current += (space if current else 0.0) + wide
    return max(lines, 1)


def longest_word(text: str, size: float, *, bold: bool = False) -> float:
    """The width of the widest word of ``text`` (points): a column narrower than this
    would have to break it."""
    return max((text_width(word, size, bold=bold) for word in _words(text)), default=0.0)


def _words(text: str) -> list[str]:
    """The parts of ``text`` a line may break between (a no-break space joins two)."""
    return [word for word in _SPACES.split(text.replace("\n", " ")) if word]


def _unbroken(figure: str) -> str:
    """A figure with spaces in it ("< 0,001", an interval) kept on one line."""
    return figure.replace(" ", "\u00a0")


# -- laying out a table --------------------------------------------------------------------

#: A table cell's margins (points), set on every cell: left and right, top and bottom.
_CELL_SIDE = 7.2
_CELL_END = 3.6
#: A line's height as a multiple of its font size.
_LINE = 1.2
#: The smallest type a table's header or body is set in to make its words fit.
_SMALLEST = 8


@dataclass(frozen=True)
class TableLayout:
    """Where a table's columns and rows go: widths (EMU, they add up to the table's width),
    the header's and the body's type size (points) and every row's height (EMU, the
    header's first) for its words, broken at spaces only."""

    widths: tuple[int, ...]
    header_size: int
    size: int
    heights: tuple[int, ...]

    def page(self, rows: Sequence[int]) -> TableLayout:
        """The layout of the header and these body rows (0-based) of the table."""
        return TableLayout(
            self.widths,
            self.header_size,
            self.size,
            (self.heights[0], *[self.heights[i + 1] for i in rows]),
        )


def table_layout(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    shares: Sequence[float],
    width: int,
    size: int,
) -> TableLayout:
    """Column widths and type sizes at which no word of a cell has to be broken.

    Each column is at least as wide as its widest word (the header's in bold) and its
    margins; what is left is shared as ``shares`` ask. The header's type shrinks first,
    then the body's, down to :data:`_SMALLEST`; where even that is too wide, the columns
    get their widest words' shares of the width. Sums of floats are ``math.fsum``, the same
    on every Python (3.12's ``sum`` compensates, 3.11's does not)."""
    total = width / _EMU_PER_PT
    columns = range(len(header))
    chosen = None
    for body in range(size, _SMALLEST - 1, -1):
        for head in range(body, _SMALLEST - 1, -1):
            need = [
                max(
                    longest_word(header[c], head, bold=True),
                    *(longest_word(row[c], body) for row in rows),
                )
                + 2 * _CELL_SIDE
                + 1
                for c in columns
            ]
            if math.fsum(need) <= total:
                chosen = (head, body, need)
                break
        if chosen:
            break
    if chosen is None:
        head = body = _SMALLEST
        need = [
            max(longest_word(header[c], head, bold=True), *(longest_word(r[c], body) for r in rows))
            + 2 * _CELL_SIDE
            + 1
            for c in columns
        ]
        points = [total * n / math.fsum(need) for n in need]
    else:
        head, body, need = chosen
        base = [total * share / math.fsum(shares) for share in shares]
        points = [max(b, n) for b, n in zip(base, need, strict=True)]
        excess = math.fsum(points) - total
        surplus = [p - n for p, n in zip(points, need, strict=True)]
        if excess > 0:
            points = [
                p - excess * s / math.fsum(surplus) for p, s in zip(points, surplus, strict=True)
            ]
    widths = [int(p * _EMU_PER_PT) for p in points]
    widths[-1] += width - sum(widths)
    heights = []
    for r, values in enumerate([header, *rows]):
        type_size = head if r == 0 else body
        lines = max(
            wrapped_lines(value, widths[c] / _EMU_PER_PT - 2 * _CELL_SIDE, type_size, bold=r == 0)
            for c, value in enumerate(values)
        )
        heights.append(int((lines * type_size * _LINE + 2 * _CELL_END) * _EMU_PER_PT))
    return TableLayout(tuple(widths), head, body, tuple(heights))


def table_pages(layout: TableLayout, height: int, most: int) -> list[range]:
    """The body rows (0-based) of each slide a table is spread over: at most ``most`` rows
    a slide, and no more than fit under the header in ``height`` (EMU; one row at least)."""
    pages: list[range] = []
    start, used = 0, layout.heights[0]
    body = layout.heights[1:]
    for index, row in enumerate(body):
        if index > start and (index - start >= most or used + row > height):
            pages.append(range(start, index))
            start, used = index, layout.heights[0]
        used += row
    if body:
        pages.append(range(start, len(body)))
    return pages
