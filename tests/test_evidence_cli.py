"""``ism-advise evidence`` (JSON, CSV, --check, the report through the renderer, errors)
and a run's ``--evidence``."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import types
from pathlib import Path

import pytest
from test_evidence_ledger import ACTION, FACTOR, pair

from conftest import ROOT, SAMPLE_SCORES
from ism_advisor.app.evidence import CSV_COLUMNS
from ism_advisor.store import open_store

CAVEAT = "Before and after, not proof: clients chose what to do."


def _store(path: Path, shifts: dict[str, float], done=(ACTION,)) -> str:
    location = str(path)
    with open_store(location) as store:
        store.import_([e for client, s in shifts.items() for e in pair(client, s, done=done)])
    return location


def test_json_is_the_ledger_with_its_caveat(cli, tmp_path):
    store = _store(tmp_path / "s.sqlite", {"A": 0.3, "B": 0.2, "C": 0.4})
    result = cli("evidence", "--store", store, "--format", "json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["caveat"] == CAVEAT
    assert document["clients"] == 3 and document["min_clients"] == 3 and document["by"] is None
    item = next(i for i in document["interventions"] if i["intervention"] == ACTION)
    row = next(r for r in item["factors"] if r["factor"] == FACTOR)
    assert row["non_users_change"]["shown"] and row["non_users_change"]["ci_low"] > 0
    # -o names the format, and the file holds the same bytes
    assert cli("evidence", "--store", store, "-o", "ledger.json").exit_code == 0
    assert (tmp_path / "ledger.json").read_text(encoding="utf-8") == result.stdout


def test_csv_has_its_columns_and_rows(cli, tmp_path):
    store = _store(tmp_path / "s.sqlite", {"A": 0.3, "B": 0.2, "C": 0.4})
    result = cli("evidence", "--store", store, "--format", "csv", "--lang", "nl")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert tuple(rows[0]) == CSV_COLUMNS
    mine = [r for r in rows if r["intervention"] == ACTION]
    assert [(r["factor"], r["measure"]) for r in mine] == [
        ("", "adoption_change"),
        (FACTOR, "non_users_change"),
        (FACTOR, "gap_change"),
    ]
    document = cli.json("evidence", "--store", store, "--lang", "nl")
    item = next(i for i in document["interventions"] if i["intervention"] == ACTION)
    pooled = item["factors"][0]["non_users_change"]
    assert mine[1]["clients"] == "3"
    assert float(mine[1]["estimate"]) == pooled["estimate"]
    assert float(mine[1]["i2"]) == pooled["i2"]
    assert mine[1]["comparison_clients"] == "0" and mine[1]["comparison_estimate"] == ""
    assert mine[1]["title"] == item["title"]
    assert {r["caveat"] for r in rows} == {
        "Voor en na, geen bewijs: klanten kozen zelf wat ze deden."
    }
    again = cli("evidence", "--store", store, "--format", "csv", "--lang", "nl")
    assert again.stdout == result.stdout


def test_check_exits_1_on_a_credibly_negative_change(cli, tmp_path):
    store = _store(tmp_path / "s.sqlite", {"A": -0.5, "B": -0.6, "C": -0.4})
    result = cli("evidence", "--store", store, "--check")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "the ledger holds 3 clients with two waves or more"
    assert lines[1] == "1 pooled change is credibly negative (its whole interval below 0):"
    assert lines[2].startswith(
        "  leaders_work_out_loud (Have managers and senior leaders post and reply visibly"
        " every week): non-users' Manager influence −0.50 ["
    )
    assert lines[2].endswith("] at 3 clients")
    assert lines[3] == "20 interventions were never carried out at a client in the ledger:"
    assert lines[-1] == CAVEAT


def test_check_exits_0_otherwise_and_on_an_empty_store(cli, tmp_path):
    store = _store(tmp_path / "s.sqlite", {"A": 0.5, "B": 0.6, "C": 0.4})
    result = cli("evidence", "--store", store, "--check")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[1] == "no pooled change is credibly negative"
    empty = cli("evidence", "--store", str(tmp_path / "empty.sqlite"), "--check", "--lang", "nl")
    assert empty.exit_code == 0
    assert empty.stdout.splitlines()[:3] == [
        "het resultatenregister bevat 0 klanten met twee of meer metingen",
        "geen gecombineerde verandering is aantoonbaar negatief",
        "21 interventies zijn bij geen enkele klant in het resultatenregister uitgevoerd:",
    ]


@pytest.mark.parametrize("fmt", ["html", "md", "pdf"])
def test_the_report_formats_go_through_render_evidence(cli, tmp_path, monkeypatch, fmt):
    calls = []

    def render_evidence(document, fmt, lang):
        calls.append((document, fmt, lang))
        return b"rendered"

    fake = types.ModuleType("ism_advisor.render.evidence")
    fake.render_evidence = render_evidence
    monkeypatch.setitem(sys.modules, "ism_advisor.render.evidence", fake)
    store = _store(tmp_path / "s.sqlite", {"A": 0.3})
    result = cli("evidence", "--store", store, "-o", f"ledger.{fmt}", "--lang", "nl")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / f"ledger.{fmt}").read_bytes() == b"rendered"
    ((document, given, lang),) = calls
    assert (given, lang, document["clients"]) == (fmt, "nl", 1)
    if fmt == "md":  # md is the default on standard output
        calls.clear()
        assert cli("evidence", "--store", store).stdout == "rendered"
        assert calls[0][1] == "md"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ["--store", "/nonexistent/x.sqlite"],
            1,
            "--store: the folder /nonexistent does not exist",
        ),
        (["--codebook", "/nope.yaml"], 1, "/nope.yaml: no such file (expected a codebook)"),
        (
            ["--store", "postgresql://u:secret@localhost/db"],
            1,
            "--store: put the password in PGPASSWORD or ~/.pgpass, not in --store",
        ),
        (
            ["-o", "x.txt"],
            2,
            "Error: Invalid value for '-o' / '--output': 'x.txt' ends in .txt, a format the"
            " ledger is not written in (use .json, .csv, .md, .html or .pdf, or --format)",
        ),
        (
            ["-o", "x.json", "--format", "csv"],
            2,
            "Error: Invalid value for '-o' / '--output': 'x.json' ends in .json, but --format"
            " is csv (name it x.csv, or leave out --format)",
        ),
    ],
)
def test_errors(cli, args, code, message):
    result = cli("evidence", *args)
    assert result.exit_code == code
    assert result.stderr.strip().splitlines()[-1] == message
    assert "secret" not in result.stderr and "Traceback" not in result.stderr


def test_a_run_with_evidence_has_the_ledger_without_its_client(cli, tmp_path):
    from ism_advisor.advice.knowledge import load_knowledge
    from ism_advisor.app.evidence import ledger
    from ism_advisor.survey.codebook import load_codebook

    store = _store(tmp_path / "s.sqlite", {"A": 0.3, "B": 0.2, "C": 0.4, "Me": 3.0})
    args = (
        SAMPLE_SCORES,
        "--store",
        store,
        "--client",
        "Me",
        "--no-memory",
        "--date",
        "2026-12-01",
    )
    document = cli.json(*args, "--evidence")
    with open_store(store) as opened:
        expected = ledger(opened, load_knowledge(load_codebook(), None, None), "en",
                          client="Me", until="2026-12-01")  # fmt: skip
    assert document["evidence"] == expected
    assert document["evidence"]["clients"] == 3
    without = cli.json(*args)
    assert "evidence" not in without
    # the figures are the same; the advice may differ (the rules see the ledger)
    assert [s["comparisons"] for s in without["segments"]] == [
        s["comparisons"] for s in document["segments"]
    ]


def test_a_run_without_evidence_does_not_load_the_store(tmp_path):
    code = (
        "import sys\n"
        "from ism_advisor.app.pipeline import advise\n"
        f"advise({str(SAMPLE_SCORES)!r}, date='2026-12-01')\n"
        "print('sqlalchemy' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert result.stdout.strip() == "False"
