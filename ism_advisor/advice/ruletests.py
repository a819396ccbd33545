"""Rule tests: test cases in YAML beside the rules, run on the engine (``rules test``).

A knowledge-base folder may hold ``tests/*.yaml``. Each file has ``cases:``, a list of
test cases; a case gives one segment's figures directly — only those that matter — and
says what the rule base must make of them::

    cases:
    - name: managers seen less active
      factors:
        manager_influence: {hedges_g: 0.6, p_holm: 0.01}
      recommended: [leaders_work_out_loud, executives_on_rollout_team]

A case may give the evidence ledger's figures (as a run with ``--evidence`` has them),
per intervention and factor it addresses::

    evidence:
      leaders_work_out_loud:
        manager_influence: {evidence_clients: 6, evidence_change: 0.31,
                            evidence_ci_low: 0.12, evidence_ci_high: 0.5}

Then every intervention of the catalogue has an intervention fact per factor it
addresses, those not given with ``evidence_clients`` 0 (the ledger has nothing on them);
without ``evidence`` there are none, as in a run without ``--evidence``.

A figure a case does not give has its neutral value from :mod:`ism_advisor.core.vocabulary`
(:attr:`~ism_advisor.core.vocabulary.Field.neutral`: no gap, p = 1, half the people use the
platform; the means at the scale's midpoint). Figures the statistics derive from others
are derived from the given ones unless given too: a factor's ``mean`` and ``gap`` from the
two means, ``significant`` from ``p_holm`` (below 0.05, the default ``--alpha``),
``effect_size`` from ``hedges_g``, ``rank`` from every factor's ``hedges_g``; the
segment's ``overall`` from ``column``, ``respondents`` from ``users`` and ``non_users``,
``adoption_rate`` from ``users`` and ``respondents``.

Every case runs through the same engine and the same ranking as a survey does, so a test
says what a consultant would get.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.errors import N_, AdvisorError, Message
from ..core.vocabulary import COMPARISON, INTERVENTION, SEGMENT, FactKind, effect_size
from ..core.yamlfile import Pos, Problems, YList, YMap, describe, did_you_mean, load_yaml
from ..survey.codebook import Codebook
from .decide import decide
from .engine import FactSet, Firing
from .knowledge.model import Knowledge
from .whynot import join, why

__all__ = [
    "ALPHA",
    "EXPECTATIONS",
    "Case",
    "CaseResult",
    "Expectation",
    "coverage",
    "load_cases",
    "neutral_facts",
    "read_cases",
    "run_cases",
    "test_files",
]

#: The significance level ``significant`` is derived with (the default ``--alpha``).
ALPHA = 0.05
#: What a case may expect: key → (what it compares, how it is said in a failure).
EXPECTATIONS = {
    "recommended": N_("recommended, in this order"),
    "recommended_any_order": N_("recommended, in any order"),
    "not_recommended": N_("not recommended"),
    "concluded": N_("concluded"),
    "not_concluded": N_("not concluded"),
}
_KEYS = ("name", "segment", "factors", "done", "evidence", *EXPECTATIONS)
_MEANS = ("users_mean", "non_users_mean", "mean")


@dataclass(frozen=True)
class Expectation:
    """One thing a case expects: ``kind`` a key of :data:`EXPECTATIONS`, and the ids."""

    kind: str
    ids: tuple[str, ...]
    pos: Pos


@dataclass(frozen=True)
class Case:
    """One test case: where it is, its name, the figures it gives, what it expects."""

    path: str
    pos: Pos
    name: str
    segment: Mapping[str, Any]
    factors: Mapping[str, Mapping[str, Any]]
    expectations: tuple[Expectation, ...]
    #: the interventions carried out since the previous survey (as ``--done``)
    done: tuple[str, ...] = ()
    #: the evidence ledger's figures: intervention → factor → figures; None: no ledger
    evidence: Mapping[str, Mapping[str, Mapping[str, Any]]] | None = None


@dataclass(frozen=True)
class CaseResult:
    """A case run: what was recommended and concluded, which rules fired, what failed."""

    case: Case
    recommended: tuple[str, ...]
    concluded: tuple[str, ...]
    firings: tuple[Firing, ...]
    #: the expectations that were not met
    failed: tuple[Expectation, ...] = field(default=())
    #: the facts the case became
    facts: FactSet | None = None

    @property
    def passed(self) -> bool:
        return not self.failed

    def got(self, expectation: Expectation) -> tuple[str, ...]:
        """What the run gave where ``expectation`` looked (for not_*: the ids it forbade
        that were there)."""
        recommended = "recommended" in expectation.kind
        given = self.recommended if recommended else self.concluded
        if expectation.kind.startswith("not_"):
            return tuple(i for i in expectation.ids if i in given)
        return given


# -- reading ---------------------------------------------------------------------------------


def test_files(folder: Path) -> list[Path]:
    """The test files of a knowledge-base folder (``tests/*.yaml`` and ``*.yml``), sorted."""
    tests = folder / "tests"
    if not tests.is_dir():
        return []
    return sorted(p for p in tests.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def load_cases(paths: Sequence[Path], knowledge: Knowledge) -> list[Case]:
    """Every case of the files, checked against the knowledge base; raises
    :class:`AdvisorError` carrying every problem of every file."""
    cases: list[Case] = []
    errors: list[AdvisorError] = []
    for path in paths:
        problems = Problems(str(path))
        try:
            data = load_yaml(path, N_("rule test cases"))
            cases.extend(read_cases(data, problems, knowledge))
        except AdvisorError as error:
            problems.errors.append(error)
        errors.extend(problems.errors)
    if errors:
        first = errors[0]
        first.problems = tuple(errors)
        raise first
    return cases


def read_cases(data: Any, problems: Problems, knowledge: Knowledge) -> list[Case]:
    """The cases of one parsed test file, every problem added to ``problems``."""
    top = problems.mapping(data, getattr(data, "pos", Pos(1, 1)), N_("a mapping with 'cases'"))
    if top is None:
        return []
    problems.keys(top, ("cases",), required=("cases",))
    entries = problems.non_empty_list(
        top, "cases", N_("'{key}' must be a non-empty list of test cases, found {found}")
    )
    if entries is None:
        return []
    cases = []
    names: dict[str, Pos] = {}
    for index, value in enumerate(entries):
        entry = problems.mapping(value, entries.where(index), N_("a test case (a mapping)"))
        if entry is None:
            continue
        case = _case(problems, knowledge, entry, index, names)
        if case is not None:
            cases.append(case)
    return cases


def _case(
    p: Problems, knowledge: Knowledge, entry: YMap, index: int, names: dict[str, Pos]
) -> Case | None:
    errors = len(p.errors)
    p.keys(entry, _KEYS)
    name = entry.get("name", f"#{index + 1}")
    if not isinstance(name, str) or not name.strip():
        p.add(N_("'name' must be a text, found {found}"), entry.where("name"), found=describe(name))
        name = f"#{index + 1}"
    elif name in names:
        p.add(
            N_("duplicate test case '{name}' (first given on line {first})"),
            entry.where("name"),
            name=name,
            first=names[name].line,
        )
    names.setdefault(name, entry.pos)
    segment = _figures(p, knowledge.codebook, SEGMENT, entry, "segment")
    factors: dict[str, dict[str, Any]] = {}
    if "factors" in entry:
        given = entry["factors"]
        if not isinstance(given, YMap):
            p.add(
                N_("'factors' must map factor ids to their figures, found {found}"),
                entry.where("factors"),
                found=describe(given),
            )
        else:
            for factor in given:
                if factor not in knowledge.codebook.factor_ids:
                    p.add(
                        N_("unknown factor '{factor}'{hint}"),
                        given.key_pos[factor],
                        factor=factor,
                        hint=did_you_mean(str(factor), knowledge.codebook.factor_ids),
                    )
                    continue
                factors[factor] = _figures(p, knowledge.codebook, COMPARISON, given, factor)
    done: tuple[str, ...] = ()
    if "done" in entry:
        done = _ids(p, entry, "done", knowledge.interventions, N_("intervention")) or ()
    evidence = _evidence(p, knowledge, entry) if "evidence" in entry else None
    expectations = []
    for kind in EXPECTATIONS:
        if kind not in entry:
            continue
        known = knowledge.interventions if "recommended" in kind else knowledge.rulebase.conclusions
        what = N_("intervention") if "recommended" in kind else N_("conclusion")
        ids = _ids(p, entry, kind, known, what)
        if ids is not None:
            expectations.append(Expectation(kind, ids, entry.key_pos[kind]))
    if not any(kind in entry for kind in EXPECTATIONS):
        p.add(
            N_("a test case must expect something: {keys}"),
            entry.pos,
            keys=", ".join(EXPECTATIONS),
        )
    if len(p.errors) > errors:
        return None
    return Case(p.path, entry.pos, name, segment, factors, tuple(expectations), done, evidence)


def _evidence(
    p: Problems, knowledge: Knowledge, entry: YMap
) -> dict[str, dict[str, dict[str, Any]]]:
    """A case's ``evidence``: intervention → factor it addresses → the ledger's figures."""
    given = entry["evidence"]
    out: dict[str, dict[str, dict[str, Any]]] = {}
    if not isinstance(given, YMap):
        p.add(
            N_(
                "'evidence' must map intervention ids to the factors they address and"
                " their figures, found {found}"
            ),
            entry.where("evidence"),
            found=describe(given),
        )
        return out
    for intervention_id, factors in given.items():
        intervention = knowledge.interventions.get(intervention_id)
        if intervention is None:
            p.add(
                N_("unknown intervention '{id}'{hint}"),
                given.key_pos[intervention_id],
                id=intervention_id,
                hint=did_you_mean(str(intervention_id), knowledge.interventions),
            )
            continue
        if not isinstance(factors, YMap):
            p.add(
                N_("'{id}' must map the factors it addresses to their figures, found {found}"),
                given.where(intervention_id),
                id=intervention_id,
                found=describe(factors),
            )
            continue
        for factor in factors:
            if factor not in intervention.factors:
                p.add(
                    N_("'{id}' does not address the factor '{factor}' (it addresses: {factors})"),
                    factors.key_pos[factor],
                    id=intervention_id,
                    factor=factor,
                    factors=", ".join(intervention.factors),
                )
                continue
            figures = _figures(p, knowledge.codebook, INTERVENTION, factors, factor)
            out.setdefault(intervention_id, {})[factor] = figures
    return out


def _ids(
    p: Problems, entry: YMap, key: str, known: Mapping[str, Any], what: str
) -> tuple[str, ...] | None:
    value = entry[key]
    if isinstance(value, str):
        items, positions = [value], [entry.where(key)]
    elif isinstance(value, YList):
        items, positions = list(value), list(value.item_pos)
    else:
        p.add(
            N_("'{key}' must be an id or a list of ids, found {found}"),
            entry.where(key),
            key=key,
            found=describe(value),
        )
        return None
    ok = True
    for item, pos in zip(items, positions, strict=True):
        if not isinstance(item, str):
            p.add(N_("expected an id, found {found}"), pos, found=describe(item))
            ok = False
        elif item not in known:
            p.add(
                N_("unknown {what} '{id}'{hint}"),
                pos,
                what=Message(what),
                id=item,
                hint=did_you_mean(item, known),
            )
            ok = False
    return tuple(items) if ok else None


def _figures(
    p: Problems, codebook: Codebook, kind: FactKind, parent: YMap, key: str
) -> dict[str, Any]:
    """The figures under ``parent[key]``, each checked against the vocabulary."""
    if key not in parent:
        return {}
    given = parent[key]
    if not isinstance(given, YMap):
        p.add(
            N_("expected the figures of {what} (a mapping of figure: value), found {found}"),
            parent.where(key),
            what=key,
            found=describe(given),
        )
        return {}
    figures: dict[str, Any] = {}
    fixed: tuple[str, ...] = ("factor", "label") if kind is COMPARISON else ()
    if kind is INTERVENTION:
        fixed = ("intervention", "title", "factor", "label")
    for name, value in given.items():
        f = kind.testable.get(name)
        pos = given.where(name)
        if f is None or name in fixed:
            choices = [n for n in kind.testable if n not in fixed]
            p.add(
                N_("unknown figure '{figure}' of {what}{hint}"),
                given.key_pos[name],
                figure=name,
                what=key,
                hint=did_you_mean(str(name), choices),
            )
            continue
        low, high = f.low, f.high
        if name in _MEANS:
            low, high = codebook.scale_min, codebook.scale_max
        if f.kind == "number":
            wrong = isinstance(value, bool) or not isinstance(value, (int, float))
            wrong = wrong or not math.isfinite(value)
            if wrong:
                p.add(
                    N_("'{figure}' must be a number, found {found}"),
                    pos,
                    figure=name,
                    found=describe(value),
                )
                continue
            if (low is not None and value < low) or (high is not None and value > high):
                p.add(
                    N_("'{figure}' must lie between {low} and {high}, found {value}"),
                    pos,
                    figure=name,
                    low=f"{low:g}" if low is not None else "-∞",
                    high=f"{high:g}" if high is not None else "∞",
                    value=value,
                )
                continue
        elif f.kind == "bool" and not isinstance(value, bool):
            p.add(
                N_("'{figure}' must be true or false, found {found}"),
                pos,
                figure=name,
                found=describe(value),
            )
            continue
        elif f.kind == "text" and (
            not isinstance(value, str) or (f.values and value not in f.values)
        ):
            p.add(
                N_("'{figure}' must be one of {choices}, found {found}")
                if f.values
                else N_("'{figure}' must be a text, found {found}"),
                pos,
                figure=name,
                choices=", ".join(f.values or ()),
                found=describe(value),
            )
            continue
        figures[name] = value
    return figures


# -- the facts of a case ---------------------------------------------------------------------


def neutral_facts(
    codebook: Codebook,
    segment: Mapping[str, Any] | None = None,
    factors: Mapping[str, Mapping[str, Any]] | None = None,
    lang: str = "en",
) -> FactSet:
    """A segment's facts: the figures given, the rest derived or neutral (see the module).

    Every factor of the codebook has a comparison, as in a survey where none is hidden;
    the change figures since a previous wave are there only where the case gives them.
    """
    segment = dict(segment or {})
    factors = factors or {}
    midpoint = (codebook.scale_min + codebook.scale_max) / 2
    # change figures exist only in a run over several waves: absent unless the case gives them
    seg = {name: f.neutral for name, f in SEGMENT.testable.items() if not f.change}
    seg.update(segment)
    if "overall" not in segment:
        seg["overall"] = seg["column"] == ""
    if "respondents" not in segment and ({"users", "non_users"} & segment.keys()):
        seg["respondents"] = seg["users"] + seg["non_users"]
    if "adoption_rate" not in segment and ({"users", "non_users", "respondents"} & segment.keys()):
        seg["adoption_rate"] = seg["users"] / seg["respondents"] if seg["respondents"] else None
    comparisons = []
    for factor in codebook.factors:
        given = factors.get(factor.id, {})
        fact = {name: f.neutral for name, f in COMPARISON.testable.items() if not f.change}
        fact.update({name: midpoint for name in _MEANS})
        fact["factor"], fact["label"] = factor.id, factor.label[lang]
        fact["direction"] = factor.direction
        fact.update(given)
        users, non_users = fact["users_mean"], fact["non_users_mean"]
        if "mean" not in given:
            n = fact["users_n"] + fact["non_users_n"]
            fact["mean"] = (
                (fact["users_n"] * users + fact["non_users_n"] * non_users) / n if n else None
            )
        if "gap" not in given:
            lag = users - non_users
            fact["gap"] = lag if factor.direction == "higher_is_better" else -lag
        if "significant" not in given:
            fact["significant"] = fact["p_holm"] < ALPHA
        if "effect_size" not in given:
            fact["effect_size"] = effect_size(fact["hedges_g"])
        comparisons.append(fact)
    order = sorted(range(len(comparisons)), key=lambda i: (-comparisons[i]["hedges_g"], i))
    for rank, index in enumerate(order, start=1):
        if "rank" not in factors.get(comparisons[index]["factor"], {}):
            comparisons[index]["rank"] = rank
    return FactSet(segment=seg, comparisons=comparisons)


# -- running ---------------------------------------------------------------------------------


def run_cases(knowledge: Knowledge, cases: Sequence[Case], lang: str = "en") -> list[CaseResult]:
    """Run every case through the engine and the ranking; one result per case, in order."""
    facts = [
        _with_evidence(
            knowledge,
            _carried_out(
                knowledge, neutral_facts(knowledge.codebook, c.segment, c.factors, lang), c, lang
            ),
            c,
            lang,
        )
        for c in cases
    ]
    if any(c.done for c in cases):  # --done holds for the whole run: one run per case
        decisions = [
            decide(knowledge, [f], lang, done=c.done)[0] for c, f in zip(cases, facts, strict=True)
        ]
    else:
        decisions = decide(knowledge, facts, lang)
    results = []
    for case, decision in zip(cases, decisions, strict=True):
        assert decision is not None  # a case always has facts
        fired, advised, fact_set = decision.firings, decision.advice, decision.facts
        recommended = tuple(r.intervention for r in advised.recommendations)
        concluded = tuple(dict.fromkeys(c.conclusion for c in advised.conclusions))
        result = CaseResult(case, recommended, concluded, tuple(fired), facts=fact_set)
        failed = tuple(e for e in case.expectations if not _met(e, result))
        results.append(
            CaseResult(case, recommended, concluded, tuple(fired), failed, fact_set)
            if failed
            else result
        )
    return results


def _carried_out(knowledge: Knowledge, facts: FactSet, case: Case, lang: str) -> FactSet:
    """A case's facts with ``done``: as ``--done`` gives them, ``acted_on`` and
    ``done_actions`` on the factors the interventions address (unless the case gives
    them)."""
    if not case.done:
        return facts
    interventions = [knowledge.interventions[i] for i in case.done]
    comparisons = []
    for fact in facts.comparisons:
        titles = [i.title[lang] for i in interventions if fact["factor"] in i.factors]
        given = case.factors.get(fact["factor"], {})
        if titles:
            fact = {**fact}
            if "acted_on" not in given:
                fact["acted_on"] = True
            if "done_actions" not in given:
                fact["done_actions"] = "”, “".join(titles)
        comparisons.append(fact)
    return FactSet(segment=facts.segment, comparisons=comparisons)


def _with_evidence(knowledge: Knowledge, facts: FactSet, case: Case, lang: str) -> FactSet:
    """A case's facts with its ``evidence``: one intervention fact per catalogue
    intervention and factor it addresses (figures not given: missing; clients: 0)."""
    if case.evidence is None:
        return facts
    labels = {f.id: f.label[lang] for f in knowledge.codebook.factors}
    offers = []
    for intervention in knowledge.interventions.values():
        for factor in intervention.factors:
            fact = {name: None for name in INTERVENTION.testable}
            fact.update(
                intervention=intervention.id,
                title=intervention.title[lang],
                factor=factor,
                label=labels.get(factor, factor),
                evidence_clients=INTERVENTION["evidence_clients"].neutral,
            )
            fact.update(case.evidence.get(intervention.id, {}).get(factor, {}))
            offers.append(fact)
    return FactSet(facts.segment, facts.comparisons, tuple(offers))


def _met(expectation: Expectation, result: CaseResult) -> bool:
    got = result.got(expectation)
    kind = expectation.kind
    if kind.startswith("not_"):
        return not got
    if kind == "recommended":
        return got == expectation.ids
    return set(got) == set(expectation.ids)


def coverage(knowledge: Knowledge, results: Sequence[CaseResult]) -> list[str]:
    """The ids of the rules that fired in no case, in file order."""
    fired = {firing.rule for result in results for firing in result.firings}
    return [rule.id for rule in knowledge.rules if rule.id not in fired]


def failure_message(result: CaseResult, expectation: Expectation) -> AdvisorError:
    """``file:line:col: case 'name': expected … ; got …`` for one unmet expectation."""
    got = result.got(expectation)
    none = Message(N_("nothing"))
    return AdvisorError(
        N_("case '{name}': expected {what}: {expected}; got: {got}"),
        path=result.case.path,
        line=expectation.pos.line,
        column=expectation.pos.column,
        name=result.case.name,
        what=Message(EXPECTATIONS[expectation.kind]),
        expected=", ".join(expectation.ids) if expectation.ids else none,
        got=", ".join(got) if got else none,
    )


def fired_summary(result: CaseResult) -> Message:
    """Which rules fired in a case, on which facts: ``rule (factor, factor), rule``."""
    if not result.firings:
        return Message(N_("fired: no rule"))
    parts = []
    for firing in result.firings:
        facts = [
            fact.id.split(":", 1)[1]
            for fact in firing.matched.values()
            if fact.kind in ("comparison", "conclusion", "intervention")
        ]
        parts.append(f"{firing.rule} ({', '.join(facts)})" if facts else firing.rule)
    return Message(N_("fired: {rules}"), {"rules": ", ".join(parts)})


def why_missing(knowledge: Knowledge, result: CaseResult) -> list[Message]:
    """For each intervention a failed expectation wanted and did not get: why not."""
    assert result.facts is not None
    wanted = [
        i
        for e in result.failed
        if e.kind in ("recommended", "recommended_any_order")
        for i in e.ids
        if i not in result.recommended
    ]
    out = []
    for intervention in dict.fromkeys(wanted):
        verdicts = why(knowledge, result.facts, result.firings, intervention, result.recommended)
        reasons = [
            Message("{rule}: {why}", {"rule": v.rule.id, "why": join(v.reasons, " / ")})
            for v in verdicts
        ] or [Message(N_("no rule recommends it"))]
        out.append(
            Message(
                N_("why not {intervention}: {reasons}"),
                {"intervention": intervention, "reasons": join(reasons)},
            )
        )
    return out
