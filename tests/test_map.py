"""``ism-advise map``: a proposed mapping, checked and edited, takes a survey in its own
words to a report (the README's walkthrough, step by step)."""

from __future__ import annotations

import json

import yaml

import exports as X
from builders import comparable
from conftest import DATA, ROOT
from ism_advisor.survey.codebook import load_codebook
from ism_advisor.survey.reading import load_survey
from ism_advisor.survey.reading.propose import propose_mapping

GROUP = X.people()


def own_wording(folder):
    X.qualtrics(folder / "survey.csv", GROUP, lang="nl", wording=X.OWN_WORDING)
    X.tidy(folder / "reference.csv", GROUP)


def test_the_walkthrough(cli, tmp_path):
    own_wording(tmp_path)
    # 1. without a mapping: one line saying what is missing and what to do
    readme = (ROOT / "docs" / "walkthroughs" / "exports.md").read_text(encoding="utf-8")
    result = cli("survey.csv", "--segment-by", "department")
    assert result.exit_code == 1
    assert result.stderr in readme  # the README shows what the commands print
    assert result.stderr == (  # every role without a column at once (issue 26, part D)
        "survey.csv:1: 5 parts of the codebook have no column: no usage question: no column is"
        ' called "user" or asks "Do you use the internal social platform? / Gebruikt u het'
        " interne sociale platform?\"; factor 'performance_expectancy' has item columns but"
        " misses pe2, pe3 (no column has their id or wording); factor 'effort_expectancy' has"
        " item columns but misses ee4 (no column has their id or wording); factor 'reputation'"
        " has item columns but misses rep2 (no column has their id or wording); factor"
        " 'manager_influence' has item columns but misses man2 (no column has their id or"
        " wording) ('ism-advise map survey.csv' proposes a mapping to check and pass with"
        " --map)\n"
    )
    # 2. map proposes a use for every column
    result = cli("map", "survey.csv", "-o", "mapping.yaml", "--segment-by", "department")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == (
        "Qualtrics export (3 header rows): 64 responses, 5 previews/incomplete left out,"
        " 24 of 25 items matched, 21 columns ignored\n"
    )
    lines = result.stdout.splitlines()
    shown = [
        line for line in lines if line.split()[0] in ("column", "Q1", "Q2", "Q3_1", "Q3_3", "Q4_4")
    ]
    assert all(f"   {line}\n" in readme for line in [result.stderr.strip(), *shown, lines[-2]])
    assert lines[0].split() == ["column", "use", "match", "examples", "→", "read", "as"]
    table = {line.split()[0]: line for line in lines[1:-2]}
    assert table["Q1"].split() == [
        "Q1",
        "usage",
        "guess",
        "0.85",
        "Ja,",
        "Nee",
        "→",
        "user,",
        "non-user",
    ]
    assert table["Q2"].split()[:4] == ["Q2", "segment", "department", "guess"]
    assert table["Q3_3"].split()[:4] == ["Q3_3", "pe3", "guess", "0.63"]
    assert table["Q4_4"].split() == ["Q4_4", "ignore", "unmatched", "closest:", "ee4", "(0.58)"]
    assert table["IPAddress"].split() == ["IPAddress", "ignore", "personal", "data"]
    assert table["Q11"].split() == ["Q11", "ignore", "free", "text"]
    assert lines[-2] == "20 certain, 6 guesses, 2 unmatched; 24 of 25 items have a column"
    assert lines[-1] == "mapping.yaml"
    text = (tmp_path / "mapping.yaml").read_text(encoding="utf-8")
    assert (
        "  - column: Q4_4\n"
        '    question: "In hoeverre bent u het eens met de volgende stellingen? - Tijdens mijn'
        ' werk kom ik zelden achter een computer of telefoon om het platform te gebruiken."\n'
        "    use: ignore\n"
        "    match: unmatched\n"
        '    # closest: ee4 (0.58) "In mijn werk heb ik zelden de gelegenheid om het platform'
        ' te gebruiken (achter een computer of op mijn telefoon)."\n'
    ) in text
    assert "#   ism-advise survey.csv --map mapping.yaml\n" in text
    # 3. one edit: the unmatched statement is ee4
    block = text.index("  - column: Q4_4\n")
    edited = text[:block] + text[block:].replace("use: ignore", "use: ee4", 1)
    (tmp_path / "mapping.yaml").write_text(edited, encoding="utf-8")
    # 4. the report, with the same figures as the same answers in a plain CSV
    result = cli(
        "survey.csv",
        "--map",
        "mapping.yaml",
        "--segment-by",
        "department",
        "-o",
        "-",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[0] == (
        "Qualtrics export (3 header rows): 64 responses, 5 previews/incomplete left out,"
        " 25 of 25 items mapped by mapping.yaml, 20 columns ignored"
    )
    assert f"   {result.stderr.splitlines()[0]}\n" in readme
    document = json.loads(result.stdout)
    expected = cli.json("reference.csv", "--segment-by", "department")
    assert comparable(document) == comparable(expected)
    assert document["input"]["mapping"] == "mapping.yaml"
    assert {"column": "Q4_4", "use": "ee4"} in document["input"]["columns"]
    assert {"column": "Q2", "use": "segment department"} in document["input"]["columns"]


def test_the_report_names_the_columns_read(cli, tmp_path):
    X.qualtrics(tmp_path / "survey.csv", GROUP, lang="en")
    result = cli("survey.csv", "--format", "md", "-o", "-")
    assert result.exit_code == 0, result.stderr
    assert (
        "### Columns read\n\n| Column | Feeds |\n|---|---|\n| Q1 | usage |\n| Q3_1 | pe1 |\n"
        in (result.stdout)
    )
    plain = cli(DATA / "messy" / "clean.csv", "--format", "md", "-o", "-")
    assert "Columns read" not in plain.stdout


def test_map_keeps_an_edited_mapping(cli, tmp_path):
    own_wording(tmp_path)
    (tmp_path / "mapping.yaml").write_text("edited\n", encoding="utf-8")
    result = cli("map", "survey.csv", "-o", "mapping.yaml")
    assert result.exit_code == 1
    assert result.stderr == (
        "mapping.yaml: exists already (edit it, or give --force to replace it)\n"
    )
    assert (tmp_path / "mapping.yaml").read_text(encoding="utf-8") == "edited\n"
    result = cli("map", "survey.csv", "-o", "mapping.yaml", "--force")
    assert result.exit_code == 0
    assert (tmp_path / "mapping.yaml").read_text(encoding="utf-8").startswith("# Mapping of")


def test_map_to_standard_output(cli, tmp_path):
    own_wording(tmp_path)
    result = cli("map", "survey.csv", "-o", "-")
    assert result.exit_code == 0
    data = yaml.safe_load(result.stdout)
    assert data["format"] == "qualtrics"
    assert len(data["columns"]) == 47  # 17 metadata, 2 questions, 25 items, 3 more
    assert "certain, 6 guesses" in result.stderr  # the table went to stderr
    assert cli.files == ["reference.csv", "survey.csv"]


def test_a_written_mapping_reads_back_as_proposed(tmp_path, codebook):
    X.limesurvey(tmp_path / "lime.csv", GROUP, lang="en")
    proposed = propose_mapping(tmp_path / "lime.csv", codebook, ["department"])
    (tmp_path / "m.yaml").write_text(proposed.yaml("<packaged>/factors.yaml"), encoding="utf-8")
    mapped = load_survey(
        tmp_path / "lime.csv", codebook, ["department"], mapping=tmp_path / "m.yaml"
    )
    automatic = load_survey(tmp_path / "lime.csv", codebook, ["department"])
    assert mapped.scores.equals(automatic.scores)
    assert mapped.source.mapping == str(tmp_path / "m.yaml")


def test_a_mapping_may_leave_out_items_down_to_half(tmp_path, codebook):
    X.qualtrics(tmp_path / "q.csv", GROUP, lang="nl")
    proposed = propose_mapping(tmp_path / "q.csv", codebook)
    text = proposed.yaml("x").replace("use: pe4", "use: ignore").replace("use: pe3", "use: ignore")
    (tmp_path / "m.yaml").write_text(text, encoding="utf-8")
    survey = load_survey(tmp_path / "q.csv", codebook, mapping=tmp_path / "m.yaml")
    assert list(survey.items["performance_expectancy"].columns) == ["pe1", "pe2"]
    both = survey.items["performance_expectancy"].notna().sum(axis=1) == 2
    assert survey.scores["performance_expectancy"].notna().equals(both)  # 2 of 4 is half


def test_a_plain_csv_maps_itself(cli, tmp_path):
    X.tidy(tmp_path / "plain.csv", GROUP)
    result = cli("map", "plain.csv", "-o", "m.yaml")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-2] == (
        "27 certain, 0 guesses, 0 unmatched; 25 of 25 items have a column"
    )


def test_map_in_dutch(cli, tmp_path):
    own_wording(tmp_path)
    result = cli("map", "survey.csv", "-o", "m.yaml", "--lang", "nl")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].split() == [
        "kolom",
        "gebruik",
        "match",
        "voorbeelden",
        "→",
        "gelezen",
        "als",
    ]
    assert "Q1                     usage" in result.stdout
    assert "gebruiker, niet-gebruiker" in result.stdout
    text = (tmp_path / "m.yaml").read_text(encoding="utf-8")
    assert text.startswith("# Koppeling van survey.csv aan het codeboek <packaged>/factors.yaml")


def test_codebook_segment_questions_are_found_by_wording(tmp_path):
    X.msforms(tmp_path / "forms.xlsx", GROUP, lang="en")
    survey = load_survey(tmp_path / "forms.xlsx", load_codebook(), ["afdeling"])
    assert survey.segment_by == (("department",),)
