"""Disclosure control: the one stage that decides which figures are published.

:func:`~ism_advisor.compare.compare_groups` computes every figure of every segment;
:func:`publish` decides which of them may be shown and returns a :class:`Published`
table in which hidden figures no longer exist (NaN, never a flag next to a number).
Everything downstream (rule facts, the JSON document, every report, per-segment reports)
reads a :class:`Published` and so cannot reach a hidden figure.

The model
---------
Every published figure rests on a **cell**: a set of respondents and the sums the figure
reveals about them. A shown segment publishes two cells, its users and its non-users,
each revealing its count. A shown comparison of factor ``f`` publishes two more, the
users and the non-users of that segment who answered ``f``, each revealing n, n × mean
and, through the SD, the sum of squares. A reader can add and subtract published sums
(the overall figures, every segmentation, every per-segment report: they all show the
same cells). A set ``T`` of respondents is *disclosed* when its indicator vector lies in
the span of the published cells' indicator vectors: then ``T``'s count and sums follow
exactly, whatever the answers are. We publish only if **no set of 1 to k − 1
respondents is disclosed** (k = ``min_group_size``), checked separately for

* the counts of users and of non-users (the segment cells),
* the answers to each factor, of users and of non-users (the comparison cells), and
* regions without users or without non-users: a set of segment cells whose users (or
  non-users) add up to zero while it has respondents reveals that all its respondents
  are non-users (users); such a set is disclosed too, whatever its size.

How many people skipped a factor in a shown group (the group's count minus the
factor's n) is not protected: it says nothing about anyone's answers or usage.

Respondent patterns, not respondents
------------------------------------
Respondents with the same segment in every requested segmentation, the same usage group
and the same missing factors are indistinguishable in every cell. The work is done on
these patterns (and per check on *atoms*: the distinct combinations of segments), never
on single respondents, so millions of respondents cost one ``numpy.unique``.

Finding disclosed sets exactly and fast
---------------------------------------
A derivation is a weight ``λ_s`` per published cell; it discloses ``T`` when the weights
of the cells containing an atom add up to 1 on ``T``'s atoms and to 0 on every other
atom. Only atoms whose count is below k (*light* atoms) can belong to a small ``T``;
every *heavy* atom forces its cells' weights to add up to zero. Two reductions, each
exact for small ``T`` (they only use facts every derivation of a small set obeys), shrink
the problem before any linear algebra:

* two segments of one segmentation that share a context (the same classes in all other
  segmentations) in which both are heavy must carry the same weight (M1);
* more generally, if the contexts they share hold, for each context, at least the
  cheaper of the two atoms, and these add up to k or more, a small ``T`` cannot break
  all those equalities: same weight (M2, tried against a few "hub" segments).

Segments of equal weight are merged into classes (an unpublished segment or a blank
value belongs to its segmentation's class of weight 0), atoms with equal classes into
groups, and this repeats until nothing merges. On a single segmentation, a hierarchy or
a dense cross-tabulation this leaves a handful of groups; what remains is solved exactly
with rational arithmetic (:class:`fractions.Fraction`): the derivations that vanish on
all heavy groups are computed, reduced to echelon form, and searched for a 0/1 vector of
weight below k. A union of light atoms is found as well as a single one. Should a search
ever exceed its budget, the stage assumes the worst and protects more.

Choosing what to hide
---------------------
Primary suppression hides a segment with fewer than k users or non-users, and a
comparison with fewer than k users or non-users who answered the factor. While a small
set is disclosed, one more cell of its derivation is hidden: a comparison (one factor
of one segment) where the factor's answers are at stake, a segment only where counts
are; among the cells the derivation uses, the one with the fewest respondents in its
smaller group, then the fewest in all. Hiding the smallest cell keeps the large,
informative segments a consultant reports on and costs the least information; it is the
"next-smallest" rule of complementary suppression, applied to whatever derivation the
check found. Cells with the same respondents are hidden together. Once nothing small
follows any more, every cell hidden for protection is tried again, largest first, and
shown if that discloses nothing (a later choice may have made an earlier one needless).

A segment hidden for protection stays hidden in every table: its users' and its
non-users' answers to a factor must not follow from the shown comparisons either (the SDC
rule that a cell protected in one table is protected in all), unless such a group is a
shown group itself (a segment's non-users who are all the non-users, say). A segment
hidden because a group is too small keeps that group hidden in every table through the
small-set checks.

Figures that are not sums
-------------------------
t, p, Hedges' g and its interval are functions of the two groups' n, means and SDs, so
the sums model covers them. Mann-Whitney U (and the rank-biserial correlation and its
p), Cronbach's α and Holm's adjusted p are not sums: each is published only together
with the comparison it belongs to, and a reader cannot combine such figures of two cells
into a figure of their difference unless the difference is itself a disclosed set, which
the check rules out. Holm's p is recomputed over the published p-values of a segment
only, so a hidden p never shifts a shown one. The correlation matrix covers all
respondents (never below 2k of them) and is one number per pair of factors; it is
published as it is.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from .codebook import Factor
from .compare import COMPARISON_COLUMNS, Comparison, holm
from .errors import N_, AdvisorError
from .survey import Survey

__all__ = [
    "MIN_GROUP_SIZE_FLOOR",
    "REASON_OVERLAP",
    "REASON_SEGMENT",
    "REASON_TOO_SMALL",
    "Published",
    "publish",
]

#: The lowest minimum group size anyone may set.
MIN_GROUP_SIZE_FLOOR = 3

#: A group of the cell itself is smaller than the minimum (primary suppression).
REASON_TOO_SMALL = "too_small"
#: Shown together with other figures, the cell would disclose a smaller group
#: (secondary suppression).
REASON_OVERLAP = "overlap"
#: A comparison of a hidden segment.
REASON_SEGMENT = "segment"

_SEARCH_BUDGET = 20_000  # subsets tried per block before assuming the worst
_HUBS = 8  # hub segments tried per segmentation and round of M2


@dataclass(frozen=True)
class Published:
    """The figures that may be shown; hidden ones are NaN (None in the document).

    Attributes
    ----------
    segments : as :attr:`Comparison.segments`, plus ``suppressed`` (bool) and
        ``suppressed_reason`` (``"too_small"``, ``"overlap"`` or None). A hidden segment
        has NaN counts and rate.
    comparisons : as :attr:`Comparison.comparisons`, plus ``suppressed`` and
        ``suppressed_reason`` (also ``"segment"`` for a comparison of a hidden segment);
        every figure of a hidden comparison is NaN. ``p_holm`` and ``significant`` are
        computed over the shown comparisons of each segment.
    correlations : Pearson correlations of the factor scores of all respondents.
    complete_cases : one row per segment, for the driver analysis: ``users`` and
        ``non_users`` with a score for every factor (the model's complete cases; NaN where
        ``driver_reason`` is set) and ``driver_reason``: None where a driver model may be
        computed and published, else why not — ``"segment"`` (the segment is hidden),
        ``"comparison"`` (a comparison of the segment is hidden, so the answers the model
        would rest on are too), ``"too_small"`` or ``"overlap"`` (the complete cases'
        counts would disclose a small group, as for a comparison).
    """

    segments: pd.DataFrame
    comparisons: pd.DataFrame
    correlations: pd.DataFrame
    factors: tuple[Factor, ...]
    alpha: float
    min_group_size: int
    segment_by: tuple[tuple[str, ...], ...]
    complete_cases: pd.DataFrame | None = None

    def hidden(self) -> dict[str, dict[str, int]]:
        """How many segments and comparisons of shown segments were hidden, by reason."""
        segments = self.segments["suppressed_reason"].value_counts()
        shown = self.comparisons["suppressed_reason"] != REASON_SEGMENT
        comparisons = self.comparisons.loc[shown, "suppressed_reason"].value_counts()
        return {
            "segments": {r: int(segments.get(r, 0)) for r in (REASON_TOO_SMALL, REASON_OVERLAP)},
            "comparisons": {
                r: int(comparisons.get(r, 0)) for r in (REASON_TOO_SMALL, REASON_OVERLAP)
            },
        }


def publish(survey: Survey, comparison: Comparison, min_group_size: int = 5) -> Published:
    """Decide what of ``comparison`` (computed from ``survey``) may be shown.

    Raises :class:`~ism_advisor.errors.AdvisorError` when ``min_group_size`` is below the
    floor, or when there are too few users or non-users in total to show anything.

    Examples
    --------
    >>> from ism_advisor import compare_groups, load_codebook, load_survey
    >>> survey = load_survey("sample_data/scores.csv", load_codebook(), ["organisation"])
    >>> published = publish(survey, compare_groups(survey))
    >>> published.segments["suppressed"].tolist()
    [False, False, False, False]
    """
    k = int(min_group_size)
    if k < MIN_GROUP_SIZE_FLOOR:
        raise AdvisorError(
            N_("the minimum group size must be at least {floor}, got {value}"),
            floor=MIN_GROUP_SIZE_FLOOR,
            value=min_group_size,
        )
    segments = comparison.segments.copy()
    overall = segments.iloc[0]
    if overall["users"] < k or overall["non_users"] < k:
        raise AdvisorError(
            N_(
                "too few respondents to report anonymously: {users} users and {non_users}"
                " non-users (each group needs at least {k})"
            ),
            path=survey.path,
            users=int(overall["users"]),
            non_users=int(overall["non_users"]),
            k=k,
        )
    factors = comparison.factors
    model = _Model.build(survey, comparison)
    segment_reason = _protect_segments(model, k)
    comparisons = comparison.comparisons.copy()
    n_segments, n_factors = len(segments), len(factors)
    reasons = np.full((n_segments, n_factors), None, dtype=object)
    for f in range(n_factors):
        reasons[:, f] = _protect_factor(model, f, segment_reason, k)
    flat = reasons.reshape(-1)

    segments["suppressed"] = segment_reason != None  # noqa: E711 - elementwise
    segments["suppressed_reason"] = pd.Series(segment_reason, dtype=object)
    segments.loc[segments["suppressed"], ["respondents", "users", "non_users", "adoption_rate"]] = (
        np.nan
    )
    comparisons["suppressed"] = flat != None  # noqa: E711 - elementwise
    comparisons["suppressed_reason"] = pd.Series(flat, dtype=object)
    stats = [c for c in COMPARISON_COLUMNS if c not in ("p_holm", "significant")]
    comparisons.loc[comparisons["suppressed"], stats] = np.nan
    p = comparisons["p"].to_numpy(dtype=float).reshape(n_segments, n_factors)
    p_holm = holm(p).reshape(-1)  # over the published p-values only
    comparisons["p_holm"] = p_holm
    comparisons["significant"] = pd.array(
        np.where(np.isnan(p_holm), None, p_holm < comparison.alpha), dtype="boolean"
    )
    return Published(
        segments=segments,
        comparisons=comparisons,
        correlations=comparison.correlations,
        factors=factors,
        alpha=comparison.alpha,
        min_group_size=k,
        segment_by=comparison.segment_by,
        complete_cases=_complete_cases(model, segment_reason, reasons, k),
    )


def _complete_cases(
    model: _Model, segment_reason: np.ndarray, comparison_reasons: np.ndarray, k: int
) -> pd.DataFrame:
    """Which segments may have a driver model, and its complete cases' counts.

    A driver model publishes its complete cases' count and, through its R², how many of
    them are users: cells of their own (a segment's users and non-users who answered
    every factor), checked like a factor's comparison cells, so that no count of them
    (or a difference of such counts) discloses a small group. A model rests on every
    factor's answers in its segment, so a segment with a hidden comparison gets none.
    """
    users = model.segment_sums(model.complete_users)
    non_users = model.segment_sums(model.complete_non_users)
    reason = _protect_answers(
        model,
        (model.complete_users, model.complete_non_users),
        (users, non_users),
        segment_reason,
        k,
    )
    hidden = (comparison_reasons != None).any(axis=1)  # noqa: E711 - elementwise
    reason[(reason == None) & hidden] = "comparison"  # noqa: E711
    shown = reason == None  # noqa: E711
    return pd.DataFrame(
        {
            "users": np.where(shown, users, np.nan),
            "non_users": np.where(shown, non_users, np.nan),
            "driver_reason": pd.Series(reason, dtype=object),
        }
    )


# -- respondent patterns ------------------------------------------------------------------


@dataclass(frozen=True)
class _Model:
    """Atoms (distinct combinations of segments) and the counts every check needs.

    ``coords[a, j]`` is atom ``a``'s segment (row number) in segmentation ``j``, or -1
    for a blank value; ``users[a]``/``non_users[a]`` count its respondents, and
    ``answered[g][a, f]`` those of group ``g`` (1: users, 0: non-users) who answered
    factor ``f``. ``spec_of[s]`` is segment ``s``'s segmentation (-1: all respondents).
    """

    coords: np.ndarray
    users: np.ndarray
    non_users: np.ndarray
    answered: tuple[np.ndarray, np.ndarray]
    spec_of: np.ndarray
    segment_users: np.ndarray
    segment_non_users: np.ndarray
    factor_users: np.ndarray  # segments × factors
    factor_non_users: np.ndarray
    #: per atom, the users and the non-users with a score for every factor (the driver
    #: model's complete cases)
    complete_users: np.ndarray
    complete_non_users: np.ndarray

    @classmethod
    def build(cls, survey: Survey, comparison: Comparison) -> _Model:
        n = survey.respondents
        spec_of = np.full(len(comparison.segments), -1, dtype=np.int64)
        columns = list(comparison.codes)
        for j, column in enumerate(columns):
            spec_of[np.unique(column[column >= 0])] = j
        if len(columns) != len(comparison.segment_by) or (spec_of[1:] < 0).any():
            raise AssertionError("the segments do not match the segmentations")
        # one id per distinct combination of segments
        table = np.stack(columns, axis=1) + 1 if columns else np.zeros((n, 1), dtype=np.int64)
        coords, atom = _unique_rows(table)
        coords = coords[:, : len(columns)] - 1
        count = len(coords)
        is_user = np.asarray(survey.is_user, dtype=bool)
        users = np.bincount(atom, weights=is_user, minlength=count).astype(np.int64)
        total = np.bincount(atom, minlength=count).astype(np.int64)
        present = survey.scores[[f.id for f in comparison.factors]].notna().to_numpy()
        key = atom * 2 + is_user
        answered_by = np.stack(
            [
                np.bincount(key, weights=present[:, f], minlength=2 * count)
                for f in range(present.shape[1])
            ],
            axis=1,
        ).astype(np.int64)
        answered = [answered_by[0::2], answered_by[1::2]]
        every = np.bincount(key, weights=present.all(axis=1), minlength=2 * count)
        every = every.astype(np.int64)
        table = comparison.comparisons
        shape = (len(comparison.segments), len(comparison.factors))
        return cls(
            coords=coords,
            users=users,
            non_users=total - users,
            answered=(answered[0], answered[1]),
            spec_of=spec_of,
            segment_users=comparison.segments["users"].to_numpy(dtype=np.int64),
            segment_non_users=comparison.segments["non_users"].to_numpy(dtype=np.int64),
            factor_users=table["users_n"].to_numpy(dtype=float).reshape(shape).astype(np.int64),
            factor_non_users=table["non_users_n"]
            .to_numpy(dtype=float)
            .reshape(shape)
            .astype(np.int64),
            complete_users=every[1::2],
            complete_non_users=every[0::2],
        )

    def segment_sums(self, per_atom: np.ndarray) -> np.ndarray:
        """Per segment, the sum of ``per_atom`` over its atoms."""
        out = np.zeros(len(self.spec_of), dtype=per_atom.dtype)
        out[0] = per_atom.sum()
        for j in range(self.specs):
            rows = self.coords[:, j]
            keep = rows >= 0
            np.add.at(out, rows[keep], per_atom[keep])
        return out

    @property
    def specs(self) -> int:
        return self.coords.shape[1]


@dataclass(frozen=True)
class _Check:
    """One kind of disclosure: atoms that exist for it and what including each costs.

    A set of atoms is disclosed if it is derivable and its cost is below k. ``cost`` is
    the atom's count for the count and answer checks, and 0 (or k: never part of such a
    set) for the checks of regions without users or non-users.
    """

    atoms: np.ndarray  # indices into the model's atoms
    cost: np.ndarray


def _signatures(model: _Model, checks: Sequence[_Check]) -> np.ndarray:
    """A number per segment that is equal for segments with the same cells in ``checks``."""
    rng = np.random.default_rng(20151)  # fixed: the same input gives the same output
    out = np.zeros(len(model.spec_of), dtype=np.uint64)
    for check in checks:
        salt = rng.integers(1, 2**63, size=len(model.coords), dtype=np.uint64)
        for j in range(model.specs):
            rows = model.coords[check.atoms, j]
            keep = rows >= 0
            with np.errstate(over="ignore"):
                np.add.at(out, rows[keep], salt[check.atoms[keep]])
    return out


def _checks(users: np.ndarray, non_users: np.ndarray, k: int) -> list[_Check]:
    """The checks of one kind of cell, from each atom's users and non-users in it.

    Small sets of users, small sets of non-users, and (where some atom has none of one
    group) regions without users or without non-users.
    """
    every = np.arange(len(users))
    checks = [_Check(every[counts > 0], counts[counts > 0]) for counts in (users, non_users)]
    present = every[users + non_users > 0]
    for counts in (users, non_users):
        if (counts[present] == 0).any():
            checks.append(_Check(present, np.where(counts[present] == 0, 0, k)))
    return checks


def _protect_segments(model: _Model, k: int) -> np.ndarray:
    """Each segment's reason to be hidden (None: shown)."""
    users, non_users = model.segment_users, model.segment_non_users
    reason = np.full(len(users), None, dtype=object)
    primary = (users < k) | (non_users < k)
    primary[0] = False  # all respondents: checked by the caller
    reason[primary] = REASON_TOO_SMALL
    checks = _checks(model.users, model.non_users, k)
    size = np.minimum(users, non_users) * (1 << 32) + users + non_users
    _secondary(model, checks, reason, size, k, targets=())
    return reason


