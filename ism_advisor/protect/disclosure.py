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
(``solver.find_pinned``: Farkas' lemma turns "pinned" into a weighting of the shown cells, so
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

Across runs (publication memory)
--------------------------------
Two runs on the same respondents, each safe on its own, are two sets of cells a reader
can put side by side. With a store and a client (``earlier``), the cells the client's
earlier runs published on the same respondents are fixed: the model's segments are this
run's and those earlier runs' (their segmentations that this run lacks added after this
run's own), the cells an earlier run showed count as shown whatever this run decides, its
hidden ones stay unpublished, and only this run's cells that no earlier run showed can be
hidden. Everything above then applies to the union, unchanged.
:mod:`ism_advisor.protect.memory` says which records apply and what is not covered.

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

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..core.errors import N_, P_, AdvisorError, Message
from ..stats.compare import COMPARISON_COLUMNS, Comparison
from ..stats.tests import holm
from ..survey import Survey
from ..survey.codebook import Factor
from . import memory
from .patterns import (
    Bounds,
    Check,
    Model,
    count_bounds,
    scale_end_bounds,
    signatures,
    small_set_checks,
)
from .solver import find_derivation, find_disclosed, find_pinned

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


_EARLIER = "earlier"  # hidden by an earlier run to protect others: fixed, never shown again


@dataclass(frozen=True)
class Fixed:
    """Cells an earlier run decided (publication memory, :mod:`ism_advisor.protect.memory`).

    The model's segments are the run's own, then those of the earlier runs'
    segmentations that this run does not have. ``reasons``/``factor_reasons`` give those
    extra segments' (and their comparisons') fixed state: None shown, ``_PRIMARY`` or
    ``_EARLIER`` hidden; ``published``/``factor_published`` mark every cell an earlier run
    showed (counted as shown whatever this run decides: it is out already). Only the run's
    own cells that no earlier run showed are *free*: the suppression hides only those.
    """

    own: int  # the run's own segments: rows 0 .. own - 1
    reasons: np.ndarray  # extra segments' reasons (rows own ..)
    factor_reasons: np.ndarray  # extra segments × factors
    published: np.ndarray  # every segment: shown by an earlier run
    factor_published: np.ndarray  # segments × factors

    @classmethod
    def of(cls, union: memory.Earlier, n_factors: int) -> Fixed:
        reasons = np.where(
            union.hidden, np.where(union.protected, _EARLIER, _PRIMARY), None
        ).astype(object)
        shown = union.factor_published[union.own :]
        return cls(
            own=union.own,
            reasons=reasons,
            factor_reasons=np.where(shown, None, _EARLIER).astype(object),
            published=union.published,
            factor_published=union.factor_published,
        )

    def free(self, f: int | None = None) -> np.ndarray:
        published = self.published if f is None else self.factor_published[:, f]
        out = ~published
        out[self.own :] = False
        return out

    def published_of(self, f: int | None = None) -> np.ndarray:
        return self.published if f is None else self.factor_published[:, f]


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
    #: the earlier runs this one was checked against (publication memory): per run its
    #: ``run`` id, ``segment_by`` and ``min_group_size``
    checked: tuple[dict, ...] = ()

    def hidden(self) -> dict[str, int]:
        """How many segments, and comparisons of shown segments, were hidden."""
        reasons = self.comparisons["suppressed_reason"]
        return {
            "segments": int(self.segments["suppressed"].sum()),
            "comparisons": int((reasons == REASON_ANONYMITY).sum()),
        }


def publish(
    survey: Survey,
    comparison: Comparison,
    min_group_size: int = 5,
    earlier: Sequence[dict] = (),
    *,
    refuse_nearly: bool = True,
) -> Published:
    """Decide what of ``comparison`` (computed from ``survey``) may be shown.

    ``earlier``: the records of the client's earlier runs
    (:func:`ism_advisor.protect.memory.published_cells`). Those made on the same
    respondents fix their cells, and this run's cells are decided so that the union of
    everything published discloses no small set (:mod:`ism_advisor.protect.memory`);
    ``survey.segments`` must then hold their segment columns too (a record whose column
    it lacks cannot apply).

    Raises :class:`~ism_advisor.core.errors.AdvisorError` when ``min_group_size`` is below the
    floor, when there are too few users or non-users in total to show anything, or when
    an earlier run was made on nearly the same respondents
    (:func:`ism_advisor.protect.memory.applying`; not with ``refuse_nearly`` False: a
    run's earlier waves, whose respondents are other answers).

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
    fixed, checked = None, ()
    union = None
    if earlier:
        union = memory.union_model(survey, comparison, earlier, k, refuse_nearly=refuse_nearly)
    if union is None:
        model = Model.build(survey, comparison)
    else:
        model, fixed, checked = union.model, Fixed.of(union, len(factors)), union.checked
    n_segments, n_factors = len(segments), len(factors)
    segment_reason = protect_segments(model, k, fixed)
    comparisons = comparison.comparisons.copy()
    reasons = np.full((n_segments, n_factors), None, dtype=object)
    not_asked = set(survey.not_asked)
    for f in range(n_factors):
        reasons[:, f] = _protect_factor(model, f, segment_reason, k, fixed)[:n_segments]
    segment_reason = segment_reason[:n_segments]  # the earlier runs' own segments go
    for f in range(n_factors):
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
        checked=checked,
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


def protect_segments(model: Model, k: int, fixed: Fixed | None = None) -> np.ndarray:
    """Each segment's reason to be hidden (None: shown); ``fixed``: the cells earlier
    runs decided (publication memory)."""
    users, non_users = model.segment_users, model.segment_non_users
    reason = np.full(len(users), None, dtype=object)
    primary = (users < k) | (non_users < k)
    primary[0] = False  # all respondents: checked by the caller
    reason[primary] = _PRIMARY
    if fixed is not None:
        reason[fixed.own :] = fixed.reasons
    checks = small_set_checks(model.users, model.non_users)
    bounds = [count_bounds(model.users, model.non_users)]
    size = np.minimum(users, non_users) * (1 << 32) + users + non_users
    _secondary(model, checks, bounds, reason, size, k, targets=(), fixed=_Free.of(fixed))
    return reason


def _protect_factor(
    model: Model, f: int, segment_reason: np.ndarray, k: int, fixed: Fixed | None = None
) -> np.ndarray:
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
            scale_end_bounds(
                model.answered[g][:, f], model.lowest[g][:, f], model.highest[g][:, f], check
            )
            for check, g in enumerate((1, 0))
        ],
        fixed=None if fixed is None else (fixed, f),
    )


def _protect_answers(
    model: Model,
    answered: tuple[np.ndarray, np.ndarray],
    cells: tuple[np.ndarray, np.ndarray],
    segment_reason: np.ndarray,
    k: int,
    answer_bounds: Sequence[Bounds] = (),
    fixed: tuple[Fixed, int] | None = None,
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
    free = None
    if fixed is not None:
        table, f = fixed
        own = table.own
        reason[own:] = np.where(
            reason[own:] == REASON_SEGMENT, REASON_SEGMENT, table.factor_reasons[:, f]
        )
        free = _Free.of(table, f)
    answered_users, answered_non_users = answered
    size = np.minimum(users, non_users) * (1 << 32) + users + non_users
    checks = small_set_checks(answered_users, answered_non_users)
    bounds = list(answer_bounds)
    if (
        (segment_reason == None).all()  # noqa: E711 - nothing hidden: no targets
        and (reason == None).all()  # noqa: E711
        and np.array_equal(answered_users, model.users)
        and np.array_equal(answered_non_users, model.non_users)
    ):
        # everyone answered: the small-set checks are the segments' (passed); the bounds
        # of the answers are not
        _secondary(model, checks, bounds, reason, size, k, targets=(), linear=False, fixed=free)
        return reason
    bounds.append(count_bounds(answered_users, answered_non_users))
    targets = []
    # A segment hidden because a group is too small keeps that group hidden here through
    # the small-set checks; its other group may show, as any group of k or more may.
    for segment in np.flatnonzero(np.isin(segment_reason, (_SECONDARY, _EARLIER))):
        for check in checks:
            inside = _inside(model, check.atoms, int(segment))
            if not inside.any():
                continue
            # a group the earlier runs' cells give on their own is published as that group
            # (as a hidden segment's group that is a shown group itself): out already
            if free is not None and find_derivation(model, check, free.published, inside):
                continue
            targets.append((check, inside))
    _secondary(model, checks, bounds, reason, size, k, targets=targets, fixed=free)
    return reason


@dataclass(frozen=True)
class _Free:
    """What :func:`_secondary` needs of :class:`Fixed` for one kind of cell."""

    free: np.ndarray
    published: np.ndarray

    @classmethod
    def of(cls, fixed: Fixed | None, f: int | None = None) -> _Free | None:
        if fixed is None:
            return None
        return cls(fixed.free(f), fixed.published_of(f))


def _inside(model: Model, atoms: np.ndarray, segment: int) -> np.ndarray:
    """Which of ``atoms`` belong to ``segment``."""
    spec = model.spec_of[segment]
    if spec < 0:
        return np.ones(len(atoms), dtype=bool)
    return model.coords[atoms, spec] == segment


def _secondary(
    model: Model,
    checks: Sequence[Check],
    bounds: Sequence[Bounds],
    reason: np.ndarray,
    size: np.ndarray,
    k: int,
    targets: Sequence[tuple[Check, np.ndarray]],
    linear: bool = True,
    fixed: _Free | None = None,
) -> None:
    """Hide more cells (``reason`` updated in place) until no check discloses a small set,
    no figure is pinned at one of its ``bounds`` and no target set follows from the shown
    cells; then show again every cell hidden for protection that is not needed after all
    (largest first).

    Every round analyses all checks, then hides one cell per disclosed set found: the
    smallest (by ``size``) of the cells its derivation uses, with every cell holding the
    same respondents. Hiding only ever shrinks what can be derived, so this ends.

    With ``fixed`` (publication memory) the cells earlier runs showed count as shown
    whatever ``reason`` says, and only the free cells may be hidden: a derivation that
    uses no free cell is out already (an earlier run's own) and is passed over; the
    rounds end when every disclosed set found is of that kind.
    """
    signature = signatures(model, [*checks, *bounds])

    def problems(shown: np.ndarray) -> list[set[int]]:
        if fixed is not None:
            shown = shown | fixed.published
        found: list[set[int]] = []
        if linear:
            for check in checks:
                found.extend(find_disclosed(model, check, shown, k))
        if not found:
            for bound in bounds:
                certificates, pinned, cells = find_pinned(model, bound, shown, k)
                found.extend(certificates)
                if certificates or bound.check < 0 or not len(pinned):
                    continue
                # known sums: the small sets of the rest, with the pinned atoms free
                check = checks[bound.check]
                keep = ~np.isin(check.atoms, pinned)
                rest = Check(check.atoms[keep], check.cost[keep])
                found.extend(c | cells for c in find_disclosed(model, rest, shown, k))
        if not found:
            for check, inside in targets:
                cells = find_derivation(model, check, shown, inside)
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
        free = np.ones(len(reason), dtype=bool) if fixed is None else fixed.free
        for cells in found:
            if cells & chosen:
                continue  # that derivation is broken already
            candidates = sorted(c for c in cells if c != 0 and model.spec_of[c] >= 0)
            if not candidates:
                raise AssertionError("a protected set follows from the overall figures alone")
            candidates = [c for c in candidates if free[c] and shown[c]]
            if not candidates:
                continue  # published by earlier runs alone: out already
            cell = min(candidates, key=lambda c: (size[c], c))
            twins = np.flatnonzero(
                shown & free & (signature == signature[cell]) & (model.spec_of >= 0)
            )
            chosen.update(int(t) for t in twins)
            chosen.add(cell)
        if not chosen:
            break  # only the earlier runs' own derivations are left
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
