"""``ism-advise comments FILE --column C``: the consultant's coding sheet.

The comments of the columns asked for are read redacted (the survey reader:
:func:`~ism_advisor.survey.load_survey` with ``comments``), coded by the knowledge base's
codes (:mod:`ism_advisor.stats.comments`) and written as a CSV sheet to review and
correct; a corrected sheet is read back as examples (``--comment-examples``).

The sheet (UTF-8, the columns of the labelled comments plus ``terms``):
``id,lang,text,codes,direction,terms``. Its rows are in the order of the redacted texts
(casefolded, then as written), never the file's, so that the sheet reveals no order of
time or row; ``id`` numbers them in that order (``c0001`` …). ``codes`` is ``;``-joined
(``none``: no code), ``direction`` the comment's (empty where none), ``terms`` what matched
per code (``effort_expectancy: geen tijd, te druk | technical: inloggen``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.errors import P_, Message
from ..core.resources import packaged_path
from ..protect.comments import comment_texts
from ..survey import load_survey
from ..survey.codebook import load_codebook
from .settings import comment_codes_path

__all__ = ["SHEET_COLUMNS", "CodingSheet", "check_comment_codes", "coding_sheet", "sheet_bytes"]

#: The coding sheet's columns.
SHEET_COLUMNS = ("id", "lang", "text", "codes", "direction", "terms")


@dataclass(frozen=True)
class CodingSheet:
    """The coding sheet's bytes, and how many comments it holds and how many got a code."""

    data: bytes
    comments: int
    coded: int


def coding_sheet(
    path: Path,
    columns: Sequence[str],
    *,
    lang: str = "en",
    codebook: Path | None = None,
    comment_codes: Path | None = None,
    comment_examples: Sequence[Path] = (),
    redact: Sequence[str] = (),
    redact_segments: bool = False,
    segment_by: Sequence[str] = (),
    **reading: Any,
) -> CodingSheet:
    """The coding sheet of ``columns`` of the survey ``path`` (module docstring);
    ``reading``: the reader's other options (``mapping``, ``include_incomplete``,
    ``sheet``)."""
    from ..stats.comments import code_comments, load_comment_codes, read_examples

    book = load_codebook(codebook)
    survey = load_survey(
        path,
        book,
        tuple(segment_by),
        lang=lang,
        comments=tuple(columns),
        redact_terms=tuple(redact),
        redact_segments=redact_segments,
        **reading,
    )
    codes = load_comment_codes(comment_codes, [factor.id for factor in book.factors])
    examples = None
    for example in comment_examples:  # several sheets: one set of examples
        read = read_examples(example)
        examples = read if examples is None else examples + read
    _, texts = comment_texts(survey.comments)
    coded = code_comments(texts, codes, examples)
    return CodingSheet(
        data=sheet_bytes(texts, coded),
        comments=len(texts),
        coded=sum(1 for c in coded if c.codes),
    )


def check_comment_codes(folder: Path | None, book: Any) -> tuple[Message, Path]:
    """``rules check``: the comments' codes of a knowledge-base folder (its
    ``comments.yaml``, else the packaged one) read and checked against the codebook's
    factors (an :class:`~ism_advisor.core.errors.AdvisorError` names what is wrong); how
    many codes, and the file read."""
    from ..stats.comments import load_comment_codes

    path = comment_codes_path(folder)
    codes = load_comment_codes(path, [factor.id for factor in book.factors])
    shown = path if path is not None else packaged_path("rules", "comments.yaml")
    return Message(P_("{n} comment code", "{n} comment codes"), {"n": len(codes.codes)}), shown


def sheet_bytes(texts: Sequence[str], coded: Sequence[Any]) -> bytes:
    """The sheet's CSV (module docstring): one row per comment, in the texts' order."""
    rows = sorted(zip(texts, coded, strict=True), key=lambda pair: (pair[0].casefold(), pair[0]))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(SHEET_COLUMNS)
    for number, (text, result) in enumerate(rows, start=1):
        terms = " | ".join(
            f"{code}: {', '.join(result.terms.get(code, ()))}" for code in result.codes
        )
        writer.writerow(
            (
                f"c{number:04d}",
                result.lang,
                text,
                ";".join(result.codes) or "none",
                result.direction or "",
                terms,
            )
        )
    return out.getvalue().encode("utf-8")
