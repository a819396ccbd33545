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
from attacker import attack
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FACTORS, SAMPLE_SCORES, write_csv
from ism_advisor.codebook import load_codebook
from ism_advisor.compare import compare_groups
from ism_advisor.disclosure import publish
from ism_advisor.document import advice_document
from ism_advisor.pipeline import advise
from ism_advisor.survey import load_survey


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
    assert all(reason in (None, "overlap") for reason in shown(document).values())
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
    assert [c["suppressed_reason"] for c in privacy].count("overlap") >= 1
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
    from ism_advisor.pipeline import render

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
        "Directie": "too_small",
        "ICT": "overlap",
        "Gemeente Rivierstad / Directie": "too_small",
        "Gemeente Rivierstad / ICT": "overlap",
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
    max_examples=min(settings().max_examples, 300),
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


def test_a_search_over_budget_protects_more_not_less(tmp_path, monkeypatch):
    """When the exact search gives up, the stage assumes a small set follows and hides."""
    import ism_advisor.disclosure as disclosure

    rows = people(30, 12, department="A", location="X")
    rows += people(1, 0, department="B", location="X")
    rows += people(1, 1, department="B", location="Y")
    rows += people(30, 13, department="C", location="Y")
    exact, _ = run(tmp_path, rows, ["department", "location"])
    monkeypatch.setattr(disclosure, "_SEARCH_BUDGET", 0)
    worst, frame = run(tmp_path, rows, ["department", "location"])
    assert attack(frame, worst, FACTORS, 5) == []
    hidden = {v for v, r in shown(worst).items() if r}
    assert hidden >= {v for v, r in shown(exact).items() if r}


def test_publish_refuses_a_minimum_below_three_and_too_few_respondents(tmp_path):
    from ism_advisor.errors import AdvisorError

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
    assert published.hidden() == {
        "segments": {"too_small": 2, "overlap": 0},
        "comparisons": {"too_small": 0, "overlap": 0},
    }
    assert published.segments["respondents"].iloc[1:].isna().all()
    assert comparison.segments["respondents"].iloc[1:].tolist() == [8, 8]


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        (
            "en",
            "anonymity: hidden segments 4, comparisons 0 (2 with a group smaller than 5,"
            " 2 to protect such a group)\n",
        ),
        (
            "nl",
            "anonimiteit: verborgen segmenten 4, vergelijkingen 0 (2 met een groep kleiner"
            " dan 5, 2 om zo'n groep te beschermen)\n",
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
    import ism_advisor.cli as cli

    monkeypatch.setattr(cli, "_Progress", lambda lang: lambda message: None)
    with pytest.raises(SystemExit) as done:
        main.main(args, standalone_mode=True)
    assert done.value.code == 0
    assert terminal.getvalue() == line
    result = CliRunner().invoke(main, [*args, "--quiet"], catch_exceptions=False)
    assert result.stderr == ""
