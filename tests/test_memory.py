"""Publication memory (issue 30, item 5): a client's runs are checked against each other.

A run by team and a run by team and location, each safe on its own, together give one
person's answers (team A minus A at location X); with a store and ``--client`` the second
run is decided against what the first published, and the pair discloses nothing. The
store here is a small in-memory stand-in with the two methods memory uses
(``publications``, ``record_publication``), put where ``ism_advisor.app.run`` looks the
store up; the pair is also run with the real store, on SQLite and PostgreSQL
(``test_the_pair_is_safe_with_the_real_store``).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from attacker import attack, intervals

import ism_advisor.app.run as run_module
from conftest import FACTORS, Cli, write_csv
from ism_advisor.core.errors import AdvisorError
from ism_advisor.protect.disclosure import publish
from ism_advisor.protect.memory import applying, published_cells
from ism_advisor.stats.compare import compare_groups
from ism_advisor.store import open_store
from ism_advisor.survey import load_survey
from ism_advisor.survey.codebook import load_codebook

#: The person a run by team and a run by team and location isolate together: alone in
#: team A at location Y, a user.
PERSON = dict(zip(FACTORS, [4.5, 1.5, 3.0, 2.5, 5.0, 3.5, 2.0], strict=True))


class FakeStore:
    """The store's publication memory, in memory (contract C1 of issue 30)."""

    label = "fake"

    def __init__(self) -> None:
        self.records: dict[str, list[dict]] = {}

    def __enter__(self) -> FakeStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        pass

    def publications(self, client: str) -> list[dict]:
        return json.loads(json.dumps(self.records.get(client, [])))

    def record_publication(self, client: str, record: dict) -> bool:
        kept = self.records.setdefault(client, [])
        copy = json.loads(json.dumps(record))  # JSON-able, as a real store keeps it
        if copy in kept:
            return False
        kept.append(copy)
        return True


@pytest.fixture
def stores(monkeypatch) -> dict[str, FakeStore]:
    """The fake stores by location, in place of ``ism_advisor.store``."""
    found: dict[str, FakeStore] = {}
    monkeypatch.delenv("ISM_ADVISOR_STORE", raising=False)
    monkeypatch.setattr(
        run_module, "open_store", lambda where: found.setdefault(where, FakeStore())
    )
    monkeypatch.setattr(
        run_module,
        "resolve_location",
        lambda option, *, default: option or os.environ.get("ISM_ADVISOR_STORE"),
    )
    return found


def people(count: int, users: int, team: str, location: str, shift: int) -> list[dict]:
    rows = []
    for i in range(count):
        scores = {f: 1 + ((i * 3 + j + shift) % 9) * 0.5 for j, f in enumerate(FACTORS)}
        rows.append({"team": team, "location": location, "user": i < users, **scores})
    return rows


