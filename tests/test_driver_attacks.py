"""Issue 24: the driver analysis revealed one person's answers; a reader now cannot.

One respondent without a score on one factor: the comparisons and the correlation matrix
covered all N respondents, the driver model's correlations the N − 1 complete cases, and
the 15 equations between them gave that person's answers (:mod:`driver_solver`). Every
driver model now rests on every respondent of its segment (a missing score counted at its
factor's mean over all respondents), as does the correlation matrix, so the two sets no
longer differ; each test also runs the same attack on the old behaviour, to show that
the solver does recover the answers there.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from driver_solver import solve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FACTORS
from ism_advisor import load_codebook, load_survey
from ism_advisor.protect import published_drivers as importance
from ism_advisor.stats import compare

ITEMS = {
    "performance_expectancy": ("pe1", "pe2", "pe3", "pe4"),
    "effort_expectancy": ("ee1", "ee2", "ee3", "ee4"),
    "reputation": ("rep1", "rep2", "rep3"),
    "colleague_influence": ("col1", "col2", "col3", "col4"),
    "manager_influence": ("man1", "man2", "man3"),
    "collaboration_norms": ("norm1", "norm2", "norm3"),
    "privacy_concern": ("priv1", "priv2", "priv3", "priv4"),
}


def answers(rng, respondents: int) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Use (1/0) and every item's answer (1–5) of ``respondents`` people, half of them
    users; manager influence drives use."""
    use = np.arange(respondents) % 2
    drive = rng.normal(size=respondents) + np.where(use == 1, 0.8, -0.8)
    items = {}
    for factor, names in ITEMS.items():
        centre = 3 + (0.7 * drive if factor == "manager_influence" else 0.5 * rng.normal())
        for name in names:
            noise = 0.8 * rng.normal(size=respondents)
            items[name] = np.clip(np.round(centre + noise), 1, 5)
    return use, items


def scores_file(path, respondents: int = 400, seed: int = 5, skipper: int = 41) -> list[float]:
    """A scores file (each factor the mean of its items, 3 decimals); ``skipper`` has no
    reputation score. Returns that respondent's other six scores."""
    rng = np.random.default_rng(seed)
    use, items = answers(rng, respondents)
    frame = pd.DataFrame({"respondent": np.arange(1, respondents + 1)})
    frame["user"] = np.where(use == 1, "yes", "no")
    for factor, names in ITEMS.items():
        frame[factor] = np.round(np.mean([items[n] for n in names], axis=0), 3)
    truth = [float(frame.loc[skipper, f]) for f in FACTORS if f != "reputation"]
    frame.loc[skipper, "reputation"] = np.nan
    frame.to_csv(path, index=False)
    return truth


def items_file(path, respondents: int = 400, seed: int = 9, skipper: int = 41) -> list[float]:
    """An item-level file: ``skipper`` left two of the three reputation items blank (too
    few for a score) and one effort item; a few others left one item blank (their scores
    stand). Returns the skipper's six factor scores as the tool computes them."""
    rng = np.random.default_rng(seed)
    use, items = answers(rng, respondents)
    frame = pd.DataFrame({"respondent": np.arange(1, respondents + 1)})
    frame["user"] = np.where(use == 1, "ja", "nee")
    for name, values in ((n, items[n]) for names in ITEMS.values() for n in names):
        frame[name] = values.astype(int).astype(object)
    for column in ("rep1", "rep3", "ee2"):
        frame.loc[skipper, column] = ""
    for row, column in ((3, "pe2"), (100, "man1"), (250, "priv4")):
        frame.loc[row, column] = ""
    frame.to_csv(path, index=False)
    scores = load_survey(path, load_codebook()).scores
    assert scores.isna().any(axis=1).sum() == 1  # only the skipper lacks a score
    return [float(scores.loc[skipper, f]) for f in FACTORS if f != "reputation"]


def old_behaviour(monkeypatch, digits: int) -> None:
    """The driver models and the correlation matrix as before issue 24: complete cases
    (the matrix pairwise), figures to ``digits`` significant digits."""
    monkeypatch.setattr(compare, "filled_scores", lambda scores: scores)
    monkeypatch.setattr(importance, "filled_scores", lambda scores: scores)
    monkeypatch.setattr(importance, "MODEL_DIGITS", digits)


ANSWERED = [f for f in FACTORS if f != "reputation"]


@pytest.mark.parametrize("make", [scores_file, items_file], ids=["scores", "items"])
def test_one_respondent_without_a_score_cannot_be_solved_for(cli, tmp_path, monkeypatch, make):
    truth = [round(v, 3) for v in make(tmp_path / "survey.csv")]
    document = cli.json(tmp_path / "survey.csv")
    model = document["segments"][0]["driver_model"]
    assert model["reason"] is None and model["n"] == document["input"]["respondents"] == 400
    result = solve(document, ANSWERED)
    assert result.recovered is None
    assert tuple(truth) not in [tuple(round(v, 3) for v in c) for c in result.candidates]

    # the same reader, the same file, the old behaviour: recovered exactly, at ten digits
    # and at three (rounding alone would not have protected this person)
    for digits in (10, 3):
        with monkeypatch.context() as patch:
            old_behaviour(patch, digits)
            leaky = cli.json(tmp_path / "survey.csv")
        assert leaky["segments"][0]["driver_model"]["n"] == 399
        recovered = solve(leaky, ANSWERED).recovered
        assert recovered is not None, digits
        assert [round(v, 3) for v in recovered] == truth, digits


