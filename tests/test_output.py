"""Safe output: whole files or none, never over an input, report sets replaced cleanly."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from conftest import FACTORS, ROOT, SAMPLE_SCORES, write_csv
from ism_advisor.app import write as pipeline
from ism_advisor.core import files as output
from ism_advisor.core.errors import AdvisorError
from ism_advisor.core.files import Outputs, remove_stale_stages, write_atomic


def listing(folder) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def snapshot(folder) -> dict[str, tuple[bytes, int] | None]:
    """Every file under ``folder`` with its bytes and modification time (None: a folder)."""
    return {
        str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns) if p.is_file() else None
        for p in sorted(folder.rglob("*"))
    }


def staging(folder) -> list[str]:
    return sorted(str(p) for p in folder.rglob(".staging-*"))


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


def test_write_atomic_takes_the_longest_name_and_refuses_a_folder(tmp_path):
    """(map, sample, init) The temporary file's name is short: a name of 255 bytes is
    written, not refused for its temporary's."""
    name = "a" * 250 + ".yaml"
    write_atomic(tmp_path / name, b"x")
    (tmp_path / "adir").mkdir()
    with pytest.raises(AdvisorError) as caught:
        write_atomic(tmp_path / "adir", b"x")
    assert str(caught.value) == f"{tmp_path / 'adir'}: is a folder, not a file"
    assert listing(tmp_path) == [name, "adir"]


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


def earlier_run(cli, tmp_path) -> dict:
    """An earlier run's report and per-segment set (and a folder named adir): their
    snapshot."""
    shutil.copyfile(SAMPLE_SCORES, tmp_path / "scores.csv")
    first = cli(
        "scores.csv",
        "--segment-by",
        "organisation",
        "--per-segment",
        "reports",
        "--format",
        "md",
        "-o",
        "advice.md",
    )
    assert first.exit_code == 0, first.stderr
    (tmp_path / "adir").mkdir()
    return snapshot(tmp_path)


#: A second run that would replace the earlier outputs (another set of segments).
SECOND = (
    "scores.csv",
    "--segment-by",
    "organisation+department",
    "--per-segment",
    "reports",
    "--format",
    "md",
)
LONG = "a" * 300


def name_max(folder) -> int:
    return os.pathconf(folder, "PC_NAME_MAX")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("-o", "adir"), "adir: is a folder, not a file"),
        (
            ("-o", f"{LONG}.md"),
            f"{LONG}.md: cannot write here: the name is 303 bytes long; this folder allows {{max}}",
        ),
        (
            ("-o", "advice.md", "--per-segment", LONG),
            f"{LONG}: cannot write here: the name is 300 bytes long; this folder allows {{max}}",
        ),
        (("-o", "advice.md", "--per-segment", "advice.md"), "advice.md: is a file, not a folder"),
        (
            ("-o", "missing/advice.md"),
            "missing/advice.md: cannot write here: the folder missing does not exist",
        ),
    ],
    ids=["output-a-folder", "output-name-too-long", "set-name-too-long", "set-a-file", "no-folder"],
)
def test_a_refused_output_changes_no_earlier_file(cli, tmp_path, args, message):
    """The red team's cases: the earlier reports were replaced before the run failed."""
    before = earlier_run(cli, tmp_path)
    result = cli(*SECOND, *args)
    expected = message.replace("{max}", str(name_max(tmp_path)))
    assert (result.exit_code, result.stderr, result.stdout) == (1, expected + "\n", "")
    assert snapshot(tmp_path) == before
    assert staging(tmp_path) == []


def test_a_folder_where_a_report_goes_changes_nothing(cli, tmp_path):
    """Found only once the set is made (the names come from the segments): refused before
    anything is moved, and the folder and what it holds are kept."""
    earlier_run(cli, tmp_path)
    mine = tmp_path / "reports" / "organisation-department-technobouw-sales.md"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine")
    before = snapshot(tmp_path)
    result = cli(*SECOND, "-o", "advice.md")
    assert (result.exit_code, result.stderr) == (
        1,
        "reports/organisation-department-technobouw-sales.md: is a folder, not a file\n",
    )
    assert snapshot(tmp_path) == before
    assert staging(tmp_path) == []


def test_a_name_of_250_characters_is_written(cli, tmp_path):
    """It failed only because the temporary file's name was longer still."""
    earlier_run(cli, tmp_path)
    name = "a" * 247 + ".md"
    result = cli(*SECOND, "-o", name)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{name}\n"
    assert (tmp_path / name).read_text(encoding="utf-8").startswith("# ")
    assert len(list((tmp_path / "reports").glob("organisation-department-*.md"))) == 8
    assert not list((tmp_path / "reports").glob("organisation-technobouw.md"))
    assert staging(tmp_path) == []


