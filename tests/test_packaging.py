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
    "ism_advisor/templates/deck.pptx",
    "ism_advisor/templates/drivers.html",
    "ism_advisor/templates/drivers.md",
    "ism_advisor/templates/questionnaire.html",
    "ism_advisor/templates/questionnaire.css",
    "ism_advisor/templates/questionnaire.md",
    "ism_advisor/templates/questionnaire-key.md",
    "ism_advisor/app/starter_files/report.html",
    "ism_advisor/locale/nl/LC_MESSAGES/ism_advisor.mo",
    "ism_advisor/survey/names/first-nl.txt",
    "ism_advisor/survey/names/first-en.txt",
    "ism_advisor/survey/names/surnames-nl.txt",
    "ism_advisor/survey/names/surnames-en.txt",
)


def build_wheel(source: Path, folder: Path) -> Path:
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
            str(source),
        ],
        check=True,
    )
    return next(folder.glob("ism_advisor-*.whl"))


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    return build_wheel(ROOT, tmp_path_factory.mktemp("wheel"))


def test_wheel_contains_the_package_data(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [name for name in NEEDED if name not in names]
    assert missing == []
    packaged = {n.split("/", 2)[2] for n in names if n.startswith("ism_advisor/rules/")}
    rules = ROOT / "rules"
    assert packaged == {p.relative_to(rules).as_posix() for p in rules.rglob("*") if p.is_file()}


def test_installed_wheel_finds_its_data_from_another_folder(wheel, tmp_path):
    target = tmp_path / "site"
    install(wheel, target)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    script = (
        "import ism_advisor, ism_advisor.core.resources as r, ism_advisor.survey.codebook as c;"
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


def install(wheel: Path, target: Path) -> None:
    """Install ``wheel`` into ``target``, apart from the checkout's editable install."""
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


def install_and_run(wheel: Path, work: Path, *args: str) -> subprocess.CompletedProcess:
    """Install ``wheel`` apart from everything, and run the report from another folder."""
    install(wheel, work / "site")
    (work / "run").mkdir()
    shutil.copyfile(ROOT / "sample_data" / "scores.csv", work / "run" / "scores.csv")
    return subprocess.run(
        [sys.executable, "-m", "ism_advisor", "scores.csv", *args],
        cwd=work / "run",
        env={"PYTHONPATH": str(work / "site"), "PATH": "/usr/bin:/bin", "HOME": str(work)},
        capture_output=True,
        text=True,
    )


def test_the_smoke_test_catches_a_missing_package_data_file(wheel, tmp_path):
    """A wheel without a template file fails the smoke run; the complete one passes."""
    source = tmp_path / "source"
    source.mkdir()
    for name in ("ism_advisor", "rules", "templates"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copyfile(ROOT / name, source / name)
    (source / "templates" / "report.css").unlink()
    broken = install_and_run(build_wheel(source, tmp_path / "dist"), tmp_path / "broken")
    assert broken.returncode == 1
    assert broken.stderr.endswith(
        "template not found: report.css (templates can include only files in their own folder"
        " or 'default:' templates)\n"
    )
    whole = install_and_run(wheel, tmp_path / "whole")
    assert (whole.returncode, whole.stderr) == (0, "")
    assert (tmp_path / "whole" / "run" / "scores-advice.html").stat().st_size > 30_000


def test_the_installed_wheel_writes_a_deck_on_its_packaged_template(wheel, tmp_path):
    result = install_and_run(wheel, tmp_path, "--format", "pptx")
    assert (result.returncode, result.stderr) == (0, "")
    deck = tmp_path / "run" / "scores-advice.pptx"
    assert deck.read_bytes()[:2] == b"PK"
    names = zipfile.ZipFile(deck).namelist()
    assert (
        sum(name.startswith("ppt/charts/chart") for name in names) == 10
    )  # 2 overviews, 7 factors, the priority matrix


def test_a_wheel_without_the_deck_template_says_so(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    for name in ("ism_advisor", "rules", "templates"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copyfile(ROOT / name, source / name)
    (source / "templates" / "deck.pptx").unlink()
    work = tmp_path / "broken"
    result = install_and_run(build_wheel(source, tmp_path / "dist"), work, "--format", "pptx")
    assert result.returncode == 1
    # named as packaged, not by its place in the installation
    assert result.stderr == (
        "<packaged>/templates/deck.pptx: the packaged PowerPoint template is missing (reinstall"
        " ism-advisor: pip install --force-reinstall ism-advisor)\n"
    )
    assert not (work / "run" / "scores-advice.pptx").exists()


def test_installed_wheel_writes_a_questionnaire(wheel, tmp_path):
    """The questionnaire's templates travel in the wheel: the paper form and the key."""
    from instruments import packaged_with_options

    install(wheel, tmp_path / "site")
    (tmp_path / "run").mkdir()
    ours = packaged_with_options(tmp_path / "run" / "ours.yaml")
    result = subprocess.run(
        [
            *(sys.executable, "-m", "ism_advisor", "questionnaire", "--codebook", ours.name),
            *("-o", "q.html", "--key", "k.md"),
        ],
        cwd=tmp_path / "run",
        env={"PYTHONPATH": str(tmp_path / "site"), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "q.html\nk.md\n"
    assert "Do you use the internal social platform?" in (tmp_path / "run" / "q.html").read_text()
    assert "- Codebook: ours.yaml\n" in (tmp_path / "run" / "k.md").read_text()
    # the packaged codebook: what to run, never a path into the installation
    result = subprocess.run(
        [sys.executable, "-m", "ism_advisor", "questionnaire", "--format", "qualtrics"],
        cwd=tmp_path / "run",
        env={"PYTHONPATH": str(tmp_path / "site"), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert result.stderr == (
        "the packaged codebook cannot know the answers to its segment questions ('organisation',"
        " 'department'), which the questionnaire asks as closed questions: run 'ism-advise init"
        " my-survey', list each question's answers under options in my-survey/factors.yaml (its"
        " comment shows how), then run 'ism-advise questionnaire --knowledge my-survey --format"
        " qualtrics'\n"
    )
