"""Writes planted.tsv: sentences with planted names and other personal data (nl, en).

Run once (``python make_planted.py``); the tests read planted.tsv. Columns: lang, kind,
text, the strings that must disappear ("|"-joined). Half the names are not in the
packaged lexicons (UNSEEN), so that the context rules are tested, not the lists.
"""

from pathlib import Path

SEEN = {
    "nl": (
        [
            "Sanne",
            "Pieter",
            "Anouk",
            "Jeroen",
            "Femke",
            "Wouter",
            "Lotte",
            "Bram",
            "Ingrid",
            "Koen",
        ],
        [
            "Jansen",
            "Bakker",
            "Visser",
            "Smit",
            "Meijer",
            "Mulder",
            "Bos",
            "Vos",
            "Dekker",
            "Brouwer",
        ],
    ),
    "en": (
        [
            "Emily",
            "James",
            "Olivia",
            "Thomas",
            "Sophie",
            "Daniel",
            "Grace",
            "Oliver",
            "Hannah",
            "Michael",
        ],
        [
            "Smith",
            "Jones",
            "Taylor",
            "Brown",
            "Wilson",
            "Evans",
            "Walker",
            "Wright",
            "Hughes",
            "Green",
        ],
    ),
}
UNSEEN = {
    "nl": (
        [
            "Marleen",
            "Wietske",
            "Gerben",
            "Hidde",
            "Jorien",
            "Tjitske",
            "Reinier",
            "Sietse",
            "Ilona",
            "Jorrit",
        ],
        [
            "Dongen",
            "Wijngaarden",
            "Oosterhuis",
            "Tuinstra",
            "Kloosterman",
            "Hoogendoorn",
            "Verschuren",
            "Ruiter",
            "Zwartjes",
            "Heemskerk",
        ],
    ),
    "en": (
        [
            "Natalie",
            "Imogen",
            "Callum",
            "Declan",
            "Rhiannon",
            "Nigel",
            "Gemma",
            "Siobhan",
            "Rory",
            "Bethany",
        ],
        [
            "Brooks",
            "Fletcher",
            "Haworth",
            "Pennington",
            "Ashworth",
            "Whitaker",
            "Kershaw",
            "Lovell",
            "Dobson",
            "Fairbanks",
        ],
    ),
}
TV = ["van", "de", "van der", "van den", "ter", "van de", "de", "van", "te", "den"]
NAME = {
    "nl": [
        ("{F} en ik gebruiken het platform bijna nooit.", "{F}"),
        ("Ik heb het gevraagd aan {F} {S}, maar die wist het ook niet.", "{F} {S}"),
        ("{F} van de helpdesk heeft me geholpen met inloggen.", "{F}"),
        ("Mevrouw {S} van personeelszaken zei dat het verplicht is.", "{S}"),
        ("Volgens collega {F} is het zonde van de tijd.", "{F}"),
        ("Onze manager {F} {T} {S} post er zelf nooit iets.", "{F} {T} {S}"),
        ("{I} {T} {S} heeft de training gegeven, die was goed.", "{I} {T} {S}"),
        ("Ik en {F} zitten de hele dag op de weg.", "{F}"),
        ("Sinds {F} {S} weg is, doet niemand er nog iets mee.", "{F} {S}"),
        ("Gisteren belde {F} {S} me erover op.", "{F} {S}"),
        ("Meneer {S} stuurt alles nog per mail.", "{S}"),
        ("Vraag het maar aan {F}, die weet er alles van.", "{F}"),
    ],
    "en": [
        ("{F} and I hardly ever use the platform.", "{F}"),
        ("I asked {F} {S} but she didn't know either.", "{F} {S}"),
        ("{F} from the helpdesk sorted out my login.", "{F}"),
        ("Mrs {S} in payroll said it was compulsory.", "{S}"),
        ("According to my colleague {F} it's a waste of time.", "{F}"),
        ("Our manager {F} {S} never posts anything himself.", "{F} {S}"),
        ("{I} {S} ran the training and it was good.", "{I} {S}"),
        ("Me and {F} are on the road all day.", "{F}"),
        ("Since {F} {S} left nobody runs the community.", "{F} {S}"),
        ("Yesterday {F} {S} rang me about it.", "{F} {S}"),
        ("Mr {S} still sends everything by email.", "{S}"),
        ("Ask {F} if you need access, she knows all about it.", "{F}"),
    ],
}
OTHER = {
    "nl": [
        (
            "email",
            "Mail me gerust op {v} als je meer wilt weten.",
            [
                "p.jansen@gemeente-zuid.nl",
                "info@bedrijf.com",
                "m.de.vries@waterschap.nl",
                "hr-team@org.nl",
                "kees+yammer@mail.nl",
            ],
        ),
        (
            "phone",
            "Bel me op {v} als het niet lukt.",
            [
                "06-12345678",
                "+31 20 123 4567",
                "020 123 4567",
                "(020) 1234567",
                "0612345678",
                "+31 6 12345678",
                "010-1234567",
                "+44 7700 900123",
            ],
        ),
        (
            "url",
            "Kijk op {v} voor de handleiding.",
            [
                "www.intranet.nl",
                "intranet.gemeente.nl/help",
                "https://engage.bedrijf.nl/groep/42",
                "http://wiki.org.com/start",
                "portal.org.nl",
            ],
        ),
        (
            "iban",
            "Mijn declaratie naar {v} is nooit betaald.",
            [
                "NL91 ABNA 0417 1643 00",
                "NL91ABNA0417164300",
                "NL20 INGB 0001 2345 67",
                "NL02RABO0123456789",
            ],
        ),
        (
            "postcode",
            "Ik werk op de locatie in {v} en daar is geen wifi.",
            ["1234 AB", "1234AB", "3511 CS", "9712CP", "SW1A 1AA", "M1 1AE"],
        ),
    ],
    "en": [
        (
            "email",
            "Feel free to email me at {v} for details.",
            [
                "p.smith@council.gov.uk",
                "info@company.com",
                "jane.doe@org.co.uk",
                "it-help@org.com",
                "sam+engage@mail.com",
            ],
        ),
        (
            "phone",
            "Call me on {v} if it doesn't work.",
            [
                "+44 7700 900123",
                "+44 20 7946 0958",
                "+31 20 123 4567",
                "06-12345678",
                "020 123 4567",
                "(020) 1234567",
            ],
        ),
        (
            "url",
            "See {v} for the guide.",
            [
                "www.intranet.com",
                "intranet.company.com/help",
                "https://engage.company.com/group/42",
                "http://wiki.org.com/start",
                "portal.org.uk",
            ],
        ),
        (
            "iban",
            "My expenses to {v} were never paid.",
            [
                "GB29 NWBK 6016 1331 9268 19",
                "GB29NWBK60161331926819",
                "NL91 ABNA 0417 1643 00",
                "NL91ABNA0417164300",
            ],
        ),
        (
            "postcode",
            "I work at the site in {v} and there's no wifi there.",
            ["SW1A 1AA", "M1 1AE", "EC1A 1BB", "B33 8TH", "1234 AB", "CR2 6XH"],
        ),
    ],
}
PREFIXES = {
    "nl": ["", "Overigens: ", "PS ", "Nog iets. "],
    "en": ["", "By the way: ", "PS ", "One more thing. "],
}


def rows():
    for lang in ("nl", "en"):
        pools = [SEEN[lang], UNSEEN[lang]]
        for n, (template, must) in enumerate(NAME[lang]):
            for k in range(10):
                first, sur = pools[k % 2]  # half seen, half unseen
                values = {
                    "F": first[(k + n) % 10],
                    "S": sur[(k * 3 + n) % 10],
                    "T": TV[(k + n) % 10],
                    "I": ["J.", "A.", "P.J.", "M.", "K."][k % 5],
                }
                text, gone = template.format(**values), must.format(**values)
                yield lang, "name", text, gone
        for kind, template, values in OTHER[lang]:
            prefixes = PREFIXES[lang]
            for k in range(len(values) * len(prefixes)):
                value = values[k % len(values)]
                prefix = prefixes[k // len(values)]
                yield lang, kind, prefix + template.format(v=value), value


if __name__ == "__main__":
    seen = set()
    lines = []
    for row in rows():
        if row not in seen:
            seen.add(row)
            lines.append("\t".join(row))
    Path(__file__).with_name("planted.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
