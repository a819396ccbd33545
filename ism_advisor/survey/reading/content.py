"""Personal data and free text recognised by what a column holds, not only by its name.

:mod:`.roles` knows the columns the survey tools name (``RecipientEmail``, ``IP Address``,
``Naam``); a column a consultant or a questionnaire named otherwise (``Work e-mail``,
``Phone number``, an open question "Afdeling?") is judged here by its answers. Two uses:

* :func:`closed_set` decides whether a column's answers may name segments: a segment's
  name is printed in every report (also when the segment is hidden), so only a **closed
  set** of answers may: no answer holds an e-mail address, a phone number, an IBAN, a web
  or IP address; no answer given by fewer than :data:`SHARED` respondents holds a
  person's name or is longer than :data:`MAX_WORDS` words or :data:`MAX_CHARS` characters
  (free text: a typed sentence is one respondent's; "Afdeling Klantcontact en
  Dienstverlening Regio Noord-Oost", shared by a department, is its name); and at most
  :data:`SINGLE_SHARE` of the answered cells hold an answer no other respondent gave
  (free text: typed answers are mostly unique; a team or department is shared). There is
  no cap on the number of distinct answers: 5,000 teams are a closed set when most are
  shared.
* :func:`quotable` decides whether a message may quote a cell: only a short answer without
  any of those patterns that is a single word or is given by more than one respondent;
  otherwise a message names the row and the column only.

The patterns, and what they deliberately leave alone:

* e-mail: ``name@domain.tld``;
* phone: a run starting with ``+``, ``00`` or ``0`` of 9 to 15 digits, spaces, dashes,
  dots, slashes or brackets between them (``06-12345678``, ``+31 6 1234 5678``,
  ``(020) 123 4567``, ``+44 20 7946 0958``, ``06-12-34-56-78``); a date is no phone
  number (``01-03-2026 09:14``, ``2026-03-02``), and ``Team 12`` has two digits;
* IBAN: two capital letters, two check digits, then 11 to 30 letters or digits (in groups
  of four or not) of which at least eight are digits (``NL91 ABNA 0417 1643 00``);
* web or IP address: ``http(s)://``, ``www.`` or four dot-separated numbers up to 255;
* person name: a capitalised word, one or more lowercase Dutch or German name particles
  (``van``, ``de``, ``van der``, ``ter``, ``'t``, ``von`` …), a capitalised word
  (``Jan de Vries``); initials before a surname (``J. de Vries``, ``J.P. Jansen``); or
  ``Vries, Jan de``. A two-word name without a particle (``Zwaantje Plantinga``) cannot
  be told from ``Gemeente Rivierstad`` by its shape; typed names are unique, so the
  one-respondent rule refuses a column of them. A particle pattern shared by at least
  :data:`SHARED` respondents (``Ministerie van Financiën``) is a group's name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ...core.errors import N_, Message

__all__ = [
    "MAX_CHARS",
    "MAX_WORDS",
    "SHARED",
    "SINGLE_SHARE",
    "Verdict",
    "closed_set",
    "personal_kind",
    "quotable",
]

#: the longest answer (in words, in characters) of a closed set
MAX_WORDS = 5
MAX_CHARS = 50
#: the largest share of answered cells whose answer no other respondent gave
SINGLE_SHARE = 0.5
#: an answer given by at least this many respondents is a group's name (a long department
#: name, ``Ministerie van Financiën``), not one person's words or name
SHARED = 3
#: the longest answer a message quotes (in words, in characters)
_QUOTED_WORDS = 3
_QUOTED_CHARS = 30

_EMAIL = re.compile(r"[^\s@<>()\[\],;:\"']+@[^\s@<>()\[\],;:\"']+\.[A-Za-z]{2,}")
_DATE = re.compile(r"\b(?:\d{1,2}[-/.]\d{1,2}[-/.]\d{4}|\d{4}[-/.]\d{1,2}[-/.]\d{1,2})\b")
_PHONE_RUN = re.compile(r"(?<![\w+])(?:\+|0)[\d\s\-./()]{7,}\d")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]){11,30}\b")
_WEB = re.compile(
    r"(?i:https?://|\bwww\.)|(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}"
    r"(?:25[0-5]|2[0-4]\d|1?\d?\d)(?![\d.])"
)
_PARTICLE = r"(?:van|de|der|den|het|ten|ter|te|'t|von|vom|zu|van't)"
_PARTICLE_WORDS = frozenset(
    {"van", "de", "der", "den", "het", "ten", "ter", "te", "'t", "von", "vom", "zu", "van't"}
)
_WORD = r"[A-ZÀ-Þ][a-zß-ÿ'’-]+"
_NAMES = (
    re.compile(rf"\b{_WORD}(?:\s+{_PARTICLE})+\s+[A-ZÀ-Þ][A-Za-zÀ-ÿ'’-]+"),
    re.compile(rf"(?<![\w.])(?:[A-Z]\.\s?)+(?:{_PARTICLE}\s+)*{_WORD}"),
    re.compile(rf"\b{_WORD},\s+{_WORD}(?:\s+{_PARTICLE})+\s*$"),
)

EMAIL = N_("e-mail addresses")
PHONE = N_("phone numbers")
IBAN = N_("bank account numbers (IBAN)")
WEB = N_("web or IP addresses")
NAMES = N_("person names")
LONG = N_("free text (answers of more than {words} words or {chars} characters)")
UNIQUE = N_("free text (most answers are given by one respondent only)")


def _phone(text: str) -> bool:
    text = _DATE.sub(" ", text)  # 01-03-2026 09:14 has ten digits after a 0
    for found in _PHONE_RUN.finditer(text):
        digits = sum(c.isdigit() for c in found.group())
        if 9 <= digits <= 15:
            return True
    return False


def _iban(text: str) -> bool:
    for found in _IBAN.finditer(text.upper()):
        if sum(c.isdigit() for c in found.group()) >= 8:
            return True
    return False


def personal_kind(value: str) -> str | None:
    """What kind of personal data ``value`` holds by its pattern (a message id), or None.

    A name pattern counts here; :func:`closed_set` lets one pass when it is shared.
    """
    text = str(value)
    # each pattern is tried only where the characters it needs are (a survey column may
    # hold 100,000 distinct answers)
    if "@" in text and _EMAIL.search(text):
        return EMAIL
    digits = any(c.isdigit() for c in text)
    if digits and _iban(text):
        return IBAN
    if ("." in text or "/" in text) and _WEB.search(text):
        return WEB
    if digits and _phone(text):
        return PHONE
    particle = not _PARTICLE_WORDS.isdisjoint(text.replace("'t", " 't").split())
    if particle and _NAMES[0].search(text):
        return NAMES
    if "." in text and _NAMES[1].search(text):
        return NAMES
    if "," in text and particle and _NAMES[2].search(text):
        return NAMES
    return None


def _long(text: str) -> bool:
    return len(text) > MAX_CHARS or len(text.split()) > MAX_WORDS


def quotable(value: object, count: int = 1) -> bool:
    """Whether a message may quote ``value`` (given by ``count`` respondents)."""
    text = str(value).strip()
    words = len(text.split())
    if len(text) > _QUOTED_CHARS or words > _QUOTED_WORDS or personal_kind(text):
        return False
    return words <= 1 or count > 1


@dataclass(frozen=True)
class Verdict:
    """Why a column's answers are no closed set: what they hold, and a data row that
    shows it (0-based, in the frame read)."""

    kind: str
    row: int

    def what(self) -> Message:
        return Message(self.kind, {"words": MAX_WORDS, "chars": MAX_CHARS})


def closed_set(values: list[str], codes: np.ndarray) -> Verdict | None:
    """None when the distinct ``values`` (each row's index in ``codes``, -1 for a blank
    cell) form a closed set that may name segments; else why not. Blank values count as
    blank cells."""
    codes = np.asarray(codes, dtype=np.int64)
    counts = np.bincount(codes[codes >= 0], minlength=len(values))
    answered = [i for i, v in enumerate(values) if str(v).strip() and counts[i]]

    def first_row(indices: list[int]) -> int:
        return int(np.flatnonzero(np.isin(codes, indices))[0])

    kinds = {i: personal_kind(values[i]) for i in answered}
    for kind in (EMAIL, IBAN, WEB, PHONE):
        hits = [i for i in answered if kinds[i] == kind]
        if hits:
            return Verdict(kind, first_row(hits))
    names = [i for i in answered if counts[i] < SHARED and kinds[i] == NAMES]
    if names:
        return Verdict(NAMES, first_row(names))
    long = [i for i in answered if counts[i] < SHARED and _long(str(values[i]).strip())]
    if long:
        return Verdict(LONG, first_row(long))
    cells = int(sum(counts[i] for i in answered))
    single = [i for i in answered if counts[i] == 1]
    if cells and len(single) > SINGLE_SHARE * cells:
        return Verdict(UNIQUE, first_row(single))
    return None