def _protect_factor(model: _Model, f: int, segment_reason: np.ndarray, k: int) -> np.ndarray:
    """The reason to hide each segment's comparison of factor ``f`` (None: shown).

    Besides small sets, the answers of a segment hidden for protection stay hidden: neither
    its users' nor its non-users' answers to ``f`` may follow from the shown comparisons
    (the SDC rule that a cell protected in one table is protected in every table).
    """
    return _protect_answers(
        model,
        (model.answered[1][:, f], model.answered[0][:, f]),
        (model.factor_users[:, f], model.factor_non_users[:, f]),
        segment_reason,
        k,
    )


def _protect_answers(
    model: _Model,
    answered: tuple[np.ndarray, np.ndarray],
    cells: tuple[np.ndarray, np.ndarray],
    segment_reason: np.ndarray,
    k: int,
) -> np.ndarray:
    """The reason to hide each segment's cells of one set of answers (None: shown).

    ``answered`` counts per atom the users and the non-users who gave the answers,
    ``cells`` per segment: one factor's answers for a comparison, every factor's for a
    driver model.
    """
    users, non_users = cells
    reason = np.where(segment_reason == None, None, REASON_SEGMENT)  # noqa: E711
    reason = reason.astype(object)
    primary = (reason == None) & ((users < k) | (non_users < k))  # noqa: E711
    reason[primary] = REASON_TOO_SMALL
    answered_users, answered_non_users = answered
    if (
        (segment_reason == None).all()  # noqa: E711 - nothing hidden: no targets
        and (reason == None).all()  # noqa: E711
        and np.array_equal(answered_users, model.users)
        and np.array_equal(answered_non_users, model.non_users)
    ):
        return reason  # everyone answered: the same cells the segment check passed
    checks = _checks(answered_users, answered_non_users, k)
    targets = []
    # A segment hidden because a group is too small keeps that group hidden here through
    # the small-set checks; its other group may show, as any group of k or more may.
    for segment in np.flatnonzero(segment_reason == REASON_OVERLAP):
        for counts in (answered_users, answered_non_users):
            check = _Check(np.flatnonzero(counts > 0), counts[counts > 0])
            inside = _inside(model, check.atoms, int(segment))
            if inside.any():
                targets.append((check, inside))
    size = np.minimum(users, non_users) * (1 << 32) + users + non_users
    _secondary(model, checks, reason, size, k, targets=targets)
    return reason


