"""Reading comment columns (``load_survey(comments=...)``): which columns, redacted at
reading, the errors, and reading unchanged without comments."""

from __future__ import annotations

import pandas as pd
import pytest

import exports as X
from builders import GROUP
from ism_advisor.core.errors import AdvisorError
from ism_advisor.survey import Survey, load_survey
from ism_advisor.survey.codebook import load_codebook

CODEBOOK = load_codebook()


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("comments")
    plain = X.tidy(folder / "tidy.csv", GROUP)
    frame = pd.read_csv(plain, dtype=str, keep_default_na=False)
    texts = [
        "Sanne en ik gebruiken het nooit, bel 06-12345678.",
        "",
        "Bij Verkoop leest iedereen mee, vraag maar aan Marleen van Dongen.",
        "   ",
        "Te weinig tijd.",
    ]
    frame["opmerking"] = [texts[i % len(texts)] for i in range(len(frame))]
    frame.to_csv(folder / "plain.csv", index=False)
    return {
        "qualtrics": X.qualtrics(folder / "q.csv", GROUP, lang="nl"),
        "qualtrics_en": X.qualtrics(folder / "q_en.csv", GROUP, lang="en"),
        "surveymonkey": X.surveymonkey(folder / "m.csv", GROUP, lang="en"),
        "plain": folder / "plain.csv",
        "tidy": plain,
    }


def test_qualtrics_open_takes_the_text_entry_question_redacted(files):
    survey = load_survey(files["qualtrics"], CODEBOOK, comments=["open"], lang="nl")
    assert list(survey.comments.columns) == ["Q11"]
    assert survey.comments.index.equals(survey.scores.index)
    assert (
        survey.comments["Q11"].iloc[0] == "Mijn leidinggevende [naam] leest mee PLANTED-COMMENT 0"
    )
    assert not survey.comments["Q11"].str.contains("Zwaantje").any()
    # the "other, please specify" text is not an open question of its own
    assert ("Q11", "comments") in survey.source.columns
    assert ("Q10_4_TEXT", "comments") not in survey.source.columns


def test_a_column_named_by_its_question_text_keeps_the_requested_name(files):
    asked = "Is there anything else you would like to tell us?"
    survey = load_survey(files["qualtrics_en"], CODEBOOK, comments=[asked], lang="en")
    assert list(survey.comments.columns) == [asked]
    assert (
        survey.comments[asked].iloc[1] == "Mijn leidinggevende [name] leest mee PLANTED-COMMENT 1"
    )


def test_surveymonkey_open_ended_response_is_declared(files):
    survey = load_survey(files["surveymonkey"], CODEBOOK, comments=["open"], lang="en")
    [name] = survey.comments.columns
    assert name == "Is there anything else you would like to tell us?"
    assert len(survey.comments) == len(survey.scores)
    assert survey.comments[name].iloc[0] == "Mijn leidinggevende [name] leest mee PLANTED-COMMENT 0"


def test_plain_csv_column_by_name_blank_is_none_and_declared_terms(files):
    survey = load_survey(
        files["plain"],
        CODEBOOK,
        ["department"],
        comments=["opmerking"],
        lang="nl",
        redact_terms=["leest"],
    )
    values = survey.comments["opmerking"].tolist()
    assert set(values) == {
        "[naam] en ik gebruiken het nooit, bel [telefoon].",
        None,
        "Bij Verkoop [weggelaten] iedereen mee, vraag maar aan [naam].",
        "Te weinig tijd.",
    }
    assert dict(survey.source.columns)["opmerking"] == "comments"


def test_redact_segments_redacts_the_segment_values(files):
    survey = load_survey(
        files["plain"],
        CODEBOOK,
        ["department"],
        comments=["opmerking"],
        lang="en",
        redact_segments=True,
    )
    assert "Bij [redacted] leest iedereen mee, vraag maar aan [name]." in set(
        survey.comments["opmerking"]
    )


def test_plain_csv_declares_no_open_questions(files):
    with pytest.raises(AdvisorError) as error:
        load_survey(files["plain"], CODEBOOK, comments=["open"])
    assert str(error.value) == (
        f"{files['plain']}: --comments open: this file declares no open questions (a plain"
        " CSV file's or a sheet's columns never do: name the column; columns found:"
        " user, department, pe1, pe2, pe3, pe4, ee1, ee2, ee3, ee4, rep1, rep2, …)"
    )


def test_unknown_column_names_the_open_questions(files):
    with pytest.raises(AdvisorError) as error:
        load_survey(files["qualtrics"], CODEBOOK, comments=["wensen"])
    assert str(error.value) == (
        f'{files["qualtrics"]}: no column "wensen" to read comments from (expected a'
        " column's name or question text; open questions in this file: Q11)"
    )


def test_a_comment_column_cannot_feed_anything_else(files):
    with pytest.raises(AdvisorError) as error:
        load_survey(files["plain"], CODEBOOK, ["department"], comments=["department"])
    assert str(error.value) == (
        f'{files["plain"]}: cannot read comments from column "department": it is the usage'
        " column, an item, a factor's score or a segment"
    )


def test_without_comments_reading_is_unchanged(files):
    survey = load_survey(files["plain"], CODEBOOK, ["department"])
    reference = load_survey(files["tidy"], CODEBOOK, ["department"])
    assert survey.comments is None
    assert survey.source.columns == reference.source.columns
    pd.testing.assert_frame_equal(survey.scores, reference.scores)
    assert isinstance(survey, Survey)
