"""People, their offices and the events they took part in."""

from typing import Any

from strawberry import Parent

from models import tables as t
from resolvers.arguments import Slug
from resolvers.context import Info
from resolvers.events import EVENT_ORDER
from resolvers.loading import Lookup, Relationship, Row
from resolvers.lookups import PERSON

PERSON_BY_SLUG = Lookup(t.person, "slug")
OFFICES = Relationship(
    t.office, keys=(t.office.c.person_id,), order_by=(t.office.c.start_earliest.is_(None), t.office.c.start_earliest)
)
EVENTS = Relationship(
    t.event,
    keys=(t.event_participant.c.person_id,),
    link=t.event_participant,
    link_on=t.event_participant.c.event_id == t.event.c.id,
    order_by=EVENT_ORDER,
)


async def person(info: Info, slug: Slug) -> Row | None:
    return await info.context.loaders.one(PERSON_BY_SLUG, slug)


async def people(info: Info) -> list[Row]:
    return await info.context.loaders.all(t.person, t.person.c.name)


async def person_of(row: Parent[Any], info: Info) -> Row | None:
    """The person a row's `person_id` names."""
    return await info.context.loaders.one(PERSON, row.person_id)


async def offices_of_person(person: Parent[Row], info: Info) -> list[Row]:
    return await info.context.loaders.many(OFFICES, person.id)


async def events_of_person(person: Parent[Row], info: Info) -> list[Row]:
    return await info.context.loaders.many(EVENTS, person.id)
