"""Every shell command the documentation shows — the README and the pages of the site in
``docs/`` — is run as a reader would type it, in a folder with the sample data under the
names the pages use; where a page shows what a command prints (a ``$ command`` line
followed by its output), the output is compared line by line.

Not run, and why:

- the install commands (``python3 -m venv``, ``. .venv/bin/activate``, ``pip install``,
  ``sh tests/setup-debian.sh``): they set up the environment these tests already run in,
  and would install packages and system programs from the network;
- ``pytest``, the second half of the test command: it is this test suite;
- ``python benchmarks/run.py …``: the benchmarks time surveys of up to a million
  respondents (25 minutes for the full grid); their options are checked against the
  benchmark's own parser instead.

Everything else on a line with an install command runs (the quick start's ``ism-advise
sample_data/scores.csv --segment-by organisation``).

What cog generates into a page (between its ``[[[cog`` and ``[[[end]]]`` markers) is not
run there: the site's home page repeats the README's opening, whose commands run in the
README, and the command reference shows ``--help``, which ``tests/test_docs.py`` checks.
"""

from __future__ import annotations

import csv
import gettext
import itertools
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import exports as X
from conftest import ROOT, SAMPLE_SCORES
from ism_advisor.app.demo import demonstration_organisations
from ism_advisor.survey.codebook import load_codebook

#: A part of a page that cog generated: its lines are blanked out (see the module's docstring).
GENERATED = re.compile(r"(\[\[\[cog.*?\]\]\][^\n]*\n)(.*?)(^[^\n]*\[\[\[end\]\]\])", re.S | re.M)


def without_generated(text: str) -> str:
    """``text`` with every generated part blanked, each line kept (as an empty line)."""
    return GENERATED.sub(lambda m: m[1] + re.sub(r"[^\n]", "", m[2]) + m[3], text)


#: The pages, README first, then the site's in the order of their paths.
PAGES = {
    path.relative_to(ROOT).as_posix(): without_generated(path.read_text(encoding="utf-8"))
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
}
#: A fenced block; the indentation of the list item it sits in is not part of it.
BLOCK = re.compile(r"^(?P<indent> *)```(?P<lang>\w*)\n(?P<body>.*?)^(?P=indent)```", re.S | re.M)
#: Parts of a command line that are not run (see the module's docstring).
INSTALL = ("python3 -m venv ", ". .venv/bin/activate", "pip install ", "sh tests/setup-debian.sh")
NOT_RUN = (*INSTALL, "pytest")
BENCHMARK = "python benchmarks/run.py "


def blocks() -> list[tuple[str, str, str]]:
    """(language, text without the list item's indentation, ``page:line``) of every block
    of every page."""
    found = []
    for page, text in PAGES.items():
        for match in BLOCK.finditer(text):
            indent = len(match["indent"])
            body = "".join(line[indent:] for line in match["body"].splitlines(keepends=True))
            line = text.count("\n", 0, match.start()) + 1
            found.append((match["lang"], body, f"{page}:{line}"))
    return found


BLOCKS = blocks()


def commands(text: str) -> list[str]:
    """The commands of an ``sh`` block: continuation lines joined, comments dropped."""
    joined = re.sub(r"\\\n\s*", "", text)
    found = []
    for line in joined.splitlines():
        line = re.sub(r"\s+# .*$", "", line).strip()
        if line and not line.startswith("#"):
            found.append(line)
    return found


SH = [(line, command) for lang, text, line in BLOCKS if lang == "sh" for command in commands(text)]
#: Blocks showing a command (``$ …``) and what it prints.
SHOWN = [
    (line, text) for lang, text, line in BLOCKS if lang in ("", "text") and text.startswith("$ ")
]


def runnable(command: str) -> str:
    """The parts of an ``&&`` chain that run here."""
    return " && ".join(p for p in command.split(" && ") if not p.startswith(NOT_RUN))


def snippet(use: str) -> str:
    """The YAML block a page marks ``<!-- use -->``."""
    pattern = rf"<!-- {re.escape(use)} -->\n *```yaml\n(.*?)```"
    (text,) = [found for text in PAGES.values() for found in re.findall(pattern, text, re.S)]
    return text


def shell(command: str, folder: Path) -> subprocess.CompletedProcess:
    """``command`` in bash, in ``folder``, with this Python's ``ism-advise`` and
    ``pybabel`` first on the PATH; stderr into stdout, unbuffered, as a terminal shows them."""
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    env["PYTHONUNBUFFERED"] = "1"
    return subprocess.run(
        ["bash", "-c", command],
        cwd=folder,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
        timeout=300,
    )


