"""--norms in a run: the store asked for the window's organisations, the document's
``norms``, the rule facts (C4) and the rule that uses them. The store is a fake with the
store API's norm_figures/latest_date and publications/record_publication (the real store:
tests/test_store*.py, and the README's walkthrough in tests/test_readme.py)."""

from __future__ import annotations

import sys
import types

import pytest

from conftest import SAMPLE_SCORES
from ism_advisor import advise
from ism_advisor.advice.facts import norm_figures, segment_facts
from ism_advisor.app.run import run
from ism_advisor.app.settings import Settings
from ism_advisor.stats.norms import MEASURES, OrgFigures, compute_norms, months_before


class FakeStore:
    """The store API's read side (contract C1), remembering what it was asked."""

    def __init__(self, others: list[OrgFigures], latest: str | None) -> None:
        self.others, self.latest, self.calls, self.closed = others, latest, [], False
        self.memory: list[tuple] = []
        self.label = "fake"

    def __enter__(self) -> FakeStore:
        return self

    def __exit__(self, *exc) -> None:
        self.closed = True

    def latest_date(self, codebook_version: str) -> str | None:
        self.calls.append(("latest_date", codebook_version))
        return self.latest

    def norm_figures(self, codebook_version, *, since, until, exclude_client):
        self.calls.append(("norm_figures", codebook_version, since, until, exclude_client))
        return list(self.others)

    # publication memory's side (a run with a store and --client uses it too)
    def publications(self, client: str) -> list[dict]:
        self.memory.append(("publications", client))
        return []

    def record_publication(self, client: str, record: dict) -> bool:
        self.memory.append(("record_publication", client))
        return True


@pytest.fixture
def store(monkeypatch):
    """Install a fake ``ism_advisor.store`` (open_store, resolve_location) and return a
    function that sets the store's organisations; ``opened`` lists the locations opened."""
    module = types.ModuleType("ism_advisor.store")
    state: dict = {"store": FakeStore([], None), "opened": [], "resolved": []}

    def resolve_location(option, *, default):
        state["resolved"].append((option, default))
        return option or "/default/store.sqlite"

    def open_store(location):
        state["opened"].append(location)
        return state["store"]

    module.open_store, module.resolve_location = open_store, resolve_location
    monkeypatch.setitem(sys.modules, "ism_advisor.store", module)
    import ism_advisor

    monkeypatch.setattr(ism_advisor, "store", module, raising=False)

    def fill(others, latest=None):
        state["store"] = FakeStore(others, latest)
        return state["store"]

    fill.state = state  # type: ignore[attr-defined]
    return fill


def organisations(count: int, manager: float = 3.5) -> list[OrgFigures]:
    """``count`` organisations whose non-users see managers at ``manager`` and above."""
    out = []
    for i in range(count):
        factors = {
            f: {"non_users_mean": manager + i / 50, "users_mean": 3.8 + i / 100, "gap": 0.3}
            for f in ("manager_influence", "colleague_influence", "performance_expectancy")
        }
        out.append(OrgFigures(f"k{i}", 0.3 + i / 100, factors))
    return out


def test_months_before_clamps_the_day():
    assert months_before("2026-12-07", 36) == "2023-12-07"
    assert months_before("2026-03-31", 1) == "2026-02-28"
    assert months_before("2024-03-30", 1) == "2024-02-29"
    assert months_before("2026-01-15", 1) == "2025-12-15"
    assert months_before("2026-05-31", 12) == "2025-05-31"
    assert months_before("2026-05-31", 0) == "2026-05-31"
    assert months_before("2026-01-31", 25) == "2023-12-31"


def test_norm_figures_turn_the_rank_and_need_ten_organisations():
    row = {"direction": "higher_is_better", "non_users_mean": {"n": 10, "percentile": 24}}
    assert norm_figures(row) == {"norm_n": 10, "norm_percentile": 24, "below_norm_p25": True}
    row["non_users_mean"] = {"n": 9, "percentile": 10}
    assert norm_figures(row)["below_norm_p25"] is False
    row["non_users_mean"] = {"n": 30, "percentile": 25}
    assert norm_figures(row)["below_norm_p25"] is False
    worse = {"direction": "higher_is_worse", "non_users_mean": {"n": 12, "percentile": 80}}
    assert norm_figures(worse) == {"norm_n": 12, "norm_percentile": 20, "below_norm_p25": True}
    hidden = {"direction": "higher_is_worse", "non_users_mean": {"n": None, "percentile": None}}
    assert norm_figures(hidden) == {"norm_n": 0, "norm_percentile": None, "below_norm_p25": False}
    assert norm_figures(None) == {"norm_n": 0, "norm_percentile": None, "below_norm_p25": False}


