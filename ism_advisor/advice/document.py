"""The advice document: the JSON contract that scripts and the report templates read.

``schema_version`` 1. Field names are a contract; see the README's "JSON output".
"""

from __future__ import annotations

import gc
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..core.jsonvalue import json_number, json_value, plain_column
from ..core.parallel import fork_map
from ..core.resources import file_name, packaged_path
from ..core.vocabulary import COMPARISON, Field
from ..protect.disclosure import Published
from ..protect.published_drivers import PublishedDrivers, significant, significant_array
from ..stats.drivers import ROUTE_COLUMNS
from ..survey import Survey
from .knowledge import Knowledge
from .recommend import DerivedConclusion, Reason, Recommendation, SegmentAdvice, priority_label

__all__ = [
    "SCHEMA_VERSION",
    "add_comments",
    "add_follow_up",
    "add_memory",
    "add_norms",
    "add_not_asked",
    "advice_document",
    "compared_with",
    "segment_label",
    "segment_noun",
    "to_json",
]

SCHEMA_VERSION = 1

_SEGMENT_COUNTS = ("respondents", "users", "non_users")


def advice_document(
    survey: Survey,
    published: Published,
    *,
    lang: str = "en",
    knowledge: Knowledge | None = None,
    advice: Sequence[SegmentAdvice] | None = None,
    drivers: PublishedDrivers | None = None,
    date: str | None = None,
) -> dict:
    """The document for one run: input, settings, factors, correlations, segments.

    ``settings.date`` is the report's ``date`` (``--date``; None without it), and
    ``knowledge.codebook_version`` the codebook's version (the store compares runs by it).

    It is made from the published figures only (hidden ones are null), so every output
    made from it (reports, per-segment reports, templates) shows no more than they do.

    With ``knowledge`` and ``advice`` (from :func:`~ism_advisor.advice.decide.advice_of`),
    each segment also carries its ranked ``recommendations`` and derived ``conclusions``;
    with ``drivers`` (from :func:`~ism_advisor.protect.published_drivers.analyse_drivers`), its
    ``drivers``, ``driver_model``, ``factor_correlations`` and ``routes``.
    """
    with _collector_paused():
        return _document(
            survey,
            published,
            lang=lang,
            knowledge=knowledge,
            advice=advice,
            drivers=drivers,
            date=date,
        )


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused (when it runs) while a block builds many
    small objects that form no cycle: a document of thousands of segments holds millions
    of dicts and lists, and the collector would walk them again and again (half the time
    of the document at 1,000 segments, measured). Reference counting frees them as ever."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _document(
    survey: Survey,
    published: Published,
    *,
    lang: str,
    knowledge: Knowledge | None,
    advice: Sequence[SegmentAdvice] | None,
    drivers: PublishedDrivers | None,
    date: str | None = None,
) -> dict:
    """:func:`advice_document`'s work."""
    factors = published.factors
    not_asked = survey.items_not_asked
    correlations = {
        a.id: {b.id: json_number(published.correlations.at[a.id, b.id]) for b in factors}
        for a in factors
    }
    compared = _comparisons(published.comparisons)  # rows: segment by segment
    per_segment = len(factors)
    by_segment = _driver_rows(drivers) if drivers is not None else {}
    reason = _reasons()
    segments = []
    table = published.segments.to_dict("records")
    labels: dict[tuple[str, ...], str] = {}
    for index, row in enumerate(table):
        suppressed = bool(row["suppressed"])
        spec = tuple(row["spec"])
        if spec and spec not in labels:
            labels[spec] = segment_label(survey, spec, lang)
        parent = row.get("parent")
        parent = None if parent is None or pd.isna(parent) else int(parent)
        entry: dict[str, Any] = {
            "column": None if pd.isna(row["column"]) else row["column"],
            "value": None if pd.isna(row["value"]) else row["value"],
            "label": labels.get(spec),
            "parent": None
            if not parent
            else {"column": table[parent]["column"], "value": table[parent]["value"]},
            "where": row["where"],
            "suppressed": suppressed,
            "suppressed_reason": row["suppressed_reason"],
        }
        for key in _SEGMENT_COUNTS:
            entry[key] = None if suppressed else int(row[key])
        entry["adoption_rate"] = None if suppressed else json_number(row["adoption_rate"])
        entry["comparisons"] = (
            [] if suppressed else compared[index * per_segment : (index + 1) * per_segment]
        )
        if drivers is not None:
            entry.update(_driver_entries(by_segment, index, suppressed))
        if knowledge is not None and advice is not None:
            entry["recommendations"] = [
                _recommendation(r, knowledge, lang, reason) for r in advice[index].recommendations
            ]
            entry["conclusions"] = [
                _conclusion(c, knowledge, lang, reason) for c in advice[index].conclusions
            ]
        segments.append(entry)
    return {
        "schema_version": SCHEMA_VERSION,
        "input": {
            "path": file_name(survey.path),
            "respondents": survey.respondents,
            "users": survey.users,
            "non_users": survey.respondents - survey.users,
            "excluded": survey.excluded,
            **_columns_read(survey),
        },
        "settings": {
            "alpha": published.alpha,
            "min_group_size": published.min_group_size,
            "segment_by": ["+".join(spec) for spec in published.segment_by],
            "lang": lang,
            "date": date,
        },
        "factors": [
            {
                "id": f.id,
                "label": f.label[lang],
                "short": f.short_label(lang),
                "definition": f.definition.get(lang, ""),
                "direction": f.direction,
                # only where the survey left out items the codebook has (their ids, and how
                # many items the factor has): the score and α rest on the others
                **(
                    {"items": len(f.items), "items_not_asked": list(not_asked[f.id])}
                    if f.id in not_asked
                    else {}
                ),
            }
            for f in factors
        ],
        "scale": {"min": survey.codebook.scale_min, "max": survey.codebook.scale_max},
        "correlations": correlations,
        **(
            {"knowledge": {**_sources(knowledge), "codebook_version": survey.codebook.version}}
            if knowledge is not None
            else {}
        ),
        "segments": segments,
    }


