"""Proposing a mapping for ``ism-advise map``: every column, what it should feed, and how
sure that is.

``certain``: the column has an item's id or exact wording (as :mod:`.plan` matches without
a mapping). ``guess``: the closest wording among the items not yet taken, scored by
difflib (0 to 1; at least :data:`GUESS`), and only when the column's answers lie on the
item's scale. ``unmatched``: nothing close enough (the closest is named in a comment).
Metadata, personal data and free text are ignored, and their values never shown.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ...core.errors import N_, P_, Message
from ...core.i18n import translations
from ...core.textnorm import answer_key, normalize, text_key
from ..codebook import Codebook, usage_answer_key
from ..scales import AnswerScale
from .content import EMAIL, IBAN, NAMES, PHONE, WEB, Verdict, closed_set, quotable
from .detect import open_export
from .matching import name_keys, similarity, text_keys
from .model import Column, Export, SheetChoice, Source

__all__ = ["GUESS", "Proposal", "Proposed", "propose_mapping"]

#: the lowest similarity proposed as a guess
GUESS = 0.6
#: the share of a column's answers that must lie on the scale for a guess
_FITS = 0.9
_EXAMPLES = 3
#: the lowest similarity named as the closest candidate of an unmatched column
_CLOSEST = 0.45


def guesses(count: int) -> Message:
    """ "1 guess", "6 guesses": the number of columns matched by a guess."""
    return Message(P_("{n} guess", "{n} guesses"), {"n": count})


@dataclass(frozen=True)
class Proposal:
    """What one column should feed."""

    column: Column
    use: str  # an item id, "usage", "segment NAME", "score FACTOR" or "ignore"
    match: str  # certain, guess, unmatched, metadata, personal data, free text
    score: float | None = None
    closest: tuple[str, float] | None = None  # for unmatched: the best candidate
    examples: tuple[tuple[str, str], ...] = ()  # (answer as exported, as read)
    note: str | Message | None = None  # why a guess was dropped, a segment refused


@dataclass(frozen=True)
class Proposed:
    """A proposed mapping for one export."""

    export: Export
    codebook: Codebook
    proposals: tuple[Proposal, ...]
    source: Source
    #: target → its wording per language (an item's text, the usage or segment question)
    wordings: dict[str, dict[str, str]] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        out = {"certain": 0, "guess": 0, "unmatched": 0}
        for proposal in self.proposals:
            if proposal.match in out:
                out[proposal.match] += 1
        return out

    def yaml(self, codebook_name: str, lang: str = "en", name: str = "MAPPING.yaml") -> str:
        """The mapping file's text: a header saying what to check, then every column."""
        t = translations(lang)
        counts = self.counts()
        lines = [
            "# "
            + Message(
                N_("Mapping of {file} onto the codebook {codebook}, proposed by ism-advise map."),
                {"file": Path(self.export.path).name, "codebook": codebook_name},
            ).render(t),
            "# "
            + Message(
                N_(
                    "Check every column marked guess or unmatched ({guesses},"
                    " {unmatched} unmatched):"
                ),
                {"guesses": guesses(counts["guess"]), "unmatched": counts["unmatched"]},
            ).render(t),
            "# "
            + Message(
                N_("set use to an item id, usage, segment NAME, score FACTOR or ignore; then run")
            ).render(t),
            f"#   ism-advise {Path(self.export.path).name} --map {name}",
            "# "
            + Message(N_("Only column and use count; question and match are for reading.")).render(
                t
            ),
            f"export: {_quote(Path(self.export.path).name)}",
            f"format: {self.export.format}",
            f"codebook: {_quote(codebook_name)}",
            "columns:",
        ]
        for proposal in self.proposals:
            column = proposal.column
            lines.append(f"  - column: {_quote(column.name)}")
            question = next((t for t in column.texts if t != column.name), None)
            if question:
                lines.append(f"    question: {_quote(question)}")
            lines.append(f"    use: {_quote(proposal.use)}")
            match = proposal.match
            if proposal.score is not None and match == "guess":
                match = f"guess {proposal.score:.2f}"
            lines.append(f"    match: {match}")
            if proposal.closest is not None:
                target, score = proposal.closest
                # the wording in the language closest to the column's
                texts = self.wordings.get(target, {})
                wording = max(
                    texts.values(), key=lambda text: similarity(column, [text]), default=""
                )
                lines.append(
                    "    # "
                    + Message(
                        N_('closest: {target} ({score}) "{wording}"'),
                        {"target": target, "score": f"{score:.2f}", "wording": wording},
                    ).render(t)
                )
            if proposal.note:
                lines.append("    # " + _message(proposal.note).render(t))
        return "\n".join(lines) + "\n"

    def table(self, lang: str = "en", width: int = 38) -> str:
        """The preview: column → use, match, up to three answers and how they were read."""
        t = translations(lang)
        head = [
            Message(N_("column")).render(t),
            Message(N_("use")).render(t),
            Message(N_("match")).render(t),
            Message(N_("examples → read as")).render(t),
        ]
        rows = [head]
        for proposal in self.proposals:
            match = proposal.match
            if proposal.score is not None and match == "guess":
                match = f"guess {proposal.score:.2f}"
            if proposal.examples:
                shown = ", ".join(raw for raw, _ in proposal.examples)
                read = ", ".join(
                    Message(value).render(t) if value in ("user", "non-user") else value
                    for _, value in proposal.examples
                )
                examples = f"{shown} → {read}"
            elif proposal.closest is not None:
                target, score = proposal.closest
                examples = Message(
                    N_("closest: {target} ({score})"), {"target": target, "score": f"{score:.2f}"}
                ).render(t)
            elif isinstance(proposal.note, Message):
                examples = proposal.note.render(t)
            else:
                examples = ""
            rows.append([shorten_to(proposal.column.name, width), proposal.use, match, examples])
        widths = [max(len(r[i]) for r in rows) for i in range(3)]
        lines = []
        for r in rows:
            cells = [cell.ljust(widths[i]) for i, cell in enumerate(r[:3])]
            lines.append("  ".join([*cells, r[3]]).rstrip())
        return "\n".join(lines)


