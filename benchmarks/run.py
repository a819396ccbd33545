"""ism-advisor benchmark: the time and memory of every stage against a pandas floor.

    python benchmarks/run.py                  # the full grid (about 20 minutes)
    python benchmarks/run.py --quick          # 10k and 100k respondents only
    python benchmarks/run.py --out benchmarks/RESULTS.md
    python benchmarks/run.py --only 1000000 5000 --segment-by team --segment-by location
    python benchmarks/run.py --waves          # comparing two survey waves only
    python benchmarks/run.py --drivers        # the driver analysis alone (about 10 minutes)
    python benchmarks/run.py --decks          # --per-segment decks against HTML reports
    python benchmarks/run.py --briefs         # manager briefs (HTML, PDF) and full reports

Inputs are generated (seeded) by the sample generator, score-level and item-level, at
10k, 100k, 1M and 2M respondents with 10, 100, 1,000 and 5,000 segments (column
``team``). Every measurement runs in a child process of its own, so that its peak memory
(RSS) is its own. The floor is what pandas alone needs: ``read_csv`` of the same file and
one ``groupby(team, user)[factors].agg([mean, std, count])``.

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
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
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


# -- child tasks (each prints one JSON object) --------------------------------------------


def task_generate(path: str, respondents: int, segments: int, items: bool) -> dict:
    from ism_advisor.survey.codebook import load_codebook
    from ism_advisor.survey.sample import generate_large

    frame = generate_large(load_codebook(), respondents, segments, items=items)
    frame.to_csv(path, index=False)
    return {"columns": len(frame.columns)}


def task_floor(path: str, items: bool) -> dict:
    import pandas as pd

    from ism_advisor.survey.codebook import load_codebook

    codebook = load_codebook()
    columns = (
        [i.id for f in codebook.factors for i in f.items] if items else list(codebook.factor_ids)
    )
    start = time.perf_counter()
    frame = pd.read_csv(path)
    frame.groupby(["team", "user"], observed=True)[columns].agg(["mean", "std", "count"])
    return {"seconds": time.perf_counter() - start}


def task_inprocess(path: str, segment_by: list[str]) -> dict:
    from ism_advisor.advice.decide import advise_segments
    from ism_advisor.advice.document import advice_document, to_json
    from ism_advisor.advice.engine import run_rules
    from ism_advisor.advice.facts import segment_facts
    from ism_advisor.advice.knowledge import load_knowledge
    from ism_advisor.protect.disclosure import publish
    from ism_advisor.stats.compare import compare_groups
    from ism_advisor.survey import load_survey
    from ism_advisor.survey.codebook import load_codebook

    stages = {}
    start = time.perf_counter()
    codebook = load_codebook()
    knowledge = load_knowledge(codebook)
    survey = load_survey(path, codebook, segment_by)
    stages["load"] = time.perf_counter() - start
    mark = time.perf_counter()
    comparison = compare_groups(survey)
    stages["compare"] = time.perf_counter() - mark
    mark = time.perf_counter()
    comparison = publish(survey, comparison)
    stages["disclosure"] = time.perf_counter() - mark
    facts = segment_facts(comparison, "en")
    shown = [f for f in facts if f is not None]
    rules_start = time.perf_counter()
    run_rules(knowledge.rulebase, shown)  # the rules stage alone, for facts/s (not in the total)
    rules_seconds = time.perf_counter() - rules_start
    mark = time.perf_counter()
    advice = advise_segments(knowledge, facts, "en")
    stages["rules+advice"] = time.perf_counter() - mark
    mark = time.perf_counter()
    document = advice_document(survey, comparison, knowledge=knowledge, advice=advice)
    text = to_json(document)
    stages["document+json"] = time.perf_counter() - mark
    total = time.perf_counter() - start - rules_seconds  # the rules ran twice above
    return {
        "seconds": total,
        "stages": stages,
        "rules_seconds": rules_seconds,
        "comparison_facts": sum(len(f.comparisons) for f in shown),
        "segments": len(comparison.segments) - 1,
        "shown": len(shown),
        "json_mb": len(text.encode()) / 1e6,
    }


def task_per_segment(path: str, fmt: str, limit: int, brief: bool = False) -> dict:
    from ism_advisor.app.pipeline import advise
    from ism_advisor.app.write import available_cores, render_segments, segment_reports

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
    "floor": task_floor,
    "inprocess": task_inprocess,
    "per_segment": task_per_segment,
    "drivers": task_drivers,
}


# -- the driver ------------------------------------------------------------------------------


def timed(command: list[str], cwd: Path | None = None, parse: bool = False) -> dict:
    """Run ``command`` under /usr/bin/time -v for an exact peak RSS of that process."""
    time_binary = shutil.which("time") or "/usr/bin/time"
    with tempfile.NamedTemporaryFile("r", suffix=".txt") as report:
        start = time.perf_counter()
        process = subprocess.run(
            [time_binary, "-v", "-o", report.name, *command],
            capture_output=True,
            cwd=cwd,
        )
        wall = time.perf_counter() - start
        if process.returncode != 0:
            raise RuntimeError(f"{command} failed: {process.stderr.decode()[-2000:]}")
        text = Path(report.name).read_text()
    rss = next(
        int(line.split(":")[1]) / 1024
        for line in text.splitlines()
        if "Maximum resident set size" in line
    )
    result = json.loads(process.stdout) if parse else {}
    result.setdefault("seconds", wall)
    result.update(wall=wall, rss_mb=rss)
    return result


def run_task(task: str, *args, cwd: Path | None = None) -> dict:
    return timed([sys.executable, __file__, "--child", task, json.dumps(args)], cwd=cwd, parse=True)


def best_of(command: list[str], times: int = 5, cwd: Path | None = None) -> float:
    best = float("inf")
    for _ in range(times):
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True, cwd=cwd)
        best = min(best, time.perf_counter() - start)
    return best


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

    from ism_advisor.app.write import available_cores

    return (
        f"{cpu}; {available_cores()} cores; {memory:.0f} GiB RAM; {platform.system()} "
        f"{platform.release()}; Python {platform.python_version()}; pandas {pandas.__version__}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="10k and 100k respondents only")
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
    sizes = SIZES[:2] if options.quick else SIZES
    segment_by = options.segment_by or ["team"]
    by = [arg for column in segment_by for arg in ("--segment-by", column)]
    grid = [
        (items, size, segments)
        for items in (False, True)
        for size in sizes
        for segments in SEGMENTS
        if not (items and (segments != 5_000 or size < 1_000_000) and size != sizes[0])
    ]
    if options.only:
        grid = [(False, options.only[0], options.only[1])]
    ism = shutil.which("ism-advise") or str(Path(sys.executable).parent / "ism-advise")
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        for items, size, segments in grid:
            path = work / f"{'items' if items else 'scores'}-{size}-{segments}.csv"
            run_task("generate", str(path), size, segments, items)
            floor = run_task("floor", str(path), items)
            inprocess = run_task("inprocess", str(path), segment_by)
            command = timed(
                [ism, str(path), *by, "--format", "json", "-o", str(work / "out.json"), "--quiet"]
            )
            html = timed([ism, str(path), *by, "-o", str(work / "out.html"), "--quiet"])
            kind = "items" if items else "scores"
            row = {
                "input": kind if segment_by == ["team"] else f"{kind}; {', '.join(segment_by)}",
                "respondents": size,
                "segments": segments,
                "floor": floor,
                "inprocess": inprocess,
                "command": command,
                "html": html,
            }
            rows.append(row)
            print(summary_line(row), flush=True)
            path.unlink()
        if options.only:
            for line in render_rows(rows):
                print(line)
            return
        throughput_path = work / "throughput.csv"
        run_task("generate", str(throughput_path), 200_000, 1_000, False)
        per_html = run_task("per_segment", str(throughput_path), "html", PER_SEGMENT_HTML)
        per_pdf = run_task("per_segment", str(throughput_path), "pdf", PER_SEGMENT_PDF)
        help_seconds = best_of([ism, "--help"])
        sample_seconds = best_of(
            [ism, str(ROOT / "sample_data" / "scores.csv"), "-o", str(work / "sample.html")]
        )
        imports = (
            "import pandas, scipy.stats, matplotlib.figure, matplotlib.backends.backend_svg,"
            " jinja2, yaml, babel.numbers, click, durable_rules_engine"
        )
        import_seconds = best_of([sys.executable, "-c", imports])
    report = render_markdown(
        rows, per_html, per_pdf, help_seconds, sample_seconds, import_seconds, machine()
    )
    if options.out:
        options.out.write_text(report, encoding="utf-8")
    print(report)


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
    return (
        f"{row['input']} {row['respondents']:>9,} x {row['segments']:>5,}: "
        f"floor {row['floor']['seconds']:.2f}s/{row['floor']['rss_mb']:.0f}MB, "
        f"json {row['inprocess']['seconds']:.2f}s in-process, "
        f"{row['command']['wall']:.2f}s/{row['command']['rss_mb']:.0f}MB command, "
        f"html {row['html']['wall']:.2f}s"
    )


def render_rows(rows) -> list[str]:
    """The rows of the results table and of the stages table, for --only."""
    return render_markdown(rows, None, None, 0, 0, 1, "").split("\n")


def render_markdown(
    rows, per_html, per_pdf, help_seconds, sample_seconds, import_seconds, machine_text
) -> str:
    lines = [
        "| input | respondents | segments | floor s | floor MB | JSON in-process s | × floor"
        " | JSON command s | × floor | command MB | × floor MB | rules facts/s | HTML s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        floor, inproc, command = row["floor"], row["inprocess"], row["command"]
        facts = (
            inproc["comparison_facts"] / inproc["rules_seconds"] if inproc["rules_seconds"] else 0
        )
        lines.append(
            f"| {row['input']} | {row['respondents']:,} | {row['segments']:,} |"
            f" {floor['seconds']:.2f} | {floor['rss_mb']:.0f} | {inproc['seconds']:.2f} |"
            f" {inproc['seconds'] / floor['seconds']:.1f} | {command['wall']:.2f} |"
            f" {command['wall'] / floor['seconds']:.1f} | {command['rss_mb']:.0f} |"
            f" {command['rss_mb'] / floor['rss_mb']:.1f} | {facts:,.0f} |"
            f" {row['html']['wall']:.2f} |"
        )
    growth = ["", "Growth per 10× respondents (JSON command time; 1.0 = none, 10 = linear):", ""]
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
    stages = [
        "",
        "Stages of the in-process run (seconds):",
        "",
        "| input | respondents | segments | load | compare | disclosure | rules+advice |"
        " document+json | JSON MB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        s = row["inprocess"]["stages"]
        stages.append(
            f"| {row['input']} | {row['respondents']:,} | {row['segments']:,} | {s['load']:.2f} |"
            f" {s['compare']:.2f} | {s['disclosure']:.2f} | {s['rules+advice']:.2f} |"
            f" {s['document+json']:.2f} |"
            f" {row['inprocess']['json_mb']:.0f} |"
        )
    if per_html is None:
        return "\n".join([*lines, *stages])
    other = [
        "",
        f"- `--per-segment` HTML: {per_html['per_second']:.1f} reports/s "
        f"({per_html['reports']} reports, {per_html['cores']} worker processes, "
        f"peak {per_html['rss_mb']:.0f} MB)",
        f"- `--per-segment` PDF: {per_pdf['per_second']:.1f} reports/s "
        f"({per_pdf['reports']} reports, {per_pdf['cores']} worker processes, "
        f"peak {per_pdf['rss_mb']:.0f} MB)",
        f"- `ism-advise --help`: {help_seconds:.3f} s (best of 5)",
        f"- `ism-advise sample_data/scores.csv` (HTML): {sample_seconds:.2f} s against"
        f" {import_seconds:.2f} s to import its libraries: ×{sample_seconds / import_seconds:.2f}"
        " (best of 5)",
        "",
        f"Machine: {machine_text}.",
    ]
    return "\n".join([*lines, *growth, *stages, *other]) + "\n"


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
