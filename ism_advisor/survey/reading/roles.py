"""Which columns of an export are not questions: metadata, personal data, free text.

Survey tools add columns about the response (dates, status, language) and about the
person (name, e-mail address, IP address, location, recipient fields, custom data).
Personal data and free-text answers must never reach an output, a log or a message: such
columns cannot feed an item, the usage question or a segment, and their values are never
shown. The names are those the tools document, in English and in their Dutch interfaces,
compared as :func:`~ism_advisor.core.textnorm.text_key` compares. A column named otherwise is
judged by what it holds when it is to name segments (:mod:`.content`).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ...core.textnorm import text_key
from .answers import map_distinct
from .model import Column, Role

__all__ = [
    "code",
    "free_text_name",
    "incomplete_rule",
    "limesurvey_status",
    "qualtrics_status",
    "role_of",
]

_PERSONAL = {
    # Qualtrics
    "ipaddress",
    "recipientlastname",
    "recipientfirstname",
    "recipientemail",
    "externalreference",
    "externaldatareference",
    "locationlatitude",
    "locationlongitude",
    "participantname",
    "participantemail",
    # LimeSurvey (codes, and its English and Dutch headings)
    "ipaddr",
    "refurl",
    "token",
    "firstname",
    "lastname",
    "email",
    "emailaddress",
    "referrerurl",
    "accesscode",
    "toegangscode",
    "voornaam",
    "achternaam",
    "emailadres",
    "ipadres",
    "verwijzendeurl",
    # SurveyMonkey, Microsoft Forms, Google Forms
    "name",
    "naam",
    "mail",
    "phone",
    "telefoon",
    "telefoonnummer",
}
_PERSONAL_PREFIXES = ("customdata", "attribute", "recipient")
_METADATA = {
    # Qualtrics
    "startdate",
    "enddate",
    "status",
    "progress",
    "durationinseconds",
    "finished",
    "recordeddate",
    "responseid",
    "distributionchannel",
    "userlanguage",
    "responsetype",
    # LimeSurvey
    "id",
    "submitdate",
    "lastpage",
    "startlanguage",
    "seed",
    "datestamp",
    "datesubmitted",
    "datestarted",
    "datelastaction",
    "antwoordid",
    "datumverstuurd",
    "laatstepagina",
    "starttaal",
    "datumgestart",
    "datumlaatsteactie",
    # SurveyMonkey
    "respondentid",
    "collectorid",
    # Microsoft Forms
    "starttime",
    "completiontime",
    "lastmodifiedtime",
    "begintijd",
    "tijdvanvoltooien",
    "tijdstipvanlaatstewijziging",
    # Google Forms
    "timestamp",
    "tijdstempel",
}
_FREE_TEXT_NAME = re.compile(r"(_TEXT|\[(other|comment|anders|opmerking)\])$", re.IGNORECASE)


def role_of(name: str, text: str = "") -> Role:
    """The role of a column by its name (and question text), as the tools name them."""
    key = text_key(name)
    if key in _PERSONAL or key.startswith(_PERSONAL_PREFIXES):
        return "personal"
    if key in _METADATA:
        return "metadata"
    text_name = text_key(text)
    if text_name in _PERSONAL or text_name.startswith(_PERSONAL_PREFIXES):
        return "personal"
    if text_name in _METADATA:
        return "metadata"
    return "question"


def free_text_name(name: str) -> bool:
    """Qualtrics' ``Q5_6_TEXT`` and LimeSurvey's ``Q5[other]``, ``Q5[comment]``."""
    return bool(_FREE_TEXT_NAME.search(name.strip()))


def code(value: object) -> str:
    """A status cell as a key: ``1.0`` and ``"1"`` both give ``"1"``; texts their key."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, np.integer, np.floating)):
        number = float(value)
        return str(int(number)) if number.is_integer() else str(number)
    text = str(value).strip()
    try:
        number = float(text)
    except ValueError:
        return text_key(text)
    return str(int(number)) if number.is_integer() else text_key(text)


# Qualtrics' Status: 0 IP Address and 4 Imported and 16 Offline are responses; the others
# are previews, tests and spam (as numbers, or as their text in a choice-text export).
_NOT_REAL = {
    "1",
    "2",
    "8",
    "9",
    "12",
    "17",
    "surveypreview",
    "surveytest",
    "spam",
    "surveypreviewspam",
    "previewspam",
    "importedspam",
    "offlinesurveypreview",
}
_UNFINISHED = {"0", "false", "onwaar"}


def qualtrics_status(status: int | None, finished: int | None):
    """The status rule of a Qualtrics export: ``Status`` marks previews, ``Finished``
    incomplete responses."""

    def rule(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        n = len(frame)
        not_real = np.zeros(n, dtype=bool)
        incomplete = np.zeros(n, dtype=bool)
        if status is not None:
            not_real = map_distinct(frame[status], code, "").isin(_NOT_REAL).to_numpy()
        if finished is not None:
            incomplete = map_distinct(frame[finished], code, "").isin(_UNFINISHED).to_numpy()
        return not_real, incomplete

    return rule


def limesurvey_status(submitted: int):
    """LimeSurvey: a response without a submit date is incomplete."""

    def rule(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        empty = map_distinct(frame[submitted], code, "") == ""
        return np.zeros(len(frame), dtype=bool), empty.to_numpy()

    return rule


def incomplete_rule(columns: tuple[Column, ...]):
    """(status columns, rule) for an export whose layout has no rule of its own (an SPSS
    file or a sheet from Qualtrics or LimeSurvey): recognised by the columns' names."""
    keys = {text_key(c.name): c.position for c in columns}
    if "status" in keys and "finished" in keys:
        return (keys["status"], keys["finished"]), qualtrics_status(
            keys["status"], keys["finished"]
        )
    for name in ("submitdate", "datesubmitted", "datumverstuurd"):
        if name in keys:
            return (keys[name],), limesurvey_status(keys[name])
    return (), None
