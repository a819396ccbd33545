"""The facts the rules see, and what an explanation publishes of the facts a rule matched.

:func:`segment_facts` turns the published comparison (hidden figures are NaN) into one
:class:`~ism_advisor.advice.engine.FactSet` per shown segment: the segment fact and one
comparison fact per shown factor, with the figures of :mod:`ism_advisor.core.vocabulary` —
the statistics' columns as they are, plus those derived for rules (the factor's label
and direction, everyone's mean, the effect size's band, the rank of g) and, on the
comparisons of all respondents, the norms' figures (``norm_n``, ``norm_percentile``,
``below_norm_p25``: :func:`norm_figures`) and, with the evidence ledger (``--evidence``),
one intervention fact per catalogue intervention and factor it addresses
(:func:`intervention_facts`); every comparison has the comments' figures (``comment_n``,
``comment_share``: :func:`~ism_advisor.protect.comments.comment_facts`; 0 and None without
``--comments``).

:func:`explained` is the one place that decides which figures of a matched fact an
explanation (the JSON document, the reports) shows.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from ..core.jsonvalue import plain_records
from ..core.vocabulary import COMPARISON, KINDS_BY_NAME, effect_size
from ..protect.comments import comment_facts
from ..protect.disclosure import Published
from ..protect.published_drivers import PublishedDrivers
from ..stats.norms import MEASURES, OrgFigures
from .engine import Fact, FactSet

__all__ = [
    "BELOW_NORM_FROM",
    "BELOW_NORM_PERCENTILE",
    "explained",
    "intervention_facts",
    "norm_figures",
    "published_figures",
    "segment_facts",
]

#: ``below_norm_p25``: a percentile rank (turned to the favourable direction) below this …
BELOW_NORM_PERCENTILE = 25
#: … among at least this many organisations (the norms' quartiles need as many).
BELOW_NORM_FROM = 10


def segment_facts(
    published: Published,
    lang: str,
    drivers: PublishedDrivers | None = None,
    norms: Mapping[str, Any] | None = None,
    evidence: Mapping[str, Any] | None = None,
    *,
    comments: Sequence[Mapping[str, Any] | None] | None = None,
) -> list[FactSet | None]:
    """The facts of every segment, None for a suppressed one: published figures only.

    ``drivers`` adds each factor's ``importance``, ``importance_rank``,
    ``importance_beats_noise`` and ``quadrant`` (None where the segment has no driver
    model, or without ``drivers``). ``norms`` (the document's ``norms``,
    :func:`~ism_advisor.stats.norms.compute_norms`) gives the comparisons of all
    respondents their norms' figures (:func:`norm_figures`); every other comparison, and
    every one without ``norms``, has ``norm_n`` 0. ``evidence`` (the document's
    ``evidence``, the ledger) gives every shown segment the same intervention facts
    (:func:`intervention_facts`); without it there are none. ``comments`` (each
    segment's ``comments`` of the document, :mod:`ism_advisor.protect.comments`) gives each
    factor ``comment_n`` and ``comment_share`` of the segment's non-users' comments; without
    it, or where the group is not shown, they are 0 and None.
    """
    offers = intervention_facts(evidence) if evidence is not None else ()
    driving = _driver_figures(drivers)
    compared = {row["factor"]: row for row in norms["factors"]} if norms is not None else {}
    table = published.comparisons
    labels = {f.id: f.label[lang] for f in published.factors}
    directions = {f.id: f.direction for f in published.factors}
    columns = ("factor", *COMPARISON.columns)
    records = plain_records(table, (*columns, "suppressed"))
    per_segment = len(published.factors)
    out: list[FactSet | None] = []
    for index, segment in enumerate(published.segments.to_dict("records")):
        if segment["suppressed"]:
            out.append(None)
            continue
        rows = [
            r
            for r in records[index * per_segment : (index + 1) * per_segment]
            if not r["suppressed"]
        ]
        ranks = _ranks([r["hedges_g"] for r in rows])
        commented = comment_facts(
            comments[index] if comments is not None else None, [r["factor"] for r in rows]
        )
        facts = []
        for row, rank in zip(rows, ranks, strict=True):
            fact = {key: row[key] for key in columns}
            fact["users_n"], fact["non_users_n"] = int(row["users_n"]), int(row["non_users_n"])
            fact["label"] = labels[row["factor"]]
            fact["direction"] = directions[row["factor"]]
            n = row["users_n"] + row["non_users_n"]
            fact["mean"] = (
                row["users_n"] * row["users_mean"] + row["non_users_n"] * row["non_users_mean"]
            ) / n
            g = row["hedges_g"]
            fact["effect_size"] = effect_size(g) if _finite(g) else None
            fact["rank"] = rank
            fact["significant"] = None if pd.isna(row["significant"]) else bool(row["significant"])
            fact.update(driving.get((index, row["factor"]), _NO_DRIVERS))
            overall = segment["column"] is None
            fact.update(norm_figures(compared.get(row["factor"]) if overall else None))
            fact.update(commented[row["factor"]])
            facts.append(fact)
        column = segment["column"]
        out.append(
            FactSet(
                segment={
                    "overall": column is None,
                    "column": column or "",
                    "value": segment["value"] or "",
                    "respondents": int(segment["respondents"]),
                    "users": int(segment["users"]),
                    "non_users": int(segment["non_users"]),
                    "adoption_rate": segment["adoption_rate"],
                },
                comparisons=facts,
                interventions=offers,
            )
        )
    return out


def intervention_facts(evidence: Mapping[str, Any]) -> tuple[dict[str, Any], ...]:
    """The intervention facts of the evidence ledger (the document's ``evidence``): one
    per intervention and factor it addresses, in the ledger's order (the catalogue's),
    with the pooled non-users' change at other clients: ``evidence_clients`` its number
    of clients (0 when none), ``evidence_change``, ``evidence_ci_low``,
    ``evidence_ci_high`` and ``evidence_i2`` (percent) where the ledger shows it, else
    None."""
    out = []
    for entry in evidence["interventions"]:
        for row in entry["factors"]:
            pooled = row.get("non_users_change") or {}
            shown = bool(pooled.get("shown"))
            out.append(
                {
                    "intervention": entry["intervention"],
                    "title": entry["title"],
                    "factor": row["factor"],
                    "label": row["label"],
                    "evidence_clients": int(pooled.get("k") or 0),
                    **{
                        name: _number(pooled.get(key)) if shown else None
                        for name, key in _EVIDENCE.items()
                    },
                }
            )
    return tuple(out)


#: The intervention fact's figures → their keys in the ledger's pooled change.
_EVIDENCE = {
    "evidence_change": "estimate",
    "evidence_ci_low": "ci_low",
    "evidence_ci_high": "ci_high",
    "evidence_i2": "i2",
}


def _number(value: Any) -> float | None:
    """A ledger's figure as a float; None when missing or not finite."""
    return float(value) if _finite(value) else None


_NO_DRIVERS = {
    "importance": None,
    "importance_rank": None,
    "importance_beats_noise": None,
    "quadrant": None,
}


def published_figures(published: Published, key: str = "client") -> OrgFigures:
    """The figures the norms compare of the run's own organisation: all respondents'
    published adoption and, per factor, the :data:`~ism_advisor.stats.norms.MEASURES` (None
    where hidden or not computed)."""
    segments = published.segments.to_dict("records")
    index = next(i for i, s in enumerate(segments) if s["column"] is None)
    per_segment = len(published.factors)
    rows = plain_records(published.comparisons, ("factor", *MEASURES, "suppressed"))
    factors = {}
    for row in rows[index * per_segment : (index + 1) * per_segment]:
        shown = not row["suppressed"]
        factors[row["factor"]] = {
            m: float(row[m]) if shown and _finite(row[m]) else None for m in MEASURES
        }
    adoption = segments[index]["adoption_rate"]
    return OrgFigures(
        key,
        float(adoption) if not segments[index]["suppressed"] and _finite(adoption) else None,
        factors,
    )


def norm_figures(row: Mapping[str, Any] | None) -> dict[str, Any]:
    """A factor's norms' figures from its row of the document's ``norms["factors"]``
    (None: not compared): ``norm_n`` the organisations with a non-users' mean,
    ``norm_percentile`` the client's rank among them turned to the favourable direction,
    ``below_norm_p25`` whether that rank is below :data:`BELOW_NORM_PERCENTILE` among at
    least :data:`BELOW_NORM_FROM` organisations."""
    figures = row["non_users_mean"] if row is not None else {}
    n = figures.get("n") or 0
    rank = figures.get("percentile")
    if rank is not None and row is not None and row["direction"] == "higher_is_worse":
        rank = 100 - rank
    return {
        "norm_n": n,
        "norm_percentile": rank,
        "below_norm_p25": rank is not None
        and n >= BELOW_NORM_FROM
        and rank < BELOW_NORM_PERCENTILE,
    }


def _driver_figures(drivers: PublishedDrivers | None) -> dict[tuple[int, str], dict[str, Any]]:
    """(segment row, factor) → the factor's driver figures, for the fitted segments."""
    if drivers is None:
        return {}
    out = {}
    names = ("segment", "factor", "importance", "rank", "beats_noise", "quadrant")
    for row in plain_records(drivers.drivers, names):
        importance = row["importance"]
        out[(int(row["segment"]), row["factor"])] = {
            "importance": float(importance) if _finite(importance) else None,
            "importance_rank": None if pd.isna(row["rank"]) else int(row["rank"]),
            "importance_beats_noise": None
            if pd.isna(row["beats_noise"])
            else bool(row["beats_noise"]),
            "quadrant": row["quadrant"],
        }
    return out


def explained(fact: Fact, tested: frozenset[str]) -> dict[str, Any]:
    """The figures of a matched fact that an explanation shows: those every explanation
    shows (:attr:`~ism_advisor.core.vocabulary.Field.explain`, in that order), then those the
    rule base tests (by name); missing figures left out, numbers as plain Python. The
    norms' figures only where the fact was compared with other organisations, and then all
    three when the rule base tests one. The comments' figures only where the segment's
    non-users' comments are shown (``comment_share`` not missing: ``--comments``)."""
    out = {}
    compared = bool(fact.figures.get("norm_n"))
    commented = fact.figures.get("comment_share") is not None
    if compared and not _NORMS.isdisjoint(tested):
        tested = tested | _NORMS
    for name in _shown(fact.kind, tested) or tuple(fact.figures):
        if (not compared and name in _NORMS) or (not commented and name in _COMMENTS):
            continue
        value = fact.figures.get(name)
        if value is None or type(value) in (str, bool, int):
            if value is not None:
                out[name] = value
            continue
        if type(value) is not float and hasattr(value, "item"):
            value = value.item()  # numpy scalar → Python
        if isinstance(value, float) and not math.isfinite(value):
            continue
        out[name] = value
    return out


#: The norms' figures (explanations leave them out where nothing was compared).
_NORMS = COMPARISON.norms
#: The comments' figures (``--comments``).
_COMMENTS = frozenset({"comment_n", "comment_share"})


@lru_cache(maxsize=64)
def _shown(kind_name: str, tested: frozenset[str]) -> tuple[str, ...]:
    """The figures an explanation shows of a fact of this kind, in order (empty: a kind
    the vocabulary does not know, whose figures are shown as they are)."""
    kind = KINDS_BY_NAME.get(kind_name)
    if kind is None:
        return ()
    return (*kind.explained, *sorted(tested.intersection(kind).difference(kind.explained)))


def _ranks(values: Sequence[float]) -> list[int | None]:
    """1 for the largest value, 2 for the next, …; ties by position; None if missing."""
    present = [(i, v) for i, v in enumerate(values) if _finite(v)]
    order = sorted(present, key=lambda item: (-item[1], item[0]))
    ranks: list[int | None] = [None] * len(values)
    for rank, (index, _) in enumerate(order, start=1):
        ranks[index] = rank
    return ranks


def _finite(value: Any) -> bool:
    return (
        value is not None and isinstance(value, (int, float, np.floating)) and math.isfinite(value)
    )
