"""``ism-advise init DIR``: an editable copy of the knowledge base for an organisation."""

from __future__ import annotations

import contextlib
from pathlib import Path

from ..core.errors import N_, AdvisorError
from ..core.files import Outputs
from ..core.resources import packaged_path

__all__ = ["KNOWLEDGE_KEYS", "STARTER_FILES", "knowledge_files", "write_starter"]

STARTER_FILES = ("factors.yaml", "advice.yaml", "interventions.yaml", "comments.yaml")
#: the keys of :func:`knowledge_files` for the files of :data:`STARTER_FILES`
KNOWLEDGE_KEYS = ("codebook", "rules", "interventions", "comments")

_README = """\
# Our knowledge base for ism-advisor / Onze kennisbank voor ism-advisor

Edit these files, check them, and use them:

    ism-advise rules check --knowledge {folder}
    ism-advise rules test {folder}
    ism-advise scores.csv --knowledge {folder}

A file you delete from this folder is taken from the packaged defaults again.
The rules and interventions start at the left margin: paste a rule or an intervention
copied from elsewhere at the end of its file as it is.

- factors.yaml: the factors (their names, and the short names that tables and
  charts show), the survey items that measure them (their wording is
  how a survey tool's export is matched), the answer scale and its words, the
  missing-value codes, the usage question and the segment questions.
- advice.yaml: the rules: when to advise which intervention, and why.
- interventions.yaml: the actions the rules can recommend.
- comments.yaml: the codes of the open comments (--comments): per factor, and for
  other topics, the words and phrases in Dutch and English that signal it.
- tests/advice.yaml: test cases for the rules: a segment's figures and the advice
  they must get. Add a case when you change a rule; 'rules test' runs them.
- templates/report.html: your report's look (logo, colours, an introduction); it
  replaces single blocks of the packaged report.

Pas deze bestanden aan, controleer ze en gebruik ze met de commando's hierboven.
Een bestand dat je uit deze map verwijdert, komt weer uit de standaardkennisbank.
De regels en interventies beginnen tegen de linkermarge: een gekopieerde regel of
interventie plak je ongewijzigd aan het eind van het bestand.

- factors.yaml: de factoren (hun namen, en de korte namen in tabellen en
  grafieken), de vragen die ze meten (aan hun formulering wordt de
  export van een enquêtetool herkend), de antwoordschaal en haar woorden, de codes voor
  ontbrekende antwoorden, de gebruiksvraag en de segmentvragen.
- advice.yaml: de regels: wanneer welke interventie te adviseren, en waarom.
- interventions.yaml: de acties die de regels kunnen aanbevelen.
- comments.yaml: de codes van de opmerkingen (--comments): per factor, en voor
  andere onderwerpen, de woorden en zinnen in het Nederlands en Engels die erop wijzen.
- tests/advice.yaml: testgevallen voor de regels: de cijfers van een segment en het
  advies dat daarbij hoort. Voeg een geval toe als je een regel wijzigt; 'rules test'
  voert ze uit.
- templates/report.html: het uiterlijk van het rapport (logo, kleuren, een inleiding);
  vervangt losse blokken van het standaardrapport.
"""


def write_starter(folder: Path) -> list[Path]:
    """Copy the packaged knowledge base and a starter report template into ``folder``.

    Returns the files written: the four YAML files, ``templates/report.html`` (an
    override of the packaged report with its blocks ready to fill), ``tests/advice.yaml``
    (the packaged rules' test cases, for ``rules test``) and ``README.md``.
    """
    if folder.exists() and not folder.is_dir():
        raise AdvisorError(N_("is a file, not a folder"), path=str(folder))
    override = folder / "templates" / "report.html"
    tests = folder / "tests" / "advice.yaml"
    targets = [folder / name for name in STARTER_FILES]
    targets += [override, tests, folder / "README.md"]
    for target in targets:
        if target.exists():
            raise AdvisorError(
                N_("already exists; init never overwrites (choose a new folder)"),
                path=str(target),
            )
    if not folder.parent.is_dir():
        raise AdvisorError(
            N_("cannot write here: the folder {folder} does not exist"),
            path=str(folder),
            folder=str(folder.parent),
        )
    starter = Path(__file__).resolve().parent / "starter_files" / "report.html"
    contents = [packaged_path("rules", name).read_bytes() for name in STARTER_FILES]
    contents += [
        starter.read_bytes(),
        packaged_path("rules", "tests/advice.yaml").read_bytes(),
        _README.format(folder=folder).encode("utf-8"),
    ]
    made = [f for f in (folder, override.parent, tests.parent) if not f.exists()]
    for new in made:
        new.mkdir()
    try:  # every file or none (and no folder made for them)
        outputs = Outputs()
        for target in targets:
            outputs.file(target)
        with outputs:
            for target, data in zip(targets, contents, strict=True):
                outputs.write(target, data)
    except BaseException:
        for new in reversed(made):
            with contextlib.suppress(OSError):
                new.rmdir()
        raise
    return targets


def knowledge_files(folder: Path) -> dict[str, Path | None]:
    """The codebook, rules, interventions, comments' codes and templates of an ``init``
    folder.

    None where the folder lacks one (the packaged default is used).
    """
    if not folder.is_dir():
        raise AdvisorError(
            N_("no such folder (expected a knowledge-base folder made by 'ism-advise init')"),
            path=str(folder),
        )
    found: dict[str, Path | None] = {}
    for key, name in zip(KNOWLEDGE_KEYS, STARTER_FILES, strict=True):
        path = folder / name
        found[key] = path if path.exists() else None
    templates = folder / "templates"
    found["templates"] = templates if templates.is_dir() else None
    return found