def sample_folder(folder: Path) -> Path:
    """The files the pages' commands name: the sample (as ``sample_data/`` and as
    ``scores.csv``), its two waves as ``spring.csv`` and ``autumn.csv`` and as one file
    with a ``wave`` column, ``done.yaml`` and ``done-executives.yaml``, a client's template ``huisstijl.pptx`` (the
    packaged one), ``ours.yaml`` (the packaged codebook with the pages' segment question
    and questionnaire texts), and the repository's sources for the translation commands."""
    shutil.copytree(ROOT / "sample_data", folder / "sample_data")
    shutil.copyfile(SAMPLE_SCORES, folder / "scores.csv")
    shutil.copyfile(SAMPLE_SCORES, folder / "spring.csv")
    shutil.copyfile(ROOT / "sample_data" / "scores-wave2.csv", folder / "autumn.csv")
    rows = []
    for wave, name in (("1 spring", "scores.csv"), ("2 autumn", "scores-wave2.csv")):
        with (ROOT / "sample_data" / name).open(encoding="utf-8", newline="") as handle:
            rows += [{"wave": wave, **row} for row in csv.DictReader(handle)]
    with (folder / "all-waves.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    (folder / "done.yaml").write_text(snippet("save as done.yaml"), encoding="utf-8")
    (folder / "done-executives.yaml").write_text(
        snippet("save as done-executives.yaml"), encoding="utf-8"
    )
    shutil.copyfile(ROOT / "templates" / "deck.pptx", folder / "huisstijl.pptx")
    codebook = yaml.safe_load((ROOT / "rules" / "factors.yaml").read_text(encoding="utf-8"))
    codebook.update(yaml.safe_load(snippet("an excerpt of factors.yaml: the questionnaire")))
    (folder / "ours.yaml").write_text(yaml.safe_dump(codebook, allow_unicode=True), "utf-8")
    for name in ("ism_advisor", "templates", "rules"):
        shutil.copytree(ROOT / name, folder / name, ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def written(command: str) -> list[str]:
    """The files a command names as its output (``-o``, ``--key``, ``>``)."""
    words = shlex.split(command)
    return [b for a, b in itertools.pairwise(words) if a in ("-o", "--output", "--key", ">")]


def test_the_pages_show_the_commands_this_test_knows():
    """A new command on a page is run here: this list changes with it."""
    assert [runnable(command) for _, command in SH] == [
        # README.md
        "ism-advise sample_data/scores.csv --segment-by organisation",
        "",
        "ism-advise sample -o data",
        "ism-advise data/scores.csv --segment-by organisation -o advice.html",
        "ism-advise sample --store demo.db",
        "ism-advise sample_data/scores.csv --store demo.db --norms --date 2026-12-01 -o advice.html",
        "ism-advise sample_data/scores.csv --date 2026-12-01 -o client.json",
        'ism-advise store add client.json --client "Zorggroep Oost" --sector healthcare'
        " --size 1000-4999 --platform viva-engage --consent --store ours.db",
        "ism-advise store list --store ours.db",
        "ism-advise store export shared.jsonl --hash-labels --store ours.db",
        "ism-advise store import shared.jsonl --store colleague.db",
        "ism-advise evidence --store demo.db",
        "ism-advise evidence --store demo.db --by size",
        "ism-advise evidence --store demo.db --format html -o what-works.html",
        "ism-advise evidence --store demo.db --check",
        "ism-advise sample_data/scores.csv sample_data/scores-wave2.csv --done done-executives.yaml"
        ' --store demo.db --evidence --client "Sample client" --no-memory --date 2026-12-01'
        " -o followup-evidence.html",
        "ism-advise sample -o data --comments",
        "ism-advise data/scores-comments.csv --comments comment --segment-by department"
        " -o comments.html",
        "ism-advise comments data/scores-comments.csv --column comment -o coding.csv",
        # docs/benchmarks.md
        *[command for _, command in SH if command.startswith(BENCHMARK)],
        # docs/comments.md
        "ism-advise sample -o data --comments",
        "ism-advise data/scores-comments.csv --comments comment --segment-by department"
        " -o comments.html",
        "ism-advise data/scores-comments.csv --comments comment --segment-by department"
        " --lang nl -o opmerkingen.pdf",
        "ism-advise data/scores-comments.csv --comments comment --segment-by department"
        " --knowledge ours -o ours-comments.html",
        "ism-advise comments data/scores-comments.csv --column comment -o coding.csv",
        "ism-advise data/scores-comments.csv --comments comment --segment-by department"
        " --comment-examples coding.csv -o corrected.json",
        # docs/reference/rules.md
        "ism-advise rules schema rules > ours/advice.schema.json",
        # docs/translations.md
        *[command for _, command in SH if command.startswith("pybabel ")],
        # docs/walkthroughs/customising.md
        "ism-advise init ours",
        "ism-advise rules check --knowledge ours",
        "ism-advise scores.csv --knowledge ours",
        'ism-advise scores.csv --segment-by department --lang nl --client "Gemeente Rivierstad"'
        " --date 2026-03-01 --pptx-template huisstijl.pptx -o advies.pptx",
        # docs/walkthroughs/evidence.md
        "ism-advise sample --store demo.db",
        "ism-advise evidence --store demo.db",
        "ism-advise evidence --store demo.db --by size",
        "ism-advise evidence --store demo.db --format html -o what-works.html",
        "ism-advise evidence --store demo.db --check",
        "ism-advise evidence --store demo.db --lang nl --format pdf -o wat-werkt.pdf",
        "ism-advise sample_data/scores.csv sample_data/scores-wave2.csv"
        ' --wave-name "March 2026" --wave-name "October 2026" --done done-executives.yaml'
        ' --store demo.db --evidence --client "Sample client" --no-memory --date 2026-12-01'
        " -o followup-evidence.html",
        "ism-advise sample_data/scores.csv sample_data/scores-wave2.csv"
        ' --wave-name "maart 2026" --wave-name "oktober 2026" --done done-executives.yaml'
        ' --store demo.db --evidence --client "Sample client" --no-memory --date 2026-12-01'
        " --lang nl -o vervolg-resultaten.html",
        # docs/walkthroughs/norms.md
        "ism-advise sample --store demo.db",
        "ism-advise sample_data/scores.csv --store demo.db --norms --date 2026-12-01 -o advice.html",
        "ism-advise sample_data/scores.csv --store demo.db --norms --date 2026-12-01 -o advice.json",
        "ism-advise sample --store four.db --organisations 4",
        "ism-advise sample_data/scores.csv --store four.db --norms --date 2026-12-01 -o four.html",
        "ism-advise sample_data/scores.csv --date 2026-12-01 -o run.json",
        'ism-advise store add run.json --client "Gemeente Rivierstad" --sector "local government"'
        " --size 250-999 --platform teams --consent --store clients.db",
        # docs/walkthroughs/questionnaire.md
        "ism-advise questionnaire --codebook ours.yaml --lang nl,en --format limesurvey -o survey.txt",
        "ism-advise questionnaire --codebook ours.yaml --lang nl --format qualtrics -o survey-qualtrics.txt",
        "ism-advise questionnaire --codebook ours.yaml --lang nl -o survey.pdf --key survey-key.md",
        'ism-advise spring.csv autumn.csv --wave-name "March 2026" --wave-name "October 2026"'
        " --done done.yaml --segment-by organisation -o followup.html",
        "ism-advise all-waves.csv --wave-by wave",
        "ism-advise sample_data/scores.csv sample_data/scores-wave2.csv"
        ' --wave-name "March 2026" --wave-name "October 2026" --done done.yaml -o followup.html',
    ]
    assert len([c for _, c in SH if c.startswith(BENCHMARK)]) == 5
    assert [c.split()[1] for _, c in SH if c.startswith("pybabel ")] == [
        "extract",
        "update",
        "compile",
    ]


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return sample_folder(tmp_path_factory.mktemp("readme"))


def test_every_sh_block_runs_as_shown(folder):
    """Each ``sh`` block of every page in order, in the one folder (a later block may use what an
    earlier one made: ``ours/`` exists for the schema once ``init`` made it, so the init
    block runs first). Every command succeeds with nothing on stderr but what it is
    documented to print, and writes what it names."""
    by_block: dict[str, list[str]] = {}
    for line, command in SH:
        if not command.startswith((BENCHMARK, "pybabel ")) and runnable(command):
            by_block.setdefault(line, []).append(runnable(command))
    order = sorted(by_block, key=lambda line: "ism-advise init ours" not in by_block[line])
    filled: set[str] = set()  # the demonstration stores made so far
    for line in order:
        for command in by_block[line]:
            result = shell(command, folder)
            assert result.returncode == 0, f"{line}: {command}\n{result.stdout}"
            printed = result.stdout.splitlines()
            for name in written(command):
                assert (folder / name).stat().st_size > 0, f"{line}: {name}"
            if command.startswith("ism-advise sample --store "):
                assert printed == demonstration_store(command, filled), f"{line}: {command}"
            elif command.startswith("ism-advise store "):
                assert printed == store_command(command), f"{line}: {command}"
            elif command.startswith("ism-advise evidence "):
                # the ledger on the terminal (with its caveat), else the file written
                assert printed == written(command) or any(
                    "Before and after, not proof" in p for p in printed
                ), f"{line}: {command}"
            elif command.startswith("ism-advise sample "):
                commented = ["data/scores-comments.csv", "data/responses-comments.csv"]
                assert printed == [
                    "data/scores.csv",
                    "data/responses.csv",
                    "data/scores-wave2.csv",
                    "data/responses-wave2.csv",
                    *(commented if "--comments" in command else []),
                ]
                assert all((folder / name).stat().st_size > 0 for name in printed)
            elif command.startswith("ism-advise init "):
                assert printed == [
                    "ours/factors.yaml",
                    "ours/advice.yaml",
                    "ours/interventions.yaml",
                    "ours/comments.yaml",
                    "ours/templates/report.html",
                    "ours/tests/advice.yaml",
                    "ours/README.md",
                ]
            elif command.startswith("ism-advise rules check"):
                (summary,) = printed
                assert re.fullmatch(
                    r"ok: 7 factors, \d+ rules, \d+ conclusions, \d+ interventions,"
                    r" \d+ comment codes \(ours/factors\.yaml, ours/advice\.yaml,"
                    r" ours/interventions\.yaml, ours/comments\.yaml\)",
                    summary,
                )
            elif command.startswith("ism-advise questionnaire"):
                assert printed == written(command)
            elif command.startswith("ism-advise comments "):
                # the count on stderr, then the coding sheet written
                (summary, *paths) = printed
                assert re.fullmatch(r"\d+ comments, \d+ coded", summary), summary
                assert paths == written(command)
            elif "rules schema" in command:
                assert printed == []
            elif command.startswith("ism-advise "):  # a report: its path, and nothing else
                (report,) = printed
                assert (folder / report).parent.resolve() == folder.resolve(), command
                assert (folder / report).stat().st_size > 0


def demonstration_store(command: str, filled: set[str]) -> list[str]:
    """What ``ism-advise sample --store FILE [--organisations N]`` prints: the store filled,
    or, for a store an earlier command filled (``filled``, which this adds to), nothing
    added (the same organisations again)."""
    words = shlex.split(command)
    store = words[words.index("--store") + 1]
    n = int(words[words.index("--organisations") + 1]) if "--organisations" in words else 12
    entries = sum(len(o.waves) for o in demonstration_organisations(n))
    counts = (
        f"0 added, 0 replaced, {entries} unchanged"
        if store in filled
        else f"{entries} added, 0 replaced, 0 unchanged"
    )
    filled.add(store)
    return [f"{store}: {n} generated organisations, {entries} entries ({counts})"]


def store_command(command: str) -> list[str]:
    """What the pages' ``ism-advise store`` commands print, each on a store of one client."""
    words = shlex.split(command)
    if words[2] == "add":
        return [f"added: client {words[words.index('--client') + 1]}, wave 2026-12-01"]
    if words[2] == "list":
        return [
            "Zorggroep Oost\t2026-12-01\t2026-12-01\thealthcare\t1000-4999\tviva-engage\tconsent",
            f"codebook {load_codebook().version}: 1 entry",
        ]
    if words[2] == "export":
        return [f"exported 1 entry to {words[3]}"]
    assert words[2] == "import", command
    return ["imported: 1 added, 0 already in the store, 0 replaced"]


def test_the_translation_commands_change_nothing_in_a_clean_checkout(folder):
    """The three pybabel commands of the translations page, run on a copy of the sources, leave the
    catalogue as it is: every message is extracted, translated and compiled."""
    po = Path("ism_advisor/locale/nl/LC_MESSAGES/ism_advisor.po")
    mo = po.with_suffix(".mo")
    for _, command in SH:
        if command.startswith("pybabel "):
            result = shell(command, folder)
            assert result.returncode == 0, f"{command}\n{result.stdout}"
    # the extraction's time is the one line that changes
    assert without_date(folder / po) == without_date(ROOT / po)
    assert messages(folder / mo) == messages(ROOT / mo)


def without_date(po: Path) -> list[str]:
    lines = po.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if not line.startswith('"POT-Creation-Date: ')]


def messages(mo: Path) -> dict:
    """A compiled catalogue's messages, without its header."""
    with mo.open("rb") as handle:
        catalog = dict(gettext.GNUTranslations(handle)._catalog)
    catalog.pop("")
    return catalog


def test_the_benchmark_options_shown_are_the_benchmarks():
    """Not run (minutes to hours), but every option shown is one the benchmark takes."""
    usage = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--help"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    options = {
        word
        for _, command in SH
        if command.startswith(BENCHMARK)
        for word in shlex.split(command)
        if word.startswith("--")
    }
    assert options == {"--out", "--quick", "--only", "--segment-by", "--drivers", "--decks"}
    assert [o for o in sorted(options) if not re.search(rf"^  {o}\b", usage, re.M)] == []


