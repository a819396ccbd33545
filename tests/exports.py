"""Survey tool exports built from one set of answers, as each tool lays them out.

The layouts follow the tools' documentation (see ``ism_advisor/survey/reading/formats``); the
people are made up. Every export carries, besides the codebook's questions: previews and
incomplete responses where the tool marks them, "don't know" answers, blanks, an
unrelated question block, a free-text question and the tool's personal-data columns —
all holding :data:`PLANTED` values that must never appear in any output.

:func:`tidy` writes the same answers as a plain item-level CSV, the reference every
export must give the same figures as.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from ism_advisor.survey.codebook import load_codebook
from ism_advisor.survey.scales import BUILTIN_SCALES

CODEBOOK = load_codebook()
FACTORS = CODEBOOK.factors
ITEMS = [(factor, item) for factor in FACTORS for item in factor.items]

#: Recognisable personal data and free text, planted in every such column.
PLANTED = {
    "first_name": "Zwaantje",
    "last_name": "Plantinga",
    "name": "Zwaantje Plantinga",
    "email": "zwaantje.plantinga@example.org",
    "ip": "198.51.100.231",
    "latitude": "52.0931337",
    "longitude": "5.1181337",
    "reference": "EXT-PLANTED-4417",
    "token": "tokPLANTED93",
    "url": "https://intranet.example.org/planted-referrer",
    "custom": "kostenplaats PLANTED-K77",
    "comment": "Mijn leidinggevende Zwaantje leest mee PLANTED-COMMENT",
    "other": "PLANTED-OTHER afdeling Zolder",
}


def _comment(person) -> str:
    """What ``person`` typed into the open question: their own words."""
    return f"{PLANTED['comment']} {person.number}"


#: What a search of every output looks for.
PLANTED_MARKERS = (
    "Zwaantje",
    "Plantinga",
    "example.org",
    "198.51.100",
    "0931337",
    "1181337",
    "PLANTED",
    "tokPLANTED",
    "K77",
    "Zolder",
)

DEPARTMENTS = {"nl": ("Verkoop", "Financiën", "ICT"), "en": ("Sales", "Finance", "IT")}

_FIRST = ("Jan", "Anouk", "Pieter", "Fatima", "Sem", "Eva", "Mohamed", "Lotte")
_LAST = ("Vries", "Berg", "Dijk", "Brink", "Heuvel", "Wal", "Veen", "Bosch", "Meer", "Hoek")
_PARTICLES = ("de", "van den", "van", "ter")
_PLAIN_LAST = ("Bakker", "Visser", "Smit", "Mulder", "Bos", "Kok", "Dekker", "Jansen", "Peters")


def _phone(n: int) -> str:
    number = 23450000 + 7 * n
    return (f"06-{number}", f"+31 6 {number}", f"(020) {5550000 + n}")[n % 3]


def _person(n: int) -> str:
    return f"{_FIRST[n % 8]} {_PARTICLES[n % 4]} {_LAST[n // 8 % 10]}"


#: What respondents type into an open segment question ("Op welke afdeling werkt u?"), by
#: what it holds: respondent ``n`` types ``TYPED[kind](n)``. None may reach any output.
TYPED = {
    "email": lambda n: (
        f"{_FIRST[n % 8].lower()}.{_LAST[n // 8 % 10].lower()}@rivierstad-planted.nl"
    ),
    "phone": _phone,
    "iban": lambda n: f"NL{n % 89 + 10:02d} ABNA 0{n:03d} 1643 00",
    "name": _person,
    "contact": lambda n: f"{_person(n)}, {_phone(n)}",
    "sentence": lambda n: (
        f"Ik werk al {n + 1} maanden hier en zit op de derde verdieping bij het raam"
    ),
    "unique": lambda n: f"{_FIRST[n % 8]} {_PLAIN_LAST[n // 8 % 9]}",
}
#: The reason each kind is refused as a segment, as the message says it
TYPED_REASON = {
    "email": "e-mail addresses",
    "phone": "phone numbers",
    "iban": "bank account numbers (IBAN)",
    "name": "person names",
    "contact": "phone numbers",
    "sentence": "free text (answers of more than 5 words or 50 characters)",
    "unique": "free text (most answers are given by one respondent only)",
}


def typed_markers(kind: str, count: int = 90) -> tuple[str, ...]:
    """What a search of every output looks for: each typed answer, and their parts."""
    values = {TYPED[kind](n) for n in range(count)}
    parts = {"rivierstad-planted", "ABNA", "verdieping"}
    return tuple(sorted(values | parts))


def typed_group(group: People) -> People:
    """``group`` with each person's department their own number (an index into TYPED)."""
    return People(tuple(replace(p, department=p.number) for p in group.rows), group.extra)


