"""``ism-advise init`` (an editable knowledge base), ``doctor`` (does everything work
here) and ``templates`` (what a report template receives)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..core.errors import N_, AdvisorError, Message
from ..core.i18n import translations
from .messages import fail
from .options import PathValue, knowledge_options, lang_option

__all__ = ["doctor_command", "init_command", "templates_command"]


@click.command("init")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
def init_command(folder: Path) -> None:
    """Write an editable copy of the knowledge base into FOLDER.

    FOLDER gets factors.yaml, advice.yaml, interventions.yaml, a starter report
    template (templates/report.html), test cases for the rules (tests/advice.yaml, run
    by 'ism-advise rules test FOLDER') and a README.md saying how to use them
    (ism-advise SCORES --knowledge FOLDER); existing files are never overwritten.
    """
    from ..app.init import write_starter

    try:
        paths = write_starter(folder)
    except AdvisorError as error:
        fail(error, "en")
    for path in paths:
        click.echo(str(path))


@click.command("doctor")
@knowledge_options
@click.option(
    "--templates",
    type=PathValue("a folder"),
    metavar="DIR",
    help="Your report templates folder, to check it and render the PDF check with it.",
)
@click.option(
    "--pptx-template",
    "pptx_template",
    type=PathValue("a file"),
    metavar="FILE",
    help="A PowerPoint template (.pptx), to check that a deck can be made on it.",
)
@lang_option("Language of the report.")
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
    from ..app.doctor import run_checks
    from ..app.settings import knowledge_paths

    translated = translations(lang)
    try:
        codebook, rules, interventions, templates = knowledge_paths(
            knowledge, codebook, rules, interventions, templates
        )
    except AdvisorError as error:
        fail(error, lang)
    checks = run_checks(
        codebook=codebook,
        rules=rules,
        interventions=interventions,
        templates=templates,
        pptx_template=pptx_template,
        lang=lang,
    )
    sys.exit(_report(checks, translated))


def _report(checks, translated) -> int:
    """One line per part, then the summary; the exit code (1: a part is unusable)."""
    for check in checks:
        click.echo(_line(check, translated))
    problems = sum(not check.ok for check in checks)
    summary = (
        Message(
            N_("problems: {count}; ism-advise cannot do all its work here"), {"count": problems}
        )
        if problems
        else Message(N_("everything ism-advise needs works"))
    )
    click.echo(summary.render(translated))
    return 1 if problems else 0


def _line(check, translated) -> str:
    """One part of the doctor's report: its status, what was found, and the fix."""
    label = N_("problem") if not check.ok else N_("warning") if check.warning else N_("ok")
    status = Message(label).render(translated)
    line = f"{status:8} {check.part.render(translated)}: {check.found.render(translated)}"
    if check.fix is not None:
        fix = Message(N_("fix: {fix}"), {"fix": check.fix}).render(translated)
        line += f" — {fix}"
    return line


@click.command("templates")
def templates_command() -> None:
    """List what a report template receives: the 'report' object and its fields."""
    from ..render.context.model import context_help

    for name, fields in context_help().items():
        click.echo(name)
        for field_name, text in fields.items():
            click.echo(f"  {field_name}: {text}")
