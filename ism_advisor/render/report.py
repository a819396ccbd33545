"""The advice report: HTML, PDF and Markdown from Jinja2 templates.

The report's data is the advice document (the JSON output).
:func:`~ism_advisor.render.context.build.report_context` turns it into one documented
:class:`~ism_advisor.render.context.model.ReportContext`; :func:`render_report` renders it
with the packaged templates or an organisation's (``--templates DIR``), which may
``{% extends "default:report.html" %}`` and replace single blocks. Every template runs in a
sandbox with ``StrictUndefined`` (:mod:`ism_advisor.render.templates`); HTML is
autoescaped, Markdown escapes markup; a PDF is made by :mod:`ism_advisor.render.pdf`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .context.model import ReportContext
from .pdf import DEFAULT_PDF_VARIANT, html_to_pdf
from .templates import render_text

__all__ = ["render_report", "render_template"]


TEMPLATE_FOR = {"html": "report.html", "pdf": "report.html", "md": "report.md"}


def render_report(
    context: ReportContext,
    fmt: str,
    templates: Path | None = None,
    pdf_variant: str = DEFAULT_PDF_VARIANT,
) -> bytes:
    """The report as bytes: HTML or Markdown text, or a PDF (of ``pdf_variant``, one of
    :data:`PDF_VARIANTS`)."""
    return render_template(
        TEMPLATE_FOR[fmt], fmt, context.lang, templates, pdf_variant, report=context
    )


def render_template(
    name: str,
    fmt: str,
    lang: str,
    templates: Path | None,
    pdf_variant: str,
    **variables: Any,
) -> bytes:
    """Template ``name`` rendered with ``variables`` (and ``format``) as bytes: HTML or
    Markdown text, or a PDF; a template's error as one :class:`AdvisorError`."""
    text = render_text(name, fmt, lang, templates, **variables)
    if fmt == "pdf":
        return html_to_pdf(text, pdf_variant)
    return text.encode("utf-8")
