"""``ism-advise store``: its messages (English and Dutch), list, remove, export and
import, and a hostile import file refused whole, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import SAMPLE_SCORES, make_entry
from ism_advisor.store import open_store
from ism_advisor.store.model import entry_record

LABELS = ("--sector", "Care", "--size", "250-999", "--platform", "teams")


@pytest.fixture
def run_json(cli, tmp_path):
    shutil.copyfile(SAMPLE_SCORES, tmp_path / "scores.csv")
    result = cli("scores.csv", "--format", "json", "-o", "run.json", "--date", "2026-03-01")
    assert result.exit_code == 0, result.stderr
    return "run.json"


def test_add_says_what_it_did(cli, run_json, store_location):
    def add(*extra):
        return cli("store", "add", run_json, "--client", "Acme", *LABELS, "--consent",
                   "--store", store_location, *extra)  # fmt: skip

    first, again = add(), add()
    assert (first.exit_code, first.stdout) == (0, "added: client Acme, wave 2026-03-01\n")
    assert (again.exit_code, again.stdout) == (
        0,
        "already in the store: client Acme, wave 2026-03-01\n",
    )
    other = add("--sector", "Industry")
    assert other.exit_code == 1
    assert other.stderr == (
        "the store has another entry for client Acme, wave 2026-03-01: --replace replaces it\n"
    )
    replaced = add("--sector", "Industry", "--replace", "--lang", "nl")
    assert replaced.stdout == "vervangen: klant Acme, meting 2026-03-01\n"
    with open_store(store_location) as store:
        assert [e.sector for e in store.entries()] == ["Industry"]


def test_an_entry_without_consent_is_kept_and_said_to_be_used_for_nothing(cli, run_json):
    result = cli("store", "add", run_json, "--client", "Acme", *LABELS, "--wave", "March",
                 "--store", "s.sqlite")  # fmt: skip
    assert result.exit_code == 0
    assert result.stdout == (
        "added: client Acme, wave March\n"
        "without --consent: the entry is kept but used for nothing\n"
    )
    dutch = cli("store", "list", "--store", "s.sqlite", "--lang", "nl")
    assert dutch.stdout == (
        "Acme\tMarch\t2026-03-01\tCare\t250-999\tteams\tgeen toestemming\n"
        "codeboek 6f78349a03fbe58e: 1 vermelding\n"
    )


def test_add_refuses_a_bad_label_and_a_file_that_is_no_run(cli, run_json):
    result = cli("store", "add", run_json, "--client", "A" * 81, *LABELS, "--store", "s.sqlite")
    assert (result.exit_code, result.stderr) == (
        1,
        "run.json: client is 81 characters long: at most 80\n",
    )
    (cli.folder / "x.json").write_text('{"a": 1}', encoding="utf-8")
    result = cli("store", "add", "x.json", "--client", "A", *LABELS, "--store", "s.sqlite")
    assert (result.exit_code, result.stderr) == (
        1,
        "x.json: not the JSON document of a run (ism-advise SCORES --format json)\n",
    )
    result = cli("store", "add", run_json, "--client", "A", *LABELS, "--lang", "nl",
                 "--store", "postgresql://ann:s3cret@db/advice")  # fmt: skip
    assert result.exit_code == 1
    assert "s3cret" not in result.stderr and "ann" not in result.stderr
    assert result.stderr == (
        "--store: zet het wachtwoord in PGPASSWORD of ~/.pgpass, niet in --store\n"
    )


def test_list_and_remove(cli, store_location):
    with open_store(store_location) as store:
        store.add(make_entry("Beta", "w1", generated=True))
        store.add(make_entry("Acme", "w2", date="2026-04-01"))
        store.add(make_entry("Acme", "w1", codebook_version="0" * 16, consent=False))
    listed = cli("store", "list", "--store", store_location)
    assert listed.stdout == (
        "Acme\tw1\t2026-03-01\tFinance\t250-999\tteams\tno consent\n"
        "Acme\tw2\t2026-04-01\tFinance\t250-999\tteams\tconsent\n"
        "Beta\tw1\t2026-03-01\tFinance\t250-999\tteams\tconsent\tgenerated\n"
        "codebook 0000000000000000: 1 entry\n"
        "codebook 6f78349a03fbe58e: 2 entries\n"
    )
    document = json.loads(cli("store", "list", "--store", store_location, "--format",
                              "json").stdout)  # fmt: skip
    assert document["codebook_versions"] == {"0000000000000000": 1, "6f78349a03fbe58e": 2}
    assert document["entries"][2] == {
        "client": "Beta", "wave": "w1", "date": "2026-03-01", "sector": "Finance",
        "size_band": "250-999", "platform": "teams", "consent": True, "generated": True,
        "codebook_version": "6f78349a03fbe58e",
    }  # fmt: skip
    removed = cli("store", "remove", "Acme", "--wave", "w2", "--store", store_location)
    assert (removed.exit_code, removed.stdout) == (0, "removed 1 entry of Acme\n")
    missing = cli("store", "remove", "Acme", "--wave", "w2", "--store", store_location)
    assert (missing.exit_code, missing.stderr) == (1, "no entry for Acme, wave w2\n")
    removed = cli("store", "remove", "Beta", "--store", store_location, "--lang", "nl")
    assert removed.stdout == "1 vermelding van Beta verwijderd\n"
    missing = cli("store", "remove", "Nobody", "--store", store_location)
    assert (missing.exit_code, missing.stderr) == (1, "no entry for Nobody\n")


def test_an_empty_store_says_so(cli):
    result = cli("store", "list", "--store", "s.sqlite")
    assert (result.exit_code, result.stdout) == (0, "the store s.sqlite is empty\n")


# -- export and import -----------------------------------------------------------------------


def fill(location: str) -> list:
    added = [make_entry("Beta", "w1"), make_entry("Acme", "w2", date="2026-05-01"),
             make_entry("Acme", "w1", consent=False, generated=True)]  # fmt: skip
    with open_store(location) as store:
        for entry in added:
            store.add(entry)
        return store.entries()


def test_export_then_import_gives_the_same_entries(cli, store_location, tmp_path):
    entries = fill(store_location)
    result = cli("store", "export", "out.jsonl", "--store", store_location)
    assert (result.exit_code, result.stdout) == (0, "exported 3 entries to out.jsonl\n")
    lines = (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[0]) == {"format": "ism-advisor-store", "version": 1}
    assert [json.loads(line) for line in lines[1:]] == [entry_record(e) for e in entries]
    again = cli("store", "export", "-", "--store", store_location)
    assert again.stdout == (tmp_path / "out.jsonl").read_text(encoding="utf-8")
    result = cli("store", "import", "out.jsonl", "--store", "other.sqlite")
    assert (result.exit_code, result.stdout) == (
        0,
        "imported: 3 added, 0 already in the store, 0 replaced\n",
    )
    with open_store(str(tmp_path / "other.sqlite")) as other:
        assert other.entries() == entries
    result = cli("store", "import", "out.jsonl", "--store", "other.sqlite")
    assert result.stdout == "imported: 0 added, 3 already in the store, 0 replaced\n"


def test_hashed_labels_are_keyed_and_stable(cli, store_location, tmp_path):
    fill(store_location)
    first = cli("store", "export", "-", "--hash-labels", "--store", store_location).stdout
    second = cli("store", "export", "-", "--hash-labels", "--store", store_location).stdout
    assert first == second
    rows = [json.loads(line) for line in first.splitlines()[1:]]
    assert "Acme" not in first and "Beta" not in first
    assert all(r["client"].startswith("h:") and len(r["client"]) == 18 for r in rows)
    assert len({r["client"] for r in rows}) == 2  # Acme's two waves: one label
    with open_store(store_location) as store:
        assert {r["client"] for r in rows} == {store.hashed_label("Acme"),
                                               store.hashed_label("Beta")}  # fmt: skip
    # another store has another key: the same client, another hash
    fill(str(tmp_path / "third.sqlite"))
    third = cli("store", "export", "-", "--hash-labels", "--store", "third.sqlite").stdout
    assert {json.loads(line)["client"] for line in third.splitlines()[1:]}.isdisjoint(
        {r["client"] for r in rows}
    )


HEADER = '{"format": "ism-advisor-store", "version": 1}\n'


def good_line(**changes) -> dict:
    record = entry_record(make_entry())
    record.update(changes)
    return record


def hostile(name):
    """(file text, the expected message after 'in.jsonl:') of each hostile file."""
    line = json.dumps(good_line())
    small = good_line()
    small["factors"][0]["non_users_n"] = 4
    return {
        "wrong type": (HEADER + json.dumps(good_line(respondents="200")),
                       "2: respondents must be a whole number of 0 or more"),
        "a float count": (HEADER + json.dumps(good_line(users=120.0)),
                          "2: users must be a whole number of 0 or more"),
        "unknown field": (HEADER + json.dumps(good_line(name="Ann de Vries")),
                          "2: unknown field name in an entry"),
        "missing field": (HEADER + json.dumps({k: v for k, v in good_line().items()
                                               if k != "sector"}),
                          "2: field sector missing in an entry"),
        "long label": (HEADER + json.dumps(good_line(client="x" * 81)),
                       "2: client is 81 characters long: at most 80"),
        "control character": (HEADER + json.dumps(good_line(wave="a\u0007")),
                              "2: wave holds a control character"),
        "not a number": (HEADER + line.replace('"adoption": 0.6', '"adoption": NaN'),
                         "2: expected one JSON object on the line"),
        "huge number": (HEADER + line.replace('"adoption": 0.6', '"adoption": 1e999'),
                        "2: adoption must be a finite number"),
        "below the minimum": (HEADER + json.dumps(small),
                              "2: performance_expectancy: non_users_mean is a figure of a"
                              " group smaller than the minimum group size (5)"),
        "duplicate": (HEADER + line + "\n" + json.dumps(good_line(sector="Other")),
                      "3: client Acme, wave 2026-1 is on line 2 too"),
        "long line": (HEADER + json.dumps(good_line(done=["x" * 80] * 900)),
                      "2: the line is longer than 64 KB"),
        "no header": (line, "1: expected an export of a store (its first line names the format)"),
        "a list": (HEADER + "[1, 2]", "2: expected an entry (a JSON object)"),
        "bad factors": (HEADER + json.dumps(good_line(factors=[{"factor": "x"}])),
                        "2: field users_n missing in a factor's figures"),
        "bad advised": (HEADER + json.dumps(good_line(advised=[["a", "b"]])),
                        "2: advised must be a list of [intervention, [rule, …]] pairs"),
        "bad date": (HEADER + json.dumps(good_line(date="01-03-2026")),
                     "2: date must be a date written YYYY-MM-DD"),
        "not utf-8": (HEADER + '{"client": "\udcff"}', "2: expected one JSON object on the line"),
    }[name]  # fmt: skip


HOSTILE = ["wrong type", "a float count", "unknown field", "missing field", "long label",
           "control character", "not a number", "huge number", "below the minimum",
           "duplicate", "long line", "no header", "a list", "bad factors", "bad advised",
           "bad date", "not utf-8"]  # fmt: skip


@pytest.mark.parametrize("case", HOSTILE)
def test_a_hostile_import_is_refused_whole(cli, tmp_path, case):
    location = str(tmp_path / "s.sqlite")
    before = fill(location)
    text, message = hostile(case)
    # a good entry first: nothing of the file may be written when a later line is bad
    first, rest = text.split("\n", 1) if text.startswith(HEADER) else (None, text)
    good = json.dumps(good_line(client="New"))
    body = (HEADER + good + "\n" + rest) if first is not None else text
    if first is not None:
        number, detail = message.split(": ", 1)
        message = f"{int(number) + 1}: {detail}".replace("on line 2", "on line 3")
    (tmp_path / "in.jsonl").write_bytes(body.encode("utf-8", "surrogateescape"))
    result = cli("store", "import", "in.jsonl", "--store", "s.sqlite")
    assert (result.exit_code, result.stderr) == (1, f"in.jsonl:{message}\n")
    with open_store(location) as store:
        assert store.entries() == before


def test_a_file_too_large_or_too_long_is_refused(cli, tmp_path):
    huge = tmp_path / "huge.jsonl"
    with huge.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024 + 1)
    result = cli("store", "import", "huge.jsonl", "--store", "s.sqlite")
    assert (result.exit_code, result.stderr) == (1, "huge.jsonl: the file is larger than 50 MB\n")
    (tmp_path / "long.jsonl").write_text(HEADER + "{}\n" * 100_001, encoding="utf-8")
    result = cli("store", "import", "long.jsonl", "--store", "s.sqlite", "--lang", "nl")
    assert result.exit_code == 1
    assert result.stderr == "long.jsonl:100002: meer dan 100000 vermeldingen in één bestand\n"


def test_sql_in_an_imported_label_is_just_text(cli, tmp_path, store_location):
    hostile_label = "x'); DROP TABLE entries; --"
    text = HEADER + json.dumps(good_line(client=hostile_label, wave=hostile_label))
    (tmp_path / "in.jsonl").write_text(text, encoding="utf-8")
    result = cli("store", "import", "in.jsonl", "--store", store_location)
    assert result.exit_code == 0, result.stderr
    listed = cli("store", "list", "--store", store_location)
    assert listed.stdout.startswith(f"{hostile_label}\t{hostile_label}\t2026-03-01\t")
    removed = cli("store", "remove", hostile_label, "--store", store_location)
    assert removed.stdout == f"removed 1 entry of {hostile_label}\n"


def test_an_import_clashing_with_the_store_writes_nothing(cli, tmp_path, store_location):
    before = fill(store_location)
    text = HEADER + "\n".join(
        json.dumps(r)
        for r in (good_line(client="New"), good_line(client="Beta", wave="w1", sector="Other"))
    )
    (tmp_path / "in.jsonl").write_text(text, encoding="utf-8")
    result = cli("store", "import", "in.jsonl", "--store", store_location)
    assert (result.exit_code, result.stderr) == (
        1,
        "the store has another entry for client Beta, wave w1: --replace replaces it\n",
    )
    with open_store(store_location) as store:
        assert store.entries() == before
    result = cli("store", "import", "in.jsonl", "--store", store_location, "--replace")
    assert result.stdout == "imported: 1 added, 0 already in the store, 1 replaced\n"


def test_the_commands_offer_the_stores_size_bands_and_platforms():
    """The command line repeats them (so that --help does not import SQLAlchemy): the
    same tuples."""
    from ism_advisor import store
    from ism_advisor.cli import store as commands

    assert (commands.SIZE_BANDS, commands.PLATFORMS) == (store.SIZE_BANDS, store.PLATFORMS)
