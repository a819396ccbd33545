"""ism-advisor calibration: do the statistics keep their promises? Writes CALIBRATION.md.

    python benchmarks/calibrate.py                       # the full grid
    python benchmarks/calibrate.py --quick               # the small grid the tests run
    python benchmarks/calibrate.py --only size --seed 7  # one module
    python benchmarks/calibrate.py --out /tmp/CALIBRATION.md

Every module of the package ``benchmarks/calibration`` (in sorted order) simulates
seeded surveys with no difference and with known effects and measures a promise of the
shipped library functions: false-positive and family-wise rates, interval coverage,
power, each with its Monte Carlo 95% interval (Wilson). Each module's full grid runs in
at most 6 minutes on one core.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import platform
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the package ``benchmarks.calibration``, and ism_advisor

from benchmarks import calibration  # noqa: E402


def modules(only: list[str] | None = None) -> list:
    names = sorted(info.name for info in pkgutil.iter_modules(calibration.__path__))
    chosen = []
    for name in names:
        if name == "surveys" or (only and name not in only):
            continue
        module = importlib.import_module(f"benchmarks.calibration.{name}")
        if hasattr(module, "run") and hasattr(module, "TITLE"):
            chosen.append(module)
    return chosen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the small grid (as the tests)")
    parser.add_argument("--seed", type=int, default=27, help="the simulations' seed (27)")
    parser.add_argument("--only", action="append", help="run this module only (repeatable)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "CALIBRATION.md")
    args = parser.parse_args(argv)
    full = not args.quick
    sections = []
    timings = []
    for module in modules(args.only):
        start, cpu = time.perf_counter(), time.process_time()
        sections.append(module.run(full, args.seed).rstrip("\n"))
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        timings.append(f"| {module.__name__.rsplit('.', 1)[1]} | {seconds:.0f} | {cpu:.0f} |")
        print(f"{module.__name__}: {seconds:.0f} s, CPU {cpu:.0f} s", file=sys.stderr, flush=True)
    header = [
        "# Calibration",
        "",
        f"Written by `python benchmarks/calibrate.py{' --quick' if args.quick else ''}` "
        f"(seed {args.seed}) on {datetime.now(timezone.utc):%Y-%m-%d}, Python "
        f"{platform.python_version()}, {platform.machine()}. Each section simulates seeded "
        "surveys and runs them through the package's own functions; a rate's or a "
        "coverage's brackets are its Monte Carlo 95% interval (Wilson).",
        "",
        "",
    ]
    footer = [
        "",
        "## Run time",
        "",
        "Seconds per module: wall clock, and CPU time of this process (every thread).",
        "",
        "| module | wall | CPU |",
        "|---|---:|---:|",
        *timings,
        "",
    ]
    args.out.write_text("\n".join(header) + "\n\n".join(sections) + "\n" + "\n".join(footer))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
