"""ism-advisor benchmark: the time and memory of every stage against a pandas floor.

    python benchmarks/run.py                  # the full grid (about 25 minutes)
    python benchmarks/run.py --quick          # 10k and 100k respondents only
    python benchmarks/run.py --model          # the cost model: the 16 score cells only
    python benchmarks/run.py --model --sizes 10000 100000   # a smaller grid
    python benchmarks/run.py --out benchmarks/RESULTS.md
    python benchmarks/run.py --only 1000000 5000 --segment-by team --segment-by location
    python benchmarks/run.py --waves          # comparing two survey waves only
    python benchmarks/run.py --drivers        # the driver analysis alone (about 10 minutes)
    python benchmarks/run.py --decks          # --per-segment decks against HTML reports
    python benchmarks/run.py --briefs         # manager briefs (HTML, PDF) and full reports

Inputs are generated (seeded) by the sample generator, score-level and item-level, at
10k, 100k, 1M and 2M respondents with 10, 100, 1,000 and 5,000 segments (column
``team``). Every measurement runs in a child process of its own, so that its peak memory
is its own. The floor is what pandas alone needs: a process that imports pandas, does
``read_csv`` of the same file and one ``groupby(team, user)[factors].agg([mean, std,
count])``; its *process* wall time (start-up included) is the denominator of the ratios
the targets use, its in-process seconds (read and groupby only) are kept too. Per cell the
floor and the JSON command run interleaved, twice each, and the faster run of each
counts; the in-process run (:func:`task_inprocess`: the product's own
``app.run.run`` + ``document`` + ``to_json``, stage times from its progress messages) and
the HTML command run once.

**The cost model.** Over the score cells, least squares fit
``T = fixed + a·respondents + b·segments`` to the JSON command, the in-process run, the
floor process and the floor in-process (:func:`fit_cost_model`); the report prints the
three terms, a ÷ the floor process's a, the largest relative residual, and a table of the
targets (issue 29) met or missed.

**Memory.** A command's peak is the larger of (1) its largest single process's maximum RSS
(``/usr/bin/time -v``'s, i.e. ``ru_maxrss``: it does not add up forked workers) and (2)
the largest sum, sampled from ``/proc`` every 50 ms (less often while reading a worker's
memory map takes long), of the command's RSS and each descendant process's private memory
(forked workers share the parent's pages copy-on-write; what they add is what they own).
CPU seconds are the command's user + system time, its children's included.

**Bytecode.** Children run with cached bytecode, as an installed package does: without
``PYTHONDONTWRITEBYTECODE``, with ``PYTHONPYCACHEPREFIX`` in the run's temporary folder,
after one warm-up (``compileall`` of the package, the libraries imported once, the
sample run once).

``--waves`` measures the comparison of two survey waves alone (``waves.compare_waves``,
in-process, the data generated in memory, best of two runs): two waves of 10k, 100k and
1M respondents each with 10, 1,000 and 5,000 segments, with independent samples and with
respondent keys linking 85% of the respondents (paired figures too). Its floor is one
``groupby([team, wave, user])[factors].agg([mean, std, count])`` of the same frame.
``--decks`` measures ``--per-segment`` PowerPoint decks (reports/s, on every core) on the
grid's throughput file (200k respondents, 1,000 teams), with HTML reports of the same
segments for comparison.
``--briefs`` measures ``--per-segment --brief`` (briefs/s, HTML and PDF, on every core)
and full reports per segment (HTML and PDF) on the same throughput file;
``benchmarks/cpu_per_report.py`` gives the CPU time per report of one process, the figure
to compare on a shared machine.
``--drivers`` times :func:`ism_advisor.stats.drivers.driver_analysis` alone on the same
generated data (all respondents plus every team, as the report will analyse them) at
10k, 100k and 1M respondents × 10, 500 and 5,000 teams, without a bootstrap and with the
default number of resamples; at 1M × 5,000 also with other numbers of resamples, which
is how the default was chosen. Generating the data is not timed.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZES = (10_000, 100_000, 1_000_000, 2_000_000)
SEGMENTS = (10, 100, 1_000, 5_000)
WAVE_SIZES = (10_000, 100_000, 1_000_000)
WAVE_SEGMENTS = (10, 1_000, 5_000)
PER_SEGMENT_HTML = 300  # reports rendered to measure reports/s
PER_SEGMENT_PDF = 40
PER_SEGMENT_PPTX = 100
PER_SEGMENT_BRIEF_HTML = 1_000  # --per-segment --brief
PER_SEGMENT_BRIEF_PDF = 60
DRIVER_SIZES = (10_000, 100_000, 1_000_000)
DRIVER_SEGMENTS = (10, 500, 5_000)
DRIVER_RESAMPLES = (0, 100, 200, 400)  # all of them at 1M × 5,000: the choice of RESAMPLES
REPEATS = 2  # floor and JSON command, interleaved, per cell: the faster run counts
SAMPLE_EVERY = 0.05  # seconds between two samples of a command's process tree's memory
#: What a JSON run needs to import (the start-up line; issue 29).
JSON_IMPORTS = (
    "import pandas, scipy.special, scipy.sparse.csgraph, jinja2, yaml, babel.numbers, click,"
    " durable_rules_engine"
)
#: Libraries a JSON run should not import (checked after the sample's JSON run).
NOT_FOR_JSON = ("scipy.stats", "matplotlib", "weasyprint", "pptx")
#: Every library the benchmark's commands import, for the warm-up of the bytecode cache.
WARM_UP_IMPORTS = (
    "import pandas, scipy.stats, scipy.optimize, scipy.sparse.csgraph, matplotlib.figure,"
    " matplotlib.backends.backend_svg, weasyprint, pptx, jinja2, yaml, babel.numbers, click,"
    " durable_rules_engine, threadpoolctl"
)
#: The children's environment (cached bytecode); set by :func:`main`, None: this one's.
ENV: dict[str, str] | None = None


# -- child tasks (each prints one JSON object) --------------------------------------------


def task_generate(path: str, respondents: int, segments: int, items: bool) -> dict:
    from ism_advisor.survey.codebook import load_codebook
    from ism_advisor.survey.sample import generate_large

    frame = generate_large(load_codebook(), respondents, segments, items=items)
    frame.to_csv(path, index=False)
    return {"columns": len(frame.columns)}


#: The floor: a process that imports pandas, reads the file and does one groupby
#: (``python -c FLOOR PATH COLUMNS``, nothing else imported); prints its in-process seconds.
FLOOR = """
import json, sys, time
import pandas as pd
path, columns = sys.argv[1], json.loads(sys.argv[2])
start = time.perf_counter()
frame = pd.read_csv(path)
frame.groupby(["team", "user"], observed=True)[columns].agg(["mean", "std", "count"])
print(json.dumps({"seconds": time.perf_counter() - start}))
"""


def run_floor(path: Path, columns: list[str]) -> dict:
    return measure([sys.executable, "-c", FLOOR, str(path), json.dumps(columns)], parse=True)


#: The progress messages of ``app.run.run`` and ``document``, in order, by how their
#: template starts, each with the stage it starts (``knowledge`` starts the run).
STAGE_MESSAGES = (
    ("reading", "read"),
    ("comparing", "compare+publish"),
    ("estimating", "drivers"),
    ("applying", "facts+rules+because"),
    ("writing", "document"),
)
STAGES = ("knowledge", *(stage for _, stage in STAGE_MESSAGES), "json")


def stage_seconds(marks: Sequence[tuple[str, float]], start: float, end: float) -> dict:
    """Each stage's seconds from the progress messages' times ``marks`` ((template, time)
    in order), the run's ``start`` and the time ``end`` the JSON text was done; the JSON
    stage starts at the mark ``"json"``. A stage whose message did not come is 0."""
    starts = {"knowledge": start}
    for template, when in marks:
        for prefix, stage in (*STAGE_MESSAGES, ("json", "json")):
            if template.startswith(prefix) and stage not in starts:
                starts[stage] = when
    times = [(starts[stage], stage) for stage in STAGES if stage in starts]
    ends = [when for when, _ in times[1:]] + [end]
    seconds = {stage: 0.0 for stage in STAGES}
    for (when, stage), until in zip(times, ends, strict=True):
        seconds[stage] = until - when
    return seconds


def task_inprocess(path: str, segment_by: list[str]) -> dict:
    """The JSON run in a running Python: ``app.run.run``, ``document`` and ``to_json`` as
    the command calls them (the imports are not timed), per stage."""
    from ism_advisor.advice.document import to_json
    from ism_advisor.advice.engine import run_rules
    from ism_advisor.app.run import document, run
    from ism_advisor.app.settings import Settings
    from ism_advisor.core.parallel import worker_count

    marks: list[tuple[str, float]] = []

    def stamp(message) -> None:
        marks.append((message.template, time.perf_counter()))

    start = time.perf_counter()
    found = run(Settings.of([path], segment_by=segment_by), progress=stamp)
    out = document(found, progress=stamp)
    marks.append(("json", time.perf_counter()))
    text = to_json(out, workers=worker_count())  # as app.write calls it
    end = time.perf_counter()
    shown = [f for f in found.facts if f is not None]
    rules_start = time.perf_counter()
    run_rules(found.knowledge.rulebase, shown)  # the rules stage alone, for facts/s (untimed)
    rules_seconds = time.perf_counter() - rules_start
    return {
        "seconds": end - start,
        "stages": stage_seconds(marks, start, end),
        "rules_seconds": rules_seconds,
        "comparison_facts": sum(len(f.comparisons) for f in shown),
        "segments": len(found.latest.published.segments) - 1,
        "shown": len(shown),
        "json_mb": len(text.encode()) / 1e6,
    }


def task_loaded(arguments: list[str]) -> dict:
    """Run ``ism-advise ARGUMENTS`` in this process; which of :data:`NOT_FOR_JSON` it
    imported."""
    from ism_advisor.cli import main

    sys.argv = ["ism-advise", *arguments]
    with contextlib.redirect_stdout(io.StringIO()):
        try:
            main()
        except SystemExit as stop:
            if stop.code not in (0, None):
                raise
    return {"loaded": [name for name in NOT_FOR_JSON if name in sys.modules]}


def task_per_segment(path: str, fmt: str, limit: int, brief: bool = False) -> dict:
    from ism_advisor.app.pipeline import advise
    from ism_advisor.app.write import render_segments, segment_reports
    from ism_advisor.core.parallel import available_cores

    document = advise(path, segment_by=["team"]).document
    segments = [index for _, index in segment_reports(document, fmt)][:limit]
    cores = available_cores()
    options = {"brief": True} if brief else {}
    start = time.perf_counter()
    count = sum(1 for _ in render_segments(document, fmt, segments, workers=cores, **options))
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "reports": count, "per_second": count / seconds, "cores": cores}


def task_waves(respondents: int, segments: int, paired: bool) -> dict:
    """Two waves of ``respondents`` each; wave 2 shares 85% of wave 1's respondent keys."""
    import pandas as pd

    from ism_advisor.stats.waves import compare_waves
    from ism_advisor.survey.codebook import load_codebook
    from ism_advisor.survey.sample import generate_large

    codebook = load_codebook()
    first = generate_large(codebook, respondents, segments, seed=1)
    second = generate_large(codebook, respondents, segments, seed=2)
    second["respondent"] += int(0.15 * respondents)
    data = pd.concat([first.assign(wave="1"), second.assign(wave="2")], ignore_index=True)
    data["is_user"] = data["user"] == "yes"
    factors = list(codebook.factor_ids)
    del first, second
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    data_mb = pages * os.sysconf("SC_PAGE_SIZE") / 2**20  # resident before the comparison
    floor = seconds = float("inf")
    for _ in range(2):  # best of two: the machine is shared
        start = time.perf_counter()
        data.groupby(["team", "wave", "user"], observed=True)[factors].agg(["mean", "std", "count"])
        floor = min(floor, time.perf_counter() - start)
        start = time.perf_counter()
        result = compare_waves(
            data,
            factors,
            segment_by=["team"],
            higher_is_worse=[f.id for f in codebook.factors if not f.higher_is_better],
            respondent="respondent" if paired else None,
        )
        seconds = min(seconds, time.perf_counter() - start)
        rows = len(result.changes)
        if result.paired_changes is not None:
            rows += len(result.paired_changes)
        del result  # not alive during the second run's peak
    return {"seconds": seconds, "floor": floor, "rows": rows, "data_mb": data_mb}


