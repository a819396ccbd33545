"""The store's tables at the newest revision, with SQLAlchemy Core (one schema for SQLite
and PostgreSQL). How each came to be is :mod:`.migrations`; docs/store.md describes them."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Double,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

__all__ = ["entries", "factor_figures", "interventions", "meta", "metadata", "publications"]

metadata = MetaData()

#: One client's one wave (revision 0001).
entries = Table(
    "entries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
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
    UniqueConstraint("client", "wave", name="uq_entries_client_wave"),
)

#: An entry's figures of one factor (revision 0001); NULL where the run hid them.
factor_figures = Table(
    "factor_figures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("entry_id", Integer, ForeignKey("entries.id", ondelete="CASCADE"), nullable=False),
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
    UniqueConstraint("entry_id", "factor", name="uq_factor_figures_entry_factor"),
)

#: The interventions advised (with the rules that advised them, a JSON list) and those
#: carried out, per entry (revision 0001).
interventions = Table(
    "interventions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("entry_id", Integer, ForeignKey("entries.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("intervention", String(80), nullable=False),
    Column("kind", String(8), nullable=False),  # "advised" or "done"
    Column("rules", Text, nullable=False),
)

#: What each run published per client, for the publication memory (revision 0002).
publications = Table(
    "publications",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("client", String(80), nullable=False),
    Column("record_id", String(64), nullable=False),
    Column("record", Text, nullable=False),
    Column("position", Integer, nullable=False),
    UniqueConstraint("client", "record_id", name="uq_publications_client_record"),
)

#: The store's own settings: its secret key for keyed hashes (revision 0002).
meta = Table(
    "meta",
    metadata,
    Column("key", String(40), primary_key=True),
    Column("value", Text, nullable=False),
)
