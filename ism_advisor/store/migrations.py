"""The store's schema revisions, applied with Alembic's operations in code.

Alembic's :class:`~alembic.runtime.migration.MigrationContext` reads the store's revision
from the ``alembic_version`` table (as Alembic's own command would) and
:class:`~alembic.operations.Operations` runs each revision's DDL on the open connection;
the revisions are the ordered list :data:`REVISIONS` here rather than a script folder with
an ``env.py`` (docs/store.md: why). Each revision spells out its own tables: it must keep
making the same schema when :mod:`.schema` has moved on.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Double,
    ForeignKeyConstraint,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    insert,
    update,
)

from ..core.errors import N_, AdvisorError

__all__ = ["HEAD", "REVISIONS", "current_revision", "upgrade"]


def _figures_and_entries(op: Operations) -> None:
    """0001: entries, their factor figures and their interventions."""
    op.create_table(
        "entries",
        Column("id", Integer, autoincrement=True),
        Column("client", String(80), nullable=False),
        Column("wave", String(80), nullable=False),
        Column("date", String(10), nullable=False),
        Column("sector", String(80), nullable=False),
        Column("size_band", String(16), nullable=False),
        Column("platform", String(16), nullable=False),
        Column("consent", Boolean, nullable=False),
        Column("codebook_version", String(80), nullable=False),
        Column("min_group_size", Integer, nullable=False),
        Column("respondents", Integer, nullable=False),
        Column("users", Integer, nullable=False),
        Column("non_users", Integer, nullable=False),
        Column("adoption", Double, nullable=True),
        Column("generated", Boolean, nullable=False),
        Column("content_hash", String(64), nullable=False),
        PrimaryKeyConstraint("id", name="pk_entries"),
        UniqueConstraint("client", "wave", name="uq_entries_client_wave"),
    )
    op.create_table(
        "factor_figures",
        Column("id", Integer, autoincrement=True),
        Column("entry_id", Integer, nullable=False),
        Column("position", Integer, nullable=False),
        Column("factor", String(80), nullable=False),
        Column("users_n", Integer, nullable=True),
        Column("users_mean", Double, nullable=True),
        Column("users_sd", Double, nullable=True),
        Column("non_users_n", Integer, nullable=True),
        Column("non_users_mean", Double, nullable=True),
        Column("non_users_sd", Double, nullable=True),
        Column("gap", Double, nullable=True),
        Column("hedges_g", Double, nullable=True),
        PrimaryKeyConstraint("id", name="pk_factor_figures"),
        ForeignKeyConstraint(
            ["entry_id"], ["entries.id"], ondelete="CASCADE", name="fk_factor_figures_entry"
        ),
        UniqueConstraint("entry_id", "factor", name="uq_factor_figures_entry_factor"),
    )
    op.create_table(
        "interventions",
        Column("id", Integer, autoincrement=True),
        Column("entry_id", Integer, nullable=False),
        Column("position", Integer, nullable=False),
        Column("intervention", String(80), nullable=False),
        Column("kind", String(8), nullable=False),
        Column("rules", Text, nullable=False),
        PrimaryKeyConstraint("id", name="pk_interventions"),
        ForeignKeyConstraint(
            ["entry_id"], ["entries.id"], ondelete="CASCADE", name="fk_interventions_entry"
        ),
    )


def _publications_and_key(op: Operations) -> None:
    """0002: the publication memory's records, and the store's secret key (made once)."""
    op.create_table(
        "publications",
        Column("id", Integer, autoincrement=True),
        Column("client", String(80), nullable=False),
        Column("record_id", String(64), nullable=False),
        Column("record", Text, nullable=False),
        Column("position", Integer, nullable=False),
        PrimaryKeyConstraint("id", name="pk_publications"),
        UniqueConstraint("client", "record_id", name="uq_publications_client_record"),
    )
    meta = op.create_table(
        "meta",
        Column("key", String(40), nullable=False),
        Column("value", Text, nullable=False),
        PrimaryKeyConstraint("key", name="pk_meta"),
    )
    op.get_bind().execute(insert(meta).values(key="secret_key", value=secrets.token_hex(32)))


#: Every revision in order: (id, what it does, the function that makes it).
REVISIONS: tuple[tuple[str, str, Callable[[Operations], None]], ...] = (
    ("0001", "entries, factor figures, interventions", _figures_and_entries),
    ("0002", "publications, meta (the store's secret key)", _publications_and_key),
)
#: The newest revision this code knows.
HEAD = REVISIONS[-1][0]

_VERSION = Table(  # Alembic's own version table, as its commands read and write it
    "alembic_version",
    MetaData(),
    Column("version_num", String(32), nullable=False),
    PrimaryKeyConstraint("version_num", name="alembic_version_pkc"),
)


def current_revision(connection: Connection) -> str | None:
    """The store's revision (None: an empty database)."""
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(connection: Connection, label: str, target: str = HEAD) -> list[str]:
    """Bring the store on ``connection`` to ``target`` inside the caller's transaction;
    the revisions applied. A store newer than this code is refused."""
    known = [r[0] for r in REVISIONS]
    current = current_revision(connection)
    if current is not None and current not in known:
        raise AdvisorError(
            N_(
                "the store {store} was made by a newer ism-advise (schema {revision}):"
                " upgrade ism-advisor to use it"
            ),
            store=label,
            revision=current,
        )
    start = 0 if current is None else known.index(current) + 1
    stop = known.index(target) + 1
    if start >= stop:
        return []
    op = Operations(MigrationContext.configure(connection))
    for _, _, make in REVISIONS[start:stop]:
        make(op)
    if current is None:
        _VERSION.create(connection)
        connection.execute(insert(_VERSION).values(version_num=target))
    else:
        connection.execute(update(_VERSION).values(version_num=target))
    return known[start:stop]
