"""Figures formatted with Babel's locale symbols agree with Babel's own formatting."""

from __future__ import annotations

import random

import pytest
from babel.numbers import format_decimal, format_percent

from ism_advisor.formatting import format_figure, format_report_date


def babel_decimal(value: float, pattern: str, lang: str) -> str:
    """Babel's text with our one deviation: the true minus sign (U+2212), and none on a
    figure that rounds to zero."""
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
        if abs(rate * 100 - round(rate * 100)) > 1e-6:  # exact halves may round apart
            assert format_figure(rate, "percent", lang) == format_percent(rate, "0%", locale=lang)


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
        (0.405, "percent", "40%", "40%"),
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
