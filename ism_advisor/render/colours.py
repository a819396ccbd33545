"""The report's colours: one table of roles, and the WCAG contrast arithmetic that checks them.

:data:`PALETTE` is the only place a report colour is chosen. The stylesheet
(``templates/report.css``) declares every entry as a CSS custom property of the same name
(``--accent``, ``--users``, ``--heat-pos3``, …) and uses only those; the charts take their
colours from the same table. An organisation changes colours by declaring the variables in
its own template (``:root { --accent: #7a1f5c; }``), and ``ism-advise doctor --templates DIR``
(or ``--knowledge DIR``) checks its choice with :func:`contrast_problems`.

Why these colours. The chart colours are Okabe & Ito's palette ("Color Universal Design",
2008), which people with any common form of colour blindness tell apart: users are its blue
(``#0072b2``), non-users its orange (``#e69f00``) — and the two also differ in lightness
(relative luminance 0.16 against 0.44), so they stay apart in greyscale print. Colour is
never the only signal: the charts hatch the non-users' bars and label every bar with its
value, the effect chart fills significant dots and leaves the others hollow, the heat map
prints each g with a ``*`` when significant.

Text must reach a contrast of 4.5:1 with its background (WCAG 2.1, success criterion
1.4.3), large text (the headings, the summary's figures) and graphics and focus outlines
3:1 (1.4.3, 1.4.11), as axe-core counts them. :data:`TEXT_PAIRS` and
:data:`GRAPHIC_PAIRS` list every foreground the stylesheet puts on a background;
``tests/test_accessibility.py`` checks the packaged palette with them, and axe-core checks
the rendered page.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from babel.numbers import format_decimal

from ..core.errors import N_, AdvisorError, Message

__all__ = [
    "GRAPHIC_PAIRS",
    "PALETTE",
    "TEXT_PAIRS",
    "Declaration",
    "contrast_problems",
    "contrast_ratio",
    "css_declarations",
    "parse_colour",
    "relative_luminance",
]

#: Every colour of the report, by role; the stylesheet's CSS variables carry these names.
PALETTE: dict[str, str] = {
    # the page
    "background": "#ffffff",
    "text": "#1d2329",
    "muted": "#5b6570",
    "rule": "#d5dbe0",
    "accent": "#1f6f8b",
    "accent-soft": "#e3f0f4",
    "warm": "#e07a1f",
    "header-background": "#f3f5f7",
    "flag": "#b3261e",
    "focus": "#0072b2",
    # the charts (Okabe-Ito)
    "users": "#0072b2",
    "non-users": "#e69f00",
    "chart-edge": "#1d2329",
    "significant": "#0072b2",
    "not-significant": "#5b6570",
    # the heat map: blue where non-users lag behind, orange where they are ahead, darker
    # for a larger |g|; each shade with a text colour that reads on it
    "heat-pos3": "#0072b2",
    "heat-pos3-text": "#ffffff",
    "heat-pos2": "#56b4e9",
    "heat-pos2-text": "#1d2329",
    "heat-pos1": "#d4e9f7",
    "heat-pos1-text": "#1d2329",
    "heat-neg1": "#fbe3cf",
    "heat-neg1-text": "#1d2329",
    "heat-neg2": "#e69f00",
    "heat-neg2-text": "#1d2329",
    "heat-neg3": "#9c4400",
    "heat-neg3-text": "#ffffff",
    "heat-hidden": "#eeeeee",
}

#: The least contrast for text (WCAG 2.1, 1.4.3), for large text — at least 18 pt, or 14 pt
#: bold — and for graphics and the focus outline (1.4.11).
TEXT_CONTRAST = 4.5
LARGE_TEXT_CONTRAST = 3.0
GRAPHIC_CONTRAST = 3.0

#: (text colour, background, least contrast, where) for every text the stylesheet colours.
TEXT_PAIRS: tuple[tuple[str, str, float, str], ...] = (
    ("text", "background", TEXT_CONTRAST, N_("body text")),
    ("accent", "background", LARGE_TEXT_CONTRAST, N_("the title and section headings")),
    ("muted", "background", TEXT_CONTRAST, N_("notes and the title block")),
    ("flag", "background", TEXT_CONTRAST, N_("the flag 'below 0.7'")),
    ("accent", "accent-soft", LARGE_TEXT_CONTRAST, N_("the summary's figures")),
    ("text", "accent-soft", TEXT_CONTRAST, N_("the summary's labels")),
    ("text", "header-background", TEXT_CONTRAST, N_("table headers")),
    ("muted", "header-background", TEXT_CONTRAST, N_("notes in table headers")),
    ("background", "accent", TEXT_CONTRAST, N_("the skip link")),
    ("heat-pos3-text", "heat-pos3", TEXT_CONTRAST, N_("the heat map")),
    ("heat-pos2-text", "heat-pos2", TEXT_CONTRAST, N_("the heat map")),
    ("heat-pos1-text", "heat-pos1", TEXT_CONTRAST, N_("the heat map")),
    ("heat-neg1-text", "heat-neg1", TEXT_CONTRAST, N_("the heat map")),
    ("heat-neg2-text", "heat-neg2", TEXT_CONTRAST, N_("the heat map")),
    ("heat-neg3-text", "heat-neg3", TEXT_CONTRAST, N_("the heat map")),
    ("muted", "heat-hidden", TEXT_CONTRAST, N_("hidden cells of the heat map")),
)

#: (graphic colour, background, least contrast, where) for outlines, chart marks and the
#: focus outline.
GRAPHIC_PAIRS: tuple[tuple[str, str, float, str], ...] = (
    ("focus", "background", GRAPHIC_CONTRAST, N_("the keyboard focus outline")),
    ("users", "background", GRAPHIC_CONTRAST, N_("the users' bars")),
    ("chart-edge", "background", GRAPHIC_CONTRAST, N_("the outline of the non-users' bars")),
    ("significant", "background", GRAPHIC_CONTRAST, N_("significant effects in the chart")),
    ("not-significant", "background", GRAPHIC_CONTRAST, N_("effects that are not significant")),
)


def parse_colour(text: str) -> tuple[float, float, float] | None:
    """An opaque CSS colour as sRGB fractions, or None when it is not one.

    Any CSS colour syntax (``#e07a1f``, ``#abc``, ``rgb(224 122 31)``, ``hsl(…)``,
    ``rebeccapurple``) through tinycss2, the CSS parser WeasyPrint uses; a colour that is
    not fully opaque is None too, since its contrast depends on what lies beneath.
    """
    try:
        from tinycss2.color4 import parse_color
    except ImportError:  # tinycss2 before 1.3
        from tinycss2.color3 import parse_color
    colour = parse_color(text.strip())
    if colour is None or isinstance(colour, str) or colour.alpha != 1:
        return None  # not a colour, 'currentcolor', or (partly) transparent
    if hasattr(colour, "to"):  # color4: any colour space, converted to sRGB
        red, green, blue = colour.to("srgb").coordinates
    else:  # color3
        red, green, blue = colour.red, colour.green, colour.blue
    return (_clip(red), _clip(green), _clip(blue))


def _clip(value: float) -> float:
    return min(1.0, max(0.0, float(value)))


def relative_luminance(rgb: Sequence[float]) -> float:
    """WCAG 2.1's relative luminance of an sRGB colour (channels from 0 to 1).

    >>> relative_luminance((1.0, 1.0, 1.0)), relative_luminance((0.0, 0.0, 0.0))
    (1.0, 0.0)
    """

    def linear(channel: float) -> float:
        # WCAG 2.1 writes 0.03928 (from an early sRGB draft); the sRGB standard's 0.04045
        # gives the same result for every 8-bit channel value
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(c) for c in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: Sequence[float], second: Sequence[float]) -> float:
    """WCAG 2.1's contrast ratio (L1 + 0.05) / (L2 + 0.05), from 1 to 21.

    >>> round(contrast_ratio(parse_colour("#767676"), parse_colour("white")), 2)
    4.54
    """
    light, dark = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@dataclass(frozen=True)
class Declaration:
    """A CSS custom property set in a template: its value and where."""

    value: str
    path: str | None = None
    line: int | None = None


# --name: value; in a stylesheet or a <style> block (a value ends at ; } or a line break)
_CUSTOM_PROPERTY = re.compile(r"(?<![\w-])--([A-Za-z][\w-]*)\s*:\s*([^;}{\n]+)")


def css_declarations(text: str, path: str | None = None) -> dict[str, Declaration]:
    """The custom properties a template or stylesheet declares, the last one winning.

    A template's Jinja2 and HTML around its ``<style>`` block do not matter: only
    ``--name: value`` declarations are read, with the line they are on.
    """
    found: dict[str, Declaration] = {}
    for match in _CUSTOM_PROPERTY.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        found[match.group(1)] = Declaration(match.group(2).strip(), path, line)
    return found


def contrast_problems(overrides: Mapping[str, Declaration], lang: str = "en") -> list[AdvisorError]:
    """Every text and graphic colour pair of the report that falls below its contrast,
    with the organisation's ``overrides`` applied over :data:`PALETTE`, as problems to
    show (not to raise: a report with a weak colour is still a report).

    A pair is named by the declaration that changed it (file and line); a changed
    colour that is not an opaque colour (``var(--x)`` is followed) is reported once as
    one that cannot be checked. Pairs of packaged colours only are the packaged
    stylesheet's business: they pass (a test says so).
    """
    merged = {name: Declaration(value) for name, value in PALETTE.items()}
    merged.update(overrides)
    problems: list[AdvisorError] = []
    colours: dict[str, tuple[float, float, float] | None] = {}
    for name in PALETTE:
        colours[name] = parse_colour(_resolve(name, merged))
        declaration = merged[name]
        if colours[name] is None and name in overrides:
            problems.append(
                AdvisorError(
                    N_(
                        "--{name}: {value} is not an opaque colour, so its contrast cannot"
                        " be checked"
                    ),
                    path=declaration.path,
                    line=declaration.line,
                    name=name,
                    value=declaration.value,
                )
            )
    for pairs in (TEXT_PAIRS, GRAPHIC_PAIRS):
        for foreground, background, least, where in pairs:
            if foreground not in overrides and background not in overrides:
                continue
            front, back = colours[foreground], colours[background]
            if front is None or back is None:
                continue
            ratio = contrast_ratio(front, back)
            if ratio >= least:
                continue
            blame = merged[foreground] if foreground in overrides else merged[background]
            problems.append(
                AdvisorError(
                    N_(
                        "--{foreground} {front} on --{background} {back} ({where}) has a"
                        " contrast of {ratio}:1; WCAG 2.1 asks at least {least}:1"
                    ),
                    path=blame.path,
                    line=blame.line,
                    foreground=foreground,
                    front=merged[foreground].value,
                    background=background,
                    back=merged[background].value,
                    where=Message(where),
                    # rounded down: 4.48 must not read as 4.5
                    ratio=_one_decimal(int(ratio * 10) / 10, lang),
                    least=_one_decimal(least, lang),
                )
            )
    return problems


def _one_decimal(value: float, lang: str) -> str:
    return format_decimal(value, format="0.0", locale=lang)


def _resolve(name: str, merged: Mapping[str, Declaration], depth: int = 0) -> str:
    """A variable's value with ``var(--other)`` followed (ten levels at most)."""
    value = merged[name].value
    reference = re.fullmatch(r"var\(\s*--([\w-]+)\s*(?:,\s*(.+))?\)", value)
    if reference is None or depth > 10:
        return value
    target, fallback = reference.groups()
    if target in merged:
        return _resolve(target, merged, depth + 1)
    return fallback or value
