"""People and the offices they held."""

from typing import TYPE_CHECKING, Annotated

import strawberry

import resolvers.people
from models import tables as t
from models.enums import Basis
from models.person import PERSON
from resolvers import countries, people
from resolvers.dates import partial_date
from schema.citation import Citation, cited, evidenced
from schema.connection import Connection
from schema.fields import resolved
from schema.node import Node
from schema.partial_date import PartialDate

if TYPE_CHECKING:
    from schema.country import Country
    from schema.event import Event


@strawberry.type(description="An office a person held.")
class Office:
    title: str = strawberry.field(description="The office (`President`).")
    basis: Basis = strawberry.field(description="Whether the source states it or it is inferred.")
    reason: str | None = strawberry.field(
        description="For an inferred office, what it is inferred from, in one line; null for a stated one."
    )
    country: Annotated["Country", strawberry.lazy("schema.country")] | None = resolved(
        resolver=countries.country_of, description="The country of the office."
    )
    start: PartialDate | None = resolved(
        resolver=partial_date("start"), description="When the person took office; null where not said."
    )
    end: PartialDate | None = resolved(
        resolver=partial_date("end"), description="When the person left office; null where not said."
    )
    citations: list[Citation] = cited(t.office, "this office, where cited apart")
    evidence: list[Citation] = evidenced(t.office)


@strawberry.type(description="A named person.")
class Person(Node):
    slug: str = strawberry.field(description="The person's natural key.")
    name: str = strawberry.field(description="The name, as the source writes it.")
    offices: list[Office] = resolved(resolver=people.offices_of_person, description="Offices held.")
    events: Connection[Annotated["Event", strawberry.lazy("schema.event")]] = resolved(
        resolver=people.events_of_person, description="Events this person took part in, in date order (undated last)."
    )
    citations: list[Citation] = cited(PERSON.table, "this person")
    evidence: list[Citation] = evidenced(PERSON.table)


@strawberry.type
class Queries:
    people: list[Person] = resolved(resolver=resolvers.people.people, description="Every person, by name.")
    person: Person | None = resolved(
        resolver=resolvers.people.person, description="The person with this slug; null if there is none."
    )
