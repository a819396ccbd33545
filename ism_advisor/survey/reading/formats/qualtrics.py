"""Qualtrics: CSV (UTF-8) or TSV (UTF-16), with numeric values or choice text.

Three header rows: the column ids (``StartDate``, …, ``Q5_1``), the question texts
(matrix rows as ``Question - Statement``), and the import ids (``{"ImportId":"QID5_1"}``).
Older ("legacy") exports have two: ``V1, V2, …`` over the metadata and the question ids,
then the metadata's names (``ResponseID, ResponseSet, Name, ExternalDataReference,
EmailAddress, IPAddress, Status, StartDate, EndDate, Finished``) and the question texts.
Metadata columns lead: ``StartDate,
EndDate, Status, IPAddress, Progress, Duration (in seconds), Finished, RecordedDate,
ResponseId, RecipientLastName, RecipientFirstName, RecipientEmail, ExternalReference,
LocationLatitude, LocationLongitude, DistributionChannel, UserLanguage``. ``Status``
marks previews, tests and spam; ``Finished`` false marks an incomplete response. Text
entry answers (``Q5_6_TEXT``, and a text question's ``{"ImportId":"QID11_TEXT"}``) are
free text.
"""

from __future__ import annotations

from ....core.errors import N_
from ....core.textnorm import text_key
from ..model import Column
from ..roles import free_text_name, qualtrics_status, role_of
from .layout import Layout

__all__ = ["recognise"]


def _import_ids(record: list[str]) -> bool:
    cells = [c.strip() for c in record if c.strip()]
    return bool(cells) and sum(c.startswith('{"ImportId"') for c in cells) * 2 > len(cells)


def _is_export(keys: list[str]) -> bool:
    return "responseid" in keys and {"startdate", "enddate"} <= set(keys)


def recognise(records: list[list[str]]) -> Layout | None:
    if not records:
        return None
    keys = [text_key(name) for name in records[0]]
    legacy = (
        keys[:2] == ["v1", "v2"]
        and len(records) > 1
        and _is_export([text_key(text) for text in records[1]])
    )
    if not (_is_export(keys) or legacy):
        return None
    if len(records) >= 3 and _import_ids(records[2]):
        rows, label = 3, N_("Qualtrics export (3 header rows)")
    else:
        rows, label = 2, N_("Qualtrics export (2 header rows)")
    texts = records[1] if len(records) > 1 else []
    if legacy:  # V1, V2, … name the metadata; the second row says what they are
        keys = [text_key(text) for text in texts]
    imports = records[2] if rows == 3 else []
    columns = []
    for position, name in enumerate(records[0]):
        text = texts[position].strip() if position < len(texts) else ""
        # a text entry question: its import id ends in _TEXT ({"ImportId":"QID11_TEXT"})
        import_id = imports[position] if position < len(imports) else ""
        other = free_text_name(name)
        free = other or '_TEXT"' in import_id
        role = "free_text" if free else role_of(name, text if legacy else "")
        columns.append(
            Column(position, name, (text,) if text else (), role, open_question=free and not other)
        )
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
