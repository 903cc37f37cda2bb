"""Events and their participants."""

from typing import Annotated

import sqlalchemy as sa
import strawberry

import resolvers.events
from models import tables as t
from models.enums import EventKind
from models.event import EVENT
from resolvers import events
from resolvers.dates import partial_date
from resolvers.fetches import RootPage
from resolvers.filtering import (
    EnumFilter,
    KeyFilter,
    TextFilter,
    YearRange,
    filter_input,
    in_relation,
    key_matches,
    linked,
    overlaps,
    text_matches,
    with_theme,
)
from resolvers.ordering import SortKey, orders
from resolvers.pagination import After, Before, First, Last
from schema.citation import EDITORIAL
from schema.connection import Connection
from schema.entity import entity_type
from schema.event_participant import EventParticipant
from schema.fields import KIND_RENAMED, former, resolved
from schema.lists import Paging, fetched, lookup, paged
from schema.node import Node
from schema.partial_date import PartialDate


@entity_type(EVENT, description="Something that happened, dated only as precisely as the source dates it.")
class Event(Node):
    slug: str = strawberry.field(description="The event's natural key.")
    kind: EventKind = strawberry.field(name="eventKind", description="What kind of event this is.")
    former_kind: EventKind = former("kind", "eventKind", KIND_RENAMED, "What kind of event this is.")
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
    participants: list[EventParticipant] = resolved(
        resolver=events.participants_of_event, description="Countries and people that took part: people first."
    )


@strawberry.input(description="Matches events that take part through a country or a person.")
class ParticipantFilter:
    country: KeyFilter | None = strawberry.field(default=None, description="A participating country's code.")
    person: KeyFilter | None = strawberry.field(default=None, description="A participating person's slug.")


@filter_input(plural="events")
class EventFilter:
    kind: EnumFilter[EventKind] | None = strawberry.field(default=None, description="The event's kind.")
    date: YearRange | None = strawberry.field(
        default=None,
        description="Years the event overlaps, from its date to its end date; an event known only by its end "
        "lies at that end. Undated events never match.",
    )
    dated: bool | None = strawberry.field(
        default=None,
        description="`true`: only events with a date or an end date; `false`: only events with neither.",
    )
    title: TextFilter | None = strawberry.field(default=None, description="The event's title.")
    relation: KeyFilter | None = strawberry.field(
        default=None, description="The slug of the event's relation (`KOR-USA`: the two codes in alphabetical order)."
    )
    participant: ParticipantFilter | None = strawberry.field(default=None, description="A country or person in it.")
    theme: KeyFilter | None = strawberry.field(default=None, description="The slug of a theme of the event.")
    agreement: KeyFilter | None = strawberry.field(default=None, description="The slug of the event's agreement.")

    def conditions(self) -> list[sa.ColumnElement[bool]]:
        participant = self.participant or ParticipantFilter()
        event = t.event.c
        by_country = sa.select(t.event_participant.c.event_id).join(
            t.country, t.country.c.id == t.event_participant.c.country_id
        )
        by_person = sa.select(t.event_participant.c.event_id).join(
            t.person, t.person.c.id == t.event_participant.c.person_id
        )
        dated = (
            [] if self.dated is None else [event.span_start.is_not(None) if self.dated else event.span_start.is_(None)]
        )
        return [
            *key_matches(event.kind, self.kind),
            *overlaps(event.span_start, event.span_end, self.date, "date"),
            *dated,
            *text_matches(event.title, self.title),
            *in_relation(event.relation_id, self.relation),
            *linked(event.id, by_country, key_matches(t.country.c.code, participant.country)),
            *linked(event.id, by_person, key_matches(t.person.c.slug, participant.person)),
            *with_theme(event.id, EVENT, self.theme),
            *linked(event.agreement_id, sa.select(t.agreement.c.id), key_matches(t.agreement.c.slug, self.agreement)),
        ]


EVENT_ORDERS = orders(
    "Event",
    "events",
    {
        "date": SortKey(
            "The first day the date can mean (for an event known only by its end, the end's), then finer precision "
            "first. Undated events come last, going up and going down.",
            (t.event.c.sort_date, t.event.c.sort_precision),
            # Going down, undated events sort by the earliest day there is, so they come last either way.
            descending=(t.event.c.sort_date_desc, t.event.c.sort_precision),
        ),
        "title": SortKey("The title.", (t.event.c.title,)),
        "kind": SortKey("The kind.", (t.event.c.kind,)),
    },
    t.event.c.slug,
    default="date",
)
EVENT_PAGING = Paging(
    EVENT_ORDERS,
    "How to order the events; by date when not given. Ties go by slug.",
    filter=EventFilter,
    filter_description="Return only the events that match.",
)


# Dated events overlapping a window of years, in date order.
TIMELINE = RootPage(resolvers.events.timeline_statement, lambda _arguments: EVENT_ORDERS.default)


@strawberry.type
class Queries:
    events: Connection[Event] | None = paged(
        t.event,
        EVENT_PAGING,
        description="Every event, in date order (undated events last).",
    )
    event: Event | None = lookup(
        resolvers.events.EVENT_BY_SLUG,
        description="The event with this slug; null if there is none.",
    )
    timeline: Connection[Event] | None = fetched(
        TIMELINE,
        description="Dated events and periods that overlap a window of years, in date order: a period from 1950 to "
        "1953 shows in a window from 1952, a decade in any window that reaches into it, an event known only by its "
        "end in a window that holds that end.",
        scans=True,
        countries=resolvers.events.Countries,
        from_=resolvers.events.FromYear,
        to=resolvers.events.ToYear,
        kinds=resolvers.events.Kinds,
        filter=Annotated[
            EventFilter | None,
            strawberry.argument(description="Return only the events that match, as `events` takes it."),
        ],
        first=First,
        after=After,
        last=Last,
        before=Before,
    )
