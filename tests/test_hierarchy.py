"""Segment hierarchies (issue 26): a department within its organisation is compared with
its own organisation, the top of a hierarchy with everyone; titles name the codebook's
label of the segment question; a child hidden within its parent stays hidden."""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd
import pytest

from conftest import FACTORS, SAMPLE_SCORES, write_csv
from decks import read_deck
from ism_advisor.app.pipeline import advise
from ism_advisor.app.write import render
from ism_advisor.render.brief import brief_file_names
from ism_advisor.stats.segments import segment_parents


def pct(share: float) -> str:
    """A share as the reports show it: a whole percentage, halves rounded away from zero
    from the shortest decimal (243 of 600 = 0.405 shows as 41%)."""
    exact = Decimal(repr(float(share))).scaleb(2)
    return f"{int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))}%"


SAMPLE = pd.read_csv(SAMPLE_SCORES)
SAMPLE["is_user"] = SAMPLE["user"] == "yes"


def index_of(document: dict, column: str, value: str) -> int:
    (index,) = [
        i
        for i, s in enumerate(document["segments"])
        if s["column"] == column and s["value"] == value
    ]
    return index


def brief_lines(document: dict, column: str, value: str) -> list[str]:
    index = index_of(document, column, value)
    text = render(document, "md", segment=index, brief=True).decode("utf-8")
    return text.splitlines()


def table(lines: list[str]) -> dict[str, list[str]]:
    """The brief's figures table: factor label → its cells."""
    rows = [line.strip("|").split("|") for line in lines if line.startswith("| ")]
    return {cells[0].strip(): [c.strip() for c in cells[1:]] for cells in rows[1:]}


@pytest.fixture(scope="module")
def nested():
    return {
        lang: advise(SAMPLE_SCORES, segment_by=["organisation", "department"], lang=lang).document
        for lang in ("en", "nl")
    }


def test_departments_nest_in_their_organisation_as_the_data_says(nested):
    document = nested["en"]
    owner = SAMPLE.groupby("department")["organisation"].agg(lambda s: sorted(set(s)))
    assert all(len(orgs) == 1 for orgs in owner)  # the sample's departments nest
    for segment in document["segments"][1:]:
        if segment["column"] == "organisation":
            assert segment["parent"] is None
        else:
            assert segment["parent"] == {
                "column": "organisation",
                "value": owner[segment["value"]][0],
            }
    assert document["segments"][0]["parent"] is None


