"""The slide builders, in the deck's order (:data:`SLIDES`)."""

from __future__ import annotations

from ..kit import SlideBuilder
from .actions import action_slides
from .comments import comments_slide
from .method import anonymity_slide, method_slide
from .norms import norms_slide
from .opening import effects_slide, factor_slides, means_slide, summary_slide, title_slide
from .priority import priority_slide
from .segments import segment_slides
from .since import since_slides

__all__ = ["SLIDES"]


#: The slide builders, in the deck's order. Each adds its slides, or none when its
#: figures are absent; see the module's docstring for adding one.
SLIDES: tuple[SlideBuilder, ...] = (
    title_slide,
    summary_slide,
    means_slide,
    effects_slide,
    factor_slides,
    norms_slide,
    comments_slide,
    priority_slide,
    since_slides,
    segment_slides,
    action_slides,
    method_slide,
    anonymity_slide,
)
