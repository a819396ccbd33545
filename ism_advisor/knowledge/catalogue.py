"""The intervention catalogue (``rules/interventions.yaml``): the actions rules recommend.

Each entry names an action, the factors it addresses, its texts in Dutch and English,
its steps, owner, effort, time horizon and the evidence it rests on. This module reads a
catalogue into :class:`~.model.Intervention` objects and reports every problem with its
position.
"""

from __future__ import annotations

from typing import Any

from ..codebook import Codebook
from ..errors import N_
from ..i18n import LANGUAGES
from ..yamlfile import Pos, Problems, YList, YMap, describe, did_you_mean
from .conditions import check_factor
from .model import Intervention

__all__ = ["EFFORTS", "HORIZONS", "OWNERS", "read_catalogue"]

OWNERS = ("management", "communications", "it", "hr", "community_manager", "team_leads")
EFFORTS = ("low", "medium", "high")
HORIZONS = ("short", "medium", "long")

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


def read_catalogue(
    data: Any, problems: Problems, codebook: Codebook
) -> dict[str, Intervention] | None:
    """The catalogue's interventions by id; None when it has no list of interventions
    (then rules are not checked against it)."""
    p = problems
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
        intervention = _intervention(p, codebook, entry, seen)
        if intervention.id:
            catalogue[intervention.id] = intervention
    return catalogue


def _intervention(
    p: Problems, codebook: Codebook, entry: YMap, seen: dict[str, Pos]
) -> Intervention:
    p.keys(entry, _INTERVENTION_KEYS, required=_INTERVENTION_KEYS)
    intervention_id = p.identifier(entry, seen, N_("intervention"))
    factors = []
    if "factors" in entry:
        for factor, pos in _id_list(p, entry, "factors"):
            check_factor(p, codebook, factor, pos)
            factors.append(factor)
    return Intervention(
        id=intervention_id,
        factors=tuple(factors),
        title=p.texts(entry, "title"),
        description=p.texts(entry, "description"),
        steps=_steps(p, entry),
        owner=_choice(p, entry, "owner", OWNERS),
        effort=_choice(p, entry, "effort", EFFORTS),
        horizon=_choice(p, entry, "horizon", HORIZONS),
        evidence=_evidence(p, entry),
    )


def _id_list(p: Problems, mapping: YMap, key: str) -> list[tuple[str, Pos]]:
    value = mapping.get(key)
    if isinstance(value, str):
        return [(value, mapping.where(key))]
    if isinstance(value, YList) and value and all(isinstance(v, str) for v in value):
        return [(v, value.where(i)) for i, v in enumerate(value)]
    p.add(
        N_("'{key}' must be an id or a list of ids, found {found}"),
        mapping.where(key),
        key=key,
        found=describe(value),
    )
    return []


def _choice(p: Problems, mapping: YMap, key: str, choices: tuple[str, ...]) -> str:
    value = mapping.get(key)
    if key not in mapping:
        return ""
    if value not in choices:
        p.add(
            N_("'{key}' must be one of {choices}, found {found}{hint}"),
            mapping.where(key),
            key=key,
            choices=", ".join(choices),
            found=describe(value),
            hint=did_you_mean(str(value), choices),
        )
        return ""
    return value


def _steps(p: Problems, entry: YMap) -> dict[str, tuple[str, ...]]:
    value = entry.get("steps")
    if "steps" not in entry:
        return {}
    if not isinstance(value, YMap):
        p.add(
            N_("'steps' must give a list of steps per language (nl: […], en: […]), found {found}"),
            entry.where("steps"),
            found=describe(value),
        )
        return {}
    p.keys(value, LANGUAGES, required=LANGUAGES)
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
            p.add(
                N_("'steps' in '{lang}' must be a non-empty list of texts, found {found}"),
                value.where(lang),
                lang=lang,
                found=describe(steps),
            )
            continue
        out[lang] = tuple(s.strip() for s in steps)
    if "nl" in out and "en" in out and len(out["nl"]) != len(out["en"]):
        p.add(
            N_("'steps' has {nl} steps in nl but {en} in en"),
            entry.where("steps"),
            nl=len(out["nl"]),
            en=len(out["en"]),
        )
    return out


def _evidence(p: Problems, entry: YMap) -> tuple[str, ...]:
    value = entry.get("evidence")
    if "evidence" not in entry:
        return ()
    if (
        not isinstance(value, YList)
        or not value
        or not all(isinstance(v, str) and v.strip() for v in value)
    ):
        p.add(
            N_("'evidence' must be a non-empty list of sources, found {found}"),
            entry.where("evidence"),
            found=describe(value),
        )
        return ()
    return tuple(v.strip() for v in value)
