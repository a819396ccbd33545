"""One vocabulary: every place that names a figure takes its name from one table."""

from __future__ import annotations

import dataclasses
import re

import pytest

from conftest import ROOT, SAMPLE_SCORES
from ism_advisor import compare_groups, load_codebook, load_survey, publish
from ism_advisor.advice.facts import segment_facts
from ism_advisor.advice.knowledge import EFFORTS, HORIZONS, OWNERS, PRIORITIES
from ism_advisor.app.pipeline import advise
from ism_advisor.core.vocabulary import (
    COMPARISON,
    COMPARISON_COLUMNS,
    EFFECT_SIZE_BANDS,
    EFFECT_SIZES,
    FACT_KINDS,
    INTERVENTION,
    SEGMENT,
    effect_level,
    effect_size,
)
from ism_advisor.render.context.model import LABELS, FactorResult


def header_figures(title: str) -> list[str]:
    """The figures ``rules/advice.yaml``'s header lists after ``title``, in order."""
    text = (ROOT / "rules" / "advice.yaml").read_text(encoding="utf-8")
    block = []
    lines = iter(text.splitlines())
    for line in lines:
        if line.startswith(f"# {title}"):
            block.append(line.split(":", 1)[1])
            break
    for line in lines:
        if not line.startswith("#   "):
            break
        block.append(line[1:])
    words = re.sub(r"\([^)]*\)", "", " ".join(block))
    return [w.strip() for w in words.split(",") if w.strip()]


def test_the_rule_files_header_lists_the_figures_rules_can_test():
    assert header_figures("Figures a condition can test") == list(COMPARISON.testable)
    assert header_figures("Figures of a segment") == list(SEGMENT.testable)
    # the evidence ledger's section (issue 31) lists the intervention facts' figures
    assert header_figures("Figures of an intervention") == list(INTERVENTION.testable)


@pytest.fixture(scope="module")
def sample():
    survey = load_survey(SAMPLE_SCORES, load_codebook(), ["organisation"])
    comparison = compare_groups(survey)
    return survey, comparison, publish(survey, comparison)


def test_the_statistics_compute_the_column_figures(sample):
    _, comparison, _ = sample
    assert list(comparison.comparisons.columns) == ["segment", "factor", *COMPARISON_COLUMNS]
    assert COMPARISON.columns == COMPARISON_COLUMNS


def test_the_engine_gets_every_figure_rules_can_test(sample):
    _, _, published = sample
    facts = segment_facts(published, "en")[0]
    assert facts is not None
    # a run over one file has no change figures (tests/test_followup.py: several waves)
    for fact in facts.comparisons:
        assert set(fact) == set(COMPARISON.testable) - set(COMPARISON.changes)
    assert set(facts.segment) == set(SEGMENT.testable) - set(SEGMENT.changes)


def test_the_document_writes_the_json_names():
    document = advise(SAMPLE_SCORES).document
    comparison = document["segments"][0]["comparisons"][0]
    names = list(dict.fromkeys(COMPARISON[c].json for c in COMPARISON.columns))
    assert list(comparison) == ["factor", "suppressed", "suppressed_reason", *names]
    low, high = comparison["hedges_g_ci"]  # the interval's two ends, as one pair
    assert low < comparison["hedges_g"] < high
    for name in COMPARISON.columns:  # score input: no Cronbach's alpha
        assert (COMPARISON.from_json(comparison, name) is None) == (name == "cronbach_alpha")
    segment = document["segments"][0]
    for name, figure in SEGMENT.fields.items():
        if figure.json is not None:
            assert figure.json in segment, name


def test_explanations_show_their_figures_in_one_order():
    document = advise(SAMPLE_SCORES).document
    explanation = document["segments"][0]["recommendations"][0]["explanation"]
    for reason in explanation:
        for fact in reason["matched"].values():
            if "factor" in fact:
                shown = [k for k in fact if k in COMPARISON.explained]
                assert shown == [k for k in COMPARISON.explained if k in fact]
    assert [f.name for f in COMPARISON.labelled] == [
        "users_mean",
        "non_users_mean",
        "gap",
        "hedges_g",
        "p_holm",
        "rank",
    ]


def test_the_reports_figures_are_the_vocabularys():
    """A factor's figures in the report: the vocabulary's names, and its meanings."""
    fields = {f.name: f for f in dataclasses.fields(FactorResult)}
    words = {
        "factor",
        "label",
        "short_label",
        "definition",
        "higher_is_better",
        "shown",
        "hidden_reason",
    }
    figures = set(fields) - words - {"finding", "comments"}  # comments: what non-users wrote
    assert figures <= set(COMPARISON.fields)
    for name in figures:
        meaning = COMPARISON[name].help
        assert meaning.lower()[:20] in fields[name].metadata["help"].lower(), name


def test_every_kind_has_distinct_figures_and_a_pattern_key():
    assert list(FACT_KINDS) == ["factor", "segment", "conclusion", "intervention"]
    for kind in FACT_KINDS.values():
        assert all(name == f.name for name, f in kind.fields.items())
        for f in kind.fields.values():
            assert f.help and f.kind in ("number", "bool", "text")
            assert not f.values or f.kind == "text"
        explain = [f.explain for f in kind.fields.values() if f.explain is not None]
        assert sorted(explain) == list(range(1, len(explain) + 1))


@pytest.mark.parametrize(
    ("g", "size", "level"),
    [
        (0.0, "negligible", 0),
        (0.1999, "negligible", 0),
        (0.2, "small", 1),
        (-0.2, "small", 1),
        (0.4999, "small", 1),
        (0.5, "medium", 2),
        (-0.79, "medium", 2),
        (0.8, "large", 3),
        (2.5, "large", 3),
    ],
)
def test_effect_size_bands(g, size, level):
    assert effect_size(g) == size
    assert effect_level(g) == level


def test_the_effect_size_bands_are_the_ones_the_report_names():
    assert EFFECT_SIZES == ("negligible", "small", "medium", "large")
    assert set(LABELS["effect_size"]) == set(EFFECT_SIZES)
    # the method section says the same bands in words
    sentence = "below {1} negligible, from {1} small, from {2} medium, from {3} large".format(
        *(f"{band.lowest:g}" for band in EFFECT_SIZE_BANDS)
    )
    for template in ("report.html", "report.md"):
        assert sentence in (ROOT / "templates" / template).read_text(encoding="utf-8")


def test_the_reports_labels_cover_the_catalogues_choices():
    assert tuple(LABELS["owner"]) == OWNERS
    assert tuple(LABELS["effort"]) == EFFORTS
    assert tuple(LABELS["horizon"]) == HORIZONS
    assert tuple(LABELS["priority"]) == tuple(PRIORITIES)


def test_a_figures_former_name_is_not_a_current_one():
    for kind in FACT_KINDS.values():
        assert not set(kind.former) & set(kind.fields)
