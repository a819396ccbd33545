"""Every user-facing text exists in Dutch, and the compiled catalogue is current."""

from __future__ import annotations

import gettext
import re
import shutil

import pytest
import yaml
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from conftest import ROOT, SAMPLE_SCORES, Cli
from ism_advisor.app.init import write_starter
from ism_advisor.core.i18n import translations

LOCALE = ROOT / "ism_advisor" / "locale"
PO = LOCALE / "nl" / "LC_MESSAGES" / "ism_advisor.po"
MO = LOCALE / "nl" / "LC_MESSAGES" / "ism_advisor.mo"
PLACEHOLDER = re.compile(r"\{(\w+)(?::[^}]*)?\}")


def catalogue():
    with PO.open("rb") as handle:
        return read_po(handle, locale="nl")


def source_messages() -> set[tuple[str | None, str]]:
    """(context, message id) of every message in the code and the templates."""
    found = set()
    for folder in ("ism_advisor", "templates"):
        for _file, _line, message, _comments, context in extract_from_dir(
            ROOT / folder,
            method_map=[("**.py", "python"), ("**.html", "jinja2"), ("**.md", "jinja2")],
            keywords={
                "N_": None,
                "C_": ((1, "c"), 2),
                "P_": (1, 2),
                "t": None,
                "_": None,
                "gettext": None,
                "ngettext": (1, 2),
            },
        ):
            found.add((context, message if isinstance(message, str) else message[0]))
    return found


def test_every_message_is_translated():
    translated = {
        (m.context, m.id if isinstance(m.id, str) else m.id[0]): all(d for _, d in forms(m))
        for m in catalogue()
        if m.id
    }
    untranslated = sorted((c or "", m) for c, m in source_messages() if not translated.get((c, m)))
    assert untranslated == []


def test_no_stale_translations():
    catalogued = {
        (m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in catalogue() if m.id
    }
    assert sorted((c or "", m) for c, m in catalogued - source_messages()) == []


def test_a_word_in_context_has_its_own_translation():
    dutch = translations("nl")
    assert dutch.pgettext("effect size", "medium") == "middelgroot"
    assert dutch.gettext("medium") == "middel"  # a priority, an effort


def forms(message) -> list[tuple[str, str]]:
    """(English, Dutch) of each form: one pair, or the singular and the plural of a
    message with a count (both languages have those two forms)."""
    if isinstance(message.id, tuple):
        return list(zip(message.id, message.string, strict=True))
    return [(message.id, message.string)]


@pytest.mark.parametrize("message", [m for m in catalogue() if m.id], ids=lambda m: str(m.id)[:40])
def test_translation_keeps_the_placeholders(message):
    for english, dutch in forms(message):
        assert sorted(PLACEHOLDER.findall(dutch)) == sorted(PLACEHOLDER.findall(english))


def test_compiled_catalogue_matches_the_po_file(tmp_path):
    compiled = tmp_path / "fresh.mo"
    with compiled.open("wb") as handle:
        write_mo(handle, catalogue())
    with compiled.open("rb") as handle:
        fresh = gettext.GNUTranslations(handle)
    with MO.open("rb") as handle:
        shipped = gettext.GNUTranslations(handle)
    assert shipped._catalog == fresh._catalog  # run 'pybabel compile' (see README)


def test_dutch_error_message(cli, tmp_path):
    shutil.copyfile(ROOT / "tests" / "data" / "bad" / "csv" / "no_users.csv", tmp_path / "s.csv")
    result = cli("s.csv", "--lang", "nl")
    assert result.exit_code == 1
    assert result.stderr == (
        's.csv: kolom "user": geen gebruikers: elke respondent is niet-gebruiker'
        " (een vergelijking heeft beide nodig)\n"
    )


def test_dutch_warning(cli, tmp_path):
    text = SAMPLE_SCORES.read_text(encoding="utf-8").replace(",yes,", ",,", 1)
    (tmp_path / "s.csv").write_text(text, encoding="utf-8")
    result = cli("s.csv", "--lang", "nl", "-o", "-")
    assert result.exit_code == 0
    assert result.stderr == ('waarschuwing: rijen weggelaten zonder antwoord in kolom "user": 1\n')


def test_english_needs_no_catalogue():
    assert translations("en").gettext("warning") == "warning"
    assert translations("nl").gettext("warning") == "waarschuwing"


# -- the Dutch glossary ------------------------------------------------------------------

GLOSSARY = LOCALE / "GLOSSARY.md"
PLACEHOLDERS = re.compile(r"\{\w+(?::[^}]*)?\}|%\(\w+\)s")


def forbidden_variants() -> list[str]:
    """The glossary's 'not' column: variants that must not appear in Dutch text."""
    variants = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("| ") and len(cells) == 4 and cells[0] != "English":
            variants += re.findall(r"`([^`]+)`", cells[2])
    return variants


def dutch_knowledge_texts() -> list[str]:
    """Every nl: text of the packaged knowledge base."""
    found: list[str] = []

    def walk(value, dutch=False):
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, dutch or key == "nl")
        elif isinstance(value, list):
            for item in value:
                walk(item, dutch)
        elif dutch and isinstance(value, str):
            found.append(value)

    for name in ("factors.yaml", "advice.yaml", "interventions.yaml"):
        walk(yaml.safe_load((ROOT / "rules" / name).read_text(encoding="utf-8")))
    return found


