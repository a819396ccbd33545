"""The ``ism-advise`` command: parses options, calls the library, reports errors.

Only this package imports click. Each command group is a module of its own (:mod:`.advise`,
:mod:`.explain`, :mod:`.rules`, :mod:`.survey`, :mod:`.questionnaire`, :mod:`.setup`,
:mod:`.store`, :mod:`.evidence`, :mod:`.comments`)
whose commands are registered on :func:`main` here; the options they share are
:mod:`.options`, what they say on the terminal :mod:`.messages`. Heavy libraries (pandas,
scipy) are imported inside the commands so that ``ism-advise --help`` answers at once.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import click

from .. import __version__
from ..app.settings import PDF_VARIANTS
from .advise import DEFAULT_COMMAND, advise_command
from .comments import comments_command
from .evidence import evidence_command
from .explain import explain_command
from .questionnaire import questionnaire_command
from .rules import rules_group
from .setup import doctor_command, init_command, templates_command
from .store import store_group
from .survey import map_command, sample_command

__all__ = ["DEFAULT_COMMAND", "PDF_VARIANTS", "main"]


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


for _command in (
    advise_command,
    sample_command,
    rules_group,
    explain_command,
    map_command,
    questionnaire_command,
    init_command,
    doctor_command,
    templates_command,
    store_group,
    evidence_command,
    comments_command,
):
    main.add_command(_command)
