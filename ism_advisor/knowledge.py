"""The knowledge base: advice rules and the intervention catalogue, read and validated.

Rules (``rules/advice.yaml``) are written by communications advisers, not programmers::

    - id: managers_invisible
      when:
        - factor: manager_influence
          if: [significant, hedges_g >= 0.2]
      recommend: leaders_work_out_loud
      priority: medium
      because:
        en: "Non-users see managers less active ({{ non_users_mean }})."
        nl: "Niet-gebruikers zien managers minder actief ({{ non_users_mean }})."

This module turns such files into frozen dataclasses and reports every problem in them as
``file:line:column: message``. :mod:`ism_advisor.engine` compiles the result into
durable-rules rulesets; nothing here evaluates a condition.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from jinja2 import TemplateSyntaxError, nodes
from jinja2.sandbox import SandboxedEnvironment

from .codebook import Codebook
from .errors import N_, AdvisorError, Message
from .i18n import LANGUAGES
from .resources import packaged_path
from .yamlfile import ID_PATTERN, Pos, Problems, YList, YMap, describe, did_you_mean, load_yaml

__all__ = [
    "COMPARISON_FIELDS",
    "EFFECT_SIZES",
    "EFFORTS",
    "HORIZONS",
    "OPERATORS",
    "OWNERS",
    "PRIORITIES",
    "SEGMENT_FIELDS",
    "Conclusion",
    "Condition",
    "Field",
    "Intervention",
    "Knowledge",
    "Pattern",
    "Rule",
    "check_knowledge",
    "load_knowledge",
]

OPERATORS = ("<", "<=", ">", ">=", "==", "!=", "in")
PRIORITIES = {"high": 1.0, "medium": 2.0, "low": 3.0}
EFFECT_SIZES = ("negligible", "small", "medium", "large")
OWNERS = ("management", "communications", "it", "hr", "community_manager", "team_leads")
EFFORTS = ("low", "medium", "high")
HORIZONS = ("short", "medium", "long")
MAX_ALTERNATIVES = 64


@dataclass(frozen=True)
class Field:
    """A figure a rule can test. ``low``/``high`` bound a number; ``values`` a text."""

    name: str
    kind: Literal["number", "bool", "text"]
    help: str
    format: Literal["number", "p", "count", "percent", "text", "bool"] = "number"
    low: float | None = None
    high: float | None = None
    values: tuple[str, ...] | None = None


def _fields(*entries: Field) -> dict[str, Field]:
    return {f.name: f for f in entries}


#: Fields of a comparison fact (one factor in one segment).
COMPARISON_FIELDS = _fields(
    Field("factor", "text", "the factor's id", "text"),
    Field("label", "text", "the factor's name in the report's language", "text"),
    Field(
        "direction",
        "text",
        "higher_is_better or higher_is_worse",
        "text",
        values=("higher_is_better", "higher_is_worse"),
    ),
    Field("users_n", "number", "users with a score for the factor", "count", 0),
    Field("users_mean", "number", "users' mean score", "number"),
    Field("users_sd", "number", "users' standard deviation", "number", 0),
    Field("non_users_n", "number", "non-users with a score for the factor", "count", 0),
    Field("non_users_mean", "number", "non-users' mean score", "number"),
    Field("non_users_sd", "number", "non-users' standard deviation", "number", 0),
    Field("mean", "number", "everyone's mean score (users and non-users)", "number"),
    Field("gap", "number", "how far non-users lag behind, in scale points (positive: a lever)"),
    Field("t", "number", "Welch's t"),
    Field("df", "number", "Welch's degrees of freedom", "number", 0),
    Field("p", "number", "Welch's two-sided p-value", "p", 0, 1),
    Field("p_holm", "number", "p-value, Holm-adjusted over the segment's factors", "p", 0, 1),
    Field("significant", "bool", "p_holm below alpha", "bool"),
    Field("hedges_g", "number", "Hedges' g: the gap in standard deviations"),
    Field("hedges_g_low", "number", "lower end of the 95% interval of g"),
    Field("hedges_g_high", "number", "upper end of the 95% interval of g"),
    Field(
        "effect_size",
        "text",
        "negligible (|g| < 0.2), small, medium (≥ 0.5), large (≥ 0.8)",
        "text",
        values=EFFECT_SIZES,
    ),
    Field("rank", "number", "1 for the segment's largest g, 2 for the next, …", "count", 1),
    Field("mwu_u", "number", "Mann-Whitney U", "number", 0),
    Field("mwu_p", "number", "Mann-Whitney two-sided p-value", "p", 0, 1),
    Field("rank_biserial", "number", "rank-biserial correlation", "number", -1, 1),
    Field(
        "cronbach_alpha",
        "number",
        "reliability of the factor's items (item input)",
        "number",
        None,
        1,
    ),
)

#: Fields of a segment fact.
SEGMENT_FIELDS = _fields(
    Field("overall", "bool", "true for all respondents, false for a segment", "bool"),
    Field("column", "text", "the segment column ('' for all respondents)", "text"),
    Field("value", "text", "the segment's value ('' for all respondents)", "text"),
    Field("respondents", "number", "respondents in the segment", "count", 0),
    Field("users", "number", "users in the segment", "count", 0),
    Field("non_users", "number", "non-users in the segment", "count", 0),
    Field("adoption_rate", "number", "users / respondents", "percent", 0, 1),
)

CONCLUSION_FIELDS = _fields(
    Field("conclusion", "text", "the conclusion's id", "text"),
    Field("label", "text", "the conclusion's name in the report's language", "text"),
)

_KIND_FIELDS = {
    "factor": COMPARISON_FIELDS,
    "segment": SEGMENT_FIELDS,
    "conclusion": CONCLUSION_FIELDS,
}


@dataclass(frozen=True)
class Condition:
    """A test on the fields of one fact: a comparison, or all/any/not of conditions."""

    kind: Literal["test", "all", "any", "not"]
    pos: Pos
    field: str = ""
    op: str = ""
    value: Any = None
    parts: tuple[Condition, ...] = ()


@dataclass(frozen=True)
class Pattern:
    """What a rule looks for in a segment.

    ``kind`` "factor" (a comparison fact; ``factors`` empty means any factor),
    "segment", "conclusion", or "all"/"any"/"not" of patterns. ``name`` is how the
    ``because`` text refers to the matched fact.
    """

    kind: Literal["factor", "segment", "conclusion", "all", "any", "not"]
    pos: Pos
    name: str = ""
    factors: tuple[str, ...] = ()
    conclusion: str = ""
    condition: Condition | None = None
    parts: tuple[Pattern, ...] = ()


@dataclass(frozen=True)
class Rule:
    """One advice rule."""

    id: str
    pos: Pos
    when: Pattern
    segments: Condition | None
    recommend: tuple[str, ...]
    conclude: tuple[str, ...]
    priority: float
    because: Mapping[str, str]
    description: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Conclusion:
    """An intermediate conclusion that rules derive and other rules use."""

    id: str
    label: Mapping[str, str]
    pos: Pos


@dataclass(frozen=True)
class Intervention:
    """One action from the catalogue."""

    id: str
    factors: tuple[str, ...]
    title: Mapping[str, str]
    description: Mapping[str, str]
    steps: Mapping[str, tuple[str, ...]]
    owner: str
    effort: str
    horizon: str
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class Knowledge:
    """A validated knowledge base: codebook, rules and interventions."""

    codebook: Codebook
    rules_path: str
    interventions_path: str
    rules: tuple[Rule, ...]
    conclusions: Mapping[str, Conclusion]
    interventions: Mapping[str, Intervention]
    max_actions: int
    strata: Mapping[str, int]

    @property
    def files(self) -> tuple[str, str, str]:
        return (self.codebook.path, self.rules_path, self.interventions_path)


def default_rules_path() -> Path:
    return packaged_path("rules", "advice.yaml")


def default_interventions_path() -> Path:
    return packaged_path("rules", "interventions.yaml")


def load_knowledge(
    codebook: Codebook,
    rules: str | Path | None = None,
    interventions: str | Path | None = None,
) -> Knowledge:
    """Read and validate the rules and interventions against ``codebook``.

    Raises :class:`~ism_advisor.errors.AdvisorError` carrying every problem found.
    """
    knowledge, problems = check_knowledge(codebook, rules, interventions)
    if problems:
        first = problems[0]
        first.problems = tuple(problems)
        raise first
    assert knowledge is not None  # no problems means every part was read
    return knowledge


def check_knowledge(
    codebook: Codebook,
    rules: str | Path | None = None,
    interventions: str | Path | None = None,
) -> tuple[Knowledge | None, list[AdvisorError]]:
    """Validate without raising: the knowledge base (or None) and every problem found."""
    rules_path = Path(rules) if rules is not None else default_rules_path()
    interventions_path = (
        Path(interventions) if interventions is not None else default_interventions_path()
    )
    errors: list[AdvisorError] = []
    catalogue_problems = Problems(str(interventions_path))
    catalogue: dict[str, Intervention] | None = None
    try:
        data = load_yaml(interventions_path, N_("an intervention catalogue"))
        catalogue = _CatalogueReader(catalogue_problems, codebook).read(data)
    except AdvisorError as error:
        catalogue_problems.errors.append(error)
    rule_problems = Problems(str(rules_path))
    rulebase = None
    try:
        data = load_yaml(rules_path, N_("a rule file"))
        rulebase = _RuleReader(rule_problems, codebook, catalogue).read(data)
    except AdvisorError as error:
        rule_problems.errors.append(error)
    errors = [*_in_reading_order(catalogue_problems), *_in_reading_order(rule_problems)]
    if errors or rulebase is None or catalogue is None:
        return None, errors
    rules_, conclusions, max_actions, strata = rulebase
    knowledge = Knowledge(
        codebook=codebook,
        rules_path=str(rules_path),
        interventions_path=str(interventions_path),
        rules=rules_,
        conclusions=conclusions,
        interventions=catalogue,
        max_actions=max_actions,
        strata=strata,
    )
    return knowledge, []


def _in_reading_order(problems: Iterable[AdvisorError]) -> list[AdvisorError]:
    return sorted(
        problems, key=lambda e: (e.line or 0, e.column if isinstance(e.column, int) else 0)
    )


# -- shared readers --------------------------------------------------------------------


class _Reader:
    def __init__(self, problems: Problems) -> None:
        self.problems = problems

    def id_list(self, mapping: YMap, key: str) -> list[tuple[str, Pos]]:
        """One id or a list of ids, with their positions."""
        value = mapping.get(key)
        if isinstance(value, str):
            return [(value, mapping.where(key))]
        if isinstance(value, YList) and value and all(isinstance(v, str) for v in value):
            return [(v, value.where(i)) for i, v in enumerate(value)]
        self.problems.add(
            N_("'{key}' must be an id or a list of ids, found {found}"),
            mapping.where(key),
            key=key,
            found=describe(value),
        )
        return []

    def choice(self, mapping: YMap, key: str, choices: Iterable[str]) -> str:
        value = mapping.get(key)
        if key not in mapping:
            return ""
        choices = tuple(choices)
        if value not in choices:
            self.problems.add(
                N_("'{key}' must be one of {choices}, found {found}{hint}"),
                mapping.where(key),
                key=key,
                choices=", ".join(choices),
                found=describe(value),
                hint=did_you_mean(str(value), choices),
            )
            return ""
        return value


# -- interventions -----------------------------------------------------------------------

_INTERVENTION_KEYS = (
    "id",
    "factors",
    "title",
    "description",
    "steps",
    "owner",
    "effort",
    "horizon",
    "evidence",
)


class _CatalogueReader(_Reader):
    def __init__(self, problems: Problems, codebook: Codebook) -> None:
        super().__init__(problems)
        self.codebook = codebook

    def read(self, data: Any) -> dict[str, Intervention] | None:
        p = self.problems
        top = p.mapping(data, getattr(data, "pos", Pos(1, 1)), N_("a mapping with 'interventions'"))
        if top is None:
            return None
        p.keys(top, ("interventions",), required=("interventions",))
        entries = p.non_empty_list(
            top, "interventions", N_("'interventions' must be a non-empty list, found {found}")
        )
        if entries is None:
            return None
        catalogue: dict[str, Intervention] = {}
        seen: dict[str, Pos] = {}
        for index, entry in enumerate(entries):
            entry = p.mapping(entry, entries.where(index), N_("an intervention (a mapping)"))
            if entry is None:
                continue
            p.keys(entry, _INTERVENTION_KEYS, required=_INTERVENTION_KEYS)
            intervention_id = self.problems.identifier(entry, seen, N_("intervention"))
            factors = []
            if "factors" in entry:
                for factor, pos in self.id_list(entry, "factors"):
                    if factor not in self.codebook.factor_ids:
                        p.add(
                            N_("unknown factor '{factor}'{hint}"),
                            pos,
                            factor=factor,
                            hint=did_you_mean(factor, self.codebook.factor_ids),
                        )
                    factors.append(factor)
            intervention = Intervention(
                id=intervention_id,
                factors=tuple(factors),
                title=self.problems.texts(entry, "title"),
                description=self.problems.texts(entry, "description"),
                steps=self.steps(entry),
                owner=self.choice(entry, "owner", OWNERS),
                effort=self.choice(entry, "effort", EFFORTS),
                horizon=self.choice(entry, "horizon", HORIZONS),
                evidence=self.evidence(entry),
            )
            if intervention_id:
                catalogue[intervention_id] = intervention
        return catalogue

    def steps(self, entry: YMap) -> dict[str, tuple[str, ...]]:
        value = entry.get("steps")
        if "steps" not in entry:
            return {}
        if not isinstance(value, YMap):
            self.problems.add(
                N_(
                    "'steps' must give a list of steps per language (nl: […], en: […]),"
                    " found {found}"
                ),
                entry.where("steps"),
                found=describe(value),
            )
            return {}
        self.problems.keys(value, LANGUAGES, required=LANGUAGES)
        out = {}
        for lang in LANGUAGES:
            steps = value.get(lang)
            if lang not in value:
                continue
            if (
                not isinstance(steps, YList)
                or not steps
                or not all(isinstance(s, str) and s.strip() for s in steps)
            ):
                self.problems.add(
                    N_("'steps' in '{lang}' must be a non-empty list of texts, found {found}"),
                    value.where(lang),
                    lang=lang,
                    found=describe(steps),
                )
                continue
            out[lang] = tuple(s.strip() for s in steps)
        if "nl" in out and "en" in out and len(out["nl"]) != len(out["en"]):
            self.problems.add(
                N_("'steps' has {nl} steps in nl but {en} in en"),
                entry.where("steps"),
                nl=len(out["nl"]),
                en=len(out["en"]),
            )
        return out

    def evidence(self, entry: YMap) -> tuple[str, ...]:
        value = entry.get("evidence")
        if "evidence" not in entry:
            return ()
        if (
            not isinstance(value, YList)
            or not value
            or not all(isinstance(v, str) and v.strip() for v in value)
        ):
            self.problems.add(
                N_("'evidence' must be a non-empty list of sources, found {found}"),
                entry.where("evidence"),
                found=describe(value),
            )
            return ()
        return tuple(v.strip() for v in value)


# -- rules -----------------------------------------------------------------------------------

_TOP_KEYS = ("settings", "conclusions", "rules")
_RULE_KEYS = (
    "id",
    "description",
    "segments",
    "when",
    "recommend",
    "conclude",
    "priority",
    "because",
)
_PATTERN_KEYS = {
    "factor": ("factor", "if", "as"),
    "segment": ("segment",),
    "conclusion": ("conclusion",),
}
_CONDITION = re.compile(
    r"^\s*(?P<field>[A-Za-z_]\w*)\s*"
    r"(?:(?P<op><=|>=|==|!=|<|>|=>|=<|=(?!=))\s*(?P<value>.+?)"
    r"|\s+(?P<word>not\s+in|in|\S+)\s+(?P<wvalue>.+?))\s*$"
)
_BARE = re.compile(r"^\s*(?P<neg>not\s+)?(?P<field>[A-Za-z_]\w*)\s*$")


class _RuleReader(_Reader):
    def __init__(
        self, problems: Problems, codebook: Codebook, catalogue: Mapping[str, Intervention] | None
    ) -> None:
        super().__init__(problems)
        self.codebook = codebook
        self.catalogue = catalogue
        self.environment = SandboxedEnvironment(autoescape=False)

    def read(self, data: Any):
        p = self.problems
        top = p.mapping(data, getattr(data, "pos", Pos(1, 1)), N_("a mapping with 'rules'"))
        if top is None:
            return None
        p.keys(top, _TOP_KEYS, required=("rules",))
        max_actions = self.settings(top)
        conclusions = self.conclusions(top)
        entries = p.non_empty_list(
            top, "rules", N_("'rules' must be a non-empty list of rules, found {found}")
        )
        if entries is None:
            return None
        rules: list[Rule] = []
        seen: dict[str, Pos] = {}
        for index, entry in enumerate(entries):
            entry = p.mapping(entry, entries.where(index), N_("a rule (a mapping with an id)"))
            if entry is None:
                continue
            rule = self.rule(entry, seen, conclusions)
            if rule is not None:
                rules.append(rule)
        self.check_conclusions(rules, conclusions)
        strata = self.strata(rules)
        return tuple(rules), conclusions, max_actions, strata

    def settings(self, top: YMap) -> int:
        settings = top.get("settings")
        if settings is None:
            return 5
        settings = self.problems.mapping(
            settings, top.where("settings"), N_("a mapping with max_actions")
        )
        if settings is None:
            return 5
        self.problems.keys(settings, ("max_actions",))
        value = settings.get("max_actions", 5)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            self.problems.add(
                N_("'max_actions' must be a whole number of at least 1, found {found}"),
                settings.where("max_actions"),
                found=describe(value),
            )
            return 5
        return value

    def conclusions(self, top: YMap) -> dict[str, Conclusion]:
        entries = top.get("conclusions")
        if entries is None:
            return {}
        if not isinstance(entries, YList):
            self.problems.add(
                N_("'conclusions' must be a list, found {found}"),
                top.where("conclusions"),
                found=describe(entries),
            )
            return {}
        out: dict[str, Conclusion] = {}
        seen: dict[str, Pos] = {}
        for index, entry in enumerate(entries):
            entry = self.problems.mapping(
                entry, entries.where(index), N_("a conclusion (a mapping with an id)")
            )
            if entry is None:
                continue
            self.problems.keys(entry, ("id", "label"), required=("id", "label"))
            conclusion_id = self.problems.identifier(entry, seen, N_("conclusion"))
            label = self.problems.texts(entry, "label")
            if conclusion_id:
                out[conclusion_id] = Conclusion(conclusion_id, label, entry.where("id"))
        return out

    def rule(self, entry: YMap, seen: dict[str, Pos], conclusions: dict) -> Rule | None:
        p = self.problems
        p.keys(entry, _RULE_KEYS, required=("id", "when", "priority", "because"))
        rule_id = self.problems.identifier(entry, seen, N_("rule"))
        if "recommend" not in entry and "conclude" not in entry:
            p.add(N_("a rule needs 'recommend' or 'conclude' (or both)"), entry.pos)
        when = self.patterns(entry.get("when"), entry.where("when")) if "when" in entry else None
        segments = None
        if "segments" in entry:
            segments = self.condition(entry["segments"], entry.where("segments"), "segment")
        recommend = []
        for intervention, pos in self.id_list(entry, "recommend") if "recommend" in entry else ():
            if self.catalogue is not None and intervention not in self.catalogue:
                p.add(
                    N_("unknown intervention '{id}'{hint}"),
                    pos,
                    id=intervention,
                    hint=did_you_mean(intervention, self.catalogue),
                )
            recommend.append(intervention)
        conclude = []
        for conclusion, pos in self.id_list(entry, "conclude") if "conclude" in entry else ():
            if conclusion not in conclusions:
                p.add(
                    N_("unknown conclusion '{id}'{hint} (declare it under 'conclusions')"),
                    pos,
                    id=conclusion,
                    hint=did_you_mean(conclusion, conclusions),
                )
            conclude.append(conclusion)
        priority = self.priority(entry)
        because = self.problems.texts(entry, "because")
        description = self.problems.texts(entry, "description")
        if when is None:
            return None
        if when is not None:
            self.check_names(when, entry)
            self.check_fires(when, segments, entry)
            for lang, text in because.items():
                self.check_because(text, lang, when, entry)
        return Rule(
            id=rule_id,
            pos=entry.where("id"),
            when=when,
            segments=segments,
            recommend=tuple(recommend),
            conclude=tuple(conclude),
            priority=priority,
            because=because,
            description=description,
        )

    def priority(self, entry: YMap) -> float:
        value = entry.get("priority", "medium")
        if value in PRIORITIES:
            return PRIORITIES[value]
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 1:
            return float(value)
        if "priority" in entry:
            self.problems.add(
                N_(
                    "'priority' must be high, medium, low or a number from 1 (most urgent),"
                    " found {found}"
                ),
                entry.where("priority"),
                found=describe(value),
            )
        return 2.0

    # -- patterns (what a rule looks for) ---------------------------------------------------

    def patterns(self, value: Any, pos: Pos) -> Pattern | None:
        """``when``: a list of patterns that must all match, or one pattern."""
        if isinstance(value, YList):
            if not value:
                self.problems.add(N_("'when' needs at least one pattern"), pos)
                return None
            parts = [self.pattern(v, value.where(i)) for i, v in enumerate(value)]
            if any(part is None for part in parts):
                return None
            return Pattern("all", pos, parts=tuple(parts))
        return self.pattern(value, pos)

    def pattern(self, value: Any, pos: Pos) -> Pattern | None:
        p = self.problems
        if not isinstance(value, YMap):
            p.add(
                N_(
                    "expected a pattern (factor:, segment:, conclusion:, all:, any: or not:),"
                    " found {found}"
                ),
                pos,
                found=describe(value),
            )
            return None
        for logic in ("all", "any"):
            if logic in value:
                p.keys(value, (logic,))
                items = p.non_empty_list(
                    value, logic, N_("'{key}' must be a non-empty list, found {found}")
                )
                if items is None:
                    return None
                parts = [self.pattern(v, items.where(i)) for i, v in enumerate(items)]
                if any(part is None for part in parts):
                    return None
                return Pattern(logic, pos, parts=tuple(parts))
        if "not" in value:
            p.keys(value, ("not",))
            inner = self.pattern(value["not"], value.where("not"))
            return None if inner is None else Pattern("not", pos, parts=(inner,))
        kinds = [k for k in _PATTERN_KEYS if k in value]
        if len(kinds) != 1:
            known = [*_PATTERN_KEYS, "all", "any", "not"]
            for key in value:
                if key not in known and key not in ("if", "as"):
                    p.add(
                        N_("unknown key '{key}'{hint}"),
                        value.key_pos[key],
                        key=key,
                        hint=did_you_mean(str(key), known),
                    )
            if not kinds:
                p.add(
                    N_("a pattern needs one of factor:, segment:, conclusion:, all:, any: or not:"),
                    pos,
                )
            else:
                p.add(
                    N_("a pattern tests one thing: give {keys} as separate patterns"),
                    pos,
                    keys=" and ".join(kinds),
                )
            return None
        kind = kinds[0]
        p.keys(value, _PATTERN_KEYS[kind])
        if kind == "segment":
            condition = self.condition(value["segment"], value.where("segment"), "segment")
            return Pattern("segment", pos, name="segment", condition=condition)
        if kind == "conclusion":
            conclusion = value["conclusion"]
            if not isinstance(conclusion, str):
                p.add(
                    N_("'conclusion' must be a conclusion id, found {found}"),
                    value.where("conclusion"),
                    found=describe(conclusion),
                )
                return None
            return Pattern(
                "conclusion", value.where("conclusion"), name=conclusion, conclusion=conclusion
            )
        factors = []
        for factor, factor_pos in self.id_list(value, "factor"):
            if factor == "any":
                factors = []
                break
            if factor not in self.codebook.factor_ids:
                p.add(
                    N_("unknown factor '{factor}'{hint}"),
                    factor_pos,
                    factor=factor,
                    hint=did_you_mean(factor, self.codebook.factor_ids),
                )
            factors.append(factor)
        condition = None
        if "if" in value:
            condition = self.condition(value["if"], value.where("if"), "factor")
        name = value.get("as", factors[0] if len(factors) == 1 else "factor")
        if not isinstance(name, str) or not ID_PATTERN.match(name):
            p.add(
                N_(
                    "'as' must be a name of lower-case letters, digits and underscores,"
                    " found {found}"
                ),
                value.where("as"),
                found=describe(name),
            )
            name = "factor"
        return Pattern("factor", pos, name=name, factors=tuple(factors), condition=condition)

    # -- conditions (tests on one fact) --------------------------------------------------------

    def condition(self, value: Any, pos: Pos, kind: str) -> Condition | None:
        p = self.problems
        fields = _KIND_FIELDS[kind]
        if isinstance(value, YList):
            if not value:
                p.add(N_("an empty list of conditions"), pos)
                return None
            parts = [self.condition(v, value.where(i), kind) for i, v in enumerate(value)]
            if any(part is None for part in parts):
                return None
            return parts[0] if len(parts) == 1 else Condition("all", pos, parts=tuple(parts))
        if isinstance(value, YMap):
            logic = [k for k in ("all", "any", "not") if k in value]
            if len(logic) != 1 or len(value) != 1:
                for key in value:
                    if key not in ("all", "any", "not"):
                        p.add(
                            N_(
                                "unknown key '{key}'{hint} (a condition is a text like"
                                " 'hedges_g >= 0.2', or all:, any:, not:)"
                            ),
                            value.key_pos[key],
                            key=key,
                            hint=did_you_mean(str(key), ("all", "any", "not")),
                        )
                if len(logic) > 1:
                    p.add(N_("give all:, any: and not: as separate conditions"), pos)
                return None
            key = logic[0]
            if key == "not":
                part = self.condition(value["not"], value.where("not"), kind)
                return None if part is None else Condition("not", pos, parts=(part,))
            inner = p.non_empty_list(
                value, key, N_("'{key}' must be a non-empty list, found {found}")
            )
            if inner is None:
                return None
            parts = [self.condition(v, inner.where(i), kind) for i, v in enumerate(inner)]
            if any(part is None for part in parts):
                return None
            return Condition(key, pos, parts=tuple(parts))
        if isinstance(value, bool) or not isinstance(value, str):
            p.add(
                N_("expected a condition like 'hedges_g >= 0.2', found {found}"),
                pos,
                found=describe(value),
            )
            return None
        return self.test(value, pos, fields)

    def test(self, text: str, pos: Pos, fields: Mapping[str, Field]) -> Condition | None:
        p = self.problems
        bare = _BARE.match(text)
        if bare:
            name = bare["field"]
            field_ = self.field(name, pos, fields)
            if field_ is None:
                return None
            if field_.kind != "bool":
                p.add(
                    N_("'{field}' is not a yes/no figure: compare it, e.g. '{field} >= …'"),
                    pos,
                    field=name,
                )
                return None
            condition = Condition("test", pos, field=name, op="==", value=True)
            return Condition("not", pos, parts=(condition,)) if bare["neg"] else condition
        match = _CONDITION.match(text)
        if not match:
            p.add(
                N_(
                    "cannot read the condition '{text}' (expected 'figure operator value',"
                    " e.g. 'hedges_g >= 0.2')"
                ),
                pos,
                text=text,
            )
            return None
        name = match["field"]
        op = match["op"] or match["word"]
        raw = match["value"] if match["op"] else match["wvalue"]
        negate = False
        if re.fullmatch(r"not\s+in", op or ""):
            op, negate = "in", True
        if op not in OPERATORS:
            fix = {"=": "==", "=>": ">=", "=<": "<="}.get(op)
            hint = Message(N_(" (did you mean '{name}'?)"), {"name": fix}) if fix else ""
            p.add(
                N_("unknown operator '{op}'{hint} (expected one of: {ops})"),
                pos,
                op=op,
                hint=hint,
                ops=", ".join(OPERATORS),
            )
            return None
        field_ = self.field(name, pos, fields)
        if field_ is None:
            return None
        value = _parse_value(raw)
        value = self.check_value(field_, op, value, raw, pos)
        if value is _INVALID:
            return None
        condition = Condition("test", pos, field=name, op=op, value=value)
        return Condition("not", pos, parts=(condition,)) if negate else condition

    def field(self, name: str, pos: Pos, fields: Mapping[str, Field]) -> Field | None:
        if name in fields:
            return fields[name]
        self.problems.add(
            N_("unknown figure '{field}'{hint}"),
            pos,
            field=name,
            hint=did_you_mean(name, fields),
        )
        return None

    def check_value(self, field_: Field, op: str, value: Any, raw: str, pos: Pos) -> Any:
        p = self.problems
        values = value if op == "in" else [value]
        if op == "in" and not isinstance(value, list):
            p.add(N_("'in' needs a list, e.g. '{field} in [a, b]'"), pos, field=field_.name)
            return _INVALID
        if op == "in" and not value:
            p.add(
                N_("'{field} in []' can never be true: the list is empty"), pos, field=field_.name
            )
            return _INVALID
        for item in values:
            if field_.kind == "number":
                if isinstance(item, bool) or not isinstance(item, (int, float)):
                    p.add(
                        N_("'{field}' is a number; '{value}' is not"),
                        pos,
                        field=field_.name,
                        value=raw.strip(),
                    )
                    return _INVALID
            elif field_.kind == "bool":
                if not isinstance(item, bool) or op not in ("==", "!="):
                    p.add(
                        N_("'{field}' is yes/no: write '{field}' or 'not {field}'"),
                        pos,
                        field=field_.name,
                    )
                    return _INVALID
            else:
                if op in ("<", "<=", ">", ">="):
                    p.add(
                        N_("'{field}' is a text: compare it with ==, != or in"),
                        pos,
                        field=field_.name,
                    )
                    return _INVALID
                if isinstance(item, bool):
                    p.add(
                        N_("'{field}' is a text; put yes/no words in quotes"),
                        pos,
                        field=field_.name,
                    )
                    return _INVALID
                if field_.values is not None and str(item) not in field_.values:
                    p.add(
                        N_("'{field}' is one of {values}, not '{value}'{hint}"),
                        pos,
                        field=field_.name,
                        values=", ".join(field_.values),
                        value=item,
                        hint=did_you_mean(str(item), field_.values),
                    )
                    return _INVALID
                if field_.name == "factor" and str(item) not in self.codebook.factor_ids:
                    p.add(
                        N_("unknown factor '{factor}'{hint}"),
                        pos,
                        factor=item,
                        hint=did_you_mean(str(item), self.codebook.factor_ids),
                    )
                    return _INVALID
        if field_.kind == "text":
            return [str(v) for v in value] if op == "in" else str(value)
        return value

    # -- whole-rule checks -------------------------------------------------------------

    def check_names(self, when: Pattern, entry: YMap) -> None:
        """Two patterns of one rule must not share a name (the because text needs it)."""
        for alternative in alternatives(when):
            names: dict[str, Pattern] = {}
            for positive, pattern in alternative:
                if not positive:
                    continue
                if pattern.name in names and names[pattern.name] is not pattern:
                    self.problems.add(
                        N_(
                            "two patterns of this rule are both called '{name}': name one with"
                            " 'as: …'"
                        ),
                        pattern.pos,
                        name=pattern.name,
                    )
                    return
                names[pattern.name] = pattern

    def check_fires(self, when: Pattern, segments: Condition | None, entry: YMap) -> None:
        """Report a rule whose conditions contradict each other or the figures' range."""
        ranges = _ranges(self.codebook)
        impossible = None
        if segments is not None and not _satisfiable(segments, SEGMENT_FIELDS, ranges):
            impossible = segments.pos
        else:
            for alternative in alternatives(when):
                blocked = [
                    pattern
                    for positive, pattern in alternative
                    if positive
                    and pattern.condition is not None
                    and not _satisfiable(pattern.condition, _KIND_FIELDS[pattern.kind], ranges)
                ]
                if not blocked:
                    return
                impossible = impossible or blocked[0].pos
        if impossible is not None:
            self.problems.add(
                N_(
                    "this rule can never fire: its conditions contradict each other or the"
                    " possible range of a figure"
                ),
                impossible,
            )

    def check_because(self, text: str, lang: str, when: Pattern, entry: YMap) -> None:
        pos = entry.where("because")
        try:
            tree = self.environment.parse(text)
        except TemplateSyntaxError as error:
            self.problems.add(
                N_("'because' in '{lang}': template error on its line {number}: {problem}"),
                pos,
                lang=lang,
                number=error.lineno,
                problem=error.message or "",
            )
            return
        names = _because_names(when)
        defined = _defined_names(tree)
        for node in tree.find_all(nodes.Name):
            if node.ctx == "load" and node.name not in names and node.name not in defined:
                self.problems.add(
                    N_(
                        "'because' in '{lang}' uses '{name}', which this rule does not"
                        " match{hint} (available: {names})"
                    ),
                    pos,
                    lang=lang,
                    name=node.name,
                    hint=did_you_mean(node.name, names),
                    names=", ".join(sorted(names)),
                )
                return
        for node in tree.find_all(nodes.Getattr):
            if isinstance(node.node, nodes.Name) and node.node.name in names:
                kind = names[node.node.name]
                if kind in _KIND_FIELDS and node.attr not in _KIND_FIELDS[kind]:
                    fields = _KIND_FIELDS[kind]
                    self.problems.add(
                        N_("'because' in '{lang}': '{name}' has no figure '{field}'{hint}"),
                        pos,
                        lang=lang,
                        name=node.node.name,
                        field=node.attr,
                        hint=did_you_mean(node.attr, fields),
                    )
                    return

    def check_conclusions(self, rules: list[Rule], conclusions: Mapping[str, Conclusion]) -> None:
        derived = {c for rule in rules for c in rule.conclude}
        for rule in rules:
            for alternative in alternatives(rule.when):
                for positive, pattern in alternative:
                    if pattern.kind != "conclusion":
                        continue
                    if pattern.conclusion not in conclusions:
                        self.problems.add(
                            N_("unknown conclusion '{id}'{hint} (declare it under 'conclusions')"),
                            pattern.pos,
                            id=pattern.conclusion,
                            hint=did_you_mean(pattern.conclusion, conclusions),
                        )
                    elif positive and pattern.conclusion not in derived:
                        self.problems.add(
                            N_("this rule can never fire: no rule concludes '{id}'"),
                            pattern.pos,
                            id=pattern.conclusion,
                        )
        for conclusion in conclusions.values():
            if conclusion.id not in derived:
                self.problems.add(
                    N_("no rule concludes '{id}' (add a rule with 'conclude: {id}', or remove it)"),
                    conclusion.pos,
                    id=conclusion.id,
                )

    def strata(self, rules: list[Rule]) -> dict[str, int]:
        """Evaluation layers for negation: a rule that needs a conclusion to be absent
        runs in a later layer than every rule that could conclude it. Rules that use a
        conclusion only positively share their producers' layer (the engine chains them).
        """
        producers: dict[str, list[Rule]] = {}
        for rule in rules:
            for conclusion in rule.conclude:
                producers.setdefault(conclusion, []).append(rule)
        strata: dict[str, int] = {}
        visiting: set[str] = set()

        def stratum(rule: Rule) -> int:
            if rule.id in strata:
                return strata[rule.id]
            if rule.id in visiting:
                raise _Cycle(rule)
            visiting.add(rule.id)
            level = 1
            for alternative in alternatives(rule.when):
                for positive, pattern in alternative:
                    if pattern.kind != "conclusion":
                        continue
                    for producer in producers.get(pattern.conclusion, ()):
                        level = max(level, stratum(producer) + (0 if positive else 1))
            visiting.discard(rule.id)
            strata[rule.id] = level
            return level

        for rule in rules:
            try:
                stratum(rule)
            except _Cycle as cycle:
                self.problems.add(
                    N_("rule '{id}' depends on its own conclusion through other rules (a cycle)"),
                    cycle.rule.pos,
                    id=cycle.rule.id,
                )
                return {}
        return strata


