"""Layout checks: the outputs measured as a reader sees them (issue 25).

Every format is rendered by the program a reader uses and measured from what it draws:

* HTML in headless Chromium, in frames 375, 1280 and 1920 CSS pixels wide (one browser
  for all frames of a set of pages): per table cell, every figure (digits with their sign,
  decimal mark, per cent or interval) and every word is a range whose line boxes
  (``Range.getClientRects``) must lie on one line; and the page and its main column must
  not be wider than the window (:func:`measure_html`);
* PDFs with poppler: the share of each page's text area that is filled, from the page
  drawn as a grey image (``pdftoppm``, :func:`page_fill`); words split with a hyphen at the
  end of a line that belong to a proper name (``pdftotext -bbox-layout``,
  :func:`hyphenated`); the number of pages (``pdfinfo``);
* decks as LibreOffice prints them to PDF: no two words of a slide drawn over each other
  (:func:`overlapping_words`).

A failing check keeps what it measured as PNG files under ``tests/artifacts/`` (ignored by
git; :func:`keep`): the HTML page at that width with the offending cells outlined, or the
PDF page, so that a developer can look at it.
"""

from __future__ import annotations

import itertools
import json
import re
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from accessibility import chromium, chromium_console, need

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
WIDTHS = (375, 1280, 1920)
MM = 72 / 25.4  # PDF points per millimetre

#: Runs in every measured page: per table cell, the figures and words that lie on more
#: than one line; the window's and the main column's width against their content.
_MEASURE = r"""
(function () {
  var FIGURE = /\[[^\]\n]*\d[^\]\n]*\]|[\-\u2212+]?\d(?:[\d.,\u00a0\u202f]*\d)?(?:[ \u00a0\u202f]?%)?/g;
  var WORD = /[\p{L}\p{M}'\u2019]+/gu;
  function lines(node, start, end) {
    var range = document.createRange();
    range.setStart(node, start);
    range.setEnd(node, end);
    var tops = [];
    Array.prototype.forEach.call(range.getClientRects(), function (r) {
      if (r.width < 0.5 || r.height < 0.5) return;
      if (!tops.some(function (t) { return Math.abs(t - r.top) < r.height / 2; })) tops.push(r.top);
    });
    return tops.length;
  }
  function broken(cell, pattern) {
    var found = [];
    var walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (var node = walker.nextNode(); node; node = walker.nextNode()) {
      var match;
      pattern.lastIndex = 0;
      while ((match = pattern.exec(node.data)) !== null) {
        if (lines(node, match.index, match.index + match[0].length) > 1) found.push(match[0]);
      }
    }
    return found;
  }
  var figures = [], words = [];
  document.querySelectorAll('table th, table td').forEach(function (cell) {
    if (cell.getClientRects().length === 0) return;
    var cellText = cell.textContent.replace(/\s+/g, ' ').trim().slice(0, 60);
    var f = broken(cell, FIGURE), w = broken(cell, WORD);
    f.forEach(function (text) { figures.push(text + ' in "' + cellText + '"'); });
    w.forEach(function (text) { words.push(text + ' in "' + cellText + '"'); });
    if (f.length || w.length) {
      cell.style.outline = '3px solid #d00';
      cell.setAttribute('data-layout-offender', '');
    }
  });
  // a screenshot (keep_html) starts at the section with the first offending cell: what
  // comes before it is hidden once it has been measured
  var first = document.querySelector('[data-layout-offender]');
  var hide = [];
  var from = first && (first.closest('section') || first.closest('table'));
  for (var up = from; up && up !== document.body; up = up.parentElement) {
    for (var before = up.previousElementSibling; before; before = before.previousElementSibling) {
      hide.push(before);
    }
  }
  var root = document.documentElement;
  var column = document.querySelector('main') || document.body;
  console.log('LAYOUT ' + JSON.stringify({
    page: location.pathname.split('/').pop(),
    width: root.clientWidth,
    scroll_width: root.scrollWidth,
    column_width: column.clientWidth,
    column_scroll_width: column.scrollWidth,
    figures: figures,
    words: words
  }));
  hide.forEach(function (element) { element.style.display = 'none'; });
})();
"""


@dataclass(frozen=True)
class HtmlLayout:
    """One page measured at one width."""

    label: str
    width: int
    scroll_width: int
    column_width: int
    column_scroll_width: int
    figures: list[str]  # figures on more than one line, with the cell they are in
    words: list[str]  # words on more than one line, with their cell

    def too_wide(self) -> bool:
        return self.scroll_width > self.width or self.column_scroll_width > self.column_width


