"""The report's charts: matplotlib figures rendered to inline SVG.

Figures are drawn without pyplot (no global state) with text kept as text, and with a
fixed hash salt and no date, so the same data gives byte-identical SVG.

What makes them readable for everyone lives outside this module, so that another way of
drawing keeps it (see :class:`ism_advisor.report.ChartData` for the whole contract): the
colours come from :data:`ism_advisor.colours.PALETTE` by role; the text alternative, one
sentence generated from the figures in the report's language, is passed in as ``alt`` and
becomes the SVG's ``<title>`` (its accessible name, and the PDF's ``/Alt``); the figures
behind each chart are a table in the report. Here: users and non-users differ by more
than colour (lightness, hatching on the non-users' bars, a value label on every bar), and
significant effects by a filled dot and a solid interval line.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import matplotlib
from markupsafe import Markup
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from .colours import PALETTE
from .formatting import MINUS, format_figure
from .vocabulary import EFFECT_SIZE_BANDS

__all__ = ["adoption_chart", "effects_chart", "means_chart", "priority_chart", "trend_chart"]

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


def _ticks(axes: Any, lang: str, digits: str = "0.0") -> None:
    """Tick labels with the report language's decimal sign and the report's minus sign."""
    from babel.numbers import format_decimal

    axes.xaxis.set_major_formatter(
        FuncFormatter(
            lambda value, _pos: format_decimal(value, format=digits, locale=lang).replace(
                "-", MINUS
            )
        )
    )


def means_chart(
    comparisons: Sequence[Any], t: Callable[..., str], lang: str, alt: str | None = None
) -> Markup:
    """Horizontal bars: users' and non-users' mean per factor, each bar labelled with its
    value; the non-users' bars hatched. ``alt`` is the text alternative."""
    with matplotlib.rc_context(_STYLE):
        figure = Figure(figsize=(7.0, 0.45 * len(comparisons) + 1.1))
        axes = figure.add_subplot()
        labels = [c.label for c in comparisons][::-1]
        rows = range(len(labels))
        users = [c.users_mean for c in comparisons][::-1]
        non_users = [c.non_users_mean for c in comparisons][::-1]
        outline = {"edgecolor": EDGE, "linewidth": 0.6}
        bars = [
            axes.barh(
                [y + 0.2 for y in rows],
                users,
                height=0.38,
                color=USERS,
                label=t("users"),
                **outline,
            ),
            axes.barh(
                [y - 0.2 for y in rows],
                non_users,
                height=0.38,
                color=NON_USERS,
                hatch="////",
                label=t("non-users"),
                **outline,
            ),
        ]
        for container, values in zip(bars, (users, non_users), strict=True):
            axes.bar_label(
                container,
                labels=["" if v is None else format_figure(v, "number", lang) for v in values],
                padding=2,
                fontsize=7.5,
            )
        axes.set_yticks(list(rows), labels)
        axes.set_xlabel(t("mean score"))
        present = [v for v in users + non_users if v is not None]
        low = min(present, default=1.0)
        axes.set_xlim(max(0.0, min(1.0, low - 0.5)), max(present, default=5.0) + 0.35)
        axes.legend(loc="lower right", frameon=False, ncols=2, bbox_to_anchor=(1.0, 1.0))
        _ticks(axes, lang)
        _margins(figure, labels, top=0.4)
        return _svg(figure, alt or t("Mean score per factor: users and non-users"), "means")


def effects_chart(
    comparisons: Sequence[Any], t: Callable[..., str], lang: str, alt: str | None = None
) -> Markup:
    """Hedges' g with its 95% interval per factor, each dot labelled with its value;
    significant ones filled on a solid line, the others hollow on a dashed line. ``alt``
    is the text alternative."""
    with matplotlib.rc_context(_STYLE):
        figure = Figure(figsize=(7.0, 0.42 * len(comparisons) + 1.1))
        axes = figure.add_subplot()
        shown = [c for c in comparisons if c.hedges_g is not None][::-1]
        for y, c in enumerate(shown):
            colour = SIGNIFICANT if c.significant else NOT_SIGNIFICANT
            if c.hedges_g_ci_low is not None and c.hedges_g_ci_high is not None:
                axes.plot(
                    [c.hedges_g_ci_low, c.hedges_g_ci_high],
                    [y, y],
                    color=colour,
                    linewidth=2,
                    linestyle="-" if c.significant else (0, (3, 2)),
                )
            axes.annotate(
                format_figure(c.hedges_g, "number", lang),
                (c.hedges_g, y),
                xytext=(0, 6),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=7.5,
            )
            axes.plot(
                [c.hedges_g],
                [y],
                marker="o",
                markersize=7,
                markerfacecolor=colour if c.significant else "white",
                markeredgecolor=colour,
                linestyle="none",
            )
        axes.axvline(0, color="#333333", linewidth=0.8)
        small = EFFECT_SIZE_BANDS[1].lowest  # where a gap stops being negligible
        for edge in (-small, small):
            axes.axvline(edge, color="#bbbbbb", linewidth=0.6, linestyle="--")
        axes.set_yticks(range(len(shown)), [c.label for c in shown])
        axes.set_xlabel(t("Hedges' g (positive: non-users lag behind); filled: significant"))
        _ticks(axes, lang)
        _margins(figure, [c.label for c in shown], top=0.15)
        return _svg(
            figure, alt or t("Effect size per factor, with confidence intervals"), "effects"
        )


