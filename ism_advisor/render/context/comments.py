"""What staff wrote: the document's ``comments`` (``--comments``) as the report, deck and
brief show them.

The comments come coded and already protected (part P's anonymity stage): a group below
``min_comments`` comments is ``{"shown": false, "n": null, ...}``, quotes come only from
shown groups, in an order that reveals nothing, and never name a segment's value. This
module only words and formats them: per factor in the findings ("What non-users wrote"),
the section "What staff wrote" (the codes per shown segment and group, the emerging
themes), the deck's slide and the brief's line. Without ``document["comments"]`` every
function here returns None (or ''), so that no output changes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ...core.errors import N_, P_
from ...core.formatting import format_figure

__all__ = [
    "CommentCodeRow",
    "CommentGroup",
    "CommentTheme",
    "Comments",
    "FactorComments",
    "brief_comments_line",
    "comments_context",
    "factor_comments",
]

#: The two groups of a segment, in the section's order, with their names.
GROUPS = {"non_users": N_("non-users"), "users": N_("users")}


def _help(text: str) -> Any:
    return field(metadata={"help": text})


@dataclass(frozen=True)
class FactorComments:
    """Under a factor in the findings: what the non-users of the report's population wrote."""

    shown: bool = _help("False when the non-users' comments are below the threshold.")
    line: str = _help(
        "'What non-users wrote: 35% of 34 comments name it', or the quiet line 'Fewer than"
        " 10 comments: not shown'."
    )
    quotes: tuple[str, ...] = _help("Up to 3 redacted quotes (plain text: escape it).")


@dataclass(frozen=True)
class CommentCodeRow:
    """One code in a group's table."""

    label: str = _help("The code's name in the report's language (a factor's: its name).")
    n: str = _help("How many of the group's comments it has, formatted.")
    share: str = _help("Its share of the group's comments, formatted ('35%').")


@dataclass(frozen=True)
class CommentGroup:
    """One shown segment's users or non-users in the section."""

    id: str = _help("An id for the table's caption and anchors, e.g. 'comments-2-non_users'.")
    caption: str = _help("'Department: Production, non-users: 34 comments' (the group's heading).")
    rows: tuple[CommentCodeRow, ...] = _help("The codes with comments, most first.")
    themes: tuple[str, ...] = _help("'T1: 5 comments (15%)' per emerging theme in the group.")
    dominant: str = _help(
        "'Most often named by non-users in Production: T1 (english, dutch, translate)'; ''"
        " when nothing is coded."
    )


@dataclass(frozen=True)
class CommentTheme:
    """One emerging theme over the uncoded comments."""

    theme: str = _help("Its id: 'T1', 'T2', ... by size.")
    terms: str = _help("Its top terms, joined: 'english, dutch, translate'.")
    n: str = _help("How many uncoded comments it has, formatted.")
    line: str = _help("'english, dutch, translate (37 comments)'.")


@dataclass(frozen=True)
class Comments:
    """The section "What staff wrote" (``document["comments"]``, from --comments)."""

    heading: str = _help("'What staff wrote'.")
    about: str = _help("What the comments are: open answers, redacted, coded, the threshold.")
    groups: tuple[CommentGroup, ...] = _help("Per shown segment, its non-users then users.")
    hidden: str = _help("Which groups are not shown (too few comments); '' when none.")
    themes: tuple[CommentTheme, ...] = _help("The emerging themes, largest first.")
    themes_note: str = _help("What to do with a theme (turn it into a code in comments.yaml).")
    columns: tuple[str, str, str, str, str] = _help(
        "The code table's headers: code, comments, share."
    )


def _labels(document: Mapping[str, Any]) -> dict[str, str]:
    """Code and theme id -> its name: a code's label, a theme's 'T1 (terms)'."""
    comments = document["comments"]
    labels = {c["code"]: c["label"] for c in comments["codes"]}
    for theme in comments["themes"]:
        labels[theme["theme"]] = f"{theme['theme']} ({', '.join(theme['terms'][:3])})"
    return labels


def _segment_name(segment: Mapping[str, Any], t: Callable[..., str]) -> str:
    if segment["column"] is None:
        return t("all respondents")
    return t(
        "{column}: {value}",
        column=segment.get("label") or segment["column"],
        value=segment["value"],
    )


def _pct(share: float, lang: str) -> str:
    return format_figure(share, "percent", lang)


def factor_comments(
    document: Mapping[str, Any], segment: Mapping[str, Any], factor: str, t, lang: str
) -> FactorComments | None:
    """The non-users' comments on ``factor`` in ``segment``; None without --comments or
    for a hidden segment (its comments are null)."""
    if "comments" not in document or not segment.get("comments"):
        return None
    group = segment["comments"]["non_users"]
    if not group["shown"]:
        return FactorComments(
            shown=False,
            line=t("Fewer than {k} comments: not shown.", k=document["comments"]["min_comments"]),
            quotes=(),
        )
    code = next((c for c in group["codes"] if c["code"] == factor), None)
    total = format_figure(group["n"], "count", lang)
    if code is None:
        line = t(
            P_(
                "What non-users wrote: none of {total} comment names it.",
                "What non-users wrote: none of {total} comments name it.",
            ),
            n=group["n"],
            total=total,
        )
        return FactorComments(shown=True, line=line, quotes=())
    line = t(
        P_(
            "What non-users wrote: {share} of {total} comment names it.",
            "What non-users wrote: {share} of {total} comments name it.",
        ),
        n=group["n"],
        share=_pct(code["share"], lang),
        total=total,
    )
    return FactorComments(shown=True, line=line, quotes=tuple(code["quotes"][:3]))


