"""The survey tools' export layouts, one module each.

A layout module has one function, ``recognise(records)``: given the first records of a
file or sheet (the header rows first, as lists of texts), it returns a :class:`Layout` —
how many header rows, what each column is called and asks, which columns are metadata or
personal data, and how to tell previews and incomplete responses — or None when the
records are not its tool's. Adding a tool is adding a module here and listing it in
:data:`LAYOUTS`, with a fixture in the tests.
"""

from __future__ import annotations

from collections.abc import Callable

from . import googleforms, limesurvey, msforms, qualtrics, surveymonkey
from .layout import Layout, unique_names

__all__ = ["LAYOUTS", "Layout", "recognise", "unique_names"]


def recognise(records: list[list[str]]) -> Layout | None:
    """The first layout that recognises ``records``, or None (a plain table)."""
    for module in LAYOUTS:
        layout = module(records)
        if layout is not None:
            return layout
    return None


#: Checked in this order; each looks for its tool's own metadata columns.
LAYOUTS: list[Callable[[list[list[str]]], Layout | None]] = [
    qualtrics.recognise,
    limesurvey.recognise,
    surveymonkey.recognise,
    msforms.recognise,
    googleforms.recognise,
]
