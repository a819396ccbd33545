"""The demonstration ledger: ``ism-advise sample --store`` plants one intervention that
works, one that does nothing and one that works only in small organisations, and nothing
else changes. This checks the planted design on the store's entries with its own numpy
meta-analysis, itself checked against statsmodels' ``combine_effects`` — independently of
the ledger's code (``ism_advisor.stats.evidence``, ``ism_advisor.app.evidence``).

The periods and the pooling are issue 31's contract (C1): a period is two consecutive
entries of one client; per intervention and factor one period per client (its latest in
which the intervention was carried out) for the change, and one per client (its latest in
which it was not) for the comparison; DerSimonian–Laird's tau² and the Hartung–Knapp
interval with t(k − 1).

``test_the_ledger_finds_what_was_planted`` runs ``ism-advise evidence`` and the advice with
``--evidence``: it needs the ledger's command (issue 31's parts L, R and V) and is run once
they are merged.
"""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import numpy as np
import pytest
import yaml
from evidence_ledger import statsmodels_pooled
from scipy import stats

from ism_advisor.app.demo import demonstration_entries, fill_store
from ism_advisor.store import open_store

ROOT = Path(__file__).resolve().parents[1]
WORKS = ("leaders_work_out_loud", "manager_influence")
NOTHING = ("executives_on_rollout_team", "manager_influence")
SMALL_ONLY = ("start_in_team_groups", "colleague_influence")
SMALL_BANDS = ("1-49", "50-249")


@pytest.fixture(scope="module")
def entries():
    return demonstration_entries()


@pytest.fixture(scope="module")
def periods(entries):
    """(client, earlier entry, later entry) of every period, in the store's order."""
    by_client: dict[str, list] = {}
    for entry in entries:
        assert entry.consent
        by_client.setdefault(entry.client, []).append(entry)
    found = []
    for client, held in by_client.items():
        held = sorted(held, key=lambda e: (e.date, e.wave))
        found += [(client, a, b) for a, b in itertools.pairwise(held)]
    return found


def non_users_change(earlier, later, factor: str, sign: float = 1.0) -> tuple[float, float]:
    """The non-users' change (positive: better) and its SE, from two entries' figures."""
    a = {f.factor: f for f in earlier.factors}[factor]
    b = {f.factor: f for f in later.factors}[factor]
    return (
        sign * (b.non_users_mean - a.non_users_mean),
        math.sqrt(a.non_users_sd**2 / a.non_users_n + b.non_users_sd**2 / b.non_users_n),
    )


def adoption_change(earlier, later) -> tuple[float, float]:
    p1, p2 = earlier.adoption, later.adoption
    se = math.sqrt(p1 * (1 - p1) / earlier.respondents + p2 * (1 - p2) / later.respondents)
    return p2 - p1, se


def latest(periods, carried_out: bool, intervention: str, where=lambda later: True):
    """One period per client: its latest in which ``intervention`` was carried out, or
    (``carried_out`` false: the comparison) its latest in which nothing addressing the
    intervention's factor was — for adoption (``intervention`` None), nothing at all."""
    touching = ADDRESSING[FACTOR_OF[intervention]] if intervention else set()

    def chosen(later) -> bool:
        if carried_out:
            return intervention in later.done
        return not (set(later.done) & touching if intervention else later.done)

    found = {}
    for client, earlier, later in periods:
        if chosen(later) and where(later):
            found[client] = (earlier, later)
    return list(found.values())


#: Each factor of the planted design → the catalogue's interventions that address it.
_CATALOGUE = yaml.safe_load((ROOT / "rules" / "interventions.yaml").read_text("utf-8"))
FACTOR_OF = dict((WORKS, NOTHING, SMALL_ONLY))
ADDRESSING = {
    factor: {i["id"] for i in _CATALOGUE["interventions"] if factor in i["factors"]}
    for factor in FACTOR_OF.values()
}


def pool(changes) -> dict:
    """DerSimonian–Laird random effects with the Hartung–Knapp interval (t with k − 1
    degrees of freedom), in numpy: estimate, SE, interval, tau², Q and I² in percent."""
    y = np.array([c for c, _ in changes])
    v = np.array([se for _, se in changes]) ** 2
    k = len(y)
    w = 1 / v
    fixed = (w * y).sum() / w.sum()
    q = (w * (y - fixed) ** 2).sum()
    c = w.sum() - (w**2).sum() / w.sum()
    tau2 = max(0.0, (q - (k - 1)) / c)
    w_re = 1 / (v + tau2)
    estimate = (w_re * y).sum() / w_re.sum()
    # Hartung–Knapp's SE, never below DerSimonian–Laird's (their modification for few
    # studies)
    se = math.sqrt(max((w_re * (y - estimate) ** 2).sum() / ((k - 1) * w_re.sum()), 1 / w_re.sum()))
    half = stats.t.ppf(0.975, k - 1) * se
    return {
        "k": k,
        "estimate": estimate,
        "se": se,
        "ci_low": estimate - half,
        "ci_high": estimate + half,
        "tau2": tau2,
        "q": q,
        "i2": max(0.0, (q - (k - 1)) / q) * 100 if q > 0 else 0.0,
    }


