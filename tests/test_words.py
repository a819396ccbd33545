"""Words: a count picks its form (ngettext, in English and Dutch), sources are not run
together with ".;", and the proofread texts stay as they were corrected."""

from __future__ import annotations

import re
import shutil

import pytest
import yaml
from babel.messages.pofile import read_po

from conftest import DATA, ROOT, SAMPLE_SCORES
from ism_advisor.core.errors import P_, Message
from ism_advisor.core.formatting import join_sources
from ism_advisor.core.i18n import translations
from ism_advisor.survey.reading.model import Source

PO = ROOT / "ism_advisor" / "locale" / "nl" / "LC_MESSAGES" / "ism_advisor.po"


def catalogue():
    with PO.open("rb") as handle:
        return [m for m in read_po(handle, locale="nl") if m.id]


def texts_of(message) -> list[str]:
    """Every English and Dutch form of a catalogue entry."""
    ids = message.id if isinstance(message.id, tuple) else (message.id,)
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return [*ids, *strings]


def knowledge_texts() -> list[str]:
    """Every text of the packaged knowledge base, in both languages."""
    found: list[str] = []

    def walk(value):
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, str):
            found.append(value)

    for name in ("factors.yaml", "advice.yaml", "interventions.yaml"):
        walk(yaml.safe_load((ROOT / "rules" / name).read_text(encoding="utf-8")))
    return found


# -- plurals -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "n", "expected"),
    [
        ("en", 0, "0 columns ignored"),
        ("en", 1, "1 column ignored"),
        ("en", 2, "2 columns ignored"),
        ("nl", 0, "0 kolommen genegeerd"),
        ("nl", 1, "1 kolom genegeerd"),
        ("nl", 2, "2 kolommen genegeerd"),
    ],
)
def test_a_count_picks_its_form(lang, n, expected):
    message = Message(P_("{n} column ignored", "{n} columns ignored"), {"n": n})
    assert message.render(translations(lang)) == expected


EFFECTS = P_(
    "Effect size (Hedges' g) per factor with its confidence interval (95%): {n} of {factors}"
    " differences is significant after Holm correction; the largest is on {label}: g = {g}"
    " (95% CI {low} to {high}).",
    "Effect size (Hedges' g) per factor with its confidence interval (95%): {n} of {factors}"
    " differences are significant after Holm correction; the largest is on {label}: g = {g}"
    " (95% CI {low} to {high}).",
)


@pytest.mark.parametrize(
    ("lang", "n", "verb"),
    [("en", 1, " is "), ("en", 2, " are "), ("nl", 1, " is "), ("nl", 2, " zijn ")],
)
def test_the_effect_chart_sentence_agrees_with_its_count(lang, n, verb):
    params = {"n": n, "factors": 7, "label": "X", "g": "0.5", "low": "0.1", "high": "0.9"}
    text = Message(EFFECTS, params).render(translations(lang))
    assert f"differences{verb}significant" in text or f"verschillen{verb}significant" in text


def test_the_summary_of_an_export_says_one_as_one():
    one = Source("qualtrics", "Qualtrics export (3 header rows)", 1, 1, 1, 1, 1)
    many = Source("qualtrics", "Qualtrics export (3 header rows)", 64, 5, 24, 25, 21)
    assert one.summary().render(translations("en")) == (
        "Qualtrics export (3 header rows): 1 response, 1 preview/incomplete left out,"
        " 1 of 1 item matched, 1 column ignored"
    )
    assert one.summary().render(translations("nl")) == (
        "Qualtrics-export (3 koprijen): 1 respondent, 1 preview/onvolledige weggelaten,"
        " 1 van 1 vraag gevonden, 1 kolom genegeerd"
    )
    assert many.summary().render(translations("nl")) == (
        "Qualtrics-export (3 koprijen): 64 respondenten, 5 previews/onvolledige weggelaten,"
        " 24 van 25 vragen gevonden, 21 kolommen genegeerd"
    )


