"""Numbers and dates as a report shows them, in the report's language (Babel)."""

from __future__ import annotations

import datetime
from functools import cache

from babel.dates import format_date
from babel.numbers import (
    format_percent,
    get_decimal_symbol,
    get_group_symbol,
    get_minus_sign_symbol,
)

__all__ = ["format_figure", "format_report_date"]


@cache
def _symbols(lang: str) -> tuple[str, str, str]:
    """The locale's decimal sign, group separator and minus sign (Babel's CLDR data)."""
    return (
        get_decimal_symbol(lang),
        get_group_symbol(lang),
        get_minus_sign_symbol(lang),
    )


@cache
def _percent(whole: int, lang: str) -> str:
    """A whole percentage as Babel writes it (cached: rates repeat)."""
    return format_percent(whole / 100, format="0%", locale=lang)


def format_figure(value: float, format_: str, lang: str) -> str:
    """A figure as text in ``lang``.

    ``format_``: "number" (2 decimals), "count" (whole, grouped), "percent" (no decimals),
    "p" (a p-value with its relation: ``= 0.012`` or ``< 0.001``), "signed" (2 decimals
    with a sign), "r" (a correlation, 2 decimals with a sign).
    """
    # Python's own rounding and digits with the locale's symbols: the same text as
    # Babel's format_decimal for these patterns, at a fraction of the cost (reports
    # format hundreds of thousands of figures).
    decimal, group, minus = _symbols(lang)
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
        return ("−" if value < 0 and text.strip("0,.") else "+") + text
    return _localise(f"{value:.2f}", decimal, group, minus)


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
