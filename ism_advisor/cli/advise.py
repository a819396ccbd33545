"""``ism-advise SCORES``: analyse a survey and write the advice report."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from ..app.settings import FORMATS, PDF_VARIANTS, OutputSettings, SettingsError
from ..core.errors import AdvisorError
from ..core.i18n import translations
from .messages import Progress, fail, progressbar, report_hidden, usage_error, warn
from .options import (
    PathValue,
    analysis_options,
    comment_options,
    knowledge_options,
    lang_option,
    report_date,
    store_options,
    survey_options,
    wave_options,
)

__all__ = ["DEFAULT_COMMAND", "AdviseCommand", "advise_command"]

DEFAULT_COMMAND = "advise"


class AdviseContext(click.Context):
    """The context of the default command, which users type as ``ism-advise SCORES``.

    Usage errors print the command path: naming the hidden ``advise`` there would send
    users to a command that ``ism-advise --help`` does not list.
    """

    @property
    def command_path(self) -> str:
        return self.parent.command_path if self.parent is not None else super().command_path


class AdviseCommand(click.Command):
    context_class = AdviseContext


@click.command(DEFAULT_COMMAND, hidden=True, cls=AdviseCommand)
@click.argument("scores", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=True))
@knowledge_options
@click.option(
    "--segment-by",
    "segment_by",
    multiple=True,
    metavar="COL",
    help="Also compare within each value of column COL; repeatable. COL1+COL2 compares "
    "within each combination (department within organisation); COL1/COL2 is COL1 and "
    "COL1+COL2, each department compared with its own organisation. COL must hold a closed "
    "set of answers: a column of personal data or free text is refused.",
)
@analysis_options(
    "Smallest group of users or of non-users whose figures are shown, or that can be"
    " worked out from what is shown (at least 3).",
    "Significance level for the Holm-adjusted p-values.",
)
@lang_option("Language of the output and messages: en or nl.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
    help="html, pdf, md, json or pptx (a PowerPoint deck). Default: from the -o suffix "
    "(.html, .pdf, .md, .json, .pptx), else pptx with --pptx-template, else html.",
)
@click.option(
    "-o",
    "--output",
    type=PathValue("a file", dash=True, path_type=str),
    default=None,
    metavar="PATH",
    help="Where to write; '-' for standard output. Its suffix must match --format. "
    "Default: SCORES-advice.<format> here.",
)
@click.option(
    "--pdf-variant",
    "pdf_variant",
    type=click.Choice(PDF_VARIANTS),
    default=None,
    help="The kind of PDF: pdf/ua-1 (default; tagged for screen readers, PDF/UA-1), "
    "pdf/a-3b (for archives, PDF/A-3b, tagged too) or plain (untagged).",
)
@click.option("--title", default=None, help="The report's title.")
@click.option("--client", default=None, help="The client organisation, shown under the title.")
@click.option(
    "--date",
    "report_date",
    default=None,
    metavar="YYYY-MM-DD",
    callback=report_date,
    help="The report date (YYYY-MM-DD, shown in the report's language); never the clock.",
)
@click.option(
    "--templates",
    type=PathValue("a folder"),
    metavar="DIR",
    help="Your report templates, searched before the packaged ones; a template can "
    '{% extends "default:report.html" %} and replace single blocks.',
)
@click.option(
    "--pptx-template",
    "pptx_template",
    type=PathValue("a file"),
    metavar="FILE",
    help="A PowerPoint file (.pptx) whose slide master and layouts the deck uses: it needs "
    "the layouts 'Title Slide', 'Title and Content' and 'Title Only'. Default: the packaged "
    "16:9 template.",
)
@click.option(
    "-q",
    "--quiet",
    is_flag=True,
    help="No progress on the terminal and no summary line (warnings and errors still show).",
)
@click.option(
    "--per-segment",
    "per_segment",
    type=PathValue("a folder"),
    metavar="DIR",
    help="Also write one report per shown segment of --segment-by into DIR (e.g. one per "
    "department).",
)
@click.option(
    "--explain-all",
    is_flag=True,
    help="Add to each segment of the JSON document why each intervention that was not "
    "advised was not (why_not): every rule that recommends it, with the first condition "
    "that failed and its figure.",
)
@click.option(
    "--brief",
    is_flag=True,
    help="With --per-segment: write a one-page brief for each segment's manager (html, pdf, "
    "md, or one slide with pptx) instead of the full report, and an index (index.html, "
    "index.csv).",
)
@survey_options
@wave_options
@store_options
@comment_options()
def advise_command(scores: tuple[Path, ...], **options: Any) -> None:
    """Analyse SCORES and write the advice report."""
    from ..app.pipeline import run_advice
    from ..app.run import remember
    from ..app.write import open_outputs, write_advice

    lang = options["lang"]
    try:
        settings, out = OutputSettings.create(scores, **options)
        outputs = open_outputs(out)
        terminal = not out.quiet and sys.stderr.isatty()
        result = run_advice(settings, Progress(lang) if terminal else None)
        if result.source is not None and not out.quiet:
            click.echo(result.source.render(translations(lang)), err=True)
        for warning in result.warnings:
            warn(warning, lang)
        bar = progressbar if not out.quiet and sys.stderr.isatty() else None
        data, written = write_advice(result.document, out, outputs, lang, bar)
        if written is not None and not out.quiet:
            click.echo(written.render(translations(lang)), err=True)
        if not out.quiet and sys.stderr.isatty():
            report_hidden(result.document, lang)
        if out.target is None:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        # publication memory: what the run published, recorded once it is written
        remember(settings, result.record)
        if out.target is None:
            return
    except SettingsError as error:
        raise usage_error(error) from None
    except AdvisorError as error:
        fail(error, lang)
    click.echo(str(out.target))
