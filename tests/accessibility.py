"""Accessibility checks for any HTML page the tool writes, in headless Chromium.

Every test of an HTML output (the report, the per-segment reports, and whatever other
pages come) uses the same two checks::

    from accessibility import assert_accessible, assert_reflows

    assert_accessible(html, tmp_path, "report (nl)")  # axe-core: WCAG 2.0/2.1 A and AA
    assert_reflows(html, tmp_path, "report (nl)")  # no sideways scrolling at 320 px

axe-core is not vendored: its npm package, pinned to :data:`AXE_VERSION` and checked
against the registry's integrity hash, is read from ``$ISM_ADVISOR_AXE`` or from
``~/.cache/ism-advisor/``; when it is not there and npm is, the first test that needs it
fetches it there with ``npm pack`` (once; later sessions find it). Its script and
a few lines that run it are put into a copy of the page; the results come back through the
browser's console, which Chromium writes to stderr.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

AXE_VERSION = "4.14.1"
#: npm's integrity hash of axe-core-4.14.1.tgz (``npm view axe-core@4.14.1 dist.integrity``)
AXE_INTEGRITY = "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="
#: The rules that are WCAG 2.0 and 2.1, levels A and AA (axe-core's tags).
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
FETCH = f"npm pack axe-core@{AXE_VERSION} --pack-destination ~/.cache/ism-advisor"
#: How to get the programs the tests run (the README's test command runs it first).
SETUP = "sh tests/setup-debian.sh"


def need(program: str) -> str:
    path = shutil.which(program)
    assert path, f"{program} is needed for this test: `{SETUP}` installs it on Debian or Ubuntu"
    return path


def axe_package() -> Path:
    """The pinned axe-core package (a .tgz from ``npm pack``)."""
    given = os.environ.get("ISM_ADVISOR_AXE")
    if given:
        return Path(given)
    cache_home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache_home / "ism-advisor" / f"axe-core-{AXE_VERSION}.tgz"


def fetch_axe(package: Path) -> None:
    """Fetch the pinned axe-core into ``package`` with ``npm pack`` when npm is there.

    npm writes into a fresh folder beside ``package``, and the file is moved into place
    whole: an interrupted fetch leaves no half-written package behind.
    """
    npm = shutil.which("npm")
    if npm is None or package.exists():
        return
    package.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=package.parent, prefix=".npm-pack-") as folder:
        subprocess.run(
            [npm, "pack", "--silent", f"axe-core@{AXE_VERSION}", "--pack-destination", folder],
            check=True,
            stdout=subprocess.DEVNULL,
            timeout=300,
        )
        os.replace(Path(folder) / f"axe-core-{AXE_VERSION}.tgz", package)


@cache
def axe_script() -> str:
    """axe.min.js from the pinned package (fetched first when missing and npm is there),
    after checking the package's integrity."""
    package = axe_package()
    fetch_axe(package)
    assert package.is_file(), (
        f"axe-core {AXE_VERSION} is needed for the accessibility tests and is not at"
        f" {package}, and there is no npm to fetch it: `{SETUP}` installs npm on Debian or"
        f" Ubuntu; or fetch it with `{FETCH}`, or point ISM_ADVISOR_AXE at the .tgz"
    )
    data = package.read_bytes()
    digest = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")
    assert digest == AXE_INTEGRITY, (
        f"{package} is not axe-core {AXE_VERSION} as npm publishes it ({digest});"
        f" fetch it again with `{FETCH}`"
    )
    with tarfile.open(package, "r:gz") as archive:
        member = archive.extractfile("package/axe.min.js")
        assert member is not None
        return member.read().decode("utf-8")


def console(html: str, work: Path, scripts: list[str], *, width: int | None = None) -> list[str]:
    """The console messages of ``html`` with ``scripts`` run at the end of its body;
    in a frame ``width`` CSS pixels wide when given (a headless window is never narrower
    than 500 pixels)."""
    work.mkdir(parents=True, exist_ok=True)
    page = work / "checked.html"
    tags = "".join(f"<script>{script}</script>" for script in scripts)
    assert html.count("</body>") == 1
    page.write_text(html.replace("</body>", tags + "</body>"), encoding="utf-8")
    if width is not None:
        frame = work / "frame.html"
        frame.write_text(
            "<!DOCTYPE html><html lang='en'><title>frame</title><body style='margin:0'>"
            f"<iframe src='{page.name}' title='page' style='width:{width}px;height:1500px;"
            "border:0'></iframe></body></html>",
            encoding="utf-8",
        )
        page = frame
    return chromium_console(page, work)


def chromium(profile: Path) -> list[str]:
    """Headless Chromium's command with a new profile at ``profile``, without the
    background connections this closed machine refuses; the caller adds its own flags."""
    return [
        need("chromium"),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
    ]


def chromium_console(page: Path, work: Path, window: str = "1200,2000") -> list[str]:
    """The console messages of the page at ``page`` (a file) in headless Chromium with a
    window of ``window`` pixels ("width,height")."""
    command = [
        *chromium(work / "profile"),
        "--hide-scrollbars",
        "--enable-logging=stderr",
        "--v=0",
        "--virtual-time-budget=20000",
        f"--window-size={window}",
        "--dump-dom",
        page.as_uri(),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=180)
    messages = []
    for line in result.stderr.splitlines():
        # [pid:tid:time:INFO:CONSOLE:123] "the message", source: file:///… (123)
        if ":CONSOLE" in line and '] "' in line and '", source: ' in line:
            messages.append(line[line.index('] "') + 3 : line.rindex('", source: ')])
    return messages


