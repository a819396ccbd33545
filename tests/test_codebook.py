"""Codebook validation: every problem, with its line and column."""

from __future__ import annotations

import pytest

from conftest import DATA, FACTORS, SAMPLE_SCORES
from ism_advisor.core.errors import AdvisorError
from ism_advisor.survey.codebook import load_codebook

BAD = DATA / "bad" / "codebook"

CASES = {
    "agreement_on_four_points.yaml": [
        "16:18: the built-in agreement scale has 5 or 7 points, the answer scale from 1 to 4"
        " has not (give your own in answer_scales)",
        "19:11: missing key 'en'",
        "20:5: missing key 'id'",
    ],
    "answer_on_two_points.yaml": ["9:9: the answer 'zelden' is given for points 1 and 2"],
    "answer_scale_too_short.yaml": [
        "20:14: answer scale 'frequency' runs from 1 to 4, the items' scale from 1 to 5"
    ],
    "unknown_answer_scale.yaml": [
        "4:12: unknown answer scale 'frequncy' (did you mean 'frequency'?) (expected agreement"
        " or one of answer_scales)"
    ],
    "bad_direction.yaml": [
        "22:16: direction must be higher_is_better or higher_is_worse, found 'lower_is_better'"
    ],
    "bad_id.yaml": [
        "24:13: an id must be lower-case letters, digits and underscores, starting with a"
        " letter, found 'Priv 1'"
    ],
    "duplicate_factor.yaml": [
        "20:9: duplicate factor id 'performance_expectancy' (first given on line 11)"
    ],
    "duplicate_item.yaml": ["17:13: duplicate item id 'pe1' (first given on line 15)"],
    "duplicate_key.yaml": ["8:3: duplicate key 'type' (first given on line 7)"],
    "empty.yaml": [" the file is empty (expected a codebook)"],
    "factors_not_a_list.yaml": [
        "11:1: unknown key 'unused'",
        "10:10: 'factors' must be a non-empty list of factors, found 'performance_expectancy'",
    ],
    "label_without_english.yaml": ["21:12: missing key 'en'"],
    "missing_code_on_scale.yaml": [
        "4:14: missing code 3 lies on the answer scale 1–5 (a missing code must be outside it)"
    ],
    "not_a_mapping.yaml": ["1:1: expected a codebook mapping, found a list"],
    "numeric_without_threshold.yaml": ["6:3: type numeric needs a 'threshold'"],
    "short_label_not_per_language.yaml": [
        "13:12: 'short' must give a text per language (nl: …, en: …), found 'Prestatie'",
        "20:12: missing key 'en'",
    ],
    "reverse_not_bool.yaml": ["19:18: 'reverse' must be true or false, found 'sometimes'"],
    "scale_reversed.yaml": ["2:3: the scale's min (5) must be below its max (1)"],
    "several_problems.yaml": [
        "13:5: unknown key 'directon' (did you mean 'direction'?)",
        "14:5: unknown key 'colour'",
        "11:5: missing key 'direction'",
    ],
    "syntax_error.yaml": ["21:12: this { is not closed on its line (end it with })"],
    "key_indented.yaml": [
        "22:7: this key is indented more than the key above it, which already has a value"
    ],
    "tab_indent.yaml": ["3:1: a tab character; YAML indents with spaces only"],
    "unknown_key.yaml": [
        "13:5: unknown key 'directon' (did you mean 'direction'?)",
        "11:5: missing key 'direction'",
    ],
    "unknown_usage_type.yaml": ["7:9: unknown usage type 'frequency' (expected yes_no or numeric)"],
    "questionnaire_placeholder.yaml": [
        "8:9: unknown placeholder {minuten} in 'intro' (did you mean 'minutes'?) (expected"
        " {minutes} or {min_group_size})"
    ],
    "questionnaire_brace.yaml": [
        "9:9: 'anonymity' in 'en' has a brace that is not closed (placeholders are written"
        " {minutes} and {min_group_size}; write {{ for a brace)"
    ],
    "dont_know_not_missing.yaml": [
        "8:19: the don't-know answer 'Weet niet' is not one of the missing values (add it under"
        " missing, or an export holding it cannot be read)",
        "8:34: the don't-know answer 'Don't know' is not one of the missing values (add it"
        " under missing, or an export holding it cannot be read)",
        "8:54: the don't-know code 9 is not one of the missing values (add it under missing, or"
        " its answers are read as scores)",
    ],
    "option_given_twice.yaml": ["11:9: the answer 'verkoop' is given for options 1 and 2"],
    "options_not_a_list.yaml": [
        "9:14: 'options' must be a non-empty list of answers (id, nl, en), found 'Verkoop,"
        " Financiën, ICT'"
    ],
    "unquoted_yes.yaml": [
        "8:15: an unquoted yes/no word in 'users': put it in quotes (YAML reads yes, no, on"
        " and off as true or false)"
    ],
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_problem_is_reported_with_its_position(name):
    with pytest.raises(AdvisorError) as caught:
        load_codebook(BAD / name)
    prefix = f"{BAD / name}:"
    rendered = [str(problem) for problem in caught.value.problems]
    assert rendered == [prefix + line for line in CASES[name]]


def test_every_bad_codebook_has_a_case():
    assert sorted(CASES) == sorted(p.name for p in BAD.glob("*.yaml"))


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


OWN_SCALE = """
scale:
  min: 1
  max: 5
answer_scales:
  - id: frequency
    points:
      - {nl: Nooit, en: Never}
      - {nl: [Zelden, Bijna nooit], en: Rarely}
      - {nl: Soms, en: Sometimes, codes: [AO03]}
      - {nl: Vaak, en: Often}
      - {nl: [Altijd, Heel vaak], en: Always}
  - id: often
    first: 0
    points:
      - {nl: Nooit, en: Never}
      - {nl: Maandelijks, en: Monthly}
      - {nl: Wekelijks, en: Weekly}
      - {nl: Dagelijks, en: Daily}
missing: [9, "weet niet"]
usage:
  column: hoe vaak
  text: {nl: Hoe vaak gebruikt u het platform?, en: How often do you use the platform?}
  type: numeric
  threshold: 2
  answers: often
segments:
  - id: team
    text: {nl: In welk team werkt u?, en: Which team are you in?}
factors:
  - id: performance_expectancy
    label: {nl: Verwachte prestatieverbetering, en: Performance expectancy}
    direction: higher_is_better
    items:
      - id: pe1
        text: {nl: Het platform helpt mij., en: The platform helps me.}
      - id: pe2
        text: {nl: Ik vind er snel wat ik zoek., en: I quickly find what I look for.}
        answers: frequency
"""


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
