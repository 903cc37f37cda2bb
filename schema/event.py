"""Events and their participants."""

from typing import TYPE_CHECKING, Annotated

import strawberry

import resolvers.events
from models import tables as t
from models.enums import Basis, EventKind, ParticipantRole
from models.event import EVENT
from resolvers import agreements, countries, events, mechanisms, people, relations, statistics
from resolvers.dates import partial_date
from resolvers.themes import themes_of
from schema.citation import EDITORIAL, Citation, cited, evidenced
from schema.connection import Connection
from schema.fields import resolved
from schema.node import Node
from schema.partial_date import PartialDate

if TYPE_CHECKING:
    from schema.agreement import Agreement
    from schema.country import Country
    from schema.mechanism import Mechanism
    from schema.person import Person
    from schema.relation import Relation
    from schema.statistic import Statistic
    from schema.theme import Theme


@strawberry.type(description="A country or a person taking part in an event, exactly one of the two.")
class EventParticipant:
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
    citations: list[Citation] = cited(t.event_participant, "this participation, where cited apart")
    evidence: list[Citation] = evidenced(t.event_participant)


@strawberry.type(description="Something that happened, dated only as precisely as the source dates it.")
class Event(Node):
    slug: str = strawberry.field(description="The event's natural key.")
    kind: EventKind = strawberry.field(description="What kind of event this is.")
    title: str = strawberry.field(description="A short title, the editors' own words (not a claim of the source).")
    description: str | None = strawberry.field(
        description="More detail, including what the source leaves open. " + EDITORIAL.format(field="description")
    )
    place: str | None = strawberry.field(description="Where it happened; null where the source does not say.")
    date: PartialDate | None = resolved(
        resolver=partial_date("date"), description="When it happened or began; null where the source does not say."
    )
    end_date: PartialDate | None = resolved(
        resolver=partial_date("end"), description="When a period ended; null for a moment, or where not said."
    )
    relation: Annotated["Relation", strawberry.lazy("schema.relation")] | None = resolved(
        resolver=relations.relation_of, description="The bilateral relation this event belongs to."
    )
    agreement: Annotated["Agreement", strawberry.lazy("schema.agreement")] | None = resolved(
        resolver=agreements.agreement_of, description="The agreement signed, adopted or concerned, if any."
    )
    participants: list[EventParticipant] = resolved(
        resolver=events.participants_of_event, description="Countries and people that took part: people first."
    )
    mechanisms: list[Annotated["Mechanism", strawberry.lazy("schema.mechanism")]] = resolved(
        resolver=mechanisms.mechanisms_of_event, description="Mechanisms agreed or launched at this event."
    )
    statistics: list[Annotated["Statistic", strawberry.lazy("schema.statistic")]] = resolved(
        resolver=statistics.statistics_of_event, description="Figures about this event."
    )
    themes: list[Annotated["Theme", strawberry.lazy("schema.theme")]] = resolved(
        resolver=themes_of(EVENT), description="Areas of cooperation this event concerns."
    )
    citations: list[Citation] = cited(EVENT.table, "this event")
    evidence: list[Citation] = evidenced(EVENT.table)


@strawberry.type
class Queries:
    events: Connection[Event] = resolved(
        resolver=resolvers.events.events, description="Every event, in date order (undated events last)."
    )
    event: Event | None = resolved(
        resolver=resolvers.events.event, description="The event with this slug; null if there is none."
    )
    timeline: Connection[Event] = resolved(
        resolver=resolvers.events.timeline,
        description="Dated events and periods that overlap a window of years, in date order: a period from 1950 to "
        "1953 shows in a window from 1952, a decade in any window that reaches into it, an event known only by its "
        "end in a window that holds that end.",
        scans=True,
    )
