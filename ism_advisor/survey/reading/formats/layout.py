"""What a tool's export layout says about its columns: the :class:`Layout` every format
module returns, and :func:`unique_names` for repeated question texts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..model import Column

__all__ = ["Layout", "unique_names"]


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
