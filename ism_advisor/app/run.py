"""One run: the stage sequence every entry point goes through, in one place.

``ism-advise SCORES``, the library's :func:`~ism_advisor.app.pipeline.advise` and
:func:`~ism_advisor.app.pipeline.advise_waves`, ``ism-advise explain`` and the JSON
document's ``why_not`` all call :func:`run`, so none of them can skip or reorder a stage:

read the knowledge base → read the interventions carried out (``--done``) → read each
wave's survey → compare and publish each wave → the driver analysis on the latest wave →
what changed since the previous wave (several waves) → the norms (``--norms``: the other
organisations in the store) → the facts the rules see → the rules decide
(:func:`~ism_advisor.advice.decide.decide`).

:func:`document` then makes the advice document from a run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..advice.changes import add_change_facts, follow_up_rules, load_done
from ..advice.decide import Decision, advice_of, decide
from ..advice.document import add_follow_up, add_norms, add_not_asked, advice_document
from ..advice.engine import FactSet
from ..advice.facts import published_figures, segment_facts
from ..advice.knowledge import Knowledge, load_knowledge
from ..advice.whynot import why_not_entries
from ..core.errors import N_, P_, Message
from ..core.parallel import worker_count
from ..protect.disclosure import publish
from ..protect.followup import FollowUp, Wave, follow_up
from ..protect.published_drivers import PublishedDrivers, analyse_drivers
from ..stats.compare import Comparison, compare_groups
from ..stats.norms import OrgFigures, compute_norms, months_before
from ..survey import Survey, load_survey
from ..survey.codebook import Codebook, load_codebook
from ..survey.waves import split_waves, wave_names
from .settings import Settings

__all__ = ["APPLYING", "Progress", "Run", "document", "find_norms", "read_knowledge", "run"]

#: The progress line of the rules stage.
APPLYING = P_("applying the rules to {n} segment", "applying the rules to {n} segments")

#: Told each stage as it starts (the command shows them on a terminal).
Progress = Callable[[Message], None]


@dataclass(frozen=True)
class Run:
    """Every stage's result, in the order they ran."""

    settings: Settings
    knowledge: Knowledge
    #: the interventions carried out since the previous survey (``--done``)
    done: tuple[str, ...]
    #: the waves in time order (one file: one wave, without a name)
    waves: tuple[Wave, ...]
    #: each wave's comparison, in the order of ``waves``
    comparisons: tuple[Comparison, ...]
    #: the driver analysis of the latest wave
    drivers: PublishedDrivers
    #: what changed since the previous wave (None: one file)
    follow: FollowUp | None
    #: the latest wave's facts per segment, with the change figures (None: hidden)
    facts: list[FactSet | None]
    #: the rules' decision per segment (None: hidden)
    decisions: list[Decision | None]
    #: the client against the other organisations in the store (``--norms``; None without)
    norms: dict[str, Any] | None = None

    @property
    def latest(self) -> Wave:
        """The latest wave: the one the advice is on."""
        return self.waves[-1]

    @property
    def warnings(self) -> tuple[Any, ...]:
        """The knowledge base's warnings, then each wave's survey's, then the follow-up's."""
        follow = self.follow.warnings if self.follow is not None else ()
        surveys = (w for wave in self.waves for w in wave.survey.warnings)
        return (*self.knowledge.warnings, *surveys, *follow)


def read_knowledge(settings: Settings) -> Knowledge:
    """The codebook, rules and interventions of ``settings`` (the packaged ones where no
    file is given), checked."""
    book = load_codebook(settings.codebook)
    return load_knowledge(book, settings.rules, settings.interventions)


def run(
    settings: Settings, progress: Progress | None = None, *, knowledge: Knowledge | None = None
) -> Run:
    """Every stage from the files to the rules' decisions (see the module docstring);
    ``knowledge``: the knowledge base of ``settings`` when the caller read it already."""

    def stage(template: str, **params: Any) -> None:
        if progress is not None:
            progress(Message(template, params))

    if knowledge is None:
        knowledge = read_knowledge(settings)
    done: tuple[str, ...] = ()
    if settings.done is not None:
        done = load_done(Path(settings.done), knowledge.interventions)
    waves, comparisons = [], []
    for name, survey in _read_waves(settings, knowledge.codebook, stage):
        stage(
            N_("comparing users and non-users ({respondents} respondents)"),
            respondents=survey.respondents,
        )
        comparison = compare_groups(survey, alpha=settings.alpha)
        published = publish(survey, comparison, settings.min_group_size)
        waves.append(Wave(name, survey, published))  # type: ignore[arg-type]
        comparisons.append(comparison)
    latest = waves[-1]
    stage(N_("estimating what drives use"))
    drivers = analyse_drivers(
        latest.survey, comparisons[-1], latest.published, workers=worker_count()
    )
    follow = None
    acted = frozenset(factor for i in done for factor in knowledge.interventions[i].factors)
    if settings.waves:
        follow = follow_up(waves, alpha=settings.alpha, done=done, done_factors=acted)
        follow = replace(follow, rules=follow_up_rules(knowledge.rules))
    norms = None
    if settings.norms:
        stage(N_("comparing with the other organisations in the store"))
        norms = find_norms(settings, knowledge, published_figures(latest.published))
    stage(APPLYING, n=len(latest.published.segments))
    facts = segment_facts(latest.published, settings.lang, drivers, norms)
    if follow is not None:
        titles = _done_titles(knowledge, done, acted, settings.lang)
        facts = add_change_facts(facts, follow, titles)
    decisions = decide(knowledge, facts, settings.lang, done=done)
    return Run(
        settings=settings,
        knowledge=knowledge,
        done=done,
        waves=tuple(waves),
        comparisons=tuple(comparisons),
        drivers=drivers,
        follow=follow,
        facts=facts,
        decisions=decisions,
        norms=norms,
    )


