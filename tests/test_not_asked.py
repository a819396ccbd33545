"""A factor a survey wave did not ask (issue 26, part B): said as absent — "not asked in
wave October" — in every format and in the JSON, never as anonymity; the summary counts
what was compared; the figures of the factors that were asked are those of the latest
wave, checked against scipy and statsmodels."""

from __future__ import annotations

import subprocess

import numpy as np
import pandas as pd
import pingouin
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests

from accessibility import need
from conftest import FACTORS, SAMPLE_RESPONSES, SAMPLE_SCORES
from decks import deck_text
from ism_advisor.survey.codebook import load_codebook
from ism_advisor.survey.sample import generate_followup

ABSENT = "privacy_concern"
WAVES = ("--wave-name", "March", "--wave-name", "October")

#: what each language says, exactly
TEXTS = {
    "en": {
        "warning": (
            "warning: factor 'privacy_concern' was not asked in wave 'October' (no column, or"
            " no answer in any row): left out of the change figures and of the latest wave's"
            " comparison of users and non-users\n"
        ),
        "count": "- 6 / 6 factors differ significantly",
        "compared": "6 of 7 factors compared; Privacy concern: not asked in wave October.",
        "finding": "Not compared: this factor was not asked in wave October.",
        "model": "Privacy concern: not asked in wave October, so not in the model.",
        "since": "Left out of the change figures: Privacy concern (not asked in wave October).",
        "cell": "n/a",
        "key": "n/a: not asked in this wave.",
        "hidden": "segments 0, comparisons 0",
    },
    "nl": {
        "warning": (
            "waarschuwing: factor 'privacy_concern' is in meting 'October' niet gevraagd (geen"
            " kolom, of in geen enkele rij een antwoord): weggelaten uit de veranderingen en uit"
            " de vergelijking van gebruikers en niet-gebruikers in de laatste meting\n"
        ),
        "count": "- 6 / 6 factoren verschillen significant",
        "compared": "6 van 7 factoren vergeleken; Privacy: niet gevraagd in meting October.",
        "finding": "Niet vergeleken: deze factor is in meting October niet gevraagd.",
        "model": "Privacy: niet gevraagd in meting October, dus niet in het model.",
        "since": "Weggelaten uit de veranderingen: Privacy (niet gevraagd in meting October).",
        "cell": "n.v.t.",
        "key": "n.v.t.: niet gevraagd in deze meting.",
        "hidden": "segmenten 0, vergelijkingen 0",
    },
}


@pytest.fixture(scope="module")
def waves(tmp_path_factory):
    """The sample's first wave, and its second without the privacy concern column."""
    folder = tmp_path_factory.mktemp("absent")
    full = generate_followup(load_codebook()).scores_csv
    (folder / "full.csv").write_text(full, encoding="utf-8")
    frame = pd.read_csv(folder / "full.csv", dtype=str, keep_default_na=False)
    frame.drop(columns=ABSENT).to_csv(folder / "october.csv", index=False)
    return folder


def run(cli, waves, *args):
    result = cli(SAMPLE_SCORES, waves / "october.csv", *WAVES, "-q", *args)
    assert result.exit_code == 0, result.stderr
    return result


