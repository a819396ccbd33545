"""The driver figures' rounding over whole arrays gives, bit for bit, what rounding each
figure through its decimal text (``significant``) gives."""

from __future__ import annotations

import numpy as np
import pytest

from ism_advisor.protect.published_drivers import MODEL_DIGITS, significant, significant_array


def through_text(values: np.ndarray) -> np.ndarray:
    """Each value rounded as the driver stage rounded it before: its decimal text."""
    return np.array([format(v, f".{MODEL_DIGITS}g") for v in values.tolist()], dtype=float)


def same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    return a.dtype == b.dtype == np.float64 and np.array_equal(a.view(np.int64), b.view(np.int64))


EDGES = [
    0.0,
    -0.0,
    np.nan,
    np.inf,
    -np.inf,
    0.00095,
    9.995,
    -9.995,
    99.95,
    999.5,
    999.4999999999,
    0.125,
    2.675,
    123.5,
    124.5,
    0.0005,
    1e-20,
    1e20,
    1e21,
    1e-21,
    1e-300,
    5e-324,
    1.7976931348623157e308,
    -1.7976931348623157e308,
]


def million(rng: np.random.Generator) -> list[np.ndarray]:
    n = 1_000_000
    # decimals of four digits: a half at three significant digits, from both sides
    mantissa = rng.integers(1000, 10_000, n).astype(float)
    exponent = rng.integers(-12, 12, n)
    decimal = np.array(
        [
            float(f"{int(m)}e{int(e)}")
            for m, e in zip(mantissa.tolist(), exponent.tolist(), strict=True)
        ]
    )
    return [
        rng.standard_normal(n),  # figures near 0: weights, correlations
        rng.uniform(-1, 1, n) * 10.0 ** rng.integers(-25, 26, n),  # every magnitude
        decimal * rng.choice([-1.0, 1.0], n),
        np.nextafter(decimal, np.inf),
        np.nextafter(decimal, -np.inf),
    ]


def test_edge_cases_round_as_their_text():
    values = np.array(EDGES)
    assert same_bits(significant_array(values), through_text(values))
    assert same_bits(significant_array(values), np.array([significant(v) for v in values.tolist()]))


@pytest.mark.parametrize("seed", [1, 29])
def test_a_million_values_round_as_their_text(seed):
    for values in million(np.random.default_rng(seed)):
        assert same_bits(significant_array(values), through_text(values))


def test_an_empty_column_and_a_copy():
    assert significant_array(np.array([], dtype=float)).shape == (0,)
    values = np.array([0.123456, -2.5e-7])
    out = significant_array(values)
    assert out.tolist() == [0.123, -2.5e-7] and values.tolist() == [0.123456, -2.5e-7]
