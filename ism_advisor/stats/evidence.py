"""The evidence ledger: what the interventions carried out at the store's clients changed,
pooled across clients (docs/statistics/computed.md, "Pooling across clients").

A **period** is two consecutive entries of one client (by date, then wave), both consented
and of the knowledge base's codebook version; the later entry's ``done`` lists what was
carried out in it. Per period and factor: the non-users' change (later mean − earlier,
positive for the better), the change of the gap between users and non-users (later gap −
earlier gap, each gap users − non-users turned so that positive favours the users:
negative = the gap narrowed), both as the follow-up of a run over two waves computes them
(:mod:`ism_advisor.stats.waves`), with Welch's interval; and the change in adoption.

Per intervention and factor it addresses, each client's latest period in which it was
carried out is one study; the studies are pooled by :func:`random_effects` and shown from
:data:`MIN_CLIENTS` clients. The comparison of a factor pools each client's latest period
in which nothing addressing that factor was carried out (so that another intervention's
effect never counts as "without it"); the comparison of adoption, each client's latest
period in which nothing was carried out. Before and after, not proof: clients chose what
to do.

Pure: numpy and :mod:`scipy.special` only (never scipy.stats: its import is slow).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol

import numpy as np
from scipy import special

__all__ = [
    "BY",
    "MIN_CLIENTS",
    "LedgerFactor",
    "LedgerIntervention",
    "Pooled",
    "Study",
    "adoption_change",
    "build_ledger",
    "gap_change",
    "non_users_change",
    "pooled_json",
    "random_effects",
]

#: The fewest clients a pooled figure is shown from.
MIN_CLIENTS = 3
#: What ``by`` may split the studies by.
BY = ("size", "sector", "platform")
#: The size bands below 250 employees (the EU's line of a small or medium enterprise).
SMALL_BANDS = ("1-49", "50-249")
_Z = float(special.ndtri(0.975))


class FactorFigures(Protocol):
    """One factor's figures of an entry (:class:`ism_advisor.store.FactorEntry`)."""

    factor: str
    users_n: int | None
    users_mean: float | None
    users_sd: float | None
    non_users_n: int | None
    non_users_mean: float | None
    non_users_sd: float | None


class EntryFigures(Protocol):
    """What the ledger reads of a store entry (:class:`ism_advisor.store.Entry`)."""

    client: str
    wave: str
    date: str
    sector: str
    size_band: str
    platform: str
    consent: bool
    codebook_version: str
    respondents: int
    adoption: float | None
    factors: Sequence[FactorFigures]
    done: Sequence[str]


class LedgerFactor(NamedTuple):
    """A factor of the codebook: id, label (in the output's language), direction."""

    id: str
    label: str
    direction: str


class LedgerIntervention(NamedTuple):
    """An intervention of the catalogue: id, title (in the output's language), the factors
    it addresses."""

    id: str
    title: str
    factors: tuple[str, ...]


@dataclass(frozen=True)
class Study:
    """One client's change in one period: estimate, standard error, 95% interval."""

    change: float
    se: float
    ci_low: float
    ci_high: float


@dataclass(frozen=True)
class Pooled:
    """A random-effects pooled change (:func:`random_effects`)."""

    k: int
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    tau2: float
    q: float
    i2: float