def segment_label(survey: Survey, spec: Sequence[str], lang: str) -> str:
    """The name of a segmentation in ``lang`` for titles and labels: each column's
    segment question's label in the codebook (its column name without one), a
    combination's joined by " / " as its values are ("Organisatie / Afdeling")."""
    names = []
    for column in spec:
        question = survey.codebook.segment(column)
        names.append(column if question is None else question.name(lang))
    return " / ".join(names)


def compared_with(document: dict, segment: int) -> int:
    """The segment a segment is compared with: its parent (``parent``: a department's
    own organisation), or the nearest shown segment above it when the parent is hidden;
    all respondents (0) at the top of a hierarchy and for a segment without a parent."""
    segments = document["segments"]
    parent = segments[segment].get("parent")
    if parent is None:  # no lookup table for a run without a hierarchy
        return 0
    rows = {(s["column"], s["value"]): i for i, s in enumerate(segments) if i}
    seen = {segment}
    while parent is not None:
        index = rows.get((parent["column"], parent["value"]))
        if index is None or index in seen:
            break
        if not segments[index]["suppressed"]:
            return index
        seen.add(index)
        parent = segments[index].get("parent")
    return 0


def segment_noun(entry: dict) -> str:
    """What one segment of ``entry``'s segmentation (not all respondents) is called in
    running text: its label's last part ("Afdeling" for "Organisatie / Afdeling"), lower
    case unless an abbreviation ("afdeling", "ICT")."""
    label = entry.get("label") or entry["column"]
    noun = label.rsplit(" / ", 1)[-1].strip()
    return noun if noun.isupper() else noun[:1].lower() + noun[1:]


def add_follow_up(document: dict, follow: Any, knowledge: Knowledge, lang: str) -> None:
    """Add a run over several waves to the latest wave's document (in place, before anyone
    else sees it): ``waves`` at the top, and per segment ``changes``, ``adoption`` and
    ``adoption_change`` (between the last two waves; null when not shown in both). Only
    such runs have these keys: a run over one file keeps the document it always had."""
    document["waves"] = {
        "names": list(follow.waves),
        "files": [file_name(f) for f in follow.files],
        "left_out": list(follow.left_out),
        "rules": list(follow.rules),
        "done": [
            {"intervention": i, "title": knowledge.interventions[i].title[lang]}
            for i in follow.done
        ],
    }
    for segment, entry in zip(document["segments"], follow.segments, strict=True):
        segment["changes"] = entry["changes"]
        segment["adoption"] = entry["adoption"]
        segment["adoption_change"] = entry["adoption_change"]
        segment["trend"] = entry["trend"]
        segment["done"] = done_effects(document, follow, entry, knowledge, lang)