def test_a_segment_that_fails_to_render_changes_no_earlier_file(cli, tmp_path, monkeypatch):
    before = earlier_run(cli, tmp_path)
    real = pipeline.render

    def render(document, fmt, segment=0, **options):
        if segment > 4:
            raise AdvisorError("the template broke on a segment")
        return real(document, fmt, segment=segment, **options)

    monkeypatch.setattr(pipeline, "render", render)
    result = cli(*SECOND, "-o", "advice.md")
    assert (result.exit_code, result.stderr) == (1, "the template broke on a segment\n")
    assert snapshot(tmp_path) == before
    assert staging(tmp_path) == []


@pytest.mark.parametrize("whole", [True, False], ids=["folder-swapped", "file-by-file"])
def test_a_move_that_fails_is_undone(cli, tmp_path, monkeypatch, whole):
    """The disk fails on the last move (the main report, after the set): every report
    moved before it is put back — the same files, with their times."""
    earlier_run(cli, tmp_path)
    if not whole:  # a file of the user's in the folder: the set is moved file by file
        (tmp_path / "reports" / "notes.txt").write_text("mine")
    before = snapshot(tmp_path)
    real, failed = os.replace, []

    def replace(source, target, *args, **kwargs):
        if str(target) == "advice.md" and not failed:
            failed.append(str(target))
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target))
        return real(source, target, *args, **kwargs)

    monkeypatch.setattr(output.os, "replace", replace)
    result = cli(*SECOND, "-o", "advice.md")
    assert (result.exit_code, result.stderr) == (
        1,
        "advice.md: cannot write here: No space left on device\n",
    )
    assert failed == ["advice.md"]
    assert snapshot(tmp_path) == before
    assert staging(tmp_path) == []


def test_a_set_of_ours_is_replaced_whole_and_a_shared_folder_file_by_file(cli, tmp_path):
    earlier_run(cli, tmp_path)
    reports = tmp_path / "reports"
    inode = reports.stat().st_ino
    assert cli(*SECOND, "-o", "advice.md").exit_code == 0
    new_set = listing(reports)
    assert len(new_set) == 9 and ".ism-advisor-reports" in new_set
    assert reports.stat().st_ino != inode  # the new folder took the old one's place
    mask = os.umask(0)
    os.umask(mask)
    assert reports.stat().st_mode & 0o777 == 0o777 & ~mask
    assert all((reports / n).stat().st_mode & 0o777 == 0o666 & ~mask for n in new_set)
    (reports / "notes.txt").write_text("mine")
    inode = reports.stat().st_ino
    third = cli(*SECOND[:2], "organisation", *SECOND[3:], "-o", "advice.md")
    assert third.exit_code == 0, third.stderr
    assert reports.stat().st_ino == inode  # a file of the user's: the folder stays
    assert listing(reports) == [
        ".ism-advisor-reports",
        "notes.txt",
        "organisation-gemeente-rivierstad.md",
        "organisation-technobouw.md",
        "organisation-zorggroep-oost.md",
    ]


def test_per_segment_interrupted_keeps_the_earlier_set(cli, tmp_path, monkeypatch):
    before = earlier_run(cli, tmp_path)
    calls = []
    real = Outputs.write_in

    def write_in(self, name, data):
        calls.append(name)
        if len(calls) == 3:
            raise KeyboardInterrupt  # Ctrl-C arriving while the set is being written
        return real(self, name, data)

    monkeypatch.setattr(Outputs, "write_in", write_in)
    result = cli(*SECOND, "-o", "advice.md")
    assert (result.exit_code, result.stderr) == (1, "\nAborted!\n")  # click's answer to Ctrl-C
    assert len(calls) == 3
    assert snapshot(tmp_path) == before
    assert staging(tmp_path) == []


def test_a_set_refuses_to_replace_an_input(tmp_path):
    (tmp_path / "a.csv").write_text("x")
    outputs = Outputs([tmp_path / "a.csv"])
    outputs.folder(tmp_path)
    with pytest.raises(AdvisorError) as caught, outputs:
        outputs.write_in("a.csv", b"report")
    assert (
        str(caught.value)
        == f"{tmp_path / 'a.csv'}: refusing to write the output over the input file {tmp_path / 'a.csv'}"
    )
    assert listing(tmp_path) == ["a.csv"]
    assert (tmp_path / "a.csv").read_text() == "x"


def test_the_signal_handlers_are_restored(tmp_path):
    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    outputs = Outputs()
    outputs.file(tmp_path / "a.txt")
    with outputs:
        assert signal.getsignal(signal.SIGTERM) not in before
        outputs.write(tmp_path / "a.txt", b"x")
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before
    with pytest.raises(AdvisorError), outputs:
        raise AdvisorError("stop")
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before
    assert listing(tmp_path) == ["a.txt"]


