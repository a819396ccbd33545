"""Personal data in an export never travels: not into a report, a mapping, a table on the
terminal, a warning or an error message.

Every export built by ``tests/exports.py`` holds recognisable names, e-mail and IP
addresses, locations, recipient fields, custom data and free-text answers in every column
its tool uses for them (:data:`exports.PLANTED`). Every output of every command is searched
for them. Columns named otherwise are recognised by what they hold
(:mod:`ism_advisor.survey.reading.content`): a sheet's own "Work e-mail" or "Phone number" column
and each tool's open department question typed full of e-mail addresses, phone numbers,
IBANs, names or sentences (:data:`exports.TYPED`) are refused as segments, and their
answers appear in no output either.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import exports as X
from builders import FIXTURES
from conftest import DATA
from ism_advisor.survey.reading.content import (
    EMAIL,
    LONG,
    MAX_CHARS,
    MAX_WORDS,
    NAMES,
    SHARED,
    SINGLE_SHARE,
    UNIQUE,
    closed_set,
    personal_kind,
    quotable,
)

BAD = DATA / "bad"


def assert_clean(text: str, where: str) -> None:
    found = [marker for marker in X.PLANTED_MARKERS if marker in text]
    assert found == [], f"{where} shows {found}"


def everything_written(folder) -> str:
    return "\n".join(
        p.read_bytes().decode("utf-8", errors="replace")
        for p in folder.rglob("*")
        if p.is_file() and p.suffix in (".json", ".md", ".html", ".yaml")
    )


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_no_output_shows_personal_data(cli, tmp_path, name):
    export = FIXTURES[name][0](tmp_path / name)
    for fmt in ("json", "md", "html"):
        result = cli(export, "--segment-by", "department", "--format", fmt, "-o", f"report.{fmt}")
        assert result.exit_code == 0, result.stderr
        assert_clean(result.stdout + result.stderr, f"{fmt} run")
    result = cli("map", export, "-o", "mapping.yaml", "--segment-by", "department")
    assert result.exit_code == 0, result.stderr
    assert_clean(result.stdout + result.stderr, "map")
    result = cli(export, "--map", "mapping.yaml", "--format", "json", "-o", "mapped.json")
    assert result.exit_code == 0, result.stderr
    assert_clean(result.stderr, "mapped run")
    assert_clean(everything_written(tmp_path), "the files written")


def test_per_segment_reports_and_pdf_show_no_personal_data(cli, tmp_path):
    export = X.qualtrics(tmp_path / "q.csv", X.people(), lang="nl")
    result = cli(export, "--segment-by", "department", "--per-segment", "depts", "-o", "r.pdf")
    assert result.exit_code == 0, result.stderr
    assert_clean(result.stdout + result.stderr, "per-segment run")
    assert_clean(everything_written(tmp_path / "depts"), "per-segment reports")
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "r.pdf"), "-"], capture_output=True, check=True, text=True
    ).stdout
    assert "Q3_1" in text  # the appendix is there
    assert_clean(text, "the PDF")


@pytest.mark.parametrize("name", sorted(p.name for p in (BAD / "exports").iterdir()))
def test_errors_show_no_personal_data(cli, tmp_path, name):
    shutil.copyfile(BAD / "exports" / name, tmp_path / name)
    for args in ((), ("--segment-by", "RecipientEmail"), ("--segment-by", "Email Address")):
        result = cli(name, *args)
        assert result.exit_code == 1
        assert_clean(result.stderr, "the error")
    result = cli("map", name, "-o", "-")
    assert_clean(result.stdout + result.stderr, "map")


def test_a_mapping_cannot_put_personal_data_in_a_report(cli, tmp_path):
    export = X.surveymonkey(tmp_path / "s.csv", X.people(), lang="nl")
    result = cli("map", export, "-o", "m.yaml")
    text = (tmp_path / "m.yaml").read_text(encoding="utf-8")
    by_name = "m.yaml:{line}:10: column \"{column}\" holds personal data or free text: it cannot feed '{use}'\n"
    # an open question of its own (SurveyMonkey's single textbox) is judged by its answers
    by_content = f'{export}:3: column "{{column}}": ' + NOT_A_SEGMENT.format(
        kind="free text (answers of more than 5 words or 50 characters)"
    )
    for column, use, expected in (
        ("Email Address", "segment mail", by_name),
        ("IP Address", "segment ip", by_name),
        (
            "Hoe lang werkt u al bij deze organisatie? - Other (please specify)",
            "segment other",
            by_name,
        ),
        ("Wat wilt u ons verder nog laten weten?", "segment comment", by_content + "\n"),
    ):
        quoted = f'"{column}"' if not column.replace(" ", "").isalpha() else column
        block = text.index(f"  - column: {quoted}\n")
        edited = text[:block] + text[block:].replace("use: ignore", f"use: {use}", 1)
        (tmp_path / "m.yaml").write_text(edited, encoding="utf-8")
        line = edited[: edited.index(f"use: {use}")].count("\n") + 1
        result = cli(export, "--map", "m.yaml", "--segment-by", use.split()[1])
        assert result.exit_code == 1
        assert result.stderr == expected.format(line=line, column=column, use=use)
        assert_clean(result.stderr, "the error")


# -- issue 24, part 2: personal data recognised by what a column holds -----------------------

NOT_A_SEGMENT = (
    "cannot segment by this column: it holds {kind}, which never appear in a report (a segment"
    " needs a closed set of short answers, each shared by several respondents: give the"
    " codebook's segment question its answer options, or choose another column)"
)
#: each tool's export with the department question answered by typing (its first data line,
#: the department column's name)
TYPED_TOOLS = {
    "googleforms.csv": (lambda p, g, typed: X.googleforms(p, g), 2, "Op welke afdeling werkt u?"),
    "msforms.xlsx": (lambda p, g, typed: X.msforms(p, g), 2, "Op welke afdeling werkt u?"),
    "limesurvey.csv": (lambda p, g, typed: X.limesurvey(p, g), 2, "Op welke afdeling werkt u?"),
    "surveymonkey.csv": (lambda p, g, typed: X.surveymonkey(p, g), 3, "Op welke afdeling werkt u?"),
    "qualtrics.csv": (lambda p, g, typed: X.qualtrics(p, g, lang="nl"), 4, "Q2"),
    "qualtrics_text_entry.csv": (
        lambda p, g, typed: text_entry(X.qualtrics(p, g, lang="nl")),
        4,
        "Q2",
    ),
    "plain.csv": (lambda p, g, typed: X.tidy(p, g, departments=typed), 2, "department"),
}


def text_entry(path):
    """A Qualtrics export whose department question is a text entry (its import id ends in
    _TEXT): an open question, judged by its answers like any tool's."""
    text = path.read_text(encoding="utf-8")
    assert text.count('QID2""}') == 1
    path.write_text(text.replace('QID2""}', 'QID2_TEXT""}'), encoding="utf-8")
    return path