def add_norms(document: dict, norms: Mapping[str, Any]) -> None:
    """Add the client's comparison with the other organisations in the store (``--norms``;
    :func:`~ism_advisor.stats.norms.compute_norms`) as ``norms`` (in place). Only such runs
    have the key: a run without ``--norms`` keeps the document it always had."""
    document["norms"] = json.loads(json.dumps(norms, allow_nan=False))  # a JSON-safe copy


def add_comments(
    document: dict, summary: Mapping[str, Any], segments: Sequence[Mapping[str, Any] | None]
) -> None:
    """Add the open comments (``--comments``; :mod:`ism_advisor.protect.comments`) in
    place: ``comments`` (the columns read, the threshold, the comments counted, the codes
    and the emerging themes) and each segment's ``comments`` (None for a hidden segment,
    else its ``non_users`` and ``users`` groups). Only such runs have the keys: a run
    without ``--comments`` keeps the document it always had."""
    document["comments"] = json.loads(json.dumps(summary, allow_nan=False))
    for entry, comments in zip(document["segments"], segments, strict=True):
        entry["comments"] = json.loads(json.dumps(comments, allow_nan=False))


#: The fields of a change in a segment's ``done`` list (from its ``changes`` entry).
DONE_CHANGE_FIELDS = ("from_mean", "to_mean", "difference", "ci_low", "ci_high", "p_holm")


def done_effects(
    document: Mapping[str, Any],
    follow: Any,
    entry: Mapping[str, Any],
    knowledge: Knowledge,
    lang: str,
) -> list[dict[str, Any]]:
    """What each intervention carried out (``--done``) did in one segment: per factor it
    addresses (the catalogue's ``factors``), the non-users' change and the gap's change
    between the last two waves, and the ``outcome`` the follow-up rules saw (improved,
    no_change, worse), or ``hidden`` (the change is not shown: anonymity) or
    ``not_measured`` (the factor has no scores in some wave, or is not in the codebook)."""
    measured = {f["id"] for f in document["factors"]} - set(follow.left_out)
    last = (follow.waves[-2], follow.waves[-1])
    rows = {
        (c["factor"], c["group"]): c
        for c in entry["changes"]
        if (c["from_wave"], c["to_wave"]) == last
    }
    out = []
    for intervention in follow.done:
        factors = []
        for factor in knowledge.interventions[intervention].factors:
            non_users, gap = rows.get((factor, "non_users")), rows.get((factor, "gap"))
            if factor not in measured:
                outcome = "not_measured"
            elif non_users is None or gap is None:
                outcome = "hidden"
            else:
                outcome = entry["outcomes"].get(factor, "not_measured")
            factors.append(
                {
                    "factor": factor,
                    "outcome": outcome,
                    "non_users": _change(non_users),
                    "gap": _change(gap),
                }
            )
        out.append(
            {
                "intervention": intervention,
                "title": knowledge.interventions[intervention].title[lang],
                "factors": factors,
            }
        )
    return out


def _change(row: Mapping[str, Any] | None) -> dict[str, Any] | None:
    return None if row is None else {name: row[name] for name in DONE_CHANGE_FIELDS}


def add_memory(document: dict, checked: Sequence[dict]) -> None:
    """``memory`` of a run with publication memory (a store, ``--client``, no
    ``--no-memory``; in place): ``checked``, the client's earlier runs on the same
    respondents this run's cells were checked against (per run its ``run`` id,
    ``segment_by`` and ``min_group_size``; :mod:`ism_advisor.protect.memory`), and
    ``recorded``: this run's cells are recorded once its outputs are written. Runs
    without memory have no such key."""
    document["memory"] = {
        "checked": [
            {
                "run": str(run["run"]),
                "segment_by": [list(spec) for spec in run["segment_by"]],
                "min_group_size": int(run["min_group_size"]),
            }
            for run in checked
        ],
        "recorded": True,
    }


def add_not_asked(document: dict, waves: Sequence[tuple[str, Survey]]) -> None:
    """``waves.not_asked`` of a run over several waves (in place): per wave, in time order,
    the factors it did not ask (no respondent has a score), in the codebook's order. The
    latest wave's comparisons of such a factor have ``suppressed_reason`` "not_asked"."""
    document["waves"]["not_asked"] = {name: list(survey.not_asked) for name, survey in waves}


