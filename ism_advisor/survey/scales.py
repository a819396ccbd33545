"""Answer scales: the words of each point of a survey's answer scale, in Dutch and English.

Survey tools export an agreement question either as the number of the chosen point or as
its text ("Mee eens", "Somewhat agree"). A scale lists, per point, the texts that mean it —
the first text per language is how a questionnaire words the point, the others are the
variants tools and people use — and the answer codes a tool may export instead. The
built-in ``agreement`` scale has a 5- and a 7-point form; an organisation adds its own in
the codebook (``answer_scales``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from ..core.textnorm import answer_key

__all__ = ["BUILTIN_SCALES", "AnswerPoint", "AnswerScale", "builtin_scale"]


@dataclass(frozen=True)
class AnswerPoint:
    """One point of a scale: its value, its texts per language, and its answer codes."""

    value: float
    texts: Mapping[str, tuple[str, ...]]
    codes: tuple[str, ...] = ()

    def text(self, lang: str) -> str:
        """How a questionnaire in ``lang`` words this point."""
        texts = self.texts.get(lang) or next(iter(self.texts.values()))
        return texts[0]


@dataclass(frozen=True)
class AnswerScale:
    """The points of an answer scale, lowest value first."""

    id: str
    points: tuple[AnswerPoint, ...]
    builtin: bool = field(default=False, compare=False)

    @cached_property
    def lookup(self) -> dict[str, float]:
        """Every text and code of the scale, compared as :func:`answer_key` compares."""
        out: dict[str, float] = {}
        for point in self.points:
            for texts in point.texts.values():
                for text in texts:
                    out.setdefault(answer_key(text), point.value)
            for code in point.codes:
                out.setdefault(answer_key(code), point.value)
        return out

    def texts(self, lang: str) -> tuple[str, ...]:
        """The questionnaire's text of each point in ``lang``, lowest first."""
        return tuple(point.text(lang) for point in self.points)

    def language_of(self, keys: set[str]) -> str | None:
        """The language whose texts the answers ``keys`` are written in (None: no text)."""
        best, found = None, 0
        for lang in ("nl", "en"):
            mine = {answer_key(t) for p in self.points for t in p.texts.get(lang, ())}
            count = len(keys & mine)
            if count > found:
                best, found = lang, count
        return best


def _agreement(*rows: tuple[tuple[str, ...], tuple[str, ...]]) -> tuple[AnswerPoint, ...]:
    return tuple(
        AnswerPoint(float(value), {"nl": nl, "en": en})
        for value, (nl, en) in enumerate(rows, start=1)
    )


_STRONGLY_DISAGREE = (
    ("Helemaal mee oneens", "Zeer mee oneens", "Helemaal oneens", "Zeer oneens"),
    ("Strongly disagree", "Completely disagree"),
)
_NEUTRAL = (
    (
        "Neutraal",
        "Niet mee eens, niet mee oneens",
        "Niet eens, niet oneens",
        "Noch eens, noch oneens",
        "Eens noch oneens",
        "Neutraal / geen mening",
    ),
    ("Neither agree nor disagree", "Neutral", "Neither agree or disagree"),
)
_STRONGLY_AGREE = (
    ("Helemaal mee eens", "Zeer mee eens", "Helemaal eens", "Zeer eens"),
    ("Strongly agree", "Completely agree"),
)

#: The built-in scales by number of points. Qualtrics' default 5-point agreement scale
#: uses "Somewhat disagree/agree" for points 2 and 4; its 7-point scale puts them on 3
#: and 5, between "Disagree" and the middle.
BUILTIN_SCALES: dict[int, AnswerScale] = {
    5: AnswerScale(
        "agreement",
        _agreement(
            _STRONGLY_DISAGREE,
            (
                ("Mee oneens", "Oneens", "Enigszins mee oneens", "Enigszins oneens"),
                ("Disagree", "Somewhat disagree"),
            ),
            _NEUTRAL,
            (
                ("Mee eens", "Eens", "Enigszins mee eens", "Enigszins eens"),
                ("Agree", "Somewhat agree"),
            ),
            _STRONGLY_AGREE,
        ),
        builtin=True,
    ),
    7: AnswerScale(
        "agreement",
        _agreement(
            _STRONGLY_DISAGREE,
            (("Mee oneens", "Oneens"), ("Disagree",)),
            (
                ("Enigszins mee oneens", "Een beetje mee oneens", "Enigszins oneens"),
                ("Somewhat disagree", "Slightly disagree"),
            ),
            _NEUTRAL,
            (
                ("Enigszins mee eens", "Een beetje mee eens", "Enigszins eens"),
                ("Somewhat agree", "Slightly agree"),
            ),
            (("Mee eens", "Eens"), ("Agree",)),
            _STRONGLY_AGREE,
        ),
        builtin=True,
    ),
}


def builtin_scale(low: float, high: float) -> AnswerScale | None:
    """The built-in agreement scale for a numeric scale from ``low`` to ``high``.

    Its points take the values ``low``, ``low + 1``, …; None when the scale has neither
    5 nor 7 whole points.
    """
    count = high - low + 1
    if count != int(count) or int(count) not in BUILTIN_SCALES:
        return None
    scale = BUILTIN_SCALES[int(count)]
    if low == 1:
        return scale
    points = tuple(
        AnswerPoint(low + index, point.texts, point.codes)
        for index, point in enumerate(scale.points)
    )
    return AnswerScale(scale.id, points, builtin=True)
