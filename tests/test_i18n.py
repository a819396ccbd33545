"""Every user-facing text exists in Dutch, and the compiled catalogue is current."""

from __future__ import annotations

import gettext
import re
import shutil

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from conftest import ROOT, SAMPLE_SCORES
from ism_advisor.i18n import translations

LOCALE = ROOT / "ism_advisor" / "locale"
PO = LOCALE / "nl" / "LC_MESSAGES" / "ism_advisor.po"
MO = LOCALE / "nl" / "LC_MESSAGES" / "ism_advisor.mo"
PLACEHOLDER = re.compile(r"\{(\w+)(?::[^}]*)?\}")


def catalogue():
    with PO.open("rb") as handle:
        return read_po(handle, locale="nl")


def source_messages() -> set[str]:
    found = set()
    for folder in ("ism_advisor", "templates"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / folder,
            method_map=[("**.py", "python"), ("**.html", "jinja2"), ("**.md", "jinja2")],
            keywords={"N_": None, "t": None, "_": None, "gettext": None, "ngettext": (1, 2)},
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_message_is_translated():
    translated = {m.id: m.string for m in catalogue() if m.id}
    untranslated = sorted(m for m in source_messages() if not translated.get(m))
    assert untranslated == []


def test_no_stale_translations():
    assert sorted(set(m.id for m in catalogue() if m.id) - source_messages()) == []


@pytest.mark.parametrize("message", [m for m in catalogue() if m.id], ids=lambda m: m.id[:40])
def test_translation_keeps_the_placeholders(message):
    assert sorted(PLACEHOLDER.findall(message.string)) == sorted(PLACEHOLDER.findall(message.id))


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
    assert result.stderr == (
        'waarschuwing: regels weggelaten omdat kolom "user" geen antwoord gaf: 1\n'
    )


def test_english_needs_no_catalogue():
    assert translations("en").gettext("warning") == "warning"
    assert translations("nl").gettext("warning") == "waarschuwing"
