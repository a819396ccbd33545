"""One survey per wave: the waves' names, and one file's respondents split by a wave column.

Reading only: :mod:`ism_advisor.stats.waves` compares the waves, and
:mod:`ism_advisor.protect.followup` decides what of the comparison may be shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from ..core.errors import N_, AdvisorError, Message
from .reading import Survey

__all__ = ["split_waves", "wave_names"]


def wave_names(paths: Sequence[Path], names: Sequence[str]) -> tuple[str, ...]:
    """The waves' names: ``names`` (one per file, all different), else the file stems."""
    if names and len(names) != len(paths):
        raise AdvisorError(
            N_("--wave-name is given {names} times for {files} survey files (one per file)"),
            names=len(names),
            files=len(paths),
        )
    out = tuple(str(n).strip() for n in names) if names else tuple(p.stem for p in paths)
    for name in out:
        if not name:
            raise AdvisorError(N_("a wave name is blank"))
        if out.count(name) > 1:
            raise AdvisorError(
                N_("two waves are called '{name}' (name each wave with --wave-name)"),
                name=name,
            )
    return out


def split_waves(survey: Survey, column: str, order: Sequence[str]) -> list[tuple[str, Survey]]:
    """One file's respondents split by the wave column (read as a segment column):
    the waves in ``order`` when given (every value of the column, in time order; its
    capitals need not match where no two values differ only in them), else in the
    column's sorted order; an ``order`` that names none of the values names the values, in
    their sorted order. Respondents with a blank wave are left out, with a warning.
    """
    values = survey.segments[column]
    found = [str(v) for v in values.cat.categories if (values == v).any()]
    names = dict(zip(found, found, strict=True))  # each value's wave name
    folded = {v.casefold(): v for v in found}
    if len(folded) == len(found) and order and all(n.casefold() in folded for n in order):
        order = [folded[n.casefold()] for n in order]  # spring is Spring: no other value is
    named = order and not {n.casefold() for n in order} & set(folded)
    if named and len(found) > 1:  # names for the values, in their sorted order
        if len(order) != len(found):
            raise AdvisorError(
                N_(
                    'column "{name}" holds {count} waves, and --wave-name names {names} (one'
                    " name per wave, for its values in sorted order; or list the values"
                    " themselves in time order)"
                ),
                path=survey.path,
                name=column,
                names=len(order),
                count=len(found),
            )
        names = dict(zip(found, wave_names(found, order), strict=True))
        order = ()
    if order:
        unknown = [v for v in found if v not in order]
        if unknown:
            raise AdvisorError(
                N_("wave '{value}' in column \"{name}\" is not among --wave-name {names}"),
                path=survey.path,
                name=column,
                value=unknown[0],
                names=", ".join(order),
            )
        missing = [v for v in order if v not in found]
        if missing:
            raise AdvisorError(
                N_("no respondent of wave '{value}' in column \"{name}\""),
                path=survey.path,
                name=column,
                value=missing[0],
            )
        found = list(order)
    if len(found) < 2:
        raise AdvisorError(
            N_('column "{name}" names {count} wave; comparing waves needs at least two'),
            path=survey.path,
            name=column,
            count=len(found),
        )
    blank = int(values.isna().sum())
    warnings = survey.warnings
    if blank:
        warnings = (
            *warnings,
            Message(
                N_('rows left out for want of a wave in column "{column}": {count}'),
                {"column": column, "count": blank},
            ),
        )
    specs = tuple(spec for spec in survey.segment_by if spec != (column,))
    used = {name for spec in specs for name in spec}
    out = []
    for value in found:
        name = names[value]
        mask = (values == value).to_numpy(dtype=bool)
        segments = survey.segments.loc[mask, [c for c in survey.segments.columns if c in used]]
        out.append(
            (
                name,
                replace(
                    survey,
                    scores=survey.scores.loc[mask].reset_index(drop=True),
                    is_user=survey.is_user[mask],
                    segments=segments.reset_index(drop=True),
                    segment_by=specs,
                    items={k: v.loc[mask].reset_index(drop=True) for k, v in survey.items.items()},
                    warnings=warnings if value == found[-1] else (),
                ),
            )
        )
    return out
