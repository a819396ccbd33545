"""The evidence ledger of a real store (SQLite and PostgreSQL): which periods count, the
pooled figures against statsmodels, the comparison, --by, the check, no client's label."""

from __future__ import annotations

import json
import math
from dataclasses import replace

import pytest
from evidence_ledger import statsmodels_pooled

from conftest import make_entry
from ism_advisor.advice.knowledge import load_knowledge
from ism_advisor.app.evidence import ledger, ledger_csv
from ism_advisor.store import open_store

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning", "ignore::RuntimeWarning")

FACTOR = "manager_influence"
ACTION = "leaders_work_out_loud"


@pytest.fixture(scope="module")
def knowledge():
    from ism_advisor.survey.codebook import load_codebook

    return load_knowledge(load_codebook(), None, None)


def _wave(client, wave, date, *, shift=0.0, sd=0.7, n=80, done=(), **changes):
    """A make_entry whose non-users' manager influence is raised by ``shift``."""
    entry = make_entry(client, wave, date=date, done=tuple(done), **changes)
    factors = tuple(
        replace(f, non_users_mean=f.non_users_mean + shift, non_users_sd=sd, non_users_n=n)
        if f.factor == FACTOR
        else f
        for f in entry.factors
    )
    return replace(entry, factors=factors)


def pair(client, shift, *, done=(ACTION,), sd=0.7, n=80, **changes):
    return [
        _wave(client, "w1", "2026-01-01", **changes),
        _wave(client, "w2", "2026-07-01", shift=shift, sd=sd, n=n, done=done, **changes),
    ]


def _ledger(location, entries, knowledge, **options):
    with open_store(location) as store:
        store.import_(entries)
        return ledger(store, knowledge, "en", **options)


def _row(document, intervention=ACTION, factor=FACTOR):
    item = next(i for i in document["interventions"] if i["intervention"] == intervention)
    return item, next(r for r in item["factors"] if r["factor"] == factor)


def test_pooled_change_of_three_clients_is_statsmodels(store_location, knowledge):
    # the non-users' SD and n of the earlier wave are make_entry's: 0.7 and 80
    plan = {"A": (0.40, 0.6, 60), "B": (0.10, 0.9, 90), "C": (0.25, 0.5, 40)}
    entries = [e for c, (s, sd, n) in plan.items() for e in pair(c, s, sd=sd, n=n)]
    document = _ledger(store_location, entries, knowledge)
    item, row = _row(document)
    changes = [s for s, _, _ in plan.values()]
    variances = [sd**2 / n + 0.7**2 / 80 for _, sd, n in plan.values()]
    result, reference = statsmodels_pooled(changes, variances)
    pooled = row["non_users_change"]
    assert item["clients"] == 3 and pooled["k"] == 3 and pooled["shown"]
    assert pooled["estimate"] == pytest.approx(reference["eff"], abs=1e-4)
    assert pooled["ci_low"] == pytest.approx(reference["ci_low"], abs=1e-4)
    assert pooled["ci_high"] == pytest.approx(reference["ci_upp"], abs=1e-4)
    assert pooled["se"] == pytest.approx(reference["sd_eff"], abs=1e-4)
    assert pooled["q"] == pytest.approx(result.q, abs=1e-4)
    assert pooled["i2"] == pytest.approx(100 * max(0, result.i2), abs=0.05)
    assert [s["change"] for s in pooled["studies"]] == [0.1, 0.25, 0.4]
    assert [s["se"] for s in pooled["studies"]] == [
        round(math.sqrt(variances[i]), 4) for i in (1, 2, 0)
    ]
    assert document["clients"] == 3 and document["periods"] == 3
    assert document["caveat"] == "Before and after, not proof: clients chose what to do."
    # the gap's change: users unchanged, non-users up: the gap narrowed by the shift
    assert sorted(s["change"] for s in row["gap_change"]["studies"]) == [-0.4, -0.25, -0.1]


def test_two_clients_are_not_shown(store_location, knowledge):
    document = _ledger(store_location, pair("A", 0.3) + pair("B", 0.2), knowledge)
    item, row = _row(document)
    assert item["clients"] == 2
    assert row["non_users_change"] == {
        "k": 2, "shown": False, "estimate": None, "se": None, "ci_low": None,
        "ci_high": None, "tau2": None, "q": None, "i2": None, "studies": [],
    }  # fmt: skip
    assert row["difference"] == {"estimate": None, "ci_low": None, "ci_high": None}


def test_what_leaves_a_period_out(store_location, knowledge):
    entries = (
        pair("A", 0.3)
        + pair("B", 0.2)
        + pair("C", 0.1)
        + pair("NoConsent", 0.5, consent=False)
        + pair("OtherBook", 0.5, codebook_version="0123456789abcdef")
    )
    # D: the later wave hides manager influence (too few non-users)
    hidden = pair("D", 0.5)
    factors = tuple(
        replace(f, non_users_n=None, non_users_mean=None, non_users_sd=None, gap=None,
                hedges_g=None) if f.factor == FACTOR else f
        for f in hidden[1].factors
    )  # fmt: skip
    entries += [hidden[0], replace(hidden[1], factors=factors)]
    # E: its second wave is after --date
    entries += [_wave("E", "w1", "2026-01-01"), _wave("E", "w2", "2027-01-01", shift=0.9,
                                                       done=(ACTION,))]  # fmt: skip
    document = _ledger(store_location, entries, knowledge, until="2026-12-31")
    item, row = _row(document)
    assert item["clients"] == 4  # A, B, C and D (whose figure is hidden)
    assert row["non_users_change"]["k"] == 3
    assert sorted(s["change"] for s in row["non_users_change"]["studies"]) == [0.1, 0.2, 0.3]
    assert document["clients"] == 4 and document["until"] == "2026-12-31"


