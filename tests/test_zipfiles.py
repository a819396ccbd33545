"""Zip containers checked before a reader unpacks them: sizes, ratio, and sizes that lie."""

from __future__ import annotations

import io
import zipfile

import pytest

from ism_advisor.core.errors import N_, AdvisorError
from ism_advisor.core.zipfiles import ZipLimits, check_zip

LIMITS = ZipLimits(total=3000, member=2000, xml_member=1000, ratio=10, grace=100)
WHAT = N_("a PowerPoint presentation")


def package(**members: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in members.items():
            target.writestr(name.replace("__", "/").replace("_", "."), data)
    return buffer.getvalue()


def problem(data: bytes, *, verify: bool = False) -> str | None:
    try:
        check_zip(data, "t.pptx", LIMITS, WHAT, verify=verify)
    except AdvisorError as error:
        return str(error)
    return None


def test_within_the_limits_passes():
    assert problem(package(a_xml=bytes(range(256)) * 3, b_png=bytes(range(256)) * 7)) is None


def test_an_xml_part_over_its_limit():
    assert problem(package(theme_xml=bytes(range(256)) * 4 + b"x")) == (
        "t.pptx: part 'theme.xml' unpacks to 1 MiB, more than the 1 MiB allowed (a zip bomb?"
        " expected a PowerPoint presentation)"
    )


def test_a_ratio_over_the_limit():
    assert problem(package(a_png=b" " * 500)) == (
        "t.pptx: part 'a.png' is compressed 62 to 1, more than the 10 to 1 allowed (a zip"
        " bomb? expected a PowerPoint presentation)"
    )


def test_a_small_part_may_compress_well():
    assert problem(package(a_xml=b" " * 99)) is None


def test_all_parts_together_over_the_limit():
    part = bytes(range(256)) * 6
    assert problem(package(a_png=part, b_png=part)) == (
        "t.pptx: unpacks to 1 MiB, more than the 1 MiB allowed (a zip bomb? expected a"
        " PowerPoint presentation)"
    )


def test_a_part_larger_than_declared_is_found_by_unpacking_it():
    honest = package(a_png=bytes(range(256)) * 4)
    with zipfile.ZipFile(io.BytesIO(honest)) as source:
        size = source.getinfo("a.png").file_size
    smaller = (size // 2).to_bytes(4, "little")
    data = bytearray(honest)
    data[22:26] = smaller  # the local header
    central = data.rfind(b"PK\x01\x02")
    data[central + 24 : central + 28] = smaller  # the central directory
    assert problem(bytes(data)) is None  # the directory alone looks fine
    assert problem(bytes(data), verify=True) == (
        "t.pptx: part 'a.png' does not unpack to what the zip file's directory declares"
        " (damaged or tampered with; expected a PowerPoint presentation)"
    )


@pytest.mark.parametrize("data", [b"", b"not a zip", b"PK\x03\x04broken"])
def test_no_zip_is_left_to_its_reader(data):
    assert problem(data, verify=True) is None
