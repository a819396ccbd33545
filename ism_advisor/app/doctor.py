"""``ism-advise doctor``: is everything the tool needs present and working on this machine?

Each check is run for real — the rules engine fires a rule, WeasyPrint renders a page,
the knowledge base is validated — and reports one line, with the fix when it fails.
Nothing here raises: a failing part becomes a failed :class:`Check`.
"""

from __future__ import annotations

import platform
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from ..core.errors import N_, AdvisorError, Message
from ..core.resources import packaged_path, shown_path

__all__ = ["SUPPORTED_PYTHONS", "Check", "run_checks"]

#: The oldest and newest Python (major, minor) that CI tests; pyproject's
#: ``requires-python`` says the same (a test keeps them together).
SUPPORTED_PYTHONS = ((3, 10), (3, 13))
PACKAGE = "ism-advisor"
_PACKAGED = {
    "rules": (N_("packaged rules"), ("factors.yaml", "advice.yaml", "interventions.yaml")),
    "templates": (
        N_("packaged templates"),
        ("report.html", "report.md", "report.css", "deck.pptx"),
    ),
}


@dataclass(frozen=True)
class Check:
    """One checked part: what it is, whether it is usable, what was found, and the fix."""

    part: Message
    ok: bool
    found: Message
    fix: Message | None = None
    #: usable, but worth fixing (shown as a warning; the exit status stays 0)
    warning: bool = False


def run_checks(
    *,
    codebook: Path | None = None,
    rules: Path | None = None,
    interventions: Path | None = None,
    templates: Path | None = None,
    pptx_template: Path | None = None,
    lang: str = "en",
) -> list[Check]:
    """Every check, in the order shown; the knowledge base and the PowerPoint template
    are the packaged ones unless files are given. ``lang`` is the language figures in the
    messages are written in."""
    checks = [
        _python(),
        _packages(),
        _guarded(N_("rules engine"), _engine),
        _guarded(N_("PDF output"), lambda: _pdf(templates)),
        _guarded(N_("PowerPoint output"), lambda: _pptx(pptx_template)),
        _fonts(),
        *_packaged(),
        _guarded(N_("knowledge base"), lambda: _knowledge(codebook, rules, interventions)),
    ]
    if templates is not None:
        checks.append(_templates(templates))
        if templates.is_dir():
            checks.append(_colours(templates, lang))
    return checks


def _guarded(part: str, check: Callable[[], Check]) -> Check:
    """Run ``check``; an :class:`AdvisorError` from it is that part's problem (these
    errors say what to do themselves)."""
    try:
        return check()
    except AdvisorError as error:
        return Check(Message(part), False, Message("{problem}", {"problem": error}))


def _python() -> Check:
    version = platform.python_version()
    found = Message(
        N_("{version} ({implementation}) at {path}"),
        {
            "version": version,
            "implementation": platform.python_implementation(),
            "path": sys.executable,
        },
    )
    (low_major, low_minor), (high_major, high_minor) = SUPPORTED_PYTHONS
    ok = (low_major, low_minor) <= sys.version_info[:2] <= (high_major, high_minor)
    fix = None
    if not ok:
        fix = Message(
            N_("use Python {low} to {high} (the versions ism-advisor is tested on)"),
            {"low": f"{low_major}.{low_minor}", "high": f"{high_major}.{high_minor}"},
        )
    return Check(Message(N_("Python")), ok, found, fix)


def _packages() -> Check:
    """The installed version of every dependency pyproject names."""
    try:
        requirements = metadata.requires(PACKAGE) or []
    except metadata.PackageNotFoundError:
        return Check(
            Message(N_("packages")),
            False,
            Message(N_("ism-advisor is not installed in this Python")),
            Message(N_("install it: pip install ism-advisor (or pip install . in its folder)")),
        )
    found, missing = [], []
    for requirement in requirements:
        if "extra ==" in requirement:
            continue  # test and other optional extras
        name = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)
        if name is None:
            continue
        try:
            found.append(f"{name.group()} {metadata.version(name.group())}")
        except metadata.PackageNotFoundError:
            missing.append(name.group())
    listed = Message(
        N_("ism-advisor {version}: {packages}"),
        {"version": metadata.version(PACKAGE), "packages": ", ".join(found)},
    )
    if missing:
        return Check(
            Message(N_("packages")),
            False,
            Message(N_("missing: {packages}"), {"packages": ", ".join(missing)}),
            Message(N_("reinstall ism-advisor: pip install --force-reinstall ism-advisor")),
        )
    return Check(Message(N_("packages")), True, listed)


def _engine() -> Check:
    from ..advice.engine import self_test

    version = self_test()
    return Check(
        Message(N_("rules engine")),
        True,
        Message(N_("durable-rules {version} loads and fires a rule"), {"version": version}),
    )


def _pdf(templates: Path | None) -> Check:
    from ..render.pdf import pdf_fonts

    data, families = pdf_fonts(templates)
    ok = data.startswith(b"%PDF")
    return Check(
        Message(N_("PDF output")),
        ok,
        Message(
            N_("WeasyPrint {version} renders a page with the fonts {fonts}"),
            {"version": metadata.version("weasyprint"), "fonts": ", ".join(families) or "–"},
        ),
    )


