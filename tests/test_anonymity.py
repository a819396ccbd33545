"""Anonymity: no group below the minimum size can be read or recovered from the output."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import FACTORS, write_csv
from ism_advisor.app.pipeline import advise

SEGMENT_BY = ["org", "dept", "org+dept"]


def survey_frame(seed: int) -> pd.DataFrame:
    """Organisations with departments of very different sizes, some tiny, some blanks."""
    rng = np.random.default_rng(seed)
    rows = []
    for org in ("North", "South", "West")[: rng.integers(2, 4)]:
        for dept in ("Sales", "IT", "HR", "Legal", "Board")[: rng.integers(2, 6)]:
            size = int(rng.choice([2, 4, 7, 12, 30, 60]))
            rate = rng.uniform(0.1, 0.6)
            for _ in range(size):
                rows.append({"org": org, "dept": dept, "user": rng.random() < rate})
    frame = pd.DataFrame(rows)
    blanks = rng.random(len(frame)) < rng.choice([0.0, 0.01, 0.03])
    frame.loc[blanks, "dept"] = ""
    for factor in FACTORS:
        values = np.clip(rng.normal(3 + 0.4 * frame["user"], 0.8), 1, 5).round(2)
        missing = rng.random(len(frame)) < rng.choice([0.0, 0.05, 0.2])
        frame[factor] = np.where(missing, np.nan, values)
    return frame


def write(frame: pd.DataFrame, path) -> None:
    rows = [
        [r["org"], r["dept"], "ja" if r["user"] else "nee"]
        + ["" if np.isnan(r[f]) else r[f] for f in FACTORS]
        for r in frame.to_dict("records")
    ]
    write_csv(path, ["org", "dept", "user", *FACTORS], rows)


def truth(frame: pd.DataFrame, where: dict, factor: str | None = None) -> tuple[int, int]:
    """The true (users, non-users) count of a segment, or of its answers to a factor."""
    part = frame
    for column, value in where.items():
        part = part[part[column] == value]
    if factor is not None:
        part = part[part[factor].notna()]
    return int(part["user"].sum()), int((~part["user"]).sum())


def counts(segment: dict, factor: str | None) -> tuple[int, int] | None:
    """What the output shows of a segment's (users, non-users); None when hidden."""
    if segment["suppressed"]:
        return None
    if factor is None:
        return segment["users"], segment["non_users"]
    comparison = next(c for c in segment["comparisons"] if c["factor"] == factor)
    if comparison["suppressed"]:
        return None
    return comparison["users_n"], comparison["non_users_n"]


def attack(document: dict, frame: pd.DataFrame, k: int) -> int:
    """Subtract the shown parts from every shown total; return the partitions examined.

    Fails if what is left equals one hidden group, or is a group smaller than k.
    """
    segments = document["segments"]
    examined = 0
    for total in segments:
        parent = tuple(total["where"])
        for spec in ["+".join(s.split("+")) for s in document["settings"]["segment_by"]]:
            columns = tuple(spec.split("+"))
            if not set(parent) < set(columns):
                continue
            parts = [
                s
                for s in segments
                if s["column"] == spec and all(s["where"][c] == total["where"][c] for c in parent)
            ]
            for factor in (None, *FACTORS):
                shown_total = counts(total, factor)
                shown = [counts(p, factor) for p in parts]
                if shown_total is None:
                    # a hidden total must not be the sum of its shown parts
                    if parts and all(shown):
                        added = (sum(c[0] for c in shown), sum(c[1] for c in shown))
                        assert added != truth(frame, total["where"], factor), total["value"]
                    continue
                hidden = [p for p, c in zip(parts, shown, strict=True) if c is None]
                left = (
                    shown_total[0] - sum(c[0] for c in shown if c),
                    shown_total[1] - sum(c[1] for c in shown if c),
                )
                examined += 1
                if left == (0, 0):
                    continue
                assert left[0] >= k and left[1] >= k, (total["value"], spec, factor, left)
                for part in hidden:
                    assert left != truth(frame, part["where"], factor), (part["value"], factor)
    return examined


def assert_nothing_small_is_shown(document: dict, k: int) -> None:
    for segment in document["segments"]:
        assert (segment["suppressed_reason"] is None) != segment["suppressed"]
        if segment["suppressed"]:
            assert segment["comparisons"] == []
            assert [segment[key] for key in ("respondents", "users", "non_users")] == [None] * 3
            assert segment["adoption_rate"] is None
            continue
        assert segment["users"] >= k and segment["non_users"] >= k
        for comparison in segment["comparisons"]:
            if comparison["suppressed"]:
                figures = dict(comparison)
                assert figures.pop("suppressed_reason") == "anonymity"
                del figures["factor"], figures["suppressed"]
                assert set(figures.values()) == {None}
            else:
                assert comparison["suppressed_reason"] is None
                assert comparison["users_n"] >= k and comparison["non_users_n"] >= k


