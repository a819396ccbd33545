"""Builders the tests share: rule facts, anonymity surveys and their attack, the survey
tools' exports with what they read as, and a codebook on its own answer scales.

A test module imports these from here, never from another test module.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

import exports as X
from conftest import FACTORS, write_csv

# -- rule facts ------------------------------------------------------------------------------


def comparison(factor: str, **fields) -> dict:
    """A comparison fact with plausible figures; ``fields`` override them."""
    fact = {
        "factor": factor,
        "label": factor.replace("_", " "),
        "direction": "higher_is_worse"
        if factor in ("effort_expectancy", "privacy_concern")
        else "higher_is_better",
        "users_n": 40,
        "users_mean": 3.6,
        "users_sd": 0.7,
        "non_users_n": 60,
        "non_users_mean": 3.2,
        "non_users_sd": 0.8,
        "mean": 3.36,
        "gap": 0.4,
        "t": 2.6,
        "df": 90.0,
        "p": 0.01,
        "p_holm": 0.03,
        "significant": True,
        "hedges_g": 0.5,
        "hedges_g_ci_low": 0.1,
        "hedges_g_ci_high": 0.9,
        "effect_size": "medium",
        "rank": 1,
        "mwu_u": 1500.0,
        "mwu_p": 0.02,
        "rank_biserial": 0.25,
        "cronbach_alpha": 0.8,
    }
    fact.update(fields)
    return fact


def segment(**fields) -> dict:
    fact = {
        "overall": True,
        "column": "",
        "value": "",
        "respondents": 100,
        "users": 40,
        "non_users": 60,
        "adoption_rate": 0.4,
    }
    fact.update(fields)
    return fact


# -- anonymity: surveys with tiny groups, and subtracting what is shown ------------------------


def survey_frame(seed: int) -> pd.DataFrame:
    """Organisations with departments of very different sizes, some tiny, some blanks."""
    rng = np.random.default_rng(seed)
    rows = []
    for org in ("North", "South", "West")[: rng.integers(2, 4)]:
        for dept in ("Sales", "IT", "HR", "Legal", "Board")[: rng.integers(2, 6)]:
            size = int(rng.choice([2, 4, 7, 12, 30, 60]))
            rate = rng.uniform(0.1, 0.6)
            for _ in range(size):
                rows.append({"org": org, "dept": dept, "user": rng.random() < rate})
    frame = pd.DataFrame(rows)
    blanks = rng.random(len(frame)) < rng.choice([0.0, 0.01, 0.03])
    frame.loc[blanks, "dept"] = ""
    for factor in FACTORS:
        values = np.clip(rng.normal(3 + 0.4 * frame["user"], 0.8), 1, 5).round(2)
        missing = rng.random(len(frame)) < rng.choice([0.0, 0.05, 0.2])
        frame[factor] = np.where(missing, np.nan, values)
    return frame


def write(frame: pd.DataFrame, path) -> None:
    rows = [
        [r["org"], r["dept"], "ja" if r["user"] else "nee"]
        + ["" if np.isnan(r[f]) else r[f] for f in FACTORS]
        for r in frame.to_dict("records")
    ]
    write_csv(path, ["org", "dept", "user", *FACTORS], rows)


def truth(frame: pd.DataFrame, where: dict, factor: str | None = None) -> tuple[int, int]:
    """The true (users, non-users) count of a segment, or of its answers to a factor."""
    part = frame
    for column, value in where.items():
        part = part[part[column] == value]
    if factor is not None:
        part = part[part[factor].notna()]
    return int(part["user"].sum()), int((~part["user"]).sum())


def counts(segment: dict, factor: str | None) -> tuple[int, int] | None:
    """What the output shows of a segment's (users, non-users); None when hidden."""
    if segment["suppressed"]:
        return None
    if factor is None:
        return segment["users"], segment["non_users"]
    comparison = next(c for c in segment["comparisons"] if c["factor"] == factor)
    if comparison["suppressed"]:
        return None
    return comparison["users_n"], comparison["non_users_n"]


