"""The ``ism-advise`` command: parses options, calls the core, reports errors.

Only this module imports click. Heavy libraries (pandas, scipy) are imported inside the
commands so that ``ism-advise --help`` answers at once.
"""

from __future__ import annotations

import contextlib
import datetime
import re
import sys
from pathlib import Path

import click

from . import __version__
from .core.errors import N_, P_, AdvisorError, Message
from .core.i18n import LANGUAGES, translations
from .core.resources import shown_path

#: The formats the report is written in, and the file suffixes that name each (the one
#: place that maps an output file name to a format: -o's suffix chooses the format
#: when --format is not given, and a suffix that contradicts --format is refused).
SUFFIXES = {
    "html": (".html", ".htm"),
    "pdf": (".pdf",),
    "md": (".md", ".markdown"),
    "json": (".json",),
    "pptx": (".pptx",),
}
FORMATS = tuple(SUFFIXES)
#: --pdf-variant's values, as ``report.PDF_VARIANTS`` defines them (a test keeps the two
#: together; the report module is not imported for --help)
PDF_VARIANTS = ("pdf/ua-1", "pdf/a-3b", "plain")
DEFAULT_COMMAND = "advise"


class _DefaultGroup(click.Group):
    """A group whose default command runs when the first word is not a command name.

    ``ism-advise scores.csv`` therefore means ``ism-advise advise scores.csv``.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            _check_command_name(ctx, self, args[0])
            args = [DEFAULT_COMMAND, *args]
        return super().parse_args(ctx, args)

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_usage("ism-advise", "SCORES [OPTIONS]\n       ism-advise COMMAND [ARGS]...")

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_help_text(ctx, formatter)
        command = self.commands[DEFAULT_COMMAND]
        with formatter.section("Options of ism-advise SCORES"):
            rows = [p.get_help_record(ctx) for p in command.get_params(ctx)]
            formatter.write_dl([r for r in rows if r is not None])


def _check_command_name(ctx: click.Context, group: click.Group, word: str) -> None:
    """A first word that is no file but close to a command's name is a mistyped command
    (``ism-advise questionaire``): a usage error that names the command, not a missing
    survey file. A word that names a file, or looks like one (a folder or a suffix), is
    a survey."""
    import difflib

    if word.startswith("-") or "/" in word or "\\" in word or Path(word).suffix:
        return
    if Path(word).exists():
        return
    names = [n for n, c in group.commands.items() if not c.hidden]
    close = difflib.get_close_matches(word.lower(), names, n=1, cutoff=0.75)
    if close:
        raise click.UsageError(
            f"no such command or file {word!r}: did you mean {close[0]!r}?"
            f" (ism-advise {close[0]} --help)",
            ctx,
        )


class _AdviseContext(click.Context):
    """The context of the default command, which users type as ``ism-advise SCORES``.

    Usage errors print the command path: naming the hidden ``advise`` there would send
    users to a command that ``ism-advise --help`` does not list.
    """

    @property
    def command_path(self) -> str:
        return self.parent.command_path if self.parent is not None else super().command_path


class _AdviseCommand(click.Command):
    context_class = _AdviseContext


class _PathValue(click.Path):
    """A file or folder option that refuses a value starting with ``-``.

    ``--per-segment --brief`` would otherwise take ``--brief`` as the folder's name and
    silently drop the option the user meant. ``-`` alone passes where ``dash`` is true
    (``-o -``: standard output). A real name starting with ``-`` is given as ``./-x``.
    """

    def __init__(self, what: str, *, dash: bool = False, **kwargs) -> None:
        kwargs.setdefault("path_type", Path)
        super().__init__(**kwargs)
        self.what = what
        self.dash = dash

    def convert(self, value, param, ctx):
        text = str(value)
        if text.startswith("-") and not (self.dash and text == "-"):
            name = param.opts[0] if param is not None and param.opts else "this option"
            metavar = param.metavar if param is not None and param.metavar else "PATH"
            stdout = f" (or {name} - for standard output)" if self.dash else ""
            self.fail(
                f"{text!r} looks like an option; {name} needs {self.what}: {name} {metavar}"
                f"{stdout}",
                param,
                ctx,
            )
        if self.dash and text == "-":
            return text
        return super().convert(value, param, ctx)


def _report_date(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """--date: a real date written YYYY-MM-DD (the report shows it in its language)."""
    if value is None:
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            datetime.date.fromisoformat(value)
        except ValueError:
            raise click.BadParameter(
                f"{value!r} is not a date (expected YYYY-MM-DD, e.g. 2026-03-01)"
            ) from None
        return value
    day_first = re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", value)
    if day_first:  # the way dates are written in the Netherlands: 1-3-2026
        day, month, year = day_first.groups()
        candidate = f"{year}-{int(month):02d}-{int(day):02d}"
        try:
            datetime.date.fromisoformat(candidate)
        except ValueError:
            pass
        else:
            raise click.BadParameter(
                f"{value!r} is not written YYYY-MM-DD: did you mean {candidate}?"
            )
    raise click.BadParameter(f"{value!r} is not written YYYY-MM-DD (e.g. 2026-03-01)")


def _output_format(output: str | None, fmt: str | None, pptx_template: Path | None = None) -> str:
    """The format to write: --format, else the -o suffix, else pptx with --pptx-template,
    else html.

    An -o suffix that names no format we write, or another format than --format, is a
    usage error: writing HTML into ``out.docx`` helps nobody. So is --pptx-template for
    anything but a deck.
    """
    chosen = _named_format(output, fmt) or ("pptx" if pptx_template is not None else "html")
    if pptx_template is not None and chosen != "pptx":
        raise click.BadParameter(
            f"a PowerPoint template is for --format pptx, but the output is {chosen} (give"
            " --format pptx or -o NAME.pptx, or leave out --pptx-template)",
            ctx=click.get_current_context(),
            param_hint=["--pptx-template"],
        )
    return chosen


def _named_format(output: str | None, fmt: str | None) -> str | None:
    """--format, else the format the -o suffix names (None: neither says)."""
    if not output or output == "-":
        return fmt
    suffix = Path(output).suffix.lower()
    named = next((f for f, suffixes in SUFFIXES.items() if suffix in suffixes), None)
    hint = ["-o", "--output"]
    if suffix and named is None:
        known = [s[0] for s in SUFFIXES.values()]
        raise click.BadParameter(
            f"{output!r} ends in {suffix}, a format ism-advise does not write (use"
            f" {', '.join(known[:-1])} or {known[-1]})",
            ctx=click.get_current_context(),
            param_hint=hint,
        )
    if fmt is not None and named is not None and named != fmt:
        raise click.BadParameter(
            f"{output!r} ends in {suffix}, but --format is {fmt} (name it"
            f" {Path(output).with_suffix(SUFFIXES[fmt][0])}, or leave out --format)",
            ctx=click.get_current_context(),
            param_hint=hint,
        )
    return fmt or named


def _fail(error: AdvisorError, lang: str, every: bool = False) -> None:
    """Print the error (and how many more problems there are, or with ``every`` each of
    them, one per line) on stderr, and exit 1."""
    if every:
        for problem in error.problems:
            click.echo(problem.render(translations(lang)), err=True)
        sys.exit(1)
    text = error.render(translations(lang))
    more = len(error.problems) - 1
    if more > 0:
        text += Message(
            N_(" (+{count} more; 'ism-advise rules check' lists every problem)"),
            {"count": more},
        ).render(translations(lang))
    click.echo(text, err=True)
    sys.exit(1)


class _Progress:
    """Shows the stage of a long run on one terminal line (stderr), then clears it."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __call__(self, message: Message) -> None:
        text = message.render(translations(self.lang)) + " …"
        click.echo(f"\r\x1b[2K{text}", err=True, nl=False, color=True)
        if message.template == N_("writing the advice"):
            click.echo("\r\x1b[2K", err=True, nl=False, color=True)


