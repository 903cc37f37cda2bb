"""The tables whose rows are GraphQL nodes, and their global ids."""

import base64
import binascii
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from models import tables
from resolvers.errors import BadUserInput


@dataclass(frozen=True, eq=False)
class Entity:
    """A node type: its GraphQL name, its table and the natural key that goes into its global id."""

    typename: str
    table: sa.Table
    key: str


ENTITIES = {
    entity.typename: entity
    for entity in (
        Entity("Region", tables.region, "code"),
        Entity("Country", tables.country, "code"),
        Entity("Relation", tables.relation, "slug"),
        Entity("Event", tables.event, "slug"),
        Entity("Agreement", tables.agreement, "slug"),
        Entity("Person", tables.person, "slug"),
        Entity("Mechanism", tables.mechanism, "slug"),
        Entity("Statistic", tables.statistic, "slug"),
        Entity("Theme", tables.theme, "slug"),
        Entity("Source", tables.source, "slug"),
    )
}
# Rows of nodes, and of citations (not nodes, but members of a union), carry their type name.
TYPENAMES = {**{entity.table.name: entity.typename for entity in ENTITIES.values()}, "citation": "Citation"}


def columns_of(table: sa.Table) -> list[Any]:
    """The columns to select for rows of `table`, with the type name where a union may need it."""
    typename = TYPENAMES.get(table.name)
    return [*table.c, sa.literal(typename).label("typename")] if typename else list(table.c)


def global_id(typename: str, key: str) -> str:
    """An opaque id built from the type and natural key, so it survives re-seeding."""
    return base64.urlsafe_b64encode(f"{typename}:{key}".encode()).decode().rstrip("=")


def parse_global_id(value: str) -> tuple[Entity, str]:
    """The entity and natural key an id stands for; a `BadUserInput` error if it is not one of ours."""
    try:
        decoded = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        decoded = ""
    typename, _, key = decoded.partition(":")
    if typename not in ENTITIES or not key:
        raise BadUserInput(f"{value!r} is not a valid node id", argument="id")
    return ENTITIES[typename], key
