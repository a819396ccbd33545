"""Disclosure control: the one stage that decides which figures are published.

:func:`~ism_advisor.stats.compare.compare_groups` computes every figure of every segment;
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
* the answers to each factor, of users and of non-users (the comparison cells).

A region (segment cells added and subtracted) with respondents but no users among them
reveals that all of them are non-users, whatever its size; such regions are figures
pinned at a bound and are found with them (see "Bounds").

How many people skipped a factor in a shown group (the group's count minus the
factor's n) is not protected: it says nothing about anyone's answers. It does say, to a
reader who knows that a given person skipped that factor, in which usage group the
skippers are (the users' n, or the non-users', is the smaller).

Parents and children
--------------------
A segmentation that nests in another (a department within its organisation, found from
the data or declared as ``organisation/department``; see
:func:`ism_advisor.stats.segments.segment_parents`) is a pair of linked tables: an
organisation's figures minus those of its shown departments are those of its hidden
ones. Nothing here needs to know the nesting: every segmentation of a run is checked
together, atom by atom, so that difference is a derivation like any other, and a
department hidden within its organisation takes a sibling with it (or its organisation)
until neither its counts nor its answers follow. A segment's brief or report compares it
with its parent's figures, which are published cells themselves: the comparison adds no
figure to check. ``tests/test_hierarchy.py`` attacks it.

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

Bounds
------
Sums are not all a reader knows. A group has between 0 and all of its people as users,
and n answers add up to between n × the scale's lowest and n × its highest. Such bounds
can pin a figure that no combination of sums isolates: teams Blue and Red crossed with
managers and staff, each shown alone with k users, Red's k managers at most k users; if
the shown counts leave Red's managers k users, Blue's managers have none. The stage
finds every figure pinned at a bound with one linear program per kind of cell
(:func:`_pinned`: Farkas' lemma turns "pinned" into a weighting of the shown cells, so
the same reductions apply) and hides a cell of that weighting when the pin discloses: a
count always (a group without users or without non-users); answers when fewer than k
people are pinned outside a shown group whose answers all lie at one end of the scale
(such a group's mean and SD say as much, as for any group of k or more). Pinned sums are
known sums: the small sets are then checked again with them known. Bounds on the sum of
squares are reached exactly when the sums' are; relations between a group's sum and
its sum of squares (the SD of two people, say) are not bounds on sums and are not
modelled: they need the group's sums first, which the checks above withhold.

Why one reason
--------------
The outputs say that a cell is hidden for anonymity, not whether its own group is too
small or it would reveal a smaller one, and the counts in the report and on the terminal
are totals. Telling the two apart gives a reader more bounds: a cell hidden to protect
others has at least k users and k non-users. In the issue's own case (Sales is Amsterdam
plus one person from Utrecht; Sales and IT hidden to protect that person, Utrecht shown
with exactly k users), "IT has at least k users" leaves no user for the person from
Utrecht: a non-user, read off the reason. Counts by reason give the same away whenever
one of them is zero. With one reason, a hidden cell's groups are only known to lie
between zero and its size: the bounds above. (Which cells are hidden is itself a
function of the data, as with every suppression method; a reader who reruns the tool on
every survey consistent with the outputs could in principle learn from the pattern. We
do not model that.)

Figures that are not sums
-------------------------
t, p, Hedges' g and its interval are functions of the two groups' n, means and SDs, so
the sums model covers them. Mann-Whitney U (and the rank-biserial correlation and its
p), Cronbach's α and Holm's adjusted p are not sums: each is published only together
with the comparison it belongs to, and a reader cannot combine such figures of two cells
into a figure of their difference unless the difference is itself a disclosed set, which
the check rules out. Holm's p is recomputed over the published p-values of a segment
only, so a hidden p never shifts a shown one.

Correlations and driver models
------------------------------
The correlation matrix of all respondents and each segment's driver model (its
correlations, odds ratios, weights, VIFs, R², routes) are not sums either, and each
rests on a set of respondents: two such figures on sets that differ by a few people are
equations in those people's answers (one respondent who skipped a factor, left out of a
model fitted on complete cases but in the matrix of everyone, is recovered exactly from
the two). So every one of them rests on *every* respondent of its segment, a missing
score counted at its factor's mean over all respondents
(:func:`ism_advisor.stats.compare.filled_scores`): their sets are segments, whose differences
are the ones checked above, and their data is every factor's answers there, with the
filled-in scores a published figure. A segment with a hidden comparison gets no model
(:attr:`Published.driver_cases`). The driver figures are published to three
significant digits (:data:`ism_advisor.protect.published_drivers.MODEL_DIGITS`).
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

from ..core.errors import N_, P_, AdvisorError, Message
from ..stats.compare import COMPARISON_COLUMNS, Comparison
from ..stats.tests import holm
from ..survey import Survey
from ..survey.codebook import Factor

__all__ = [
    "MIN_GROUP_SIZE_FLOOR",
    "REASON_ANONYMITY",
    "REASON_NOT_ASKED",
    "REASON_SEGMENT",
    "Published",
    "publish",
]

#: The lowest minimum group size anyone may set.
MIN_GROUP_SIZE_FLOOR = 3

#: Why a hidden cell is hidden, as published: one reason for every hidden segment and every
#: hidden comparison of a shown segment. Whether the cell's own group is too small or the
#: cell would reveal a smaller group is not published per cell: a reader who knows that a
#: hidden segment has at least the minimum in each group can sometimes pin a count (see
#: "Why one reason" below).
REASON_ANONYMITY = "anonymity"
#: A comparison of a hidden segment.
REASON_SEGMENT = "segment"
#: A comparison of a factor the survey did not ask (no respondent has a score: one wave of
#: several without it). Nothing to protect: every group of it is empty, in every segment.
REASON_NOT_ASKED = "not_asked"

# Internally the stage tells the two apart: a segment hidden for protection has both its
# groups protected in every factor's table, one hidden because a group is too small only
# that group (through the small-set checks).
_ABSENT = REASON_NOT_ASKED  # published as it is
_PRIMARY = "too_small"  # a group of the cell itself is below the minimum
_SECONDARY = "overlap"  # shown with the other figures, it would disclose a smaller group

_SEARCH_BUDGET = 20_000  # subsets tried per block before assuming the worst
_HUBS = 8  # hub segments tried per segmentation and round of M2


@dataclass(frozen=True)
class Published:
    """The figures that may be shown; hidden ones are NaN (None in the document).

    Attributes
    ----------
    segments : as :attr:`Comparison.segments`, plus ``suppressed`` (bool) and
        ``suppressed_reason`` (``"anonymity"`` or None). A hidden segment has NaN counts
        and rate.
    comparisons : as :attr:`Comparison.comparisons`, plus ``suppressed`` and
        ``suppressed_reason`` (``"anonymity"``, ``"segment"`` for a comparison of a hidden
        segment, ``"not_asked"`` for a factor the survey did not ask, or None); every
        figure of a hidden comparison is NaN. ``p_holm`` and
        ``significant`` are computed over the shown comparisons of each segment.
    correlations : Pearson correlations of the factor scores of all respondents.
    driver_cases : one row per segment, for the driver analysis: ``users`` and
        ``non_users`` (the model's respondents: every respondent of the segment; NaN where
        ``driver_reason`` is set) and ``driver_reason``: None where a driver model may be
        computed and published, else why not — ``"segment"`` (the segment is hidden) or
        ``"comparison"`` (a comparison of the segment is hidden, so the answers the model
        would rest on are too).
    """

    segments: pd.DataFrame
    comparisons: pd.DataFrame
    correlations: pd.DataFrame
    factors: tuple[Factor, ...]
    alpha: float
    min_group_size: int
    segment_by: tuple[tuple[str, ...], ...]
    driver_cases: pd.DataFrame | None = None

    def hidden(self) -> dict[str, int]:
        """How many segments, and comparisons of shown segments, were hidden."""
        reasons = self.comparisons["suppressed_reason"]
        return {
            "segments": int(self.segments["suppressed"].sum()),
            "comparisons": int((reasons == REASON_ANONYMITY).sum()),
        }


def publish(survey: Survey, comparison: Comparison, min_group_size: int = 5) -> Published:
    """Decide what of ``comparison`` (computed from ``survey``) may be shown.

    Raises :class:`~ism_advisor.core.errors.AdvisorError` when ``min_group_size`` is below the
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
                "too few respondents to report anonymously: {users} and {non_users} (each"
                " group needs at least {k})"
            ),
            path=survey.path,
            users=Message(P_("{n} user", "{n} users"), {"n": int(overall["users"])}),
            non_users=Message(
                P_("{n} non-user", "{n} non-users"), {"n": int(overall["non_users"])}
            ),
            k=k,
        )
    factors = comparison.factors
    model = _Model.build(survey, comparison)
    segment_reason = _protect_segments(model, k)
    comparisons = comparison.comparisons.copy()
    n_segments, n_factors = len(segments), len(factors)
    reasons = np.full((n_segments, n_factors), None, dtype=object)
    not_asked = set(survey.not_asked)
    for f in range(n_factors):
        reasons[:, f] = _protect_factor(model, f, segment_reason, k)
        if factors[f].id in not_asked:  # no answers: absent, which is no anonymity matter
            reasons[:, f] = np.where(reasons[:, f] == REASON_SEGMENT, REASON_SEGMENT, _ABSENT)
    # One published reason: why exactly a cell is hidden is not told (module docstring).
    flat = _published_reason(reasons.reshape(-1))
    segments["suppressed"] = segment_reason != None  # noqa: E711 - elementwise
    segments["suppressed_reason"] = pd.Series(_published_reason(segment_reason), dtype=object)
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
        driver_cases=_driver_cases(segments, reasons),
    )


