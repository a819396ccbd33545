"""A demonstration store: generated organisations for ``ism-advise sample --store``.

A consultant who installs ism-advisor has no store yet, so ``--norms`` would show nothing
on the first day. ``ism-advise sample --store FILE`` fills a store with a dozen
organisations, each a survey generated from the sample's model with its own differences
(:func:`~ism_advisor.survey.sample.organisation_profiles`) and run through the real
pipeline (:func:`~ism_advisor.app.run.run` and its JSON document), so that their figures
are what a run would store. Every entry is labelled "Generated organisation NN", marked
``generated`` and consented; their dates are spread over the 30 months before a fixed end
date (``--date``; never the clock), so that the same command fills the same store.
"""

from __future__ import annotations

import datetime
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from ..core.errors import P_, AdvisorError, Message
from ..store import PLATFORMS, SIZE_BANDS, Entry, Store, entry_from_document, open_store
from ..survey.codebook import load_codebook
from ..survey.sample import (
    DEFAULT_SEED,
    OrganisationProfile,
    generate_organisation,
    organisation_profiles,
)
from .run import document, read_knowledge, run
from .settings import Settings

__all__ = [
    "DEFAULT_END",
    "DEFAULT_ORGANISATIONS",
    "SECTORS",
    "SPAN_DAYS",
    "Organisation",
    "demonstration_entries",
    "demonstration_organisations",
    "demonstration_store",
    "fill_store",
]

#: How many organisations ``ism-advise sample --store`` generates.
DEFAULT_ORGANISATIONS = 12
#: The default end of the generated organisations' dates (``--date``): a constant, so that
#: the same command fills the same store on any day.
DEFAULT_END = "2026-11-30"
#: The generated organisations' dates lie within this many days (30 months) before the end.
SPAN_DAYS = 900
#: The sectors the generated organisations are in, in turn.
SECTORS = (
    "healthcare",
    "local government",
    "construction",
    "education",
    "finance",
    "retail",
    "manufacturing",
    "energy",
)
#: The label of the generated organisation number ``n`` (two digits).
LABEL = "Generated organisation {n:02d}"


@dataclass(frozen=True)
class Organisation:
    """One generated organisation: its label and what the store records about it."""

    client: str
    sector: str
    size_band: str
    platform: str
    date: str
    #: how its generated survey differs from the sample's
    profile: OrganisationProfile


def demonstration_organisations(
    count: int = DEFAULT_ORGANISATIONS, end: str = DEFAULT_END, seed: int = DEFAULT_SEED
) -> tuple[Organisation, ...]:
    """``count`` organisations "Generated organisation 01" … with their profiles (from
    ``seed``), sector and platform in turn (cycles of different lengths, so that they
    combine differently), a size band that holds the organisation's respondents, and
    dates spread evenly over the :data:`SPAN_DAYS` days before ``end`` (YYYY-MM-DD): the
    first organisation the earliest, the last on the end date itself."""
    last = datetime.date.fromisoformat(end)
    found = []
    for index, profile in enumerate(organisation_profiles(count, seed)):
        before = round(SPAN_DAYS * (count - 1 - index) / max(1, count - 1))
        found.append(
            Organisation(
                client=LABEL.format(n=index + 1),
                sector=SECTORS[index % len(SECTORS)],
                size_band=_size_band(index, profile.respondents),
                platform=PLATFORMS[index % len(PLATFORMS)],
                date=(last - datetime.timedelta(days=before)).isoformat(),
                profile=profile,
            )
        )
    return tuple(found)


def _size_band(index: int, respondents: int) -> str:
    """The bands from 50 employees up in turn, the next one up where the band is smaller
    than the organisation's respondents."""
    band = 1 + index % (len(SIZE_BANDS) - 1)
    while not SIZE_BANDS[band].endswith("+") and int(SIZE_BANDS[band].split("-")[1]) < respondents:
        band += 1
    return SIZE_BANDS[band]


def demonstration_entries(
    count: int = DEFAULT_ORGANISATIONS, end: str = DEFAULT_END, seed: int = DEFAULT_SEED
) -> list[Entry]:
    """The store entries of :func:`demonstration_organisations`: each organisation's
    generated survey (its profile from ``seed``) run through the pipeline with the packaged
    knowledge base, its document made an entry (consented, ``generated``)."""
    book = load_codebook()
    entries = []
    with tempfile.TemporaryDirectory(prefix="ism-advise-demo-") as folder:
        knowledge = None
        for index, organisation in enumerate(demonstration_organisations(count, end, seed)):
            survey = generate_organisation(
                book, organisation.client, organisation.profile, [seed, 4, index]
            )
            path = Path(folder) / f"organisation-{index + 1:02d}.csv"
            path.write_text(survey.scores_csv, encoding="utf-8")
            settings = Settings.of((path,), date=organisation.date)
            if knowledge is None:
                knowledge = read_knowledge(settings)
            found = document(run(settings, knowledge=knowledge))
            entry = entry_from_document(
                found,
                client=organisation.client,
                sector=organisation.sector,
                size_band=organisation.size_band,
                platform=organisation.platform,
                consent=True,
                date=organisation.date,
            )
            entries.append(replace(entry, generated=True))
    return entries


def fill_store(store: Store, entries: list[Entry]) -> dict[str, int]:
    """Add the generated ``entries`` to ``store``, each replacing the entry of the same
    label and wave (a second run with another seed renews them), and count what happened
    ("added", "unchanged", "replaced"). Generated organisations go into a store of their
    own: a store that holds an entry that was not generated is refused before anything is
    added, so that no client is compared with made-up organisations."""
    real = sum(not held.generated for held in store.entries())
    if real:
        raise AdvisorError(
            P_(
                "holds {n} entry of a real client: the generated organisations go into a "
                "store of their own (give another --store)",
                "holds {n} entries of real clients: the generated organisations go into a "
                "store of their own (give another --store)",
            ),
            path=store.label,
            n=real,
        )
    counts = {"added": 0, "unchanged": 0, "replaced": 0}
    for entry in entries:
        counts[store.add(entry, replace=True)] += 1
    return counts


def demonstration_store(
    location: str,
    count: int = DEFAULT_ORGANISATIONS,
    end: str = DEFAULT_END,
    seed: int = DEFAULT_SEED,
) -> Message:
    """``ism-advise sample --store LOCATION``: the store at ``location`` (made if new)
    filled with :func:`demonstration_entries`; what was done, as one line. The store is
    opened first, so that a location it cannot use is refused before any work."""
    with open_store(location) as store:
        entries = demonstration_entries(count, end, seed)
        counts = fill_store(store, entries)
        label = store.label
    return Message(
        P_(
            "{store}: {n} generated organisation ({added} added, {replaced} replaced, "
            "{unchanged} unchanged)",
            "{store}: {n} generated organisations ({added} added, {replaced} replaced, "
            "{unchanged} unchanged)",
        ),
        {"store": label, "n": len(entries), **counts},
    )
