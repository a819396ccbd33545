"""The deck's PowerPoint template: loading and checking it (:func:`load_deck_template`) and
finding its layouts and placeholders."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...core.errors import N_, AdvisorError, Message
from ...core.resources import packaged_path
from ...core.zipfiles import TEMPLATE_LIMITS, check_zip

__all__ = ["LAYOUTS", "DeckTemplate", "load_deck_template"]


#: The packaged template's file name (in ``templates/``).
DEFAULT_TEMPLATE = "deck.pptx"


@dataclass(frozen=True)
class Layout:
    """A slide layout the deck needs: its role, name, built-in kind and what it carries."""

    role: str
    name: str
    kind: str  # the ``type`` attribute PowerPoint gives its built-in layouts
    use: str  # what the deck puts on it (a message)
    body: bool  # it needs a content placeholder besides the title


#: The layouts a template must have (found by name, else by built-in kind).
LAYOUTS = (
    Layout("title", "Title Slide", "title", N_("the title slide"), False),
    Layout(
        "content",
        "Title and Content",
        "obj",
        N_("the text slides: summary, actions, appendix"),
        True,
    ),
    Layout("title_only", "Title Only", "titleOnly", N_("the chart and table slides"), False),
)


_CONTENT_TYPES = {
    "presentationml.template.main+xml": "template",
    "presentationml.slideshow.main+xml": "slideshow",
    "presentation.macroEnabled.main+xml": "macros",
    "template.macroEnabledTemplate.main+xml": "template",
    "slideshow.macroEnabled.main+xml": "slideshow",
}


@dataclass(frozen=True)
class DeckTemplate:
    """A checked PowerPoint template: its bytes and which layout plays which role."""

    data: bytes = field(repr=False)
    path: str
    #: role ("title", "content", "title_only") -> the layout's name in the template
    layouts: Mapping[str, str]


def load_deck_template(path: Path | None = None) -> DeckTemplate:
    """Read and check a template (None: the packaged one).

    Raises :class:`AdvisorError` with one line naming the file and what is wrong: not a
    .pptx, a PowerPoint template (.potx) or macro file, unreadable, a needed layout
    missing, or a layout without the placeholder the deck writes into.
    """
    source = packaged_path("templates", DEFAULT_TEMPLATE) if path is None else Path(path)
    where = str(source)
    suffix = source.suffix.lower()
    if suffix in (".potx", ".potm", ".pot"):
        raise AdvisorError(
            N_(
                "is a PowerPoint template ({suffix}); open it in PowerPoint and save it as a"
                " presentation (.pptx), then give that file"
            ),
            path=where,
            suffix=suffix,
        )
    if path is None and not source.is_file():
        raise AdvisorError(
            N_(
                "the packaged PowerPoint template is missing (reinstall ism-advisor: pip"
                " install --force-reinstall ism-advisor)"
            ),
            path=where,
        )
    if source.is_dir():
        raise AdvisorError(N_("is a folder (expected a PowerPoint file .pptx)"), path=where)
    if not source.is_file():
        raise AdvisorError(N_("no such file (expected a PowerPoint file .pptx)"), path=where)
    if suffix != ".pptx":
        raise AdvisorError(
            N_(
                "is not a .pptx file (expected a PowerPoint presentation; save the template"
                " as .pptx in PowerPoint or LibreOffice Impress)"
            ),
            path=where,
        )
    try:
        data = source.read_bytes()
    except OSError as error:
        raise AdvisorError(
            N_("cannot be read: {reason}"), path=where, reason=error.strerror
        ) from None
    # python-pptx reads every part into memory and parses each XML part: refuse a zip bomb
    # before it does, from the zip's directory and by streaming every part once
    check_zip(data, where, TEMPLATE_LIMITS, N_("a PowerPoint presentation"), verify=True)
    presentation = open_presentation(data, where)
    return DeckTemplate(data, where, _resolve_layouts(presentation, where))


def open_presentation(data: bytes, where: str) -> Any:
    """The presentation in ``data``, or one line saying why it cannot be used."""
    from pptx import Presentation

    kind = _main_content_type(data)
    if kind is None:
        raise AdvisorError(
            N_(
                "cannot be read as a PowerPoint presentation (expected a .pptx file saved by"
                " PowerPoint, LibreOffice Impress or Keynote)"
            ),
            path=where,
        )
    if kind in ("template", "slideshow", "macros"):
        raise AdvisorError(
            N_(
                "is a PowerPoint {kind} renamed to .pptx; open it in PowerPoint and save it as"
                " a presentation (.pptx), then give that file"
            ),
            path=where,
            kind=Message(
                {
                    "template": N_("template (.potx)"),
                    "slideshow": N_("slide show (.ppsx)"),
                    "macros": N_("presentation with macros (.pptm)"),
                }[kind]
            ),
        )
    try:
        return Presentation(io.BytesIO(data))
    except Exception:  # python-pptx raises whatever the broken part makes lxml or zipfile raise
        raise AdvisorError(
            N_(
                "cannot be read as a PowerPoint presentation (expected a .pptx file saved by"
                " PowerPoint, LibreOffice Impress or Keynote)"
            ),
            path=where,
        ) from None


def _main_content_type(data: bytes) -> str | None:
    """'presentation', 'template', 'slideshow' or 'macros' from [Content_Types].xml; None
    when the bytes are no zip package."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            types = package.read("[Content_Types].xml").decode("utf-8", "replace")
    except (zipfile.BadZipFile, KeyError, OSError, EOFError):
        return None
    for ending, kind in _CONTENT_TYPES.items():
        if ending in types:
            return kind
    return "presentation" if "presentationml.presentation.main+xml" in types else None


