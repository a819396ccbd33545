"""Relative weights (Tonidandel & LeBreton's logistic relative weight analysis) and the
square roots of correlation matrices they need."""

from __future__ import annotations

import numpy as np

# The square root of a resample's correlation matrix: at most this many chord steps, and
# the largest error of its square that stands (far below the bootstrap's Monte Carlo
# error); beyond it, an eigendecomposition.
_SQRT_STEPS = 30


_SQRT_TOLERANCE = 1e-5


# -- relative weights ------------------------------------------------------------------------


def r2_observed(p: np.ndarray, y: np.ndarray, seg: np.ndarray, count: int) -> np.ndarray:
    """R_O²: the squared correlation of use and the fitted probabilities, per segment."""
    n = np.bincount(seg, minlength=count).astype(float)
    sp = np.bincount(seg, weights=p, minlength=count)
    sy = np.bincount(seg, weights=y, minlength=count)
    spp = np.bincount(seg, weights=p * p, minlength=count)
    spy = np.bincount(seg, weights=p * y, minlength=count)
    return r2_from_sums(n, sy, sp, spp, spy)


def r2_from_sums(n, sy, sp, spp, spy):
    with np.errstate(invalid="ignore", divide="ignore"):
        return (n * spy - sp * sy) ** 2 / ((n * spp - sp * sp) * (n * sy - sy * sy))


def relative_weights(coef: np.ndarray, roots: np.ndarray, r2: np.ndarray) -> np.ndarray:
    """Johnson's relative weights for logistic regression, for a stack of models.

    ``coef``: (..., k) coefficients per SD of the factors; ``roots``: (..., k, k) the
    symmetric square roots Λ of the factors' correlation matrices; ``r2``: (...) R_O².
    """
    b = (roots @ coef[..., None])[..., 0]  # the coefficients on the orthogonal Z
    square = b * b
    with np.errstate(invalid="ignore", divide="ignore"):
        beta2 = square * (r2 / square.sum(axis=-1))[..., None]  # b'b = SD(logit ŷ)²
    return ((roots * roots) @ beta2[..., None])[..., 0]


def sqrtm_eigh(matrices: np.ndarray) -> np.ndarray:
    """Symmetric square roots of symmetric positive definite matrices."""
    values, vectors = np.linalg.eigh(matrices)
    root = np.sqrt(np.clip(values, 0.0, None))
    return (vectors * root[..., None, :]) @ np.swapaxes(vectors, -1, -2)


def sqrtm_near(matrices: np.ndarray, roots: np.ndarray) -> np.ndarray:
    """Square roots of resamples' correlation matrices, near their segment's.

    ``matrices``: (segments, resamples, k, k); ``roots``: (segments, k, k), each
    segment's Λ = R^½. A resample's R* differs from R by O(1/√n), so its root is found by
    the chord (simplified Newton) method for X² = R*: in the eigenbasis of R, where Λ is
    the diagonal D, each step solves D·E + E·D = R* − X² — a division by d_i + d_j — and
    adds E to X. In single precision this costs a quarter of an eigendecomposition per
    matrix. Steps stop when every X² matches its R* within :data:`_SQRT_TOLERANCE` (an
    error far below the bootstrap's Monte Carlo error); a matrix that does not by
    :data:`_SQRT_STEPS` steps (one far from R) gets an eigendecomposition instead.
    Non-finite matrices give NaN.
    """
    k = matrices.shape[-1]
    values, vectors = np.linalg.eigh(roots)
    basis = vectors[:, None]
    finite = np.isfinite(matrices).all(axis=(2, 3))
    diagonal = np.arange(k)
    start = np.zeros(matrices.shape, dtype=np.float32)
    start[..., diagonal, diagonal] = values[:, None, :]
    with np.errstate(invalid="ignore", over="ignore"):
        target = (np.swapaxes(basis, -1, -2) @ matrices @ basis).astype(np.float32)
        target[~finite] = start[~finite] @ start[~finite]  # converged from the start
        denominator = (values[:, None, :, None] + values[:, None, None, :]).astype(np.float32)
        x = start
        for _ in range(_SQRT_STEPS):
            residual = target - x @ x
            # a matrix stops at its own convergence, whatever the others in the batch do
            going = ~(np.abs(residual).max(axis=(2, 3)) <= _SQRT_TOLERANCE)
            if not going.any():
                break
            x += np.where(going[..., None, None], residual / denominator, 0.0)
        converged = np.abs(target - x @ x).max(axis=(2, 3)) <= _SQRT_TOLERANCE
    out = basis @ x.astype(float) @ np.swapaxes(basis, -1, -2)
    out[~finite] = np.nan
    redo = finite & ~converged
    if redo.any():
        out[redo] = sqrtm_eigh(matrices[redo])
    return out
