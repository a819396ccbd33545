"""Opening an export: which kind of file it is, and which tool's layout it has.

SPSS and spreadsheet files are known by their first bytes; anything else is read as
delimited text, whose first records tell a tool's export (:mod:`.formats`) from a plain
CSV file with one header row.
"""

from __future__ import annotations

from pathlib import Path

from ...core.errors import N_, AdvisorError
from ..codebook import Codebook
from .formats import recognise
from .model import Column, Export, SheetChoice
from .roles import role_of
from .textfile import TextFile, read_head

__all__ = ["open_export"]

_SPSS = (b"$FL2", b"$FL3")
_ZIP = b"PK\x03\x04"  # XLSX and ODS
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # XLS


def open_export(
    path: Path, codebook: Codebook | None = None, sheet: SheetChoice | None = None
) -> Export:
    """The export at ``path``, its columns known and its answers not yet read.

    A workbook's sheet and header row are ``sheet``'s, else found with the ``codebook``'s
    help (:func:`.sheets.open_sheet`); ``sheet`` is refused for any other file."""
    head = read_head(path)
    if head.startswith((_ZIP, _OLE)):
        from .sheets import open_sheet

        return open_sheet(path, codebook, sheet)
    if sheet is not None and (sheet.name is not None or sheet.header_row is not None):
        option = "--sheet" if sheet.name is not None else "--header-row"
        raise AdvisorError(
            N_(
                "{option} is for a spreadsheet (Excel or OpenDocument), but this file is not"
                " one (leave out {option})"
            ),
            path=str(path),
            option=option,
        )
    if head[:4] in _SPSS:
        from .spss import open_sav

        return open_sav(path)
    file = TextFile(path, head)
    records = file.sniff()
    header = records[0]
    layout = recognise(records)
    if layout is None:
        columns = tuple(
            Column(position, name, (name,), role_of(name)) for position, name in enumerate(header)
        )
        return Export(str(path), "csv", None, columns, file.table(1, header, plain=True))
    return Export(
        str(path),
        layout.id,
        layout.label,
        layout.columns,
        file.table(layout.header_rows, header),
        layout.status_columns,
        layout.status,
    )
