"""Declared shapes: what a YAML mapping may hold, checked with positions; JSON Schemas."""

from __future__ import annotations

import json

import jsonschema
import pytest
import yaml

from conftest import DATA, ROOT
from ism_advisor.advice.knowledge.schema import KINDS, json_schema
from ism_advisor.core.errors import N_
from ism_advisor.core.shapes import Choice, Entries, Flag, Id, Nested, Number, Shape, Texts
from ism_advisor.core.yamlfile import Problems, load_yaml

INNER = Shape(N_("a mapping with max_actions"), size=Number("A number.", default=1.0))
SHAPE = Shape(
    N_("a rule (a mapping with an id)"),
    id=Id(N_("rule"), "The id.", required=True),
    colour=Choice(("red", "green"), "A colour.", default="red"),
    loud=Flag("Loud or not.", message=N_("'reverse' must be true or false, found {found}")),
    label=Texts("A text per language.", required=True),
    inner=Nested(INNER, "Settings.", blank=True),
    items=Entries(INNER, "Items.", message=N_("'items' must be a non-empty list, found {found}")),
)


def read(tmp_path, text: str) -> tuple[dict, list[str]]:
    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    data = load_yaml(path, N_("a rule file"))
    problems = Problems("x.yaml")
    mapping = SHAPE.mapping(problems, data, data.pos)
    values = {}
    if mapping is not None:
        values = {key: SHAPE.read(problems, mapping, key, seen={}) for key in SHAPE.options}
    return values, [str(p) for p in problems]


def test_a_shape_reads_values_and_defaults(tmp_path):
    values, problems = read(
        tmp_path, "id: first\ncolour: green\nloud: true\nlabel: {nl: Een, en: One}\n"
    )
    assert problems == []
    assert values == {
        "id": "first",
        "colour": "green",
        "loud": True,
        "label": {"nl": "Een", "en": "One"},
        "inner": None,
        "items": None,
    }


def test_a_shape_reports_every_problem_with_its_position(tmp_path):
    values, problems = read(tmp_path, "colour: greem\nloud: maybe\nlabl: x\ninner: 3\nitems: []\n")
    assert problems == [
        "x.yaml:3:1: unknown key 'labl' (did you mean 'label'?)",
        "x.yaml:1:1: missing key 'id'",
        "x.yaml:1:1: missing key 'label'",
        "x.yaml:1:9: 'colour' must be one of red, green, found 'greem' (did you mean 'green'?)",
        "x.yaml:2:7: 'reverse' must be true or false, found 'maybe'",
        "x.yaml:4:8: expected a mapping with max_actions, found the number 3",
        "x.yaml:5:8: 'items' must be a non-empty list, found a list",
    ]
    assert values["colour"] == "red" and values["loud"] is False  # the defaults


def test_a_key_without_a_value_counts_as_absent_where_declared(tmp_path):
    values, problems = read(tmp_path, "id: a\nlabel: {nl: a, en: a}\ninner:\n")
    assert problems == [] and values["inner"] is None
    values, problems = read(tmp_path, "id: a\nlabel: {nl: a, en: a}\nitems:\n")
    assert problems == ["x.yaml:3:7: 'items' must be a non-empty list, found nothing"]


@pytest.mark.parametrize(
    ("kind", "file"),
    [
        ("codebook", "factors.yaml"),
        ("rules", "advice.yaml"),
        ("interventions", "interventions.yaml"),
    ],
)
def test_the_packaged_files_meet_their_schemas(kind, file):
    schema = json_schema(kind)
    jsonschema.Draft202012Validator.check_schema(schema)
    data = yaml.safe_load((ROOT / "rules" / file).read_text(encoding="utf-8"))
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(data)) == []


@pytest.mark.parametrize(
    ("kind", "file", "key"),
    [
        ("rules", "rules/unknown_rule_key.yaml", "priorty"),
        ("codebook", "codebook/unknown_key.yaml", "directon"),
        ("interventions", "interventions/missing_key.yaml", None),
    ],
)
def test_a_schema_flags_what_rules_check_flags_by_shape(kind, file, key):
    schema = json_schema(kind)
    data = yaml.safe_load((DATA / "bad" / file).read_text(encoding="utf-8"))
    errors = [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(data)]
    assert errors
    if key:
        assert any(f"'{key}' was unexpected" in e for e in errors)


def test_rules_schema_prints_each_schema(cli):
    for kind in KINDS:
        result = cli("rules", "schema", kind)
        assert result.exit_code == 0
        assert json.loads(result.stdout) == json_schema(kind)
    result = cli("rules", "schema", "templates")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        "Error: Invalid value for '{codebook|rules|interventions}': 'templates' is not one of"
        " 'codebook', 'rules', 'interventions'."
    )