def find_norms(settings: Settings, knowledge: Knowledge, client: OrgFigures) -> dict[str, Any]:
    """The client's norms (:func:`~ism_advisor.stats.norms.compute_norms`): the other
    organisations in the store (``--store``, else ``ISM_ADVISOR_STORE``, else the user's
    data folder) with the same codebook version, each with its latest wave in the
    ``norms_window`` months up to the report date (``--date``, else the store's newest
    entry), the client (``--client``) left out. A store without such entries gives the
    norms of no organisation (nothing shown)."""
    # the store loads SQLAlchemy: only a run with --norms pays for it
    from ..store import open_store, resolve_location

    version = knowledge.codebook.version
    location = resolve_location(settings.store, default=True)
    with open_store(location) as store:  # type: ignore[arg-type]
        until = settings.date or store.latest_date(version)
        since = months_before(until, settings.norms_window) if until is not None else None
        others = []
        if until is not None:
            others = store.norm_figures(
                version, since=since, until=until, exclude_client=settings.client
            )
    return compute_norms(
        client,
        others,
        knowledge.codebook.factors,
        window_months=settings.norms_window,
        since=since,
        until=until,
        codebook_version=version,
    )


def document(found: Run, progress: Progress | None = None) -> dict:
    """The advice document of a run: the latest wave's figures and advice, what changed
    since the previous wave and the items not asked (several waves), and with
    ``explain_all`` why each intervention not advised was not (``why_not``)."""
    if progress is not None:
        progress(Message(N_("writing the advice"), {}))
    settings, knowledge, latest = found.settings, found.knowledge, found.latest
    out = advice_document(
        latest.survey,
        latest.published,
        lang=settings.lang,
        knowledge=knowledge,
        advice=advice_of(found.decisions),
        drivers=found.drivers,
    )
    if found.follow is not None:
        add_follow_up(out, found.follow, knowledge, settings.lang)
        add_not_asked(out, [(wave.name, wave.survey) for wave in found.waves])
    if found.norms is not None:
        add_norms(out, found.norms)
    if settings.explain_all:
        entries = why_not_entries(knowledge, found.decisions, settings.lang, done=found.done)
        for segment, why_not in zip(out["segments"], entries, strict=True):
            if why_not is not None:
                segment["why_not"] = why_not
    return out


def _read_waves(
    settings: Settings, book: Codebook, stage: Callable[..., None]
) -> list[tuple[str | None, Survey]]:
    """Each wave's survey with its name (one file: one wave named None)."""
    options: dict[str, Any] = {
        "mapping": settings.mapping,
        "include_incomplete": settings.include_incomplete,
        "lang": settings.lang,
    }
    if not settings.waves:
        stage(N_("reading {path}"), path=str(settings.scores[0]))
        survey = load_survey(
            settings.scores[0], book, settings.segment_by, **options, sheet=settings.sheet
        )
        return [(None, survey)]
    options.update(absent_ok=True, sheet=settings.sheet)
    if settings.wave_by is not None:
        path = settings.scores[0]
        stage(N_("reading {path}"), path=str(path))
        survey = load_survey(path, book, (*settings.segment_by, settings.wave_by), **options)
        return _items_not_asked_per_wave(
            survey, split_waves(survey, settings.wave_by, settings.wave_names)
        )
    read: list[tuple[str | None, Survey]] = []
    names = wave_names([Path(p) for p in settings.scores], settings.wave_names)
    for name, path in zip(names, settings.scores, strict=True):
        stage(N_("reading {path}"), path=str(path))
        read.append((name, load_survey(path, book, settings.segment_by, **options)))
    return read


def _done_titles(
    knowledge: Knowledge, done: Sequence[str], acted: frozenset[str], lang: str
) -> dict[str, str]:
    """Factor id → the titles of the interventions carried out for it (``done_actions``)."""
    return {
        factor: "”, “".join(
            knowledge.interventions[i].title[lang]
            for i in done
            if factor in knowledge.interventions[i].factors
        )
        for factor in acted
    }


def _items_not_asked_per_wave(whole: Any, read: list) -> list:
    """The waves of one file (``--wave-by``), each with a warning for the items it did not
    ask that the file as a whole did (those the file lacks are warned about once)."""
    told = whole.items_not_asked
    out = []
    for name, survey in read:
        notes = []
        for factor in survey.codebook.factors:
            missing = [
                i
                for i in survey.items_not_asked.get(factor.id, ())
                if i not in told.get(factor.id, ())
            ]
            if missing:
                notes.append(
                    Message(
                        N_(
                            "factor '{factor}' is scored from {count} of its {total} items in"
                            " wave '{wave}': {items} not asked (no answer in any of its rows)"
                        ),
                        {
                            "factor": factor.id,
                            "count": len(factor.items) - len(survey.items_not_asked[factor.id]),
                            "total": len(factor.items),
                            "wave": name,
                            "items": ", ".join(missing),
                        },
                    )
                )
        out.append((name, replace(survey, warnings=(*survey.warnings, *notes))))
    return out
