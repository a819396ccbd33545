"""The rule file (``rules/advice.yaml``): settings, conclusions and rules.

Rules are written by communications advisers, not programmers::

    - id: managers_invisible
      when:
        - factor: manager_influence
          if: [significant, hedges_g >= 0.2]
      recommend: leaders_work_out_loud
      priority: medium
      because:
        en: "Non-users see managers less active ({{ non_users_mean }})."
        nl: "Niet-gebruikers zien managers minder actief ({{ non_users_mean }})."

This module reads the file's structure, has :mod:`.conditions` read what each rule looks
for, expands every rule once into its alternatives (:mod:`.meaning`), and reports every
problem with its position: the file's own, and those of the rule base as a whole — a
rule that can never fire, a name two patterns share, a because text that uses what the
rule does not match (:mod:`.because`), conclusions nobody derives, cycles.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ...core.errors import N_, Message
from ...core.shapes import Custom, Entries, Id, Ids, Nested, Shape, Texts, WholeNumber
from ...core.vocabulary import SEGMENT
from ...core.yamlfile import Pos, Problems, YMap, describe, did_you_mean
from ...survey.codebook import Codebook
from . import because, meaning
from .conditions import Language
from .fragments import CONDITION, PATTERN
from .model import Alternative, Conclusion, Condition, Intervention, Rule, RuleBase, Term

__all__ = [
    "CONCLUSION",
    "PRIORITIES",
    "RULE",
    "RULE_FILE",
    "SETTINGS",
    "RuleReader",
    "read_rules",
]

PRIORITIES = {"high": 1.0, "medium": 2.0, "low": 3.0}
DEFAULT_MAX_ACTIONS = 5

SETTINGS = Shape(
    N_("a mapping with max_actions"),
    max_actions=WholeNumber(
        1,
        "At most this many actions per segment.",
        default=DEFAULT_MAX_ACTIONS,
        message=N_("'max_actions' must be a whole number of at least 1, found {found}"),
    ),
)

CONCLUSION = Shape(
    N_("a conclusion (a mapping with an id)"),
    id=Id(
        N_("conclusion"),
        "The conclusion's id, used by 'conclude:' and 'conclusion:'.",
        required=True,
    ),
    label=Texts("Its name, in Dutch and English.", required=True),
)

RULE = Shape(
    N_("a rule (a mapping with an id)"),
    id=Id(N_("rule"), "The rule's id, shown in explanations.", required=True),
    description=Texts("What the rule is about."),
    segments=Custom(
        "Conditions on the segment: the rule looks only at segments that meet them.",
        schema=CONDITION,
    ),
    when=Custom(
        "The patterns that must all match in the segment.",
        required=True,
        schema={"oneOf": [PATTERN, {"type": "array", "items": PATTERN, "minItems": 1}]},
    ),
    recommend=Ids(
        "The interventions it recommends: ids of the catalogue, or the name of an"
        " intervention pattern of the rule (the intervention of the fact it matched)."
    ),
    conclude=Ids("The conclusions it derives."),
    priority=Custom(
        "high, medium, low or a number from 1 (most urgent).",
        required=True,
        default="medium",
        schema={"oneOf": [{"enum": list(PRIORITIES)}, {"type": "number", "minimum": 1}]},
    ),
    because=Texts(
        "Why, in Dutch and English: a template with the figures it matched.", required=True
    ),
)

RULE_FILE = Shape(
    N_("a mapping with 'rules'"),
    settings=Nested(SETTINGS, "Settings of the rule base.", blank=True),
    conclusions=Entries(
        CONCLUSION,
        "Conclusions rules derive and other rules use.",
        empty=True,
        blank=True,
        message=N_("'conclusions' must be a list, found {found}"),
    ),
    rules=Entries(
        RULE,
        "The rules.",
        required=True,
        message=N_("'rules' must be a non-empty list of rules, found {found}"),
    ),
)


def read_rules(
    data: Any,
    problems: Problems,
    codebook: Codebook,
    catalogue: Mapping[str, Intervention] | None,
) -> RuleBase | None:
    """The rule base of a parsed rule file; None when it has no list of rules.

    ``catalogue`` (None when it could not be read) is what ``recommend`` may name.
    """
    return RuleReader(problems, codebook, catalogue).read(data)


class RuleReader:
    """Reads a rule file's rules and checks them as a whole, each problem into ``problems``."""

    def __init__(
        self, problems: Problems, codebook: Codebook, catalogue: Mapping[str, Intervention] | None
    ) -> None:
        self.problems = problems
        self.codebook = codebook
        self.catalogue = catalogue
        self.language = Language(problems, codebook, catalogue)
        self.limits = meaning.ranges(codebook)

    def read(self, data: Any) -> RuleBase | None:
        p = self.problems
        top = RULE_FILE.mapping(p, data, getattr(data, "pos", Pos(1, 1)))
        if top is None:
            return None
        max_actions = self.settings(top)
        conclusions = self.conclusions(top)
        entries = RULE_FILE.read(p, top, "rules")
        if entries is None:
            return None
        rules: list[Rule] = []
        seen: dict[str, Pos] = {}
        for index, value in enumerate(entries):
            entry = RULE.mapping(p, value, entries.where(index))
            if entry is None:
                continue
            rule = self.rule(entry, seen, conclusions)
            if rule is not None:
                rules.append(rule)
        self.check_conclusions(rules, conclusions)
        try:
            strata = meaning.strata(rules)
        except meaning.Cycle as cycle:
            p.add(
                N_("rule '{id}' depends on its own conclusion through other rules (a cycle)"),
                cycle.rule.pos,
                id=cycle.rule.id,
            )
            strata = {}
        for rule, count in meaning.over_limit(rules, strata):
            p.add(
                N_(
                    "with this rule, the rules that run together have {count} alternatives"
                    " (the ways their any: and not: blocks can be met); the engine takes at"
                    " most {limit} in all: use fewer or smaller any: blocks"
                ),
                rule.when.pos,
                count=count,
                limit=meaning.MAX_ALTERNATIVES,
            )
        return RuleBase(
            path=p.path,
            rules=tuple(rules),
            conclusions=conclusions,
            max_actions=max_actions,
            strata=strata,
            tested=meaning.figures_tested(rules),
        )

    def settings(self, top: YMap) -> int:
        settings = RULE_FILE.read(self.problems, top, "settings")
        if settings is None:
            return DEFAULT_MAX_ACTIONS
        return SETTINGS.read(self.problems, settings, "max_actions")

    def conclusions(self, top: YMap) -> dict[str, Conclusion]:
        entries = RULE_FILE.read(self.problems, top, "conclusions")
        if entries is None:
            return {}
        out: dict[str, Conclusion] = {}
        seen: dict[str, Pos] = {}
        for index, value in enumerate(entries):
            entry = CONCLUSION.mapping(self.problems, value, entries.where(index))
            if entry is None:
                continue
            conclusion_id = CONCLUSION.read(self.problems, entry, "id", seen=seen)
            label = CONCLUSION.read(self.problems, entry, "label")
            if conclusion_id:
                out[conclusion_id] = Conclusion(conclusion_id, label, entry.where("id"))
        return out

    def rule(self, entry: YMap, seen: dict[str, Pos], conclusions: dict) -> Rule | None:
        p = self.problems
        rule_id = RULE.read(p, entry, "id", seen=seen)
        if "recommend" not in entry and "conclude" not in entry:
            p.add(N_("a rule needs 'recommend' or 'conclude' (or both)"), entry.pos)
        language = self.language
        when = language.when(entry.get("when"), entry.where("when")) if "when" in entry else None
        segments = None
        if "segments" in entry:
            segments = language.condition(entry["segments"], entry.where("segments"), SEGMENT)
        recommend = []
        named = meaning.intervention_names(when) if when is not None else {}
        recommend_names = set()
        for intervention, pos in RULE.read(p, entry, "recommend"):
            if intervention in named:
                recommend_names.add(intervention)
            elif self.catalogue is not None and intervention not in self.catalogue:
                p.add(
                    N_("unknown intervention '{id}'{hint}"),
                    pos,
                    id=intervention,
                    hint=did_you_mean(intervention, [*self.catalogue, *named]),
                )
            recommend.append(intervention)
        conclude = []
        for conclusion, pos in RULE.read(p, entry, "conclude"):
            if conclusion not in conclusions:
                p.add(
                    N_("unknown conclusion '{id}'{hint} (declare it under 'conclusions')"),
                    pos,
                    id=conclusion,
                    hint=did_you_mean(conclusion, conclusions),
                )
            conclude.append(conclusion)
        priority = self.priority(entry)
        because_texts = RULE.read(p, entry, "because")
        description = RULE.read(p, entry, "description")
        if when is None:
            return None
        count = meaning.count_alternatives(when)
        alternatives: tuple[Alternative, ...] = ()
        if count > meaning.MAX_ALTERNATIVES:
            p.add(
                N_(
                    "this rule has {count} alternatives (the ways its any: and not: blocks can"
                    " be met); the engine takes at most {limit} in all: use fewer or smaller"
                    " any: blocks"
                ),
                entry.where("when"),
                count=count,
                limit=meaning.MAX_ALTERNATIVES,
            )
        else:
            alternatives = meaning.alternatives(when)
            distinct = self.check_names(alternatives)
            self.check_addresses(alternatives)
            self.check_recommend_names(alternatives, recommend_names, entry)
            self.check_fires(segments, alternatives, shared=distinct)
            names = because.available(alternatives)
            for lang, text in because_texts.items():
                because.check(p, entry.where("because"), text, lang, names)
        return Rule(
            id=rule_id,
            pos=entry.where("id"),
            when=when,
            segments=segments,
            recommend=tuple(recommend),
            conclude=tuple(conclude),
            priority=priority,
            because=because_texts,
            description=description,
            alternatives=alternatives,
            recommend_names=frozenset(recommend_names),
        )

    def priority(self, entry: YMap) -> float:
        value = entry.get("priority", RULE["priority"].default)
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
        return PRIORITIES["medium"]

    # -- whole-rule checks -------------------------------------------------------------

    def check_names(self, alternatives: Sequence[tuple[Term, ...]]) -> bool:
        """Two patterns of one rule must not share a name (the because text needs it);
        whether they have distinct names."""
        for alternative in alternatives:
            names: dict[str, Any] = {}
            for term in alternative:
                if not term.positive:
                    continue
                pattern = term.pattern
                if pattern.name in names and names[pattern.name] is not pattern:
                    self.problems.add(
                        N_(
                            "two patterns of this rule are both called '{name}': name one with"
                            " 'as: …'"
                        ),
                        pattern.pos,
                        name=pattern.name,
                    )
                    return False
                names[pattern.name] = pattern
        return True

    def check_addresses(self, alternatives: Sequence[tuple[Term, ...]]) -> None:
        """An intervention pattern's ``addresses`` must name a factor pattern that every
        alternative it is part of matches (the join needs that fact)."""
        reported: set[Pos] = set()
        for alternative in alternatives:
            factors = {
                t.pattern.name for t in alternative if t.positive and t.pattern.kind == "factor"
            }
            for term in alternative:
                pattern = term.pattern
                if (
                    pattern.kind != "intervention"
                    or not pattern.addresses
                    or pattern.addresses in factors
                    or pattern.pos in reported
                ):
                    continue
                reported.add(pattern.pos)
                self.problems.add(
                    N_(
                        "'addresses: {name}' must name a factor pattern of the same rule"
                        " (a 'factor:' pattern, by its 'as' name){hint}"
                    ),
                    pattern.pos,
                    name=pattern.addresses,
                    hint=did_you_mean(pattern.addresses, sorted(factors)),
                )

    def check_recommend_names(
        self, alternatives: Sequence[tuple[Term, ...]], names: set[str], entry: YMap
    ) -> None:
        """A ``recommend`` that names an intervention pattern needs that pattern matched
        in every alternative of the rule (else there is no intervention to recommend)."""
        for name in sorted(names):
            for alternative in alternatives:
                if not any(
                    t.positive and t.pattern.kind == "intervention" and t.pattern.name == name
                    for t in alternative
                ):
                    self.problems.add(
                        N_(
                            "'recommend: {name}' names an intervention pattern that not every"
                            " way of meeting this rule matches (it is under any: or not:)"
                        ),
                        entry.where("recommend"),
                        name=name,
                    )
                    break

    def check_fires(
        self,
        segments: Condition | None,
        alternatives: Sequence[tuple[Term, ...]],
        shared: bool = True,
    ) -> None:
        """Report a rule that can never fire: its conditions contradict each other or the
        figures' range, or (with ``shared``) its patterns can only be met by one fact
        between them; warn about the combinations of patterns that can never be met for
        that reason. Patterns that share a name are reported as such, not here."""
        impossible = meaning.never_fires(segments, alternatives, self.limits)
        if impossible is not None:
            self.problems.add(
                N_(
                    "this rule can never fire: its conditions contradict each other or the"
                    " possible range of a figure"
                ),
                impossible,
            )
            return
        if not shared:
            return
        possible = [a for a in alternatives if not meaning.blocked_terms(a, self.limits)]
        shared = [meaning.shared_fact(a, self.codebook.factor_ids) for a in possible]
        if not any(terms for terms, _ in shared):
            return
        if all(terms for terms, _ in shared):
            terms, facts = shared[0]
            self.problems.add(
                N_(
                    "this rule can never fire: its patterns on lines {lines} can be met only"
                    " by {facts}, and a fact meets one pattern of a rule at most (give their"
                    " conditions in one pattern)"
                ),
                terms[0].pattern.pos,
                lines=_lines(terms),
                facts=_facts(facts),
            )
            return
        reported: set[tuple[Pos, ...]] = set()
        for terms, facts in shared:
            where = tuple(t.pattern.pos for t in terms)
            if not terms or where in reported:
                continue
            reported.add(where)
            self.problems.warn(
                N_(
                    "where its patterns on lines {lines} must all hold, this rule never fires:"
                    " only {facts} can meet them, and a fact meets one pattern of a rule at"
                    " most (give their conditions in one pattern)"
                ),
                terms[0].pattern.pos,
                lines=_lines(terms),
                facts=_facts(facts),
            )

    def check_conclusions(self, rules: list[Rule], conclusions: Mapping[str, Conclusion]) -> None:
        derived = {c for rule in rules for c in rule.conclude}
        for rule in rules:
            for alternative in rule.alternatives:
                for term in alternative:
                    pattern = term.pattern
                    if pattern.kind != "conclusion":
                        continue
                    if pattern.conclusion not in conclusions:
                        self.problems.add(
                            N_("unknown conclusion '{id}'{hint} (declare it under 'conclusions')"),
                            pattern.pos,
                            id=pattern.conclusion,
                            hint=did_you_mean(pattern.conclusion, conclusions),
                        )
                    elif term.positive and pattern.conclusion not in derived:
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


def _lines(terms: Sequence[Term]) -> Message:
    """ "9 and 12", "5, 7 and 9": the lines of the patterns."""
    lines = [str(t.pattern.pos.line) for t in terms]
    return Message(N_("{items} and {last}"), {"items": ", ".join(lines[:-1]), "last": lines[-1]})


def _facts(facts: Sequence[str]) -> Message:
    """ "one fact (manager_influence)", "2 facts (a, b)"."""
    names = ", ".join(fact.split(":", 1)[1] for fact in facts)
    if len(facts) == 1:
        return Message(N_("one fact ({names})"), {"names": names})
    return Message(N_("{count} facts ({names})"), {"count": len(facts), "names": names})
