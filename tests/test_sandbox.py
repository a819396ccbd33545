"""The bounded Jinja2 sandbox: every way a text or template could outgrow memory or time
is refused with the limit it hit, before the work is done."""

from __future__ import annotations

import pytest
from jinja2.exceptions import SecurityError

from ism_advisor.core.sandbox import BoundedImmutableSandbox, BoundedSandbox, LimitExceeded, Limits

LIMITS = Limits(size=1000, steps=500, digits=50, output=2000)
TOO_LONG = "a text or list longer than 1000 characters or items"
DIGITS = "a number with more than 50 digits"
ARGUMENT = "a number larger than 1000 given to a function or filter"
FORMAT = "a number larger than 1000 in a format"
STEPS = "more than 500 loop steps and calls"
OUTPUT = "an output longer than 2000 characters"
RECURSION = "calls nested too deeply (a macro that calls itself without end?)"


def render(text: str, **context: object) -> str:
    env = BoundedSandbox(LIMITS)
    return env.render_bounded(env.from_string(text), context)


@pytest.mark.parametrize(
    ("text", "limit"),
    [
        ("{{ label * 300000000 }}", TOO_LONG),
        ("{{ 300000000 * label }}", TOO_LONG),
        ("{{ [label] * 1001 }}", TOO_LONG),
        ("{% set s = label * 100 %}{{ s + s }}", TOO_LONG),
        ("{{ 2 ** 1000000 }}", DIGITS),
        ("{{ 10 ** 51 }}", DIGITS),
        ("{{ (10 ** 40) * (10 ** 40) }}", DIGITS),
        ("{{ label.center(1000000000) }}", ARGUMENT),
        ("{{ label|center(1000000000) }}", ARGUMENT),
        ("{{ label|indent(1000000000, true) }}", ARGUMENT),
        ("{{ label|slice(1000000000)|list }}", ARGUMENT),
        ("{{ '%999999999d' % 1 }}", FORMAT),
        ("{{ '%*d' % (999999999, 1) }}", ARGUMENT),
        ("{{ '{:>999999999}'.format(1) }}", FORMAT),
        ("{{ '%999999999d'|format(1) }}", FORMAT),
        ("{{ '%*d'|format(999999999, 1) }}", ARGUMENT),
        ("{{ '{:{}}'.format(1, 999999999) }}", ARGUMENT),
        (
            "{% for a in label %}{% for b in label %}{% for c in label %}"
            "{% endfor %}{% endfor %}{% endfor %}",
            STEPS,
        ),
        ("{% for i in range(100000) %}{% endfor %}", ARGUMENT),
        ("{% for i in range(999) %}{% endfor %}", STEPS),
        (
            "{% for x in [300] recursive %}{{ loop(range(x)) if x > 2 else '' }}{% endfor %}",
            STEPS,
        ),
        ("{% for i in range(400) %}{{ label }}{% endfor %}", OUTPUT),
        ("{{ ([label] * 100)|join }}", TOO_LONG),
        ("{{ ([label] * 100)|map('upper')|join(', ') }}", TOO_LONG),
        ("{{ ''.join([label] * 100) }}", TOO_LONG),
        ("{{ (label * 10).replace('', label) }}", TOO_LONG),
        ("{{ (label * 10).replace('', label) }}", TOO_LONG),
        ("{% macro m(n) %}{{ m(n) }}{% endmacro %}{{ m(1) }}", RECURSION),
    ],
)
def test_a_limit_stops_the_rendering(text, limit):
    with pytest.raises(LimitExceeded) as raised:
        render(text, label="Colleague influence")
    assert str(raised.value) == limit


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{{ label * 2 }}", "abab"),
        ("{{ (label + '!') * 3 }}", "ab!ab!ab!"),
        ("{{ 2 ** 10 }} {{ 3 * 4 }} {{ 7 % 3 }} {{ '%5.1f' % 2.25 }}", "1024 12 1   2.2"),
        ("{% for c in label %}{{ c|upper }}{% endfor %}", "AB"),
        ("{{ label|center(6) }}|", "  ab  |"),
        ("{{ 123456789|string }}", "123456789"),
        ("{{ '%d'|format(123456789) }} {{ '%d' % 123456789 }}", "123456789 123456789"),
        ("{{ '{} of {}'.format(123456789, 7) }}", "123456789 of 7"),
        ("{{ ([label] * 3)|join(', ') }} {{ '-'.join([label] * 2) }}", "ab, ab, ab ab-ab"),
        (
            "{{ '%s in 20260 teams' % label }} {{ '{} of 123456'.format(label) }}",
            "ab in 20260 teams ab of 123456",
        ),
        ("{{ '%-6s|%(x)s' % {'x': 1} if false else '%5.2f' % 3.14159 }}", " 3.14"),
        ("{{ label.replace('a', 'x') }}{{ label|replace('b', 'y') }}", "xbay"),
    ],
)
def test_ordinary_texts_render_as_jinja2_renders_them(text, expected):
    assert render(text, label="ab") == expected


def test_the_budget_is_per_rendering():
    env = BoundedSandbox(LIMITS)
    template = env.from_string("{% for i in range(300) %}{% endfor %}done")
    assert [env.render_bounded(template, {}) for _ in range(3)] == ["done"] * 3


def test_the_immutable_sandbox_still_refuses_changing_its_data():
    env = BoundedImmutableSandbox(LIMITS)
    with pytest.raises(SecurityError):
        env.render_bounded(env.from_string("{{ d.clear() }}"), {"d": {"a": 1}})