def task_drivers(respondents: int, segments: int, resamples: int) -> dict:
    import numpy as np

    from ism_advisor.stats.drivers import driver_analysis
    from ism_advisor.survey.codebook import load_codebook
    from ism_advisor.survey.sample import generate_large

    codebook = load_codebook()
    frame = generate_large(codebook, respondents, segments)
    scores = frame[list(codebook.factor_ids)]
    use = (frame["user"] == "yes").to_numpy()
    codes = [np.zeros(len(frame), dtype=np.int64), frame["team"].cat.codes.to_numpy()]
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # the data's own peak
    start, cpu = time.perf_counter(), time.process_time()
    result = driver_analysis(scores, use, codes, resamples=resamples)
    return {
        "seconds": time.perf_counter() - start,
        "cpu": time.process_time() - cpu,
        "segments": len(result.models),
        "fitted": int(result.models["fitted"].sum()),
        "data_mb": before,
    }


TASKS = {
    "generate": task_generate,
    "waves": task_waves,
    "inprocess": task_inprocess,
    "loaded": task_loaded,
    "per_segment": task_per_segment,
    "drivers": task_drivers,
}


# -- the driver ------------------------------------------------------------------------------


def children(pid: int) -> list[int]:
    """The processes ``pid`` started (from ``/proc``; none when it is gone)."""
    found = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return []
    for task in tasks:
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def descendants(pid: int) -> list[int]:
    """The processes below ``pid``."""
    found, todo = [], [pid]
    while todo:
        below = children(todo.pop())
        found += below
        todo += below
    return found