def random_effects(changes: Sequence[float], variances: Sequence[float]) -> Pooled:
    """Pool ``changes`` (with their sampling ``variances``, all > 0; at least 2) by a
    random-effects meta-analysis.

    tau² by DerSimonian and Laird's one-step moment estimator, truncated at 0; the pooled
    estimate weights each change by 1 / (variance + tau²); its 95% interval by Hartung and
    Knapp (Sidik and Jonkman) with their modification for few studies: Student's t with
    k − 1 degrees of freedom times the larger of two standard errors, Hartung–Knapp's (the
    weighted residual variance over k − 1) and DerSimonian–Laird's own (1 / the sum of the
    weights). Without the modification, clients that agree more than their sampling error
    lets expect (Q < k − 1) give an interval narrower than the plain random-effects one
    (Röver, Knapp and Friede 2015, BMC Medical Research Methodology 15:99). Q is Cochran's,
    I² = (Q − (k − 1)) / Q in percent, 0 when negative.

    Both standard errors are statsmodels' ``combine_effects(changes, variances,
    method_re="chi2", use_t=True)``: the rows "random effect wls" and "random effect"
    where its tau² is not negative (statsmodels 0.15 does not truncate it; with tau² = 0
    they are its rows "fixed effect wls" and "fixed effect").
    """
    y = np.asarray(changes, dtype=float)
    v = np.asarray(variances, dtype=float)
    k = len(y)
    w = 1.0 / v
    fixed = float(np.sum(w * y) / np.sum(w))
    q = float(np.sum(w * (y - fixed) ** 2))
    c = float(np.sum(w) - np.sum(w**2) / np.sum(w))
    df = k - 1
    tau2 = max(0.0, (q - df) / c) if c > 0 else 0.0
    wr = 1.0 / (v + tau2)
    estimate = float(np.sum(wr * y) / np.sum(wr))
    hartung_knapp = float(np.sum(wr * (y - estimate) ** 2) / (df * np.sum(wr)))
    se = math.sqrt(max(hartung_knapp, 1.0 / float(np.sum(wr))))
    margin = float(special.stdtrit(df, 0.975)) * se
    i2 = 100.0 * max(0.0, (q - df) / q) if q > 0 else 0.0
    return Pooled(k, estimate, se, estimate - margin, estimate + margin, tau2, q, i2)


def _welch(diff: float, parts: Sequence[tuple[float, float]]) -> Study | None:
    """``diff`` with the standard error of a sum of independent group means (each group's
    (n, sd)) and the Welch–Satterthwaite degrees of freedom: its 95% t interval."""
    terms = [sd * sd / n for n, sd in parts]
    var = sum(terms)
    if not var > 0:
        return None
    df = var * var / sum(t * t / (n - 1) for t, (n, _) in zip(terms, parts, strict=True))
    se = math.sqrt(var)
    margin = float(special.stdtrit(df, 0.975)) * se
    return Study(diff, se, diff - margin, diff + margin)


def _group(figures: FactorFigures | None, group: str) -> tuple[float, float, float] | None:
    """(n, mean, sd) of a group, None when hidden or n < 2."""
    if figures is None:
        return None
    n, mean, sd = (getattr(figures, f"{group}_{name}") for name in ("n", "mean", "sd"))
    if n is None or mean is None or sd is None or n < 2:
        return None
    return float(n), float(mean), float(sd)


def non_users_change(
    earlier: FactorFigures | None, later: FactorFigures | None, higher_is_worse: bool
) -> Study | None:
    """The non-users' change of one factor between two entries, positive for the better,
    with Welch's interval; None unless both entries show the non-users' figures."""
    a, b = _group(earlier, "non_users"), _group(later, "non_users")
    if a is None or b is None:
        return None
    sign = -1.0 if higher_is_worse else 1.0
    study = _welch(sign * (b[1] - a[1]), [(b[0], b[2]), (a[0], a[2])])
    return study


def gap_change(
    earlier: FactorFigures | None, later: FactorFigures | None, higher_is_worse: bool
) -> Study | None:
    """The change of the gap between users and non-users (later − earlier; each gap users
    − non-users, turned for a ``higher_is_worse`` factor: negative = the gap narrowed),
    with the standard error of all four groups' means and the Welch–Satterthwaite df;
    None unless both entries show both groups."""
    groups = [_group(e, g) for e in (earlier, later) for g in ("users", "non_users")]
    if any(g is None for g in groups):
        return None
    u0, n0, u1, n1 = groups  # type: ignore[misc]
    sign = -1.0 if higher_is_worse else 1.0
    diff = sign * (u1[1] - n1[1]) - sign * (u0[1] - n0[1])
    return _welch(diff, [(g[0], g[2]) for g in groups])  # type: ignore[index]


def adoption_change(earlier: EntryFigures, later: EntryFigures) -> Study | None:
    """The change in adoption (a fraction) with the standard error of two independent
    proportions and its normal 95% interval; None unless both entries show adoption."""
    p0, p1 = earlier.adoption, later.adoption
    if p0 is None or p1 is None or not earlier.respondents or not later.respondents:
        return None
    var = p1 * (1 - p1) / later.respondents + p0 * (1 - p0) / earlier.respondents
    if not var > 0:
        return None
    se = math.sqrt(var)
    diff = p1 - p0
    return Study(diff, se, diff - _Z * se, diff + _Z * se)