YES_NO = {"nl": ("Ja", "Nee"), "en": ("Yes", "No")}
DONT_KNOW = {"nl": "Weet niet", "en": "Don't know"}
#: the texts a questionnaire would show (English as Qualtrics' default 5-point scale)
SCALE = {
    "nl": BUILTIN_SCALES[5].texts("nl"),
    "en": (
        "Strongly disagree",
        "Somewhat disagree",
        "Neither agree nor disagree",
        "Somewhat agree",
        "Strongly agree",
    ),
}
MATRIX = {
    "nl": "In hoeverre bent u het eens met de volgende stellingen?",
    "en": "To what extent do you agree with the following statements?",
}
TENURE = {
    "nl": (
        "Hoe lang werkt u al bij deze organisatie?",
        ("Korter dan een jaar", "1-5 jaar", "Langer dan 5 jaar"),
    ),
    "en": (
        "How long have you worked for this organisation?",
        ("Less than a year", "1-5 years", "More than 5 years"),
    ),
}
COMMENT = {
    "nl": "Wat wilt u ons verder nog laten weten?",
    "en": "Is there anything else you would like to tell us?",
}
USAGE = CODEBOOK.usage.text
DEPARTMENT = CODEBOOK.segment("department").text
#: A questionnaire in its own words (the README's walkthrough): close to the codebook's
#: wording for most, far from it for ee4.
OWN_WORDING = {
    "usage": "Maakt u gebruik van het interne sociale platform?",
    "department": "Bij welke afdeling werkt u?",
    "pe2": "Via het platform vind ik de kennis en expertise van collega's sneller.",
    "pe3": "Door het platform ben ik productiever.",
    "rep2": "Als ik kennis deel op het platform, krijg ik respect van mijn collega's.",
    "man2": "Het hoger management plaatst zelf berichten en reageert op het platform.",
    "ee4": (
        "Tijdens mijn werk kom ik zelden achter een computer of telefoon om het platform te"
        " gebruiken."
    ),
}


@dataclass(frozen=True)
class Person:
    """One row of an export."""

    user: bool | None
    department: int
    tenure: int
    answers: dict[str, object]  # item id → 1..5, None (blank) or "dk"
    kind: str = "complete"  # complete, incomplete, preview
    number: int = 0

    def answer(self, item: str) -> object:
        return self.answers.get(item)


@dataclass(frozen=True)
class People:
    rows: tuple[Person, ...]
    extra: dict = field(default_factory=dict)

    def kept(self, include_incomplete: bool = False) -> list[Person]:
        keep = {"complete", "incomplete"} if include_incomplete else {"complete"}
        return [p for p in self.rows if p.kind in keep]


def people(seed: int = 11, n: int = 64, codebook=CODEBOOK) -> People:
    """``n`` complete responses (two without a usage answer), and two previews and three
    incomplete responses among them, which the tools that do not mark them leave out.
    The answers are to the items of ``codebook`` (default: the packaged one)."""
    rng = np.random.default_rng(seed)
    rows: list[Person] = []
    factors = codebook.factors
    better = {f.id: (0.6 if f.higher_is_better else -0.5) for f in factors}
    better["privacy_concern"] = 0.0
    specials = {7: "preview", 30: "preview", 12: "incomplete", 41: "incomplete", 55: "incomplete"}
    for number in range(n + len(specials)):
        kind = specials.get(number, "complete")
        user = bool(rng.random() < 0.42)
        if number in (3, 48):
            user = None  # the usage question left blank
        answers: dict[str, object] = {}
        for factor in factors:
            centre = 3.0 + (better[factor.id] if user else 0.0)
            for item in factor.items:
                value = centre + rng.normal(0, 0.9)
                if item.reverse:
                    value = 6 - value
                value = int(np.clip(np.rint(value), 1, 5))
                draw = rng.random()
                answers[item.id] = None if draw < 0.03 else "dk" if draw < 0.06 else value
        if kind == "incomplete":  # stopped after the second block
            for factor in factors[2:]:
                for item in factor.items:
                    answers[item.id] = None
        rows.append(
            Person(user, int(rng.integers(0, 3)), int(rng.integers(0, 3)), answers, kind, number)
        )
    return People(tuple(rows))


