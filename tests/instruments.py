"""Reading back the questionnaires ``ism-advise questionnaire`` writes, as the tools would.

:func:`parse_limesurvey` reads a survey structure file the way LimeSurvey's importer does
(``TSVImportSurvey``: a header naming the columns, one row per setting, group, question,
subquestion and answer; questions belong to the group above them, subquestions and answers
to the question above them; every further language repeats the base language's rows) and
checks it against LimeSurvey's own rules, independently of the writer: the columns of its
exporter, question and subquestion codes as its Question model validates them, answer
codes as its answers table holds them. :func:`parse_qualtrics` reads an Advanced-format
TXT file tag by tag.

:func:`limesurvey_export` and :func:`qualtrics_export` then model what each tool exports
after respondents answered that survey: the columns named from the parsed structure, each
answer as the code or the text of the option the respondent ticked (found by its wording,
as a respondent finds it), with the metadata and planted personal data of
``tests/exports.py``.
"""

from __future__ import annotations

import csv
import html
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import exports as X
from ism_advisor.core.textnorm import answer_key
from ism_advisor.survey.codebook import Codebook, default_codebook_path, usage_answer_key

#: The columns of LimeSurvey's survey structure export (``tsvSurveyExport``: its
#: ``$aBaseFields``), which its importer reads by name; written out here, not imported
#: from the writer, so that the test compares with LimeSurvey and not with itself.
LIMESURVEY_COLUMNS = (
    "id",
    "related_id",
    "class",
    "type/scale",
    "name",
    "relevance",
    "text",
    "help",
    "language",
    "validation",
    "mandatory",
    "other",
    "default",
    "same_default",
)
ROW_CLASSES = {"S", "SL", "G", "Q", "SQ", "A"}
#: LimeSurvey's Question model: question codes start with a letter and are alphanumeric,
#: subquestion codes are alphanumeric; the questions table holds 20 characters; the
#: answers table 5 for an answer code.
QUESTION_CODE = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,19}$")
SUBQUESTION_CODE = re.compile(r"^[A-Za-z0-9]{1,20}$")
ANSWER_CODE = re.compile(r"^[A-Za-z0-9]{1,5}$")
RESERVED = {"LANG", "SID", "SAVEDID", "TOKEN", "QID", "GID", "SGQ", "self", "that", "this"}
#: question types used: L list (radio), F array, S short free text
TYPES = {"L", "F", "S"}


@dataclass
class Question:
    id: str
    type: str
    code: str
    text: str
    mandatory: str
    subquestions: list[tuple[str, str]] = field(default_factory=list)  # (code, text)
    answers: list[tuple[str, str]] = field(default_factory=list)  # (code, text)


@dataclass
class Group:
    id: str
    order: str
    name: str
    questions: list[Question] = field(default_factory=list)


@dataclass
class LimeSurvey:
    settings: dict[str, str]
    language_settings: dict[str, dict[str, str]]
    languages: list[str]
    groups: dict[str, list[Group]]  # language → groups

    def questions(self, lang: str) -> list[Question]:
        return [q for g in self.groups[lang] for q in g.questions]


def parse_limesurvey(data: bytes) -> LimeSurvey:
    """The survey structure, checked against LimeSurvey's rules (AssertionError if not)."""
    assert data.startswith(b"\xef\xbb\xbf"), "LimeSurvey writes (and reads) UTF-8 with a BOM"
    text = data[3:].decode("utf-8")
    assert "\r" not in text
    records = list(csv.reader(io.StringIO(text), delimiter="\t", quotechar='"', strict=True))
    assert tuple(records[0]) == LIMESURVEY_COLUMNS
    rows = []
    for number, record in enumerate(records[1:], start=2):
        assert len(record) == len(LIMESURVEY_COLUMNS), f"row {number} has {len(record)} fields"
        rows.append(dict(zip(LIMESURVEY_COLUMNS, record, strict=True)))
    assert {row["class"] for row in rows} <= ROW_CLASSES
    settings = {r["name"]: r["text"] for r in rows if r["class"] == "S"}
    languages = [settings["language"], *settings["additional_languages"].split()]
    language_settings: dict[str, dict[str, str]] = {}
    for row in rows:
        if row["class"] == "SL":
            language_settings.setdefault(row["language"], {})[row["name"]] = row["text"]
    assert list(language_settings) == languages
    groups: dict[str, list[Group]] = {}
    order: list[str] = []
    question: Question | None = None
    for row in rows:
        kind, lang = row["class"], row["language"]
        if kind in ("S", "SL"):
            continue
        if kind == "G":
            if lang not in groups:
                order.append(lang)
                groups[lang] = []
            groups[lang].append(Group(row["id"], row["type/scale"], row["name"]))
            question = None
            continue
        assert lang == order[-1], "a language's rows follow its groups"
        if kind == "Q":
            assert row["type/scale"] in TYPES
            question = Question(
                row["id"], row["type/scale"], row["name"], row["text"], row["mandatory"]
            )
            groups[lang][-1].questions.append(question)
        elif kind == "SQ":
            assert question is not None and question.type == "F"
            question.subquestions.append((row["name"], row["text"]))
        else:
            assert question is not None and row["id"] == question.id
            assert row["type/scale"] == "0"
            question.answers.append((row["name"], row["text"]))
    assert order == languages, "the base language first, then each further language"
    survey = LimeSurvey(settings, language_settings, languages, groups)
    _check_limesurvey(survey)
    return survey


