"""``ism-advise explain``: why one intervention was (not) advised for one segment of a
survey, and the same for every intervention in the JSON document (``--explain-all``).

The survey is read, compared and published exactly as for the advice (the anonymity
threshold holds: a hidden segment or factor is not explained with figures); the
verdicts come from :mod:`ism_advisor.advice.whynot`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..advice.engine import FactSet, run_rules
from ..advice.facts import segment_facts
from ..advice.knowledge import Knowledge, load_knowledge
from ..advice.recommend import advise_segments
from ..advice.whynot import Verdict, why, why_not_all
from ..core.errors import N_, AdvisorError, Message
from ..core.i18n import translations
from ..core.resources import file_name
from ..protect.disclosure import Published, publish
from ..protect.published_drivers import analyse_drivers
from ..stats.compare import compare_groups
from ..survey import load_survey
from ..survey.codebook import load_codebook

__all__ = ["Explanation", "explain_intervention", "why_not_entries"]


@dataclass(frozen=True)
class Explanation:
    """What ``explain`` shows: the headline, and one verdict per rule; ``rules_path`` is the
    rule base's file name (without its folders: see
    :func:`~ism_advisor.core.resources.file_name`)."""

    headline: Message
    verdicts: tuple[Verdict, ...]
    rules_path: str


def explain_intervention(
    scores: str | Path | Sequence[str | Path],
    intervention: str,
    *,
    segment: str | None = None,
    codebook: str | Path | None = None,
    rules: str | Path | None = None,
    interventions: str | Path | None = None,
    segment_by: Sequence[str] = (),
    alpha: float = 0.05,
    min_group_size: int = 5,
    lang: str = "en",
    mapping: str | Path | None = None,
    include_incomplete: bool = False,
    wave_names: Sequence[str] = (),
    wave_by: str | None = None,
    done: str | Path | None = None,
    sheet: Any = None,
) -> Explanation:
    """Why ``intervention`` was or was not advised for the segment whose value is
    ``segment`` (None: all respondents).

    Several survey files (or one with ``wave_by``) are waves, read as the advice reads
    them (:func:`~ism_advisor.app.pipeline.wave_facts`): the latest wave's facts with the
    change figures, and ``done`` (the interventions carried out), which the advice never
    advises again as new.
    """
    paths = [scores] if isinstance(scores, (str, Path)) else list(scores)
    book = load_codebook(codebook)
    knowledge = load_knowledge(book, rules, interventions)
    if intervention not in knowledge.interventions:
        from ..core.yamlfile import did_you_mean

        raise AdvisorError(
            N_("--intervention: unknown intervention '{id}'{hint}"),
            id=intervention,
            hint=did_you_mean(intervention, knowledge.interventions),
        )
    carried_out: tuple[str, ...] = ()
    if len(paths) > 1 or wave_by is not None:
        from .pipeline import wave_facts

        found = wave_facts(
            paths,
            wave_names=wave_names,
            wave_by=wave_by,
            done=done,
            codebook=codebook,
            rules=rules,
            interventions=interventions,
            segment_by=segment_by,
            alpha=alpha,
            min_group_size=min_group_size,
            lang=lang,
            mapping=mapping,
            include_incomplete=include_incomplete,
            sheet=sheet,
        )
        knowledge, published, carried_out = found.knowledge, found.waves[-1].published, found.done
        index = _segment_index(published, segment)
        facts = found.facts[index]
    else:
        survey = load_survey(
            paths[0],
            book,
            segment_by,
            mapping=mapping,
            include_incomplete=include_incomplete,
            lang=lang,
            sheet=sheet,
        )
        comparison = compare_groups(survey, alpha=alpha)
        published = publish(survey, comparison, min_group_size)
        index = _segment_index(published, segment)
        # with the driver analysis, as the advice: it orders the plan within a priority
        drivers = analyse_drivers(survey, comparison, published)
        facts = segment_facts(published, lang, drivers)[index]
    name = (
        Message(N_("all respondents"))
        if segment is None
        else str(published.segments["value"].iloc[index])  # as written in the survey
    )
    if facts is None:
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
    firings = run_rules(knowledge.rulebase, [facts])[0]
    advice = advise_segments(knowledge, [facts], lang, done=carried_out)[0]
    plan = [r.intervention for r in advice.recommendations]
    verdicts = why(knowledge, facts, firings, intervention, plan, carried_out)
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


def why_not_entries(
    knowledge: Knowledge,
    all_facts: Sequence[FactSet | None],
    lang: str,
    done: Sequence[str] = (),
) -> list[list[dict[str, Any]] | None]:
    """Per segment (None where hidden): for every intervention of the catalogue that is
    not advised and that some rule recommends, why not — for the JSON document.
    ``all_facts`` are the segments' facts (:func:`~ism_advisor.advice.facts.segment_facts`, with
    the change figures of a run over several waves)."""
    tr = translations(lang)
    shown = [f for f in all_facts if f is not None]
    firings = iter(run_rules(knowledge.rulebase, shown))
    advice = iter(advise_segments(knowledge, shown, lang, done=done))
    out: list[list[dict[str, Any]] | None] = []
    for facts in all_facts:
        if facts is None:
            out.append(None)
            continue
        plan = [r.intervention for r in next(advice).recommendations]
        verdicts = why_not_all(knowledge, facts, next(firings), plan, done)
        out.append(
            [
                {
                    "intervention": intervention,
                    "rules": [
                        {
                            "rule": v.rule.id,
                            "fired": v.fired,
                            "reasons": [m.render(tr) for m in v.reasons],
                        }
                        for v in rule_verdicts
                    ],
                }
                for intervention, rule_verdicts in verdicts.items()
            ]
        )
    return out