@pytest.mark.parametrize("seed", range(40))
def test_no_small_group_is_shown_or_recoverable(tmp_path, seed):
    frame = survey_frame(seed)
    path = tmp_path / "s.csv"
    write(frame, path)
    k = 5
    frame["dept"] = frame["dept"].replace("", np.nan)
    document = advise(path, segment_by=SEGMENT_BY, min_group_size=k).document
    assert_nothing_small_is_shown(document, k)
    assert attack(document, frame, k) > 0


def test_a_lone_small_department_takes_the_next_smallest_with_it(tmp_path):
    rows = []
    for dept, users, non_users in (("Big", 40, 40), ("Mid", 9, 12), ("Low", 7, 8), ("Tiny", 2, 3)):
        rows += [[dept, "ja", *[4] * 7]] * users + [[dept, "nee", *[3] * 7]] * non_users
    path = write_csv(tmp_path / "s.csv", ["dept", "user", *FACTORS], rows)
    document = advise(path, segment_by=["dept"]).document
    shown = {s["value"]: s["suppressed"] for s in document["segments"][1:]}
    assert shown == {"Big": False, "Low": True, "Mid": False, "Tiny": True}


def test_blank_segment_values_count_as_a_hidden_group(tmp_path):
    rows = []
    for dept, users, non_users in (("A", 30, 30), ("B", 20, 25), ("", 1, 2)):
        rows += [[dept, "ja", *[4] * 7]] * users + [[dept, "nee", *[3] * 7]] * non_users
    path = write_csv(tmp_path / "s.csv", ["dept", "user", *FACTORS], rows)
    document = advise(path, segment_by=["dept"]).document
    shown = {s["value"]: s["suppressed"] for s in document["segments"][1:]}
    # the 3 respondents without a department would be the total minus A minus B
    assert shown == {"A": False, "B": True}


def test_missing_answers_suppress_a_single_comparison(tmp_path):
    rows = []
    for dept, users, non_users in (("A", 30, 30), ("B", 20, 25), ("C", 12, 14)):
        rows += [[dept, "ja", *[4] * 7]] * users + [[dept, "nee", *[3] * 7]] * non_users
    for row in rows:
        if row[0] == "C" and row[1] == "ja":
            row[2 + 6] = ""  # C's users leave privacy blank
    path = write_csv(tmp_path / "s.csv", ["dept", "user", *FACTORS], rows)
    document = advise(path, segment_by=["dept"]).document
    hidden = {
        (s["value"], c["factor"])
        for s in document["segments"][1:]
        for c in s["comparisons"]
        if c["suppressed"]
    }
    assert hidden == {("C", "privacy_concern"), ("B", "privacy_concern")}
    assert not any(s["suppressed"] for s in document["segments"])


def test_parts_of_a_hidden_segment_are_hidden_too(tmp_path):
    """B is hidden only to protect A; its shown departments must not add up to B.

    A1 (3 users) would follow from all respondents minus B and C; B, the smaller, is
    hidden, and then B1 as well (B1 + B2 = B). C and its departments stay shown: nothing
    small follows from them (the earlier, partition-by-partition algorithm also hid C1
    and C2, which protected nothing).
    """
    rows = []
    units = (
        ("A", "A1", 3, 10),
        ("B", "B1", 10, 10),
        ("B", "B2", 10, 10),
        ("C", "C1", 50, 50),
        ("C", "C2", 6, 6),
    )
    for org, dept, users, non_users in units:
        rows += [[org, dept, "ja", *[4] * 7]] * users + [[org, dept, "nee", *[3] * 7]] * non_users
    path = write_csv(tmp_path / "s.csv", ["org", "dept", "user", *FACTORS], rows)
    document = advise(path, segment_by=["org", "org+dept"]).document
    shown = {s["value"]: s["suppressed"] for s in document["segments"][1:]}
    assert shown == {
        "A": True,
        "B": True,
        "C": False,
        "A / A1": True,
        "B / B1": True,
        "B / B2": False,
        "C / C1": False,
        "C / C2": False,
    }
    frame = pd.DataFrame(
        [
            {"org": r[0], "dept": r[1], "user": r[2] == "ja", **dict.fromkeys(FACTORS, 3.0)}
            for r in rows
        ]
    )
    assert attack(document, frame, 5) > 0
