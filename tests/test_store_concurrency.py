"""Writers in separate processes (not threads) on one store, on SQLite and PostgreSQL: two
consultants adding at once both land, the same entry added at once is one entry, and an add
stopped by Ctrl-C (a real SIGINT) or killed leaves the store as it was."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time

import pytest

from conftest import make_entry
from ism_advisor.store import open_store
from ism_advisor.store import store as store_module

FORK = multiprocessing.get_context("fork")
ROUNDS = 20


def _add_many(location: str, clients: list[str], barrier, results) -> None:
    """A child: wait for the other writer, then add one entry per client, each its own
    transaction (its own open store, as a separate run of ism-advise would)."""
    barrier.wait()
    done = []
    for client in clients:
        with open_store(location) as store:
            done.append(store.add(make_entry(client)))
    results.put(done)


def _run_writers(location: str, lists: list[list[str]]) -> list[list[str]]:
    open_store(location).close()  # the schema made once, as the first run would
    barrier = FORK.Barrier(len(lists))
    results = FORK.Queue()
    children = [
        FORK.Process(target=_add_many, args=(location, clients, barrier, results))
        for clients in lists
    ]
    for child in children:
        child.start()
    found = [results.get(timeout=120) for _ in children]
    for child in children:
        child.join(timeout=60)
        assert child.exitcode == 0
    return found


def test_two_writers_adding_different_entries_both_land(store_location):
    ours = [f"Ours {i}" for i in range(ROUNDS)]
    theirs = [f"Theirs {i}" for i in range(ROUNDS)]
    done = _run_writers(store_location, [ours, theirs])
    assert done == [["added"] * ROUNDS, ["added"] * ROUNDS]
    with open_store(store_location) as store:
        assert sorted(e.client for e in store.entries()) == sorted(ours + theirs)


def test_two_writers_adding_the_same_entries_make_one_each(store_location):
    clients = [f"Client {i}" for i in range(ROUNDS)]
    first, second = _run_writers(store_location, [clients, clients])
    assert sorted([*first, *second]) == ["added"] * ROUNDS + ["unchanged"] * ROUNDS
    assert all({a, b} == {"added", "unchanged"} for a, b in zip(first, second, strict=True))
    with open_store(store_location) as store:
        assert [e.client for e in store.entries()] == sorted(clients)


def _add_slowly(location: str, started) -> None:
    """A child: an add that stops after its first insert, inside the transaction, until a
    signal ends it."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    written = store_module._write_details

    def slow(connection, entry_id, entry):
        written(connection, entry_id, entry)
        started.set()
        time.sleep(60)

    store_module._write_details = slow
    try:
        with open_store(location) as store:
            store.add(make_entry("Interrupted"))
    except KeyboardInterrupt:
        os._exit(130)
    os._exit(0)


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "killed"])
def test_an_interrupted_add_leaves_the_store_as_it_was(store_location, how):
    with open_store(store_location) as store:
        store.add(make_entry("Kept"))
    started = FORK.Event()
    child = FORK.Process(target=_add_slowly, args=(store_location, started))
    child.start()
    assert started.wait(timeout=60)  # the entry's rows are written, not committed
    os.kill(child.pid, how)
    child.join(timeout=60)
    assert child.exitcode == (130 if how == signal.SIGINT else -signal.SIGKILL)
    with open_store(store_location) as store:
        assert store.entries() == [make_entry("Kept")]
        assert store.add(make_entry("After")) == "added"  # no lock left behind
        assert [e.client for e in store.entries()] == ["After", "Kept"]


def test_a_postgresql_writer_that_loses_the_race_finds_the_entry_there(
    postgresql_location, monkeypatch
):
    """Another writer commits the same entry between this add's look and its insert: the
    unique key refuses the insert, and the add looks again and says "unchanged" (on SQLite
    BEGIN IMMEDIATE lets no second writer in between)."""
    written = store_module._write_entry
    raced = []

    def racing(connection, entry, digest):
        if raced:  # the other writer's own insert, or this add's second look
            return written(connection, entry, digest)
        raced.append("racing")
        with open_store(postgresql_location) as other:
            raced.append(other.add(entry))
        written(connection, entry, digest)

    with open_store(postgresql_location) as store:
        monkeypatch.setattr(store_module, "_write_entry", racing)
        assert store.add(make_entry()) == "unchanged"
        assert raced == ["racing", "added"]
        assert store.entries() == [make_entry()]
