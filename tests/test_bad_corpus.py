"""The bad-input corpus: every input the tool reads, broken, with its exact message.

Each case runs ``ism-advise`` from a fresh folder holding copies of its inputs. It must
exit with the expected code and message — one line naming the file, where, and what was
expected —, print no traceback, leave no file behind, and change no input.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

import exports as X
from bad_cases import CATALOGUE_CASES, CODEBOOK_CASES, RULE_CASES
from conftest import DATA, ROOT, SAMPLE_SCORES

BAD = DATA / "bad"
SCALE = "a score from 1 to 5, blank or a missing-value code (0, 9, 99)"
USAGE_ANSWERS = (
    "ja, j, yes, y, 1, true, gebruiker, user, nee, n, no, 0, false, niet-gebruiker, non-user,"
    " niet gebruiker"
)
MORE = " (+{n} more; 'ism-advise rules check' lists every problem)"


@dataclass(frozen=True)
class Case:
    id: str
    kind: (
        str  # csv, exports, mapping, codebook, rules, interventions, templates, options,
        # generated, questionnaire, pptx, ruletests, segments
    )
    file: str | None
    args: tuple[str, ...]
    exit: int
    message: str

    @property
    def name(self) -> str:
        return self.id


def case(kind: str, file: str | None, message: str, *args: str, exit: int = 1, id: str = ""):
    return Case(id or f"{kind}/{file}", kind, file, args, exit, message)


CASES = [
    # -- survey CSV files ----------------------------------------------------------------
    case("csv", "empty.csv", "empty.csv: is empty (expected a survey CSV file with a header row)"),
    case("csv", "header_only.csv", "header_only.csv: has a header but no respondents"),
    case("csv", "binary.csv", "binary.csv: is not a text file (expected a survey CSV file)"),
    case(
        "csv",
        "not_utf8_or_1252.csv",
        "not_utf8_or_1252.csv:2: byte 0x81 is neither UTF-8 nor Windows-1252 text (save the file as UTF-8)",
    ),
    case(
        "csv",
        "one_column.csv",
        "one_column.csv:1: the header row has one column only (expected columns separated by commas, semicolons or tabs)",
    ),
    case(
        "csv",
        "wrong_delimiter.csv",
        "wrong_delimiter.csv:1: the header row has one column only (expected columns separated by commas, semicolons or tabs)",
    ),
    case(
        "csv",
        "no_usage_column.csv",
        "no_usage_column.csv:1: no usage column \"user\" telling users from non-users; columns found: respondent, dept, uses, performance_expectancy, effort_expectancy, reputation, colleague_influence, manager_influence, collaboration_norms, privacy_concern ('ism-advise map no_usage_column.csv' proposes a mapping to check and pass with --map)",
    ),
    case(
        "csv",
        "missing_factor.csv",
        "missing_factor.csv:1: no column for factor 'privacy_concern' (expected a score column \"privacy_concern\" or the item columns priv1, priv2, priv3, priv4); columns found: respondent, dept, user, performance_expectancy, effort_expectancy, reputation, colleague_influence, manager_influence, collaboration_norms ('ism-advise map missing_factor.csv' proposes a mapping to check and pass with --map)",
    ),
    case(
        "csv",
        "partial_items.csv",
        "partial_items.csv:1: factor 'performance_expectancy' has item columns but misses pe3, pe4 (give every item of the factor, or one score column \"performance_expectancy\"); columns found: respondent, user, pe1, pe2, ee1, ee2, ee3, ee4, reputation, colleague_influence, manager_influence, collaboration_norms, … ('ism-advise map partial_items.csv' proposes a mapping to check and pass with --map)",
    ),
    case(
        "csv",
        "duplicate_columns.csv",
        'duplicate_columns.csv:1: columns "user" and "user" both match \'user\' (rename or remove one)',
    ),
    case(
        "csv",
        "too_few_fields_header.csv",
        "too_few_fields_header.csv:1: the header row has one column only (expected columns separated by commas, semicolons or tabs)",
    ),
    case(
        "csv",
        "out_of_scale.csv",
        f'out_of_scale.csv:4: column "reputation": 6 is outside the answer scale (expected {SCALE})',
    ),
    case(
        "csv",
        "items_out_of_scale.csv",
        f'items_out_of_scale.csv:9: column "pe2": 6 is outside the answer scale (expected {SCALE})',
    ),
    case(
        "csv",
        "semicolon_comma_decimal_out_of_scale.csv",
        f'semicolon_comma_decimal_out_of_scale.csv:4: column "collaboration_norms": 5.5 is outside the answer scale (expected {SCALE})',
    ),
    case(
        "csv",
        "windows1252_dutch.csv",
        f'windows1252_dutch.csv:6: column "manager_influence": 7 is outside the answer scale (expected {SCALE})',
    ),
    case(
        "csv",
        "not_a_number.csv",
        f"not_a_number.csv:5: column \"colleague_influence\": 'abc' is not a number (expected {SCALE})",
    ),
    case(
        "csv",
        "mixed_types.csv",
        f"mixed_types.csv:5: column \"colleague_influence\": 'vier' is not a number (expected {SCALE})",
    ),
    case(
        "csv",
        "nvt_column.csv",
        "nvt_column.csv: no respondent has a score for factor 'reputation' (every answer is blank or a missing-value code)",
    ),
    case(
        "csv",
        "unknown_usage_answer.csv",
        f"unknown_usage_answer.csv:6: column \"user\": 'misschien' is not a usage answer (expected one of: {USAGE_ANSWERS})",
    ),
    case(
        "csv",
        "all_usage_blank.csv",
        'all_usage_blank.csv: column "user": no respondent answered the usage question (every cell is blank or a missing-value code)',
    ),
    case(
        "csv",
        "numeric_usage_text.csv",
        "numeric_usage_text.csv:8: column \"gebruiksfrequentie\": 'often' is not a number (expected a number)",
        "--codebook",
        str(DATA / "codebooks" / "numeric_usage.yaml"),
    ),
    case(
        "csv",
        "extra_field.csv",
        "extra_field.csv:8: this row has 11 fields where the header has 10 (a stray delimiter or an unclosed quote?)",
    ),
    case(
        "csv",
        "no_users.csv",
        'no_users.csv: column "user": no users: every respondent is a non-user (a comparison needs both)',
    ),
    case(
        "csv",
        "no_non_users.csv",
        'no_non_users.csv: column "user": no non-users: every respondent is a user (a comparison needs both)',
    ),
    case(
        "csv",
        "one_respondent.csv",
        'one_respondent.csv: column "user": no non-users: every respondent is a user (a comparison needs both)',
    ),
    case(
        "csv",
        "too_few_users.csv",
        "too_few_users.csv: too few respondents to report anonymously: 3 users and 17 non-users (each group needs at least 5)",
    ),
    case(
        "csv",
        "no_users.csv",
        'no_users.csv:1: no column "departmnet" to segment by (columns found: respondent, dept, user, performance_expectancy, effort_expectancy, reputation, colleague_influence, manager_influence, collaboration_norms, privacy_concern)',
        "--segment-by",
        "departmnet",
        id="csv/unknown-segment-column",
    ),
    case(
        "generated",
        "giant_line.csv",
        "giant_line.csv: the first line is longer than 1 MiB (expected a CSV file whose first line names the columns)",
    ),
    case(
        "generated",
        "giant_value.csv",
        f'giant_value.csv:3: column "reputation": this cell is not a number (expected {SCALE};'
        " it is not shown, as it may hold personal data or free text)",
    ),
    case("generated", "folder.csv", "folder.csv: is a folder (expected a survey CSV file)"),
    case("generated", "missing.csv", "missing.csv: no such file (expected a survey CSV file)"),
    # -- survey tools' exports -----------------------------------------------------------
    case(
        "exports",
        "qualtrics_not_on_the_scale.csv",
        "qualtrics_not_on_the_scale.csv:6: column \"Q3_2\": 'Soms' is not an answer on the scale (expected one of: Helemaal mee oneens, Mee oneens, Neutraal, Mee eens, Helemaal mee eens; a number from 1 to 5; or blank)",
    ),
    case(
        "exports",
        "qualtrics_only_previews.csv",
        "qualtrics_only_previews.csv: no responses: all 3 rows are previews, tests or incomplete responses (--include-incomplete keeps incomplete ones)",
    ),
    case(
        "exports",
        "qualtrics_statement_twice.csv",
        "qualtrics_statement_twice.csv:1: columns \"Q3_1\" and \"Q12_1\" both match 'pe1' ('ism-advise map qualtrics_statement_twice.csv' proposes a mapping to check and pass with --map)",
    ),
    case(
        "exports",
        "limesurvey_answer_codes.csv",
        "limesurvey_answer_codes.csv:2: column \"Q3[pe1]\": 'AO02' is an answer code, not an answer on the scale (export the responses with their answer texts, or give the codes in the codebook's answer scale)",
    ),
    case(
        "exports",
        "surveymonkey_numerical_values.csv",
        f"surveymonkey_numerical_values.csv:3: column \"Gebruikt u het interne sociale platform?\": '2' is not a usage answer (expected one of: {USAGE_ANSWERS})",
    ),
    case(
        "exports",
        "googleforms_missing_row.csv",
        "googleforms_missing_row.csv:1: factor 'reputation' has item columns but misses rep2 (no column has their id or wording) ('ism-advise map googleforms_missing_row.csv' proposes a mapping to check and pass with --map)",
    ),
    case(
        "generated",
        "truncated.xlsx",
        "truncated.xlsx: cannot be read as a spreadsheet (damaged, or not an Excel or OpenDocument workbook)",
    ),
    case(
        "generated",
        "empty_sheet.xlsx",
        "empty_sheet.xlsx: sheet 'Sheet1' is empty (expected a header row and a row per respondent)",
    ),
    case(
        "generated",
        "msforms_without_usage.xlsx",
        "msforms_without_usage.xlsx: sheet 'Sheet1', header row 1: no usage question: no column is called \"user\" or asks \"Do you use the internal social platform? / Gebruikt u het interne sociale platform?\" ('ism-advise map msforms_without_usage.xlsx' proposes a mapping to check and pass with --map)",
    ),
    case(
        "generated",
        "truncated.sav",
        "truncated.sav: cannot be read as an SPSS file (damaged, or not an SPSS data file)",
    ),
    case(
        "generated",
        "spss_unknown_label.sav",
        "spss_unknown_label.sav:1: column \"Q3_1\": 'Soms' is not an answer on the scale (expected one of: Helemaal mee oneens, Mee oneens, Neutraal, Mee eens, Helemaal mee eens; a number from 1 to 5; or blank)",
    ),
    case(
        "exports",
        "qualtrics_not_on_the_scale.csv",
        'qualtrics_not_on_the_scale.csv:1: cannot segment by "RecipientEmail": it holds personal data or free text, which never appear in a report',
        "--segment-by",
        "RecipientEmail",
        id="exports/segment-by-personal-data",
    ),
    # -- mapping files (applied to tests/data/exports/survey.csv) --------------------------
    *(
        case("mapping", name, message)
        for name, message in {
            "columns_not_a_list.yaml": "columns_not_a_list.yaml:2:10: 'columns' must be a non-empty list of columns, found 'Q1'",
            "free_text_item.yaml": "free_text_item.yaml:194:10: column \"Q11\" holds personal data or free text: it cannot feed 'priv1'",
            "listed_twice.yaml": 'listed_twice.yaml:196:13: column "Q1" is listed twice (first on line 75)',
            "misspelt_key.yaml": "misspelt_key.yaml:81:5: unknown key 'uses' (did you mean 'use'?)",
            "no_usage.yaml": "no_usage.yaml:10:3: no column feeds the usage question (give the column telling users from non-users 'use: usage')",
            "not_a_mapping.yaml": "not_a_mapping.yaml:1:1: expected a mapping file with a list of columns, found a list",
            "personal_column.yaml": "personal_column.yaml:24:10: column \"IPAddress\" holds personal data or free text: it cannot feed 'segment network'",
            "too_few_items.yaml": "too_few_items.yaml:10:3: factor 'reputation' gets 1 of its 3 items (a score needs at least 2: map more of rep2, rep3)",
            "two_columns_one_item.yaml": 'two_columns_one_item.yaml:89:10: columns "Q3_1" and "Q3_2" both feed \'pe1\' (one column each)',
            "unknown_column.yaml": "unknown_column.yaml:183:13: column \"Q100\" is not in survey.csv (did you mean 'Q10'?)",
            "unknown_item.yaml": "unknown_item.yaml:97:10: 'pe5' is not something a column can feed (did you mean 'pe4'?) (expected an item id, usage, segment NAME, score FACTOR or ignore)",
        }.items()
    ),
    case(
        "mapping",
        None,
        "nowhere.yaml: no such file (expected a mapping file (made by 'ism-advise map'))",
        "--map",
        "nowhere.yaml",
        id="mapping/missing-file",
    ),
]

# -- issue 26, part D: messages that lead to the fix -------------------------------------------
CASES += [
    case(
        "options",
        None,
        "Error: --per-segment DIR writes a report per segment, but no segments are given (add"
        " --segment-by COL, e.g. --segment-by department)",
        "--per-segment",
        "reports",
        exit=2,
        id="options/per-segment-without-segments",
    ),
    case(
        "options",
        None,
        "Error: --per-segment DIR writes a brief per segment, but no segments are given (add"
        " --segment-by COL, e.g. --segment-by department)",
        "--per-segment",
        "briefs",
        "--brief",
        exit=2,
        id="options/brief-without-segments",
    ),
    # a workbook: errors name the sheet and the header row; a title row above the header is
    # passed over; another sheet that holds the answers is named, with the option to read it
    case(
        "exports",
        "data_on_sheet_2.xlsx",
        "data_on_sheet_2.xlsx: sheet 'Info', header row 1: no column names a question of the"
        " codebook; the data seems to be on sheet 'Responses': add --sheet Responses",
    ),
    case(
        "exports",
        "data_on_sheet_2.ods",
        "data_on_sheet_2.ods: blad 'Info', koprij 1: geen kolom komt overeen met een vraag uit"
        " het codeboek; de gegevens lijken op blad 'Antwoorden' te staan: geef --sheet"
        " Antwoorden",
        "--lang",
        "nl",
    ),
    case(
        "exports",
        "empty_first_sheet.xlsx",
        "empty_first_sheet.xlsx: sheet 'Sheet1' is empty (expected a header row and a row per"
        " respondent); the data seems to be on sheet 'Data': add --sheet Data",
    ),
    case(
        "exports",
        "title_rows_no_usage.xlsx",
        "title_rows_no_usage.xlsx: sheet 'Results', header row 4: no usage question: no column"
        ' is called "user" or asks "Do you use the internal social platform? / Gebruikt u het'
        " interne sociale platform?\" ('ism-advise map title_rows_no_usage.xlsx' proposes a"
        " mapping to check and pass with --map)",
    ),
    case(
        "exports",
        "data_on_sheet_2.xlsx",
        "data_on_sheet_2.xlsx: --sheet: no sheet 'Answers' in this workbook (its sheets:"
        " 'Info', 'Responses')",
        "--sheet",
        "Answers",
        id="exports/unknown-sheet",
    ),
    case(
        "exports",
        "title_rows_no_usage.xlsx",
        "title_rows_no_usage.xlsx: --header-row 3: row 3 of sheet 'Results' is empty (expected"
        " the row that names the columns)",
        "--header-row",
        "3",
        id="exports/header-row-empty",
    ),
    case(
        "exports",
        "title_rows_no_usage.xlsx",
        "title_rows_no_usage.xlsx: --header-row 3: rij 3 van blad 'Results' is leeg (verwacht:"
        " de rij met de kolomnamen)",
        "--header-row",
        "3",
        "--lang",
        "nl",
        id="exports/header-row-empty/nl",
    ),
    case(
        "exports",
        "data_on_sheet_2.xlsx",
        "data_on_sheet_2.xlsx: --sheet: geen blad 'Answers' in deze werkmap (de bladen: 'Info',"
        " 'Responses')",
        "--sheet",
        "Answers",
        "--lang",
        "nl",
        id="exports/unknown-sheet/nl",
    ),
    case(  # a row of a sheet other than the first: the sheet is named with the row
        "exports",
        "out_of_scale_on_sheet_2.xlsx",
        "out_of_scale_on_sheet_2.xlsx:7: sheet 'Responses': column \"reputation\": 7 is outside"
        f" the answer scale (expected {SCALE})",
        "--sheet",
        "Responses",
    ),
    case(
        "options",
        None,
        "scores.csv: --sheet is for a spreadsheet (Excel or OpenDocument), but this file is not"
        " one (leave out --sheet)",
        "--sheet",
        "Responses",
        id="options/sheet-for-a-csv-file",
    ),
    # a plain CSV whose names do not match: every role without a column at once, and the
    # command that proposes a mapping
    case(
        "csv",
        "renamed_columns.csv",
        "renamed_columns.csv:1: 4 parts of the codebook have no column: no usage column"
        " \"user\" telling users from non-users; no column for factor 'performance_expectancy'"
        ' (expected a score column "performance_expectancy" or the item columns pe1, pe2, pe3,'
        " pe4); no column for factor 'collaboration_norms' (expected a score column"
        ' "collaboration_norms" or the item columns norm1, norm2, norm3); no column for factor'
        " 'privacy_concern' (expected a score column \"privacy_concern\" or the item columns"
        " priv1, priv2, priv3, priv4); columns found: respondent, dept, uses, effort_expectancy,"
        " reputation, colleague_influence, manager_influence ('ism-advise map"
        " renamed_columns.csv' proposes a mapping to check and pass with --map)",
    ),
    case(
        "csv",
        "renamed_columns.csv",
        "renamed_columns.csv:1: 4 delen van het codeboek hebben geen kolom: geen gebruikskolom"
        ' "user" die gebruikers van niet-gebruikers onderscheidt; geen kolom voor factor'
        " 'performance_expectancy' (verwacht: een scorekolom \"performance_expectancy\" of de"
        " vraagkolommen pe1, pe2, pe3, pe4); geen kolom voor factor 'collaboration_norms'"
        ' (verwacht: een scorekolom "collaboration_norms" of de vraagkolommen norm1, norm2,'
        " norm3); geen kolom voor factor 'privacy_concern' (verwacht: een scorekolom"
        ' "privacy_concern" of de vraagkolommen priv1, priv2, priv3, priv4); gevonden kolommen:'
        " respondent, dept, uses, effort_expectancy, reputation, colleague_influence,"
        " manager_influence ('ism-advise map renamed_columns.csv' stelt een koppeling voor om"
        " na te lopen en met --map mee te geven)",
        "--lang",
        "nl",
        id="csv/renamed_columns.csv/nl",
    ),
]


def first_of(problems: list[str], name: str) -> str:
    """What the main command prints: the first problem, and how many more there are."""
    text = problems[0].replace("@", name, 1)
    return text + (MORE.format(n=len(problems) - 1) if len(problems) > 1 else "")


CASES += [
    case(
        "codebook",
        name,
        first_of(["@:" + p for p in problems], name),
    )
    for name, problems in CODEBOOK_CASES.items()
]
CASES += [case("rules", name, first_of(problems, name)) for name, problems in RULE_CASES.items()]
CASES += [
    case("interventions", name, first_of(problems, name))
    for name, problems in CATALOGUE_CASES.items()
]

TEMPLATES = {
    "syntax_error": "ours/report.html:1: template error: Expected an expression, got 'end of statement block'",
    "undefined_variable": "ours/report.html:1: template uses something the report does not have: 'ism_advisor.render.context.model.ReportContext object' has no attribute 'customer_name'",
    "python_internals": "ours/report.html:1: template refused by the sandbox: access to attribute '__class__' of 'ReportContext' object is unsafe.",
    "globals_escape": "ours/report.html:1: template refused by the sandbox: access to attribute '__init__' of 'type' object is unsafe.",
    "mutate_data": "ours/report.html:1: template refused by the sandbox: access to attribute 'clear' of 'dict' object is unsafe.",
    "absolute_include": "ours/report.html:1: template not found: /etc/passwd (templates can include only files in their own folder or 'default:' templates)",
    "parent_include": "ours/report.html:1: template not found: ../../../../../../etc/passwd (templates can include only files in their own folder or 'default:' templates)",
}
CASES += [case("templates", name, text) for name, text in TEMPLATES.items()]

CASES += [
    case(
        "options",
        None,
        "Error: Invalid value for '--alpha': -0.05 is not in the range 0<x<1.",
        "--alpha",
        "-0.05",
        exit=2,
        id="options/negative-alpha",
    ),
    case(
        "options",
        None,
        "Error: Invalid value for '--alpha': 1.5 is not in the range 0<x<1.",
        "--alpha",
        "1.5",
        exit=2,
        id="options/alpha-above-1",
    ),
    case(
        "options",
        None,
        "Error: Invalid value for '--min-group-size': 2 is not in the range x>=3.",
        "--min-group-size",
        "2",
        exit=2,
        id="options/min-group-size-2",
    ),
    case(
        "options",
        None,
        "Error: Invalid value for '--lang': 'de' is not one of 'en', 'nl'.",
        "--lang",
        "de",
        exit=2,
        id="options/unknown-language",
    ),
    case(
        "options",
        None,
        "Error: Invalid value for '--format': 'docx' is not one of 'html', 'pdf', 'md', 'json',"
        " 'pptx'.",
        "--format",
        "docx",
        exit=2,
        id="options/unknown-format",
    ),
    case(
        "options",
        None,
        "Error: Invalid value for '--pdf-variant': 'pdf/a-1b' is not one of 'pdf/ua-1', 'pdf/a-3b', 'plain'.",
        "--pdf-variant",
        "pdf/a-1b",
        "-o",
        "advice.pdf",
        exit=2,
        id="options/unknown-pdf-variant",
    ),
    case(
        "options",
        None,
        "Error: Invalid value for '--pdf-variant': 'pdf/a-3b' is a kind of PDF, but the report is written as html (add --format pdf, or write to a .pdf file)",
        "--pdf-variant",
        "pdf/a-3b",
        exit=2,
        id="options/pdf-variant-without-pdf",
    ),
    case(
        "options",
        None,
        "Error: No such option '--segment'. (Did you mean one of: '--per-segment', '--segment-by', '--sheet'?)",
        "--segment",
        "dept",
        exit=2,
        id="options/misspelt-option",
    ),
    case(
        "options",
        None,
        "missing/advice.html: cannot write here: the folder missing does not exist",
        "-o",
        "missing/advice.html",
        id="options/output-in-missing-folder",
    ),
    case(
        "options",
        None,
        "Error: Invalid value for '-o' / '--output': 'scores.csv' ends in .csv, a format"
        " ism-advise does not write (use .html, .pdf, .md, .json or .pptx)",
        "-o",
        "scores.csv",
        exit=2,
        id="options/output-is-the-input",
    ),
    case(
        "options",
        None,
        "ours: no such folder (expected a folder of report templates)",
        "--templates",
        "ours",
        id="options/missing-templates-folder",
    ),
    case(
        "options",
        None,
        "ours: no such folder (expected a knowledge-base folder made by 'ism-advise init')",
        "--knowledge",
        "ours",
        id="options/missing-knowledge-folder",
    ),
    case(
        "options",
        None,
        "scores.csv: is a file, not a folder",
        "--per-segment",
        "scores.csv",
        "--segment-by",
        "organisation",
        id="options/per-segment-into-a-file",
    ),
    case(
        "options",
        None,
        "nowhere/codebook.yaml: no such file (expected a codebook)",
        "--codebook",
        "nowhere/codebook.yaml",
        id="options/missing-codebook",
    ),
    case(
        "options",
        None,
        "Error: Invalid value for '--date': '2026-13-01' is not a date (expected YYYY-MM-DD,"
        " e.g. 2026-03-01)",
        "--date",
        "2026-13-01",
        exit=2,
        id="options/date-month-13",
    ),
    case(
        "options",
        None,
        "Error: Invalid value for '--date': '2026-02-30' is not a date (expected YYYY-MM-DD,"
        " e.g. 2026-03-01)",
        "--date",
        "2026-02-30",
        exit=2,
        id="options/date-february-30",
    ),
    case(
        "options",
        None,
        "Error: Invalid value for '--date': '01-03-2026' is not written YYYY-MM-DD: did you"
        " mean 2026-03-01?",
        "--date",
        "01-03-2026",
        exit=2,
        id="options/date-day-first",
    ),
    case(
        "options",
        None,
        "Error: Invalid value for '--date': 'March 2026' is not written YYYY-MM-DD"
        " (e.g. 2026-03-01)",
        "--date",
        "March 2026",
        exit=2,
        id="options/date-in-words",
    ),
    case(
        "options",
        None,
        "Error: Invalid value for '-o' / '--output': 'out.docx' ends in .docx, a format"
        " ism-advise does not write (use .html, .pdf, .md, .json or .pptx)",
        "-o",
        "out.docx",
        exit=2,
        id="options/output-suffix-no-format",
    ),
    case(
        "options",
        None,
        "Error: Invalid value for '-o' / '--output': 'out.md' ends in .md, but --format is pdf"
        " (name it out.pdf, or leave out --format)",
        "-o",
        "out.md",
        "--format",
        "pdf",
        exit=2,
        id="options/output-suffix-contradicts-format",
    ),
    case(
        "options",
        None,
        "Error: Invalid value for '-o' / '--output': 'out.html' ends in .html, but --format is"
        " json (name it out.json, or leave out --format)",
        "--format",
        "json",
        "-o",
        "out.html",
        exit=2,
        id="options/output-html-suffix-with-json-format",
    ),
    case(
        "options",
        None,
        "Error: Invalid value for '--per-segment': '--brief' looks like an option;"
        " --per-segment needs a folder: --per-segment DIR",
        "--segment-by",
        "organisation",
        "--per-segment",
        "--brief",
        "--format",
        "pdf",
        exit=2,
        id="options/per-segment-swallows-an-option",
    ),
    case(
        "options",
        None,
        "Error: Invalid value for '-o' / '--output': '--quiet' looks like an option; -o needs"
        " a file: -o PATH (or -o - for standard output)",
        "-o",
        "--quiet",
        exit=2,
        id="options/output-swallows-an-option",
    ),
]
CASES += [
    case(
        "options",
        None,
        f"Error: Invalid value for '{option}': '--lang' looks like an option; {option} needs"
        f" {what}: {option} {metavar}",
        option,
        "--lang",
        "nl",
        exit=2,
        id=f"options/{option.strip('-')}-swallows-an-option",
    )
    for option, what, metavar in (
        ("--knowledge", "a folder", "DIR"),
        ("--codebook", "a file", "FILE"),
        ("--rules", "a file", "FILE"),
        ("--interventions", "a file", "FILE"),
        ("--templates", "a folder", "DIR"),
        ("--pptx-template", "a file", "FILE"),
    )
]

# -- PowerPoint templates (made at test time from the packaged one) ------------------------
LAYOUT_NAMES = (
    "'Title Slide', 'Title and Content', 'Section Header', 'Two Content', 'Comparison',"
    " 'Blank', 'Content with Caption', 'Picture with Caption', 'Title and Vertical Text',"
    " 'Vertical Title and Text'"
)
SAVE_AS_PPTX = "open it in PowerPoint and save it as a presentation (.pptx), then give that file"
CASES += [
    case(
        "pptx",
        "client.potx",
        f"client.potx: is a PowerPoint template (.potx); {SAVE_AS_PPTX}",
        id="pptx/potx",
    ),
    case(
        "pptx",
        "renamed_potx.pptx",
        f"renamed_potx.pptx: is a PowerPoint template (.potx) renamed to .pptx; {SAVE_AS_PPTX}",
        id="pptx/potx-renamed-to-pptx",
    ),
    case(
        "pptx",
        "renamed_ppsx.pptx",
        f"renamed_ppsx.pptx: is a PowerPoint slide show (.ppsx) renamed to .pptx; {SAVE_AS_PPTX}",
        id="pptx/ppsx-renamed-to-pptx",
    ),
    case(
        "pptx",
        "client.odp",
        "client.odp: is not a .pptx file (expected a PowerPoint presentation; save the template"
        " as .pptx in PowerPoint or LibreOffice Impress)",
        id="pptx/odp",
    ),
    case(
        "pptx",
        "text.pptx",
        "text.pptx: cannot be read as a PowerPoint presentation (expected a .pptx file saved by"
        " PowerPoint, LibreOffice Impress or Keynote)",
        id="pptx/not-a-zip",
    ),
    case(
        "pptx",
        "truncated.pptx",
        "truncated.pptx: cannot be read as a PowerPoint presentation (expected a .pptx file"
        " saved by PowerPoint, LibreOffice Impress or Keynote)",
        id="pptx/truncated",
    ),
    case(
        "pptx",
        "broken_part.pptx",
        "broken_part.pptx: cannot be read as a PowerPoint presentation (expected a .pptx file"
        " saved by PowerPoint, LibreOffice Impress or Keynote)",
        id="pptx/broken-xml",
    ),
    case(
        "pptx",
        "folder.pptx",
        "folder.pptx: is a folder (expected a PowerPoint file .pptx)",
        id="pptx/folder",
    ),
    case(
        "pptx",
        None,
        "nowhere.pptx: no such file (expected a PowerPoint file .pptx)",
        "--pptx-template",
        "nowhere.pptx",
        id="pptx/missing",
    ),
    case(
        "pptx",
        "no_title_only.pptx",
        "no_title_only.pptx: the template has no slide layout 'Title Only' (the deck puts the"
        f" chart and table slides on it); its layouts are: {LAYOUT_NAMES} (rename or add one in"
        " the slide master view)",
        id="pptx/missing-layout",
    ),
    case(
        "pptx",
        "no_content_placeholder.pptx",
        "no_content_placeholder.pptx: slide layout 'Title and Content' has no content"
        " placeholder (the deck writes the summary, the actions and the appendix there)",
        id="pptx/layout-without-content-placeholder",
    ),
    case(
        "pptx",
        "no_title_placeholder.pptx",
        "no_title_placeholder.pptx: slide layout 'Title Only' has no title placeholder (the"
        " deck writes the titles there)",
        id="pptx/layout-without-title-placeholder",
    ),
    case(
        "pptx",
        "client.pptx",
        "Error: Invalid value for '--pptx-template': a PowerPoint template is for --format pptx,"
        " but the output is html (give --format pptx or -o NAME.pptx, or leave out"
        " --pptx-template)",
        "-o",
        "advice.html",
        exit=2,
        id="pptx/template-for-html",
    ),
    case(
        "pptx",
        "client.pptx",
        "Error: Invalid value for '--pptx-template': a PowerPoint template is for --format pptx,"
        " but the output is pdf (give --format pptx or -o NAME.pptx, or leave out"
        " --pptx-template)",
        "--format",
        "pdf",
        exit=2,
        id="pptx/template-with-format-pdf",
    ),
]


def make_template(name: str, work: Path) -> None:
    """A broken PowerPoint template, from the packaged one."""
    from pptx import Presentation

    packaged = DATA.parent.parent / "templates" / "deck.pptx"
    path = work / name
    if name in ("client.pptx", "client.potx", "client.odp"):
        shutil.copyfile(packaged, path)
    elif name.startswith("renamed_"):
        main = {"potx": "template.main+xml", "ppsx": "slideshow.main+xml"}[name[8:12]]
        with zipfile.ZipFile(packaged) as source, zipfile.ZipFile(path, "w") as target:
            for info in source.infolist():
                data = source.read(info.filename)
                if info.filename == "[Content_Types].xml":
                    data = data.replace(b"presentation.main+xml", main.encode())
                target.writestr(info, data)
    elif name == "text.pptx":
        path.write_text("not a presentation\n", encoding="utf-8")
    elif name == "truncated.pptx":
        path.write_bytes(packaged.read_bytes()[:5000])
    elif name == "broken_part.pptx":
        with zipfile.ZipFile(packaged) as source, zipfile.ZipFile(path, "w") as target:
            for info in source.infolist():
                data = source.read(info.filename)
                if info.filename == "ppt/presentation.xml":
                    data = data[: len(data) // 2]
                target.writestr(info, data)
    elif name == "folder.pptx":
        path.mkdir()
    elif name == "theme_bomb.pptx":  # 1 MB whose theme inflates to 1 GiB
        inflate_a_member(packaged, path, "ppt/theme/theme1.xml", b"</a:theme>", 1 << 30)
    else:
        presentation = Presentation(packaged)
        layouts = {layout.name: layout for layout in presentation.slide_layouts}
        if name == "no_title_only.pptx":
            presentation.slide_layouts.remove(layouts["Title Only"])
        else:
            layout = layouts["Title and Content" if "content" in name else "Title Only"]
            kind = "body" if "content" in name else "title"
            for shape in list(layout.placeholders):
                if kind in str(shape.placeholder_format.type).lower() or (
                    kind == "body" and "OBJECT" in str(shape.placeholder_format.type)
                ):
                    shape._element.getparent().remove(shape._element)
        presentation.save(path)


# -- ism-advise questionnaire: codebooks that load but cannot become a survey that reads
# back, and the command's options -----------------------------------------------------------
QUESTIONNAIRE = BAD / "questionnaire"
CASES += [
    case(
        "questionnaire",
        "item_id_with_underscore.yaml",
        "item_id_with_underscore.yaml:14:13: item id 'pe_2' cannot be a LimeSurvey subquestion"
        " code (letters and digits, at most 20, not 'time'), so an export would not name its"
        " column by it (rename it, e.g. 'pe2')",
        "--format",
        "limesurvey",
    ),
    case(
        "questionnaire",
        "item_named_like_a_segment.yaml",
        "item_named_like_a_segment.yaml:18:13: item id 'team' is also a name of segment"
        " question 'team': an export could not tell their columns apart",
        "--format",
        "qualtrics",
    ),
    case(
        "questionnaire",
        "numeric_usage_without_answers.yaml",
        "numeric_usage_without_answers.yaml:2:3: a numeric usage question needs 'answers': the"
        " answer scale it is asked with (e.g. a frequency from answer_scales)",
        "--format",
        "pdf",
    ),
    case(
        "questionnaire",
        "segment_without_wording.yaml",
        "segment_without_wording.yaml:8:5: segmentvraag 'location' heeft geen formulering in"
        " 'nl' (geef die als text: {nl: …, en: …}) (en nog 2; --check toont alle problemen)",
        "--lang",
        "nl,en",
    ),
    case(
        "questionnaire",
        "usage_answers_in_english_only.yaml",
        "usage_answers_in_english_only.yaml:2:3: de vragenlijst beantwoordt de gebruiksvraag"
        " met 'Ja', maar dat staat niet onder users (voeg het toe, zodat een export ervan"
        " gelezen kan worden) (en nog 1; --check toont alle problemen)",
        "--lang",
        "nl",
        "--format",
        "md",
    ),
    case(
        "questionnaire",
        "usage_without_numbers.yaml",
        "usage_without_numbers.yaml:2:3: none of users is a whole number, which Qualtrics needs"
        " as the answer's code (add one, e.g. 1 for users and 0 for non-users) (+1 more;"
        " --check lists every problem)",
        "--format",
        "qualtrics",
    ),
    case(
        "questionnaire",
        "usage_without_wording.yaml",
        "usage_without_wording.yaml:2:3: the usage question has no wording in 'en' (give it as"
        " text: {nl: …, en: …} under usage)",
        "--format",
        "limesurvey",
    ),
    case(
        "questionnaire",
        None,
        "Error: Invalid value for '--lang': 'de' is not a language ism-advise writes (expected"
        " nl, en, nl,en or en,nl)",
        "--lang",
        "de",
        exit=2,
        id="questionnaire/unknown-language",
    ),
    case(
        "questionnaire",
        None,
        "Error: Invalid value for '--lang': 'nl,nl' is not a language ism-advise writes"
        " (expected nl, en, nl,en or en,nl)",
        "--lang",
        "nl,nl",
        exit=2,
        id="questionnaire/a-language-twice",
    ),
    case(
        "questionnaire",
        None,
        "Error: Invalid value for '--lang': Qualtrics' TXT import holds one language: write one"
        " file per language (--lang nl, --lang en) and add the other as a translation in"
        " Qualtrics",
        "--format",
        "qualtrics",
        "--lang",
        "nl,en",
        exit=2,
        id="questionnaire/qualtrics-in-two-languages",
    ),
    case(
        "questionnaire",
        None,
        "Error: Invalid value for '-o' / '--output': 'survey.txt' ends in .txt, which both"
        " LimeSurvey and Qualtrics import: add --format limesurvey or --format qualtrics",
        "-o",
        "survey.txt",
        exit=2,
        id="questionnaire/txt-without-format",
    ),
    case(
        "questionnaire",
        None,
        "Error: Invalid value for '-o' / '--output': 'survey.docx' ends in .docx, a format the"
        " questionnaire is not written in (use .txt, .html, .pdf or .md)",
        "-o",
        "survey.docx",
        exit=2,
        id="questionnaire/output-suffix-no-format",
    ),
    case(
        "questionnaire",
        None,
        "Error: Invalid value for '-o' / '--output': 'survey.md' ends in .md, but --format is"
        " limesurvey (name it survey.txt, or leave out --format)",
        "-o",
        "survey.md",
        "--format",
        "limesurvey",
        exit=2,
        id="questionnaire/output-suffix-contradicts-format",
    ),
    case(
        "questionnaire",
        None,
        "Error: Invalid value for '--format': 'docx' is not one of 'limesurvey', 'qualtrics',"
        " 'html', 'pdf', 'md'.",
        "--format",
        "docx",
        exit=2,
        id="questionnaire/unknown-format",
    ),
    case(
        "questionnaire",
        None,
        "Error: Invalid value for '--key': 'key.pdf' ends in .pdf, but the key is Markdown"
        " (name it key.md)",
        "--key",
        "key.pdf",
        exit=2,
        id="questionnaire/key-not-markdown",
    ),
    case(
        "questionnaire",
        None,
        "Error: Invalid value for '--key': '--lang' looks like an option; --key needs a file:"
        " --key PATH",
        "--key",
        "--lang",
        "nl",
        exit=2,
        id="questionnaire/key-swallows-an-option",
    ),
    case(
        "questionnaire",
        None,
        "Error: Invalid value for '--min-group-size': 2 is not in the range x>=3.",
        "--min-group-size",
        "2",
        exit=2,
        id="questionnaire/min-group-size-2",
    ),
    case(
        "questionnaire",
        None,
        "missing/survey.html: cannot write here: the folder missing does not exist",
        "-o",
        "missing/survey.html",
        id="questionnaire/output-in-missing-folder",
    ),
    case(
        "questionnaire",
        None,
        "survey.md: the key and the questionnaire cannot be the same file",
        "-o",
        "survey.md",
        "--key",
        "survey.md",
        id="questionnaire/key-is-the-questionnaire",
    ),
    case(
        "questionnaire",
        None,
        "nowhere/factors.yaml: no such file (expected a codebook)",
        "--codebook",
        "nowhere/factors.yaml",
        id="questionnaire/missing-codebook",
    ),
    case(
        "questionnaire",
        None,
        "ours: no such folder (expected a knowledge-base folder made by 'ism-advise init')",
        "--knowledge",
        "ours",
        id="questionnaire/missing-knowledge-folder",
    ),
]


# -- issue 24, part 2: personal data never leaves the input --------------------------------
# (also: a questionnaire never asks a segment question as free text)
CASES += [
    case(
        "questionnaire",
        "segment_without_options.yaml",
        "segment_without_options.yaml:8:5: segment question 'location' has no answer options:"
        " the questionnaire would ask it as free text, which cannot name a segment (list the"
        " answers under options: - {id: sales, nl: Verkoop, en: Sales})",
        *("--format", "md"),
    ),
]
# A segment column must hold a closed set of answers (ism_advisor/survey/reading/content.py):
# personal data or free text is refused naming the column, what it holds and a row that
# shows it, never a value; a bad cell is quoted only when it cannot be personal.
ZORG_ARGS = (
    *("--codebook", str(DATA / "codebooks" / "zorggroep.yaml")),
    *("--rules", str(DATA / "rules" / "zorggroep_advice.yaml")),
    *("--interventions", str(DATA / "rules" / "zorggroep_interventions.yaml")),
)
NOT_A_SEGMENT = (
    "cannot segment by this column: it holds {kind}, which never appear in a report (a segment"
    " needs a closed set of short answers, each shared by several respondents: give the"
    " codebook's segment question its answer options, or choose another column)"
)
PERSONAL_SEGMENTS = [
    ("csv", "segment_email.csv", "Work e-mail", "e-mail addresses"),
    ("csv", "segment_phone.csv", "Phone number", "phone numbers"),
    ("csv", "segment_iban.csv", "Rekeningnummer", "bank account numbers (IBAN)"),
    ("csv", "segment_names.csv", "Contactpersoon", "person names"),
    (
        "csv",
        "segment_free_text.csv",
        "Toelichting",
        "free text (answers of more than 5 words or 50 characters)",
    ),
    (
        "csv",
        "segment_unique.csv",
        "Afdeling (zelf ingevuld)",
        "free text (most answers are given by one respondent only)",
    ),
]
CASES += [
    case(
        kind,
        name,
        f'{name}:2: column "{column}": ' + NOT_A_SEGMENT.format(kind=kind_of),
        "--segment-by",
        column,
    )
    for kind, name, column, kind_of in PERSONAL_SEGMENTS
]
CASES += [
    case(
        "segments",
        "googleforms_contact.csv",
        'googleforms_contact.csv:2: column "Op welke afdeling werkt u?": '
        + NOT_A_SEGMENT.format(kind="phone numbers"),
        *("--segment-by", "department"),
    ),
    case(
        "segments",
        "limesurvey_email.csv",
        'limesurvey_email.csv:2: column "Op welke afdeling werkt u?": '
        + NOT_A_SEGMENT.format(kind="e-mail addresses"),
        *("--segment-by", "department"),
    ),
    case(
        "segments",
        "surveymonkey_sentence.csv",
        'surveymonkey_sentence.csv:3: column "Op welke afdeling werkt u?": '
        + NOT_A_SEGMENT.format(kind="free text (answers of more than 5 words or 50 characters)"),
        *("--segment-by", "department"),
    ),
    case(
        "segments",
        "qualtrics_iban.csv",
        'qualtrics_iban.csv:4: column "Q2": '
        + NOT_A_SEGMENT.format(kind="bank account numbers (IBAN)"),
        *("--segment-by", "department"),
    ),
    case(
        "segments",
        "msforms_names.xlsx",
        'msforms_names.xlsx:2: column "Op welke afdeling werkt u?": '
        + NOT_A_SEGMENT.format(kind="person names"),
        *("--segment-by", "department"),
    ),
    case(
        "segments",
        "option_name.csv",
        'option_name.csv:6: column "afdeling": this answer is not an answer to segment'
        " question 'afdeling' (expected one of: On a care ward, In the kitchen or facilities,"
        " In an office; it is not shown, as it may hold personal data)",
        *ZORG_ARGS,
        *("--segment-by", "afdeling"),
    ),
    case(
        "segments",
        "option_typo.csv",
        "option_typo.csv:6: column \"afdeling\": 'kantor' is not an answer to segment question"
        " 'afdeling' (expected one of: On a care ward, In the kitchen or facilities, In an"
        " office)",
        *ZORG_ARGS,
        *("--segment-by", "afdeling"),
    ),
    case(
        "csv",
        "usage_email.csv",
        'usage_email.csv:6: column "user": this answer is not a usage answer (expected one'
        f" of: {USAGE_ANSWERS}; it is not shown, as it may hold personal data)",
    ),
    case(
        "csv",
        "item_phone.csv",
        'item_phone.csv:5: column "reputation": this cell is not a number (expected'
        f" {SCALE}; it is not shown, as it may hold personal data or free text)",
    ),
]

# -- ism-advise rules test: test cases for the rules --------------------------------------------
CASES += [
    case(
        "ruletests",
        "cases_not_a_list.yaml",
        "ours/tests/cases_not_a_list.yaml:2:3: 'cases' must be a non-empty list of test cases, found a mapping",
    ),
    case(
        "ruletests",
        "duplicate_case.yaml",
        "ours/tests/duplicate_case.yaml:4:9: duplicate test case 'nothing stands out' (first given on line 2)",
    ),
    case(
        "ruletests",
        "mean_off_the_scale.yaml",
        "ours/tests/mean_off_the_scale.yaml:4:35: 'users_mean' must lie between 1 and 5, found 38",
    ),
    case(
        "ruletests",
        "misspelt_expectation.yaml",
        "ours/tests/misspelt_expectation.yaml:6:3: unknown key 'not_recomended' (did you mean 'not_recommended'?)",
    ),
    case(
        "ruletests",
        "nothing_expected.yaml",
        "ours/tests/nothing_expected.yaml:2:3: a test case must expect something: recommended, recommended_any_order, not_recommended, concluded, not_concluded",
    ),
    case(
        "ruletests",
        "tab.yaml",
        "ours/tests/tab.yaml:4:1: a tab character; YAML indents with spaces only",
    ),
    case(
        "ruletests",
        "text_for_a_number.yaml",
        "ours/tests/text_for_a_number.yaml:4:48: 'p_holm' must be a number, found 'low'",
    ),
    case(
        "ruletests",
        "unknown_conclusion.yaml",
        "ours/tests/unknown_conclusion.yaml:6:15: unknown conclusion 'social_proof_mising' (did you mean 'social_proof_missing'?)",
    ),
    case(
        "ruletests",
        "unknown_effect_size.yaml",
        "ours/tests/unknown_effect_size.yaml:4:40: 'effect_size' must be one of negligible, small, medium, large, found 'huge'",
    ),
    case(
        "ruletests",
        "unknown_factor.yaml",
        "ours/tests/unknown_factor.yaml:4:5: unknown factor 'manager_influense' (did you mean 'manager_influence'?)",
    ),
    case(
        "ruletests",
        "unknown_figure.yaml",
        "ours/tests/unknown_figure.yaml:4:25: unknown figure 'hedges_gg' of manager_influence (did you mean 'hedges_g'?)",
    ),
    case(
        "ruletests",
        "unknown_intervention.yaml",
        "ours/tests/unknown_intervention.yaml:5:45: unknown intervention 'leaders_work_out_load' (did you mean 'leaders_work_out_loud'?)",
    ),
]

# -- issue 26, part A (follow-up semantics): rule test cases with done: and outcome -------------
CASES += [
    case(
        "ruletests",
        "unknown_done.yaml",
        "ours/tests/unknown_done.yaml:3:10: unknown intervention 'champions_netwerk' (did you mean 'champions_network'?)",
    ),
    case(
        "ruletests",
        "unknown_outcome.yaml",
        "ours/tests/unknown_outcome.yaml:5:36: 'outcome' must be one of improved, no_change, worse, found 'better'",
    ),
]

# -- issue 24, a failed run changes nothing: outputs refused before any work -------------------
LONG_NAME = "a" * 300  # past NAME_MAX (255 bytes on Linux file systems)
CASES += [
    case(
        "options",
        None,
        ".: is a folder, not a file",
        "-o",
        ".",
        id="options/output-is-a-folder",
    ),
    case(
        "options",
        None,
        f"{LONG_NAME}.html: cannot write here: the name is 305 bytes long; this folder allows 255",
        "-o",
        f"{LONG_NAME}.html",
        id="options/output-name-too-long",
    ),
    case(
        "options",
        None,
        f"{LONG_NAME}: cannot write here: the name is 300 bytes long; this folder allows 255",
        "--per-segment",
        LONG_NAME,
        "--segment-by",
        "organisation",
        id="options/per-segment-name-too-long",
    ),
    case(
        "questionnaire",
        None,
        ".: is a folder, not a file",
        "-o",
        "questionnaire.md",
        "--key",
        ".",
        id="questionnaire/key-is-a-folder",
    ),
]


# -- issue 24, bounded resources: hostile files get one line within 1 GiB and 60 s -------------
STRAY = (
    "sheet '{sheet}' reaches cell {cell}: {rows} rows by {columns} columns, more than the 2"
    " million cells a sheet may have (expected a header row and a row per respondent; delete"
    " the cells beyond the survey's data)"
)
BOUNDS = [
    case(
        "exports",
        "stray_cell_xfd.xlsx",
        "stray_cell_xfd.xlsx: "
        + STRAY.format(sheet="Responses", cell="XFD1048576", rows=1048576, columns=16384),
    ),
    case(
        "exports",
        "stray_cell_bi.xlsx",
        "stray_cell_bi.xlsx: "
        + STRAY.format(sheet="Responses", cell="BI1048576", rows=1048576, columns=61),
    ),
    case(
        "exports",
        "stray_cell.ods",
        "stray_cell.ods: "
        + STRAY.format(sheet="Sheet1", cell="AY1048102", rows=1048102, columns=51),
    ),
    case(
        "generated",
        "lying_sizes.xlsx",
        "lying_sizes.xlsx: part 'xl/worksheets/sheet1.xml' does not unpack to what the zip"
        " file's directory declares (damaged or tampered with; expected an Excel or"
        " OpenDocument workbook)",
    ),
    case(
        "pptx",
        "theme_bomb.pptx",
        "theme_bomb.pptx: part 'ppt/theme/theme1.xml' unpacks to 1009 MiB, more than the 16 MiB"
        " allowed (a zip bomb? expected a PowerPoint presentation)",
        id="pptx/theme-bomb",
    ),
    case(
        "rules",
        "because_repeats_text.yaml",
        "because_repeats_text.yaml:14:7: 'because' in 'en' repeats or raises by 300000000, more"
        " than the 10000 a because text may",
    ),
    case(
        "rules",
        "because_nested_loops.yaml",
        "because_nested_loops.yaml:14:7: 'because' in 'en' puts a loop in a loop (a because text"
        " may loop once, through at most 10000 items)",
    ),
    case(
        "rules",
        "because_grows_when_filled_in.yaml",
        "because_grows_when_filled_in.yaml: rule 'derive': its 'because' text in 'en' went past"
        " a limit: a text or list longer than 10000 characters or items",
        "--lang",
        "en",
    ),
    case(
        "templates",
        "repeats_text",
        "ours/report.html:1: template went past a limit: a text or list longer than 10000000"
        " characters or items",
    ),
    case(
        "templates",
        "nested_loops",
        "ours/report.html:1: template went past a limit: more than 5000000 loop steps and calls",
    ),
    case(
        "templates",
        "macro_calls_itself",
        "ours/report.html:1: template went past a limit: calls nested too deeply (a macro that"
        " calls itself without end?)",
    ),
    case(
        "questionnaire",
        "too_many_items.yaml",
        "too_many_items.yaml:46:3: the codebook has 301 items, more than the 300 a codebook may"
        " have (a questionnaire that long takes over an hour to answer; split the survey into"
        " several)",
        "--format",
        "pdf",
    ),
]
CASES += [c for c in BOUNDS if not (c.kind == "rules" and c.file in RULE_CASES)]


def prepare(case: Case, work: Path) -> list[str]:
    """Copy the case's inputs into ``work``; the command-line arguments to run."""
    if case.kind == "questionnaire":
        if case.file is None:
            return ["questionnaire", *case.args]
        shutil.copyfile(QUESTIONNAIRE / case.file, work / case.file)
        return ["questionnaire", "--codebook", case.file, "-o", "out", *case.args]
    if case.kind == "ruletests":
        (work / "ours" / "tests").mkdir(parents=True)
        shutil.copyfile(BAD / "ruletests" / case.file, work / "ours" / "tests" / case.file)
        return ["rules", "test", "ours", *case.args]
    if case.kind in ("csv", "exports", "generated", "segments"):
        if case.kind == "generated":
            generate(case.file, work)
        else:
            shutil.copyfile(BAD / case.kind / case.file, work / case.file)
        return [case.file, *case.args]
    if case.kind == "mapping":
        shutil.copyfile(DATA / "exports" / "survey.csv", work / "survey.csv")
        if case.file is None:
            return ["survey.csv", *case.args]
        shutil.copyfile(BAD / "mapping" / case.file, work / case.file)
        return ["survey.csv", "--map", case.file, *case.args]
    shutil.copyfile(SAMPLE_SCORES, work / "scores.csv")
    args = ["scores.csv"]
    if case.kind in ("codebook", "rules", "interventions"):
        shutil.copyfile(BAD / case.kind / case.file, work / case.file)
        if case.kind == "codebook":
            args += ["--codebook", case.file]
        elif case.kind == "rules":
            shutil.copyfile(DATA / "rules" / "interventions.yaml", work / "interventions.yaml")
            args += ["--rules", case.file, "--interventions", "interventions.yaml"]
        else:
            shutil.copyfile(DATA / "rules" / "valid.yaml", work / "valid.yaml")
            args += ["--rules", "valid.yaml", "--interventions", case.file]
    elif case.kind == "templates":
        shutil.copytree(BAD / "templates" / case.file, work / "ours")
        args += ["--templates", "ours"]
    elif case.kind == "pptx" and case.file is not None:
        make_template(case.file, work)
        args += ["--pptx-template", case.file]
        if "-o" not in case.args and "--format" not in case.args:
            args += ["--format", "pptx"]
    return [*args, *case.args]