def test_segment_parents_of_codes():
    organisation = np.array([1, 1, 2, 2, -1])
    department = np.array([3, 4, 5, 5, 6])
    # a department with a respondent outside every organisation nests in none
    assert segment_parents([organisation, department], 7) == [None, 0, 0, 0, 0, 0, 0]
    department = np.array([3, 4, 5, 5, -1])
    assert segment_parents([organisation, department], 6) == [None, 0, 0, 1, 1, 2]
    # two segmentations that split alike: neither is the other's parent
    same = np.array([3, 3, 4, 4, -1])
    assert segment_parents([organisation, same], 5) == [None, 0, 0, 0, 0]


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "en",
            [
                "# Overview: getting your department onto the platform",
                "**Department: Sales**",
                "## Your department",
                "- {team} use the platform (your organisation: {organisation})",
                "| Factor | Your department | Your organisation | Users | Non-users |",
            ],
        ),
        (
            "nl",
            [
                "# Overzicht: je afdeling actief op het platform",
                "**Afdeling: Sales**",
                "## Je afdeling",
                "- {team} gebruikt het platform (je organisatie: {organisation})",
                "| Factor | Je afdeling | Je organisatie | Gebruikers | Niet-gebruikers |",
            ],
        ),
    ],
)
def test_a_department_brief_compares_with_its_own_organisation(nested, lang, expected):
    document = nested[lang]
    lines = brief_lines(document, "department", "Sales")
    sales = SAMPLE[SAMPLE["department"] == "Sales"]
    (organisation,) = set(sales["organisation"])
    own = SAMPLE[SAMPLE["organisation"] == organisation]
    rates = {
        "team": f"{pct(sales['is_user'].mean())}",
        "organisation": f"{pct(own['is_user'].mean())}",
    }
    # the pooled figures of all three clients differ: the brief must not show them. Their
    # adoption (40.5%) shows as 41%, as the organisation's does; its means tell them apart
    assert SAMPLE["is_user"].mean() != own["is_user"].mean()
    assert max(abs(SAMPLE[f].mean() - own[f].mean()) for f in FACTORS) > 0.05
    for line in expected:
        assert line.format(**rates) in lines
    figures = table(lines)
    labels = {f["id"]: f["label"] for f in document["factors"]}
    for factor in FACTORS:
        team, whole = (float(c.replace(",", ".")) for c in figures[labels[factor]][:2])
        assert team == pytest.approx(sales[factor].mean(), abs=0.005 + 1e-9)
        assert whole == pytest.approx(own[factor].mean(), abs=0.005 + 1e-9)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "en",
            [
                "# Overview: getting your organisation onto the platform",
                "**Organisation: TechnoBouw**",
                "## Your organisation",
                "- {team} use the platform (all respondents: {everyone})",
            ],
        ),
        (
            "nl",
            [
                "# Overzicht: je organisatie actief op het platform",
                "**Organisatie: TechnoBouw**",
                "## Je organisatie",
                "- {team} gebruikt het platform (alle respondenten: {everyone})",
            ],
        ),
    ],
)
def test_the_top_of_the_hierarchy_compares_with_everyone(nested, lang, expected):
    lines = brief_lines(nested[lang], "organisation", "TechnoBouw")
    own = SAMPLE[SAMPLE["organisation"] == "TechnoBouw"]
    rates = {
        "team": f"{pct(own['is_user'].mean())}",
        "everyone": f"{pct(SAMPLE['is_user'].mean())}",
    }
    for line in expected:
        assert line.format(**rates) in lines
    text = "\n".join(lines).lower()
    assert "your team" not in text and "je team" not in text


def test_a_department_report_and_deck_name_its_organisation(nested):
    document = nested["en"]
    index = index_of(document, "department", "Sales")
    own = SAMPLE[SAMPLE["organisation"] == "TechnoBouw"]
    rate = f"{pct(own['is_user'].mean())}"
    report = render(document, "md", segment=index).decode("utf-8").splitlines()
    assert "Department: Sales" in report
    assert f"- 40% use the platform (your organisation: {rate})" in report
    html = render(document, "html", segment=index).decode("utf-8")
    assert '<p class="scope">Department: Sales</p>' in html
    deck = read_deck(render(document, "pptx", segment=index))
    summary = next(view for view in deck if view.title == "Summary")
    assert f"Your organisation: {rate} use the platform." in "\n".join(summary.texts)


@pytest.mark.parametrize(
    ("lang", "rows"),
    [
        ("en", ["| TechnoBouw (Organisation) |", "| Sales (Department) |"]),
        ("nl", ["| TechnoBouw (Organisatie) |", "| Sales (Afdeling) |"]),
    ],
)
def test_the_segment_overview_names_the_codebook_label(nested, lang, rows):
    text = render(nested[lang], "md").decode("utf-8")
    for row in rows:
        assert any(line.startswith(row) for line in text.splitlines()), row
    assert "(department)" not in text and "(organisation)" not in text
    deck = read_deck(render(nested[lang], "pptx"))
    cells = [row[0] for view in deck for t in view.tables for row in t]
    assert rows[1].strip("| ") in cells


