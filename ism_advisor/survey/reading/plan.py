"""Which column of an export feeds what: the usage question, the segments, the factors.

Without a mapping file, columns are matched where that is certain (:mod:`.matching`): a
factor takes all of its items, or one score column. With a mapping file, the file decides
(:mod:`.mapping`): a factor needs at least half of its items, as a score does.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ...core.errors import N_, P_, AdvisorError, Message
from ...core.textnorm import normalize, text_key
from ...core.yamlfile import did_you_mean
from ..codebook import Codebook
from .mapping import Mapping, parse_use
from .matching import name_keys, text_keys
from .model import Column, Export

__all__ = ["Plan", "find_column", "list_columns", "plan_columns"]

_LISTED = 12  # column names listed in a message


@dataclass
class Plan:
    """Which column (by position) feeds what."""

    usage: int
    segments: list[int]
    segment_names: dict[int, str]
    segment_by: tuple[tuple[str, ...], ...]
    score_columns: dict[str, int]
    #: factor id → {item id: position}, in the codebook's order (a mapping may give fewer)
    item_columns: dict[str, dict[str, int]]
    mapping: str | None = None
    status_columns: tuple[int, ...] = field(default=())

    @property
    def usecols(self) -> list[int]:
        columns = [self.usage, *self.segments, *self.score_columns.values()]
        for items in self.item_columns.values():
            columns.extend(items.values())
        return list(dict.fromkeys(columns))

    def uses(self, export: Export) -> tuple[tuple[str, str], ...]:
        """(column, what it feeds) for every column used, in the file's order."""
        feeds: dict[int, str] = {self.usage: "usage"}
        for position in self.segments:
            feeds.setdefault(position, f"segment {self.segment_names[position]}")
        for factor, position in self.score_columns.items():
            feeds.setdefault(position, f"score {factor}")
        for items in self.item_columns.values():
            for item, position in items.items():
                feeds.setdefault(position, item)
        return tuple((export.columns[p].name, feeds[p]) for p in sorted(feeds))


def plan_columns(
    export: Export,
    codebook: Codebook,
    segment_by: Sequence[str],
    mapping: Mapping | None = None,
    *,
    absent_ok: bool = False,
) -> Plan:
    """Decide which column feeds what; raise the first problem as an AdvisorError.

    With ``absent_ok`` (one wave of several), a factor without any column is left out of
    the plan instead of stopping the run: the caller leaves it out of the change figures.
    """
    if mapping is not None:
        plan = _MappingPlanner(export, codebook, mapping).plan(segment_by)
    else:
        planner = _Planner(export, codebook)
        planner.absent_ok = absent_ok
        plan = planner.plan(segment_by)
    plan.status_columns = export.status_columns
    return plan


def find_column(export: Export, codebook: Codebook, wanted: str) -> int | None:
    """The one column named ``wanted`` (its name or its question's text), of any role,
    as ``--segment-by`` finds one (``--comments``); None when none is."""
    return _Planner(export, codebook).find([wanted], [wanted], any_role=True)


def list_columns(header: list[str]) -> str:
    """The first column names of ``header``, for a message."""
    return _list_columns(header)


def _list_columns(header: list[str]) -> str:
    shown = ", ".join(header[:_LISTED])
    return shown + (", …" if len(header) > _LISTED else "")


