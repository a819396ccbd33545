"""Publication memory: a client's earlier runs' cells, checked together with a new run's.

Two runs on the same respondents, each safe on its own, can together disclose a person:
a run by team next to a run by team and location gives, by subtraction, the figures of
whoever is alone in a team at one location. With a store (:mod:`ism_advisor.store`), every
run of a client leaves a *record* of what it published (:func:`published_cells`: its
segmentations, minimum group size, and per shown segment and shown comparison its
definition and counts — no mean, no answer, nothing that was not published), and a new
run is decided against the records (:func:`ism_advisor.protect.disclosure.publish` with
``earlier``):

* A record *applies* when it was made on the same respondents: every cell it shows,
  recomputed on this run's data, has the counts it recorded (and the data has its
  segment columns). Its cells are then fixed: a cell it showed is published, whatever this
  run decides; one it hid stays unpublished.
* The run's own cells are decided as always, with the same model and solver, over the
  union of this run's segmentations and those of the applying records (the survey is
  read with their columns too), so that the union of all cells ever published discloses
  no set of 1 to k − 1 respondents (k: this run's minimum). Only this run's cells that no
  earlier run showed may be hidden for that; the earlier runs' extra segments are left
  out of what is returned.
* A record whose overall counts differ from this data by fewer than k users or
  non-users (but not by none) is the same survey with a few people added or removed:
  the two overall figures, side by side, would give those people's answers. The run
  stops with a message naming ``--no-memory`` (:func:`applying`): the consultant decides
  (a corrected file is usually a reason to remove the earlier entry, not to publish
  both).
* Any other record (other overall counts, a cell whose counts differ, a segment column
  this data lacks) is of other data: another wave, whose respondents are other answers,
  or another survey. It is not applied.
* A run over several waves checks each wave against the records of its data; only the
  latest wave (the run's own data) refuses a near miss, and a record that applies to one
  of the run's earlier waves is that wave's, not a near miss of the latest. (A run over
  several waves reads its segment columns only: an earlier run by a column it does not
  segment by cannot apply to it.) The run is recorded with its latest wave's cells.

What is not covered: sets that the earlier runs disclose on their own (runs made before
memory, or with a lower minimum group size) are out already and cannot be taken back —
the check passes over a derivation that uses no cell of this run; data changed so that
every recorded count stays the same (a person swapped for another in the same cells) is
taken for the same respondents; two waves of one client are not compared (their
respondents are other answers); and a new wave whose users and non-users each differ by
fewer than k from an earlier run's is refused like a corrected file (the conservative
reading: the counts cannot tell the two apart), until the earlier entry is removed or
the run is made with ``--no-memory``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..core.digest import json_digest
from ..core.errors import N_, P_, AdvisorError, Message
from ..stats.compare import Comparison
from ..stats.segments import segment_codes
from ..survey import Survey
from .patterns import Model

__all__ = ["Earlier", "applying", "checked_runs", "published_cells", "union_model"]

#: The record's format: a record of another format is not applied.
RECORD_FORMAT = 1

#: (columns, values) of a segment; ((), ()) for all respondents.
Key = tuple[tuple[str, ...], tuple[str, ...]]


def published_cells(published: Any) -> dict:
    """The record of a run: what ``published`` (a
    :class:`~ism_advisor.protect.disclosure.Published`) shows, and nothing else.

    ``{"format": 1, "run": <12 hex>, "segment_by": [[column, ...], ...],
    "min_group_size": k, "segments": [{"columns": [...], "values": [...], "users": u,
    "non_users": n}, ...], "comparisons": [{"columns": [...], "values": [...],
    "factor": id, "users": n, "non_users": n}, ...]}``: the shown segments (all
    respondents first: no columns) with their counts and the shown comparisons with the
    number of users and non-users who answered the factor, sorted; ``run`` is a hash of the
    rest, so that the same run gives the same record.
    """
    segments = published.segments
    keys: list[Key | None] = []
    cells = []
    for row in segments.itertuples(index=False):
        if row.suppressed:
            keys.append(None)
            continue
        key = _key_of(row.spec, row.where)
        keys.append(key)
        cells.append(
            {
                "columns": list(key[0]),
                "values": list(key[1]),
                "users": int(row.users),
                "non_users": int(row.non_users),
            }
        )
    comparisons = []
    for row in published.comparisons.itertuples(index=False):
        key = keys[int(row.segment)]
        if key is None or row.suppressed:
            continue
        comparisons.append(
            {
                "columns": list(key[0]),
                "values": list(key[1]),
                "factor": str(row.factor),
                "users": int(row.users_n),
                "non_users": int(row.non_users_n),
            }
        )
    body: dict[str, Any] = {
        "format": RECORD_FORMAT,
        "segment_by": [list(spec) for spec in published.segment_by],
        "min_group_size": int(published.min_group_size),
        "segments": sorted(cells, key=lambda c: (c["columns"], c["values"])),
        "comparisons": sorted(comparisons, key=lambda c: (c["columns"], c["values"], c["factor"])),
    }
    body["run"] = json_digest(body, ascii=False)[:12]
    return dict(sorted(body.items()))


def checked_runs(records: Sequence[dict]) -> list[dict]:
    """What the report says of the records a run was checked against: per run its id,
    segmentations and minimum group size (each run once, in the order given)."""
    out, seen = [], set()
    for record in records:
        if record["run"] in seen:
            continue
        seen.add(record["run"])
        out.append(
            {
                "run": record["run"],
                "segment_by": [list(spec) for spec in record["segment_by"]],
                "min_group_size": int(record["min_group_size"]),
            }
        )
    return out


class _Cells:
    """Counts of every segment of one segmentation on this run's data, by values."""

    def __init__(self, survey: Survey, spec: tuple[str, ...]) -> None:
        self.codes, labels = segment_codes(survey, spec)
        self.labels = [tuple(str(v) for v in values) for values in labels]
        count = len(labels)
        is_user = np.asarray(survey.is_user, dtype=bool)
        ok = self.codes >= 0
        codes = self.codes[ok]
        self.users = np.bincount(codes, weights=is_user[ok], minlength=count).astype(np.int64)
        self.non_users = np.bincount(codes, minlength=count).astype(np.int64) - self.users
        present = survey.scores.notna().to_numpy()[ok]
        users = is_user[ok]
        self.factors = [f.id for f in survey.codebook.factors]
        # segments × factors: users and non-users who answered
        self.factor_users = np.stack(
            [
                np.bincount(codes, weights=present[:, f] & users, minlength=count)
                for f in range(len(self.factors))
            ],
            axis=1,
        ).astype(np.int64)
        self.factor_non_users = np.stack(
            [
                np.bincount(codes, weights=present[:, f] & ~users, minlength=count)
                for f in range(len(self.factors))
            ],
            axis=1,
        ).astype(np.int64)
        self.row = {label: i for i, label in enumerate(self.labels)}


