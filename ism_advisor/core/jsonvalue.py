"""Values as JSON has them: numbers JSON can write, and plain Python for numpy's scalars.

The advice document (and the follow-up it carries) is written with ``allow_nan=False``:
every figure goes through :func:`json_number` or :func:`json_value` on its way in.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = ["json_number", "json_value"]


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
