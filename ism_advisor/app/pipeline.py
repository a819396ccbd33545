"""The whole job in one call: survey file in, advice document out."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..advice.document import add_follow_up, add_not_asked, advice_document, to_json
from ..advice.engine import FactSet
from ..advice.facts import segment_facts
from ..advice.knowledge import Knowledge, load_knowledge
from ..advice.recommend import recommend
from ..core.errors import N_, P_, AdvisorError, Message
from ..protect.disclosure import publish
from ..protect.published_drivers import analyse_drivers
from ..stats.compare import compare_groups
from ..survey import load_survey
from ..survey.codebook import load_codebook

if TYPE_CHECKING:
    from ..render.deck import DeckTemplate
    from ..survey.reading.model import SheetChoice

__all__ = [
    "Advice",
    "WaveFacts",
    "advise",
    "advise_waves",
    "available_cores",
    "render",
    "render_segments",
    "segment_reports",
    "wave_facts",
]

#: The progress line of the rules stage.
APPLYING = P_("applying the rules to {n} segment", "applying the rules to {n} segments")


@dataclass(frozen=True)
class Advice:
    """What one run produced: the document and the warnings to show."""

    document: dict
    #: the knowledge base's warnings (with their positions), then the survey's
    warnings: tuple[Message | AdvisorError, ...]
    #: the one-line summary of what was read from a survey tool's export (None: plain CSV)
    source: Message | None = None


def advise(
    scores: str | Path,
    *,
    codebook: str | Path | None = None,
    rules: str | Path | None = None,
    interventions: str | Path | None = None,
    segment_by: Sequence[str] = (),
    alpha: float = 0.05,
    min_group_size: int = 5,
    lang: str = "en",
    progress: Callable[[Message], None] | None = None,
    mapping: str | Path | None = None,
    include_incomplete: bool = False,
    explain_all: bool = False,
    sheet: SheetChoice | None = None,
) -> Advice:
    """Validate the knowledge base, load the survey, compare, decide what may be shown,
    and advise on the published figures only.

    The packaged codebook, rules and interventions are used where no path is given.
    ``progress`` is told each stage as it starts (the command shows them on a terminal).
    ``mapping`` (a file from ``ism-advise map``) says which column feeds which item;
    ``include_incomplete`` keeps responses a survey tool marks as incomplete; ``sheet``
    chooses a workbook's sheet and header row (``--sheet``, ``--header-row``);
    ``explain_all`` adds to each shown segment of the document why each intervention that
    was not advised was not (``why_not``).
    """

    def stage(template: str, **params: Any) -> None:
        if progress is not None:
            progress(Message(template, params))

    book = load_codebook(codebook)
    knowledge = load_knowledge(book, rules, interventions)
    stage(N_("reading {path}"), path=str(scores))
    survey = load_survey(
        scores,
        book,
        segment_by,
        mapping=mapping,
        include_incomplete=include_incomplete,
        lang=lang,
        sheet=sheet,
    )
    stage(
        N_("comparing users and non-users ({respondents} respondents)"),
        respondents=survey.respondents,
    )
    comparison = compare_groups(survey, alpha=alpha)
    published = publish(survey, comparison, min_group_size)
    stage(N_("estimating what drives use"))
    drivers = analyse_drivers(survey, comparison, published)
    stage(APPLYING, n=len(published.segments))
    advice = recommend(published, knowledge, lang, drivers=drivers)
    stage(N_("writing the advice"))
    document = advice_document(
        survey, published, lang=lang, knowledge=knowledge, advice=advice, drivers=drivers
    )
    if explain_all:
        _add_why_not(document, knowledge, segment_facts(published, lang, drivers), lang)
    source = survey.source
    # a plain CSV read without a mapping needs no announcement (and gets none, as before)
    told = source is not None and (source.format != "csv" or source.mapping)
    summary = source.summary() if told and source is not None else None
    warnings = (*knowledge.warnings, *survey.warnings)
    return Advice(document=document, warnings=warnings, source=summary)


@dataclass(frozen=True)
class WaveFacts:
    """A run over several waves up to the rules: what the advice and ``explain`` share."""

    knowledge: Knowledge
    waves: tuple[Any, ...]
    follow: Any
    drivers: Any
    #: the latest wave's facts per segment, with the change figures (None: hidden)
    facts: list[FactSet | None]
    #: the interventions carried out since the previous survey (--done)
    done: tuple[str, ...]


def wave_facts(
    paths: Sequence[str | Path],
    *,
    wave_names: Sequence[str] = (),
    wave_by: str | None = None,
    done: str | Path | None = None,
    codebook: str | Path | None = None,
    rules: str | Path | None = None,
    interventions: str | Path | None = None,
    segment_by: Sequence[str] = (),
    alpha: float = 0.05,
    min_group_size: int = 5,
    lang: str = "en",
    progress: Callable[[Message], None] | None = None,
    mapping: str | Path | None = None,
    include_incomplete: bool = False,
    sheet: SheetChoice | None = None,
) -> WaveFacts:
    """Read, compare and publish every wave, compare the waves, and make the facts the
    rules see (:func:`advise_waves`; ``ism-advise explain`` over several waves)."""
    from ..advice.changes import add_change_facts, follow_up_rules, load_done
    from ..protect.followup import Wave, follow_up
    from ..survey.waves import split_waves

    def stage(template: str, **params: Any) -> None:
        if progress is not None:
            progress(Message(template, params))

    book = load_codebook(codebook)
    knowledge = load_knowledge(book, rules, interventions)
    carried_out = load_done(Path(done), knowledge.interventions) if done is not None else ()
    read = []
    if wave_by is not None:
        stage(N_("reading {path}"), path=str(paths[0]))
        survey = load_survey(
            paths[0],
            book,
            (*segment_by, wave_by),
            mapping=mapping,
            include_incomplete=include_incomplete,
            lang=lang,
            absent_ok=True,
            sheet=sheet,
        )
        read = _items_not_asked_per_wave(survey, split_waves(survey, wave_by, wave_names))
    else:
        from ..survey.waves import wave_names as names_of

        for name, path in zip(names_of([Path(p) for p in paths], wave_names), paths, strict=True):
            stage(N_("reading {path}"), path=str(path))
            survey = load_survey(
                path,
                book,
                segment_by,
                mapping=mapping,
                include_incomplete=include_incomplete,
                lang=lang,
                absent_ok=True,
                sheet=sheet,
            )
            read.append((name, survey))
    waves, comparisons = [], []
    for name, survey in read:
        stage(
            N_("comparing users and non-users ({respondents} respondents)"),
            respondents=survey.respondents,
        )
        comparison = compare_groups(survey, alpha=alpha)
        published = publish(survey, comparison, min_group_size)
        waves.append(Wave(name, survey, published))
        comparisons.append(comparison)
    latest = waves[-1]
    stage(N_("estimating what drives use"))
    drivers = analyse_drivers(latest.survey, comparisons[-1], latest.published)
    acted = frozenset(factor for i in carried_out for factor in knowledge.interventions[i].factors)
    follow = follow_up(waves, alpha=alpha, done=carried_out, done_factors=acted)
    follow = replace(follow, rules=follow_up_rules(knowledge.rules))
    stage(APPLYING, n=len(latest.published.segments))
    titles = {
        factor: "”, “".join(
            knowledge.interventions[i].title[lang]
            for i in carried_out
            if factor in knowledge.interventions[i].factors
        )
        for factor in acted
    }
    facts = add_change_facts(segment_facts(latest.published, lang, drivers), follow, titles)
    return WaveFacts(knowledge, tuple(waves), follow, drivers, facts, carried_out)


def advise_waves(
    paths: Sequence[str | Path],
    *,
    wave_names: Sequence[str] = (),
    wave_by: str | None = None,
    done: str | Path | None = None,
    codebook: str | Path | None = None,
    rules: str | Path | None = None,
    interventions: str | Path | None = None,
    segment_by: Sequence[str] = (),
    alpha: float = 0.05,
    min_group_size: int = 5,
    lang: str = "en",
    progress: Callable[[Message], None] | None = None,
    mapping: str | Path | None = None,
    include_incomplete: bool = False,
    explain_all: bool = False,
    sheet: SheetChoice | None = None,
) -> Advice:
    """Several survey waves in time order (``paths``, or one file split by ``wave_by``):
    the advice on the latest wave, which also says what changed since the previous one.

    Every wave is read with the same codebook and mapping and published on its own;
    change figures are shown only where both waves show the comparison (see
    :mod:`ism_advisor.protect.followup`). ``done`` is a YAML list of the interventions carried
    out since the last survey; the rules see which factors they addressed, and none of
    them is advised again as new.
    """
    from ..advice.recommend import advise_segments

    found = wave_facts(
        paths,
        wave_names=wave_names,
        wave_by=wave_by,
        done=done,
        codebook=codebook,
        rules=rules,
        interventions=interventions,
        segment_by=segment_by,
        alpha=alpha,
        min_group_size=min_group_size,
        lang=lang,
        progress=progress,
        mapping=mapping,
        include_incomplete=include_incomplete,
        sheet=sheet,
    )
    knowledge, latest, facts = found.knowledge, found.waves[-1], found.facts
    advice = advise_segments(knowledge, facts, lang, done=found.done)
    if progress is not None:
        progress(Message(N_("writing the advice"), {}))
    document = advice_document(
        latest.survey,
        latest.published,
        lang=lang,
        knowledge=knowledge,
        advice=advice,
        drivers=found.drivers,
    )
    add_follow_up(document, found.follow, knowledge, lang)
    add_not_asked(document, [(wave.name, wave.survey) for wave in found.waves])
    if explain_all:
        _add_why_not(document, knowledge, facts, lang, done=found.done)
    warnings = [*knowledge.warnings]
    for wave in found.waves:
        warnings.extend(wave.survey.warnings)
    warnings.extend(found.follow.warnings)
    return Advice(document=document, warnings=tuple(warnings), source=None)


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


def _add_why_not(
    document: dict,
    knowledge: Knowledge,
    facts: Sequence[FactSet | None],
    lang: str,
    done: Sequence[str] = (),
) -> None:
    """``why_not`` in each shown segment of the document (``--explain-all``)."""
    from .explain import why_not_entries

    entries = why_not_entries(knowledge, facts, lang, done=done)
    for segment, why_not in zip(document["segments"], entries, strict=True):
        if why_not is not None:
            segment["why_not"] = why_not


def render(
    document: dict,
    fmt: str,
    *,
    title: str | None = None,
    client: str | None = None,
    date: str | None = None,
    templates: Path | None = None,
    segment: int = 0,
    pdf_variant: str | None = None,
    pptx_template: DeckTemplate | None = None,
    brief: bool = False,
    report_name: str | None = None,
) -> bytes:
    """The document as a report (html, pdf, md), a PowerPoint deck (pptx) or as JSON;
    a PDF of ``pdf_variant`` (default: tagged PDF/UA-1, see ``report.PDF_VARIANTS``).

    ``templates`` is the folder of report templates (html, pdf, md); ``pptx_template`` a
    checked PowerPoint template (:func:`~ism_advisor.render.deck.load_deck_template`; None: the
    packaged one). ``brief``: the one-page manager brief on ``segment`` (html, pdf, md, pptx;
    see :mod:`ism_advisor.render.brief`), pointing to the full report ``report_name``.
    """
    if brief and fmt == "pptx":
        from ..render.brief import render_brief_deck

        return render_brief_deck(
            document,
            segment,
            title=title,
            client=client,
            date=date,
            report_name=report_name,
            template=pptx_template,
        )
    if brief:
        from ..render.brief import brief_context, render_brief

        context = brief_context(
            document, segment, title=title, client=client, date=date, report_name=report_name
        )
        return render_brief(context, fmt, templates, pdf_variant)
    if fmt == "json":
        return to_json(document).encode("utf-8")
    if fmt == "pptx":
        from ..render.deck import render_deck

        return render_deck(
            document, title=title, client=client, date=date, segment=segment, template=pptx_template
        )
    from ..render.context.build import report_context
    from ..render.pdf import DEFAULT_PDF_VARIANT
    from ..render.report import render_report

    context = report_context(
        document, title=title, client=client, date=date, segment=segment, charts=fmt != "md"
    )
    return render_report(context, fmt, templates, pdf_variant or DEFAULT_PDF_VARIANT)


def segment_reports(document: dict, fmt: str) -> list[tuple[str, int]]:
    """(file name, segment number) for every shown segment's own report."""
    from ..render.names import segment_file_names

    shown = [i for i, s in enumerate(document["segments"]) if i and not s["suppressed"]]
    labels = [(document["segments"][i]["column"], document["segments"][i]["value"]) for i in shown]
    return list(zip(segment_file_names(labels, fmt), shown, strict=True))


