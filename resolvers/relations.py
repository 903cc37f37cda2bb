"""Bilateral relations: by their two countries, as a connection, and what hangs off one."""

from typing import Annotated, Any

import sqlalchemy as sa
import strawberry
from strawberry import Parent

from models import tables as t
from resolvers.context import Info
from resolvers.countries import COUNTRY
from resolvers.entities import columns_of
from resolvers.errors import BadUserInput
from resolvers.events import EVENT_ORDER
from resolvers.loading import Lookup, Relationship, Row
from resolvers.pagination import After, Before, First, Last, Page, Window

RELATION = Lookup(t.relation)
RELATION_BY_SLUG = Lookup(t.relation, "slug")
EVENTS = Relationship(t.event, keys=(t.event.c.relation_id,), order_by=EVENT_ORDER)
LABELS = Relationship(t.relation_label, keys=(t.relation_label.c.relation_id,), order_by=(t.relation_label.c.slug,))
AGREEMENTS = Relationship(t.agreement, keys=(t.agreement.c.relation_id,), order_by=(t.agreement.c.slug,))
MECHANISMS = Relationship(t.mechanism, keys=(t.mechanism.c.relation_id,), order_by=(t.mechanism.c.slug,))
STATISTICS = Relationship(t.statistic, keys=(t.statistic.c.relation_id,), order_by=(t.statistic.c.slug,))

Between = Annotated[
    list[str], strawberry.argument(description='The two countries\' codes, in either order: `["KOR", "USA"]`.')
]
Of = Annotated[str, strawberry.argument(description="The code of one of the relation's two countries.")]


def relation_slug(codes: list[str]) -> str:
    """The natural key of the relation between two country codes, in either order."""
    cleaned = sorted({code.strip().upper() for code in codes})
    if len(codes) != 2 or len(cleaned) != 2:
        raise BadUserInput("`between` takes exactly two different country codes", argument="between")
    return "-".join(cleaned)


async def relation(info: Info, between: Between) -> Row | None:
    return await info.context.loaders.one(RELATION_BY_SLUG, relation_slug(between))


async def relations(
    info: Info, first: First = None, after: After = None, last: Last = None, before: Before = None
) -> Page:
    statement = sa.select(*columns_of(t.relation)).order_by(t.relation.c.slug)
    return await Page.of_query(info.context.loaders, statement, Window(first, after, last, before))


async def relation_of(row: Parent[Any], info: Info) -> Row | None:
    """The relation a row's `relation_id` names."""
    return await info.context.loaders.one(RELATION, row.relation_id)


async def countries_of_relation(relation: Parent[Row], info: Info) -> list[Row]:
    loader = info.context.loaders.loader(COUNTRY)
    pair: list[Row] = await loader.load_many([relation.country_a_id, relation.country_b_id])
    return sorted(pair, key=lambda country: country.code)


async def counterpart(relation: Parent[Row], info: Info, of: Of) -> Row | None:
    pair = await countries_of_relation(relation, info)
    codes = [country.code for country in pair]
    if of.strip().upper() not in codes:
        return None
    return pair[1 - codes.index(of.strip().upper())]


async def events_of_relation(
    relation: Parent[Row],
    info: Info,
    first: First = None,
    after: After = None,
    last: Last = None,
    before: Before = None,
) -> Page:
    rows = await info.context.loaders.many(EVENTS, relation.id)
    return Page.of_list(rows, Window(first, after, last, before))


async def labels_of_relation(relation: Parent[Row], info: Info) -> list[Row]:
    return await info.context.loaders.many(LABELS, relation.id)


async def agreements_of_relation(relation: Parent[Row], info: Info) -> list[Row]:
    return await info.context.loaders.many(AGREEMENTS, relation.id)


async def mechanisms_of_relation(relation: Parent[Row], info: Info) -> list[Row]:
    return await info.context.loaders.many(MECHANISMS, relation.id)


async def statistics_of_relation(relation: Parent[Row], info: Info) -> list[Row]:
    return await info.context.loaders.many(STATISTICS, relation.id)
