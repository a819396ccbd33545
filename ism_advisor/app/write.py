"""Writing a run's files: the report in its format, one report or brief per shown
segment (on several processes where there are cores), all moved into place together.

What to write where comes from :class:`~ism_advisor.app.settings.OutputSettings`;
:class:`~ism_advisor.core.files.Outputs` stages every file and moves them into place only
once all of them were made.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..advice.document import to_json
from ..core.errors import N_, P_, AdvisorError, Message
from ..core.files import Outputs
from ..core.i18n import translations
from ..core.parallel import can_fork, worker_count
from .settings import OutputSettings

if TYPE_CHECKING:
    from ..render.deck import DeckTemplate

__all__ = [
    "open_outputs",
    "render",
    "render_options",
    "render_segments",
    "segment_reports",
    "write_advice",
    "write_per_segment",
]

#: A progress bar on the terminal: (length, label) → a context manager with ``update(n)``.
ProgressBar = Callable[[int, str], contextlib.AbstractContextManager[Any]]


def open_outputs(out: OutputSettings) -> Outputs:
    """The run's files, declared (and so checked) before any work: the report (unless it
    goes to standard output) and the per-segment folder."""
    outputs = Outputs(out.inputs)  # every file of the run, moved into place together
    if out.target is not None:
        outputs.file(out.target)
    if out.per_segment is not None:
        outputs.folder(out.per_segment)
    return outputs


def render_options(out: OutputSettings) -> dict[str, Any]:
    """The keyword arguments of :func:`render` that ``out`` sets."""
    options: dict[str, Any] = {
        "title": out.title,
        "client": out.client,
        "date": out.date,
        "templates": out.templates,
        "pptx_template": out.pptx_template,
    }
    if out.pdf_variant is not None:
        options["pdf_variant"] = out.pdf_variant
    return options


def write_advice(
    document: dict,
    out: OutputSettings,
    outputs: Outputs,
    lang: str,
    bar: ProgressBar | None = None,
) -> tuple[bytes, Message | None]:
    """Render the report and, with ``per_segment``, each shown segment's report or brief;
    move them all into place. Returns the report's bytes and the line that says what was
    written per segment (None: nothing was). ``bar``: a progress bar for the segments."""
    options = render_options(out)
    written = None
    with outputs:
        data = render(document, out.fmt, **options)
        if out.target is not None:
            outputs.write(out.target, data)
        if out.per_segment is not None:
            if out.brief:
                options["brief"] = True
                options["report_name"] = None if out.target is None else out.target.name
            written = write_per_segment(
                document, outputs, out.per_segment, out.fmt, options, lang, bar
            )
    return data, written


def write_per_segment(
    document: dict,
    outputs: Outputs,
    folder: Path,
    fmt: str,
    options: dict,
    lang: str,
    bar: ProgressBar | None = None,
) -> Message:
    """Stage one report per shown segment for ``folder`` in ``outputs`` (moved into place
    with the run's other files); returns the line that says what was written."""
    brief = options.get("brief", False)
    if brief:
        from ..render.brief import brief_file_names, brief_index

        reports = brief_file_names(document, fmt)
    else:
        reports = segment_reports(document, fmt)
    rendered = render_segments(
        document, fmt, [index for _, index in reports], workers=worker_count(), **options
    )
    names = [name for name, _ in reports]
    with contextlib.closing(rendered):  # on any error, the workers stop before we return
        if bar is not None:
            label = N_("briefs") if brief else N_("reports")
            with bar(len(reports), Message(label).render(translations(lang))) as shown:
                for name, data in zip(names, rendered, strict=True):
                    outputs.write_in(name, data)
                    shown.update(1)
        else:
            for name, data in zip(names, rendered, strict=True):
                outputs.write_in(name, data)
    if brief:
        html, table = brief_index(
            document, reports, title=options.get("title"), templates=options.get("templates")
        )
        outputs.write_in("index.html", html)
        outputs.write_in("index.csv", table)
    hidden = sum(1 for s in document["segments"][1:] if s["suppressed"])
    skipped = Message(
        P_("{n} hidden segment skipped", "{n} hidden segments skipped"), {"n": hidden}
    )
    params = {"n": len(reports), "folder": str(folder), "skipped": skipped}
    if brief:
        return Message(
            P_(
                "{n} brief written to {folder} ({skipped})",
                "{n} briefs written to {folder} ({skipped})",
            ),
            params,
        )
    return Message(
        P_(
            "{n} segment report written to {folder} ({skipped})",
            "{n} segment reports written to {folder} ({skipped})",
        ),
        params,
    )


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
        return to_json(document, workers=worker_count()).encode("utf-8")
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
    if workers <= 1 or len(segments) < 2 * workers or not can_fork():
        for index in segments:
            yield render(document, fmt, segment=index, **options)
        return

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