def _kb(path: str, fields: tuple[str, ...]) -> int:
    """The sum of ``fields`` (kB lines) of a /proc file; 0 when the process is gone."""
    try:
        text = Path(path).read_text()
    except OSError:
        return 0
    return sum(int(line.split()[1]) for line in text.splitlines() if line.split(":")[0] in fields)


def tree_kb(pid: int) -> int:
    """The memory of ``pid`` and its descendants now, in kB: ``pid``'s RSS plus each
    descendant's private memory (what a forked worker adds to the pages it shares)."""
    private = ("Private_Clean", "Private_Dirty")
    return _kb(f"/proc/{pid}/status", ("VmRSS",)) + sum(
        _kb(f"/proc/{child}/smaps_rollup", private) for child in descendants(pid)
    )


class TreeMemory(threading.Thread):
    """Samples :func:`tree_kb` of the processes a launcher started (``/usr/bin/time``'s
    command) every :data:`SAMPLE_EVERY` seconds, or ten times as long as a sample takes;
    ``peak_kb`` is the largest sum."""

    def __init__(self, launcher: int) -> None:
        super().__init__(daemon=True)
        self.launcher, self.peak_kb = launcher, 0
        self._done = threading.Event()

    def run(self) -> None:
        while True:
            start = time.perf_counter()
            now = sum(tree_kb(pid) for pid in children(self.launcher))
            self.peak_kb = max(self.peak_kb, now)
            # reading a worker's smaps_rollup walks its page tables (about 10 ms for a
            # worker forked from a 1 GB process): sampling takes at most a tenth of a core
            if self._done.wait(max(SAMPLE_EVERY, 10 * (time.perf_counter() - start))):
                return

    def stop(self) -> None:
        self._done.set()
        self.join()


