"""What a run was asked to do, validated once: :class:`Settings` (what to read and how to
analyse it) and :class:`OutputSettings` (what to write where).

The command line gives its options here and turns a :class:`SettingsError` into its own
usage error; the library's :func:`~ism_advisor.app.pipeline.advise` builds a
:class:`Settings` from its keyword arguments. Nothing here reads a survey: every check
is on the options themselves (and the files they name exist or not), so that a mistake
is refused before any work. This module imports nothing heavy (``ism-advise --help``
loads it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .init import knowledge_files

if TYPE_CHECKING:
    from ..render.deck import DeckTemplate
    from ..survey.reading.model import SheetChoice

__all__ = [
    "FORMATS",
    "PDF_VARIANTS",
    "SUFFIXES",
    "OutputSettings",
    "Settings",
    "SettingsError",
    "check_brief",
    "check_comments",
    "check_waves",
    "comment_codes_path",
    "knowledge_paths",
    "named_format",
    "output_format",
    "sheet_choice",
]

#: The formats the report is written in, and the file suffixes that name each (the one
#: place that maps an output file name to a format: -o's suffix chooses the format
#: when --format is not given, and a suffix that contradicts --format is refused).
SUFFIXES = {
    "html": (".html", ".htm"),
    "pdf": (".pdf",),
    "md": (".md", ".markdown"),
    "json": (".json",),
    "pptx": (".pptx",),
}
FORMATS = tuple(SUFFIXES)
#: --pdf-variant's values, as ``report.PDF_VARIANTS`` defines them (a test keeps the two
#: together; the report module is not imported for --help)
PDF_VARIANTS = ("pdf/ua-1", "pdf/a-3b", "plain")


class SettingsError(Exception):
    """Options that do not fit together: the command line's usage error (exit 2).

    ``usage``: a usage error of the whole command; otherwise a bad value of the option(s)
    ``param_hint`` names (as click's ``BadParameter`` takes it).
    """

    def __init__(
        self, message: str, param_hint: str | Sequence[str] | None = None, usage: bool = False
    ) -> None:
        super().__init__(message)
        self.message = message
        self.param_hint = param_hint
        self.usage = usage


@dataclass(frozen=True)
class Settings:
    """What one run reads and how it analyses it (``ism-advise SCORES``, ``explain``, the
    library's ``advise``): the knowledge base's files (None: the packaged ones), the
    survey files (several: waves in time order), and the analysis options."""

    scores: tuple[Path, ...]
    wave_names: tuple[str, ...] = ()
    wave_by: str | None = None
    done: Path | None = None
    codebook: Path | None = None
    rules: Path | None = None
    interventions: Path | None = None
    segment_by: tuple[str, ...] = ()
    alpha: float = 0.05
    min_group_size: int = 5
    lang: str = "en"
    mapping: Path | None = None
    include_incomplete: bool = False
    sheet: SheetChoice | None = None
    explain_all: bool = False
    #: read the files as waves even when there is one without ``wave_by`` (the library's
    #: ``advise_waves``: comparing the waves then says that it needs two)
    as_waves: bool = False
    #: the consultancy's store (``--store``: a path or a ``postgresql://`` URL; None: no
    #: store, unless ``norms`` asks for one: then ``ISM_ADVISOR_STORE`` or the default)
    store: str | None = None
    #: the client's label in the store (``--client``): publication memory and norms leave
    #: the client's own entries out
    client: str | None = None
    #: compare the client with the other organisations in the store (``--norms``)
    norms: bool = False
    #: how far back, in months, the norms reach (``--norms-window``)
    norms_window: int = 36
    #: check this run's cells against the client's earlier runs and record them
    #: (False: ``--no-memory``, a one-off run)
    memory: bool = True
    #: the report date (``--date``, ISO): the norms' window ends there
    date: str | None = None
    #: use the store's evidence ledger (``--evidence``): what the interventions changed at
    #: other clients, on the action cards, in the appendix and in the rules' facts
    evidence: bool = False
    #: the comment columns to read (``--comments``; ``open``: every open question); empty:
    #: no comment is read, nothing of the comments' modules is imported
    comments: tuple[str, ...] = ()
    #: the fewest comments a group needs to be shown (``--min-comments``; the effective
    #: value is never below ``min_group_size``: :attr:`comment_threshold`)
    min_comments: int = 10
    #: the comments' codes (``--comment-codes``, else ``comments.yaml`` of ``--knowledge``;
    #: None: the packaged ones)
    comment_codes: Path | None = None
    #: coding sheets corrected by the consultant (``--comment-examples``)
    comment_examples: tuple[Path, ...] = ()
    #: terms to redact from the comments (``--redact``: the organisation's name, ...)
    redact: tuple[str, ...] = ()
    #: redact the values of the segment columns from the comments (``--redact-segments``)
    redact_segments: bool = False

    @property
    def comment_threshold(self) -> int:
        """The fewest comments a group needs: ``min_comments``, never below
        ``min_group_size``."""
        return max(int(self.min_comments), int(self.min_group_size))

    @property
    def waves(self) -> bool:
        """Several survey waves: more than one file, or one split by ``wave_by``."""
        return self.as_waves or len(self.scores) > 1 or self.wave_by is not None

    @classmethod
    def of(cls, scores: Sequence[str | Path], **options: Any) -> Settings:
        """Settings from the library's keyword arguments (:func:`~ism_advisor.advise`): the
        files and every path as given (messages name them so), sequences as tuples."""
        for key in ("segment_by", "wave_names", "comments", "redact"):
            if key in options:
                options[key] = tuple(options[key])
        if "comment_examples" in options:
            options["comment_examples"] = tuple(Path(p) for p in options["comment_examples"])
        return cls(scores=tuple(scores), **options)  # type: ignore[arg-type]

    @classmethod
    def create(
        cls,
        scores: Sequence[str | Path],
        *,
        knowledge: Path | None = None,
        codebook: Path | None = None,
        rules: Path | None = None,
        interventions: Path | None = None,
        wave_names: Sequence[str] = (),
        wave_by: str | None = None,
        done: Path | None = None,
        segment_by: Sequence[str] = (),
        sheet: str | None = None,
        header_row: int | None = None,
        comments: Sequence[str] = (),
        comment_codes: Path | None = None,
        comment_examples: Sequence[Path] = (),
        redact: Sequence[str] = (),
        **options: Any,
    ) -> Settings:
        """The command line's options as settings: the wave options checked against the
        files, a ``knowledge`` folder's files where no file is given, ``sheet`` and
        ``header_row`` as the reader takes them, the comments' options checked
        (:func:`check_comments`)."""
        paths = tuple(Path(p) for p in scores)
        check_waves(paths, tuple(wave_names), wave_by, done)
        if options.get("min_comments", 10) is None:  # not given: 10, or the group size
            options["min_comments"] = max(10, options.get("min_group_size", 5))
        check_comments(
            tuple(comments),
            options.get("min_comments", 10),
            options.get("min_group_size", 5),
            bool(comment_codes or comment_examples or redact or options.get("redact_segments")),
        )
        codebook, rules, interventions, _ = knowledge_paths(
            knowledge, codebook, rules, interventions
        )
        if comments and comment_codes is None:
            comment_codes = comment_codes_path(knowledge)
        return cls(
            scores=paths,
            wave_names=tuple(wave_names),
            wave_by=wave_by,
            done=done,
            codebook=codebook,
            rules=rules,
            interventions=interventions,
            segment_by=tuple(segment_by),
            sheet=sheet_choice(sheet, header_row),
            comments=tuple(comments),
            comment_codes=comment_codes,
            comment_examples=tuple(Path(p) for p in comment_examples),
            redact=tuple(redact),
            **options,
        )


@dataclass(frozen=True)
class OutputSettings:
    """What ``ism-advise SCORES`` writes: the format, the file (None: standard output),
    the per-segment folder, and how the report looks."""

    fmt: str
    target: Path | None
    #: every file the run reads (none of them may be written)
    inputs: tuple[Path, ...]
    per_segment: Path | None = None
    brief: bool = False
    pdf_variant: str | None = None
    title: str | None = None
    client: str | None = None
    date: str | None = None
    templates: Path | None = None
    #: the checked PowerPoint template (None: the packaged one)
    pptx_template: DeckTemplate | None = None
    quiet: bool = False

    @classmethod
    def create(
        cls,
        scores: Sequence[Path],
        *,
        fmt: str | None = None,
        output: str | None = None,
        pdf_variant: str | None = None,
        title: str | None = None,
        client: str | None = None,
        report_date: str | None = None,
        templates: Path | None = None,
        pptx_template: Path | None = None,
        quiet: bool = False,
        per_segment: Path | None = None,
        brief: bool = False,
        **options: Any,
    ) -> tuple[Settings, OutputSettings]:
        """``ism-advise SCORES``'s options as the run's settings and the output's, checked
        in the order the command always checked them: the format, the PDF variant, the
        wave options, ``--brief``, the PowerPoint template, the knowledge base's files."""
        chosen = output_format(output, fmt, pptx_template)
        if pdf_variant is not None and chosen != "pdf":
            raise SettingsError(
                f"{pdf_variant!r} is a kind of PDF, but the report is written as {chosen} (add"
                " --format pdf, or write to a .pdf file)",
                param_hint="'--pdf-variant'",
            )
        check_waves(
            tuple(scores),
            tuple(options.get("wave_names", ())),
            options.get("wave_by"),
            options.get("done"),
        )
        check_brief(brief, per_segment, chosen, tuple(options.get("segment_by", ())))
        deck = None
        if chosen == "pptx":  # checked before the analysis: a broken template fails at once
            from ..render.deck import load_deck_template

            deck = load_deck_template(pptx_template)
        settings = Settings.create(scores, client=client, date=report_date, **options)
        templates = knowledge_paths(options.get("knowledge"), None, None, None, templates)[3]
        inputs = (
            *settings.scores,
            settings.codebook,
            settings.rules,
            settings.interventions,
            settings.mapping,
            settings.done,
            pptx_template,
            settings.comment_codes,
            *settings.comment_examples,
        )
        target = None
        if output != "-":
            default = f"{settings.scores[-1].stem}-advice{SUFFIXES[chosen][0]}"
            target = Path(output) if output else Path.cwd() / default
        out = cls(
            fmt=chosen,
            target=target,
            inputs=tuple(p for p in inputs if p is not None),
            per_segment=per_segment,
            brief=brief,
            pdf_variant=pdf_variant,
            title=title,
            client=client,
            date=report_date,
            templates=templates,
            pptx_template=deck,
            quiet=quiet,
        )
        return settings, out


def output_format(output: str | None, fmt: str | None, pptx_template: Path | None = None) -> str:
    """The format to write: --format, else the -o suffix, else pptx with --pptx-template,
    else html.

    An -o suffix that names no format we write, or another format than --format, is a
    usage error: writing HTML into ``out.docx`` helps nobody. So is --pptx-template for
    anything but a deck.
    """
    chosen = named_format(output, fmt) or ("pptx" if pptx_template is not None else "html")
    if pptx_template is not None and chosen != "pptx":
        raise SettingsError(
            f"a PowerPoint template is for --format pptx, but the output is {chosen} (give"
            " --format pptx or -o NAME.pptx, or leave out --pptx-template)",
            param_hint=["--pptx-template"],
        )
    return chosen


def named_format(output: str | None, fmt: str | None) -> str | None:
    """--format, else the format the -o suffix names (None: neither says)."""
    if not output or output == "-":
        return fmt
    suffix = Path(output).suffix.lower()
    named = next((f for f, suffixes in SUFFIXES.items() if suffix in suffixes), None)
    hint = ["-o", "--output"]
    if suffix and named is None:
        known = [s[0] for s in SUFFIXES.values()]
        raise SettingsError(
            f"{output!r} ends in {suffix}, a format ism-advise does not write (use"
            f" {', '.join(known[:-1])} or {known[-1]})",
            param_hint=hint,
        )
    if fmt is not None and named is not None and named != fmt:
        raise SettingsError(
            f"{output!r} ends in {suffix}, but --format is {fmt} (name it"
            f" {Path(output).with_suffix(SUFFIXES[fmt][0])}, or leave out --format)",
            param_hint=hint,
        )
    return fmt or named


def check_waves(
    scores: tuple[Path, ...], wave_names: tuple[str, ...], wave_by: str | None, done: Path | None
) -> None:
    """The wave options fit the files given (usage errors)."""
    if wave_by is not None and len(scores) > 1:
        raise SettingsError("--wave-by reads the waves from one file; give one SCORES", usage=True)
    if len(scores) == 1 and wave_by is None:
        for given, name in ((wave_names, "--wave-name"), (done, "--done")):
            if given:
                raise SettingsError(
                    f"{name} needs two or more survey files, or --wave-by COL", usage=True
                )


def check_brief(
    brief: bool, per_segment: Path | None, fmt: str, segment_by: tuple[str, ...] = ()
) -> None:
    """--brief: only with --per-segment, and not as json; --per-segment: only with
    --segment-by (exit 2 otherwise)."""
    if brief and per_segment is None:
        raise SettingsError(
            "--brief needs --per-segment DIR: the briefs are written one per segment into DIR",
            usage=True,
        )
    if brief and fmt not in ("html", "pdf", "md", "pptx"):
        raise SettingsError(
            f"a brief is written as html, pdf, md or pptx, not {fmt} (add --format html, pdf,"
            " md or pptx)",
            param_hint="'--brief'",
        )
    if per_segment is not None and not segment_by:
        what = "a brief" if brief else "a report"
        raise SettingsError(
            f"--per-segment DIR writes {what} per segment, but no segments are given (add"
            " --segment-by COL, e.g. --segment-by department)",
            usage=True,
        )


def check_comments(
    comments: tuple[str, ...], min_comments: int, min_group_size: int, options: bool = False
) -> None:
    """The comments' options fit together (usage errors): ``--min-comments`` never below
    ``--min-group-size``; the other comment options (``options``: one of them given) only
    with ``--comments``."""
    if min_comments < min_group_size:
        raise SettingsError(
            f"--min-comments {min_comments} is below --min-group-size {min_group_size}: a group"
            " of comments needs at least as many people as any other group (give"
            f" --min-comments {min_group_size} or more)",
            param_hint="'--min-comments'",
        )
    if options and not comments:
        raise SettingsError(
            "--comment-codes, --comment-examples, --redact and --redact-segments work on the"
            " comments: add --comments COLUMN (or --comments open)",
            usage=True,
        )


def comment_codes_path(folder: Path | None) -> Path | None:
    """The ``comments.yaml`` of a ``--knowledge`` folder (None: no folder, or it has none:
    the packaged codes)."""
    if folder is None:
        return None
    return knowledge_files(folder)["comments"]


def knowledge_paths(
    folder: Path | None,
    codebook: Path | None,
    rules: Path | None,
    interventions: Path | None,
    templates: Path | None = None,
) -> tuple[Path | None, Path | None, Path | None, Path | None]:
    """Explicit files win over a --knowledge folder, which wins over the packaged files."""
    if folder is None:
        return codebook, rules, interventions, templates
    found = knowledge_files(folder)
    return (
        codebook or found["codebook"],
        rules or found["rules"],
        interventions or found["interventions"],
        templates or found["templates"],
    )


def sheet_choice(sheet: str | None, header_row: int | None) -> SheetChoice | None:
    """--sheet and --header-row as the reader takes them (None: neither given)."""
    if sheet is None and header_row is None:
        return None
    from ..survey.reading.model import SheetChoice

    return SheetChoice(sheet, header_row)
