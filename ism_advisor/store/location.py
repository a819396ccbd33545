"""Where the store is (:func:`resolve_location`) and how to connect to it (:func:`engine_for`):
a SQLite file, or a PostgreSQL database named by a URL without a password."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from ..core.errors import N_, AdvisorError

__all__ = ["ENVIRONMENT", "default_location", "engine_for", "is_postgresql", "resolve_location"]

#: The environment variable naming the store when --store does not.
ENVIRONMENT = "ISM_ADVISOR_STORE"
#: How long a writer waits for another one's transaction (SQLite), in seconds.
BUSY_TIMEOUT = 30


def default_location() -> str:
    """The SQLite file in the user's data folder (platformdirs)."""
    return str(Path(platformdirs.user_data_dir("ism-advisor", appauthor=False)) / "store.sqlite")


def resolve_location(option: str | None, *, default: bool) -> str | None:
    """The store to use: ``option`` (--store), else the environment's ISM_ADVISOR_STORE,
    else (``default``) the SQLite file in the user's data folder, else None."""
    if option:
        return option
    named = os.environ.get(ENVIRONMENT)
    if named:
        return named
    return default_location() if default else None


def is_postgresql(location: str) -> bool:
    return location.startswith(("postgresql://", "postgresql+psycopg://", "postgres://"))


def engine_for(location: str) -> tuple[Engine, str]:
    """An engine for the store at ``location`` and its label (safe to print: the file's
    path, or postgresql://HOST/DATABASE without user or password)."""
    if is_postgresql(location):
        return _postgresql(location)
    return _sqlite(location)


def _postgresql(location: str) -> tuple[Engine, str]:
    try:
        url = make_url(location.replace("postgres://", "postgresql://", 1))
    except (ArgumentError, ValueError):
        raise AdvisorError(
            N_("--store: not a PostgreSQL URL (expected postgresql://HOST/DATABASE)")
        ) from None
    if url.password is not None:
        raise AdvisorError(
            N_("--store: put the password in PGPASSWORD or ~/.pgpass, not in --store")
        )
    if not url.database:
        raise AdvisorError(N_("--store: the URL names no database (postgresql://HOST/DATABASE)"))
    host = url.host or url.query.get("host") or "localhost"
    if isinstance(host, tuple):
        host = host[0]
    label = f"postgresql://{host}{'' if url.port is None else f':{url.port}'}/{url.database}"
    url = url.set(drivername="postgresql+psycopg")
    engine = create_engine(url)
    return engine, label


def _sqlite(location: str) -> tuple[Engine, str]:
    path = Path(location.removeprefix("sqlite:///")).expanduser()
    if location == default_location():
        path.parent.mkdir(parents=True, exist_ok=True)
    elif not path.parent.is_dir():
        raise AdvisorError(
            N_("--store: the folder {folder} does not exist"), folder=str(path.parent)
        )
    if path.is_dir():
        raise AdvisorError(N_("--store: {store} is a folder, not a store file"), store=str(path))
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": BUSY_TIMEOUT})
    _begin_ourselves(engine)
    return engine, str(path)


def _begin_ourselves(engine: Engine) -> None:
    """SQLAlchemy's documented recipe for pysqlite: the driver's own transaction handling
    off, BEGIN emitted by us — BEGIN IMMEDIATE for a write (the write lock taken at once, so
    that two writers queue on the busy timeout instead of one failing at its first write),
    plain BEGIN for a read. WAL lets readers go on while one writes."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, connection_record) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT * 1000}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:
        write = connection.get_execution_options().get("ism_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")