class _Cycle(Exception):
    def __init__(self, rule: Rule) -> None:
        super().__init__(rule.id)
        self.rule = rule


_INVALID = object()
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def _parse_value(raw: str) -> Any:
    """The value side of a condition: a number (also 1e-05), a list, or a word."""
    text = raw.strip()
    if _NUMBER.match(text):
        number = float(text)
        return (
            int(number)
            if number.is_integer() and "." not in text and "e" not in text.lower()
            else number
        )
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        return text
    if isinstance(value, list):
        return [
            _parse_value(str(v)) if isinstance(v, str) and _NUMBER.match(v) else v for v in value
        ]
    return value


def _defined_names(tree: nodes.Template) -> set[str]:
    """Names a because text defines itself ({% set %}, {% for %})."""
    return {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}


def _because_names(when: Pattern) -> dict[str, str]:
    """Names a because text may use, and the kind of fact each names.

    Only names matched in every alternative of the rule are safe to use; a single
    matched comparison also lends its figures by their own names (``{{ gap }}``).
    """
    common: dict[str, str] | None = None
    for alternative in alternatives(when):
        names = {p.name: p.kind for positive, p in alternative if positive}
        names["segment"] = "segment"
        common = names if common is None else {k: v for k, v in common.items() if names.get(k) == v}
    names = dict(common or {"segment": "segment"})
    comparisons = [n for n, kind in names.items() if kind == "factor"]
    if len(comparisons) == 1:
        names.update(dict.fromkeys(COMPARISON_FIELDS, "figure"))
    return names


