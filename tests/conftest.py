"""Shared fixtures: the packaged codebook, the sample data, and a CLI runner."""

from __future__ import annotations

import csv
import functools
import glob
import io
import itertools
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import settings

from ism_advisor.cli import main
from ism_advisor.survey.codebook import load_codebook

# Property-based tests: a quick, reproducible run by default; HYPOTHESIS_PROFILE=thorough
# (CI) for 1,500 examples per test, HYPOTHESIS_PROFILE=explore for fresh random examples.
settings.register_profile("quick", max_examples=100, deadline=None, derandomize=True)
settings.register_profile("thorough", max_examples=1500, deadline=None, derandomize=True)
settings.register_profile("explore", max_examples=3000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "quick"))

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SAMPLE_SCORES = ROOT / "sample_data" / "scores.csv"
SAMPLE_RESPONSES = ROOT / "sample_data" / "responses.csv"
#: The model's seven factors, in the codebook's order.
FACTORS = (
    "performance_expectancy",
    "effort_expectancy",
    "reputation",
    "colleague_influence",
    "manager_influence",
    "collaboration_norms",
    "privacy_concern",
)


@pytest.fixture(scope="session")
def codebook():
    return load_codebook()


class Cli:
    """Runs ``ism-advise`` in-process with ``folder`` as the working folder.

    After a run, ``files`` lists the names in that folder.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.files: list[str] = []

    def __call__(self, *args: str | Path):
        previous = Path.cwd()
        os.chdir(self.folder)
        try:
            result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
        finally:
            os.chdir(previous)
        self.files = sorted(p.name for p in self.folder.iterdir())
        return result

    def json(self, *args: str | Path) -> dict:
        result = self(*args, "--format", "json", "-o", "-")
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout)


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path)


def write_csv(path: Path, header: list[str], rows: list[list], delimiter: str = ",") -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


# -- the store on SQLite and on a real PostgreSQL server -------------------------------------

#: A PostgreSQL server to test against instead of a throw-away cluster: a URL without a
#: password (PGPASSWORD or ~/.pgpass) of a user that may create databases.
POSTGRESQL_URL = "ISM_ADVISOR_TEST_POSTGRESQL"


def _as_postgres(*command: str) -> list[str]:
    """A PostgreSQL program as the postgres user when we are root (initdb refuses root)."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)


@pytest.fixture(scope="session")
def postgresql_server():
    """The base URL of a PostgreSQL server for the tests (its ``postgres`` database): the
    one ISM_ADVISOR_TEST_POSTGRESQL names, else a throw-away cluster made with the
    installed server's initdb and pg_ctl (trust authentication, a unix socket in a
    temporary folder, no TCP), stopped and removed at the end of the session."""
    named = os.environ.get(POSTGRESQL_URL)
    if named:
        yield named
        return
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        pytest.fail(
            "no PostgreSQL server for the store's tests: run tests/setup-debian.sh (it installs"
            f" Debian's postgresql), or set {POSTGRESQL_URL} to a server's URL"
        )
    bin_folder = Path(found[-1]).parent
    folder = Path(tempfile.mkdtemp(prefix="ism-pg-"))  # short: a socket's path is limited
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    data = folder / "data"
    run = functools.partial(subprocess.run, check=True, capture_output=True)
    run(_as_postgres(str(bin_folder / "initdb"), "-D", str(data), "-A", "trust", "-U",
                     "postgres", "--no-sync", "-E", "UTF8"))  # fmt: skip
    options = f"-c listen_addresses='' -k {folder} -c fsync=off -c max_connections=200"
    run(_as_postgres(str(bin_folder / "pg_ctl"), "-D", str(data), "-o", options, "-l",
                     str(folder / "log"), "-w", "start"))  # fmt: skip
    try:
        yield f"postgresql://postgres@/postgres?host={folder}"
    finally:
        run(_as_postgres(str(bin_folder / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"))
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_location(request, tmp_path: Path):
    """Where a test's store is: a SQLite file in the test's folder, or a fresh database on
    the PostgreSQL server (dropped after the test). The store's tests use it, so that each
    runs against both."""
    if request.param == "sqlite":
        yield str(tmp_path / "store.sqlite")
        return
    yield from _database(request.getfixturevalue("postgresql_server"))


@pytest.fixture
def postgresql_location(postgresql_server):
    """A fresh database on the PostgreSQL server, for a test of PostgreSQL's own ways."""
    yield from _database(postgresql_server)


def _database(server: str):
    import psycopg
    from sqlalchemy.engine import make_url

    base = make_url(server)
    name = f"ism_test_{os.getpid()}_{next(_DATABASES)}"
    admin = base.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


_DATABASES = itertools.count(1)


def make_entry(client: str = "Acme", wave: str = "2026-1", **changes):
    """A store entry of seven factors' figures (the third hidden), for the store's tests."""
    from ism_advisor.store import Entry, FactorEntry

    figures = [
        FactorEntry(f, 120, 3.5 + i / 10, 0.8, 80, 3.1 + i / 20, 0.7, 0.4 - i / 20, 0.5)
        if i != 2
        else FactorEntry(f, *(None for _ in range(8)))
        for i, f in enumerate(FACTORS)
    ]
    values = {
        "client": client,
        "wave": wave,
        "date": "2026-03-01",
        "sector": "Finance",
        "size_band": "250-999",
        "platform": "teams",
        "consent": True,
        "codebook_version": "6f78349a03fbe58e",
        "min_group_size": 5,
        "respondents": 200,
        "users": 120,
        "non_users": 80,
        "adoption": 0.6,
        "factors": tuple(figures),
        "advised": (("champions_network", ("social_influence_leads", "colleagues_less_visible")),),
        "done": ("use_case_workshops",),
    }
    values.update(changes)
    return Entry(**values)
