"""The command line: defaults, output handling, usage errors."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from conftest import SAMPLE_SCORES


@pytest.fixture
def scores(tmp_path):
    target = tmp_path / "scores.csv"
    shutil.copyfile(SAMPLE_SCORES, target)
    return target


def test_default_run_writes_an_html_report_in_the_working_folder(cli, scores):
    result = cli("scores.csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{cli.folder / 'scores-advice.html'}\n"
    assert result.stderr == ""
    html = (cli.folder / "scores-advice.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")


def test_json_output_input_and_settings(cli, scores):
    result = cli("scores.csv", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{cli.folder / 'scores-advice.json'}\n"
    document = json.loads((cli.folder / "scores-advice.json").read_text(encoding="utf-8"))
    assert document["schema_version"] == 1
    assert document["input"] == {
        "path": "scores.csv",
        "respondents": 600,
        "users": 243,
        "non_users": 357,
        "excluded": 0,
    }
    assert document["settings"] == {
        "alpha": 0.05,
        "min_group_size": 5,
        "segment_by": [],
        "lang": "en",
        "date": None,
    }
    assert document["scale"] == {"min": 1.0, "max": 5.0}


def test_output_to_stdout_and_to_a_named_file(cli, scores):
    document = cli.json("scores.csv")
    result = cli("scores.csv", "-o", "out/advice.json")
    assert result.exit_code == 1
    assert result.stderr == ("out/advice.json: cannot write here: the folder out does not exist\n")
    (cli.folder / "out").mkdir()
    result = cli("scores.csv", "-o", "out/advice.json")
    assert result.exit_code == 0
    assert result.stdout == "out/advice.json\n"
    assert json.loads((cli.folder / "out" / "advice.json").read_text()) == document


def test_same_input_gives_byte_identical_output(cli, scores):
    for fmt in ("json", "html", "md"):
        args = ("scores.csv", "--segment-by", "organisation+department", "--format", fmt, "-o", "-")
        first, second = cli(*args).stdout, cli(*args).stdout
        assert first == second
        assert len(first) > 10_000


def test_never_writes_over_its_input(cli, scores):
    export = scores.rename(scores.with_name("export"))  # survey tools export without a suffix
    before = export.read_bytes()
    result = cli("export", "--format", "json", "-o", "export")
    assert result.exit_code == 1
    assert result.stderr == "export: refusing to write the output over the input file export\n"
    assert export.read_bytes() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--min-group-size", "2"],
            "Invalid value for '--min-group-size': 2 is not in the range x>=3.",
        ),
        (
            ["--alpha", "-0.05"],
            "Invalid value for '--alpha': -0.05 is not in the range 0<x<1.",
        ),
        (
            ["--lang", "de"],
            "Invalid value for '--lang': 'de' is not one of 'en', 'nl'.",
        ),
        (
            ["--format", "docx"],
            "Invalid value for '--format': 'docx' is not one of 'html', 'pdf', 'md', 'json',"
            " 'pptx'.",
        ),
    ],
)
def test_usage_errors_exit_2(cli, scores, args, message):
    result = cli("scores.csv", *args)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == f"Error: {message}"
    assert cli.files == ["scores.csv"]


def test_usage_errors_name_the_command_users_type(cli, scores):
    result = cli("scores.csv", "--format", "docx")
    assert result.exit_code == 2
    assert result.stderr == (
        "Usage: ism-advise [OPTIONS] SCORES...\n"
        "Try 'ism-advise --help' for help.\n"
        "\n"
        "Error: Invalid value for '--format': 'docx' is not one of 'html', 'pdf', 'md', 'json',"
        " 'pptx'.\n"
    )


@pytest.mark.parametrize(
    ("name", "start"),
    [
        ("out.pdf", b"%PDF-"),
        ("out.md", b"# Getting staff onto the platform"),
        ("out.json", b'{"schema_version":1,'),
        ("out.html", b"<!DOCTYPE html>"),
        ("OUT.HTM", b"<!DOCTYPE html>"),
        ("out.markdown", b"# Getting staff onto the platform"),
        ("deck.PPTX", b"PK\x03\x04"),
        ("no-suffix", b"<!DOCTYPE html>"),
    ],
)
def test_the_output_suffix_chooses_the_format(cli, scores, name, start):
    result = cli("scores.csv", "-o", name)
    assert result.exit_code == 0, result.stderr
    assert (cli.folder / name).read_bytes().startswith(start)


def test_a_matching_suffix_and_format_and_standard_output_still_work(cli, scores):
    assert cli("scores.csv", "-o", "out.json", "--format", "json").exit_code == 0
    result = cli("scores.csv", "-o", "-", "--format", "md")
    assert result.exit_code == 0
    assert result.stdout.startswith("# Getting staff onto the platform")
    result = cli("scores.csv", "--date", "2026-03-01", "--format", "md", "-o", "-")
    assert "March 1, 2026" in result.stdout


@pytest.mark.parametrize("command", [("rules", "check"), ("doctor",)])
def test_the_knowledge_options_of_other_commands_swallow_no_option(cli, command):
    result = cli(*command, "--rules", "--lang", "nl")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == f"Usage: ism-advise {' '.join(command)} [OPTIONS]"
    assert result.stderr.splitlines()[-1] == (
        "Error: Invalid value for '--rules': '--lang' looks like an option; --rules needs"
        " a file: --rules FILE"
    )


def test_the_sample_folder_option_swallows_no_option(cli):
    result = cli("sample", "-o", "--seed", "3")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        "Error: Invalid value for '-o' / '--output': '--seed' looks like an option; -o needs"
        " a folder: -o DIR"
    )
    assert cli.files == []


def test_dutch_labels_with_lang_nl(cli, scores):
    document = cli.json("scores.csv", "--lang", "nl")
    assert document["settings"]["lang"] == "nl"
    assert document["factors"][0] == {
        "id": "performance_expectancy",
        "label": "Verwachte prestatieverbetering",
        "short": "Prestatie",
        "definition": "De mate waarin iemand ervaart of verwacht dat het gebruik van het"
        " platform bijdraagt aan het dagelijkse werk.",
        "direction": "higher_is_better",
    }


def test_help_lists_the_main_options_and_the_commands():
    result = subprocess.run(
        [sys.executable, "-m", "ism_advisor", "--help"], capture_output=True, text=True, check=True
    )
    for fragment in ("--segment-by COL", "--min-group-size", "--codebook", "sample"):
        assert fragment in result.stdout


SAMPLE_FILES = ("scores.csv", "responses.csv", "scores-wave2.csv", "responses-wave2.csv")


def test_sample_command_is_reproducible(cli, tmp_path):
    result = cli("sample", "--seed", "7", "-o", "one")
    assert result.exit_code == 0
    assert result.stdout == (
        "one/scores.csv\none/responses.csv\none/scores-wave2.csv\none/responses-wave2.csv\n"
    )
    cli("sample", "--seed", "7", "-o", "two")
    for name in SAMPLE_FILES:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()


def test_packaged_sample_data_is_what_the_generator_makes(cli, tmp_path):
    cli("sample", "-o", "fresh")
    for name in SAMPLE_FILES:
        assert (tmp_path / "fresh" / name).read_bytes() == (
            SAMPLE_SCORES.parent / name
        ).read_bytes()


# -- issue 26, part D: messages that lead to the fix -----------------------------------------


@pytest.mark.parametrize(
    ("word", "command"),
    [("questionaire", "questionnaire"), ("Sampel", "sample"), ("expalin", "explain")],
)
def test_a_mistyped_command_gets_did_you_mean(cli, word, command):
    result = cli(word)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        f"Error: no such command or file {word!r}: did you mean {command!r}?"
        f" (ism-advise {command} --help)"
    )
    assert cli.files == []


def test_a_file_named_like_a_command_is_a_survey(cli, scores):
    """The word is a survey file when such a file exists, or when it looks like one."""
    scores.rename(scores.with_name("questionaire"))
    result = cli("questionaire", "--format", "json", "-o", "-")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["input"]["respondents"] == 600
    missing = cli("questionaire.csv")
    assert (missing.exit_code, missing.stderr) == (
        1,
        "questionaire.csv: no such file (expected a survey CSV file)\n",
    )
    far = cli("scoresheet")  # close to no command: a missing survey file
    assert (far.exit_code, far.stderr) == (
        1,
        "scoresheet: no such file (expected a survey CSV file)\n",
    )


@pytest.mark.parametrize("lang", ["NL", "Nl", "EN"])
def test_lang_ignores_capitals(cli, scores, lang):
    document = cli.json("scores.csv", "--lang", lang)
    assert document["settings"]["lang"] == lang.lower()
    result = cli(
        "questionnaire",
        "--lang",
        f"{lang},{'en' if lang[0] == 'N' else 'nl'}",
        "--format",
        "md",
        "--check",
    )
    assert result.exit_code != 2 and "Invalid value" not in result.stderr