# -- any single respondent of a small survey with a few skipped answers ---------------------


@st.composite
def surveys(draw):
    """180–260 respondents (half users: a model needs 70 of each), one to three of whom
    skip one or two factors; maybe two departments."""
    respondents = 2 * draw(st.integers(90, 130))
    seed = draw(st.integers(0, 2**32 - 1))
    skippers = draw(st.lists(st.integers(0, respondents - 1), min_size=1, max_size=3, unique=True))
    skipped = [
        draw(st.lists(st.sampled_from(FACTORS), min_size=1, max_size=2, unique=True))
        for _ in skippers
    ]
    departments = draw(st.booleans())
    return respondents, seed, list(zip(skippers, skipped, strict=True)), departments


def write_drawn(path, drawn) -> pd.DataFrame:
    respondents, seed, skips, departments = drawn
    rng = np.random.default_rng(seed)
    use, items = answers(rng, respondents)
    frame = pd.DataFrame({"respondent": np.arange(1, respondents + 1)})
    frame["user"] = np.where(use == 1, "yes", "no")
    if departments:
        frame["department"] = np.where(np.arange(respondents) % 4 < 2, "A", "B")
    for factor, names in ITEMS.items():
        frame[factor] = np.round(np.mean([items[n] for n in names], axis=0), 3)
    for row, factors in skips:
        frame.loc[row, factors] = np.nan
    frame.to_csv(path, index=False)
    return frame


def attempts(document: dict, frame: pd.DataFrame) -> list[tuple[int, tuple, tuple]]:
    """Every skipper the reader solves for from the whole survey's model: (row, truth,
    recovered) where the solver found one answer vector. The reader uses the factors
    nobody skipped (their comparisons cover every respondent, the skipper included)."""
    out = []
    factors = [f for f in FACTORS if frame[f].notna().all()]
    model = document["segments"][0]["driver_model"]
    if len(factors) < 3 or model["reason"] is not None:
        return out
    for row in np.flatnonzero(frame[list(FACTORS)].isna().any(axis=1).to_numpy()):
        result = solve(document, factors)
        truth = tuple(float(frame.loc[row, f]) for f in factors)
        if result.recovered is not None:
            out.append((int(row), truth, tuple(round(v, 3) for v in result.recovered)))
    return out


@settings(
    max_examples=12,  # each example is a full run with its bootstrap (about a second)
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(drawn=surveys())
def test_no_skipper_of_a_drawn_survey_is_solved_for(cli, tmp_path, drawn):
    path = tmp_path / "drawn.csv"
    frame = write_drawn(path, drawn)
    segment_by = ["--segment-by", "department"] if drawn[3] else []
    document = cli.json(path, *segment_by)
    for segment in document["segments"]:
        model = segment["driver_model"]
        if model is not None and model["n"] is not None:
            # every model rests on every respondent of its segment: no set to subtract
            assert model["n"] == segment["respondents"]
    for row, truth, recovered in attempts(document, frame):
        assert recovered != truth, (row, truth)


def test_the_drawn_survey_attack_recovers_a_lone_skipper_from_the_old_behaviour(
    cli, tmp_path, monkeypatch
):
    """The reader of the property test above is able to fail: on the old behaviour, a
    drawn survey with one skipper gives that person's answers."""
    drawn = (200, 11, [(17, ["privacy_concern"])], True)
    frame = write_drawn(tmp_path / "drawn.csv", drawn)
    old_behaviour(monkeypatch, 10)
    document = cli.json(tmp_path / "drawn.csv", "--segment-by", "department")
    found = attempts(document, frame)
    assert [(row, recovered == truth) for row, truth, recovered in found] == [(17, True)]


def test_the_correlation_matrix_and_every_model_rest_on_the_same_respondents(cli, tmp_path):
    """The matrix of all respondents is the whole survey's model's correlations, figure for
    figure (at the model's three digits), and every model's correlations cover its
    segment: no two published sets of correlations differ by a few people."""
    scores_file(tmp_path / "survey.csv")
    frame = pd.read_csv(tmp_path / "survey.csv")
    frame["department"] = np.where(np.arange(len(frame)) % 4 < 2, "A", "B")
    frame.to_csv(tmp_path / "survey.csv", index=False)
    document = cli.json(tmp_path / "survey.csv", "--segment-by", "department")
    top = document["correlations"]
    everyone = document["segments"][0]
    assert len(everyone["factor_correlations"]) == 21
    for pair in everyone["factor_correlations"]:
        assert pair["r"] == float(f"{top[pair['factor_a']][pair['factor_b']]:.3g}")
    for segment in document["segments"]:
        assert segment["driver_model"]["reason"] is None
        assert {p["n"] for p in segment["factor_correlations"]} == {segment["respondents"]}
