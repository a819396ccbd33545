"""Figures formatted with Babel's locale symbols agree with Babel's own formatting."""

from __future__ import annotations

import decimal
import json
import random

import pytest
from babel.numbers import format_decimal, format_percent

from ism_advisor.core.formatting import format_figure, format_report_date


def babel_decimal(value: float, pattern: str, lang: str) -> str:
    """Babel's text with our deviations: halves rounded away from zero (Babel rounds them
    to even), the true minus sign (U+2212), and none on a figure that rounds to zero."""
    with decimal.localcontext() as context:
        context.rounding = decimal.ROUND_HALF_UP
        text = format_decimal(value, pattern, locale=lang)
    return text.removeprefix("-") if not text.strip("-0.,") else text.replace("-", "−")


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_figures_match_babel(lang):
    rng = random.Random(7)
    for _ in range(5_000):
        value = rng.uniform(-1000, 1000) * rng.choice([1, 0.01, 1e-4])
        assert format_figure(value, "number", lang) == babel_decimal(value, "0.00", lang)
        count = rng.randint(0, 10**7)
        assert format_figure(count, "count", lang) == format_decimal(count, "#,##0", locale=lang)
        rate = rng.random()
        if abs(rate * 100 - round(rate * 100)) > 1e-6:  # exact halves: see below
            assert format_figure(rate, "percent", lang) == format_percent(rate, "0%", locale=lang)


def half_away(value: float, places: int) -> str:
    """The figure as the JSON writes it, rounded half away from zero (decimal)."""
    exact = decimal.Decimal(json.dumps(value))
    return str(exact.quantize(decimal.Decimal(1).scaleb(-places), decimal.ROUND_HALF_UP))


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_halves_round_away_from_zero_from_the_published_figure(lang):
    rng = random.Random(11)
    comma = "," if lang == "nl" else "."
    # halves at two decimals: k/1000 with k odd multiple of 5, and the eighths
    values = [rng.randrange(-99999, 99999, 2) * 5 / 1000 for _ in range(2_000)]
    values += [k / 8 for k in range(-80, 81)] + [2.675, 1.005, 0.285, 3.8494673]
    for value in values:
        expected = half_away(value, 2)
        zero = not expected.strip("-0.")
        sign = "" if zero else ("−" if value < 0 else "")
        assert format_figure(value, "number", lang) == sign + expected.lstrip("-").replace(
            ".", comma
        ), value
        plus = "+" if zero or value >= 0 else "−"
        assert format_figure(value, "signed", lang) == plus + expected.lstrip("-").replace(
            ".", comma
        ), value
    for count in range(0, 1001):  # shares k/1000: every half percent among them
        share = count / 1000
        exact = decimal.Decimal(json.dumps(share)).scaleb(2)
        whole = int(exact.quantize(decimal.Decimal(1), decimal.ROUND_HALF_UP))
        assert format_figure(share, "percent", "en") == f"{whole}%", share
    for p in (0.0125, 0.0015, 0.0445, 0.0455, 0.5005):
        assert format_figure(p, "p", lang) == "= " + half_away(p, 3).replace(".", comma), p


@pytest.mark.parametrize(
    ("value", "fmt", "en", "nl"),
    [
        (0.0004, "p", "< 0.001", "< 0,001"),
        (0.0123, "p", "= 0.012", "= 0,012"),
        (-0.47, "r", "−0.47", "−0,47"),
        (-0.1234, "number", "−0.12", "−0,12"),
        (-1234.5, "number", "−1234.50", "−1234,50"),
        (-0.004, "number", "0.00", "0,00"),
        (0.2, "signed", "+0.20", "+0,20"),
        (0.405, "percent", "41%", "41%"),  # 243 of 600 users: 40.5% rounds up
        (0.125, "number", "0.13", "0,13"),
        (-0.125, "signed", "−0.13", "−0,13"),
        (0.0125, "p", "= 0.013", "= 0,013"),
        (0.038494673, "number", "0.04", "0,04"),
        (1234567, "count", "1,234,567", "1.234.567"),
        (0.05, "decimal", "0.05", "0,05"),
        (0.005, "decimal", "0.005", "0,005"),
        (0.00001, "decimal", "0.00001", "0,00001"),
    ],
)
def test_figure_formats(value, fmt, en, nl):
    assert (format_figure(value, fmt, "en"), format_figure(value, fmt, "nl")) == (en, nl)


def test_report_dates():
    assert format_report_date("2026-11-27", "en") == "November 27, 2026"
    assert format_report_date("2026-11-27", "nl") == "27 november 2026"
    assert format_report_date("Q4 2026", "nl") == "Q4 2026"
    assert format_report_date(None, "en") is None