def _name(label: str) -> str:
    return re.sub(r"[^A-Za-z0-9.-]+", "-", label).strip("-")


def measure_html(
    pages: dict[str, str], work: Path, widths: tuple[int, ...] = WIDTHS
) -> dict[tuple[str, int], HtmlLayout]:
    """Each page in ``pages`` (label: HTML) laid out by Chromium at each of ``widths``:
    one browser for all of them, each page in a frame of its width."""
    work.mkdir(parents=True, exist_ok=True)
    frames = []
    for index, (_, html) in enumerate(pages.items()):
        assert html.count("</body>") == 1
        page = work / f"page-{index}.html"
        page.write_text(html.replace("</body>", f"<script>{_MEASURE}</script></body>"), "utf-8")
        frames += [
            f"<iframe src='{page.name}' title='{index} {width}' style='display:block;"
            f"width:{width}px;height:1200px;border:0'></iframe>"
            for width in widths
        ]
    frame = work / "frames.html"
    frame.write_text(
        "<!DOCTYPE html><html lang='en'><title>frames</title><body style='margin:0'>"
        + "".join(frames)
        + "</body></html>",
        encoding="utf-8",
    )
    reported = [
        json.loads(message[len("LAYOUT ") :])
        for message in chromium_console(frame, work, window=f"{max(widths) + 40},1400")
        if message.startswith("LAYOUT ")
    ]
    labels = list(pages)
    measured = {}
    for item in reported:
        label = labels[int(item["page"].removeprefix("page-").removesuffix(".html"))]
        measured[label, item["width"]] = HtmlLayout(
            label,
            item["width"],
            item["scroll_width"],
            item["column_width"],
            item["column_scroll_width"],
            item["figures"],
            item["words"],
        )
    expected = {(label, width) for label in labels for width in widths}
    assert set(measured) == expected, f"Chromium measured {sorted(measured)} of {sorted(expected)}"
    return measured


def keep_html(layout: HtmlLayout, html: str, work: Path) -> Path:
    """A screenshot of the page at the width it was measured at, scrolled to the first
    table with an offending cell, the offending cells outlined in red, as ``tests/artifacts/<label>-<width>.png``."""
    ARTIFACTS.mkdir(exist_ok=True)
    page = work / f"shot-{_name(layout.label)}.html"
    page.write_text(html.replace("</body>", f"<script>{_MEASURE}</script></body>"), "utf-8")
    target = ARTIFACTS / f"{_name(layout.label)}-{layout.width}.png"
    subprocess.run(
        [
            *chromium(work / "profile-shot"),
            "--hide-scrollbars",
            "--virtual-time-budget=5000",
            f"--window-size={layout.width},1600",
            f"--screenshot={target}",
            page.as_uri(),
        ],
        capture_output=True,
        timeout=180,
        check=False,
    )
    return target


def keep_pdf_pages(pdf: Path, pages: list[int], label: str) -> list[Path]:
    """PNGs of the given pages (numbered from 1) of ``pdf`` under ``tests/artifacts/``."""
    ARTIFACTS.mkdir(exist_ok=True)
    kept = []
    for number in pages:
        stem = ARTIFACTS / f"{_name(label)}-page-{number}"
        pages = ["-f", str(number), "-l", str(number)]
        subprocess.run(
            [need("pdftoppm"), "-png", "-r", "50", *pages, "-singlefile", str(pdf), str(stem)],
            check=True,
            capture_output=True,
        )
        kept.append(stem.with_suffix(".png"))
    return kept


