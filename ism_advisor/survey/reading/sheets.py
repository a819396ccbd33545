"""Spreadsheets: Excel (XLSX, XLS) and OpenDocument (ODS) workbooks, one sheet.

The first sheet, or the one ``--sheet`` names; its header is the first row holding
something, or a row below it (title rows above the header) that names more of the
codebook's roles (:mod:`.header`), or the row ``--header-row`` gives. An error about the
header names the sheet and the row, and where another sheet seems to hold the answers,
says so (``add --sheet Responses``).

pandas reads them with the calamine engine (Rust, no native libraries to install). A tool's
layout (SurveyMonkey's or Microsoft Forms' XLSX, a Qualtrics sheet) is recognised from the
first rows as in a text file; any other sheet is a table with one header row.

The reader builds a sheet as a dense grid from A1 to its last cell, so one stray cell at
XFD1048576 would ask for seventeen billion cells. Before it runs, the workbook's zip
container is checked (:func:`ism_advisor.core.zipfiles.check_zip`) and each sheet's XML
is streamed to find its real used range — the last row and column holding a value, not
the ``<dimension>`` a file declares —: a sheet read may hold at most :data:`MAX_CELLS`
cells.
"""

from __future__ import annotations

import contextlib
import posixpath
import shlex
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd
from lxml import etree

from ...core.errors import N_, AdvisorError, Message
from ...core.zipfiles import SHEET_LIMITS, check_zip, stream_member
from ..codebook import Codebook
from .formats import Layout, recognise, unique_names
from .header import SEARCHED_ROWS, RoleKeys, best_header
from .model import Column, Export, SheetChoice
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


def open_sheet(
    path: Path, codebook: Codebook | None = None, choice: SheetChoice | None = None
) -> Export:
    """A sheet of a workbook as an :class:`Export`: the one ``choice`` names, else the
    first; its header the row ``choice`` gives, else the first row holding something, or
    (with a ``codebook``) a row below it that names more of the codebook's roles (title
    rows above the header are skipped, :mod:`.header`)."""
    name = str(path)
    choice = choice or SheetChoice()
    extents = sheet_extents(path)
    # the sizes are checked before the reader opens the workbook: it reads an ODS file's
    # every sheet at once, an XLSX file's sheet when asked for it
    names = list(extents) if extents else _sheet_names(path)
    sheet = _chosen_sheet(names, choice.name, name)
    ods = extents is not None and _is_ods(path)
    for checked in names if ods else [sheet]:
        _check_extent(extents, checked, name)
    keys = RoleKeys.of(codebook) if codebook is not None else None
    cells = _read_sheet(path, sheet)
    texts = cells.map(_text) if len(cells) else cells
    filled = np.flatnonzero((texts != "").any(axis=1).to_numpy()) if len(cells) else []

    def elsewhere(own: int) -> Message | None:
        return _other_sheet(path, names, sheet, extents, keys, own)

    if len(filled) == 0:
        found = elsewhere(-1) if choice.name is None else None
        raise AdvisorError(
            N_("sheet '{sheet}' is empty (expected a header row and a row per respondent){hint}"),
            path=name,
            sheet=sheet,
            hint=found or "",
        )
    top = int(filled[0])
    if choice.header_row is not None:
        top = choice.header_row - 1
        if top >= len(cells) or not (texts.iloc[top] != "").any():
            raise AdvisorError(
                N_(
                    "--header-row {row}: row {row} of sheet '{sheet}' is empty (expected the"
                    " row that names the columns)"
                ),
                path=name,
                row=choice.header_row,
                sheet=sheet,
            )
    layout = recognise(_records(texts, top))
    if layout is None and choice.header_row is None and keys is not None:
        rows = [(int(r), list(texts.iloc[r])) for r in filled[:SEARCHED_ROWS]]
        best, _ = best_header(rows, keys)
        if best != top:
            top = best
            layout = recognise(_records(texts, top))
    records = _records(texts, top)
    width = len(records[0])
    cells = cells.iloc[:, :width]
    cells.columns = range(width)
    kind = N_("OpenDocument spreadsheet") if path.suffix.lower() == ".ods" else N_("Excel workbook")
    if layout is None:
        header = unique_names([n or f"({i + 1})" for i, n in enumerate(records[0])])
        columns = tuple(Column(i, n, (n,), role_of(n)) for i, n in enumerate(header))
        status_columns, status = incomplete_rule(columns)
        layout = Layout("spreadsheet", kind, 1, columns, status_columns, status)
    score = keys.score_columns(layout.columns) if keys is not None else 0
    label: str | Message | None = layout.label
    if top != int(filled[0]) or sheet != names[0]:  # say where the answers were read
        label = Message(
            N_("{layout}, sheet '{sheet}', header in row {row}"),
            {"layout": Message(layout.label or kind), "sheet": sheet, "row": top + 1},
        )
    return Export(
        name,
        layout.id,
        label,  # type: ignore[arg-type]
        layout.columns,
        SheetTable(cells, top + layout.header_rows),
        layout.status_columns,
        layout.status,
        sheet=sheet,
        sheet_index=names.index(sheet),
        header_row=top + 1,
        elsewhere=lambda: elsewhere(score),
    )


