"""Anonymity of the open comments: which groups of comments are shown, and which quotes.

A run with ``--comments`` has every non-blank, redacted comment of the latest wave coded
(:func:`ism_advisor.stats.comments.code_comments`). This stage decides what of them the
document shows (the document's ``comments`` and each segment's ``comments``, contract C5):

* a **group** is a shown segment's non-users, or its users; each of its respondents'
  comments (every requested comment column) counts once. A group is shown only when the
  segment is shown (:class:`~ism_advisor.protect.disclosure.Published`) and it holds at
  least ``threshold`` comments (``--min-comments``, never below ``--min-group-size``);
  a hidden group shows no count, no code, no theme and no quote;
* **complementary hiding**: within one segmentation (one ``spec``) and one parent segment
  (the whole: all respondents, or the organisation a department nests in), the whole's
  comment count minus its shown children's is the count of what is left (the hidden
  children, and the respondents without a value). When exactly one such unknown group is
  left — a hidden child holding comments (a hidden segment's count is taken as some), or
  the respondents without a value holding 1 to ``threshold`` − 1 comments — that
  difference is its count: the smallest other shown child (fewest comments, then the
  first in the table) is hidden too, until no segmentation has exactly one such group —
  the "next smallest" rule of :mod:`~ism_advisor.protect.disclosure`, applied to the
  comment counts (within one segmentation: a difference across segmentations is not
  checked here);
* **quotes**: at most :data:`MAX_QUOTES` per code and shown group, the most
  representative first — most matched terms for the code, fewest other codes, a length
  (in words) nearest the group's median — then by the SHA-256 of the text, so the order
  reveals neither time nor row. Never a comment shorter than :data:`MIN_QUOTE_WORDS`
  words, nor one that names a value of any segment column of the survey (whole word,
  case-insensitive: it would tell which segment wrote it), nor one whose writer's own group
  is not shown in every segmentation of the run (:func:`_quotable`: a small group's comment
  is counted in the larger groups, never quoted); identical texts are one quote, and so are
  texts of which one contains the other (in words, ignoring case and punctuation).

The coder's results are read as contract C3 shapes them (``codes`` and ``terms`` of
each coded comment — not its direction: the coder's direction is not accurate enough to
report, macro-F1 about 0.5 on the labelled sets; the :class:`CommentCodes`' ``codes`` with ``id``,
``kind`` and ``label``); the emerging themes are found by the function the run passes
(:func:`ism_advisor.stats.comments.emerging_themes`), so this module loads neither
simplemma nor scikit-learn.
"""

from __future__ import annotations

import hashlib
import re
import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "GROUPS",
    "MAX_QUOTES",
    "MIN_QUOTE_WORDS",
    "PublishedComments",
    "comment_facts",
    "publish_comments",
]

#: the two groups of a segment, as the document names them
GROUPS = ("non_users", "users")
#: the most quotes per code and group
MAX_QUOTES = 3
#: a quote has at least this many words
MIN_QUOTE_WORDS = 3

#: Finds the emerging themes: ``(texts, min_size=...) -> [Theme]`` (contract C3).
FindThemes = Callable[..., Sequence[Any]]

_HIDDEN: dict[str, Any] = {
    "shown": False,
    "n": None,
    "codes": [],
    "themes": [],
    "dominant": None,
}


@dataclass(frozen=True)
class PublishedComments:
    """What the document shows of the comments: ``summary`` is the document's
    ``comments``; ``segments`` each segment's ``comments`` in the order of
    :attr:`Published.segments` (None for a hidden segment)."""

    summary: dict[str, Any]
    segments: list[dict[str, Any] | None]


def publish_comments(
    survey: Any,
    published: Any,
    coded: Sequence[Any],
    codes: Any,
    *,
    threshold: int,
    lang: str,
    find_themes: FindThemes | None = None,
) -> PublishedComments:
    """The shown groups of comments, their codes, themes and quotes (module docstring).

    ``survey.comments``: the redacted comments (one column per requested column, None
    where blank), on ``survey.scores``' row index; ``coded``: the coder's result for each
    non-blank comment, in the order of :func:`comment_texts`; ``codes``: the
    :class:`CommentCodes`; ``find_themes``: the emerging themes' finder (None: no themes).
    """
    rows, texts = comment_texts(survey.comments)
    if len(coded) != len(texts):
        raise ValueError(f"{len(coded)} coded comments for {len(texts)} comments")
    order = [code.id for code in codes.codes]
    is_user = np.asarray(survey.is_user, dtype=bool)
    positions = np.asarray(rows, dtype=int)
    members = _group_members(survey, published, is_user, positions)
    counts = {key: int(mask.sum()) for key, mask in members.items()}
    shown = {key: counts[key] >= threshold for key in members}
    _hide_complements(survey, published, is_user, positions, threshold, counts, shown)

    # the emerging themes: over the uncoded comments of the shown groups of all respondents
    themes: list[Any] = []
    theme_of = np.full(len(texts), None, dtype=object)
    overall = np.zeros(len(texts), dtype=bool)
    for group in GROUPS:
        if shown.get((0, group)):
            overall |= members[(0, group)]
    if find_themes is not None:
        uncoded = [i for i in range(len(texts)) if overall[i] and not coded[i].codes]
        themes = list(find_themes([texts[i] for i in uncoded], min_size=threshold))
        for theme in themes:
            for member in theme.members:
                theme_of[uncoded[member]] = theme.id
    naming = _segment_values(survey)
    quotable = _quotable(published, members, shown, len(texts))
    segments: list[dict[str, Any] | None] = []
    for index, segment in enumerate(published.segments.to_dict("records")):
        if segment["suppressed"]:
            segments.append(None)
            continue
        entry = {}
        for group in GROUPS:
            key = (index, group)
            if not shown[key]:
                entry[group] = dict(_HIDDEN)
                continue
            chosen = np.flatnonzero(members[key])
            entry[group] = _group(chosen, texts, coded, order, themes, theme_of, naming, quotable)
        segments.append(entry)
    summary = {
        "columns": [str(c) for c in survey.comments.columns],
        "min_comments": int(threshold),
        "n": int(overall.sum()),
        "codes": [
            {"code": code.id, "kind": code.kind, "label": _label(code.label, lang)}
            for code in codes.codes
        ],
        "themes": [
            {"theme": theme.id, "terms": list(theme.terms), "n": len(theme.members)}
            for theme in themes
        ],
    }
    return PublishedComments(summary=summary, segments=segments)


