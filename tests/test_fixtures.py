"""The shipped fixtures say everything the source says, cited, and nothing it does not."""

import pytest
import sqlalchemy as sa

from models import tables as t
from tests.facts import FACT_ANCHORS


def test_every_fact_of_the_source_is_cited(read_engine: sa.Engine):
    with read_engine.connect() as connection:
        spans = connection.execute(sa.select(t.citation.c.start, t.citation.c.end)).all()
    uncovered = [
        (fact, anchor)
        for fact, anchors in FACT_ANCHORS.items()
        for anchor in anchors
        if not any(start < anchor[1] and end > anchor[0] for start, end in spans)
    ]
    assert uncovered == []


def test_every_excerpt_is_the_passage_its_offsets_point_to(read_engine: sa.Engine):
    with read_engine.connect() as connection:
        rows = connection.execute(
            sa.select(t.citation.c.excerpt, t.citation.c.start, t.citation.c.end, t.source.c.text).join(
                t.source, t.citation.c.source_id == t.source.c.id
            )
        ).all()
    assert len(rows) > 80
    assert all(excerpt == text[start:end] for excerpt, start, end, text in rows)


def test_a_quote_typed_with_a_plain_apostrophe_is_stored_with_the_source_characters(read_engine: sa.Engine):
    query = (
        sa.select(t.citation.c.excerpt, t.citation.c.start, t.citation.c.end, t.citation.c.match)
        .join(t.country, sa.and_(t.citation.c.subject_type == "country", t.citation.c.subject_id == t.country.c.id))
        .where(t.country.c.code == "JPN", t.citation.c.excerpt.contains("defeat"))
    )
    with read_engine.connect() as connection:
        assert connection.execute(query).one() == ("upon Japan’s defeat in the World War", 519, 555, "normalized")


def test_the_source_is_stored_verbatim_with_its_hash(read_engine: sa.Engine):
    with read_engine.connect() as connection:
        source = connection.execute(sa.select(t.source).where(t.source.c.slug == "mofa-north-america")).one()
    assert source.length == len(source.text) == 5723
    assert source.sha256 == "92b660e44316af22db1559e597912aabb21e93aa33ca931b99c7c3752ef70c00"


@pytest.mark.one_page
def test_where_the_source_is_silent_the_fields_stay_empty(read_engine: sa.Engine):
    with read_engine.connect() as connection:
        relations = dict(connection.execute(sa.select(t.relation.c.slug, t.relation.c.established_text)).all())
        korus = connection.execute(sa.select(t.agreement).where(t.agreement.c.slug == "korus-fta")).one()
        summit = connection.execute(sa.select(t.event).where(t.event.c.slug == "summit-2015")).one()
        treaty_1882 = connection.execute(
            sa.select(t.agreement.c.signed_text).where(t.agreement.c.slug.startswith("treaty-of-friendship"))
        ).scalar_one()
    assert relations == {"KOR-USA": None, "CAN-KOR": "1963"}
    assert (korus.signed_text, korus.in_force_text) == ("2007", None)
    assert (summit.place, summit.date_text) == (None, "2015")
    assert treaty_1882 is None


def test_which_country_a_president_leads_is_marked_inferred(read_engine: sa.Engine):
    query = (
        sa.select(t.person.c.name, t.office.c.title, t.country.c.code, t.office.c.basis)
        .join(t.office, t.office.c.person_id == t.person.c.id)
        .join(t.country, t.country.c.id == t.office.c.country_id)
    )
    with read_engine.connect() as connection:
        offices = set(connection.execute(query).all())
    assert offices == {
        ("Park Geun-hye", "President", "KOR", "inferred"),
        ("Barack Obama", "President", "USA", "inferred"),
        ("Moon Jae-in", "President", "KOR", "inferred"),
        ("Donald Trump", "President", "USA", "inferred"),
    }


def test_the_korean_war_is_one_period_with_two_citations(read_engine: sa.Engine):
    query = (
        sa.select(t.event.c.date_text, t.event.c.end_text, t.citation.c.excerpt)
        .join(t.citation, sa.and_(t.citation.c.subject_type == "event", t.citation.c.subject_id == t.event.c.id))
        .where(t.event.c.slug == "korean-war")
        .order_by(t.citation.c.start)
    )
    with read_engine.connect() as connection:
        rows = connection.execute(query).all()
    assert rows == [
        ("1950", "1953", "After the Korean War (1950–1953)"),
        ("1950", "1953", "deployed during the Korean War(1950-53)"),
    ]
