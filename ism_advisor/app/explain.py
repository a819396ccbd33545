"""``ism-advise explain``: why one intervention was (not) advised for one segment of a
survey, and the same for every intervention in the JSON document (``--explain-all``).

The survey goes through the same run as the advice (:mod:`ism_advisor.app.run`: the
anonymity threshold holds, a hidden segment or factor is not explained with figures); the
verdicts come from :mod:`ism_advisor.advice.whynot`, on the rules' decision the advice
was made from (:mod:`ism_advisor.advice.decide`); ``--explain-all``'s ``why_not`` is
:func:`ism_advisor.advice.whynot.why_not_entries`.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..advice.whynot import Verdict, why
from ..core.errors import N_, AdvisorError, Message
from ..core.resources import file_name
from ..core.yamlfile import did_you_mean
from ..protect.disclosure import Published
from .run import read_knowledge, run
from .settings import Settings

__all__ = ["Explanation", "explain_intervention"]


@dataclass(frozen=True)
class Explanation:
    """What ``explain`` shows: the headline, and one verdict per rule; ``rules_path`` is the
    rule base's file name (without its folders: see
    :func:`~ism_advisor.core.resources.file_name`)."""

    headline: Message
    verdicts: tuple[Verdict, ...]
    rules_path: str


def explain_intervention(
    settings: Settings, intervention: str, segment: str | None = None
) -> Explanation:
    """Why ``intervention`` was or was not advised for the segment whose value is
    ``segment`` (None: all respondents).

    The survey goes through the same run as the advice (:func:`~ism_advisor.app.run.run`:
    with the driver figures, and over several waves with the change figures and
    ``done``, the interventions carried out, which the advice never advises again as
    new); the verdicts are on the rules' own decision for the segment.
    """
    knowledge = read_knowledge(settings)
    if intervention not in knowledge.interventions:
        raise AdvisorError(
            N_("--intervention: unknown intervention '{id}'{hint}"),
            id=intervention,
            hint=did_you_mean(intervention, knowledge.interventions),
        )
    found = run(settings, knowledge=knowledge)
    published, carried_out = found.latest.published, found.done
    index = _segment_index(published, segment)
    decision = found.decisions[index]
    name = (
        Message(N_("all respondents"))
        if segment is None
        else str(published.segments["value"].iloc[index])  # as written in the survey
    )
    if decision is None:
        # Both reasons, as every output gives them: whether the segment's own group is too
        # small or it is hidden to protect another one is not published (disclosure.py,
        # "Why one reason": a segment hidden for protection has at least k in each group,
        # which can pin another group's count).
        raise AdvisorError(
            N_(
                "--segment: the segment {segment} is hidden (anonymity): one of its groups (users"
                " or non-users) is smaller than {k}, or with the other figures it would reveal a"
                " smaller group; which of the two is not said, as that too could reveal a count"
            ),
            segment=name,
            k=published.min_group_size,
        )
    plan = decision.plan
    verdicts = why(knowledge, decision.facts, decision.firings, intervention, plan, carried_out)
    if intervention in carried_out:
        headline = Message(
            N_(
                "'{id}' was carried out since the previous survey (--done): it is not advised"
                " again as new for {segment}; the report's action plan says what it did"
            ),
            {"id": intervention, "segment": name},
        )
    elif intervention in plan:
        headline = Message(
            N_("'{id}' is advised for {segment}: action {place} of {count}"),
            {
                "id": intervention,
                "segment": name,
                "place": plan.index(intervention) + 1,
                "count": len(plan),
            },
        )
    elif verdicts:
        headline = Message(
            N_("'{id}' is not advised for {segment}"), {"id": intervention, "segment": name}
        )
    else:
        headline = Message(
            N_("'{id}' is not advised for {segment}: no rule recommends it"),
            {"id": intervention, "segment": name},
        )
    return Explanation(headline, verdicts, file_name(knowledge.rules_path))


def _segment_index(published: Published, value: str | None) -> int:
    rows = published.segments.to_dict("records")
    if value is None:
        return 0
    found = [i for i, row in enumerate(rows) if row["column"] is not None and row["value"] == value]
    if not found:  # technobouw for TechnoBouw, when no other segment differs only by case
        found = [
            i
            for i, row in enumerate(rows)
            if row["column"] is not None and str(row["value"]).casefold() == value.casefold()
        ]
        spellings = list(dict.fromkeys(str(rows[i]["value"]) for i in found))
        if len(spellings) > 1:
            raise AdvisorError(
                N_(
                    "--segment: '{value}' could be any of the segments {spellings}, which differ"
                    " only in capitals (give one as it is written)"
                ),
                value=value,
                spellings=", ".join(f"'{s}'" for s in spellings),
            )
    if not found:
        shown = [str(row["value"]) for row in rows if row["column"] is not None]
        raise AdvisorError(
            N_(
                "--segment: no segment '{value}' (segments: {shown}; choose them with --segment-by)"
            ),
            value=value,
            shown=", ".join(shown) if shown else "-",
        )
    return found[0]
