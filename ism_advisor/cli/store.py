"""``ism-advise store``: add a run's aggregates to the consultancy's store, list, remove,
export and import its entries (docs/store.md)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from ..core.errors import N_, P_, AdvisorError, Message
from ..core.files import write_atomic
from ..core.i18n import translations
from .messages import fail
from .options import PathValue, lang_option, report_date, store_option

__all__ = ["store_group"]

#: As in ism_advisor.store (repeated here so that --help does not import SQLAlchemy).
SIZE_BANDS = ("1-49", "50-249", "250-999", "1000-4999", "5000+")
PLATFORMS = ("viva-engage", "workplace", "teams", "slack", "other")


@click.group("store")
def store_group() -> None:
    """The consultancy's store of client aggregates: what norms compare a client with,
    and what earlier runs published (docs/store.md)."""


def _say(lang: str, template: str, **params: Any) -> None:
    click.echo(Message(template, params).render(translations(lang)))


def _open(location: str | None):
    from ..store import open_store, resolve_location

    return open_store(resolve_location(location, default=True))


@store_group.command("add")
@click.argument("run", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--client", required=True, help="The client's label (1-80 characters; never a file name)."
)
@click.option("--sector", required=True, help="The client's sector.")
@click.option(
    "--size", "size_band", required=True, type=click.Choice(SIZE_BANDS), help="Employees."
)
@click.option("--platform", required=True, type=click.Choice(PLATFORMS), help="The platform.")
@click.option(
    "--consent",
    is_flag=True,
    help="The client agreed to be compared with; without it the entry is kept but used "
    "for nothing.",
)
@click.option(
    "--wave", default=None, help="The wave's name. Default: the run's latest wave, else its date."
)
@click.option(
    "--date",
    default=None,
    callback=report_date,
    metavar="YYYY-MM-DD",
    help="The run's date. Default: its --date.",
)
@click.option("--replace", is_flag=True, help="Replace another entry for the same client and wave.")
@store_option
@lang_option("Language of the messages.")
def store_add_command(
    run: Path,
    client: str,
    sector: str,
    size_band: str,
    platform: str,
    consent: bool,
    wave: str | None,
    date: str | None,
    replace: bool,
    store: str | None,
    lang: str,
) -> None:
    """Add the whole organisation's figures of RUN (a run's JSON document: ism-advise
    SCORES --format json) to the store as the client's entry for one wave: counts, means,
    SDs, gaps, Hedges' g and adoption, the interventions advised and carried out; never a
    respondent's row, a segment or a hidden figure. The same run twice is one entry."""
    from ..store import entry_from_document

    try:
        document = _read_document(run)
        try:
            entry = entry_from_document(
                document, client=client, sector=sector, size_band=size_band,
                platform=platform, consent=consent, wave=wave, date=date,
            )  # fmt: skip
        except AdvisorError as error:
            raise AdvisorError(
                error.message.template, path=str(run), **error.message.params
            ) from None
        with _open(store) as opened:
            done = opened.add(entry, replace=replace)
    except AdvisorError as error:
        fail(error, lang)
    said = {
        "added": N_("added: client {client}, wave {wave}"),
        "unchanged": N_("already in the store: client {client}, wave {wave}"),
        "replaced": N_("replaced: client {client}, wave {wave}"),
    }[done]
    _say(lang, said, client=entry.client, wave=entry.wave)
    if not entry.consent:
        _say(lang, N_("without --consent: the entry is kept but used for nothing"))


def _read_document(path: Path) -> dict:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AdvisorError(N_("no such file"), path=str(path)) from None
    except (OSError, UnicodeDecodeError):
        raise AdvisorError(
            N_("not the JSON document of a run (ism-advise SCORES --format json)"), path=str(path)
        ) from None
    try:
        return json.loads(text)
    except ValueError:
        raise AdvisorError(
            N_("not the JSON document of a run (ism-advise SCORES --format json)"), path=str(path)
        ) from None


