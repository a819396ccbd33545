"""The vocabulary: every figure a fact has, named once, and where each one goes.

One table per kind of fact says, for each figure, its one name and what it means, whether
rules may test it (and ``because`` texts show it), whether every explanation shows it,
how the report's explanation labels it, whether the statistics compute it as a column, and
its name in the JSON document. Everything downstream reads these tables:

- :mod:`ism_advisor.stats.compare` computes the ``column`` figures (``COMPARISON_COLUMNS``);
- :mod:`ism_advisor.advice.facts` builds the engine's facts and publishes the figures of a matched
  fact for an explanation (``explain``);
- :mod:`ism_advisor.advice.knowledge` lets conditions and ``because`` texts use the ``rules``
  figures (and the ``formerly`` names, with a warning);
- :mod:`ism_advisor.advice.document` writes the ``json`` names; :mod:`ism_advisor.render.report`
  shows the ``label`` figures in its explanation and takes its per-factor figures from here;
- ``rules/advice.yaml``'s header lists the ``rules`` figures (a test keeps it in step).

To add figures to a kind, add :class:`Field` rows; to add a kind of fact (a wave's change,
a driver), add a :class:`FactKind` to :data:`FACT_KINDS` and build its facts in
:mod:`ism_advisor.advice.facts`; the rule reader then knows its figures by the kind's pattern key.

Effect sizes are named here too: :data:`EFFECT_SIZE_BANDS` (Cohen's bands on |g|) is the
one definition the rules, the report's words, its heat map and its chart use.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

from .errors import C_, N_

__all__ = [
    "COMPARISON",
    "COMPARISON_COLUMNS",
    "COMPARISON_FIELDS",
    "CONCLUSION",
    "CONCLUSION_FIELDS",
    "EFFECT_SIZES",
    "EFFECT_SIZE_BANDS",
    "EFFECT_SIZE_LABELS",
    "FACT_KINDS",
    "INTERVENTION",
    "INTERVENTION_FIELDS",
    "KINDS_BY_NAME",
    "OUTCOMES",
    "PERMUTATIONS",
    "PERMUTATION_BELOW",
    "SEGMENT",
    "SEGMENT_FIELDS",
    "Band",
    "FactKind",
    "Field",
    "effect_level",
    "effect_size",
]


@dataclass(frozen=True)
class Band:
    """An effect-size band: |g| from ``lowest`` up to the next band's ``lowest``."""

    name: str
    lowest: float
    #: how a report names it (translated in the context "effect size": the Dutch for a
    #: medium effect is "middelgroot", while a medium priority or effort is "middel")
    label: str


#: Cohen's bands on |g|, lowest first.
EFFECT_SIZE_BANDS = (
    Band("negligible", 0.0, C_("effect size", "negligible")),
    Band("small", 0.2, C_("effect size", "small")),
    Band("medium", 0.5, C_("effect size", "medium")),
    Band("large", 0.8, C_("effect size", "large")),
)
EFFECT_SIZES = tuple(band.name for band in EFFECT_SIZE_BANDS)
EFFECT_SIZE_LABELS = {band.name: band.label for band in EFFECT_SIZE_BANDS}


def effect_level(g: float) -> int:
    """The index of |g|'s band in :data:`EFFECT_SIZE_BANDS` (0: negligible … 3: large)."""
    size = abs(g)
    level = 0
    for index, band in enumerate(EFFECT_SIZE_BANDS):
        if size >= band.lowest:
            level = index
    return level


def effect_size(g: float) -> str:
    """The band of |g|: negligible < 0.2 ≤ small < 0.5 ≤ medium < 0.8 ≤ large."""
    return EFFECT_SIZE_BANDS[effect_level(g)].name


def _bands_help() -> str:
    """The bands in words, for the figure's help text."""
    first, *rest = EFFECT_SIZE_BANDS
    bands = [f"{first.name} (< {rest[0].lowest:g})"] + [f"{b.name} (≥ {b.lowest:g})" for b in rest]
    return "Cohen's band of |g|: " + ", ".join(bands)


