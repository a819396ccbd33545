"""Personal data in an export never travels: not into a report, a mapping, a table on the
terminal, a warning or an error message.

Every export built by ``tests/exports.py`` holds recognisable names, e-mail and IP
addresses, locations, recipient fields, custom data and free-text answers in every column
its tool uses for them (:data:`exports.PLANTED`). Every output of every command is searched
for them.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest

import exports as X
from conftest import DATA
from test_exports import FIXTURES

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
    for column, use in (
        ("Email Address", "segment mail"),
        ("IP Address", "segment ip"),
        ("Hoe lang werkt u al bij deze organisatie? - Other (please specify)", "segment other"),
        ("Wat wilt u ons verder nog laten weten?", "segment comment"),
    ):
        quoted = f'"{column}"' if not column.replace(" ", "").isalpha() else column
        block = text.index(f"  - column: {quoted}\n")
        edited = text[:block] + text[block:].replace("use: ignore", f"use: {use}", 1)
        (tmp_path / "m.yaml").write_text(edited, encoding="utf-8")
        result = cli(export, "--map", "m.yaml", "--segment-by", use.split()[1])
        assert result.exit_code == 1
        assert "holds personal data or free text" in result.stderr
        assert_clean(result.stderr, "the error")
