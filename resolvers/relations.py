"""Bilateral relations: by their two countries, filtered and ordered as a connection, and what hangs off one."""

from enum import Enum
from typing import Annotated, Optional

import sqlalchemy as sa
import strawberry
from strawberry import Parent

from models import tables as t
from models.country import COUNTRY
from models.enums import RelationStatus
from models.relation import RELATION, pair_slug
from resolvers import events as event_queries
from resolvers.context import Info
from resolvers.errors import BadUserInput
from resolvers.fetches import ByKey, Counterpart, Pair, RootPage, children, fetches, foreign
from resolvers.filtering import EnumFilter, KeyFilter, YearRange, combined, key_matches, overlaps
from resolvers.loading import Relationship, Row, by_id, by_key
from resolvers.ordering import Ordering, SortColumn, SortDirection
from resolvers.pagination import After, Before, First, Last, Page
from resolvers.rows import columns_of

EVENTS = Relationship(t.event, keys=(t.event.c.relation_id,), order_by=event_queries.EVENT_ORDER)
LABELS = Relationship(t.relation_label, keys=(t.relation_label.c.relation_id,), order_by=(t.relation_label.c.slug,))
AGREEMENTS = Relationship(t.agreement, keys=(t.agreement.c.relation_id,), order_by=(t.agreement.c.slug,))
MECHANISMS = Relationship(t.mechanism, keys=(t.mechanism.c.relation_id,), order_by=(t.mechanism.c.slug,))
STATISTICS = Relationship(t.statistic, keys=(t.statistic.c.relation_id,), order_by=(t.statistic.c.slug,))

Between = Annotated[
    list[str], strawberry.argument(description='The two countries\' codes, in either order: `["KOR", "USA"]`.')
]
Of = Annotated[str, strawberry.argument(description="The code of one of the relation's two countries.")]


@strawberry.input(description="Which relations to return. All given conditions must hold.")
class RelationFilter:
    country: KeyFilter | None = strawberry.field(default=None, description="The code of either of its countries.")
    status: EnumFilter[RelationStatus] | None = strawberry.field(default=None, description="Its standing.")
    established: YearRange | None = strawberry.field(
        default=None, description="Years its establishment date overlaps; relations without one never match."
    )
    and_: list["RelationFilter"] | None = strawberry.field(
        default=None, name="and", description="Filters that must all match as well."
    )
    or_: list["RelationFilter"] | None = strawberry.field(
        default=None, name="or", description="Filters of which at least one must match as well."
    )
    not_: Optional["RelationFilter"] = strawberry.field(
        default=None, name="not", description="A filter that must not match."
    )


def relation_conditions(f: RelationFilter) -> list[sa.ColumnElement[bool]]:
    matching = sa.select(t.country.c.id).where(*key_matches(t.country.c.code, f.country))
    either = sa.or_(t.relation.c.country_a_id.in_(matching), t.relation.c.country_b_id.in_(matching))
    return [
        *([either] if f.country else []),
        *key_matches(t.relation.c.status, f.status),
        *overlaps(t.relation.c.established_earliest, t.relation.c.established_latest, f.established, "established"),
    ]


@strawberry.enum(description="What relations can be ordered by.")
class RelationOrderField(Enum):
    SLUG = strawberry.enum_value("slug", description="The slug: the pair's codes in alphabetical order.")
    STATUS = strawberry.enum_value("status", description="The standing.")


@strawberry.input(description="One term of a relation ordering.")
class RelationOrder:
    field: RelationOrderField = strawberry.field(description="What to order by.")
    direction: SortDirection = strawberry.field(default=SortDirection.ASC, description="Which way.")


_RELATION_COLUMNS: dict[RelationOrderField, tuple[SortColumn, ...]] = {
    RelationOrderField.SLUG: (t.relation.c.slug,),
    RelationOrderField.STATUS: (t.relation.c.status,),
}


def relation_ordering(order_by: list[RelationOrder] | None) -> Ordering:
    terms = [(_RELATION_COLUMNS[term.field], term.direction) for term in order_by or []]
    return Ordering.of(terms, t.relation.c.slug)


RelationFilterArgument = Annotated[
    RelationFilter | None, strawberry.argument(description="Return only the relations that match.")
]
RelationOrderArgument = Annotated[
    list[RelationOrder] | None, strawberry.argument(description="How to order them; by slug when not given.")
]


def relation_slug(codes: list[str]) -> str:
    """The natural key of the relation between two country codes, in either order."""
    cleaned = {code.strip().upper() for code in codes}
    if len(codes) != 2 or len(cleaned) != 2:
        raise BadUserInput("`between` takes exactly two different country codes", argument="between")
    return pair_slug(cleaned)


RELATION_BETWEEN = ByKey(by_key(RELATION), lambda arguments: relation_slug(arguments["between"]))


@fetches(RELATION_BETWEEN)
async def relation(info: Info, between: Between) -> Row | None:
    return await RELATION_BETWEEN.load(info.context.loaders, between=between)


RELATIONS = RootPage(
    lambda arguments: sa.select(*columns_of(t.relation)).where(combined(arguments.get("filter"), relation_conditions)),
    lambda arguments: relation_ordering(arguments.get("order_by")),
)


@fetches(RELATIONS)
async def relations(
    info: Info,
    filter: RelationFilterArgument = None,
    order_by: RelationOrderArgument = None,
    first: First = None,
    after: After = None,
    last: Last = None,
    before: Before = None,
) -> Page:
    return await RELATIONS.load(
        info.context.loaders, filter=filter, order_by=order_by, first=first, after=after, last=last, before=before
    )


relation_of = foreign(by_id(RELATION), "relation_id")


PAIR = Pair(by_id(COUNTRY), ("country_a_id", "country_b_id"), "code")


@fetches(PAIR)
async def countries_of_relation(relation: Parent[Row], info: Info) -> list[Row]:
    return await PAIR.load(info.context.loaders, relation)


@fetches(Counterpart(PAIR))
async def counterpart(relation: Parent[Row], info: Info, of: Of) -> Row | None:
    return Counterpart.of(await PAIR.load(info.context.loaders, relation), of)


events_of_relation = event_queries.events_of(EVENTS)


labels_of_relation = children(LABELS)


agreements_of_relation = children(AGREEMENTS)


mechanisms_of_relation = children(MECHANISMS)


statistics_of_relation = children(STATISTICS)
