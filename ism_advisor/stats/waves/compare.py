"""The comparison of waves: :func:`compare_waves` and its result, :class:`WaveComparison`
(see :mod:`ism_advisor.stats.waves`), and the checks of its input."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ...core.errors import N_, AdvisorError
from ..segments import frame_segment_codes
from .independent import Cells, adoption_change_table, adoption_table, independent_changes
from .paired import match_pairs, paired_adoption_table, paired_changes
from .tables import finish_table

#: The heteroscedasticity-consistent covariance of the change in the gap (see the package
#: docstring for the reasons); statsmodels' ``cov_type`` of the same name gives the same
#: standard error.
GAP_COV_TYPE = "HC2"


@dataclass(frozen=True)
class WaveComparison:
    """The change tables of a run over several waves.

    Attributes
    ----------
    segments : one row per segment, all respondents first, in the order and with the labels
        of :func:`ism_advisor.stats.compare.compare_groups`: ``spec`` (tuple of segment columns,
        ``()`` for all respondents), ``column`` and ``value`` (labels, None for all
        respondents) and ``where`` (column → value). A segment present in any wave is
        listed. A respondent with a blank segment value is left out of that segmentation.
    changes : independent samples; one row per segment × comparison × factor × group (in
        that order: comparisons as in ``comparisons``, factors as given, groups as
        :data:`GROUPS`), with :data:`CHANGE_COLUMNS`:

        - ``segment``: row number in ``segments``; ``factor``: the factor column;
          ``group``: ``users``, ``non_users``, ``all`` or ``gap``;
        - ``from_wave``, ``to_wave``: the wave labels (text) compared, earlier first;
        - ``from_mean``, ``to_mean``: the group's mean score in each wave; for ``gap`` the
          gap in each wave (gap orientation: positive = non-users lag);
        - ``from_n``, ``to_n``: respondents with a score in each wave (for ``gap``: users
          plus non-users);
        - ``difference`` = ``to_mean`` − ``from_mean``, with the 95% interval ``ci_low``,
          ``ci_high``, two-sided ``p``, its standard error ``se`` and degrees of freedom
          ``df``. Groups: Welch's test of the later against the earlier wave, as
          ``scipy.stats.ttest_ind(later, earlier, equal_var=False)`` and its
          ``confidence_interval``. ``gap``: the difference in differences, the group ×
          wave coefficient (signed to the gap orientation) of an OLS with
          :data:`GAP_COV_TYPE` errors, t with the Welch–Satterthwaite degrees of freedom of
          the four cells' own variances (not Bell–McCaffrey's; see :mod:`ism_advisor.stats.waves`);
        - ``p_holm``: Holm over the factors of one segment, comparison and group;
          ``significant`` = ``p_holm < alpha`` (nullable boolean, NA without a p);
        - ``improvement``: the difference in the favourable direction: ``difference`` for
          a higher-is-better factor, −``difference`` for a higher-is-worse one, and
          −``difference`` for ``gap`` (a gap that shrinks is an improvement);
        - ``hedges_g`` of the later against the earlier wave and its 95% interval, as
          ``pingouin.compute_effsize(later, earlier, eftype="hedges")`` and
          ``pingouin.compute_esci``; NaN for ``gap``;
        - ``check``, ``check_p``: the rank-based check and its p: ``mann_whitney``
          (``scipy.stats.mannwhitneyu(later, earlier)``, asymptotic, tie- and
          continuity-corrected) for the groups, None and NaN for ``gap``;
        - ``from_users_n``, ``from_non_users_n``, ``to_users_n``, ``to_non_users_n``:
          the respondents with a score behind the row, per wave and group (for the
          disclosure stage; ``users`` rows count no non-users, and so on).
    adoption : one row per segment × wave, :data:`ADOPTION_COLUMNS`: ``users``,
        ``non_users``, ``respondents`` (everyone with a usage answer in the segment) and
        ``share`` = users / respondents (NaN without respondents).
    adoption_change : one row per segment × comparison, :data:`ADOPTION_CHANGE_COLUMNS`:
        both waves' counts and shares, ``difference`` = later − earlier share, Newcombe's
        hybrid score interval (``ci_low``, ``ci_high``; statsmodels'
        ``confint_proportions_2indep(..., method="newcomb")``), ``p`` of the "N − 1"
        two-proportion z-test (Pearson's χ² of the 2 × 2 table, as
        ``scipy.stats.chi2_contingency(table, correction=False)``, times (N − 1)/N;
        Campbell 2007), ``significant`` = ``p < alpha``.
    paired_changes : with a respondent key, the same rows and columns as ``changes`` for
        the people who answered both waves of a comparison (None without a key). A pair
        counts in the segment and group (user or non-user) it had in the *earlier* wave,
        so that ``users`` and ``non_users`` are the same people in both waves; ``from_n`` =
        ``to_n`` = the pairs with a score in both waves. Groups: the paired t-test
        (``scipy.stats.ttest_rel(later, earlier)``), ``hedges_g`` as
        ``pingouin.compute_effsize(later, earlier, paired=True, eftype="hedges")`` with
        ``compute_esci(..., paired=True)``, check ``wilcoxon``
        (``scipy.stats.wilcoxon(later, earlier, correction=True,
        method="asymptotic")``). ``gap``: the change in the gap between the earlier
        wave's users and non-users, i.e. the difference of their mean changes, Welch's
        test on the changes (the same as an OLS of the change on the group with HC2
        errors); check ``mann_whitney`` on the changes. The counts ``to_users_n`` and
        ``to_non_users_n`` repeat the earlier wave's groups.

        Why the earlier wave's groups: people move between the groups (they start or stop
        using the platform), so "users in both waves" would select people by the outcome
        the campaign aims at, and a gap between the later wave's groups compares other
        people than the earlier gap. Fixed groups (cohorts) make the paired gap a true
        difference in differences of the same people; those who started using the
        platform stay in ``non_users`` and their change counts there (the cohort analysis
        of an intervention).
    paired_adoption_change : with a respondent key, one row per segment × comparison,
        :data:`PAIRED_ADOPTION_CHANGE_COLUMNS`: ``pairs``, users among them in each wave,
        ``started`` (non-user → user) and ``stopped`` (user → non-user), ``difference`` =
        (started − stopped) / pairs, Newcombe's paired interval (method 10, Newcombe
        1998), ``p`` of the exact McNemar test (statsmodels'
        ``mcnemar(table, exact=True)``), and the respondents left out: ``from_only``
        (earlier wave, no answer in the later one; counted in their earlier segment) and
        ``to_only`` (the reverse; counted in their later segment).
    waves : the wave labels in time order.
    comparisons : the (earlier, later) wave labels compared, in output order.
    factors : the factor columns, in output order.
    higher_is_worse : the factors where a higher score is worse.
    alpha : the significance level of ``significant``.
    segment_by : the segmentations after all respondents.
    """

    segments: pd.DataFrame
    changes: pd.DataFrame
    adoption: pd.DataFrame
    adoption_change: pd.DataFrame
    paired_changes: pd.DataFrame | None
    paired_adoption_change: pd.DataFrame | None
    waves: tuple[str, ...]
    comparisons: tuple[tuple[str, str], ...]
    factors: tuple[str, ...]
    higher_is_worse: frozenset[str]
    alpha: float
    segment_by: tuple[tuple[str, ...], ...]


def compare_waves(
    data: pd.DataFrame,
    factors: Sequence[str],
    *,
    wave: str = "wave",
    user: str = "is_user",
    segment_by: Sequence[str | Sequence[str]] = (),
    waves: Sequence[Hashable] | None = None,
    higher_is_worse: Iterable[str] = (),
    respondent: str | None = None,
    alpha: float = 0.05,
) -> WaveComparison:
    """Compare survey waves: change per segment, factor and group, and adoption growth.

    Parameters
    ----------
    data : one row per respondent per wave (all waves stacked), never modified.
    factors : the factor score columns (float; NaN where a respondent has no score).
    wave : the column naming each row's wave.
    user : the column telling users (True) from non-users (False); boolean, no blanks.
    segment_by : segmentations, each a column or a sequence of columns (a combination,
        e.g. ``["organisation", ["organisation", "department"]]``). Segment values are
        ordered as the column's categories, or sorted when it is not categorical.
    waves : the wave labels in time order. By default the categories of a categorical
        ``wave`` column, else the order in which the labels first appear in ``data``.
    higher_is_worse : the factors where a higher score is worse (for the gap orientation
        and ``improvement``).
    respondent : a column with a key that identifies a respondent across waves; adds the
        paired tables. A blank key is never matched.
    alpha : the significance level for ``significant``.

    Returns
    -------
    WaveComparison
        See its attributes for every table and column.

    Raises
    ------
    AdvisorError
        When the data name fewer than two waves, a respondent key appears twice in one
        wave, or ``alpha`` is not between 0 and 1.
    ValueError
        When a column is missing, ``user`` is not boolean, or a wave label is blank or
        not among ``waves`` (the loader validates these with the file's row numbers).

    Examples
    --------
    >>> data = pd.DataFrame(
    ...     {
    ...         "wave": ["spring"] * 4 + ["autumn"] * 4,
    ...         "is_user": [True, True, False, False] * 2,
    ...         "effort": [2.0, 3.0, 4.0, 5.0, 2.0, 3.0, 3.0, 4.0],
    ...     }
    ... )
    >>> result = compare_waves(data, ["effort"], higher_is_worse=["effort"])
    >>> result.changes[["group", "from_mean", "to_mean", "difference"]]
           group  from_mean  to_mean  difference
    0      users        2.5      2.5         0.0
    1  non_users        4.5      3.5        -1.0
    2        all        3.5      3.0        -0.5
    3        gap        2.0      1.0        -1.0
    >>> result.adoption_change[["from_wave", "to_wave", "difference"]]
      from_wave to_wave  difference
    0    spring  autumn         0.0
    """
    if not 0 < alpha < 1:
        raise AdvisorError(N_("alpha must lie between 0 and 1, got {value}"), value=alpha)
    factors = tuple(factors)
    worse = frozenset(higher_is_worse)
    specs: list[tuple[str, ...]] = [()]
    for spec in segment_by:
        spec = (spec,) if isinstance(spec, str) else tuple(spec)
        if spec and spec not in specs:
            specs.append(spec)
    _check_columns(data, factors, worse, wave, user, specs, respondent)
    wave_code, labels = _wave_codes(data[wave], waves)
    if len(labels) < 2:
        raise AdvisorError(
            N_("comparing survey waves needs at least two waves, got {count}"),
            count=len(labels),
        )
    is_user = _booleans(data[user], user)
    values = [data[f].to_numpy(dtype=float) for f in factors]  # views where already float
    sign = np.array([-1.0 if f in worse else 1.0 for f in factors])
    count_w = len(labels)
    pairs = [(a, a + 1) for a in range(count_w - 1)]
    if count_w > 2:
        pairs.append((0, count_w - 1))
    matched = None
    if respondent is not None:
        keys = _respondent_codes(data[respondent], wave_code, labels)
        matched = match_pairs(keys, wave_code, count_w, pairs)

    seg_rows: list[dict] = []
    found: dict[str, list[pd.DataFrame]] = {}
    for spec in specs:
        codes, seg_labels = frame_segment_codes(data, spec)
        offset = len(seg_rows)
        for values_ in seg_labels:
            seg_rows.append(
                {
                    "spec": spec,
                    "column": "+".join(spec) if spec else None,
                    "value": " / ".join(values_) if spec else None,
                    "where": dict(zip(spec, values_, strict=True)),
                }
            )
        count = len(seg_labels)
        cells = Cells.build(codes, count, wave_code, count_w, is_user, values)
        frames = {
            "changes": independent_changes(cells, codes, wave_code, is_user, values, sign, pairs),
            "adoption": adoption_table(cells),
            "adoption_change": adoption_change_table(cells, pairs),
        }
        if matched is not None:
            frames["paired_changes"] = paired_changes(matched, codes, count, is_user, values, sign)
            frames["paired_adoption_change"] = paired_adoption_table(matched, codes, count, is_user)
        for name, frame in frames.items():
            frame["segment"] += offset
            found.setdefault(name, []).append(frame)

    segments = pd.DataFrame(seg_rows)
    for label in ("column", "value"):  # keep None, not NaN, for all respondents
        segments[label] = pd.Series([row[label] for row in seg_rows], dtype=object)
    wave_text = tuple(str(label) for label in labels)
    tables = {
        name: finish_table(pd.concat(frames, ignore_index=True), factors, wave_text, pairs, alpha)
        for name, frames in found.items()
    }
    return WaveComparison(
        segments=segments,
        changes=tables["changes"],
        adoption=tables["adoption"],
        adoption_change=tables["adoption_change"],
        paired_changes=tables.get("paired_changes"),
        paired_adoption_change=tables.get("paired_adoption_change"),
        waves=wave_text,
        comparisons=tuple((wave_text[a], wave_text[b]) for a, b in pairs),
        factors=factors,
        higher_is_worse=worse,
        alpha=alpha,
        segment_by=tuple(specs[1:]),
    )


# -- input ---------------------------------------------------------------------------------


def _check_columns(
    data: pd.DataFrame,
    factors: tuple[str, ...],
    worse: frozenset[str],
    wave: str,
    user: str,
    specs: list[tuple[str, ...]],
    respondent: str | None,
) -> None:
    if not factors:
        raise ValueError("no factors to compare")
    if len(set(factors)) != len(factors):
        raise ValueError(f"factors named twice: {factors}")
    unknown = sorted(worse - set(factors))
    if unknown:
        raise ValueError(f"higher_is_worse names columns that are not factors: {unknown}")
    wanted = [wave, user, *factors, *(c for spec in specs for c in spec)]
    if respondent is not None:
        wanted.append(respondent)
    missing = [c for c in dict.fromkeys(wanted) if c not in data.columns]
    if missing:
        raise ValueError(f"columns missing from the data: {missing}")


def _wave_codes(column: pd.Series, waves: Sequence[Hashable] | None) -> tuple[np.ndarray, list]:
    """Each row's wave number (0 = earliest) and the wave labels in time order."""
    if waves is not None:
        labels = list(waves)
        if len(set(labels)) != len(labels):
            raise ValueError(f"waves named twice: {labels}")
        codes = pd.Index(labels).get_indexer(column).astype(np.int64)
    elif isinstance(column.dtype, pd.CategoricalDtype):
        labels = list(column.cat.categories)
        codes = column.cat.codes.to_numpy().astype(np.int64)
    else:
        codes, uniques = pd.factorize(column, sort=False)
        labels = list(uniques)
    if (codes < 0).any():
        raise ValueError(
            f"{int((codes < 0).sum())} rows have a blank wave or one not among {labels}"
        )
    return codes, labels


def _booleans(column: pd.Series, name: str) -> np.ndarray:
    if column.dtype == bool or (str(column.dtype) == "boolean" and not column.isna().any()):
        return column.to_numpy(dtype=bool)
    raise ValueError(f"column {name!r} must be boolean without blanks, got {column.dtype}")


def _respondent_codes(column: pd.Series, wave_code: np.ndarray, labels: list) -> np.ndarray:
    """Each row's respondent number (-1: no key); a key may appear once per wave."""
    keys, uniques = pd.factorize(column, sort=False)
    keys = keys.astype(np.int64)
    count_w = len(labels)
    known = keys >= 0
    seen = np.bincount(keys[known] * count_w + wave_code[known], minlength=len(uniques) * count_w)
    twice = (seen > 1).reshape(len(uniques), count_w)
    if twice.any():
        first = int(np.flatnonzero(twice.any(axis=0))[0])
        # the key itself may be personal data (an e-mail address): name only the wave
        raise AdvisorError(
            N_(
                "respondent ids occur more than once in wave '{wave}';"
                " each respondent answers a wave once"
            ),
            wave=str(labels[first]),
        )
    return keys
