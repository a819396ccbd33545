"""The advice over several waves: the interventions carried out since the last survey, the
rules that test a change figure, and the latest wave's facts with the change figures added.

The change figures themselves come from :func:`ism_advisor.protect.followup.follow_up`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..core.errors import N_, AdvisorError
from ..core.vocabulary import COMPARISON, SEGMENT
from ..core.yamlfile import Pos, YList, describe, did_you_mean, load_yaml
from ..protect.followup import FollowUp
from .engine import FactSet
from .knowledge.meaning import figures_tested, needs_interventions

__all__ = ["add_change_facts", "follow_up_rules", "load_done"]


def load_done(path: Path, interventions: Mapping[str, Any]) -> tuple[str, ...]:
    """The interventions carried out since the last survey: a YAML list of their ids."""
    data = load_yaml(path, N_("a list of the interventions carried out"))
    name = str(path)
    if not isinstance(data, YList):
        pos = getattr(data, "pos", Pos(1, 1))
        raise AdvisorError(
            N_("expected a list of intervention ids (- id on each line), found {found}"),
            path=name,
            line=pos.line,
            column=pos.column,
            found=describe(data),
        )
    for index, value in enumerate(data):
        pos = data.where(index)
        if not isinstance(value, str) or value not in interventions:
            raise AdvisorError(
                N_("unknown intervention {found}{hint}"),
                path=name,
                line=pos.line,
                column=pos.column,
                found=describe(value),
                hint=did_you_mean(str(value), interventions),
            )
    return tuple(dict.fromkeys(data))


def follow_up_rules(rules: Sequence[Any], evidence: bool = False) -> tuple[str, ...]:
    """The ids of the rules that test a change figure: the report's follow-up advice.

    A rule that needs the evidence ledger's intervention facts counts only with
    ``evidence`` (a run with ``--evidence``): without them it can never fire.
    """
    changes = {*COMPARISON.changes, *SEGMENT.changes}
    return tuple(
        r.id
        for r in rules
        if figures_tested([r]) & changes and (evidence or not needs_interventions(r))
    )


def add_change_facts(
    facts: Sequence[FactSet | None],
    follow: FollowUp,
    done_actions: Mapping[str, str] | None = None,
) -> list[FactSet | None]:
    """The latest wave's facts with the change figures added (new fact sets);
    ``done_actions``: factor id → the titles of the interventions carried out for it
    (the figure ``done_actions`` of a factor that has change figures)."""
    out: list[FactSet | None] = []
    for fact_set, extra in zip(facts, follow.facts, strict=True):
        if fact_set is None:
            out.append(None)
            continue
        titles = done_actions or {}
        figures = {
            factor: {**values, "done_actions": titles[factor]} if factor in titles else values
            for factor, values in extra["factors"].items()
        }
        out.append(
            FactSet(
                segment={**fact_set.segment, **extra["segment"]},
                comparisons=[{**c, **figures.get(c["factor"], {})} for c in fact_set.comparisons],
                interventions=fact_set.interventions,
            )
        )
    return out
