"""``ism-advise questionnaire``: the survey itself, written from the codebook."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..core.errors import N_, P_, AdvisorError, Message
from ..core.files import Outputs
from ..core.i18n import LANGUAGES, translations
from .options import PathValue, analysis_options

__all__ = ["QUESTIONNAIRE_LANGS", "QUESTIONNAIRE_SUFFIXES", "questionnaire_command"]


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


@click.command("questionnaire")
@click.option(
    "--knowledge",
    type=PathValue("a folder"),
    metavar="DIR",
    help="A knowledge-base folder made by 'ism-advise init': its factors.yaml is the codebook.",
)
@click.option(
    "--codebook",
    type=PathValue("a file"),
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
    type=PathValue("a file", dash=True, path_type=str),
    default=None,
    metavar="PATH",
    help="Where to write; '-' for standard output. Default: questionnaire-<format>.<suffix> here.",
)
@click.option(
    "--key",
    type=PathValue("a file"),
    metavar="PATH",
    callback=_key_path,
    help="Also write the consultant's key (Markdown): codes, reverse-coded statements, the "
    "CSV header for typing in paper forms, the checks' warnings.",
)
@analysis_options(
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
    from ..app.settings import knowledge_paths

    lang = langs[0]
    fmt = _questionnaire_format(output, fmt)
    _check_langs(fmt, langs)
    translated = translations(lang)
    try:
        codebook, _, _, _ = knowledge_paths(knowledge, codebook, None, None)
        if check:
            _check_questionnaire(codebook, langs, fmt, translated)
            return
        target = _write(codebook, langs, fmt, output, key, min_group_size, translated)
    except AdvisorError as error:
        _fail_questionnaire(error, lang)
    if target is not None:
        click.echo(str(target), err=output == "-")
    if key is not None:
        click.echo(str(key), err=target is None)


def _check_langs(fmt: str, langs: tuple[str, ...]) -> None:
    """Qualtrics' import file holds one language."""
    if fmt == "qualtrics" and len(langs) > 1:
        raise click.BadParameter(
            "Qualtrics' TXT import holds one language: write one file per language (--lang nl,"
            " --lang en) and add the other as a translation in Qualtrics",
            param_hint="'--lang'",
        )


def _write(
    codebook: Path | None,
    langs: tuple[str, ...],
    fmt: str,
    output: str | None,
    key: Path | None,
    min_group_size: int,
    translated,
) -> Path | None:
    """Write the questionnaire (and its key): both or neither; returns its file (None:
    written to standard output)."""
    from ..questionnaire import build_questionnaire, write_key, write_questionnaire
    from ..survey.codebook import load_codebook

    book = load_codebook(codebook)
    source = str(codebook) if codebook is not None else None
    inputs = [p for p in (codebook,) if p is not None]
    outputs = Outputs(inputs)  # the questionnaire and its key: both or neither
    target = None
    if output != "-":
        suffix = QUESTIONNAIRE_SUFFIXES[fmt][0]
        default = f"questionnaire-{fmt}{suffix}" if suffix == ".txt" else f"questionnaire{suffix}"
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
    return target


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
    from ..questionnaire.checks import check_codebook
    from ..survey.codebook import load_codebook

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