def _inside(model: _Model, atoms: np.ndarray, segment: int) -> np.ndarray:
    """Which of ``atoms`` belong to ``segment``."""
    spec = model.spec_of[segment]
    if spec < 0:
        return np.ones(len(atoms), dtype=bool)
    return model.coords[atoms, spec] == segment


def _secondary(
    model: _Model,
    checks: Sequence[_Check],
    reason: np.ndarray,
    size: np.ndarray,
    k: int,
    targets: Sequence[tuple[_Check, np.ndarray]],
) -> None:
    """Hide more cells (``reason`` updated in place) until no check discloses a small set
    and no target set follows from the shown cells; then show again every cell hidden for
    protection that is not needed after all (largest first).

    Every round analyses all checks, then hides one cell per disclosed set found: the
    smallest (by ``size``) of the cells its derivation uses, with every cell holding the
    same respondents. Hiding only ever shrinks what can be derived, so this ends.
    """
    signature = _signatures(model, checks)

    def problems(shown: np.ndarray) -> list[set[int]]:
        found: list[set[int]] = []
        for check in checks:
            found.extend(_disclosed(model, check, shown, k))
        if not found:
            for check, inside in targets:
                cells = _derivation(model, check, shown, inside)
                # a hidden segment's group that is a shown group itself (all non-users,
                # say) is published as that group: nothing to protect
                if cells is not None and cells - {0}:
                    found.append(cells)
        return found

    while True:
        shown = reason == None  # noqa: E711 - elementwise
        found = problems(shown)
        if not found:
            break
        chosen: set[int] = set()
        for cells in found:
            if cells & chosen:
                continue  # that derivation is broken already
            candidates = sorted(c for c in cells if c != 0 and model.spec_of[c] >= 0)
            if not candidates:
                raise AssertionError("a protected set follows from the overall figures alone")
            cell = min(candidates, key=lambda c: (size[c], c))
            twins = np.flatnonzero(shown & (signature == signature[cell]) & (model.spec_of >= 0))
            chosen.update(int(t) for t in twins)
            chosen.add(cell)
        for cell in chosen:
            reason[cell] = REASON_OVERLAP
    # A cell hidden in an early round may have become unnecessary (a later one broke the
    # same derivations, or the cell follows from others anyway): show it again if that
    # discloses nothing. Twins go together.
    hidden = [int(c) for c in np.flatnonzero(reason == REASON_OVERLAP)]
    for cell in sorted(hidden, key=lambda c: (-size[c], c)):
        if reason[cell] != REASON_OVERLAP:
            continue
        twins = np.flatnonzero((reason == REASON_OVERLAP) & (signature == signature[cell]))
        reason[twins] = None
        if problems(reason == None):  # noqa: E711
            reason[twins] = REASON_OVERLAP


