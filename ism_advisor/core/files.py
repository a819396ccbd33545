"""Writing output files safely: whole or not at all, and never over an input."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import hashlib
import os
import re
import shutil
import signal
import socket
import stat
import sys
import tempfile
import threading
import time
from collections.abc import Iterable
from pathlib import Path

from .errors import N_, AdvisorError

__all__ = [
    "MANIFEST",
    "Outputs",
    "check_folder",
    "check_not_input",
    "host_tag",
    "remove_stale_stages",
    "write_atomic",
]


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path`` and rename it into place.

    A reader never sees a half-written file, and a failed or interrupted write leaves
    whatever was there before.
    """
    _check_target(path)
    folder = path.parent
    try:  # a short name: one near the limit must not fail for its temporary's
        handle, temporary = tempfile.mkstemp(prefix=".ism-", suffix=".tmp", dir=folder)
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


#: The list of the reports a per-segment folder holds (the files the next set replaces).
MANIFEST = ".ism-advisor-reports"

#: A staging folder's name: ``.staging-<pid>-<host>-<random>`` (the host as a hash, so
#: that a folder shared between machines is cleaned only by the machine that knows the
#: process), and the name an earlier release gave it.
_STAGE = re.compile(r"\.staging-(\d+)-([0-9a-f]{8})-[a-z0-9_]+")
_OLD_STAGE = re.compile(r"\.staging-[a-z0-9_]{8}")
#: A staging folder whose process cannot be checked (another machine, an earlier release)
#: is removed once nothing in it has changed for this long (seconds).
STALE_AFTER = 24 * 3600