def _records(texts: pd.DataFrame, top: int) -> list[list[str]]:
    """The rows from ``top`` that tell a tool's layout, as text, to the last filled cell
    of row ``top``."""
    width = int(np.flatnonzero((texts.iloc[top] != "").to_numpy())[-1]) + 1
    last = min(top + _SAMPLE_ROWS, len(texts))
    return [list(texts.iloc[row, :width]) for row in range(top, last)]


def _is_ods(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as package:
            return "content.xml" in package.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


def _sheet_names(path: Path) -> list[str]:
    """The workbook's sheets, in order."""
    with _calamine(path), pd.ExcelFile(path, engine="calamine") as workbook:
        names = [str(n) for n in workbook.sheet_names]
    if not names:
        raise _damaged(path)
    return names


def _damaged(path: Path) -> AdvisorError:
    return AdvisorError(
        N_("cannot be read as a spreadsheet (damaged, or not an Excel or OpenDocument workbook)"),
        path=str(path),
    )


@contextlib.contextmanager
def _calamine(path: Path) -> Iterator[None]:
    """python-calamine's failures as one line each: a missing reader, a broken file."""
    try:
        yield
    except ImportError as exc:  # python-calamine is a dependency; say what to install
        raise AdvisorError(
            N_("cannot read spreadsheets: {reason} (pip install python-calamine)"),
            path=str(path),
            reason=str(exc).splitlines()[0],
        ) from None
    except Exception:  # calamine raises its own error types for a broken file
        raise _damaged(path) from None


def _read_sheet(path: Path, sheet: str) -> pd.DataFrame:
    with _calamine(path):
        return pd.read_excel(path, sheet_name=sheet, header=None, dtype=object, engine="calamine")


def _chosen_sheet(names: list[str], wanted: str | None, path: str) -> str:
    """The sheet ``--sheet`` names (its capitals need not match when only one sheet has
    the name), else the first."""
    if wanted is None:
        return names[0]
    if wanted in names:
        return wanted
    folded = [n for n in names if n.casefold() == wanted.strip().casefold()]
    if len(folded) == 1:
        return folded[0]
    raise AdvisorError(
        N_("--sheet: no sheet '{sheet}' in this workbook (its sheets: {names})"),
        path=path,
        sheet=wanted,
        names=", ".join(f"'{n}'" for n in names),
    )


def _other_sheet(
    path: Path,
    names: list[str],
    sheet: str,
    extents: dict[str, tuple[int, int]] | None,
    keys: RoleKeys | None,
    own: int,
) -> Message | None:
    """The hint for an error on ``sheet``: another sheet whose best header row names more
    of the codebook's roles than ``own`` (the first of the best). Sheets too big to read
    are passed over."""
    if keys is None:
        return None
    best, best_score = None, own
    for other in names:
        extent = extents.get(other) if extents is not None else None
        if other == sheet or (extent is not None and extent[0] * extent[1] > MAX_CELLS):
            continue
        try:
            cells = _read_sheet(path, other)
        except AdvisorError:
            continue
        if not len(cells):
            continue
        texts = cells.head(SEARCHED_ROWS * 5).map(_text)
        filled = np.flatnonzero((texts != "").any(axis=1).to_numpy())
        if len(filled) == 0:
            continue
        _, score = best_header([(int(r), list(texts.iloc[r])) for r in filled], keys)
        if score > best_score:
            best, best_score = other, score
    if best is None:
        return None
    option = best if best.replace("_", "").replace("-", "").isalnum() else shlex.quote(best)
    return Message(
        N_("; the data seems to be on sheet '{sheet}': add --sheet {option}"),
        {"sheet": best, "option": option},
    )


def sheet_extents(path: Path) -> dict[str, tuple[int, int]] | None:
    """Each sheet's used range (rows, columns) counted from A1, streamed from an XLSX or
    ODS file after its zip container was checked (:func:`~ism_advisor.core.zipfiles.check_zip`);
    None for an XLS file (no zip) or a file no reader understands: the reader says what is
    wrong with it."""
    name = str(path)
    check_zip(path, name, SHEET_LIMITS, _WORKBOOK, verify=True)
    extents: dict[str, tuple[int, int]] = {}
    try:
        with zipfile.ZipFile(path) as package:
            members = set(package.namelist())
            if "xl/workbook.xml" in members:
                for sheet, member in _xlsx_sheets(package, name):
                    extents[sheet] = (0, 0)
                    if member in members:
                        with package.open(member) as handle:
                            extents[sheet] = _xlsx_extent(handle)
            elif "content.xml" in members:
                with package.open("content.xml") as handle:
                    extents = _ods_extents(handle)
            else:
                return None
    except (zipfile.BadZipFile, KeyError, OSError, etree.XMLSyntaxError):
        return None  # the reader reports a damaged workbook
    return extents


def check_sheet_size(path: Path, sheet: str | None = None) -> None:
    """Raise :class:`AdvisorError` when the workbook's zip container would unpack beyond
    :data:`~ism_advisor.core.zipfiles.SHEET_LIMITS`, or the sheet (default the first) has a
    used range of more than :data:`MAX_CELLS` cells."""
    extents = sheet_extents(path)
    if extents:
        _check_extent(extents, sheet if sheet is not None else next(iter(extents)), str(path))


def _check_extent(extents: dict[str, tuple[int, int]] | None, sheet: str, name: str) -> None:
    if extents is None or sheet not in extents:
        return
    rows, columns = extents[sheet]
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


def _xlsx_sheets(package: zipfile.ZipFile, where: str) -> list[tuple[str, str]]:
    """Every sheet's name and the zip member holding it, in the workbook's order."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    workbook = etree.fromstring(_small(package, "xl/workbook.xml", where), parser)
    sheets = list(workbook.iter(f"{{{_SHEET_NS}}}sheet")) or list(workbook.iter("{*}sheet"))
    if not sheets:
        return []
    rels = etree.fromstring(_small(package, "xl/_rels/workbook.xml.rels", where), parser)
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.iter("{*}Relationship")}
    out = []
    for sheet in sheets:
        target = targets.get(sheet.get(f"{{{_REL_NS}}}id"))
        if target is None:
            continue
        member = (
            target.lstrip("/")
            if target.startswith("/")
            else posixpath.normpath(posixpath.join("xl", target))
        )
        out.append((sheet.get("name", ""), member))
    return out


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


def _ods_extents(handle: IO[bytes]) -> dict[str, tuple[int, int]]:
    """Each table's name, and its last row and column (1-based) holding a value,
    streamed, counting repeated rows and cells (``number-rows-repeated``,
    ``number-columns-repeated``) as the reader expands them."""
    row_tag, table_tag = f"{{{_TABLE_NS}}}table-row", f"{{{_TABLE_NS}}}table"
    cell_tags = (f"{{{_TABLE_NS}}}table-cell", f"{{{_TABLE_NS}}}covered-table-cell")
    rows_repeated = f"{{{_TABLE_NS}}}number-rows-repeated"
    columns_repeated = f"{{{_TABLE_NS}}}number-columns-repeated"
    value_type = f"{{{_OFFICE_NS}}}value-type"
    out: dict[str, tuple[int, int]] = {}
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
                rows, last_row, last_column = 0, 0, 0
                continue
            out.setdefault(name, (last_row, last_column))
            element.clear(keep_tail=False)
            continue
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
    return out


def _repeat(value: str | None) -> int:
    return int(value) if value and value.isdigit() and int(value) > 0 else 1
