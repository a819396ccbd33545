"""Start-up: a run imports what it needs when it needs it.

scipy.stats (its distributions import most of scipy: ~0.6 s), scipy.optimize, matplotlib,
WeasyPrint and python-pptx are not imported by a JSON run; ``--help`` imports no pandas,
scipy or Jinja2. The scipy.stats calls that were replaced by their scipy.special kernels
are checked bit for bit over grids of arguments, so that a scipy upgrade that changes one
fails here instead of moving bytes of the outputs.
"""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from scipy import special, stats

from conftest import SAMPLE_SCORES
from ism_advisor.stats import tests as stat_tests

NOT_FOR_JSON = ("scipy.stats", "scipy.optimize", "matplotlib", "weasyprint", "pptx")
NOT_FOR_HELP = ("pandas", "scipy", "jinja2")

_MODULES_AFTER = """
import json, sys
from ism_advisor.cli import main
try:
    main({args!r})
except SystemExit as stop:
    if stop.code:
        raise
print(json.dumps(sorted(sys.modules)))
"""


def modules_after(*args: str) -> set[str]:
    """The modules a fresh interpreter holds after ``ism-advise ARGS``."""
    code = _MODULES_AFTER.format(args=list(args))
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(json.loads(found.stdout.splitlines()[-1]))


def loaded(modules: set[str], packages: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == p or m.startswith(p + ".") for p in packages))


def test_a_json_run_imports_no_distributions_optimiser_or_renderers(tmp_path):
    out = tmp_path / "advice.json"
    modules = modules_after(str(SAMPLE_SCORES), "--segment-by", "organisation", "--format", "json",
                            "-o", str(out))  # fmt: skip
    assert json.loads(out.read_text(encoding="utf-8"))["segments"]  # the run did run
    assert "scipy.special" in modules and "pandas" in modules  # the check can see imports
    assert loaded(modules, NOT_FOR_JSON) == []


def test_help_imports_no_pandas_scipy_or_jinja2():
    modules = modules_after("--help")
    assert "click" in modules
    assert loaded(modules, NOT_FOR_HELP) == []


# The substitutions, bit for bit (np.array_equal with equal_nan: NaN where scipy.stats gives NaN).

_T = np.concatenate(
    [[0.0, -0.0, 1e-300, 1e-12, 0.5, 1.0, 1.96, 2.0, 40.0, 1e6, np.inf, -np.inf, np.nan],
     np.linspace(-12, 12, 481), np.geomspace(1e-8, 1e8, 97)]
)  # fmt: skip
_DF = np.concatenate(
    [[-1.0, 0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 29.0, 30.0, 1e5, 1e12, np.inf, np.nan],
     np.arange(4.0, 200.0, 7.0), np.geomspace(1.01, 1e7, 61)]
)  # fmt: skip


def test_t_sf_is_stdtr_of_minus_abs_t_bit_for_bit():
    t, df = np.meshgrid(_T, _DF)
    expected = 2.0 * stats.t.sf(np.abs(t), df)
    assert np.array_equal(2.0 * special.stdtr(df, -np.abs(t)), expected, equal_nan=True)
    _, p = stat_tests.t_test(t, np.ones_like(t), df)
    assert np.array_equal(p, expected, equal_nan=True)


def test_correlation_p_is_scipy_stats_t_sf_bit_for_bit():
    r = np.concatenate([np.linspace(-1, 1, 401), [np.nan, 1e-12, -0.999999]])
    n = np.concatenate([np.arange(0.0, 60.0), [100.0, 1e4, 1e6, np.nan]])
    r, n = np.meshgrid(r, n)
    with np.errstate(invalid="ignore", divide="ignore"):
        t = r * np.sqrt((n - 2) / ((1 - r) * (1 + r)))
        expected = np.clip(2.0 * stats.t.sf(np.abs(t), n - 2), 0.0, 1.0)
    assert np.array_equal(stat_tests.correlation_p(r, n), expected, equal_nan=True)


@pytest.mark.parametrize("q", [0.975, 0.5, 0.025, 0.999])
def test_t_ppf_is_stdtrit_bit_for_bit(q):
    df = np.concatenate([_DF, np.arange(1.0, 2001.0)])
    expected = stats.t.ppf(q, df)
    assert np.array_equal(special.stdtrit(df, q), expected, equal_nan=True)
    # the follow-up's intervals take the float of one n - 1 at a time
    for d in (1, 2, 5, 29, 30, 199, 10_000):
        assert float(special.stdtrit(d, q)) == float(stats.t.ppf(q, d))


def test_the_exact_mcnemar_test_keeps_scipy_stats_binomial():
    """special.bdtr differs from scipy.stats' Boost binomial in the 12th digit: kept."""
    a, b = np.meshgrid(np.arange(0, 80), np.arange(0, 80))
    expected = np.minimum(1.0, 2.0 * stats.binom.cdf(np.minimum(a, b), a + b, 0.5))
    assert np.array_equal(stat_tests.mcnemar_exact(a, b), expected, equal_nan=True)