# -- the reference --------------------------------------------------------------------------


def tidy(
    path: Path,
    group: People,
    *,
    include_incomplete: bool = False,
    departments: tuple[str, ...] = DEPARTMENTS["nl"],
    codebook=CODEBOOK,
    segment: str = "department",
) -> Path:
    """The same answers as a plain item-level CSV (don't know as 9), with the columns of
    ``codebook`` (default: the packaged one) and the department in column ``segment``."""
    items = [item for factor in codebook.factors for item in factor.items]
    header = [codebook.usage.column, segment, *(item.id for item in items)]
    rows = []
    for person in group.kept(include_incomplete):
        row = ["" if person.user is None else ("ja" if person.user else "nee")]
        row.append(departments[person.department])
        for item in items:
            value = person.answer(item.id)
            row.append("" if value is None else "9" if value == "dk" else str(value))
        rows.append(row)
    return _write_csv(path, [header, *rows])


def _write_csv(
    path: Path,
    records: list[list[str]],
    *,
    delimiter: str = ",",
    quoting: int = csv.QUOTE_MINIMAL,
    encoding: str = "utf-8",
) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, quoting=quoting, lineterminator="\r\n")
    writer.writerows(records)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def _text(person: Person, item: str, lang: str) -> str:
    value = person.answer(item)
    if value is None:
        return ""
    if value == "dk":
        return DONT_KNOW[lang]
    return SCALE[lang][int(value) - 1]


def _number(person: Person, item: str, dont_know: str = "9") -> str:
    value = person.answer(item)
    return "" if value is None else dont_know if value == "dk" else str(value)


def _usage(person: Person, lang: str, numeric: bool) -> str:
    if person.user is None:
        return ""
    if numeric:
        return "1" if person.user else "0"
    return YES_NO[lang][0 if person.user else 1]


# -- Qualtrics ------------------------------------------------------------------------------

_QUALTRICS_META = [
    ("StartDate", "Start Date", '{"ImportId":"startDate","timeZone":"Europe/Amsterdam"}'),
    ("EndDate", "End Date", '{"ImportId":"endDate","timeZone":"Europe/Amsterdam"}'),
    ("Status", "Response Type", '{"ImportId":"status"}'),
    ("IPAddress", "IP Address", '{"ImportId":"ipAddress"}'),
    ("Progress", "Progress", '{"ImportId":"progress"}'),
    ("Duration (in seconds)", "Duration (in seconds)", '{"ImportId":"duration"}'),
    ("Finished", "Finished", '{"ImportId":"finished"}'),
    ("RecordedDate", "Recorded Date", '{"ImportId":"recordedDate","timeZone":"Europe/Amsterdam"}'),
    ("ResponseId", "Response ID", '{"ImportId":"_recordId"}'),
    ("RecipientLastName", "Recipient Last Name", '{"ImportId":"recipientLastName"}'),
    ("RecipientFirstName", "Recipient First Name", '{"ImportId":"recipientFirstName"}'),
    ("RecipientEmail", "Recipient Email", '{"ImportId":"recipientEmail"}'),
    ("ExternalReference", "External Data Reference", '{"ImportId":"externalDataReference"}'),
    ("LocationLatitude", "Location Latitude", '{"ImportId":"locationLatitude"}'),
    ("LocationLongitude", "Location Longitude", '{"ImportId":"locationLongitude"}'),
    ("DistributionChannel", "Distribution Channel", '{"ImportId":"distributionChannel"}'),
    ("UserLanguage", "User Language", '{"ImportId":"userLanguage"}'),
]


