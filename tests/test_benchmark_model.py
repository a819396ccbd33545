"""Issue 29: the benchmark's cost model (``benchmarks/run.py``).

The fit ``T = fixed + a·respondents + b·segments`` recovers known terms and agrees with
statsmodels' OLS; the targets table says met and missed from the figures; the stage split
follows the product's progress messages; a command's peak memory adds up its forked
workers, which the largest single process's maximum RSS does not.
"""

from __future__ import annotations

import sys
from itertools import product

import numpy as np
import pytest
import statsmodels.api as sm

from benchmarks import run as bench

SIZES = (10_000, 100_000, 1_000_000, 2_000_000)
SEGMENTS = (10, 100, 1_000, 5_000)


def test_the_fit_recovers_known_terms():
    points = [(n, s, 0.45 + 2.5e-6 * n + 1.3e-3 * s) for n, s in product(SIZES, SEGMENTS)]
    model = bench.fit_cost_model(points)
    assert model.fixed == pytest.approx(0.45, rel=1e-9)
    assert model.per_respondent == pytest.approx(2.5e-6, rel=1e-9)
    assert model.per_segment == pytest.approx(1.3e-3, rel=1e-9)
    assert model.largest_error < 1e-12


def test_the_fit_is_ordinary_least_squares():
    """Against statsmodels' OLS on noisy points; the largest residual is the one OLS leaves."""
    rng = np.random.default_rng(29)
    points = [
        (n, s, (0.6 + 4e-6 * n + 2e-3 * s) * rng.uniform(0.8, 1.25))
        for n, s in product(SIZES, SEGMENTS)
    ]
    data = np.array(points)
    design = sm.add_constant(data[:, :2])
    reference = sm.OLS(data[:, 2], design).fit()
    model = bench.fit_cost_model(points)
    fixed, a, b = reference.params
    assert model.fixed == pytest.approx(fixed, rel=1e-9)
    assert model.per_respondent == pytest.approx(a, rel=1e-9)
    assert model.per_segment == pytest.approx(b, rel=1e-9)
    relative = np.abs(reference.resid) / data[:, 2]
    assert model.largest_error == pytest.approx(relative.max(), rel=1e-9)
    assert model.worst == tuple(int(v) for v in data[np.argmax(relative), :2])


@pytest.mark.parametrize(
    "points",
    [
        [(10_000, s, 1.0 + s * 1e-3) for s in SEGMENTS],  # one size: fixed and a confounded
        [(n, 10, 1.0 + n * 1e-6) for n in SIZES],  # one number of segments
        [(10_000, 10, 1.0), (100_000, 100, 2.0)],  # two points for three terms
        [],
    ],
)
def test_terms_that_cannot_be_told_apart_are_not_fitted(points):
    assert bench.fit_cost_model(points) is None


def row(respondents, segments, command, floor, command_mb=300.0, floor_mb=200.0, kind="scores"):
    return {
        "input": kind,
        "respondents": respondents,
        "segments": segments,
        "command": {"wall": command, "rss_mb": command_mb},
        "floor": {"wall": floor, "rss_mb": floor_mb},
    }


def models(fixed, a, b, floor_a):
    return {
        "JSON command": bench.CostModel(fixed, a, b, 0.1, (10_000, 10)),
        "JSON in-process": None,
        "floor process": bench.CostModel(0.3, floor_a, 0.0, 0.05, (10_000, 10)),
        "floor in-process": None,
    }


def test_the_targets_say_met_and_missed():
    rows = [
        row(1_000_000, 10, 2.9, 1.0),  # 2.9×: met
        row(1_000_000, 5_000, 9.0, 1.0, command_mb=520.0),  # 9×: missed; 2.6× the floor's MB
        row(10_000, 10, 1.0, 0.4, kind="items", command_mb=100.0),
    ]
    lines = bench.targets(models(-0.2, 2.5e-6, 0.9e-3, 1.0e-6), rows, {"sample": 0.45})
    assert lines == [
        ("fixed ≤ 0.5 s", "0.45 s (the sample's JSON command); the fit's intercept -0.20 s", "met"),
        ("a ≤ 2× the floor process's a", "2.50 µs against 1.00 µs: 2.5×", "**missed**"),
        ("b ≤ 1.0 ms per segment", "0.90 ms", "met"),
        ("1,000,000 × 10 ≤ 3× the floor process", "2.90 s against 1.00 s: 2.9×", "met"),
        ("1,000,000 × 5,000 ≤ 8× the floor process", "9.00 s against 1.00 s: 9.0×", "**missed**"),
        (
            "every cell's peak ≤ 2.5× its floor's",
            "largest 2.6× (scores 1,000,000 × 5,000: 520 MB against 200 MB)",
            "**missed**",
        ),
    ]


