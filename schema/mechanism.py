"""Standing mechanisms of a relation."""

import sqlalchemy as sa
import strawberry

import resolvers.mechanisms
from models import tables as t
from models.enums import MechanismKind, MechanismLevel, MechanismStatus
from models.mechanism import MECHANISM
from resolvers.filtering import (
    EnumFilter,
    KeyFilter,
    TextFilter,
    filter_input,
    in_relation,
    key_matches,
    text_matches,
    with_theme,
)
from schema.citation import EDITORIAL
from schema.connection import Connection
from schema.entity import entity_type
from schema.fields import KIND_RENAMED, former
from schema.lists import in_order, lookup, paged
from schema.node import Node


@entity_type(
    MECHANISM, description="A standing channel of a relation: regular meetings, a dialogue, a commission, a program."
)
class Mechanism(Node):
    slug: str = strawberry.field(description="The mechanism's natural key.")
    name: str = strawberry.field(description="Its name.")
    short_name: str | None = strawberry.field(description="Its short name (`2+2`, `WHP`); null if none.")
    kind: MechanismKind = strawberry.field(name="mechanismKind", description="What kind of channel it is.")
    former_kind: MechanismKind = former("kind", "mechanismKind", KIND_RENAMED, "What kind of channel it is.")
    level: MechanismLevel | None = strawberry.field(description="Who meets in it; null where the source does not say.")
    status: MechanismStatus | None = strawberry.field(
        description="Where it stands, as far as the source says; null where it does not say."
    )
    description: str | None = strawberry.field(description="More detail. " + EDITORIAL.format(field="description"))


@filter_input(plural="mechanisms")
class MechanismFilter:
    kind: EnumFilter[MechanismKind] | None = strawberry.field(default=None, description="The mechanism's kind.")
    level: EnumFilter[MechanismLevel] | None = strawberry.field(
        default=None, description="Who meets in it; mechanisms of no stated level never match."
    )
    status: EnumFilter[MechanismStatus] | None = strawberry.field(default=None, description="Where it stands.")
    name: TextFilter | None = strawberry.field(default=None, description="The mechanism's name.")
    relation: KeyFilter | None = strawberry.field(default=None, description="The slug of its relation.")
    theme: KeyFilter | None = strawberry.field(default=None, description="The slug of a theme it serves.")

    def conditions(self) -> list[sa.ColumnElement[bool]]:
        mechanism = t.mechanism.c
        return [
            *key_matches(mechanism.kind, self.kind),
            *key_matches(mechanism.level, self.level),
            *key_matches(mechanism.status, self.status),
            *text_matches(mechanism.name, self.name),
            *in_relation(mechanism.relation_id, self.relation),
            *with_theme(mechanism.id, MECHANISM, self.theme),
        ]


@strawberry.type
class Queries:
    mechanisms: Connection[Mechanism] | None = paged(
        t.mechanism,
        in_order(MECHANISM, MechanismFilter, "Return only the mechanisms that match."),
        description="Every mechanism, by slug.",
    )
    mechanism: Mechanism | None = lookup(
        resolvers.mechanisms.MECHANISM_BY_SLUG,
        description="The mechanism with this slug; null if there is none.",
    )