def measure(command: list[str], cwd: Path | None = None, parse: bool = False) -> dict:
    """Run ``command`` under ``/usr/bin/time -v``: its wall and CPU seconds and its peak
    memory (``rss_mb``: the larger of its largest single process's maximum RSS,
    ``single_mb``, and its process tree's sampled peak, ``tree_mb``; see the module's
    docstring). ``parse``: the command prints a JSON object, merged into the result.

    ``time`` starts the command: a process started from this one directly would report
    (``ru_maxrss``) this process's own peak if it were larger, since Linux keeps the
    peak across ``exec``."""
    time_binary = shutil.which("time") or "/usr/bin/time"
    with (
        tempfile.NamedTemporaryFile("r", suffix=".txt") as report,
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
    ):
        start = time.perf_counter()
        process = subprocess.Popen(
            [time_binary, "-v", "-o", report.name, *command],
            stdout=out,
            stderr=err,
            cwd=cwd,
            env=ENV,
        )
        sampler = TreeMemory(process.pid)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        sampler.stop()
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if process.returncode != 0:
            raise RuntimeError(f"{command} failed: {err.read().decode()[-2000:]}")
        result = json.loads(out.read()) if parse else {}
        text = Path(report.name).read_text()
    single = next(
        int(line.split(":")[1]) / 1024
        for line in text.splitlines()
        if "Maximum resident set size" in line
    )
    tree = sampler.peak_kb / 1024
    result.setdefault("seconds", wall)
    result.update(
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        rss_mb=max(single, tree),
        single_mb=single,
        tree_mb=tree,
    )
    return result


def run_task(task: str, *args, cwd: Path | None = None) -> dict:
    return measure(
        [sys.executable, __file__, "--child", task, json.dumps(args)], cwd=cwd, parse=True
    )


def best_of(command: list[str], times: int = 5, cwd: Path | None = None) -> float:
    best = float("inf")
    for _ in range(times):
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True, cwd=cwd, env=ENV)
        best = min(best, time.perf_counter() - start)
    return best


def fastest(runs: Sequence[dict]) -> dict:
    """The run with the least wall time, with the largest peak memory of all ``runs``."""
    best = dict(min(runs, key=lambda run: run["wall"]))
    best["rss_mb"] = max(run["rss_mb"] for run in runs)
    return best


