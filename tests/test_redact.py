"""Redaction of comments (ism_advisor.survey.redact): recall on planted personal data,
exact outputs, no false positives on the name-free comments of the dev corpus."""

from __future__ import annotations

import csv
import time
from collections import Counter
from pathlib import Path

import pytest

from ism_advisor.survey.redact import MARKERS, Redactor, redact

DATA = Path(__file__).parent / "data" / "redaction"
DEV = Path(__file__).parent / "data" / "comments" / "comments-dev.csv"
KIND_MARKER = {
    "nl": {
        "name": "[naam]",
        "email": "[e-mail]",
        "phone": "[telefoon]",
        "url": "[URL]",
        "iban": "[IBAN]",
        "postcode": "[postcode]",
    },
    "en": {
        "name": "[name]",
        "email": "[e-mail]",
        "phone": "[phone]",
        "url": "[URL]",
        "iban": "[IBAN]",
        "postcode": "[postcode]",
    },
}


def planted():
    with (DATA / "planted.tsv").open(encoding="utf-8") as f:
        return [line.rstrip("\n").split("\t") for line in f if line.strip()]


def test_the_planted_set_is_large_and_mostly_unseen_names():
    rows = planted()
    per_lang = Counter(lang for lang, *_ in rows)
    assert per_lang["nl"] >= 200 and per_lang["en"] >= 200
    lexicon = set()
    for name in ("first-nl.txt", "first-en.txt", "surnames-nl.txt", "surnames-en.txt"):
        path = Path(__file__).parents[1] / "ism_advisor" / "survey" / "names" / name
        lexicon |= {w.casefold() for w in path.read_text(encoding="utf-8").split()}
    names = [gone for _, kind, _, gone in rows if kind == "name"]
    unseen = [
        g
        for g in names
        if not any(w.casefold() in lexicon for w in g.split() if w[0].isupper() and len(w) > 2)
    ]
    assert len(unseen) >= len(names) / 2


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_recall_per_kind_is_at_least_95_percent(lang):
    redactor = Redactor(lang)
    total, found, exact = Counter(), Counter(), Counter()
    for row_lang, kind, text, gone in planted():
        if row_lang != lang:
            continue
        out = redactor(text)
        total[kind] += 1
        found[kind] += gone not in out and not any(
            w in out.split() for w in gone.split() if w[0].isupper() and len(w) > 2
        )
        exact[kind] += out == text.replace(gone, KIND_MARKER[lang][kind])
    assert set(total) == {"name", "email", "phone", "url", "iban", "postcode"}
    for kind in total:
        assert found[kind] / total[kind] >= 0.95, (kind, found[kind], total[kind])
        # nothing but the planted datum goes (precision on the rest of the sentence)
        assert exact[kind] / total[kind] >= 0.95, (kind, exact[kind], total[kind])


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        (
            "nl",
            "Jan van der Berg (onze afdelingsmanager) post nooit.",
            "[naam] (onze afdelingsmanager) post nooit.",
        ),
        ("nl", "toen belde Els Verhoeven van HR me", "toen belde [naam] van HR me"),
        ("nl", "Sanne en ik gebruiken het veel.", "[naam] en ik gebruiken het veel."),
        ("en", "Aisha from our team got a shout-out.", "[name] from our team got a shout-out."),
        ("nl", "J. de Boer gaf de training.", "[naam] gaf de training."),
        ("nl", "Ik heb mevrouw Bakker gebeld.", "Ik heb mevrouw [naam] gebeld."),
        ("en", "Mr Smith said no.", "Mr [name] said no."),
        ("en", "Hannah Lewis's community was useful.", "[name]'s community was useful."),
        (
            "nl",
            "Zie https://intranet.waterschap-rijndelta.nl/profiel/m.jansen, zo.",
            "Zie [URL], zo.",
        ),
        ("nl", "Bel 06-12345678 of (020) 1234567.", "Bel [telefoon] of [telefoon]."),
        ("en", "IBAN NL91 ABNA 0417 1643 00 please", "IBAN [IBAN] please"),
        ("nl", "Postcode 1234AB, mail a.b@c.nl", "Postcode [postcode], mail [e-mail]"),
        (
            "en",
            "Teams and Yammer on Monday in March, says HR and ICT via Chrome.",
            "Teams and Yammer on Monday in March, says HR and ICT via Chrome.",
        ),
        (
            "en",
            "Bij Team Inkoop Noord zit niemand op Yammer.",
            "Bij Team Inkoop Noord zit niemand op Yammer.",
        ),
        (
            "en",
            "Anything from IT is slow. Nobody told us.",
            "Anything from IT is slow. Nobody told us.",
        ),
        ("en", "  two\n\nlines   here ", "two lines here"),
        ("en", " \n ", ""),
    ],
)
def test_exact_outputs(lang, text, expected):
    assert redact(text, lang) == expected


def test_declared_terms_are_whole_words_case_insensitive():
    redactor = Redactor("nl", terms=["Waterschap Rijndelta", "Sales"])
    assert redactor("Bij waterschap rijndelta en SALES, niet salesforce.") == (
        "Bij [weggelaten] en [weggelaten], niet salesforce."
    )
    assert Redactor("en", terms=["Sales"])("sales team") == "[redacted] team"


def test_markers_are_message_ids():
    assert MARKERS["name"] == "[name]" and MARKERS["term"] == "[redacted]"


def dev_rows():
    with DEV.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


PLANTED_DEV = {
    "c015",
    "c017",
    "c021",
    "c027",
    "c031",
    "c066",
    "c068",
    "c071",
    "c093",
    "c106",
    "c115",
    "c158",
    "c213",
    "c245",
    "c292",
    "c313",
    "c330",
    "c331",
    "c333",
    "c359",
    "c372",
}


def test_dev_planted_names_are_redacted_and_nothing_else_changes():
    redactor = Redactor("en")
    changed = {
        row["id"]: redactor(row["text"])
        for row in dev_rows()
        if redactor(row["text"]) != row["text"]
    }
    assert set(changed) == PLANTED_DEV
    for text in changed.values():
        for name in (
            "Aisha",
            "Els",
            "Verhoeven",
            "Jan",
            "Berg",
            "Sanne",
            "Ingrid",
            "Daan",
            "Anouk",
            "Willems",
            "jansen",
            "4567",
            "Olivia",
            "Natalie",
            "Wouter",
            "Mohammed",
            "Mike",
            "James",
            "Bram",
            "Koster",
            "Chris",
            "Hannah",
        ):
            assert name not in text.split() and f"{name}'s" not in text


def test_speed_10000_comments_under_two_seconds():
    texts = [row["text"] for row in dev_rows()] * 65
    redactor = Redactor("nl")
    start = time.perf_counter()
    for text in texts:
        redactor(text)
    assert time.perf_counter() - start < 2.0
