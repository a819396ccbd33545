"""``ism-advise evidence``: the store's evidence ledger — what each intervention changed
at the clients that carried it out, pooled across clients (before and after, not proof)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..core.errors import AdvisorError
from ..core.files import write_atomic
from .messages import fail
from .options import PathValue, knowledge_options, lang_option, report_date, store_option

__all__ = ["EVIDENCE_SUFFIXES", "evidence_command"]

#: The ledger's formats and the suffixes that name them.
EVIDENCE_SUFFIXES = {
    "json": (".json",),
    "csv": (".csv",),
    "md": (".md", ".markdown"),
    "html": (".html", ".htm"),
    "pdf": (".pdf",),
}
#: What --by splits the clients by (as ism_advisor.stats.evidence.BY: --help stays light).
BY = ("size", "sector", "platform")


def _evidence_format(output: str | None, fmt: str | None) -> str:
    """The ledger's format: --format, else the -o suffix, else md."""
    hint = ["-o", "--output"]
    if not output or output == "-":
        return fmt or "md"
    suffix = Path(output).suffix.lower()
    named = [f for f, suffixes in EVIDENCE_SUFFIXES.items() if suffix in suffixes]
    if suffix and not named and fmt is None:
        raise click.BadParameter(
            f"{output!r} ends in {suffix}, a format the ledger is not written in (use .json,"
            " .csv, .md, .html or .pdf, or --format)",
            ctx=click.get_current_context(),
            param_hint=hint,
        )
    if fmt is not None and named and fmt not in named:
        raise click.BadParameter(
            f"{output!r} ends in {suffix}, but --format is {fmt} (name it"
            f" {Path(output).with_suffix(EVIDENCE_SUFFIXES[fmt][0])}, or leave out --format)",
            ctx=click.get_current_context(),
            param_hint=hint,
        )
    return fmt or (named[0] if named else "md")


def _document(store: str | None, knowledge: tuple, lang: str, date: str | None, by: str | None):
    """The ledger document of the store (SQLAlchemy loads here, not for --help)."""
    from ..app.evidence import ledger, read_knowledge_files
    from ..store import open_store, resolve_location

    checked = read_knowledge_files(*knowledge)
    with open_store(resolve_location(store, default=True)) as opened:
        return ledger(opened, checked, lang, until=date, by=by)


def _render(document: dict, fmt: str, lang: str) -> bytes:
    """The ledger's bytes in ``fmt``: JSON and CSV here, the report by the renderer."""
    if fmt == "json":
        return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    if fmt == "csv":
        from ..app.evidence import ledger_csv

        return ledger_csv(document, lang).encode("utf-8")
    from ..render.evidence import render_evidence

    return render_evidence(document, fmt, lang)


def _write(data: bytes, output: str | None) -> None:
    if output is None or output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        write_atomic(Path(output), data)
        click.echo(output)  # as every command that writes a file: its path


@click.command("evidence")
@store_option
@knowledge_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(tuple(EVIDENCE_SUFFIXES)),
    default=None,
    help="json or csv (the figures), md, html or pdf (the 'what works' report). Default: "
    "from the -o suffix, else md.",
)
@click.option(
    "-o",
    "--output",
    type=PathValue("a file", dash=True, path_type=str),
    default=None,
    metavar="FILE",
    help="Where to write the ledger ('-': standard output, the default); its path is printed.",
)
@lang_option("Language of the ledger and the messages.")
@click.option(
    "--date",
    default=None,
    callback=report_date,
    metavar="YYYY-MM-DD",
    help="Only periods that end on or before this date. Default: every period.",
)
@click.option(
    "--by",
    type=click.Choice(BY),
    default=None,
    help="Also pool the non-users' change per group of clients: size (small: fewer than "
    "250 employees; large), sector or platform.",
)
@click.option(
    "--check",
    is_flag=True,
    help="Check the catalogue: list the interventions whose pooled change is credibly "
    "negative (exit 1) and those never carried out.",
)
def evidence_command(
    store: str | None,
    knowledge: Path | None,
    codebook: Path | None,
    rules: Path | None,
    interventions: Path | None,
    fmt: str | None,
    output: str | None,
    lang: str,
    date: str | None,
    by: str | None,
    check: bool,
) -> None:
    """The evidence ledger of the store: per intervention and factor it addresses, the
    change at the clients that carried it out (the period from one wave to the next),
    pooled across clients (random effects, shown from 3 clients), beside the change at the
    clients that did not. Before and after, not proof: clients chose what to do.

    Every period is two consecutive waves of one client in the store, both with consent
    and the codebook's version; the later wave's 'done' says what was carried out.
    """
    fmt = _evidence_format(output, fmt)
    try:
        document = _document(store, (knowledge, codebook, rules, interventions), lang, date, by)
        if check:
            from ..app.evidence import check_failed, check_text

            if output is not None:
                _write(_render(document, fmt, lang), output)
            click.echo(check_text(document, lang), nl=False)
            sys.exit(1 if check_failed(document) else 0)
        _write(_render(document, fmt, lang), output)
    except AdvisorError as error:
        fail(error, lang)
