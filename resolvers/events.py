"""Events: by slug, on a timeline, and their participants."""

from typing import Annotated, Any

import sqlalchemy as sa
import strawberry

from models import tables as t
from models.enums import EventKind
from models.event import EVENT
from resolvers.fetches import ByKey, children
from resolvers.filtering import YearRange, combined, overlaps
from resolvers.loading import Relationship, by_key
from resolvers.rows import columns_of

PARTICIPANTS = Relationship(
    t.event_participant,
    keys=(t.event_participant.c.event_id,),
    order_by=(t.event_participant.c.person_id.is_(None), t.event_participant.c.key, t.event_participant.c.role),
)
EVENT_BY_SLUG = ByKey(by_key(EVENT), lambda arguments: arguments["slug"])

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
    if arguments.get("filter") is not None:
        conditions.append(combined(arguments["filter"]))
    return sa.select(*columns_of(t.event)).where(*conditions)


participants_of_event = children(PARTICIPANTS)
