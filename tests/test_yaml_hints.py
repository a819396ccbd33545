"""YAML syntax errors get our own one-line message, with the usual cause named.

The cases the knowledge base's files meet (pasting, editing by hand) are in the bad-input
corpus; these are the remaining shapes of each hint, and the fallback.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT
from ism_advisor.core.errors import AdvisorError
from ism_advisor.core.yamlfile import load_yaml

CASES = {
    "list item pasted at column 1": (
        "interventions:\n  - id: a\n    evidence:\n      - x\n- id: b\n",
        '5:1: this list item is not indented like the ones above it (2 spaces under "interventions:")',
    ),
    "list item one space short": (
        "rules:\n - id: a\n  - id: b\n",
        '3:3: this list item is not indented like the ones above it (1 space under "rules:")',
    ),
    "list item in a top-level list": (
        "- id: a\n  x: 1\n - id: b\n",
        "3:2: this list item is not indented like the ones above it (they start in column 1)",
    ),
    "a tab": ("rules:\n\t- id: a\n", "2:1: a tab character; YAML indents with spaces only"),
    "quote never closed": ("a:\n  b: 'hello\n  c: d\n", "2:6: this quote (') is never closed"),
    "double quote ends a text early": (
        'a: "say "hello" to them"\n',
        '1:9: the text goes on after its closing quote ("): write \\" for a quote inside "…"',
    ),
    "colon in a list item": (
        "steps:\n  - Plan: four sessions: now\n",
        '2:24: a ": " inside a text: put the whole text in quotes ("…")',
    ),
    "colon in a flow mapping": (
        "title: {nl: Lunch: x, en: y}\n",
        '1:18: a ": " inside a text: put the whole text in quotes ("…")',
    ),
    "bracket not closed": (
        "steps: [a, b\nowner: hr\n",
        "1:8: this [ is not closed on its line (end it with ])",
    ),
    "bracket not closed at the end": (
        "a:\n  steps: {nl: [a], en: [b]\n",
        "2:10: this { is not closed on its line (end it with })",
    ),
    "key indented under a value": (
        "a: b\n  c: d\n",
        "2:3: this key is indented more than the key above it, which already has a value",
    ),
    "anything else keeps PyYAML's wording": (
        "a: [b]]\n",
        "1:7: YAML syntax error: expected <block end>, but found ']'",
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_syntax_error_gets_a_hint(tmp_path, name):
    text, message = CASES[name]
    path = tmp_path / "file.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(AdvisorError) as caught:
        load_yaml(path, "a rule file")
    assert str(caught.value) == f"{path}:{message}"


# -- any slip, anywhere: one line, never a traceback -------------------------------------

VALID = (ROOT / "tests" / "data" / "rules" / "valid.yaml").read_text(encoding="utf-8")
SLIPS = [" ", "  ", "-", "- ", ":", ": ", '"', "'", "\t", "{", "}", "[", "]", "\n", "#", "''"]


@settings(deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, len(VALID)),
            st.integers(0, 3),
            st.sampled_from(SLIPS),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_any_slip_gets_one_line_or_loads(tmp_path_factory, edits):
    """Characters people slip in or out (indentation, quotes, colons, dashes, tabs,
    brackets), anywhere in a rule file: it loads, or gets one line with a position."""
    text = VALID
    for at, cut, insert in edits:
        at = min(at, len(text))
        text = text[:at] + insert + text[at + cut :]
    path = tmp_path_factory.mktemp("slip") / "advice.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        load_yaml(path, "a rule file")
    except AdvisorError as error:
        rendered = error.render()
        assert rendered.startswith(f"{path}:") and "\n" not in rendered
        # a position wherever there is one (an empty file has none)
        assert re.match(rf"{re.escape(str(path))}:\d+(:\d+)?: ", rendered) or (
            "the file is empty" in rendered
        ), rendered
