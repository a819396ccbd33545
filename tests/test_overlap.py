"""Anonymity across segmentations: attacks as a curious reader would try them.

Each scenario builds a survey in which some small group would follow from adding and
subtracting published figures, runs the whole tool, and hands the outputs to the
attacker of ``attacker.py`` (an exact solver over the published sums, written apart from
the suppression code). Utility tests check that large, non-overlapping segments stay.
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import redteam
from attacker import attack, intervals
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ism_advisor.protect.disclosure as disclosure
import ism_advisor.protect.patterns as patterns
import ism_advisor.protect.solver as solver
from conftest import FACTORS, SAMPLE_SCORES, write_csv
from ism_advisor.advice.document import advice_document
from ism_advisor.app.pipeline import advise
from ism_advisor.protect.disclosure import publish
from ism_advisor.stats.compare import compare_groups
from ism_advisor.survey import load_survey
from ism_advisor.survey.codebook import load_codebook


def people(count: int, users: int, **where) -> list[dict]:
    """``count`` respondents with the segment values ``where``; the first ``users`` use it."""
    rows = []
    for i in range(count):
        score = 2 + (i * 7 % 5) * 0.5
        rows.append({**where, "user": i < users, **dict.fromkeys(FACTORS, score)})
    return rows


def run(tmp_path: Path, rows: list[dict], segment_by: list[str], k: int = 5):
    """The document for ``rows``, and the survey as the attacker knows it."""
    frame = pd.DataFrame(rows)
    columns = [c for c in frame.columns if c not in ("user", *FACTORS)]
    frame[columns] = frame[columns].fillna("")
    out = [
        [*(r[c] for c in columns), "ja" if r["user"] else "nee"]
        + ["" if pd.isna(r[f]) else r[f] for f in FACTORS]
        for r in frame.to_dict("records")
    ]
    path = write_csv(tmp_path / "survey.csv", [*columns, "user", *FACTORS], out)
    document = advise(path, segment_by=segment_by, min_group_size=k).document
    frame[columns] = frame[columns].replace("", np.nan)
    return document, frame


def shown(document: dict) -> dict[str, str | None]:
    return {s["value"]: s["suppressed_reason"] for s in document["segments"][1:]}


def comparison(document: dict, value: str, factor: str) -> dict:
    segment = next(s for s in document["segments"] if s["value"] == value)
    return next(c for c in segment["comparisons"] if c["factor"] == factor)


def test_sales_is_amsterdam_plus_one_non_user_from_utrecht(tmp_path):
    """The issue's case: Sales minus Amsterdam would be one person's answers, exactly."""
    rows = people(40, 15, department="Sales", location="Amsterdam")
    rows += people(1, 0, department="Sales", location="Utrecht")
    rows += people(60, 25, department="IT", location="Utrecht")
    rows += people(50, 20, department="HR", location="Rotterdam")
    document, frame = run(tmp_path, rows, ["department", "location"])
    assert attack(frame, document, FACTORS, 5) == []
    hidden = {v for v, reason in shown(document).items() if reason}
    assert hidden & {"Sales", "Amsterdam"} and hidden & {"IT", "Utrecht"}
    assert all(reason in (None, "anonymity") for reason in shown(document).values())
    assert shown(document)["Rotterdam"] is None and shown(document)["HR"] is None
    # what the curious reader did: Sales' non-users' sum minus Amsterdam's
    sales = next(s for s in document["segments"] if s["value"] == "Sales")
    amsterdam = next(s for s in document["segments"] if s["value"] == "Amsterdam")
    assert sales["suppressed"] or amsterdam["suppressed"]


def test_the_difference_counts_in_either_direction(tmp_path):
    """Amsterdam is Sales plus two users: the larger one minus the smaller."""
    rows = people(30, 12, department="Sales", location="Amsterdam")
    rows += people(2, 2, department="IT", location="Amsterdam")
    rows += people(40, 18, department="IT", location="Utrecht")
    document, frame = run(tmp_path, rows, ["department", "location"])
    assert attack(frame, document, FACTORS, 5) == []
    assert any(shown(document)[v] for v in ("Sales", "Amsterdam"))


def test_a_segment_equal_to_another_plus_two_respondents(tmp_path):
    rows = people(25, 10, team="Blue", floor="3rd")
    rows += people(2, 1, team="Blue", floor="4th")
    rows += people(30, 12, team="Red", floor="4th")
    rows += people(30, 14, team="Green", floor="5th")
    document, frame = run(tmp_path, rows, ["team", "floor"])
    assert attack(frame, document, FACTORS, 5) == []
    assert shown(document)["Green"] is None and shown(document)["5th"] is None


def test_a_segment_that_is_the_sum_of_others_plus_one(tmp_path):
    """North is departments A and B plus one respondent of C."""
    rows = people(20, 8, department="A", region="North")
    rows += people(20, 9, department="B", region="North")
    rows += people(1, 1, department="C", region="North")
    rows += people(40, 15, department="C", region="South")
    document, frame = run(tmp_path, rows, ["department", "region"])
    assert attack(frame, document, FACTORS, 5) == []


def test_three_overlapping_segmentations(tmp_path):
    """Only inclusion–exclusion over three segmentations isolates two part-timers."""
    rows = []
    for dept in ("Sales", "IT"):
        for site in ("Zwolle", "Delft"):
            for contract in ("full", "part"):
                size = 2 if (dept, site, contract) == ("IT", "Delft", "part") else 14
                rows += people(size, size // 2, dept=dept, site=site, contract=contract)
    document, frame = run(tmp_path, rows, ["dept", "site", "contract"])
    assert attack(frame, document, FACTORS, 5) == []


def test_combinations_and_a_cross_cutting_segmentation(tmp_path):
    rows = people(30, 12, org="North", dept="Sales", site="Zwolle")
    rows += people(3, 1, org="North", dept="IT", site="Zwolle")
    rows += people(25, 10, org="North", dept="IT", site="Delft")
    rows += people(40, 20, org="South", dept="Sales", site="Delft")
    document, frame = run(tmp_path, rows, ["org", "org+dept", "site"])
    assert attack(frame, document, FACTORS, 5) == []


def test_respondents_missing_one_factor_are_protected_for_that_factor(tmp_path):
    """Sales and Amsterdam differ by six users and six non-users, five of each skipped
    privacy: only the privacy comparison needs hiding, not the segment."""
    rows = people(30, 12, department="Sales", location="Amsterdam")
    extra = people(12, 6, department="Sales", location="Utrecht")
    for row in extra[:5] + extra[6:11]:
        row["privacy_concern"] = np.nan
    rows += extra + people(40, 15, department="IT", location="Utrecht")
    document, frame = run(tmp_path, rows, ["department", "location"])
    assert attack(frame, document, FACTORS, 5) == []
    assert not any(shown(document).values())  # six more of each: the counts are safe
    privacy = [comparison(document, v, "privacy_concern") for v in ("Sales", "Amsterdam")]
    assert [c["suppressed_reason"] for c in privacy].count("anonymity") >= 1
    assert not comparison(document, "Sales", "reputation")["suppressed"]


def test_a_skipped_factor_alone_does_not_hide_a_comparison(tmp_path):
    """The one extra person in Sales skipped privacy: the privacy figures of Sales and
    Amsterdam rest on the same people, so both can be shown; the counts cannot."""
    rows = people(30, 12, department="Sales", location="Amsterdam")
    extra = people(1, 0, department="Sales", location="Utrecht")
    extra[0]["privacy_concern"] = np.nan
    rows += extra + people(40, 15, department="IT", location="Utrecht")
    document, frame = run(tmp_path, rows, ["department", "location"])
    assert attack(frame, document, FACTORS, 5) == []


def test_a_region_of_only_non_users_is_not_revealed(tmp_path):
    """Sales minus Amsterdam would be six people, all non-users."""
    rows = people(30, 12, department="Sales", location="Amsterdam")
    rows += people(6, 0, department="Sales", location="Utrecht")
    rows += people(40, 15, department="IT", location="Utrecht")
    document, frame = run(tmp_path, rows, ["department", "location"])
    assert attack(frame, document, FACTORS, 5) == []


def test_blank_values_in_one_segmentation(tmp_path):
    rows = people(30, 12, department="Sales", location="Amsterdam")
    rows += people(2, 1, department="Sales", location=None)
    rows += people(40, 15, department="IT", location="Utrecht")
    document, frame = run(tmp_path, rows, ["department", "location"])
    assert attack(frame, document, FACTORS, 5) == []


def test_a_union_of_two_small_groups_is_protected(tmp_path):
    """Neither small group follows alone, but their union would (total minus the rest)."""
    rows = people(30, 12, department="A", location="X")
    rows += people(1, 0, department="B", location="X")
    rows += people(1, 1, department="B", location="Y")
    rows += people(30, 13, department="C", location="Y")
    document, frame = run(tmp_path, rows, ["department", "location"])
    assert attack(frame, document, FACTORS, 5) == []


@pytest.mark.parametrize("small_teams_first", [True, False])
def test_two_small_teams_that_follow_only_together(tmp_path, small_teams_first):
    """Blue and Green are too small to show, and neither follows from the rest; but all
    respondents minus Red are Blue and Green together: two people's answers.

    Red's staff and managers are light patterns too, so after the reductions Blue and
    Green stay apart and the exact search has to add two rows of its echelon form (two
    pivots). The order of the rows decides which patterns become pivots: with the small
    teams first they do, and a search restricted to single pivots (``range(1, 2)`` in
    ``solver._search``) shows Red and both roles: this test fails on it.
    """
    small = people(2, 1, team="Blue", role="manager") + people(2, 1, team="Green", role="staff")
    large = people(2, 1, team="Red", role="staff") + people(6, 3, team="Red", role="manager")
    rows = small + large if small_teams_first else large + small
    document, frame = run(tmp_path, rows, ["team", "role"], k=4)
    assert attack(frame, document, FACTORS, 4) == []
    assert shown(document)["Red"] == "anonymity"


@pytest.mark.parametrize("small_teams_first", [True, False])
def test_three_small_teams_that_follow_only_together(tmp_path, small_teams_first):
    """Three teams too small to show, one in each role; all respondents minus Red are the
    three together (6 people, k = 7), while no one or two of them follow.

    The three need three pivots (the roles must stay apart: each role's pair of team and
    Red's part is too uneven for the merge rule M2 to join two roles). A search limited to
    one pivot, or to two (``range(1, 3)``), shows Red: this test fails on both.
    """
    small = people(6, 3, team="Blue", role="advisor")
    small += people(2, 1, team="Green", role="planner") + people(4, 2, team="Gold", role="driver")
    large = people(12, 6, team="Red", role="planner") + people(8, 4, team="Red", role="advisor")
    large += people(10, 5, team="Red", role="driver")
    rows = small + large if small_teams_first else large + small
    document, frame = run(tmp_path, rows, ["team", "role"], k=7)
    assert attack(frame, document, FACTORS, 7) == []
    assert shown(document) == {
        "Blue": "anonymity",
        "Gold": "anonymity",
        "Green": "anonymity",
        "Red": "anonymity",
        "advisor": None,
        "driver": None,
        "planner": None,
    }


def test_only_users_skipped_a_factor(tmp_path):
    """Sales is Amsterdam plus six users and six non-users; five of the six users skipped
    privacy, no non-user did. The non-users' privacy figures are the segment counts'
    cells, the users' are not: the privacy check must run (a shortcut that compared only
    the non-users with the segment counts would skip it and show one user's answer)."""
    rows = people(30, 12, department="Sales", location="Amsterdam")
    extra = people(12, 6, department="Sales", location="Utrecht")
    for row in extra[:5]:
        row["privacy_concern"] = np.nan
    rows += extra + people(40, 15, department="IT", location="Utrecht")
    document, frame = run(tmp_path, rows, ["department", "location"])
    assert attack(frame, document, FACTORS, 5) == []
    assert not any(shown(document).values())
    privacy = [comparison(document, v, "privacy_concern") for v in ("Sales", "Amsterdam")]
    assert [c["suppressed"] for c in privacy].count(True) == 1


def test_a_hidden_cell_does_not_say_whether_its_own_group_is_small(tmp_path, monkeypatch):
    """The issue's case, with exactly five users in Utrecht: Sales and IT are hidden to
    protect the one person from Utrecht in Sales. Had the output said that IT was hidden
    *to protect* (so IT has at least five users), Utrecht's five users would all be in IT
    and that person a non-user. The outputs give one reason, so the bound is not known.

    The interval attacker proves both halves: with the reasons the stage uses internally
    put in the document, it pins that person; with the published document, nothing.
    """
    rows = people(30, 5, department="Sales", location="Amsterdam")
    rows += people(1, 0, department="Sales", location="Utrecht")
    rows += people(35, 5, department="IT", location="Utrecht")
    rows += people(50, 20, department="HR", location="Rotterdam")
    document, frame = run(tmp_path, rows, ["department", "location"])
    assert attack(frame, document, FACTORS, 5) == []
    assert intervals(frame, document, 5) == []
    assert {s["suppressed_reason"] for s in document["segments"]} == {None, "anonymity"}
    assert shown(document)["IT"] == "anonymity" and shown(document)["Utrecht"] is None
    monkeypatch.setattr(disclosure, "_published_reason", lambda reasons: reasons)
    telling, _ = run(tmp_path, rows, ["department", "location"])
    assert shown(telling)["IT"] == "overlap"
    assert intervals(frame, telling, 5) == ["usage of everyone in [30]: 0 users of 1"]


def test_a_crossing_pinned_by_its_margins(tmp_path, monkeypatch):
    """Teams and roles, each shown on its own, every group at least k = 4: Blue has 4
    users, managers 4 users, Red 8 and staff 8. Red's managers are 4 people, so at most
    4 users; Red's other 4 users are then staff, Blue's staff hold the last 4 staff users,
    and Blue's managers have none. No sum of the shown figures isolates Blue's managers,
    but the bounds every reader knows (no group has fewer than 0 users or more users
    than people) do: the four are all non-users, Red's managers all users.

    Found by the random search (``tests/redteam.py --intervals``) in 1 of 2,250 surveys;
    the stage now also finds figures pinned at their bounds (``solver.find_pinned``).
    """
    rows = people(4, 0, team="Blue", role="manager") + people(8, 4, team="Blue", role="staff")
    rows += people(8, 4, team="Red", role="manager") + people(4, 4, team="Red", role="staff")
    document, frame = run(tmp_path, rows, ["team", "role"], k=4)
    assert attack(frame, document, FACTORS, 4) == []
    assert intervals(frame, document, 4) == []
    assert sum(r is not None for r in shown(document).values()) == 2
    monkeypatch.setattr(disclosure, "find_pinned", lambda m, b, s, k: ([], b.atoms[:0], set()))
    unchecked, _ = run(tmp_path, rows, ["team", "role"], k=4)
    assert not any(shown(unchecked).values())
    assert intervals(frame, unchecked, 4) == [
        "usage of everyone in [0, 1, 2, 3]: 0 users of 4",
        "usage of everyone in [20, 21, 22, 23]: 4 users of 4",
    ]


def test_answers_pinned_at_the_ends_of_the_scale(tmp_path, monkeypatch):
    """The same crossing with answers: every count is safe (each combination has users
    and non-users), but Blue's two managers who use the platform answered 1 and Red's two
    staff users 5, on every factor. Their sums lie between 2 × 1 and 2 × 5; at those
    ends, the shown users' sums leave no room: the two managers answered 1, exactly.
    Without the check of bounds (``solver.find_pinned`` returning nothing) the attacker
    reads those answers."""

    def answered(count: int, users: int, user_score: float, **where) -> list[dict]:
        rows = people(count, users, **where)
        for row in rows:
            row.update(dict.fromkeys(FACTORS, user_score if row["user"] else 3.0))
        return rows

    rows = answered(5, 2, 1.0, team="Blue", role="manager")
    rows += answered(6, 3, 3.0, team="Blue", role="staff")
    rows += answered(6, 3, 3.0, team="Red", role="manager")
    rows += answered(5, 2, 5.0, team="Red", role="staff")
    document, frame = run(tmp_path, rows, ["team", "role"], k=3)
    assert attack(frame, document, FACTORS, 3) == []
    assert intervals(frame, document, 3, FACTORS[:1]) == []
    assert not any(shown(document).values())  # counts are safe: only comparisons go
    monkeypatch.setattr(disclosure, "find_pinned", lambda m, b, s, k: ([], b.atoms[:0], set()))
    unchecked, _ = run(tmp_path, rows, ["team", "role"], k=3)
    assert intervals(frame, unchecked, 3, FACTORS[:1]) == [
        "performance_expectancy: answers of users [0, 1] pinned at 2",
        "performance_expectancy: answers of users [17, 18] pinned at 10",
    ]


def test_a_uniform_group_gives_away_what_it_pins(tmp_path, monkeypatch):
    """All eight users in Sales answered 5, which Sales' mean and SD say, and may: they
    are eight. But then the six of them in Amsterdam answered 30 in all, and Amsterdam's
    users' sum minus 30 is the answers of IT's two users in Amsterdam. Sums alone isolate
    no small group here; the sums that the uniform group pins do (``_secondary`` checks
    the small sets again with the pinned patterns' sums known). Without that second
    check (the answers' bounds tied to no small-set check), the attacker reads them."""

    def answered(count: int, users: int, user_score: float, **where) -> list[dict]:
        rows = people(count, users, **where)
        for row in rows:
            row.update(dict.fromkeys(FACTORS, user_score if row["user"] else 3.0))
        return rows

    rows = answered(12, 6, 5.0, department="Sales", location="Amsterdam")
    rows += answered(5, 2, 5.0, department="Sales", location="Utrecht")
    rows += answered(5, 2, 2.0, department="IT", location="Amsterdam")
    rows += answered(12, 6, 3.0, department="IT", location="Utrecht")
    document, frame = run(tmp_path, rows, ["department", "location"], k=5)
    assert attack(frame, document, FACTORS, 5) == []
    assert intervals(frame, document, 5, FACTORS[:2]) == []
    assert not any(shown(document).values())  # counts are safe: only comparisons go
    assert any(c["suppressed"] for s in document["segments"] for c in s["comparisons"])
    bounds = patterns.scale_end_bounds
    monkeypatch.setattr(disclosure, "scale_end_bounds", lambda *a: bounds(*a[:3], check=-1))
    unchecked, _ = run(tmp_path, rows, ["department", "location"], k=5)
    assert attack(frame, unchecked, FACTORS, 5) == []  # sums alone: nothing
    assert "performance_expectancy: answers of users [17, 18] pinned at 4" in intervals(
        frame, unchecked, 5, FACTORS[:1]
    )


def test_only_a_shown_uniform_group_excuses_a_pin(tmp_path):
    """The crossing of ``test_answers_pinned_at_the_ends_of_the_scale``, with sites: X is
    exactly Blue's managers, whose two users answered 1, Z exactly Red's staff, whose two
    users answered 5 (the others have no site). X and Z are hidden (two users each), so
    their uniform answers are published nowhere, and the two pairs' answers, pinned by
    the crossing, must stay hidden. A stage that let a hidden uniform group excuse a pin
    as a shown one does (``_in_uniform_cells`` without ``shown``) publishes them."""

    def answered(count: int, users: int, user_score: float, **where) -> list[dict]:
        rows = people(count, users, **where)
        for row in rows:
            row.update(dict.fromkeys(FACTORS, user_score if row["user"] else 3.0))
        return rows

    rows = answered(5, 2, 1.0, team="Blue", role="manager", site="X")
    rows += answered(6, 3, 3.0, team="Blue", role="staff", site="")
    rows += answered(6, 3, 3.0, team="Red", role="manager", site="")
    rows += answered(5, 2, 5.0, team="Red", role="staff", site="Z")
    document, frame = run(tmp_path, rows, ["team", "role", "site"], k=3)
    assert shown(document) == dict.fromkeys(["Blue", "Red", "manager", "staff"]) | {
        "X": "anonymity",
        "Z": "anonymity",
    }
    assert attack(frame, document, FACTORS, 3) == []
    assert intervals(frame, document, 3, FACTORS[:1]) == []


@pytest.mark.parametrize("k", [3, 6])
def test_other_minimum_group_sizes(tmp_path, k):
    rows = people(20, 8, department="Sales", location="Amsterdam")
    rows += people(k - 1, 1, department="Sales", location="Utrecht")
    rows += people(25, 12, department="IT", location="Utrecht")
    document, frame = run(tmp_path, rows, ["department", "location"], k=k)
    assert attack(frame, document, FACTORS, k) == []


def test_per_segment_reports_show_only_published_figures(tmp_path):
    """The reports per segment together hold no figure the document hides."""
    from click.testing import CliRunner

    from ism_advisor.cli import main

    rows = people(40, 15, department="Sales", location="Amsterdam")
    rows += people(1, 0, department="Sales", location="Utrecht")
    rows += people(60, 25, department="IT", location="Utrecht")
    document, frame = run(tmp_path, rows, ["department", "location"])
    result = CliRunner().invoke(
        main,
        [
            str(tmp_path / "survey.csv"),
            *("--segment-by", "department", "--segment-by", "location"),
            *("--format", "md", "-o", str(tmp_path / "all.md"), "--per-segment"),
            str(tmp_path / "each"),
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.stderr
    reports = sorted(p.name for p in (tmp_path / "each").glob("*.md"))
    visible = [s for s in document["segments"][1:] if not s["suppressed"]]
    assert len(reports) == len(visible)
    for segment in document["segments"][1:]:
        if not segment["suppressed"]:
            continue
        assert not any(segment["value"].lower() in name for name in reports)
        # the hidden segment's true means appear in no report
        part = frame[frame[segment["column"]] == segment["value"]]
        means = {f"{part[part['user'] == u][f].mean():.2f}" for f in FACTORS for u in (1, 0)}
        for name in reports:
            text = (tmp_path / "each" / name).read_text(encoding="utf-8")
            shown_means = set(re.findall(r"\d\.\d\d", text))
            own = next(s for s in visible if name.endswith(f"-{s['value'].lower()}.md"))
            own_means = {
                f"{c[key]:.2f}"
                for c in own["comparisons"]
                for key in ("users_mean", "non_users_mean")
                if c[key] is not None
            }
            assert not (means - own_means) & shown_means, (segment["value"], name)


def test_no_template_reaches_a_hidden_figure(tmp_path):
    """A template that dumps everything it is given shows no hidden figure."""
    rows = people(40, 15, department="Sales", location="Amsterdam")
    rows += people(1, 0, department="Sales", location="Utrecht")
    rows += people(60, 25, department="IT", location="Utrecht")
    document, frame = run(tmp_path, rows, ["department", "location"])
    from ism_advisor.app.write import render

    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "report.md").write_text("{{ report.document }}", encoding="utf-8")
    text = render(document, "md", templates=folder).decode()
    hidden = [s for s in document["segments"] if s["suppressed"]]
    assert hidden
    for segment in hidden:
        part = frame[frame[segment["column"]] == segment["value"]]
        assert f"'respondents': {len(part)}" not in text.replace(f"'respondents': {len(frame)}", "")


# -- utility: nothing large is hidden -------------------------------------------------------


def test_large_disjoint_departments_are_all_shown(tmp_path):
    rows = []
    for i, dept in enumerate(("Sales", "IT", "HR", "Legal", "Finance")):
        for site in ("Zwolle", "Delft"):
            rows += people(30 + 7 * i, 12 + i, dept=dept, site=site)
    document, _ = run(tmp_path, rows, ["dept", "site", "dept+site"])
    assert not any(shown(document).values())
    assert not any(c["suppressed"] for s in document["segments"] for c in s["comparisons"])


def test_the_sample_hides_only_the_small_department_and_its_complement():
    document = advise(
        SAMPLE_SCORES, segment_by=["organisation", "department", "organisation+department"]
    ).document
    assert {v: r for v, r in shown(document).items() if r} == {
        "Directie": "anonymity",
        "ICT": "anonymity",
        "Gemeente Rivierstad / Directie": "anonymity",
        "Gemeente Rivierstad / ICT": "anonymity",
    }


def test_a_small_department_in_a_large_cross_tabulation_keeps_the_rest(tmp_path):
    """One tiny team among many large ones, crossed with sites: only a few cells go."""
    rng = np.random.default_rng(5)
    rows = []
    for team in range(12):
        for site in ("A", "B", "C"):
            size = 2 if (team, site) == (0, "A") else int(rng.integers(15, 30))
            rows += people(size, size // 2, team=f"t{team:02d}", site=site)
    document, _ = run(tmp_path, rows, ["team", "site"])
    hidden = {v for v, r in shown(document).items() if r}
    assert len(hidden) <= 2
    assert {"A", "B", "C"} - hidden


# -- the property: random surveys, an exact attacker -----------------------------------------

VALUES = {"dept": ["a", "b", "c"], "site": ["x", "y"], "team": ["p", "q", "r", "s"]}


@st.composite
def surveys(draw):
    n = draw(st.integers(10, 26))
    columns = draw(st.lists(st.sampled_from(sorted(VALUES)), min_size=1, max_size=3, unique=True))
    rows = []
    for _ in range(n):
        row = {c: draw(st.sampled_from([*VALUES[c], None])) for c in columns}
        row["user"] = draw(st.booleans())
        for factor in FACTORS[:2]:
            row[factor] = draw(st.sampled_from([1.0, 2.0, 3.5, 5.0, None]))
        rows.append(row)
    specs = draw(
        st.lists(
            st.sampled_from(columns + [f"{a}+{b}" for a in columns for b in columns if a < b]),
            min_size=1,
            max_size=4,
            unique=True,
        )
    )
    return rows, specs


@settings(
    deadline=None,
    max_examples=min(settings().max_examples, 1500),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(surveys())
def test_no_attacker_isolates_a_small_group_in_random_surveys(case):
    rows, specs = case
    k = 3
    frame = pd.DataFrame(rows)
    if frame["user"].sum() < k or (~frame["user"]).sum() < k:
        return
    for factor in FACTORS[2:]:
        frame[factor] = 3.0
    columns = [c for c in VALUES if c in frame.columns]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "s.csv"
        out = [
            [*("" if r[c] is None else r[c] for c in columns), "ja" if r["user"] else "nee"]
            + ["" if pd.isna(r[f]) else r[f] for f in FACTORS]
            for r in frame.to_dict("records")
        ]
        write_csv(path, [*columns, "user", *FACTORS], out)
        survey = load_survey(path, load_codebook(), specs)
    published = publish(survey, compare_groups(survey), k)
    document = json.loads(json.dumps(advice_document(survey, published), default=str))
    found = attack(frame, document, FACTORS[:2], k)
    assert found == [], (specs, found)


@st.composite
def crafted_surveys(draw):
    """Surveys of ``redteam.py``'s families: near-coinciding clusters, two to four crossed
    segmentations with light and empty combinations, combinations next to cross-cutting
    segmentations, factors skipped by different people; k from 3 to 7; blank values."""
    return redteam.survey(redteam.DrawPick(draw))


# Each example costs 0.1-1 s (a survey of up to a few hundred respondents, every output
# attacked exactly); the quick profile runs 60, the thorough one (CI) 1,000.
@settings(
    deadline=None,
    max_examples=min(settings().max_examples * 2 // 3, 1000),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(crafted_surveys())
def test_no_attacker_isolates_a_small_group_in_crafted_surveys(case):
    assert redteam.findings(case) == [], (case.k, case.segment_by, case.family)


CASES = json.loads((Path(__file__).parent / "data" / "disclosure_cases.json").read_text())


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_surveys_that_broke_a_mutant(case):
    """Surveys the random search (``python tests/redteam.py``) found while a mutation of
    the stage was applied, shrunk; each one's ``why`` names the mutation it catches."""
    rows = [dict(zip(case["columns"], row, strict=True)) for row in case["rows"]]
    survey = redteam.Case(rows, case["segment_by"], case["k"])
    assert redteam.findings(survey) == []


def test_a_search_over_budget_protects_more_not_less(tmp_path, monkeypatch):
    """When the exact search gives up, the stage assumes a small set follows and hides."""
    rows = people(30, 12, department="A", location="X")
    rows += people(1, 0, department="B", location="X")
    rows += people(1, 1, department="B", location="Y")
    rows += people(30, 13, department="C", location="Y")
    exact, _ = run(tmp_path, rows, ["department", "location"])
    monkeypatch.setattr(solver, "SEARCH_BUDGET", 0)
    worst, frame = run(tmp_path, rows, ["department", "location"])
    assert attack(frame, worst, FACTORS, 5) == []
    hidden = {v for v, r in shown(worst).items() if r}
    assert hidden >= {v for v, r in shown(exact).items() if r}


def test_publish_refuses_a_minimum_below_three_and_too_few_respondents(tmp_path):
    from ism_advisor.core.errors import AdvisorError

    rows = people(8, 4, department="A") + people(8, 4, department="B")
    run(tmp_path, rows, ["department"])
    survey = load_survey(tmp_path / "survey.csv", load_codebook(), ["department"])
    comparison = compare_groups(survey)
    with pytest.raises(AdvisorError) as error:
        publish(survey, comparison, 2)
    assert str(error.value) == "the minimum group size must be at least 3, got 2"
    with pytest.raises(AdvisorError) as error:
        publish(survey, comparison, 9)
    assert str(error.value) == (
        f"{tmp_path / 'survey.csv'}: too few respondents to report anonymously: 8 users and 8"
        " non-users (each group needs at least 9)"
    )
    published = publish(survey, comparison, 5)
    assert published.hidden() == {"segments": 2, "comparisons": 0}
    assert published.segments["respondents"].iloc[1:].isna().all()
    assert comparison.segments["respondents"].iloc[1:].tolist() == [8, 8]


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        (
            "en",
            "anonymity: hidden segments 4, comparisons 0 (to protect groups smaller than 5)\n",
        ),
        (
            "nl",
            "anonimiteit: verborgen segmenten 4, vergelijkingen 0 (om groepen kleiner dan 5"
            " te beschermen)\n",
        ),
    ],
)
def test_the_command_counts_hidden_cells_on_a_terminal(tmp_path, monkeypatch, lang, line):
    import io
    import shutil
    import sys

    from click.testing import CliRunner

    from ism_advisor.cli import main

    shutil.copyfile(SAMPLE_SCORES, tmp_path / "scores.csv")
    args = [
        str(tmp_path / "scores.csv"),
        *("--segment-by", "organisation", "--segment-by", "department"),
        *("--segment-by", "organisation+department", "--lang", lang),
        *("-o", str(tmp_path / "advice.json")),
    ]
    # not on a terminal (scripts, CI): nothing but the path
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert (result.exit_code, result.stderr) == (0, "")

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    import ism_advisor.cli.advise as cli

    monkeypatch.setattr(cli, "Progress", lambda lang: lambda message: None)
    with pytest.raises(SystemExit) as done:
        main.main(args, standalone_mode=True)
    assert done.value.code == 0
    assert terminal.getvalue() == line
    result = CliRunner().invoke(main, [*args, "--quiet"], catch_exceptions=False)
    assert result.stderr == ""
