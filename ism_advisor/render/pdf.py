"""PDF output with WeasyPrint: the variants ``--pdf-variant`` writes, HTML laid out as A4
pages, and the fonts a PDF embeds."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from ..core.errors import N_, AdvisorError, Message
from .templates import environment

__all__ = ["DEFAULT_PDF_VARIANT", "PDF_VARIANTS", "pdf_pages"]


#: The PDFs ``--pdf-variant`` writes, as WeasyPrint's options (README, "Accessibility"):
#: ``pdf/ua-1`` (the default) a tagged PDF declared PDF/UA-1 (ISO 14289-1): structure,
#: reading order, the document's language and title, header cells and the charts'
#: alternative texts for screen readers; ``pdf/a-3b`` PDF/A-3b (ISO 19005-3) for
#: archives, with the same tags; ``plain`` an untagged PDF that claims no standard.
PDF_VARIANTS: dict[str, dict[str, Any]] = {
    "pdf/ua-1": {"pdf_variant": "pdf/ua-1"},
    "pdf/a-3b": {"pdf_variant": "pdf/a-3b", "pdf_tags": True},
    "plain": {},
}
DEFAULT_PDF_VARIANT = "pdf/ua-1"


#: How to install Pango, the system library WeasyPrint draws text with, on each system
#: (WeasyPrint's installation guide).
PANGO_INSTALL = N_(
    "Debian/Ubuntu: sudo apt install libpango-1.0-0 libpangoft2-1.0-0; Fedora: sudo dnf"
    " install pango; macOS: brew install pango; Windows: install the GTK3 runtime (see"
    " WeasyPrint's installation guide) or use WSL"
)


def weasyprint() -> Any:
    """The WeasyPrint module, or one line saying what is missing and how to install it.

    WeasyPrint is a Python package (installed with ism-advisor) but draws text with Pango,
    a system library pip cannot install: loading it fails with OSError where Pango is
    missing.
    """
    try:
        import weasyprint as module
    except ImportError as error:
        raise AdvisorError(
            N_(
                "PDF output needs the Python package WeasyPrint, which cannot be imported"
                " ({problem}); install it with 'pip install weasyprint', or choose"
                " --format html, md or json"
            ),
            problem=str(error),
        ) from None
    except OSError as error:
        raise AdvisorError(
            N_(
                "PDF output needs the system library Pango, which WeasyPrint cannot load"
                " ({problem}); install it ({install}), or choose --format html, md or json"
            ),
            problem=str(error),
            install=Message(PANGO_INSTALL),
        ) from None
    return module


def html_to_pdf(html: str, variant: str = DEFAULT_PDF_VARIANT) -> bytes:
    """The HTML as an A4 PDF of ``variant`` (WeasyPrint is imported only here).

    The tags come from the HTML's structure (headings, lists, tables with their header
    cells, ``<html lang>``, ``<title>``), a chart's alternative text from its SVG
    ``<title>`` (WeasyPrint 70 and later).
    """
    return pdf_pages(html, variant).write_pdf(**PDF_VARIANTS[variant])


def pdf_pages(html: str, variant: str = DEFAULT_PDF_VARIANT) -> Any:
    """The HTML laid out as A4 pages for a PDF of ``variant``: a WeasyPrint document
    (``len(pages.pages)``; ``pages.write_pdf(**PDF_VARIANTS[variant])`` writes it, as
    WeasyPrint's own ``HTML.write_pdf`` does)."""
    options = PDF_VARIANTS[variant]
    return (
        weasyprint().HTML(string=html, base_url=None).render(font_config=_font_config(), **options)
    )


@lru_cache(maxsize=1)
def _font_config() -> Any:
    """One WeasyPrint font configuration per process: making one per document is a third
    of a one-page PDF's time (the manager briefs), and the PDFs are byte-identical."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def pdf_fonts(templates: Path | None = None) -> tuple[bytes, tuple[str, ...]]:
    """Render one small page with the report's stylesheet: the PDF and the font families
    it embeds (what ``ism-advise doctor`` shows)."""
    css = environment("en", "pdf", templates).get_template("report.css").render()
    html = (
        f"<!DOCTYPE html><html lang='en'><head><style>{css}</style></head><body>"
        "<h1>ism-advisor</h1><p>PDF <strong>check</strong> 0,47 − 1.5</p></body></html>"
    )
    document = weasyprint().HTML(string=html, base_url=None).render()
    data = document.write_pdf()
    # Document.fonts is filled while writing; it is not a documented API, so read it
    # defensively
    fonts = getattr(document, "fonts", {}) or {}
    families = sorted({str(getattr(font, "family", "")) for font in fonts.values()} - {""})
    return data, tuple(families)
