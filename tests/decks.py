"""Reading a deck back with python-pptx, the way the tests look at it.

A :class:`SlideView` holds what a reader of the slide sees (title, texts, tables) and
what an editor of its charts gets (categories, series values, data labels, the embedded
workbook's cells), plus the speaker notes.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import load_workbook
from pptx import Presentation
from pptx.util import Emu


@dataclass
class ChartView:
    kind: str
    title: str
    categories: list[str]
    series: list[tuple[str, list[float]]]
    labels: list[list[str]]  # each series' data labels with their own text ("" if none)
    sheet: list[list[object]]  # the embedded workbook's first sheet, row by row
    description: str = ""  # the text alternative (the chart frame's descr)
    #: an XY chart's points per series, as (x, y)
    points: list[list[tuple[float, float]]] = field(default_factory=list)
    #: where each axis crosses the other (x axis, y axis): the c:crossesAt values
    crossings: tuple[float | None, float | None] = (None, None)
    #: the value axis's (minimum, maximum) as set (None: the application's choice)
    value_range: tuple[float | None, float | None] = (None, None)
    #: a horizontal bar chart ("bar") or not, and whether its category axis is reversed
    horizontal: bool = False
    reversed_axis: bool = False
    has_legend: bool = False

    @property
    def reading(self) -> tuple[list[str], list[tuple[str, list[float]]]]:
        """The categories and series in the order a reader sees them: a horizontal bar
        chart draws its first category and, in each, its first series at the bottom
        unless its category axis is reversed."""
        if self.horizontal and not self.reversed_axis:
            return self.categories[::-1], [
                (name, values[::-1]) for name, values in self.series[::-1]
            ]
        return self.categories, self.series

    @property
    def legend(self) -> list[str]:
        """The legend's entries in the order LibreOffice draws them: a horizontal bar
        chart's bottom-up (the last series first) whichever way its axis runs, any other
        chart's in the series' order."""
        if not self.has_legend:
            return []
        names = [name for name, _ in self.series]
        return names[::-1] if self.horizontal else names


@dataclass
class SlideView:
    layout: str
    title: str
    texts: list[str] = field(default_factory=list)
    charts: list[ChartView] = field(default_factory=list)
    tables: list[list[list[str]]] = field(default_factory=list)
    notes: str = ""

    def text(self) -> str:
        """Everything on the slide and in its notes, as one text."""
        parts = [self.title, *self.texts, self.notes]
        for chart in self.charts:
            parts += [chart.title, chart.description, *chart.categories]
            parts += [name for name, _ in chart.series]
            parts += [label for labels in chart.labels for label in labels]
            parts += [str(cell) for row in chart.sheet for cell in row if cell is not None]
        parts += [cell for table in self.tables for row in table for cell in row]
        return "\n".join(parts)


def read_deck(source: Path | bytes) -> list[SlideView]:
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    presentation = Presentation(io.BytesIO(data))
    views = []
    for slide in presentation.slides:
        title_shape = slide.shapes.title
        view = SlideView(slide.slide_layout.name, title_shape.text if title_shape else "")
        for shape in slide.shapes:
            if shape is title_shape or (title_shape and shape.shape_id == title_shape.shape_id):
                continue
            if shape.has_text_frame:
                view.texts.append(shape.text_frame.text)
            if shape.has_chart:
                view.charts.append(_chart(shape.chart))
                view.charts[-1].description = shape._element.nvGraphicFramePr.cNvPr.get("descr")
            if shape.has_table:
                view.tables.append([[cell.text for cell in row.cells] for row in shape.table.rows])
        if slide.has_notes_slide:
            view.notes = slide.notes_slide.notes_text_frame.text
        views.append(view)
    return views


def _chart(chart) -> ChartView:
    plot = chart.plots[0]
    labels = []
    for series in plot.series:
        texts = []
        for index in range(len(series.values)):
            point = series.points[index]
            label = point.data_label
            texts.append(label.text_frame.text if label.has_text_frame else "")
        labels.append(texts)
    points = []
    if str(chart.chart_type).startswith("XY"):
        for series in plot.series:
            xs = [float(v) for v in series._element.xpath("./c:xVal//c:pt/c:v/text()")]
            points.append(list(zip(xs, series.values, strict=True)))
    crossings = (None, None)
    horizontal = chart._chartSpace.xpath(".//c:barDir/@val") == ["bar"]
    reversed_axis = False
    if not points:
        reversed_axis = chart.category_axis.reverse_order
    value_axis = chart.value_axis
    if points:
        x_axis, y_axis = chart.category_axis, chart.value_axis
        crossings = (x_axis.crosses_at, y_axis.crosses_at)
    blob = chart.part.chart_workbook.xlsx_part.blob
    sheet = load_workbook(io.BytesIO(blob), read_only=True).worksheets[0]
    return ChartView(
        kind=str(chart.chart_type).split()[0],
        title=chart.chart_title.text_frame.text if chart.has_title else "",
        categories=[str(c) for c in plot.categories],
        series=[(s.name, list(s.values)) for s in plot.series],
        labels=labels,
        sheet=[list(row) for row in sheet.iter_rows(values_only=True)],
        points=points,
        crossings=crossings,
        value_range=(value_axis.minimum_scale, value_axis.maximum_scale),
        horizontal=horizontal,
        reversed_axis=reversed_axis,
        has_legend=chart.has_legend,
    )


def deck_text(source: Path | bytes) -> str:
    """All text of a deck: slides, tables, charts (with their data sheets) and notes."""
    return "\n".join(view.text() for view in read_deck(source))


def slide_size(source: Path | bytes) -> tuple[float, float]:
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    presentation = Presentation(io.BytesIO(data))
    return Emu(presentation.slide_width).inches, Emu(presentation.slide_height).inches


def zip_entries(data: bytes) -> list[zipfile.ZipInfo]:
    return zipfile.ZipFile(io.BytesIO(data)).infolist()
