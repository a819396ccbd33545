"""The store: :func:`open_store` and :class:`Store`, whose every write is one transaction.

On SQLite a write begins with BEGIN IMMEDIATE (:mod:`.location`) and waits up to 30
seconds for another writer; on PostgreSQL two writers adding the same entry at once both
try, and the one that loses on the unique key finds the entry there ("unchanged").
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, and_, delete, func, insert, select
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError

from ..core.digest import canonical_json, json_digest
from ..core.errors import N_, AdvisorError
from ..stats.norms import MEASURES, OrgFigures
from .location import engine_for
from .migrations import upgrade
from .model import FACTOR_FIGURES, Entry, FactorEntry, check_entry, check_label, content_hash
from .schema import entries, factor_figures, interventions, meta, publications

__all__ = ["Store", "open_store", "record_id"]

#: Where the store says why an add was refused or what it did.
ADDED, UNCHANGED, REPLACED = "added", "unchanged", "replaced"


def open_store(location: str) -> Store:
    """Open (create, or upgrade to the newest schema in one transaction) the store at
    ``location``: a SQLite file's path or a PostgreSQL URL without a password."""
    engine, label = engine_for(location)
    store = Store(engine, label)
    try:
        with store._writing() as connection:
            upgrade(connection, label)
    except BaseException:
        store.close()
        raise
    return store


def record_id(record: dict) -> str:
    """SHA-256 (hex) of a record's canonical JSON."""
    return json_digest(record)


