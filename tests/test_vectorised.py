"""The comparison stays vectorised over segments: its work per call does not grow with them.

No timing: the number of calls into scipy's distribution functions and numpy's bincount
is counted for 10 and for 1,000 segments, and must be the same; the per-sample scipy tests
(ttest_ind, mannwhitneyu) must not be called at all.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import special, stats

from ism_advisor.stats import compare
from ism_advisor.stats import tests as stat_tests
from ism_advisor.survey import load_survey
from ism_advisor.survey.codebook import load_codebook
from ism_advisor.survey.sample import generate_large


class Counter:
    def __init__(self, function):
        self.function = function
        self.calls = 0

    def __call__(self, *args, **kwargs):
        self.calls += 1
        return self.function(*args, **kwargs)


@pytest.fixture
def counted(monkeypatch):
    counters = {
        "t.sf": Counter(stats.t.sf),
        "stdtrit": Counter(special.stdtrit),
        "ndtr": Counter(special.ndtr),
        "bincount": Counter(np.bincount),
    }
    # the tests are called in ism_advisor.stats.tests (scipy looked up there at each call)
    monkeypatch.setattr(stat_tests.stats.t, "sf", counters["t.sf"])
    monkeypatch.setattr(stat_tests.special, "stdtrit", counters["stdtrit"])
    monkeypatch.setattr(stat_tests.special, "ndtr", counters["ndtr"])
    monkeypatch.setattr(compare.np, "bincount", counters["bincount"])

    def forbidden(*args, **kwargs):
        raise AssertionError("a per-sample scipy test was called")

    monkeypatch.setattr(stats, "ttest_ind", forbidden)
    monkeypatch.setattr(stats, "mannwhitneyu", forbidden)
    return counters


def calls_for(tmp_path, counted, segments: int, items: bool) -> dict[str, int]:
    codebook = load_codebook()
    frame: pd.DataFrame = generate_large(codebook, 20_000, segments, items=items, seed=segments)
    path = tmp_path / f"survey-{segments}.csv"
    frame.to_csv(path, index=False)
    survey = load_survey(path, codebook, ["team", "organisation+team"])
    for counter in counted.values():
        counter.calls = 0
    result = compare.compare_groups(survey)
    assert len(result.segments) > segments  # every team, twice, plus all respondents
    return {name: counter.calls for name, counter in counted.items()}


@pytest.mark.parametrize("items", [False, True], ids=["scores", "items"])
def test_calls_do_not_grow_with_the_number_of_segments(tmp_path, counted, items):
    few = calls_for(tmp_path, counted, 10, items)
    many = calls_for(tmp_path, counted, 1_000, items)
    assert few == many
    assert few["t.sf"] == few["ndtr"] == 3 * 7  # once per factor and segmentation
    assert few["stdtrit"] > 0  # the patch is where the calls are
