"""Cells to numbers: scores and codes as they are, answer texts through the answer scale.

A cell holds a number (a score, a code of the scale, a missing-value code), an answer
text ("Mee eens", "Somewhat agree": the item's answer scale in the codebook, any of its
languages and variants), a missing-value text ("Weet niet", "Prefer not to say"), or
nothing. SPSS value labels are read like answer texts. Anything else is an error naming
the row, the column and what the scale expected, and the text only when it cannot be
personal data or free text (:func:`.content.quotable`).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pandas as pd

from ...core.errors import N_, AdvisorError, Message
from ...core.textnorm import answer_key, normalize
from ..codebook import Codebook
from ..scales import AnswerScale
from .content import quotable
from .model import Column

__all__ = ["SHOWN_VALUE", "Values", "map_distinct", "shorten"]

SHOWN_VALUE = 40  # characters of a bad value quoted in a message
_ANSWER_CODE = re.compile(r"^A[O]?\d+$", re.IGNORECASE)

#: fail(template, row=data row, column=name, **params) → the error to raise
Fail = Callable[..., AdvisorError]


def map_distinct(series: pd.Series, function: Callable[[object], object], blank: object = np.nan):
    """``series.map(function)``, calling ``function`` once per distinct value: a survey
    column holds a handful of answers over thousands of rows. Missing cells get ``blank``.
    """
    codes, uniques = pd.factorize(series)
    mapped = np.empty(len(uniques) + 1, dtype=object)
    mapped[:-1] = [function(value) for value in uniques]
    mapped[-1] = blank
    return pd.Series(mapped[codes], index=series.index, dtype=object)


def shorten(value: object) -> str:
    """A value as quoted in a message: at most a line's worth."""
    value = str(value)
    return value if len(value) <= SHOWN_VALUE else value[: SHOWN_VALUE - 1] + "…"