# -- commands shown with what they print ------------------------------------------------


def own_wording_survey(folder: Path) -> None:
    X.qualtrics(folder / "survey.csv", X.people(), lang="nl", wording=X.OWN_WORDING)


def mapped_survey(folder: Path) -> None:
    """survey.csv and the mapping of step 2: map's proposal with Q4_4 set to ee4."""
    own_wording_survey(folder)
    step_1 = "ism-advise map survey.csv -o mapping.yaml --segment-by department"
    assert shell(step_1, folder).returncode == 0
    text = (folder / "mapping.yaml").read_text(encoding="utf-8")
    old = "  - column: Q4_4\n"
    start = text.index(old)
    end = text.index("    use: ignore\n", start)
    text = text[:end] + "    use: ee4\n" + text[end + len("    use: ignore\n") :]
    (folder / "mapping.yaml").write_text(text, encoding="utf-8")


def contradictory_rule(folder: Path) -> None:
    assert shell("ism-advise init ours", folder).returncode == 0
    with (folder / "ours" / "advice.yaml").open("a", encoding="utf-8") as handle:
        handle.write(snippet("refused by rules check: paste into advice.yaml"))


def knowledge_and_scores(folder: Path) -> None:
    assert shell("ism-advise init ours", folder).returncode == 0
    shutil.copyfile(SAMPLE_SCORES, folder / "scores.csv")


