"""The report's segment overview stays inside the page column with many segments and long
names (issue 19): in Chromium at 1280 px, and in the PDF. Its figures never wrap and its
headers never break inside a word (issue 25)."""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from accessibility import _reported, console, need
from conftest import SAMPLE_SCORES
from ism_advisor.app.pipeline import advise
from ism_advisor.app.write import render

#: Every figure (sign, digits, decimal mark, %, an interval in brackets) and every word in
#: a table cell whose line boxes lie on more than one line, as the browser laid them out.
_MEASURE_BREAKS = r"""
(function () {
  var FIGURE = /[\[(][−+\-]?\d[\d.,]*%?\s?[–;,]\s?[−+\-]?\d[\d.,]*%?[\])]|[−+\-]?\d(?:[\d.,]*\d)?(?:\s?%)?/g;
  function lines(node, start, end) {
    var range = document.createRange(), bottoms = {};
    range.setStart(node, start); range.setEnd(node, end);
    Array.prototype.forEach.call(range.getClientRects(), function (r) {
      if (r.width > 0) bottoms[Math.round(r.bottom)] = 1;
    });
    return Object.keys(bottoms).length;
  }
  var figures = [], words = [], node, match;
  var walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while ((node = walker.nextNode())) {
    var cell = node.parentElement && node.parentElement.closest('td, th');
    if (!cell || cell.closest('.chart-data')) continue;
    FIGURE.lastIndex = 0;
    while ((match = FIGURE.exec(node.nodeValue))) {
      if (lines(node, match.index, match.index + match[0].length) > 1) figures.push(match[0]);
    }
    var word = /\S+/g;
    while ((match = word.exec(node.nodeValue))) {
      if (lines(node, match.index, match.index + match[0].length) > 1) words.push(match[0]);
    }
  }
  console.log('BREAKS ' + JSON.stringify({figures: figures, words: words}));
})();
"""

LONG = "Klantcontact en Dienstverlening Regio Noord-Oost " * 3

_MEASURE = """
(function () {
  var section = document.getElementById('segments');
  var table = section.querySelector('table.heatmap');
  var box = table.getBoundingClientRect(), column = section.getBoundingClientRect();
  var up = table.parentElement, scroller = null;
  for (; up && up !== section; up = up.parentElement) {
    if (getComputedStyle(up).overflowX !== 'visible') { scroller = up; break; }
  }
  console.log('TABLE ' + JSON.stringify({
    table_right: box.right, column_right: column.right,
    scroller_right: scroller ? scroller.getBoundingClientRect().right : null,
    page_width: document.documentElement.scrollWidth, view: document.documentElement.clientWidth
  }));
})();
"""


def _many_segments(tmp_path, lang="en"):
    """The sample with every department renamed to a long name (30 departments)."""
    lines = SAMPLE_SCORES.read_text(encoding="utf-8").splitlines()
    out = [lines[0]]
    for i, line in enumerate(lines[1:]):
        cells = line.split(",")
        cells[2] = f"{LONG.strip()} {i % 30:02d}"
        out.append(",".join(cells))
    path = tmp_path / "scores.csv"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return advise(path, segment_by=["department"], min_group_size=3, lang=lang).document


def test_the_segment_overview_fits_the_column_at_1280px(tmp_path):
    document = _many_segments(tmp_path)
    assert len(document["segments"]) == 31
    html = render(document, "html").decode("utf-8")
    measured = _reported(console(html, tmp_path / "page", [_MEASURE], width=1280), "TABLE ")
    # the table wraps inside the column: nothing sticks out, nothing needs scrolling
    assert measured["table_right"] <= measured["column_right"] + 0.5, measured
    assert measured["page_width"] <= measured["view"], measured


def test_the_segment_overview_fits_the_pdf_page(tmp_path):
    """Every PDF page's content stays inside A4's width (no clipped cells): pdftotext's
    bounding boxes of the words are within the page."""
    document = _many_segments(tmp_path)
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(render(document, "pdf"))
    html = subprocess.run(
        [need("pdftotext"), "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = re.findall(r'<page width="([\d.]+)"', html)
    right = max(float(x) for x in re.findall(r'xMax="([\d.]+)"', html))
    assert right <= float(pages[0]) - 30, json.dumps({"right": right, "page": pages[0]})


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_no_figure_wraps_and_no_header_breaks_in_the_samples_tables(tmp_path, lang):
    """At 1280 px no figure and no word of a table is on two lines; at 375 px (the tables
    scroll in their own region) no figure."""
    document = advise(SAMPLE_SCORES, segment_by=["organisation"], lang=lang).document
    html = render(document, "html").decode("utf-8")
    wide = _reported(console(html, tmp_path / "wide", [_MEASURE_BREAKS], width=1280), "BREAKS ")
    assert wide == {"figures": [], "words": []}
    narrow = _reported(console(html, tmp_path / "narrow", [_MEASURE_BREAKS], width=375), "BREAKS ")
    assert narrow["figures"] == []


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_no_figure_wraps_and_no_word_breaks_with_many_long_segment_names(tmp_path, lang):
    """30 segments named with 150 characters: at 1280 px the names wrap between their
    words, and no figure or word of a table is on two lines."""
    html = render(_many_segments(tmp_path, lang), "html").decode("utf-8")
    measured = _reported(console(html, tmp_path / "page", [_MEASURE_BREAKS], width=1280), "BREAKS ")
    assert measured == {"figures": [], "words": []}


def test_no_segment_name_is_hyphenated_in_the_pdf(tmp_path):
    """The PDF hyphenates running text, never a segment's name: no line ends in a
    hyphen after the start of one of the names' words."""
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(render(_many_segments(tmp_path, "nl"), "pdf"))
    text = subprocess.run(
        [need("pdftotext"), str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    words = set(LONG.split())
    ends = [line.split()[-1] for line in text.splitlines() if line.strip()]
    broken = [
        end
        for end in ends
        # a name's word cut after a proper prefix ("Dienst-"), not a running-text word
        # that happens to start with a short one ("en-quête")
        if end[-1] in "-\u2010\u00ad"
        and any(w.startswith(end[:-1]) and len(w) > len(end) - 1 for w in words)
        and end[:-1] not in words
    ]
    assert "Dienstverlening" in text and broken == []
