"""What a reader of the norms can infer about another organisation — tests that try.

The README's "What the norms tell, and what they do not" claims three things; each test
attacks one with the published figures of :func:`ism_advisor.stats.norms.compute_norms`:

1. Without knowing the other organisations' figures, none can be attributed: the norms
   are the same whichever organisation has which figure (a symmetric function of them).
2. Two clients who each appear in the other's norms cannot read each other's figure off
   their own report: a world where the other's figure is far away gives the same report.
3. A reader who knows the figures of every other organisation but one can narrow that
   one down to no less than its rounding cell (0.1 scale points; adoption one percentage
   point): each organisation's figure enters the norms rounded. Computed from the raw
   figures (the first rule), the quantiles and the client's percentile rank together
   pinned it to 0.01 or less (:func:`test_raw_figures_gave_the_figure_away`).
"""

from __future__ import annotations

import random

import numpy as np
import pytest

from ism_advisor.stats.norms import (
    COARSE_ADOPTION_DECIMALS,
    COARSE_DECIMALS,
    QUANTILES,
    OrgFigures,
    compute_norms,
    percentile_rank,
)


class _Factor:
    id, direction = "manager_influence", "higher_is_better"


FACTORS = (_Factor(),)
WINDOW = {
    "window_months": 36,
    "since": "2023-12-07",
    "until": "2026-12-07",
    "codebook_version": "v",
}
MEASURES = ("non_users_mean", "users_mean", "gap")
#: the grids the attacks scan an unknown figure over (wider than any figure in these worlds:
#: non-users' means 2.6-4.0, adoption 0.2-0.7)
GRID = np.round(np.arange(2.0, 4.6 + 1e-9, 0.005), 3)
ADOPTION_GRID = np.round(np.arange(0.1, 0.8 + 1e-9, 0.0025), 4)
#: the raw rule's attack needs a finer grid (what it gives away is finer)
FINE = np.round(np.arange(2.0, 4.6 + 1e-9, 0.001), 3)
STEP = 10.0**-COARSE_DECIMALS


def org(key: str, adoption: float | None, mean: float) -> OrgFigures:
    return OrgFigures(
        key,
        adoption,
        {"manager_influence": {"non_users_mean": mean, "users_mean": mean + 0.4, "gap": 0.4}},
    )


def world(rng: random.Random, count: int) -> list[OrgFigures]:
    """Organisations with non-users' means clustered as real ones are (2.6-4.0)."""
    return [
        org(f"o{i}", round(rng.uniform(0.2, 0.7), 4), round(rng.uniform(2.6, 4.0), 4))
        for i in range(count)
    ]


def published(client: OrgFigures, others: list[OrgFigures]) -> dict:
    return compute_norms(client, others, FACTORS, **WINDOW)


# -- 1. nobody's figure can be attributed --------------------------------------------------------


@pytest.mark.parametrize("seed", range(10))
def test_the_norms_do_not_depend_on_who_has_which_figure(seed):
    rng = random.Random(seed)
    others = world(rng, rng.choice([5, 9, 10, 14, 20, 27]))
    client = world(rng, 1)[0]
    seen = published(client, others)
    figures = [(o.adoption, o.factors) for o in others]
    rng.shuffle(figures)
    relabelled = [OrgFigures(f"x{i}", a, f) for i, (a, f) in enumerate(figures)]
    assert published(client, relabelled) == seen


# -- 2. two clients in each other's norms --------------------------------------------------------


@pytest.mark.parametrize("seed", range(10))
def test_two_clients_in_each_others_norms_cannot_read_each_other(seed):
    rng = random.Random(100 + seed)
    rest = world(rng, rng.choice([8, 9, 12, 19, 25]))
    a, b = org("A", 0.41, 3.1), org("B", 0.52, 3.7)
    seen_by_a, seen_by_b = published(a, [*rest, b]), published(b, [*rest, a])
    # another world: B's figures are those of the organisation farthest from B's, and that
    # organisation has B's. A's report is the same, yet B's figure differs by that much.
    for me, other, seen in ((a, b, seen_by_a), (b, a, seen_by_b)):
        mine = other.factors["manager_influence"]["non_users_mean"]
        far = max(rest, key=lambda o: abs(o.factors["manager_influence"]["non_users_mean"] - mine))
        swapped = [
            OrgFigures(o.key, other.adoption, other.factors) if o is far else o for o in rest
        ]
        moved = OrgFigures(other.key, far.adoption, far.factors)
        assert published(me, [*swapped, moved]) == seen
        assert abs(far.factors["manager_influence"]["non_users_mean"] - mine) >= 0.3


