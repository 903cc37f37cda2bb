"""Events: by slug, filtered and ordered as a connection, on a timeline, and their participants."""

from collections.abc import Awaitable, Callable
from enum import Enum
from typing import Annotated, Any, Optional

import sqlalchemy as sa
import strawberry
from strawberry import Parent

from models import tables as t
from models.enums import EventKind
from models.event import EVENT
from resolvers.arguments import Slug
from resolvers.context import Info
from resolvers.fetches import ByKey, ChildPage, RootPage, children, fetches, foreign
from resolvers.filtering import (
    EnumFilter,
    KeyFilter,
    TextFilter,
    YearRange,
    combined,
    in_relation,
    key_matches,
    linked,
    overlaps,
    with_theme,
)
from resolvers.filtering import text_matches as text
from resolvers.loading import Relationship, Row, by_id, by_key
from resolvers.ordering import Ordering, SortColumn, SortDirection
from resolvers.pagination import After, Before, First, Last, Page
from resolvers.rows import columns_of

PARTICIPANTS = Relationship(
    t.event_participant,
    keys=(t.event_participant.c.event_id,),
    order_by=(t.event_participant.c.person_id.is_(None), t.event_participant.c.key, t.event_participant.c.role),
)


@strawberry.input(description="Matches events that take part through a country or a person.")
class ParticipantFilter:
    country: KeyFilter | None = strawberry.field(default=None, description="A participating country's code.")
    person: KeyFilter | None = strawberry.field(default=None, description="A participating person's slug.")


@strawberry.input(description="Which events to return. All given conditions must hold.")
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
    and_: list["EventFilter"] | None = strawberry.field(
        default=None, name="and", description="Filters that must all match as well."
    )
    or_: list["EventFilter"] | None = strawberry.field(
        default=None, name="or", description="Filters of which at least one must match as well."
    )
    not_: Optional["EventFilter"] = strawberry.field(
        default=None, name="not", description="A filter that must not match."
    )


def event_conditions(f: EventFilter) -> list[sa.ColumnElement[bool]]:
    participant = f.participant or ParticipantFilter()
    by_country = sa.select(t.event_participant.c.event_id).join(
        t.country, t.country.c.id == t.event_participant.c.country_id
    )
    by_person = sa.select(t.event_participant.c.event_id).join(
        t.person, t.person.c.id == t.event_participant.c.person_id
    )
    return [
        *key_matches(t.event.c.kind, f.kind),
        *overlaps(t.event.c.span_start, t.event.c.span_end, f.date, "date"),
        *(
            []
            if f.dated is None
            else [t.event.c.span_start.is_not(None) if f.dated else t.event.c.span_start.is_(None)]
        ),
        *text(t.event.c.title, f.title),
        *in_relation(t.event.c.relation_id, f.relation),
        *linked(t.event.c.id, by_country, key_matches(t.country.c.code, participant.country)),
        *linked(t.event.c.id, by_person, key_matches(t.person.c.slug, participant.person)),
        *with_theme(t.event.c.id, EVENT, f.theme),
        *linked(t.event.c.agreement_id, sa.select(t.agreement.c.id), key_matches(t.agreement.c.slug, f.agreement)),
    ]


@strawberry.enum(description="What events can be ordered by.")
class EventOrderField(Enum):
    DATE = strawberry.enum_value(
        "date",
        description="The first day the date can mean (for an event known only by its end, the end's), then finer "
        "precision first. Undated events come last, going up and going down.",
    )
    TITLE = strawberry.enum_value("title", description="The title.")
    KIND = strawberry.enum_value("kind", description="The kind.")


@strawberry.input(description="One term of an event ordering.")
class EventOrder:
    field: EventOrderField = strawberry.field(description="What to order by.")
    direction: SortDirection = strawberry.field(default=SortDirection.ASC, description="Which way.")


def _columns(field: EventOrderField, direction: SortDirection) -> tuple[SortColumn, ...]:
    if field is EventOrderField.DATE:
        # Going down, undated events sort by the earliest day there is, so they come last either way.
        latest_first = direction is SortDirection.DESC
        return (t.event.c.sort_date_desc if latest_first else t.event.c.sort_date, t.event.c.sort_precision)
    return (t.event.c.title,) if field is EventOrderField.TITLE else (t.event.c.kind,)


IN_DATE_ORDER = Ordering.of([(_columns(EventOrderField.DATE, SortDirection.ASC), SortDirection.ASC)], t.event.c.slug)
EVENT_ORDER = tuple(IN_DATE_ORDER.order_by())


