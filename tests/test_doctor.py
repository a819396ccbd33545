"""``ism-advise doctor`` and what the tool says when a part of the system is missing.

Missing parts are simulated by making their import fail the way it fails for real: a
missing Pango makes WeasyPrint's import raise OSError, a durable-rules built for the
wrong Python raises ImportError naming the symbol.
"""

from __future__ import annotations

import platform
import re
import sys
from importlib import metadata
from importlib.abc import MetaPathFinder

import pytest

from conftest import ROOT, SAMPLE_SCORES
from ism_advisor.advice import engine
from ism_advisor.app import doctor

PANGO_ERROR = (
    "cannot load library 'libpango-1.0-0': libpango-1.0-0: cannot open shared object file:"
    " No such file or directory"
)
ENGINE_ERROR = (
    "/venv/lib/python3.13/site-packages/durable_rules_engine.cpython-313-x86_64-linux-gnu.so:"
    " undefined symbol: PyEval_CallObject"
)


class _FailingImport(MetaPathFinder):
    """Makes ``import name`` raise ``error``, as a broken installation would."""

    def __init__(self, name: str, error: Exception) -> None:
        self.name = name
        self.error = error

    def find_spec(self, fullname, path=None, target=None):
        if fullname == self.name:
            raise self.error
        return None


def fail_import(monkeypatch, name: str, error: Exception) -> None:
    for module in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
        monkeypatch.delitem(sys.modules, module)
    monkeypatch.setattr(sys, "meta_path", [_FailingImport(name, error), *sys.meta_path])


@pytest.fixture
def no_pango(monkeypatch):
    fail_import(monkeypatch, "weasyprint", OSError(PANGO_ERROR))


@pytest.fixture
def broken_engine(monkeypatch):
    monkeypatch.setattr(engine, "_ENGINE", [])
    monkeypatch.setattr(engine, "_REGISTERED", {})
    fail_import(monkeypatch, "durable_rules_engine", ImportError(ENGINE_ERROR))


def lines(output: str) -> dict[str, str]:
    """Each line of the doctor's report by its part: "status part: found"."""
    found = {}
    for line in output.splitlines()[:-1]:
        status, rest = line.split(None, 1)
        part, text = rest.split(": ", 1)
        found[part] = f"{status} {text}"
    return found


def test_all_usable(cli):
    result = cli("doctor")
    assert result.exit_code == 0, result.output
    report = lines(result.stdout)
    version = metadata.version("durable_rules")
    assert report["rules engine"] == f"ok durable-rules {version} loads and fires a rule"
    assert report["Python"] == (
        f"ok {platform.python_version()} ({platform.python_implementation()}) at {sys.executable}"
    )
    assert report["PDF output"] == (
        f"ok WeasyPrint {metadata.version('weasyprint')} renders a page with the fonts DejaVu Sans"
    )
    assert report["PowerPoint output"] == (
        f"ok python-pptx {metadata.version('python-pptx')} makes a deck with a chart on"
        " <packaged>/templates/deck.pptx (layouts: 'Title Slide', 'Title and Content',"
        " 'Title Only')"
    )
    for package in (
        "pandas",
        "scipy",
        "jinja2",
        "click",
        "durable-rules",
        "weasyprint",
        "python-pptx",
    ):
        assert f"{package} {metadata.version(package)}" in report["packages"]
    assert "pytest" not in report["packages"]  # test extras are not the product's
    assert report["packaged rules"] == f"ok {ROOT / 'rules'}"
    assert report["packaged templates"] == f"ok {ROOT / 'templates'}"
    assert report["knowledge base"].startswith(
        "ok 7 factors, 25 items, 24 rules, 2 conclusions, 21 interventions; rules check passes ("
    )
    assert report["fonts"].startswith('ok reports ask for "DejaVu Sans", "Segoe UI", Arial')
    assert result.stdout.splitlines()[-1] == "everything ism-advise needs works"
    assert result.stderr == ""


def test_in_dutch(cli):
    result = cli("doctor", "--lang", "nl")
    assert result.exit_code == 0
    report = lines(result.stdout)
    assert report["regelengine"].startswith("ok durable-rules ")
    assert report["regelengine"].endswith(" laadt en past een regel toe")
    assert result.stdout.splitlines()[-1] == "alles wat ism-advise nodig heeft, werkt"


def test_missing_pango(cli, no_pango):
    result = cli("doctor")
    assert result.exit_code == 1
    report = lines(result.stdout)
    assert report["PDF output"] == (
        f"problem PDF output needs the system library Pango, which WeasyPrint cannot load"
        f" ({PANGO_ERROR}); install it (Debian/Ubuntu: sudo apt install libpango-1.0-0"
        " libpangoft2-1.0-0; Fedora: sudo dnf install pango; macOS: brew install pango;"
        " Windows: install the GTK3 runtime (see WeasyPrint's installation guide) or use WSL),"
        " or choose --format html, md or json"
    )
    assert report["rules engine"].startswith("ok ")
    assert result.stdout.splitlines()[-1] == ("problems: 1; ism-advise cannot do all its work here")


def test_missing_pango_fails_pdf_only(cli, no_pango):
    result = cli(SAMPLE_SCORES, "--format", "pdf", "-o", "advice.pdf")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"PDF output needs the system library Pango, which WeasyPrint cannot load ({PANGO_ERROR});"
    )
    assert len(result.stderr.splitlines()) == 1
    assert "Traceback" not in result.output
    assert cli.files == []
    for fmt in ("html", "md", "json"):
        result = cli(SAMPLE_SCORES, "--format", fmt, "-o", f"advice.{fmt}")
        assert result.exit_code == 0, result.stderr
    assert cli.files == ["advice.html", "advice.json", "advice.md"]