def cached_bytecode(folder: Path) -> dict[str, str]:
    """The children's environment: bytecode written to and read from ``folder``."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")
    return env


def warm_up(ism: str, work: Path) -> None:
    """Fill the bytecode cache: compile the package, import the libraries, run the sample."""
    package = ROOT / "ism_advisor"
    for command in (
        [sys.executable, "-m", "compileall", "-q", str(package)],
        [sys.executable, "-c", WARM_UP_IMPORTS],
        [ism, str(SAMPLE), *SAMPLE_JSON, "-o", str(work / "warm.json"), "--quiet"],
        [ism, str(SAMPLE), "--segment-by", "organisation", "-o", str(work / "warm.html")],
    ):
        subprocess.run(command, capture_output=True, check=True, cwd=work, env=ENV)


SAMPLE = ROOT / "sample_data" / "scores.csv"
SAMPLE_JSON = ("--segment-by", "organisation", "--format", "json")


def startup(ism: str, work: Path) -> dict:
    """The fixed cost: ``--help``, the sample's JSON command, what it imports."""
    sample = [ism, str(SAMPLE), *SAMPLE_JSON, "-o", str(work / "sample.json"), "--quiet"]
    return {
        "help": best_of([ism, "--help"]),
        "sample": best_of(sample),
        "imports": best_of([sys.executable, "-c", JSON_IMPORTS]),
        "loaded": run_task("loaded", sample[1:])["loaded"],
    }


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    import pandas

    from ism_advisor.core.parallel import available_cores

    return (
        f"{cpu}; {available_cores()} cores; {memory:.0f} GiB RAM; {platform.system()} "
        f"{platform.release()}; Python {platform.python_version()}; pandas {pandas.__version__}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="10k and 100k respondents only")
    parser.add_argument(
        "--model",
        action="store_true",
        help="the cost model: the score cells only, JSON command, in-process and floor",
    )
    parser.add_argument(
        "--sizes",
        nargs="+",
        type=int,
        metavar="RESPONDENTS",
        help="these numbers of respondents instead of the grid's",
    )
    parser.add_argument("--out", type=Path, default=None, help="write the Markdown table here")
    parser.add_argument(
        "--only",
        nargs=2,
        type=int,
        metavar=("RESPONDENTS", "SEGMENTS"),
        help="one score-input row only (no per-segment or start-up measurements)",
    )
    parser.add_argument(
        "--segment-by",
        action="append",
        default=None,
        metavar="COL",
        help="segmentations (default: team); 'location' cuts across the teams",
    )
    parser.add_argument("--waves", action="store_true", help="comparing two waves only")
    parser.add_argument("--drivers", action="store_true", help="time the driver analysis alone")
    parser.add_argument(
        "--decks", action="store_true", help="--per-segment PowerPoint decks against HTML"
    )
    parser.add_argument(
        "--briefs", action="store_true", help="--per-segment briefs (HTML, PDF) and full reports"
    )
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        task, args = options.child
        print(json.dumps(TASKS[task](*json.loads(args))))
        return
    if options.briefs:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "throughput.csv"
            run_task("generate", str(path), 200_000, 1_000, False)
            lines = []
            for fmt, brief, limit in (
                ("html", True, PER_SEGMENT_BRIEF_HTML),
                ("pdf", True, PER_SEGMENT_BRIEF_PDF),
                ("html", False, PER_SEGMENT_HTML),
                ("pdf", False, PER_SEGMENT_PDF),
            ):
                result = run_task("per_segment", str(path), fmt, limit, brief)
                what = "briefs" if brief else "full reports"
                lines.append(
                    f"- `--per-segment{' --brief' if brief else ''}` {fmt.upper()}:"
                    f" {result['per_second']:.1f} {what}/s ({result['reports']} {what},"
                    f" {result['cores']} worker processes, peak {result['rss_mb']:.0f} MB)"
                )
        report = "\n".join([*lines, "", f"Machine: {machine()}."]) + "\n"
        if options.out:
            options.out.write_text(report, encoding="utf-8")
        print(report)
        return
    if options.decks:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "throughput.csv"
            run_task("generate", str(path), 200_000, 1_000, False)
            lines = []
            for fmt in ("pptx", "html"):
                result = run_task("per_segment", str(path), fmt, PER_SEGMENT_PPTX)
                lines.append(
                    f"- `--per-segment` {fmt.upper()}: {result['per_second']:.1f} reports/s"
                    f" ({result['reports']} reports, {result['cores']} worker processes,"
                    f" peak {result['rss_mb']:.0f} MB)"
                )
        report = "\n".join([*lines, "", f"Machine: {machine()}."]) + "\n"
        if options.out:
            options.out.write_text(report, encoding="utf-8")
        print(report)
        return
    if options.waves or options.drivers:
        if options.waves:
            report = render_waves(
                [
                    {"respondents": size, "segments": segments, "paired": paired}
                    | run_task("waves", size, segments, paired)
                    for size in (WAVE_SIZES[:2] if options.quick else WAVE_SIZES)
                    for segments in WAVE_SEGMENTS
                    for paired in (False, True)
                ],
                machine(),
            )
        else:
            report = drivers_benchmark(options.quick, machine())
        if options.out:
            options.out.write_text(report, encoding="utf-8")
        print(report)
        return
    with tempfile.TemporaryDirectory() as folder:
        report = grid_benchmark(options, Path(folder))
    if report is None:
        return
    if options.out:
        options.out.write_text(report, encoding="utf-8")
    print(report)


def grid_benchmark(options: argparse.Namespace, work: Path) -> str | None:
    """The grid (or ``--quick``, ``--model``, ``--only``): its Markdown block (None:
    ``--only``, whose rows are printed)."""
    global ENV
    from ism_advisor.survey.codebook import load_codebook

    codebook = load_codebook()
    sizes = tuple(options.sizes or (SIZES[:2] if options.quick else SIZES))
    segment_by = options.segment_by or ["team"]
    by = [arg for column in segment_by for arg in ("--segment-by", column)]
    grid = [
        (items, size, segments)
        for items in (False, True)
        for size in sizes
        for segments in SEGMENTS
        if not (items and (segments != 5_000 or size < 1_000_000) and size != sizes[0])
        and not (items and options.model)
    ]
    if options.only:
        grid = [(False, options.only[0], options.only[1])]
    ism = shutil.which("ism-advise") or str(Path(sys.executable).parent / "ism-advise")
    ENV = cached_bytecode(work)
    warm_up(ism, work)
    rows = []
    for items, size, segments in grid:
        path = work / f"{'items' if items else 'scores'}-{size}-{segments}.csv"
        run_task("generate", str(path), size, segments, items)
        columns = (
            [i.id for f in codebook.factors for i in f.items]
            if items
            else list(codebook.factor_ids)
        )
        json_command = [ism, str(path), *by, "--format", "json", "-o", str(work / "out.json")]
        floors, commands = [], []
        for _ in range(REPEATS):  # interleaved: the machine's load hits both alike
            floors.append(run_floor(path, columns))
            commands.append(measure([*json_command, "--quiet"]))
        kind = "items" if items else "scores"
        row = {
            "input": kind if segment_by == ["team"] else f"{kind}; {', '.join(segment_by)}",
            "respondents": size,
            "segments": segments,
            "floor": fastest(floors),
            "command": fastest(commands),
            "inprocess": run_task("inprocess", str(path), segment_by),
            "html": None,
        }
        if not options.model:
            row["html"] = measure([ism, str(path), *by, "-o", str(work / "out.html"), "--quiet"])
        rows.append(row)
        print(summary_line(row), flush=True)
        path.unlink()
    if options.only:
        print("\n".join([*render_grid(rows), "", *render_stages(rows)]))
        return None
    per_segment = None
    if not options.model:
        throughput_path = work / "throughput.csv"
        run_task("generate", str(throughput_path), 200_000, 1_000, False)
        per_segment = (
            run_task("per_segment", str(throughput_path), "html", PER_SEGMENT_HTML),
            run_task("per_segment", str(throughput_path), "pdf", PER_SEGMENT_PDF),
        )
    note = "; --quick" if options.quick else ""
    if options.sizes:
        note += f"; sizes {', '.join(f'{size:,}' for size in sizes)} only"
    return render_markdown(
        rows,
        note=note,
        per_segment=per_segment,
        start=startup(ism, work),
        machine_text=machine(),
    )


@dataclass(frozen=True)
class CostModel:
    """``T = fixed + per_respondent·respondents + per_segment·segments``, fitted."""

    fixed: float  # seconds
    per_respondent: float  # seconds per respondent
    per_segment: float  # seconds per segment
    #: the largest |measured − fitted| / measured over the points, and its point
    largest_error: float
    worst: tuple[int, int]


def fit_cost_model(points: Sequence[tuple[int, int, float]]) -> CostModel | None:
    """Least squares (``numpy.linalg.lstsq``) of seconds on respondents and segments over
    ``points`` (respondents, segments, seconds); None when the three terms cannot all be
    told apart (fewer than two sizes or two numbers of segments)."""
    import numpy as np

    data = np.asarray(points, dtype=float).reshape(-1, 3)
    design = np.column_stack([np.ones(len(data)), data[:, 0], data[:, 1]])
    if len(data) < 3 or np.linalg.matrix_rank(design) < 3:
        return None
    # columns scaled to one, so that the rank and the solve do not depend on their units
    scale = np.abs(design).max(axis=0)
    terms = np.linalg.lstsq(design / scale, data[:, 2], rcond=None)[0] / scale
    relative = np.abs(data[:, 2] - design @ terms) / data[:, 2]
    worst = int(np.argmax(relative))
    return CostModel(
        fixed=float(terms[0]),
        per_respondent=float(terms[1]),
        per_segment=float(terms[2]),
        largest_error=float(relative[worst]),
        worst=(int(data[worst, 0]), int(data[worst, 1])),
    )


#: The fitted runs: (name, how a row gives its seconds).
MODELS = (
    ("JSON command", lambda row: row["command"]["wall"]),
    ("JSON in-process", lambda row: row["inprocess"]["seconds"]),
    ("floor process", lambda row: row["floor"]["wall"]),
    ("floor in-process", lambda row: row["floor"]["seconds"]),
    # CPU seconds (the command's children included): less moved by a shared machine's load
    ("JSON command, CPU", lambda row: row["command"]["cpu"]),
    ("floor process, CPU", lambda row: row["floor"]["cpu"]),
)


#: Cells with fewer respondents per segment are left out of the fit: their segments are
#: mostly hidden by the anonymity threshold (10k × 1,000 and × 5,000: 10 and 2 respondents
#: per team), so they do almost none of the per-segment work the model's b stands for.
MIN_PER_SEGMENT = 100


def cost_models(rows: Sequence[dict]) -> dict[str, CostModel | None]:
    """Each of :data:`MODELS` fitted over the score rows with at least
    :data:`MIN_PER_SEGMENT` respondents per segment (item rows are not fitted)."""
    scores = [
        row
        for row in rows
        if row["input"] == "scores" and row["respondents"] >= MIN_PER_SEGMENT * row["segments"]
    ]
    return {
        name: fit_cost_model([(r["respondents"], r["segments"], seconds(r)) for r in scores])
        for name, seconds in MODELS
    }


def render_cost_model(models: dict[str, CostModel | None], note: str = "") -> list[str]:
    """The table of the fitted terms."""
    lines = [
        f"Cost model T = fixed + a·respondents + b·segments (least squares over the score"
        f" cells with at least {MIN_PER_SEGMENT} respondents per segment{note}):",
        "",
        "| run | fixed s | a µs/respondent | b ms/segment | a ÷ floor process a |"
        " largest residual |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, model in models.items():
        floor = models["floor process, CPU" if name.endswith("CPU") else "floor process"]
        if model is None:
            lines.append(f"| {name} | – | – | – | – | not identifiable from these cells |")
            continue
        ratio = (
            f"{model.per_respondent / floor.per_respondent:.1f}"
            if floor is not None and floor.per_respondent > 0
            else "–"
        )
        lines.append(
            f"| {name} | {model.fixed:.2f} | {model.per_respondent * 1e6:.2f} |"
            f" {model.per_segment * 1e3:.2f} | {ratio} | {model.largest_error:.0%}"
            f" ({model.worst[0]:,} × {model.worst[1]:,}) |"
        )
    lines += [
        "",
        "a: µs of wall time (CPU rows: of CPU time, the command's workers included) per"
        " respondent; the CPU rows' a ÷ the floor process's CPU a. Largest residual:"
        " |measured − fitted| ÷ measured, at its cell (respondents × segments).",
    ]
    return lines


def _verdict(value: float | None, limit: float) -> str:
    if value is None:
        return "not measured"
    return "met" if value <= limit else "**missed**"


def targets(
    models: dict[str, CostModel | None], rows: Sequence[dict], start: dict | None = None
) -> list[tuple[str, ...]]:
    """Issue 29's targets: (target, measured, met / missed / not measured); ``start``: the
    start-up measurements (``sample``: the sample's JSON command, seconds)."""
    command, floor = models["JSON command"], models["floor process"]
    out = []
    # The fixed cost as measured: the sample's JSON command (600 respondents, 3 segments:
    # next to nothing of a·respondents or b·segments). The fit's intercept is shown beside
    # it; over a grid from 10k to 2M respondents it is an extrapolation, not a measurement.
    fixed = start["sample"] if start else None
    intercept = f"; the fit's intercept {command.fixed:.2f} s" if command else ""
    out.append(
        (
            "fixed ≤ 0.5 s",
            f"{fixed:.2f} s (the sample's JSON command){intercept}" if fixed is not None else "–",
        )
    )
    ratio = None
    if command and floor and floor.per_respondent > 0:
        ratio = command.per_respondent / floor.per_respondent
        measured = (
            f"{command.per_respondent * 1e6:.2f} µs against {floor.per_respondent * 1e6:.2f} µs:"
            f" {ratio:.1f}×"
        )
    else:
        measured = "–"
    out.append(("a ≤ 2× the floor process's a", measured))
    segment = command.per_segment if command else None
    shown = f"{segment * 1e3:.2f} ms" if segment is not None else "–"
    out.append(("b ≤ 1.0 ms per segment", shown))
    verdicts = [_verdict(fixed, 0.5), _verdict(ratio, 2.0), _verdict(segment, 1.0e-3)]
    by_cell = {(r["respondents"], r["segments"]): r for r in rows if r["input"] == "scores"}
    for size, segments, limit in ((1_000_000, 10, 3.0), (1_000_000, 5_000, 8.0)):
        row = by_cell.get((size, segments))
        ratio = row["command"]["wall"] / row["floor"]["wall"] if row else None
        measured = (
            f"{row['command']['wall']:.2f} s against {row['floor']['wall']:.2f} s: {ratio:.1f}×"
            if row
            else "–"
        )
        out.append((f"{size:,} × {segments:,} ≤ {limit:.0f}× the floor process", measured))
        verdicts.append(_verdict(ratio, limit))
    peaks = [(r["command"]["rss_mb"] / r["floor"]["rss_mb"], r) for r in rows]
    if peaks:
        worst, row = max(peaks, key=lambda pair: pair[0])
        measured = (
            f"largest {worst:.1f}× ({row['input']} {row['respondents']:,} × {row['segments']:,}:"
            f" {row['command']['rss_mb']:.0f} MB against {row['floor']['rss_mb']:.0f} MB)"
        )
        out.append(("every cell's peak ≤ 2.5× its floor's", measured))
        verdicts.append(_verdict(worst, 2.5))
    return [(*line, verdict) for line, verdict in zip(out, verdicts, strict=True)]


def render_targets(lines: Sequence[tuple[str, ...]]) -> list[str]:
    table = ["| target | measured | met? |", "|---|---|---|"]
    return table + [f"| {target} | {measured} | {verdict} |" for target, measured, verdict in lines]


def drivers_benchmark(quick: bool, machine_text: str) -> str:
    """Time the driver analysis over the grid; a Markdown table."""
    from ism_advisor.stats.drivers import RESAMPLES

    rows = []
    for size in DRIVER_SIZES[:2] if quick else DRIVER_SIZES:
        for segments in DRIVER_SEGMENTS:
            largest = size == DRIVER_SIZES[-1] and segments == DRIVER_SEGMENTS[-1]
            counts = DRIVER_RESAMPLES if largest else (0, RESAMPLES)
            for resamples in counts:
                row = run_task("drivers", size, segments, resamples)
                row.update(respondents=size, teams=segments, resamples=resamples)
                rows.append(row)
                print(
                    f"drivers {size:>9,} x {segments:>5,} teams, {resamples:>3} resamples:"
                    f" {row['seconds']:.2f} s ({row['cpu']:.2f} s CPU), {row['rss_mb']:.0f} MB,"
                    f" {row['fitted']:,} of {row['segments']:,} segments modelled",
                    flush=True,
                )
    lines = [
        "| respondents | teams | segments modelled | resamples | seconds | CPU s |"
        " bootstrap s | peak MB | MB before |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    without = {(r["respondents"], r["teams"]): r for r in rows if r["resamples"] == 0}
    for row in rows:
        base = without[(row["respondents"], row["teams"])]
        bootstrap = row["seconds"] - base["seconds"] if row["resamples"] else 0.0
        lines.append(
            f"| {row['respondents']:,} | {row['teams']:,} |"
            f" {row['fitted']:,} of {row['segments']:,} | {row['resamples']} |"
            f" {row['seconds']:.2f} | {row['cpu']:.2f} | {bootstrap:.2f} |"
            f" {row['rss_mb']:.0f} | {row['data_mb']:.0f} |"
        )
    return "\n".join([*lines, "", f"Machine: {machine_text}."]) + "\n"


def summary_line(row: dict) -> str:
    html = f", html {row['html']['wall']:.2f}s" if row.get("html") else ""
    return (
        f"{row['input']} {row['respondents']:>9,} x {row['segments']:>5,}: "
        f"floor {row['floor']['seconds']:.2f}s in-process, {row['floor']['wall']:.2f}s/"
        f"{row['floor']['rss_mb']:.0f}MB process; "
        f"json {row['inprocess']['seconds']:.2f}s in-process, "
        f"{row['command']['wall']:.2f}s ({row['command']['cpu']:.2f}s CPU)/"
        f"{row['command']['rss_mb']:.0f}MB command{html}"
    )


def render_grid(rows: Sequence[dict]) -> list[str]:
    """The results table: every cell against its floor."""
    lines = [
        "| input | respondents | segments | floor in-process s | floor process s | floor MB |"
        " JSON in-process s | × floor in-process | JSON command s | command CPU s |"
        " × floor process | command MB | × floor MB | rules facts/s | HTML s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        floor, inproc, command = row["floor"], row["inprocess"], row["command"]
        facts = (
            inproc["comparison_facts"] / inproc["rules_seconds"] if inproc["rules_seconds"] else 0
        )
        html = f"{row['html']['wall']:.2f}" if row.get("html") else "–"
        lines.append(
            f"| {row['input']} | {row['respondents']:,} | {row['segments']:,} |"
            f" {floor['seconds']:.2f} | {floor['wall']:.2f} | {floor['rss_mb']:.0f} |"
            f" {inproc['seconds']:.2f} | {inproc['seconds'] / floor['seconds']:.1f} |"
            f" {command['wall']:.2f} | {command['cpu']:.2f} |"
            f" {command['wall'] / floor['wall']:.1f} | {command['rss_mb']:.0f} |"
            f" {command['rss_mb'] / floor['rss_mb']:.1f} | {facts:,.0f} | {html} |"
        )
    return lines


def render_growth(rows: Sequence[dict]) -> list[str]:
    growth = ["Growth per 10× respondents (JSON command time; 1.0 = none, 10 = linear):", ""]
    growth += ["| input | segments | 10k→100k | 100k→1M |", "|---|---:|---:|---:|"]
    by_key = {(r["input"], r["respondents"], r["segments"]): r for r in rows}
    for kind, size, segments in by_key:
        if size != 10_000:
            continue
        ratios = []
        for low, high in ((10_000, 100_000), (100_000, 1_000_000)):
            a, b = by_key.get((kind, low, segments)), by_key.get((kind, high, segments))
            ratios.append(f"{b['command']['wall'] / a['command']['wall']:.1f}" if a and b else "–")
        growth.append(f"| {kind} | {segments:,} | {ratios[0]} | {ratios[1]} |")
    return growth


def render_stages(rows: Sequence[dict]) -> list[str]:
    """The in-process run's stages, from the product's progress messages."""
    lines = [
        "Stages of the in-process run (seconds; `app.run.run`, `document`, `to_json`):",
        "",
        "| input | respondents | segments | " + " | ".join(STAGES) + " | total | JSON MB |",
        "|---|---:|---:|" + "---:|" * (len(STAGES) + 2),
    ]
    for row in rows:
        stages = row["inprocess"]["stages"]
        lines.append(
            f"| {row['input']} | {row['respondents']:,} | {row['segments']:,} | "
            + " | ".join(f"{stages[stage]:.2f}" for stage in STAGES)
            + f" | {row['inprocess']['seconds']:.2f} | {row['inprocess']['json_mb']:.0f} |"
        )
    return lines


def render_startup(start: dict) -> list[str]:
    loaded = ", ".join(start["loaded"]) or "none"
    return [
        f"- `ism-advise --help`: {start['help']:.3f} s (best of 5; target ≤ 0.3 s)",
        f"- `ism-advise sample_data/scores.csv {' '.join(SAMPLE_JSON)}`: {start['sample']:.2f} s"
        f" (best of 5) against {start['imports']:.2f} s to import what a JSON run needs"
        f" (`{JSON_IMPORTS}`)",
        f"- after the sample's JSON run, imported of {', '.join(NOT_FOR_JSON)}: {loaded}"
        " (target: none)",
    ]


def render_markdown(
    rows: Sequence[dict],
    *,
    note: str = "",
    per_segment: tuple[dict, dict] | None = None,
    start: dict | None = None,
    machine_text: str = "",
) -> str:
    """Everything in one block, ready to paste: the cost model, the targets, the grid,
    growth, the stages, per-segment throughput and start-up."""
    models = cost_models(rows)
    lines = [
        *render_cost_model(models, note),
        "",
        *render_targets(targets(models, rows, start)),
        "",
    ]
    lines += [*render_grid(rows), "", *render_growth(rows), "", *render_stages(rows)]
    if per_segment is not None:
        lines.append("")
        for fmt, result in zip(("HTML", "PDF"), per_segment, strict=True):
            lines.append(
                f"- `--per-segment` {fmt}: {result['per_second']:.1f} reports/s"
                f" ({result['reports']} reports, {result['cores']} worker processes,"
                f" peak {result['rss_mb']:.0f} MB)"
            )
    if start is not None:
        lines += ["", *render_startup(start)]
    if machine_text:
        lines += ["", f"Machine: {machine_text}."]
    return "\n".join(lines) + "\n"


def render_waves(rows: list[dict], machine_text: str) -> str:
    lines = [
        "| respondents per wave | segments | respondent keys | waves s | floor s | × floor"
        " | MB before | peak MB | change rows |",
        "|---:|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['respondents']:,} | {row['segments']:,} |"
            f" {'yes (paired too)' if row['paired'] else 'no'} | {row['seconds']:.2f} |"
            f" {row['floor']:.2f} | {row['seconds'] / row['floor']:.1f} |"
            f" {row['data_mb']:.0f} | {row['rss_mb']:.0f} | {row['rows']:,} |"
        )
    return "\n".join([*lines, "", f"Machine: {machine_text}."]) + "\n"


if __name__ == "__main__":
    main()