def test_the_brief_deck_is_titled_with_the_label(nested):
    document = nested["nl"]
    index = index_of(document, "department", "Sales")
    (slide,) = read_deck(render(document, "pptx", segment=index, brief=True))
    assert slide.title == "Afdeling: Sales"
    assert slide.charts[0].legend == ["Je afdeling", "Je organisatie"]
    sales = SAMPLE[SAMPLE["department"] == "Sales"]
    own = SAMPLE[SAMPLE["organisation"] == "TechnoBouw"]
    assert (
        f"Je afdeling: {pct(sales['is_user'].mean())} gebruikt het platform (je organisatie:"
        f" {pct(own['is_user'].mean())}); 70 respondenten: 28 gebruikers, 42 niet-gebruikers."
    ) in slide.texts[0].splitlines()


def test_a_column_without_a_codebook_question_keeps_its_name(tmp_path):
    frame = SAMPLE.drop(columns=["is_user"]).rename(columns={"department": "site"})
    path = tmp_path / "scores.csv"
    frame.to_csv(path, index=False)
    document = advise(path, segment_by=["site"]).document
    lines = brief_lines(document, "site", "Sales")
    assert "**site: Sales**" in lines
    assert "# Overview: getting your site onto the platform" in lines


def test_a_declared_path_nests_departments_in_organisations(cli, tmp_path):
    result = cli(SAMPLE_SCORES, "--segment-by", "organisation/department", "-o", "a.json")
    assert result.exit_code == 0, result.stderr
    document = json.loads((tmp_path / "a.json").read_text("utf-8"))
    assert document["settings"]["segment_by"] == ["organisation", "organisation+department"]
    pairs = SAMPLE.groupby(["organisation", "department"]).size()
    paths = [s for s in document["segments"] if s["column"] == "organisation+department"]
    assert [s["value"] for s in paths] == [f"{o} / {d}" for o, d in pairs.index]
    for segment in paths:
        organisation = segment["where"]["organisation"]
        assert segment["parent"] == {"column": "organisation", "value": organisation}
        assert segment["label"] == "Organisation / Department"


@pytest.fixture(scope="module")
def shared_name(tmp_path_factory):
    """The sample with Zorggroep Oost's Staf renamed to Sales: one name, two departments."""
    frame = SAMPLE.drop(columns=["is_user"])
    frame.loc[frame["department"] == "Staf", "department"] = "Sales"
    path = tmp_path_factory.mktemp("shared") / "scores.csv"
    frame.to_csv(path, index=False)
    frame["is_user"] = frame["user"] == "yes"
    return path, frame


def test_one_name_under_two_organisations_does_not_nest(shared_name):
    path, frame = shared_name
    document = advise(path, segment_by=["organisation", "department"]).document
    departments = [s for s in document["segments"] if s["column"] == "department"]
    assert departments and all(s["parent"] is None for s in departments)
    # compared with everyone, as a segmentation that nests in none
    lines = brief_lines(document, "department", "Sales")
    sales = frame[frame["department"] == "Sales"]
    assert (
        f"- {pct(sales['is_user'].mean())} use the platform"
        f" (all respondents: {pct(frame['is_user'].mean())})"
    ) in lines


def test_the_path_makes_one_name_two_departments(shared_name):
    path, frame = shared_name
    document = advise(path, segment_by=["organisation/department"], lang="nl").document
    values = [s["value"] for s in document["segments"] if s["column"] == "organisation+department"]
    assert "TechnoBouw / Sales" in values and "Zorggroep Oost / Sales" in values
    for organisation in ("TechnoBouw", "Zorggroep Oost"):
        lines = brief_lines(document, "organisation+department", f"{organisation} / Sales")
        team = frame[(frame["organisation"] == organisation) & (frame["department"] == "Sales")]
        own = frame[frame["organisation"] == organisation]
        assert f"**Organisatie / Afdeling: {organisation} / Sales**" in lines
        assert (
            f"- {pct(team['is_user'].mean())} gebruikt het platform"
            f" (je organisatie: {pct(own['is_user'].mean())})"
        ) in lines


def test_a_hidden_parent_passes_the_comparison_up(nested):
    """A department whose organisation is hidden is compared with the next shown level."""
    document = json.loads(json.dumps(nested["en"]))
    parent = index_of(document, "organisation", "TechnoBouw")
    document["segments"][parent]["suppressed"] = True
    index = index_of(document, "department", "Sales")
    lines = render(document, "md", segment=index, brief=True).decode("utf-8").splitlines()
    assert f"- 40% use the platform (all respondents: {pct(SAMPLE['is_user'].mean())})" in lines