@pytest.fixture(scope="module")
def starter_readme(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("starter") / "ours"
    write_starter(folder)
    return (folder / "README.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def dutch_report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("nl")
    shutil.copyfile(SAMPLE_SCORES, folder / "scores.csv")
    cli = Cli(folder)
    result = cli("scores.csv", "--lang", "nl", "--segment-by", "organisation", "--format", "md")
    assert result.exit_code == 0, result.stderr
    return (folder / "scores-advice.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def dutch_deck(tmp_path_factory) -> str:
    from decks import deck_text

    folder = tmp_path_factory.mktemp("nl-deck")
    shutil.copyfile(SAMPLE_SCORES, folder / "scores.csv")
    args = ("scores.csv", "--lang", "nl", "--segment-by", "organisation", "--format", "pptx")
    assert Cli(folder)(*args).exit_code == 0
    return deck_text(folder / "scores-advice.pptx")


def test_the_glossary_lists_forbidden_variants():
    assert {"kopregel", "regelmachine", "afgaan", "is middel", "community manager"} <= set(
        forbidden_variants()
    )


def test_dutch_texts_use_the_glossary_words(dutch_report, dutch_deck, starter_readme):
    texts = {
        "catalogue": [
            PLACEHOLDERS.sub("", dutch) for m in catalogue() if m.id for _, dutch in forms(m)
        ],
        "knowledge base": dutch_knowledge_texts(),
        "starter README": [starter_readme.split("Pas deze bestanden aan")[1]],
        "Dutch report": [dutch_report],
        "Dutch deck": [dutch_deck],
    }
    found = [
        (where, variant, text[:60])
        for variant in forbidden_variants()
        for where, items in texts.items()
        for text in items
        if re.search(rf"(?<!\w){re.escape(variant)}(?!\w)", text, re.IGNORECASE)
    ]
    assert found == []


def test_the_dutch_report_reads_as_the_glossary_says(dutch_report):
    for fragment in (
        "Het verschil is middelgroot (g = 0,51, 95%-BI 0,35 tot 0,68)",
        "(middelgroot, g = 0,78)",
        "95%-BI −0,12 tot 0,20",
        "significant als de gecorrigeerde p-waarde kleiner is dan alfa = 0,05.",
        "rijen weggelaten omdat de gebruiksvraag niet was beantwoord: 0.",
        "- Codeboek: het standaardcodeboek van ism-advisor (factors.yaml)",
        "- Regels: de standaardregels van ism-advisor (advice.yaml)",
        "  - conclusie: Sociaal bewijs ontbreekt\n",
        "## Waarom deze acties: de regels die van toepassing waren",
        "rang 1",
        "| TechnoBouw (Organisatie) | 238 | 41% | 0,42* | 1,04* | 0,51* | 0,66* | 0,79* | 0,37* |"
        " −0,06 |",
        "De verschillen zijn berekend uit de onafgeronde gemiddelden",
    ):
        assert fragment in dutch_report
    assert "&lt;packaged>" not in dutch_report
    # "middel" only for a priority or an effort; one minus sign
    assert set(re.findall(r"\w*: middel\b", dutch_report)) <= {
        "Prioriteit: middel",
        "Inspanning: middel",
    }
    assert not re.search(r"(?<![\w-])-\d", dutch_report)