def slide_layouts(presentation: Any) -> list[Any]:
    """Every slide layout of every slide master, in the template's order."""
    return [layout for master in presentation.slide_masters for layout in master.slide_layouts]


def _resolve_layouts(presentation: Any, where: str) -> dict[str, str]:
    found: dict[str, str] = {}
    layouts = slide_layouts(presentation)
    for need in LAYOUTS:
        layout = _find_layout(layouts, need)
        if layout is None:
            raise AdvisorError(
                N_(
                    "the template has no slide layout '{name}' (the deck puts {use} on it);"
                    " its layouts are: {layouts} (rename or add one in the slide master view)"
                ),
                path=where,
                name=need.name,
                use=Message(need.use),
                layouts=", ".join(f"'{item.name}'" for item in layouts) or "–",
            )
        if placeholder(layout, "title") is None:
            raise AdvisorError(
                N_(
                    "slide layout '{name}' has no title placeholder (the deck writes the"
                    " titles there)"
                ),
                path=where,
                name=layout.name,
            )
        if need.body and placeholder(layout, "body") is None:
            raise AdvisorError(
                N_(
                    "slide layout '{name}' has no content placeholder (the deck writes the"
                    " summary, the actions and the appendix there)"
                ),
                path=where,
                name=layout.name,
            )
        found[need.role] = layout.name
    return found


def _find_layout(layouts: Sequence[Any], need: Layout) -> Any | None:
    for layout in layouts:
        if layout.name.strip().casefold() == need.name.casefold():
            return layout
    for layout in layouts:
        if layout._element.get("type") == need.kind:
            return layout
    return None


def placeholder(container: Any, kind: str) -> Any | None:
    """The title, subtitle or body (content) placeholder of a layout or slide."""
    from pptx.enum.shapes import PP_PLACEHOLDER

    kinds = {
        "title": (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE),
        "subtitle": (PP_PLACEHOLDER.SUBTITLE, PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT),
        "body": (PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT),
    }[kind]
    for shape in container.placeholders:
        if shape.placeholder_format.type in kinds:
            return shape
    return None


def place_chart(
    slide: Any,
    kind: Any,
    box: tuple[int, int, int, int],
    data: Any,
    description: str,
    legend: bool,
    titled: bool = False,
) -> Any:
    """A native chart on ``slide`` in ``box``, as every chart of the deck has it: its text
    alternative (``description``), the deck's type size, no title of its own unless
    ``titled`` (the caller writes it), and the legend, if any, above the plot."""
    from pptx.enum.chart import XL_LEGEND_POSITION
    from pptx.util import Pt

    left, top, width, height = box
    frame = slide.shapes.add_chart(kind, left, top, width, height, data)
    frame._element.nvGraphicFramePr.cNvPr.set("descr", description)
    chart = frame.chart
    chart.font.size = Pt(12)
    if not titled:
        chart.has_title = False
    chart.has_legend = legend
    if legend:
        chart.legend.position = XL_LEGEND_POSITION.TOP
        chart.legend.include_in_layout = False
    return chart
