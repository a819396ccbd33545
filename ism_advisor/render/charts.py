"""The report's charts as inline SVG.

The charts of every report — the means per factor, the effect sizes, the priority matrix,
and with ``--norms`` the client among other organisations (:func:`norms_chart`) — are laid
out here (scales, round-numbered ticks, every mark's place in points, the texts
formatted in the report's language) and drawn by Jinja2 macros
(``templates/report-charts.html``): a millisecond per chart, where a matplotlib figure
took a tenth of a second, which made charts almost all of a per-segment report's time
(issue 19). They keep the size and look the matplotlib figures had. The charts of survey
waves (:func:`trend_chart`, :func:`adoption_chart`; once per report, only with waves) are
still matplotlib figures, drawn without pyplot (no global state) with text kept as text,
and with a fixed hash salt and no date, so the same data gives byte-identical SVG.

What makes them readable for everyone lives outside this module, so that another way of
drawing keeps it (see :class:`ism_advisor.render.context.model.ChartData` for the whole
contract): the colours come from :data:`ism_advisor.render.colours.PALETTE` by role; the
text alternative, one sentence generated from the figures in the report's language, is
passed in as ``alt`` and becomes the SVG's ``<title>`` (its accessible name, and the PDF's
``/Alt``); the figures behind each chart are a table in the report. Here: users and
non-users differ by more than colour (lightness, hatching on the non-users' bars, a value
label on every bar), and significant effects by a filled dot and a solid interval line.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from babel.numbers import format_decimal, format_percent
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from ..core.formatting import MINUS, format_figure
from ..core.resources import packaged_path
from ..core.vocabulary import EFFECT_SIZE_BANDS
from .colours import PALETTE

__all__ = [
    "adoption_chart",
    "effects_chart",
    "forest_chart",
    "means_chart",
    "norms_chart",
    "priority_chart",
    "trend_chart",
]

USERS = PALETTE["users"]
NON_USERS = PALETTE["non-users"]
EDGE = PALETTE["chart-edge"]
SIGNIFICANT = PALETTE["significant"]
NOT_SIGNIFICANT = PALETTE["not-significant"]
_STYLE = {
    "svg.hashsalt": "ism-advisor",
    "svg.fonttype": "none",
    "font.family": "DejaVu Sans",  # ships with matplotlib: no font lookups, same output
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


@dataclass(frozen=True)
class Tick:
    """A tick or a text placed along an axis: its position in points, its text."""

    at: float
    text: str


def means_chart(
    comparisons: Sequence[Any],
    t: Callable[..., str],
    lang: str,
    alt: str | None = None,
    scale: tuple[float, float] = (1.0, 5.0),
) -> Markup:
    """Horizontal bars: users' and non-users' mean per factor, each bar labelled with its
    value; the non-users' bars hatched. ``alt`` is the text alternative. The axis covers
    the answer ``scale`` (lowest, highest), so that a bar's length reads against the
    whole scale; room is kept right of it for the label of a bar at the top of the scale."""
    labels = [c.short_label for c in comparisons]
    height = (0.45 * len(comparisons) + 1.1) * POINTS
    box = _box(height, labels, top=0.4 * POINTS)
    box["right"] = _pt(box["right"] - _VALUE_ROOM)
    users = [c.users_mean for c in comparisons]
    non_users = [c.non_users_mean for c in comparisons]
    present = [v for v in users + non_users if v is not None]
    low, high = min([scale[0], *present]), max([scale[1], *present])
    x = _Scale(low, high, box["left"], box["right"])
    # as a bar chart: rows from the top, each with two bars of 0.38 a row, 5% margins
    rows = len(comparisons)
    margin = 0.39 + 0.05 * (rows - 1 + 0.78)
    y = _Scale(-margin, rows - 1 + margin, *_vertical(box))
    bar_height = 0.38 * abs(y.scale)
    bars = []
    for index, (user, non_user) in enumerate(zip(users, non_users, strict=True)):
        row = rows - 1 - index
        for value, centre, is_users in ((user, row + 0.2, True), (non_user, row - 0.2, False)):
            if value is None:
                continue
            bars.append(
                {
                    "y": _pt(y(centre) - bar_height / 2),
                    "width": _pt(max(0.0, x(value) - box["left"])),
                    "users": is_users,
                    "text": format_figure(value, "number", lang),
                }
            )
    legend_texts = (t("users"), t("non-users"))  # in the order of the bars, top first
    # the legend ends at the chart's right edge, above the axes
    second = box["right"] + _VALUE_ROOM - 19.5 - _text_width(legend_texts[1])
    first = second - 24 - 19.5 - _text_width(legend_texts[0])
    chart = {
        **box,
        "title": alt or t("Mean score per factor: users and non-users"),
        "colours": _COLOURS,
        "bars": bars,
        "bar_height": _pt(bar_height),
        "legend": (Tick(_pt(first), legend_texts[0]), Tick(_pt(second), legend_texts[1])),
        "xticks": _points(x, lang) if high - low <= 10 else x.ticks(lang),
        "yticks": [Tick(_pt(y(rows - 1 - index)), label) for index, label in enumerate(labels)],
        "xlabel": Tick(_pt((box["left"] + box["right"]) / 2), t("mean score")),
    }
    return _draw("means_chart", chart, lang)


def effects_chart(
    comparisons: Sequence[Any], t: Callable[..., str], lang: str, alt: str | None = None
) -> Markup:
    """Hedges' g with its 95% interval per factor, each dot labelled with its value;
    significant ones filled on a solid line, the others hollow on a dashed line. ``alt``
    is the text alternative."""
    shown = [c for c in comparisons if c.hedges_g is not None]
    height = (0.42 * len(comparisons) + 1.1) * POINTS
    labels = [c.short_label for c in shown]
    box = _box(height, labels, top=0.15 * POINTS)
    small = EFFECT_SIZE_BANDS[1].lowest  # where a gap stops being negligible
    values = [-small, small]
    for c in shown:
        values += [v for v in (c.hedges_g, c.hedges_g_ci_low, c.hedges_g_ci_high) if v is not None]
    span = max(values) - min(values)
    x = _Scale(min(values) - 0.05 * span, max(values) + 0.05 * span, box["left"], box["right"])
    rows = len(shown)
    margin = 0.05 * (rows - 1) if rows > 1 else 0.5  # one row, or none: a row's height
    y = _Scale(-margin, max(0, rows - 1) + margin, *_vertical(box))
    dots = []
    for index, c in enumerate(shown):
        interval = c.hedges_g_ci_low is not None and c.hedges_g_ci_high is not None
        dots.append(
            {
                "x": _pt(x(c.hedges_g)),
                "y": _pt(y(rows - 1 - index)),
                "low": _pt(x(c.hedges_g_ci_low)) if interval else None,
                "high": _pt(x(c.hedges_g_ci_high)) if interval else None,
                "significant": bool(c.significant),
                "colour": SIGNIFICANT if c.significant else NOT_SIGNIFICANT,
                "text": format_figure(c.hedges_g, "number", lang),
            }
        )
    chart = {
        **box,
        "title": alt or t("Effect size per factor, with confidence intervals"),
        "colours": _COLOURS,
        "dots": dots,
        "zero": _pt(x(0.0)),
        "bands": [_pt(x(-small)), _pt(x(small))],
        "xticks": x.ticks(lang),
        "yticks": [Tick(_pt(y(rows - 1 - index)), label) for index, label in enumerate(labels)],
        "xlabel": Tick(
            _pt((box["left"] + box["right"]) / 2),
            t("Hedges' g (positive: non-users lag behind); filled: significant"),
        ),
    }
    return _draw("effects_chart", chart, lang)


def norms_chart(
    rows: Sequence[tuple[str, Any]],
    t: Callable[..., str],
    lang: str,
    alt: str,
    axis: tuple[float, float],
    xlabel: str,
    digits: str = "0",
) -> Markup:
    """The client against the other organisations, one row per factor: the middle half
    of the organisations (P25 to P75) a bar, their median a tick across it, P10 to P90 a
    thin line where given, and the client's own figure a dot labelled with its value, on
    an axis from ``axis`` (lowest, highest; widened to every figure). ``rows``: (label,
    a :class:`~ism_advisor.render.context.model.NormPosition`); ``alt`` is the text
    alternative; ``digits``: "0" ticks at whole points (an answer scale), else round
    numbers. The band and the dot differ by more than colour: shape and an outline."""
    height = (0.42 * len(rows) + 1.25) * POINTS
    box = _box(height, [label for label, _ in rows], top=0.45 * POINTS)
    box["right"] = _pt(box["right"] - _VALUE_ROOM)
    figures = [
        v for _, p in rows for v in (p.value, p.p10, p.p25, p.median, p.p75, p.p90) if v is not None
    ]
    low, high = min([axis[0], *figures]), max([axis[1], *figures])
    if digits != "0":  # not an answer scale: a margin, so that no bar ends on the axis
        pad = 0.05 * max(high - low, 0.1)
        low, high = low - pad, high + pad
    x = _Scale(low, high, box["left"], box["right"])
    count = len(rows)
    margin = 0.6
    y = _Scale(-margin, max(0, count - 1) + margin, *_vertical(box))
    band = 0.42 * abs(y.scale)
    marks = []
    for index, (_, p) in enumerate(rows):
        centre = y(count - 1 - index)
        middle = p.p25 is not None and p.p75 is not None
        outer = p.p10 is not None and p.p90 is not None
        marks.append(
            {
                "y": _pt(centre),
                "band": (_pt(x(p.p25)), _pt(x(p.p75) - x(p.p25))) if middle else None,
                "band_top": _pt(centre - band / 2),
                "outer": (_pt(x(p.p10)), _pt(x(p.p90))) if outer else None,
                "median": _pt(x(p.median)) if p.median is not None else None,
                "dot": _pt(x(p.value)) if p.value is not None else None,
                "text": format_figure(p.value, "number", lang) if p.value is not None else "",
            }
        )
    legend = (t("your organisation"), t("median"), t("middle half (P25–P75)"))
    widths = [19.5 + _text_width(text) for text in legend]
    starts, at = [], box["left"]
    for width in widths:
        starts.append(Tick(_pt(at), ""))
        at += width + 18
    chart = {
        **box,
        "title": alt,
        "colours": {**_COLOURS, "band": PALETTE["heat-pos1"], "dot": NON_USERS},
        "marks": marks,
        "band_height": _pt(band),
        "legend": tuple(Tick(s.at, text) for s, text in zip(starts, legend, strict=True)),
        "zero": _pt(x(0.0)) if low < 0 < high else None,
        "xticks": _points(x, lang) if digits == "0" and high - low <= 10 else x.ticks(lang),
        "yticks": [Tick(_pt(y(count - 1 - i)), label) for i, (label, _) in enumerate(rows)],
        "xlabel": Tick(_pt((box["left"] + box["right"]) / 2), xlabel),
    }
    return _draw("norms_chart", chart, lang)


def forest_chart(
    rows: Sequence[tuple[str, float, float, float, str]],
    lang: str,
    alt: str,
    xlabel: str,
) -> Markup:
    """A forest plot: one row per ``(label, estimate, low, high, kind)``, top to bottom;
    kind "study" a square on its interval's whisker, "pooled" a filled diamond spanning
    its interval, "comparison" a hollow dashed diamond (shape and fill, not colour,
    tell them apart); a line at no change. ``alt`` is the text alternative."""
    height = (0.32 * len(rows) + 0.95) * POINTS
    box = _box(height, [row[0] for row in rows], top=0.15 * POINTS)
    values = [0.0, *(v for row in rows for v in row[1:4])]
    span = max(max(values) - min(values), 0.1)
    x = _Scale(min(values) - 0.05 * span, max(values) + 0.05 * span, box["left"], box["right"])
    count = len(rows)
    y = _Scale(-0.6, max(0, count - 1) + 0.6, *_vertical(box))
    half = _pt(0.3 * abs(y.scale))
    marks = []
    for index, (_, estimate, low, high, kind) in enumerate(rows):
        centre = _pt(y(count - 1 - index))
        at, left, right = _pt(x(estimate)), _pt(x(low)), _pt(x(high))
        points = (
            f"{left},{centre} {at},{_pt(centre - half)} {right},{centre} {at},{_pt(centre + half)}"
        )
        marks.append(
            {"kind": kind, "y": centre, "x": at, "low": left, "high": right, "points": points}
        )
    chart = {
        **box,
        "title": alt,
        "colours": {**_COLOURS, "mark": SIGNIFICANT},
        "marks": marks,
        "zero": _pt(x(0.0)),
        "xticks": x.ticks(lang),
        "yticks": [Tick(_pt(y(count - 1 - i)), row[0]) for i, row in enumerate(rows)],
        "xlabel": Tick(_pt((box["left"] + box["right"]) / 2), xlabel),
    }
    return _draw("forest_chart", chart, lang)


def trend_chart(
    points: Sequence[Any],
    waves: Sequence[str],
    t: Callable[..., str],
    lang: str,
    scale: tuple[float, float] = (1.0, 5.0),
) -> Markup:
    """Small multiples, one per factor: users' and non-users' mean per wave, with 95%
    intervals (a wave where the factor is hidden has no point), on an axis that covers
    the answer ``scale`` (and every interval); the legend in the order of the series."""
    import matplotlib
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    labels = list(dict.fromkeys(p.label for p in points))
    columns = min(3, len(labels))
    rows = -(-len(labels) // columns)
    with matplotlib.rc_context(_STYLE):
        figure = Figure(figsize=(7.0, 1.9 * rows + 0.6))
        axes_list = figure.subplots(rows, columns, squeeze=False, sharey=True)
        position = {w: i for i, w in enumerate(waves)}
        for index, label in enumerate(labels):
            axes = axes_list[index // columns][index % columns]
            mine = [p for p in points if p.label == label]
            for group, colour, shift in (("users", USERS, -0.06), ("non_users", NON_USERS, 0.06)):
                xs, ys, lows, highs = [], [], [], []
                for p in mine:
                    mean = getattr(p, f"{group}_mean")
                    if mean is None:
                        continue
                    ci = getattr(p, f"{group}_ci") or (mean, mean)
                    xs.append(position[p.wave] + shift)
                    ys.append(mean)
                    lows.append(mean - ci[0])
                    highs.append(ci[1] - mean)
                axes.errorbar(
                    xs,
                    ys,
                    yerr=[lows, highs],
                    color=colour,
                    marker="o",
                    markersize=4,
                    linewidth=1.5,
                    capsize=2,
                    label=t("users") if group == "users" else t("non-users"),
                )
            axes.set_title(label, fontsize=9)
            axes.set_xticks(range(len(waves)), list(waves), fontsize=7)
            axes.set_xlim(-0.4, len(waves) - 0.6)
            axes.yaxis.set_major_formatter(
                FuncFormatter(lambda v, _p: format_decimal(v, format="0.0", locale=lang))
            )
        ends = [
            v
            for p in points
            for ci in (p.users_ci, p.non_users_ci)
            if ci is not None
            for v in ci
            if v is not None
        ]
        axes_list[0][0].set_ylim(min([scale[0], *ends]) - 0.1, max([scale[1], *ends]) + 0.1)
        axes_list[0][0].set_yticks(range(math.ceil(scale[0]), math.floor(scale[1]) + 1))
        for index in range(len(labels), rows * columns):
            axes_list[index // columns][index % columns].set_visible(False)
        axes_list[0][0].legend(
            loc="lower left", frameon=False, ncols=2, bbox_to_anchor=(0.0, 1.15), fontsize=8
        )
        width, height = figure.get_size_inches()
        figure.subplots_adjust(
            left=0.6 / width,
            right=1 - 0.2 / width,
            bottom=0.4 / height,
            top=1 - 0.6 / height,
            hspace=0.65,
            wspace=0.15,
        )
        return _svg(figure, t("Mean score per survey wave: users and non-users"), "trend")


def adoption_chart(points: Sequence[Any], t: Callable[..., str], lang: str) -> Markup:
    """Adoption (users / respondents) per wave, as a line."""
    import matplotlib
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    with matplotlib.rc_context(_STYLE):
        figure = Figure(figsize=(4.0, 2.2))
        axes = figure.add_subplot()
        shares = [p.share for p in points]
        axes.plot(range(len(points)), shares, color=USERS, marker="o", linewidth=2)
        axes.set_xticks(range(len(points)), [p.wave for p in points], fontsize=8)
        axes.set_ylim(0, max(0.1, min(1.0, max(s or 0 for s in shares) * 1.25)))
        axes.set_xlim(-0.3, len(points) - 0.7)
        axes.yaxis.set_major_formatter(
            FuncFormatter(lambda v, _p: format_percent(v, format="#,##0%", locale=lang))
        )
        axes.set_ylabel(t("adoption"))
        width, height = figure.get_size_inches()
        figure.subplots_adjust(
            left=0.75 / width, right=1 - 0.2 / width, bottom=0.45 / height, top=1 - 0.2 / height
        )
        return _svg(figure, t("Adoption per survey wave"), "adoption")


#: The priority matrix's colours per quadrant: the lever to pull stands out.
#: Okabe and Ito's colours, as the other charts (each point also carries its label)
QUADRANT_COLOURS = {
    "act_first": "#d55e00",  # vermillion
    "keep": PALETTE["users"],
    "watch": PALETTE["non-users"],
    "low_priority": PALETTE["not-significant"],
}


def _priority_alt(shown: Sequence[Any], quadrant_labels: Mapping[str, str], t) -> str:
    """The matrix in one sentence: which factors fall in which quadrant (its text
    alternative; the figures follow in the driver table)."""
    parts = []
    for key, label in quadrant_labels.items():
        names = [r.label for r in shown if r.quadrant == key]
        if names:
            parts.append(f"{label[:1].upper()}{label[1:]}: {', '.join(names)}.")
    return " ".join([t("Priority matrix: importance for use against the gap") + ".", *parts])


def priority_chart(
    rows: Sequence[Any],
    threshold: float,
    quadrant_labels: Mapping[str, str],
    t: Callable[..., str],
    lang: str,
) -> Markup:
    """The priority matrix: importance for use (y, 0–100) against the gap (x).

    The lines are the matrix's cut points: an even share of importance (``threshold``)
    and no gap; each quadrant is named in its corner. A factor that does not contribute
    more than noise is an open dot (its quadrant is never an important one).
    """
    width, height = WIDTH, 4.6 * POINTS
    box = {
        "width": width,
        "height": _pt(height),
        "left": _pt(0.1 * width),
        "right": _pt(0.97 * width),
        "top": _pt(0.03 * height),
        "bottom": _pt(0.88 * height),
    }
    shown = [r for r in rows if r.importance is not None and r.gap is not None]
    top = max([r.importance for r in shown] + [threshold * 2]) * 1.15
    inset_x = 0.02 * (box["right"] - box["left"])
    # the quadrants' names need room on each side of the zero line; the rest of the range
    # fits the points with a margin (no half of the chart spent on an empty range)
    sides = {
        side: 2 * inset_x + max(_text_width(quadrant_labels[k], bold=True) for k in keys)
        for side, keys in (("left", ("keep", "low_priority")), ("right", ("act_first", "watch")))
    }
    x = _Scale(*_gap_range([r.gap for r in shown], sides, box), box["left"], box["right"])
    y = _Scale(0.0, top, box["bottom"], box["top"])
    spots = [_dot_box(x(r.gap), y(r.importance)) for r in shown]
    # each quadrant's name in its outer corner, or by the threshold line: the first of
    # these layouts that names the most factors (a name left out is in the driver table)
    corners, dots = min(
        (
            _priority_layout(shown, quadrant_labels, x, y, threshold, box, spots, inner)
            for inner in ((), ("low_priority",), ("watch",), ("keep",), ("act_first",))
        ),
        key=lambda layout: sum(1 for d in layout[1] if d["label_x"] is None),
    )
    yticks = y.ticks(lang, "0")
    ylabel_x = box["left"] - 11 - max((_text_width(tick.text) for tick in yticks), default=0)
    chart = {
        **box,
        "title": _priority_alt(shown, quadrant_labels, t),
        "colours": _COLOURS,
        "threshold": _pt(y(threshold)),
        "zero": _pt(x(0.0)),
        "dots": dots,
        "corners": corners,
        "xticks": x.ticks(lang),
        "yticks": yticks,
        "xlabel": Tick(
            _pt((box["left"] + box["right"]) / 2), t("gap (positive: non-users lag behind)")
        ),
        "ylabel": {
            "x": _pt(ylabel_x),
            "at": _pt((box["top"] + box["bottom"]) / 2),
            "text": t("importance for use (0–100)"),
        },
    }
    return _draw("priority_chart", chart, lang)


# -- laying a chart out ------------------------------------------------------------------

#: Points per inch, and the charts' width in points (7 inches, as the matplotlib figures).
POINTS = 72.0
WIDTH = 7.0 * POINTS
#: Room right of the means chart's axis for a bar's value label ("4,25" at 7.5 points)
_VALUE_ROOM = 24.0
_COLOURS = {
    "users": USERS,
    "non_users": NON_USERS,
    "edge": EDGE,
    "text": PALETTE["text"],
    "background": PALETTE["background"],
}


class _Scale:
    """Data values to points along one axis; ``low`` maps to ``start``, ``high`` to
    ``end`` (so a vertical axis runs from the bottom up with start > end)."""

    def __init__(self, low: float, high: float, start: float, end: float) -> None:
        self.low, self.high = low, high
        self.start = start
        self.scale = (end - start) / (high - low)

    def __call__(self, value: float) -> float:
        return self.start + (value - self.low) * self.scale

    def ticks(self, lang: str, digits: str = "0.0") -> list[Tick]:
        """Round-numbered ticks inside the axis, in the report's language: matplotlib's own
        tick locator (it computes numbers without drawing anything), given as many ticks
        as matplotlib's axes would (one per three label heights across, two up)."""
        from matplotlib.ticker import MaxNLocator

        length = abs((self.high - self.low) * self.scale)
        across = 27.0 if self.scale > 0 else 18.0  # a vertical axis runs upwards
        bins = max(1, min(9, int(length // across)))
        locator = MaxNLocator(nbins=bins, steps=[1, 2, 2.5, 5, 10])
        values = [v for v in locator.tick_values(self.low, self.high) if self._inside(v)]
        if digits == "0" and any(abs(v - round(v)) > 1e-9 for v in values):
            digits = "0.0"
        return [Tick(_pt(self(v)), _tick_text(round(v, 9), digits, lang)) for v in values]

    def _inside(self, value: float) -> bool:
        tolerance = 1e-9 * (self.high - self.low)
        return self.low - tolerance <= value <= self.high + tolerance


def _priority_layout(
    shown: Sequence[Any],
    quadrant_labels: Mapping[str, str],
    x: _Scale,
    y: _Scale,
    threshold: float,
    box: Mapping[str, float],
    spots: list[tuple[float, float, float, float]],
    inner: Sequence[str],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The quadrants' names and the dots with their labels. A name goes in its quadrant's
    outer corner, or by the threshold line when it is in ``inner`` or a dot is in the
    corner; a dot's label beside it where nothing else is (see :func:`_place_label`)."""
    inset_x, inset_y = 0.02 * (box["right"] - box["left"]), 0.03 * (box["bottom"] - box["top"])
    corners = []
    for key, at_right, at_top in (
        ("act_first", True, True),
        ("keep", False, True),
        ("watch", True, False),
        ("low_priority", False, False),
    ):
        anchor = "end" if at_right else "start"
        at = box["right"] - inset_x if at_right else box["left"] + inset_x
        outer = box["top"] + inset_y + 7 if at_top else box["bottom"] - inset_y - 2
        near = y(threshold) - 4 if at_top else y(threshold) + 11
        text = quadrant_labels[key]
        free = [
            b
            for b in ((near, outer) if key in inner else (outer, near))
            if not any(_overlap(_label_box(at, b, anchor, text, bold=True), s) for s in spots)
        ]
        baseline = free[0] if free else outer
        corners.append(
            {
                "x": _pt(at),
                "y": _pt(baseline),
                "anchor": anchor,
                "colour": QUADRANT_COLOURS[key],
                "text": text,
            }
        )
    taken = [_label_box(c["x"], c["y"], c["anchor"], c["text"], bold=True) for c in corners]
    taken += spots
    dots: list[dict[str, Any]] = []
    middle = (box["left"] + box["right"]) / 2
    for r in sorted(shown, key=lambda r: (-r.importance, r.label)):
        at_x, at_y = x(r.gap), y(r.importance)
        label = _place_label(at_x, at_y, r.short_label, at_x > middle, box, taken)
        if label is not None:
            taken.append(_label_box(*label, r.short_label))
        dots.append(
            {
                "x": _pt(at_x),
                "y": _pt(at_y),
                "colour": QUADRANT_COLOURS.get(r.quadrant or "", PALETTE["not-significant"]),
                # open: no more than noise, so not important wherever its importance lies
                "open": getattr(r, "beats_noise", None) is False,
                # a label that would overprint another is left out: the table names all
                "label_x": _pt(label[0]) if label else None,
                "label_y": _pt(label[1]) if label else None,
                "anchor": label[2] if label else None,
                "text": r.short_label,
            }
        )
    return corners, dots


def _gap_range(
    gaps: Sequence[float], sides: Mapping[str, float], box: Mapping[str, float]
) -> tuple[float, float]:
    """The priority matrix's gap axis: every point and the zero line with a margin of a
    tenth of their range, widened only as far as each side's quadrant names need (``sides``:
    points left and right of the zero line)."""
    low, high = min([0.0, *gaps]), max([0.0, *gaps])
    margin = max(0.1 * (high - low), 0.05)
    low, high = low - margin, high + margin
    width = box["right"] - box["left"]
    least, most = sides["left"] / width, 1 - sides["right"] / width
    zero = -low / (high - low)  # where the zero line falls, 0 (left) to 1 (right)
    if zero < least:
        low = -least * high / (1 - least)
    elif zero > most:
        high = -low * (1 - most) / most
    return low, high


def _label_box(
    x: float, baseline: float, anchor: str, text: str, size: float = 9.0, bold: bool = False
) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) of a text drawn at ``x`` on ``baseline``, in points: its
    width as :func:`_text_width` reckons, its height from the ascent to the descent."""
    width = _text_width(text, size, bold)
    left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
    return left, baseline - 0.76 * size, left + width, baseline + 0.24 * size


def _dot_box(x: float, y: float, radius: float = 3.5) -> tuple[float, float, float, float]:
    return x - radius, y - radius, x + radius, y + radius


def _overlap(a: Sequence[float], b: Sequence[float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _place_label(
    x: float,
    y: float,
    text: str,
    inwards_left: bool,
    box: Mapping[str, float],
    taken: list[tuple[float, float, float, float]],
) -> tuple[float, float, str] | None:
    """Where a dot's label goes: beside the dot, towards the chart's middle, else on its
    other side, else centred above or below it, else beside it a line or two higher or
    lower; None when every place would overprint another
    text or dot or leave the axes (the label is then left out)."""
    sides = (("end", -7.0), ("start", 7.0)) if inwards_left else (("start", 7.0), ("end", -7.0))
    places = [(anchor, dx, 3.2) for anchor, dx in sides]
    places += [("middle", 0.0, -7.0), ("middle", 0.0, 13.5)]  # centred above, below
    places += [(a, dx, 3.2 + s) for s in (-11.0, 11.0, -22.0, 22.0) for a, dx in sides]
    for anchor, dx, dy in places:
        baseline = y + dy
        candidate = _label_box(x + dx, baseline, anchor, text)
        inside = (
            candidate[0] >= box["left"] + 2
            and candidate[2] <= box["right"] - 2
            and candidate[1] >= box["top"]
            and candidate[3] <= box["bottom"]
        )
        if inside and not any(_overlap(candidate, other) for other in taken):
            return x + dx, baseline, anchor
    return None


def _points(x: _Scale, lang: str) -> list[Tick]:
    """A tick at every whole point of a scale (1, 2, 3, 4, 5): the answers' own values."""
    return [
        Tick(_pt(x(v)), _tick_text(float(v), "0", lang))
        for v in range(math.ceil(x.low), math.floor(x.high) + 1)
    ]


def _box(height: float, labels: Sequence[str], top: float) -> dict[str, float]:
    """The chart's size and its axes' edges in points: room on the left for the longest
    factor name, below for the ticks and the axis label, above for the legend."""
    label = (0.25 + 0.068 * max((len(text) for text in labels), default=10)) * POINTS
    return {
        "width": WIDTH,
        "height": _pt(height),
        "left": _pt(min(0.5 * WIDTH, label)),
        "right": _pt(WIDTH - 0.2 * POINTS),
        "top": _pt(top),
        "bottom": _pt(height - 0.6 * POINTS),
    }


def _vertical(box: Mapping[str, float]) -> tuple[float, float]:
    """The vertical axis runs from the axes' bottom (low values) to its top."""
    return box["bottom"], box["top"]


def _text_width(text: str, size: float = 9.0, bold: bool = False) -> float:
    """About how wide ``text`` is in DejaVu Sans, in points (for placing the legend and
    keeping labels apart): a little wider than its average letter, bold wider still."""
    return (0.68 if bold else 0.6) * size * len(text)


def _pt(value: float) -> float:
    """Two decimals of a point: exact enough to draw, and the same SVG on every run."""
    return round(value, 2)


def _draw(macro: str, chart: Mapping[str, Any], lang: str) -> Markup:
    """The chart drawn by its macro in ``templates/report-charts.html``."""
    module = _chart_templates().get_template("report-charts.html").module
    return Markup(str(getattr(module, macro)(chart)).strip())


@lru_cache(maxsize=1)
def _chart_templates() -> Any:
    """The packaged chart macros' environment: not the reports' sandbox, since these are
    our own templates drawing our own numbers (the sandbox's checks of every attribute
    were a third of a chart's time); autoescaped all the same, so a factor named
    ``<script>`` is text."""
    return Environment(
        loader=FileSystemLoader(str(packaged_path("templates"))),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@lru_cache(maxsize=1024)
def _tick_text(value: float, digits: str, lang: str) -> str:
    """A tick's number in the report's language (ticks are round numbers: few distinct)."""
    return format_decimal(0.0 if value == 0 else value, format=digits, locale=lang).replace(
        "-", MINUS
    )


def _svg(figure: Any, title: str, prefix: str) -> Markup:
    """The figure as an ``<svg role="img">`` whose ``<title>`` is ``title``, its ids
    prefixed: matplotlib numbers them per figure (``figure_1``, ``text_12``), and two
    charts in one page must not share an id."""
    from matplotlib.backends.backend_svg import FigureCanvasSVG

    buffer = io.StringIO()
    FigureCanvasSVG(figure).print_svg(buffer, metadata={"Date": None, "Title": title})
    text = buffer.getvalue()
    text = text[text.index("<svg") :]  # drop the XML declaration and doctype
    text = re.sub(r"<svg ", '<svg role="img" ', text, count=1)
    text = _ID_OR_REFERENCE.sub(lambda m: f"{m.group(1)}{prefix}-", text)
    return Markup(text)


# an id, or a reference to one: id="x", url(#x), xlink:href="#x"
_ID_OR_REFERENCE = re.compile(r'(\bid="|url\(#|href="#)(?=[^"()]+[")])')
