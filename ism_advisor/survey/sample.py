"""A reproducible synthetic survey that behaves like the white paper's data.

Respondents of three organisations answer the codebook's items on a 1–5 scale. Users and
non-users differ as the literature reports (see ``notes/domain.md``): d ≈ 0.4–0.6 on
performance expectancy, effort expectancy, reputation and collaboration norms, 0.6–0.8 on
the two social-influence factors, none on privacy; effort and performance expectancy
correlate (negatively here, because more expected effort is worse); and in one
organisation the effort gap dominates.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.files import Outputs
from ..core.inert import spreadsheet_cell
from .codebook import Codebook

__all__ = [
    "FOLLOWUP_CHANGES",
    "PLANTED_EFFECTS",
    "OrganisationProfile",
    "PlantedEffect",
    "SampleSurvey",
    "generate_followup",
    "generate_large",
    "generate_organisation",
    "generate_sample",
    "organisation_profiles",
    "planted_changes",
    "write_sample",
]

DEFAULT_SEED = 2015

# (organisation, department, respondents, adoption rate)
_UNITS = (
    ("Zorggroep Oost", "Zorg", 120, 0.35),
    ("Zorggroep Oost", "Facilitair", 45, 0.30),
    ("Zorggroep Oost", "Staf", 35, 0.50),
    ("Gemeente Rivierstad", "Burgerzaken", 60, 0.40),
    ("Gemeente Rivierstad", "Ruimte", 55, 0.42),
    ("Gemeente Rivierstad", "ICT", 40, 0.55),
    ("Gemeente Rivierstad", "Directie", 7, 0.30),
    ("TechnoBouw", "Engineering", 90, 0.45),
    ("TechnoBouw", "Sales", 70, 0.40),
    ("TechnoBouw", "Operations", 78, 0.38),
)

# Non-users' mean true score and the users' advantage in the favourable direction,
# in scale points; the true-score SD is 0.6 for every factor.
_NON_USER_MEAN = {
    "performance_expectancy": 3.2,
    "effort_expectancy": 3.1,
    "reputation": 3.0,
    "colleague_influence": 3.0,
    "manager_influence": 2.9,
    "collaboration_norms": 3.3,
    "privacy_concern": 2.9,
}
_ADVANTAGE = {
    "performance_expectancy": 0.34,
    "effort_expectancy": 0.24,
    "reputation": 0.30,
    "colleague_influence": 0.52,
    "manager_influence": 0.48,
    "collaboration_norms": 0.28,
    "privacy_concern": 0.0,
}
# In this organisation non-users expect far more effort than users experience.
_EFFORT_ORGANISATION = "TechnoBouw"
_EFFORT_ADVANTAGE_THERE = 0.75
_TRUE_SD = 0.6
_ITEM_NOISE = 0.65
_MISSING_RATE = 0.015
_DONT_KNOW_RATE = 0.01

_ORDER = tuple(_NON_USER_MEAN)

#: The second wave's planted change in the true scores, in scale points (users, non-users),
#: after the first round of advice: the platform pinned in Teams with single sign-on and
#: hands-on sessions (non-users now expect much less effort), a champions network
#: (colleagues' visible activity rose for everyone), a manager programme that did not land
#: (no change), and nothing done on the other factors.
FOLLOWUP_CHANGES: dict[str, tuple[float, float]] = {
    "effort_expectancy": (-0.05, -0.40),
    "colleague_influence": (0.20, 0.30),
    "manager_influence": (0.0, 0.0),
}
_FOLLOWUP_RETURN = 0.85  # share of the first wave's respondents who answer again
_FOLLOWUP_STAY = 0.95  # returning users who still use the platform
_FOLLOWUP_START = 0.20  # returning non-users who started using it
_FOLLOWUP_NEWCOMER_GAIN = 0.10  # newcomers adopt this much more than the first wave
_FOLLOWUP_STABILITY = 0.7  # correlation of a returning respondent's latent scores
# Within-group correlations of the true scores (order of _ORDER).
_CORRELATION = np.array(
    [
        # pe    ee     rep   col   man   norm  priv
        [1.00, -0.60, 0.35, 0.25, 0.20, 0.25, 0.00],
        [-0.60, 1.00, -0.15, -0.15, -0.10, -0.15, 0.10],
        [0.35, -0.15, 1.00, 0.30, 0.25, 0.20, 0.00],
        [0.25, -0.15, 0.30, 1.00, 0.45, 0.30, 0.00],
        [0.20, -0.10, 0.25, 0.45, 1.00, 0.25, 0.00],
        [0.25, -0.15, 0.20, 0.30, 0.25, 1.00, -0.05],
        [0.00, 0.10, 0.00, 0.00, 0.00, -0.05, 1.00],
    ]
)


@dataclass(frozen=True)
class SampleSurvey:
    """The generated survey as CSV texts."""

    responses_csv: str
    scores_csv: str


def generate_sample(codebook: Codebook, seed: int = DEFAULT_SEED) -> SampleSurvey:
    """Generate item-level answers and factor scores for about 600 respondents."""
    _check_factors(codebook)
    rng = np.random.default_rng(seed)
    rows, z = _population(rng)
    is_user = np.array([r[2] for r in rows])
    true = _true_scores(codebook, rows, is_user, z, {})
    ids = [str(i + 1) for i in range(len(rows))]
    return _render(codebook, ids, rows, is_user, true, rng)


def generate_followup(codebook: Codebook, seed: int = DEFAULT_SEED) -> SampleSurvey:
    """The sample's second wave, six months later, with the changes of :data:`FOLLOWUP_CHANGES`.

    The first wave is :func:`generate_sample` with the same seed, unchanged. Of its
    respondents, about 85% answer again under the same ``respondent`` number (so that the
    waves can be compared as pairs too) and newcomers take the next numbers. Returning
    users mostly stay users; about one returning non-user in five starts using the
    platform, and newcomers adopt more than the first wave did: adoption grows from 40%
    to about 50%. A returning respondent's scores keep their position (correlation 0.7
    with the first wave), and everyone's true scores move by the planted change of their
    group in the second wave.
    """
    _check_factors(codebook)
    rows, z = _population(np.random.default_rng(seed))  # the first wave's people
    rng = np.random.default_rng([seed, 2])
    first_user = np.array([r[2] for r in rows])
    returning = rng.random(len(rows)) < _FOLLOWUP_RETURN
    stays = rng.random(len(rows)) < _FOLLOWUP_STAY
    starts = rng.random(len(rows)) < _FOLLOWUP_START
    user = np.where(first_user, stays, starts)[returning]
    fresh = rng.multivariate_normal(np.zeros(len(_ORDER)), _CORRELATION, size=len(rows))
    moved = _FOLLOWUP_STABILITY * z + np.sqrt(1 - _FOLLOWUP_STABILITY**2) * fresh
    ids = [str(i + 1) for i in np.flatnonzero(returning)]
    kept = [rows[i] for i in np.flatnonzero(returning)]
    new_rows: list[tuple[str, str, bool]] = []
    for org, dept, size, rate in _UNITS:
        newcomers = round(size * (1 - _FOLLOWUP_RETURN))
        users = round(newcomers * min(1.0, rate + _FOLLOWUP_NEWCOMER_GAIN))
        flags = np.array([1] * users + [0] * (newcomers - users))
        rng.shuffle(flags)
        new_rows.extend((org, dept, bool(flag)) for flag in flags)
    z_new = rng.multivariate_normal(np.zeros(len(_ORDER)), _CORRELATION, size=len(new_rows))
    ids += [str(len(rows) + i + 1) for i in range(len(new_rows))]
    rows2 = [(org, dept, bool(u)) for (org, dept, _), u in zip(kept, user, strict=True)]
    rows2 += new_rows
    is_user = np.array([r[2] for r in rows2])
    z2 = np.vstack([moved[returning], z_new])
    true = _true_scores(codebook, rows2, is_user, z2, FOLLOWUP_CHANGES)
    return _render(codebook, ids, rows2, is_user, true, rng)


@dataclass(frozen=True)
class OrganisationProfile:
    """One generated organisation of a demonstration store: how it differs from the sample's
    model (``ism-advise sample --store``)."""

    respondents: int
    #: the share of users among the respondents
    adoption: float
    #: per factor, the non-users' mean true score's shift from the sample's, in scale points
    #: (positive: higher on the scale, whatever the factor's direction)
    shift: Mapping[str, float]
    #: the users' advantage as a multiple of the sample's
    advantage: float


#: The three departments of a generated organisation: name, share of its respondents, and
#: the difference of their adoption from the organisation's.
_DEMO_UNITS = (("Operations", 0.5, -0.05), ("Services", 0.3, 0.0), ("Staff", 0.2, 0.1))


def organisation_profiles(count: int, seed: int = DEFAULT_SEED) -> tuple[OrganisationProfile, ...]:
    """``count`` organisations that differ as organisations do: 120 to 480 respondents,
    adoption between 20% and 65%, each factor's non-users' mean moved by an
    organisation-wide climate (SD 0.15) and a factor's own shift (SD 0.2), and the users'
    advantage 0.6 to 1.4 times the sample's. The same ``count`` and ``seed`` give the same
    profiles, and the first ``n`` profiles do not depend on ``count``."""
    profiles = []
    for index in range(count):
        rng = np.random.default_rng([seed, 3, index])
        respondents = int(rng.integers(12, 49)) * 10
        adoption = round(float(rng.uniform(0.2, 0.65)), 2)
        climate = rng.normal(0.0, 0.15)
        shift = {f: round(float(climate + rng.normal(0.0, 0.2)), 2) + 0.0 for f in _ORDER}
        advantage = round(float(rng.uniform(0.6, 1.4)), 2)
        profiles.append(OrganisationProfile(respondents, adoption, shift, advantage))
    return tuple(profiles)


@dataclass(frozen=True)
class PlantedEffect:
    """What an intervention carried out between two waves of a generated organisation does
    to its later waves (``ism-advise sample --store``: the demonstration ledger)."""

    #: per factor, the change of the (users', non-users') true scores, in scale points
    #: (positive: higher on the scale)
    changes: Mapping[str, tuple[float, float]]
    #: the change of the share of users
    adoption: float = 0.0
    #: only in organisations of fewer than 250 employees
    small_only: bool = False


#: The demonstration store's planted effects: leaders who work out loud raise the
#: non-users' manager influence by 0.4 scale points (the users' by 0.2) and adoption by 5
#: points; executives on the rollout team change nothing; starting in team groups raises
#: the non-users' colleague influence by 0.4 (the users' by 0.2), in small organisations
#: only. Any other intervention changes nothing either.
PLANTED_EFFECTS: dict[str, PlantedEffect] = {
    "leaders_work_out_loud": PlantedEffect({"manager_influence": (0.2, 0.4)}, adoption=0.05),
    "executives_on_rollout_team": PlantedEffect({}),
    "start_in_team_groups": PlantedEffect({"colleague_influence": (0.2, 0.4)}, small_only=True),
}


def planted_changes(
    profile: OrganisationProfile, done: Sequence[str], *, small: bool
) -> tuple[OrganisationProfile, dict[str, tuple[float, float]]]:
    """The profile and the changes (factor → users', non-users' change) of a later wave of
    an organisation that has carried out ``done`` (every intervention since its first wave:
    an effect lasts) — ``small``: fewer than 250 employees — from :data:`PLANTED_EFFECTS`."""
    changes: dict[str, tuple[float, float]] = {}
    adoption = profile.adoption
    for intervention in dict.fromkeys(done):
        effect = PLANTED_EFFECTS.get(intervention)
        if effect is None or (effect.small_only and not small):
            continue
        adoption += effect.adoption
        for factor, (users, non_users) in effect.changes.items():
            before = changes.get(factor, (0.0, 0.0))
            changes[factor] = (before[0] + users, before[1] + non_users)
    later = OrganisationProfile(
        profile.respondents, round(adoption, 2), profile.shift, profile.advantage
    )
    return later, changes


def generate_organisation(
    codebook: Codebook,
    name: str,
    profile: OrganisationProfile,
    seed: int | Sequence[int],
    changes: Mapping[str, tuple[float, float]] | None = None,
) -> SampleSurvey:
    """One generated organisation's survey (``name`` in its ``organisation`` column, three
    departments), from the sample's model with ``profile``'s differences and, for a later
    wave, the ``changes`` of the true scores (factor → users', non-users' change in scale
    points; :func:`planted_changes`)."""
    changes = changes or {}
    _check_factors(codebook)
    rng = np.random.default_rng(seed)
    rows: list[tuple[str, str, bool]] = []
    for dept, share, more in _DEMO_UNITS:
        size = round(profile.respondents * share)
        users = round(size * min(0.95, max(0.05, profile.adoption + more)))
        flags = np.array([1] * users + [0] * (size - users))
        rng.shuffle(flags)
        rows.extend((name, dept, bool(flag)) for flag in flags)
    z = rng.multivariate_normal(np.zeros(len(_ORDER)), _CORRELATION, size=len(rows))
    is_user = np.array([r[2] for r in rows])
    true = np.empty((len(rows), len(_ORDER)))
    for index, factor in enumerate(codebook.factors):
        sign = 1.0 if factor.higher_is_better else -1.0
        advantage = _ADVANTAGE[factor.id] * profile.advantage
        mean = _NON_USER_MEAN[factor.id] + profile.shift.get(factor.id, 0.0)
        users_change, non_users_change = changes.get(factor.id, (0.0, 0.0))
        change = np.where(is_user, users_change, non_users_change)
        true[:, index] = mean + change + sign * advantage * is_user + _TRUE_SD * z[:, index]
    ids = [str(i + 1) for i in range(len(rows))]
    return _render(codebook, ids, rows, is_user, true, rng)


def _check_factors(codebook: Codebook) -> None:
    if tuple(f.id for f in codebook.factors) != _ORDER:
        raise ValueError("the sample generator needs the packaged codebook's seven factors")


def _population(rng: np.random.Generator) -> tuple[list[tuple[str, str, bool]], np.ndarray]:
    """The first wave's respondents (organisation, department, user) and latent scores."""
    # Users in exact proportion within each unit, in random order.
    rows = []
    for org, dept, size, rate in _UNITS:
        users = round(size * rate)
        flags = np.array([1] * users + [0] * (size - users))
        rng.shuffle(flags)
        rows.extend((org, dept, bool(flag)) for flag in flags)
    z = rng.multivariate_normal(np.zeros(len(_ORDER)), _CORRELATION, size=len(rows))
    return rows, z


