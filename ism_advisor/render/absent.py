"""Factors a survey did not ask, and how every output says so.

A wave of several may leave a factor out (its file has no column for it, or no respondent
answered it): its comparisons are published with the reason ``"not_asked"``
(:data:`ism_advisor.protect.disclosure.REASON_NOT_ASKED`), never as hidden for anonymity, and the
document's ``waves.not_asked`` lists, per wave, the factors it did not ask. The report,
deck and brief say "not asked in wave October 2026" from these.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..core.errors import N_
from ..protect.disclosure import REASON_NOT_ASKED

__all__ = ["REASON_NOT_ASKED", "compared_note", "latest_wave", "not_asked_in", "not_asked_waves"]


def not_asked_waves(document: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    """Per factor id that some wave did not ask, those waves in time order."""
    out: dict[str, list[str]] = {}
    for wave, factors in ((document.get("waves") or {}).get("not_asked") or {}).items():
        for factor in factors:
            out.setdefault(factor, []).append(wave)
    return {factor: tuple(waves) for factor, waves in out.items()}


def latest_wave(document: Mapping[str, Any]) -> str | None:
    """The name of the wave the document's figures are of (None: a run on one file)."""
    names = (document.get("waves") or {}).get("names") or []
    return names[-1] if names else None


def not_asked_in(document: Mapping[str, Any], t: Callable[..., str]) -> str:
    """What a factor the document's survey (its latest wave) did not ask is: "not asked in
    wave October 2026"; "not asked in this survey" for a document without waves."""
    wave = latest_wave(document)
    if wave is None:
        return t(N_("not asked in this survey"))
    return t(N_("not asked in wave {wave}"), wave=wave)


def compared_note(
    document: Mapping[str, Any],
    comparisons: Sequence[Mapping[str, Any]],
    t: Callable[..., str],
) -> str | None:
    """The count of what a segment compared when the survey did not ask some factor: "6 of
    7 factors compared; Privacy concern: not asked in wave October 2026."; else None."""
    labels = {f["id"]: f["label"] for f in document["factors"]}
    absent = [c["factor"] for c in comparisons if c["suppressed_reason"] == REASON_NOT_ASKED]
    if not absent:
        return None
    wave = latest_wave(document)
    params = {
        "compared": len(document["factors"]) - len(absent),
        "factors": len(document["factors"]),
        "absent": ", ".join(labels.get(f, f) for f in absent),
    }
    if wave is not None:
        return t(
            N_("{compared} of {factors} factors compared; {absent}: not asked in wave {wave}."),
            wave=wave,
            **params,
        )
    return t(N_("{compared} of {factors} factors compared; {absent}: not asked."), **params)