@dataclass(frozen=True)
class Field:
    """One figure of a fact."""

    #: its one name: statistics column, rule figure, fact key, explanation key
    name: str
    kind: Literal["number", "bool", "text"]
    #: what it means (the docs, the template listing, the rule file's header)
    help: str
    #: how a report and a ``because`` text print it (see formatting.format_figure)
    format: Literal["number", "signed", "p", "count", "percent", "text", "bool"] = "number"
    #: the range a number can take (``rules check`` finds conditions outside it)
    low: float | None = None
    high: float | None = None
    #: the values a text can take (``rules check`` refuses others)
    values: tuple[str, ...] | None = None
    #: whether conditions may test it and ``because`` texts show it
    rules: bool = True
    #: its place among the figures every explanation of a matched fact shows (None: shown
    #: only when some rule tests it)
    explain: int | None = None
    #: its name in the report's explanation (a message id), None: not shown there
    label: str | None = None
    #: whether the statistics (compare_groups) compute it as a column of their table
    column: bool = False
    #: its name in the JSON document, None when the document does not carry it; two
    #: figures with one name are the ends of an interval, written as a pair [low, high]
    json: str | None = None
    #: names it had before; rules that use them still work, with a warning
    formerly: tuple[str, ...] = ()
    #: a change since the previous survey wave: only a run over several waves has it
    change: bool = False
    #: a comparison with other organisations (``--norms``): an explanation shows it only
    #: where the fact was compared with some (``norm_n`` above 0)
    norm: bool = False
    #: its value where nothing stands out — no gap, half the people use the platform
    #: (a rule test case assumes it for a figure it does not give); None: missing. The
    #: means' neutral value is the scale's midpoint, which only the codebook knows.
    neutral: Any = None


@dataclass(frozen=True)
class FactKind:
    """A kind of fact the rules engine gets, and the figures it has."""

    #: the engine's name for it (``kind`` in a fact)
    name: str
    #: the key of a rule pattern that matches it (``factor:``, ``segment:``, …)
    pattern: str
    help: str
    fields: Mapping[str, Field] = field(default_factory=dict)

    def __iter__(self) -> Iterator[str]:
        return iter(self.fields)

    def __contains__(self, name: object) -> bool:
        return name in self.fields

    def __getitem__(self, name: str) -> Field:
        return self.fields[name]

    @cached_property
    def testable(self) -> Mapping[str, Field]:
        """The figures rules may test and ``because`` texts show, by name."""
        return {name: f for name, f in self.fields.items() if f.rules}

    @cached_property
    def former(self) -> Mapping[str, Field]:
        """Former names of testable figures → the figure."""
        return {old: f for f in self.testable.values() for old in f.formerly}

    @cached_property
    def usable(self) -> Mapping[str, Field]:
        """Every name rules may use for a figure (current and former) → the figure."""
        return {**self.former, **self.testable}

    @cached_property
    def changes(self) -> tuple[str, ...]:
        """The change figures, which only a run over several waves has."""
        return tuple(name for name, f in self.fields.items() if f.change)

    @cached_property
    def norms(self) -> frozenset[str]:
        """The figures that compare with other organisations (``--norms``)."""
        return frozenset(name for name, f in self.fields.items() if f.norm)

    @cached_property
    def columns(self) -> tuple[str, ...]:
        """The figures the statistics compute, in table order."""
        return tuple(name for name, f in self.fields.items() if f.column)

    @cached_property
    def explained(self) -> tuple[str, ...]:
        """The figures every explanation shows, in their order."""
        shown = [f for f in self.fields.values() if f.explain is not None]
        return tuple(f.name for f in sorted(shown, key=lambda f: f.explain or 0))

    @cached_property
    def labelled(self) -> tuple[Field, ...]:
        """The figures the report's explanation shows, in the explanation's order."""
        return tuple(self.fields[name] for name in self.explained if self.fields[name].label)

    def from_json(self, entry: Mapping[str, Any], name: str) -> Any:
        """The figure ``name`` of a JSON document's entry (an interval's end from its pair)."""
        f = self.fields[name]
        if f.json is None:
            raise KeyError(name)
        value = entry.get(f.json)
        if not isinstance(value, list):
            return value
        pair = [other for other in self.fields.values() if other.json == f.json]
        return value[pair.index(f)]