def test_a_run_with_norms(store):
    fake = store(organisations(12, manager=3.6), latest="2026-11-30")
    found = run(
        Settings.of(
            (SAMPLE_SCORES,),
            segment_by=("organisation",),
            norms=True,
            norms_window=36,
            client="Acme",
            date="2026-03-31",
            store="ours.db",
        )
    )
    version = found.knowledge.codebook.version
    # publication memory (a store and --client) opens it first, then the norms
    assert store.state["resolved"] == [("ours.db", False), ("ours.db", True)]
    assert store.state["opened"] == ["ours.db", "ours.db"]
    assert fake.memory == [("publications", "Acme")]  # recorded only by the command
    # the report date ends the window: the store's newest entry is not asked for
    assert fake.calls == [("norm_figures", version, "2023-03-31", "2026-03-31", "Acme")]
    assert fake.closed
    norms = found.norms
    assert norms is not None
    assert (norms["organisations"], norms["shown"], norms["since"], norms["until"]) == (
        12,
        True,
        "2023-03-31",
        "2026-03-31",
    )
    assert norms["codebook_version"] == version
    # the client's figures are the published overall segment's
    overall = found.latest.published.segments.iloc[0]
    assert norms["adoption"]["value"] == pytest.approx(overall["adoption_rate"])
    rows = {r["factor"]: r for r in norms["factors"]}
    assert list(rows) == [f.id for f in found.knowledge.codebook.factors]
    table = found.latest.published.comparisons
    for factor, row in rows.items():
        published = table[(table["segment"] == 0) & (table["factor"] == factor)].iloc[0]
        for m in MEASURES:
            assert row[m]["value"] == pytest.approx(published[m])
    # the sample's non-users see their managers below every other organisation's
    manager = next(c for c in found.facts[0].comparisons if c["factor"] == "manager_influence")
    assert rows["manager_influence"]["non_users_mean"]["value"] < 3.6
    assert (manager["norm_n"], manager["norm_percentile"], manager["below_norm_p25"]) == (
        12,
        0,
        True,
    )
    # a factor nobody else measured: compared with none
    reputation = next(c for c in found.facts[0].comparisons if c["factor"] == "reputation")
    assert reputation["norm_n"] == 0 and reputation["norm_percentile"] is None
    # the other segments are not compared
    for facts in found.facts[1:]:
        if facts is not None:
            assert {c["norm_n"] for c in facts.comparisons} == {0}
            assert not any(c["below_norm_p25"] for c in facts.comparisons)
    # the rule fires on all respondents, and its explanation shows the norms' figures
    reasons = [
        reason
        for rec in found.decisions[0].advice.recommendations
        for reason in rec.reasons
        if reason.rule == "managers_less_visible_than_elsewhere"
    ]
    assert reasons
    assert "than at three quarters of 12 comparable organisations (percentile rank 0)" in (
        reasons[0].because
    )


def test_the_document_carries_the_norms(store):
    store(organisations(12), latest="2026-11-30")
    document = advise(SAMPLE_SCORES, norms=True, client="Acme").document
    # no --date: the window ends at the store's newest entry
    assert (document["norms"]["since"], document["norms"]["until"]) == ("2023-11-30", "2026-11-30")
    assert document["norms"]["factors"][0]["direction"] in ("higher_is_better", "higher_is_worse")
    matched = [
        (entry["rule"], entry["matched"]["manager_influence"])
        for rec in document["segments"][0]["recommendations"]
        for entry in rec["explanation"]
        if "manager_influence" in entry["matched"]
    ]
    ours = [m for rule, m in matched if rule == "managers_less_visible_than_elsewhere"]
    assert ours and ours[0]["below_norm_p25"] is True and ours[0]["norm_n"] == 12
    # every explanation of a compared fact shows the figures the rule base tests
    assert all("norm_percentile" in m for _, m in matched)


