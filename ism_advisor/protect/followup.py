"""Several survey waves in one run: what changed since the last survey, as published.

:func:`ism_advisor.stats.waves.compare_waves` computes every change figure; this module decides
which of them may be shown and hands them to the document, the rules and the report.

Anonymity. Every wave goes through the disclosure stage (:func:`~ism_advisor.protect.disclosure.
publish`) on its own. A change figure of a segment and factor is shown only when that
comparison is shown in *both* waves it compares, and an adoption change only when the
segment is shown in both. A change row then reveals nothing the two waves' own reports do
not: its means and ns are those waves' published figures (the ``all`` group and the gap
follow from the users' and non-users' n, mean and SD), so differencing across the waves
cannot reach a cell either wave hid. The remaining risk, which no figure-level rule can
remove: a reader who knows that one person joined or left a group between the waves can
difference the two waves' published counts and means to learn about that person. Waves
are independent samples here (anonymous surveys); the paired analysis of
:func:`~ism_advisor.stats.waves.compare_waves` is not offered on the command line, because the
cells of the people who answered both waves are not protected by the disclosure stage.

Reading the waves (:mod:`ism_advisor.survey.waves`) and the advice's part (the interventions
carried out, the change facts: :mod:`ism_advisor.advice.changes`) live elsewhere.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import special

from ..core.errors import N_, Message
from ..core.jsonvalue import json_value
from ..stats.tests import holm
from ..stats.waves import (
    JSON_ADOPTION_CHANGE_FIELDS,
    JSON_ADOPTION_FIELDS,
    JSON_CHANGE_FIELDS,
    WaveComparison,
    compare_waves,
)
from ..survey import Survey
from .disclosure import Published

__all__ = [
    "FollowUp",
    "Wave",
    "follow_up",
    "outcome",
]

_WAVE = "__wave__"
_USER = "__is_user__"


@dataclass(frozen=True)
class Wave:
    """One survey wave, read and published."""

    name: str
    survey: Survey
    published: Published


@dataclass(frozen=True)
class FollowUp:
    """What changed, as far as it may be shown, per segment of the latest wave.

    ``segments`` has one entry per row of the latest wave's published segments:
    ``changes`` (list of dicts with the JSON change fields), ``adoption`` (list, one per
    wave the segment is shown in) and ``adoption_change`` (between the last two waves;
    None when not shown in both).
    ``facts`` has, per segment, the change figures the rules see: ``segment`` (figures of
    the segment fact) and ``factors`` (factor id → figures of its comparison fact).
    Each entry of ``segments`` also has ``outcomes``: factor id → the verdict on its
    change between the last two waves (:func:`outcome`), for the factors shown.
    """

    waves: tuple[str, ...]
    files: tuple[str, ...]
    left_out: tuple[str, ...]
    done: tuple[str, ...]
    segments: tuple[dict[str, Any], ...]
    facts: tuple[dict[str, Any], ...]
    warnings: tuple[Message, ...] = field(default=())
    #: the rules that test a change figure (the follow-up advice), in the rule base's order
    rules: tuple[str, ...] = ()


def follow_up(
    waves: Sequence[Wave],
    *,
    alpha: float,
    done: Sequence[str] = (),
    done_factors: frozenset[str] = frozenset(),
) -> FollowUp:
    """Compare the waves and keep what may be shown (see the module docstring)."""
    latest = waves[-1]
    factors = latest.published.factors
    left_out = tuple(
        f.id for f in factors if any(w.survey.scores[f.id].isna().all() for w in waves)
    )
    warnings = [
        Message(
            N_(
                "factor '{factor}' was not asked in wave '{wave}' (no column, or no answer in"
                " any row): left out of the change figures"
            )
            if w is not latest
            else N_(
                "factor '{factor}' was not asked in wave '{wave}' (no column, or no answer in"
                " any row): left out of the change figures and of the latest wave's comparison"
                " of users and non-users"
            ),
            {"factor": f, "wave": w.name},
        )
        for f in left_out
        for w in waves
        if f in w.survey.not_asked
    ]
    kept = [f.id for f in factors if f.id not in left_out]
    worse = [f.id for f in factors if f.direction == "higher_is_worse" and f.id in kept]
    comparison = _compare(waves, kept, worse, alpha)
    names = tuple(w.name for w in waves)
    shown_segment = [_shown_segments(w.published) for w in waves]
    shown_cell = [_shown_cells(w.published) for w in waves]
    index_of = {name: i for i, name in enumerate(names)}
    keys = [(r["column"], r["value"]) for r in comparison.segments.to_dict("records")]
    last_pair = (names[-2], names[-1])

    per_key: dict[tuple, dict[str, Any]] = {}
    shown_rows = []
    for row in comparison.changes.to_dict("records"):
        key = keys[row["segment"]]
        a, b = index_of[row["from_wave"]], index_of[row["to_wave"]]
        cell = (key, row["factor"])
        if cell in shown_cell[a] and cell in shown_cell[b]:
            shown_rows.append(row)
    _holm_over_shown(shown_rows, alpha)
    for row in shown_rows:
        key = keys[row["segment"]]
        entry = per_key.setdefault(key, _empty())
        entry["changes"].append({name: json_value(row[name]) for name in JSON_CHANGE_FIELDS})
        if (row["from_wave"], row["to_wave"]) == last_pair:
            figures = entry["facts"]["factors"].setdefault(row["factor"], {})
            significant = None if pd.isna(row["significant"]) else bool(row["significant"])
            if row["group"] == "gap":
                figures["gap_change"] = json_value(row["difference"])
                figures["gap_change_p"] = json_value(row["p_holm"])
                figures["change_significant"] = significant
            elif row["group"] == "non_users":
                figures["non_users_change"] = json_value(row["improvement"])
                figures["non_users_significant"] = significant
                figures["non_users_improved"] = (
                    None if significant is None else significant and row["improvement"] > 0
                )
    for row in comparison.adoption.to_dict("records"):
        key = keys[row["segment"]]
        if key in shown_segment[index_of[row["wave"]]]:
            entry = per_key.setdefault(key, _empty())
            entry["adoption"].append({name: json_value(row[name]) for name in JSON_ADOPTION_FIELDS})
    for row in comparison.adoption_change.to_dict("records"):
        key = keys[row["segment"]]
        if (row["from_wave"], row["to_wave"]) != last_pair:
            continue
        if key in shown_segment[-2] and key in shown_segment[-1]:
            entry = per_key.setdefault(key, _empty())
            entry["adoption_change"] = {
                name: json_value(row[name]) for name in JSON_ADOPTION_CHANGE_FIELDS
            }
            entry["facts"]["segment"] = {
                "adoption_change": json_value(row["difference"]),
                "adoption_change_p": json_value(row["p"]),
            }
    for wave in waves:
        for key, row in _shown_rows(wave.published):
            if row["factor"] in kept:
                entry = per_key.setdefault(key, _empty())
                entry["trend"].append(_trend_point(wave.name, row))
    for entry in per_key.values():
        for factor, figures in entry["facts"]["factors"].items():
            verdict = outcome(figures)
            figures.pop("non_users_significant", None)  # not a rule figure: in the outcome
            if verdict is not None:
                figures["outcome"] = entry["outcomes"][factor] = verdict
            if done:
                figures["acted_on"] = factor in done_factors
    segments, facts = [], []
    for row in latest.published.segments.to_dict("records"):
        key = (_label(row["column"]), _label(row["value"]))
        entry = per_key.get(key, _empty()) if not row["suppressed"] else _empty()
        facts.append(entry.pop("facts"))
        segments.append(entry)
    return FollowUp(
        waves=names,
        files=tuple(w.survey.path for w in waves),
        left_out=left_out,
        done=tuple(done),
        segments=tuple(segments),
        facts=tuple(facts),
        warnings=tuple(warnings),
    )


def outcome(figures: Mapping[str, Any]) -> str | None:
    """The verdict on a factor's change between the last two waves, from the change
    figures of one segment (``non_users_change``, positive for the better, and whether it
    is significant after Holm; ``gap_change``, negative when the gap narrowed, and
    ``change_significant``): the non-users' own change decides when it is significant;
    else a significant change in the gap; else ``no_change``. None when a figure is
    missing (a change not shown, or a p-value that could not be computed)."""
    non_users = figures.get("non_users_change")
    non_users_significant = figures.get("non_users_significant")
    gap = figures.get("gap_change")
    gap_significant = figures.get("change_significant")
    if non_users is None or gap is None or non_users_significant is None:
        return None
    if non_users_significant:
        return "improved" if non_users > 0 else "worse"
    if gap_significant is None:
        return None
    if gap_significant:
        return "improved" if gap < 0 else "worse"
    return "no_change"


def _holm_over_shown(rows: list[dict[str, Any]], alpha: float) -> None:
    """Holm again, over the factors *shown* in each segment, comparison and group (as the
    single-wave comparison adjusts over the shown comparisons): a hidden change's p must
    not move a shown one's adjusted p. Rewrites ``p_holm`` and ``significant`` in place."""
    families: dict[tuple, list[dict[str, Any]]] = {}
    for row in rows:
        family = (row["segment"], row["from_wave"], row["to_wave"], row["group"])
        families.setdefault(family, []).append(row)
    for members in families.values():
        adjusted = holm(np.array([[float(r["p"]) for r in members]]))[0]
        for row, p in zip(members, adjusted, strict=True):
            row["p_holm"] = p
            row["significant"] = pd.NA if np.isnan(p) else bool(p < alpha)