def attack(document: dict, frame: pd.DataFrame, k: int) -> int:
    """Subtract the shown parts from every shown total; return the partitions examined.

    Fails if what is left equals one hidden group, or is a group smaller than k.
    """
    segments = document["segments"]
    examined = 0
    for total in segments:
        parent = tuple(total["where"])
        for spec in ["+".join(s.split("+")) for s in document["settings"]["segment_by"]]:
            columns = tuple(spec.split("+"))
            if not set(parent) < set(columns):
                continue
            parts = [
                s
                for s in segments
                if s["column"] == spec and all(s["where"][c] == total["where"][c] for c in parent)
            ]
            for factor in (None, *FACTORS):
                shown_total = counts(total, factor)
                shown = [counts(p, factor) for p in parts]
                if shown_total is None:
                    # a hidden total must not be the sum of its shown parts
                    if parts and all(shown):
                        added = (sum(c[0] for c in shown), sum(c[1] for c in shown))
                        assert added != truth(frame, total["where"], factor), total["value"]
                    continue
                hidden = [p for p, c in zip(parts, shown, strict=True) if c is None]
                left = (
                    shown_total[0] - sum(c[0] for c in shown if c),
                    shown_total[1] - sum(c[1] for c in shown if c),
                )
                examined += 1
                if left == (0, 0):
                    continue
                assert left[0] >= k and left[1] >= k, (total["value"], spec, factor, left)
                for part in hidden:
                    assert left != truth(frame, part["where"], factor), (part["value"], factor)
    return examined


def assert_nothing_small_is_shown(document: dict, k: int) -> None:
    for segment in document["segments"]:
        assert (segment["suppressed_reason"] is None) != segment["suppressed"]
        if segment["suppressed"]:
            assert segment["comparisons"] == []
            assert [segment[key] for key in ("respondents", "users", "non_users")] == [None] * 3
            assert segment["adoption_rate"] is None
            continue
        assert segment["users"] >= k and segment["non_users"] >= k
        for comparison in segment["comparisons"]:
            if comparison["suppressed"]:
                figures = dict(comparison)
                assert figures.pop("suppressed_reason") == "anonymity"
                del figures["factor"], figures["suppressed"]
                assert set(figures.values()) == {None}
            else:
                assert comparison["suppressed_reason"] is None
                assert comparison["users_n"] >= k and comparison["non_users_n"] >= k


# -- the survey tools' exports ---------------------------------------------------------------

GROUP = X.people()


QUALTRICS_LINE = (
    "Qualtrics export (3 header rows): 64 responses, 5 previews/incomplete left out,"
    " 25 of 25 items matched, 20 columns ignored"
)


#: name → (builder, departments as the export names them, its one-line summary)
FIXTURES = {
    "qualtrics_numeric_nl.csv": (
        lambda p: X.qualtrics(p, GROUP, lang="nl", numeric=True),
        ("1", "2", "3"),
        QUALTRICS_LINE,
    ),
    "qualtrics_text_en.csv": (
        lambda p: X.qualtrics(p, GROUP, lang="en"),
        X.DEPARTMENTS["en"],
        QUALTRICS_LINE,
    ),
    "qualtrics_text_nl.tsv": (
        lambda p: X.qualtrics(p, GROUP, lang="nl", tsv=True),
        X.DEPARTMENTS["nl"],
        QUALTRICS_LINE,
    ),
    "qualtrics_legacy_numeric_en.csv": (
        lambda p: X.qualtrics(p, GROUP, lang="en", numeric=True, legacy=True),
        ("1", "2", "3"),
        "Qualtrics export (2 header rows): 64 responses, 5 previews/incomplete left out,"
        " 25 of 25 items matched, 13 columns ignored",
    ),
    "limesurvey_codes.csv": (
        lambda p: X.limesurvey(p, GROUP, full=False),
        ("D1", "D2", "D3"),
        "LimeSurvey export: 64 responses, 3 previews/incomplete left out, 25 of 25 items"
        " matched, 16 columns ignored",
    ),
    "limesurvey_full_nl.csv": (
        lambda p: X.limesurvey(p, GROUP, lang="nl"),
        X.DEPARTMENTS["nl"],
        "LimeSurvey export: 64 responses, 3 previews/incomplete left out, 25 of 25 items"
        " matched, 16 columns ignored",
    ),
    "limesurvey_full_en.csv": (
        lambda p: X.limesurvey(p, GROUP, lang="en"),
        X.DEPARTMENTS["en"],
        "LimeSurvey export: 64 responses, 3 previews/incomplete left out, 25 of 25 items"
        " matched, 16 columns ignored",
    ),
    "surveymonkey_nl.csv": (
        lambda p: X.surveymonkey(p, GROUP, lang="nl"),
        X.DEPARTMENTS["nl"],
        "SurveyMonkey export (2 header rows): 64 responses, 0 previews/incomplete left out,"
        " 25 of 25 items matched, 12 columns ignored",
    ),
    "surveymonkey_en.xlsx": (
        lambda p: X.surveymonkey(p, GROUP, lang="en", xlsx=True),
        X.DEPARTMENTS["en"],
        "SurveyMonkey export (2 header rows): 64 responses, 0 previews/incomplete left out,"
        " 25 of 25 items matched, 12 columns ignored",
    ),
    "msforms_nl.xlsx": (
        lambda p: X.msforms(p, GROUP, lang="nl"),
        X.DEPARTMENTS["nl"],
        "Microsoft Forms export: 64 responses, 0 previews/incomplete left out, 25 of 25"
        " items matched, 8 columns ignored",
    ),
    "msforms_en.xlsx": (
        lambda p: X.msforms(p, GROUP, lang="en"),
        X.DEPARTMENTS["en"],
        "Microsoft Forms export: 64 responses, 0 previews/incomplete left out, 25 of 25"
        " items matched, 8 columns ignored",
    ),
    "googleforms_grid_nl.csv": (
        lambda p: X.googleforms(p, GROUP, lang="nl"),
        X.DEPARTMENTS["nl"],
        "Google Forms export: 64 responses, 0 previews/incomplete left out, 25 of 25 items"
        " matched, 4 columns ignored",
    ),
    "googleforms_scales_en.csv": (
        lambda p: X.googleforms(p, GROUP, lang="en", grid=False),
        X.DEPARTMENTS["en"],
        "Google Forms export: 64 responses, 0 previews/incomplete left out, 25 of 25 items"
        " matched, 4 columns ignored",
    ),
    "sheet.xlsx": (
        lambda p: X.sheet(p, GROUP),
        X.DEPARTMENTS["nl"],
        "Excel workbook: 64 responses, 0 previews/incomplete left out, 25 of 25 items"
        " matched, 2 columns ignored",
    ),
    "sheet.ods": (
        lambda p: X.sheet(p, GROUP, ods=True),
        X.DEPARTMENTS["nl"],
        "OpenDocument spreadsheet: 64 responses, 0 previews/incomplete left out, 25 of 25"
        " items matched, 2 columns ignored",
    ),
    "qualtrics.sav": (
        lambda p: X.spss(p, GROUP),
        X.DEPARTMENTS["nl"],
        "SPSS file: 64 responses, 5 previews/incomplete left out, 25 of 25 items matched,"
        " 7 columns ignored",
    ),
}


