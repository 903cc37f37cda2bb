"""People, their offices and the events they took part in."""

from typing import Annotated, Optional

import sqlalchemy as sa
import strawberry

from models import tables as t
from models.person import PERSON
from resolvers import events as event_queries
from resolvers.arguments import Slug
from resolvers.context import Info
from resolvers.events import EVENT_ORDER
from resolvers.fetches import ByKey, Everything, children, fetches, foreign
from resolvers.filtering import KeyFilter, TextFilter, combined, key_matches, linked, text_matches
from resolvers.loading import Relationship, Row, by_id, by_key

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


PERSON_BY_SLUG = ByKey(by_key(PERSON), lambda arguments: arguments["slug"])


@fetches(PERSON_BY_SLUG)
async def person(info: Info, slug: Slug) -> Row | None:
    return await PERSON_BY_SLUG.load(info.context.loaders, slug=slug)


@strawberry.input(description="Which people to return. All given conditions must hold.")
class PersonFilter:
    name: TextFilter | None = strawberry.field(default=None, description="The person's name.")
    country: KeyFilter | None = strawberry.field(
        default=None, description="The code of a country the person held office in, stated or inferred."
    )
    and_: list["PersonFilter"] | None = strawberry.field(
        default=None, name="and", description="Filters that must all match as well."
    )
    or_: list["PersonFilter"] | None = strawberry.field(
        default=None, name="or", description="Filters of which at least one must match as well."
    )
    not_: Optional["PersonFilter"] = strawberry.field(
        default=None, name="not", description="A filter that must not match."
    )


def person_conditions(f: PersonFilter) -> list[sa.ColumnElement[bool]]:
    office_in = sa.select(t.office.c.person_id).join(t.country, t.country.c.id == t.office.c.country_id)
    return [
        *text_matches(t.person.c.name, f.name),
        *linked(t.person.c.id, office_in, key_matches(t.country.c.code, f.country)),
    ]


PEOPLE = Everything(
    t.person, (t.person.c.name,), lambda arguments: combined(arguments.get("filter"), person_conditions)
)


@fetches(PEOPLE)
async def people(
    info: Info,
    filter: Annotated[PersonFilter | None, strawberry.argument(description="Return only the people who match.")] = None,
) -> list[Row]:
    return await PEOPLE.load(info.context.loaders, filter=filter)


person_of = foreign(by_id(PERSON), "person_id")


offices_of_person = children(OFFICES)


events_of_person = event_queries.events_of(EVENTS)
