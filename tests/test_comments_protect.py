"""The anonymity of comments (ism_advisor.protect.comments, issue 32): the threshold, the
complementary hiding, the quotes. The coder's results are contract C3's shapes (the fakes
of tests/comments_fakes.py)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from comments_fakes import Coded, Theme, code_comments, load_comment_codes

from ism_advisor.protect.comments import comment_facts, comment_texts, publish_comments

CODES = load_comment_codes(None, ["effort_expectancy", "manager_influence"])
HIDDEN = {"shown": False, "n": None, "codes": [], "themes": [], "dominant": None}


def _survey(teams, users, texts):
    """A survey of one segmentation ``team`` (None: no value) and one comment column."""
    index = pd.RangeIndex(len(teams))
    segments = pd.DataFrame({"team": pd.Categorical(teams)}, index=index)
    comments = pd.DataFrame({"c": texts}, index=index)
    return SimpleNamespace(is_user=np.array(users), segments=segments, comments=comments)


def _published(values, suppressed=()):
    rows = [{"spec": (), "column": None, "value": None, "where": {}, "parent": None}]
    rows += [
        {"spec": ("team",), "column": "team", "value": v, "where": {"team": v}, "parent": 0}
        for v in values
    ]
    for i, row in enumerate(rows):
        row["suppressed"] = i in suppressed
    return SimpleNamespace(segments=pd.DataFrame(rows))


def _people(plan):
    """``plan``: (team, is user, number of people, text or None) → the survey's rows."""
    teams, users, texts = [], [], []
    for team, user, n, text in plan:
        teams += [team] * n
        users += [user] * n
        texts += [text if text is None else f"{text} {i}" for i in range(n)]
    return teams, users, texts


def _publish(survey, published, threshold=10, themes=None):
    _, texts = comment_texts(survey.comments)
    return publish_comments(
        survey,
        published,
        code_comments(texts, CODES),
        CODES,
        threshold=threshold,
        lang="en",
        find_themes=themes,
    )


def _shown(result, group="non_users"):
    return [None if s is None else s[group]["shown"] for s in result.segments]


def test_a_group_below_the_threshold_is_hidden_and_one_more_with_it():
    plan = [
        ("A", False, 30, "no time at all for this"),
        ("B", False, 12, "no time at all for this"),
        ("C", False, 5, "no time at all for this"),
    ]
    plan += [(t, True, 10, None) for t in "ABC"]  # users without comments
    survey = _survey(*_people(plan))
    result = _publish(survey, _published("ABC"))
    # C has 5 comments: hidden; overall 47 − A 30 − B 12 would give C's 5: B goes too
    assert _shown(result) == [True, True, False, False]
    assert result.segments[2]["non_users"] == HIDDEN
    assert result.segments[0]["non_users"]["n"] == 47
    # no user wrote: every users' group is hidden, nothing follows from 0 − 0
    assert _shown(result, "users") == [False, False, False, False]
    assert result.summary["n"] == 47


def test_a_hidden_segment_counts_as_unknown():
    plan = [("A", False, 30, "no time at all"), ("B", False, 12, "no time at all")]
    plan += [("C", False, 20, "no time at all")]
    survey = _survey(*_people(plan))
    result = _publish(survey, _published("ABC", suppressed=(3,)))
    # C is hidden by the disclosure stage: its 20 comments would follow from the others
    assert _shown(result) == [True, True, False, None]
    assert result.segments[3] is None


def test_the_unsegmented_respondents_are_protected_too():
    plan = [("A", False, 30, "no time at all"), ("B", False, 12, "no time at all")]
    survey = _survey(*_people([*plan, (None, False, 4, "no time at all")]))
    assert _shown(_publish(survey, _published("AB"))) == [True, True, False]
    # respondents without a team but without comments: nothing to work out
    survey = _survey(*_people([*plan, (None, False, 4, None)]))
    assert _shown(_publish(survey, _published("AB"))) == [True, True, True]
    # as many comments as a shown group: their count may follow
    survey = _survey(*_people([*plan, (None, False, 10, "no time at all")]))
    assert _shown(_publish(survey, _published("AB"))) == [True, True, True]


def test_the_threshold_is_the_one_given():
    plan = [("A", False, 12, "no time at all"), ("B", False, 12, "no time at all")]
    survey = _survey(*_people(plan))
    assert _shown(_publish(survey, _published("AB"), threshold=12)) == [True, True, True]
    assert _shown(_publish(survey, _published("AB"), threshold=13)) == [True, False, False]


def _quotes(texts, teams=None):
    teams = teams or ["A"] * len(texts)
    survey = _survey(teams, [False] * len(texts), texts)
    result = _publish(survey, _published(sorted(set(teams))), threshold=3)
    group = result.segments[0]["non_users"]
    return {row["code"]: row["quotes"] for row in group["codes"]}, group


