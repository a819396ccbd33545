"""A demonstration store: generated organisations for ``ism-advise sample --store``.

A consultant who installs ism-advisor has no store yet, so ``--norms`` and the evidence
ledger would show nothing on the first day. ``ism-advise sample --store FILE`` fills a
store with a dozen organisations, each a survey generated from the sample's model with its
own differences (:func:`~ism_advisor.survey.sample.organisation_profiles`) and run through
the real pipeline (:func:`~ism_advisor.app.run.run` and its JSON document), so that their
figures are what a run would store. Each organisation has a second wave, nine months
later, run with its first as a follow-up with ``--done`` (what it carried out in between,
:data:`PLAN`), in which the interventions' planted effects show
(:data:`~ism_advisor.survey.sample.PLANTED_EFFECTS`: one works, one does nothing, one
works only in small organisations); those that carried out the one that works have a third
wave with nothing new carried out, so that the effect is seen to last and the ledger's
comparisons (clients that did not carry an intervention out) hold no planted change.
Every entry is labelled "Generated organisation NN", marked ``generated`` and consented;
their dates lie within the 30 months before a fixed end date (``--date``; never the
clock), so that the same command fills the same store.
"""

from __future__ import annotations

import datetime
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from ..core.errors import P_, AdvisorError, Message
from ..store import PLATFORMS, SIZE_BANDS, Entry, Store, entry_from_document, open_store
from ..survey.codebook import load_codebook
from ..survey.sample import (
    DEFAULT_SEED,
    OrganisationProfile,
    generate_organisation,
    organisation_profiles,
    planted_changes,
)
from .run import document, read_knowledge, run
from .settings import Settings

__all__ = [
    "DEFAULT_END",
    "DEFAULT_ORGANISATIONS",
    "PLAN",
    "SECTORS",
    "SMALL_BANDS",
    "SPAN_DAYS",
    "WAVE_DAYS",
    "Organisation",
    "Wave",
    "demonstration_entries",
    "demonstration_organisations",
    "demonstration_store",
    "fill_store",
    "wave_profile",
]

#: How many organisations ``ism-advise sample --store`` generates.
DEFAULT_ORGANISATIONS = 12
#: The default end of the generated organisations' dates (``--date``): a constant, so that
#: the same command fills the same store on any day.
DEFAULT_END = "2026-11-30"
#: The generated organisations' dates lie within this many days (30 months) before the end.
SPAN_DAYS = 900
#: The days from one wave of a generated organisation to its next (nine months).
WAVE_DAYS = 270
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
#: The size bands of fewer than 250 employees (the EU's line for small and medium-sized
#: enterprises): where starting in team groups works.
SMALL_BANDS = ("1-49", "50-249")
#: What the generated organisations carry out, in turn (the thirteenth starts again at the
#: first): per organisation, per wave after the first, the interventions carried out since
#: the wave before. Six work out loud as leaders (and have a third wave with nothing new),
#: five others put executives on the rollout team, and start in team groups is carried out
#: by the four small ones and three large ones.
PLAN: tuple[tuple[tuple[str, ...], ...], ...] = (
    (("leaders_work_out_loud",), ()),
    (("executives_on_rollout_team", "start_in_team_groups"),),
    (("leaders_work_out_loud", "start_in_team_groups"), ()),
    (("executives_on_rollout_team",),),
    (("leaders_work_out_loud",), ()),
    (("executives_on_rollout_team", "start_in_team_groups"),),
    (("leaders_work_out_loud",), ()),
    (("executives_on_rollout_team", "start_in_team_groups"),),
    (("leaders_work_out_loud", "start_in_team_groups"), ()),
    (("start_in_team_groups",),),
    (("executives_on_rollout_team", "start_in_team_groups"),),
    (("leaders_work_out_loud",), ()),
)
#: The label of the generated organisation number ``n`` (two digits).
LABEL = "Generated organisation {n:02d}"


@dataclass(frozen=True)
class Wave:
    """One survey of a generated organisation: its date and the interventions carried out
    since the organisation's wave before (none for the first)."""

    date: str
    done: tuple[str, ...] = ()


@dataclass(frozen=True)
class Organisation:
    """One generated organisation: its label and what the store records about it."""

    client: str
    sector: str
    size_band: str
    platform: str
    #: its surveys, the first the earliest
    waves: tuple[Wave, ...]
    #: how its generated survey differs from the sample's
    profile: OrganisationProfile

    @property
    def date(self) -> str:
        """The first wave's date."""
        return self.waves[0].date

    @property
    def small(self) -> bool:
        """Whether it has fewer than 250 employees."""
        return self.size_band in SMALL_BANDS


