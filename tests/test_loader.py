"""Loading: a bad fixture changes nothing; a good one loads idempotently, updating and removing what changed.

These tests use the invented test page (tests/pages/), whatever pages ship in seeds/fixtures/.
"""

import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa

import seeds
from models import tables as t
from tests import servers
from tests.conftest import INVENTED, copy_page
from tests.databases import snapshot


@pytest.fixture
def page(tmp_path: Path) -> Path:
    """A copy of the invented page that a test may edit."""
    return copy_page(INVENTED, tmp_path / "fixtures")


@pytest.fixture
def loaded(engine: sa.Engine, page: Path) -> sa.Engine:
    seeds.load(engine, [page])
    return engine


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"the edit must change exactly one place: {old!r}"
    path.write_text(text.replace(old, new), encoding="utf-8")


BROKEN = {
    "a quote not on the page": ('quote: "Testland does not exist"', 'quote: "Testland exists"'),
    "an unknown country": ("parties: [KOR, XTL]", "parties: [KOR, XYZ]"),
    "a value outside the vocabulary": ("kind: summit", "kind: state_visit"),
    "an impossible date": ('date: "2010"', 'date: "2010-02-30"'),
    "malformed YAML": ("    place: Test City\n", "\tplace: Test City\n"),
}


@pytest.mark.parametrize("case", BROKEN)
def test_a_broken_fixture_is_refused_and_changes_nothing(case: str, loaded: sa.Engine, page: Path):
    edit(page, *BROKEN[case])
    before = snapshot(loaded)
    with pytest.raises(seeds.FixtureError):
        seeds.load(loaded, [page])
    assert snapshot(loaded) == before


def test_an_edited_page_text_is_refused_by_its_hash(loaded: sa.Engine, page: Path):
    edit(page.with_suffix(".txt"), "Test City", "Test Town")
    before = snapshot(loaded)
    with pytest.raises(seeds.FixtureError, match=r"invented-testland.yaml, line 7: the page's text .* has sha256"):
        seeds.load(loaded, [page])
    assert snapshot(loaded) == before


def test_mistakes_in_shape_are_all_reported_first_then_every_unresolved_reference(page: Path):
    edit(page, "parties: [KOR, XTL]", "parties: [KOR, XYZ]")
    edit(page, "kind: summit", "kind: state_visit")
    edit(page, "qualifier: more_than", "qualifier: about")
    with pytest.raises(seeds.FixtureError) as raised:
        seeds.read_fixtures([page])
    assert [problem.entry for problem in raised.value.problems] == [
        "events #2 (testland-summit-2010)",
        "statistics #1 (testland-cargo)",
    ]
    edit(page, "kind: state_visit", "kind: summit")
    edit(page, "qualifier: about", "qualifier: more_than")
    edit(page, "{country: XTL, role: host", "{country: XYZ, role: host")
    with pytest.raises(seeds.FixtureError) as raised:
        seeds.read_fixtures([page])
    assert [problem.entry for problem in raised.value.problems] == [
        "agreements #1 (testland-trade-accord)",
        "events #2 (testland-summit-2010)",
    ]


def test_loading_twice_gives_the_same_database(engine: sa.Engine, page: Path):
    first = seeds.load(engine, [page])
    once = snapshot(engine)
    second = seeds.load(engine, [page])
    assert snapshot(engine) == once
    assert first.changed
    assert not second.changed
    assert second.version == first.version == 1


def test_an_edited_entry_is_updated_in_place(loaded: sa.Engine, page: Path):
    summit = sa.select(t.event.c.id, t.event.c.title).where(t.event.c.slug == "testland-summit-2010")
    with loaded.connect() as connection:
        before = connection.execute(summit).one()
    edit(page, "title: Summit in Test City\n", "title: The Test City summit\n")
    report = seeds.load(loaded, [page])
    with loaded.connect() as connection:
        after = connection.execute(summit).one()
    assert (after.id, after.title) == (before.id, "The Test City summit")
    assert report.updated["event"] == 1
    assert report.version == 2


def test_a_removed_entry_disappears_with_its_citations_and_participants(loaded: sa.Engine, page: Path):
    text = page.read_text(encoding="utf-8")
    start = text.index("  - slug: testland-summit-2010")
    page.write_text(text[:start] + text[text.index("\nstatistics:") + 1 :], encoding="utf-8")
    with loaded.connect() as connection:
        event_id = connection.execute(sa.select(t.event.c.id).where(t.event.c.slug == "testland-summit-2010")).scalar()
    seeds.load(loaded, [page])
    with loaded.connect() as connection:
        assert connection.execute(sa.select(t.event).where(t.event.c.id == event_id)).all() == []
        participants = sa.select(t.event_participant).where(t.event_participant.c.event_id == event_id)
        assert connection.execute(participants).all() == []
        cited = sa.and_(t.citation.c.subject_type == "event", t.citation.c.subject_id == event_id)
        assert connection.execute(sa.select(t.citation).where(cited)).all() == []
        assert connection.execute(sa.select(t.dataset_version.c.version)).scalar() == 2


def test_a_figure_keeps_its_decimals_exactly(loaded: sa.Engine):
    with loaded.connect() as connection:
        cargo = sa.select(t.statistic.c.value).where(t.statistic.c.slug == "testland-cargo")
        value = connection.execute(cargo).scalar()
    assert str(value) == "1250.5"


def cli(*arguments: str, database_url: str, fixtures: Path) -> subprocess.CompletedProcess[str]:
    return servers.cli(*arguments, inherit=False, BILATERAL_DATABASE_URL=database_url, BILATERAL_FIXTURES=str(fixtures))


def test_seed_prints_what_it_loaded_and_check_passes(engine: sa.Engine, database_url: str, page: Path):
    seeded = cli("seed", database_url=database_url, fixtures=page.parent)
    assert seeded.returncode == 0, seeded.stderr
    lines = {line.split()[0]: line.split()[1:] for line in seeded.stdout.splitlines()}
    assert lines["event"] == ["2", "2", "0", "0"]
    assert lines["citation"][0] == lines["citation"][1]
    checked = cli("check", database_url=database_url, fixtures=page.parent)
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.startswith("fixtures are valid")
    assert "nothing changed" in cli("seed", database_url=database_url, fixtures=page.parent).stdout
