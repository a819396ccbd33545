"""Reading a survey export into a validated :class:`~.model.Survey`.

The export is opened (:mod:`.detect`), its columns planned (:mod:`.plan`), its rows read:
previews and incomplete responses left out where the tool marks them, users told from
non-users, answers turned into numbers (:mod:`.answers`) and items into factor scores
(:mod:`.scoring`). The first bad cell stops the run with its file, line and column.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ...core.errors import N_, P_, AdvisorError, Message
from ...core.textnorm import answer_key, normalize
from ..codebook import Codebook, usage_answer_key
from ..redact import Redactor
from .answers import Values, map_distinct, shorten
from .comments import comment_columns, read_comments
from .content import closed_set, quotable
from .detect import open_export
from .mapping import load_mapping
from .model import Export, SheetChoice, Source, Survey
from .plan import Plan, plan_columns
from .scoring import coded_answers, score_of

__all__ = ["load_survey"]


def load_survey(
    path: str | Path,
    codebook: Codebook,
    segment_by: Sequence[str] = (),
    *,
    mapping: str | Path | None = None,
    include_incomplete: bool = False,
    lang: str = "en",
    absent_ok: bool = False,
    sheet: SheetChoice | None = None,
    comments: Sequence[str] = (),
    redact_terms: Sequence[str] = (),
    redact_segments: bool = False,
) -> Survey:
    """Read and validate a survey export: a plain CSV file or a survey tool's export.

    ``segment_by`` lists segmentations: a column name (or a segment question of the
    codebook, or its wording), or several joined by ``+`` (``"organisation+department"``:
    department within organisation). ``mapping`` is a mapping file (``ism-advise map``)
    that decides which column feeds what. Previews and tests are always left out, and
    incomplete responses unless ``include_incomplete``. A segment question with answer
    options in the codebook has its values read as those options, named in ``lang``
    (``Verkoop``, ``Sales``, ``2`` and ``sales`` are one department). Raises
    :class:`~ism_advisor.core.errors.AdvisorError` naming the file, the row's line and the
    column for the first bad value.

    ``sheet`` chooses a workbook's sheet and header row (``--sheet``, ``--header-row``).

    With ``absent_ok`` (one wave of several), a factor without a column or without any
    score is read as all missing (NaN) instead of stopping the run.

    ``comments`` names the columns of open comments to read (``--comments``: a column's
    name or question text, or ``open`` for every open question the export declares):
    :attr:`Survey.comments` holds them redacted in ``lang``, with ``redact_terms`` (and,
    with ``redact_segments``, the values of the segment columns read) redacted too.
    """
    export = open_export(Path(path), codebook, sheet)
    rules = load_mapping(mapping) if mapping is not None else None
    plan = plan_columns(export, codebook, segment_by, rules, absent_ok=absent_ok)
    reader = _Reader(export, codebook, plan, lang)
    reader.absent_ok = absent_ok
    if comments:
        reader.comments = comment_columns(export, codebook, plan, comments)
        reader.redact_terms = tuple(redact_terms)
        reader.redact_segments = redact_segments
    return reader.read(include_incomplete)


class _Reader:
    absent_ok = False
    #: comment columns to read (position -> requested name), and what to redact besides
    comments: dict[int, str] = {}  # noqa: RUF012 (never mutated)
    redact_terms: tuple[str, ...] = ()
    redact_segments = False

    def __init__(self, export: Export, codebook: Codebook, plan: Plan, lang: str = "en") -> None:
        self.export = export
        self.codebook = codebook
        self.plan = plan
        self.lang = lang
        self.name = export.path
        self.columns = export.columns
        self.rows = np.zeros(0, dtype=np.int64)  # each frame row's data row in the file
        self.values = Values(codebook, self.fail, plain=export.plain)

    def fail(
        self, template: str, *, row: int | None = None, column: str | None = None, **params: Any
    ) -> AdvisorError:
        line = self.export.table.line_of(int(self.rows[row])) if row is not None else None
        if self.export.other_sheet:  # a row number alone would send the reader to the first
            return AdvisorError(
                N_("sheet '{sheet}': {problem}"),
                path=self.name,
                line=line,
                sheet=self.export.sheet,
                problem=AdvisorError(template, column=column, **params),
            )
        return AdvisorError(template, path=self.name, line=line, column=column, **params)

    def read(self, include_incomplete: bool) -> Survey:
        plan, export = self.plan, self.export
        wanted = list(dict.fromkeys([*plan.usecols, *plan.status_columns, *self.comments]))
        frame = export.table.read(wanted, [plan.usage, *plan.segments])
        if frame.empty:
            raise self.fail(N_("has a header but no respondents"))
        self.rows = np.arange(len(frame))
        left_out = 0
        if export.status is not None:
            not_real, incomplete = export.status(frame)
            drop = not_real | (incomplete & (not include_incomplete))
            left_out = int(drop.sum())
            if drop.all():
                raise self.fail(
                    P_(
                        "no responses: the only row is a preview, a test or an incomplete"
                        " response (--include-incomplete keeps incomplete ones)",
                        "no responses: all {n} rows are previews, tests or incomplete"
                        " responses (--include-incomplete keeps incomplete ones)",
                    ),
                    n=left_out,
                )
            if left_out:
                frame = frame.loc[~drop].reset_index(drop=True)
                self.rows = self.rows[~drop]
        responses = len(frame)
        usage_name = self.columns[plan.usage].name
        is_user, keep, excluded = self.usage(frame[plan.usage])
        if not keep.any():
            raise self.fail(
                N_(
                    "no respondent answered the usage question (every cell is blank or a"
                    " missing-value code)"
                ),
                column=usage_name,
            )
        if not keep.all():
            frame = frame.loc[keep].reset_index(drop=True)
            self.rows = self.rows[keep]
            is_user = is_user[keep]
        warnings = []
        if excluded:
            warnings.append(
                Message(
                    N_('rows left out for want of an answer in column "{column}": {count}'),
                    {"count": excluded, "column": usage_name},
                )
            )
        scores, items = self.factor_scores(frame)
        n_users = int(is_user.sum())
        if n_users == 0:
            raise self.fail(
                N_("no users: every respondent is a non-user (a comparison needs both)"),
                column=usage_name,
            )
        if n_users == len(is_user):
            raise self.fail(
                N_("no non-users: every respondent is a user (a comparison needs both)"),
                column=usage_name,
            )
        segments = pd.DataFrame(index=frame.index)
        segment_values: list[str] = []
        for position in plan.segments:
            codes, labels = _distinct(self.as_text(frame[position], position))
            segment_values.extend(labels)
            self.closed(position, labels, codes)
            labels = self.segment_values(position, labels, codes)
            categories = sorted({label for label in labels if label})
            lookup_of = {label: i for i, label in enumerate(categories)}
            # blanks (and values that are only spaces) become missing: code -1
            lookup = np.array([lookup_of.get(label, -1) for label in labels] + [-1])
            segments[plan.segment_names[position]] = pd.Categorical.from_codes(
                lookup[codes], pd.Index(categories, dtype="string")
            )
            segment_values.extend(categories)
        comments = None
        if self.comments:
            terms = [*self.redact_terms, *(segment_values if self.redact_segments else ())]
            comments = read_comments(frame, self.comments, Redactor(self.lang, terms))
        source = Source(
            format=export.format,
            label=export.label,
            responses=responses,
            left_out=left_out,
            items_matched=sum(len(found) for found in plan.item_columns.values()),
            items_total=sum(len(f.items) for f in self.codebook.factors),
            ignored=len(self.columns) - len(plan.usecols),
            columns=self.uses(),
            mapping=plan.mapping,
        )
        survey = Survey(
            path=self.name,
            codebook=self.codebook,
            scores=scores,
            is_user=is_user,
            segments=segments,
            segment_by=plan.segment_by,
            items=items,
            excluded=excluded,
            warnings=tuple(warnings),
            source=source,
            comments=comments,
        )
        # a factor scored from fewer items than the codebook has: said, item by item
        for factor in self.codebook.factors:
            missing = survey.items_not_asked.get(factor.id)
            if missing:
                warnings.append(
                    Message(
                        N_(
                            "factor '{factor}' is scored from {count} of its {total} items:"
                            " {items} not asked (no column, or no answer in any row)"
                        ),
                        {
                            "factor": factor.id,
                            "count": len(factor.items) - len(missing),
                            "total": len(factor.items),
                            "items": ", ".join(missing),
                        },
                    )
                )
        return replace(survey, warnings=tuple(warnings))

    def uses(self) -> tuple[tuple[str, str], ...]:
        """(column, what it fed) in the file's order: the plan's, and the comments'."""
        uses = self.plan.uses(self.export)
        if not self.comments:
            return uses
        position_of = {c.name: c.position for c in self.columns}
        fed = [*uses, *((self.columns[p].name, "comments") for p in self.comments)]
        return tuple(sorted(fed, key=lambda use: position_of[use[0]]))

    def as_text(self, raw: pd.Series, position: int) -> pd.Series:
        """A usage or segment column of a tool's export as texts: SPSS codes as their
        labels, whole numbers without ``.0``."""
        if self.export.plain:
            return raw
        labels = self.columns[position].value_labels or {}
        return map_distinct(raw, lambda value: _cell_text(labels.get(value, value)))

    def closed(self, position: int, labels: list[str], codes: np.ndarray) -> None:
        """A segment column without answer options in the codebook names its segments by
        its answers: they must form a closed set (:func:`.content.closed_set`), or the run
        stops naming the column, what it holds and a row that shows it, never a value."""
        segment = self.codebook.segment(self.plan.segment_names[position])
        if segment is not None and segment.options:
            return  # its answers are read as the options; any other answer is refused
        verdict = closed_set(labels, codes)
        if verdict is None:
            return
        raise self.fail(
            N_(
                "cannot segment by this column: it holds {kind}, which never appear in a"
                " report (a segment needs a closed set of short answers, each shared by"
                " several respondents: give the codebook's segment question its answer"
                " options, or choose another column)"
            ),
            row=verdict.row,
            column=self.columns[position].name,
            kind=verdict.what(),
        )

    def segment_values(self, position: int, labels: list[str], codes: np.ndarray) -> list[str]:
        """A segment column's distinct values, read as the codebook question's answer
        options where it has them: each option by its label in the report's language
        (blank for a missing-value text); a value that is no option stops the run."""
        segment = self.codebook.segment(self.plan.segment_names[position])
        if segment is None or not segment.options:
            return labels
        lookup = segment.option_lookup()
        out = []
        for index, label in enumerate(labels):
            option = lookup.get(answer_key(label)) if label else None
            if option is not None:
                out.append(option.label(self.lang))
            elif not label or normalize(label) in self.codebook.missing_texts:
                out.append("")
            else:
                rows = np.flatnonzero(codes == index)
                expected = ", ".join(o.label(self.lang) for o in segment.options)
                if quotable(label, len(rows)):
                    raise self.fail(
                        N_(
                            "'{value}' is not an answer to segment question '{segment}'"
                            " (expected one of: {expected})"
                        ),
                        row=int(rows[0]),
                        column=self.columns[position].name,
                        value=shorten(label),
                        segment=segment.id,
                        expected=expected,
                    )
                raise self.fail(
                    N_(
                        "this answer is not an answer to segment question '{segment}'"
                        " (expected one of: {expected}; it is not shown, as it may hold"
                        " personal data)"
                    ),
                    row=int(rows[0]),
                    column=self.columns[position].name,
                    segment=segment.id,
                    expected=expected,
                )
        return out

    def usage(self, raw: pd.Series) -> tuple[np.ndarray, np.ndarray, int]:
        """(is_user, keep, excluded) from the usage column.

        Blank cells and missing-value codes mean "no answer": such rows are left out.
        """
        usage = self.codebook.usage
        column = self.columns[self.plan.usage]
        if usage.type == "numeric":
            scale = self.codebook.answer_scale(usage.answers) if usage.answers else None
            numbers = self.values.numbers(raw, column, on_scale=False, scale=scale)
            keep = numbers.notna().to_numpy()
            return (numbers >= usage.threshold).to_numpy(), keep, int((~keep).sum())
        codes, uniques = _distinct(self.as_text(raw, self.plan.usage))
        keys = [usage_answer_key(value) for value in uniques]
        user_keys, non_user_keys = usage.user_keys, usage.non_user_keys
        known = [key in user_keys or key in non_user_keys for key in keys]
        for index, value in enumerate(uniques):
            if not value or known[index]:
                continue
            if normalize(value) not in self.codebook.missing_texts:
                rows = np.flatnonzero(codes == index)
                expected = ", ".join((*usage.users, *usage.non_users))
                if quotable(value, len(rows)):
                    raise self.fail(
                        N_("'{value}' is not a usage answer (expected one of: {expected})"),
                        row=int(rows[0]),
                        column=column.name,
                        value=shorten(value),
                        expected=expected,
                    )
                raise self.fail(
                    N_(
                        "this answer is not a usage answer (expected one of: {expected}; it"
                        " is not shown, as it may hold personal data)"
                    ),
                    row=int(rows[0]),
                    column=column.name,
                    expected=expected,
                )
        # codes are -1 for empty cells: the extra last entry of each lookup serves them
        is_user = np.array([key in user_keys for key in keys] + [False])[codes]
        keep = np.array([*known, False])[codes]
        return is_user, keep, int((~keep).sum())

    def factor_scores(self, frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
        codebook, plan = self.codebook, self.plan
        scores = pd.DataFrame(index=frame.index)
        items: dict[str, pd.DataFrame] = {}
        for factor in codebook.factors:
            if factor.id in plan.item_columns:
                answers = pd.DataFrame(index=frame.index)
                for item in factor.items:
                    position = plan.item_columns[factor.id].get(item.id)
                    if position is None:
                        continue
                    answers[item.id] = self.values.numbers(
                        frame[position],
                        self.columns[position],
                        scale=codebook.item_scale(factor, item),
                    )
                coded = coded_answers(factor, answers, codebook)
                scores[factor.id] = score_of(factor, coded)
                items[factor.id] = coded
            elif factor.id in plan.score_columns:
                position = plan.score_columns[factor.id]
                scores[factor.id] = self.values.numbers(frame[position], self.columns[position])
            else:  # absent from this wave (absent_ok)
                scores[factor.id] = np.full(len(frame), np.nan)
        for factor in codebook.factors:
            if scores[factor.id].isna().all() and not self.absent_ok:
                raise self.fail(
                    N_(
                        "no respondent has a score for factor '{factor}' (every answer is"
                        " blank or a missing-value code)"
                    ),
                    factor=factor.id,
                )
        return scores, items


def _cell_text(value: object) -> str:
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _distinct(column: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Each row's code (-1 when empty) and the distinct values, stripped of spaces."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes = column.cat.codes.to_numpy().astype(np.int64)
        values = [str(value).strip() for value in column.cat.categories]
    else:
        found, uniques = pd.factorize(column)
        codes, values = found.astype(np.int64), [str(value).strip() for value in uniques]
    return codes, values
