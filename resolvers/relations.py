"""Bilateral relations: by their two countries, and the pair of countries of one."""

from typing import Annotated, Any

import strawberry
from strawberry import Parent

from models import tables as t
from models.country import COUNTRY
from models.event import EVENT
from models.relation import RELATION, pair_slug
from resolvers.context import Info
from resolvers.errors import BadUserInput
from resolvers.fetches import ByKey, Counterpart, Pair, children, fetches
from resolvers.loading import Relationship, Row, by_id, by_key

EVENTS = Relationship(t.event, keys=(t.event.c.relation_id,), order_by=EVENT.order_by)
LABELS = Relationship(t.relation_label, keys=(t.relation_label.c.relation_id,), order_by=(t.relation_label.c.slug,))

Of = Annotated[str, strawberry.argument(description="The code of one of the relation's two countries.")]


def relation_slug(between: Any) -> str:
    """The natural key of the relation between the two countries of a pair (`a` and `b`), in either order."""
    cleaned = {between.a.strip().upper(), between.b.strip().upper()}
    if len(cleaned) != 2:
        raise BadUserInput("`between` takes two different country codes", argument="between")
    return pair_slug(cleaned)


RELATION_BETWEEN = ByKey(by_key(RELATION), lambda arguments: relation_slug(arguments["between"]))


PAIR = Pair(by_id(COUNTRY), ("country_a_id", "country_b_id"), "code")


@fetches(PAIR)
async def countries_of_relation(relation: Parent[Row], info: Info) -> list[Row]:
    return await PAIR.load(info.context.loaders, relation)


@fetches(Counterpart(PAIR))
async def counterpart(relation: Parent[Row], info: Info, of: Of) -> Row | None:
    return Counterpart.of(await PAIR.load(info.context.loaders, relation), of)


labels_of_relation = children(LABELS)