def comment_texts(comments: pd.DataFrame) -> tuple[list[int], list[str]]:
    """Every non-blank comment, respondent by respondent (row position), then column by
    column: the respondents' row positions and the texts (the order the coder gets)."""
    rows: list[int] = []
    texts: list[str] = []
    values = comments.to_numpy(dtype=object)
    for position, row in enumerate(values):
        for value in row:
            if isinstance(value, str) and value.strip():
                rows.append(position)
                texts.append(value)
    return rows, texts


def comment_facts(
    segment: Mapping[str, Any] | None, factors: Sequence[str]
) -> dict[str, dict[str, Any]]:
    """Per factor the rule facts of a segment's comments (contract C6): ``comment_n``, its
    non-users' comments coded to the factor (0 when the group is not shown), and
    ``comment_share``, that count's share of the group's comments (None when not
    shown)."""
    group = (segment or {}).get("non_users") or _HIDDEN
    if not group["shown"]:
        return {f: {"comment_n": 0, "comment_share": None} for f in factors}
    found = {row["code"]: row["n"] for row in group["codes"]}
    return {
        f: {"comment_n": int(found.get(f, 0)), "comment_share": found.get(f, 0) / group["n"]}
        for f in factors
    }


# -- the groups ------------------------------------------------------------------------------


def _segment_mask(survey: Any, where: Mapping[str, Any]) -> np.ndarray:
    """The respondents of a segment (``where``: column → value; {}: everyone)."""
    mask = np.ones(len(survey.is_user), dtype=bool)
    for column, value in where.items():
        mask &= (survey.segments[column] == value).fillna(False).to_numpy(dtype=bool)
    return mask


def _group_members(
    survey: Any, published: Any, is_user: np.ndarray, positions: np.ndarray
) -> dict[tuple[int, str], np.ndarray]:
    """Per shown segment and group, which comments (by index) are its."""
    out = {}
    for index, segment in enumerate(published.segments.to_dict("records")):
        if segment["suppressed"]:
            continue
        inside = _segment_mask(survey, segment["where"])
        for group, user in zip(GROUPS, (False, True), strict=True):
            respondents = inside & (is_user == user)
            out[(index, group)] = respondents[positions] if len(positions) else positions > 0
    return out


def _hide_complements(
    survey: Any,
    published: Any,
    is_user: np.ndarray,
    positions: np.ndarray,
    threshold: int,
    counts: Mapping[tuple[int, str], int],
    shown: dict[tuple[int, str], bool],
) -> None:
    """Hide the smallest shown child wherever exactly one unknown group's count would
    follow from its whole's (module docstring); ``shown`` is changed in place."""
    table = published.segments.to_dict("records")
    families: dict[tuple[Any, int], list[int]] = {}
    for index, segment in enumerate(table):
        if index == 0:
            continue
        parent = segment.get("parent")
        whole = 0 if parent is None or pd.isna(parent) else int(parent)
        families.setdefault((segment["spec"], whole), []).append(index)
    changed = True
    while changed:
        changed = False
        for (_, whole), children in families.items():
            inside = np.zeros(len(is_user), dtype=bool)
            for child in children:
                inside |= _segment_mask(survey, table[child]["where"])
            rest = _segment_mask(survey, table[whole]["where"]) & ~inside
            for group, user in zip(GROUPS, (False, True), strict=True):
                if not shown.get((whole, group)):
                    continue
                unknown = [c for c in children if not shown.get((c, group))]
                # a hidden segment's count is unknown, so taken as some
                hidden = sum(counts.get((c, group), 1) for c in unknown)
                rest_people = rest & (is_user == user)
                left = int(rest_people[positions].sum()) if len(positions) else 0
                if rest_people.any():
                    unknown.append(-1)
                if len(unknown) != 1:
                    continue
                if unknown == [-1] and not 0 < left < threshold:
                    continue  # the unsegmented's count: none, or a shown group's worth
                if unknown != [-1] and hidden == 0:
                    continue
                others = [c for c in children if shown.get((c, group))]
                if not others:
                    continue
                smallest = min(others, key=lambda c: (counts[(c, group)], c))
                shown[(smallest, group)] = False
                changed = True