def sample(folder: Path) -> None:
    assert shell("ism-advise sample -o data", folder).returncode == 0


#: What each shown command needs in its folder, as the page's text before it says.
SET_UP = {
    # README.md
    "ism-advise explain data/scores.csv --segment-by organisation --segment TechnoBouw"
    " --intervention champions_network": sample,
    # docs/reference/rules.md
    "ism-advise rules check --knowledge ours": contradictory_rule,
    "ism-advise explain scores.csv --knowledge ours --intervention publish_visibility_rules": (
        knowledge_and_scores
    ),
    # docs/walkthroughs/exports.md
    "ism-advise survey.csv --segment-by department": own_wording_survey,
    "ism-advise map survey.csv -o mapping.yaml --segment-by department": own_wording_survey,
    "ism-advise survey.csv --map mapping.yaml --segment-by department": mapped_survey,
}


def expected(shown: list[str]) -> re.Pattern:
    """The output a block shows as a pattern: a line ``…`` stands for any lines, a line
    starting ``…/`` for a path in the folder the command ran in."""
    parts = []
    for line in shown:
        if line == "…":
            parts.append(r"(?:[^\n]*\n)*?")
        elif line.startswith("…/"):
            parts.append(r"/[^\n]*/" + re.escape(line[2:]) + r"\n")
        else:
            parts.append(re.escape(line) + r"\n")
    return re.compile("".join(parts))


