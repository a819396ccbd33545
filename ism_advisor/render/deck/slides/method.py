"""The appendix: the method and what was hidden for anonymity."""

from __future__ import annotations

from ....core.errors import P_
from ....core.vocabulary import PERMUTATION_BELOW, PERMUTATIONS
from ..facts import DeckFacts
from ..kit import Deck, Para


def method_slide(deck: Deck, facts: DeckFacts) -> None:
    """Appendix: how the figures were made, and from which files."""
    method = facts.report.method
    slide = deck.slide("content", deck.t("Appendix: method"))
    paragraphs = [
        Para(
            deck.t(
                P_(
                    "{respondents} respondents analysed; {excluded} row left out for want of a"
                    " usage answer.",
                    "{respondents} respondents analysed; {excluded} rows left out for want of"
                    " a usage answer.",
                ),
                respondents=deck.figure(method.respondents, "count"),
                excluded=deck.figure(method.excluded, "count"),
                n=method.excluded,
            )
        ),
        Para(
            deck.t(
                "Per factor, users are compared with non-users by Welch's t-test; the p-values"
                " of a segment's factors are adjusted by Holm's method and called significant"
                " below alpha = {alpha}.",
                alpha=deck.figure(method.alpha, "decimal"),
            )
        ),
        Para(
            deck.t(
                "The size of a gap is Hedges' g with its confidence interval (95%): below 0.2"
                " negligible, from 0.2 small, from 0.5 medium, from 0.8 large."
            )
        ),
        Para(deck.t("survey {survey}", survey=facts.survey), lead=deck.t("Sources: ")),
        *[Para(f"{role}: {path}", level=1) for role, path in method.files],
    ]
    if method.segment_by:
        paragraphs.append(Para(", ".join(method.segment_by), lead=deck.t("Segments: ")))
    deck.body(slide, paragraphs, largest=18)
    lines = [
        deck.t(
            "Where the smaller group has fewer than {below} people, p comes from a permutation"
            " test of Welch's t ({splits} random reshufflings of who is a user, the same for"
            " the same data): Welch's own p is too often too small there.",
            below=PERMUTATION_BELOW,
            splits=deck.figure(PERMUTATIONS, "count"),
        ),
        deck.t(
            "A Mann-Whitney U test and the rank-biserial correlation check each comparison"
            " without assuming normal scores. Gaps are computed from the unrounded means, so a"
            " gap can differ by 0.01 from the difference between the rounded means."
        ),
    ]
    for item in method.reliability:
        if item.alpha is not None:
            lines.append(
                deck.t(
                    "Cronbach's α of {factor}: {alpha}{flag}",
                    factor=item.label,
                    alpha=deck.figure(item.alpha),
                    flag=deck.t(" (below 0.7)") if item.low else "",
                )
                + (f", {item.not_asked}" if item.not_asked else "")
            )
    deck.notes(slide, lines)


#: Hidden items listed by name on the anonymity slide; more are counted.
HIDDEN_LISTED = 12


def anonymity_slide(deck: Deck, facts: DeckFacts) -> None:
    """Appendix: the anonymity threshold, what was hidden and why (never a figure)."""
    method = facts.report.method
    hidden = method.hidden
    slide = deck.slide("content", deck.t("Appendix: anonymity"))
    paragraphs = [
        Para(
            deck.t(
                "No figure of a group of fewer than {k} users or non-users is shown, counts"
                " included; figures that together would reveal such a group are hidden too.",
                k=method.min_group_size,
            )
        ),
        Para(
            deck.t(
                "Hidden to protect groups smaller than {k}, because such a group is in the"
                " figures or could be worked out from them: segments {segments}, comparisons"
                " {comparisons}. Which of the two applies is not said per figure, as that too"
                " could give a group away.",
                k=method.min_group_size,
                segments=hidden["segments"],
                comparisons=hidden["comparisons"],
            )
        ),
    ]
    if facts.hidden:
        paragraphs.append(Para("", lead=deck.t("Hidden in this deck:")))
        paragraphs += [
            Para(f"{item.label}: {hidden_label(deck)}", level=1)
            for item in facts.hidden[:HIDDEN_LISTED]
        ]
        if len(facts.hidden) > HIDDEN_LISTED:
            paragraphs.append(
                Para(deck.t("and {count} more", count=len(facts.hidden) - HIDDEN_LISTED), level=1)
            )
    else:
        paragraphs.append(Para(deck.t("Nothing in this deck is hidden.")))
    deck.body(slide, paragraphs, largest=18)
    deck.notes(
        slide,
        [
            deck.t(
                "Figures can be added and subtracted: all respondents minus some departments,"
                " or a department minus a location that almost coincides with it. Every figure"
                " of this survey's outputs is therefore checked together, and more are hidden"
                " until no group of fewer than {k} people can be worked out from what is shown.",
                k=method.min_group_size,
            ),
            *[f"{item.label}: {hidden_label(deck)}" for item in facts.hidden],
        ],
    )


def hidden_label(deck: Deck) -> str:
    """What a hidden segment or comparison is called: one reason for all, since saying
    which group a figure protects could give that group away (see the disclosure stage)."""
    return deck.t("hidden for anonymity")
