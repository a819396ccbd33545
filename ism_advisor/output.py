"""Writing output files safely: whole or not at all, and never over an input."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .errors import N_, AdvisorError

__all__ = ["check_not_input", "write_atomic"]


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path`` and rename it into place.

    A reader never sees a half-written file, and a failed or interrupted write leaves
    whatever was there before.
    """
    folder = path.parent
    if not folder.is_dir():
        raise AdvisorError(
            N_("cannot write here: the folder {folder} does not exist"),
            path=str(path),
            folder=str(folder),
        )
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise AdvisorError(
            N_("cannot write here: {reason}"), path=str(path), reason=exc.strerror
        ) from None
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(exc, OSError):
            raise AdvisorError(
                N_("cannot write here: {reason}"), path=str(path), reason=exc.strerror
            ) from None
        raise


def check_not_input(output: Path, inputs: Iterable[Path]) -> None:
    """Refuse an output path that is one of the inputs (also through links)."""
    for source in inputs:
        if output.exists() and source.exists() and os.path.samefile(output, source):
            raise AdvisorError(
                N_("refusing to write the output over the input file {input}"),
                path=str(output),
                input=str(source),
            )


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