class Values:
    """Reads the cells of one export with one codebook."""

    def __init__(self, codebook: Codebook, fail: Fail, *, plain: bool) -> None:
        self.codebook = codebook
        self.fail = fail
        self.plain = plain
        self.missing_keys = codebook.missing_keys

    def expected(self, on_scale: bool) -> Message:
        codebook = self.codebook
        if not on_scale:
            return Message(N_("a number"))
        codes = sorted(codebook.missing_numbers)
        return Message(
            N_("a score from {low:g} to {high:g}, blank or a missing-value code{codes}"),
            {
                "low": codebook.scale_min,
                "high": codebook.scale_max,
                "codes": f" ({', '.join(f'{c:g}' for c in codes)})" if codes else "",
            },
        )

    def numbers(
        self,
        raw: pd.Series,
        column: Column,
        *,
        on_scale: bool = True,
        scale: AnswerScale | None = None,
    ) -> pd.Series:
        """A column as floats, missing answers as NaN; a bad cell raises with its row."""
        codebook = self.codebook
        name = column.name
        if column.value_labels and scale is not None:
            labelled = self.by_labels(raw, column, scale)
            if labelled is not None:
                raw = labelled  # the numbers of unlabelled codes are checked below
        if raw.dtype.kind in "iuf":
            values = raw.astype("float64")
        else:
            # each distinct cell is read once (codes: each row's distinct value, -1 blank)
            codes, uniques = pd.factorize(raw)
            text = pd.Series(uniques, dtype=object).astype("string").str.strip()
            lowered = text.map(normalize, na_action="ignore")
            text = text.mask(lowered.isin(codebook.missing_texts) | (text == ""))
            read = pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce")
            bad = read.isna() & text.notna()
            if bad.any():
                read = self.texts(read, text, bad, column, scale, on_scale, codes)
            distinct = np.append(read.astype("float64").to_numpy(), np.nan)
            values = pd.Series(distinct[codes], index=raw.index, dtype="float64")
        if codebook.missing_numbers:
            # a few codes: comparing is cheaper than Series.isin's hash table (as isin,
            # -0.0 equals 0.0; a NaN code changes nothing: a NaN cell is missing anyway)
            array = values.to_numpy()
            missing = np.zeros(len(array), dtype=bool)
            for code in codebook.missing_numbers:
                missing |= array == code
            if missing.any():
                values = values.mask(missing)
        if on_scale:
            outside = (values < codebook.scale_min) | (values > codebook.scale_max)
            if outside.any():
                row = int(np.flatnonzero(outside.to_numpy())[0])
                raise self.fail(
                    N_("{value:g} is outside the answer scale (expected {expected})"),
                    row=row,
                    column=name,
                    value=values.iloc[row],
                    expected=self.expected(True),
                )
        return values

    def texts(
        self,
        values: pd.Series,
        text: pd.Series,
        bad: pd.Series,
        column: Column,
        scale: AnswerScale | None,
        on_scale: bool,
        codes: np.ndarray,
    ) -> pd.Series:
        """``values`` (one per distinct cell) with the answer texts among the ``bad``
        (non-numeric) ones read; ``codes`` give each row's distinct cell."""
        lookup = scale.lookup if scale is not None else {}
        keys = text[bad].map(answer_key).astype(object)
        known = keys.isin(lookup.keys())
        missing = keys.isin(self.missing_keys)
        values = values.astype("float64")
        values[known[known].index] = keys[known].map(lookup).astype("float64")
        left = ~(known | missing)
        if not left.any():
            return values
        # the first row holding a cell that is no answer
        row = int(np.flatnonzero(np.isin(codes, left[left].index.to_numpy()))[0])
        index = int(codes[row])
        cell = str(text.loc[index])
        value = shorten(cell)
        shown = quotable(cell, int(np.count_nonzero(codes == index)))
        if scale is None or (self.plain and not known.any()):
            if not shown:
                raise self.fail(
                    N_(
                        "this cell is not a number (expected {expected}; it is not shown, as"
                        " it may hold personal data or free text)"
                    ),
                    row=row,
                    column=column.name,
                    expected=self.expected(on_scale),
                )
            raise self.fail(
                N_("'{value}' is not a number (expected {expected})"),
                row=row,
                column=column.name,
                value=value,
                expected=self.expected(on_scale),
            )
        if _ANSWER_CODE.match(cell):
            raise self.fail(
                N_(
                    "'{value}' is an answer code, not an answer on the scale (export the"
                    " responses with their answer texts, or give the codes in the codebook's"
                    " answer scale)"
                ),
                row=row,
                column=column.name,
                value=value,
            )
        lang = scale.language_of(set(keys[known]))
        texts = (
            ", ".join(scale.texts(lang))
            if lang
            else " / ".join(", ".join(scale.texts(lang)) for lang in ("nl", "en"))
        )
        if not shown:
            raise self.fail(
                N_(
                    "this cell is not an answer on the scale (expected one of: {texts}; a"
                    " number from {low:g} to {high:g}; or blank; it is not shown, as it may"
                    " hold personal data or free text)"
                ),
                row=row,
                column=column.name,
                texts=texts,
                low=self.codebook.scale_min,
                high=self.codebook.scale_max,
            )
        raise self.fail(
            N_(
                "'{value}' is not an answer on the scale (expected one of: {texts}; a number"
                " from {low:g} to {high:g}; or blank)"
            ),
            row=row,
            column=column.name,
            value=value,
            texts=texts,
            low=self.codebook.scale_min,
            high=self.codebook.scale_max,
        )

    def by_labels(self, raw: pd.Series, column: Column, scale: AnswerScale) -> pd.Series | None:
        """An SPSS column read by its value labels: a code labelled with a text of the scale
        means that point (whatever its number), a missing-value label means missing, a code
        without a label is its number. None when no label is on the scale (the codes are
        read as numbers); a label off the scale beside ones on it is an error."""
        labels = column.value_labels or {}
        lookup = scale.lookup
        keys = {code: answer_key(label) for code, label in labels.items()}
        if not any(key in lookup for key in keys.values()):
            return None
        meaning: dict[object, float] = {}
        for code in pd.unique(raw.dropna()):
            key = keys.get(code)
            if key is None:
                meaning[code] = float(code)
            elif key in lookup:
                meaning[code] = lookup[key]
            elif key in self.missing_keys:
                meaning[code] = np.nan
            else:
                rows = np.flatnonzero((raw == code).to_numpy())
                lang = scale.language_of({k for k in keys.values() if k in lookup})
                params = {
                    "row": int(rows[0]),
                    "column": column.name,
                    "texts": ", ".join(scale.texts(lang or "nl")),
                    "low": self.codebook.scale_min,
                    "high": self.codebook.scale_max,
                }
                if not quotable(labels[code], len(rows)):
                    raise self.fail(
                        N_(
                            "this cell is not an answer on the scale (expected one of: {texts};"
                            " a number from {low:g} to {high:g}; or blank; it is not shown, as it"
                            " may hold personal data or free text)"
                        ),
                        **params,
                    )
                raise self.fail(
                    N_(
                        "'{value}' is not an answer on the scale (expected one of: {texts};"
                        " a number from {low:g} to {high:g}; or blank)"
                    ),
                    value=shorten(labels[code]),
                    **params,
                )
        return raw.map(meaning).astype("float64")
