"""The wheel carries the knowledge base, templates and catalogues, and finds them."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT

NEEDED = (
    "ism_advisor/rules/factors.yaml",
    "ism_advisor/templates/report.html",
    "ism_advisor/templates/report.md",
    "ism_advisor/templates/report.css",
    "ism_advisor/starter_files/report.html",
    "ism_advisor/locale/nl/LC_MESSAGES/ism_advisor.mo",
)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(folder),
            str(ROOT),
        ],
        check=True,
    )
    return next(folder.glob("ism_advisor-*.whl"))


def test_wheel_contains_the_package_data(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [name for name in NEEDED if name not in names]
    assert missing == []
    packaged = {n.split("/", 2)[2] for n in names if n.startswith("ism_advisor/rules/")}
    assert packaged == {p.name for p in (ROOT / "rules").iterdir()}


def test_installed_wheel_finds_its_data_from_another_folder(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    script = (
        "import ism_advisor, ism_advisor.resources as r, ism_advisor.codebook as c;"
        "print(ism_advisor.__file__);print(r.packaged_path('rules'));"
        "print(len(c.load_codebook().factors))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=elsewhere,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    module, rules, factors = result.stdout.splitlines()
    assert module.startswith(str(target))
    assert rules == str(target / "ism_advisor" / "rules")
    assert factors == "7"


def build_and_run(source: Path, work: Path) -> subprocess.CompletedProcess:
    """Build a wheel from ``source``, install it apart, run the report from elsewhere."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(work / "dist"),
            str(source),
        ],
        check=True,
    )
    wheel = next((work / "dist").glob("ism_advisor-*.whl"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(work / "site"),
            str(wheel),
        ],
        check=True,
    )
    (work / "run").mkdir()
    shutil.copyfile(ROOT / "sample_data" / "scores.csv", work / "run" / "scores.csv")
    return subprocess.run(
        [sys.executable, "-m", "ism_advisor", "scores.csv"],
        cwd=work / "run",
        env={"PYTHONPATH": str(work / "site"), "PATH": "/usr/bin:/bin", "HOME": str(work)},
        capture_output=True,
        text=True,
    )


def test_the_smoke_test_catches_a_missing_package_data_file(tmp_path):
    """A wheel without a template file fails the smoke run; the complete one passes."""
    source = tmp_path / "source"
    source.mkdir()
    for name in ("ism_advisor", "rules", "templates"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copyfile(ROOT / name, source / name)
    (source / "templates" / "report.css").unlink()
    broken = build_and_run(source, tmp_path / "broken")
    assert broken.returncode == 1
    assert broken.stderr.endswith(
        "template not found: report.css (templates can include only files in their own folder"
        " or 'default:' templates)\n"
    )
    whole = build_and_run(ROOT, tmp_path / "whole")
    assert (whole.returncode, whole.stderr) == (0, "")
    assert (tmp_path / "whole" / "run" / "scores-advice.html").stat().st_size > 30_000
