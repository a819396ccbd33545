"""Anonymity: which segments and comparisons must not be shown.

A group of users or of non-users smaller than ``min_group_size`` is never shown
(primary suppression). Because a shown total minus the shown parts reveals what is left,
the parts hidden within one total must never be a single group, nor together a group
smaller than ``min_group_size`` (complementary suppression): the next-smallest part is
hidden too until that holds. Totals are the overall figures and every requested segment
that another requested segment subdivides (department within organisation); the
respondents with a blank segment value are a hidden part of every total. Parts of a
hidden segment are hidden as well.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["Cells", "suppress"]


@dataclass(frozen=True)
class Cells:
    """The published cells of one measure (segment counts, or one factor's counts).

    ``spec[i]`` is the tuple of segment columns of cell ``i`` (``()`` for all
    respondents, always cell 0); ``values[i]`` maps each of those columns to the cell's
    value. ``users`` and ``non_users`` count the respondents the cell's figures rest on.
    """

    spec: Sequence[tuple[str, ...]]
    values: Sequence[dict[str, str]]
    users: np.ndarray
    non_users: np.ndarray


def suppress(cells: Cells, min_group_size: int, forced: np.ndarray | None = None) -> np.ndarray:
    """The cells to hide, as a boolean array.

    ``forced`` marks cells hidden for another reason (e.g. their whole segment is).
    Cell 0 (all respondents) is hidden only if it is itself too small.
    """
    k = min_group_size
    users = np.asarray(cells.users, dtype=np.int64)
    non_users = np.asarray(cells.non_users, dtype=np.int64)
    hidden = (users < k) | (non_users < k)
    if forced is not None:
        hidden |= forced
    partitions = _partitions(cells)
    changed = True
    while changed:
        changed = False
        for parent, children in partitions:
            if hidden[parent]:
                changed |= _hide_all(children, hidden)
            else:
                changed |= _protect(parent, children, users, non_users, hidden, k)
    return hidden


def _hide_all(children: np.ndarray, hidden: np.ndarray) -> bool:
    """Hide every part of a hidden total (they would add up to it)."""
    if hidden[children].all():
        return False
    hidden[children] = True
    return True


def _protect(
    parent: int,
    children: np.ndarray,
    users: np.ndarray,
    non_users: np.ndarray,
    hidden: np.ndarray,
    k: int,
) -> bool:
    """Hide more children of a shown total until its hidden remainder is safe."""
    rest_users = users[parent] - users[children].sum()
    rest_non_users = non_users[parent] - non_users[children].sum()
    rest = rest_users + rest_non_users > 0
    changed = False
    while True:
        secret = children[hidden[children] & (users[children] + non_users[children] > 0)]
        rest_small = rest and (rest_users < k or rest_non_users < k)
        if len(secret) == 0 and not rest_small:
            return changed
        parts = len(secret) + int(rest)
        union_users = users[secret].sum() + rest_users
        union_non_users = non_users[secret].sum() + rest_non_users
        if parts >= 2 and union_users >= k and union_non_users >= k:
            return changed
        shown = children[~hidden[children]]
        if len(shown) == 0:
            if parts < 2 and parent != 0 and not hidden[parent]:
                hidden[parent] = True  # its only part is itself: hide both
                changed = True
            return changed
        # the next-smallest shown part: fewest in its smaller group, then fewest in all
        size = np.minimum(users[shown], non_users[shown]) * (1 << 32) + (
            users[shown] + non_users[shown]
        )
        hidden[shown[np.argmin(size)]] = True
        changed = True


def _partitions(cells: Cells) -> list[tuple[int, np.ndarray]]:
    """(total, its parts) for every total another requested segment subdivides.

    The finest totals come first: hiding a second part where it is needed most often
    protects the coarser totals as well, so fewer cells are hidden.
    """
    by_spec: dict[tuple[str, ...], list[int]] = {}
    for index, spec in enumerate(cells.spec):
        by_spec.setdefault(spec, []).append(index)
    partitions: list[tuple[int, int, np.ndarray]] = []
    for spec, members in by_spec.items():
        if not spec:
            continue
        for parent_spec, parents in by_spec.items():
            if not set(parent_spec) < set(spec):
                continue
            lookup = {tuple(cells.values[p][c] for c in parent_spec): p for p in parents}
            groups: dict[int, list[int]] = {}
            for member in members:
                key = tuple(cells.values[member][c] for c in parent_spec)
                groups.setdefault(lookup[key], []).append(member)
            for parent in sorted(groups):
                children = np.array(groups[parent], dtype=np.int64)
                partitions.append((-len(parent_spec), parent, children))
    partitions.sort(key=lambda entry: (entry[0], entry[1]))
    return [(parent, children) for _, parent, children in partitions]
