"""The codes a survey tool exports for the questionnaire's questions and answers.

LimeSurvey's rules for question, subquestion and answer codes, and the yes/no wording of
the usage question. The questionnaire (:mod:`.model`) chooses its codes with them; the
survey checks (:mod:`.checks`) say beforehand when a codebook's names cannot be such
codes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..core.errors import N_

__all__ = [
    "ANSWER_CODE",
    "NO",
    "QUESTION_CODE",
    "RESERVED_CODES",
    "SUBQUESTION_CODE",
    "YES",
    "question_code",
    "usage_code",
    "valid_question_code",
    "valid_subquestion_code",
]

#: LimeSurvey's answer codes: letters and digits, at most five (its answers table).
ANSWER_CODE = re.compile(r"^[A-Za-z0-9]{1,5}$")


#: The usage question's answers as a questionnaire words them (the checks make sure the
#: codebook's users and non_users read them back).
YES = N_("Yes")
NO = N_("No")


def usage_code(answers: Sequence[str]) -> str:
    """The code a tool exports for a yes/no usage answer: a whole number the codebook
    lists (Qualtrics exports numbers), else the first answer LimeSurvey takes as a code."""
    for answer in answers:
        if re.fullmatch(r"\d{1,5}", answer.strip()):
            return answer.strip()
    return next((a.strip() for a in answers if ANSWER_CODE.match(a.strip())), "")


def question_code(names: Sequence[str]) -> str:
    """A question's code in a survey tool: the first of its names that LimeSurvey takes as
    a question code (a letter, then letters and digits, at most 20, not a reserved word),
    else its first name."""
    for name in names:
        if valid_question_code(name):
            return name
    return names[0]


#: LimeSurvey's question codes: a letter, then letters and digits (its Question model),
#: at most 20 (its questions table).
QUESTION_CODE = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,19}$")
#: Words LimeSurvey's Question model refuses as question codes (ExpressionScript's own).
RESERVED_CODES = frozenset({"LANG", "SID", "SAVEDID", "TOKEN", "QID", "GID", "SGQ"})
RESERVED_CODES |= {"self", "that", "this"}
#: LimeSurvey's subquestion codes: letters and digits, at most 20, not "time".
SUBQUESTION_CODE = re.compile(r"^[A-Za-z0-9]{1,20}$")


def valid_question_code(name: str) -> bool:
    return bool(QUESTION_CODE.match(name)) and name not in RESERVED_CODES


def valid_subquestion_code(name: str) -> bool:
    return bool(SUBQUESTION_CODE.match(name)) and name != "time"
