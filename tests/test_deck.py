"""The PowerPoint deck (--format pptx), read back with python-pptx and checked against the
JSON document of the same run: slide titles, every chart's categories and values (and its
embedded data sheet), the speaker notes of every action, templates, determinism."""

from __future__ import annotations

import datetime
import decimal
import io
import json
import math
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from pptx import Presentation

from conftest import ROOT, SAMPLE_SCORES, Cli
from decks import (
    broken_words,
    deck_text,
    overlaps,
    placed_texts,
    read_deck,
    slide_size,
    zip_entries,
)
from ism_advisor.render.deck import LAYOUTS, SLIDES, load_deck_template, render_deck
from ism_advisor.render.deck.build_template import make_default_template

SEGMENTS = ("--segment-by", "organisation", "--segment-by", "department")
MINUS = "\u2212"


def whole_percent(share: float) -> int:
    """A share as a whole percentage, halves rounded away from zero from its shortest
    decimal, as the decks show it (0.405 → 41)."""
    exact = decimal.Decimal(repr(float(share))).scaleb(2)
    return int(exact.quantize(decimal.Decimal(1), rounding=decimal.ROUND_HALF_UP))


def number(value: float, decimal: str = ".", sign: bool = False) -> str:
    """Two decimals with the true minus sign (and a plus sign if ``sign``), as a slide
    shows a figure."""
    text = f"{abs(value):.2f}".replace(".", decimal)
    if value < 0 and text.strip("0.,"):
        return MINUS + text
    return ("+" if sign and text.strip("0.,") else "") + text


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """The sample's JSON and decks (English and Dutch), and a deck per segment."""
    folder = tmp_path_factory.mktemp("deck")
    shutil.copyfile(SAMPLE_SCORES, folder / "scores.csv")
    cli = Cli(folder)
    common = ("scores.csv", *SEGMENTS, "--date", "2026-03-01", "--client", "Gemeente Rivierstad")
    for args in (
        ("-o", "advice.json"),
        ("-o", "advice.pptx", "--per-segment", "decks"),
        ("--lang", "nl", "-o", "advies.pptx"),
        ("--lang", "nl", "-o", "advies.json"),
    ):
        result = cli(*common, *args)
        assert result.exit_code == 0, result.stderr
        assert result.stderr.startswith("") and "Traceback" not in result.stderr
    document = json.loads((folder / "advice.json").read_text(encoding="utf-8"))
    return folder, document


@pytest.fixture(scope="module")
def deck(run):
    return read_deck(run[0] / "advice.pptx")


def overall(document) -> dict:
    return {c["factor"]: c for c in document["segments"][0]["comparisons"]}


def test_the_slides_tell_the_story_in_order(run, deck):
    _, document = run
    labels = [f["label"] for f in document["factors"]]
    actions = document["segments"][0]["recommendations"]
    assert [view.title for view in deck] == [
        "Getting staff onto the platform: advice",
        "Summary",
        "Users and non-users compared",
        "How large the gaps are",
        *labels,
        "What matters most for use",
        "Segments compared (1 of 2)",
        "Segments compared (2 of 2)",
        "Action plan",
        *[f"{rank}. {a['title']}" for rank, a in enumerate(actions, start=1)],
        "Appendix: method",
        "Appendix: anonymity",
    ]
    assert [view.layout for view in deck[:4]] == [
        "Title Slide",
        "Title and Content",
        "Title Only",
        "Title Only",
    ]
    assert slide_size(run[0] / "advice.pptx") == (13.333333333333334, 7.5)


def test_title_slide_names_client_population_and_the_date_of_the_data(deck):
    assert deck[0].texts == [
        "Gemeente Rivierstad\nAll respondents\nA survey of 600 respondents\nMarch 1, 2026"
    ]


def test_summary_gives_adoption_the_three_biggest_gaps_and_the_first_actions(run, deck):
    _, document = run
    everyone = document["segments"][0]
    shown = [c for c in everyone["comparisons"] if c["significant"] and c["hedges_g"] > 0]
    biggest = sorted(shown, key=lambda c: -c["hedges_g"])[:3]
    labels = {f["id"]: f["label"] for f in document["factors"]}
    actions = [r["title"] for r in everyone["recommendations"][:3]]
    (body,) = deck[1].texts
    rate = whole_percent(everyone["adoption_rate"])
    lines = body.split("\n")
    assert lines[0] == (
        f"Adoption: {rate}% of {everyone['respondents']} respondents use the platform"
        f" ({everyone['users']} users, {everyone['non_users']} non-users)."
    )
    assert lines[1].startswith("The biggest gaps: users and non-users differ significantly on ")
    assert [line.split(" (g = ")[0] for line in lines[2:5]] == [
        labels[c["factor"]] for c in biggest
    ]
    assert [line.split(" (g = ")[1][:4] for line in lines[2:5]] == [
        number(c["hedges_g"]) for c in biggest
    ]
    assert lines[5:] == ["Start with:", *[f"{i}. {t}" for i, t in enumerate(actions, start=1)]]


def test_every_chart_is_a_native_chart_whose_data_equals_the_json(run, deck):
    _, document = run
    figures = overall(document)
    labels = [f["label"] for f in document["factors"]]
    factors = [f["id"] for f in document["factors"]]
    charts = [(view.title, chart) for view in deck for chart in view.charts]
    assert len(charts) == 3 + len(factors)
    charts = [(title, chart) for title, chart in charts if chart.kind != "XY_SCATTER"]
    means = deck[2].charts[0]
    assert means.kind == "BAR_CLUSTERED"
    # read from the top: the factors in order, in each the users' bar above the non-users'
    assert means.reading == (
        labels,
        [
            ("Users", [figures[f]["users_mean"] for f in factors]),
            ("Non-users", [figures[f]["non_users_mean"] for f in factors]),
        ],
    )
    # and the legend in the same order as LibreOffice draws it
    assert means.legend == ["Users", "Non-users"]
    effects = deck[3].charts[0]
    assert effects.reading[0] == labels
    assert effects.categories == labels
    assert effects.series == [("Hedges' g", [figures[f]["hedges_g"] for f in factors])]
    assert effects.labels == [
        [
            f"{number(figures[f]['hedges_g'])} [{number(figures[f]['hedges_g_ci'][0])};"
            f" {number(figures[f]['hedges_g_ci'][1])}]"
            for f in factors
        ]
    ]
    for view, factor in zip(deck[4 : 4 + len(factors)], factors, strict=True):
        c = figures[factor]
        (chart,) = view.charts
        assert chart.kind == "COLUMN_CLUSTERED"
        assert chart.categories == [
            f"Users (n = {c['users_n']})",
            f"Non-users (n = {c['non_users_n']})",
        ]
        assert chart.series == [("Mean score", [c["users_mean"], c["non_users_mean"]])]
        low, high = c["hedges_g_ci"]
        assert chart.title == (
            f"Mean score; g = {number(c['hedges_g'])} (95% CI {number(low)} to {number(high)})"
        )
    # the data sheet a user edits holds the same figures, and the text alternative says them
    for title, chart in charts:
        assert chart.description.startswith(f"Chart: {title}")
        for i, category in enumerate(chart.categories):
            for s, (name, values) in enumerate(chart.series):
                shown = chart.labels[s][i] or number(values[i])
                assert f"{category}: " in chart.description
                assert f"{name} {shown}" in chart.description
        header, *rows = chart.sheet
        assert header[1:] == [name for name, _ in chart.series]
        assert [row[0] for row in rows] == chart.categories
        for column, (_, values) in enumerate(chart.series, start=1):
            assert [row[column] for row in rows] == pytest.approx(values, rel=1e-15)