class Store:
    """A store of client aggregates; a context manager (``close`` at the end).

    ``label`` names it safely in messages: the SQLite file's path, or
    postgresql://HOST/DATABASE (never a user or a password).
    """

    def __init__(self, engine: Engine, label: str) -> None:
        self._engine = engine
        self.label = label

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._engine.dispose()

    # -- transactions ------------------------------------------------------------------

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        """One write transaction: committed at the end of the block, rolled back on any
        exception (KeyboardInterrupt too); database errors become an AdvisorError."""
        with self._failures(), self._engine.connect() as connection:
            connection.execution_options(ism_write=True)
            with connection.begin():
                yield connection

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        with self._failures(), self._engine.connect() as connection, connection.begin():
            yield connection

    @contextmanager
    def _failures(self) -> Iterator[None]:
        try:
            yield
        except IntegrityError:
            raise
        except DBAPIError as error:
            reason = str(error.orig).strip().splitlines()[0] if error.orig else type(error).__name__
            raise AdvisorError(
                N_("cannot use the store {store}: {reason}"), store=self.label, reason=reason
            ) from None
        except SQLAlchemyError as error:
            raise AdvisorError(
                N_("cannot use the store {store}: {reason}"),
                store=self.label,
                reason=type(error).__name__,
            ) from None

    # -- entries -----------------------------------------------------------------------

    def add(self, entry: Entry, *, replace: bool = False) -> str:
        """Add ``entry``: "added", "unchanged" (the same entry is there) or "replaced"
        (``replace``: another entry for its client and wave was there). Another entry for
        the same client and wave is refused without ``replace``."""
        return self.import_([entry], replace=replace)[0]

    def import_(self, batch: Iterable[Entry], *, replace: bool = False) -> list[str]:
        """Add every entry of ``batch`` in one transaction (all or none); what happened
        to each, as :meth:`add` says it."""
        batch = list(batch)
        for entry in batch:
            check_entry(entry)
        for attempt in range(3):
            try:
                with self._writing() as connection:
                    return [_add(connection, e, replace) for e in batch]
            except IntegrityError:
                # another writer added the same client and wave between our look and our
                # insert (PostgreSQL; SQLite's BEGIN IMMEDIATE serialises writers): look again
                if attempt == 2:
                    raise AdvisorError(
                        N_("cannot use the store {store}: {reason}"),
                        store=self.label,
                        reason="concurrent writers",
                    ) from None
        raise AssertionError("unreachable")

    def entries(self) -> list[Entry]:
        """Every entry, sorted by client, date and wave."""
        with self._reading() as connection:
            rows = connection.execute(
                select(entries).order_by(entries.c.client, entries.c.date, entries.c.wave)
            ).all()
            return _entries_of(connection, rows)

    def remove(self, client: str, wave: str | None = None) -> int:
        """Remove the client's entries (one wave's with ``wave``); how many were removed."""
        where = entries.c.client == client
        if wave is not None:
            where = and_(where, entries.c.wave == wave)
        with self._writing() as connection:
            ids = connection.execute(select(entries.c.id).where(where)).scalars().all()
            _delete(connection, ids)
        return len(ids)

    def norm_figures(
        self, codebook_version: str, *, since: str, until: str, exclude_client: str | None
    ) -> list[OrgFigures]:
        """Per other organisation (consented entries of the codebook version, dated within
        ``since`` and ``until``, ``exclude_client`` left out) its latest wave's figures.
        Keys are opaque within this call: ``org1``, ``org2``… in the order of a keyed hash
        of the client's label, neither the label nor its alphabetical place."""
        where = and_(
            entries.c.consent.is_(True),
            entries.c.codebook_version == codebook_version,
            entries.c.date >= since,
            entries.c.date <= until,
        )
        if exclude_client is not None:
            where = and_(where, entries.c.client != exclude_client)
        with self._reading() as connection:
            rows = connection.execute(
                select(entries)
                .where(where)
                .order_by(entries.c.client, entries.c.date, entries.c.wave)
            ).all()
            latest = {row.client: row for row in rows}  # the last wave of each client
            key = _secret_key(connection)
            order = sorted(latest, key=lambda client: _keyed(key, client))
            found = _entries_of(connection, [latest[client] for client in order])
        return [
            OrgFigures(
                key=f"org{index}",
                adoption=entry.adoption,
                factors={f.factor: {m: getattr(f, m) for m in MEASURES} for f in entry.factors},
            )
            for index, entry in enumerate(found, start=1)
        ]

    def latest_date(self, codebook_version: str) -> str | None:
        """The newest date of the consented entries of the codebook version (None: none)."""
        with self._reading() as connection:
            return connection.execute(
                select(func.max(entries.c.date)).where(
                    entries.c.codebook_version == codebook_version, entries.c.consent.is_(True)
                )
            ).scalar()

    # -- publication memory ------------------------------------------------------------

    def publications(self, client: str) -> list[dict]:
        """The client's publication records, in the order they were recorded."""
        with self._reading() as connection:
            texts = connection.execute(
                select(publications.c.record)
                .where(publications.c.client == client)
                .order_by(publications.c.position, publications.c.id)
            ).scalars()
            return [json.loads(text) for text in texts]

    def record_publication(self, client: str, record: dict) -> bool:
        """Record what a run published for the client; False when an identical record is
        there already."""
        check_label(client, "client")
        identity = record_id(record)
        text = canonical_json(record)
        for _ in range(3):
            try:
                with self._writing() as connection:
                    there = connection.execute(
                        select(publications.c.id).where(
                            publications.c.client == client,
                            publications.c.record_id == identity,
                        )
                    ).first()
                    if there is not None:
                        return False
                    position = connection.execute(
                        select(func.coalesce(func.max(publications.c.position), 0))
                    ).scalar()
                    connection.execute(
                        insert(publications).values(
                            client=client, record_id=identity, record=text, position=position + 1
                        )
                    )
                    return True
            except IntegrityError:
                continue
        return False

    # -- keyed hashes ------------------------------------------------------------------

    def hashed_label(self, label: str) -> str:
        """``label`` as an export with --hash-labels shows it: "h:" and the first 16 hex
        digits of its HMAC-SHA256 under the store's secret key (the same label, the same
        hash, in this store)."""
        with self._reading() as connection:
            return "h:" + _keyed(_secret_key(connection), label)[:16]


def _keyed(key: bytes, text: str) -> str:
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


def _secret_key(connection: Connection) -> bytes:
    value = connection.execute(select(meta.c.value).where(meta.c.key == "secret_key")).scalar()
    return bytes.fromhex(value)


