"""Norms: one organisation's figures against those of comparable organisations.

The store (:mod:`ism_advisor.store`) gives, per other organisation, its latest figures
as :class:`OrgFigures`; :func:`compute_norms` turns them into the client's percentile rank
and the interpolated quantiles per measure (the JSON document's ``norms``), and publishes
nothing from fewer than :data:`MIN_ORGANISATIONS` organisations (README: "Norms").

What may be read off the norms (README: "What the norms tell, and what they do not"):
every figure is a symmetric function of the other organisations' figures (who has which
is lost); each other organisation's figure enters rounded to :data:`COARSE_DECIMALS`
decimals (adoption: :data:`COARSE_ADOPTION_DECIMALS`), so that nothing finer about it can
be worked out, however much a reader knows of the rest; the quantiles are interpolated
(numpy's "linear") and published to :data:`QUANTILE_DECIMALS` decimals (adoption:
:data:`ADOPTION_DECIMALS`); no minimum or maximum is published: P10/P90 only from
:data:`MIN_DECILES` organisations, P25, the median and P75 from :data:`MIN_QUARTILES`, the
client's percentile rank from :data:`MIN_ORGANISATIONS`. ``tests/test_norms_inference.py``
tries to read a figure off.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

__all__ = [
    "ADOPTION_DECIMALS",
    "COARSE_ADOPTION_DECIMALS",
    "COARSE_DECIMALS",
    "MEASURES",
    "MIN_DECILES",
    "MIN_ORGANISATIONS",
    "MIN_QUARTILES",
    "QUANTILES",
    "QUANTILE_DECIMALS",
    "TOO_FEW",
    "OrgFigures",
    "compute_norms",
    "months_before",
    "percentile_rank",
]

#: The measures compared per factor: the non-users' mean, the users' mean and the gap
#: (oriented as everywhere: positive is how far non-users lag behind users).
MEASURES = ("non_users_mean", "users_mean", "gap")

#: Nothing is shown from fewer organisations than this (a measure: fewer with the figure).
MIN_ORGANISATIONS = 5
#: P25, the median and P75 only from this many organisations with the figure.
MIN_QUARTILES = 10
#: P10 and P90 only from this many organisations with the figure.
MIN_DECILES = 20
#: The published quantiles: key → (probability, organisations needed).
QUANTILES = {
    "p10": (0.10, MIN_DECILES),
    "p25": (0.25, MIN_QUARTILES),
    "median": (0.50, MIN_QUARTILES),
    "p75": (0.75, MIN_QUARTILES),
    "p90": (0.90, MIN_DECILES),
}
#: Decimals each other organisation's figure of a factor (scale points) is rounded to before
#: it enters the norms. Every published figure then depends on it only through its
#: rounded value: a reader who knows every other organisation's figure but one cannot
#: narrow that one below a rounding cell (0.1 scale points). Computed from the raw
#: figures, the quantiles and the percentile rank together pinned it to 0.01 or less
#: (tests/test_norms_inference.py).
COARSE_DECIMALS = 1
#: The same for adoption (a share: whole percents).
COARSE_ADOPTION_DECIMALS = 2
#: Decimals of the published quantiles of a factor's measures (scale points).
QUANTILE_DECIMALS = 2
#: Decimals of the published quantiles of adoption.
ADOPTION_DECIMALS = 3
#: ``reason`` when nothing is shown.
TOO_FEW = "too_few_organisations"

_MEASURE_KEYS = ("value", "n", "percentile", "p10", "p25", "median", "p75", "p90")


@dataclass(frozen=True)
class OrgFigures:
    """One organisation's figures for the norms: its adoption rate and, per factor id, the
    :data:`MEASURES` (None where its run did not publish the figure). ``key`` identifies
    the organisation within one computation only and is never published."""

    key: str
    adoption: float | None
    factors: Mapping[str, Mapping[str, float | None]] = field(default_factory=dict)

    def same_figures(self, other: OrgFigures) -> bool:
        """Whether ``other`` has exactly these figures (the keys aside): the same run stored
        under another label, or under none given.

        >>> a = OrgFigures("a", 0.4, {"reputation": {"gap": 0.31, "users_mean": None}})
        >>> a.same_figures(OrgFigures("b", 0.4, {"reputation": {"gap": 0.31, "users_mean": None}}))
        True
        >>> a.same_figures(OrgFigures("b", 0.4, {"reputation": {"gap": 0.32, "users_mean": None}}))
        False
        """
        return self.adoption == other.adoption and {
            f: dict(m) for f, m in self.factors.items()
        } == {f: dict(m) for f, m in other.factors.items()}


def months_before(day: str, months: int) -> str:
    """The ISO date ``months`` calendar months before ``day`` (an ISO date), the day of the
    month clamped to the month's last: 2026-03-31 less one month is 2026-02-28."""
    when = date.fromisoformat(day)
    year, month = divmod(when.year * 12 + when.month - 1 - months, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(when.day, last)).isoformat()


