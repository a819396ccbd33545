"""The tables of a comparison of waves: their columns, and the arrays of a segmentation
made into labelled rows with Holm's correction (:func:`finish_table`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..tests import (
    holm,
)

#: The groups of a change row, in output order; ``gap`` is the change in the gap.
GROUPS = ("users", "non_users", "all", "gap")


#: The columns of :attr:`WaveComparison.changes` and :attr:`WaveComparison.paired_changes`.
CHANGE_COLUMNS = (
    "segment",
    "factor",
    "group",
    "from_wave",
    "to_wave",
    "from_mean",
    "to_mean",
    "from_n",
    "to_n",
    "difference",
    "ci_low",
    "ci_high",
    "p",
    "p_holm",
    "significant",
    "improvement",
    "se",
    "df",
    "hedges_g",
    "hedges_g_ci_low",
    "hedges_g_ci_high",
    "check",
    "check_p",
    "from_users_n",
    "from_non_users_n",
    "to_users_n",
    "to_non_users_n",
)


#: The columns of :attr:`WaveComparison.adoption`.
ADOPTION_COLUMNS = ("segment", "wave", "users", "non_users", "respondents", "share")


#: The columns of :attr:`WaveComparison.adoption_change`.
ADOPTION_CHANGE_COLUMNS = (
    "segment",
    "from_wave",
    "to_wave",
    "from_users",
    "from_respondents",
    "from_share",
    "to_users",
    "to_respondents",
    "to_share",
    "difference",
    "ci_low",
    "ci_high",
    "p",
    "significant",
)


#: The columns of :attr:`WaveComparison.paired_adoption_change`.
PAIRED_ADOPTION_CHANGE_COLUMNS = (
    "segment",
    "from_wave",
    "to_wave",
    "pairs",
    "from_users",
    "to_users",
    "started",
    "stopped",
    "difference",
    "ci_low",
    "ci_high",
    "p",
    "significant",
    "from_only",
    "to_only",
)


#: The fields of one entry of a segment's ``changes`` list in the JSON document, each the
#: column of the same name in :attr:`WaveComparison.changes` (or ``paired_changes``).
JSON_CHANGE_FIELDS = (
    "factor",
    "group",
    "from_wave",
    "to_wave",
    "from_mean",
    "to_mean",
    "from_n",
    "to_n",
    "difference",
    "ci_low",
    "ci_high",
    "p",
    "p_holm",
)


#: The fields of one entry of a segment's ``adoption`` list (columns of ``adoption``).
JSON_ADOPTION_FIELDS = ("wave", "users", "respondents", "share")


#: The fields of a segment's ``adoption_change`` (columns of ``adoption_change``).
JSON_ADOPTION_CHANGE_FIELDS = ("from_wave", "to_wave", "difference", "ci_low", "ci_high", "p")


# -- tables --------------------------------------------------------------------------------


def to_frame(block: dict[str, np.ndarray], axes: tuple[str, ...]) -> pd.DataFrame:
    """One row per element of the arrays in ``block``, with their index on ``axes``."""
    shape = next(iter(block.values())).shape
    index = np.indices(shape).reshape(len(shape), -1)
    data = {axis: index[i] for i, axis in enumerate(axes)}
    data.update({name: array.reshape(-1) for name, array in block.items()})
    return pd.DataFrame(data)


_COUNTS = frozenset(
    {
        "from_n",
        "to_n",
        "from_users_n",
        "from_non_users_n",
        "to_users_n",
        "to_non_users_n",
        "users",
        "non_users",
        "respondents",
        "from_users",
        "from_respondents",
        "to_users",
        "to_respondents",
        "pairs",
        "started",
        "stopped",
        "from_only",
        "to_only",
    }
)


def finish_table(
    frame: pd.DataFrame,
    factors: tuple[str, ...],
    waves: tuple[str, ...],
    pairs: list[tuple[int, int]],
    alpha: float,
) -> pd.DataFrame:
    """Labels for the index codes, Holm and ``significant``, counts as integers."""
    frame = frame.copy()
    for name in _COUNTS.intersection(frame.columns):
        frame[name] = frame[name].astype(np.int64)
    if "wave" in frame:
        frame["wave"] = np.array(waves, dtype=object)[frame["wave"].to_numpy()]
        return frame[list(ADOPTION_COLUMNS)]
    comparison = frame.pop("comparison").to_numpy()
    frame["from_wave"] = np.array([waves[a] for a, _ in pairs], dtype=object)[comparison]
    frame["to_wave"] = np.array([waves[b] for _, b in pairs], dtype=object)[comparison]
    if "factor" not in frame:
        p = frame["p"].to_numpy()
        frame["significant"] = pd.array(np.where(np.isnan(p), None, p < alpha), dtype="boolean")
        columns = PAIRED_ADOPTION_CHANGE_COLUMNS if "pairs" in frame else ADOPTION_CHANGE_COLUMNS
        return frame[list(columns)]
    frame["factor"] = np.array(factors, dtype=object)[frame["factor"].to_numpy()]
    frame["group"] = np.array(GROUPS, dtype=object)[frame["group"].to_numpy()]
    # Holm over the factors of one segment, comparison and group
    shape = (-1, len(pairs), len(factors), len(GROUPS))
    p = frame["p"].to_numpy().reshape(shape).transpose(0, 1, 3, 2)
    adjusted = holm(p.reshape(-1, len(factors))).reshape(p.shape).transpose(0, 1, 3, 2)
    frame["p_holm"] = adjusted.reshape(-1)
    frame["significant"] = pd.array(
        np.where(np.isnan(frame["p_holm"]), None, frame["p_holm"] < alpha), dtype="boolean"
    )
    return frame[list(CHANGE_COLUMNS)]