def reference(changes) -> dict:
    """statsmodels' figures for :func:`pool` (:func:`evidence_ledger.statsmodels_pooled`)."""
    result, row = statsmodels_pooled(
        [c for c, _ in changes], np.array([se for _, se in changes]) ** 2
    )
    return {
        "k": result.k,
        "estimate": row["eff"],
        "se": row["sd_eff"],
        "ci_low": row["ci_low"],
        "ci_high": row["ci_upp"],
        "tau2": max(0.0, result.tau2),
        "q": result.q,
        "i2": max(0.0, result.i2) * 100,
    }


def _every_pooling(periods):
    """Every set of changes the planted design is checked on."""
    found = {}
    for intervention, factor in (WORKS, NOTHING, SMALL_ONLY):
        for carried_out in (True, False):
            chosen = latest(periods, carried_out, intervention)
            found[intervention, factor, carried_out] = [
                non_users_change(a, b, factor) for a, b in chosen
            ]
            chosen = latest(periods, carried_out, intervention if carried_out else None)
            found[intervention, "adoption", carried_out] = [
                adoption_change(a, b) for a, b in chosen
            ]
    for small in (True, False):
        chosen = latest(
            periods,
            True,
            SMALL_ONLY[0],
            lambda later, small=small: (later.size_band in SMALL_BANDS) == small,
        )
        found[(*SMALL_ONLY, "small" if small else "large")] = [
            non_users_change(a, b, SMALL_ONLY[1]) for a, b in chosen
        ]
    return found


def test_the_own_pooling_is_statsmodels(periods):
    """On every set of changes below (some with tau² > 0, some with Q < k − 1) and on one
    with clear heterogeneity, the numpy pooling agrees with statsmodels to 1e-9."""
    sets = list(_every_pooling(periods).values())
    sets.append([(0.1, 0.05), (0.5, 0.06), (-0.2, 0.08), (0.3, 0.1)])
    both = {True: 0, False: 0}
    for changes in sets:
        ours, theirs = pool(changes), reference(changes)
        assert ours == pytest.approx(theirs, abs=1e-9), changes
        both[ours["tau2"] > 0] += 1
    assert both[True] >= 2 and both[False] >= 2  # both branches are checked


def test_the_periods_are_the_plan(periods):
    """18 periods: every organisation's second wave, and the third of the six that work
    out loud as leaders, with nothing new carried out."""
    assert len(periods) == 18
    assert len({client for client, _, _ in periods}) == 12
    assert all(a.codebook_version == b.codebook_version for _, a, b in periods)
    assert all(all(f.non_users_mean is not None for f in b.factors) for _, _, b in periods)
    assert len(latest(periods, True, WORKS[0])) == 6
    assert len(latest(periods, True, NOTHING[0])) == 5
    small = latest(periods, True, SMALL_ONLY[0], lambda later: later.size_band in SMALL_BANDS)
    large = latest(periods, True, SMALL_ONLY[0], lambda later: later.size_band not in SMALL_BANDS)
    assert (len(small), len(large)) == (4, 3)
    for intervention, _ in (WORKS, NOTHING, SMALL_ONLY):
        assert len(latest(periods, False, intervention)) >= 3


def test_the_working_intervention_works_and_the_null_one_does_not(periods):
    found = _every_pooling(periods)
    works = pool(found[(*WORKS, True)])
    assert works["ci_low"] > 0
    assert 0.3 < works["estimate"] < 0.5  # planted: +0.4
    nothing = pool(found[(*NOTHING, True)])
    assert nothing["ci_low"] < 0 < nothing["ci_high"]
    assert abs(nothing["estimate"]) < 0.1
    # adoption rose by about 5 points where leaders worked out loud, not where executives
    # joined the rollout team (start_in_team_groups shares two periods with the leaders')
    adoption = pool(found[WORKS[0], "adoption", True])
    assert adoption["ci_low"] > 0 and 0.03 < adoption["estimate"] < 0.07
    assert abs(pool(found[NOTHING[0], "adoption", True])["estimate"]) < 0.01


def test_team_groups_work_only_in_small_organisations(periods):
    found = _every_pooling(periods)
    small = pool(found[(*SMALL_ONLY, "small")])
    large = pool(found[(*SMALL_ONLY, "large")])
    assert small["ci_low"] > 0
    assert 0.25 < small["estimate"] < 0.55  # planted: +0.4
    assert large["ci_low"] < 0 < large["ci_high"]


def test_every_comparison_is_about_nothing(periods):
    """The clients that did not carry an intervention out changed by about 0, on its
    factor and in adoption: no general trend."""
    found = _every_pooling(periods)
    for intervention, factor in (WORKS, NOTHING, SMALL_ONLY):
        for what in (factor, "adoption"):
            comparison = pool(found[intervention, what, False])
            assert comparison["k"] >= 3
            assert comparison["ci_low"] < 0 < comparison["ci_high"], (intervention, what)
            assert abs(comparison["estimate"]) < (0.1 if what == factor else 0.01)


# -- after the merge of issue 31's parts: the ledger's own command ------------------------