def percentile_rank(values: Sequence[float], value: float) -> int:
    """The percentile rank of ``value`` among ``values``: the share below plus half the
    ties, in percent (scipy's ``percentileofscore(kind="mean")``, which the tests compare
    with: importing scipy.stats for it would cost a --norms run about 0.6 s), rounded half
    up to an integer 0-100."""
    below = sum(1 for v in values if v < value)
    ties = sum(1 for v in values if v == value)
    return math.floor(100 * (2 * below + ties) / (2 * len(values)) + 0.5)


def compute_norms(
    client: OrgFigures,
    others: Sequence[OrgFigures],
    factors: Sequence[Any],
    *,
    window_months: int,
    since: str | None,
    until: str | None,
    codebook_version: str,
) -> dict[str, Any]:
    """The document's ``norms``: the client against ``others`` (each organisation once, the
    client not among them) per factor of ``factors`` (the codebook's, with ``id`` and
    ``direction``) and for adoption.

    Per measure, ``n`` counts the organisations with the figure, each rounded to
    :data:`COARSE_DECIMALS` (adoption: :data:`COARSE_ADOPTION_DECIMALS`); the client's
    percentile rank (of its own figure as it is) needs :data:`MIN_ORGANISATIONS` of them,
    the quartiles :data:`MIN_QUARTILES`, P10 and P90 :data:`MIN_DECILES`. Below
    :data:`MIN_ORGANISATIONS` organisations in all, ``shown`` is false and every measure's
    figures are null. ``since`` and ``until``, the
    window's ends (ISO dates; None: no entry in the store to date it by), and the rest
    are written as they are given.
    """
    keys = [o.key for o in others]
    if len(set(keys)) != len(keys):
        raise ValueError("an organisation appears twice among the norms' organisations")
    shown = len(others) >= MIN_ORGANISATIONS
    adoption = _measure(
        client.adoption,
        [o.adoption for o in others],
        COARSE_ADOPTION_DECIMALS,
        ADOPTION_DECIMALS,
        shown=shown,
    )
    rows = []
    for factor in factors:
        own = client.factors.get(factor.id, {})
        row: dict[str, Any] = {"factor": factor.id, "direction": factor.direction}
        for measure in MEASURES:
            figures = [o.factors.get(factor.id, {}).get(measure) for o in others]
            row[measure] = _measure(
                own.get(measure), figures, COARSE_DECIMALS, QUANTILE_DECIMALS, shown=shown
            )
        rows.append(row)
    return {
        "organisations": len(others),
        "min_organisations": MIN_ORGANISATIONS,
        "window_months": window_months,
        "since": since,
        "until": until,
        "codebook_version": codebook_version,
        "shown": shown,
        "reason": None if shown else TOO_FEW,
        "adoption": adoption,
        "factors": rows,
    }


def _measure(
    value: float | None,
    figures: Sequence[float | None],
    coarse: int,
    decimals: int,
    *,
    shown: bool,
) -> dict[str, Any]:
    """One measure's figures: the client's ``value``, ``n`` and its percentile rank among
    the organisations with a figure, and the quantiles their number allows (``decimals``);
    the organisations' figures enter rounded to ``coarse`` decimals, the client's as is."""
    out: dict[str, Any] = dict.fromkeys(_MEASURE_KEYS)
    if not shown:
        return out
    present = [round(float(v), coarse) for v in figures if _finite(v)]
    own = float(value) if _finite(value) else None  # type: ignore[arg-type]
    out["value"], out["n"] = own, len(present)
    if len(present) < MIN_ORGANISATIONS:
        return out
    if own is not None:
        out["percentile"] = percentile_rank(present, own)
    keys = [key for key, (_, needed) in QUANTILES.items() if len(present) >= needed]
    if keys:
        probabilities = [QUANTILES[key][0] for key in keys]
        quantiles = np.quantile(np.asarray(present, dtype=float), probabilities, method="linear")
        for key, quantile in zip(keys, quantiles.tolist(), strict=True):
            out[key] = round(quantile, decimals) + 0.0  # + 0.0: never -0.0
    return out


def _finite(value: Any) -> bool:
    return value is not None and isinstance(value, (int, float, np.number)) and math.isfinite(value)
