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
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .codebook import Codebook

__all__ = ["SampleSurvey", "generate_sample", "write_sample"]

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
    if tuple(f.id for f in codebook.factors) != _ORDER:
        raise ValueError("the sample generator needs the packaged codebook's seven factors")
    rng = np.random.default_rng(seed)
    # Users in exact proportion within each unit, in random order.
    rows = []
    for org, dept, size, rate in _UNITS:
        users = round(size * rate)
        flags = np.array([1] * users + [0] * (size - users))
        rng.shuffle(flags)
        rows.extend((org, dept, bool(flag)) for flag in flags)
    n = len(rows)
    is_user = np.array([r[2] for r in rows])
    in_effort_org = np.array([r[0] == _EFFORT_ORGANISATION for r in rows])
    z = rng.multivariate_normal(np.zeros(len(_ORDER)), _CORRELATION, size=n)

    scale_min, scale_max = codebook.scale_min, codebook.scale_max
    item_header: list[str] = []
    item_values: list[np.ndarray] = []
    factor_scores: list[np.ndarray] = []
    for index, factor in enumerate(codebook.factors):
        advantage = np.full(n, _ADVANTAGE[factor.id])
        if factor.id == "effort_expectancy":
            advantage[in_effort_org] = _EFFORT_ADVANTAGE_THERE
        sign = 1.0 if factor.higher_is_better else -1.0
        true = _NON_USER_MEAN[factor.id] + sign * advantage * is_user + _TRUE_SD * z[:, index]
        answers = []
        for item in factor.items:
            raw = np.clip(np.rint(true + rng.normal(0.0, _ITEM_NOISE, n)), scale_min, scale_max)
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
            [str(i + 1), org, dept, "ja" if user else "nee", *(_answer(v) for v in all_items[i])]
            for i, (org, dept, user) in enumerate(rows)
        ),
    )
    scores_arr = np.array(factor_scores).T
    scores = _csv(
        ["respondent", "organisation", "department", "user", *_ORDER],
        (
            [str(i + 1), org, dept, "yes" if user else "no", *(_score(v) for v in scores_arr[i])]
            for i, (org, dept, user) in enumerate(rows)
        ),
    )
    return SampleSurvey(responses_csv=responses, scores_csv=scores)


def write_sample(sample: SampleSurvey, folder: Path) -> list[Path]:
    """Write ``responses.csv`` and ``scores.csv`` into ``folder``; return their paths."""
    from .output import write_atomic

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in (("scores.csv", sample.scores_csv), ("responses.csv", sample.responses_csv)):
        path = folder / name
        write_atomic(path, text.encode("utf-8"))
        paths.append(path)
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
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
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

    ``segments`` teams (column ``team``) in ``max(1, segments // 50)`` organisations;
    adoption varies per team between 25% and 55%. Returns a pandas DataFrame with the
    usage column ``user`` (yes/no), and per factor either the score or the item answers.
    Column ``location`` (12 offices, drawn independently of the team, from a stream of
    its own) cuts across the teams, for benchmarks of overlapping segmentations.
    """
    import pandas as pd

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
