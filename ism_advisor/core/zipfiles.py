"""Zip containers (XLSX, ODS, PPTX) opened within bounds.

A workbook or a PowerPoint template is a zip file, and a zip file of a megabyte can
inflate to gigabytes (a "zip bomb"). Before any reader unpacks one, :func:`check_zip`
compares what its central directory declares with :class:`ZipLimits`: the size of each
member, the size of all of them, and each member's compression ratio. The ratio check
follows Apache POI's ``ZipSecureFile`` (which guards the same Office formats): at most 100
to 1, not checked for members under a grace size, whose ratio says nothing.

The directory's sizes are not trusted alone: with ``verify`` every member is streamed
through :mod:`zipfile`, which never yields more than the declared size and checks the
CRC, so a member that inflates past what it declares is refused as damaged before another
reader (python-calamine's Rust zip reader) sees it. :func:`read_member` streams one member
and stops at a limit.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from .errors import N_, AdvisorError, Message

__all__ = ["SHEET_LIMITS", "TEMPLATE_LIMITS", "ZipLimits", "check_zip", "stream_member"]

MiB = 1 << 20
_CHUNK = MiB


@dataclass(frozen=True)
class ZipLimits:
    """How much a zip container may unpack to."""

    #: all members together, uncompressed (bytes)
    total: int
    #: one member, uncompressed (bytes)
    member: int
    #: one XML member (a reader parses it into a tree in memory), uncompressed (bytes)
    xml_member: int
    #: uncompressed size / compressed size of one member
    ratio: int = 100
    #: members smaller than this (uncompressed) are not checked for their ratio
    grace: int = MiB


#: Spreadsheets: a sheet is streamed by the reader; :mod:`.reading.sheets` also bounds
#: its cells.
SHEET_LIMITS = ZipLimits(total=512 * MiB, member=256 * MiB, xml_member=256 * MiB)
#: PowerPoint templates: python-pptx reads every part into memory and parses each XML
#: part into a tree; a real template's XML parts are well under a megabyte each.
TEMPLATE_LIMITS = ZipLimits(total=256 * MiB, member=128 * MiB, xml_member=16 * MiB)


def _mib(size: int) -> int:
    return -(-size // MiB)


def check_zip(
    source: Path | bytes, where: str, limits: ZipLimits, expected: str, *, verify: bool = False
) -> None:
    """Raise :class:`AdvisorError` when the zip at ``source`` would unpack beyond ``limits``.

    ``expected`` (an ``N_`` message) says what the file should be. A file that is no zip
    at all passes: its reader says what is wrong with it. With ``verify`` every member is
    streamed to check that it inflates to no more than its declared size.
    """
    what = Message(expected)
    try:
        with _open(source) as package:
            members = package.infolist()
            total = 0
            for info in members:
                _check_member(info, where, limits, what)
                total += info.file_size
            if total > limits.total:
                raise AdvisorError(
                    N_(
                        "unpacks to {size} MiB, more than the {limit} MiB allowed (a zip bomb?"
                        " expected {expected})"
                    ),
                    path=where,
                    size=_mib(total),
                    limit=_mib(limits.total),
                    expected=what,
                )
            if verify:
                for info in members:
                    for _ in stream_member(package, info, where, info.file_size, expected):
                        pass
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, RuntimeError):
        return  # not a (readable) zip: the file's own reader reports it


def _open(source: Path | bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)


def _check_member(info: zipfile.ZipInfo, where: str, limits: ZipLimits, what: Message) -> None:
    xml = info.filename.lower().endswith((".xml", ".rels"))
    limit = limits.xml_member if xml else limits.member
    if info.file_size > limit:
        raise AdvisorError(
            N_(
                "part '{member}' unpacks to {size} MiB, more than the {limit} MiB allowed (a"
                " zip bomb? expected {expected})"
            ),
            path=where,
            member=info.filename,
            size=_mib(info.file_size),
            limit=_mib(limit),
            expected=what,
        )
    if info.file_size >= limits.grace and info.file_size > limits.ratio * max(
        info.compress_size, 1
    ):
        raise AdvisorError(
            N_(
                "part '{member}' is compressed {ratio} to 1, more than the {limit} to 1"
                " allowed (a zip bomb? expected {expected})"
            ),
            path=where,
            member=info.filename,
            ratio=info.file_size // max(info.compress_size, 1),
            limit=limits.ratio,
            expected=what,
        )


def stream_member(
    package: zipfile.ZipFile, info: zipfile.ZipInfo, where: str, limit: int, expected: str
) -> Iterator[bytes]:
    """The member's bytes in chunks; :class:`AdvisorError` once more than ``limit`` bytes
    came out, or when the data does not match the zip directory (its CRC or size)."""
    seen = 0
    try:
        with package.open(info) as handle:
            while chunk := _read(handle):
                seen += len(chunk)
                if seen > limit:
                    raise AdvisorError(
                        N_(
                            "part '{member}' unpacks to more than {limit} MiB (a zip bomb?"
                            " expected {expected})"
                        ),
                        path=where,
                        member=info.filename,
                        limit=_mib(limit),
                        expected=Message(expected),
                    )
                yield chunk
    except (zipfile.BadZipFile, zlib.error, EOFError):
        raise AdvisorError(
            N_(
                "part '{member}' does not unpack to what the zip file's directory declares"
                " (damaged or tampered with; expected {expected})"
            ),
            path=where,
            member=info.filename,
            expected=Message(expected),
        ) from None


def _read(handle: IO[bytes]) -> bytes:
    return handle.read(_CHUNK)