def _table(*fields: Field) -> dict[str, Field]:
    return {f.name: f for f in fields}


#: The verdicts on a factor's change since the previous wave (``outcome``; followup.py).
OUTCOMES = ("improved", "no_change", "worse")

#: A factor's change since the previous wave (runs over several waves; see followup.py).
_COMPARISON_CHANGES = (
    Field(
        "gap_change",
        "number",
        "the gap now minus the gap in the previous wave (negative: the gap narrowed)",
        label=N_("change in the gap"),
        change=True,
    ),
    Field(
        "gap_change_p",
        "number",
        "the gap change's Holm-adjusted p-value",
        "p",
        low=0,
        high=1,
        label=N_("p of the change"),
        change=True,
    ),
    Field(
        "change_significant",
        "bool",
        "the gap changed significantly (gap_change_p < alpha)",
        "bool",
        change=True,
    ),
    Field(
        "non_users_change",
        "number",
        "the non-users' change since the previous wave, positive when it is for the better",
        label=N_("non-users' change"),
        change=True,
    ),
    Field(
        "non_users_improved",
        "bool",
        "the non-users changed significantly for the better (Holm)",
        "bool",
        change=True,
    ),
    Field(
        "acted_on",
        "bool",
        "an intervention for this factor was carried out since the previous wave (--done)",
        "bool",
        change=True,
    ),
    Field(
        "outcome",
        "text",
        "what the factor did since the previous wave: improved (the non-users changed"
        " significantly for the better, or, theirs not significant, the gap narrowed"
        " significantly; Holm), worse (the same for the worse) or no_change",
        "text",
        values=OUTCOMES,
        change=True,
    ),
    Field(
        "done_actions",
        "text",
        "the titles of the interventions carried out for this factor since the previous"
        " wave (--done), in the report's language; missing without one",
        "text",
        change=True,
    ),
)

#: The driver analysis's figures of a factor (issue 15): missing (so every condition on
#: them is false) where the segment has no driver model. The JSON carries them in the
#: segment's ``drivers`` list, not in its comparisons.
_DRIVER_FIELDS = (
    Field(
        "importance",
        "number",
        "the factor's share of what the segment's driver model explains, 0-100"
        " (relative weights; missing without a driver model)",
        low=0,
        high=100,
    ),
    Field(
        "importance_rank",
        "number",
        "1 for the factor that matters most for use in the segment, 2 for the next, …",
        "count",
        low=1,
    ),
    Field(
        "importance_beats_noise",
        "bool",
        "the factor contributes more than noise to use: its relative weight beats that of"
        " a random variable added to the model (bootstrap 95% interval of the difference"
        " above 0); a weight's own interval above 0 does not say this",
        "bool",
    ),
    Field(
        "quadrant",
        "text",
        "the factor's place in the priority matrix: act_first (important, non-users lag),"
        " keep (important, no lag), watch (less important, non-users lag), low_priority;"
        " important means at least an even share of importance and more than noise",
        "text",
        values=("act_first", "keep", "watch", "low_priority"),
    ),
)

