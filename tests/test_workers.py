"""The outputs are byte-identical whatever the number of worker processes.

Each command runs twice as a user runs it, with ``ISM_ADVISOR_WORKERS=1`` (everything in
one process) and ``=2`` (the per-segment reports, and every stage that spreads its
segments over forked workers, on two processes); every file written must be the same.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from ism_advisor.advice.document import PARALLEL_JSON_SEGMENTS, to_json
from ism_advisor.core import parallel
from ism_advisor.stats.drivers import N_STAR
from ism_advisor.survey.codebook import load_codebook
from ism_advisor.survey.sample import generate_large

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
    # 24,000 respondents in 450 teams: the drivers' pieces (small segments hold 20,000
    # cases or more; the whole survey is above N_STAR) and the JSON's segments (from 400)
    # go to forked workers
    "large": ["data/large.csv", "--segment-by", "team", "--format", "json",
              "-o", "out/advice.json"],
    "per-segment": ["data/scores.csv", "--segment-by", "organisation", "--segment-by",
                    "department", "--format", "md", "-o", "out/advice.md",
                    "--per-segment", "out/segments"],
}  # fmt: skip


@pytest.fixture(scope="module")
def large_survey(tmp_path_factory) -> Path:
    """A generated survey large enough for every stage that forks (made once)."""
    path = tmp_path_factory.mktemp("workers") / "large.csv"
    generate_large(load_codebook(), 24_000, 450).to_csv(path, index=False)
    return path


def outputs_with(workers: int, folder: Path, args: list[str], large: Path) -> dict[str, bytes]:
    """Every file ``ism-advise ARGS`` writes under ``folder/out`` with ``workers``."""
    shutil.copytree(ROOT / "sample_data", folder / "data")
    shutil.copy(large, folder / "data" / "large.csv")
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
def test_one_and_two_workers_write_the_same_bytes(tmp_path, case, large_survey):
    one = outputs_with(1, tmp_path / "one", CASES[case], large_survey)
    two = outputs_with(2, tmp_path / "two", CASES[case], large_survey)
    assert len(one) > 1  # the run wrote its files
    if case == "large":  # the stages that fork had enough work to do so
        document = json.loads(one["out/advice.json"])
        assert len(document["segments"]) >= PARALLEL_JSON_SEGMENTS
        assert document["segments"][0]["driver_model"]["n"] >= N_STAR
    if case == "per-segment":  # enough reports for two workers (app.write forks from 4)
        assert sum(name.startswith("out/segments/") for name in one) >= 4
    assert sorted(one) == sorted(two)
    for name in one:
        assert one[name] == two[name], name


def _document(segments: int) -> dict:
    return {
        "schema_version": 1,
        "settings": {"lang": "nl", "title": "Zoë's «team»"},
        "segments": [
            {"value": f"team {i} – é", "n": i, "share": i / 7, "tiny": 1.5e-9 * i,
             "none": None, "nested": [{"x": [i, -i]}], "ok": i % 2 == 0}
            for i in range(segments)
        ],
        "after": [1.0, 2.5e-05],
    }  # fmt: skip


@needs_fork
@pytest.mark.parametrize(
    "segments", [0, 1, PARALLEL_JSON_SEGMENTS - 1, PARALLEL_JSON_SEGMENTS, 1001]
)
def test_the_json_text_is_the_same_made_by_one_or_more_processes(segments):
    document = _document(segments)
    expected = json.dumps(document, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    for workers in (1, 2, 3):
        assert to_json(document, workers=workers) == expected + "\n"


@needs_fork
def test_a_number_json_cannot_write_fails_the_same_way_on_workers():
    document = _document(PARALLEL_JSON_SEGMENTS + 10)
    document["segments"][-1]["share"] = float("nan")
    for workers in (1, 2):
        with pytest.raises(ValueError, match=r"^Out of range float values are not JSON compliant"):
            to_json(document, workers=workers)
