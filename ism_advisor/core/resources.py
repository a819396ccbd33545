"""Where the packaged knowledge base (``rules/``) and templates (``templates/``) live.

In an installed wheel they sit inside the package (``ism_advisor/rules``); in a source
checkout they are the top-level folders next to the package.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path, PureWindowsPath

__all__ = ["file_name", "packaged_path", "shown_path"]


def packaged_path(folder: str, name: str = "") -> Path:
    """The path of ``folder/name`` among the packaged data ("rules", "templates")."""
    installed = Path(str(files("ism_advisor"))) / folder
    base = installed if installed.is_dir() else Path(__file__).resolve().parents[2] / folder
    return base / name if name else base


def file_name(path: str | Path) -> str:
    """A file's name without its folders: how every output (report, brief, deck, JSON,
    questionnaire key, explanation) names an input, for the path as given often holds a
    person's or a client's name ("/home/jan/klant X/scores.csv"). Both separators count,
    whatever the system, for a document may be read anywhere."""
    return PureWindowsPath(str(path)).name or str(path)


def shown_path(path: str | Path) -> str:
    """How a message names ``path``: a packaged file as ``<packaged>/factors.yaml`` or
    ``<packaged>/templates/name`` (its place
    inside site-packages is no file for the user to edit: 'ism-advise init' makes an
    editable copy), any other path as given."""
    text = str(path)
    try:
        resolved = Path(text).resolve()
    except (OSError, RuntimeError, ValueError):
        return text
    for folder in ("rules", "templates"):
        base = packaged_path(folder).resolve()
        if resolved == base or base in resolved.parents:
            relative = resolved.relative_to(base).as_posix()
            # the knowledge base's files as the documents name them: <packaged>/factors.yaml
            prefix = "<packaged>" if folder == "rules" else "<packaged>/templates"
            return prefix if relative == "." else f"{prefix}/{relative}"
    return text
