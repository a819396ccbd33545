"""LimeSurvey: "Export responses" as CSV.

One header row: question codes (``id, submitdate, lastpage, startlanguage, seed``, then
``CODE`` or ``CODE[SQ001]`` per subquestion) or, with "full question text" headings,
``Response ID, Date submitted, …`` and ``Question text [Subquestion text]`` (in Dutch
``Antwoord ID, Datum verstuurd, …``). Answers are answer codes or full answer texts. An
empty submit date marks an incomplete response; ``[other]`` and ``[comment]`` columns are
free text; ``ipaddr``, ``refurl``, ``token``, names, e-mail and attributes are personal.
"""

from __future__ import annotations

from ....core.errors import N_
from ....core.textnorm import text_key
from ..model import Column
from ..roles import free_text_name, limesurvey_status, role_of
from .layout import Layout

__all__ = ["recognise"]

_SIGNATURES = (
    ("id", "submitdate", "lastpage", "startlanguage"),
    ("responseid", "datesubmitted", "lastpage", "startlanguage"),
    ("antwoordid", "datumverstuurd", "laatstepagina", "starttaal"),
)


def recognise(records: list[list[str]]) -> Layout | None:
    if not records:
        return None
    keys = [text_key(name) for name in records[0]]
    signature = next((s for s in _SIGNATURES if sum(k in keys for k in s) >= 3), None)
    if signature is None:
        return None
    columns = []
    for position, name in enumerate(records[0]):
        role = "free_text" if free_text_name(name) else role_of(name)
        columns.append(Column(position, name, (name,), role))
    submitted = keys.index(signature[1]) if signature[1] in keys else None
    return Layout(
        "limesurvey",
        N_("LimeSurvey export"),
        1,
        tuple(columns),
        (submitted,) if submitted is not None else (),
        limesurvey_status(submitted) if submitted is not None else None,
    )
