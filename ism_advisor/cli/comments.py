"""``ism-advise comments FILE --column C``: the consultant's coding sheet of the open
comments (:mod:`ism_advisor.app.comments`)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from ..core.errors import P_, AdvisorError, Message
from ..core.files import Outputs
from ..core.i18n import translations
from .messages import fail
from .options import PathValue, comment_options, knowledge_options, lang_option, survey_options

__all__ = ["SUMMARY", "comments_command"]

#: The summary line on standard error.
SUMMARY = P_("{n} comment, {coded} coded", "{n} comments, {coded} coded")


@click.command("comments")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=True))
@click.option(
    "--column",
    "columns",
    multiple=True,
    required=True,
    metavar="C",
    help="The column of the open question (its name or question text; 'open': every open "
    "question the export declares); repeatable.",
)
@click.option(
    "-o",
    "--output",
    type=PathValue("a file", dash=True, path_type=str),
    default=None,
    metavar="PATH",
    help="Where to write the coding sheet (CSV); '-' or left out: standard output.",
)
@click.option(
    "--segment-by",
    "segment_by",
    multiple=True,
    metavar="COL",
    help="A segment column whose values --redact-segments removes; repeatable.",
)
@knowledge_options
@comment_options(run=False)
@survey_options
@lang_option("Language of the redaction markers and messages: en or nl.")
def comments_command(file: Path, columns: tuple[str, ...], **options: Any) -> None:
    """Write the coding sheet of the open comments in FILE: each comment redacted (names,
    e-mail addresses, phone numbers, URLs, IBANs, postcodes removed), its codes, its
    direction and the words that matched, in the order of the texts (never the file's).
    Correct the codes and feed the sheet back with --comment-examples.
    """
    from ..app.comments import coding_sheet
    from ..app.settings import comment_codes_path, knowledge_paths, sheet_choice

    lang, output = options.pop("lang"), options.pop("output")
    knowledge = options.pop("knowledge")
    try:
        book, *_ = knowledge_paths(
            knowledge, options.pop("codebook"), options.pop("rules"), options.pop("interventions")
        )
        codes = options.pop("comment_codes") or comment_codes_path(knowledge)
        options["sheet"] = sheet_choice(options.pop("sheet"), options.pop("header_row"))
        inputs = [file, *(p for p in (book, codes, options["mapping"]) if p is not None)]
        target = None if output in (None, "-") else Path(output)
        outputs = Outputs([*inputs, *options["comment_examples"]])
        if target is not None:
            outputs.file(target)
        sheet = coding_sheet(
            file, columns, lang=lang, codebook=book, comment_codes=codes, **options
        )
        if target is not None:
            with outputs:
                outputs.write(target, sheet.data)
    except AdvisorError as error:
        fail(error, lang)
    summary = Message(SUMMARY, {"n": sheet.comments, "coded": sheet.coded})
    click.echo(summary.render(translations(lang)), err=True)
    if target is None:
        sys.stdout.buffer.write(sheet.data)
        sys.stdout.flush()
    else:
        click.echo(str(target))