#: The norms' figures of a factor (issue 30): the non-users' mean against the other
#: organisations in the store (``--norms``; stats/norms.py). Only the comparisons of all
#: respondents have them; elsewhere, and without ``--norms``, ``norm_n`` is 0,
#: ``norm_percentile`` missing and ``below_norm_p25`` false.
_NORM_FIELDS = (
    Field(
        "norm_n",
        "number",
        "the other organisations the non-users' mean is compared with (--norms; all"
        " respondents only, 0 elsewhere)",
        "count",
        low=0,
        norm=True,
        neutral=0,
    ),
    Field(
        "norm_percentile",
        "number",
        "the non-users' mean's percentile rank among those organisations, 0-100, turned so"
        " that a higher rank is better (100 minus the rank for a higher_is_worse factor);"
        " missing below 5 organisations",
        "count",
        low=0,
        high=100,
        norm=True,
    ),
    Field(
        "below_norm_p25",
        "bool",
        "norm_percentile below 25, compared with at least 10 organisations: the non-users"
        " fare worse than at three quarters of them",
        "bool",
        norm=True,
        neutral=False,
    ),
)

#: The gap's p comes from a permutation test of Welch's t (:func:`ism_advisor.stats.compare.
#: permutation_welch`) where the smaller group has fewer respondents than this: there
#: Welch's own p is too often too small (``benchmarks/CALIBRATION.md``).
PERMUTATION_BELOW = 50
#: random relabellings per permuted comparison (all of them when there are fewer)
PERMUTATIONS = 2_000

