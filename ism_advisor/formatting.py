"""Numbers and dates as a report shows them, in the report's language (Babel)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from functools import cache

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent, get_decimal_symbol, get_group_symbol

__all__ = ["MINUS", "format_figure", "format_report_date", "join_sources"]

#: The minus sign of every negative figure, in both languages. CLDR gives English and
#: Dutch the hyphen-minus (-), which is shorter than a plus and breaks at line ends;
#: typesetting and statistics offices use the true minus sign (U+2212), as the charts
#: (matplotlib) and the correlations already did. One sign everywhere: "95% CI −0.12".
MINUS = "\u2212"


@cache
def _symbols(lang: str) -> tuple[str, str, str]:
    """The locale's decimal sign and group separator (Babel's CLDR data), and our minus."""
    return get_decimal_symbol(lang), get_group_symbol(lang), MINUS


@cache
def _percent(whole: int, lang: str) -> str:
    """A whole percentage as Babel writes it (cached: rates repeat)."""
    return format_percent(whole / 100, format="0%", locale=lang)


def format_figure(value: float, format_: str, lang: str) -> str:
    """A figure as text in ``lang``.

    ``format_``: "number" (2 decimals), "count" (whole, grouped), "percent" (no decimals),
    "p" (a p-value with its relation: ``= 0.012`` or ``< 0.001``), "signed" (2 decimals
    with a sign), "r" (a correlation, 2 decimals with a sign), "decimal" (every decimal
    it has, for settings such as alpha = 0.05 or 0.005).
    """
    # Python's own rounding and digits with the locale's symbols: the same text as
    # Babel's format_decimal for these patterns, at a fraction of the cost (reports
    # format hundreds of thousands of figures).
    decimal, group, minus = _symbols(lang)
    if format_ == "number":  # the common case first
        return _number(value, decimal, minus)
    if format_ == "decimal":
        return format_decimal(value, locale=lang, decimal_quantization=False).replace("-", minus)
    if format_ == "count":
        return _localise(f"{round(value):,d}", decimal, group, minus)
    if format_ == "percent":
        return _percent(round(value * 100), lang)
    if format_ == "p":
        if value < 0.001:
            return "< " + _localise("0.001", decimal, group, minus)
        return "= " + _localise(f"{value:.3f}", decimal, group, minus)
    if format_ in ("signed", "r"):
        text = _localise(f"{abs(value):.2f}", decimal, group, minus)
        return (minus if value < 0 and text.strip("0,.") else "+") + text
    return _number(value, decimal, minus)


def _number(value: float, decimal: str, minus: str) -> str:
    """Two decimals, no grouping; a sign only on a figure that does not round to zero."""
    text = f"{abs(value):.2f}"
    if decimal != ".":
        text = text.replace(".", decimal)
    return minus + text if value < 0 and text.strip("0,.") else text


def _localise(text: str, decimal: str, group: str, minus: str) -> str:
    return text.replace(",", "\0").replace(".", decimal).replace("\0", group).replace("-", minus)


def format_report_date(value: str | None, lang: str) -> str | None:
    """An ISO date (2026-11-27) in the report's language; any other text as given."""
    if not value:
        return None
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        return value
    return format_date(day, format="long", locale=lang)


def join_sources(sources: Sequence[str]) -> str:
    """The sources an action rests on, as one run of text: separated by semicolons and
    ended with one full stop. A reference ends in a full stop of its own ("… (ECIS 2013),
    Utrecht."); that stop is dropped before a semicolon, so no ".;" appears. (A reference
    should therefore not end in an abbreviation: a publisher is "Yammer", as APA style
    writes it, not "Yammer, Inc.")

    >>> join_sources(["Herzog (2016). Use cases.", "Leonardi (2017). Social tools."])
    'Herzog (2016). Use cases; Leonardi (2017). Social tools.'
    """
    parts = [source.strip().removesuffix(".").rstrip() for source in sources]
    parts = [part for part in parts if part]
    return "; ".join(parts) + "." if parts else ""