def test_the_runs_client_is_left_out_entirely(store_location, knowledge):
    entries = pair("A", 0.3) + pair("B", 0.2) + pair("C", 0.1) + pair("Me", 2.0)
    document = _ledger(store_location, entries, knowledge, client="Me")
    _, row = _row(document)
    assert document["clients"] == 3
    assert sorted(s["change"] for s in row["non_users_change"]["studies"]) == [0.1, 0.2, 0.3]
    assert row["comparison"]["k"] == 0


def test_the_comparison_and_the_difference(store_location, knowledge):
    entries = pair("A", 0.5) + pair("B", 0.4) + pair("C", 0.6)
    entries += pair("X", 0.0, done=()) + pair("Y", 0.1, done=()) + pair("Z", -0.1, done=())
    # A carried it out in its first period; its second period (without it) is a comparison
    entries.append(_wave("A", "w3", "2026-12-01", shift=0.5))
    document = _ledger(store_location, entries, knowledge)
    _, row = _row(document)
    assert row["non_users_change"]["k"] == 3
    comparison = row["comparison"]
    assert comparison["k"] == 4
    assert sorted(s["change"] for s in comparison["studies"]) == [-0.1, 0.0, 0.0, 0.1]
    variances = [0.7**2 / 80 * 2] * 3
    _, carried = statsmodels_pooled([0.5, 0.4, 0.6], variances)
    _, other = statsmodels_pooled([-0.1, 0.0, 0.0, 0.1], variances + variances[:1])
    diff = carried["eff"] - other["eff"]
    margin = 1.959963984540054 * math.hypot(carried["sd_eff"], other["sd_eff"])
    assert row["difference"]["estimate"] == pytest.approx(diff, abs=1e-4)
    assert row["difference"]["ci_low"] == pytest.approx(diff - margin, abs=1e-4)
    assert row["difference"]["ci_high"] == pytest.approx(diff + margin, abs=1e-4)


def test_the_comparison_leaves_out_other_actions_on_the_factor(store_location, knowledge):
    entries = pair("A", 0.5) + pair("B", 0.4) + pair("C", 0.6)
    entries += pair("X", 0.0, done=()) + pair("Y", 0.1, done=()) + pair("Z", -0.1, done=())
    # P put executives on the rollout team (manager influence too): not "without it";
    # Q started team groups (colleague influence): a comparison of manager influence, but
    # not of adoption (something was carried out)
    entries += pair("P", 0.9, done=("executives_on_rollout_team",))
    entries += pair("Q", 0.2, done=("start_in_team_groups",))
    document = _ledger(store_location, entries, knowledge)
    item, row = _row(document)
    assert sorted(s["change"] for s in row["comparison"]["studies"]) == [-0.1, 0.0, 0.1, 0.2]
    assert item["adoption_comparison"]["k"] == 3  # X, Y and Z
    _, executives = _row(document, "executives_on_rollout_team")
    assert sorted(s["change"] for s in executives["comparison"]["studies"]) == [-0.1, 0.0, 0.1, 0.2]


def test_by_size_check_and_no_label(store_location, knowledge):
    small = {"size_band": "50-249", "sector": "Care"}
    entries = pair("Alpha", -0.5, **small) + pair("Beta", -0.6, **small)
    entries += pair("Gamma", -0.4, size_band="1-49") + pair("Delta", -0.55)
    document = _ledger(store_location, entries, knowledge, by="size")
    _, row = _row(document)
    assert document["by"] == "size"
    assert [g["group"] for g in row["subgroups"]] == ["small", "large"]
    assert [g["non_users_change"]["k"] for g in row["subgroups"]] == [3, 1]
    assert row["non_users_change"]["ci_high"] < 0
    assert {"intervention": ACTION, "factor": FACTOR} in document["check"]["negative"]
    assert ACTION not in document["check"]["never"]
    assert "use_case_workshops" in document["check"]["never"]
    text = json.dumps(document) + ledger_csv(document, "en")
    assert not any(name in text for name in ("Alpha", "Beta", "Gamma", "Delta", "Care"))


def test_the_same_store_gives_the_same_bytes(tmp_path, knowledge):
    entries = pair("A", 0.3) + pair("B", 0.2) + pair("C", 0.1)
    first = _ledger(str(tmp_path / "one.sqlite"), entries, knowledge)
    second = _ledger(str(tmp_path / "two.sqlite"), entries[::-1], knowledge)
    assert json.dumps(first) == json.dumps(second)
    assert ledger_csv(first, "en") == ledger_csv(second, "en")


def test_an_empty_store_has_every_intervention_with_no_client(tmp_path, knowledge):
    document = _ledger(str(tmp_path / "empty.sqlite"), [], knowledge)
    assert document["clients"] == 0 and document["periods"] == 0
    assert [i["intervention"] for i in document["interventions"]] == list(knowledge.interventions)
    assert all(i["clients"] == 0 for i in document["interventions"])
    assert document["check"]["never"] == list(knowledge.interventions)


def test_titles_and_caveat_in_dutch(tmp_path, knowledge):
    with open_store(str(tmp_path / "s.sqlite")) as store:
        document = ledger(store, knowledge, "nl")
    assert document["caveat"] == "Voor en na, geen bewijs: klanten kozen zelf wat ze deden."
    item, row = _row(document)
    assert item["title"] == knowledge.interventions[ACTION].title["nl"]
    assert row["label"] == knowledge.codebook.factor(FACTOR).label["nl"]