def _compare(
    waves: Sequence[Wave], factors: list[str], worse: list[str], alpha: float
) -> WaveComparison:
    """The waves stacked into one table and compared."""
    specs = waves[-1].published.segment_by
    columns = list(dict.fromkeys(name for spec in specs for name in spec))
    frames = []
    for wave in waves:
        frame = wave.survey.scores[factors].copy()
        frame[_USER] = wave.survey.is_user.astype(bool)
        frame[_WAVE] = wave.name
        for column in columns:
            if column in wave.survey.segments:
                frame[column] = wave.survey.segments[column].astype(object).to_numpy()
            else:
                frame[column] = np.nan
        frames.append(frame.reset_index(drop=True))
    data = pd.concat(frames, ignore_index=True)
    for column in columns:  # one sorted set of values over all waves, as each wave has
        values = sorted({v for v in data[column] if isinstance(v, str) and v})
        data[column] = pd.Categorical(data[column].where(data[column].notna()), values)
    return compare_waves(
        data,
        factors,
        wave=_WAVE,
        user=_USER,
        segment_by=[list(spec) for spec in specs],
        waves=[w.name for w in waves],
        higher_is_worse=worse,
        alpha=alpha,
    )


def _shown_rows(published: Published) -> list[tuple[tuple, dict]]:
    """(segment key, comparison row) of every comparison the wave shows."""
    segments = published.segments.to_dict("records")
    per = len(published.factors)
    out = []
    for index, row in enumerate(published.comparisons.to_dict("records")):
        segment = segments[index // per]
        if not (segment["suppressed"] or row["suppressed"]):
            out.append(((_label(segment["column"]), _label(segment["value"])), row))
    return out


def _trend_point(wave: str, row: Mapping[str, Any]) -> dict[str, Any]:
    """One wave's published means of a factor with their 95% t intervals (from the
    published n, mean and SD: nothing the wave's own report does not show)."""
    out: dict[str, Any] = {"wave": wave, "factor": row["factor"]}
    for group in ("users", "non_users"):
        n, mean, sd = row[f"{group}_n"], row[f"{group}_mean"], row[f"{group}_sd"]
        out[f"{group}_mean"] = json_value(mean)
        interval = None
        if n > 1 and np.isfinite(sd):
            half = float(special.stdtrit(n - 1, 0.975)) * sd / np.sqrt(n)
            interval = [json_value(mean - half), json_value(mean + half)]
        out[f"{group}_ci"] = interval
    return out


def _shown_segments(published: Published) -> set[tuple]:
    return {
        (_label(r["column"]), _label(r["value"]))
        for r in published.segments.to_dict("records")
        if not r["suppressed"]
    }


def _shown_cells(published: Published) -> set[tuple]:
    return {(key, row["factor"]) for key, row in _shown_rows(published)}


def _label(value: Any) -> str | None:
    return None if value is None or (isinstance(value, float) and np.isnan(value)) else value


def _empty() -> dict[str, Any]:
    return {
        "changes": [],
        "adoption": [],
        "adoption_change": None,
        "trend": [],
        "facts": {"segment": {}, "factors": {}},
        "outcomes": {},
    }
