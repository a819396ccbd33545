"""Reading survey exports: plain CSV files and what survey tools export.

- :mod:`.detect` opens a file and recognises its layout (:mod:`.formats`: one module per
  tool; :mod:`.textfile`, :mod:`.sheets` and :mod:`.spss` read the bytes);
- :mod:`.matching` and :mod:`.plan` decide which column feeds which item, by id or
  wording, or as a mapping file (:mod:`.mapping`) says;
- :mod:`.answers` turns cells into numbers, :mod:`.scoring` items into factor scores;
- :mod:`.comments` finds the comment columns (``--comments``) and reads them redacted;
- :mod:`.load` puts it together: :func:`load_survey`.
"""

from __future__ import annotations

from .load import load_survey
from .model import Source, Survey

__all__ = ["Source", "Survey", "load_survey"]
