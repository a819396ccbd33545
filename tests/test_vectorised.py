"""The statistics stay vectorised over segments: their work per call does not grow with them.

No timing: the calls into scipy.special's distribution functions (and, for the comparison,
numpy's bincount) are counted for few and for many segments, and must be the same — for the
comparison alone, and for a whole run (comparison, disclosure, the driver analysis, the
facts and the rules). The per-sample scipy tests (ttest_ind, mannwhitneyu) and every method
of a scipy.stats distribution (``stats.t.sf``, ``stats.chi2.sf``, …: they import and check
far more than the kernels they call) must not be called at all.
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest
import scipy.special
from scipy import stats
from scipy.stats import _distn_infrastructure as distributions

from ism_advisor.app.run import run
from ism_advisor.app.settings import Settings
from ism_advisor.stats import compare
from ism_advisor.stats import tests as stat_tests
from ism_advisor.survey import load_survey
from ism_advisor.survey.codebook import load_codebook
from ism_advisor.survey.sample import generate_large

#: The scipy.special functions the product calls, counted.
COUNTED = ("stdtr", "stdtrit", "ndtr", "ndtri", "chdtrc", "pdtr")

#: scipy.stats distributions' methods (on their classes, so every distribution is covered).
DISTRIBUTION_METHODS = {
    distributions.rv_generic: ("entropy", "interval", "mean", "median", "moment", "rvs",
                               "stats", "std", "var"),
    distributions.rv_continuous: ("cdf", "isf", "logcdf", "logpdf", "logsf", "pdf", "ppf",
                                  "sf"),
    distributions.rv_discrete: ("cdf", "isf", "logcdf", "logpmf", "logsf", "pmf", "ppf", "sf"),
}  # fmt: skip


class Counter:
    def __init__(self, function):
        self.function = function
        self.calls = 0

    def __call__(self, *args, **kwargs):
        self.calls += 1
        return self.function(*args, **kwargs)


def special_callers() -> list[str]:
    """Our modules that call scipy.special; each must look the functions up on the module
    at each call (``special.ndtr``), so that the counters below see every call."""
    callers = []
    functions = {id(getattr(scipy.special, name)) for name in COUNTED}
    for name, module in list(sys.modules.items()):
        if not name.startswith("ism_advisor") or module is None:
            continue
        for value in vars(module).values():
            assert id(value) not in functions, f"{name} holds a scipy.special function itself"
        if any(value is scipy.special for value in vars(module).values()):
            callers.append(name)
    return callers


@pytest.fixture
def counted(monkeypatch):
    # every caller holds the scipy.special module (checked), so patching the module's
    # attributes is patching where the calls are
    assert "ism_advisor.stats.tests" in special_callers()
    assert stat_tests.special is scipy.special
    counters = {name: Counter(getattr(scipy.special, name)) for name in COUNTED}
    for name, counter in counters.items():
        monkeypatch.setattr(scipy.special, name, counter)
    counters["bincount"] = Counter(np.bincount)
    monkeypatch.setattr(compare.np, "bincount", counters["bincount"])

    def forbidden(*args, **kwargs):
        raise AssertionError("a per-sample scipy test or a scipy.stats distribution was called")

    monkeypatch.setattr(stats, "ttest_ind", forbidden)
    monkeypatch.setattr(stats, "mannwhitneyu", forbidden)
    for cls, methods in DISTRIBUTION_METHODS.items():
        for method in methods:
            monkeypatch.setattr(cls, method, forbidden)
    return counters


def reset(counters) -> None:
    for counter in counters.values():
        counter.calls = 0


def survey_file(tmp_path, respondents: int, segments: int, items: bool = False):
    frame: pd.DataFrame = generate_large(
        load_codebook(), respondents, segments, items=items, seed=segments
    )
    path = tmp_path / f"survey-{segments}.csv"
    frame.to_csv(path, index=False)
    return path


def calls_for(tmp_path, counted, segments: int, items: bool) -> dict[str, int]:
    path = survey_file(tmp_path, 20_000, segments, items)
    survey = load_survey(path, load_codebook(), ["team", "organisation+team"])
    reset(counted)
    result = compare.compare_groups(survey)
    assert len(result.segments) > segments  # every team, twice, plus all respondents
    return {name: counter.calls for name, counter in counted.items()}


@pytest.mark.parametrize("items", [False, True], ids=["scores", "items"])
def test_calls_do_not_grow_with_the_number_of_segments(tmp_path, counted, items):
    few = calls_for(tmp_path, counted, 10, items)
    many = calls_for(tmp_path, counted, 1_000, items)
    assert few == many
    assert few["stdtr"] == few["ndtr"] == 3 * 7  # once per factor and segmentation
    assert few["stdtrit"] > 0  # the patch is where the calls are


def run_calls(tmp_path, counted, segments: int) -> dict[str, int]:
    path = survey_file(tmp_path, 80_000, segments)  # teams of ~200: most get a model
    reset(counted)
    found = run(Settings.of([path], segment_by=["team"]))
    assert len(found.latest.published.segments) == segments + 1  # every team and everyone
    fitted = found.drivers.models["fitted"]
    assert fitted.sum() > segments // 2  # the driver analysis ran on most segments
    # the distributions only: bincount's calls depend on the data (it is the comparison's
    # guard above, on data that keeps them equal)
    return {name: counter.calls for name, counter in counted.items() if name in COUNTED}


def test_a_whole_run_calls_the_same_distributions_for_10_and_400_segments(tmp_path, counted):
    few = run_calls(tmp_path, counted, 10)
    many = run_calls(tmp_path, counted, 400)
    assert few == many
    # the comparison's t tests and the driver models' z tests: the patch sees both
    assert few["stdtr"] > 0 and few["ndtr"] > 0 and few["stdtrit"] > 0
    assert special_callers()  # still where the calls are after a whole run
