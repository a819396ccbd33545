"""Workbooks as people save them (issue 26, part D): title rows above the header, the
answers on another sheet than the first; --sheet and --header-row; errors that name the
sheet and the header row (their exact texts are in test_bad_corpus)."""

from __future__ import annotations

import pandas as pd
import pytest

from conftest import SAMPLE_SCORES
from ism_advisor.survey.codebook import load_codebook
from ism_advisor.survey.reading.header import SEARCHED_ROWS, RoleKeys, best_header

TITLE = [["Survey on the platform, March 2026"], [None], ["Exported 2026-03-31"]]


def _workbook(path, sheets: dict[str, tuple[list[list], pd.DataFrame | None, int]]) -> None:
    """Sheets of (rows above, data, row the data's header goes to (0-based))."""
    engine = "odf" if path.suffix == ".ods" else "openpyxl"
    with pd.ExcelWriter(path, engine=engine) as writer:
        for name, (above, data, start) in sheets.items():
            pd.DataFrame(above or [[None]]).to_excel(
                writer, sheet_name=name, header=False, index=False
            )
            if data is not None:
                data.to_excel(writer, sheet_name=name, startrow=start, index=False)


@pytest.fixture(scope="module")
def scores() -> pd.DataFrame:
    return pd.read_csv(SAMPLE_SCORES)


def _same_as_csv(cli, document: dict, scores: pd.DataFrame) -> None:
    scores.to_csv(cli.folder / "plain.csv", index=False)
    plain = cli.json("plain.csv", "--segment-by", "organisation")
    read = document.pop("input")
    assert read["format"] == "spreadsheet"
    assert {k: read[k] for k in plain["input"] if k != "path"} == {
        k: v for k, v in plain.pop("input").items() if k != "path"
    }
    assert document == plain  # every figure the same as from the CSV file


def test_title_rows_above_the_header_are_passed_over(cli, scores):
    _workbook(cli.folder / "survey.xlsx", {"Results": (TITLE, scores, 4)})
    result = cli("survey.xlsx", "--segment-by", "organisation", "-o", "out.json")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == (
        "Excel workbook, sheet 'Results', header in row 5: 600 responses, 0 previews/incomplete"
        " left out, 0 of 25 items matched, 2 columns ignored\n"
    )
    document = cli.json("survey.xlsx", "--segment-by", "organisation")
    # --header-row says it outright; a row that is not the header is read as one and
    # refused, naming the sheet and the row
    given = cli.json("survey.xlsx", "--segment-by", "organisation", "--header-row", "5")
    assert given == document
    _same_as_csv(cli, document, scores)
    wrong = cli("survey.xlsx", "--header-row", "1", "-o", "out2.json", "--lang", "nl")
    assert wrong.exit_code == 1
    assert wrong.stderr.startswith(
        "survey.xlsx: blad 'Results', koprij 1: 8 delen van het codeboek hebben geen kolom:"
        " geen gebruiksvraag:"
    )


@pytest.mark.parametrize("suffix", [".xlsx", ".ods"])
def test_sheet_reads_the_answers_on_another_sheet(cli, scores, suffix):
    name = f"survey{suffix}"
    sheets = {"Info": ([["About this survey"]], None, 0), "Responses": ([], scores, 0)}
    _workbook(cli.folder / name, sheets)
    refused = cli(name, "-o", "out.json")
    assert (refused.exit_code, refused.stderr) == (
        1,
        f"{name}: sheet 'Info', header row 1: no column names a question of the codebook;"
        " the data seems to be on sheet 'Responses': add --sheet Responses\n",
    )
    # its capitals need not match
    document = cli.json(name, "--sheet", "responses", "--segment-by", "organisation")
    _same_as_csv(cli, document, scores)


def test_a_sheet_name_with_a_space_is_quoted_in_the_hint(cli, scores):
    sheets = {"Cover": ([["Survey"]], None, 0), "Form responses 1": ([], scores, 0)}
    _workbook(cli.folder / "survey.xlsx", sheets)
    result = cli("survey.xlsx", "-o", "out.json")
    assert result.stderr == (
        "survey.xlsx: sheet 'Cover', header row 1: no column names a question of the codebook;"
        " the data seems to be on sheet 'Form responses 1': add --sheet 'Form responses 1'\n"
    )
    assert cli("survey.xlsx", "--sheet", "Form responses 1", "-o", "out.json").exit_code == 0


def test_map_reads_the_sheet_and_header_row_given(cli, scores):
    sheets = {"Info": ([["About"]], None, 0), "Responses": (TITLE, scores, 4)}
    _workbook(cli.folder / "survey.xlsx", sheets)
    result = cli("map", "survey.xlsx", "--sheet", "Responses", "-o", "mapping.yaml")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[0] == (
        "Excel workbook, sheet 'Responses', header in row 5: 600 responses, 0 previews/incomplete"
        " left out, 0 of 25 items matched, 1 column ignored"
    )
    advised = cli("survey.xlsx", "--sheet", "Responses", "--map", "mapping.yaml", "-o", "a.json")
    assert advised.exit_code == 0, advised.stderr


def test_the_header_is_the_row_that_names_the_most_roles():
    book = load_codebook()
    keys = RoleKeys.of(book)
    rows = [
        (0, ["Survey 2026", "", ""]),
        (1, ["user", "reputation", "note"]),  # two roles
        (2, ["user", "reputation", "privacy_concern"]),  # three
        (3, ["user", "Reputation", "Privacy concern"]),  # three again: the first wins
    ]
    assert best_header(rows, keys) == (2, 3)
    assert best_header(rows[:1], keys) == (0, 0)  # nothing matches: the first row
    # a wording counts as a name does; a header past the searched rows is not found
    wordings = [book.factors[0].items[0].text["nl"], book.usage.text["en"].upper()]
    assert keys.score([*wordings, "Opmerkingen"]) == 2
    far = [(i, ["x"]) for i in range(SEARCHED_ROWS)] + [(SEARCHED_ROWS, ["user"])]
    assert best_header(far, keys) == (0, 0)


def test_another_sheet_is_named_only_when_it_names_more_of_the_codebook(cli, scores):
    """The first sheet's header names seven factors but no usage question: a notes sheet
    that mentions one factor is no better place, and the hint stays the mapping's."""
    sheets = {
        "Results": ([], scores.drop(columns=["user"]), 0),
        "Notes": ([["reputation", "to check"]], None, 0),
    }
    _workbook(cli.folder / "survey.xlsx", sheets)
    result = cli("survey.xlsx", "-o", "out.json")
    assert (result.exit_code, result.stderr) == (
        1,
        "survey.xlsx: sheet 'Results', header row 1: no usage question: no column is called"
        ' "user" or asks "Do you use the internal social platform? / Gebruikt u het interne'
        " sociale platform?\" ('ism-advise map survey.xlsx' proposes a mapping to check and"
        " pass with --map)\n",
    )