def _check_limesurvey(survey: LimeSurvey) -> None:
    base = survey.languages[0]
    shape = [
        (g.id, g.order, [(q.id, q.type, q.code, q.mandatory) for q in g.questions])
        for g in survey.groups[base]
    ]
    codes = [
        ([c for c, _ in q.subquestions], [c for c, _ in q.answers]) for q in survey.questions(base)
    ]
    for lang in survey.languages[1:]:  # the same rows, translated
        assert [
            (g.id, g.order, [(q.id, q.type, q.code, q.mandatory) for q in g.questions])
            for g in survey.groups[lang]
        ] == shape
        assert [
            ([c for c, _ in q.subquestions], [c for c, _ in q.answers])
            for q in survey.questions(lang)
        ] == codes
    for lang in survey.languages:
        questions = survey.questions(lang)
        names = [q.code for q in questions]
        assert len({n.casefold() for n in names}) == len(names), "question codes are unique"
        for q in questions:
            assert QUESTION_CODE.match(q.code) and q.code not in RESERVED, q.code
            assert q.text.strip()
            subcodes = [c for c, _ in q.subquestions]
            assert len(set(subcodes)) == len(subcodes)
            assert all(SUBQUESTION_CODE.match(c) and c != "time" for c in subcodes), subcodes
            answer_codes = [c for c, _ in q.answers]
            assert len(set(answer_codes)) == len(answer_codes)
            assert all(ANSWER_CODE.match(c) for c in answer_codes), answer_codes
            assert all(t.strip() for _, t in [*q.subquestions, *q.answers])
            if q.type == "F":
                assert q.subquestions and len(q.answers) >= 2
            elif q.type == "L":
                assert len(q.answers) >= 2 and not q.subquestions
            else:
                assert not q.answers and not q.subquestions
    # one respondent's variables: question codes and code_subcode never clash
    variables = [
        f"{q.code}_{c}" if c else q.code
        for q in survey.questions(base)
        for c in ([c for c, _ in q.subquestions] or [""])
    ]
    assert len({v.casefold() for v in variables}) == len(variables)


# -- Qualtrics ------------------------------------------------------------------------------


@dataclass
class QualtricsQuestion:
    type: str
    id: str
    text: str
    choices: list[tuple[str, str]] = field(default_factory=list)  # (number, text)
    answers: list[tuple[str, str]] = field(default_factory=list)


_TAG = re.compile(r"^\[\[([A-Za-z]+)(?::([^\]]*))?\]\]$")