def typed_export(monkeypatch, tmp_path, tool: str, kind: str):
    """``tool``'s export where every respondent typed a ``kind`` answer to the department
    question (as our own questionnaire asked it before it refused open segment questions)."""
    typed = tuple(X.TYPED[kind](n) for n in range(90))
    monkeypatch.setattr(X, "DEPARTMENTS", {"nl": typed, "en": typed})
    build, _, _ = TYPED_TOOLS[tool]
    return build(tmp_path / tool, X.typed_group(X.people()), typed)


def assert_no_typed(text: str, kind: str, where: str) -> None:
    found = [marker for marker in X.typed_markers(kind) if marker in text]
    assert found == [], f"{where} shows {found[:3]}"


@pytest.mark.parametrize("kind", sorted(X.TYPED))
@pytest.mark.parametrize("tool", sorted(TYPED_TOOLS))
def test_a_typed_segment_question_is_refused_by_every_tool(cli, monkeypatch, tmp_path, tool, kind):
    export = typed_export(monkeypatch, tmp_path, tool, kind)
    _, line, column = TYPED_TOOLS[tool]
    result = cli(export, "--segment-by", "department", "-o", "report.html")
    assert result.exit_code == 1
    assert result.stderr == (
        f'{export}:{line}: column "{column}": '
        + NOT_A_SEGMENT.format(kind=X.TYPED_REASON[kind])
        + "\n"
    )
    assert cli.files == [tool]  # nothing written
    # without the segment, the typed answers are read nowhere
    for fmt in ("json", "html"):
        result = cli(export, "-o", f"r.{fmt}")
        assert result.exit_code == 0, result.stderr
        written = (tmp_path / f"r.{fmt}").read_text(encoding="utf-8")
        assert_no_typed(written + result.stdout + result.stderr, kind, fmt)
    # the preview names the column and why, never an answer
    result = cli("map", export, "--segment-by", "department", "-o", "m.yaml")
    assert result.exit_code == 0, result.stderr
    match = "personal data" if X.TYPED_REASON[kind] in PERSONAL_KINDS else "free text"
    reason = f"not a segment: it holds {X.TYPED_REASON[kind]}; its answers are not shown"
    rows = [re.split(r"\s{2,}", r) for r in result.stdout.splitlines()]
    assert [r[1:] for r in rows if r[0] == column] == [["ignore", match, reason]]
    written = (tmp_path / "m.yaml").read_text(encoding="utf-8")
    assert f"    # {reason}\n" in written
    for text, where in ((result.stdout + result.stderr, "the preview"), (written, "the mapping")):
        assert_no_typed(text, kind, where)


