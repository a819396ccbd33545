"""Forked workers: results in order and equal to one process's, errors raised here."""

from __future__ import annotations

import os

import numpy as np
import pytest

from ism_advisor.core import parallel
from ism_advisor.core.parallel import fork_map, worker_count

needs_fork = pytest.mark.skipif(not parallel.can_fork(), reason="no fork on this platform")


def _square_and_pid(item: int) -> tuple[int, int]:
    return item * item, os.getpid()


@needs_fork
def test_results_come_back_in_order_from_other_processes():
    results = fork_map(_square_and_pid, list(range(40)), workers=2)
    assert [value for value, _ in results] == [i * i for i in range(40)]
    assert {pid for _, pid in results} - {os.getpid()}  # the work left this process


def test_one_worker_runs_here():
    results = fork_map(_square_and_pid, [1, 2, 3], workers=1)
    assert results == [(1, os.getpid()), (4, os.getpid()), (9, os.getpid())]


@needs_fork
def test_closures_and_large_items_are_shared_by_the_fork_not_pickled():
    big = [np.full(200_000, float(i)) for i in range(4)]
    offset = 0.5
    results = fork_map(lambda block: float(block.sum() + offset), big, workers=2)
    assert results == [float(b.sum() + offset) for b in big]


def _fails_on_three(item: int) -> int:
    if item == 3:
        raise ValueError("three is not allowed")
    return item


@needs_fork
def test_an_error_in_a_worker_is_raised_here():
    with pytest.raises(ValueError, match=r"^three is not allowed$"):
        fork_map(_fails_on_three, list(range(8)), workers=2)
    assert parallel._TASK == {}  # nothing left behind for the next call


@pytest.mark.parametrize(
    ("value", "expected"), [("1", 1), ("3", 3), (" 2 ", 2), ("0", None), ("two", None), ("", None)]
)
def test_the_number_of_workers_comes_from_the_environment(monkeypatch, value, expected):
    monkeypatch.setenv("ISM_ADVISOR_WORKERS", value)
    assert worker_count() == (expected if expected is not None else parallel.available_cores())
