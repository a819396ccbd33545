"""Surveys built to break the anonymity guarantee, and a long random search with them.

The generators draw through a small :class:`Pick` interface, so the same code feeds the
hypothesis tests (``DrawPick``: examples hypothesis can shrink) and the search outside
the suite (``RandomPick``: a seeded numpy generator)::

    python tests/redteam.py --seconds 600 --seed 1          # one process; prints findings

Families (each with k drawn from 3 to 7 and blank segment values):

* ``clusters``: groups of respondents that share all their segments, plus a few strays,
  so that one segment is another plus or minus a handful of people (Sales is Amsterdam
  plus one), and sums of segments nearly coincide;
* ``crossed``: two to four segmentations crossed, each combination empty, light (fewer
  than k people) or heavy, so that light combinations are tied together by the heavy
  ones (unions of two or three light atoms that follow only together);
* ``combos``: ``crossed`` with combinations (``a+b``) requested next to cross-cutting
  segmentations;
* ``missing``: any of the above where respondents skip different factors, sometimes a
  whole group skipping one factor.

Every survey is run through loading, the statistics, :func:`publish` and the JSON
document, and the document is attacked by :func:`attacker.attack` (exact, written apart
from the suppression code).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from attacker import attack, intervals

from conftest import FACTORS, write_csv

#: The factors whose answers the attacker goes after (the others are constant).
ATTACKED = FACTORS[:3]
COLUMNS = ("dept", "site", "team", "role")
FAMILIES = ("clusters", "crossed", "combos", "missing")


class Pick:
    """Where a generator's choices come from."""

    def integer(self, low: int, high: int) -> int:  # inclusive
        raise NotImplementedError

    def chance(self, percent: int) -> bool:
        return self.integer(0, 99) < percent

    def choice(self, options):
        return options[self.integer(0, len(options) - 1)]


class RandomPick(Pick):
    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)

    def integer(self, low: int, high: int) -> int:
        return int(self.rng.integers(low, high + 1))


class DrawPick(Pick):
    """Choices drawn by hypothesis (``draw`` of a composite strategy)."""

    def __init__(self, draw) -> None:
        from hypothesis import strategies as st

        self.draw = draw
        self.st = st

    def integer(self, low: int, high: int) -> int:
        return self.draw(self.st.integers(low, high))


@dataclass
class Case:
    """A survey: rows (segment values, ``user``, answers), the requested segmentations,
    and the minimum group size."""

    rows: list[dict]
    segment_by: list[str]
    k: int
    family: str = ""
    notes: dict = field(default_factory=dict)

    def stored(self, name: str, why: str) -> dict:
        """The entry of ``tests/data/disclosure_cases.json`` for this survey."""
        columns = list(dict.fromkeys(c for row in self.rows for c in row))
        return {
            "name": name,
            "why": why,
            "k": self.k,
            "segment_by": self.segment_by,
            "columns": columns,
            "rows": [[row.get(c) for c in columns] for row in self.rows],
        }

    def literal(self) -> str:
        return json.dumps(
            {"k": self.k, "segment_by": self.segment_by, "rows": self.rows}, default=str
        )


def _answers(pick: Pick, missing: int) -> dict:
    out = {}
    for factor in ATTACKED:
        skip = missing and pick.chance(missing)
        out[factor] = None if skip else pick.choice([1.0, 2.0, 3.5, 5.0])
    return out


def _usage(pick: Pick, size: int, light: bool) -> list[bool]:
    """Users among ``size`` people: often all or none in a light group."""
    mode = pick.integer(0, 3) if light else pick.integer(1, 3)
    if mode == 0:
        return [pick.chance(50)] * size
    users = pick.integer(0, size)
    return [i < users for i in range(size)]


def _specs(pick: Pick, columns: list[str], combos: bool) -> list[str]:
    pairs = [f"{a}+{b}" for i, a in enumerate(columns) for b in columns[i + 1 :]]
    specs = [c for c in columns if pick.chance(80)] or [columns[0]]
    if combos and pairs:
        for pair in pairs:
            if pick.chance(45):
                specs.append(pair)
        if len(columns) >= 3 and pick.chance(20):
            specs.append("+".join(columns[:3]))
    return specs


