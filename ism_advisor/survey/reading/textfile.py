"""Delimited text files: finding the encoding and delimiter, reading rows, naming lines.

Real exports come as they are: comma, semicolon or tab delimited, comma decimals, UTF-8
with or without BOM, Windows-1252, UTF-16 (Qualtrics' TSV), quoted fields with line
breaks, blank cells.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ...core.errors import N_, P_, AdvisorError
from ...core.yamlfile import file_error

__all__ = ["TextFile", "TextTable", "read_head"]

_ENCODINGS = ("utf-8-sig", "cp1252")
_DELIMITERS = (",", ";", "\t")
SNIFF_BYTES = 1 << 20  # the header row must fit in the first MiB
_SAMPLE_RECORDS = 4  # records read for recognising a tool's header rows
_FIELD_COUNT = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


def read_head(path: Path) -> bytes:
    """The first MiB of ``path``, or the one-line error for a file that cannot be read."""
    try:
        with path.open("rb") as handle:
            return handle.read(SNIFF_BYTES)
    except OSError as exc:
        raise file_error(path, exc, N_("a survey CSV file")) from None


class TextFile:
    """A delimited text file whose encoding and delimiter :meth:`sniff` finds."""

    def __init__(self, path: Path, head: bytes) -> None:
        self.path = path
        self.name = str(path)
        self.head = head
        self.encoding = "utf-8-sig"
        self.delimiter = ","

    def fail(self, template: str, **params: Any) -> AdvisorError:
        return AdvisorError(template, path=self.name, **params)

    def sniff(self) -> list[list[str]]:
        """Find the encoding and the delimiter; return the first records (the header first).

        Only the first record is complete for sure: later ones serve to recognise a tool's
        extra header rows.
        """
        head = self.head
        if not head.strip():
            raise self.fail(N_("is empty (expected a survey CSV file with a header row)"))
        text = None
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 (Qualtrics' TSV export)
            self.encoding = "utf-16"
            text = head[: len(head) // 2 * 2].decode("utf-16", errors="ignore")
        elif b"\x00" in head:
            raise self.fail(N_("is not a text file (expected a survey CSV file)"))
        bad_byte = 0
        for encoding in _ENCODINGS if text is None else ():
            try:
                text = head.decode(encoding)
            except UnicodeDecodeError as exc:
                # A multi-byte character cut off at the end of the sample is fine.
                if encoding == "utf-8-sig" and exc.start >= len(head) - 3 and exc.end == len(head):
                    text = head[: exc.start].decode(encoding)
                else:
                    bad_byte = bad_byte or exc.start
                    continue
            self.encoding = encoding
            break
        if text is None:
            raise AdvisorError(
                N_(
                    "byte 0x{byte:02x} is neither UTF-8 nor Windows-1252 text (save the file"
                    " as UTF-8)"
                ),
                path=self.name,
                line=head[:bad_byte].count(b"\n") + 1,
                byte=head[bad_byte],
            )
        if len(head) == SNIFF_BYTES and b"\n" not in head and b"\r" not in head:
            raise self.fail(
                N_(
                    "the first line is longer than {size} MiB (expected a CSV file whose"
                    " first line names the columns)"
                ),
                size=SNIFF_BYTES >> 20,
            )
        text = text.lstrip("\ufeff")
        first = text.splitlines()[0] if text.splitlines() else ""
        counts = {d: _count_outside_quotes(first, d) for d in _DELIMITERS}
        self.delimiter = max(_DELIMITERS, key=lambda d: counts[d])
        if counts[self.delimiter] == 0:
            raise AdvisorError(
                N_(
                    "the header row has one column only (expected columns separated by"
                    " commas, semicolons or tabs)"
                ),
                path=self.name,
                line=1,
            )
        # the header as csv reads it: a quoted name may hold the delimiter or a line break
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=self.delimiter)
        records = [next(reader)]
        try:
            for record in reader:
                if record:  # pandas skips blank lines
                    records.append(record)
                if len(records) == _SAMPLE_RECORDS:
                    break
        except csv.Error:  # a giant cell in the sample: the header is what counts
            pass
        return records

    def table(self, header_rows: int, header: list[str], plain: bool = False) -> TextTable:
        return TextTable(self, header_rows, header, plain)


class TextTable:
    """The rows of a :class:`TextFile` below its ``header_rows`` header rows.

    With one header row (a plain CSV), columns are parsed as pandas infers them; a tool's
    export (more header rows, or answers as text) is read as text throughout.
    """

    def __init__(self, file: TextFile, header_rows: int, header: list[str], plain: bool = False):
        self.file = file
        self.header_rows = header_rows
        self.header = header
        self.plain = plain

    def read(self, positions: Sequence[int], categorical: Sequence[int]) -> pd.DataFrame:
        file = self.file
        # Every column is read, not only ``positions``: with ``usecols`` pandas
        # silently drops the extra fields of a row with a stray delimiter.
        options: dict[str, Any] = {
            "sep": file.delimiter,
            "keep_default_na": False,
            "na_values": [""],
        }
        if self.plain:
            wanted = set(categorical)
            options.update(
                # usage and segment columns as categories: parsed once per distinct value,
                # a fraction of the memory of millions of strings
                dtype={
                    pandas_name: "category"
                    for index, pandas_name in enumerate(_pandas_names(self.header))
                    if index in wanted
                },
                skipinitialspace=True,
            )
            if file.delimiter != ",":
                options["decimal"] = ","
        else:
            options.update(header=None, dtype=object)
        for encoding in dict.fromkeys((file.encoding, *_ENCODINGS)):
            try:
                frame = pd.read_csv(file.path, encoding=encoding, **options)
            except UnicodeDecodeError:
                continue
            except pd.errors.ParserError as exc:
                raise self.parser_error(exc) from None
            finally:
                file.encoding = encoding
            if not self.plain:
                frame = frame.iloc[self.header_rows :].reset_index(drop=True)
                frame.columns = range(len(frame.columns))
                return frame[list(positions)]
            # pandas strips and de-duplicates names; keep the header's own
            if len(frame.columns) == len(self.header):
                frame.columns = range(len(self.header))
                return frame[list(positions)]
            names = _pandas_names(self.header)
            picked = frame[[names[p] for p in positions]]
            picked.columns = list(positions)
            return picked
        raise file.fail(N_("is neither UTF-8 nor Windows-1252 text"))

    def parser_error(self, exc: Exception) -> AdvisorError:
        fields = _FIELD_COUNT.search(str(exc))
        name = self.file.name
        if fields:
            expected, line, found = (int(g) for g in fields.groups())
            return AdvisorError(
                P_(
                    "this row has {n} field where the header has {expected}"
                    " (a stray delimiter or an unclosed quote?)",
                    "this row has {n} fields where the header has {expected}"
                    " (a stray delimiter or an unclosed quote?)",
                ),
                path=name,
                line=line,
                n=found,
                expected=expected,
            )
        reason = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        return AdvisorError(N_("cannot be read as CSV: {reason}"), path=name, reason=reason)

    def line_of(self, row: int) -> int:
        """The physical line where data row ``row`` starts."""
        return self.record_line(row + self.header_rows)

    def record_line(self, record: int) -> int:
        """The physical line where record ``record`` (0 = the first header row) starts."""
        if record == 0:
            return 1
        limit = csv.field_size_limit()
        csv.field_size_limit(sys.maxsize)  # a cell may be as large as the file
        try:
            return self._record_line(record)
        finally:
            csv.field_size_limit(limit)

    def _record_line(self, record: int) -> int:
        file = self.file
        with file.path.open(encoding=file.encoding, errors="replace", newline="") as handle:
            reader = csv.reader(handle, delimiter=file.delimiter)
            line = 0
            seen = -1
            for fields in reader:
                start = line + 1
                line = reader.line_num
                if not fields:  # pandas skips blank lines
                    continue
                seen += 1
                if seen == record:
                    return start
        return line


def _pandas_names(header: list[str]) -> list[str]:
    """The names pandas gives the header's columns (stripped by skipinitialspace)."""
    return [name.lstrip(" ") for name in header]


def _count_outside_quotes(line: str, delimiter: str) -> int:
    count, quoted = 0, False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif char == delimiter and not quoted:
            count += 1
    return count