def page_count(pdf: Path) -> int:
    info = subprocess.run(
        [need("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    return int(re.search(r"^Pages:\s+(\d+)$", info, re.MULTILINE).group(1))


def _pgm(data: bytes) -> tuple[int, int, bytes]:
    """Width, height and grey bytes of a binary PGM (what ``pdftoppm -gray`` writes)."""
    fields = []
    position = 0
    while len(fields) < 4:
        match = re.compile(rb"\s*(#[^\n]*\n\s*)*(\S+)").match(data, position)
        fields.append(match.group(2))
        position = match.end()
    assert fields[0] == b"P5" and fields[3] == b"255", fields
    width, height = int(fields[1]), int(fields[2])
    pixels = data[position + 1 :]
    assert len(pixels) == width * height
    return width, height, pixels


def page_fill(pdf: Path, top_mm: float, bottom_mm: float, dpi: int = 40) -> list[float]:
    """Per page, the share of the text area's height (the page less its top and bottom
    margins) from the area's top to the lowest drawn pixel in it: 1.0 for a full page."""
    fills = []
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(
            [need("pdftoppm"), "-gray", "-r", str(dpi), str(pdf), f"{folder}/p"],
            check=True,
            capture_output=True,
        )
        for image in sorted(Path(folder).iterdir(), key=lambda p: int(p.stem.split("-")[-1])):
            width, height, pixels = _pgm(image.read_bytes())
            top = round(top_mm / 25.4 * dpi)
            bottom = height - round(bottom_mm / 25.4 * dpi)
            lowest = top - 1
            for row in range(top, bottom):
                if min(pixels[row * width : (row + 1) * width]) < 235:
                    lowest = row
            fills.append((lowest + 1 - top) / (bottom - top))
    return fills


@dataclass(frozen=True)
class Word:
    page: int
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


def pdf_lines(pdf: Path) -> list[list[Word]]:
    """The PDF's lines of words as ``pdftotext -bbox-layout`` reads them, in order."""
    xhtml = subprocess.run(
        [need("pdftotext"), "-bbox-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    namespace = "{http://www.w3.org/1999/xhtml}"
    root = ET.fromstring(xhtml)
    lines = []
    for number, page in enumerate(root.iter(f"{namespace}page"), start=1):
        for line in page.iter(f"{namespace}line"):
            lines.append(
                [
                    Word(
                        number,
                        word.text or "",
                        *(float(word.get(key)) for key in ("xMin", "yMin", "xMax", "yMax")),
                    )
                    for word in line.iter(f"{namespace}word")
                ]
            )
    return [line for line in lines if line]


_PUNCTUATION = "()[]{}.,;:!?\"'“”‘’«»"


def hyphenated(pdf: Path, names: list[str]) -> list[str]:
    """The words of ``names`` (proper names: segment values, column names, the
    organisation) that the PDF splits over two lines with a hyphen, as "Rivier-/stad"
    (page n). A name split at a hyphen of its own ("Noord-/Holland") is not counted."""
    tokens = {t.strip(_PUNCTUATION) for name in names for t in name.split()}
    tokens.discard("")
    found = []
    lines = pdf_lines(pdf)
    for line, following in itertools.pairwise(lines):
        last, first = line[-1], following[0]
        if not last.text.endswith(("-", "\u2010")) or last.page != first.page:
            continue
        joined = (last.text[:-1] + first.text).strip(_PUNCTUATION)
        kept = (last.text + first.text).strip(_PUNCTUATION)
        if joined in tokens and kept not in tokens:
            found.append(f"{last.text}/{first.text} (page {last.page})")
    return found


def overlapping_words(pdf: Path, share: float = 0.25) -> list[str]:
    """Pairs of words on one page whose boxes overlap by more than ``share`` of the
    smaller word's height and by more than one point across, as "'a' over 'b' (slide n)"."""
    by_page: dict[int, list[Word]] = {}
    for line in pdf_lines(pdf):
        for word in line:
            by_page.setdefault(word.page, []).append(word)
    found = []
    for page, words in sorted(by_page.items()):
        for index, first in enumerate(words):
            for second in words[index + 1 :]:
                across = min(first.x1, second.x1) - max(first.x0, second.x0)
                down = min(first.y1, second.y1) - max(first.y0, second.y0)
                height = min(first.y1 - first.y0, second.y1 - second.y0)
                if across > 1 and down > share * height:
                    found.append(f"{first.text!r} over {second.text!r} (slide {page})")
    return found


def office_pdfs(decks: list[Path], work: Path) -> dict[Path, Path]:
    """Each deck printed to PDF by LibreOffice (one run for all, a profile of its own)."""
    outdir = work / "office"
    outdir.mkdir(parents=True, exist_ok=True)
    # decks with the same name (one per language) are printed from folders of their own
    printed = {}
    groups: dict[str, list[Path]] = {}
    for deck in decks:
        groups.setdefault(deck.name, []).append(deck)
    for round_number in range(max(len(g) for g in groups.values())):
        batch = [g[round_number] for g in groups.values() if len(g) > round_number]
        target = outdir / str(round_number)
        subprocess.run(
            [
                need("soffice"),
                "--headless",
                f"-env:UserInstallation={(work / 'libreoffice').as_uri()}",
                "--convert-to",
                "pdf",
                "--outdir",
                str(target),
                *map(str, batch),
            ],
            capture_output=True,
            timeout=600,
            check=True,
        )
        for deck in batch:
            pdf = target / deck.with_suffix(".pdf").name
            assert pdf.is_file(), f"LibreOffice did not print {deck}"
            printed[deck] = pdf
    return printed


def copy_artifact(source: Path, label: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / f"{_name(label)}{source.suffix}"
    shutil.copyfile(source, target)
    return target