PERSONAL_KINDS = {
    "e-mail addresses",
    "phone numbers",
    "bank account numbers (IBAN)",
    "web or IP addresses",
    "person names",
}

#: columns a consultant's own sheet may carry beside the questions (name → typed kind)
OWN_COLUMNS = {
    "Work e-mail": "email",
    "Phone number": "phone",
    "Rekeningnummer": "iban",
    "Contactpersoon": "name",
    "Contact": "contact",
    "Toelichting": "sentence",
    "Naam collega": "unique",
}


def own_sheet(path):
    """A plain item-level CSV with the department and a column of each personal kind."""
    group = X.people()
    X.tidy(path, group)
    lines = path.read_text(encoding="utf-8").splitlines()
    kept = group.kept()
    out = [lines[0] + "," + ",".join(f'"{c}"' for c in OWN_COLUMNS)]
    for person, line in zip(kept, lines[1:], strict=True):
        typed = [X.TYPED[kind](person.number) for kind in OWN_COLUMNS.values()]
        out.append(line + "," + ",".join(f'"{v}"' for v in typed))
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def assert_no_own_columns(text: str, where: str) -> None:
    for kind in OWN_COLUMNS.values():
        assert_no_typed(text, kind, where)


def test_no_channel_shows_a_personal_column(cli, tmp_path):
    own_sheet(tmp_path / "own.csv")
    args = ("own.csv", "--segment-by", "department")
    runs = [
        (*args, "-o", "r.html"),
        (*args, "-o", "r.md"),
        (*args, "-o", "r.json"),
        (*args, "-o", "r.pdf"),
        (*args, "-o", "r.pptx"),
        (*args, "--per-segment", "depts", "-o", "all.html"),
        (*args, "--per-segment", "briefs", "--brief", "-o", "b.html"),
        (*args, "--per-segment", "pdfbriefs", "--brief", "-o", "b.pdf"),
        ("map", "own.csv", "--segment-by", "department", "-o", "m.yaml"),
        (
            "explain",
            "own.csv",
            "--segment-by",
            "department",
            "--intervention",
            "publish_visibility_rules",
        ),
    ]
    for run in runs:
        result = cli(*run)
        assert result.exit_code == 0, (run, result.stderr)
        assert_no_own_columns(result.stdout + result.stderr, " ".join(run))
    texts = []
    for path in sorted(tmp_path.rglob("*")):
        if path.suffix == ".pdf":
            texts.append(
                subprocess.run(
                    ["pdftotext", str(path), "-"], capture_output=True, check=True, text=True
                ).stdout
            )
        elif path.suffix == ".pptx":
            import zipfile

            with zipfile.ZipFile(path) as deck:
                texts += [
                    deck.read(n).decode("utf-8") for n in deck.namelist() if n.endswith(".xml")
                ]
        elif path.is_file() and path.name != "own.csv":
            texts.append(path.read_bytes().decode("utf-8", errors="replace"))
    written = "\n".join(texts)
    assert "Verkoop" in written and "ICT" in written  # the segments are there
    assert_no_own_columns(written, "the files written")