def assert_same_survey(survey, reference, segment="department"):
    pd.testing.assert_frame_equal(survey.scores, reference.scores)
    np.testing.assert_array_equal(survey.is_user, reference.is_user)
    assert survey.excluded == reference.excluded == 2
    assert survey.segment_by == reference.segment_by == ((segment,),)
    assert survey.segments[segment].astype(str).tolist() == (
        reference.segments[segment].astype(str).tolist()
    )
    assert sorted(survey.items) == sorted(reference.items)
    for factor, answers in reference.items.items():
        pd.testing.assert_frame_equal(survey.items[factor], answers)


def comparable(document: dict) -> dict:
    """The document without what names the file read."""
    document = json.loads(json.dumps(document))
    for key in ("path", "format", "mapping", "columns"):
        document["input"].pop(key, None)
    return document


# -- a codebook ------------------------------------------------------------------------------

OWN_SCALE = """
scale:
  min: 1
  max: 5
answer_scales:
  - id: frequency
    points:
      - {nl: Nooit, en: Never}
      - {nl: [Zelden, Bijna nooit], en: Rarely}
      - {nl: Soms, en: Sometimes, codes: [AO03]}
      - {nl: Vaak, en: Often}
      - {nl: [Altijd, Heel vaak], en: Always}
  - id: often
    first: 0
    points:
      - {nl: Nooit, en: Never}
      - {nl: Maandelijks, en: Monthly}
      - {nl: Wekelijks, en: Weekly}
      - {nl: Dagelijks, en: Daily}
missing: [9, "weet niet"]
usage:
  column: hoe vaak
  text: {nl: Hoe vaak gebruikt u het platform?, en: How often do you use the platform?}
  type: numeric
  threshold: 2
  answers: often
segments:
  - id: team
    text: {nl: In welk team werkt u?, en: Which team are you in?}
factors:
  - id: performance_expectancy
    label: {nl: Verwachte prestatieverbetering, en: Performance expectancy}
    direction: higher_is_better
    items:
      - id: pe1
        text: {nl: Het platform helpt mij., en: The platform helps me.}
      - id: pe2
        text: {nl: Ik vind er snel wat ik zoek., en: I quickly find what I look for.}
        answers: frequency
"""
