"""The deck's package: the same input gives the same bytes (fixed dates, the zip entries in
a fixed order, no slides of the template), with only text its XML can carry
(:func:`xml_text`)."""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from collections.abc import Callable
from typing import Any

from ...core.errors import N_
from ...core.inert import formula_like
from ...core.zipfiles import TEMPLATE_LIMITS, stream_member
from .facts import DeckFacts

__all__ = ["deterministic_package"]


#: The timestamp of every zip entry (the zip format's earliest date), and of the embedded
#: workbooks and the deck when no --date is given.
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
EPOCH = datetime.datetime(1980, 1, 1)


# a text with characters XML cannot hold (C0 controls other than tab and line feed)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def xml_text(text: Any) -> str:
    """Text as a slide can hold it: characters XML cannot carry become spaces."""
    return _CONTROL.sub(" ", str(text))


def drop_slides(presentation: Any) -> None:
    """Leave the template's own slides out of the deck (their parts are then not saved)."""
    slide_ids = presentation.slides._sldIdLst
    for slide_id in list(slide_ids):
        presentation.part.drop_rel(slide_id.rId)
        slide_ids.remove(slide_id)


def as_datetime(date: str | None) -> datetime.datetime:
    if not date:
        return EPOCH
    try:
        return datetime.datetime.combine(datetime.date.fromisoformat(date), datetime.time())
    except ValueError:
        return EPOCH


def core_properties(presentation: Any, facts: DeckFacts) -> None:
    """The document properties: the deck's own, none of the template's, no clock."""
    properties = presentation.core_properties
    report = facts.report
    properties.title = xml_text(report.title)
    properties.subject = xml_text(report.scope)
    properties.author = xml_text(report.client or "")
    properties.last_modified_by = "ism-advisor"
    properties.revision = 1
    properties.language = {"nl": "nl-NL", "en": "en-GB"}[facts.lang]
    for name in ("keywords", "comments", "category", "content_status", "identifier", "version"):
        setattr(properties, name, "")
    element = properties._element
    if facts.date:
        when = as_datetime(facts.date)
        properties.created = when
        properties.modified = when
    else:
        for tag in ("created", "modified"):
            for node in element.findall(f"{{http://purl.org/dc/terms/}}{tag}"):
                element.remove(node)
    for node in element.findall(
        "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}lastPrinted"
    ):
        element.remove(node)


def deterministic_package(data: bytes) -> bytes:
    """The same zip package with every entry dated 1980-01-01 and no host-specific
    attributes, in the order it was written (``[Content_Types].xml`` first)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, _ZIP_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 0
            entry.external_attr = 0
            # part by part in chunks, each no bigger than a template's part may be: a
            # template's big part (media) is never held twice
            with target.open(entry, "w") as sink:
                for chunk in stream_member(
                    source, info, "deck", TEMPLATE_LIMITS.member, N_("a PowerPoint presentation")
                ):
                    sink.write(chunk)
    return out.getvalue()


def text_cell_writer(workbook: Any) -> Callable[..., Any]:
    """XlsxWriter's handler for text cells: a formula-like text as a string with the
    quote prefix (its format made on first use, so other workbooks stay as they were);
    any other text left to XlsxWriter (None), which writes it as a string."""
    quoted: list[Any] = []

    def write(worksheet: Any, row: int, col: int, text: str, *_: Any) -> Any:
        if not formula_like(text):
            return None
        if not quoted:
            quoted.append(workbook.add_format({"quote_prefix": True}))
        return worksheet.write_string(row, col, text, quoted[0])

    return write