def survey_rows(extra_b_y: int = 0) -> list[dict]:
    """Team A: 20 at location X and the person at Y; team B: 10 at X, 12 (+ more) at Y."""
    return [
        *people(20, 10, "A", "X", 0),
        {"team": "A", "location": "Y", "user": True, **PERSON},
        *people(10, 5, "B", "X", 1),
        *people(12 + extra_b_y, 6 + extra_b_y // 2, "B", "Y", 2),
    ]


def write_survey(path: Path, rows: list[dict]) -> Path:
    out = [
        [r["team"], r["location"], "ja" if r["user"] else "nee", *[r[f] for f in FACTORS]]
        for r in rows
    ]
    return write_csv(path, ["team", "location", "user", *FACTORS], out)


@pytest.fixture
def survey(tmp_path: Path) -> tuple[Path, pd.DataFrame]:
    rows = survey_rows()
    return write_survey(tmp_path / "survey.csv", rows), pd.DataFrame(rows)


def segment(document: dict, value: str | None) -> dict:
    (found,) = [s for s in document["segments"] if s["value"] == value]
    return found


def recover(by_team: dict, crossed: dict) -> dict[str, float] | None:
    """The person's scores by direct arithmetic: the users' sums of team A minus those of
    team A at location X (None where a figure needed is not published)."""
    team, part = segment(by_team, "A"), segment(crossed, "A / X")
    if team["suppressed"] or part["suppressed"]:
        return None
    out = {}
    for factor in FACTORS:
        whole = next(c for c in team["comparisons"] if c["factor"] == factor)
        less = next(c for c in part["comparisons"] if c["factor"] == factor)
        if whole["suppressed"] or less["suppressed"]:
            return None
        if whole["users_n"] - less["users_n"] != 1:
            return None
        total = whole["users_mean"] * whole["users_n"] - less["users_mean"] * less["users_n"]
        out[factor] = round(total, 6)
    return out


def both(*documents: dict) -> dict:
    """Every segment of several runs, as one reader holding all of them sees them."""
    return {"segments": [s for d in documents for s in d["segments"]]}


def safe(frame: pd.DataFrame, *documents: dict) -> bool:
    """Whether the attacker finds nothing in the runs together but what the runs publish
    anyway: A at X hidden to protect the person, its non-users' answers are team A's
    non-users' (the person is a user), a group the run by team shows (the stage's rule
    for a hidden segment's group that is a shown group itself, which the attacker knows
    only within one document)."""
    found = attack(frame, both(*documents), FACTORS, 5)
    kept = [f for f in found if "of hidden {'team': 'A', 'location': 'X'}" not in f]
    a_x = (frame["team"] == "A") & (frame["location"] == "X") & ~frame["user"]
    team_a = (frame["team"] == "A") & ~frame["user"]
    return kept == [] and a_x.equals(team_a) and all("answers of the non-users" in f for f in found)


def test_the_pair_without_memory_isolates_the_person(tmp_path, survey):
    path, frame = survey
    cli = Cli(tmp_path)
    by_team = cli.json(path, "--segment-by", "team")
    crossed = cli.json(path, "--segment-by", "team+location")
    # each run is safe on its own
    assert attack(frame, by_team, FACTORS, 5) == []
    assert attack(frame, crossed, FACTORS, 5) == []
    assert segment(crossed, "A / Y")["suppressed"]
    # together they give the person's seven scores exactly
    assert recover(by_team, crossed) == PERSON
    person = int(frame.index[(frame["team"] == "A") & (frame["location"] == "Y")][0])
    found = attack(frame, both(by_team, crossed), FACTORS, 5)
    assert f"count of users [{person}]" in found
    assert all(f"{f}: answers of users [{person}]" in found for f in FACTORS)
    assert "memory" not in by_team and "memory" not in crossed


def test_with_memory_the_second_run_hides_what_would_isolate_the_person(tmp_path, survey, stores):
    path, frame = survey
    cli = Cli(tmp_path)
    memory = ("--store", "consultancy.db", "--client", "Acme")
    by_team = cli.json(path, "--segment-by", "team", *memory)
    assert by_team["memory"] == {"checked": [], "recorded": True}
    (first,) = stores["consultancy.db"].records["Acme"]
    crossed = cli.json(path, "--segment-by", "team+location", *memory)
    assert crossed["memory"] == {
        "checked": [{"run": first["run"], "segment_by": [["team"]], "min_group_size": 5}],
        "recorded": True,
    }
    assert recover(by_team, crossed) is None
    assert segment(crossed, "A / X")["suppressed"]
    assert safe(frame, by_team, crossed)
    # the second run's record is kept too, the first one's cells still as they were
    assert [r["segment_by"] for r in stores["consultancy.db"].records["Acme"]] == [
        [["team"]],
        [["team", "location"]],
    ]
    # a third run by team is checked against both and shows what the first showed
    again = cli.json(path, "--segment-by", "team", *memory)
    second = stores["consultancy.db"].records["Acme"][1]["run"]
    assert [c["run"] for c in again["memory"]["checked"]] == [second]  # the first is itself
    assert again["segments"] == by_team["segments"]
    assert len(stores["consultancy.db"].records["Acme"]) == 2
    assert safe(frame, by_team, crossed, again)


def test_the_pair_is_safe_with_the_real_store(tmp_path, survey, store_location):
    """The same pair of runs with the real store, on SQLite and on PostgreSQL: the first
    run's record is read back from the database, and the second run hides what would
    isolate the person."""
    path, frame = survey
    cli = Cli(tmp_path)
    memory = ("--store", store_location, "--client", "Acme")
    by_team = cli.json(path, "--segment-by", "team", *memory)
    crossed = cli.json(path, "--segment-by", "team+location", *memory)
    with open_store(store_location) as store:
        first, second = store.publications("Acme")
    assert first["segment_by"] == [["team"]] and second["segment_by"] == [["team", "location"]]
    assert crossed["memory"]["checked"] == [
        {"run": first["run"], "segment_by": [["team"]], "min_group_size": 5}
    ]
    assert recover(by_team, crossed) is None
    assert safe(frame, by_team, crossed)


def test_memory_from_the_environment_and_for_another_client(tmp_path, survey, stores, monkeypatch):
    path, _ = survey
    cli = Cli(tmp_path)
    monkeypatch.setenv("ISM_ADVISOR_STORE", "shared.db")
    cli.json(path, "--segment-by", "team", "--client", "Acme")
    other = cli.json(path, "--segment-by", "team+location", "--client", "Other")
    assert other["memory"]["checked"] == []  # another client's runs are not this one's
    assert not segment(other, "A / X")["suppressed"]
    assert sorted(stores["shared.db"].records) == ["Acme", "Other"]


def test_no_memory_gives_the_run_as_before_and_records_nothing(tmp_path, survey, stores):
    path, _ = survey
    cli = Cli(tmp_path)
    memory = ("--store", "consultancy.db", "--client", "Acme")
    cli.json(path, "--segment-by", "team", *memory)
    plain = cli(path, "--segment-by", "team+location", "--format", "json", "-o", "-")
    one_off = cli(
        path, "--segment-by", "team+location", *memory, "--no-memory", "--format", "json",
        "-o", "-",
    )  # fmt: skip
    assert one_off.exit_code == 0, one_off.stderr
    assert one_off.stdout_bytes == plain.stdout_bytes
    assert len(stores["consultancy.db"].records["Acme"]) == 1
    # a store without --client: no memory either
    anonymous = cli(
        path, "--segment-by", "team+location", "--store", "consultancy.db", "--format", "json",
        "-o", "-",
    )  # fmt: skip
    assert anonymous.stdout_bytes == plain.stdout_bytes


def test_the_same_run_twice_is_one_record_and_the_same_output(tmp_path, survey, stores):
    path, _ = survey
    cli = Cli(tmp_path)
    memory = ("--store", "consultancy.db", "--client", "Acme")
    args = (path, "--segment-by", "team+location", *memory, "--format", "json", "-o", "-")
    first, second = cli(*args), cli(*args)
    assert first.exit_code == 0, first.stderr
    assert len(stores["consultancy.db"].records["Acme"]) == 1
    # the second time its own record, fixed, gives the same cells; it is no earlier run
    assert second.stdout_bytes == first.stdout_bytes
    assert json.loads(second.stdout)["memory"] == {"checked": [], "recorded": True}


def test_a_record_of_other_data_is_not_applied(tmp_path, survey, stores):
    path, _ = survey
    cli = Cli(tmp_path)
    memory = ("--store", "consultancy.db", "--client", "Acme")
    # another wave: team B at location Y has 10 more people (5 users, 5 non-users)
    wave = write_survey(tmp_path / "wave.csv", survey_rows(extra_b_y=10))
    cli.json(wave, "--segment-by", "team", *memory)
    crossed = cli.json(path, "--segment-by", "team+location", *memory)
    assert crossed["memory"]["checked"] == []
    plain = cli.json(path, "--segment-by", "team+location")
    del crossed["memory"]
    assert crossed == plain


def test_a_record_whose_cells_differ_is_not_applied(survey):
    path, _ = survey
    book = load_codebook()
    team = load_survey(path, book, ["team"])
    record = published_cells(publish(team, compare_groups(team)))
    changed = json.loads(json.dumps(record))
    (a,) = [s for s in changed["segments"] if s["values"] == ["A"]]
    b = next(s for s in changed["segments"] if s["values"] == ["B"])
    a["users"], b["users"] = a["users"] + 1, b["users"] - 1  # same totals, other cells
    assert applying(team, compare_groups(team), [record], 5) == [record]
    assert applying(team, compare_groups(team), [changed], 5) == []
    # a column this data does not have: cannot apply
    elsewhere = {**record, "segment_by": [["region"]]}
    elsewhere["segments"] = [
        {**s, "columns": ["region"]} if s["columns"] else s for s in record["segments"]
    ]
    assert applying(team, compare_groups(team), [elsewhere], 5) == []
    # not a record at all
    assert applying(team, compare_groups(team), [{"run": 1}, {}], 5) == []


def test_nearly_the_same_respondents_stop_the_run(tmp_path, survey, stores):
    path, _ = survey
    cli = Cli(tmp_path)
    memory = ("--store", "consultancy.db", "--client", "Acme")
    cli.json(path, "--segment-by", "team", *memory)
    fewer = write_survey(
        tmp_path / "fewer.csv", [r for r in survey_rows() if r != survey_rows()[20]]
    )
    result = cli(fewer, "--segment-by", "team", *memory, "--format", "json", "-o", "-")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"{fewer}: an earlier run of this client was made on nearly the same respondents"
        " (1 user and 0 non-users more or fewer): side by side the two would show those"
        " people's answers; remove the earlier run from the store, or run with --no-memory\n"
    )
    assert len(stores["consultancy.db"].records["Acme"]) == 1
    assert cli(fewer, "--segment-by", "team", *memory, "--no-memory", "-o", "-").exit_code == 0
    nl = cli(fewer, "--segment-by", "team", *memory, "--lang", "nl", "-o", "-")
    assert nl.exit_code == 1
    assert "--no-memory" in nl.stderr and "eerdere" in nl.stderr


