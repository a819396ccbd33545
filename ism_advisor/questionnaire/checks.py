"""The checks that matter before a codebook becomes a survey.

Errors are what would make the questionnaire unusable or keep a tool's export of it from
reading back with no mapping: a question without wording in a requested language, a
usage question whose answers the codebook would not read, a code a survey tool refuses,
two questions an export could not tell apart, a segment question without answer options
(it would be asked as free text, and typed answers — a name, an e-mail address, "Verkoop"
in five spellings — cannot name a segment). Warnings are what a consultant should know: a
factor measured by fewer than three items (its reliability suffers). Each names its place
in the codebook.

Duplicate item ids and a missing language in an item's, a factor's or a scale's texts are
refused by the codebook's loader already (every item has Dutch and English wording).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..core.errors import N_, AdvisorError, Message
from ..core.i18n import translations
from ..core.yamlfile import Pos
from ..survey.codebook import Codebook, default_codebook_path, usage_answer_key
from .codes import NO, YES, usage_code, valid_question_code, valid_subquestion_code

__all__ = ["MIN_ITEMS", "check_codebook"]

#: Fewer items than this per factor draw a warning: Cronbach's α needs more to be
#: estimated with any precision, and a scale that loses one item to a blank answer is gone.
MIN_ITEMS = 3

_TOOLS = ("limesurvey", "qualtrics")
#: the folder the packaged codebook's problems tell the user to make with 'ism-advise init'
_FOLDER = "my-survey"
_NUMBER = re.compile(r"^\s*\d{1,5}\s*$")


def _packaged(codebook: Codebook) -> bool:
    return Path(codebook.path).resolve() == default_codebook_path().resolve()


def check_codebook(
    codebook: Codebook, langs: Sequence[str], fmt: str
) -> tuple[list[AdvisorError], list[AdvisorError]]:
    """(errors, warnings) of ``codebook`` as a questionnaire in ``langs`` and ``fmt``."""
    return _Checks(codebook, langs, fmt).run()


class _Checks:
    def __init__(self, codebook: Codebook, langs: Sequence[str], fmt: str) -> None:
        self.codebook = codebook
        self.langs = langs
        self.fmt = fmt
        self.errors: list[AdvisorError] = []
        self.warnings: list[AdvisorError] = []

    def problem(self, into: list, template: str, pos: Pos | None, **params: Any) -> None:
        # a problem of the packaged codebook without a place names no file: the user
        # does not edit the packaged file (it may sit inside site-packages) but a copy
        path = None if pos is None and _packaged(self.codebook) else self.codebook.path
        into.append(
            AdvisorError(
                template,
                path=path,
                line=pos.line if pos else None,
                column=pos.column if pos else None,
                **params,
            )
        )

    def error(self, template: str, pos: Pos | None, **params: Any) -> None:
        self.problem(self.errors, template, pos, **params)

    def warn(self, template: str, pos: Pos | None, **params: Any) -> None:
        self.problem(self.warnings, template, pos, **params)

    def run(self) -> tuple[list[AdvisorError], list[AdvisorError]]:
        self.usage()
        self.segments()
        self.items()
        self.codes()
        return self.errors, self.warnings

    def usage(self) -> None:
        usage = self.codebook.usage
        for lang in self.langs:
            if lang not in usage.text:
                self.error(
                    N_(
                        "the usage question has no wording in '{lang}' (give it as text: {{nl:"
                        " …, en: …}} under usage)"
                    ),
                    usage.pos,
                    lang=lang,
                )
        if usage.type == "numeric":
            scale = self.codebook.answer_scale(usage.answers) if usage.answers else None
            if scale is None:
                self.error(
                    N_(
                        "a numeric usage question needs 'answers': the answer scale it is asked"
                        " with (e.g. a frequency from answer_scales)"
                    ),
                    usage.pos,
                )
            elif self.fmt in _TOOLS:
                self.whole_points(scale.points, scale.id, usage.pos)
            return
        for template, answers, keys, key in (
            (YES, usage.users, usage.user_keys, "users"),
            (NO, usage.non_users, usage.non_user_keys, "non_users"),
        ):
            for lang in self.langs:
                text = Message(template).render(translations(lang))
                if usage_answer_key(text) not in keys:
                    self.error(
                        N_(
                            "the questionnaire answers the usage question with '{text}', which"
                            " is not among {key} (add it, so that an export of it reads back)"
                        ),
                        usage.pos,
                        text=text,
                        key=key,
                    )
            if self.fmt == "qualtrics" and not any(_NUMBER.match(a) for a in answers):
                self.error(
                    N_(
                        "none of {key} is a whole number, which Qualtrics needs as the answer's"
                        " code (add one, e.g. 1 for users and 0 for non-users)"
                    ),
                    usage.pos,
                    key=key,
                )
            elif self.fmt == "limesurvey" and not usage_code(answers):
                self.error(
                    N_(
                        "none of {key} can be a LimeSurvey answer code (letters and digits, at"
                        " most 5): add one, e.g. 1 for users and 0 for non-users"
                    ),
                    usage.pos,
                    key=key,
                )

    def segments(self) -> None:
        without_options = []
        for segment in self.codebook.segments:
            for lang in self.langs:
                if lang not in segment.text:
                    self.error(
                        N_(
                            "segment question '{id}' has no wording in '{lang}' (give it as"
                            " text: {{nl: …, en: …}})"
                        ),
                        segment.pos,
                        id=segment.id,
                        lang=lang,
                    )
            if segment.options:
                continue
            # a segment question without options would be asked as free text, whose
            # answers (anything typed: a name, an e-mail address) cannot name a segment
            without_options.append(segment)
            if not _packaged(self.codebook):
                self.error(
                    N_(
                        "segment question '{id}' has no answer options: the questionnaire"
                        " would ask it as free text, which cannot name a segment (list the"
                        " answers under options: - {{id: sales, nl: Verkoop, en: Sales}})"
                    ),
                    segment.pos,
                    id=segment.id,
                )
        if without_options and _packaged(self.codebook):
            # Only the user knows the answers, and the packaged file is not theirs to edit
            # (it may sit inside site-packages): one problem, with the commands that make
            # and use an editable copy, and no place in the packaged file.
            command = f"ism-advise questionnaire --knowledge {_FOLDER} --format {self.fmt}"
            if tuple(self.langs) != ("en",):
                command += f" --lang {','.join(self.langs)}"
            self.error(
                N_(
                    "the packaged codebook cannot know the answers to its segment questions"
                    " ({ids}), which the questionnaire asks as closed questions: run"
                    " 'ism-advise init {folder}', list each question's answers under options"
                    " in {folder}/factors.yaml (its comment shows how), then run '{command}'"
                ),
                None,
                ids=", ".join(f"'{segment.id}'" for segment in without_options),
                folder=_FOLDER,
                command=command,
            )

    def items(self) -> None:
        codebook = self.codebook
        for factor in codebook.factors:
            if len(factor.items) < MIN_ITEMS:
                template = (
                    N_(
                        "factor '{factor}' has one item: its score rests on a single statement"
                        " and its reliability (Cronbach's alpha) cannot be estimated (add items;"
                        " {minimum} is the least)"
                    )
                    if len(factor.items) == 1
                    else N_(
                        "factor '{factor}' has only {count} items: with fewer than {minimum},"
                        " its reliability (Cronbach's alpha) is poorly estimated (add items)"
                    )
                )
                self.warn(
                    template,
                    factor.pos,
                    factor=factor.id,
                    count=len(factor.items),
                    minimum=MIN_ITEMS,
                )
            if self.fmt not in _TOOLS:
                continue
            for item in factor.items:
                scale = codebook.item_scale(factor, item)
                if scale is not None:
                    self.whole_points(scale.points, scale.id, item.pos)
        dont_know = codebook.questionnaire.dont_know
        if self.fmt in _TOOLS and dont_know is not None and not float(dont_know.code).is_integer():
            self.error(
                N_(
                    "the don't-know code {code:g} is not a whole number, which a survey tool"
                    " needs as an answer code"
                ),
                codebook.questionnaire.pos.get("dont_know"),
                code=dont_know.code,
            )

    def whole_points(self, points, scale_id: str, pos: Pos | None) -> None:
        for point in points:
            if not float(point.value).is_integer() or not -9999 <= point.value <= 99999:
                self.error(
                    N_(
                        "answer scale '{scale}' has the value {value:g}, which a survey tool"
                        " cannot export as an answer code (use whole numbers)"
                    ),
                    pos,
                    scale=scale_id,
                    value=point.value,
                )
                return

    def codes(self) -> None:
        """Every question and statement needs a code an export can be matched by, and no
        two may share one (compared as LimeSurvey does: without regard to case)."""
        codebook = self.codebook
        usage = codebook.usage
        names: dict[str, Message] = {}
        for name in usage.column_names():
            names.setdefault(name.casefold(), Message(N_("the usage question")))
        for segment in codebook.segments:
            for name in segment.column_names():
                names.setdefault(
                    name.casefold(),
                    Message(N_("segment question '{id}'"), {"id": segment.id}),
                )
        limesurvey = self.fmt == "limesurvey"
        if limesurvey and not any(valid_question_code(n) for n in usage.column_names()):
            self.error(
                N_(
                    "the usage question's column '{name}' cannot be a LimeSurvey question code"
                    " (a letter, then letters and digits, at most 20, not a reserved word):"
                    " give it an alias that can"
                ),
                usage.pos,
                name=usage.column,
            )
        for segment in codebook.segments:
            if limesurvey and not any(valid_question_code(n) for n in segment.column_names()):
                self.error(
                    N_(
                        "segment question '{id}' cannot be a LimeSurvey question code (a"
                        " letter, then letters and digits, at most 20, not a reserved word):"
                        " give it an alias that can"
                    ),
                    segment.pos,
                    id=segment.id,
                )
        for factor in codebook.factors:
            for item in factor.items:
                clash = names.get(item.id.casefold())
                if clash is not None:
                    self.error(
                        N_(
                            "item id '{item}' is also a name of {other}: an export could not"
                            " tell their columns apart"
                        ),
                        item.pos,
                        item=item.id,
                        other=clash,
                    )
                if limesurvey and not valid_subquestion_code(item.id):
                    self.error(
                        N_(
                            "item id '{item}' cannot be a LimeSurvey subquestion code (letters"
                            " and digits, at most 20, not 'time'), so an export would not name"
                            " its column by it (rename it, e.g. '{suggestion}')"
                        ),
                        item.pos,
                        item=item.id,
                        suggestion=(re.sub(r"[^A-Za-z0-9]", "", item.id)[:19] or "q")
                        + ("1" if item.id == "time" else ""),
                    )
                names.setdefault(item.id.casefold(), Message(N_("item '{id}'"), {"id": item.id}))
