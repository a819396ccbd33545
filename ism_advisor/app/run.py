"""One run: the stage sequence every entry point goes through, in one place.

``ism-advise SCORES``, the library's :func:`~ism_advisor.app.pipeline.advise` and
:func:`~ism_advisor.app.pipeline.advise_waves`, ``ism-advise explain`` and the JSON
document's ``why_not`` all call :func:`run`, so none of them can skip or reorder a stage:

read the knowledge base → read the interventions carried out (``--done``) → read each
wave's survey → compare and publish each wave → the driver analysis on the latest wave →
what changed since the previous wave (several waves) → the norms (``--norms``: the other
organisations in the store) → the evidence ledger (``--evidence``: what the interventions
changed at the store's other clients) → the facts the rules see → the rules decide
(:func:`~ism_advisor.advice.decide.decide`). With ``--comments`` the latest wave's comments
are coded and published (:func:`find_comments`) before the facts, which then have the
comments' figures.

:func:`document` then makes the advice document from a run.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..advice.changes import add_change_facts, follow_up_rules, load_done
from ..advice.decide import Decision, advice_of, decide
from ..advice.document import (
    add_comments,
    add_follow_up,
    add_memory,
    add_norms,
    add_not_asked,
    advice_document,
)
from ..advice.engine import FactSet
from ..advice.facts import published_figures, segment_facts
from ..advice.knowledge import Knowledge, load_knowledge
from ..advice.whynot import why_not_entries
from ..core.errors import N_, P_, AdvisorError, Message
from ..core.parallel import worker_count
from ..protect.comments import PublishedComments, comment_texts, publish_comments
from ..protect.disclosure import publish
from ..protect.followup import FollowUp, Wave, follow_up
from ..protect.memory import checked_runs, published_cells
from ..protect.published_drivers import PublishedDrivers, analyse_drivers
from ..stats.compare import Comparison, compare_groups
from ..stats.norms import OrgFigures, compute_norms, months_before
from ..survey import Survey, load_survey
from ..survey.codebook import Codebook, load_codebook
from ..survey.waves import split_waves, wave_names
from .evidence import ledger
from .settings import Settings

__all__ = [
    "APPLYING",
    "Progress",
    "Run",
    "document",
    "earlier_runs",
    "find_comments",
    "find_evidence",
    "find_norms",
    "memory_store",
    "read_knowledge",
    "remember",
    "run",
]

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
    #: publication memory: what this run published, to record once its outputs are
    #: written (:func:`remember`); None without a store, --client or with --no-memory
    record: dict | None = None
    #: the client against the other organisations in the store (``--norms``; None without)
    norms: dict[str, Any] | None = None
    #: the store's evidence ledger, the client left out (``--evidence``; None without):
    #: the document's ``evidence``
    evidence: dict[str, Any] | None = None
    #: the latest wave's comments as the document shows them (``--comments``; None
    #: without)
    comments: PublishedComments | None = None

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
    earlier = earlier_runs(settings)  # publication memory: None without it
    read = _read_waves(settings, knowledge.codebook, stage)
    for index, (name, survey) in enumerate(read):
        stage(
            N_("comparing users and non-users ({respondents} respondents)"),
            respondents=survey.respondents,
        )
        comparison = compare_groups(survey, alpha=settings.alpha)
        if earlier is None:
            published = publish(survey, comparison, settings.min_group_size)
        else:
            last = index == len(read) - 1
            published = _publish_with_memory(
                settings, knowledge, survey, comparison, earlier, waves, last=last
            )
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
        follow = replace(follow, rules=follow_up_rules(knowledge.rules, evidence=settings.evidence))
    norms = None
    if settings.norms:
        stage(N_("comparing with the other organisations in the store"))
        norms = find_norms(settings, knowledge, published_figures(latest.published))
    evidence = None
    if settings.evidence:
        stage(N_("reading what the interventions changed at other clients"))
        evidence = find_evidence(settings, knowledge)
    comments = None
    if settings.comments:
        comments = find_comments(settings, knowledge, latest, stage)
    stage(APPLYING, n=len(latest.published.segments))
    facts = segment_facts(
        latest.published,
        settings.lang,
        drivers,
        norms,
        evidence,
        comments=None if comments is None else comments.segments,
    )
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
        record=None if earlier is None else published_cells(latest.published),
        norms=norms,
        evidence=evidence,
        comments=comments,
    )


def find_comments(
    settings: Settings, knowledge: Knowledge, latest: Wave, stage: Callable[..., None]
) -> PublishedComments:
    """The latest wave's comments (read redacted with the survey, ``--comments``) coded
    by the comments' codes (``--comment-codes``, else the knowledge base's, else the
    packaged ones) and the consultant's examples (``--comment-examples``), their emerging
    themes found, and published (:func:`~ism_advisor.protect.comments.publish_comments`:
    groups of at least ``--min-comments``, never below ``--min-group-size``)."""
    from ..stats.comments import (
        code_comments,
        emerging_themes,
        load_comment_codes,
        read_examples,
    )

    factors = [factor.id for factor in knowledge.codebook.factors]
    codes = load_comment_codes(settings.comment_codes, factors)
    examples = None
    for path in settings.comment_examples:  # several sheets: one set of examples
        read = read_examples(path)
        examples = read if examples is None else examples + read
    survey = latest.survey
    if not survey.comments.index.equals(survey.scores.index):  # one wave of a --wave-by file
        survey = replace(survey, comments=survey.comments.reindex(survey.scores.index))
    _, texts = comment_texts(survey.comments)
    stage(P_("coding {n} comment", "coding {n} comments"), n=len(texts))
    coded = code_comments(texts, codes, examples)
    return publish_comments(
        survey,
        latest.published,
        coded,
        codes,
        threshold=settings.comment_threshold,
        lang=settings.lang,
        find_themes=emerging_themes,
    )


def find_norms(settings: Settings, knowledge: Knowledge, client: OrgFigures) -> dict[str, Any]:
    """The client's norms (:func:`~ism_advisor.stats.norms.compute_norms`): the other
    organisations in the store (``--store``, else ``ISM_ADVISOR_STORE``, else the user's
    data folder) with the same codebook version, each with its latest wave in the
    ``norms_window`` months up to the report date (``--date``, else the store's newest
    entry), the client (``--client``) left out — and, named or not, an entry with exactly
    this run's figures (this run, added to the store before). A store without such
    entries gives the norms of no organisation (nothing shown)."""
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
    others = [other for other in others if not client.same_figures(other)]
    return compute_norms(
        client,
        others,
        knowledge.codebook.factors,
        window_months=settings.norms_window,
        since=since,
        until=until,
        codebook_version=version,
    )


def find_evidence(settings: Settings, knowledge: Knowledge) -> dict[str, Any]:
    """The store's evidence ledger (:func:`~ism_advisor.app.evidence.ledger`): the store as
    for the norms (``--store``, else ``ISM_ADVISOR_STORE``, else the user's data folder),
    the client (``--client``) left out, only periods ending on or before the report date
    (``--date``), titles and labels in the run's language."""
    location = resolve_location(settings.store, default=True)
    with open_store(location) as store:  # type: ignore[arg-type]
        return ledger(store, knowledge, settings.lang, client=settings.client, until=settings.date)


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
        date=settings.date,
    )
    if found.follow is not None:
        add_follow_up(out, found.follow, knowledge, settings.lang)
        add_not_asked(out, [(wave.name, wave.survey) for wave in found.waves])
    if found.record is not None:
        # the same run made before is no earlier run: a rerun gives the same document
        # (every wave's: a run over several waves checks each against the runs of its data)
        run_id = found.record["run"]
        checked = [c for wave in found.waves for c in wave.published.checked]
        add_memory(out, checked_runs([c for c in checked if c["run"] != run_id]))
    if found.norms is not None:
        add_norms(out, found.norms)
    if found.evidence is not None:
        out["evidence"] = found.evidence
    if found.comments is not None:
        add_comments(out, found.comments.summary, found.comments.segments)
    if settings.explain_all:
        entries = why_not_entries(knowledge, found.decisions, settings.lang, done=found.done)
        for segment, why_not in zip(out["segments"], entries, strict=True):
            if why_not is not None:
                segment["why_not"] = why_not
    return out