def test_the_record_holds_the_published_cells_only(survey):
    path, _ = survey
    book = load_codebook()
    crossed = load_survey(path, book, ["team+location"])
    published = publish(crossed, compare_groups(crossed))
    record = published_cells(published)
    assert set(record) == {
        "comparisons", "format", "min_group_size", "run", "segment_by", "segments",
    }  # fmt: skip
    assert record["segment_by"] == [["team", "location"]]
    assert record["min_group_size"] == 5
    shown = published.segments[~published.segments["suppressed"]]
    assert [
        (s["columns"], s["values"], s["users"], s["non_users"]) for s in record["segments"]
    ] == [
        ([], [], 22, 21),
        (["team", "location"], ["A", "X"], 10, 10),
        (["team", "location"], ["B", "Y"], 6, 6),
    ]
    assert len(shown) == 3
    comparisons = published.comparisons
    kept = comparisons[~comparisons["suppressed"]]
    segments = published.segments
    expected = sorted(
        (
            list(segments.loc[row.segment, "spec"]),
            [segments.loc[row.segment, "where"][c] for c in segments.loc[row.segment, "spec"]],
            row.factor,
            int(row.users_n),
            int(row.non_users_n),
        )
        for row in kept.itertuples()
    )
    assert [
        (c["columns"], c["values"], c["factor"], c["users"], c["non_users"])
        for c in record["comparisons"]
    ] == expected
    assert {c["values"][0] if c["values"] else None for c in record["comparisons"]} <= {
        None, "A", "B",
    }  # fmt: skip
    assert all(set(c) == {"columns", "values", "factor", "users", "non_users"}
               for c in record["comparisons"])  # fmt: skip
    text = json.dumps(record, sort_keys=True)
    assert json.dumps(published_cells(published), sort_keys=True) == text
    assert list(record) == sorted(record)
    assert len(record["run"]) == 12 and int(record["run"], 16) >= 0
    # nothing that is not a count: no mean, SD or answer of anyone
    assert "mean" not in text and "sd" not in text


