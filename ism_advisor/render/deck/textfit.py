"""Measuring text without a font (a table of DejaVu Sans' advances) and laying out a table
so that its words fit."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

EMU_PER_PT = 12700


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


def unbroken(figure: str) -> str:
    """A figure with spaces in it ("< 0,001", an interval) kept on one line."""
    return figure.replace(" ", "\u00a0")


#: A table cell's margins (points), set on every cell: left and right, top and bottom.
CELL_SIDE = 7.2
CELL_END = 3.6


#: A line's height as a multiple of its font size.
LINE = 1.2


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
    total = width / EMU_PER_PT
    columns = range(len(header))
    chosen = None
    for body in range(size, _SMALLEST - 1, -1):
        for head in range(body, _SMALLEST - 1, -1):
            need = [
                max(
                    longest_word(header[c], head, bold=True),
                    *(longest_word(row[c], body) for row in rows),
                )
                + 2 * CELL_SIDE
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
            + 2 * CELL_SIDE
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
    widths = [int(p * EMU_PER_PT) for p in points]
    widths[-1] += width - sum(widths)
    heights = []
    for r, values in enumerate([header, *rows]):
        type_size = head if r == 0 else body
        lines = max(
            wrapped_lines(value, widths[c] / EMU_PER_PT - 2 * CELL_SIDE, type_size, bold=r == 0)
            for c, value in enumerate(values)
        )
        heights.append(int((lines * type_size * LINE + 2 * CELL_END) * EMU_PER_PT))
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
