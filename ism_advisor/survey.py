"""Loading a survey export into a tidy, validated :class:`Survey`.

Two shapes are read: one score column per factor (``scores.csv``), or one column per
survey item (``responses.csv``), which is reverse-coded and averaged into factor scores.
A file may mix the two per factor. Real exports load as they are: comma, semicolon or tab
delimited, comma decimals, UTF-8 with or without BOM or Windows-1252, quoted fields, blank
cells, and column names matched without regard to case, accents or spacing.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .codebook import Codebook, usage_answer_key
from .errors import N_, AdvisorError, Message
from .textnorm import normalize
from .yamlfile import did_you_mean

__all__ = ["Survey", "load_survey"]

_ENCODINGS = ("utf-8-sig", "cp1252")
_DELIMITERS = (",", ";", "\t")
_SNIFF_BYTES = 1 << 20  # the header row must fit in the first MiB
_SHOWN_VALUE = 40  # characters of a bad value quoted in a message
_FIELD_COUNT = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


@dataclass(frozen=True)
class Survey:
    """Respondents ready to compare; every frame shares one row index.

    Attributes
    ----------
    path : the file read.
    codebook : the codebook it was read with.
    scores : one float column per factor id; NaN where the factor is missing.
    is_user : True for users, False for non-users.
    segments : one categorical column per segment column used (the export's own column
        name); NaN where the respondent left it blank.
    segment_by : the requested segmentations, each a tuple of those column names.
    items : per factor read from items, its reverse-coded answers (for Cronbach's α).
    excluded : rows left out (no usage answer).
    warnings : things the user should know that did not stop the run.
    """

    path: str
    codebook: Codebook
    scores: pd.DataFrame
    is_user: np.ndarray
    segments: pd.DataFrame
    segment_by: tuple[tuple[str, ...], ...] = ()
    items: dict[str, pd.DataFrame] = field(default_factory=dict)
    excluded: int = 0
    warnings: tuple[Message, ...] = ()

    @property
    def respondents(self) -> int:
        return len(self.is_user)

    @property
    def users(self) -> int:
        return int(self.is_user.sum())


def load_survey(path: str | Path, codebook: Codebook, segment_by: Sequence[str] = ()) -> Survey:
    """Read and validate a survey export.

    ``segment_by`` lists segmentations: a column name, or several joined by ``+``
    (``"organisation+department"``: department within organisation). Names are matched
    like every column name. Raises :class:`~ism_advisor.errors.AdvisorError` naming the
    file, the row's line and the column for the first bad value.
    """
    return _SurveyReader(Path(path), codebook).read(segment_by)


class _SurveyReader:
    def __init__(self, path: Path, codebook: Codebook) -> None:
        self.path = path
        self.name = str(path)
        self.codebook = codebook
        self.encoding = "utf-8-sig"
        self.delimiter = ","

    def fail(
        self, template: str, *, row: int | None = None, column: str | None = None, **params: Any
    ) -> AdvisorError:
        line = self.line_of(row) if row is not None else None
        return AdvisorError(template, path=self.name, line=line, column=column, **params)

    # -- the file ----------------------------------------------------------------

    def read(self, segment_by: Sequence[str]) -> Survey:
        header = self.sniff()
        plan = _ColumnPlan.make(header, self.codebook, segment_by, self)
        frame = self.parse(plan)
        if frame.empty:
            raise self.fail(N_("has a header but no respondents"))
        is_user, keep, excluded = self.usage(frame[plan.usage], plan.usage)
        if not keep.any():
            raise self.fail(
                N_(
                    "no respondent answered the usage question (every cell is blank or a"
                    " missing-value code)"
                ),
                column=plan.usage,
            )
        if not keep.all():
            frame = frame.loc[keep].reset_index(drop=True)
            is_user = is_user[keep]
        warnings = []
        if excluded:
            warnings.append(
                Message(
                    N_('rows left out for want of an answer in column "{column}": {count}'),
                    {"count": excluded, "column": plan.usage},
                )
            )
        scores, items = self.factor_scores(frame, plan)
        n_users = int(is_user.sum())
        if n_users == 0:
            raise self.fail(
                N_("no users: every respondent is a non-user (a comparison needs both)"),
                column=plan.usage,
            )
        if n_users == len(is_user):
            raise self.fail(
                N_("no non-users: every respondent is a user (a comparison needs both)"),
                column=plan.usage,
            )
        segments = pd.DataFrame(index=frame.index)
        for name in plan.segments:
            codes, labels = _distinct(frame[name])
            categories = sorted({label for label in labels if label})
            position = {label: i for i, label in enumerate(categories)}
            # blanks (and values that are only spaces) become missing: code -1
            lookup = np.array([position.get(label, -1) for label in labels] + [-1])
            segments[name] = pd.Categorical.from_codes(
                lookup[codes], pd.Index(categories, dtype="string")
            )
        return Survey(
            path=self.name,
            codebook=self.codebook,
            scores=scores,
            is_user=is_user,
            segments=segments,
            segment_by=plan.segment_by,
            items=items,
            excluded=excluded,
            warnings=tuple(warnings),
        )

    def sniff(self) -> list[str]:
        """Find the encoding and the delimiter; return the header's column names."""
        try:
            with self.path.open("rb") as handle:
                head = handle.read(_SNIFF_BYTES)
        except FileNotFoundError:
            raise self.fail(N_("no such file (expected a survey CSV file)")) from None
        except IsADirectoryError:
            raise self.fail(N_("is a folder (expected a survey CSV file)")) from None
        except OSError as exc:
            raise self.fail(N_("cannot be read: {reason}"), reason=exc.strerror) from None
        if not head.strip():
            raise self.fail(N_("is empty (expected a survey CSV file with a header row)"))
        if b"\x00" in head:
            raise self.fail(N_("is not a text file (expected a survey CSV file)"))
        text = None
        bad_byte = 0
        for encoding in _ENCODINGS:
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
        if len(head) == _SNIFF_BYTES and b"\n" not in head and b"\r" not in head:
            raise self.fail(
                N_(
                    "the first line is longer than {size} MiB (expected a CSV file whose"
                    " first line names the columns)"
                ),
                size=_SNIFF_BYTES >> 20,
            )
        first = text.splitlines()[0] if text.splitlines() else ""
        counts = {d: _count_outside_quotes(first, d) for d in _DELIMITERS}
        self.delimiter = max(_DELIMITERS, key=lambda d: counts[d])
        if counts[self.delimiter] == 0:
            raise self.fail(
                N_(
                    "the header row has one column only (expected columns separated by"
                    " commas, semicolons or tabs)"
                ),
                row=0,
            )
        # the header as csv reads it: a quoted name may hold the delimiter or a line break
        return next(csv.reader(io.StringIO(text, newline=""), delimiter=self.delimiter))

    def parse(self, plan: _ColumnPlan) -> pd.DataFrame:
        # Every column is read, not only ``plan.usecols``: with ``usecols`` pandas
        # silently drops the extra fields of a row with a stray delimiter.
        options: dict[str, Any] = {
            "sep": self.delimiter,
            # usage and segment columns as categories: parsed once per distinct value,
            # a fraction of the memory of millions of strings
            "dtype": {
                pandas_name: "category"
                for pandas_name, name in zip(_pandas_names(plan.header), plan.header, strict=True)
                if name in (plan.usage, *plan.segments)
            },
            "keep_default_na": False,
            "na_values": [""],
            "skipinitialspace": True,
        }
        if self.delimiter != ",":
            options["decimal"] = ","
        for encoding in dict.fromkeys((self.encoding, *_ENCODINGS)):
            try:
                frame = pd.read_csv(self.path, encoding=encoding, **options)
                # pandas strips and de-duplicates names; keep the header's own
                if len(frame.columns) == len(plan.header):
                    frame.columns = plan.header
                return frame[plan.usecols]
            except UnicodeDecodeError:
                continue
            except pd.errors.ParserError as exc:
                raise self.parser_error(exc) from None
            finally:
                self.encoding = encoding
        raise self.fail(N_("is neither UTF-8 nor Windows-1252 text"))

    def parser_error(self, exc: Exception) -> AdvisorError:
        fields = _FIELD_COUNT.search(str(exc))
        if fields:
            expected, line, found = (int(g) for g in fields.groups())
            return AdvisorError(
                N_(
                    "this row has {found} fields where the header has {expected}"
                    " (a stray delimiter or an unclosed quote?)"
                ),
                path=self.name,
                line=line,
                found=found,
                expected=expected,
            )
        reason = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        return AdvisorError(N_("cannot be read as CSV: {reason}"), path=self.name, reason=reason)

    def line_of(self, row: int) -> int:
        """The physical line where data row ``row`` (0 = the header) starts."""
        if row == 0:
            return 1
        limit = csv.field_size_limit()
        csv.field_size_limit(sys.maxsize)  # a cell may be as large as the file
        try:
            return self._line_of(row)
        finally:
            csv.field_size_limit(limit)

    def _line_of(self, row: int) -> int:
        with self.path.open(encoding=self.encoding, errors="replace", newline="") as handle:
            reader = csv.reader(handle, delimiter=self.delimiter)
            line = 0
            seen = -1
            for record in reader:
                start = line + 1
                line = reader.line_num
                if not record:  # pandas skips blank lines
                    continue
                seen += 1
                if seen == row:
                    return start
        return line

    # -- the columns -------------------------------------------------------------

    def usage(self, raw: pd.Series, column: str) -> tuple[np.ndarray, np.ndarray, int]:
        """(is_user, keep, excluded) from the usage column.

        Blank cells and missing-value codes mean "no answer": such rows are left out.
        """
        usage = self.codebook.usage
        if usage.type == "numeric":
            numbers = self.numeric(raw, column, on_scale=False)
            keep = numbers.notna().to_numpy()
            return (numbers >= usage.threshold).to_numpy(), keep, int((~keep).sum())
        codes, uniques = _distinct(raw)
        keys = [usage_answer_key(value) for value in uniques]
        user_keys, non_user_keys = usage.user_keys, usage.non_user_keys
        known = [key in user_keys or key in non_user_keys for key in keys]
        for index, value in enumerate(uniques):
            if not value or known[index]:
                continue
            if normalize(value) not in self.codebook.missing_texts:
                row = int(np.flatnonzero(codes == index)[0])
                raise self.fail(
                    N_("'{value}' is not a usage answer (expected one of: {expected})"),
                    row=row + 1,
                    column=column,
                    value=_shorten(uniques[index]),
                    expected=", ".join((*usage.users, *usage.non_users)),
                )
        # codes are -1 for empty cells: the extra last entry of each lookup serves them
        is_user = np.array([key in user_keys for key in keys] + [False])[codes]
        keep = np.array([*known, False])[codes]
        return is_user, keep, int((~keep).sum())

    def numeric(self, raw: pd.Series, column: str, *, on_scale: bool = True) -> pd.Series:
        """A column as floats, missing codes as NaN; bad values raise with their row."""
        codebook = self.codebook
        if raw.dtype.kind in "iuf":
            values = raw.astype("float64")
        else:
            text = raw.astype("string").str.strip()
            lowered = text.map(normalize, na_action="ignore")
            text = text.mask(lowered.isin(codebook.missing_texts) | (text == ""))
            values = pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce")
            bad = values.isna() & text.notna()
            if bad.any():
                row = int(np.flatnonzero(bad.to_numpy())[0])
                raise self.fail(
                    N_("'{value}' is not a number (expected {expected})"),
                    row=row + 1,
                    column=column,
                    value=_shorten(text.iloc[row]),
                    expected=self.expected(on_scale),
                )
            values = values.astype("float64")
        if codebook.missing_numbers:
            values = values.mask(values.isin(list(codebook.missing_numbers)))
        if on_scale:
            outside = (values < codebook.scale_min) | (values > codebook.scale_max)
            if outside.any():
                row = int(np.flatnonzero(outside.to_numpy())[0])
                raise self.fail(
                    N_("{value:g} is outside the answer scale (expected {expected})"),
                    row=row + 1,
                    column=column,
                    value=values.iloc[row],
                    expected=self.expected(True),
                )
        return values

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

    def factor_scores(
        self, frame: pd.DataFrame, plan: _ColumnPlan
    ) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
        codebook = self.codebook
        scores = pd.DataFrame(index=frame.index)
        items: dict[str, pd.DataFrame] = {}
        for factor in codebook.factors:
            if factor.id in plan.item_columns:
                answers = pd.DataFrame(index=frame.index)
                for item, column in zip(factor.items, plan.item_columns[factor.id], strict=True):
                    values = self.numeric(frame[column], column)
                    if item.reverse:
                        values = codebook.scale_min + codebook.scale_max - values
                    answers[item.id] = values
                answered = answers.notna().sum(axis=1)
                score = answers.mean(axis=1, skipna=True)
                scores[factor.id] = score.where(answered * 2 >= len(factor.items))
                items[factor.id] = answers
            else:
                column = plan.score_columns[factor.id]
                scores[factor.id] = self.numeric(frame[column], column)
        for factor in codebook.factors:
            if scores[factor.id].isna().all():
                raise self.fail(
                    N_(
                        "no respondent has a score for factor '{factor}' (every answer is"
                        " blank or a missing-value code)"
                    ),
                    factor=factor.id,
                )
        return scores, items


@dataclass
class _ColumnPlan:
    """Which export column feeds what."""

    header: list[str]
    usage: str
    segments: list[str]
    segment_by: tuple[tuple[str, ...], ...]
    score_columns: dict[str, str]
    item_columns: dict[str, list[str]]

    @property
    def usecols(self) -> list[str]:
        columns = [self.usage, *self.segments, *self.score_columns.values()]
        for names in self.item_columns.values():
            columns.extend(names)
        return list(dict.fromkeys(columns))

    @classmethod
    def make(
        cls,
        header: list[str],
        codebook: Codebook,
        segment_by: Sequence[str],
        reader: _SurveyReader,
    ) -> _ColumnPlan:
        index: dict[str, list[str]] = {}
        for name in header:
            index.setdefault(normalize(name), []).append(name)

        def find(names: Sequence[str]) -> str | None:
            found: list[str] = []
            for key in dict.fromkeys(normalize(name) for name in names):
                found.extend(index.get(key, []))
            if len(found) > 1:
                raise reader.fail(
                    N_("columns {columns} both match '{name}' (rename or remove one)"),
                    row=0,
                    columns=" and ".join(f'"{c}"' for c in found),
                    name=names[0],
                )
            return found[0] if found else None

        usage = find(codebook.usage.column_names())
        if usage is None:
            raise reader.fail(
                N_(
                    'no usage column "{name}" (the column telling users from non-users;'
                    " columns found: {found})"
                ),
                row=0,
                name=codebook.usage.column,
                found=_list_columns(header),
            )
        score_columns: dict[str, str] = {}
        item_columns: dict[str, list[str]] = {}
        for factor in codebook.factors:
            items = [find([item.id]) for item in factor.items]
            if all(items):
                item_columns[factor.id] = [c for c in items if c]
                continue
            score = find(factor.column_names())
            if score is not None:
                score_columns[factor.id] = score
            elif any(items):
                absent = [i.id for i, c in zip(factor.items, items, strict=True) if c is None]
                raise reader.fail(
                    N_(
                        "factor '{factor}' has item columns but misses {items}"
                        ' (give every item of the factor, or one score column "{factor}")'
                    ),
                    row=0,
                    factor=factor.id,
                    items=", ".join(absent),
                )
            else:
                raise reader.fail(
                    N_(
                        "no column for factor '{factor}' (expected a score column \"{factor}\""
                        " or the item columns {items})"
                    ),
                    row=0,
                    factor=factor.id,
                    items=", ".join(i.id for i in factor.items),
                )
        segments: list[str] = []
        specs: list[tuple[str, ...]] = []

        def segment_column(wanted: str) -> str:
            column = find([wanted])
            if column is None:
                raise reader.fail(
                    N_('no column "{name}" to segment by{hint} (columns found: {found})'),
                    row=0,
                    name=wanted,
                    hint=did_you_mean(wanted, header),
                    found=_list_columns(header),
                )
            if column == usage or column in score_columns.values():
                raise reader.fail(
                    N_('cannot segment by "{name}": it is the usage column or a factor'),
                    row=0,
                    name=column,
                )
            return column

        for wanted in segment_by:
            whole = find([wanted]) if wanted.strip() else None
            parts = [wanted] if whole or "+" not in wanted else wanted.split("+")
            spec = tuple(dict.fromkeys(segment_column(part.strip()) for part in parts))
            if spec not in specs:
                specs.append(spec)
            segments.extend(c for c in spec if c not in segments)
        return cls(header, usage, segments, tuple(specs), score_columns, item_columns)


def _distinct(column: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Each row's code (-1 when empty) and the distinct values, stripped of spaces."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes = column.cat.codes.to_numpy().astype(np.int64)
        values = [str(value).strip() for value in column.cat.categories]
    else:
        found, uniques = pd.factorize(column)
        codes, values = found.astype(np.int64), [str(value).strip() for value in uniques]
    return codes, values


def _shorten(value: str) -> str:
    """A value as quoted in a message: at most a line's worth."""
    value = str(value)
    return value if len(value) <= _SHOWN_VALUE else value[: _SHOWN_VALUE - 1] + "…"


def _pandas_names(header: list[str]) -> list[str]:
    """The names pandas gives the header's columns (stripped by skipinitialspace)."""
    return [name.lstrip(" ") for name in header]


def _list_columns(header: list[str]) -> str:
    shown = ", ".join(header[:12])
    return shown + (", …" if len(header) > 12 else "")


def _count_outside_quotes(line: str, delimiter: str) -> int:
    count, quoted = 0, False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif char == delimiter and not quoted:
            count += 1
    return count
