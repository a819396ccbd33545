"""The store's JSON-lines exchange format (docs/store.md): :func:`export_lines` writes it,
:func:`read_import` checks every line of a file before anything is written.

The first line is ``{"format": "ism-advisor-store", "version": 1}``; each further line one
entry with every field of :class:`~.model.Entry` (factors as objects, ``advised`` as
``[intervention, [rule, …]]`` pairs), in the order client, date, wave.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

from ..core.errors import N_, AdvisorError
from .model import FACTOR_FIGURES, Entry, FactorEntry, check_entry, entry_record
from .store import Store

__all__ = ["FORMAT", "MAX_BYTES", "MAX_LINE", "MAX_LINES", "export_lines", "read_import"]

#: The first line of an export.
FORMAT = {"format": "ism-advisor-store", "version": 1}
#: The largest file, line and number of lines an import reads.
MAX_BYTES = 50 * 1024 * 1024
MAX_LINE = 64 * 1024
MAX_LINES = 100_000

_ENTRY_FIELDS = tuple(f.name for f in fields(Entry))
_FACTOR_FIELDS = ("factor", *FACTOR_FIGURES)


def export_lines(store: Store, *, hash_labels: bool = False) -> Iterator[str]:
    """The export's lines (each ending in a newline): the format line, then every entry
    sorted by client, date and wave; with ``hash_labels`` client and wave replaced by
    their keyed hashes (``h:`` and 16 hex digits) and sorted by those."""
    yield _line(FORMAT)
    found = store.entries()
    if hash_labels:
        hashed = {label: store.hashed_label(label) for e in found for label in (e.client, e.wave)}
        found = sorted(
            (replace(e, client=hashed[e.client], wave=hashed[e.wave]) for e in found),
            key=lambda e: (e.client, e.date, e.wave),
        )
    for entry in found:
        yield _line(entry_record(entry))


def _line(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False) + "\n"


def read_import(path: Path) -> list[Entry]:
    """Every entry of an export file, each line checked (AdvisorError naming the file and
    the line, and what was expected) before the caller writes any."""
    name = str(path)
    try:
        size = path.stat().st_size
    except OSError:
        raise AdvisorError(N_("no such file"), path=name) from None
    if size > MAX_BYTES:
        raise AdvisorError(
            N_("the file is larger than {most} MB"), path=name, most=MAX_BYTES // 1024 // 1024
        )
    data = path.read_bytes()
    lines = data.splitlines()
    if not lines:
        raise AdvisorError(N_("the file is empty: expected an export of a store"), path=name)
    if len(lines) > MAX_LINES + 1:
        raise AdvisorError(
            N_("more than {most} entries in one file"),
            path=name,
            line=MAX_LINES + 2,
            most=MAX_LINES,
        )
    found: list[Entry] = []
    seen: dict[tuple[str, str], int] = {}
    for number, raw in enumerate(lines, start=1):
        if len(raw) > MAX_LINE:
            raise AdvisorError(
                N_("the line is longer than {most} KB"),
                path=name,
                line=number,
                most=MAX_LINE // 1024,
            )
        value = _parse(raw, name, number)
        if number == 1:
            if value != FORMAT:
                raise AdvisorError(
                    N_("expected an export of a store (its first line names the format)"),
                    path=name,
                    line=1,
                )
            continue
        try:
            entry = _entry(value)
            check_entry(entry)
        except AdvisorError as error:
            raise AdvisorError(
                error.message.template, path=name, line=number, **error.message.params
            ) from None
        key = (entry.client, entry.wave)
        if key in seen:
            raise AdvisorError(
                N_("client {client}, wave {wave} is on line {first} too"),
                path=name,
                line=number,
                client=entry.client,
                wave=entry.wave,
                first=seen[key],
            )
        seen[key] = number
        found.append(entry)
    return found


def _parse(raw: bytes, name: str, number: int) -> Any:
    try:
        return json.loads(raw.decode("utf-8"), parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError):
        raise AdvisorError(
            N_("expected one JSON object on the line"), path=name, line=number
        ) from None


def _no_constant(text: str) -> Any:
    raise ValueError(text)  # NaN, Infinity: not JSON, and never a figure


def _entry(value: Any) -> Entry:
    """An :class:`Entry` of one line's object: exactly the entry's fields, each of its
    type (its values are then checked by :func:`~.model.check_entry`)."""
    record = _object(value, _ENTRY_FIELDS, "an entry", optional=("generated",))
    factors = record["factors"]
    if not isinstance(factors, list):
        raise AdvisorError(N_("{what} must be a list"), what="factors")
    advised = record["advised"]
    if not isinstance(advised, list) or not all(
        isinstance(a, list)
        and len(a) == 2
        and isinstance(a[0], str)
        and isinstance(a[1], list)
        and all(isinstance(r, str) for r in a[1])
        for a in advised
    ):
        raise AdvisorError(
            N_("{what} must be a list of [intervention, [rule, …]] pairs"), what="advised"
        )
    done = record["done"]
    if not isinstance(done, list) or not all(isinstance(d, str) for d in done):
        raise AdvisorError(N_("{what} must be a list of texts"), what="done")
    return Entry(
        **{name: record[name] for name in _ENTRY_FIELDS if name not in _COMPOSITE},
        adoption=_float(record["adoption"]),
        factors=tuple(_factor(f) for f in factors),
        advised=tuple((a[0], tuple(a[1])) for a in advised),
        done=tuple(done),
        generated=record.get("generated", False),
    )


_COMPOSITE = ("adoption", "factors", "advised", "done", "generated")


def _factor(value: Any) -> FactorEntry:
    record = _object(value, _FACTOR_FIELDS, "a factor's figures")
    return FactorEntry(
        record["factor"],
        *(record[name] if name.endswith("_n") else _float(record[name]) for name in FACTOR_FIGURES),
    )


def _float(value: Any) -> Any:
    """A whole number written without a decimal point as the float it stands for; anything
    else as it is (the entry's check refuses what is not a number)."""
    return float(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _object(value: Any, names: tuple[str, ...], what: str, optional: tuple[str, ...] = ()) -> dict:
    if not isinstance(value, dict):
        raise AdvisorError(N_("expected {what} (a JSON object)"), what=what)
    unknown = sorted(set(value) - set(names))
    if unknown:
        raise AdvisorError(N_("unknown field {field} in {what}"), field=unknown[0], what=what)
    missing = [n for n in names if n not in value and n not in optional]
    if missing:
        raise AdvisorError(N_("field {field} missing in {what}"), field=missing[0], what=what)
    return value