def _message(note: str | Message) -> Message:
    return note if isinstance(note, Message) else Message(note)


def shorten_to(text: str, width: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


_PLAIN = re.compile(r"^[A-Za-z][A-Za-z0-9_ ]*$")
_RESERVED = {"y", "n", "yes", "no", "true", "false", "on", "off", "null"}


def _quote(text: str) -> str:
    """A YAML scalar: a plain word where YAML reads it back as that text, else a JSON
    string (JSON's double-quoted strings are valid YAML)."""
    text = str(text)
    if _PLAIN.match(text) and text == text.strip() and text.casefold() not in _RESERVED:
        return text
    return json.dumps(text, ensure_ascii=False)


def propose_mapping(
    path: str | Path,
    codebook: Codebook,
    segment_by: Sequence[str] = (),
    *,
    include_incomplete: bool = False,
    sheet: SheetChoice | None = None,
) -> Proposed:
    """Propose what every column of the export at ``path`` should feed (a workbook's
    sheet and header row as ``sheet`` chooses)."""
    export = open_export(Path(path), codebook, sheet)
    return _Proposer(export, codebook).propose(segment_by, include_incomplete)


class _Proposer:
    def __init__(self, export: Export, codebook: Codebook) -> None:
        self.export = export
        self.codebook = codebook
        self.items = {i.id: (factor, i) for factor in codebook.factors for i in factor.items}

    def candidates(self) -> dict[str, tuple[str, ...]]:
        """Every target a column can feed → its wordings."""
        book = self.codebook
        out: dict[str, tuple[str, ...]] = {"usage": tuple(book.usage.text.values())}
        for segment in book.segments:
            out[f"segment {segment.id}"] = tuple(segment.text.values())
        for item_id, (_, item) in self.items.items():
            out[item_id] = item.wordings()
        return out

    def names(self) -> dict[str, tuple[str, ...]]:
        """Every target → the names a column may have for it."""
        book = self.codebook
        out: dict[str, tuple[str, ...]] = {"usage": book.usage.column_names()}
        for segment in book.segments:
            out[f"segment {segment.id}"] = segment.column_names()
        for item_id in self.items:
            out[item_id] = (item_id,)
        return out

    def propose(self, segment_by: Sequence[str], include_incomplete: bool) -> Proposed:
        export = self.export
        wordings = self.candidates()
        names = self.names()
        for wanted in segment_by:
            for part in [wanted, *wanted.replace("/", "+").split("+")]:
                part = part.strip()
                if part and self.codebook.segment(part) is None:
                    names.setdefault(f"segment {part}", (part,))
                    wordings.setdefault(f"segment {part}", (part,))
        # certain: a name or an exact wording
        by_name: dict[str, list[int]] = {}
        by_text: dict[str, list[int]] = {}
        # an open question of its own (a text entry) may feed a segment only
        open_questions = {c.position for c in export.columns if c.open_question}
        for column in export.columns:
            if column.role in ("personal", "free_text") and not column.open_question:
                continue
            for key in name_keys(column):
                by_name.setdefault(key, []).append(column.position)
            if column.role == "question" or column.open_question or export.plain:
                for key in text_keys(column):
                    by_text.setdefault(key, []).append(column.position)
        assigned: dict[int, tuple[str, str, float | None]] = {}  # position → (use, match, score)
        taken: set[str] = set()
        for target, texts in wordings.items():
            found = []
            for key in dict.fromkeys(normalize(n) for n in names.get(target, ())):
                found.extend(by_name.get(key, []))
            for key in dict.fromkeys(text_key(t) for t in texts):
                found.extend(by_text.get(key, []) if key else [])
            found = [
                p
                for p in dict.fromkeys(found)
                if p not in assigned and (p not in open_questions or target.startswith("segment "))
            ]
            if not found:
                continue
            # two columns for one item: neither is certain; the first is proposed
            match = "certain" if len(found) == 1 else "guess"
            assigned[found[0]] = (target, match, None if match == "certain" else 1.0)
            taken.add(target)
        # score columns of a plain file (one per factor)
        for factor in self.codebook.factors:
            if any(item.id in taken for item in factor.items):
                continue
            keys = {normalize(n) for n in factor.column_names()}
            for column in export.columns:
                if column.position not in assigned and normalize(column.name) in keys:
                    assigned[column.position] = (f"score {factor.id}", "certain", None)
                    break
        frame, left_out, responses = self.read(include_incomplete)
        # guesses: the closest wording among the targets left, best pairs first
        pairs = []
        open_targets = {k: v for k, v in wordings.items() if k not in taken}
        for column in export.columns:
            if column.position in assigned or not (
                column.role == "question" or column.open_question
            ):
                continue
            for target, texts in open_targets.items():
                if column.open_question and not target.startswith("segment "):
                    continue
                score = similarity(column, texts)
                alnum = text_key(column.name)
                if any(alnum == text_key(n) for n in names.get(target, ())):
                    score = max(score, 0.95)
                if score > 0:
                    pairs.append((score, column.position, target))
        pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
        notes: dict[int, str] = {}
        for score, position, target in pairs:
            if score < GUESS or position in assigned or target in taken:
                continue
            if not self.fits(frame, position, target):
                notes.setdefault(position, N_("its answers do not lie on the item's scale"))
                continue
            assigned[position] = (target, "guess", score)
            taken.add(target)
        best: dict[int, tuple[str, float]] = {}  # an unmatched column's closest open target
        for score, position, target in pairs:
            if position not in assigned and target not in taken:
                best.setdefault(position, (target, score))
        proposals = []
        for column in export.columns:
            position = column.position
            if column.role != "question" and position not in assigned:
                match = {"metadata": "metadata", "personal": "personal data"}.get(
                    column.role, "free text"
                )
                proposals.append(Proposal(column, "ignore", match))
                continue
            if position in assigned:
                use, match, score = assigned[position]
                verdict = self.refused(frame, position, use)
                if verdict is not None:
                    personal = verdict.kind in (EMAIL, PHONE, IBAN, WEB, NAMES)
                    note = Message(
                        N_("not a segment: it holds {kind}; its answers are not shown"),
                        {"kind": verdict.what()},
                    )
                    proposals.append(
                        Proposal(
                            column,
                            "ignore",
                            "personal data" if personal else "free text",
                            note=note,
                        )
                    )
                    continue
                examples = self.examples(frame, position, use)
                proposals.append(Proposal(column, use, match, score, examples=examples))
                continue
            near = best.get(position)
            proposals.append(
                Proposal(
                    column,
                    "ignore",
                    "unmatched",
                    closest=(near[0], near[1]) if near and near[1] >= _CLOSEST else None,
                    note=notes.get(position),
                )
            )
        items_total = len(self.items)
        matched = sum(1 for p in proposals if p.use in self.items)
        source = Source(
            format=export.format,
            label=export.label,
            responses=responses,
            left_out=left_out,
            items_matched=matched,
            items_total=items_total,
            ignored=sum(1 for p in proposals if p.use == "ignore"),
        )
        book = self.codebook
        shown: dict[str, dict[str, str]] = {"usage": dict(book.usage.text)}
        for segment in book.segments:
            shown[f"segment {segment.id}"] = dict(segment.text)
        for item_id, (_, item) in self.items.items():
            shown[item_id] = dict(item.text)
        return Proposed(export, book, tuple(proposals), source, shown)

    def read(self, include_incomplete: bool) -> tuple[pd.DataFrame, int, int]:
        """The question columns' answers (previews and incomplete ones left out)."""
        export = self.export
        wanted = [
            c.position
            for c in export.columns
            if c.role in ("question", "metadata") or c.open_question
        ]
        wanted = list(dict.fromkeys([*wanted, *export.status_columns]))
        frame = export.table.read(wanted, [])
        left_out = 0
        if export.status is not None and len(frame):
            not_real, incomplete = export.status(frame)
            drop = not_real | (incomplete & (not include_incomplete))
            left_out = int(drop.sum())
            frame = frame.loc[~drop].reset_index(drop=True)
        return frame, left_out, len(frame)

    def scale_of(self, use: str) -> AnswerScale | None:
        if use in self.items:
            factor, item = self.items[use]
            return self.codebook.item_scale(factor, item)
        return None

    def read_cell(self, value: object, use: str, column: Column) -> str | None:
        """How a cell is read for ``use`` ("–" for missing); None when it is not an answer."""
        book = self.codebook
        if column.value_labels and value in column.value_labels:
            label = column.value_labels[value]
        else:
            label = None
        text = str(value).strip()
        if use == "usage" and book.usage.type == "yes_no":
            key = usage_answer_key(label or _plain_number(text))
            if key in book.usage.user_keys:
                return N_("user")
            if key in book.usage.non_user_keys:
                return N_("non-user")
            return "–" if normalize(label or text) in book.missing_texts else None
        if use.startswith("segment "):
            return label or _plain_number(text)
        scale = self.scale_of(use)
        if label is not None and scale is not None:
            key = answer_key(label)
            if key in scale.lookup:
                return f"{scale.lookup[key]:g}"
            if key in book.missing_keys:
                return "–"
        if normalize(text) in book.missing_texts or answer_key(text) in book.missing_keys:
            return "–"
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            number = None
        if number is not None and np.isfinite(number):
            if number in book.missing_numbers:
                return "–"
            if use.startswith("score ") or use in self.items:
                if book.scale_min <= number <= book.scale_max:
                    return f"{number:g}"
                return None
            return f"{number:g}"
        if scale is not None and answer_key(text) in scale.lookup:
            return f"{scale.lookup[answer_key(text)]:g}"
        return None

    def cells(self, frame: pd.DataFrame, position: int) -> list[object]:
        if position not in frame:
            return []
        values = frame[position]
        values = values[values.notna()]
        return [v for v in pd.unique(values) if str(v).strip()]

    def fits(self, frame: pd.DataFrame, position: int, target: str) -> bool:
        """Whether most of the column's answers are answers to ``target``."""
        column = self.export.columns[position]
        values = frame[position] if position in frame else pd.Series([], dtype=object)
        values = values[values.notna() & (values.astype(str).str.strip() != "")]
        if values.empty:
            return True
        distinct = pd.unique(values)
        read = {v: self.read_cell(v, target, column) is not None for v in distinct}
        fitting = values.map(read).sum()
        return bool(fitting >= _FITS * len(values))

    def refused(self, frame: pd.DataFrame, position: int, use: str) -> Verdict | None:
        """Why a column proposed as a segment without answer options cannot be one (its
        answers are no closed set, :func:`.content.closed_set`), or None."""
        if not use.startswith("segment ") or position not in frame:
            return None
        segment = self.codebook.segment(use.split(" ", 1)[1])
        if segment is not None and segment.options:
            return None
        column = self.export.columns[position]
        labels = column.value_labels or {}
        texts = frame[position].map(
            lambda v: str(labels.get(v, v)).strip() if str(v).strip() else None,
            na_action="ignore",
        )
        codes, values = pd.factorize(texts)
        return closed_set([str(v) for v in values], codes)

    def examples(self, frame: pd.DataFrame, position: int, use: str) -> tuple[tuple[str, str], ...]:
        """Up to three distinct answers that are read as answers (never anything else); a
        segment's only when a message could quote them (:func:`.content.quotable`)."""
        column = self.export.columns[position]
        counts = frame[position].value_counts() if position in frame else pd.Series()
        out = []
        for value in self.cells(frame, position):
            read = self.read_cell(value, use, column)
            if read is None:
                continue
            if use.startswith("segment ") and not quotable(read, int(counts.get(value, 0))):
                continue
            raw = _plain_number(str(value).strip()) if not isinstance(value, str) else value
            if column.value_labels and value in column.value_labels:
                raw = f"{raw} ({column.value_labels[value]})"
            out.append((shorten_to(raw, 24), read))
            if len(out) == _EXAMPLES:
                break
        return tuple(out)


def _plain_number(text: str) -> str:
    try:
        number = float(text)
    except ValueError:
        return text
    return str(int(number)) if number.is_integer() else text
