"""The sample survey with an open question: what staff wrote, with planted facts to test on.

``ism-advise sample --comments`` writes ``scores-comments.csv`` and
``responses-comments.csv``: the sample's two files (:func:`..sample.generate_sample`, the
same seed, every other cell unchanged) with one more column, ``comment``, the answer to
"What would make you use the platform (more)?". About 60% of respondents wrote something,
mostly in Dutch, some in English. A comment is composed from templates per factor and
direction, chosen by the respondent's own generated scores (a low score on effort
expectancy gives "no time" comments, a high one "easy to use"), so non-users write
unfavourable comments more often; some name two factors, some a code that is not a factor
(technical problems, not knowing what it is for), some nothing codable at all.

Planted for the tests (exported below):

- personal data in about 10% of the comments (:data:`PLANTED_PERSONAL_DATA`: Dutch names
  with tussenvoegsels, English names, e-mail addresses, phone numbers, URLs, IBANs,
  postcodes), each of which must be redacted in every output;
- a theme no code covers in :data:`THEME_DEPARTMENT`: most of its non-users write that
  everything is in English and they do not read it, so that it is that department's
  dominant, an emerging theme;
- :data:`SMALL_DEPARTMENT`, with fewer comments than the default ``--min-comments`` (10),
  each of which nobody else writes: none of them may ever be quoted;
- comments that name their own department (:data:`NAMING_DEPARTMENTS`), which must not be
  quoted with ``--segment-by department``.

Each comment's codes and direction are recorded (:class:`PlantedComment`), so that the
coder's accuracy can be measured on comments it was never tuned on.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..core.files import Outputs
from ..core.inert import spreadsheet_cell
from .codebook import Codebook
from .sample import DEFAULT_SEED, generate_sample

__all__ = [
    "COMMENT_COLUMN",
    "NAMING_DEPARTMENTS",
    "PLANTED_PERSONAL_DATA",
    "SMALL_DEPARTMENT",
    "THEME_DEPARTMENT",
    "THEME_WORDS",
    "PlantedComment",
    "SampleComments",
    "generate_comments",
    "write_comments",
]

#: The open question's column in the generated files.
COMMENT_COLUMN = "comment"
#: The department whose non-users mostly write that everything is in English.
THEME_DEPARTMENT = "Zorg"
#: Words of the planted theme (casefolded; a theme's top terms include one of them).
THEME_WORDS = ("engels", "english", "nederlands", "dutch", "taal", "vertaling")
#: The department with fewer comments than the default --min-comments (7 respondents).
SMALL_DEPARTMENT = "Directie"
#: Departments one of whose comments names the department itself.
NAMING_DEPARTMENTS = ("Facilitair", "Burgerzaken", "Sales", "Operations")

_COMMENT_RATE = 0.6
_PERSONAL_RATE = 0.1
_THEME_RATE = 0.8  # of the theme department's non-users' comments
_ENGLISH = {"TechnoBouw": 0.4}  # share of comments in English, per organisation
_ENGLISH_ELSEWHERE = 0.1
_SMALL_MAX = 6  # the small department's comments are capped below the threshold

#: Every personal datum planted: (kind, value); kinds as the redactor's (C1).
PLANTED_PERSONAL_DATA: tuple[tuple[str, str], ...] = (
    ("name", "Jan van der Berg"),
    ("name", "Sanne de Vries"),
    ("name", "Pieter van den Heuvel"),
    ("name", "Anouk van Dijk"),
    ("name", "Els Verhoeven"),
    ("name", "Ruud ter Horst"),
    ("name", "Kees Jansen"),
    ("name", "Fatima El Amrani"),
    ("name", "John Smith"),
    ("name", "Sarah Williams"),
    ("name", "David Brown"),
    ("name", "Emily Clarke"),
    ("email", "j.vandenberg@zorggroep-oost.nl"),
    ("email", "sanne.devries@rivierstad.nl"),
    ("email", "d.brown@technobouw.com"),
    ("phone", "06-12345678"),
    ("phone", "+31 20 123 4567"),
    ("phone", "020-7654321"),
    ("url", "https://intranet.rivierstad.nl/engage/hulp"),
    ("url", "www.technobouw.com/yammer-tips"),
    ("iban", "NL91ABNA0417164300"),
    ("iban", "NL20INGB0001234567"),
    ("postcode", "3511 AB"),
    ("postcode", "7411 KT"),
)
# A sentence carrying personal data: (kind, nl template, en template); it names no factor.
_PERSONAL = (
    ("name", "Groet, {name}", "Cheers, {name}"),
    (
        "name",
        "{name} van communicatie heeft ons er een keer over verteld.",
        "{name} from comms told us about it once.",
    ),
    ("email", "Mail me gerust: {email}", "Feel free to email me: {email}"),
    (
        "phone",
        "Bel me maar op {phone} als jullie willen doorpraten.",
        "Call me on {phone} if you want to talk it through.",
    ),
    (
        "url",
        "De uitleg staat op {url} maar die pagina kent niemand.",
        "The guide is at {url} but nobody knows that page.",
    ),
    (
        "iban",
        "Mijn declaratie voor de cursus staat nog open, rekening {iban}.",
        "My expense claim for the course is still open, account {iban}.",
    ),
    ("postcode", "Ik werk op de locatie in {postcode}.", "I work at the site in {postcode}."),
)

# Per factor and direction, per language: what staff write. Each text signals the factor
# (and only that one) the way people put it; "{p}" is the platform as they call it.
_FACTOR_TEXTS: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {
    "performance_expectancy": {
        "unfavourable": {
            "nl": ("Ik zie het nut er niet van in.", "Het levert mij niets op voor mijn werk.",
                   "Wat heb ik eraan? Het voegt niks toe voor wat ik doe.",
                   "Ik vind er nooit iets bruikbaars op."),
            "en": ("I don't see the point of it.", "It adds nothing to my actual work.",
                   "I never find anything useful on {p}."),
        },
        "favourable": {
            "nl": ("Ik vind er snel antwoord op mijn vragen, heel nuttig.",
                   "Het scheelt mij een hoop mailtjes en zoekwerk."),
            "en": ("Really useful, I get answers to my questions fast.",
                   "It saves me a lot of emails and searching."),
        },
    },
    "effort_expectancy": {
        "unfavourable": {
            "nl": ("Geen tijd voor, ik heb het veel te druk.",
                   "Het kost te veel tijd om alles bij te houden.",
                   "Ik heb geen tijd om ook nog op {p} te kijken.",
                   "Veel te ingewikkeld, ik kan niets terugvinden.",
                   "Ik sta de hele dag op de werkvloer en heb geen tijd om erop te kijken."),
            "en": ("No time, I'm far too busy.", "It takes too much time to keep up with.",
                   "Too complicated, too many clicks to get anywhere."),
        },
        "favourable": {
            "nl": ("Makkelijk in gebruik, het kost me weinig tijd.",
                   "Het werkt eenvoudig, ook op mijn telefoon."),
            "en": ("Easy to use, it hardly takes any time.",),
        },
    },
    "manager_influence": {
        "unfavourable": {
            "nl": ("Mijn leidinggevende post zelf nooit iets.",
                   "Mijn manager zegt er nooit iets over en gebruikt het zelf niet.",
                   "Onze leidinggevende vindt het tijdverspilling."),
            "en": ("My manager never posts anything.", "My boss never mentions it."),
        },
        "favourable": {
            "nl": ("Mijn leidinggevende deelt er elke week iets en moedigt ons aan.",),
            "en": ("My manager posts every week and encourages us to join in.",),
        },
    },
    "colleague_influence": {
        "unfavourable": {
            "nl": ("Mijn collega's zitten er niet op.", "Niemand in mijn team gebruikt het.",
                   "Mijn directe collega's weten niet eens dat het bestaat."),
            "en": ("None of my colleagues use it.", "Nobody in my team is on {p}."),
        },
        "favourable": {
            "nl": ("Mijn hele team zit erop, daarom doe ik ook mee.",
                   "Mijn collega's posten er dagelijks."),
            "en": ("My whole team is on it, so I joined too.",),
        },
    },
    "reputation": {
        "unfavourable": {
            "nl": ("Ik wil niet overkomen als een uitslover.",
                   "Je wordt er niet voor gezien of gewaardeerd als je iets deelt."),
            "en": ("I don't want to look like a show-off.",
                   "Nobody gets any credit for sharing there."),
        },
        "favourable": {
            "nl": ("Als je iets goeds deelt word je gezien, dat is mooi.",),
            "en": ("Sharing there gets you noticed and recognised.",),
        },
    },
    "privacy_concern": {
        "unfavourable": {
            "nl": ("Ik weet niet wie er allemaal meeleest.",
                   "Alles is zichtbaar voor HR, dat vertrouw ik niet.",
                   "Ik ben bang dat mijn berichten tegen me gebruikt worden."),
            "en": ("Everything is visible to HR, I don't trust it.",
                   "I'm not sure who reads along."),
        },
        "favourable": {
            "nl": ("Ik heb er geen moeite mee dat anderen meelezen.",),
            "en": ("I don't mind that others can read what I post.",),
        },
    },
    "collaboration_norms": {
        "unfavourable": {
            "nl": ("Bij ons gaat alles nog via de mail.",
                   "Hier deelt men pas iets als het helemaal af is.",
                   "Kennis delen is hier geen gewoonte."),
            "en": ("We still do everything by email here.",
                   "Sharing knowledge just isn't how we work here."),
        },
        "favourable": {
            "nl": ("Bij ons is het normaal om kennis te delen, dat doen we daar.",),
            "en": ("Sharing what we learn is simply how we work here.",),
        },
    },
}  # fmt: skip
_OTHER_TEXTS = {
    "technical": {
        "nl": ("Inloggen lukt vaak niet.", "De app loopt steeds vast op mijn telefoon.",
               "Ik krijg een foutmelding als ik iets wil plaatsen."),
        "en": ("I can't log in half the time.", "The app keeps crashing on my phone."),
    },
    "purpose_unclear": {
        "nl": ("Ik weet eigenlijk niet waar het voor bedoeld is.",
               "Geen idee wat de bedoeling van {p} is."),
        "en": ("I honestly don't know what it's for.",),
    },
}  # fmt: skip
_CHITCHAT = {
    "nl": ("Geen opmerkingen.", "n.v.t.", "Succes met het onderzoek!", "Nee, verder niets.",
           "Prima enquête.", "Weet ik niet."),
    "en": ("No comments.", "Good luck with the survey!", "Nothing to add."),
}  # fmt: skip
_THEME_TEXTS = (
    "Alles staat in het Engels, ik lees het niet.",
    "Alle berichten zijn in het Engels, dat lees ik niet.",
    "Waarom staat alles in het Engels? Graag in het Nederlands.",
    "Het is allemaal Engels, mijn Engels is niet goed genoeg.",
    "Engels is niet mijn taal, graag een Nederlandse vertaling.",
    "Als het in het Nederlands was zou ik het lezen, nu staat alles in het Engels.",
)
#: What the small department writes, as nobody else does: a quote of one of them would
#: come from a group too small to show.
_SMALL_TEXTS = (
    ("Ik zit de hele dag in overleg, geen tijd om ook nog berichten te lezen.",
     ("effort_expectancy",), "unfavourable"),
    ("Onze leidinggevende, de bestuurder, post er zelf nooit iets op.",
     ("manager_influence",), "unfavourable"),
    ("Strategische stukken deel je niet open, die gaan via de mail.",
     ("collaboration_norms",), "unfavourable"),
    ("Ik weet niet wie er meeleest als ik iets over reorganisaties schrijf.",
     ("privacy_concern",), "unfavourable"),
    ("Het levert mij als bestuurder weinig op, ik zie het nut niet.",
     ("performance_expectancy",), "unfavourable"),
    ("Mijn naaste collega's in het managementteam zitten er niet op.",
     ("colleague_influence",), "unfavourable"),
)  # fmt: skip
_NAMING = {
    "Facilitair": ("nl", "Bij Facilitair doet niemand mee, dus ik ook niet."),
    "Burgerzaken": ("nl", "Op Burgerzaken gebruikt niemand het, mijn collega's ook niet."),
    "Sales": ("en", "Nobody in Sales uses it, none of my colleagues are on it."),
    "Operations": ("en", "Nobody in Operations is on it, my colleagues don't use it either."),
}
_PLATFORM = {"nl": ("het platform", "Viva Engage", "Yammer"), "en": ("the platform", "Engage")}
#: How a second sentence joins the first: the same direction, or the other.
_JOIN = {
    ("nl", True): " En ",
    ("en", True): " And ",
    ("nl", False): " Maar ",
    ("en", False): " But ",
}


@dataclass(frozen=True)
class PlantedComment:
    """One generated comment and what was planted in it."""

    #: the respondent's row in the sample (0-based) and its ``respondent`` value
    row: int
    respondent: str
    organisation: str
    department: str
    user: bool
    lang: str
    #: the raw text, as the survey tool exports it (before redaction)
    text: str
    #: the codes it was written for (factor ids, "technical", "purpose_unclear"); () = none
    codes: tuple[str, ...]
    #: "favourable", "unfavourable", "mixed" or None (nothing coded)
    direction: str | None
    #: "coded", "chitchat", "theme" (the planted language theme) or "naming" (names its
    #: department)
    kind: str
    #: the personal data planted in it: (kind, value)
    personal: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class SampleComments:
    """The sample with the open question, as CSV texts, and the comments planted."""

    responses_csv: str
    scores_csv: str
    comments: tuple[PlantedComment, ...]


def generate_comments(codebook: Codebook, seed: int = DEFAULT_SEED) -> SampleComments:
    """The sample of :func:`generate_sample` (same ``seed``) with a ``comment`` column."""
    sample = generate_sample(codebook, seed)
    rng = np.random.default_rng([seed, 32])
    header, rows = _rows(sample.scores_csv)
    signs = {f.id: 1.0 if f.higher_is_better else -1.0 for f in codebook.factors}
    factors = [f.id for f in codebook.factors]
    position = {name: header.index(name) for name in ("respondent", "organisation", "department")}
    planted: list[PlantedComment] = []
    texts: list[str] = []
    small = 0
    named: set[str] = set()
    for index, row in enumerate(rows):
        org, dept = row[position["organisation"]], row[position["department"]]
        user = row[header.index("user")] == "yes"
        draws = rng.random(8)  # a fixed number of draws per respondent: stable streams
        writes = draws[0] < _COMMENT_RATE
        if dept == SMALL_DEPARTMENT and writes:
            small += 1
            writes = small <= _SMALL_MAX
        if not writes:
            texts.append("")
            continue
        lang = "en" if draws[1] < _ENGLISH.get(org, _ENGLISH_ELSEWHERE) else "nl"
        platform = _PLATFORM[lang][int(draws[2] * len(_PLATFORM[lang]))]
        personal: tuple[tuple[str, str], ...] = ()
        if dept in _NAMING and dept not in named and not user:
            named.add(dept)
            lang, text = _NAMING[dept]
            comment = (text, ("colleague_influence",), "unfavourable", "naming")
        elif dept == SMALL_DEPARTMENT:
            lang = "nl"
            text, codes, direction = _SMALL_TEXTS[(small - 1) % len(_SMALL_TEXTS)]
            comment = (text, codes, direction, "coded")
        elif dept == THEME_DEPARTMENT and not user and draws[3] < _THEME_RATE:
            lang = "nl"
            comment = (_pick(_THEME_TEXTS, draws[4]), (), None, "theme")
        else:
            scores = {
                f: float(row[header.index(f)]) if row[header.index(f)] else 3.0 for f in factors
            }
            comment = _compose(rng, lang, scores, signs, user, draws)
        text, codes, direction, kind = comment
        text = text.replace("{p}", platform)
        if draws[7] < _PERSONAL_RATE:
            text, personal = _with_personal(rng, lang, text, sum(bool(c.personal) for c in planted))
        texts.append(text)
        planted.append(
            PlantedComment(
                index,
                row[position["respondent"]],
                org,
                dept,
                user,
                lang,
                text,
                codes,
                direction,
                kind,
                personal,
            )
        )
    return SampleComments(
        responses_csv=_with_column(sample.responses_csv, texts),
        scores_csv=_with_column(sample.scores_csv, texts),
        comments=tuple(planted),
    )


def _compose(
    rng: np.random.Generator,
    lang: str,
    scores: dict[str, float],
    signs: dict[str, float],
    user: bool,
    draws: np.ndarray,
) -> tuple[str, tuple[str, ...], str | None, str]:
    """A comment from the respondent's scores: the factors furthest from the scale's middle
    are the ones people write about, in the direction of the score."""
    if draws[3] < 0.1:
        return _pick(_CHITCHAT[lang], draws[4]), (), None, "chitchat"
    if draws[3] < 0.2:
        code = "technical" if draws[4] < 0.5 else "purpose_unclear"
        return _pick(_OTHER_TEXTS[code][lang], draws[5]), (code,), "unfavourable", "coded"
    ids = list(scores)
    lean = np.array([(scores[f] - 3.0) * signs[f] for f in ids])
    weights = np.exp(2.5 * np.abs(lean))
    count = 2 if draws[5] < 0.25 else 1
    chosen = rng.choice(len(ids), size=count, replace=False, p=weights / weights.sum())
    chosen = sorted(int(c) for c in chosen)  # the codebook's order
    parts, directions = [], []
    for c in chosen:
        direction = "favourable" if lean[c] > 0 else "unfavourable"
        texts = _FACTOR_TEXTS[ids[c]][direction][lang]
        parts.append(texts[int(rng.integers(len(texts)))])
        directions.append(direction)
    same = len(set(directions)) == 1
    joined = parts[0] + _JOIN[lang, same] + _lower_first(parts[-1])
    text = parts[0] if len(parts) == 1 else joined
    direction = directions[0] if same else "mixed"
    return text, tuple(ids[c] for c in chosen), direction, "coded"


def _with_personal(
    rng: np.random.Generator, lang: str, text: str, planted: int
) -> tuple[str, tuple[tuple[str, str], ...]]:
    """``text`` with a sentence carrying the ``planted``-th personal datum (in turn, so that
    every one of :data:`PLANTED_PERSONAL_DATA` is planted)."""
    kind, value = PLANTED_PERSONAL_DATA[planted % len(PLANTED_PERSONAL_DATA)]
    templates = [(nl, en) for k, nl, en in _PERSONAL if k == kind]
    nl, en = templates[int(rng.integers(len(templates)))]
    sentence = (nl if lang == "nl" else en).format(**{kind: value})
    return f"{text} {sentence}", ((kind, value),)


def _pick(texts: tuple[str, ...], draw: float) -> str:
    return texts[min(int(draw * len(texts)), len(texts) - 1)]


def _lower_first(text: str) -> str:
    """The second sentence joined with "En"/"Maar"/"And"/"But": lowercased, unless it
    starts with the English "I"."""
    if text.split(" ", 1)[0] in ("I", "I'm", "I'd", "I've"):
        return text
    return text[0].lower() + text[1:]


def _rows(text: str) -> tuple[list[str], list[list[str]]]:
    header, *rows = list(csv.reader(io.StringIO(text)))
    return header, rows


def _with_column(text: str, comments: list[str]) -> str:
    """A sample CSV text with the ``comment`` column added last; a cell a spreadsheet would
    run as a formula starts with a quote, as in every CSV ism-advise writes."""
    header, rows = _rows(text)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*header, COMMENT_COLUMN])
    writer.writerows(
        [*row, spreadsheet_cell(comment)] for row, comment in zip(rows, comments, strict=True)
    )
    return buffer.getvalue()


def write_comments(comments: SampleComments, folder: Path) -> list[Path]:
    """Write ``scores-comments.csv`` and ``responses-comments.csv`` into ``folder``; return
    their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    files = [
        (folder / "scores-comments.csv", comments.scores_csv),
        (folder / "responses-comments.csv", comments.responses_csv),
    ]
    outputs = Outputs()  # both files or neither
    for path, _ in files:
        outputs.file(path)
    with outputs:
        for path, text in files:
            outputs.write(path, text.encode("utf-8"))
    return [path for path, _ in files]
