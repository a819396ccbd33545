"""The survey itself: a codebook written out as a questionnaire.

``ism-advise questionnaire`` writes the codebook's questions for LimeSurvey (its
tab-separated survey structure), for Qualtrics (its Advanced-format TXT import), on paper
(HTML, or a PDF on A4) and as Markdown to paste into Microsoft Forms or Google Forms —
worded and coded so that the tool's export of the answers reads back with no mapping.

:func:`build_questionnaire` (:mod:`.model`) checks the codebook for what matters in a
survey (:mod:`.checks`) and lays out the questions once; :func:`write_questionnaire`
turns that into the bytes of a format (:mod:`.limesurvey`, :mod:`.qualtrics`,
:mod:`.paper`), and :func:`write_key` into the consultant's key.
"""

from __future__ import annotations

from ..survey.codebook import Codebook
from .limesurvey import write_limesurvey
from .model import FORMATS, Questionnaire, build_questionnaire, estimate_minutes
from .qualtrics import write_qualtrics

__all__ = [
    "FORMATS",
    "Questionnaire",
    "build_questionnaire",
    "estimate_minutes",
    "write_key",
    "write_questionnaire",
]


def _labels(codebook: Codebook, lang: str) -> dict[str, str]:
    return {f.id: " ".join(f.label.get(lang, f.id).split()) for f in codebook.factors}


def write_questionnaire(questionnaire: Questionnaire, fmt: str, codebook: Codebook) -> bytes:
    """The questionnaire in ``fmt`` (one of :data:`FORMATS`) as bytes."""
    if fmt == "limesurvey":
        return write_limesurvey(questionnaire)
    if fmt == "qualtrics":
        return write_qualtrics(questionnaire)
    from .paper import render_markdown, render_paper

    labels = _labels(codebook, questionnaire.langs[0])
    if fmt == "md":
        return render_markdown(questionnaire, labels)
    return render_paper(questionnaire, fmt, labels)


def write_key(questionnaire: Questionnaire, codebook: Codebook) -> bytes:
    """The consultant's key (Markdown): codes, reverse-coded statements, the checks."""
    from .paper import render_key

    return render_key(questionnaire, _labels(codebook, questionnaire.langs[0]))
