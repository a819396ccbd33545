"""The bootstrap of the relative weights (one-step, Poisson weights) and the contrast with an
added random variable (see :mod:`ism_advisor.stats.drivers`, *The bootstrap*)."""

from __future__ import annotations

import hashlib

import numpy as np
from scipy import special

from .blocks import Block, standardise
from .columns import N_STAR
from .logistic import newton, sigmoid
from .weights import r2_from_sums, relative_weights, sqrtm_eigh, sqrtm_near

# Rows per block when building the resamples' sums: bounds the memory of the weight
# matrices (RESAMPLES × _CHUNK_ROWS floats) whatever the size of a segment.
_CHUNK_ROWS = 8192


# Rows per block when summing a large segment's features (:func:`_feature_sums`).
_SUM_ROWS = 65_536


# Segments whose resamples' correlation matrices and weights are computed together: small
# enough for the arrays (this × RESAMPLES × factors² floats) to stay in the CPU's cache.
_SEGMENTS_PER_BATCH = 32


# Mixed into a segment's seed to draw its added random variable (:func:`noise_contrast`).
NOISE_STREAM = 0x6E6F6973


# Mixed into a segment's seed to draw its normal sums (:func:`_normal_sums`).
NORMAL_STREAM = 0x6E6F726D


# -- the bootstrap ---------------------------------------------------------------------------


def bootstrap(
    block, design, beta, hessian, prob, resamples, seed, confidence, roots, *, contrast=False
):
    """Percentile CIs of the relative weights of every segment of ``block``.

    Returns the lower and upper limits (segments × factors) and, per segment, the
    resamples behind them (those in which every factor varies). With ``contrast`` the
    last column of ``block`` is the added random variable and the limits are those of
    each other factor's weight minus its weight, resample by resample (segments ×
    (factors − 1)).
    """
    count, k = len(block.local), block.z.shape[1]
    upper = np.triu_indices(k)
    inverse = np.linalg.inv(hessian)
    width = k - 1 if contrast else k
    low = np.full((count, width), np.nan)
    high = np.full((count, width), np.nan)
    used = np.zeros(count, dtype=np.int64)
    quantiles = np.array([0.5 - confidence / 2, 0.5 + confidence / 2])
    for first in range(0, count, _SEGMENTS_PER_BATCH):
        batch = np.arange(first, min(count, first + _SEGMENTS_PER_BATCH))
        moments = np.empty((len(batch), resamples, 1 + k + len(upper[0])))
        slopes = np.empty((len(batch), resamples, k))
        r2 = np.empty((len(batch), resamples))
        for b, s in enumerate(batch):
            lo, hi = block.starts[s], block.starts[s + 1]
            draw = _resample if hi - lo < N_STAR else _normal_sums
            moments[b], slopes[b], r2[b] = draw(
                segment_seed(seed, block.x[lo:hi], block.y[lo:hi]),
                resamples,
                design[lo:hi],
                block.y[lo:hi],
                prob[lo:hi],
                beta[s],
                inverse[s],
                upper,
            )
        weights = _replicate_weights(moments, slopes, r2, roots[batch], upper)
        if contrast:
            weights = weights[..., :-1] - weights[..., -1:]
        ok = np.isfinite(weights).all(axis=2)
        used[batch] = ok.sum(axis=1)
        complete = used[batch] == resamples
        if complete.any():
            low[batch[complete]], high[batch[complete]] = np.quantile(
                weights[complete], quantiles, axis=1
            )
        for b in np.flatnonzero(~complete & (used[batch] > 0)):
            low[batch[b]], high[batch[b]] = np.quantile(weights[b][ok[b]], quantiles, axis=0)
    return low, high, used


