"""Which columns hold the comments to read (``--comments``), and reading them redacted.

A comment column is named like a segment (its name or its question's text); ``open``
takes every open question the export declares (Qualtrics' text entry, SurveyMonkey's
open-ended response; a plain CSV file's or a sheet's column never is one). The text is
redacted here (:mod:`..redact`): the raw text never leaves the reader.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ...core.errors import N_, AdvisorError
from ..redact import Redactor
from .model import Export
from .plan import Plan, find_column, list_columns

__all__ = ["OPEN", "comment_columns", "read_comments"]

#: the ``--comments`` value that takes every open question the export declares
OPEN = "open"


def _open_questions(export: Export) -> list[int]:
    return [c.position for c in export.columns if c.open_question]


def comment_columns(export: Export, codebook, plan: Plan, wanted: Sequence[str]) -> dict[int, str]:
    """Position -> the name the request gave it (``open``: the column's own name), in the
    order asked; the first problem raised as an AdvisorError naming the file."""
    declared = _open_questions(export)
    found: dict[int, str] = {}
    for request in wanted:
        name = request.strip()
        if name.casefold() == OPEN:
            if not declared:
                raise AdvisorError(
                    N_(
                        "--comments open: this file declares no open questions (a plain CSV"
                        " file's or a sheet's columns never do: name the column; columns"
                        " found: {found})"
                    ),
                    path=export.path,
                    found=list_columns(export.header),
                )
            for position in declared:
                found.setdefault(position, export.columns[position].name)
            continue
        position = find_column(export, codebook, name) if name else None
        if position is None:
            if declared:
                raise AdvisorError(
                    N_(
                        'no column "{name}" to read comments from (expected a column\'s name'
                        " or question text; open questions in this file: {open})"
                    ),
                    path=export.path,
                    name=name,
                    open=list_columns([export.columns[p].name for p in declared]),
                )
            raise AdvisorError(
                N_(
                    'no column "{name}" to read comments from (expected a column\'s name or'
                    " question text; columns found: {found})"
                ),
                path=export.path,
                name=name,
                found=list_columns(export.header),
            )
        found.setdefault(position, name)
    used = set(plan.usecols)
    for position in found:
        if position in used:
            raise AdvisorError(
                N_(
                    'cannot read comments from column "{name}": it is the usage column, an'
                    " item, a factor's score or a segment"
                ),
                path=export.path,
                name=export.columns[position].name,
            )
    return found


def read_comments(frame: pd.DataFrame, columns: dict[int, str], redactor: Redactor) -> pd.DataFrame:
    """The comment columns of ``frame``, redacted; None where blank."""
    out = pd.DataFrame(index=frame.index)
    for position, name in columns.items():
        raw = frame[position]
        texts = np.empty(len(raw), dtype=object)
        for index, value in enumerate(raw.tolist()):
            text = _text(value)
            texts[index] = (redactor(text) or None) if text else None
        out[name] = pd.Series(texts, index=frame.index, dtype=object)
    return out


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if value is pd.NA or value is pd.NaT:
        return ""
    return str(value)
