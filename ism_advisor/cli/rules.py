"""``ism-advise rules``: check the knowledge base, print its JSON Schemas, run its tests."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..core.errors import N_, P_, AdvisorError, Message
from ..core.i18n import translations
from ..core.resources import packaged_path, shown_path
from .messages import fail, warn
from .options import PathValue, knowledge_options, lang_option

__all__ = ["rules_group"]


@click.group("rules")
def rules_group() -> None:
    """Work with the knowledge base (codebook, rules, interventions)."""


@rules_group.command("check")
@knowledge_options
@click.option("--strict", is_flag=True, help="Treat warnings as errors: exit 1 if there is any.")
@lang_option("Language of the messages.")
def rules_check_command(
    knowledge: Path | None,
    rules: Path | None,
    interventions: Path | None,
    codebook: Path | None,
    strict: bool,
    lang: str,
) -> None:
    """Report every problem in the knowledge base (the comments' codes too) as
    file:line:column: message.

    Exits 1 if there is any problem, else 0 with a one-line summary. Warnings (an any:
    branch that can never be met, a rule another one always shuts out, an intervention no
    rule recommends, a conclusion no rule reads, patterns that one fact alone would have
    to meet in some combination, a figure's former name) are shown as 'warning: ...' and
    do not fail the check, unless --strict.
    """
    from ..advice.knowledge.lint import lint
    from ..advice.knowledge.load import contents
    from ..app.comments import check_comment_codes

    try:
        book, checked = _read_knowledge(knowledge, codebook, rules, interventions)
        codes, codes_path = check_comment_codes(knowledge, book)
    except AdvisorError as error:
        fail(error, lang, every=True)
    warnings = [*checked.warnings, *lint(checked)]
    if strict and warnings:
        for warning in warnings:
            click.echo(warning.render(translations(lang)), err=True)
        sys.exit(1)
    for warning in warnings:
        warn(warning, lang)
    files = ", ".join(shown_path(f) for f in (*checked.files, codes_path))
    summary = N_("ok: {factors}, {rules}, {conclusions}, {interventions}, {codes} ({files})")
    counts = {**contents(book, checked), "codes": codes, "files": files}
    click.echo(Message(summary, counts).render(translations(lang)))


@rules_group.command("schema")
@click.argument("kind", type=click.Choice(("codebook", "rules", "interventions")))
def rules_schema_command(kind: str) -> None:
    """Print the JSON Schema of a codebook, rule file or intervention catalogue.

    Made from the keys, types and choices the readers declare; save it next to your
    files and point your editor's YAML support at it for completion and checking as you
    type ('rules check' stays the judge: it also knows the factors, figures and ids).
    """
    from ..advice.knowledge.schema import json_schema

    click.echo(json.dumps(json_schema(kind), indent=2, ensure_ascii=False))


@rules_group.command("test")
@click.argument("folder", required=False, type=PathValue("a folder", file_okay=False))
@click.option("--coverage", is_flag=True, help="Also list the rules that no case fired.")
@lang_option("Language of the messages.")
def rules_test_command(folder: Path | None, coverage: bool, lang: str) -> None:
    """Run the test cases in FOLDER/tests/*.yaml on the rules of FOLDER.

    FOLDER is a knowledge-base folder made by 'ism-advise init' (default: the packaged
    rule base). Prints a dot per passing case and an F per failing one, then each failure
    as file:line:column with what was expected, what came out and which rules fired;
    exits 1 if a case fails.
    """
    tr = translations(lang)
    try:
        checked, results = _run_tests(folder, lang)
    except AdvisorError as error:
        fail(error, lang, every=True)
    for warning in checked.warnings:
        warn(warning, lang)
    failed = _show_results(checked, results, tr)
    if coverage:
        _show_coverage(checked, results, tr)
    summary = (
        Message(N_("{failed} failed, {passed} passed"), {"failed": len(failed)})
        if failed
        else Message(N_("{passed} passed"))
    )
    _echo_summary(summary, len(results) - len(failed), tr)
    sys.exit(1 if failed else 0)


def _read_knowledge(knowledge, codebook, rules, interventions) -> tuple:
    """The codebook and the checked knowledge base (a --knowledge folder's files where no
    file is given)."""
    from ..advice.knowledge import load_knowledge
    from ..app.settings import knowledge_paths
    from ..survey.codebook import load_codebook

    codebook, rules, interventions, _ = knowledge_paths(knowledge, codebook, rules, interventions)
    book = load_codebook(codebook)
    return book, load_knowledge(book, rules, interventions)


def _echo_summary(summary: Message, passed: int, tr) -> None:
    """``N failed, M passed`` (or ``M passed``)."""
    params = {**summary.params, "passed": passed}
    click.echo(Message(summary.template, params).render(tr))


def _run_tests(folder: Path | None, lang: str) -> tuple:
    """The checked knowledge base of ``folder`` (None: the packaged one) and its test
    cases' results."""
    from ..advice import ruletests as testing

    base = folder if folder is not None else packaged_path("rules")
    _, checked = _read_knowledge(base, None, None, None)
    files = testing.test_files(base)
    if not files:
        raise AdvisorError(
            N_("no test cases (expected tests/*.yaml in this folder)"), path=str(base)
        )
    cases = testing.load_cases(files, checked)
    return checked, testing.run_cases(checked, cases, lang)


def _show_results(checked, results, tr) -> list:
    """A dot per passing case and an F per failing one, per file; then each failure with
    what fired and why what was wanted was not advised. Returns the failed results."""
    from ..advice import ruletests as testing

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
    return failed


def _show_coverage(checked, results, tr) -> None:
    """--coverage: each rule no case fired, where it is, and how many did fire."""
    from ..advice import ruletests as testing

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