def _warn(message: Message | AdvisorError, lang: str) -> None:
    label = Message(N_("warning")).render(translations(lang))
    click.echo(f"{label}: {message.render(translations(lang))}", err=True)


@click.group(
    "ism-advise",
    cls=_DefaultGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, prog_name="ism-advise")
def main() -> None:
    """Compare users and non-users of an internal social media platform and advise.

    SCORES is a survey export: a CSV file with one score column per factor, or one column
    per survey item, and a column telling users from non-users; or what Qualtrics,
    LimeSurvey, SurveyMonkey, Microsoft Forms or Google Forms export, an Excel or
    OpenDocument sheet, or an SPSS file. The advice report is written to
    SCORES-advice.html in the current folder (or as --format pdf, md, json, or pptx: a
    PowerPoint deck), and its path printed. 'ism-advise map SCORES' proposes which
    column feeds which item. Several SCORES
    files are survey waves in time order: the report adds what changed since the last one.
    """


def _lang_option(help: str):
    """--lang, for every command that speaks to its reader."""
    return click.option(
        "--lang",
        type=click.Choice(LANGUAGES, case_sensitive=False),
        default="en",
        show_default=True,
        help=help,
    )


def _knowledge_options(command):
    """--knowledge, --codebook, --rules and --interventions, for every command that reads
    the knowledge base."""
    options = [
        click.option(
            "--knowledge",
            type=_PathValue("a folder"),
            metavar="DIR",
            help="A knowledge-base folder made by 'ism-advise init': its factors.yaml, "
            "advice.yaml, interventions.yaml and templates/ replace the packaged ones.",
        ),
        click.option(
            "--codebook",
            type=_PathValue("a file"),
            metavar="FILE",
            help="Codebook YAML (factors, items, scale, usage column). Default: the packaged one.",
        ),
        click.option(
            "--rules",
            type=_PathValue("a file"),
            metavar="FILE",
            help="Rule base YAML (when to advise what). Default: the packaged one.",
        ),
        click.option(
            "--interventions",
            type=_PathValue("a file"),
            metavar="FILE",
            help="Intervention catalogue YAML. Default: the packaged one.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _analysis_options(min_group_size_help: str, alpha_help: str | None = None):
    """--min-group-size (and --alpha, given its help): one definition for every command
    that analyses a survey or promises its threshold, each with its own help text."""
    options = [
        click.option(
            "--min-group-size",
            type=click.IntRange(min=3),
            default=5,
            show_default=True,
            help=min_group_size_help,
        )
    ]
    if alpha_help is not None:
        options.append(
            click.option(
                "--alpha",
                type=click.FloatRange(0, 1, min_open=True, max_open=True),
                default=0.05,
                show_default=True,
                help=alpha_help,
            )
        )

    def decorate(command):
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


def _sheet_options(command):
    """--sheet and --header-row: where a workbook's answers are."""
    options = [
        click.option(
            "--sheet",
            metavar="NAME",
            default=None,
            help="A spreadsheet's sheet holding the answers (default: the first).",
        ),
        click.option(
            "--header-row",
            "header_row",
            type=click.IntRange(min=1),
            default=None,
            metavar="N",
            help="A spreadsheet's row that names the columns (default: the first row "
            "holding something, or a row below it, past title rows, that names more of the "
            "codebook's questions).",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _sheet_choice(sheet: str | None, header_row: int | None):
    """--sheet and --header-row as the reader takes them (None: neither given)."""
    if sheet is None and header_row is None:
        return None
    from .survey.reading.model import SheetChoice

    return SheetChoice(sheet, header_row)


def _survey_options(command):
    """--map, --include-incomplete, --sheet and --header-row, for every command that reads
    a survey."""
    command = _sheet_options(command)
    options = [
        click.option(
            "--map",
            "mapping",
            type=_PathValue("a file"),
            metavar="FILE",
            help="A mapping file (made by 'ism-advise map', then checked): which column of "
            "the export feeds which item, the usage question and the segments.",
        ),
        click.option(
            "--include-incomplete",
            is_flag=True,
            help="Keep responses the survey tool marks as incomplete (previews and tests "
            "are always left out); a factor still needs half of its items answered.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _wave_options(command):
    """--wave-name, --wave-by and --done: comparing survey waves (README: "Since the last
    survey")."""
    options = [
        click.option(
            "--wave-name",
            "wave_names",
            multiple=True,
            metavar="NAME",
            help="The name of each wave, in the order of the files (repeat it; default: the "
            "file names); with --wave-by, the column's values in time order, or a name for each "
            "value in their sorted order.",
        ),
        click.option(
            "--wave-by",
            metavar="COL",
            default=None,
            help="One file holds every wave: column COL says which (waves in sorted order, "
            "or as --wave-name lists them).",
        ),
        click.option(
            "--done",
            type=_PathValue("a file"),
            metavar="FILE",
            help="A YAML list of the interventions carried out since the last survey; the "
            "follow-up rules and the report say what changed where they were done.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _check_waves(
    scores: tuple[Path, ...], wave_names: tuple[str, ...], wave_by: str | None, done: Path | None
) -> None:
    """The wave options fit the files given (usage errors)."""
    ctx = click.get_current_context()
    if wave_by is not None and len(scores) > 1:
        raise click.UsageError("--wave-by reads the waves from one file; give one SCORES", ctx)
    if len(scores) == 1 and wave_by is None:
        for given, name in ((wave_names, "--wave-name"), (done, "--done")):
            if given:
                raise click.UsageError(
                    f"{name} needs two or more survey files, or --wave-by COL", ctx
                )


@main.command(DEFAULT_COMMAND, hidden=True, cls=_AdviseCommand)
@click.argument("scores", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=True))
@_knowledge_options
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
@_analysis_options(
    "Smallest group of users or of non-users whose figures are shown, or that can be"
    " worked out from what is shown (at least 3).",
    "Significance level for the Holm-adjusted p-values.",
)
@_lang_option("Language of the output and messages: en or nl.")
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
    type=_PathValue("a file", dash=True, path_type=str),
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
    callback=_report_date,
    help="The report date (YYYY-MM-DD, shown in the report's language); never the clock.",
)
@click.option(
    "--templates",
    type=_PathValue("a folder"),
    metavar="DIR",
    help="Your report templates, searched before the packaged ones; a template can "
    '{% extends "default:report.html" %} and replace single blocks.',
)
@click.option(
    "--pptx-template",
    "pptx_template",
    type=_PathValue("a file"),
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
    type=_PathValue("a folder"),
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
@_survey_options
@_wave_options
def advise_command(
    scores: tuple[Path, ...],
    knowledge: Path | None,
    codebook: Path | None,
    rules: Path | None,
    interventions: Path | None,
    segment_by: tuple[str, ...],
    min_group_size: int,
    alpha: float,
    lang: str,
    fmt: str | None,
    output: str | None,
    pdf_variant: str | None,
    title: str | None,
    client: str | None,
    report_date: str | None,
    templates: Path | None,
    pptx_template: Path | None,
    quiet: bool,
    per_segment: Path | None,
    brief: bool,
    mapping: Path | None,
    include_incomplete: bool,
    wave_names: tuple[str, ...],
    wave_by: str | None,
    done: Path | None,
    explain_all: bool,
    sheet: str | None,
    header_row: int | None,
) -> None:
    """Analyse SCORES and write the advice report."""
    from .app.pipeline import advise, advise_waves, render
    from .core.files import Outputs

    fmt = _output_format(output, fmt, pptx_template)
    if pdf_variant is not None and fmt != "pdf":
        raise click.BadParameter(
            f"{pdf_variant!r} is a kind of PDF, but the report is written as {fmt} (add"
            " --format pdf, or write to a .pdf file)",
            ctx=click.get_current_context(),
            param_hint="'--pdf-variant'",
        )
    _check_waves(scores, wave_names, wave_by, done)
    waves = len(scores) > 1 or wave_by is not None
    _check_brief(brief, per_segment, fmt, segment_by)
    try:
        deck_template = None
        if fmt == "pptx":  # checked before the analysis: a broken template fails at once
            from .render.deck import load_deck_template

            deck_template = load_deck_template(pptx_template)
        codebook, rules, interventions, templates = _knowledge_paths(
            knowledge, codebook, rules, interventions, templates
        )
        inputs = [
            p
            for p in (*scores, codebook, rules, interventions, mapping, done, pptx_template)
            if p is not None
        ]
        target = None
        outputs = Outputs(inputs)  # every file of the run, moved into place together
        if output != "-":
            default = f"{scores[-1].stem}-advice{SUFFIXES[fmt][0]}"
            target = Path(output) if output else Path.cwd() / default
            outputs.file(target)
        if per_segment is not None:
            outputs.folder(per_segment)
        run = advise
        first: Path | tuple[Path, ...] = scores[0]
        wave_options = {}
        if waves:
            run, first = advise_waves, scores  # type: ignore[assignment]
            wave_options = {"wave_names": wave_names, "wave_by": wave_by, "done": done}
        result = run(
            first,  # type: ignore[arg-type]
            **wave_options,
            codebook=codebook,
            rules=rules,
            interventions=interventions,
            segment_by=segment_by,
            alpha=alpha,
            min_group_size=min_group_size,
            lang=lang,
            progress=None if quiet or not sys.stderr.isatty() else _Progress(lang),
            mapping=mapping,
            include_incomplete=include_incomplete,
            explain_all=explain_all,
            sheet=_sheet_choice(sheet, header_row),
        )
        if result.source is not None and not quiet:
            click.echo(result.source.render(translations(lang)), err=True)
        for warning in result.warnings:
            _warn(warning, lang)
        options = {
            "title": title,
            "client": client,
            "date": report_date,
            "templates": templates,
            "pptx_template": deck_template,
        }
        if pdf_variant is not None:
            options["pdf_variant"] = pdf_variant
        written = None
        with outputs:
            data = render(result.document, fmt, **options)
            if target is not None:
                outputs.write(target, data)
            if per_segment is not None:
                if brief:
                    options["brief"] = True
                    options["report_name"] = None if target is None else target.name
                written = _write_per_segment(
                    result.document, outputs, per_segment, fmt, options, lang, quiet
                )
        if written is not None and not quiet:
            click.echo(written.render(translations(lang)), err=True)
        if not quiet and sys.stderr.isatty():
            _report_hidden(result.document, lang)
        if target is None:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
            return
    except AdvisorError as error:
        _fail(error, lang)
    click.echo(str(target))


def _report_hidden(document: dict, lang: str) -> None:
    """One line on a terminal saying how much anonymity hid, when it hid anything (the
    report and the JSON say it too; scripts get a clean stderr)."""
    from .render.context.sections import hidden_counts

    hidden = hidden_counts(document)
    if not hidden["segments"] and not hidden["comparisons"]:
        return
    click.echo(
        Message(
            N_(
                "anonymity: hidden segments {segments}, comparisons {comparisons} (to protect"
                " groups smaller than {k})"
            ),
            {
                "segments": hidden["segments"],
                "comparisons": hidden["comparisons"],
                "k": document["settings"]["min_group_size"],
            },
        ).render(translations(lang)),
        err=True,
    )


def _progressbar(length: int, label: str):
    """click's progress bar on stderr with the position, the rate and the time left (only
    on a terminal: the caller checks)."""
    import time

    start = time.monotonic()
    bars: list = []

    def rate(_item: object) -> str:
        elapsed = time.monotonic() - start
        return f"{bars[0].pos / elapsed:.1f}/s" if bars and elapsed > 0 else ""

    bar = click.progressbar(
        length=length, file=sys.stderr, label=label, show_pos=True, item_show_func=rate
    )
    bars.append(bar)
    return bar


def _check_brief(
    brief: bool, per_segment: Path | None, fmt: str, segment_by: tuple[str, ...] = ()
) -> None:
    """--brief: only with --per-segment, and not as json; --per-segment: only with
    --segment-by (exit 2 otherwise)."""
    ctx = click.get_current_context()
    if brief and per_segment is None:
        raise click.UsageError(
            "--brief needs --per-segment DIR: the briefs are written one per segment into DIR",
            ctx=ctx,
        )
    if brief and fmt not in ("html", "pdf", "md", "pptx"):
        raise click.BadParameter(
            f"a brief is written as html, pdf, md or pptx, not {fmt} (add --format html, pdf,"
            " md or pptx)",
            ctx=ctx,
            param_hint="'--brief'",
        )
    if per_segment is not None and not segment_by:
        what = "a brief" if brief else "a report"
        raise click.UsageError(
            f"--per-segment DIR writes {what} per segment, but no segments are given (add"
            " --segment-by COL, e.g. --segment-by department)",
            ctx=ctx,
        )


def _write_per_segment(
    document: dict,
    outputs,
    folder: Path,
    fmt: str,
    options: dict,
    lang: str,
    quiet: bool,
) -> Message:
    """Stage one report per shown segment for ``folder`` in ``outputs`` (moved into place
    with the run's other files); returns the line that says what was written."""
    from .app.pipeline import available_cores, render_segments, segment_reports

    brief = options.get("brief", False)
    if brief:
        from .render.brief import brief_file_names, brief_index

        reports = brief_file_names(document, fmt)
    else:
        reports = segment_reports(document, fmt)
    rendered = render_segments(
        document, fmt, [index for _, index in reports], workers=available_cores(), **options
    )
    names = [name for name, _ in reports]
    with contextlib.closing(rendered):  # on any error, the workers stop before we return
        if sys.stderr.isatty() and not quiet:
            label = N_("briefs") if brief else N_("reports")
            with _progressbar(len(reports), Message(label).render(translations(lang))) as bar:
                for name, data in zip(names, rendered, strict=True):
                    outputs.write_in(name, data)
                    bar.update(1)
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


def _knowledge_paths(
    folder: Path | None,
    codebook: Path | None,
    rules: Path | None,
    interventions: Path | None,
    templates: Path | None = None,
) -> tuple[Path | None, Path | None, Path | None, Path | None]:
    """Explicit files win over a --knowledge folder, which wins over the packaged files."""
    if folder is None:
        return codebook, rules, interventions, templates
    from .app.init import knowledge_files

    found = knowledge_files(folder)
    return (
        codebook or found["codebook"],
        rules or found["rules"],
        interventions or found["interventions"],
        templates or found["templates"],
    )


@main.command("sample")
@click.option("--seed", type=int, default=None, help="Random seed (default 2015).")
@click.option(
    "-o",
    "--output",
    "folder",
    type=_PathValue("a folder", file_okay=False),
    metavar="DIR",
    default=Path("sample_data"),
    show_default=True,
    help="Folder to write scores.csv and responses.csv (and the second wave's "
    "scores-wave2.csv and responses-wave2.csv) into.",
)
def sample_command(seed: int | None, folder: Path) -> None:
    """Write a synthetic survey (about 600 respondents) for trying the tool out, and its
    second wave six months later (some factors improved after interventions, some not)."""
    from .survey.codebook import load_codebook
    from .survey.sample import DEFAULT_SEED, generate_followup, generate_sample, write_sample

    try:
        book = load_codebook()
        seed = DEFAULT_SEED if seed is None else seed
        sample = generate_sample(book, seed)
        paths = write_sample(sample, folder, generate_followup(book, seed))
    except AdvisorError as error:
        _fail(error, "en")
    for path in paths:
        click.echo(str(path))


@main.group("rules")
def rules_group() -> None:
    """Work with the knowledge base (codebook, rules, interventions)."""


@rules_group.command("check")
@_knowledge_options
@click.option("--strict", is_flag=True, help="Treat warnings as errors: exit 1 if there is any.")
@_lang_option("Language of the messages.")
def rules_check_command(
    knowledge: Path | None,
    rules: Path | None,
    interventions: Path | None,
    codebook: Path | None,
    strict: bool,
    lang: str,
) -> None:
    """Report every problem in the knowledge base as file:line:column: message.

    Exits 1 if there is any problem, else 0 with a one-line summary. Warnings (an any:
    branch that can never be met, a rule another one always shuts out, an intervention no
    rule recommends, a conclusion no rule reads, patterns that one fact alone would have
    to meet in some combination, a figure's former name) are shown as 'warning: ...' and
    do not fail the check, unless --strict.
    """
    from .advice.knowledge import load_knowledge
    from .advice.knowledge.lint import lint
    from .advice.knowledge.load import contents
    from .survey.codebook import load_codebook

    try:
        codebook, rules, interventions, _ = _knowledge_paths(
            knowledge, codebook, rules, interventions
        )
        book = load_codebook(codebook)
        checked = load_knowledge(book, rules, interventions)
    except AdvisorError as error:
        _fail(error, lang, every=True)
    warnings = [*checked.warnings, *lint(checked)]
    if strict and warnings:
        for warning in warnings:
            click.echo(warning.render(translations(lang)), err=True)
        sys.exit(1)
    for warning in warnings:
        _warn(warning, lang)
    click.echo(
        Message(
            N_("ok: {factors}, {rules}, {conclusions}, {interventions} ({files})"),
            {**contents(book, checked), "files": ", ".join(shown_path(f) for f in checked.files)},
        ).render(translations(lang))
    )


@rules_group.command("schema")
@click.argument("kind", type=click.Choice(("codebook", "rules", "interventions")))
def rules_schema_command(kind: str) -> None:
    """Print the JSON Schema of a codebook, rule file or intervention catalogue.

    Made from the keys, types and choices the readers declare; save it next to your
    files and point your editor's YAML support at it for completion and checking as you
    type ('rules check' stays the judge: it also knows the factors, figures and ids).
    """
    import json

    from .advice.knowledge.schema import json_schema

    click.echo(json.dumps(json_schema(kind), indent=2, ensure_ascii=False))


@rules_group.command("test")
@click.argument("folder", required=False, type=_PathValue("a folder", file_okay=False))
@click.option("--coverage", is_flag=True, help="Also list the rules that no case fired.")
@_lang_option("Language of the messages.")
def rules_test_command(folder: Path | None, coverage: bool, lang: str) -> None:
    """Run the test cases in FOLDER/tests/*.yaml on the rules of FOLDER.

    FOLDER is a knowledge-base folder made by 'ism-advise init' (default: the packaged
    rule base). Prints a dot per passing case and an F per failing one, then each failure
    as file:line:column with what was expected, what came out and which rules fired;
    exits 1 if a case fails.
    """
    from .advice import ruletests as testing
    from .advice.knowledge import load_knowledge
    from .core.resources import packaged_path
    from .survey.codebook import load_codebook

    tr = translations(lang)
    try:
        base = folder if folder is not None else packaged_path("rules")
        codebook, rules, interventions, _ = _knowledge_paths(base, None, None, None)
        checked = load_knowledge(load_codebook(codebook), rules, interventions)
        files = testing.test_files(base)
        if not files:
            raise AdvisorError(
                N_("no test cases (expected tests/*.yaml in this folder)"), path=str(base)
            )
        cases = testing.load_cases(files, checked)
        results = testing.run_cases(checked, cases, lang)
    except AdvisorError as error:
        _fail(error, lang, every=True)
    for warning in checked.warnings:
        _warn(warning, lang)
    for path in dict.fromkeys(r.case.path for r in results):
        marks = "".join("." if r.passed else "F" for r in results if r.case.path == path)
        click.echo(f"{shown_path(path)} {marks}")
    failed = [r for r in results if not r.passed]
    for result in failed:
        for expectation in result.failed:
            click.echo(testing.failure_message(result, expectation).render(tr))
        click.echo("  " + testing.fired_summary(result).render(tr))
        for reason in testing.why_missing(checked, result):
            click.echo("  " + reason.render(tr))
    if coverage:
        missed = testing.coverage(checked, results)
        for rule in checked.rules:
            if rule.id in missed:
                click.echo(
                    AdvisorError(
                        N_("rule '{rule}' fired in no test case"),
                        path=checked.rules_path,
                        line=rule.pos.line,
                        column=rule.pos.column,
                        rule=rule.id,
                    ).render(tr)
                )
        click.echo(
            Message(
                P_(
                    "coverage: {fired} of {n} rule fired in a test case",
                    "coverage: {fired} of {n} rules fired in a test case",
                ),
                {"fired": len(checked.rules) - len(missed), "n": len(checked.rules)},
            ).render(tr)
        )
    summary = (
        Message(N_("{failed} failed, {passed} passed"), {"failed": len(failed)})
        if failed
        else Message(N_("{passed} passed"))
    )
    params = {**summary.params, "passed": len(results) - len(failed)}
    click.echo(Message(summary.template, params).render(tr))
    sys.exit(1 if failed else 0)


@main.command("explain")
@click.argument("scores", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=True))
@click.option("--intervention", required=True, metavar="ID", help="The intervention to explain.")
@click.option(
    "--segment",
    metavar="VALUE",
    default=None,
    help="The segment (a value of a --segment-by column). Default: all respondents.",
)
@click.option(
    "--segment-by",
    "segment_by",
    multiple=True,
    metavar="COL",
    help="The segment columns, as for the advice; repeatable.",
)
@_knowledge_options
@_analysis_options(
    "As for the advice: the smallest group whose figures are shown.",
    "As for the advice: the significance level.",
)
@_lang_option("Language of the explanation.")
@_survey_options
@_wave_options
def explain_command(
    scores: tuple[Path, ...],
    intervention: str,
    segment: str | None,
    segment_by: tuple[str, ...],
    knowledge: Path | None,
    codebook: Path | None,
    rules: Path | None,
    interventions: Path | None,
    min_group_size: int,
    alpha: float,
    lang: str,
    mapping: Path | None,
    include_incomplete: bool,
    sheet: str | None,
    header_row: int | None,
    wave_names: tuple[str, ...],
    wave_by: str | None,
    done: Path | None,
) -> None:
    """Why an intervention was, or was not, advised for a segment of SCORES.

    For one that was not: each rule that recommends it, with the first condition that
    failed and the figure that failed it. For one that was: the rules that fired and the
    facts they matched, through the conclusions they used. Several SCORES are survey
    waves, as for the advice: with --done, an intervention carried out is never advised
    again as new.
    """
    from .app.explain import explain_intervention

    tr = translations(lang)
    _check_waves(scores, wave_names, wave_by, done)
    try:
        codebook, rules, interventions, _ = _knowledge_paths(
            knowledge, codebook, rules, interventions
        )
        explanation = explain_intervention(
            scores,
            intervention,
            segment=segment,
            codebook=codebook,
            rules=rules,
            interventions=interventions,
            segment_by=segment_by,
            alpha=alpha,
            min_group_size=min_group_size,
            lang=lang,
            mapping=mapping,
            include_incomplete=include_incomplete,
            sheet=_sheet_choice(sheet, header_row),
            wave_names=wave_names,
            wave_by=wave_by,
            done=done,
        )
    except AdvisorError as error:
        _fail(error, lang)
    click.echo(explanation.headline.render(tr))
    for verdict in explanation.verdicts:
        where = f"{explanation.rules_path}:{verdict.rule.pos.line}:{verdict.rule.pos.column}"
        for reason in verdict.reasons:
            click.echo(f"  {where}: {verdict.rule.id}: {reason.render(tr)}")


@main.command("map")
@click.argument("export", type=click.Path(path_type=Path, dir_okay=True))
@_knowledge_options
@click.option(
    "--segment-by",
    "segment_by",
    multiple=True,
    metavar="COL",
    help="Also propose the column for this segment (a column name, or a segment question "
    "of the codebook); repeatable.",
)
@click.option(
    "-o",
    "--output",
    type=_PathValue("a file", dash=True, path_type=str),
    default=None,
    metavar="PATH",
    help="Where to write the mapping; '-' for standard output. Default: EXPORT-mapping.yaml here.",
)
@click.option("--force", is_flag=True, help="Replace an existing mapping file.")
@click.option(
    "--include-incomplete",
    is_flag=True,
    help="Count responses the survey tool marks as incomplete.",
)
@_sheet_options
@_lang_option("Language of the table, the file's comments and messages.")
def map_command(
    export: Path,
    knowledge: Path | None,
    codebook: Path | None,
    rules: Path | None,
    interventions: Path | None,
    segment_by: tuple[str, ...],
    output: str | None,
    force: bool,
    include_incomplete: bool,
    sheet: str | None,
    header_row: int | None,
    lang: str,
) -> None:
    """Propose which column of EXPORT feeds which item, and write it as a mapping file.

    Every column is listed: certain (its item's id or exact wording), guess (the closest
    wording, with its similarity), unmatched, or ignored (metadata, personal data, free
    text). A table shows each column's use and three of its answers as read. Check the
    guesses, set 'use' where needed, then run: ism-advise EXPORT --map MAPPING.
    """
    from .core.files import check_folder, check_not_input, write_atomic
    from .survey.codebook import load_codebook
    from .survey.reading.propose import guesses, propose_mapping

    translated = translations(lang)
    try:
        codebook, _, _, _ = _knowledge_paths(knowledge, codebook, rules, interventions)
        book = load_codebook(codebook)
        target = None
        if output != "-":
            target = Path(output) if output else Path.cwd() / f"{export.stem}-mapping.yaml"
            check_not_input(target, [p for p in (export, codebook) if p is not None])
            check_folder(target)
            if target.exists() and not force:
                raise AdvisorError(
                    N_("exists already (edit it, or give --force to replace it)"),
                    path=str(target),
                )
        proposed = propose_mapping(
            export,
            book,
            segment_by,
            include_incomplete=include_incomplete,
            sheet=_sheet_choice(sheet, header_row),
        )
        name = codebook.name if codebook is not None else "<packaged>/factors.yaml"
        text = proposed.yaml(
            str(codebook) if codebook is not None else name,
            lang,
            target.name if target is not None else "MAPPING.yaml",
        )
        if target is not None:
            write_atomic(target, text.encode("utf-8"))
    except AdvisorError as error:
        _fail(error, lang)
    out = target is None  # the mapping goes to stdout: the table to stderr
    click.echo(proposed.source.summary().render(translated), err=True)
    click.echo(proposed.table(lang), err=out)
    counts = proposed.counts()
    summary = Message(
        N_("{certain} certain, {guesses}, {unmatched} unmatched; {columns}"),
        {
            "certain": counts["certain"],
            "guesses": guesses(counts["guess"]),
            "unmatched": counts["unmatched"],
            "columns": Message(
                P_(
                    "{matched} of {n} item has a column",
                    "{matched} of {n} items have a column",
                ),
                {"matched": proposed.source.items_matched, "n": proposed.source.items_total},
            ),
        },
    ).render(translated)
    click.echo(summary, err=out)
    if target is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        click.echo(str(target))


#: The questionnaire's formats and the suffixes that name them. LimeSurvey and Qualtrics
#: both import a .txt file, so that suffix needs --format to say which.
QUESTIONNAIRE_SUFFIXES = {
    "limesurvey": (".txt",),
    "qualtrics": (".txt",),
    "html": (".html", ".htm"),
    "pdf": (".pdf",),
    "md": (".md", ".markdown"),
}
QUESTIONNAIRE_LANGS = ("nl", "en", "nl,en", "en,nl")


def _questionnaire_langs(ctx: click.Context, param: click.Parameter, value: str) -> tuple[str, ...]:
    """--lang: one language, or two separated by a comma (both in one questionnaire)."""
    langs = tuple(part.strip().lower() for part in value.split(","))
    if (
        not 1 <= len(langs) <= 2
        or len(set(langs)) != len(langs)
        or any(lang not in LANGUAGES for lang in langs)
    ):
        raise click.BadParameter(
            f"{value!r} is not a language ism-advise writes (expected"
            f" {', '.join(QUESTIONNAIRE_LANGS[:-1])} or {QUESTIONNAIRE_LANGS[-1]})"
        )
    return langs


def _questionnaire_format(output: str | None, fmt: str | None) -> str:
    """The questionnaire's format: --format, else the -o suffix (.txt needs --format)."""
    hint = ["-o", "--output"]
    if not output or output == "-":
        return fmt or "html"
    suffix = Path(output).suffix.lower()
    named = [f for f, suffixes in QUESTIONNAIRE_SUFFIXES.items() if suffix in suffixes]
    if suffix and not named:
        known = list(dict.fromkeys(s[0] for s in QUESTIONNAIRE_SUFFIXES.values()))
        raise click.BadParameter(
            f"{output!r} ends in {suffix}, a format the questionnaire is not written in (use"
            f" {', '.join(known[:-1])} or {known[-1]})",
            ctx=click.get_current_context(),
            param_hint=hint,
        )
    if fmt is not None and named and fmt not in named:
        raise click.BadParameter(
            f"{output!r} ends in {suffix}, but --format is {fmt} (name it"
            f" {Path(output).with_suffix(QUESTIONNAIRE_SUFFIXES[fmt][0])}, or leave out"
            " --format)",
            ctx=click.get_current_context(),
            param_hint=hint,
        )
    if fmt is None and len(named) > 1:
        raise click.BadParameter(
            f"{output!r} ends in {suffix}, which both LimeSurvey and Qualtrics import: add"
            " --format limesurvey or --format qualtrics",
            ctx=click.get_current_context(),
            param_hint=hint,
        )
    return fmt or (named[0] if named else "html")


def _key_path(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """--key: a Markdown file."""
    if value is not None and value.suffix.lower() not in ("", ".md", ".markdown"):
        raise click.BadParameter(
            f"{str(value)!r} ends in {value.suffix}, but the key is Markdown (name it"
            f" {value.with_suffix('.md')})"
        )
    return value


@main.command("questionnaire")
@click.option(
    "--knowledge",
    type=_PathValue("a folder"),
    metavar="DIR",
    help="A knowledge-base folder made by 'ism-advise init': its factors.yaml is the codebook.",
)
@click.option(
    "--codebook",
    type=_PathValue("a file"),
    metavar="FILE",
    help="Codebook YAML (factors, items, scale, usage and segment questions, the "
    "questionnaire's texts). Default: the packaged one.",
)
@click.option(
    "--lang",
    "langs",
    default="en",
    show_default=True,
    metavar="nl|en|nl,en",
    callback=_questionnaire_langs,
    help="The questionnaire's language; nl,en puts both in one questionnaire (LimeSurvey, "
    "paper) or one after the other (md). Messages and the key are in the first.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(tuple(QUESTIONNAIRE_SUFFIXES)),
    default=None,
    help="limesurvey or qualtrics (their .txt import files), html or pdf (a paper form "
    "on A4), md (to paste into Microsoft or Google Forms). Default: from the -o suffix, "
    "else html.",
)
@click.option(
    "-o",
    "--output",
    type=_PathValue("a file", dash=True, path_type=str),
    default=None,
    metavar="PATH",
    help="Where to write; '-' for standard output. Default: questionnaire-<format>.<suffix> here.",
)
@click.option(
    "--key",
    type=_PathValue("a file"),
    metavar="PATH",
    callback=_key_path,
    help="Also write the consultant's key (Markdown): codes, reverse-coded statements, the "
    "CSV header for typing in paper forms, the checks' warnings.",
)
@_analysis_options(
    "The smallest group whose results are shown, as the anonymity statement promises"
    " it (at least 3; use the same value for the analysis).",
)
@click.option(
    "--check",
    is_flag=True,
    help="Only check the codebook for the survey: list every problem and warning, write "
    "nothing; exit 1 if there is a problem.",
)
def questionnaire_command(
    knowledge: Path | None,
    codebook: Path | None,
    langs: tuple[str, ...],
    fmt: str | None,
    output: str | None,
    key: Path | None,
    min_group_size: int,
    check: bool,
) -> None:
    """Write the survey itself from the codebook: for LimeSurvey, Qualtrics or paper.

    The questions are worded and coded so that the tool's export of the answers reads
    back with no mapping: 'ism-advise EXPORT' finds every item, the usage question and the
    segment questions. The introduction states the purpose, the anonymity threshold
    (--min-group-size) and the time it takes. Every segment question needs its answer
    options in the codebook: none is asked as free text.
    """
    from .core.files import Outputs
    from .questionnaire import build_questionnaire, write_key, write_questionnaire
    from .survey.codebook import load_codebook

    lang = langs[0]
    fmt = _questionnaire_format(output, fmt)
    if fmt == "qualtrics" and len(langs) > 1:
        raise click.BadParameter(
            "Qualtrics' TXT import holds one language: write one file per language (--lang nl,"
            " --lang en) and add the other as a translation in Qualtrics",
            param_hint="'--lang'",
        )
    translated = translations(lang)
    try:
        codebook, _, _, _ = _knowledge_paths(knowledge, codebook, None, None)
        if check:
            _check_questionnaire(codebook, langs, fmt, translated)
            return
        book = load_codebook(codebook)
        source = str(codebook) if codebook is not None else None
        inputs = [p for p in (codebook,) if p is not None]
        outputs = Outputs(inputs)  # the questionnaire and its key: both or neither
        target = None
        if output != "-":
            suffix = QUESTIONNAIRE_SUFFIXES[fmt][0]
            default = (
                f"questionnaire-{fmt}{suffix}" if suffix == ".txt" else f"questionnaire{suffix}"
            )
            target = Path(output) if output else Path.cwd() / default
            outputs.file(target)
        if key is not None:
            if target is not None and key.resolve() == target.resolve():
                raise AdvisorError(
                    N_("the key and the questionnaire cannot be the same file"), path=str(key)
                )
            outputs.file(key)
        questionnaire = build_questionnaire(
            book, langs, fmt=fmt, min_group_size=min_group_size, source=source
        )
        label = Message(N_("warning")).render(translated)
        for warning in questionnaire.warnings:
            click.echo(f"{label}: {warning.render(translated)}", err=True)
        data = write_questionnaire(questionnaire, fmt, book)
        with outputs:
            if target is not None:
                outputs.write(target, data)
            if key is not None:
                outputs.write(key, write_key(questionnaire, book))
        if target is None:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
    except AdvisorError as error:
        _fail_questionnaire(error, lang)
    if target is not None:
        click.echo(str(target), err=output == "-")
    if key is not None:
        click.echo(str(key), err=target is None)


def _fail_questionnaire(error: AdvisorError, lang: str) -> None:
    """One line: the first problem, and how to see the others."""
    text = error.render(translations(lang))
    more = len(error.problems) - 1
    if more > 0:
        text += Message(
            N_(" (+{count} more; --check lists every problem)"), {"count": more}
        ).render(translations(lang))
    click.echo(text, err=True)
    sys.exit(1)


def _check_questionnaire(codebook: Path | None, langs, fmt: str, translated) -> None:
    """--check: every problem and warning of the codebook as this questionnaire."""
    from .questionnaire.checks import check_codebook
    from .survey.codebook import load_codebook

    try:
        book = load_codebook(codebook)
    except AdvisorError as error:
        for problem in error.problems:
            click.echo(problem.render(translated), err=True)
        sys.exit(1)
    errors, warnings = check_codebook(book, langs, fmt)
    label = Message(N_("warning")).render(translated)
    for problem in errors:
        click.echo(problem.render(translated), err=True)
    for warning in warnings:
        click.echo(f"{label}: {warning.render(translated)}", err=True)
    if errors:
        sys.exit(1)
    click.echo(
        Message(
            N_("ok: {factors}, {statements}, {warnings}"),
            {
                "factors": Message(P_("{n} factor", "{n} factors"), {"n": len(book.factors)}),
                "statements": Message(
                    P_("{n} statement", "{n} statements"),
                    {"n": sum(len(f.items) for f in book.factors)},
                ),
                "warnings": Message(P_("{n} warning", "{n} warnings"), {"n": len(warnings)}),
            },
        ).render(translated)
    )


@main.command("init")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
def init_command(folder: Path) -> None:
    """Write an editable copy of the knowledge base into FOLDER.

    FOLDER gets factors.yaml, advice.yaml, interventions.yaml, a starter report
    template (templates/report.html), test cases for the rules (tests/advice.yaml, run
    by 'ism-advise rules test FOLDER') and a README.md saying how to use them
    (ism-advise SCORES --knowledge FOLDER); existing files are never overwritten.
    """
    from .app.init import write_starter

    try:
        paths = write_starter(folder)
    except AdvisorError as error:
        _fail(error, "en")
    for path in paths:
        click.echo(str(path))


@main.command("doctor")
@_knowledge_options
@click.option(
    "--templates",
    type=_PathValue("a folder"),
    metavar="DIR",
    help="Your report templates folder, to check it and render the PDF check with it.",
)
@click.option(
    "--pptx-template",
    "pptx_template",
    type=_PathValue("a file"),
    metavar="FILE",
    help="A PowerPoint template (.pptx), to check that a deck can be made on it.",
)
@_lang_option("Language of the report.")
def doctor_command(
    knowledge: Path | None,
    codebook: Path | None,
    rules: Path | None,
    interventions: Path | None,
    templates: Path | None,
    pptx_template: Path | None,
    lang: str,
) -> None:
    """Check that everything ism-advise needs works on this machine.

    Shows the Python and package versions, whether the rules engine fires a rule, whether
    PDF output renders a page and with which fonts, whether a PowerPoint deck can be made
    on the packaged template (or --pptx-template), where the packaged rules and templates
    are, and whether the knowledge base (the packaged one, or the files given) passes
    'rules check'. One line per part, with the fix for each problem; exits 1 if any part
    is unusable, else 0.
    """
    from .app.doctor import run_checks

    translated = translations(lang)
    try:
        codebook, rules, interventions, templates = _knowledge_paths(
            knowledge, codebook, rules, interventions, templates
        )
    except AdvisorError as error:
        _fail(error, lang)
    checks = run_checks(
        codebook=codebook,
        rules=rules,
        interventions=interventions,
        templates=templates,
        pptx_template=pptx_template,
        lang=lang,
    )
    for check in checks:
        label = N_("problem") if not check.ok else N_("warning") if check.warning else N_("ok")
        status = Message(label).render(translated)
        line = f"{status:8} {check.part.render(translated)}: {check.found.render(translated)}"
        if check.fix is not None:
            fix = Message(N_("fix: {fix}"), {"fix": check.fix}).render(translated)
            line += f" — {fix}"
        click.echo(line)
    problems = sum(not check.ok for check in checks)
    summary = (
        Message(
            N_("problems: {count}; ism-advise cannot do all its work here"), {"count": problems}
        )
        if problems
        else Message(N_("everything ism-advise needs works"))
    )
    click.echo(summary.render(translated))
    sys.exit(1 if problems else 0)


@main.command("templates")
def templates_command() -> None:
    """List what a report template receives: the 'report' object and its fields."""
    from .render.context.model import context_help

    for name, fields in context_help().items():
        click.echo(name)
        for field_name, text in fields.items():
            click.echo(f"  {field_name}: {text}")