def test_a_failed_run_records_nothing(tmp_path, survey, stores):
    path, _ = survey
    cli = Cli(tmp_path)
    memory = ("--store", "consultancy.db", "--client", "Acme")
    result = cli(path, "--segment-by", "team", *memory, "-o", tmp_path / "no" / "such" / "x.json")
    assert result.exit_code != 0
    assert "Acme" not in stores.get("consultancy.db", FakeStore()).records


def test_without_memory_publish_is_unchanged(survey):
    path, _ = survey
    book = load_codebook()
    crossed = load_survey(path, book, ["team+location"])
    comparison = compare_groups(crossed)
    plain = publish(crossed, comparison)
    empty = publish(crossed, comparison, earlier=())
    pd.testing.assert_frame_equal(plain.segments, empty.segments)
    pd.testing.assert_frame_equal(plain.comparisons, empty.comparisons)
    assert plain.checked == ()
    with pytest.raises(AdvisorError):
        publish(crossed, comparison, 2)


def anonymity_line(text: str, start: str) -> str:
    (line,) = [line for line in text.splitlines() if start in line]
    return line


def test_the_report_says_which_earlier_runs_it_was_checked_against(tmp_path, survey, stores):
    path, _ = survey
    cli = Cli(tmp_path)
    memory = ("--store", "consultancy.db", "--client", "Acme")
    plain = cli(path, "--segment-by", "team", "--format", "md", "-o", "-").stdout
    first = cli(path, "--segment-by", "team", *memory, "--format", "md", "-o", "-").stdout
    line = anonymity_line(first, "Anonymity: ")
    assert line == anonymity_line(plain, "Anonymity: ") + (
        " Publication memory: no earlier run of this client on the same respondents; this"
        " report's figures are recorded, and later runs are checked against them."
    )
    (run,) = [r["run"] for r in stores["consultancy.db"].records["Acme"]]
    args = (path, "--segment-by", "team+location", *memory, "-o", "-")
    crossed = cli(*args, "--format", "md").stdout
    assert anonymity_line(crossed, "Anonymity: ").endswith(
        " Publication memory: this report was decided together with the client's earlier runs"
        f" on the same respondents ({run} (team, minimum 5)), so that no group of fewer than"
        " 5 people can be worked out from them side by side either; its own figures are"
        " recorded for later runs."
    )
    lines = crossed.splitlines()
    assert lines[lines.index(anonymity_line(crossed, "Anonymity: ")) + 1] == ""
    dutch = cli(*args, "--format", "md", "--lang", "nl").stdout
    assert anonymity_line(dutch, "Anonimiteit: ").endswith(
        " Publicatiegeheugen: dit rapport is samen met de eerdere runs van deze klant op"
        f" dezelfde respondenten bepaald ({run} (team, minimum 5)), zodat ook uit die naast"
        " elkaar geen groep van minder dan 5 mensen is af te leiden; de cijfers van dit"
        " rapport worden vastgelegd voor latere runs."
    )
    html = cli(*args, "--format", "html").stdout
    assert f"respondents ({run} (team, minimum 5)), so that" in html
    assert "Publication memory" not in plain