def test_quotes_are_representative_and_safe():
    texts = [
        "no time",  # two words: never a quote
        "Team Blauw has no time for it",  # names a segment value
        "I have no time for posting",
        "I have no time for posting",  # the same text: one quote
        "no time and no manager who cares about it at all, never, not once",
        "there is just no time for it",
        "time is short and the manager does not help",
        "honestly there is no time left",
    ]
    teams = ["blauw", "blauw", "blauw", "blauw", "rood", "rood", "rood", "rood"]
    quotes, group = _quotes(texts, teams)
    assert group["n"] == 8
    effort = quotes["effort_expectancy"]
    assert len(effort) == 3 and len(set(effort)) == 3
    assert "no time" not in effort and "Team Blauw has no time for it" not in effort
    # fewest other codes first: the two that also name the manager come last, if at all
    assert all("manager" not in q for q in effort)
    # rows in another order give the same quotes
    order = list(reversed(range(len(texts))))
    again, _ = _quotes([texts[i] for i in order], [teams[i] for i in order])
    assert again == quotes


def test_codes_themes_and_the_dominant_one():
    texts = ["no time for this tool"] * 3 + ["the posts are all english"] * 3
    texts += ["manager never posts anything here"] * 2
    texts = [f"{t} {i}" for i, t in enumerate(texts)]
    survey = _survey(["A"] * 8, [False] * 8, texts)

    def themes(found, *, min_size):
        assert min_size == 3 and len(found) == 3
        return [Theme("T1", ("english",), (0, 1, 2))]

    result = _publish(survey, _published("A"), threshold=3, themes=themes)
    group = result.segments[0]["non_users"]
    assert [(c["code"], c["n"], c["share"]) for c in group["codes"]] == [
        ("effort_expectancy", 3, 0.375),
        ("manager_influence", 2, 0.25),
    ]
    assert group["themes"] == [{"theme": "T1", "n": 3, "share": 0.375}]
    assert group["dominant"] == "effort_expectancy"  # a code wins a tie with a theme
    assert result.summary["themes"] == [{"theme": "T1", "terms": ["english"], "n": 3}]
    facts = comment_facts(result.segments[0], ["effort_expectancy", "reputation"])
    assert facts == {
        "effort_expectancy": {"comment_n": 3, "comment_share": 0.375},
        "reputation": {"comment_n": 0, "comment_share": 0.0},
    }
    assert comment_facts(None, ["reputation"]) == {
        "reputation": {"comment_n": 0, "comment_share": None}
    }


def test_a_code_row_has_no_direction():
    # the coder's direction is not accurate enough to report (macro-F1 about 0.5)
    texts = ["no time for this tool today", "good use of my time here", "no time left again"]
    _, group = _quotes(texts)
    (row,) = group["codes"]
    assert row["n"] == 3 and sorted(row) == ["code", "n", "quotes", "share"]


def test_coded_results_must_match_the_comments():
    survey = _survey(["A"], [False], ["no time"])
    coded = [Coded((), None, {}, {}, "en")] * 2
    with pytest.raises(ValueError, match=r"^2 coded comments for 1 comments$"):
        publish_comments(survey, _published("A"), coded, CODES, threshold=3, lang="en")


def test_a_comment_that_repeats_another_with_more_words_is_one_quote():
    texts = [
        "I have no time for posting",
        "I have no time for posting. Call me on [phone] about it.",
        "There is simply no time for it here",
    ]
    quotes, _ = _quotes(texts, ["blauw"] * 3)
    effort = quotes["effort_expectancy"]
    assert len(effort) == 2 and "There is simply no time for it here" in effort
    assert len([q for q in effort if q.startswith("I have no time for posting")]) == 1


def test_a_comment_of_a_group_below_the_threshold_is_counted_but_never_quoted():
    # the third team's non-users wrote 2 comments: below the threshold of 3, so hidden;
    # the overall group counts them, and quotes neither
    # without the rule the small team's two would be quoted first: their length is the
    # group's median
    teams = ["blauw"] * 4 + ["groen"] * 3 + ["rood"] * 2
    small = ["honestly no time for this here", "simply no time for posting it now"]
    large = [
        "no time here",
        "no time at all",
        "there is really no time for a platform like this one at all",
        "with every shift so full there is really no time for a platform like this",
    ]
    texts = large + [None] * 3 + small
    survey = _survey(teams, [False] * len(teams), texts)
    result = _publish(survey, _published(["blauw", "groen", "rood"]), threshold=3)
    overall = result.segments[0]["non_users"]
    assert overall["shown"] and overall["n"] == 6
    (effort,) = [row for row in overall["codes"] if row["code"] == "effort_expectancy"]
    assert effort["n"] == 6 and len(effort["quotes"]) == 3
    assert not set(effort["quotes"]) & set(small)
    assert set(effort["quotes"]) < set(large)
    assert result.segments[3]["non_users"] == HIDDEN