def test_every_command_shown_with_its_output_is_set_up_here():
    assert [text.splitlines()[0].removeprefix("$ ") for _, text in SHOWN] == list(SET_UP)


@pytest.mark.parametrize(("line", "text"), SHOWN, ids=[line for line, _ in SHOWN])
def test_a_shown_command_prints_what_the_page_shows(tmp_path, line, text):
    command, *shown = text.splitlines()
    command = command.removeprefix("$ ")
    SET_UP[command](tmp_path)
    result = shell(command, tmp_path)
    assert expected(shown).fullmatch(result.stdout), (
        f"{line} shows:\n" + "\n".join(shown) + f"\n{command} prints:\n{result.stdout}"
    )


def test_the_pattern_of_a_shown_output_is_strict():
    pattern = expected(["a", "…", "c", "…/x.html"])
    assert pattern.fullmatch("a\nb\nb2\nc\n/tmp/t/x.html\n")
    assert pattern.fullmatch("a\nc\n/tmp/x.html\n")
    assert not pattern.fullmatch("a\nc\nx.html\n")  # a path, not a bare name
    assert not pattern.fullmatch("a\nb\n/tmp/x.html\n")  # c is missing
    assert not pattern.fullmatch("a\nc\n/tmp/x.html\nmore\n")  # nothing after the last