# -- publication memory (ism_advisor.protect.memory) ----------------------------------------


def memory_store(settings: Settings) -> str | None:
    """Where publication memory keeps the client's runs: the store of ``--store`` or
    ``ISM_ADVISOR_STORE`` (never the default one: memory needs a store the consultant
    chose), when ``--client`` names the client and ``--no-memory`` is not given; else None.
    """
    if settings.client is None or not settings.memory:
        return None
    if settings.store is None and not os.environ.get("ISM_ADVISOR_STORE"):
        return None  # no store chosen: the store's module (SQLAlchemy) is not even loaded
    return resolve_location(settings.store, default=False)


def earlier_runs(settings: Settings) -> list[dict] | None:
    """The records of the client's earlier runs (None: no publication memory)."""
    location = memory_store(settings)
    if location is None:
        return None
    with open_store(location) as store:
        return list(store.publications(settings.client))


def remember(settings: Settings, record: dict | None) -> bool:
    """Record what a run published (:attr:`Run.record`) in the client's publication
    memory; the caller calls it once the run's outputs are written (``ism-advise SCORES``:
    :func:`ism_advisor.cli.advise.advise_command`, after ``write_advice``), so that a
    failed run records nothing. False: nothing to record, or the same run is there."""
    location = memory_store(settings)
    if location is None or record is None:
        return False
    with open_store(location) as store:
        return bool(store.record_publication(settings.client, record))