def _reported(messages: list[str], prefix: str) -> dict:
    found = [m[len(prefix) :] for m in messages if m.startswith(prefix)]
    assert len(found) == 1, f"the page did not report {prefix.strip()}: console {messages}"
    return json.loads(found[0])


_RUN_AXE = """
axe.run(document, {runOnly: {type: 'tag', values: TAGS}, resultTypes: ['violations']})
  .then(function (results) {
    function nodes(rule) {
      return rule.nodes.map(function (node) {
        return {target: node.target.join(' '), summary: node.failureSummary || ''};
      });
    }
    console.log('AXE ' + JSON.stringify({
      version: axe.version,
      violations: results.violations.map(function (rule) {
        return {id: rule.id, help: rule.help, nodes: nodes(rule)};
      }),
      incomplete: results.incomplete.map(function (rule) {
        return {id: rule.id, help: rule.help, nodes: nodes(rule)};
      }),
      passes: results.passes.map(function (rule) { return rule.id; })
    }));
  })
  .catch(function (error) { console.log('AXE ' + JSON.stringify({error: String(error)})); });
""".replace("TAGS", json.dumps(list(WCAG_TAGS)))


@dataclass(frozen=True)
class AxeResult:
    violations: list[dict]
    incomplete: list[dict]
    passes: list[str]

    def describe(self) -> str:
        """Each violated rule with the elements it found, one per line."""
        lines = []
        for rule in self.violations:
            lines.append(f"{rule['id']}: {rule['help']}")
            for node in rule["nodes"]:
                summary = " ".join(node["summary"].split())
                lines.append(f"  {node['target']}: {summary}")
        return "\n".join(lines)


def axe(html: str, work: Path) -> AxeResult:
    """axe-core's WCAG 2.0/2.1 A and AA rules run on ``html``."""
    reported = _reported(console(html, work, [axe_script(), _RUN_AXE]), "AXE ")
    assert "error" not in reported, reported
    assert reported["version"] == AXE_VERSION
    return AxeResult(reported["violations"], reported["incomplete"], reported["passes"])


def assert_accessible(html: str, work: Path, label: str) -> AxeResult:
    """No violation of axe-core's WCAG 2.0/2.1 A and AA rules; the rule ids and the
    elements otherwise."""
    result = axe(html, work)
    assert not result.violations, f"{label}: axe-core {AXE_VERSION}\n{result.describe()}"
    return result


_MEASURE_REFLOW = """
(function () {
  var width = document.documentElement.clientWidth, offenders = [];
  function clipped(element) {  // inside a box that scrolls or clips its own overflow
    for (var up = element.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== 'visible') return true;
    }
    return false;
  }
  document.querySelectorAll('body *').forEach(function (element) {
    var box = element.getBoundingClientRect();
    if (box.width > 0 && box.right > width + 0.5 && !clipped(element)) {
      offenders.push(element.tagName.toLowerCase() + (element.id ? '#' + element.id : '') +
        (typeof element.className === 'string' && element.className
          ? '.' + element.className.split(' ').join('.') : '') + ' right ' + Math.round(box.right));
    }
  });
  console.log('REFLOW ' + JSON.stringify({
    width: width,
    scroll_width: document.documentElement.scrollWidth,
    offenders: offenders.slice(0, 20)
  }));
})();
"""


def reflow(html: str, work: Path, width: int) -> dict:
    """How the page lays out in a window ``width`` CSS pixels wide: the viewport's width,
    the page's scroll width, and the elements that stick out (outside scrolling tables)."""
    return _reported(console(html, work, [_MEASURE_REFLOW], width=width), "REFLOW ")


def assert_reflows(html: str, work: Path, label: str, width: int = 320) -> None:
    """At ``width`` CSS pixels (320: a 1280-pixel window at 400% zoom, WCAG 2.1's
    reflow criterion 1.4.10) nothing but a wide table scrolls sideways, and the table
    only inside its own column."""
    measured = reflow(html, work, width)
    assert measured["width"] <= width, measured  # the window really is that narrow
    assert measured["offenders"] == [], f"{label} at {width} px: {measured}"
    assert measured["scroll_width"] <= measured["width"], f"{label} at {width} px: {measured}"


# -- tagged PDF -------------------------------------------------------------------------------


def structure(path):
    """The PDF's catalogue and its structure elements as (tag, element), in order."""
    from pypdf import PdfReader

    catalogue = PdfReader(path).trailer["/Root"]
    elements = []

    def walk(node):
        node = node.get_object()
        if not isinstance(node, dict):
            return
        if "/S" in node:
            elements.append((str(node["/S"]), node))
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids]:
            if kid is not None and hasattr(kid, "get_object"):
                walk(kid)

    walk(catalogue["/StructTreeRoot"])
    return catalogue, elements


def pdfinfo(path) -> dict[str, str]:
    text = subprocess.run(
        [need("pdfinfo"), str(path)], capture_output=True, text=True, check=True
    ).stdout
    return dict(re.findall(r"^([^:]+):\s+(.*)$", text, re.M))
