"""``ism-advise comments`` and the comments' options of ``ism-advise SCORES`` (part P of
issue 32). The reader (C2) and the coder (C3) are the fakes of tests/comments_fakes.py
until parts X and K are merged."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from comments_fakes import Calls, fake_coder, fake_reader

from ism_advisor.app import comments as app_comments
from ism_advisor.cli import main
from ism_advisor.core.errors import N_, AdvisorError

ROOT = Path(__file__).resolve().parents[1]
SCORES = str(ROOT / "sample_data" / "scores.csv")


@pytest.fixture
def calls(monkeypatch):
    found = Calls()
    fake_coder(monkeypatch, found)
    fake_reader(monkeypatch, found, app_comments)
    original = app_comments.load_survey

    def reader(path, book, segment_by=(), **options):
        if any(c not in ("wat_zou_helpen", "open") for c in options.get("comments", ())):
            raise AdvisorError(N_("no column '{name}'"), name=options["comments"][0])
        return original(path, book, segment_by, **options)

    monkeypatch.setattr(app_comments, "load_survey", reader)
    return found


def _invoke(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _rows(data):
    return list(csv.reader(io.StringIO(data)))


def test_the_coding_sheet(calls, tmp_path):
    target = tmp_path / "coding.csv"
    result = _invoke(
        "comments",
        SCORES,
        "--column",
        "wat_zou_helpen",
        "-o",
        str(target),
        "--redact",
        "Acme",
        "--segment-by",
        "organisation",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{target}\n"
    coded = sum(1 for r in _rows(target.read_text(encoding="utf-8"))[1:] if r[3] != "none")
    assert 0 < coded < 200
    assert result.stderr == f"200 comments, {coded} coded\n"
    assert calls.reads == [
        {"comments": ("wat_zou_helpen",), "redact_terms": ("Acme",), "redact_segments": False}
    ]
    data = target.read_bytes().decode("utf-8")
    rows = _rows(data)
    assert rows[0] == ["id", "lang", "text", "codes", "direction", "terms"]
    assert [r[0] for r in rows[1:4]] == ["c0001", "c0002", "c0003"]
    texts = [r[2] for r in rows[1:]]
    assert texts == sorted(texts, key=lambda t: (t.casefold(), t))
    login = next(r for r in rows[1:] if r[2].startswith("Inloggen"))
    assert login[3:] == ["technical", "unfavourable", "technical: inloggen"]
    time = next(r for r in rows[1:] if "no time" in r[2])
    assert time[1] == "en" and time[3] == "effort_expectancy"
    assert time[5] == "effort_expectancy: time"
    # the same to standard output without -o
    again = _invoke(
        "comments",
        SCORES,
        "--column",
        "wat_zou_helpen",
        "--segment-by",
        "organisation",
        "--redact",
        "Acme",
    )
    assert again.exit_code == 0 and again.stdout_bytes == target.read_bytes()


def test_uncoded_comments_say_none(calls, tmp_path, monkeypatch):
    import comments_fakes

    monkeypatch.setattr(comments_fakes, "TERMS", {**comments_fakes.TERMS, "technical": ()})
    result = _invoke("comments", SCORES, "--column", "wat_zou_helpen")
    rows = _rows(result.stdout)
    login = next(r for r in rows[1:] if r[2].startswith("Inloggen"))
    assert login[3:] == ["none", "", ""]
    assert result.stderr == "200 comments, 100 coded\n"


def test_the_summary_in_dutch(calls):
    result = _invoke("comments", SCORES, "--column", "wat_zou_helpen", "--lang", "nl")
    assert result.stderr == "200 opmerkingen, 200 gecodeerd\n"


def test_an_unknown_column_is_one_line(calls, tmp_path):
    target = tmp_path / "coding.csv"
    result = _invoke("comments", SCORES, "--column", "nothing", "-o", str(target))
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "no column 'nothing'" in result.stderr
    assert not target.exists()


def test_the_sheet_is_not_written_over_an_input(calls, tmp_path):
    codes = tmp_path / "codes.yaml"
    codes.write_text("x\n", encoding="utf-8")
    result = _invoke(
        "comments",
        SCORES,
        "--column",
        "wat_zou_helpen",
        "--comment-codes",
        str(codes),
        "-o",
        str(codes),
    )
    assert result.exit_code == 1 and codes.read_text(encoding="utf-8") == "x\n"


def test_a_column_is_required():
    result = _invoke("comments", SCORES)
    assert result.exit_code == 2 and "Missing option '--column'" in result.stderr


def test_min_comments_below_min_group_size_is_a_usage_error():
    result = _invoke(SCORES, "--comments", "c", "--min-comments", "4")
    assert result.exit_code == 2
    assert "--min-comments 4 is below --min-group-size 5" in result.stderr
    result = _invoke(SCORES, "--comments", "c", "--min-comments", "6", "--min-group-size", "7")
    assert result.exit_code == 2
    assert "--min-comments 6 is below --min-group-size 7" in result.stderr


def test_the_comment_options_need_comments():
    result = _invoke(SCORES, "--redact-segments")
    assert result.exit_code == 2 and "add --comments COLUMN" in result.stderr


def test_a_large_group_size_raises_the_default(tmp_path):
    from ism_advisor.app.settings import Settings

    assert Settings.create([SCORES], min_group_size=12, min_comments=None).min_comments == 12
    assert Settings.create([SCORES], min_group_size=6, min_comments=None).min_comments == 10
    target = tmp_path / "advice.json"
    result = _invoke(SCORES, "--min-group-size", "12", "-o", str(target), "-q")
    assert result.exit_code == 0, result.stderr


def test_a_run_with_comments_writes_them_into_the_json(monkeypatch, tmp_path):
    import json

    from ism_advisor.app import run as run_module

    found = Calls()
    fake_coder(monkeypatch, found)
    fake_reader(monkeypatch, found, run_module)
    target = tmp_path / "advice.json"
    args = [SCORES, "--segment-by", "organisation", "--comments", "wat_zou_helpen", "-q"]
    result = _invoke(*args, "--min-comments", "12", "--lang", "nl", "-o", str(target))
    assert result.exit_code == 0, result.stderr
    document = json.loads(target.read_text(encoding="utf-8"))
    assert document["comments"]["min_comments"] == 12
    assert document["comments"]["codes"][0]["label"] == "Verwachte inspanning"
    assert [s["comments"]["non_users"]["shown"] for s in document["segments"]] == [True] * 4
    plain = tmp_path / "plain.json"
    assert _invoke(SCORES, "--segment-by", "organisation", "-q", "-o", str(plain)).exit_code == 0
    without = json.loads(plain.read_text(encoding="utf-8"))
    del document["comments"]
    for segment in document["segments"]:
        del segment["comments"]
    assert "comments" not in without
    assert without["segments"][0].keys() == document["segments"][0].keys()