def _driver_cases(segments: pd.DataFrame, comparison_reasons: np.ndarray) -> pd.DataFrame:
    """Which segments may have a driver model, and its respondents' counts.

    A driver model rests on every respondent of its segment (a missing score counted at
    its factor's mean over all respondents: :func:`ism_advisor.stats.compare.filled_scores`),
    so its sets of respondents are the segment's users and non-users, cells checked
    already, and its data every factor's answers of the segment. A hidden segment gets no
    model, nor does a segment with a hidden comparison: the model would rest on the
    hidden answers.
    """
    reason = _published_reason(
        np.where(segments["suppressed"].to_numpy(dtype=bool), REASON_SEGMENT, None)
    )
    # a factor not asked is left out of the model, not a hidden figure it rests on
    hidden = ((comparison_reasons != None) & (comparison_reasons != _ABSENT)).any(axis=1)  # noqa: E711
    reason[(reason == None) & hidden] = "comparison"  # noqa: E711
    shown = reason == None  # noqa: E711
    return pd.DataFrame(
        {
            "users": np.where(shown, segments["users"].to_numpy(dtype=float), np.nan),
            "non_users": np.where(shown, segments["non_users"].to_numpy(dtype=float), np.nan),
            "driver_reason": pd.Series(reason, dtype=object),
        }
    )