@pytest.mark.parametrize("column", sorted(OWN_COLUMNS))
def test_a_personal_column_is_no_segment(cli, tmp_path, column):
    own_sheet(tmp_path / "own.csv")
    kind = OWN_COLUMNS[column]
    for run in (
        ("own.csv", "--segment-by", column, "-o", "r.html"),
        ("own.csv", "--segment-by", f"department+{column}", "--format", "json", "-o", "r.json"),
        (
            "explain",
            "own.csv",
            "--segment-by",
            column,
            "--intervention",
            "publish_visibility_rules",
        ),
    ):
        result = cli(*run)
        assert result.exit_code == 1
        assert result.stderr == (
            f'own.csv:2: column "{column}": '
            + NOT_A_SEGMENT.format(kind=X.TYPED_REASON[kind])
            + "\n"
        )
        assert cli.files == ["own.csv"]
    result = cli("map", "own.csv", "--segment-by", column, "-o", "-")
    assert result.exit_code == 0, result.stderr
    assert (
        f"use: ignore\n    match: {'free text' if kind in ('sentence', 'unique') else 'personal data'}\n"
        in result.stdout
    )
    assert_no_own_columns(result.stdout + result.stderr, "map")


CLOSED_SETS = {
    "sales": ("Sales", "Finance", "IT"),
    "municipalities": ("Gemeente Rivierstad", "Gemeente Den Haag", "Alphen aan den Rijn"),
    "provinces": ("Noord-Holland", "Zuid-Holland", "Utrecht"),
    "teams": ("Team 12", "Team 7", "Team 3"),
    "ministries": ("Ministerie van Financiën", "Ministerie van Defensie", "Huis ter Heide"),
}


@pytest.mark.parametrize("name", sorted(CLOSED_SETS))
@pytest.mark.parametrize("tool", ["googleforms.csv", "qualtrics_text_entry.csv", "plain.csv"])
def test_a_closed_set_of_typed_answers_is_a_segment(cli, monkeypatch, tmp_path, tool, name):
    values = CLOSED_SETS[name]
    monkeypatch.setattr(X, "DEPARTMENTS", {"nl": values, "en": values})
    build, _, _ = TYPED_TOOLS[tool]
    export = build(tmp_path / tool, X.people(), values)
    document = cli.json(export, "--segment-by", "department")
    assert sorted(s["value"] for s in document["segments"][1:]) == sorted(values)


def test_many_teams_some_with_one_respondent_are_a_segment(cli, tmp_path):
    group = X.people()
    teams = tuple(f"Team {n}" for n in range(40))
    people = X.People(tuple(replace(p, department=p.number % 40) for p in group.rows))
    X.tidy(tmp_path / "teams.csv", people, departments=teams)
    document = cli.json("teams.csv", "--segment-by", "department")
    kept = {teams[p.number % 40] for p in people.kept() if p.user is not None}
    assert {s["value"] for s in document["segments"][1:]} == kept
    single = sum(
        1
        for t in kept
        if sum(teams[p.number % 40] == t for p in people.kept() if p.user is not None) == 1
    )
    assert single > 0  # a team with one respondent does not make the column free text