@dataclass(frozen=True)
class _Period:
    client: str
    order: int  # the period's place among its client's periods
    done: frozenset[str]
    groups: Mapping[str, str]  # by → the later entry's group
    non_users: Mapping[str, Study]
    gap: Mapping[str, Study]
    adoption: Study | None


def _periods(
    entries: Iterable[EntryFigures],
    factors: Sequence[LedgerFactor],
    *,
    codebook_version: str,
    exclude_client: str | None,
    until: str | None,
) -> list[_Period]:
    per_client: dict[str, list[EntryFigures]] = {}
    for entry in entries:
        if entry.client != exclude_client:
            per_client.setdefault(entry.client, []).append(entry)
    worse = {f.id: f.direction == "higher_is_worse" for f in factors}
    out = []
    for client in sorted(per_client):
        waves = sorted(per_client[client], key=lambda e: (e.date, e.wave))
        for order, (a, b) in enumerate(itertools.pairwise(waves)):
            usable = all(e.consent and e.codebook_version == codebook_version for e in (a, b))
            if not usable or (until is not None and b.date > until):
                continue
            fa = {f.factor: f for f in a.factors}
            fb = {f.factor: f for f in b.factors}
            non_users, gap = {}, {}
            for factor, is_worse in worse.items():
                change = non_users_change(fa.get(factor), fb.get(factor), is_worse)
                if change is not None:
                    non_users[factor] = change
                change = gap_change(fa.get(factor), fb.get(factor), is_worse)
                if change is not None:
                    gap[factor] = change
            out.append(
                _Period(
                    client=client,
                    order=order,
                    done=frozenset(b.done),
                    groups={
                        "size": "small" if b.size_band in SMALL_BANDS else "large",
                        "sector": b.sector,
                        "platform": b.platform,
                    },
                    non_users=non_users,
                    gap=gap,
                    adoption=adoption_change(a, b),
                )
            )
    return out


def _r(value: float | None, places: int = 4) -> float | None:
    if value is None:
        return None
    return round(float(value), places) + 0.0  # no -0.0


def pooled_json(studies: Sequence[Study]) -> dict[str, Any]:
    """A POOLED object of the ledger's JSON (docs/reference/json.md): k, shown, the
    pooled figures (null below :data:`MIN_CLIENTS`) and the studies without any label,
    sorted by change and standard error."""
    studies = [s for s in studies if s.se > 0 and math.isfinite(s.se)]
    k = len(studies)
    out: dict[str, Any] = {"k": k, "shown": k >= MIN_CLIENTS}
    names = ("estimate", "se", "ci_low", "ci_high", "tau2", "q", "i2")
    if k < MIN_CLIENTS:
        return out | dict.fromkeys(names) | {"studies": []}
    pooled = random_effects([s.change for s in studies], [s.se**2 for s in studies])
    out |= {name: _r(getattr(pooled, name)) for name in names[:-1]}
    out["i2"] = _r(pooled.i2, 1)
    ordered = sorted(studies, key=lambda s: (s.change, s.se, s.ci_low, s.ci_high))
    out["studies"] = [
        {"change": _r(s.change), "se": _r(s.se), "ci_low": _r(s.ci_low), "ci_high": _r(s.ci_high)}
        for s in ordered
    ]
    out["_pooled"] = pooled
    return out