def noise_contrast(block, resamples, seed, confidence, beta=None):
    """Each factor's weight against that of an added random variable, bootstrapped.

    Tonidandel, LeBreton & Johnson (2009): a standard normal variable, unrelated to
    use by construction, is added to every segment's model; the model with it is fitted
    and bootstrapped as the model itself (the same one-step resamples), and the
    percentile CI of, resample by resample, each factor's weight minus the random
    variable's is returned (segments × factors; NaN where the augmented model does not
    converge). The random variable is drawn from a seed of ``seed`` and the segment's
    own data, so it, and everything that follows, is the same for the same data. With
    ``beta`` (the model's coefficients, segments × (1 + factors)), the augmented model of
    a segment of :data:`N_STAR` or more complete cases starts from (β̂, 0) instead of zero:
    the random variable is unrelated to use, so one or two steps converge.
    """
    count = len(block.local)
    noise = np.empty(len(block.y))
    for i in range(count):
        lo, hi = block.starts[i], block.starts[i + 1]
        rng = np.random.default_rng(
            [*segment_seed(seed, block.x[lo:hi], block.y[lo:hi]), NOISE_STREAM]
        )
        noise[lo:hi] = rng.standard_normal(hi - lo)
    raw = np.column_stack([block.x, noise])
    del noise
    _, _, design, corr = standardise(raw, block.starts)
    augmented = Block(block.local, block.starts, raw, block.y, design, corr)
    start = None
    if beta is not None:
        start = np.zeros((count, beta.shape[1] + 1))
        large = block.sizes >= N_STAR
        start[large, :-1] = beta[large]
    fit = newton(design, block.y, block.starts, start)
    k = block.x.shape[1]
    low = np.full((count, k), np.nan)
    high = np.full((count, k), np.nan)
    ok = fit.converged
    if ok.any():
        kept = augmented.subset(ok)
        low[ok], high[ok], _ = bootstrap(
            kept,
            kept.design,
            fit.beta[ok],
            fit.hessian[ok],
            fit.p[np.repeat(ok, block.sizes)],
            resamples,
            seed,
            confidence,
            sqrtm_eigh(kept.corr),
            contrast=True,
        )
    return low, high


def _poisson_thresholds() -> np.ndarray:
    """16-bit thresholds: a uniform u ∈ [0, 2¹⁶) exceeds k of them with probability
    P(X = k), X ~ Poisson(1), to within 2⁻¹⁶ (counts above 8, p ≈ 10⁻⁶, are cut at 8)."""
    cdf = special.pdtr(np.arange(8), 1.0)  # = stats.poisson.cdf(k, 1)
    return np.round(cdf * 65536).astype(np.uint16)


_POISSON = _poisson_thresholds()


def resample_weights(seed, n: int, resamples: int):
    """Poisson(1) bootstrap weights in blocks of rows: (first row, resamples × rows).

    Every respondent's weight in every resample is an independent Poisson(1) count: the
    Poisson bootstrap (Hanley & MacGibbon 2006), which for segments of the sizes
    analysed here behaves as resampling n respondents with replacement,
    and needs neither the whole segment at once nor a count of drawn indices. Memory is
    bounded by :data:`_CHUNK_ROWS` rows; the same seed gives the same weights, so a second
    pass can draw them again.
    """
    rng = np.random.default_rng(seed)
    for lo in range(0, n, _CHUNK_ROWS):
        size = min(n - lo, _CHUNK_ROWS)
        uniform = np.frombuffer(rng.bytes(2 * resamples * size), dtype="<u2")
        counts = (uniform >= _POISSON[0]).view(np.uint8)
        for threshold in _POISSON[1:]:
            counts += uniform >= threshold
        yield lo, counts.reshape(resamples, size).astype(np.float32)


def _resample(seed, resamples, design, y, p, beta, inverse, upper):
    """One segment's resamples: weighted sums of 1, z and z_j·z_k, the coefficients (per
    the segment's SD) and R_O².

    Pass 1 sums, per resample, the weights, z, the products z_j·z_k, use, and each
    respondent's part of the one-step β* − β̂ = (n/Σw)·H⁻¹·Σ w(y − p̂)x̃. Pass 2 goes
    over the same weights again for the resamples' fitted probabilities, whose
    correlation with use is R_O². The row-level work is in single precision (rounding
    about 10⁻⁵ relative, far below the Monte Carlo error of the percentiles); the sums
    over blocks and everything after them are in double precision.
    """
    n, width = design.shape
    z = design[:, 1:]
    pairs = len(upper[0])
    # A segment of one block keeps its weights for pass 2; a larger one draws them again.
    kept = list(resample_weights(seed, n, resamples)) if n <= _CHUNK_ROWS else None
    sums = np.zeros((resamples, width + pairs + width + 1))
    for lo, weights in kept or resample_weights(seed, n, resamples):
        rows = slice(lo, lo + weights.shape[1])
        part = design[rows]
        features = np.hstack(
            [
                part,
                z[rows, upper[0]] * z[rows, upper[1]],
                ((y[rows] - p[rows])[:, None] * part) @ inverse,
                y[rows, None],
            ]
        ).astype(np.float32)
        sums += weights @ features
    total = sums[:, 0]
    with np.errstate(invalid="ignore", divide="ignore"):
        step = beta + sums[:, width + pairs : -1] * (n / total)[:, None]
    step[total == 0] = beta
    step32 = step.astype(np.float32)
    design32 = design.astype(np.float32)
    both = np.ones((n, 2), dtype=np.float32)
    both[:, 1] = y
    spread = np.zeros((resamples, 2))  # Σ w·p*, Σ w·p*·y
    square = np.zeros(resamples)  # Σ w·p*²
    for lo, weights in kept or resample_weights(seed, n, resamples):
        rows = slice(lo, lo + weights.shape[1])
        fitted = sigmoid(step32 @ design32[rows].T)
        weighted = weights * fitted
        spread += weighted @ both[rows]
        square += np.einsum("ij,ij->i", weighted, fitted)
    r2 = r2_from_sums(total, sums[:, -1], spread[:, 0], square, spread[:, 1])
    return sums[:, : width + pairs], step[:, 1:], r2