def _pptx(template: Path | None) -> Check:
    """A small deck with a chart on the template (the packaged one, or --pptx-template)."""
    try:
        from ..render.deck import load_deck_template, self_test
    except ImportError as error:  # python-pptx or one of its parts is missing
        raise AdvisorError(
            N_(
                "python-pptx cannot be imported ({problem}); reinstall ism-advisor: pip"
                " install --force-reinstall ism-advisor"
            ),
            problem=str(error),
        ) from None
    checked = load_deck_template(template)
    self_test(checked)
    return Check(
        Message(N_("PowerPoint output")),
        True,
        Message(
            N_("python-pptx {version} makes a deck with a chart on {path} (layouts: {layouts})"),
            {
                "version": metadata.version("python-pptx"),
                "path": shown_path(checked.path),
                "layouts": ", ".join(f"'{name}'" for name in checked.layouts.values()),
            },
        ),
    )


def _fonts() -> Check:
    """The fonts the reports ask for; the charts bring their own."""
    css = packaged_path("templates", "report.css").read_text(encoding="utf-8")
    stack = re.search(r"font-family:\s*([^;]+);", css)
    return Check(
        Message(N_("fonts")),
        True,
        Message(
            N_(
                "reports ask for {stack} (a browser takes the first it has); charts use"
                " DejaVu Sans, which comes with matplotlib"
            ),
            {"stack": stack.group(1).strip() if stack else "–"},
        ),
    )


def _packaged() -> list[Check]:
    checks = []
    for folder, (label, names) in _PACKAGED.items():
        base = packaged_path(folder)
        missing = [name for name in names if not (base / name).is_file()]
        part = Message(label)
        if missing:
            checks.append(
                Check(
                    part,
                    False,
                    Message(
                        N_("{path} lacks {files}"), {"path": str(base), "files": ", ".join(missing)}
                    ),
                    Message(N_("reinstall ism-advisor: pip install --force-reinstall ism-advisor")),
                )
            )
        else:
            checks.append(Check(part, True, Message("{path}", {"path": str(base)})))
    return checks


def _knowledge(codebook: Path | None, rules: Path | None, interventions: Path | None) -> Check:
    from ..advice.knowledge import check_knowledge
    from ..advice.knowledge.load import contents
    from ..survey.codebook import load_codebook

    book = load_codebook(codebook)
    checked, problems = check_knowledge(book, rules, interventions)
    part = Message(N_("knowledge base"))
    if problems or checked is None:
        first = problems[0] if problems else None
        return Check(
            part,
            False,
            Message(
                N_("problems: {count}; the first: {problem}"),
                {"count": len(problems), "problem": first if first else "–"},
            ),
            Message(N_("run 'ism-advise rules check' with the same files and fix each problem")),
        )
    return Check(
        part,
        True,
        Message(
            N_(
                "{factors}, {items}, {rules}, {conclusions}, {interventions}; rules check"
                " passes ({files})"
            ),
            {**contents(book, checked), "files": ", ".join(shown_path(f) for f in checked.files)},
        ),
    )


def _templates(folder: Path) -> Check:
    part = Message(N_("report templates"))
    if not folder.is_dir():
        return Check(
            part,
            False,
            Message(N_("{path} is not a folder"), {"path": str(folder)}),
            Message(N_("give a folder of report templates (see 'ism-advise init')")),
        )
    names = sorted(p.name for p in folder.iterdir() if p.suffix in (".html", ".md", ".css"))
    return Check(
        part,
        True,
        Message(
            N_("{path}: {files} (searched before the packaged ones)"),
            {"path": str(folder), "files": ", ".join(names) or "–"},
        ),
    )


def _colours(folder: Path, lang: str) -> Check:
    """The contrast of the colours an organisation's templates set (CSS variables such as
    ``--accent``) against the report's backgrounds, by WCAG 2.1's formula.

    The organisation's ``report.css`` (which replaces the packaged one) is read first,
    then its other templates by name: a later declaration wins, as in the rendered page,
    where the templates' style blocks come after the stylesheet.
    """
    from ..render.colours import contrast_problems, css_declarations

    part = Message(N_("report colours"))
    files = sorted(
        (p for p in folder.iterdir() if p.suffix in (".html", ".css") and p.is_file()),
        key=lambda p: (p.name != "report.css", p.name),
    )
    declared = {}
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        declared.update(css_declarations(text, str(path)))
    problems = contrast_problems(declared, lang)
    if problems:
        listed = Message(
            "; ".join(f"{{p{i}}}" for i in range(len(problems))),
            {f"p{i}": problem for i, problem in enumerate(problems)},
        )
        return Check(
            part,
            True,
            listed,
            Message(
                N_(
                    "choose darker text colours or lighter backgrounds in your templates: WCAG"
                    " 2.1 asks a contrast of at least 4.5:1 for text and 3:1 for graphics"
                )
            ),
            warning=True,
        )
    if not declared:
        return Check(
            part,
            True,
            Message(
                N_("{path} sets no colours of its own; the packaged ones pass WCAG 2.1 AA"),
                {"path": str(folder)},
            ),
        )
    return Check(
        part,
        True,
        Message(
            N_(
                "the colours {path} sets reach WCAG 2.1 AA's contrast: 4.5:1 for text, 3:1 for"
                " graphics"
            ),
            {"path": str(folder)},
        ),
    )
