"""How well the coder codes: macro-F1 on the seven factor codes (issue 32: >= 0.80).

Measured with scikit-learn's ``f1_score`` (the reference) on two labelled sets the coder
never learnt from: the dev set (156 comments written and coded independently of this
project, tests/data/comments/comments-dev.csv) and the held-out part of the project's own
corpus (tests/data/comments/corpus-heldout.csv, 114 comments; its training part is the
packaged ``training.csv``). Run with ``-s`` to see every figure.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import f1_score

from ism_advisor.stats.comments import code_comments, load_comment_codes, read_examples
from ism_advisor.stats.comments.coder import packaged_examples

FACTORS = (
    "performance_expectancy",
    "effort_expectancy",
    "manager_influence",
    "colleague_influence",
    "reputation",
    "privacy_concern",
    "collaboration_norms",
)
OTHER = ("technical", "purpose_unclear")
DATA = Path(__file__).parent / "data" / "comments"


def figures(name: str) -> dict[str, float]:
    examples = read_examples(DATA / name).items
    codes = load_comment_codes(None, FACTORS)
    got = code_comments([e.text for e in examples], codes)
    ids = FACTORS + OTHER
    truth = np.array([[c in e.codes for c in ids] for e in examples])
    found = np.array([[c in g.codes for c in ids] for g in got])
    out = {"macro_f1": f1_score(truth[:, :7], found[:, :7], average="macro", zero_division=0)}
    for j, code in enumerate(ids):
        out[code] = f1_score(truth[:, j], found[:, j], zero_division=0)
    out["direction"] = f1_score(
        [e.direction or "none" for e in examples],
        [g.direction or "none" for g in got],
        average="macro",
        labels=["favourable", "unfavourable", "mixed", "none"],
        zero_division=0,
    )
    print(name, {k: round(v, 3) for k, v in out.items()})
    return out


@pytest.fixture(scope="module")
def dev():
    return figures("comments-dev.csv")


@pytest.fixture(scope="module")
def heldout():
    return figures("corpus-heldout.csv")


def test_macro_f1_on_the_dev_set_reaches_the_target(dev):
    # measured 0.863 (lexicon alone: 0.827)
    assert dev["macro_f1"] >= 0.80


def test_macro_f1_on_the_held_out_corpus(heldout):
    # measured 0.798 (lexicon alone: 0.78): just below the 0.80 on this set; the
    # floor here guards against regressions and the report says so
    assert heldout["macro_f1"] >= 0.78


def test_every_factor_code_is_found_on_both_sets(dev, heldout):
    for figures_ in (dev, heldout):
        assert min(figures_[code] for code in FACTORS) >= 0.6
        assert min(figures_[code] for code in OTHER) >= 0.6


def test_direction_is_below_the_target_so_reports_show_codes_only(dev, heldout):
    # macro-F1 over favourable/unfavourable/mixed/none: measured 0.513 (dev) and 0.461
    # (held-out), below 0.8: no sentiment is shown (the rule)
    assert dev["direction"] < 0.8
    assert heldout["direction"] < 0.8


def test_the_sets_are_disjoint_from_the_training_corpus():
    # apart from answers such as "nvt" or "-" that every survey gets
    def texts(examples):
        return {e.text.casefold() for e in examples.items if len(e.text.split()) > 2}

    trained = texts(packaged_examples())
    for name in ("comments-dev.csv", "corpus-heldout.csv"):
        assert not trained & texts(read_examples(DATA / name))
    assert (
        len(packaged_examples().items) + len(read_examples(DATA / "corpus-heldout.csv").items)
        >= 300
    )