def _features(design, y, p, inverse, upper):
    """Per row: pass 1's columns (1 and z, the products z_j·z_k, the score part
    H⁻¹(y − p̂)x̃, y), then p̂, p̂² and p̂·y (pass 2's sums at β̂)."""
    z = design[:, 1:]
    return np.hstack(
        [
            design,
            z[:, upper[0]] * z[:, upper[1]],
            ((y - p)[:, None] * design) @ inverse,
            y[:, None],
            p[:, None],
            (p * p)[:, None],
            (p * y)[:, None],
        ]
    )


def _feature_sums(design, y, p, inverse, upper):
    """S = Σ :func:`_features` over all rows, and pass 2's slopes (3 × width: Σ p̂(1 − p̂)x̃,
    Σ p̂²(1 − p̂)x̃, Σ p̂(1 − p̂)yx̃), without building the rows × features array.

    Every column of the features is a product of the design's rows with a per-row
    factor, so its sum is a row of x̃'x̃ or of x̃'·(per-row factors): the design's sums and
    Σ z_j·z_k come from x̃'x̃ (x̃'s first column is 1), the score part from
    (x̃'(y − p̂))'H⁻¹, the rest from x̃'[y − p̂, p̂(1 − p̂), p̂²(1 − p̂), p̂(1 − p̂)y, y, p̂, p̂²,
    p̂y] — two matrix products per block of :data:`_SUM_ROWS` rows. The same sums as
    adding up the features, to float rounding (other order of the additions).
    """
    n, width = design.shape
    cross = np.zeros((width, width))
    other = np.zeros((width, 8))
    factors = np.empty((min(n, _SUM_ROWS), 8))
    for lo in range(0, n, _SUM_ROWS):
        rows = slice(lo, lo + _SUM_ROWS)
        part, fitted, use = design[rows], p[rows], y[rows]
        f = factors[: len(part)]
        np.subtract(use, fitted, out=f[:, 0])
        np.subtract(1.0, fitted, out=f[:, 1])
        f[:, 1] *= fitted
        np.multiply(f[:, 1], fitted, out=f[:, 2])
        np.multiply(f[:, 1], use, out=f[:, 3])
        f[:, 4] = use
        f[:, 5] = fitted
        np.multiply(fitted, fitted, out=f[:, 6])
        np.multiply(fitted, use, out=f[:, 7])
        cross += part.T @ part
        other += part.T @ f
    z = cross[1:, 1:]
    totals = np.concatenate([cross[0], z[upper], other[:, 0] @ inverse, other[0, 4:]])
    return totals, other[:, 1:4].T.copy()


def covariance_rows(rng, y, limit: int = N_STAR):
    """The rows that estimate the sums' covariance, and each one's weight (n_h/m_h).

    Every row when there are at most ``limit``; else ``limit`` rows without replacement,
    stratified by use (each group in proportion, or the smaller group whole when it has
    fewer than ``limit``/4 rows, so that a rare response is not left to chance).
    """
    n = len(y)
    if n <= limit:
        return np.arange(n), np.ones(n)
    groups = sorted((np.flatnonzero(y == 1.0), np.flatnonzero(y != 1.0)), key=len)
    small = len(groups[0])
    take = small if small < limit / 4 else round(limit * small / n)
    picked, scale = [], []
    for group, count in zip(groups, (take, limit - take), strict=True):
        if count:
            picked.append(np.sort(group[rng.choice(len(group), count, replace=False)]))
            scale.append(np.full(count, len(group) / count))
    return np.concatenate(picked), np.concatenate(scale)


