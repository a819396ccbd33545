"""No personal paths: every output names its input files by their file name only.

A path as given often holds a person's or a client's name ("/home/Jan de Vries/klant
X/scores.csv"); a client document must not. The inputs here sit under such folders, given
as absolute paths, and every output of both languages is searched for a folder's name.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from conftest import DATA, ROOT, Cli
from ism_advisor.core.resources import file_name

#: Folder names that would give away who made the report and for whom.
PERSON, CLIENT = "Jan de Vries", "klant X"


def _text(path: Path) -> str:
    """What a reader of ``path`` gets: a PDF's text, a deck's XML, else the file."""
    if path.suffix == ".pdf":
        return subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, check=True, text=True
        ).stdout
    if path.suffix == ".pptx":
        with zipfile.ZipFile(path) as deck:
            return "".join(deck.read(n).decode("utf-8", "replace") for n in deck.namelist())
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    """The sample, a knowledge base (``init``) and a mapping file under personal folders."""
    base = tmp_path_factory.mktemp("paths") / PERSON / CLIENT
    base.mkdir(parents=True)
    for name in ("scores.csv", "scores-wave2.csv", "responses.csv"):
        shutil.copy(ROOT / "sample_data" / name, base / name)
    shutil.copy(DATA / "codebooks" / "zorggroep.yaml", base / "zorggroep.yaml")
    cli = Cli(base)
    assert cli("init", base / "kennis").exit_code == 0
    assert cli("map", base / "responses.csv", "-o", base / "mapping.yaml").exit_code == 0
    return base


def test_a_file_name_drops_folders_of_either_system():
    assert file_name("/home/Jan de Vries/klant X/scores.csv") == "scores.csv"
    assert file_name("C:\\Users\\Jan de Vries\\klant X\\scores.csv") == "scores.csv"
    assert file_name("klant X/scores.csv") == "scores.csv"
    assert file_name("scores.csv") == "scores.csv"


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_no_output_names_a_folder(inputs: Path, tmp_path: Path, lang: str):
    cli = Cli(tmp_path)
    scores, knowledge = inputs / "scores.csv", inputs / "kennis"
    common = ("--segment-by", "organisation", "--lang", lang, "-q")
    runs = [
        (scores, *common, "--knowledge", knowledge, "-o", "r.html", "--per-segment", "per"),
        (scores, *common, "-o", "r.md"),
        (scores, *common, "-o", "r.pdf", "--pdf-variant", "plain"),
        (scores, *common, "--knowledge", knowledge, "-o", "r.json"),
        (scores, *common, "-o", "r.pptx"),
        (scores, *common, "-o", "b.html", "--per-segment", "briefs", "--brief"),
        (scores, *common, "-o", "b.md", "--per-segment", "briefs-md", "--brief"),
        (scores, inputs / "scores-wave2.csv", *common, "-o", "w.html"),
        (scores, inputs / "scores-wave2.csv", *common, "-o", "w.json"),
        (inputs / "responses.csv", *common, "--map", inputs / "mapping.yaml", "-o", "m.json"),
        (inputs / "responses.csv", *common, "--map", inputs / "mapping.yaml", "-o", "m.md"),
        ("questionnaire", "--codebook", inputs / "zorggroep.yaml", "--lang", lang,
         "--format", "md", "-o", "q.md", "--key", "key.md"),
    ]  # fmt: skip
    for args in runs:
        result = cli(*args)
        assert result.exit_code == 0, (args, result.stderr)
    outputs = sorted(p for p in tmp_path.rglob("*") if p.is_file())
    assert len(outputs) >= 20, outputs
    for path in outputs:
        text = _text(path)
        for folder in (PERSON, CLIENT, str(tmp_path.parent), str(inputs.parent)):
            assert folder not in text, (path.name, folder)
    document = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert document["input"]["path"] == "scores.csv"
    knowledge = dict(document["knowledge"])
    assert re.fullmatch(r"[0-9a-f]{16}", knowledge.pop("codebook_version"))
    assert knowledge == {
        "codebook": "factors.yaml",
        "rules": "advice.yaml",
        "interventions": "interventions.yaml",
    }
    waves = json.loads((tmp_path / "w.json").read_text(encoding="utf-8"))
    assert waves["waves"]["files"] == ["scores.csv", "scores-wave2.csv"]
    assert waves["input"]["path"] == "scores-wave2.csv"
    mapped = json.loads((tmp_path / "m.json").read_text(encoding="utf-8"))
    assert mapped["input"]["mapping"] == "mapping.yaml"
    survey, codebook = {"nl": ("Enquête", "Codeboek"), "en": ("Survey", "Codebook")}[lang]
    assert f"- {survey}: scores.csv\n" in (tmp_path / "r.md").read_text(encoding="utf-8")
    assert f"{survey}: scores.csv</li>" in (tmp_path / "r.html").read_text(encoding="utf-8")
    assert f"{codebook}: factors.yaml</li>" in (tmp_path / "r.html").read_text(encoding="utf-8")
    assert ": zorggroep.yaml\n" in (tmp_path / "key.md").read_text(encoding="utf-8")


def test_explain_names_the_rule_base_by_its_file_name(inputs: Path, tmp_path: Path):
    cli = Cli(tmp_path)
    document = cli.json(inputs / "scores.csv", "--knowledge", inputs / "kennis")
    advised = document["segments"][0]["recommendations"][0]["intervention"]
    result = cli(
        "explain", inputs / "scores.csv", "--knowledge", inputs / "kennis",
        "--intervention", advised,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()[1:]
    assert lines and all(line.startswith("  advice.yaml:") for line in lines), lines
    assert PERSON not in result.stdout and CLIENT not in result.stdout


def test_a_message_names_a_packaged_file_as_packaged():
    """Not by its place inside the installation (site-packages): 'ism-advise init' makes the
    copy to edit (issue 26)."""
    from ism_advisor.core.errors import AdvisorError
    from ism_advisor.core.resources import packaged_path

    rules = packaged_path("rules", "advice.yaml")
    template = packaged_path("templates", "report.html")
    assert AdvisorError("x", path=str(rules), line=2, column=3).render() == (
        "<packaged>/advice.yaml:2:3: x"
    )
    assert AdvisorError("x", path=str(template)).render() == "<packaged>/templates/report.html: x"
    assert AdvisorError("x", path="ours/advice.yaml").render() == "ours/advice.yaml: x"