def qualtrics_records(
    group: People, *, lang: str, numeric: bool, wording: dict[str, str] | None = None
) -> list[list[str]]:
    """A Qualtrics export: three header rows, then one row per response."""
    wording = wording or {}
    ids = [m[0] for m in _QUALTRICS_META]
    texts = [m[1] for m in _QUALTRICS_META]
    imports = [m[2] for m in _QUALTRICS_META]

    def add(column: str, text: str, qid: str) -> None:
        ids.append(column)
        texts.append(text)
        imports.append(f'{{"ImportId":"{qid}"}}')

    add("Q1", wording.get("usage", USAGE[lang]), "QID1")
    add("Q2", wording.get("department", DEPARTMENT[lang]), "QID2")
    for block, factor in enumerate(FACTORS, start=3):
        for row, item in enumerate(factor.items, start=1):
            statement = wording.get(item.id, item.text[lang])
            add(f"Q{block}_{row}", f"{MATRIX[lang]} - {statement}", f"QID{block}_{row}")
    tenure_q, tenure_a = TENURE[lang]
    add("Q10", tenure_q, "QID10")
    add("Q10_4_TEXT", f"{tenure_q} - Anders, namelijk - Text", "QID10_4_TEXT")
    add("Q11", COMMENT[lang], "QID11_TEXT")
    records = [ids, texts, imports]
    for person in group.rows:
        preview = person.kind == "preview"
        finished = person.kind != "incomplete"
        if numeric:
            status, done = ("1" if preview else "0"), ("1" if finished else "0")
        else:
            status = "Survey Preview" if preview else "IP Address"
            done = "True" if finished else "False"
        row = [
            "2026-03-02 09:14:05",
            "2026-03-02 09:21:40",
            status,
            PLANTED["ip"],
            "100" if finished else "38",
            "455",
            done,
            "2026-03-02 09:21:41",
            f"R_{person.number:04d}PLANTEDx",
            PLANTED["last_name"],
            PLANTED["first_name"],
            PLANTED["email"],
            PLANTED["reference"],
            PLANTED["latitude"],
            PLANTED["longitude"],
            "email" if person.number % 2 else "anonymous",
            lang.upper(),
            _usage(person, lang, numeric),
            str(person.department + 1) if numeric else DEPARTMENTS[lang][person.department],
        ]
        for _, item in ITEMS:
            row.append(_number(person, item.id) if numeric else _text(person, item.id, lang))
        row.append(str(person.tenure + 1) if numeric else tenure_a[person.tenure])
        row.append(PLANTED["other"] if person.tenure == 2 else "")
        row.append(_comment(person))
        records.append(row)
    return records


_LEGACY_META = [
    "ResponseID",
    "ResponseSet",
    "Name",
    "ExternalDataReference",
    "EmailAddress",
    "IPAddress",
    "Status",
    "StartDate",
    "EndDate",
    "Finished",
]


def qualtrics_legacy(records: list[list[str]]) -> list[list[str]]:
    """The same export in Qualtrics' legacy layout: ``V1…V10`` over the metadata, their
    names and the question texts in the second row, no import ids."""
    first = len(_QUALTRICS_META)
    rows = [
        [f"V{i}" for i in range(1, 11)] + records[0][first:],
        _LEGACY_META + records[1][first:],
    ]
    name = f"{PLANTED['last_name']}, {PLANTED['first_name']}"
    for r in records[3:]:
        meta = [r[8], "Default Response Set", name, r[12], r[11], r[3], r[2], r[0], r[1], r[6]]
        rows.append(meta + r[first:])
    return rows


def qualtrics(
    path: Path,
    group: People,
    *,
    lang: str = "nl",
    numeric: bool = False,
    tsv=False,
    wording: dict[str, str] | None = None,
    legacy: bool = False,
) -> Path:
    records = qualtrics_records(group, lang=lang, numeric=numeric, wording=wording)
    if legacy:
        return _write_csv(path, qualtrics_legacy(records))
    if tsv:  # Qualtrics' TSV download is UTF-16 with a BOM
        return _write_csv(path, records, delimiter="\t", encoding="utf-16")
    return _write_csv(path, records, quoting=csv.QUOTE_ALL, encoding="utf-8-sig")


