"""The generated survey with an open question (``ism-advise sample --comments``): the same
survey as the sample with a ``comment`` column, and what is planted in it for the
end-to-end tests (tests/test_comments_e2e.py)."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter

import numpy as np
import pytest

from conftest import ROOT
from ism_advisor.survey.sample import generate_sample
from ism_advisor.survey.sample_comments import (
    COMMENT_COLUMN,
    NAMING_DEPARTMENTS,
    PLANTED_PERSONAL_DATA,
    SMALL_DEPARTMENT,
    THEME_DEPARTMENT,
    THEME_WORDS,
    generate_comments,
)

DEPARTMENTS = ("Zorg", "Facilitair", "Staf", "Burgerzaken", "Ruimte", "ICT", "Directie",
               "Engineering", "Sales", "Operations")  # fmt: skip
CODES = {
    "performance_expectancy", "effort_expectancy", "reputation", "colleague_influence",
    "manager_influence", "collaboration_norms", "privacy_concern", "technical",
    "purpose_unclear",
}  # fmt: skip


@pytest.fixture(scope="module")
def generated(codebook):
    return generate_comments(codebook)


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_the_same_seed_gives_the_same_bytes_and_another_seed_other_comments(codebook, generated):
    again = generate_comments(codebook)
    assert (again.scores_csv, again.responses_csv) == (
        generated.scores_csv,
        generated.responses_csv,
    )
    assert again.comments == generated.comments
    other = generate_comments(codebook, seed=7)
    assert [c.text for c in other.comments] != [c.text for c in generated.comments]


@pytest.mark.parametrize("name", ["scores_csv", "responses_csv"])
def test_the_files_are_the_samples_with_a_comment_column_last(codebook, generated, name):
    sample = rows(getattr(generate_sample(codebook), name))
    commented = rows(getattr(generated, name))
    assert [row[:-1] for row in commented] == sample
    assert commented[0][-1] == COMMENT_COLUMN
    by_row = {c.row: c.text for c in generated.comments}
    assert [row[-1] for row in commented[1:]] == [by_row.get(i, "") for i in range(len(sample) - 1)]


def test_about_six_in_ten_write_mostly_in_dutch(generated):
    respondents = len(rows(generated.scores_csv)) - 1
    assert respondents == 600
    assert 0.55 <= len(generated.comments) / respondents <= 0.65
    langs = Counter(c.lang for c in generated.comments)
    assert set(langs) == {"nl", "en"}
    assert 0.7 <= langs["nl"] / len(generated.comments) <= 0.9
    english = [c for c in generated.comments if c.lang == "en"]
    assert Counter(c.organisation for c in english).most_common(1)[0][0] == "TechnoBouw"


def test_codes_directions_and_kinds(generated):
    kinds = Counter(c.kind for c in generated.comments)
    assert set(kinds) == {"coded", "chitchat", "theme", "naming"}
    for comment in generated.comments:
        assert set(comment.codes) <= CODES
        assert (comment.direction is None) == (comment.codes == ())
        assert comment.direction in (None, "favourable", "unfavourable", "mixed")
        assert (comment.kind in ("chitchat", "theme")) == (comment.codes == ())
        assert comment.text == comment.text.strip() and "  " not in comment.text
    codes = Counter(code for c in generated.comments for code in c.codes)
    assert set(codes) == CODES
    assert min(codes[f] for f in CODES - {"technical", "purpose_unclear"}) >= 20
    platform = [
        c for c in generated.comments if re.search(r"Viva Engage|Yammer|Engage|platform", c.text)
    ]
    assert len(platform) >= 5
    multi = [c for c in generated.comments if len(c.codes) == 2]
    assert 0.1 <= len(multi) / kinds["coded"] <= 0.35
    assert {c.direction for c in multi} >= {"favourable", "unfavourable", "mixed"}


def unfavourable_share(comments) -> float:
    directed = [c for c in comments if c.direction in ("favourable", "unfavourable")]
    return sum(c.direction == "unfavourable" for c in directed) / len(directed)


def test_non_users_write_unfavourable_comments_more_often(generated):
    non_users = [c for c in generated.comments if not c.user]
    users = [c for c in generated.comments if c.user]
    assert unfavourable_share(non_users) > unfavourable_share(users) + 0.15


def test_a_comment_follows_the_respondents_own_score(codebook, generated):
    """A "no time" comment comes from someone who expects much effort (effort expectancy:
    higher is worse)."""
    (effort,) = [f for f in codebook.factors if f.id == "effort_expectancy"]
    assert not effort.higher_is_better
    table = rows(generated.scores_csv)
    column = table[0].index("effort_expectancy")
    by_direction: dict[str, list[float]] = {"favourable": [], "unfavourable": []}
    for comment in generated.comments:
        if comment.codes == ("effort_expectancy",) and table[comment.row + 1][column]:
            by_direction[comment.direction].append(float(table[comment.row + 1][column]))
    assert len(by_direction["unfavourable"]) >= 5 and len(by_direction["favourable"]) >= 5
    assert min(by_direction["unfavourable"]) >= 3.0 > max(by_direction["favourable"])
    assert np.mean(by_direction["unfavourable"]) > np.mean(by_direction["favourable"]) + 1.0


def test_every_personal_datum_is_planted_in_about_one_comment_in_ten(generated):
    carrying = [c for c in generated.comments if c.personal]
    assert 0.06 <= len(carrying) / len(generated.comments) <= 0.12
    planted = {datum for c in carrying for datum in c.personal}
    assert planted == set(PLANTED_PERSONAL_DATA)
    assert {kind for kind, _ in PLANTED_PERSONAL_DATA} == {
        "name", "email", "phone", "url", "iban", "postcode"}  # fmt: skip
    assert any(re.search(r" (van der|van den|ter|de|van) [A-Z]", v) for _, v in planted)
    for comment in carrying:
        assert all(value in comment.text for _, value in comment.personal)
    personal = [value for _, value in PLANTED_PERSONAL_DATA]
    for comment in generated.comments:
        if not comment.personal:
            assert not any(value in comment.text for value in personal)


def test_the_planted_theme_dominates_its_departments_non_users(generated):
    group = [c for c in generated.comments if c.department == THEME_DEPARTMENT and not c.user]
    themed = [c for c in group if c.kind == "theme"]
    assert len(themed) >= 0.6 * len(group) and len(themed) >= 20
    assert all(c.lang == "nl" and c.codes == () for c in themed)
    assert all(any(w in c.text.casefold() for w in THEME_WORDS) for c in themed)
    codes = Counter(code for c in group for code in c.codes)
    assert len(themed) > 3 * max(codes.values())
    elsewhere = [c for c in generated.comments if c.kind == "theme" and c not in group]
    assert elsewhere == []
    others = [c for c in generated.comments if c.kind != "theme"]
    assert not any(re.search(r"\b(engels|english)\b", c.text.casefold()) for c in others)


def test_the_small_department_has_fewer_comments_than_the_threshold(generated):
    small = [c for c in generated.comments if c.department == SMALL_DEPARTMENT]
    assert 1 <= len(small) < 10
    # docs/comments.md: Ruimte's users, too, show no comments
    assert sum(c.department == "Ruimte" and c.user for c in generated.comments) == 8
    others = {c.text for c in generated.comments if c.department != SMALL_DEPARTMENT}
    assert all(c.text not in others and c.codes for c in small)


def test_only_the_naming_comments_name_a_department(generated):
    naming = [c for c in generated.comments if c.kind == "naming"]
    assert [c.department for c in naming] == list(NAMING_DEPARTMENTS)
    for comment in generated.comments:
        named = [d for d in DEPARTMENTS if re.search(rf"\b{d}\b", comment.text, re.I)]
        assert named == ([comment.department] if comment.kind == "naming" else [])
        if comment.kind == "naming":
            assert not comment.user and comment.codes == ("colleague_influence",)


def test_sample_writes_the_commented_files_beside_the_unchanged_sample(cli, tmp_path):
    result = cli("sample", "-o", "data", "--comments")
    assert result.exit_code == 0, result.output
    names = ["scores.csv", "responses.csv", "scores-wave2.csv", "responses-wave2.csv",
             "scores-comments.csv", "responses-comments.csv"]  # fmt: skip
    assert result.stdout.splitlines() == [f"data/{name}" for name in names]
    for name in names[:4]:
        assert (tmp_path / "data" / name).read_bytes() == (ROOT / "sample_data" / name).read_bytes()
    scores = rows((tmp_path / "data" / "scores-comments.csv").read_text(encoding="utf-8"))
    assert scores[0][-1] == "comment" and len(scores) == 601
    plain = cli("sample", "-o", "plain")
    assert plain.exit_code == 0
    assert sorted(p.name for p in (tmp_path / "plain").iterdir()) == sorted(names[:4])
