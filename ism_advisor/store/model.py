"""What the store holds: :class:`Entry` (one client's one wave, aggregates only) and its
:class:`FactorEntry` figures, the checks every entry passes before it is written (from a
run, from an import file), and the content hash that makes an add idempotent."""

from __future__ import annotations

import datetime
import math
import unicodedata
from dataclasses import asdict, dataclass, fields
from typing import Any

from ..core.digest import json_digest
from ..core.errors import N_, AdvisorError

__all__ = [
    "FACTOR_FIGURES",
    "LABEL_MAX",
    "PLATFORMS",
    "SIZE_BANDS",
    "Entry",
    "FactorEntry",
    "check_date",
    "check_entry",
    "check_label",
    "content_hash",
    "entry_record",
]

#: The size bands of an organisation (employees).
SIZE_BANDS = ("1-49", "50-249", "250-999", "1000-4999", "5000+")
#: The platforms an entry may name.
PLATFORMS = ("viva-engage", "workplace", "teams", "slack", "other")
#: The longest label (client, wave, sector), in characters.
LABEL_MAX = 80


@dataclass(frozen=True)
class FactorEntry:
    """The whole organisation's figures of one factor; None where the run hid them."""

    factor: str
    users_n: int | None
    users_mean: float | None
    users_sd: float | None
    non_users_n: int | None
    non_users_mean: float | None
    non_users_sd: float | None
    gap: float | None
    hedges_g: float | None


#: The figures of a :class:`FactorEntry`, in order (everything but ``factor``).
FACTOR_FIGURES = tuple(f.name for f in fields(FactorEntry) if f.name != "factor")


@dataclass(frozen=True)
class Entry:
    """One client's one wave in the store: aggregates of the whole organisation only.

    ``advised`` holds the interventions advised for all respondents with the ids of the
    rules that advised each; ``done`` the interventions carried out (``--done``);
    ``generated`` marks a demonstration entry (``ism-advise sample --store``). An entry
    without ``consent`` is kept but used for nothing.
    """

    client: str
    wave: str
    date: str
    sector: str
    size_band: str
    platform: str
    consent: bool
    codebook_version: str
    min_group_size: int
    respondents: int
    users: int
    non_users: int
    adoption: float | None
    factors: tuple[FactorEntry, ...]
    advised: tuple[tuple[str, tuple[str, ...]], ...]
    done: tuple[str, ...]
    generated: bool = False


def entry_record(entry: Entry) -> dict[str, Any]:
    """The entry as a JSON-able dict: every field, tuples as lists (the export's line, the
    content hash's input)."""
    record = asdict(entry)
    record["factors"] = [asdict(f) for f in entry.factors]
    record["advised"] = [[i, list(rules)] for i, rules in entry.advised]
    record["done"] = list(entry.done)
    return record


def content_hash(entry: Entry) -> str:
    """SHA-256 (hex) of the entry's canonical JSON: the same entry, the same hash."""
    return json_digest(entry_record(entry))


def check_label(value: Any, what: str) -> str:
    """A label (client, wave, sector, an id) as stored: text, without spaces around it,
    1 to 80 characters, no control characters. Returns it; raises AdvisorError."""
    if not isinstance(value, str):
        raise AdvisorError(N_("{what} must be text"), what=what)
    if value != value.strip() or not value:
        raise AdvisorError(
            N_("{what} must be 1 to {most} characters without spaces around them"),
            what=what,
            most=LABEL_MAX,
        )
    if len(value) > LABEL_MAX:
        raise AdvisorError(
            N_("{what} is {length} characters long: at most {most}"),
            what=what,
            length=len(value),
            most=LABEL_MAX,
        )
    if any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in value):
        raise AdvisorError(N_("{what} holds a control character"), what=what)
    return value


def check_date(value: Any, what: str = "date") -> str:
    """A date written YYYY-MM-DD."""
    if isinstance(value, str) and len(value) == 10:
        try:
            if datetime.date.fromisoformat(value).isoformat() == value:
                return value
        except ValueError:
            pass
    raise AdvisorError(N_("{what} must be a date written YYYY-MM-DD"), what=what)


def check_entry(entry: Entry) -> None:
    """Everything an entry must be before it is written; AdvisorError naming the field."""
    for name in ("client", "wave", "sector", "codebook_version"):
        check_label(getattr(entry, name), name)
    check_date(entry.date)
    if entry.size_band not in SIZE_BANDS:
        raise AdvisorError(N_("size must be one of {choices}"), choices=", ".join(SIZE_BANDS))
    if entry.platform not in PLATFORMS:
        raise AdvisorError(N_("platform must be one of {choices}"), choices=", ".join(PLATFORMS))
    for name in ("consent", "generated"):
        if not isinstance(getattr(entry, name), bool):
            raise AdvisorError(N_("{what} must be true or false"), what=name)
    for name in ("min_group_size", "respondents", "users", "non_users"):
        _count(getattr(entry, name), name)
    if entry.min_group_size < 3:
        raise AdvisorError(N_("{what} must be at least {least}"), what="min_group_size", least=3)
    if entry.users + entry.non_users != entry.respondents:
        raise AdvisorError(N_("users and non_users must add up to respondents"))
    _figure(entry.adoption, "adoption", unit=True)
    if entry.respondents < entry.min_group_size and entry.adoption is not None:
        raise _below("adoption", entry.min_group_size)
    seen: set[str] = set()
    for factor in entry.factors:
        if not isinstance(factor, FactorEntry):
            raise AdvisorError(N_("{what} must be a list of objects"), what="factors")
        check_label(factor.factor, "factor")
        if factor.factor in seen:
            raise AdvisorError(N_("factor {factor} appears twice"), factor=factor.factor)
        seen.add(factor.factor)
        _factor(factor, entry.min_group_size)
    for intervention, rules in entry.advised:
        check_label(intervention, "intervention")
        for rule in rules:
            check_label(rule, "rule")
    for intervention in entry.done:
        check_label(intervention, "intervention")


def _factor(factor: FactorEntry, least: int) -> None:
    """One factor's figures: counts whole and not negative, numbers finite, and no figure
    of a group smaller than the entry's minimum group size."""
    for group in ("users", "non_users"):
        n = getattr(factor, f"{group}_n")
        if n is not None:
            _count(n, f"{factor.factor}: {group}_n")
        shown = [
            name
            for name in (f"{group}_mean", f"{group}_sd")
            if _figure(getattr(factor, name), f"{factor.factor}: {name}") is not None
        ]
        if shown and (n is None or n < least):
            raise _below(f"{factor.factor}: {shown[0]}", least)
    for name in ("gap", "hedges_g"):
        if _figure(getattr(factor, name), f"{factor.factor}: {name}") is not None and (
            factor.users_n is None
            or factor.non_users_n is None
            or min(factor.users_n, factor.non_users_n) < least
        ):
            raise _below(f"{factor.factor}: {name}", least)


def _below(what: str, least: int) -> AdvisorError:
    return AdvisorError(
        N_("{what} is a figure of a group smaller than the minimum group size ({least})"),
        what=what,
        least=least,
    )


def _count(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise AdvisorError(N_("{what} must be a whole number of 0 or more"), what=what)
    return value


def _figure(value: Any, what: str, *, unit: bool = False) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise AdvisorError(N_("{what} must be a number or null"), what=what)
    if not math.isfinite(value):
        raise AdvisorError(N_("{what} must be a finite number"), what=what)
    if unit and not 0 <= value <= 1:
        raise AdvisorError(N_("{what} must be between 0 and 1"), what=what)
    return float(value)
