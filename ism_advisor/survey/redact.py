"""Redaction of open comments: what could identify a person is replaced by a marker.

E-mail addresses, URLs (with or without a scheme), IBANs, phone numbers (Dutch and
international), Dutch and UK postcodes, declared terms (the organisation's name, the
segment values) and person names. Names come from packaged lexicons of Dutch and English
first names and surnames (``names/*.txt``) and from rules on capitalisation and context:
a capitalised word after a known first name, after a tussenvoegsel, after a title or
initials, and a capitalised word in a context that only a person fits ("Sanne en ik",
"Aisha from our team", "collega Pieters"). All-caps words (HR, ICT), product names,
weekdays, months and languages are never names.

The reader redacts every comment before anything else sees it (:mod:`.reading.load`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from importlib.resources import files

from ..core.errors import N_
from ..core.i18n import translations

__all__ = ["MARKERS", "Redactor", "redact"]

#: kind -> message id of its marker (translated into the run's language)
MARKERS: dict[str, str] = {
    "name": N_("[name]"),
    "email": N_("[e-mail]"),
    "phone": N_("[phone]"),
    "url": N_("[URL]"),
    "iban": N_("[IBAN]"),
    "postcode": N_("[postcode]"),
    "term": N_("[redacted]"),
}

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_TLD = r"(?:nl|com|org|net|eu|be|uk|io|de|fr|info|local|intra|gov|edu|app)"
_URL = re.compile(
    r"\b(?:(?:https?|ftp)://|www\.)[^\s<>\"]+"
    r"|\b[\w-]+(?:\.[\w-]+)*\." + _TLD + r"\b(?:[/?#][^\s<>\"]*)?",
    re.IGNORECASE,
)
_IBAN = re.compile(
    r"\b[A-Z]{2}\d{2} ?[A-Z]{4}(?: ?\d{2,4}){3,5}\b|\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}\b"
)
_PHONE = re.compile(
    r"(?<![\w+])(?:\+\d{1,3}[\s-]?(?:\(0\)\s?)?|\(0\d{1,3}\)\s?|0)\d(?:[\s-]?\d){5,11}(?![\w])"
)
_POSTCODE = re.compile(
    r"\b[1-9]\d{3} ?(?!MB|GB|KB|TB|AM|PM)[A-Z]{2}\b"
    r"|\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b"
)
_TRAILING = ".,;:!?)]}'\""
_SPACE = re.compile(r"\s+")
_TOKEN = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*|\S")

#: words that join a first name to a surname (Dutch and other tussenvoegsels)
TUSSENVOEGSELS = frozenset(
    [
        "van",
        "de",
        "der",
        "den",
        "ter",
        "ten",
        "te",
        "het",
        "'t",
        "in",
        "op",
        "uit",
        "la",
        "le",
        "du",
        "von",
        "vande",
        "vd",
        "d'",
        "'m",
    ]
)
#: titles and forms of address: the capitalised word after one is a name
TITLES = frozenset(
    [
        "mevrouw",
        "mevr",
        "mw",
        "meneer",
        "mijnheer",
        "dhr",
        "heer",
        "juf",
        "juffrouw",
        "meester",
        "dokter",
        "dr",
        "drs",
        "ir",
        "ing",
        "prof",
        "mr",
        "mrs",
        "ms",
        "miss",
        "sir",
        "madam",
        "dame",
        "lord",
    ]
)
#: words after which a capitalised word is a person ("collega Pieters", "manager Kim")
ROLES = frozenset(
    [
        "collega",
        "collegas",
        "collega's",
        "colleague",
        "colleagues",
        "manager",
        "teamleider",
        "leidinggevende",
        "directeur",
        "baas",
        "boss",
        "supervisor",
        "coach",
        "mentor",
        "buddy",
    ]
)
#: what follows a single first name that only a person fits
_AFTER = (
    ("en", "ik"),
    ("and", "i"),
    ("and", "me"),
    ("from",),
    ("van", "de"),
    ("van", "het"),
    ("van", "ons"),
    ("van", "onze"),
    ("van", "hr"),
    ("van", "ict"),
    ("zei",),
    ("zegt",),
    ("vertelde",),
    ("vindt",),
    ("said",),
    ("says",),
    ("told",),
    ("thinks",),
)
_BEFORE = (
    ("ik", "en"),
    ("me", "and"),
    ("met",),
    ("with",),
    ("aan",),
    ("to",),
    ("ask",),
    ("vraag",),
)
#: capitalised words that are never names, whatever the context
STOP = frozenset(
    [
        "engage",
        "teams",
        "team",
        "yammer",
        "viva",
        "workplace",
        "sharepoint",
        "outlook",
        "office",
        "microsoft",
        "google",
        "chrome",
        "edge",
        "firefox",
        "safari",
        "windows",
        "apple",
        "android",
        "iphone",
        "ipad",
        "slack",
        "whatsapp",
        "linkedin",
        "facebook",
        "instagram",
        "twitter",
        "youtube",
        "zoom",
        "intranet",
        "internet",
        "copilot",
        "chatgpt",
        "excel",
        "word",
        "powerpoint",
        "onedrive",
        "confluence",
        "jira",
        "hr",
        "ict",
        "it",
        "maandag",
        "dinsdag",
        "woensdag",
        "donderdag",
        "vrijdag",
        "zaterdag",
        "zondag",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
        "january",
        "february",
        "march",
        "may",
        "june",
        "july",
        "august",
        "october",
        "nederlands",
        "engels",
        "dutch",
        "english",
        "nederland",
        "holland",
        "europe",
        "europa",
        "amsterdam",
        "rotterdam",
        "utrecht",
        "london",
        "kerst",
        "christmas",
        "pasen",
        "easter",
        "covid",
        "corona",
        "ik",
        "i",
        "we",
        "wij",
        "je",
        "jij",
        "u",
        "het",
        "de",
        "een",
        "the",
        "a",
        "an",
        "dit",
        "dat",
        "deze",
        "die",
        "this",
        "that",
        "these",
        "those",
        "hij",
        "zij",
        "ze",
        "he",
        "she",
        "they",
        "it",
        "mijn",
        "my",
        "onze",
        "our",
        "nobody",
        "anything",
        "everything",
        "something",
        "nothing",
        "iets",
        "niets",
        "alles",
        "posts",
        "messages",
        "berichten",
        "everybody",
        "everyone",
        "someone",
        "somebody",
        "anyone",
        "anybody",
        "niemand",
        "iedereen",
        "iemand",
        "who",
        "what",
        "which",
        "wie",
        "wat",
        "welke",
        "people",
        "mensen",
        "management",
        "directie",
        "afdeling",
        "department",
        "sales",
        "inkoop",
        "verkoop",
        "finance",
        "marketing",
    ]
)
#: words before a capitalised word that make it a group's name ("Team Inkoop Noord")
_ORG = frozenset(
    [
        "team",
        "afdeling",
        "department",
        "dept",
        "locatie",
        "vestiging",
        "regio",
        "region",
        "project",
        "programma",
        "programme",
        "site",
    ]
)
#: first names that are ordinary words at the start of a sentence
AMBIGUOUS = frozenset(
    [
        "ben",
        "floor",
        "lies",
        "max",
        "will",
        "mark",
        "bill",
        "rose",
        "grace",
        "frank",
        "hope",
        "joy",
        "sam",
        "kim",
    ]
)


@cache
def _lexicon(name: str) -> frozenset[str]:
    text = (files("ism_advisor.survey") / "names" / name).read_text(encoding="utf-8")
    return frozenset(w.strip().casefold() for w in text.splitlines() if w.strip())


@cache
def _names() -> tuple[frozenset[str], frozenset[str]]:
    first = _lexicon("first-nl.txt") | _lexicon("first-en.txt")
    sur = _lexicon("surnames-nl.txt") | _lexicon("surnames-en.txt")
    return first - STOP, sur - STOP


def _is_cap(word: str) -> bool:
    return (
        word[:1].isupper()
        and (len(word) == 1 or not word.isupper())
        and word[:1].isalpha()
        and _base(word).casefold() not in STOP
    )


def _base(word: str) -> str:
    for tail in ("'s", "’s"):
        if word.endswith(tail):
            return word[: -len(tail)]
    return word


class Redactor:
    """Redacts comments in the run's language ``lang``; ``terms`` are declared terms."""

    def __init__(self, lang: str = "en", terms: Sequence[str] = ()) -> None:
        gettext = translations(lang).gettext
        self.markers = {kind: gettext(message) for kind, message in MARKERS.items()}
        words = sorted({t.strip() for t in terms if t and t.strip()}, key=lambda t: (-len(t), t))
        self._terms = (
            re.compile(
                r"(?<!\w)(?:" + "|".join(re.escape(t) for t in words) + r")(?!\w)", re.IGNORECASE
            )
            if words
            else None
        )
        self._first, self._sur = _names()

    def __call__(self, text: str) -> str:
        """The redacted text, whitespace normalised ("" when nothing is left)."""
        text = _SPACE.sub(" ", text).strip()
        if not text:
            return ""
        m = self.markers
        text = _EMAIL.sub(m["email"], text)
        text = _URL.sub(self._url, text)
        text = _IBAN.sub(m["iban"], text)
        text = _PHONE.sub(self._phone, text)
        text = _POSTCODE.sub(m["postcode"], text)
        if self._terms is not None:
            text = self._terms.sub(m["term"], text)
        return self._redact_names(text)

    def _url(self, match: re.Match[str]) -> str:
        url = match.group(0)
        kept = url.rstrip(_TRAILING)
        return self.markers["url"] + url[len(kept) :]

    def _phone(self, match: re.Match[str]) -> str:
        number = match.group(0)
        digits = sum(ch.isdigit() for ch in number)
        international = number.startswith("+")
        if (international and 9 <= digits <= 15) or (not international and digits == 10):
            return self.markers["phone"]
        return number

    def _redact_names(self, text: str) -> str:
        tokens = [(t.start(), t.end(), t.group(0)) for t in _TOKEN.finditer(text)]
        words = [w for _, _, w in tokens]
        folded = [_base(w).casefold() for w in words]
        spans: list[tuple[int, int]] = []
        i = 0
        n = len(tokens)
        while i < n:
            start, end = self._name_at(i, words, folded)
            if end > start:
                spans.append((tokens[start][0], tokens[end - 1][1]))
                i = end
            else:
                i += 1
        if not spans:
            return text
        out: list[str] = []
        last = 0
        for start, stop in spans:
            out.append(text[last:start])
            tail = text[start:stop]
            out.append(self.markers["name"] + ("'s" if _base(tail) != tail else ""))
            last = stop
        out.append(text[last:])
        return "".join(out)

    def _initials(self, i: int, words: list[str]) -> int:
        """The index after initials starting at ``i`` ("J.", "J.P.", "J. P."), else ``i``."""
        j = i
        while (
            j + 1 < len(words) and len(words[j]) == 1 and words[j].isupper() and words[j + 1] == "."
        ):
            j += 2
        return j

    def _chain(self, j: int, words: list[str], folded: list[str]) -> int:
        """Extend a name from index ``j``: initials, tussenvoegsels + a capitalised word,
        further capitalised words."""
        n = len(words)
        while j < n:
            k = self._initials(j, words)
            t = k
            while t < n and folded[t] in TUSSENVOEGSELS:
                t += 1
            if t < n and _is_cap(words[t]) and (t > k or k > j or words[t][:1].isupper()):
                if t == k and k == j and not _is_cap(words[j]):
                    break
                j = t + 1
                continue
            break
        return j

    def _name_at(self, i: int, words: list[str], folded: list[str]) -> tuple[int, int]:
        """The name's token span starting at or just after ``i`` (start == end: none)."""
        end = self._name_end(i, words, folded)
        if isinstance(end, tuple):
            return end
        return i, end

    def _name_end(self, i: int, words: list[str], folded: list[str]) -> int | tuple[int, int]:
        word = words[i]
        n = len(words)
        initial = i == 0 or words[i - 1] in {".", "!", "?", '"', "(", ":", ";"}
        # initials: "J. de Boer", "J.P. Jansen"
        k = self._initials(i, words)
        if k > i:
            t = k
            while t < n and folded[t] in TUSSENVOEGSELS:
                t += 1
            if t < n and _is_cap(words[t]):
                return self._chain(t + 1, words, folded)
            return i
        if not _is_cap(word):
            # titles and roles, lower case: "mevrouw Bakker", "collega Pieters"
            if folded[i] in TITLES or folded[i] in ROLES:
                j = i + 1 + (i + 1 < n and words[i + 1] == ".")
                t = j
                while t < n and folded[t] in TUSSENVOEGSELS:
                    t += 1
                if t < n and _is_cap(words[t]):
                    return t, self._chain(t + 1, words, folded)
            return i
        f = folded[i]
        if f in TITLES:
            j = i + 1 + (i + 1 < n and words[i + 1] == ".")
            t = j
            while t < n and folded[t] in TUSSENVOEGSELS:
                t += 1
            if t < n and _is_cap(words[t]):
                return t, self._chain(t + 1, words, folded)
            return i
        chained = self._chain(i + 1, words, folded)
        if initial and f not in self._first and chained > i + 1 and not self._context(i, folded):
            # "Since Emily Smith left": the sentence's first word is not part of the name
            return i
        if f in self._first:
            if f in AMBIGUOUS and initial and chained == i + 1 and not self._context(i, folded):
                return i
            return chained
        if chained > i + 1:
            # a capitalised word, tussenvoegsel, capitalised word (not at the start of a
            # sentence); or a capitalised word before a known surname
            org = i > 0 and folded[i - 1] in _ORG
            if (not initial and not org) or folded[chained - 1] in self._sur:
                return chained
        if f in self._sur and not initial:
            return chained
        if self._context(i, folded):
            return chained
        return i

    def _context(self, i: int, folded: list[str]) -> bool:
        after = tuple(folded[i + 1 : i + 3])
        before = tuple(folded[max(0, i - 2) : i])
        return any(after[: len(a)] == a for a in _AFTER) or any(
            before[-len(b) :] == b for b in _BEFORE
        )


def redact(text: str, lang: str = "en", terms: Sequence[str] = ()) -> str:
    """One comment redacted (see :class:`Redactor`)."""
    return Redactor(lang, terms)(text)
