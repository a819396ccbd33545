"""The outputs are byte-identical whatever the number of worker processes.

Each command runs twice as a user runs it, with ``ISM_ADVISOR_WORKERS=1`` (everything in
one process) and ``=2`` (the per-segment reports, and every stage that spreads its
segments over forked workers, on two processes); every file written must be the same.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from ism_advisor.core import parallel

needs_fork = pytest.mark.skipif(not parallel.can_fork(), reason="no fork on this platform")

WAVES = ["data/scores.csv", "data/scores-wave2.csv", "--wave-name", "March", "--wave-name", "May"]

CASES = {
    "sample": ["data/scores.csv", "--segment-by", "organisation", "-o", "out/advice.json"],
    "nested": ["data/scores.csv", "--segment-by", "organisation", "--segment-by", "department",
               "-o", "out/advice.json"],
    "combined": ["data/scores.csv", "--segment-by", "organisation+department",
                 "-o", "out/advice.json"],
    "explain-all": ["data/scores.csv", "--segment-by", "organisation", "--explain-all",
                    "-o", "out/why.json"],
    "waves": [*WAVES, "--segment-by", "organisation", "-o", "out/followup.json"],
    "waves-explain-all": [*WAVES, "--segment-by", "organisation", "--explain-all",
                          "-o", "out/why.json"],
    "per-segment": ["data/scores.csv", "--segment-by", "organisation", "--segment-by",
                    "department", "--format", "md", "-o", "out/advice.md",
                    "--per-segment", "out/segments"],
}  # fmt: skip


def outputs_with(workers: int, folder: Path, args: list[str]) -> dict[str, bytes]:
    """Every file ``ism-advise ARGS`` writes under ``folder/out`` with ``workers``."""
    shutil.copytree(ROOT / "sample_data", folder / "data")
    (folder / "out").mkdir()
    env = {**os.environ, parallel.WORKERS_VARIABLE: str(workers)}
    found = subprocess.run(
        [sys.executable, "-m", "ism_advisor", *args],
        cwd=folder,
        env=env,
        capture_output=True,
        check=False,
    )
    assert found.returncode == 0, found.stderr.decode()
    files = {
        str(p.relative_to(folder)): p.read_bytes() for p in folder.glob("out/**/*") if p.is_file()
    }
    files["<stdout>"] = found.stdout
    return files


@needs_fork
@pytest.mark.parametrize("case", list(CASES))
def test_one_and_two_workers_write_the_same_bytes(tmp_path, case):
    one = outputs_with(1, tmp_path / "one", CASES[case])
    two = outputs_with(2, tmp_path / "two", CASES[case])
    assert len(one) > 1  # the run wrote its files
    if case == "per-segment":  # enough reports for two workers (app.write forks from 4)
        assert sum(name.startswith("out/segments/") for name in one) >= 4
    assert sorted(one) == sorted(two)
    for name in one:
        assert one[name] == two[name], name