def _normal_root(cov: np.ndarray) -> np.ndarray:
    """A square root L of a covariance matrix (L·Lᵀ = cov): Cholesky with a jitter of
    10⁻¹² of the mean variance, else from the eigenvalues clipped at 0."""
    jitter = 1e-12 * np.trace(cov) / len(cov)
    try:
        return np.linalg.cholesky(cov + jitter * np.eye(len(cov)))
    except np.linalg.LinAlgError:
        values, vectors = np.linalg.eigh(cov)
        return vectors * np.sqrt(np.clip(values, 0.0, None))


def _normal_sums(seed, resamples, design, y, p, beta, inverse, upper):
    """:func:`_resample` for a large segment: the resamples' sums drawn, no row weighted.

    A Poisson(1) weight has mean 1 and variance 1, so a resample's sums Σ wᵢfᵢ of pass 1's
    features have mean S = Σ fᵢ and covariance C = Σ fᵢfᵢᵀ; for n ≥ :data:`N_STAR` they
    are drawn from N(S, C), with C estimated on :func:`covariance_rows`. Pass 2 is
    linearised around β̂: with δ = β* − β̂, Σw p* ≈ Σw p̂ + (Σ p̂(1 − p̂)x̃)'δ,
    Σw p*² ≈ Σw p̂² + 2(Σ p̂²(1 − p̂)x̃)'δ and Σw p*y ≈ Σw p̂y + (Σ p̂(1 − p̂)yx̃)'δ, the
    three Σw p̂… drawn with pass 1's sums. Returns what :func:`_resample` returns. Cost:
    one pass over the rows, then O(N* · m²) and O(resamples · m²) for m features.
    """
    n, width = design.shape
    pairs = len(upper[0])
    rng = np.random.default_rng([*seed, NORMAL_STREAM])
    total_sums, slopes = _feature_sums(design, y, p, inverse, upper)
    picked, scale = covariance_rows(rng, y)
    features = _features(design[picked], y[picked], p[picked], inverse, upper)
    cov = (features * scale[:, None]).T @ features
    del features
    root = _normal_root(cov)
    sums = total_sums + rng.standard_normal((resamples, len(cov))) @ root.T
    total = sums[:, 0]
    score = slice(width + pairs, 2 * width + pairs)
    with np.errstate(invalid="ignore", divide="ignore"):
        step = beta + sums[:, score] * (n / total)[:, None]
    step[total == 0] = beta
    delta = step - beta
    sp = sums[:, -3] + delta @ slopes[0]
    spp = sums[:, -2] + 2.0 * (delta @ slopes[1])
    spy = sums[:, -1] + delta @ slopes[2]
    r2 = r2_from_sums(total, sums[:, 2 * width + pairs], sp, spp, spy)
    return sums[:, : width + pairs], step[:, 1:], r2


def _replicate_weights(moments, slopes, r2, roots, upper):
    """Relative weights of every resample of a batch of segments: (segments, resamples, k).

    ``moments``: the resamples' sums of the weights, of z and of z_j·z_k (``upper``
    pairs); ``slopes``: the coefficients per the segment's SD; ``roots``: each segment's
    Λ.
    """
    k = slopes.shape[-1]
    with np.errstate(invalid="ignore", divide="ignore"):
        scaled = moments[..., 1:] / moments[..., :1]
        mean = scaled[..., :k]
        pairs = scaled[..., k:] - mean[..., upper[0]] * mean[..., upper[1]]
        cov = np.empty((*slopes.shape, k))
        cov[..., upper[0], upper[1]] = pairs
        cov[..., upper[1], upper[0]] = pairs
        sd = np.sqrt(np.diagonal(cov, axis1=-2, axis2=-1))
        corr = cov / (sd[..., :, None] * sd[..., None, :])
        coef = slopes * sd  # per the resample's own SD
    return relative_weights(coef, sqrtm_near(corr, roots), r2)


def segment_seed(seed: int, x: np.ndarray, y: np.ndarray) -> list[int]:
    """A seed from ``seed`` and the segment's data: the same data, the same resamples."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(np.ascontiguousarray(x, dtype=float).tobytes())
    digest.update(np.ascontiguousarray(y, dtype=float).tobytes())
    return [int(seed), *(int(w) for w in np.frombuffer(digest.digest(), dtype="<u4"))]
