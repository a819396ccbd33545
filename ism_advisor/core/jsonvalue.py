"""Values as JSON has them: numbers JSON can write, and plain Python for numpy's scalars.

The advice document (and the follow-up it carries) is written with ``allow_nan=False``:
every figure goes through :func:`json_number` or :func:`json_value` on its way in.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from pandas.core.dtypes.cast import maybe_box_native

__all__ = ["json_number", "json_value", "plain_column", "plain_records"]


def json_number(value: Any) -> float | int | None:
    """A JSON-safe number: NaN and infinities become null, numpy types plain Python.

    >>> json_number(np.int64(3)), json_number(np.float64("nan")), json_number(0.5)
    (3, None, 0.5)
    """
    if type(value) is float:  # the common case first
        return value if math.isfinite(value) else None
    if value is None:
        return None
    if isinstance(value, (np.integer, int)) and not isinstance(value, bool):
        return int(value)
    value = float(value)
    return value if math.isfinite(value) else None


def json_value(value: Any) -> Any:
    """A JSON-safe value: a text, a yes/no and None as they are, anything else as
    :func:`json_number`.

    >>> json_value("high"), json_value(True), json_value(None), json_value(np.float32(2))
    ('high', True, None, 2.0)
    """
    return value if isinstance(value, (str, bool)) or value is None else json_number(value)


def plain_column(table: pd.DataFrame, name: str) -> list[Any]:
    """One column's values as ``table.to_dict("records")`` gives them, in one pass: plain
    Python numbers from a numeric column, an object or extension column's numpy scalars
    and ``pd.NA`` boxed (pandas' ``maybe_box_native``).

    >>> plain_column(pd.DataFrame({"a": [1, 2], "b": ["x", np.int64(3)]}), "b")
    ['x', 3]
    """
    column = table[name]
    dtype = column.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "fiub":
        return column.tolist()
    if dtype is np.dtype(object):
        values = column.to_numpy().tolist()  # the objects themselves
    elif isinstance(dtype, pd.api.extensions.ExtensionDtype):
        values = column.to_numpy(dtype=object).tolist()  # as iterating gives them
    else:
        return list(column)
    return [v if type(v) in _PLAIN else maybe_box_native(v) for v in values]


#: Types pandas' ``maybe_box_native`` returns as they are.
_PLAIN = frozenset({str, float, int, bool, type(None)})


def plain_records(table: pd.DataFrame, names: Sequence[str]) -> list[dict[str, Any]]:
    """``table.to_dict("records")`` with only the columns ``names``, in that order, made
    column by column (:func:`plain_column`)."""
    columns = [plain_column(table, name) for name in names]
    return [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]