class _Signalled(BaseException):
    """SIGTERM (or a signal left at its default action) arrived while outputs were staged:
    the staging is removed, then the process ends of the signal as it would have."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


class Outputs:
    """Every file a run writes, moved into place only once all of it was made.

    Declare the targets first (:meth:`file`, :meth:`folder`: checked at once, before any
    work), then inside ``with outputs:`` stage their contents (:meth:`write`,
    :meth:`write_in`). Each file is staged in a hidden ``.staging-*`` folder beside its
    target (the same file system, so that the final move is a rename); a per-segment set
    is staged as a whole folder beside its folder. Leaving the block without an error
    checks every target again and only then moves everything into place: a new folder
    by one rename, a folder that holds only an earlier set of ours by swapping the two
    (Linux), otherwise file by file. Should a move fail, the ones made are undone, so that
    every earlier file is left as it was (the same file: bytes and time).

    On an error, Ctrl-C or SIGTERM inside the block the staging folders are removed and
    nothing is moved; SIGTERM then ends the process as it would have (the handlers in
    place before are restored and given the signal). A signal that arrives while the
    files are being moved waits until they are. Staging folders that a killed process left
    behind are removed when a later run declares a target in their folder.
    """

    def __init__(self, inputs: Iterable[Path] = ()) -> None:
        self.inputs = [Path(p) for p in inputs]
        self._files: dict[Path, Path | None] = {}  # target -> its staged copy
        self._folder: Path | None = None
        self._set: Path | None = None  # the staged set (a folder)
        self._set_beside = False  # staged beside the folder (it can be moved whole)
        self._names: list[str] = []
        self._stages: dict[str, Path] = {}  # real path of a folder -> its staging folder
        self._previous: dict[int, object] = {}
        self._pending: list[int] = []
        self._moving = False

    # -- declaring ---------------------------------------------------------------------

    def file(self, path: Path) -> None:
        """Declare an output file (refused at once if it cannot be written)."""
        path = Path(path)
        _check_target(path)
        check_not_input(path, self.inputs)
        remove_stale_stages(path.parent)
        self._files[path] = None

    def folder(self, path: Path) -> None:
        """Declare the folder of a set of reports (the set replaces the earlier one)."""
        path = Path(path)
        _check_set_folder(path)
        remove_stale_stages(_parent(path))
        if path.is_dir():
            remove_stale_stages(path)
        self._folder = path

    # -- staging -----------------------------------------------------------------------

    def __enter__(self) -> Outputs:
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGINT, signal.SIGTERM):
                previous = signal.getsignal(signum)
                if previous is not None:  # None: not set from Python, cannot be restored
                    self._previous[signum] = previous
                    signal.signal(signum, self._on_signal)
        return self

    def write(self, path: Path, data: bytes) -> None:
        """Stage ``data`` for the declared file ``path``."""
        path = Path(path)
        if path not in self._files:
            raise ValueError(f"{path} was not declared")
        stage = self._stage(path.parent) / "files"
        _write_new(stage / path.name, data, path)
        self._files[path] = stage / path.name

    def write_in(self, name: str, data: bytes) -> None:
        """Stage the file ``name`` of the declared folder's set."""
        assert self._folder is not None, "no folder declared"
        target = self._folder / name
        if "/" in name or name in ("", ".", "..", MANIFEST):
            raise ValueError(f"not a file name: {name!r}")
        _check_name(target, self._folder if self._folder.is_dir() else _parent(self._folder))
        check_not_input(target, self.inputs)
        _write_new(self._set_folder() / name, data, target)
        self._names.append(name)

    def _set_folder(self) -> Path:
        """Where the set is staged: beside its folder when the set can replace it whole
        (a new folder, or one holding only an earlier set), else inside it."""
        assert self._folder is not None
        if self._set is None:
            self._set_beside = not self._folder.exists() or _only_ours(self._folder)
            place = _parent(self._folder) if self._set_beside else self._folder
            self._set = self._stage(place) / "set"
        return self._set

    def _stage(self, folder: Path) -> Path:
        """The staging folder in ``folder`` (made at first use), with its parts."""
        key = os.path.realpath(folder)
        if key not in self._stages:
            prefix = f".staging-{os.getpid()}-{host_tag()}-"
            try:
                stage = Path(tempfile.mkdtemp(prefix=prefix, dir=folder))
                for part in ("files", "set", "old"):
                    (stage / part).mkdir()
            except OSError as exc:
                raise AdvisorError(
                    N_("cannot write here: {reason}"), path=str(folder), reason=exc.strerror
                ) from None
            self._stages[key] = stage
        return self._stages[key]

    # -- moving into place -------------------------------------------------------------

    def __exit__(self, kind, error, traceback) -> None:
        try:
            if kind is None:
                self._move_all()
        finally:
            for stage in self._stages.values():
                shutil.rmtree(stage, ignore_errors=True)
            self._stages.clear()
            pending = self._restore_signals()
        for signum in pending:  # arrived while the files were being moved
            signal.raise_signal(signum)
        if isinstance(error, _Signalled):
            signal.raise_signal(error.signum)  # the handler before ours: by default, exit
            raise SystemExit(128 + error.signum) from None

    def _move_all(self) -> None:
        staged = {path: copy for path, copy in self._files.items() if copy is not None}
        for path in staged:  # every target again, before anything is moved
            _check_target(path)
            check_not_input(path, self.inputs)
        if self._folder is not None:
            _check_set_folder(self._folder)
            self._set_folder()  # a set of no reports replaces the earlier set too
            for name in self._names:
                check_not_input(self._folder / name, self.inputs)
                _check_not_folder(self._folder / name)
        undo: list[tuple] = []
        self._moving = True
        try:
            if self._set is not None:
                self._move_set(undo)
            for path, copy in staged.items():
                _replace(copy, path, undo, copy.parent.parent / "old")
        except BaseException as exc:
            for step in reversed(undo):
                with contextlib.suppress(OSError):
                    _undo(step)
            if isinstance(exc, OSError):
                where = exc.filename if exc.filename is not None else self._folder
                raise AdvisorError(
                    N_("cannot write here: {reason}"), path=str(where), reason=exc.strerror
                ) from None
            raise
        finally:
            self._moving = False

    def _move_set(self, undo: list[tuple]) -> None:
        assert self._set is not None and self._folder is not None
        folder, new = self._folder, self._set
        previous = _read_manifest(folder)
        _write_new(new / MANIFEST, "".join(f"{n}\n" for n in self._names).encode(), folder)
        if self._set_beside and not os.path.lexists(folder):
            os.rename(new, folder)
            undo.append(("rename", folder, new))
            return
        if self._set_beside and _only_ours(folder):
            os.chmod(new, stat.S_IMODE(os.stat(folder).st_mode))
            if _exchange(new, folder):
                undo.append(("exchange", new, folder))
                return
        old = new.parent / "old"
        for name in [*self._names, MANIFEST]:
            _replace(new / name, folder / name, undo, old)
        for name in previous:  # the earlier set's reports that the new one lacks
            stale = folder / name
            if name not in self._names and "/" not in name and stale.is_file():
                backup = old / f"{len(undo)}"
                os.rename(stale, backup)
                undo.append(("rename", backup, stale))

    # -- signals -----------------------------------------------------------------------

    def _on_signal(self, signum: int, frame) -> None:
        if self._moving:
            self._pending.append(signum)
            return
        previous = self._previous.get(signum, signal.SIG_DFL)
        if previous == signal.SIG_IGN:
            return
        if callable(previous):
            previous(signum, frame)  # Ctrl-C: KeyboardInterrupt, as without us
            return
        raise _Signalled(signum)

    def _restore_signals(self) -> list[int]:
        for signum, previous in self._previous.items():
            signal.signal(signum, previous)  # type: ignore[arg-type]
        self._previous.clear()
        pending, self._pending = self._pending, []
        return pending


def remove_stale_stages(folder: Path) -> list[str]:
    """Remove the staging folders in ``folder`` that a killed run left behind.

    Ours only, and only those no run uses: made on this machine by a process that no
    longer exists, or (made elsewhere, or by an earlier release) unchanged for
    :data:`STALE_AFTER`. Returns the names removed.
    """
    try:
        with os.scandir(folder) as found:
            entries = list(found)
    except OSError:
        return []
    removed = []
    for entry in entries:
        ours = entry.name.startswith(".staging-") and entry.is_dir(follow_symlinks=False)
        if ours and _stale(entry.name, entry.path):
            shutil.rmtree(entry.path, ignore_errors=True)
            removed.append(entry.name)
    return removed


