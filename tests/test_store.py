"""The store's API on SQLite and on PostgreSQL (``store_location``: both): adding is
idempotent, entries come back as they went in, norms see consented entries only, the
publication memory keeps records, an older schema is upgraded and a newer one refused, and a
failed add leaves the store as it was."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import create_engine, func, select, text

from conftest import make_entry
from ism_advisor.core.errors import AdvisorError
from ism_advisor.stats.norms import MEASURES, OrgFigures
from ism_advisor.store import open_store, resolve_location
from ism_advisor.store import store as store_module
from ism_advisor.store.location import engine_for
from ism_advisor.store.migrations import HEAD, current_revision, upgrade
from ism_advisor.store.schema import entries, factor_figures, interventions


def counts(location: str) -> dict[str, int]:
    """Rows per table of the store at ``location``."""
    engine, _ = engine_for(location)
    try:
        with engine.connect() as connection:
            return {
                table.name: connection.execute(select(func.count()).select_from(table)).scalar()
                for table in (entries, factor_figures, interventions)
            }
    finally:
        engine.dispose()


def test_an_entry_comes_back_as_it_went_in(store_location):
    entry = make_entry()
    with open_store(store_location) as store:
        assert store.add(entry) == "added"
        assert store.entries() == [entry]


def test_the_same_entry_twice_is_one_entry(store_location):
    with open_store(store_location) as store:
        assert store.add(make_entry()) == "added"
        assert store.add(make_entry()) == "unchanged"
        assert len(store.entries()) == 1
    assert counts(store_location) == {"entries": 1, "factor_figures": 7, "interventions": 2}


def test_another_entry_for_the_same_wave_is_refused_unless_replaced(store_location):
    with open_store(store_location) as store:
        store.add(make_entry())
        other = make_entry(respondents=201, users=121)
        with pytest.raises(AdvisorError) as raised:
            store.add(other)
        assert str(raised.value) == (
            "the store has another entry for client Acme, wave 2026-1: --replace replaces it"
        )
        assert store.entries() == [make_entry()]
        assert store.add(other, replace=True) == "replaced"
        assert store.entries() == [other]
    assert counts(store_location) == {"entries": 1, "factor_figures": 7, "interventions": 2}


def test_entries_are_sorted_by_client_date_and_wave(store_location):
    added = [
        make_entry("Zeta", "w1", date="2025-01-01"),
        make_entry("Acme", "b", date="2026-01-01"),
        make_entry("Acme", "a", date="2026-01-01"),
        make_entry("Acme", "z", date="2024-01-01"),
    ]
    with open_store(store_location) as store:
        for entry in added:
            store.add(entry)
        assert [(e.client, e.wave) for e in store.entries()] == [
            ("Acme", "z"),
            ("Acme", "a"),
            ("Acme", "b"),
            ("Zeta", "w1"),
        ]


def test_remove_a_client_or_one_wave(store_location):
    with open_store(store_location) as store:
        for client, wave in (("Acme", "w1"), ("Acme", "w2"), ("Beta", "w1")):
            store.add(make_entry(client, wave))
        assert store.remove("Acme", "w2") == 1
        assert store.remove("Acme", "w2") == 0
        assert store.remove("Nobody") == 0
        assert [(e.client, e.wave) for e in store.entries()] == [("Acme", "w1"), ("Beta", "w1")]
        assert store.remove("Acme") == 1
        assert store.remove("Beta") == 1
        assert store.entries() == []
    assert counts(store_location) == {"entries": 0, "factor_figures": 0, "interventions": 0}


def test_a_bad_entry_is_refused_before_anything_is_written(store_location):
    with open_store(store_location) as store:
        for bad, message in [
            (make_entry(client=" Acme"), "client must be 1 to 80 characters without spaces"),
            (make_entry(client="A" * 81), "client is 81 characters long: at most 80"),
            (make_entry(wave="a\nb"), "wave holds a control character"),
            (make_entry(size_band="huge"), "size must be one of 1-49, 50-249"),
            (make_entry(platform="myspace"), "platform must be one of viva-engage"),
            (make_entry(date="2026-02-30"), "date must be a date written YYYY-MM-DD"),
            (make_entry(adoption=float("nan")), "adoption must be a finite number"),
            (make_entry(users=3), "users and non_users must add up to respondents"),
        ]:
            with pytest.raises(AdvisorError) as raised:
                store.add(bad)
            assert str(raised.value).startswith(message)
        assert store.entries() == []


def test_a_figure_of_a_group_below_the_minimum_is_refused(store_location):
    entry = make_entry()
    small = replace(entry.factors[0], users_n=4)
    with open_store(store_location) as store, pytest.raises(AdvisorError) as raised:
        store.add(replace(entry, factors=(small, *entry.factors[1:])))
    assert str(raised.value) == (
        "performance_expectancy: users_mean is a figure of a group smaller than the minimum"
        " group size (5)"
    )


def test_sql_in_a_label_is_just_text(store_location):
    hostile = "x'); DROP TABLE entries; --"
    with open_store(store_location) as store:
        store.add(make_entry(hostile, hostile, sector=hostile))
        store.add(make_entry("Beta"))
        assert [e.client for e in store.entries()] == ["Beta", hostile]
        assert store.entries()[1].sector == hostile
        assert store.remove(hostile, hostile) == 1
        assert [e.client for e in store.entries()] == ["Beta"]


# -- norms ---------------------------------------------------------------------------------


def test_norm_figures_take_each_consented_clients_latest_wave_in_the_window(store_location):
    version = make_entry().codebook_version
    with open_store(store_location) as store:
        store.add(make_entry("A", "w1", date="2025-01-01", adoption=0.1))
        store.add(make_entry("A", "w2", date="2026-01-01", adoption=0.2))  # A's latest
        store.add(make_entry("A", "w3", date="2027-01-01", adoption=0.3))  # after until
        store.add(make_entry("B", "w1", date="2024-01-01", adoption=0.4))
        store.add(make_entry("C", "w1", date="2023-01-01", adoption=0.5))  # before since
        store.add(make_entry("D", "w1", date="2026-01-01", adoption=0.6, consent=False))
        store.add(make_entry("E", "w1", date="2026-01-01", codebook_version="0" * 16))
        store.add(make_entry("Me", "w1", date="2026-01-01", adoption=0.7))
        found = store.norm_figures(
            version, since="2023-06-01", until="2026-06-01", exclude_client="Me"
        )
        assert sorted(f.adoption for f in found) == [0.2, 0.4]
        assert sorted(f.key for f in found) == ["org1", "org2"]
        everyone = store.norm_figures(
            version, since="2023-06-01", until="2026-06-01", exclude_client=None
        )
        assert sorted(f.adoption for f in everyone) == [0.2, 0.4, 0.7]
        assert store.latest_date(version) == "2027-01-01"
        assert store.latest_date("f" * 16) is None


def test_norm_figures_hold_the_measures_and_none_where_hidden(store_location):
    entry = make_entry("B")
    with open_store(store_location) as store:
        store.add(entry)
        (found,) = store.norm_figures(
            entry.codebook_version, since="2026-01-01", until="2026-12-31", exclude_client=None
        )
    assert found == OrgFigures(
        key="org1",
        adoption=entry.adoption,
        factors={f.factor: {m: getattr(f, m) for m in MEASURES} for f in entry.factors},
    )
    assert found.factors["reputation"] == dict.fromkeys(MEASURES)


def test_norm_keys_do_not_follow_the_labels_order(store_location):
    """The keys are numbered in the order of a keyed hash of the labels: over 12 clients
    the alphabetical order (what a key would leak) is not kept."""
    clients = [f"Client {c}" for c in "ABCDEFGHIJKL"]
    with open_store(store_location) as store:
        for index, client in enumerate(clients):
            store.add(make_entry(client, adoption=index / 20))
        found = store.norm_figures(
            "6f78349a03fbe58e", since="2026-01-01", until="2026-12-31", exclude_client=None
        )
        again = store.norm_figures(
            "6f78349a03fbe58e", since="2026-01-01", until="2026-12-31", exclude_client=None
        )
    assert [f.key for f in found] == [f"org{i}" for i in range(1, 13)]
    assert found == again  # the same store, the same order
    assert [f.adoption for f in found] != sorted(f.adoption for f in found)
    assert all(not any(c in f.key for c in clients) for f in found)


# -- the publication memory -------------------------------------------------------------------


def test_publications_are_kept_per_client_in_recorded_order(store_location):
    first = {"run": "a" * 12, "cells": [{"where": {"team": "x"}, "n": 7}]}
    second = {"run": "b" * 12, "cells": []}
    with open_store(store_location) as store:
        assert store.publications("Acme") == []
        assert store.record_publication("Acme", second) is True
        assert store.record_publication("Beta", first) is True
        assert store.record_publication("Acme", first) is True
        assert store.record_publication("Acme", dict(reversed(second.items()))) is False
        assert store.publications("Acme") == [second, first]
        assert store.publications("Beta") == [first]


# -- location and schema ----------------------------------------------------------------------


def test_resolve_location(monkeypatch, tmp_path):
    monkeypatch.setenv("ISM_ADVISOR_STORE", "/env/store.sqlite")
    assert resolve_location("given.db", default=False) == "given.db"
    assert resolve_location(None, default=False) == "/env/store.sqlite"
    monkeypatch.delenv("ISM_ADVISOR_STORE")
    assert resolve_location(None, default=False) is None
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert resolve_location(None, default=True) == str(
        tmp_path / "data" / "ism-advisor" / "store.sqlite"
    )


def test_the_default_store_makes_its_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("ISM_ADVISOR_STORE", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    with open_store(resolve_location(None, default=True)) as store:
        store.add(make_entry())
    assert (tmp_path / "data" / "ism-advisor" / "store.sqlite").is_file()


def test_a_store_in_a_missing_folder_is_an_error(tmp_path):
    with pytest.raises(AdvisorError) as raised:
        open_store(str(tmp_path / "nowhere" / "store.sqlite"))
    assert str(raised.value) == f"--store: the folder {tmp_path / 'nowhere'} does not exist"


def test_a_folder_is_no_store(tmp_path):
    with pytest.raises(AdvisorError) as raised:
        open_store(str(tmp_path))
    assert str(raised.value) == f"--store: {tmp_path} is a folder, not a store file"


def test_a_password_in_the_url_is_refused_and_never_shown():
    with pytest.raises(AdvisorError) as raised:
        open_store("postgresql://ann:s3cret@db.example/advice")
    assert str(raised.value) == (
        "--store: put the password in PGPASSWORD or ~/.pgpass, not in --store"
    )
    assert "s3cret" not in str(raised.value)


def test_the_label_holds_no_user():
    engine, label = engine_for("postgresql://ann@db.example:5433/advice")
    engine.dispose()
    assert label == "postgresql://db.example:5433/advice"
    engine, label = engine_for("postgresql+psycopg://ann@/advice?host=/run/pg")
    engine.dispose()
    assert label == "postgresql:///run/pg/advice"


def test_a_file_that_is_no_store_is_an_error(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("not a database " * 100, encoding="utf-8")
    with pytest.raises(AdvisorError) as raised:
        open_store(str(path))
    assert str(raised.value) == f"cannot use the store {path}: file is not a database"


def test_a_store_made_at_revision_0001_opens_with_its_data(store_location):
    engine, label = engine_for(store_location)
    try:
        with engine.connect() as connection:
            connection.execution_options(ism_write=True)
            with connection.begin():
                assert upgrade(connection, label, target="0001") == ["0001"]
                entry_id = connection.execute(
                    text(
                        "INSERT INTO entries (client, wave, date, sector, size_band, platform,"
                        " consent, codebook_version, min_group_size, respondents, users,"
                        " non_users, adoption, generated, content_hash) VALUES ('Old', 'w1',"
                        " '2025-05-01', 'Care', '50-249', 'slack', true, '6f78349a03fbe58e',"
                        " 5, 40, 10, 30, 0.25, false, 'x') RETURNING id"
                    )
                ).scalar_one()
                connection.execute(
                    text(
                        "INSERT INTO factor_figures (entry_id, position, factor, users_n,"
                        " users_mean, users_sd, non_users_n, non_users_mean, non_users_sd, gap,"
                        " hedges_g) VALUES (:id, 0, 'reputation', 10, 3.5, 0.5, 30, 3.0, 0.6,"
                        " 0.5, 0.8)"
                    ),
                    {"id": entry_id},
                )
        with engine.connect() as connection:
            assert current_revision(connection) == "0001"
            tables = set(engine.dialect.get_table_names(connection))
        assert "publications" not in tables and "meta" not in tables
    finally:
        engine.dispose()
    with open_store(store_location) as store:
        (old,) = store.entries()
        assert (old.client, old.wave, old.adoption, old.factors[0].hedges_g) == (
            "Old",
            "w1",
            0.25,
            0.8,
        )
        assert store.record_publication("Old", {"run": "c" * 12}) is True
        assert store.hashed_label("Old").startswith("h:")
    engine, _ = engine_for(store_location)
    with engine.connect() as connection:
        assert current_revision(connection) == HEAD == "0002"
    engine.dispose()


def test_a_store_newer_than_the_code_is_refused(store_location):
    open_store(store_location).close()
    engine, label = engine_for(store_location)
    with engine.connect() as connection:
        connection.execution_options(ism_write=True)
        with connection.begin():
            connection.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    engine.dispose()
    with pytest.raises(AdvisorError) as raised:
        open_store(store_location)
    assert str(raised.value) == (
        f"the store {label} was made by a newer ism-advise (schema 0099): upgrade ism-advisor"
        " to use it"
    )


def test_the_secret_key_is_made_once(store_location):
    with open_store(store_location) as store:
        first = store.hashed_label("Acme")
    with open_store(store_location) as store:
        assert store.hashed_label("Acme") == first
        assert store.hashed_label("Beta") != first
    assert len(first) == 18


def test_a_sqlite_store_is_in_wal_mode(tmp_path):
    path = tmp_path / "store.sqlite"
    open_store(str(path)).close()
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    engine.dispose()


# -- an add that fails half way ---------------------------------------------------------------


def test_an_add_that_fails_after_its_first_insert_leaves_the_store_as_it_was(
    store_location, monkeypatch
):
    """The failure comes after the entry's row is inserted (the hook sees it in the
    transaction): only the rollback takes it away again."""
    seen = []

    def failing(connection, entry_id, entry):
        seen.append(connection.execute(select(func.count()).select_from(entries)).scalar())
        raise RuntimeError("disk on fire")

    with open_store(store_location) as store:
        store.add(make_entry("Kept"))
        monkeypatch.setattr(store_module, "_write_details", failing)
        with pytest.raises(RuntimeError):
            store.add(make_entry("Lost"))
        with pytest.raises(RuntimeError):
            store.add(make_entry("Kept", respondents=201, users=121), replace=True)
        monkeypatch.undo()
        assert seen == [2, 1]  # inserted (and, for the replacement, the old one deleted)
        assert store.entries() == [make_entry("Kept")]
    assert counts(store_location) == {"entries": 1, "factor_figures": 7, "interventions": 2}


def test_a_database_error_is_one_line_without_a_traceback(store_location):
    with open_store(store_location) as store:
        engine, _ = engine_for(store_location)
        with engine.connect() as connection:
            connection.execution_options(ism_write=True)
            with connection.begin():
                connection.execute(text("DROP TABLE interventions"))
        engine.dispose()
        with pytest.raises(AdvisorError) as raised:
            store.add(make_entry())
        assert str(raised.value).startswith(f"cannot use the store {store.label}: ")
        assert "\n" not in str(raised.value)
    engine, _ = engine_for(store_location)
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(entries)).scalar() == 0
    engine.dispose()
