"""Standing mechanisms of a relation."""

from typing import TYPE_CHECKING, Annotated

import strawberry

import resolvers.mechanisms
from models.enums import MechanismKind, MechanismLevel, MechanismStatus
from models.mechanism import MECHANISM
from resolvers import mechanisms, relations
from resolvers.themes import themes_of
from schema.citation import EDITORIAL, Citation, cited, evidenced
from schema.fields import resolved
from schema.node import Node

if TYPE_CHECKING:
    from schema.event import Event
    from schema.relation import Relation
    from schema.theme import Theme


@strawberry.type(description="A standing channel of a relation: regular meetings, a dialogue, a commission, a program.")
class Mechanism(Node):
    slug: str = strawberry.field(description="The mechanism's natural key.")
    name: str = strawberry.field(description="Its name.")
    short_name: str | None = strawberry.field(description="Its short name (`2+2`, `WHP`); null if none.")
    kind: MechanismKind = strawberry.field(description="What kind of channel it is.")
    level: MechanismLevel | None = strawberry.field(description="Who meets in it; null where the source does not say.")
    status: MechanismStatus | None = strawberry.field(
        description="Where it stands, as far as the source says; null where it does not say."
    )
    description: str | None = strawberry.field(description="More detail. " + EDITORIAL.format(field="description"))
    relation: Annotated["Relation", strawberry.lazy("schema.relation")] = resolved(
        resolver=relations.relation_of, description="The relation it serves."
    )
    origin_event: Annotated["Event", strawberry.lazy("schema.event")] | None = resolved(
        resolver=mechanisms.origin_event_of_mechanism,
        description="The event at which it was agreed or launched; null where the source names none.",
    )
    themes: list[Annotated["Theme", strawberry.lazy("schema.theme")]] = resolved(
        resolver=themes_of(MECHANISM), description="Areas of cooperation it serves."
    )
    citations: list[Citation] = cited(MECHANISM.table, "this mechanism")
    evidence: list[Citation] = evidenced(MECHANISM.table)


@strawberry.type
class Queries:
    mechanisms: list[Mechanism] = resolved(resolver=resolvers.mechanisms.mechanisms, description="Every mechanism.")
    mechanism: Mechanism | None = resolved(
        resolver=resolvers.mechanisms.mechanism, description="The mechanism with this slug; null if there is none."
    )
