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


# -- where the texts of a slide are ------------------------------------------------------------

_SIDES = {"l": "left", "r": "right", "t": "above", "b": "below"}


@dataclass(frozen=True)
class Placed:
    """A text on a slide and its box (EMU): a text box or placeholder ("text"), a table
    ("table"), a scatter's data label ("label") or a scatter's marker ("marker")."""

    kind: str
    text: str
    box: tuple[int, int, int, int]


def placed_texts(source: Path | bytes) -> list[list[Placed]]:
    """Per slide, every text-bearing shape with its box, and each scatter's data labels
    and markers where the deck computes them (its labels are one line each, at their
    c:dLblPos side of the point)."""
    from ism_advisor.render.deck import SCATTER_MARKER, scatter_label_box

    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    slides = []
    for slide in Presentation(io.BytesIO(data)).slides:
        found = []
        for shape in slide.shapes:
            box = (shape.left, shape.top, shape.width, shape.height)
            if shape.has_text_frame and shape.text_frame.text.strip():
                found.append(Placed("text", shape.text_frame.text, box))
            elif shape.has_table:
                height = sum(row.height for row in shape.table.rows)
                found.append(Placed("table", "", (*box[:3], height)))
            elif shape.has_chart and str(shape.chart.chart_type).startswith("XY"):
                found += _scatter_texts(shape, scatter_label_box, SCATTER_MARKER)
        slides.append(found)
    return slides


def _scatter_texts(shape, label_box, marker) -> list[Placed]:
    chart = shape.chart
    (manual,) = chart._chartSpace.xpath(".//c:plotArea/c:layout/c:manualLayout")
    x, y, w, h = (float(manual.xpath(f"./c:{tag}/@val")[0]) for tag in ("x", "y", "w", "h"))
    left, top = shape.left + int(shape.width * x), shape.top + int(shape.height * y)
    width, height = int(shape.width * w), int(shape.height * h)
    x_axis, y_axis = chart.category_axis, chart.value_axis
    found = []
    for series in chart.plots[0].series:
        xs = [float(v) for v in series._element.xpath("./c:xVal//c:pt/c:v/text()")]
        for index, (px, py) in enumerate(zip(xs, series.values, strict=True)):
            across = (px - x_axis.minimum_scale) / (x_axis.maximum_scale - x_axis.minimum_scale)
            up = (py - y_axis.minimum_scale) / (y_axis.maximum_scale - y_axis.minimum_scale)
            at = (left + int(width * across), top + int(height * (1 - up)))
            half = int(marker / 2 * 12700)
            found.append(Placed("marker", "", (at[0] - half, at[1] - half, 2 * half, 2 * half)))
            labels = series._element.xpath(f"./c:dLbls/c:dLbl[c:idx/@val='{index}']")
            for label in labels:
                text = "".join(label.xpath(".//a:t/text()"))
                side = _SIDES[label.xpath("./c:dLblPos/@val")[0]]
                found.append(Placed("label", text, label_box(at, side, text)))
    return found


def overlaps(slide: list[Placed]) -> list[tuple[str, str]]:
    """The pairs of texts on a slide whose boxes overlap (two markers may; a marker under a
    text box is the renderer's to draw)."""
    from ism_advisor.render.deck import boxes_overlap

    pairs = []
    for i, a in enumerate(slide):
        for b in slide[i + 1 :]:
            kinds = {a.kind, b.kind}
            if kinds == {"marker"} or (kinds & {"text", "table"} and "marker" in kinds):
                continue
            if boxes_overlap(a.box, b.box):
                pairs.append((a.text or a.kind, b.text or b.kind))
    return pairs


def broken_words(source: Path | bytes) -> list[str]:
    """Each word of a table that is wider than its column (less the cell's margins), in
    its run's type size (bold in the header): a word a renderer would have to break."""
    import re

    from ism_advisor.render.deck import text_width

    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    found = []
    for number, slide in enumerate(Presentation(io.BytesIO(data)).slides, start=1):
        for shape in slide.shapes:
            if not shape.has_table:
                continue
            table = shape.table
            for r, row in enumerate(table.rows):
                for c, cell in enumerate(row.cells):
                    room = table.columns[c].width - cell.margin_left - cell.margin_right
                    for paragraph in cell.text_frame.paragraphs:
                        for run in paragraph.runs:
                            size = run.font.size.pt
                            for word in re.split(r"[ \t\n]+", run.text):
                                wide = text_width(word, size, bold=r == 0) * 12700
                                if word and wide > room:
                                    found.append(f"slide {number}: {word!r} ({size:g} pt)")
    return found
