"""SurveyMonkey: "All responses data" as CSV or XLSX (expanded columns).

Two header rows: the question text (once, over all the columns of a matrix) and below it
the matrix row's statement, or ``Response`` for a one-column question, ``Open-Ended
Response`` or ``Other (please specify)`` for free text. Metadata columns lead:
``Respondent ID, Collector ID, Start Date, End Date, IP Address, Email Address, First
Name, Last Name, Custom Data 1``. A column is named by its statement (its question when
it has none; the two joined for an "Other" column or when a statement repeats).
"""

from __future__ import annotations

from ....core.errors import N_
from ....core.textnorm import text_key
from ..model import Column
from ..roles import role_of
from .layout import Layout, unique_names

__all__ = ["recognise"]

_ONE_COLUMN = {"response", "antwoord", "", "openendedresponse"}
_OTHER = {"otherpleasespecify", "anderswelke", "andersnamelijk"}
_FREE_TEXT = {"openendedresponse", *_OTHER}


def recognise(records: list[list[str]]) -> Layout | None:
    if len(records) < 2:
        return None
    keys = [text_key(name) for name in records[0]]
    if keys[:1] != ["respondentid"] or "collectorid" not in keys:
        return None
    questions, statements = [], []
    current = ""
    for position, name in enumerate(records[0]):
        if name.strip():
            current = name.strip()
        questions.append(current)
        statements.append(records[1][position].strip() if position < len(records[1]) else "")
    names = []
    for question, statement in zip(questions, statements, strict=True):
        if text_key(statement) in _ONE_COLUMN:
            names.append(question)
        elif text_key(statement) in _OTHER:  # every question's "Other": name its question
            names.append(f"{question} - {statement}")
        else:
            names.append(statement)
    repeated = {n for n in names if names.count(n) > 1}
    names = [
        f"{q} - {s}" if n in repeated and text_key(s) not in _ONE_COLUMN else n
        for n, q, s in zip(names, questions, statements, strict=True)
    ]
    columns = []
    for position, name in enumerate(unique_names(names)):
        question, statement = questions[position], statements[position]
        if text_key(statement) in _FREE_TEXT:
            role = "free_text"
        elif records[0][position].strip() and text_key(statement) in _ONE_COLUMN:
            role = role_of(question)
        else:
            role = "question"
        texts = (question,) if text_key(statement) in _ONE_COLUMN else (statement, question)
        # a single textbox is an open question; "Other (please specify)" belongs to another
        open_question = text_key(statement) == "openendedresponse"
        columns.append(Column(position, name, texts, role, open_question=open_question))
    return Layout("surveymonkey", N_("SurveyMonkey export (2 header rows)"), 2, tuple(columns))