# -- the patterns -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("jan.devries@gemeente.nl", "e-mail addresses"),
        ("Mail me: j.de.vries+survey@example.co.uk", "e-mail addresses"),
        ("06-12345678", "phone numbers"),
        ("06 12345678", "phone numbers"),
        ("0612345678", "phone numbers"),
        ("+31 6 1234 5678", "phone numbers"),
        ("0031 20 123 4567", "phone numbers"),
        ("(020) 123 4567", "phone numbers"),
        ("020-1234567", "phone numbers"),
        ("+44 20 7946 0958", "phone numbers"),
        ("NL91ABNA0417164300", "bank account numbers (IBAN)"),
        ("NL91 ABNA 0417 1643 00", "bank account numbers (IBAN)"),
        ("DE89 3704 0044 0532 0130 00", "bank account numbers (IBAN)"),
        ("192.168.1.10", "web or IP addresses"),
        ("https://intranet.example.org/x", "web or IP addresses"),
        ("www.rivierstad.nl", "web or IP addresses"),
        ("Jan de Vries", "person names"),
        ("Anouk van den Berg", "person names"),
        ("Pieter van 't Hof", "person names"),
        ("J. de Vries", "person names"),
        ("J.P. Jansen", "person names"),
        ("Vries, Jan de", "person names"),
        ("Sales", None),
        ("Gemeente Rivierstad", None),
        ("Noord-Holland", None),
        ("Team 12", None),
        ("Den Haag", None),
        ("Alphen aan den Rijn", None),
        ("Bergen op Zoom", None),
        ("Afd. Verkoop", None),
        ("St. Jansdal", None),
        ("2026-03-02 09:14:05", None),
        ("01-03-2026 09:14", None),
        ("02/03/2026 00:00:00", None),
        ("06-12-34-56-78", "phone numbers"),
        ("1234 AB", None),
        ("Versie 2.1", None),
        ("Burgerzaken", None),
    ],
)
def test_what_a_value_holds(value, kind):
    assert personal_kind(value) == kind


def test_a_closed_set_and_its_thresholds():
    def verdict(values, codes):
        found = closed_set(list(values), np.array(codes))
        return (found.kind, found.row) if found else None

    assert verdict(["Sales", "IT", ""], [0, 1, 0, 1, 2, -1]) is None
    # one respondent in a team of their own beside shared teams: still a closed set
    assert verdict(["A", "B", "C"], [0, 0, 1, 1, 2]) is None
    # more than half of the answered cells unshared: free text
    assert verdict(["A", "B", "C", "D"], [0, 0, 1, 2, 3]) == (UNIQUE, 2)
    assert verdict(["A", "B", "C"], [0, 0, 1, 2]) is None  # exactly half
    # one long answer is enough
    assert verdict(["A", "one two three four five six"], [0, 0, 1, 1]) == (LONG, 2)
    assert verdict(["A", "one two three four five"], [0, 0, 1, 1]) is None
    assert verdict(["A", "x" * 51], [0, 0, 1, 1]) == (LONG, 2)
    # a long answer shared by three respondents is a group's name
    long_name = "Afdeling Klantcontact en Dienstverlening Regio Noord-Oost"
    assert verdict(["A", long_name], [0, 0, 1, 1, 1]) is None
    assert verdict(["A", long_name], [0, 0, 0, 1, 1]) == (LONG, 3)
    # one e-mail address is enough, whoever shares it
    assert verdict(["A", "team@example.org"], [0, 0, 1, 1, 1]) == (EMAIL, 2)
    # a name pattern given by fewer than three respondents is a person's name
    assert verdict(["A", "Jan de Vries"], [0, 0, 0, 1, 1]) == (NAMES, 3)
    assert verdict(["A", "Huis ter Heide"], [0, 0, 1, 1, 1]) is None
    assert (MAX_WORDS, MAX_CHARS, SINGLE_SHARE, SHARED) == (5, 50, 0.5, 3)


