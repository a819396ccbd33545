"""No respondent-level or below-threshold figure reaches the store: a run's JSON (the
sample by organisation and department, and a survey whose users' privacy answers are too
few) is added with ``ism-advise store add``, then every value of every table is read back
and checked against the respondents' rows and the run's overall figures."""

from __future__ import annotations

import csv
import json
import math
import shutil

import pytest
from sqlalchemy import MetaData, select

from conftest import FACTORS, SAMPLE_SCORES, write_csv
from ism_advisor.store import entry_from_document, open_store
from ism_advisor.store.location import engine_for

LABELS = ("--client", "Acme", "--sector", "Care", "--size", "250-999", "--platform", "teams")


def every_row(location: str) -> dict[str, list[dict]]:
    """Every row of every table of the store, as dicts."""
    engine, _ = engine_for(location)
    tables = MetaData()
    tables.reflect(engine)
    try:
        with engine.connect() as connection:
            return {
                name: [dict(r._mapping) for r in connection.execute(select(table))]
                for name, table in tables.tables.items()
            }
    finally:
        engine.dispose()


def respondents(path) -> list[tuple[float, ...]]:
    with path.open(encoding="utf-8") as handle:
        return [
            tuple(float(row[f]) for f in FACTORS if row[f] != "") for row in csv.DictReader(handle)
        ]


def check_store(location: str, document: dict, rows: list[tuple[float, ...]]) -> dict:
    """Everything in the store is one of the run's overall figures or a label, id or count;
    no stored row holds a respondent's scores; hidden figures are NULL."""
    stored = every_row(location)
    overall = document["segments"][0]
    comparisons = {c["factor"]: c for c in overall["comparisons"]}
    assert len(stored["entries"]) == 1
    (entry,) = stored["entries"]
    assert (entry["respondents"], entry["users"], entry["non_users"], entry["adoption"]) == (
        overall["respondents"],
        overall["users"],
        overall["non_users"],
        overall["adoption_rate"],
    )
    for figure in stored["factor_figures"]:
        shown = comparisons[figure["factor"]]
        for name in ("users_n", "users_mean", "users_sd", "non_users_n", "non_users_mean",
                     "non_users_sd", "gap", "hedges_g"):  # fmt: skip
            expected = None if shown["suppressed"] else shown[name]
            assert figure[name] == expected, (figure["factor"], name)
    numbers = {
        v
        for table in stored.values()
        for row in table
        for k, v in row.items()
        if isinstance(v, float) and k != "id"
    }
    published = {
        v for c in overall["comparisons"] for v in c.values() if isinstance(v, (int, float))
    } | {overall["adoption_rate"]}
    assert numbers <= published  # nothing but the overall segment's published figures
    for table in stored.values():
        for row in table:
            values = [v for v in row.values() if isinstance(v, float)]
            for person in rows:
                assert tuple(values[: len(person)]) != person
                assert not set(person) <= set(values) or len(set(person)) < 3
    texts = {v for table in stored.values() for row in table for v in row.values()
             if isinstance(v, str)}  # fmt: skip
    segment_values = {s["value"] for s in document["segments"][1:]}
    assert not texts & segment_values
    return stored


def test_the_samples_run_by_department_leaves_only_overall_figures(cli, tmp_path):
    shutil.copyfile(SAMPLE_SCORES, tmp_path / "scores.csv")
    result = cli("scores.csv", "--segment-by", "organisation+department", "--format", "json",
                 "-o", "run.json", "--date", "2026-03-01")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    result = cli("store", "add", "run.json", *LABELS, "--consent", "--store", "s.sqlite")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "added: client Acme, wave 2026-03-01\n"
    document = json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))
    assert len(document["segments"]) > 10
    stored = check_store(str(tmp_path / "s.sqlite"), document, respondents(SAMPLE_SCORES))
    assert len(stored["factor_figures"]) == 7
    assert stored["publications"] == []


