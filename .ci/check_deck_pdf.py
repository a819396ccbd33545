"""CI: the deck that LibreOffice printed to PDF shows what the deck holds.

Usage: python check_deck_pdf.py DECK.pptx ADVICE.json DECK.pdf

The PDF's text (pdftotext) must have one page per slide, every slide's title, every
factor's label, every action's title and the users' and non-users' means of all
respondents as the charts' data labels show them. This proves the file opens and renders
in a real office suite, not only in python-pptx. On the means chart, as LibreOffice draws
it, the legend names the series in their order (users first) and the value axis runs from
the answer scale's lowest to its highest value (the JSON's scale).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from pptx import Presentation


def main(deck: str, advice: str, pdf: str) -> int:
    document = json.loads(Path(advice).read_text(encoding="utf-8"))
    slides = Presentation(deck).slides
    text = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True, check=True)
    pages = text.stdout.count("\f")
    words = " ".join(text.stdout.split())
    expected = [slide.shapes.title.text for slide in slides]
    expected += [factor["label"] for factor in document["factors"]]
    everyone = document["segments"][0]
    expected += [r["title"] for r in everyone["recommendations"]]
    for comparison in everyone["comparisons"]:
        if not comparison["suppressed"]:
            expected += [f"{comparison['users_mean']:.2f}", f"{comparison['non_users_mean']:.2f}"]
    missing = [item for item in expected if " ".join(item.split()) not in words]
    problems = []
    if pages != len(slides):
        problems.append(f"{pages} pages for {len(slides)} slides")
    if missing:
        problems.append(f"not in the PDF: {missing}")
    problems += _means_chart(slides, document, pdf)
    if problems:
        print(f"{pdf}: " + "; ".join(problems), file=sys.stderr)
        return 1
    numbers = len([item for item in expected if re.fullmatch(r"\d\.\d\d", item)])
    print(
        f"LibreOffice rendered the deck: {pages} pages, {len(expected) - numbers} titles and"
        f" labels and {numbers} chart figures found in its text"
    )
    return 0


def _means_chart(slides, document, pdf: str) -> list[str]:
    """What is wrong with the means chart's legend and axis as printed (nothing: [])."""
    page = next(
        number
        for number, slide in enumerate(slides, start=1)
        for shape in slide.shapes
        if shape.has_chart and len(shape.chart.plots[0].series) == 2
    )
    layout = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), pdf, "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    words = [
        (float(x), float(y), word)
        for x, y, word in re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)<', layout)
    ]
    problems = []
    legend = {
        y: sorted((x, w) for x, yy, w in words if yy == y and w in ("Users", "Non-users"))
        for _, y, word in words
        if word == "Non-users"
    }
    if not any([w for _, w in entries] == ["Users", "Non-users"] for entries in legend.values()):
        problems.append(f"page {page}: the legend does not read 'Users', 'Non-users'")
    scale = document["scale"]
    ends = [f"{scale['min']:.1f}", f"{scale['max']:.1f}"]
    ticks = [w for _, _, w in words if re.fullmatch(r"\d+\.\d", w)]
    if not ticks or [min(ticks, key=float), max(ticks, key=float)] != ends:
        problems.append(f"page {page}: the value axis does not run from {ends[0]} to {ends[1]}")
    return problems


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