def alternatives(pattern: Pattern, negate: bool = False) -> list[list[tuple[bool, Pattern]]]:
    """The pattern as a disjunction of conjunctions of (positive?, base pattern)."""
    kind = pattern.kind
    if kind == "not":
        return alternatives(pattern.parts[0], not negate)
    if kind in ("all", "any"):
        conjunctive = (kind == "all") != negate
        parts = [alternatives(part, negate) for part in pattern.parts]
        if not conjunctive:
            return [alt for part in parts for alt in part][:MAX_ALTERNATIVES]
        result: list[list[tuple[bool, Pattern]]] = [[]]
        for part in parts:
            result = [left + right for left in result for right in part][:MAX_ALTERNATIVES]
        return result
    return [[(not negate, pattern)]]


def _ranges(codebook: Codebook) -> dict[str, tuple[float, float]]:
    ranges = {}
    for fields in (COMPARISON_FIELDS, SEGMENT_FIELDS):
        for name, field_ in fields.items():
            low = -float("inf") if field_.low is None else field_.low
            high = float("inf") if field_.high is None else field_.high
            ranges[name] = (low, high)
    for name in ("users_mean", "non_users_mean", "mean"):
        ranges[name] = (codebook.scale_min, codebook.scale_max)
    span = codebook.scale_max - codebook.scale_min
    ranges["gap"] = (-span, span)
    return ranges


