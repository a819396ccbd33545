"""An entry from a run's JSON document (:func:`entry_from_document`): the overall segment's
published figures only, nothing a run hid, no free text."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..core.errors import N_, AdvisorError
from .model import FACTOR_FIGURES, Entry, FactorEntry, check_date, check_entry, check_label

__all__ = ["entry_from_document"]

_COUNTS = ("users_n", "non_users_n")


def entry_from_document(
    document: dict,
    *,
    client: str,
    sector: str,
    size_band: str,
    platform: str,
    consent: bool,
    wave: str | None = None,
    date: str | None = None,
) -> Entry:
    """The store's entry of a run's JSON document (``ism-advise … --format json``): the
    whole organisation's segment (the first) only.

    ``wave`` defaults to the document's latest wave's name (a run over several waves),
    else to the date; ``date`` to the run's ``--date``. Labels are stripped; a document
    that is not a run's, was made by an older ism-advise (no codebook version) or whose
    overall segment was hidden is refused (AdvisorError).
    """
    if not _is_run(document):
        raise AdvisorError(N_("not the JSON document of a run (ism-advise SCORES --format json)"))
    version = (document.get("knowledge") or {}).get("codebook_version")
    if not isinstance(version, str):
        raise AdvisorError(
            N_("the document was made by an older ism-advise (no codebook version): run it again")
        )
    overall = document["segments"][0]
    if overall.get("suppressed"):
        raise AdvisorError(N_("the document's whole-organisation figures are hidden"))
    settings = document["settings"]
    date = date if date is not None else settings.get("date")
    if date is None:
        raise AdvisorError(N_("the document has no date: give --date YYYY-MM-DD"))
    names = (document.get("waves") or {}).get("names") or []
    if wave is None:
        wave = names[-1] if names else date
    done = [d["intervention"] for d in (document.get("waves") or {}).get("done", [])]
    entry = Entry(
        client=check_label(_stripped(client), "client"),
        wave=check_label(_stripped(wave), "wave"),
        date=check_date(date),
        sector=check_label(_stripped(sector), "sector"),
        size_band=size_band,
        platform=platform,
        consent=bool(consent),
        codebook_version=version,
        min_group_size=int(settings["min_group_size"]),
        respondents=int(overall["respondents"]),
        users=int(overall["users"]),
        non_users=int(overall["non_users"]),
        adoption=_number(overall.get("adoption_rate")),
        factors=tuple(_factor(c) for c in overall.get("comparisons", [])),
        advised=tuple(
            (r["intervention"], tuple(r.get("rules", [])))
            for r in overall.get("recommendations", [])
        ),
        done=tuple(done),
    )
    check_entry(entry)
    return entry


def _is_run(document: Any) -> bool:
    return (
        isinstance(document, Mapping)
        and document.get("schema_version") == 1
        and isinstance(document.get("settings"), Mapping)
        and isinstance(document.get("segments"), list)
        and bool(document["segments"])
        and isinstance(document["segments"][0], Mapping)
        and not document["segments"][0].get("column")
    )


def _stripped(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _factor(comparison: Mapping[str, Any]) -> FactorEntry:
    """A factor's figures; all None where the comparison was hidden."""
    if comparison.get("suppressed"):
        return FactorEntry(comparison["factor"], *(None for _ in FACTOR_FIGURES))
    return FactorEntry(
        comparison["factor"],
        *(
            _whole(comparison.get(name)) if name in _COUNTS else _number(comparison.get(name))
            for name in FACTOR_FIGURES
        ),
    )


def _whole(value: Any) -> int | None:
    return None if value is None else int(value)


def _number(value: Any) -> float | None:
    return None if value is None else float(value)
