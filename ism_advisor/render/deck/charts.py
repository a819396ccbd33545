"""The deck's native charts: their data (:func:`chart_data`), axes and where a scatter's
labels go."""

from __future__ import annotations

import contextlib
import datetime
import math
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from .package import EPOCH, text_cell_writer
from .textfit import EMU_PER_PT, LINE, text_width

__all__ = ["chart_data"]


def lower(series: Sequence[tuple[str, Sequence[float | None]]], s: int, i: int) -> bool:
    """Whether series ``s``'s point at category ``i`` lies below another series' point
    there (the second of two equal points counts as the lower)."""
    value = series[s][1][i]
    others = [
        (other[1][i], t) for t, other in enumerate(series) if t != s and other[1][i] is not None
    ]
    return value is not None and any(v > value or (v == value and t < s) for v, t in others)


def label_range(
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
    unit = major_unit(max(high - low, 1e-9))
    low, high = math.floor(low / unit) * unit, math.ceil(high / unit) * unit
    for _ in range(20):  # rounding out widens the scale: a unit more where still short
        left, right = short(low, high)
        if not (left or right):
            break
        low, high = low - unit * left, high + unit * right
    return low, high


def major_unit(span: float) -> float:
    """The step between a value axis's ticks: a few ticks over ``span``, on round values."""
    for unit in (0.1, 0.2, 0.25, 0.5, 1.0, 2.0, 2.5, 5.0, 10.0, 20.0, 25.0, 50.0):
        if span / unit <= 10:
            return unit
    return 10 ** math.ceil(math.log10(span / 10))


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


#: Where a scatter's inner plot area sits in its chart (x, y, width, height as shares),
#: so that the quadrants' names can be put in its corners.
PLOT_AREA = (0.09, 0.1, 0.88, 0.76)


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
    x, y, w, h = PLOT_AREA
    return (left + int(width * x), top + int(height * y), int(width * w), int(height * h))


def scatter_position(
    plot: Box, x_range: tuple[float, float], y_range: tuple[float, float]
) -> Callable[[float, float], tuple[int, int]]:
    """Where a point (x, y) of a scatter is on the slide (EMU)."""
    left, top, width, height = plot

    def at(x: float, y: float) -> tuple[int, int]:
        across = (x - x_range[0]) / (x_range[1] - x_range[0])
        up = (y - y_range[0]) / (y_range[1] - y_range[0])
        return left + int(width * across), top + int(height * (1 - up))

    return at


def square(centre: tuple[int, int], half: float) -> Box:
    side = int(half * EMU_PER_PT)
    return (centre[0] - side, centre[1] - side, 2 * side, 2 * side)


def scatter_label_box(at: tuple[int, int], side: str, text: str) -> Box:
    """The box (EMU) of a scatter's data label ``text`` set on one line at the side
    ("left", "right", "above", "below") of the point at ``at`` (EMU on the slide)."""
    width = int((text_width(text, SCATTER_LABEL) + 2 * _LABEL_PAD) * EMU_PER_PT)
    height = int((SCATTER_LABEL * LINE + 2 * _LABEL_PAD) * EMU_PER_PT)
    away = int((SCATTER_MARKER / 2 + _LABEL_GAP) * EMU_PER_PT)
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


overlap = boxes_overlap


def inside(inner: Box, outer: Box) -> bool:
    return (
        inner[0] >= outer[0]
        and inner[1] >= outer[1]
        and inner[0] + inner[2] <= outer[0] + outer[2]
        and inner[1] + inner[3] <= outer[1] + outer[3]
    )


def manual_layout(chart: Any, box: tuple[float, float, float, float]) -> None:
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


def chart_data(kind: str, when: datetime.datetime = EPOCH) -> Any:
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
            worksheet.add_write_handler(str, text_cell_writer(workbook))
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
