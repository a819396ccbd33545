"""Safe output: whole files or none, never over an input, report sets replaced cleanly."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from conftest import FACTORS, ROOT, SAMPLE_SCORES, write_csv
from ism_advisor import output
from ism_advisor.errors import AdvisorError
from ism_advisor.output import StagedFolder, write_atomic


def listing(folder) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "advice.html"
    target.write_bytes(b"old")

    def fail(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output.os, "replace", fail)
    with pytest.raises(AdvisorError) as caught:
        write_atomic(target, b"new")
    assert str(caught.value) == f"{target}: cannot write here: No space left on device"
    assert listing(tmp_path) == ["advice.html"]
    assert target.read_bytes() == b"old"


def test_an_interrupted_write_leaves_no_temporary(tmp_path, monkeypatch):
    def interrupt(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(output.os, "replace", interrupt)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(tmp_path / "advice.html", b"new")
    assert listing(tmp_path) == []


def test_written_files_get_normal_permissions(tmp_path):
    write_atomic(tmp_path / "a.html", b"x")
    mask = os.umask(0)
    os.umask(mask)
    assert (tmp_path / "a.html").stat().st_mode & 0o777 == 0o666 & ~mask


def test_output_through_a_link_to_the_input_is_refused(cli, tmp_path):
    shutil.copyfile(SAMPLE_SCORES, tmp_path / "scores.csv")
    (tmp_path / "report.html").symlink_to(tmp_path / "scores.csv")
    before = (tmp_path / "scores.csv").read_bytes()
    result = cli("scores.csv", "-o", "report.html")
    assert result.exit_code == 1
    assert result.stderr == (
        "report.html: refusing to write the output over the input file scores.csv\n"
    )
    assert (tmp_path / "scores.csv").read_bytes() == before


def test_per_segment_interrupted_keeps_the_earlier_set(cli, tmp_path, monkeypatch):
    shutil.copyfile(SAMPLE_SCORES, tmp_path / "scores.csv")
    first = cli(
        "scores.csv", "--segment-by", "organisation", "--per-segment", "reports", "--format", "md"
    )
    assert first.exit_code == 0
    earlier = {p.name: p.read_bytes() for p in (tmp_path / "reports").iterdir()}
    calls = []
    real = StagedFolder.write

    def write(self, name, data):
        calls.append(name)
        if len(calls) == 3:
            raise KeyboardInterrupt  # Ctrl-C arriving while the set is being written
        return real(self, name, data)

    monkeypatch.setattr(StagedFolder, "write", write)
    result = cli(
        "scores.csv",
        "--segment-by",
        "organisation+department",
        "--per-segment",
        "reports",
        "--format",
        "md",
    )
    assert (result.exit_code, result.stderr) == (1, "\nAborted!\n")  # click's answer to Ctrl-C
    assert len(calls) == 3
    assert {p.name: p.read_bytes() for p in (tmp_path / "reports").iterdir()} == earlier


def test_staged_folder_refuses_to_replace_an_input(tmp_path):
    (tmp_path / "a.csv").write_text("x")
    with (
        pytest.raises(AdvisorError) as caught,
        StagedFolder(tmp_path, [tmp_path / "a.csv"]) as stage,
    ):
        stage.write("a.csv", b"report")
    assert (
        str(caught.value)
        == f"{tmp_path / 'a.csv'}: refusing to write the output over the input file {tmp_path / 'a.csv'}"
    )
    assert listing(tmp_path) == ["a.csv"]
    assert (tmp_path / "a.csv").read_text() == "x"


def test_ctrl_c_during_per_segment_leaves_no_partial_file(tmp_path):
    """A real SIGINT while PDF reports are being made: nothing half-done remains."""
    rows = []
    for team in range(60):
        rows += [[f"team {team:02d}", "ja", *[4] * 7]] * 6 + [
            [f"team {team:02d}", "nee", *[3] * 7]
        ] * 6
    write_csv(tmp_path / "teams.csv", ["team", "user", *FACTORS], rows)
    out = tmp_path / "out"
    with subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ism_advisor",
            "teams.csv",
            "--segment-by",
            "team",
            "--per-segment",
            "out",
            "--format",
            "pdf",
            "-o",
            "report.pdf",
        ],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as process:
        deadline = time.monotonic() + 120
        while not (out.exists() and any(out.glob(".staging-*/*.pdf"))):
            assert process.poll() is None, "finished before the interrupt"
            assert time.monotonic() < deadline
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
    assert process.returncode == 1
    assert stderr.decode().endswith("Aborted!\n")
    assert listing(out) == []  # no staging folder, no report
    assert not (tmp_path / "report.pdf").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "teams.csv"]


def test_module_entry_point_runs(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "ism_advisor", "--version"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    assert result.stdout.startswith("ism-advise, version ")
