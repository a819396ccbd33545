"""The README's test command does its own set-up: tests/setup-debian.sh installs what is
missing (and nothing else), the test session fetches axe-core, and .ci/run runs the
README's line as it stands."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from accessibility import AXE_VERSION, fetch_axe

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "tests" / "setup-debian.sh"
SH = shutil.which("sh")
#: The programs the script looks for, and the Debian package of each.
PROGRAMS = {
    "chromium": "chromium",
    "pdftotext": "poppler-utils",
    "npm": "npm",
    "soffice": "libreoffice-impress",
    "cc": "build-essential",
}
#: What the script asks Python (ensurepip, Python.h, Pango), and the Debian package of each.
PYTHON_PARTS = {
    "ensurepip": "python3-venv",
    "Python.h": "python3-dev",
    "'pango-1.0'": "libpango-1.0-0",
    "'pangoft2-1.0'": "libpangoft2-1.0-0",
}


def stub(folder: Path, name: str, body: str) -> None:
    path = folder / name
    path.write_text(f"#!{SH}\n{body}\n", encoding="utf-8")
    path.chmod(0o755)


def run_setup(
    tmp_path: Path,
    *,
    present: set[str],
    uid: int,
    lacking: tuple[str, ...] = (),
    apt=True,
    initdb: str | None = "15",
    runnable: bool = True,
):
    """Run the script with a PATH of stubs only: the programs in ``present``, ``id``
    answering ``uid``, a python3 that finds every part but those in ``lacking`` (keys of
    PYTHON_PARTS), ``sudo`` and ``apt-get`` that log their arguments, and PostgreSQL's
    folder (POSTGRESQL_ROOT) holding ``initdb`` of that version (None: no version),
    executable unless not ``runnable``. Returns the completed process and the log."""
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    postgresql = tmp_path / "postgresql"
    postgresql.mkdir()
    if initdb is not None:
        (postgresql / initdb / "bin").mkdir(parents=True)
        stub(postgresql / initdb / "bin", "initdb", "exit 0")
        if not runnable:
            (postgresql / initdb / "bin" / "initdb").chmod(0o644)
    log = tmp_path / "log"
    log.touch()
    for program in present:
        stub(bin_, program, "exit 0")
    stub(bin_, "id", f'[ "$1" = -u ] && echo {uid}')
    checks = "".join(f'case "$2" in *"{part}"*) exit 1;; esac\n' for part in lacking)
    stub(bin_, "python3", f"{checks}exit 0")
    stub(bin_, "sudo", f'echo "sudo $*" >> {log}; "$@"')
    if apt:
        stub(bin_, "apt-get", f'echo "apt-get $*" >> {log}')
    (bin_ / "sh").symlink_to(SH)
    result = subprocess.run(
        [SH, str(SCRIPT)],
        env={"PATH": str(bin_), "POSTGRESQL_ROOT": str(postgresql)},
        capture_output=True,
        text=True,
        check=False,
    )
    return result, log.read_text(encoding="utf-8").splitlines()


def test_with_everything_there_it_does_nothing_and_needs_no_sudo(tmp_path):
    result, log = run_setup(tmp_path, present=set(PROGRAMS), uid=1000)
    assert (result.returncode, result.stdout, result.stderr, log) == (0, "", "", [])


def test_it_installs_only_what_is_missing_with_one_sudo(tmp_path):
    lacking = ("ensurepip", "'pangoft2-1.0'")
    result, log = run_setup(
        tmp_path, present={"pdftotext", "soffice", "cc"}, uid=1000, lacking=lacking
    )
    assert result.returncode == 0, result.stderr
    wanted = "chromium npm python3-venv libpangoft2-1.0-0"
    assert result.stdout == f"tests/setup-debian.sh: installing {wanted}\n"
    assert [line.split(" ", 1)[0] for line in log] == ["sudo", "apt-get", "apt-get"]
    assert log[1:] == ["apt-get update -qq", f"apt-get install -y -qq {wanted}"]


def test_each_python_part_names_its_package(tmp_path):
    """Python.h missing: python3-dev; and so on, one at a time."""
    for number, (part, package) in enumerate(PYTHON_PARTS.items()):
        folder = tmp_path / str(number)
        folder.mkdir()
        result, log = run_setup(folder, present=set(PROGRAMS), uid=0, lacking=(part,))
        assert result.returncode == 0, result.stderr
        assert log == ["apt-get update -qq", f"apt-get install -y -qq {package}"]


def test_as_root_it_installs_without_sudo(tmp_path):
    result, log = run_setup(tmp_path, present={"chromium", "npm", "soffice", "cc"}, uid=0)
    assert result.returncode == 0, result.stderr
    assert log == ["apt-get update -qq", "apt-get install -y -qq poppler-utils"]


def test_without_postgresql_s_binaries_it_installs_postgresql(tmp_path):
    """The store's tests start a cluster from /usr/lib/postgresql/*/bin: with no version
    there, the package is installed; any version will do."""
    result, log = run_setup(tmp_path, present=set(PROGRAMS), uid=0, initdb=None)
    assert (result.returncode, result.stdout) == (
        0,
        "tests/setup-debian.sh: installing postgresql\n",
    )
    assert log == ["apt-get update -qq", "apt-get install -y -qq postgresql"]
    other = tmp_path / "other"
    other.mkdir()
    result, log = run_setup(other, present=set(PROGRAMS), uid=1000, initdb="17")
    assert (result.returncode, result.stdout, result.stderr, log) == (0, "", "", [])


def test_an_initdb_that_is_not_executable_is_not_postgresql(tmp_path):
    result, log = run_setup(tmp_path, present=set(PROGRAMS), uid=0, runnable=False)
    assert result.stdout == "tests/setup-debian.sh: installing postgresql\n"
    assert log == ["apt-get update -qq", "apt-get install -y -qq postgresql"]


def test_without_apt_get_it_names_what_to_install(tmp_path):
    result, log = run_setup(tmp_path, present={"chromium", "pdftotext", "cc"}, uid=1000, apt=False)
    assert result.returncode == 1
    assert result.stderr == (
        "tests/setup-debian.sh: no apt-get here; install these with your system's package"
        " manager: npm libreoffice-impress\n"
    )
    assert log == []


def test_the_session_fetches_axe_core_with_npm_when_it_is_missing(tmp_path, monkeypatch):
    """fetch_axe runs `npm pack axe-core@<pinned>` into a folder beside the package and
    moves the file into place; a stub npm writes a stand-in (no network here)."""
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    calls = tmp_path / "calls"
    stub(
        bin_,
        "npm",
        f'echo "$*" >> {calls}\n'
        f'[ "$1 $3 $4" = "pack axe-core@{AXE_VERSION} --pack-destination" ] || exit 2\n'
        f'printf packed > "$5/axe-core-{AXE_VERSION}.tgz"',
    )
    monkeypatch.setenv("PATH", str(bin_))
    package = tmp_path / "cache" / "axe.tgz"
    fetch_axe(package)
    assert package.read_bytes() == b"packed"
    assert sorted(p.name for p in package.parent.iterdir()) == ["axe.tgz"]  # no leftovers
    fetch_axe(package)  # there already: npm is not asked again
    assert len(calls.read_text(encoding="utf-8").splitlines()) == 1


def test_without_npm_nothing_is_fetched(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    package = tmp_path / "cache" / "axe.tgz"
    fetch_axe(package)
    assert not package.parent.exists()


def test_ci_runs_the_readme_test_command_as_it_stands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = readme.split("Install and run the tests:\n\n```sh\n")[1].split("\n```")[0]
    assert shown == (
        "sh tests/setup-debian.sh && python3 -m venv .venv && . .venv/bin/activate"
        " && pip install -e '.[test]' && pytest"
    )
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    extraction = re.search(r"^readme_test_command=\$\((.*)\)$", ci, re.MULTILINE)
    assert extraction is not None
    read = subprocess.run(
        ["bash", "-c", extraction.group(1)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert read == shown + "\n"
    assert 'HYPOTHESIS_PROFILE=thorough bash -c "$readme_test_command"\n' in ci
