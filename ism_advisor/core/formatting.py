"""Numbers and dates as a report shows them, in the report's language (Babel)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
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

    Every figure is rounded half away from zero, as statistics offices round, from the
    figure as the JSON publishes it (its shortest decimal): 0.125 shows as 0.13, a share
    of 0.405 as 41%, 2.675 as 2.68 (Python's own formatting rounds the binary value,
    ties to even: 0.12, 40%, 2.67).

    >>> [format_figure(v, "number", "en") for v in (0.125, -0.125, 2.675, 3.8494673)]
    ['0.13', '−0.13', '2.68', '3.85']
    >>> format_figure(0.405, "percent", "en"), format_figure(0.0125, "p", "en")
    ('41%', '= 0.013')
    """
    # Python's own digits with the locale's symbols: the same text as Babel's
    # format_decimal for these patterns but for the rounding of halves, at a fraction of
    # the cost (reports format hundreds of thousands of figures).
    decimal, group, minus = _symbols(lang)
    if format_ == "number":  # the common case first
        return _number(value, decimal, minus)
    if format_ == "decimal":
        return format_decimal(value, locale=lang, decimal_quantization=False).replace("-", minus)
    if format_ == "count":
        return _localise(f"{round(value):,d}", decimal, group, minus)
    if format_ == "percent":
        return _percent(_whole_percent(value), lang)
    if format_ == "p":
        if value < 0.001:
            return "< " + _localise("0.001", decimal, group, minus)
        return "= " + _localise(_fixed(value, 3), decimal, group, minus)
    if format_ in ("signed", "r"):
        text = _localise(_fixed(value, 2), decimal, group, minus)
        return (minus if value < 0 and text.strip("0,.") else "+") + text
    return _number(value, decimal, minus)


def _number(value: float, decimal: str, minus: str) -> str:
    """Two decimals, no grouping; a sign only on a figure that does not round to zero."""
    text = _fixed(value, 2)
    if decimal != ".":
        text = text.replace(".", decimal)
    return minus + text if value < 0 and text.strip("0,.") else text


#: per number of decimals, the factor that makes a half at that many decimals whole
_TIE_SCALE = {2: 1000.0, 3: 10000.0}


def _fixed(value: float, places: int) -> str:
    """``abs(value)`` with ``places`` decimals, rounded half away from zero from its
    shortest decimal (``repr``, what the JSON writes).

    Python's ``f"{x:.2f}"`` rounds the binary value exactly; that differs from rounding
    the shortest decimal only where that decimal is a half at ``places`` (one more
    decimal, a 5: 0.125, 2.675), so only those go through :mod:`decimal`.
    """
    magnitude = abs(value)
    scaled = magnitude * _TIE_SCALE[places]
    try:  # a half at `places` is a whole number of units one decimal further
        near = abs(scaled - round(scaled)) <= 1e-6 * (scaled + 1.0)
    except (ValueError, OverflowError):  # NaN, infinity
        near = False
    if not near:  # the common case, without repr
        return f"{magnitude:.{places}f}"
    magnitude = float(magnitude)  # a numpy scalar's repr names its type
    shortest = repr(magnitude)
    point = shortest.find(".")
    if point < 0 or "e" in shortest or len(shortest) - point - 2 != places or shortest[-1] != "5":
        return f"{magnitude:.{places}f}"
    return str(Decimal(shortest).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def _whole_percent(value: float) -> int:
    """``value`` (a share) as a whole percentage, rounded half away from zero from its
    shortest decimal: 0.405 → 41 (``round(0.405 * 100)`` gives 40)."""
    if value != value or value in (float("inf"), float("-inf")):
        return round(value * 100)  # raises as before
    whole = Decimal(repr(abs(float(value)))).scaleb(2).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return int(whole) if value >= 0 else -int(whole)


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
