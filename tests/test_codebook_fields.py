"""The codebook's fields are declared once: a key declared with ``field=True`` in
:mod:`ism_advisor.survey.codebook.shape` is the dataclass's field (same name, same
default), the JSON Schema's property (its help and default) and what the reader reads (a
codebook without the key gets the declared default)."""

from __future__ import annotations

import dataclasses

import pytest
import yaml

from ism_advisor.advice.knowledge.schema import json_schema
from ism_advisor.core.errors import AdvisorError
from ism_advisor.core.shapes import Flag, Shape, Text, Texts, Words
from ism_advisor.core.yamlfile import Problems, load_yaml
from ism_advisor.survey.codebook import (
    Factor,
    Item,
    QuestionnaireTexts,
    Segment,
    SegmentOption,
    Usage,
    load_codebook,
)
from ism_advisor.survey.codebook import shape as shapes
from ism_advisor.survey.scales import AnswerPoint, AnswerScale

#: Each shape with fields, the dataclass it is read into, and where the JSON Schema of
#: ``ism-advise rules schema codebook`` holds it.
PAIRS = {
    "FACTOR": (Factor, ("factors", "items")),
    "ITEM": (Item, ("factors", "items", "properties", "items", "items")),
    "USAGE": (Usage, ("usage",)),
    "SEGMENT": (Segment, ("segments", "items")),
    "OPTION": (SegmentOption, ("segments", "items", "properties", "options", "items")),
    "QUESTIONNAIRE": (QuestionnaireTexts, ("questionnaire",)),
    "ANSWER_SCALE": (AnswerScale, ("answer_scales", "items")),
    "POINT": (AnswerPoint, ("answer_scales", "items", "properties", "points", "items")),
}

#: A codebook that gives only what it must: every other field reads as its default.
SPARSE = """\
missing: [9]
usage:
  column: user
  type: yes_no
  users: ["ja"]
  non_users: ["nee"]
answer_scales:
  - id: often
    points:
      - {nl: Nooit, en: Never}
      - {nl: Vaak, en: Often}
segments:
  - id: team
    options:
      - {id: sales, nl: Verkoop, en: Sales}
      - {id: support, nl: Ondersteuning, en: Support}
questionnaire: {}
factors:
  - id: performance_expectancy
    label: {nl: Prestatie, en: Performance}
    direction: higher_is_better
    items:
      - id: pe1
        text: {nl: Het platform helpt mij., en: The platform helps me.}
"""


def _sparse(tmp_path):
    path = tmp_path / "factors.yaml"
    path.write_text(SPARSE, encoding="utf-8")
    return load_codebook(path)


def _schema_of(where: tuple[str, ...]) -> dict:
    node = json_schema("codebook")
    for step in ("properties", *where):
        node = node[step]
    return node


def test_every_shape_with_fields_is_checked_here():
    with_fields = {name for name in shapes.__all__ if getattr(shapes, name).field_keys}
    assert with_fields == set(PAIRS)


@pytest.mark.parametrize("name", sorted(PAIRS))
def test_a_field_key_is_the_dataclass_field_of_its_name_with_the_same_default(name):
    shape, (cls, _) = getattr(shapes, name), PAIRS[name]
    fields = {f.name: f for f in dataclasses.fields(cls)}
    for key in shape.field_keys:
        assert key in fields, f"{name}.{key} fills no field of {cls.__name__}"
        field = fields[key]
        if field.default is not dataclasses.MISSING:
            assert field.default == shape[key].default, (name, key)
        elif field.default_factory is not dataclasses.MISSING:
            assert field.default_factory() == shape[key].default, (name, key)


@pytest.mark.parametrize("name", sorted(PAIRS))
def test_a_field_key_is_in_the_json_schema_with_its_help_and_default(name):
    shape, (_, where) = getattr(shapes, name), PAIRS[name]
    properties = _schema_of(where)["properties"]
    for key in shape.field_keys:
        option = shape[key]
        assert properties[key]["description"] == option.help
        if isinstance(option.default, (str, float, bool)) and option.default != "":
            assert properties[key]["default"] == option.default
        else:
            assert "default" not in properties[key]


def test_the_schema_shows_the_declared_defaults_of_the_usage_and_the_direction():
    usage = _schema_of(("usage",))["properties"]
    assert (usage["column"]["default"], usage["type"]["default"]) == ("user", "yes_no")
    item = _schema_of(PAIRS["ITEM"][1])["properties"]
    assert item["reverse"] == {
        "description": "true: the item is mirrored on the scale before averaging.",
        "type": "boolean",
        "default": False,
    }
    factor = _schema_of(PAIRS["FACTOR"][1])["properties"]
    assert factor["direction"]["default"] == "higher_is_better"


