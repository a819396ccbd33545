"""Open comments coded to the factors (``comments.yaml``) and their emerging themes.

Imported only with ``--comments``: it loads simplemma and scikit-learn.
"""

from .coder import Coded, code_comments
from .codes import Code, CommentCodes, load_comment_codes
from .examples import Examples, read_examples
from .themes import Theme, emerging_themes

__all__ = [
    "Code",
    "Coded",
    "CommentCodes",
    "Examples",
    "Theme",
    "code_comments",
    "emerging_themes",
    "load_comment_codes",
    "read_examples",
]
