"""Loading real-world exports: every messy variant gives the clean file's data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import DATA, SAMPLE_RESPONSES, SAMPLE_SCORES
from ism_advisor.core.errors import AdvisorError
from ism_advisor.survey import load_survey
from ism_advisor.survey.codebook import load_codebook

MESSY = DATA / "messy"


@pytest.fixture(scope="module")
def clean(codebook):
    return load_survey(MESSY / "clean.csv", codebook, ["afdeling"])


@pytest.mark.parametrize(
    "name",
    [
        "semicolon_comma_decimals.csv",
        "tab_delimited.csv",
        "utf8_bom.csv",
        "windows1252_semicolon.csv",
        "all_quoted_crlf.csv",
        "header_variants.csv",
        "usage_words.csv",
    ],
)
def test_messy_export_loads_like_the_clean_one(codebook, clean, name):
    survey = load_survey(MESSY / name, codebook, ["Afdeling"])
    pd.testing.assert_frame_equal(survey.scores, clean.scores)
    np.testing.assert_array_equal(survey.is_user, clean.is_user)
    assert list(survey.segments.columns) != [] and survey.segment_by[0][0].strip() in (
        "afdeling",
        "Afdeling",
    )
    segments = survey.segments.iloc[:, 0].astype(str).tolist()
    assert segments == clean.segments["afdeling"].astype(str).tolist()
    assert "Financiën" in segments


def test_numeric_usage_with_a_threshold(clean):
    codebook = load_codebook(DATA / "codebooks" / "numeric_usage.yaml")
    survey = load_survey(MESSY / "numeric_usage.csv", codebook)
    np.testing.assert_array_equal(survey.is_user, clean.is_user)
    pd.testing.assert_frame_equal(survey.scores, clean.scores)


def test_missing_value_codes_and_blanks_become_missing(codebook, clean):
    survey = load_survey(MESSY / "missing_codes.csv", codebook)
    missing = survey.scores.isna()
    assert int(missing.to_numpy().sum()) == 12
    pd.testing.assert_frame_equal(survey.scores[~missing], clean.scores[~missing])


def test_item_level_input_reverse_codes_and_averages(codebook):
    survey = load_survey(SAMPLE_RESPONSES, codebook)
    raw = pd.read_csv(SAMPLE_RESPONSES)
    factor = codebook.factor("performance_expectancy")  # pe4 is reverse-coded
    answers = raw[["pe1", "pe2", "pe3", "pe4"]].where(lambda f: f != 9)
    answers["pe4"] = 6 - answers["pe4"]
    enough = answers.notna().sum(axis=1) * 2 >= len(factor.items)
    expected = answers.mean(axis=1).where(enough)
    pd.testing.assert_series_equal(
        survey.scores["performance_expectancy"], expected, check_names=False
    )
    assert set(survey.items) == set(codebook.factor_ids)


def test_a_factor_score_needs_half_of_its_items(tmp_path, codebook):
    header = "user,ee1,ee2,ee3,ee4,performance_expectancy,reputation,colleague_influence,"
    header += "manager_influence,collaboration_norms,privacy_concern\n"
    rows = ["ja,4,,,,3,3,3,3,3,3\n", "ja,4,2,,,3,3,3,3,3,3\n", "nee,4,2,9,,3,3,3,3,3,3\n"]
    rows += ["nee,1,1,1,1,3,3,3,3,3,3\n"]
    path = tmp_path / "r.csv"
    path.write_text(header + "".join(rows), encoding="utf-8")
    survey = load_survey(path, codebook)
    effort = survey.scores["effort_expectancy"].tolist()
    assert np.isnan(effort[0])  # 1 of 4 answered
    assert effort[1] == 3.0  # 2 of 4: (4 + 2) / 2
    assert effort[2] == 3.0  # 9 = don't know
    assert effort[3] == 2.0  # ee3 reverse-coded: 1, 1, 5, 1


def test_rows_without_usage_answer_are_left_out_with_a_warning(tmp_path, codebook):
    text = (MESSY / "clean.csv").read_text(encoding="utf-8").splitlines()
    text[3] = text[3].replace(",ja,", ",,").replace(",nee,", ",,")
    text[5] = text[5].replace(",ja,", ",weet niet,").replace(",nee,", ",weet niet,")
    path = tmp_path / "s.csv"
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    survey = load_survey(path, codebook)
    assert survey.respondents == 46
    assert survey.excluded == 2
    assert [str(w) for w in survey.warnings] == [
        'rows left out for want of an answer in column "user": 2'
    ]


def test_segment_by_an_unknown_column_suggests_the_closest(codebook):
    with pytest.raises(AdvisorError) as caught:
        load_survey(SAMPLE_SCORES, codebook, ["departmnet"])
    assert str(caught.value) == (
        f'{SAMPLE_SCORES}:1: no column "departmnet" to segment by (did you mean '
        "'department'?) (columns found: respondent, organisation, department, user, "
        "performance_expectancy, effort_expectancy, reputation, colleague_influence, "
        "manager_influence, collaboration_norms, privacy_concern)"
    )


def test_combined_segments_are_resolved_to_export_names(codebook):
    survey = load_survey(SAMPLE_SCORES, codebook, ["ORGANISATION+Department", "department"])
    assert survey.segment_by == (("organisation", "department"), ("department",))
    assert list(survey.segments.columns) == ["organisation", "department"]


def test_a_bad_value_after_rows_left_out_names_its_own_line(tmp_path, codebook):
    header = "user,performance_expectancy,effort_expectancy,reputation,colleague_influence,"
    header += "manager_influence,collaboration_norms,privacy_concern\n"
    rows = ["ja,3,3,3,3,3,3,3\n", ",3,3,3,3,3,3,3\n", "nee,3,3,3,3,3,3,3\n"]
    rows += ["nee,3,3,abc,3,3,3,3\n"]  # line 5, after a row left out for want of usage
    (tmp_path / "s.csv").write_text(header + "".join(rows), encoding="utf-8")
    with pytest.raises(AdvisorError) as caught:
        load_survey(tmp_path / "s.csv", codebook)
    assert str(caught.value) == (
        f"{tmp_path / 's.csv'}:5: column \"reputation\": 'abc' is not a number (expected a"
        " score from 1 to 5, blank or a missing-value code (0, 9, 99))"
    )