class _Planner:
    """Automatic matching: by name, and (for a tool's export, or a header that is a
    question) by wording."""

    #: a factor without any column is left out rather than refused (a wave of several)
    absent_ok = False

    def __init__(self, export: Export, codebook: Codebook) -> None:
        self.export = export
        self.codebook = codebook
        self.header = export.header
        self.names: dict[str, list[int]] = {}
        self.texts: dict[str, list[int]] = {}
        for column in export.columns:
            for key in name_keys(column):
                self.names.setdefault(key, []).append(column.position)
            if column.role == "question" or column.open_question or export.plain:
                for key in text_keys(column):
                    self.texts.setdefault(key, []).append(column.position)
        # a tool's personal-data and free-text columns feed nothing (a segment is refused
        # by name, with the reason; an open question may segment, judged by its answers)
        self.closed = {
            c.position
            for c in export.columns
            if not export.plain and c.role in ("personal", "free_text")
        }

    def fail(self, template: str, **params) -> AdvisorError:
        """A problem with the export's header (line 1; an SPSS file has no lines; a
        workbook's names the sheet and the row read as the header)."""
        export = self.export
        if export.sheet is not None:
            return AdvisorError(
                N_("sheet '{sheet}', header row {row}: {problem}"),
                path=export.path,
                sheet=export.sheet,
                row=export.header_row,
                problem=Message(template, params),
            )
        line = None if export.format == "spss" else 1
        return AdvisorError(template, path=export.path, line=line, **params)

    def hint(self) -> Message:
        return Message(
            N_(" ('ism-advise map {file}' proposes a mapping to check and pass with --map)"),
            {"file": self.export.path},
        )

    def find(
        self,
        names: Sequence[str],
        texts: Iterable[str] = (),
        *,
        any_role: bool = False,
        open_ok: bool = False,
    ) -> int | None:
        """The one column with one of ``names`` or ``texts``: of any role with
        ``any_role``, an open question too with ``open_ok``, else a question's."""
        found: list[int] = []
        for key in dict.fromkeys(normalize(name) for name in names):
            found.extend(self.names.get(key, []))
        for key in dict.fromkeys(text_key(text) for text in texts):
            found.extend(self.texts.get(key, []) if key else [])
        columns = self.export.columns
        found = [
            p
            for p in dict.fromkeys(found)
            if any_role or p not in self.closed or (open_ok and columns[p].open_question)
        ]
        if len(found) > 1:
            columns = " and ".join(f'"{self.header[p]}"' for p in found)
            if self.export.plain:
                raise self.fail(
                    N_("columns {columns} both match '{name}' (rename or remove one)"),
                    columns=columns,
                    name=names[0],
                )
            raise self.fail(
                N_("columns {columns} both match '{name}'{hint}"),
                columns=columns,
                name=names[0],
                hint=self.hint(),
            )
        return found[0] if found else None

    def plan(self, segment_by: Sequence[str]) -> Plan:
        """The plan; every role without a column (the usage question, each factor, each
        segment) is named in one error, with the command that proposes a mapping."""
        codebook = self.codebook
        plain = self.export.plain
        missing: list[Message] = []
        usage_info = codebook.usage
        usage = self.find(usage_info.column_names(), usage_info.text.values())
        if usage is None:
            if plain:
                missing.append(
                    Message(
                        N_('no usage column "{name}" telling users from non-users'),
                        {"name": usage_info.column},
                    )
                )
            else:
                missing.append(
                    Message(
                        N_('no usage question: no column is called "{name}" or asks "{question}"'),
                        {
                            "name": usage_info.column,
                            "question": " / ".join(usage_info.text.values()) or usage_info.column,
                        },
                    )
                )
        score_columns: dict[str, int] = {}
        item_columns: dict[str, dict[str, int]] = {}
        for factor in codebook.factors:
            items = [self.find([item.id], item.wordings()) for item in factor.items]
            if all(p is not None for p in items):
                item_columns[factor.id] = {
                    item.id: p for item, p in zip(factor.items, items, strict=True) if p is not None
                }
                continue
            score = self.find(factor.column_names())
            if score is not None:
                score_columns[factor.id] = score
            elif any(p is not None for p in items):
                absent = [i.id for i, p in zip(factor.items, items, strict=True) if p is None]
                template = (
                    N_(
                        "factor '{factor}' has item columns but misses {items}"
                        ' (give every item of the factor, or one score column "{factor}")'
                    )
                    if plain
                    else N_(
                        "factor '{factor}' has item columns but misses {items} (no column"
                        " has their id or wording)"
                    )
                )
                missing.append(Message(template, {"factor": factor.id, "items": ", ".join(absent)}))
            elif not self.absent_ok:
                template = (
                    N_(
                        "no column for factor '{factor}' (expected a score column \"{factor}\""
                        " or the item columns {items})"
                    )
                    if plain
                    else N_(
                        "no column for factor '{factor}' (no column has the id or wording of"
                        " its items {items})"
                    )
                )
                missing.append(
                    Message(
                        template,
                        {"factor": factor.id, "items": ", ".join(i.id for i in factor.items)},
                    )
                )
        if missing or usage is None:
            nothing = usage is None and not score_columns and not item_columns
            raise self.missing(missing, nothing=nothing and len(missing) > 1)
        taken = {usage, *score_columns.values()}
        for items in item_columns.values():
            taken.update(items.values())
        segments = _Segments(self, taken)
        specs = segments.resolve(segment_by)
        return Plan(
            usage,
            segments.order,
            segments.names,
            specs,
            score_columns,
            item_columns,
        )

    def missing(self, problems: list[Message], *, nothing: bool = False) -> AdvisorError:
        """One error naming every role without a column, then (a plain file's) the
        columns found, and the command that proposes a mapping; or, when ``nothing``
        matched and another sheet seems to hold the answers, that sheet."""
        hint = (
            Message(
                N_(
                    "; columns found: {found} ('ism-advise map {file}' proposes a mapping to"
                    " check and pass with --map)"
                ),
                {"found": _list_columns(self.header), "file": self.export.path},
            )
            if self.export.plain
            else self.hint()
        )
        elsewhere = self.export.elsewhere() if self.export.elsewhere is not None else None
        if elsewhere is not None:  # the answers seem to be on another sheet
            if nothing:
                return self.fail(
                    N_("no column names a question of the codebook{hint}"), hint=elsewhere
                )
            hint = elsewhere
        if len(problems) == 1:
            return self.fail(N_("{problem}{hint}"), problem=problems[0], hint=hint)
        listed = problems[-1]
        for problem in reversed(problems[:-1]):
            listed = Message(N_("{first}; {rest}"), {"first": problem, "rest": listed})
        return self.fail(
            N_("{count} parts of the codebook have no column: {problems}{hint}"),
            count=len(problems),
            problems=listed,
            hint=hint,
        )

    def segment_lookup(self, wanted: str) -> tuple[int, str] | None:
        """The column for ``--segment-by wanted``: by name, as one of the codebook's
        segment questions, or by its question's wording; and the segment's name."""
        column = self.find([wanted], any_role=True)
        if column is not None:
            return column, self.header[column]
        segment = self.codebook.segment(wanted)
        if segment is not None:
            column = self.find(segment.column_names(), segment.text.values(), open_ok=True)
            if column is not None:
                return column, segment.id
        column = self.find([], [wanted], open_ok=True)
        if column is not None:
            return column, wanted.strip()
        return None