# -- LimeSurvey -----------------------------------------------------------------------------

_LIME_CODE_META = [
    "id",
    "submitdate",
    "lastpage",
    "startlanguage",
    "seed",
    "startdate",
    "datestamp",
    "ipaddr",
    "refurl",
    "token",
    "firstname",
    "lastname",
    "email",
]
_LIME_FULL_META = {
    "en": [
        "Response ID",
        "Date submitted",
        "Last page",
        "Start language",
        "Seed",
        "Date started",
        "Date last action",
        "IP address",
        "Referrer URL",
        "Access code",
        "First name",
        "Last name",
        "Email address",
    ],
    "nl": [
        "Antwoord ID",
        "Datum verstuurd",
        "Laatste pagina",
        "Starttaal",
        "Seed",
        "Datum gestart",
        "Datum laatste actie",
        "IP-adres",
        "Verwijzende URL",
        "Toegangscode",
        "Voornaam",
        "Achternaam",
        "E-mailadres",
    ],
}


def limesurvey(path: Path, group: People, *, lang: str = "nl", full: bool = True) -> Path:
    """A LimeSurvey "Export responses" CSV: codes and answer codes, or full texts."""
    header = list(_LIME_FULL_META[lang] if full else _LIME_CODE_META)
    tenure_q, tenure_a = TENURE[lang]
    if full:
        header += [USAGE[lang], DEPARTMENT[lang]]
        header += [f"{MATRIX[lang]} [{item.text[lang]}]" for _, item in ITEMS]
        header += [tenure_q, f"{tenure_q} [{'Anders' if lang == 'nl' else 'Other'}]", COMMENT[lang]]
    else:
        header += ["user", "department"]
        blocks = {factor.id: f"Q{k}" for k, factor in enumerate(FACTORS, start=3)}
        header += [f"{blocks[factor.id]}[{item.id}]" for factor, item in ITEMS]
        header += ["tenure", "tenure[other]", "remarks"]
    records = [header]
    for person in group.rows:
        if person.kind == "preview":
            continue  # LimeSurvey keeps no previews
        done = person.kind != "incomplete"
        row = [
            str(person.number + 1),
            "2026-03-02 09:21:40" if done else "",
            "4" if done else "2",
            lang,
            "1234567",
            "2026-03-02 09:14:05",
            "2026-03-02 09:21:40",
            PLANTED["ip"],
            PLANTED["url"],
            PLANTED["token"],
            PLANTED["first_name"],
            PLANTED["last_name"],
            PLANTED["email"],
            _usage(person, lang, False)
            if full
            else ""
            if person.user is None
            else "Y"
            if person.user
            else "N",  # a Yes/No question's answer codes
            DEPARTMENTS[lang][person.department] if full else f"D{person.department + 1}",
        ]
        for _, item in ITEMS:
            row.append(_text(person, item.id, lang) if full else _number(person, item.id))
        row.append(tenure_a[person.tenure] if full else f"T{person.tenure + 1}")
        row.append(PLANTED["other"] if person.tenure == 2 else "")
        row.append(_comment(person))
        records.append(row)
    return _write_csv(path, records, quoting=csv.QUOTE_ALL)


# -- SurveyMonkey ---------------------------------------------------------------------------

_MONKEY_META = [
    "Respondent ID",
    "Collector ID",
    "Start Date",
    "End Date",
    "IP Address",
    "Email Address",
    "First Name",
    "Last Name",
    "Custom Data 1",
]


