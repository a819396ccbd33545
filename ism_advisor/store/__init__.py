"""The consultancy's store: client aggregates kept between runs (docs/store.md).

A SQLite file by default, or a shared PostgreSQL database; one schema through SQLAlchemy
Core, versioned with Alembic's operations (:mod:`.migrations`). It holds per client and
wave the whole organisation's figures only (:class:`Entry`), and per client what each run
published (the publication memory's records). Only the application and the command line
import it.
"""

from __future__ import annotations

from .entries import entry_from_document
from .location import resolve_location
from .model import PLATFORMS, SIZE_BANDS, Entry, FactorEntry
from .store import Store, open_store

__all__ = [
    "PLATFORMS",
    "SIZE_BANDS",
    "Entry",
    "FactorEntry",
    "Store",
    "entry_from_document",
    "open_store",
    "resolve_location",
]