def _columns_read(survey: Survey) -> dict[str, Any]:
    """For a survey tool's export or a mapping file: the layout, and which column fed what
    (a plain CSV's columns are named after what they feed)."""
    source = survey.source
    if source is None or (source.format == "csv" and not source.mapping):
        return {}
    out: dict[str, Any] = {"format": source.format}
    if source.mapping:
        out["mapping"] = file_name(source.mapping)
    out["columns"] = [{"column": column, "use": use} for column, use in source.columns]
    return out


def _sources(knowledge: Knowledge) -> dict[str, str]:
    """Which knowledge-base files were used, by file name; packaged ones as ``<packaged>/name``."""
    packaged = packaged_path("rules")
    out = {}
    for key, path in zip(("codebook", "rules", "interventions"), knowledge.files, strict=True):
        ours = Path(path).parent == packaged
        out[key] = f"<packaged>/{Path(path).name}" if ours else file_name(path)
    return out


def _reasons() -> Callable[[Reason], dict[str, Any]]:
    """A reason as the document has it: rule, text and the figures of the facts it
    matched. Each matched fact is converted once (every firing that matched it shares its
    figures: a segment's fact is matched by several rules); each reason gets its own
    dicts, so a reader may change one without changing another."""
    converted: dict[int, tuple[Mapping[str, Any], dict[str, Any]]] = {}

    def reason(found: Reason) -> dict[str, Any]:
        matched = {}
        for name, fact in found.matched.items():
            hit = converted.get(id(fact))
            if hit is None or hit[0] is not fact:
                hit = (fact, {k: json_value(v) for k, v in fact.items()})
                converted[id(fact)] = hit
            matched[name] = dict(hit[1])
        return {"rule": found.rule, "because": found.because, "matched": matched}

    return reason


def _recommendation(
    recommendation: Recommendation,
    knowledge: Knowledge,
    lang: str,
    reason: Callable[[Reason], dict[str, Any]],
) -> dict:
    intervention = knowledge.interventions[recommendation.intervention]
    return {
        "intervention": intervention.id,
        "title": intervention.title[lang],
        "priority": priority_label(recommendation.priority),
        "priority_value": recommendation.priority,
        "effect": json_number(recommendation.effect),
        "rules": list(recommendation.rules),
        "because": list(recommendation.because),
        "factors": list(recommendation.factors),
        "evidence": list(intervention.evidence),
        "description": intervention.description[lang],
        "steps": list(intervention.steps[lang]),
        "owner": intervention.owner,
        "effort": intervention.effort,
        "horizon": intervention.horizon,
        "explanation": [reason(r) for r in recommendation.reasons],
    }


def _conclusion(
    conclusion: DerivedConclusion,
    knowledge: Knowledge,
    lang: str,
    reason: Callable[[Reason], dict[str, Any]],
) -> dict:
    return {
        "conclusion": conclusion.conclusion,
        "label": knowledge.conclusions[conclusion.conclusion].label[lang],
        **reason(conclusion.reason),
    }


def _numbers(table: pd.DataFrame, name: str) -> list[float | int | None]:
    """:func:`_model_number` of every value of a column; a float column rounded as a whole
    (:func:`~ism_advisor.protect.published_drivers.significant_array`)."""
    column = table[name]
    if column.dtype != np.float64:
        return [_model_number(v) for v in plain_column(table, name)]
    values = column.to_numpy(dtype=np.float64)
    finite = np.isfinite(values)
    rounded = significant_array(values).tolist()
    if finite.all():
        return rounded
    return [v if ok else None for v, ok in zip(rounded, finite.tolist(), strict=True)]


def _values(table: pd.DataFrame, name: str) -> list[Any]:
    """:func:`_model_value` of every value of a column (a float column as :func:`_numbers`)."""
    if table[name].dtype == np.float64:
        return _numbers(table, name)
    return [_model_value(v) for v in plain_column(table, name)]


def _whole(values: list[Any]) -> list[int | None]:
    """Whole numbers as the JSON has them (None where missing)."""
    return [None if pd.isna(v) else int(v) for v in values]


def _by_segment(table: pd.DataFrame, entries: Iterable[Any]) -> dict[int, list[Any]]:
    """``entries`` (one per row of ``table``) grouped by the rows' segment, in row order."""
    grouped: dict[int, list[Any]] = {}
    for segment, entry in zip(plain_column(table, "segment"), entries, strict=True):
        grouped.setdefault(int(segment), []).append(entry)
    return grouped