def _difference(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """Carried out − comparison with a normal 95% interval from both standard errors."""
    if not (a["shown"] and b["shown"]):
        return {"estimate": None, "ci_low": None, "ci_high": None}
    pa, pb = a["_pooled"], b["_pooled"]
    diff = pa.estimate - pb.estimate
    margin = _Z * math.hypot(pa.se, pb.se)
    return {"estimate": _r(diff), "ci_low": _r(diff - margin), "ci_high": _r(diff + margin)}


def _latest(periods: Iterable[_Period]) -> dict[str, _Period]:
    """Per client its latest period of ``periods``."""
    out: dict[str, _Period] = {}
    for period in periods:
        there = out.get(period.client)
        if there is None or period.order > there.order:
            out[period.client] = period
    return out


def _in_order(latest: Mapping[str, _Period]) -> list[_Period]:
    """The periods of :func:`_latest`, by client."""
    return [latest[client] for client in sorted(latest)]


def _groups(by: str, periods: Iterable[_Period]) -> list[str]:
    present = {p.groups[by] for p in periods}
    if by == "size":
        return [g for g in ("small", "large") if g in present]
    return sorted(present)


def build_ledger(
    entries: Iterable[EntryFigures],
    factors: Sequence[LedgerFactor],
    interventions: Sequence[LedgerIntervention],
    *,
    codebook_version: str,
    exclude_client: str | None = None,
    until: str | None = None,
    by: str | None = None,
) -> dict[str, Any]:
    """The evidence ledger (docs/reference/json.md, ``evidence``; without ``caveat``):
    per intervention of ``interventions`` (in their order) and factor it addresses, the
    pooled non-users' change, gap change and comparison, and the pooled adoption change.

    ``entries``: the store's entries (any order); those of ``exclude_client`` are left
    out, as are periods that end after ``until`` (YYYY-MM-DD). ``by`` (one of :data:`BY`)
    adds per factor the non-users' change per group of clients.
    """
    if by is not None and by not in BY:
        raise ValueError(f"by must be one of {BY}")
    periods = _periods(
        entries, factors, codebook_version=codebook_version,
        exclude_client=exclude_client, until=until,
    )  # fmt: skip
    known = {f.id: f for f in factors}
    # the comparison of a factor: the periods in which nothing addressing it was carried
    # out (else another intervention's effect would count as "without it"); of adoption:
    # the periods in which nothing was carried out
    addressing = {
        f.id: frozenset(i.id for i in interventions if f.id in i.factors) for f in factors
    }
    untouched = {
        factor: _in_order(_latest(p for p in periods if not p.done & ids))
        for factor, ids in addressing.items()
    }
    idle = _in_order(_latest(p for p in periods if not p.done))
    adoption_other = pooled_json([p.adoption for p in idle if p.adoption is not None])
    out_interventions = []
    negative = []
    never = []
    for intervention in interventions:
        carried = _latest(p for p in periods if intervention.id in p.done)
        done = _in_order(carried)
        adoption = pooled_json([p.adoption for p in done if p.adoption is not None])
        rows = []
        for factor_id in intervention.factors:
            factor = known.get(factor_id)
            if factor is None:
                continue
            users = pooled_json([p.non_users[factor_id] for p in done if factor_id in p.non_users])
            comparison = pooled_json(
                [p.non_users[factor_id] for p in untouched[factor_id] if factor_id in p.non_users]
            )
            subgroups = []
            if by is not None:
                for group in _groups(by, done):
                    members = [p for p in done if p.groups[by] == group]
                    studies = [p.non_users[factor_id] for p in members if factor_id in p.non_users]
                    subgroups.append(
                        {"group": group, "non_users_change": _clean(pooled_json(studies))}
                    )
            if users["shown"] and users["ci_high"] < 0:
                negative.append({"intervention": intervention.id, "factor": factor_id})
            rows.append(
                {
                    "factor": factor_id,
                    "label": factor.label,
                    "direction": factor.direction,
                    "non_users_change": users,
                    "gap_change": pooled_json(
                        [p.gap[factor_id] for p in done if factor_id in p.gap]
                    ),
                    "comparison": comparison,
                    "difference": _difference(users, comparison),
                    "subgroups": subgroups,
                }
            )
        if not carried:
            never.append(intervention.id)
        out_interventions.append(
            {
                "intervention": intervention.id,
                "title": intervention.title,
                "clients": len(carried),
                "adoption_change": _clean(adoption),
                "adoption_comparison": _clean(adoption_other),
                "factors": [_clean_row(row) for row in rows],
            }
        )
    return {
        "clients": len({p.client for p in periods}),
        "periods": len(periods),
        "min_clients": MIN_CLIENTS,
        "codebook_version": codebook_version,
        "until": until,
        "by": by,
        "interventions": out_interventions,
        "check": {"negative": negative, "never": never},
    }


def _clean(pooled: dict[str, Any]) -> dict[str, Any]:
    """The POOLED object without its working figures."""
    return {k: v for k, v in pooled.items() if k != "_pooled"}


def _clean_row(row: dict[str, Any]) -> dict[str, Any]:
    return {
        k: _clean(v) if k in ("non_users_change", "gap_change", "comparison") else v
        for k, v in row.items()
    }
