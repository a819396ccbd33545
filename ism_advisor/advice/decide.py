"""The rules decide, once: every shown segment's firings and its advice, kept together.

The advice, ``explain``, ``--explain-all`` and ``rules test`` all read one
:class:`Decision` per segment, so no entry point runs the engine a second time on facts
that could differ from those the advice was made from.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from .engine import FactSet, Firing, run_rules
from .knowledge import Knowledge
from .recommend import SegmentAdvice, segment_advice

__all__ = ["Decision", "advice_of", "advise_segments", "decide"]


@dataclass(frozen=True)
class Decision:
    """One shown segment: the facts the rules saw, the rules that fired, the advice."""

    facts: FactSet
    firings: tuple[Firing, ...]
    advice: SegmentAdvice

    @property
    def plan(self) -> list[str]:
        """The action plan: the advised interventions, in order."""
        return [r.intervention for r in self.advice.recommendations]


def decide(
    knowledge: Knowledge,
    facts: Sequence[FactSet | None],
    lang: str,
    done: Collection[str] = (),
) -> list[Decision | None]:
    """Run the rule base once on every shown segment's facts (None: a hidden segment, no
    decision) and rank what fired into its advice; one entry per segment, in order.

    ``done``: the interventions carried out since the previous survey (``--done``); they
    are never advised again as new, whichever rule recommends them (what they did is the
    follow-up's part of the report, and the follow-up rules advise what comes next).
    """
    shown = [f for f in facts if f is not None]
    firings = iter(run_rules(knowledge.rulebase, shown))
    carried_out = frozenset(done)
    out: list[Decision | None] = []
    for fact_set in facts:
        if fact_set is None:
            out.append(None)
            continue
        fired = next(firings)
        advice = segment_advice(knowledge, fired, lang, carried_out)
        out.append(Decision(fact_set, tuple(fired), advice))
    return out


def advice_of(decisions: Sequence[Decision | None]) -> list[SegmentAdvice]:
    """The advice per segment, as the document takes it (empty where hidden)."""
    return [SegmentAdvice() if d is None else d.advice for d in decisions]


def advise_segments(
    knowledge: Knowledge,
    facts: Sequence[FactSet | None],
    lang: str,
    done: Collection[str] = (),
) -> list[SegmentAdvice]:
    """The advice for segments given as facts (None: a hidden segment, no advice): what
    :func:`decide` advises, without the firings."""
    return advice_of(decide(knowledge, facts, lang, done))