# -- finding disclosed sets -----------------------------------------------------------------


def _disclosed(model: _Model, check: _Check, shown: np.ndarray, k: int) -> list[set[int]]:
    """For each disclosed small set found: the shown cells its derivation uses."""
    light = check.cost < k
    if not light.any():
        return []
    m = model.specs
    n_segments = len(model.spec_of)
    # nodes: segment s is node s; segmentation j's unpublished class is node n_segments + j
    rest = n_segments + np.arange(m)
    coords = model.coords[check.atoms]
    nodes = np.where(coords >= 0, coords, rest[None, :]) if m else coords
    unpublished = np.flatnonzero(~shown & (model.spec_of >= 0))
    edges_u = [unpublished]
    edges_v = [rest[model.spec_of[unpublished]]]
    cost = np.minimum(check.cost, k).astype(np.int64)
    total_nodes = n_segments + m
    components = -1
    hubs = False
    while True:
        u = np.concatenate(edges_u).astype(np.int64)
        v = np.concatenate(edges_v).astype(np.int64)
        graph = coo_matrix((np.ones(len(u)), (u, v)), shape=(total_nodes, total_nodes))
        count, label = connected_components(graph, directed=False)
        classes = label[nodes]
        tuples, group = _unique_rows(classes)
        group_cost = np.minimum(np.bincount(group, weights=cost).astype(np.int64), k)
        if (group_cost >= k).all():
            return []
        if count == components:
            if hubs:
                break
            hubs = True  # M1 is stuck: try M2 as well
        else:
            hubs = False  # M1 alone is cheap and usually enough
        components = count
        node_of = np.zeros(count, dtype=np.int64)  # a node of each class
        node_of[label] = np.arange(total_nodes)
        for j in range(m):
            a, b = _merges(tuples, group_cost, j, k, hubs)
            edges_u.append(node_of[a])
            edges_v.append(node_of[b])
    pinned = np.zeros(count, dtype=bool)
    pinned[label[rest]] = True
    return _solve(tuples, group_cost, pinned, label, shown, k)


