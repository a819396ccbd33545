"""Logistic regression of use on the factors, every segment of a block at once (Newton–Raphson
with step halving), and the check for separation."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import numpy as np

from .blocks import segment_starts
from .columns import MAX_ITERATIONS, TOLERANCE

# Newton–Raphson: at most this many halvings of a step that lowers the log-likelihood.
_HALVINGS = 40


# Rows per block of a warm-started (large) segment's Hessian sums.
_BLOCK_ROWS = 65_536


# -- logistic regression ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Fit:
    beta: np.ndarray  # segments × (1 + factors): intercept first
    hessian: np.ndarray  # the information matrix at beta
    loglik: np.ndarray
    converged: np.ndarray
    iterations: np.ndarray
    p: np.ndarray  # fitted probability per row


def sigmoid(eta: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        out = np.exp(-eta)
    out += 1.0
    return np.reciprocal(out, out=out)


def newton(
    design: np.ndarray, y: np.ndarray, starts: np.ndarray, start: np.ndarray | None = None
) -> _Fit:
    """Logistic regression of ``y`` on ``design`` in every segment at once.

    Newton–Raphson from zero, or from ``start``'s rows where ``start`` (segments ×
    width) is given and its row is not all zero; such a segment (a large one) also sums
    its Hessian and score over blocks of :data:`_BLOCK_ROWS` rows, so that no rows ×
    width array is built for it (a segment started from zero is computed exactly as
    without ``start``). A step that would lower the log-likelihood
    is halved (the log-likelihood is concave, so a short enough step always raises it); a segment
    stops when no coefficient would move by more than :data:`TOLERANCE` × (1 + the
    largest), or after :data:`MAX_ITERATIONS` steps. Elementwise work is done for the
    rows of all active segments at once; each segment's Hessian, score and linear
    predictor come from a matrix product on its own rows, so a segment's figures do not
    depend on the other segments.
    """
    count, width = len(starts) - 1, design.shape[1]
    sizes = np.diff(starts)
    beta = np.zeros((count, width))
    eta = np.zeros(len(y))
    loglik = -sizes * np.log(2.0)
    started = np.zeros(count, dtype=bool)
    if start is not None:
        started = np.any(start != 0.0, axis=1)
        for s in np.flatnonzero(started):
            lo, hi = starts[s], starts[s + 1]
            beta[s] = start[s]
            eta[lo:hi] = design[lo:hi] @ beta[s]
            loglik[s] = np.sum(y[lo:hi] * eta[lo:hi] - np.logaddexp(0.0, eta[lo:hi]))
    converged = np.zeros(count, dtype=bool)
    iterations = np.zeros(count, dtype=np.int64)
    hessian = np.zeros((count, width, width))
    active = np.arange(count)
    while active.size:
        if started[active].any():
            products = _blocked_products(design, y, eta, starts, active, started)
        else:
            rows = _rows_of(active, starts)
            part = design[rows]
            p = sigmoid(eta[rows])
            weighted = np.empty((len(p), width + 1))
            np.multiply(part, (p * (1.0 - p))[:, None], out=weighted[:, :width])
            np.subtract(y[rows], p, out=weighted[:, width])
            local = segment_starts(sizes[active])
            products = np.empty((len(active), width, width + 1))
            for a in range(len(active)):
                lo, hi = local[a], local[a + 1]
                products[a] = part[lo:hi].T @ weighted[lo:hi]
            del part, p, weighted
        hessian[active] = products[:, :, :width]
        with np.errstate(invalid="ignore", divide="ignore"):
            step = _solve_stack(products[:, :, :width], products[:, :, width])
        finite = np.isfinite(step).all(axis=1)
        largest = np.abs(np.where(finite[:, None], step, 0.0)).max(axis=1)
        done = finite & (largest <= TOLERANCE * (1.0 + np.abs(beta[active]).max(axis=1)))
        converged[active[done]] = True
        going = finite & ~done & (iterations[active] < MAX_ITERATIONS)
        active, step = active[going], step[going]
        iterations[active] += 1
        _line_search(design, y, starts, active, step, beta, eta, loglik)
    return _Fit(beta, hessian, loglik, converged, iterations, sigmoid(eta))


def _weighted(part, p, y):
    """[x̃·p(1 − p), y − p] of some rows: their Hessian and score are part' @ this."""
    weighted = np.empty((len(p), part.shape[1] + 1))
    np.multiply(part, (p * (1.0 - p))[:, None], out=weighted[:, :-1])
    np.subtract(y, p, out=weighted[:, -1])
    return weighted