def clusters(pick: Pick, k: int, missing: int = 0) -> Case:
    m = pick.integer(2, 4)
    columns = list(COLUMNS[:m])
    domain = {c: [f"{c[0]}{v}" for v in range(pick.integer(2, 4))] for c in columns}
    rows: list[dict] = []
    for _ in range(pick.integer(2, 5)):
        where = {c: "" if pick.chance(5) else pick.choice(domain[c]) for c in columns}
        light = pick.chance(35)
        size = pick.integer(1, k - 1) if light else pick.integer(k, 2 * k + 2)
        skipped = pick.choice(ATTACKED) if missing and pick.chance(30) else None
        for user in _usage(pick, size, light):
            answers = _answers(pick, missing)
            if skipped:
                answers[skipped] = None
            rows.append({**where, "user": user, **answers})
    for _ in range(pick.integer(0, 4)):  # strays
        where = {c: "" if pick.chance(10) else pick.choice(domain[c]) for c in columns}
        rows.append({**where, "user": pick.chance(50), **_answers(pick, missing)})
    return Case(rows, _specs(pick, columns, pick.chance(40)), k, "clusters")


def crossed(pick: Pick, k: int, combos: bool = False, missing: int = 0) -> Case:
    m = pick.integer(2, 4)
    columns = list(COLUMNS[:m])
    sizes = [pick.integer(2, {2: 4, 3: 3, 4: 2}[m]) for _ in columns]
    rows: list[dict] = []
    empty, light_share = pick.integer(0, 40), pick.integer(10, 50)
    for index in np.ndindex(*sizes):
        if pick.chance(empty):
            continue
        light = pick.chance(light_share)
        size = pick.integer(1, k - 1) if light else pick.integer(k, k + 4)
        where = {c: f"{c[0]}{v}" for c, v in zip(columns, index, strict=True)}
        for user in _usage(pick, size, light):
            rows.append({**where, "user": user, **_answers(pick, missing)})
    for _ in range(pick.integer(0, 2)):  # people with a blank in one segmentation
        blank = pick.choice(columns)
        where = {
            c: "" if c == blank else f"{c[0]}{pick.integer(0, s - 1)}"
            for c, s in zip(columns, sizes, strict=True)
        }
        rows.append({**where, "user": pick.chance(50), **_answers(pick, missing)})
    family = "combos" if combos else "crossed"
    return Case(rows, _specs(pick, columns, combos), k, family)


def survey(pick: Pick, family: str | None = None) -> Case:
    """A survey of the given family (or one drawn), with k from 3 to 7."""
    family = family or pick.choice(FAMILIES)
    k = pick.integer(3, 7)
    if family == "clusters":
        case = clusters(pick, k)
    elif family == "crossed":
        case = crossed(pick, k)
    elif family == "combos":
        case = crossed(pick, k, combos=True)
    else:
        missing = pick.choice([10, 30, 60])
        if pick.chance(50):
            case = clusters(pick, k, missing=missing)
        else:
            case = crossed(pick, k, combos=pick.chance(50), missing=missing)
        case.family = "missing"
    return case


def segment_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if c not in ("user", *FACTORS)]


def frame_of(case: Case) -> pd.DataFrame:
    """The survey as the attacker knows it (blank segment values are NaN)."""
    frame = pd.DataFrame(case.rows)
    for factor in FACTORS:
        if factor not in frame:
            frame[factor] = 3.0
    frame[list(ATTACKED)] = frame[list(ATTACKED)].astype(float)
    columns = segment_columns(frame)
    frame[columns] = frame[columns].replace("", np.nan)
    frame["user"] = frame["user"].astype(bool)
    return frame