def test_waves_each_wave_checked_and_an_earlier_wave_of_nearly_the_size_is_other_data(
    tmp_path, survey, stores
):
    path, frame = survey
    cli = Cli(tmp_path)
    memory = ("--store", "consultancy.db", "--client", "Acme")
    # the latest wave was run by team before; the earlier wave has two more people
    earlier = write_survey(tmp_path / "earlier.csv", survey_rows(extra_b_y=2))
    by_team = cli.json(path, "--segment-by", "team", *memory)
    args = (earlier, path, "--segment-by", "team+location", "--format", "json", "-o", "-")
    plain = json.loads(cli(*args).stdout)
    assert recover(by_team, plain) == PERSON  # without memory the pair still discloses
    waves = json.loads(cli(*args, *memory).stdout)
    assert [c["segment_by"] for c in waves["memory"]["checked"]] == [[["team"]]]
    assert recover(by_team, waves) is None
    assert safe(frame, by_team, waves)
    # another client ran the earlier wave first, then both: the earlier wave's record is
    # that wave's (it applies to it), not a near miss of the latest one
    beta = ("--store", "consultancy.db", "--client", "Beta")
    (first,) = [cli.json(earlier, "--segment-by", "team", *beta)["memory"]]
    assert first["checked"] == []
    both_waves = cli(earlier, path, "--segment-by", "team", *beta, "--format", "json", "-o", "-")
    assert both_waves.exit_code == 0, both_waves.stderr
    (record,) = stores["consultancy.db"].records["Beta"][:1]
    assert json.loads(both_waves.stdout)["memory"]["checked"] == [
        {"run": record["run"], "segment_by": [["team"]], "min_group_size": 5}
    ]
    # a run on the latest wave alone is refused: the earlier wave's run is a near miss
    alone = cli(path, "--segment-by", "team", *beta, "--format", "json", "-o", "-")
    assert alone.exit_code == 1 and "--no-memory" in alone.stderr