def _satisfiable(
    condition: Condition, fields: Mapping[str, Field], ranges: Mapping[str, tuple[float, float]]
) -> bool:
    """Whether some figures could meet the condition.

    Numbers: the interval each conjunction leaves for a figure, within its possible
    range. Texts and yes/no figures: at most one required value, not also excluded.
    """
    for conjunct in _dnf(condition, False):
        intervals: dict[str, list] = {}
        equal: dict[str, set] = {}
        unequal: dict[str, set] = {}
        for name, op, value in conjunct:
            if fields[name].kind != "number" or op in ("==", "!="):
                (equal if op == "==" else unequal).setdefault(name, set()).add(
                    float(value) if fields[name].kind == "number" else value
                )
                if op == "!=" or fields[name].kind != "number":
                    continue
            low, high = ranges.get(name, (-float("inf"), float("inf")))
            state = intervals.setdefault(name, [low, True, high, True])
            value = float(value)
            if op in (">", ">=") and (value > state[0] or (value == state[0] and op == ">")):
                state[0], state[1] = value, op == ">="
            elif op in ("<", "<=") and (value < state[2] or (value == state[2] and op == "<")):
                state[2], state[3] = value, op == "<="
            elif op == "==":
                if value > state[0] or (value == state[0] and not state[1]):
                    state[0], state[1] = value, True
                if value < state[2] or (value == state[2] and not state[3]):
                    state[2], state[3] = value, True
        possible = all(
            not (low > high or (low == high and not (low_in and high_in)))
            for low, low_in, high, high_in in intervals.values()
        )
        for name, values in equal.items():
            if len(values) > 1 or values & unequal.get(name, set()):
                possible = False
            elif name in intervals and fields[name].kind == "number":
                low, low_in, high, high_in = intervals[name]
                (value,) = values
                inside = (low < value or (low == value and low_in)) and (
                    value < high or (value == high and high_in)
                )
                possible = possible and inside
        if possible:
            return True
    return False


def _dnf(condition: Condition, negate: bool) -> list[list[tuple[str, str, Any]]]:
    if condition.kind == "not":
        return _dnf(condition.parts[0], not negate)
    if condition.kind == "test":
        op = condition.op
        if negate:
            op = {
                "<": ">=",
                "<=": ">",
                ">": "<=",
                ">=": "<",
                "==": "!=",
                "!=": "==",
                "in": "not in",
            }[op]
        if op == "not in":
            return [[(condition.field, "!=", v) for v in condition.value]]
        if op == "in":
            return [[(condition.field, "==", v)] for v in condition.value]
        return [[(condition.field, op, condition.value)]]
    conjunctive = (condition.kind == "all") != negate
    parts = [_dnf(part, negate) for part in condition.parts]
    if not conjunctive:
        return [alt for part in parts for alt in part][:MAX_ALTERNATIVES]
    result: list[list[tuple[str, str, Any]]] = [[]]
    for part in parts:
        result = [left + right for left in result for right in part][:MAX_ALTERNATIVES]
    return result