def demonstration_organisations(
    count: int = DEFAULT_ORGANISATIONS, end: str = DEFAULT_END, seed: int = DEFAULT_SEED
) -> tuple[Organisation, ...]:
    """``count`` organisations "Generated organisation 01" … with their profiles (from
    ``seed``), sector and platform in turn (cycles of different lengths, so that they
    combine differently), a size band that holds the organisation's respondents, the waves
    of :data:`PLAN` :data:`WAVE_DAYS` apart, and first waves spread evenly so that every
    wave lies within the :data:`SPAN_DAYS` days before ``end`` (YYYY-MM-DD): the first
    organisation's first wave the earliest, the last organisation's last wave at the
    latest on the end date itself."""
    last = datetime.date.fromisoformat(end)
    longest = max(len(p) for p in PLAN) * WAVE_DAYS
    found = []
    for index, profile in enumerate(organisation_profiles(count, seed)):
        before = SPAN_DAYS - round((SPAN_DAYS - longest) * index / max(1, count - 1))
        first = last - datetime.timedelta(days=before)
        plan = PLAN[index % len(PLAN)]
        waves = [Wave(first.isoformat())]
        for number, done in enumerate(plan, start=1):
            date = first + datetime.timedelta(days=number * WAVE_DAYS)
            waves.append(Wave(date.isoformat(), done))
        found.append(
            Organisation(
                client=LABEL.format(n=index + 1),
                sector=SECTORS[index % len(SECTORS)],
                size_band=_size_band(index, profile.respondents),
                platform=PLATFORMS[index % len(PLATFORMS)],
                waves=tuple(waves),
                profile=profile,
            )
        )
    return tuple(found)


def _size_band(index: int, respondents: int) -> str:
    """50-249 for an organisation of fewer than 250 respondents; else the bands from 250
    employees up in turn, the next one up where the band is smaller than the respondents."""
    if respondents < 250:
        return "50-249"
    larger = SIZE_BANDS[2:]
    band = index % len(larger)
    while not larger[band].endswith("+") and int(larger[band].split("-")[1]) < respondents:
        band += 1
    return larger[band]


def wave_profile(
    organisation: Organisation, index: int, number: int, seed: int = DEFAULT_SEED
) -> tuple[OrganisationProfile, dict[str, tuple[float, float]]]:
    """The profile and the planted changes (factor → users', non-users' change) of the
    wave ``number`` (0: the first) of the organisation number ``index`` (from 0): the
    effects of everything it carried out before it
    (:func:`~ism_advisor.survey.sample.planted_changes`: an effect lasts), and in a later
    wave adoption drifting by a point or two (SD 0.02, from ``seed``), as it does between
    two surveys where nothing was done."""
    done = [i for wave in organisation.waves[1 : number + 1] for i in wave.done]
    profile, changes = planted_changes(organisation.profile, done, small=organisation.small)
    if number:
        drift = float(np.random.default_rng([seed, 5, index, number]).normal(0.0, 0.02))
        adoption = round(min(0.95, max(0.05, profile.adoption + drift)), 2)
        profile = replace(profile, adoption=adoption)
    return profile, changes


def demonstration_entries(
    count: int = DEFAULT_ORGANISATIONS, end: str = DEFAULT_END, seed: int = DEFAULT_SEED
) -> list[Entry]:
    """The store entries of :func:`demonstration_organisations`, one per wave, an
    organisation's in the order of its waves: its first generated survey (its profile from
    ``seed``) run through the pipeline with the packaged knowledge base; each later one
    generated with the planted effects of what it has carried out so far
    (:func:`~ism_advisor.survey.sample.planted_changes`) and run with the wave before as a
    follow-up with ``--done``; each document made an entry (consented, ``generated``)."""
    book = load_codebook()
    entries = []
    with tempfile.TemporaryDirectory(prefix="ism-advise-demo-") as folder:
        knowledge = None
        for index, organisation in enumerate(demonstration_organisations(count, end, seed)):
            previous: Path | None = None
            for number, wave in enumerate(organisation.waves):
                profile, changes = wave_profile(organisation, index, number, seed)
                survey = generate_organisation(
                    book,
                    organisation.client,
                    profile,
                    [seed, 4, index] if number == 0 else [seed, 4, index, number],
                    changes,
                )
                path = Path(folder) / f"organisation-{index + 1:02d}-{number + 1}.csv"
                path.write_text(survey.scores_csv, encoding="utf-8")
                if previous is None:
                    settings = Settings.of((path,), date=wave.date)
                else:
                    done = None
                    if wave.done:
                        done = path.with_suffix(".yaml")
                        done.write_text("".join(f"- {i}\n" for i in wave.done), encoding="utf-8")
                    names = (organisation.waves[number - 1].date, wave.date)
                    settings = Settings.of(
                        (previous, path), date=wave.date, wave_names=names, done=done
                    )
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
                    wave=wave.date,
                    date=wave.date,
                )
                entries.append(replace(entry, generated=True))
                previous = path
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
    filled with :func:`demonstration_entries` (every wave of ``count`` organisations); what
    was done, as one line. The store is
    opened first, so that a location it cannot use is refused before any work."""
    with open_store(location) as store:
        entries = demonstration_entries(count, end, seed)
        counts = fill_store(store, entries)
        label = store.label
    return Message(
        P_(
            "{store}: {n} generated organisation, {entries} entries ({added} added, "
            "{replaced} replaced, {unchanged} unchanged)",
            "{store}: {n} generated organisations, {entries} entries ({added} added, "
            "{replaced} replaced, {unchanged} unchanged)",
        ),
        {"store": label, "n": count, "entries": len(entries), **counts},
    )