def parse_qualtrics(data: bytes) -> list[QualtricsQuestion]:
    """The questions of an Advanced-format TXT file, tag by tag."""
    text = data.decode("utf-8")
    lines = text.split("\n")
    assert lines[0] == "[[AdvancedFormat]]"
    questions: list[QualtricsQuestion] = []
    mode = None
    for line in lines[1:]:
        if not line.strip():
            continue
        tag = _TAG.match(line)
        if tag:
            name, value = tag.groups()
            if name == "Question":
                questions.append(QualtricsQuestion(value, "", ""))
                mode = "text"
            elif name == "ID":
                assert questions and not questions[-1].id
                questions[-1].id = value
            elif name == "AdvancedChoices":
                mode = "choices"
            elif name == "AdvancedAnswers":
                mode = "answers"
            elif name == "Choice":
                assert mode == "choices" and value and value.isdigit()
                questions[-1].choices.append((value, ""))
            elif name == "Answer":
                assert mode == "answers" and value and value.isdigit()
                questions[-1].answers.append((value, ""))
            elif name == "PageBreak":
                mode = None
            else:
                raise AssertionError(f"unknown tag {line}")
            continue
        assert "[[" not in line
        question = questions[-1]
        if mode == "text":
            assert not question.text, "a question's text is one line"
            question.text = line
        elif mode == "choices":
            number, old = question.choices[-1]
            assert not old
            question.choices[-1] = (number, line)
        else:
            number, old = question.answers[-1]
            assert not old
            question.answers[-1] = (number, line)
    ids = [q.id for q in questions]
    assert all(ids) and len(set(ids)) == len(ids)
    for q in questions:
        assert q.type in ("Text", "MC:SingleAnswer:Vertical", "TE:SingleLine", "Matrix")
        assert len({n for n, _ in q.choices}) == len(q.choices)
        assert len({n for n, _ in q.answers}) == len(q.answers)
        assert all(t for _, t in [*q.choices, *q.answers])
        if q.type == "Matrix":
            assert q.choices and q.answers
    return questions


# -- the responses, as each tool exports them ----------------------------------------------


def _person_choice(
    codebook: Codebook,
    person: X.Person,
    item: str,
    options: list[tuple[str, str]],
    lang: str,
) -> tuple[str, str] | None:
    """The option (code, text) a respondent ticks for ``item``: found by its wording."""
    value = person.answer(item)
    if value is None:
        return None
    factor = next(f for f in codebook.factors if any(i.id == item for i in f.items))
    if value == "dk":
        wanted = codebook.questionnaire.dont_know.texts[lang]
    else:
        scale = codebook.item_scale(factor, next(i for i in factor.items if i.id == item))
        wanted = scale.points[int(value) - 1].text(lang)
    return next(o for o in options if answer_key(html.unescape(o[1])) == answer_key(wanted))


def _usage_choice(codebook: Codebook, person: X.Person, options) -> tuple[str, str] | None:
    if person.user is None:
        return None
    keys = codebook.usage.user_keys if person.user else codebook.usage.non_user_keys
    return next(o for o in options if usage_answer_key(html.unescape(o[1])) in keys)


def limesurvey_export(
    path: Path, survey: LimeSurvey, codebook: Codebook, group: X.People, *, lang: str, full: bool
) -> Path:
    """LimeSurvey's *Export responses* of ``survey``: question codes and answer codes, or
    full question texts and answers in ``lang``."""
    questions = survey.questions(lang)
    header = list(X._LIME_FULL_META[lang] if full else X._LIME_CODE_META)
    for q in questions:
        text = html.unescape(q.text)
        if q.subquestions:
            for code, sub in q.subquestions:
                header.append(f"{text} [{html.unescape(sub)}]" if full else f"{q.code}[{code}]")
        else:
            header.append(text if full else q.code)
    records = [header]
    usage_code = codebook.usage.column_names()
    for person in group.rows:
        if person.kind == "preview":
            continue  # LimeSurvey keeps no previews
        done = person.kind != "incomplete"
        row = [
            str(person.number + 1),
            "2026-03-02 09:21:40" if done else "",
            "9" if done else "3",
            lang,
            "1234567",
            "2026-03-02 09:14:05",
            "2026-03-02 09:21:40",
            X.PLANTED["ip"],
            X.PLANTED["url"],
            X.PLANTED["token"],
            X.PLANTED["first_name"],
            X.PLANTED["last_name"],
            X.PLANTED["email"],
        ]
        for q in questions:
            if q.code in usage_code:
                chosen = _usage_choice(codebook, person, q.answers)
                row.append(
                    "" if chosen is None else html.unescape(chosen[1]) if full else chosen[0]
                )
            elif q.type == "L":  # a segment question: the person's department, by position
                code, text = q.answers[person.department]
                row.append(html.unescape(text) if full else code)
            elif q.type == "S":  # an open segment question: the department, typed
                row.append(X.DEPARTMENTS[lang][person.department])
            else:
                for item, _ in q.subquestions:
                    chosen = _person_choice(codebook, person, item, q.answers, lang)
                    row.append(
                        "" if chosen is None else html.unescape(chosen[1]) if full else chosen[0]
                    )
        records.append(row)
    return X._write_csv(path, records, quoting=csv.QUOTE_ALL)