def test_targets_without_the_cells_are_not_measured():
    lines = bench.targets(models(0.3, 1e-6, 1.2e-3, 1e-6), [row(10_000, 10, 1.0, 0.4)])
    assert [verdict for *_, verdict in lines] == [
        "not measured",
        "met",
        "**missed**",
        "not measured",
        "not measured",
        "met",
    ]


def test_the_cost_model_table():
    """Each run's terms in µs and ms; CPU rows compared with the floor's CPU slope."""
    found = {
        "JSON command": bench.CostModel(0.61, 3.0e-6, 1.25e-3, 0.123, (10_000, 5_000)),
        "JSON in-process": None,
        "floor process": bench.CostModel(0.3, 1.5e-6, 0.0, 0.05, (10_000, 10)),
        "floor in-process": None,
        "JSON command, CPU": bench.CostModel(0.5, 4.0e-6, 2.0e-3, 0.1, (100_000, 10)),
        "floor process, CPU": bench.CostModel(0.2, 0.5e-6, 0.0, 0.05, (10_000, 10)),
    }
    lines = bench.render_cost_model(found)
    assert lines[4] == "| JSON command | 0.61 | 3.00 | 1.25 | 2.0 | 12% (10,000 × 5,000) |"
    assert lines[5] == "| JSON in-process | – | – | – | – | not identifiable from these cells |"
    assert lines[8] == "| JSON command, CPU | 0.50 | 4.00 | 2.00 | 8.0 | 10% (100,000 × 10) |"


def test_the_stages_follow_the_progress_messages():
    marks = [
        ("reading {path}", 0.1),
        ("comparing users and non-users ({respondents} respondents)", 0.3),
        ("estimating what drives use", 0.6),
        ("applying the rules to {n} segment\x00applying the rules to {n} segments", 1.0),
        ("writing the advice", 1.5),
        ("json", 1.7),
    ]
    seconds = bench.stage_seconds(marks, 0.0, 2.0)
    assert list(seconds) == list(bench.STAGES)
    expected = [0.1, 0.2, 0.3, 0.4, 0.5, 0.2, 0.3]
    assert list(seconds.values()) == pytest.approx(expected)
    without_drivers = bench.stage_seconds([m for m in marks if m[0][0] != "e"], 0.0, 2.0)
    assert without_drivers["drivers"] == 0.0
    assert without_drivers["compare+publish"] == pytest.approx(0.7)


WORKERS = """
import os, sys, time
children = []
for _ in range(int(sys.argv[1])):
    pid = os.fork()
    if pid == 0:
        block = bytearray(120 * 2**20)
        for page in range(0, len(block), 4096):  # written, so resident and private
            block[page] = 1
        time.sleep(1.0)
        os._exit(0)
    children.append(pid)
for pid in children:
    os.waitpid(pid, 0)
"""


def test_the_peak_adds_up_forked_workers():
    one, two = (bench.measure([sys.executable, "-c", WORKERS, str(n)]) for n in (1, 2))
    # one worker: its RSS is the tree's (the parent's pages plus its own), and is not the
    # peak of the process that started the command (Linux keeps ru_maxrss across exec)
    assert one["single_mb"] == pytest.approx(one["tree_mb"], abs=15)
    # the largest single process (ru_maxrss, what /usr/bin/time -v reports) is one worker
    # however many run at once
    assert abs(two["single_mb"] - one["single_mb"]) < 20
    # the sampled tree has both workers' 120 MB at once
    assert two["tree_mb"] - one["tree_mb"] == pytest.approx(120, abs=20)
    assert two["tree_mb"] >= one["single_mb"] + 100
    assert two["rss_mb"] == two["tree_mb"]
    assert two["cpu"] > 0


def test_cells_whose_segments_are_mostly_hidden_are_left_out_of_the_fit():
    """10,000 × 1,000 (10 per team) does almost no per-segment work: not fitted."""
    cells = [(10_000, 10), (10_000, 100), (100_000, 10), (100_000, 1_000), (1_000_000, 5_000)]
    rows = [
        {**row(r, s, 0.5 + 2e-6 * r + 1e-3 * s, 0.3), "inprocess": {"seconds": 1.0}}
        for r, s in cells
    ]
    rows[0]["floor"]["seconds"] = 0.1
    hidden = {**row(10_000, 1_000, 0.6, 0.3), "inprocess": {"seconds": 1.0}}
    for r in [*rows, hidden]:
        r["command"]["cpu"] = r["floor"]["cpu"] = r["floor"].get("seconds", 0.1)
        r["floor"].setdefault("seconds", 0.1)
    found = bench.cost_models([*rows, hidden])["JSON command"]
    assert found is not None
    assert (
        round(found.fixed, 9),
        round(found.per_respondent, 12),
        round(found.per_segment, 9),
    ) == (
        0.5,
        2e-6,
        1e-3,
    )
