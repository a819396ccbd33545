"""Numbers and dates as a report shows them, in the report's language (Babel)."""

from __future__ import annotations

import datetime

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

__all__ = ["format_figure", "format_report_date"]


def format_figure(value: float, format_: str, lang: str) -> str:
    """A figure as text in ``lang``.

    ``format_``: "number" (2 decimals), "count" (whole, grouped), "percent" (no decimals),
    "p" (a p-value with its relation: ``= 0.012`` or ``< 0.001``), "signed" (2 decimals
    with a sign), "r" (a correlation, 2 decimals with a sign).
    """
    if format_ == "count":
        return format_decimal(round(value), format="#,##0", locale=lang)
    if format_ == "percent":
        return format_percent(value, format="0%", locale=lang)
    if format_ == "p":
        if value < 0.001:
            return "< " + format_decimal(0.001, format="0.000", locale=lang)
        return "= " + format_decimal(value, format="0.000", locale=lang)
    if format_ in ("signed", "r"):
        text = format_decimal(abs(value), format="0.00", locale=lang)
        return ("−" if value < 0 and text.strip("0,.") else "+") + text
    return format_decimal(value, format="0.00", locale=lang)


def format_report_date(value: str | None, lang: str) -> str | None:
    """An ISO date (2026-11-27) in the report's language; any other text as given."""
    if not value:
        return None
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        return value
    return format_date(day, format="long", locale=lang)