def _add(connection: Connection, entry: Entry, replace: bool) -> str:
    digest = content_hash(entry)
    there = connection.execute(
        select(entries.c.id, entries.c.content_hash).where(
            entries.c.client == entry.client, entries.c.wave == entry.wave
        )
    ).first()
    if there is not None and there.content_hash == digest:
        return UNCHANGED
    if there is not None and not replace:
        raise AdvisorError(
            N_(
                "the store has another entry for client {client}, wave {wave}:"
                " --replace replaces it"
            ),
            client=entry.client,
            wave=entry.wave,
        )
    if there is not None:
        _delete(connection, [there.id])
    _write_entry(connection, entry, digest)
    return ADDED if there is None else REPLACED


def _write_entry(connection: Connection, entry: Entry, digest: str) -> None:
    values = {
        name: getattr(entry, name)
        for name in (
            "client", "wave", "date", "sector", "size_band", "platform", "consent",
            "codebook_version", "min_group_size", "respondents", "users", "non_users",
            "adoption", "generated",
        )
    }  # fmt: skip
    entry_id = connection.execute(
        insert(entries).values(**values, content_hash=digest).returning(entries.c.id)
    ).scalar_one()
    _write_details(connection, entry_id, entry)


def _write_details(connection: Connection, entry_id: int, entry: Entry) -> None:
    """The entry's factor figures and interventions (after its own row, in the same
    transaction)."""
    if entry.factors:
        connection.execute(
            insert(factor_figures),
            [
                {"entry_id": entry_id, "position": i, "factor": f.factor}
                | {name: getattr(f, name) for name in FACTOR_FIGURES}
                for i, f in enumerate(entry.factors)
            ],
        )
    rows: list[dict[str, Any]] = [
        {"intervention": i, "kind": "advised", "rules": json.dumps(list(rules))}
        for i, rules in entry.advised
    ] + [{"intervention": i, "kind": "done", "rules": "[]"} for i in entry.done]
    if rows:
        connection.execute(
            insert(interventions),
            [{"entry_id": entry_id, "position": i} | row for i, row in enumerate(rows)],
        )


def _delete(connection: Connection, ids: list[int]) -> None:
    if not ids:
        return
    for table in (factor_figures, interventions):
        connection.execute(delete(table).where(table.c.entry_id.in_(ids)))
    connection.execute(delete(entries).where(entries.c.id.in_(ids)))


def _entries_of(connection: Connection, rows: list[Any]) -> list[Entry]:
    """The entries of ``rows`` (of the entries table), in their order, with their figures
    and interventions."""
    ids = [row.id for row in rows]
    figures: dict[int, list[FactorEntry]] = {i: [] for i in ids}
    advised: dict[int, list[tuple[str, tuple[str, ...]]]] = {i: [] for i in ids}
    done: dict[int, list[str]] = {i: [] for i in ids}
    for chunk in (ids[i : i + 500] for i in range(0, len(ids), 500)):
        for f in connection.execute(
            select(factor_figures)
            .where(factor_figures.c.entry_id.in_(chunk))
            .order_by(factor_figures.c.entry_id, factor_figures.c.position)
        ):
            figures[f.entry_id].append(
                FactorEntry(f.factor, *(getattr(f, name) for name in FACTOR_FIGURES))
            )
        for row in connection.execute(
            select(interventions)
            .where(interventions.c.entry_id.in_(chunk))
            .order_by(interventions.c.entry_id, interventions.c.position)
        ):
            if row.kind == "done":
                done[row.entry_id].append(row.intervention)
            else:
                advised[row.entry_id].append((row.intervention, tuple(json.loads(row.rules))))
    return [
        Entry(
            client=row.client,
            wave=row.wave,
            date=row.date,
            sector=row.sector,
            size_band=row.size_band,
            platform=row.platform,
            consent=bool(row.consent),
            codebook_version=row.codebook_version,
            min_group_size=row.min_group_size,
            respondents=row.respondents,
            users=row.users,
            non_users=row.non_users,
            adoption=row.adoption,
            factors=tuple(figures[row.id]),
            advised=tuple(advised[row.id]),
            done=tuple(done[row.id]),
            generated=bool(row.generated),
        )
        for row in rows
    ]
