"""The slide "Compared with N organisations" (a run with --norms): the non-users' mean per
factor within the other organisations' middle half, or why no comparison is shown."""

from __future__ import annotations

from typing import Any

from ..charts import chart_data, manual_layout
from ..facts import DeckFacts
from ..kit import Deck, Para, fill
from ..package import xml_text
from ..template import place_chart

#: Where the plot sits in the chart (x, y, width, height as shares of the chart): room
#: above for the legend, below for the value axis.
NORMS_PLOT = (0.02, 0.13, 0.94, 0.72)
#: The share of the slide's content width the factors' names take, left of the chart.
NAMES = 0.3


def norms_slide(deck: Deck, facts: DeckFacts) -> None:
    """The norms' slide, the report's section in one picture: per factor the other
    organisations' middle half (P25 to P75) as a band, their median a diamond and this
    organisation's non-users' mean a dot with its value (a native XY chart whose data
    sheet holds these published figures); with too few organisations, the sentence why.
    Nothing without norms, and nothing in a segment's deck."""
    norms = facts.report.norms
    if norms is None:
        return
    if not norms.shown or not any(f.non_users_mean.p25 is not None for f in norms.factors):
        slide = deck.slide("content", norms.heading)
        lines = [norms.not_shown] if not norms.shown else [norms.about]
        if norms.shown:
            lines.append(
                deck.t(
                    "No chart: the middle half of the organisations is shown from 10"
                    " organisations on; the report's table gives the percentile ranks."
                )
            )
        deck.body(slide, [Para(line) for line in lines])
        deck.notes(slide, lines)
        return
    slide = deck.slide("title_only", norms.heading)
    rows = list(norms.factors)
    _chart(deck, slide, rows, facts.scale, norms.chart_data.alt)
    notes = [norms.line, norms.about]
    if norms.direction_note:
        notes.append(norms.direction_note)
    notes += [
        deck.t(
            "{factor}: non-users {value}, percentile rank {rank}; the organisations' median"
            " {median}, P25 to P75 {low} to {high}.",
            factor=f.label,
            value=deck.figure(f.non_users_mean.value),
            rank="–" if f.non_users_mean.percentile is None else f.non_users_mean.percentile,
            median=deck.figure(f.non_users_mean.median),
            low=deck.figure(f.non_users_mean.p25),
            high=deck.figure(f.non_users_mean.p75),
        )
        for f in rows
    ]
    deck.notes(slide, notes)


def _chart(deck: Deck, slide: Any, rows: list, scale: tuple[float, float], alt: str) -> None:
    """The XY chart right of the factors' names: a row per factor from the top, the band a
    thick line from P25 to P75 (broken between factors), the median a diamond, the client
    a dot labelled with its value."""
    from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_MARKER_STYLE
    from pptx.enum.chart import XL_TICK_LABEL_POSITION as TICKS
    from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
    from pptx.util import Emu, Pt

    left, top, width, height = deck.area
    names = int(width * NAMES)
    box = (left + names, top, width - names, height)
    count = len(rows)
    at = {i: count - i for i in range(count)}  # the first factor on top
    data = chart_data("xy", deck.when)
    band = data.add_series(xml_text(deck.t("middle half (P25–P75)")), number_format="0.00")
    for i, f in enumerate(rows):
        p = f.non_users_mean
        if p.p25 is not None and p.p75 is not None:
            band.add_data_point(p.p25, at[i])
            band.add_data_point(p.p75, at[i])
        band.add_data_point(None, None)  # a gap: no line from one factor to the next
    median = data.add_series(xml_text(deck.t("median")), number_format="0.00")
    client = data.add_series(xml_text(deck.t("your organisation")), number_format="0.00")
    client_points = []
    for i, f in enumerate(rows):
        p = f.non_users_mean
        if p.median is not None:
            median.add_data_point(p.median, at[i])
        if p.value is not None:
            client.add_data_point(p.value, at[i])
            client_points.append(p.value)
    chart = place_chart(
        slide, XL_CHART_TYPE.XY_SCATTER_LINES, box, data, xml_text(alt), legend=True
    )
    figures = [
        v
        for f in rows
        for v in (f.non_users_mean.value, f.non_users_mean.p25, f.non_users_mean.p75)
        if v is not None
    ]
    x_axis, y_axis = chart.category_axis, chart.value_axis
    x_axis.minimum_scale = min(scale[0], *figures)
    x_axis.maximum_scale = max(scale[1], *figures)
    x_axis.major_unit = 1.0
    x_axis.tick_labels.number_format = "0"
    x_axis.tick_labels.number_format_is_linked = False
    x_axis.has_major_gridlines = True
    x_axis.has_title = True
    x_axis.axis_title.text_frame.text = xml_text(deck.t("non-users' mean score"))
    y_axis.minimum_scale, y_axis.maximum_scale = 0.4, count + 0.6
    y_axis.tick_label_position = TICKS.NONE
    y_axis.has_major_gridlines = False
    y_axis.format.line.fill.background()
    band_series, median_series, client_series = chart.plots[0].series
    fill(band_series.format.line.fill, "users")
    band_series.format.line.fill.fore_color.brightness = 0.4
    # half transparent: LibreOffice draws every line over the markers, which show
    # through it
    _transparent(band_series.format.line.fill, 50)
    band_series.format.line.width = Pt(14)
    band_series.marker.style = XL_MARKER_STYLE.NONE
    band_series.smooth = False
    for series, style, size, colour in (
        (median_series, XL_MARKER_STYLE.DIAMOND, 12, "muted"),
        (client_series, XL_MARKER_STYLE.CIRCLE, 11, "non_users"),
    ):
        series.format.line.fill.background()  # markers only
        series.marker.style = style
        series.marker.size = size
        fill(series.marker.format.fill, colour)
        series.smooth = False
    for index, value in enumerate(client_points):
        label = client_series.points[index].data_label
        label.text_frame.text = xml_text(deck.figure(value))
        label.text_frame.paragraphs[0].runs[0].font.size = Pt(11)
        label.position = XL_LABEL_POSITION.ABOVE
    manual_layout(chart, NORMS_PLOT)
    # the factors' names left of the chart, each at its row's height
    plot_top = top + int(height * NORMS_PLOT[1])
    plot_height = int(height * NORMS_PLOT[3])
    line = int(plot_height / (count + 0.2))
    for i, f in enumerate(rows):
        share = (at[i] - 0.4) / (count + 0.2)  # the row's height from the plot's bottom
        centre = plot_top + int(plot_height * (1 - share))
        name = (
            f.label if f.higher_is_better else deck.t("{factor} (higher is worse)", factor=f.label)
        )
        shape = slide.shapes.add_textbox(left, centre - line // 2, names, line)
        frame = shape.text_frame
        frame.word_wrap = True
        frame.text = xml_text(name)
        paragraph = frame.paragraphs[0]
        paragraph.runs[0].font.size = Pt(12 if count <= 8 else 10)
        paragraph.alignment = PP_ALIGN.RIGHT
        frame.vertical_anchor = MSO_ANCHOR.MIDDLE
        shape.width = Emu(names - int(width * 0.01))


def _transparent(fill: Any, percent: int) -> None:
    """A solid fill ``percent`` transparent (python-pptx has no property for it)."""
    from pptx.oxml.ns import qn

    colour = fill._xPr.find(qn("a:solidFill"))[0] if hasattr(fill, "_xPr") else None
    if colour is None:
        return
    alpha = colour.makeelement(qn("a:alpha"), {"val": str((100 - percent) * 1000)})
    colour.append(alpha)