def test_a_codebook_without_a_key_gets_the_declared_default(tmp_path):
    codebook = _sparse(tmp_path)
    data = yaml.safe_load(SPARSE)
    factor = codebook.factors[0]
    segment = codebook.segments[0]
    read = {
        "FACTOR": (factor, data["factors"][0]),
        "ITEM": (factor.items[0], data["factors"][0]["items"][0]),
        "USAGE": (codebook.usage, data["usage"]),
        "SEGMENT": (segment, data["segments"][0]),
        "OPTION": (segment.options[0], data["segments"][0]["options"][0]),
        "QUESTIONNAIRE": (codebook.questionnaire, data["questionnaire"]),
        "ANSWER_SCALE": (codebook.answer_scales["often"], data["answer_scales"][0]),
        "POINT": (codebook.answer_scales["often"].points[0], data["answer_scales"][0]["points"][0]),
    }
    assert set(read) == set(PAIRS)
    absent_keys = 0
    for name, (value, given) in read.items():
        shape = getattr(shapes, name)
        defaults = shape.defaults()
        for key in shape.field_keys:
            if key in given:
                wanted = tuple(given[key]) if isinstance(given[key], list) else given[key]
                assert getattr(value, key) == wanted, (name, key)
            else:
                absent_keys += 1
                assert getattr(value, key) == defaults[key], (name, key)
    # factor 3, item 2, usage 2, segment 3, option 1, questionnaire 4, point 1
    assert absent_keys == 16
    assert codebook.usage.users == ("ja",) and codebook.usage.non_users == ("nee",)


def test_the_reader_reads_the_default_from_the_declaration(tmp_path, monkeypatch):
    monkeypatch.setattr(shapes.ITEM["reverse"], "default", True)
    monkeypatch.setattr(shapes.FACTOR["aliases"], "default", ("pe",))
    monkeypatch.setattr(shapes.USAGE["aliases"], "default", ("gebruik",))
    codebook = _sparse(tmp_path)
    assert codebook.factors[0].items[0].reverse is True
    assert codebook.factors[0].aliases == ("pe",)
    assert codebook.usage.aliases == ("gebruik",)


def test_the_scale_without_min_and_max_is_the_declared_one(tmp_path, monkeypatch):
    monkeypatch.setattr(shapes.SCALE["max"], "default", 7.0)
    codebook = _sparse(tmp_path)
    assert (codebook.scale_min, codebook.scale_max) == (1.0, 7.0)


def test_an_items_problems_keep_their_order(tmp_path):
    """As before the fields were declared once: reverse, then text, then aliases."""
    path = tmp_path / "factors.yaml"
    path.write_text(
        SPARSE.replace(
            "      - id: pe1\n        text: {nl: Het platform helpt mij., en: The platform helps me.}",
            "      - id: pe1\n        text: plain\n        reverse: maybe\n        aliases: one",
        ),
        encoding="utf-8",
    )
    with pytest.raises(AdvisorError) as caught:
        load_codebook(path)
    assert [str(problem) for problem in caught.value.problems] == [
        f"{path}:25:18: 'reverse' must be true or false, found 'maybe'",
        f"{path}:24:15: 'text' must give a text per language (nl: …, en: …), found 'plain'",
        f"{path}:26:18: 'aliases' must be a list of texts, found 'one'",
    ]


# -- Shape.fields itself --------------------------------------------------------------------

TOY = Shape(
    "a toy",
    name=Text("Its name.", required=True, field=True),
    words=Words("Its words.", field=True),
    enabled=Flag(
        "Whether it is on.", field=True, message="'enabled' must be true or false, found {found}"
    ),
    note=Text("A note the reader reads itself."),
    texts=Texts("Its texts."),
)


def _toy(tmp_path, text: str):
    path = tmp_path / "toy.yaml"
    path.write_text(text, encoding="utf-8")
    return load_yaml(path, "a toy"), Problems(str(path))


def test_fields_reads_every_field_key_in_declared_order_absent_ones_as_their_default(tmp_path):
    mapping, problems = _toy(tmp_path, "name: Toy\nnote: kept\n")
    assert TOY.field_keys == ("name", "words", "enabled")
    assert TOY.fields(problems, mapping) == {"name": "Toy", "words": (), "enabled": False}
    assert TOY.defaults() == {"name": None, "words": (), "enabled": False}
    assert not problems


def test_fields_reads_the_keys_asked_in_the_order_asked(tmp_path):
    mapping, problems = _toy(tmp_path, "name: 3\nenabled: maybe\n")
    assert TOY.fields(problems, mapping, "enabled", "name") == {"enabled": False, "name": None}
    assert [str(problem) for problem in problems] == [
        f"{problems.path}:2:10: 'enabled' must be true or false, found 'maybe'",
        f"{problems.path}:1:7: 'name' must be a text, found the number 3",
    ]


def test_fields_refuses_a_key_that_fills_no_field(tmp_path):
    mapping, problems = _toy(tmp_path, "name: Toy\n")
    with pytest.raises(ValueError, match="'note' fills no field, it is read by its reader"):
        TOY.fields(problems, mapping, "name", "note")


def test_defaults_are_copies():
    shape = Shape("a mapping", texts=Texts(field=True))
    assert shape.defaults() == {"texts": {}}
    assert shape.defaults()["texts"] is not shape["texts"].default
