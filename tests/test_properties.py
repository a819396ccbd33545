"""Property-based tests: generated surveys and rule files never produce a traceback.

Either the run succeeds (and shows no group below the minimum size) or it stops with an
:class:`~ism_advisor.core.errors.AdvisorError`: a clean, one-line message.
"""

from __future__ import annotations

import csv
import io
import string
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from builders import assert_nothing_small_is_shown, comparison, segment
from ism_advisor.advice.decide import advise_segments
from ism_advisor.advice.engine import FactSet
from ism_advisor.advice.knowledge import check_knowledge
from ism_advisor.app.pipeline import advise
from ism_advisor.app.write import render
from ism_advisor.core.errors import AdvisorError
from ism_advisor.core.vocabulary import COMPARISON_FIELDS, SEGMENT_FIELDS
from ism_advisor.survey.codebook import load_codebook

CODEBOOK = load_codebook()
FACTORS = CODEBOOK.factor_ids
ITEMS = {f.id: [i.id for i in f.items] for f in CODEBOOK.factors}

# names and values people put in exports: accents, emoji, quotes, delimiters, line ends
awkward_text = st.text(
    alphabet=st.characters(
        codec="utf-8", exclude_categories=("Cs", "Cc"), include_characters=",;\t\"'\n"
    ),
    min_size=0,
    max_size=12,
)
usage_answers = st.one_of(
    st.sampled_from(
        ["ja", "nee", "Yes", " no ", "1", "0", "J", "n", "niet-gebruiker", "", "weet niet"]
    ),
    awkward_text,
)
scores = st.one_of(
    st.integers(1, 5).map(str),
    st.floats(1, 5, allow_nan=False).map(lambda v: f"{v:.3f}"),
    st.floats(1, 5, allow_nan=False).map(lambda v: f"{v:.2f}".replace(".", ",")),
    st.sampled_from(
        ["", "9", "99", "0", "n.v.t.", "weet niet", " 3 ", "6", "-1", "1e0", "nan", "inf"]
    ),
    awkward_text,
)


@st.composite
def surveys(draw):
    """A survey export: its bytes, and the segment columns to ask for."""
    segment_names = draw(
        st.lists(awkward_text.filter(lambda s: s.strip()), max_size=2, unique_by=str.casefold)
    )
    columns: list[str] = [draw(st.sampled_from(["user", "User ", "GEBRUIKER", "user"]))]
    for factor in FACTORS:
        if draw(st.booleans()):
            columns.append(factor)
        else:
            columns.extend(ITEMS[factor])
    columns.extend(segment_names)
    if draw(st.integers(0, 9)) == 0:  # sometimes a column goes missing
        columns.pop(draw(st.integers(0, len(columns) - 1)))
    order = draw(st.permutations(range(len(columns))))
    columns = [columns[i] for i in order]
    segment_values = st.one_of(st.sampled_from(["A", "B", "C", ""]), awkward_text)
    rows = draw(st.integers(0, 40))
    body = []
    for _ in range(rows):
        row = []
        for column in columns:
            if column.strip().casefold() in ("user", "gebruiker"):
                row.append(draw(usage_answers))
            elif column in segment_names:
                row.append(draw(segment_values))
            else:
                row.append(draw(scores))
        body.append(row)
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    buffer = io.StringIO()
    writer = csv.writer(
        buffer, delimiter=delimiter, lineterminator=draw(st.sampled_from(["\n", "\r\n"]))
    )
    writer.writerow(columns)
    writer.writerows(body)
    text = buffer.getvalue()
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    return data, segment_names