def test_factor_slides_say_what_the_report_finds(run, deck):
    folder, document = run
    markdown = Cli(folder)("scores.csv", *SEGMENTS, "--format", "md", "-o", "-").stdout
    for view, factor in zip(deck[4:11], document["factors"], strict=True):
        finding = view.texts[0].split("\n")[0]
        assert finding in markdown  # the same sentence as the report's findings
        assert view.notes.startswith(finding)
        assert f"What it measures: {factor['definition']}" in view.texts[0]


def test_segment_overview_shows_g_per_factor_and_hides_hidden_segments(run, deck):
    _, document = run
    rows = [row for view in deck if view.title.startswith("Segments") for row in view.tables[0][1:]]
    segments = document["segments"][1:]
    assert len(rows) == len(segments)
    for row, segment in zip(rows, segments, strict=True):
        assert row[0] == f"{segment['value']} ({segment['label']})"
        if segment["suppressed"]:
            assert row[1:] == ["hidden", "hidden", *["·"] * len(document["factors"])]
            continue
        assert row[1] == str(segment["respondents"])
        by_factor = {c["factor"]: c for c in segment["comparisons"]}
        for cell, factor in zip(row[3:], document["factors"], strict=True):
            c = by_factor[factor["id"]]
            assert cell == number(c["hedges_g"]) + ("*" if c["significant"] else "")


def matrix(views):
    (view,) = [view for view in views if view.title == "What matters most for use"]
    return view


def test_the_priority_matrix_is_a_scatter_of_importance_against_the_gap(run, deck):
    """One series per quadrant (the legend names it), a point per factor at (gap,
    importance) as the report computes them from the JSON, the factor's short name as its
    label (on the sample every label has room), the axes crossing at the even share and at
    no gap."""
    _, document = run
    everyone = document["segments"][0]
    labels = {f["id"]: f["short"] for f in document["factors"]}
    assert labels["colleague_influence"] == "Colleagues"
    gaps = {c["factor"]: c["gap"] for c in everyone["comparisons"]}
    total = math.fsum(d["weight"] for d in everyone["drivers"])  # as the report sums them
    expected = {}
    noise = {}
    for d in everyone["drivers"]:
        expected.setdefault(d["quadrant"], []).append(
            (labels[d["factor"]], gaps[d["factor"]], 100 * d["weight"] / total)
        )
        noise[labels[d["factor"]]] = "yes" if d["beats_noise"] else "no"
    view = matrix(deck)
    (chart,) = view.charts
    assert chart.kind == "XY_SCATTER"
    names = {"act_first": "act first", "keep": "keep", "watch": "watch"}
    names["low_priority"] = "low priority"
    order = [key for key in names if key in expected]
    assert [name for name, _ in chart.series] == [names[key] for key in order]
    for s, key in enumerate(order):
        got = sorted(zip(chart.labels[s], chart.points[s], strict=True))
        want = sorted((label, (gap, importance)) for label, gap, importance in expected[key])
        assert [label for label, _ in got] == [label for label, _ in want]
        for (_, (x, y)), (_, (gap, importance)) in zip(got, want, strict=True):
            assert x == pytest.approx(gap, rel=1e-12)
            assert y == pytest.approx(importance, rel=1e-12)
    assert chart.crossings == (0.0, pytest.approx(100 / len(document["factors"])))
    assert view.texts[:4] == ["Act first", "Keep", "Watch", "Low priority"]
    assert "an even share of importance (14.29)" in view.texts[4]
    assert "Colleagues: Colleague influence; " in view.texts[4]
    full = {f["short"]: f["label"] for f in document["factors"]}
    for label, gap, importance in (row for rows in expected.values() for row in rows):
        assert (
            f"{full[label]}: importance {round(importance)} (more than noise: {noise[label]}),"
            f" gap {number(gap, sign=True)}"
        ) in chart.description
    # the data sheet a client edits holds the same points
    sheet = [value for row in chart.sheet if row[0] is not None for value in row[:2]]
    assert [row[1] for row in chart.sheet if row[0] is None and row[1]] == [
        name for name, _ in chart.series
    ]
    plotted = [value for series in chart.points for point in series for value in point]
    assert sheet == pytest.approx(plotted, rel=1e-15)


def test_the_matrix_notes_say_what_it_does_not_prove_and_the_model(run, deck):
    _, document = run
    model = document["segments"][0]["driver_model"]
    notes = matrix(deck).notes.split("\n")
    assert notes[0].startswith("A gap says where non-users lag behind; it does not say which")
    assert (
        f"Model: {model['n']} respondents, a missing score counted at its factor's mean;"
        " McFadden's R²"
        f" {number(model['r2_mcfadden'])}, Nagelkerke's R² {number(model['r2_nagelkerke'])},"
        f" R²_O {number(model['r2_o'])} (the squared correlation of use with the model's"
        " predictions: what the importances share out)."
    ) in notes[8]
    assert notes[9].startswith(
        "Important means at least an even share of importance and more than noise: the"
        " factor's weight beats that of a random variable added to the model (the bootstrap"
        " 95% interval of the difference lies above 0)."
    )
    assert notes[-1] == (
        "These are associations in this survey, not proof of cause: a factor that matters"
        " here goes together with use, and may also follow from it."
    )


