"""The options several commands share, each defined once (with its help text)."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import click

from ..core.i18n import LANGUAGES

__all__ = [
    "PathValue",
    "analysis_options",
    "comment_options",
    "knowledge_options",
    "lang_option",
    "report_date",
    "sheet_options",
    "store_option",
    "store_options",
    "survey_options",
    "wave_options",
]


class PathValue(click.Path):
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


def report_date(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
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


def lang_option(help: str):
    """--lang, for every command that speaks to its reader."""
    return click.option(
        "--lang",
        type=click.Choice(LANGUAGES, case_sensitive=False),
        default="en",
        show_default=True,
        help=help,
    )


def knowledge_options(command):
    """--knowledge, --codebook, --rules and --interventions, for every command that reads
    the knowledge base."""
    options = [
        click.option(
            "--knowledge",
            type=PathValue("a folder"),
            metavar="DIR",
            help="A knowledge-base folder made by 'ism-advise init': its factors.yaml, "
            "advice.yaml, interventions.yaml and templates/ replace the packaged ones.",
        ),
        click.option(
            "--codebook",
            type=PathValue("a file"),
            metavar="FILE",
            help="Codebook YAML (factors, items, scale, usage column). Default: the packaged one.",
        ),
        click.option(
            "--rules",
            type=PathValue("a file"),
            metavar="FILE",
            help="Rule base YAML (when to advise what). Default: the packaged one.",
        ),
        click.option(
            "--interventions",
            type=PathValue("a file"),
            metavar="FILE",
            help="Intervention catalogue YAML. Default: the packaged one.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def analysis_options(min_group_size_help: str, alpha_help: str | None = None):
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


def sheet_options(command):
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


def survey_options(command):
    """--map, --include-incomplete, --sheet and --header-row, for every command that reads
    a survey."""
    command = sheet_options(command)
    options = [
        click.option(
            "--map",
            "mapping",
            type=PathValue("a file"),
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


def wave_options(command):
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
            type=PathValue("a file"),
            metavar="FILE",
            help="A YAML list of the interventions carried out since the last survey; the "
            "follow-up rules and the report say what changed where they were done.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def comment_options(*, run: bool = True):
    """The open comments' options: --comments and --min-comments (``run``: the advice run
    only), --comment-codes, --comment-examples, --redact and --redact-segments (also
    ``ism-advise comments``)."""
    options = []
    if run:
        options += [
            click.option(
                "--comments",
                "comments",
                multiple=True,
                metavar="COLUMN",
                help="Read the open comments of column COLUMN (its name or question text; "
                "repeatable; 'open': every open question the export declares): redacted, "
                "coded to the factors by comments.yaml, shown per factor and segment. "
                "Without it no free text is read.",
            ),
            click.option(
                "--min-comments",
                "min_comments",
                type=click.IntRange(min=3),
                default=None,
                metavar="N",
                help="Smallest group of comments (per segment, of users or of non-users) "
                "whose codes and quotes are shown; never below --min-group-size. Default: 10, "
                "or --min-group-size where that is larger.",
            ),
        ]
    options += [
        click.option(
            "--comment-codes",
            "comment_codes",
            type=PathValue("a file"),
            metavar="FILE",
            help="The comments' codes (YAML: per factor and other topic, the words that "
            "signal it). Default: comments.yaml of --knowledge, else the packaged one.",
        ),
        click.option(
            "--comment-examples",
            "comment_examples",
            multiple=True,
            type=PathValue("a file"),
            metavar="FILE",
            help="A coding sheet (made by 'ism-advise comments', then corrected) whose codes "
            "the coder learns from; repeatable.",
        ),
        click.option(
            "--redact",
            "redact",
            multiple=True,
            metavar="TERM",
            help="A word to remove from every comment (e.g. the organisation's name); "
            "repeatable. Names, e-mail addresses, phone numbers, URLs, IBANs and postcodes "
            "are always removed.",
        ),
        click.option(
            "--redact-segments",
            "redact_segments",
            is_flag=True,
            help="Also remove the values of the segment columns (--segment-by) from the comments.",
        ),
    ]

    def decorate(command):
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


def store_option(command):
    """--store for the commands that work on the store itself (store, evidence): the
    default store when not given."""
    return click.option(
        "--store",
        default=None,
        metavar="PATH|URL",
        help="The store: a SQLite file, or postgresql://HOST/DATABASE (password from "
        "PGPASSWORD or ~/.pgpass, never here). Default: ISM_ADVISOR_STORE, else store.sqlite "
        "in your data folder.",
    )(command)


def store_options(command):
    """--store, --norms, --norms-window, --evidence and --no-memory: the consultancy's
    store (README: "The consultancy's store")."""
    options = [
        click.option(
            "--store",
            default=None,
            metavar="PATH|URL",
            help="The consultancy's store: a SQLite file, or postgresql://HOST/DATABASE for a "
            "shared one (password from PGPASSWORD or ~/.pgpass, never here). Default: "
            "ISM_ADVISOR_STORE, else none (with --norms: a store in your data folder).",
        ),
        click.option(
            "--norms",
            is_flag=True,
            help="Compare the client with the other organisations in the store that used "
            "the same questionnaire: percentile rank, median and P25-P75 per factor.",
        ),
        click.option(
            "--norms-window",
            "norms_window",
            type=click.IntRange(1, 240),
            default=36,
            show_default=True,
            metavar="MONTHS",
            help="How many months before the report date (--date) the norms reach.",
        ),
        click.option(
            "--evidence",
            is_flag=True,
            help="Use the store's evidence ledger: what each intervention changed at the "
            "other clients that carried it out (before and after, not proof), on the action "
            "cards, in an appendix and in the rules.",
        ),
        click.option(
            "--no-memory",
            "memory",
            flag_value=False,
            default=True,
            help="A one-off run: with a store and --client, do not check this run's figures "
            "against the client's earlier runs, and do not record them.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command
