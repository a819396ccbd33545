"""The sample data reproduces the white paper's findings."""

from __future__ import annotations

import pytest

from conftest import SAMPLE_RESPONSES, SAMPLE_SCORES
from ism_advisor.app.pipeline import advise

ACTIVATION = (
    "performance_expectancy",
    "effort_expectancy",
    "reputation",
    "colleague_influence",
    "manager_influence",
    "collaboration_norms",
)


@pytest.mark.parametrize("path", [SAMPLE_SCORES, SAMPLE_RESPONSES], ids=["scores", "responses"])
def test_sample_reproduces_the_white_paper(path):
    document = advise(path, segment_by=["organisation"]).document
    overall = {c["factor"]: c for c in document["segments"][0]["comparisons"]}
    assert all(overall[f]["significant"] for f in ACTIVATION)
    assert overall["privacy_concern"]["significant"] is False
    ranked = sorted(overall, key=lambda f: overall[f]["gap"], reverse=True)
    assert set(ranked[:2]) == {"colleague_influence", "manager_influence"}
    # who expects less effort expects more from it: a clear negative correlation
    assert document["correlations"]["performance_expectancy"]["effort_expectancy"] < -0.4
    # within one organisation the effort gap dominates
    techno = next(s for s in document["segments"] if s["value"] == "TechnoBouw")
    gaps = {c["factor"]: c["hedges_g"] for c in techno["comparisons"]}
    assert max(gaps, key=gaps.get) == "effort_expectancy"
    users = document["input"]["users"] / document["input"]["respondents"]
    assert 0.35 <= users <= 0.45
    assert document["input"]["respondents"] == 600
