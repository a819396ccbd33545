"""CI: the deck that LibreOffice printed to PDF shows what the deck holds.

Usage: python check_deck_pdf.py DECK.pptx ADVICE.json DECK.pdf

The PDF's text (pdftotext) must have one page per slide, every slide's title, every
factor's label, every action's title and the users' and non-users' means of all
respondents as the charts' data labels show them. This proves the file opens and renders
in a real office suite, not only in python-pptx.
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
    if problems:
        print(f"{pdf}: " + "; ".join(problems), file=sys.stderr)
        return 1
    numbers = len([item for item in expected if re.fullmatch(r"\d\.\d\d", item)])
    print(
        f"LibreOffice rendered the deck: {pages} pages, {len(expected) - numbers} titles and"
        f" labels and {numbers} chart figures found in its text"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
