"""Survey tools' exports give the same figures as the same answers in a plain CSV file.

Each tool's export is built from one set of answers (``tests/exports.py``), numeric and
text, Dutch and English, with previews, incomplete responses, "don't know", an unrelated
question block, free text and personal data. Read without a mapping file, each must give
the same survey — and the same advice document — as the plain item-level CSV.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

import exports as X
from builders import FIXTURES, GROUP, assert_same_survey, comparable
from ism_advisor.survey.codebook import load_codebook
from ism_advisor.survey.reading import load_survey

#: the segment asked for: the codebook's department question, found by its wording
SEGMENT = ["department"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("exports")
    out = {}
    for name, (build, departments, _) in FIXTURES.items():
        out[name] = build(folder / name)
        X.tidy(folder / f"{name}.reference.csv", GROUP, departments=departments)
    return out


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_an_export_gives_the_same_survey_as_the_plain_csv(built, codebook, name):
    path = built[name]
    survey = load_survey(path, codebook, SEGMENT)
    reference = load_survey(path.parent / f"{name}.reference.csv", codebook, SEGMENT)
    assert_same_survey(survey, reference)
    assert str(survey.source.summary()) == FIXTURES[name][2]


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_an_export_gives_the_same_advice_as_the_plain_csv(built, cli, name):
    path = built[name]
    reference = path.parent / f"{name}.reference.csv"
    result = cli(path, "--segment-by", "department", "--format", "json", "-o", "-")
    assert result.exit_code == 0, result.stderr
    summary, warning = result.stderr.splitlines()
    assert summary == FIXTURES[name][2]
    assert warning.startswith('warning: rows left out for want of an answer in column "')
    assert warning.endswith('": 2')
    expected = cli.json(reference, "--segment-by", "department", "--min-group-size", "5")
    assert comparable(json.loads(result.stdout)) == comparable(expected)


@pytest.mark.parametrize(
    ("build", "previews"),
    [
        (lambda p: X.qualtrics(p, GROUP, lang="nl", numeric=True), 2),
        (lambda p: X.limesurvey(p, GROUP, lang="en"), 0),
        (lambda p: X.spss(p, GROUP), 2),
    ],
    ids=["qualtrics", "limesurvey", "spss"],
)
def test_include_incomplete_keeps_partial_responses(tmp_path, codebook, build, previews):
    path = build(tmp_path / "export")
    reference = X.tidy(tmp_path / "reference.csv", GROUP, include_incomplete=True)
    survey = load_survey(path, codebook, include_incomplete=True)
    expected = load_survey(reference, codebook)
    pd.testing.assert_frame_equal(survey.scores, expected.scores)
    assert survey.respondents == 65  # 62 complete + 3 incomplete (previews stay out)
    assert survey.source.left_out == previews
    # the incomplete ones stopped after two factors: the third is missing for them
    assert survey.scores["reputation"].isna().sum() >= 3


def test_a_plain_csv_is_not_announced(cli, tmp_path):
    X.tidy(tmp_path / "plain.csv", GROUP)
    result = cli("plain.csv", "-o", "-", "--format", "json")
    assert result.exit_code == 0
    assert result.stderr == 'warning: rows left out for want of an answer in column "user": 2\n'


def test_quiet_silences_the_summary(cli, tmp_path):
    X.qualtrics(tmp_path / "q.csv", GROUP)
    result = cli("q.csv", "-o", "-", "--format", "json", "--quiet")
    assert result.exit_code == 0  # warnings still show
    assert result.stderr == 'warning: rows left out for want of an answer in column "Q1": 2\n'


def test_the_summary_in_dutch(cli, tmp_path):
    X.limesurvey(tmp_path / "l.csv", GROUP)
    result = cli("l.csv", "-o", "-", "--format", "json", "--lang", "nl")
    assert result.exit_code == 0
    assert result.stderr == (
        "LimeSurvey-export: 64 respondenten, 3 previews/onvolledige weggelaten, 25 van 25 vragen"
        " gevonden, 17 kolommen genegeerd\n"
        'waarschuwing: rijen weggelaten zonder antwoord in kolom "Gebruikt u het interne sociale'
        ' platform?": 2\n'
    )


def test_answer_texts_in_a_plain_csv_are_read(tmp_path, codebook):
    X.tidy(tmp_path / "numbers.csv", GROUP)
    text = (tmp_path / "numbers.csv").read_text(encoding="utf-8").splitlines()
    header, rows = text[0], text[1:]
    words = {"1": "Helemaal mee oneens", "2": "Oneens", "4": "Eens", "5": "Zeer mee eens"}
    changed = []
    for row in rows:
        cells = row.split(",")
        cells[2:] = [words.get(c, c) for c in cells[2:]]
        changed.append(",".join(cells))
    (tmp_path / "words.csv").write_text("\n".join([header, *changed]) + "\n", encoding="utf-8")
    survey = load_survey(tmp_path / "words.csv", codebook)
    expected = load_survey(tmp_path / "numbers.csv", codebook)
    pd.testing.assert_frame_equal(survey.scores, expected.scores)


def test_a_seven_point_codebook_reads_seven_point_texts(tmp_path):
    from conftest import ROOT

    text = (ROOT / "rules" / "factors.yaml").read_text(encoding="utf-8")
    text = text.replace("  max: 5          # 5 = strongly agree", "  max: 7")
    (tmp_path / "seven.yaml").write_text(text, encoding="utf-8")
    book = load_codebook(tmp_path / "seven.yaml")
    words = [
        "Helemaal mee oneens",
        "Oneens",
        "Enigszins mee oneens",
        "Neutraal",
        "Een beetje mee eens",
        "Mee eens",
        "Zeer eens",
    ]
    assert [book.answer_scale(None).lookup[w.replace(" ", "").casefold()] for w in words] == [
        1.0,
        2.0,
        3.0,
        4.0,
        5.0,
        6.0,
        7.0,
    ]


def test_a_statement_reworded_since_an_earlier_wave_still_matches(built, codebook, tmp_path):
    """pe1 was "… helpt mij mijn dagelijkse werk gedaan te krijgen."; an export of a
    questionnaire that asked it so is read through the item's aliases, to the same survey."""
    pe1 = codebook.factors[0].items[0]
    old = "Het platform helpt mij mijn dagelijkse werk gedaan te krijgen."
    assert (pe1.id, pe1.aliases) == ("pe1", (old,))
    name = "googleforms_grid_nl.csv"
    text = built[name].read_text(encoding="utf-8")
    assert text.count(pe1.text["nl"]) == 1
    earlier = tmp_path / name
    earlier.write_text(text.replace(pe1.text["nl"], old), encoding="utf-8")
    reference = load_survey(built[name].parent / f"{name}.reference.csv", codebook, SEGMENT)
    assert_same_survey(load_survey(earlier, codebook, SEGMENT), reference)