def _true_scores(
    codebook: Codebook,
    rows: list[tuple[str, str, bool]],
    is_user: np.ndarray,
    z: np.ndarray,
    changes: dict[str, tuple[float, float]],
) -> np.ndarray:
    """True scores (respondents × factors): group means, the changes (users, non-users)."""
    n = len(rows)
    in_effort_org = np.array([r[0] == _EFFORT_ORGANISATION for r in rows])
    true = np.empty((n, len(codebook.factors)))
    for index, factor in enumerate(codebook.factors):
        advantage = np.full(n, _ADVANTAGE[factor.id])
        if factor.id == "effort_expectancy":
            advantage[in_effort_org] = _EFFORT_ADVANTAGE_THERE
        sign = 1.0 if factor.higher_is_better else -1.0
        users_change, non_users_change = changes.get(factor.id, (0.0, 0.0))
        change = np.where(is_user, users_change, non_users_change)
        true[:, index] = (
            _NON_USER_MEAN[factor.id] + change + sign * advantage * is_user + _TRUE_SD * z[:, index]
        )
    return true


def _render(
    codebook: Codebook,
    ids: list[str],
    rows: list[tuple[str, str, bool]],
    is_user: np.ndarray,
    true: np.ndarray,
    rng: np.random.Generator,
) -> SampleSurvey:
    """Item answers around the true scores, blanks, "don't know"s, and both CSV texts."""
    n = len(rows)
    scale_min, scale_max = codebook.scale_min, codebook.scale_max
    item_header: list[str] = []
    item_values: list[np.ndarray] = []
    factor_scores: list[np.ndarray] = []
    for index, factor in enumerate(codebook.factors):
        answers = []
        for item in factor.items:
            raw = np.clip(
                np.rint(true[:, index] + rng.normal(0.0, _ITEM_NOISE, n)), scale_min, scale_max
            )
            if item.reverse:
                raw = scale_min + scale_max - raw
            answers.append(raw)
        answers_arr = np.array(answers).T
        blank = rng.random(answers_arr.shape) < _MISSING_RATE
        dont_know = rng.random(answers_arr.shape) < _DONT_KNOW_RATE
        coded = np.where(blank, np.nan, np.where(dont_know, -1.0, answers_arr))
        item_header.extend(item.id for item in factor.items)
        item_values.append(coded)
        mirrored = np.array(
            [
                scale_min + scale_max - coded[:, j] if item.reverse else coded[:, j]
                for j, item in enumerate(factor.items)
            ]
        ).T
        mirrored[coded < 0] = np.nan
        answered = np.sum(~np.isnan(mirrored), axis=1)
        score = np.full(n, np.nan)
        enough = answered * 2 >= len(factor.items)
        score[enough] = np.nanmean(mirrored[enough], axis=1)
        factor_scores.append(score)

    all_items = np.hstack(item_values)
    responses = _csv(
        ["respondent", "organisation", "department", "user", *item_header],
        (
            [key, org, dept, "ja" if user else "nee", *(_answer(v) for v in all_items[i])]
            for i, (key, (org, dept, user)) in enumerate(zip(ids, rows, strict=True))
        ),
    )
    scores_arr = np.array(factor_scores).T
    scores = _csv(
        ["respondent", "organisation", "department", "user", *_ORDER],
        (
            [key, org, dept, "yes" if user else "no", *(_score(v) for v in scores_arr[i])]
            for i, (key, (org, dept, user)) in enumerate(zip(ids, rows, strict=True))
        ),
    )
    return SampleSurvey(responses_csv=responses, scores_csv=scores)