def test_segment_briefs_files_are_named_by_column(nested):
    names = [name for name, _ in brief_file_names(nested["nl"], "md")]
    assert "department-sales.md" in names and "organisation-technobouw.md" in names


# -- anonymity: parent and children are linked tables ------------------------------------


def nested_survey(tmp_path) -> tuple[object, pd.DataFrame]:
    """Two organisations; North's board (2 users, 3 non-users) is below the minimum.
    Department names are unique, so the departments nest in the organisations as found
    from the data (no declared path)."""
    rng = np.random.default_rng(26)
    rows = []
    for org, dept, users, non_users in (
        ("North", "Sales", 20, 22),
        ("North", "IT", 15, 16),
        ("North", "Board", 2, 3),
        ("South", "Care", 25, 30),
        ("South", "Desk", 12, 14),
    ):
        for user in [True] * users + [False] * non_users:
            answers = np.clip(rng.normal(3.4 if user else 2.9, 0.7, len(FACTORS)), 1, 5).round(2)
            rows.append(
                {"org": org, "dept": dept, "user": user, **dict(zip(FACTORS, answers, strict=True))}
            )
    frame = pd.DataFrame(rows)
    records = [
        [r["org"], r["dept"], "ja" if r["user"] else "nee", *[r[f] for f in FACTORS]]
        for r in frame.to_dict("records")
    ]
    path = write_csv(tmp_path / "s.csv", ["org", "dept", "user", *FACTORS], records)
    return path, frame


def recover_children(document: dict, frame: pd.DataFrame, k: int) -> list[str]:
    """A parent's shown figures minus those of its shown children: whatever is left when
    one child is hidden. Returns each hidden child below the minimum whose users' or
    non-users' count, or a factor's n and sum of answers, this gives exactly."""
    segments = document["segments"]
    found = []
    for parent in segments[1:]:
        if parent["suppressed"]:
            continue
        key = {"column": parent["column"], "value": parent["value"]}
        children = [s for s in segments if s.get("parent") == key]
        hidden = [s for s in children if s["suppressed"]]
        if len(hidden) != 1:
            continue
        (child,) = hidden
        shown = [s for s in children if not s["suppressed"]]
        part = frame
        for column, value in child["where"].items():
            part = part[part[column] == value]
        for group, flag in (("users", True), ("non_users", False)):
            left = parent[group] - sum(s[group] for s in shown)
            members = part[part["user"] == flag]
            if left == len(members) and 0 < left < k:
                found.append(f"{child['value']}: {group} {left}")
            for factor in FACTORS:
                figures = []
                for s in (parent, *shown):
                    (c,) = [c for c in s["comparisons"] if c["factor"] == factor]
                    figures.append(
                        None if c["suppressed"] else (c[f"{group}_n"], c[f"{group}_mean"])
                    )
                if None in figures:
                    continue
                n = figures[0][0] - sum(f[0] for f in figures[1:])
                total = figures[0][0] * figures[0][1] - sum(f[0] * f[1] for f in figures[1:])
                truth = members[factor]
                if n == len(truth) and 0 < n < k and total == pytest.approx(truth.sum()):
                    found.append(f"{child['value']}: {group} {factor}")
    return found


