"""Spreadsheets: Excel (XLSX, XLS) and OpenDocument (ODS) workbooks, first sheet.

pandas reads them with the calamine engine (Rust, no native libraries to install). A tool's
layout (SurveyMonkey's or Microsoft Forms' XLSX, a Qualtrics sheet) is recognised from the
first rows as in a text file; any other sheet is a table with one header row.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import N_, AdvisorError
from .formats import Layout, recognise, unique_names
from .model import Column, Export
from .roles import incomplete_rule, role_of

__all__ = ["open_sheet"]

_SAMPLE_ROWS = 4


def _text(value: object) -> str:
    """A header cell as text: numbers without a spurious ``.0``, blanks empty."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


class SheetTable:
    """The data rows of a sheet below its header rows; blank rows are skipped."""

    def __init__(self, cells: pd.DataFrame, first_data_row: int) -> None:
        data = cells.iloc[first_data_row:]
        blank = data.isna().all(axis=1) | data.map(_text).eq("").all(axis=1)
        self.frame = data.loc[~blank].reset_index(drop=True)
        # sheet rows are 1-based; cells' index is 0-based
        self.rows = (np.flatnonzero(~blank.to_numpy()) + first_data_row + 1).tolist()

    def read(self, positions: Sequence[int], categorical: Sequence[int]) -> pd.DataFrame:
        return self.frame[list(positions)].astype(object)

    def line_of(self, row: int) -> int:
        return self.rows[row] if row < len(self.rows) else len(self.rows)


def open_sheet(path: Path) -> Export:
    """The first sheet of a workbook as an :class:`Export`."""
    name = str(path)
    try:
        cells = pd.read_excel(path, sheet_name=0, header=None, dtype=object, engine="calamine")
    except ImportError as exc:  # python-calamine is a dependency; say what to install
        raise AdvisorError(
            N_("cannot read spreadsheets: {reason} (pip install python-calamine)"),
            path=name,
            reason=str(exc).splitlines()[0],
        ) from None
    except Exception:  # calamine raises its own error types for a broken file
        raise AdvisorError(
            N_(
                "cannot be read as a spreadsheet (damaged, or not an Excel or OpenDocument"
                " workbook)"
            ),
            path=name,
        ) from None
    texts = cells.map(_text) if len(cells) else cells
    filled = np.flatnonzero((texts != "").any(axis=1).to_numpy()) if len(cells) else []
    if len(filled) == 0:
        raise AdvisorError(
            N_("the first sheet is empty (expected a header row and a row per respondent)"),
            path=name,
        )
    top = int(filled[0])
    width = int(np.flatnonzero((texts.iloc[top] != "").to_numpy())[-1]) + 1
    cells = cells.iloc[:, :width]
    cells.columns = range(width)
    last = min(top + _SAMPLE_ROWS, len(cells))
    records = [list(texts.iloc[row, :width]) for row in range(top, last)]
    layout = recognise(records)
    if layout is None:
        names = unique_names([n or f"({i + 1})" for i, n in enumerate(records[0])])
        columns = tuple(Column(i, n, (n,), role_of(n)) for i, n in enumerate(names))
        status_columns, status = incomplete_rule(columns)
        label = (
            N_("OpenDocument spreadsheet")
            if path.suffix.lower() == ".ods"
            else N_("Excel workbook")
        )
        layout = Layout("spreadsheet", label, 1, columns, status_columns, status)
    return Export(
        name,
        layout.id,
        layout.label,
        layout.columns,
        SheetTable(cells, top + layout.header_rows),
        layout.status_columns,
        layout.status,
    )