def without_drivers(document, reason):
    """The document as a run on a segment without a driver model would give it."""
    everyone = document["segments"][0]
    model = {"n": 20, "r2_mcfadden": None, "r2_nagelkerke": None, "warnings": []}
    if reason is None:
        segment = {**everyone, "driver_model": None, "drivers": []}
    else:
        segment = {**everyone, "driver_model": {**model, "reason": reason}, "drivers": []}
    return {**document, "segments": [segment]}


@pytest.mark.parametrize(
    ("reason", "note"),
    [
        (
            "too_small",
            "Too small for a driver analysis: it needs at least 70 users and 70 non-users"
            " (10 per factor).",
        ),
        (
            "hidden",
            "No driver analysis here: some of the figures it would rest on are hidden to"
            " protect small groups.",
        ),
        (
            "missing_scores",
            "No driver analysis here: too many of its respondents (more than 5%) lack a score"
            " on some factor to count each at the factor's mean without distorting the model.",
        ),
        (None, None),
    ],
)
def test_without_a_driver_model_the_deck_says_why_as_the_report_does(run, reason, note):
    _, document = run
    views = read_deck(render_deck(without_drivers(document, reason)))
    found = [view for view in views if view.title == "What matters most for use"]
    if note is None:
        assert found == []
        return
    (view,) = found
    assert view.charts == []
    assert view.texts == [note]


def test_one_slide_per_action_what_why_who_first_steps(run, deck):
    _, document = run
    actions = document["segments"][0]["recommendations"]
    start = [view.title for view in deck].index("Action plan") + 1
    owners = {"community_manager": "Community manager", "management": "Management"}
    for view, action in zip(deck[start:], actions, strict=False):
        (body,) = view.texts
        lines = body.split("\n")
        assert lines[0] == f"What: {action['description']}"
        assert lines[1] == "Why:"
        assert lines[2 : 2 + len(action["because"])] == action["because"]
        who = lines[2 + len(action["because"])]
        assert who.startswith(f"Who: {owners.get(action['owner'], '')}")
        assert f"priority {action['priority']}" in who
        steps = lines[lines.index("First steps:") + 1 :]
        assert steps == [f"{n}. {step}" for n, step in enumerate(action["steps"], start=1)]


def test_the_speaker_notes_explain_every_action(run, deck):
    """The rule that fired, the figures it matched, and the intervention's sources."""
    _, document = run
    actions = document["segments"][0]["recommendations"]
    labels = {f["id"]: f["label"] for f in document["factors"]}
    views = {view.title: view for view in deck}
    assert actions
    for rank, action in enumerate(actions, start=1):
        notes = views[f"{rank}. {action['title']}"].notes.split("\n")
        assert notes[0] == "Why this action: the rules that fired, and the figures they matched."
        for reason in action["explanation"]:
            assert f"Rule '{reason['rule']}': {reason['because']}" in notes
            for fact in reason["matched"].values():
                if "factor" in fact:
                    line = next(n for n in notes if n.startswith(f"– {labels[fact['factor']]}: "))
                    assert f"users' mean {number(fact['users_mean'])}" in line
                    assert f"non-users' mean {number(fact['non_users_mean'])}" in line
                    assert f"g {number(fact['hedges_g'])}" in line
                    assert f"rank {fact['rank']}" in line
        # the sources joined by semicolons, each without its own closing stop, and one
        # full stop at the end (never ".;")
        sources = "; ".join(e.removesuffix(".") for e in action["evidence"])
        assert notes[-1] == f"Sources: {sources}."
        assert len(action["evidence"]) >= 1


def test_appendix_says_what_was_hidden_and_why(run, deck):
    _, document = run
    (body,) = deck[-1].texts
    hidden = [s for s in document["segments"] if s["suppressed"]]
    assert len(hidden) == 2
    for segment in hidden:
        assert segment["suppressed_reason"] == "anonymity"
        line = f"{segment['value']} ({segment['label']}): hidden for anonymity"
        assert line in body.split("\n")
    assert "No figure of a group of fewer than 5 users or non-users is shown" in body
    method = deck[-2].texts[0]
    assert "600 respondents analysed; 0 rows left out" in method
    assert "Codebook: ism-advisor's default codebook (factors.yaml)" in method


def test_each_segment_gets_its_own_deck(run):
    folder, document = run
    shown = [s for s in document["segments"][1:] if not s["suppressed"]]
    files = sorted(p.name for p in (folder / "decks").iterdir() if not p.name.startswith("."))
    assert len(files) == len(shown)
    techno = read_deck(folder / "decks" / "organisation-technobouw.pptx")
    segment = next(s for s in document["segments"] if s["value"] == "TechnoBouw")
    assert techno[0].texts[0].split("\n")[1:3] == [
        "Organisation: TechnoBouw",
        f"A survey of {segment['respondents']} respondents",
    ]
    figures = {c["factor"]: c for c in segment["comparisons"]}
    factors = [f["id"] for f in document["factors"]]
    assert techno[2].charts[0].reading[1][0][1] == [figures[f]["users_mean"] for f in factors]
    assert not any(view.title.startswith("Segments compared") for view in techno)
    titles = [view.title for view in techno]
    assert f"1. {segment['recommendations'][0]['title']}" in titles


def test_the_dutch_deck(run):
    folder, _ = run
    document = json.loads((folder / "advies.json").read_text(encoding="utf-8"))
    views = read_deck(folder / "advies.pptx")
    assert [view.title for view in views[:4]] == [
        "Medewerkers actief op het platform: advies",
        "Samenvatting",
        "Gebruikers en niet-gebruikers vergeleken",
        "Hoe groot de verschillen zijn",
    ]
    assert views[-2].title == "Bijlage: methode"
    assert views[0].texts == [
        "Gemeente Rivierstad\nAlle respondenten\nEen enquête onder 600 respondenten\n1 maart 2026"
    ]
    figures = overall(document)
    g = figures["performance_expectancy"]["hedges_g"]
    assert views[3].charts[0].labels[0][0].startswith(number(g, ","))
    assert views[4].charts[0].categories[0].startswith("Gebruikers (n = ")
    presentation = Presentation(folder / "advies.pptx")
    languages = {
        run.font.language_id
        for shape in presentation.slides[1].shapes
        if shape.has_text_frame
        for paragraph in shape.text_frame.paragraphs
        for run in paragraph.runs
    }
    assert {str(language).split()[0] for language in languages} == {"DUTCH"}
    (view,) = [view for view in views if view.title == "Wat het gebruik het meest bepaalt"]
    assert view.texts[:4] == [
        "Eerst aanpakken",
        "Vasthouden",
        "In de gaten houden",
        "Lage prioriteit",
    ]
    assert "een gelijk aandeel in het belang (14,29)" in view.texts[4]
    assert view.charts[0].series[0][0] == "eerst aanpakken"
    model = document["segments"][0]["driver_model"]
    assert number(model["r2_nagelkerke"], ",") in view.notes
    assert view.notes.endswith(
        "Dit zijn samenhangen in deze enquête, geen bewijs van oorzaak en gevolg: een factor"
        " die hier belangrijk is, gaat samen met gebruik en kan er ook uit voortkomen."
    )