def _unique_rows(table: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of a table of non-negative integers, and each row's index among
    them (in order of first appearance: hashing, not sorting)."""
    if table.shape[1] == 0:
        return np.zeros((1, 0), dtype=np.int64), np.zeros(len(table), dtype=np.int64)
    key = np.zeros(len(table), dtype=np.int64)
    for column in table.T:
        key, _ = pd.factorize(key * (int(column.max()) + 1) + column)
        key = key.astype(np.int64)
    first = np.zeros(int(key.max()) + 1 if len(key) else 0, dtype=np.int64)
    first[key[::-1]] = np.arange(len(key) - 1, -1, -1)
    return table[first], key


def _merges(
    tuples: np.ndarray, cost: np.ndarray, j: int, k: int, hubs: bool
) -> tuple[np.ndarray, ...]:
    """Pairs of classes of segmentation ``j`` that every small-set derivation weighs alike.

    M1: both heavy in one context. M2: the cheaper atom per shared context adds up to k
    against a hub class (the classes with the most contexts are tried as hubs).
    """
    part = tuples[:, j]
    others = np.delete(tuples, j, axis=1)
    _, context = _unique_rows(others)
    us: list[np.ndarray] = []
    vs: list[np.ndarray] = []
    heavy = np.flatnonzero(cost >= k)
    if len(heavy) > 1:
        order = heavy[np.lexsort((part[heavy], context[heavy]))]
        same = context[order[1:]] == context[order[:-1]]
        us.append(part[order[1:]][same])
        vs.append(part[order[:-1]][same])
    parts, local = np.unique(part, return_inverse=True)
    if hubs and len(parts) > 1:
        contexts = np.bincount(local, minlength=len(parts))
        done = np.zeros(len(parts), dtype=bool)
        n_context = int(context.max()) + 1
        for _ in range(_HUBS):
            free = np.flatnonzero(~done)
            if len(free) < 2:
                break
            hub = free[np.argmax(contexts[free])]
            hub_cost = np.zeros(n_context, dtype=np.int64)
            mine = local == hub
            hub_cost[context[mine]] = cost[mine]
            credit = np.bincount(
                local, weights=np.minimum(cost, hub_cost[context]), minlength=len(parts)
            )
            joined = np.flatnonzero((credit >= k) & (np.arange(len(parts)) != hub))
            us.append(parts[joined])
            vs.append(np.full(len(joined), parts[hub]))
            done[joined] = True
            done[hub] = True
    if not us:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(us), np.concatenate(vs)


def _solve(
    tuples: np.ndarray,
    cost: np.ndarray,
    pinned: np.ndarray,
    label: np.ndarray,
    shown: np.ndarray,
    k: int,
) -> list[set[int]]:
    """Exact search of the reduced problem: groups (``tuples`` of classes) and costs.

    Unknowns: a weight per class not pinned to zero, and the weight of the overall
    cell (index 0). Returns, per disclosed set found, the shown cells its derivation uses.
    """
    classes = sorted({int(c) for c in np.unique(tuples) if not pinned[c]})
    index = {c: i + 1 for i, c in enumerate(classes)}  # 0: the overall cell
    overall = bool(shown[0])

    def unknowns(g: int) -> list[int]:
        found = [index[int(c)] for c in tuples[g] if int(c) in index]
        return ([0] if overall else []) + found

    heavy = np.flatnonzero(cost >= k)
    light = np.flatnonzero(cost < k)
    constraints = {frozenset(unknowns(g)) for g in heavy}
    basis = _nullspace([dict.fromkeys(c, Fraction(1)) for c in constraints if c], len(index) + 1)
    # which light groups each unknown touches
    touches: dict[int, list[int]] = {}
    for position, g in enumerate(light):
        for u in unknowns(g):
            touches.setdefault(u, []).append(position)
    images = []
    for weights in basis:
        image: dict[int, Fraction] = {}
        for u, w in weights.items():
            for position in touches.get(u, ()):
                image[position] = image.get(position, 0) + w
        image = {p: v for p, v in image.items() if v}
        if image:
            images.append((image, weights))
    if not images:
        return []
    rows = _echelon(images)
    light_cost = cost[light]
    found = []
    for block in _blocks(rows):
        derivation = _search(block, light_cost, k)
        if derivation is not None:
            found.append(_cells_of(derivation, classes, label, shown))
    return found


def _nullspace(rows: list[dict[int, Fraction]], size: int) -> list[dict[int, Fraction]]:
    """A basis of {x : row · x = 0 for every row}, over unknowns 0..size-1."""
    pivots = _reduce_rows(rows)
    basis = []
    pivot_of = {p: row for p, row in pivots.items()}
    for free in range(size):
        if free in pivot_of:
            continue
        vector = {free: Fraction(1)}
        for p, row in pivot_of.items():
            value = row.get(free)
            if value:
                vector[p] = -value
        basis.append(vector)
    return basis


def _reduce_rows(rows: list[dict[int, Fraction]]) -> dict[int, dict[int, Fraction]]:
    """Reduced row echelon form: pivot column → row (1 at the pivot, 0 at other pivots)."""
    return _reduce_rows_main(rows, 1 << 62)


def _axpy(target: dict[int, Fraction], scale: Fraction, source: dict[int, Fraction]) -> None:
    for column, value in source.items():
        target[column] = target.get(column, 0) + scale * value


def _echelon(images):
    """Echelon form of the images on light groups, each with the unknowns' weights."""
    offset = 1 << 40  # tracked weights live in columns beyond every group position
    rows = []
    for image, weights in images:
        row = dict(image)
        for u, w in weights.items():
            row[offset + u] = w
        rows.append(row)
    pivots = _reduce_rows_main(rows, offset)
    out = []
    for pivot, row in sorted(pivots.items()):
        image = {c: v for c, v in row.items() if c < offset}
        weights = {c - offset: v for c, v in row.items() if c >= offset}
        out.append((pivot, image, weights))
    return out


def _reduce_rows_main(rows, offset):
    """As :func:`_reduce_rows`, with pivots only in columns below ``offset``."""
    pivots: dict[int, dict[int, Fraction]] = {}
    for original in rows:
        row = dict(original)
        for column in sorted(c for c in row if c in pivots):
            value = row.get(column)
            if value:
                _axpy(row, -value, pivots[column])
        row = {c: v for c, v in row.items() if v}
        main = [c for c in row if c < offset]
        if not main:
            continue
        pivot = min(main)
        scale = 1 / Fraction(row[pivot])
        row = {c: v * scale for c, v in row.items()}
        for target in pivots.values():
            value = target.get(pivot)
            if value:
                _axpy(target, -value, row)
                for c in [c for c, v in target.items() if not v]:
                    del target[c]
        pivots[pivot] = row
    return pivots


def _blocks(rows):
    """Rows of the echelon form grouped by the light groups they share."""
    parent = list(range(len(rows)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[int, int] = {}
    for i, (_, image, _) in enumerate(rows):
        for column in image:
            if column in owner:
                a, b = find(i), find(owner[column])
                if a != b:
                    parent[a] = b
            else:
                owner[column] = i
    blocks: dict[int, list] = {}
    for i, row in enumerate(rows):
        blocks.setdefault(find(i), []).append(row)
    return [blocks[key] for key in sorted(blocks)]


def _search(block, cost: np.ndarray, k: int) -> dict[int, Fraction] | None:
    """A derivation of a 0/1 vector of cost below k in the block's span, or None.

    Such a vector has 1 at the pivots it contains and nothing at the others, so it is the
    sum of those pivots' rows: subsets of pivots are tried, cheapest first.
    """
    block = sorted(block, key=lambda row: (int(cost[row[0]]), row[0]))
    pivot_cost = [int(cost[pivot]) for pivot, _, _ in block]
    tried = 0
    for size in range(1, len(block) + 1):
        if sum(sorted(pivot_cost)[:size]) >= k:
            break
        for subset in itertools.combinations(range(len(block)), size):
            if sum(pivot_cost[i] for i in subset) >= k:
                continue
            tried += 1
            if tried > _SEARCH_BUDGET:  # too many to try: assume the worst
                return next((w for _, _, w in block if any(u > 0 for u in w)), block[0][2])
            total: dict[int, Fraction] = {}
            for i in subset:
                for column, value in block[i][1].items():
                    total[column] = total.get(column, 0) + value
            support = [c for c, v in total.items() if v]
            if all(total[c] == 1 for c in support) and sum(int(cost[c]) for c in support) < k:
                weights: dict[int, Fraction] = {}
                for i in subset:
                    for u, w in block[i][2].items():
                        weights[u] = weights.get(u, 0) + w
                return weights
    return None


def _cells_of(
    weights: dict[int, Fraction], classes: list[int], label: np.ndarray, shown: np.ndarray
) -> set[int]:
    """The shown cells a derivation uses: the overall cell and every segment of a class
    with a nonzero weight."""
    used = {classes[u - 1] for u, w in weights.items() if w and u > 0}
    cells = {0} if weights.get(0) else set()
    for s in np.flatnonzero(shown):
        if s and int(label[s]) in used:
            cells.add(int(s))
    return cells


def _derivation(
    model: _Model, check: _Check, shown: np.ndarray, inside: np.ndarray
) -> set[int] | None:
    """The shown cells a derivation of the atoms ``inside`` uses, or None if the set
    does not follow from the shown cells.

    Every atom's value is known here (1 inside, 0 outside), so two segments of one
    segmentation that meet atoms of equal value in one context carry the same weight;
    what is left is solved exactly.
    """
    m = model.specs
    n_segments = len(model.spec_of)
    rest = n_segments + np.arange(m)
    coords = model.coords[check.atoms]
    nodes = np.where(coords >= 0, coords, rest[None, :]) if m else coords
    value = inside.astype(np.int64)
    unpublished = np.flatnonzero(~shown & (model.spec_of >= 0))
    edges_u = [unpublished]
    edges_v = [rest[model.spec_of[unpublished]]]
    total_nodes = n_segments + m
    components = -1
    while True:
        u = np.concatenate(edges_u).astype(np.int64)
        v = np.concatenate(edges_v).astype(np.int64)
        graph = coo_matrix((np.ones(len(u)), (u, v)), shape=(total_nodes, total_nodes))
        count, label = connected_components(graph, directed=False)
        classes = label[nodes]
        tuples, group = _unique_rows(classes)
        low = np.full(len(tuples), 2, dtype=np.int64)
        np.minimum.at(low, group, value)
        high = np.full(len(tuples), -1, dtype=np.int64)
        np.maximum.at(high, group, value)
        if (low != high).any():
            return None  # atoms every derivation weighs alike, inside and outside
        if count == components:
            break
        components = count
        node_of = np.zeros(count, dtype=np.int64)
        node_of[label] = np.arange(total_nodes)
        for j in range(m):
            part = tuples[:, j]
            keyed = np.column_stack([np.delete(tuples, j, axis=1), low])
            _, context = _unique_rows(keyed)
            order = np.lexsort((part, context))
            same = context[order[1:]] == context[order[:-1]]
            edges_u.append(node_of[part[order[1:]][same]])
            edges_v.append(node_of[part[order[:-1]][same]])
    pinned = np.zeros(count, dtype=bool)
    pinned[label[rest]] = True
    classes_list = sorted({int(c) for c in np.unique(tuples) if not pinned[c]})
    index = {c: i + 1 for i, c in enumerate(classes_list)}
    overall = bool(shown[0])
    rhs = 1 << 62  # the column holding each equation's value
    equations = {}
    for g in range(len(tuples)):
        unknowns = ([0] if overall else []) + [index[int(c)] for c in tuples[g] if int(c) in index]
        key = frozenset(unknowns)
        if equations.setdefault(key, int(low[g])) != int(low[g]):
            return None  # the same weights must give 0 and 1

    rows = []
    for unknowns, target in equations.items():
        row = dict.fromkeys(unknowns, Fraction(1))
        if target:
            row[rhs] = Fraction(target)
        if row:
            rows.append(row)
    pivots = _reduce_rows_main(rows, rhs)
    solution: dict[int, Fraction] = {}
    for pivot, row in pivots.items():
        solution[pivot] = row.get(rhs, Fraction(0))
    # consistency: every equation holds for the particular solution (free unknowns 0)
    for unknowns, target in equations.items():
        if sum(solution.get(u, Fraction(0)) for u in unknowns) != target:
            return None
    return _cells_of(solution, classes_list, label, shown)