def questionnaire_codebook(tmp_path) -> str:
    """The packaged codebook with options for its segment questions (the packaged one has
    none, and a questionnaire never asks a segment as free text)."""
    from instruments import packaged_with_options

    return str(packaged_with_options(tmp_path / "ours.yaml"))


def test_questionnaire_with_a_folder_as_key_writes_nothing(cli, tmp_path):
    codebook = questionnaire_codebook(tmp_path)
    first = cli("questionnaire", "--codebook", codebook, "-o", "q.md", "--key", "key.md")
    assert first.exit_code == 0, first.stderr
    (tmp_path / "adir").mkdir()
    before = snapshot(tmp_path)
    result = cli(
        "questionnaire", "--codebook", codebook, "--lang", "nl", "-o", "q.md", "--key", "adir"
    )
    assert (result.exit_code, result.stderr, result.stdout) == (
        1,
        "adir: is een map, geen bestand\n",
        "",
    )
    assert snapshot(tmp_path) == before
    assert staging(tmp_path) == []


def test_questionnaire_whose_key_fails_to_move_keeps_the_earlier_pair(cli, tmp_path, monkeypatch):
    codebook = questionnaire_codebook(tmp_path)
    first = cli("questionnaire", "--codebook", codebook, "-o", "q.md", "--key", "key.md")
    assert first.exit_code == 0, first.stderr
    before = snapshot(tmp_path)
    real = os.replace

    def replace(source, target, *args, **kwargs):
        if str(target) == "key.md" and "staging" in str(source):
            raise OSError(errno.EIO, os.strerror(errno.EIO), str(target))
        return real(source, target, *args, **kwargs)

    monkeypatch.setattr(output.os, "replace", replace)
    result = cli(
        "questionnaire", "--codebook", codebook, "--lang", "nl", "-o", "q.md", "--key", "key.md"
    )
    assert result.exit_code == 1  # after the codebook's warnings, the one error
    assert result.stderr.splitlines()[-1] == "key.md: kan hier niet schrijven: Input/output error"
    assert snapshot(tmp_path) == before
    assert staging(tmp_path) == []


def teams_survey(folder, teams: int = 60):
    rows = []
    for team in range(teams):
        rows += [[f"team {team:02d}", "ja", *[4] * 7]] * 6 + [
            [f"team {team:02d}", "nee", *[3] * 7]
        ] * 6
    write_csv(folder / "teams.csv", ["team", "user", *FACTORS], rows)


PDF_RUN = (
    "teams.csv",
    "--segment-by",
    "team",
    "--per-segment",
    "out",
    "--format",
    "pdf",
    "-o",
    "report.pdf",
)


def group_ended(process: subprocess.Popen) -> bool:
    """No process of the run's group is left (its rendering workers included)."""
    try:
        os.killpg(process.pid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.fixture
def runs():
    """The PDF runs a test starts; any process of theirs still there at the end is ended."""
    started: list[subprocess.Popen] = []
    yield started
    for process in started:
        if not group_ended(process):
            os.killpg(process.pid, signal.SIGKILL)


def start_pdf_run(folder, runs) -> subprocess.Popen:
    """The PDF run in a process of its own (and its own process group, with its workers),
    once it has staged a segment's report."""
    process = subprocess.Popen(
        [sys.executable, "-m", "ism_advisor", *PDF_RUN],
        cwd=folder,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    runs.append(process)
    deadline = time.monotonic() + 120
    while not any(folder.glob(".staging-*/set/*.pdf")):
        assert process.poll() is None, "finished before the signal"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    return process


def test_ctrl_c_during_per_segment_leaves_no_partial_file(tmp_path, runs):
    """A real SIGINT while PDF reports are being made: nothing half-done remains."""
    teams_survey(tmp_path)
    with start_pdf_run(tmp_path, runs) as process:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
    assert process.returncode == 1
    assert stderr.decode().endswith("Aborted!\n")
    assert group_ended(process)
    assert listing(tmp_path) == ["teams.csv"]  # no staging folder, no report, no folder


@pytest.mark.parametrize("group", [False, True], ids=["to-the-run", "to-its-group"])
def test_sigterm_during_per_segment_changes_nothing(cli, tmp_path, runs, group):
    """SIGTERM (what `kill` sends, or a service manager to the whole group, workers
    included) while PDF reports are being made: the staging is removed, the earlier
    reports stay, the workers stop first, the process ends of the signal."""
    teams_survey(tmp_path)
    first = cli("teams.csv", "--segment-by", "team", "--per-segment", "out", "--format", "md")
    assert first.exit_code == 0, first.stderr
    before = snapshot(tmp_path)
    with start_pdf_run(tmp_path, runs) as process:
        if group:
            os.killpg(process.pid, signal.SIGTERM)
        else:
            process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=60)
    assert (process.returncode, stdout, stderr) == (-signal.SIGTERM, b"", b"")
    assert group_ended(process)  # the workers stopped first
    assert snapshot(tmp_path) == before
    assert staging(tmp_path) == []


def test_a_killed_runs_staging_is_removed_by_the_next_run(cli, tmp_path, runs):
    """SIGKILL cannot be caught: the staging folder stays, and the next run removes it."""
    teams_survey(tmp_path)
    with start_pdf_run(tmp_path, runs) as process:
        os.killpg(process.pid, signal.SIGKILL)  # the run and its workers
        process.communicate(timeout=60)
    left = [p.name for p in tmp_path.glob(".staging-*")]
    assert len(left) == 1 and left[0].startswith(f".staging-{process.pid}-")
    result = cli("teams.csv", "--segment-by", "team", "--per-segment", "out", "--format", "md")
    assert result.exit_code == 0, result.stderr
    assert staging(tmp_path) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "teams-advice.md", "teams.csv"]