def run_survey(data: bytes, segment_by: list[str], fmt: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "survey.csv"
        path.write_bytes(data)
        try:
            document = advise(path, segment_by=segment_by, min_group_size=3).document
        except AdvisorError as error:
            assert "\n" not in error.render().strip()
            return
        assert_nothing_small_is_shown(document, 3)
        try:
            output = render(document, fmt)
        except AdvisorError as error:
            raise AssertionError(f"rendering a valid document failed: {error}") from None
        assert output


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(surveys(), st.sampled_from(["json", "md"]))
def test_generated_surveys_never_crash(survey, fmt):
    data, segment_by = survey
    run_survey(data, segment_by, fmt)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(surveys())
def test_generated_surveys_render_html(survey):
    data, segment_by = survey
    run_survey(data, segment_by, "html")


@st.composite
def balanced_surveys(draw):
    """Surveys that load: valid answers, enough of both groups, segments of any size."""
    n = draw(st.integers(12, 80))
    users = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    assume(3 <= sum(users) <= n - 3)
    names = draw(
        st.lists(
            st.sampled_from(["Nörd", "Süd", "<b>", "R&D", "日本", "a|b", ""]),
            min_size=n,
            max_size=n,
        )
    )
    header = ["user", "dept", *FACTORS]
    rows = [
        [
            "ja" if user else "nee",
            name,
            *(draw(st.sampled_from(["1", "2", "3", "4", "5", ""])) for _ in FACTORS),
        ]
        for user, name in zip(users, names, strict=True)
    ]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([header, *rows])
    return buffer.getvalue().encode("utf-8")


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(balanced_surveys())
def test_generated_valid_surveys_advise_and_protect_small_groups(data):
    run_survey(data, ["dept"], "md")


# -- rule files ----------------------------------------------------------------------------

FIELDS = [*COMPARISON_FIELDS, *SEGMENT_FIELDS, "hedge_g", "adoption", "x"]
OPERATORS = ["<", "<=", ">", ">=", "==", "!=", "in", "not in", "=", "gtt", "=>"]
VALUES = st.one_of(
    st.floats(-2, 2, allow_nan=False).map(repr),
    st.integers(-3, 700).map(str),
    st.sampled_from(
        [
            "true",
            "false",
            "yes",
            "medium",
            "[small, large]",
            "[]",
            "[1, 2]",
            "1e-05",
            "'R&D'",
            "null",
            "{{ x }}",
            "[",
            "]",
        ]
    ),
    st.text(string.ascii_letters + " _-", max_size=8),
)
conditions = st.recursive(
    st.one_of(
        st.builds(
            lambda f, o, v: f"{f} {o} {v}",
            st.sampled_from(FIELDS),
            st.sampled_from(OPERATORS),
            VALUES,
        ),
        st.sampled_from(["significant", "not significant", "overall", "gap", ""]),
        st.integers(),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(
            st.sampled_from(["all", "any", "not", "and"]), inner, min_size=1, max_size=1
        ),
    ),
    max_leaves=6,
)
factor_ids = st.one_of(st.sampled_from(FACTORS), st.sampled_from(["any", "managers", 3]))
patterns = st.recursive(
    st.one_of(
        st.fixed_dictionaries(
            {"factor": factor_ids}, optional={"if": conditions, "as": st.sampled_from(["m", "M 1"])}
        ),
        st.fixed_dictionaries({"segment": conditions}),
        st.fixed_dictionaries({"conclusion": st.sampled_from(["c1", "c2", "nope"])}),
        st.just("factor"),
    ),
    lambda inner: st.one_of(
        st.fixed_dictionaries({"not": inner}),
        st.fixed_dictionaries({"any": st.lists(inner, min_size=1, max_size=3)}),
        st.fixed_dictionaries({"all": st.lists(inner, max_size=3)}),
    ),
    max_leaves=5,
)
because = st.one_of(
    st.sampled_from(
        [
            "Because.",
            "{{ gap }} and {{ segment.value }}",
            "{{ hedges_g | round(1) }}",
            "{{ nothing }}",
            "{{ manager_influence.gap }}",
            "{% for %}",
            "{{ c1.label }}",
            "{{ gap.__class__ }}",
            "{{ segment.adoption_rate * 100 }}",
        ]
    ),
    st.text(max_size=20),
)
rules = st.fixed_dictionaries(
    {
        "id": st.sampled_from(["r1", "r2", "r3", "R 4"]),
        "when": st.one_of(st.lists(patterns, max_size=3), patterns),
        "priority": st.sampled_from(["high", "medium", "low", 1, 2.5, 0, "urgent"]),
        "because": st.fixed_dictionaries({"en": because, "nl": because}),
    },
    optional={
        "recommend": st.one_of(
            st.sampled_from(["champions_network", "leaders_work_out_loud", "nope"]),
            st.lists(st.sampled_from(["champions_network", "use_case_training"]), max_size=2),
        ),
        "conclude": st.sampled_from(["c1", "c2", "nope"]),
        "segments": conditions,
        "descripton": st.just("typo"),
    },
)
rule_files = st.fixed_dictionaries(
    {"rules": st.lists(rules, min_size=1, max_size=4)},
    optional={
        "conclusions": st.lists(
            st.fixed_dictionaries(
                {
                    "id": st.sampled_from(["c1", "c2"]),
                    "label": st.fixed_dictionaries({"nl": st.just("x"), "en": st.just("x")}),
                }
            ),
            max_size=2,
        ),
        "settings": st.fixed_dictionaries({"max_actions": st.sampled_from([1, 3, 0, "x"])}),
    },
)

FACTS = [
    FactSet(
        segment(), [comparison(f, hedges_g=0.1 * i, rank=i + 1) for i, f in enumerate(FACTORS)]
    ),
    FactSet(
        segment(overall=False, column="dept", value="<b>R&D</b>", adoption_rate=0.2),
        [comparison("manager_influence", p_holm=1e-20, cronbach_alpha=None)],
    ),
]


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rule_files, st.sampled_from(["en", "nl"]))
def test_generated_rule_files_are_validated_or_run_cleanly(rule_file, lang):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "advice.yaml"
        path.write_text(yaml.safe_dump(rule_file, allow_unicode=True), encoding="utf-8")
        knowledge, problems = check_knowledge(CODEBOOK, path, None)
        if knowledge is None:
            assert problems
            for problem in problems:
                text = problem.render()
                assert text.startswith(str(path)) and "\n" not in text
            return
        assert problems == []
        try:
            advise_segments(knowledge, FACTS, lang)
        except AdvisorError as error:
            assert "\n" not in error.render()
