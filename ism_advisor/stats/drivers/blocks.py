"""Segments analysed together: their rows as one block (:class:`Block`), standardised per
segment (:func:`standardise`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def segment_starts(sizes: np.ndarray) -> np.ndarray:
    return np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)


@dataclass(frozen=True)
class Block:
    """Complete cases of some segments, rows grouped by segment (original order within)."""

    local: np.ndarray  # each segment's code in its segmentation
    starts: np.ndarray  # row offsets, len(local) + 1
    x: np.ndarray  # raw scores, rows × factors
    y: np.ndarray  # use, 0/1
    design: np.ndarray  # 1, then the scores standardised within the segment (SD: n − 1)
    corr: np.ndarray  # segments × factors × factors

    @property
    def z(self) -> np.ndarray:
        return self.design[:, 1:]

    @property
    def sizes(self) -> np.ndarray:
        return np.diff(self.starts)

    @property
    def row_segment(self) -> np.ndarray:
        return np.repeat(np.arange(len(self.local)), self.sizes)

    def subset(self, keep: np.ndarray) -> Block:
        if keep.all():
            return self
        rows = np.repeat(keep, self.sizes)
        return Block(
            self.local[keep],
            segment_starts(self.sizes[keep]),
            self.x[rows],
            self.y[rows],
            self.design[rows],
            self.corr[keep],
        )


def standardise(values: np.ndarray, starts: np.ndarray, *, design: bool = True):
    """Per segment: mean, SD (n − 1), the design matrix and the correlation matrix.

    The design matrix is a column of ones and the values standardised within their
    segment (None when ``design`` is False). Sums run over each segment's own rows (a
    bincount, a matrix product per segment), so a segment's figures do not depend on the
    others. A column without variance gives SD 0 and NaN correlations.
    """
    count, k = len(starts) - 1, values.shape[1]
    sizes = np.diff(starts)
    seg = np.repeat(np.arange(count), sizes)
    mean = (
        np.column_stack(
            [np.bincount(seg, weights=values[:, j], minlength=count) for j in range(k)]
        ).reshape(count, k)
        / sizes[:, None]
    )
    # Segment by segment, so that no rows × factors array of means or SDs is built
    # (the same elementwise operations, so the same bits, with less memory).
    dev = np.empty_like(values, dtype=float)
    cross = np.empty((count, k, k))
    for i in range(count):
        lo, hi = starts[i], starts[i + 1]
        np.subtract(values[lo:hi], mean[i], out=dev[lo:hi])
        part = dev[lo:hi]
        cross[i] = part.T @ part
    square = np.diagonal(cross, axis1=1, axis2=2)
    with np.errstate(invalid="ignore", divide="ignore"):
        sd = np.sqrt(square / (sizes[:, None] - 1))
        if design:
            matrix = np.empty((len(values), k + 1))
            matrix[:, 0] = 1.0
            for i in range(count):
                lo, hi = starts[i], starts[i + 1]
                np.divide(dev[lo:hi], sd[i], out=matrix[lo:hi, 1:])
        del dev
        root = np.sqrt(square)
        corr = cross / (root[:, :, None] * root[:, None, :])
    diagonal = np.arange(k)
    corr[:, diagonal, diagonal] = np.where(sd > 0, 1.0, np.nan)
    return mean, sd, (matrix if design else None), corr