def _published_reason(reasons: np.ndarray) -> np.ndarray:
    """The reason shown for each cell: None, ``"segment"``, ``"not_asked"`` or
    ``"anonymity"``."""
    out = np.full(len(reasons), None, dtype=object)
    hidden = reasons != None  # noqa: E711 - elementwise
    out[hidden] = REASON_ANONYMITY
    out[reasons == REASON_SEGMENT] = REASON_SEGMENT
    out[reasons == _ABSENT] = REASON_NOT_ASKED
    return out


# -- respondent patterns ------------------------------------------------------------------


@dataclass(frozen=True)
class _Model:
    """Atoms (distinct combinations of segments) and the counts every check needs.

    ``coords[a, j]`` is atom ``a``'s segment (row number) in segmentation ``j``, or -1
    for a blank value; ``users[a]``/``non_users[a]`` count its respondents, and
    ``answered[g][a, f]`` those of group ``g`` (1: users, 0: non-users) who answered
    factor ``f``, ``lowest[g][a, f]`` and ``highest[g][a, f]`` those of them whose score is
    the scale's lowest or highest. ``spec_of[s]`` is segment ``s``'s segmentation (-1: all
    respondents).
    """

    coords: np.ndarray
    users: np.ndarray
    non_users: np.ndarray
    answered: tuple[np.ndarray, np.ndarray]
    lowest: tuple[np.ndarray, np.ndarray]
    highest: tuple[np.ndarray, np.ndarray]
    spec_of: np.ndarray
    segment_users: np.ndarray
    segment_non_users: np.ndarray
    factor_users: np.ndarray  # segments × factors
    factor_non_users: np.ndarray

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
        scores = survey.scores[[f.id for f in comparison.factors]].to_numpy(dtype=float)
        key = atom * 2 + is_user

        def per_group(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            by = np.stack(
                [
                    np.bincount(key, weights=mask[:, f], minlength=2 * count)
                    for f in range(mask.shape[1])
                ],
                axis=1,
            ).astype(np.int64)
            return by[0::2], by[1::2]

        codebook = survey.codebook
        present = ~np.isnan(scores)
        answered = per_group(present)
        table = comparison.comparisons
        shape = (len(comparison.segments), len(comparison.factors))
        return cls(
            coords=coords,
            users=users,
            non_users=total - users,
            answered=answered,
            lowest=per_group(scores == codebook.scale_min),
            highest=per_group(scores == codebook.scale_max),
            spec_of=spec_of,
            segment_users=comparison.segments["users"].to_numpy(dtype=np.int64),
            segment_non_users=comparison.segments["non_users"].to_numpy(dtype=np.int64),
            factor_users=table["users_n"].to_numpy(dtype=float).reshape(shape).astype(np.int64),
            factor_non_users=table["non_users_n"]
            .to_numpy(dtype=float)
            .reshape(shape)
            .astype(np.int64),
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

    A set of atoms is disclosed if it is derivable and its cost (the atoms' counts of
    users, or of non-users) is below k.
    """

    atoms: np.ndarray  # indices into the model's atoms
    cost: np.ndarray


@dataclass(frozen=True)
class _Bounds:
    """Where each atom's figure lies between the bounds every reader knows.

    An atom's number of users lies between 0 and its size; the sum of its answers between
    n × the scale's lowest and n × its highest. ``side`` is -1 where the figure is at its
    lower bound (no users; every answer the lowest), +1 at its upper bound (no non-users;
    every answer the highest), 0 in between. Such bounds can pin a figure that no
    combination of sums isolates (see "Bounds" in the module docstring).
    """

    atoms: np.ndarray  # indices into the model's atoms
    side: np.ndarray
    people: np.ndarray  # whose figure it is, per atom
    #: Counts: a pinned count always says that a group has no users or no non-users.
    #: Answers: pinned answers of k or more people are what a shown group whose answers
    #: all lie at one end of the scale says anyway (its mean and SD do).
    any_size: bool
    #: Answers: the small-set check of the same group (an index into the checks), run
    #: again with the pinned atoms' sums known.
    check: int = -1


def _count_bounds(users: np.ndarray, non_users: np.ndarray) -> _Bounds:
    atoms = np.flatnonzero(users + non_users > 0)
    side = np.where(users[atoms] == 0, -1, np.where(non_users[atoms] == 0, 1, 0))
    return _Bounds(atoms, side, users[atoms] + non_users[atoms], True)


def _answer_bounds(
    answered: np.ndarray, lowest: np.ndarray, highest: np.ndarray, check: int
) -> _Bounds:
    atoms = np.flatnonzero(answered > 0)
    n = answered[atoms]
    side = np.where(lowest[atoms] == n, -1, np.where(highest[atoms] == n, 1, 0))
    return _Bounds(atoms, side, n, False, check)


def _signatures(model: _Model, checks: Sequence[_Check | _Bounds]) -> np.ndarray:
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


def _checks(users: np.ndarray, non_users: np.ndarray) -> list[_Check]:
    """The small-set checks of one kind of cell: of its users, then of its non-users.

    (Regions without users or without non-users are counts pinned at a bound: the
    caller's :func:`_count_bounds`.)
    """
    return [_Check(np.flatnonzero(counts > 0), counts[counts > 0]) for counts in (users, non_users)]


def _protect_segments(model: _Model, k: int) -> np.ndarray:
    """Each segment's reason to be hidden (None: shown)."""
    users, non_users = model.segment_users, model.segment_non_users
    reason = np.full(len(users), None, dtype=object)
    primary = (users < k) | (non_users < k)
    primary[0] = False  # all respondents: checked by the caller
    reason[primary] = _PRIMARY
    checks = _checks(model.users, model.non_users)
    bounds = [_count_bounds(model.users, model.non_users)]
    size = np.minimum(users, non_users) * (1 << 32) + users + non_users
    _secondary(model, checks, bounds, reason, size, k, targets=())
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
        # the answers' bounds: at the scale's ends (check 0: users, 1: non-users)
        answer_bounds=[
            _answer_bounds(
                model.answered[g][:, f], model.lowest[g][:, f], model.highest[g][:, f], check
            )
            for check, g in enumerate((1, 0))
        ],
    )


def _protect_answers(
    model: _Model,
    answered: tuple[np.ndarray, np.ndarray],
    cells: tuple[np.ndarray, np.ndarray],
    segment_reason: np.ndarray,
    k: int,
    answer_bounds: Sequence[_Bounds] = (),
) -> np.ndarray:
    """The reason to hide each segment's cells of one set of answers (None: shown).

    ``answered`` counts per atom the users and the non-users who gave the answers,
    ``cells`` per segment: one factor's answers of a comparison; ``answer_bounds`` where
    the answers themselves can be pinned (a factor's scores at the scale's ends).
    """
    users, non_users = cells
    reason = np.where(segment_reason == None, None, REASON_SEGMENT)  # noqa: E711
    reason = reason.astype(object)
    primary = (reason == None) & ((users < k) | (non_users < k))  # noqa: E711
    reason[primary] = _PRIMARY
    answered_users, answered_non_users = answered
    size = np.minimum(users, non_users) * (1 << 32) + users + non_users
    checks = _checks(answered_users, answered_non_users)
    bounds = list(answer_bounds)
    if (
        (segment_reason == None).all()  # noqa: E711 - nothing hidden: no targets
        and (reason == None).all()  # noqa: E711
        and np.array_equal(answered_users, model.users)
        and np.array_equal(answered_non_users, model.non_users)
    ):
        # everyone answered: the small-set checks are the segments' (passed); the bounds
        # of the answers are not
        _secondary(model, checks, bounds, reason, size, k, targets=(), linear=False)
        return reason
    bounds.append(_count_bounds(answered_users, answered_non_users))
    targets = []
    # A segment hidden because a group is too small keeps that group hidden here through
    # the small-set checks; its other group may show, as any group of k or more may.
    for segment in np.flatnonzero(segment_reason == _SECONDARY):
        for check in checks:
            inside = _inside(model, check.atoms, int(segment))
            if inside.any():
                targets.append((check, inside))
    _secondary(model, checks, bounds, reason, size, k, targets=targets)
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
    bounds: Sequence[_Bounds],
    reason: np.ndarray,
    size: np.ndarray,
    k: int,
    targets: Sequence[tuple[_Check, np.ndarray]],
    linear: bool = True,
) -> None:
    """Hide more cells (``reason`` updated in place) until no check discloses a small set,
    no figure is pinned at one of its ``bounds`` and no target set follows from the shown
    cells; then show again every cell hidden for protection that is not needed after all
    (largest first).

    Every round analyses all checks, then hides one cell per disclosed set found: the
    smallest (by ``size``) of the cells its derivation uses, with every cell holding the
    same respondents. Hiding only ever shrinks what can be derived, so this ends.
    """
    signature = _signatures(model, [*checks, *bounds])

    def problems(shown: np.ndarray) -> list[set[int]]:
        found: list[set[int]] = []
        if linear:
            for check in checks:
                found.extend(_disclosed(model, check, shown, k))
        if not found:
            for bound in bounds:
                certificates, pinned, cells = _pinned(model, bound, shown, k)
                found.extend(certificates)
                if certificates or bound.check < 0 or not len(pinned):
                    continue
                # known sums: the small sets of the rest, with the pinned atoms free
                check = checks[bound.check]
                keep = ~np.isin(check.atoms, pinned)
                rest = _Check(check.atoms[keep], check.cost[keep])
                found.extend(c | cells for c in _disclosed(model, rest, shown, k))
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
            reason[cell] = _SECONDARY
    # A cell hidden in an early round may have become unnecessary (a later one broke the
    # same derivations, or the cell follows from others anyway): show it again if that
    # discloses nothing. Twins go together.
    hidden = [int(c) for c in np.flatnonzero(reason == _SECONDARY)]
    for cell in sorted(hidden, key=lambda c: (-size[c], c)):
        if reason[cell] != _SECONDARY:
            continue
        twins = np.flatnonzero((reason == _SECONDARY) & (signature == signature[cell]))
        reason[twins] = None
        if problems(reason == None):  # noqa: E711
            reason[twins] = _SECONDARY


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


def _pinned(
    model: _Model, bounds: _Bounds, shown: np.ndarray, k: int
) -> tuple[list[set[int]], np.ndarray, set[int]]:
    """Figures pinned at their bounds: the shown cells of a certificate if that discloses
    something (else an empty list), the pinned atoms, and the certificate's cells.

    A reader who adds the shown cells with weights λ gets Σ v_a x_a for the atoms' figures
    x_a, with v = Σ λ_s (cell s's atoms). If v is 0 on every atom strictly between its
    bounds, ≥ 0 on those at the lower bound and ≤ 0 on those at the upper one, the known
    total can only be reached with every atom where v ≠ 0 at its bound: those figures are
    pinned (Farkas: a figure is pinned at a bound exactly when such a v exists with v ≠ 0
    there). Atoms between their bounds act as heavy atoms do for small sets: two segments
    that share a context in which both atoms are between their bounds carry the same
    weight (M1; M2 does not apply, as a certificate may be large). What remains is one
    linear program that finds every pinnable atom at once (``t`` ≤ 1 per atom at a bound,
    ``t`` ≤ ±v, Σ t as large as possible: a sum of certificates is one), in floating point
    on small integer data; an atom whose ``t`` exceeds 1e-6 counts as pinned, and a solver
    failure as a pin, so that rounding can only hide more.

    A pinned count always discloses (a group without users or without non-users). Pinned
    answers disclose a group below k unless a shown cell says the same (all its answers at
    one end); either way the pinned atoms' sums are known, and the caller checks the small
    sets again with them known.
    """
    from scipy.optimize import linprog
    from scipy.sparse import csr_matrix, hstack

    if not bounds.side.any():
        return [], bounds.atoms[:0], set()
    m = model.specs
    n_segments = len(model.spec_of)
    rest = n_segments + np.arange(m)
    coords = model.coords[bounds.atoms]
    nodes = np.where(coords >= 0, coords, rest[None, :]) if m else coords
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
        tuples, group = _unique_rows(label[nodes])
        low = np.full(len(tuples), 2, dtype=np.int64)
        np.minimum.at(low, group, bounds.side)
        high = np.full(len(tuples), -2, dtype=np.int64)
        np.maximum.at(high, group, bounds.side)
        side = np.where(low == high, low, 0)  # atoms at both bounds: v = 0 there
        if not side.any():
            return [], bounds.atoms[:0], set()
        if count == components:
            break
        components = count
        node_of = np.zeros(count, dtype=np.int64)
        node_of[label] = np.arange(total_nodes)
        between = np.where(side == 0, k, 0)
        for j in range(m):
            a, b = _merges(tuples, between, j, k, False)
            edges_u.append(node_of[a])
            edges_v.append(node_of[b])
    zero = np.zeros(count, dtype=bool)
    zero[label[rest]] = True
    classes = sorted({int(c) for c in np.unique(tuples) if not zero[c]})
    index = {c: i + 1 for i, c in enumerate(classes)}  # 0: the overall cell
    rows, columns = [], []
    for g in range(len(tuples)):
        unknowns = ([0] if shown[0] else []) + [index[int(c)] for c in tuples[g] if int(c) in index]
        rows.extend([g] * len(unknowns))
        columns.extend(unknowns)
    weights = csr_matrix(
        (np.ones(len(rows)), (rows, columns)), shape=(len(tuples), len(classes) + 1)
    )
    at_bound = np.flatnonzero(side)
    between = np.flatnonzero(side == 0)
    n_t = len(at_bound)
    t = csr_matrix((np.ones(n_t), (np.arange(n_t), np.arange(n_t))), shape=(n_t, n_t))
    # -v + t <= 0 at a lower bound, v + t <= 0 at an upper one
    signs = csr_matrix((side[at_bound].astype(float), (np.arange(n_t), np.arange(n_t))))
    upper = hstack([signs @ weights[at_bound], t]).tocsr()
    equal = hstack([weights[between], csr_matrix((len(between), n_t))]).tocsr()
    n_lambda = len(classes) + 1
    result = linprog(
        np.concatenate([np.zeros(n_lambda), -np.ones(n_t)]),
        A_ub=upper,
        b_ub=np.zeros(n_t),
        A_eq=equal if len(between) else None,
        b_eq=np.zeros(len(between)) if len(between) else None,
        bounds=[(None, None)] * n_lambda + [(0, 1)] * n_t,
        method="highs",
    )
    worst = {int(s) for s in np.flatnonzero(shown)}  # every shown cell may be part of it
    if result.status != 0:
        return [worst], bounds.atoms, worst
    pinnable = np.zeros(len(tuples), dtype=bool)
    pinnable[at_bound] = result.x[n_lambda:] > 1e-6
    if not pinnable.any():
        return [], bounds.atoms[:0], set()
    solution = {u: w for u, w in enumerate(result.x[:n_lambda]) if abs(w) > 1e-9}
    cells = _cells_of(solution, classes, label, shown)
    pinned = pinnable[group]
    if bounds.any_size:
        return [cells], bounds.atoms[pinned], cells
    # Answers: pinned answers of k or more people, or of people in a shown group whose
    # answers all lie at one end of the scale, are what a shown group's mean and SD say
    # anyway; a group below k pinned otherwise is disclosed.
    harmless = _in_uniform_cells(model, bounds, shown)
    if (pinned & (bounds.people < k) & ~harmless).any():
        return [cells], bounds.atoms[pinned], cells
    return [], bounds.atoms[pinned], cells


def _in_uniform_cells(model: _Model, bounds: _Bounds, shown: np.ndarray) -> np.ndarray:
    """Which of the bounds' atoms lie in a shown cell all of whose atoms are at the same
    bound (everyone in it answered the scale's lowest, or everyone its highest)."""
    n_segments = len(model.spec_of)
    low = np.full(n_segments, 2, dtype=np.int64)
    high = np.full(n_segments, -2, dtype=np.int64)
    coords = model.coords[bounds.atoms]
    for j in range(model.specs):
        inside = coords[:, j] >= 0
        np.minimum.at(low, coords[inside, j], bounds.side[inside])
        np.maximum.at(high, coords[inside, j], bounds.side[inside])
    low[0], high[0] = bounds.side.min(), bounds.side.max()
    uniform = shown & (low == high) & (low != 0)
    out = np.full(len(bounds.atoms), bool(uniform[0]))
    for j in range(model.specs):
        inside = coords[:, j] >= 0
        out[inside] |= uniform[coords[inside, j]]
    return out


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
