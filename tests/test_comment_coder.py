"""The comment coder: comments.yaml, lemmas, negation, direction, examples (issue 32)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ism_advisor.core.errors import AdvisorError
from ism_advisor.stats.comments import (
    Examples,
    code_comments,
    load_comment_codes,
    read_examples,
)
from ism_advisor.stats.comments.text import detect_language, normalise, tokens

FACTORS = (  # the codebook's order
    "performance_expectancy",
    "effort_expectancy",
    "reputation",
    "colleague_influence",
    "manager_influence",
    "collaboration_norms",
    "privacy_concern",
)
DATA = Path(__file__).parent / "data" / "comments"


@pytest.fixture(scope="module")
def codes():
    return load_comment_codes(None, FACTORS)


def lexicon(codes, text):
    return code_comments([text], codes, learn=False)[0]


def test_the_packaged_file_has_the_seven_factors_and_two_other_codes(codes):
    assert codes.path == "<packaged comments.yaml>"
    assert codes.ids() == (*FACTORS, "technical", "purpose_unclear")
    assert [c.kind for c in codes.codes] == ["factor"] * 7 + ["other"] * 2
    assert codes.codes[1].label == {"nl": "Verwachte inspanning", "en": "Effort expectancy"}
    assert codes.codes[7].label["en"] == "Technical problems"


@pytest.mark.parametrize(
    ("text", "code", "direction"),
    [
        ("Ik heb er geen tijd voor.", "effort_expectancy", "unfavourable"),
        ("Het kost te veel tijd.", "effort_expectancy", "unfavourable"),
        ("Het is makkelijk.", "effort_expectancy", "favourable"),
        ("Het is niet makkelijk.", "effort_expectancy", "unfavourable"),
        ("Makkelijk is het niet.", "effort_expectancy", "unfavourable"),
        ("It is easy to use.", "effort_expectancy", "favourable"),
        ("It's not easy to use.", "effort_expectancy", "unfavourable"),
        ("It really isn't intuitive.", "effort_expectancy", "unfavourable"),
        ("Scheelt mails, echt.", "performance_expectancy", "favourable"),
        ("Ik voel me bekeken, alsof HR meekijkt.", "privacy_concern", "unfavourable"),
        ("I feel watched.", "privacy_concern", "unfavourable"),
        ("Mijn manager post nooit iets.", "manager_influence", "unfavourable"),
        ("My manager is great, she posts every day.", "manager_influence", "favourable"),
    ],
)
def test_terms_negation_and_direction(codes, text, code, direction):
    coded = lexicon(codes, text)
    assert code in coded.codes
    assert coded.directions[code] == direction


def test_a_negator_inside_the_phrase_does_not_flip_it_and_a_clause_ends_the_scope(codes):
    coded = lexicon(codes, "Geen tijd, maar wel makkelijk.")
    assert coded.codes == ("effort_expectancy",)
    assert coded.terms["effort_expectancy"] == ("geen tijd", "makkelijk")
    assert coded.directions["effort_expectancy"] == "mixed"
    assert coded.direction == "mixed"


def test_terms_match_as_lemmas_in_the_detected_language(codes):
    nl = lexicon(codes, "Het kostte me te veel tijd, de meldingen zijn irritant")
    assert nl.lang == "nl"
    assert nl.terms["effort_expectancy"] == ("kost te veel tijd", "meldingen")
    en = lexicon(codes, "The app crashes and I keep getting logged out")
    assert en.lang == "en"
    assert en.codes == ("technical",)
    assert en.terms["technical"] == ("app", "crash", "logged out")


def test_markers_are_ignored(codes):
    coded = lexicon(codes, "[naam] zegt: geen tijd. Zie [e-mail], [telefoon], [URL].")
    assert coded.codes == ("effort_expectancy",)
    assert normalise("Vraag het [naam]!") == "vraag het !"
    assert tokens(normalise("I [name] don't know")) == ["i", "don't", "know"]


def test_language_detection_by_function_words():
    assert detect_language(tokens("ik heb er geen tijd voor")) == "nl"
    assert detect_language(tokens("i don't have the time for it")) == "en"
    assert detect_language([]) == "nl"


def test_blank_and_uncoded_comments(codes):
    blank, plain = code_comments(["", "Het weer is mooi."], codes, learn=False)
    assert (blank.codes, blank.direction, plain.codes) == ((), None, ())


def test_the_supervised_layer_keeps_clear_cases(codes):
    got = code_comments(["Ik heb geen tijd voor weer een app.", "My manager never uses it."], codes)
    assert got[0].codes == ("effort_expectancy",)
    assert got[1].codes == ("manager_influence",)
    assert got[1].direction == "unfavourable"


def test_an_example_with_the_same_text_gives_its_codes(codes, tmp_path):
    sheet = tmp_path / "coding.csv"
    sheet.write_text(
        "id,lang,text,codes,direction,terms\n"
        'c0001,nl,"Ik zit  [naam] de hele dag op de vloer.",effort_expectancy;reputation,'
        "unfavourable,\n"
        "c0002,en,Whatever.,none,,\n",
        encoding="utf-8",
    )
    examples = read_examples(sheet)
    assert [e.codes for e in examples.items] == [("effort_expectancy", "reputation"), ()]
    texts = ["ik zit de hele dag op de VLOER.", "Whatever."]
    got = code_comments(texts, codes, examples)
    assert got[0].codes == ("effort_expectancy", "reputation")
    assert got[0].direction == "unfavourable"
    assert got[1].codes == ()


def test_read_examples_reads_the_dev_set():
    dev = read_examples(DATA / "comments-dev.csv")
    assert len(dev.items) == 156
    assert dev.items[0].codes == (
        "performance_expectancy",
        "effort_expectancy",
        "manager_influence",
    )
    assert isinstance(dev + Examples(()), Examples)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "",
            ": is empty (expected a coding sheet with the columns id, lang, text, codes,"
            " direction)",
        ),
        (
            "id,lang,text,codes\n",
            ":1: missing column 'direction' (expected id, lang, text, codes, direction)",
        ),
        (
            "id,lang,text,codes,direction\nc1,nl,x,none,good\n",
            ':2: column "direction": expected favourable, unfavourable, mixed or nothing,'
            " found 'good'",
        ),
        ("id,lang,text,codes,direction\nc1,nl\n", ":2: a row has fewer fields than the header"),
    ],
)
def test_a_bad_coding_sheet_is_one_line(tmp_path, content, message):
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(content, encoding="utf-8")
    with pytest.raises(AdvisorError) as caught:
        read_examples(sheet)
    assert str(caught.value) == f"{sheet}{message}"


GOOD = """\
negators:
  nl: [niet]
  en: [not]