def test_the_json_says_not_asked_and_compares_the_rest_as_the_references_do(cli, waves):
    result = run(cli, waves, "--segment-by", "organisation", "--format", "json", "-o", "-")
    assert result.stderr == TEXTS["en"]["warning"]
    import json

    document = json.loads(result.stdout)
    assert document["waves"]["not_asked"] == {"March": [], "October": [ABSENT]}
    assert document["waves"]["left_out"] == [ABSENT]
    latest = pd.read_csv(waves / "full.csv")
    is_user = latest["user"].str.lower().isin(["ja", "yes", "j", "y", "1", "true"]).to_numpy()
    for segment in document["segments"]:
        assert not segment["suppressed"]
        absent = [c for c in segment["comparisons"] if c["factor"] == ABSENT]
        assert [(c["suppressed"], c["suppressed_reason"]) for c in absent] == [(True, "not_asked")]
        assert all(
            v is None
            for k, v in absent[0].items()
            if k not in ("factor", "suppressed", "suppressed_reason")
        )
        # asked factors: shown, with Holm over the compared ones only (scipy, statsmodels)
        asked = [c for c in segment["comparisons"] if c["factor"] != ABSENT]
        assert [c["suppressed_reason"] for c in asked] == [None] * (len(FACTORS) - 1)
        rows = np.ones(len(latest), dtype=bool)
        if segment["column"] is not None:
            rows = (latest[segment["column"]] == segment["value"]).to_numpy()
        p = []
        for c in asked:
            scores = latest[c["factor"]].to_numpy(dtype=float)
            users = scores[rows & is_user]
            non_users = scores[rows & ~is_user]
            users, non_users = users[~np.isnan(users)], non_users[~np.isnan(non_users)]
            reference = stats.ttest_ind(users, non_users, equal_var=False)
            assert c["p"] == pytest.approx(reference.pvalue, rel=1e-9)
            p.append(reference.pvalue)
        holm = multipletests(p, method="holm")[1]
        assert [c["p_holm"] for c in asked] == pytest.approx(holm, rel=1e-9)
        # the driver model leaves the factor out rather than keeping the analysis away
        assert segment["driver_model"]["reason"] is None
        assert [d["factor"] for d in segment["drivers"]] == [f for f in FACTORS if f != ABSENT]


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_markdown_says_not_asked_never_anonymity(cli, waves, lang):
    texts = TEXTS[lang]
    result = cli(
        SAMPLE_SCORES, waves / "october.csv", *WAVES, "--segment-by", "organisation",
        "--lang", lang, "--format", "md", "-o", "-",
    )  # fmt: skip
    assert result.exit_code == 0
    assert result.stderr == texts["warning"]
    lines = result.stdout.splitlines()
    for key in ("count", "compared", "finding", "model", "since"):
        assert texts[key] in lines, key
    assert lines.count(texts["finding"]) == 1
    finding = lines[lines.index(texts["finding"]) - 2]
    assert finding == "### " + ("Privacy concern" if lang == "en" else "Privacy")
    label = "(Organisation)" if lang == "en" else "(Organisatie)"  # the question's label
    overview = [line for line in lines if line.startswith("| ") and label in line]
    assert len(overview) == 3
    assert all(line.split(" | ")[-2] == texts["cell"] for line in overview)
    assert any(line.endswith(" " + texts["key"]) for line in lines)
    assert texts["hidden"] in result.stdout
    assert "Not shown (anonymity)" not in result.stdout
    assert "Niet getoond (anonimiteit)" not in result.stdout


