"""The one error type of ism-advisor, and the messages it carries.

Every problem with what a user gave us — a CSV, a YAML file, a template, an option —
is raised as :class:`AdvisorError`. The command line prints it as one line on stderr and
exits with status 1; library users catch it like any exception.

Messages are kept as an English template plus parameters (:class:`Message`) and are only
turned into text when shown, so the core never needs to know the reader's language.
"""

from __future__ import annotations

import gettext
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .resources import shown_path

__all__ = ["C_", "N_", "P_", "AdvisorError", "Message"]


def N_(template: str) -> str:
    """Mark ``template`` for translation without translating it (Babel extracts it)."""
    return template


def C_(context: str, template: str) -> str:
    """Mark ``template`` for translation in ``context`` (gettext's msgctxt).

    For a word whose translation depends on what it describes: an effect size that is
    "medium" is "middelgroot" in Dutch, a medium priority "middel". The result is the
    gettext key of the pair (context, EOT, template), which :class:`Message` looks up with
    ``pgettext``; Babel extracts it with the keyword ``C_:1c,2``.
    """
    return f"{context}\x04{template}"


def P_(singular: str, plural: str) -> str:
    """Mark a message whose wording depends on a count (gettext's ngettext).

    ``P_("{n} column ignored", "{n} columns ignored")``: the count is the parameter ``n``
    of the :class:`Message`, which picks the form with ``ngettext`` in the reader's
    language (Dutch and English: one form for 1, the other for every other number). The
    result is gettext's key of the pair (singular, NUL, plural); Babel extracts it with the
    keyword ``P_:1,2``.
    """
    return f"{singular}\x00{plural}"


@dataclass(frozen=True)
class Message:
    """A user-facing text: an English ``str.format`` template and its parameters.

    The template is the gettext message id; :meth:`render` looks it up in the reader's
    catalogue and fills in the parameters.
    """

    template: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def render(self, translations: gettext.NullTranslations | None = None) -> str:
        if "\x00" in self.template:  # a message with a count (P_)
            singular, plural = self.template.split("\x00", 1)
            catalogue = translations or gettext.NullTranslations()
            template = catalogue.ngettext(singular, plural, self.params["n"])
        elif "\x04" in self.template:  # a message with a context (C_)
            context, text = self.template.split("\x04", 1)
            template = translations.pgettext(context, text) if translations else text
        else:
            template = translations.gettext(self.template) if translations else self.template
        params = {
            key: value.render(translations) if isinstance(value, (Message, AdvisorError)) else value
            for key, value in self.params.items()
        }
        return template.format(**params)

    def __str__(self) -> str:
        return self.render()


class AdvisorError(Exception):
    """Raised for every bad input: a file, a setting or an option the user can fix.

    ``path`` names the file, ``line`` its line (a CSV record's physical line), ``column``
    the 1-based character column in a text file (YAML, templates) or the column name of a
    CSV file. The rendered form is ``path:line:column: message`` for text files and
    ``path:line: column "name": message`` for CSV files.
    """

    def __init__(
        self,
        template: str,
        *,
        path: str | None = None,
        line: int | None = None,
        column: int | str | None = None,
        **params: Any,
    ) -> None:
        self.message = Message(template, params)
        self.path = path
        self.line = line
        self.column = column
        #: every problem found in the same validation run, this one first
        self.problems: tuple[AdvisorError, ...] = (self,)
        super().__init__(self.render())

    def render(self, translations: gettext.NullTranslations | None = None) -> str:
        """The one-line form shown to the user, in the language of ``translations``.

        Line breaks that came in with the data (a column name, a cell) are shown as
        ``\\n``, so that the message stays one line.
        """
        text = _one_line(self.message.render(translations))
        if isinstance(self.column, str):
            label = Message(N_('column "{name}"'), {"name": self.column}).render(translations)
            text = f"{label}: {text}"
        # a packaged file is named as such, never by its place inside site-packages
        path = shown_path(self.path) if self.path is not None else None
        parts = [_one_line(str(p)) for p in (path, self.line) if p is not None]
        if isinstance(self.column, int) and self.line is not None:
            parts.append(str(self.column))
        return ":".join([*parts, " " + text]) if parts else text


def _one_line(text: str) -> str:
    return text.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\r")
