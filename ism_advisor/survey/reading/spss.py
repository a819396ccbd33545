"""SPSS data files (.sav, .zsav), read with pyreadstat.

Variable names name the columns and variable labels give the question texts (Qualtrics
labels matrix rows ``Question - Statement``, LimeSurvey ``Question [Subquestion]``).
User-missing values ("weet niet" = 9, declared as missing in SPSS) are read as missing;
value labels come along, so that answers coded in any order are read by their labels.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from ...core.errors import N_, AdvisorError
from .model import Column, Export
from .roles import incomplete_rule, role_of

__all__ = ["open_sav"]


class SavTable:
    """The cases of an SPSS file; a case's number is its row."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame

    def read(self, positions: Sequence[int], categorical: Sequence[int]) -> pd.DataFrame:
        return self.frame[list(positions)]

    def line_of(self, row: int) -> int:
        return row + 1


def open_sav(path: Path) -> Export:
    name = str(path)
    try:
        import pyreadstat
    except ImportError:  # a dependency; say what to install
        raise AdvisorError(
            N_("cannot read SPSS files without pyreadstat (pip install pyreadstat)"), path=name
        ) from None
    try:
        frame, meta = pyreadstat.read_sav(str(path))
    except Exception:  # pyreadstat's ReadstatError and PyreadstatError
        raise AdvisorError(
            N_("cannot be read as an SPSS file (damaged, or not an SPSS data file)"), path=name
        ) from None
    labels = meta.column_names_to_labels or {}
    value_labels = meta.variable_value_labels or {}
    columns = []
    for position, variable in enumerate(frame.columns):
        label = (labels.get(variable) or "").strip()
        columns.append(
            Column(
                position,
                str(variable),
                (label,) if label else (),
                role_of(str(variable), label),
                value_labels.get(variable) or None,
            )
        )
    frame.columns = range(len(frame.columns))
    status_columns, status = incomplete_rule(tuple(columns))
    return Export(
        name,
        "spss",
        N_("SPSS file"),
        tuple(columns),
        SavTable(frame),
        status_columns,
        status,
    )