def generate(name: str, work: Path) -> None:
    """Inputs too big (or too odd) to commit, made at test time."""
    header = (
        "respondent,dept,user,performance_expectancy,effort_expectancy,reputation,"
        "colleague_influence,manager_influence,collaboration_norms,privacy_concern\n"
    )
    path = work / name
    if name == "giant_line.csv":  # one line of 300 MB, no line end
        with path.open("wb") as handle:
            chunk = b"x;" * (1 << 20)
            for _ in range(150):
                handle.write(chunk)
    elif name == "giant_value.csv":  # a 50 MB cell
        with path.open("w", encoding="utf-8") as handle:
            handle.write(header + "1,A,ja,3,3,3,3,3,3,3\n")
            handle.write("2,A,nee,3,3," + "x" * (50 << 20) + ",3,3,3,3\n")
    elif name == "folder.csv":
        path.mkdir()
    elif name == "lying_sizes.xlsx":  # the sheet inflates to 1 GiB; its directory says less
        lie_about_a_member(BAD / "exports" / "stray_cell_bi.xlsx", path, "xl/worksheets/sheet1.xml")
    elif name == "truncated.xlsx":  # a download cut off half-way
        X.surveymonkey(work / "whole.xlsx", X.people(n=12), xlsx=True)
        path.write_bytes((work / "whole.xlsx").read_bytes()[:3000])
        (work / "whole.xlsx").unlink()
    elif name == "empty_sheet.xlsx":
        X._write_xlsx(path, [])
    elif name == "msforms_without_usage.xlsx":  # the usage question was left out of the form
        X.msforms(path, X.people(n=12), lang="nl")
        frame = pd.read_excel(path, header=None, engine="calamine")
        frame.drop(columns=[6]).to_excel(path, header=False, index=False)
    elif name == "truncated.sav":
        X.spss(work / "whole.sav", X.people(n=12))
        path.write_bytes((work / "whole.sav").read_bytes()[:3000])
        (work / "whole.sav").unlink()
    elif name == "spss_unknown_label.sav":  # a code with a label not on the scale
        import pyreadstat

        X.spss(work / "whole.sav", X.people(n=12))
        frame, meta = pyreadstat.read_sav(str(work / "whole.sav"), user_missing=True)
        labels = meta.variable_value_labels
        labels["Q3_1"] = {**labels["Q3_1"], 7.0: "Soms"}
        frame.loc[0, "Q3_1"] = 7.0
        pyreadstat.write_sav(
            frame,
            str(path),
            column_labels=meta.column_names_to_labels,
            variable_value_labels=labels,
            missing_ranges=meta.missing_ranges,
        )
        (work / "whole.sav").unlink()


