"""``ism-advise sample --store``: a demonstration store of generated organisations that
differ as organisations do, each with a second wave (some with a third) after what it
carried out, run through the real pipeline, the same on every run and on every day, and
kept apart from real clients. (tests/test_evidence_demo.py checks the planted effects.)"""

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
    PLAN,
    SECTORS,
    SPAN_DAYS,
    WAVE_DAYS,
    demonstration_entries,
    demonstration_organisations,
    wave_profile,
)
from ism_advisor.app.pipeline import advise, advise_waves
from ism_advisor.store import PLATFORMS, SIZE_BANDS, open_store
from ism_advisor.survey.sample import (
    _NON_USER_MEAN,
    generate_organisation,
    organisation_profiles,
    planted_changes,
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
    firsts = [datetime.date.fromisoformat(o.date) for o in organisations]
    end = datetime.date.fromisoformat(DEFAULT_END)
    assert firsts == sorted(set(firsts))  # one first date each, the first the earliest
    assert firsts[0] == end - datetime.timedelta(days=SPAN_DAYS)
    gaps = {(b - a).days for a, b in itertools.pairwise(firsts)}
    assert gaps <= {32, 33}  # spread evenly
    every = [datetime.date.fromisoformat(w.date) for o in organisations for w in o.waves]
    assert max(every) == end  # the last organisation's last wave
    assert end - min(every) < datetime.timedelta(days=30 * 31)  # within 30 months
    for organisation, plan in zip(organisations, PLAN, strict=True):
        dates = [datetime.date.fromisoformat(w.date) for w in organisation.waves]
        assert {(b - a).days for a, b in itertools.pairwise(dates)} == {WAVE_DAYS}
        assert [w.done for w in organisation.waves] == [(), *plan]
    other = demonstration_organisations(4, "2026-12-01")
    assert [[w.date for w in o.waves] for o in other] == [
        ["2024-06-14", "2025-03-11", "2025-12-06"],
        ["2024-10-12", "2025-07-09"],
        ["2025-02-09", "2025-11-06", "2026-08-03"],
        ["2025-06-09", "2026-03-06"],
    ]


def test_each_organisation_carries_out_what_the_plan_says():
    """Six organisations work out loud as leaders, five others put executives on the
    rollout team, and four small and three large ones start in team groups; those that work
    out loud have a third wave with nothing new carried out."""
    organisations = demonstration_organisations()

    def doing(intervention):
        return {o.client for o in organisations for w in o.waves if intervention in w.done}

    leaders = doing("leaders_work_out_loud")
    executives = doing("executives_on_rollout_team")
    teams = doing("start_in_team_groups")
    assert (len(leaders), len(executives)) == (6, 5)
    assert not leaders & executives
    small = {o.client for o in organisations if o.small}
    assert {o.client for o in organisations if o.size_band == "50-249"} == small
    assert (len(teams & small), len(teams - small)) == (4, 3)
    assert {o.client for o in organisations if len(o.waves) == 3} == leaders
    assert {w.done for o in organisations for w in o.waves[2:]} == {()}


def test_sector_size_and_platform_vary_and_the_size_holds_the_respondents():
    organisations = demonstration_organisations()
    assert {o.sector for o in organisations} == set(SECTORS)
    assert {o.platform for o in organisations} == set(PLATFORMS)
    assert len({o.size_band for o in organisations}) == 4
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


def _figures(segment):
    return (
        (segment["respondents"], segment["users"], segment["non_users"], segment["adoption_rate"]),
        {
            c["factor"]: (c["users_mean"], c["non_users_mean"], c["gap"], c["hedges_g"])
            for c in segment["comparisons"]
        },
    )


def _held(entry):
    return (
        (entry.respondents, entry.users, entry.non_users, entry.adoption),
        {f.factor: (f.users_mean, f.non_users_mean, f.gap, f.hedges_g) for f in entry.factors},
    )


def test_the_entries_are_what_the_pipeline_gives(codebook, entries, tmp_path):
    """Each entry holds its organisation's whole-survey figures as ``advise`` computes
    them from the generated survey: the real pipeline, not figures made up beside it; a
    later wave's entry is the follow-up run of the wave before and it with ``--done``."""
    organisations = demonstration_organisations()
    assert [(e.client, e.date, e.wave, e.done) for e in entries] == [
        (o.client, w.date, w.date, w.done) for o in organisations for w in o.waves
    ]
    assert len(entries) == 30
    assert all(e.generated and e.consent for e in entries)
    assert [(e.sector, e.size_band, e.platform) for e in entries] == [
        (o.sector, o.size_band, o.platform) for o in organisations for _ in o.waves
    ]
    first = {e.client: i for i, e in reversed(list(enumerate(entries)))}
    for index in (0, 7):
        organisation = organisations[index]
        survey = generate_organisation(
            codebook, organisation.client, organisation.profile, [2015, 4, index]
        )
        path = tmp_path / f"{index}.csv"
        path.write_text(survey.scores_csv, encoding="utf-8")
        overall = advise(path, date=organisation.date).document["segments"][0]
        entry = entries[first[organisation.client]]
        assert _held(entry) == _figures(overall)
        assert entry.codebook_version == codebook.version
        assert entry.advised  # the rules advised something for a generated organisation
        assert entry.done == ()
    # the second wave of organisation 09 (small: it works out loud as a leader and starts in
    # team groups), with the wave before
    organisation = organisations[8]
    earlier, later = organisation.waves[:2]
    paths = [tmp_path / "first.csv", tmp_path / "second.csv"]
    paths[0].write_text(
        generate_organisation(
            codebook, organisation.client, organisation.profile, [2015, 4, 8]
        ).scores_csv,
        encoding="utf-8",
    )
    profile, changes = wave_profile(organisation, 8, 1)
    assert changes == {"manager_influence": (0.2, 0.4), "colleague_influence": (0.2, 0.4)}
    assert abs(profile.adoption - organisation.profile.adoption - 0.05) <= 0.06  # and a drift
    assert (profile.respondents, profile.shift) == (
        organisation.profile.respondents,
        organisation.profile.shift,
    )
    paths[1].write_text(
        generate_organisation(
            codebook, organisation.client, profile, [2015, 4, 8, 1], changes
        ).scores_csv,
        encoding="utf-8",
    )
    done = tmp_path / "done.yaml"
    done.write_text("- leaders_work_out_loud\n- start_in_team_groups\n", encoding="utf-8")
    found = advise_waves(
        paths, date=later.date, wave_names=(earlier.date, later.date), done=done
    ).document
    entry = entries[first[organisation.client] + 1]
    assert (entry.date, entry.done) == (later.date, later.done)
    assert _held(entry) == _figures(found["segments"][0])
    assert entry.advised == tuple(
        (r["intervention"], tuple(r["rules"])) for r in found["segments"][0]["recommendations"]
    )


def test_adoption_drifts_between_waves_where_nothing_was_done():
    organisations = demonstration_organisations()
    drifts = [
        wave_profile(o, i, len(o.waves) - 1)[0].adoption - o.profile.adoption
        for i, o in enumerate(organisations)
        if len(o.waves) == 2 and "executives_on_rollout_team" in o.waves[1].done
    ]
    assert len(drifts) == 5
    assert len(set(drifts)) > 1 and max(abs(d) for d in drifts) <= 0.06
    assert wave_profile(organisations[0], 0, 0)[0] == organisations[0].profile


def test_a_large_organisation_gets_no_effect_of_team_groups():
    profile = organisation_profiles(1)[0]
    assert planted_changes(profile, ["start_in_team_groups"], small=False) == (profile, {})
    assert planted_changes(profile, ["executives_on_rollout_team"], small=True) == (profile, {})
    later, changes = planted_changes(
        profile, ["leaders_work_out_loud", "champions_network"], small=False
    )
    assert changes == {"manager_influence": (0.2, 0.4)}
    assert later.adoption == round(profile.adoption + 0.05, 2)
    assert (later.respondents, later.shift, later.advantage) == (
        profile.respondents,
        profile.shift,
        profile.advantage,
    )


def test_without_changes_a_survey_is_what_it_was(codebook):
    profile = organisation_profiles(1)[0]
    one = generate_organisation(codebook, "Org", profile, [2015, 4, 0])
    assert generate_organisation(codebook, "Org", profile, [2015, 4, 0], {}) == one


def test_the_entries_are_the_same_on_every_run(entries):
    assert demonstration_entries() == entries


def test_sample_store_fills_a_store_and_a_second_run_changes_nothing(cli, entries):
    result = cli("sample", "--store", "demo.db")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "demo.db: 12 generated organisations, 30 entries (30 added, 0 replaced, 0 unchanged)\n"
    )
    assert cli.files == ["demo.db"]  # no sample_data/ without -o
    with open_store(str(cli.folder / "demo.db")) as store:
        assert store.entries() == entries
    again = cli("sample", "--store", "demo.db")
    assert again.stdout == (
        "demo.db: 12 generated organisations, 30 entries (0 added, 0 replaced, 30 unchanged)\n"
    )
    with open_store(str(cli.folder / "demo.db")) as store:
        assert store.entries() == entries


def test_another_seed_replaces_the_generated_entries(cli, entries):
    cli("sample", "--store", "demo.db", "--organisations", "4")
    result = cli("sample", "--store", "demo.db", "--organisations", "4", "--seed", "7")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "demo.db: 4 generated organisations, 10 entries (0 added, 10 replaced, 0 unchanged)\n"
    )
    with open_store(str(cli.folder / "demo.db")) as store:
        held = store.entries()
    assert [e.client[-2:] for e in held] == ["01"] * 3 + ["02"] * 2 + ["03"] * 3 + ["04"] * 2
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
        "demo.db: 2 generated organisations, 5 entries (5 added, 0 replaced, 0 unchanged)",
    ]
    with open_store(str(cli.folder / "demo.db")) as store:
        assert [e.date for e in store.entries()] == [
            "2022-08-15",
            "2023-05-12",
            "2024-02-06",
            "2023-08-10",
            "2024-05-06",
        ]


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