def test_a_hidden_comparison_is_null_in_the_store(cli, tmp_path, store_location):
    rows = []
    for i in range(60):
        user = i % 2 == 0
        scores = [round(1 + ((i * 7 + f * 3) % 13) / 4, 3) for f in range(7)]
        if user and i >= 6:  # only three users answered the privacy items
            scores[6] = ""
        rows.append(["yes" if user else "no", *scores])
    path = write_csv(tmp_path / "s.csv", ["user", *FACTORS], rows)
    result = cli("s.csv", "--format", "json", "-o", "run.json", "--date", "2026-03-01")
    assert result.exit_code == 0, result.stderr
    document = json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))
    privacy = document["segments"][0]["comparisons"][6]
    assert privacy["suppressed"] and privacy["users_mean"] is None
    result = cli("store", "add", "run.json", *LABELS, "--store", store_location)
    assert result.exit_code == 0, result.stderr
    stored = check_store(store_location, document, respondents(path))
    (hidden,) = [f for f in stored["factor_figures"] if f["factor"] == "privacy_concern"]
    assert all(hidden[k] is None for k in hidden if k not in ("id", "entry_id", "position",
                                                               "factor"))  # fmt: skip


def test_a_document_from_an_older_ism_advise_is_refused(cli, tmp_path):
    shutil.copyfile(SAMPLE_SCORES, tmp_path / "scores.csv")
    document = cli.json("scores.csv", "--date", "2026-03-01")
    del document["knowledge"]["codebook_version"]
    (tmp_path / "old.json").write_text(json.dumps(document), encoding="utf-8")
    result = cli("store", "add", "old.json", *LABELS, "--store", "s.sqlite")
    assert result.exit_code == 1
    assert result.stderr == (
        "old.json: the document was made by an older ism-advise (no codebook version):"
        " run it again\n"
    )


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d["segments"][0].update(suppressed=True),
         "the document's whole-organisation figures are hidden"),
        (lambda d: d.pop("segments"),
         "not the JSON document of a run (ism-advise SCORES --format json)"),
        (lambda d: d["settings"].update(date=None),
         "the document has no date: give --date YYYY-MM-DD"),
    ],
)  # fmt: skip
def test_a_document_that_cannot_be_an_entry_is_refused(codebook, change, message):
    document = {
        "schema_version": 1,
        "settings": {"min_group_size": 5, "date": "2026-03-01"},
        "knowledge": {"codebook_version": codebook.version},
        "segments": [{"column": None, "suppressed": False, "respondents": 10, "users": 5,
                      "non_users": 5, "adoption_rate": 0.5, "comparisons": []}],
    }  # fmt: skip
    entry_from_document(document, client="A", sector="B", size_band="1-49",
                        platform="other", consent=True)  # fmt: skip
    change(document)
    with pytest.raises(Exception) as raised:
        entry_from_document(document, client="A", sector="B", size_band="1-49",
                            platform="other", consent=True)  # fmt: skip
    assert str(raised.value) == message


def test_entry_from_document_takes_the_latest_wave_and_done(cli, tmp_path, codebook):
    for name in ("scores.csv", "scores-wave2.csv"):
        shutil.copyfile(SAMPLE_SCORES.parent / name, tmp_path / name)
    (tmp_path / "done.yaml").write_text("- champions_network\n", encoding="utf-8")
    document = cli.json("scores.csv", "scores-wave2.csv", "--done", "done.yaml",
                        "--date", "2026-09-01")  # fmt: skip
    entry = entry_from_document(document, client=" Acme  ", sector="Care", size_band="5000+",
                                platform="workplace", consent=False)  # fmt: skip
    overall = document["segments"][0]
    assert (entry.client, entry.wave, entry.date) == ("Acme", "scores-wave2", "2026-09-01")
    assert entry.codebook_version == codebook.version
    assert entry.done == ("champions_network",)
    assert entry.advised == tuple(
        (r["intervention"], tuple(r["rules"])) for r in overall["recommendations"]
    )
    assert [f.factor for f in entry.factors] == list(FACTORS)
    assert entry.factors[0].hedges_g == overall["comparisons"][0]["hedges_g"]
    assert not math.isnan(entry.adoption) and entry.adoption == overall["adoption_rate"]
    with open_store(str(tmp_path / "s.sqlite")) as store:
        store.add(entry)
        assert store.norm_figures(codebook.version, since="2000-01-01", until="2099-01-01",
                                  exclude_client=None) == []  # fmt: skip
