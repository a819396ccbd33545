"""``ism-advise sample --store``: a demonstration store of generated organisations that
differ as organisations do, run through the real pipeline, the same on every run and on
every day, and kept apart from real clients."""

from __future__ import annotations

import datetime
import io
import itertools
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from ism_advisor.app.demo import (
    DEFAULT_END,
    SECTORS,
    SPAN_DAYS,
    demonstration_entries,
    demonstration_organisations,
)
from ism_advisor.app.pipeline import advise
from ism_advisor.store import PLATFORMS, SIZE_BANDS, open_store
from ism_advisor.survey.sample import (
    _NON_USER_MEAN,
    generate_organisation,
    organisation_profiles,
)

FACTORS = tuple(_NON_USER_MEAN)


@pytest.fixture(scope="module")
def entries():
    return demonstration_entries()


def test_twelve_labelled_organisations_over_the_30_months_before_the_end():
    organisations = demonstration_organisations()
    assert [o.client for o in organisations] == [
        f"Generated organisation {n:02d}" for n in range(1, 13)
    ]
    dates = [datetime.date.fromisoformat(o.date) for o in organisations]
    end = datetime.date.fromisoformat(DEFAULT_END)
    assert dates == sorted(set(dates))  # one date each, the first the earliest
    assert (dates[0], dates[-1]) == (end - datetime.timedelta(days=SPAN_DAYS), end)
    assert end - dates[0] < datetime.timedelta(days=30 * 31)  # within 30 months
    gaps = {(b - a).days for a, b in itertools.pairwise(dates)}
    assert gaps <= {81, 82}  # spread evenly
    other = demonstration_organisations(4, "2026-12-01")
    assert [o.date for o in other] == ["2024-06-14", "2025-04-10", "2026-02-04", "2026-12-01"]


def test_sector_size_and_platform_vary_and_the_size_holds_the_respondents():
    organisations = demonstration_organisations()
    assert {o.sector for o in organisations} == set(SECTORS)
    assert {o.platform for o in organisations} == set(PLATFORMS)
    assert len({o.size_band for o in organisations}) >= 3
    assert len({(o.sector, o.size_band, o.platform) for o in organisations}) == 12
    for organisation in organisations:
        band = organisation.size_band
        assert band in SIZE_BANDS
        top = float("inf") if band.endswith("+") else int(band.split("-")[1])
        assert organisation.profile.respondents <= top


def test_the_profiles_are_fixed_and_do_not_depend_on_how_many():
    twelve = organisation_profiles(12)
    assert organisation_profiles(12) == twelve
    assert organisation_profiles(4) == twelve[:4]
    assert organisation_profiles(12, seed=7) != twelve
    assert all(120 <= p.respondents <= 480 for p in twelve)
    assert all(0.2 <= p.adoption <= 0.65 and 0.6 <= p.advantage <= 1.4 for p in twelve)
    assert len({p.respondents for p in twelve}) >= 6
    assert max(p.adoption for p in twelve) - min(p.adoption for p in twelve) > 0.25


def test_each_generated_survey_follows_its_profile(codebook):
    """The surveys differ as their profiles say: across thirty, each factor's
    non-users' mean follows the profile's shift, adoption the profile's adoption, and the
    users' lead the profile's advantage (correlations computed with numpy from the CSVs)."""
    profiles = organisation_profiles(30)
    frames = [
        pd.read_csv(io.StringIO(generate_organisation(codebook, "Org", p, [2015, 4, i]).scores_csv))
        for i, p in enumerate(profiles)
    ]
    for frame, profile in zip(frames, profiles, strict=True):
        assert len(frame) == profile.respondents
        assert set(frame["organisation"]) == {"Org"}
        assert set(frame["department"]) == {"Operations", "Services", "Staff"}
        assert abs((frame["user"] == "yes").mean() - profile.adoption) < 0.02
    for factor in FACTORS:
        shifts = [p.shift[factor] for p in profiles]
        means = [f.loc[f["user"] == "no", factor].mean() for f in frames]
        assert np.corrcoef(shifts, means)[0, 1] > 0.9, factor
    # the users' lead in the favourable direction, averaged over the factors
    sign = {f.id: 1.0 if f.higher_is_better else -1.0 for f in codebook.factors}
    leads = [
        np.mean(
            [
                sign[factor]
                * (
                    f.loc[f["user"] == "yes", factor].mean()
                    - f.loc[f["user"] == "no", factor].mean()
                )
                for factor in FACTORS
            ]
        )
        for f in frames
    ]
    assert np.corrcoef([p.advantage for p in profiles], leads)[0, 1] > 0.75


def test_the_same_seed_gives_the_same_survey(codebook):
    profile = organisation_profiles(1)[0]
    one = generate_organisation(codebook, "Org", profile, [2015, 4, 0])
    assert generate_organisation(codebook, "Org", profile, [2015, 4, 0]) == one
    assert generate_organisation(codebook, "Org", profile, [2015, 4, 1]) != one