def trend_chart(
    points: Sequence[Any], waves: Sequence[str], t: Callable[..., str], lang: str
) -> Markup:
    """Small multiples, one per factor: users' and non-users' mean per wave, with 95%
    intervals (a wave where the factor is hidden has no point)."""
    from babel.numbers import format_decimal

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
    from babel.numbers import format_percent

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
QUADRANT_COLOURS = {
    "act_first": "#c0392b",
    "keep": "#1f6f8b",
    "watch": "#e07a1f",
    "low_priority": "#8a8f98",
}


def priority_chart(
    rows: Sequence[Any],
    threshold: float,
    quadrant_labels: Mapping[str, str],
    t: Callable[..., str],
    lang: str,
) -> Markup:
    """The priority matrix: importance for use (y, 0–100) against the gap (x).

    The lines are the matrix's cut points: an even share of importance (``threshold``)
    and no gap; each quadrant is named in its corner.
    """
    with matplotlib.rc_context(_STYLE):
        figure = Figure(figsize=(7.0, 4.6))
        axes = figure.add_subplot()
        shown = [r for r in rows if r.importance is not None and r.gap is not None]
        gaps = [r.gap for r in shown]
        span = max([abs(g) for g in gaps] + [0.2]) * 1.25
        top = max([r.importance for r in shown] + [threshold * 2]) * 1.15
        axes.set_xlim(-span, span)
        axes.set_ylim(0, top)
        axes.axhline(threshold, color="#bbbbbb", linewidth=0.8, linestyle="--")
        axes.axvline(0, color="#333333", linewidth=0.8)
        placed: list[tuple[float, float, int]] = []  # (gap, importance, offset) per label
        for r in sorted(shown, key=lambda r: -r.importance):
            colour = QUADRANT_COLOURS.get(r.quadrant or "", "#8a8f98")
            axes.plot([r.gap], [r.importance], marker="o", markersize=7, color=colour)
            # labels point inwards (right of the centre: to the left), and step down when
            # they would overprint the one above
            offset = 3
            for gap, importance, used in placed:
                if abs(gap - r.gap) < span * 0.3 and abs(importance - r.importance) < top * 0.04:
                    offset = min(offset, used - 11)
            placed.append((r.gap, r.importance, offset))
            right = r.gap > 0
            axes.annotate(
                r.label,
                (r.gap, r.importance),
                xytext=(-7 if right else 7, offset),
                textcoords="offset points",
                ha="right" if right else "left",
                va="center",
            )
        corners = {
            "act_first": (0.98, 0.97, "right", "top"),
            "keep": (0.02, 0.97, "left", "top"),
            "watch": (0.98, 0.03, "right", "bottom"),
            "low_priority": (0.02, 0.03, "left", "bottom"),
        }
        for key, (x, y, ha, va) in corners.items():
            axes.text(
                x,
                y,
                quadrant_labels[key],
                transform=axes.transAxes,
                ha=ha,
                va=va,
                color=QUADRANT_COLOURS[key],
                fontweight="bold",
            )
        axes.set_xlabel(t("gap (positive: non-users lag behind)"))
        axes.set_ylabel(t("importance for use (0–100)"))
        _ticks(axes, lang, "0.0")
        figure.subplots_adjust(left=0.1, right=0.97, bottom=0.12, top=0.97)
        return _svg(figure, t("Priority matrix: importance for use against the gap"), "priority")


def _margins(figure: Figure, labels: Sequence[str], top: float) -> None:
    """Room for the factor labels, the axis label and the legend, in inches.

    Fixed arithmetic instead of ``tight_layout``, which draws the figure twice more (a
    third of a per-segment report's time).
    """
    width, height = figure.get_size_inches()
    label = 0.25 + 0.068 * max((len(text) for text in labels), default=10)
    figure.subplots_adjust(
        left=min(0.5, label / width),
        right=1 - 0.2 / width,
        bottom=0.6 / height,
        top=1 - top / height,
    )


def _svg(figure: Figure, title: str, prefix: str) -> Markup:
    """The figure as an ``<svg role="img">`` whose ``<title>`` is ``title``, its ids
    prefixed: matplotlib numbers them per figure (``figure_1``, ``text_12``), and two
    charts in one page must not share an id."""
    buffer = io.StringIO()
    FigureCanvasSVG(figure).print_svg(buffer, metadata={"Date": None, "Title": title})
    text = buffer.getvalue()
    text = text[text.index("<svg") :]  # drop the XML declaration and doctype
    text = re.sub(r"<svg ", '<svg role="img" ', text, count=1)
    text = _ID_OR_REFERENCE.sub(lambda m: f"{m.group(1)}{prefix}-", text)
    return Markup(text)


# an id, or a reference to one: id="x", url(#x), xlink:href="#x"
_ID_OR_REFERENCE = re.compile(r'(\bid="|url\(#|href="#)(?=[^"()]+[")])')
