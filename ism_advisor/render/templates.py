"""The report templates' sandboxed Jinja2 environment (packaged templates or an
organisation's ``--templates DIR``) and rendering a template to text."""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import (
    ChoiceLoader,
    FileSystemLoader,
    PrefixLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
    UndefinedError,
)
from jinja2.exceptions import SecurityError
from markupsafe import Markup

from ..core.errors import N_, AdvisorError
from ..core.formatting import format_figure, join_sources
from ..core.i18n import translations
from ..core.resources import packaged_path
from ..core.sandbox import BoundedImmutableSandbox, LimitExceeded, Limits
from ..core.vocabulary import PERMUTATION_BELOW, PERMUTATIONS
from .colours import PALETTE

__all__ = ["render_text"]


#: What one rendering of a report template (packaged or an organisation's) may do: ten
#: times what a report of 5,000 segments needs, and within a gigabyte and a minute.
TEMPLATE_LIMITS = Limits(size=10_000_000, steps=5_000_000, digits=100, output=50_000_000)


def environment(lang: str, fmt: str, templates: Path | None = None) -> BoundedImmutableSandbox:
    """The sandboxed Jinja2 environment for a report format and language.

    The organisation's folder is searched first; ``default:NAME`` always names a packaged
    template, so an override can extend it. Environments are kept per (language, format,
    folder), so that a run with many reports (``--per-segment``) compiles each template
    once, not once per report (a fifth of a report's time); Jinja2 still reloads a
    template whose file changed. A relative folder is kept per working folder.
    """
    if templates is not None and not templates.is_dir():
        raise AdvisorError(
            N_("no such folder (expected a folder of report templates)"), path=str(templates)
        )
    relative_to = os.getcwd() if templates is not None and not templates.is_absolute() else None
    return _environment(lang, fmt, templates, relative_to)


@lru_cache(maxsize=16)
def _environment(
    lang: str, fmt: str, templates: Path | None, relative_to: str | None
) -> BoundedImmutableSandbox:
    packaged = str(packaged_path("templates"))
    loaders: list[Any] = []
    if templates is not None:
        loaders.append(FileSystemLoader(str(templates)))
    loaders.append(PrefixLoader({"default": FileSystemLoader(packaged)}, delimiter=":"))
    loaders.append(FileSystemLoader(packaged))
    env = BoundedImmutableSandbox(
        TEMPLATE_LIMITS,
        loader=ChoiceLoader(loaders),
        autoescape=fmt != "md",
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_markdown_text if fmt == "md" else None,
    )
    env.install_gettext_translations(translations(lang), newstyle=True)
    env.globals["palette"] = dict(PALETTE)  # the stylesheet's CSS variables
    # where the method section's p-values come from a permutation test (compare.py)
    env.globals["permutation"] = {"below": PERMUTATION_BELOW, "splits": PERMUTATIONS}
    env.filters["num"] = lambda v: "–" if v is None else format_figure(v, "number", lang)
    env.filters["capital"] = lambda v: str(v)[:1].upper() + str(v)[1:]  # keeps "ICT"
    env.filters["signed"] = lambda v: "–" if v is None else format_figure(v, "signed", lang)
    env.filters["pct"] = lambda v: "–" if v is None else format_figure(v, "percent", lang)
    env.filters["count"] = lambda v: "–" if v is None else format_figure(v, "count", lang)
    env.filters["pval"] = lambda v: "–" if v is None else format_figure(v, "p", lang)
    env.filters["decimal"] = lambda v: "–" if v is None else format_figure(v, "decimal", lang)
    env.filters["sources"] = join_sources
    return env


def render_text(name: str, fmt: str, lang: str, templates: Path | None, **variables: Any) -> str:
    """Template ``name`` rendered with ``variables`` (and ``format``): HTML (also for a
    PDF) or Markdown text; a template's error as one :class:`AdvisorError`."""
    env = environment(lang, fmt, templates)
    try:
        template = env.get_template(name)
        text = env.render_bounded(template, {"format": fmt, **variables})
    except LimitExceeded as error:
        path, line = _template_location(error, name)
        raise AdvisorError(
            N_("template went past a limit: {limit}"), path=path, line=line, limit=error.message_
        ) from None
    except TemplateSyntaxError as error:
        raise AdvisorError(
            N_("template error: {problem}"),
            path=error.filename or name,
            line=error.lineno,
            problem=error.message or "",
        ) from None
    except TemplateNotFound as error:
        path, line = _template_location(error, name)
        raise AdvisorError(
            N_(
                "template not found: {name} (templates can include only files in their own"
                " folder or 'default:' templates)"
            ),
            path=path,
            line=line,
            name=error.name,
        ) from None
    except SecurityError as error:
        path, line = _template_location(error, name)
        raise AdvisorError(
            N_("template refused by the sandbox: {problem}"),
            path=path,
            line=line,
            problem=str(error),
        ) from None
    except UndefinedError as error:
        path, line = _template_location(error, name)
        raise AdvisorError(
            N_("template uses something the report does not have: {problem}"),
            path=path,
            line=line,
            problem=str(error),
        ) from None
    except (TemplateError, TypeError, ValueError, ArithmeticError) as error:
        # also an operation the data does not allow ({{ 1 / 0 }}, {{ report.lang * 2.5 }})
        path, line = _template_location(error, name)
        raise AdvisorError(
            N_("template error: {problem}"), path=path, line=line, problem=str(error)
        ) from None
    return text


def _template_location(error: BaseException, name: str) -> tuple[str, int | None]:
    """The template file and line where a rendering error happened (Jinja2 rewrites the
    traceback so that template frames carry the template's own file name and line)."""
    found: tuple[str, int | None] = (name, None)
    frame = error.__traceback__
    while frame is not None:
        filename = frame.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".md", ".css")):
            found = (filename, frame.tb_lineno)
        frame = frame.tb_next
    return found


# what would become markup: an HTML tag or comment, an entity, a table cell's end
_MARKDOWN_SPECIAL = re.compile(r"<(?=[A-Za-z/!?])|&(?=#?\w+;)|\|")


def _markdown_text(value: Any) -> Any:
    """Escape what Markdown renderers would turn into markup; keep "p < 0.001" readable."""
    if value is None or isinstance(value, (int, float, bool, Markup)):
        return value
    return _MARKDOWN_SPECIAL.sub(
        lambda m: {"<": "&lt;", "&": "&amp;", "|": "\\|"}[m.group()], str(value)
    )