@pytest.mark.parametrize(
    ("value", "count", "shown"),
    [
        ("Zolder", 1, True),  # a single word: a typo of an option, most likely
        ("misschien", 1, True),
        ("Op zolder", 2, True),  # shared
        ("Zwaantje Plantinga", 1, False),  # two words, one respondent
        ("Jan de Vries", 4, False),  # a name pattern
        ("jan@example.org", 5, False),
        ("06-12345678", 3, False),
        ("een antwoord van vier woorden", 9, False),  # more than three words
        ("x" * 31, 9, False),
    ],
)
def test_what_a_message_may_quote(value, count, shown):
    assert quotable(value, count) is shown


def test_an_spss_label_that_may_be_personal_is_not_quoted(cli, tmp_path):
    import pandas as pd
    import pyreadstat

    items = [item.id for factor in X.FACTORS for item in factor.items]
    frame = pd.DataFrame({"user": ["ja", "nee"] * 6})
    for item in items:
        frame[item] = [float(1 + n % 5) for n in range(12)]
    frame.loc[4, "pe1"] = 7.0
    scale = dict(enumerate(X.SCALE["nl"], start=1))
    labels = {"pe1": {float(k): v for k, v in scale.items()} | {7.0: "jan.devries@example.org"}}
    pyreadstat.write_sav(frame, str(tmp_path / "x.sav"), variable_value_labels=labels)
    result = cli("x.sav")
    assert result.exit_code == 1
    assert result.stderr == (
        'x.sav:5: column "pe1": this cell is not an answer on the scale (expected one of:'
        " Helemaal mee oneens, Mee oneens, Neutraal, Mee eens, Helemaal mee eens; a number from"
        " 1 to 5; or blank; it is not shown, as it may hold personal data or free text)\n"
    )
    labels["pe1"][7.0] = "Soms"  # a single word: quoted
    pyreadstat.write_sav(frame, str(tmp_path / "x.sav"), variable_value_labels=labels)
    assert cli("x.sav").stderr == (
        "x.sav:5: column \"pe1\": 'Soms' is not an answer on the scale (expected one of:"
        " Helemaal mee oneens, Mee oneens, Neutraal, Mee eens, Helemaal mee eens; a number from"
        " 1 to 5; or blank)\n"
    )


_WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=10)
_NAMES = st.lists(
    st.builds(
        lambda w, n: f"{w.capitalize()} {n}" if n else w.capitalize(), _WORDS, st.integers(0, 99)
    ),
    min_size=1,
    max_size=30,
    unique=True,
)


@given(names=_NAMES, sizes=st.data())
def test_shared_short_answers_are_a_closed_set_and_one_personal_answer_is_not(names, sizes):
    counts = [sizes.draw(st.integers(2, 6)) for _ in names]
    codes = np.repeat(np.arange(len(names)), counts)
    codes = sizes.draw(st.permutations(list(codes)))
    assert closed_set(names, np.array(codes)) is None
    kind, value = sizes.draw(
        st.sampled_from(
            [
                (EMAIL, "m.jansen@voorbeeld.nl"),
                ("phone numbers", "+31 6 1234 5678"),
                ("bank account numbers (IBAN)", "NL91 ABNA 0417 1643 00"),
                (NAMES, "Jan van der Berg"),
            ]
        )
    )
    row = sizes.draw(st.integers(0, len(codes) - 1))
    planted = list(codes)
    planted[row] = len(names)  # one respondent typed it
    found = closed_set([*names, value], np.array(planted))
    assert (found.kind, found.row) == (kind, row)