# -- 3. a reader who knows every other organisation's figure but one ----------------------------


def targets(others: list[OrgFigures], measure: str, rng: random.Random) -> list[int]:
    """The organisations whose figure sits at a published quantile's position (both ends
    of its interpolation) or next to the client's own figure, and one at random."""

    def figure(o: OrgFigures) -> float:
        if measure == "adoption":
            return o.adoption  # type: ignore[return-value]
        return o.factors["manager_influence"]["non_users_mean"]  # type: ignore[return-value]

    order = sorted(range(len(others)), key=lambda i: figure(others[i]))
    picked = {rng.randrange(len(others))}
    for probability, needed in QUANTILES.values():
        if len(others) >= needed:
            position = probability * (len(others) - 1)
            picked.update({order[int(position)], order[min(int(position) + 1, len(order) - 1)]})
    own = 0.45 if measure == "adoption" else 3.3
    picked.add(min(range(len(others)), key=lambda i: abs(figure(others[i]) - own)))
    return sorted(picked)


def consistent(client: OrgFigures, known: list[OrgFigures], seen: dict, measure: str) -> np.ndarray:
    """Every value on :data:`GRID` the unknown organisation's ``measure`` could have, given
    the published norms (its other figures as they are)."""

    def view(norms: dict) -> dict:
        if measure == "adoption":
            return norms["adoption"]
        return norms["factors"][0][measure]

    target = view(seen)
    base = known[-1]
    found = []
    for u in GRID if measure != "adoption" else ADOPTION_GRID:
        figures = dict(base.factors["manager_influence"])
        adoption = base.adoption
        if measure == "adoption":
            adoption = float(u)
        else:
            figures[measure] = float(u)
        guess = OrgFigures("?", adoption, {"manager_influence": figures})
        if view(published(client, [*known[:-1], guess])) == target:
            found.append(float(u))
    return np.asarray(found)


@pytest.mark.parametrize("count", [5, 9, 10, 13, 20])
@pytest.mark.parametrize("seed", range(2))
def test_knowing_all_others_but_one_narrows_it_to_no_less_than_the_rounding_step(count, seed):
    rng = random.Random(1000 * count + seed)
    others = world(rng, count)
    client = org("me", 0.45, 3.3)
    seen = published(client, others)
    adoption_step = 10.0**-COARSE_ADOPTION_DECIMALS
    for measure, step, grid in (
        ("non_users_mean", STEP, 0.005),
        ("adoption", adoption_step, 0.0025),
    ):
        # the attack on the organisations a quantile or the rank could give away (those
        # around each quantile's position, and the client's neighbours), and one more:
        # the reader knows all the others
        for index in targets(others, measure, rng):
            known = [o for i, o in enumerate(others) if i != index] + [others[index]]
            values = consistent(client, known, seen, measure)
            truth = (
                others[index].adoption
                if measure == "adoption"
                else others[index].factors["manager_influence"]["non_users_mean"]
            )
            assert values.size, "the true value must be consistent"
            assert values.min() - grid <= truth <= values.max() + grid
            width = values.max() - values.min() + grid
            assert width >= step - 2 * grid, (measure, index, width)  # a cell seen on the grid
            # the whole rounding cell of the true value is consistent
            cell = round(truth, COARSE_ADOPTION_DECIMALS if measure == "adoption" else 1)
            if count < 10:  # a percentile rank only: on which side of the client's figure,
                # up to the end of the scale, or (a tie) the client's own cell
                own = client.adoption if measure == "adoption" else 3.3
                grid_used = ADOPTION_GRID if measure == "adoption" else GRID
                ends = (grid_used[0], grid_used[-1])
                half_line = values.min() <= ends[0] + grid or values.max() >= ends[1] - grid
                assert half_line or cell == own, (measure, index)
            assert (
                values.min() <= cell - step / 2 + 2 * grid
                and values.max() >= cell + step / 2 - 2 * grid
            )