class _Segments:
    """Resolves ``--segment-by`` requests (``a``, ``a+b``, the path ``a/b``) to columns."""

    def __init__(self, planner: _Planner | _MappingPlanner, taken: set[int]) -> None:
        self.planner = planner
        self.taken = taken
        self.order: list[int] = []
        self.names: dict[int, str] = {}
        # a segment is a column of the export, whatever a mapping says
        self.fail = planner.fallback.fail if isinstance(planner, _MappingPlanner) else planner.fail

    def column(self, wanted: str) -> int:
        planner = self.planner
        header = planner.export.header
        found = planner.segment_lookup(wanted)
        if found is None:
            raise self.fail(
                N_('no column "{name}" to segment by{hint} (columns found: {found})'),
                name=wanted,
                hint=did_you_mean(wanted, header),
                found=_list_columns(header),
            )
        column, name = found
        if column in self.taken:
            raise self.fail(
                N_('cannot segment by "{name}": it is the usage column or a factor'),
                name=header[column],
            )
        chosen = planner.export.columns[column]
        # an open question is judged by its answers when they are read (a closed set);
        # personal data and the "other" text of a choice question never segment
        if chosen.role == "personal" or (chosen.role == "free_text" and not chosen.open_question):
            raise self.fail(
                N_(
                    'cannot segment by "{name}": it holds personal data or free text, which'
                    " never appear in a report"
                ),
                name=header[column],
            )
        self.names.setdefault(column, name)
        return column

    def resolve(self, segment_by: Sequence[str]) -> tuple[tuple[str, ...], ...]:
        specs: list[tuple[str, ...]] = []
        for wanted in segment_by:
            whole = self.planner.segment_lookup(wanted) if wanted.strip() else None
            if whole or ("+" not in wanted and "/" not in wanted):
                levels = [[wanted]]
            elif "/" in wanted:
                # a path, "organisation/department": each level a segmentation of its
                # own, combined with the levels above it (a department within its
                # organisation), so that it nests in the level above; a level may be a
                # combination itself ("organisation+site/department")
                steps = [step.split("+") for step in wanted.split("/")]
                levels = [
                    [c for step in steps[: depth + 1] for c in step] for depth in range(len(steps))
                ]
            else:
                levels = [wanted.split("+")]
            for parts in levels:
                positions = tuple(dict.fromkeys(self.column(part.strip()) for part in parts))
                spec = tuple(self.names[p] for p in positions)
                if spec not in specs:
                    specs.append(spec)
                self.order.extend(p for p in positions if p not in self.order)
        return tuple(specs)


