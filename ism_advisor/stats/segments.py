"""Segments: each respondent's segment in a segmentation (one column or a combination),
and which segment lies within which.

One numbering for the group comparison (:func:`segment_codes`, from a survey's segment
columns) and the comparison of waves (:func:`frame_segment_codes`, from any data frame), so
that the two results line up segment by segment: :func:`combine_codes` is their common core.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..survey import Survey

__all__ = ["combine_codes", "frame_segment_codes", "segment_codes", "segment_parents"]


def combine_codes(
    codes: Sequence[np.ndarray], categories: Sequence[pd.Index], n: int
) -> tuple[np.ndarray, list[tuple]]:
    """Each of ``n`` respondents' segment number (-1: a blank value) and the segments' values.

    ``codes`` holds, per column of the segmentation, each respondent's category code (-1:
    blank) and ``categories`` that column's categories; no columns: one segment of all.
    Segments are numbered in the order of their codes (the categories' order, first column
    first) and labelled with the category values as text.
    """
    if not codes:
        return np.zeros(n, dtype=np.int64), [()]
    combined = np.zeros(n, dtype=np.int64)
    valid = np.ones(n, dtype=bool)
    for column, cats in zip(codes, categories, strict=True):
        valid &= column >= 0
        combined = combined * (len(cats) + 1) + column
    present, inverse = np.unique(combined[valid], return_inverse=True)
    out = np.full(n, -1, dtype=np.int64)
    out[valid] = inverse
    labels = []
    for key in present.tolist():
        parts = []
        for cats in reversed(categories):
            key, code = divmod(key, len(cats) + 1)
            parts.append(str(cats[code]))
        labels.append(tuple(reversed(parts)))
    return out, labels


def segment_codes(survey: Survey, spec: tuple[str, ...]) -> tuple[np.ndarray, list[tuple]]:
    """Each respondent's segment number in ``spec`` (-1: a blank value) and the values."""
    columns = [survey.segments[column].cat for column in spec]
    return combine_codes(
        [values.codes.to_numpy().astype(np.int64) for values in columns],
        [values.categories for values in columns],
        survey.respondents,
    )


def frame_segment_codes(
    data: pd.DataFrame, spec: tuple[str, ...]
) -> tuple[np.ndarray, list[tuple]]:
    """Each row's segment number in ``spec`` (-1: a blank value) and the segments' values.

    Numbered and labelled as :func:`segment_codes` does, in the order of each column's
    categories (sorted values when it is not categorical), so that the comparison of waves
    and :func:`ism_advisor.stats.compare.compare_groups` line up segment by segment.
    """
    columns = [pd.Categorical(data[column]) for column in spec]
    return combine_codes(
        [values.codes.astype(np.int64) for values in columns],
        [values.categories for values in columns],
        len(data),
    )


def segment_parents(codes: Sequence[np.ndarray], count: int) -> list[int | None]:
    """Each segment's parent: the row of the segment it lies within, found from the data.

    ``codes`` holds, per segmentation, each respondent's segment row (-1: a blank value);
    ``count`` is the number of segment rows (all respondents first, row 0). Segmentation
    B *nests* in segmentation A when every segment of B lies within one segment of A
    (every department belongs to one organisation) and A is coarser (fewer segments; two
    segmentations that split the respondents alike nest in neither). A combination
    ``organisation+department`` always nests in ``organisation``; ``department`` nests in
    ``organisation`` only when no department name occurs under two organisations (then the
    path ``organisation/department`` makes them two segments). A segment's parent is a
    segment of the finest segmentation it nests in; the top of a hierarchy, and every
    segment of a segmentation that nests in none, has all respondents (row 0) as its
    parent. Row 0 has none.

    Examples
    --------
    >>> organisation = np.array([1, 1, 2, 2])
    >>> department = np.array([3, 4, 5, 5])
    >>> segment_parents([organisation, department], 6)
    [None, 0, 0, 1, 1, 2]
    >>> shared = np.array([3, 4, 3, 4])  # the same names under both organisations
    >>> segment_parents([organisation, shared], 5)
    [None, 0, 0, 0, 0]
    """
    parents: list[int | None] = [None] + [0] * (count - 1)
    sizes = [len(np.unique(c[c >= 0])) for c in codes]
    # a segmentation's single parent within each candidate coarser segmentation
    for b, child in enumerate(codes):
        shown = child >= 0
        best: tuple[int, dict[int, int]] | None = None
        for a, parent in enumerate(codes):
            if a == b or sizes[a] >= sizes[b]:
                continue
            # the distinct (segment, parent) pairs, as one number each
            pairs = np.unique(child[shown] * (count + 1) + parent[shown] + 1)
            segment, parent_row = np.divmod(pairs, count + 1)
            parent_row -= 1
            if (parent_row < 0).any() or len(np.unique(segment)) != len(pairs):
                continue  # a segment spans two parents, or respondents without one
            if best is None or sizes[a] > best[0]:
                best = (sizes[a], dict(zip(segment.tolist(), parent_row.tolist(), strict=True)))
        if best is not None:
            for segment, parent_row in best[1].items():
                parents[segment] = parent_row
    return parents
