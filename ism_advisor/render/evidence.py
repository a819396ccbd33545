"""The consultancy's "What works" report: the evidence ledger (``ism-advise evidence``) as
HTML, Markdown or a PDF, in English or Dutch.

The ledger document (``ism_advisor.app.evidence``, contract C2) is turned into an
:class:`~ism_advisor.render.context.evidence.EvidenceReport` and rendered with the
packaged templates ``evidence.html`` and ``evidence.md``; the PDF is the HTML laid out by
:mod:`ism_advisor.render.pdf`. No date and no client's name: the same ledger gives the
same bytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..core.errors import Message
from ..core.i18n import translations
from .context.evidence import evidence_report
from .pdf import DEFAULT_PDF_VARIANT, html_to_pdf
from .templates import render_text

__all__ = ["render_evidence"]

TEMPLATE_FOR = {"html": "evidence.html", "pdf": "evidence.html", "md": "evidence.md"}


def render_evidence(document: Mapping[str, Any], fmt: str, lang: str) -> bytes:
    """The ledger ``document`` as the "What works" report in ``fmt`` ("html", "md" or
    "pdf") and ``lang`` ("en" or "nl")."""
    tr = translations(lang)

    def t(msgid: str, **params: Any) -> str:
        return Message(msgid, params).render(tr)

    report = evidence_report(document, t, lang)
    text = render_text(TEMPLATE_FOR[fmt], fmt, lang, None, report=report)
    if fmt == "pdf":
        return html_to_pdf(text, DEFAULT_PDF_VARIANT)
    return text.encode("utf-8")