def qualtrics_export(
    path: Path,
    questions: list[QualtricsQuestion],
    codebook: Codebook,
    group: X.People,
    *,
    numeric: bool,
) -> Path:
    """Qualtrics' CSV export (three header rows) of the imported survey: each question's
    export tag its [[ID]], a matrix's statements ``ID_N``; choice text, or the numbers the
    file gave the choices and answers (the recode values it asks for). Texts are exported
    as Qualtrics shows them: the file's HTML with its character references read."""
    meta = X._QUALTRICS_META
    ids, texts, imports = [m[0] for m in meta], [m[1] for m in meta], [m[2] for m in meta]
    answered = [q for q in questions if q.type != "Text"]
    lang = (
        "nl"
        if any(answer_key(q.text) == answer_key(codebook.usage.text["nl"]) for q in answered)
        else "en"
    )
    for number, q in enumerate(answered, start=1):
        if q.type == "Matrix":
            for choice, statement in q.choices:
                ids.append(f"{q.id}_{choice}")
                texts.append(html.unescape(f"{q.text} - {statement}"))
                imports.append(f'{{"ImportId":"QID{number}_{choice}"}}')
        else:
            ids.append(q.id)
            texts.append(html.unescape(q.text))
            suffix = "_TEXT" if q.type.startswith("TE") else ""
            imports.append(f'{{"ImportId":"QID{number}{suffix}"}}')
    records = [ids, texts, imports]
    statements = {
        answer_key(item.text[lang]): item.id for f in codebook.factors for item in f.items
    }
    for person in group.rows:
        preview = person.kind == "preview"
        finished = person.kind != "incomplete"
        row = [
            "2026-03-02 09:14:05",
            "2026-03-02 09:21:40",
            ("1" if preview else "0")
            if numeric
            else ("Survey Preview" if preview else "IP Address"),
            X.PLANTED["ip"],
            "100" if finished else "38",
            "455",
            ("1" if finished else "0") if numeric else ("True" if finished else "False"),
            "2026-03-02 09:21:41",
            f"R_{person.number:04d}PLANTEDx",
            X.PLANTED["last_name"],
            X.PLANTED["first_name"],
            X.PLANTED["email"],
            X.PLANTED["reference"],
            X.PLANTED["latitude"],
            X.PLANTED["longitude"],
            "anonymous",
            lang.upper(),
        ]
        for q in answered:
            if q.type == "Matrix":
                for _, statement in q.choices:
                    item = statements[answer_key(html.unescape(statement))]
                    chosen = _person_choice(codebook, person, item, q.answers, lang)
                    row.append(
                        "" if chosen is None else chosen[0] if numeric else html.unescape(chosen[1])
                    )
            elif q.type.startswith("TE"):  # an open segment question: typed
                row.append(X.DEPARTMENTS[lang][person.department])
            elif answer_key(q.text) == answer_key(codebook.usage.text[lang]):
                chosen = _usage_choice(codebook, person, q.choices)
                row.append(
                    "" if chosen is None else chosen[0] if numeric else html.unescape(chosen[1])
                )
            else:
                number, text = q.choices[person.department]
                row.append(number if numeric else html.unescape(text))
        records.append(row)
    return X._write_csv(path, records, quoting=csv.QUOTE_ALL, encoding="utf-8-sig")


# -- the packaged codebook as an organisation's copy ----------------------------------------

#: The answer options an organisation lists for the packaged codebook's segment questions
#: (a questionnaire never asks a segment question as free text): in the order of
#: :data:`exports.DEPARTMENTS`, so that a respondent's department reads as in ``X.tidy``.
SEGMENT_OPTIONS = {
    "      en: Which organisation do you work for?\n": (
        "    options:\n"
        "      - {id: oost, nl: Zorggroep Oost, en: Zorggroep Oost}\n"
        "      - {id: rivierstad, nl: Gemeente Rivierstad, en: Rivierstad council}\n"
        "      - {id: technobouw, nl: TechnoBouw, en: TechnoBouw}\n"
    ),
    "      en: Which department do you work in?\n": (
        "    options:\n"
        "      - {id: verkoop, nl: Verkoop, en: Sales}\n"
        "      - {id: financien, nl: Financiën, en: Finance}\n"
        "      - {id: ict, nl: ICT, en: IT}\n"
    ),
}


def packaged_with_options(path: Path) -> Path:
    """The packaged codebook with answer options for its segment questions, at ``path``."""
    text = default_codebook_path().read_text(encoding="utf-8")
    for question, options in SEGMENT_OPTIONS.items():
        assert text.count(question) == 1
        text = text.replace(question, question + options)
    path.write_text(text, encoding="utf-8")
    return path
