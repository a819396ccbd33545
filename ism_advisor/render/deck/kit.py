"""The slide builders' drawing kit: :class:`Deck` (slides, text, charts, tables, notes) and
:class:`Para`."""

from __future__ import annotations

import datetime
import io
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ...core.errors import N_, AdvisorError, Message
from ...core.formatting import format_figure
from ...core.i18n import translations
from .charts import (
    PLOT_AREA,
    SCATTER_LABEL,
    SCATTER_MARKER,
    chart_data,
    inside,
    lower,
    major_unit,
    manual_layout,
    overlap,
    plot_box,
    scatter_label_box,
    scatter_position,
    square,
)
from .facts import DeckFacts
from .package import EPOCH, core_properties, deterministic_package, drop_slides, xml_text
from .template import DeckTemplate, open_presentation, place_chart, placeholder, slide_layouts
from .textfit import CELL_END, CELL_SIDE, EMU_PER_PT, TableLayout, table_layout

__all__ = ["Deck"]


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

    def __init__(self, template: DeckTemplate, lang: str, when: datetime.datetime = EPOCH) -> None:
        from pptx.enum.lang import MSO_LANGUAGE_ID

        self.template = template
        self.lang = lang
        #: the date the embedded workbooks carry (--date, never the clock)
        self.when = when
        self.presentation = open_presentation(template.data, template.path)
        drop_slides(self.presentation)
        by_name = {layout.name: layout for layout in slide_layouts(self.presentation)}
        self.layouts = {role: by_name[name] for role, name in template.layouts.items()}
        self._translations = translations(lang)
        self._language = MSO_LANGUAGE_ID.DUTCH if lang == "nl" else MSO_LANGUAGE_ID.ENGLISH_UK
        body = placeholder(self.layouts["content"], "body")
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
        title_shape = placeholder(slide, "title")
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
        if filled is not None and placeholder(slide, filled) is not None:
            keep.add(id(placeholder(slide, filled)._element))
        for shape in list(slide.placeholders):
            # a placeholder the deck does not fill would say "Click to add text"
            if id(shape._element) not in keep:
                shape._element.getparent().remove(shape._element)
        return slide

    def body(self, slide: Any, paragraphs: Sequence[Para], *, largest: int = 20) -> None:
        """Fill the slide's content placeholder, sized so that the text fits."""
        shape = placeholder(slide, "body")
        size = _fitting_size(paragraphs, shape.width, shape.height, largest)
        self._write(shape.text_frame, paragraphs, size=size)

    def subtitle(self, slide: Any, lines: Sequence[str]) -> None:
        """The title slide's subtitle lines (a text box when the layout has no subtitle)."""
        shape = placeholder(slide, "subtitle")
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
                run.text = xml_text(text)
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
        data.categories = [xml_text(categories[i]) for i in category_order]
        for s in series_order:
            name, values = series[s]
            data.add_series(
                xml_text(name), [values[i] for i in category_order], number_format="0.00"
            )
        kind = XL_CHART_TYPE.BAR_CLUSTERED if horizontal else XL_CHART_TYPE.COLUMN_CLUSTERED

        # the text alternative a screen reader reads: what the chart shows, with its figures
        def shown(s: int, i: int) -> str:
            return labels[s][i] if labels and labels[s][i] else self.figure(series[s][1][i])

        rows = [
            f"{xml_text(category)}: "
            + "; ".join(f"{xml_text(name)} {shown(s, i)}" for s, (name, _) in enumerate(series))
            for i, category in enumerate(categories)
        ]
        heading = slide.shapes.title.text + (f" – {title}" if title else "")
        description = self.t("Chart: {title}.", title=xml_text(heading))
        chart = place_chart(
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
            chart.chart_title.text_frame.text = xml_text(title)
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
            value_axis.major_unit = major_unit(maximum - minimum)
        if horizontal and not bottom_up:  # the first category on top, as it is read
            chart.category_axis.reverse_order = True
        for plotted, s in zip(plot.series, series_order, strict=True):
            fill(plotted.format.fill, ("users", "non_users", "muted")[min(s, 2)])
            for point, i in enumerate(category_order):
                if colours is not None and colours[s][i]:
                    fill(plotted.points[point].format.fill, colours[s][i])
                if labels is not None and labels[s][i]:
                    label = plotted.points[point].data_label
                    label.text_frame.text = xml_text(labels[s][i])
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
            plotted = data.add_series(xml_text(name), number_format="0.00")
            for x, y, _ in points:
                plotted.add_data_point(x, y)
        chart = place_chart(
            slide, XL_CHART_TYPE.XY_SCATTER, box, data, xml_text(description), legend=True
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
            axis.axis_title.text_frame.text = xml_text(title)
            axis.crosses_at = cut  # the value on this axis where the other one crosses it
        x_axis.has_major_gridlines = False
        y_axis.has_major_gridlines = False
        plot = plot_box(box)
        to_slide = scatter_position(plot, x_range, y_range)
        markers = [
            square(to_slide(x, y), SCATTER_MARKER / 2)
            for _, _, points in series
            for x, y, _ in points
        ]
        taken = [*markers, *avoid]
        for plotted, (_, colour, points) in zip(chart.plots[0].series, series, strict=True):
            plotted.marker.style = XL_MARKER_STYLE.CIRCLE
            plotted.marker.size = SCATTER_MARKER
            fill(plotted.marker.format.fill, colour)
            plotted.marker.format.line.fill.background()
            for index, (x, y, label) in enumerate(points):
                text = xml_text(label)
                at = to_slide(x, y)
                # labels point inwards, as in the report's chart; else to the other side,
                # above or below, wherever they overprint nothing; else none
                sides = ("left", "right") if x > 0 else ("right", "left")
                for side in (*sides, "above", "below"):
                    found = scatter_label_box(at, side, text)
                    if inside(found, plot) and not any(overlap(found, o) for o in taken):
                        break
                else:
                    continue
                taken.append(found)
                data_label = plotted.points[index].data_label
                data_label.text_frame.text = text
                data_label.text_frame.paragraphs[0].runs[0].font.size = Pt(SCATTER_LABEL)
                data_label.text_frame._bodyPr.set("wrap", "none")
                data_label.position = getattr(XL_LABEL_POSITION, side.upper())
        manual_layout(chart, PLOT_AREA)
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
        data.categories = [xml_text(c) for c in categories]
        for name, values in series:
            data.add_series(xml_text(name), list(values), number_format="0.00")
        chart = place_chart(
            slide, XL_CHART_TYPE.LINE_MARKERS, box, data, xml_text(description), legend=True
        )
        axis = chart.value_axis
        axis.minimum_scale, axis.maximum_scale = y_range
        axis.major_unit = major_unit(y_range[1] - y_range[0])
        axis.has_major_gridlines = True
        axis.tick_labels.number_format = "0.0"
        axis.tick_labels.number_format_is_linked = False
        for s, plotted in enumerate(chart.plots[0].series):
            colour = ("users", "non_users", "muted")[min(s, 2)]
            plotted.smooth = False
            plotted.marker.style = XL_MARKER_STYLE.CIRCLE
            plotted.marker.size = 8
            fill(plotted.marker.format.fill, colour)
            fill(plotted.format.line.fill, colour)
            plotted.format.line.width = Pt(2.25)
            for i in range(len(categories)):
                if labels[s][i]:
                    label = plotted.points[i].data_label
                    label.text_frame.text = xml_text(labels[s][i])
                    label.position = (
                        XL_LABEL_POSITION.BELOW if lower(series, s, i) else XL_LABEL_POSITION.ABOVE
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
        header = [xml_text(value) for value in header]
        rows = [[xml_text(value) for value in row] for row in rows]
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
                cell.margin_left = cell.margin_right = Pt(CELL_SIDE)
                cell.margin_top = cell.margin_bottom = Pt(CELL_END)
                frame = cell.text_frame
                frame.word_wrap = True
                frame.auto_size = MSO_AUTO_SIZE.NONE
                run = frame.paragraphs[0].add_run()
                run.text = value
                run.font.size = Pt(layout.header_size if r == 0 else layout.size)
                run.font.language_id = self._language
                if r and shades is not None and shades[r - 1][c]:
                    shade(cell, shades[r - 1][c])
        return table

    def save(self, facts: DeckFacts) -> bytes:
        """The deck as bytes, with fixed document properties and timestamps."""
        core_properties(self.presentation, facts)
        buffer = io.BytesIO()
        self.presentation.save(buffer)
        return deterministic_package(buffer.getvalue())


SlideBuilder = Callable[[Deck, DeckFacts], None]


def _title_size(layout: Any) -> int:
    """The title's font size (points) the template sets: the layout's title placeholder's
    own style, else the slide master's title style, else PowerPoint's default of 44."""
    sizes = []
    title = placeholder(layout, "title")
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
    usable_width = max(width / EMU_PER_PT - 40, 50)  # insets and bullet indents
    usable_height = max(height / EMU_PER_PT - 10, 10)
    for size in range(largest, smallest - 1, -1):
        per_line = max(8, int(usable_width / (size * 0.5)))
        lines = sum(
            max(1, math.ceil(len(p.lead + p.text) / (per_line - 4 * p.level))) for p in paragraphs
        )
        if lines * size * line <= usable_height:
            return size
    return smallest


_MUTED = "A6A6A6"


def fill(fill: Any, colour: str) -> None:
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


def shade(cell: Any, shade: str) -> None:
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
