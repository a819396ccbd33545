"""Anonymity: no group below the minimum size can be read or recovered from the output."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from builders import assert_nothing_small_is_shown, attack, survey_frame, write
from conftest import FACTORS, write_csv
from ism_advisor.app.pipeline import advise

SEGMENT_BY = ["org", "dept", "org+dept"]


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
