"""The whole job in one call: survey file in, advice document out.

:func:`advise` and :func:`advise_waves` are the library's entry points; both make a
:class:`~ism_advisor.app.settings.Settings` and go through the one stage sequence of
:func:`ism_advisor.app.run.run`, as ``ism-advise SCORES`` does (:func:`run_advice`).
Rendering and writing the outputs is :mod:`ism_advisor.app.write`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.errors import AdvisorError, Message
from .run import document, run
from .settings import Settings

__all__ = ["Advice", "advise", "advise_waves", "run_advice"]


@dataclass(frozen=True)
class Advice:
    """What one run produced: the document and the warnings to show."""

    document: dict
    #: the knowledge base's warnings (with their positions), then the survey's
    warnings: tuple[Message | AdvisorError, ...]
    #: the one-line summary of what was read from a survey tool's export (None: plain CSV)
    source: Message | None = None
    #: what the run published, for publication memory: record it once the outputs are
    #: written (:func:`ism_advisor.app.run.remember`); None without memory
    record: dict | None = None


def run_advice(settings: Settings, progress: Callable[[Message], None] | None = None) -> Advice:
    """The advice of one run (:func:`~ism_advisor.app.run.run`, then its document), with
    the warnings to show and, for one survey file, what was read from it."""
    found = run(settings, progress)
    advice = document(found, progress)
    summary = None
    if not settings.waves:
        source = found.latest.survey.source
        # a plain CSV read without a mapping needs no announcement (and gets none, as before)
        told = source is not None and (source.format != "csv" or source.mapping)
        summary = source.summary() if told and source is not None else None
    return Advice(document=advice, warnings=found.warnings, source=summary, record=found.record)


def advise(
    scores: str | Path, *, progress: Callable[[Message], None] | None = None, **options: Any
) -> Advice:
    """Validate the knowledge base, load the survey, compare, decide what may be shown,
    and advise on the published figures only.

    ``options`` are the run's settings, named as :class:`~ism_advisor.app.settings.Settings`
    names them: ``codebook``, ``rules``, ``interventions`` (the packaged ones where no path
    is given), ``segment_by``, ``alpha``, ``min_group_size``, ``lang``; ``mapping`` (a file
    from ``ism-advise map``) says which column feeds which item; ``include_incomplete``
    keeps responses a survey tool marks as incomplete; ``sheet`` chooses a workbook's sheet
    and header row (``--sheet``, ``--header-row``); ``explain_all`` adds to each shown
    segment of the document why each intervention that was not advised was not
    (``why_not``). ``progress`` is told each stage as it starts (the command shows them on
    a terminal).
    """
    return run_advice(Settings.of((scores,), **options), progress)


def advise_waves(
    paths: Sequence[str | Path],
    *,
    progress: Callable[[Message], None] | None = None,
    **options: Any,
) -> Advice:
    """Several survey waves in time order (``paths``, or one file split by ``wave_by``):
    the advice on the latest wave, which also says what changed since the previous one.

    Every wave is read with the same codebook and mapping and published on its own;
    change figures are shown only where both waves show the comparison (see
    :mod:`ism_advisor.protect.followup`). ``options`` are :func:`advise`'s and
    ``wave_names``, ``wave_by`` and ``done``, a YAML list of the interventions carried
    out since the last survey; the rules see which factors they addressed, and none of
    them is advised again as new.
    """
    return run_advice(Settings.of(paths, as_waves=True, **options), progress)
