"""Writing output files safely: whole or not at all, and never over an input."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .errors import N_, AdvisorError

__all__ = ["StagedFolder", "check_folder", "check_not_input", "write_atomic"]


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path`` and rename it into place.

    A reader never sees a half-written file, and a failed or interrupted write leaves
    whatever was there before.
    """
    check_folder(path)
    folder = path.parent
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


def check_folder(path: Path) -> None:
    """Refuse an output path whose folder does not exist (before any work is done)."""
    if not path.parent.is_dir():
        raise AdvisorError(
            N_("cannot write here: the folder {folder} does not exist"),
            path=str(path),
            folder=str(path.parent),
        )


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


MANIFEST = ".ism-advisor-reports"


class StagedFolder:
    """A set of reports written all together or not at all.

    Files are written into a hidden staging folder inside ``folder``; on success they
    are renamed into place and the files of the previous set (listed in the folder's
    manifest) that the new set lacks are removed. On any failure or interrupt the staging
    folder is removed and the folder is left as it was.
    """

    def __init__(self, folder: Path, inputs: Iterable[Path] = ()) -> None:
        self.folder = folder
        self.inputs = list(inputs)
        self.names: list[str] = []
        self.stage: Path | None = None

    def __enter__(self) -> StagedFolder:
        if self.folder.exists() and not self.folder.is_dir():
            raise AdvisorError(N_("is a file, not a folder"), path=str(self.folder))
        if not self.folder.parent.is_dir():
            raise AdvisorError(
                N_("cannot write here: the folder {folder} does not exist"),
                path=str(self.folder),
                folder=str(self.folder.parent),
            )
        self.folder.mkdir(exist_ok=True)
        try:
            self.stage = Path(tempfile.mkdtemp(prefix=".staging-", dir=self.folder))
        except OSError as exc:
            raise AdvisorError(
                N_("cannot write here: {reason}"), path=str(self.folder), reason=exc.strerror
            ) from None
        return self

    def write(self, name: str, data: bytes) -> None:
        assert self.stage is not None  # only inside the with block
        target = self.folder / name
        check_not_input(target, self.inputs)
        (self.stage / name).write_bytes(data)
        self.names.append(name)

    def __exit__(self, kind, error, traceback) -> None:
        assert self.stage is not None
        try:
            if kind is None:
                self._publish()
        finally:
            shutil.rmtree(self.stage, ignore_errors=True)

    def _publish(self) -> None:
        assert self.stage is not None
        manifest = self.folder / MANIFEST
        previous = manifest.read_text(encoding="utf-8").splitlines() if manifest.exists() else []
        mask = 0o666 & ~_umask()
        for name in self.names:
            os.chmod(self.stage / name, mask)
            os.replace(self.stage / name, self.folder / name)
        for name in previous:
            stale = self.folder / name
            if name not in self.names and "/" not in name and stale.is_file():
                stale.unlink()
        write_atomic(manifest, "".join(f"{name}\n" for name in self.names).encode("utf-8"))