def random_rows(seed: int) -> list[dict]:
    """A small survey with teams that straddle locations unevenly."""
    rng = np.random.default_rng(seed)
    rows = []
    for team, size in zip("ABCD", rng.integers(8, 30, size=4), strict=True):
        for _ in range(int(size)):
            location = str(rng.choice(["X", "Y", "Z"], p=[0.6, 0.3, 0.1]))
            scores = {f: float(rng.integers(2, 11)) / 2 for f in FACTORS}
            rows.append({"team": team, "location": location, "user": bool(rng.random() < 0.5)})
            rows[-1].update(scores)
    return rows


def small_sets(frame: pd.DataFrame, *documents: dict) -> list[str]:
    """What the attacker isolates in the runs together (groups below k, regions without
    users or non-users, pinned counts or sums); the answers of a hidden segment that the
    runs show as a group are not a small set (see :func:`safe`)."""
    together = both(*documents)
    found = attack(frame, together, FACTORS, 5) + intervals(frame, together, 5, FACTORS)
    return [f for f in found if "of hidden" not in f]


def test_pairs_of_runs_on_random_surveys_isolate_nobody_with_memory(tmp_path, stores):
    """A run by team, then one by team and location: without memory some pairs disclose a
    group the attacker finds (counts, answers, pinned figures); with it none does."""
    cli = Cli(tmp_path)
    second = "team+location"
    disclosed_without = 0
    for seed in range(8):
        rows = random_rows(seed)
        frame = pd.DataFrame(rows)
        path = write_survey(tmp_path / f"survey{seed}.csv", rows)
        memory = ("--store", "consultancy.db", "--client", f"client {seed}")
        first = cli.json(path, "--segment-by", "team", *memory)
        plain = cli.json(path, "--segment-by", second)
        checked = cli.json(path, "--segment-by", second, *memory)
        assert len(checked["memory"]["checked"]) == 1
        assert small_sets(frame, first) == [] and small_sets(frame, plain) == []
        disclosed_without += bool(small_sets(frame, first, plain))
        assert small_sets(frame, first, checked) == [], seed
    assert disclosed_without >= 2  # the pairs the memory protected did disclose without it


def test_a_group_the_earlier_run_shows_itself_hides_nothing_more(tmp_path, stores):
    """B at Y is hidden to protect B's two non-users at X, but its users are all of B's
    users, whom the run by team shows: nothing this run can protect, so no comparison of
    the one other cell (A at X, all of team A) is hidden for it."""
    rows = [
        *people(12, 6, "A", "X", 0),
        *people(20, 10, "B", "Y", 1),
        *[{**row, "user": False} for row in people(2, 0, "B", "X", 2)],
    ]
    frame = pd.DataFrame(rows)
    path = write_survey(tmp_path / "survey.csv", rows)
    cli = Cli(tmp_path)
    memory = ("--store", "consultancy.db", "--client", "Acme")
    by_team = cli.json(path, "--segment-by", "team", *memory)
    crossed = cli.json(path, "--segment-by", "team+location", *memory)
    assert [s["suppressed"] for s in crossed["segments"]] == [False, False, True, True]
    assert [s["value"] for s in crossed["segments"]] == [None, "A / X", "B / X", "B / Y"]
    assert not any(c["suppressed"] for c in segment(crossed, "A / X")["comparisons"])
    assert small_sets(frame, by_team, crossed) == []


def test_a_client_without_a_store_has_no_memory(tmp_path, survey, monkeypatch):
    path, _ = survey
    monkeypatch.delenv("ISM_ADVISOR_STORE", raising=False)
    cli = Cli(tmp_path)
    document = cli.json(path, "--segment-by", "team", "--client", "Acme")
    assert "memory" not in document
    text = cli(path, "--segment-by", "team", "--client", "Acme", "--format", "md", "-o", "-")
    lines = text.stdout.splitlines()
    (at,) = [i for i, line in enumerate(lines) if line.startswith("Anonymity: ")]
    assert lines[at + 1] == ""  # the paragraph ends there, as it always did
    assert "Publication memory" not in text.stdout
