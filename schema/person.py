"""People and the offices they held."""

from typing import TYPE_CHECKING

import sqlalchemy as sa
import strawberry

import resolvers.people
from models import tables as t
from models.person import PERSON
from resolvers import people
from resolvers.filtering import KeyFilter, TextFilter, filter_input, key_matches, linked, text_matches
from schema.connection import Connection
from schema.entity import entity_type
from schema.event import EVENT_PAGING, Event
from schema.fields import resolved
from schema.lists import in_order, lookup, paged
from schema.node import Node
from schema.office import Office

if TYPE_CHECKING:
    pass


@entity_type(PERSON, description="A named person.")
class Person(Node):
    slug: str = strawberry.field(description="The person's natural key.")
    name: str = strawberry.field(description="The name, as the source writes it.")
    offices: list[Office] = resolved(resolver=people.offices_of_person, description="Offices held.")
    events: Connection[Event] | None = paged(
        people.EVENTS,
        EVENT_PAGING,
        description="Events this person took part in, in date order (undated last).",
    )


@filter_input(plural="people")
class PersonFilter:
    name: TextFilter | None = strawberry.field(default=None, description="The person's name.")
    country: KeyFilter | None = strawberry.field(
        default=None, description="The code of a country the person held office in, stated or inferred."
    )

    def conditions(self) -> list[sa.ColumnElement[bool]]:
        office_in = sa.select(t.office.c.person_id).join(t.country, t.country.c.id == t.office.c.country_id)
        return [
            *text_matches(t.person.c.name, self.name),
            *linked(t.person.c.id, office_in, key_matches(t.country.c.code, self.country)),
        ]


@strawberry.type
class Queries:
    people: Connection[Person] | None = paged(
        t.person,
        in_order(PERSON, PersonFilter, "Return only the people who match."),
        description="Every person, by name.",
    )
    person: Person | None = lookup(
        resolvers.people.PERSON_BY_SLUG,
        description="The person with this slug; null if there is none.",
    )
