"""MkDocs hooks (``hooks:`` in mkdocs.yml): the pages, written to read on GitHub as well,
rendered by Python-Markdown as GitHub renders them."""

from __future__ import annotations

import re

_CODE = re.compile(r"`[^`\n]*`")


def on_page_markdown(markdown: str, **kwargs) -> str:
    """In a table row, GitHub needs a pipe inside a code span escaped (``nl\\|en``) and shows
    it without the backslash; Python-Markdown keeps a code span whole without the escape, and
    would show the backslash."""
    lines = markdown.split("\n")
    for index, line in enumerate(lines):
        if line.lstrip().startswith("|"):
            lines[index] = _CODE.sub(lambda code: code[0].replace("\\|", "|"), line)
    return "\n".join(lines)
