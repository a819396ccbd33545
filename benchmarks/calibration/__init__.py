"""The calibration suite: does "significant at 5% after Holm" keep its promise?

Each module of this package measures one promise of the statistics by simulation and
exposes ``TITLE`` (its section's heading) and ``run(full: bool, seed: int) -> str`` (its
section of ``benchmarks/CALIBRATION.md``, in Markdown). ``full=False`` is a small seeded
grid for the test suite; ``full=True`` the whole grid (at most 6 minutes on one core).
``benchmarks/calibrate.py`` runs every module in sorted order. The modules simulate with
:mod:`benchmarks.calibration.surveys` and call the package's own library functions, so
that what is measured is what ships.
"""
