"""The packaged PowerPoint template (``templates/deck.pptx``), made reproducibly.

``python -m ism_advisor.render.deck.build_template templates/deck.pptx`` writes it; a test
checks that the committed file is what this module makes, so the template is reviewed as
code, not as a binary. It starts from python-pptx's own default presentation (the Office
theme, 4:3) and makes it 16:9 with the layouts the deck needs
(:data:`ism_advisor.render.deck.LAYOUTS`, among PowerPoint's usual eleven): placeholders
widened, left-aligned titles in the theme's dark teal beside an accent bar, a dark title
slide, and a theme whose first two accents are the report's colours for users (teal) and
non-users (orange).
"""

from __future__ import annotations

import copy
import io
import sys
from pathlib import Path
from typing import Any

from .package import deterministic_package

__all__ = ["make_default_template"]

#: 16:9 at PowerPoint's default width (13.333 × 7.5 inches), in EMU.
WIDTH, HEIGHT = 12192000, 6858000
INCH = 914400

#: The theme's colours: text, background, and the accents charts and tables use.
COLOURS = {
    "dk2": "1F4E5F",  # titles, the title slide's background
    "lt2": "EEF2F4",
    "accent1": "1F6F8B",  # users
    "accent2": "E07A1F",  # non-users
    "accent3": "5B8C5A",
    "accent4": "8A8F98",
    "accent5": "7A1F5C",
    "accent6": "C9A227",
    "hlink": "1F6F8B",
    "folHlink": "7A1F5C",
}

_NS = {
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "p": "http://schemas.openxmlformats.org/presentationml/2006/main",
}


def _q(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{_NS[prefix]}}}{local}"


def _xml(text: str) -> Any:
    from lxml import etree

    declarations = " ".join(f'xmlns:{k}="{v}"' for k, v in _NS.items())
    wrapper = etree.fromstring(f"<wrapper {declarations}>{text}</wrapper>")
    return wrapper[0]


def make_default_template() -> bytes:
    """The packaged template's bytes (the same bytes on every run)."""
    from pptx import Presentation
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    presentation = Presentation()
    scale = WIDTH / presentation.slide_width
    presentation.slide_width = WIDTH
    presentation.slide_height = HEIGHT
    size = presentation._element.find(_q("p:sldSz"))
    size.attrib.pop("type", None)  # no longer "screen4x3"
    master = presentation.slide_master
    layouts = list(master.slide_layouts)
    for element in (master._element, *(layout._element for layout in layouts)):
        for xfrm in element.iter(_q("a:xfrm")):
            offset, extent = xfrm.find(_q("a:off")), xfrm.find(_q("a:ext"))
            if offset is not None:
                offset.set("x", str(round(int(offset.get("x")) * scale)))
            if extent is not None:
                extent.set("cx", str(round(int(extent.get("cx")) * scale)))
    _style_master(master)
    title = next(layout for layout in layouts if layout.name == "Title Slide")
    _style_title_layout(title)
    _theme(master)
    # the thumbnail shows the old 4:3 slide; a viewer draws its own
    package = presentation.part.package
    for key, relationship in list(package._rels.items()):
        if relationship.reltype == RT.THUMBNAIL:
            package._rels.pop(key)
    properties = presentation.core_properties
    properties.title = "ism-advisor"
    properties.author = ""
    properties.last_modified_by = "ism-advisor"
    properties.revision = 1
    element = properties._element
    for tag in ("created", "modified"):
        for node in element.findall(f"{{http://purl.org/dc/terms/}}{tag}"):
            element.remove(node)
    buffer = io.BytesIO()
    presentation.save(buffer)
    return deterministic_package(buffer.getvalue())


def _set_xfrm(shape: Any, left: float, top: float, width: float, height: float) -> None:
    shape.left, shape.top = int(left * INCH), int(top * INCH)
    shape.width, shape.height = int(width * INCH), int(height * INCH)


