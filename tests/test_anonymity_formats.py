"""Anonymity under attack in every output format: JSON, HTML, Markdown, PDF text, and the
PowerPoint deck (its slides, tables, charts with their data sheets, and speaker notes).

The sample survey has a department of 7 (2 users) and segments built on combinations of
columns; the attacker reads each format and tries to recover a hidden group, directly or
by subtracting the shown segments from the totals.
"""

from __future__ import annotations

import math
import re
import shutil
import subprocess

import pandas as pd
import pytest

from builders import attack
from conftest import SAMPLE_SCORES, Cli
from decks import deck_text, read_deck

SEGMENT_BY = ["organisation", "department", "organisation+department"]
ARGS = [arg for column in SEGMENT_BY for arg in ("--segment-by", column)]


@pytest.fixture(scope="module")
def truth() -> pd.DataFrame:
    frame = pd.read_csv(SAMPLE_SCORES)
    frame["user"] = frame["user"] == "yes"
    return frame


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    from click.testing import CliRunner

    from ism_advisor.cli import main

    folder = tmp_path_factory.mktemp("formats")
    shutil.copyfile(SAMPLE_SCORES, folder / "scores.csv")
    out = {}
    for fmt in ("json", "html", "md", "pdf", "pptx"):
        target = folder / f"advice.{fmt}"
        result = CliRunner().invoke(
            main,
            [
                str(folder / "scores.csv"),
                *ARGS,
                "--format",
                fmt,
                "-o",
                str(target),
                "--per-segment",
                str(folder / fmt),
            ],
            catch_exceptions=False,
        )
        assert result.exit_code == 0, result.stderr
        out[fmt] = target
    return folder, out


def hidden_segments(document) -> list[dict]:
    return [s for s in document["segments"] if s["suppressed"]]


def test_json_hides_and_resists_subtraction(outputs, truth):
    import json

    document = json.loads(outputs[1]["json"].read_text(encoding="utf-8"))
    hidden = hidden_segments(document)
    assert {s["value"] for s in hidden} >= {"Gemeente Rivierstad / Directie", "Directie"}
    assert attack(document, truth, 5) > 0


def overview_rows(text: str, fmt: str) -> dict[str, str]:
    """The segment overview's row per segment ("label: value", the segment question's
    label as the overview shows it), as the format shows it (for the deck, ``text`` is
    the deck's path)."""
    if fmt == "pptx":
        rows = {}
        for view in read_deck(text):
            if view.title.startswith("Segments compared"):
                for row in view.tables[0][1:]:
                    value, column = re.fullmatch(r"(.*) \((.*)\)", row[0]).groups()
                    rows[f"{column}: {value}"] = " | ".join(row[1:])
        return rows
    if fmt == "html":
        table = text.split('<table class="heatmap">')[1].split("<tbody>")[1].split("</table>")[0]
        pattern = (
            r'<tr[^>]*><th[^>]*><span class="name">([^<]*)</span> <span class="note">\(([^<]*)\)'
            r"</span></th>(.*?)</tr>"
        )
        rows = re.findall(pattern, table, re.S)
        return {f"{column}: {value}": row for value, column, row in rows}
    rows = {}
    overview = text.split("## Segment overview")[1].split("\n## ")[0]
    for line in overview.splitlines():
        match = re.match(r"\| (.+?) \((.+?)\) \|(.*)", line)
        if match:
            rows[f"{match[2]}: {match[1]}"] = match[3]
    return rows


def read(path, fmt: str):
    return path if fmt == "pptx" else path.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", ["html", "md", "pptx"])
def test_hidden_rows_show_no_figure(outputs, fmt):
    import json

    document = json.loads(outputs[1]["json"].read_text(encoding="utf-8"))
    text = read(outputs[1][fmt], fmt)
    rows = overview_rows(text, fmt)
    assert len(rows) == len(document["segments"]) - 1
    for segment in document["segments"][1:]:
        row = rows[f"{segment['label']}: {segment['value']}"]
        if segment["suppressed"]:
            assert not re.search(r"\d", row), row  # no count, rate, g or p
        else:
            assert re.search(r"\d\.\d\d", row)


@pytest.mark.parametrize("fmt", ["html", "md", "pptx"])
def test_subtracting_shown_counts_recovers_no_hidden_group(outputs, truth, fmt):
    """Total respondents minus every shown segment's respondents, per segmentation."""
    import json

    document = json.loads(outputs[1]["json"].read_text(encoding="utf-8"))
    text = read(outputs[1][fmt], fmt)
    rows = overview_rows(text, fmt)
    if fmt == "pptx":
        total = int(re.search(r"% of (\d+) respondents use", deck_text(text)).group(1))
    else:
        total = int(
            re.search(r"(\d+)</strong>respondents|- (\d+) respondents", text).group(1)
            or re.search(r"- (\d+) respondents", text).group(1)
        )
    for spec in SEGMENT_BY:
        shown = []
        hidden = []
        for segment in document["segments"][1:]:
            if segment["column"] != spec:
                continue
            row = rows[f"{segment['label']}: {segment['value']}"]
            numbers = re.findall(r"\d+", row.replace(",", ""))
            (hidden if not numbers else shown).append((segment, int(numbers[0]) if numbers else 0))
        left = total - sum(count for _, count in shown)
        for segment, _ in hidden:
            part = truth
            for column, value in segment["where"].items():
                part = part[part[column] == value]
            assert left != len(part), (spec, segment["value"])
        if hidden:
            assert len(hidden) >= 2


