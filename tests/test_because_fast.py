"""Because texts filled in without Jinja2 (``Parsed.plain``) read exactly as Jinja2 fills
them in: every packaged rule's text in English and Dutch, on the sample's facts and on
many generated ones, with the same text or the same error; texts it cannot be sure of go
to Jinja2."""

from __future__ import annotations

import dataclasses
import random

import pytest
from jinja2 import Undefined

from conftest import SAMPLE_SCORES
from ism_advisor.advice.engine import Fact
from ism_advisor.advice.knowledge import because, load_knowledge
from ism_advisor.app.run import run
from ism_advisor.app.settings import Settings
from ism_advisor.core.errors import AdvisorError
from ism_advisor.core.sandbox import BoundedSandbox, Limits
from ism_advisor.core.vocabulary import EFFECT_SIZE_LABELS, FACT_KINDS
from ism_advisor.survey.codebook import load_codebook

LANGS = ("en", "nl")
PARSE = because.parse  # cached: cleared around a test that changes how texts are parsed


@pytest.fixture(scope="module")
def knowledge():
    return load_knowledge(load_codebook(), None, None)


def jinja_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every because text rendered by Jinja2 (the path before plain functions)."""
    parse = because.parse
    monkeypatch.setattr(because, "parse", lambda text: dataclasses.replace(parse(text), plain=None))


def filled(text, matched, conclusions, lang):
    """render's text, or its error's message."""
    try:
        return because.render(text, matched, conclusions, lang, "rule", "advice.yaml")
    except AdvisorError as error:
        return ("error", str(error))


def test_every_packaged_text_without_logic_gets_a_plain_function(knowledge):
    texts = [rule.because[lang] for rule in knowledge.rules for lang in LANGS]
    plain = [text for text in texts if because.parse(text).plain is not None]
    # only "{{ segment.value or 'all respondents' }}" has logic (en and nl)
    assert sorted(set(texts) - set(plain)) == sorted({text for text in texts if " or '" in text})
    assert len(set(texts) - set(plain)) == 2


@pytest.mark.parametrize("lang", LANGS)
def test_the_sample_reads_the_same_both_ways(lang, monkeypatch):
    settings = Settings.of([str(SAMPLE_SCORES)], segment_by=["organisation"], lang=lang)
    calls = []
    renderer = BoundedSandbox.plain_renderer

    def counted(self, tree, *args):
        function = renderer(self, tree, *args)
        if function is None:
            return None
        return lambda context: calls.append(function(context)) or calls[-1]

    PARSE.cache_clear()
    monkeypatch.setattr(BoundedSandbox, "plain_renderer", counted)
    fast = run(settings).decisions
    assert sum(text is not None for text in calls) > 20  # the plain functions filled them
    PARSE.cache_clear()
    monkeypatch.undo()
    jinja_only(monkeypatch)
    slow = run(settings).decisions
    PARSE.cache_clear()
    texts = because_texts(fast)
    assert texts == because_texts(slow)
    assert len(texts) > 20


def because_texts(decisions) -> list[str]:
    """Every because text of the decisions' advice, in order."""
    out = []
    for decision in decisions:
        if decision is not None:
            advice = decision.advice
            out += [r.because for c in advice.recommendations for r in c.reasons]
            out += [c.reason.because for c in advice.conclusions]
    return out


#: figures that print in every way a report prints them: ties at 2 and 3 decimals,
#: signs, p below 0.001, shares, missing ones
NUMBERS = (
    0.0,
    -0.0,
    0.005,
    -0.005,
    0.125,
    2.675,
    -2.675,
    0.0005,
    0.00095,
    9.995,
    0.405,
    1.0,
    -1.5,
    1234567.891,
    3,
    float("nan"),
    float("inf"),
    None,
)
TEXTS = ("", "Sales", "R&D <b>", "Ünïcode “quoted”", "{{ x }}", *EFFECT_SIZE_LABELS)


def generated_fact(rng: random.Random, kind, name: str, conclusions) -> Fact:
    if kind.pattern == "conclusion":
        return Fact(kind.name, name, {"conclusion": rng.choice(sorted(conclusions))})
    figures = {}
    for field in kind.fields.values():
        if rng.random() < 0.1:
            continue  # a figure the fact does not have
        if field.kind == "number":
            figures[field.name] = rng.choice(NUMBERS) if rng.random() < 0.5 else rng.uniform(-5, 5)
        elif field.kind == "bool":
            figures[field.name] = rng.choice((True, False, None))
        else:
            figures[field.name] = rng.choice(TEXTS)
    return Fact(kind.name, name, figures)