codes:
  - id: effort_expectancy
    kind: factor
    label: {nl: Moeite, en: Effort}
    terms:
      nl: {unfavourable: [geen tijd], favourable: [makkelijk]}
      en: {unfavourable: [no time]}
"""


def write(tmp_path, text):
    path = tmp_path / "comments.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_an_edited_file_is_read(tmp_path):
    codes = load_comment_codes(write(tmp_path, GOOD), FACTORS)
    assert codes.ids() == ("effort_expectancy",)
    coded = code_comments(["niet makkelijk", "no time"], codes)
    assert [(c.codes, c.direction) for c in coded] == [
        (("effort_expectancy",), "unfavourable"),
        (("effort_expectancy",), "unfavourable"),
    ]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "id: effort_expectancy",
            "id: effort_expectency",
            "5:9: 'effort_expectency' is not a factor of the codebook (did you mean"
            " 'effort_expectancy'?)",
        ),
        ("kind: factor", "kind: faktor", "6:11: 'kind' must be factor or other, found 'faktor'"),
        (
            "favourable: [makkelijk]",
            "favorable: [makkelijk]",
            "9:39: unknown key 'favorable' (did you mean 'favourable'?)",
        ),
        ("en: [not]", "en: not", "3:7: 'en' must be a list of words, found 'not'"),
        (
            "unfavourable: [no time]",
            "unfavourable: [3, [x]]",
            "10:30: expected a word or phrase, found a list",
        ),
        ("    label: {nl: Moeite, en: Effort}\n", "", "5:5: missing key 'label'"),
    ],
)
def test_a_bad_comments_file_is_one_line_with_its_position(tmp_path, old, new, message):
    path = write(tmp_path, GOOD.replace(old, new))
    with pytest.raises(AdvisorError) as caught:
        load_comment_codes(path, FACTORS)
    assert str(caught.value) == f"{path}:{message}"


def test_factor_codes_carry_the_codebooks_labels(codes, codebook):
    labels = {factor.id: dict(factor.label) for factor in codebook.factors}
    for code in codes.codes[:7]:
        assert dict(code.label) == labels[code.id]