def _expected(pooled: dict, changes) -> dict:
    """The numpy figures, and the clients' own changes sorted by change then SE."""
    return {**pooled, "studies": [{"change": c, "se": se} for c, se in sorted(changes)]}


def _close(held: dict, expected: dict) -> None:
    """The ledger's figures (rounded to 4 decimals, I² to 1) are the numpy ones."""
    assert (held["k"], held["shown"]) == (expected["k"], True)
    for key in ("estimate", "se", "ci_low", "ci_high", "tau2", "q"):
        assert held[key] == pytest.approx(expected[key], abs=5.001e-5), key
    assert held["i2"] == pytest.approx(expected["i2"], abs=0.05001)
    for key in ("change", "se"):
        assert [s[key] for s in held["studies"]] == pytest.approx(
            [s[key] for s in expected["studies"]], abs=5.001e-5
        )


def test_the_ledger_finds_what_was_planted(entries, periods, cli):
    """Run after merging issue 31's parts L, R and V (``ism-advise evidence``): on the
    demonstration store the ledger's figures are this module's numpy figures (to the
    document's 4 decimals), the working intervention's interval lies above 0, the null
    one's holds 0, --by size separates the small organisations, --check flags nothing as
    credibly negative, and a client's follow-up advice after the null intervention
    recommends the one that worked elsewhere, with the ledger's line."""
    with open_store(str(cli.folder / "demo.db")) as store:
        fill_store(store, entries)
    result = cli("evidence", "--store", "demo.db", "--format", "json", "-o", "-")
    assert result.exit_code == 0, result.stderr
    ledger = json.loads(result.stdout)
    catalogue = _CATALOGUE
    assert [i["intervention"] for i in ledger["interventions"]] == [
        i["id"] for i in catalogue["interventions"]
    ]
    assert (ledger["clients"], ledger["periods"], ledger["min_clients"]) == (12, 18, 3)
    assert ledger["caveat"] == "Before and after, not proof: clients chose what to do."
    found = _every_pooling(periods)
    by_id = {i["intervention"]: i for i in ledger["interventions"]}
    for intervention, factor in (WORKS, NOTHING, SMALL_ONLY):
        held = {f["factor"]: f for f in by_id[intervention]["factors"]}[factor]
        _close(
            held["non_users_change"],
            _expected(pool(found[intervention, factor, True]), found[intervention, factor, True]),
        )
        _close(
            held["comparison"],
            _expected(pool(found[intervention, factor, False]), found[intervention, factor, False]),
        )
        _close(
            by_id[intervention]["adoption_change"],
            _expected(
                pool(found[intervention, "adoption", True]), found[intervention, "adoption", True]
            ),
        )
    works = {f["factor"]: f for f in by_id[WORKS[0]]["factors"]}[WORKS[1]]
    assert works["non_users_change"]["ci_low"] > 0
    assert works["difference"]["ci_low"] > 0
    nothing = {f["factor"]: f for f in by_id[NOTHING[0]]["factors"]}[NOTHING[1]]
    assert nothing["non_users_change"]["ci_low"] < 0 < nothing["non_users_change"]["ci_high"]
    assert by_id["champions_network"]["clients"] == 0
    assert ledger["check"] == {
        "negative": [],
        "never": [
            i["id"]
            for i in catalogue["interventions"]
            if i["id"] not in {WORKS[0], NOTHING[0], SMALL_ONLY[0]}
        ],
    }

    result = cli("evidence", "--store", "demo.db", "--by", "size", "--format", "json", "-o", "-")
    assert result.exit_code == 0, result.stderr
    by_size = {i["intervention"]: i for i in json.loads(result.stdout)["interventions"]}
    (teams,) = by_size[SMALL_ONLY[0]]["factors"]
    groups = {g["group"]: g["non_users_change"] for g in teams["subgroups"]}
    _close(
        groups["small"],
        _expected(pool(found[(*SMALL_ONLY, "small")]), found[(*SMALL_ONLY, "small")]),
    )
    _close(
        groups["large"],
        _expected(pool(found[(*SMALL_ONLY, "large")]), found[(*SMALL_ONLY, "large")]),
    )
    assert groups["small"]["ci_low"] > 0 > groups["large"]["ci_low"]

    check = cli("evidence", "--store", "demo.db", "--check")
    assert check.exit_code == 0, check.stderr

    # the sample's client put executives on the rollout team; manager influence did not move
    (cli.folder / "done.yaml").write_text("- executives_on_rollout_team\n", encoding="utf-8")
    sample = ROOT / "sample_data"
    advice = cli.json(
        sample / "scores.csv",
        sample / "scores-wave2.csv",
        "--done",
        "done.yaml",
        "--store",
        "demo.db",
        "--evidence",
        "--client",
        "Sample client",
        "--no-memory",
        "--date",
        "2026-12-01",
    )
    assert advice["evidence"]["clients"] == 12
    overall = advice["segments"][0]
    rules = {r["intervention"]: r["rules"] for r in overall["recommendations"]}
    assert "alternative_after_failed_action" in rules.get(WORKS[0], []), rules