#: One factor in one segment: users against non-users.
COMPARISON = FactKind(
    "comparison",
    "factor",
    "one factor's comparison of users with non-users in one segment",
    _table(
        Field("factor", "text", "the factor's id", "text", explain=1),
        Field("label", "text", "the factor's name in the report's language", "text", explain=2),
        Field(
            "direction",
            "text",
            "higher_is_better or higher_is_worse",
            "text",
            values=("higher_is_better", "higher_is_worse"),
        ),
        Field(
            "users_n",
            "number",
            "users with a score for the factor",
            "count",
            low=0,
            explain=3,
            column=True,
            json="users_n",
            neutral=50,
        ),
        Field(
            "users_mean",
            "number",
            "users' mean score",
            explain=4,
            label=N_("users' mean"),
            column=True,
            json="users_mean",
        ),
        Field(
            "users_sd",
            "number",
            "users' standard deviation",
            low=0,
            column=True,
            json="users_sd",
            neutral=1.0,
        ),
        Field(
            "non_users_n",
            "number",
            "non-users with a score for the factor",
            "count",
            low=0,
            explain=5,
            column=True,
            json="non_users_n",
            neutral=50,
        ),
        Field(
            "non_users_mean",
            "number",
            "non-users' mean score",
            explain=6,
            label=N_("non-users' mean"),
            column=True,
            json="non_users_mean",
        ),
        Field(
            "non_users_sd",
            "number",
            "non-users' standard deviation",
            low=0,
            column=True,
            json="non_users_sd",
            neutral=1.0,
        ),
        Field("mean", "number", "everyone's mean score (users and non-users)"),
        Field(
            "gap",
            "number",
            "how far non-users lag behind, in scale points (positive: a lever)",
            explain=7,
            label=N_("gap"),
            column=True,
            json="gap",
            neutral=0.0,
        ),
        Field(
            "gap_ci_low",
            "number",
            "lower end of the gap's 95% confidence interval (Welch)",
            column=True,
            json="gap_ci",
            neutral=-0.397,
        ),
        Field(
            "gap_ci_high",
            "number",
            "upper end of the gap's 95% confidence interval (Welch)",
            column=True,
            json="gap_ci",
            neutral=0.397,
        ),
        Field("t", "number", "Welch's t", column=True, json="t", neutral=0.0),
        Field(
            "df",
            "number",
            "Welch's degrees of freedom",
            low=0,
            column=True,
            json="df",
            neutral=98.0,
        ),
        Field(
            "p",
            "number",
            "the gap's two-sided p-value: Welch's t-test, or a permutation test of Welch's t"
            " where a group is small (see test)",
            "p",
            low=0,
            high=1,
            column=True,
            json="p",
            neutral=1.0,
        ),
        Field(
            "test",
            "text",
            "which test gave p: welch (Welch's t-test) or permutation_welch (a permutation"
            f" test of Welch's t, where the smaller group has fewer than {PERMUTATION_BELOW}"
            " respondents)",
            "text",
            values=("welch", "permutation_welch"),
            column=True,
            json="test",
            neutral="welch",
        ),
        Field(
            "p_holm",
            "number",
            "the p-value, Holm-adjusted over the segment's factors",
            "p",
            low=0,
            high=1,
            explain=9,
            label=N_("p (Holm)"),
            column=True,
            json="p_holm",
            neutral=1.0,
        ),
        Field(
            "significant",
            "bool",
            "p_holm below alpha",
            "bool",
            explain=10,
            column=True,
            json="significant",
            neutral=False,
        ),
        Field(
            "hedges_g",
            "number",
            "Hedges' g: the gap in pooled standard deviations (positive: non-users lag)",
            explain=8,
            label="g",
            column=True,
            json="hedges_g",
            neutral=0.0,
        ),
        Field(
            "hedges_g_ci_low",
            "number",
            "lower end of the 95% confidence interval of g",
            column=True,
            json="hedges_g_ci",
            formerly=("hedges_g_low",),
            neutral=-0.39,
        ),
        Field(
            "hedges_g_ci_high",
            "number",
            "upper end of the 95% confidence interval of g",
            column=True,
            json="hedges_g_ci",
            formerly=("hedges_g_high",),
            neutral=0.39,
        ),
        Field(
            "effect_size",
            "text",
            _bands_help(),
            "text",
            values=EFFECT_SIZES,
            explain=11,
            neutral="negligible",
        ),
        Field(
            "rank",
            "number",
            "1 for the segment's largest g, 2 for the next, …",
            "count",
            low=1,
            explain=12,
            label=N_("rank"),
        ),
        Field(
            "mwu_u", "number", "Mann-Whitney U", low=0, column=True, json="mwu_u", neutral=1250.0
        ),
        Field(
            "mwu_p",
            "number",
            "Mann-Whitney two-sided p-value",
            "p",
            low=0,
            high=1,
            column=True,
            json="mwu_p",
            neutral=1.0,
        ),
        Field(
            "rank_biserial",
            "number",
            "rank-biserial correlation",
            low=-1,
            high=1,
            column=True,
            json="rank_biserial",
            neutral=0.0,
        ),
        Field(
            "cronbach_alpha",
            "number",
            "reliability of the factor's items (item input only)",
            high=1,
            column=True,
            json="cronbach_alpha",
        ),
        *_COMPARISON_CHANGES,
        *_DRIVER_FIELDS,
        *_NORM_FIELDS,  # then the comments' (--comments; without: 0 and missing)
        Field("comment_n", "number", "non-users' comments coded to it", "count", low=0, neutral=0),
        Field("comment_share", "number", "its share of non-users' comments", "percent", 0, 1),
    ),
)

#: One segment (all respondents, or one value of a segmentation).
SEGMENT = FactKind(
    "segment",
    "segment",
    "a segment: all respondents, or one department, organisation, …",
    _table(
        Field(
            "overall",
            "bool",
            "true for all respondents, false for a segment",
            "bool",
            explain=1,
            neutral=True,
        ),
        Field(
            "column",
            "text",
            "the segment column ('' for all respondents)",
            "text",
            explain=2,
            json="column",
            neutral="",
        ),
        Field(
            "value",
            "text",
            "the segment's value ('' for all respondents)",
            "text",
            explain=3,
            json="value",
            neutral="",
        ),
        Field(
            "respondents",
            "number",
            "respondents in the segment",
            "count",
            low=0,
            explain=4,
            label=N_("respondents"),
            json="respondents",
            neutral=100,
        ),
        Field(
            "users",
            "number",
            "users in the segment",
            "count",
            low=0,
            explain=5,
            json="users",
            neutral=50,
        ),
        Field(
            "non_users",
            "number",
            "non-users in the segment",
            "count",
            low=0,
            explain=6,
            json="non_users",
            neutral=50,
        ),
        Field(
            "adoption_rate",
            "number",
            "users / respondents",
            "percent",
            low=0,
            high=1,
            explain=7,
            label=N_("adoption"),
            json="adoption_rate",
            neutral=0.5,
        ),
        Field(
            "adoption_change",
            "number",
            "adoption now minus adoption in the previous wave",
            "percent",
            low=-1,
            high=1,
            label=N_("change in adoption"),
            change=True,
        ),
        Field(
            "adoption_change_p",
            "number",
            "the adoption change's p-value (two-proportion z-test)",
            "p",
            low=0,
            high=1,
            change=True,
        ),
    ),
)