def open_store(location: str) -> Any:
    """:func:`ism_advisor.store.open_store` (looked up here, so that a test can replace
    it)."""
    from ..store import open_store as open_

    return open_(location)


def resolve_location(option: str | None, *, default: bool) -> str | None:
    """:func:`ism_advisor.store.resolve_location` (looked up here, as :func:`open_store`)."""
    from ..store import resolve_location as resolve

    return resolve(option, default=default)


def _publish_with_memory(
    settings: Settings,
    knowledge: Knowledge,
    survey: Survey,
    comparison: Comparison,
    earlier: list[dict],
    before: list[Wave],
    *,
    last: bool,
) -> Any:
    """One wave published against the client's earlier runs. Only the latest wave (the
    run's own data) refuses an earlier run of nearly the same respondents; the records of
    this run's earlier waves (``before``: published already) are theirs, not the latest
    wave's near misses."""
    wide = _with_columns(settings, knowledge.codebook, survey, earlier)
    theirs = {c["run"] for wave in before for c in wave.published.checked}
    records = [r for r in earlier if r.get("run") not in theirs] if last else earlier
    return publish(wide, comparison, settings.min_group_size, records, refuse_nearly=last)


def _with_columns(settings: Settings, book: Codebook, survey: Survey, earlier: list) -> Survey:
    """``survey`` with the segment columns of the earlier runs' segmentations too (read
    again with them; one the file lacks is left out: a record of it cannot apply)."""
    have = set(survey.segments.columns)
    extra = sorted(
        {
            "+".join(spec)
            for record in earlier
            for spec in record.get("segment_by", ())
            if isinstance(spec, list) and spec and not set(spec) <= have
        }
    )
    if not extra or settings.waves:  # a wave's records are the same file's: read with it
        return survey
    options = {**_reading_options(settings), "sheet": settings.sheet}
    path, wanted = settings.scores[0], [*settings.segment_by]
    try:
        wide = load_survey(path, book, (*wanted, *extra), **options)
    except AdvisorError:  # a column this file lacks: find which, one at a time
        for spec in extra:
            try:
                load_survey(path, book, (*wanted, spec), **options)
            except AdvisorError:
                continue
            wanted.append(spec)
        if len(wanted) == len(settings.segment_by):
            return survey
        wide = load_survey(path, book, wanted, **options)
    if wide.respondents != survey.respondents:
        return survey
    return replace(wide, segment_by=survey.segment_by)


def _read_waves(
    settings: Settings, book: Codebook, stage: Callable[..., None]
) -> list[tuple[str | None, Survey]]:
    """Each wave's survey with its name (one file: one wave named None)."""
    options = _reading_options(settings)
    if not settings.waves:
        stage(N_("reading {path}"), path=str(settings.scores[0]))
        survey = load_survey(
            settings.scores[0],
            book,
            settings.segment_by,
            **options,
            **_comment_options(settings),
            sheet=settings.sheet,
        )
        return [(None, survey)]
    options.update(absent_ok=True, sheet=settings.sheet)
    if settings.wave_by is not None:
        path = settings.scores[0]
        stage(N_("reading {path}"), path=str(path))
        survey = load_survey(
            path,
            book,
            (*settings.segment_by, settings.wave_by),
            **options,
            **_comment_options(settings),
        )
        return _items_not_asked_per_wave(
            survey, split_waves(survey, settings.wave_by, settings.wave_names)
        )
    read: list[tuple[str | None, Survey]] = []
    names = wave_names([Path(p) for p in settings.scores], settings.wave_names)
    for name, path in zip(names, settings.scores, strict=True):
        stage(N_("reading {path}"), path=str(path))
        latest = path == settings.scores[-1]  # only the latest wave's comments are read
        more = _comment_options(settings) if latest else {}
        read.append((name, load_survey(path, book, settings.segment_by, **options, **more)))
    return read


def _comment_options(settings: Settings) -> dict[str, Any]:
    """How ``settings`` asks the comments to be read (none without ``--comments``: the
    reader is then called as before)."""
    if not settings.comments:
        return {}
    return {
        "comments": settings.comments,
        "redact_terms": settings.redact,
        "redact_segments": settings.redact_segments,
    }


def _reading_options(settings: Settings) -> dict[str, Any]:
    """How ``settings`` asks a survey file to be read (:func:`load_survey`'s options)."""
    return {
        "mapping": settings.mapping,
        "include_incomplete": settings.include_incomplete,
        "lang": settings.lang,
    }


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
