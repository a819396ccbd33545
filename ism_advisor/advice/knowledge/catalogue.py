"""The intervention catalogue (``rules/interventions.yaml``): the actions rules recommend.

Each entry names an action, the factors it addresses, its texts in Dutch and English,
its steps, owner, effort, time horizon and the evidence it rests on. This module reads a
catalogue into :class:`~.model.Intervention` objects and reports every problem with its
position.
"""

from __future__ import annotations

from typing import Any

from ...core.errors import N_, P_
from ...core.i18n import LANGUAGES
from ...core.shapes import Choice, Custom, Entries, Id, Ids, Shape, TextList, Texts
from ...core.yamlfile import Pos, Problems, YList, YMap, describe
from ...survey.codebook import Codebook
from .conditions import check_factor
from .model import Intervention

__all__ = ["CATALOGUE", "EFFORTS", "HORIZONS", "INTERVENTION", "OWNERS", "read_catalogue"]

OWNERS = ("management", "communications", "it", "hr", "community_manager", "team_leads")
EFFORTS = ("low", "medium", "high")
HORIZONS = ("short", "medium", "long")

#: Steps: a list of texts per language, as many in each.
_STEPS_SCHEMA = {
    "type": "object",
    "properties": {
        lang: {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1}
        for lang in LANGUAGES
    },
    "required": list(LANGUAGES),
    "additionalProperties": False,
}

#: One intervention.
INTERVENTION = Shape(
    N_("an intervention (a mapping)"),
    id=Id(N_("intervention"), "The intervention's id, named by rules.", required=True),
    factors=Ids("The factors it addresses (ids from the codebook).", required=True),
    title=Texts("Its title, in Dutch and English.", required=True),
    description=Texts("What it is and why it works.", required=True),
    steps=Custom("The concrete steps, per language.", required=True, schema=_STEPS_SCHEMA),
    owner=Choice(OWNERS, "Who owns it.", required=True),
    effort=Choice(EFFORTS, "How much effort it takes.", required=True),
    horizon=Choice(
        HORIZONS,
        "Its time horizon: short (within a month), medium (1-3 months), long (3-12 months).",
        required=True,
    ),
    evidence=TextList(
        "The sources it rests on.",
        required=True,
        message=N_("'evidence' must be a non-empty list of sources, found {found}"),
    ),
)

#: The catalogue file.
CATALOGUE = Shape(
    N_("a mapping with 'interventions'"),
    interventions=Entries(
        INTERVENTION,
        "The actions rules may recommend.",
        required=True,
        message=N_("'interventions' must be a non-empty list, found {found}"),
    ),
)


def read_catalogue(
    data: Any, problems: Problems, codebook: Codebook
) -> dict[str, Intervention] | None:
    """The catalogue's interventions by id; None when it has no list of interventions
    (then rules are not checked against it)."""
    top = CATALOGUE.mapping(problems, data, getattr(data, "pos", Pos(1, 1)))
    if top is None:
        return None
    entries = CATALOGUE.read(problems, top, "interventions")
    if entries is None:
        return None
    catalogue: dict[str, Intervention] = {}
    seen: dict[str, Pos] = {}
    for index, value in enumerate(entries):
        entry = INTERVENTION.mapping(problems, value, entries.where(index))
        if entry is None:
            continue
        intervention = _intervention(problems, codebook, entry, seen)
        if intervention.id:
            catalogue[intervention.id] = intervention
    return catalogue


def _intervention(
    p: Problems, codebook: Codebook, entry: YMap, seen: dict[str, Pos]
) -> Intervention:
    shape = INTERVENTION
    intervention_id = shape.read(p, entry, "id", seen=seen)
    factors = []
    for factor, pos in shape.read(p, entry, "factors"):
        check_factor(p, codebook, factor, pos)
        factors.append(factor)
    return Intervention(
        id=intervention_id,
        factors=tuple(factors),
        title=shape.read(p, entry, "title"),
        description=shape.read(p, entry, "description"),
        steps=_steps(p, entry),
        owner=shape.read(p, entry, "owner"),
        effort=shape.read(p, entry, "effort"),
        horizon=shape.read(p, entry, "horizon"),
        evidence=shape.read(p, entry, "evidence"),
        pos=entry.where("id"),
    )


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
            P_(
                "'steps' has {n} step in nl but {en} in en",
                "'steps' has {n} steps in nl but {en} in en",
            ),
            entry.where("steps"),
            n=len(out["nl"]),
            en=len(out["en"]),
        )
    return out