def _stale(name: str, path: str) -> bool:
    found = _STAGE.fullmatch(name)
    if found and found.group(2) == host_tag() and os.name == "posix":
        pid = int(found.group(1))
        return pid != os.getpid() and not _alive(pid)
    if found or _OLD_STAGE.fullmatch(name):
        return time.time() - _last_change(path) > STALE_AFTER
    return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, but another user's
        return True
    return True


def _last_change(path: str) -> float:
    latest = os.lstat(path).st_mtime
    for root, folders, files in os.walk(path):
        for name in (*folders, *files):
            with contextlib.suppress(OSError):
                latest = max(latest, os.lstat(os.path.join(root, name)).st_mtime)
    return latest


def host_tag() -> str:
    """This machine in a staging folder's name: 8 hex digits of its host name's hash."""
    return hashlib.sha256(socket.gethostname().encode("utf-8")).hexdigest()[:8]


def _parent(path: Path) -> Path:
    """The folder that holds ``path`` (also for ``.`` and other relative names)."""
    return Path(os.path.abspath(path)).parent


def _check_target(path: Path) -> None:
    """An output file can be written: its folder exists and is writable, it is not a
    folder, and its name and path are not too long."""
    check_folder(path)
    _check_name(path, path.parent)
    if path.is_dir():  # also through a link: the file would replace the link
        raise AdvisorError(N_("is a folder, not a file"), path=str(path))
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise AdvisorError(
            N_("cannot write here: {reason}"),
            path=str(path),
            reason=os.strerror(errno.EACCES),
        )


def _check_not_folder(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        raise AdvisorError(N_("is a folder, not a file"), path=str(path))


def _check_set_folder(folder: Path) -> None:
    if not _parent(folder).is_dir():
        raise AdvisorError(
            N_("cannot write here: the folder {folder} does not exist"),
            path=str(folder),
            folder=str(folder.parent),
        )
    _check_name(folder, _parent(folder))
    if folder.exists() and not folder.is_dir():
        raise AdvisorError(N_("is a file, not a folder"), path=str(folder))


def _check_name(path: Path, folder: Path) -> None:
    """``path``'s name and whole path fit the limits of the file system of ``folder``."""
    name_max = _pathconf(folder, "PC_NAME_MAX", 255)
    length = len(os.fsencode(Path(os.path.abspath(path)).name))
    if length > name_max:
        raise AdvisorError(
            N_("cannot write here: the name is {length} bytes long; this folder allows {limit}"),
            path=str(path),
            length=length,
            limit=name_max,
        )
    path_max = _pathconf(folder, "PC_PATH_MAX", 4096) - 1  # the limit counts the final NUL
    length = len(os.fsencode(os.path.abspath(path)))
    if length > path_max:
        raise AdvisorError(
            N_("cannot write here: the path is {length} bytes long; this system allows {limit}"),
            path=str(path),
            length=length,
            limit=path_max,
        )


def _pathconf(folder: Path, name: str, default: int) -> int:
    try:
        value = os.pathconf(folder, name)
    except (OSError, ValueError, AttributeError):
        return default
    return value if value > 0 else default


def _write_new(path: Path, data: bytes, target: Path) -> None:
    """Write a staged file (normal permissions, like any new file)."""
    try:
        with open(path, "xb") as file:
            file.write(data)
    except OSError as exc:
        raise AdvisorError(
            N_("cannot write here: {reason}"), path=str(target), reason=exc.strerror
        ) from None


def _read_manifest(folder: Path) -> list[str]:
    try:
        return (folder / MANIFEST).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []


def _only_ours(folder: Path) -> bool:
    """``folder`` is a plain folder that holds nothing but an earlier set of ours: plain
    files its manifest lists (so that the new set can take its place whole)."""
    if folder.is_symlink() or not folder.is_dir() or os.path.ismount(folder):
        return False
    ours = {*_read_manifest(folder), MANIFEST}
    try:
        with os.scandir(folder) as entries:
            return all(
                entry.name in ours and entry.is_file(follow_symlinks=False) for entry in entries
            )
    except OSError:
        return False


def _replace(new: Path, target: Path, undo: list[tuple], old: Path) -> None:
    """Move ``new`` over ``target``, keeping the earlier file in ``old`` until the end."""
    _check_not_folder(target)  # never moved aside, and so never removed with the staging
    if os.path.lexists(target):
        backup = old / f"{len(undo)}"
        try:
            os.link(target, backup, follow_symlinks=False)  # the target stays in place
        except OSError:
            os.rename(target, backup)
        undo.append(("rename", backup, target))
    else:
        undo.append(("remove", target))
    os.replace(new, target)


def _undo(step: tuple) -> None:
    if step[0] == "rename":
        os.replace(step[1], step[2])
    elif step[0] == "exchange":
        _exchange(step[1], step[2])
    elif step[0] == "remove" and os.path.lexists(step[1]):
        os.unlink(step[1])


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux's renameat2); False where it cannot be done."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
    renameat2.argtypes += [ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False  # not on this file system or kernel: file by file instead
    raise OSError(code, os.strerror(code), str(b))
