"""Emerging themes: what the uncoded comments talk about, for the consultant to turn into
codes.

TF-IDF over the comments' lemmas (function words of both languages and the markers of
redacted text left out) and a non-negative matrix factorisation (scikit-learn's NMF,
``init="nndsvda"``, ``random_state=0``, one thread: the same texts give the same themes).
Each comment belongs to the component with its largest weight (none when all are 0); a
theme is kept when it has at least ``min_size`` comments; themes are numbered by size.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import TfidfVectorizer
from threadpoolctl import threadpool_limits

from .codes import CommentCodes
from .text import FUNCTION_WORDS, LANGS, detect_language, lemmas, normalise, tokens

__all__ = ["STOPWORDS", "Theme", "emerging_themes"]

#: words never a theme's term: the function words that tell the languages apart (not
#: the subject words among them, which a theme may need), words every comment uses, and
#: the greetings a comment signs off with: "Groet, [naam]"
STOPWORDS = (FUNCTION_WORDS["nl"] | FUNCTION_WORDS["en"]) - {
    "collega",
    "collega's",
    "tijd",
    "time",
} | frozenset(
    [
        "groet",
        "groeten",
        "gr",
        "mvg",
        "regards",
        "cheers",
        "thanks",
        "bedankt",
        "dank",
        "jij",
        "u",
        "zij",
        "waren",
        "hebt",
        "heeft",
        "word",
        "jullie",
        "hun",
        "kunnen",
        "moeten",
        "zouden",
        "weten",
        "zitten",
        "men",
        "mij",
        "m'n",
        "z'n",
        "zo",
        "nu",
        "even",
        "heel",
        "erg",
        "best",
        "wil",
        "willen",
        "gaan",
        "doen",
        "zien",
        "komen",
        "staan",
        "vinden",
        "zeggen",
        "ja",
        "nee",
        "tot",
        "tegen",
        "over",
        "onder",
        "tussen",
        "na",
        "sinds",
        "ben",
        "bent",
        "werd",
        "geweest",
        "alles",
        "elk",
        "elke",
        "ieder",
        "andere",
        "were",
        "did",
        "could",
        "those",
        "got",
        "used",
        "didn't",
        "also",
        "some",
        "any",
        "one",
        "much",
        "many",
        "into",
        "out",
        "up",
        "down",
        "only",
        "then",
        "there's",
        "that's",
        "us",
        "he",
        "she",
        "his",
        "her",
        "am",
        "or",
    ]
)


@dataclass(frozen=True)
class Theme:
    id: str
    terms: tuple[str, ...]
    members: tuple[int, ...]


def _analyse(text: str, skip: frozenset[str] = frozenset()) -> list[str]:
    toks = [t for t in tokens(normalise(text)) if t[0].isalnum()]
    lang = detect_language(toks)
    assert lang in LANGS
    return [
        lem
        for tok, lem in zip(toks, lemmas(toks, lang), strict=False)
        if tok not in STOPWORDS
        and lem not in STOPWORDS
        and lem not in skip
        and len(lem) > 1
        and not lem.isdigit()
    ]


def emerging_themes(
    texts: Sequence[str],
    *,
    min_size: int,
    max_themes: int = 5,
    codes: CommentCodes | None = None,
) -> list[Theme]:
    """The themes of ``texts`` with at least ``min_size`` members, largest first, at most
    ``max_themes``; [] when there are fewer than ``min_size`` texts or no words.

    With ``codes``, the one-word terms of its codes are left out: a theme is about what
    no code covers yet."""
    if len(texts) < max(min_size, 1) or max_themes < 1:
        return []

    skip = frozenset(
        term.lemmas[0]
        for terms in (codes.terms.values() if codes is not None else ())
        for term in terms
        if len(term.lemmas) == 1
    )
    docs = [_analyse(text, skip) for text in texts]
    vectorizer = TfidfVectorizer(
        analyzer=lambda doc: doc, min_df=max(2, min(min_size, 5)), sublinear_tf=True
    )
    try:
        matrix = vectorizer.fit_transform(docs)
    except ValueError:  # no term in two comments
        return []
    n_components = min(max_themes, matrix.shape[0], matrix.shape[1])
    if n_components < 1:
        return []
    with threadpool_limits(limits=1):
        model = NMF(n_components=n_components, init="nndsvda", random_state=0, max_iter=400)
        weights = model.fit_transform(matrix)
    vocabulary = vectorizer.get_feature_names_out()
    best = weights.argmax(axis=1)
    found = []
    for component in range(n_components):
        members = tuple(
            int(i) for i in range(len(docs)) if best[i] == component and weights[i, component] > 0
        )
        if len(members) < min_size:
            continue
        loadings = model.components_[component]
        order = sorted(range(len(vocabulary)), key=lambda j: (-loadings[j], vocabulary[j]))
        terms = tuple(str(vocabulary[j]) for j in order[:6] if loadings[j] > 0)
        found.append((members, terms))
    found.sort(key=lambda theme: (-len(theme[0]), theme[0]))
    return [Theme(f"T{i}", terms, members) for i, (members, terms) in enumerate(found, 1)]
