"""The report's charts: matplotlib figures rendered to inline SVG.

Figures are drawn without pyplot (no global state) with text kept as text, and with a
fixed hash salt and no date, so the same data gives byte-identical SVG.
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

from .vocabulary import EFFECT_SIZE_BANDS

__all__ = ["effects_chart", "means_chart", "priority_chart"]

USERS = "#1f6f8b"
NON_USERS = "#e07a1f"
SIGNIFICANT = "#1f6f8b"
NOT_SIGNIFICANT = "#8a8f98"
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

    from .formatting import MINUS

    axes.xaxis.set_major_formatter(
        FuncFormatter(
            lambda value, _pos: format_decimal(value, format=digits, locale=lang).replace(
                "-", MINUS
            )
        )
    )


def means_chart(comparisons: Sequence[Any], t: Callable[..., str], lang: str) -> Markup:
    """Horizontal bars: users' and non-users' mean per factor."""
    with matplotlib.rc_context(_STYLE):
        figure = Figure(figsize=(7.0, 0.45 * len(comparisons) + 1.1))
        axes = figure.add_subplot()
        labels = [c.label for c in comparisons][::-1]
        rows = range(len(labels))
        users = [c.users_mean for c in comparisons][::-1]
        non_users = [c.non_users_mean for c in comparisons][::-1]
        axes.barh([y + 0.2 for y in rows], users, height=0.38, color=USERS, label=t("users"))
        axes.barh(
            [y - 0.2 for y in rows], non_users, height=0.38, color=NON_USERS, label=t("non-users")
        )
        axes.set_yticks(list(rows), labels)
        axes.set_xlabel(t("mean score"))
        low = min([v for v in users + non_users if v is not None], default=1.0)
        axes.set_xlim(max(0.0, min(1.0, low - 0.5)), None)
        axes.legend(loc="lower right", frameon=False, ncols=2, bbox_to_anchor=(1.0, 1.0))
        _ticks(axes, lang)
        _margins(figure, labels, top=0.4)
        return _svg(figure, t("Mean score per factor: users and non-users"))


def effects_chart(comparisons: Sequence[Any], t: Callable[..., str], lang: str) -> Markup:
    """Hedges' g with its 95% interval per factor; filled dots are significant."""
    with matplotlib.rc_context(_STYLE):
        figure = Figure(figsize=(7.0, 0.42 * len(comparisons) + 1.1))
        axes = figure.add_subplot()
        shown = [c for c in comparisons if c.hedges_g is not None][::-1]
        for y, c in enumerate(shown):
            colour = SIGNIFICANT if c.significant else NOT_SIGNIFICANT
            if c.hedges_g_ci_low is not None and c.hedges_g_ci_high is not None:
                axes.plot(
                    [c.hedges_g_ci_low, c.hedges_g_ci_high], [y, y], color=colour, linewidth=2
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
        return _svg(figure, t("Effect size per factor, with confidence intervals"))


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
        return _svg(figure, t("Priority matrix: importance for use against the gap"))


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


def _svg(figure: Figure, title: str) -> Markup:
    buffer = io.StringIO()
    FigureCanvasSVG(figure).print_svg(buffer, metadata={"Date": None, "Title": title})
    text = buffer.getvalue()
    text = text[text.index("<svg") :]  # drop the XML declaration and doctype
    text = re.sub(r"<svg ", '<svg role="img" ', text, count=1)
    return Markup(text)
