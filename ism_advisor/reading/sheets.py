"""Spreadsheets: Excel (XLSX, XLS) and OpenDocument (ODS) workbooks, first sheet.

pandas reads them with the calamine engine (Rust, no native libraries to install). A tool's
layout (SurveyMonkey's or Microsoft Forms' XLSX, a Qualtrics sheet) is recognised from the
first rows as in a text file; any other sheet is a table with one header row.

The reader builds a sheet as a dense grid from A1 to its last cell, so one stray cell at
XFD1048576 would ask for seventeen billion cells. Before it runs, the workbook's zip
container is checked (:func:`ism_advisor.zipfiles.check_zip`) and the first sheet's XML
is streamed to find its real used range — the last row and column holding a value, not
the ``<dimension>`` a file declares —, which may hold at most :data:`MAX_CELLS` cells.
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd
from lxml import etree

from ..errors import N_, AdvisorError
from ..zipfiles import SHEET_LIMITS, check_zip, stream_member
from .formats import Layout, recognise, unique_names
from .model import Column, Export
from .roles import incomplete_rule, role_of

__all__ = ["open_sheet"]

_SAMPLE_ROWS = 4

#: The most cells (rows × columns, counted from A1 to the last cell holding a value) a
#: sheet may have: 10,000 respondents with 200 answers each. Reading that many takes
#: about 400 MB; the limit keeps a run well inside a gigabyte.
MAX_CELLS = 2_000_000

_WORKBOOK = N_("an Excel or OpenDocument workbook")
_SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"


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
    check_sheet_size(path)
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


def check_sheet_size(path: Path) -> None:
    """Raise :class:`AdvisorError` when the workbook's zip container would unpack beyond
    :data:`~ism_advisor.zipfiles.SHEET_LIMITS`, or its first sheet's used range holds more
    than :data:`MAX_CELLS` cells. An XLS file (no zip) or a file no reader understands
    passes: the reader says what is wrong with it."""
    name = str(path)
    check_zip(path, name, SHEET_LIMITS, _WORKBOOK, verify=True)
    try:
        with zipfile.ZipFile(path) as package:
            members = set(package.namelist())
            if "xl/workbook.xml" in members:
                found = _xlsx_first_sheet(package, name)
                if found is None:
                    return
                sheet, member = found
                with package.open(member) as handle:
                    rows, columns = _xlsx_extent(handle)
            elif "content.xml" in members:
                with package.open("content.xml") as handle:
                    sheet, rows, columns = _ods_extent(handle)
            else:
                return
    except (zipfile.BadZipFile, KeyError, OSError, etree.XMLSyntaxError):
        return  # the reader reports a damaged workbook
    if rows * columns > MAX_CELLS:
        raise AdvisorError(
            N_(
                "sheet '{sheet}' reaches cell {cell}: {rows} rows by {columns} columns, more"
                " than the {limit} million cells a sheet may have (expected a header row and a"
                " row per respondent; delete the cells beyond the survey's data)"
            ),
            path=name,
            sheet=sheet,
            cell=f"{_column_letters(columns)}{rows}",
            rows=rows,
            columns=columns,
            limit=MAX_CELLS // 1_000_000,
        )


def _small(package: zipfile.ZipFile, member: str, where: str) -> bytes:
    info = package.getinfo(member)
    return b"".join(stream_member(package, info, where, 16 << 20, _WORKBOOK))


def _xlsx_first_sheet(package: zipfile.ZipFile, where: str) -> tuple[str, str] | None:
    """The first sheet's name and the zip member holding it."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    workbook = etree.fromstring(_small(package, "xl/workbook.xml", where), parser)
    first = workbook.find(f"{{{_SHEET_NS}}}sheets/{{{_SHEET_NS}}}sheet")
    if first is None:
        first = next(workbook.iter("{*}sheet"), None)
    if first is None:
        return None
    rid = first.get(f"{{{_REL_NS}}}id")
    rels = etree.fromstring(_small(package, "xl/_rels/workbook.xml.rels", where), parser)
    for rel in rels.iter("{*}Relationship"):
        if rel.get("Id") == rid:
            target = rel.get("Target", "")
            member = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join("xl", target))
            )
            return first.get("name", ""), member
    return None


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def _column_letters(number: int) -> str:
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _xlsx_extent(handle: IO[bytes]) -> tuple[int, int]:
    """The last row and column (1-based) of a cell holding something, streamed a row at a
    time: a cell without content (only a style) does not count, as the reader skips it."""
    last_row = last_column = row = 0
    cell_tag = f"{{{_SHEET_NS}}}c"
    events = etree.iterparse(
        handle,
        events=("end",),
        tag=f"{{{_SHEET_NS}}}row",
        resolve_entities=False,
        no_network=True,
        huge_tree=True,
    )
    for _, element in events:
        number = element.get("r")
        row = int(number) if number and number.isdigit() else row + 1
        column = 0
        for cell in element.iterchildren(cell_tag):
            reference = cell.get("r")
            if reference:
                letters = reference.rstrip("0123456789").upper()
                column = _column_number(letters) if letters.isalpha() else column + 1
                digits = reference[len(letters) :]
                cell_row = int(digits) if digits.isdigit() else row
            else:
                column += 1
                cell_row = row
            if len(cell):  # a value, an inline string or a formula
                last_row = max(last_row, cell_row)
                last_column = max(last_column, column)
        element.clear(keep_tail=False)
        while element.getprevious() is not None:
            del element.getparent()[0]
    return last_row, last_column


def _ods_extent(handle: IO[bytes]) -> tuple[str, int, int]:
    """The first table's name, and the last row and column (1-based) holding a value,
    streamed, counting repeated rows and cells (``number-rows-repeated``,
    ``number-columns-repeated``) as the reader expands them."""
    row_tag, table_tag = f"{{{_TABLE_NS}}}table-row", f"{{{_TABLE_NS}}}table"
    cell_tags = (f"{{{_TABLE_NS}}}table-cell", f"{{{_TABLE_NS}}}covered-table-cell")
    rows_repeated = f"{{{_TABLE_NS}}}number-rows-repeated"
    columns_repeated = f"{{{_TABLE_NS}}}number-columns-repeated"
    value_type = f"{{{_OFFICE_NS}}}value-type"
    name, rows, last_row, last_column, column, filled = "", 0, 0, 0, 0, False
    events = etree.iterparse(
        handle,
        events=("start", "end"),
        tag=(table_tag, row_tag, *cell_tags),
        resolve_entities=False,
        no_network=True,
        huge_tree=True,
    )
    for event, element in events:
        if element.tag == table_tag:
            if event == "start":
                name = element.get(f"{{{_TABLE_NS}}}name", "")
                continue
            break  # the first sheet only
        if element.tag == row_tag:
            if event == "start":
                column, filled = 0, False
                continue
            repeat = _repeat(element.get(rows_repeated))
            if filled:
                last_row = rows + repeat
            rows += repeat
            element.clear(keep_tail=False)
            while element.getprevious() is not None:
                del element.getparent()[0]
            continue
        if event == "start":
            continue
        repeat = _repeat(element.get(columns_repeated))
        if element.get(value_type) is not None or len(element):
            last_column = max(last_column, column + repeat)
            filled = True
        column += repeat
    return name, last_row, last_column


def _repeat(value: str | None) -> int:
    return int(value) if value and value.isdigit() and int(value) > 0 else 1
