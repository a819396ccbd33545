"""What reading produces (:class:`Survey`) and what every export format hands to it
(:class:`Export`: its columns, and a table to read the answers from)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

import numpy as np
import pandas as pd

from ...core.errors import N_, P_, Message
from ..codebook import Codebook

__all__ = ["Column", "Export", "Role", "SheetChoice", "Source", "Survey", "Table"]

#: What a column holds. Only ``question`` columns can feed an item, the usage question or
#: a segment; the values of the others never appear anywhere (``personal``: names,
#: e-mail and IP addresses, locations, recipient fields; ``free_text``: open answers).
Role = Literal["question", "metadata", "personal", "free_text"]


@dataclass(frozen=True)
class Column:
    """One column of an export.

    ``name`` is unique within the export and is how messages and mapping files name the
    column: the header (a plain CSV, Google and Microsoft Forms), the column id (Qualtrics
    ``Q5_1``, LimeSurvey ``PE[pe1]``), the variable (SPSS), or the statement (SurveyMonkey).
    ``texts`` are the question texts the export gives for it (Qualtrics' second header
    row, SurveyMonkey's two rows, an SPSS variable label, the header itself).
    """

    position: int
    name: str
    texts: tuple[str, ...] = ()
    role: Role = "question"
    #: SPSS value labels: code → label
    value_labels: Mapping[float, str] | None = None
    #: a ``free_text`` column that is an open question of its own (Qualtrics' text entry,
    #: SurveyMonkey's single textbox), not the "other, please specify" text of a choice
    #: question: like any tool's short-text question, it may segment when its answers form
    #: a closed set (:func:`.content.closed_set`)
    open_question: bool = False


class Table(Protocol):
    """Where an export's answers come from: a text file, a sheet, an SPSS file."""

    def read(self, positions: Sequence[int], categorical: Sequence[int]) -> pd.DataFrame:
        """The data rows of the columns at ``positions`` (the frame's column labels).

        ``categorical`` columns may come back as pandas categories (usage, segments).
        """

    def line_of(self, row: int) -> int:
        """Where data row ``row`` (0-based, in file order) is: its line, sheet row or case."""


@dataclass(frozen=True)
class SheetChoice:
    """Which sheet of a workbook holds the answers (``--sheet``: its name, default the
    first), and which of its rows is the header (``--header-row``: 1-based, default the
    row that names the codebook's roles best, :mod:`.header`)."""

    name: str | None = None
    header_row: int | None = None


@dataclass(frozen=True)
class Export:
    """An opened export, before its answers are read.

    ``format`` is ``csv`` for a plain CSV file; ``label`` (a message id) names a tool's
    layout for the one-line summary. ``status`` tells, from the ``status_columns``, which
    rows are not real responses (previews, tests, spam) and which are incomplete.
    """

    path: str
    format: str
    label: str | Message | None
    columns: tuple[Column, ...]
    table: Table
    status_columns: tuple[int, ...] = ()
    status: Callable[[pd.DataFrame], tuple[np.ndarray, np.ndarray]] | None = None
    #: a workbook's sheet read, and the row (1-based) its header was read from
    sheet: str | None = None
    sheet_index: int = 0
    header_row: int = 1
    #: a workbook's: where else the answers seem to be (a hint for an error), on demand
    elsewhere: Callable[[], Message | None] | None = None

    @property
    def header(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def other_sheet(self) -> bool:
        """A workbook's sheet other than the first: messages about its rows name it."""
        return self.sheet is not None and self.sheet_index > 0

    @property
    def plain(self) -> bool:
        """A plain CSV file: reading behaves exactly as it always did."""
        return self.format == "csv"


@dataclass(frozen=True)
class Source:
    """What was read and how: the one-line summary and the report's column appendix."""

    format: str
    label: str | Message | None
    responses: int
    left_out: int
    items_matched: int
    items_total: int
    ignored: int
    #: (column, what it fed: an item id, "usage", "segment NAME" or "score FACTOR")
    columns: tuple[tuple[str, str], ...] = ()
    mapping: str | None = None

    def summary(self) -> Message:
        """``Qualtrics export (3 header rows): 212 responses, 9 previews/incomplete left
        out, 24 of 24 items matched, 14 columns ignored``."""
        if self.mapping:
            items = P_(
                "{matched} of {n} item mapped by {mapping}",
                "{matched} of {n} items mapped by {mapping}",
            )
        else:
            items = P_("{matched} of {n} item matched", "{matched} of {n} items matched")
        params = {
            "layout": self.label
            if isinstance(self.label, Message)
            else Message(self.label or N_("CSV file")),
            "responses": Message(P_("{n} response", "{n} responses"), {"n": self.responses}),
            "left_out": Message(
                P_("{n} preview/incomplete left out", "{n} previews/incomplete left out"),
                {"n": self.left_out},
            ),
            "items": Message(
                items,
                {"matched": self.items_matched, "n": self.items_total, "mapping": self.mapping},
            ),
            "ignored": Message(
                P_("{n} column ignored", "{n} columns ignored"), {"n": self.ignored}
            ),
        }
        template = N_("{layout}: {responses}, {left_out}, {items}, {ignored}")
        return Message(template, params)


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
        name, or the codebook's or mapping's segment name); NaN where left blank.
    segment_by : the requested segmentations, each a tuple of those column names.
    items : per factor read from items, its reverse-coded answers (for Cronbach's α).
    excluded : rows left out (no usage answer).
    warnings : things the user should know that did not stop the run.
    source : the layout read, the rows left out before the usage question (previews,
        incomplete responses), and which column fed what.
    comments : with ``--comments``, one column per comment column asked for (named as
        asked), the REDACTED text of each row's comment, None where blank; else None.
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
    source: Source | None = None
    comments: pd.DataFrame | None = None

    @property
    def respondents(self) -> int:
        return len(self.is_user)

    @property
    def not_asked(self) -> tuple[str, ...]:
        """The factors no respondent has a score for, in the codebook's order: not asked
        in this survey (the file has no column for them, or they are blank in every row).
        Only a wave of several is read with such a factor (``absent_ok``); a run on one
        file refuses it."""
        return tuple(f.id for f in self.codebook.factors if self.scores[f.id].isna().all())

    @property
    def items_not_asked(self) -> dict[str, tuple[str, ...]]:
        """Per factor read from items (and asked), the codebook's items this survey did not
        ask — no column (a mapping may give a factor at least half of its items), or no
        answer in any row — in the codebook's order; factors without such items left out.
        The factor's score and Cronbach's α rest on the items asked."""
        out = {}
        for factor in self.codebook.factors:
            answers = self.items.get(factor.id)
            if answers is None or factor.id in self.not_asked:
                continue
            missing = tuple(
                item.id
                for item in factor.items
                if item.id not in answers or answers[item.id].isna().all()
            )
            if missing:
                out[factor.id] = missing
        return out

    @property
    def users(self) -> int:
        return int(self.is_user.sum())
