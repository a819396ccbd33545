"""Work spread over the machine's cores: forked processes that return results in order.

Independent pieces of work (the driver models of many segments, the reports of many
segments) run in forked worker processes, which inherit the data in memory and hand back
only their results. The results come back in the order of the pieces, and each piece's
result depends only on the piece, so the outputs are byte-identical whatever the number
of workers. ``ISM_ADVISOR_WORKERS`` sets the number (1: everything in this process);
the default is the cores this process may use. Where ``fork`` is not available (Windows,
macOS' default), everything runs in this process.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

__all__ = ["WORKERS_VARIABLE", "available_cores", "can_fork", "fork_map", "worker_count"]

WORKERS_VARIABLE = "ISM_ADVISOR_WORKERS"

Item = TypeVar("Item")
Result = TypeVar("Result")


def available_cores() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    """Whether worker processes can be forked here."""
    return "fork" in multiprocessing.get_all_start_methods()


def worker_count() -> int:
    """The number of worker processes to use: ``ISM_ADVISOR_WORKERS``, else every core.

    A value that is not a whole number of 1 or more counts as unset.
    """
    value = os.environ.get(WORKERS_VARIABLE, "").strip()
    if value.isdigit() and int(value) >= 1:
        return int(value)
    return available_cores()


# What the forked workers run: set in the parent just before the fork, inherited by the
# children (so neither the function nor the items are pickled; only the results are).
_TASK: dict[str, Any] = {}


def fork_map(
    function: Callable[[Item], Result], items: Sequence[Item], workers: int
) -> list[Result]:
    """``[function(item) for item in items]``, on up to ``workers`` forked processes.

    The items are shared with the workers by the fork, not pickled; each result is
    pickled back. With one worker, fewer than two items, or no ``fork``, everything runs
    here. An exception in a worker is raised here (the rest is cancelled); Ctrl-C and
    SIGTERM are left to this process, which waits for its workers (none outlives it).
    """
    if workers <= 1 or len(items) < 2 or not can_fork():
        return [function(item) for item in items]
    context = multiprocessing.get_context("fork")
    _TASK.update(function=function, items=items, parent=os.getpid())
    try:
        with ProcessPoolExecutor(
            min(workers, len(items)), mp_context=context, initializer=_worker_start
        ) as pool:
            try:
                return list(pool.map(_worker_run, range(len(items))))
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)
                raise
    finally:
        _TASK.clear()


def _worker_start() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    signal.signal(signal.SIGTERM, _worker_sigterm)  # and SIGTERM (sent to the whole group)


def _worker_sigterm(signum: int, frame: Any) -> None:
    """SIGTERM in a worker: the parent stops the workers, unless it is gone (killed)."""
    if os.getppid() != _TASK.get("parent"):
        os._exit(128 + signum)


def _worker_run(index: int) -> Any:
    return _TASK["function"](_TASK["items"][index])
