"""Norms: one organisation's figures against those of comparable organisations.

The store (:mod:`ism_advisor.store`) gives, per other organisation, its latest figures
as :class:`OrgFigures`; this module turns them into the client's percentile rank and
the interpolated quantiles per measure, and publishes nothing from fewer than
:data:`MIN_ORGANISATIONS` organisations (README: "Norms").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["MEASURES", "OrgFigures"]

#: The measures compared per factor: the non-users' mean, the users' mean and the gap
#: (oriented as everywhere: positive is how far non-users lag behind users).
MEASURES = ("non_users_mean", "users_mean", "gap")


@dataclass(frozen=True)
class OrgFigures:
    """One organisation's figures for the norms: its adoption rate and, per factor id, the
    :data:`MEASURES` (None where its run did not publish the figure). ``key`` identifies
    the organisation within one computation only and is never published."""

    key: str
    adoption: float | None
    factors: Mapping[str, Mapping[str, float | None]] = field(default_factory=dict)
