"""Cells and texts that stay text in the files we write: no formula, no markup.

A codebook's wording, a segment's name and a team's value come from whoever wrote the
codebook or the survey export; the files ism-advise writes from them are opened by other
programs that read some characters as instructions. What each kind of file gets:

* **CSV for spreadsheets** (the ``index.csv`` of a folder of briefs): a text cell that
  starts with ``=``, ``+``, ``-``, ``@``, a tab, a carriage return or a line feed — or the
  full-width ``＝``, ``＋``, ``－``, ``＠``, which Excel in East Asian locales takes as the
  same — gets a leading single quote, as OWASP's CSV-injection guidance says
  (:func:`spreadsheet_cell`). Excel and LibreOffice show the cell as the text without the
  quote; a script reading the file sees the quote, which is the documented price. A cell
  that is a plain number (``-0.25``, ``+3``) is left alone: a number is no formula, and it
  must stay a number for whoever sorts or sums the column.
* **LimeSurvey's survey structure** (TSV): its text cells hold HTML, which LimeSurvey
  shows rendered, and its importer keeps every cell as written — a leading quote would
  appear in the survey. So a text is HTML-escaped and its formula-like first character
  written as its numeric character reference (``=`` → ``&#61;``): a spreadsheet sees a
  cell starting with ``&``, a respondent sees ``=`` (:func:`limesurvey_text`). Curly
  braces become ``&#123;``/``&#125;`` too, so LimeSurvey's ExpressionScript
  (``{TOKEN:EMAIL}``, ``{if(…)}``) reads no expression in a codebook's wording.
* **Qualtrics' Advanced-format TXT**: its texts are HTML too, and its own tags are
  ``[[…]]``; a text is HTML-escaped, the first ``[`` of every ``[[`` written as ``&#91;``
  (so no tag starts inside a text; Qualtrics shows ``[[``), ``${`` (piped text) as
  ``$&#123;``, and a formula-like first character as for LimeSurvey
  (:func:`qualtrics_text`): Qualtrics writes question texts into its own CSV exports.
* **XLSX** (the deck's chart workbooks): cells are typed, so a text cell is never a
  formula; :mod:`ism_advisor.render.deck` writes every text as a string cell (never a formula or
  a link) and a formula-like one with Excel's quote prefix, the stored form of a leading
  ``'``, so that it stays text even when someone edits it.

Whitespace inside a text (tabs, line breaks) becomes one space in the survey tools'
files: a line of its own would be read as a new row or a new part of a question.
"""

from __future__ import annotations

import html
import re
from typing import Any

__all__ = [
    "FORMULA_STARTS",
    "formula_like",
    "limesurvey_text",
    "qualtrics_text",
    "spreadsheet_cell",
]

#: First characters that make a spreadsheet read a cell as a formula (OWASP's list, the
#: line feed and NUL of ASVS 1.2.10, and the full-width forms of = + - @).
FORMULA_STARTS = frozenset("=+-@\t\r\n\0\uff1d\uff0b\uff0d\uff20")

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def formula_like(text: str) -> bool:
    """Whether a spreadsheet would read ``text`` as a formula: it starts with one of
    :data:`FORMULA_STARTS` and is not a plain number.

    >>> formula_like("=HYPERLINK(\\"http://x\\")"), formula_like("-0.25"), formula_like("- a")
    (True, False, True)
    """
    return bool(text) and text[0] in FORMULA_STARTS and not _NUMBER.fullmatch(text)


def spreadsheet_cell(value: Any) -> Any:
    """A CSV cell a spreadsheet shows as text: a formula-like text gets a leading ``'``;
    numbers, numeric texts and other texts are returned as they are.

    >>> [spreadsheet_cell(v) for v in ("@SUM(A1)", "-0.25", 3, "Sales")]
    ["'@SUM(A1)", '-0.25', 3, 'Sales']
    """
    if isinstance(value, str) and formula_like(value):
        return "'" + value
    return value


def _html_line(text: str) -> str:
    """A text as one line of HTML that shows it literally (``&``, ``<``, ``>`` escaped)."""
    return html.escape(" ".join(text.split()), quote=False)


def _inert_start(text: str) -> str:
    """The first character as a numeric character reference when it is formula-like."""
    if formula_like(text):
        return f"&#{ord(text[0])};{text[1:]}"
    return text


def limesurvey_text(text: str) -> str:
    """A text as LimeSurvey's HTML fields hold it: escaped, on one line, no expression,
    no formula.

    >>> limesurvey_text("=1+1 <b>{TOKEN:EMAIL}</b>")
    '&#61;1+1 &lt;b&gt;&#123;TOKEN:EMAIL&#125;&lt;/b&gt;'
    """
    line = _html_line(text).replace("{", "&#123;").replace("}", "&#125;")
    return _inert_start(line)


def qualtrics_text(text: str) -> str:
    """A text as Qualtrics' Advanced format holds it: escaped HTML on one line, no tag,
    no piped text, no formula.

    >>> qualtrics_text("[[Question:TE:SingleLine]] <img src=x>")
    '&#91;[Question:TE:SingleLine]] &lt;img src=x&gt;'
    """
    line = re.sub(r"\[(?=\[)", "&#91;", _html_line(text)).replace("${", "$&#123;")
    return _inert_start(line)
