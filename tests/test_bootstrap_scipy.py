"""The driver stage uses scipy.special where scipy.stats' distributions would cost 0.6 s of
start-up: each substitute must equal the scipy.stats call bit for bit (a scipy upgrade that
changes one shows up here, not as moved figures)."""

from __future__ import annotations

import numpy as np
from scipy import special, stats

from ism_advisor.stats.drivers import bootstrap as driver_bootstrap


def test_chdtrc_is_the_chi2_survival_function_bit_for_bit():
    x = np.concatenate([[0.0, 1e-300, 1e-12], np.geomspace(1e-6, 5e3, 4001)])
    for k in range(1, 41):
        assert np.array_equal(special.chdtrc(k, x), stats.chi2.sf(x, k)), k


def test_pdtr_is_the_poisson_cdf_bit_for_bit():
    for mean in (0.5, 1.0, 2.0, 7.5):
        counts = np.arange(60)
        assert np.array_equal(special.pdtr(counts, mean), stats.poisson.cdf(counts, mean))


def test_the_poisson_thresholds_are_those_of_scipy_stats():
    expected = np.round(stats.poisson.cdf(np.arange(8), 1.0) * 65536).astype(np.uint16)
    assert np.array_equal(driver_bootstrap._POISSON, expected)
    assert driver_bootstrap._POISSON.dtype == np.uint16


def test_no_driver_module_imports_scipy_stats_or_optimize_at_module_level():
    """Module level only: ``scipy.optimize`` stays inside the separation check (run for
    segments that do not converge). The whole run's imports are tests/test_startup.py's."""
    import ast
    from pathlib import Path

    import ism_advisor.stats.drivers as package

    found = []
    for path in sorted(Path(package.__file__).parent.glob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                names = [base, *(f"{base}.{alias.name}" for alias in node.names)]
            else:
                continue
            found += [
                (path.name, n) for n in names if n.startswith(("scipy.stats", "scipy.optimize"))
            ]
    assert found == []
    logistic = (Path(package.__file__).parent / "logistic.py").read_text(encoding="utf-8")
    assert "    from scipy import optimize\n" in logistic
