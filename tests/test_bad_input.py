"""Bad input: one line on stderr saying what, where and what was expected; exit 1.

Each case is a file under ``tests/data/bad/``, run from a fresh folder; the run must
leave no file behind and must not change its input.
"""

from __future__ import annotations

import shutil

import pytest

from conftest import DATA

BAD = DATA / "bad"
EXPECTED_USAGE = (
    "ja, j, yes, y, 1, true, gebruiker, user, nee, n, no, 0, false, niet-gebruiker, non-user,"
    " niet gebruiker"
)
SCALE = "a score from 1 to 5, blank or a missing-value code (0, 9, 99)"

CASES = [
    ("empty.csv", [], "empty.csv: is empty (expected a survey CSV file with a header row)"),
    ("header_only.csv", [], "header_only.csv: has a header but no respondents"),
    ("binary.csv", [], "binary.csv: is not a text file (expected a survey CSV file)"),
    (
        "not_utf8_or_1252.csv",
        [],
        "not_utf8_or_1252.csv:2: byte 0x81 is neither UTF-8 nor Windows-1252 text"
        " (save the file as UTF-8)",
    ),
    (
        "one_column.csv",
        [],
        "one_column.csv:1: the header row has one column only (expected columns separated by"
        " commas, semicolons or tabs)",
    ),
    (
        "no_usage_column.csv",
        [],
        'no_usage_column.csv:1: no usage column "user" (the column telling users from'
        " non-users; columns found: respondent, dept, uses, performance_expectancy,"
        " effort_expectancy, reputation, colleague_influence, manager_influence,"
        " collaboration_norms, privacy_concern)",
    ),
    (
        "missing_factor.csv",
        [],
        "missing_factor.csv:1: no column for factor 'privacy_concern' (expected a score column"
        ' "privacy_concern" or the item columns priv1, priv2, priv3, priv4)',
    ),
    (
        "partial_items.csv",
        [],
        "partial_items.csv:1: factor 'performance_expectancy' has item columns but misses"
        ' pe3, pe4 (give every item of the factor, or one score column "performance_expectancy")',
    ),
    (
        "duplicate_columns.csv",
        [],
        'duplicate_columns.csv:1: columns "user" and "user" both match \'user\''
        " (rename or remove one)",
    ),
    (
        "out_of_scale.csv",
        [],
        'out_of_scale.csv:4: column "reputation": 6 is outside the answer scale'
        f" (expected {SCALE})",
    ),
    (
        # row 3 follows a record spanning two lines: the line number is the file's
        "not_a_number.csv",
        [],
        f"not_a_number.csv:5: column \"colleague_influence\": 'abc' is not a number"
        f" (expected {SCALE})",
    ),
    (
        "unknown_usage_answer.csv",
        [],
        "unknown_usage_answer.csv:6: column \"user\": 'misschien' is not a usage answer"
        f" (expected one of: {EXPECTED_USAGE})",
    ),
    (
        "extra_field.csv",
        [],
        "extra_field.csv:8: this row has 11 fields where the header has 10"
        " (a stray delimiter or an unclosed quote?)",
    ),
    (
        "no_users.csv",
        [],
        'no_users.csv: column "user": no users: every respondent is a non-user'
        " (a comparison needs both)",
    ),
    (
        "no_non_users.csv",
        [],
        'no_non_users.csv: column "user": no non-users: every respondent is a user'
        " (a comparison needs both)",
    ),
    (
        "too_few_users.csv",
        [],
        "too_few_users.csv: too few respondents to report anonymously: 3 users and 17"
        " non-users (each group needs at least 5)",
    ),
    (
        "no_users.csv",
        ["--segment-by", "departmnet"],
        'no_users.csv:1: no column "departmnet" to segment by (columns found: respondent,'
        " dept, user, performance_expectancy, effort_expectancy, reputation,"
        " colleague_influence, manager_influence, collaboration_norms, privacy_concern)",
    ),
]


@pytest.mark.parametrize(("name", "args", "message"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_gives_one_clear_line(cli, tmp_path, name, args, message):
    work = tmp_path / "work"
    work.mkdir()
    source = work / name
    shutil.copyfile(BAD / name, source)
    before = source.read_bytes()
    cli.folder = work
    result = cli(name, *args)
    assert (result.exit_code, result.stderr) == (1, message + "\n")
    assert result.stdout == ""
    assert cli.files == [name]  # nothing written
    assert source.read_bytes() == before


def test_every_bad_file_has_a_case():
    assert sorted({c[0] for c in CASES}) == sorted(p.name for p in BAD.glob("*.csv"))