#: A conclusion a rule derived in a segment (forward chaining).
CONCLUSION = FactKind(
    "conclusion",
    "conclusion",
    "a conclusion a rule derived in the segment",
    _table(
        Field("conclusion", "text", "the conclusion's id", "text", explain=1),
        Field("label", "text", "the conclusion's name in the report's language", "text"),
        Field("rule", "text", "the rule that derived it", "text", rules=False, explain=2),
    ),
)

#: One intervention of the catalogue and one factor it addresses, with what the evidence
#: ledger (issue 31, ``--evidence``) found at other clients: the pooled change of that
#: factor's non-users where the intervention was carried out. Only a run with
#: ``--evidence`` has these facts; a figure the ledger does not show (fewer than 3
#: clients) is missing, so every condition on it is false.
INTERVENTION = FactKind(
    "intervention",
    "intervention",
    "one intervention of the catalogue and one factor it addresses, with the evidence"
    " ledger's figures from other clients (--evidence only)",
    _table(
        Field("intervention", "text", "the intervention's id", "text", explain=1),
        Field(
            "title", "text", "the intervention's title in the report's language", "text", explain=2
        ),
        Field("factor", "text", "the id of the factor it addresses", "text", explain=3),
        Field("label", "text", "that factor's name in the report's language", "text"),
        Field(
            "evidence_clients",
            "number",
            "the other clients where it was carried out with a later survey wave (0: none)",
            "count",
            low=0,
            explain=4,
            neutral=0,
            label=N_("other clients"),
        ),
        Field(
            "evidence_change",
            "number",
            "the pooled change of the factor's non-users where it was carried out,"
            " positive when it is for the better (random effects; missing below 3 clients)",
            "signed",
            explain=5,
            label=N_("pooled change"),
        ),
        Field(
            "evidence_ci_low",
            "number",
            "lower end of the pooled change's 95% interval (Hartung-Knapp)",
            explain=6,
            label=N_("95% CI, lower end"),
        ),
        Field(
            "evidence_ci_high",
            "number",
            "upper end of the pooled change's 95% interval (Hartung-Knapp)",
            explain=7,
            label=N_("95% CI, upper end"),
        ),
        Field(
            "evidence_i2",
            "number",
            "I²: the share of the clients' spread in the change beyond chance, in percent",
            "count",
            low=0,
            high=100,
        ),
    ),
)

#: Every kind of fact, by the rule pattern key that matches it.
FACT_KINDS = {kind.pattern: kind for kind in (COMPARISON, SEGMENT, CONCLUSION, INTERVENTION)}
#: Every kind of fact, by the engine's name for it (``kind`` in a fact).
KINDS_BY_NAME = {kind.name: kind for kind in FACT_KINDS.values()}

#: The figures of each kind by name (the tables above).
COMPARISON_FIELDS = COMPARISON.fields
SEGMENT_FIELDS = SEGMENT.fields
CONCLUSION_FIELDS = CONCLUSION.fields
INTERVENTION_FIELDS = INTERVENTION.fields

#: The statistics of one segment × factor comparison, in output order.
COMPARISON_COLUMNS = COMPARISON.columns