def test_pdf_text_shows_no_hidden_figure(outputs):
    import json

    document = json.loads(outputs[1]["json"].read_text(encoding="utf-8"))
    text = subprocess.run(
        ["pdftotext", "-layout", str(outputs[1]["pdf"]), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    overview = text.split("Segment overview")[-1].split("How the factors hang together")[0]
    lines = [line for line in overview.splitlines() if " hidden " in f"{line} "]
    assert len(lines) == len(hidden_segments(document))
    for line in lines:
        assert "·" in line and not re.search(r"\d", line), line


@pytest.mark.parametrize("fmt", ["json", "html", "md", "pdf", "pptx"])
def test_no_report_for_a_hidden_segment(outputs, fmt):
    import json

    folder, files = outputs
    document = json.loads(files["json"].read_text(encoding="utf-8"))
    written = sorted(p.name for p in (folder / fmt).iterdir() if not p.name.startswith("."))
    shown = [s for s in document["segments"][1:] if not s["suppressed"]]
    assert len(written) == len(shown)
    for segment in hidden_segments(document):
        slug = re.sub(r"[^a-z0-9]+", "-", segment["value"].casefold()).strip("-")
        assert not any(name.endswith(f"-{slug}.{fmt}") for name in written), slug


def test_hidden_groups_do_not_leak_through_explanations(outputs):
    """The facts a rule matched are those of shown segments only."""
    import json

    document = json.loads(outputs[1]["json"].read_text(encoding="utf-8"))
    for segment in document["segments"]:
        for recommendation in segment.get("recommendations", []):
            for reason in recommendation["explanation"]:
                for fact in reason["matched"].values():
                    if "users_n" in fact:
                        assert fact["users_n"] >= 5 and fact["non_users_n"] >= 5
                    if "respondents" in fact:
                        assert fact["users"] >= 5 and fact["non_users"] >= 5


def test_the_deck_names_hidden_segments_without_a_figure(outputs):
    """Wherever the deck names a hidden segment (overview, notes, appendix), the line
    carries no figure; the charts hold the published figures of everyone only."""
    import json

    document = json.loads(outputs[1]["json"].read_text(encoding="utf-8"))
    hidden = [s["value"] for s in hidden_segments(document)]
    views = read_deck(outputs[1]["pptx"])
    lines = [line for view in views for line in view.text().split("\n")]
    mentions = [line for line in lines for name in hidden if name in line]
    assert len(mentions) >= 3 * len(hidden)  # overview, its notes, the appendix and its notes
    for line in mentions:
        assert not re.search(r"\d", line), line
    published = {
        value
        for comparison in document["segments"][0]["comparisons"]
        for value in (
            comparison["users_mean"],
            comparison["non_users_mean"],
            comparison["hedges_g"],
        )
    }
    # the priority matrix: the gaps, and each factor's importance, its published relative
    # weight as a share of the model's total
    everyone = document["segments"][0]
    total = math.fsum(d["weight"] for d in everyone["drivers"])  # as the report sums them
    published |= {100 * d["weight"] / total for d in everyone["drivers"]}
    published |= {c["gap"] for c in everyone["comparisons"]}
    for view in views:
        for chart in view.charts:
            for _, values in chart.series:
                assert set(values) <= published
            for points in chart.points:
                assert {x for x, _ in points} <= published


@pytest.fixture(scope="module")
def hidden_comparison(tmp_path_factory):
    """The sample with only 3 users of Sales answering the privacy questions: Sales is
    shown, its privacy comparison is not."""
    folder = tmp_path_factory.mktemp("hidden-comparison")
    frame = pd.read_csv(SAMPLE_SCORES)
    sales_users = frame.index[(frame["department"] == "Sales") & (frame["user"] == "yes")]
    frame.loc[sales_users[3:], "privacy_concern"] = None
    frame.to_csv(folder / "scores.csv", index=False)
    cli = Cli(folder)
    args = ("scores.csv", "--segment-by", "department", "--per-segment", "decks")
    assert cli(*args, "--format", "pptx").exit_code == 0
    document = cli.json("scores.csv", "--segment-by", "department")
    kept = frame.loc[sales_users[:3], "privacy_concern"]
    return folder, document, kept


def test_a_segment_deck_shows_no_figure_of_its_hidden_comparison(hidden_comparison):
    folder, document, kept = hidden_comparison
    sales = next(s for s in document["segments"] if s["value"] == "Sales")
    privacy = next(c for c in sales["comparisons"] if c["factor"] == "privacy_concern")
    assert not sales["suppressed"] and privacy["suppressed_reason"] == "anonymity"
    views = read_deck(folder / "decks" / "department-sales.pptx")
    slide = next(view for view in views if view.title == "Privacy concern")
    assert slide.charts == [] and not re.search(r"\d", slide.text())
    assert slide.texts[0].split("\n")[0] == (
        "Not shown (anonymity): too few users or non-users answered, or together with"
        " other figures in this report it would reveal a smaller group."
    )
    for view in views:
        for chart in view.charts:
            assert "Privacy concern" not in chart.categories
    appendix = views[-1].texts[0]
    assert "Privacy concern: hidden for anonymity" in appendix.split("\n")
    # the three users' mean is nowhere (as a figure with two decimals, or unrounded)
    text = deck_text(folder / "decks" / "department-sales.pptx")
    assert f"{kept.mean():.2f}" not in text and repr(float(kept.mean())) not in text