def test_only_staging_folders_no_run_uses_are_removed(tmp_path):
    host = output.host_tag()
    other = "0" * 8 if host != "0" * 8 else "1" * 8
    with subprocess.Popen([sys.executable, "-c", ""]) as ended:
        pass
    dead, alive = ended.pid, os.getppid()
    day_ago = time.time() - output.STALE_AFTER - 60
    names = {
        f".staging-{dead}-{host}-gone1": True,  # this machine, its process ended
        f".staging-{alive}-{host}-busy1": False,  # this machine, its process runs
        f".staging-{dead}-{other}-away1": False,  # another machine: changed lately
        f".staging-{dead}-{other}-away2": True,  # another machine: unchanged for a day
        ".staging-abcd1234": False,  # an earlier release's, changed lately
        ".staging-efgh5678": True,  # an earlier release's, unchanged for a day
        ".staging-notes": False,  # not a name of ours
    }
    for name in names:
        (tmp_path / name / "set").mkdir(parents=True)
        (tmp_path / name / "set" / "a.md").write_text("x")
        if name.endswith(("away2", "5678", "notes")):
            for path in (
                tmp_path / name / "set" / "a.md",
                tmp_path / name / "set",
                tmp_path / name,
            ):
                os.utime(path, (day_ago, day_ago))
    (tmp_path / ".staging-file").write_text("not a folder")
    (tmp_path / ".staging-link").symlink_to(tmp_path / f".staging-{dead}-{host}-gone1")
    removed = remove_stale_stages(tmp_path)
    assert sorted(removed) == sorted(name for name, stale in names.items() if stale)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [*(name for name, stale in names.items() if not stale), ".staging-file", ".staging-link"]
    )


def test_module_entry_point_runs(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "ism_advisor", "--version"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    assert result.stdout.startswith("ism-advise, version ")


def test_sample_writes_all_its_files_or_none(cli, tmp_path):
    (tmp_path / "out" / "responses.csv").mkdir(parents=True)
    result = cli("sample", "-o", "out")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == "out/responses.csv: is a folder, not a file\n"
    assert listing(tmp_path) == ["out", "out/responses.csv"]


def test_a_path_past_the_systems_limit_is_refused_before_any_work(tmp_path, monkeypatch):
    """PATH_MAX (4096 on Linux) is hard to reach in a test folder: a system with a limit of
    64 bytes stands in for it."""
    limits = {"PC_NAME_MAX": 255, "PC_PATH_MAX": 64}
    monkeypatch.setattr(output, "_pathconf", lambda folder, name, default: limits[name])
    target = tmp_path / "advice.html"
    length = len(os.fsencode(str(target)))
    assert length > 63
    with pytest.raises(AdvisorError) as caught:
        Outputs().file(target)
    assert str(caught.value) == (
        f"{target}: cannot write here: the path is {length} bytes long; this system allows 63"
    )
    assert listing(tmp_path) == []


def test_init_writes_every_file_or_none(cli, tmp_path, monkeypatch):
    real = os.replace

    def replace(source, target, *args, **kwargs):
        if str(target).endswith("README.md"):  # the last file: the disk fails
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target))
        return real(source, target, *args, **kwargs)

    monkeypatch.setattr(output.os, "replace", replace)
    result = cli("init", "ours")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == "ours/README.md: cannot write here: No space left on device\n"
    assert listing(tmp_path) == []  # no file, and no folder made for them
