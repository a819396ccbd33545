"""The supervised layer: the examples teach which lexicon hits and words make a code.

Each comment becomes its lemmas (and lemma pairs) plus one feature per code the lexicon
found (and whether through a directed term); TF-IDF weights them and one logistic
regression per code (scikit-learn, liblinear, deterministic) gives the probability of that
code. A code with too few examples (fewer than :data:`MIN_POSITIVE`) keeps the lexicon's
verdict. The packaged examples (``training.csv``, a labelled corpus written for this
project) are always learnt from; a consultant's corrected coding sheets add to them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

__all__ = ["MIN_POSITIVE", "THRESHOLD", "Model", "features"]

#: a code needs this many positive examples to be learnt
MIN_POSITIVE = 4
#: the probability from which a code is given
THRESHOLD = 0.5


def features(lems: Sequence[str], found: dict, directed: dict) -> list[str]:
    """The features of one comment: lemmas, adjacent lemma pairs, lexicon hits."""
    words = [lem for lem in lems if lem[0].isalnum()]
    out = list(words)
    out += [f"{a}_{b}" for a, b in pairwise(words)]
    for code_id in found:
        out += [f"=lex:{code_id}"] * 2
        if directed.get(code_id):
            out.append(f"=dir:{code_id}")
    return out


@dataclass
class Model:
    """One classifier per learnable code, over the features of :func:`features`."""

    codes: tuple[str, ...]
    vectorizer: object
    classifiers: dict

    @classmethod
    def fit(cls, docs: list[list[str]], labels: list[set[str]], codes: Sequence[str]) -> Model:

        vectorizer = TfidfVectorizer(analyzer=lambda doc: doc, sublinear_tf=True, min_df=1)
        matrix = vectorizer.fit_transform(docs)
        classifiers = {}
        for code_id in codes:
            y = [code_id in label for label in labels]
            if sum(y) < MIN_POSITIVE or sum(y) == len(y):
                continue
            model = LogisticRegression(C=10.0, solver="liblinear", class_weight="balanced")
            model.fit(matrix, y)
            classifiers[code_id] = model
        return cls(tuple(codes), vectorizer, classifiers)

    def predict(self, docs: list[list[str]]) -> list[dict[str, float]]:
        """Per comment: the probability of every learnt code."""
        if not docs or not self.classifiers:
            return [{} for _ in docs]
        matrix = self.vectorizer.transform(docs)
        out: list[dict[str, float]] = [{} for _ in docs]
        for code_id, model in self.classifiers.items():
            for row, p in enumerate(model.predict_proba(matrix)[:, 1]):
                out[row][code_id] = float(p)
        return out