def raw_view(client: float, values: list[float]) -> tuple:
    """What the first rule published of a measure: the client's percentile rank among the
    raw figures and the quartiles to 2 decimals (no rounding of what goes in)."""
    quartiles = np.quantile(values, (0.25, 0.5, 0.75), method="linear").round(2).tolist()
    return (percentile_rank(values, client), *quartiles)


def test_raw_figures_gave_the_figure_away():
    """The first rule: the figures as they are, the quantiles to 2 decimals. The median of
    10 interpolates two organisations with weight 1/2 each, the median of 11 is one of
    them, and the client's rank cuts what is left: a reader who knows the other figures
    pins the last one to 0.02 or less — often much less. Rounded first, never below 0.1."""
    rng = random.Random(7)
    narrowest = 1.0
    for count in (10, 11, 13):
        for _ in range(2):
            values = sorted(round(rng.uniform(2.6, 4.0), 4) for _ in range(count))
            client = round(rng.uniform(2.6, 4.0), 4)
            middle = values[count // 2]  # inside the median's interpolation
            known = [v for v in values if v != middle]
            seen = raw_view(client, values)
            fits = [u for u in FINE if raw_view(client, [*known, float(u)]) == seen]
            width = max(fits) - min(fits) + 0.001
            assert width <= 0.021, (count, width)
            narrowest = min(narrowest, width)
            # the same attack on the rule in force: at least the rounding cell
            others = [org(f"o{i}", 0.5, v) for i, v in enumerate(values)]
            me = org("me", 0.5, client)
            index = values.index(middle)
            known_orgs = [o for i, o in enumerate(others) if i != index] + [others[index]]
            now = consistent(me, known_orgs, published(me, others), "non_users_mean")
            assert now.max() - now.min() + 0.005 >= STEP - 0.01
    assert narrowest < 0.01


def test_no_minimum_or_maximum_is_published():
    """The lowest and highest quantiles published interpolate between organisations: P10
    and P90 from 20 (never the extreme figure), P25/P75 from 10."""
    for count in range(5, 60):
        for key, (probability, needed) in QUANTILES.items():
            if count < needed:
                continue
            position = probability * (count - 1)
            assert 1 <= position <= count - 2, (count, key)


@pytest.mark.parametrize("seed", range(20))
def test_a_figure_moved_within_its_rounding_cell_changes_nothing(seed):
    """Every published figure depends on another organisation's figures only through their
    rounded values, so no set of reports — other clients, other windows, two dates between
    which only that organisation's entry changed — tells more about them than that."""
    rng = random.Random(500 + seed)
    others = world(rng, rng.choice([5, 9, 10, 14, 20, 31]))
    client = org("me", 0.45, 3.3)
    # half the time the organisation in the median's interpolation (the one a raw rule gave
    # away), else any
    means = [o.factors["manager_influence"]["non_users_mean"] for o in others]
    middle = sorted(range(len(others)), key=means.__getitem__)[len(others) // 2]
    index = middle if seed % 2 == 0 else rng.randrange(len(others))
    target = others[index]
    moved_figures = {}
    for measure, value in target.factors["manager_influence"].items():
        cell = round(value, COARSE_DECIMALS)
        moved_figures[measure] = cell + rng.uniform(-0.049, 0.049)
    adoption_cell = round(target.adoption, COARSE_ADOPTION_DECIMALS)
    moved = OrgFigures(
        target.key,
        adoption_cell + rng.uniform(-0.0049, 0.0049),
        {"manager_influence": moved_figures},
    )
    assert all(
        round(moved_figures[m], COARSE_DECIMALS) == round(v, COARSE_DECIMALS)
        for m, v in target.factors["manager_influence"].items()
    )
    changed = [moved if i == index else o for i, o in enumerate(others)]
    assert published(client, changed) == published(client, others)