def _valid(record: Any) -> bool:
    """A record of this format, with the shapes :func:`published_cells` gives."""
    try:
        return (
            record["format"] == RECORD_FORMAT
            and isinstance(record["run"], str)
            and int(record["min_group_size"]) >= 1
            and all(isinstance(c, str) for spec in record["segment_by"] for c in spec)
            and all(
                len(c["columns"]) == len(c["values"])
                and int(c["users"]) >= 0
                and int(c["non_users"]) >= 0
                for c in [*record["segments"], *record["comparisons"]]
            )
            and any(not c["columns"] for c in record["segments"])
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        return False


def applying(
    survey: Survey,
    comparison: Comparison,
    records: Sequence[dict],
    k: int,
    *,
    refuse_nearly: bool = True,
) -> list:
    """The records made on this run's respondents (see the module docstring).

    Raises :class:`~ism_advisor.core.errors.AdvisorError` for a record whose overall counts
    differ from this data by fewer than k users or non-users (k: the larger of this run's
    and the record's minimum), but not by none; without ``refuse_nearly`` (the earlier
    waves of a run over several) such a record is of other data.
    """
    overall = comparison.segments.iloc[0]
    users, non_users = int(overall["users"]), int(overall["non_users"])
    cells: dict[tuple[str, ...], _Cells] = {}
    out = []
    for record in records:
        if not _valid(record):
            continue
        (whole,) = [c for c in record["segments"] if not c["columns"]][:1]
        more_users = abs(users - int(whole["users"]))
        more_non_users = abs(non_users - int(whole["non_users"]))
        least = max(k, int(record["min_group_size"]))
        if (more_users, more_non_users) != (0, 0):
            if refuse_nearly and (0 < more_users < least or 0 < more_non_users < least):
                raise AdvisorError(
                    N_(
                        "an earlier run of this client was made on nearly the same"
                        " respondents ({users} and {non_users} more or fewer): side by side"
                        " the two would show those people's answers; remove the earlier"
                        " run from the store, or run with --no-memory"
                    ),
                    path=survey.path,
                    users=Message(P_("{n} user", "{n} users"), {"n": more_users}),
                    non_users=Message(P_("{n} non-user", "{n} non-users"), {"n": more_non_users}),
                )
            continue  # other data: another wave or another survey
        specs = [tuple(spec) for spec in record["segment_by"]]
        if any(c not in survey.segments.columns for spec in specs for c in spec):
            continue  # a segment column this data lacks: other data
        for spec in specs:
            if spec not in cells:
                cells[spec] = _Cells(survey, spec)
        if _same_counts(record, cells, (users, non_users), _overall_answered(comparison)):
            out.append(record)
    return out


def _overall_answered(comparison: Comparison) -> dict[str, tuple[int, int]]:
    """Per factor, the users and non-users of all respondents who answered it."""
    table = comparison.comparisons
    first = table[table["segment"] == 0]
    return {
        str(f): (int(u), int(n))
        for f, u, n in zip(first["factor"], first["users_n"], first["non_users_n"], strict=True)
    }


def _same_counts(
    record: dict,
    cells: dict[tuple[str, ...], _Cells],
    overall: tuple[int, int],
    answered: dict[str, tuple[int, int]],
) -> bool:
    """Whether every cell the record shows has its recorded counts on this data."""
    for cell in record["segments"]:
        spec = tuple(cell["columns"])
        if not spec:
            counts: tuple[int, int] = overall
        elif spec not in cells:
            return False
        else:
            table = cells[spec]
            row = table.row.get(tuple(str(v) for v in cell["values"]))
            if row is None:
                return False
            counts = (int(table.users[row]), int(table.non_users[row]))
        if counts != (int(cell["users"]), int(cell["non_users"])):
            return False
    for cell in record["comparisons"]:
        spec = tuple(cell["columns"])
        if not spec:
            if answered.get(cell["factor"]) != (int(cell["users"]), int(cell["non_users"])):
                return False
            continue
        table = cells.get(spec)
        if table is None:
            return False
        row = table.row.get(tuple(str(v) for v in cell["values"]))
        if row is None or cell["factor"] not in table.factors:
            return False
        f = table.factors.index(cell["factor"])
        counts = (int(table.factor_users[row, f]), int(table.factor_non_users[row, f]))
        if counts != (int(cell["users"]), int(cell["non_users"])):
            return False
    return True


@dataclass(frozen=True)
class Earlier:
    """The union of a run's cells and its client's earlier runs' (see
    :func:`union_model`)."""

    model: Model
    own: int  # the run's own segments: rows 0 .. own - 1 of the model
    #: the extra segments (rows own ..): hidden by every earlier run that has them
    hidden: np.ndarray
    #: ... and hidden by one of them although both its groups had that run's minimum:
    #: hidden to protect others (its answers stay protected in every table)
    protected: np.ndarray
    #: every segment, and segments × factors: shown by an earlier run
    published: np.ndarray
    factor_published: np.ndarray
    #: the records applied (:func:`checked_runs`)
    checked: tuple[dict, ...]


def union_model(
    survey: Survey,
    comparison: Comparison,
    records: Sequence[dict],
    k: int,
    *,
    refuse_nearly: bool = True,
) -> Earlier | None:
    """The disclosure model over this run's segmentations and those of the records that
    apply (:func:`applying`), with what the earlier runs published; None when none applies.

    The run's segments keep their rows (0 .. len(comparison.segments) - 1); the earlier
    runs' segmentations that this run does not have follow.
    """
    records = applying(survey, comparison, records, k, refuse_nearly=refuse_nearly)
    if not records:
        return None
    factors = [f.id for f in comparison.factors]
    own_specs = [tuple(spec) for spec in comparison.segment_by]
    extra_specs = sorted(
        {tuple(spec) for r in records for spec in r["segment_by"]} - {*own_specs, ()}
    )
    row_of: dict[Key, int] = {}
    for i, row in enumerate(comparison.segments.itertuples(index=False)):
        row_of[_key_of(row.spec, row.where)] = i
    own = len(comparison.segments)
    shape = (own, len(factors))
    table = comparison.comparisons
    seg_users = [comparison.segments["users"].to_numpy(dtype=np.int64)]
    seg_non_users = [comparison.segments["non_users"].to_numpy(dtype=np.int64)]
    f_users = [table["users_n"].to_numpy(dtype=float).reshape(shape).astype(np.int64)]
    f_non_users = [table["non_users_n"].to_numpy(dtype=float).reshape(shape).astype(np.int64)]
    codes = list(comparison.codes)
    rows = own
    for spec in extra_specs:
        cells = _Cells(survey, spec)
        for label in cells.labels:
            row_of[(spec, label)] = rows + cells.row[label]
        codes.append(np.where(cells.codes >= 0, cells.codes + rows, -1))
        seg_users.append(cells.users)
        seg_non_users.append(cells.non_users)
        picked = [cells.factors.index(f) for f in factors]
        f_users.append(cells.factor_users[:, picked])
        f_non_users.append(cells.factor_non_users[:, picked])
        rows += len(cells.labels)
    users_n, non_users_n = np.concatenate(f_users), np.concatenate(f_non_users)
    union = Comparison(
        segments=pd.DataFrame(
            {"users": np.concatenate(seg_users), "non_users": np.concatenate(seg_non_users)}
        ),
        comparisons=pd.DataFrame(
            {"users_n": users_n.reshape(-1), "non_users_n": non_users_n.reshape(-1)}
        ),
        correlations=comparison.correlations,
        factors=comparison.factors,
        alpha=comparison.alpha,
        segment_by=(*comparison.segment_by, *extra_specs),
        codes=tuple(codes),
    )
    model = Model.build(survey, union)
    published = np.zeros(rows, dtype=bool)
    published[0] = True
    factor_published = np.zeros((rows, len(factors)), dtype=bool)
    protected = np.zeros(rows, dtype=bool)
    for record in records:
        shown = set()
        for cell in record["segments"]:
            row = row_of[_record_key(cell)]
            published[row] = True
            shown.add(row)
        for cell in record["comparisons"]:
            if cell["factor"] in factors:
                factor_published[row_of[_record_key(cell)], factors.index(cell["factor"])] = True
        # its hidden segments with both groups at its minimum: hidden to protect others
        least = int(record["min_group_size"])
        for spec in record["segment_by"]:
            for key, row in row_of.items():
                if key[0] == tuple(spec) and row not in shown:
                    users, non_users = union.segments.iloc[row]
                    if min(users, non_users) >= least:
                        protected[row] = True
    hidden = ~published[own:]
    return Earlier(
        model=model,
        own=own,
        hidden=hidden,
        protected=protected[own:] & hidden,
        published=published,
        factor_published=factor_published,
        checked=tuple(checked_runs(records)),
    )


def _key_of(spec: Any, where: Any) -> Key:
    spec = tuple(spec)
    return spec, tuple(str(where[column]) for column in spec)


def _record_key(cell: dict) -> Key:
    return tuple(cell["columns"]), tuple(str(v) for v in cell["values"])
