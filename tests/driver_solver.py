"""A reader who solves the published correlations for one respondent's answers (issue 24).

Written apart from ``ism_advisor`` to judge it. The attack: the correlation matrix of a set
``T`` of respondents and a driver model's correlations of ``T`` without one respondent
``j`` (the model's complete cases, when ``j`` skipped a factor). Adding one person with
deviation ``d`` from ``T``'s means to the other n − 1 changes the matrix of centred
cross-products by a rank-one term,

    Q_T = Q_{T−j} + n/(n − 1) · d dᵀ,

and ``T``'s matrix follows from the published correlations and each factor's mean and SD
over ``T`` (its comparison's users and non-users together). The model's correlations are
then equations in ``d`` alone — as many as there are pairs of factors ``j`` answered, for
one unknown per factor. They fix ``d`` up to its sign; the answers ``j`` can have (means
of a factor's items, so multiples of a twelfth on a 1–5 scale) usually rule one of the two
out. :func:`solve` tries it from the JSON and says what it finds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import least_squares

#: A factor score is the mean of 1 to 4 answered items: a multiple of 1/12 on the scale.
GRID = 12


@dataclass(frozen=True)
class Moments:
    """Each factor's respondents, mean and SD over a set, from a segment's comparisons."""

    n: np.ndarray
    mean: np.ndarray
    sd: np.ndarray


def moments(segment: dict, factors: list[str]) -> Moments:
    """The factors' n, mean and SD over everyone in ``segment`` who answered them, from
    the published users' and non-users' figures."""
    n, mean, sd = [], [], []
    by_factor = {c["factor"]: c for c in segment["comparisons"]}
    for factor in factors:
        c = by_factor[factor]
        nu, nn = c["users_n"], c["non_users_n"]
        mu, mn = c["users_mean"], c["non_users_mean"]
        su, sn = c["users_sd"], c["non_users_sd"]
        total = nu + nn
        m = (nu * mu + nn * mn) / total
        squares = (nu - 1) * su**2 + nu * mu**2 + (nn - 1) * sn**2 + nn * mn**2
        n.append(total)
        mean.append(m)
        sd.append(np.sqrt((squares - total * m**2) / (total - 1)))
    return Moments(np.array(n, float), np.array(mean), np.array(sd))


def tolerance(value: float) -> float:
    """Half a unit in the last published digit of ``value`` (its significant digits read
    off its shortest representation), at least 1e-12."""
    text = repr(float(value)).lower()
    mantissa, _, exponent = text.partition("e")
    digits = mantissa.lstrip("-").replace(".", "").lstrip("0") or "0"
    decimals = len(mantissa.partition(".")[2]) if "." in mantissa else 0
    step = 10.0 ** (-decimals + (int(exponent) if exponent else 0))
    if len(digits) > 15:  # full precision: rounding of the computation only
        step = 1e-12 * max(abs(value), 1.0)
    return max(step / 2, 1e-12)


@dataclass(frozen=True)
class Result:
    """What the solver found: the answer vectors on the grid that fit every published
    correlation within its rounding (both signs of ``d`` tried), and the best fit."""

    candidates: list[tuple[float, ...]]
    deviation: np.ndarray  # |d| of the best fit (0: the two sets do not differ)

    @property
    def recovered(self) -> tuple[float, ...] | None:
        """The respondent's answers, when exactly one candidate is left."""
        return self.candidates[0] if len(self.candidates) == 1 else None


def solve(
    document: dict, factors: list[str], *, segment: int = 0, scale=(1.0, 5.0), seed: int = 0
) -> Result:
    """Solve the correlations of all respondents (``document["correlations"]``, or the
    whole segment's when a per-segment matrix is given) against the driver model's
    ``factor_correlations`` of ``segment`` for the answers to ``factors`` of one
    respondent in the segment but not in the model.

    The reader knows who skipped (``factors`` are those the respondent answered) and uses
    only published figures: the comparisons' means and SDs, the two sets of correlations.
    """
    entry = document["segments"][segment]
    k = len(factors)
    stats = moments(entry, factors)
    n = stats.n[0]
    if not np.all(stats.n == n):
        raise ValueError("the factors' comparisons cover different respondents")
    top = document["correlations"]
    r1 = np.array([[top[a][b] for b in factors] for a in factors], dtype=float)
    q1 = (n - 1) * r1 * np.outer(stats.sd, stats.sd)
    pairs = {(c["factor_a"], c["factor_b"]): c["r"] for c in entry["factor_correlations"]}
    a_idx, b_idx, published, tol = [], [], [], []
    for i in range(k):
        for j in range(i + 1, k):
            r = pairs.get((factors[i], factors[j]), pairs.get((factors[j], factors[i])))
            if r is None:
                continue
            a_idx.append(i)
            b_idx.append(j)
            published.append(r)
            tol.append(tolerance(r))
    if not published:
        return Result([], np.zeros(k))
    a_idx, b_idx = np.array(a_idx), np.array(b_idx)
    published, tol = np.array(published), np.array(tol)

    def predicted(u: np.ndarray) -> np.ndarray:
        q2 = q1 - np.outer(u, u)
        diag = np.diag(q2)
        with np.errstate(invalid="ignore", divide="ignore"):
            return q2[a_idx, b_idx] / np.sqrt(diag[a_idx] * diag[b_idx])

    def residual(u: np.ndarray) -> np.ndarray:
        out = (predicted(u) - published) / tol
        return np.where(np.isfinite(out), out, 1e6)

    rng = np.random.default_rng(seed)
    scale_u = np.sqrt(n / (n - 1)) * stats.sd
    fits = []
    for start in range(60):
        u0 = rng.normal(size=k) * scale_u * (1.0 + start % 3)
        fit = least_squares(residual, u0, method="lm", xtol=1e-15, ftol=1e-15, gtol=1e-15)
        if np.all(np.abs(residual(fit.x)) <= 1.0):
            fits.append(fit.x)
    if not fits:
        return Result([], np.zeros(k))
    best = min(fits, key=lambda u: float(np.sum(residual(u) ** 2)))
    candidates = set()
    for u in fits:
        d = u * np.sqrt((n - 1) / n)
        for sign in (1.0, -1.0):
            x = stats.mean + sign * d
            snapped = np.round(x * GRID) / GRID
            # on the answer grid within what the published digits allow
            slack = np.maximum(2e-3, 5 * np.abs(d) * np.max(tol / np.abs(published)))
            if (
                np.all(np.abs(x - snapped) <= slack)
                and np.all(snapped >= scale[0])
                and np.all(snapped <= scale[1])
            ):
                candidates.add(tuple(float(v) for v in snapped))
    return Result(sorted(candidates), np.abs(best) * np.sqrt((n - 1) / n))
