"""The codebook file's declared shapes: every key, its type and its help, once.

A key declared with ``field=True`` fills the field of its name of the dataclass of
:mod:`.model` the mapping is read into: the reader reads it with
:meth:`~ism_advisor.core.shapes.Shape.fields`, and a codebook without it gets the
option's default.

The reader (:mod:`.reader`) reads a codebook through them, and ``ism-advise rules schema
codebook`` prints the JSON Schema they make (:mod:`ism_advisor.advice.knowledge.schema`).
"""

from __future__ import annotations

from ...core.errors import N_
from ...core.shapes import (
    Choice,
    Custom,
    Entries,
    Flag,
    Id,
    Nested,
    Number,
    Shape,
    Text,
    Texts,
    Words,
)
from .model import DIRECTIONS

__all__ = [
    "ANSWER_SCALE",
    "CODEBOOK",
    "DONT_KNOW",
    "FACTOR",
    "ITEM",
    "OPTION",
    "POINT",
    "QUESTIONNAIRE",
    "SCALE",
    "SEGMENT",
    "USAGE",
]


#: A point of an answer scale: its texts per language, and codes a tool exports instead.
POINT = Shape(
    N_("a point of the scale (nl: …, en: …)"),
    nl=Custom(
        "The Dutch text; a list gives the questionnaire's text first, then variants read too.",
        required=True,
        schema={"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
    ),
    en=Custom(
        "The English text, or a list of texts (the questionnaire's first).",
        required=True,
        schema={"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
    ),
    codes=Words("Answer codes a survey tool exports instead of the text.", field=True),
)

#: An organisation's own answer scale.
ANSWER_SCALE = Shape(
    N_("an answer scale (a mapping with an id)"),
    id=Id(N_("answer scale"), "The scale's id, named by 'answers:'.", required=True, field=True),
    first=Number("The value of its first point (default: the scale's min)."),
    points=Entries(
        POINT,
        "Its points, lowest first.",
        required=True,
        message=N_(
            "'points' must be a non-empty list of answer texts, lowest first, found {found}"
        ),
    ),
)

_SCALE_NAME = {"type": "string", "description": "agreement, or the id of one of answer_scales."}

#: One survey item.
ITEM = Shape(
    N_("an item (a mapping with an id)"),
    id=Id(N_("item"), "The item's id (a column of item-level input).", required=True, field=True),
    text=Texts("The statement as the questionnaire asks it.", required=True, field=True),
    reverse=Flag(
        "true: the item is mirrored on the scale before averaging.",
        message=N_("'reverse' must be true or false, found {found}"),
        field=True,
    ),
    answers=Custom("Its answer scale, when it differs from its factor's.", schema=_SCALE_NAME),
    aliases=Words(
        "Earlier or other wordings of the statement, under which an export may hold it.",
        field=True,
    ),
)

#: One factor of the model.
FACTOR = Shape(
    N_("a factor (a mapping with an id)"),
    id=Id(
        N_("factor"),
        "The factor's id, named by rules and interventions.",
        required=True,
        field=True,
    ),
    label=Texts("Its name.", required=True, field=True),
    short=Texts(
        "Its short name (one or two words) for dense tables and chart axes; default: its name.",
        field=True,
    ),
    definition=Texts("What it means.", field=True),
    direction=Choice(
        DIRECTIONS,
        "Whether a higher score is better or worse.",
        required=True,
        default="higher_is_better",
        message=N_("direction must be higher_is_better or higher_is_worse, found {found}"),
        field=True,
    ),
    items=Entries(
        ITEM,
        "Its survey items.",
        required=True,
        message=N_("'items' must be a non-empty list of survey items, found {found}"),
    ),
    aliases=Words("Other column names of its score.", field=True),
    answers=Custom(
        "Its items' answer scale, when it differs from the codebook's.", schema=_SCALE_NAME
    ),
)

#: The usage question: how to tell users from non-users.
USAGE = Shape(
    N_("a mapping describing the usage column"),
    column=Text(
        "The usage column's name.",
        required=True,
        default="user",
        message=N_("'column' must be the usage column's name, found {found}"),
        field=True,
    ),
    aliases=Words("Other names of the column.", field=True),
    type=Choice(
        ("yes_no", "numeric"),
        "yes_no: the column holds yes/no answers; numeric: a score with a threshold.",
        required=True,
        default="yes_no",
        invalid=None,
        message=N_("unknown usage type {found} (expected yes_no or numeric)"),
        field=True,
    ),
    users=Words("type yes_no: the answers of users.", field=True),
    non_users=Words("type yes_no: the answers of non-users.", field=True),
    threshold=Number("type numeric: users score at least this.", default=0.0),
    text=Texts("The usage question's wording.", field=True),
    answers=Custom(
        "type numeric: the answer scale whose texts an export holds.", schema=_SCALE_NAME
    ),
)

#: The numeric answer scale.
SCALE = Shape(
    N_("a mapping with min and max"),
    min=Number("The lowest answer.", required=True, default=1.0),
    max=Number("The highest answer.", required=True, default=5.0),
    answers=Custom("The items' answer scale (default: agreement).", schema=_SCALE_NAME),
)

#: One answer option of a segment question.
OPTION = Shape(
    N_("an answer option (id: …, nl: …, en: …)"),
    id=Id(
        N_("answer option"),
        "The option's id (the segment's name in reports).",
        required=True,
        field=True,
    ),
    nl=Text("The Dutch answer text.", required=True),
    en=Text("The English answer text.", required=True),
    codes=Words("Answer codes a survey tool exports instead of the text.", field=True),
)

#: A question that splits respondents into segments.
SEGMENT = Shape(
    N_("a segment question (a mapping with an id)"),
    id=Id(N_("segment"), "The segment's id, for --segment-by.", required=True, field=True),
    label=Texts("Its name in reports' titles and labels (default: its id).", field=True),
    text=Texts("The question's wording.", field=True),
    aliases=Words("Other names of its column.", field=True),
    options=Entries(
        OPTION,
        "Its answer options (the questionnaire asks them; an export's values are read as them).",
        message=N_("'options' must be a non-empty list of answers (id, nl, en), found {found}"),
    ),
)

#: The questionnaire's "don't know" answer.
DONT_KNOW = Shape(
    N_("the don't-know answer (nl: …, en: …, code: …) or false"),
    nl=Text("Its Dutch text (one of the missing values).", required=True),
    en=Text("Its English text (one of the missing values).", required=True),
    code=Number("Its code (one of the missing values).", required=True),
)

#: The questionnaire's own texts.
QUESTIONNAIRE = Shape(
    N_("a mapping of the questionnaire's texts"),
    title=Texts("The questionnaire's title.", field=True),
    intro=Texts("The introduction ({minutes} and {min_group_size} are filled in).", field=True),
    anonymity=Texts("The anonymity statement.", field=True),
    closing=Texts("The closing text.", field=True),
    dont_know=Custom(
        "The don't-know answer, or false for none.",
        schema={"oneOf": [DONT_KNOW.schema(), {"const": False}]},
    ),
)

#: The codebook file.
CODEBOOK = Shape(
    N_("a codebook mapping"),
    scale=Nested(SCALE, "The numeric answer scale (default 1 to 5).", blank=True),
    missing=Custom(
        "Missing-value codes: numbers outside the scale, or texts.",
        schema={"type": "array", "items": {"type": ["number", "string"]}},
    ),
    factors=Entries(
        FACTOR,
        "The factors of the model.",
        required=True,
        message=N_("'factors' must be a non-empty list of factors, found {found}"),
    ),
    usage=Nested(USAGE, "The usage question.", required=True),
    answer_scales=Entries(
        ANSWER_SCALE,
        "The organisation's own answer scales.",
        message=N_("'answer_scales' must be a non-empty list of answer scales, found {found}"),
    ),
    segments=Entries(
        SEGMENT,
        "The segment questions.",
        message=N_("'segments' must be a non-empty list of segment questions, found {found}"),
    ),
    questionnaire=Nested(QUESTIONNAIRE, "The questionnaire's own texts."),
)
