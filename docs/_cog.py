"""The generated parts of the documentation, which cog writes between the markers of the
Markdown files (as sqlite-utils keeps its CLI reference in step with its code).

Run from the repository's root, with the package importable::

    cog -r README.md docs/*.md docs/*/*.md      # fill in
    cog --check README.md docs/*.md docs/*/*.md  # CI: are they current?

A block imports this module (``sys.path.insert(0, "docs"); import _cog``) and writes what
one of its functions returns with ``cog.out``. Every import of ``ism_advisor`` the
generated parts need is at the top of this file, and nowhere else.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import click
from click.testing import CliRunner

from ism_advisor.cli import main
from ism_advisor.core.vocabulary import COMPARISON, FACT_KINDS, SEGMENT, FactKind, Field

ROOT = Path(__file__).resolve().parent.parent
#: The width ``--help`` is wrapped to, whatever the terminal that runs cog.
WIDTH = 80


def run(*args: str) -> str:
    """What ``ism-advise ARGS`` prints (stdout), as a reader's 80-column terminal shows it."""
    result = CliRunner().invoke(main, list(args), prog_name="ism-advise", terminal_width=WIDTH)
    if result.exit_code != 0:
        raise RuntimeError(f"ism-advise {' '.join(args)}: exit {result.exit_code}\n{result.output}")
    return result.stdout


def fenced(text: str) -> str:
    return f"```text\n{text.rstrip()}\n```\n"


# -- the README's opening, for the site's home page -----------------------------------


def readme(*sections: str) -> str:
    """The README's introduction (below its title) and its ``## `` sections of these names,
    in the README's order."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    intro, *parts = re.split(r"^(?=## )", text, flags=re.M)
    chosen = [p for p in parts if p.splitlines()[0].removeprefix("## ") in sections]
    missing = set(sections) - {p.splitlines()[0].removeprefix("## ") for p in chosen}
    if missing:
        raise LookupError(f"README.md has no section {sorted(missing)}")
    intro = intro.split("\n", 1)[1].lstrip("\n")  # without the title
    text = "\n".join(p.rstrip("\n") + "\n" for p in (intro, *chosen))
    return text.replace("](docs/", "](")  # the README's links to pages, from the site's home


# -- commands ----------------------------------------------------------------------------


def commands(group: click.Group = main, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Every command and group a reader can call, as its words after ``ism-advise``, in the
    order ``--help`` lists them (the hidden default command's options are the main help's)."""
    yield path
    context = click.Context(group, info_name="ism-advise")
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        if command is None or command.hidden:
            continue
        if isinstance(command, click.Group):
            yield from commands(command, (*path, name))
        else:
            yield (*path, name)


def command_help() -> str:
    """A section per command and group with its ``--help``."""
    out = []
    for path in commands():
        name = " ".join(("ism-advise", *path))
        out.append(f"### {name}\n\n{fenced(run(*path, '--help'))}")
    return "\n".join(out)


def templates() -> str:
    """What ``ism-advise templates`` prints: every field a report template receives."""
    return fenced(run("templates"))


# -- figures -----------------------------------------------------------------------------


def _cell(text: str) -> str:
    """Text for a cell of a Markdown table."""
    return text.replace("|", "\\|").replace("\n", " ")


def _type(field: Field) -> str:
    if field.kind == "bool":
        return "yes/no"
    if field.kind == "text":
        if field.values:
            return "text: " + ", ".join(f"`{v}`" for v in field.values)
        return "text"
    if field.low is not None and field.high is not None:
        return f"number, {field.low:g} to {field.high:g}"
    if field.low is not None:
        return f"number, at least {field.low:g}"
    if field.high is not None:
        return f"number, at most {field.high:g}"
    return "number"


def _meaning(field: Field) -> str:
    notes = []
    if field.change:
        notes.append("over two or more survey waves only")
    if field.formerly:
        notes.append("formerly " + ", ".join(f"`{name}`" for name in field.formerly))
    return _cell(field.help + (f" ({'; '.join(notes)})" if notes else ""))


def figure_table(kind: FactKind) -> str:
    """The figures rules may test in a fact of this kind, in the vocabulary's order."""
    rows = ["| figure | type | meaning |", "|---|---|---|"]
    rows += [f"| `{f.name}` | {_type(f)} | {_meaning(f)} |" for f in kind.testable.values()]
    return "\n".join(rows) + "\n"


def figures() -> str:
    """A table per kind of fact, headed by the pattern key that matches it."""
    out = []
    for pattern, kind in FACT_KINDS.items():
        out.append(f"Figures of a pattern `{pattern}:` ({kind.help}):\n\n{figure_table(kind)}")
    return "\n".join(out)


def _json_type(field: Field) -> str:
    if field.kind == "bool":
        return "true/false"
    if field.kind == "text":
        return "text"
    if field.format == "count":
        return "whole number"
    return "number"


def json_table(kind: FactKind) -> str:
    """The figures of a kind that the JSON document carries, under their JSON names; the
    two ends of an interval as one pair."""
    keys: dict[str, list[Field]] = {}
    for f in kind.fields.values():
        if f.json is not None:
            keys.setdefault(f.json, []).append(f)
    rows = ["| key | type | figure | meaning |", "|---|---|---|---|"]
    for key, fields in keys.items():
        names = ", ".join(f"`{f.name}`" for f in fields)
        if len(fields) == 1:
            (f,) = fields
            rows.append(f"| `{key}` | {_json_type(f)} | {names} | {_cell(f.help)} |")
        else:
            meaning = "; ".join(f.help for f in fields)
            rows.append(f"| `{key}` | [low, high] | {names} | {_cell(meaning)} |")
    return "\n".join(rows) + "\n"


def json_fields() -> str:
    """The JSON names of a segment's and a comparison's figures, with their meaning."""
    return (
        f"A segment (`segments[]`):\n\n{json_table(SEGMENT)}\n"
        f"A comparison (`segments[].comparisons[]`):\n\n{json_table(COMPARISON)}"
    )