def _driver_rows(drivers: PublishedDrivers) -> dict[str, dict[int, list[Any]]]:
    """The driver tables' JSON entries by segment, made column by column (thousands of
    segments): each table's figures are converted once, in one pass per column."""
    table = drivers.drivers
    figures = zip(*(_numbers(table, key) for key in _DRIVER_FIGURES), strict=True)
    rows = [
        {
            "factor": factor,
            **dict(zip(_DRIVER_FIGURES, numbers, strict=True)),
            "beats_noise": beats,
            "rank": rank,
            "quadrant": quadrant,
        }
        for factor, numbers, beats, rank, quadrant in zip(
            plain_column(table, "factor"),
            figures,
            plain_column(table, "beats_noise"),
            _whole(plain_column(table, "rank")),
            plain_column(table, "quadrant"),
            strict=True,
        )
    ]
    pairs = drivers.correlations
    correlations = [
        {
            "factor_a": a,
            "factor_b": b,
            "n": int(n),
            "r": r,
            "r_ci": [low, high],
            "p": p,
            "spearman_rho": rho,
            "spearman_p": rho_p,
        }
        for a, b, n, r, low, high, p, rho, rho_p in zip(
            plain_column(pairs, "factor_a"),
            plain_column(pairs, "factor_b"),
            plain_column(pairs, "n"),
            *(
                _numbers(pairs, key)
                for key in ("r", "r_ci_low", "r_ci_high", "p", "spearman_rho", "spearman_p")
            ),
            strict=True,
        )
    ]
    routes = drivers.routes
    route_entries = (
        [
            dict(zip(_ROUTE_FIGURES, values, strict=True))
            for values in zip(*(_values(routes, key) for key in _ROUTE_FIGURES), strict=True)
        ]
        if len(routes)
        else []
    )
    models = drivers.models
    model_entries = [
        {
            "n": n,
            "r2_mcfadden": mcfadden,
            "r2_nagelkerke": nagelkerke,
            "r2_o": r2_o,
            "warnings": [_model_value(w) for w in warnings],
            "reason": reason,
        }
        for n, mcfadden, nagelkerke, r2_o, warnings, reason in zip(
            _whole(plain_column(models, "n")),
            _numbers(models, "r2_mcfadden"),
            _numbers(models, "r2_nagelkerke"),
            _numbers(models, "r2_o"),
            plain_column(models, "warnings"),
            plain_column(models, "reason"),
            strict=True,
        )
    ]
    return {
        "drivers": _by_segment(table, rows),
        "correlations": _by_segment(pairs, correlations),
        "routes": _by_segment(routes, route_entries),
        "models": {i: [entry] for i, entry in enumerate(model_entries)},
    }


def _driver_entries(
    by_segment: dict[str, dict[int, list[Any]]],
    index: int,
    suppressed: bool,
) -> dict[str, Any]:
    """A segment's driver figures: the model, per factor, the factors' correlations and
    the indirect routes (empty lists and a null model for a hidden segment)."""
    if suppressed:
        return {"drivers": [], "driver_model": None, "factor_correlations": [], "routes": []}
    (model,) = by_segment["models"][index]
    return {
        "drivers": by_segment["drivers"].get(index, []),
        "driver_model": model,
        "factor_correlations": by_segment["correlations"].get(index, []),
        "routes": by_segment["routes"].get(index, []),
    }


_DRIVER_FIGURES = (
    "odds_ratio",
    "ci_low",
    "ci_high",
    "p",
    "weight",
    "weight_ci_low",
    "weight_ci_high",
    "noise_diff_ci_low",
    "noise_diff_ci_high",
)
#: A route's figures in the JSON: the driver analysis's, without its segment.
_ROUTE_FIGURES = ROUTE_COLUMNS[1:]


def _comparisons(table: pd.DataFrame) -> list[dict[str, Any]]:
    """Every comparison as the document has it, made column by column: each figure of the
    statistics under its JSON name; the two ends of an interval as one pair (null when the
    interval is missing)."""
    keys = ["factor", "suppressed", "suppressed_reason"]
    columns: list[list[Any]] = [
        plain_column(table, "factor"),
        [bool(v) for v in plain_column(table, "suppressed")],
        plain_column(table, "suppressed_reason"),
    ]
    for key, figures in _COMPARISON_PLAN:
        keys.append(key)
        converted = [_converted(table, name, convert) for name, convert in figures]
        if len(converted) == 1:
            columns.append(converted[0])
        else:
            columns.append(
                [None if ends[0] is None else list(ends) for ends in zip(*converted, strict=True)]
            )
    return [dict(zip(keys, values, strict=True)) for values in zip(*columns, strict=True)]