def inflate_a_member(source: Path, target: Path, member: str, end: bytes, size: int) -> None:
    """A copy of the zip ``source`` whose ``member`` is padded with blanks before ``end`` to
    ``size`` bytes: compressed about a thousand to one."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info.filename)
            if info.filename != member:
                new.writestr(info.filename, data)
                continue
            head, tail = data.rsplit(end, 1)
            entry = zipfile.ZipInfo(member)
            entry.compress_type = zipfile.ZIP_DEFLATED
            with new.open(entry, "w") as sink:
                sink.write(head)
                blanks = b" " * (1 << 24)
                for _ in range((size - len(data)) // len(blanks)):
                    sink.write(blanks)
                sink.write(end + tail)


def lie_about_a_member(source: Path, target: Path, member: str) -> None:
    """A copy of ``source`` whose ``member`` inflates to 1 GiB while the zip's directory
    (and the member's own header) declare its original size."""
    with zipfile.ZipFile(source) as old:
        declared = old.getinfo(member).file_size.to_bytes(4, "little")
    inflate_a_member(source, target, member, b"</worksheet>", 1 << 30)
    data = bytearray(target.read_bytes())
    with zipfile.ZipFile(target) as new:
        local = new.getinfo(member).header_offset
    name = member.encode()
    data[local + 22 : local + 26] = declared  # the local header's uncompressed size
    central = data.rfind(b"PK\x01\x02")
    while data[central + 46 : central + 46 + len(name)] != name:
        central = data.rfind(b"PK\x01\x02", 0, central)
    data[central + 24 : central + 28] = declared  # the central directory's
    target.write_bytes(bytes(data))


@pytest.mark.parametrize("case", BOUNDS, ids=[c.id for c in BOUNDS])
def test_hostile_input_stays_within_a_gigabyte_and_a_minute(tmp_path, case):
    """The real command, in a process that may map 1 GiB and run 60 s: one line, exit 1."""
    work = tmp_path / "work"
    work.mkdir()
    args = prepare(case, work)

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    result = subprocess.run(
        [sys.executable, "-m", "ism_advisor", *args],
        cwd=work,
        preexec_fn=limit,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert (result.returncode, result.stderr) == (1, case.message + "\n")


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_gets_one_clear_line(cli, tmp_path, case):
    work = tmp_path / "work"
    work.mkdir()
    args = prepare(case, work)
    before = {p.relative_to(work): p.read_bytes() for p in work.rglob("*") if p.is_file()}
    cli.folder = work
    result = cli(*args)
    assert result.exit_code == case.exit, result.stderr
    if case.exit == 1:
        assert result.stderr == case.message + "\n"
    else:  # click's usage errors: usage, a hint, then the error
        assert result.stderr.splitlines()[-1] == case.message
    assert "Traceback" not in result.stderr and result.stdout == ""
    after = {p.relative_to(work): p.read_bytes() for p in work.rglob("*") if p.is_file()}
    assert after == before  # nothing written, nothing changed


def test_the_corpus_is_complete():
    assert len(CASES) >= 50
    committed = {
        f"{kind}/{p.name}"
        for kind in (
            "csv",
            "exports",
            "mapping",
            "codebook",
            "rules",
            "interventions",
            "templates",
            "questionnaire",
            "ruletests",
            "segments",
        )
        for p in (BAD / kind).iterdir()
    }
    made = ("generated", "pptx")  # made at test time
    assert committed == {f"{c.kind}/{c.file}" for c in CASES if c.kind not in made and c.file}