def _blocked_products(design, y, eta, starts, active, started):
    """:func:`newton`'s x̃'[x̃·p(1 − p), y − p] of each active segment, one segment at a
    time: a started segment summed over blocks of :data:`_BLOCK_ROWS` rows, the others
    over all their rows at once (the same bits as :func:`newton`'s own loop)."""
    width = design.shape[1]
    products = np.empty((len(active), width, width + 1))
    for a, s in enumerate(active):
        lo, hi = starts[s], starts[s + 1]
        step = _BLOCK_ROWS if started[s] else hi - lo
        products[a] = 0.0
        for first in range(lo, hi, max(step, 1)):
            last = min(hi, first + step)
            part = design[first:last]
            products[a] += part.T @ _weighted(part, sigmoid(eta[first:last]), y[first:last])
    return products


def _line_search(design, y, starts, active, step, beta, eta, loglik) -> None:
    """Move ``beta``, ``eta`` and ``loglik`` of ``active`` along ``step``, halving it
    where the full step would lower the log-likelihood."""
    sizes = np.diff(starts)
    scale = np.ones(len(active))
    pending = np.arange(len(active))
    for _ in range(_HALVINGS):
        if not pending.size:
            return
        segments = active[pending]
        trial = beta[segments] + scale[pending, None] * step[pending]
        rows = _rows_of(segments, starts)
        local = segment_starts(sizes[segments])
        trial_eta = np.empty(local[-1])
        for a, s in enumerate(segments):
            trial_eta[local[a] : local[a + 1]] = design[starts[s] : starts[s + 1]] @ trial[a]
        terms = y[rows] * trial_eta - np.logaddexp(0.0, trial_eta)
        segment_of_row = np.repeat(np.arange(len(segments)), sizes[segments])
        trial_ll = np.bincount(segment_of_row, weights=terms, minlength=len(segments))
        old = loglik[segments]
        better = trial_ll >= old - 1e-12 * np.abs(old)
        accepted = segments[better]
        beta[accepted] = trial[better]
        loglik[accepted] = trial_ll[better]
        take = np.repeat(better, sizes[segments])
        if isinstance(rows, slice):
            eta[take] = trial_eta[take]
        else:
            eta[rows[take]] = trial_eta[take]
        pending = pending[~better]
        scale[pending] /= 2.0


def _rows_of(segments: np.ndarray, starts: np.ndarray):
    """The rows of ``segments`` (ascending): a slice when they are all the segments."""
    if len(segments) == len(starts) - 1:
        return slice(None)
    lengths = starts[segments + 1] - starts[segments]
    shift = starts[segments] - segment_starts(lengths)[:-1]
    return np.arange(int(lengths.sum())) + np.repeat(shift, lengths)


def separation(design: np.ndarray, y: np.ndarray) -> str | None:
    """``"complete"``, ``"quasi_complete"`` or None: is use (quasi-)perfectly predicted?

    The linear-programming check of Konis (2007), as in R's ``detectseparation``: with
    s = 2y − 1, the data are separated when some coefficient vector b ≠ 0 has
    s_i·x̃_i'b ≥ 0 for every respondent (the likelihood then keeps rising along b), and
    completely separated when some b makes every s_i·x̃_i'b > 0.
    """
    # Imported here: only segments that do not converge need it (0.1 s of start-up).
    from scipy import optimize

    signed = design * (2.0 * y - 1.0)[:, None]
    n, width = signed.shape
    bounds = [(-1.0, 1.0)] * width
    # maximise Σ s_i x̃_i'b subject to s_i x̃_i'b ≥ 0
    quasi = optimize.linprog(
        -signed.sum(axis=0), A_ub=-signed, b_ub=np.zeros(n), bounds=bounds, method="highs"
    )
    if quasi.status != 0 or -quasi.fun <= 1e-7 * n:
        return None
    # maximise t subject to s_i x̃_i'b ≥ t
    objective = np.zeros(width + 1)
    objective[-1] = -1.0
    complete = optimize.linprog(
        objective,
        A_ub=np.hstack([-signed, np.ones((n, 1))]),
        b_ub=np.zeros(n),
        bounds=[*bounds, (None, 1.0)],
        method="highs",
    )
    if complete.status == 0 and -complete.fun > 1e-7:
        return "complete"
    return "quasi_complete"


def _solve_stack(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Solve a stack of systems a·x = b; NaN for the singular ones."""
    try:
        return np.linalg.solve(a, b[..., None])[..., 0]
    except np.linalg.LinAlgError:
        out = np.full(b.shape, np.nan)
        for i in range(len(a)):
            with contextlib.suppress(np.linalg.LinAlgError):
                out[i] = np.linalg.solve(a[i], b[i])
        return out
