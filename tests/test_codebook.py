"""Codebook validation: every problem, with its line and column."""

from __future__ import annotations

import pytest

from bad_cases import CODEBOOK_CASES
from builders import OWN_SCALE
from conftest import DATA, FACTORS, SAMPLE_SCORES
from ism_advisor.core.errors import AdvisorError
from ism_advisor.survey.codebook import load_codebook

BAD = DATA / "bad" / "codebook"


@pytest.mark.parametrize("name", sorted(CODEBOOK_CASES))
def test_every_problem_is_reported_with_its_position(name):
    with pytest.raises(AdvisorError) as caught:
        load_codebook(BAD / name)
    prefix = f"{BAD / name}:"
    rendered = [str(problem) for problem in caught.value.problems]
    assert rendered == [prefix + line for line in CODEBOOK_CASES[name]]


def test_every_bad_codebook_has_a_case():
    assert sorted(CODEBOOK_CASES) == sorted(p.name for p in BAD.glob("*.yaml"))


def test_the_command_shows_the_first_problem_and_counts_the_rest(cli):
    result = cli(SAMPLE_SCORES, "--codebook", BAD / "several_problems.yaml")
    assert result.exit_code == 1
    assert result.stderr == (
        f"{BAD / 'several_problems.yaml'}:13:5: unknown key 'directon' (did you mean"
        " 'direction'?) (+2 more; 'ism-advise rules check' lists every problem)\n"
    )
    assert cli.files == []


def test_minimal_and_packaged_codebooks_are_valid():
    minimal = load_codebook(DATA / "codebooks" / "minimal.yaml")
    assert minimal.factor_ids == ("performance_expectancy", "privacy_concern")
    assert minimal.missing_numbers == {0.0, 9.0}
    assert minimal.missing_texts == {"weet_niet"}
    packaged = load_codebook()
    assert packaged.factor_ids == FACTORS
    assert [f.direction for f in packaged.factors].count("higher_is_worse") == 2
    for factor in packaged.factors:
        assert 3 <= len(factor.items) <= 4
        assert factor.label["nl"] and factor.label["en"] and factor.definition["nl"]


def test_each_packaged_factor_has_a_short_label_and_an_own_codebook_may_leave_it_out():
    packaged = load_codebook()
    assert [(f.short_label("nl"), f.short_label("en")) for f in packaged.factors] == [
        ("Prestatie", "Performance"),
        ("Inspanning", "Effort"),
        ("Reputatie", "Reputation"),
        ("Collega's", "Colleagues"),
        ("Leiding", "Managers"),
        ("Samenwerking", "Collaboration"),
        ("Privacy", "Privacy"),
    ]
    minimal = load_codebook(DATA / "codebooks" / "minimal.yaml")
    assert [(f.short_label("nl"), f.short_label("en")) for f in minimal.factors] == [
        ("Verwachte prestatieverbetering", "Performance expectancy"),
        ("Privacy", "Privacy concern"),
    ]


def test_an_organisation_edits_a_short_label(tmp_path):
    text = (DATA / "codebooks" / "minimal.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "    label: {nl: Privacy, en: Privacy concern}\n",
        "    label: {nl: Privacy, en: Privacy concern}\n    short: {nl: Zorgen, en: Worries}\n",
    )
    (tmp_path / "own.yaml").write_text(text, encoding="utf-8")
    factor = load_codebook(tmp_path / "own.yaml").factor("privacy_concern")
    assert (factor.short_label("nl"), factor.short_label("en")) == ("Zorgen", "Worries")
    assert factor.label == {"nl": "Privacy", "en": "Privacy concern"}


def test_an_organisation_adds_its_own_answer_scale(tmp_path):
    (tmp_path / "own.yaml").write_text(OWN_SCALE, encoding="utf-8")
    book = load_codebook(tmp_path / "own.yaml")
    factor = book.factor("performance_expectancy")
    pe1, pe2 = factor.items
    assert book.item_scale(factor, pe1).id == "agreement"  # the built-in default
    frequency = book.item_scale(factor, pe2)
    assert frequency.texts("nl") == ("Nooit", "Zelden", "Soms", "Vaak", "Altijd")
    assert frequency.lookup["bijnanooit"] == 2.0 and frequency.lookup["ao03"] == 3.0
    assert book.answer_scale(book.usage.answers).texts("en") == (
        "Never",
        "Monthly",
        "Weekly",
        "Daily",
    )
    assert book.answer_scale("often").points[0].value == 0.0
    assert book.segment("TEAM").text["en"] == "Which team are you in?"


def test_own_scales_read_a_text_export(tmp_path):
    from ism_advisor.survey.reading import load_survey

    (tmp_path / "own.yaml").write_text(OWN_SCALE, encoding="utf-8")
    rows = [
        "Tijdstempel,Hoe vaak gebruikt u het platform?,In welk team werkt u?,"
        "Het platform helpt mij.,Ik vind er snel wat ik zoek.",
    ]
    answers = [
        ("Dagelijks", "Blauw", "Mee eens", "Altijd"),
        ("Nooit", "Blauw", "Oneens", "Bijna nooit"),
        ("Wekelijks", "Rood", "Helemaal mee eens", "Vaak"),
        ("Maandelijks", "Rood", "Weet niet", "Soms"),
        ("weet niet", "Rood", "Neutraal", "Nooit"),
    ]
    rows += [f"2026/03/02 9:00:0{i},{','.join(a)}" for i, a in enumerate(answers)]
    (tmp_path / "forms.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    survey = load_survey(tmp_path / "forms.csv", load_codebook(tmp_path / "own.yaml"), ["team"])
    assert survey.is_user.tolist() == [True, False, True, False]  # daily, never, weekly, monthly
    assert survey.excluded == 1
    items = survey.items["performance_expectancy"]
    assert items["pe1"].tolist()[:3] == [4.0, 2.0, 5.0] and items["pe1"].isna().tolist()[3]
    assert items["pe2"].tolist() == [5.0, 2.0, 4.0, 3.0]
    assert survey.segments["team"].astype(str).tolist() == ["Blauw", "Blauw", "Rood", "Rood"]