def test_the_entries_are_what_the_pipeline_gives(codebook, entries, tmp_path):
    """Each entry holds its organisation's whole-survey figures as ``advise`` computes
    them from the generated survey: the real pipeline, not figures made up beside it."""
    organisations = demonstration_organisations()
    assert [(e.client, e.date, e.wave) for e in entries] == [
        (o.client, o.date, o.date) for o in organisations
    ]
    assert all(e.generated and e.consent for e in entries)
    assert [(e.sector, e.size_band, e.platform) for e in entries] == [
        (o.sector, o.size_band, o.platform) for o in organisations
    ]
    for index in (0, 7):
        organisation = organisations[index]
        survey = generate_organisation(
            codebook, organisation.client, organisation.profile, [2015, 4, index]
        )
        path = tmp_path / f"{index}.csv"
        path.write_text(survey.scores_csv, encoding="utf-8")
        overall = advise(path, date=organisation.date).document["segments"][0]
        entry = entries[index]
        assert (entry.respondents, entry.users, entry.non_users, entry.adoption) == (
            overall["respondents"],
            overall["users"],
            overall["non_users"],
            overall["adoption_rate"],
        )
        figures = {
            c["factor"]: (c["users_mean"], c["non_users_mean"], c["gap"], c["hedges_g"])
            for c in overall["comparisons"]
        }
        assert {
            f.factor: (f.users_mean, f.non_users_mean, f.gap, f.hedges_g) for f in entry.factors
        } == figures
        assert entry.codebook_version == codebook.version
        assert entry.advised  # the rules advised something for a generated organisation


def test_the_entries_are_the_same_on_every_run(entries):
    assert demonstration_entries() == entries


def test_sample_store_fills_a_store_and_a_second_run_changes_nothing(cli, entries):
    result = cli("sample", "--store", "demo.db")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "demo.db: 12 generated organisations (12 added, 0 replaced, 0 unchanged)\n"
    )
    assert cli.files == ["demo.db"]  # no sample_data/ without -o
    with open_store(str(cli.folder / "demo.db")) as store:
        assert store.entries() == entries
    again = cli("sample", "--store", "demo.db")
    assert (
        again.stdout == "demo.db: 12 generated organisations (0 added, 0 replaced, 12 unchanged)\n"
    )
    with open_store(str(cli.folder / "demo.db")) as store:
        assert store.entries() == entries


def test_another_seed_replaces_the_generated_entries(cli, entries):
    cli("sample", "--store", "demo.db", "--organisations", "4")
    result = cli("sample", "--store", "demo.db", "--organisations", "4", "--seed", "7")
    assert result.exit_code == 0, result.stderr
    assert (
        result.stdout == "demo.db: 4 generated organisations (0 added, 4 replaced, 0 unchanged)\n"
    )
    with open_store(str(cli.folder / "demo.db")) as store:
        held = store.entries()
    assert [e.client for e in held] == [f"Generated organisation 0{n}" for n in range(1, 5)]
    assert held[0].factors != demonstration_entries(4)[0].factors


def test_with_o_it_writes_the_sample_as_well_and_date_sets_the_end(cli):
    result = cli(
        "sample", "-o", "data", "--store", "demo.db", "--organisations", "2", "--date", "2025-01-31"
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "data/scores.csv",
        "data/responses.csv",
        "data/scores-wave2.csv",
        "data/responses-wave2.csv",
        "demo.db: 2 generated organisations (2 added, 0 replaced, 0 unchanged)",
    ]
    with open_store(str(cli.folder / "demo.db")) as store:
        assert [e.date for e in store.entries()] == ["2022-08-15", "2025-01-31"]


def test_a_store_with_a_real_client_is_refused_and_left_as_it_was(cli, entries):
    real = replace(entries[0], client="Zorggroep Oost", generated=False)
    with open_store(str(cli.folder / "ours.db")) as store:
        store.add(real)
    result = cli("sample", "--store", "ours.db")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "ours.db: holds 1 entry of a real client: the generated organisations go into a store"
        " of their own (give another --store)\n"
    )
    with open_store(str(cli.folder / "ours.db")) as store:
        assert store.entries() == [real]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--organisations", "0"],
            "Invalid value for '--organisations': 0 is not in the range 1<=x<=99.",
        ),
        (
            ["--date", "1-3-2026"],
            "Invalid value for '--date': '1-3-2026' is not written YYYY-MM-DD: did you mean 2026-03-01?",
        ),
    ],
)
def test_bad_options_are_usage_errors(cli, args, message):
    result = cli("sample", "--store", "demo.db", *args)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == f"Error: {message}"
    assert cli.files == []


def test_without_store_or_o_the_sample_goes_to_sample_data_as_before(cli):
    result = cli("sample")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "sample_data/scores.csv",
        "sample_data/responses.csv",
        "sample_data/scores-wave2.csv",
        "sample_data/responses-wave2.csv",
    ]
    assert cli.files == ["sample_data"]


@pytest.mark.parametrize(
    ("store", "message"),
    [
        ("missing/demo.db", "--store: the folder missing does not exist"),
        (
            "postgresql://consultant:s3cret@db.example.nl/ism",
            "--store: put the password in PGPASSWORD or ~/.pgpass, not in --store",
        ),
    ],
)
def test_a_store_it_cannot_use_is_refused_at_once_without_the_password(cli, store, message):
    result = cli("sample", "--store", store)
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", message + "\n")
    assert cli.files == []
