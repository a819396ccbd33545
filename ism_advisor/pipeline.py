"""The whole job in one call: survey file in, advice document out."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .codebook import load_codebook
from .compare import compare_groups
from .disclosure import publish
from .document import advice_document, to_json
from .errors import N_, AdvisorError, Message
from .importance import analyse_drivers
from .knowledge import load_knowledge
from .recommend import recommend
from .survey import load_survey

__all__ = ["Advice", "advise", "available_cores", "render", "render_segments", "segment_reports"]


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
) -> Advice:
    """Validate the knowledge base, load the survey, compare, decide what may be shown,
    and advise on the published figures only.

    The packaged codebook, rules and interventions are used where no path is given.
    ``progress`` is told each stage as it starts (the command shows them on a terminal).
    ``mapping`` (a file from ``ism-advise map``) says which column feeds which item;
    ``include_incomplete`` keeps responses a survey tool marks as incomplete.
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
    )
    stage(
        N_("comparing users and non-users ({respondents} respondents)"),
        respondents=survey.respondents,
    )
    comparison = compare_groups(survey, alpha=alpha)
    published = publish(survey, comparison, min_group_size)
    stage(N_("estimating what drives use"))
    drivers = analyse_drivers(survey, comparison, published)
    stage(N_("applying the rules to {segments} segments"), segments=len(published.segments))
    advice = recommend(published, knowledge, lang, drivers=drivers)
    stage(N_("writing the advice"))
    document = advice_document(
        survey, published, lang=lang, knowledge=knowledge, advice=advice, drivers=drivers
    )
    source = survey.source
    # a plain CSV read without a mapping needs no announcement (and gets none, as before)
    told = source is not None and (source.format != "csv" or source.mapping)
    summary = source.summary() if told and source is not None else None
    warnings = (*knowledge.warnings, *survey.warnings)
    return Advice(document=document, warnings=warnings, source=summary)


def render(
    document: dict,
    fmt: str,
    *,
    title: str | None = None,
    client: str | None = None,
    date: str | None = None,
    templates: Path | None = None,
    segment: int = 0,
) -> bytes:
    """The document as a report (html, pdf, md) or as JSON."""
    if fmt == "json":
        return to_json(document).encode("utf-8")
    from .report import render_report, report_context

    context = report_context(
        document, title=title, client=client, date=date, segment=segment, charts=fmt != "md"
    )
    return render_report(context, fmt, templates)


def segment_reports(document: dict, fmt: str) -> list[tuple[str, int]]:
    """(file name, segment number) for every shown segment's own report."""
    from .report import segment_file_names

    shown = [i for i, s in enumerate(document["segments"]) if i and not s["suppressed"]]
    labels = [(document["segments"][i]["column"], document["segments"][i]["value"]) for i in shown]
    return list(zip(segment_file_names(labels, fmt), shown, strict=True))


def render_segments(
    document: dict, fmt: str, segments: Sequence[int], *, workers: int = 1, **options: Any
) -> Iterator[bytes]:
    """Each segment's report, in order; on ``workers`` processes when more than one.

    The workers are forked with the document in memory and ignore Ctrl-C: the caller
    stops them (leaving the pool stops them too).
    """
    if workers <= 1 or len(segments) < 2 * workers or not _can_fork():
        for index in segments:
            yield render(document, fmt, segment=index, **options)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # a pool that notices a dead worker (multiprocessing.Pool would wait forever)
    with ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_worker_start,
        initargs=(document, fmt, options),
    ) as pool:
        try:
            for data, error in pool.map(_worker_render, segments, chunksize=4):
                if error is not None:
                    template, params, where = error
                    raise AdvisorError(template, **where, **params)
                yield data
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
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


def _worker_start(document: dict, fmt: str, options: dict) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    _WORKER.update(document=document, fmt=fmt, options=options)


def _worker_render(index: int) -> tuple[bytes | None, tuple | None]:
    try:
        data = render(_WORKER["document"], _WORKER["fmt"], segment=index, **_WORKER["options"])
    except AdvisorError as error:  # errors cross the process boundary as plain data
        where = {"path": error.path, "line": error.line, "column": error.column}
        return None, (error.message.template, dict(error.message.params), where)
    except BaseException as error:
        # anything else is a bug: the parent stops with it, rather than waiting
        return None, (N_("a report failed to render: {problem}"), {"problem": repr(error)}, {})
    return data, None