# -- one shown group --------------------------------------------------------------------------


def _group(
    chosen: np.ndarray,
    texts: Sequence[str],
    coded: Sequence[Any],
    order: Sequence[str],
    themes: Sequence[Any],
    theme_of: np.ndarray,
    naming: re.Pattern[str] | None,
    quotable: np.ndarray,
) -> dict[str, Any]:
    """A shown group's entry (C5): its codes with their quotes, its themes, its dominant."""
    n = len(chosen)
    tally: dict[str, list[int]] = {code: [] for code in order}
    for i in chosen:
        for code in coded[i].codes:
            tally.setdefault(code, []).append(int(i))
    median = statistics.median(_words(texts[i]) for i in chosen) if n else 0
    rank = {code: position for position, code in enumerate(order)}
    rows = []
    for code in sorted((c for c in tally if tally[c]), key=lambda c: (-len(tally[c]), rank[c])):
        found = tally[code]
        rows.append(
            {
                "code": code,
                "n": len(found),
                "share": round(len(found) / n, 4),
                "quotes": _quotes(
                    code, [i for i in found if quotable[i]], texts, coded, median, naming
                ),
            }
        )
    theme_rows = []
    for theme in themes:
        count = int(sum(1 for i in chosen if theme_of[i] == theme.id))
        if count:
            theme_rows.append({"theme": theme.id, "n": count, "share": round(count / n, 4)})
    theme_rows.sort(key=lambda row: -row["n"])  # stable: ties stay in the themes' order
    dominant = None
    candidates = [(row["n"], row["code"]) for row in rows] + [
        (row["n"], row["theme"]) for row in theme_rows
    ]
    if candidates:  # codes first, in the file's order, then themes: the first largest wins
        dominant = max(candidates, key=lambda pair: pair[0])[1]
    return {"shown": True, "n": n, "codes": rows, "themes": theme_rows, "dominant": dominant}


def _quotable(
    published: Any,
    members: Mapping[tuple[int, str], np.ndarray],
    shown: Mapping[tuple[int, str], bool],
    n: int,
) -> np.ndarray:
    """Which comments may be quoted anywhere: those whose writer's own group is shown in
    every segmentation of the run. A comment of a group below the threshold (or of a
    hidden segment, or of no segment) is counted in the larger groups it belongs to, but
    never quoted, not even there: what it says could point to its small group."""
    out = np.ones(n, dtype=bool)
    specs: dict[Any, list[int]] = {}
    for index, segment in enumerate(published.segments.to_dict("records")):
        if index:
            specs.setdefault(segment["spec"], []).append(index)
    for indices in specs.values():
        covered = np.zeros(n, dtype=bool)
        for index in indices:
            for group in GROUPS:
                if shown.get((index, group)):
                    covered |= members[(index, group)]
        out &= covered
    return out


def _quotes(
    code: str,
    found: Sequence[int],
    texts: Sequence[str],
    coded: Sequence[Any],
    median: float,
    naming: re.Pattern[str] | None,
) -> list[str]:
    """At most :data:`MAX_QUOTES` quotes of ``code`` (module docstring)."""
    best: dict[str, tuple] = {}
    for i in found:
        text = texts[i]
        words = _words(text)
        if words < MIN_QUOTE_WORDS or (naming is not None and naming.search(text)):
            continue
        key = (
            -len(coded[i].terms.get(code, ())),
            len(coded[i].codes) - 1,
            abs(words - median),
            hashlib.sha256(text.encode("utf-8")).hexdigest(),
        )
        if text not in best or key < best[text]:
            best[text] = key
    chosen: list[str] = []
    seen: list[str] = []
    for text, _ in sorted(best.items(), key=lambda item: item[1]):
        plain = " ".join(re.findall(r"\w+", text.casefold()))
        if any(plain in other or other in plain for other in seen):
            continue  # the same comment with a sentence more or less: one quote
        chosen.append(text)
        seen.append(plain)
        if len(chosen) == MAX_QUOTES:
            break
    return chosen


def _words(text: str) -> int:
    """The number of words of a comment."""
    return len(text.split())


def _segment_values(survey: Any) -> re.Pattern[str] | None:
    """A pattern matching any value of any segment column as a whole word,
    case-insensitively (None: no values)."""
    values = set()
    for column in survey.segments.columns:
        for value in survey.segments[column].dropna().unique():
            text = str(value).strip()
            if text:
                values.add(text)
    if not values:
        return None
    alternatives = "|".join(re.escape(v) for v in sorted(values, key=lambda v: (-len(v), v)))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def _label(label: Mapping[str, str], lang: str) -> str:
    """A code's label in the run's language (else English, else any)."""
    return label.get(lang) or label.get("en") or next(iter(label.values()), "")
