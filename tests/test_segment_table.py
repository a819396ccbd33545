"""The report's segment overview stays inside the page column with many segments and long
names (issue 19): in Chromium at 1280 px, and in the PDF."""

from __future__ import annotations

import json
import re

from accessibility import _reported, console
from conftest import SAMPLE_SCORES
from ism_advisor.pipeline import advise, render

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


def _many_segments(tmp_path):
    """The sample with every department renamed to a long name (30 departments)."""
    lines = SAMPLE_SCORES.read_text(encoding="utf-8").splitlines()
    out = [lines[0]]
    for i, line in enumerate(lines[1:]):
        cells = line.split(",")
        cells[2] = f"{LONG.strip()} {i % 30:02d}"
        out.append(",".join(cells))
    path = tmp_path / "scores.csv"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return advise(path, segment_by=["department"], min_group_size=3).document


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
    import subprocess

    from accessibility import need

    document = _many_segments(tmp_path)
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(render(document, "pdf"))
    html = subprocess.run(
        [need("pdftotext"), "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = re.findall(r'<page width="([\d.]+)"', html)
    right = max(float(x) for x in re.findall(r'xMax="([\d.]+)"', html))
    assert right <= float(pages[0]) - 30, json.dumps({"right": right, "page": pages[0]})
