"""Standing mechanisms of a relation."""

from typing import Annotated, Optional

import sqlalchemy as sa
import strawberry

from models import tables as t
from models.enums import MechanismKind, MechanismLevel, MechanismStatus
from models.event import EVENT
from models.mechanism import MECHANISM
from resolvers.arguments import Slug
from resolvers.context import Info
from resolvers.fetches import ByKey, Everything, children, fetches, foreign
from resolvers.filtering import (
    EnumFilter,
    KeyFilter,
    TextFilter,
    combined,
    in_relation,
    key_matches,
    text_matches,
    with_theme,
)
from resolvers.loading import Relationship, Row, by_id, by_key

MECHANISMS_OF_EVENT = Relationship(t.mechanism, keys=(t.mechanism.c.origin_event_id,), order_by=(t.mechanism.c.slug,))


MECHANISM_BY_SLUG = ByKey(by_key(MECHANISM), lambda arguments: arguments["slug"])


@fetches(MECHANISM_BY_SLUG)
async def mechanism(info: Info, slug: Slug) -> Row | None:
    return await MECHANISM_BY_SLUG.load(info.context.loaders, slug=slug)


@strawberry.input(description="Which mechanisms to return. All given conditions must hold.")
class MechanismFilter:
    kind: EnumFilter[MechanismKind] | None = strawberry.field(default=None, description="The mechanism's kind.")
    level: EnumFilter[MechanismLevel] | None = strawberry.field(
        default=None, description="Who meets in it; mechanisms of no stated level never match."
    )
    status: EnumFilter[MechanismStatus] | None = strawberry.field(default=None, description="Where it stands.")
    name: TextFilter | None = strawberry.field(default=None, description="The mechanism's name.")
    relation: KeyFilter | None = strawberry.field(default=None, description="The slug of its relation.")
    theme: KeyFilter | None = strawberry.field(default=None, description="The slug of a theme it serves.")
    and_: list["MechanismFilter"] | None = strawberry.field(
        default=None, name="and", description="Filters that must all match as well."
    )
    or_: list["MechanismFilter"] | None = strawberry.field(
        default=None, name="or", description="Filters of which at least one must match as well."
    )
    not_: Optional["MechanismFilter"] = strawberry.field(
        default=None, name="not", description="A filter that must not match."
    )


def mechanism_conditions(f: MechanismFilter) -> list[sa.ColumnElement[bool]]:
    mechanism = t.mechanism.c
    return [
        *key_matches(mechanism.kind, f.kind),
        *key_matches(mechanism.level, f.level),
        *key_matches(mechanism.status, f.status),
        *text_matches(mechanism.name, f.name),
        *in_relation(mechanism.relation_id, f.relation),
        *with_theme(mechanism.id, MECHANISM, f.theme),
    ]


MECHANISMS = Everything(
    t.mechanism, (t.mechanism.c.slug,), lambda arguments: combined(arguments.get("filter"), mechanism_conditions)
)


@fetches(MECHANISMS)
async def mechanisms(
    info: Info,
    filter: Annotated[
        MechanismFilter | None, strawberry.argument(description="Return only the mechanisms that match.")
    ] = None,
) -> list[Row]:
    return await MECHANISMS.load(info.context.loaders, filter=filter)


origin_event_of_mechanism = foreign(by_id(EVENT), "origin_event_id")


mechanisms_of_event = children(MECHANISMS_OF_EVENT)
