"""Loading: bad fixtures are refused with a clear message and change nothing; good ones load idempotently."""

import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

import seeds
from models import tables as t
from settings import ROOT
from tests.databases import snapshot

FIXTURE = "mofa-north-america.yaml"


def edit(directory: Path, old: str, new: str, name: str = FIXTURE) -> None:
    path = directory / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"the edit must change exactly one place: {old!r}"
    path.write_text(text.replace(old, new), encoding="utf-8")


BROKEN = {
    "absent quote": (
        'cite: ["signed the Mutual Defense Treaty in 1953"]',
        'cite: ["signed the Mutual Defence Treaty in 1953"]',
        r"events\[5\] \(mutual-defense-treaty-signed\): quote 'signed the Mutual Defence Treaty in 1953': "
        r"the quote is not in the source; the nearest passage is '.*Mutual Defense Treaty",
    ),
    "ambiguous quote": (
        'cite: ["launching the Senior Economic Dialogue"]',
        'cite: ["the Summit in"]',
        r"mechanisms\[1\] \(senior-economic-dialogue\): quote 'the Summit in': .*occurs more than once",
    ),
    "unknown country": (
        "parties: [JOSEON, USA]",
        "parties: [JOSEON, XYZ]",
        r"agreements\[0\] \(treaty-of-friendship-commerce-and-navigation-1882\): unknown country 'XYZ'",
    ),
    "unknown person": (
        "{person: barack-obama, role: party, basis: stated}",
        "{person: barack-obana, role: party, basis: stated}",
        r"events\[9\] \(summit-2013\): unknown person 'barack-obana'",
    ),
    "duplicate slug": (
        "- slug: summit-2015\n",
        "- slug: summit-2013\n",
        r"events\[11\] \(summit-2013\): duplicate events entry 'summit-2013'",
    ),
    "unknown enum value": (
        "kind: disruption",
        "kind: pandemic",
        r"events\[17\] \(covid-19-restrictions-2020\): kind: Input should be .*'disruption'",
    ),
    "malformed date": (
        'date: "2020"',
        'date: "20-20"',
        r"events\[17\] \(covid-19-restrictions-2020\): date: '20-20' is not a partial date",
    ),
    "impossible date": (
        'established: "1963"',
        'established: "1963-02-30"',
        r"relations\[1\] \(CAN-KOR\): established: '1963-02-30' is not a real date",
    ),
    "YAML syntax error": (
        "  - slug: korus-fta\n    kind: free_trade_agreement\n",
        "  - slug: korus-fta\n   kind: free_trade_agreement\n",
        r"line \d+, column \d+: YAML syntax error",
    ),
}


@pytest.mark.parametrize("case", BROKEN)
def test_a_broken_fixture_is_refused_and_changes_nothing(case: str, seeded: sa.Engine, fixtures_copy: Path):
    old, new, message = BROKEN[case]
    edit(fixtures_copy, old, new)
    before = snapshot(seeded)
    with pytest.raises(seeds.FixtureError, match=rf"{FIXTURE}: {message}"):
        seeds.load(seeded, fixtures_copy)
    assert snapshot(seeded) == before


def test_an_edited_source_text_is_refused_by_its_hash(seeded: sa.Engine, fixtures_copy: Path):
    edit(
        fixtures_copy, "signed the Mutual Defense Treaty", "signed the Mutual Defence Treaty", "mofa-north-america.txt"
    )
    before = snapshot(seeded)
    with pytest.raises(seeds.FixtureError, match=rf"{FIXTURE}: source: the source text .* has sha256 [0-9a-f]{{64}}"):
        seeds.load(seeded, fixtures_copy)
    assert snapshot(seeded) == before


def test_every_problem_is_reported_at_once(fixtures_copy: Path):
    edit(fixtures_copy, "parties: [JOSEON, USA]", "parties: [JOSEON, XYZ]")
    edit(fixtures_copy, "kind: disruption", "kind: pandemic")
    with pytest.raises(seeds.FixtureError) as raised:
        seeds.read_fixtures(fixtures_copy)
    assert len(raised.value.problems) == 1  # validation of shapes stops before references are checked
    edit(fixtures_copy, "kind: pandemic", "kind: disruption")
    edit(fixtures_copy, "{person: barack-obama,", "{person: nobody,")
    with pytest.raises(seeds.FixtureError) as raised:
        seeds.read_fixtures(fixtures_copy)
    assert [problem.entry for problem in raised.value.problems] == [
        "agreements[0] (treaty-of-friendship-commerce-and-navigation-1882)",
        "events[9] (summit-2013)",
    ]


def test_loading_twice_gives_the_same_database(engine: sa.Engine):
    first = seeds.load(engine)
    once = snapshot(engine)
    second = seeds.load(engine)
    assert snapshot(engine) == once
    assert first.changed
    assert not second.changed
    assert second.version == first.version == 1


def test_an_edited_entry_is_updated_in_place(seeded: sa.Engine, fixtures_copy: Path):
    with seeded.connect() as connection:
        before = connection.execute(
            sa.select(t.event.c.id, t.event.c.title).where(t.event.c.slug == "summit-2015")
        ).one()
    edit(fixtures_copy, "title: Summit in 2015\n", "title: The 2015 summit\n")
    report = seeds.load(seeded, fixtures_copy)
    with seeded.connect() as connection:
        after = connection.execute(
            sa.select(t.event.c.id, t.event.c.title).where(t.event.c.slug == "summit-2015")
        ).one()
    assert (after.id, after.title) == (before.id, "The 2015 summit")
    assert report.updated["event"] == 1
    assert report.version == 2


def test_a_removed_entry_disappears_with_its_citations_and_participants(seeded: sa.Engine, fixtures_copy: Path):
    path = fixtures_copy / FIXTURE
    text = path.read_text(encoding="utf-8")
    start = text.index("  - slug: covid-19-restrictions-2020")
    path.write_text(text[:start] + text[text.index("\nmechanisms:") + 1 :], encoding="utf-8")
    with seeded.connect() as connection:
        event_id = connection.execute(
            sa.select(t.event.c.id).where(t.event.c.slug == "covid-19-restrictions-2020")
        ).scalar()
    seeds.load(seeded, fixtures_copy)
    with seeded.connect() as connection:
        assert connection.execute(sa.select(t.event).where(t.event.c.slug == "covid-19-restrictions-2020")).all() == []
        assert (
            connection.execute(sa.select(t.event_participant).where(t.event_participant.c.event_id == event_id)).all()
            == []
        )
        cited = sa.and_(t.citation.c.subject_type == "event", t.citation.c.subject_id == event_id)
        assert connection.execute(sa.select(t.citation).where(cited)).all() == []
        assert connection.execute(sa.select(t.dataset_version.c.version)).scalar() == 2


def cli(*arguments: str, database_url: str) -> subprocess.CompletedProcess[str]:
    environment = {"BILATERAL_DATABASE_URL": database_url, "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, "cli.py", *arguments], cwd=ROOT, env=environment, capture_output=True, text=True, check=False
    )


def test_seed_prints_what_it_loaded_and_check_passes(engine: sa.Engine, database_url: str):
    seeded = cli("seed", database_url=database_url)
    assert seeded.returncode == 0, seeded.stderr
    lines = {line.split()[0]: line.split()[1:] for line in seeded.stdout.splitlines()}
    assert lines["event"] == ["18", "18", "0", "0"]
    assert lines["citation"][0] == lines["citation"][1]
    checked = cli("check", database_url=database_url)
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.startswith("fixtures are valid")
    assert "nothing changed" in cli("seed", database_url=database_url).stdout