def surveymonkey_records(group: People, *, lang: str, numeric: bool = False) -> list[list[str]]:
    """SurveyMonkey's "All responses data", expanded: two header rows."""
    top = list(_MONKEY_META)
    sub = [""] * len(top)
    response = "Response"
    top += [USAGE[lang], DEPARTMENT[lang]]
    sub += [response, response]
    for factor in FACTORS:
        for row, item in enumerate(factor.items):
            top.append(f"{MATRIX[lang]} ({factor.label[lang]})" if row == 0 else "")
            sub.append(item.text[lang])
    tenure_q, tenure_a = TENURE[lang]
    top += [tenure_q, "", COMMENT[lang]]
    sub += [response, "Other (please specify)", "Open-Ended Response"]
    records = [top, sub]
    for person in group.kept():
        row = [
            str(11400000000 + person.number),
            "431234567",
            "03/02/2026 09:14:05 AM",
            "03/02/2026 09:21:40 AM",
            PLANTED["ip"],
            PLANTED["email"],
            PLANTED["first_name"],
            PLANTED["last_name"],
            PLANTED["custom"],
        ]
        if numeric:  # "numerical value": the choice's position (Ja 1, Nee 2)
            row.append("" if person.user is None else "1" if person.user else "2")
            row.append(str(person.department + 1))
            row += [_number(person, item.id, dont_know="6") for _, item in ITEMS]
            row.append(str(person.tenure + 1))
        else:
            row.append(_usage(person, lang, False))
            row.append(DEPARTMENTS[lang][person.department])
            row += [_text(person, item.id, lang) for _, item in ITEMS]
            row.append(tenure_a[person.tenure])
        row.append(PLANTED["other"] if person.tenure == 2 else "")
        row.append(_comment(person))
        records.append(row)
    return records


def surveymonkey(
    path: Path, group: People, *, lang: str = "nl", xlsx: bool = False, numeric: bool = False
) -> Path:
    records = surveymonkey_records(group, lang=lang, numeric=numeric)
    if xlsx:
        return _write_xlsx(path, records)
    return _write_csv(path, records)


def _write_xlsx(path: Path, records: list[list[str]], *, engine: str = "openpyxl") -> Path:
    """Cells as a tool writes them: numbers as numbers, texts as texts."""

    def cell(value: str):
        try:
            number = float(value)
        except ValueError:
            return value or None
        return int(number) if number.is_integer() and "." not in value else number

    frame = pd.DataFrame([[cell(v) for v in row] for row in records])
    frame.to_excel(path, header=False, index=False, engine=engine)
    return path


# -- Microsoft Forms, Google Forms ----------------------------------------------------------

_FORMS_META = {
    "en": ["Id", "Start time", "Completion time", "Email", "Name", "Last modified time"],
    "nl": [
        "Id",
        "Begintijd",
        "Tijd van voltooien",
        "E-mail",
        "Naam",
        "Tijdstip van laatste wijziging",
    ],
}


def msforms(path: Path, group: People, *, lang: str = "nl") -> Path:
    """Microsoft Forms' XLSX: one header row; a Likert question, a column per statement."""
    tenure_q, tenure_a = TENURE[lang]
    header = [*_FORMS_META[lang], USAGE[lang], DEPARTMENT[lang]]
    header += [item.text[lang] for _, item in ITEMS]
    header += [tenure_q, COMMENT[lang]]
    records = [header]
    for person in group.kept():
        row = [
            str(person.number + 1),
            "3/2/26 9:14:05",
            "3/2/26 9:21:40",
            PLANTED["email"],
            PLANTED["name"],
            "",
        ]
        row += [_usage(person, lang, False), DEPARTMENTS[lang][person.department]]
        row += [_text(person, item.id, lang) for _, item in ITEMS]
        row += [tenure_a[person.tenure], _comment(person)]
        records.append(row)
    return _write_xlsx(path, records)


def googleforms(path: Path, group: People, *, lang: str = "nl", grid: bool = True) -> Path:
    """Google Forms' CSV: a grid gives "Question [Row]" columns of texts; linear scales
    (one per statement) give numbers."""
    tenure_q, tenure_a = TENURE[lang]
    stamp = {"nl": "Tijdstempel", "en": "Timestamp"}[lang]
    email = {"nl": "E-mailadres", "en": "Email Address"}[lang]
    header = [stamp, email, USAGE[lang], DEPARTMENT[lang]]
    if grid:
        header += [f"{MATRIX[lang]} [{item.text[lang]}]" for _, item in ITEMS]
    else:
        header += [item.text[lang] for _, item in ITEMS]
    header += [tenure_q, COMMENT[lang]]
    records = [header]
    for person in group.kept():
        row = ["2026/03/02 9:21:40 AM CET", PLANTED["email"]]
        row += [_usage(person, lang, False), DEPARTMENTS[lang][person.department]]
        if grid:
            row += [_text(person, item.id, lang) for _, item in ITEMS]
        else:  # a linear scale has no "don't know": it stays blank
            row += [_number(person, item.id, dont_know="") for _, item in ITEMS]
        row += [tenure_a[person.tenure], _comment(person)]
        records.append(row)
    return _write_csv(path, records)


