"""Languages: the gettext catalogues of every fixed user-facing text.

English is the source language (the message ids); Dutch lives in
``ism_advisor/locale/nl/LC_MESSAGES/ism_advisor.po``, compiled to ``.mo`` with Babel
(see the README's section on translations).
"""

from __future__ import annotations

import gettext
from functools import cache
from importlib.resources import files

__all__ = ["DOMAIN", "LANGUAGES", "translations"]

DOMAIN = "ism_advisor"
LANGUAGES = ("en", "nl")


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The catalogue for ``lang`` ("en" or "nl"); English needs none."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}")
    if lang == "en":
        return gettext.NullTranslations()
    localedir = files("ism_advisor") / "locale"
    return gettext.translation(DOMAIN, localedir=str(localedir), languages=[lang])
