"""Where the packaged knowledge base (``rules/``) and templates (``templates/``) live.

In an installed wheel they sit inside the package (``ism_advisor/rules``); in a source
checkout they are the top-level folders next to the package.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path, PureWindowsPath

__all__ = ["file_name", "packaged_path"]


def packaged_path(folder: str, name: str = "") -> Path:
    """The path of ``folder/name`` among the packaged data ("rules", "templates")."""
    installed = Path(str(files("ism_advisor"))) / folder
    base = installed if installed.is_dir() else Path(__file__).resolve().parent.parent / folder
    return base / name if name else base


def file_name(path: str | Path) -> str:
    """A file's name without its folders: how every output (report, brief, deck, JSON,
    questionnaire key, explanation) names an input, for the path as given often holds a
    person's or a client's name ("/home/jan/klant X/scores.csv"). Both separators count,
    whatever the system, for a document may be read anywhere."""
    return PureWindowsPath(str(path)).name or str(path)
