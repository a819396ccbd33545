"""Qualtrics: CSV (UTF-8) or TSV (UTF-16), with numeric values or choice text.

Three header rows: the column ids (``StartDate``, …, ``Q5_1``), the question texts
(matrix rows as ``Question - Statement``), and the import ids (``{"ImportId":"QID5_1"}``).
Older ("legacy") exports have the first two only. Metadata columns lead: ``StartDate,
EndDate, Status, IPAddress, Progress, Duration (in seconds), Finished, RecordedDate,
ResponseId, RecipientLastName, RecipientFirstName, RecipientEmail, ExternalReference,
LocationLatitude, LocationLongitude, DistributionChannel, UserLanguage``. ``Status``
marks previews, tests and spam; ``Finished`` false marks an incomplete response. Text
entry answers (``Q5_6_TEXT``, and a text question's ``{"ImportId":"QID11_TEXT"}``) are
free text.
"""

from __future__ import annotations

from ...errors import N_
from ...textnorm import text_key
from ..model import Column
from ..roles import free_text_name, qualtrics_status, role_of
from . import Layout

__all__ = ["recognise"]


def _import_ids(record: list[str]) -> bool:
    cells = [c.strip() for c in record if c.strip()]
    return bool(cells) and sum(c.startswith('{"ImportId"') for c in cells) * 2 > len(cells)


def recognise(records: list[list[str]]) -> Layout | None:
    if not records:
        return None
    keys = [text_key(name) for name in records[0]]
    if "responseid" not in keys or not {"startdate", "enddate"} <= set(keys):
        return None
    if len(records) >= 3 and _import_ids(records[2]):
        rows, label = 3, N_("Qualtrics export (3 header rows)")
    else:
        rows, label = 2, N_("Qualtrics export (2 header rows)")
    texts = records[1] if len(records) > 1 else []
    imports = records[2] if rows == 3 else []
    columns = []
    for position, name in enumerate(records[0]):
        text = texts[position].strip() if position < len(texts) else ""
        # a text entry question: its import id ends in _TEXT ({"ImportId":"QID11_TEXT"})
        import_id = imports[position] if position < len(imports) else ""
        free = free_text_name(name) or '_TEXT"' in import_id
        role = "free_text" if free else role_of(name)
        columns.append(Column(position, name, (text,) if text else (), role))
    status = keys.index("status") if "status" in keys else None
    finished = keys.index("finished") if "finished" in keys else None
    return Layout(
        "qualtrics",
        label,
        rows,
        tuple(columns),
        tuple(p for p in (status, finished) if p is not None),
        qualtrics_status(status, finished),
    )