class _MappingPlanner:
    """A mapping file decides which column feeds what."""

    def __init__(self, export: Export, codebook: Codebook, mapping: Mapping) -> None:
        self.export = export
        self.codebook = codebook
        self.mapping = mapping
        self.segment_columns: dict[str, tuple[int, str]] = {}
        self.fallback = _Planner(export, codebook)

    def fail(self, template: str, **params) -> AdvisorError:
        return self.mapping.fail(template, **params)

    def segment_lookup(self, wanted: str) -> tuple[int, str] | None:
        found = self.segment_columns.get(normalize(wanted))
        return found or self.fallback.segment_lookup(wanted)

    def plan(self, segment_by: Sequence[str]) -> Plan:
        export, codebook, mapping = self.export, self.codebook, self.mapping
        by_name: dict[str, Column] = {}
        for column in export.columns:
            by_name.setdefault(column.name, column)
        items = {item.id: factor for factor in codebook.factors for item in factor.items}
        factors = {factor.id: factor for factor in codebook.factors}
        seen: dict[str, int] = {}
        feeding: dict[str, str] = {}  # item id / "usage" / "score f" → column name
        usage: int | None = None
        score_columns: dict[str, int] = {}
        item_columns: dict[str, dict[str, int]] = {}
        for entry in mapping.entries:
            column = by_name.get(entry.column)
            if column is None:
                raise mapping.fail(
                    N_('column "{name}" is not in {file}{hint}'),
                    entry.column_pos,
                    name=entry.column,
                    file=export.path,
                    hint=did_you_mean(entry.column, by_name),
                )
            if entry.column in seen:
                raise mapping.fail(
                    N_('column "{name}" is listed twice (first on line {first})'),
                    entry.column_pos,
                    name=entry.column,
                    first=seen[entry.column],
                )
            seen[entry.column] = entry.column_pos.line
            kind, target = parse_use(entry.use)
            if kind == "ignore":
                continue
            if kind == "invalid" or (kind == "item" and target not in items):
                choices = [*items, "usage", "ignore"]
                raise mapping.fail(
                    N_(
                        "'{use}' is not something a column can feed{hint} (expected an item"
                        " id, usage, segment NAME, score FACTOR or ignore)"
                    ),
                    entry.use_pos,
                    use=entry.use,
                    hint=did_you_mean(target, choices) if kind == "item" else "",
                )
            if kind == "score" and target not in factors:
                raise mapping.fail(
                    N_("unknown factor '{factor}'{hint}"),
                    entry.use_pos,
                    factor=target,
                    hint=did_you_mean(target, factors),
                )
            segment_ok = kind == "segment" and column.open_question
            if column.role in ("personal", "free_text") and not segment_ok:
                raise mapping.fail(
                    N_(
                        "column \"{name}\" holds personal data or free text: it cannot feed '{use}'"
                    ),
                    entry.use_pos,
                    name=entry.column,
                    use=entry.use,
                )
            key = {"item": target, "usage": "usage", "score": f"score {target}"}.get(kind)
            if key is not None and key in feeding:
                raise mapping.fail(
                    N_('columns "{first}" and "{second}" both feed \'{use}\' (one column each)'),
                    entry.use_pos,
                    first=feeding[key],
                    second=entry.column,
                    use=key,
                )
            if key is not None:
                feeding[key] = entry.column
            if kind == "usage":
                usage = column.position
            elif kind == "score":
                score_columns[target] = column.position
            elif kind == "item":
                factor = items[target]
                item_columns.setdefault(factor.id, {})[target] = column.position
            else:
                self.segment_columns.setdefault(normalize(target), (column.position, target))
        if usage is None:
            raise self.fail(
                N_(
                    "no column feeds the usage question (give the column telling users from"
                    " non-users 'use: usage')"
                )
            )
        for factor in codebook.factors:
            given = item_columns.get(factor.id, {})
            if factor.id in score_columns:
                if given:
                    raise self.fail(
                        N_("factor '{factor}' is given both a score column and item columns"),
                        factor=factor.id,
                    )
                continue
            needed = (len(factor.items) + 1) // 2
            if len(given) < needed:
                raise self.fail(
                    P_(
                        "factor '{factor}' gets {count} of its {n} item (a score needs at"
                        " least {needed}: map more of {items})",
                        "factor '{factor}' gets {count} of its {n} items (a score needs at"
                        " least {needed}: map more of {items})",
                    ),
                    factor=factor.id,
                    count=len(given),
                    n=len(factor.items),
                    needed=needed,
                    items=", ".join(i.id for i in factor.items if i.id not in given),
                )
            item_columns[factor.id] = {i.id: given[i.id] for i in factor.items if i.id in given}
        taken = {usage, *score_columns.values()}
        for given in item_columns.values():
            taken.update(given.values())
        segments = _Segments(self, taken)
        specs = segments.resolve(segment_by)
        return Plan(
            usage,
            segments.order,
            segments.names,
            specs,
            score_columns,
            item_columns,
            mapping=mapping.path,
        )