def test_a_child_hidden_within_its_parent_cannot_be_recovered(tmp_path, monkeypatch):
    import ism_advisor.protect.disclosure as disclosure

    path, frame = nested_survey(tmp_path)
    k = 5
    document = advise(path, segment_by=["org", "dept"], min_group_size=k).document
    board = document["segments"][index_of(document, "dept", "Board")]
    assert board["suppressed"] and board["parent"] == {"column": "org", "value": "North"}
    assert recover_children(document, frame, k) == []
    # North is shown, so a sibling of the board is hidden with it
    north = [s for s in document["segments"] if s.get("parent") == board["parent"]]
    assert sum(s["suppressed"] for s in north) >= 2
    assert not document["segments"][index_of(document, "org", "North")]["suppressed"]

    # The attack does recover the board from a stage that checks each table on its own
    # (only the board's own groups hidden): the subtraction above is what the linked
    # check prevents.
    monkeypatch.setattr(disclosure, "_secondary", lambda *args, **kwargs: None)
    unlinked = advise(path, segment_by=["org", "dept"], min_group_size=k).document
    recovered = recover_children(unlinked, frame, k)
    assert "Board: users 2" in recovered and "Board: non_users 3" in recovered
    assert f"Board: users {FACTORS[0]}" in recovered


def test_a_declared_path_child_cannot_be_recovered(tmp_path):
    path, frame = nested_survey(tmp_path)
    document = advise(path, segment_by=["org/dept"], min_group_size=5).document
    board = document["segments"][index_of(document, "org+dept", "North / Board")]
    assert board["suppressed"]
    assert recover_children(document, frame, 5) == []


def test_the_brief_index_names_the_label_and_its_csv_the_column(nested):
    from ism_advisor.render.brief import brief_index

    document = nested["nl"]
    briefs = brief_file_names(document, "html")
    html, data = brief_index(document, briefs)
    assert '<tr><td>Afdeling</td><th scope="row" class="name">Sales</th>' in html.decode()
    assert "\ndepartment,Sales,70,0.4000,department-sales.html\n" in data.decode()


@pytest.mark.parametrize("seed", range(12))
def test_no_small_group_is_recoverable_in_a_hierarchy_found_from_the_data(tmp_path, seed):
    """test_anonymity's random organisations, each department's name its own (so that
    the departments nest in the organisations as found from the data), attacked by the
    exact solver of tests/attacker.py and by subtracting a parent's shown children."""
    from attacker import attack as solve

    from builders import assert_nothing_small_is_shown, survey_frame, write

    frame = survey_frame(seed)
    named = frame["dept"] != ""
    frame.loc[named, "dept"] = frame.loc[named, "org"] + " " + frame.loc[named, "dept"]
    path = tmp_path / "s.csv"
    write(frame, path)
    k = 5
    frame["dept"] = frame["dept"].replace("", np.nan)
    document = advise(path, segment_by=["org", "dept"], min_group_size=k).document
    departments = [s for s in document["segments"] if s["column"] == "dept"]
    # a blank department belongs to no department; the others nest all the same
    assert all(s["parent"]["value"] == s["value"].split()[0] for s in departments)
    assert_nothing_small_is_shown(document, k)
    assert solve(frame, document, FACTORS, k) == []
    assert recover_children(document, frame, k) == []


def test_a_path_level_may_be_a_combination(tmp_path):
    frame = SAMPLE.drop(columns=["is_user"])
    frame["site"] = np.where(frame["respondent"] % 2 == 0, "Oost", "West")
    path = tmp_path / "scores.csv"
    frame.to_csv(path, index=False)
    document = advise(path, segment_by=["organisation+site/department"]).document
    assert document["settings"]["segment_by"] == [
        "organisation+site",
        "organisation+site+department",
    ]
    segment = document["segments"][
        index_of(document, "organisation+site+department", "TechnoBouw / Oost / Sales")
    ]
    assert segment["parent"] == {"column": "organisation+site", "value": "TechnoBouw / Oost"}


def test_a_mistyped_level_of_a_path_is_named(cli):
    result = cli(SAMPLE_SCORES, "--segment-by", "organisation/departement", "-o", "a.json")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1].endswith(
        "scores.csv:1: no column \"departement\" to segment by (did you mean 'department'?)"
        " (columns found: respondent, organisation, department, user, performance_expectancy,"
        " effort_expectancy, reputation, colleague_influence, manager_influence,"
        " collaboration_norms, privacy_concern)"
    )
    assert "a.json" not in cli.files
