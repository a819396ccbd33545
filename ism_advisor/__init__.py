"""ism-advisor: why staff stay off the internal social media platform, and what to do.

The library is the product; the ``ism-advise`` command is a thin shell around it::

    from ism_advisor import load_codebook, load_survey, compare_groups

    codebook = load_codebook()
    survey = load_survey("scores.csv", codebook)
    comparison = compare_groups(survey, segment_by=[["organisation"]])
"""

from __future__ import annotations

__version__ = "0.1.0"