@pytest.mark.parametrize("lang", LANGS)
def test_generated_facts_read_the_same_both_ways(knowledge, lang, monkeypatch):
    rng = random.Random(29)
    cases = []
    for rule in knowledge.rules:
        names = because.available(rule.alternatives)
        for _ in range(60):
            matched = {
                name: generated_fact(rng, FACT_KINDS[kind], name, knowledge.conclusions)
                for name, kind in names.items()
                if kind in FACT_KINDS
            }
            cases.append((rule.because[lang], matched))
    fast = [filled(text, matched, knowledge.conclusions, lang) for text, matched in cases]
    jinja_only(monkeypatch)
    slow = [filled(text, matched, knowledge.conclusions, lang) for text, matched in cases]
    assert fast == slow
    errors = sum(isinstance(text, tuple) for text in fast)
    assert 0 < errors < len(fast)  # both texts and errors (a figure missing) compared


LIMITS = Limits(size=1000, steps=500, digits=50, output=40)


@pytest.mark.parametrize(
    "text",
    [
        "{{ a or 'none' }}",
        "{{ a|round }}",
        "{% if a %}x{% endif %}",
        "{{ a.b.c }}",
        "{{ a['b'] }}",
        "{{ 'x' }}",
        "{{ self }}",
        "{% for x in a %}{{ x }}{% endfor %}",
        "{% set b = 1 %}{{ b }}",
    ],
)
def test_a_text_with_logic_has_no_plain_function(text):
    env = BoundedSandbox(LIMITS)
    assert env.plain_renderer(env.parse(text)) is None


class Thing:
    shown = "yes"
    _hidden = "no"

    def __str__(self) -> str:
        return "a thing"


@pytest.mark.parametrize(
    ("text", "context", "expected"),
    [
        ("In {{ a }}, {{ b.shown }}.\n", {"a": 1.5, "b": Thing()}, "In 1.5, yes."),
        ("{{- a -}}  x  {{ a }}", {"a": Thing()}, "a thingx  a thing"),
        ("{{ a }}\n\n", {"a": None}, "None\n"),
        ("", {}, ""),
        ("plain text only", {}, "plain text only"),
        ("{{ a.items }}", {"a": {"items": 3}}, None),  # a method, not the key: Jinja2's
        ("{{ a }}", {}, None),  # not in the context: undefined
        ("{{ range }}", {}, None),  # not in the context: Jinja2's global
        ("{{ range }}", {"range": 3}, "3"),
        ("{{ b._hidden }}", {"b": Thing()}, None),  # the sandbox refuses it
        ("{{ b.missing }}", {"b": Thing()}, None),
        ("{{ a }}", {"a": "x" * 41}, None),  # longer than the output limit
        ("{{ a }}", {"a": "x" * 40}, "x" * 40),
    ],
)
def test_the_plain_function_gives_jinja2s_text_or_none(text, context, expected):
    env = BoundedSandbox(LIMITS)
    tree = env.parse(text)
    plain = env.plain_renderer(tree)
    assert plain is not None
    assert plain(context) == expected
    if expected is not None:
        assert env.render_bounded(env.from_string(tree), context) == expected


def test_a_text_too_long_fails_as_before(knowledge, monkeypatch):
    segment = Fact("segment", "segment", {"value": "x" * 20_000, "overall": False})
    text = "In {{ segment.value }}."
    fast = filled(text, {"segment": segment}, knowledge.conclusions, "en")
    jinja_only(monkeypatch)
    assert fast == filled(text, {"segment": segment}, knowledge.conclusions, "en")
    assert fast == (
        "error",
        "advice.yaml: rule 'rule': its 'because' text in 'en' went past a limit:"
        " an output longer than 10000 characters",
    )


def test_a_facts_figure_is_looked_up_as_the_sandbox_does():
    from ism_advisor.core.vocabulary import COMPARISON

    view = because._FactView({"hedges_g": 0.5, "label": "Privacy", "gap": None}, COMPARISON, "en")
    env = because.environment()
    for name in ("hedges_g", "label", "gap", "keys", "get", "_figures", "__class__", "nothing"):
        ours, sandbox = because._attribute(view, name), env.getattr(view, name)
        assert type(ours) is type(sandbox)
        if isinstance(sandbox, Undefined):
            assert ours._undefined_name == sandbox._undefined_name
        elif name in ("keys", "get"):  # the Mapping's methods, bound
            assert ours == sandbox
        else:
            assert ours == sandbox and str(ours) == str(sandbox)
