"""Factor scores from item answers: the domain rules, apart from reading files.

Reverse-coded items are mirrored on the scale (on a 1–5 scale, 5 becomes 1), and a
factor's score is the mean of its answered items — given only when at least half of the
factor's items are answered, so that one answer never stands for a whole factor.
"""

from __future__ import annotations

import pandas as pd

from ..codebook import Codebook, Factor

__all__ = ["coded_answers", "reverse_code", "score_of"]


def reverse_code(values: pd.Series, codebook: Codebook) -> pd.Series:
    """An item's answers mirrored on the codebook's scale."""
    return codebook.scale_min + codebook.scale_max - values


def coded_answers(factor: Factor, answers: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """``answers`` (one column per item id, as given) reverse-coded where the codebook says.

    Returns the coded answers; :func:`score_of` averages them.
    """
    coded = pd.DataFrame(index=answers.index)
    for item in factor.items:
        if item.id in answers:
            values = answers[item.id]
            coded[item.id] = reverse_code(values, codebook) if item.reverse else values
    return coded


def score_of(factor: Factor, coded: pd.DataFrame) -> pd.Series:
    """The factor score of each respondent: the mean of the answered items, NaN unless at
    least half of the factor's items (all of them, not only those in the export) are
    answered.

    >>> from ism_advisor.survey.codebook import Factor, Item
    >>> f = Factor("f", {}, {}, "higher_is_better", (Item("a", {}), Item("b", {})))
    >>> score_of(f, pd.DataFrame({"a": [4.0, 2.0], "b": [2.0, float("nan")]})).tolist()
    [3.0, 2.0]
    """
    answered = coded.notna().sum(axis=1)
    score = coded.mean(axis=1, skipna=True)
    return score.where(answered * 2 >= len(factor.items))
