"""``ism-advise sample`` (a synthetic survey to try the tool on) and ``ism-advise map``
(which column of a survey export feeds which item)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from ..core.errors import N_, P_, AdvisorError, Message
from ..core.files import check_folder, check_not_input, write_atomic
from ..core.i18n import translations
from .messages import fail
from .options import PathValue, knowledge_options, lang_option, report_date, sheet_options

__all__ = ["map_command", "sample_command"]


@click.command("sample")
@click.option("--seed", type=int, default=None, help="Random seed (default 2015).")
@click.option(
    "-o",
    "--output",
    "folder",
    type=PathValue("a folder", file_okay=False),
    metavar="DIR",
    default=None,
    help="Folder to write scores.csv and responses.csv (and the second wave's "
    "scores-wave2.csv and responses-wave2.csv) into. Default: sample_data, unless --store "
    "is given.",
)
@click.option(
    "--store",
    default=None,
    metavar="PATH|URL",
    help="Fill this store (made if new) with generated organisations, clearly labelled, to "
    "try --norms on: a demonstration store, which holds no real client.",
)
@click.option(
    "--organisations",
    type=click.IntRange(1, 99),
    default=12,
    show_default=True,
    metavar="N",
    help="How many organisations --store generates (fewer than 5: --norms shows nothing).",
)
@click.option(
    "--date",
    "end",
    default=None,
    metavar="YYYY-MM-DD",
    callback=report_date,
    help="The generated organisations' dates lie in the 30 months up to this date "
    "(default 2026-11-30); never the clock.",
)
@click.option(
    "--comments",
    "with_comments",
    is_flag=True,
    help="Also write scores-comments.csv and responses-comments.csv: the same survey with "
    "an open question (column comment, nl and en) to try --comments on.",
)
def sample_command(
    seed: int | None,
    folder: Path | None,
    store: str | None,
    organisations: int,
    end: str | None,
    with_comments: bool,
) -> None:
    """Write a synthetic survey (about 600 respondents) for trying the tool out, and its
    second wave six months later (some factors improved after interventions, some not).

    With --store, fill a demonstration store with a dozen generated organisations instead
    (or as well, with -o), each surveyed two or three times with the planted effects of
    what it carried out in between, so that --norms has organisations to compare with and
    the evidence ledger something to find.

    With --comments, the survey also comes with what staff wrote: the same respondents and
    scores and a column comment, with names, e-mail addresses and phone numbers planted in
    some comments to see them redacted.
    """
    from ..survey.codebook import load_codebook
    from ..survey.sample import DEFAULT_SEED, generate_followup, generate_sample, write_sample

    seed = DEFAULT_SEED if seed is None else seed
    try:
        paths: list[Path] = []
        if folder is not None or store is None:
            book = load_codebook()
            sample = generate_sample(book, seed)
            folder = Path("sample_data") if folder is None else folder
            paths = write_sample(sample, folder, generate_followup(book, seed))
            if with_comments:
                from ..survey.sample_comments import generate_comments, write_comments

                paths += write_comments(generate_comments(book, seed), folder)
        filled = _fill(store, organisations, end, seed)
    except AdvisorError as error:
        fail(error, "en")
    for path in paths:
        click.echo(str(path))
    if filled is not None:
        click.echo(filled.render(translations("en")))


def _fill(store: str | None, organisations: int, end: str | None, seed: int) -> Message | None:
    """``sample --store``: the demonstration store filled (None: no --store)."""
    if store is None:
        return None
    from ..app.demo import DEFAULT_END, demonstration_store

    return demonstration_store(store, organisations, end or DEFAULT_END, seed)


@click.command("map")
@click.argument("export", type=click.Path(path_type=Path, dir_okay=True))
@knowledge_options
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
    type=PathValue("a file", dash=True, path_type=str),
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
@sheet_options
@lang_option("Language of the table, the file's comments and messages.")
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
    from ..app.settings import knowledge_paths, sheet_choice

    try:
        codebook, _, _, _ = knowledge_paths(knowledge, codebook, rules, interventions)
        choice = sheet_choice(sheet, header_row)
        proposed, text, target = _propose(
            export, codebook, segment_by, output, force, include_incomplete, choice, lang
        )
    except AdvisorError as error:
        fail(error, lang)
    _show(proposed, lang, to_stderr=target is None)
    if target is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        click.echo(str(target))


def _propose(
    export: Path,
    codebook: Path | None,
    segment_by: tuple[str, ...],
    output: str | None,
    force: bool,
    include_incomplete: bool,
    sheet: Any,
    lang: str,
) -> tuple[Any, str, Path | None]:
    """The proposed mapping, its YAML text, and the file it was written to (None:
    standard output); the file is checked before the export is read."""
    from ..survey.codebook import load_codebook
    from ..survey.reading.propose import propose_mapping

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
        sheet=sheet,
    )
    name = codebook.name if codebook is not None else "<packaged>/factors.yaml"
    text = proposed.yaml(
        str(codebook) if codebook is not None else name,
        lang,
        target.name if target is not None else "MAPPING.yaml",
    )
    if target is not None:
        write_atomic(target, text.encode("utf-8"))
    return proposed, text, target


def _show(proposed: Any, lang: str, to_stderr: bool) -> None:
    """What was read, the table of columns and the counts (on stderr, as the table, when
    the mapping goes to standard output)."""
    from ..survey.reading.propose import guesses

    translated = translations(lang)
    out = to_stderr  # the mapping goes to stdout: the table to stderr
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