def _style_master(master: Any) -> None:
    """Left-aligned titles in dark teal beside an accent bar; smaller body text with
    accent-coloured bullets."""
    from pptx.enum.shapes import PP_PLACEHOLDER

    for shape in master.placeholders:
        kind = shape.placeholder_format.type
        if kind == PP_PLACEHOLDER.TITLE:
            _set_xfrm(shape, 0.6, 0.3, 12.1, 1.1)
        elif kind == PP_PLACEHOLDER.BODY:
            _set_xfrm(shape, 0.6, 1.55, 12.1, 5.25)
        elif kind in (PP_PLACEHOLDER.DATE, PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER):
            shape.top = int(6.95 * INCH)
            shape.height = int(0.4 * INCH)
    styles = master._element.find(_q("p:txStyles"))
    title = styles.find(_q("p:titleStyle")).find(_q("a:lvl1pPr"))
    title.set("algn", "l")
    run = title.find(_q("a:defRPr"))
    run.set("sz", "3000")
    run.find(_q("a:solidFill")).find(_q("a:schemeClr")).set("val", "tx2")
    body = styles.find(_q("p:bodyStyle"))
    sizes = (2000, 1800, 1600, 1400, 1400, 1400, 1400, 1400, 1400)
    for level, points in enumerate(sizes, start=1):
        paragraph = body.find(_q(f"a:lvl{level}pPr"))
        paragraph.find(_q("a:defRPr")).set("sz", str(points))
        bullet_font = paragraph.find(_q("a:buFont"))
        if bullet_font is not None:
            bullet_font.addprevious(_xml('<a:buClr><a:schemeClr val="accent1"/></a:buClr>'))
    # the accent bar beside the titles, on every slide whose layout shows the master's shapes
    tree = master._element.find(_q("p:cSld")).find(_q("p:spTree"))
    tree.append(
        _xml(
            '<p:sp><p:nvSpPr><p:cNvPr id="20" name="Accent bar"/><p:cNvSpPr/><p:nvPr/>'
            "</p:nvSpPr><p:spPr>"
            f'<a:xfrm><a:off x="0" y="{int(0.45 * INCH)}"/>'
            f'<a:ext cx="{int(0.28 * INCH)}" cy="{int(0.8 * INCH)}"/></a:xfrm>'
            '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom>'
            '<a:solidFill><a:schemeClr val="accent1"/></a:solidFill><a:ln><a:noFill/></a:ln>'
            "</p:spPr></p:sp>"
        )
    )


def _style_title_layout(layout: Any) -> None:
    """The title slide: dark background, white left-aligned title, an orange rule."""
    from pptx.enum.shapes import PP_PLACEHOLDER

    element = layout._element
    element.set("showMasterSp", "0")
    common = element.find(_q("p:cSld"))
    common.insert(
        0,
        _xml(
            '<p:bg><p:bgPr><a:solidFill><a:schemeClr val="tx2"/></a:solidFill>'
            "<a:effectLst/></p:bgPr></p:bg>"
        ),
    )
    for shape in layout.placeholders:
        kind = shape.placeholder_format.type
        body = shape._element.find(_q("p:txBody"))
        if kind == PP_PLACEHOLDER.CENTER_TITLE:
            _set_xfrm(shape, 0.9, 1.6, 11.5, 2.2)
            body.find(_q("a:bodyPr")).set("anchor", "b")
            style = _xml(
                '<a:lstStyle><a:lvl1pPr algn="l"><a:defRPr sz="4000">'
                '<a:solidFill><a:schemeClr val="bg1"/></a:solidFill></a:defRPr></a:lvl1pPr>'
                "</a:lstStyle>"
            )
        elif kind == PP_PLACEHOLDER.SUBTITLE:
            _set_xfrm(shape, 0.9, 4.15, 11.5, 2.0)
            style = _xml(
                '<a:lstStyle><a:lvl1pPr marL="0" indent="0" algn="l"><a:buNone/>'
                '<a:defRPr sz="2000"><a:solidFill><a:schemeClr val="bg1"><a:lumMod val="85000"/>'
                "</a:schemeClr></a:solidFill></a:defRPr></a:lvl1pPr></a:lstStyle>"
            )
        else:
            continue
        body.replace(body.find(_q("a:lstStyle")), style)
    tree = common.find(_q("p:spTree"))
    tree.append(
        _xml(
            '<p:sp><p:nvSpPr><p:cNvPr id="20" name="Accent rule"/><p:cNvSpPr/><p:nvPr/>'
            "</p:nvSpPr><p:spPr>"
            f'<a:xfrm><a:off x="{int(1.0 * INCH)}" y="{int(3.95 * INCH)}"/>'
            f'<a:ext cx="{int(1.6 * INCH)}" cy="{int(0.08 * INCH)}"/></a:xfrm>'
            '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom>'
            '<a:solidFill><a:schemeClr val="accent2"/></a:solidFill><a:ln><a:noFill/></a:ln>'
            "</p:spPr></p:sp>"
        )
    )


def _theme(master: Any) -> None:
    """The theme's name and colours (fonts stay the Office theme's Calibri)."""
    from lxml import etree
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    part = master.part.part_related_by(RT.THEME)
    theme = etree.fromstring(part.blob)
    theme.set("name", "ism-advisor")
    scheme = theme.find(_q("a:themeElements")).find(_q("a:clrScheme"))
    scheme.set("name", "ism-advisor")
    for name, value in COLOURS.items():
        slot = scheme.find(_q(f"a:{name}"))
        for child in list(slot):
            slot.remove(child)
        colour = copy.deepcopy(_xml(f'<a:srgbClr val="{value}"/>'))
        slot.append(colour)
    part._blob = etree.tostring(theme, xml_declaration=True, encoding="UTF-8", standalone=True)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(
            "usage: python -m ism_advisor.render.deck.build_template OUTPUT.pptx", file=sys.stderr
        )
        return 2
    Path(argv[0]).write_bytes(make_default_template())
    print(argv[0])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
