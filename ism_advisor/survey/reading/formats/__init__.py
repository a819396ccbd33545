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
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..model import Column

__all__ = ["LAYOUTS", "Layout", "recognise", "unique_names"]


@dataclass(frozen=True)
class Layout:
    """What a tool's header rows say about its columns."""

    id: str
    label: str  # message id: "Qualtrics export (3 header rows)"
    header_rows: int
    columns: tuple[Column, ...]
    status_columns: tuple[int, ...] = ()
    status: Callable[[pd.DataFrame], tuple[np.ndarray, np.ndarray]] | None = None


def unique_names(names: list[str]) -> list[str]:
    """Names made unique by numbering repeats: ``Q``, ``Q (2)``, ``Q (3)``."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        count = seen.get(name, 0) + 1
        seen[name] = count
        out.append(name if count == 1 else f"{name} ({count})")
    return out


def recognise(records: list[list[str]]) -> Layout | None:
    """The first layout that recognises ``records``, or None (a plain table)."""
    for module in LAYOUTS:
        layout = module(records)
        if layout is not None:
            return layout
    return None


from . import googleforms, limesurvey, msforms, qualtrics, surveymonkey  # noqa: E402

#: Checked in this order; each looks for its tool's own metadata columns.
LAYOUTS: list[Callable[[list[list[str]]], Layout | None]] = [
    qualtrics.recognise,
    limesurvey.recognise,
    surveymonkey.recognise,
    msforms.recognise,
    googleforms.recognise,
]
