"""The same input gives the same output bytes on every supported Python.

CI runs the suite on two Pythons and points ``ISM_ADVISOR_OTHER_PYTHON`` at the other
one's interpreter (with ism-advisor installed); this test then makes the sample in two
empty folders, one per Python, and compares what each wrote.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

OTHER = os.environ.get("ISM_ADVISOR_OTHER_PYTHON")


def run_sample(python: str, folder: Path) -> dict[str, bytes]:
    """From an empty folder: the sample, then its advice as JSON, HTML, PDF and a deck."""
    folder.mkdir()

    def advise(*args: str) -> None:
        result = subprocess.run(
            [python, "-m", "ism_advisor", *args], cwd=folder, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
        assert result.stderr == ""

    advise("sample", "-o", "data")
    for fmt in ("json", "html", "pdf"):
        advise("data/scores.csv", "--segment-by", "organisation", "-o", f"advice.{fmt}")
    advise(
        "data/scores.csv",
        "--segment-by",
        "organisation",
        "--date",
        "2026-03-01",
        "-o",
        "advice.pptx",
    )
    files = {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*.*")}
    files["python"] = subprocess.run(
        [python, "-c", "import platform; print(platform.python_version())"],
        capture_output=True,
        check=True,
    ).stdout
    return files


@pytest.mark.skipif(
    not OTHER,
    reason="set ISM_ADVISOR_OTHER_PYTHON to another Python with ism-advisor installed"
    " (.ci/run does)",
)
def test_same_bytes_on_another_python(tmp_path):
    here = run_sample(sys.executable, tmp_path / "here")
    there = run_sample(OTHER, tmp_path / "there")
    assert here.pop("python") != there.pop("python")  # else this proves nothing
    assert (
        sorted(here)
        == sorted(there)
        == [
            "advice.html",
            "advice.json",
            "advice.pdf",
            "advice.pptx",
            "data/responses-wave2.csv",
            "data/responses.csv",
            "data/scores-wave2.csv",
            "data/scores.csv",
        ]
    )
    for name in (
        "data/scores.csv",
        "data/responses.csv",
        "advice.json",
        "advice.html",
        "advice.pptx",
    ):
        assert here[name] == there[name], name
    assert here["advice.pdf"].startswith(b"%PDF") and there["advice.pdf"].startswith(b"%PDF")
