"""The norms' statistics (stats/norms.py) against scipy and numpy, and their thresholds."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
from scipy.stats import percentileofscore

from ism_advisor.stats.norms import (
    MEASURES,
    OrgFigures,
    compute_norms,
    percentile_rank,
)


class _Factor:
    def __init__(self, id: str, direction: str = "higher_is_better") -> None:
        self.id, self.direction = id, direction


FACTORS = (_Factor("performance_expectancy"), _Factor("privacy_concern", "higher_is_worse"))
WINDOW = {
    "window_months": 36,
    "since": "2023-12-07",
    "until": "2026-12-07",
    "codebook_version": "6f78349a03fbe58e",
}


def _org(key: str, adoption: float | None, **factors: dict) -> OrgFigures:
    return OrgFigures(key, adoption, factors)


def _random_orgs(rng: random.Random, count: int) -> list[OrgFigures]:
    out = []
    for i in range(count):
        factors = {
            f.id: {m: rng.uniform(-1, 5) if m == "gap" else rng.uniform(1, 5) for m in MEASURES}
            for f in FACTORS
        }
        out.append(OrgFigures(f"org{i}", rng.uniform(0, 1), factors))
    return out


def _half_up(x: float) -> int:
    return math.floor(x + 0.5)


@pytest.mark.parametrize("seed", range(40))
def test_random_organisations_match_scipy_and_numpy(seed: int) -> None:
    rng = random.Random(seed)
    count = rng.choice([5, 7, 9, 10, 13, 19, 20, 21, 37, 60])
    others = _random_orgs(rng, count)
    client = _random_orgs(rng, 1)[0]
    # ties with the client's own figure now and then
    if seed % 3 == 0:
        client = OrgFigures("me", others[0].adoption, others[1].factors)
    norms = compute_norms(client, others, FACTORS, **WINDOW)
    assert norms["shown"] is True and norms["reason"] is None
    assert norms["organisations"] == count
    # each organisation's figure enters rounded (adoption: 2 decimals, the factors' 1), the
    # quantiles are published to 3 (adoption) and 2 decimals
    cases = [
        ("adoption", norms["adoption"], client.adoption, [round(o.adoption, 2) for o in others], 3)
    ]
    for row, factor in zip(norms["factors"], FACTORS, strict=True):
        assert row["factor"] == factor.id and row["direction"] == factor.direction
        for m in MEASURES:
            values = [round(o.factors[factor.id][m], 1) for o in others]
            cases.append((m, row[m], client.factors[factor.id][m], values, 2))
    for _, figures, own, values, decimals in cases:
        assert figures["value"] == own
        assert figures["n"] == count
        expected = _half_up(percentileofscore(values, own, kind="mean"))
        assert figures["percentile"] == expected
        for key, p, needed in (
            ("p10", 0.1, 20),
            ("p25", 0.25, 10),
            ("median", 0.5, 10),
            ("p75", 0.75, 10),
            ("p90", 0.9, 20),
        ):
            if count >= needed:
                want = round(float(np.quantile(values, p, method="linear")), decimals)
                assert figures[key] == pytest.approx(want, abs=1e-12)
            else:
                assert figures[key] is None


@pytest.mark.parametrize(
    ("values", "own"),
    [
        ([1, 2, 3, 4, 5], 3),
        ([3, 3, 3, 3, 3], 3),
        ([1, 1, 2, 2, 2, 3], 2),
        ([1, 2, 3, 4, 5], 0.5),
        ([1, 2, 3, 4, 5], 9),
        ([2.5, 2.5, 1, 4, 4, 4, 4], 4),
        ([1, 2, 3, 4, 5, 6, 7, 8], 4.5),
    ],
)
def test_percentile_rank_is_scipys_mean_kind(values: list[float], own: float) -> None:
    assert percentile_rank(values, own) == _half_up(percentileofscore(values, own, kind="mean"))


def test_percentile_rank_of_ties_counts_half() -> None:
    # 2 below, 3 equal of 5: (2 + 1.5) / 5 = 70 %
    assert percentile_rank([1, 2, 3, 3, 3], 3) == 70
    assert percentile_rank([3, 3, 3, 3, 3], 3) == 50
    assert percentile_rank([1, 2, 3, 4, 5, 6, 7, 8], 0) == 0
    assert percentile_rank([1, 2, 3, 4, 5, 6, 7, 8], 9) == 100


@pytest.mark.parametrize(
    ("count", "shown", "percentile", "quartiles", "deciles"),
    [
        (0, False, False, False, False),
        (4, False, False, False, False),
        (5, True, True, False, False),
        (9, True, True, False, False),
        (10, True, True, True, False),
        (19, True, True, True, False),
        (20, True, True, True, True),
    ],
)
def test_thresholds(count, shown, percentile, quartiles, deciles) -> None:
    others = _random_orgs(random.Random(count), count)
    client = _random_orgs(random.Random(99), 1)[0]
    norms = compute_norms(client, others, FACTORS, **WINDOW)
    assert norms["shown"] is shown
    assert norms["reason"] == (None if shown else "too_few_organisations")
    assert norms["organisations"] == count
    assert [r["factor"] for r in norms["factors"]] == [f.id for f in FACTORS]
    for figures in [norms["adoption"], *(r[m] for r in norms["factors"] for m in MEASURES)]:
        assert set(figures) == {"value", "n", "percentile", "p10", "p25", "median", "p75", "p90"}
        if not shown:
            assert set(figures.values()) == {None}
            continue
        assert figures["n"] == count
        assert (figures["percentile"] is not None) is percentile
        assert (figures["median"] is not None) is quartiles
        assert (figures["p25"] is not None) is quartiles and (
            figures["p75"] is not None
        ) is quartiles
        assert (figures["p10"] is not None) is deciles and (figures["p90"] is not None) is deciles


def test_missing_figures_count_per_measure() -> None:
    """n counts the organisations with the figure; thresholds apply to that n."""
    others = []
    for i in range(12):
        gap = None if i < 3 else float(i)  # 9 with a gap: percentile, no quartiles
        users = None if i < 8 else 3.0  # 4 with the users' mean: nothing
        others.append(
            _org(
                f"o{i}",
                None if i == 0 else i / 20,
                performance_expectancy={
                    "non_users_mean": 2 + i / 10,
                    "users_mean": users,
                    "gap": gap,
                },
            )
        )
    client = _org("me", None, performance_expectancy={"non_users_mean": 2.55, "gap": 5.0})
    norms = compute_norms(client, others, FACTORS[:1], **WINDOW)
    row = norms["factors"][0]
    assert row["non_users_mean"]["n"] == 12
    assert row["non_users_mean"]["percentile"] == 50  # 6 of 12 below 2.55
    assert row["non_users_mean"]["median"] == round(
        float(np.median([round(2 + i / 10, 1) for i in range(12)])), 2
    )
    assert row["gap"]["n"] == 9 and row["gap"]["median"] is None
    assert row["gap"]["percentile"] == _half_up(percentileofscore(range(3, 12), 5.0, kind="mean"))
    assert row["users_mean"] == {
        "value": None,
        "n": 4,
        "percentile": None,
        "p10": None,
        "p25": None,
        "median": None,
        "p75": None,
        "p90": None,
    }
    # the client's adoption is hidden: no percentile, the quantiles still
    assert norms["adoption"]["value"] is None and norms["adoption"]["percentile"] is None
    assert norms["adoption"]["n"] == 11
    assert norms["adoption"]["median"] == round(
        float(np.median([round(i / 20, 2) for i in range(1, 12)])), 3
    )
    # a factor no organisation has
    other = compute_norms(client, others, [_Factor("reputation")], **WINDOW)["factors"][0]
    assert other["gap"]["n"] == 0 and other["gap"]["percentile"] is None


def test_other_organisations_enter_rounded_the_client_as_it_is() -> None:
    others = [
        _org(f"o{i}", 0.5, x={"gap": g}) for i, g in enumerate([0.26, 0.31, 0.34, 0.36, 0.44])
    ]
    client = _org("me", 0.5, x={"gap": 0.32})
    gap = compute_norms(client, others, [_Factor("x")], **WINDOW)["factors"][0]["gap"]
    # rounded: 0.3, 0.3, 0.3, 0.4, 0.4; 0.32 is above three of them (raw: above two)
    assert gap["value"] == 0.32 and gap["percentile"] == 60
    assert gap["percentile"] == _half_up(percentileofscore([0.3, 0.3, 0.3, 0.4, 0.4], 0.32))


def test_nan_counts_as_missing_and_numpy_floats_as_figures() -> None:
    others = [_org(f"o{i}", np.float64(i / 10)) for i in range(5)] + [_org("nan", math.nan)]
    norms = compute_norms(_org("me", 0.25), others, (), **WINDOW)
    assert norms["organisations"] == 6 and norms["adoption"]["n"] == 5
    assert norms["adoption"]["percentile"] == 60  # 0, .1, .2 below .25


def test_duplicate_organisations_are_refused() -> None:
    with pytest.raises(ValueError, match="appears twice"):
        compute_norms(_org("me", 0.5), [_org("a", 0.1)] * 5, (), **WINDOW)


def test_header_and_same_input_same_output() -> None:
    others = _random_orgs(random.Random(3), 12)
    client = _random_orgs(random.Random(4), 1)[0]
    first = compute_norms(client, others, FACTORS, **WINDOW)
    assert {k: first[k] for k in ("min_organisations", *WINDOW)} == {
        "min_organisations": 5,
        **WINDOW,
    }
    assert compute_norms(client, list(reversed(others)), FACTORS, **WINDOW) == first
    assert list(first) == [
        "organisations",
        "min_organisations",
        "window_months",
        "since",
        "until",
        "codebook_version",
        "shown",
        "reason",
        "adoption",
        "factors",
    ]