def document_of(case: Case, publish_function=None) -> dict | None:
    """The JSON document of ``case``, or None when the survey is refused (too few users
    or non-users in total, a factor nobody answered)."""
    from ism_advisor.advice.document import advice_document
    from ism_advisor.core.errors import AdvisorError
    from ism_advisor.protect.disclosure import publish
    from ism_advisor.stats.compare import compare_groups
    from ism_advisor.survey import load_survey
    from ism_advisor.survey.codebook import load_codebook

    if not case.rows:
        return None
    frame = frame_of(case)
    if frame["user"].sum() < case.k or (~frame["user"]).sum() < case.k:
        return None
    columns = segment_columns(frame)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "survey.csv"
        out = [
            [*("" if pd.isna(r[c]) else r[c] for c in columns), "ja" if r["user"] else "nee"]
            + ["" if pd.isna(r[f]) else r[f] for f in FACTORS]
            for r in frame.to_dict("records")
        ]
        write_csv(path, [*columns, "user", *FACTORS], out)
        try:
            loaded = load_survey(path, load_codebook(), case.segment_by)
        except AdvisorError:  # a factor nobody answered: refused, as the tool does
            return None
    published = (publish_function or publish)(loaded, compare_groups(loaded), case.k)
    return json.loads(json.dumps(advice_document(loaded, published), default=str))


def findings(case: Case) -> list[str]:
    """What the attacker isolates in ``case``'s outputs (empty: safe)."""
    document = document_of(case)
    if document is None:
        return []
    return attack(frame_of(case), document, ATTACKED, case.k)


def shrink(case: Case, fails=None) -> Case:
    """A smaller survey that still fails (``fails``: by default, the attacker finds
    something): rows dropped in halves, then one by one, then segmentations, then answers
    made equal. For turning a finding into a test."""
    fails = fails or (lambda c: bool(findings(c)))
    assert fails(case)
    best = case

    def attempt(rows: list[dict], specs: list[str]) -> bool:
        nonlocal best
        if not rows or not specs:
            return False
        candidate = Case(rows, specs, best.k, best.family)
        if fails(candidate):
            best = candidate
            return True
        return False

    changed = True
    while changed:
        changed = False
        chunk = max(1, len(best.rows) // 2)
        while chunk >= 1:
            start = 0
            while start < len(best.rows):
                rows = best.rows[:start] + best.rows[start + chunk :]
                if attempt(rows, best.segment_by):
                    changed = True
                else:
                    start += chunk
            chunk //= 2
        for spec in list(best.segment_by):
            changed |= attempt(best.rows, [s for s in best.segment_by if s != spec])
        for i in range(len(best.rows)):
            for factor in ATTACKED:
                if best.rows[i].get(factor) not in (None, 3.0):
                    rows = [dict(r) for r in best.rows]
                    rows[i][factor] = 3.0
                    changed |= attempt(rows, best.segment_by)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--family", choices=FAMILIES)
    parser.add_argument("--out", type=Path, help="write each finding's survey here (JSONL)")
    parser.add_argument(
        "--intervals", action="store_true", help="also bound each pattern's users (linear programs)"
    )
    parser.add_argument("--shrink", type=int, metavar="SEED", help="shrink this seed's survey")
    args = parser.parse_args(argv)
    if args.shrink is not None:
        case = shrink(survey(RandomPick(args.shrink), args.family))
        print(case.literal())
        print(findings(case))
        return 0
    start = time.perf_counter()
    tried = refused = failed = hidden = 0
    per_family: dict[str, int] = {}
    seed = args.seed
    slowest = (0.0, None)
    while time.perf_counter() - start < args.seconds:
        case = survey(RandomPick(seed), args.family)
        began = time.perf_counter()
        document = document_of(case)
        if document is None:
            refused += 1
            seed += 1
            continue
        found = attack(frame_of(case), document, ATTACKED, case.k)
        if args.intervals:
            found += intervals(frame_of(case), document, case.k, ATTACKED)
        took = time.perf_counter() - began
        slowest = max(slowest, (took, seed), key=lambda t: t[0])
        tried += 1
        per_family[case.family] = per_family.get(case.family, 0) + 1
        hidden += sum(s["suppressed"] for s in document["segments"])
        if found:
            failed += 1
            print(f"seed {seed} ({case.family}, k={case.k}): {found[:3]}", flush=True)
            if args.out:
                with args.out.open("a", encoding="utf-8") as out:
                    out.write(case.literal() + "\n")
        seed += 1
    elapsed = time.perf_counter() - start
    print(
        f"{tried} surveys attacked ({refused} refused: too few users or non-users) in"
        f" {elapsed:.0f} s; by family {per_family}; {hidden} segments hidden in all;"
        f" {failed} with a disclosure; slowest {slowest[0]:.2f} s (seed {slowest[1]})"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main())