def test_html_and_pdf_say_not_asked(cli, waves, tmp_path):
    texts = TEXTS["en"]
    run(cli, waves, "--segment-by", "organisation", "-o", "x.html")
    html = (tmp_path / "x.html").read_text(encoding="utf-8")
    assert f'<p class="note">{texts["compared"]}</p>' in html
    assert "<strong>6 / 6</strong>factors differ significantly" in html
    finding = html.split('id="finding-privacy_concern"')[1].split("</div>")[0]
    assert f"<p>{texts['finding']}</p>" in finding
    assert "anonymity" not in finding
    assert texts["model"] in html and texts["since"] in html and texts["key"] in html
    run(cli, waves, "--lang", "nl", "-o", "x.pdf")
    text = subprocess.run(
        [need("pdftotext"), "-raw", str(tmp_path / "x.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    flat = " ".join(text.split())
    for key in ("compared", "finding", "model", "since"):
        assert TEXTS["nl"][key] in flat, key


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_deck_says_not_asked(cli, waves, tmp_path, lang):
    texts = TEXTS[lang]
    run(cli, waves, "--segment-by", "organisation", "--lang", lang, "-o", "x.pptx")
    text = deck_text(tmp_path / "x.pptx")
    assert texts["compared"] in text
    assert texts["finding"] in text
    assert texts["key"] in text
    # the summary counts the compared factors; the appendix hides nothing for anonymity
    if lang == "en":
        assert "differ significantly on 6 of 6 factors;" in text
        assert "Nothing in this deck is hidden." in text
    else:
        assert "verschillen significant op 6 van de 6 factoren;" in text
        assert "Niets in deze presentatie is verborgen." in text


@pytest.mark.parametrize("fmt", ["md", "html", "pptx"])
def test_the_brief_leaves_the_factor_out_and_says_so(cli, waves, tmp_path, fmt):
    run(
        cli, waves, "--segment-by", "organisation", "--per-segment", "briefs", "--brief",
        "--format", fmt, "-o", f"x.{fmt}",
    )  # fmt: skip
    path = tmp_path / "briefs" / f"organisation-technobouw.{fmt}"
    text = deck_text(path) if fmt == "pptx" else path.read_text(encoding="utf-8")
    assert TEXTS["en"]["compared"] in text
    assert "Privacy concern" not in text.replace(TEXTS["en"]["compared"], "")
    assert "hidden (anonymity)" not in text


def test_wave_by_a_factor_blank_in_the_latest_wave(cli, waves, tmp_path):
    """One file with a wave column: a factor blank in every row of a wave was not asked."""
    first = pd.read_csv(SAMPLE_SCORES, dtype=str, keep_default_na=False).assign(wave="March")
    second = pd.read_csv(waves / "full.csv", dtype=str, keep_default_na=False)
    second = second.assign(wave="October", **{ABSENT: ""})
    pd.concat([first, second]).to_csv(tmp_path / "stacked.csv", index=False)
    result = cli("stacked.csv", "--wave-by", "wave", "--format", "md", "-o", "-", "-q")
    assert result.exit_code == 0
    assert result.stderr == TEXTS["en"]["warning"]
    lines = result.stdout.splitlines()
    assert TEXTS["en"]["compared"] in lines and TEXTS["en"]["finding"] in lines


def test_a_factor_the_earlier_wave_did_not_ask(cli, waves, tmp_path):
    """The latest wave is complete: only the change figures leave the factor out."""
    frame = pd.read_csv(SAMPLE_SCORES, dtype=str, keep_default_na=False)
    frame.drop(columns=ABSENT).to_csv(tmp_path / "march.csv", index=False)
    result = cli("march.csv", waves / "full.csv", *WAVES, "--format", "md", "-o", "-", "-q")
    assert result.exit_code == 0
    assert result.stderr == (
        "warning: factor 'privacy_concern' was not asked in wave 'March' (no column, or no"
        " answer in any row): left out of the change figures\n"
    )
    lines = result.stdout.splitlines()
    assert "- 7 / 7 factors differ significantly" not in lines  # the count is of 7
    assert any(line.endswith(" / 7 factors differ significantly") for line in lines)
    assert not any("factors compared;" in line for line in lines)
    assert "Left out of the change figures: Privacy concern (not asked in wave March)." in lines


# -- items the codebook has and the file lacks, where the run continues ---------------------

ITEM_TEXTS = {
    "en": {
        "warning": (
            "warning: factor 'performance_expectancy' is scored from 3 of its 4 items: pe4 not"
            " asked (no column, or no answer in any row)\n"
        ),
        "row": "| Performance expectancy | {alpha} (below 0.7), 3 of 4 items: pe4 not asked |",
    },
    "nl": {
        "warning": (
            "waarschuwing: factor 'performance_expectancy' wordt gescoord op 3 van zijn 4"
            " vragen: pe4 niet gevraagd (geen kolom, of in geen enkele rij een antwoord)\n"
        ),
        "row": "| Verwachte prestatieverbetering | {alpha} (onder 0,7), 3 van 4 vragen: pe4 niet"
        " gevraagd |",
    },
}


@pytest.fixture(scope="module")
def item_files(tmp_path_factory):
    """The sample's answers per item: pe4 blank in every row, and without the pe4 column
    read through the mapping 'ism-advise map' proposes (three of four items mapped)."""
    folder = tmp_path_factory.mktemp("items")
    frame = pd.read_csv(SAMPLE_RESPONSES, dtype=str, keep_default_na=False)
    frame.assign(pe4="").to_csv(folder / "blank.csv", index=False)
    frame.drop(columns="pe4").to_csv(folder / "without.csv", index=False)
    return folder


def reference_alpha() -> float:
    """Cronbach's α of pe1-pe3 by pingouin (listwise, as the report computes it)."""
    frame = pd.read_csv(SAMPLE_RESPONSES)[["pe1", "pe2", "pe3"]]
    frame = frame.where(frame != 9)  # the codebook's missing-value code ("don't know")
    alpha, _ = pingouin.cronbach_alpha(frame, nan_policy="listwise")
    return float(alpha)


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_an_item_no_one_answered_is_said_and_left_out_of_alpha(cli, item_files, lang):
    result = cli(item_files / "blank.csv", "--lang", lang, "--format", "md", "-o", "-")
    assert result.exit_code == 0
    assert result.stderr == ITEM_TEXTS[lang]["warning"]
    alpha = f"{reference_alpha():.2f}"
    alpha = alpha if lang == "en" else alpha.replace(".", ",")
    assert ITEM_TEXTS[lang]["row"].format(alpha=alpha) in result.stdout.splitlines()


def test_a_mapping_without_an_item_says_so_in_the_json_and_the_deck(cli, item_files, tmp_path):
    mapped = cli("map", item_files / "without.csv", "-o", "map.yaml")
    assert mapped.exit_code == 0, mapped.stderr
    result = cli(item_files / "without.csv", "--map", "map.yaml", "--format", "json", "-o", "-")
    assert result.exit_code == 0
    assert result.stderr.endswith(ITEM_TEXTS["en"]["warning"])
    import json

    document = json.loads(result.stdout)
    factor = document["factors"][0]
    assert (factor["id"], factor["items"], factor["items_not_asked"]) == (
        "performance_expectancy",
        4,
        ["pe4"],
    )
    assert all("items_not_asked" not in f for f in document["factors"][1:])
    comparison = document["segments"][0]["comparisons"][0]
    assert comparison["cronbach_alpha"] == pytest.approx(reference_alpha(), rel=1e-9)
    deck = cli(item_files / "without.csv", "--map", "map.yaml", "-o", "x.pptx", "-q")
    assert deck.exit_code == 0
    alpha = f"{reference_alpha():.2f}"
    assert (
        f"Cronbach's α of Performance expectancy: {alpha} (below 0.7), 3 of 4 items: pe4 not"
        " asked" in deck_text(tmp_path / "x.pptx")
    )


def test_a_complete_file_has_no_items_not_asked(cli):
    document = cli.json(SAMPLE_RESPONSES)
    assert all("items_not_asked" not in f for f in document["factors"])


def test_item_level_waves_say_the_factor_not_asked_in_the_reliability_table(cli, tmp_path):
    """Answers per item: a wave without any of the factor's items does not ask it."""
    second = generate_followup(load_codebook()).responses_csv
    (tmp_path / "full.csv").write_text(second, encoding="utf-8")
    frame = pd.read_csv(tmp_path / "full.csv", dtype=str, keep_default_na=False)
    items = [i.id for i in load_codebook().factor(ABSENT).items]
    frame.drop(columns=items).to_csv(tmp_path / "october.csv", index=False)
    for lang, row in (
        ("en", "| Privacy concern | not asked in wave October |"),
        ("nl", "| Privacy | niet gevraagd in meting October |"),
    ):
        result = cli(
            SAMPLE_RESPONSES, "october.csv", *WAVES, "--lang", lang, "--format", "md", "-o", "-"
        )
        assert result.exit_code == 0
        assert result.stderr == TEXTS[lang]["warning"]
        lines = result.stdout.splitlines()
        assert row in lines
        assert TEXTS[lang]["compared"] in lines and TEXTS[lang]["finding"] in lines


def test_wave_by_an_item_one_wave_did_not_ask(cli, tmp_path):
    """One file, a wave column: an item blank in every row of one wave is said per wave."""
    first = pd.read_csv(SAMPLE_RESPONSES, dtype=str, keep_default_na=False).assign(wave="March")
    second = generate_followup(load_codebook()).responses_csv
    (tmp_path / "second.csv").write_text(second, encoding="utf-8")
    second = pd.read_csv(tmp_path / "second.csv", dtype=str, keep_default_na=False)
    second = second.assign(wave="October", pe4="")
    pd.concat([first, second]).to_csv(tmp_path / "stacked.csv", index=False)
    result = cli("stacked.csv", "--wave-by", "wave", "--format", "md", "-o", "-", "-q")
    assert result.exit_code == 0
    assert result.stderr == (
        "warning: factor 'performance_expectancy' is scored from 3 of its 4 items in wave"
        " 'October': pe4 not asked (no answer in any of its rows)\n"
    )
    october = pd.read_csv(tmp_path / "second.csv")[["pe1", "pe2", "pe3"]]
    alpha, _ = pingouin.cronbach_alpha(october.where(october != 9), nan_policy="listwise")
    reliability = result.stdout.split("### Scale reliability")[1]
    row = f"| Performance expectancy | {alpha:.2f}, 3 of 4 items: pe4 not asked |"
    assert f"\n{row}\n" in reliability