def _converted(table: pd.DataFrame, name: str, convert: Callable[[Any], Any]) -> list[Any]:
    """``convert`` of every value of a column; a float column's finite values (the most)
    are their own :func:`~ism_advisor.core.jsonvalue.json_number`."""
    values = plain_column(table, name)
    if convert is json_number and table[name].dtype == np.float64:
        finite = np.isfinite(table[name].to_numpy(dtype=np.float64))
        if finite.all():
            return values
        return [v if ok else None for v, ok in zip(values, finite.tolist(), strict=True)]
    return [convert(v) for v in values]


def _json_figures() -> dict[str, tuple[str, ...]]:
    """The comparison's JSON names → the statistics' figures written under each, in order
    (two for an interval's ends)."""
    out: dict[str, tuple[str, ...]] = {}
    for name in COMPARISON.columns:
        key = COMPARISON[name].json
        if key is not None:
            out[key] = (*out.get(key, ()), name)
    return out


_JSON_FIGURES = _json_figures()


def _converter(figure: Field) -> Callable[[Any], Any]:
    """How one figure is written: a flag as true/false/null, a count as a whole number,
    anything else as :func:`~ism_advisor.core.jsonvalue.json_number`. Chosen once per
    figure, not per value (the document converts some 35,000 comparisons × 19 figures at
    5,000 segments)."""
    if figure.kind == "bool":
        return lambda value: None if pd.isna(value) else bool(value)
    if figure.kind == "text":
        return lambda value: None if value is None or value != value else str(value)
    if figure.format == "count":
        return lambda value: None if (number := json_number(value)) is None else int(number)
    return json_number


def _model_number(value: Any) -> float | int | None:
    """A driver-analysis figure for the JSON:
    :func:`~ism_advisor.core.jsonvalue.json_number`, at
    :data:`~ism_advisor.protect.published_drivers.MODEL_DIGITS` significant digits (the driver stage
    rounds its figures already; rounding again changes nothing)."""
    number = json_number(value)
    if isinstance(number, float):
        return significant(number)
    return number


def _model_value(value: Any) -> Any:
    """Plain JSON of a driver-analysis value (a warning, a route's field): dicts, tuples
    and numpy scalars as dicts, lists and Python numbers, every float rounded as
    :func:`_model_number` rounds it."""
    if isinstance(value, dict):
        return {k: _model_value(v) for k, v in value.items()}
    if isinstance(value, (tuple, list, np.ndarray)):
        return [_model_value(v) for v in value]
    plain = json_value(value)
    return _model_number(plain) if isinstance(plain, float) else plain


#: (JSON name, ((figure, converter), ...)) per comparison key, in the document's order
_COMPARISON_PLAN = tuple(
    (key, tuple((name, _converter(COMPARISON[name])) for name in names))
    for key, names in _JSON_FIGURES.items()
)


# From this many segments on, their JSON text is made by several processes (forking and
# handing back the text cost about 0.05 s; encoding costs about 0.35 ms per segment).
PARALLEL_JSON_SEGMENTS = 400


def to_json(document: dict, *, workers: int = 1) -> str:
    """The document as compact JSON text (UTF-8, one trailing newline).

    Compact, because json's C encoder does not indent: a survey with thousands of
    segments encodes ten times faster. ``python -m json.tool`` shows it indented.
    With ``workers`` > 1 and at least :data:`PARALLEL_JSON_SEGMENTS` segments, the
    segments are encoded in contiguous pieces on forked processes and joined: the same
    text, byte for byte, as one ``json.dumps`` (the compact encoder writes a list as
    ``[`` + its items joined by ``,`` + ``]``, and a dict likewise).
    """
    segments = document.get("segments")
    if workers <= 1 or not isinstance(segments, list) or len(segments) < PARALLEL_JSON_SEGMENTS:
        return _dumps(document) + "\n"
    size = -(-len(segments) // workers)
    pieces = [segments[start : start + size] for start in range(0, len(segments), size)]
    encoded = fork_map(lambda piece: _dumps(piece)[1:-1], pieces, workers)
    parts = [
        f"{_dumps(key)}:{'[' + ','.join(encoded) + ']' if key == 'segments' else _dumps(value)}"
        for key, value in document.items()
    ]
    return "{" + ",".join(parts) + "}\n"


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