def render_segments(
    document: dict, fmt: str, segments: Sequence[int], *, workers: int = 1, **options: Any
) -> Iterator[bytes]:
    """Each segment's report, in order; on ``workers`` processes when more than one.

    The workers are forked with the document in memory and leave Ctrl-C and SIGTERM to
    this process: on any error or interrupt here they skip what is left, end after the
    report each is making, and are waited for (none outlives this process).
    """
    if workers <= 1 or len(segments) < 2 * workers or not _can_fork():
        for index in segments:
            yield render(document, fmt, segment=index, **options)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork")
    stop = context.Event()
    # a pool that notices a dead worker (multiprocessing.Pool would wait forever)
    with ProcessPoolExecutor(
        workers,
        mp_context=context,
        initializer=_worker_start,
        initargs=(document, fmt, options, stop, os.getpid()),
    ) as pool:
        try:
            for data, error in pool.map(_worker_render, segments, chunksize=4):
                if error is not None:
                    template, params, where = error
                    raise AdvisorError(template, **where, **params)
                yield data
        except BaseException:
            # The pool's own shutdown, never a killed worker (that can hang the pool on
            # Python before 3.14): the workers skip what is queued and are waited for.
            stop.set()
            pool.shutdown(wait=True, cancel_futures=True)
            raise


def available_cores() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


_WORKER: dict[str, Any] = {}


def _worker_start(document: dict, fmt: str, options: dict, stop: Any, parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    signal.signal(signal.SIGTERM, _worker_sigterm)  # and SIGTERM (sent to the whole group)
    _WORKER.update(document=document, fmt=fmt, options=options, stop=stop, parent=parent)


def _worker_sigterm(signum: int, frame: Any) -> None:
    """SIGTERM in a worker: the parent stops the workers, unless it is gone (killed)."""
    if os.getppid() != _WORKER.get("parent"):
        os._exit(128 + signum)


def _worker_render(index: int) -> tuple[bytes | None, tuple | None]:
    if _WORKER["stop"].is_set():  # the parent stopped: skip what is left
        return None, None
    try:
        data = render(_WORKER["document"], _WORKER["fmt"], segment=index, **_WORKER["options"])
    except AdvisorError as error:  # errors cross the process boundary as plain data
        where = {"path": error.path, "line": error.line, "column": error.column}
        return None, (error.message.template, dict(error.message.params), where)
    except BaseException as error:
        # anything else is a bug: the parent stops with it, rather than waiting
        return None, (N_("a report failed to render: {problem}"), {"problem": repr(error)}, {})
    return data, None