def write_sample(
    sample: SampleSurvey, folder: Path, followup: SampleSurvey | None = None
) -> list[Path]:
    """Write ``scores.csv`` and ``responses.csv`` into ``folder`` (and, given the second
    wave, ``scores-wave2.csv`` and ``responses-wave2.csv``); return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    files = [("scores.csv", sample.scores_csv), ("responses.csv", sample.responses_csv)]
    if followup is not None:
        files += [
            ("scores-wave2.csv", followup.scores_csv),
            ("responses-wave2.csv", followup.responses_csv),
        ]
    paths = [folder / name for name, _ in files]
    outputs = Outputs()  # all the files or none
    for path in paths:
        outputs.file(path)
    with outputs:
        for path, (_, text) in zip(paths, files, strict=True):
            outputs.write(path, text.encode("utf-8"))
    return paths


def _answer(value: float) -> str:
    if np.isnan(value):
        return ""
    if value < 0:
        return "9"  # the survey tool's "don't know"
    return str(int(value))


def _score(value: float) -> str:
    return "" if np.isnan(value) else f"{value:.3f}".rstrip("0").rstrip(".")


def _csv(header: list[str], rows) -> str:
    """A CSV text; a cell a spreadsheet would run as a formula starts with a quote, as in
    every CSV ism-advise writes (the sample's texts are ids and fixed names, none is)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([spreadsheet_cell(cell) for cell in header])
    writer.writerows([spreadsheet_cell(cell) for cell in row] for row in rows)
    return buffer.getvalue()


def generate_large(
    codebook: Codebook,
    respondents: int,
    segments: int,
    *,
    items: bool = False,
    seed: int = DEFAULT_SEED,
):
    """A survey of any size for benchmarks, from the same model as the sample.

    It lives in the package, next to :func:`generate_sample`, because it draws from the
    same model (the means, gaps, correlations and noise above): the benchmarks of every
    stage (``benchmarks/run.py``: comparison, waves, drivers, disclosure) and the tests
    that check that work does not grow with segments use it, and a copy outside the
    package would drift from the sample it stands for.

    ``segments`` teams (column ``team``) in ``max(1, segments // 50)`` organisations;
    adoption varies per team between 25% and 55%. Returns a pandas DataFrame with the
    usage column ``user`` (yes/no), and per factor either the score or the item answers.
    Column ``location`` (12 offices, drawn independently of the team, from a stream of
    its own) cuts across the teams, for benchmarks of overlapping segmentations.
    """
    if tuple(f.id for f in codebook.factors) != _ORDER:
        raise ValueError("the sample generator needs the packaged codebook's seven factors")
    rng = np.random.default_rng(seed)
    team = rng.integers(0, segments, respondents)
    rate = rng.uniform(0.25, 0.55, segments)[team]
    is_user = rng.random(respondents) < rate
    z = rng.multivariate_normal(np.zeros(len(_ORDER)), _CORRELATION, size=respondents)
    width = len(str(segments - 1))
    frame = pd.DataFrame(
        {
            "respondent": np.arange(1, respondents + 1),
            "organisation": pd.Categorical.from_codes(
                team % max(1, segments // 50),
                [f"org {i}" for i in range(max(1, segments // 50))],
            ),
            "team": pd.Categorical.from_codes(
                team, [f"team {i:0{width}d}" for i in range(segments)]
            ),
            "user": np.where(is_user, "yes", "no"),
        }
    )
    low, high = codebook.scale_min, codebook.scale_max
    for index, factor in enumerate(codebook.factors):
        sign = 1.0 if factor.higher_is_better else -1.0
        true = (
            _NON_USER_MEAN[factor.id]
            + sign * _ADVANTAGE[factor.id] * is_user
            + _TRUE_SD * z[:, index]
        )
        answers = []
        for item in factor.items:
            raw = np.clip(np.rint(true + rng.normal(0.0, _ITEM_NOISE, respondents)), low, high)
            answers.append(low + high - raw if item.reverse else raw)
            if items:
                frame[item.id] = answers[-1].astype(np.int8)
        if not items:
            mirrored = [
                low + high - a if item.reverse else a
                for a, item in zip(answers, factor.items, strict=True)
            ]
            frame[factor.id] = np.round(np.mean(mirrored, axis=0), 3)
    offices = np.random.default_rng([seed, 1]).integers(0, 12, respondents)
    frame["location"] = pd.Categorical.from_codes(offices, [f"office {i:02d}" for i in range(12)])
    return frame