@pytest.mark.parametrize(("count", "latest"), [(4, "2026-01-01"), (12, None)])
def test_too_few_organisations_show_nothing(store, count, latest):
    fake = store(organisations(count), latest=latest)
    found = run(Settings.of((SAMPLE_SCORES,), norms=True))
    norms = found.norms
    assert norms["shown"] is False and norms["reason"] == "too_few_organisations"
    if latest is None:  # an empty store: nothing to date the window by
        assert fake.calls == [("latest_date", found.knowledge.codebook.version)]
        assert (norms["organisations"], norms["since"], norms["until"]) == (0, None, None)
    else:
        assert norms["organisations"] == 4
    assert norms["adoption"]["value"] is None and norms["adoption"]["n"] is None
    for facts in found.facts:
        if facts is not None:
            assert {c["norm_n"] for c in facts.comparisons} == {0}
    assert all(
        r.rule != "managers_less_visible_than_elsewhere"
        for rec in found.decisions[0].advice.recommendations
        for r in rec.reasons
    )


def test_without_norms_no_store_is_opened_and_explanations_are_as_before(store):
    document = advise(SAMPLE_SCORES).document
    assert store.state["opened"] == [] and "norms" not in document
    text = repr(document)
    assert "norm_n" not in text and "below_norm_p25" not in text
    # the facts still have the figures, so that rules on them are simply false
    found = run(Settings.of((SAMPLE_SCORES,)))
    assert {c["norm_n"] for c in found.facts[0].comparisons} == {0}
    assert found.norms is None


def test_segment_facts_compare_all_respondents_only():
    found = run(Settings.of((SAMPLE_SCORES,), segment_by=("organisation",)))
    published = found.latest.published
    client = OrgFigures("me", 0.5, {})
    norms = compute_norms(
        client,
        organisations(10),
        found.knowledge.codebook.factors,
        window_months=36,
        since=None,
        until=None,
        codebook_version="x",
    )
    facts = segment_facts(published, "en", found.drivers, norms)
    # the organisations have three factors; the client's own figures are not given here,
    # so there is no rank to turn into a fact
    compared = {c["factor"]: c["norm_n"] for c in facts[0].comparisons if c["norm_n"]}
    assert compared == dict.fromkeys(
        ("manager_influence", "colleague_influence", "performance_expectancy"), 10
    )
    assert {c["norm_percentile"] for c in facts[0].comparisons} == {None}
    assert not any(c["below_norm_p25"] for c in facts[0].comparisons)
    assert all(c["norm_n"] == 0 for s in facts[1:] if s for c in s.comparisons)


def test_the_command_passes_its_options_to_the_norms(store, cli):
    fake = store(organisations(12, manager=3.6), latest="2026-11-30")
    document = cli.json(
        SAMPLE_SCORES,
        "--norms",
        "--norms-window",
        "12",
        "--client",
        "Acme",
        "--store",
        "ours.db",
        "--date",
        "2026-03-31",
    )
    version = document["norms"]["codebook_version"]
    # publication memory reads the client's runs, the norms the others, and the command
    # records this run once its output is written
    assert store.state["opened"] == ["ours.db", "ours.db", "ours.db"]
    assert fake.memory == [("publications", "Acme"), ("record_publication", "Acme")]
    assert fake.calls == [("norm_figures", version, "2025-03-31", "2026-03-31", "Acme")]
    assert document["norms"]["window_months"] == 12 and document["norms"]["organisations"] == 12
    assert "managers_less_visible_than_elsewhere" in [
        rule for rec in document["segments"][0]["recommendations"] for rule in rec["rules"]
    ]


def test_a_run_is_not_its_own_norm_even_unnamed(cli, tmp_path):
    """The real store: the demonstration's 12 organisations and the sample itself, added as
    a client. A run of the sample with --norms compares it with the 12 whether --client
    names it or not (an entry with exactly the run's figures is the run itself); another
    run of another survey does count it."""
    store = str(tmp_path / "demo.db")
    cli("sample", "--store", store)
    run_json = tmp_path / "run.json"
    cli(SAMPLE_SCORES, "--date", "2026-11-01", "-o", run_json)
    added = cli(
        "store", "add", run_json, "--client", "Acme", "--sector", "healthcare", "--size",
        "250-999", "--platform", "teams", "--consent", "--store", store,
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    for named in ((), ("--client", "Acme")):
        document = cli.json(
            SAMPLE_SCORES, "--store", store, "--norms", "--date", "2026-12-01", *named
        )
        assert document["norms"]["organisations"] == 12
    other = tmp_path / "other.csv"
    rows = SAMPLE_SCORES.read_text(encoding="utf-8").splitlines()
    other.write_text("\n".join(rows[:-10]) + "\n", encoding="utf-8")  # ten people fewer
    document = cli.json(other, "--store", store, "--norms", "--date", "2026-12-01")
    assert document["norms"]["organisations"] == 13