# -- spreadsheets and SPSS ------------------------------------------------------------------


def sheet(path: Path, group: People, *, ods: bool = False) -> Path:
    """A hand-made sheet: item ids as headers, numbers, a names column."""
    header = ["Naam", "E-mail", "gebruiker", "afdeling", *(item.id for _, item in ITEMS)]
    records = [header]
    for person in group.kept():
        row = [
            PLANTED["name"],
            PLANTED["email"],
            _usage(person, "nl", False),
            DEPARTMENTS["nl"][person.department],
        ]
        row += [_number(person, item.id) for _, item in ITEMS]
        records.append(row)
    return _write_xlsx(path, records, engine="odf" if ods else "openpyxl")


def spss(path: Path, group: People, *, reversed_factor: str = "reputation") -> Path:
    """An SPSS file as Qualtrics writes one: variables Q3_1 …, labels "Question -
    Statement", value labels, "Weet niet" (6) declared user-missing, Ja = 1 and Nee = 2.
    One factor's items are coded the other way round (1 = Helemaal mee eens): the value
    labels say so."""
    import pyreadstat

    data: dict[str, list] = {
        "StartDate": [],
        "Status": [],
        "IPAddress": [],
        "Finished": [],
        "RecipientEmail": [],
        "LocationLatitude": [],
        "Q1": [],
        "Q2": [],
    }
    names = {}
    for block, factor in enumerate(FACTORS, start=3):
        for row, item in enumerate(factor.items, start=1):
            names[item.id] = f"Q{block}_{row}"
            data[names[item.id]] = []
    data["Q11"] = []
    for person in group.rows:
        data["StartDate"].append("2026-03-02 09:14:05")
        data["Status"].append(1.0 if person.kind == "preview" else 0.0)
        data["IPAddress"].append(PLANTED["ip"])
        data["Finished"].append(0.0 if person.kind == "incomplete" else 1.0)
        data["RecipientEmail"].append(PLANTED["email"])
        data["LocationLatitude"].append(PLANTED["latitude"])
        data["Q1"].append(np.nan if person.user is None else 1.0 if person.user else 2.0)
        data["Q2"].append(float(person.department + 1))
        for factor, item in ITEMS:
            value = person.answer(item.id)
            if value is None:
                code = np.nan
            elif value == "dk":
                code = 6.0
            elif factor.id == reversed_factor:
                code = float(6 - int(value))
            else:
                code = float(value)
            data[names[item.id]].append(code)
        data["Q11"].append(_comment(person))
    frame = pd.DataFrame(data)
    labels = {
        "Q1": USAGE["nl"],
        "Q2": DEPARTMENT["nl"],
        "Q11": COMMENT["nl"],
        "IPAddress": "IP Address",
        "RecipientEmail": "Recipient Email",
    }
    value_labels = {
        "Q1": {1.0: "Ja", 2.0: "Nee"},
        "Q2": {float(i + 1): d for i, d in enumerate(DEPARTMENTS["nl"])},
        "Status": {0.0: "IP Address", 1.0: "Survey Preview"},
        "Finished": {0.0: "False", 1.0: "True"},
    }
    missing = {}
    for factor, item in ITEMS:
        name = names[item.id]
        labels[name] = f"{MATRIX['nl']} - {item.text['nl']}"
        texts = SCALE["nl"] if factor.id != reversed_factor else SCALE["nl"][::-1]
        value_labels[name] = {float(i + 1): t for i, t in enumerate(texts)} | {6.0: "Weet niet"}
        missing[name] = [6.0]
    pyreadstat.write_sav(
        frame,
        str(path),
        column_labels=labels,
        variable_value_labels=value_labels,
        missing_ranges=missing,
    )
    return path