def dominant_sentence(
    document: Mapping[str, Any], segment: Mapping[str, Any], group: str, t
) -> str:
    """'Most often named by non-users in Production: T1 (english, dutch, translate).'"""
    found = segment["comments"][group]
    if not found["shown"] or not found["dominant"]:
        return ""
    name = _labels(document).get(found["dominant"], found["dominant"])
    if segment.get("column") is None:  # all respondents: no "in All respondents"
        if group == "non_users":
            return t("Most often named by non-users: {name}.", name=name)
        return t("Most often named by users: {name}.", name=name)
    where = _segment_name(segment, t)
    if group == "non_users":
        return t("Most often named by non-users in {segment}: {name}.", segment=where, name=name)
    return t("Most often named by users in {segment}: {name}.", segment=where, name=name)


def comments_context(
    document: Mapping[str, Any], t, lang: str, segment: int | None = None
) -> Comments | None:
    """The section from ``document["comments"]``; None without --comments. ``segment``: a
    report on one segment shows only that one's groups (None: every segment)."""
    if "comments" not in document:
        return None
    comments = document["comments"]
    count = lambda v: format_figure(v, "count", lang)  # noqa: E731 - local shorthand
    segments = document["segments"] if segment is None else [document["segments"][segment]]
    groups, hidden = [], []
    for index, seg in enumerate(segments):
        if not seg.get("comments"):
            continue
        name = _segment_name(seg, t)
        below = [t(label) for key, label in GROUPS.items() if not seg["comments"][key]["shown"]]
        if below:
            hidden.append(f"{name} ({', '.join(below)})")
        for group, group_name in GROUPS.items():
            found = seg["comments"][group]
            if not found["shown"]:
                continue
            rows = tuple(
                CommentCodeRow(
                    label=_labels(document).get(c["code"], c["code"]),
                    n=count(c["n"]),
                    share=_pct(c["share"], lang),
                )
                for c in found["codes"]
            )
            themes = tuple(
                t(
                    P_("{theme}: {n} comment ({share})", "{theme}: {n} comments ({share})"),
                    theme=_labels(document)[th["theme"]],
                    n=th["n"],
                    share=_pct(th["share"], lang),
                )
                for th in found["themes"]
            )
            caption = t(
                P_("{segment}, {group}: {n} comment", "{segment}, {group}: {n} comments"),
                segment=name,
                group=t(group_name),
                n=found["n"],
            )
            groups.append(
                CommentGroup(
                    id=f"comments-{index if segment is None else segment}-{group}",
                    caption=caption[:1].upper() + caption[1:],
                    rows=rows,
                    themes=themes,
                    dominant=dominant_sentence(document, seg, group, t),
                )
            )
    k = comments["min_comments"]
    about = t(
        P_(
            "The answers to the open question ({columns}): {n} comment of all respondents,"
            " made unrecognisable (names, e-mail addresses, phone numbers and the like"
            " replaced by a marker such as [name]) and coded by the knowledge base's"
            " comments.yaml; a comment can have several codes or none. Groups with fewer"
            " than {k} comments are not shown, and quotes come only from shown groups, in"
            " an order that reveals nothing about who wrote them or when.",
            "The answers to the open question ({columns}): {n} comments of all respondents,"
            " made unrecognisable (names, e-mail addresses, phone numbers and the like"
            " replaced by a marker such as [name]) and coded by the knowledge base's"
            " comments.yaml; a comment can have several codes or none. Groups with fewer"
            " than {k} comments are not shown, and quotes come only from shown groups, in"
            " an order that reveals nothing about who wrote them or when.",
        ),
        columns=", ".join(comments["columns"]),
        n=comments["n"],
        k=k,
    )
    return Comments(
        heading=t("What staff wrote"),
        about=about,
        groups=tuple(groups),
        hidden=t("Not shown (fewer than {k} comments): {groups}.", k=k, groups="; ".join(hidden))
        if hidden
        else "",
        themes=tuple(
            CommentTheme(
                theme=th["theme"],
                terms=", ".join(th["terms"]),
                n=count(th["n"]),
                line=t(
                    P_("{terms} ({count} comment)", "{terms} ({count} comments)"),
                    n=th["n"],
                    terms=", ".join(th["terms"]),
                    count=count(th["n"]),
                ),
            )
            for th in comments["themes"]
        ),
        themes_note=t(
            "Emerging themes: comments no code covers, grouped by the words they share."
            " Where a theme is useful, turn it into a code in comments.yaml (its top terms"
            " are a start) and run the advice again."
        )
        if comments["themes"]
        else "",
        columns=(t("Code"), t("Comments"), t("Share")),
    )


def brief_comments_line(
    document: Mapping[str, Any], segment: Mapping[str, Any], t, lang: str
) -> str:
    """The brief's line: "Non-users' comments most often name effort expectancy (35% of 34
    comments)"; '' without --comments, for a hidden group or when nothing is coded."""
    if "comments" not in document or not segment.get("comments"):
        return ""
    group = segment["comments"]["non_users"]
    if not group["shown"] or not group["dominant"]:
        return ""
    dominant = group["dominant"]
    entry = next(
        (
            c
            for c in (*group["codes"], *group["themes"])
            if c.get("code", c.get("theme")) == dominant
        ),
        None,
    )
    if entry is None:
        return ""
    return t(
        P_(
            "Non-users' comments most often name {name} ({share} of {total} comment).",
            "Non-users' comments most often name {name} ({share} of {total} comments).",
        ),
        n=group["n"],
        name=_labels(document).get(dominant, dominant),
        share=_pct(entry["share"], lang),
        total=format_figure(group["n"], "count", lang),
    )