ONE_RULE = """\
rules:
- id: only
  when:
    - factor: manager_influence
      if: significant
  recommend: act_a
  priority: high
  because: {nl: x, en: x}
"""


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "ok: 7 factors, 1 rule, 0 conclusions, 5 interventions, 9 comment codes"),
        ("nl", "in orde: 7 factoren, 1 regel, 0 conclusies, 5 interventies, 9 opmerkingscodes"),
    ],
)
def test_rules_check_counts_one_rule_as_one(cli, lang, expected):
    (cli.folder / "advice.yaml").write_text(ONE_RULE, encoding="utf-8")
    catalogue_path = DATA / "rules" / "interventions.yaml"
    result = cli("rules", "check", "--rules", "advice.yaml", "--interventions", catalogue_path)
    assert result.exit_code == 0, result.stderr
    result = cli(
        "rules", "check", "--rules", "advice.yaml", "--interventions", catalogue_path,
        "--lang", lang,
    )  # fmt: skip
    assert result.stdout.split(" (")[0] == expected


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "1 segment report written to out (0 hidden segments skipped)"),
        ("nl", "1 segmentrapport geschreven naar out (0 verborgen segmenten overgeslagen)"),
    ],
)
def test_one_segment_report_is_one(cli, lang, expected):
    lines = SAMPLE_SCORES.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].split(",")
    column = header.index("organisation")
    first = lines[1].split(",")[column]
    kept = [line for line in lines[1:] if line.split(",")[column] == first]
    (cli.folder / "one.csv").write_text(lines[0] + "".join(kept), encoding="utf-8")
    result = cli(
        "one.csv", "--segment-by", "organisation", "--per-segment", "out", "--lang", lang,
        "-o", "one.md",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [expected]


#: Messages that print a count before a plural noun without ngettext, and why the count
#: is never 1 there. Every other such message must be a plural entry (P_ or ngettext).
NEVER_ONE = {
    "'because' in '{lang}' puts a loop in a loop": "{limit}: a fixed limit",
    "--wave-name is given {names} times": "left to the part that reworks --wave-name",
    "A survey of {respondents} respondents": "a report needs at least 3 users and 3 non-users",
    "Anonymity: no figure of a group of fewer than %(k)s": "k is at least 3",
    "Made with ism-advisor {version} from {survey}": "k is at least 3",
    "Mean score of users and non-users per factor": "{factors}: 'of 7 factors'",
    "Mean score per factor, {unit} against": "{factors}: 'of 7 factors'",
    "Model: %(n)s respondents": "a model needs at least 10 users and 10 non-users",
    "No figure of a group of fewer than {k}": "k is at least 3",
    "Non-users score {non_users} against {users}": "{gap} is a decimal: '0.33 points'",
    "The ledger takes the clients in the store": "{minimum}: MIN_CLIENTS, 3",
    "The ledger takes the other clients in the store": "{minimum}: MIN_CLIENTS, 3",
    "Too small for a driver analysis": "{needed} is at least 10",
    "We would like to know how you see": "{minutes}: the texts alone take a minute",
    "Your answers are anonymous.": "the minimum group size is at least 3",
    "a number with more than {limit} digits": "a fixed limit",
    "a text or list longer than {limit}": "a fixed limit",
    "an output longer than {limit}": "a fixed limit",
    "cannot write here: the name is {length} bytes": "a name past the system's limit",
    "cannot write here: the path is {length} bytes": "a path past the system's limit",
    "comparing users and non-users ({respondents}": "a report needs at least 6 respondents",
    "factor '{factor}' has only {count} items": "one item has a message of its own",
    "free text (answers of more than {words}": "fixed limits",
    "from %(before)s to %(after)s, a change of": "a decimal: '9.5 percentage points'",
    "more than {limit} loop steps": "a fixed limit",
    "more than {limit} values": "a fixed limit",
    "nested deeper than {limit} levels": "a fixed limit",
    "sheet '{sheet}' reaches cell {cell}": "millions of cells",
    "the action plan is cut at {max} actions": "max_actions is cut only above 1",
    "the codebook has {count} factors, more than": "more than a limit",
    "the codebook has {count} items, more than": "more than a limit",
    "this list item is not indented like the ones above it ({spaces}": "1 space: its own",
    "this rule has {count} alternatives": "more than a limit",
    "users and non-users differ significantly on {count} of {factors}": "'of 7 factors'",
    "with this rule, the rules that run together have": "more than a limit",
    "{count} facts ({names})": "one fact has a message of its own",
    "{count} parts of the codebook have no column": "one part has a message of its own",
    'column "{name}" holds {count} waves': "a column of one wave has no names to check",
    "factor '{factor}' is scored from {count}": "one item asked and one not: at least 2",
    "{compared} of {factors} factors compared": "one compared and one not: at least 2",
    "{count} of {total} items: {items} not asked": "one item asked and one not: at least 2",
    "Adoption fell from {before}": "{change} is a decimal: '−9.50 percentage points'",
    "Adoption rose from {before}": "{change} is a decimal: '+9.50 percentage points'",
    "Adoption went from {before}": "{change} is a decimal: '+0.50 percentage points'",
    "Where the smaller of the two groups has fewer than": "%(splits)s is 2,000",
    "Where the smaller group has fewer than {below}": "{splits} is 2,000",
    "How %(unit)s scores": "%(unit)s is a name ('your department'), not a count",
    "The rules found no gap in %(unit)s": "%(unit)s is a name, not a count",
    "{minutes} minutes": "the texts alone take a minute",
    "{rate} of {respondents} respondents use the platform": "at least 3 users, 3 non-users",
    "{rate} use the platform ({whole}: {whole_rate}); {respondents}": "at least 3 and 3",
    "{size} users and {size} non-users": "the minimum group size is at least 3",
    "{statements} statements × {per_statement} s": "left to the questionnaire's part",
    "Fewer than {minimum} comparable organisations": "{minimum} is the norms' minimum, 5",
    "factor {factor} appears twice": "{factor} is a name; 'appears' is a verb",
    "more than {most} entries in one file": "{most} is the import's limit, 100,000",
    "the store {store} was made by a newer": "{store} is a name; 'was' is a verb",
    "{what} holds a control character": "{what} is a name; 'holds' is a verb",
    "{what} is {length} characters long: at most {most}": "{length} is above {most}, 80",
    "{what} must be 1 to {most} characters": "{most} is a label's limit, 80",
    "Fewer than {k} comments: not shown": "{k} is --min-comments, at least the group size",
    "Not shown (fewer than {k} comments)": "{k} is --min-comments, at least the group size",
}
COUNTED = re.compile(
    r"(?:\{\w+\}|%\(\w+\)s) (?:[a-z-]+ )?(?:[a-z-]+s)\b(?<!\bis)(?<!\bdoes)(?<!\bgoes)"
    r"(?<!\btends)(?<!\bsets)(?<!\blacks)(?<!\bloads)(?<!\bmakes)(?<!\brenders)(?<!\bas)"
)


def test_a_count_before_a_plural_noun_is_a_plural_message():
    """A message like "{count} columns ignored" prints "1 columns ignored": it must be a
    P_/ngettext entry, or be listed above with the reason its count is never 1."""
    unhandled = [
        m.id
        for m in catalogue()
        if isinstance(m.id, str)
        and COUNTED.search(m.id)
        and not any(m.id.startswith(start) for start in NEVER_ONE)
    ]
    assert unhandled == []
    listed = [s for s in NEVER_ONE if not any(str(m.id).startswith(s) for m in catalogue())]
    assert listed == []  # no stale entry


def test_a_plural_message_has_both_forms_in_both_languages():
    for message in catalogue():
        if isinstance(message.id, tuple):
            assert len(message.id) == 2
            assert len(message.string) == 2 and all(message.string), message.id


# -- sources and punctuation -----------------------------------------------------------------


def test_sources_are_joined_without_a_full_stop_before_a_semicolon():
    assert join_sources(
        [
            "Herzog, C. & Richter, A. (2016). Use cases. HICSS 2016. IEEE.",
            "Leonardi, P. (2017). Social tools. Harvard Business Review, 95(6), 118-126.",
        ]
    ) == (
        "Herzog, C. & Richter, A. (2016). Use cases. HICSS 2016. IEEE; Leonardi, P. (2017)."
        " Social tools. Harvard Business Review, 95(6), 118-126."
    )
    assert join_sources(["Our own pilot (2026)"]) == "Our own pilot (2026)."
    assert join_sources([]) == ""


def test_no_text_has_a_full_stop_before_a_semicolon_or_a_doubled_stop():
    texts = [t for m in catalogue() for t in texts_of(m)] + knowledge_texts()
    assert [t for t in texts if re.search(r"\.;|(?<!\.)\.\.(?!\.)", t)] == []


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_sample_report_has_no_full_stop_before_a_semicolon(cli, lang):
    shutil.copyfile(SAMPLE_SCORES, cli.folder / "scores.csv")
    result = cli("scores.csv", "--segment-by", "organisation", "--lang", lang, "-o", "-",
                 "--format", "md")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert ".;" not in result.stdout
    evidence = "Evidence: " if lang == "en" else "Onderbouwing: "
    lines = [line for line in result.stdout.splitlines() if line.startswith(evidence)]
    assert lines and all(line.endswith(".") for line in lines)
    assert any("; " in line for line in lines)  # an action with two sources


# -- the corrections of the proofreading pass ------------------------------------------------


def test_a_factor_named_in_a_sentence_does_not_decide_the_verb():
    """ "Normen voor samenwerking hangt samen": the label is plural, the verb singular.
    The sentence's subject is "De factor …", whatever the label."""
    dutch = translations("nl")
    for english in (
        "The factor {factor} goes with use directly and also correlates with {via} (r = {r}),"
        " which drives use too: an association, not proof of cause.",
        "The factor {factor} goes with use, but has no clear effect of its own in the model;"
        " it correlates with {via} (r = {r}), which does. Its link with use may run through"
        " {via}: an association, not proof of cause.",
    ):
        assert dutch.gettext(english).startswith("De factor {factor} hangt ")


def test_the_statements_read_as_dutch():
    statements = [
        item["text"]["nl"]
        for factor in yaml.safe_load((ROOT / "rules" / "factors.yaml").read_text("utf-8"))[
            "factors"
        ]
        for item in factor["items"]
    ]
    assert "Het platform helpt mij bij mijn dagelijkse werk." in statements
    assert not [s for s in statements if "gedaan te krijgen" in s]  # "get … done"
