"""A country or a person taking part in an event."""

from typing import TYPE_CHECKING, Annotated

import strawberry

from models.enums import Basis, ParticipantRole
from models.event import EVENT_PARTICIPANT
from resolvers import countries, people
from schema.entity import entity_type
from schema.fields import resolved
from schema.node import Node

if TYPE_CHECKING:
    from schema.country import Country
    from schema.person import Person


@entity_type(
    EVENT_PARTICIPANT,
    description="A country or a person taking part in an event, exactly one of the two.",
    cites="this participation, where cited apart",
)
class EventParticipant(Node):
    role: ParticipantRole = strawberry.field(description="The part played.")
    basis: Basis = strawberry.field(description="Whether the source states this participation or it is inferred.")
    reason: str | None = strawberry.field(
        description="For an inferred participation, what it is inferred from, in one line; null for a stated one."
    )
    country: Annotated["Country", strawberry.lazy("schema.country")] | None = resolved(
        resolver=countries.country_of, description="The participating country; null if the participant is a person."
    )
    person: Annotated["Person", strawberry.lazy("schema.person")] | None = resolved(
        resolver=people.person_of, description="The participating person; null if the participant is a country."
    )