@store_group.command("list")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(("text", "json")),
    default="text",
    show_default=True,
    help="One line per entry, or a JSON document.",
)
@store_option
@lang_option("Language of the list.")
def store_list_command(output_format: str, store: str | None, lang: str) -> None:
    """List the entries: client, wave, date, sector, size, platform, consent (and
    'generated' for a demonstration entry), then the number of entries per codebook
    version (norms compare only entries of the same version)."""
    try:
        with _open(store) as opened:
            found = opened.entries()
            label = opened.label
    except AdvisorError as error:
        fail(error, lang)
    versions: dict[str, int] = {}
    for entry in found:
        versions[entry.codebook_version] = versions.get(entry.codebook_version, 0) + 1
    if output_format == "json":
        keys = ("client", "wave", "date", "sector", "size_band", "platform", "consent",
                "generated", "codebook_version")  # fmt: skip
        out = {
            "store": label,
            "entries": [{k: getattr(e, k) for k in keys} for e in found],
            "codebook_versions": dict(sorted(versions.items())),
        }
        click.echo(json.dumps(out, indent=2, ensure_ascii=False))
        return
    catalogue = translations(lang)
    if not found:
        _say(lang, N_("the store {store} is empty"), store=label)
        return
    yes, no = Message(N_("consent")).render(catalogue), Message(N_("no consent")).render(catalogue)
    generated = Message(N_("generated")).render(catalogue)
    for e in found:
        cells = [e.client, e.wave, e.date, e.sector, e.size_band, e.platform,
                 yes if e.consent else no, *([generated] if e.generated else [])]  # fmt: skip
        click.echo("\t".join(cells))
    for version, count in sorted(versions.items()):
        _say(lang, P_("codebook {version}: {n} entry", "codebook {version}: {n} entries"),
             version=version, n=count)  # fmt: skip


@store_group.command("remove")
@click.argument("client")
@click.option("--wave", default=None, help="Remove this wave's entry only.")
@store_option
@lang_option("Language of the messages.")
def store_remove_command(client: str, wave: str | None, store: str | None, lang: str) -> None:
    """Remove the entries of CLIENT (one wave's with --wave) from the store."""
    try:
        with _open(store) as opened:
            removed = opened.remove(client, wave)
        if not removed:
            if wave is None:
                raise AdvisorError(N_("no entry for {client}"), client=client)
            raise AdvisorError(N_("no entry for {client}, wave {wave}"), client=client, wave=wave)
    except AdvisorError as error:
        fail(error, lang)
    _say(lang, P_("removed {n} entry of {client}", "removed {n} entries of {client}"),
         n=removed, client=client)  # fmt: skip


@store_group.command("export")
@click.argument("file", type=PathValue("a file", dash=True, path_type=str))
@click.option(
    "--hash-labels",
    is_flag=True,
    help="Replace the client and wave labels by keyed hashes (h: and 16 hex digits; the "
    "same label, the same hash in this store).",
)
@store_option
@lang_option("Language of the messages.")
def store_export_command(file: str, hash_labels: bool, store: str | None, lang: str) -> None:
    """Write every entry to FILE ('-': standard output) as JSON lines (docs/store.md), to
    share with another consultant ('ism-advise store import')."""
    from ..store.exchange import export_lines

    try:
        with _open(store) as opened:
            lines = list(export_lines(opened, hash_labels=hash_labels))
        if file == "-":
            sys.stdout.write("".join(lines))
            sys.stdout.flush()
            return
        write_atomic(Path(file), "".join(lines).encode("utf-8"))
    except AdvisorError as error:
        fail(error, lang)
    _say(lang, P_("exported {n} entry to {file}", "exported {n} entries to {file}"),
         n=len(lines) - 1, file=file)  # fmt: skip


@store_group.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--replace", is_flag=True, help="Replace entries of the same client and wave.")
@store_option
@lang_option("Language of the messages.")
def store_import_command(file: Path, replace: bool, store: str | None, lang: str) -> None:
    """Add the entries of FILE (an export, JSON lines) to the store: every line is checked
    first, then all are added in one transaction, or none."""
    from ..store.exchange import read_import

    try:
        found = read_import(file)
        with _open(store) as opened:
            done = opened.import_(found, replace=replace)
    except AdvisorError as error:
        fail(error, lang)
    _say(lang, N_("imported: {added} added, {unchanged} already in the store, {replaced} replaced"),
         added=done.count("added"), unchanged=done.count("unchanged"),
         replaced=done.count("replaced"))  # fmt: skip
