"""Shared fixtures: the packaged codebook, the sample data, and a CLI runner."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import settings

from ism_advisor.cli import main
from ism_advisor.survey.codebook import load_codebook

# Property-based tests: a quick, reproducible run by default; HYPOTHESIS_PROFILE=thorough
# (CI) for 1,500 examples per test, HYPOTHESIS_PROFILE=explore for fresh random examples.
settings.register_profile("quick", max_examples=100, deadline=None, derandomize=True)
settings.register_profile("thorough", max_examples=1500, deadline=None, derandomize=True)
settings.register_profile("explore", max_examples=3000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "quick"))

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SAMPLE_SCORES = ROOT / "sample_data" / "scores.csv"
SAMPLE_RESPONSES = ROOT / "sample_data" / "responses.csv"
#: The model's seven factors, in the codebook's order.
FACTORS = (
    "performance_expectancy",
    "effort_expectancy",
    "reputation",
    "colleague_influence",
    "manager_influence",
    "collaboration_norms",
    "privacy_concern",
)


@pytest.fixture(scope="session")
def codebook():
    return load_codebook()


class Cli:
    """Runs ``ism-advise`` in-process with ``folder`` as the working folder.

    After a run, ``files`` lists the names in that folder.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.files: list[str] = []

    def __call__(self, *args: str | Path):
        previous = Path.cwd()
        os.chdir(self.folder)
        try:
            result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
        finally:
            os.chdir(previous)
        self.files = sorted(p.name for p in self.folder.iterdir())
        return result

    def json(self, *args: str | Path) -> dict:
        result = self(*args, "--format", "json", "-o", "-")
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout)


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path)


def write_csv(path: Path, header: list[str], rows: list[list], delimiter: str = ",") -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path