# -- same input, same bytes ------------------------------------------------------------------


def test_two_runs_give_the_same_bytes_and_no_clock_time(run, tmp_path):
    folder, _ = run
    first = (folder / "advice.pptx").read_bytes()
    time.sleep(1.1)  # the zip and XlsxWriter date to the second
    cli = Cli(folder)
    args = ("scores.csv", *SEGMENTS, "--date", "2026-03-01", "--client", "Gemeente Rivierstad")
    assert cli(*args, "-o", "again.pptx").exit_code == 0
    assert (folder / "again.pptx").read_bytes() == first
    entries = zip_entries(first)
    assert entries[0].filename == "[Content_Types].xml"
    assert {entry.date_time for entry in entries} == {(1980, 1, 1, 0, 0, 0)}
    package = zipfile.ZipFile(io.BytesIO(first))
    core = package.read("docProps/core.xml").decode()
    assert re.findall(r"<dcterms:(created|modified)[^>]*>([^<]*)<", core) == [
        ("created", "2026-03-01T00:00:00Z"),
        ("modified", "2026-03-01T00:00:00Z"),
    ]
    assert "lastPrinted" not in core
    workbooks = [name for name in package.namelist() if name.endswith(".xlsx")]
    assert len(workbooks) == 10
    for name in workbooks:
        inner = zipfile.ZipFile(io.BytesIO(package.read(name)))
        assert "2026-03-01T00:00:00Z" in inner.read("docProps/core.xml").decode()
        assert {entry.date_time for entry in inner.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_without_a_date_the_deck_carries_none(run):
    _, document = run
    data = render_deck(document)
    package = zipfile.ZipFile(io.BytesIO(data))
    core = package.read("docProps/core.xml").decode()
    assert "dcterms:created" not in core and "dcterms:modified" not in core
    today = datetime.date.today().isoformat()
    for name in package.namelist():
        if name.endswith(".xlsx"):
            inner = zipfile.ZipFile(io.BytesIO(package.read(name)))
            text = inner.read("docProps/core.xml").decode()
            assert "1980-01-01T00:00:00Z" in text and today not in text
    assert read_deck(data)[0].texts == ["All respondents\nA survey of 600 respondents"]


# -- text from the survey and the knowledge base stays text -----------------------------------


INJECTIONS = ("{{ 7*7 }}", "<script>alert(1)</script>", "{segment} & {0} %s \"'", "A\x0bB")


def test_text_from_the_csv_and_the_yaml_is_inserted_as_text(cli, tmp_path):
    frame = pd.read_csv(SAMPLE_SCORES)
    names = dict(zip(sorted(frame["department"].unique()), INJECTIONS, strict=False))
    frame["department"] = frame["department"].map(lambda d: names.get(d, d))
    frame.to_csv(tmp_path / "scores.csv", index=False)
    cli("init", "ours")
    path = tmp_path / "ours" / "interventions.yaml"
    catalogue = path.read_text(encoding="utf-8")
    title = "Build a network of champions across all teams"
    assert title in catalogue
    injected = "'{{ 7*7 }} <b>{title}</b> & {0}'"  # quoted in YAML
    path.write_text(catalogue.replace(title, injected), encoding="utf-8")
    result = cli(
        "scores.csv",
        "--knowledge",
        "ours",
        "--segment-by",
        "department",
        "--client",
        "{{ client }} <i>",
        "--title",
        "{title} {{ 6*7 }}",
        "-o",
        "deck.pptx",
    )
    assert result.exit_code == 0, result.stderr
    text = deck_text(tmp_path / "deck.pptx")
    for name in INJECTIONS[:3]:
        assert name in text
    assert "A B" in text  # a character XML cannot hold becomes a space
    assert "{{ 7*7 }} <b>{title}</b> & {0}" in text
    assert "{{ client }} <i>" in text and "{title} {{ 6*7 }}" in text
    assert "49 <b>" not in text and "{title} 42" not in text


# -- templates -----------------------------------------------------------------------------------


def test_the_packaged_template_is_what_build_template_makes(tmp_path):
    committed = (ROOT / "templates" / "deck.pptx").read_bytes()
    assert committed == make_default_template(), (
        "run: python -m ism_advisor.render.deck.build_template templates/deck.pptx"
    )
    # the command the message names writes the same bytes
    made = tmp_path / "deck.pptx"
    result = subprocess.run(
        [sys.executable, "-m", "ism_advisor.render.deck.build_template", str(made)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, f"{made}\n", "")
    assert made.read_bytes() == committed
    template = load_deck_template()
    assert dict(template.layouts) == {
        "title": "Title Slide",
        "content": "Title and Content",
        "title_only": "Title Only",
    }
    assert [layout.name for layout in LAYOUTS] == ["Title Slide", "Title and Content", "Title Only"]


def save(presentation, path: Path) -> Path:
    presentation.save(path)
    return path


def client_template(tmp_path: Path, **changes) -> Path:
    """The packaged template as a client would change it."""
    presentation = Presentation(ROOT / "templates" / "deck.pptx")
    for layout in presentation.slide_layouts:
        new = changes.get("rename", {}).get(layout.name)
        if new:
            layout.name = new
    if changes.get("slides"):
        slide = presentation.slides.add_slide(presentation.slide_layouts[0])
        slide.shapes.title.text = "Confidential client example slide"
    return save(presentation, tmp_path / "client.pptx")


def test_a_client_template_in_dutch_is_matched_by_layout_kind(cli, tmp_path):
    """Dutch PowerPoint names its layouts in Dutch; their built-in kind stays."""
    shutil.copyfile(SAMPLE_SCORES, tmp_path / "scores.csv")
    client_template(
        tmp_path,
        rename={
            "Title Slide": "Titeldia",
            "Title and Content": "Titel en object",
            "Title Only": "Alleen titel",
        },
        slides=True,
    )
    result = cli("scores.csv", "--pptx-template", "client.pptx", "-o", "deck.pptx")
    assert result.exit_code == 0, result.stderr
    views = read_deck(tmp_path / "deck.pptx")
    assert [view.layout for view in views[:3]] == ["Titeldia", "Titel en object", "Alleen titel"]
    # the template's own slides are not part of the deck
    assert "Confidential client example slide" not in deck_text(tmp_path / "deck.pptx")
    assert views[0].title == "Getting staff onto the platform: advice"


def test_the_template_implies_the_format(cli, tmp_path):
    shutil.copyfile(SAMPLE_SCORES, tmp_path / "scores.csv")
    client_template(tmp_path)
    result = cli("scores.csv", "--pptx-template", "client.pptx")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip().endswith("scores-advice.pptx")
    assert (tmp_path / "scores-advice.pptx").read_bytes()[:2] == b"PK"


def test_the_deck_is_never_written_over_its_template(cli, tmp_path):
    shutil.copyfile(SAMPLE_SCORES, tmp_path / "scores.csv")
    template = client_template(tmp_path)
    before = template.read_bytes()
    result = cli("scores.csv", "--pptx-template", "client.pptx", "-o", "client.pptx")
    assert result.exit_code == 1
    assert result.stderr == (
        "client.pptx: refusing to write the output over the input file client.pptx\n"
    )
    assert template.read_bytes() == before


def test_slide_builders_are_a_list_that_can_be_extended(run):
    """A new slide kind is one function in the list; a builder with nothing to show adds
    nothing."""
    _, document = run

    def closing_slide(deck, facts):
        if not facts.report.actions:
            return
        slide = deck.slide("content", deck.t("Summary"))
        deck.body(slide, [])

    data = render_deck(document, slides=(*SLIDES[:2], closing_slide))
    assert [view.title for view in read_deck(data)] == [
        "Getting staff onto the platform: advice",
        "Summary",
        "Summary",
    ]
    empty = {**document, "segments": [{**document["segments"][0], "recommendations": []}]}
    assert len(read_deck(render_deck(empty, slides=(closing_slide,)))) == 0


@pytest.mark.parametrize("kind", ["category", "xy", "bubble"])
def test_chart_data_of_every_kind_keeps_the_clock_out_of_its_workbook(kind):
    """What a new slide kind (a scatter for the priority matrix) builds its chart on."""
    from ism_advisor.render.deck import chart_data

    data = chart_data(kind, datetime.datetime(2026, 3, 1))
    if kind == "category":
        data.categories = ["a", "b"]
        data.add_series("s", [1.0, 2.0])
    else:
        series = data.add_series("s")
        if kind == "xy":
            series.add_data_point(0.3, 40.0)
        else:
            series.add_data_point(0.3, 40.0, 5.0)
    workbook = zipfile.ZipFile(io.BytesIO(data.xlsx_blob))
    assert re.findall(
        r"<dcterms:created[^>]*>([^<]*)<", workbook.read("docProps/core.xml").decode()
    ) == ["2026-03-01T00:00:00Z"]
    assert {entry.date_time for entry in workbook.infolist()} == {(1980, 1, 1, 0, 0, 0)}


# -- since the last survey (a run over two waves) ---------------------------------------------

WAVES = ("--wave-name", "March 2026", "--wave-name", "October 2026", "--done", "done.yaml")


@pytest.fixture(scope="module")
def waves(tmp_path_factory):
    """The sample's two waves with what was done between them: the JSON and the decks,
    English and Dutch."""
    folder = tmp_path_factory.mktemp("waves")
    for name in ("scores.csv", "scores-wave2.csv"):
        shutil.copyfile(SAMPLE_SCORES.parent / name, folder / name)
    (folder / "done.yaml").write_text(
        "- bring_platform_into_workflow\n- champions_network\n- leaders_work_out_loud\n",
        encoding="utf-8",
    )
    cli = Cli(folder)
    common = ("scores.csv", "scores-wave2.csv", *WAVES, "--date", "2026-10-01")
    for args in (
        ("-o", "followup.json"),
        ("-o", "followup.pptx"),
        ("--lang", "nl", "-o", "vervolg.json"),
        ("--lang", "nl", "-o", "vervolg.pptx"),
    ):
        result = cli(*common, *args)
        assert result.exit_code == 0, result.stderr
    document = json.loads((folder / "followup.json").read_text(encoding="utf-8"))
    return folder, document, read_deck(folder / "followup.pptx")


def test_the_waves_deck_adds_the_section_after_the_factors(waves):
    _, document, views = waves
    labels = [f["label"] for f in document["factors"]]
    titles = [view.title for view in views]
    start = titles.index(labels[-1]) + 1
    # the latest wave's priority matrix, then what changed since the previous wave
    assert titles[start : start + len(labels) + 4] == [
        "What matters most for use",
        "Since the last survey: adoption",
        *[f"{label} per survey wave" for label in labels],
        "Since the last survey: significant changes",
        "Since the last survey: follow-up advice",
    ]
    # no segments here; with --done the action plan starts with what was done (issue 26)
    assert titles[start + len(labels) + 4 : start + len(labels) + 6] == [
        "What was done and what it did",
        "Action plan: what next",
    ]


def test_adoption_per_wave_equals_the_json(waves):
    _, document, views = waves
    everyone = document["segments"][0]
    (view,) = [view for view in views if view.title == "Since the last survey: adoption"]
    (chart,) = view.charts
    assert chart.kind == "COLUMN_CLUSTERED"
    assert chart.categories == document["waves"]["names"] == ["March 2026", "October 2026"]
    assert chart.series == [("Adoption", [a["share"] for a in everyone["adoption"]])]
    assert chart.labels == [
        [
            f"{whole_percent(a['share'])}% ({a['users']} of {a['respondents']})"
            for a in everyone["adoption"]
        ]
    ]
    change = everyone["adoption_change"]
    (caption,) = view.texts
    assert caption == (
        f"Adoption per survey wave: from {whole_percent(everyone['adoption'][0]['share'])}% to"
        f" {whole_percent(everyone['adoption'][1]['share'])}%, a change of"
        f" {number(100 * change['difference'], sign=True)} percentage points (95% CI"
        f" {number(100 * change['ci_low'], sign=True)} to"
        f" {number(100 * change['ci_high'], sign=True)}, p < 0.001)."
    )
    assert change["p"] < 0.001
    notes = view.notes.split("\n")
    assert notes[0] == "Survey waves compared: March 2026 → October 2026."
    assert (
        notes[1]
        == "Carried out since the previous survey: "
        + "; ".join(d["title"] for d in document["waves"]["done"])
        + "."
    )
    assert notes[2].startswith("A survey shows what changed after an action, not that the")


def test_each_factor_trend_is_a_line_chart_of_the_json_means(waves):
    _, document, views = waves
    everyone = document["segments"][0]
    names = document["waves"]["names"]
    by_title = {view.title: view for view in views}
    for factor in document["factors"]:
        points = {p["wave"]: p for p in everyone["trend"] if p["factor"] == factor["id"]}
        ordered = [points[name] for name in names]
        view = by_title[f"{factor['label']} per survey wave"]
        (chart,) = view.charts
        assert chart.kind == "LINE_MARKERS"
        assert chart.categories == names
        assert chart.series == [
            ("Users", [p["users_mean"] for p in ordered]),
            ("Non-users", [p["non_users_mean"] for p in ordered]),
        ]
        assert chart.labels == [
            [
                f"{number(p[f'{g}_mean'])} [{number(p[f'{g}_ci'][0])}; {number(p[f'{g}_ci'][1])}]"
                for p in ordered
            ]
            for g in ("users", "non_users")
        ]
        header, *rows = chart.sheet
        assert header[1:] == ["Users", "Non-users"]
        assert [row[0] for row in rows] == names
        for wave, label in zip(names, chart.labels[0], strict=True):
            assert f"{wave}: Users {label}" in chart.description
        significant = [
            c
            for c in everyone["changes"]
            if c["factor"] == factor["id"] and c["p_holm"] < document["settings"]["alpha"]
        ]
        notes = view.notes.split("\n")
        if significant:
            assert notes[3] == "Significant changes:"
            assert len([n for n in notes if " → " in n and "p (Holm)" in n]) == len(significant)
        else:
            assert notes[3] == "No change is significant after Holm correction."


def test_the_significant_changes_are_the_reports_table(waves):
    _, document, views = waves
    everyone = document["segments"][0]
    # the factors by their short names, as in the segment overview
    labels = {f["id"]: f["short"] for f in document["factors"]}
    full = {f["short"]: f["label"] for f in document["factors"]}
    groups = {"users": "users", "non_users": "non-users", "all": "everyone", "gap": "the gap"}
    significant = [c for c in everyone["changes"] if c["p_holm"] < document["settings"]["alpha"]]
    assert len(significant) == 5
    rows = [
        row
        for view in views
        if view.title.startswith("Since the last survey: significant changes")
        for row in view.tables[0][1:]
    ]
    assert [row[:5] for row in rows] == [
        [
            labels[c["factor"]],
            groups[c["group"]],
            f"{c['from_wave']} → {c['to_wave']}",
            number(c["from_mean"]),
            number(c["to_mean"]),
        ]
        for c in significant
    ]
    assert [row[5].split(" ")[0] for row in rows] == [
        number(c["difference"], sign=True) for c in significant
    ]
    # an interval and a p-value stay on one line (no-break spaces)
    assert [row[6] for row in rows] == [
        f"{number(c['ci_low'], sign=True)}\u00a0–\u00a0{number(c['ci_high'], sign=True)}"
        for c in significant
    ]
    assert {row[7] for row in rows} == {"<\u00a00.001", "=\u00a00.008"}
    # the same rows as the Markdown report's table (which names the factors in full)
    markdown_rows = {
        tuple(cell.strip() for cell in line.strip("|").split("|"))
        for line in waves_markdown(waves).split("\n")
        if line.startswith("|") and "→" in line
    }
    for row in rows:
        assert (full[row[0]], *[cell.replace("\u00a0", " ") for cell in row[1:]]) in markdown_rows


def waves_markdown(waves) -> str:
    folder, _, _ = waves
    result = Cli(folder)("scores.csv", "scores-wave2.csv", *WAVES, "--format", "md", "-o", "-")
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_the_follow_up_advice_is_the_follow_up_rules(waves):
    _, document, views = waves
    everyone = document["segments"][0]
    rules = set(document["waves"]["rules"])
    expected = [
        f"{r['title']}: {e['because']}"
        for r in everyone["recommendations"]
        for e in r["explanation"]
        if e["rule"] in rules
    ]
    expected += [
        f"{c['label']}: {c['because']}"
        for c in everyone["conclusions"]
        if c["rule"] in rules and c["because"] not in "\n".join(expected)
    ]
    assert len(expected) == 3
    (view,) = [v for v in views if v.title == "Since the last survey: follow-up advice"]
    assert view.texts == ["\n".join(expected)]
    assert view.notes.split("\n") == expected


def test_the_dutch_waves_deck(waves):
    folder, _, _ = waves
    document = json.loads((folder / "vervolg.json").read_text(encoding="utf-8"))
    views = read_deck(folder / "vervolg.pptx")
    titles = [view.title for view in views]
    assert "Sinds de vorige meting: gebruik" in titles
    assert "Sinds de vorige meting: significante veranderingen" in titles
    assert "Sinds de vorige meting: advies voor het vervolg" in titles
    first = document["factors"][0]
    view = views[titles.index(f"{first['label']} per meting")]
    point = next(p for p in document["segments"][0]["trend"] if p["factor"] == first["id"])
    assert view.charts[0].series[0][0] == "Gebruikers"
    low, high = point["users_ci"]
    assert view.charts[0].labels[0][0] == (
        f"{number(point['users_mean'], ',')} [{number(low, ',')}; {number(high, ',')}]"
    )
    adoption = views[titles.index("Sinds de vorige meting: gebruik")]
    assert adoption.charts[0].labels[0][0] == "41% (243 van 600)"
    assert adoption.texts[0].startswith("Gebruik per meting: van 41% naar 50%, een verandering")
    table = views[titles.index("Sinds de vorige meting: significante veranderingen")].tables[0]
    assert table[0] == [
        "Factor",
        "Groep",
        "Metingen",
        "Daarvoor",
        "Daarna",
        "Verandering",
        "95%-BI",
        "p (Holm)",
    ]
    assert table[1][5].endswith("(beter)")


def test_the_waves_deck_is_the_same_bytes_twice(waves, tmp_path):
    folder, _, _ = waves
    time.sleep(1.1)
    cli = Cli(folder)
    args = ("scores.csv", "scores-wave2.csv", *WAVES, "--date", "2026-10-01")
    assert cli(*args, "-o", "again.pptx").exit_code == 0
    assert (folder / "again.pptx").read_bytes() == (folder / "followup.pptx").read_bytes()


def test_a_one_survey_deck_has_no_section_and_a_matrix_only_with_a_model(run, deck):
    _, document = run
    assert not any("survey wave" in view.title or "Since" in view.title for view in deck)
    assert "waves" not in document
    # the deck without the matrix's builder is the deck of before the matrix: the section's
    # builder adds nothing with one survey
    from ism_advisor.render.deck import priority_slide, since_slides

    data = render_deck(document, slides=tuple(s for s in SLIDES if s is not since_slides))
    assert data == render_deck(document)
    assert priority_slide in SLIDES


def test_without_changes_or_advice_the_section_says_so_and_hidden_means_stay_out(waves):
    """No significant change, no follow-up advice, a group's means hidden in one wave:
    the report's sentences, and a gap in the line where the mean is hidden."""
    _, document, _ = waves
    everyone = document["segments"][0]
    first = document["factors"][0]["id"]
    trend = [
        {**p, "non_users_mean": None, "non_users_ci": None}
        if p["factor"] == first and p["wave"] == "October 2026"
        else p
        for p in everyone["trend"]
    ]
    segment = {
        **everyone,
        "changes": [{**c, "p_holm": 1.0} for c in everyone["changes"]],
        "recommendations": [],
        "conclusions": [],
        "trend": trend,
    }
    views = read_deck(render_deck({**document, "segments": [segment]}))
    by_title = {view.title: view for view in views}
    assert by_title["Since the last survey: significant changes"].texts == [
        "No change is significant after Holm correction."
    ]
    assert by_title["Since the last survey: follow-up advice"].texts == [
        "The follow-up rules found nothing to act on (they need --done to know what was"
        " carried out)."
    ]
    (chart,) = by_title[f"{document['factors'][0]['label']} per survey wave"].charts
    assert chart.series[1][1][1] is None
    assert chart.labels[1][1] == ""
    assert "October 2026: Users " in chart.description
    assert "Non-users –" in chart.description


# -- typesetting: scales, legends, labels and tables that fit (issue 25) ----------------------

#: The long and short beginnings of a survey of 40 teams' names.
TEAM_NAMES = (
    "Afdeling Maatschappelijke Ontwikkeling en Dienstverlening",
    "Klantcontactcentrum Burgerzaken en Vergunningverlening",
    "Regionale Samenwerking",
    "ICT",
)


def team_names() -> list[str]:
    """40 distinct team names of 6 to 60 characters."""
    names = [f"{TEAM_NAMES[index % 4]} {index:02d}" for index in range(40)]
    assert max(len(name) for name in names) == 60
    return names


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    """The sample's 600 respondents in 40 teams of 15 with names up to 60 characters:
    the JSON and the decks, English and Dutch."""
    folder = tmp_path_factory.mktemp("teams")
    scores = pd.read_csv(SAMPLE_SCORES)
    scores["team"] = [team_names()[index % 40] for index in range(len(scores))]
    scores.to_csv(folder / "teams.csv", index=False)
    cli = Cli(folder)
    for args in (
        ("-o", "teams.json"),
        ("-o", "teams.pptx"),
        ("--lang", "nl", "-o", "teams-nl.pptx"),
    ):
        result = cli("teams.csv", "--segment-by", "team", "--date", "2026-03-01", *args)
        assert result.exit_code == 0, result.stderr
    return folder, json.loads((folder / "teams.json").read_text(encoding="utf-8"))


def all_decks(run, waves, many) -> dict[str, Path]:
    return {
        "sample, en": run[0] / "advice.pptx",
        "sample, nl": run[0] / "advies.pptx",
        "waves, en": waves[0] / "followup.pptx",
        "waves, nl": waves[0] / "vervolg.pptx",
        "40 teams, en": many[0] / "teams.pptx",
        "40 teams, nl": many[0] / "teams-nl.pptx",
    }


#: The charts whose values are not on the answer scale: Hedges' g, adoption, the matrix.
NOT_MEANS = (
    "How large the gaps are",
    "Hoe groot de verschillen zijn",
    "Since the last survey: adoption",
    "Sinds de vorige meting: gebruik",
)


def test_every_chart_of_means_covers_the_answer_scale_of_the_codebook(run, waves, many):
    scale = (run[1]["scale"]["min"], run[1]["scale"]["max"])
    assert scale == (1.0, 5.0)
    for name, path in all_decks(run, waves, many).items():
        means = [
            chart
            for view in read_deck(path)
            if view.title not in NOT_MEANS
            for chart in view.charts
            if chart.kind != "XY_SCATTER"
        ]
        assert len(means) >= 8, name
        for chart in means:
            assert chart.value_range == scale, (name, chart.description)
            values = [v for _, series in chart.series for v in series if v is not None]
            assert all(scale[0] <= v <= scale[1] for v in values)


def test_the_scale_is_the_codebooks_own(cli, tmp_path):
    """A codebook on a 1-7 scale gives charts from 1 to 7 (the sample's scores lie on it)."""
    text = (ROOT / "rules" / "factors.yaml").read_text(encoding="utf-8")
    assert "  max: 5 " in text
    (tmp_path / "factors.yaml").write_text(text.replace("  max: 5 ", "  max: 7 ", 1), "utf-8")
    shutil.copyfile(SAMPLE_SCORES, tmp_path / "scores.csv")
    result = Cli(tmp_path)("scores.csv", "--codebook", "factors.yaml", "-o", "seven.pptx")
    assert result.exit_code == 0, result.stderr
    views = read_deck(tmp_path / "seven.pptx")
    ranges = {
        chart.value_range
        for view in views
        if view.title not in NOT_MEANS
        for chart in view.charts
        if chart.kind != "XY_SCATTER"
    }
    assert ranges == {(1.0, 7.0)}


def test_legends_list_the_series_in_the_order_they_are_drawn(run, waves, many):
    for name, path in all_decks(run, waves, many).items():
        for view in read_deck(path):
            for chart in view.charts:
                if chart.legend:
                    assert chart.legend == [series for series, _ in chart.reading[1]], name
                    if chart.kind != "XY_SCATTER":
                        assert chart.legend[0] in ("Users", "Gebruikers"), (name, view.title)


def test_a_wave_charts_labels_stand_beside_their_own_point(waves):
    """At each wave the higher point's label is above it, the lower one's below: a label
    never stands between the two points, nearer the other one."""
    presentation = Presentation(waves[0] / "vervolg.pptx")
    charts = [
        shape.chart
        for slide in presentation.slides
        for shape in slide.shapes
        if shape.has_chart and str(shape.chart.chart_type).startswith("LINE")
    ]
    assert len(charts) == 7
    crossed = 0
    for chart in charts:
        users, non_users = chart.plots[0].series
        for index, (u, n) in enumerate(zip(users.values, non_users.values, strict=True)):
            sides = [
                series._element.xpath(f"./c:dLbls/c:dLbl[c:idx/@val='{index}']/c:dLblPos/@val")
                for series in (users, non_users)
            ]
            assert sides == ([["t"], ["b"]] if u >= n else [["b"], ["t"]])
            crossed += n > u
    assert crossed  # the sample's non-users are ahead somewhere (higher is worse for effort)


def test_no_two_texts_on_a_slide_overlap(run, waves, many):
    """Text boxes, placeholders, tables and the matrix's labels, by their boxes."""
    for name, path in all_decks(run, waves, many).items():
        for number, slide in enumerate(placed_texts(path), start=1):
            assert overlaps(slide) == [], f"{name}, slide {number}"


def test_the_matrix_labels_every_point_it_has_room_for(run):
    """On the sample all seven factors are labelled, each by its short name."""
    slides = placed_texts(run[0] / "advies.pptx")
    (matrix_slide,) = [s for s in slides if any(p.kind == "label" for p in s)]
    labels = sorted(p.text for p in matrix_slide if p.kind == "label")
    assert labels == sorted(
        f["short"] for f in json.loads((run[0] / "advies.json").read_text("utf-8"))["factors"]
    )
    assert "Collega's" in labels


def test_no_word_of_a_table_is_wider_than_its_column(run, waves, many):
    for name, path in all_decks(run, waves, many).items():
        assert broken_words(path) == [], name


def test_forty_teams_with_long_names_are_spread_over_slides_that_hold_them(many):
    folder, document = many
    views = read_deck(folder / "teams-nl.pptx")
    pages = [view for view in views if view.title.startswith("Segmenten vergeleken")]
    assert len(pages) >= 4
    assert pages[0].title == f"Segmenten vergeleken (1 van {len(pages)})"
    rows = [row for view in pages for row in view.tables[0][1:]]
    assert [row[0] for row in rows] == [
        f"{segment['value']} (team)" for segment in document["segments"][1:]
    ]
    assert {row[0] for row in rows} == {f"{name} (team)" for name in team_names()}
    assert pages[0].tables[0][0][3:] == [
        "Prestatie",
        "Inspanning",
        "Reputatie",
        "Collega's",
        "Leiding",
        "Samenwerking",
        "Privacy",
    ]
    # each page's table ends above its caption, which names the factors in full
    placed = placed_texts(folder / "teams-nl.pptx")
    overviews = [s for s in placed if s[0].text.startswith("Segmenten vergeleken")]
    assert len(overviews) == len(pages)
    for slide in overviews:
        for table in [p for p in slide if p.kind == "table"]:
            (caption,) = [p for p in slide if p.kind == "text" and p.box[1] > table.box[1]]
            assert table.box[1] + table.box[3] <= caption.box[1]
            assert "Collega's: Ervaren groepsdruk (collega's)" in caption.text


def test_text_widths_are_dejavu_sans_as_pillow_measures_it():
    """The deck's table of widths is DejaVu Sans's (the font matplotlib ships)."""
    import matplotlib
    from PIL import ImageFont

    from ism_advisor.render.deck import text_width

    font = ImageFont.truetype(
        str(Path(matplotlib.__file__).parent / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf"),
        1000,
    )
    for text in (
        "Samenwerking",
        "Collega's",
        "Respondents",
        "−0,06*",
        "Gemeente Rivierstad",
        "→ 44%",
    ):
        assert text_width(text, 10) == pytest.approx(font.getlength(text) / 100, rel=0.01)


def test_the_gaps_chart_leaves_room_for_each_label_at_its_bars_end():
    """A negative g's label goes left of its bar, inside the plot; the factors' names sit
    at the plot's left edge, not at 0."""
    from ism_advisor.render.deck.charts import label_range
    from ism_advisor.render.deck.textfit import text_width

    values = [0.6, -0.38, 1.1, 0.04]
    labels = [
        "0,60 [−0,56; 1,77]",
        "−0,38 [−1,53; 0,77]",
        "1,10 [−0,12; 2,32]",
        "0,04 [−0,12; 0,20]",
    ]
    low, high = label_range(values, labels, 600.0, 12)
    assert (low, high) == (-1.5, 2.0)  # rounded out to the ticks (0.5 apart)
    for value, label in zip(values, labels, strict=True):
        room = (value - low if value < 0 else high - value) / (high - low) * 600.0
        assert room >= text_width(label, 12) + 8
    assert label_range([0.2, 0.5], ["0,20", "0,50"], 600.0, 12)[0] == 0.0


def test_the_gaps_chart_names_the_factors_at_its_left_edge(run):
    presentation = Presentation(run[0] / "advies.pptx")
    (chart,) = [shape.chart for shape in presentation.slides[3].shapes if shape.has_chart]
    assert str(chart.category_axis.tick_label_position).startswith("LOW")
    g = [c["hedges_g"] for c in run[1]["segments"][0]["comparisons"]]
    axis = chart.value_axis
    assert axis.minimum_scale <= min(0.0, *g) and axis.maximum_scale > max(g)


@pytest.mark.parametrize(
    ("name", "title", "sentence"),
    [
        (
            "advice.pptx",
            "Appendix: method",
            "Where the smaller group has fewer than 50 people, p comes from a permutation test"
            " of Welch's t (2,000 random reshufflings of who is a user, the same for the same"
            " data): Welch's own p is too often too small there.",
        ),
        (
            "advies.pptx",
            "Bijlage: methode",
            "Als de kleinste groep minder dan 50 mensen telt, komt p uit een permutatietoets"
            " van de t van Welch (2.000 willekeurige herverdelingen van wie gebruiker is, bij"
            " dezelfde gegevens steeds dezelfde): de p van Welch zelf is daar te vaak te klein.",
        ),
    ],
)
def test_the_method_notes_say_where_a_permutation_test_gives_p(run, name, title, sentence):
    (view,) = [view for view in read_deck(run[0] / name) if view.title == title]
    assert view.notes.split("\n")[0] == sentence
