"""CPU seconds per per-segment report in one process: the figure to compare on a shared
machine, where wall-clock rates depend on what else runs.

    python benchmarks/cpu_per_report.py SURVEY.csv [--segments 16] [--rounds 3]
    python benchmarks/cpu_per_report.py SURVEY.csv --profile html

Renders the first ``--segments`` team segments as full HTML reports, full PDF reports,
HTML briefs and PDF briefs, one kind after the other, ``--rounds`` times (the kinds
interleaved, so a burst of load elsewhere hits all of them alike), and prints the median
CPU time (``time.process_time``) per report of each kind, plus the time of each chart of
the full report. Run it for two versions of the code one after the other (or in turns)
to compare them; ``benchmarks/RESULTS.md`` says which figures came from it.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

KINDS = {
    "html": ("html", {}),
    "pdf": ("pdf", {}),
    "brief-html": ("html", {"brief": True}),
    "brief-pdf": ("pdf", {"brief": True}),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("survey")
    parser.add_argument("--segments", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--profile", choices=tuple(KINDS), help="cProfile one kind instead")
    options = parser.parse_args()

    from ism_advisor.app.pipeline import advise
    from ism_advisor.app.write import render, segment_reports

    document = advise(options.survey, segment_by=["team"]).document
    segments = [index for _, index in segment_reports(document, "html")][: options.segments]
    kinds = options.kinds.split(",")
    for kind in kinds:  # warm up: templates compiled, fonts loaded, modules imported
        fmt, extra = KINDS[kind]
        render(document, fmt, segment=segments[0], **extra)
    if options.profile:
        import cProfile
        import pstats

        fmt, extra = KINDS[options.profile]
        profiler = cProfile.Profile()
        profiler.enable()
        for index in segments:
            render(document, fmt, segment=index, **extra)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
        return
    samples: dict[str, list[float]] = {kind: [] for kind in kinds}
    for _ in range(options.rounds):
        for kind in kinds:
            fmt, extra = KINDS[kind]
            start = time.process_time()
            for index in segments:
                render(document, fmt, segment=index, **extra)
            samples[kind].append((time.process_time() - start) / len(segments))
    print(
        json.dumps(
            {
                kind: {"median": statistics.median(values), "runs": values}
                for kind, values in samples.items()
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