def event_ordering(order_by: list[EventOrder] | None) -> Ordering:
    """The ordering `orderBy` asks for, date order by default; the slug breaks ties."""
    if not order_by:
        return IN_DATE_ORDER
    terms = [(_columns(term.field, term.direction), term.direction) for term in order_by]
    return Ordering.of(terms, t.event.c.slug)


Filter = Annotated[EventFilter | None, strawberry.argument(description="Return only the events that match.")]
OrderBy = Annotated[
    list[EventOrder] | None,
    strawberry.argument(description="How to order the events; by date when not given. Ties go by slug."),
]


EVENT_BY_SLUG = ByKey(by_key(EVENT), lambda arguments: arguments["slug"])


@fetches(EVENT_BY_SLUG)
async def event(info: Info, slug: Slug) -> Row | None:
    return await EVENT_BY_SLUG.load(info.context.loaders, slug=slug)


EVENTS = RootPage(
    lambda arguments: sa.select(*columns_of(t.event)).where(combined(arguments.get("filter"), event_conditions)),
    lambda arguments: event_ordering(arguments.get("order_by")),
)


@fetches(EVENTS)
async def events(
    info: Info,
    filter: Filter = None,
    order_by: OrderBy = None,
    first: First = None,
    after: After = None,
    last: Last = None,
    before: Before = None,
) -> Page:
    return await EVENTS.load(
        info.context.loaders, filter=filter, order_by=order_by, first=first, after=after, last=last, before=before
    )


Countries = Annotated[
    list[str] | None,
    strawberry.argument(description="Only events of these countries: in a relation of theirs, or taking part."),
]
FromYear = Annotated[int | None, strawberry.argument(name="from", description="The first year of the window.")]
ToYear = Annotated[int | None, strawberry.argument(description="The last year of the window.")]
Kinds = Annotated[list[EventKind] | None, strawberry.argument(description="Only events of these kinds.")]


def timeline_statement(arguments: dict[str, Any]) -> sa.Select[Any]:
    """Dated events overlapping the window of years, of the countries and kinds asked for."""
    window = YearRange(from_=arguments.get("from_"), to=arguments.get("to"))
    span = (t.event.c.span_start, t.event.c.span_end)
    conditions = [t.event.c.span_start.is_not(None), *overlaps(*span, window, "from")]
    if (kinds := arguments.get("kinds")) is not None:
        conditions.append(t.event.c.kind.in_([kind.value for kind in kinds]))
    if (countries := arguments.get("countries")) is not None:
        codes = [code.strip().upper() for code in countries]
        chosen = sa.select(t.country.c.id).where(t.country.c.code.in_(codes))
        in_relation = sa.select(t.relation.c.id).where(
            sa.or_(t.relation.c.country_a_id.in_(chosen), t.relation.c.country_b_id.in_(chosen))
        )
        taking_part = sa.select(t.event_participant.c.event_id).where(t.event_participant.c.country_id.in_(chosen))
        conditions.append(sa.or_(t.event.c.relation_id.in_(in_relation), t.event.c.id.in_(taking_part)))
    return sa.select(*columns_of(t.event)).where(*conditions)


TIMELINE = RootPage(timeline_statement, lambda _arguments: IN_DATE_ORDER)


@fetches(TIMELINE)
async def timeline(
    info: Info,
    countries: Countries = None,
    from_: FromYear = None,
    to: ToYear = None,
    kinds: Kinds = None,
    first: First = None,
    after: After = None,
) -> Page:
    return await TIMELINE.load(
        info.context.loaders, countries=countries, from_=from_, to=to, kinds=kinds, first=first, after=after
    )


def events_of(relationship: Relationship) -> Callable[..., Awaitable[Page]]:
    """The resolver of a nested events connection: the events `relationship` finds for a parent."""
    fetch = ChildPage(
        relationship,
        lambda arguments: combined(arguments.get("filter"), event_conditions),
        lambda arguments: event_ordering(arguments.get("order_by")),
    )

    @fetches(fetch)
    async def events(
        parent: Parent[Row],
        info: Info,
        filter: Filter = None,
        order_by: OrderBy = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Page:
        return await fetch.load(
            info.context.loaders,
            parent,
            filter=filter,
            order_by=order_by,
            first=first,
            after=after,
            last=last,
            before=before,
        )

    return events


event_of = foreign(by_id(EVENT), "event_id")
participants_of_event = children(PARTICIPANTS)