def test_missing_weasyprint(cli, monkeypatch):
    fail_import(monkeypatch, "weasyprint", ImportError("No module named 'weasyprint'"))
    result = cli(SAMPLE_SCORES, "--format", "pdf", "-o", "advice.pdf")
    assert result.exit_code == 1
    assert result.stderr == (
        "PDF output needs the Python package WeasyPrint, which cannot be imported (No module"
        " named 'weasyprint'); install it with 'pip install weasyprint', or choose --format"
        " html, md or json\n"
    )
    assert cli.files == []


def test_engine_that_does_not_load(cli, broken_engine):
    python = platform.python_version()
    expected = (
        f"the rules engine durable-rules cannot be loaded on Python {python} ({ENGINE_ERROR});"
        " reinstall it in this environment with 'pip install --force-reinstall --no-cache-dir"
        " durable-rules==2.0.28' (it needs a C compiler and the Python headers: see the"
        " README's Requirements)"
    )
    result = cli("doctor")
    assert result.exit_code == 1
    assert lines(result.stdout)["rules engine"] == f"problem {expected}"
    result = cli(SAMPLE_SCORES, "-o", "advice.html")
    assert result.exit_code == 1
    assert result.stderr == expected + "\n"
    assert cli.files == []


def test_unsupported_python(cli, monkeypatch):
    monkeypatch.setattr(doctor, "SUPPORTED_PYTHONS", ((3, 4), (3, 5)))
    result = cli("doctor")
    assert result.exit_code == 1
    report = lines(result.stdout)
    assert report["Python"].startswith(f"problem {platform.python_version()} (")
    assert report["Python"].endswith(
        " — fix: use Python 3.4 to 3.5 (the versions ism-advisor is tested on)"
    )


def test_packaged_files_missing(cli, monkeypatch, tmp_path):
    (tmp_path / "rules").mkdir()
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "report.css").write_text("body {}", encoding="utf-8")
    monkeypatch.setattr(doctor, "packaged_path", lambda folder, name="": tmp_path / folder / name)
    result = cli("doctor")
    assert result.exit_code == 1
    report = lines(result.stdout)
    assert report["packaged templates"] == (
        f"problem {tmp_path / 'templates'} lacks report.html, report.md, deck.pptx — fix: reinstall"
        " ism-advisor: pip install --force-reinstall ism-advisor"
    )
    assert report["packaged rules"].startswith("problem ")


def test_knowledge_folder(cli, tmp_path):
    assert cli("init", tmp_path / "ours").exit_code == 0
    result = cli("doctor", "--knowledge", tmp_path / "ours")
    assert result.exit_code == 0, result.stdout
    report = lines(result.stdout)
    assert report["knowledge base"] == (
        "ok 7 factors, 25 items, 24 rules, 2 conclusions, 21 interventions; rules check passes"
        f" ({tmp_path / 'ours' / 'factors.yaml'}, {tmp_path / 'ours' / 'advice.yaml'},"
        f" {tmp_path / 'ours' / 'interventions.yaml'})"
    )
    assert report["report templates"] == (
        f"ok {tmp_path / 'ours' / 'templates'}: report.html (searched before the packaged ones)"
    )


def test_broken_knowledge_base(cli, tmp_path):
    assert cli("init", tmp_path / "ours").exit_code == 0
    rules = tmp_path / "ours" / "advice.yaml"
    text = rules.read_text(encoding="utf-8")
    rules.write_text(text.replace("if: [significant,", "if: [signifcant,", 1), encoding="utf-8")
    result = cli("doctor", "--knowledge", tmp_path / "ours")
    assert result.exit_code == 1
    report = lines(result.stdout)
    assert re.fullmatch(
        rf"problem problems: 1; the first: {re.escape(str(rules))}:\d+:\d+: unknown figure"
        r" 'signifcant' .* — fix: run 'ism-advise rules check' with the same files and fix"
        r" each problem",
        report["knowledge base"],
    ), report["knowledge base"]


def test_requires_python_is_what_doctor_and_ci_support():
    # read as text: tomllib is not in Python 3.10
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    (low_major, low_minor), (high_major, high_minor) = doctor.SUPPORTED_PYTHONS
    requires = re.search(r'^requires-python = "(.*)"$', pyproject, re.M).group(1)
    assert requires == f">={low_major}.{low_minor},<{high_major}.{high_minor + 1}"
    versions = re.findall(r'"Programming Language :: Python :: (3\.\d+)"', pyproject)
    assert versions == [f"3.{minor}" for minor in range(low_minor, high_minor + 1)]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert f"second={high_major}.{high_minor}\n" in ci


def test_a_client_powerpoint_template(cli, tmp_path):
    from pptx import Presentation

    presentation = Presentation(ROOT / "templates" / "deck.pptx")
    for layout in presentation.slide_layouts:
        layout.name = {"Title Only": "Alleen titel"}.get(layout.name, layout.name)
    presentation.save(tmp_path / "client.pptx")
    result = cli("doctor", "--pptx-template", tmp_path / "client.pptx")
    assert result.exit_code == 0, result.stdout
    assert lines(result.stdout)["PowerPoint output"].endswith(
        f" makes a deck with a chart on {tmp_path / 'client.pptx'} (layouts: 'Title Slide',"
        " 'Title and Content', 'Alleen titel')"
    )


def test_a_powerpoint_template_that_cannot_be_used(cli, tmp_path):
    (tmp_path / "client.potx").write_bytes(b"PK")
    result = cli("doctor", "--pptx-template", tmp_path / "client.potx")
    assert result.exit_code == 1
    assert lines(result.stdout)["PowerPoint output"] == (
        f"problem {tmp_path / 'client.potx'}: is a PowerPoint template (.potx); open it in"
        " PowerPoint and save it as a presentation (.pptx), then give that file"
    )
