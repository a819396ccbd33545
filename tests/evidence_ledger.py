"""A ledger document (contracts C1 and C2) built by hand for the renderers' tests: the
clients' changes are fixed, their pooling is statsmodels' own random-effects
meta-analysis (DerSimonian–Laird, Hartung–Knapp interval), so that these tests do not
depend on the store or on how the ledger is computed."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
from scipy import stats
from statsmodels.stats.meta_analysis import combine_effects

#: intervention → (title en, title nl, {factor: (changes, SEs) of the clients that
#: carried it out, (changes, SEs) of the comparison}); the sample's action plan
#: recommends the first five.
PLAN: dict[str, Any] = {
    "champions_network": (
        "Build a champions network",
        "Bouw een netwerk van ambassadeurs",
        {
            "colleague_influence": (
                ([0.62, 0.05, 0.35, 0.81, 0.12, 0.40], [0.1, 0.12, 0.09, 0.15, 0.11, 0.1]),
                ([0.25, -0.22, 0.18, -0.11], [0.1, 0.11, 0.09, 0.12]),
            ),
            "manager_influence": (
                ([0.3, -0.25, 0.42, 0.08, 0.15], [0.1, 0.12, 0.1, 0.09, 0.11]),
                ([0.02, 0.03], [0.1, 0.1]),
            ),
        },
    ),
    "leaders_work_out_loud": (
        "Leaders work out loud",
        "Leidinggevenden werken zichtbaar",
        {
            "colleague_influence": (([0.2, 0.1], [0.1, 0.1]), ([], [])),
            "manager_influence": (([0.3, 0.25], [0.1, 0.1]), ([], [])),
        },
    ),
    "visible_relaunch": (
        "A visible relaunch",
        "Een zichtbare herlancering",
        {"colleague_influence": (([], []), ([], [])), "manager_influence": (([], []), ([], []))},
    ),
    "executives_on_rollout_team": (
        "Executives on the roll-out team",
        "Bestuurders in het uitrolteam",
        {"manager_influence": (([-0.51, -0.12, -0.6, -0.28], [0.08, 0.1, 0.09, 0.1]), ([], []))},
    ),
}

#: The change in adoption (a fraction) at the clients that carried it out.
ADOPTION = {"champions_network": ([0.12, 0.02, 0.08, 0.15], [0.03, 0.02, 0.03, 0.04])}


def statsmodels_pooled(changes, variances):
    """statsmodels' pooling as the ledger pools (C1): ``combine_effects(...,
    method_re="chi2", use_t=True)``, the estimate of its row "random effect wls", the SE
    the larger of that row's (Hartung–Knapp) and the row "random effect"'s
    (DerSimonian–Laird), the interval t(k − 1) times it (Hartung–Knapp's modification for
    few studies). statsmodels 0.15 does not truncate DerSimonian–Laird's tau² at 0: where
    it is negative, the rows are its "fixed effect" ones (tau² = 0). Returns the result and
    that row (eff, sd_eff, ci_low, ci_upp)."""
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        # no sample sizes: statsmodels warns that the studies' own intervals are normal
        warnings.simplefilter("ignore")
        result = combine_effects(
            np.asarray(changes, float), np.asarray(variances, float), method_re="chi2", use_t=True
        )
        frame = result.summary_frame()
    kind = "random effect" if result.tau2 >= 0 else "fixed effect"
    row = frame.loc[f"{kind} wls"].copy()
    row["sd_eff"] = max(row["sd_eff"], frame.loc[kind, "sd_eff"])
    half = stats.t.ppf(0.975, len(changes) - 1) * row["sd_eff"]
    row["ci_low"], row["ci_upp"] = row["eff"] - half, row["eff"] + half
    return result, row


def pooled(changes: list[float], ses: list[float]) -> dict[str, Any]:
    """C2's POOLED from statsmodels' combine_effects (:func:`statsmodels_pooled`)."""
    k = len(changes)
    if k < 3:
        keys = ("estimate", "se", "ci_low", "ci_high", "tau2", "q", "i2")
        return {"k": k, "shown": False, **dict.fromkeys(keys), "studies": []}
    result, row = statsmodels_pooled(changes, np.array(ses) ** 2)
    # these changes are heterogeneous enough (Q > k - 1) for tau² to be positive
    assert result.tau2 > 0
    studies = sorted(
        (
            {
                "change": round(c, 4),
                "se": round(s, 4),
                "ci_low": round(c - 1.959964 * s, 4),
                "ci_high": round(c + 1.959964 * s, 4),
            }
            for c, s in zip(changes, ses, strict=True)
        ),
        key=lambda s: (s["change"], s["se"]),
    )
    q = float(result.q)
    return {
        "k": k,
        "shown": True,
        "estimate": round(float(row["eff"]), 4),
        "se": round(float(row["sd_eff"]), 4),
        "ci_low": round(float(row["ci_low"]), 4),
        "ci_high": round(float(row["ci_upp"]), 4),
        "tau2": round(float(result.tau2), 4),
        "q": round(q, 4),
        "i2": round(max(0.0, (q - (k - 1)) / q) * 100, 1),
        "studies": studies,
    }


def ledger(document: dict, subgroups: bool = False) -> dict[str, Any]:
    """The ledger for ``document`` (its language's titles and factor labels)."""
    lang = document["settings"]["lang"]
    labels = {f["id"]: f for f in document["factors"]}
    interventions = []
    for intervention, (en, nl, factors) in PLAN.items():
        rows = []
        for factor, (carried, other) in factors.items():
            change, comparison = pooled(*carried), pooled(*other)
            both = change["shown"] and comparison["shown"]
            difference = {
                "estimate": round(change["estimate"] - comparison["estimate"], 4) if both else None,
                "ci_low": None,
                "ci_high": None,
            }
            if both:
                se = math.hypot(change["se"], comparison["se"])
                difference["ci_low"] = round(difference["estimate"] - 1.959964 * se, 4)
                difference["ci_high"] = round(difference["estimate"] + 1.959964 * se, 4)
            groups = []
            if subgroups and change["shown"]:
                small = carried[0][:3], carried[1][:3]
                large = carried[0][3:], carried[1][3:]
                groups = [
                    {"group": "small", "non_users_change": pooled(*small)},
                    {"group": "large", "non_users_change": pooled(*large)},
                ]
            rows.append(
                {
                    "factor": factor,
                    "label": labels[factor]["label"],
                    "direction": labels[factor]["direction"],
                    "non_users_change": change,
                    "gap_change": pooled([], []),
                    "comparison": comparison,
                    "difference": difference,
                    "subgroups": groups,
                }
            )
        clients = max(len(carried[0]) for carried, _ in factors.values())
        interventions.append(
            {
                "intervention": intervention,
                "title": nl if lang == "nl" else en,
                "clients": clients,
                "adoption_change": pooled(*ADOPTION.get(intervention, ([], []))),
                "adoption_comparison": pooled([0.01, -0.03, 0.05, 0.0], [0.02, 0.03, 0.02, 0.02]),
                "factors": rows,
            }
        )
    negative = [
        {"intervention": i["intervention"], "factor": f["factor"]}
        for i in interventions
        for f in i["factors"]
        if f["non_users_change"]["shown"] and f["non_users_change"]["ci_high"] < 0
    ]
    return {
        "clients": 12,
        "periods": 15,
        "min_clients": 3,
        "codebook_version": "6f78349a03fbe58e",
        "until": "2026-12-01",
        "by": "size" if subgroups else None,
        "caveat": "Before and after, not proof: clients chose what to do.",
        "interventions": interventions,
        "check": {
            "negative": negative,
            "never": [i["intervention"] for i in interventions if i["clients"] == 0],
        },
    }
