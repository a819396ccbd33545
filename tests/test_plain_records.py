"""A DataFrame's records made column by column are ``to_dict("records")``'s, value for
value and type for type, whatever the columns' dtypes."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ism_advisor.core.jsonvalue import plain_column, plain_records


def frame() -> pd.DataFrame:
    n = 7
    return pd.DataFrame(
        {
            "float": [0.5, np.nan, -0.0, np.inf, 1e-300, 2.0, 3.25],
            "int": np.arange(n, dtype=np.int64),
            "int32": np.arange(n, dtype=np.int32),
            "bool": [True, False] * 3 + [True],
            "object": [None, np.nan, np.int64(3), np.float64(0.25), np.bool_(True), "x", (1, 2)],
            "str": pd.array(["a", None, "é", "b", None, "c", "d"], dtype="str"),
            "string": pd.array(["a", None, "é", "b", None, "c", "d"], dtype="string"),
            "Int64": pd.array([1, None, 3, 4, None, 6, 7], dtype="Int64"),
            "boolean": pd.array([True, None, False, True, None, False, True], dtype="boolean"),
            "Float64": pd.array([0.5, None, 1.5, 2.5, None, 3.5, 4.5], dtype="Float64"),
            "category": pd.Categorical(["a", "b", None, "a", "b", "a", None]),
            "date": pd.date_range("2026-01-01", periods=n),
        }
    )


def typed(records: list[dict]) -> list[list[tuple[str, str, str]]]:
    return [[(k, type(v).__name__, repr(v)) for k, v in r.items()] for r in records]


def test_every_dtype_gives_to_dicts_values():
    table = frame()
    names = list(table.columns)
    assert typed(plain_records(table, names)) == typed(table.to_dict("records"))
    for name in names:
        expected = [r[name] for r in table.to_dict("records")]
        assert [repr(v) for v in plain_column(table, name)] == [repr(v) for v in expected]


def test_some_columns_in_the_order_asked():
    table = frame()
    expected = [{"str": r["str"], "float": r["float"]} for r in table.to_dict("records")]
    assert typed(plain_records(table, ["str", "float"])) == typed(expected)
    assert plain_records(table.iloc[:0], ["str", "float"]) == []
