"""What the commands say on the terminal: errors, warnings, progress, usage errors."""

from __future__ import annotations

import sys
import time

import click

from ..app.settings import SettingsError
from ..core.errors import N_, AdvisorError, Message
from ..core.i18n import translations

__all__ = ["Progress", "fail", "progressbar", "report_hidden", "usage_error", "warn"]


def fail(error: AdvisorError, lang: str, every: bool = False) -> None:
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


class Progress:
    """Shows the stage of a long run on one terminal line (stderr), then clears it."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __call__(self, message: Message) -> None:
        text = message.render(translations(self.lang)) + " …"
        click.echo(f"\r\x1b[2K{text}", err=True, nl=False, color=True)
        if message.template == N_("writing the advice"):
            click.echo("\r\x1b[2K", err=True, nl=False, color=True)


def warn(message: Message | AdvisorError, lang: str) -> None:
    label = Message(N_("warning")).render(translations(lang))
    click.echo(f"{label}: {message.render(translations(lang))}", err=True)


def report_hidden(document: dict, lang: str) -> None:
    """One line on a terminal saying how much anonymity hid, when it hid anything (the
    report and the JSON say it too; scripts get a clean stderr)."""
    from ..render.context.sections import hidden_counts

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


def progressbar(length: int, label: str):
    """click's progress bar on stderr with the position, the rate and the time left (only
    on a terminal: the caller checks)."""
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


def usage_error(error: SettingsError) -> click.UsageError:
    """The options' mistake as click's usage error: the same text and exit code (2) as the
    checks that once lived here gave."""
    ctx = click.get_current_context()
    if error.usage:
        return click.UsageError(error.message, ctx)
    return click.BadParameter(error.message, ctx=ctx, param_hint=error.param_hint)
